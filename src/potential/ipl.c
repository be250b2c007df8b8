/* ipl: inverse-power-law repulsion smoothed by an even polynomial,
 *
 *   phi(r) = eps [ (lambda_ij / r)^n + sum_{l=0..q} c_2l (r / lambda_ij)^(2l) ]   for r < x_c lambda_ij,
 *
 * 0 beyond; the c_2l make phi and its first q derivatives vanish at x_c and
 * are solved at construction (support.c). Two families (doc/models.md 3):
 *
 * - preset "lerner" (the default): the binary IPL of Lerner, J. Non-Cryst.
 *   Solids 522, 119570 (2019), Kapteijns/Bouchbinder/Lerner and Rainone et
 *   al.: n = 10, x_c = 1.48, q = 3, lambda_ij by particle TYPE (lambda_ss =
 *   1, lambda_sl = 1.18, lambda_ll = 1.4), doc/models.md 3.1. n, x_c and q are
 *   from memory in doc/models.md (see its section 10), hence parameters.
 * - preset "nbc": the polydisperse soft spheres of Ninarello, Berthier and
 *   Coslovich, PRX 7, 021039 (2017), doc/models.md 3.2: n = 12, x_c = 1.25,
 *   q = 2, lambda_ij = sigma_ij from per-particle diameters with the
 *   non-additive rule sigma_ij = (si+sj)/2 (1 - eps_na |si - sj|), eps_na =
 *   0.2. The whole function is then e(r / sigma_ij) (cutoff included), so
 *   dU/dsigma_i follows from the radial derivatives (doc/models.md 1.3).
 *
 * Parameters: preset ("lerner" | "nbc"), n, xc, q, epsilon, mixing ("types":
 * lambda from the type table; "additive" or "nbc": from diameters),
 * lambda (types only: upper triangle of the type matrix row by row, e.g.
 * {l11, l12, l22}), nonadditivity (mixing "nbc" only, default 0.2). Explicit
 * parameters override the preset's. */
#include "potential/kernel.h"
#include "potential/potential.h"
#include "potential/support.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { IPL_TYPES = 0, IPL_ADDITIVE = 1, IPL_NBC = 2 };

typedef struct {
  double eps, n, xc, xc2;
  int q, nhalf;                      /* nhalf = n/2 if n is an even integer, else -1 */
  int mixing, ntypes;
  double nonadd;
  double c[VT_SMOOTH_MAXQ + 1];      /* c_2l, dimensionless */
  vt_type_table lam, ilam2, cut, cut2;  /* mixing "types": lambda_ij, 1/lambda_ij^2, x_c lambda_ij, squared */
} ipl_par;

int vt_ipl_coefficients(double n, double xc, int q, double *c)
{
  double gk[VT_SMOOTH_MAXQ + 1];
  if (q < 0 || q > VT_SMOOTH_MAXQ) return vt_error(VT_EINVAL, "ipl: q = %d outside [0, %d]", q, VT_SMOOTH_MAXQ);
  for (int k = 0; k <= q; k++) gk[k] = vt_smooth_dpow(-n, k, xc);
  int rc = vt_smooth_even_poly(q, xc, gk, c);
  return rc ? vt_error_prefix(rc, "ipl: ") : 0;
}

static inline double ipl_ipow(double x, int k)
{
  double r = 1.0;
  while (k) {
    if (k & 1) r *= x;
    x *= x;
    k >>= 1;
  }
  return r;
}

/* (1/x^2)^(n/2) */
static inline double ipl_core(const ipl_par *p, double ix2)
{
  return p->nhalf >= 0 ? ipl_ipow(ix2, p->nhalf) : pow(ix2, 0.5 * p->n);
}

static inline double ipl_mix(const ipl_par *p, double si, double sj)
{
  double s = 0.5 * (si + sj);
  return p->mixing == IPL_NBC ? s * (1.0 - p->nonadd * fabs(si - sj)) : s;
}

static inline double ipl_dmix_dsi(const ipl_par *p, double si, double sj)
{
  if (p->mixing != IPL_NBC) return 0.5;
  double d = si - sj, sg = (d > 0) - (d < 0);
  return 0.5 * (1.0 - p->nonadd * fabs(d)) - 0.5 * (si + sj) * p->nonadd * sg;
}

