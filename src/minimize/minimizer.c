/* The vt_minimizer object (see minimize.h): parameters, the start, the step
 * with its convergence test, the convenience loop, and the helpers every
 * type shares (evaluation with non-finite checks, moves, 3N-vector sums). */
#include "minimize/impl.h"
#include "core/error.h"
#include "core/util.h"
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const vt_minimizer_type *vt_minimizer_type_find(const char *name)
{
  const vt_minimizer_type *all[] = {vt_minimizer_fire2, vt_minimizer_fire, vt_minimizer_cg,
                                    vt_minimizer_steepest, vt_minimizer_newton,
                                    vt_minimizer_lbfgs};
  for (size_t k = 0; k < sizeof all / sizeof all[0]; k++)
    if (strcmp(all[k]->name, name) == 0) return all[k];
  return NULL;
}

static const char *const common_params[] = {"ftol", "etol", "norm", "max_steps", "max_evals", "diverge", "progress", NULL};

static int is_common(const char *key)
{
  for (int q = 0; common_params[q]; q++) if (strcmp(common_params[q], key) == 0) return 1;
  return 0;
}

static int type_knows(const vt_minimizer_type *T, const char *key)
{
  for (int q = 0; T->params && T->params[q]; q++) if (strcmp(T->params[q], key) == 0) return 1;
  return 0;
}

int vt_min_param_number(const vt_minimizer_type *T, const vt_param *p, double lo, double hi, double *out)
{
  if (p->kind != VT_PARAM_NUMBER) return vt_error(VT_EINVAL, "%s: parameter '%s' must be a number", T->name, p->key);
  if (!(p->num >= lo && p->num <= hi))
    return vt_error(VT_EINVAL, "%s: parameter '%s' = %g is outside [%g, %g]", T->name, p->key, p->num, lo, hi);
  *out = p->num;
  return 0;
}

int vt_min_param_bool(const vt_minimizer_type *T, const vt_param *p, int *out)
{
  if (p->kind != VT_PARAM_NUMBER || !(p->num == 0.0 || p->num == 1.0))
    return vt_error(VT_EINVAL, "%s: parameter '%s' must be a boolean", T->name, p->key);
  *out = p->num != 0.0;
  return 0;
}

static int set_common(vt_minimizer *m, const vt_param *p)
{
  const vt_minimizer_type *T = m->type;
  double v;
  int rc;
  if (strcmp(p->key, "norm") == 0) {
    if (p->kind != VT_PARAM_STRING) return vt_error(VT_EINVAL, "%s: parameter 'norm' must be \"max\" or \"two\"", T->name);
    if (strcmp(p->str, "max") == 0) m->norm = VT_NORM_MAX;
    else if (strcmp(p->str, "two") == 0) m->norm = VT_NORM_TWO;
    else return vt_error(VT_EINVAL, "%s: norm '%s' unknown (known: max, two)", T->name, p->str);
    return 0;
  }
  if (strcmp(p->key, "ftol") == 0) {
    if ((rc = vt_min_param_number(T, p, 0.0, INFINITY, &v))) return rc;
    m->ftol = v;
  } else if (strcmp(p->key, "etol") == 0) {
    if ((rc = vt_min_param_number(T, p, 0.0, 1.0, &v))) return rc;
    m->etol = v;
  } else if (strcmp(p->key, "progress") == 0) {
    return vt_min_param_bool(T, p, &m->progress);
  } else if (strcmp(p->key, "diverge") == 0) {
    if ((rc = vt_min_param_number(T, p, 0.0, 1e300, &v))) return rc;
    m->diverge = v;
  } else if (strcmp(p->key, "max_steps") == 0 || strcmp(p->key, "max_evals") == 0) {
    if ((rc = vt_min_param_number(T, p, 0.0, 9.2e18, &v))) return rc;
    if (v != floor(v)) return vt_error(VT_EINVAL, "%s: parameter '%s' must be an integer", T->name, p->key);
    if (strcmp(p->key, "max_steps") == 0) m->max_steps = (long)v;
    else m->max_evals = (long)v;
  }
  return 0;
}

