-- Virial-homogenized glasses, end to end: the protocol of Leoni, Russo,
-- Sciortino and Yanagishima, PRL 134, 128201 (2025) ([VHG]; see
-- doc/protocols.md section 1), on the WAHNs model (lj_smooth 2.5/2.75,
-- diameters 1.0/1.2, m = sigma^3, density 0.75).
--
--   liquid at T = 1 -> linear cooling to 0.1 at rate gamma -> inherent
--   structure (FIRE) -> homogenization loop -> heating ramps of the
--   bidisperse and VHG glasses -> the polydisperse control (melt the VHG
--   glass at T = 1, re-cool, quench, heat) -> icosahedra and melting analysis.
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
  out = "vhg-out", dt = 0.005, tau = 0.2, ftol = 1e-10, samples = 90, tmax = 1.2,
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
  --tmax=1.2         end temperature of the heating ramps (an ultrastable glass
                     heated fast may still be solid at T = 1)
  --out=vhg-out      output directory (TSV tables, PNG figures, checkpoints)
  --threads=N        OpenMP threads (default: OMP_NUM_THREADS or all cores)
  --paper            the paper's scale: N = 4000, rate = 1.8e-7 (days of compute)
  --fresh            ignore checkpoints in the output directory
  --quiet            no progress bars
  --help             this text
]]

local function parse(argv)
  local o = {}
  for k, v in pairs(defaults) do o[k] = v end
  for _, a in ipairs(argv) do
    local key, val = a:match("^%-%-([%w%-_]+)=(.*)$")
    if not key then key = a:match("^%-%-([%w%-_]+)$") end
    if not key then key, val = a:match("^([%w_]+)=(.*)$") end
    if not key then error(("vhg.lua: cannot read argument '%s' (try --help)"):format(a), 0) end
    key = key:gsub("%-", "_")
    if key == "help" then io.write(help); os.exit(0) end
    if defaults[key] == nil then error(("vhg.lua: unknown option --%s (try --help)"):format(key), 0) end
    if type(defaults[key]) == "boolean" then
      o[key] = (val == nil or val == "true" or val == "1")
    elseif type(defaults[key]) == "number" then
      local x = tonumber(val)
      if not x then error(("vhg.lua: --%s needs a number, got '%s'"):format(key, tostring(val)), 0) end
      if math.type(defaults[key]) == "integer" then
        if math.type(x) ~= "integer" and x ~= math.floor(x) then
          error(("vhg.lua: --%s needs an integer, got '%s'"):format(key, val), 0)
        end
        x = math.tointeger(x)
      end
      o[key] = x
    else
      o[key] = val
    end
  end
  if o.paper then
    local given = {}
    for _, a in ipairs(argv) do given[(a:match("^%-%-([%w%-_]+)") or ""):gsub("%-", "_")] = true end
    if not given.n then o.n = 4000 end
    if not given.rate then o.rate = 1.8e-7 end
  end
  if o.minimizer ~= "fire" and o.minimizer ~= "lbfgs" and o.minimizer ~= "ichol" and o.minimizer ~= "newton" then
    error(("vhg.lua: --minimizer must be fire, lbfgs, ichol or newton, got '%s'"):format(o.minimizer), 0)
  end
  if o.n < 100 then error("vhg.lua: --n must be at least 100 (the box must hold two cutoffs)", 0) end
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

-- A ramp, written as a TSV table; returns the ramp results (lists).
local function run_ramp(s, from, to, name, extra)
  local md = nvt(s, from)
  local r = ramp.run{ md = md, system = s, from = from, to = to, rate = opt.rate, samples = opt.samples,
                      icosahedra = { type = 1, every = 3 }, snapshots = extra and extra.snapshots,
                      progress = progress }
  local rows = {}
  for i = 1, #r.T do rows[i] = { r.step[i], r.T[i], r.energy[i], r.msd[i] } end
  out.tsv(path(name .. ".tsv"), { "step", "T", "U_per_N", "msd" }, rows, meta)
  local irows = {}
  for i = 1, #r.ico_T do irows[i] = { r.ico_T[i], r.ico[i] } end
  out.tsv(path(name .. "-icosahedra.tsv"), { "T", "icosahedral_fraction_small" }, irows, meta)
  return r
