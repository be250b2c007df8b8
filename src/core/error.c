/* Thread-local error messages and the interrupt flag (see error.h). */
#include "core/error.h"
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static _Thread_local char errbuf[1024];
static volatile sig_atomic_t interrupt_flag;

int vt_error(int code, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(errbuf, sizeof errbuf, fmt, ap);
  va_end(ap);
  return code;
}

int vt_error_prefix(int code, const char *fmt, ...)
{
  char old[sizeof errbuf], pre[512];
  va_list ap;
  memcpy(old, errbuf, sizeof old);
  va_start(ap, fmt);
  vsnprintf(pre, sizeof pre, fmt, ap);
  va_end(ap);
  snprintf(errbuf, sizeof errbuf, "%s%s", pre, old);
  return code;
}

const char *vt_errmsg(void) { return errbuf; }
void vt_error_clear(void) { errbuf[0] = '\0'; }

const char *vt_strerror(int code)
{
  switch (code) {
  case VT_OK: return "success";
  case VT_EINVAL: return "invalid argument";
  case VT_ENOMEM: return "out of memory";
  case VT_EIO: return "input/output error";
  case VT_EFORMAT: return "malformed input";
  case VT_ENONFINITE: return "non-finite value";
  case VT_ERANGE: return "value out of range";
  case VT_EINTR: return "interrupted";
  case VT_ENOCONV: return "did not converge";
  case VT_ESINGULAR: return "singular matrix";
  default: return "unknown error";
  }
}

void vt_interrupt_set(int on) { interrupt_flag = on ? 1 : 0; }
int vt_interrupted(void) { return interrupt_flag != 0; }
