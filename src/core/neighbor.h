/* Verlet neighbor list over a cell list: a half list (each pair once, j > i
 * in the order of the system's arrays), with per-pair radius
 * cutoff_ij + skin, rebuilt when any particle has moved more than skin/2
 * since the last build, or when diameters, types, box or potential changed.
 * Built with OpenMP (count pass, prefix sum, fill pass): the result does not
 * depend on the thread count. Positions are wrapped into the box at each
 * rebuild, so between rebuilds plain minimum-image differences are exact. */
#ifndef VT_NEIGHBOR_H
#define VT_NEIGHBOR_H
#include <stddef.h>

struct vt_system;
struct vt_potential;

struct vt_neighbor {
  size_t n;
  size_t *start;          /* n+1 offsets into list */
  int *list;              /* neighbors of i: list[start[i] .. start[i+1]) */
  size_t cap;
  double *x0;             /* 3n positions at the last build */
  double cutoff;          /* largest pair cutoff at the last build */
  double skin;
  double box[3];
  unsigned long sigma_version;
  const struct vt_potential *pot;
  long builds;            /* how many times the list was built */
  int brute;              /* 1 if the last build used the O(N^2) path */
  /* cell list scratch */
  int ncell[3];
  size_t *cell_start;     /* ncells+1 */
  int *cell_of;           /* n */
  int *cell_atoms;        /* n, particles sorted by cell */
};
typedef struct vt_neighbor vt_neighbor;

/* Make sure s->nl is current for s->pot, rebuilding if needed. *rebuilt (may
 * be NULL) says whether it was. Fails with VT_ERANGE if a box length is
 * shorter than twice (largest cutoff + skin): the minimum-image convention
 * would then miss interactions. */
int vt_neighbor_update(struct vt_system *s, int *rebuilt);
/* Force a rebuild at the next update. */
void vt_neighbor_invalidate(struct vt_system *s);
void vt_neighbor_free(vt_neighbor *nl);

#endif
