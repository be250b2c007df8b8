/* lj_smooth: Lennard-Jones with the force smoothing of LAMMPS
 * `pair_style lj/smooth` between inner*sigma_ij and outer*sigma_ij and the
 * energy shift of `pair_modify shift yes` (the WAHNs model of [VHG]; doc/models.md
 * section 1). sigma_ij comes from per-particle diameters, additive by default
 * or with the non-additive rule of Ninarello, Berthier and Coslovich,
 * PRX 7, 021039 (2017) (doc/models.md section 7).
 *
 * smoothing="nbc" selects instead the even-polynomial smoothing of doc/models.md
 * 7(a) (the NBC recipe applied to LJ, a candidate for the polydisperse
 * smoothed LJ of VHG Appendix B):
 *   u = eps [4 (x^-12 - x^-6) + c0 + c2 x^2 + c4 x^4]  for x = r/sigma_ij < x_c,
 * with x_c = outer (default 2.5 in this mode; `inner` is not used) and
 * c0, c2, c4 solved at construction so that u, u' and u'' vanish at x_c
 * (c0 = 0.161960951808, c2 = -0.03880620392448, c4 = 0.0024805046747136 for
 * x_c = 2.5). Its mixing defaults to "nbc" (non-additivity 0.2), the NBC
 * soft-sphere choice; the non-additivity of the LJ variant is not known
 * (doc/models.md 10, item 9), so both are parameters.
 *
 * Both variants are C2 everywhere (the third derivative jumps at the seams).
 * inner = outer (allowed) means no smoothing: LJ truncated at outer and
 * shifted to 0 there, as `pair_style lj/cut` with `pair_modify shift yes`
 * (the force jumps at the cutoff).
 *
 * Because both cutoffs scale with sigma_ij, the whole pair function is
 * e(r/sigma_ij): one set of dimensionless coefficients (computed here with
 * LAMMPS's formulas from PairLJSmooth::init_one at sigma = 1) serves every
 * pair, and dU/dsigma follows from the radial derivatives. */
#include "potential/kernel.h"
#include "potential/potential.h"
#include "potential/support.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
  double eps, inner, outer;
  int nbc;            /* non-additive NBC mixing */
  int even;           /* smoothing="nbc": even polynomial to outer, no inner region */
  double e0, e2, e4;  /* its coefficients (doc/models.md 7(a)) */
  double nonadd;
  double c0, c1, c2, c3, c4, offset;  /* dimensionless, sigma = eps = 1 */
  double inner2, outer2;              /* squared, in units of sigma_ij^2 */
} lj_smooth_par;

static inline double mix(const lj_smooth_par *p, double si, double sj)
{
  double s = 0.5 * (si + sj);
  return p->nbc ? s * (1.0 - p->nonadd * fabs(si - sj)) : s;
}

static inline double dmix_dsi(const lj_smooth_par *p, double si, double sj)
{
  if (!p->nbc) return 0.5;
  double d = si - sj, sg = (d > 0) - (d < 0);
  return 0.5 * (1.0 - p->nonadd * fabs(d)) - 0.5 * (si + sj) * p->nonadd * sg;
}

/* Energy and fpair = -u'(r)/r; 0 beyond the cutoff.
 *
 * Branch-free (both regions are evaluated and one is selected) so that the
 * kernel's pair loop vectorizes, and in the scale-invariant form: with
 * x^2 = r^2/sigma_ij^2 one division gives both 1/r^2 and 1/sigma_ij^2, and
 * the only square root is x (for the odd powers of the smoothing polynomial
 * in tau = x - inner). The core region covers both variants: LJ minus the
 * offset (LAMMPS), or LJ plus the even polynomial e0 + e2 x^2 + e4 x^4
 * ("nbc", whose inner cutoff is its outer one). */
