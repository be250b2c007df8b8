-- Swap-equilibrated versus virial-homogenized glasses: the comparison of
-- the appendix of Leoni, Russo, Sciortino and Yanagishima, PRL 134, 128201
-- (2025) (PROTOCOLS.md section 1, last part; MODELS.md section 7).
--
-- Model: continuously polydisperse smoothed LJ, p(sigma) ~ sigma^-3 on
-- 0.7253 < sigma < 1.6095, number density 1.0, m = sigma^3. The mixing and
-- smoothing of the paper are not known (MODELS.md 10, item 10): the default
-- is the WAHNs scheme (lj_smooth 2.5/2.75, additive), --model=nbc selects
-- the NBC even-polynomial smoothing with non-additive mixing.
--
-- For every temperature of --T: swap Monte Carlo equilibration (step size
-- adapted, then frozen), a production run from which --samples
-- configurations are quenched (FIRE) to inherent structures; per T the
-- inherent-structure energies and the distribution of the per-particle
-- virial pressure P2_i are written. Then the same population is cooled
-- conventionally by NVT MD (--rate), quenched, and homogenized with the VHG
-- loop (require "vitrum.vhg"); its P2_i distribution and IS energy before
-- and after VHG are written next to the swap ones. The expected outcome:
-- the P2 distribution narrows as T decreases and the IS energy drops.
--
-- The work per temperature is one function (`task`) of a parameter table,
-- so it can move onto the sweep driver (require "vitrum.sweep") unchanged.
-- Defaults run in minutes (N = 800); --n=4000 --sweeps=... reach the
-- paper's size.
local vt = require "vitrum"
local vhg = require "vitrum.vhg"
local out = require "vitrum.output"

local defaults = {
  n = 800, T = "0.8,0.6,0.5,0.4", equil = 200, sweeps = 300, samples = 3, swap_fraction = 0.2,
  seed = 1, model = "wahns", rate = 1e-2, thigh = 1.0, tlow = 0.1, ftol = 1e-10, delta = 0.01,
  reductions = 5, bins = 60, p2min = -10.0, p2max = 30.0, out = "swap-vhg-out", threads = 0, quiet = false,
}
local help = [[
usage: vitrum scripts/swap_vhg_compare.lua [--option=value ...]

Swap-equilibrated glasses versus a VHG glass of the same polydisperse
smoothed-LJ population (VHG appendix; p(sigma) ~ sigma^-3, density 1.0).

  --n=800              particles (at least 700: the box must hold two cutoffs)
  --T=0.8,0.6,0.5,0.4  swap temperatures
  --equil=200          equilibration sweeps per T (step size adapted)
  --sweeps=300         production sweeps per T (step size frozen)
  --samples=3          inherent structures per T (evenly spaced in production)
  --swap-fraction=0.2  fraction of swap moves
  --model=wahns        wahns (lj_smooth 2.5/2.75, additive) or nbc (even
                       polynomial at 2.5, non-additive 0.2)
  --rate=1e-2          cooling rate of the conventional glass (per unit time)
  --thigh=1.0 --tlow=0.1   its cooling ramp
  --ftol=1e-10         FIRE convergence (largest force component)
  --delta=0.01 --reductions=5   VHG loop parameters
  --bins=60 --p2min=-10 --p2max=30   P2 histogram
  --seed=1             population, placement and Monte Carlo seeds
  --out=swap-vhg-out   output directory (TSV tables)
  --threads=N          OpenMP threads
  --quiet              less chatter
  --help               this text
]]

