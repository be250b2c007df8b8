#!/bin/sh
# Sweeps survive kill -9: of the coordinator at several moments of a sweep,
# and of a worker in the middle of a task; and Ctrl-C. The progress bar. After every kill the store passes
# PRAGMA integrity_check; a restart completes the sweep with every point
# exactly once (no duplicate, no missing row). A worker's death is recorded
# as that task's failure (with the signal) and retried by the restart. TAP.
set -u
: "${VT_BUILDDIR:=.}" "${VT_SRCDIR:=.}"
VITRUM=$VT_BUILDDIR/vitrum
tmp=$(mktemp -d "${TMPDIR:-/tmp}/vitrum-sweepkill.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM
n=0
failed=0
ok() { n=$((n + 1)); if [ "$1" -eq 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; failed=$((failed + 1)); fi; }

# a task of about 40 ms of work
cat > "$tmp/task.lua" <<'LUA'
return function(p)
  local t0 = vt.clock()
  local x = 0
  while vt.clock() - t0 < 0.04 do x = x + math.sin(x + p.i) end
  return { v = p.i * p.i, w = x ~= x and 0 or 1 }
end
LUA
# the store's state: integrity, rows, distinct keys, done rows, right values
cat > "$tmp/check.lua" <<'LUA'
local db = vt.sqlite(arg[1], { readonly = true })
local integ = db:exec("PRAGMA integrity_check")[1].integrity_check
local hasv = false
for _, c in ipairs(db:exec("PRAGMA table_info(results)")) do if c.name == "v" then hasv = true end end
local c = db:exec("SELECT count(*) AS n, count(DISTINCT key) AS k, sum(status='done') AS d, " ..
                  (hasv and "sum(status='done' AND v = i*i)" or "0") .. " AS good FROM results")[1]
print(integ, c.n, c.k, c.d or 0, c.good or 0)
LUA
grid="--grid i=1:40"
run() { "$VITRUM" sweep "$tmp/task.lua" $grid --store "$1" --workers 2 --threads 1 --quiet; }
# in the background, $! must be the coordinator itself (a shell function
# would run it in a subshell, and kill -9 would hit the subshell only); the
# build tree's libtool wrapper execs the program, so its pid is kept
start() { "$VITRUM" sweep "$tmp/task.lua" $grid --store "$1" --workers 2 --threads 1 --quiet > "$2" 2>&1 & pid=$!; }

# the coordinator killed at several moments (workers die with it)
for delay in 0.05 0.4 1.0 1.8; do
  db="$tmp/c-$delay.db"
  start "$db" "$tmp/out"
  sleep "$delay"
  kill -9 "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
  sleep 0.1
  if [ -f "$db" ] && "$VITRUM" "$tmp/check.lua" "$db" > /dev/null 2>&1; then
    set -- $("$VITRUM" "$tmp/check.lua" "$db")
    [ "$1" = ok ]; ok $? "coordinator killed after ${delay}s: integrity_check ok ($1; $4 of 40 done)"
  else
    ok 0 "coordinator killed after ${delay}s: before the store was created"
  fi
  kill -0 "$pid" 2>/dev/null; ok $((1 - $?)) "the coordinator is gone after kill -9"
  run "$db" > "$tmp/out" 2>&1
  set -- $("$VITRUM" "$tmp/check.lua" "$db")
  [ "$1" = ok ] && [ "$2" = 40 ] && [ "$3" = 40 ] && [ "$4" = 40 ] && [ "$5" = 40 ]
  ok $? "restart after the kill at ${delay}s: 40 rows, 40 keys, 40 done with the right values ($*)"
done
# no worker outlived its coordinator
sleep 0.2
# (other sweeps may run on the machine: count only ours, whose parent is gone)
orphans=0
for p in $(pgrep -f "vitrum.sweep').worker" 2>/dev/null); do
  pp=$(tr '\0' '\n' < "/proc/$p/environ" 2>/dev/null | sed -n 's/^VT_SWEEP_PARENT=//p')
  [ -n "$pp" ] && ! kill -0 "$pp" 2>/dev/null && orphans=$((orphans + 1))
done
[ "$orphans" -eq 0 ]; ok $? "no worker outlives a killed coordinator ($orphans orphans)"

# a worker of the coordinator $1: the first process whose VT_SWEEP_PARENT
# is $1 (or one of its children, should the program run under a wrapper)
worker_of() {
  for p in $(pgrep -f "vitrum.sweep').worker" 2>/dev/null); do
    pp=$(tr '\0' '\n' < "/proc/$p/environ" 2>/dev/null | sed -n 's/^VT_SWEEP_PARENT=//p')
    for c in "$1" $(pgrep -P "$1"); do
      if [ "$pp" = "$c" ]; then echo "$p"; return; fi
    done
  done
}

# a worker killed in the middle of a task, twice
db="$tmp/w.db"
start "$db" "$tmp/wout"
killed=0
for delay in 0.3 0.5; do
  sleep "$delay"
  w=$(worker_of "$pid")
  if [ -n "$w" ]; then kill -9 "$w" && killed=$((killed + 1)); fi
done
wait "$pid"
status=$?
[ "$killed" -ge 1 ]; ok $? "killed $killed workers mid-sweep"
[ "$status" -eq 2 ]; ok $? "the coordinator carried on and reported failures (exit status $status)"
set -- $("$VITRUM" "$tmp/check.lua" "$db")
[ "$1" = ok ] && [ "$2" = 40 ] && [ "$3" = 40 ] && [ "$4" -ge $((40 - killed)) ]
ok $? "after the worker kills: integrity ok, 40 rows, at most $killed not done ($*)"
msg=$("$VITRUM" -e "local db = vt.sqlite('$db', { readonly = true })
  local r = db:exec(\"SELECT error FROM results WHERE status='failed' LIMIT 1\")[1]
  print(r and r.error or '')")
case $msg in *"died (killed by signal 9)"*) ok 0 "the dead worker's task is recorded: $msg" ;;
  *) ok 1 "the dead worker's task is recorded (got '$msg')" ;; esac
run "$db" > "$tmp/wout" 2>&1
set -- $("$VITRUM" "$tmp/check.lua" "$db")
[ "$1" = ok ] && [ "$2" = 40 ] && [ "$3" = 40 ] && [ "$4" = 40 ] && [ "$5" = 40 ]
ok $? "restart: 40 rows, 40 done ($*)"

# Ctrl-C (SIGINT to the coordinator): it stops, says how to resume, loses
# only the tasks in flight
db="$tmp/i.db"
start "$db" "$tmp/iout"
sleep 0.8
kill -INT "$pid"
wait "$pid"
status=$?
[ "$status" -eq 1 ] && grep -q "interrupted.*run the same sweep again to resume" "$tmp/iout"
ok $? "SIGINT stops the sweep with a message saying how to resume (status $status)"
set -- $("$VITRUM" "$tmp/check.lua" "$db")
[ "$1" = ok ] && [ "$4" = "$5" ]; ok $? "after SIGINT: integrity ok, every done row right ($*)"
fails=$("$VITRUM" -e "print(vt.sqlite('$db', { readonly = true }):exec(\"SELECT count(*) AS n FROM results WHERE status = 'failed'\")[1].n)")
[ "$fails" = 0 ]; ok $? "no task was recorded as failed by the interruption"
run "$db" > "$tmp/iout" 2>&1
set -- $("$VITRUM" "$tmp/check.lua" "$db")
[ "$2" = 40 ] && [ "$4" = 40 ] && [ "$5" = 40 ]; ok $? "restart after SIGINT completes ($*)"

# the progress bar: on a terminal (through script(1), when installed), not otherwise
grid="--grid i=1:6"
"$VITRUM" sweep "$tmp/task.lua" $grid --store "$tmp/p1.db" --workers 2 > "$tmp/pout" 2>&1
! grep -q '\[###' "$tmp/pout"; ok $? "no progress bar when stderr is not a terminal"
if command -v script > /dev/null 2>&1 && script -qec true /dev/null > /dev/null 2>&1; then
  env -u VT_QUIET script -qec "'$VITRUM' sweep '$tmp/task.lua' $grid --store '$tmp/p2.db' --workers 2" /dev/null > "$tmp/pout" 2>&1
  tr '\r' '\n' < "$tmp/pout" | grep -q '^\[##############################\] 6/6  failed 0  elapsed [0-9:]*  ETA'
  ok $? "on a terminal: a progress bar with counts, failures, elapsed time and ETA"
else
  echo "ok $((n = n + 1)) # SKIP script(1) not available for a terminal"
fi

echo "1..$n"
[ "$failed" -eq 0 ]