static inline int lj_smooth_eval(const lj_smooth_par *p, double r2, double si, double sj,
                                 int ti, int tj, double *e, double *fpair)
{
  /* mix() without its branch: nonadd is 0 for additive mixing */
  const double sij = 0.5 * (si + sj) * (1.0 - p->nonadd * fabs(si - sj)), s2 = sij * sij;
  const double inv = 1.0 / (r2 * s2);
  const double ir2 = inv * s2, is2 = inv * r2;   /* 1/r^2, 1/sigma_ij^2 */
  const double x2 = r2 * is2, q2 = s2 * ir2, q6 = q2 * q2 * q2;
  /* parameters are loaded unconditionally: a conditional load is control
   * flow the vectorizer cannot remove */
  const int even = p->even;
  const double e0 = p->e0, e2 = p->e2, e4 = p->e4, off = p->offset;
  const double a0 = even ? e0 : -off, a2 = even ? e2 : 0.0, a4 = even ? e4 : 0.0;
  const double ecore = 4.0 * q6 * (q6 - 1.0) + a0 + x2 * (a2 + x2 * a4);
  const double fcore = 24.0 * q6 * (2.0 * q6 - 1.0) * ir2 - (2.0 * a2 + 4.0 * a4 * x2) * is2;
  /* LAMMPS PairLJSmooth::compute with sigma_ij = 1: force -du/dx = F(tau) */
  const double xr = sqrt(x2), tau = xr - p->inner;
  const double F = p->c1 + tau * (p->c2 + tau * (p->c3 + tau * p->c4));
  const double eshell =
      p->c0 - tau * (p->c1 + tau * (0.5 * p->c2 + tau * (p->c3 * (1.0 / 3.0) + tau * 0.25 * p->c4))) - off;
  const double fshell = F * xr * ir2;            /* F / (sigma_ij r) */
  /* at r = 0 (coincident particles) x^2 is 0 * inf = NaN, and the pair
   * must count (with a non-finite energy), hence the negated tests */
  const int core = !(x2 >= p->inner2);
  *e = p->eps * (core ? ecore : eshell);
  *fpair = p->eps * (core ? fcore : fshell);
  return !(x2 >= p->outer2);
}

static void lj_smooth_pair(const void *vp, double r, double si, double sj, int ti, int tj,
                           double *u, double *du, double *d2u)
{
  const lj_smooth_par *p = vp;
  double sij = mix(p, si, sj), x = r / sij, U = 0, D = 0, D2 = 0;
  if (r < p->outer * sij) {
    if (p->even) {
      double x2 = x * x, q6 = 1.0 / (x2 * x2 * x2), q12 = q6 * q6;
      U = p->eps * (4.0 * (q12 - q6) + p->e0 + x2 * (p->e2 + x2 * p->e4));
      D = p->eps * (-48.0 * q12 + 24.0 * q6 + x2 * (2.0 * p->e2 + x2 * 4.0 * p->e4)) / r;
      D2 = p->eps * (624.0 * q12 - 168.0 * q6 + x2 * (2.0 * p->e2 + x2 * 12.0 * p->e4)) / (r * r);
    } else if (x < p->inner) {
      double x2 = x * x, q6 = 1.0 / (x2 * x2 * x2);   /* x^-6 without a pow call */
      U = p->eps * (4.0 * q6 * (q6 - 1.0) - p->offset);
      D = -p->eps * 24.0 * q6 * (2.0 * q6 - 1.0) / r;
      D2 = p->eps * 4.0 * (156.0 * q6 * q6 - 42.0 * q6) / (r * r);
    } else {
      double tau = x - p->inner;
      U = p->eps * (p->c0 - tau * (p->c1 + tau * (0.5 * p->c2 + tau * (p->c3 / 3.0 + tau * 0.25 * p->c4))) - p->offset);
      D = -p->eps * (p->c1 + tau * (p->c2 + tau * (p->c3 + tau * p->c4))) / sij;
      D2 = -p->eps * (p->c2 + tau * (2.0 * p->c3 + tau * 3.0 * p->c4)) / (sij * sij);
    }
  }
  if (u) *u = U;
  if (du) *du = D;
  if (d2u) *d2u = D2;
}

static double lj_smooth_cutoff(const void *vp, double si, double sj, int ti, int tj)
{
  const lj_smooth_par *p = vp;
  return p->outer * mix(p, si, sj);
}

/* Additive mixing: outer sigma_ij = outer si / 2 + outer sj / 2. */
static double lj_smooth_radius(const void *vp, double si, int ti)
{
  const lj_smooth_par *p = vp;
  return p->nbc ? -1.0 : 0.5 * p->outer * si;
}

static void lj_smooth_dsigma(const void *vp, double r, double si, double sj, int ti, int tj,
                             double *du_dsi, double *dw_dsi)
{
  const lj_smooth_par *p = vp;
  double du, d2u;
  lj_smooth_pair(vp, r, si, sj, ti, tj, NULL, &du, &d2u);
  vt_dsigma_scale_invariant_additive(r, mix(p, si, sj), du, d2u, dmix_dsi(p, si, sj), du_dsi, dw_dsi);
}

int vt_lj_even_coefficients(double xc, double c[3])
{
  double gk[3];
  for (int k = 0; k < 3; k++) gk[k] = 4.0 * (vt_smooth_dpow(-12.0, k, xc) - vt_smooth_dpow(-6.0, k, xc));
  int rc = vt_smooth_even_poly(2, xc, gk, c);
  return rc ? vt_error_prefix(rc, "lj_smooth: ") : 0;
}

VT_DEFINE_PAIR_COMPUTE(lj_smooth_compute, lj_smooth_par, lj_smooth_eval)

