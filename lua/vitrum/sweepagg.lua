-- vitrum.sweepagg: aggregation of a sweep store (re-exported by
-- vitrum.sweep): rows grouped by parameters; mean, standard error and a
-- seeded bootstrap confidence interval of any field; TSV tables with
-- provenance; gnuplot figures; columns as vt.arrays.
--
--   local sweep = require "vitrum.sweep"
--   local rows = sweep.rows("results.db")                     -- done rows
--   local s = sweep.summarize{ store = "results.db", by = { "rc", "T" }, field = "G",
--                              bootstrap = 1000, level = 0.95, seed = 1 }
--       -> list of { rc=, T=, n=, mean=, sem=, lo=, hi= } in parameter order
--   sweep.tsv(s, "G.tsv", { by = { "rc", "T" } })             -- TSV, '#' provenance header
--   sweep.plot{ summary = s, x = "T", series = "rc", file = "G.png", ylabel = "G" }
--   local cols = sweep.arrays("results.db", { "T", "G" })     -- { T = vt.array, G = vt.array }
local vt = require "vitrum"
local db = require "vitrum.sweepdb"
local out = require "vitrum.output"
local M = {}

M.rows = db.rows

local function sortable(v) return type(v) == "number" and v or tostring(v) end

-- rows -> list of groups { params = { name = value }, rows = { ... } }, in
-- increasing order of the `by` values
function M.group(rows, by)
  assert(type(by) == "table", "sweep.group(rows, { 'name', ... })")
  local groups, index = {}, {}
  for _, r in ipairs(rows) do
    local parts = {}
    for i, n in ipairs(by) do
      if r[n] == nil then error(("sweep.group: row %d has no column '%s'"):format(r.id or 0, n), 2) end
      parts[i] = tostring(r[n])
    end
    local k = table.concat(parts, "\0")
    local g = index[k]
    if not g then
      g = { params = {}, rows = {} }
      for _, n in ipairs(by) do g.params[n] = r[n] end
      index[k] = g
      groups[#groups + 1] = g
    end
    g.rows[#g.rows + 1] = r
  end
  table.sort(groups, function(a, b)
    for _, n in ipairs(by) do
      local x, y = a.params[n], b.params[n]
      if x ~= y then
        if type(x) == type(y) then return sortable(x) < sortable(y) end
        return type(x) == "number"
      end
    end
    return false
  end)
  return groups
end

-- splitmix64: a small seeded generator of its own (the same stream on every
-- machine; math.random's state is left alone)
local function rng(seed)
  local s = seed
  return function(n)
    s = s + -7046029254386353131            -- 0x9E3779B97F4A7C15
    local z = s
    z = (z ~ (z >> 30)) * -4658895280553007687
    z = (z ~ (z >> 27)) * -7723592293110705685
    z = z ~ (z >> 31)
    return (z >> 11) % n + 1
  end
end

-- mean, standard error of the mean and percentile bootstrap CI of a list of
-- numbers (B resamples of the mean, seeded)
function M.stats(x, o)
  o = o or {}
  local n = #x
  if n == 0 then return { n = 0 } end
  local sum = 0
  for i = 1, n do sum = sum + x[i] end
  local mean = sum / n
  local ss = 0
  for i = 1, n do ss = ss + (x[i] - mean) ^ 2 end
  local res = { n = n, mean = mean, sd = n > 1 and math.sqrt(ss / (n - 1)) or 0 / 0 }
  res.sem = n > 1 and res.sd / math.sqrt(n) or 0 / 0
  local B = o.bootstrap or 1000
  if B > 0 and n > 1 then
    local draw = rng(o.seed or 1)
    local means = {}
    for b = 1, B do
      local s = 0
      for _ = 1, n do s = s + x[draw(n)] end
      means[b] = s / n
    end
    table.sort(means)
    local level = o.level or 0.95
    local function quant(p)
      local h = (B - 1) * p + 1
      local lo = math.floor(h)
      local hi = math.min(lo + 1, B)
      return means[lo] + (h - lo) * (means[hi] - means[lo])
    end
    res.lo, res.hi = quant((1 - level) / 2), quant(1 - (1 - level) / 2)
  else
    res.lo, res.hi = 0 / 0, 0 / 0
  end
  return res
end

-- o = { store = or rows =, by = { ... }, field = name, bootstrap = 1000, level = 0.95, seed = 1 }
function M.summarize(o)
  assert(type(o) == "table" and type(o.field) == "string", "sweep.summarize{ store=, by=, field= }")
  local rows = o.rows or M.rows(o.store)
  local by = o.by or {}
  local out_rows = {}
  for _, g in ipairs(M.group(rows, by)) do
    local x = {}
    for _, r in ipairs(g.rows) do
      local v = r[o.field]
      if type(v) == "number" then x[#x + 1] = v
      elseif v ~= nil then error(("sweep.summarize: field '%s' is not a number (row %d)"):format(o.field, r.id or 0), 2) end
    end
    local s = M.stats(x, o)
    for k, v in pairs(g.params) do s[k] = v end
    out_rows[#out_rows + 1] = s
  end
  return setmetatable(out_rows, { __index = { field = o.field, by = by, store = o.store,
                                              level = o.level or 0.95, bootstrap = o.bootstrap or 1000, seed = o.seed or 1 } })
end

-- a summary as TSV: the `by` columns, then n, mean, sem, lo, hi; the header
-- records the store, the field, the bootstrap settings
function M.tsv(summary, path, meta)
  local by = summary.by
  local cols = {}
  for _, n in ipairs(by) do cols[#cols + 1] = n end
  for _, c in ipairs{ "n", "mean", "sem", "ci_lo", "ci_hi" } do cols[#cols + 1] = c end
  local rows = {}
  for i, s in ipairs(summary) do
    local r = {}
    for _, n in ipairs(by) do r[#r + 1] = s[n] end
    r[#r + 1], r[#r + 2], r[#r + 3], r[#r + 4], r[#r + 5] = s.n, s.mean, s.sem, s.lo, s.hi
    rows[i] = r
  end
  local m = { store = summary.store, field = summary.field, ci = ("%g%% percentile bootstrap of the mean, %d resamples, seed %d")
              :format(100 * summary.level, summary.bootstrap, summary.seed) }
  for k, v in pairs(meta or {}) do m[k] = v end
  return out.tsv(path, cols, rows, m)
end

-- a figure of mean +- CI against parameter x, one curve per value of `series`
-- (o = { summary =, x =, series =, file = "f.png", ylabel =, title = }); one
-- TSV per curve next to the figure. Returns the figure's path, or nil and a
-- reason when gnuplot is missing.
function M.plot(o)
  local s = o.summary
  local by = s.by
  local x = o.x or by[1]
  local series = {}
  local groups = {}
  for _, r in ipairs(s) do
    local key = o.series and tostring(r[o.series]) or "all"
    if not groups[key] then groups[key] = {}; series[#series + 1] = key end
    table.insert(groups[key], r)
  end
  local base = o.file:gsub("%.png$", "")
  local specs = {}
  for i, key in ipairs(series) do
    local rows = {}
    table.sort(groups[key], function(a, b) return a[x] < b[x] end)
    for j, r in ipairs(groups[key]) do rows[j] = { r[x], r.mean, r.lo, r.hi } end
    local f = ("%s-%d.tsv"):format(base, i)
    out.tsv(f, { x, "mean", "ci_lo", "ci_hi" }, rows, { store = s.store, field = s.field, [o.series or "series"] = key })
    specs[i] = { file = f, x = 1, y = 2, title = o.series and (o.series .. " = " .. key) or s.field }
  end
  if not out.have_gnuplot() then return nil, "gnuplot is not installed" end
  return out.plot{ file = o.file, title = o.title or s.field, xlabel = o.xlabel or x, ylabel = o.ylabel or s.field,
                   series = specs }
end

-- numeric columns of the done rows as vt.arrays (in row order)
function M.arrays(store, names, o)
  local rows, fields = M.rows(store, o)
  local res = {}
  for _, n in ipairs(names) do
    local f = fields[n]
    if not f then error(("sweep.arrays: %s has no field '%s'"):format(store, n), 2) end
    if f.kind == "text" or f.kind == "array" then error(("sweep.arrays: field '%s' is %s, not a number"):format(n, f.kind), 2) end
    local x = {}
    for i, r in ipairs(rows) do x[i] = r[n] or (0 / 0) end
    res[n] = vt.array(x)
  end
  return res
end

return M
