/* FIRE, the Fast Inertial Relaxation Engine: damped dynamics whose velocity
 * is mixed toward the force direction and reset whenever the power P = F.v
 * turns negative, with an adaptive time step.
 *
 *   vt_minimizer_fire2: FIRE 2.0, J. Guenole, W. G. Noehring, A. Vaid,
 *     F. Houlle, Z. Xie, A. Prakash and E. Bitzek, "Assessment and
 *     optimization of the fast inertial relaxation engine (FIRE) for energy
 *     minimization in atomistic simulations and its implementation in
 *     LAMMPS", Comput. Mater. Sci. 175, 109584 (2020), Algorithm 2, step for
 *     step as LAMMPS `min_style fire` (src/min_fire.cpp) does it, with its
 *     defaults (doc/models.md section 8): semi-implicit Euler, N_delay = 20,
 *     f_inc = 1.1, f_dec = 0.5, alpha_start = 0.25, f_alpha = 0.99,
 *     dt_max = 10 dt, dt_min = 0.02 dt, half step back on P <= 0 (never
 *     longer than half the move actually made: see fire_iterate), no dt/alpha
 *     change on P <= 0 during the first N_delay steps, no component moving
 *     more than dmax = 0.1 per step, stop after vdfmax = 2000 consecutive
 *     P <= 0 steps.
 *   vt_minimizer_fire: the original FIRE, E. Bitzek, P. Koskinen, F. Gaehler,
 *     M. Moseler and P. Gumbsch, PRL 97, 170201 (2006), with its standard
 *     parameters N_min = 5, f_inc = 1.1, f_dec = 0.5, alpha_start = 0.1,
 *     f_alpha = 0.99, dt_max = 10 dt: explicit Euler, no dt_min, no half step
 *     back, no initial delay (the settings the LAMMPS documentation gives to
 *     emulate its former fire/old), and the same dmax limit.
 *
 * Both accept every parameter (LAMMPS min_modify names): dt (initial step,
 * 0.005 as LAMMPS's lj default timestep), dtmax, dtmin (absolute; defaults
 * 10 dt and 0.02 dt / 0), delaystep, dtgrow, dtshrink, alpha0, alphashrink,
 * dmax, maxmove (10 dmax: a hard cap on any component's move in one step,
 * see fire_iterate), vdfmax (0: no limit), halfstepback, initialdelay, integrator
 * ("eulerimplicit", "verlet", "eulerexplicit"), and masses (true: the
 * dynamics uses the particles' masses, v += dt F/m, as LAMMPS does; false:
 * unit masses; minima do not depend on them). Measured on the WAHNs
 * reference liquid (masses 1 and 1.728, fmax < 1e-10, fire2 defaults): unit
 * masses took 7515 force evaluations on average over 4 starts against 5691
 * with the masses (8693 vs 5789 over 6 others), so LAMMPS's choice stays the
 * default.
 * State readable by name besides the parameters: dt_now (the current
 * adaptive step), dtv (the last step after LAMMPS's dmax limit on the
 * velocity before the kick), dtx (the last move's step, also capped on the
 * velocity after it), alpha.
 * One step costs one force evaluation, two after a velocity reset with the
 * half step back (the forces at the stepped-back positions). The velocities
 * live in the minimizer; the system's stay zero. */
#include "minimize/impl.h"
#include "core/error.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef vt_fire_state fire_state;

static const char *const fire_params[] = {"dt", "dtmax", "dtmin", "delaystep", "dtgrow", "dtshrink", "alpha0",
                                          "alphashrink", "dmax", "vdfmax", "halfstepback", "initialdelay",
                                          "integrator", "masses", "maxmove", NULL};

static void fire2_init(void *vs)
{
  fire_state *st = vs;
  st->dt0 = 0.005;
  st->dtmax_set = NAN;
  st->dtmin_set = NAN;
  st->maxmove_set = NAN;
  st->tmin_ratio = 0.02;
  st->delaystep = 20;
  st->dtgrow = 1.1;
  st->dtshrink = 0.5;
  st->alpha0 = 0.25;
  st->alphashrink = 0.99;
  st->dmax = 0.1;
  st->vdfmax = 2000;
  st->halfstepback = 1;
  st->initialdelay = 1;
  st->integrator = VT_FIRE_EULER_IMPLICIT;
  st->masses = 1;
}

