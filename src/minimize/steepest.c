/* Steepest descent, two ways (parameter mode):
 *
 * "linesearch" (default): d = F at every step, with the line search of
 *   linesearch.c (sigma = 0.9, a loose curvature condition, since an exact
 *   line minimum buys nothing along a direction that is discarded anyway;
 *   Nocedal and Wright, Numerical Optimization, section 3.1). The first trial
 *   step repeats the last accepted one, capped so that no component moves
 *   more than dmax. Robust and simple, slow in narrow valleys.
 * "flow": explicit Euler integration of the gradient flow dx/dt = F(x), the
 *   steepest-descent path that maps a configuration to its inherent
 *   structure (F. H. Stillinger and T. A. Weber, Phys. Rev. A 25, 978
 *   (1982)): x <- x + h F with h = dt, except that no component moves more
 *   than dmax in a step, and a step that raises the energy (beyond rounding
 *   noise) is undone and retried with h halved; h then recovers by a factor
 *   1.5 per step up to dt. With dt well below 2/k_max (k_max the stiffest
 *   curvature) this follows the path closely; it converges linearly, at a
 *   rate set by the softest mode, so it is for following the path, not for
 *   speed.
 *
 * Parameters: mode, dt (flow step, 0.001), dmax (0.1), c1 (1e-4), sigma
 * (0.9), ls_evals (20). */
#include "minimize/impl.h"
#include "core/error.h"
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

enum { MODE_LINESEARCH = 0, MODE_FLOW = 1 };

typedef struct {
  vt_linesearch ls;
  int mode;
  double dt, dmax;
  size_t n;
  double *f0;
  double h, alpha_prev;
} sd_state;

static const char *const sd_params[] = {"mode", "dt", "dmax", "c1", "sigma", "ls_evals", NULL};

static void sd_init(void *vs)
{
  sd_state *st = vs;
  st->mode = MODE_LINESEARCH;
  st->ls.c1 = 1e-4;
  st->ls.sigma = 0.9;
  st->ls.max_evals = 20;
  st->dt = 0.001;
  st->dmax = 0.1;
}

static const vt_minimizer_type sd_type;

static int sd_param(void *vs, const vt_param *p)
{
  sd_state *st = vs;
  const vt_minimizer_type *T = &sd_type;
  double v;
  int rc = 0;
  if (strcmp(p->key, "mode") == 0) {
    if (p->kind != VT_PARAM_STRING) return vt_error(VT_EINVAL, "steepest: parameter 'mode' must be a string");
    if (strcmp(p->str, "linesearch") == 0) st->mode = MODE_LINESEARCH;
    else if (strcmp(p->str, "flow") == 0) st->mode = MODE_FLOW;
    else return vt_error(VT_EINVAL, "steepest: mode '%s' unknown (known: linesearch, flow)", p->str);
  } else if (strcmp(p->key, "dt") == 0) rc = vt_min_param_number(T, p, 1e-300, 1e300, &st->dt);
  else if (strcmp(p->key, "dmax") == 0) rc = vt_min_param_number(T, p, 1e-300, 1e300, &st->dmax);
  else if (strcmp(p->key, "c1") == 0) rc = vt_min_param_number(T, p, 1e-12, 0.5, &st->ls.c1);
  else if (strcmp(p->key, "sigma") == 0) rc = vt_min_param_number(T, p, 1e-6, 0.999, &st->ls.sigma);
  else if (strcmp(p->key, "ls_evals") == 0) {
    if ((rc = vt_min_param_number(T, p, 2, 1e6, &v))) return rc;
    if (v != floor(v)) return vt_error(VT_EINVAL, "steepest: parameter 'ls_evals' must be an integer");
    st->ls.max_evals = (int)v;
  }
  return rc;
}

static int sd_check(void *vs)
{
  sd_state *st = vs;
  if (!(st->ls.sigma > st->ls.c1)) return vt_error(VT_EINVAL, "steepest: sigma %g must exceed c1 %g", st->ls.sigma, st->ls.c1);
  return 0;
}

