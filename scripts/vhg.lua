-- Virial-homogenized glasses, end to end: the protocol of Leoni, Russo,
-- Sciortino and Yanagishima, PRL 134, 128201 (2025) ([VHG]; see
-- doc/protocols.md section 1), on the WAHNs model (lj_smooth 2.5/2.75,
-- diameters 1.0/1.2, m = sigma^3, density 0.75).
--
--   liquid at T = 1 -> linear cooling to 0.1 at rate gamma -> inherent
--   structure (FIRE) -> homogenization loop -> the polydisperse control
--   (melt the VHG glass, re-cool from T = 1, quench) -> heating ramps of the
--   bidisperse, VHG and control glasses, each until it has melted -> T_g,
--   T_o, the amorphousness check, the packing fraction and the melting
--   analysis, summarized for people and as `key = value` lines.
--
-- With no arguments it runs a small embedded default (N = 500, a fast rate)
-- in a few minutes; `--paper` selects the paper's scale (N = 4000,
-- gamma = 1.8e-7: days of compute, same script). Every curve is written as a
-- TSV table with a provenance header into the output directory, figures as
-- PNG when gnuplot is installed, and each stage leaves a checkpoint so a run
-- that stops resumes where it stopped (same options, same directory).
local vt = require "vitrum"
local vhg = require "vitrum.vhg"
local ramp = require "vitrum.ramp"
local out = require "vitrum.output"

---------------------------------------------------------------------------
-- options

local defaults = {
  n = 500, density = 0.75, rate = 2e-3, seed = 1, delta = 0.01, reductions = 5,
  out = "vhg-out", dt = 0.005, tau = 0.2, ftol = 1e-10, samples = 90, tmax = 2.0,
  threads = 0, max_iterations = 1000, fresh = false, paper = false, quiet = false, minimizer = "fire",
}
local help = [[
usage: vitrum scripts/vhg.lua [--option=value ...]

Virial-homogenized glasses [VHG, PRL 134, 128201 (2025)] on the WAHNs model.

  --n=500            particles (50:50 of diameters 1.0 and 1.2)
  --density=0.75     number density
  --rate=2e-3        cooling and heating rate gamma, per unit time
  --seed=1           seed of the initial configuration and velocities
  --delta=0.01       initial diameter step of the homogenization
  --reductions=5     halvings of delta before the loop stops
  --max-iterations=1000  cap on homogenization iterations
  --dt=0.005         MD time step;  --tau=0.2  Nose-Hoover coupling time
  --ftol=1e-10       minimizer convergence: largest force component
  --minimizer=fire   re-minimization in the homogenization loop: fire (FIRE
                     2.0, as the paper), lbfgs (L-BFGS after FIRE: the same
                     minima, several times faster), ichol (L-BFGS with an
                     incomplete-Cholesky Hessian preconditioner: faster
                     still) or newton (quasi-Newton on the factorized Hessian)
  --samples=90       samples recorded along each ramp
  --tmax=2.0         cap on the heating ramps and on the control's melting
                     temperature: a heating ramp runs to T = 1 at least and
                     on until the glass has melted (MSD from T = 0.1 past 1
                     and U(T) on the liquid branch), then 0.1 further
  --out=vhg-out      output directory (TSV tables, PNG figures, checkpoints)
  --threads=N        OpenMP threads (default: OMP_NUM_THREADS or all cores)
  --paper            the paper's scale: N = 4000, rate = 1.8e-7 (days of compute)
  --fresh            ignore checkpoints in the output directory
  --quiet            no progress bars
  --help             this text
]]

local function parse(argv)
  local o, given = require("vitrum.cli").parse(argv, defaults, { script = "vhg.lua", help = help })
  if o.paper then
    if not given.n then o.n = 4000 end
    if not given.rate then o.rate = 1.8e-7 end
  end
  if o.minimizer ~= "fire" and o.minimizer ~= "lbfgs" and o.minimizer ~= "ichol" and o.minimizer ~= "newton" then
    error(("vhg.lua: --minimizer must be fire, lbfgs, ichol or newton, got '%s'"):format(o.minimizer), 0)
  end
  if o.n < 100 then error("vhg.lua: --n must be at least 100 (the box must hold two cutoffs)", 0) end
  if not (o.tmax >= 1.0) then
    error(("vhg.lua: --tmax must be at least 1 (the heating ramps run to T = 1 and on until melted), got %g"):format(o.tmax), 0)
  end
  if not (o.rate > 0 and o.density > 0 and o.delta > 0 and o.dt > 0) then
    error("vhg.lua: rate, density, delta and dt must be positive", 0)
  end
  return o
end

local opt = parse(arg or {})
if opt.threads > 0 then vt.threads(opt.threads) end
local progress = not opt.quiet
os.execute("mkdir -p '" .. opt.out .. "'")
local function path(name) return opt.out .. "/" .. name end

