-- MD refuses absurd states (issue 23): a state whose conserved quantity is
-- not finite or beyond 1e6 per particle is refused with the step and the
-- particle, at the start of a run and during it (before the fix, MD from a
-- diverged minimization ran with a conserved quantity of 2.7e226).
local T = dofile(os.getenv("VT_SRCDIR") .. "/t/tap.lua")
local vt = require "vitrum"

-- random placement overlaps particles: U/N = 8.6e6
do
  local s = vt.system{ n = 200, density = 1.0, init = "random", seed = 1, potential = vt.potential.lj_smooth{} }
  local md = vt.md{ system = s, dt = 0.005 }
  T.raises(function() md:run{ steps = 10 } end,
           "md: step 0: the conserved quantity is [%d.e+]+ %([%d.e+]+ per particle, beyond 1e%+?0*6: not a physical state%); particle %d+ has the largest force",
           "overlapping start: refused at step 0, naming the particle with the largest force")
  T.is(md.step, 0, "no step was taken")
  -- minimized, the same system runs
  vt.fire{ ftol = 1e-4 }:minimize(s)
  s:thermalize{ T = 1.0, seed = 2 }
  local md2 = vt.md{ system = s, dt = 0.005 }
  local h0 = md2:conserved()
  md2:run{ steps = 200 }
  T.close(md2:conserved(), h0, 1e-3, 0, "after minimizing: 200 NVE steps, conserved quantity kept to 1e-3")
end

-- absurd velocities: the kinetic energy is beyond the bound
do
  local s = vt.system{ n = 256, density = 0.8, init = "lattice", potential = vt.potential.lj_smooth{} }
  local v = {}
  for i = 1, s.n do v[i] = { 0, 0, 0 } end
  v[77] = { 3e5, 0, 0 }
  s:set_velocities(v)
  local md = vt.md{ system = s, dt = 0.005 }
  local ok, err = pcall(md.run, md, { steps = 10 })
  T.ok(not ok and tostring(err):find("step 0: the conserved quantity") and tostring(err):find("particle 77 is the fastest"),
       "one particle at speed 3e5: refused, naming it: " .. tostring(err))
end

-- a state that blows up during the run (a time step 40 times too long):
-- stopped within 100 steps of leaving the bound, with the step
do
  local s = vt.system{ n = 256, density = 1.0, init = "lattice", potential = vt.potential.lj_smooth{} }
  s:thermalize{ T = 2.0, seed = 3 }
  local md = vt.md{ system = s, dt = 0.2 }
  local ok, err = pcall(md.run, md, { steps = 100000 })
  local at = tonumber(tostring(err):match("md: step (%d+):"))
  T.ok(not ok and at and at > 0 and at < 100000 and md.step < at,
       ("dt = 0.2: refused during the run at step %s (md.step %d): %s"):format(tostring(at), md.step, tostring(err)))
end
T.done()
