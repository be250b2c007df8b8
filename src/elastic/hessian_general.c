/* The Hessian of a many-body model from general 3x3 blocks (see hessian.c
 * for the object): the model hands over d2U/dx_i dx_j block by block
 * (vt_potential_type.hessian); here they are summed per particle pair, the
 * pattern being whatever pairs the model couples (for a three-body term:
 * the pairs within the cutoff and the pairs sharing a neighbour), and laid
 * out as the pair path lays out its pair stiffnesses: for i < j in
 * ascending order (bstart/bj), Kb = -H_ij (9 per block, row-major, row
 * index i's component; not symmetric in general: H_ji = H_ij^T), and the
 * diagonal blocks H_ii in D. hessian.c assembles, factorizes and applies
 * them as it does the pair blocks (there -H_ij = K, symmetric). */
#include "elastic/hessian_impl.h"
#include "core/error.h"
#include "core/neighbor.h"
#include "core/system.h"
#include <stdlib.h>
#include <string.h>

typedef struct {
  size_t n;
  int **col;        /* per particle i: partners j > i (unsorted while summing) */
  double **val;     /* 9 per partner: H_ij */
  size_t *len, *cap;
  double *D;        /* 9 per particle */
  double *C, *T;    /* the strain tensors (hessian_impl.h: sC, sT) */
  int failed;
} gsink;

/* The strain terms of one contribution: with a = E r in the term's frame,
 * Born = sum over ordered blocks (p, q) of a_p.h_pq.a_q (a block i != j
 * stands for (i, j) and (j, i): twice), Xi_p = sum_q h_pq a_q. */
static void gsink_strain(gsink *g, int i, int j, const double B[9], const double ri[3], const double rj[3])
{
  const double w = i == j ? 1.0 : 2.0;
  for (int a = 0; a < 3; a++)
    for (int c = 0; c < 3; c++) {
      const double bac = w * B[3 * a + c];
      for (int b = 0; b < 3; b++)
        for (int d = 0; d < 3; d++) g->C[27 * a + 9 * b + 3 * c + d] += ri[b] * bac * rj[d];
      for (int d = 0; d < 3; d++) {
        g->T[27 * (size_t)i + 9 * a + 3 * c + d] += B[3 * a + c] * rj[d];
        if (i != j) g->T[27 * (size_t)j + 9 * a + 3 * c + d] += B[3 * c + a] * ri[d];
      }
    }
}

static void gsink_add(void *ctx, int i, int j, const double B[9], const double ri[3], const double rj[3])
{
  gsink *g = ctx;
  if (g->failed) return;
  if (i < 0 || j < 0 || (size_t)i >= g->n || (size_t)j >= g->n) { g->failed = VT_EINVAL; return; }
  gsink_strain(g, i, j, B, ri, rj);
  if (i == j) {
    for (int q = 0; q < 9; q++) g->D[9 * (size_t)i + q] += B[q];
    return;
  }
  double T[9];
  if (i > j) {   /* the block (j, i) is B^T */
    for (int a = 0; a < 3; a++)
      for (int b = 0; b < 3; b++) T[3 * a + b] = B[3 * b + a];
    B = T;
    int t = i; i = j; j = t;
  }
  size_t m = 0, L = g->len[i];
  int *c = g->col[i];
  while (m < L && c[m] != j) m++;
  if (m == L) {
    if (L == g->cap[i]) {
      size_t nc = g->cap[i] ? 2 * g->cap[i] : 16;
      int *c2 = realloc(g->col[i], nc * sizeof *c2);
      if (!c2) { g->failed = VT_ENOMEM; return; }
      g->col[i] = c2;
      double *v2 = realloc(g->val[i], 9 * nc * sizeof *v2);
      if (!v2) { g->failed = VT_ENOMEM; return; }
      g->val[i] = v2;
      g->cap[i] = nc;
      c = c2;
    }
    c[m] = j;
    memset(g->val[i] + 9 * m, 0, 9 * sizeof(double));
    g->len[i] = L + 1;
  }
  double *v = g->val[i] + 9 * m;
  for (int q = 0; q < 9; q++) v[q] += B[q];
}

