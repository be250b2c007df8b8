-- Minimizers that diverge stop with a result, not by running to max_steps
-- (issue 23): status "diverged", converged = false, a message saying why,
-- and the system put back at the lowest-energy point seen. Steps far too
-- long for the landscape (dt 0.5, dmax 100) drive FIRE uphill by 10 orders
-- of magnitude in one step; a model scaled by 1e150 overflows the forces.
local T = dofile(os.getenv("VT_SRCDIR") .. "/t/tap.lua")
local vt = require "vitrum"

local function lattice(eps)
  return vt.system{ n = 200, density = 1.0, seed = 1, init = "lattice",
                    potential = vt.potential.lj_smooth{ epsilon = eps or 1 } }
end
local wild = { dt = 0.5, dtmax = 5, dmax = 100, maxmove = 1000, max_steps = 5000 }
local function opts(extra)
  local o = {}
  for k, v in pairs(wild) do o[k] = v end
  for k, v in pairs(extra or {}) do o[k] = v end
  return o
end

for _, variant in ipairs{ "fire2", "fire" } do
  local s = lattice()
  local u0, x0 = s:energy(), s:unwrapped()
  local r = vt.fire(opts{ variant = variant }):minimize(s)
  T.ok(r.status == "diverged" and not r.converged and r.steps < 100,
       ("%s with dmax 100: status %s after %d steps (not max_steps)"):format(variant, r.status, r.steps))
  T.ok(type(r.message) == "string" and r.message:find("diverged: the energy [%d.e+]+ after %d+ steps rose above the lowest") ~= nil,
       ("%s: the message says why: %s"):format(variant, tostring(r.message)))
  local x, dmax = s:unwrapped(), 0
  for i = 1, s.n do for k = 1, 3 do dmax = math.max(dmax, math.abs(x[i][k] - x0[i][k])) end end
  T.ok(r.energy == u0 and s:energy() == u0 and dmax == 0,
       ("%s: the system is back at the lowest point (the start): U %.10g = %.10g, positions moved %g"):format(variant, r.energy, u0, dmax))
end

-- stepping by hand: iterate returns "diverged", m.message; diverge = 0 turns the energy rule off
do
  local s = lattice()
  local m = vt.fire(opts())
  m:set(s)
  T.is(m:iterate(), "diverged", "iterate returns \"diverged\" on the first wild step")
  T.ok(m.status == "diverged" and m.message:find("^fire2: diverged") ~= nil, "m.status and m.message: " .. tostring(m.message))
  local s2 = lattice()
  local m2 = vt.fire(opts{ diverge = 0 })
  m2:set(s2)
  local st = m2:iterate()
  T.ok(st == "continue" and m2.energy > 1e9 and m2.message == nil,
       ("diverge = 0: the same step is taken (%s, U %.3g)"):format(st, m2.energy))
  T.raises(function() vt.fire{ diverge = -1 } end, "diverge", "diverge < 0 is refused")
end

-- a state moved from outside is a new start for the rule: minimize, then
-- overlap particles and keep iterating (the energy is 1e9 x the minimum's)
do
  local s = vt.system{ n = 200, density = 1.0, init = "random", seed = 1, potential = vt.potential.lj_smooth{} }
  local m = vt.fire{ ftol = 1e-6 }
  local r = m:minimize(s)
  T.ok(r.converged, "minimized a random start")
  local p = vt.system{ n = 200, density = 1.0, init = "random", seed = 7 }:positions()
  s:set_positions(p)
  local u1 = s:energy()
  local st = m:iterate()
  T.ok(st == "continue" and m.energy < u1, ("after set_positions (U %.3g): iterate continues from there (%s)"):format(u1, st))
end

-- overflowing forces: non-finite after a step is a divergence naming the particle
do
  local s = lattice(1e150)
  local u0 = s:energy()
  local r = vt.fire(opts{ diverge = 0 }):minimize(s)
  T.ok(r.status == "diverged" and r.message:find("particle %d+") ~= nil and r.energy == u0,
       "forces overflowing after a step: diverged, back at the start: " .. tostring(r.message))
end

-- a non-finite start is still an error (bad input, not a divergence)
do
  local s = vt.system{ n = 2, box = { 6, 6, 6 }, init = "none", potential = vt.potential.ipl{ preset = "nbc" } }
  s:set_positions{ { 1, 1, 1 }, { 1, 1, 1 } }
  T.raises(function() vt.fire{}:minimize(s) end, "not finite", "two particles on one point: minimize raises")
end
T.done()
