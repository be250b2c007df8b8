/* Verlet neighbor list over a cell list, with per-pair radius
 * cutoff_ij + skin, rebuilt when any particle has moved more than skin/2
 * since the last build, or when diameters, types, box or potential changed.
 *
 * Two forms of the same pairs (and a third as an option):
 *  - the private one the force kernels read: at each build the particles are
 *    sorted by bin (perm), and the half list pairs sorted positions q > p
 *    (sstart/slist). Kernels work on copies of x, sigma and type in that
 *    order (xs, ts), refreshed at every force pass, so partners are nearly
 *    contiguous in memory whatever the order of the system's arrays, and the
 *    build scans half a stencil;
 *  - the public half list in the system's own indices (start/list: each pair
 *    once, j > i, partners of i in increasing j), derived from the private
 *    one when vt_neighbor_update is called (the Hessian, virial analyses and
 *    other readers); vt_system_compute does not need it;
 *  - with the option full (vt_neighbor_opts; always for a many-body model),
 *    the full private list fstart/flist: for sorted p every partner q != p,
 *    first those q < p (ascending), then p's half-list partners. It is a
 *    transpose of the half list in the same build, so both hold the same
 *    pairs.
 * Built with OpenMP on bins of width >= (cutoff + skin)/2 (any box that is
 * at least twice the cutoff + skin: stencils that would wrap onto the same
 * bin visit it once), in one pass: each thread fills its own buffer for a
 * contiguous block of sorted particles, then the buffers are concatenated.
 * Both lists are the same whatever the thread count, and a function of the
 * positions only (not of the previous list). Positions are wrapped into the
 * box at each rebuild, so between rebuilds plain minimum-image differences
 * are exact. */
#ifndef VT_NEIGHBOR_H
#define VT_NEIGHBOR_H
#include <stddef.h>

struct vt_system;
struct vt_potential;

/* Options of a list: what a build produces besides the half list. Set by
 * vt_neighbor_set_opts (kept across rebuilds); a many-body model gets the
 * full list whatever is asked. A field left 0 is the default, so a
 * zero-initialized struct is the plain half list. */
typedef struct vt_neighbor_opts {
  /* Also the full list (private, bin order): every partner q != p of each
   * sorted particle p, i.e. each pair twice (fstart/flist). */
  int full;
} vt_neighbor_opts;

/* The list is followed by this many valid particle indices (zeros), so
 * vector loops may read whole vectors past the end of a particle's list. */
#define VT_NEIGHBOR_PAD 8

struct vt_neighbor {
  size_t n;
  /* public half list in the system's indices, current after vt_neighbor_update */
  size_t *start;          /* n+1 offsets into list */
  int *list;              /* neighbors of i: list[start[i] .. start[i+1]), then VT_NEIGHBOR_PAD zeros */
  size_t cap;
  long public_build;      /* the build the public list was derived from (0: none) */
  double *x0;             /* 3n positions at the last build */
  double cutoff;          /* largest pair cutoff at the last build */
  double skin;            /* skin in use: s->skin, or less when the box is tight */
  double skin_asked;      /* s->skin at the last build */
  double box[3];
  unsigned long sigma_version;
  const struct vt_potential *pot;
  long builds;            /* how many times the list was built */
  int brute;              /* always 0 now (every box uses the bins); kept for readers */
  /* private list in bin order, read by the force kernels (kernel.h) */
  int *perm;              /* n (+ VT_NEIGHBOR_PAD zeros): system index of sorted position p */
  int *rank;              /* n: sorted position of particle i (perm's inverse) */
  size_t *sstart;         /* n+1 offsets into slist */
  int *slist;             /* partners q > p of sorted p, then VT_NEIGHBOR_PAD zeros */
  size_t scap;
  double *xs;             /* 4 (n + VT_NEIGHBOR_PAD): x, y, z, sigma of perm[p] (padding 0);
                             set at each build, refreshed by every force pass */
  int *ts;                /* n + VT_NEIGHBOR_PAD: type of perm[p] (padding 1) */
  double *rad;            /* n + VT_NEIGHBOR_PAD: cutoff radius of perm[p] when the model's
                             cutoffs are sums of radii, else 0 (vt_potential_radius) */
  /* scratch of the bins */
  int ncell[3];
  size_t ncells;
  size_t *cell_start;     /* ncells+1 */
  int *cell_of;           /* n: bin of each particle */
  int *kind;              /* (diameter, type) class of sorted p (n + VT_NEIGHBOR_PAD),
                             then of particle i (n) */
  int nthreads;
  int **tbuf;             /* per-thread pair buffers */
  size_t *tcap;
  /* the full private list (opts.full): partners q != p of sorted p */
  size_t *fstart;         /* n+1 offsets into flist */
  int *flist;             /* then VT_NEIGHBOR_PAD zeros */
  size_t fcap;
  vt_neighbor_opts opts;  /* the options of the last build */
  vt_neighbor_opts asked; /* the options asked for (vt_neighbor_set_opts) */
};
typedef struct vt_neighbor vt_neighbor;

/* Make sure s->nl (both lists) is current for s->pot, rebuilding if needed.
 * *rebuilt (may be NULL) says whether it was. A box length under 2 (largest cutoff +
 * skin) is handled with a thinner skin (nl->skin < s->skin, more frequent
 * rebuilds); under twice the largest cutoff the minimum-image convention
 * would miss interactions, and the call fails with VT_ERANGE. */
int vt_neighbor_update(struct vt_system *s, int *rebuilt);
/* The same for the private (bin-sorted) list only: what the force kernels
 * need; the public list is derived later, if someone asks for it. */
int vt_neighbor_refresh(struct vt_system *s, int *rebuilt);
/* Ask for list options (copied; they take effect at the next update or
 * refresh, rebuilding if the current list lacks them). */
int vt_neighbor_set_opts(struct vt_system *s, const vt_neighbor_opts *opts);
/* Force a rebuild at the next update. */
void vt_neighbor_invalidate(struct vt_system *s);
void vt_neighbor_free(vt_neighbor *nl);

#endif
