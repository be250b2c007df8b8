/* Small shared helpers of the core: safe file writing (temporary name, then
 * rename), the vitrum version string, a monotonic wall clock, the calling
 * OpenMP thread. */
#ifndef VT_UTIL_H
#define VT_UTIL_H
#include <stdio.h>
#ifdef _OPENMP
#include <omp.h>
#endif

/* A file being written: output goes to "<path>.tmp.<pid>"; commit flushes,
 * checks for errors and renames it over <path>; abort removes it. So an
 * interrupted or failed write never leaves a half-written file behind. */
typedef struct vt_wfile {
  FILE *fp;
  char *path;
  char *tmp;
} vt_wfile;

int vt_wfile_open(vt_wfile *w, const char *path);
int vt_wfile_commit(vt_wfile *w);
void vt_wfile_abort(vt_wfile *w);

const char *vt_version(void);
/* Seconds on a monotonic clock (CLOCK_MONOTONIC) from an arbitrary origin:
 * for measuring elapsed wall time. */
double vt_wtime(void);

/* Inside a parallel region: the calling thread's number and the team's
 * size (0 and 1 without OpenMP). Work cut into a fixed number of blocks
 * runs as `for (b = t; b < nblocks; b += team)`, so the blocks, and a
 * reduction over them in block order, do not depend on how many threads
 * the runtime actually gave. */
static inline void vt_omp_thread(int *t, int *team)
{
#ifdef _OPENMP
  *t = omp_get_thread_num();
  *team = omp_get_num_threads();
#else
  *t = 0;
  *team = 1;
#endif
}

#endif
