/* Internals of the Hessian object shared by hessian.c, moduli.c, dipoles.c
 * and modes.c (not installed: the public header keeps CHOLMOD out). */
#ifndef VT_HESSIAN_IMPL_H
#define VT_HESSIAN_IMPL_H
#include <cholmod.h>
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include "core/error.h"
#include "elastic/hessian.h"

struct vt_system;

/* An incomplete Cholesky factor (ichol.c): a preconditioner for minimizers,
 * used instead of CHOLMOD's complete factor when opts.incomplete > 0. */
typedef struct vt_ichol {
  size_t nr;              /* dimension, 3 nb */
  size_t nb;              /* 3x3 block rows and columns (particles) */
  int32_t *perm;          /* nb: block column k of the factor is particle perm[k] */
  double *scale;          /* nr: diag(A)^-1/2, by degree of freedom */
  size_t *Lp;             /* nb + 1: strictly lower blocks of L, by block column */
  uint32_t *Li;           /* their block rows */
  float *Lx;              /* 12 values per block: its three columns, each padded with a 0 */
  double *dinv;           /* 9 per block column: the inverse of its lower triangular diagonal block */
  size_t nnz;             /* stored strictly lower blocks */
  double alpha;           /* the diagonal shift of the scaled matrix that worked */
  size_t order_nnz;       /* nnz of the first factor in the current ordering (0: none yet) */
  struct vt_ichol_ws *ws; /* memory kept for the next factorization (ichol.c) */
} vt_ichol;

struct vt_hessian {
  size_t n, dim;          /* particles, 3n */
  size_t nr;              /* 3n - 3: the factorized block (last particle held fixed) */
  double box[3], volume;
  double *x;              /* 3n snapshot positions */
  double *mass;           /* n */
  double msum;
  int equal_masses;
  /* interacting pairs, i < j, ordered by i then j */
  size_t npairs;
  int *pi, *pj;
  double *rij;            /* 3 per pair: minimum-image x_i - x_j */
  double *du, *d2u;
  size_t *pstart;         /* n+1: pairs with first index i */
  vt_hessian_state st;
  double singular_tol;
  double shift;           /* relative Levenberg-Marquardt shift (opts) */
  double range;           /* pairs kept: r < range * pair cutoff (opts; 1: all) */
  double mu;              /* the absolute shift added to the diagonal */
  double incomplete;      /* > 0: the drop tolerance of an incomplete factor (opts) */
  vt_ichol ic;            /* that factor (instead of L) */
  int same_pattern;       /* the last refresh kept the pairs (the orderings still hold) */
  double *Kb, *D;         /* the blocks of the last assembly (9 per block, 9 per particle):
                             incomplete and general objects keep them */
  /* The block pattern: for i, partners bj[bstart[i] .. bstart[i+1]) > i
   * ascending, Kb = -H_ij. A pair model's blocks are its pairs (bstart,
   * bj are pstart, pj; Kb = K symmetric); a many-body model's (general)
   * are every pair its terms couple (hessian_general.c). */
  int general;
  double sC[81];          /* general: Born tensor, Born(E) = sum E_ab E_cd sC[27a + 9b + 3c + d] */
  double *sT;             /* general: 27 per particle, Xi_i,a = sum_cd sT[27i + 9a + 3c + d] E_cd */
  size_t nblocks;
  size_t *bstart;
  int *bj;
  /* CHOLMOD */
  cholmod_common cc;
  int cc_started;
  cholmod_sparse *A;      /* full 3n x 3n, lower triangle, plain Hessian */
  cholmod_factor *L;      /* Cholesky factor of the leading nr x nr block */
  long refreshes, reused; /* vt_hessian_refresh calls, and those that kept the analysis */
  /* cached all-pair dipoles */
  double *kappa_all, *omega_all;
};

/* One solver context per thread: its own cholmod_common and workspace,
 * sharing the read-only factor. */
