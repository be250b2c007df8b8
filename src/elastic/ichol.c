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
 * The factor is stored in single precision (off-diagonal blocks, by
 * columns padded to four so the solves run on 4-wide vectors) with 32-bit
 * block indices: a preconditioner needs no more, and the triangular
 * solves read fewer bytes.
 * (The first version worked on scalar entries; at N = 500, each at the
 * drop tolerance that suited it, the blocks with the memory kept between
 * refreshes made a refresh 2.8 times and a solve 2.7 times faster for the
 * same step counts: doc/performance.md.) */
#include "elastic/hessian_impl.h"
#include "core/error.h"
#include <float.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#ifdef __AVX__
#include <immintrin.h>
#endif

/* Reorder once the factor has grown this much in an ordering computed for
 * an earlier pattern (see vt_ichol_factor). */
#define ORDER_GROWTH 1.1

/* Memory kept from one factorization to the next (a minimizer refreshes
 * the factor of one system again and again; fresh allocations of this size
 * cost page faults, 40% of a refresh at N = 500). */
struct vt_ichol_ws {
  size_t nb, np;          /* sizes of the per-particle and per-pair arrays */
  size_t lcap, xcap;      /* capacities of Li / Lxd and of Lx (blocks) */
  /* the scaled, permuted matrix (see permuted) */
  size_t *Bp;
  uint32_t *Bi;
  double *Bx, *Bd;
  int32_t *inv;
  size_t *fill;
  /* the factorization's */
  double *Lxd, *W;
  size_t *next;
  int64_t *head, *link;
  uint32_t *touched, *stamp;
};

static void ws_free(struct vt_ichol_ws *w)
{
  if (!w) return;
  free(w->Bp); free(w->Bi); free(w->Bx); free(w->Bd); free(w->inv); free(w->fill);
  free(w->Lxd); free(w->W); free(w->next); free(w->head); free(w->link); free(w->touched); free(w->stamp);
  free(w);
}

void vt_ichol_free(vt_ichol *ic)
{
  if (!ic) return;
  free(ic->perm); free(ic->scale); free(ic->Lp); free(ic->Li); free(ic->Lx); free(ic->dinv);
  ws_free(ic->ws);
  memset(ic, 0, sizeof *ic);
}

/* Size the workspace and the factor's per-particle arrays for nb particles
 * and np pairs. */
static int ws_size(vt_ichol *ic, size_t nb, size_t np)
{
  if (!ic->ws && !(ic->ws = calloc(1, sizeof *ic->ws))) return VT_ENOMEM;
  struct vt_ichol_ws *w = ic->ws;
  if (w->nb != nb) {
    if (vt_resize_array(&w->Bp, nb + 1, sizeof *w->Bp) || vt_resize_array(&w->Bd, 9 * nb, sizeof *w->Bd) ||
        vt_resize_array(&w->inv, nb, sizeof *w->inv) || vt_resize_array(&w->fill, nb, sizeof *w->fill) ||
        vt_resize_array(&w->W, 9 * nb, sizeof *w->W) || vt_resize_array(&w->next, nb, sizeof *w->next) ||
        vt_resize_array(&w->head, nb, sizeof *w->head) || vt_resize_array(&w->link, nb, sizeof *w->link) ||
        vt_resize_array(&w->touched, nb, sizeof *w->touched) || vt_resize_array(&w->stamp, nb, sizeof *w->stamp) ||
        vt_resize_array(&ic->Lp, nb + 1, sizeof *ic->Lp) || vt_resize_array(&ic->dinv, 9 * nb, sizeof *ic->dinv) ||
        vt_resize_array(&ic->scale, 3 * nb, sizeof *ic->scale))
      return VT_ENOMEM;
    w->nb = nb;
  }
  if (w->np < np) {
    if (vt_resize_array(&w->Bi, np, sizeof *w->Bi) || vt_resize_array(&w->Bx, 9 * np, sizeof *w->Bx)) return VT_ENOMEM;
    w->np = np;
  }
  return 0;
}

