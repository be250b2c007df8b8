-- vt.newton (FIRE -> quasi-Newton on the sparse Hessian) and vt.lbfgs
-- (FIRE -> L-BFGS). They must find the same minimum as FIRE from a start
-- next to one (the VHG inner loop), Newton must converge quadratically when
-- the Hessian is refreshed every step and reuse a factor across nearby
-- minimizations; both must hand over from FIRE when started in the liquid,
-- get through singular Hessians (clusters: rotations), and refuse bad
-- parameters by name.
local T = dofile(os.getenv("VT_SRCDIR") .. "/t/tap.lua")
local vt = require "vitrum"

local pot = vt.potential.lj_smooth{ inner = 2.5, outer = 2.75 }
local function load(name)
  local s = vt.read(T.shared .. "/reference/" .. name, { diameters = { 1.0, 1.2 } })
  s:set_potential(pot)
  return s
end

-- largest difference of positions up to a uniform translation (FIRE with
-- unequal masses lets the centre drift; Newton steps have no net part)
local function maxdiff(a, b)
  local xa, xb, L = a:positions(), b:positions(), a.box
  local d, mean = {}, { 0, 0, 0 }
  for i = 1, a.n do
    d[i] = {}
    for k = 1, 3 do
      local v = xa[i][k] - xb[i][k]
      v = v - L[k] * math.floor(v / L[k] + 0.5)
      d[i][k] = v
      mean[k] = mean[k] + v / a.n
    end
  end
  local w = 0
  for i = 1, a.n do for k = 1, 3 do w = math.max(w, math.abs(d[i][k] - mean[k])) end end
  return w
end

-- the VHG situation: the reference inherent structure, every particle
-- resized by 1% toward the mean P2
local is = load("IS_T1.0_N500.data")
local r0 = vt.fire{ ftol = 1e-10 }:minimize(is)
T.ok(r0.converged, "the reference IS is a minimum")
local start = is:copy()
vt.homogenize.virial{ delta = 0.01 }:step(start)

local a = start:copy()
local ra = vt.fire{ ftol = 1e-10 }:minimize(a)
T.ok(ra.converged, ("FIRE from the resized IS: %d evaluations"):format(ra.force_evals))

local b = start:copy()
local m = vt.newton{ ftol = 1e-10, switch_fmax = 10 }
local rb = m:minimize(b)
T.ok(rb.converged and rb.status == "ftol" and rb.fmax < 1e-10,
     ("newton from the resized IS: converged, fmax %.3g, %d steps, %d evaluations, %d factorizations"):format(
       rb.fmax, rb.steps, rb.force_evals, m.factorizations))
T.close(rb.energy, ra.energy, 1e-13, 0, "newton and FIRE reach the same energy")
T.ok(maxdiff(a, b) < 1e-7, ("... and the same positions (largest difference %.3g)"):format(maxdiff(a, b)))
T.close(b:energy(), rb.energy, 1e-14, 0, "the system's energy is the reported one")
T.ok(m.fire_steps == 0 and m.newton_steps == rb.steps, "started below switch_fmax: Newton steps only")
T.ok(rb.force_evals < ra.force_evals / 10,
     ("far fewer force evaluations than FIRE (%d vs %d)"):format(rb.force_evals, ra.force_evals))

