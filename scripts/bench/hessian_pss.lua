-- Benchmark (not a test) of the Hessian machinery on the sticky-sphere glass
-- of [PSS]/[MESO] (PROTOCOLS.md sections 2-3): PSS with r_c = 1.2, N = 3000,
-- number density 0.6, 50:50 types, equal masses. Falls back to the WAHNs
-- lj_smooth glass (density 0.75) when vt.potential.pss is not built.
--
-- Measures: Hessian assembly + CHOLMOD factorization, moduli (4 solves),
-- dipole stiffnesses per second (target: 10^4 in under a minute on 2 cores),
-- the lowest 100 modes (ARPACK shift-invert). Wall times come from `date`,
-- CPU times from os.clock() (all threads): on a shared machine the CPU time
-- divided by the thread count is what an idle machine would take.
--
-- usage: vitrum scripts/bench/hessian_pss.lua [N] [conf.data]
--   conf.data: an inherent structure to use instead of quenching a melted
--   configuration (types 1 and 2; read with vt.read).
local vt = require "vitrum"
io.stdout:setvbuf("line")

local N = tonumber(arg and arg[1]) or 3000
local conf = arg and arg[2]
local threads = vt.threads()

local function wall()
  local p = io.popen("date +%s.%N")
  local t = tonumber(p:read("l"))
  p:close()
  return t
end
local function sh(cmd)
  local p = io.popen(cmd)
  local r = p and p:read("a") or ""
  if p then p:close() end
  return (r:gsub("%s+$", ""))
end

