/* Incomplete Cholesky factorization with threshold dropping (IC(tau)) of a
 * particle system's Hessian, by 3x3 blocks, as a preconditioner:
 * M = S^-1 L L^T S^-1 ~= A, where S = diag(A)^-1/2 is the Jacobi scaling
 * and L is block lower triangular (one block row and column per particle,
 * lower triangular 3x3 blocks C_J on the diagonal), computed column by
 * column (left-looking) on the scaled matrix S A S + alpha I and keeping,
 * in each column, only the blocks with an entry of magnitude >= tau (the
 * scaled matrix has a unit diagonal, so tau is relative).
 *
 * The algorithm is the left-looking column variant of Jones and Plassmann
 * (ACM TOMS 21, 5 (1995)) with the threshold dropping of Saad (Iterative
 * Methods for Sparse Linear Systems, 2nd ed. (2003), section 10.4), applied
 * to blocks as in the block incomplete factorizations of Saad's section
 * 10.5 (for block column J: W = A(J:n, J) minus L(J:n, K) L(J, K)^T over
 * the earlier block columns K with L(J, K) kept, found through linked lists
 * of "the next block row of each column"; C_J C_J^T = W(J, J) and
 * L(I, J) = W(I, J) C_J^-T). A pair Hessian couples whole particles, so
 * the three columns of a particle share one pattern: blocks spend one index
 * and one test on nine values, and the updates and solves become small
 * dense products. A non-positive pivot (the matrix is indefinite, or the
 * dropped blocks made it so) restarts the whole factorization with a larger
 * diagonal shift alpha (Lin and More, SIAM J. Sci. Comput. 21, 24 (1999)).
 *
 * Ordering: the block columns are first permuted by CHOLMOD's approximate
 * minimum degree ordering of the particle graph (Amestoy, Davis, Duff
 * 1996), a fill-reducing order that also keeps the factor independent of
 * how the user happened to number the particles.
 *
 * The factor is stored in single precision (off-diagonal blocks) with
 * 32-bit block indices: a preconditioner needs no more, and the triangular
 * solves, which are limited by memory bandwidth, read half as many bytes.
 * (The first version, in scalar entries, gave the same preconditioner
 * quality per stored entry; the blocks made factorization and solve 3-4
 * times faster: doc/performance.md.) */
#include "elastic/hessian_impl.h"
#include "core/error.h"
#include <float.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

void vt_ichol_free(vt_ichol *ic)
{
  if (!ic) return;
  free(ic->perm); free(ic->scale); free(ic->Lp); free(ic->Li); free(ic->Lx); free(ic->dinv);
  memset(ic, 0, sizeof *ic);
}

/* 3x3 blocks are row-major: X[3 a + b] = X(a, b). */

/* W -= X Y^T */
static inline void sub_abt(double *restrict W, const double *restrict X, const double *restrict Y)
{
  for (int a = 0; a < 3; a++)
    for (int b = 0; b < 3; b++)
      W[3 * a + b] -= X[3 * a] * Y[3 * b] + X[3 * a + 1] * Y[3 * b + 1] + X[3 * a + 2] * Y[3 * b + 2];
}

/* The inverse of the Cholesky factor of a symmetric 3x3 D (lower
 * triangular, row-major, zeros above). Returns 0, or 1 when a pivot is not
 * positive (below 1e-8: the scaled matrix has a unit diagonal). */
static int chol3_inv(const double *D, double *Ci)
{
  double c00 = D[0];
  if (!(c00 > 1e-8)) return 1;
  c00 = sqrt(c00);
  double c10 = D[3] / c00, c20 = D[6] / c00;
  double c11 = D[4] - c10 * c10;
  if (!(c11 > 1e-8)) return 1;
  c11 = sqrt(c11);
  double c21 = (D[7] - c20 * c10) / c11;
  double c22 = D[8] - c20 * c20 - c21 * c21;
  if (!(c22 > 1e-8)) return 1;
  c22 = sqrt(c22);
  /* inverse of a lower triangular matrix, by forward substitution */
  double i00 = 1 / c00, i11 = 1 / c11, i22 = 1 / c22;
  double i10 = -c10 * i00 * i11;
  double i21 = -c21 * i11 * i22;
  double i20 = -(c20 * i00 + c21 * i10) * i22;
  Ci[0] = i00; Ci[1] = 0;   Ci[2] = 0;
  Ci[3] = i10; Ci[4] = i11; Ci[5] = 0;
  Ci[6] = i20; Ci[7] = i21; Ci[8] = i22;
  return 0;
}

