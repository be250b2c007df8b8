-- vt.fire / vt.cg / vt.steepest from Lua: known minima of LJ clusters
-- (lj_smooth with inner = outer = 4: plain LJ shifted by 4 (4^-12 - 4^-6)
-- per pair), stepping by hand, results vs errors, parameters by name, and
-- FIRE 2.0 on the shared reference liquid against LAMMPS's inherent structure.
local T = dofile(os.getenv("VT_SRCDIR") .. "/t/tap.lua")
local vt = require "vitrum"

local R = 4.0
local shift = 4 * (R ^ -12 - R ^ -6)
local rmin = 2 ^ (1 / 6)
local pot = vt.potential.lj_smooth{ inner = R, outer = R }

local function cluster(xyz)
  local s = vt.system{ n = #xyz, box = { 14, 14, 14 }, init = "none" }
  local p = {}
  for i, x in ipairs(xyz) do p[i] = { x[1] + 7, x[2] + 7, x[3] + 7 } end
  s:set_positions(p)
  s:set_potential(pot)
  return s
end

local function dist(s, i, j)
  local x, L = s:positions(), s.box
  local d2 = 0
  for k = 1, 3 do
    local d = x[i][k] - x[j][k]
    d = d - L[k] * math.floor(d / L[k] + 0.5)
    d2 = d2 + d * d
  end
  return math.sqrt(d2)
end

local dimer = { { 0, 0, 0 }, { 1.5, 0.2, -0.1 } }
local trimer = { { 0, 0, 0 }, { 1.3, 0, 0 }, { 0.5, 1.0, 0.1 } }

local makers = {
  { "fire2", function(o) return vt.fire(o) end },
  { "fire", function(o) o.variant = "fire"; return vt.fire(o) end },
  { "cg", function(o) return vt.cg(o) end },
  { "steepest", function(o) return vt.steepest(o) end },
  { "steepest flow", function(o) o.mode = "flow"; return vt.steepest(o) end },
}

for _, mk in ipairs(makers) do
  local name, make = mk[1], mk[2]
  for _, c in ipairs{ { "dimer", dimer, 1 }, { "trimer", trimer, 3 } } do
    local s = cluster(c[2])
    s:set_velocities(vt.array(s.n, 3))
    local m = make{ ftol = 1e-10 }
    local r = m:minimize(s)
    local what = name .. " on the LJ " .. c[1]
    T.ok(r.converged and r.status == "ftol" and r.fmax < 1e-10,
         ("%s: converged, fmax %.3g (%d steps, %d evaluations)"):format(what, r.fmax, r.steps, r.force_evals))
    T.close(r.energy, c[3] * (-1 - shift), 0, 1e-9, what .. ": energy -" .. c[3] .. " (shifted)")
    T.close(s:energy(), r.energy, 1e-14, 0, what .. ": the system's energy is the reported one")
    T.ok(r.fnorm >= r.fmax and r.fnorm <= math.sqrt(3 * s.n) * r.fmax, what .. ": fmax <= fnorm <= sqrt(3N) fmax")
    T.ok(r.force_evals >= r.steps, what .. ": at least one force evaluation per step")
    local worst = 0
    for i = 1, s.n do for j = i + 1, s.n do worst = math.max(worst, math.abs(dist(s, i, j) - rmin)) end end
    T.ok(worst < 1e-9, ("%s: bonds at 2^(1/6) (worst %.3g)"):format(what, worst))
  end
end

-- stepping by hand
do
  local s = cluster(trimer)
  local m = vt.cg{ ftol = 1e-10 }
  T.is(m:set(s), m, "set returns the minimizer")
  T.is(m.system, s, "the minimizer holds its system")
  T.is(m.steps, 0, "no steps yet")
  T.ok(m.fmax > 1 and not m.converged, "not converged at the start (fmax " .. m.fmax .. ")")
  local st, k, mono, e = "continue", 0, true, m.energy
  while st == "continue" and k < 1000 do
    st = m:iterate()
    k = k + 1
    if m.energy > e + 1e-12 then mono = false end
    e = m.energy
  end
  T.is(st, "ftol", "iterate until ftol")
  T.is(m.steps, k, "steps counted")
  T.ok(mono, "cg: energy never rises")
  T.ok(m.converged and m.fmax < 1e-10, "converged at the end")
  local r = m:result()
  T.ok(r.converged and r.steps == k and r.energy == m.energy, "result() describes the current point")
end

-- non-convergence is a result
do
  local s = cluster(trimer)
  for _, mk in ipairs(makers) do
    local r = mk[2]{ max_steps = 2 }:minimize(s:copy())
    T.ok(r.converged == false and r.status == "max_steps" and r.steps == 2 and r.fmax >= 1e-10,
         mk[1] .. ": max_steps=2 gives converged=false, status " .. tostring(r.status))
  end
end

-- velocities zeroed, masses untouched
do
  local s = cluster(dimer)
  s:set_masses{ 1.0, 2.5 }
  s:thermalize{ T = 1.0, seed = 3 }
  vt.fire{}:minimize(s)
  local v, m = s:velocities(), s:masses()
  local vmax = 0
  for i = 1, s.n do for k = 1, 3 do vmax = math.max(vmax, math.abs(v[i][k])) end end
  T.is(vmax, 0, "velocities are zero after minimizing")
  T.ok(m[1] == 1.0 and m[2] == 2.5, "masses untouched")
end

-- parameters by name
do
  local f = vt.fire{ dt = 0.01 }
  T.is(f.name, "fire2", "vt.fire is FIRE 2.0 by default")
  T.ok(f.dt == 0.01 and f.dtmax == 0.1 and f.alpha0 == 0.25 and f.delaystep == 20 and f.halfstepback == true,
       "fire2 defaults: dtmax = 10 dt, alpha0 0.25, delaystep 20, half step back")
  local f1 = vt.fire{ variant = "fire" }
  T.ok(f1.name == "fire" and f1.alpha0 == 0.1 and f1.delaystep == 5 and f1.halfstepback == false and f1.masses == true,
       "original FIRE: alpha0 0.1, N_min 5, no half step back, masses used")
  f.alpha0 = 0.2
  f.masses = false
  T.ok(f.alpha0 == 0.2 and f.masses == false, "parameters set by name")
  f.ftol = 1e-12
  T.is(f.ftol, 1e-12, "ftol set by name")
  T.ok(tostring(f):find("fire2", 1, true), "tostring names the type")
  T.is(vt.minimizer("cg", { sigma = 0.2 }).sigma, 0.2, "vt.minimizer by name")
end

-- misuse raises
T.raises(function() vt.fire{ dtt = 0.01 } end, "unknown parameter 'dtt'", "unknown parameter")
T.raises(function() vt.fire{ variant = "fire3" } end, "variant 'fire3' unknown", "unknown variant")
T.raises(function() vt.cg{ ftol = "small" } end, "ftol", "ftol must be a number")
T.raises(function() vt.cg{ ftol = -1 } end, "outside", "negative ftol")
T.raises(function() vt.steepest{ mode = "fast" } end, "mode 'fast' unknown", "unknown mode")
T.raises(function() vt.cg():iterate() end, "no system", "iterate before set")
T.raises(function() vt.cg():minimize(42) end, "vt.system expected", "minimize needs a system")
T.raises(function() local m = vt.cg(); m.nope = 1 end, "unknown parameter 'nope'", "unknown field set")
T.raises(function() vt.minimizer("bfgs") end, "unknown minimizer 'bfgs'", "unknown minimizer name")
T.raises(function() vt.fire{ 1, 2 } end, "named arguments only", "positional arguments")
do
  local s = cluster(dimer)
  local m = vt.cg()
  m:set(s)
  getmetatable(s).__close(s)
  T.raises(function() m:iterate() end, "closed", "a closed system is refused")
end
do
  local s = vt.system{ n = 2, box = { 14, 14, 14 }, init = "none" }
  T.raises(function() vt.fire():minimize(s) end, "no potential", "a system without a potential is refused")
end

-- coincident particles: an infinite pair energy, refused naming the particle
do
  local s = cluster{ { 0, 0, 0 }, { 1.2, 0, 0 }, { 1.2, 0, 0 } }
  local okc, e = pcall(s.energy, s)
  T.ok(not okc or e ~= e or math.abs(e) == math.huge, "coincident particles give a non-finite energy (or an error)")
  for _, mk in ipairs(makers) do
    T.raises(function() mk[2]{}:minimize(s:copy()) end, "particle [23] is not finite.*overlapping",
             mk[1] .. ": coincident particles raise, naming one")
  end
end

-- FIRE 2.0 on the shared reference liquid vs LAMMPS's inherent structure
do
  local data = T.shared .. "/reference/liquid_T1.0_N500.data"
  local f = io.open(data)
  if not f then
    -- the reference data ships with the repository (t/data/reference): a
    -- missing file is a broken tree, not a reason to skip
    T.ok(false, "reference data missing: " .. data)
  else
    f:close()
    local s = vt.read(data, { diameters = { 1.0, 1.2 } })
    s:set_potential(vt.potential.lj_smooth{ inner = 2.5, outer = 2.75 })
    local m, ty = s:masses(), s:types()
    local mok = true
    for i = 1, s.n do if m[i] ~= (ty[i] == 1 and 1.0 or 1.728) then mok = false end end
    T.ok(mok, "reference liquid read with masses 1 / 1.728 by type")
    local e_lmp = -6.98292268049380
    local t0 = os.clock()
    local r = vt.fire{ ftol = 1e-10, norm = "two" }:minimize(s)
    T.ok(r.converged and r.fnorm < 1e-10 and r.fmax < 1e-10, ("fire2: converged, fnorm %.3g"):format(r.fnorm))
    local de = r.energy / s.n - e_lmp
    T.diag(("fire2 on liquid_T1.0_N500: %d iterations (LAMMPS 2982), %d force evaluations, %.2f s CPU; "
            .. "U/N %.14f vs LAMMPS %.14f: difference %.3g"):format(r.steps, r.force_evals, os.clock() - t0,
            r.energy / s.n, e_lmp, de))
    T.close(r.energy / s.n, e_lmp, 0, 1e-9, "fire2: the inherent-structure energy of LAMMPS (same basin, 1e-9)")
    local r2 = vt.cg{ ftol = 1e-10 }:minimize(s)
    T.ok(r2.converged and math.abs(r2.energy - r.energy) < 1e-9 * s.n,
         ("cg from there: stays (%d steps, dU/N %.3g)"):format(r2.steps, (r2.energy - r.energy) / s.n))
  end
end

T.done()
