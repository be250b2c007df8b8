/* Per-particle virial quantities: the input of virial homogenization [VHG].
 *
 * W_i,ab = (1/2) sum_j r_ij,a f_ij,b is particle i's share of the virial
 * (half of each pair to each partner; r_ij = x_i - x_j, f_ij the force on i
 * from j). It equals minus LAMMPS's `compute stress/atom NULL virial`.
 * With v = V/N the mean volume per particle:
 *   stress_i,ab = W_i,ab / v      (pressure sign: its mean is the virial
 *                                  pressure tensor)
 *   P2_i = trace(W_i) / (3 v)      (its mean is the excess pressure)
 *   dP2_i/dsigma_i                 at fixed positions, through sigma_ij of
 *                                  every pair of i (potential's dsigma). */
#ifndef VT_VIRIAL_H
#define VT_VIRIAL_H
#include "core/system.h"

/* p2: n values. */
int vt_virial_p2(vt_system *s, double *p2);
/* d: n values of dP2_i/dsigma_i. */
int vt_virial_dp2_dsigma(vt_system *s, double *d);
/* st: 6n values (xx yy zz xy xz yz per particle); scaled by N/V when
 * per_volume is non-zero, else the raw W_i (energy units). */
int vt_virial_stress(vt_system *s, int per_volume, double *st);

#endif