static int set_one(vt_minimizer *m, const vt_param *p)
{
  if (is_common(p->key)) return set_common(m, p);
  if (type_knows(m->type, p->key)) return m->type->param(m->state, p);
  /* name every known parameter, so a typo is easy to fix */
  char known[1024];
  size_t len = 0;
  known[0] = '\0';
  for (int pass = 0; pass < 2; pass++) {
    const char *const *list = pass == 0 ? common_params : m->type->params;
    for (int q = 0; list && list[q]; q++) {
      int w = snprintf(known + len, sizeof known - len, "%s%s", len ? ", " : "", list[q]);
      if (w < 0 || (size_t)w >= sizeof known - len) break;
      len += (size_t)w;
    }
  }
  return vt_error(VT_EINVAL, "%s: unknown parameter '%s' (known: %s)", m->type->name, p->key, known);
}

int vt_minimizer_alloc(const vt_minimizer_type *T, const vt_params *params, vt_minimizer **out)
{
  *out = NULL;
  if (!T) return vt_error(VT_EINVAL, "no minimizer type given");
  vt_minimizer *m = calloc(1, sizeof *m);
  if (!m) return vt_error(VT_ENOMEM, "out of memory");
  m->state = calloc(1, T->size);
  if (!m->state) { free(m); return vt_error(VT_ENOMEM, "out of memory"); }
  m->type = T;
  m->ftol = 1e-10;
  m->etol = 0.0;
  m->norm = VT_NORM_MAX;
  m->max_steps = 1000000;
  m->max_evals = 0;
  m->diverge = 1e3;
  m->progress = 1;
  T->init(m->state);
  int rc = 0;
  for (size_t k = 0; params && k < params->n && !rc; k++) rc = set_one(m, &params->p[k]);
  if (!rc) rc = T->check(m->state);
  if (rc) { vt_minimizer_free(m); return rc; }
  *out = m;
  return 0;
}

void vt_minimizer_free(vt_minimizer *m)
{
  if (!m) return;
  if (m->state) m->type->free(m->state);
  free(m->state);
  free(m->best_x);
  free(m->best_image);
  free(m);
}

int vt_minimizer_set_param(vt_minimizer *m, const vt_param *p)
{
  int rc = set_one(m, p);
  if (rc) return rc;
  return m->type->check(m->state);
}

int vt_minimizer_get(const vt_minimizer *m, const char *key, double *value)
{
  if (strcmp(key, "ftol") == 0) { *value = m->ftol; return 0; }
  if (strcmp(key, "etol") == 0) { *value = m->etol; return 0; }
  if (strcmp(key, "max_steps") == 0) { *value = (double)m->max_steps; return 0; }
  if (strcmp(key, "max_evals") == 0) { *value = (double)m->max_evals; return 0; }
  if (strcmp(key, "diverge") == 0) { *value = m->diverge; return 0; }
  if (strcmp(key, "progress") == 0) { *value = m->progress; return 0; }
  if (m->type->get && m->type->get(m->state, key, value) == 0) return 0;
  return vt_error(VT_EINVAL, "%s: no parameter or state named '%s'", m->type->name, key);
}

const char *vt_minimizer_name(const vt_minimizer *m) { return m->type->name; }

const char *vt_minimizer_status_name(int status)
{
  switch (status) {
  case VT_MIN_CONTINUE: return "continue";
  case VT_MIN_FTOL: return "ftol";
  case VT_MIN_ETOL: return "etol";
  case VT_MIN_MAXSTEPS: return "max_steps";
  case VT_MIN_MAXEVALS: return "max_evals";
  case VT_MIN_STUCK: return "stuck";
  case VT_MIN_DIVERGED: return "diverged";
  default: return "error";
  }
}

/* ---- helpers for the types ---- */

/* Eight partial sums in a fixed pattern, combined pairwise: the same
 * result on every machine and vector width (a single running sum is one
 * chain of dependent additions, which made these reductions a fifth of a
 * quasi-Newton step at N = 500; doc/performance.md), and a smaller rounding
 * error than the running sum. */
#define DOT_LANES 8
double vt_min_dot(const double *a, const double *b, size_t n)
{
  double acc[DOT_LANES] = {0};
  size_t i = 0;
  for (; i + DOT_LANES <= n; i += DOT_LANES)
    for (int k = 0; k < DOT_LANES; k++) acc[k] += a[i + k] * b[i + k];
  for (int k = 0; i < n; i++, k++) acc[k] += a[i] * b[i];
  return ((acc[0] + acc[1]) + (acc[2] + acc[3])) + ((acc[4] + acc[5]) + (acc[6] + acc[7]));
}

