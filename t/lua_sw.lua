-- Stillinger-Weber from Lua (vt.potential.sw, src/potential/sw.c): the
-- many-body model with MD, every minimizer (the Hessian-based ones on its
-- general-block Hessian), the Hessian's moduli, checkpoints, its refusals
-- in the pair-only consumers, NVE energy conservation at the study's dt = 0.065,
-- and agreement with LAMMPS `pair_style sw` (when LMP is set; a parameter
-- file for lambda = 18.75 is written here): energy, per-atom forces, the
-- virial pressure tensor, per-atom energies and virials to 1e-10 relative.
local T = dofile(os.getenv("VT_SRCDIR") .. "/t/tap.lua")
local vt = require "vitrum"

-- a jittered simple cubic lattice at density 0.52 (m^3 particles)
local function dense(m, seed, amp)
  amp = amp or 0.2
  local h = (1 / 0.52) ^ (1 / 3)
  local rng = seed or 3
  local function rnd()   -- a small LCG: the same configuration everywhere
    rng = (rng * 1103515245 + 12345) % 2147483648
    return rng / 2147483648
  end
  local pos = {}
  for i = 0, m - 1 do for j = 0, m - 1 do for k = 0, m - 1 do
    pos[#pos + 1] = { (i + amp * rnd()) * h, (j + amp * rnd()) * h, (k + amp * rnd()) * h }
  end end end
  local L = m * h
  local s = vt.system{ n = #pos, box = { L, L, L }, init = "none" }
  s:set_positions(pos)
  return s
end

local p = vt.potential.sw{ lambda = 18.75 }
T.is(p.name, "sw", "vt.potential.sw")
T.is(p.kind, "many-body", "p.kind says what the model is")
T.is(vt.potential.lj_smooth{}.kind, "pairwise", "a pair model is pairwise")
T.close(p:cutoff(), 1.8, 1e-15, 0, "cutoff a sigma = 1.8")
T.raises(function() p:pair(1.2) end, "many%-body", "p:pair refuses a many-body model")
T.raises(function() p:dsigma(1.2) end, "many%-body", "p:dsigma refuses a many-body model")
T.raises(function() vt.potential.sw{ lamda = 18.75 } end, "unknown parameter 'lamda'", "a misspelt parameter is an error")

local s = dense(6, 3, 0.5)   -- disordered enough to minimize to a glass
s:set_potential(p)
T.ok(s:energy() < 0, ("energy of a dense configuration: %.6f per particle"):format(s:energy() / s.n))
T.close(s:energies():sum(), s:energy(), 1e-12, 1e-12, "per-particle energies sum to the total")
T.close(vt.virial.p2(s):mean(), s:pressure{ excess = true }, 1e-12, 1e-12, "mean P2 = the excess pressure")

-- refusals of consumers built on pair terms
T.raises(function() vt.virial.dp2_dsigma(s) end, "many%-body", "dP2/dsigma refuses sw")
T.raises(function() vt.virial.pressure_split(s) end, "p%+, p%-", "the p+/p- split refuses sw")
T.raises(function() vt.homogenize.virial{ delta = 0.01 }:step(s) end, "many%-body", "virial homogenization refuses sw")

-- every minimizer that needs no Hessian reaches a minimum
for _, m in ipairs{ { "fire", vt.fire{ ftol = 1e-8, max_steps = 100000 } },
                    { "cg", vt.cg{ ftol = 1e-8, max_steps = 100000 } },
                    { "steepest", vt.steepest{ ftol = 1e-6, max_steps = 200000 } },
                    { "lbfgs", vt.lbfgs{ ftol = 1e-8, max_steps = 100000 } },
                    { "lbfgs+ichol", vt.lbfgs{ ftol = 1e-8, max_steps = 100000, precondition = "ichol" } },
                    { "newton", vt.newton{ ftol = 1e-10, max_steps = 100000 } } } do
  local c = s:copy()
  local e0 = c:energy()
  local r = m[2]:minimize(c)
  T.ok(r.converged and r.energy < e0, ("%s: converged=%s in %d steps, E/N %.8f -> %.8f, fmax %.2g"):format(
       m[1], tostring(r.converged), r.steps, e0 / c.n, r.energy / c.n, r.fmax))
  if m[1] == "newton" then
    T.ok(m[2].factorizations > 0, ("newton factorized the SW Hessian %d times"):format(m[2].factorizations))
    local H = vt.hessian(c)
    local mo = H:moduli()
    T.ok(mo.G > 0 and mo.K > 0 and mo.G_na > 0 and mo.G < mo.G_born,
         ("moduli of the SW inherent structure: G %.5g (Born %.5g), K %.5g"):format(mo.G, mo.G_born, mo.K))
    T.ok(mo.p_plus ~= mo.p_plus and mo.p_minus ~= mo.p_minus, "p_plus and p_minus are NaN for a many-body model")
    T.close(mo.p, c:pressure{ excess = true }, 1e-12, 1e-12, "the Hessian's pressure is the virial pressure")
    local d = H:dipoles{ pairs = 20, seed = 3 }
    T.ok(d.kappa:min() > 0, ("dipoles of the SW glass: kappa %.4g .. %.4g"):format(d.kappa:min(), d.kappa:max()))
  end
end

-- NVE energy conservation at dt = 0.065 (the study's), T = 0.05: no drift
-- beyond 1e-4 per particle over 10^4 steps, as the difference of the means
-- of the first and last 1000 steps
do
  local c = s:copy()
  c:thermalize{ T = 0.05, seed = 2 }
  vt.md{ system = c, dt = 0.065, T = 0.05, tau = 6.5 }:run{ steps = 2000 }
  local md = vt.md{ system = c, dt = 0.065, thermostat = "none" }
  local E = {}
  md:run{ steps = 10000, every = 10, observe = function() E[#E + 1] = md:conserved() / c.n end }
  local function mean(a, b) local x = 0 for i = a, b do x = x + E[i] end return x / (b - a + 1) end
  local drift = mean(#E - 99, #E) - mean(1, 100)
  T.ok(#E == 1000 and math.abs(drift) < 1e-4,
       ("NVE at dt = 0.065: drift of the energy per particle over 10^4 steps %.2g (< 1e-4)"):format(drift))
end

-- checkpoints: a run resumed from one continues as the uninterrupted run
do
  local dir = T.tmpdir()
  local c = s:copy()
  c:thermalize{ T = 0.05, seed = 5 }
  local md = vt.md{ system = c, dt = 0.065, T = 0.05, tau = 6.5 }
  md:run{ steps = 100 }
  md:checkpoint(dir .. "/sw.vtc")
  md:run{ steps = 100 }
  local md2 = vt.md{ restart = dir .. "/sw.vtc" }
  T.is(md2.system:potential().name, "sw", "the checkpoint keeps the sw potential")
  md2:run{ steps = 100 }
  local a, b, d = c:positions(), md2.system:positions(), 0
  for i = 1, c.n do for k = 1, 3 do d = math.max(d, math.abs(a:get(i, k) - b:get(i, k))) end end
  T.ok(d == 0, ("restarted run = uninterrupted run (max position difference %g)"):format(d))
  os.execute("rm -rf '" .. dir .. "'")
end

-- against LAMMPS pair_style sw
local lmp = os.getenv("LMP")
if not lmp or lmp == "" then
  T.diag("LAMMPS not available (LMP is empty): comparison skipped")
  T.done()
  return
end
local dir = T.tmpdir()
local c = dense(7, 11)
c:set_potential(p)
vt.write(c, dir .. "/sw.data")
local f = assert(io.open(dir .. "/lambda18.75.sw", "w"))
-- element x3, epsilon sigma a lambda gamma costheta0 A B p q tol
f:write(("Si Si Si 1.0 1.0 1.8 18.75 1.2 %.17g 7.049556277 0.6022245584 4.0 0.0 0.0\n"):format(-1 / 3))
f:close()
f = assert(io.open(dir .. "/in.sw", "w"))
f:write(([[
units           lj
atom_style      atomic
boundary        p p p
read_data       sw.data
mass            * 1.0
pair_style      sw
pair_coeff      * * lambda18.75.sw Si
neighbor        0.3 bin
compute         pe all pe/atom
compute         st all stress/atom NULL virial
thermo_style    custom step pe press pxx pyy pzz pxy pxz pyz
thermo_modify   norm no format float %.17g
dump            1 all custom 1 out.dump id fx fy fz c_pe c_st[1] c_st[2] c_st[3] c_st[4] c_st[5] c_st[6]
dump_modify     1 sort id format float %.17g
run             0
]]))
f:close()
-- every type is the one element (the data file may carry several types)
T.ok(os.execute(("cd '%s' && '%s' -in in.sw -log log.lammps -screen none"):format(dir, lmp)), "LAMMPS ran")
local th
for line in io.lines(dir .. "/log.lammps") do
  local v = {}
  for w in line:gmatch("%S+") do v[#v + 1] = w end
  if #v == 9 and v[1] == "0" and tonumber(v[2]) then
    th = {}
    for k = 2, 9 do th[k - 1] = tonumber(v[k]) end
  end
end
T.ok(th ~= nil, "LAMMPS thermo line")
local lf, n = {}, 0
for line in io.lines(dir .. "/out.dump") do
  n = n + 1
  if n > 9 then
    local v = {}
    for w in line:gmatch("%S+") do v[#v + 1] = tonumber(w) end
    lf[v[1]] = v
  end
end
T.is(#lf, c.n, "LAMMPS dump of every atom")
if th then
  local V = c.volume
  T.close(c:energy(), th[1], 1e-10, 0, ("energy as LAMMPS (%.15g)"):format(th[1]))
  -- velocities are zero in the data file: the pressure is the virial's
  T.close(c:pressure(), th[2], 1e-10, 0, "pressure as LAMMPS")
  local W = c:virial()
  local names = { "xx", "yy", "zz", "xy", "xz", "yz" }
  local wd = 0
  for k = 1, 6 do wd = math.max(wd, math.abs(W[names[k]] / V - th[2 + k]) / math.abs(th[2])) end
  T.ok(wd < 1e-10, ("pressure tensor as LAMMPS (largest difference %.2g of p)"):format(wd))
end
local F, e, st = c:forces(), c:energies(), vt.virial.stress(c, { per_volume = false })
local fd, fs, ed, es, sd, ss = 0, 0, 0, 0, 0, 0
for i = 1, c.n do
  local l = lf[i]
  for k = 1, 3 do fd = math.max(fd, math.abs(F:get(i, k) - l[1 + k])); fs = math.max(fs, math.abs(l[1 + k])) end
  ed = math.max(ed, math.abs(e[i] - l[5])); es = math.max(es, math.abs(l[5]))
  -- LAMMPS's per-atom stress is minus the per-atom virial
  for k = 1, 6 do sd = math.max(sd, math.abs(st:get(i, k) + l[5 + k])); ss = math.max(ss, math.abs(l[5 + k])) end
end
T.ok(fd <= 1e-10 * fs, ("forces as LAMMPS (largest difference %.2g of %.3g)"):format(fd, fs))
T.ok(ed <= 1e-10 * es, ("per-atom energies as LAMMPS, triplets split in thirds (largest difference %.2g)"):format(ed))
T.ok(sd <= 1e-10 * ss, ("per-atom virials as LAMMPS stress/atom (largest difference %.2g of %.3g)"):format(sd, ss))
os.execute("rm -rf '" .. dir .. "'")
T.done()