/* The scaled block lower triangle in the factor's order: for block column
 * J (particle perm[J]), Bd[9 J] its diagonal block (full, symmetric) and
 * the strictly lower blocks at Bp[J] .. Bp[J + 1] (rows ascending, values
 * 9 per block in Bx). Returns 0 or VT_ENOMEM. */
typedef struct {
  size_t *Bp;
  uint32_t *Bi;
  double *Bx, *Bd;
} blocks;

static void blocks_free(blocks *B)
{
  free(B->Bp); free(B->Bi); free(B->Bx); free(B->Bd);
  memset(B, 0, sizeof *B);
}

static int permuted(size_t nb, const SuiteSparse_long *Ap, const SuiteSparse_long *Ai, const double *Ax,
                    const int32_t *perm, const double *scale, blocks *B)
{
  const size_t nr = 3 * nb;
  memset(B, 0, sizeof *B);
  int32_t *inv = malloc(nb * sizeof *inv);
  int64_t *slot = malloc(nb * sizeof *slot);
  B->Bp = calloc(nb + 1, sizeof *B->Bp);
  B->Bd = calloc(9 * nb, sizeof *B->Bd);
  if (!inv || !slot || !B->Bp || !B->Bd) goto nomem;
  for (size_t k = 0; k < nb; k++) { inv[perm[k]] = (int32_t)k; slot[k] = -1; }
  /* count the blocks (Q, P), Q > P, of each original particle column P
   * (union over its three scalar columns), by their column in the new order */
  size_t nnz = 0;
  for (size_t P = 0; P < nb; P++) {
    for (size_t c = 3 * P; c < 3 * P + 3; c++)
      for (SuiteSparse_long q = Ap[c]; q < Ap[c + 1] && (size_t)Ai[q] < nr; q++) {
        size_t Q = (size_t)Ai[q] / 3;
        if (Q <= P || slot[Q] == (int64_t)P) continue;
        slot[Q] = (int64_t)P;
        size_t a = (size_t)inv[Q], b = (size_t)inv[P];
        B->Bp[(a < b ? a : b) + 1]++;
        nnz++;
      }
  }
  for (size_t k = 0; k < nb; k++) B->Bp[k + 1] += B->Bp[k];
  B->Bi = malloc((nnz ? nnz : 1) * sizeof *B->Bi);
  B->Bx = calloc(9 * (nnz ? nnz : 1), sizeof *B->Bx);
  size_t *fill = malloc(nb * sizeof *fill);
  if (!B->Bi || !B->Bx || !fill) { free(fill); goto nomem; }
  memcpy(fill, B->Bp, nb * sizeof *fill);
  for (size_t k = 0; k < nb; k++) slot[k] = -1;
  /* fill: slot[Q] is where block (Q, P) of the current P went */
  int64_t *where = malloc(nb * sizeof *where);
  if (!where) { free(fill); goto nomem; }
  for (size_t P = 0; P < nb; P++) {
    const size_t b = (size_t)inv[P];
    for (size_t c = 3 * P; c < 3 * P + 3; c++) {
      const size_t ca = c - 3 * P;
      for (SuiteSparse_long q = Ap[c]; q < Ap[c + 1] && (size_t)Ai[q] < nr; q++) {
        const size_t r = (size_t)Ai[q], Q = r / 3, ra = r - 3 * Q;
        const double v = Ax[q] * scale[r] * scale[c];
        if (Q < P) continue;                       /* not stored (upper part) */
        if (Q == P) {                              /* diagonal block, both triangles */
          B->Bd[9 * b + 3 * ra + ca] = v;
          B->Bd[9 * b + 3 * ca + ra] = v;
          continue;
        }
        if (slot[Q] != (int64_t)P) {
          size_t a = (size_t)inv[Q], col = a < b ? a : b;
          slot[Q] = (int64_t)P;
          where[Q] = (int64_t)fill[col]++;
          B->Bi[where[Q]] = (uint32_t)(a < b ? b : a);
        }
        /* block (Q, P) is stored as (row, col) = (a, b) when a > b, and
         * as its transpose (P, Q) when the order swapped them */
        double *X = B->Bx + 9 * (size_t)where[Q];
        if ((size_t)inv[Q] > b) X[3 * ra + ca] = v;
        else X[3 * ca + ra] = v;
      }
    }
  }
  free(where);
  free(fill);
  free(inv); inv = NULL;
  free(slot); slot = NULL;
  /* sort each column by block row (insertion sort: columns are short) */
  for (size_t c = 0; c < nb; c++)
    for (size_t q = B->Bp[c] + 1; q < B->Bp[c + 1]; q++) {
      uint32_t r = B->Bi[q];
      double v[9];
      memcpy(v, B->Bx + 9 * q, sizeof v);
      size_t p = q;
      while (p > B->Bp[c] && B->Bi[p - 1] > r) {
        B->Bi[p] = B->Bi[p - 1];
        memcpy(B->Bx + 9 * p, B->Bx + 9 * (p - 1), sizeof v);
        p--;
      }
      B->Bi[p] = r;
      memcpy(B->Bx + 9 * p, v, sizeof v);
    }
  return 0;
nomem:
  free(inv); free(slot);
  blocks_free(B);
  return VT_ENOMEM;
}