static void fire1_init(void *vs)
{
  fire_state *st = vs;
  fire2_init(vs);
  st->tmin_ratio = 0.0;
  st->delaystep = 5;
  st->alpha0 = 0.1;
  st->vdfmax = 0;
  st->halfstepback = 0;
  st->initialdelay = 0;
  st->integrator = VT_FIRE_EULER_EXPLICIT;
}

static const vt_minimizer_type fire_type, fire2_type;

static int fire_param(void *vs, const vt_param *p)
{
  fire_state *st = vs;
  const vt_minimizer_type *T = &fire2_type;   /* names the family in messages */
  const char *k = p->key;
  double v;
  int rc = 0;
  if (strcmp(k, "integrator") == 0) {
    if (p->kind != VT_PARAM_STRING) return vt_error(VT_EINVAL, "fire: parameter 'integrator' must be a string");
    if (strcmp(p->str, "eulerimplicit") == 0) st->integrator = VT_FIRE_EULER_IMPLICIT;
    else if (strcmp(p->str, "verlet") == 0) st->integrator = VT_FIRE_VERLET;
    else if (strcmp(p->str, "eulerexplicit") == 0) st->integrator = VT_FIRE_EULER_EXPLICIT;
    else return vt_error(VT_EINVAL, "fire: integrator '%s' unknown (known: eulerimplicit, verlet, eulerexplicit)", p->str);
    return 0;
  }
  if (strcmp(k, "halfstepback") == 0) return vt_min_param_bool(T, p, &st->halfstepback);
  if (strcmp(k, "initialdelay") == 0) return vt_min_param_bool(T, p, &st->initialdelay);
  if (strcmp(k, "masses") == 0) return vt_min_param_bool(T, p, &st->masses);
  if (strcmp(k, "delaystep") == 0 || strcmp(k, "vdfmax") == 0) {
    if ((rc = vt_min_param_number(T, p, 0, 1e15, &v))) return rc;
    if (v != floor(v)) return vt_error(VT_EINVAL, "fire: parameter '%s' must be an integer", k);
    if (k[0] == 'd') st->delaystep = (long)v;
    else st->vdfmax = (long)v;
    return 0;
  }
  if (strcmp(k, "dt") == 0) rc = vt_min_param_number(T, p, 1e-300, 1e300, &st->dt0);
  else if (strcmp(k, "dtmax") == 0) rc = vt_min_param_number(T, p, 1e-300, 1e300, &st->dtmax_set);
  else if (strcmp(k, "dtmin") == 0) rc = vt_min_param_number(T, p, 0, 1e300, &st->dtmin_set);
  else if (strcmp(k, "dtgrow") == 0) rc = vt_min_param_number(T, p, 1.0, 1e3, &st->dtgrow);
  else if (strcmp(k, "dtshrink") == 0) rc = vt_min_param_number(T, p, 1e-6, 1.0, &st->dtshrink);
  else if (strcmp(k, "alpha0") == 0) rc = vt_min_param_number(T, p, 0.0, 1.0, &st->alpha0);
  else if (strcmp(k, "alphashrink") == 0) rc = vt_min_param_number(T, p, 1e-6, 1.0, &st->alphashrink);
  else if (strcmp(k, "dmax") == 0) rc = vt_min_param_number(T, p, 1e-300, 1e300, &st->dmax);
  else if (strcmp(k, "maxmove") == 0) rc = vt_min_param_number(T, p, 1e-300, 1e300, &st->maxmove_set);
  return rc;
}

static int fire_check(void *vs)
{
  fire_state *st = vs;
  st->dtmax = isnan(st->dtmax_set) ? 10.0 * st->dt0 : st->dtmax_set;
  st->dtmin = isnan(st->dtmin_set) ? st->tmin_ratio * st->dt0 : st->dtmin_set;
  st->maxmove = isnan(st->maxmove_set) ? 10.0 * st->dmax : st->maxmove_set;
  if (st->maxmove < st->dmax) return vt_error(VT_EINVAL, "fire: maxmove %g is below dmax %g", st->maxmove, st->dmax);
  if (st->dtmax < st->dt0) return vt_error(VT_EINVAL, "fire: dtmax %g is below the initial dt %g", st->dtmax, st->dt0);
  if (st->dtmin > st->dt0) return vt_error(VT_EINVAL, "fire: dtmin %g is above the initial dt %g", st->dtmin, st->dt0);
  if (st->it == 0) { st->dt = st->dt0; st->alpha = st->alpha0; }
  return 0;
}

