/* The analytic sparse Hessian of a pair-potential system (and, through
 * hessian_general.c, of a many-body one from its model's 3x3 blocks), its Cholesky
 * factorization with the translational zero modes removed, and the
 * pseudo-inverse solves everything else in src/elastic/ is built on.
 *
 * Pair term (doc/models.md header): for a pair at separation r = x_i - x_j with
 * radial derivatives u', u'', the stiffness K = u'' r^r^ + (u'/r)(I - r^r^)
 * gives the off-diagonal block H_ij = -K and H_ii = sum_j K_ij.
 *
 * Storage: the full 3N x 3N matrix as a CHOLMOD compressed-column lower
 * triangle. Column 3i+a holds the lower part of the diagonal block of i, then
 * the blocks of i's partners j > i in ascending order: exactly the half
 * neighbor list, so each column is filled independently (OpenMP over
 * particles, deterministic).
 *
 * Zero modes: a periodic system at a stable minimum has exactly three zero
 * modes, the uniform translations. Holding the last particle fixed removes
 * them: the leading (3N-3) block is positive definite and factorized by
 * CHOLMOD (supernodal LL^T; Chen, Davis, Hager, Rajamanickam, ACM TOMS 35,
 * 22 (2008)). For a right-hand side b with zero net force, x = (A^-1 b_r, 0)
 * solves H x = b (the fixed particle's rows follow from sum_i (Hx)_i = 0),
 * and subtracting the mean displacement gives the pseudo-inverse H^+ b.
 * Anything else non-positive (a rattler, a saddle) makes the factorization
 * fail or leaves a pivot at round-off level: VT_ESINGULAR naming the
 * particle. */
#include "elastic/hessian_impl.h"
#include "core/error.h"
#include "core/neighbor.h"
#include "core/system.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>
#ifdef _OPENMP
#include <omp.h>
#endif

/* The weighted mean is summed in four fixed lanes (particle i in lane
 * i mod 4, added pairwise): twelve independent chains of additions instead
 * of three (a minimizer projects twice per step). */
void vt_remove_translation(size_t n, double *v, const double *w)
{
  double l[4][3] = {{0, 0, 0}, {0, 0, 0}, {0, 0, 0}, {0, 0, 0}}, lw[4] = {0, 0, 0, 0};
  size_t i = 0;
  for (; i + 4 <= n; i += 4)
    for (int k = 0; k < 4; k++) {
      const double wi = w ? w[i + (size_t)k] : 1.0;
      lw[k] += wi;
      for (int a = 0; a < 3; a++) l[k][a] += wi * v[3 * (i + (size_t)k) + a];
    }
  for (int k = 0; i < n; i++, k++) {
    const double wi = w ? w[i] : 1.0;
    lw[k] += wi;
    for (int a = 0; a < 3; a++) l[k][a] += wi * v[3 * i + a];
  }
  const double ws = (lw[0] + lw[1]) + (lw[2] + lw[3]);
  double c[3];
  for (int a = 0; a < 3; a++) c[a] = ((l[0][a] + l[1][a]) + (l[2][a] + l[3][a])) / ws;
  for (size_t i = 0; i < n; i++)
    for (int a = 0; a < 3; a++) v[3 * i + a] -= c[a];
}

static void cc_defaults(cholmod_common *cc)
{
  cc->print = 0;                        /* the library never prints */
  cc->supernodal = CHOLMOD_SUPERNODAL;  /* LL^T: a non-positive pivot is an error */
  cc->final_ll = 1;
}

void vt_hessian_free(vt_hessian *H)
{
  if (!H) return;
  if (H->cc_started) {
    if (H->L) cholmod_l_free_factor(&H->L, &H->cc);
    vt_ichol_free(&H->ic);
    if (H->A) cholmod_l_free_sparse(&H->A, &H->cc);
    cholmod_l_finish(&H->cc);
  }
  free(H->x); free(H->mass);
  free(H->pi); free(H->pj); free(H->rij); free(H->du); free(H->d2u); free(H->pstart);
  free(H->kappa_all); free(H->omega_all);
  free(H->Kb); free(H->D);
  if (H->general) { free(H->bstart); free(H->bj); }
  free(H->sT);
  free(H);
}

