-- Observers and correlators from Lua: the ballistic MSD in NVE, F_s(q, 0) = 1,
-- F_s of a fixed configuration, on-the-fly = post-hoc (linear and log
-- schedules), a restarted run = an uninterrupted one, the stress observer
-- against the pressure tensor, stress_acf against the direct sum, tau_alpha
-- and D on synthetic data, and the argument checks.
local T = dofile(os.getenv("VT_SRCDIR") .. "/t/tap.lua")
local vt = require "vitrum"
local dir = os.getenv("VT_BUILDDIR") .. "/t"

local function liquid(seed, n)
  local s = vt.system{ n = n or 256, density = 0.75, init = "lattice", seed = seed, mass = "volume",
                       species = { { fraction = 0.5, diameter = 1.0 }, { fraction = 0.5, diameter = 1.2 } } }
  s:set_potential(vt.potential.lj_smooth{ inner = 2.5, outer = 2.75 })
  s:thermalize{ T = 1.0, seed = seed }
  return s
end

-- the pressure tensor: trace / 3 is the pressure, the kinetic part is sum m v v / V
do
  local s = liquid(1)
  local P, Pe = s:pressure_tensor(), s:pressure_tensor{ excess = true }
  T.close((P.xx + P.yy + P.zz) / 3, s:pressure(), 1e-13, 1e-13, "trace of the pressure tensor / 3 = pressure")
  local v, m, kxy = s:velocities(), s:masses(), 0
  for i = 1, s.n do kxy = kxy + m[i] * v:get(i, 1) * v:get(i, 2) end
  T.close(P.xy - Pe.xy, kxy / s.volume, 1e-12, 1e-15, "kinetic part of P_xy = sum m vx vy / V")
  local vir = s:virial()
  T.close(Pe.yz, vir.yz / s.volume, 1e-14, 1e-15, "virial part of P_yz = W_yz / V")
  local L = s.box[1]
  s:set_box{ 1.1 * L, L, L }
  T.close(s.box[1], 1.1 * L, 1e-15, 0, "set_box changes the box")
  T.raises(function() s:set_box{ -1, L, L } end, "positive", "set_box refuses a negative length")
end

