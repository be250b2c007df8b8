-- The T_g and T_o estimators of vitrum.ramp recover known crossing points
-- from synthetic U(T) and MSD(T) curves (with and without noise), and the
-- output helpers write TSV with a provenance header.
local T = dofile(os.getenv("VT_SRCDIR") .. "/t/tap.lua")
local vt = require "vitrum"
local ramp = require "vitrum.ramp"
local out = require "vitrum.output"

-- glass branch U = -7 + 0.9 T, liquid branch U = -8.2 + 3.4 T: cross at T = 0.48
local Ts, U, Un = {}, {}, {}
local seed = 12345
local function noise() -- small deterministic LCG noise in [-1, 1]
  seed = (1103515245 * seed + 12345) % 2147483648
  return 2 * seed / 2147483648 - 1
end
for i = 0, 90 do
  local t = 0.1 + i * 0.01
  Ts[#Ts + 1] = t
  local u = math.max(-7 + 0.9 * t, -8.2 + 3.4 * t)
  U[#U + 1] = u
  Un[#Un + 1] = u + 1e-3 * noise()
end
local r = ramp.tg{ T = Ts, U = U, glass = { 0.1, 0.4 }, liquid = { 0.6, 1.0 } }
T.close(r.Tg, 0.48, 1e-10, 0, "T_g of exact piecewise-linear data")
T.close(r.glass.slope, 0.9, 1e-10, 0, "glass slope")
T.close(r.liquid.slope, 3.4, 1e-10, 0, "liquid slope")
T.is(r.n_glass, 31, "points in the glass window")
T.ok(r.valid, "the crossing lies between the windows")
local par = ramp.tg{ T = { 0.1, 0.2, 0.3, 0.7, 0.8, 0.9 }, U = { 1.0, 2.0, 3.0, 7.2, 8.21, 9.22 },
                     glass = { 0.1, 0.3 }, liquid = { 0.7, 0.9 } }
T.ok(not par.valid, ("near-parallel branches are flagged (crossing at %.3g)"):format(par.Tg))
do
  -- the transition at 0.9, inside the liquid window: that window mixes both
  -- branches, and its crossing with the glass line is no T_g
  local Tl, Ul = {}, {}
  for i = 0, 90 do
    local t = 0.1 + i * 0.01
    Tl[#Tl + 1] = t
    Ul[#Ul + 1] = t < 0.9 and (-7 + 0.9 * t) or (-7 + 0.81 + 3.4 * (t - 0.9))
  end
  local w = ramp.tg{ T = Tl, U = Ul, glass = { 0.1, 0.3 }, liquid = { 0.75, 1.0 } }
  T.ok(not w.valid, ("a crossing inside a fit window is flagged (at %.3g)"):format(w.Tg))
end
local rn = ramp.tg{ T = Ts, U = Un, glass = { 0.1, 0.4 }, liquid = { 0.6, 1.0 } }
T.close(rn.Tg, 0.48, 0, 0.005, "T_g with 1e-3 noise within 0.005")
T.raises(function() ramp.tg{ T = Ts, U = U, glass = { 0.1, 0.11 }, liquid = { 0.6, 1.0 } } end, "only 2 samples",
  "too narrow a window is refused")

-- the kink fit recovers the crossing of the exact piecewise-linear data
-- (0.48), within 0.02 with 1e-3 noise, and gives a number where the two
-- separate windows see near-parallel branches
do
  local k = ramp.tg_kink{ T = Ts, U = U, range = { 0.1, 1.0 } }
  T.close(k.Tg, 0.48, 0, 1.5e-3, ("kink fit: T_g %.4f of exact data"):format(k.Tg))
  T.close(k.slope, 0.9, 0, 0.01, "kink fit: glass slope")
  T.close(k.jump, 2.5, 0, 0.05, "kink fit: slope change 3.4 - 0.9")
  local kn = ramp.tg_kink{ T = Ts, U = Un, range = { 0.1, 1.0 } }
  T.close(kn.Tg, 0.48, 0, 0.02, ("kink fit with noise: T_g %.4f"):format(kn.Tg))
  -- slopes 1.3 and 1.6 with 0.05 noise (a fast ramp at N = 500): the kink at 0.45 within 0.1
  local Tw, Uw = {}, {}
  for i = 0, 90 do
    local t = 0.1 + 0.01 * i
    Tw[#Tw + 1] = t
    Uw[#Uw + 1] = -7 + 1.3 * t + 0.3 * math.max(0, t - 0.45) + 0.05 * noise()
  end
  local kw = ramp.tg_kink{ T = Tw, U = Uw, range = { 0.1, 1.0 } }
  T.ok(kw.Tg > 0.2 and kw.Tg < 0.9, ("weak kink: a number in the range (%.3f)"):format(kw.Tg))
  T.raises(function() ramp.tg_kink{ T = Ts, U = U, range = { 0.1, 0.15 } } end, "only %d samples", "too few samples refused")
end

-- MSD = 0.01 exp(10 (T - 0.2)) reaches 1 at T = 0.2 + ln(100)/10
local M = {}
for i, t in ipairs(Ts) do M[i] = 0.01 * math.exp(10 * (t - 0.2)) end
local to = ramp.onset{ T = Ts, msd = M }
T.close(to, 0.2 + math.log(100) / 10, 0, 2e-3, "T_o of an exponential MSD (linear interpolation between samples)")
T.close(ramp.onset{ T = { 0.1, 0.2, 0.3 }, msd = { 0.2, 0.6, 1.4 } }, 0.25, 1e-12, 0, "T_o interpolates linearly")
T.is(ramp.onset{ T = { 0.1, 0.2 }, msd = { 0.1, 0.2 } }, nil, "T_o is nil when never reached")
T.close(ramp.onset{ T = { 0.1, 0.2 }, msd = { 0.1, 0.2 }, threshold = 0.15 }, 0.15, 1e-12, 0, "threshold option")

-- liquid branch: U = -9 + 2.5 T^(3/5) sampled on [0.7, 1.0] is recovered,
-- and extrapolates to T = 1.6 exactly (a line would not)
do
  local Tl, Ul = {}, {}
  for i = 0, 30 do
    local t = 0.7 + 0.01 * i
    Tl[#Tl + 1] = t
    Ul[#Ul + 1] = -9 + 2.5 * t ^ 0.6
  end
  local line = ramp.liquid_line{ T = Tl, U = Ul, window = { 0.75, 1.0 } }
  T.close(line.a, -9, 1e-10, 0, "liquid line: intercept")
  T.close(line.b, 2.5, 1e-10, 0, "liquid line: T^(3/5) coefficient")
  T.close(ramp.liquid_U(line, 1.6), -9 + 2.5 * 1.6 ^ 0.6, 1e-10, 0, "liquid line extrapolates as T^(3/5)")
  T.ok(line.sigma < 1e-10, "no scatter in exact data")
  -- with scatter, the line's standard error grows above the window
  local Un2 = {}
  for i = 1, #Ul do Un2[i] = Ul[i] + 0.05 * noise() end
  local ln = ramp.liquid_line{ T = Tl, U = Un2, window = { 0.75, 1.0 } }
  local e1, e2 = ramp.liquid_err(ln, 0.9), ramp.liquid_err(ln, 2.0)
  T.ok(e1 > 0 and e1 < 0.05 and e2 > 3 * e1, ("standard error 0.9: %.3f, extrapolated to 2.0: %.3f"):format(e1, e2))
  T.is(ramp.liquid_err({ a = 0, b = 1, exponent = 1, sigma = 0 }, 2), 0, "no error for a line given by hand")
  T.raises(function() ramp.liquid_line{ T = Tl, U = Ul, window = { 0.75, 0.77 } } end, "only 3 samples",
    "too narrow a liquid window is refused")
end

-- melting detection on synthetic heating curves. Liquid: U_l(T) = -9 +
-- 2.5 T^(3/5); glass: U_g = U_l(T) - 0.3 up to T_m, then a jump onto the
-- liquid over 0.04. The MSD passes 1 at T_x. Samples every 0.01.
local function curve(Tm, Tx, n, noise_amp)
  local Tc, Uc, Mc = {}, {}, {}
  for i = 0, n do
    local t = 0.1 + 0.01 * i
    local gap = t <= Tm and -0.3 or (t >= Tm + 0.04 and 0 or -0.3 * (1 - (t - Tm) / 0.04))
    Tc[#Tc + 1] = t
    Uc[#Uc + 1] = -9 + 2.5 * t ^ 0.6 + gap + (noise_amp or 0) * noise()
    Mc[#Mc + 1] = math.exp(20 * (t - Tx))
  end
  return Tc, Uc, Mc
end
do
  local line = { a = -9, b = 2.5, exponent = 0.6, sigma = 0.01 }
  -- both conditions met: the liquid branch is reached once the band of the
  -- last 0.1 in T has caught up with the jump (mean residual >= -0.02)
  local Tc, Uc, Mc = curve(1.30, 1.28, 150)
  local m = ramp.melted{ T = Tc, U = Uc, msd = Mc, liquid = line }
  T.close(m.onset, 1.28, 0, 1e-9, ("onset from the MSD (%.3f)"):format(m.onset))
  T.ok(m.T_liquid and m.T_liquid > 1.34 and m.T_liquid < 1.45,
       ("liquid branch reached after the jump at 1.30-1.34 (T_liq %s)"):format(tostring(m.T_liquid)))
  T.ok(math.abs(m.gap) < 1e-9, "on the liquid at the end: gap 0")
  -- MSD past 1 while the energy is still 0.3 below the liquid (a glass
  -- that flows a little but has not melted): not melted
  local Tc2, Uc2, Mc2 = curve(1.80, 0.80, 150)
  local m2 = ramp.melted{ T = Tc2, U = Uc2, msd = Mc2, liquid = line }
  T.ok(m2.onset and m2.onset < 1.0, "the MSD passes 1 early")
  T.is(m2.T_liquid, nil, "but U(T) stays below the liquid: not melted")
  T.close(m2.gap, -0.3, 1e-9, 0, "the gap to the liquid is reported")
  -- on the liquid's energy but never moved (MSD below 1): not melted either
  local Tc3, Uc3, Mc3 = curve(0.1, 3.0, 150)
  local m3 = ramp.melted{ T = Tc3, U = Uc3, msd = Mc3, liquid = line }
  T.is(m3.onset, nil, "no onset without the MSD")
  T.is(m3.T_liquid, nil, "no melting without the MSD")
  -- noise of 0.05 per sample (N = 500 at T ~ 1): tol = 2 sigma / sqrt(k)
  local Tc4, Uc4, Mc4 = curve(1.30, 1.28, 150, 0.05)
  local m4 = ramp.melted{ T = Tc4, U = Uc4, msd = Mc4, liquid = { a = -9, b = 2.5, exponent = 0.6, sigma = 0.05 } }
  T.ok(m4.T_liquid and m4.T_liquid > 1.3 and m4.T_liquid < 1.45,
       ("noisy curve: liquid branch found after the jump (%s)"):format(tostring(m4.T_liquid)))
  local Tc5, Uc5, Mc5 = curve(1.80, 0.80, 150, 0.05)
  local m5 = ramp.melted{ T = Tc5, U = Uc5, msd = Mc5, liquid = { a = -9, b = 2.5, exponent = 0.6, sigma = 0.05 } }
  T.is(m5.T_liquid, nil, "noisy curve 0.3 below the liquid: not melted")
end

-- ramp.heat on a real system: segments are joined without repeated
-- samples, the MSD is measured from the start throughout, and the ramp
-- stops at T_liq + beyond (melted) or at tmax (capped)
do
  local function liquid_system()
    local s = vt.system{ n = 500, density = 0.75, init = "lattice", seed = 5, mass = "volume",
                         species = { { fraction = 0.5, diameter = 1.0 }, { fraction = 0.5, diameter = 1.2 } } }
    s:set_potential(vt.potential.lj_smooth{ inner = 2.5, outer = 2.75 })
    s:thermalize{ T = 1.0, seed = 6 }
    return s
  end
  local function md_of(s) return vt.md{ system = s, dt = 0.005, thermostat = "nose-hoover", T = 1.0, tau = 0.2 } end
  -- never on the liquid (the line lies far above): heats to tmax in segments
  local s = liquid_system()
  local high = { a = 100, b = 0, exponent = 0.6, sigma = 0.01 }
  local r = ramp.heat{ md = md_of(s), system = s, from = 1.0, to = 1.1, tmax = 1.3, rate = 0.5, every = 10,
                       liquid = high, segment = 0.1, snapshots = { 1.05, 1.25 } }
  T.ok(r.capped, "a glass that never reaches the liquid line is capped")
  T.close(r.T_end, 1.3, 1e-12, 0, "capped at tmax")
  T.close(r.T[#r.T], 1.3, 1e-9, 0, "the last sample is at tmax")
  local mono, stepmono = true, true
  for i = 2, #r.T do
    if not (r.T[i] > r.T[i - 1]) then mono = false end
    if not (r.step[i] > r.step[i - 1]) then stepmono = false end
  end
  T.ok(mono and stepmono, "segments join without repeated samples")
  T.is(#r.T, 1 + 3 * 4, "one sample every 10 steps over 3 segments of 40 steps, plus the start")
  T.is(r.step[#r.step], 120, "steps count across segments (the md's own step)")
  T.is(#r.snapshots, 2, "snapshots taken in the first and the last segment")
  T.ok(r.msd[#r.msd] > r.msd[5], "the MSD keeps growing from the same reference")
  -- always on the liquid line and a low MSD threshold: melted in the first
  -- segment, so the ramp ends at `to`
  local s2 = liquid_system()
  local low = { a = -100, b = 0, exponent = 0.6, sigma = 0.01 }
  local r2 = ramp.heat{ md = md_of(s2), system = s2, from = 1.0, to = 1.1, tmax = 1.5, rate = 0.5, every = 10,
                        liquid = low, threshold = 1e-4, beyond = 0.05 }
  T.ok(not r2.capped and r2.melted.T_liquid, "melted")
  T.close(r2.T_end, 1.1, 1e-12, 0, ("melted at T_liq = %.3f: ends at max(to, T_liq + beyond)"):format(r2.melted.T_liquid))
  -- the MSD threshold met after `to`: the ramp goes on in segments and ends
  -- at T_liq + beyond
  local s3 = liquid_system()
  local r3 = ramp.heat{ md = md_of(s3), system = s3, from = 1.0, to = 1.1, tmax = 1.6, rate = 0.1, every = 20,
                        liquid = low, threshold = 0.3, beyond = 0.05 }
  local tl = r3.melted.T_liquid
  T.ok(tl and tl > 1.1 and tl < 1.55, ("MSD 0.3 reached after to = 1.1 (T_liq %s)"):format(tostring(tl)))
  T.close(r3.T_end, (tl or 0) + 0.05, 1e-9, 0, "ends at T_liq + beyond")
  T.close(r3.T[#r3.T], r3.T_end, 1e-9, 0, "the last sample is at the end")
  T.raises(function() ramp.heat{ md = md_of(s3), system = s3, from = 1.0, to = 0.9, tmax = 1.5, rate = 0.5,
                                 every = 10, liquid = low } end, "from < to <= tmax", "backwards heat refused")
  T.raises(function() ramp.heat{ md = md_of(s3), system = s3, from = 1.0, to = 1.1, tmax = 1.5, rate = 0.5,
                                 every = 10, liquid = low, segmnt = 1 } end, "unknown argument 'segmnt'", "typo refused")
end

-- output
local dir = T.tmpdir()
out.tsv(dir .. "/u.tsv", { "T", "U" }, { { 0.1, -7.0 }, { 0.2, -6.5 } }, { seed = 3, script = "test" })
local f = io.open(dir .. "/u.tsv")
local txt = f:read("a")
f:close()
T.ok(txt:match("^# vitrum " .. vt.version:gsub("%.", "%%.")), "header names the vitrum version")
T.ok(txt:match("# seed = 3\n"), "header records parameters")
T.ok(txt:match("# T\tU\n0%.1\t%-7\n0%.2\t%-6%.5\n$"), "columns and rows")
T.raises(function() out.tsv("/nonexistent-dir/x.tsv", { "a" }, {}) end, "cannot write", "unwritable path")

-- histograms for the figures: over the data's range nothing is dropped
-- (GSL drops values outside [lo, hi), including hi itself)
local a = vt.array { 0.8, 1.0, 1.0, 1.2, 1.45, 0.75 }
local rows = out.hist_rows(a, 7)
local total = 0
for _, r in ipairs(rows) do total = total + r[2] end
T.is(total, #a, "hist_rows over the data's range counts every value, the maximum too")
T.close(rows[1][1], 0.75 + (1.45 - 0.75) / 14, 1e-6, 0, "the first bin starts at the minimum")
T.raises(function() out.hist_rows(a, 6, 0.8, 1.4) end, "2 of 6 values fall outside", "a range that would drop values is refused")
local lo, hi = out.range(a, vt.array { 2.0, 0.1 })
T.ok(lo == 0.1 and hi == 2.0, "common range of several arrays")
for _, c in ipairs(out.colours) do
  local r, g, b = tonumber(c:sub(2, 3), 16), tonumber(c:sub(4, 5), 16), tonumber(c:sub(6, 7), 16)
  -- no colour close to white or yellow: luminance below 0.6
  T.ok((0.2126 * r + 0.7152 * g + 0.0722 * b) / 255 < 0.6, "colour " .. c .. " reads on white")
end
if out.have_gnuplot() then
  out.tsv(dir .. "/h.tsv", { "x", "count", "density" }, rows, {})
  local png = out.plot { file = dir .. "/f.png", title = "t", xlabel = "x (sigma)", ylabel = "y", y2label = "y2",
    style = "histogram", series = { { file = dir .. "/h.tsv", x = 1, y = 3, title = "a" },
                                    { file = dir .. "/h.tsv", x = 1, y = 2, title = "b", axes = "x1y2" } },
    lines = { { expr = "0.5*x + 1", title = "fit", dash = true } }, vlines = { { x = 1.0, title = "T_g" } },
    hlines = { { y = 1, title = "threshold" } } }
  local g = png and io.open(png, "rb")
  T.ok(g and g:read(4) == "\137PNG", "a PNG with a second axis, fits and marks")
  if g then g:close() end
else
  T.ok(true, "# SKIP gnuplot is not installed")
end
os.execute("rm -rf '" .. dir .. "'")
T.done()
