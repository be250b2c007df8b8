/* One virial-homogenization step [VHG, PRL 134, 128201 (2025)]: every
 * particle's diameter moves by +-delta in the direction that brings its
 * per-particle excess pressure P2_i toward the mean:
 *   sigma_i += delta * sign(dP2_i/dsigma_i) * sign(<P2> - P2_i).
 * Masses follow the system's mass rule and the neighbor list notices the new
 * cutoffs. The positions are not touched: the caller re-minimizes. */
#ifndef VT_HOMOGENIZE_VIRIAL_H
#define VT_HOMOGENIZE_VIRIAL_H
#include "core/system.h"

typedef struct vt_homogenize_stats {
  double mean_p2;    /* <P2> before the step */
  double std_p2;     /* standard deviation of P2 before the step (n-1) */
  size_t grown;      /* particles whose diameter increased */
  size_t shrunk;     /* ... decreased */
  size_t unchanged;  /* P2_i == <P2> or dP2_i/dsigma_i == 0 */
} vt_homogenize_stats;

int vt_homogenize_virial_step(vt_system *s, double delta, vt_homogenize_stats *stats);

#endif
