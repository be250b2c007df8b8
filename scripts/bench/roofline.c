/* Machine ceilings for the roofline note of doc/performance.md, one core:
 *  - peak double-precision flop rate: independent FMA chains on vectors of
 *    8 doubles (compile with -O2 -march=native), 2 flops per FMA per lane;
 *  - memory bandwidth: STREAM triad a = b + s c on arrays far larger than the
 *    caches (24 bytes moved per element, write-allocate not counted), and the
 *    same on arrays that fit in L2 (256 KiB in all).
 * Best of several repetitions (this is a shared machine).
 *
 *   cc -O2 -march=native -fopenmp-simd scripts/bench/roofline.c -o roofline && ./roofline
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now(void)
{
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + 1e-9 * t.tv_nsec;
}

/* GCC/Clang vector extension: 8 doubles (one AVX-512 register, two AVX2
 * ones, four SSE2 ones); C independent FMA chains cover latency x issue. */
typedef double v8d __attribute__((vector_size(64)));
#define C 12

static double flops(long iters)
{
  v8d acc[C], m, a;
  for (int k = 0; k < 8; k++) { m[k] = 1.0 + 1e-9 * k; a[k] = 1e-9; }
  for (int c = 0; c < C; c++)
    for (int k = 0; k < 8; k++) acc[c][k] = c + k;
  double t0 = now();
  for (long it = 0; it < iters; it++) {
#define STEP(c) acc[c] = acc[c] * m + a;
    STEP(0) STEP(1) STEP(2) STEP(3) STEP(4) STEP(5) STEP(6) STEP(7) STEP(8) STEP(9) STEP(10) STEP(11)
  }
  double t = now() - t0, sink = 0;
  for (int c = 0; c < C; c++)
    for (int k = 0; k < 8; k++) sink += acc[c][k];
  if (sink == 42.0) printf(" ");
  return 2.0 * 8 * C * iters / t;
}

static double triad(size_t n, int reps)
{
  double *a = malloc(n * sizeof *a), *b = malloc(n * sizeof *b), *c = malloc(n * sizeof *c);
  if (!a || !b || !c) { fprintf(stderr, "out of memory\n"); exit(1); }
  for (size_t i = 0; i < n; i++) { a[i] = 0; b[i] = 1; c[i] = 2; }
  double best = 1e30;
  for (int r = 0; r < reps; r++) {
    double t0 = now();
#pragma GCC ivdep
    for (size_t i = 0; i < n; i++) a[i] = b[i] + 3.0 * c[i];
    double t = now() - t0;
    if (t < best) best = t;
    b[r % n] = a[(r + 1) % n];
  }
  free(a); free(b); free(c);
  return 24.0 * n / best;
}

int main(void)
{
  double best = 0;
  for (int r = 0; r < 200; r++) { double f = flops(200000); if (f > best) best = f; }
  printf("peak_dp_gflops %.1f\n", best / 1e9);
  printf("triad_dram_gbs %.1f\n", triad(1 << 24, 10) / 1e9);
  printf("triad_l2_gbs %.1f\n", triad(1 << 13, 20000) / 1e9);
  return 0;
}
