-- vitrum.sweep: parameter sweeps -- resumable ensembles in an SQLite store
-- (vitrum.sweepdb), run by a pool of fresh worker processes on one machine,
-- by MPI ranks under mpirun, or as SLURM array shards merged afterwards.
-- doc/sweeps.md is the user's page (schema, queries, clusters).
--
--   local sweep = require "vitrum.sweep"
--   sweep.run{ task = fn | script = "task.lua", grid = { rc = {1.1, 1.2}, seed = {1, 2} } | points = {...},
--              store = "results.db", workers = 2, threads = 1, retries = 1, quiet = false,
--              shard = { index = 0, count = 4 } }  -> summary
--   sweep.merge{ shards = { "a.db", "b.db" }, store = "results.db" }
--   sweep.main(args)                 -- `vitrum sweep ...` (src/main.c)
--   sweep.rows / group / summarize / tsv / plot / arrays: aggregation (vitrum.sweepagg)
local vt = require "vitrum"
local stage = require "vitrum.stage"
local db = require "vitrum.sweepdb"
local agg = require "vitrum.sweepagg"
local M = {}

for k, v in pairs(agg) do M[k] = v end
M.merge = db.merge

---------------------------------------------------------------------------
-- points

-- numbers in their shortest form that reads back exactly (0.8, not 0.80000000000000004)
local function valstr(v)
  if math.type(v) == "integer" then return tostring(v) end
  if type(v) == "number" then
    for digits = 15, 17 do
      local t = ("%." .. digits .. "g"):format(v)
      if tonumber(t) == v then
        if not t:find("[%.eEn]") then t = t .. ".0" end   -- a float stays a float: 2.0, not 2
        return t
      end
    end
  end
  return ("%q"):format(v)
end

-- the canonical key of a point: name=value pairs in name order
local function point_key(params, names)
  local parts = {}
  for i, n in ipairs(names) do parts[i] = n .. "=" .. valstr(params[n]) end
  return table.concat(parts, ";")
end

-- the task's seed: the `seed` parameter when there is one (an integer),
-- otherwise derived from the key (FNV-1a 64, reduced to 1 .. 2^31 - 1)
local function point_seed(params, key)
  if params.seed ~= nil then
    if math.type(params.seed) ~= "integer" then error("sweep: the parameter 'seed' must be an integer (it is the task's seed)", 0) end
    return params.seed
  end
  local h = tonumber(stage.hash(key):sub(-8), 16)
  return h % 2147483647 + 1
