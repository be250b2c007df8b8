-- Writing files (issue 23; the rules are in src/core/util.h and
-- doc/lua-api.md "Files"): device nodes and FIFOs are written through,
-- never replaced; symlinks are followed (the link stays); a full disk is
-- an error; stale temporaries of dead processes are removed; trajectory
-- write failures name the file and the frame. Before the fix a clone of
-- /dev/full became a regular file and the write reported success, and a
-- symlink was replaced by a regular file.
local T = dofile(os.getenv("VT_SRCDIR") .. "/t/tap.lua")
local vt = require "vitrum"

local dir = os.tmpname()
os.remove(dir)
assert(os.execute("mkdir -p '" .. dir .. "'"))
local function run(cmd) local h = io.popen(cmd); local l = h:read("l"); h:close(); return l end
local function sh(cmd) return os.execute(cmd) == true end
local function kind(path)   -- what `test` says the path is
  for _, k in ipairs{ { "-L", "symlink" }, { "-c", "char" }, { "-p", "fifo" }, { "-d", "dir" }, { "-f", "file" } } do
    if sh(("test %s '%s'"):format(k[1], path)) then return k[2] end
  end
  return "none"
end
local function slurp(path) local f = io.open(path, "rb"); if not f then return nil end local d = f:read("a"); f:close(); return d end

local s = vt.system{ n = 64, density = 0.8, init = "lattice", seed = 1 }

-- a full disk
T.raises(function() vt.write(s, "/dev/full", { format = "xyz" }) end, "writing '/dev/full' failed: No space left on device",
         "/dev/full: the full disk is an error")
T.ok(kind("/dev/full") == "char", "/dev/full is still a character device")
-- a clone of /dev/full (mknod needs root: skipped otherwise)
local clone = dir .. "/full.xyz"
if sh(("mknod '%s' c 1 7 2>/dev/null"):format(clone)) then
  T.raises(function() vt.write(s, clone) end, "No space left on device", "a clone of /dev/full: error")
  T.ok(kind(clone) == "char", "the clone is still a character device, not replaced by a file")
else
  T.ok(true, "# SKIP mknod needs root")
  T.ok(true, "# SKIP mknod needs root")
end
-- /dev/null: written through, no temporary beside it
vt.write(s, "/dev/null", { format = "lammps-data" })
T.ok(kind("/dev/null") == "char", "/dev/null: written through, still a device")

-- /dev/stdout redirected to a file opened for appending: written through
-- (replacing the file would lose what it held)
do
  local log = dir .. "/log.txt"
  local f = io.open(log, "w"); f:write("before\n"); f:close()
  local script = dir .. "/w.lua"
  f = io.open(script, "w")
  f:write('local vt = require "vitrum"; vt.write(vt.system{ n = 3, box = { 5, 5, 5 }, init = "lattice" }, "/dev/stdout", { format = "xyz" })\n')
  f:close()
  sh(("'%s/vitrum' '%s' >> '%s'"):format(os.getenv("VT_BUILDDIR"), script, log))
  local d = slurp(log) or ""
  T.ok(d:find("^before\n3\n") ~= nil, "/dev/stdout appended to a file: written through, the earlier content kept")
end

-- a FIFO: written through to its reader
local fifo, out = dir .. "/pipe.xyz", dir .. "/from_pipe.xyz"
if sh(("mkfifo '%s'"):format(fifo)) then
  sh(("cat '%s' > '%s' &"):format(fifo, out))
  vt.write(s, fifo)
  sh("sleep 0.2")
  local back = vt.read(out)
  T.ok(kind(fifo) == "fifo" and back.n == s.n, "a FIFO is written through to its reader and stays a FIFO")
else
  T.ok(true, "# SKIP mkfifo failed")
end

-- symlinks are followed: the target is replaced, the link stays
local target, link = dir .. "/target.xyz", dir .. "/link.xyz"
vt.write(vt.system{ n = 8, density = 0.5, init = "lattice" }, target)
sh(("ln -s target.xyz '%s'"):format(link))
vt.write(s, link)
T.ok(kind(link) == "symlink" and vt.read(target).n == 64, "a symlink stays a symlink; its target got the new content")
sh(("ln -s nowhere.xyz '%s/dangling.xyz'"):format(dir))
T.raises(function() vt.write(s, dir .. "/dangling.xyz") end, "symbolic link to 'nowhere.xyz', which does not exist",
         "a link to nothing is refused")
T.raises(function() vt.write(s, dir, { format = "xyz" }) end, "is a directory", "a directory is refused")
T.ok(kind(dir .. "/nowhere.xyz") == "none", "nothing was created behind the dangling link")

-- permissions of an existing file are kept
local perm = dir .. "/perm.data"
vt.write(s, perm)
sh(("chmod 640 '%s'"):format(perm))
vt.write(s, perm)
local p = run(("stat -c %%a '%s'"):format(perm))
T.is(p, "640", "an existing file keeps its permission bits")

-- stale temporaries: a dead process's is removed when the target is
-- written again; a live process's (pid 1) and another host's are kept
local host = run("hostname"):gsub("[^%w_-]", "_")
local dead = tonumber(run("sh -c 'echo $$'"))   -- exited and reaped by close
local ck = dir .. "/run.vtc"
local stale = ("%s.tmp.%s.%d"):format(ck, host, dead)
local live = ("%s.tmp.%s.1"):format(ck, host)
local other = ("%s.tmp.otherhost.%d"):format(ck, dead)
for _, f in ipairs{ stale, live, other } do io.open(f, "w"):close() end
vt.write(s, ck)
T.ok(kind(stale) == "none", "the dead process's temporary is gone")
T.ok(kind(live) == "file" and kind(other) == "file", "a live process's and another host's temporaries are kept")
T.ok(vt.read(ck).n == s.n, "the target was written")
local leftovers = run(("ls '%s' | grep -c '\\.tmp\\.%s\\.[0-9]*$' || true"):format(dir, host))
T.is(leftovers, "1", "no temporary of ours left behind (only pid 1's)")

-- trajectory write failures name the file and the frame
for _, ext in ipairs{ "dump", "xyz" } do
  local tl = ("%s/traj_full.%s"):format(dir, ext)
  sh(("ln -s /dev/full '%s'"):format(tl))
  local t = vt.trajectory(tl, "w")
  local ok, err
  for k = 1, 50 do
    ok, err = pcall(t.write, t, s, { step = 10 * k })
    if not ok then break end
  end
  T.ok(not ok and tostring(err):find("trajectory " .. tl:gsub("%p", "%%%0") .. ": writing frame %d+ %(step %d+%) failed: write error: No space left on device"),
       ext .. " trajectory on a full disk: " .. tostring(err))
  local okc, errc = pcall(t.close, t)
  T.ok(not okc and kind(tl) == "symlink", ext .. ": close reports the failure, the link and device stay: " .. tostring(errc))
end

sh(("rm -rf '%s'"):format(dir))
T.done()
