/* Force-dipole responses: the dipole stiffness kappa_ij of [MESO] and the
 * dipole-response frequency omega_g of [PSS] (doc/protocols.md sections 2, 3;
 * introduced by Lerner, Bouchbinder and coworkers, e.g. Rainone, Bouchbinder,
 * Lerner, J. Chem. Phys. 152, 194503 (2020)).
 *
 * For a pair (i,j) with unit vector e along x_i - x_j, the unit dipole is
 * d = (1/sqrt 2)(e on i, -e on j), its response z = H^+ d and
 *   kappa_ij = (d.z)/(z.z) = (d.H^-1.d)/(d.H^-2.d).
 * The frequency uses the mass-weighted Hessian Hm = M^-1/2 H M^-1/2 and the
 * mass-weighted dipole d~ = M^-1/2 d (a force in mass-weighted coordinates):
 *   omega_g^2 = (d~.Hm^+.d~)/(d~.Hm^+2.d~) = (d.z)/(z_c.M.z_c),
 * with z_c the response with its centre-of-mass displacement removed; for
 * equal masses m, omega_g^2 = kappa/m.
 *
 * Solves: with the factor P A_r P^T = L L^T of hessian.c, y = L^-1 P d is
 * computed by a sparse forward substitution (d has six non-zeros, so only
 * the elimination-tree paths above them are visited) and gives d.z = |y|^2;
 * the backward solve z = P^T L^-T y is dense and done by CHOLMOD for blocks
 * of DIPOLE_BLOCK columns at once (BLAS-3). This halves the cost of a full
 * solve. Blocks are spread over OpenMP threads with a static schedule; each
 * thread has its own CHOLMOD workspace and shares the read-only factor. A
 * column's result does not depend on its block-mates or on the thread
 * count. */
#include "elastic/hessian_impl.h"
#include "core/error.h"
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef _OPENMP
#include <omp.h>
#endif

#define DIPOLE_BLOCK 64

static void unit_sep(const vt_hessian *H, size_t i, size_t j, double e[3])
{
  for (int a = 0; a < 3; a++) e[a] = H->x[3 * i + a] - H->x[3 * j + a];
  for (int a = 0; a < 3; a++) e[a] -= H->box[a] * nearbyint(e[a] / H->box[a]);
  double r = sqrt(e[0] * e[0] + e[1] * e[1] + e[2] * e[2]);
  for (int a = 0; a < 3; a++) e[a] /= r;
}

/* Forward substitution L y = y in place (permuted order, length nr) for a
 * right-hand side with a few non-zeros, the first at column kstart: a
 * supernode whose columns are all zero when it is reached contributes
 * nothing and is skipped, so only the elimination-tree paths from the
 * dipole's columns to the root are visited (a small part of the factor). */
static void sparse_forward(const cholmod_factor *L, const size_t *col_super, size_t kstart, double *y)
{
  const SuiteSparse_long *super = L->super, *Lpi = L->pi, *Lpx = L->px, *Ls = L->s;
  const double *Lx = L->x;
  for (size_t sn = col_super[kstart]; sn < L->nsuper; sn++) {
    const size_t k1 = (size_t)super[sn], nscol = (size_t)(super[sn + 1] - super[sn]);
    const size_t nsrow = (size_t)(Lpi[sn + 1] - Lpi[sn]);
    size_t k = 0;
    while (k < nscol && y[k1 + k] == 0) k++;
    if (k == nscol) continue;
    const double *X = Lx + Lpx[sn];
    const SuiteSparse_long *rows = Ls + Lpi[sn];
    for (size_t jj = k; jj < nscol; jj++) {
      const double *col = X + jj * nsrow;
      double yj = (y[k1 + jj] /= col[jj]);
      if (yj == 0) continue;
      for (size_t ii = jj + 1; ii < nscol; ii++) y[k1 + ii] -= col[ii] * yj;
      for (size_t ii = nscol; ii < nsrow; ii++) y[rows[ii]] -= col[ii] * yj;
    }
  }
}

