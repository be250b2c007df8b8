-- Benchmark of the sweep's process pool (doc/sweeps.md):
--   1. per-task overhead on tiny tasks: the wall time per task of a pool of
--      one worker (spawn, messages, one committed transaction per task) and
--      of the same sweep in the coordinator's process (the store's part);
--   2. throughput on CPU-bound tasks (N = 500 WAHNs liquid from the reference
--      configuration: 500 MD steps, FIRE quench, Hessian moduli): 2 workers x
--      1 thread against 1 worker x 1 thread on the same points.
-- Targets: overhead < 50 ms per task; speed-up >= 1.85. The load average is
-- printed before and after: on a shared machine the speed-up is a lower bound.
--   vitrum scripts/bench/sweep_pool.lua [tiny=200] [cpu=8]
local B = dofile(debug.getinfo(1, "S").source:match("^@(.*/)") .. "benchlib.lua")
local sweep = require "vitrum.sweep"
local opt = { tiny = 200, cpu = 8 }
for _, a in ipairs(arg or {}) do
  local k, v = a:match("^(%w+)=(%d+)$")
  if not k or not opt[k] then error("usage: vitrum scripts/bench/sweep_pool.lua [tiny=200] [cpu=8]", 0) end
  opt[k] = tonumber(v)
end
local here = debug.getinfo(1, "S").source:match("^@(.*/)")
local ref = os.getenv("VT_REF") or (here .. "../../t/data/reference")
B.header(vt)
local dir = os.tmpname()
os.remove(dir)
os.execute("mkdir -p '" .. dir .. "'")
local function write(name, text)
  local f = assert(io.open(dir .. "/" .. name, "w"))
  f:write(text)
  f:close()
  return dir .. "/" .. name
end
local tiny = write("tiny.lua", "return function(p) return { v = p.i * 2 } end\n")
local cpu = write("cpu.lua", ([[
return function(p)
  local s = vt.read(%q, { diameters = { 1.0, 1.2 } })
  s:set_potential(vt.potential.lj_smooth{ inner = 2.5, outer = 2.75 })
  s:thermalize{ T = 1.0, seed = p.seed }
  vt.md{ system = s, dt = 0.005, thermostat = "nose-hoover", T = 1.0, tau = 0.2 }:run{ steps = 500, progress = false }
  local r = vt.fire{ ftol = 1e-8, max_steps = 200000 }:minimize(s)
  local m = vt.hessian(s):moduli()
  return { U = r.energy / s.n, G = m.G, K = m.K, steps = r.steps }
end
]]):format(ref .. "/liquid_T1.0_N500.data"))

local function timed(o)
  local t0 = vt.clock()
  local s = sweep.run(o)
  local dt = vt.clock() - t0
  assert(s.done == s.ran and s.ran > 0, "the benchmark sweep had failures: see " .. o.store)
  return dt, s.ran
end
local function ids(n) local t = {} for i = 1, n do t[i] = i end return t end

print("# load before: " .. B.sh("uptime"))
local t_pool, n1 = timed{ script = tiny, grid = { i = ids(opt.tiny) }, store = dir .. "/tiny-pool.db", workers = 1, threads = 1, quiet = true }
local t_in, n0 = timed{ script = tiny, grid = { i = ids(opt.tiny) }, store = dir .. "/tiny-inline.db", workers = 0, threads = 1, quiet = true }
print(("tiny tasks: pool of 1 worker %.2f ms/task (%d tasks, %.2f s, spawn included); in-process %.2f ms/task " ..
       "(the store's commit); target < 50 ms/task: %s")
  :format(1e3 * t_pool / n1, n1, t_pool, 1e3 * t_in / n0, t_pool / n1 < 0.05 and "met" or "NOT met"))

local t1, c1 = timed{ script = cpu, grid = { i = ids(opt.cpu) }, store = dir .. "/cpu-1.db", workers = 1, threads = 1, quiet = true }
local t2, c2 = timed{ script = cpu, grid = { i = ids(opt.cpu) }, store = dir .. "/cpu-2.db", workers = 2, threads = 1, quiet = true }
print(("cpu tasks (N = 500: MD 500 steps + FIRE + moduli): 1 worker %.2f s/task, 2 workers x 1 thread %.2f s/task; " ..
       "throughput ratio %.2f (target >= 1.85)"):format(t1 / c1, t2 / c2, t1 / t2))
print("# load after: " .. B.sh("uptime") .. "  (the machine is shared: a loaded machine lowers the ratio)")
os.execute("rm -rf '" .. dir .. "'")
