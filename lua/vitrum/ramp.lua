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
--   ramp.tg_kink{ T = r.T, U = r.energy, range = { 0.1, 1.0 } } -> { Tg = ..., jump = ... }
--   ramp.onset{ T = r.T, msd = r.msd, threshold = 1 } -> T_o
--   ramp.liquid_line{ T = cool.T, U = cool.energy, window = { 0.75, 1.0 } } -> liquid U(T)
--   ramp.melted{ T=, U=, msd=, liquid = line } -> { onset=, T_liquid=, ... }
--   ramp.heat{ md=, system=, from = 0.1, to = 1.0, tmax = 2.0, rate=, every=, liquid = line, ... }
--     heats until the glass has melted (MSD past 1 and U(T) on the liquid
--     branch), then `beyond` further, never past tmax
local vt = require "vitrum"
local M = {}

local known = { md = true, system = true, from = true, to = true, rate = true, samples = true, every = true,
                reference = true, icosahedra = true, snapshots = true, observe = true, progress = true,
                checkpoint = true, initial = true }

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
  if o.initial ~= false then sample(md.step, s, T1) end
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

-- T_g as the kink of a continuous two-line fit: least squares of
-- U = a + b T + c max(0, T - T_g) over the samples in `range` ({lo, hi}),
-- scanning T_g on a grid of `step` (0.001) at least `margin` (0.1) inside
-- the range and keeping the best. Unlike tg's two separate windows, every
-- sample between the branches takes part, so it gives a number on fast,
-- noisy ramps too; `jump` = c is the change of slope (the heat capacity
-- step), `rms` the residual per sample.
local function solve3(A, y)
  local M = { { A[1][1], A[1][2], A[1][3], y[1] }, { A[2][1], A[2][2], A[2][3], y[2] },
              { A[3][1], A[3][2], A[3][3], y[3] } }
  for c = 1, 3 do
    local piv = c
    for r = c + 1, 3 do if math.abs(M[r][c]) > math.abs(M[piv][c]) then piv = r end end
    M[c], M[piv] = M[piv], M[c]
    if M[c][c] == 0 then return nil end
    for r = c + 1, 3 do
      local f = M[r][c] / M[c][c]
      for k = c, 4 do M[r][k] = M[r][k] - f * M[c][k] end
    end
  end
  local x = {}
  for r = 3, 1, -1 do
    local v = M[r][4]
    for k = r + 1, 3 do v = v - M[r][k] * x[k] end
    x[r] = v / M[r][r]
  end
  return x
end

