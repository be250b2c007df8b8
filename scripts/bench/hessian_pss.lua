-- Benchmark (not a test) of the Hessian machinery on the sticky-sphere glass
-- of [PSS]/[MESO] (doc/protocols.md sections 2-3): PSS with r_c = 1.2, N = 3000,
-- number density 0.6, 50:50 types, equal masses.
--
-- Measures: Hessian assembly + CHOLMOD factorization, its size, moduli (4
-- solves), dipole stiffnesses per second (target: 10^4 in under a minute on
-- 2 cores), the lowest 100 modes (ARPACK shift-invert). Wall times from
-- vt.clock(), CPU times from os.clock() (all threads): on a shared machine
-- the CPU time divided by the thread count is what an idle machine would take.
--
-- usage: vitrum scripts/bench/hessian_pss.lua [N] [conf.data]
--   conf.data: an inherent structure to use instead of quenching a melted
--   configuration (types 1 and 2; read with vt.read).
local vt = require "vitrum"
local B = dofile(debug.getinfo(1, "S").source:match("^@(.*/)") .. "benchlib.lua")
io.stdout:setvbuf("line")

local N = tonumber(arg and arg[1]) or 3000
local conf = arg and arg[2]
local threads = vt.threads()
B.header(vt)

-- the glass
local pot = vt.potential.pss{ rc = 1.2 }
local s
if conf then
  s = vt.read(conf)
  s:set_potential(pot)
  N = s.n
else
  s = vt.system{ n = N, density = 0.6, seed = 1, init = "lattice",
                 species = { { fraction = 0.5, diameter = 1.0 }, { fraction = 0.5, diameter = 1.0 } } }
  s:set_potential(pot)
end
print(("# model pss{rc=1.2}, density 0.6, N = %d"):format(N))

local t0 = vt.clock()
if not conf then
  -- melt the lattice (a random placement overlaps, and PSS's r^-12 core
  -- makes such starts crawl), then quench the liquid: FIRE down to fmax 0.1,
  -- then Newton on the Hessian itself, to round-off
  s:thermalize{ T = 2.0, seed = 2 }
  vt.md{ system = s, dt = 0.002, thermostat = "nose-hoover", T = 2.0, tau = 0.2 }:run{ steps = 2000 }
  local m = vt.newton{ ftol = 1e-11, max_steps = 1000000 }
  local r = m:minimize(s)
  print(("# quench (vt.newton): %d FIRE + %d Newton steps, %d factorizations, fmax %.3g (%s)"):format(
    m.fire_steps, m.newton_steps, m.factorizations, r.fmax, r.status))
end
print(("# quench: %.1f s wall; U/N = %.10f, excess p = %.6g"):format(vt.clock() - t0, s:energy() / s.n,
  s:pressure{ excess = true }))

local rows = {}
local function timed(name, f, count)
  local w, c = vt.clock(), os.clock()
  local res = f()
  w, c = vt.clock() - w, os.clock() - c
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
