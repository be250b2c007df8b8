-- Benchmark (not a test) of the static structure (issue 15): S(q) from the
-- exact sum over the box's wave vectors up to |q| = 12 (shells 0.05 wide)
-- and g(r) up to 5, for a WAHNs liquid (N = 4000, density 0.75, T = 1 after
-- a short NVT run from the lattice). Target: S(q) under 1 s on 2 threads.
-- Prints the time of each call (best of REPEAT, default 3), per thread count.
--
-- usage: vitrum scripts/bench/structure_sq.lua [N] [qmax]
local vt = require "vitrum"
local B = dofile(debug.getinfo(1, "S").source:match("^@(.*/)") .. "benchlib.lua")

local N = tonumber(arg and arg[1]) or 4000
local qmax = tonumber(arg and arg[2]) or 12
local repeat_ = tonumber(os.getenv("REPEAT") or "") or 3
B.header(vt)

local s = vt.system{ n = N, density = 0.75, init = "lattice", seed = 1, mass = "volume",
                     species = { { fraction = 0.5, diameter = 1.0 }, { fraction = 0.5, diameter = 1.2 } } }
s:set_potential(vt.potential.lj_smooth{ inner = 2.5, outer = 2.75 })
s:thermalize{ T = 1.0, seed = 1 }
vt.md{ system = s, dt = 0.005, thermostat = "nose-hoover", T = 1.0, tau = 0.2 }:run{ steps = 500 }

local function best(f)
  local t = math.huge
  local r
  for _ = 1, repeat_ do
    local t0 = vt.clock()
    r = f()
    t = math.min(t, vt.clock() - t0)
  end
  return t, r
end

local maxt = vt.threads()
print(("# N = %d, L = %.4f, qmax = %g; the machine may be shared with other jobs"):format(N, s.box[1], qmax))
print("# threads  what                    seconds   vectors  peak")
for _, nt in ipairs({ 1, maxt >= 2 and 2 or nil }) do
  vt.threads(nt)
  local t, S = best(function() return vt.analysis.sq(s, { qmax = qmax, width = 0.05 }) end)
  local nv = S.count:sum()
  print(("%9d  %-22s %8.3f  %8d  %.3f"):format(nt, "S(q) total", t, nv, S.peak))
  t, S = best(function() return vt.analysis.sq(s, { qmax = qmax, width = 0.05, type = 2 }) end)
  print(("%9d  %-22s %8.3f  %8d  %.3f"):format(nt, "S(q) type 2", t, nv, S.peak))
  t = best(function() return vt.analysis.gr(s, { rmax = 5, width = 0.02 }) end)
  print(("%9d  %-22s %8.3f"):format(nt, "g(r) total, rmax 5", t))
end
vt.threads(maxt)
