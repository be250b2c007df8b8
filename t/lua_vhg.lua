-- The virial-homogenization loop (vitrum.vhg) on the reference WAHNs
-- inherent structure (N = 500): std(P2) drops by a factor >= 3, U/N drops,
-- every accepted iteration lowered std(P2) and every rejected one did not,
-- masses follow sigma^3, and the result is an inherent structure. Plus the
-- melting analysis on hand-made displacements, the packing fraction against
-- a hand sum, the amorphousness check on fcc and on glasses, and the
-- summary's key = value lines.
local T = dofile(os.getenv("VT_SRCDIR") .. "/t/tap.lua")
local vt = require "vitrum"
local vhg = require "vitrum.vhg"

local s = vt.read(T.shared .. "/reference/IS_T1.0_N500.data", { diameters = { 1.0, 1.2 } })
s:set_potential(vt.potential.lj_smooth{ inner = 2.5, outer = 2.75 })
s:set_mass_rule("volume")
local d0 = s:diameters()
local std0, min0, max0 = d0:std(), d0:min(), d0:max()
local p2 = vt.virial.p2(s)
T.close(p2:std(), 1.66798, 0, 1e-4, "std(P2) of the reference IS")

local log = {}
local fire = vt.fire{ ftol = 1e-10 }
local r = vhg.run{ system = s, minimizer = fire, delta = 0.01, reductions = 2,
                   observe = function(e) log[#log + 1] = e end }
T.diag(("%d iterations, %d accepted, %d reductions: std(P2) %.4f -> %.4f, U/N %.5f -> %.5f")
  :format(r.iterations, r.accepted, r.reductions, r.std_before, r.std_after, r.energy_before, r.energy_after))
T.ok(r.std_before / r.std_after >= 3, ("std(P2) drops by a factor >= 3 (%.2f)"):format(r.std_before / r.std_after))
T.ok(r.energy_after < r.energy_before - 0.1, "U/N drops by more than 0.1")
T.is(r.reductions, 2, "the loop ends after the allowed reductions")
T.is(#log, r.iterations + 1, "one observer call per iteration, plus the start")
local best, monotone, rejections_ok = log[1].std, true, true
for k = 2, #log do
  local e = log[k]
  if e.accepted then
    if not (e.std < best) then monotone = false end
    best = e.std
  else
    if not (e.trial_std >= best) then rejections_ok = false end
    if e.std ~= best then rejections_ok = false end
  end
end
T.ok(monotone, "every accepted iteration lowered std(P2)")
T.ok(rejections_ok, "every rejected trial had std(P2) >= the current one, which was kept")
T.close(vt.virial.p2(s):std(), r.std_after, 1e-12, 0, "the system holds the final state")
local d, m = s:diameters(), s:masses()
local mass_ok = true
for i = 1, s.n do
  if math.abs(m[i] - d[i] ^ 3) > 1e-12 then mass_ok = false end
end
T.ok(mass_ok, "masses follow sigma^3")
-- the start is the 50:50 mixture of 1.0 and 1.2 (sample std 0.1001): the
-- homogenization must widen it, not merely keep it (reductions = 2 gives
-- std 0.1408, range 0.77 .. 1.43)
T.ok(d:std() > 1.2 * std0, ("the diameters spread: std %.4f -> %.4f (more than 1.2x)"):format(std0, d:std()))
T.ok(d:min() < min0 - 0.05 and d:max() > max0 + 0.05,
     ("the diameters leave the start's range [%.2f, %.2f]: now [%.3f, %.3f]"):format(min0, max0, d:min(), d:max()))
local f = s:forces()
local fmax = 0
for i = 1, s.n do for k = 1, 3 do fmax = math.max(fmax, math.abs(f:get(i, k))) end end
T.ok(fmax < 1e-9, ("the result is an inherent structure (fmax %.2g)"):format(fmax))
T.raises(function() vhg.run{ system = s, minimizer = fire, dleta = 0.1 } end, "unknown argument 'dleta'", "typo refused")
T.raises(function() vhg.run{ system = s } end, "minimizer", "minimizer required")

-- melting analysis: particles 2 and 4 move by more than 0.3 between the two temperatures
local dra = vt.array{ 0.1, 0.2, 0.1, 0.5, 0.3 }
local drb = vt.array{ 0.2, 0.9, 0.3, 1.0, 0.5 }
local mt = vhg.melting{ dr_a = dra, dr_b = drb, threshold = 0.3, types = vt.array{ 1, 1, 2, 2, 1 },
                        diameters = vt.array{ 1.0, 0.98, 1.2, 1.21, 1.01 },
                        icosahedral = vt.array{ 0, 0, 0, 0, 1 },
                        neighbors = function(i) return i == 2 and { 5 } or { 1 } end }
T.is(mt.count, 2, "two mobile particles")
T.is(mt.mobile[2] + mt.mobile[4], 2.0, "the right ones")
T.close(mt.small_fraction, 0.5, 1e-15, 0, "half of them small")
T.close(mt.icosahedral_fraction, 0.0, 0, 0, "none icosahedral")
T.close(mt.near_icosahedral_fraction, 0.5, 1e-15, 0, "one next to an icosahedral particle")
T.is(#mt.mobile_diameters, 2, "their diameters")
T.close(mt.all_small_fraction, 0.6, 1e-15, 0, "baseline: 3 of 5 small")
T.close(mt.all_icosahedral_fraction, 0.2, 1e-15, 0, "baseline: 1 of 5 icosahedral")
T.close(mt.all_near_icosahedral_fraction, 0.4, 1e-15, 0, "baseline: 2 of 5 icosahedral or next to one")
T.close(mt.fraction, 0.4, 1e-15, 0, "mobile fraction")
T.close(mt.mobile_mean_diameter, (0.98 + 1.21) / 2, 1e-15, 0, "mean diameter of the mobile particles")
T.close(mt.mean_diameter, (1.0 + 0.98 + 1.2 + 1.21 + 1.01) / 5, 1e-15, 0, "mean diameter of all")

-- packing fraction against a hand sum over the species of the reference
-- IS (250 of sigma 1.0, 250 of 1.2), and after the homogenization
local ref = vt.read(T.shared .. "/reference/IS_T1.0_N500.data", { diameters = { 1.0, 1.2 } })
local types, n1, n2 = ref:types(), 0, 0
for i = 1, ref.n do if types[i] == 1 then n1 = n1 + 1 else n2 = n2 + 1 end end
local pk = vhg.packing(ref)
T.close(pk.phi, math.pi / 6 * (n1 * 1.0 + n2 * 1.2 ^ 3) / ref.volume, 1e-14, 0,
        ("packing fraction of the bidisperse IS (%.4f)"):format(pk.phi))
T.close(pk.mean_sigma3, (n1 + n2 * 1.728) / ref.n, 1e-14, 0, "mean sigma^3 of the bidisperse IS")
local pk2 = vhg.packing(s)
T.diag(("homogenization: phi %.4f -> %.4f"):format(pk.phi, pk2.phi))
T.close(pk2.phi, math.pi / 6 * pk2.mean_sigma3 * s.n / s.volume, 1e-14, 0, "phi = pi/6 N <sigma^3> / V")
local fcc = vt.system{ n = 500, density = 1.0, init = "lattice", seed = 1 }
T.close(vhg.packing(fcc).phi, math.pi / 6, 1e-14, 0, "unit spheres at density 1: phi = pi/6")

-- the amorphousness check: a crystal is called crystalline, the glasses not
local of = vhg.order(fcc)
T.ok(of.crystalline, ("fcc is crystalline (Q6 %.3f > %g)"):format(of.Q6, of.threshold))
T.close(of.mean_q6, 0.574524, 0, 1e-6, "fcc: mean q6")
T.is(of.signatures[1].label, "<0,12,0,0>", "fcc: the top signature")
T.close(of.icosahedral, 0, 0, 0, "fcc: no icosahedra")
local og = vhg.order(ref)
T.ok(not og.crystalline, ("the bidisperse IS is amorphous (Q6 %.3f, random scale %.3f)"):format(og.Q6, og.Q6_random))
T.ok(og.Q6_random > 0.01 and og.Q6_random < 0.03, "random-bond scale (Nb/2)^-1/2 about 0.017 at N = 500")
T.close(og.icosahedral, vt.voronoi(ref, { radical = false }).icosahedral:mean(), 1e-14, 0,
        "icosahedral fraction = the share of <0,0,12,0> cells")
T.is(#og.signatures, 3, "three top signatures")
T.ok(not vhg.order(s).crystalline, "the VHG glass of this test is amorphous")

-- key = value lines and their reader
local txt = vhg.keyvalues{ { "vhg.T_o", 0.6812345678 }, { "N", 500 }, { "bidisperse.T_g", nil }, { "x", 0 / 0 } }
T.is(txt, "vhg.T_o = 0.681235\nN = 500\nbidisperse.T_g = n/a\nx = n/a", "key = value lines")
local kv = vhg.read_keyvalues("# vitrum header = 1\nsome text = with words\n" .. txt .. "\n")
T.close(kv["vhg.T_o"], 0.681235, 0, 0, "read back: number")
T.is(kv.N, 500, "read back: integer")
T.is(kv["bidisperse.T_g"], "n/a", "read back: n/a")
T.is(kv["some text"], nil, "prose is not a key")
T.raises(function() vhg.keyvalues{ { "bad key", 1 } } end, "bad key", "a key with a space is refused")
T.done()
