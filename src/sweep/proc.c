/* Worker processes and messages for sweeps (proc.h). Socket pairs instead of
 * pipes: one descriptor each way, and MSG_NOSIGNAL so a worker that died
 * (kill -9) is an error code for the coordinator, not a SIGPIPE. */
#define _GNU_SOURCE
#include "sweep/proc.h"
#include "core/error.h"
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/prctl.h>
#include <sched.h>
#include <stdio.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

#define MSG_MAX ((uint64_t)1 << 36)   /* 64 GiB: a length above this is a broken stream */

int vt_proc_spawn(const char *const *argv, const char *const *env, int child_fd, pid_t *pid, int *fd)
{
  if (!argv || !argv[0]) return vt_error(VT_EINVAL, "spawn: no program given");
  if (child_fd < 3) return vt_error(VT_EINVAL, "spawn: the child's descriptor must be >= 3 (got %d)", child_fd);
  int sv[2];
  if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0)
    return vt_error(VT_EIO, "spawn %s: socketpair: %s", argv[0], strerror(errno));
  /* dup2(x, x) would keep close-on-exec: move the child's end off child_fd */
  if (sv[1] == child_fd) {
    int d = fcntl(sv[1], F_DUPFD_CLOEXEC, child_fd + 1);
    if (d < 0) { close(sv[0]); close(sv[1]); return vt_error(VT_EIO, "spawn: dup: %s", strerror(errno)); }
    close(sv[1]);
    sv[1] = d;
  }
  size_t nenv = 0, nadd = 0;
  while (environ && environ[nenv]) nenv++;
  while (env && env[nadd]) nadd++;
  char **envp = malloc((nenv + nadd + 1) * sizeof *envp);
  if (!envp) { close(sv[0]); close(sv[1]); return vt_error(VT_ENOMEM, "spawn: out of memory"); }
  size_t m = 0;
  for (size_t i = 0; i < nenv; i++) {   /* the added entries replace inherited ones of the same name */
    int replaced = 0;
    for (size_t j = 0; j < nadd && !replaced; j++) {
      const char *eq = strchr(env[j], '=');
      size_t klen = eq ? (size_t)(eq - env[j]) : strlen(env[j]);
      if (strncmp(environ[i], env[j], klen) == 0 && environ[i][klen] == '=') replaced = 1;
    }
    if (!replaced) envp[m++] = environ[i];
  }
  for (size_t j = 0; j < nadd; j++) envp[m++] = (char *)env[j];
  envp[m] = NULL;

  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&fa, sv[1], child_fd);
  int rc = posix_spawn(pid, argv[0], &fa, NULL, (char *const *)argv, envp);
  posix_spawn_file_actions_destroy(&fa);
  free(envp);
  close(sv[1]);
  if (rc != 0) {
    close(sv[0]);
    return vt_error(VT_EIO, "spawn %s: %s", argv[0], strerror(rc));
  }
  *fd = sv[0];
  return 0;
}

static int write_all(int fd, const char *p, size_t len)
{
  while (len > 0) {
    ssize_t w = send(fd, p, len, MSG_NOSIGNAL);
    if (w < 0) {
      if (errno == EINTR) continue;
      return vt_error(VT_EIO, "message: send failed: %s", strerror(errno));
    }
    p += w;
    len -= (size_t)w;
  }
  return 0;
}

/* 1: clean end of stream before any byte */
static int read_all(int fd, char *p, size_t len, int at_start)
{
  size_t got = 0;
  while (got < len) {
    ssize_t r = read(fd, p + got, len - got);
    if (r < 0) {
      if (errno == EINTR) continue;
      if (errno == ECONNRESET && at_start && got == 0) return 1;
      return vt_error(VT_EIO, "message: read failed: %s", strerror(errno));
    }
    if (r == 0) {
      if (at_start && got == 0) return 1;
      return vt_error(VT_EIO, "message: the peer closed the stream in the middle of a message (%zu of %zu bytes)", got, len);
    }
    got += (size_t)r;
  }
  return 0;
}

int vt_msg_send(int fd, const void *buf, size_t len)
{
  unsigned char h[8];
  uint64_t n = len;
  for (int k = 0; k < 8; k++) h[k] = (unsigned char)(n >> (8 * k));
  int rc = write_all(fd, (const char *)h, 8);
  return rc ? rc : write_all(fd, buf, len);
}

