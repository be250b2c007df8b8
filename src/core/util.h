/* Small shared helpers of the core: safe file writing (temporary name, then
 * rename), the vitrum version string, a monotonic wall clock. */
#ifndef VT_UTIL_H
#define VT_UTIL_H
#include <stdio.h>

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

#endif
