#!/bin/sh
# The minimizers' progress bar (issue 21): on a terminal m:minimize shows
# the step, fmax against ftol, U and the rate on stderr, as md:run does;
# nothing when stderr is not a terminal, with progress = false, or with
# VT_QUIET set. The terminal comes from script(1) (util-linux); skips
# without it.
vitrum=${VT_BUILDDIR:-.}/vitrum
if ! command -v script > /dev/null 2>&1; then echo "1..0 # SKIP script (util-linux) not installed"; exit 0; fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/vt-progress.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
cat > "$tmp/min.lua" <<'LUA'
local vt = require "vitrum"
local s = vt.system{ n = 500, density = 1.0, init = "random", seed = 1, potential = vt.potential.lj_smooth{} }
local r = vt.fire{ progress = arg[1] ~= "off" }:minimize(s)
print("done", r.converged, r.steps)
LUA
echo "1..5"
n=0
check() {  # check <condition-status> <name>
  n=$((n + 1))
  if [ "$1" -eq 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fi
}
on=$(env -u VT_QUIET script -qec "'$vitrum' '$tmp/min.lua'" /dev/null 2>&1)
printf '%s\n' "$on" | tr '\r' '\n' | grep -q '^fire2 *[0-9]*% \[[#.]*\] step [0-9]*  fmax [0-9.e+-]* -> 1e-10  U [0-9.e+-]*  [0-9.e+]* steps/s'
check $? "on a terminal: the bar shows step, fmax -> ftol, U and the rate"
printf '%s\n' "$on" | grep -q 'done	true'
check $? "the minimization finished"
off=$(env -u VT_QUIET script -qec "'$vitrum' '$tmp/min.lua' off" /dev/null 2>&1)
printf '%s\n' "$off" | grep -q 'steps/s'
[ $? -ne 0 ] && printf '%s\n' "$off" | grep -q 'done	true'
check $? "progress = false: no bar on a terminal"
quiet=$(VT_QUIET=1 script -qec "'$vitrum' '$tmp/min.lua'" /dev/null 2>&1)
printf '%s\n' "$quiet" | grep -q 'steps/s'
check $((1 - $?)) "VT_QUIET=1: no bar"
piped=$(env -u VT_QUIET "$vitrum" "$tmp/min.lua" 2>&1 | cat)
printf '%s\n' "$piped" | grep -q 'steps/s'
check $((1 - $?)) "stderr not a terminal: no bar"