double vt_min_absmax(const double *a, size_t n)
{
  /* a NaN is taken (v != v) and then kept (NaN > v is false) */
  double m[DOT_LANES] = {0};
  size_t i = 0;
  for (; i + DOT_LANES <= n; i += DOT_LANES)
    for (int k = 0; k < DOT_LANES; k++) {
      const double v = fabs(a[i + k]);
      m[k] = v > m[k] || v != v ? v : m[k];
    }
  for (int k = 0; i < n; i++, k++) {
    const double v = fabs(a[i]);
    m[k] = v > m[k] || v != v ? v : m[k];
  }
  double r = m[0];
  for (int k = 1; k < DOT_LANES; k++) r = m[k] > r || m[k] != m[k] ? m[k] : r;
  return r;
}

void vt_min_move(vt_minimizer *m, const double *d, double a)
{
  double *x = m->s->x;
  size_t n3 = 3 * m->s->n;
  for (size_t i = 0; i < n3; i++) x[i] += a * d[i];
  vt_system_invalidate(m->s);
}

/* Name the first particle with a non-finite force (or position) and its
 * nearest neighbour: the usual cause is two particles on top of each other. */
static int nonfinite_error(vt_minimizer *m, const char *what)
{
  const vt_system *s = m->s;
  size_t bad = s->n;
  const char *field = "force";
  for (size_t i = 0; i < 3 * s->n && bad == s->n; i++)
    if (!isfinite(s->x[i])) { bad = i / 3; field = "position"; }
  for (size_t i = 0; i < 3 * s->n && bad == s->n; i++)
    if (!isfinite(s->f[i])) bad = i / 3;
  if (bad == s->n) {
    /* every entry finite, their squares summed to infinity: name the largest */
    size_t big = 0;
    for (size_t i = 1; i < 3 * s->n; i++) if (fabs(s->f[i]) > fabs(s->f[big])) big = i;
    return vt_error(VT_ENONFINITE, "%s: %s after %ld steps: the force on particle %zu (%g) is too large to sum (energy %g)",
                    m->type->name, what, m->steps, big / 3 + 1, s->f[big], s->energy);
  }
  size_t near = bad;
  double r2min = INFINITY;
  for (size_t j = 0; j < s->n; j++) {
    if (j == bad) continue;
    double d[3] = {s->x[3 * bad] - s->x[3 * j], s->x[3 * bad + 1] - s->x[3 * j + 1], s->x[3 * bad + 2] - s->x[3 * j + 2]};
    vt_minimum_image(s->box, d);
    double r2 = d[0] * d[0] + d[1] * d[1] + d[2] * d[2];
    if (r2 < r2min) { r2min = r2; near = j; }
  }
  if (near != bad && isfinite(r2min))
    return vt_error(VT_ENONFINITE, "%s: %s after %ld steps: %s of particle %zu is not finite "
                    "(nearest particle %zu at distance %g: overlapping particles?)",
                    m->type->name, what, m->steps, field, bad + 1, near + 1, sqrt(r2min));
  return vt_error(VT_ENONFINITE, "%s: %s after %ld steps: %s of particle %zu is not finite",
                  m->type->name, what, m->steps, field, bad + 1);
}

int vt_min_eval(vt_minimizer *m)
{
  vt_system *s = m->s;
  int fresh = !(s->forces_valid && (s->valid & VT_ENERGY));
  int rc = vt_system_compute(s, VT_ENERGY);
  if (fresh) m->force_evals++;
  if (rc == VT_ENONFINITE) return nonfinite_error(m, "non-finite energy or forces");
  if (rc) return rc;
  double f2 = 0.0, fm = 0.0;
  const double *f = s->f;
  for (size_t i = 0; i < 3 * s->n; i++) {
    double a = fabs(f[i]);
    f2 += a * a;
    if (!(a <= fm)) fm = a;
  }
  if (!isfinite(f2)) return nonfinite_error(m, "non-finite forces");
  m->energy = s->energy;
  m->fmax = fm;
  m->fnorm = sqrt(f2);
  return 0;
}

/* ---- divergence ---- */

static void keep_best(vt_minimizer *m)
{
  const vt_system *s = m->s;
  memcpy(m->best_x, s->x, 3 * s->n * sizeof *m->best_x);
  memcpy(m->best_image, s->image, 3 * s->n * sizeof *m->best_image);
  m->energy_best = m->energy;
  m->best_step = m->steps;
}

/* Keep why in m->message, put the system back at the lowest-energy point,
 * evaluate it there and forget the algorithm's history. */
