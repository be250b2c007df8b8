/* Verlet neighbor list over a cell list: a half list (each pair once, j > i
 * in the order of the system's arrays), with per-pair radius
 * cutoff_ij + skin, rebuilt when any particle has moved more than skin/2
 * since the last build, or when diameters, types, box or potential changed.
 * Built with OpenMP on bins of width >= (cutoff + skin)/2 (any box that is
 * at least twice the cutoff + skin: stencils that would wrap onto the same
 * bin visit it once), in one pass: each thread fills its own buffer for a
 * contiguous block of particles, then the buffers are concatenated. The
 * list of each particle is the same whatever the thread count. Positions
 * are wrapped into the box at each rebuild, so between rebuilds plain
 * minimum-image differences are exact. */
#ifndef VT_NEIGHBOR_H
#define VT_NEIGHBOR_H
#include <stddef.h>

struct vt_system;
struct vt_potential;

/* The list is followed by this many valid particle indices (zeros), so
 * vector loops may read whole vectors past the end of a particle's list. */
#define VT_NEIGHBOR_PAD 8

struct vt_neighbor {
  size_t n;
  size_t *start;          /* n+1 offsets into list */
  int *list;              /* neighbors of i: list[start[i] .. start[i+1]), then VT_NEIGHBOR_PAD zeros */
  size_t cap;
  double *x0;             /* 3n positions at the last build */
  double cutoff;          /* largest pair cutoff at the last build */
  double skin;            /* skin in use: s->skin, or less when the box is tight */
  double skin_asked;      /* s->skin at the last build */
  double box[3];
  unsigned long sigma_version;
  const struct vt_potential *pot;
  long builds;            /* how many times the list was built */
  int brute;              /* always 0 now (every box uses the bins); kept for readers */
  /* private scratch of the bins: particles sorted by bin, with their
   * positions copied in that order so the candidate loops read contiguous
   * memory; one growable buffer per thread for the single-pass fill */
  int ncell[3];
  size_t ncells;
  size_t *cell_start;     /* ncells+1 */
  int *cell_of;           /* n: bin of each particle */
  size_t *segoff;         /* n: where particle i's list sits in its thread's buffer */
  int *kind;              /* (diameter, type) class of cell_atoms[q] (n + VT_NEIGHBOR_PAD),
                             then of particle i (n) */
  int *cell_atoms;        /* n (+ VT_NEIGHBOR_PAD of -1): particles sorted by bin */
  double *cell_x;         /* 4 (n + VT_NEIGHBOR_PAD): x, y, z, sigma of cell_atoms[q] */
  int nthreads;
  int **tbuf;             /* per-thread pair buffers */
  size_t *tcap;
};
typedef struct vt_neighbor vt_neighbor;

/* Make sure s->nl is current for s->pot, rebuilding if needed. *rebuilt (may
 * be NULL) says whether it was. A box length under 2 (largest cutoff +
 * skin) is handled with a thinner skin (nl->skin < s->skin, more frequent
 * rebuilds); under twice the largest cutoff the minimum-image convention
 * would miss interactions, and the call fails with VT_ERANGE. */
int vt_neighbor_update(struct vt_system *s, int *rebuilt);
/* Force a rebuild at the next update. */
void vt_neighbor_invalidate(struct vt_system *s);
void vt_neighbor_free(vt_neighbor *nl);

#endif
