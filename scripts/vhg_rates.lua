-- The cooling-rate study of the VHG demo: T_g, T_o, T_o/T_g, U/N and
-- std(P2) of the bidisperse and VHG glasses against the cooling rate gamma
-- (N = 500 at gamma = 2e-3, 6e-4, 2e-4, 6e-5, several seeds at the fast
-- rates; N = 4000 at 2e-3), next to the paper's values at gamma = 1.8e-7
-- [VHG, PRL 134, 128201 (2025)]: T_g 0.48 / 0.49, T_o 0.52 / 0.68
-- (bidisperse / VHG).
--
-- Each (N, rate, seed) point is an independent task: one run of
-- scripts/vhg.lua in its own output directory, read back from the
-- `key = value` lines of its summary.txt (run_point below; a sweep driver
-- can call it per task). A point whose summary exists is not rerun, and an
-- interrupted point resumes from its stage checkpoints, so the study can be
-- stopped and restarted, or its points run elsewhere and collected here.
--
--   vitrum scripts/vhg_rates.lua [--out=vhg-rates] [--collect] [--only=n500-g0.002-s1,...]
local vhg = require "vitrum.vhg"
local out = require "vitrum.output"

local help = [[
usage: vitrum scripts/vhg_rates.lua [--option=value ...]

  --out=vhg-rates     study directory (one subdirectory per point)
  --collect           only read the points that have finished; run nothing
  --only=a,b          run only these points (names as n500-g0.002-s1)
  --vitrum=PATH       the vitrum program for the point runs (default: $VITRUM,
                      else the program running this script)
  --threads=1         OpenMP threads per point run
  --help              this text
]]

-- the study: (N, rate, seeds, extra options of scripts/vhg.lua)
local POINTS = {
  { n = 500, rate = 2e-3, seeds = { 1, 2, 3 } },
  { n = 500, rate = 6e-4, seeds = { 1, 2, 3 } },
  { n = 500, rate = 2e-4, seeds = { 1, 2 } },
  { n = 500, rate = 6e-5, seeds = { 1 } },
  -- L-BFGS in the homogenization: the same minima as FIRE, several times faster
  { n = 4000, rate = 2e-3, seeds = { 1 }, extra = { "--minimizer=lbfgs" } },
}
-- the paper, at gamma = 1.8e-7 and N = 4000
local PAPER = { rate = 1.8e-7, bidisperse = { T_g = 0.48, T_o = 0.52 }, vhg = { T_g = 0.49, T_o = 0.68 } }

local function shq(s) return "'" .. tostring(s):gsub("'", "'\\''") .. "'" end

local function point_name(p) return ("n%d-g%g-s%d"):format(p.n, p.rate, p.seed) end

