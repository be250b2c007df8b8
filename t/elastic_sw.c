/* The Hessian from general 3x3 blocks (src/elastic/hessian_general.c) with
 * Stillinger-Weber's analytic blocks (src/potential/sw.c, MODELS.md 6.2):
 *  - the dense Hessian = the central-difference Jacobian of minus the
 *    forces, to 1e-6 of its largest entry, on a jittered diamond lattice
 *    and on a dense (0.52) jittered configuration (shifted factorizations:
 *    these are not minima);
 *  - its pattern holds the pairs sharing a neighbour (more blocks than
 *    pairs) and it is symmetric;
 *  - at an inherent structure (FIRE, then Newton steps on this Hessian):
 *    K from the Hessian = -V dp/dV under quasistatic dilation with
 *    re-minimization, and the pure-shear response d2U/dt2 = the slope of
 *    the relaxed dU/dt, both to 1e-5; dU/dt = -sum E_ab W_ab;
 *  - the lowest modes (ARPACK) = the lowest eigenvalues of the dense matrix
 *    (GSL), dipoles positive;
 *  - the incomplete factor from the general blocks: with a tiny drop
 *    tolerance its solve inverts H to 2e-2 (its diagonal shift stays). */
#include "tap.h"
#include "elastic_util.h"
#include "vitrum.h"
#include <gsl/gsl_eigen.h>
#include <gsl/gsl_matrix.h>
#include <gsl/gsl_sort_vector.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* in libvitrum (src/elastic/hessian.c), not in the public headers */
void vt_remove_translation(size_t n, double *v, const double *w);

static vt_potential *sw(void)
{
  vt_param pr[] = {{.key = "lambda", .kind = VT_PARAM_NUMBER, .num = 18.75}};
  vt_params in = {1, pr};
  vt_potential *p = NULL;
  if (vt_potential_create("sw", &in, &p)) { diag("sw: %s", vt_errmsg()); exit(1); }
  return p;
}

static unsigned long rng = 12345;
static double rnd(void)
{
  rng = rng * 6364136223846793005ul + 1442695040888963407ul;
  return (double)(rng >> 11) / 9007199254740992.0;
}

static vt_system *diamond(int nc, vt_potential *p, double amp)
{
  const double a0 = 4.0 * pow(2.0, 1.0 / 6.0) / sqrt(3.0), L = nc * a0, box[3] = {L, L, L};
  const size_t n = (size_t)8 * nc * nc * nc;
  vt_system *s;
  vt_system_alloc(n, box, &s);
  static const double b[4][3] = {{0, 0, 0}, {0, .5, .5}, {.5, 0, .5}, {.5, .5, 0}};
  double *x = malloc(3 * n * sizeof *x);
  size_t m = 0;
  for (int i = 0; i < nc; i++)
    for (int j = 0; j < nc; j++)
      for (int k = 0; k < nc; k++)
        for (int c = 0; c < 4; c++)
          for (int o = 0; o < 2; o++, m++) {
            x[3 * m] = (i + b[c][0] + 0.25 * o) * a0 + amp * (2 * rnd() - 1);
            x[3 * m + 1] = (j + b[c][1] + 0.25 * o) * a0 + amp * (2 * rnd() - 1);
            x[3 * m + 2] = (k + b[c][2] + 0.25 * o) * a0 + amp * (2 * rnd() - 1);
          }
  vt_system_set_positions(s, x);
  free(x);
  vt_system_set_potential(s, p);
  return s;
}

