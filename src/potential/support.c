/* Support for the pair models (see support.h): small dense solves for the
 * smoothing polynomials, and per-type-pair parameter tables.
 *
 * The linear systems are at most 9 x 9 and solved once per potential,
 * so accuracy matters more than speed: columns are equilibrated (the PSS
 * system mixes x^-14 and x^6 terms, condition number ~7e6 unscaled for
 * r_c = 1.1, doc/models.md 2.4), the LU factorisation is GSL's, and one step of
 * iterative refinement follows. The coefficients are then as accurate as
 * the conditioning of the system allows in double precision (relative
 * errors below kappa * eps, kappa ~ 3e6 after equilibration for the PSS
 * r_c = 1.1 system; a few 1e-12 in practice); the backward error is at round-off
 * level, so the continuity conditions themselves hold to ~1e-16 relative to
 * the size of the terms, which is what matters for the smoothness of the
 * potential (doc/models.md 2.4). */
#include "potential/support.h"
#include "core/error.h"
#include <gsl/gsl_linalg.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

int vt_smooth_linsolve(size_t m, const double *A, const double *b, double *x)
{
  if (m == 0 || m > VT_SMOOTH_MAXQ + 1) return vt_error(VT_EINVAL, "smoothing: system size %zu out of range", m);
  double a[(VT_SMOOTH_MAXQ + 1) * (VT_SMOOTH_MAXQ + 1)], lu[(VT_SMOOTH_MAXQ + 1) * (VT_SMOOTH_MAXQ + 1)];
  double scale[VT_SMOOTH_MAXQ + 1], rhs[VT_SMOOTH_MAXQ + 1], sol[VT_SMOOTH_MAXQ + 1], work[VT_SMOOTH_MAXQ + 1];
  size_t perm_data[VT_SMOOTH_MAXQ + 1];
  /* column equilibration: A D y = b, x = D y */
  for (size_t j = 0; j < m; j++) {
    double s = 0.0;
    for (size_t i = 0; i < m; i++) s = fmax(s, fabs(A[i * m + j]));
    if (!(s > 0 && isfinite(s))) return vt_error(VT_ESINGULAR, "smoothing: column %zu of the continuity system is %s", j + 1, s > 0 ? "not finite" : "zero");
    scale[j] = 1.0 / s;
  }
  for (size_t i = 0; i < m; i++) {
    if (!isfinite(b[i])) return vt_error(VT_EINVAL, "smoothing: right-hand side %zu is not finite", i + 1);
    rhs[i] = b[i];
    for (size_t j = 0; j < m; j++) a[i * m + j] = A[i * m + j] * scale[j];
  }
  memcpy(lu, a, m * m * sizeof *a);
  gsl_matrix_view Av = gsl_matrix_view_array(a, m, m), LUv = gsl_matrix_view_array(lu, m, m);
  gsl_vector_view bv = gsl_vector_view_array(rhs, m), xv = gsl_vector_view_array(sol, m),
                  wv = gsl_vector_view_array(work, m);
  gsl_permutation perm = {m, perm_data};
  int signum;
  gsl_linalg_LU_decomp(&LUv.matrix, &perm, &signum);
  double dmax = 0.0, dmin = INFINITY;
  for (size_t i = 0; i < m; i++) {
    double d = fabs(lu[i * m + i]);
    dmax = fmax(dmax, d);
    dmin = fmin(dmin, d);
  }
  /* pivots below 1e-13 of the largest: no digit of the solution is reliable */
  if (!(dmin > 1e-13 * dmax))
    return vt_error(VT_ESINGULAR, "smoothing: the continuity system is singular (pivot ratio %.3g)", dmin / dmax);
  gsl_linalg_LU_solve(&LUv.matrix, &perm, &bv.vector, &xv.vector);
  gsl_linalg_LU_refine(&Av.matrix, &LUv.matrix, &perm, &bv.vector, &xv.vector, &wv.vector);
  for (size_t j = 0; j < m; j++) {
    x[j] = sol[j] * scale[j];
    if (!isfinite(x[j])) return vt_error(VT_ESINGULAR, "smoothing: coefficient %zu is not finite", j + 1);
  }
  return 0;
}

