/* Incomplete Cholesky factorization with threshold dropping (IC(tau)) of a
 * sparse symmetric matrix, as a preconditioner: M = A~ ~= A with
 * A~ = S^-1 L L^T S^-1, where S = diag(A)^-1/2 is the Jacobi scaling and L
 * is computed column by column (left-looking) on the scaled matrix
 * S A S + alpha I, keeping in each column only the entries of magnitude
 * >= tau (the scaled matrix has unit diagonal, so tau is relative).
 *
 * The algorithm is the left-looking column variant of Jones and Plassmann
 * (ACM TOMS 21, 5 (1995)) with the threshold dropping of Saad (Iterative
 * Methods for Sparse Linear Systems, 2nd ed. (2003), section 10.4): for
 * column j, w = A(j:n, j) minus L(j:n, k) L(j, k) over the earlier columns
 * k with L(j, k) != 0, found through linked lists of "the next row of each
 * column" so that L is never searched. A non-positive pivot (the matrix is
 * indefinite, or the dropped entries made it so) restarts the whole
 * factorization with a larger diagonal shift alpha (Lin and More, SIAM J.
 * Sci. Comput. 21, 24 (1999)).
 *
 * Ordering: the columns are first permuted by CHOLMOD's approximate minimum
 * degree ordering of the matrix (Amestoy, Davis, Duff 1996), a fill-reducing
 * order that also keeps the factor independent of how the user happened to
 * number the particles (the prototype behind doc/performance.md used a
 * minimum degree order too; other orders were not compared).
 *
 * The factor is stored in single precision (values) with 32-bit row
 * indices: a preconditioner needs no more, and the triangular solves, which
 * are limited by memory bandwidth, read half as many bytes. */
#include "elastic/hessian_impl.h"
#include "core/error.h"
#include <float.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

void vt_ichol_free(vt_ichol *ic)
{
  if (!ic) return;
  free(ic->perm); free(ic->scale); free(ic->Lp); free(ic->Li); free(ic->Lx); free(ic->diag);
  memset(ic, 0, sizeof *ic);
}

static int cmp_u32(const void *a, const void *b)
{
  uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
  return (x > y) - (x < y);
}

/* The permuted, scaled lower triangle B = P S A S P^T in compressed columns
 * (rows ascending, the diagonal first). Returns 0 or VT_ENOMEM. */
static int permuted(size_t nr, const SuiteSparse_long *Ap, const SuiteSparse_long *Ai, const double *Ax,
                    const int32_t *perm, const double *scale, size_t **Bp_out, uint32_t **Bi_out, double **Bx_out)
{
  int32_t *inv = malloc(nr * sizeof *inv);
  size_t *Bp = calloc(nr + 1, sizeof *Bp);
  if (!inv || !Bp) { free(inv); free(Bp); return VT_ENOMEM; }
  for (size_t k = 0; k < nr; k++) inv[perm[k]] = (int32_t)k;
  size_t nnz = 0;
  for (size_t c = 0; c < nr; c++)
    for (SuiteSparse_long q = Ap[c]; q < Ap[c + 1] && (size_t)Ai[q] < nr; q++) {
      size_t r = (size_t)Ai[q], a = (size_t)inv[r], b = (size_t)inv[c];
      Bp[(a < b ? a : b) + 1]++;
      nnz++;
    }
  for (size_t k = 0; k < nr; k++) Bp[k + 1] += Bp[k];
  uint32_t *Bi = malloc((nnz ? nnz : 1) * sizeof *Bi);
  double *Bx = malloc((nnz ? nnz : 1) * sizeof *Bx);
  size_t *fill = malloc(nr * sizeof *fill);
  if (!Bi || !Bx || !fill) { free(inv); free(Bp); free(Bi); free(Bx); free(fill); return VT_ENOMEM; }
  memcpy(fill, Bp, nr * sizeof *fill);
  for (size_t c = 0; c < nr; c++)
    for (SuiteSparse_long q = Ap[c]; q < Ap[c + 1] && (size_t)Ai[q] < nr; q++) {
      size_t r = (size_t)Ai[q], a = (size_t)inv[r], b = (size_t)inv[c];
      size_t col = a < b ? a : b, row = a < b ? b : a, w = fill[col]++;
      Bi[w] = (uint32_t)row;
      Bx[w] = Ax[q] * scale[r] * scale[c];
    }
  free(fill);
  free(inv);
  /* sort each column by row (insertion sort: columns are short and nearly sorted) */
  for (size_t c = 0; c < nr; c++)
    for (size_t q = Bp[c] + 1; q < Bp[c + 1]; q++) {
      uint32_t r = Bi[q];
      double v = Bx[q];
      size_t p = q;
      while (p > Bp[c] && Bi[p - 1] > r) { Bi[p] = Bi[p - 1]; Bx[p] = Bx[p - 1]; p--; }
      Bi[p] = r; Bx[p] = v;
    }
  *Bp_out = Bp; *Bi_out = Bi; *Bx_out = Bx;
  return 0;
}

