/* The potential interface. A model is a GSL-style type descriptor
 * (one file per model, one exported pointer) plus its parameters.
 *
 * A model is one of two kinds (vt_potential_type.kind):
 *  - pairwise (VT_POTENTIAL_PAIRWISE, the default): the energy is a sum of
 *    radial pair terms; vitrum asks it, for a pair at distance r with
 *    diameters si, sj and types ti, tj, for the energy and its first two
 *    radial derivatives (the second is what makes Hessians, Born terms and
 *    non-affine moduli free for every pair model), and for the derivatives
 *    with respect to particle i's own diameter;
 *  - many-body (VT_POTENTIAL_MANYBODY, e.g. Stillinger-Weber's triplet term):
 *    no pair function; the model's compute runs over the FULL neighbor list
 *    (each particle's whole neighbor set, core/neighbor.h) and supplies
 *    energy, forces, virials and per-particle terms itself; cutoff() gives
 *    the interaction range of two particles (the list radius).
 * Every consumer built on pair terms (the Hessian and what uses it, dP2/dsigma,
 * p:pair, the p+/p- split) refuses a many-body model with
 * vt_potential_need_pairwise, never a two-body-only answer.
 *
 * Conventions: u(r) in energy units; du = dU/dr; d2u = d2U/dr2; all three
 * are 0 at and beyond the pair cutoff. Types are 1-based as in LAMMPS. */
#ifndef VT_POTENTIAL_H
#define VT_POTENTIAL_H
#include <stddef.h>

struct vt_system;
struct vt_neighbor;

enum { VT_PARAM_NUMBER, VT_PARAM_VECTOR, VT_PARAM_STRING };
typedef struct vt_param {
  const char *key;
  int kind;
  double num;           /* VT_PARAM_NUMBER */
  const double *vec;    /* VT_PARAM_VECTOR */
  size_t len;
  const char *str;      /* VT_PARAM_STRING */
} vt_param;
typedef struct vt_params {
  size_t n;
  const vt_param *p;
} vt_params;

typedef struct vt_potential vt_potential;

/* What a model is (vt_potential_type.kind). */
enum vt_potential_kind {
  VT_POTENTIAL_PAIRWISE = 0,   /* radial pair terms only (pair() is set) */
  VT_POTENTIAL_MANYBODY = 1    /* has terms of three or more particles (pair() is NULL) */
};

typedef struct vt_potential_type {
  const char *name;
  /* Energy and radial derivatives of one pair; any output pointer may be
   * NULL. NULL for a many-body model. */
  void (*pair)(const void *par, double r, double si, double sj, int ti, int tj,
               double *u, double *du, double *d2u);
  /* Cutoff of one pair (the list radius is the largest of these). */
  double (*cutoff)(const void *par, double si, double sj, int ti, int tj);
  /* Derivatives, at fixed r, with respect to si (particle i's diameter) of
   * u and of w = r du/dr (the pair virial). NULL when the model does not
   * depend on diameters (type-based models): both are then 0. */
  void (*dsigma)(const void *par, double r, double si, double sj, int ti, int tj,
                 double *du_dsi, double *dw_dsi);
  /* Energy, forces and (per flags) virials over the neighbor list. A pair
   * model instantiates the generic kernel of kernel.h (half list) with its
   * inlined pair function, so the hot loop has no indirect call; a
   * many-body model reads the full list (nl->fstart/flist). A flag the
   * model cannot honour (VT_PSPLIT for a many-body model) is an error. */
  int (*compute)(const vt_potential *p, struct vt_system *s, const struct vt_neighbor *nl, unsigned flags);
  /* Parse named parameters into a freshly allocated parameter block and
   * write a one-line description; on error return VT_EINVAL with a message. */
  int (*create)(const vt_params *in, void **par, int *max_type, char *desc, size_t desclen);
  void (*free)(void *par);
  /* Optional. When, for these parameters, every pair cutoff is a sum of two
   * per-particle radii, cutoff(si, sj) = radius(si) + radius(sj) up to
   * round-off (additive mixing of diameters), the radius of a particle;
   * otherwise a negative number. The neighbor list then tests continuous
   * polydispersity in one vectorized pass instead of asking cutoff() for
   * every candidate pair. NULL: no radii. */
  double (*radius)(const void *par, double si, int ti);
  /* VT_POTENTIAL_PAIRWISE (0: what a type that does not set it is) or
   * VT_POTENTIAL_MANYBODY. */
  int kind;
  /* Many-body models: every second derivative of the energy at the
   * system's positions, handed over block by block as
   * add(ctx, i, j, B, ri, rj) with B[3a + b] = d2U / dx_i,a dx_j,b of one
   * energy term (system indices; i == j for the diagonal blocks; a block
   * may come in several pieces, and either way round: (j, i, B^T, rj, ri)
   * is the same contribution), and ri, rj the positions of i and j
   * relative to a reference point of that term (e.g. its centre particle:
   * the term's own separations, whatever the periodic images), the same
   * for all the blocks of one term: the strain derivatives (Born term,
   * Xi) follow from them. Reads the full list (current: the caller
   * refreshed it). NULL for pair models (the Hessian builds their blocks
   * from pair()) and for many-body models without one (the Hessian then
   * refuses them). */
  int (*hessian)(const vt_potential *p, const struct vt_system *s, const struct vt_neighbor *nl,
                 void (*add)(void *ctx, int i, int j, const double B[9], const double ri[3], const double rj[3]),
                 void *ctx);
} vt_potential_type;

