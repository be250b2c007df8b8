/* The system: an orthorhombic periodic box and N particles in
 * structure-of-arrays form. Per-particle diameters are first-class: every
 * potential reads sigma_i and sigma_j, so bidisperse, polydisperse and resized
 * (VHG) systems share one code path. The box spans [0, L) in each direction;
 * unwrapped coordinates are x + image * L. */
#ifndef VT_SYSTEM_H
#define VT_SYSTEM_H
#include <math.h>
#include <stddef.h>
#include "core/array.h"
#include "potential/potential.h"

#define VT_MAX_SPECIES 16

/* Mass rules: all 1; m_i = sigma_i^3; per type (type_mass); or explicit
 * per-particle masses that no rule touches. */
enum { VT_MASS_EQUAL = 0, VT_MASS_VOLUME = 1, VT_MASS_SPECIES = 2, VT_MASS_EXPLICIT = 3 };
enum { VT_INIT_RANDOM = 0, VT_INIT_LATTICE = 1, VT_INIT_NONE = 2 };
enum { VT_DIAM_SPECIES = 0, VT_DIAM_POWER = 1 };

/* What vt_system_compute evaluates besides forces (always computed). */
enum {
  VT_ENERGY = 1u,   /* total potential energy */
  VT_VIRIAL = 2u,   /* total virial tensor W_ab = sum_pairs r_ij,a f_ij,b */
  VT_EATOM = 4u,    /* per-particle energy (half of each pair to each partner) */
  VT_VATOM = 8u,    /* per-particle virial tensor (half of each pair's) */
  VT_PSPLIT = 16u   /* trace of W from repulsive (f > 0) and attractive (f < 0) pairs */
};

typedef struct vt_species {
  double fraction;
  double diameter;
  double mass;      /* used with VT_MASS_SPECIES */
} vt_species;

typedef struct vt_system_spec {
  size_t n;
  double density;             /* N/V; used when box[0] == 0 (cubic box) */
  double box[3];
  int nspecies;
  vt_species species[VT_MAX_SPECIES];
  int diameter_law;           /* VT_DIAM_SPECIES or VT_DIAM_POWER */
  double exponent, dmin, dmax;/* p(sigma) ~ sigma^exponent on [dmin, dmax] */
  int mass_rule;
  int init;
  unsigned long seed;
} vt_system_spec;

typedef struct vt_neighbor vt_neighbor;

typedef struct vt_system {
  size_t n;
  int ntypes;
  double box[3];
  double *x;        /* 3n positions */
  int *image;       /* 3n image counts */
  double *v;        /* 3n velocities */
  double *f;        /* 3n forces (valid after vt_system_compute) */
  int *type;        /* n, 1..ntypes */
  double *sigma;    /* n diameters */
  double *mass;     /* n masses */
  int mass_rule;
  double type_mass[VT_MAX_SPECIES + 1]; /* per-type masses for VT_MASS_SPECIES */

  vt_potential *pot;      /* counted reference, may be NULL */
  vt_neighbor *nl;        /* owned, built on demand */
  double skin;            /* Verlet skin (default 0.3) */
  unsigned long sigma_version; /* bumped whenever diameters change */
  unsigned long changes;  /* bumped by every vt_system_invalidate: lets an object
                             that drives s (a minimizer) tell its own changes
                             from anyone else's */

  /* Results of the last vt_system_compute. */
  unsigned valid;         /* VT_* flags of what is current; 0 after any change */
  int forces_valid;
  double energy;
  double virial[6];       /* xx yy zz xy xz yz */
  double w_plus, w_minus; /* trace of W from repulsive / attractive pairs (w_minus <= 0) */
  double *eatom;          /* n, allocated on demand */
  double *vatom;          /* 6n, allocated on demand */
  size_t fbuf_len;        /* per-thread force scratch (doubles) */
  double *fbuf;
} vt_system;

/* Allocate an empty system of n particles (all arrays zeroed, types 1,
 * diameters 1, masses 1) in the given box. */
int vt_system_alloc(size_t n, const double box[3], vt_system **out);
/* Build a system from a specification (species or diameter law, placement). */
int vt_system_create(const vt_system_spec *spec, vt_system **out);
int vt_system_copy(const vt_system *s, vt_system **out);
/* Copy the whole state of src into dst in place (same n): box, positions,
 * images, velocities, forces, types, diameters, masses, mass rule, skin and
 * potential. For accept/reject loops that keep one system object. */
