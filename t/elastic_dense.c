/* Sparse Cholesky / Lanczos results against a dense GSL computation on a
 * small minimized glass (N = 100, 50:50 diameters 1.0 and 1.2, masses
 * sigma^3 so that mass weighting matters): kappa_ij and omega_g from the
 * dense pseudo-inverse (eigendecomposition without the three translations),
 * local kappa, the lowest modes (plain and mass-weighted), participation
 * ratios and eigenvectors. Tolerance 1e-8 relative. */
#include "elastic_util.h"
#include <gsl/gsl_eigen.h>
#include <gsl/gsl_matrix.h>
#include <gsl/gsl_vector.h>

typedef struct {
  size_t dim;
  double *lam;      /* ascending */
  double *vec;      /* column k: eigenvector k (dim x dim, row-major: vec[r*dim + k]) */
} eig_t;

static void dense_eig(const double *A, size_t dim, eig_t *e)
{
  gsl_matrix *m = gsl_matrix_alloc(dim, dim), *v = gsl_matrix_alloc(dim, dim);
  gsl_vector *l = gsl_vector_alloc(dim);
  memcpy(m->data, A, dim * dim * sizeof(double));
  gsl_eigen_symmv_workspace *w = gsl_eigen_symmv_alloc(dim);
  gsl_eigen_symmv(m, l, v, w);
  gsl_eigen_symmv_sort(l, v, GSL_EIGEN_SORT_VAL_ASC);
  e->dim = dim;
  e->lam = malloc(dim * sizeof(double));
  e->vec = malloc(dim * dim * sizeof(double));
  memcpy(e->lam, l->data, dim * sizeof(double));
  memcpy(e->vec, v->data, dim * dim * sizeof(double));
  gsl_eigen_symmv_free(w);
  gsl_matrix_free(m); gsl_matrix_free(v); gsl_vector_free(l);
}

/* y = A^+p x with the three lowest (translation) modes left out */
static void pinv_pow(const eig_t *e, int power, const double *x, double *y)
{
  const size_t dim = e->dim;
  memset(y, 0, dim * sizeof(double));
  for (size_t k = 3; k < dim; k++) {
    double c = 0;
    for (size_t r = 0; r < dim; r++) c += e->vec[r * dim + k] * x[r];
    c /= power == 1 ? e->lam[k] : e->lam[k] * e->lam[k];
    for (size_t r = 0; r < dim; r++) y[r] += c * e->vec[r * dim + k];
  }
}

static double dot(const double *a, const double *b, size_t n)
{
  double s = 0;
  for (size_t k = 0; k < n; k++) s += a[k] * b[k];
  return s;
}

