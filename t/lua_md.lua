-- vt.md from Lua: construction and argument checks, md:run with observers
-- (false stops the run), ramps that end on T2, point and function schedules,
-- md:conserved(), checkpoint + restart bit-identical to an uninterrupted run.
local T = dofile(os.getenv("VT_SRCDIR") .. "/t/tap.lua")
local vt = require "vitrum"

local function wahns(seed)
  local s = vt.system{ n = 500, density = 0.75, init = "lattice", seed = seed, mass = "volume",
                       species = { { fraction = 0.5, diameter = 1.0 }, { fraction = 0.5, diameter = 1.2 } } }
  s:set_potential(vt.potential.lj_smooth{ inner = 2.5, outer = 2.75 })
  s:thermalize{ T = 2.0, seed = seed }
  return s
end

local s = wahns(3)

-- construction
T.raises(function() vt.md{ dt = 0.005 } end, "system= is required", "system= is required")
T.raises(function() vt.md{ system = s, thermostat = "berendsen", T = 1 } end, "unknown", "unknown thermostat")
T.raises(function() vt.md{ system = s, T = 1, tau = -1 } end, "tau", "negative tau")
T.raises(function() vt.md{ system = s, dt = 0, T = 1 } end, "dt", "dt = 0")
T.raises(function() vt.md{ system = s, thermostat = "none", T = 1 } end, "needs a thermostat", "T with NVE")
T.raises(function() vt.md{ system = s, thermostat = "nose-hoover" } end, "needs T=", "NVT without T")
T.raises(function() vt.md{ system = s, T = 1, tdamp = 1 } end, "unknown argument 'tdamp'", "unknown key")
T.raises(function() vt.md{ restart = "x.vtc", system = s } end, "restores everything", "restart with system")

local md = vt.md{ system = s, dt = 0.005, thermostat = "nose-hoover", T = 2.0, tau = 0.2 }
T.is(md.thermostat, "nose-hoover", "thermostat name")
T.is(md.chain, 3, "default chain length 3")
T.is(md.tau, 0.2, "tau")
T.is(md.step, 0, "step 0")
T.ok(tostring(md):find("nose%-hoover"), "tostring: " .. tostring(md))
T.is(md.system, s, "md.system is the system")

-- run, observe
local calls, last = 0, nil
local n, stopped = md:run{ steps = 300, every = 100, observe = function(step, sys, temp)
  calls = calls + 1
  last = { step, sys, temp }
end }
T.is(n, 300, "run returns the steps taken")
T.is(stopped, false, "not stopped")
T.is(calls, 3, "observe called every 100 steps")
T.is(last[1], 300, "observe gets the step")
T.is(last[2], s, "observe gets the system")
T.is(last[3], 2.0, "observe gets the target T")
T.is(md.step, 300, "md.step")
T.close(md.time, 1.5, 1e-12, 0, "md.time = steps dt")

n, stopped = md:run{ steps = 1000, every = 10, observe = function(step) if step >= md.step and step == 350 then return false end end }
T.is(n, 50, "observe returning false stops the run (after 50 steps)")
T.is(stopped, true, "run reports stopped")
T.raises(function() md:run{ steps = 10, every = 1, observe = function() error("boom") end } end, "boom",
         "an error in observe propagates")
T.is(md.pending, nil, "no pending run after an error")

