-- Benchmark (not a test) of the VHG inner loop (issue 7): re-minimizing
-- after every particle was resized by +-delta toward the mean P2
-- (vt.homogenize.virial, doc/protocols.md section 1), from the same starts, with
-- plain FIRE 2.0 and with the FIRE -> Newton hybrid (vt.newton, one object
-- kept over the whole loop, so its factor carries from one iteration to the
-- next as it would in vitrum.vhg). Every iteration continues from FIRE's
-- minimum; the hybrid must reach the same one (energy and positions are
-- compared and printed).
--
-- usage: vitrum scripts/bench/minimize_vhg.lua [N] [iterations] [conf.data]
--   N: 500 uses the shared reference inherent structure (t/data/reference);
--      otherwise a WAHNs glass (density 0.75) is quenched from a random start
--      with FIRE (or conf.data is read: types 1 and 2 with diameters 1, 1.2).
-- Environment: DELTA (0.01), FTOL (1e-10), METHOD (the minimizer compared
-- with FIRE: newton, the default, lbfgs, ichol (vt.lbfgs with
-- precondition = "ichol"), cg, steepest, ...), NEWTON
-- ("range=0.6,memory=20,...": extra parameters of that minimizer).
local vt = require "vitrum"

local N = tonumber(arg and arg[1]) or 500
local K = tonumber(arg and arg[2]) or 10
local conf = arg and arg[3]
local delta = tonumber(os.getenv("DELTA") or "") or 0.01
local ftol = tonumber(os.getenv("FTOL") or "") or 1e-10
local extra = {}
for k, v in (os.getenv("NEWTON") or ""):gmatch("([%w_]+)=([^,]+)") do
  extra[k] = tonumber(v) or (v == "true" and true) or (v == "false" and false) or v
end

local B = dofile(debug.getinfo(1, "S").source:match("^@(.*/)") .. "benchlib.lua")
B.header(vt)

local pot = vt.potential.lj_smooth{ inner = 2.5, outer = 2.75 }
local s
local here = debug.getinfo(1, "S").source:match("^@(.*)/scripts/bench/") or "."
if conf then
  -- a LAMMPS file has per-type diameters given here; a vitrum-written one carries its own
  local ok, r = pcall(vt.read, conf, { diameters = { 1.0, 1.2 } })
  s = ok and r or vt.read(conf)
elseif N == 500 then
  s = vt.read((os.getenv("VT_SHARED") or (here .. "/t/data")) .. "/reference/IS_T1.0_N500.data",
              { diameters = { 1.0, 1.2 } })
else
  s = vt.system{ n = N, density = 0.75, seed = 7, mass = "volume", init = "random",
                 species = { { fraction = 0.5, diameter = 1.0 }, { fraction = 0.5, diameter = 1.2 } } }
end
s:set_potential(pot)
local t0 = vt.clock()
local r = vt.fire{ ftol = ftol, max_steps = 5000000 }:minimize(s)
assert(r.converged, "the starting configuration did not converge")
print(("# model WAHNs lj_smooth 2.5/2.75, N = %d, delta = %g, ftol = %g; start: U/N = %.10f (%d FIRE steps, %.1f s)")
  :format(s.n, delta, ftol, r.energy / s.n, r.steps, vt.clock() - t0))

-- largest position difference up to a uniform translation
local function maxdiff(a, b)
  local xa, xb, L = a:positions(), b:positions(), a.box
  local d, mean = {}, { 0, 0, 0 }
  for i = 1, a.n do
    d[i] = {}
    for k = 1, 3 do
      local v = xa[i][k] - xb[i][k]
      v = v - L[k] * math.floor(v / L[k] + 0.5)
      d[i][k] = v
      mean[k] = mean[k] + v / a.n
    end
  end
  local w = 0
  for i = 1, a.n do for k = 1, 3 do w = math.max(w, math.abs(d[i][k] - mean[k])) end end
  return w
end

local h = vt.homogenize.virial{ delta = delta }
local fire = vt.fire{ ftol = ftol, max_steps = 5000000 }
local method = os.getenv("METHOD") or "newton"
local po = { ftol = ftol, max_steps = 5000000 }
if method == "ichol" then method, po.precondition = "lbfgs", "ichol" end   -- L-BFGS + incomplete Cholesky
if method == "newton" then po.switch_fmax = 10 end
for k, v in pairs(extra) do po[k] = v end
local hyb = vt.minimizer(method, po)
local function count(name) local ok, v = pcall(function() return hyb[name] end); return ok and v or 0 end

print(("%-4s %8s %9s | %6s %6s %5s %6s %5s %9s | %7s %10s %9s"):format("# it", "FIRE ev", "FIRE s",
  "steps", "evals", "fact", "solves", "fire", method .. " s", "speedup", "dU/N", "max dx"))
local tf, th, same, cf, ch, ratios = 0, 0, 0, 0, 0, {}
for it = 1, K do
  local trial = s:copy()
  h:step(trial)
  local a, b = trial:copy(), trial:copy()
  local w, c = vt.clock(), os.clock()
  local ra = fire:minimize(a)
  local wf, cfi = vt.clock() - w, os.clock() - c
  w, c = vt.clock(), os.clock()
  local rb = hyb:minimize(b)
  local wh, chy = vt.clock() - w, os.clock() - c
  assert(ra.converged and rb.converged, "a minimization did not converge")
  local du, dx = (rb.energy - ra.energy) / s.n, maxdiff(a, b)
  if math.abs(du) < 1e-12 and dx < 1e-6 then same = same + 1 end
  tf, th, cf, ch = tf + wf, th + wh, cf + cfi, ch + chy
  ratios[#ratios + 1] = wf / wh
  print(("%-4d %8d %9.4f | %6d %6d %5d %6d %5d %9.4f | %7.1f %10.2e %9.2e"):format(it, ra.force_evals, wf,
    rb.steps, rb.force_evals, count("factorizations"), count("solves"), count("fire_steps"), wh, wf / wh, du, dx))
  s = a
end
table.sort(ratios)
print(("# total wall: FIRE %.3f s, %s %.3f s: %.2fx (CPU %.2fx); median per-iteration %.2fx; same minimum in %d of %d")
  :format(tf, method, th, tf / th, cf / ch, ratios[(#ratios + 1) // 2], same, K))