-- L-BFGS from the same start: the same minimum, far fewer evaluations
do
  local c = start:copy()
  local lb = vt.lbfgs{ ftol = 1e-10 }
  local r = lb:minimize(c)
  T.ok(r.converged and lb.factorizations == 0 and lb.fire_steps == 0,
       ("lbfgs from the resized IS: converged in %d steps, %d evaluations, no Hessian"):format(r.steps, r.force_evals))
  T.close(r.energy, ra.energy, 1e-13, 0, "lbfgs and FIRE reach the same energy")
  T.ok(maxdiff(a, c) < 1e-7, ("... and the same positions (largest difference %.3g)"):format(maxdiff(a, c)))
  T.ok(r.force_evals < ra.force_evals / 3, ("lbfgs: at least 3x fewer evaluations than FIRE (%d vs %d)"):format(
    r.force_evals, ra.force_evals))
  T.ok(r.force_evals <= 1.3 * r.steps, "lbfgs: steps are mostly accepted at once (evaluations <= 1.3 steps)")
  T.raises(function() vt.lbfgs{ range = 0.5 } end, "unknown parameter 'range'", "lbfgs has no complete-factor parameters")

  -- preconditioned by an incomplete Cholesky factor of the Hessian: the same
  -- minimum in a fraction of the steps
  local d = start:copy()
  local pl = vt.lbfgs{ ftol = 1e-10, precondition = "ichol" }
  local rp = pl:minimize(d)
  T.ok(rp.converged and pl.factorizations >= 1 and pl.solves == pl.newton_steps,
       ("lbfgs + ichol from the resized IS: converged in %d steps, %d evaluations, %d factorizations"):format(
         rp.steps, rp.force_evals, pl.factorizations))
  T.close(rp.energy, ra.energy, 1e-13, 0, "lbfgs + ichol and FIRE reach the same energy")
  T.ok(maxdiff(a, d) < 1e-7, ("... and the same positions (largest difference %.3g)"):format(maxdiff(a, d)))
  T.ok(rp.steps * 2.5 < r.steps, ("the preconditioner cuts L-BFGS's steps more than 2.5 fold (%d against %d)"):format(
    rp.steps, r.steps))
  -- the next resize starts with the kept (stale) factor: still few steps
  local e = d:copy()
  vt.homogenize.virial{ delta = 0.01 }:step(e)
  local ef = e:copy()
  local rf2 = vt.fire{ ftol = 1e-10 }:minimize(ef)
  local re = pl:minimize(e)
  T.ok(re.converged and math.abs(re.energy - rf2.energy) < 1e-13 * math.abs(rf2.energy) and maxdiff(e, ef) < 1e-7,
       ("a second resize, from the kept factor: FIRE's minimum in %d steps (%d factorizations)"):format(
         re.steps, pl.factorizations))
  T.is(vt.lbfgs{ precondition = "ichol", incomplete = 0.02 }.incomplete, 0.02, "lbfgs: incomplete is readable")
  T.raises(function() vt.lbfgs{ precondition = "amg" } end, "precondition 'amg' unknown", "unknown preconditioner")
  T.raises(function() vt.lbfgs{ precondition = 1 } end, "precondition", "precondition must be a string")
  T.raises(function() vt.lbfgs{ incomplete = 0 } end, "incomplete", "lbfgs: a zero drop tolerance is refused")
end

