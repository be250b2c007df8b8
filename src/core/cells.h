/* Cell lists for local Monte Carlo, and the single-particle energy query.
 *
 * A vt_cells divides the box into ncell[0] x ncell[1] x ncell[2] cells of
 * side at least rc/3 for a radius rc chosen by the caller; an energy query
 * visits the cells within 3 cells whose nearest points can be closer than
 * rc (about 11.5 rc^3 of volume instead of 27 rc^3 for cells of side rc).
 * In a direction with fewer than 7 cells every cell of that direction is
 * visited once. Monte Carlo builds it once with rc = the largest
 * pair cutoff the system's population of diameters and types can produce
 * (vt_potential_max_cutoff): exchanging diameters and types between
 * particles permutes that population, so the structure stays valid under
 * swap moves and needs no skin. A particle that moves is taken out of its
 * cell and put into its new one (vt_cells_move), O(cell occupancy).
 *
 * Each cell keeps its members sorted by particle index, so the structure is
 * a function of the positions alone (not of the history of moves): a
 * rebuild from a checkpoint gives the same cells and the same order of
 * every energy sum, which keeps restarts bit-identical.
 *
 * vt_cells_energy is the energy of one particle with all its neighbours
 * (sum over j of u_ij), at a trial position, diameter and type, through
 * vt_potential_pair, so every pair model works. Many-body models have no
 * such decomposition and are refused by vt_cells_check_model. */
#ifndef VT_CELLS_H
#define VT_CELLS_H
#include <stddef.h>
#include "core/system.h"

typedef struct vt_cells {
  size_t n;            /* particles */
  double rc, rc2;      /* interaction radius the cells are built for */
  double box[3];
  int ncell[3];
  size_t ncells;
  size_t cap;          /* capacity of each cell */
  int *count;          /* ncells */
  size_t *member;      /* ncells * cap, each cell sorted ascending */
  size_t *cell_of;     /* n: the cell of each particle */
  size_t nstencil;     /* neighbour-cell offsets visited by an energy query */
  int (*stencil)[3];
} vt_cells;

/* VT_EINVAL with a message when `p` cannot be split into pair energies
 * (a many-body model), naming `who`. */
int vt_cells_check_model(const vt_potential *p, const char *who);

/* Build cells for s's current positions (wrapped into [0, L)) with
 * interaction radius rc; VT_ERANGE when rc exceeds half the box. */
int vt_cells_build(const vt_system *s, double rc, vt_cells **out);
void vt_cells_free(vt_cells *c);
/* The cell of a position inside [0, L). */
size_t vt_cells_index(const vt_cells *c, const double x[3]);
/* Particle i moved to x (inside [0, L)): update its cell. */
int vt_cells_move(vt_cells *c, size_t i, const double x[3]);

/* Energy of particle i, placed at xi with diameter si and type ti, with
 * every other particle j (except j == exclude; pass (size_t)-1 for none)
 * at its position in s, within rc. The other particles' data come from s. */
double vt_cells_energy(const vt_cells *c, const vt_system *s, size_t i, const double xi[3],
                       double si, int ti, size_t exclude);
/* Total pair energy, half the sum of the per-particle energies (fixed
 * order: particles ascending, cells of the stencil in a fixed order). */
double vt_cells_total_energy(const vt_cells *c, const vt_system *s);

#endif
