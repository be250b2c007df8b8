/* The lowest vibrational modes of the Hessian by implicitly restarted
 * Lanczos (ARPACK dsaupd/dseupd; Lehoucq, Sorensen, Yang, "ARPACK Users'
 * Guide", SIAM 1998) in shift-invert form about sigma = 0: the operator is
 * the pseudo-inverse, applied through the Cholesky factor of hessian.c, whose
 * largest eigenvalues 1/lambda are the lowest non-zero modes; the three
 * translations are its null space and never come out.
 *
 * Mass-weighted modes (Hm = M^-1/2 H M^-1/2, eigenvalues omega^2) use the same
 * factor: for y orthogonal to the mass-weighted translations (sqrt(m_i) e_a),
 * Hm^+ y = P M^1/2 H^+ M^1/2 y with P the projection off those translations.
 *
 * Participation ratio of a unit eigenvector psi (Bell and Dean, Discuss.
 * Faraday Soc. 50, 55 (1970); [PSS]): e = 1 / (N sum_i |psi_i|^4). */
#include "elastic/hessian_impl.h"
#include "core/error.h"
#include <arpack.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* y orthogonal to the vectors (s_i e_a), a = x, y, z (s = NULL: s_i = 1). */
static void project_null(size_t n, double *v, const double *sq, double msum)
{
  double c[3] = {0, 0, 0};
  for (size_t i = 0; i < n; i++)
    for (int a = 0; a < 3; a++) c[a] += (sq ? sq[i] : 1.0) * v[3 * i + a];
  double norm = sq ? msum : (double)n;
  for (size_t i = 0; i < n; i++)
    for (int a = 0; a < 3; a++) v[3 * i + a] -= (sq ? sq[i] : 1.0) * c[a] / norm;
}

typedef struct {
  vt_hessian *H;
  vt_hsolver w;
  const double *sq;      /* sqrt(m_i) when mass-weighted, else NULL */
} op_ctx;

static int apply_op(op_ctx *o, const double *x, double *y)
{
  vt_hessian *H = o->H;
  const size_t n = H->n;
  memcpy(y, x, H->dim * sizeof(double));
  if (o->sq) {
    project_null(n, y, o->sq, H->msum);
    for (size_t i = 0; i < n; i++)
      for (int a = 0; a < 3; a++) y[3 * i + a] *= o->sq[i];
  }
  int rc = vt_hsolver_solve(H, &o->w, 1, y);
  if (rc) return rc;
  if (o->sq) {
    for (size_t i = 0; i < n; i++)
      for (int a = 0; a < 3; a++) y[3 * i + a] *= o->sq[i];
    project_null(n, y, o->sq, H->msum);
  }
  return 0;
}

static const char *arpack_msg(int info)
{
  switch (info) {
  case 1: return "maximum number of restarts reached";
  case 3: return "no shifts could be applied (increase ncv)";
  case -9: return "the starting vector is zero";
  case -9999: return "could not build a Lanczos factorization (increase ncv)";
  case -14: return "no Ritz value converged to the required accuracy";
  default: return "ARPACK error (see dsaupd/dseupd documentation)";
  }
}

