#!/bin/sh
# Benchmark (not a test): NVT molecular dynamics speed of vitrum next to
# LAMMPS on the same machine, WAHNs (MODELS.md section 1) at density 0.75 and
# T = 0.5, N = 4000 and 32000, 1 and 2 threads (vitrum, OpenMP) / MPI ranks
# (LAMMPS). Both programs start from the same liquid configuration (melted by
# vitrum, written as a LAMMPS data file) and run the same model: lj/smooth
# 2.5/2.75 with shift (wahn_pot.in), neighbor 0.3 bin, every 1 check yes,
# fix nvt temp 0.5 0.5 0.2 (Nose-Hoover chain of 3), dt 0.005. Timed: the
# production steps only (after a short warm-up run that builds the lists).
#
# usage: scripts/bench/md_nvt.sh [path/to/vitrum]
#   env: SIZES="4000 32000"  STEPS_4000=2000  STEPS_32000=300  THREADS="1 2"
#        LMP=/usr/bin/lmp  MPIRUN=mpirun  VT_SHARED=<shared folder>
# Prints atom-steps per second of each program and the ratio vitrum/LAMMPS.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
VITRUM=${1:-${VITRUM:-$top/build/vitrum}}
LMP=${LMP:-$(command -v lmp || true)}
MPIRUN=${MPIRUN:-$(command -v mpirun || true)}
SHARED=${VT_SHARED:-$top/../shared}
SIZES=${SIZES:-"4000 32000"}
THREADS=${THREADS:-"1 2"}
[ -x "$VITRUM" ] || { echo "md_nvt.sh: no vitrum program at $VITRUM (give its path)" >&2; exit 1; }
[ -f "$SHARED/reference/wahn_pot.in" ] || { echo "md_nvt.sh: $SHARED/reference/wahn_pot.in not found (set VT_SHARED)" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT INT TERM

cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)
echo "# vitrum NVT MD benchmark: WAHNs, density 0.75, T 0.5, dt 0.005, tau 0.2"
echo "# machine: $(nproc) CPUs ($cpu), $(uname -sr); load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "# vitrum: $("$VITRUM" -v 2>/dev/null | head -1)"
if [ -n "$LMP" ]; then
  echo "# LAMMPS: $("$LMP" -h 2>/dev/null | sed -n 's/^Large-scale Atomic.*- //p' | head -1) ($LMP)"
else
  echo "# LAMMPS: not found (vitrum only)"
fi
[ -n "$MPIRUN" ] || echo "# mpirun not found: LAMMPS runs on 1 rank only"

now='local p = io.popen("date +%s.%N"); local t = tonumber(p:read("l")); p:close(); return t'

printf "%-7s %-8s %-7s %16s %16s %8s\n" "N" "threads" "steps" "vitrum atom-st/s" "LAMMPS atom-st/s" "ratio"
for n in $SIZES; do
  nc=$(awk -v n="$n" 'BEGIN { printf "%d", (n / 4) ^ (1 / 3) + 0.5 }')
  eval "steps=\${STEPS_$n:-}"
  [ -n "$steps" ] || steps=$(( n <= 8000 ? 2000 : 300 ))
  data="$work/wahns_$n.data"
  # the shared starting configuration: lattice melted at T = 2, then T = 0.5
  "$VITRUM" -e "
    local s = vt.system{ n = $n, density = 0.75, init = 'lattice', seed = 1, mass = 'volume',
                         species = { { fraction = 0.5, diameter = 1.0 }, { fraction = 0.5, diameter = 1.2 } } }
    s:set_potential(vt.potential.lj_smooth{ inner = 2.5, outer = 2.75 })
    s:thermalize{ T = 2.0, seed = 2 }
    local md = vt.md{ system = s, T = 2.0, tau = 0.2 }
    md:run{ steps = 400, progress = false }
    md:run{ steps = 200, T = 0.5, progress = false }
    vt.write(s, '$data')" >&2
  for t in $THREADS; do
    vt_rate=$("$VITRUM" -t "$t" -e "
      local function now() $now end
      local s = vt.read('$data')
      s:set_potential(vt.potential.lj_smooth{ inner = 2.5, outer = 2.75 })
      local md = vt.md{ system = s, dt = 0.005, thermostat = 'nose-hoover', T = 0.5, tau = 0.2 }
      md:run{ steps = 20, progress = false }
      local t0 = now()
      md:run{ steps = $steps, progress = false }
      print(('%.6g'):format(s.n * $steps / (now() - t0)))")
    lmp_rate="-"
    if [ -n "$LMP" ] && { [ "$t" = 1 ] || [ -n "$MPIRUN" ]; }; then
      cat > "$work/in.nvt" <<LMPIN
units           lj
atom_style      atomic
boundary        p p p
read_data       $data
include         $SHARED/reference/wahn_pot.in
timestep        0.005
fix             1 all nvt temp 0.5 0.5 0.2
thermo          100000
run             20
run             $steps
LMPIN
      if [ "$t" = 1 ]; then
        (cd "$work" && "$LMP" -in in.nvt -log log.lammps -screen none) || true
      else
        (cd "$work" && "$MPIRUN" --allow-run-as-root -np "$t" "$LMP" -in in.nvt -log log.lammps -screen none) >/dev/null 2>&1 || true
      fi
      # "Loop time of X on P procs for S steps with N atoms" of the timed run
      lmp_rate=$(awk '/^Loop time of/ { t = $4; s = $9; a = $12 } END { if (t > 0) printf "%.6g", a * s / t; else print "-" }' "$work/log.lammps" 2>/dev/null || echo "-")
    fi
    ratio=$(awk -v a="$vt_rate" -v b="$lmp_rate" 'BEGIN { if (b + 0 > 0) printf "%.2f", a / b; else print "-" }')
    printf "%-7s %-8s %-7s %16s %16s %8s\n" "$n" "$t" "$steps" "$vt_rate" "$lmp_rate" "$ratio"
  done
done
echo "# ratio > 1: vitrum is faster. Threads: vitrum OpenMP threads, LAMMPS MPI ranks (no OPENMP package in Debian's build)."
