/* The isoconfigurational ensemble (Widmer-Cooper, Harrowell and Fynewever,
 * PRL 93, 135701 (2004); PROTOCOLS.md section 3, step 5): from one
 * configuration, R runs that each start with fresh Maxwell-Boltzmann
 * velocities at T (seeded), and per particle the mean over the runs of the
 * squared displacement |r_i(t) - r_i(0)|^2 and of the displacement
 * |r_i(t) - r_i(0)| (unwrapped coordinates) at one or more times.
 *
 * Run r (1..R) thermalizes a private copy of the configuration with the
 * seed seed + r - 1 (vt_system_thermalize: exact T, zero total momentum),
 * then integrates with the given integrator (NVT Nose-Hoover or NVE)
 * through the requested step counts in order. The input system is not
 * touched. Equal seeds and thread counts give identical results. */
#ifndef VT_PROPENSITY_H
#define VT_PROPENSITY_H
#include "core/array.h"
#include "core/system.h"
#include "dynamics/integrator.h"

typedef struct vt_propensity_opts {
  const vt_integrator_type *integrator;  /* vt_integrator_nose_hoover or vt_integrator_nve */
  const vt_integrator_params *params;    /* NULL: defaults */
  double dt, T;
  const long *steps;   /* nsteps step counts from the start of each run, ascending, >= 1 */
  size_t nsteps;
  long runs;           /* R >= 1 */
  unsigned long seed;
} vt_propensity_opts;

typedef struct vt_propensity_result {
  vt_array *msd;       /* n x nsteps (a vector when nsteps = 1): mean over runs of |dr_i|^2 */
  vt_array *md;        /* the same for |dr_i| */
  vt_array *time;      /* nsteps: steps * dt */
} vt_propensity_result;

int vt_propensity(const vt_system *s, const vt_propensity_opts *o, vt_propensity_result *out);
void vt_propensity_result_free(vt_propensity_result *r);

#endif