function M.tg_kink(o)
  local T, U = o.T or error("ramp.tg_kink: T= is required", 2), o.U or error("ramp.tg_kink: U= is required", 2)
  local r = o.range or error("ramp.tg_kink: range={lo, hi} is required", 2)
  local step, margin = o.step or 0.001, o.margin or 0.1
  local xs, ys = {}, {}
  for i = 1, #T do
    if T[i] >= r[1] and T[i] <= r[2] then xs[#xs + 1] = T[i]; ys[#ys + 1] = U[i] end
  end
  if #xs < 8 then
    error(("ramp.tg_kink: only %d samples in [%g, %g]; widen it or sample more often"):format(#xs, r[1], r[2]), 2)
  end
  local best
  local k = 0
  while true do
    local tc = r[1] + margin + k * step
    if tc > r[2] - margin + 1e-12 then break end
    k = k + 1
    local A = { { 0, 0, 0 }, { 0, 0, 0 }, { 0, 0, 0 } }
    local y = { 0, 0, 0 }
    for i = 1, #xs do
      local b = { 1, xs[i], math.max(0, xs[i] - tc) }
      for p = 1, 3 do
        y[p] = y[p] + b[p] * ys[i]
        for q = 1, 3 do A[p][q] = A[p][q] + b[p] * b[q] end
      end
    end
    local c = solve3(A, y)
    if c then
      local ss = 0
      for i = 1, #xs do
        local e = ys[i] - (c[1] + c[2] * xs[i] + c[3] * math.max(0, xs[i] - tc))
        ss = ss + e * e
      end
      if not best or ss < best.ss then best = { ss = ss, Tg = tc, a = c[1], slope = c[2], jump = c[3] } end
    end
  end
  if not best then error("ramp.tg_kink: no fit (degenerate samples)", 2) end
  best.rms = math.sqrt(best.ss / #xs)
  best.n = #xs
  return best
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

-- The liquid branch of U(T), from a ramp's (or runs') samples in a window
-- where the system is an equilibrium liquid: a least-squares fit of
-- U = a + b T^p with the Rosenfeld-Tarazona exponent p = 3/5 (Rosenfeld and
-- Tarazona, Mol. Phys. 95, 141 (1998): the potential energy of dense simple
-- liquids grows as T^(3/5)), which extrapolates above the window better
-- than a straight line (the liquid's heat capacity falls with T). `sigma`
-- is the rms residual of the fit: the scatter of single samples.
function M.liquid_line(o)
  local T, U = o.T or error("ramp.liquid_line: T= is required", 2), o.U or error("ramp.liquid_line: U= is required", 2)
  local w = o.window or error("ramp.liquid_line: window={lo, hi} is required", 2)
  local p = o.exponent or 0.6
  local xs, ys = {}, {}
  for i = 1, #T do
    if T[i] >= w[1] and T[i] <= w[2] then xs[#xs + 1] = T[i] ^ p; ys[#ys + 1] = U[i] end
  end
  if #xs < 4 then
    error(("ramp.liquid_line: only %d samples in the window [%g, %g]; widen it or sample more often"):format(#xs, w[1], w[2]), 2)
  end
  local f = vt.fit.linear(xs, ys)
  return { a = f.intercept, b = f.slope, exponent = p, sigma = math.sqrt(f.sumsq / (#xs - 2)), n = #xs,
           var_a = f.intercept_err ^ 2, var_b = f.slope_err ^ 2, cov_ab = f.cov, window = { w[1], w[2] } }
end

-- U(T) of a liquid line from liquid_line.
function M.liquid_U(line, T) return line.a + line.b * T ^ line.exponent end

-- The standard error of liquid_U(line, T) from the fit's parameter
-- covariance (0 for a line given by hand): small inside the window, it
-- grows as the line is extrapolated above it.
function M.liquid_err(line, T)
  if not line.var_a then return 0 end
  local x = T ^ line.exponent
  return math.sqrt(math.max(0, line.var_a + x * x * line.var_b + 2 * x * line.cov_ab))
end

-- Has a heating ramp melted the glass? Two conditions, both needed: the MSD
-- from the start has passed `threshold` (1: the onset T_o of ramp.onset),
-- and U(T) has reached the liquid branch `liquid` (from liquid_line): the
-- mean of U - U_liquid over the samples in the last `band` of temperature
-- (0.1) is at least -tol, where tol is max(0.02, 2 sigma / sqrt(k)) for k
-- samples of scatter sigma, plus twice the line's own standard error at T
-- (liquid_err: the extrapolation above the fit window is uncertain),
-- unless given. T_liquid is the first sample, at or
-- after the onset, where both hold. `gap` is that mean over the last band
-- of the ramp (negative: still below the liquid).
function M.melted(o)
  local T, U, m = o.T or error("ramp.melted: T= is required", 2), o.U or error("ramp.melted: U= is required", 2),
                  o.msd or error("ramp.melted: msd= is required", 2)
  local line = o.liquid or error("ramp.melted: liquid= (a ramp.liquid_line) is required", 2)
  local band = o.band or 0.1
  local res = { onset = M.onset{ T = T, msd = m, threshold = o.threshold } }
  local function window_mean(i)
    local sum, k = 0, 0
    for j = i, 1, -1 do
      if T[j] < T[i] - band - 1e-12 then break end
      sum, k = sum + U[j] - M.liquid_U(line, T[j]), k + 1
    end
    return sum / k, k
  end
  if #T > 0 then res.gap = window_mean(#T) end
  if not res.onset then return res end
  local thr = o.threshold or 1.0
  for i = 1, #T do
    if T[i] >= res.onset and m[i] >= thr then
      local r, k = window_mean(i)
      local tol = o.tol or (math.max(0.02, 2 * line.sigma / math.sqrt(k)) + 2 * M.liquid_err(line, T[i]))
      if k >= 3 and r >= -tol then
        res.T_liquid, res.residual, res.tol, res.index = T[i], r, tol, i
        return res
      end
    end
  end
  return res
end

local heat_known = { md = true, system = true, from = true, to = true, tmax = true, rate = true, every = true,
                     liquid = true, segment = true, beyond = true, threshold = true, band = true, tol = true,
                     icosahedra = true, snapshots = true, progress = true }

-- A heating ramp that goes on until the glass has melted: from `from` to
-- `to` at least, then in steps of `segment` (0.1) until ramp.melted says
-- the MSD has passed the threshold and U(T) is on the liquid branch, then
-- `beyond` (0.1) further so the liquid branch has points to fit; never past
-- `tmax`. The MSD is measured from the start throughout; `every` (steps
-- between samples) is the same in every segment. Returns the ramp.run
-- lists for the whole ramp plus melted = ramp.melted's answer, T_end and
-- capped (true when tmax stopped it before the glass melted).
function M.heat(o)
  for k in pairs(o) do
    if not heat_known[k] then error(("ramp.heat: unknown argument '%s'"):format(tostring(k)), 2) end
  end
  local md = o.md or error("ramp.heat: md= is required", 2)
  local s = o.system or error("ramp.heat: system= is required", 2)
  local line = o.liquid or error("ramp.heat: liquid= (a ramp.liquid_line) is required", 2)
  local T1, Tto, Tcap = o.from, o.to, o.tmax
  if not (T1 and Tto and Tcap and T1 >= 0 and Tto > T1 and Tcap >= Tto) then
    error("ramp.heat: from < to <= tmax temperatures are required", 2)
  end
  local rate = o.rate or error("ramp.heat: rate= is required", 2)
  local every = o.every or error("ramp.heat: every= (steps between samples) is required", 2)
  local segment, beyond = o.segment or 0.1, o.beyond or 0.1
  if not (segment > 0 and beyond >= 0) then error("ramp.heat: segment must be positive, beyond non-negative", 2) end
  local ref = s:unwrapped()
  local snaps = {}
  for _, Ts in ipairs(o.snapshots or {}) do snaps[#snaps + 1] = Ts end
  local all = { T = {}, step = {}, energy = {}, msd = {}, ico_T = {}, ico = {}, snapshots = {}, steps = 0,
                every = every, rate = rate, from = T1 }
  local Ta, Tb, stop_at, first = T1, Tto, nil, true
  local melted
  while true do
    local left = {}
    for _, Ts in ipairs(snaps) do
      local taken = false
      for _, sn in ipairs(all.snapshots) do if sn.T == Ts then taken = true end end
      if not taken then left[#left + 1] = Ts end
    end
    local r = M.run{ md = md, system = s, from = Ta, to = Tb, rate = rate, every = every, reference = ref,
                     icosahedra = o.icosahedra, snapshots = left, progress = o.progress,
                     initial = first }
    for _, key in ipairs{ "T", "step", "energy", "msd", "ico_T", "ico", "snapshots" } do
      for _, x in ipairs(r[key]) do all[key][#all[key] + 1] = x end
    end
    all.steps = all.steps + r.steps
    first = false
    melted = M.melted{ T = all.T, U = all.energy, msd = all.msd, liquid = line, threshold = o.threshold,
                       band = o.band, tol = o.tol }
    if melted.T_liquid and not stop_at then stop_at = math.min(Tcap, math.max(Tto, melted.T_liquid + beyond)) end
    if stop_at and Tb >= stop_at - 1e-9 then break end
    if Tb >= Tcap - 1e-9 then break end
    Ta = Tb
    Tb = math.min(stop_at or Tcap, Ta + segment)
  end
  all.to, all.T_end, all.melted = Tb, Tb, melted
  all.capped = melted.T_liquid == nil
  return all
end

return M
