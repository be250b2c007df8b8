/* Small shared helpers of the core: safe file writing (temporary name, then
 * rename), the vitrum version string, a monotonic wall clock, the calling
 * OpenMP thread. */
#ifndef VT_UTIL_H
#define VT_UTIL_H
#include <stdio.h>
#ifdef _OPENMP
#include <omp.h>
#endif

/* A file being written. What is promised:
 * - A regular file (new or existing) is written to a temporary beside it,
 *   "<path>.tmp.<host>.<pid>", which commit flushes, fsyncs, checks for
 *   errors and renames over <path>, then fsyncs the directory (best effort:
 *   file systems that cannot sync a directory are not an error). So a
 *   failed or interrupted write never leaves a half-written file under the
 *   name, and a committed one survives a crash or power loss once commit
 *   returned 0. An existing file keeps its permission bits.
 * - A symbolic link is followed: the file it points to is replaced the same
 *   way (the temporary goes beside the target, the link stays a link). A
 *   link to nothing is refused.
 * - Character devices and FIFOs (/dev/null, /dev/full, a pipe), and any
 *   existing name under /dev or /proc (/dev/stdout redirected to a file the
 *   shell opened for appending), are written through, never replaced: no
 *   temporary, no rename, no fsync; errors
 *   (ENOSPC from /dev/full) are reported by the writes or by commit.
 *   Directories, block devices and sockets are refused.
 * - Temporaries left by processes that died (kill -9) on this host are
 *   removed when the same target is written next (their pid names no live
 *   process); those of other hosts sharing the directory are left alone.
 * abort removes the temporary (or just closes a written-through file). */
typedef struct vt_wfile {
  FILE *fp;
  char *path;    /* the file that is replaced (a symlink's target), or written through */
  char *tmp;     /* the temporary; NULL when writing through */
} vt_wfile;

int vt_wfile_open(vt_wfile *w, const char *path);
int vt_wfile_commit(vt_wfile *w);
void vt_wfile_abort(vt_wfile *w);

/* A progress bar on stderr, shared by MD runs and minimizations: on only
 * when asked, stderr is a terminal and VT_QUIET is unset (or "0"). The
 * caller decides what it says; this draws "\r<label> <pct>% [###...] <text>"
 * at most four times a second. */
typedef struct vt_progress {
  int on, drawn;
  double t0, last;   /* start and last drawing (vt_wtime) */
  long first;        /* the count at the start, for rates */
} vt_progress;
void vt_progress_start(vt_progress *p, int want, long first);
/* Is it time to draw (a quarter second since the last time, or force)? */
int vt_progress_due(vt_progress *p, int force);
/* Draw; frac in [0, 1] fills the bar. */
void vt_progress_draw(vt_progress *p, const char *label, double frac, const char *text);
/* Units of work per second since the start, with count the current one. */
double vt_progress_rate(const vt_progress *p, long count);
/* End the line: if something was drawn, or always (MD's closing line). */
void vt_progress_finish(vt_progress *p, int always);
/* "12s", "3m05s", "2h10m"; "?" for negative or absurd values. */
void vt_format_duration(char *buf, size_t len, double sec);

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