local meta = { script = "scripts/vhg.lua", model = "WAHNs lj_smooth 2.5/2.75, diameters 1.0/1.2, m = sigma^3",
               N = opt.n, density = opt.density, rate = opt.rate, seed = opt.seed, delta = opt.delta,
               dt = opt.dt, tau = opt.tau, ftol = opt.ftol, minimizer = opt.minimizer, threads = vt.threads() }

local function say(fmt, ...)
  io.stderr:write(os.date("!%H:%M:%S "), fmt:format(...), "\n")
end

---------------------------------------------------------------------------
-- stages with checkpoints: each stage stores its systems (vitrum
-- checkpoints) and its scalar/list results (a Lua table file); a rerun with
-- the same options in the same directory loads them instead of recomputing.

local stamp = ("n=%d density=%.17g rate=%.17g seed=%d delta=%.17g reductions=%d dt=%.17g tau=%.17g ftol=%.17g samples=%d max_iterations=%d tmax=%.17g")
  :format(opt.n, opt.density, opt.rate, opt.seed, opt.delta, opt.reductions, opt.dt, opt.tau, opt.ftol,
          opt.samples, opt.max_iterations, opt.tmax)
  .. (opt.minimizer ~= "fire" and (" minimizer=" .. opt.minimizer) or "")
do
  local f = io.open(path("PARAMETERS"))
  local old = f and f:read("a")
  if f then f:close() end
  if old and old ~= stamp .. "\n" and not opt.fresh then
    error(("vhg.lua: %s holds a run with other parameters:\n  %s\nuse another --out or --fresh"):format(opt.out, old), 0)
  end
  local w = assert(io.open(path("PARAMETERS"), "w"))
  w:write(stamp, "\n")
  w:close()
end

local stages = require("vitrum.stage").new{ dir = opt.out, fresh = opt.fresh, say = say }
local function stage(name, systems_wanted, fn) return stages:run(name, systems_wanted, fn) end

---------------------------------------------------------------------------
-- building blocks

local pot = vt.potential.lj_smooth{ inner = 2.5, outer = 2.75 }
local fire = vt.fire{ ftol = opt.ftol, max_steps = 2000000 }
local hmin = fire
if opt.minimizer == "ichol" then
  hmin = vt.lbfgs{ ftol = opt.ftol, max_steps = 2000000, precondition = "ichol" }
elseif opt.minimizer ~= "fire" then
  hmin = vt.minimizer(opt.minimizer, { ftol = opt.ftol, max_steps = 2000000 })
end

local function nvt(s, T) return vt.md{ system = s, dt = opt.dt, thermostat = "nose-hoover", T = T, tau = opt.tau } end

local function quench(s, what)
  local r = fire:minimize(s)
  if not r.converged then
    error(("vhg.lua: FIRE did not converge on %s (fmax %g after %d steps)"):format(what, r.fmax, r.steps), 0)
  end
  s:set_velocities(vt.array(s.n, 3))
  return r
end

local function ico_small(s) return ramp.icosahedra_fraction(s, 1) end

-- A ramp's results written as TSV tables (name.tsv, name-icosahedra.tsv).
local function write_ramp(r, name)
  local rows = {}
  for i = 1, #r.T do rows[i] = { r.step[i], r.T[i], r.energy[i], r.msd[i] } end
  out.tsv(path(name .. ".tsv"), { "step", "T", "U_per_N", "msd" }, rows, meta)
  local irows = {}
  for i = 1, #r.ico_T do irows[i] = { r.ico_T[i], r.ico[i] } end
  out.tsv(path(name .. "-icosahedra.tsv"), { "T", "icosahedral_fraction_small" }, irows, meta)
end

-- A ramp, written as a TSV table; returns the ramp results (lists).
local function run_ramp(s, from, to, name, extra)
  local md = nvt(s, from)
  local r = ramp.run{ md = md, system = s, from = from, to = to, rate = opt.rate, samples = opt.samples,
                      icosahedra = { type = 1, every = 3 }, snapshots = extra and extra.snapshots,
                      progress = progress }
  write_ramp(r, name)
  return r
end

-- Equilibrate at T for `time` time units.
local function hold(s, T, time)
  local md = nvt(s, T)
  md:run{ steps = math.floor(time / opt.dt + 0.5), T = T, progress = progress }
end