double vt_smooth_dpow(double p, int k, double x)
{
  double f = 1.0;
  for (int i = 0; i < k; i++) f *= p - i;
  return f == 0.0 ? 0.0 : f * pow(x, p - k);
}

int vt_smooth_even_poly(int q, double xc, const double *gk, double *c)
{
  if (q < 0 || q > VT_SMOOTH_MAXQ) return vt_error(VT_EINVAL, "smoothing: order q = %d outside [0, %d]", q, VT_SMOOTH_MAXQ);
  size_t m = (size_t)q + 1;
  double A[(VT_SMOOTH_MAXQ + 1) * (VT_SMOOTH_MAXQ + 1)], b[VT_SMOOTH_MAXQ + 1];
  for (size_t k = 0; k < m; k++) {
    for (size_t l = 0; l < m; l++) A[k * m + l] = vt_smooth_dpow(2.0 * l, (int)k, xc);
    b[k] = -gk[k];
  }
  return vt_smooth_linsolve(m, A, b, c);
}

/* ---- type-pair tables ---- */

void vt_type_table_set(vt_type_table out, int T, const double *upper)
{
  for (int i = 0; i < VT_TYPE_TABLE_N; i++)
    for (int j = 0; j < VT_TYPE_TABLE_N; j++) out[i][j] = NAN;
  size_t k = 0;
  for (int i = 1; i <= T; i++)
    for (int j = i; j <= T; j++) out[i][j] = out[j][i] = upper[k++];
}

int vt_params_has(const vt_params *in, const char *key)
{
  for (size_t k = 0; in && k < in->n; k++)
    if (strcmp(in->p[k].key, key) == 0) return 1;
  return 0;
}

int vt_type_table_read(const vt_params *in, const char *model, const char *key, int positive,
                       vt_type_table out, int *ntypes)
{
  double v[VT_MAX_SPECIES * (VT_MAX_SPECIES + 1) / 2];
  size_t len = 0;
  int rc = vt_params_vector(in, model, key, 0, v, sizeof v / sizeof *v, &len);
  if (rc) return rc;
  if (!vt_params_has(in, key)) return 0;
  int isvec = 0;
  for (size_t k = 0; k < in->n; k++)
    if (strcmp(in->p[k].key, key) == 0) isvec = in->p[k].kind == VT_PARAM_VECTOR;
  for (size_t k = 0; k < len; k++)
    if (!(positive ? v[k] > 0 : v[k] >= 0) || !isfinite(v[k]))
      return vt_error(VT_EINVAL, "%s: '%s' entry %zu = %g must be %s", model, key, k + 1, v[k],
                      positive ? "positive" : "non-negative");
  if (!isvec) {
    for (int i = 0; i < VT_TYPE_TABLE_N; i++)
      for (int j = 0; j < VT_TYPE_TABLE_N; j++) out[i][j] = v[0];
    return 1;
  }
  int t = (int)floor((sqrt(8.0 * len + 1.0) - 1.0) / 2.0 + 0.5);
  if (t < 1 || (size_t)(t * (t + 1) / 2) != len || t > VT_MAX_SPECIES)
    return vt_error(VT_EINVAL, "%s: '%s' needs T(T+1)/2 numbers (the upper triangle of the type matrix, "
                    "row by row: 1, 3, 6, ... for 1, 2, 3, ... types, at most %d types), got %zu",
                    model, key, VT_MAX_SPECIES, len);
  if (*ntypes && t != *ntypes)
    return vt_error(VT_EINVAL, "%s: '%s' covers %d type%s but the other tables (or the preset) cover %d",
                    model, key, t, t == 1 ? "" : "s", *ntypes);
  *ntypes = t;
  vt_type_table_set(out, t, v);
  return 2;
}
