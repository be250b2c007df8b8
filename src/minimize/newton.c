/* Two quasi-Newton minimizers that start with FIRE 2.0 (fire.c, every FIRE
 * parameter available) while the largest force component is at or above
 * `switch_fmax`, then take quasi-Newton steps d = B^-1 F, with B the
 * limited-memory BFGS update (Nocedal and Wright, Numerical Optimization,
 * 2nd ed. (2006), Algorithm 7.4; `memory` pairs) of an initial B_0:
 *
 *   vt_minimizer_newton  B_0 = the sparse Hessian at some earlier point,
 *     assembled and factorized by CHOLMOD (src/elastic/hessian.h,
 *     translations projected out): the chord method (Kelley, Iterative
 *     Methods for Linear and Nonlinear Equations (1995), section 5.4) with
 *     L-BFGS corrections. The factor is refreshed at the current point
 *     (vt_hessian_refresh: same memory, same analysis while the pairs stay)
 *     only when the largest force shrank by less than `refactor` per step
 *     over the last RATE_WINDOW steps (refactor = 0: every step, plain
 *     Newton), and with `reuse` it is kept from one minimization to the next:
 *     issue 7's candidate for the VHG inner loop, where every
 *     re-minimization starts next to the last minimum. Between
 *     minimizations a kept factor is refreshed by the renewal rule
 *     (renewal(), `refresh_cost`). `range` < 1 factorizes
 *     only the pairs closer than range times their cutoff (a sparser
 *     preconditioner). Hessians that are not positive definite (a saddle, a
 *     rattler, a floppy mode) are retried with a Levenberg-Marquardt shift
 *     (H + mu I, mu = `shift` times the mean diagonal entry; Nocedal and
 *     Wright, section 3.4).
 *   vt_minimizer_lbfgs   B_0 = I / gamma with gamma = s.y / y.y of the
 *     newest pair (Nocedal and Wright, eq. 7.20): no Hessian at all. With
 *     precondition = "ichol", B_0 = an incomplete Cholesky factor of the
 *     Hessian instead (`incomplete` = its drop tolerance, 1e-2; `shift`
 *     0.01; src/elastic/ichol.c), refreshed and reused as vt.newton's
 *     factor (`refactor` 0.85): a solve costs less than a force evaluation
 *     and cuts the steps 4-7 fold near a minimum (the VHG inner loop).
 *     vt.newton with `incomplete` > 0 is the same preconditioner with
 *     vt.newton's defaults (FIRE down to switch_fmax = 0.1 first).
 *
 * Steps: at most `max_disp` per component (a trust region in the max norm).
 * A step is accepted when the energy drops by more than its rounding noise;
 * near the minimum, where energy differences fall below the rounding of U,
 * when the slope along d satisfies the approximate Wolfe conditions of
 * Hager and Zhang (SIAM J. Optim. 16, 170 (2005)) instead. Otherwise it is
 * halved up to `backtracks` times, then retried without the L-BFGS pairs,
 * then (newton) with a fresh factor; when nothing works FIRE takes over
 * (restarted) until the largest force is 10 times smaller, and the
 * quasi-Newton phase starts again from there.
 *
 * Counters readable by name (m:get / vt_minimizer_get): factorizations,
 * newton_steps (quasi-Newton steps of either type), fire_steps, solves,
 * fallbacks, phase (0 FIRE, 1 quasi-Newton). A FIRE step costs one or two
 * force evaluations; a quasi-Newton step one per trial point, plus (newton)
 * a solve, and a factorization when the factor is refreshed. */
#include "minimize/impl.h"
#include "core/error.h"
#include "elastic/hessian.h"
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

enum { PHASE_FIRE = 0, PHASE_NEWTON = 1 };
#define RATE_WINDOW 4

