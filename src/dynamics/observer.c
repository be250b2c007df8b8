/* The observer wrapper and the sampling schedules (see observer.h). */
#include "dynamics/observer.h"
#include "core/error.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

int vt_observer_new(const vt_observer_type *type, void *state, unsigned needs, vt_observer **out)
{
  *out = NULL;
  vt_observer *o = calloc(1, sizeof *o);
  if (!o) { type->free(state); return vt_error(VT_ENOMEM, "out of memory"); }
  o->type = type;
  o->state = state;
  o->needs = needs;
  o->last = -1;
  o->want = -1;
  *out = o;
  return 0;
}

void vt_observer_free(vt_observer *o)
{
  if (!o) return;
  if (o->type->free) o->type->free(o->state);
  free(o);
}

long vt_observer_next(const vt_observer *o, long after)
{
  return o->type->next(o->state, after > o->last ? after : o->last);
}

int vt_observer_sample(vt_observer *o, vt_system *s, long step, double time, double T)
{
  struct timespec a, b;
  clock_gettime(CLOCK_MONOTONIC, &a);
  int rc = o->type->sample(o->state, s, step, time, T);
  clock_gettime(CLOCK_MONOTONIC, &b);
  o->seconds += (double)(b.tv_sec - a.tv_sec) + 1e-9 * (double)(b.tv_nsec - a.tv_nsec);
  o->samples++;
  if (rc >= 0) o->last = step;
  return rc;
}

size_t vt_observer_save(const vt_observer *o, double *out)
{
  if (!o->type->save) return 0;
  size_t n = o->type->save(o->state, out ? out + 1 : NULL);
  if (out) out[0] = (double)o->last;
  return n + 1;
}

int vt_observer_load(vt_observer *o, const double *in, size_t len)
{
  if (!o->type->load) return vt_error(VT_EINVAL, "observer %s keeps no checkpoint state", o->type->name);
  if (len < 1 || !(in[0] >= -1 && in[0] < 9e15)) return vt_error(VT_EFORMAT, "observer %s: bad saved state", o->type->name);
  int rc = o->type->load(o->state, in + 1, len - 1);
  if (rc) return rc;
  o->last = (long)in[0];
  return 0;
}

/* ---- schedules ---- */

int vt_obs_schedule_linear(vt_obs_schedule *sc, long every)
{
  memset(sc, 0, sizeof *sc);
  if (every < 1) return vt_error(VT_EINVAL, "observer schedule: every = %ld must be a positive number of steps", every);
  sc->kind = VT_OBS_LINEAR;
  sc->every = every;
  return 0;
}

int vt_obs_schedule_log(vt_obs_schedule *sc, long block, double base)
{
  memset(sc, 0, sizeof *sc);
  if (block < 1) return vt_error(VT_EINVAL, "observer schedule: block = %ld must be a positive number of steps", block);
  if (!(base > 1 && base < 1e6)) return vt_error(VT_EINVAL, "observer schedule: base = %g must be above 1", base);
  /* offsets 0, then floor(base^k) below block, without repeats */
  size_t cap = 2 + (size_t)(log((double)block) / log(base)) + 1;
  if (cap > (size_t)block) cap = (size_t)block + 1;
  long *off = malloc(cap * sizeof *off);
  if (!off) return vt_error(VT_ENOMEM, "out of memory");
  size_t n = 0;
  off[n++] = 0;
  for (double p = 1.0; p < (double)block && n < cap; p *= base) {
    long o = (long)floor(p + 1e-9);
    if (o > off[n - 1]) off[n++] = o;
  }
  sc->kind = VT_OBS_LOG;
  sc->block = block;
  sc->base = base;
  sc->offsets = off;
  sc->noffsets = n;
  return 0;
}

void vt_obs_schedule_free(vt_obs_schedule *sc)
{
  free(sc->offsets);
  sc->offsets = NULL;
  sc->noffsets = 0;
}

long vt_obs_schedule_next(const vt_obs_schedule *sc, long t0, long after)
{
  long d = after + 1 - t0;   /* the first offset from t0 we may take */
  if (d <= 0) return t0;
  if (sc->kind == VT_OBS_LINEAR) return t0 + ((d + sc->every - 1) / sc->every) * sc->every;
  long b = d / sc->block, r = d % sc->block;
  for (size_t k = 0; k < sc->noffsets; k++)
    if (sc->offsets[k] >= r) return t0 + b * sc->block + sc->offsets[k];
  return t0 + (b + 1) * sc->block;
}
