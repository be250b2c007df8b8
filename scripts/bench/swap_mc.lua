-- Swap Monte Carlo benchmark: attempted swap moves per second at N = 1500
-- and 8000 (polydisperse smoothed LJ of the VHG appendix, and the WAHNs
-- binary mixture), next to LAMMPS `fix atom/swap` on the same binary
-- configuration (which recomputes the whole energy per attempt); the
-- per-attempt cost ratio is the number to read (goal: >= 100x at N = 8000).
-- With --decorrelation, also the CPU time for the energy autocorrelation to
-- decay at a low temperature: swap MC versus plain NVT MD.
--
--   vitrum scripts/bench/swap_mc.lua [--sizes=1500,8000] [--sweeps=3]
--        [--lammps-attempts=20] [--decorrelation] [--T=0.45]
--
-- The machine is shared with other jobs: the header prints its load.
local vt = require "vitrum"
local B = dofile(debug.getinfo(1, "S").source:match("^@(.*/)") .. "benchlib.lua")

local opt = { sizes = "1500,8000", sweeps = 3, lammps_attempts = 20, decorrelation = false, T = 0.45,
              samples = 400 }
for _, a in ipairs(arg or {}) do
  local k, v = a:match("^%-%-([%w%-_]+)=?(.*)$")
  if not k then error("swap_mc.lua: cannot read argument " .. a, 0) end
  k = k:gsub("%-", "_")
  if opt[k] == nil then error("swap_mc.lua: unknown option --" .. k, 0) end
  if type(opt[k]) == "boolean" then opt[k] = true
  elseif type(opt[k]) == "number" then opt[k] = tonumber(v) or error("swap_mc.lua: --" .. k .. " needs a number", 0)
  else opt[k] = v end
end

B.header(vt)
local lmp = os.getenv("LMP")
if lmp == nil or lmp == "" then lmp = B.sh("command -v lmp") end

local function polydisperse(n)
  local s = vt.system{ n = n, density = 1.0, init = "lattice", seed = 1, mass = "volume",
                       diameters = { law = "power", exponent = -3, min = 0.7253, max = 1.6095 } }
  s:set_potential(vt.potential.lj_smooth{ inner = 2.5, outer = 2.75 })
  return s
end

local function binary(n)
  local s = vt.system{ n = n, density = 0.75, init = "lattice", seed = 1, mass = "volume",
                       species = { { fraction = 0.5, diameter = 1.0 }, { fraction = 0.5, diameter = 1.2 } } }
  s:set_potential(vt.potential.lj_smooth{ inner = 2.5, outer = 2.75 })
  return s
end

-- seconds per attempted swap (swap_fraction = 1) after a short melt
local function vitrum_swap_cost(s, T)
  local mc = vt.swap_mc{ system = s, T = 1.0, swap_fraction = 0.0, seed = 2 }
  mc:run{ sweeps = 5, adapt = true }
  mc.T = T
  local sw = vt.swap_mc{ system = s, T = T, swap_fraction = 1.0, seed = 3 }
  sw:run{ sweeps = 1 }                       -- cells and energy built outside the timing
  local c0, w0 = os.clock(), vt.clock()
  local r = sw:run{ sweeps = opt.sweeps }
  local cpu, wall = os.clock() - c0, vt.clock() - w0
  return cpu / (opt.sweeps * s.n), wall / (opt.sweeps * s.n), r.acceptance.swap
end

-- LAMMPS fix atom/swap on the same binary configuration: cost per attempt
-- from the loop time with and without the fix (no integrator: atoms stay).
local function lammps_swap_cost(s, T)
  if lmp == "" then return nil, "lmp not found" end
  local dir = os.tmpname()
  os.remove(dir)
  os.execute("mkdir -p " .. dir)
  vt.write(s, dir .. "/conf.data")
  local attempts = opt.lammps_attempts
  local function run(with_fix)
    local f = io.open(dir .. "/in.swap", "w")
    f:write(([[
units lj
atom_style atomic
read_data %s/conf.data
pair_style lj/smooth 2.5 2.75
pair_coeff 1 1 1.0 1.0 2.5 2.75
pair_coeff 1 2 1.0 1.1 2.75 3.025
pair_coeff 2 2 1.0 1.2 3.0 3.3
pair_modify shift yes
neighbor 0.3 bin
thermo 0
%s
run 10
]]):format(dir, with_fix and ("fix sw all atom/swap 1 %d 4711 %g types 1 2 ke yes"):format(attempts, T) or ""))
    f:close()
    local o = B.sh(("OMP_NUM_THREADS=1 %s -log none -screen none -in %s/in.swap -echo none -log %s/log.lammps >/dev/null 2>&1; cat %s/log.lammps")
                   :format(lmp, dir, dir, dir))
    -- wall time of the loop, times LAMMPS's own "% CPU use": its CPU time
    local t = tonumber(o:match("Loop time of ([%d%.eE%+%-]+)"))
    local use = tonumber(o:match("([%d%.]+)%% CPU use")) or 100
    return t and t * use / 100, t
  end
  local t1, w1 = run(true)
  local t0, w0 = run(false)
  os.execute("rm -rf " .. dir)
  if not t1 or not t0 then return nil, "LAMMPS run failed" end
  return (t1 - t0) / (10 * attempts), (w1 - w0) / (10 * attempts)
