/* The Hessian of a system and what it is used for: athermal
 * elastic moduli with their non-affine corrections, force-dipole responses
 * (kappa_ij, omega_g) and the lowest vibrational modes (doc/protocols.md sections
 * 2 and 3).
 *
 * vt_hessian_create takes a snapshot of the system (positions, box, masses,
 * every interacting pair with dU/dr and d2U/dr2), assembles the 3N x 3N
 * analytic Hessian as a CHOLMOD sparse lower triangle and factorizes it once
 * (supernodal Cholesky) with the three translational zero modes removed:
 * the last particle is held fixed, and every solution is projected back onto
 * the space orthogonal to uniform translations, so a solve returns the
 * pseudo-inverse H^+ b (b is first projected onto zero net force). Any other
 * zero or negative mode (a rattler, a saddle) makes the factorization fail
 * with VT_ESINGULAR and a message naming the particle where it showed up.
 *
 * Pair models give pair blocks K(r) (MODELS.md header); a many-body model
 * (vt_potential_type.hessian) gives general 3x3 blocks for every pair its
 * terms couple (for three-body terms also the pairs sharing a neighbour),
 * with the Born term and Xi from the same per-term blocks; the p+/p- split
 * of the state is then NaN, and range < 1 is refused.
 *
 * The snapshot is independent of the system afterwards: changing the system
 * does not change the Hessian (build a new one).
 *
 * Mass weighting: the factorized matrix is always the plain Hessian H;
 * mass-weighted quantities (M^-1/2 H M^-1/2: frequencies, omega_g) are
 * obtained from it by diagonal scalings, so no second factorization is
 * needed. This header keeps CHOLMOD out of the public API. */
#ifndef VT_HESSIAN_H
#define VT_HESSIAN_H
#include <stddef.h>

struct vt_system;
typedef struct vt_hessian vt_hessian;

typedef struct vt_hessian_opts {
  /* A Cholesky pivot L_kk^2 below singular_tol * max_k L_kk^2 is reported as
   * a zero mode besides the translations (VT_ESINGULAR). 0: default 1e-12. */
  double singular_tol;
  /* Levenberg-Marquardt shift: factorize H + mu I with mu = shift times the
   * mean diagonal entry of H (0: none, the default), which is positive
   * definite for a large enough shift even at a saddle; particles without
   * interacting neighbours are then allowed. vt_hessian_apply and
   * vt_hessian_dense include mu; solves (last particle held fixed, as
   * always) give a damped Newton direction. For minimizers
   * (src/minimize/newton.c): moduli, dipoles and modes of a shifted object
   * are not physical quantities. */
  double shift;
  /* Keep only pairs closer than range times their pair cutoff (0: the
   * default 1, every interacting pair): a sparser approximate Hessian, the
   * stiff near-neighbour part, whose factor is far cheaper; a
   * preconditioner for minimizers (Packwood et al., J. Chem. Phys. 144,
   * 164109 (2016)), not a physical Hessian. With range < 1 particles
   * without kept pairs are allowed (use a shift). */
  double range;
  /* > 0: instead of the complete Cholesky factor, an incomplete one with
   * threshold dropping (IC(tau), src/elastic/ichol.c) with this drop
   * tolerance tau (relative to the Jacobi-scaled matrix, e.g. 1e-2), whose
   * diagonal shift grows until it exists. Solves are then approximate,
   * M^-1 b with M ~ H: a preconditioner for minimizers; moduli, strain,
   * dipoles and modes refuse such an object. 0: the complete factor. */
  double incomplete;
} vt_hessian_opts;

/* Assemble and factorize (opts may be NULL). Needs a potential; brings the
 * neighbor list up to date. Errors: VT_EINVAL (no potential, n < 2),
 * VT_ESINGULAR (a rattler without interacting neighbours, another zero mode,
 * or a negative mode: not a minimum), VT_ENOMEM, VT_EINTR. */
