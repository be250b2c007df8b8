-- Minimizers side by side on one configuration (not a test): steps, force
-- evaluations, CPU time and the inherent-structure energy reached, for FIRE
-- 2.0 (LAMMPS defaults, with and without masses), the original FIRE, CG and
-- steepest descent, all to fmax < ftol.
-- usage: OMP_NUM_THREADS=1 vitrum scripts/bench/minimize_compare.lua [data] [ftol] [starts]
--   data defaults to $VT_SHARED/reference/liquid_T1.0_N500.data (WAHNs, LAMMPS IS
--   U/N -6.98292268049380); starts > 1 adds starts shaken by +-0.01 (seeded), so
--   that a method's luck with one basin does not decide the ranking.
-- CPU time is os.clock(): with one thread it is the wall time of the minimization.
local vt = require "vitrum"
local shared = os.getenv("VT_SHARED") or "../t/data"
local data = (arg[1] and arg[1] ~= "") and arg[1] or (shared .. "/reference/liquid_T1.0_N500.data")
local ftol = tonumber(arg[2] or "1e-10")
local starts = tonumber(arg[3] or "1")

local base = vt.read(data, { diameters = { 1.0, 1.2 } })
base:set_potential(vt.potential.lj_smooth{ inner = 2.5, outer = 2.75 })

local function start(k)
  local s = base:copy()
  if k > 1 then
    local x, n = s:positions(), s.n
    local seed = k
    local function rnd() seed = (seed * 1103515245 + 12345) % 2147483648; return seed / 2147483648 end
    local p = {}
    for i = 1, n do local r = x[i]; p[i] = { r[1] + 0.01 * (rnd() - 0.5), r[2] + 0.01 * (rnd() - 0.5), r[3] + 0.01 * (rnd() - 0.5) } end
    s:set_positions(p)
  end
  return s
end

local methods = {
  { "fire2 (LAMMPS defaults)", function() return vt.fire{ ftol = ftol } end },
  { "fire2, unit masses", function() return vt.fire{ ftol = ftol, masses = false } end },
  { "fire (Bitzek 2006)", function() return vt.fire{ ftol = ftol, variant = "fire" } end },
  { "cg (PR+)", function() return vt.cg{ ftol = ftol } end },
  { "steepest", function() return vt.steepest{ ftol = ftol } end },
}

print(("# %s: N = %d, ftol = %g on the largest force component, %d start(s), %d thread(s)")
      :format(data, base.n, ftol, starts, vt.threads()))
print(("%-26s %9s %9s %9s %11s %18s"):format("method", "converged", "steps", "evals", "cpu_s", "U/N (mean)"))
for _, m in ipairs(methods) do
  local steps, evals, cpu, e, conv = 0, 0, 0, 0, 0
  for k = 1, starts do
    local s = start(k)
    local mini = m[2]()
    local t0 = os.clock()
    local r = mini:minimize(s)
    cpu = cpu + os.clock() - t0
    steps, evals, e = steps + r.steps, evals + r.force_evals, e + r.energy / s.n
    if r.converged then conv = conv + 1 end
  end
  print(("%-26s %6d/%-2d %9.0f %9.0f %11.3f %18.12f"):format(m[1], conv, starts, steps / starts, evals / starts,
                                                          cpu / starts, e / starts))
end
