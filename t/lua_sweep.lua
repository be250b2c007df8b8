-- Sweeps (lua/vitrum/sweep.lua): every grid point exactly once with the
-- right values and seeds, the pool equal to an in-process run, failures
-- recorded with message and traceback and retried on later runs up to
-- `retries`, a changed definition adding its new points, shards merged
-- without duplicates into the pool's table, arrays stored and read back
-- bit for bit, exact messages, aggregation (mean, standard error, seeded
-- bootstrap), and the refusals. Process kills: t/sweep_kill.sh.
local T = dofile(os.getenv("VT_SRCDIR") .. "/t/tap.lua")
local sweep = require "vitrum.sweep"
local stage = require "vitrum.stage"

local dir = os.tmpname()
os.remove(dir)
os.execute("mkdir -p '" .. dir .. "'")
local function path(n) return dir .. "/" .. n end

-- a cheap task: a function of the parameters, an array, a failure at one point
local function task(p)
  if p.fail and p.x == 2 and p.y == "b" then error("planned failure at x=2 y=b") end
  local a = vt.array({ p.x, p.x * 0.1, 1 / 3 })
  return { f = p.x * 10 + #p.y + 0.5, label = p.y .. p.x, a = a, seed_seen = p.seed }
end
local grid = { x = { 1, 2, 3, 4 }, y = { "a", "bb", "b" } }

local function table_of(store)
  local rows = sweep.rows(store, { status = "all" })
  local t, n = {}, 0
  for _, r in ipairs(rows) do t[r.key] = r; n = n + 1 end
  return t, n, rows
end

-- 1. the pool: every point once, values and seeds right
local s = sweep.run{ task = task, grid = grid, store = path("pool.db"), workers = 2, quiet = true }
T.is(s.ran, 12, "pool: 12 tasks ran")
local pool, n, rows = table_of(path("pool.db"))
T.is(n, 12, "pool: 12 rows")
local once, good, seeds = true, true, true
local seen = {}
for _, r in ipairs(rows) do
  local k = r.x .. r.y
  if seen[k] then once = false end
  seen[k] = true
  if r.status ~= "done" or r.f ~= r.x * 10 + #r.y + 0.5 or r.label ~= r.y .. r.x then good = false end
  if r.seed ~= sweep.point_seed{ x = r.x, y = r.y } or r.seed_seen ~= r.seed then seeds = false end
  if not (r.seconds >= 0 and r.host and r.version == vt.version and r.attempts == 1) then good = false end
end
T.ok(once, "pool: each (x, y) appears once")
T.ok(good, "pool: fields, status, seconds, host, version per row")
T.ok(seeds, "pool: seed derived from the parameters, the same the task saw")
local distinct = {}
for _, r in ipairs(rows) do distinct[r.seed] = true end
local nd = 0
for _ in pairs(distinct) do nd = nd + 1 end
T.is(nd, 12, "pool: the 12 derived seeds differ")

-- 2. arrays round trip exactly
local r1 = pool['x=3;y="a"']
T.ok(r1 and r1.a and #r1.a == 3 and r1.a[1] == 3 and r1.a[2] == 3 * 0.1 and r1.a[3] == 1 / 3,
     "an array field reads back bit for bit")

-- 3. in this process (workers = 0): the same table
sweep.run{ task = task, grid = grid, store = path("inline.db"), workers = 0, quiet = true }
local inl = table_of(path("inline.db"))
local same = true
for k, r in pairs(pool) do
  local q = inl[k]
  if not q or q.f ~= r.f or q.label ~= r.label or q.seed ~= r.seed then same = false end
end
T.ok(same, "workers = 0 gives the pool's table")

-- 4. re-running skips finished rows
local s2 = sweep.run{ task = task, grid = grid, store = path("pool.db"), workers = 2, quiet = true }
T.is(s2.ran, 0, "re-running a finished sweep runs nothing")

-- 5. failures: recorded with message and traceback, retried up to `retries`
local fgrid = { x = { 1, 2, 3 }, y = { "a", "b" }, fail = { 1 } }
local f1 = sweep.run{ task = task, grid = fgrid, store = path("fail.db"), workers = 2, retries = 2, quiet = true }
T.is(f1.failed, 1, "one task failed")
T.is(f1.done, 5, "the others finished")
local ft = table_of(path("fail.db"))
local bad = ft['fail=1;x=2;y="b"']
T.ok(bad and bad.status == "failed" and bad.error:find("planned failure at x=2 y=b", 1, true) ~= nil,
     "the failure's message is recorded")
T.ok(bad and bad.traceback and bad.traceback:find("stack traceback", 1, true) ~= nil, "and its traceback")
local f2 = sweep.run{ task = task, grid = fgrid, store = path("fail.db"), workers = 2, retries = 2, quiet = true }
T.is(f2.ran, 1, "the next run retries only the failed task")
local f3 = sweep.run{ task = task, grid = fgrid, store = path("fail.db"), workers = 2, retries = 2, quiet = true }
T.is(f3.ran, 1, "and the one after (retries = 2)")
local f4 = sweep.run{ task = task, grid = fgrid, store = path("fail.db"), workers = 2, retries = 2, quiet = true }
T.ok(f4.ran == 0 and f4.gave_up == 1, "then it is not run again (3 attempts)")
T.is(table_of(path("fail.db"))['fail=1;x=2;y="b"'].attempts, 3, "attempts counted")

-- 6. a changed definition adds its new points and keeps the old rows
local g2 = { x = { 1, 2, 3, 4, 5 }, y = { "a", "bb", "b" } }
local s3 = sweep.run{ task = task, grid = g2, store = path("pool.db"), workers = 2, quiet = true }
T.is(s3.ran, 3, "an extended grid runs only its 3 new points")
local _, n3 = table_of(path("pool.db"))
T.is(n3, 15, "15 rows, none twice")
do
  local st = vt.sqlite(path("pool.db"), { readonly = true })
  local defs = st:exec("SELECT count(*) AS n FROM sweeps")[1].n
  T.is(defs, 2, "both definitions recorded in the sweeps table")
  T.is(st:exec("PRAGMA journal_mode")[1].journal_mode, "wal", "the store is in WAL mode")
  st:close()
end

-- 7. shards and merge: the pool's table, no duplicates even when merged twice
for i = 0, 2 do
  sweep.run{ task = task, grid = grid, store = path("sh.db"), workers = 1, shard = { index = i, count = 3 }, quiet = true }
end
local shards = { path("sh.shard-0-of-3.db"), path("sh.shard-1-of-3.db"), path("sh.shard-2-of-3.db") }
local m = sweep.merge{ shards = shards, store = path("merged.db") }
T.is(m.inserted, 12, "merge: 12 rows from 3 shards")
local m2 = sweep.merge{ shards = { shards[2] }, store = path("merged.db") }
T.ok(m2.inserted == 0 and m2.duplicates == 4, "merging a shard again adds nothing")
local merged, nm = table_of(path("merged.db"))
T.is(nm, 12, "merged store: 12 rows")
local msame = true
for k, r in pairs(merged) do
  local p = pool[k]
  if not p or p.f ~= r.f or p.seed ~= r.seed or p.label ~= r.label or r.status ~= "done"
     or r.a[3] ~= p.a[3] then msame = false end
end
T.ok(msame, "merged shards equal the pool's table (arrays included)")

-- 8. refusals
local up = 1
T.raises(function() sweep.run{ task = function() return { v = up } end, grid = { x = { 1 } }, store = path("x.db") } end,
         "local variable 'up'", "a task with upvalues is refused with the name")
T.raises(function() sweep.run{ task = task, grid = { x = {} }, store = path("x.db") } end,
         "non%-empty list", "an empty grid axis")
T.raises(function() sweep.run{ task = task, grid = { x = { 1, 1 } }, store = path("x.db") } end,
         "twice", "a repeated value")
T.raises(function() sweep.run{ task = task, grid = { status = { 1 } }, store = path("x.db") } end,
         "reserved", "a parameter named like a store column")
T.raises(function() sweep.run{ task = task, grid = { x = { 1 } }, store = path("x.db"), wokers = 2 } end,
         "unknown option 'wokers'", "a misspelt option")
T.raises(function() sweep.run{ task = task, grid = { x = { 0 / 0 } }, store = path("x.db") } end,
         "not finite", "a NaN parameter")
local nested = sweep.run{ task = function() return { t = { 1 } } end, grid = { x = { 1 } }, store = path("n.db"),
                          workers = 0, quiet = true }
T.is(nested.failed, 1, "a task returning a nested table fails")
T.ok(table_of(path("n.db"))["x=1"].error:find("field 't' is a table", 1, true) ~= nil, "with a message naming the field")
local kinds = sweep.run{ task = function(p) if p.x == 1 then return { v = 1 } end return { v = "s" } end,
                         grid = { x = { 1, 2 } }, store = path("k.db"), workers = 0, quiet = true }
T.is(kinds.failed, 1, "a field changing from number to text fails the later task")
T.raises(function() sweep.merge{ shards = { path("nonexistent.db") }, store = path("m3.db") } end,
         "nonexistent.db", "merging a missing shard names it")

-- 9. messages are exact
local v = { 0.1, 1 / 3, -0.0, 1e308, 5e-324, 2 ^ 53 + 1, math.huge, -math.huge, "a\0b\n\"", true,
            t = { k = vt.array({ { 1, 2 }, { 3, 4 } }) } }
local back = stage.decode(stage.encode(v))
local exact = true
for i = 1, 10 do if back[i] ~= v[i] or math.type(back[i]) ~= math.type(v[i]) then exact = false end end
T.ok(exact, "encode/decode: floats, integers, infinities, binary strings exactly")
local nan = stage.decode(stage.encode{ 0 / 0 })[1]
T.ok(nan ~= nan, "encode/decode: NaN")
T.ok(back.t.k:get(2, 1) == 3 and back.t.k.shape[2] == 2, "encode/decode: an n x k array")
T.is(stage.encode{ b = 1, a = 2, 3 }, stage.encode{ 3, a = 2, b = 1 }, "equal tables encode to equal text")
T.is(stage.hash(""), "cbf29ce484222325", "FNV-1a 64 of the empty string")
T.is(stage.hash("a"), "af63dc4c8601ec8c", "FNV-1a 64 of 'a'")

-- 10. aggregation
local sum = sweep.summarize{ store = path("pool.db"), by = { "y" }, field = "f", bootstrap = 2000, seed = 3 }
T.is(#sum, 3, "summarize: one group per value of y")
local ga = sum[1]   -- y = "a": f = 10 x + 1.5 for x = 1..5
T.ok(ga.y == "a" and ga.n == 5, "summarize: groups in order, counts")
T.close(ga.mean, 31.5, 1e-14, 0, "summarize: mean")
T.close(ga.sem, math.sqrt(250) / math.sqrt(5), 1e-12, 0, "summarize: standard error")
T.ok(ga.lo < ga.mean and ga.mean < ga.hi and ga.lo >= 11.5 and ga.hi <= 51.5, "bootstrap CI brackets the mean")
local again = sweep.summarize{ store = path("pool.db"), by = { "y" }, field = "f", bootstrap = 2000, seed = 3 }
T.ok(again[1].lo == ga.lo and again[1].hi == ga.hi, "the bootstrap is reproducible for a seed")
-- the percentile bootstrap of a mean: its CI half-width is close to 1.96 sem for n = 200 normal-ish data
local x = {}
for i = 1, 200 do x[i] = math.sin(i * 12.9898) * 43758.5453 % 1 end
local st = sweep.stats(x, { bootstrap = 4000, seed = 7 })
T.close((st.hi - st.lo) / 2, 1.96 * st.sem, 0.1, 0, "bootstrap CI half-width ~ 1.96 sem (n = 200)")
local tsv = sweep.tsv(sum, path("f.tsv"))
local fh = io.open(tsv)
local text = fh:read("a")
fh:close()
T.ok(text:find("# vitrum ", 1, true) and text:find("# field = f", 1, true) and text:find("bootstrap", 1, true),
     "TSV with provenance header")
local out = require "vitrum.output"
local sum2 = sweep.summarize{ store = path("pool.db"), by = { "x", "y" }, field = "f", bootstrap = 100 }
local fig, why = sweep.plot{ summary = sum2, x = "x", series = "y", file = path("f.png"), ylabel = "f" }
local c1 = io.open(path("f-1.tsv"))
local c1text = c1 and c1:read("a") or ""
if c1 then c1:close() end
T.ok(c1text:find("# y = a", 1, true) and select(2, c1text:gsub("\n[^#][^\n]*", "")) == 5,
     "plot: one TSV per curve (y = a: 5 values of x)")
if out.have_gnuplot() then
  local pf = fig and io.open(fig, "rb")
  T.ok(pf and pf:read(8) == "\137PNG\r\n\26\n", "plot: a PNG figure through gnuplot")
  if pf then pf:close() end
else
  T.ok(fig == nil and why:find("gnuplot"), "plot: without gnuplot, nil and the reason")
end
local arrs = sweep.arrays(path("pool.db"), { "x", "f" })
T.ok(#arrs.x == 15 and arrs.f:sum() == (function() local t = 0 for _, r in ipairs(sweep.rows(path("pool.db"))) do t = t + r.f end return t end)(),
     "arrays: columns of the done rows as vt.arrays")

-- 11. the command line's value lists
local pv = sweep.parse_values
T.ok(#pv("seed", "1:100") == 100 and math.type(pv("seed", "1:100")[100]) == "integer", "a:b integer range")
local r3 = pv("T", "0.5:1.0:0.25")
T.ok(#r3 == 3 and r3[3] == 1.0, "a:b:step range")
local l = pv("m", "fire,lbfgs,2")
T.ok(l[1] == "fire" and l[3] == 2, "comma list of strings and numbers")
T.raises(function() pv("x", "1.5:3") end, "range of integers", "a:b needs integers")

-- a `seed` parameter is the task's seed and the store's seed column
local sd = sweep.run{ task = function(p) return { got = p.seed } end, grid = { seed = { 5, 7 }, x = { 1 } },
                      store = path("seed.db"), workers = 0, quiet = true }
local srows = sweep.rows(path("seed.db"))
T.ok(sd.done == 2 and srows[1].seed == 5 and srows[1].got == 5 and srows[2].seed == 7 and srows[2].got == 7,
     "a seed parameter is the seed the task gets and the seed column")
T.is(sweep.summarize{ rows = srows, by = { "seed" }, field = "got" }[2].mean, 7.0, "and groups like any parameter")
T.raises(function() sweep.run{ task = task, grid = { seed = { 1.5 } }, store = path("x.db") } end,
         "must be an integer", "a non-integer seed parameter")

-- one writer per store
do
  local held = require("vitrum.sweepdb").open(path("pool.db"))
  T.raises(function() sweep.run{ task = task, grid = grid, store = path("pool.db"), workers = 0, quiet = true } end,
           "being written by another sweep %(process %d+", "a second coordinator on a store is refused")
  held:close()
  T.is(sweep.run{ task = task, grid = grid, store = path("pool.db"), workers = 0, quiet = true }.ran, 0,
       "once the first has closed it, the store opens again")
end

-- 12. the command line: errors name the problem, exit status 1; done = 0, failures = 2
local vitrum = (os.getenv("VT_BUILDDIR") or ".") .. "/vitrum"
local function sh(args)
  -- under timeout(1) when there is one: a regression that hangs fails instead
  local p = io.popen(("%s'%s' %s 2>&1; echo \"status=$?\""):format(
    os.execute("command -v timeout > /dev/null 2>&1") and "timeout 120 " or "", vitrum, args))
  local text = p:read("a")
  p:close()
  return text, tonumber(text:match("status=(%d+)%s*$"))
end
local tf = io.open(path("t.lua"), "w")
tf:write("return function(p) if p.x == 3 then error('x is 3') end return { y = p.x * 2 } end\n")
tf:close()
local txt, st1 = sh(("sweep '%s' --grid x=1:2 --store '%s' --quiet"):format(path("t.lua"), path("cli.db")))
T.is(st1, 0, "vitrum sweep: exit 0 when every point is done")
txt, st1 = sh(("sweep '%s' --grid x=1:3 --store '%s' --quiet"):format(path("t.lua"), path("cli.db")))
T.is(st1, 2, "vitrum sweep: exit 2 when a task failed")
txt, st1 = sh(("sweep '%s' --grid x=1:3 --store '%s' --wrokers 2"):format(path("t.lua"), path("cli.db")))
T.ok(st1 == 1 and txt:find("unknown option '--wrokers'", 1, true), "vitrum sweep: an unknown option is named")
txt, st1 = sh(("sweep '%s' --store '%s'"):format(path("t.lua"), path("cli.db")))
T.ok(st1 == 1 and txt:find("at least one --grid", 1, true), "vitrum sweep: no grid")
txt, st1 = sh(("sweep '%s' --grid x=1:3"):format(path("t.lua")))
T.ok(st1 == 1 and txt:find("--store", 1, true), "vitrum sweep: no store")
txt, st1 = sh(("sweep '%s' --grid x=1:3 --store '%s'"):format(path("missing.lua"), path("cli.db")))
T.ok(st1 == 1 and txt:find("missing.lua", 1, true), "vitrum sweep: a missing task script is named")
txt, st1 = sh("sweep merge --store x.db")
T.ok(st1 == 1 and txt:find("no shard stores", 1, true), "vitrum sweep merge: no shards")
txt, st1 = sh("sweep --help")
T.ok(st1 == 0 and txt:find("usage: vitrum sweep", 1, true), "vitrum sweep --help")
local bad = io.open(path("bad.lua"), "w")
bad:write("return 42\n")
bad:close()
txt, st1 = sh(("sweep '%s' --grid x=1:2 --store '%s' --workers 1"):format(path("bad.lua"), path("bad.db")))
T.ok(st1 == 1 and txt:find("must return a function", 1, true), "a task script that returns no function is refused")

local dies = io.open(path("dies.lua"), "w")
dies:write("os.exit(3)\n")
dies:close()
txt, st1 = sh(("sweep '%s' --grid x=1:2 --store '%s' --workers 1"):format(path("dies.lua"), path("dies.db")))
T.ok(st1 == 1 and txt:find("workers die while starting %(worker process %d+ died %(exited with status 3%)%)"),
     "workers that die while loading the task stop the sweep (no endless respawning)")

os.execute("rm -rf '" .. dir .. "'")
T.done()
