/* pss: the Piecewise Sticky Spheres of Gonzalez-Lopez, Shivam, Zheng, Pica
 * Ciamarra and Lerner, "Mechanical disorder of sticky-sphere glasses" (I:
 * arXiv:2008.12011; II: arXiv:2009.08238, PRE 103, 022606 (2021)), with the
 * smoothing form of Karmakar, Lerner, Procaccia and Zylberg: a Lennard-Jones
 * core whose attractive tail is replaced beyond the minimum by a polynomial
 * that reaches zero, with two derivatives, at x_c = r_c 2^(1/6) (doc/models.md
 * section 2). With x = r / lambda_ij:
 *
 *   x < x_min = 2^(1/6):  phi = 4 eps [x^-12 - x^-6]
 *   x_min <= x < x_c:     phi = eps [a x^-12 - b x^-6 + c0 + c2 x^2 + c4 x^4 + c6 x^6]
 *   x >= x_c:             phi = 0
 *
 * a, b, c0..c6 solve the six continuity conditions (value -1, slope 0 and
 * curvature 72 2^(-1/3) of LJ at x_min; value, slope and curvature 0 at x_c),
 * here with GSL's LU in double precision (support.c). The model is C2
 * everywhere; the third derivative jumps at x_min and x_c.
 *
 * lambda_ij is set by the particle TYPES, not by diameters (non-additive:
 * lambda_ss = 1, lambda_sl = 1.18, lambda_ll = 1.4 by default), so the
 * model has no diameter derivative (dsigma = NULL).
 *
 * Parameters: rc (cutoff in units of the LJ minimum distance; > 1; default
 * 1.2, the "SS" model of the MESO paper), epsilon (default 1), lambda (the
 * upper triangle of the symmetric type matrix, row by row: {l11, l12, l22}
 * for two types, {l11, l12, l13, l22, l23, l33} for three, ...; its length
 * fixes the number of types covered; a single number applies to every type
 * pair, i.e. a one-component PSS). */
#include "potential/kernel.h"
#include "potential/potential.h"
#include "potential/support.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
  double eps, rc, xc, xmin;
  double a, b, c0, c2, c4, c6;    /* dimensionless coefficients (doc/models.md 2.2) */
  double xmin2;
  int ntypes;
  vt_type_table lam;               /* lambda_ij by type (1-based) */
  vt_type_table ilam2;             /* 1 / lambda_ij^2 */
  vt_type_table cut;               /* x_c lambda_ij */
  vt_type_table cut2;
} pss_par;

int vt_pss_coefficients(double xc, double coef[6])
{
  const double xm = pow(2.0, 1.0 / 6.0);
  if (!(xc > xm)) return vt_error(VT_EINVAL, "pss: x_c = %g must exceed 2^(1/6)", xc);
  double A[36], b[6];
  const double xs[2] = {xm, xc};
  for (int s = 0; s < 2; s++) {
    double x = xs[s], *r = A + 18 * s;
    /* unknowns (a, b, c0, c2, c4, c6); rows: value, first, second derivative */
    double v[6] = {pow(x, -12), -pow(x, -6), 1.0, x * x, pow(x, 4), pow(x, 6)};
    double d1[6] = {-12 * pow(x, -13), 6 * pow(x, -7), 0.0, 2 * x, 4 * pow(x, 3), 6 * pow(x, 5)};
    double d2[6] = {156 * pow(x, -14), -42 * pow(x, -8), 0.0, 2.0, 12 * x * x, 30 * pow(x, 4)};
    memcpy(r, v, sizeof v);
    memcpy(r + 6, d1, sizeof d1);
    memcpy(r + 12, d2, sizeof d2);
  }
  b[0] = -1.0;                         /* LJ at its minimum */
  b[1] = 0.0;
  b[2] = 72.0 * pow(2.0, -1.0 / 3.0);  /* 4 (156 x^-14 - 42 x^-8) at x_min */
  b[3] = b[4] = b[5] = 0.0;
  int rc = vt_smooth_linsolve(6, A, b, coef);
  if (rc) return vt_error_prefix(rc, "pss: ");
  return 0;
}

/* Energy and fpair = -u'(r)/r; 0 beyond the cutoff. Everything in x^2. */
static inline int pss_eval(const pss_par *p, double r2, double si, double sj, int ti, int tj,
                           double *e, double *fpair)
{
  if (r2 >= p->cut2[ti][tj]) return 0;
  const double il2 = p->ilam2[ti][tj], x2 = r2 * il2, ix2 = 1.0 / x2, ix6 = ix2 * ix2 * ix2;
  if (x2 < p->xmin2) {
    *e = p->eps * 4.0 * ix6 * (ix6 - 1.0);
    *fpair = p->eps * 24.0 * ix6 * (2.0 * ix6 - 1.0) * ix2 * il2;
  } else {
    *e = p->eps * (ix6 * (p->a * ix6 - p->b) + p->c0 + x2 * (p->c2 + x2 * (p->c4 + x2 * p->c6)));
    /* -phi'(x)/x / lambda^2 */
    *fpair = p->eps * il2 * (ix6 * ix2 * (12.0 * p->a * ix6 - 6.0 * p->b)
                             - (2.0 * p->c2 + x2 * (4.0 * p->c4 + x2 * 6.0 * p->c6)));
  }
  return 1;
}

