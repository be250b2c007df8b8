#!/bin/sh
# Sweeps on SLURM: the test starts its own single-node cluster (munged on a
# private socket and key, slurmctld and slurmd on localhost with a private
# configuration and ports, all under a temporary directory), submits
# `sbatch --array=0-1` of `vitrum sweep ...`, each array task writing its
# own shard (SLURM_ARRAY_TASK_ID / SLURM_ARRAY_TASK_COUNT), merges the
# shards with `vitrum sweep merge`, and checks that the merged store equals
# the process pool's table. Skips, with the reason, when the SLURM or munge
# programs are missing or the daemons cannot start here. TAP.
set -u
: "${VT_BUILDDIR:=.}" "${VT_SRCDIR:=.}"
VITRUM=$(cd "$VT_BUILDDIR" && pwd)/vitrum
for prog in munged slurmctld slurmd sbatch sinfo; do
  p=$(command -v "$prog" 2>/dev/null || ls "/usr/sbin/$prog" 2>/dev/null || true)
  if [ -z "$p" ]; then echo "1..0 # SKIP $prog not installed (Debian slurm-wlm, munge)"; exit 0; fi
  eval "$prog=\$p"
done
tmp=$(mktemp -d "${TMPDIR:-/tmp}/vitrum-sweepslurm.XXXXXX") || exit 1
chmod 755 "$tmp"
stop() {
  for f in slurmd slurmctld munged; do
    [ -f "$tmp/$f.pid" ] && kill "$(cat "$tmp/$f.pid")" 2>/dev/null
  done
  sleep 0.5
  rm -rf "$tmp"
}
trap stop EXIT INT TERM
skip() { echo "1..0 # SKIP $1"; exit 0; }
n=0
failed=0
ok() { n=$((n + 1)); if [ "$1" -eq 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; failed=$((failed + 1)); fi; }

host=$(hostname -s)
user=$(id -un)
base=$((20000 + ($$ % 5000) * 2))
mkdir -p "$tmp/state" "$tmp/spool" "$tmp/log"
dd if=/dev/urandom of="$tmp/munge.key" bs=1024 count=1 2>/dev/null
chmod 600 "$tmp/munge.key"
cat > "$tmp/slurm.conf" <<CONF
ClusterName=vtest
SlurmctldHost=$host
SlurmUser=$user
SlurmdUser=$user
SlurmctldPort=$base
SlurmdPort=$((base + 1))
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$tmp/munge.sock
StateSaveLocation=$tmp/state
SlurmdSpoolDir=$tmp/spool
SlurmctldPidFile=$tmp/slurmctld.pid
SlurmdPidFile=$tmp/slurmd.pid
SlurmctldLogFile=$tmp/log/slurmctld.log
SlurmdLogFile=$tmp/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
MpiDefault=none
JobCompType=jobcomp/none
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
NodeName=$host CPUs=$(nproc) State=UNKNOWN
PartitionName=debug Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
SLURM_CONF=$tmp/slurm.conf
export SLURM_CONF
"$munged" --socket="$tmp/munge.sock" --key-file="$tmp/munge.key" --pid-file="$tmp/munged.pid" \
  --log-file="$tmp/log/munged.log" --seed-file="$tmp/munge.seed" --force > "$tmp/log/munged.out" 2>&1 \
  || skip "munged cannot start: $(tail -n 1 "$tmp/log/munged.out" "$tmp/log/munged.log" 2>/dev/null | tr '\n' ' ')"
"$slurmctld" -f "$tmp/slurm.conf" > "$tmp/log/ctld.out" 2>&1 || skip "slurmctld cannot start: $(tail -n 2 "$tmp/log/ctld.out" | tr '\n' ' ')"
"$slurmd" -f "$tmp/slurm.conf" > "$tmp/log/d.out" 2>&1 || skip "slurmd cannot start (it needs root here): $(tail -n 2 "$tmp/log/d.out" | tr '\n' ' ')"
up=0
for _ in $(seq 1 40); do
  if "$sinfo" -h -o %T 2>/dev/null | grep -q -E '^(idle|mixed)'; then up=1; break; fi
  sleep 0.25
done
[ $up -eq 1 ] || skip "the single-node cluster did not come up: $(tail -n 2 "$tmp/log/slurmctld.log" "$tmp/log/slurmd.log" 2>/dev/null | tr '\n' ' ')"

cat > "$tmp/task.lua" <<'LUA'
return function(p) return { f = p.x * 10 + p.y + 0.5, s = vt.array({ p.seed, p.x }) } end
LUA
cat > "$tmp/dump.lua" <<'LUA'
local rows = require("vitrum.sweep").rows(arg[1], { status = "all" })
table.sort(rows, function(a, b) return a.key < b.key end)
for _, r in ipairs(rows) do print(r.key, r.seed, r.status, r.f, r.s and r.s:sum()) end
LUA
args="--grid x=1:5 --grid y=1:3 --workers 1 --threads 1 --quiet"
"$VITRUM" sweep "$tmp/task.lua" $args --store "$tmp/pool.db"
cd "$tmp" || exit 1
timeout 120 "$sbatch" --wait --array=0-1 -o "$tmp/job-%a.out" -J vt-sweep-test \
  --wrap "'$VITRUM' sweep '$tmp/task.lua' $args --store '$tmp/results.db'" > "$tmp/sbatch.out" 2>&1
status=$?
[ $status -eq 0 ]; ok $? "sbatch --array=0-1 ran both array tasks (status $status)"
[ $status -eq 0 ] || sed 's/^/# /' "$tmp/sbatch.out" "$tmp"/job-*.out 2>/dev/null | head -n 20
[ -f "$tmp/results.shard-0-of-2.db" ] && [ -f "$tmp/results.shard-1-of-2.db" ]
ok $? "each array task wrote its own shard"
"$VITRUM" sweep merge "$tmp/results.shard-0-of-2.db" "$tmp/results.shard-1-of-2.db" --store "$tmp/results.db" --quiet
ok $? "vitrum sweep merge"
"$VITRUM" "$tmp/dump.lua" "$tmp/pool.db" > "$tmp/pool.tsv"
"$VITRUM" "$tmp/dump.lua" "$tmp/results.db" > "$tmp/merged.tsv"
[ "$(wc -l < "$tmp/merged.tsv")" -eq 15 ]; ok $? "15 rows merged"
cmp -s "$tmp/pool.tsv" "$tmp/merged.tsv"; ok $? "the merged store equals the pool's table"
"$VITRUM" sweep merge "$tmp/results.shard-1-of-2.db" --store "$tmp/results.db" --quiet
"$VITRUM" "$tmp/dump.lua" "$tmp/results.db" > "$tmp/merged2.tsv"
cmp -s "$tmp/merged.tsv" "$tmp/merged2.tsv"; ok $? "merging a shard again adds no duplicate"

echo "1..$n"
[ "$failed" -eq 0 ]