static void fire_free(void *vs)
{
  fire_state *st = vs;
  free(st->v);
  free(st->im);
  st->v = st->im = NULL;
  st->n = 0;
}

static int fire_alloc(void *vs, size_t n)
{
  fire_state *st = vs;
  st->v = calloc(3 * n, sizeof(double));
  st->im = calloc(n, sizeof(double));
  if (!st->v || !st->im) { fire_free(vs); return vt_error(VT_ENOMEM, "fire: out of memory for %zu particles", n); }
  st->n = n;
  return 0;
}

static int fire_restart(void *vs, vt_minimizer *m)
{
  fire_state *st = vs;
  const vt_system *s = m->s;
  for (size_t i = 0; i < st->n; i++) st->im[i] = st->masses ? 1.0 / s->mass[i] : 1.0;
  memset(st->v, 0, 3 * st->n * sizeof(double));
  st->dt = st->dt0;
  st->alpha = st->alpha0;
  st->dtv = st->dtx = 0.0;
  st->it = st->last_negative = st->nneg = 0;
  st->flagv0 = 1;
  return 0;
}

static int fire_iterate(void *vs, vt_minimizer *m)
{
  fire_state *st = vs;
  vt_system *s = m->s;
  const size_t n = st->n, n3 = 3 * n;
  double *v = st->v, *x = s->x;
  const double *im = st->im;
  int rc;
  long it = ++st->it;

  /* F2: the power with the velocity of the last step and the current forces */
  double P = vt_min_dot(v, s->f, n3), scale1 = 1.0, scale2 = 0.0;
  if (P > 0.0) {
    double vv = vt_min_dot(v, v, n3), ff = vt_min_dot(s->f, s->f, n3);
    scale1 = 1.0 - st->alpha;
    scale2 = ff <= 1e-20 ? 0.0 : st->alpha * sqrt(vv / ff);
    st->nneg = 0;
    if (it - st->last_negative > st->delaystep) {
      st->dt = fmin(st->dt * st->dtgrow, st->dtmax);
      st->alpha *= st->alphashrink;
    }
  } else {
    st->last_negative = it;
    if (!(st->initialdelay && it < st->delaystep)) {
      st->alpha = st->alpha0;
      if (st->dt * st->dtshrink >= st->dtmin) st->dt *= st->dtshrink;
    }
    if (st->vdfmax > 0 && ++st->nneg > st->vdfmax) return VT_MIN_STUCK;
    /* The half step back, x -= h v with v the velocity of the last move.
     * LAMMPS takes h = dt/2 with the already reduced dt: a quarter of the
     * last move after a shrink, half of it during the initial delay. When
     * dmax or maxmove limited that move (dtx < dt), dt v is far longer than
     * the move that was made, and retreating by it overshoots the previous
     * point: from overlapping starts the step back then undid the whole
     * move (both capped at maxmove), the same two points alternated, and
     * FIRE 2.0 diverged. So h never exceeds half of the step actually
     * taken, dtx/2; where no limit bound the last move (dtx = the dt it was
     * taken with >= the reduced dt), this is LAMMPS's step. */
    if (st->halfstepback) vt_min_move(m, v, -0.5 * fmin(st->dt, st->dtx));
    memset(v, 0, n3 * sizeof(double));
    st->flagv0 = 1;
  }
  if ((rc = vt_min_eval(m))) return rc;   /* a no-op unless the half step back moved */
  const double *f = s->f;

  /* no component moves more than dmax; after a reset, v is estimated as dt F/m */
  double vmax = 0.0;
  if (st->flagv0) {
    for (size_t i = 0; i < n; i++)
      for (int k = 0; k < 3; k++) vmax = fmax(vmax, st->dt * fabs(f[3 * i + k]) * im[i]);
  } else {
    vmax = vt_min_absmax(v, n3);
  }
  double dtv = st->dt;
  if (dtv * vmax > st->dmax) dtv = st->dmax / vmax;
  st->dtv = dtv;
  const int mix = P > 0.0;

  /* The velocity update, then the move. LAMMPS limits dtv with the velocity
   * before the kick; with huge forces (overlapping starts) the kick can then
   * carry a particle arbitrarily far (LAMMPS loses atoms), so the move itself
   * is also capped: dtx = min(dtv, maxmove / max|v|), maxmove = 10 dmax by
   * default. In a quench from a liquid this cap never binds and the steps
   * are LAMMPS's. */
  const double kick = st->integrator == VT_FIRE_VERLET ? 0.5 * dtv : dtv;
  for (size_t i = 0; i < n; i++)
    for (int k = 0; k < 3; k++) {
      size_t q = 3 * i + k;
      if (st->integrator != VT_FIRE_EULER_EXPLICIT) v[q] += kick * f[q] * im[i];
      if (mix) v[q] = scale1 * v[q] + scale2 * f[q];
    }
  double vnew = vt_min_absmax(v, n3), dtx = dtv;
  if (dtx * vnew > st->maxmove) dtx = st->maxmove / vnew;
  st->dtx = dtx;
  for (size_t q = 0; q < n3; q++) x[q] += dtx * v[q];
  /* explicit Euler kicks after the move, with the forces at the old positions */
  if (st->integrator == VT_FIRE_EULER_EXPLICIT)
    for (size_t i = 0; i < n; i++)
      for (int k = 0; k < 3; k++) v[3 * i + k] += dtv * f[3 * i + k] * im[i];
  vt_system_invalidate(s);
  if ((rc = vt_min_eval(m))) return rc;
  if (st->integrator == VT_FIRE_VERLET)
    for (size_t i = 0; i < n; i++)
      for (int k = 0; k < 3; k++) v[3 * i + k] += kick * s->f[3 * i + k] * im[i];
  st->flagv0 = 0;
  /* LAMMPS tests etol only once N_delay steps have passed since the last reset */
  m->etol_ok = it - st->last_negative > st->delaystep;
  return VT_MIN_CONTINUE;
}