typedef struct {
  /* parameters */
  double switch_fmax;   /* switch to Newton below this largest force component */
  double refactor;      /* refresh the factor when the force shrinks by less than
                           this per step, over the last RATE_WINDOW steps */
  double refresh_cost;  /* a refresh's cost in quasi-Newton steps (the renewal rule) */
  double max_disp;      /* largest component of one Newton step */
  double shift;         /* Levenberg-Marquardt retry: mu = shift * mean diagonal */
  long backtracks;      /* halvings of a rejected step */
  int reuse;            /* keep the factor from one minimization to the next */
  int use_factor;       /* 1: B_0 = the factor (vt.newton, vt.lbfgs with "ichol"); 0: B_0 = gamma I */
  int lbfgs;            /* the type is vt.lbfgs (for names in messages) */
  double gamma;         /* lbfgs: the last s.y / y.y (the scale of B_0^-1) */
  long memory;          /* L-BFGS pairs kept on top of the factor (0: chord steps) */
  double range;         /* factor the Hessian of pairs closer than range x cutoff */
  double incomplete;    /* > 0: an incomplete factor with this drop tolerance */
  /* the FIRE 2.0 engine, driven through vt_minimizer_fire2's functions */
  vt_fire_state fire;
  /* state */
  size_t n;
  vt_hessian *H;        /* the factor (kept for its memory even when not in use) */
  int have;             /* H is the factor in use (else: build one at the next Newton step) */
  int fresh;            /* H was factorized at the current point */
  int phase;
  double gate;          /* FIRE hands over to Newton below this fmax */
  double *d, *f0;       /* 3n: step, forces at its start */
  /* L-BFGS corrections on top of the factor (memory pairs, a ring) */
  double *S, *Y, *rho, *alpha;
  size_t count, head;
  /* the largest force after each of the last Newton steps on this factor */
  double fhist[RATE_WINDOW + 1];
  int nhist;
  /* the renewal rule's books: quasi-Newton steps and decades of force
   * reduction on the factor in use, in all and in the current minimization */
  double f_steps, f_dec, m_steps, m_dec;
  long factorizations, newton_steps, fire_steps, solves, fallbacks;
} newton_state;

static const char *const newton_params[] = {
  "switch_fmax", "refactor", "refresh_cost", "max_disp", "shift", "backtracks", "reuse", "memory", "range",
  "incomplete",
  /* forwarded to FIRE 2.0 (fire.c) */
  "dt", "dtmax", "dtmin", "delaystep", "dtgrow", "dtshrink", "alpha0", "alphashrink", "dmax", "vdfmax",
  "halfstepback", "initialdelay", "integrator", "masses", "maxmove", NULL};

static const char *const lbfgs_params[] = {
  "switch_fmax", "max_disp", "backtracks", "memory", "precondition", "incomplete", "shift", "refactor",
  "refresh_cost", "reuse",
  /* forwarded to FIRE 2.0 (fire.c) */
  "dt", "dtmax", "dtmin", "delaystep", "dtgrow", "dtshrink", "alpha0", "alphashrink", "dmax", "vdfmax",
  "halfstepback", "initialdelay", "integrator", "masses", "maxmove", NULL};

/* Is the name FIRE's (forwarded to the embedded FIRE 2.0) rather than ours? */
static int fire_param(const char *key)
{
  const char *const *fp = vt_minimizer_fire2->params;
  for (int q = 0; fp && fp[q]; q++) if (strcmp(fp[q], key) == 0) return 1;
  return 0;
}

static const vt_minimizer_type newton_type, lbfgs_type;

static void newton_init(void *vs)
{
  newton_state *st = vs;
  st->switch_fmax = 1e-1;
  st->refactor = 0.8;
  st->refresh_cost = 20;
  st->max_disp = 0.1;
  st->shift = 1e-3;
  st->backtracks = 4;
  st->reuse = 1;
  st->memory = 8;
  st->range = 1.0;
  st->use_factor = 1;
  vt_minimizer_fire2->init(&st->fire);
}

static void lbfgs_init(void *vs)
{
  newton_state *st = vs;
  newton_init(vs);
  st->use_factor = 0;
  st->lbfgs = 1;
  st->switch_fmax = 10.0;
  st->backtracks = 10;
  st->memory = 10;
  /* for precondition = "ichol" (measured on the VHG inner loop, WAHNs
   * N = 500 and 4000: doc/performance.md) */
  st->incomplete = 1e-2;
  st->shift = 0.01;
  st->refactor = 0.85;
}

