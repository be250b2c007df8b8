-- vitrum.sweepdb: the sweep store (SQLite through vt.sqlite): the schema,
-- one transaction per finished task, merging SLURM shards, reading a store
-- back. The schema is documented in doc/sweeps.md; only the coordinator of
-- a sweep writes to a store.
--
--   tables
--     sweeps  (id, created, task, task_hash, definition, points, options, vitrum, host)
--             one row per distinct sweep definition run against the store
--     fields  (name PRIMARY KEY, role 'parameter'|'result', kind
--             'integer'|'real'|'text'|'array', cols)   -- cols: k of n x k arrays, 0 for vectors
--     results (id, key UNIQUE, seed, status 'pending'|'done'|'failed', attempts,
--             error, traceback, seconds, host, version, task_hash, finished,
--             <one column per parameter>, <one column per returned field>)
local vt = require "vitrum"
local stage = require "vitrum.stage"
local M = {}

M.reserved = {}
for _, c in ipairs{ "id", "key", "seed", "status", "attempts", "error", "traceback", "seconds", "host",
                    "version", "task_hash", "finished", "rowid", "oid", "_rowid_" } do M.reserved[c] = true end

function M.quote(name) return '"' .. name:gsub('"', '""') .. '"' end
local q = M.quote

local SCHEMA = [[
CREATE TABLE IF NOT EXISTS sweeps(id INTEGER PRIMARY KEY, created TEXT NOT NULL, task TEXT, task_hash TEXT,
  definition TEXT NOT NULL, points INTEGER, options TEXT, vitrum TEXT, host TEXT);
CREATE TABLE IF NOT EXISTS fields(name TEXT PRIMARY KEY, role TEXT NOT NULL, kind TEXT NOT NULL, cols INTEGER);
CREATE TABLE IF NOT EXISTS results(id INTEGER PRIMARY KEY, key TEXT UNIQUE NOT NULL, seed INTEGER,
  status TEXT NOT NULL DEFAULT 'pending', attempts INTEGER NOT NULL DEFAULT 0, error TEXT, traceback TEXT,
  seconds REAL, host TEXT, version TEXT, task_hash TEXT, finished TEXT);
CREATE INDEX IF NOT EXISTS results_status ON results(status);
]]

local Store = {}
Store.__index = Store

-- open (creating the schema); WAL journal, synchronous=FULL: a committed
-- row survives kill -9 and power loss, an interrupted write rolls back
function M.open(path, o)
  o = o or {}
  local lockfd
  if not o.readonly then
    -- one writer: a second coordinator on the same store is refused
    local fd, holder = vt.proc.lock(path .. ".lock")
    if not fd then
      error(("sweep: %s is being written by another sweep (process %s holds %s.lock); wait for it or use another store")
        :format(path, holder > 0 and tostring(holder) or "?", path), 0)
    end
    lockfd = fd
  end
  local okdb, db = pcall(vt.sqlite, path, { readonly = o.readonly, create = not o.readonly })
  if not okdb then if lockfd then vt.proc.unlock(lockfd) end error(db, 0) end
  local self = setmetatable({ db = db, path = path, fields = {}, lockfd = lockfd }, Store)
  if not o.readonly then
    local r = db:exec("PRAGMA journal_mode=WAL")
    if not (r[1] and r[1].journal_mode == "wal") then
      io.stderr:write(("sweep: %s: WAL journal not available here (%s); using it as it is\n")
        :format(path, r[1] and r[1].journal_mode or "?"))
    end
    db:exec("PRAGMA synchronous=FULL")
    db:exec(SCHEMA)
  else
    local r = db:exec("SELECT name FROM sqlite_master WHERE type='table' AND name='results'")
    if not r[1] then db:close(); error(("sweep: %s is not a sweep store (no results table)"):format(path), 0) end
  end
  self:load_fields()
  return self
end

function Store:close()
  if self.db then self.db:close(); self.db = nil end
  if self.lockfd then vt.proc.unlock(self.lockfd); self.lockfd = nil end
end
Store.__close = Store.close   -- `local st <close> = M.open(...)`: closed (and unlocked) on any exit

