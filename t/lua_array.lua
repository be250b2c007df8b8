-- vt.array from Lua: indexing, shapes, statistics, histogram, select, I/O.
local T = dofile(os.getenv("VT_SRCDIR") .. "/t/tap.lua")
local vt = require "vitrum"

local a = vt.array{ 3, 1, 4, 1, 5 }
T.is(#a, 5, "#a")
T.is(a[3], 4.0, "a[3]")
T.is(a.shape[1], 5, "shape n")
T.is(a.shape[2], nil, "vector shape has one entry")
T.is(a:sum(), 14.0, "sum")
T.close(a:mean(), 2.8, 1e-15, 0, "mean")
T.is(a:min(), 1.0, "min")
T.is(a:max(), 5.0, "max")
T.is(a:quantile(0.5), 3.0, "median")
T.raises(function() return a[6] end, "out of range", "index past the end")
T.raises(function() return a[0] end, "out of range", "index 0")
a[2] = 10
T.is(a[2], 10.0, "assignment")

local h = a:histogram{ bins = 2, range = { 0, 10 } }
T.is(#h.counts, 2, "two bins")
T.is(h.counts[1] + h.counts[2], 4.0, "10 is outside [0,10)")
local h2 = a:histogram{ bins = 5 }
T.is(h2.counts:sum(), 5.0, "default range counts every value, the maximum included")

local b = vt.array{ { 1, 2, 3 }, { 4, 5, 6 } }
T.is(b.shape[2], 3, "n x 3 shape")
T.is(b[2][3], 6.0, "row access")
T.is(b:get(2, 1), 4.0, "get(i, j)")
local sel = b:select{ false, true }
T.is(#sel, 1, "select by boolean mask")
T.is(sel[1][1], 4.0, "selected row")
T.is(#a:totable(), 5, "totable")

local dir = T.tmpdir()
b:write(dir .. "/b.tsv", "vitrum test\nsecond line")
local f = io.open(dir .. "/b.tsv")
local txt = f:read("a")
f:close()
T.ok(txt:match("^# vitrum test\n# second line\n1\t2\t3\n4\t5\t6\n$"), "TSV with a '#' header")
T.raises(function() b:write("/nonexistent-dir/b.tsv") end, "nonexistent", "unwritable path")
T.ok(tostring(a):match("vt.array%(5%)"), "tostring")
T.done()
