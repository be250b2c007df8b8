/* A tiny TAP producer for the C unit tests (read by automake's tap-driver.sh
 * and by prove). Header-only; each test program includes it once. */
#ifndef VT_TAP_H
#define VT_TAP_H
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

static int tap_n, tap_failed;

__attribute__((unused)) static void tap_vresult(int ok, const char *fmt, va_list ap)
{
  printf("%s %d - ", ok ? "ok" : "not ok", ++tap_n);
  vprintf(fmt, ap);
  printf("\n");
  if (!ok) tap_failed++;
  fflush(stdout);
}

__attribute__((format(printf, 2, 3), unused)) static int ok(int cond, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  tap_vresult(cond, fmt, ap);
  va_end(ap);
  return cond;
}

static void diag(const char *fmt, ...) __attribute__((format(printf, 1, 2), unused));
static void diag(const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  printf("# ");
  vprintf(fmt, ap);
  printf("\n");
  va_end(ap);
}

/* |got - want| <= tol (absolute); prints both on failure. */
__attribute__((format(printf, 4, 5), unused)) static int is_close(double got, double want, double tol, const char *fmt, ...)
{
  int cond = fabs(got - want) <= tol;
  va_list ap;
  va_start(ap, fmt);
  tap_vresult(cond, fmt, ap);
  va_end(ap);
  if (!cond) diag("  got %.17g, want %.17g (|diff| %.3g > tol %.3g)", got, want, fabs(got - want), tol);
  return cond;
}

/* relative tolerance with an absolute floor */
__attribute__((format(printf, 5, 6), unused)) static int is_rel(double got, double want, double rel, double floor_, const char *fmt, ...)
{
  double tol = fmax(rel * fabs(want), floor_);
  int cond = fabs(got - want) <= tol;
  va_list ap;
  va_start(ap, fmt);
  tap_vresult(cond, fmt, ap);
  va_end(ap);
  if (!cond) diag("  got %.17g, want %.17g (|diff| %.3g > tol %.3g)", got, want, fabs(got - want), tol);
  return cond;
}

__attribute__((unused)) static void skip_all(const char *why)
{
  printf("1..0 # SKIP %s\n", why);
  exit(0);
}

__attribute__((unused)) static int done_testing(void)
{
  printf("1..%d\n", tap_n);
  return tap_failed ? 1 : 0;
}

#endif
