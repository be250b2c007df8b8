-- vt.analysis.steinhardt and vt.analysis.voronoi_census from Lua: an fcc
-- crystal (q4 = 0.190941, q6 = 0.574524 for its 12 neighbours; every
-- Voronoi cell <0,12,0,0>) against a WAHNs inherent structure (amorphous:
-- a small global Q6, no dominant signature), and argument errors.
local T = dofile(os.getenv("VT_SRCDIR") .. "/t/tap.lua")
local vt = require "vitrum"

local s = vt.system{ n = 500, density = 1.0, init = "lattice", seed = 1 }   -- 5^3 fcc cells
local o = vt.analysis.steinhardt(s, { neighbors = "voronoi" })
T.close(o.Q4, 0.190941, 0, 1e-6, "fcc: Q4")
T.close(o.Q6, 0.574524, 0, 1e-6, "fcc: Q6")
T.is(#o.q6, 500, "q6 per particle")
T.close(o.q6:min(), 0.574524, 0, 1e-6, "fcc: smallest q6")
T.close(o.neighbors:mean(), 12, 0, 0, "fcc: 12 Voronoi neighbours each")
local o2 = vt.analysis.steinhardt(s, { l = { 6, 8 }, neighbors = 0.85 * (4 / 1.0) ^ (1 / 3) })
T.ok(o2.q8 ~= nil and o2.q4 == nil, "only the degrees asked for")
local v = vt.voronoi(s)
local c = vt.analysis.voronoi_census(v)
T.is(c[1].label, "<0,12,0,0>", "fcc census: the rhombic dodecahedron")
T.is(c[1].count, 500, "fcc census: every cell")
T.is(c.distinct, 1, "fcc census: one signature")

local g = vt.read(T.shared .. "/reference/IS_T1.0_N500.data", { diameters = { 1.0, 1.2 } })
local og = vt.analysis.steinhardt(g, { neighbors = "voronoi", radical = true, weights = "area" })
T.diag(("WAHNs IS: Q4 %.4f Q6 %.4f, mean q6 %.4f"):format(og.Q4, og.Q6, og.q6:mean()))
-- random bonds alone give Q6 ~ (N nb / 2)^-1/2 = 0.017 here; local order in a
-- glass raises it a few times; a crystal (fcc 0.57) or a crystalline fifth
-- of the sample (~0.1) is far above
T.ok(og.Q6 < 0.08 and og.Q4 < 0.08, "WAHNs inherent structure: global Q4, Q6 below 0.08 (amorphous)")
local cg = vt.analysis.voronoi_census(vt.voronoi(g, { radical = true }), { top = 5 })
T.is(#cg, 5, "top = 5 signatures")
T.ok(cg[1].fraction < 0.5 and cg[1].count >= cg[2].count, "WAHNs: no signature holds half the cells; sorted by count")

T.raises(function() vt.analysis.steinhardt(s, { neighbors = "faces" }) end, "neighbors", "bad neighbors option")
T.raises(function() vt.analysis.steinhardt(s, { l = 30 }) end, "l = 30", "degree too high")
T.raises(function() vt.analysis.steinhardt(s, { neighbors = 1.2, weights = "area" }) end, "face%-area", "area weights need Voronoi")
T.raises(function() vt.analysis.steinhardt(s, { nieghbors = 1.2 }) end, "unknown", "typo refused")
T.raises(function() vt.analysis.voronoi_census({}) end, "vt.voronoi", "census needs a tessellation")
T.done()
