/* Displacements between two sets of unwrapped coordinates (3n each): the
 * per-particle |dr| and the mean squared displacement, optionally restricted
 * to one particle type. The melting analysis of [VHG] and the MSD of every
 * protocol use these. */
#ifndef VT_DISPLACEMENT_H
#define VT_DISPLACEMENT_H
#include <stddef.h>

/* dr[i] = |cur_i - ref_i| */
int vt_displacements(const double *ref, const double *cur, size_t n, double *dr);
/* mean over particles of |cur_i - ref_i|^2; type/only_type (0 = all) select */
int vt_msd(const double *ref, const double *cur, size_t n, const int *type, int only_type, double *msd);

#endif