static void pss_pair(const void *vp, double r, double si, double sj, int ti, int tj,
                     double *u, double *du, double *d2u)
{
  const pss_par *p = vp;
  double U = 0, D = 0, D2 = 0;
  if (r < p->cut[ti][tj]) {
    const double x = r / p->lam[ti][tj], x2 = x * x, ix6 = 1.0 / (x2 * x2 * x2), ix12 = ix6 * ix6;
    /* U = phi, D = x phi'(x) / r, D2 = x^2 phi''(x) / r^2 */
    if (x < p->xmin) {
      U = 4.0 * (ix12 - ix6);
      D = -48.0 * ix12 + 24.0 * ix6;
      D2 = 624.0 * ix12 - 168.0 * ix6;
    } else {
      U = p->a * ix12 - p->b * ix6 + p->c0 + x2 * (p->c2 + x2 * (p->c4 + x2 * p->c6));
      D = -12.0 * p->a * ix12 + 6.0 * p->b * ix6 + x2 * (2.0 * p->c2 + x2 * (4.0 * p->c4 + x2 * 6.0 * p->c6));
      D2 = 156.0 * p->a * ix12 - 42.0 * p->b * ix6 + x2 * (2.0 * p->c2 + x2 * (12.0 * p->c4 + x2 * 30.0 * p->c6));
    }
    U *= p->eps;
    D *= p->eps / r;
    D2 *= p->eps / (r * r);
  }
  if (u) *u = U;
  if (du) *du = D;
  if (d2u) *d2u = D2;
}

static double pss_cutoff(const void *vp, double si, double sj, int ti, int tj)
{
  const pss_par *p = vp;
  return p->cut[ti][tj];
}

VT_DEFINE_PAIR_COMPUTE(pss_compute, pss_par, pss_eval)

static int pss_create(const vt_params *in, void **out, int *max_type, char *desc, size_t len)
{
  static const char *const known[] = {"rc", "epsilon", "lambda", NULL};
  static const double lam_default[3] = {1.0, 1.18, 1.4};
  const char *name = "pss";
  double eps = 1.0, rcut = 1.2;
  int rc;
  if ((rc = vt_params_check(in, name, known)) ||
      (rc = vt_params_number(in, name, "epsilon", -INFINITY, INFINITY, &eps)) ||
      (rc = vt_params_number(in, name, "rc", -INFINITY, INFINITY, &rcut)))
    return rc;
  if (!(eps > 0 && isfinite(eps))) return vt_error(VT_EINVAL, "pss: epsilon = %g must be positive", eps);
  if (!(rcut > 1.0 && rcut <= 4.0))
    return vt_error(VT_EINVAL, "pss: rc = %g must be in (1, 4] (the cutoff in units of the LJ minimum distance 2^(1/6) lambda)", rcut);

  pss_par *p = calloc(1, sizeof *p);
  if (!p) return vt_error(VT_ENOMEM, "out of memory");
  vt_type_table_set(p->lam, 2, lam_default);
  int T = 0, given = vt_type_table_read(in, name, "lambda", 1, p->lam, &T);
  if (given < 0) { free(p); return given; }
  p->ntypes = given == 0 ? 2 : given == 1 ? 0 : T;   /* a single lambda: any type */
  p->eps = eps;
  p->rc = rcut;
  p->xmin = pow(2.0, 1.0 / 6.0);
  p->xmin2 = p->xmin * p->xmin;
  p->xc = rcut * p->xmin;
  double c[6];
  if ((rc = vt_pss_coefficients(p->xc, c))) { free(p); return rc; }
  p->a = c[0]; p->b = c[1]; p->c0 = c[2]; p->c2 = c[3]; p->c4 = c[4]; p->c6 = c[5];
  for (int i = 0; i < VT_TYPE_TABLE_N; i++)
    for (int j = 0; j < VT_TYPE_TABLE_N; j++) {
      double l = p->lam[i][j];
      p->ilam2[i][j] = 1.0 / (l * l);
      p->cut[i][j] = p->xc * l;
      p->cut2[i][j] = p->cut[i][j] * p->cut[i][j];
    }
  *out = p;
  *max_type = p->ntypes;
  int w = snprintf(desc, len, "pss{rc=%g, epsilon=%g, lambda=", rcut, eps);
  if (p->ntypes == 0 && w > 0 && (size_t)w < len) w += snprintf(desc + w, len - (size_t)w, "%g", p->lam[1][1]);
  for (int i = 1; i <= p->ntypes; i++)
    for (int j = i; j <= p->ntypes && w > 0 && (size_t)w < len; j++)
      w += snprintf(desc + w, len - (size_t)w, "%s%g", i == 1 && j == 1 ? "{" : ", ", p->lam[i][j]);
  if (w > 0 && (size_t)w < len) snprintf(desc + w, len - (size_t)w, "%s}", p->ntypes ? "}" : "");
  return 0;
}

const vt_potential_type vt_potential_pss = {
  .name = "pss",
  .pair = pss_pair,
  .cutoff = pss_cutoff,
  .dsigma = NULL,
  .compute = pss_compute,
  .create = pss_create,
  .free = free,
};
