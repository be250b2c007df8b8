#!/bin/sh
# Seed corpus for fuzz_readers: small valid files of every format, each
# prefixed with the selector byte the harness reads first.
# usage: sh scripts/fuzz/seeds.sh DIR   (from the source tree; needs ../build-io/vitrum)
set -eu
out=$1
mkdir -p "$out"
tmp=$(mktemp -d)
VITRUM=${VITRUM:-../build-io/vitrum}
"$VITRUM" -e "
local vt = require 'vitrum'
local s = vt.system{ n=12, box={3,3.5,4}, species={{fraction=0.5, diameter=1},{fraction=0.5, diameter=1.2}}, mass='volume', seed=1 }
s:thermalize{ T=1, seed=2 }
for _, e in ipairs{'data','dump','xyz','vtc','vtt'} do vt.write(s, '$tmp/s.' .. e) end
local t = vt.trajectory('$tmp/m.dump', 'w'); t:write(s); t:write(s, {step=5}); t:close()
t = vt.trajectory('$tmp/m.xyz', 'w'); t:write(s); t:write(s, {step=5}); t:close()
t = vt.trajectory('$tmp/m.vtt', 'w'); t:write(s); t:write(s, {step=5, velocities=true, diameters=true}); t:close()
" 2>/dev/null || { echo "seeds.sh: cannot run $VITRUM -e" >&2; exit 1; }
i=0
# selector = reader + 7 * (frame + 1): frame 0 for all but the last-frame seeds
for f in s.data:7 s.dump:8 s.xyz:9 s.vtc:10 s.vtt:11 m.dump:1 m.xyz:2 m.vtt:4; do
  file=${f%%:*}; sel=${f##*:}
  { printf "\\$(printf %03o "$sel")"; cat "$tmp/$file"; } > "$out/seed$i"
  i=$((i + 1))
done
# raw payloads (modes 5 and 6): the uncompressed record after the 16-byte header
# and the 20-byte record head
python3 - "$tmp" "$out" <<'PY'
import sys, zlib
tmp, out = sys.argv[1], sys.argv[2]
for name, sel in (("s.vtc", 12), ("m.vtt", 13)):
    b = open(f"{tmp}/{name}", "rb").read()
    raw = zlib.decompress(b[36:36 + int.from_bytes(b[24:32], "little")])
    open(f"{out}/raw_{name}", "wb").write(bytes([sel]) + raw)
PY
rm -rf "$tmp"