/* Interacting partners j > i of particle i (r < pair cutoff), sorted by j,
 * written at pairs k0.. (or only counted when H->pi is NULL). */
static size_t gather_pairs(vt_hessian *H, const vt_system *s, size_t i, size_t k0)
{
  const vt_neighbor *nl = s->nl;
  const vt_potential *pot = s->pot;
  const double inv[3] = {1.0 / s->box[0], 1.0 / s->box[1], 1.0 / s->box[2]};
  size_t k = k0;
  for (size_t q = nl->start[i]; q < nl->start[i + 1]; q++) {
    const size_t j = (size_t)nl->list[q];
    double d[3] = {s->x[3 * i] - s->x[3 * j], s->x[3 * i + 1] - s->x[3 * j + 1], s->x[3 * i + 2] - s->x[3 * j + 2]};
    /* the minimum image (multiplying by 1/L: the pairs kept are far
     * closer than L/2, where the rounding could differ from d/L) */
    for (int a = 0; a < 3; a++) d[a] -= s->box[a] * nearbyint(d[a] * inv[a]);
    double r2 = d[0] * d[0] + d[1] * d[1] + d[2] * d[2];
    double rc = H->range * vt_potential_cutoff(pot, s->sigma[i], s->sigma[j], s->type[i], s->type[j]);
    if (!(r2 < rc * rc)) continue;
    if (H->pi) {
      double du = NAN, d2u = NAN, r = sqrt(r2);   /* a many-body model has no pair derivatives */
      if (!H->general) vt_potential_pair(pot, r, s->sigma[i], s->sigma[j], s->type[i], s->type[j], NULL, &du, &d2u);
      /* insertion by j keeps columns sorted */
      size_t p = k;
      while (p > k0 && (size_t)H->pj[p - 1] > j) {
        H->pi[p] = H->pi[p - 1]; H->pj[p] = H->pj[p - 1];
        memcpy(H->rij + 3 * p, H->rij + 3 * (p - 1), 3 * sizeof(double));
        H->du[p] = H->du[p - 1]; H->d2u[p] = H->d2u[p - 1];
        p--;
      }
      H->pi[p] = (int)i; H->pj[p] = (int)j;
      memcpy(H->rij + 3 * p, d, sizeof d);
      H->du[p] = du; H->d2u[p] = d2u;
    }
    k++;
  }
  return k - k0;
}

