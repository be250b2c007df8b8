/* Worker processes for sweeps: start a fresh program (posix_spawn, never a
 * fork of a process whose OpenMP runtime may be running) connected by a
 * Unix socket pair, send and receive length-prefixed messages, wait for
 * several workers at once, and the few facts about the machine a sweep
 * records (host name, cores, whether stderr is a terminal). Engine-neutral:
 * messages are opaque bytes. */
#ifndef VT_SWEEP_PROC_H
#define VT_SWEEP_PROC_H

#include <stddef.h>
#include <sys/types.h>

/* Start argv[0] (a path) with argv, the current environment plus `env`
 * ("NAME=value" entries, NULL-terminated, may be NULL), its stdin on
 * /dev/null, stdout/stderr inherited and one end of a socket pair as file
 * descriptor `child_fd` (>= 3). *fd is the parent's end (close-on-exec). */
int vt_proc_spawn(const char *const *argv, const char *const *env, int child_fd, pid_t *pid, int *fd);

/* One message: an 8-byte little-endian length, then the bytes. send never
 * raises SIGPIPE (a dead peer is an error). recv returns 1 at a clean end
 * of the stream (the peer exited between messages), 0 with a malloc'd *buf. */
int vt_msg_send(int fd, const void *buf, size_t len);
int vt_msg_recv(int fd, char **buf, size_t *len);

/* Wait up to timeout seconds (< 0: forever) until some of fds[0..n) can be
 * read (or hung up); ready[i] = 1 for those. Returns their count (0 on
 * timeout). An interrupted wait (a signal) returns 0. */
int vt_proc_poll(const int *fds, int n, double timeout, int *ready);

/* Reap pid without blocking (or blocking when `block`): returns 0 and sets
 * *state = 0 running, 1 exited (*code = exit status), 2 killed (*code =
 * signal number). */
int vt_proc_wait(pid_t pid, int block, int *state, int *code);
int vt_proc_kill(pid_t pid, int sig);

/* In a worker: die with SIGKILL when the parent `ppid` exits (Linux
 * prctl; returns 1 if the parent is already gone). */
int vt_proc_die_with_parent(pid_t ppid);

/* Hold an exclusive lock on `path` (created if missing) for as long as the
 * process lives or until vt_proc_unlock: 0 and *fd, or 1 when another
 * process holds it (*holder gets its pid as written in the file, or 0).
 * flock(2): the kernel drops it when the holder dies, even by kill -9. */
int vt_proc_lock(const char *path, int *fd, long *holder);
void vt_proc_unlock(int fd);

/* The running program's path (/proc/self/exe), malloc'd, or NULL. */
char *vt_proc_self_exe(void);
int vt_proc_hostname(char *buf, size_t len);
int vt_proc_ncores(void);
int vt_proc_isatty(int fd);

#endif