int vt_hessian_create(struct vt_system *s, const vt_hessian_opts *opts, vt_hessian **out);
void vt_hessian_free(vt_hessian *H);
/* Re-evaluate and refactorize at the system's current state (the same
 * particle count; opts as for create, may be NULL), reusing the object's
 * memory and, when the list of interacting pairs is unchanged, CHOLMOD's
 * symbolic analysis (fill-reducing ordering and supernodes): for
 * minimizers, which factorize one system again and again. The result is
 * that of vt_hessian_create at the same state. After an error the object
 * may only be freed. */
int vt_hessian_refresh(vt_hessian *H, struct vt_system *s, const vt_hessian_opts *opts);
/* How many refreshes this object had, and how many kept the analysis. */
void vt_hessian_refresh_stats(const vt_hessian *H, long *refreshes, long *reused);

/* Sizes and the snapshot. */
size_t vt_hessian_n(const vt_hessian *H);         /* particles */
size_t vt_hessian_npairs(const vt_hessian *H);    /* interacting pairs (r < pair cutoff) */
size_t vt_hessian_nnz(const vt_hessian *H);       /* stored entries of the lower triangle */
double vt_hessian_factor_nnz(const vt_hessian *H);/* entries of the Cholesky factor */
double vt_hessian_volume(const vt_hessian *H);
/* The k-th interacting pair (0-based particle indices, i < j). */
void vt_hessian_pair(const vt_hessian *H, size_t k, int *i, int *j);
/* Snapshot observables: potential energy, virial tensor (xx yy zz xy xz yz),
 * trace of W from repulsive / attractive pairs, largest force component
 * (an object with an incomplete factor, a preconditioner, does not compute
 * the stresses: virial, w_plus and w_minus are NaN). */
typedef struct vt_hessian_state {
  double energy, virial[6], w_plus, w_minus, fmax;
} vt_hessian_state;
void vt_hessian_state_get(const vt_hessian *H, vt_hessian_state *st);

/* y = H x (mass_weighted: y = M^-1/2 H M^-1/2 x); x, y are 3n, interleaved. */
void vt_hessian_apply(const vt_hessian *H, int mass_weighted, const double *x, double *y);
/* The dense 3n x 3n matrix (row-major) for small systems and checks. */
int vt_hessian_dense(const vt_hessian *H, int mass_weighted, double *out);
/* The stored sparse lower triangle in compressed columns (3n columns; rows
 * ascending within a column): pointers into the Hessian, valid while it lives
 * (NULL for an object with an incomplete factor, which keeps only the pair
 * blocks). */
void vt_hessian_csc(const vt_hessian *H, const long **colptr, const long **rowind, const double **val);

/* x = H^+ b for ncol right-hand sides (column k is b + 3n k). b is projected
 * onto zero net force first; x is orthogonal to uniform translations. x and b
 * may be the same buffer. */
int vt_hessian_solve(vt_hessian *H, size_t ncol, const double *b, double *x);

/* ---- homogeneous strain (moduli.c) ----
 * An affine deformation x -> (I + t E) x of the whole periodic system
 * (E a 3x3 row-major matrix). Born term d2U/dt2 at fixed non-affine
 * displacements, first derivative dU/dt, and the non-affine relaxation
 * Xi.H^+.Xi with Xi = d(grad U)/dt; the relaxed (quasistatic) second
 * derivative is born - nonaffine (Lutsko, J. Appl. Phys. 65, 2991 (1989);
 * Maloney and Lemaitre, PRE 74, 016118 (2006)). */
typedef struct vt_strain_response {
  double dU, born, nonaffine, d2U;
} vt_strain_response;
int vt_hessian_strain(vt_hessian *H, const double E[9], vt_strain_response *out);
/* Xi for strain E (3n, net force zero). */
void vt_hessian_strain_force(const vt_hessian *H, const double E[9], double *xi);