struct vt_potential {
  const vt_potential_type *type;
  void *par;          /* model parameters, owned */
  int refcount;
  int max_type;       /* largest type the parameters cover (0: any) */
  char desc[256];     /* human-readable summary of the parameters */
  vt_params params;   /* a deep copy of the creation parameters (for checkpoints) */
};

vt_potential *vt_potential_ref(vt_potential *p);

/* Whether the model is pairwise; and the refusal of consumers that only
 * handle pair terms: 0 for a pairwise model, else VT_EINVAL with a message
 * naming `what` (the consumer) and the model. */
static inline int vt_potential_is_pairwise(const vt_potential *p) { return p->type->kind == VT_POTENTIAL_PAIRWISE; }
int vt_potential_need_pairwise(const vt_potential *p, const char *what);
void vt_potential_unref(vt_potential *p);

/* Pairwise models only (callers check vt_potential_need_pairwise first). */
static inline void vt_potential_pair(const vt_potential *p, double r, double si, double sj,
                                     int ti, int tj, double *u, double *du, double *d2u)
{
  p->type->pair(p->par, r, si, sj, ti, tj, u, du, d2u);
}
double vt_potential_cutoff(const vt_potential *p, double si, double sj, int ti, int tj);
/* The model's per-particle cutoff radius (see vt_potential_type.radius), or
 * -1 when its cutoffs are not sums of radii. */
double vt_potential_radius(const vt_potential *p, double si, int ti);
/* Largest cutoff over all pairs of a system (its diameters and types). */
double vt_potential_max_cutoff(const vt_potential *p, const struct vt_system *s);
/* du/dsi and dw/dsi (w = r du/dr); zero for diameter-independent models.
 * Pairwise models only (callers check vt_potential_need_pairwise). */
void vt_potential_dsigma(const vt_potential *p, double r, double si, double sj, int ti, int tj,
                         double *du_dsi, double *dw_dsi);

/* Helpers for models whose pair energy is e(r / sigma_ij) with additive
 * sigma_ij = (si + sj)/2, cutoffs included: then du/dsi and dw/dsi follow
 * from du and d2u alone (see doc/models.md section 1.3). */
void vt_dsigma_scale_invariant_additive(double r, double sij, double du, double d2u,
                                        double dsij_dsi, double *du_dsi, double *dw_dsi);

/* ---- construction from named parameters ----
 * Every model is built from a list of named values, so one generic binding
 * serves them all (vt.potential.<name>{...} in Lua). Unknown names are an
 * error: a typo must never silently fall back to a default. */

/* Look-ups for model constructors. Each returns 0 and leaves *out untouched
 * when the key is absent (so *out holds the default), VT_EINVAL with a
 * message naming the key when the value has the wrong kind or is outside
 * [lo, hi] (use -INFINITY/INFINITY for open ends). */
int vt_params_number(const vt_params *in, const char *model, const char *key,
                     double lo, double hi, double *out);
int vt_params_string(const vt_params *in, const char *model, const char *key, const char **out);
/* A vector of exactly len entries (len 0: any length; *got gets the length). */
int vt_params_vector(const vt_params *in, const char *model, const char *key, size_t len,
                     double *out, size_t maxlen, size_t *got);
/* Reject keys not in the NULL-terminated list `known`. */
int vt_params_check(const vt_params *in, const char *model, const char *const *known);

/* Build a potential by model name ("lj_smooth", "pss", ...). The potential
 * keeps a deep copy of `in` in p->params, so it can be re-created exactly
 * (checkpoints store the name and these parameters). */
int vt_potential_create(const char *name, const vt_params *in, vt_potential **out);

/* All registered models, NULL-terminated (potential.c holds the list). */
extern const vt_potential_type *const vt_potential_types[];

/* ---- models (one file each), listed in registry.inc ---- */
#define VT_MODEL(name) extern const vt_potential_type vt_potential_##name;
#include "potential/registry.inc"
#undef VT_MODEL

#endif