int vt_system_assign(vt_system *dst, const vt_system *src);
void vt_system_free(vt_system *s);

double vt_system_volume(const vt_system *s);
int vt_system_set_potential(vt_system *s, vt_potential *p);
/* VT_ERANGE, with the numbers, when a box length is not longer than twice
 * p's largest cutoff for s's diameters (vt_system_set_potential checks it). */
int vt_system_check_box(const vt_system *s, const vt_potential *p);

/* Anything that changed positions, velocities, box or potential calls this
 * (the setters below do): cached results become stale. */
void vt_system_invalidate(vt_system *s);
/* Diameters changed: masses follow the mass rule, lists re-derive cutoffs. */
void vt_system_diameters_changed(vt_system *s);
/* Apply the mass rule to all particles (no-op for VT_MASS_SPECIES unless
 * type masses were given). */
void vt_system_apply_mass_rule(vt_system *s);
/* Switch to a mass rule and apply it (VT_MASS_SPECIES uses s->type_mass). */
int vt_system_set_mass_rule(vt_system *s, int rule);

/* Setters with validation (finite values, positive diameters and masses,
 * types in range); positions are wrapped into the box. */
int vt_system_set_positions(vt_system *s, const double *x3n);
int vt_system_set_unwrapped(vt_system *s, const double *x3n); /* sets images too */
int vt_system_set_velocities(vt_system *s, const double *v3n);
int vt_system_set_diameters(vt_system *s, const double *sigma);
int vt_system_set_masses(vt_system *s, const double *mass);
int vt_system_set_types(vt_system *s, const int *type);
/* Check every particle's data for NaN/inf; VT_ENONFINITE names the first bad one. */
int vt_system_check_finite(const vt_system *s);

/* Wrap positions into [0, L), updating image counts. */
void vt_system_wrap(vt_system *s);
void vt_system_unwrapped(const vt_system *s, double *x3n);

/* Evaluate forces plus whatever `flags` asks for. Uses (and rebuilds when
 * needed) the Verlet list. Returns VT_EINVAL without a potential, VT_ERANGE
 * when the box is too small for the cutoff, VT_ENONFINITE on NaN. */
int vt_system_compute(vt_system *s, unsigned flags);

/* Kinetic energy, temperature with 3N-3 degrees of freedom (k_B = 1). The
 * sum runs in four fixed lanes and, above 8192 particles, over the threads'
 * equal blocks added in order: the same for a given thread count. */
double vt_system_kinetic_energy(const vt_system *s);
double vt_system_temperature(const vt_system *s);
int vt_system_dof(const vt_system *s);
/* Maxwell-Boltzmann velocities at T, zero total momentum, scaled so the
 * instantaneous temperature is exactly T. */
int vt_system_thermalize(vt_system *s, double T, unsigned long seed);
void vt_system_zero_momentum(vt_system *s);

/* Change the box to `box` and scale every position affinely with it (the
 * wrapped coordinates keep their fractions of the box, so image counts stay
 * valid); VT_EINVAL for a length that is not positive and finite. */
int vt_system_set_box(vt_system *s, const double box[3]);

/* Kinetic tensor K_ab = sum_i m_i v_i,a v_i,b (order xx yy zz xy xz yz). */
void vt_system_kinetic_tensor(const vt_system *s, double K[6]);
/* The full pressure tensor P_ab = (K_ab + W_ab) / V, kinetic plus virial
 * per component (W as s->virial), evaluating the virial when it is not
 * current; with `excess` set the virial part W_ab / V only. The pressure is
 * the mean of the diagonal; the shear stress sigma_ab = -P_ab (a != b). */
int vt_system_pressure_tensor(vt_system *s, int excess, double P[6]);
/* Scalar pressure (P_xx + P_yy + P_zz) / 3 (kinetic part 2 KE / 3V). */
int vt_system_pressure(vt_system *s, int excess, double *p);

/* Minimum-image separation d = xi - xj (in place). */
static inline void vt_minimum_image(const double box[3], double d[3])
{
  for (int k = 0; k < 3; k++) d[k] -= box[k] * nearbyint(d[k] / box[k]);
}

#endif
