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
  int rc = vt_neighbor_update(s, NULL);
  if (rc) return rc;
  rc = s->pot->type->compute(s->pot, s, s->nl, flags);
  if (rc) return rc;
  if (!isfinite(s->energy))
    return vt_error(VT_ENONFINITE, "the potential energy is %g (overlapping particles or a broken state?)", s->energy);
  s->forces_valid = 1;
  s->valid = flags | VT_ENERGY;
  return 0;
}
