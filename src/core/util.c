/* Safe file writing and the version string (see util.h). */
#include "config.h"
#include "core/util.h"
#include "core/error.h"
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* "<host>" of the temporaries' names: the host name with anything but
 * letters, digits, '-' and '_' replaced, so the name parses back. */
static void host_tag(char *buf, size_t len)
{
  if (gethostname(buf, len) != 0 || !buf[0]) snprintf(buf, len, "localhost");
  buf[len - 1] = '\0';
  for (char *c = buf; *c; c++)
    if (!isalnum((unsigned char)*c) && *c != '-' && *c != '_') *c = '_';
}

/* Remove "<base>.tmp.<host>.<pid>" beside path whose process is gone. */
static void remove_stale(const char *path, const char *host)
{
  char *dcopy = strdup(path), *bcopy = strdup(path);
  if (!dcopy || !bcopy) { free(dcopy); free(bcopy); return; }
  const char *dir = dirname(dcopy), *base = basename(bcopy);
  char prefix[512];
  int pl = snprintf(prefix, sizeof prefix, "%s.tmp.%s.", base, host);
  DIR *d = pl > 0 && (size_t)pl < sizeof prefix ? opendir(dir) : NULL;
  if (d) {
    struct dirent *e;
    while ((e = readdir(d))) {
      if (strncmp(e->d_name, prefix, (size_t)pl) != 0) continue;
      const char *digits = e->d_name + pl;
      char *end;
      errno = 0;
      long pid = strtol(digits, &end, 10);
      if (end == digits || *end || errno || pid <= 0 || pid == (long)getpid()) continue;
      if (kill((pid_t)pid, 0) == 0 || errno != ESRCH) continue;   /* alive, or not ours to judge */
      size_t len = strlen(dir) + strlen(e->d_name) + 2;
      char *full = malloc(len);
      if (!full) break;
      snprintf(full, len, "%s/%s", dir, e->d_name);
      unlink(full);
      free(full);
    }
    closedir(d);
  }
  free(dcopy);
  free(bcopy);
}

int vt_wfile_open(vt_wfile *w, const char *path)
{
  memset(w, 0, sizeof *w);
  struct stat st, lst;
  int exists = stat(path, &st) == 0;
  if (!exists && errno != ENOENT) return vt_error(VT_EIO, "cannot write '%s': %s", path, strerror(errno));
  if (!exists && lstat(path, &lst) == 0 && S_ISLNK(lst.st_mode)) {
    char to[512];
    ssize_t k = readlink(path, to, sizeof to - 1);
    to[k > 0 ? k : 0] = '\0';
    return vt_error(VT_EIO, "cannot write '%s': it is a symbolic link to '%s', which does not exist", path, to);
  }
  if (exists && S_ISDIR(st.st_mode)) return vt_error(VT_EIO, "cannot write '%s': it is a directory", path);
  if (exists && (S_ISBLK(st.st_mode) || S_ISSOCK(st.st_mode)))
    return vt_error(VT_EIO, "cannot write '%s': it is a %s (only regular files, character devices and FIFOs "
                    "are written)", path, S_ISBLK(st.st_mode) ? "block device" : "socket");
  /* /dev/stdout and friends are links to whatever the shell opened (a file
   * opened for appending, say): replacing that file would lose its content */
  int special = strncmp(path, "/dev/", 5) == 0 || strncmp(path, "/proc/", 6) == 0;
  if (exists && (!S_ISREG(st.st_mode) || special)) {
    /* a character device, a FIFO, or a name under /dev or /proc: write
     * through, never replace it */
    w->path = strdup(path);
    if (!w->path) return vt_error(VT_ENOMEM, "out of memory");
    w->fp = fopen(path, "ab");   /* no O_TRUNC: a regular file behind /dev/stdout keeps what it held */
    if (!w->fp) {
      int e = errno;
      free(w->path); w->path = NULL;
      return vt_error(VT_EIO, "cannot write '%s': %s", path, strerror(e));
    }
    return 0;
  }
  /* a regular file or a new one; a symlink's target is the file replaced */
  w->path = exists && lstat(path, &lst) == 0 && S_ISLNK(lst.st_mode) ? realpath(path, NULL) : strdup(path);
  if (!w->path) return vt_error(exists ? VT_EIO : VT_ENOMEM, "cannot write '%s': %s", path, strerror(errno));
  char host[64];
  host_tag(host, sizeof host);
  size_t len = strlen(w->path) + strlen(host) + 40;
  w->tmp = malloc(len);
  if (!w->tmp) { free(w->path); w->path = NULL; return vt_error(VT_ENOMEM, "out of memory"); }
  snprintf(w->tmp, len, "%s.tmp.%s.%ld", w->path, host, (long)getpid());
  remove_stale(w->path, host);
  w->fp = fopen(w->tmp, "wb");
  if (!w->fp) {
    int e = errno;
    free(w->path); free(w->tmp);
    memset(w, 0, sizeof *w);
    return vt_error(VT_EIO, "cannot write '%s': %s", path, strerror(e));
  }
  if (exists) fchmod(fileno(w->fp), st.st_mode & 07777);   /* best effort: keep the file's mode */
  return 0;
}