static void drop_factor(newton_state *st);

static int newton_param(void *vs, const vt_param *p)
{
  newton_state *st = vs;
  const vt_minimizer_type *T = st->lbfgs ? &lbfgs_type : &newton_type;   /* names it in messages */
  double v;
  int rc;
  if (fire_param(p->key)) return vt_minimizer_fire2->param(&st->fire, p);
  if (strcmp(p->key, "precondition") == 0) {   /* lbfgs only */
    int use;
    if (p->kind != VT_PARAM_STRING) return vt_error(VT_EINVAL, "lbfgs: parameter 'precondition' must be \"none\" or \"ichol\"");
    if (strcmp(p->str, "none") == 0) use = 0;
    else if (strcmp(p->str, "ichol") == 0) use = 1;
    else return vt_error(VT_EINVAL, "lbfgs: precondition '%s' unknown (known: none, ichol)", p->str);
    if (use != st->use_factor) drop_factor(st);   /* the pairs go with the old B_0 */
    st->use_factor = use;
    return 0;
  }
  if (strcmp(p->key, "switch_fmax") == 0) {
    if ((rc = vt_min_param_number(T, p, 0.0, INFINITY, &v))) return rc;
    st->switch_fmax = v;
  } else if (strcmp(p->key, "refactor") == 0) {
    if ((rc = vt_min_param_number(T, p, 0.0, 1.0, &v))) return rc;
    st->refactor = v;
  } else if (strcmp(p->key, "refresh_cost") == 0) {
    if ((rc = vt_min_param_number(T, p, 0.0, INFINITY, &v))) return rc;
    st->refresh_cost = v;
  } else if (strcmp(p->key, "max_disp") == 0) {
    if ((rc = vt_min_param_number(T, p, DBL_MIN, INFINITY, &v))) return rc;
    st->max_disp = v;
  } else if (strcmp(p->key, "shift") == 0) {
    if ((rc = vt_min_param_number(T, p, 0.0, INFINITY, &v))) return rc;
    st->shift = v;
  } else if (strcmp(p->key, "memory") == 0) {
    if ((rc = vt_min_param_number(T, p, 0.0, 1000.0, &v))) return rc;
    if (v != floor(v)) return vt_error(VT_EINVAL, "%s: parameter 'memory' must be an integer", T->name);
    if (st->n && (long)v > st->memory)
      return vt_error(VT_EINVAL, "%s: 'memory' cannot grow after the first minimization (its arrays are sized); "
                      "make a new minimizer", T->name);
    st->memory = (long)v;
    st->count = st->head = 0;   /* the ring is laid out for the old size */
  } else if (strcmp(p->key, "range") == 0) {
    if ((rc = vt_min_param_number(T, p, 1e-3, 1.0, &v))) return rc;
    st->range = v;
  } else if (strcmp(p->key, "incomplete") == 0) {
    /* lbfgs: the drop tolerance of its "ichol" preconditioner (0 would be a
     * complete factor: that is vt.newton) */
    if ((rc = vt_min_param_number(T, p, T == &lbfgs_type ? 1e-12 : 0.0, 0.999, &v))) return rc;
    if (st->incomplete != v) drop_factor(st);   /* the kind of factor changes */
    st->incomplete = v;
  } else if (strcmp(p->key, "reuse") == 0) {
    return vt_min_param_bool(T, p, &st->reuse);
  } else {
    if ((rc = vt_min_param_number(T, p, 0.0, 60.0, &v))) return rc;
    if (v != floor(v)) return vt_error(VT_EINVAL, "%s: parameter 'backtracks' must be an integer", T->name);
    st->backtracks = (long)v;
  }
  return 0;
}

