-- vt.analysis.gr / vt.analysis.sq from Lua on a short WAHNs liquid run
-- (N = 500, T = 2): g(r) against pairs counted by hand in Lua, totals =
-- weighted partials, no pairs inside the core, the first peaks where the
-- diameters put them; S(q) peak near 2 pi / sigma, type= equals types={a, a},
-- the total from the partials; argument errors.
local T = dofile(os.getenv("VT_SRCDIR") .. "/t/tap.lua")
local vt = require "vitrum"

local s = vt.system{ n = 500, density = 0.75, init = "lattice", seed = 5, mass = "volume",
                     species = { { fraction = 0.5, diameter = 1.0 }, { fraction = 0.5, diameter = 1.2 } } }
s:set_potential(vt.potential.lj_smooth{ inner = 2.5, outer = 2.75 })
s:thermalize{ T = 2.0, seed = 5 }
local md = vt.md{ system = s, dt = 0.005, thermostat = "nose-hoover", T = 2.0, tau = 0.2 }
md:run{ steps = 1000 }

local L = s.box[1]
local g = vt.analysis.gr(s, { rmax = 4.0, width = 0.05 })
T.is(#g.r, 80, "80 bins")
T.close(g.r[1], 0.025, 1e-12, 0, "bin centres")

-- pairs closer than 1.5 counted by hand: (N-1)/V * sum g shell = neighbours per particle
local x, n = s:positions(), s.n
local pairs = 0
for i = 1, n - 1 do
  local xi = x[i]
  for j = i + 1, n do
    local d2 = 0
    for k = 1, 3 do
      local d = xi[k] - x[j][k]
      d = d - L * math.floor(d / L + 0.5)
      d2 = d2 + d * d
    end
    if d2 < 1.5 * 1.5 then pairs = pairs + 1 end
  end
end
local V = L ^ 3
local z = 0
for b = 1, 30 do
  local r1, r2 = (b - 1) * 0.05, b * 0.05
  z = z + (n - 1) / V * g.g[b] * 4 * math.pi / 3 * (r2 ^ 3 - r1 ^ 3)
end
T.close(z, 2 * pairs / n, 1e-12, 0, "g(r) integrates to the neighbours counted by hand (" .. pairs .. " pairs below 1.5)")

local core = 0
for b = 1, 15 do core = core + g.g[b] end
T.is(core, 0, "no pairs closer than 0.75")

local function argmax(a)
  local best = 1
  for i = 2, #a do if a[i] > a[best] then best = i end end
  return best
end
local g11 = vt.analysis.gr(s, { rmax = 4.0, width = 0.05, types = { 1, 1 } })
local g22 = vt.analysis.gr(s, { rmax = 4.0, width = 0.05, types = { 2, 2 } })
local g12 = vt.analysis.gr(s, { rmax = 4.0, width = 0.05, types = { 1, 2 } })
local p11, p22, p12 = g11.r[argmax(g11.g)], g22.r[argmax(g22.g)], g12.r[argmax(g12.g)]
T.ok(p11 > 0.95 and p11 < 1.2 and p22 > 1.15 and p22 < 1.4 and p12 > 1.05 and p12 < 1.3,
     ("first peaks near sigma_ab = 2^(1/6) sigma: 11 at %.3f, 12 at %.3f, 22 at %.3f"):format(p11, p12, p22))
local n1 = 0
for _, t in ipairs(s:types():totable()) do if t == 1 then n1 = n1 + 1 end end
local n2 = n - n1
local worst = 0
for b = 1, #g.g do
  local sum = n1 * (n1 - 1) * g11.g[b] + n2 * (n2 - 1) * g22.g[b] + 2 * n1 * n2 * g12.g[b]
  worst = math.max(worst, math.abs(sum / (n * (n - 1)) - g.g[b]))
end
T.ok(worst < 1e-12, "total g = weighted partials (worst " .. worst .. ")")
local tail = 0
for b = 71, 80 do tail = tail + g.g[b] / 10 end
T.close(tail, 1.0, 0, 0.1, "g(r) near 1 at r in [3.5, 4]: " .. tail)

local S = vt.analysis.sq(s, { qmax = 12, width = 0.1 })
T.ok(S.peak > 5.5 and S.peak < 7.5, ("S(q) peak at %.3f, near 2 pi / sigma"):format(S.peak))
T.ok(S.peak_S > 1.5, "peak height " .. S.peak_S)
T.is(#S.q, #S.S, "q and S have one entry per shell")
T.is(#S.count, #S.S, "count has one entry per shell")
local S2 = vt.analysis.sq(s, { qmax = 12, width = 0.1, type = 2 })
local S22 = vt.analysis.sq(s, { qmax = 12, width = 0.1, types = { 2, 2 } })
local S1 = vt.analysis.sq(s, { qmax = 12, width = 0.1, type = 1 })
local S12 = vt.analysis.sq(s, { qmax = 12, width = 0.1, types = { 1, 2 } })
local same = #S2.S == #S22.S
for k = 1, #S2.S do same = same and S2.S[k] == S22.S[k] end
T.ok(same, "type=2 is types={2, 2}")
worst = 0
for k = 1, #S.S do
  local parts = (n1 * S1.S[k] + n2 * S2.S[k] + 2 * math.sqrt(n1 * n2) * S12.S[k]) / n
  worst = math.max(worst, math.abs(parts - S.S[k]))
end
T.ok(worst < 1e-10, "total S = partials (worst " .. worst .. ")")

T.raises(function() vt.analysis.gr(s, { rmax = 5.0 }) end, "exceeds half the shortest box side", "rmax > L/2")
T.raises(function() vt.analysis.gr(s, { rmax = 3, type = 1 }) end, "unknown argument 'type'", "gr takes types=, not type=")
T.raises(function() vt.analysis.gr(s, { types = { 1 } }) end, "list of two types", "types needs two")
T.raises(function() vt.analysis.gr(s, { types = { 1, 3 } }) end, "type 3 is out of range", "absent type")
T.raises(function() vt.analysis.sq(s, { type = 1, types = { 1, 2 } }) end, "not both", "type and types")
T.raises(function() vt.analysis.sq(s, { qmax = 0.1 }) end, "below the smallest wave vector", "qmax too small")
T.raises(function() vt.analysis.sq({}) end, "system", "not a system")
T.done()