int vt_hessian_general_blocks(vt_hessian *H, vt_system *s)
{
  const size_t n = s->n;
  int rc = vt_neighbor_refresh(s, NULL);
  if (rc) return rc;
  gsink g = {.n = n};
  g.col = calloc(n, sizeof *g.col);
  g.val = calloc(n, sizeof *g.val);
  g.len = calloc(n, sizeof *g.len);
  g.cap = calloc(n, sizeof *g.cap);
  if (vt_resize_array(&H->D, 9 * n, sizeof *H->D) || vt_resize_array(&H->bstart, n + 1, sizeof *H->bstart) ||
      vt_resize_array(&H->sT, 27 * n, sizeof *H->sT) || !g.col || !g.val || !g.len || !g.cap) {
    rc = vt_error(VT_ENOMEM, "hessian: out of memory");
    goto out;
  }
  memset(H->D, 0, 9 * n * sizeof *H->D);
  memset(H->sT, 0, 27 * n * sizeof *H->sT);
  memset(H->sC, 0, sizeof H->sC);
  g.D = H->D;
  g.C = H->sC;
  g.T = H->sT;
  rc = s->pot->type->hessian(s->pot, s, s->nl, gsink_add, &g);
  if (!rc && g.failed)
    rc = g.failed == VT_ENOMEM ? vt_error(VT_ENOMEM, "hessian: out of memory for the blocks")
                               : vt_error(VT_EINVAL, "hessian: the model %s handed over a block of a particle out of range",
                                          s->pot->type->name);
  if (rc) goto out;
  /* rows sorted by partner (insertion sort: rows are short), then packed */
  H->bstart[0] = 0;
  for (size_t i = 0; i < n; i++) {
    int *c = g.col[i];
    double *v = g.val[i];
    for (size_t q = 1; q < g.len[i]; q++) {
      const int cj = c[q];
      double t[9];
      memcpy(t, v + 9 * q, sizeof t);
      size_t p = q;
      while (p > 0 && c[p - 1] > cj) { c[p] = c[p - 1]; memcpy(v + 9 * p, v + 9 * (p - 1), sizeof t); p--; }
      c[p] = cj;
      memcpy(v + 9 * p, t, sizeof t);
    }
    H->bstart[i + 1] = H->bstart[i] + g.len[i];
  }
  const size_t nb = H->bstart[n];
  if (vt_resize_array(&H->bj, nb, sizeof *H->bj) || vt_resize_array(&H->Kb, 9 * nb, sizeof *H->Kb)) {
    rc = vt_error(VT_ENOMEM, "hessian: out of memory for %zu blocks", nb);
    goto out;
  }
  for (size_t i = 0; i < n; i++)
    for (size_t q = 0; q < g.len[i]; q++) {
      const size_t k = H->bstart[i] + q;
      H->bj[k] = g.col[i][q];
      for (int e = 0; e < 9; e++) H->Kb[9 * k + e] = -g.val[i][9 * q + e];
    }
  H->nblocks = nb;
  for (size_t k = 0; k < 9 * nb; k++)
    if (!isfinite(H->Kb[k])) { rc = vt_error(VT_ENONFINITE, "hessian: a block of the model %s is not finite", s->pot->type->name); goto out; }
  for (size_t k = 0; k < 9 * n; k++)
    if (!isfinite(H->D[k])) { rc = vt_error(VT_ENONFINITE, "hessian: a diagonal block of the model %s is not finite", s->pot->type->name); goto out; }
out:
  for (size_t i = 0; g.col && g.val && i < n; i++) { free(g.col[i]); free(g.val[i]); }
  free(g.col); free(g.val); free(g.len); free(g.cap);
  return rc;
}

/* y = H x from the blocks (without the shift mu: the caller adds it). */
void vt_hessian_general_apply(const vt_hessian *H, const double *x, double *y)
{
  const size_t n = H->n;
  for (size_t i = 0; i < n; i++)
    for (int a = 0; a < 3; a++) {
      const double *D = H->D + 9 * i + 3 * a;
      y[3 * i + a] = D[0] * x[3 * i] + D[1] * x[3 * i + 1] + D[2] * x[3 * i + 2];
    }
  for (size_t i = 0; i < n; i++)
    for (size_t k = H->bstart[i]; k < H->bstart[i + 1]; k++) {
      const size_t j = (size_t)H->bj[k];
      const double *K = H->Kb + 9 * k;   /* -H_ij */
      for (int a = 0; a < 3; a++) {
        y[3 * i + a] -= K[3 * a] * x[3 * j] + K[3 * a + 1] * x[3 * j + 1] + K[3 * a + 2] * x[3 * j + 2];
        y[3 * j + a] -= K[a] * x[3 * i] + K[3 + a] * x[3 * i + 1] + K[6 + a] * x[3 * i + 2];
      }
    }
  /* D carries the shift mu (the factor reads it), which the caller adds */
  for (size_t k = 0; k < 3 * n; k++) y[k] -= H->mu * x[k];
}

/* The dense matrix (row-major, dim x dim) from the blocks, without shift. */
void vt_hessian_general_dense(const vt_hessian *H, double *out)
{
  const size_t n = H->n, dim = H->dim;
  for (size_t i = 0; i < n; i++)
    for (int a = 0; a < 3; a++)
      for (int b = 0; b < 3; b++) out[(3 * i + a) * dim + 3 * i + b] = H->D[9 * i + 3 * a + b];
  for (size_t i = 0; i < n; i++)
    for (size_t k = H->bstart[i]; k < H->bstart[i + 1]; k++) {
      const size_t j = (size_t)H->bj[k];
      for (int a = 0; a < 3; a++)
        for (int b = 0; b < 3; b++) {
          const double v = -H->Kb[9 * k + 3 * a + b];
          out[(3 * i + a) * dim + 3 * j + b] = v;
          out[(3 * j + b) * dim + 3 * i + a] = v;
        }
    }
  for (size_t p = 0; p < dim; p++) out[p * dim + p] -= H->mu;   /* the caller adds it */
}

/* Strain terms (moduli.c) for x -> (I + t E) x: every term's separations
 * map linearly, so with a_p = E r_p (r_p: p's position in the term's own
 * frame, as the model reported it) the Born term is
 * d2U/dt2|aff = sum_terms sum_pq a_p.h_pq.a_q and Xi_p = sum_q h_pq a_q
 * (a reference-independent form by translation invariance of each term),
 * both linear in tensors summed once from the blocks (sC, sT); dU/dt =
 * -sum E_ab W_ab comes from the virial (moduli.c). */
void vt_hessian_general_strain(const vt_hessian *H, const double E[9], double *xi, double *born)
{
  const size_t n = H->n;
  double b2 = 0;
  for (int a = 0; a < 3; a++)
    for (int b = 0; b < 3; b++)
      for (int c = 0; c < 3; c++)
        for (int d = 0; d < 3; d++) b2 += E[3 * a + b] * E[3 * c + d] * H->sC[27 * a + 9 * b + 3 * c + d];
  for (size_t i = 0; i < n; i++)
    for (int a = 0; a < 3; a++) {
      double v = 0;
      for (int q = 0; q < 9; q++) v += H->sT[27 * i + 9 * a + q] * E[q];
      xi[3 * i + a] = v;
    }
  *born = b2;
}