static int newton_check(void *vs)
{
  newton_state *st = vs;
  if (!st->use_factor && st->memory < 1)
    return vt_error(VT_EINVAL, "lbfgs: parameter 'memory' must be at least 1 (without a factor, the pairs are all of B)");
  int rc = vt_minimizer_fire2->check(&st->fire);
  return rc ? vt_error_prefix(rc, "%s: ", st->lbfgs ? "lbfgs" : "newton") : 0;
}

/* Stop using the factor (its memory stays, for vt_hessian_refresh). The
 * quasi-Newton history is relative to the factor: both go together. */
static void drop_factor(newton_state *st)
{
  st->have = 0;
  st->fresh = 0;
  st->count = st->head = 0;
  st->nhist = 0;
  st->f_steps = st->f_dec = st->m_steps = st->m_dec = 0;
}

/* The renewal rule, between two minimizations that share the factor: its
 * cost per decade of force reduction (a refresh, counted as refresh_cost
 * steps, plus every quasi-Newton step taken on it) first falls as the
 * refresh pays off, then rises as the factor goes stale. Refresh once the
 * minimization just finished cost more per decade than this average: the
 * optimal replacement rule for rising running costs (replace a machine
 * when its running cost exceeds the lowest average cost per period). The
 * counts are steps, not seconds, so the path does not depend on timing. */
static void renewal(newton_state *st)
{
  /* under half a decade, the minimization is no measure */
  if (st->have && st->m_dec > 0.5 && st->f_dec > 0 &&
      st->m_steps / st->m_dec > (st->refresh_cost + st->f_steps) / st->f_dec)
    drop_factor(st);
  st->m_steps = st->m_dec = 0;
}

static void newton_free(void *vs)
{
  newton_state *st = vs;
  drop_factor(st);
  vt_hessian_free(st->H);
  st->H = NULL;
  free(st->d); free(st->f0); free(st->S); free(st->Y); free(st->rho); free(st->alpha);
  st->d = st->f0 = st->S = st->Y = st->rho = st->alpha = NULL;
  st->n = 0;
  vt_minimizer_fire2->free(&st->fire);
}

static int newton_alloc(void *vs, size_t n)
{
  newton_state *st = vs;
  int rc = vt_minimizer_fire2->alloc(&st->fire, n);
  if (rc) return rc;
  size_t M = st->memory ? (size_t)st->memory : 1;
  st->d = malloc(3 * n * sizeof(double));
  st->f0 = malloc(3 * n * sizeof(double));
  st->S = malloc(M * 3 * n * sizeof(double));
  st->Y = malloc(M * 3 * n * sizeof(double));
  st->rho = malloc(M * sizeof(double));
  st->alpha = malloc(M * sizeof(double));
  if (!st->d || !st->f0 || !st->S || !st->Y || !st->rho || !st->alpha) {
    newton_free(vs);
    return vt_error(VT_ENOMEM, "%s: out of memory for %zu particles", st->lbfgs ? "lbfgs" : "newton", n);
  }
  st->n = n;
  return 0;
}

/* The factor survives restarts and new starts (it only ever serves as the
 * chord matrix, and a refresh follows as soon as it stops paying): in a
 * sequence of nearby minimizations, the VHG loop's, the factor of the last
 * minimum starts the next one. */
static int newton_restart(void *vs, vt_minimizer *m)
{
  newton_state *st = vs;
  st->fresh = 0;
  st->count = st->head = 0;   /* the corrections belong to the old path */
  st->nhist = 0;
  if (!st->reuse) drop_factor(st);
  st->phase = PHASE_FIRE;
  st->gate = st->switch_fmax;
  return vt_minimizer_fire2->restart(&st->fire, m);
}

static int newton_set(void *vs, vt_minimizer *m)
{
  newton_state *st = vs;
  st->factorizations = st->newton_steps = st->fire_steps = st->solves = st->fallbacks = 0;
  st->gamma = 0;
  renewal(st);   /* a new minimization: is the kept factor still worth its cost? */
  return newton_restart(vs, m);
}

/* Factorize the Hessian at the current point: plain, then shifted. Returns
 * 0 with st->H set, VT_ESINGULAR when neither is positive definite, or
 * another error. */