/* Athermal moduli of the snapshot (see moduli.c for the definitions):
 * G = (1/V) d2U/dgamma2 for simple shear x += gamma y at fixed volume,
 *     relaxed; G_xz, G_yz likewise for x += gamma z and y += gamma z;
 * K = -V dp/dV (uniform dilation, relaxed) = (1/9V) d2U/de2 + (2/3) p
 *     for x -> (1 + e) x; p = trace(W)/(3V) the virial pressure;
 * nu = (3K - 2G)/(6K + 2G); p = p_plus - p_minus with
 * p_plus = w_plus/(3V), p_minus = -w_minus/(3V) [PSS]. */
typedef struct vt_moduli {
  double G, G_born, G_na;          /* simple shear xy */
  double G_xz, G_yz;
  double K, K_born, K_na;
  double nu, p, p_plus, p_minus;
  double volume, fmax;
} vt_moduli;
int vt_hessian_moduli(vt_hessian *H, vt_moduli *out);

/* Scales of [PSS]: a0 = (V/N)^(1/3), mass density rho = sum m / V,
 * c_s = sqrt(G/rho), omega_0 = c_s/a0. */
typedef struct vt_elastic_scales {
  double a0, rho, c_s, omega_0;
} vt_elastic_scales;
int vt_hessian_scales(const vt_hessian *H, double G, vt_elastic_scales *out);

/* ---- force dipoles (dipoles.c) [MESO] eq. for kappa, [PSS] for omega_g ----
 * d = (1/sqrt 2)(e on i, -e on j), e = (x_i - x_j)/|x_i - x_j| (minimum
 * image), z = H^+ d, kappa = (d.z)/(z.z); omega_g^2 = (d.z)/(z_c.M.z_c) with
 * z_c = z minus its centre-of-mass displacement, which is
 * (d~.Hm^+.d~)/(d~.Hm^+2.d~) for the mass-weighted Hessian
 * Hm = M^-1/2 H M^-1/2 and d~ = M^-1/2 d; equal unit masses give
 * omega_g = sqrt(kappa). Pairs i != j, 0-based; any pair (not only
 * interacting ones) is allowed. Solved in blocks of right-hand sides,
 * threaded over blocks. */
int vt_hessian_dipoles(vt_hessian *H, size_t npairs, const int *i, const int *j,
                       double *kappa, double *omega_g);
/* `count` distinct interacting pairs drawn uniformly without replacement
 * with a GSL mt19937 generator seeded by `seed` (order: pair-list order). */
int vt_hessian_random_pairs(const vt_hessian *H, size_t count, unsigned long seed, int *i, int *j);
/* Per-particle mean of kappa_ij over its interacting pairs [MESO] (computes,
 * and caches in H, kappa for all interacting pairs). Particles without
 * pairs get NaN. */
int vt_hessian_local_kappa(vt_hessian *H, double *out);
/* kappa and omega_g of every interacting pair, in vt_hessian_pair order
 * (cached; pointers into H). */
int vt_hessian_all_dipoles(vt_hessian *H, const double **kappa, const double **omega_g);

/* ---- modes (modes.c) ----
 * The `count` lowest non-zero eigenpairs of H (mass_weighted: of
 * M^-1/2 H M^-1/2) by Lanczos (ARPACK dsaupd/dseupd) on the pseudo-inverse
 * applied through the factorization (shift-invert about 0; the translations
 * sit at the other end of the spectrum of H^+ and are never returned).
 * lambda ascending; omega = sqrt(lambda); participation ratio
 * e = (sum_i psi_i.psi_i)^2 / (N sum_i (psi_i.psi_i)^2) of the unit
 * eigenvector (mass-weighted coordinates when mass_weighted).
 * vectors (may be NULL): count x 3n, mode k at vectors + 3n k. */
typedef struct vt_modes_opts {
  size_t count;
  int mass_weighted;
  double tol;          /* ARPACK relative tolerance on Ritz values; 0: machine precision */
  size_t ncv;          /* Lanczos basis size; 0: min(3n, max(2 count + 1, count + 32)) */
  int max_iter;        /* restarts; 0: 1000 */
  unsigned long seed;  /* starting vector */
} vt_modes_opts;
int vt_hessian_modes(vt_hessian *H, const vt_modes_opts *opts, double *lambda, double *omega,
                     double *participation, double *vectors);

#endif
