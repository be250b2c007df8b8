-- A tiny TAP producer for Lua tests run by `vitrum` (see t/tap.h for C).
-- local T = dofile(os.getenv("VT_SRCDIR") .. "/t/tap.lua")
local T = { n = 0, failed = 0 }

local function report(cond, name)
  T.n = T.n + 1
  io.write(cond and "ok " or "not ok ", T.n, " - ", name or "", "\n")
  if not cond then T.failed = T.failed + 1 end
  io.stdout:flush()
  return cond
end

function T.diag(...) io.write("# ", table.concat({ ... }, " "), "\n") end

function T.ok(cond, name) return report(cond and true or false, name) end

function T.is(got, want, name)
  local c = report(got == want, name)
  if not c then T.diag(("  got %s, want %s"):format(tostring(got), tostring(want))) end
  return c
end

-- |got - want| <= max(rel*|want|, abs)
function T.close(got, want, rel, abs, name)
  local tol = math.max((rel or 0) * math.abs(want), abs or 0)
  local c = report(type(got) == "number" and math.abs(got - want) <= tol, name)
  if not c then T.diag(("  got %.17g, want %.17g, tol %.3g"):format(got or 0 / 0, want, tol)) end
  return c
end

-- f must raise an error whose message matches `pattern`
function T.raises(f, pattern, name)
  local okc, err = pcall(f)
  local c = report(not okc and tostring(err):find(pattern) ~= nil, name)
  if not c then T.diag("  " .. (okc and "no error raised" or ("error was: " .. tostring(err)))) end
  return c
end

function T.skip_all(why)
  io.write("1..0 # SKIP ", why, "\n")
  os.exit(0)
end

function T.done()
  io.write("1..", T.n, "\n")
  os.exit(T.failed == 0 and 0 or 1)
end

T.srcdir = os.getenv("VT_SRCDIR") or "."
T.shared = os.getenv("VT_SHARED") or (T.srcdir .. "/t/data")
T.tmpdir = function()
  local d = os.tmpname()
  os.remove(d)
  os.execute("mkdir -p '" .. d .. "'")
  return d
end

return T