static int factorize(newton_state *st, vt_minimizer *m)
{
  drop_factor(st);
  vt_hessian_opts o = {0};
  o.range = st->range;
  o.incomplete = st->incomplete;
  int rc = VT_ESINGULAR;
  /* a truncated Hessian (range < 1) or an incomplete factor is a
   * preconditioner: shifted at once */
  for (int pass = (st->range < 1 || st->incomplete > 0) && st->shift > 0; pass < 2 && rc == VT_ESINGULAR; pass++) {
    if (pass == 1) {
      if (!(st->shift > 0)) break;
      o.shift = st->shift;
    }
    if (st->H) {
      /* same object: its memory, and its analysis while the pairs stay */
      rc = vt_hessian_refresh(st->H, m->s, &o);
      if (rc) { vt_hessian_free(st->H); st->H = NULL; }
    } else {
      rc = vt_hessian_create(m->s, &o, &st->H);
    }
    st->factorizations++;
  }
  if (rc) return rc;
  st->have = 1;
  st->fresh = 1;
  /* the snapshot evaluated the system (with the virial): keep m current */
  return vt_min_eval(m);
}

/* Hand back to FIRE until the force is 10 times smaller. */
static int fall_back(newton_state *st, vt_minimizer *m)
{
  drop_factor(st);
  st->fallbacks++;
  st->phase = PHASE_FIRE;
  st->gate = 0.1 * fmin(m->fmax, st->gate);
  return vt_minimizer_fire2->restart(&st->fire, m);
}

static int fire_step(newton_state *st, vt_minimizer *m)
{
  st->fire_steps++;
  return vt_minimizer_fire2->iterate(&st->fire, m);
}

/* Remember the step just taken: s_k = a d, y_k = g_new - g_old = F_old - F_new. */
static void remember(newton_state *st, const double *fnew, double a)
{
  const size_t n3 = 3 * st->n;
  if (st->memory == 0) return;
  size_t slot = (st->head + st->count) % (size_t)st->memory;
  if (st->count == (size_t)st->memory) { slot = st->head; st->head = (st->head + 1) % (size_t)st->memory; }
  else st->count++;
  double *S = st->S + n3 * slot, *Y = st->Y + n3 * slot;
  for (size_t q = 0; q < n3; q++) {
    S[q] = a * st->d[q];
    Y[q] = st->f0[q] - fnew[q];
  }
  const double sy = vt_min_dot(S, Y, n3), ss = vt_min_dot(S, S, n3), yy = vt_min_dot(Y, Y, n3);
  /* keep only pairs with safely positive curvature (the update then stays
   * positive definite) */
  if (!(sy > 1e-12 * sqrt(ss * yy))) {
    if (slot == (st->head + st->count - 1) % (size_t)st->memory && st->count > 0) st->count--;
    return;
  }
  st->rho[slot] = 1.0 / sy;
}

/* d = B^-1 F with the L-BFGS two-loop recursion (Nocedal and Wright,
 * Algorithm 7.4) on top of the factor: B_0^-1 = H0^+. */
static int direction(newton_state *st)
{
  const size_t n3 = 3 * st->n, M = (size_t)st->memory;
  double *q = st->d;
  memcpy(q, st->f0, n3 * sizeof(double));
  for (size_t k = st->count; k-- > 0;) {
    size_t slot = (st->head + k) % M;
    const double *S = st->S + n3 * slot, *Y = st->Y + n3 * slot;
    double al = st->rho[slot] * vt_min_dot(S, q, n3);
    st->alpha[slot] = al;
    for (size_t i = 0; i < n3; i++) q[i] -= al * Y[i];
  }
  if (st->use_factor) {
    int rc = vt_hessian_solve(st->H, 1, q, q);
    if (rc) return rc;
    st->solves++;
  } else {
    /* B_0^-1 = gamma I (Nocedal and Wright, eq. 7.20); before any pair, the
     * last known gamma, and at the very start a move of 0.01 at most */
    double g = st->gamma;
    if (st->count > 0) {
      size_t slot = (st->head + st->count - 1) % M;
      const double *Y = st->Y + n3 * slot;
      g = 1.0 / (st->rho[slot] * vt_min_dot(Y, Y, n3));
    }
    if (!(g > 0)) g = 1e-2 / fmax(vt_min_absmax(st->f0, n3), DBL_MIN);
    st->gamma = g;
    for (size_t i = 0; i < n3; i++) q[i] *= g;
  }
  for (size_t k = 0; k < st->count; k++) {
    size_t slot = (st->head + k) % M;
    const double *S = st->S + n3 * slot, *Y = st->Y + n3 * slot;
    double be = st->rho[slot] * vt_min_dot(Y, q, n3), c = st->alpha[slot] - be;
    for (size_t i = 0; i < n3; i++) q[i] += c * S[i];
  }
  return 0;
}