/* One attempt at shift alpha. Returns 0, 1 on a non-positive pivot (retry
 * with a larger shift), or VT_ENOMEM. */
static int attempt(vt_ichol *ic, const size_t *Bp, const uint32_t *Bi, const double *Bx, double tau, double alpha)
{
  const size_t nr = ic->nr;
  size_t cap = Bp[nr] + nr, nnz = 0;
  size_t *Lp = malloc((nr + 1) * sizeof *Lp);
  uint32_t *Li = malloc(cap * sizeof *Li);
  double *Lxd = malloc(cap * sizeof *Lxd);
  double *diag = malloc(nr * sizeof *diag), *w = calloc(nr, sizeof *w);
  size_t *next = malloc(nr * sizeof *next);        /* column k: its next unread entry */
  int64_t *head = malloc(nr * sizeof *head), *link = malloc(nr * sizeof *link);
  uint32_t *touched = malloc(nr * sizeof *touched);
  unsigned char *mark = calloc(nr, 1);
  int rc = 0;
  if (!Lp || !Li || !Lxd || !diag || !w || !next || !head || !link || !touched || !mark) { rc = VT_ENOMEM; goto out; }
  for (size_t k = 0; k < nr; k++) head[k] = -1;
  Lp[0] = 0;
  for (size_t j = 0; j < nr; j++) {
    size_t nt = 0;
    /* w = B(j:n, j); the diagonal comes first */
    double piv = 0;
    for (size_t q = Bp[j]; q < Bp[j + 1]; q++) {
      uint32_t r = Bi[q];
      if (r == j) { piv += Bx[q] + alpha; continue; }
      if (!mark[r]) { mark[r] = 1; touched[nt++] = r; w[r] = 0; }
      w[r] += Bx[q];
    }
    /* minus L(j:n, k) L(j, k) for the columns k whose next row is j */
    for (int64_t k = head[j]; k >= 0;) {
      int64_t kn = link[k];
      size_t p = next[k], pe = Lp[k + 1];
      double ljk = Lxd[p];
      piv -= ljk * ljk;
      for (size_t q = p + 1; q < pe; q++) {
        uint32_t r = Li[q];
        if (!mark[r]) { mark[r] = 1; touched[nt++] = r; w[r] = 0; }
        w[r] -= Lxd[q] * ljk;
      }
      if (p + 1 < pe) {                 /* column k moves on to its next row */
        next[k] = p + 1;
        uint32_t r = Li[p + 1];
        link[k] = head[r];
        head[r] = k;
      }
      k = kn;
    }
    if (!(piv > 1e-8)) {
      for (size_t t = 0; t < nt; t++) mark[touched[t]] = 0;
      rc = 1;
      goto out;
    }
    double d = sqrt(piv);
    diag[j] = d;
    /* keep the entries above the threshold, rows ascending */
    size_t need = nnz + nt;
    if (need > cap) {
      size_t nc = cap + cap / 2 > need ? cap + cap / 2 : need;
      uint32_t *ni = realloc(Li, nc * sizeof *Li);
      if (ni) Li = ni;
      double *nx = ni ? realloc(Lxd, nc * sizeof *Lxd) : NULL;
      if (!ni || !nx) { rc = VT_ENOMEM; goto out; }
      Lxd = nx;
      cap = nc;
    }
    size_t start = nnz;
    for (size_t t = 0; t < nt; t++) {
      uint32_t r = touched[t];
      mark[r] = 0;
      double v = w[r] / d;
      if (fabs(v) >= tau) Li[nnz++] = r;
    }
    qsort(Li + start, nnz - start, sizeof *Li, cmp_u32);
    for (size_t q = start; q < nnz; q++) Lxd[q] = w[Li[q]] / d;
    Lp[j + 1] = nnz;
    if (nnz > start) {
      next[j] = start;
      uint32_t r = Li[start];
      link[j] = head[r];
      head[r] = (int64_t)j;
    }
  }
  /* keep it: single-precision values */
  free(ic->Lp); free(ic->Li); free(ic->Lx); free(ic->diag);
  ic->Lx = malloc((nnz ? nnz : 1) * sizeof *ic->Lx);
  if (!ic->Lx) { ic->Lp = NULL; ic->Li = NULL; ic->diag = NULL; rc = VT_ENOMEM; goto out; }
  for (size_t q = 0; q < nnz; q++) ic->Lx[q] = (float)Lxd[q];
  ic->Lp = Lp; Lp = NULL;
  ic->Li = Li; Li = NULL;
  ic->diag = diag; diag = NULL;
  ic->nnz = nnz;
  ic->alpha = alpha;
out:
  free(Lp); free(Li); free(Lxd); free(diag); free(w); free(next); free(head); free(link); free(touched); free(mark);
  return rc;
}