-- the BLAS this process actually loaded (what CHOLMOD and ARPACK call)
local function blas_in_use()
  local f = io.open("/proc/self/maps")
  if not f then return "unknown" end
  local seen, list = {}, {}
  for line in f:lines() do
    local path = line:match("(/%S*blas%S*)$")
    if path and not seen[path] then seen[path] = true; list[#list + 1] = path end
  end
  f:close()
  return #list > 0 and table.concat(list, ", ") or "none loaded"
end

local cpu_model = sh("grep -m1 'model name' /proc/cpuinfo | cut -d: -f2-"):gsub("^%s+", "")
print(("# vitrum %s, machine: %s cores (%s), %d OpenMP threads, load %s"):format(
  vt.version, sh("nproc --all"), cpu_model, threads, sh("cut -d' ' -f1-3 /proc/loadavg")))

-- the glass
local s, model
if vt.potential.pss then
  model = "pss{rc=1.2}, density 0.6"
  s = vt.system{ n = N, density = 0.6, seed = 1, init = "lattice",
                 species = { { fraction = 0.5, diameter = 1.0 }, { fraction = 0.5, diameter = 1.0 } } }
  s:set_potential(vt.potential.pss{ rc = 1.2 })
else
  model = "lj_smooth WAHNs, density 0.75"
  s = vt.system{ n = N, density = 0.75, seed = 1, mass = "volume", init = "lattice",
                 species = { { fraction = 0.5, diameter = 1.0 }, { fraction = 0.5, diameter = 1.2 } } }
  s:set_potential(vt.potential.lj_smooth{ inner = 2.5, outer = 2.75 })
end
if conf then
  local p = s:potential()
  s = vt.read(conf)
  s:set_potential(p)
  N = s.n
end
print(("# model %s, N = %d"):format(model, N))
print("# BLAS: " .. blas_in_use())

-- quench: FIRE when the minimizers are built, else a plain FIRE here
local function fire_lua(sys, ftol, max_steps)
  local n = sys.n
  local x = sys:positions():totable()
  local v = {}
  for i = 1, n do v[i] = { 0, 0, 0 } end
  local dt, alpha, npos = 0.002, 0.1, 0
  for step = 1, max_steps do
    local f = sys:forces():totable()
    local P, vv, ff, fm = 0, 0, 0, 0
    for i = 1, n do
      local fi, vi = f[i], v[i]
      for c = 1, 3 do
        P = P + fi[c] * vi[c]; vv = vv + vi[c] * vi[c]; ff = ff + fi[c] * fi[c]
        if math.abs(fi[c]) > fm then fm = math.abs(fi[c]) end
      end
    end
    if fm < ftol then return step, fm end
    if P > 0 then
      local cmix = math.sqrt(vv / ff)
      for i = 1, n do
        local fi, vi = f[i], v[i]
        for c = 1, 3 do vi[c] = (1 - alpha) * vi[c] + alpha * cmix * fi[c] end
      end
      npos = npos + 1
      if npos > 5 then dt = math.min(dt * 1.1, 0.02); alpha = alpha * 0.99 end
    else
      for i = 1, n do v[i] = { 0, 0, 0 } end
      dt, alpha, npos = dt * 0.5, 0.1, 0
    end
    for i = 1, n do
      local fi, vi, xi = f[i], v[i], x[i]
      for c = 1, 3 do
        vi[c] = vi[c] + dt * fi[c]
        local d = dt * vi[c]
        if d > 0.05 then d = 0.05 elseif d < -0.05 then d = -0.05 end
        xi[c] = xi[c] + d
      end
    end
    sys:set_positions(x)
  end
  return max_steps, nil
end

local t0, c0 = wall(), os.clock()
if not conf then
  -- melt the lattice (a random placement overlaps, and PSS's r^-12 core
  -- makes such starts crawl), then quench the liquid
  s:thermalize{ T = 2.0, seed = 2 }
  vt.md{ system = s, dt = 0.002, thermostat = "nose-hoover", T = 2.0, tau = 0.2 }:run{ steps = 2000 }
  if vt.newton then
    -- FIRE down to fmax 0.1, then Newton on the Hessian itself, to round-off
    local m = vt.newton{ ftol = 1e-11, max_steps = 1000000 }
    local r = m:minimize(s)
    print(("# quench (vt.newton): %d FIRE + %d Newton steps, %d factorizations, fmax %.3g (%s)"):format(
      m.fire_steps, m.newton_steps, m.factorizations, r.fmax, r.status))
  else
    local steps, fm = fire_lua(s, 1e-8, 200000)
    print(("# FIRE (Lua fallback): %d steps, fmax %s"):format(steps, tostring(fm)))
  end
end
print(("# quench: %.1f s wall; U/N = %.10f, excess p = %.6g"):format(wall() - t0, s:energy() / s.n,
  s:pressure{ excess = true }))

local rows = {}
local function timed(name, f, count)
  local w, c = wall(), os.clock()
  local res = f()
  w, c = wall() - w, os.clock() - c
  rows[#rows + 1] = { name, w, c, count and count / w or nil, count and count / c * threads or nil }
  return res
end

local H = timed("hessian assembly + factorization", function() return vt.hessian(s) end)
print(("# %s"):format(tostring(H)))
print(("# memory: Cholesky factor %.0f entries = %.1f MB of values (%.0f B per particle); matrix %d stored entries")
  :format(H.factor_nnz, H.factor_nnz * 8 / 2 ^ 20, H.factor_nnz * 8 / N, H.nnz))
local m = timed("moduli (4 solves)", function() return H:moduli() end)
local ndip = math.min(10000, H.pairs)
local d = timed(("dipoles (%d random pairs)"):format(ndip), function() return H:dipoles{ pairs = ndip, seed = 1 } end, ndip)
local md = timed("lowest 100 modes (mass-weighted)", function() return H:modes{ count = 100 } end)

print(("%-40s %10s %10s %14s %22s"):format("# step", "wall s", "cpu s", "per wall s", "per s idle (cpu-based)"))
for _, r in ipairs(rows) do
  print(("%-40s %10.3f %10.3f %14s %22s"):format(r[1], r[2], r[3], r[4] and ("%.0f"):format(r[4]) or "",
    r[5] and ("%.0f"):format(r[5]) or ""))
end
print(("# G = %.6g (Born %.6g, non-affine %.6g), K = %.6g, nu = %.4f, p = %.5g = %.5g - %.5g"):format(
  m.G, m.G_born, m.G_na, m.K, m.nu, m.p, m.p_plus, m.p_minus))
print(("# a0 = %.5g, rho = %.5g, c_s = %.5g, omega_0 = %.5g"):format(m.a0, m.rho, m.c_s, m.omega_0))
print(("# mean kappa = %.6g, mean omega_g = %.6g, omega_g/omega_0 = %.5g"):format(d.kappa:mean(), d.omega_g:mean(),
  d.omega_g:mean() / m.omega_0))
print(("# modes: omega %.5g .. %.5g, mean participation %.4g"):format(md.omega[1], md.omega[100],
  md.participation:mean()))
