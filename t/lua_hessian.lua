-- vt.hessian from Lua: construction and fields, moduli (definitions and the
-- values checked against quasistatic strains in t/elastic_moduli), strain
-- responses, dipoles (random, explicit, "all"; seeds; thread-count
-- independence), local kappa, modes (eigen-equation check through solve),
-- errors that name the problem.
local T = dofile(os.getenv("VT_SRCDIR") .. "/t/tap.lua")
local vt = require "vitrum"
vt.threads(2)

local path = T.shared .. "/reference/IS_T1.0_N500.data"
local fh = io.open(path)
if not T.ok(fh ~= nil, "reference data readable at " .. path) then T.done() end

fh:close()

-- the reference inherent structure (an exact minimum: fmax 5e-11)
local function read_is() return vt.read(path, { diameters = { 1.0, 1.2 } }) end

local s = read_is()
s:set_potential(vt.potential.lj_smooth{ inner = 2.5, outer = 2.75 })
local H = vt.hessian(s)
T.ok(tostring(H):match("^vt.hessian: 500 particles"), "tostring: " .. tostring(H))
T.is(H.n, 500, "H.n")
T.is(H.nnz, 6 * 500 + 9 * H.pairs, "H.nnz = 6N + 9 pairs")
T.ok(H.factor_nnz >= H.nnz - 3 * 500, "factor has at least the matrix's entries")
T.close(H.volume, s.volume, 1e-15, 0, "H.volume")
T.close(H.energy, s:energy(), 1e-15, 0, "H.energy is the snapshot's energy")
T.ok(H.fmax < 1e-10, "H.fmax of an inherent structure")

-- moduli
local m = H:moduli()
for _, k in ipairs{ "G", "K", "nu", "p", "p_plus", "p_minus", "G_born", "G_na", "K_born", "K_na",
                    "G_xz", "G_yz", "a0", "rho", "c_s", "omega_0", "fmax", "volume" } do
  T.ok(type(m[k]) == "number" and m[k] == m[k], "moduli." .. k .. " is a number")
end
T.close(m.p, s:pressure{ excess = true }, 1e-12, 0, "p is the virial pressure")
T.close(m.p, 0.1852772255321784, 1e-10, 0, "p matches LAMMPS")
T.close(m.p_plus - m.p_minus, m.p, 1e-12, 0, "p = p_plus - p_minus")
T.close(m.nu, (3 * m.K - 2 * m.G) / (6 * m.K + 2 * m.G), 1e-15, 0, "nu = (3K - 2G)/(6K + 2G)")
T.close(m.G, m.G_born - m.G_na, 1e-13, 0, "G = G_born - G_na")
T.close(m.K, m.K_born - m.K_na, 1e-13, 0, "K = K_born - K_na")
-- regression values; t/elastic_moduli checks them against quasistatic strains to 1e-6
T.close(m.G, 12.017082840395, 1e-9, 0, "G of the reference IS")
T.close(m.K, 44.294131944288, 1e-9, 0, "K of the reference IS")
T.close(m.a0, (s.volume / s.n) ^ (1 / 3), 1e-15, 0, "a0 = (V/N)^(1/3)")
local msum = s:masses():sum()
T.close(m.rho, msum / s.volume, 1e-15, 0, "rho = total mass / V")
T.close(m.c_s, math.sqrt(m.G / m.rho), 1e-15, 0, "c_s = sqrt(G/rho)")
T.close(m.omega_0, m.c_s / m.a0, 1e-15, 0, "omega_0 = c_s/a0")

-- strain responses
local r = H:strain{ { 0, 1, 0 }, { 0, 0, 0 }, { 0, 0, 0 } }
T.close(r.d2U / s.volume, m.G, 1e-13, 0, "strain{x += t y}.d2U / V = G")
local r2 = H:strain{ 1, 0, 0, 0, 1, 0, 0, 0, 1 }
T.close(r2.dU, -3 * m.p * s.volume, 1e-12, 0, "dilation: dU/de = -3 p V")
T.close(r2.d2U / (9 * s.volume) + 2 / 3 * m.p, m.K, 1e-13, 0, "K = d2U/de2 / 9V + 2p/3")

