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

-- MSD = 0.01 exp(10 (T - 0.2)) reaches 1 at T = 0.2 + ln(100)/10
local M = {}
for i, t in ipairs(Ts) do M[i] = 0.01 * math.exp(10 * (t - 0.2)) end
local to = ramp.onset{ T = Ts, msd = M }
T.close(to, 0.2 + math.log(100) / 10, 0, 2e-3, "T_o of an exponential MSD (linear interpolation between samples)")
T.close(ramp.onset{ T = { 0.1, 0.2, 0.3 }, msd = { 0.2, 0.6, 1.4 } }, 0.25, 1e-12, 0, "T_o interpolates linearly")
T.is(ramp.onset{ T = { 0.1, 0.2 }, msd = { 0.1, 0.2 } }, nil, "T_o is nil when never reached")
T.close(ramp.onset{ T = { 0.1, 0.2 }, msd = { 0.1, 0.2 }, threshold = 0.15 }, 0.15, 1e-12, 0, "threshold option")

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