static int lj_smooth_create(const vt_params *in, void **out, int *max_type, char *desc, size_t len)
{
  static const char *const known[] = {"epsilon", "inner", "outer", "mixing", "nonadditivity", "smoothing", NULL};
  const char *name = "lj_smooth", *mixing = "additive", *smoothing = "lammps";
  double eps = 1.0, inner = 2.5, outer = 2.75, nonadd = 0.2;
  int rc, even;
  if ((rc = vt_params_check(in, name, known)) || (rc = vt_params_string(in, name, "smoothing", &smoothing))) return rc;
  if (strcmp(smoothing, "lammps") == 0) even = 0;
  else if (strcmp(smoothing, "nbc") == 0) even = 1;
  else return vt_error(VT_EINVAL, "lj_smooth: smoothing '%s' is not 'lammps' or 'nbc'", smoothing);
  if (even) {
    for (size_t k = 0; in && k < in->n; k++)
      if (strcmp(in->p[k].key, "inner") == 0)
        return vt_error(VT_EINVAL, "lj_smooth: smoothing='nbc' has no inner cutoff (its cutoff is 'outer', default 2.5)");
    outer = 2.5;
    mixing = "nbc";
  }
  if ((rc = vt_params_number(in, name, "epsilon", 0.0, INFINITY, &eps)) ||
      (rc = vt_params_number(in, name, "inner", 1.0, 100.0, &inner)) ||
      (rc = vt_params_number(in, name, "outer", 1.0, 100.0, &outer)) ||
      (rc = vt_params_number(in, name, "nonadditivity", 0.0, 1.0, &nonadd)) ||
      (rc = vt_params_string(in, name, "mixing", &mixing)))
    return rc;
  if (!(eps > 0)) return vt_error(VT_EINVAL, "lj_smooth: epsilon must be positive");
  if (!even && !(outer >= inner))
    return vt_error(VT_EINVAL, "lj_smooth: outer cutoff %g is below the inner cutoff %g", outer, inner);
  int nbc;
  if (strcmp(mixing, "additive") == 0) nbc = 0;
  else if (strcmp(mixing, "nbc") == 0) nbc = 1;
  else return vt_error(VT_EINVAL, "lj_smooth: mixing '%s' is not 'additive' or 'nbc'", mixing);

  lj_smooth_par *p = calloc(1, sizeof *p);
  if (!p) return vt_error(VT_ENOMEM, "out of memory");
  p->even = even;
  if (even) {
    double c[3];
    if ((rc = vt_lj_even_coefficients(outer, c))) { free(p); return rc; }
    p->e0 = c[0]; p->e2 = c[1]; p->e4 = c[2];
    inner = outer;
  }
  p->eps = eps; p->inner = inner; p->outer = outer; p->nbc = nbc; p->nonadd = nbc ? nonadd : 0.0;
  p->inner2 = inner * inner; p->outer2 = outer * outer;
  /* LAMMPS PairLJSmooth::init_one with sigma = epsilon = 1. */
  double r6inv = 1.0 / pow(inner, 6.0);
  p->c0 = 4.0 * r6inv * (r6inv - 1.0);
  if (outer > inner) {
    double d = outer - inner;
    p->c1 = r6inv * (48.0 * r6inv - 24.0) / inner;
    p->c2 = -r6inv * (13.0 * 48.0 * r6inv - 7.0 * 24.0) / (inner * inner);
    p->c3 = -(3.0 / (d * d)) * (p->c1 + (2.0 / 3.0) * p->c2 * d);
    p->c4 = -(1.0 / (3.0 * d * d)) * (p->c2 + 2.0 * p->c3 * d);
    p->offset = p->c0 - p->c1 * d - p->c2 * d * d / 2.0 - p->c3 * d * d * d / 3.0 - p->c4 * d * d * d * d / 4.0;
  } else {
    p->offset = p->c0;   /* plain LJ truncated and shifted at the cutoff */
  }
  *out = p;
  *max_type = 0;
  char na[48] = "";
  if (nbc) snprintf(na, sizeof na, ", nonadditivity=%g", nonadd);
  if (even)
    snprintf(desc, len, "lj_smooth{smoothing=nbc, epsilon=%g, outer=%g, mixing=%s%s}", eps, outer, mixing, na);
  else
    snprintf(desc, len, "lj_smooth{epsilon=%g, inner=%g, outer=%g, mixing=%s%s}", eps, inner, outer, mixing, na);
  return 0;
}

const vt_potential_type vt_potential_lj_smooth = {
  .name = "lj_smooth",
  .pair = lj_smooth_pair,
  .cutoff = lj_smooth_cutoff,
  .dsigma = lj_smooth_dsigma,
  .compute = lj_smooth_compute,
  .create = lj_smooth_create,
  .free = free,
  .radius = lj_smooth_radius,
};