static int snapshot(vt_hessian *H, vt_system *s)
{
  const size_t n = s->n;
  /* a preconditioner (an incomplete factor, for a minimizer) needs no
   * stresses: forces and energy cost half as much */
  const int stresses = !(H->incomplete > 0);
  /* the p+/p- split exists for pair models only */
  const unsigned split = H->general ? 0u : VT_PSPLIT;
  int rc = vt_system_compute(s, stresses ? VT_ENERGY | VT_VIRIAL | split : VT_ENERGY);
  if (rc) return rc;
  rc = vt_neighbor_update(s, NULL);
  if (rc) return rc;
  H->st.energy = s->energy;
  for (int a = 0; a < 6; a++) H->st.virial[a] = stresses ? s->virial[a] : NAN;
  H->st.w_plus = stresses && !H->general ? s->w_plus : NAN;
  H->st.w_minus = stresses && !H->general ? s->w_minus : NAN;
  double fmax = 0;
  for (size_t k = 0; k < 3 * n; k++) fmax = fmax > fabs(s->f[k]) ? fmax : fabs(s->f[k]);
  H->st.fmax = fmax;
  memcpy(H->box, s->box, sizeof H->box);
  H->volume = vt_system_volume(s);
  /* a refresh reuses the arrays (fresh memory of this size costs page faults) */
  if (vt_resize_array(&H->x, 3 * n, sizeof(double)) || vt_resize_array(&H->mass, n, sizeof(double)) ||
      vt_resize_array(&H->pstart, n + 1, sizeof(size_t)))
    return vt_error(VT_ENOMEM, "hessian: out of memory (%zu particles)", n);
  H->pstart[0] = 0;
  memcpy(H->x, s->x, 3 * n * sizeof(double));
  memcpy(H->mass, s->mass, n * sizeof(double));
  H->equal_masses = 1;
  H->msum = 0;
  for (size_t i = 0; i < n; i++) {
    H->msum += H->mass[i];
    if (H->mass[i] != H->mass[0]) H->equal_masses = 0;
  }

  /* count, prefix sum, fill: the pair order is that of the half list by i
   * (then by j), independent of the thread count */
  #pragma omp parallel for schedule(static)
  for (size_t i = 0; i < n; i++) H->pstart[i + 1] = gather_pairs(H, s, i, 0);
  for (size_t i = 0; i < n; i++) H->pstart[i + 1] += H->pstart[i];
  const size_t np = H->pstart[n];
  H->npairs = np;
  size_t m = np ? np : 1;
  H->pi = malloc(m * sizeof(int));
  H->pj = malloc(m * sizeof(int));
  if (!H->pi || !H->pj || vt_resize_array(&H->rij, 3 * m, sizeof(double)) || vt_resize_array(&H->du, m, sizeof(double)) ||
      vt_resize_array(&H->d2u, m, sizeof(double)))
    return vt_error(VT_ENOMEM, "hessian: out of memory (%zu pairs)", np);
  #pragma omp parallel for schedule(static)
  for (size_t i = 0; i < n; i++) gather_pairs(H, s, i, H->pstart[i]);

  /* a particle without any interacting neighbour is a rattler: three extra
   * zero modes that no factorization can handle */
  char *has = calloc(n, 1);
  if (!has) return vt_error(VT_ENOMEM, "hessian: out of memory");
  for (size_t k = 0; k < np; k++) has[H->pi[k]] = has[H->pj[k]] = 1;
  for (size_t i = 0; i < n && H->shift == 0 && H->range == 1.0; i++)
    if (!has[i]) {
      free(has);
      return vt_error(VT_ESINGULAR,
                      "hessian: particle %zu has no interacting neighbour (a rattler): the Hessian has zero "
                      "modes besides the three translations", i + 1);
    }
  free(has);
  for (size_t k = 0; k < np && !H->general; k++)
    if (!isfinite(H->du[k]) || !isfinite(H->d2u[k]))
      return vt_error(VT_ENONFINITE, "hessian: pair (%d, %d) has non-finite derivatives", H->pi[k] + 1, H->pj[k] + 1);
  return 0;
}

/* The blocks, the pair stiffnesses (9 per pair) and the diagonal blocks (9
 * per particle, with the shift), in H->Kb and H->D; for a complete factor
 * also the full lower triangle (3n columns) in H->A, and the blocks are
 * freed again (an incomplete factor is built from them, and its object
 * keeps their memory: it is refreshed over and over). */