static int diverged(vt_minimizer *m, const char *why)
{
  vt_system *s = m->s;
  snprintf(m->message, sizeof m->message, "%s: diverged: %s; back at the lowest energy %.10g (after %ld steps)",
           m->type->name, why, m->energy_best, m->best_step);
  memcpy(s->x, m->best_x, 3 * s->n * sizeof *m->best_x);
  memcpy(s->image, m->best_image, 3 * s->n * sizeof *m->best_image);
  vt_system_invalidate(s);
  int rc = vt_min_eval(m);
  if (rc) return rc;
  m->energy_prev = m->energy;
  if ((rc = m->type->restart(m->state, m))) return rc;
  m->seen_changes = s->changes;
  return m->status = VT_MIN_DIVERGED;
}

/* ---- the object's life cycle ---- */

int vt_minimizer_set(vt_minimizer *m, vt_system *s)
{
  int rc;
  if (!s) return vt_error(VT_EINVAL, "%s: no system to minimize", m->type->name);
  if (!s->pot) return vt_error(VT_EINVAL, "%s: the system has no potential (set one with set_potential)", m->type->name);
  if ((rc = vt_system_check_finite(s))) return vt_error_prefix(rc, "%s: ", m->type->name);
  if (m->n != s->n) {
    m->type->free(m->state);
    m->n = 0;
    free(m->best_x);
    free(m->best_image);
    m->best_x = malloc(3 * s->n * sizeof *m->best_x);
    m->best_image = malloc(3 * s->n * sizeof *m->best_image);
    if (!m->best_x || !m->best_image) {
      free(m->best_x); free(m->best_image);
      m->best_x = NULL; m->best_image = NULL;
      return vt_error(VT_ENOMEM, "%s: out of memory for %zu particles", m->type->name, s->n);
    }
    if ((rc = m->type->alloc(m->state, s->n))) return rc;
    m->n = s->n;
  }
  m->s = s;
  memset(s->v, 0, 3 * s->n * sizeof(double));
  m->steps = 0;
  m->force_evals = 0;
  m->etol_ok = 0;
  m->status = VT_MIN_CONTINUE;
  m->message[0] = '\0';
  if ((rc = vt_min_eval(m))) { m->s = NULL; return rc; }
  m->energy_prev = m->energy;
  m->energy_start = m->energy;
  keep_best(m);
  if ((rc = m->type->set(m->state, m))) { m->s = NULL; return rc; }
  m->seen_changes = s->changes;
  return 0;
}

int vt_minimizer_restart(vt_minimizer *m)
{
  if (!m->s) return vt_error(VT_EINVAL, "%s: set a system first", m->type->name);
  int rc = vt_min_eval(m);
  if (rc) return rc;
  m->etol_ok = 0;
  /* a new start for the divergence rule too (the system may have changed) */
  m->energy_start = m->energy;
  keep_best(m);
  rc = m->type->restart(m->state, m);
  m->seen_changes = m->s->changes;
  return rc;
}

int vt_minimizer_test(const vt_minimizer *m)
{
  double f = m->norm == VT_NORM_TWO ? m->fnorm : m->fmax;
  if (f < m->ftol) return VT_MIN_FTOL;
  if (m->etol > 0 && m->etol_ok &&
      fabs(m->energy - m->energy_prev) < m->etol * 0.5 * (fabs(m->energy) + fabs(m->energy_prev) + 1e-8))
    return VT_MIN_ETOL;
  return VT_MIN_CONTINUE;
}

