#!/bin/sh
# `require "vitrum"` from a stock lua5.4, against the build tree: with the one
# package.cpath line (build/.libs/?.so), and through the generated
# vitrum-env.sh (which also finds the pure-Lua vitrum.* modules). The module
# must compute what the program computes. Skips without lua5.4. TAP output.
set -u
: "${VT_BUILDDIR:=.}" "${VT_SRCDIR:=.}"
LUA54=$(command -v lua5.4 2>/dev/null || true)
if [ -z "$LUA54" ]; then
  echo "1..0 # SKIP lua5.4 not installed"
  exit 0
fi
# a stock lua5.4; with sanitizers the instrumented module needs ASan preloaded
lua54() { LD_PRELOAD="${VT_LUA_PRELOAD:-}${LD_PRELOAD:+:$LD_PRELOAD}" "$LUA54" "$@"; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/vitrum-module.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM
n=0
failed=0
ok() {
  n=$((n + 1))
  if [ "$1" -eq 0 ]; then echo "ok $n - $2"; else
    echo "not ok $n - $2"; failed=$((failed + 1)); shift 2
    for f in "$@"; do [ -f "$f" ] && sed -e 's/^/#   /' -e 30q "$f"; done
  fi
}
# the environment must not help: only what each test sets
unset LUA_PATH LUA_CPATH LUA_PATH_5_4 LUA_CPATH_5_4 LUA_INIT LUA_INIT_5_4

cat > "$tmp/energy.lua" <<'LUA'
local vt = require "vitrum"
local s = vt.system{ n = 500, density = 1.1, seed = 4, init = "lattice",
                     species = { { fraction = 0.5, diameter = 1.0 }, { fraction = 0.5, diameter = 1.1 } },
                     potential = vt.potential.lj_smooth{ inner = 2.5, outer = 2.75 } }
local p = s:positions()
for i = 1, s.n, 7 do local r = p[i]; r[1] = r[1] + 0.05 * math.sin(i); p[i] = r end
s:set_positions(p)
print(vt.version, s.n, string.format("%.12e %.12e", s:energy(), s:pressure()))
LUA

lua54 -e "package.cpath = '$VT_BUILDDIR/.libs/?.so;' .. package.cpath" "$tmp/energy.lua" > "$tmp/lua.out" 2> "$tmp/lua.err"
st=$?
[ $st -eq 0 ] && grep -E -q '^[0-9.]+	500	-[0-9]\.[0-9]{12}e\+0[0-9] ' "$tmp/lua.out"
ok $? "lua5.4 with package.cpath = build/.libs/?.so: require \"vitrum\", a system, its energy" "$tmp/lua.out" "$tmp/lua.err"

"$VT_BUILDDIR/vitrum" "$tmp/energy.lua" > "$tmp/vitrum.out" 2> "$tmp/vitrum.err"
cmp -s "$tmp/lua.out" "$tmp/vitrum.out"
ok $? "the module and the program give the same energy and pressure, digit for digit" "$tmp/lua.out" "$tmp/vitrum.out" "$tmp/vitrum.err"

lua54 -e "package.cpath = '$VT_BUILDDIR/.libs/?.so;' .. package.cpath" -e '
  local vt = require "vitrum"
  local okc, err = pcall(vt.system, { n = 10, density = 1, colour = "red" })
  assert(not okc and err:find("unknown argument .colour."), err)
  okc, err = pcall(function() return vt.array{ 1, 2 }[3] end)
  assert(not okc and err:find("out of range"), err)
  print("errors are Lua errors")' > "$tmp/out" 2> "$tmp/err"
[ "$(cat "$tmp/out")" = "errors are Lua errors" ]
ok $? "errors raised in the module are catchable Lua errors" "$tmp/out" "$tmp/err"

lua54 -e "package.cpath = '$VT_BUILDDIR/.libs/?.so;' .. package.cpath" -e '
  local vt = require "vitrum"
  for i = 1, 50 do
    local s <close> = vt.system{ n = 200, density = 0.8, potential = vt.potential.lj_smooth{} }
    local a = s:positions()
  end
  collectgarbage(); collectgarbage()
  print("ok")' > "$tmp/out" 2> "$tmp/err"
[ "$(cat "$tmp/out")" = ok ]
ok $? "systems are closed (<close>) and collected under the stock interpreter" "$tmp/out" "$tmp/err"

# the generated environment file: sourcing it is all a user needs
if [ -f "$VT_BUILDDIR/vitrum-env.sh" ]; then
  (. "$VT_BUILDDIR/vitrum-env.sh" && lua54 "$tmp/energy.lua") > "$tmp/env.out" 2> "$tmp/env.err"
  cmp -s "$tmp/env.out" "$tmp/lua.out"
  ok $? ". vitrum-env.sh; lua5.4 script.lua" "$tmp/env.out" "$tmp/env.err"
  (. "$VT_BUILDDIR/vitrum-env.sh" && command -v vitrum) > "$tmp/out" 2>&1
  [ "$(cat "$tmp/out")" = "$VT_BUILDDIR/vitrum" ]
  ok $? "vitrum-env.sh puts the build tree's vitrum on PATH" "$tmp/out"
  for f in "$VT_SRCDIR"/lua/vitrum/*.lua; do
    [ -f "$f" ] || continue
    m=vitrum.$(basename "$f" .lua)
    # first from the source files (LUA_PATH), then from the copies embedded
    # in the module (package.preload, registered by require "vitrum")
    (. "$VT_BUILDDIR/vitrum-env.sh" && lua54 -e "
      assert(package.searchpath('$m', package.path), 'not on LUA_PATH')
      local a = require('$m')
      package.loaded['$m'] = nil
      package.path = ''
      require 'vitrum'
      assert(package.preload['$m'], 'not preloaded')
      local b = require('$m')
      assert(type(a) == type(b))
      print(type(a))") > "$tmp/out" 2> "$tmp/err"
    [ $? -eq 0 ] && [ -s "$tmp/out" ]
    ok $? "require \"$m\" from lua5.4 (source file, then embedded copy)" "$tmp/out" "$tmp/err"
  done
else
  n=$((n + 1)); echo "not ok $n - vitrum-env.sh was not generated in $VT_BUILDDIR"; failed=$((failed + 1))
fi

echo "1..$n"
[ $failed -eq 0 ]