typedef struct vt_hsolver {
  cholmod_common cc;
  cholmod_dense *X, *Y, *E;
} vt_hsolver;

int vt_hsolver_init(const vt_hessian *H, vt_hsolver *w);
void vt_hsolver_free(vt_hsolver *w);
/* In place: b (3n x ncol, column-major, leading dimension 3n) <- H^+ b (an
 * incomplete factor: M^-1 b, projected; w is not used and may be NULL). */
int vt_hsolver_solve(const vt_hessian *H, vt_hsolver *w, size_t ncol, double *b);

/* The 3x3 pair stiffness K = d2u r^r^ + (du/r)(I - r^r^) of pair k
 * (the off-diagonal Hessian block is -K; doc/models.md header). */
static inline void vt_pair_block(const vt_hessian *H, size_t k, double K[9])
{
  const double *r = H->rij + 3 * k;
  double r2 = r[0] * r[0] + r[1] * r[1] + r[2] * r[2], rr = sqrt(r2);
  double a = H->du[k] / rr, b = (H->d2u[k] - a) / r2;
  for (int p = 0; p < 3; p++)
    for (int q = 0; q < 3; q++) K[3 * p + q] = b * (r[p] * r[q]) + (p == q ? a : 0.0);  /* exactly symmetric */
}

/* *pp (a pointer to an array pointer) resized to n elements of size sz, at
 * least one: 0, or VT_ENOMEM with *pp unchanged. Refreshes reuse their
 * arrays this way (fresh memory of these sizes costs page faults). */
static inline int vt_resize_array(void *pp, size_t n, size_t sz)
{
  void **p = pp, *q = realloc(*p, (n ? n : 1) * sz);
  if (!q) return VT_ENOMEM;
  *p = q;
  return 0;
}

/* The incomplete factor of a pair Hessian of nb particles, given by
 * blocks: D (9 per particle, row-major) its diagonal blocks (with any
 * shift), and for the pairs k of particle i, pstart[i] <= k < pstart[i+1],
 * with partners pj[k] > i, the pair stiffness Kb (9 per pair, symmetric;
 * the off-diagonal block is -K). Drop tolerance tau, starting diagonal
 * shift alpha (of the Jacobi-scaled matrix, doubled on breakdown).
 * keep_order: the pairs are those of ic's last factor, whose ordering is
 * reused (it depends on the pattern only). */
/* (General blocks: Kb = -H_ij, not symmetric; H_ji = H_ij^T is used.) */
int vt_ichol_factor(vt_ichol *ic, cholmod_common *cc, size_t nb, const size_t *pstart, const int *pj,
                    const double *Kb, const double *D, double tau, double alpha, int keep_order);
/* b (3 nb) <- M^-1 b; y: 4 nb doubles of workspace, 32-byte aligned. */
void vt_ichol_solve(const vt_ichol *ic, double *b, double *y);
void vt_ichol_free(vt_ichol *ic);
/* VT_EINVAL naming `what` when H holds an incomplete factor (whose solves
 * are approximate: fine for minimizers, wrong for physical quantities). */
int vt_hessian_need_complete(const vt_hessian *H, const char *what);

/* General blocks (hessian_general.c): fill bstart, bj, Kb, D and nblocks
 * from the model's hessian(); y = H x (no shift); the dense matrix (no
 * shift); the strain force Xi and Born term for strain E from the blocks. */
int vt_hessian_general_blocks(vt_hessian *H, struct vt_system *s);
void vt_hessian_general_apply(const vt_hessian *H, const double *x, double *y);
void vt_hessian_general_dense(const vt_hessian *H, double *out);
void vt_hessian_general_strain(const vt_hessian *H, const double E[9], double *xi, double *born);

/* Subtract the mean over particles of each Cartesian component (weighted
 * by w if non-NULL): projection orthogonal to uniform translations. */
void vt_remove_translation(size_t n, double *v, const double *w);

#endif
