-- vt.fit.linear, vt.stats.spearman / ranks / bootstrap from Lua: exact and
-- weighted lines (weights= and sigma= agree), fits through the origin, the
-- undefined errors of two points; Spearman of monotone maps; ranks within
-- species; the bootstrap of built-in and Lua-function statistics (a Lua
-- function computing the mean gives the built-in mean's interval exactly,
-- as the resamples are the same), paired statistics, and errors.
local T = dofile(os.getenv("VT_SRCDIR") .. "/t/tap.lua")
local vt = require "vitrum"

-- fits
local x, y = { 0, 1, 2, 3, 4 }, { 1, 3.1, 4.9, 7.2, 8.8 }
local f = vt.fit.linear(x, y)
T.close(f.slope, 1.97, 1e-12, 0, "slope of the plain fit")
T.ok(f.slope_err > 0 and f.intercept_err > 0 and f.dof == 3, "errors from the scatter, 3 dof")
local sig = { 0.1, 0.2, 0.1, 0.4, 0.2 }
local w = {}
for i, s in ipairs(sig) do w[i] = 1 / s ^ 2 end
local fw, fs = vt.fit.linear(x, y, { weights = w }), vt.fit.linear(x, y, { sigma = vt.array(sig) })
T.close(fw.slope, fs.slope, 1e-14, 0, "sigma= is weights = 1/sigma^2 (slope)")
T.close(fw.slope_err, fs.slope_err, 1e-14, 0, "sigma= is weights = 1/sigma^2 (error)")
-- the weighted slope error from the normal equations, by hand
local S, Sx, Sxx = 0, 0, 0
for i = 1, 5 do S = S + w[i]; Sx = Sx + w[i] * x[i]; Sxx = Sxx + w[i] * x[i] ^ 2 end
T.close(fw.slope_err, math.sqrt(S / (S * Sxx - Sx ^ 2)), 1e-12, 0, "weighted slope error = sqrt(S / (S Sxx - Sx^2))")
local fo = vt.fit.linear({ 1, 2, 3 }, { 2, 4.1, 5.9 }, { origin = true })
T.close(fo.slope, (2 + 8.2 + 17.7) / 14, 1e-12, 0, "fit through the origin: slope = sum xy / sum x^2")
T.is(fo.intercept, 0, "origin: intercept 0")
T.is(fo.intercept_err, nil, "origin: no intercept error")
local f2 = vt.fit.linear({ 1, 2 }, { 1, 3 })
T.close(f2.slope, 2, 1e-14, 0, "two points: the line through them")
T.is(f2.slope_err, nil, "two points: no error estimate")
T.raises(function() vt.fit.linear(x, y, { weights = w, sigma = sig }) end, "not both", "weights and sigma")
T.raises(function() vt.fit.linear(x, y, { weights = { 1, 2 } }) end, "5 values but 2 weights", "weights length")
T.raises(function() vt.fit.linear(x, y, { sigma = { 1, 1, 0, 1, 1 } }) end, "sigma 3 must be positive", "sigma 0")
T.raises(function() vt.fit.linear(x, y, { weight = w }) end, "unknown argument 'weight'", "unknown key")
T.raises(function() vt.fit.linear({ 1, 1, 1 }, { 1, 2, 3 }) end, "all x values", "equal x")

-- Spearman and ranks
local a, b = {}, {}
for i = 1, 30 do a[i] = math.sin(i * 1.7); b[i] = math.exp(3 * a[i]) end
T.close(vt.stats.spearman(a, b), 1.0, 0, 1e-14, "Spearman of a monotone map is 1 (to round-off)")
T.close(vt.stats.spearman(vt.array(a), vt.array(b)), 1.0, 0, 1e-14, "arrays too")
T.close(vt.stats.spearman(a, { table.unpack(b) }), 1.0, 0, 1e-14, "tables too")
local r = vt.stats.ranks({ 0.5, 9, 0.1, 7, 0.3, 8, 0.3, 1 }, { types = { 1, 2, 1, 2, 1, 2, 1, 2 } })
local want = { 4, 4, 1, 2, 2.5, 3, 2.5, 1 }
local same = #r == 8
for i = 1, 8 do same = same and r[i] == want[i] end
T.ok(same, "ranks within species, ties averaged")
local rn = vt.stats.ranks({ 3, 1, 2, 2 }, { normalize = true })
T.ok(rn[1] == 1 and rn[2] == 0 and rn[3] == 0.5 and rn[4] == 0.5, "normalized ranks: (rank - 1) / (N - 1)")
local rs = vt.stats.ranks({ 5, 1, 3, 7 }, { types = { 1, 1, 1, 2 }, normalize = true })
T.ok(rs[1] == 1 and rs[2] == 0 and rs[3] == 0.5 and rs[4] == 0.5, "normalized within species; a species of one gets 0.5")
T.raises(function() vt.stats.ranks({ 1, 2 }, { types = { 1 } }) end, "2 values but 1 types", "types length")
T.raises(function() vt.stats.ranks({ 1, 2 }, { types = { 1, 0.5 } }) end, "not a positive integer", "bad type")

-- bootstrap
local sample = {}
for i = 1, 40 do sample[i] = (i * 37 % 41) / 41 end
local m = vt.stats.bootstrap(sample, { n = 500, seed = 3 })
T.ok(m.mean == m.estimate and m.lo < m.mean and m.mean < m.hi, "mean: lo < mean < hi (" .. m.lo .. ", " .. m.hi .. ")")
local lf = vt.stats.bootstrap(sample, { n = 500, seed = 3, statistic = function(s) return s:mean() end })
T.ok(lf.lo == m.lo and lf.hi == m.hi and lf.se == m.se, "a Lua function statistic sees the same resamples")
T.is(lf.mean, nil, "no mean field for a function statistic")
local med = vt.stats.bootstrap(vt.array(sample), { statistic = "median", n = 300, level = 0.8 })
T.ok(med.lo <= med.estimate and med.estimate <= med.hi and med.level == 0.8 and med.n == 300, "median interval")
local sp = vt.stats.bootstrap(a, { statistic = "spearman", y = b, n = 200 })
T.ok(math.abs(sp.lo - 1) < 1e-14 and math.abs(sp.hi - 1) < 1e-14, "paired spearman of a monotone map: [1, 1]")
local pf = vt.stats.bootstrap(a, { y = b, n = 50, statistic = function(u, v) return vt.stats.spearman(u, v) end })
T.ok(math.abs(pf.lo - 1) < 1e-14, "a paired Lua statistic gets x and y resampled together")
T.raises(function() vt.stats.bootstrap(sample, { statistic = function() error("boom") end }) end, "boom", "errors propagate")
T.raises(function() vt.stats.bootstrap(sample, { statistic = function() return "x" end }) end, "must return a number", "non-number")
T.raises(function() vt.stats.bootstrap(sample, { statistic = "mode" }) end, "unknown statistic 'mode'", "unknown statistic")
T.raises(function() vt.stats.bootstrap(sample, { statistic = "spearman" }) end, "needs the paired sample", "paired needs y")
T.raises(function() vt.stats.bootstrap(sample, { y = sample }) end, "takes one sample", "y for the mean")
T.raises(function() vt.stats.bootstrap(a, { statistic = "pearson", y = { 1, 2 } }) end, "x has 30 values, y has 2", "y length")
T.raises(function() vt.stats.bootstrap(sample, { level = 1.5 }) end, "level", "level > 1")
T.done()