-- ramp: the target of the last step is T2
local targets = {}
md:run{ steps = 200, T = { 2.0, 1.0 }, every = 1, observe = function(step, _, temp) targets[#targets + 1] = temp end }
T.close(targets[1], 2.0 - 1.0 / 200, 1e-14, 0, "ramp: first step target")
T.is(targets[200], 1.0, "ramp: last step target is T2")
T.is(md.T, 1.0, "md.T = T2 after the ramp")
-- a run without T continues at md.T
targets = {}
md:run{ steps = 5, every = 5, observe = function(_, _, temp) targets[1] = temp end }
T.is(targets[1], 1.0, "a run without T= stays at md.T")

-- schedules from Lua: points and a function of the step
targets = {}
md:run{ steps = 40, T = { { 0, 1.0 }, { 20, 1.0 }, { 40, 0.8 } }, every = 1,
        observe = function(_, _, temp) targets[#targets + 1] = temp end }
T.is(targets[10], 1.0, "points: flat part")
T.close(targets[30], 0.9, 1e-14, 0, "points: interpolated")
T.is(targets[40], 0.8, "points: last point")
targets = {}
md:run{ steps = 20, T = function(i, nsteps) return 0.8 + 0.01 * i end, every = 1,
        observe = function(_, _, temp) targets[#targets + 1] = temp end }
T.close(targets[20], 1.0, 1e-14, 0, "function schedule: T(20) = 0.8 + 0.2")
T.raises(function() md:run{ steps = 5, T = function() return "hot" end } end, "no number", "function must return a number")
T.raises(function() md:run{ steps = 5, T = { 1, 2, 3 } } end, "ramp", "a ramp has two temperatures")
T.raises(function() md:run{ steps = 5, T = -1 } end, "non%-negative", "negative T")
T.raises(function() md:run{ T = 1 } end, "steps= is required", "steps= is required")

-- conserved quantity of NVE and NVT
local nve = vt.md{ system = s, dt = 0.005, thermostat = "none" }
T.is(nve.thermostat, "none", "NVE md")
T.raises(function() nve:run{ steps = 5, T = 1 } end, "needs a thermostat", "T= with NVE is an error")
local H0 = nve:conserved()
local temps = {}
nve:run{ steps = 400, every = 100, observe = function(_, sys, temp) temps[#temps + 1] = temp end }
T.close(nve:conserved() / s.n, H0 / s.n, 0, 1e-3, "NVE at T ~ 1: KE + U conserved to 1e-3 per particle over 400 steps")
T.close(temps[4], s:temperature(), 1e-12, 0, "NVE observe gets the kinetic temperature")
local H1 = md:conserved()
md:run{ steps = 400, T = 1.0 }
T.close(md:conserved() / s.n, H1 / s.n, 0, 1e-3, "NVT at T = 1: the NH conserved quantity is conserved to 1e-3 per particle")

-- checkpoint + restart: a 400-step ramp interrupted at 200 and restarted
-- equals the same run done in one go, bit for bit
local dir = T.tmpdir()
local function copyfile(a, b)
  local f = assert(io.open(a, "rb")); local d = f:read("a"); f:close()
  f = assert(io.open(b, "wb")); f:write(d); f:close()
end
local sa = s:copy()
local ma = vt.md{ system = sa, dt = 0.005, T = 1.0, chain = 4 }
local ck = dir .. "/a.vtc"
ma:run{ steps = 400, T = { 1.0, 0.7 }, checkpoint = { file = ck, every = 200 }, every = 1,
        observe = function(step) if step == 201 then copyfile(ck, dir .. "/a200.vtc") end end }
local mc = vt.md{ restart = dir .. "/a200.vtc" }
T.is(mc.step, 200, "restored md.step")
T.is(mc.pending, 200, "restored run has 200 steps to go")
T.is(mc.chain, 4, "restored chain length")
T.is(mc.system.n, 500, "restored system")
T.raises(function() mc:run{ steps = 400, T = { 1.0, 0.8 } } end, "pending", "resume with another ramp is refused")
mc:run{ steps = 400, T = { 1.0, 0.7 }, checkpoint = { file = dir .. "/c.vtc", every = 200 } }
T.is(mc.pending, nil, "run finished")
T.is(mc.step, 400, "step 400")
local xa, xc = sa:positions(), mc.system:positions()
local va, vc = sa:velocities(), mc.system:velocities()
local same = true
for i = 1, #xa do
  for k = 1, 3 do
    if xa:get(i, k) ~= xc:get(i, k) or va:get(i, k) ~= vc:get(i, k) then same = false end
  end
end
T.ok(same, "restart is bit-identical to the uninterrupted run (positions and velocities)")
T.is(mc:conserved(), ma:conserved(), "same conserved quantity")
md:checkpoint(dir .. "/m.vtc")
local mm = vt.md{ restart = dir .. "/m.vtc" }
T.is(mm.step, md.step, "md:checkpoint + restart keeps the step")
T.is(mm.T, md.T, "and the target")
T.raises(function() vt.md{ restart = dir .. "/missing.vtc" } end, "missing", "restart from a missing file")
os.execute("rm -rf '" .. dir .. "'")

T.done()