/* Energy and fpair = -u'(r)/r; 0 beyond the cutoff. */
static inline int ipl_eval(const ipl_par *p, double r2, double si, double sj, int ti, int tj,
                           double *e, double *fpair)
{
  double il2;
  if (p->mixing == IPL_TYPES) {
    if (r2 >= p->cut2[ti][tj]) return 0;
    il2 = p->ilam2[ti][tj];
  } else {
    double s = ipl_mix(p, si, sj), s2 = s * s;
    if (r2 >= p->xc2 * s2) return 0;
    il2 = 1.0 / s2;
  }
  const double x2 = r2 * il2, ix2 = 1.0 / x2, xn = ipl_core(p, ix2);
  double P = p->c[p->q], Q = 0.0;
  for (int l = p->q - 1; l >= 0; l--) {
    Q = Q * x2 + 2.0 * (l + 1) * p->c[l + 1];   /* sum_{l>=1} 2l c_2l x^(2l-2) */
    P = P * x2 + p->c[l];
  }
  *e = p->eps * (xn + P);
  *fpair = p->eps * il2 * (p->n * xn * ix2 - Q);
  return 1;
}

static inline double ipl_lambda(const ipl_par *p, double si, double sj, int ti, int tj)
{
  return p->mixing == IPL_TYPES ? p->lam[ti][tj] : ipl_mix(p, si, sj);
}

static double ipl_cutoff(const void *vp, double si, double sj, int ti, int tj)
{
  const ipl_par *p = vp;
  return p->mixing == IPL_TYPES ? p->cut[ti][tj] : p->xc * ipl_mix(p, si, sj);
}

/* Only additive mixing makes x_c sigma_ij a sum of radii. */
static double ipl_radius(const void *vp, double si, int ti)
{
  const ipl_par *p = vp;
  return p->mixing == IPL_ADDITIVE ? 0.5 * p->xc * si : -1.0;
}

static void ipl_pair(const void *vp, double r, double si, double sj, int ti, int tj,
                     double *u, double *du, double *d2u)
{
  const ipl_par *p = vp;
  double U = 0, D = 0, D2 = 0;
  if (r < ipl_cutoff(vp, si, sj, ti, tj)) {
    const double x = r / ipl_lambda(p, si, sj, ti, tj), x2 = x * x, xn = ipl_core(p, 1.0 / x2);
    /* U = phi, D = x phi'(x), D2 = x^2 phi''(x), Horner in x^2 */
    double P = 0, P1 = 0, P2 = 0;
    for (int l = p->q; l >= 0; l--) {
      P = P * x2 + p->c[l];
      P1 = P1 * x2 + 2.0 * l * p->c[l];
      P2 = P2 * x2 + 2.0 * l * (2.0 * l - 1.0) * p->c[l];
    }
    U = p->eps * (xn + P);
    D = p->eps * (-p->n * xn + P1) / r;
    D2 = p->eps * (p->n * (p->n + 1.0) * xn + P2) / (r * r);
  }
  if (u) *u = U;
  if (du) *du = D;
  if (d2u) *d2u = D2;
}

static void ipl_dsigma(const void *vp, double r, double si, double sj, int ti, int tj,
                       double *du_dsi, double *dw_dsi)
{
  const ipl_par *p = vp;
  if (p->mixing == IPL_TYPES) {
    *du_dsi = 0.0;
    *dw_dsi = 0.0;
    return;
  }
  double du, d2u;
  ipl_pair(vp, r, si, sj, ti, tj, NULL, &du, &d2u);
  vt_dsigma_scale_invariant_additive(r, ipl_mix(p, si, sj), du, d2u, ipl_dmix_dsi(p, si, sj), du_dsi, dw_dsi);
}

VT_DEFINE_PAIR_COMPUTE(ipl_compute, ipl_par, ipl_eval)