function Store:load_fields()
  self.fields = {}
  for _, r in ipairs(self.db:exec("SELECT name, role, kind, cols FROM fields")) do self.fields[r.name] = r end
end

function Store:begin() self.db:exec("BEGIN IMMEDIATE") end
function Store:commit() self.db:exec("COMMIT") end
function Store:rollback() pcall(self.db.exec, self.db, "ROLLBACK") end

-- inside a transaction: a column for a new field (checks the kind of a known one)
function Store:ensure_field(name, role, kind, cols)
  local f = self.fields[name]
  if f then
    if f.role ~= role then
      return nil, ("field '%s' is a %s already; a %s of the same name cannot be stored"):format(name, f.role, role)
    end
    local numeric = { integer = true, real = true }
    if f.kind ~= kind and not (numeric[f.kind] and numeric[kind]) then
      return nil, ("field '%s' was stored as %s, now it is %s"):format(name, f.kind, kind)
    end
    if kind == "array" and (f.cols or 0) ~= (cols or 0) then
      return nil, ("array field '%s' had %d columns, now %d"):format(name, f.cols or 0, cols or 0)
    end
    if f.kind == "integer" and kind == "real" then
      self.db:exec("UPDATE fields SET kind='real' WHERE name=?", name)
      f.kind = "real"
    end
    return true
  end
  if name == "seed" and role == "parameter" then   -- a seed parameter is the seed column itself
    if kind ~= "integer" then return nil, "'seed' must have integer values (it is the task's seed)" end
    self.db:exec("INSERT OR REPLACE INTO fields(name, role, kind, cols) VALUES('seed', 'parameter', 'integer', 0)")
    self.fields.seed = { name = "seed", role = "parameter", kind = "integer", cols = 0 }
    return true
  end
  if M.reserved[name:lower()] then return nil, ("'%s' is a reserved column name of the store"):format(name) end
  if not name:match("^[%a_][%w_]*$") then
    return nil, ("'%s' is not a usable field name (letters, digits and _, not starting with a digit)"):format(name)
  end
  local sqltype = ({ integer = "INTEGER", real = "REAL", text = "TEXT", array = "BLOB" })[kind]
  local have = {}
  for _, c in ipairs(self.db:exec("PRAGMA table_info(results)")) do have[c.name] = true end
  if not have[name] then self.db:exec(("ALTER TABLE results ADD COLUMN %s %s"):format(q(name), sqltype)) end
  self.db:exec("INSERT OR REPLACE INTO fields(name, role, kind, cols) VALUES(?,?,?,?)", name, role, kind, cols or 0)
  self.fields[name] = { name = name, role = role, kind = kind, cols = cols or 0 }
  return true
end

local function kind_of(v)
  if math.type(v) == "integer" then return "integer" end
  if type(v) == "number" then return "real" end
  if type(v) == "string" then return "text" end
  if type(v) == "boolean" then return "integer" end
  if stage.is_array(v) then return "array" end
end
M.kind_of = kind_of

-- the last definition run on the store, or nil
function Store:last_definition()
  return self.db:exec("SELECT * FROM sweeps ORDER BY id DESC LIMIT 1")[1]
end