static int assemble(vt_hessian *H)
{
  const size_t n = H->n, np = H->npairs, dim = H->dim;
  if (!H->general) {
    if (vt_resize_array(&H->Kb, 9 * np, sizeof *H->Kb) || vt_resize_array(&H->D, 9 * n, sizeof *H->D))
      return vt_error(VT_ENOMEM, "hessian: out of memory");
    double *Kb = H->Kb, *D = H->D;
    memset(D, 0, 9 * n * sizeof *D);
    #pragma omp parallel for schedule(static)
    for (size_t k = 0; k < np; k++) vt_pair_block(H, k, Kb + 9 * k);
    for (size_t k = 0; k < np; k++) {       /* H_ii = sum_j K_ij (serial: deterministic, cheap) */
      double *a = D + 9 * (size_t)H->pi[k], *b = D + 9 * (size_t)H->pj[k];
      for (int q = 0; q < 9; q++) { a[q] += Kb[9 * k + q]; b[q] += Kb[9 * k + q]; }
    }
    H->bstart = H->pstart;
    H->bj = H->pj;
    H->nblocks = np;
  }   /* else: vt_hessian_general_blocks filled them */
  double *Kb = H->Kb, *D = H->D;
  const size_t nbk = H->nblocks;
  if (H->shift > 0) {
    double tr = 0;
    for (size_t i = 0; i < n; i++) tr += D[9 * i] + D[9 * i + 4] + D[9 * i + 8];
    H->mu = H->shift * fabs(tr) / (double)dim;
    if (!(H->mu > 0)) H->mu = H->shift;   /* no interactions at all: an absolute shift */
    for (size_t i = 0; i < n; i++) { D[9 * i] += H->mu; D[9 * i + 4] += H->mu; D[9 * i + 8] += H->mu; }
  }
  size_t nnz = 6 * n + 9 * nbk;
  if (H->incomplete > 0) {   /* the incomplete factor is built from the blocks alone */
    if (H->A) cholmod_l_free_sparse(&H->A, &H->cc);
    return 0;
  }
  if (H->A && H->A->nzmax < nnz) cholmod_l_free_sparse(&H->A, &H->cc);   /* else a refresh reuses it */
  if (!H->A) H->A = cholmod_l_allocate_sparse(dim, dim, nnz, 1, 1, -1, CHOLMOD_REAL, &H->cc);
  if (!H->A) {
    if (!H->general) { free(H->Kb); free(H->D); H->Kb = H->D = NULL; }
    return vt_error(VT_ENOMEM, "hessian: out of memory for the sparse matrix (%zu entries)", nnz);
  }
  SuiteSparse_long *Ap = H->A->p, *Ai = H->A->i;
  double *Ax = H->A->x;
  Ap[0] = 0;
  for (size_t i = 0; i < n; i++) {
    size_t npi = H->bstart[i + 1] - H->bstart[i];
    for (int a = 0; a < 3; a++) Ap[3 * i + a + 1] = Ap[3 * i + a] + (SuiteSparse_long)(3 - a + 3 * npi);
  }
  #pragma omp parallel for schedule(static)
  for (size_t i = 0; i < n; i++) {
    for (int a = 0; a < 3; a++) {
      SuiteSparse_long q = Ap[3 * i + a];
      for (int b = a; b < 3; b++) { Ai[q] = (SuiteSparse_long)(3 * i + b); Ax[q++] = D[9 * i + 3 * b + a]; }
      /* row 3j+b of column 3i+a: H_ji[b][a] = H_ij[a][b] = -Kb[3a+b] (K
       * symmetric for pairs) */
      for (size_t k = H->bstart[i]; k < H->bstart[i + 1]; k++)
        for (int b = 0; b < 3; b++) { Ai[q] = (SuiteSparse_long)(3 * (size_t)H->bj[k] + b); Ax[q++] = -Kb[9 * k + 3 * a + b]; }
    }
  }
  /* general objects keep their blocks (apply, dense and strains read them) */
  if (!H->general) { free(H->Kb); free(H->D); H->Kb = H->D = NULL; }
  return 0;
}

int vt_hessian_need_complete(const vt_hessian *H, const char *what)
{
  if (H->incomplete > 0)
    return vt_error(VT_EINVAL, "hessian: %s need the complete factor; this object holds an incomplete one "
                    "(opts.incomplete: a preconditioner for minimizers)", what);
  return 0;
}