/* Has convergence on this factor become too slow to keep it? The largest
 * force must shrink by `refactor` per step on average over the last
 * RATE_WINDOW steps (single steps are noisy: L-BFGS steps and the first,
 * most nonlinear step of a minimization may even raise it). refactor = 0
 * asks for a fresh factor at every step (plain Newton). A converged point
 * keeps its factor, for the next minimization. */
static int slow(newton_state *st, const vt_minimizer *m, double fbefore, double fafter)
{
  if (!st->use_factor) return 0;
  if (st->refactor == 0) return 1;                     /* plain Newton */
  if (vt_minimizer_test(m) == VT_MIN_FTOL) return 0;   /* done: keep it for the next start */
  if (st->nhist == 0) st->fhist[st->nhist++] = fbefore;
  if (st->nhist == RATE_WINDOW + 1) {
    memmove(st->fhist, st->fhist + 1, RATE_WINDOW * sizeof(double));
    st->nhist--;
  }
  st->fhist[st->nhist++] = fafter;
  if (st->nhist < RATE_WINDOW + 1) return 0;
  return !(fafter <= pow(st->refactor, RATE_WINDOW) * st->fhist[0]);
}

static int newton_iterate(void *vs, vt_minimizer *m)
{
  newton_state *st = vs;
  vt_system *s = m->s;
  const size_t n3 = 3 * st->n;
  int rc;

  if (st->phase == PHASE_FIRE) {
    if (!(m->fmax < st->gate)) return fire_step(st, m);
    st->phase = PHASE_NEWTON;
  }
  m->etol_ok = 0;   /* the energy test is FIRE's; Newton stops on forces */

  const double e0 = m->energy, fmax0 = m->fmax;
  const double noise = 100.0 * DBL_EPSILON * (fabs(e0) + DBL_MIN);
  memcpy(st->f0, s->f, n3 * sizeof(double));

  for (int attempt = 0; attempt < 2; attempt++) {
    if (st->use_factor && !st->have) {
      rc = factorize(st, m);
      if (rc == VT_ESINGULAR) { vt_error_clear(); if ((rc = fall_back(st, m))) return rc; return fire_step(st, m); }
      if (rc) return rc;
    }
    if ((rc = direction(st))) return rc;
    double dm = vt_min_absmax(st->d, n3), a = 1.0, at = 0.0;   /* at: where the system is along d */
    const double slope0 = vt_min_dot(st->f0, st->d, n3);          /* -phi'(0) > 0 for a descent direction */
    if (!isfinite(dm))
      return vt_error(VT_ENONFINITE, "%s: the quasi-Newton step is not finite (a broken factor or history)",
                      m->type->name);
    if (dm > st->max_disp) a = st->max_disp / dm;
    for (long b = 0; b <= st->backtracks; b++, a *= 0.5) {
      /* moves are increments: positions wrapped at a neighbor-list rebuild
       * keep their image counts consistent */
      vt_min_move(m, st->d, a - at);
      at = a;
      if ((rc = vt_min_eval(m))) return rc;
      /* in the noise, the approximate Wolfe conditions of Hager and Zhang
       * (SIAM J. Optim. 16, 170 (2005)) with delta = 0.1, sigma = 0.9 on
       * phi'(a) = -F(a).d: the slope may not have turned too far uphill
       * (an overshoot) nor stayed as steep as at the start */
      double slope = -vt_min_dot(s->f, st->d, n3);
      int better = m->energy < e0 - noise ||
                   (m->energy <= e0 + noise && slope0 > 0 && slope <= 0.8 * slope0 && slope >= -0.9 * slope0);
      if (better) {
        st->newton_steps++;
        st->fresh = 0;
        st->m_steps++;
        st->f_steps++;
        if (m->fmax > 0 && fmax0 > 0) {
          const double dec = log10(fmax0 / m->fmax);
          st->m_dec += dec;
          st->f_dec += dec;
        }
        remember(st, s->f, a);
        if (slow(st, m, fmax0, m->fmax)) drop_factor(st);   /* refresh at the next step */
        return VT_MIN_CONTINUE;
      }
    }
    /* rejected: back to the start of the step */
    vt_min_move(m, st->d, -at);
    if ((rc = vt_min_eval(m))) return rc;
    if (st->use_factor && st->fresh) break;   /* a fresh factor failed too */
    if (st->count > 0) {         /* first retry without the corrections */
      st->count = st->head = 0;
      attempt--;
      continue;
    }
    if (!st->use_factor) break;
    drop_factor(st);             /* then with the Hessian at this point */
  }
  /* Newton cannot improve on this point. At the rounding floor there is
   * nothing left to gain: let the caller's test decide (stuck). */
  if (fmax0 < 1e3 * DBL_EPSILON * (fabs(e0) / (double)(st->n ? st->n : 1) + 1.0)) return VT_MIN_STUCK;
  if ((rc = fall_back(st, m))) return rc;
  return fire_step(st, m);
}

