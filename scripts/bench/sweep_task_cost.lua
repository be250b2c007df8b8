-- Per-task cost of the paper-scale inherent-state ensembles (doc/sweeps.md,
-- core-hours): one PSS (r_c = 1.2, density 0.6) inherent state per task --
-- FIRE quench of a liquid configuration at T = 2, then the moduli with the
-- non-affine term, then dipole stiffnesses of 1000 random pairs -- on one
-- thread, CPU seconds (os.clock; less sensitive to a shared machine than
-- wall time), for each N given.
--   vitrum -t 1 scripts/bench/sweep_task_cost.lua [500 3000]
local B = dofile(debug.getinfo(1, "S").source:match("^@(.*/)") .. "benchlib.lua")
local sizes = {}
for _, a in ipairs(arg or {}) do sizes[#sizes + 1] = math.tointeger(tonumber(a)) or error("sizes are integers", 0) end
if #sizes == 0 then sizes = { 500, 3000 } end
B.header(vt)
print("N\tquench_cpu_s\tfire_steps\tmoduli_cpu_s\tdipoles1000_cpu_s\ttask_cpu_s")
for _, n in ipairs(sizes) do
  local s = vt.system{ n = n, density = 0.6, species = { { fraction = 0.5, diameter = 1.0 }, { fraction = 0.5, diameter = 1.4 } },
                       mass = "equal", init = "lattice", seed = 1, potential = vt.potential.pss{ rc = 1.2 } }
  s:thermalize{ T = 2.0, seed = 2 }
  vt.md{ system = s, dt = 0.002, thermostat = "nose-hoover", T = 2.0, tau = 0.2 }:run{ steps = 2000, progress = false }
  local c0 = os.clock()
  local r = vt.fire{ ftol = 1e-10, max_steps = 2000000 }:minimize(s)
  local c1 = os.clock()
  local H = vt.hessian(s)
  H:moduli()
  local c2 = os.clock()
  H:dipoles{ pairs = 1000, seed = 1 }
  local c3 = os.clock()
  print(("%d\t%.2f\t%d\t%.2f\t%.2f\t%.2f"):format(n, c1 - c0, r.steps, c2 - c1, c3 - c2, c3 - c0))
end
print("# load after: " .. B.sh("uptime"))