/* Kb, D: assemble's blocks (the incomplete factor is built from them). */
static int factorize(vt_hessian *H, const double *Kb, const double *D)
{
  const size_t nr = H->nr;
  cholmod_common *cc = &H->cc;
  if (H->incomplete > 0) {
    if (H->L) cholmod_l_free_factor(&H->L, cc);
    /* all 3n degrees of freedom: holding a particle fixed is exact only
     * for exact solves (an approximate one would never relax the held
     * particle's force); the diagonal shift makes the whole matrix positive
     * definite, and solves are projected as usual */
    return vt_ichol_factor(&H->ic, cc, H->n, H->bstart, H->bj, Kb, D, H->incomplete, 0.0, H->same_pattern);
  }
  vt_ichol_free(&H->ic);
  /* the leading nr x nr block: the last particle's rows come last in every
   * (sorted) column, so each reduced column is a prefix */
  const SuiteSparse_long *Ap = H->A->p, *Ai = H->A->i;
  const double *Ax = H->A->x;
  size_t nnz = 0;
  for (size_t c = 0; c < nr; c++)
    for (SuiteSparse_long q = Ap[c]; q < Ap[c + 1] && (size_t)Ai[q] < nr; q++) nnz++;
  cholmod_sparse *R = cholmod_l_allocate_sparse(nr, nr, nnz, 1, 1, -1, CHOLMOD_REAL, cc);
  if (!R) return vt_error(VT_ENOMEM, "hessian: out of memory for the reduced matrix");
  SuiteSparse_long *Rp = R->p, *Ri = R->i;
  double *Rx = R->x;
  size_t w = 0;
  Rp[0] = 0;
  for (size_t c = 0; c < nr; c++) {
    for (SuiteSparse_long q = Ap[c]; q < Ap[c + 1] && (size_t)Ai[q] < nr; q++) { Ri[w] = Ai[q]; Rx[w++] = Ax[q]; }
    Rp[c + 1] = (SuiteSparse_long)w;
  }
  if (!H->L) H->L = cholmod_l_analyze(R, cc);   /* else a refresh on the same pattern */
  if (!H->L) {
    cholmod_l_free_sparse(&R, cc);
    return vt_error(cc->status == CHOLMOD_OUT_OF_MEMORY ? VT_ENOMEM : VT_EINVAL,
                    "hessian: CHOLMOD analysis failed (status %d)", cc->status);
  }
  if (vt_interrupted()) { cholmod_l_free_sparse(&R, cc); return vt_error(VT_EINTR, "hessian: interrupted"); }
  int ok = cholmod_l_factorize(R, H->L, cc);
  cholmod_l_free_sparse(&R, cc);
  const SuiteSparse_long *Perm = H->L->Perm;
  if (cc->status == CHOLMOD_NOT_POSDEF) {
    size_t k = H->L->minor, dof = Perm && k < nr ? (size_t)Perm[k] : k;
    return vt_error(VT_ESINGULAR,
                    "hessian: the Hessian is not positive definite beyond the three translations (a negative or zero "
                    "mode: a saddle rather than a minimum, or a rattler); it showed up at particle %zu (degree of "
                    "freedom %c)", dof / 3 + 1, "xyz"[dof % 3]);
  }
  if (!ok || cc->status < 0)
    return vt_error(cc->status == CHOLMOD_OUT_OF_MEMORY ? VT_ENOMEM : VT_EINVAL,
                    "hessian: CHOLMOD factorization failed (status %d)", cc->status);
  if (!H->L->is_super || !H->L->is_ll)
    return vt_error(VT_EINVAL, "hessian: CHOLMOD did not return a supernodal LL^T factor");
  /* pivots at round-off level: zero modes CHOLMOD got through */
  const SuiteSparse_long *super = H->L->super, *Lpi = H->L->pi, *Lpx = H->L->px;
  const double *Lx = H->L->x;
  double pmax = 0, pmin = INFINITY;
  size_t kmin = 0;
  for (size_t sn = 0; sn < H->L->nsuper; sn++) {
    SuiteSparse_long k1 = super[sn], k2 = super[sn + 1], nsrow = Lpi[sn + 1] - Lpi[sn];
    for (SuiteSparse_long k = k1; k < k2; k++) {
      double d = Lx[Lpx[sn] + (k - k1) + (k - k1) * nsrow];
      d *= d;
      if (d > pmax) pmax = d;
      if (d < pmin) { pmin = d; kmin = (size_t)k; }
    }
  }
  if (!(pmin > H->singular_tol * pmax)) {
    size_t dof = Perm ? (size_t)Perm[kmin] : kmin;
    return vt_error(VT_ESINGULAR,
                    "hessian: the Hessian is singular to working precision beyond the three translations (pivot "
                    "ratio %.3g): a zero mode (a rattler or a floppy region) at particle %zu (degree of freedom %c)",
                    pmin / pmax, dof / 3 + 1, "xyz"[dof % 3]);
  }
  return 0;
}