/* fsync the directory holding path (best effort, see util.h). */
static void sync_dir(const char *path)
{
  char *copy = strdup(path);
  if (!copy) return;
  int fd = open(dirname(copy), O_RDONLY | O_DIRECTORY);
  if (fd >= 0) { fsync(fd); close(fd); }
  free(copy);
}

int vt_wfile_commit(vt_wfile *w)
{
  int bad = fflush(w->fp) != 0 || ferror(w->fp);
  int e = errno;
  if (!bad && w->tmp && fsync(fileno(w->fp)) != 0) { bad = 1; e = errno; }
  if (fclose(w->fp) != 0 && !bad) { bad = 1; e = errno; }
  int rc = 0;
  if (bad) {
    if (w->tmp) remove(w->tmp);
    rc = vt_error(VT_EIO, "writing '%s' failed: %s", w->path, strerror(e));
  } else if (w->tmp && rename(w->tmp, w->path) != 0) {
    e = errno;
    remove(w->tmp);
    rc = vt_error(VT_EIO, "cannot rename '%s' to '%s': %s", w->tmp, w->path, strerror(e));
  } else if (w->tmp) {
    sync_dir(w->path);
  }
  free(w->path); free(w->tmp);
  memset(w, 0, sizeof *w);
  return rc;
}

void vt_wfile_abort(vt_wfile *w)
{
  if (w->fp) { fclose(w->fp); if (w->tmp) remove(w->tmp); }
  free(w->path); free(w->tmp);
  memset(w, 0, sizeof *w);
}

/* ---- progress bar ---- */

void vt_progress_start(vt_progress *p, int want, long first)
{
  const char *q = getenv("VT_QUIET");
  p->on = want && isatty(2) && !(q && q[0] && strcmp(q, "0") != 0);
  p->drawn = 0;
  p->t0 = p->last = vt_wtime();
  p->first = first;
}

int vt_progress_due(vt_progress *p, int force)
{
  if (!p->on) return 0;
  double t = vt_wtime();
  if (!force && t - p->last < 0.25) return 0;
  p->last = t;
  return 1;
}

double vt_progress_rate(const vt_progress *p, long count)
{
  double dt = vt_wtime() - p->t0;
  return (count - p->first) / (dt > 1e-9 ? dt : 1e-9);
}

void vt_progress_draw(vt_progress *p, const char *label, double frac, const char *text)
{
  if (!p->on) return;
  if (!(frac >= 0)) frac = 0;
  if (frac > 1) frac = 1;
  char bar[31];
  int w = (int)(frac * 30);
  for (int k = 0; k < 30; k++) bar[k] = k < w ? '#' : '.';
  bar[30] = '\0';
  fprintf(stderr, "\r%s %3d%% [%s] %s   ", label, (int)(100 * frac), bar, text);
  fflush(stderr);
  p->drawn = 1;
}

void vt_progress_finish(vt_progress *p, int always)
{
  if (!p->on || !(p->drawn || always)) return;
  fputc('\n', stderr);
  fflush(stderr);
}

void vt_format_duration(char *buf, size_t len, double sec)
{
  if (!(sec >= 0 && sec < 1e9)) { snprintf(buf, len, "?"); return; }
  long s = (long)(sec + 0.5);
  if (s >= 3600) snprintf(buf, len, "%ldh%02ldm", s / 3600, (s / 60) % 60);
  else if (s >= 60) snprintf(buf, len, "%ldm%02lds", s / 60, s % 60);
  else snprintf(buf, len, "%lds", s);
}

const char *vt_version(void) { return PACKAGE_VERSION; }

double vt_wtime(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}