int vt_hessian_dipoles(vt_hessian *H, size_t npairs, const int *pi, const int *pj, double *kappa, double *omega_g)
{
  { int nc = vt_hessian_need_complete(H, "dipole responses"); if (nc) return nc; }
  const size_t n = H->n, dim = H->dim;
  for (size_t k = 0; k < npairs; k++) {
    if (pi[k] < 0 || pj[k] < 0 || (size_t)pi[k] >= n || (size_t)pj[k] >= n)
      return vt_error(VT_EINVAL, "hessian dipoles: pair %zu (%d, %d) has an index outside 1..%zu", k + 1, pi[k] + 1,
                      pj[k] + 1, n);
    if (pi[k] == pj[k]) return vt_error(VT_EINVAL, "hessian dipoles: pair %zu joins particle %d to itself", k + 1, pi[k] + 1);
    double e[3];
    unit_sep(H, (size_t)pi[k], (size_t)pj[k], e);
    if (!isfinite(e[0] + e[1] + e[2]))
      return vt_error(VT_EINVAL, "hessian dipoles: particles %d and %d sit at the same place", pi[k] + 1, pj[k] + 1);
  }
  /* A_r = P^T L L^T P: with y = L^-1 P d (sparse forward), d.z = |y|^2 and
   * z = P^T L^-T y (dense backward, one multi-column CHOLMOD solve per block) */
  const cholmod_factor *Lf = H->L;
  const size_t nr = H->nr;
  const SuiteSparse_long *Perm = Lf->Perm;
  size_t *pinv = malloc(nr * sizeof *pinv), *col_super = malloc(nr * sizeof *col_super);
  if (!pinv || !col_super) { free(pinv); free(col_super); return vt_error(VT_ENOMEM, "hessian dipoles: out of memory"); }
  for (size_t k = 0; k < nr; k++) pinv[Perm ? (size_t)Perm[k] : k] = k;
  for (size_t sn = 0; sn < Lf->nsuper; sn++)
    for (SuiteSparse_long k = ((SuiteSparse_long *)Lf->super)[sn]; k < ((SuiteSparse_long *)Lf->super)[sn + 1]; k++)
      col_super[k] = sn;
  const size_t nblk = (npairs + DIPOLE_BLOCK - 1) / DIPOLE_BLOCK;
  int err = 0;
  char msg[512] = "";
  #pragma omp parallel
  {
    vt_hsolver w;
    double *z = malloc(dim * DIPOLE_BLOCK * sizeof(double)), *y = malloc(nr * DIPOLE_BLOCK * sizeof(double));
    int rc = z && y ? vt_hsolver_init(H, &w) : vt_error(VT_ENOMEM, "hessian dipoles: out of memory");
    int live = rc == 0;
    #pragma omp for schedule(static)
    for (size_t blk = 0; blk < nblk; blk++) {
      int stop;
      #pragma omp atomic read
      stop = err;
      if (rc == 0 && !stop && vt_interrupted()) rc = vt_error(VT_EINTR, "hessian dipoles: interrupted");
      if (rc || stop) continue;
      size_t k0 = blk * DIPOLE_BLOCK, nc = npairs - k0 < DIPOLE_BLOCK ? npairs - k0 : DIPOLE_BLOCK;
      double dz[DIPOLE_BLOCK];
      memset(y, 0, nr * nc * sizeof(double));
      for (size_t c = 0; c < nc; c++) {
        size_t i = (size_t)pi[k0 + c], j = (size_t)pj[k0 + c], kstart = nr;
        double e[3], *yc = y + nr * c;
        unit_sep(H, i, j, e);
        for (int a = 0; a < 3; a++) {       /* the fixed particle's rows are dropped */
          if (3 * i + a < nr) { size_t k = pinv[3 * i + a]; yc[k] = M_SQRT1_2 * e[a]; if (k < kstart) kstart = k; }
          if (3 * j + a < nr) { size_t k = pinv[3 * j + a]; yc[k] = -M_SQRT1_2 * e[a]; if (k < kstart) kstart = k; }
        }
        sparse_forward(Lf, col_super, kstart, yc);
        double s2 = 0;
        for (size_t k = 0; k < nr; k++) s2 += yc[k] * yc[k];
        dz[c] = s2;
      }
      cholmod_dense B = {.nrow = nr, .ncol = nc, .nzmax = nr * nc, .d = nr, .x = y, .z = NULL,
                         .xtype = CHOLMOD_REAL, .dtype = CHOLMOD_DOUBLE};
      if (!cholmod_l_solve2(CHOLMOD_Lt, H->L, &B, NULL, &w.X, NULL, &w.Y, &w.E, &w.cc) || !w.X) {
        rc = vt_error(w.cc.status == CHOLMOD_OUT_OF_MEMORY ? VT_ENOMEM : VT_EINVAL,
                      "hessian dipoles: CHOLMOD solve failed (status %d)", w.cc.status);
        continue;
      }
      const double *X = w.X->x;
      const size_t ld = w.X->d;
      for (size_t c = 0; c < nc; c++) {
        double *zc = z + dim * c;
        for (size_t k = 0; k < nr; k++) zc[Perm ? (size_t)Perm[k] : k] = X[ld * c + k];
        zc[nr] = zc[nr + 1] = zc[nr + 2] = 0.0;
        vt_remove_translation(n, zc, NULL);
        double zz = 0, mz2 = 0, cm[3] = {0, 0, 0};
        for (size_t q = 0; q < dim; q++) zz += zc[q] * zc[q];
        for (size_t p = 0; p < n; p++) {
          double m = H->mass[p];
          for (int a = 0; a < 3; a++) { cm[a] += m * zc[3 * p + a]; mz2 += m * zc[3 * p + a] * zc[3 * p + a]; }
        }
        mz2 -= (cm[0] * cm[0] + cm[1] * cm[1] + cm[2] * cm[2]) / H->msum;
        if (kappa) kappa[k0 + c] = dz[c] / zz;
        if (omega_g) omega_g[k0 + c] = sqrt(dz[c] / mz2);
      }
    }
    if (rc) {
      #pragma omp critical(vt_hessian_dipoles_err)
      if (!err) {
        snprintf(msg, sizeof msg, "%s", vt_errmsg());
        #pragma omp atomic write
        err = rc;
      }
    }
    if (live) vt_hsolver_free(&w);
    free(z); free(y);
  }
  free(pinv); free(col_super);
  if (err) return vt_error(err, "%s", msg);
  return 0;
}

