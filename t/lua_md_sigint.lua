-- Ctrl-C during md:run: a `vitrum` process running a long NVT run gets
-- SIGINT; it must finish the current step, write the checkpoint it was asked
-- for, and exit with status 1 and "interrupted" on stderr; the checkpoint
-- must restore, with the run pending.
local T = dofile(os.getenv("VT_SRCDIR") .. "/t/tap.lua")
local vt = require "vitrum"
local build = os.getenv("VT_BUILDDIR")
if not build or build == "" then T.skip_all("VT_BUILDDIR is not set") end
local prog = build .. "/vitrum"
local dir = T.tmpdir()
local ck, started = dir .. "/run.vtc", dir .. "/started"

local script = dir .. "/run.lua"
local f = assert(io.open(script, "w"))
f:write(([[
local s = vt.system{ n = 500, density = 0.75, init = "lattice", seed = 1, mass = "volume",
                     species = { { fraction = 0.5, diameter = 1.0 }, { fraction = 0.5, diameter = 1.2 } } }
s:set_potential(vt.potential.lj_smooth{ inner = 2.5, outer = 2.75 })
s:thermalize{ T = 1.0, seed = 2 }
local md = vt.md{ system = s, dt = 0.005, T = 1.0 }
md:run{ steps = 200000, T = { 1.0, 0.5 }, checkpoint = { file = %q, every = 1000000 }, every = 20,
        observe = function(step)
          if step == 20 then local g = io.open(%q, "w"); g:write("go"); g:close() end
        end }
print("finished without interruption")
]]):format(ck, started))
f:close()

-- start it in the background, wait until md:run is running, then SIGINT;
-- a watchdog kills it if the signal is not honoured
local sh = ([[
cd '%s' || exit 2
'%s' run.lua > out.txt 2> err.txt &
p=$!
( sleep 120; kill -KILL $p 2>/dev/null ) &
w=$!
i=0
while [ ! -f '%s' ] && [ $i -lt 600 ]; do sleep 0.1; i=$((i+1)); done
sleep 1
kill -INT $p
wait $p
echo $? > status
kill $w 2>/dev/null
exit 0
]]):format(dir, prog, started)
os.execute(sh)

local function slurp(p)
  local g = io.open(p, "r")
  if not g then return nil end
  local d = g:read("a")
  g:close()
  return d
end
local status, err, out = slurp(dir .. "/status"), slurp(dir .. "/err.txt") or "", slurp(dir .. "/out.txt") or ""
T.ok(slurp(started) ~= nil, "md:run started")
T.is(tonumber(status), 1, "exit status 1 after SIGINT")
T.ok(err:find("interrupted") ~= nil, "stderr says interrupted: " .. err:gsub("\n.*", ""))
T.ok(err:find("checkpoint written") ~= nil, "stderr says the checkpoint was written")
T.ok(not out:find("finished"), "the script did not go on")
local ok, md = pcall(vt.md, { restart = ck })
T.ok(ok, "the checkpoint restores: " .. tostring(ok and md or md))
if ok then
  T.ok(md.step >= 20, "restored at step " .. md.step)
  T.is(md.pending, 200000 - md.step, "the interrupted run is pending")
  T.ok(md.T < 1.0 and md.T > 0.5, "restored target on the ramp: " .. md.T)
  local before = md.step
  md:run{ steps = 200000, T = { 1.0, 0.5 }, checkpoint = { file = ck, every = 1000000 }, every = 1,
          observe = function() return false end }
  T.is(md.step, before + 1, "the pending run continues")
  -- abandoning the interrupted run: md:reset() or resume = false
  local md2 = vt.md { restart = ck }
  T.raises(function() md2:run { steps = 10 } end, "md:reset%(%)", "another run is refused, the message says how to abandon")
  local step2 = md2.step
  md2:reset()
  T.is(md2.pending, nil, "md:reset() abandons the pending run")
  md2:run { steps = 10, progress = false }
  T.is(md2.step, step2 + 10, "a fresh run after md:reset()")
  local md3 = vt.md { restart = ck }
  md3:run { steps = 5, resume = false, progress = false }
  T.is(md3.step, step2 + 5, "run{ resume = false } starts a fresh run")
  T.is(md3.pending, nil, "and nothing is pending after it")
end
os.execute("rm -rf '" .. dir .. "'")
T.done()