end

print("# attempted swap moves (swap_fraction = 1); LAMMPS fix atom/swap: 10 steps x attempts, loop time minus a run without the fix")
print("# per attempt: cpu = CPU time, wall = elapsed (both inflated by a loaded machine); ratio = LAMMPS / vitrum")
print("# model\tN\tT\tacceptance\tvitrum_us_cpu\tvitrum_us_wall\tvitrum_attempts_per_s_cpu\tlammps_us_cpu\tlammps_us_wall\tratio_cpu\tratio_wall")
for nstr in opt.sizes:gmatch("[^,]+") do
  local n = math.tointeger(tonumber(nstr))
  local sp = polydisperse(n)
  local c, w, a = vitrum_swap_cost(sp, 0.5)
  print(("polydisperse\t%d\t0.5\t%.3f\t%.2f\t%.2f\t%.0f\t-\t-\t-\t-"):format(n, a, c * 1e6, w * 1e6, 1 / c))
  local sb = binary(n)
  local cb, wb, ab = vitrum_swap_cost(sb, 0.5)
  local lc, lw = lammps_swap_cost(sb, 0.5)
  if lc then
    print(("binary\t%d\t0.5\t%.3f\t%.2f\t%.2f\t%.0f\t%.0f\t%.0f\t%.0f\t%.0f"):format(n, ab, cb * 1e6, wb * 1e6, 1 / cb,
          lc * 1e6, lw * 1e6, lc / cb, lw / wb))
  else
    print(("binary\t%d\t0.5\t%.3f\t%.2f\t%.2f\t%.0f\t(%s)\t-\t-\t-"):format(n, ab, cb * 1e6, wb * 1e6, 1 / cb, lw))
  end
end

if opt.decorrelation then
  -- integrated autocorrelation time of the energy series, in samples
  local function tau_int(x)
    local n, m = #x, 0
    for i = 1, n do m = m + x[i] end
    m = m / n
    local v = 0
    for i = 1, n do v = v + (x[i] - m) ^ 2 end
    if v == 0 then return 0 end
    local tau = 0.5
    for lag = 1, n // 4 do
      local c = 0
      for i = 1, n - lag do c = c + (x[i] - m) * (x[i + lag] - m) end
      c = c / v
      if c < 0.05 then break end
      tau = tau + c
    end
    return tau
  end
  local T = opt.T
  local s = polydisperse(1500)
  local mc = vt.swap_mc{ system = s, T = 1.0, swap_fraction = 0.2, seed = 9 }
  mc:run{ sweeps = 50, adapt = true }
  mc.T = T
  mc:run{ sweeps = 200, adapt = true }
  local q = s:copy()
  local e, c0 = {}, os.clock()
  for k = 1, opt.samples do mc:run{ sweeps = 1 }; e[k] = mc.energy end
  local cpu_mc = (os.clock() - c0) / opt.samples
  local tmc = tau_int(e)
  q:thermalize{ T = T, seed = 4 }
  local md = vt.md{ system = q, T = T, tau = 0.2 }
  md:run{ steps = 2000, progress = false }
  local em = {}
  c0 = os.clock()
  for k = 1, opt.samples do md:run{ steps = 20, progress = false }; em[k] = q:energy() end
  local cpu_md = (os.clock() - c0) / opt.samples
  local tmd = tau_int(em)
  print(("# decorrelation at T = %g, N = 1500: energy autocorrelation time (integrated, cut at c < 0.05)"):format(T))
  print("# method\tsample\ttau_samples\tcpu_s_per_sample\tcpu_s_per_tau")
  print(("swap MC (fraction 0.2)\t1 sweep\t%.1f\t%.3f\t%.2f"):format(tmc, cpu_mc, tmc * cpu_mc))
  print(("NVT MD\t20 steps\t%.1f\t%.3f\t%.2f"):format(tmd, cpu_md, tmd * cpu_md))
  print(("# gain (MD / swap, CPU per decorrelation time): %.1f  (a lower bound when tau_MD reaches the series length / 4)")
        :format(tmd * cpu_md / (tmc * cpu_mc)))
end
