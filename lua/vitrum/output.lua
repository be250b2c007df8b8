-- vitrum.output: result tables as TSV with a provenance header, written to a
-- temporary name and renamed (an interrupted run never leaves half a file),
-- and PNG figures through gnuplot when it is installed.
--
--   local out = require "vitrum.output"
--   out.tsv("u_of_T.tsv", { "T", "U_per_N" }, rows, { script = "vhg.lua", seed = 1, N = 500 })
--   out.plot{ file = "u.png", title = ..., xlabel = ..., ylabel = ...,
--             series = { { file = "a.tsv", x = 1, y = 2, title = "bidisperse" }, ... } }
local vt = require "vitrum"
local M = {}

local function sorted_keys(t)
  local k = {}
  for key in pairs(t) do k[#k + 1] = tostring(key) end
  table.sort(k)
  return k
end

-- The '#' header: vitrum version, date, the script and its parameters.
function M.header(meta)
  local lines = { ("# vitrum %s, %s"):format(vt.version, os.date("!%Y-%m-%dT%H:%M:%SZ")) }
  if meta then
    for _, k in ipairs(sorted_keys(meta)) do
      lines[#lines + 1] = ("# %s = %s"):format(k, tostring(meta[k]))
    end
  end
  return table.concat(lines, "\n") .. "\n"
end

local function fmt(v)
  if type(v) == "number" then
    if math.type(v) == "integer" then return tostring(v) end
    return ("%.10g"):format(v)
  end
  return tostring(v)
end

-- rows: list of lists (one per line) in the order of `columns`
function M.tsv(path, columns, rows, meta)
  local tmp = path .. ".tmp"
  local f, err = io.open(tmp, "w")
  if not f then error(("cannot write '%s': %s"):format(path, err), 2) end
  f:write(M.header(meta))
  f:write("# ", table.concat(columns, "\t"), "\n")
  for _, r in ipairs(rows) do
    local cells = {}
    for i = 1, #columns do cells[i] = fmt(r[i]) end
    f:write(table.concat(cells, "\t"), "\n")
  end
  local ok, werr = f:close()
  if not ok then os.remove(tmp); error(("writing '%s' failed: %s"):format(path, werr), 2) end
  local rok, rerr = os.rename(tmp, path)
  if not rok then os.remove(tmp); error(("cannot rename '%s': %s"):format(tmp, rerr), 2) end
  return path
end

function M.have_gnuplot()
  if M._gnuplot == nil then
    local p = io.popen("command -v gnuplot 2>/dev/null")
    local s = p and p:read("a") or ""
    if p then p:close() end
    M._gnuplot = s:match("%S") ~= nil
  end
  return M._gnuplot
end

local function q(s) return "'" .. tostring(s):gsub("'", "''") .. "'" end

-- A PNG line/point plot of columns of TSV files. Returns the PNG path, or
-- nil and a reason when gnuplot is absent or fails (figures are optional).
function M.plot(o)
  if not M.have_gnuplot() then return nil, "gnuplot not installed" end
  local g = {
    "set terminal pngcairo size 800,560 noenhanced",
    "set output " .. q(o.file),
    "set key top left",
    "set grid",
  }
  if o.title then g[#g + 1] = "set title " .. q(o.title) end
  if o.xlabel then g[#g + 1] = "set xlabel " .. q(o.xlabel) end
  if o.ylabel then g[#g + 1] = "set ylabel " .. q(o.ylabel) end
  if o.logy then g[#g + 1] = "set logscale y" end
  if o.logx then g[#g + 1] = "set logscale x" end
  if o.style == "histogram" then g[#g + 1] = "set style data histeps" end
  local parts = {}
  for _, sr in ipairs(o.series) do
    parts[#parts + 1] = ("%s using %d:%d with %s title %s"):format(q(sr.file), sr.x or 1, sr.y or 2,
      sr.with or (o.style == "histogram" and "histeps" or "linespoints pt 7 ps 0.4"), q(sr.title or sr.file))
  end
  g[#g + 1] = "plot " .. table.concat(parts, ", ")
  local script = os.tmpname()
  local f = assert(io.open(script, "w"))
  f:write(table.concat(g, "\n"), "\n")
  f:close()
  local ok = os.execute("gnuplot " .. q(script) .. " 2>/dev/null")
  os.remove(script)
  if not ok then return nil, "gnuplot failed" end
  return o.file
end

return M