int vt_hessian_random_pairs(const vt_hessian *H, size_t count, unsigned long seed, int *i, int *j)
{
  const size_t np = H->npairs;
  if (count > np)
    return vt_error(VT_EINVAL, "hessian dipoles: %zu random pairs asked for, but only %zu pairs interact "
                    "(use pairs=\"all\")", count, np);
  if (count == 0) return 0;
  size_t *src = malloc(np * sizeof *src), *dst = malloc(count * sizeof *dst);
  gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
  if (!src || !dst || !r) {
    free(src); free(dst);
    if (r) gsl_rng_free(r);
    return vt_error(VT_ENOMEM, "hessian dipoles: out of memory");
  }
  gsl_rng_set(r, seed);
  for (size_t k = 0; k < np; k++) src[k] = k;
  gsl_ran_choose(r, dst, count, src, np, sizeof *src);
  for (size_t k = 0; k < count; k++) { i[k] = H->pi[dst[k]]; j[k] = H->pj[dst[k]]; }
  gsl_rng_free(r);
  free(src); free(dst);
  return 0;
}

int vt_hessian_all_dipoles(vt_hessian *H, const double **kappa, const double **omega_g)
{
  { int nc = vt_hessian_need_complete(H, "dipole responses"); if (nc) return nc; }
  if (!H->kappa_all) {
    size_t np = H->npairs, m = np ? np : 1;
    double *ka = malloc(m * sizeof(double)), *om = malloc(m * sizeof(double));
    if (!ka || !om) { free(ka); free(om); return vt_error(VT_ENOMEM, "hessian dipoles: out of memory"); }
    int rc = vt_hessian_dipoles(H, np, H->pi, H->pj, ka, om);
    if (rc) { free(ka); free(om); return rc; }
    H->kappa_all = ka;
    H->omega_all = om;
  }
  if (kappa) *kappa = H->kappa_all;
  if (omega_g) *omega_g = H->omega_all;
  return 0;
}

int vt_hessian_local_kappa(vt_hessian *H, double *out)
{
  const double *ka;
  int rc = vt_hessian_all_dipoles(H, &ka, NULL);
  if (rc) return rc;
  size_t *cnt = calloc(H->n, sizeof *cnt);
  if (!cnt) return vt_error(VT_ENOMEM, "hessian local_kappa: out of memory");
  memset(out, 0, H->n * sizeof(double));
  for (size_t k = 0; k < H->npairs; k++) {
    out[H->pi[k]] += ka[k]; cnt[H->pi[k]]++;
    out[H->pj[k]] += ka[k]; cnt[H->pj[k]]++;
  }
  for (size_t i = 0; i < H->n; i++) out[i] = cnt[i] ? out[i] / (double)cnt[i] : NAN;
  free(cnt);
  return 0;
}