end

-- Equilibrate at T for `time` time units.
local function hold(s, T, time)
  local md = nvt(s, T)
  md:run{ steps = math.floor(time / opt.dt + 0.5), T = T, progress = progress }
end

-- Melt at T: run in chunks until the mean squared displacement from the
-- start exceeds `target` (a few diameters squared), at most `max_time` time
-- units; an ultrastable glass may need a higher temperature, so T is raised
-- by half until it melts. Returns the temperature that melted it.
local function melt(s, T, target, max_time)
  local ref = s:unwrapped()
  for _ = 1, 4 do
    local md = nvt(s, T)
    local t = 0
    while t < max_time do
      md:run{ steps = math.floor(10 / opt.dt + 0.5), T = T, progress = false }
      t = t + 10
      if vt.analysis.msd(ref, s:unwrapped()) >= target then return T, t end
    end
    T = 1.5 * T
  end
  error("vhg.lua: the glass did not melt even at T = " .. T, 0)
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

-- 4. the polydisperse control: melt the VHG glass at T = 1, cool again, quench
local ctl, sysC = stage("control", { "control" }, function()
  local s = sysH.vhg:copy()
  s:thermalize{ T = 1.0, seed = opt.seed + 2 }
  local Tmelt, tmelt = melt(s, 1.0, 4.0, 200)
  if Tmelt ~= 1.0 then
    say("control: the VHG glass did not melt at T = 1 within 200 time units; melted at T = %.2f", Tmelt)
    s:thermalize{ T = 1.0, seed = opt.seed + 4 }
  end
  hold(s, 1.0, 50)
  local r = run_ramp(s, 1.0, 0.1, "cool-control")
  local q = quench(s, "the control glass")
  return { T = r.T, energy = r.energy, is_energy = q.energy / s.n, std_p2 = vt.virial.p2(s):std(),
           ico = ico_small(s), melt_T = Tmelt, melt_time = tmelt }, { control = s }
end)

