/* The line search shared by conjugate gradient and steepest descent (see
 * impl.h for the conditions and the papers). Energy differences between
 * nearby points of a glass of N particles lose all their digits long before
 * the forces do (at fmax ~ 1e-10 a step changes U by ~1e-22 of a total
 * ~1e3), so every decision that can be made on phi'(a) = -F(x + a d).d is
 * made on it; energies only guard against stepping over a barrier and
 * select cubic over secant interpolation while they are resolvable. */
#include "minimize/impl.h"
#include "core/error.h"
#include <float.h>
#include <math.h>

typedef struct {
  vt_minimizer *m;
  const double *d;
  double cur;         /* where the system is, in units of the step */
  int evals;
} probe;

/* Move to step a, evaluate, return phi and phi'. */
static int visit(probe *p, double a, double *phi, double *dphi)
{
  vt_min_move(p->m, p->d, a - p->cur);
  p->cur = a;
  p->evals++;
  int rc = vt_min_eval(p->m);
  if (rc) return rc;
  *phi = p->m->energy;
  *dphi = -vt_min_dot(p->m->s->f, p->d, 3 * p->m->s->n);
  return 0;
}

/* A trial step inside the bracket (lo, hi): the minimizer of the cubic
 * through both ends' values and slopes when the energies are resolvable,
 * else the root of the secant on the slopes, else bisection; kept at least
 * 10% of the bracket away from either end. */
static double interpolate(double lo, double flo, double glo, double hi, double fhi, double ghi, double noise)
{
  double a = NAN;
  if (fabs(fhi - flo) > 100.0 * noise) {
    double d1 = glo + ghi - 3.0 * (flo - fhi) / (lo - hi);
    double disc = d1 * d1 - glo * ghi;
    if (disc >= 0.0) {
      double d2 = copysign(sqrt(disc), hi - lo);
      double den = ghi - glo + 2.0 * d2;
      if (den != 0.0) a = hi - (hi - lo) * (ghi + d2 - d1) / den;
    }
  }
  if (!isfinite(a) && glo * ghi < 0.0) a = lo - glo * (hi - lo) / (ghi - glo);
  if (!isfinite(a)) a = 0.5 * (lo + hi);
  double a_min = fmin(lo, hi), a_max = fmax(lo, hi), w = a_max - a_min;
  return fmin(fmax(a, a_min + 0.1 * w), a_max - 0.1 * w);
}

int vt_linesearch_run(vt_minimizer *m, const vt_linesearch *ls, const double *d, double dphi0,
                      double alpha0, double alpha_max, double *alpha)
{
  probe p = {m, d, 0.0, 0};
  const double phi0 = m->energy;
  /* rounding noise of a total energy: far above the summation error of the
   * pair terms, far below any energy change that matters */
  const double noise = 100.0 * DBL_EPSILON * (fabs(phi0) + DBL_MIN);
  const double c1 = ls->c1, curv = ls->sigma * fabs(dphi0);
  double phi, dphi;
  int rc;
  /* the best point seen that does not raise the energy: smallest |phi'| */
  double best_a = 0.0, best_g = fabs(dphi0);

  if (!(dphi0 < 0.0)) return vt_error(VT_EINVAL, "%s: line search along a non-descent direction", m->type->name);
  double a = fmin(alpha0, alpha_max), a_prev = 0.0, phi_prev = phi0, dphi_prev = dphi0;
  double lo = 0, flo = 0, glo = 0, hi = 0, fhi = 0, ghi = 0;
  int zoom = 0;

  /* Bracketing phase (Nocedal-Wright Algorithm 3.5). */
  while (p.evals < ls->max_evals) {
    if ((rc = visit(&p, a, &phi, &dphi))) return rc;
    int ok_energy = phi <= phi0 + c1 * a * dphi0 + noise;
    if (ok_energy && fabs(dphi) < best_g) { best_a = a; best_g = fabs(dphi); }
    if (!ok_energy || (p.evals > 1 && phi > phi_prev + noise)) {
      lo = a_prev; flo = phi_prev; glo = dphi_prev;
      hi = a; fhi = phi; ghi = dphi;
      zoom = 1;
      break;
    }
    if (fabs(dphi) <= curv) { *alpha = a; return 0; }
    if (dphi >= 0.0) {
      lo = a; flo = phi; glo = dphi;
      hi = a_prev; fhi = phi_prev; ghi = dphi_prev;
      zoom = 1;
      break;
    }
    if (a >= alpha_max) { *alpha = a; return 0; }  /* still going down at the longest allowed step */
    /* extrapolate: root of the secant on phi' if the slope is rising, within [1.5 a, 4 a] */
    double next = 4.0 * a;
    if (dphi > dphi_prev) next = a - dphi * (a - a_prev) / (dphi - dphi_prev);
    next = fmin(fmax(next, 1.5 * a), 4.0 * a);
    a_prev = a; phi_prev = phi; dphi_prev = dphi;
    a = fmin(next, alpha_max);
  }

  /* Zoom phase (Nocedal-Wright Algorithm 3.6): lo has the lowest energy so
   * far and a slope pointing into the bracket. */
  while (zoom && p.evals < ls->max_evals) {
    if (fabs(hi - lo) <= 1e-14 * fmax(fabs(lo), fabs(hi))) break;
    a = interpolate(lo, flo, glo, hi, fhi, ghi, noise);
    if ((rc = visit(&p, a, &phi, &dphi))) return rc;
    int ok_energy = phi <= phi0 + c1 * a * dphi0 + noise;
    if (ok_energy && fabs(dphi) < best_g) { best_a = a; best_g = fabs(dphi); }
    if (!ok_energy || phi > flo + noise) {
      hi = a; fhi = phi; ghi = dphi;
    } else {
      if (fabs(dphi) <= curv) { *alpha = a; return 0; }
      if (dphi * (hi - lo) >= 0.0) { hi = lo; fhi = flo; ghi = glo; }
      lo = a; flo = phi; glo = dphi;
    }
  }

  /* No Wolfe point within the budget: settle for the flattest point that
   * did not raise the energy, if it is flatter than the start. */
  if (best_a != 0.0) {
    if (p.cur != best_a && (rc = visit(&p, best_a, &phi, &dphi))) return rc;
    *alpha = best_a;
    return 0;
  }
  if (p.cur != 0.0) {
    vt_min_move(m, d, -p.cur);
    if ((rc = vt_min_eval(m))) return rc;
  }
  *alpha = 0.0;
  return VT_MIN_STUCK;
}