static vt_system *dense(int m, vt_potential *p, double amp)
{
  const double h = pow(1.0 / 0.52, 1.0 / 3.0), L = m * h, box[3] = {L, L, L};
  const size_t n = (size_t)m * m * m;
  vt_system *s;
  vt_system_alloc(n, box, &s);
  double *x = malloc(3 * n * sizeof *x);
  for (size_t i = 0; i < n; i++) {
    x[3 * i] = (i % m) * h + amp * (2 * rnd() - 1);
    x[3 * i + 1] = (i / m % m) * h + amp * (2 * rnd() - 1);
    x[3 * i + 2] = (i / (m * m)) * h + amp * (2 * rnd() - 1);
  }
  vt_system_set_positions(s, x);
  free(x);
  vt_system_set_potential(s, p);
  return s;
}

/* Dense Hessian (shift removed) against the Jacobian of -F. */
static void check_jacobian(vt_system *s, const char *what)
{
  const size_t n = s->n, dim = 3 * n;
  vt_hessian_opts o = {0};
  o.shift = 5.0;   /* not a minimum: factorize H + mu I */
  vt_hessian *H;
  if (!ok(vt_hessian_create(s, &o, &H) == 0, "%s: hessian (shifted) %s", what, vt_errmsg())) return;
  double *A = malloc(dim * dim * sizeof *A), *J = malloc(dim * dim * sizeof *J);
  vt_hessian_dense(H, 0, A);
  /* trace = tr(H) (1 + shift) with mu = shift |tr H| / dim */
  double tr = 0;
  for (size_t p = 0; p < dim; p++) tr += A[p * dim + p];
  const double mu = o.shift * fabs(tr / (1 + o.shift)) / (double)dim;
  for (size_t p = 0; p < dim; p++) A[p * dim + p] -= mu;
  double *x = malloc(dim * sizeof *x), *fp = malloc(dim * sizeof *fp);
  memcpy(x, s->x, dim * sizeof *x);
  const double h = 1e-5;
  for (size_t q = 0; q < dim; q++) {
    const double x0 = x[q];
    x[q] = x0 + h; vt_system_set_positions(s, x); eu_fmax(s); memcpy(fp, s->f, dim * sizeof *fp);
    x[q] = x0 - h; vt_system_set_positions(s, x); eu_fmax(s);
    x[q] = x0;
    for (size_t p = 0; p < dim; p++) J[p * dim + q] = -(fp[p] - s->f[p]) / (2 * h);
  }
  vt_system_set_positions(s, x);
  double amax = 0, err = 0, asym = 0;
  for (size_t k = 0; k < dim * dim; k++) amax = fmax(amax, fabs(A[k]));
  for (size_t p = 0; p < dim; p++)
    for (size_t q = 0; q < dim; q++) {
      err = fmax(err, fabs(A[p * dim + q] - J[p * dim + q]));
      asym = fmax(asym, fabs(A[p * dim + q] - A[q * dim + p]));
    }
  ok(err < 1e-6 * amax, "%s: Hessian = numerical Jacobian of -F (largest difference %.2g of %.3g)", what, err, amax);
  ok(asym <= 1e-13 * amax, "%s: symmetric (%.2g)", what, asym);
  ok(vt_hessian_nnz(H) > 6 * n + 9 * vt_hessian_npairs(H),
     "%s: the pattern has the pairs sharing a neighbour (%zu stored entries, %zu interacting pairs)", what,
     vt_hessian_nnz(H), vt_hessian_npairs(H));
  /* H x from the blocks = the dense product */
  double *y = malloc(dim * sizeof *y), dmax = 0;
  for (size_t q = 0; q < dim; q++) x[q] = rnd() - 0.5;
  vt_hessian_apply(H, 0, x, y);
  for (size_t p = 0; p < dim; p++) {
    double v = mu * x[p];
    for (size_t q = 0; q < dim; q++) v += A[p * dim + q] * x[q];
    dmax = fmax(dmax, fabs(v - y[p]));
  }
  ok(dmax < 1e-12 * amax * dim, "%s: H x from the blocks = the dense product (%.2g)", what, dmax);
  free(y);
  free(A); free(J); free(x); free(fp);
  vt_hessian_free(H);
}