-- 5. heating ramps of the three glasses from T = 0.1
-- displacement snapshots every 0.05 from T = 0.5 (the melting analysis of
-- the paper uses 0.60 and 0.65; a glass that melts later is also analysed
-- around its own onset)
local snapshots = {}
for k = 0, math.floor((opt.tmax - 0.5) / 0.05 + 1e-9) do snapshots[#snapshots + 1] = 0.5 + 0.05 * k end
local function heat(name, glass)
  return stage("heat-" .. name, {}, function()
    local s = glass:copy()
    s:thermalize{ T = 0.1, seed = opt.seed + 3 }
    local ref = s:unwrapped()
    local r = run_ramp(s, 0.1, opt.tmax, "heat-" .. name, { snapshots = snapshots })
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
    return { T = r.T, energy = r.energy, msd = r.msd, ico_T = r.ico_T, ico = r.ico, disp = disp }, {}
  end)
end
local heatB = heat("bidisperse", sysIS.bidisperse)
local heatV = heat("vhg", sysH.vhg)
local heatC = heat("control", sysC.control)

-- 6. estimators and the melting analysis
-- T_g, and the two fits (for the figure) when they exist
local function tg(r, glass_w, liquid_w)
  local okc, res = pcall(ramp.tg, { T = r.T, U = r.energy, glass = glass_w, liquid = liquid_w })
  return okc and res.valid and res.Tg or nil, okc and res or nil
end
-- T_g on heating: the liquid window starts above the melting onset (a glass
-- that is still solid at T = 0.75 has no liquid branch there)
local gw = { 0.1, 0.3 }
local function heat_tg(h, To)
  local lo = math.max(0.75, (To or opt.tmax) + 0.05)
  if lo > opt.tmax - 0.1 then return nil end
  return tg(h, gw, { lo, opt.tmax })
end
local lw = { 0.75, 1.0 }
local ToB, ToV, ToC = ramp.onset{ T = heatB.T, msd = heatB.msd }, ramp.onset{ T = heatV.T, msd = heatV.msd },
                      ramp.onset{ T = heatC.T, msd = heatC.msd }
local summary = {
  bidisperse = { Tg_cool = tg(cool, gw, lw), Tg_heat = heat_tg(heatB, ToB), To = ToB, ico = is.ico },
  vhg = { Tg_heat = heat_tg(heatV, ToV), To = ToV, ico = hom.ico },
  control = { Tg_cool = tg(ctl, gw, lw), Tg_heat = heat_tg(heatC, ToC), To = ToC, ico = ctl.ico },
}

local function melting(h, glass, Ta, Tb)
  local d60, d65
  for _, e in ipairs(h.disp) do
    if math.abs(e.T - Ta) < 1e-9 then d60 = vt.array(e.dr) end
    if math.abs(e.T - Tb) < 1e-9 then d65 = vt.array(e.dr) end
  end
  if not (d60 and d65) then return nil end
  local vor = vt.voronoi(glass, { radical = false })
  local r = vhg.melting{ dr_a = d60, dr_b = d65, threshold = 0.3, types = glass:types(), small = 1,
                         diameters = glass:diameters(), icosahedral = vor.icosahedral, neighbors = vor.neighbors }
  r.all_diameters = glass:diameters()
  return r
end
local meltV = melting(heatV, sysH.vhg, 0.60, 0.65)
local meltB = melting(heatB, sysIS.bidisperse, 0.60, 0.65)
-- the same analysis around the VHG glass's own onset, when it melts later
local meltV2, onsetTa
if ToV and ToV > 0.7 then
  onsetTa = math.floor((ToV - 0.05) / 0.05 + 1e-9) * 0.05
  if onsetTa + 0.05 <= opt.tmax then meltV2 = melting(heatV, sysH.vhg, onsetTa, onsetTa + 0.05) end
end
if meltV and meltV.mobile_diameters then
  local lo, hi = out.range(meltV.all_diameters)
  out.tsv(path("mobile-diameters-vhg.tsv"), { "sigma", "count", "density" },
          hist_rows(meltV.mobile_diameters, lo, hi, 30), meta)
  out.tsv(path("all-diameters-vhg.tsv"), { "sigma", "count", "density" }, hist_rows(meltV.all_diameters, lo, hi, 30), meta)
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
local _, fitB = tg(cool, gw, lw)
local ufit, uv = {}, {}
if fitB then
  ufit = { { expr = ("%.10g*x + %.10g"):format(fitB.glass.slope, fitB.glass.intercept),
             title = ("glass fit on [%g, %g]"):format(gw[1], gw[2]), dash = true },
           { expr = ("%.10g*x + %.10g"):format(fitB.liquid.slope, fitB.liquid.intercept),
             title = ("liquid fit on [%g, %g]"):format(lw[1], lw[2]), dash = true } }
  if summary.bidisperse.Tg_cool then uv = { { x = summary.bidisperse.Tg_cool, title = ("T_g = %.3f"):format(summary.bidisperse.Tg_cool) } } end
end
local ov = {}
for _, x in ipairs { { ToB, "bidisperse" }, { ToV, "VHG" }, { ToC, "control" } } do
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

-- 8. the summary
local function f(x, fmt) return x and (fmt or "%.3f"):format(x) or "n/a" end
local lines = {
  ("VHG protocol, WAHNs N = %d, density %.3g, rate gamma = %g, seed %d"):format(opt.n, opt.density, opt.rate, opt.seed),
  "",
  "homogenization",
  ("  std(P2)   before %.5f  after %.5f  ratio %.2f"):format(hom.std_before, hom.std_after, hom.std_before / hom.std_after),
  ("  U/N (IS)  before %.6f  after %.6f  change %.6f"):format(hom.energy_before, hom.energy_after, hom.energy_after - hom.energy_before),
  ("  iterations %d (accepted %d), delta reductions %d, std(sigma) after %.4f"):format(hom.iterations, hom.accepted,
    hom.reductions, hom.sigma_std),
  "",
  ("%-12s %8s %8s %8s %10s"):format("glass", "T_g", "T_o", "T_o/T_g", "ico(T=0.1)"),
}
for _, g in ipairs{ { "bidisperse", summary.bidisperse }, { "VHG", summary.vhg }, { "control", summary.control } } do
  local x = g[2]
  local Tg = x.Tg_cool or x.Tg_heat
  lines[#lines + 1] = ("%-12s %8s %8s %8s %10s"):format(g[1], f(Tg), f(x.To), (Tg and x.To) and f(x.To / Tg, "%.2f") or "n/a",
    f(x.ico, "%.4f"))
end
lines[#lines + 1] = ("  (T_g: crossing of line fits to U(T) on [%g, %g] and [%g, %g] of the cooling ramp for the bidisperse")
  :format(gw[1], gw[2], lw[1], lw[2])
lines[#lines + 1] = ("   and control glasses; for the VHG glass, of its heating ramp with the liquid fit from T_o + 0.05 to %g;")
  :format(opt.tmax)
lines[#lines + 1] = ("   heating T_g of the bidisperse and control glasses: %s, %s)")
  :format(f(summary.bidisperse.Tg_heat), f(summary.control.Tg_heat))
if ctl.melt_T and ctl.melt_T ~= 1.0 then
  lines[#lines + 1] = ("  (the control was melted at T = %.2f: the VHG glass did not melt at T = 1 within 200 time units)"):format(ctl.melt_T)
end
lines[#lines + 1] = "  (T_o: first T on heating where <dr^2> from T = 0.1 reaches 1; n/a: not reached by T_max;"
lines[#lines + 1] = "   T_g n/a: the two branches do not cross between the fit windows, as on fast, noisy ramps)"
lines[#lines + 1] = ""
if meltV then
  lines[#lines + 1] = ("melting, delta* = dr(0.65) - dr(0.60) > 0.3: VHG glass %d of %d particles mobile, %.0f%% of them small,")
    :format(meltV.count, opt.n, 100 * (meltV.small_fraction or 0))
  lines[#lines + 1] = ("  %.0f%% icosahedral and %.0f%% icosahedral or next to an icosahedron%s"):format(
    100 * (meltV.icosahedral_fraction or 0), 100 * (meltV.near_icosahedral_fraction or 0),
    meltB and ("; bidisperse glass: %d mobile"):format(meltB.count) or "")
end
if meltV2 then
  lines[#lines + 1] = ("  around the VHG glass's own onset, dr(%.2f) - dr(%.2f) > 0.3: %d mobile, %.0f%% small, %.0f%% icosahedral or next to one")
    :format(onsetTa + 0.05, onsetTa, meltV2.count, 100 * (meltV2.small_fraction or 0), 100 * (meltV2.near_icosahedral_fraction or 0))
end
lines[#lines + 1] = ("output: %s/ (%d TSV tables%s)"):format(opt.out, 0, nfig > 0 and (", %d PNG figures"):format(nfig) or ", no figures: gnuplot not installed")
local ntsv = 0
local p = io.popen("ls '" .. opt.out .. "'/*.tsv 2>/dev/null | wc -l")
if p then ntsv = tonumber(p:read("a")) or 0; p:close() end
lines[#lines] = lines[#lines]:gsub("%(0 TSV", "(" .. ntsv .. " TSV")
local text = table.concat(lines, "\n") .. "\n"
io.write(text)
local sf = io.open(path("summary.txt"), "w")
if sf then sf:write(out.header(meta), text); sf:close() end
