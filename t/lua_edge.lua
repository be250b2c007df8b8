-- Edge cases of issue 23: one-particle systems, and lj_smooth{ inner = outer }.
local T = dofile(os.getenv("VT_SRCDIR") .. "/t/tap.lua")
local vt = require "vitrum"
local P = vt.potential

-- n = 1: no partner; in a box longer than twice its cutoff with itself the
-- energy and forces are 0, and minimization converges at once. (Before:
-- "potential hertz reports cutoff 0", the largest cutoff coming from pairs.)
for _, M in ipairs{ { "hertz", P.hertz{} }, { "lj_smooth", P.lj_smooth{} }, { "lj ka", P.lj{ preset = "ka" } },
                    { "ipl", P.ipl{} }, { "pss", P.pss{} } } do
  local s = vt.system{ n = 1, box = { 10, 10, 10 }, potential = M[2] }
  local ok, e = pcall(s.energy, s)
  T.ok(ok and e == 0, ("%s, n = 1: energy %s"):format(M[1], tostring(e)))
  if ok then
    local f = s:forces()
    T.ok(f[1][1] == 0 and f[1][2] == 0 and f[1][3] == 0 and s:pressure{ excess = true } == 0, M[1] .. ", n = 1: zero force and virial")
    local r = vt.fire{}:minimize(s)
    T.ok(r.converged and r.energy == 0, ("%s, n = 1: minimized (%s, %d steps)"):format(M[1], r.status, r.steps))
  end
end
do
  local s = vt.system{ n = 1, box = { 10, 10, 10 }, potential = P.lj_smooth{}, init = "lattice" }
  s:thermalize{ T = 1.0 }
  local md = vt.md{ system = s, dt = 0.005 }
  local h0 = md:conserved()
  md:run{ steps = 100 }
  T.ok(md:conserved() == h0 and s:energy() == 0, "n = 1: NVE runs, the conserved quantity is kept exactly")
  -- a box shorter than twice the self cutoff (2 x 2.75) is refused with the numbers
  T.raises(function() return vt.system{ n = 1, box = { 5, 5, 5 }, potential = P.lj_smooth{} } end,
           "box length x = 5 is not longer than twice the largest cutoff of lj_smooth %(2 x 2.75 = 5.5%)",
           "n = 1 in a box of 5 < 2 x 2.75: refused with the numbers")
end

-- lj_smooth{ inner = outer }: no smoothing, LJ truncated at the cutoff and
-- shifted to 0 there (the force jumps at the cutoff)
do
  local rc = 2.5
  local p = P.lj_smooth{ inner = rc, outer = rc }
  local function lj(r) return 4 * (r ^ -12 - r ^ -6) end
  local function dlj(r) return -48 * r ^ -13 + 24 * r ^ -7 end
  local worst = 0
  for _, r in ipairs{ 0.95, 1.1, 1.5, 2.0, 2.4, 2.499 } do
    local u, du = p:pair(r)
    worst = math.max(worst, math.abs(u - (lj(r) - lj(rc))), math.abs(du - dlj(r)))
  end
  T.ok(worst < 1e-12, ("inner = outer = 2.5: u = LJ(r) - LJ(2.5) and u' = LJ'(r) below the cutoff (worst %.3g)"):format(worst))
  local u, du = p:pair(2.5001)
  T.ok(u == 0 and du == 0, "inner = outer: zero beyond the cutoff")
  -- the system path (the vectorized kernel) agrees with the pair function
  local s = vt.system{ n = 2, box = { 8, 8, 8 }, init = "none", potential = p }
  s:set_positions{ { 1, 1, 1 }, { 2.3, 1, 1 } }
  T.close(s:energy(), (p:pair(1.3)), 1e-14, 1e-14, "inner = outer: a dimer's energy is the pair function's")
  T.raises(function() return P.lj_smooth{ inner = 2.75, outer = 2.5 } end, "below the inner cutoff", "inner > outer is refused")
end
T.done()
