/* Safe file writing and the version string (see util.h). */
#include "config.h"
#include "core/util.h"
#include "core/error.h"
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

int vt_wfile_open(vt_wfile *w, const char *path)
{
  memset(w, 0, sizeof *w);
  size_t len = strlen(path) + 32;
  w->path = strdup(path);
  w->tmp = malloc(len);
  if (!w->path || !w->tmp) { free(w->path); free(w->tmp); return vt_error(VT_ENOMEM, "out of memory"); }
  snprintf(w->tmp, len, "%s.tmp.%ld", path, (long)getpid());
  w->fp = fopen(w->tmp, "wb");
  if (!w->fp) {
    int e = errno;
    free(w->path); free(w->tmp);
    return vt_error(VT_EIO, "cannot write '%s': %s", path, strerror(e));
  }
  return 0;
}

int vt_wfile_commit(vt_wfile *w)
{
  int bad = ferror(w->fp);
  int e = errno;
  if (fclose(w->fp) != 0 && !bad) { bad = 1; e = errno; }
  int rc = 0;
  if (bad) {
    remove(w->tmp);
    rc = vt_error(VT_EIO, "writing '%s' failed: %s", w->path, strerror(e));
  } else if (rename(w->tmp, w->path) != 0) {
    e = errno;
    remove(w->tmp);
    rc = vt_error(VT_EIO, "cannot rename '%s' to '%s': %s", w->tmp, w->path, strerror(e));
  }
  free(w->path); free(w->tmp);
  memset(w, 0, sizeof *w);
  return rc;
}

void vt_wfile_abort(vt_wfile *w)
{
  if (w->fp) { fclose(w->fp); remove(w->tmp); }
  free(w->path); free(w->tmp);
  memset(w, 0, sizeof *w);
}

const char *vt_version(void) { return PACKAGE_VERSION; }

double vt_wtime(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}