/* One attempt at shift alpha. Returns 0, 1 on a non-positive pivot (retry
 * with a larger shift), or VT_ENOMEM. */
static int attempt(vt_ichol *ic, const blocks *B, double tau, double alpha)
{
  const size_t nb = ic->nb;
  size_t cap = B->Bp[nb] + nb, nnz = 0;
  size_t *Lp = malloc((nb + 1) * sizeof *Lp);
  uint32_t *Li = malloc(cap * sizeof *Li);
  double *Lxd = malloc(9 * cap * sizeof *Lxd);
  double *dinv = malloc(9 * nb * sizeof *dinv), *W = malloc(9 * nb * sizeof *W);
  size_t *next = malloc(nb * sizeof *next);        /* column K: its next unread block */
  int64_t *head = malloc(nb * sizeof *head), *link = malloc(nb * sizeof *link);
  uint32_t *touched = malloc(nb * sizeof *touched), *stamp = calloc(nb, sizeof *stamp);
  int rc = 0;
  if (!Lp || !Li || !Lxd || !dinv || !W || !next || !head || !link || !touched || !stamp) { rc = VT_ENOMEM; goto out; }
  for (size_t k = 0; k < nb; k++) head[k] = -1;
  Lp[0] = 0;
  for (size_t J = 0; J < nb; J++) {
    const uint32_t mark = (uint32_t)J + 1;   /* stamp[I] == mark: W[I] is live in this column */
    size_t nt = 0;
    double D[9];
    memcpy(D, B->Bd + 9 * J, sizeof D);
    D[0] += alpha; D[4] += alpha; D[8] += alpha;
    for (size_t q = B->Bp[J]; q < B->Bp[J + 1]; q++) {
      uint32_t I = B->Bi[q];
      stamp[I] = mark;
      touched[nt++] = I;
      memcpy(W + 9 * (size_t)I, B->Bx + 9 * q, 9 * sizeof *W);
    }
    /* minus L(J:n, K) L(J, K)^T for the columns K whose next block row is J */
    for (int64_t K = head[J]; K >= 0;) {
      int64_t Kn = link[K];
      size_t p = next[K], pe = Lp[K + 1];
      const double *LJK = Lxd + 9 * p;
      sub_abt(D, LJK, LJK);
      for (size_t q = p + 1; q < pe; q++) {
        uint32_t I = Li[q];
        double *w = W + 9 * (size_t)I;
        if (stamp[I] != mark) { stamp[I] = mark; touched[nt++] = I; memset(w, 0, 9 * sizeof *w); }
        sub_abt(w, Lxd + 9 * q, LJK);
      }
      if (p + 1 < pe) {                 /* column K moves on to its next block row */
        next[K] = p + 1;
        uint32_t I = Li[p + 1];
        link[K] = head[I];
        head[I] = K;
      }
      K = Kn;
    }
    double *Ci = dinv + 9 * J;
    if (chol3_inv(D, Ci)) { rc = 1; goto out; }
    size_t need = nnz + nt;
    if (need > cap) {
      size_t nc = cap + cap / 2 > need ? cap + cap / 2 : need;
      uint32_t *ni = realloc(Li, nc * sizeof *Li);
      if (ni) Li = ni;
      double *nx = ni ? realloc(Lxd, 9 * nc * sizeof *Lxd) : NULL;
      if (!ni || !nx) { rc = VT_ENOMEM; goto out; }
      Lxd = nx;
      cap = nc;
    }
    /* L(I, J) = W(I) C^-T; keep the blocks with an entry >= tau. Row
     * indices first, sorted (insertion: columns are short), then values. */
    size_t start = nnz;
    for (size_t t = 0; t < nt; t++) {
      uint32_t I = touched[t];
      double *w = W + 9 * (size_t)I, X[9], big = 0;
      for (int a = 0; a < 3; a++)
        for (int b = 0; b < 3; b++) {
          /* (W C^-T)(a, b) = sum_c W(a, c) Ci(b, c), Ci lower triangular */
          double v = 0;
          for (int c = 0; c <= b; c++) v += w[3 * a + c] * Ci[3 * b + c];
          X[3 * a + b] = v;
          big = fabs(v) > big ? fabs(v) : big;
        }
      if (!(big >= tau)) continue;
      memcpy(w, X, sizeof X);
      size_t p = nnz++;
      while (p > start && Li[p - 1] > I) { Li[p] = Li[p - 1]; p--; }
      Li[p] = I;
    }
    for (size_t q = start; q < nnz; q++) memcpy(Lxd + 9 * q, W + 9 * (size_t)Li[q], 9 * sizeof *Lxd);
    Lp[J + 1] = nnz;
    if (nnz > start) {
      next[J] = start;
      uint32_t I = Li[start];
      link[J] = head[I];
      head[I] = (int64_t)J;
    }
  }
  /* keep it: single-precision off-diagonal blocks */
  free(ic->Lp); free(ic->Li); free(ic->Lx); free(ic->dinv);
  ic->Lp = NULL; ic->Li = NULL; ic->dinv = NULL;
  ic->Lx = malloc(9 * (nnz ? nnz : 1) * sizeof *ic->Lx);
  if (!ic->Lx) { rc = VT_ENOMEM; goto out; }
  for (size_t q = 0; q < 9 * nnz; q++) ic->Lx[q] = (float)Lxd[q];
  ic->Lp = Lp; Lp = NULL;
  ic->Li = Li; Li = NULL;
  ic->dinv = dinv; dinv = NULL;
  ic->nnz = nnz;
  ic->alpha = alpha;
out:
  free(Lp); free(Li); free(Lxd); free(dinv); free(W); free(next); free(head); free(link); free(touched); free(stamp);
  return rc;
}

