/* vt_system_compute: bring the neighbor list up to date and run the model's
 * force kernel (see system.h). */
#include "core/error.h"
#include "core/neighbor.h"
#include "core/system.h"
#include <math.h>

int vt_system_compute(vt_system *s, unsigned flags)
{
  if (!s->pot) return vt_error(VT_EINVAL, "the system has no potential (set one with set_potential)");
  if (s->forces_valid && (s->valid & flags) == flags) return 0;
  int rc = vt_neighbor_refresh(s, NULL);   /* the kernels need only the private list */
  if (rc) return rc;
  /* Any request besides forces includes the energy (the kernels sum it
   * with the virials); flags 0 is a forces-only pass (MD steps whose
   * energy nobody reads), after which a request for the energy computes
   * it. A non-finite force then shows up as non-finite positions at the
   * next step's list check. */
  if (flags) flags |= VT_ENERGY;
  rc = s->pot->type->compute(s->pot, s, s->nl, flags);
  if (rc) return rc;
  if (flags && !isfinite(s->energy))
    return vt_error(VT_ENONFINITE, "the potential energy is %g (overlapping particles or a broken state?)", s->energy);
  s->forces_valid = 1;
  s->valid = flags;
  return 0;
}