static int set_opts(vt_hessian *H, const vt_hessian_opts *opts)
{
  if (opts && !(opts->shift >= 0 && isfinite(opts->shift)))
    return vt_error(VT_EINVAL, "hessian: shift must be a finite number >= 0 (got %g)", opts->shift);
  if (opts && !(opts->range >= 0 && opts->range <= 1))
    return vt_error(VT_EINVAL, "hessian: range must be in (0, 1] (0: the default 1; got %g)", opts->range);
  H->singular_tol = opts && opts->singular_tol > 0 ? opts->singular_tol : 1e-12;
  H->shift = opts && opts->shift > 0 ? opts->shift : 0.0;
  if (opts && !(opts->incomplete >= 0 && opts->incomplete < 1))
    return vt_error(VT_EINVAL, "hessian: incomplete (a drop tolerance) must be in [0, 1) (got %g)", opts->incomplete);
  H->range = opts && opts->range > 0 ? opts->range : 1.0;
  if (H->general && H->range != 1.0)
    return vt_error(VT_EINVAL, "hessian: range < 1 (dropping the farther pairs) is for pair potentials; "
                    "a many-body model's Hessian is complete");
  H->incomplete = opts ? opts->incomplete : 0.0;
  return 0;
}

static int assemble_factorize(vt_hessian *H)
{
  int rc = assemble(H);
  if (!rc) rc = factorize(H, H->Kb, H->D);
  return rc;
}

int vt_hessian_create(vt_system *s, const vt_hessian_opts *opts, vt_hessian **out)
{
  *out = NULL;
  if (!s->pot) return vt_error(VT_EINVAL, "hessian: the system has no potential");
  /* a many-body model must supply its blocks */
  if (!vt_potential_is_pairwise(s->pot) && !s->pot->type->hessian)
    return vt_error(VT_EINVAL, "hessian: the many-body model %s supplies no second derivatives", s->pot->type->name);
  int rc;
  if (s->n < 2) return vt_error(VT_EINVAL, "hessian: needs at least 2 particles (got %zu)", s->n);
  if (3 * s->n > (size_t)1 << 40) return vt_error(VT_ERANGE, "hessian: %zu particles is too many", s->n);
  vt_hessian *H = calloc(1, sizeof *H);
  if (!H) return vt_error(VT_ENOMEM, "hessian: out of memory");
  H->n = s->n;
  H->dim = 3 * s->n;
  H->nr = H->dim - 3;
  H->general = !vt_potential_is_pairwise(s->pot);
  rc = set_opts(H, opts);
  if (rc) { free(H); return rc; }
  rc = snapshot(H, s);
  if (!rc && H->general) rc = vt_hessian_general_blocks(H, s);
  if (rc) { vt_hessian_free(H); return rc; }
  if (!cholmod_l_start(&H->cc)) { vt_hessian_free(H); return vt_error(VT_ENOMEM, "hessian: CHOLMOD could not start"); }
  H->cc_started = 1;
  cc_defaults(&H->cc);
  if ((rc = assemble_factorize(H))) { vt_hessian_free(H); return rc; }
  *out = H;
  return 0;
}

int vt_hessian_refresh(vt_hessian *H, vt_system *s, const vt_hessian_opts *opts)
{
  if (s->n != H->n)
    return vt_error(VT_EINVAL, "hessian: a refresh needs the same number of particles (%zu, not %zu)", H->n, s->n);
  if (!s->pot) return vt_error(VT_EINVAL, "hessian: the system has no potential");
  if (H->general != !vt_potential_is_pairwise(s->pot))
    return vt_error(VT_EINVAL, "hessian: a refresh needs a potential of the same kind (pairwise or many-body)");
  int rc = set_opts(H, opts);
  if (rc) return rc;
  int *opi = H->pi, *opj = H->pj;
  size_t onp = H->npairs;
  free(H->kappa_all); free(H->omega_all);
  H->kappa_all = H->omega_all = NULL;
  H->pi = H->pj = NULL;
  H->npairs = 0;
  /* a general object compares its block pattern (kept aside) */
  size_t *obs = NULL, onb = H->nblocks;
  int *obj = NULL;
  if (H->general) { obs = H->bstart; obj = H->bj; H->bstart = NULL; H->bj = NULL; }
  rc = snapshot(H, s);
  if (!rc && H->general) rc = vt_hessian_general_blocks(H, s);
  int same = !rc && H->npairs == onp && (onp == 0 || (memcmp(opi, H->pi, onp * sizeof *opi) == 0 &&
                                                     memcmp(opj, H->pj, onp * sizeof *opj) == 0));
  if (H->general)
    same = same && obs && H->nblocks == onb && memcmp(obs, H->bstart, (H->n + 1) * sizeof *obs) == 0 &&
           (onb == 0 || memcmp(obj, H->bj, onb * sizeof *obj) == 0);
  free(opi); free(opj);
  if (H->general) { free(obs); free(obj); }
  if (!same && H->L) cholmod_l_free_factor(&H->L, &H->cc);
  if (rc) return rc;
  H->refreshes++;
  if (same) H->reused++;
  H->same_pattern = same;
  return assemble_factorize(H);
}

