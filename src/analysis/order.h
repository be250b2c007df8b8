/* Local order: Steinhardt bond-orientational order parameters and the
 * census of Voronoi indices -- the numbers that tell an amorphous packing
 * from a (partly) crystalline one.
 *
 * Bond-orientational order (P. J. Steinhardt, D. R. Nelson, M. Ronchetti,
 * Phys. Rev. B 28, 784 (1983)): for particle i with neighbour bonds
 * r_ij = x_j - x_i (minimum image) and weights w_ij,
 *     q_lm(i) = sum_j w_ij Y_lm(r_ij) / sum_j w_ij,
 *     q_l(i)  = sqrt( 4 pi / (2l + 1) sum_{m=-l..l} |q_lm(i)|^2 ),
 * and the global order of the whole sample averages q_lm over all bonds:
 *     Q_l = sqrt( 4 pi / (2l + 1) sum_m |Qbar_lm|^2 ),
 *     Qbar_lm = sum_i W_i q_lm(i) / sum_i W_i,  W_i = sum_j w_ij.
 * Weights are 1, or the areas of the Voronoi faces (W. Mickel, S. C.
 * Kapfer, G. E. Schroeder-Turk, K. Mecke, J. Chem. Phys. 138, 044501 (2013):
 * the face-area weights make q_l continuous in the positions).
 * Reference values (12 nearest neighbours of fcc: q4 = 0.19094,
 * q6 = 0.57452; icosahedron: q4 = 0, q6 = 0.66332) are checked in
 * t/analysis_order.c. In a disordered sample Q_6 is of order N^(-1/2) while
 * a crystal has Q_6 close to its lattice's q_6.
 *
 * Neighbours are either the Voronoi (or radical) face neighbours or every
 * particle closer than a cutoff. Both need each neighbour to be met through
 * one periodic image only: a box that is too small for that is refused. */
#ifndef VT_ORDER_H
#define VT_ORDER_H
#include <stddef.h>
#include "core/system.h"

#define VT_ORDER_LMAX 16

enum {
  VT_ORDER_VORONOI = 1,  /* neighbours: Voronoi face neighbours */
  VT_ORDER_CUTOFF = 2    /* neighbours: every particle within `cutoff` */
};

typedef struct vt_order_opts {
  const int *l;          /* degrees, each in 1 .. VT_ORDER_LMAX */
  size_t nl;
  int neighbors;         /* VT_ORDER_VORONOI or VT_ORDER_CUTOFF */
  double cutoff;         /* VT_ORDER_CUTOFF: the bond length limit (< L/2) */
  int radical;           /* VT_ORDER_VORONOI: radical (power) cells, radii sigma/2 */
  int area_weights;      /* VT_ORDER_VORONOI: weight bonds by face area */
} vt_order_opts;

/* q (n x nl, row-major: q[i * nl + k] is q_{l[k]} of particle i), Q (nl
 * global values) and, if nb is not NULL, the number of neighbours of each
 * particle (n). A particle without neighbours (possible with a cutoff) has
 * q = NaN (no bonds: undefined) and does not enter Q. Returns 0 or
 * VT_EINVAL (bad options, box too small), VT_ENOMEM, VT_ENONFINITE, or an
 * error of the tessellation. */
int vt_steinhardt(const vt_system *s, const vt_order_opts *o, double *q, double *Q, double *nb);

/* Voronoi index census: the distinct signatures <n3, n4, n5, n6> (faces
 * with 3, 4, 5 and 6 edges; cells with any face of 7 or more edges are
 * counted under their own first four numbers too, and `other` tells how
 * many such cells there are) sorted by decreasing count, ties by the
 * signature. index is n x stride ints (the vt_voronoi layout, stride
 * VT_VORONOI_NIDX). The caller frees *sig (ncls x 4 ints) and *count. */
int vt_voronoi_census(size_t n, const int *index, size_t stride, int **sig, size_t **count,
                      size_t *ncls, size_t *other);

#endif