-- register a definition and its points (one transaction); returns
-- { new_points =, known_points =, changed =, previous = }
function Store:define(def, points)
  local prev = self:last_definition()
  local info = { previous = prev, changed = prev ~= nil and (prev.definition ~= def.definition or prev.task_hash ~= def.task_hash) }
  self:begin()
  local ok, err = pcall(function()
    for name, kind in pairs(def.param_kinds) do
      local okf, ferr = self:ensure_field(name, "parameter", kind, 0)
      if not okf then error("sweep: parameter " .. ferr, 0) end
    end
    if not prev or info.changed then
      self.db:exec("INSERT INTO sweeps(created, task, task_hash, definition, points, options, vitrum, host) VALUES(?,?,?,?,?,?,?,?)",
        os.date("!%Y-%m-%dT%H:%M:%SZ"), def.task, def.task_hash, def.definition, #points, def.options, vt.version, def.host)
    end
    local names = def.param_names
    local cols, marks = { "key", "seed" }, { "?", "?" }
    local pnames = {}
    for _, n in ipairs(names) do
      if n ~= "seed" then pnames[#pnames + 1] = n; cols[#cols + 1] = q(n); marks[#marks + 1] = "?" end
    end
    local sql = ("INSERT OR IGNORE INTO results(%s) VALUES(%s)"):format(table.concat(cols, ","), table.concat(marks, ","))
    local new = 0
    for _, p in ipairs(points) do
      local args = { p.key, p.seed }
      for i, n in ipairs(pnames) do args[i + 2] = p.params[n] end
      self.db:exec(sql, table.unpack(args, 1, #pnames + 2))
      new = new + self.db:changes()
    end
    info.new_points = new
    info.known_points = #points - new
  end)
  if not ok then self:rollback(); error(err, 0) end
  self:commit()
  return info
end

-- the rows of `keys` that still need running: pending, or failed with
-- fewer than 1 + retries attempts. Returns a set key -> { id, attempts, status }
function Store:runnable(retries)
  local out, failed_final = {}, 0
  for _, r in ipairs(self.db:exec("SELECT id, key, status, attempts FROM results WHERE status <> 'done'")) do
    if r.status == "pending" or r.attempts < 1 + retries then out[r.key] = r
    else failed_final = failed_final + 1 end
  end
  return out, failed_final
end

-- one finished task, one transaction. res = { ok=, fields=, error=, traceback=,
-- seconds=, host= }. Returns the status recorded: 'failed' also when the
-- fields cannot be stored (the message says why).
function Store:record(id, res, task_hash)
  self:begin()
  local ok, err = pcall(function()
    local sets, args = {}, {}
    local status, emsg, tb = res.ok and "done" or "failed", res.error, res.traceback
    if res.ok then
      local names = {}
      for k in pairs(res.fields or {}) do names[#names + 1] = k end
      table.sort(names)
      for _, k in ipairs(names) do
        local v = res.fields[k]
        local kind = kind_of(v)
        local cols = 0
        if kind == "array" then cols = #v.shape == 2 and v.shape[2] or 0 end
        local okf, ferr = self:ensure_field(k, "result", kind, cols)
        if not okf then status, emsg, tb = "failed", "the task's result cannot be stored: " .. ferr, nil; sets, args = {}, {}; break end
        sets[#sets + 1] = q(k) .. "=?"
        if type(v) == "boolean" then v = v and 1 or 0 end
        args[#args + 1] = v
      end
    end
    local base = { "status=?", "attempts=attempts+1", "error=?", "traceback=?", "seconds=?", "host=?", "version=?",
                   "task_hash=?", "finished=?" }
    local bargs = { status, emsg, tb, res.seconds, res.host, vt.version, task_hash, os.date("!%Y-%m-%dT%H:%M:%SZ") }
    for i, s in ipairs(sets) do base[#base + 1] = s; bargs[#bargs + 1] = args[i] end
    local n = #bargs
    bargs[n + 1] = id
    self.db:exec(("UPDATE results SET %s WHERE id=?"):format(table.concat(base, ",")), table.unpack(bargs, 1, n + 1))
    return status
  end)
  if not ok then self:rollback(); error(err, 0) end
  self:commit()
  return err
end

function Store:counts()
  local c = { pending = 0, done = 0, failed = 0, total = 0 }
  for _, r in ipairs(self.db:exec("SELECT status, count(*) AS n FROM results GROUP BY status")) do
    c[r.status] = r.n
    c.total = c.total + r.n
  end
  return c
end

-- columns of results in table order
function Store:columns()
  local cols = {}
  for _, c in ipairs(self.db:exec("PRAGMA table_info(results)")) do cols[#cols + 1] = c.name end
  return cols
end

---------------------------------------------------------------------------
-- merging shards: every key once; a finished row wins over a pending or
-- failed one, a failed row with more attempts over one with fewer

function M.merge(o)
  assert(type(o) == "table" and type(o.store) == "string" and type(o.shards) == "table",
         "sweep.merge{ shards = { 'a.db', ... }, store = 'results.db' }")
  local dst <close> = M.open(o.store)
  local stats = { inserted = 0, replaced = 0, duplicates = 0, shards = #o.shards }
  for _, path in ipairs(o.shards) do
    if path == o.store then dst:close(); error(("sweep merge: %s is both a shard and the target"):format(path), 0) end
    local src <close> = M.open(path, { readonly = true })
    local rows = src.db:exec("SELECT * FROM results")
    local defs = src.db:exec("SELECT * FROM sweeps ORDER BY id")
    dst:begin()
    local ok, err = pcall(function()
      for name, f in pairs(src.fields) do
        local okf, ferr = dst:ensure_field(name, f.role, f.kind, f.cols)
        if not okf then error(("sweep merge: %s: %s"):format(path, ferr), 0) end
      end
      for _, d in ipairs(defs) do
        local have = dst.db:exec("SELECT id FROM sweeps WHERE definition=? AND task_hash IS ? AND options IS ?",
                                 d.definition, d.task_hash, d.options)
        if not have[1] then
          dst.db:exec("INSERT INTO sweeps(created, task, task_hash, definition, points, options, vitrum, host) VALUES(?,?,?,?,?,?,?,?)",
            d.created, d.task, d.task_hash, d.definition, d.points, d.options, d.vitrum, d.host)
        end
      end
      local cols = src:columns()
      local names, marks = {}, {}
      for _, c in ipairs(cols) do if c ~= "id" then names[#names + 1] = c; marks[#marks + 1] = "?" end end
      local qnames = {}
      for i, c in ipairs(names) do qnames[i] = q(c) end
      local ins = ("INSERT INTO results(%s) VALUES(%s)"):format(table.concat(qnames, ","), table.concat(marks, ","))
      for _, r in ipairs(rows) do
        local old = dst.db:exec("SELECT id, status, attempts FROM results WHERE key=?", r.key)[1]
        local args = {}
        for i, c in ipairs(names) do
          local v = r[c]
          if v ~= nil and src.fields[c] and src.fields[c].kind == "array" then v = { blob = v } end
          args[i] = v
        end
        local replace = false
        if old then
          local rank = { pending = 0, failed = 1, done = 2 }
          if rank[r.status] > rank[old.status] or (r.status == old.status and r.status == "failed" and r.attempts > old.attempts) then
            replace = true
          end
        end
        if not old then
          dst.db:exec(ins, table.unpack(args, 1, #names))
          stats.inserted = stats.inserted + 1
        elseif replace then
          dst.db:exec("DELETE FROM results WHERE id=?", old.id)
          dst.db:exec(ins, table.unpack(args, 1, #names))
          stats.replaced = stats.replaced + 1
        else
          stats.duplicates = stats.duplicates + 1
        end
      end
    end)
    src:close()
    if not ok then dst:rollback(); dst:close(); error(err, 0) end
    dst:commit()
  end
  stats.counts = dst:counts()
  dst:close()
  return stats
end

---------------------------------------------------------------------------
-- reading back

-- rows of results as Lua tables (blobs of array fields as vt.arrays);
-- o.status ('done' by default, 'all' for every row), o.where (SQL) + o.args
function M.rows(path, o)
  o = o or {}
  local st <close> = M.open(path, { readonly = true })
  local where, args = {}, {}
  local status = o.status or "done"
  if status ~= "all" then where[#where + 1] = "status=?"; args[#args + 1] = status end
  if o.where then where[#where + 1] = "(" .. o.where .. ")"; for _, a in ipairs(o.args or {}) do args[#args + 1] = a end end
  local sql = "SELECT * FROM results" .. (#where > 0 and (" WHERE " .. table.concat(where, " AND ")) or "") .. " ORDER BY id"
  local rows = st.db:exec(sql, table.unpack(args))
  for _, r in ipairs(rows) do
    for name, f in pairs(st.fields) do
      if f.kind == "array" and r[name] then r[name] = vt.proc.bytes_array(r[name], f.cols or 0) end
    end
  end
  local fields = st.fields
  st:close()
  return rows, fields
end

return M