int main(void)
{
  vt_potential *p = eu_lj_smooth(1.5, 1.8);
  vt_system *s = eu_glass(100, 0.75, 1, p, 7);
  vt_potential_unref(p);
  if (!ok(s != NULL, "minimized a 100-particle glass to fmax < 1e-11")) return done_testing();
  const size_t n = s->n, dim = 3 * n;
  vt_hessian *H;
  int rc = vt_hessian_create(s, NULL, &H);
  if (!ok(rc == 0, "hessian: %s", rc ? vt_errmsg() : "ok")) return done_testing();

  double *D = malloc(dim * dim * sizeof *D), *Dm = malloc(dim * dim * sizeof *Dm);
  vt_hessian_dense(H, 0, D);
  vt_hessian_dense(H, 1, Dm);
  eig_t e, em;
  dense_eig(D, dim, &e);
  dense_eig(Dm, dim, &em);
  double lmax = e.lam[dim - 1];
  ok(fabs(e.lam[0]) < 1e-10 * lmax && fabs(e.lam[2]) < 1e-10 * lmax && e.lam[3] > 1e-6 * lmax,
     "dense spectrum: three zero modes (|lambda| < %.2g), then lambda_4 = %.6g", 1e-10 * lmax, e.lam[3]);

  /* dipoles: random interacting pairs plus a non-interacting pair */
  const size_t np = 40;
  int pi[41], pj[41];
  rc = vt_hessian_random_pairs(H, np - 1, 5, pi, pj);
  ok(rc == 0, "random pairs");
  int pi2[41], pj2[41];
  vt_hessian_random_pairs(H, np - 1, 5, pi2, pj2);
  ok(memcmp(pi, pi2, sizeof(int) * (np - 1)) == 0 && memcmp(pj, pj2, sizeof(int) * (np - 1)) == 0,
     "the same seed draws the same pairs");
  int distinct = 1;
  for (size_t a = 0; a + 1 < np - 1; a++)
    for (size_t b = a + 1; b < np - 1; b++) if (pi[a] == pi[b] && pj[a] == pj[b]) distinct = 0;
  ok(distinct, "random pairs are distinct");
  pi[np - 1] = 0; pj[np - 1] = 0;
  for (int j = 1; j < (int)n; j++) {     /* the farthest partner of particle 0 */
    double d[3], bd[3] = {0, 0, 0};
    for (int a = 0; a < 3; a++) d[a] = s->x[a] - s->x[3 * j + a];
    vt_minimum_image(s->box, d);
    if (pj[np - 1] == 0) { pj[np - 1] = j; continue; }
    for (int a = 0; a < 3; a++) bd[a] = s->x[a] - s->x[3 * pj[np - 1] + a];
    vt_minimum_image(s->box, bd);
    if (dot(d, d, 3) > dot(bd, bd, 3)) pj[np - 1] = j;
  }
  double kap[41], om[41];
  rc = vt_hessian_dipoles(H, np, pi, pj, kap, om);
  ok(rc == 0, "dipoles: %s", rc ? vt_errmsg() : "ok");
  double *d = calloc(dim, sizeof *d), *z = malloc(dim * sizeof *z), *z2 = malloc(dim * sizeof *z2);
  double kerr = 0, oerr = 0;
  for (size_t k = 0; k < np; k++) {
    size_t i = (size_t)pi[k], j = (size_t)pj[k];
    double r[3];
    for (int a = 0; a < 3; a++) r[a] = s->x[3 * i + a] - s->x[3 * j + a];
    vt_minimum_image(s->box, r);
    double rn = sqrt(dot(r, r, 3));
    memset(d, 0, dim * sizeof *d);
    for (int a = 0; a < 3; a++) { d[3 * i + a] = r[a] / rn / sqrt(2.0); d[3 * j + a] = -r[a] / rn / sqrt(2.0); }
    pinv_pow(&e, 1, d, z);
    double kref = dot(d, z, dim) / dot(z, z, dim);
    /* omega_g^2 = (d~.Hm^+.d~)/(d~.Hm^+2.d~) with d~ = M^-1/2 d */
    for (size_t q = 0; q < dim; q++) d[q] /= sqrt(s->mass[q / 3]);
    pinv_pow(&em, 1, d, z);
    pinv_pow(&em, 2, d, z2);
    double oref = sqrt(dot(d, z, dim) / dot(d, z2, dim));
    kerr = fmax(kerr, fabs(kap[k] - kref) / kref);
    oerr = fmax(oerr, fabs(om[k] - oref) / oref);
  }
  ok(kerr < 1e-8, "kappa_ij = (d.H^+.d)/(d.H^+2.d) of %zu pairs agrees with the dense pseudo-inverse: max rel %.3g", np, kerr);
  ok(oerr < 1e-8, "omega_g from the mass-weighted dense Hessian: max rel %.3g", oerr);
  ok(kap[np - 1] > 0 && kap[np - 1] < kap[0] * 100, "a non-interacting pair has a finite positive kappa (%.4g)", kap[np - 1]);

  /* local kappa against dense kappa of every interacting pair */
  size_t npairs = vt_hessian_npairs(H);
  double *lk = malloc(n * sizeof *lk), *lref = calloc(n, sizeof *lref);
  int *cnt = calloc(n, sizeof *cnt);
  rc = vt_hessian_local_kappa(H, lk);
  ok(rc == 0, "local_kappa");
  for (size_t k = 0; k < npairs; k++) {
    int i, j;
    vt_hessian_pair(H, k, &i, &j);
    double r[3];
    for (int a = 0; a < 3; a++) r[a] = s->x[3 * i + a] - s->x[3 * j + a];
    vt_minimum_image(s->box, r);
    double rn = sqrt(dot(r, r, 3));
    memset(d, 0, dim * sizeof *d);
    for (int a = 0; a < 3; a++) { d[3 * i + a] = r[a] / rn / sqrt(2.0); d[3 * j + a] = -r[a] / rn / sqrt(2.0); }
    pinv_pow(&e, 1, d, z);
    double kr = dot(d, z, dim) / dot(z, z, dim);
    lref[i] += kr; cnt[i]++;
    lref[j] += kr; cnt[j]++;
  }
  double lerr = 0;
  for (size_t i = 0; i < n; i++) lerr = fmax(lerr, fabs(lk[i] - lref[i] / cnt[i]) / (lref[i] / cnt[i]));
  ok(lerr < 1e-8, "local kappa (mean over %zu pairs) agrees with the dense computation: max rel %.3g", npairs, lerr);

  /* modes */
  for (int mw = 0; mw <= 1; mw++) {
    const eig_t *E = mw ? &em : &e;
    const size_t cnt_m = 12;
    vt_modes_opts mo = {.count = cnt_m, .mass_weighted = mw, .seed = 3};
    double lam[12], omg[12], pr[12], *vec = malloc(cnt_m * dim * sizeof *vec);
    rc = vt_hessian_modes(H, &mo, lam, omg, pr, vec);
    if (!ok(rc == 0, "modes (mass_weighted=%d): %s", mw, rc ? vt_errmsg() : "ok")) { free(vec); continue; }
    double lerr2 = 0, perr = 0, verr = 0, oe = 0;
    int checked = 0;
    for (size_t k = 0; k < cnt_m; k++) {
      double lr = E->lam[k + 3];
      lerr2 = fmax(lerr2, fabs(lam[k] - lr) / lr);
      oe = fmax(oe, fabs(omg[k] - sqrt(lr)) / sqrt(lr));
      /* eigenvectors are defined only for isolated eigenvalues */
      double gap = fmin(lr - E->lam[k + 2], E->lam[k + 4] - lr) / lr;
      if (k == 0) gap = (E->lam[k + 4] - lr) / lr;
      if (gap < 1e-3) continue;
      checked++;
      double ov = 0, s4 = 0;
      for (size_t r = 0; r < dim; r++) ov += vec[k * dim + r] * E->vec[r * dim + k + 3];
      for (size_t i = 0; i < n; i++) {
        double a = 0;
        for (int c = 0; c < 3; c++) a += E->vec[(3 * i + c) * dim + k + 3] * E->vec[(3 * i + c) * dim + k + 3];
        s4 += a * a;
      }
      verr = fmax(verr, 1 - fabs(ov));
      perr = fmax(perr, fabs(pr[k] - 1 / (n * s4)) * n * s4);
    }
    int asc = 1;
    for (size_t k = 1; k < cnt_m; k++) if (lam[k] < lam[k - 1]) asc = 0;
    ok(asc, "modes come in ascending order");
    ok(lerr2 < 1e-8, "lowest %zu eigenvalues (mass_weighted=%d) agree with GSL: max rel %.3g", cnt_m, mw, lerr2);
    ok(oe < 1e-8, "omega = sqrt(lambda)");
    ok(checked > 0 && verr < 1e-8, "eigenvectors of %d isolated modes agree: max 1 - |overlap| %.3g", checked, verr);
    ok(checked > 0 && perr < 1e-7, "participation ratios agree: max rel %.3g", perr);
    free(vec);
  }
  vt_modes_opts bad = {.count = dim - 3};
  ok(vt_hessian_modes(H, &bad, NULL, NULL, NULL, NULL) == VT_EINVAL, "too many modes: %s", vt_errmsg());

  /* errors of dipoles */
  int bi[1] = {3}, bj[1] = {3};
  ok(vt_hessian_dipoles(H, 1, bi, bj, kap, om) == VT_EINVAL, "dipole of a particle with itself: %s", vt_errmsg());
  bj[0] = (int)n;
  ok(vt_hessian_dipoles(H, 1, bi, bj, kap, om) == VT_EINVAL, "dipole index out of range: %s", vt_errmsg());
  ok(vt_hessian_random_pairs(H, npairs + 1, 1, pi, pj) == VT_EINVAL, "more random pairs than interacting pairs: %s",
     vt_errmsg());

  free(d); free(z); free(z2); free(lk); free(lref); free(cnt);
  free(D); free(Dm); free(e.lam); free(e.vec); free(em.lam); free(em.vec);
  vt_hessian_free(H);
  vt_system_free(s);
  return done_testing();
}