int vt_ichol_factor(vt_ichol *ic, cholmod_common *cc, size_t nr, const SuiteSparse_long *Ap,
                    const SuiteSparse_long *Ai, const double *Ax, double tau, double alpha, int keep_order)
{
  int32_t *kept = keep_order && ic->perm && ic->nr == nr ? ic->perm : NULL;
  if (kept) ic->perm = NULL;
  vt_ichol_free(ic);
  if (nr >= (size_t)INT32_MAX) { free(kept); return vt_error(VT_ERANGE, "hessian: %zu degrees of freedom is too many for the incomplete factor", nr); }
  ic->nr = nr;
  ic->perm = kept ? kept : malloc((nr ? nr : 1) * sizeof *ic->perm);
  ic->scale = malloc((nr ? nr : 1) * sizeof *ic->scale);
  if (!ic->perm || !ic->scale) { vt_ichol_free(ic); return vt_error(VT_ENOMEM, "hessian: out of memory for the incomplete factor"); }
  /* Jacobi scaling; a non-positive diagonal entry cannot be scaled */
  for (size_t c = 0; c < nr; c++) {
    double d = Ap[c] < Ap[c + 1] && (size_t)Ai[Ap[c]] == c ? Ax[Ap[c]] : 0.0;
    if (!(d > 0)) {
      vt_ichol_free(ic);
      return vt_error(VT_ESINGULAR, "hessian: diagonal entry %g at particle %zu (degree of freedom %c) is not positive: "
                      "no incomplete factor", d, c / 3 + 1, "xyz"[c % 3]);
    }
    ic->scale[c] = 1.0 / sqrt(d);
  }
  /* AMD ordering of the lower triangle's pattern (unless kept) */
  if (!kept) {
    cholmod_sparse R = {.nrow = nr, .ncol = nr, .nzmax = (size_t)Ap[nr], .p = (void *)Ap, .i = (void *)Ai,
                        .x = (void *)Ax, .stype = -1, .itype = CHOLMOD_LONG, .xtype = CHOLMOD_REAL,
                        .dtype = CHOLMOD_DOUBLE, .sorted = 1, .packed = 0};
    /* columns may extend past nr (a caller's trailing rows): an unpacked
     * view with explicit ends */
    SuiteSparse_long *nz = malloc((nr ? nr : 1) * sizeof *nz), *P = malloc((nr ? nr : 1) * sizeof *P);
    if (!nz || !P) { free(nz); free(P); vt_ichol_free(ic); return vt_error(VT_ENOMEM, "hessian: out of memory for the incomplete factor"); }
    for (size_t c = 0; c < nr; c++) {
      SuiteSparse_long q = Ap[c];
      while (q < Ap[c + 1] && (size_t)Ai[q] < nr) q++;
      nz[c] = q - Ap[c];
    }
    R.nz = nz;
    int ok = cholmod_l_amd(&R, NULL, 0, P, cc);
    free(nz);
    if (!ok) {
      free(P);
      vt_ichol_free(ic);
      return vt_error(cc->status == CHOLMOD_OUT_OF_MEMORY ? VT_ENOMEM : VT_EINVAL, "hessian: AMD ordering failed (status %d)", cc->status);
    }
    for (size_t k = 0; k < nr; k++) ic->perm[k] = (int32_t)P[k];
    free(P);
  }
  size_t *Bp = NULL;
  uint32_t *Bi = NULL;
  double *Bx = NULL;
  if (permuted(nr, Ap, Ai, Ax, ic->perm, ic->scale, &Bp, &Bi, &Bx)) {
    vt_ichol_free(ic);
    return vt_error(VT_ENOMEM, "hessian: out of memory for the incomplete factor");
  }
  int rc = 1;
  for (int tries = 0; rc == 1 && tries < 40; tries++) {
    rc = attempt(ic, Bp, Bi, Bx, tau, alpha);
    if (rc == 1) alpha = alpha > 0 ? 2 * alpha : 1e-3;
  }
  free(Bp); free(Bi); free(Bx);
  if (rc == VT_ENOMEM) { vt_ichol_free(ic); return vt_error(VT_ENOMEM, "hessian: out of memory for the incomplete factor"); }
  if (rc) { vt_ichol_free(ic); return vt_error(VT_ESINGULAR, "hessian: no incomplete factor with any diagonal shift"); }
  return 0;
}

void vt_ichol_solve(const vt_ichol *ic, double *b, double *y)
{
  const size_t nr = ic->nr;
  const size_t *Lp = ic->Lp;
  const uint32_t *Li = ic->Li;
  const float *Lx = ic->Lx;
  for (size_t k = 0; k < nr; k++) y[k] = b[ic->perm[k]] * ic->scale[ic->perm[k]];
  for (size_t j = 0; j < nr; j++) {          /* L z = y */
    double z = y[j] / ic->diag[j];
    y[j] = z;
    for (size_t q = Lp[j]; q < Lp[j + 1]; q++) y[Li[q]] -= (double)Lx[q] * z;
  }
  for (size_t j = nr; j-- > 0;) {            /* L^T x = z */
    double s = y[j];
    for (size_t q = Lp[j]; q < Lp[j + 1]; q++) s -= (double)Lx[q] * y[Li[q]];
    y[j] = s / ic->diag[j];
  }
  for (size_t k = 0; k < nr; k++) b[ic->perm[k]] = y[k] * ic->scale[ic->perm[k]];
}
