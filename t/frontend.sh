#!/bin/sh
# The front ends of vitrum, one suite (as Redis drives its scripting front
# ends): every shared case is a Lua chunk with the exit status, output and
# error output it must give, and it is run
#   - as a script file           vitrum case.lua
#   - as a command-line chunk    vitrum -e "$(cat case.lua)"
#   - piped into the REPL        vitrum < case.lua     (stdin not a terminal)
#   - by a stock lua5.4          lua5.4 -e 'vt = require "vitrum"' case.lua
#                                (the loadable module; skipped without lua5.4)
# and every front end must print the same output. Cases are written so that
# they mean the same thing in a script and in the REPL (globals, not locals
# across lines; an error only as the last statement). Then the options of the
# program (arg, -, --, -i, -t, --version, --help) and what only the REPL does
# (printing values, carrying on after errors). The terminal side (readline,
# completion, Ctrl-C, history) is t/frontend_pty.sh. TAP output.
set -u
: "${VT_BUILDDIR:=.}" "${VT_SRCDIR:=.}"
VITRUM=$VT_BUILDDIR/vitrum
LUA54=$(command -v lua5.4 2>/dev/null || true)
MODULE_CPATH="$VT_BUILDDIR/.libs/?.so"
# a stock lua5.4; with sanitizers the instrumented module needs ASan preloaded
lua54() { LD_PRELOAD="${VT_LUA_PRELOAD:-}${LD_PRELOAD:+:$LD_PRELOAD}" "$LUA54" "$@"; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/vitrum-frontend.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM
n=0
failed=0

ok() {   # ok COND-STATUS NAME [DIAG-FILE...]
  n=$((n + 1))
  if [ "$1" -eq 0 ]; then
    echo "ok $n - $2"
  else
    echo "not ok $n - $2"
    failed=$((failed + 1))
    shift 2
    for f in "$@"; do
      [ -f "$f" ] && sed -e 's/^/#   /' -e 30q "$f"
    done
  fi
}

# matches FILE ERE: '' means FILE must be empty, '*' anything, else some line
# of FILE must match the extended regular expression
matches() {
  case $2 in
    '*') return 0 ;;
    '') [ ! -s "$1" ] ;;
    *) grep -E -q -e "$2" "$1" ;;
  esac
}

# run MODE: runs $tmp/case.lua in one front end; out, err, status in $tmp
run() {
  case $1 in
    script) "$VITRUM" "$tmp/case.lua" ;;
    -e) "$VITRUM" -e "$(cat "$tmp/case.lua")" ;;
    repl) "$VITRUM" < "$tmp/case.lua" ;;
    lua5.4) lua54 -e "package.cpath = '$MODULE_CPATH;' .. package.cpath; vt = require 'vitrum'" \
              "$tmp/case.lua" ;;
  esac > "$tmp/out" 2> "$tmp/err" < "${stdin:-/dev/null}"
  echo $? > "$tmp/status"
}

# shared NAME STATUS STDOUT-ERE STDERR-ERE < code
shared() {
  name=$1 want=$2 outre=$3 errre=$4
  cat > "$tmp/case.lua"
  for mode in script -e repl lua5.4; do
    if [ "$mode" = lua5.4 ] && [ -z "$LUA54" ]; then
      n=$((n + 1)); echo "ok $n - $name [$mode] # SKIP lua5.4 not installed"; continue
    fi
    stdin=; [ "$mode" = repl ] && stdin=$tmp/case.lua
    run "$mode"
    got=$(cat "$tmp/status")
    bad=0
    [ "$got" = "$want" ] || { bad=1; echo "exit status $got, want $want" > "$tmp/why"; }
    [ $bad -eq 0 ] && ! matches "$tmp/out" "$outre" && { bad=1; echo "stdout does not match /$outre/" > "$tmp/why"; }
    [ $bad -eq 0 ] && ! matches "$tmp/err" "$errre" && { bad=1; echo "stderr does not match /$errre/" > "$tmp/why"; }
    if [ $bad -eq 0 ]; then
      if [ "$mode" = script ]; then cp "$tmp/out" "$tmp/out.script"
      elif ! cmp -s "$tmp/out" "$tmp/out.script"; then
        bad=1; echo "stdout differs from the script run's:" > "$tmp/why"; cat "$tmp/out.script" >> "$tmp/why"
      fi
    fi
    ok $bad "$name [$mode]" "$tmp/why" "$tmp/out" "$tmp/err"
  done
}

# ---- shared cases: every front end ----

shared "print" 0 '^3$' '' <<'LUA'
print(1 + 2)
LUA

shared "vt is the vitrum module" 0 '^[0-9]+\.[0-9]+\.[0-9]+	true	true$' '' <<'LUA'
print(vt.version, require("vitrum") == vt, package.loaded.vitrum == vt)
LUA