int vt_msg_recv(int fd, char **buf, size_t *len)
{
  unsigned char h[8];
  *buf = NULL;
  *len = 0;
  int rc = read_all(fd, (char *)h, 8, 1);
  if (rc) return rc;
  uint64_t n = 0;
  for (int k = 0; k < 8; k++) n |= (uint64_t)h[k] << (8 * k);
  if (n > MSG_MAX) return vt_error(VT_EFORMAT, "message: length %llu is not plausible (a broken stream)", (unsigned long long)n);
  char *b = malloc(n ? n : 1);
  if (!b) return vt_error(VT_ENOMEM, "message: out of memory for %llu bytes", (unsigned long long)n);
  rc = read_all(fd, b, n, 0);
  if (rc) { free(b); return rc; }
  *buf = b;
  *len = n;
  return 0;
}

int vt_proc_poll(const int *fds, int n, double timeout, int *ready)
{
  struct pollfd *p = calloc(n > 0 ? (size_t)n : 1, sizeof *p);
  if (!p) return vt_error(VT_ENOMEM, "poll: out of memory");
  for (int i = 0; i < n; i++) { p[i].fd = fds[i]; p[i].events = POLLIN; ready[i] = 0; }
  int ms = timeout < 0 ? -1 : (timeout * 1000 > INT_MAX ? INT_MAX : (int)(timeout * 1000));
  int r = poll(p, (nfds_t)n, ms);
  if (r < 0) {
    int e = errno;
    free(p);
    if (e == EINTR) return 0;
    return vt_error(VT_EIO, "poll: %s", strerror(e));
  }
  int count = 0;
  for (int i = 0; i < n; i++)
    if (p[i].revents & (POLLIN | POLLHUP | POLLERR)) { ready[i] = 1; count++; }
  free(p);
  return count;
}

int vt_proc_wait(pid_t pid, int block, int *state, int *code)
{
  int st = 0;
  *state = 0;
  *code = 0;
  pid_t r;
  do r = waitpid(pid, &st, block ? 0 : WNOHANG); while (r < 0 && errno == EINTR);
  if (r < 0) return vt_error(VT_EINVAL, "wait for process %d: %s", (int)pid, strerror(errno));
  if (r == 0) return 0;
  if (WIFEXITED(st)) { *state = 1; *code = WEXITSTATUS(st); }
  else if (WIFSIGNALED(st)) { *state = 2; *code = WTERMSIG(st); }
  return 0;
}

int vt_proc_kill(pid_t pid, int sig)
{
  if (pid <= 0) return vt_error(VT_EINVAL, "kill: bad process id %d", (int)pid);
  if (kill(pid, sig) != 0 && errno != ESRCH) return vt_error(VT_EIO, "kill %d: %s", (int)pid, strerror(errno));
  return 0;
}

int vt_proc_die_with_parent(pid_t ppid)
{
  if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0) return vt_error(VT_EIO, "prctl: %s", strerror(errno));
  return getppid() != ppid;   /* the parent exited before the call */
}

int vt_proc_lock(const char *path, int *fd, long *holder)
{
  *fd = -1;
  *holder = 0;
  int f = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (f < 0) return vt_error(VT_EIO, "lock %s: %s", path, strerror(errno));
  if (flock(f, LOCK_EX | LOCK_NB) != 0) {
    int e = errno;
    if (e == EWOULDBLOCK) {
      char buf[32] = {0};
      ssize_t n = pread(f, buf, sizeof buf - 1, 0);
      if (n > 0) *holder = strtol(buf, NULL, 10);
      close(f);
      return 1;
    }
    close(f);
    return vt_error(VT_EIO, "lock %s: %s", path, strerror(e));
  }
  char buf[32];
  int len = snprintf(buf, sizeof buf, "%ld\n", (long)getpid());
  if (ftruncate(f, 0) != 0 || pwrite(f, buf, (size_t)len, 0) != len) {
    int e = errno;
    close(f);
    return vt_error(VT_EIO, "lock %s: cannot write the holder's pid: %s", path, strerror(e));
  }
  *fd = f;
  return 0;
}

void vt_proc_unlock(int fd)
{
  if (fd >= 0) close(fd);   /* closing the descriptor releases the flock */
}

char *vt_proc_self_exe(void)
{
  char buf[4096];
  ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
  if (n <= 0) return NULL;
  buf[n] = '\0';
  return strdup(buf);
}

int vt_proc_hostname(char *buf, size_t len)
{
  if (gethostname(buf, len) != 0) return vt_error(VT_EIO, "gethostname: %s", strerror(errno));
  buf[len - 1] = '\0';
  return 0;
}

/* the cores this process may run on (taskset, cgroups of SLURM and
 * containers), else the online count */
int vt_proc_ncores(void)
{
  cpu_set_t set;
  if (sched_getaffinity(0, sizeof set, &set) == 0) {
    int n = CPU_COUNT(&set);
    if (n > 0) return n;
  }
  long n = sysconf(_SC_NPROCESSORS_ONLN);
  return n > 0 ? (int)n : 1;
}

int vt_proc_isatty(int fd) { return isatty(fd); }
