/* Integrators and thermostats for molecular dynamics: the GSL type-descriptor
 * pattern (gsl_odeiv2_step_type, gsl_multimin_fdfminimizer_type). An
 * integrator type is one file with its state and functions static there and
 * one exported pointer; a vt_integrator owns one instance of a type's state.
 *
 * One call of step() advances the system by one time step dt at the target
 * temperature T of that step:
 *   vt_integrator_nve          velocity Verlet (Swope, Andersen, Berens and
 *                              Wilson, J. Chem. Phys. 76, 637 (1982)), NVE
 *   vt_integrator_nose_hoover  Nose-Hoover chains (Martyna, Klein and
 *                              Tuckerman, J. Chem. Phys. 97, 2635 (1992)) with
 *                              the time-reversible Trotter splitting of
 *                              Martyna, Tuckerman, Tobias and Klein, Mol. Phys.
 *                              87, 1117 (1996), exactly as LAMMPS `fix nvt`
 *                              (FixNH): chain half-steps around velocity Verlet
 *
 * Contract with the system (core/system.h):
 * - step() needs valid forces on entry (it calls vt_system_compute, which is a
 *   no-op when they are current) and leaves forces and energy of the new
 *   positions valid on return (step_flags: forces and what its flags ask;
 *   a later energy request computes the energy then).
 * - Masses are read from s->mass at every step, never cached: they follow the
 *   diameters under mass="volume".
 * - Temperatures use vt_system_dof(s) = 3N-3 degrees of freedom: the caller
 *   removes the total momentum (vt_system_zero_momentum) before a run; the
 *   dynamics conserves it (pair forces sum to zero; the thermostat scales
 *   all velocities by one factor).
 * - Positions move by increments; wrapping into the box happens at neighbor
 *   list rebuilds, so image counts stay consistent.
 * - Deterministic for a given thread count: the per-particle loops are
 *   element-wise (static schedules), the kinetic energy is summed in fixed
 *   lanes over equal blocks of particles added in order
 *   (vt_system_kinetic_energy). */
#ifndef VT_INTEGRATOR_H
#define VT_INTEGRATOR_H
#include <stddef.h>
#include "core/system.h"

typedef struct vt_integrator_params {
  int chain;        /* Nose-Hoover chain length M (LAMMPS tchain; default 3) */
  int loops;        /* sub-cycles of the chain per half step (LAMMPS tloop; default 1) */
  double tau;       /* coupling time: period of the thermostat oscillation
                       (LAMMPS Tdamp; default 0.2 in reduced units) */
} vt_integrator_params;

/* Defaults: chain 3, loops 1, tau 0.2 (doc/models.md section 11). */
void vt_integrator_params_default(vt_integrator_params *p);

typedef struct vt_integrator_type {
  const char *name;       /* "nve", "nose-hoover" */
  size_t size;            /* bytes of state */
  int thermostat;         /* 1 if the type controls a temperature */
  /* Validate the parameters and allocate the state's own arrays. */
  int (*alloc)(void *state, const vt_integrator_params *p);
  /* Start of a run at target T (LAMMPS FixNH::setup): derived quantities
   * (thermostat masses, chain forces) from T and the system. */
  int (*set)(void *state, const vt_system *s, double T);
  /* One time step dt at target temperature T. */
  int (*step)(void *state, vt_system *s, double dt, double T);
  /* The integrator's own energy at target T, so that
   * KE + U + energy is the conserved quantity (0 for NVE). */
  double (*energy)(const void *state, const vt_system *s, double T);
  /* Serialize the state into doubles (out NULL: return the count only);
   * load reads back exactly what save wrote (for checkpoints). */
  size_t (*save)(const void *state, double *out);
  int (*load)(void *state, const double *in, size_t len);
  void (*free)(void *state);  /* the state's arrays, not the state itself */
  /* Optional (NULL: step() is used): one time step whose last force
   * evaluation computes forces plus `flags` (vt_system_compute), so that a
   * step whose energy nobody reads runs a forces-only pass (flags 0). */
  int (*step_flags)(void *state, vt_system *s, double dt, double T, unsigned flags);
} vt_integrator_type;

typedef struct vt_integrator {
  const vt_integrator_type *type;
  vt_integrator_params params;
  void *state;
  /* What vt_integrator_step leaves valid besides forces: VT_ENERGY after
   * vt_integrator_alloc (the energy is current after every step); vt_md_run
   * clears it on the steps after which neither an observer, a checkpoint
   * nor the end of the run reads the energy. */
  unsigned flags;
} vt_integrator;

extern const vt_integrator_type *const vt_integrator_nve;
extern const vt_integrator_type *const vt_integrator_nose_hoover;

/* A type by name ("nve" or "none"; "nose-hoover" or "nvt"), NULL if unknown. */
const vt_integrator_type *vt_integrator_lookup(const char *name);

/* params may be NULL (defaults). */
int vt_integrator_alloc(const vt_integrator_type *t, const vt_integrator_params *p, vt_integrator **out);
int vt_integrator_set(vt_integrator *g, const vt_system *s, double T);
int vt_integrator_step(vt_integrator *g, vt_system *s, double dt, double T);
double vt_integrator_energy(const vt_integrator *g, const vt_system *s, double T);
void vt_integrator_free(vt_integrator *g);

/* Building blocks shared by the types (velocity Verlet pieces):
 * v += (h / m_i) f for every particle, and x += h v. */
void vt_md_kick(vt_system *s, double h);
void vt_md_drift(vt_system *s, double h);

#endif