shared "system, potential, energy" 0 '^500	-[0-9]+\.[0-9]{10}	-?[0-9][-0-9.e]*$' '' <<'LUA'
s = vt.system{ n = 500, density = 1.0, seed = 7, init = "lattice",
               species = { { fraction = 0.5, diameter = 1.0 }, { fraction = 0.5, diameter = 1.1 } },
               potential = vt.potential.lj_smooth{} }
print(s.n, string.format("%.10f", s:energy() / s.n), s:forces():max() >= 0 and s:pressure() or "x")
LUA

shared "arrays" 0 '^2\.5	4	10\.0	1\.0	4\.0$' '' <<'LUA'
a = vt.array{ 1, 2, 3, 4 }
print(a:mean(), #a, a:sum(), a:min(), a[4])
LUA

shared "multi-line function definition" 0 '^3628800$' '' <<'LUA'
function fact(n)
  if n <= 1 then
    return 1
  end
  return n * fact(n - 1)
end
print(fact(10))
LUA

shared "multi-line table constructor and loop" 0 '^1 2 3 sum=6$' '' <<'LUA'
t = {
  1,
  2,
  3,
}
total = 0
for _, v in ipairs(t) do
  total = total + v
end
print(table.concat(t, " ") .. " sum=" .. total)
LUA

shared "error: message and traceback, exit 1" 1 '^before$' 'stack traceback' <<'LUA'
print("before")
function inner() error("boom in inner") end
inner()
LUA

shared "error inside a vt call: a clean message" 1 '' ':[0-9]+: vt\.system: n must be a positive integer' <<'LUA'
s = vt.system{ n = -5, density = 1.0 }
LUA

shared "unknown named argument" 1 '' "vt\.system: unknown argument 'colour' \(known: n, density" <<'LUA'
s = vt.system{ n = 10, density = 1.0, colour = "red" }
LUA

shared "bad argument type" 1 '' "bad argument #1 to 'quantile' \(number expected, got string\)" <<'LUA'
vt.array(3):quantile("half")
LUA

shared "index out of range" 1 '' 'index 7 out of range 1\.\.3' <<'LUA'
x = vt.array{ 1, 2, 3 }[7]
LUA

shared "syntax error: file and line, exit 1" 1 '' ":1: unexpected symbol near '='" <<'LUA'
x = = 1
LUA

shared "syntax error at run time (load): traceback" 1 '' 'stack traceback' <<'LUA'
assert(load("x = = 1"))
LUA

shared "error with a table value" 1 '' 'error object is a table value' <<'LUA'
error({ code = 1 })
LUA

shared "error object with __tostring" 1 '' 'custom error object' <<'LUA'
error(setmetatable({}, { __tostring = function() return "custom error object" end }))
LUA

shared "os.exit status" 3 '^bye$' '' <<'LUA'
print("bye")
os.exit(3)
LUA

# the traceback names the function the error came from, in the program
printf 'function inner() error("boom in inner") end\ninner()\n' > "$tmp/case.lua"
"$VITRUM" "$tmp/case.lua" > "$tmp/out" 2> "$tmp/err"
grep -q "in function 'inner'" "$tmp/err" && grep -q '^vitrum: .*case.lua:1: boom in inner' "$tmp/err"
ok $? "script error: 'vitrum: file:line: message' then a traceback through 'inner'" "$tmp/err"

# ---- the program's options ----

printf 'print(#arg, arg[0] ~= nil, arg[1], arg[2], arg[-1] ~= nil, select("#", ...), ...)\n' > "$tmp/args.lua"
"$VITRUM" "$tmp/args.lua" one "two words" > "$tmp/out" 2> "$tmp/err"
printf '2\ttrue\tone\ttwo words\ttrue\t2\tone\ttwo words\n' > "$tmp/want"
cmp -s "$tmp/out" "$tmp/want"
ok $? "script arguments in arg (arg[0] the script) and in ..." "$tmp/out" "$tmp/err"

printf 'print(arg[0], ...)' | "$VITRUM" - a b > "$tmp/out" 2> "$tmp/err"
printf -- '-\ta\tb\n' > "$tmp/want"
cmp -s "$tmp/out" "$tmp/want"
ok $? "'-' runs standard input as a script, with arguments" "$tmp/out" "$tmp/err"

printf 'x = 1\nprint(x)\nerror("stop")\nprint("not reached")\n' | "$VITRUM" - > "$tmp/out" 2> "$tmp/err"
st=$?
[ $st -eq 1 ] && [ "$(cat "$tmp/out")" = 1 ] && grep -q 'stop' "$tmp/err"
ok $? "'-' is a script, not the REPL: it stops at the first error" "$tmp/out" "$tmp/err"

cp "$tmp/args.lua" "$tmp/-e"
(cd "$tmp" && "$VITRUM" -- -e x) > "$tmp/out" 2> "$tmp/err"
grep -q '^1	true	x' "$tmp/out"
ok $? "'--' ends the options (a script named -e)" "$tmp/out" "$tmp/err"

"$VITRUM" -e 'a = 20' -e 'b = a + 1' -e 'print(a + b)' > "$tmp/out" 2> "$tmp/err"
[ "$(cat "$tmp/out")" = 41 ]
ok $? "several -e run in order in one state" "$tmp/out" "$tmp/err"

"$VITRUM" -e 'x = 5' "$tmp/args.lua" z > "$tmp/out" 2> "$tmp/err"
grep -q '	z	' "$tmp/out"
ok $? "-e then a script" "$tmp/out" "$tmp/err"

"$VITRUM" -e 'print("first")' -e 'error("second fails")' -e 'print("third")' > "$tmp/out" 2> "$tmp/err"
st=$?
[ $st -eq 1 ] && [ "$(cat "$tmp/out")" = first ] && grep -q 'second fails' "$tmp/err"
ok $? "a failing -e stops the run with status 1" "$tmp/out" "$tmp/err"

"$VITRUM" -t 1 -e 'print(vt.threads())' > "$tmp/out" 2> "$tmp/err"
[ "$(cat "$tmp/out")" = 1 ]
ok $? "-t 1 sets the thread count" "$tmp/out" "$tmp/err"

"$VITRUM" -t many -e 'print("ran")' > "$tmp/out" 2> "$tmp/err"
st=$?
[ $st -eq 1 ] && [ ! -s "$tmp/out" ] && grep -q 'thread count' "$tmp/err"
ok $? "-t with a bad count: message, status 1, nothing run" "$tmp/out" "$tmp/err"

"$VITRUM" --version > "$tmp/out" 2> "$tmp/err"
st=$?
[ $st -eq 0 ] && grep -E -q '^vitrum [0-9]+\.[0-9]+\.[0-9]+ \(Lua 5\.4' "$tmp/out"
ok $? "--version" "$tmp/out" "$tmp/err"

"$VITRUM" -v > "$tmp/out2" 2> "$tmp/err"
cmp -s "$tmp/out" "$tmp/out2"
ok $? "-v is --version" "$tmp/out2" "$tmp/err"

"$VITRUM" --help > "$tmp/out" 2> "$tmp/err"
st=$?
[ $st -eq 0 ] && grep -q '^usage: vitrum' "$tmp/out" && grep -q -- '-i ' "$tmp/out" && [ ! -s "$tmp/err" ]
ok $? "--help prints the usage on stdout, status 0" "$tmp/out" "$tmp/err"

"$VITRUM" --frobnicate > "$tmp/out" 2> "$tmp/err"
st=$?
[ $st -eq 1 ] && grep -q "unrecognized option '--frobnicate'" "$tmp/err" && grep -q '^usage' "$tmp/err"
ok $? "an unknown option: message and usage on stderr, status 1" "$tmp/out" "$tmp/err"

"$VITRUM" -e > "$tmp/out" 2> "$tmp/err"
st=$?
[ $st -eq 1 ] && grep -q "'-e' needs an argument" "$tmp/err"
ok $? "-e without its argument: status 1" "$tmp/out" "$tmp/err"

"$VITRUM" "$tmp/no-such-script.lua" > "$tmp/out" 2> "$tmp/err"
st=$?
[ $st -eq 1 ] && grep -q 'cannot open .*no-such-script.lua' "$tmp/err"
ok $? "a missing script: 'cannot open', status 1" "$tmp/out" "$tmp/err"

printf 'answer = 6 * 7\n' > "$tmp/setup.lua"
printf 'answer + 1\n' | "$VITRUM" -i "$tmp/setup.lua" > "$tmp/out" 2> "$tmp/err"
st=$?
[ $st -eq 0 ] && [ "$(cat "$tmp/out")" = 43 ]
ok $? "-i script: runs it, then the REPL sees its globals" "$tmp/out" "$tmp/err"

printf 'y * 2\n' | "$VITRUM" -e 'y = 21' -i > "$tmp/out" 2> "$tmp/err"
[ "$(cat "$tmp/out")" = 42 ]
ok $? "-i after -e" "$tmp/out" "$tmp/err"

printf 'partial = 1\nerror("script failed")\n' > "$tmp/fail.lua"
printf 'partial\n' | "$VITRUM" -i "$tmp/fail.lua" > "$tmp/out" 2> "$tmp/err"
st=$?
[ $st -eq 1 ] && [ "$(cat "$tmp/out")" = 1 ] && grep -q 'script failed' "$tmp/err"
ok $? "-i with a failing script: the REPL starts to inspect it; status 1" "$tmp/out" "$tmp/err"

"$VITRUM" -e 'print("no repl")' < /dev/null > "$tmp/out" 2> "$tmp/err"
[ "$(cat "$tmp/out")" = "no repl" ]
ok $? "-e alone does not start the REPL" "$tmp/out" "$tmp/err"

# ---- the REPL, fed through a pipe ----

repl() {   # repl NAME WANT-STATUS LINE...: the lines piped into the REPL, whose
           # stdout must be $tmp/want
  name=$1 want=$2
  shift 2
  printf '%s\n' "$@" > "$tmp/in"
  "$VITRUM" < "$tmp/in" > "$tmp/out" 2> "$tmp/err"
  st=$?
  [ "$st" -eq "$want" ] && cmp -s "$tmp/out" "$tmp/want"
  ok $? "REPL: $name" "$tmp/want" "$tmp/out" "$tmp/err"
}

cat > "$tmp/want" <<'OUT'
2
hello
1	two	nil	false
nil
OUT
repl "expressions print their values, statements nothing" 0 '1 + 1' '"hello"' '1, "two", nil, false' 'nil' '' 'x = 3'

cat > "$tmp/want" <<'OUT'
{ 1, 2, 3, a=1, b="two words" }
{ 1, 2, 3, 4, 5, 6, 7, 8, ... (100 entries) }
{ outer={ inner={...} } }
{ ["not an identifier"]=2, x=1, [true]=3 }
{}
OUT
repl "tables are summarised, keys in order" 0 '{ 1, 2, 3, a = 1, b = "two words" }' \
  'big = {}; for i = 1, 100 do big[i] = i end' 'big' \
  '{ outer = { inner = { deep = 1 } } }' \
  '{ x = 1, ["not an identifier"] = 2, [true] = 3 }' '{}'

cat > "$tmp/want" <<'OUT'
vt.array(4): mean 2.5, min 1, max 4
vt.array(2 x 3): mean 3.5, min 1, max 6
vt.array(0)
OUT
repl "vt.array prints a one-line summary" 0 'vt.array{ 1, 2, 3, 4 }' 'vt.array{ { 1, 2, 3 }, { 4, 5, 6 } }' 'vt.array(0)'

printf 'vt.system{ n = 500, density = 0.5, potential = vt.potential.lj_smooth{} }\n' | "$VITRUM" > "$tmp/out" 2> "$tmp/err"
grep -E -q '^vt\.system: 500 particles, 1 type, box [0-9.]+ x [0-9.]+ x [0-9.]+, density 0\.5, potential lj_smooth' "$tmp/out" && [ "$(wc -l < "$tmp/out")" -eq 1 ]
ok $? "REPL: a system prints one summary line" "$tmp/out" "$tmp/err"

cat > "$tmp/want" <<'OUT'
42
OUT
repl "a multi-line function definition continues" 0 'function twice(x)' '  local y = 2 * x' '  return y' 'end' 'twice(21)'

cat > "$tmp/want" <<'OUT'
before
after
OUT
repl "an error is reported and the REPL carries on (status 1 on a pipe)" 1 'print("before")' 'error("boom")' 'print("after")'
grep -q 'stdin:1: boom' "$tmp/err" && grep -q 'stack traceback' "$tmp/err"
ok $? "REPL: the error message names stdin:line, with a traceback" "$tmp/err"

cat > "$tmp/want" <<'OUT'
3
OUT
repl "a vt error and a syntax error, then it carries on" 1 'vt.system{ n = 0, density = 1 }' 'x = = 2' '1 + 2'
grep -q 'n must be a positive integer' "$tmp/err" && grep -q "unexpected symbol near '='" "$tmp/err"
ok $? "REPL: both errors reported" "$tmp/err"

cat > "$tmp/want" <<'OUT'
ok
OUT
repl "an error while printing a value is reported, then it carries on" 1 'setmetatable({}, { __tostring = function() error("no print") end })' 'print("ok")'
grep -q 'error printing the result: .*no print' "$tmp/err"
ok $? "REPL: the printing error is reported" "$tmp/err"

: > "$tmp/want"
repl "end of input inside an unfinished chunk: an error" 1 'function unfinished()' '  return 1'
grep -q "near <eof>" "$tmp/err"
ok $? "REPL: the unfinished chunk's <eof> error is reported" "$tmp/err"

: > "$tmp/want"
repl "an empty line: nothing printed, status 0" 0 ""
"$VITRUM" < /dev/null > "$tmp/out" 2> "$tmp/err"
[ $? -eq 0 ] && [ ! -s "$tmp/out" ] && [ ! -s "$tmp/err" ]
ok $? "REPL: no input at all: nothing printed, status 0" "$tmp/out" "$tmp/err"

echo "1..$n"
[ $failed -eq 0 ]