int vt_hessian_modes(vt_hessian *H, const vt_modes_opts *opts, double *lambda, double *omega,
                     double *participation, double *vectors)
{
  { int nc = vt_hessian_need_complete(H, "modes"); if (nc) return nc; }
  const size_t n = H->n, dim = H->dim;
  const size_t nev = opts->count;
  if (nev < 1) return vt_error(VT_EINVAL, "hessian modes: count must be at least 1");
  if (nev + 4 > dim)
    return vt_error(VT_EINVAL, "hessian modes: count %zu is too large for %zu particles (at most %zu)", nev, n, dim - 4);
  if (dim > 2147483647u) return vt_error(VT_ERANGE, "hessian modes: the system is too large for ARPACK's int indices");
  size_t ncv = opts->ncv ? opts->ncv : (2 * nev + 1 > nev + 32 ? 2 * nev + 1 : nev + 32);
  if (ncv > dim) ncv = dim;
  if (ncv <= nev) return vt_error(VT_EINVAL, "hessian modes: ncv (%zu) must exceed count (%zu)", ncv, nev);
  const int maxit = opts->max_iter > 0 ? opts->max_iter : 1000;
  const double tol = opts->tol > 0 ? opts->tol : 0.0;
  const size_t lworkl = ncv * (ncv + 8);

  op_ctx o = {.H = H, .sq = NULL};
  double *sq = NULL;
  if (opts->mass_weighted) {
    sq = malloc(n * sizeof(double));
    if (!sq) return vt_error(VT_ENOMEM, "hessian modes: out of memory");
    for (size_t i = 0; i < n; i++) sq[i] = sqrt(H->mass[i]);
    o.sq = sq;
  }
  double *resid = malloc(dim * sizeof(double)), *v = malloc(dim * ncv * sizeof(double));
  double *workd = malloc(3 * dim * sizeof(double)), *workl = malloc(lworkl * sizeof(double));
  double *d = malloc(ncv * sizeof(double)), *z = malloc(dim * nev * sizeof(double));
  a_int *select = calloc(ncv, sizeof(a_int));
  gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
  int rc = 0, solver = 0;
  if (!resid || !v || !workd || !workl || !d || !z || !select || !rng) {
    rc = vt_error(VT_ENOMEM, "hessian modes: out of memory (%zu x %zu Lanczos basis)", dim, ncv);
    goto done;
  }
  if ((rc = vt_hsolver_init(H, &o.w))) goto done;
  solver = 1;
  /* a seeded random start in the operator's range */
  gsl_rng_set(rng, opts->seed ? opts->seed : 1);
  for (size_t q = 0; q < dim; q++) resid[q] = gsl_rng_uniform(rng) - 0.5;
  project_null(n, resid, o.sq, H->msum);

  a_int ido = 0, info = 1, iparam[11] = {0}, ipntr[11] = {0};
  iparam[0] = 1;          /* exact shifts */
  iparam[2] = maxit;
  iparam[6] = 1;          /* mode 1: OP = Hm^+ (shift-invert done by hand) */
  for (;;) {
    dsaupd_c(&ido, "I", (a_int)dim, "LM", (a_int)nev, tol, resid, (a_int)ncv, v, (a_int)dim, iparam, ipntr,
             workd, workl, (a_int)lworkl, &info);
    if (ido != -1 && ido != 1) break;
    if (vt_interrupted()) { rc = vt_error(VT_EINTR, "hessian modes: interrupted"); goto done; }
    if ((rc = apply_op(&o, workd + ipntr[0] - 1, workd + ipntr[1] - 1))) goto done;
  }
  if (info == 1) {
    rc = vt_error(VT_ENOCONV, "hessian modes: Lanczos did not converge in %d restarts (%d of %zu modes converged); "
                  "raise max_iter or ncv", maxit, (int)iparam[4], nev);
    goto done;
  }
  if (info < 0 || info == 3) {
    rc = vt_error(VT_ENOCONV, "hessian modes: dsaupd failed (info %d: %s)", (int)info, arpack_msg((int)info));
    goto done;
  }
  dseupd_c(1, "A", select, d, z, (a_int)dim, 0.0, "I", (a_int)dim, "LM", (a_int)nev, tol, resid, (a_int)ncv, v,
           (a_int)dim, iparam, ipntr, workd, workl, (a_int)lworkl, &info);
  if (info != 0) {
    rc = vt_error(VT_ENOCONV, "hessian modes: dseupd failed (info %d: %s)", (int)info, arpack_msg((int)info));
    goto done;
  }
  /* d ascending in 1/lambda: reverse for ascending lambda */
  for (size_t k = 0; k < nev; k++) {
    size_t src = nev - 1 - k;
    double nu = d[src];
    if (!(nu > 0)) {
      rc = vt_error(VT_ESINGULAR, "hessian modes: a non-positive eigenvalue of the pseudo-inverse (%g): the Hessian "
                    "is not positive definite", nu);
      goto done;
    }
    const double *psi = z + dim * src;
    double nrm = 0, s4 = 0;
    for (size_t q = 0; q < dim; q++) nrm += psi[q] * psi[q];
    for (size_t i = 0; i < n; i++) {
      double a = (psi[3 * i] * psi[3 * i] + psi[3 * i + 1] * psi[3 * i + 1] + psi[3 * i + 2] * psi[3 * i + 2]) / nrm;
      s4 += a * a;
    }
    if (lambda) lambda[k] = 1.0 / nu;
    if (omega) omega[k] = sqrt(1.0 / nu);
    if (participation) participation[k] = 1.0 / ((double)n * s4);
    if (vectors) {
      double sn = 1.0 / sqrt(nrm), *out = vectors + dim * k;
      /* sign convention: the largest component positive */
      size_t qm = 0;
      for (size_t q = 1; q < dim; q++) if (fabs(psi[q]) > fabs(psi[qm])) qm = q;
      if (psi[qm] < 0) sn = -sn;
      for (size_t q = 0; q < dim; q++) out[q] = psi[q] * sn;
    }
  }
done:
  if (solver) vt_hsolver_free(&o.w);
  if (rng) gsl_rng_free(rng);
  free(sq); free(resid); free(v); free(workd); free(workl); free(d); free(z); free(select);
  return rc;
}
