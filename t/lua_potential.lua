-- vt.potential.<model>{...} from Lua: every pair model built from named
-- parameters, p:pair / p:cutoff / p:dsigma against reference numbers
-- (doc/models.md 1.4, 2.3, 3.1, 3.2, 7(a); lj and hertz values computed with
-- mpmath), and bad parameters rejected with messages that name the problem.
local T = dofile(os.getenv("VT_SRCDIR") .. "/t/tap.lua")
local vt = require "vitrum"

local function pair_is(p, r, si, sj, ti, tj, want, rel, abs, name)
  local u, du, d2u = p:pair(r, si, sj, ti, tj)
  T.close(u, want[1], rel, abs, name .. ": u")
  T.close(du, want[2], rel, abs, name .. ": du/dr")
  T.close(d2u, want[3], rel, abs, name .. ": d2u/dr2")
end

-- every registered model (vt.potential holds one constructor per entry of
-- the C registry) builds with its defaults; a new model is covered here
-- without editing this list
local registered = {}
for name, ctor in pairs(vt.potential) do
  if type(ctor) == "function" then registered[#registered + 1] = name end
end
table.sort(registered)
T.diag("registered models: " .. table.concat(registered, " "))
for _, name in ipairs({ "lj_smooth", "pss", "ipl", "lj", "hertz" }) do
  T.ok(type(vt.potential[name]) == "function", "vt.potential." .. name .. " is registered")
end
for _, name in ipairs(registered) do
  local p = vt.potential[name]()
  T.is(p.name, name, name .. "{}: name")
  T.ok(tostring(p):find("vt.potential." .. name .. "{", 1, true) ~= nil, name .. "{}: tostring " .. tostring(p))
end

-- lj_smooth (doc/models.md 1.4; F = -du/dr there)
do
  local p = vt.potential.lj_smooth{ inner = 2.5, outer = 2.75 }
  pair_is(p, 1.5, 1, 1, 1, 1, { -3.08329921976494614e-01, 1.15802883104615550, -4.41759417633691598 }, 1e-12, 0,
          "lj_smooth 11 r=1.5")
  pair_is(p, 2.86, 1, 1.2, 1, 1, { -1.20582727689830423e-03, 1.94257685911365489e-02, -1.74897468593041783e-01 },
          1e-12, 1e-16, "lj_smooth 12 r=2.86")
  T.close(p:cutoff(1, 1.2), 2.75 * 1.1, 1e-15, 0, "lj_smooth: cutoff 2.75 sigma_12")
  local q = vt.potential.lj_smooth{ smoothing = "nbc" }
  pair_is(q, 2.3, 0.9, 1.3, 1, 1, { -0.0011185621404552146, 0.015415292628862057, -0.14989232358496255 },
          1e-12, 1e-16, "lj_smooth nbc (0.9,1.3) r=2.3")
  T.ok(tostring(q):find("smoothing=nbc", 1, true) and tostring(q):find("mixing=nbc", 1, true),
       "lj_smooth nbc: NBC mixing by default (" .. tostring(q) .. ")")
  local u = q:pair(2.6, 1, 1)
  T.is(u, 0, "lj_smooth nbc: zero beyond 2.5 sigma")
end

-- pss (doc/models.md 2.3)
do
  local p = vt.potential.pss{ rc = 1.1 }
  pair_is(p, 1.2, 1, 1, 1, 1, { -1.530875524749123e-01, 1.101758575540919e+01, -3.919098764272494e+02 }, 1e-11, 1e-11,
          "pss rc=1.1 x=1.2")
  pair_is(p, 1.0, 1, 1, 1, 1, { 0, -24, 456 }, 1e-14, 1e-14, "pss x=1")
  local p5 = vt.potential.pss{ rc = 1.5, epsilon = 2 }
  pair_is(p5, 1.6 * 1.18, 1, 1, 1, 2,
          { 2 * -9.148521043494767e-03, 2 * 3.170895351667294e-01 / 1.18, 2 * -7.060846247300011e+00 / 1.18 ^ 2 },
          1e-12, 1e-14, "pss rc=1.5 eps=2 (1-2) x=1.6")
  T.close(p5:cutoff(1, 1, 2, 2), 1.5 * 2 ^ (1 / 6) * 1.4, 1e-15, 0, "pss: cutoff r_c 2^(1/6) lambda_22")
  local a, b = p5:dsigma(1.5, 1, 1, 1, 2)
  T.ok(a == 0 and b == 0, "pss: no diameter dependence (dsigma 0)")
  T.raises(function() p5:pair(1.2, 1, 1, 1, 3) end, "type out of the potential's range", "pss: type 3 beyond a 2-type table")
  -- a three-type table, upper triangle row by row
  local p3 = vt.potential.pss{ rc = 1.2, lambda = { 1.0, 1.1, 1.2, 1.18, 1.3, 1.4 } }
  local u23 = p3:pair(1.3 * 1.3, 1, 1, 2, 3)
  local u11 = p3:pair(1.3, 1, 1, 1, 1)
  T.close(u23, u11, 1e-14, 0, "pss 3 types: lambda_23 = 1.3 (same x)")
  T.close(p3:cutoff(1, 1, 1, 3), 1.2 * 2 ^ (1 / 6) * 1.2, 1e-15, 0, "pss 3 types: lambda_13 = 1.2")
  T.raises(function() p3:pair(1.2, 1, 1, 1, 4) end, "type out of the potential's range", "pss 3 types: type 4 rejected")
  -- a single lambda: one-component PSS, any type
  local p1 = vt.potential.pss{ rc = 1.2, lambda = 1.1 }
  T.close(p1:pair(1.3 * 1.1, 1, 1, 5, 7), p3:pair(1.3, 1, 1, 1, 1), 1e-14, 0, "pss lambda=1.1 for every type pair")
  T.ok(tostring(p1):find("lambda=1.1}", 1, true) ~= nil, "pss scalar lambda: " .. tostring(p1))
end

-- ipl (doc/models.md 3.1, 3.2)
do
  local p = vt.potential.ipl{}
  pair_is(p, 1.2, 1, 1, 1, 1, { 4.487572953224635e-02, -7.460970928733834e-01, 10.40979277665062 }, 1e-12, 1e-16,
          "ipl Lerner x=1.2")
  pair_is(p, 1.4 * 1.4, 1, 1, 2, 2, { 2.088723492005072e-04, -1.072445923202588e-02 / 1.4, 4.208656768149435e-01 / 1.96 },
          1e-12, 1e-16, "ipl Lerner (2-2) x=1.4")
  local q = vt.potential.ipl{ preset = "nbc" }
  pair_is(q, 1.0, 0.8, 1.5, 1, 1, { 0.49200135058023469, -8.6631848411020054, 133.51176970656537 }, 1e-12, 1e-16,
          "ipl nbc (0.8,1.5) r=1")
  local same = vt.potential.ipl{ n = 12, xc = 1.25, q = 2, mixing = "nbc" }
  local u1 = q:pair(1.1, 0.9, 1.2)
  local u2 = same:pair(1.1, 0.9, 1.2)
  T.is(u1, u2, "ipl preset nbc = {n=12, xc=1.25, q=2, mixing='nbc'}")
  -- dsigma against a central difference in sigma_i
  local h, r, si, sj = 1e-5, 1.05, 0.9, 1.2
  local a, b = q:dsigma(r, si, sj)
  local up, dup = q:pair(r, si + h, sj)
  local um, dum = q:pair(r, si - h, sj)
  T.close(a, (up - um) / (2 * h), 1e-6, 1e-12, "ipl nbc: du/dsi = difference")
  T.close(b, r * (dup - dum) / (2 * h), 1e-6, 1e-12, "ipl nbc: dw/dsi = difference")
end

-- lj (doc/models.md 4; mpmath values)
do
  local ka = vt.potential.lj{ preset = "ka" }
  pair_is(ka, 0.9, 1, 1, 1, 2, { -1.4752529207776492, 0.26556939551910435, 127.70271342629884 }, 1e-12, 0, "lj ka AB r=0.9")
  T.close(ka:cutoff(1, 1, 2, 2), 2.2, 1e-15, 0, "lj ka: cutoff BB = 2.5 * 0.88")
  local sf = vt.potential.lj{ preset = "ka", shift = "force" }
  pair_is(sf, 1.7, 1, 1, 1, 2, { -0.018042251549310636, 0.15186575410091729, -0.90879741163254765 }, 1e-12, 1e-16,
          "lj ka shifted force AB r=1.7")
  local m = vt.potential.lj{ preset = "mblj" }
  pair_is(m, 1.0, 1, 1, 1, 1, { 1.0, -24.0, 456.0 }, 1e-14, 0, "lj mblj AA (WCA) r=1")
  T.is(m:pair(1.13, 1, 1, 1, 1), 0, "lj mblj: AA purely repulsive (0 beyond 2^(1/6))")
  pair_is(m, 1.5, 1, 1, 2, 1, { -0.11043087663621286, 0.52691337750359591, -2.3572372881587365 }, 1e-12, 0, "lj mblj BA r=1.5")
  local t = vt.potential.lj{ epsilon = { 1, 1.5, 0.5 }, sigma = { 1, 0.8, 0.88 }, cutoff = 2.5 }
  T.is(t:pair(0.9, 1, 1, 1, 2), ka:pair(0.9, 1, 1, 1, 2), "lj tables = preset ka")
end

-- hertz (doc/models.md 5; mpmath values)
do
  local p = vt.potential.hertz{}
  pair_is(p, 0.9, 1.0, 1.4, 1, 1, { 0.0125, -0.10416666666666667, 0.52083333333333333 }, 1e-13, 0, "hertz (1,1.4) r=0.9")
  T.is(p:pair(1.2, 1.0, 1.4), 0, "hertz: zero at contact")
  local h2 = vt.potential.hertz{ alpha = 2, epsilon = 2 }
  pair_is(h2, 0.8, 1, 1, 1, 1, { 0.04, -0.4, 2.0 }, 1e-13, 0, "hertz harmonic r=0.8")
  local a = p:dsigma(0.9, 1.0, 1.4)
  local up = p:pair(0.9, 1.0 + 1e-6, 1.4)
  local um = p:pair(0.9, 1.0 - 1e-6, 1.4)
  T.close(a, (up - um) / 2e-6, 1e-7, 0, "hertz: du/dsi = difference")
end

-- bad parameters: rejected, with a message naming the problem
local bad = {
  { "pss", { rcut = 1.2 }, "unknown parameter 'rcut'" },
  { "pss", { rc = 1.0 }, "rc = 1 must be in %(1, 4%]" },
  { "pss", { rc = 0.9 }, "rc = 0.9 must be in" },
  { "pss", { rc = 1.2, epsilon = -1 }, "epsilon = %-1 must be positive" },
  { "pss", { lambda = { 1, 1.18 } }, "'lambda' needs T%(T%+1%)/2 numbers" },
  { "pss", { lambda = { 1, -1.18, 1.4 } }, "'lambda' entry 2 = %-1.18 must be positive" },
  { "pss", { lambda = 0 }, "'lambda' entry 1 = 0 must be positive" },
  { "pss", { rc = "big" }, "parameter 'rc' must be a number" },
  { "ipl", { n = -3 }, "exponent n = %-3 must be in" },
  { "ipl", { q = 2.5 }, "q = 2.5 must be an integer" },
  { "ipl", { q = 12 }, "parameter 'q' = 12 is outside" },
  { "ipl", { preset = "foo" }, "preset 'foo' is not 'lerner' or 'nbc'" },
  { "ipl", { mixing = "nbc", lambda = { 1, 1.2, 1.4 } }, "'lambda' sets type%-pair lengths and needs mixing='types'" },
  { "ipl", { nonadditivity = 0.1 }, "'nonadditivity' needs mixing='nbc'" },
  { "ipl", { epsilon = 0 }, "epsilon = 0 must be positive" },
  { "lj", { preset = "kob" }, "preset 'kob' is not 'ka' or 'mblj'" },
  { "lj", { shift = "none" }, "shift 'none' is not 'energy' or 'force'" },
  { "lj", { epsilon = -1 }, "'epsilon' entry 1 = %-1 must be non%-negative" },
  { "lj", { sigma = { 1, 0, 1 } }, "'sigma' entry 2 = 0 must be positive" },
  { "lj", { epsilon = { 1, 1, 1 }, sigma = { 1, 1, 1, 1, 1, 1 } }, "'sigma' covers 3 types but the other tables" },
  { "lj", { preset = "ka", cutoff = { 2.5 } }, "'cutoff' covers 1 type but the other tables %(or the preset%) cover 2" },
  { "lj", { cutoff = 0.1 }, "cutoff 0.1 %(in units of sigma_ab%) must be in" },
  { "lj", { epsilon = { 1, 2 } }, "'epsilon' needs T%(T%+1%)/2 numbers" },
  { "hertz", { alpha = 1.5 }, "alpha = 1.5 must be in %[2, 10%]" },
  { "hertz", { epsilon = -2 }, "epsilon = %-2 must be positive" },
  { "hertz", { sigma = 1 }, "unknown parameter 'sigma'" },
  { "lj_smooth", { smoothing = "cubic" }, "smoothing 'cubic' is not 'lammps' or 'nbc'" },
  { "lj_smooth", { smoothing = "nbc", inner = 2.2 }, "smoothing='nbc' has no inner cutoff" },
  { "lj_smooth", { epsilon = -1 }, "parameter 'epsilon' = %-1 is outside" },
  { "lj_smooth", { inner = 2.75, outer = 2.5 }, "outer cutoff 2.5 is below the inner cutoff 2.75" },
}
for _, c in ipairs(bad) do
  local model, args, pat = c[1], c[2], c[3]
  T.raises(function() return vt.potential[model](args) end, pat, ("%s rejects bad parameters (%s)"):format(model, pat))
end

T.done()
