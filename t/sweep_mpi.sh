#!/bin/sh
# Sweeps under MPI: `mpirun -n 2 --oversubscribe vitrum sweep ...` (rank 0
# coordinates and writes the store, rank 1 computes) gives the same table
# as the process pool; a second mpirun resumes (runs nothing). Skips when
# vitrum was built without MPI or mpirun is missing. TAP.
set -u
: "${VT_BUILDDIR:=.}" "${VT_SRCDIR:=.}"
VITRUM=$VT_BUILDDIR/vitrum
MPIRUN=${MPIRUN:-$(command -v mpirun 2>/dev/null || true)}
if [ -z "$MPIRUN" ]; then echo "1..0 # SKIP mpirun not installed (Debian openmpi-bin)"; exit 0; fi
if ! "$VITRUM" -e 'os.exit(vt.mpi and 0 or 1)'; then
  echo "1..0 # SKIP vitrum built without MPI (configure --with-mpi needs Debian libopenmpi-dev)"; exit 0
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/vitrum-sweepmpi.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM
n=0
failed=0
ok() { n=$((n + 1)); if [ "$1" -eq 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; failed=$((failed + 1)); fi; }
# mpirun refuses root unless told (containers, CI)
OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1
export OMPI_ALLOW_RUN_AS_ROOT OMPI_ALLOW_RUN_AS_ROOT_CONFIRM OMPI_MCA_rmaps_base_oversubscribe

cat > "$tmp/task.lua" <<'LUA'
return function(p)
  if p.x == 3 and p.y == 2 then error("planned failure") end
  return { f = p.x * 10 + p.y + 0.25, r = math.sqrt(p.x), s = vt.array({ p.x, p.seed }) }
end
LUA
# the table as text: key, seed, status, error's first line, fields (array as its sum)
cat > "$tmp/dump.lua" <<'LUA'
local rows = require("vitrum.sweep").rows(arg[1], { status = "all" })
table.sort(rows, function(a, b) return a.key < b.key end)
for _, r in ipairs(rows) do
  print(r.key, r.seed, r.status, r.attempts, (r.error or ""):match("[^\n]*"), r.f, r.r and ("%.17g"):format(r.r),
        r.s and r.s:sum())
end
LUA
args="--grid x=1:5 --grid y=1:3 --quiet"
"$VITRUM" sweep "$tmp/task.lua" $args --store "$tmp/pool.db" --workers 2 > "$tmp/pool.out" 2>&1
timeout 60 "$MPIRUN" -n 2 --oversubscribe "$VITRUM" sweep "$tmp/task.lua" $args --store "$tmp/mpi.db" > "$tmp/mpi.out" 2>&1
status=$?
if [ $status -ne 2 ] && grep -q -i -E "not enough slots|orte|pmix|prte|failed to start|hnp" "$tmp/mpi.out"; then
  echo "1..0 # SKIP mpirun cannot start here: $(head -n 3 "$tmp/mpi.out" | tr '\n' ' ')"; exit 0
fi
[ $status -eq 2 ]; ok $? "mpirun -n 2: the sweep ran, one task failed (exit status $status)"
"$VITRUM" "$tmp/dump.lua" "$tmp/pool.db" > "$tmp/pool.tsv"
"$VITRUM" "$tmp/dump.lua" "$tmp/mpi.db" > "$tmp/mpi.tsv"
[ "$(wc -l < "$tmp/mpi.tsv")" -eq 15 ]; ok $? "15 rows from MPI"
cmp -s "$tmp/pool.tsv" "$tmp/mpi.tsv"; ok $? "the MPI table equals the pool's (keys, seeds, statuses, errors, fields)"
[ $? -eq 0 ] || diff "$tmp/pool.tsv" "$tmp/mpi.tsv" | sed 's/^/# /' | head -n 20
timeout 60 "$MPIRUN" -n 2 --oversubscribe "$VITRUM" sweep "$tmp/task.lua" $args --retries 0 --store "$tmp/mpi.db" > "$tmp/mpi2.out" 2>&1
"$VITRUM" "$tmp/dump.lua" "$tmp/mpi.db" > "$tmp/mpi2.tsv"
cmp -s "$tmp/mpi.tsv" "$tmp/mpi2.tsv"; ok $? "a second mpirun with retries 0 changes nothing"
timeout 60 "$MPIRUN" -n 2 --oversubscribe "$VITRUM" sweep "$tmp/task.lua" $args --store "$tmp/mpi.db" > "$tmp/mpi3.out" 2>&1
n_att=$("$VITRUM" -e "print(vt.sqlite('$tmp/mpi.db', {readonly=true}):exec(\"SELECT max(attempts) AS a FROM results\")[1].a)")
[ "$n_att" = 2 ]; ok $? "with retries 1 the failed task is retried once under MPI (attempts $n_att)"

echo "1..$n"
[ "$failed" -eq 0 ]
