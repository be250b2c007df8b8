/* Error reporting for the C core: functions return 0 or a negative VT_E*
 * code and leave a message here for the caller (the Lua binding raises it).
 * The message buffer is thread-local, so OpenMP workers and independent
 * systems do not clobber each other. The core never prints or exits. */
#ifndef VT_ERROR_H
#define VT_ERROR_H

enum {
  VT_OK = 0,
  VT_EINVAL = -1,     /* bad argument or impossible parameter */
  VT_ENOMEM = -2,     /* allocation failed */
  VT_EIO = -3,        /* file could not be opened, read or written */
  VT_EFORMAT = -4,    /* malformed file contents */
  VT_ENONFINITE = -5, /* NaN or infinity in a state or result */
  VT_ERANGE = -6,     /* value outside its allowed range (e.g. box too small) */
  VT_EINTR = -7,      /* interrupted (Ctrl-C) */
  VT_ENOCONV = -8,    /* an iterative method did not converge */
  VT_ESINGULAR = -9   /* singular or indefinite matrix */
};

/* Record a message (printf-style) and return code, for `return vt_error(...)`. */
int vt_error(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The last message recorded on this thread ("" if none). */
const char *vt_errmsg(void);
/* Prefix the current message with context, e.g. "reading conf.data: ". */
int vt_error_prefix(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void vt_error_clear(void);
const char *vt_strerror(int code);

/* Cooperative interruption: a signal handler (in the front end) sets the
 * flag; long loops poll it and return VT_EINTR at a clean point. */
void vt_interrupt_set(int on);
int vt_interrupted(void);

#endif
