/* Voronoi and radical (power, Laguerre) tessellations of a periodic
 * orthorhombic system: per-particle cell volume and surface, the Voronoi
 * index (how many faces have 3, 4, 5, ... edges), the icosahedral flag
 * (index <0,0,12,0> and no other faces, doc/protocols.md §1, doc/models.md §9),
 * the local volume fraction phi_i = (pi sigma_i^3 / 6) / V_i (doc/protocols.md §1)
 * and the face-neighbour list of every cell.
 *
 * Method: the (weighted) Delaunay triangulation is the lower convex hull of
 * the lifted points (x, y, z, |x|^2 - r^2) (Aurenhammer, SIAM J. Comput. 16,
 * 78 (1987)); qhull computes it on the particles plus their periodic images
 * within a margin of the box, the margin growing until every Delaunay cell
 * touching a real particle is certified by its empty (orthogonal) sphere.
 * A cell's vertices are the power centres of its incident Delaunay cells,
 * its face with particle j is the ring of Delaunay cells around the edge ij.
 * Degenerate (cospherical) input is handled exactly: Delaunay cells that
 * qhull merged (FCC octahedra, cubic lattices) are one Voronoi vertex.
 *
 * Zero-length edges and zero-area faces: an edge of a face (two consecutive
 * Delaunay cells of its ring) has zero length when both cells belong to one
 * merged Delaunay cell or their centres are closer than VT_VORONOI_EPS * l,
 * l = (V/N)^(1/3), i.e. at round-off level (centres of flat Delaunay
 * tetrahedra carry errors of ~1e-11 l). A face's edge count is the number
 * of its non-zero edges; a face with fewer than three is a point or a
 * segment (area below ~1e-10 l^2) and does not count. There is no other small-face filter
 * (doc/models.md §9): a face of area 1e-12 l^2 in a random packing counts.
 * Exact lattices (FCC, BCC, simple cubic) and lattices perturbed by up to
 * ~1e-12 l come out ideal; perturbations between ~1e-12 l and ~1e-10 l
 * are ambiguous by nature (each tiny edge is kept or not by this rule).
 * When nearly cospherical input makes qhull give up, it is rerun on
 * joggled input (see VT_VORONOI_JOGGLE).
 * Faces are mutual by construction: j is a neighbour of i if and only if i
 * is one of j, with the same edge count (and, to round-off, area) on both sides.
 * Volumes are sums over all faces and tile the box to round-off (~1e-15). */
#ifndef VT_VORONOI_H
#define VT_VORONOI_H
#include <stddef.h>
#include "core/system.h"

/* Index columns: faces with 3, 4, ..., VT_VORONOI_NIDX + 1 edges; the last
 * column counts faces with VT_VORONOI_NIDX + 2 or more edges. */
#define VT_VORONOI_NIDX 12
/* Vertex identification tolerance, relative to l = (V/N)^(1/3). */
#define VT_VORONOI_EPS 1e-10

enum {
  VT_VORONOI_RADICAL = 1u, /* power diagram with radii sigma_i/2 (plain Voronoi without) */
  VT_VORONOI_JOGGLE = 2u   /* let qhull joggle its input (QJ) from the start; otherwise
                            * only when nearly cospherical input defeats its merging */
};

typedef struct vt_voronoi {
  size_t n;
  int radical;           /* 1: radical (power) tessellation, 0: plain Voronoi */
  double *volume;        /* n cell volumes (0 for a particle whose power cell is empty) */
  double *area;          /* n cell surface areas */
  double *phi;           /* n local volume fractions (4 pi r_i^3 / 3) / V_i (inf for an empty
                          * cell); NULL without radii */
  int *index;            /* n x VT_VORONOI_NIDX face counts by edge number, from 3 edges */
  int *nfaces;           /* n faces per cell */
  unsigned char *icosahedral; /* n: 1 if the cell has exactly 12 pentagonal faces and no other */
  /* Faces in CSR form: particle i's faces are start[i] .. start[i+1]-1, sorted
   * by neighbour; neighbor[f] is the particle (0-based) across face f (in
   * small boxes the same particle may appear on two faces, through different
   * images), edges[f] its edge count, face_area[f] its area. */
  size_t *start;         /* n + 1 */
  size_t *neighbor;
  int *edges;
  double *face_area;
  /* diagnostics */
  double margin;         /* width of the periodic-image shell that was needed */
  size_t nimages;        /* images used */
  int joggled;           /* 1 if qhull ran on joggled input (QJ) */
} vt_voronoi;

/* Tessellate n points x (3n; wrapped into the box first) in the periodic box
 * [0, box) with optional radii r (n values >= 0, NULL: none). With `flags` &
 * VT_VORONOI_RADICAL the power diagram with these radii is built (r must be
 * given), otherwise the plain Voronoi tessellation; phi is filled whenever
 * radii are given. Returns 0, VT_EINVAL (bad input, coincident points),
 * VT_ENOMEM, VT_EINTR, or VT_ENONFINITE. */
int vt_voronoi_tessellate(size_t n, const double *x, const double *r, const double box[3],
                          unsigned flags, vt_voronoi **out);

/* The same for a system: radii sigma_i / 2, so phi_i = (pi sigma_i^3 / 6) / V_i. */
int vt_voronoi_compute(const vt_system *s, unsigned flags, vt_voronoi **out);

void vt_voronoi_free(vt_voronoi *v);

/* Distinct face neighbours of particle i, ascending, into buf (capacity cap);
 * returns how many there are (may exceed cap: then only cap were written). */
size_t vt_voronoi_neighbors(const vt_voronoi *v, size_t i, size_t *buf, size_t cap);

#endif
