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

-- Colours that read on white (no yellow), in series order.
M.colours = { "#1f4e9c", "#c0392b", "#2e8b57", "#7b3fa0", "#d35400", "#4d4d4d", "#008b8b", "#8b4513" }

-- A PNG line/point plot of columns of TSV files. Returns the PNG path, or
-- nil and a reason when gnuplot is absent or fails (figures are optional).
--   o.series = { { file=, x=, y=, title=, with=, axes = "x1y2" }, ... }
--   o.lines  = { { expr = "a*x+b", title=, dash = true }, ... }   functions of x
--   o.vlines = { { x =, title = }, ... }   o.hlines = { { y =, title = }, ... }
--   o.xlabel, o.ylabel, o.y2label (say the units), o.logx, o.logy,
--   o.style = "histogram", o.xrange = { lo, hi } (default: the data's range)
-- The key goes below the plot, where it cannot cover the data.
function M.plot(o)
  if not M.have_gnuplot() then return nil, "gnuplot not installed" end
  local g = {
    "set terminal pngcairo size 900,640 noenhanced font ',11'",
    "set output " .. q(o.file),
    "set key below horizontal maxrows 3 box",
    "set grid",
    "set autoscale xfix",
    "set offsets 0, 0, graph 0.05, graph 0.05",
  }
  if o.title then g[#g + 1] = "set title " .. q(o.title) end
  if o.xlabel then g[#g + 1] = "set xlabel " .. q(o.xlabel) end
  if o.ylabel then g[#g + 1] = "set ylabel " .. q(o.ylabel) end
  if o.y2label then g[#g + 1] = "set y2label " .. q(o.y2label); g[#g + 1] = "set y2tics"; g[#g + 1] = "set ytics nomirror" end
  if o.logy then g[#g + 1] = "set logscale y" end
  if o.logx then g[#g + 1] = "set logscale x" end
  if o.xrange then g[#g + 1] = ("set xrange [%.10g:%.10g]"):format(o.xrange[1], o.xrange[2]) end
  local parts, k = {}, 0
  local function colour()
    k = k + 1
    return M.colours[(k - 1) % #M.colours + 1]
  end
  for _, sr in ipairs(o.series) do
    local with = sr.with or (o.style == "histogram" and "histeps lw 2" or "linespoints pt 7 ps 0.5 lw 1.5")
    parts[#parts + 1] = ("%s using %d:%d axes %s with %s lc rgb %s title %s"):format(q(sr.file), sr.x or 1, sr.y or 2,
      sr.axes or "x1y1", with, q(colour()), q(sr.title or sr.file))
  end
  for _, ln in ipairs(o.lines or {}) do
    parts[#parts + 1] = ("%s with lines lw 2 %s lc rgb %s title %s"):format(ln.expr, ln.dash and "dt 2" or "",
      q(ln.colour or colour()), q(ln.title or ln.expr))
  end
  -- vertical marks are arrows across the graph with a label at the top;
  -- horizontal marks are constant functions, with a key entry
  for n, v in ipairs(o.vlines or {}) do
    g[#g + 1] = ("set arrow from %.10g, graph 0 to %.10g, graph 1 nohead lw 2 dt 3 lc rgb %s"):format(v.x, v.x, q("#000000"))
    -- labels one below the other, so that marks close together stay legible
    if v.title then
      g[#g + 1] = ("set label %s at %.10g, graph %.3f offset 0.5, 0 front"):format(q(v.title), v.x, 0.95 - 0.06 * (n - 1))
    end
  end
  for _, h in ipairs(o.hlines or {}) do
    parts[#parts + 1] = ("%.10g with lines lw 2 dt 3 lc rgb %s title %s"):format(h.y, q("#000000"), q(h.title or ("y = " .. h.y)))
  end
  -- y ranges from the data (gnuplot's stats), with room above the highest
  -- point and any horizontal mark: a histogram's peak or a threshold never
  -- sits on the border; histograms start at 0
  local top = { y1 = {}, y2 = {} }
  for i, sr in ipairs(o.series) do
    g[#g + 1] = ("stats %s using %d nooutput name 'S%d'"):format(q(sr.file), sr.y or 2, i)
    local t = (sr.axes == "x1y2") and top.y2 or top.y1
    t[#t + 1] = ("S%d_max"):format(i)
  end
  for _, h in ipairs(o.hlines or {}) do top.y1[#top.y1 + 1] = ("%.10g"):format(h.y) end
  for axis, list in pairs(top) do
    if #list > 0 then
      local v = axis:upper() .. "TOP"
      g[#g + 1] = ("%s = %s"):format(v, list[1])
      for i = 2, #list do g[#g + 1] = ("%s = (%s > %s) ? %s : %s"):format(v, list[i], v, list[i], v) end
      local rng = axis == "y1" and "yrange" or "y2range"
      if axis == "y1" and o.logy then
        g[#g + 1] = ("set %s [*:%s * 2]"):format(rng, v)
      elseif o.style == "histogram" then
        g[#g + 1] = ("set %s [0:%s * 1.08]"):format(rng, v)
      elseif axis == "y2" then
        g[#g + 1] = ("set %s [*:%s * 1.08]"):format(rng, v)
      end
    end
  end
  if o.style == "histogram" or o.logy then g[#g + 1] = "set offsets 0, 0, 0, 0" end
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

-- Histogram rows { centre, count, density } of a vt.array over [lo, hi]
-- (default: the data's own range, so that nothing falls outside). Every
-- value must land in a bin: an error says how many would be dropped.
function M.hist_rows(a, bins, lo, hi)
  local mn, mx = a:min(), a:max()
  lo = lo or mn
  hi = hi or mx
  if hi <= lo then hi = lo + math.max(1e-9, math.abs(lo) * 1e-9) end
  -- GSL bins are [lo, hi): widen by a hair so the maximum is counted
  local top = hi + (hi - lo) * 1e-9
  local h = a:histogram{ bins = bins, range = { lo, top } }
  local rows, w = {}, (top - lo) / bins
  local total = h.counts:sum()
  if total ~= #a then
    error(("output.hist_rows: %d of %d values fall outside [%g, %g]"):format(#a - total, #a, lo, hi), 2)
  end
  for i = 1, bins do
    rows[i] = { 0.5 * (h.edges[i] + h.edges[i + 1]), h.counts[i], total > 0 and h.counts[i] / (total * w) or 0 }
  end
  return rows
end

-- The common range of several arrays (for histograms drawn together).
function M.range(...)
  local lo, hi = math.huge, -math.huge
  for _, a in ipairs { ... } do
    lo = math.min(lo, a:min())
    hi = math.max(hi, a:max())
  end
  return lo, hi
end

return M