local function parse(argv)
  local o = require("vitrum.cli").parse(argv, defaults, { script = "swap_vhg_compare.lua", help = help })
  local temps = {}
  for t in o.T:gmatch("[^,]+") do
    local x = tonumber(t)
    if not x or not (x > 0) then error(("swap_vhg_compare.lua: --T needs positive numbers, got '%s'"):format(t), 0) end
    temps[#temps + 1] = x
  end
  if #temps == 0 then error("swap_vhg_compare.lua: --T is empty", 0) end
  o.temps = temps
  if o.model ~= "wahns" and o.model ~= "nbc" then
    error(("swap_vhg_compare.lua: --model must be wahns or nbc, got '%s'"):format(o.model), 0)
  end
  if o.samples < 1 or o.sweeps < o.samples then error("swap_vhg_compare.lua: need 1 <= samples <= sweeps", 0) end
  if not (o.p2max > o.p2min) or o.bins < 1 then error("swap_vhg_compare.lua: bad P2 histogram range", 0) end
  return o
end

local function potential(model)
  if model == "nbc" then return vt.potential.lj_smooth{ smoothing = "nbc", mixing = "nbc" } end
  return vt.potential.lj_smooth{ inner = 2.5, outer = 2.75 }
end

-- The population: the same diameters (same seed) for every temperature and
-- for the conventional glass.
local function population(p)
  local s = vt.system{ n = p.n, density = 1.0, init = "lattice", seed = p.seed, mass = "volume",
                       diameters = { law = "power", exponent = -3, min = 0.7253, max = 1.6095 } }
  s:set_potential(potential(p.model))
  return s
end

local function p2_histogram(s, p)
  local h = vt.virial.p2(s):histogram{ bins = p.bins, range = { p.p2min, p.p2max } }
  return h
end

-- One temperature: swap equilibration, production with `samples` quenches.
-- Returns scalars (for a results store) and the summed P2 histogram.
local function task(p)
  local s = population(p)
  local mc = vt.swap_mc{ system = s, T = p.T, swap_fraction = p.swap_fraction, seed = p.seed + 1000 }
  local eq = mc:run{ sweeps = p.equil, adapt = true }
  local fire = vt.fire{ ftol = p.ftol, max_steps = 1000000 }
  local every = p.sweeps // p.samples
  local eis, p2std, counts, edges = {}, {}, nil, nil
  local acc
  for k = 1, p.samples do
    acc = mc:run{ sweeps = every }.acceptance
    local q = s:copy()
    local r = fire:minimize(q)
    if not r.converged then error(("T = %g: FIRE did not converge (fmax %g)"):format(p.T, r.fmax)) end
    eis[k] = r.energy / q.n
    p2std[k] = vt.virial.p2(q):std()
    local h = p2_histogram(q, p)
    edges = h.edges
    if not counts then counts = {} for b = 1, #h.counts do counts[b] = 0 end end
    for b = 1, #h.counts do counts[b] = counts[b] + h.counts[b] end
  end
  local function mean(t) local m = 0 for _, v in ipairs(t) do m = m + v end return m / #t end
  local function sem(t)
    if #t < 2 then return 0 end
    local m, v = mean(t), 0
    for _, x in ipairs(t) do v = v + (x - m) ^ 2 end
    return math.sqrt(v / (#t - 1) / #t)
  end
  local tot = mc:acceptance()
  return { T = p.T, e_is = mean(eis), e_is_err = sem(eis), p2_std = mean(p2std), p2_std_err = sem(p2std),
           acc_displacement = acc.displacement, acc_swap = acc.swap, acc_swap_all = tot.swap,
           delta = mc.delta, delta_equil_end = eq.delta, e_liquid = mc.energy / s.n,
           counts = counts, edges = edges }
end

local function histogram_rows(h, n)
  local rows, total = {}, 0
  for b = 1, #h.counts do total = total + h.counts[b] end
  for b = 1, #h.counts do
    local lo, hi = h.edges[b], h.edges[b + 1]
    rows[b] = { 0.5 * (lo + hi), total > 0 and h.counts[b] / (total * (hi - lo)) or 0 }
  end
  return rows
end

-- The conventional glass of the same population and its VHG counterpart.
local function vhg_task(p)
  local s = population(p)
  local mc = vt.swap_mc{ system = s, T = p.thigh, swap_fraction = 0, seed = p.seed + 2000 }
  mc:run{ sweeps = 50, adapt = true }      -- melt the lattice (plain MC at thigh)
  s:thermalize{ T = p.thigh, seed = p.seed + 3 }
  local md = vt.md{ system = s, T = p.thigh, tau = 0.2, dt = 0.005 }
  md:run{ steps = 2000, progress = not p.quiet }
  local steps = math.max(1, math.floor((p.thigh - p.tlow) / p.rate / 0.005 + 0.5))
  md:run{ steps = steps, T = { p.thigh, p.tlow }, progress = not p.quiet }
  local fire = vt.fire{ ftol = p.ftol, max_steps = 1000000 }
  local r0 = fire:minimize(s)
  if not r0.converged then error("conventional glass: FIRE did not converge") end
  local before = { e_is = r0.energy / s.n, p2_std = vt.virial.p2(s):std(), hist = p2_histogram(s, p) }
  local r = vhg.run{ system = s, minimizer = fire, delta = p.delta, reductions = p.reductions }
  local after = { e_is = s:energy() / s.n, p2_std = vt.virial.p2(s):std(), hist = p2_histogram(s, p),
                  iterations = r.iterations, accepted = r.accepted }
  return before, after, steps
end

local opt = parse(arg or {})
if opt.threads > 0 then vt.threads(opt.threads) end
os.execute("mkdir -p '" .. opt.out .. "'")
local function path(name) return opt.out .. "/" .. name end
local function say(fmt, ...) if not opt.quiet then io.stderr:write(os.date("!%H:%M:%S "), fmt:format(...), "\n") end end
local meta = { script = "scripts/swap_vhg_compare.lua", model = opt.model, N = opt.n, density = 1.0,
               T = opt.T, equil = opt.equil, sweeps = opt.sweeps, samples = opt.samples,
               swap_fraction = opt.swap_fraction, seed = opt.seed, rate = opt.rate, threads = vt.threads() }

local summary = {}
for _, T in ipairs(opt.temps) do
  local p = {}
  for k, v in pairs(opt) do p[k] = v end
  p.T = T
  local t0 = vt.clock()
  local r = task(p)
  say("T = %g: e_IS = %.5f +- %.5f, std P2 = %.4f, acceptance displacement %.3f swap %.4f (%.1f s)", T, r.e_is,
      r.e_is_err, r.p2_std, r.acc_displacement, r.acc_swap, vt.clock() - t0)
  out.tsv(path(("p2_swap_T%g.tsv"):format(T)), { "P2", "density" }, histogram_rows(r, opt.n), meta)
  summary[#summary + 1] = { "swap", T, r.e_is, r.e_is_err, r.p2_std, r.p2_std_err, r.acc_displacement, r.acc_swap, r.delta }
end

local t0 = vt.clock()
local before, after, steps = vhg_task(opt)
say("conventional glass (%d MD steps): e_IS = %.5f, std P2 = %.4f; after VHG (%d iterations): e = %.5f, std P2 = %.4f (%.1f s)",
    steps, before.e_is, before.p2_std, after.iterations, after.e_is, after.p2_std, vt.clock() - t0)
out.tsv(path("p2_conventional.tsv"), { "P2", "density" }, histogram_rows(before.hist), meta)
out.tsv(path("p2_vhg.tsv"), { "P2", "density" }, histogram_rows(after.hist), meta)
summary[#summary + 1] = { "conventional", opt.tlow, before.e_is, 0, before.p2_std, 0, "", "", "" }
summary[#summary + 1] = { "vhg", opt.tlow, after.e_is, 0, after.p2_std, 0, "", "", "" }
out.tsv(path("summary.tsv"), { "glass", "T", "e_IS", "e_IS_err", "std_P2", "std_P2_err", "acc_displacement",
                               "acc_swap", "delta" }, summary, meta)
say("wrote %s", path("summary.tsv"))