void vt_hessian_refresh_stats(const vt_hessian *H, long *refreshes, long *reused)
{
  *refreshes = H->refreshes;
  *reused = H->reused;
}

size_t vt_hessian_n(const vt_hessian *H) { return H->n; }
size_t vt_hessian_npairs(const vt_hessian *H) { return H->npairs; }
size_t vt_hessian_nnz(const vt_hessian *H) { return 6 * H->n + 9 * H->nblocks; }
double vt_hessian_volume(const vt_hessian *H) { return H->volume; }
void vt_hessian_state_get(const vt_hessian *H, vt_hessian_state *st) { *st = H->st; }

double vt_hessian_factor_nnz(const vt_hessian *H)
{
  if (H->incomplete > 0) return (double)(9 * H->ic.nnz + 6 * H->ic.nb);   /* strictly lower blocks + diagonal ones */
  const cholmod_factor *L = H->L;
  if (!L || !L->is_super) return 0;
  const SuiteSparse_long *super = L->super, *Lpi = L->pi;
  double nz = 0;
  for (size_t sn = 0; sn < L->nsuper; sn++) {
    double ncol = (double)(super[sn + 1] - super[sn]), nrow = (double)(Lpi[sn + 1] - Lpi[sn]);
    nz += ncol * nrow - ncol * (ncol - 1) / 2;   /* lower trapezoid of the supernode */
  }
  return nz;
}

void vt_hessian_pair(const vt_hessian *H, size_t k, int *i, int *j)
{
  *i = H->pi[k];
  *j = H->pj[k];
}

void vt_hessian_csc(const vt_hessian *H, const long **colptr, const long **rowind, const double **val)
{
  if (!H->A) { *colptr = *rowind = NULL; *val = NULL; return; }   /* an incomplete object keeps none */
  *colptr = (const long *)H->A->p;
  *rowind = (const long *)H->A->i;
  *val = H->A->x;
}

void vt_hessian_apply(const vt_hessian *H, int mass_weighted, const double *x, double *y)
{
  const size_t n = H->n;
  double *t = NULL;
  if (mass_weighted) {
    t = malloc(3 * n * sizeof(double));
    if (!t) { for (size_t k = 0; k < 3 * n; k++) y[k] = NAN; return; }
    for (size_t i = 0; i < n; i++)
      for (int a = 0; a < 3; a++) t[3 * i + a] = x[3 * i + a] / sqrt(H->mass[i]);
    x = t;
  }
  memset(y, 0, 3 * n * sizeof(double));
  if (H->general) vt_hessian_general_apply(H, x, y);
  for (size_t k = 0; k < H->npairs && !H->general; k++) {
    double K[9], d[3];
    vt_pair_block(H, k, K);
    size_t i = (size_t)H->pi[k], j = (size_t)H->pj[k];
    for (int a = 0; a < 3; a++) d[a] = x[3 * i + a] - x[3 * j + a];
    for (int a = 0; a < 3; a++) {
      double v = K[3 * a] * d[0] + K[3 * a + 1] * d[1] + K[3 * a + 2] * d[2];
      y[3 * i + a] += v;
      y[3 * j + a] -= v;
    }
  }
  if (H->mu != 0)
    for (size_t k = 0; k < 3 * n; k++) y[k] += H->mu * x[k];
  if (mass_weighted) {
    for (size_t i = 0; i < n; i++)
      for (int a = 0; a < 3; a++) y[3 * i + a] /= sqrt(H->mass[i]);
    free(t);
  }
}

