/* hertz: soft repulsive spheres with a Hertzian (alpha = 5/2) or, more
 * generally, power-law contact (doc/models.md section 5):
 *
 *   phi(r) = (eps / alpha) (1 - r / sigma_ij)^alpha   for r < sigma_ij,   0 beyond,
 *
 * with additive sigma_ij = (si + sj)/2 from per-particle diameters.
 *
 * Prefactor convention (NOT pinned down in doc/models.md 5): eps/alpha, i.e.
 * 2 eps/5 for Hertz and eps/2 for harmonic spheres (alpha = 2), as in the
 * jamming literature (O'Hern et al., PRE 68, 011306 (2003)); the contact
 * force is then eps/sigma_ij (1 - r/sigma_ij)^(alpha-1). For the other
 * convention phi = eps' (1 - r/sigma_ij)^alpha pass epsilon = alpha eps'.
 *
 * Smoothness at contact: phi, phi' and phi'' vanish continuously for
 * alpha > 2 (phi''' diverges like (1 - x)^(alpha-3)); alpha = 2 leaves a
 * jump of eps/sigma_ij^2 in phi''. Because phi = e(r / sigma_ij), dU/dsi
 * follows from the radial derivatives (doc/models.md 1.3).
 *
 * Parameters: epsilon (default 1), alpha (default 2.5, in [2, 10]). */
#include "potential/kernel.h"
#include "potential/potential.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

typedef struct {
  double eps, alpha;
  int kind;           /* 0: general pow, 1: alpha = 5/2, 2: alpha = 2 */
} hertz_par;

/* d^(alpha-1) for 0 < d <= 1 */
static inline double hertz_pow1(const hertz_par *p, double d)
{
  return p->kind == 1 ? d * sqrt(d) : p->kind == 2 ? d : pow(d, p->alpha - 1.0);
}

static inline int hertz_eval(const hertz_par *p, double r2, double si, double sj, int ti, int tj,
                             double *e, double *fpair)
{
  const double s = 0.5 * (si + sj);
  if (r2 >= s * s) return 0;
  const double r = sqrt(r2), is = 1.0 / s, d = 1.0 - r * is, dm1 = hertz_pow1(p, d);
  *e = p->eps / p->alpha * dm1 * d;
  *fpair = p->eps * is * dm1 / r;
  return 1;
}

static void hertz_pair(const void *vp, double r, double si, double sj, int ti, int tj,
                       double *u, double *du, double *d2u)
{
  const hertz_par *p = vp;
  const double s = 0.5 * (si + sj);
  double U = 0, D = 0, D2 = 0;
  if (r < s) {
    const double d = 1.0 - r / s, dm1 = hertz_pow1(p, d);
    U = p->eps / p->alpha * dm1 * d;
    D = -p->eps / s * dm1;
    /* (alpha - 1) d^(alpha-2) / s^2; d^(alpha-2) = dm1 / d is fine for d > 0 */
    D2 = p->kind == 2 ? p->eps / (s * s) : p->eps * (p->alpha - 1.0) / (s * s) * (p->kind == 1 ? sqrt(d) : pow(d, p->alpha - 2.0));
  }
  if (u) *u = U;
  if (du) *du = D;
  if (d2u) *d2u = D2;
}

static double hertz_cutoff(const void *vp, double si, double sj, int ti, int tj)
{
  return 0.5 * (si + sj);
}

static double hertz_radius(const void *vp, double si, int ti)
{
  return 0.5 * si;
}

static void hertz_dsigma(const void *vp, double r, double si, double sj, int ti, int tj,
                         double *du_dsi, double *dw_dsi)
{
  double du, d2u;
  hertz_pair(vp, r, si, sj, ti, tj, NULL, &du, &d2u);
  vt_dsigma_scale_invariant_additive(r, 0.5 * (si + sj), du, d2u, 0.5, du_dsi, dw_dsi);
}

VT_DEFINE_PAIR_COMPUTE(hertz_compute, hertz_par, hertz_eval)

static int hertz_create(const vt_params *in, void **out, int *max_type, char *desc, size_t len)
{
  static const char *const known[] = {"epsilon", "alpha", NULL};
  double eps = 1.0, alpha = 2.5;
  int rc;
  if ((rc = vt_params_check(in, "hertz", known)) ||
      (rc = vt_params_number(in, "hertz", "epsilon", -INFINITY, INFINITY, &eps)) ||
      (rc = vt_params_number(in, "hertz", "alpha", -INFINITY, INFINITY, &alpha)))
    return rc;
  if (!(eps > 0 && isfinite(eps))) return vt_error(VT_EINVAL, "hertz: epsilon = %g must be positive", eps);
  if (!(alpha >= 2.0 && alpha <= 10.0))
    return vt_error(VT_EINVAL, "hertz: alpha = %g must be in [2, 10] (2.5: Hertz, 2: harmonic)", alpha);
  hertz_par *p = calloc(1, sizeof *p);
  if (!p) return vt_error(VT_ENOMEM, "out of memory");
  p->eps = eps;
  p->alpha = alpha;
  p->kind = alpha == 2.5 ? 1 : alpha == 2.0 ? 2 : 0;
  *out = p;
  *max_type = 0;
  snprintf(desc, len, "hertz{epsilon=%g, alpha=%g}", eps, alpha);
  return 0;
}

const vt_potential_type vt_potential_hertz = {
  .name = "hertz",
  .pair = hertz_pair,
  .cutoff = hertz_cutoff,
  .dsigma = hertz_dsigma,
  .compute = hertz_compute,
  .create = hertz_create,
  .free = free,
  .radius = hertz_radius,
};
