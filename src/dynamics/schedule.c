/* Temperature schedules (see schedule.h). */
#include "dynamics/schedule.h"
#include "core/error.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

static int check_temp(double T, const char *what)
{
  if (!(isfinite(T) && T >= 0)) return vt_error(VT_EINVAL, "schedule: %s %g must be non-negative and finite", what, T);
  return 0;
}

int vt_schedule_constant(vt_schedule *sc, double T)
{
  memset(sc, 0, sizeof *sc);
  int rc = check_temp(T, "temperature");
  if (rc) return rc;
  sc->kind = VT_SCHED_CONSTANT;
  sc->T1 = sc->T2 = T;
  return 0;
}

int vt_schedule_ramp(vt_schedule *sc, double T1, double T2)
{
  memset(sc, 0, sizeof *sc);
  int rc = check_temp(T1, "start temperature");
  if (!rc) rc = check_temp(T2, "end temperature");
  if (rc) return rc;
  sc->kind = VT_SCHED_RAMP;
  sc->T1 = T1;
  sc->T2 = T2;
  return 0;
}

int vt_schedule_points(vt_schedule *sc, const double *step, const double *temp, size_t n)
{
  memset(sc, 0, sizeof *sc);
  if (n < 1) return vt_error(VT_EINVAL, "schedule: at least one point {step, T} is needed");
  for (size_t k = 0; k < n; k++) {
    if (!isfinite(step[k])) return vt_error(VT_EINVAL, "schedule: step of point %zu is %g", k + 1, step[k]);
    if (k > 0 && !(step[k] > step[k - 1]))
      return vt_error(VT_EINVAL, "schedule: steps must increase (point %zu: %g after %g)", k + 1, step[k], step[k - 1]);
    int rc = check_temp(temp[k], "temperature of a point");
    if (rc) return rc;
  }
  sc->step = malloc(2 * n * sizeof(double));
  if (!sc->step) return vt_error(VT_ENOMEM, "out of memory");
  sc->temp = sc->step + n;
  memcpy(sc->step, step, n * sizeof(double));
  memcpy(sc->temp, temp, n * sizeof(double));
  sc->npoints = n;
  sc->kind = VT_SCHED_POINTS;
  sc->T1 = temp[0];
  sc->T2 = temp[n - 1];
  return 0;
}

int vt_schedule_function(vt_schedule *sc, vt_schedule_fn fn, void *arg)
{
  memset(sc, 0, sizeof *sc);
  if (!fn) return vt_error(VT_EINVAL, "schedule: no function given");
  sc->kind = VT_SCHED_FUNCTION;
  sc->fn = fn;
  sc->arg = arg;
  return 0;
}

int vt_schedule_copy(vt_schedule *dst, const vt_schedule *src)
{
  if (src->kind == VT_SCHED_POINTS) return vt_schedule_points(dst, src->step, src->temp, src->npoints);
  *dst = *src;
  return 0;
}

void vt_schedule_free(vt_schedule *sc)
{
  if (!sc) return;
  free(sc->step);
  sc->step = sc->temp = NULL;
  sc->npoints = 0;
}

int vt_schedule_eval(const vt_schedule *sc, long i, long nsteps, double *T)
{
  double t = 0.0;
  switch (sc->kind) {
  case VT_SCHED_CONSTANT: t = sc->T1; break;
  case VT_SCHED_RAMP: {
    /* LAMMPS FixNH::compute_temp_target: delta = (ntimestep - beginstep) / (endstep - beginstep),
    * written as a convex combination so that the last step gets T2 exactly. */
    double delta = nsteps > 0 ? (double)i / (double)nsteps : 0.0;
    t = (1.0 - delta) * sc->T1 + delta * sc->T2;
    break;
  }
  case VT_SCHED_POINTS: {
    const double *x = sc->step, *y = sc->temp, s = (double)i;
    size_t n = sc->npoints;
    if (s <= x[0]) t = y[0];
    else if (s >= x[n - 1]) t = y[n - 1];
    else {
      size_t lo = 0, hi = n - 1;      /* x[lo] < s < x[hi] */
      while (hi - lo > 1) {
        size_t mid = (lo + hi) / 2;
        if (x[mid] <= s) lo = mid; else hi = mid;
      }
      t = y[lo] + (s - x[lo]) / (x[hi] - x[lo]) * (y[hi] - y[lo]);
    }
    break;
  }
  case VT_SCHED_FUNCTION: {
    int rc = sc->fn(i, nsteps, sc->arg, &t);
    if (rc) return rc;
    if (!(isfinite(t) && t >= 0))
      return vt_error(VT_EINVAL, "schedule: the temperature function gave %g at step %ld", t, i);
    break;
  }
  default: return vt_error(VT_EINVAL, "schedule: unknown kind %d", sc->kind);
  }
  *T = t;
  return 0;
}

int vt_schedule_same(const vt_schedule *a, const vt_schedule *b)
{
  if (a->kind != b->kind) return 0;
  switch (a->kind) {
  case VT_SCHED_CONSTANT: return a->T1 == b->T1;
  case VT_SCHED_RAMP: return a->T1 == b->T1 && a->T2 == b->T2;
  case VT_SCHED_POINTS:
    if (a->npoints != b->npoints) return 0;
    for (size_t k = 0; k < a->npoints; k++)
      if (a->step[k] != b->step[k] || a->temp[k] != b->temp[k]) return 0;
    return 1;
  default: return 1;
  }
}