static int ipl_create(const vt_params *in, void **out, int *max_type, char *desc, size_t len)
{
  static const char *const known[] = {"preset", "n", "xc", "q", "epsilon", "mixing", "lambda", "nonadditivity", NULL};
  const char *name = "ipl", *preset = "lerner", *mixing;
  double eps = 1.0, n, xc, qd, nonadd = 0.2;
  static const double lam_default[3] = {1.0, 1.18, 1.4};
  int rc;
  if ((rc = vt_params_check(in, name, known)) || (rc = vt_params_string(in, name, "preset", &preset))) return rc;
  if (strcmp(preset, "lerner") == 0) { n = 10; xc = 1.48; qd = 3; mixing = "types"; }
  else if (strcmp(preset, "nbc") == 0) { n = 12; xc = 1.25; qd = 2; mixing = "nbc"; }
  else return vt_error(VT_EINVAL, "ipl: preset '%s' is not 'lerner' or 'nbc'", preset);
  if ((rc = vt_params_number(in, name, "epsilon", -INFINITY, INFINITY, &eps)) ||
      (rc = vt_params_number(in, name, "n", -INFINITY, INFINITY, &n)) ||
      (rc = vt_params_number(in, name, "xc", -INFINITY, INFINITY, &xc)) ||
      (rc = vt_params_number(in, name, "q", 0, VT_SMOOTH_MAXQ, &qd)) ||
      (rc = vt_params_number(in, name, "nonadditivity", 0.0, 1.0, &nonadd)) ||
      (rc = vt_params_string(in, name, "mixing", &mixing)))
    return rc;
  if (!(eps > 0 && isfinite(eps))) return vt_error(VT_EINVAL, "ipl: epsilon = %g must be positive", eps);
  if (!(n > 0 && n <= 64)) return vt_error(VT_EINVAL, "ipl: exponent n = %g must be in (0, 64]", n);
  if (!(xc > 0 && xc <= 10)) return vt_error(VT_EINVAL, "ipl: xc = %g must be in (0, 10] (cutoff in units of lambda_ij)", xc);
  if (qd != floor(qd)) return vt_error(VT_EINVAL, "ipl: q = %g must be an integer", qd);
  int mix;
  if (strcmp(mixing, "types") == 0) mix = IPL_TYPES;
  else if (strcmp(mixing, "additive") == 0) mix = IPL_ADDITIVE;
  else if (strcmp(mixing, "nbc") == 0) mix = IPL_NBC;
  else return vt_error(VT_EINVAL, "ipl: mixing '%s' is not 'types', 'additive' or 'nbc'", mixing);
  if (mix != IPL_TYPES && vt_params_has(in, "lambda"))
    return vt_error(VT_EINVAL, "ipl: 'lambda' sets type-pair lengths and needs mixing='types' (with mixing='%s' sigma_ij comes from the diameters)", mixing);
  if (mix != IPL_NBC && vt_params_has(in, "nonadditivity"))
    return vt_error(VT_EINVAL, "ipl: 'nonadditivity' needs mixing='nbc'");

  ipl_par *p = calloc(1, sizeof *p);
  if (!p) return vt_error(VT_ENOMEM, "out of memory");
  p->eps = eps; p->n = n; p->xc = xc; p->xc2 = xc * xc; p->q = (int)qd;
  p->nhalf = (n == 2.0 * floor(n / 2.0)) ? (int)(n / 2.0) : -1;
  p->mixing = mix;
  p->nonadd = mix == IPL_NBC ? nonadd : 0.0;
  if ((rc = vt_ipl_coefficients(n, xc, p->q, p->c))) { free(p); return rc; }
  if (mix == IPL_TYPES) {
    vt_type_table_set(p->lam, 2, lam_default);
    int T = 0, given = vt_type_table_read(in, name, "lambda", 1, p->lam, &T);
    if (given < 0) { free(p); return given; }
    p->ntypes = given == 0 ? 2 : given == 1 ? 0 : T;   /* a single lambda: any type */
    for (int i = 0; i < VT_TYPE_TABLE_N; i++)
      for (int j = 0; j < VT_TYPE_TABLE_N; j++) {
        double l = p->lam[i][j];
        p->ilam2[i][j] = 1.0 / (l * l);
        p->cut[i][j] = xc * l;
        p->cut2[i][j] = p->cut[i][j] * p->cut[i][j];
      }
  }
  *out = p;
  *max_type = mix == IPL_TYPES ? p->ntypes : 0;
  int w = snprintf(desc, len, "ipl{preset=%s, n=%g, xc=%g, q=%d, epsilon=%g, mixing=%s", preset, n, xc, p->q, eps, mixing);
  if (mix == IPL_TYPES) {
    if (p->ntypes == 0 && w > 0 && (size_t)w < len) w += snprintf(desc + w, len - (size_t)w, ", lambda=%g", p->lam[1][1]);
    for (int i = 1; i <= p->ntypes; i++)
      for (int j = i; j <= p->ntypes && w > 0 && (size_t)w < len; j++)
        w += snprintf(desc + w, len - (size_t)w, "%s%g", i == 1 && j == 1 ? ", lambda={" : ", ", p->lam[i][j]);
    if (p->ntypes && w > 0 && (size_t)w < len) w += snprintf(desc + w, len - (size_t)w, "}");
  } else if (mix == IPL_NBC && w > 0 && (size_t)w < len) {
    w += snprintf(desc + w, len - (size_t)w, ", nonadditivity=%g", nonadd);
  }
  if (w > 0 && (size_t)w < len) snprintf(desc + w, len - (size_t)w, "}");
  return 0;
}

const vt_potential_type vt_potential_ipl = {
  .name = "ipl",
  .pair = ipl_pair,
  .cutoff = ipl_cutoff,
  .dsigma = ipl_dsigma,
  .compute = ipl_compute,
  .create = ipl_create,
  .free = free,
  .radius = ipl_radius,
};