-- dipoles
local d = H:dipoles{ pairs = 200, seed = 3 }
T.is(#d.kappa, 200, "200 dipoles")
local d2 = H:dipoles{ pairs = 200, seed = 3 }
local d3 = H:dipoles{ pairs = 200, seed = 4 }
local same, differ = true, false
for k = 1, 200 do
  if d.i[k] ~= d2.i[k] or d.j[k] ~= d2.j[k] or d.kappa[k] ~= d2.kappa[k] then same = false end
  if d.i[k] ~= d3.i[k] or d.j[k] ~= d3.j[k] then differ = true end
end
T.ok(same, "equal seeds give identical pairs and stiffnesses")
T.ok(differ, "another seed draws other pairs")
vt.threads(1)
local d1 = H:dipoles{ pairs = 200, seed = 3 }
vt.threads(2)
local bitwise = true
for k = 1, 200 do if d1.kappa[k] ~= d.kappa[k] or d1.omega_g[k] ~= d.omega_g[k] then bitwise = false end end
T.ok(bitwise, "dipoles do not depend on the thread count")
local masses = s:masses()
local mmin, mmax = masses:min(), masses:max()
local pos, bounds, ordered = true, true, true
for k = 1, 200 do
  local ka, om = d.kappa[k], d.omega_g[k]
  if not (ka > 0) then pos = false end
  -- omega_g^2 = (d.z)/(z_c.M.z_c) lies between kappa/m_max and kappa/m_min
  if not (om * om >= ka / mmax * (1 - 1e-12) and om * om <= ka / mmin * (1 + 1e-12)) then bounds = false end
  if not (d.i[k] < d.j[k]) then ordered = false end
end
T.ok(pos, "kappa > 0")
T.ok(bounds, "kappa/m_max <= omega_g^2 <= kappa/m_min")
T.ok(ordered, "random pairs come as i < j")
local e = H:dipoles{ pairs = { { d.i[1], d.j[1] }, { d.j[2], d.i[2] } } }
T.close(e.kappa[1], d.kappa[1], 1e-13, 0, "explicit pair reproduces the random one")
T.close(e.kappa[2], d.kappa[2], 1e-13, 0, "kappa_ij = kappa_ji")
T.is(e.i[2], d.j[2], "explicit pairs keep their order")

-- modes: plain Hessian modes satisfy H^+ psi = psi / lambda
local md = H:modes{ count = 8, mass_weighted = false, vectors = true }
T.is(#md.omega, 8, "8 modes")
local asc, eig = true, 0
for k = 1, 8 do
  if k > 1 and md.lambda[k] < md.lambda[k - 1] then asc = false end
  local v = md.vectors[k]
  local z = H:solve(v)
  local err, nrm = 0, 0
  for i = 1, 500 do
    local a, b = v[i], z[i]
    for c = 1, 3 do
      err = err + (b[c] * md.lambda[k] - a[c]) ^ 2
      nrm = nrm + a[c] ^ 2
    end
  end
  eig = math.max(eig, math.sqrt(err / nrm))
  T.close(md.omega[k], math.sqrt(md.lambda[k]), 1e-15, 0, "omega = sqrt(lambda), mode " .. k)
end
T.ok(asc, "modes ascending")
T.ok(eig < 1e-9, ("eigenvectors: |lambda H^+ psi - psi| / |psi| = %.2g"):format(eig))
local mw = H:modes{ count = 8 }
local pr_ok = true
for k = 1, 8 do
  local p = mw.participation[k]
  if not (p > 0 and p <= 1) then pr_ok = false end
end
T.ok(pr_ok, "participation ratios in (0, 1]")
T.ok(mw.omega[1] ~= md.omega[1], "mass weighting changes the frequencies (masses 1 and 1.728)")

-- "all" pairs and local kappa on a small crystal (exact, cheap)
local a, nc = 1.55, 3
local fcc = {}
for i = 0, nc - 1 do for j = 0, nc - 1 do for k = 0, nc - 1 do
  for _, b in ipairs{ { 0, 0, 0 }, { 0.5, 0.5, 0 }, { 0.5, 0, 0.5 }, { 0, 0.5, 0.5 } } do
    fcc[#fcc + 1] = { (i + b[1] + 0.25) * a, (j + b[2] + 0.25) * a, (k + b[3] + 0.25) * a }
  end
end end end
local c = vt.system{ n = #fcc, box = { nc * a, nc * a, nc * a }, init = "none",
                     potential = vt.potential.lj_smooth{ inner = 1.5, outer = 1.8 } }
c:set_positions(fcc)
local Hc = vt.hessian(c)
local all = Hc:dipoles{ pairs = "all" }
T.is(#all.kappa, Hc.pairs, "pairs='all' gives every interacting pair")
T.is(Hc.pairs, 108 * 18 / 2, "FCC with cutoff 1.8: 12 + 6 neighbours")
T.is(#Hc:dipoles().kappa, Hc.pairs, "default pairs: every pair when fewer than 1000 interact")
local lk = Hc:local_kappa()
local sum, cnt = {}, {}
for k = 1, #all.kappa do
  for _, p in ipairs{ all.i[k], all.j[k] } do
    sum[p] = (sum[p] or 0) + all.kappa[k]
    cnt[p] = (cnt[p] or 0) + 1
  end
end
local lerr = 0
for i = 1, 108 do lerr = math.max(lerr, math.abs(lk[i] - sum[i] / cnt[i])) end
T.ok(lerr < 1e-12 * lk[1], "local_kappa is the mean over each particle's pairs")
T.close(lk:max(), lk:min(), 1e-9, 0, "local kappa is uniform in a perfect crystal")
local mc = Hc:moduli()
T.ok(math.abs(mc.G_na) < 1e-10 * mc.G and math.abs(mc.K_na) < 1e-10 * mc.K, "no non-affine part in a Bravais crystal")
Hc:close()
T.raises(function() return Hc.pairs end, "closed", "a closed hessian raises")

-- errors
T.raises(function() H:dipoles{ pairs = "some" } end, "pairs must be", "dipoles: bad pairs string")
T.raises(function() H:dipoles{ pairs = { { 1, 1 } } } end, "itself", "dipoles: a particle with itself")
T.raises(function() H:dipoles{ pairs = { { 1, 501 } } } end, "1..500", "dipoles: index out of range")
T.raises(function() H:dipoles{ pairs = 10 ^ 7 } end, "pairs interact", "dipoles: more pairs than interact")
T.raises(function() H:dipoles{ bogus = 1 } end, "bogus", "dipoles: unknown option")
T.raises(function() H:modes{ count = 0 } end, "count", "modes: count 0")
T.raises(function() H:modes{ count = 1500 } end, "too large", "modes: too many")
T.raises(function() H:strain{ 1, 2 } end, "3x3", "strain: bad shape")
T.raises(function() vt.hessian(vt.system{ n = 300, density = 0.75, seed = 3,
                                           potential = vt.potential.lj_smooth{} }) end,
         "not positive definite", "an unminimized configuration is not a minimum")
T.raises(function() vt.hessian(vt.system{ n = 10, density = 0.75 }) end, "no potential", "no potential")

T.done()