static int fire_set(void *vs, vt_minimizer *m) { return fire_restart(vs, m); }

static int fire_get(const void *vs, const char *k, double *out)
{
  const fire_state *st = vs;
  if (strcmp(k, "dt") == 0) *out = st->dt0;
  else if (strcmp(k, "dt_now") == 0) *out = st->dt;
  else if (strcmp(k, "dtv") == 0) *out = st->dtv;
  else if (strcmp(k, "dtx") == 0) *out = st->dtx;
  else if (strcmp(k, "alpha") == 0) *out = st->alpha;
  else if (strcmp(k, "dtmax") == 0) *out = st->dtmax;
  else if (strcmp(k, "dtmin") == 0) *out = st->dtmin;
  else if (strcmp(k, "delaystep") == 0) *out = (double)st->delaystep;
  else if (strcmp(k, "dtgrow") == 0) *out = st->dtgrow;
  else if (strcmp(k, "dtshrink") == 0) *out = st->dtshrink;
  else if (strcmp(k, "alpha0") == 0) *out = st->alpha0;
  else if (strcmp(k, "alphashrink") == 0) *out = st->alphashrink;
  else if (strcmp(k, "dmax") == 0) *out = st->dmax;
  else if (strcmp(k, "maxmove") == 0) *out = st->maxmove;
  else if (strcmp(k, "vdfmax") == 0) *out = (double)st->vdfmax;
  else if (strcmp(k, "halfstepback") == 0) *out = st->halfstepback;
  else if (strcmp(k, "initialdelay") == 0) *out = st->initialdelay;
  else if (strcmp(k, "masses") == 0) *out = st->masses;
  else return -1;
  return 0;
}

static const vt_minimizer_type fire2_type = {
  .name = "fire2", .size = sizeof(fire_state), .params = fire_params,
  .init = fire2_init, .param = fire_param, .check = fire_check, .alloc = fire_alloc,
  .set = fire_set, .iterate = fire_iterate, .restart = fire_restart, .get = fire_get, .free = fire_free,
};

static const vt_minimizer_type fire_type = {
  .name = "fire", .size = sizeof(fire_state), .params = fire_params,
  .init = fire1_init, .param = fire_param, .check = fire_check, .alloc = fire_alloc,
  .set = fire_set, .iterate = fire_iterate, .restart = fire_restart, .get = fire_get, .free = fire_free,
};

const vt_minimizer_type *const vt_minimizer_fire2 = &fire2_type;
const vt_minimizer_type *const vt_minimizer_fire = &fire_type;