local function point_args(p, dir, threads)
  local a = { ("--n=%d"):format(p.n), ("--rate=%g"):format(p.rate), ("--seed=%d"):format(p.seed),
              ("--threads=%d"):format(threads), "--quiet", "--out=" .. dir }
  for _, x in ipairs(p.extra or {}) do a[#a + 1] = x end
  return a
end

local function read_summary(dir)
  local f = io.open(dir .. "/summary.txt")
  if not f then return nil end
  local txt = f:read("a")
  f:close()
  local kv = vhg.read_keyvalues(txt)
  if kv["vhg.T_o"] == nil then return nil end   -- a summary from before the key = value lines
  return kv
end

-- One task: run scripts/vhg.lua for point p = { n=, rate=, seed=, extra= }
-- in root/<name>/ unless its summary is there, and return the headline
-- numbers (key = value table) with the wall time, or nil and why.
local function run_point(p, o)
  local dir = o.root .. "/" .. point_name(p)
  local kv = read_summary(dir)
  if kv or o.collect then return kv, kv == nil and "not finished" or nil end
  os.execute("mkdir -p " .. shq(dir))
  local cmd = { shq(o.vitrum), "scripts/vhg.lua" }
  for _, a in ipairs(point_args(p, dir, o.threads)) do cmd[#cmd + 1] = shq(a) end
  local t0 = os.time()
  local ok = os.execute(table.concat(cmd, " ") .. " >> " .. shq(dir .. "/log.txt") .. " 2>&1")
  if not ok then return nil, "scripts/vhg.lua failed: see " .. dir .. "/log.txt" end
  kv = read_summary(dir)
  if not kv then return nil, "no key = value lines in " .. dir .. "/summary.txt" end
  kv.wall = os.time() - t0
  return kv
end

---------------------------------------------------------------------------

local function parse(argv)
  local o = { root = "vhg-rates", collect = false, threads = 1 }
  for _, a in ipairs(argv) do
    local key, val = a:match("^%-%-([%w%-_]+)=(.*)$")
    if not key then key = a:match("^%-%-([%w%-_]+)$") end
    if not key then error(("vhg_rates.lua: cannot read argument '%s' (try --help)"):format(a), 0) end
    if key == "help" then io.write(help); os.exit(0)
    elseif key == "out" and val then o.root = val
    elseif key == "collect" then o.collect = true
    elseif key == "only" and val then
      o.only = {}
      for w in val:gmatch("[^,]+") do o.only[w] = true end
    elseif key == "vitrum" and val then o.vitrum = val
    elseif key == "threads" and tonumber(val) then o.threads = math.tointeger(tonumber(val)) or 1
    else error(("vhg_rates.lua: unknown option or missing value: %s (try --help)"):format(a), 0) end
  end
  if not o.vitrum then o.vitrum = os.getenv("VITRUM") end
  if not o.vitrum then
    -- the program running this script: the lowest negative index of arg
    local k = -1
    while arg and arg[k - 1] do k = k - 1 end
    o.vitrum = arg and arg[k]
  end
  if not o.vitrum then o.vitrum = "vitrum" end
  return o
end

local o = parse(arg or {})
os.execute("mkdir -p " .. shq(o.root))
local function say(fmt, ...) io.stderr:write(os.date("!%H:%M:%S "), fmt:format(...), "\n") end

local results = {}
for _, P in ipairs(POINTS) do
  for _, seed in ipairs(P.seeds) do
    local p = { n = P.n, rate = P.rate, seed = seed, extra = P.extra }
    local name = point_name(p)
    if not o.only or o.only[name] then
      if not o.collect then say("point %s ...", name) end
      local kv, why = run_point(p, o)
      if kv then results[#results + 1] = { p = p, kv = kv } else say("point %s: %s", name, why) end
    end
  end
end

-- per point, and per (N, rate) the mean and its standard error over seeds
local keys = { "bidisperse.T_g", "bidisperse.T_o", "bidisperse.T_o_over_T_g", "bidisperse.U_per_N",
               "bidisperse.std_p2", "vhg.T_g", "vhg.T_o", "vhg.T_o_over_T_g", "vhg.U_per_N", "vhg.std_p2",
               "vhg.Q6", "vhg.phi", "control.melt_T" }
local function num(x) return type(x) == "number" and x or nil end
local rows = {}
for _, r in ipairs(results) do
  local row = { r.p.n, r.p.rate, r.p.seed }
  for _, k in ipairs(keys) do row[#row + 1] = num(r.kv[k]) or "n/a" end
  rows[#rows + 1] = row
end
local cols = { "N", "rate", "seed" }
for _, k in ipairs(keys) do cols[#cols + 1] = k end
local meta = { script = "scripts/vhg_rates.lua", points = #results }
out.tsv(o.root .. "/rates.tsv", cols, rows, meta)

local groups, order = {}, {}
for _, r in ipairs(results) do
  local g = ("%d %g"):format(r.p.n, r.p.rate)
  if not groups[g] then groups[g] = { n = r.p.n, rate = r.p.rate, list = {} }; order[#order + 1] = g end
  table.insert(groups[g].list, r.kv)
end
local function stat(list, k)
  local xs = {}
  for _, kv in ipairs(list) do if num(kv[k]) then xs[#xs + 1] = kv[k] end end
  if #xs == 0 then return nil end
  local m = 0
  for _, x in ipairs(xs) do m = m + x end
  m = m / #xs
  local v = 0
  for _, x in ipairs(xs) do v = v + (x - m) ^ 2 end
  local se = #xs > 1 and math.sqrt(v / (#xs - 1) / #xs) or nil
  return m, se, #xs
end
local mkeys = { "bidisperse.T_g", "bidisperse.T_o", "vhg.T_g", "vhg.T_o", "bidisperse.T_o_over_T_g",
                "vhg.T_o_over_T_g", "bidisperse.U_per_N", "vhg.U_per_N", "bidisperse.std_p2", "vhg.std_p2" }
local mrows, mcols = {}, { "N", "rate", "seeds" }
for _, k in ipairs(mkeys) do mcols[#mcols + 1] = k; mcols[#mcols + 1] = k .. "_se" end
local text = { ("%-5s %-8s %5s  %-13s %-13s %-13s %-13s %-6s %-6s %-9s %-9s"):format("N", "gamma", "seeds",
  "T_g bidisp", "T_o bidisp", "T_g VHG", "T_o VHG", "To/Tg B", "To/Tg V", "U/N B", "U/N V") }
local function pm(m, se, fmt)
  fmt = fmt or "%.3f"
  if not m then return "n/a" end
  return se and (fmt .. "+-" .. fmt):format(m, se) or fmt:format(m)
end
for _, g in ipairs(order) do
  local G = groups[g]
  local row = { G.n, G.rate, #G.list }
  local st = {}
  for _, k in ipairs(mkeys) do
    local m, se = stat(G.list, k)
    st[k] = { m, se }
    row[#row + 1] = m or "n/a"
    row[#row + 1] = se or "n/a"
  end
  mrows[#mrows + 1] = row
  text[#text + 1] = ("%-5d %-8g %5d  %-13s %-13s %-13s %-13s %-6s %-6s %-9s %-9s"):format(G.n, G.rate, #G.list,
    pm(st["bidisperse.T_g"][1], st["bidisperse.T_g"][2]), pm(st["bidisperse.T_o"][1], st["bidisperse.T_o"][2]),
    pm(st["vhg.T_g"][1], st["vhg.T_g"][2]), pm(st["vhg.T_o"][1], st["vhg.T_o"][2]),
    pm(st["bidisperse.T_o_over_T_g"][1], nil, "%.2f"), pm(st["vhg.T_o_over_T_g"][1], nil, "%.2f"),
    pm(st["bidisperse.U_per_N"][1], nil, "%.4f"), pm(st["vhg.U_per_N"][1], nil, "%.4f"))
end
text[#text + 1] = ("%-5d %-8g %5s  %-13s %-13s %-13s %-13s   (the paper)"):format(4000, PAPER.rate, "-",
  ("%.2f"):format(PAPER.bidisperse.T_g), ("%.2f"):format(PAPER.bidisperse.T_o), ("%.2f"):format(PAPER.vhg.T_g),
  ("%.2f"):format(PAPER.vhg.T_o))
out.tsv(o.root .. "/rates-mean.tsv", mcols, mrows, meta)
local m500 = {}
for _, r in ipairs(mrows) do if r[1] == 500 then m500[#m500 + 1] = r end end
out.tsv(o.root .. "/rates-mean-n500.tsv", mcols, m500, meta)
out.tsv(o.root .. "/paper.tsv", { "rate", "bidisperse.T_g", "bidisperse.T_o", "vhg.T_g", "vhg.T_o" },
        { { PAPER.rate, PAPER.bidisperse.T_g, PAPER.bidisperse.T_o, PAPER.vhg.T_g, PAPER.vhg.T_o } },
        { source = "Leoni et al., PRL 134, 128201 (2025)" })

-- the figure: T_o and T_g against gamma (N = 500 means; the paper's points)
local m = o.root .. "/rates-mean-n500.tsv"
local pp = o.root .. "/paper.tsv"
local fig = out.plot{ file = o.root .. "/rates.png", title = "T_g and T_o against the cooling rate (N = 500; paper: N = 4000)",
  xlabel = "gamma", ylabel = "T", logx = true,
  series = { { file = m, x = 2, y = 4, title = "T_g bidisperse", with = "linespoints pt 7 ps 1.2" }, { file = m, x = 2, y = 6, title = "T_o bidisperse", with = "linespoints pt 7 ps 1.2" },
             { file = m, x = 2, y = 8, title = "T_g VHG", with = "linespoints pt 7 ps 1.2" }, { file = m, x = 2, y = 10, title = "T_o VHG", with = "linespoints pt 7 ps 1.2" },
             { file = pp, x = 1, y = 2, title = "paper T_g bidisperse", with = "points pt 4 ps 1.5" },
             { file = pp, x = 1, y = 3, title = "paper T_o bidisperse", with = "points pt 6 ps 1.5" },
             { file = pp, x = 1, y = 4, title = "paper T_g VHG", with = "points pt 5 ps 1.5" },
             { file = pp, x = 1, y = 5, title = "paper T_o VHG", with = "points pt 7 ps 1.5" } } }
local report = table.concat(text, "\n") .. "\n"
io.write(report)
io.write(("%d points; tables %s/rates.tsv, %s/rates-mean.tsv%s\n"):format(#results, o.root, o.root,
  fig and (", figure " .. fig) or ", no figure (gnuplot not installed)"))