static int newton_get(const void *vs, const char *k, double *out)
{
  const newton_state *st = vs;
  if (strcmp(k, "switch_fmax") == 0) *out = st->switch_fmax;
  else if (strcmp(k, "refactor") == 0) *out = st->refactor;
  else if (strcmp(k, "refresh_cost") == 0) *out = st->refresh_cost;
  else if (strcmp(k, "max_disp") == 0) *out = st->max_disp;
  else if (strcmp(k, "shift") == 0) *out = st->shift;
  else if (strcmp(k, "backtracks") == 0) *out = (double)st->backtracks;
  else if (strcmp(k, "reuse") == 0) *out = st->reuse;
  else if (strcmp(k, "memory") == 0) *out = (double)st->memory;
  else if (strcmp(k, "range") == 0) *out = st->range;
  else if (strcmp(k, "incomplete") == 0) *out = st->incomplete;
  else if (strcmp(k, "factorizations") == 0) *out = (double)st->factorizations;
  else if (strcmp(k, "newton_steps") == 0) *out = (double)st->newton_steps;
  else if (strcmp(k, "fire_steps") == 0) *out = (double)st->fire_steps;
  else if (strcmp(k, "solves") == 0) *out = (double)st->solves;
  else if (strcmp(k, "fallbacks") == 0) *out = (double)st->fallbacks;
  else if (strcmp(k, "phase") == 0) *out = st->phase;
  else return vt_minimizer_fire2->get(&st->fire, k, out);
  return 0;
}

static const vt_minimizer_type newton_type = {
  .name = "newton", .size = sizeof(newton_state), .params = newton_params,
  .init = newton_init, .param = newton_param, .check = newton_check, .alloc = newton_alloc,
  .set = newton_set, .iterate = newton_iterate, .restart = newton_restart, .get = newton_get,
  .free = newton_free,
};

static const vt_minimizer_type lbfgs_type = {
  .name = "lbfgs", .size = sizeof(newton_state), .params = lbfgs_params,
  .init = lbfgs_init, .param = newton_param, .check = newton_check, .alloc = newton_alloc,
  .set = newton_set, .iterate = newton_iterate, .restart = newton_restart, .get = newton_get,
  .free = newton_free,
};

const vt_minimizer_type *const vt_minimizer_newton = &newton_type;
const vt_minimizer_type *const vt_minimizer_lbfgs = &lbfgs_type;