-- pure Newton: a fresh Hessian every step converges quadratically
do
  local c = start:copy()
  local pn = vt.newton{ ftol = 1e-10, switch_fmax = 10, refactor = 0, memory = 0 }
  pn:set(c)
  local f = { pn.fmax }
  repeat local st = pn:iterate(); f[#f + 1] = pn.fmax until st ~= "continue"
  T.ok(pn.fmax < 1e-10 and #f <= 9, ("pure Newton: %d steps to fmax %.3g"):format(#f - 1, pn.fmax))
  T.is(pn.factorizations, pn.newton_steps, "pure Newton: one factorization per step")
  -- quadratic: once in the basin, f_{k+1} <= C f_k^2 with a modest C
  local quad = false
  for k = 2, #f - 1 do
    if f[k] < 1e-2 and f[k + 1] < 1e-6 and f[k + 1] <= 100 * f[k] ^ 2 then quad = true end
  end
  T.ok(quad, "pure Newton: quadratic convergence (fmax " .. table.concat(
    (function() local t = {} for k, v in ipairs(f) do t[k] = ("%.1e"):format(v) end return t end)(), " ") .. ")")
  T.close(pn.energy, ra.energy, 1e-13, 0, "pure Newton: the same minimum")
end

-- reuse: a slightly different start is finished on the old factor alone
do
  local c = b:copy()
  vt.homogenize.virial{ delta = 1e-4 }:step(c)
  local rc = m:minimize(c)
  T.ok(rc.converged, ("reuse: converged (%d steps)"):format(rc.steps))
  T.is(m.factorizations, 0, "reuse: no new factorization for a 1e-4 resize")
  local off = vt.newton{ ftol = 1e-10, switch_fmax = 10, reuse = false }
  off:minimize(b:copy())
  local c2 = b:copy()
  vt.homogenize.virial{ delta = 1e-4 }:step(c2)
  off:minimize(c2)
  T.ok(off.factorizations >= 1, "reuse = false: the factor is rebuilt")
end

-- the renewal rule: over a VHG-like sequence of 20 resizes, refresh_cost = 0
-- refreshes the kept factor most, a huge one least (the rate rule alone),
-- and the default's cost in the rule's own units (steps + 20 per refresh)
-- is no higher than either extreme's
do
  local h = vt.homogenize.virial{ delta = 0.01 }
  local cost = {}
  for _, R in ipairs{ 1e9, 0, 20 } do
    local m = vt.lbfgs{ ftol = 1e-10, precondition = "ichol", refresh_cost = R }
    local c = is:copy()
    local steps, facts, ok = 0, 0, true
    for _ = 1, 20 do
      h:step(c)
      local r = m:minimize(c)
      ok = ok and r.converged
      steps, facts = steps + r.steps, facts + m.factorizations
    end
    cost[R] = { steps = steps, facts = facts, total = steps + 20 * facts, ok = ok }
  end
  local never, always, default = cost[1e9], cost[0], cost[20]
  T.ok(never.ok and always.ok and default.ok, "renewal rule: all 60 minimizations converged")
  T.ok(always.facts > default.facts and default.facts >= never.facts,
       ("renewal rule: refreshes fall with refresh_cost (0: %d, 20: %d, 1e9: %d)"):format(
         always.facts, default.facts, never.facts))
  T.ok(default.total <= never.total and default.total <= always.total,
       ("renewal rule: steps + 20 x refreshes: %d with the default, %d and %d at the extremes"):format(
         default.total, always.total, never.total))
  T.is(vt.lbfgs{ refresh_cost = 35 }.refresh_cost, 35, "refresh_cost is readable")
  T.raises(function() vt.newton{ refresh_cost = -1 } end, "refresh_cost", "a negative refresh_cost is refused")
end

-- from the liquid: FIRE first, then the quasi-Newton phase; a minimum either way
for _, name in ipairs{ "newton", "lbfgs" } do
  local liq = load("liquid_T1.0_N500.data")
  local h = vt.minimizer(name, { ftol = 1e-10 })
  local r = h:minimize(liq)
  T.ok(r.converged and r.fmax < 1e-10, ("%s from the liquid: converged (%d FIRE, %d quasi-Newton steps, %d fallbacks)")
    :format(name, h.fire_steps, h.newton_steps, h.fallbacks))
  T.ok(h.fire_steps > 0 and h.newton_steps > 0, name .. " from the liquid: both phases ran")
  local H = vt.hessian(liq)   -- raises unless positive definite beyond translations
  T.ok(H.fmax < 1e-10, name .. " from the liquid: the end point is a minimum (the Hessian factorizes)")
  H:close()
end

-- clusters in a big box: rotations are zero modes, so the plain Hessian
-- cannot be factorized; the shifted one can
do
  local R = 4.0
  local lj = vt.potential.lj_smooth{ inner = R, outer = R }
  local s = vt.system{ n = 3, box = { 14, 14, 14 }, init = "none" }
  s:set_positions{ { 7, 7, 7 }, { 8.3, 7, 7 }, { 7.5, 8, 7.1 } }
  s:set_potential(lj)
  local h = vt.newton{ ftol = 1e-10, switch_fmax = 10 }
  local r = h:minimize(s)
  local shift = 4 * (R ^ -12 - R ^ -6)
  T.ok(r.converged, ("LJ trimer: converged (%d steps, %d factorizations)"):format(r.steps, h.factorizations))
  T.close(r.energy, 3 * (-1 - shift), 0, 1e-9, "LJ trimer: energy -3 (shifted)")
  local s3 = s:copy()
  s3:set_positions{ { 7, 7, 7 }, { 8.3, 7, 7 }, { 7.5, 8, 7.1 } }
  local r3 = vt.lbfgs{ ftol = 1e-10 }:minimize(s3)
  T.ok(r3.converged, ("LJ trimer, lbfgs: converged (%d steps)"):format(r3.steps))
  T.close(r3.energy, 3 * (-1 - shift), 0, 1e-9, "LJ trimer, lbfgs: energy -3 (shifted)")
  local bad = vt.newton{ ftol = 1e-10, switch_fmax = 10, shift = 0 }
  local s2 = s:copy()
  s2:set_positions{ { 7, 7, 7 }, { 8.3, 7, 7 }, { 7.5, 8, 7.1 } }
  local r2 = bad:minimize(s2)
  T.ok(r2.converged and bad.fallbacks >= 1 and bad.newton_steps == 0,
       "LJ trimer without the shift: FIRE takes over and converges")
end

-- the VHG loop with either minimizer: the same minima, so the same
-- trajectory (accepted and rejected trials alike) to round-off
do
  local vhg = require "vitrum.vhg"
  local function loop(min)
    local c = is:copy()
    c:set_mass_rule("volume")
    local log = {}
    local r = vhg.run{ system = c, minimizer = min, delta = 0.01, reductions = 1, max_iterations = 12,
                       observe = function(e) log[#log + 1] = e end }
    return r, log
  end
  local rf, lf = loop(vt.fire{ ftol = 1e-10 })
  local nm = vt.newton{ ftol = 1e-10 }
  local rn, ln = loop(nm)
  local same, fsteps, nsteps = #lf == #ln, 0, 0
  for k = 1, math.min(#lf, #ln) do
    if lf[k].accepted ~= ln[k].accepted or math.abs(lf[k].std - ln[k].std) > 1e-9 * lf[k].std then same = false end
    fsteps, nsteps = fsteps + lf[k].steps, nsteps + ln[k].steps
  end
  T.ok(same, ("vhg.run: FIRE and newton take the same %d iterations (%d accepted)"):format(rf.iterations, rf.accepted))
  T.close(rn.std_after, rf.std_after, 1e-9, 0, "vhg.run: the same final std(P2)")
  T.close(rn.energy_after, rf.energy_after, 1e-12, 0, "vhg.run: the same final U/N")
  T.ok(nsteps * 10 < fsteps, ("vhg.run: %d minimizer steps with newton against %d with FIRE"):format(nsteps, fsteps))
  local rl, ll = loop(vt.lbfgs{ ftol = 1e-10 })
  local lsame = #lf == #ll
  for k = 1, math.min(#lf, #ll) do
    if lf[k].accepted ~= ll[k].accepted or math.abs(lf[k].std - ll[k].std) > 1e-9 * lf[k].std then lsame = false end
  end
  T.ok(lsame and math.abs(rl.std_after - rf.std_after) <= 1e-9 * rf.std_after,
       "vhg.run: lbfgs takes the same iterations to the same std(P2)")
end

-- parameters
T.raises(function() vt.newton{ switch_fmax = -1 } end, "switch_fmax", "negative switch_fmax is refused")
T.raises(function() vt.newton{ refactor = 2 } end, "refactor", "refactor above 1 is refused")
T.raises(function() vt.newton{ memory = 2.5 } end, "memory", "non-integer memory is refused")
T.raises(function() vt.lbfgs{ memory = 0 } end, "lbfgs: parameter 'memory' must be at least 1", "lbfgs needs memory >= 1")
T.raises(function() vt.lbfgs{ switch_fmax = -1 } end, "^.*lbfgs: parameter 'switch_fmax'", "lbfgs names itself in errors")
T.raises(function() vt.newton{ shift = 0 / 0 } end, "shift", "NaN shift is refused")
T.raises(function() vt.newton{ dtt = 1 } end, "known: .*switch_fmax.*dtmax", "a typo lists the known names, FIRE's too")
local p = vt.newton{ dt = 0.002, memory = 3 }
T.is(p.dt, 0.002, "FIRE parameters are forwarded")
T.is(p.memory, 3, "own parameters read back")
do
  -- memory may shrink between minimizations (and only shrink: the arrays are sized)
  local lb = vt.lbfgs{ ftol = 1e-10, memory = 6 }
  local c = start:copy()
  lb:minimize(c)
  lb.memory = 2
  local c2 = start:copy()
  local r2 = lb:minimize(c2)
  T.ok(r2.converged, ("lbfgs with memory shrunk from 6 to 2: converged (%d steps)"):format(r2.steps))
  T.raises(function() lb.memory = 7 end, "memory", "memory cannot grow after the first minimization")
end
T.is(vt.minimizer("newton", { ftol = 1e-8 }).ftol, 1e-8, "vt.minimizer('newton', ...)")
T.is(vt.minimizer("lbfgs", { memory = 4 }).memory, 4, "vt.minimizer('lbfgs', ...)")
T.done()