int vt_minimizer_iterate(vt_minimizer *m)
{
  vt_system *s = m->s;
  int rc;
  if (!s) return vt_error(VT_EINVAL, "%s: set a system first", m->type->name);
  if (s->n != m->n) return vt_error(VT_EINVAL, "%s: the system changed size; set it again", m->type->name);
  if (s->changes != m->seen_changes || !(s->forces_valid && (s->valid & VT_ENERGY))) {
    /* changed from outside since our last step (even if evaluated since):
     * continue from there, as from a new start */
    if ((rc = vt_minimizer_restart(m))) return rc;
  }
  m->energy_prev = m->energy;
  m->etol_ok = 0;
  rc = m->type->iterate(m->state, m);
  m->seen_changes = s->changes;
  if (rc == VT_ENONFINITE) {
    /* the step itself broke the state (the start was finite: set checked it) */
    char why[200];
    const char *e = vt_errmsg();
    size_t ln = strlen(m->type->name);
    if (strncmp(e, m->type->name, ln) == 0 && e[ln] == ':' && e[ln + 1] == ' ') e += ln + 2;
    snprintf(why, sizeof why, "%s", e);
    vt_error_clear();
    return diverged(m, why);
  }
  if (rc < 0) return m->status = rc;
  m->steps++;
  if (m->energy < m->energy_best) {
    keep_best(m);
  } else if (m->diverge > 0) {
    double scale = fmax(fmax(m->energy_start - m->energy_best, fabs(m->energy_best)), (double)m->n);
    if (m->energy - m->energy_best > m->diverge * scale) {
      char why[200];
      snprintf(why, sizeof why, "the energy %.4g after %ld steps rose above the lowest one by more than %g x %.4g "
               "(the diverge rule; start %.4g)", m->energy, m->steps, m->diverge, scale, m->energy_start);
      return diverged(m, why);
    }
  }
  if (rc == VT_MIN_STUCK) {
    /* it may still be converged where it stopped */
    int t = vt_minimizer_test(m);
    return m->status = (t == VT_MIN_FTOL ? t : VT_MIN_STUCK);
  }
  return m->status = vt_minimizer_test(m);
}

void vt_minimizer_result(const vt_minimizer *m, vt_minimize_result *r)
{
  int t = vt_minimizer_test(m);
  r->status = m->status;
  /* converged only if the test holds here and now (or held on the last step for etol) */
  r->converged = t == VT_MIN_FTOL || (t == VT_MIN_ETOL && m->status == VT_MIN_ETOL);
  r->steps = m->steps;
  r->force_evals = m->force_evals;
  r->energy = m->energy;
  r->fmax = m->fmax;
  r->fnorm = m->fnorm;
  r->message = m->status == VT_MIN_DIVERGED ? m->message : NULL;
}

/* The bar: fmax from its start value down to ftol on a log scale (or the
 * step budget, whichever is further along), steps, fmax, U and the rate. */
static void progress_draw(vt_minimizer *m, vt_progress *p, double f0, int force)
{
  if (!vt_progress_due(p, force)) return;
  double f = m->norm == VT_NORM_TWO ? m->fnorm : m->fmax, frac = 0.0;
  if (m->ftol > 0 && f0 > m->ftol && f > 0) frac = log(f0 / f) / log(f0 / m->ftol);
  if (m->max_steps > 0) frac = fmax(frac, (double)m->steps / (double)m->max_steps);
  char text[200];
  snprintf(text, sizeof text, "step %ld  %s %.3g -> %.3g  U %.10g  %.4g steps/s", m->steps,
           m->norm == VT_NORM_TWO ? "fnorm" : "fmax", f, m->ftol, m->energy, vt_progress_rate(p, m->steps));
  vt_progress_draw(p, m->type->name, frac, text);
}

int vt_minimizer_minimize(vt_minimizer *m, vt_system *s, vt_minimize_result *r)
{
  memset(r, 0, sizeof *r);
  int rc = vt_minimizer_set(m, s);
  if (rc) return rc;
  int st = vt_minimizer_test(m) == VT_MIN_FTOL ? VT_MIN_FTOL : VT_MIN_CONTINUE;
  m->status = st;
  vt_progress bar;
  const double f0 = m->norm == VT_NORM_TWO ? m->fnorm : m->fmax;
  vt_progress_start(&bar, m->progress, 0);
  while (st == VT_MIN_CONTINUE) {
    if (m->max_steps > 0 && m->steps >= m->max_steps) { st = VT_MIN_MAXSTEPS; break; }
    if (m->max_evals > 0 && m->force_evals >= m->max_evals) { st = VT_MIN_MAXEVALS; break; }
    if (vt_interrupted()) {
      vt_progress_finish(&bar, 0);
      vt_minimizer_result(m, r);
      return vt_error(VT_EINTR, "%s: interrupted after %ld steps (fmax %g)", m->type->name, m->steps, m->fmax);
    }
    st = vt_minimizer_iterate(m);
    if (st < 0) { vt_progress_finish(&bar, 0); vt_minimizer_result(m, r); return st; }
    progress_draw(m, &bar, f0, 0);
  }
  /* a bar that was shown ends with the final state; short runs draw nothing */
  if (bar.drawn) progress_draw(m, &bar, f0, 1);
  vt_progress_finish(&bar, 0);
  m->status = st;
  vt_minimizer_result(m, r);
  return 0;
}