int vt_hessian_dense(const vt_hessian *H, int mass_weighted, double *out)
{
  const size_t dim = H->dim;
  memset(out, 0, dim * dim * sizeof(double));
  if (H->general) vt_hessian_general_dense(H, out);
  for (size_t k = 0; k < H->npairs && !H->general; k++) {
    double K[9];
    vt_pair_block(H, k, K);
    size_t i = (size_t)H->pi[k], j = (size_t)H->pj[k];
    for (int a = 0; a < 3; a++)
      for (int b = 0; b < 3; b++) {
        double v = K[3 * a + b];
        out[(3 * i + a) * dim + 3 * i + b] += v;
        out[(3 * j + a) * dim + 3 * j + b] += v;
        out[(3 * i + a) * dim + 3 * j + b] -= v;
        out[(3 * j + a) * dim + 3 * i + b] -= v;
      }
  }
  for (size_t p = 0; p < dim; p++) out[p * dim + p] += H->mu;
  if (mass_weighted)
    for (size_t p = 0; p < dim; p++)
      for (size_t q = 0; q < dim; q++) out[p * dim + q] /= sqrt(H->mass[p / 3] * H->mass[q / 3]);
  return 0;
}

/* ---- solves ---- */

int vt_hsolver_init(const vt_hessian *H, vt_hsolver *w)
{
  memset(w, 0, sizeof *w);
  if (!cholmod_l_start(&w->cc)) return vt_error(VT_ENOMEM, "hessian: CHOLMOD could not start");
  cc_defaults(&w->cc);
  return 0;
}

void vt_hsolver_free(vt_hsolver *w)
{
  if (w->X) cholmod_l_free_dense(&w->X, &w->cc);
  if (w->Y) cholmod_l_free_dense(&w->Y, &w->cc);
  if (w->E) cholmod_l_free_dense(&w->E, &w->cc);
  cholmod_l_finish(&w->cc);
}

int vt_hsolver_solve(const vt_hessian *H, vt_hsolver *w, size_t ncol, double *b)
{
  const size_t n = H->n, dim = H->dim, nr = H->nr;
  if (ncol == 0) return 0;
  for (size_t c = 0; c < ncol; c++) vt_remove_translation(n, b + dim * c, NULL);
  if (H->incomplete > 0) {
    double *y = aligned_alloc(32, 4 * n * sizeof *y);
    if (!y) return vt_error(VT_ENOMEM, "hessian: out of memory for a solve");
    for (size_t c = 0; c < ncol; c++) {
      double *bc = b + dim * c;
      vt_ichol_solve(&H->ic, bc, y);
      vt_remove_translation(n, bc, NULL);
    }
    free(y);
    return 0;
  }
  /* a view of the reduced rows of b (leading dimension 3n) */
  cholmod_dense B = {.nrow = nr, .ncol = ncol, .nzmax = dim * ncol, .d = dim, .x = b, .z = NULL,
                     .xtype = CHOLMOD_REAL, .dtype = CHOLMOD_DOUBLE};
  if (!cholmod_l_solve2(CHOLMOD_A, H->L, &B, NULL, &w->X, NULL, &w->Y, &w->E, &w->cc) || !w->X)
    return vt_error(w->cc.status == CHOLMOD_OUT_OF_MEMORY ? VT_ENOMEM : VT_EINVAL,
                    "hessian: CHOLMOD solve failed (status %d)", w->cc.status);
  const double *X = w->X->x;
  const size_t ld = w->X->d;
  for (size_t c = 0; c < ncol; c++) {
    double *bc = b + dim * c;
    memcpy(bc, X + ld * c, nr * sizeof(double));
    bc[nr] = bc[nr + 1] = bc[nr + 2] = 0.0;
    vt_remove_translation(n, bc, NULL);
  }
  return 0;
}

int vt_hessian_solve(vt_hessian *H, size_t ncol, const double *b, double *x)
{
  if (x != b) memcpy(x, b, H->dim * ncol * sizeof(double));
  if (H->incomplete > 0) return vt_hsolver_solve(H, NULL, ncol, x);   /* no CHOLMOD workspace */
  vt_hsolver w;
  int rc = vt_hsolver_init(H, &w);
  if (rc) return rc;
  rc = vt_hsolver_solve(H, &w, ncol, x);
  vt_hsolver_free(&w);
  return rc;
}
