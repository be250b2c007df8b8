/* Velocity Verlet, NVE (Swope, Andersen, Berens and Wilson, J. Chem. Phys.
 * 76, 637 (1982)); the same update as LAMMPS `fix nve`:
 *   v(t + dt/2) = v(t) + (dt/2) f(t)/m
 *   x(t + dt)   = x(t) + dt v(t + dt/2)
 *   v(t + dt)   = v(t + dt/2) + (dt/2) f(t + dt)/m
 * Time-reversible and symplectic: the energy error stays bounded (O(dt^2))
 * instead of drifting. The conserved quantity is KE + U. */
#include "dynamics/integrator.h"
#include "core/error.h"

typedef struct { int unused; } nve_state;

static int nve_alloc(void *state, const vt_integrator_params *p) { (void)state; (void)p; return 0; }
static int nve_set(void *state, const vt_system *s, double T) { (void)state; (void)s; (void)T; return 0; }

static int nve_step_flags(void *state, vt_system *s, double dt, double T, unsigned flags)
{
  (void)state; (void)T;
  int rc = vt_system_compute(s, 0);   /* no-op when forces are current */
  if (rc) return rc;
  vt_md_kick(s, 0.5 * dt);
  vt_md_drift(s, dt);
  rc = vt_system_compute(s, flags);
  if (rc) return rc;
  vt_md_kick(s, 0.5 * dt);
  return 0;
}

static int nve_step(void *state, vt_system *s, double dt, double T)
{
  return nve_step_flags(state, s, dt, T, VT_ENERGY);
}

static double nve_energy(const void *state, const vt_system *s, double T) { (void)state; (void)s; (void)T; return 0.0; }
static size_t nve_save(const void *state, double *out) { (void)state; (void)out; return 0; }
static int nve_load(void *state, const double *in, size_t len)
{
  (void)state; (void)in;
  return len == 0 ? 0 : vt_error(VT_EFORMAT, "nve integrator state: expected 0 values, got %zu", len);
}
static void nve_free(void *state) { (void)state; }

static const vt_integrator_type nve_type = {
  "nve", sizeof(nve_state), 0, nve_alloc, nve_set, nve_step, nve_energy, nve_save, nve_load, nve_free,
  nve_step_flags
};
const vt_integrator_type *const vt_integrator_nve = &nve_type;
