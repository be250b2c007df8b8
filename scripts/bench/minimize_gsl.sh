#!/bin/sh
# Build and run scripts/bench/minimize_gsl.c (GSL multimin vs vitrum's cg and
# fire2) from the build tree. usage: scripts/bench/minimize_gsl.sh [data] [ftol]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
build=$(pwd)
data=${1:-${VT_SHARED:-$src/t/data}/reference/liquid_T1.0_N500.data}
bin=${TMPDIR:-/tmp}/vt-minimize-gsl.$$
trap 'rm -f "$bin"' EXIT
${CC:-gcc} -O2 -std=gnu11 -fopenmp -I"$src/src" -I"$build" $(pkg-config --cflags gsl) "$here/minimize_gsl.c" \
  -o "$bin" "$build/.libs/libvitrum.so" -Wl,-rpath,"$build/.libs" $(pkg-config --libs gsl) -lm
echo "# machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'), one thread"
OMP_NUM_THREADS=1 "$bin" "$data" "${2:-1e-10}"
