#!/bin/sh
# Benchmark (not a test): FIRE to fmax < 1e-10 from a WAHNs liquid at T = 0.5
# (N = 4000), vitrum's fire2 side by side with LAMMPS `min_style fire` on the
# same configuration and with the same parameters (FIRE 2.0 defaults,
# dt 0.005, the largest force component below 1e-10: `min_modify norm inf`),
# and vitrum's quasi-Newton minimizers after FIRE (vt.lbfgs: L-BFGS below
# fmax 10; vt.newton: quasi-Newton on the factorized Hessian below 0.1).
# Prints iterations, force evaluations, wall and CPU time, the time ratios
# and the inherent-structure energy reached by each, and the machine. On a
# loaded machine compare CPU times (LAMMPS: loop time x its "% CPU use";
# vitrum: user + system time of the process, all threads).
#
# usage: scripts/bench/minimize_fire.sh [liquid.data]
#   (run from the build tree, or set VITRUM=path/to/vitrum)
#   Without a data file, one is made with LAMMPS: t/data/reference/make_liquid.in
#   with the T = 1.0 stage at T = 0.5 instead (fcc start, 5000 steps at T = 2,
#   20000 at T = 0.5; a few minutes).
# Environment: VITRUM, LMP (default: lmp on PATH), VT_SHARED, THREADS (vitrum's
# OpenMP thread counts to try, default "1 2"), RANKS (LAMMPS MPI ranks, "1 2"),
# MINIMIZERS (vitrum's, default "fire2 lbfgs newton").
set -eu
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
shared=${VT_SHARED:-$src/t/data}
vitrum=${VITRUM:-$(pwd)/vitrum}
lmp=${LMP:-$(command -v lmp || true)}
threads=${THREADS:-"1 2"}
ranks=${RANKS:-"1 2"}
minimizers=${MINIMIZERS:-"fire2 lbfgs newton"}
[ -x "$vitrum" ] || { echo "minimize_fire.sh: no vitrum program at $vitrum (run from the build tree or set VITRUM)" >&2; exit 1; }
[ -n "$lmp" ] || { echo "minimize_fire.sh: LAMMPS (lmp) not found; set LMP" >&2; exit 1; }
work=$(mktemp -d "${TMPDIR:-/tmp}/vt-minbench.XXXXXX")
trap 'rm -rf "$work"' EXIT
trap 'exit 130' INT TERM
cp "$t/data/reference/wahn_pot.in" "$work/"

if [ $# -ge 1 ]; then
  data=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
else
  sed -e 's/temp 1\.0 1\.0/temp 0.5 0.5/' -e 's/liquid_T1\.0_N/liquid_T0.5_N/' \
    "$t/data/reference/make_liquid.in" > "$work/make_liquid_T0.5.in"
  echo "# making a T = 0.5 liquid of N = 4000 with LAMMPS ..."
  (cd "$work" && "$lmp" -in make_liquid_T0.5.in -var nc 10 -var N 4000 -log log.make -screen none)
  data=$work/liquid_T0.5_N4000.data
fi

now() { date +%s.%N; }

cat > "$work/quench.in" <<LMP
units           lj
atom_style      atomic
boundary        p p p
read_data       $data
include         wahn_pot.in
timestep        0.005
thermo_style    custom step pe fnorm fmax
thermo_modify   format float %20.15g
thermo          1000
min_style       fire
min_modify      norm inf
minimize        0.0 1.0e-10 10000000 100000000
LMP

cat > "$work/quench.lua" <<'LUA'
local vt = require "vitrum"
local s = vt.read(arg[1], { diameters = { 1.0, 1.2 } })
s:set_potential(vt.potential.lj_smooth{ inner = 2.5, outer = 2.75 })
local m = vt.minimizer(arg[2] or "fire2", { ftol = 1e-10, max_steps = 10000000 })
local r = m:minimize(s)
print(("%s %d %d %.15f %.3g"):format(tostring(r.converged), r.steps, r.force_evals, r.energy / s.n, r.fmax))
if arg[2] == "newton" or arg[2] == "lbfgs" then
  io.stderr:write(("# %s: %d FIRE steps, %d quasi-Newton steps, %d factorizations, %d solves, %d fallbacks\n")
    :format(arg[2], m.fire_steps, m.newton_steps, m.factorizations, m.solves, m.fallbacks))
end
LUA

echo "# machine: $(nproc --all) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'), load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "# configuration: $data ($(sed -n 's/^\([0-9]*\) atoms$/\1/p' "$data") particles)"
printf '%-24s %10s %12s %9s %9s %20s %10s\n' program iterations force_evals wall_s cpu_s "U/N" converged

lammps_wall=""
lammps_cpu=""
for np in $ranks; do
  if [ "$np" = 1 ]; then
    (cd "$work" && "$lmp" -in quench.in -log log.quench -screen none)
  else
    command -v mpirun >/dev/null 2>&1 || continue
    (cd "$work" && mpirun --allow-run-as-root -np "$np" "$lmp" -in quench.in -log log.quench -screen none) || continue
  fi
  it=$(sed -n 's/.*Iterations, force evaluations = *\([0-9]*\) *\([0-9]*\).*/\1/p' "$work/log.quench")
  fe=$(sed -n 's/.*Iterations, force evaluations = *\([0-9]*\) *\([0-9]*\).*/\2/p' "$work/log.quench")
  loop=$(sed -n 's/^Loop time of \([0-9.e+-]*\) on.*/\1/p' "$work/log.quench" | tail -1)
  e=$(sed -n '/Energy initial, next-to-last, final/{n;p}' "$work/log.quench" | awk '{print $3}')
  pct=$(sed -n 's/^\([0-9.]*\)% CPU use with.*/\1/p' "$work/log.quench" | tail -1)
  cpu=$(echo "$loop * $pct / 100 * $np" | bc -l)
  crit=$(sed -n 's/.*Stopping criterion = \(.*\)/\1/p' "$work/log.quench")
  # LAMMPS prints energies per atom (thermo_modify norm yes is the lj default)
  printf '%-24s %10s %12s %9.2f %9.2f %20s %10s\n' "lammps fire ($np rank)" "$it" "$fe" "$loop" "$cpu" "$e" "$crit"
  if [ "$np" = 1 ]; then lammps_wall=$loop; lammps_cpu=$cpu; fi
done

for mname in $minimizers; do
for nt in $threads; do
  t0=$(now)
  out=$(cd "$work" && OMP_NUM_THREADS=$nt /usr/bin/time -f "%U %S" -o "$work/time.txt" "$vitrum" quench.lua "$data" "$mname")
  t1=$(now)
  set -- $out
  wall=$(echo "$t1 - $t0" | bc -l)
  cpu=$(awk '{print $1 + $2}' "$work/time.txt")
  printf '%-24s %10s %12s %9.2f %9.2f %20s %10s\n' "vitrum $mname ($nt thread)" "$2" "$3" "$wall" "$cpu" "$4" "$1"
  if [ -n "$lammps_wall" ]; then
    echo "#   lammps (1 rank) / vitrum $mname ($nt thread): wall $(echo "$lammps_wall / $wall" | bc -l | cut -c1-5)x, cpu $(echo "$lammps_cpu / $cpu" | bc -l | cut -c1-5)x"
  fi
done
done