/* 3x3 blocks are row-major: X[3 a + b] = X(a, b). */

/* W -= X Y^T, with Y given by its nine entries (in registers: the same Y
 * updates a whole column) */
static inline void sub_abt(double *restrict W, const double *restrict X, const double y[9])
{
  for (int a = 0; a < 3; a++) {
    const double x0 = X[3 * a], x1 = X[3 * a + 1], x2 = X[3 * a + 2];
    W[3 * a] -= x0 * y[0] + x1 * y[1] + x2 * y[2];
    W[3 * a + 1] -= x0 * y[3] + x1 * y[4] + x2 * y[5];
    W[3 * a + 2] -= x0 * y[6] + x1 * y[7] + x2 * y[8];
  }
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

/* The scaled block lower triangle in the factor's order, in the
 * workspace: for block column J (particle perm[J]), Bd[9 J] its diagonal
 * block (full, symmetric) and the strictly lower blocks at Bp[J] ..
 * Bp[J + 1] (rows ascending, values 9 per block in Bx). */
static void permuted(struct vt_ichol_ws *B, size_t nb, const size_t *pstart, const int *pj, const double *Kb,
                     const double *D, const int32_t *perm, const double *scale)
{
  int32_t *inv = B->inv;
  size_t *fill = B->fill;
  memset(B->Bp, 0, (nb + 1) * sizeof *B->Bp);
  for (size_t k = 0; k < nb; k++) inv[perm[k]] = (int32_t)k;
  for (size_t J = 0; J < nb; J++) {
    const size_t P = (size_t)perm[J];
    for (int a = 0; a < 3; a++)
      for (int b = 0; b < 3; b++) B->Bd[9 * J + 3 * a + b] = D[9 * P + 3 * a + b] * scale[3 * P + a] * scale[3 * P + b];
  }
  /* pair (i, j) goes to block column min(inv i, inv j); its block is
   * H_ij = -K(i,j) as row i, or its transpose as row j (the same for a
   * symmetric pair K) */
  for (size_t i = 0; i < nb; i++)
    for (size_t k = pstart[i]; k < pstart[i + 1]; k++) {
      size_t a = (size_t)inv[i], b = (size_t)inv[pj[k]];
      B->Bp[(a < b ? a : b) + 1]++;
    }
  for (size_t k = 0; k < nb; k++) B->Bp[k + 1] += B->Bp[k];
  memcpy(fill, B->Bp, nb * sizeof *fill);
  for (size_t i = 0; i < nb; i++)
    for (size_t k = pstart[i]; k < pstart[i + 1]; k++) {
      const size_t j = (size_t)pj[k], a = (size_t)inv[i], b = (size_t)inv[j];
      const size_t R = a < b ? j : i, C = a < b ? i : j, w = fill[a < b ? a : b]++;
      B->Bi[w] = (uint32_t)(a < b ? b : a);
      double *X = B->Bx + 9 * w;
      for (int p = 0; p < 3; p++)
        for (int q = 0; q < 3; q++)
          X[3 * p + q] = -Kb[9 * k + (R == i ? 3 * p + q : 3 * q + p)] * scale[3 * R + p] * scale[3 * C + q];
    }
  /* sort each column by block row (insertion sort: columns are short) */
  for (size_t c = 0; c < nb; c++)
    for (size_t q = B->Bp[c] + 1; q < B->Bp[c + 1]; q++) {
      uint32_t r = B->Bi[q];
      if (B->Bi[q - 1] < r) continue;
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
}

/* One attempt at shift alpha. Returns 0, 1 on a non-positive pivot (retry
 * with a larger shift), or VT_ENOMEM. */
static int attempt(vt_ichol *ic, double tau, double alpha)
{
  struct vt_ichol_ws *B = ic->ws;
  const size_t nb = ic->nb;
  size_t nnz = 0;
  if (B->lcap < B->Bp[nb] + nb) {
    B->lcap = B->Bp[nb] + nb;
    if (vt_resize_array(&ic->Li, B->lcap, sizeof *ic->Li) || vt_resize_array(&B->Lxd, 9 * B->lcap, sizeof *B->Lxd)) return VT_ENOMEM;
  }
  size_t cap = B->lcap, *Lp = ic->Lp, *next = B->next;   /* next: column K's next unread block */
  uint32_t *Li = ic->Li, *touched = B->touched, *stamp = B->stamp;
  double *Lxd = B->Lxd, *dinv = ic->dinv, *W = B->W;
  int64_t *head = B->head, *link = B->link;
  memset(stamp, 0, nb * sizeof *stamp);
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
      double y[9];
      memcpy(y, Lxd + 9 * p, sizeof y);
      sub_abt(D, y, y);
      for (size_t q = p + 1; q < pe; q++) {
        uint32_t I = Li[q];
        double *w = W + 9 * (size_t)I;
        if (stamp[I] != mark) { stamp[I] = mark; touched[nt++] = I; memset(w, 0, 9 * sizeof *w); }
        sub_abt(w, Lxd + 9 * q, y);
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
    if (chol3_inv(D, Ci)) return 1;
    size_t need = nnz + nt;
    if (need > cap) {
      size_t nc = cap + cap / 2 > need ? cap + cap / 2 : need;
      if (vt_resize_array(&ic->Li, nc, sizeof *Li)) return VT_ENOMEM;
      Li = ic->Li;
      if (vt_resize_array(&B->Lxd, 9 * nc, sizeof *Lxd)) return VT_ENOMEM;
      Lxd = B->Lxd;
      B->lcap = cap = nc;
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
  if (B->xcap < nnz) {
    if (vt_resize_array(&ic->Lx, 12 * nnz, sizeof *ic->Lx)) return VT_ENOMEM;
    B->xcap = nnz;
  }
  for (size_t q = 0; q < nnz; q++)   /* by columns, each padded to four (vt_ichol_solve) */
    for (int c = 0; c < 3; c++) {
      float *out = ic->Lx + 12 * q + 4 * c;
      for (int r = 0; r < 3; r++) out[r] = (float)Lxd[9 * q + 3 * r + c];
      out[3] = 0.0f;
    }
  ic->nnz = nnz;
  ic->alpha = alpha;
  return 0;
}

/* AMD ordering of the particle graph (the pairs: column i holds the
 * partners j > i). Returns 0 or an error. */
static int order(vt_ichol *ic, cholmod_common *cc, const size_t *pstart, const int *pj)
{
  const size_t nb = ic->nb, np = pstart[nb];
  SuiteSparse_long *Gp = malloc((nb + 1) * sizeof *Gp), *Gi = malloc((np ? np : 1) * sizeof *Gi),
                   *P = malloc((nb ? nb : 1) * sizeof *P);
  int rc = 0;
  if (!Gp || !Gi || !P) { rc = VT_ENOMEM; goto out; }
  for (size_t i = 0; i <= nb; i++) Gp[i] = (SuiteSparse_long)pstart[i];
  for (size_t k = 0; k < np; k++) Gi[k] = (SuiteSparse_long)pj[k];
  cholmod_sparse G = {.nrow = nb, .ncol = nb, .nzmax = np ? np : 1, .p = Gp, .i = Gi, .stype = -1,
                      .itype = CHOLMOD_LONG, .xtype = CHOLMOD_PATTERN, .dtype = CHOLMOD_DOUBLE,
                      .sorted = 1, .packed = 1};
  if (!cholmod_l_amd(&G, NULL, 0, P, cc)) {
    rc = vt_error(cc->status == CHOLMOD_OUT_OF_MEMORY ? VT_ENOMEM : VT_EINVAL, "hessian: AMD ordering failed (status %d)",
                  cc->status);
    goto out;
  }
  for (size_t k = 0; k < nb; k++) ic->perm[k] = (int32_t)P[k];
out:
  free(Gp); free(Gi); free(P);
  return rc;
}

int vt_ichol_factor(vt_ichol *ic, cholmod_common *cc, size_t nb, const size_t *pstart, const int *pj,
                    const double *Kb, const double *D, double tau, double alpha, int keep_order)
{
  const size_t nr = 3 * nb, np = pstart[nb];
  /* The ordering depends on the pattern only, and it only needs to keep
   * the fill small: it is kept while the pairs stay, and also through
   * changes of the pattern (a minimizer's refreshes: a few pairs enter or
   * leave the cutoff) until the factor has grown by ORDER_GROWTH over the
   * first one in this ordering. */
  const int have = ic->perm && ic->nb == nb && ic->ws && ic->ws->nb == nb && ic->order_nnz > 0;
  const int keep = have && (keep_order || (double)ic->nnz <= ORDER_GROWTH * (double)ic->order_nnz);
  if (nb >= (size_t)INT32_MAX / 3 || np >= (size_t)UINT32_MAX) {
    vt_ichol_free(ic);
    return vt_error(VT_ERANGE, "hessian: %zu particles (%zu pairs) are too many for the incomplete factor", nb, np);
  }
  if (ws_size(ic, nb, np) || (!keep && vt_resize_array(&ic->perm, nb, sizeof *ic->perm))) {
    vt_ichol_free(ic);
    return vt_error(VT_ENOMEM, "hessian: out of memory for the incomplete factor");
  }
  ic->nr = nr;
  ic->nb = nb;
  ic->nnz = 0;
  /* Jacobi scaling; a non-positive diagonal entry cannot be scaled */
  for (size_t c = 0; c < nr; c++) {
    double d = D[9 * (c / 3) + 4 * (c % 3)];
    if (!(d > 0)) {
      vt_ichol_free(ic);
      return vt_error(VT_ESINGULAR, "hessian: diagonal entry %g at particle %zu (degree of freedom %c) is not positive: "
                      "no incomplete factor", d, c / 3 + 1, "xyz"[c % 3]);
    }
    ic->scale[c] = 1.0 / sqrt(d);
  }
  int rc;
  if (!keep && (rc = order(ic, cc, pstart, pj))) {
    vt_ichol_free(ic);
    return rc == VT_ENOMEM ? vt_error(VT_ENOMEM, "hessian: out of memory for the incomplete factor") : rc;
  }
  permuted(ic->ws, nb, pstart, pj, Kb, D, ic->perm, ic->scale);
  rc = 1;
  for (int tries = 0; rc == 1 && tries < 40; tries++) {
    rc = attempt(ic, tau, alpha);
    if (rc == 1) alpha = alpha > 0 ? 2 * alpha : 1e-3;
  }
  if (rc == VT_ENOMEM) { vt_ichol_free(ic); return vt_error(VT_ENOMEM, "hessian: out of memory for the incomplete factor"); }
  if (rc) { vt_ichol_free(ic); return vt_error(VT_ESINGULAR, "hessian: no incomplete factor with any diagonal shift"); }
  if (!keep) ic->order_nnz = ic->nnz ? ic->nnz : 1;
  return 0;
}

/* Four doubles and four floats: GCC/Clang vector extensions, lowered to
 * whatever vector instructions the target has (or to scalar code). Every
 * lane is an ordinary IEEE operation, so results do not depend on the
 * vector width. */
typedef double ic_v4d __attribute__((vector_size(32)));
typedef float ic_v4f __attribute__((vector_size(16)));

static inline ic_v4d load_col(const float *X)
{
#ifdef __AVX__
  /* one instruction (GCC 12 tuned for AMD splits the generic conversion in two) */
  return (ic_v4d)_mm256_cvtps_pd(_mm_loadu_ps(X));
#else
  ic_v4f c;
  memcpy(&c, X, sizeof c);
  return __builtin_convertvector(c, ic_v4d);
#endif
}

/* The triangular solves by 3x3 blocks on 4-wide vectors (one particle's
 * three components and a zero): a block column is three 4-float columns,
 * so the forward sweep's update y_I -= L(I,J) z_J is three scaled column
 * additions, and the backward sweep's s_J -= L(I,J)^T y_I three products
 * accumulated lane-wise and summed across lanes once per column (in two
 * interleaved sets, so consecutive blocks do not wait on each other). */
void vt_ichol_solve(const vt_ichol *ic, double *b, double *y)
{
  const size_t nb = ic->nb;
  const size_t *Lp = ic->Lp;
  const uint32_t *Li = ic->Li;
  const float *Lx = ic->Lx;
  ic_v4d *v = (ic_v4d *)y;
  for (size_t k = 0; k < nb; k++) {
    const size_t r = 3 * (size_t)ic->perm[k];
    v[k] = (ic_v4d){b[r] * ic->scale[r], b[r + 1] * ic->scale[r + 1], b[r + 2] * ic->scale[r + 2], 0.0};
  }
  for (size_t J = 0; J < nb; J++) {          /* L z = y */
    const double *Ci = ic->dinv + 9 * J;
    const ic_v4d yj = v[J];
    const double z0 = Ci[0] * yj[0], z1 = Ci[3] * yj[0] + Ci[4] * yj[1], z2 = Ci[6] * yj[0] + Ci[7] * yj[1] + Ci[8] * yj[2];
    v[J] = (ic_v4d){z0, z1, z2, 0.0};
    const ic_v4d Z0 = {z0, z0, z0, z0}, Z1 = {z1, z1, z1, z1}, Z2 = {z2, z2, z2, z2};
    for (size_t q = Lp[J]; q < Lp[J + 1]; q++) {
      const float *X = Lx + 12 * q;
      v[Li[q]] -= load_col(X) * Z0 + load_col(X + 4) * Z1 + load_col(X + 8) * Z2;
    }
  }
  for (size_t J = nb; J-- > 0;) {            /* L^T x = z */
    ic_v4d a0 = {0}, a1 = {0}, a2 = {0}, b0 = {0}, b1 = {0}, b2 = {0};
    size_t q = Lp[J];
    for (; q + 1 < Lp[J + 1]; q += 2) {
      const float *X = Lx + 12 * q;
      const ic_v4d yi = v[Li[q]], yk = v[Li[q + 1]];
      a0 += load_col(X) * yi;
      a1 += load_col(X + 4) * yi;
      a2 += load_col(X + 8) * yi;
      b0 += load_col(X + 12) * yk;
      b1 += load_col(X + 16) * yk;
      b2 += load_col(X + 20) * yk;
    }
    if (q < Lp[J + 1]) {
      const float *X = Lx + 12 * q;
      const ic_v4d yi = v[Li[q]];
      a0 += load_col(X) * yi;
      a1 += load_col(X + 4) * yi;
      a2 += load_col(X + 8) * yi;
    }
    a0 += b0; a1 += b1; a2 += b2;
    const ic_v4d yj = v[J];
    const double s0 = yj[0] - ((a0[0] + a0[1]) + (a0[2] + a0[3]));
    const double s1 = yj[1] - ((a1[0] + a1[1]) + (a1[2] + a1[3]));
    const double s2 = yj[2] - ((a2[0] + a2[1]) + (a2[2] + a2[3]));
    const double *Ci = ic->dinv + 9 * J;   /* x = Ci^T s */
    v[J] = (ic_v4d){Ci[0] * s0 + Ci[3] * s1 + Ci[6] * s2, Ci[4] * s1 + Ci[7] * s2, Ci[8] * s2, 0.0};
  }
  for (size_t k = 0; k < nb; k++) {
    const size_t r = 3 * (size_t)ic->perm[k];
    const ic_v4d x = v[k];
    b[r] = x[0] * ic->scale[r];
    b[r + 1] = x[1] * ic->scale[r + 1];
    b[r + 2] = x[2] * ic->scale[r + 2];
  }
}