end
M.point_seed = function(params)
  local names = {}
  for k in pairs(params) do names[#names + 1] = k end
  table.sort(names)
  return point_seed(params, point_key(params, names))
end

local function check_value(where, name, v)
  local t = type(v)
  if t == "number" then
    if v ~= v or v == math.huge or v == -math.huge then error(("sweep: %s: parameter '%s' is not finite"):format(where, name), 0) end
    return math.type(v) == "integer" and "integer" or "real"
  elseif t == "string" then return "text"
  end
  error(("sweep: %s: parameter '%s' is a %s (numbers and strings only)"):format(where, name, t), 0)
end

-- list of { params =, key =, seed = } in a fixed order, the sorted names
-- and each name's kind
local function make_points(o)
  local list, names, kinds = {}, {}, {}
  if o.grid then
    if o.points then error("sweep: give grid or points, not both", 0) end
    if type(o.grid) ~= "table" then error("sweep: grid must be a table { name = { values } }", 0) end
    for n, vals in pairs(o.grid) do
      if type(n) ~= "string" then error("sweep: grid keys must be parameter names", 0) end
      if type(vals) ~= "table" or #vals == 0 then error(("sweep: grid.%s must be a non-empty list of values"):format(n), 0) end
      names[#names + 1] = n
    end
    if #names == 0 then error("sweep: the grid is empty", 0) end
    table.sort(names)
    local combos = { {} }
    for _, n in ipairs(names) do
      local seen, nextc = {}, {}
      for i, v in ipairs(o.grid[n]) do
        local kd = check_value("grid", n, v)
        if kinds[n] and kinds[n] ~= kd and not (kinds[n] ~= "text" and kd ~= "text") then
          error(("sweep: grid.%s mixes numbers and strings"):format(n), 0)
        end
        kinds[n] = (kinds[n] == "real" or kd == "real") and kd ~= "text" and "real" or kd
        if seen[valstr(v)] then error(("sweep: grid.%s lists %s twice (value %d)"):format(n, valstr(v), i), 0) end
        seen[valstr(v)] = true
      end
      for _, c in ipairs(combos) do
        for _, v in ipairs(o.grid[n]) do
          local p = {}
          for k, x in pairs(c) do p[k] = x end
          p[n] = v
          nextc[#nextc + 1] = p
        end
      end
      combos = nextc
    end
    for _, p in ipairs(combos) do list[#list + 1] = { params = p } end
  elseif o.points then
    if type(o.points) ~= "table" or #o.points == 0 then error("sweep: points must be a non-empty list of tables", 0) end
    local nameset = {}
    for i, p in ipairs(o.points) do
      if type(p) ~= "table" then error(("sweep: points[%d] is not a table"):format(i), 0) end
      for n, v in pairs(p) do
        if type(n) ~= "string" then error(("sweep: points[%d] has a non-name key"):format(i), 0) end
        local kd = check_value(("points[%d]"):format(i), n, v)
        if kinds[n] and (kinds[n] == "text") ~= (kd == "text") then error(("sweep: parameter '%s' mixes numbers and strings"):format(n), 0) end
        kinds[n] = (kinds[n] == "real" or kd == "real") and kd ~= "text" and "real" or kd
        nameset[n] = true
      end
      list[#list + 1] = { params = p }
    end
    for n in pairs(nameset) do names[#names + 1] = n end
    table.sort(names)
  else
    error("sweep: give grid = { name = { values } } or points = { { name = value }, ... }", 0)
  end
  local seen = {}
  for i, pt in ipairs(list) do
    pt.key = point_key(pt.params, names)
    if seen[pt.key] then error(("sweep: point %d (%s) is given twice"):format(i, pt.key), 0) end
    seen[pt.key] = true
    pt.seed = point_seed(pt.params, pt.key)
  end
  for _, n in ipairs(names) do
    if db.reserved[n:lower()] and n ~= "seed" then error(("sweep: '%s' is a reserved column name of the store; rename the parameter"):format(n), 0) end
  end
  return list, names, kinds
end
M.make_points = make_points

---------------------------------------------------------------------------
-- the task: a function (sent to workers as bytecode; no upvalues but _ENV)
-- or a script (a chunk that returns the function)

local function task_source(o)
  if o.task and o.script then error("sweep: give task or script, not both", 0) end
  if o.script then
    if type(o.script) ~= "string" then error("sweep: script must be a file name", 0) end
    local f, err = io.open(o.script, "rb")
    if not f then error(("sweep: cannot read the task script: %s"):format(err), 0) end
    local src = f:read("a")
    f:close()
    local chunk, lerr = load(src, "@" .. o.script)
    if not chunk then error("sweep: " .. lerr, 0) end
    return { kind = "script", script = o.script, name = o.script, hash = stage.hash(src) }
  end
  if type(o.task) ~= "function" then error("sweep: task must be a function (or give script = 'task.lua')", 0) end
  for i = 1, 255 do
    local name = debug.getupvalue(o.task, i)
    if not name then break end
    if name ~= "_ENV" then
      error(("sweep: the task function uses the local variable '%s' from outside it; tasks run in other " ..
             "processes, so require or compute everything inside the function (or use script = ...)"):format(name), 0)
    end
  end
  local code = string.dump(o.task, true)
  local info = debug.getinfo(o.task, "S")
  return { kind = "function", code = code, name = ("function at %s:%d"):format(info.short_src, info.linedefined),
           hash = stage.hash(code) }
end

-- in a worker (or inline): the callable task
local function load_task(src)
  if src.kind == "script" then
    local chunk, err = loadfile(src.script)
    if not chunk then error(err, 0) end
    local fn = chunk()
    if type(fn) ~= "function" then
      error(("task script %s must return a function (it returned a %s)"):format(src.script, type(fn)), 0)
    end
    return fn
  end
  local fn, err = load(src.code, "=task", "b")
  if not fn then error(err, 0) end
  return fn
end

local HOST = vt.proc.info().host or "?"

-- run one task, catching its error; fields checked so that what comes back
-- can be stored
local function execute(fn, t)
  local p = {}
  for k, v in pairs(t.params) do p[k] = v end
  p.seed = t.seed
  local t0 = vt.clock()
  local tb
  local ok, res = xpcall(fn, function(e)
    tb = debug.traceback(tostring(e), 2)
    return tostring(e)
  end, p)
  local out = { id = t.id, seconds = vt.clock() - t0, host = HOST }
  if ok then
    if res == nil then res = {} end
    if type(res) ~= "table" then
      ok, res = false, ("the task returned a %s; it must return a table of fields"):format(type(res))
    else
      for k, v in pairs(res) do
        if type(k) ~= "string" then ok, res = false, "the task's result has a non-string key " .. tostring(k); break end
        if not db.kind_of(v) then
          ok, res = false, ("the task's field '%s' is a %s (numbers, strings, booleans or vt.arrays only)"):format(k, type(v))
          break
        end
        if t.params[k] ~= nil or k == "seed" then ok, res = false, ("the task's field '%s' is also a parameter name"):format(k); break end
      end
    end
  end
  if ok then out.ok, out.fields = true, res
  else out.ok, out.error, out.traceback = false, tostring(res), tb end
  return out
end

---------------------------------------------------------------------------
-- workers: a loop over messages; the transport is a socket (pool) or MPI

local function worker_loop(recv, send)
  local fn, fatal
  while true do
    local msg = recv()
    if msg == nil or msg.quit then return end
    if msg.init then
      if msg.threads and msg.threads > 0 then vt.threads(msg.threads) end
      local ok, err = pcall(function() fn = load_task(msg.init) end)
      if not ok then fatal = tostring(err) end
      send{ ready = true, fatal = fatal, host = HOST, pid = vt.proc.info().pid }
    elseif msg.task then
      local sent
      if fatal then sent = send{ id = msg.task.id, ok = false, error = fatal, seconds = 0, host = HOST }
      else sent = send(execute(fn, msg.task)) end
      if sent == false then return end   -- the coordinator has gone (stopped or killed)
    end
  end
end

-- entry of a pool worker process (spawned with the socket as fd 3)
function M.worker()
  local ppid = tonumber(os.getenv("VT_SWEEP_PARENT") or "")
  if ppid and vt.proc.die_with_parent(ppid) then return end
  local fd = 3
  worker_loop(function()
    local s = vt.proc.recv(fd)
    return s and stage.decode(s)
  end, function(m) return vt.proc.send(fd, stage.encode(m)) and true or false end)
end

-- the pool's transport: slots = workers; wait() -> slot, message | nil, why
local function pool_transport(n, threads, quiet)
  local info = vt.proc.info()
  local exe = info.exe
  if not exe then error("sweep: cannot find the running program (/proc/self/exe) to start workers", 0) end
  local code = "require('vitrum.sweep').worker()"
  local T = { slots = {}, kind = "pool" }
  local function spawn(i)
    local pid, fd = vt.proc.spawn({ exe, "-e", code }, { "VT_SWEEP_PARENT=" .. info.pid,
                                   "OMP_NUM_THREADS=" .. threads })
    T.slots[i] = { pid = pid, fd = fd, alive = true }
  end
  for i = 1, n do spawn(i) end
  function T.send(i, m)
    local ok, err = vt.proc.send(T.slots[i].fd, stage.encode(m))
    return ok, err
  end
  function T.wait()
    while true do
      local fds, idx = {}, {}
      for i, s in ipairs(T.slots) do if s.alive then fds[#fds + 1] = s.fd; idx[#idx + 1] = i end end
      if #fds == 0 then return nil end
      local ready = vt.proc.poll(fds, 1.0)
      if #ready > 0 then
        local i = idx[ready[1]]
        local s = T.slots[i]
        local msg, err = vt.proc.recv(s.fd)
        if msg then return i, stage.decode(msg) end
        s.alive = false
        vt.proc.close(s.fd)
        local state, code2 = vt.proc.wait(s.pid, true)
        s.reaped = true
        local why = state == "killed" and ("killed by signal %d"):format(code2)
                 or state == "exited" and ("exited with status %d"):format(code2) or tostring(err)
        return i, nil, ("worker process %d died (%s)"):format(s.pid, why)
      end
      if T.tick then T.tick() end
    end
  end
  T.respawn = spawn
  -- a worker with nothing more to do: told to quit, no longer waited on
  function T.retire(i)
    local s = T.slots[i]
    if s.alive then
      vt.proc.send(s.fd, stage.encode{ quit = true })
      vt.proc.close(s.fd)
      s.alive = false
    end
  end
  function T.close()
    for i, s in ipairs(T.slots) do
      T.retire(i)
      if not s.reaped then vt.proc.wait(s.pid, true); s.reaped = true end
    end
  end
  return T
end

-- MPI: rank 0 coordinates, ranks 1..size-1 are the slots
local function mpi_transport(size)
  local T = { slots = {}, kind = "mpi" }
  for r = 1, size - 1 do T.slots[r] = { rank = r, alive = true } end
  function T.send(i, m) vt.mpi.send(i, stage.encode(m)); return true end
  function T.wait()
    local src, s = vt.mpi.recv()
    return src, stage.decode(s)
  end
  function T.retire(i) vt.mpi.send(i, stage.encode{ quit = true }) end
  function T.close() end
  return T
end

---------------------------------------------------------------------------
-- progress

local function progress_bar(total, quiet)
  local info = vt.proc.info()
  local vq = os.getenv("VT_QUIET") or ""
  local tty = info.stderr_tty and not quiet and (vq == "" or vq == "0")
  local P = { done = 0, failed = 0, total = total, t0 = vt.clock(), last = -1 }
  local function fmt_time(s)
    s = math.floor(s + 0.5)
    return ("%d:%02d:%02d"):format(s // 3600, s // 60 % 60, s % 60)
  end
  function P.draw(force)
    if not tty then return end
    local now = vt.clock()
    if not force and now - P.last < 0.2 then return end
    P.last = now
    local n = P.done + P.failed
    local width = 30
    local fill = total > 0 and math.floor(width * n / total) or width
    local eta = n > 0 and (now - P.t0) / n * (total - n) or 0
    io.stderr:write(("\r[%s%s] %d/%d  failed %d  elapsed %s  ETA %s "):format(("#"):rep(fill), ("-"):rep(width - fill),
      n, total, P.failed, fmt_time(now - P.t0), n > 0 and fmt_time(eta) or "?"))
    io.stderr:flush()
  end
  function P.finish() if tty then P.draw(true); io.stderr:write("\n") end end
  return P
end

---------------------------------------------------------------------------
-- the coordinator

local function shard_from_env()
  local id, count = os.getenv("SLURM_ARRAY_TASK_ID"), os.getenv("SLURM_ARRAY_TASK_COUNT")
  if not id or not count then return nil end
  local min = tonumber(os.getenv("SLURM_ARRAY_TASK_MIN") or "0") or 0
  return { index = math.tointeger(tonumber(id) - min), count = math.tointeger(tonumber(count)), slurm = true }
end
M.shard_from_env = shard_from_env

-- a shard never writes the named store itself: results.db -> results.shard-2-of-4.db
function M.shard_store(store, shard)
  local base, ext = store:match("^(.*)(%.[%w]+)$")
  if not base then base, ext = store, "" end
  return ("%s.shard-%d-of-%d%s"):format(base, shard.index, shard.count, ext)
end

local known = { task = true, script = true, grid = true, points = true, store = true, workers = true, threads = true,
                retries = true, quiet = true, shard = true, mpi = true, transport = true }

function M.run(o)
  if type(o) ~= "table" then error("sweep.run{ task = ..., grid = ..., store = ... }", 2) end
  for k in pairs(o) do if not known[k] then error(("sweep.run: unknown option '%s'"):format(tostring(k)), 2) end end
  if type(o.store) ~= "string" or o.store == "" then error("sweep.run: store = 'results.db' is required", 2) end
  local retries = o.retries or 1
  if math.type(retries) ~= "integer" or retries < 0 then error("sweep.run: retries must be an integer >= 0", 2) end
  local cores = vt.proc.info().cores
  local workers, threads = o.workers, o.threads
  if workers ~= nil and (math.type(workers) ~= "integer" or workers < 0) then error("sweep.run: workers must be an integer >= 0 (0: run in this process)", 2) end
  if threads ~= nil and (math.type(threads) ~= "integer" or threads < 1) then error("sweep.run: threads must be an integer >= 1", 2) end
  threads = threads or (workers == 0 and cores) or math.max(1, workers and cores // workers or 1)
  workers = workers or math.max(1, cores // threads)
  local say = o.quiet and function() end or function(fmt, ...) io.stderr:write("sweep: ", fmt:format(...), "\n") end

  local src = task_source(o)
  local points, names, kinds = make_points(o)
  local shard = o.shard
  if shard == nil then shard = shard_from_env() end
  local store = o.store
  if shard then
    if math.type(shard.index) ~= "integer" or math.type(shard.count) ~= "integer" or shard.count < 1
       or shard.index < 0 or shard.index >= shard.count then
      error("sweep.run: shard = { index = 0 .. count-1, count = n }", 2)
    end
    local mine = {}
    for j, p in ipairs(points) do if (j - 1) % shard.count == shard.index then mine[#mine + 1] = p end end
    points = mine
    store = M.shard_store(o.store, shard)
    say("shard %d of %d: %d points into %s", shard.index, shard.count, #points, store)
  end

  -- the definition: grid or points, the names, the task source hash
  local defn = stage.encode({ grid = o.grid, points = o.points, names = names })
  local st <close> = db.open(store)
  local def = { definition = defn, task = src.name, task_hash = src.hash, param_kinds = kinds, param_names = names,
                options = stage.encode{ retries = retries, shard = shard and { shard.index, shard.count } or nil },
                host = HOST }
  local info = st:define(def, points)
  if info.previous and info.changed then
    if info.previous.task_hash ~= src.hash then
      say("the task's source changed since the last run of %s (hash %s -> %s): finished rows are kept; " ..
          "the task_hash column tells them apart (use a new store to recompute them)",
          store, tostring(info.previous.task_hash), src.hash)
    end
    if info.previous.definition ~= defn then
      say("the sweep definition changed: %d new points added, %d already in the store", info.new_points, info.known_points)
    end
  end

  local runnable, final_failed = st:runnable(retries)
  local to_run = {}
  for _, p in ipairs(points) do
    local r = runnable[p.key]
    if r then to_run[#to_run + 1] = { id = r.id, params = p.params, seed = p.seed, key = p.key } end
  end
  local summary = { store = store, points = #points, ran = 0, done = 0, failed = 0, skipped = #points - #to_run,
                    gave_up = final_failed }
  if final_failed > 0 then say("%d failed tasks have used their %d retries and are not run again", final_failed, retries) end
  if #to_run == 0 then
    if o.transport == "mpi" then local Tm = mpi_transport(o.mpi); for i in pairs(Tm.slots) do Tm.retire(i) end end
    local c = st:counts()
    st:close()
    summary.counts = c
    say("%s: nothing to do (%d done, %d failed)", store, c.done, c.failed)
    return summary
  end
  say("%s: %d of %d points to run (%s)", store, #to_run, #points,
      (o.transport == "mpi") and "MPI" or (workers == 0 and "in this process" or ("%d workers x %d threads"):format(workers, threads)))

  local bar = progress_bar(#to_run, o.quiet)
  local function finished(res)
    local interrupted = not res.ok and res.error and res.error:match("interrupted!$")
    if interrupted then return end   -- Ctrl-C: the task stays pending
    local status = st:record(res.id, res, src.hash)
    summary.ran = summary.ran + 1
    if status == "done" then summary.done = summary.done + 1; bar.done = bar.done + 1
    else summary.failed = summary.failed + 1; bar.failed = bar.failed + 1 end
    bar.draw(false)
  end

  local T
  local ok, err = pcall(function()
    if workers == 0 and o.transport ~= "mpi" then
      vt.threads(threads)
      local fn = load_task(src)
      for _, t in ipairs(to_run) do finished(execute(fn, t)) end
      return
    end
    T = o.transport == "mpi" and mpi_transport(o.mpi_size or o.mpi) or pool_transport(math.min(workers, #to_run), threads, o.quiet)
    T.tick = function() bar.draw(false) end
    local by_id, inflight, next_i = {}, {}, 1
    for _, t in ipairs(to_run) do by_id[t.id] = t end
    local init = { init = src, threads = threads }
    for i in pairs(T.slots) do T.send(i, init) end
    local function feed(i)
      if next_i > #to_run then return false end
      local t = to_run[next_i]
      next_i = next_i + 1
      inflight[i] = t
      local sent = T.send(i, { task = { id = t.id, params = t.params, seed = t.seed } })
      return sent
    end
    local active, early_deaths = 0, 0
    for _ in pairs(T.slots) do active = active + 1 end
    while active > 0 do
      local i, msg, why = T.wait()
      if i == nil then break end
      if msg == nil then                      -- a worker died: its task failed
        local t = inflight[i]
        inflight[i] = nil
        if t then finished{ id = t.id, ok = false, error = why, seconds = nil, host = HOST }
        else
          early_deaths = early_deaths + 1      -- died before taking a task: do not respawn forever
          if early_deaths >= 3 then error(("sweep: workers die while starting (%s)"):format(why), 0) end
        end
        active = active - 1
        if next_i <= #to_run and T.respawn then
          say("%s; starting another", why)
          T.respawn(i)
          T.send(i, init)
          active = active + 1
        end
      elseif msg.ready then
        if msg.fatal then error("sweep: the task cannot be loaded in the worker: " .. msg.fatal, 0) end
        if not feed(i) then T.retire(i); active = active - 1 end
      else
        inflight[i] = nil
        finished(msg)
        if not feed(i) then T.retire(i); active = active - 1 end
      end
    end
    T.close()
  end)
  if not ok and T and T.kind == "pool" then pcall(T.close) end
  bar.finish()
  summary.counts = st:counts()
  st:close()
  if not ok then
    if tostring(err):match("interrupted!$") then
      error(("sweep interrupted: %s holds %d done, %d failed, %d pending; run the same sweep again to resume")
        :format(store, summary.counts.done, summary.counts.failed, summary.counts.pending), 0)
    end
    error(err, 0)
  end
  say("%s: ran %d tasks (%d done, %d failed); the store holds %d done, %d failed, %d pending", store, summary.ran,
      summary.done, summary.failed, summary.counts.done, summary.counts.failed, summary.counts.pending)
  return summary
end

---------------------------------------------------------------------------
-- the command line: vitrum sweep ...

local usage = [[
usage: vitrum sweep TASK.lua --grid name=values [--grid ...] --store results.db [options]
       vitrum sweep merge SHARD.db ... --store results.db

TASK.lua is a chunk that returns the task function: function(p) ... return { field = value, ... } end
(p holds the point's parameters and p.seed).

  --grid name=v1,v2,...   a list of values (numbers or strings)
  --grid name=a:b         the integers a, a+1, ..., b;  name=a:b:step  numbers from a to b
  --store FILE            the SQLite store (created if missing; re-running resumes it)
  --workers K             worker processes (default: cores / threads; 0: in this process)
  --threads T             OpenMP threads per worker (default: cores / workers)
  --retries R             failed tasks are run again on later runs, at most R times (default 1)
  --shard I/N             take share I (0..N-1) of N and write a shard store (default from
                          SLURM_ARRAY_TASK_ID / SLURM_ARRAY_TASK_COUNT when set)
  --quiet                 no progress bar or messages
Under mpirun (vitrum built with MPI), rank 0 coordinates and writes the store.
Exit status: 0 when every point is done, 2 when some failed, 1 on an error.
See doc/sweeps.md.
]]

local function parse_values(name, spec)
  local a, b, step = spec:match("^([^:]+):([^:]+):([^:]+)$")
  if not a then a, b = spec:match("^([^:,]+):([^:,]+)$") end
  if a then
    local x, y, s = tonumber(a), tonumber(b), step and tonumber(step)
    if not x or not y or (step and not s) then error(("sweep: --grid %s=%s: a range needs numbers"):format(name, spec), 0) end
    local vals = {}
    if not step then
      if math.type(x) ~= "integer" or math.type(y) ~= "integer" then
        error(("sweep: --grid %s=%s: a:b is a range of integers (use a:b:step for numbers)"):format(name, spec), 0)
      end
      for v = x, y do vals[#vals + 1] = v end
    else
      if s == 0 or (y - x) / s < 0 then error(("sweep: --grid %s=%s: the step does not lead from a to b"):format(name, spec), 0) end
      local n = math.floor((y - x) / s + 1e-9)
      for i = 0, n do
        local v = x + i * s
        if math.type(x) == "integer" and math.type(s) == "integer" then v = math.tointeger(v) end
        vals[#vals + 1] = v
      end
    end
    if #vals == 0 then error(("sweep: --grid %s=%s is empty"):format(name, spec), 0) end
    return vals
  end
  local vals = {}
  for item in (spec .. ","):gmatch("([^,]*),") do
    if item == "" then error(("sweep: --grid %s=%s has an empty value"):format(name, spec), 0) end
    vals[#vals + 1] = tonumber(item) or item
  end
  return vals
end
M.parse_values = parse_values

-- sweep.range(a, b [, step]): the list a, a + step, ... up to b (integers for integer arguments)
function M.range(a, b, step)
  if step == nil then
    if math.type(a) ~= "integer" or math.type(b) ~= "integer" then error("sweep.range(a, b): integers (or give a step)", 2) end
    local t = {}
    for v = a, b do t[#t + 1] = v end
    return t
  end
  return parse_values("range", ("%s:%s:%s"):format(a, b, step))
end

local function parse_args(args)
  local o = { grid = {} }
  local files = {}
  local i = 1
  local function value(opt)
    i = i + 1
    if args[i] == nil then error(("sweep: %s needs a value"):format(opt), 0) end
    return args[i]
  end
  local function int(opt, s, min)
    local v = math.tointeger(tonumber(s))
    if not v or v < min then error(("sweep: %s needs an integer >= %d, got '%s'"):format(opt, min, s), 0) end
    return v
  end
  while i <= #args do
    local a = args[i]
    local opt, inline = a:match("^(%-%-[%w%-]+)=(.*)$")
    if opt then a = opt end
    local function val() if inline then local v = inline; inline = nil; return v end return value(a) end
    if a == "--help" or a == "-h" then o.help = true
    elseif a == "--grid" then
      local spec = val()
      local name, vals = spec:match("^([%a_][%w_]*)=(.+)$")
      if not name then error(("sweep: --grid needs name=values, got '%s'"):format(spec), 0) end
      if o.grid[name] then error(("sweep: --grid %s given twice"):format(name), 0) end
      o.grid[name] = parse_values(name, vals)
    elseif a == "--store" then o.store = val()
    elseif a == "--workers" then o.workers = int(a, val(), 0)
    elseif a == "--threads" then o.threads = int(a, val(), 1)
    elseif a == "--retries" then o.retries = int(a, val(), 0)
    elseif a == "--shard" then
      local s = val()
      local x, y = s:match("^(%d+)/(%d+)$")
      if not x then error(("sweep: --shard needs I/N, got '%s'"):format(s), 0) end
      o.shard = { index = math.tointeger(tonumber(x)), count = math.tointeger(tonumber(y)) }
    elseif a == "--quiet" then o.quiet = true
    elseif a:sub(1, 1) == "-" then error(("sweep: unknown option '%s' (vitrum sweep --help)"):format(a), 0)
    else files[#files + 1] = a end
    i = i + 1
  end
  return o, files
end

local function under_mpi()
  for _, v in ipairs{ "OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_RANK", "MPI_LOCALNRANKS" } do
    if os.getenv(v) then return true end
  end
  return false
end

function M.main(args)
  local ok, code = pcall(function()
    if args[1] == "merge" then
      local rest = {}
      for i = 2, #args do rest[#rest + 1] = args[i] end
      local o, files = parse_args(rest)
      if o.help then io.write(usage); return 0 end
      if not o.store then error("sweep merge: --store results.db is required", 0) end
      if #files == 0 then error("sweep merge: no shard stores given", 0) end
      local s = M.merge{ shards = files, store = o.store }
      if not o.quiet then
        io.stderr:write(("sweep merge: %d shards into %s: %d rows added, %d replaced by finished ones, %d duplicates skipped; %d done, %d failed, %d pending\n")
          :format(s.shards, o.store, s.inserted, s.replaced, s.duplicates, s.counts.done, s.counts.failed, s.counts.pending))
      end
      return (s.counts.failed > 0 or s.counts.pending > 0) and 2 or 0
    end
    local o, files = parse_args(args)
    if o.help then io.write(usage); return 0 end
    if #files ~= 1 then error("sweep: give exactly one task script (vitrum sweep --help)", 0) end
    if next(o.grid) == nil then error("sweep: give at least one --grid name=values", 0) end
    if not o.store then error("sweep: --store results.db is required", 0) end
    o.script = files[1]
    if under_mpi() then
      if not vt.mpi then error("sweep: running under mpirun, but this vitrum was built without MPI (configure --with-mpi)", 0) end
      local rank, size = vt.mpi.init()
      if size > 1 then
        if rank ~= 0 then
          worker_loop(function() local _, s = vt.mpi.recv(); return stage.decode(s) end,
                      function(m) vt.mpi.send(0, stage.encode(m)) end)
          vt.mpi.finalize()
          return 0
        end
        o.transport, o.mpi = "mpi", size
        local okr, res = pcall(M.run, o)
        if not okr then
          io.stderr:write(tostring(res), "\n")
          vt.mpi.abort(1)
          return 1
        end
        vt.mpi.finalize()
        return (res.counts.failed > 0 or res.counts.pending > 0) and 2 or 0
      end
    end
    local res = M.run(o)
    return (res.counts.failed > 0 or res.counts.pending > 0) and 2 or 0
  end)
  if not ok then io.stderr:write("vitrum ", tostring(code), "\n"); return 1 end
  return code
end

return M