static void sd_free(void *vs)
{
  sd_state *st = vs;
  free(st->f0);
  st->f0 = NULL;
  st->n = 0;
}

static int sd_alloc(void *vs, size_t n)
{
  sd_state *st = vs;
  st->f0 = malloc(3 * n * sizeof(double));
  if (!st->f0) return vt_error(VT_ENOMEM, "steepest: out of memory for %zu particles", n);
  st->n = n;
  return 0;
}

static int sd_restart(void *vs, vt_minimizer *m)
{
  sd_state *st = vs;
  st->h = st->dt;
  st->alpha_prev = 0.0;
  return 0;
}

static int sd_iterate_flow(sd_state *st, vt_minimizer *m)
{
  const size_t n3 = 3 * st->n;
  const double e0 = m->energy, noise = 100.0 * DBL_EPSILON * (fabs(e0) + DBL_MIN);
  int rc;
  if (m->fmax == 0.0) return VT_MIN_STUCK;
  memcpy(st->f0, m->s->f, n3 * sizeof(double));
  for (int tries = 0; tries < 60; tries++) {
    double h = fmin(st->h, st->dmax / m->fmax);
    vt_min_move(m, st->f0, h);
    if ((rc = vt_min_eval(m))) return rc;
    if (m->energy <= e0 + noise) {
      st->h = fmin(st->dt, 1.5 * st->h);
      m->etol_ok = 1;
      return VT_MIN_CONTINUE;
    }
    vt_min_move(m, st->f0, -h);
    if ((rc = vt_min_eval(m))) return rc;
    st->h = 0.5 * h;
  }
  return VT_MIN_STUCK;
}

static int sd_iterate(void *vs, vt_minimizer *m)
{
  sd_state *st = vs;
  if (st->mode == MODE_FLOW) return sd_iterate_flow(st, m);
  const size_t n3 = 3 * st->n;
  memcpy(st->f0, m->s->f, n3 * sizeof(double));
  double dphi0 = -vt_min_dot(st->f0, st->f0, n3), alpha;
  if (dphi0 == 0.0) return VT_MIN_STUCK;
  double dinf = vt_min_absmax(st->f0, n3);
  double a0 = st->dmax / dinf;
  if (st->alpha_prev > 0) a0 = fmin(a0, st->alpha_prev);
  int rc = vt_linesearch_run(m, &st->ls, st->f0, dphi0, a0, 10.0 * st->dmax / dinf, &alpha);
  if (rc) return rc;
  st->alpha_prev = alpha;
  m->etol_ok = 1;
  return VT_MIN_CONTINUE;
}

static int sd_set(void *vs, vt_minimizer *m) { return sd_restart(vs, m); }

static int sd_get(const void *vs, const char *k, double *out)
{
  const sd_state *st = vs;
  if (strcmp(k, "dt") == 0) *out = st->dt;
  else if (strcmp(k, "h") == 0) *out = st->h;
  else if (strcmp(k, "dmax") == 0) *out = st->dmax;
  else if (strcmp(k, "c1") == 0) *out = st->ls.c1;
  else if (strcmp(k, "sigma") == 0) *out = st->ls.sigma;
  else if (strcmp(k, "ls_evals") == 0) *out = st->ls.max_evals;
  else if (strcmp(k, "alpha") == 0) *out = st->alpha_prev;
  else return -1;
  return 0;
}

static const vt_minimizer_type sd_type = {
  .name = "steepest", .size = sizeof(sd_state), .params = sd_params,
  .init = sd_init, .param = sd_param, .check = sd_check, .alloc = sd_alloc,
  .set = sd_set, .iterate = sd_iterate, .restart = sd_restart, .get = sd_get, .free = sd_free,
};

const vt_minimizer_type *const vt_minimizer_steepest = &sd_type;