/* A copy of s strained by x -> (I + t E) x (E diagonal here: the box follows). */
static vt_system *strained(const vt_system *s, const double E[9], double t)
{
  vt_system *c;
  vt_system_copy(s, &c);
  double *x = malloc(3 * s->n * sizeof *x);
  for (size_t i = 0; i < s->n; i++)
    for (int a = 0; a < 3; a++) x[3 * i + a] = s->x[3 * i + a] * (1 + t * E[4 * a]);
  for (int a = 0; a < 3; a++) c->box[a] = s->box[a] * (1 + t * E[4 * a]);
  vt_system_set_positions(c, x);
  free(x);
  vt_system_invalidate(c);
  return c;
}

int main(void)
{
  vt_potential *p = sw();
  vt_system *s = diamond(2, p, 0.1);
  check_jacobian(s, "jittered diamond");
  vt_system_free(s);
  s = dense(4, p, 0.25);
  check_jacobian(s, "dense random");
  vt_system_free(s);

  /* an inherent structure of 216 particles at density 0.52 */
  s = dense(6, p, 0.5);
  const double fm = eu_minimize(s, 1e-5, 1e-12);
  if (!ok(fm >= 0 && fm < 1e-11, "inherent structure by FIRE + Newton steps on the SW Hessian (fmax %.2g)", fm))
    return done_testing();
  vt_hessian *H;
  if (!ok(vt_hessian_create(s, NULL, &H) == 0, "the Hessian of the minimum factorizes unshifted: %s", vt_errmsg()))
    return done_testing();
  vt_moduli m;
  int rc = vt_hessian_moduli(H, &m);
  ok(rc == 0, "moduli of a many-body model: %s", rc ? vt_errmsg() : "ok");
  diag("G = %.8g (Born %.8g, non-affine %.8g), K = %.8g (Born %.8g, non-affine %.8g), p = %.8g", m.G, m.G_born, m.G_na,
       m.K, m.K_born, m.K_na, m.p);
  ok(isnan(m.p_plus) && isnan(m.p_minus), "p_plus, p_minus are NaN (a split of pair terms)");
  ok(m.G_na > 0 && m.K_na > 0 && m.G < m.G_born && m.K < m.K_born, "non-affine parts soften both moduli");
  const double V0 = vt_system_volume(s);
  {
    const double Eiso[9] = {1, 0, 0, 0, 1, 0, 0, 0, 1}, t = 1e-5;
    double pv[2], Vv[2];
    for (int q = 0; q < 2; q++) {
      vt_system *c = strained(s, Eiso, q ? -t : t);
      const double f2 = eu_newton(c, 1e-13, 20);
      ok(f2 >= 0 && f2 < 1e-12, "dilated copy re-minimized (fmax %.2g)", f2);
      vt_system_compute(c, VT_ENERGY | VT_VIRIAL);
      Vv[q] = vt_system_volume(c);
      pv[q] = (c->virial[0] + c->virial[1] + c->virial[2]) / (3 * Vv[q]);
      vt_system_free(c);
    }
    const double Kfd = -V0 * (pv[0] - pv[1]) / (Vv[0] - Vv[1]);
    is_rel(m.K, Kfd, 1e-5, 0, "K from the Hessian = -V dp/dV by quasistatic dilation (%.8g)", Kfd);
  }
  {
    const double Eps[9] = {1, 0, 0, 0, -1, 0, 0, 0, 0}, t = 1e-5;
    vt_strain_response rs;
    vt_hessian_strain(H, Eps, &rs);
    vt_system_compute(s, VT_ENERGY | VT_VIRIAL);
    is_rel(rs.dU, -(s->virial[0] - s->virial[1]), 1e-12, 1e-12, "dU/dt = -sum E_ab W_ab");
    double Sv[2];
    for (int q = 0; q < 2; q++) {
      const double tt = q ? -t : t;
      vt_system *c = strained(s, Eps, tt);
      const double f2 = eu_newton(c, 1e-13, 20);
      ok(f2 >= 0 && f2 < 1e-12, "pure-sheared copy re-minimized (fmax %.2g)", f2);
      vt_system_compute(c, VT_ENERGY | VT_VIRIAL);
      Sv[q] = -(c->virial[0] / (1 + tt) - c->virial[1] / (1 - tt));   /* dU/dt at tt */
      vt_system_free(c);
    }
    const double d2 = (Sv[0] - Sv[1]) / (2 * t);
    is_rel(rs.d2U, d2, 1e-5, 0, "pure shear: relaxed d2U/dt2 = %.8g (Born %.8g) = quasistatic slope %.8g", rs.d2U, rs.born, d2);
  }
  /* modes against the dense eigenvalues */
  {
    const size_t dim = 3 * s->n;
    double *A = malloc(dim * dim * sizeof *A);
    vt_hessian_dense(H, 0, A);
    gsl_matrix_view M = gsl_matrix_view_array(A, dim, dim);
    gsl_vector *ev = gsl_vector_alloc(dim);
    gsl_eigen_symm_workspace *w = gsl_eigen_symm_alloc(dim);
    gsl_eigen_symm(&M.matrix, ev, w);
    gsl_sort_vector(ev);
    vt_modes_opts mo = {0};
    mo.count = 5;
    double lam[5], om[5], pr[5];
    rc = vt_hessian_modes(H, &mo, lam, om, pr, NULL);
    double worst = 0;
    for (int k = 0; k < 5; k++) worst = fmax(worst, fabs(lam[k] - gsl_vector_get(ev, 3 + k)) / gsl_vector_get(ev, 3 + k));
    ok(rc == 0 && worst < 1e-8, "lowest 5 modes = dense eigenvalues 4..8 (relative %.2g; lambda_1 = %.6g)", worst, lam[0]);
    gsl_eigen_symm_free(w);
    gsl_vector_free(ev);
    free(A);
  }
  {
    int pi[4], pj[4];
    double ka[4], og[4];
    vt_hessian_random_pairs(H, 4, 1, pi, pj);
    rc = vt_hessian_dipoles(H, 4, pi, pj, ka, og);
    ok(rc == 0 && ka[0] > 0 && ka[1] > 0 && ka[2] > 0 && ka[3] > 0, "dipoles: kappa > 0 (%.4g %.4g %.4g %.4g)", ka[0], ka[1],
       ka[2], ka[3]);
  }
  /* the incomplete factor from general blocks */
  {
    const size_t dim = 3 * s->n;
    vt_hessian_opts o = {0};
    o.incomplete = 1e-10;
    vt_hessian *I;
    rc = vt_hessian_create(s, &o, &I);
    if (ok(rc == 0, "incomplete factor of the general blocks: %s", rc ? vt_errmsg() : "ok")) {
      double *x = malloc(dim * sizeof *x), *y = malloc(dim * sizeof *y);
      for (size_t q = 0; q < dim; q++) x[q] = rnd() - 0.5;
      vt_remove_translation(s->n, x, NULL);
      vt_hessian_apply(H, 0, x, y);
      vt_hessian_solve(I, 1, y, y);
      double e = 0, xm = 0;
      for (size_t q = 0; q < dim; q++) { e = fmax(e, fabs(y[q] - x[q])); xm = fmax(xm, fabs(x[q])); }
      /* (all 3n degrees of freedom are factorized, so a small diagonal
       * shift remains: the solve is close to, not equal to, H^+) */
      ok(e < 2e-2 * xm, "with drop tolerance 1e-10 its solve inverts H to 2e-2 (largest error %.2g of %.2g)", e, xm);
      free(x); free(y);
      vt_hessian_free(I);
    }
  }
  vt_hessian_free(H);
  vt_system_free(s);
  vt_potential_unref(p);
  return done_testing();
}