/* AMD ordering of the particle graph (the block pattern of the lower
 * triangle). Returns 0 or an error. */
static int order(vt_ichol *ic, cholmod_common *cc, const SuiteSparse_long *Ap, const SuiteSparse_long *Ai)
{
  const size_t nb = ic->nb, nr = 3 * nb;
  SuiteSparse_long *Gp = malloc((nb + 1) * sizeof *Gp), *P = malloc((nb ? nb : 1) * sizeof *P);
  int64_t *seen = malloc((nb ? nb : 1) * sizeof *seen);
  SuiteSparse_long *Gi = NULL;
  int rc = 0;
  if (!Gp || !P || !seen) { rc = VT_ENOMEM; goto out; }
  for (int pass = 0; pass < 2; pass++) {
    size_t nz = 0;
    for (size_t k = 0; k < nb; k++) seen[k] = -1;
    for (size_t Pc = 0; Pc < nb; Pc++) {
      Gp[Pc] = (SuiteSparse_long)nz;
      for (size_t c = 3 * Pc; c < 3 * Pc + 3; c++)
        for (SuiteSparse_long q = Ap[c]; q < Ap[c + 1] && (size_t)Ai[q] < nr; q++) {
          size_t Q = (size_t)Ai[q] / 3;
          if (Q < Pc || seen[Q] == (int64_t)Pc) continue;
          seen[Q] = (int64_t)Pc;
          if (pass) Gi[nz] = (SuiteSparse_long)Q;
          nz++;
        }
    }
    Gp[nb] = (SuiteSparse_long)nz;
    if (!pass && !(Gi = malloc((nz ? nz : 1) * sizeof *Gi))) { rc = VT_ENOMEM; goto out; }
  }
  /* rows within a column need not be sorted for AMD */
  cholmod_sparse G = {.nrow = nb, .ncol = nb, .nzmax = (size_t)Gp[nb], .p = Gp, .i = Gi, .stype = -1,
                      .itype = CHOLMOD_LONG, .xtype = CHOLMOD_PATTERN, .dtype = CHOLMOD_DOUBLE,
                      .sorted = 0, .packed = 1};
  if (!cholmod_l_amd(&G, NULL, 0, P, cc)) {
    rc = vt_error(cc->status == CHOLMOD_OUT_OF_MEMORY ? VT_ENOMEM : VT_EINVAL, "hessian: AMD ordering failed (status %d)",
                  cc->status);
    goto out;
  }
  for (size_t k = 0; k < nb; k++) ic->perm[k] = (int32_t)P[k];
out:
  free(Gp); free(Gi); free(P); free(seen);
  return rc;
}