-- Melt at T: run in chunks of 10 time units until the glass has melted by
-- the two conditions of the heating ramps (vitrum.ramp.melted): it has
-- moved (MSD from the start past `target`, a few diameters squared) and
-- its energy is that of a liquid (the mean U/N of the last chunk within
-- 0.03 of each of the two before it: no drift left); at most `max_time`
-- time units at each temperature. If it has not melted, T goes up by 0.1
-- (up to --tmax). Returns the temperature that melted it, the time it took
-- and one entry per temperature tried (with the Q6 of a state that
-- survived: is it still amorphous?).
local function melt(s, T0, target, max_time)
  local ref = s:unwrapped()
  local tries, tol = {}, 0.03
  for k = 0, math.floor((opt.tmax - T0) / 0.1 + 1e-9) do
    local T = T0 + 0.1 * k
    local md = nvt(s, T)
    local t, means, msd = 0, {}, 0
    while t < max_time do
      local sum, n = 0, 0
      md:run{ steps = math.floor(10 / opt.dt + 0.5), T = T, every = 20, progress = false,
              observe = function(_, sys) sum, n = sum + sys:energy() / sys.n, n + 1 end }
      t = t + 10
      means[#means + 1] = sum / n
      msd = vt.analysis.msd(ref, s:unwrapped())
      local m = #means
      if msd >= target and m >= 3 and math.abs(means[m] - means[m - 1]) < tol
         and math.abs(means[m] - means[m - 2]) < tol then
        tries[#tries + 1] = { T = T, time = t, msd = msd, U = means[m], melted = true }
        return T, t, tries
      end
    end
    tries[#tries + 1] = { T = T, time = t, msd = msd, U = means[#means], Q6 = vhg.order(s).Q6, melted = false }
    say("control: the VHG glass did not melt at T = %.2f within %g time units (MSD %.3f, Q6 %.3f)", T, max_time,
        msd, tries[#tries].Q6)
  end
  error(("vhg.lua: the VHG glass did not melt up to --tmax = %g; raise --tmax"):format(opt.tmax), 0)
end

-- histograms over the data's own range (output.hist_rows refuses to drop
-- values); lo, hi: a common range for curves drawn together
local function hist_rows(a, lo, hi, bins) return out.hist_rows(a, bins, lo, hi) end

---------------------------------------------------------------------------
-- 1. the liquid and its cooling ramp

say("vitrum %s: VHG protocol, N = %d, rate = %g, %d threads, output in %s/", vt.version, opt.n, opt.rate,
    vt.threads(), opt.out)

local cool, sysA = stage("cool", { "glass" }, function()
  local s = vt.system{ n = opt.n, density = opt.density, init = "lattice", seed = opt.seed, mass = "volume",
                       species = { { fraction = 0.5, diameter = 1.0 }, { fraction = 0.5, diameter = 1.2 } },
                       potential = pot }
  s:thermalize{ T = 2.0, seed = opt.seed + 1 }
  hold(s, 2.0, 20)      -- melt the lattice
  hold(s, 1.0, 50)      -- equilibrate the liquid at T = 1
  local r = run_ramp(s, 1.0, 0.1, "cool-bidisperse")
  return { T = r.T, energy = r.energy, steps = r.steps }, { glass = s }
end)

-- 2. the inherent structure of the cooled glass: the bidisperse glass
local is, sysIS = stage("inherent", { "bidisperse" }, function()
  local s = sysA.glass:copy()
  local r = quench(s, "the cooled glass")
  return { energy = r.energy / s.n, steps = r.steps, std_p2 = vt.virial.p2(s):std(),
           ico = ico_small(s) }, { bidisperse = s }
end)
say("inherent structure: U/N = %.6f, std(P2) = %.5f (FIRE %d steps)", is.energy, is.std_p2, is.steps)

-- 3. the homogenization loop
local p2_snap = {}
local hom, sysH = stage("homogenize", { "vhg" }, function()
  local s = sysIS.bidisperse:copy()
  local log = {}
  p2_snap[0] = vt.virial.p2(s)
  local d0 = s:diameters()
  local r = vhg.run{ system = s, minimizer = hmin, delta = opt.delta, reductions = opt.reductions,
                     max_iterations = opt.max_iterations,
                     observe = function(e)
                       log[#log + 1] = { e.iteration, e.delta, e.std, e.trial_std or e.std, e.energy,
                                         e.accepted and 1 or 0, e.steps }
                       if e.iteration > 0 and e.iteration % 10 == 0 and not opt.quiet then
                         say("  iteration %d: delta %.5f, std(P2) %.5f, U/N %.6f", e.iteration, e.delta, e.std, e.energy)
                       end
                     end }
  out.tsv(path("homogenization.tsv"), { "iteration", "delta", "std_p2", "trial_std_p2", "U_per_N", "accepted", "minimizer_steps" },
          log, meta)
  local p2a, p2b = p2_snap[0], vt.virial.p2(s)
  local lo, hi = out.range(p2a, p2b)
  out.tsv(path("p2-before.tsv"), { "P2", "count", "density" }, hist_rows(p2a, lo, hi, 40), meta)
  out.tsv(path("p2-after.tsv"), { "P2", "count", "density" }, hist_rows(p2b, lo, hi, 40), meta)
  local d1 = s:diameters()
  local dlo, dhi = out.range(d0, d1)
  out.tsv(path("diameters-before.tsv"), { "sigma", "count", "density" }, hist_rows(d0, dlo, dhi, 60), meta)
  out.tsv(path("diameters-after.tsv"), { "sigma", "count", "density" }, hist_rows(d1, dlo, dhi, 60), meta)
  local vor = vt.voronoi(s, { radical = true })
  local vor0 = vt.voronoi(sysIS.bidisperse, { radical = true })
  local plo, phi_hi = out.range(vor.phi, vor0.phi)
  out.tsv(path("phi-after.tsv"), { "phi", "count", "density" }, hist_rows(vor.phi, plo, phi_hi, 60), meta)
  out.tsv(path("phi-before.tsv"), { "phi", "count", "density" }, hist_rows(vor0.phi, plo, phi_hi, 60), meta)
  return { iterations = r.iterations, accepted = r.accepted, reductions = r.reductions,
           std_before = r.std_before, std_after = r.std_after, energy_before = r.energy_before,
           energy_after = r.energy_after, ico = ico_small(s), sigma_std = d1:std() }, { vhg = s }
end)
say("homogenization: %d iterations (%d accepted, %d reductions), std(P2) %.5f -> %.5f, U/N %.6f -> %.6f",
    hom.iterations, hom.accepted, hom.reductions, hom.std_before, hom.std_after, hom.energy_before, hom.energy_after)

-- 4. the polydisperse control: melt the VHG glass (at T = 1, or the lowest
-- T above it on a 0.1 grid where it melts within 200 time units), bring the
-- liquid to T = 1, cool it at the same rate, quench
local ctl, sysC = stage("control", { "control" }, function()
  local s = sysH.vhg:copy()
  s:thermalize{ T = 1.0, seed = opt.seed + 2 }
  local Tmelt, tmelt, tries = melt(s, 1.0, 4.0, 200)
  if Tmelt ~= 1.0 then s:thermalize{ T = 1.0, seed = opt.seed + 4 } end
  hold(s, 1.0, 50)
  local r = run_ramp(s, 1.0, 0.1, "cool-control")
  local q = quench(s, "the control glass")
  return { T = r.T, energy = r.energy, is_energy = q.energy / s.n, std_p2 = vt.virial.p2(s):std(),
           ico = ico_small(s), melt_T = Tmelt, melt_time = tmelt, melt_tries = tries }, { control = s }
end)
say("control: the VHG glass melted at T = %.2f (%g time units)", ctl.melt_T, ctl.melt_time)

-- the liquid branches U(T) the heating ramps must reach: the bidisperse
-- liquid's from its cooling ramp, the VHG diameters' (the VHG and control
-- glasses) from the control's
local lw = { 0.75, 1.0 }
local liqB = ramp.liquid_line{ T = cool.T, U = cool.energy, window = lw }
local liqP = ramp.liquid_line{ T = ctl.T, U = ctl.energy, window = lw }

-- 5. heating ramps of the three glasses from T = 0.1, until each has melted
-- (ramp.heat), with displacement snapshots every 0.025 from T = 0.3 for
-- the melting analysis (the paper's window 0.60-0.65 and windows placed
-- relative to each glass's own T_o)
local snapshots = {}
for k = 0, math.floor((opt.tmax - 0.3) / 0.025 + 1e-9) do snapshots[#snapshots + 1] = 0.3 + 0.025 * k end
-- the sample spacing of a ramp over 0.1 .. 1.2 with --samples samples
local heat_every = math.max(1, math.floor((1.2 - 0.1) / (opt.rate * opt.dt) / opt.samples + 0.5))
local function heat(name, glass, liquid)
  return stage("heat-" .. name, {}, function()
    local s = glass:copy()
    s:thermalize{ T = 0.1, seed = opt.seed + 3 }
    local ref = s:unwrapped()
    local r = ramp.heat{ md = nvt(s, 0.1), system = s, from = 0.1, to = math.min(1.0, opt.tmax), tmax = opt.tmax,
                         rate = opt.rate, every = heat_every, liquid = liquid, icosahedra = { type = 1, every = 3 },
                         snapshots = snapshots, progress = progress }
    write_ramp(r, "heat-" .. name)
    -- log10 displacement histograms at T = 0.65, 0.70, 0.75 (caged vs diffusing)
    local disp = {}
    for _, sn in ipairs(r.snapshots) do
      disp[#disp + 1] = { T = sn.T, dr = vt.analysis.displacements(ref, sn.positions):totable() }
      if math.abs(sn.T - 0.65) < 1e-9 or math.abs(sn.T - 0.70) < 1e-9 or math.abs(sn.T - 0.75) < 1e-9 then
        local d = vt.analysis.displacements(ref, sn.positions)
        local lg = vt.array(#d)
        for i = 1, #d do lg[i] = math.log(math.max(d[i], 1e-6), 10) end
        out.tsv(path(("logdr-%s-T%.2f.tsv"):format(name, sn.T)), { "log10_dr", "count", "density" },
                hist_rows(lg, nil, nil, 45), meta)
      end
    end
    local m = r.melted
    return { T = r.T, energy = r.energy, msd = r.msd, ico_T = r.ico_T, ico = r.ico, disp = disp,
             To = m.onset, T_liquid = m.T_liquid, gap = m.gap, T_end = r.T_end, capped = r.capped }, {}
  end)
end
local heatB = heat("bidisperse", sysIS.bidisperse, liqB)
say("heating, bidisperse glass: T_o %s, liquid branch at T %s", tostring(heatB.To), tostring(heatB.T_liquid))
local heatV = heat("vhg", sysH.vhg, liqP)
say("heating, VHG glass: T_o %s, liquid branch at T %s", tostring(heatV.To), tostring(heatV.T_liquid))
local heatC = heat("control", sysC.control, liqP)

-- 6. estimators and the melting analysis
-- T_g: the glass transition of each composition's liquid on cooling (the
-- VHG glass has the control's diameters, so the control liquid's T_g)
local gw = { 0.1, 1.0 }
local function tg_kink(r)
  local okc, res = pcall(ramp.tg_kink, { T = r.T, U = r.energy, range = gw })
  return okc and res.Tg or nil
end
local TgB, TgP = tg_kink(cool), tg_kink(ctl)
local glasses = {
  { key = "bidisperse", label = "bidisperse", heat = heatB, system = sysIS.bidisperse, liquid = liqB, Tg = TgB,
    ico = is.ico },
  { key = "vhg", label = "VHG", heat = heatV, system = sysH.vhg, liquid = liqP, Tg = TgP, ico = hom.ico },
  { key = "control", label = "control", heat = heatC, system = sysC.control, liquid = liqP, Tg = TgP, ico = ctl.ico },
}
for _, g in ipairs(glasses) do
  g.To = g.heat.To
  -- the melting verdict from the stored ramp (the same rule as ramp.heat's)
  local m = ramp.melted{ T = g.heat.T, U = g.heat.energy, msd = g.heat.msd, liquid = g.liquid }
  g.heat.T_liquid, g.heat.gap, g.heat.capped = m.T_liquid, m.gap, m.T_liquid == nil
  g.order = vhg.order(g.system)
  g.packing = vhg.packing(g.system)
end

-- the melting analysis between two snapshot temperatures of a heating ramp
local function melting(h, glass, Ta, Tb)
  local da, db
  for _, e in ipairs(h.disp) do
    if math.abs(e.T - Ta) < 1e-6 then da = vt.array(e.dr) end
    if math.abs(e.T - Tb) < 1e-6 then db = vt.array(e.dr) end
  end
  if not (da and db) then return nil end
  local vor = vt.voronoi(glass, { radical = false })
  local r = vhg.melting{ dr_a = da, dr_b = db, threshold = 0.3, types = glass:types(), small = 1,
                         diameters = glass:diameters(), icosahedral = vor.icosahedral, neighbors = vor.neighbors }
  r.all_diameters = glass:diameters()
  r.Ta, r.Tb = Ta, Tb
  return r
end
-- the relative window: 0.05 wide, ending 0.025 below T_o (on the 0.025
-- grid), as the paper's 0.60-0.65 sits below its VHG glass's T_o = 0.68
local function onset_window(To)
  if not To then return nil end
  local Tb = math.floor((To - 0.025) / 0.025 + 1e-6) * 0.025
  return Tb - 0.05, Tb
end
for _, g in ipairs(glasses) do
  g.melt_paper = melting(g.heat, g.system, 0.60, 0.65)
  local Ta, Tb = onset_window(g.To)
  if Ta and Ta >= 0.3 - 1e-9 then g.melt_onset = melting(g.heat, g.system, Ta, Tb) end
end
local meltV = glasses[2].melt_paper
if meltV and meltV.mobile_diameters then
  local lo, hi = out.range(meltV.all_diameters)
  out.tsv(path("mobile-diameters-vhg.tsv"), { "sigma", "count", "density" },
          hist_rows(meltV.mobile_diameters, lo, hi, 30), meta)
  out.tsv(path("all-diameters-vhg.tsv"), { "sigma", "count", "density" }, hist_rows(meltV.all_diameters, lo, hi, 30), meta)
end
local meltV2 = glasses[2].melt_onset
if meltV2 and meltV2.mobile_diameters then
  local lo, hi = out.range(meltV2.all_diameters)
  out.tsv(path("mobile-diameters-vhg-onset.tsv"), { "sigma", "count", "density" },
          hist_rows(meltV2.mobile_diameters, lo, hi, 30), meta)
end

-- the three inherent-structure glasses for other programs: LAMMPS data in
-- atom_style sphere (per-particle diameters and masses) and extended XYZ
-- (OVITO, ASE); the .vtc checkpoints stay the exact record
for _, g in ipairs { { "bidisperse", sysIS.bidisperse }, { "vhg", sysH.vhg }, { "control", sysC.control } } do
  vt.write(g[2], path("glass-" .. g[1] .. ".data"), { atom_style = "sphere" })
  vt.write(g[2], path("glass-" .. g[1] .. ".xyz"))
end

-- 7. figures (gnuplot, optional); reduced LJ units: energies in epsilon,
-- lengths in sigma_1 (the small diameter), temperatures in epsilon/k_B
local uT = "T (epsilon/k_B)"
-- the two branches of the bidisperse cooling ramp's kink fit (T_g):
-- U = a + b T below T_g, a + b T + c (T - T_g) above
local okf, fitB = pcall(ramp.tg_kink, { T = cool.T, U = cool.energy, range = gw })
local ufit, uv = {}, {}
if okf then
  ufit = { { expr = ("%.10g*x + %.10g"):format(fitB.slope, fitB.a),
             title = "glass branch of the two-line fit", dash = true },
           { expr = ("%.10g*x + %.10g"):format(fitB.slope + fitB.jump, fitB.a - fitB.jump * fitB.Tg),
             title = "liquid branch of the two-line fit", dash = true } }
  uv = { { x = fitB.Tg, title = ("T_g bidisperse = %.3f"):format(fitB.Tg) } }
end
local ov = {}
for _, x in ipairs { { heatB.To, "bidisperse" }, { heatV.To, "VHG" }, { heatC.To, "control" } } do
  if x[1] then ov[#ov + 1] = { x = x[1], title = ("T_o %s = %.3f"):format(x[2], x[1]) } end
end
local function logdr_fig(name, label)
  local series = {}
  for _, T in ipairs { "0.65", "0.70", "0.75" } do
    local file = path(("logdr-%s-T%s.tsv"):format(name, T))
    local fh = io.open(file)
    if fh then fh:close(); series[#series + 1] = { file = file, x = 1, y = 3, title = "T = " .. T } end
  end
  return { file = ("logdr-%s.png"):format(name), title = "log10 displacement from T = 0.1 on heating, " .. label,
           xlabel = "log10 (dr / sigma_1)", ylabel = "probability density", style = "histogram", series = series }
end
local figs = {
  { file = "u-vs-T.png", title = "potential energy along the ramps", xlabel = uT, ylabel = "U/N (epsilon)",
    series = { { file = path("cool-bidisperse.tsv"), x = 2, y = 3, title = "cooling, bidisperse" },
               { file = path("heat-bidisperse.tsv"), x = 2, y = 3, title = "heating, bidisperse glass" },
               { file = path("heat-vhg.tsv"), x = 2, y = 3, title = "heating, VHG glass" },
               { file = path("cool-control.tsv"), x = 2, y = 3, title = "cooling, polydisperse control" },
               { file = path("heat-control.tsv"), x = 2, y = 3, title = "heating, control glass" } },
    lines = ufit, vlines = uv },
  { file = "msd-vs-T.png", title = "mean squared displacement from T = 0.1 on heating", xlabel = uT,
    ylabel = "<dr^2> (sigma_1^2)", logy = true,
    series = { { file = path("heat-bidisperse.tsv"), x = 2, y = 4, title = "bidisperse" },
               { file = path("heat-vhg.tsv"), x = 2, y = 4, title = "VHG" },
               { file = path("heat-control.tsv"), x = 2, y = 4, title = "control" } },
    hlines = { { y = 1, title = "<dr^2> = 1 (defines T_o)" } }, vlines = ov },
  { file = "icosahedra-vs-T.png", title = "icosahedral fraction of the small particles", xlabel = uT,
    ylabel = "fraction of type-1 particles with Voronoi index <0,0,12,0>",
    series = { { file = path("cool-bidisperse-icosahedra.tsv"), title = "cooling, bidisperse" },
               { file = path("heat-bidisperse-icosahedra.tsv"), title = "heating, bidisperse" },
               { file = path("heat-vhg-icosahedra.tsv"), title = "heating, VHG" },
               { file = path("heat-control-icosahedra.tsv"), title = "heating, control" } } },
  { file = "p2.png", title = "per-particle virial pressure P2 (all values)", xlabel = "P2 (epsilon/sigma_1^3)",
    ylabel = "probability density", style = "histogram",
    series = { { file = path("p2-before.tsv"), x = 1, y = 3, title = "before (bidisperse IS)" },
               { file = path("p2-after.tsv"), x = 1, y = 3, title = "after (VHG)" } } },
  -- the bidisperse "before" is two spikes: its own axis on the right, so
  -- that the homogenized distribution keeps its shape on the left
  { file = "diameters.png", title = "diameter distribution (all particles)", xlabel = "sigma (sigma_1)",
    ylabel = "probability density, after (VHG)", y2label = "probability density, before (bidisperse)",
    style = "histogram",
    series = { { file = path("diameters-after.tsv"), x = 1, y = 3, title = "after (VHG), left axis" },
               { file = path("diameters-before.tsv"), x = 1, y = 3, title = "before (bidisperse), right axis",
                 axes = "x1y2" } } },
  { file = "phi.png", title = "local volume fraction (radical Voronoi)", xlabel = "phi_i = (pi sigma_i^3 / 6) / V_i",
    ylabel = "probability density", style = "histogram",
    series = { { file = path("phi-before.tsv"), x = 1, y = 3, title = "before" },
               { file = path("phi-after.tsv"), x = 1, y = 3, title = "after" } } },
  { file = "homogenization.png", title = "homogenization: std(P2) of the accepted configuration",
    xlabel = "iteration", ylabel = "std(P2) (epsilon/sigma_1^3)", logy = true,
    series = { { file = path("homogenization.tsv"), x = 1, y = 3, title = "std(P2)" },
               { file = path("homogenization.tsv"), x = 1, y = 4, title = "std(P2) of the trial", with = "points pt 6 ps 0.6" } } },
  logdr_fig("bidisperse", "bidisperse glass"),
  logdr_fig("vhg", "VHG glass"),
  logdr_fig("control", "control glass"),
}
local nfig = 0
for _, fg in ipairs(figs) do
  fg.file = path(fg.file)
  if #fg.series > 0 and out.plot(fg) then nfig = nfig + 1 end
end

-- 8. the summary: tables for people, then the headline numbers as
-- `key = value` lines for programs (scripts/vhg_rates.lua, tests)
local function f(x, fmt) return x and (fmt or "%.3f"):format(x) or "n/a" end
local function pct(x) return x and ("%.0f%%"):format(100 * x) or "n/a" end
local pB, pV = glasses[1].packing, glasses[2].packing
local lines = {
  ("VHG protocol, WAHNs N = %d, density %.3g, rate gamma = %g, seed %d"):format(opt.n, opt.density, opt.rate, opt.seed),
  "",
  "homogenization",
  ("  std(P2)   before %.5f  after %.5f  ratio %.2f"):format(hom.std_before, hom.std_after, hom.std_before / hom.std_after),
  ("  U/N (IS)  before %.6f  after %.6f  change %.6f"):format(hom.energy_before, hom.energy_after, hom.energy_after - hom.energy_before),
  ("  iterations %d (accepted %d), delta reductions %d, std(sigma) after %.4f"):format(hom.iterations, hom.accepted,
    hom.reductions, hom.sigma_std),
  ("  packing fraction pi/6 sum sigma^3 / V  before %.4f  after %.4f  (%+.1f%%; mean sigma^3 %.4f -> %.4f)")
    :format(pB.phi, pV.phi, 100 * (pV.phi / pB.phi - 1), pB.mean_sigma3, pV.mean_sigma3),
  "  (at fixed N and V the homogenization changes phi only through the diameters: a rise is a compression",
  "   of the particles, to weigh against the stability it brings)",
  "",
  ("%-12s %7s %7s %8s %7s %7s %10s"):format("glass", "T_g", "T_o", "T_o/T_g", "T_liq", "T_end", "ico(T=0.1)"),
}
for _, g in ipairs(glasses) do
  local h = g.heat
  lines[#lines + 1] = ("%-12s %7s %7s %8s %7s %7s %10s"):format(g.label, f(g.Tg), f(g.To),
    (g.Tg and g.To) and f(g.To / g.Tg, "%.2f") or "n/a", f(h.T_liquid), f(h.T_end, "%.2f"), f(g.ico, "%.4f"))
end
lines[#lines + 1] = ("  (T_g: the kink of a continuous two-line least-squares fit to U(T) on [%g, %g] of the cooling ramp of")
  :format(gw[1], gw[2])
lines[#lines + 1] = "   the bidisperse liquid, and of the control's liquid for the VHG and control glasses (the same diameters);"
lines[#lines + 1] = "   at fast rates the two slopes differ little and T_g scatters by 0.1 or more between seeds at N = 500."
lines[#lines + 1] = "   T_o: first T on heating where <dr^2> from T = 0.1 reaches 1; T_liq: where U(T) then reached the liquid"
lines[#lines + 1] = "   branch, a fit U = a + b T^(3/5) to the cooling liquid on [0.75, 1] (the bidisperse liquid for the"
lines[#lines + 1] = "   bidisperse glass, the control's for the VHG and control glasses); each ramp runs to T = 1 at least,"
lines[#lines + 1] = ("   on to T_liq + 0.1, at most --tmax = %g)"):format(opt.tmax)
for _, g in ipairs(glasses) do
  if g.heat.capped then
    lines[#lines + 1] = ("  %s glass: NOT MELTED by T = %g (U/N %.3f below the liquid at the end); raise --tmax")
      :format(g.label, opt.tmax, -(g.heat.gap or 0))
  end
end
do
  local parts = {}
  for _, t in ipairs(ctl.melt_tries or {}) do
    if not t.melted then
      parts[#parts + 1] = ("not at T = %.2f in 200 time units (MSD %.2f, Q6 %.3f)"):format(t.T, t.msd, t.Q6 or 0 / 0)
    end
  end
  lines[#lines + 1] = ("control: the VHG glass melted at T = %.2f (MSD past 4 and U/N steady after %g time units)%s")
    :format(ctl.melt_T, ctl.melt_time, #parts > 0 and ("; " .. table.concat(parts, "; ")) or "")
end
lines[#lines + 1] = ""
lines[#lines + 1] = ("structure of the glasses at T = 0 (inherent structures; radical-Voronoi neighbours for q_l)")
lines[#lines + 1] = ("%-12s %7s %7s %6s %8s %7s %6s  %-34s %s"):format("glass", "phi", "<s^3>", "Q6", "Q6_rand",
  "mean_q6", "ico", "top Voronoi signatures", "verdict")
for _, g in ipairs(glasses) do
  local o, sig = g.order, {}
  for _, c in ipairs(o.signatures) do sig[#sig + 1] = ("%s %.0f%%"):format(c.label, 100 * c.fraction) end
  lines[#lines + 1] = ("%-12s %7.4f %7.4f %6.3f %8.3f %7.3f %6.3f  %-34s %s"):format(g.label, g.packing.phi,
    g.packing.mean_sigma3, o.Q6, o.Q6_random, o.mean_q6, o.icosahedral, table.concat(sig, " "),
    o.crystalline and "CRYSTALLINE" or "amorphous")
end
lines[#lines + 1] = ("  (crystalline if the global Q6 exceeds %g: a sample without common bond orientation has Q6 of order")
  :format(vhg.crystal_Q6)
lines[#lines + 1] = "   Q6_rand = (Nb/2)^-1/2 for its Nb bonds; one fcc, hcp or bcc crystal has 0.48-0.57, so 0.1 means a"
lines[#lines + 1] = "   crystallite of about a fifth of the sample; mean q6, per particle, is about 0.57 in fcc; ico: <0,0,12,0>)"
lines[#lines + 1] = ""
lines[#lines + 1] = "melting analysis: delta* = dr(T_b) - dr(T_a) > 0.3 (displacements from T = 0.1) marks mobile particles"
lines[#lines + 1] = ("%-12s %-20s %9s %12s %17s %16s"):format("glass", "window", "mobile", "small (all)",
  "<sigma> mob (all)", "ico|nbr (all)")
for _, g in ipairs(glasses) do
  for _, w in ipairs{ { g.melt_paper, "paper" }, { g.melt_onset, "T_o-relative" } } do
    local m = w[1]
    if m then
      lines[#lines + 1] = ("%-12s %-20s %9s %12s %17s %16s"):format(g.label,
        ("%.3f-%.3f %s"):format(m.Ta, m.Tb, w[2] == "paper" and "(paper)" or "(T_o)"),
        ("%d %s"):format(m.count, pct(m.fraction)),
        ("%s (%s)"):format(pct(m.small_fraction), pct(m.all_small_fraction)),
        ("%s (%s)"):format(f(m.mobile_mean_diameter), f(m.mean_diameter)),
        ("%s (%s)"):format(pct(m.near_icosahedral_fraction), pct(m.all_near_icosahedral_fraction)))
    elseif w[2] == "paper" then
      lines[#lines + 1] = ("%-12s %-20s %s"):format(g.label, "0.600-0.650 (paper)", "n/a: the ramp has no snapshots there")
    end
  end
end
lines[#lines + 1] = "  (T_o window: 0.05 wide, ending 0.025 below T_o, as the paper's 0.60-0.65 sits below its VHG T_o = 0.68;"
lines[#lines + 1] = "   size bias: the small species' share and the mean sigma of the mobile particles against all; icosahedra"
lines[#lines + 1] = "   avoidance: the share of mobile particles that are icosahedral or next to one, against all)"
lines[#lines + 1] = ""
-- headline numbers
local kv = { { "N", opt.n }, { "rate", opt.rate }, { "seed", opt.seed }, { "control.melt_T", ctl.melt_T },
             { "homogenization.std_ratio", hom.std_before / hom.std_after } }
local is_energy = { bidisperse = is.energy, vhg = hom.energy_after, control = ctl.is_energy }
local std_p2 = { bidisperse = is.std_p2, vhg = hom.std_after, control = ctl.std_p2 }
for _, g in ipairs(glasses) do
  local k = g.key .. "."
  local m = g.melt_onset
  for _, e in ipairs{ { "T_g", g.Tg }, { "T_o", g.To }, { "T_o_over_T_g", (g.Tg and g.To) and g.To / g.Tg or nil },
                      { "T_liquid", g.heat.T_liquid }, { "T_end", g.heat.T_end }, { "U_per_N", is_energy[g.key] },
                      { "std_p2", std_p2[g.key] }, { "Q6", g.order.Q6 }, { "mean_q6", g.order.mean_q6 },
                      { "icosahedral", g.order.icosahedral }, { "crystalline", g.order.crystalline and 1 or 0 },
                      { "phi", g.packing.phi }, { "mean_sigma3", g.packing.mean_sigma3 },
                      { "mobile_fraction_onset", m and m.fraction } } do
    kv[#kv + 1] = { k .. e[1], e[2] }
  end
end
lines[#lines + 1] = "headline numbers (key = value)"
lines[#lines + 1] = vhg.keyvalues(kv)
lines[#lines + 1] = ""
lines[#lines + 1] = ("output: %s/ (%d TSV tables%s)"):format(opt.out, 0, nfig > 0 and (", %d PNG figures"):format(nfig) or ", no figures: gnuplot not installed")
local ntsv = 0
local p = io.popen("ls '" .. opt.out .. "'/*.tsv 2>/dev/null | wc -l")
if p then ntsv = tonumber(p:read("a")) or 0; p:close() end
lines[#lines] = lines[#lines]:gsub("%(0 TSV", "(" .. ntsv .. " TSV")
local text = table.concat(lines, "\n") .. "\n"
io.write(text)
local sf = io.open(path("summary.txt"), "w")
if sf then sf:write(out.header(meta), text); sf:close() end
