-- vt.system from Lua: creation options, fields, getters/setters, copies,
-- energies and pressures, errors that name the bad argument.
local T = dofile(os.getenv("VT_SRCDIR") .. "/t/tap.lua")
local vt = require "vitrum"

T.ok(type(vt.version) == "string" and vt.version:match("^%d+%.%d+%.%d+$"), "vt.version is x.y.z")
T.is(vt.threads(1), 1, "vt.threads(1)")
T.is(vt.threads(), 1, "vt.threads() reads back")
vt.threads(2)
do
  -- vt.clock: monotonic wall seconds; a CPU-bound loop advances it
  local c0, w0 = os.clock(), vt.clock()
  local x = 0
  while os.clock() - c0 < 0.02 do x = x + 1 end
  local dw = vt.clock() - w0
  T.ok(math.type(w0) == "float" and dw > 0 and dw < 60, ("vt.clock advances (%.3f s for 0.02 s of CPU)"):format(dw))
end

local spec = { n = 500, density = 0.75, init = "lattice", seed = 1, mass = "volume",
               species = { { fraction = 0.5, diameter = 1.0 }, { fraction = 0.5, diameter = 1.2 } } }
local s = vt.system(spec)
T.is(s.n, 500, "s.n")
T.close(s.density, 0.75, 1e-14, 0, "s.density")
T.close(s.volume, 500 / 0.75, 1e-14, 0, "s.volume")
T.is(#s.box, 3, "s.box has 3 lengths")
T.is(s.ntypes, 2, "two types")
T.is(s.mass_rule, "volume", "mass rule")
local types, d, m = s:types(), s:diameters(), s:masses()
local n1 = 0
for i = 1, s.n do
  if types[i] == 1 then n1 = n1 + 1 end
  if math.abs(m[i] - d[i] ^ 3) > 1e-15 then T.ok(false, "mass of " .. i) end
end
T.is(n1, 250, "250 small particles")
T.close(d:mean(), 1.1, 1e-14, 0, "mean diameter 1.1")

local p = vt.potential.lj_smooth{ inner = 2.5, outer = 2.75 }
s:set_potential(p)
local e = s:energy()
local es = s:energies()
T.close(es:sum(), e, 1e-12, 0, "sum of per-particle energies = total")
local pex = s:pressure{ excess = true }
s:thermalize{ T = 0.5, seed = 3 }
T.close(s:temperature(), 0.5, 1e-12, 0, "thermalized to T")
T.close(s:pressure() - pex, 2 * s:kinetic_energy() / (3 * s.volume), 1e-12, 0, "kinetic pressure 2KE/3V")
local w = s:virial()
T.close((w.xx + w.yy + w.zz) / (3 * s.volume), pex, 1e-12, 0, "virial trace / 3V = excess pressure")
T.close(vt.virial.p2(s):mean(), pex, 1e-12, 1e-12, "mean P2 = excess pressure")
local pp, pm = vt.virial.pressure_split(s)
T.close(pp - pm, pex, 1e-12, 1e-12, "p+ - p- = excess pressure")

-- copies are deep and keep the potential
local c = s:copy()
local x = c:positions()
x[1] = { 0.5, 0.5, 0.5 }
c:set_positions(x)
T.ok(s:positions()[1][1] ~= 0.5, "copy is deep")
T.ok(c:potential() ~= nil, "copy keeps the potential")
T.close(s:copy():energy(), e, 0, 0, "copy recomputes the same energy")

-- setters validate
T.raises(function() s:set_diameters({ 1, 2 }) end, "expected 500 rows", "wrong length refused")
local bad = s:diameters(); bad[7] = -1
T.raises(function() s:set_diameters(bad) end, "particle 7", "negative diameter names the particle")
local nanx = s:positions(); nanx[3] = { 0 / 0, 1, 1 }
T.raises(function() s:set_positions(nanx) end, "particle 3", "NaN position names the particle")
T.raises(function() vt.system{ n = 10 } end, "density", "missing density")
T.raises(function() vt.system{ n = 10, density = 1, sed = 3 } end, "unknown argument 'sed'", "typo in a named argument")
T.raises(function() vt.system{ n = 10, density = 1, mass = "heavy" } end, "mass 'heavy'", "unknown mass rule")
T.raises(function() vt.system{ n = 0, density = 1 } end, "positive", "n = 0")
T.raises(function() vt.system{ n = 50, density = 0.75 }:energy() end, "no potential", "energy without a potential")
T.raises(function()
  local t = vt.system{ n = 100, density = 0.75, init = "lattice" }
  t:set_potential(p)
end, "box length x = 5.10.* is not longer than twice the largest cutoff of lj_smooth %(2 x 2.75 = 5.5%): use at least 125 particles",
  "box under two cutoffs refused at set_potential, with the numbers")
T.raises(function() vt.system{ n = 100, density = 0.75, potential = p } end, "use at least 125 particles",
  "box under two cutoffs refused at vt.system")
T.raises(function() vt.system{ n = "500", density = 0.75 } end, "vt.system: argument 'n' must be an integer %(got the string \"500\"%)",
  "n = \"500\" refused, not coerced")
T.raises(function() vt.system{ n = 500, density = "0.75" } end, "vt.system: argument 'density' must be a number",
  "density as a string refused, naming the function")
do
  local md = vt.md{ system = vt.system{ n = 500, density = 0.75, potential = p }, T = 1 }
  T.raises(function() md:run{ steps = "10" } end, "md:run: argument 'steps' must be an integer", "md:run names itself")
end
T.is(vt.system{ n = 500, density = 1.2, potential = p }:energy() < 0, true, "the default start (lattice) is not overlapping")

-- polydisperse law
local pd = vt.system{ n = 2000, density = 1.0, diameters = { law = "power", exponent = -3, min = 0.7253, max = 1.6095 },
                      mass = "volume", seed = 1 }
local pdd = pd:diameters()
T.ok(pdd:min() >= 0.7253 and pdd:max() <= 1.6095, "power-law diameters in range")
T.close(pdd:mean(), 1.0, 0, 0.02, "power-law mean diameter ~ 1")
T.ok(tostring(s):match("500 particles"), "tostring summarises")
T.done()