-- ballistic regime: MSD(t) = <v(0)^2> t^2 at the first lags, per species; weighted by the
-- masses, sum_i m_i MSD_i(t) / t^2 = sum_i m_i v_i^2 = 3 (N - 1) T(0), i.e. MSD = 3 T t^2 / m
do
  local s = liquid(2)
  local md = vt.md{ system = s, dt = 0.0005, thermostat = "none" }
  md:run{ steps = 1 }                        -- total momentum removed, as every run does
  local v, m, tp = s:velocities(), s:masses(), s:types()
  local v2, cnt, mass = { 0, 0 }, { 0, 0 }, {}
  for i = 1, s.n do
    local t = tp[i]
    v2[t] = v2[t] + v:get(i, 1) ^ 2 + v:get(i, 2) ^ 2 + v:get(i, 3) ^ 2
    cnt[t] = cnt[t] + 1
    mass[t] = m[i]
  end
  local T0 = s:temperature()
  local o = vt.observer.msd{ block = 1000 }
  T.is(o.name, "msd", "o.name")
  md:run{ steps = 4, observers = { o } }
  local r = o:result()
  T.is(#r.t, 4, "a log block samples the lags 0, 1, 2, 4 steps")
  T.close(r.t[4], 4 * 0.0005, 1e-12, 0, "lag times from the md clock")
  for k = 2, #r.t do
    local t = r.t[k]
    for ty = 1, 2 do
      T.close(r.types[ty][k] / t ^ 2, v2[ty] / cnt[ty], 2e-3, 0,
              ("ballistic MSD of type %d at t = %g: <v(0)^2> t^2"):format(ty, t))
    end
    local w = cnt[1] * mass[1] * r.types[1][k] + cnt[2] * mass[2] * r.types[2][k]
    T.close(w / t ^ 2, 3 * (s.n - 1) * T0, 2e-3, 0, ("sum m MSD / t^2 = 3 (N-1) T at t = %g"):format(t))
  end
  T.is(r.msd[1], 0.0, "MSD(0) = 0")
  T.close(r.msd[2], (cnt[1] * r.types[1][2] + cnt[2] * r.types[2][2]) / s.n, 1e-14, 0, "all = mean of the species")
end

-- F_s(q, 0) = 1; F_s of a fixed configuration stays 1 (post hoc on repeated frames)
do
  local s = liquid(3)
  local path = dir .. "/obs_fixed.vtt"
  local t = vt.trajectory(path, "w")
  for k = 0, 4 do t:write(s, { step = 10 * k, time = 0.05 * k }) end
  t:close()
  t = vt.trajectory(path)
  T.is(t.count, 5, "t.count = frames in the file, at open")
  local f = vt.analysis.fs(t, { q = 7.0, vectors = 50, seed = 3 })
  T.is(#f.t, 5, "five lags")
  T.is(f.vectors, 50, "50 vectors of the shell")
  T.close(f.q, 7.0, 0.05, 0, "mean |q| of the shell near q")
  local worst = 0
  for k = 1, #f.t do worst = math.max(worst, math.abs(f.fs[k] - 1), math.abs(f.types[2][k] - 1)) end
  T.ok(worst < 1e-13, ("F_s of a fixed configuration is 1 at every lag (worst %.2g)"):format(worst))
  T.is(f.count[1], 5.0, "the zero lag averaged over the five frames")
  T.is(f.count[5], 1.0, "the longest lag has one origin")
  t:close()
  t = vt.trajectory(path)
  local fi = vt.analysis.fs(t, { q = 7.0, isotropic = true })
  T.close(fi.fs[3], 1, 0, 1e-15, "isotropic F_s of a fixed configuration is 1")
end

-- on the fly = post hoc: a trajectory written at the observer's steps gives the same numbers
local function run_with_trajectory(schedule, path)
  local s = liquid(4)
  local md = vt.md{ system = s, dt = 0.005, T = 1.0 }
  local sched = schedule == "log" and { schedule = "log", block = 16, base = 2 } or { schedule = "linear", every = 5, origins = 0 }
  local function opts(extra)
    local o = {}
    for k, v in pairs(sched) do o[k] = v end
    for k, v in pairs(extra) do o[k] = v end
    return o
  end
  local fs = vt.observer.fs(opts{ q = 7.0, vectors = 30, seed = 2 })
  local msd = vt.observer.msd(opts{})
  local t = vt.trajectory(path, "w")
  t:write(s, { step = md.step, time = md.time })
  local offsets = { [0] = true, [1] = true, [2] = true, [4] = true, [8] = true }
  md:run{ steps = 80, observers = { fs, msd }, every = 1, observe = function(step, sys)
    local keep
    if schedule == "log" then keep = offsets[step % 16] else keep = step % 5 == 0 end
    if keep then t:write(sys, { step = step, time = md.time }) end
  end }
  t:close()
  return fs:result(), msd:result()
end

for _, sched in ipairs{ "linear", "log" } do
  local path = dir .. "/obs_" .. sched .. ".vtt"
  local f1, m1 = run_with_trajectory(sched, path)
  local opts = sched == "log" and { schedule = "log", block = 16, base = 2 } or {}
  local tr = vt.trajectory(path)
  local o2 = { q = 7.0, vectors = 30, seed = 2 }
  for k, v in pairs(opts) do o2[k] = v end
  local f2 = vt.analysis.fs(tr, o2)
  tr:close()
  tr = vt.trajectory(path)
  local m2 = vt.analysis.msd(tr, opts)
  tr:close()
  T.is(#f1.t, #f2.t, sched .. ": same lags on the fly and post hoc (" .. #f1.t .. ")")
  local dmax, dm = 0, 0
  for k = 1, math.min(#f1.t, #f2.t) do
    dmax = math.max(dmax, math.abs(f1.fs[k] - f2.fs[k]), math.abs(f1.types[1][k] - f2.types[1][k]))
    dm = math.max(dm, math.abs(m1.msd[k] - m2.msd[k]) / math.max(m1.msd[k], 1e-300))
    if f1.t[k] ~= f2.t[k] or f1.count[k] ~= f2.count[k] then dmax = math.huge end
  end
  T.ok(dmax == 0, ("%s: F_s on the fly = post hoc, bit for bit (worst %.3g)"):format(sched, dmax))
  T.ok(dm == 0, ("%s: MSD on the fly = post hoc, bit for bit (worst %.3g)"):format(sched, dm))
  T.ok(f1.fs[#f1.fs] < f1.fs[2] and f1.fs[2] < 1, sched .. ": F_s decays")
end

-- restart: a run restored from its checkpoint gives the same correlators as the uninterrupted one
do
  local ck, ck_mid = dir .. "/obs_restart.vtc", dir .. "/obs_restart_mid.vtc"
  local function observers()
    return vt.observer.fs{ q = 7.0, block = 20, vectors = 20 }, vt.observer.msd{ schedule = "linear", every = 3, origins = 10 },
           vt.observer.stress{ every = 2 }
  end
  local s = liquid(5)
  local md = vt.md{ system = s, dt = 0.005, T = 1.0 }
  local fa, ma, sa = observers()
  md:run{ steps = 120, observers = { fa, ma, sa }, checkpoint = { file = ck, every = 60 }, every = 120,
          observe = function() os.rename(ck, ck_mid) end }   -- keep the checkpoint of step 60
  local md2 = vt.md{ restart = ck_mid }
  T.is(md2.pending, 60, "restored at step 60 of 120")
  local fb, mb, sb = observers()
  T.raises(function() md2:run{ steps = 120, observers = { fb } } end, "same observers", "a resumed run needs its observers")
  md2:run{ steps = 120, observers = { fb, mb, sb } }
  local ra, rb = fa:result(), fb:result()
  local same = #ra.t == #rb.t
  for k = 1, #ra.t do same = same and ra.fs[k] == rb.fs[k] and ra.count[k] == rb.count[k] end
  T.ok(same, "restart: F_s identical to the uninterrupted run (" .. #ra.t .. " lags)")
  ra, rb = ma:result(), mb:result()
  same = #ra.t == #rb.t
  for k = 1, #ra.t do same = same and ra.msd[k] == rb.msd[k] end
  T.ok(same, "restart: MSD identical (" .. #ra.t .. " lags)")
  ra, rb = sa:result(), sb:result()
  same = #ra.t == #rb.t and #ra.t == 61
  for k = 1, #ra.t do same = same and ra.xy[k] == rb.xy[k] end
  T.ok(same, "restart: stress series identical (61 samples)")
  local md3 = vt.md{ restart = ck_mid }
  local bad = vt.observer.fs{ q = 6.0, block = 20, vectors = 20 }
  local _, m3, s3 = observers()
  T.raises(function() md3:run{ steps = 120, observers = { bad, m3, s3 } } end, "parameter q", "changed parameters are refused")
  T.raises(function() md3:run{ steps = 120, observers = { m3, bad, s3 } } end, "was fs, now msd", "a different order is refused")
  -- abandoning the restored run drops its observer states too: a new run
  -- without observers starts, and a checkpoint carries no stale state
  md3:reset()
  local okr, err = pcall(function() md3:run{ steps = 10 } end)
  T.ok(okr, "md:reset() of a restored run with observers: a plain run starts (" .. tostring(err) .. ")")
  md3:checkpoint(ck)
  local md4 = vt.md{ restart = ck }
  local okp, errp = pcall(function() md4:run{ steps = 10, observers = { vt.observer.msd{ block = 4 } } } end)
  T.ok(okp, "its checkpoint restores without observer states (" .. tostring(errp) .. ")")
  os.remove(ck); os.remove(ck_mid)
end

-- the stress observer samples P_ab of the step, computed in the step's own force pass
do
  local s = liquid(6)
  local md = vt.md{ system = s, dt = 0.005, T = 1.0 }
  local o = vt.observer.stress{ every = 5 }
  local seen = {}
  md:run{ steps = 50, observers = { o }, every = 5, observe = function(step, sys) seen[#seen + 1] = sys:pressure_tensor() end }
  local r = o:result()
  T.is(#r.t, 11, "samples at steps 0, 5, ..., 50")
  local worst = 0
  for k = 2, #r.t do worst = math.max(worst, math.abs(r.xy[k] - seen[k - 1].xy), math.abs(r.zz[k] - seen[k - 1].zz)) end
  T.ok(worst < 1e-12, ("the recorded tensor is s:pressure_tensor() of the step (worst %.2g)"):format(worst))
  T.close(r.volume, s.volume, 1e-15, 0, "the volume")
  local c = vt.analysis.stress_acf(r, { T = 1.0 })
  -- direct sum
  local n = #r.t
  for _, lag in ipairs{ 0, 1, 5, n - 1 } do
    local sum = 0
    for _, a in ipairs{ "xy", "xz", "yz" } do
      local acc = 0
      for i = 1, n - lag do acc = acc + r[a][i] * r[a][i + lag] end
      sum = sum + acc / (n - lag)
    end
    T.close(c.c[lag + 1], r.volume / 1.0 * sum / 3, 1e-10, 1e-14, ("stress_acf at lag %d = the direct sum"):format(lag))
  end
  T.close(c.t[2], 0.025, 1e-12, 0, "stress_acf time axis")
  T.raises(function() vt.analysis.stress_acf(r, {}) end, "T= is required", "stress_acf needs T")
end

-- tau_alpha and D from synthetic data
do
  local tt, f, m = {}, {}, {}
  local tau, beta, D = 3.7, 0.8, 0.042
  for k = 0, 60 do
    local t = 0.01 * 10 ^ (k / 15)
    tt[#tt + 1] = t
    f[#f + 1] = math.exp(-(t / tau) ^ beta)
    m[#m + 1] = 6 * D * t + 0.3
  end
  local want = tau * (-math.log(0.2)) ^ (1 / beta)
  T.close(vt.analysis.tau_alpha({ t = tt, fs = f }), want, 2e-3, 0, "tau_alpha at level 0.2 of a stretched exponential")
  T.close(vt.analysis.tau_alpha({ t = tt, fs = f }, { level = math.exp(-1) }), tau, 2e-3, 0, "tau_alpha at 1/e")
  local none, msg = vt.analysis.tau_alpha({ t = tt, fs = f }, { level = 1e-9 })
  T.ok(none == nil and msg:find("never falls"), "nil, message when F_s never decays so far: " .. tostring(msg))
  local d, fit = vt.analysis.diffusion({ t = tt, msd = m })
  T.close(d, D, 1e-10, 0, "D from the slope of a line")
  T.close(fit.from, 10, 0.1, 0, "default window starts at t_max / 10")
  T.ok(fit.points > 10 and fit.exponent < 1.01, "fit window reported")
  local d2, fit2 = vt.analysis.diffusion({ t = tt, msd = m }, { from = 1, to = 5 })
  T.close(d2, D, 1e-10, 0, "D over a given window")
  T.ok(fit2.from >= 1 and fit2.to <= 5, "the window is respected")
  T.raises(function() vt.analysis.diffusion({ t = tt, msd = m }, { from = 5, to = 1 }) end, "empty", "an empty window is refused")
end

-- argument checks
T.raises(function() vt.observer.fs{} end, "q= is required", "fs needs q")
T.raises(function() vt.observer.msd{ q = 3 } end, "option of fs", "q is not an msd option")
T.raises(function() vt.observer.msd{ schedule = "cubic" } end, "log", "unknown schedule")
T.raises(function() vt.observer.msd{ block = 0 } end, "block", "block 0")
T.raises(function() vt.observer.stress{ every = 0 } end, "every", "stress every 0")
T.raises(function() vt.md{ system = liquid(1), T = 1 }:run{ steps = 1, observers = { 3 } } end, "not a vt.observer", "observers must be observers")
do
  local s = vt.system{ n = 10, box = { 3, 3, 3 }, seed = 1 }
  local o = vt.observer.fs{ q = 1.0, width = 0.01 }
  local path = dir .. "/obs_small.vtt"
  local t = vt.trajectory(path, "w"); t:write(s); t:close()
  T.raises(function() vt.analysis.fs(vt.trajectory(path), { q = 1.0, width = 0.01 }) end, "no wave vector", "an empty shell is refused")
  T.ok(o, "fs observer")
end
T.done()
