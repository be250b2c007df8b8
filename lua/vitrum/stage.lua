-- vitrum.stage: the building blocks that protocol scripts and sweeps share
-- for keeping results across runs.
--
--   local stage = require "vitrum.stage"
--   stage.serialize(v)        -- a Lua literal (readable) of numbers, strings,
--                             -- booleans and nested tables; %.17g round-trips
--   stage.encode(v) / stage.decode(s)
--                             -- a compact, exact, loadable form of the same
--                             -- values plus vt.arrays (messages between
--                             -- sweep workers, keys in sorted order so equal
--                             -- tables give equal text; decode runs in an empty
--                             -- environment, text chunks only)
--   local st = stage.new{ dir = "out", fresh = false, say = function(fmt, ...) end }
--   local res, sys = st:run(name, { "glass", ... }, function() return res, sys end)
--                             -- runs fn once: its result table is kept in
--                             -- dir/stage-<name>.lua and its systems in
--                             -- dir/stage-<name>-<system>.vtc; a rerun loads them
--   stage.hash(s)             -- FNV-1a 64-bit hash of a string, as 16 hex digits
local vt = require "vitrum"
local M = {}

function M.serialize(v, indent)
  indent = indent or ""
  local t = type(v)
  if t == "number" then
    if math.type(v) == "integer" then return tostring(v) end
    if v ~= v then return "0/0" end
    if v == math.huge then return "math.huge" end
    if v == -math.huge then return "-math.huge" end
    return ("%.17g"):format(v)
  elseif t == "string" then return ("%q"):format(v)
  elseif t == "boolean" or t == "nil" then return tostring(v)
  elseif t == "table" then
    local parts = {}
    for k, x in pairs(v) do
      local key = type(k) == "string" and ("[%q]"):format(k) or ("[%s]"):format(M.serialize(k))
      if type(x) ~= "userdata" and type(x) ~= "function" then
        parts[#parts + 1] = indent .. " " .. key .. " = " .. M.serialize(x, indent .. " ")
      end
    end
    return "{\n" .. table.concat(parts, ",\n") .. "\n" .. indent .. "}"
  end
  return "nil"
end

local function is_array(v) return type(v) == "userdata" and getmetatable(v) and getmetatable(v).__name == "vt.array" end
M.is_array = is_array

-- exact: %q writes floats as hexadecimal literals and strings byte for byte
local function enc(v, out, depth)
  local t = type(v)
  if t == "number" then
    if v ~= v then out[#out + 1] = "(0/0)"
    elseif v == math.huge then out[#out + 1] = "(1/0)"
    elseif v == -math.huge then out[#out + 1] = "(-1/0)"
    else out[#out + 1] = ("%q"):format(v) end
  elseif t == "string" then out[#out + 1] = ("%q"):format(v)
  elseif t == "boolean" then out[#out + 1] = tostring(v)
  elseif t == "nil" then out[#out + 1] = "nil"
  elseif is_array(v) then
    local bytes, _, k = vt.proc.array_bytes(v)
    out[#out + 1] = ("A(%d,%q)"):format(k, bytes)
  elseif t == "table" then
    if depth > 50 then error("stage.encode: tables nested deeper than 50 levels (a cycle?)", 0) end
    out[#out + 1] = "{"
    local keys = {}
    for k in pairs(v) do
      if type(k) ~= "string" and math.type(k) ~= "integer" then
        error(("stage.encode: a table key of type %s cannot be encoded"):format(type(k)), 0)
      end
      keys[#keys + 1] = k
    end
    table.sort(keys, function(a, b)   -- integers first, then strings: the same text for the same table
      if type(a) == type(b) then return a < b end
      return type(a) == "number"
    end)
    for _, k in ipairs(keys) do
      local x = v[k]
      out[#out + 1] = "["
      enc(k, out, depth + 1)
      out[#out + 1] = "]="
      enc(x, out, depth + 1)
      out[#out + 1] = ","
    end
    out[#out + 1] = "}"
  else
    error(("stage.encode: a %s cannot be encoded (numbers, strings, booleans, tables, vt.arrays)"):format(t), 0)
  end
end

function M.encode(v)
  local out = { "return " }
  enc(v, out, 0)
  return table.concat(out)
end

function M.decode(s)
  local env = { A = function(k, bytes) return vt.proc.bytes_array(bytes, k) end }
  local f, err = load(s, "=message", "t", env)
  if not f then error("stage.decode: malformed message: " .. err, 0) end
  return f()
end

function M.hash(s)
  local h = -3750763034362895579          -- 14695981039346656037 (FNV offset basis)
  for i = 1, #s do
    h = (h ~ s:byte(i)) * 1099511628211   -- FNV prime; integer arithmetic wraps mod 2^64
  end
  return ("%016x"):format(h)
end

local Stage = {}
Stage.__index = Stage

function M.new(o)
  assert(type(o) == "table" and type(o.dir) == "string", "stage.new{ dir = ... } needs an output directory")
  return setmetatable({ dir = o.dir, fresh = o.fresh and true or false,
                        say = o.say or function() end }, Stage)
end

function Stage:path(name) return self.dir .. "/" .. name end

function Stage:run(name, systems_wanted, fn)
  local done = self:path("stage-" .. name .. ".lua")
  local f = not self.fresh and io.open(done)
  if f then
    f:close()
    local res = dofile(done)
    local sys = {}
    for _, sname in ipairs(systems_wanted) do sys[sname] = vt.read(self:path(("stage-%s-%s.vtc"):format(name, sname))) end
    self.say("stage %s: resumed from %s", name, done)
    return res, sys
  end
  local t0 = os.time()
  local res, sys = fn()
  for _, sname in ipairs(systems_wanted) do vt.write(sys[sname], self:path(("stage-%s-%s.vtc"):format(name, sname))) end
  local tmp = done .. ".tmp"
  local w = assert(io.open(tmp, "w"))
  w:write("return ", M.serialize(res), "\n")
  w:close()
  assert(os.rename(tmp, done))
  self.say("stage %s: done in %d s", name, os.time() - t0)
  return res, sys
end

return M
