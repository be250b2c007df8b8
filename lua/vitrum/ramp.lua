-- vitrum.ramp: linear temperature ramps at a rate gamma (per unit time) with
-- the observables of [VHG] recorded along the way (doc/protocols.md section 1):
-- U/N(T), the mean squared displacement from the start (unwrapped
-- coordinates), the fraction of icosahedral particles of one species
-- (Voronoi index <0,0,12,0>), and snapshots of unwrapped positions at chosen
-- temperatures (for the melting analysis). Plus the estimators T_g (crossing
-- of line fits to the glass and liquid branches of U(T)) and T_o (first
-- temperature where the MSD reaches a threshold).
--
--   local ramp = require "vitrum.ramp"
--   local md = vt.md{ system = s, dt = 0.005, thermostat = "nose-hoover", T = 1.0, tau = 0.2 }
--   local r = ramp.run{ md = md, system = s, from = 1.0, to = 0.1, rate = 1e-3, samples = 100,
--                       icosahedra = { type = 1, every = 5 }, snapshots = { 0.60, 0.65 } }
--   r.T, r.energy, r.msd  (lists, one entry per sample)
--   r.snapshots = { { T = 0.60, T_actual = ..., positions = n x 3 unwrapped }, ... }
--   ramp.tg{ T = r.T, U = r.energy, glass = { 0.1, 0.3 }, liquid = { 0.7, 1.0 } } -> { Tg = ..., ... }
--   ramp.onset{ T = r.T, msd = r.msd, threshold = 1 } -> T_o
local vt = require "vitrum"
local M = {}

local known = { md = true, system = true, from = true, to = true, rate = true, samples = true, every = true,
                reference = true, icosahedra = true, snapshots = true, observe = true, progress = true,
                checkpoint = true }

-- Fraction of particles of type `t` whose (plain) Voronoi cell is an
-- icosahedron.
function M.icosahedra_fraction(s, t)
  local v = vt.voronoi(s, { radical = false })
  local types, ico, m = s:types(), v.icosahedral, 0
  local k = 0
  for i = 1, s.n do
    if types[i] == t then
      m = m + 1
      if ico[i] == 1 then k = k + 1 end
    end
  end
  return m > 0 and k / m or 0 / 0
end

function M.run(o)
  for k in pairs(o) do
    if not known[k] then error(("ramp.run: unknown argument '%s'"):format(tostring(k)), 2) end
  end
  local md = o.md or error("ramp.run: md= is required", 2)
  local s = o.system or error("ramp.run: system= is required", 2)
  local T1, T2 = o.from, o.to
  if not (T1 and T2 and T1 >= 0 and T2 >= 0) then error("ramp.run: from= and to= temperatures are required", 2) end
  local rate = o.rate or error("ramp.run: rate= (gamma, per unit time) is required", 2)
  if not (rate > 0) then error("ramp.run: rate must be positive", 2) end
  local dt = md.dt
  local steps = math.max(1, math.floor(math.abs(T2 - T1) / (rate * dt) + 0.5))
  local every = o.every or math.max(1, steps // (o.samples or 100))
  local ref = o.reference or s:unwrapped()
  local ico = o.icosahedra
  local snaps = {}
  for _, Ts in ipairs(o.snapshots or {}) do snaps[#snaps + 1] = { T = Ts } end
  local res = { T = {}, step = {}, energy = {}, msd = {}, ico_T = {}, ico = {}, snapshots = {},
                steps = steps, every = every, rate = rate, from = T1, to = T2 }
  local nsample = 0
  local function sample(step, sys, T)
    nsample = nsample + 1
    local cur = sys:unwrapped()
    res.step[#res.step + 1] = step
    res.T[#res.T + 1] = T
    res.energy[#res.energy + 1] = sys:energy() / sys.n
    res.msd[#res.msd + 1] = vt.analysis.msd(ref, cur)
    if ico and (nsample - 1) % (ico.every or 1) == 0 then
      res.ico_T[#res.ico_T + 1] = T
      res.ico[#res.ico + 1] = M.icosahedra_fraction(sys, ico.type or 1)
    end
    -- snapshots: the first sample at or past each requested temperature
    for _, sn in ipairs(snaps) do
      if not sn.taken and ((T2 >= T1 and T >= sn.T) or (T2 < T1 and T <= sn.T)) then
        sn.taken = true
        res.snapshots[#res.snapshots + 1] = { T = sn.T, T_actual = T, positions = cur }
      end
    end
    if o.observe then return o.observe(step, sys, T) end
  end
  sample(0, s, T1)
  md:run{ steps = steps, T = { T1, T2 }, every = every, observe = sample,
          progress = o.progress, checkpoint = o.checkpoint }
  return res
end

local function fit_window(T, y, lo, hi)
  local xs, ys = {}, {}
  for i = 1, #T do
    if T[i] >= lo and T[i] <= hi then xs[#xs + 1] = T[i]; ys[#ys + 1] = y[i] end
  end
  if #xs < 3 then
    error(("ramp.tg: only %d samples in the window [%g, %g]; widen it or sample more often"):format(#xs, lo, hi), 3)
  end
  return vt.fit.linear(xs, ys), #xs
end

-- T_g: intersection of straight lines fitted to U(T) on the glass window and
-- on the liquid window (both {lo, hi}). Returns the crossing with the fits
-- and the number of points used; `valid` is false unless the crossing falls
-- between the two windows.
function M.tg(o)
  local T, U = o.T or error("ramp.tg: T= is required", 2), o.U or error("ramp.tg: U= is required", 2)
  local g, ng = fit_window(T, U, o.glass[1], o.glass[2])
  local l, nl = fit_window(T, U, o.liquid[1], o.liquid[2])
  if g.slope == l.slope then error("ramp.tg: the two branches are parallel", 2) end
  local tg = (l.intercept - g.intercept) / (g.slope - l.slope)
  -- the crossing must fall between the windows: inside one of them, that
  -- window holds points of the other branch (its line is not one branch);
  -- outside both, the branches are too close to parallel (a fast ramp,
  -- noisy data). Either way it is not a glass transition.
  local lo, hi = math.min(o.glass[2], o.liquid[2]), math.max(o.glass[1], o.liquid[1])
  if hi < lo then lo, hi = hi, lo end   -- overlapping windows: their overlap
  return { Tg = tg, valid = tg >= lo and tg <= hi, glass = g, liquid = l, n_glass = ng, n_liquid = nl,
           glass_window = o.glass, liquid_window = o.liquid }
end

-- T_o: the first temperature along the ramp where the MSD reaches
-- `threshold` (1 by default), linearly interpolated between samples; nil if
-- never reached.
function M.onset(o)
  local T, m = o.T or error("ramp.onset: T= is required", 2), o.msd or error("ramp.onset: msd= is required", 2)
  local thr = o.threshold or 1.0
  for i = 2, #T do
    if m[i] >= thr and m[i - 1] < thr then
      local f = (thr - m[i - 1]) / (m[i] - m[i - 1])
      return T[i - 1] + f * (T[i] - T[i - 1])
    end
  end
  if #m > 0 and m[1] >= thr then return T[1] end
  return nil
end

return M
