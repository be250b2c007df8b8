-- Command-line options of protocol scripts: `--key=value`, `--flag` and
-- `key=value`, typed by a table of defaults (a number default takes a
-- number, an integer default an integer, a boolean default a flag or
-- true/false/1/0, a string default any text); dashes in keys read as
-- underscores. Unknown keys and unreadable values are errors that name the
-- script and the option. `--help` prints the script's help text and exits.
--
--   local cli = require "vitrum.cli"
--   local o, given = cli.parse(arg, defaults, { script = "vhg.lua", help = help })
--   -- o: the defaults overridden by the arguments; given[key]: set on the line
local M = {}

function M.parse(argv, defaults, info)
  local name = info and info.script or "script"
  local function fail(fmt, ...) error(name .. ": " .. fmt:format(...), 0) end
  local o, given = {}, {}
  for k, v in pairs(defaults) do o[k] = v end
  for _, a in ipairs(argv or {}) do
    local key, val = a:match("^%-%-([%w%-_]+)=(.*)$")
    if not key then key = a:match("^%-%-([%w%-_]+)$") end
    if not key then key, val = a:match("^([%w_]+)=(.*)$") end
    if not key then fail("cannot read argument '%s' (try --help)", a) end
    key = key:gsub("%-", "_")
    if key == "help" then
      io.write(info and info.help or "")
      os.exit(0)
    end
    local d = defaults[key]
    if d == nil then fail("unknown option --%s (try --help)", key) end
    if type(d) == "boolean" then
      if val == nil or val == "true" or val == "1" then o[key] = true
      elseif val == "false" or val == "0" then o[key] = false
      else fail("--%s is a flag (true or false), got '%s'", key, val) end
    elseif type(d) == "number" then
      local x = tonumber(val)
      if not x then fail("--%s needs a number, got '%s'", key, tostring(val)) end
      if math.type(d) == "integer" then
        if x ~= math.floor(x) then fail("--%s needs an integer, got '%s'", key, val) end
        x = math.tointeger(x)
      end
      o[key] = x
    else
      if val == nil then fail("--%s needs a value", key) end
      o[key] = val
    end
    given[key] = true
  end
  return o, given
end

return M
