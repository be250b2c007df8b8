/* Internals of the Hessian object shared by hessian.c, moduli.c, dipoles.c
 * and modes.c (not installed: the public header keeps CHOLMOD out). */
#ifndef VT_HESSIAN_IMPL_H
#define VT_HESSIAN_IMPL_H
#include <cholmod.h>
#include <math.h>
#include <stddef.h>
#include "elastic/hessian.h"

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
/* In place: b (3n x ncol, column-major, leading dimension 3n) <- H^+ b. */
int vt_hsolver_solve(const vt_hessian *H, vt_hsolver *w, size_t ncol, double *b);

/* The 3x3 pair stiffness K = d2u r^r^ + (du/r)(I - r^r^) of pair k
 * (the off-diagonal Hessian block is -K; MODELS.md header). */
static inline void vt_pair_block(const vt_hessian *H, size_t k, double K[9])
{
  const double *r = H->rij + 3 * k;
  double r2 = r[0] * r[0] + r[1] * r[1] + r[2] * r[2], rr = sqrt(r2);
  double a = H->du[k] / rr, b = (H->d2u[k] - a) / r2;
  for (int p = 0; p < 3; p++)
    for (int q = 0; q < 3; q++) K[3 * p + q] = b * (r[p] * r[q]) + (p == q ? a : 0.0);  /* exactly symmetric */
}

/* Subtract the mean over particles of each Cartesian component (weighted
 * by w if non-NULL): projection orthogonal to uniform translations. */
void vt_remove_translation(size_t n, double *v, const double *w);

#endif