int vt_ichol_factor(vt_ichol *ic, cholmod_common *cc, size_t nr, const SuiteSparse_long *Ap,
                    const SuiteSparse_long *Ai, const double *Ax, double tau, double alpha, int keep_order)
{
  const size_t nb = nr / 3;
  int32_t *kept = keep_order && ic->perm && ic->nr == nr ? ic->perm : NULL;
  if (kept) ic->perm = NULL;
  vt_ichol_free(ic);
  if (nr % 3 || nr >= (size_t)INT32_MAX) {
    free(kept);
    return vt_error(VT_ERANGE, "hessian: %zu degrees of freedom do not make 3x3 blocks of at most 2^31 for the incomplete factor", nr);
  }
  ic->nr = nr;
  ic->nb = nb;
  ic->perm = kept ? kept : malloc((nb ? nb : 1) * sizeof *ic->perm);
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
  int rc;
  if (!kept && (rc = order(ic, cc, Ap, Ai))) {
    vt_ichol_free(ic);
    return rc == VT_ENOMEM ? vt_error(VT_ENOMEM, "hessian: out of memory for the incomplete factor") : rc;
  }
  blocks B;
  if (permuted(nb, Ap, Ai, Ax, ic->perm, ic->scale, &B)) {
    vt_ichol_free(ic);
    return vt_error(VT_ENOMEM, "hessian: out of memory for the incomplete factor");
  }
  rc = 1;
  for (int tries = 0; rc == 1 && tries < 40; tries++) {
    rc = attempt(ic, &B, tau, alpha);
    if (rc == 1) alpha = alpha > 0 ? 2 * alpha : 1e-3;
  }
  blocks_free(&B);
  if (rc == VT_ENOMEM) { vt_ichol_free(ic); return vt_error(VT_ENOMEM, "hessian: out of memory for the incomplete factor"); }
  if (rc) { vt_ichol_free(ic); return vt_error(VT_ESINGULAR, "hessian: no incomplete factor with any diagonal shift"); }
  return 0;
}

void vt_ichol_solve(const vt_ichol *ic, double *b, double *y)
{
  const size_t nb = ic->nb;
  const size_t *Lp = ic->Lp;
  const uint32_t *Li = ic->Li;
  const float *Lx = ic->Lx;
  for (size_t k = 0; k < nb; k++)
    for (int a = 0; a < 3; a++) {
      size_t r = 3 * (size_t)ic->perm[k] + (size_t)a;
      y[3 * k + (size_t)a] = b[r] * ic->scale[r];
    }
  for (size_t J = 0; J < nb; J++) {          /* L z = y */
    const double *Ci = ic->dinv + 9 * J;
    double *yj = y + 3 * J;
    double z0 = Ci[0] * yj[0], z1 = Ci[3] * yj[0] + Ci[4] * yj[1], z2 = Ci[6] * yj[0] + Ci[7] * yj[1] + Ci[8] * yj[2];
    yj[0] = z0; yj[1] = z1; yj[2] = z2;
    for (size_t q = Lp[J]; q < Lp[J + 1]; q++) {
      const float *X = Lx + 9 * q;
      double *yi = y + 3 * (size_t)Li[q];
      yi[0] -= (double)X[0] * z0 + (double)X[1] * z1 + (double)X[2] * z2;
      yi[1] -= (double)X[3] * z0 + (double)X[4] * z1 + (double)X[5] * z2;
      yi[2] -= (double)X[6] * z0 + (double)X[7] * z1 + (double)X[8] * z2;
    }
  }
  for (size_t J = nb; J-- > 0;) {            /* L^T x = z */
    double s0 = y[3 * J], s1 = y[3 * J + 1], s2 = y[3 * J + 2];
    for (size_t q = Lp[J]; q < Lp[J + 1]; q++) {
      const float *X = Lx + 9 * q;
      const double *yi = y + 3 * (size_t)Li[q];
      s0 -= (double)X[0] * yi[0] + (double)X[3] * yi[1] + (double)X[6] * yi[2];
      s1 -= (double)X[1] * yi[0] + (double)X[4] * yi[1] + (double)X[7] * yi[2];
      s2 -= (double)X[2] * yi[0] + (double)X[5] * yi[1] + (double)X[8] * yi[2];
    }
    const double *Ci = ic->dinv + 9 * J;   /* x = Ci^T s */
    y[3 * J] = Ci[0] * s0 + Ci[3] * s1 + Ci[6] * s2;
    y[3 * J + 1] = Ci[4] * s1 + Ci[7] * s2;
    y[3 * J + 2] = Ci[8] * s2;
  }
  for (size_t k = 0; k < nb; k++)
    for (int a = 0; a < 3; a++) {
      size_t r = 3 * (size_t)ic->perm[k] + (size_t)a;
      b[r] = y[3 * k + (size_t)a] * ic->scale[r];
    }
}
