/* Swap Monte Carlo for (continuously) polydisperse systems.
 *
 *   vt_swap_mc *mc;
 *   vt_swap_mc_params p; vt_swap_mc_params_default(&p);
 *   p.T = 0.3; p.swap_fraction = 0.2; p.seed = 1;
 *   vt_swap_mc_alloc(s, &p, &mc);
 *   vt_swap_mc_run_opts o = { .sweeps = 1000, .adapt = 1 };   (equilibration)
 *   vt_swap_mc_run(mc, &o);
 *   o.adapt = 0; vt_swap_mc_run(mc, &o);                       (production)
 *
 * Moves (a sweep is N attempted moves): with probability swap_fraction a
 * diameter swap -- two distinct particles i, j drawn uniformly exchange
 * their diameters (and types, and masses: the particle identity moves, the
 * positions stay) -- otherwise a displacement of one uniformly drawn
 * particle by a vector uniform in the cube [-delta, delta]^3. Both proposals
 * are symmetric, so the Metropolis rule min(1, exp(-dU/T)) gives detailed
 * balance with respect to exp(-U/T) over positions and over permutations of
 * the diameters (Grigera and Parisi, PRE 63, 045102 (2001); Ninarello,
 * Berthier and Coslovich, PRX 7, 021039 (2017)). dU is exact and local: the
 * energies of the particles involved with their neighbours before and after
 * (vt_cells_energy), never a full recomputation. Equal diameters give
 * dU = 0 exactly and the swap is always accepted.
 *
 * The cells are built with the largest pair cutoff of the population
 * (vt_potential_max_cutoff): it is invariant under swaps, so they stay
 * valid. The running energy is U at the start of the run plus the accepted
 * dU.
 *
 * Step size: delta adapts only in runs with .adapt set (equilibration:
 * after every sweep it is multiplied by 1.05 when that sweep's displacement
 * acceptance is above `target`, divided by 1.05 otherwise, within
 * [1e-4, rc/2]); runs without .adapt keep it frozen, so the production
 * chain is a Markov chain with fixed proposals.
 *
 * Velocities (for hybrid MD + swap): a swap changes the masses of i and j
 * when masses follow diameters (mass rule "volume") or types. Each velocity
 * is then multiplied by sqrt(m_old / m_new). In the canonical ensemble the
 * velocities are independent of the positions and of the diameters, with
 * v_a ~ N(0, T/m); the rescale maps that distribution for the old mass
 * exactly onto the one for the new mass, so the joint canonical
 * distribution is preserved and the move still obeys detailed balance. It
 * also keeps each particle's kinetic energy, hence the instantaneous
 * temperature and the Nose-Hoover thermostat's balance: the MD that follows
 * sees a consistent state. (Total momentum is then not exactly conserved by
 * a swap; it is zero on average, and a fresh md run removes it.)
 *
 * Randomness: one GSL mt19937 generator owned by the object, seeded from
 * `seed`. Each run starts by checking the system against its state at the
 * end of the previous run (positions, diameters, types, box, potential); if
 * anything changed (an MD burst, a VHG step, a setter) the cells are rebuilt
 * and the energy recomputed; otherwise the run continues the chain exactly.
 * Checkpoints (vt_swap_mc_checkpoint, blobs "vt.swap_mc" and
 * "vt.swap_mc.rng") store the system, the generator state, the step size,
 * the running energy and all counters: a restored object continues
 * bit-identically to the one that wrote it. */
#ifndef VT_SWAP_MC_H
#define VT_SWAP_MC_H
#include "core/cells.h"
#include "core/system.h"

typedef struct vt_swap_mc_params {
  double T;               /* temperature (> 0) */
  double swap_fraction;   /* probability that a move is a swap, [0, 1] */
  double delta;           /* initial displacement half-width (> 0) */
  double target;          /* displacement acceptance aimed at when adapting, (0, 1) */
  unsigned long seed;
} vt_swap_mc_params;

void vt_swap_mc_params_default(vt_swap_mc_params *p);

typedef struct vt_swap_mc {
  vt_system *s;           /* borrowed */
  vt_swap_mc_params par;
  double delta;           /* current step size */
  void *rng;              /* gsl_rng *, owned */
  vt_cells *cells;        /* owned */
  double energy;          /* running potential energy */
  long sweeps;            /* sweeps done */
  long adapt_sweeps;      /* of which adapting */
  long disp_tried, disp_accepted, swap_tried, swap_accepted;
  /* the state at the end of the last run, to detect outside changes */
  int have_state;
  double *x0, *sigma0;
  int *type0;
  double box0[3];
  const vt_potential *pot0;
} vt_swap_mc;

/* Called every `every` sweeps with the sweep count; return 0 to go on, 1 to
 * stop after this sweep, or a negative VT_E* code to abort. */
typedef int (*vt_swap_mc_observer)(vt_swap_mc *mc, long sweep, void *arg);

typedef struct vt_swap_mc_run_opts {
  long sweeps;
  int adapt;                      /* adapt delta during this run */
  long every;                     /* observer period in sweeps (0: never) */
  vt_swap_mc_observer observe;
  void *arg;
  const char *checkpoint;         /* file, or NULL */
  long checkpoint_every;          /* sweeps (0: only on interruption) */
  long done;                      /* out: sweeps done by this call */
  int stopped;                    /* out: the observer stopped the run */
} vt_swap_mc_run_opts;

int vt_swap_mc_alloc(vt_system *s, const vt_swap_mc_params *p, vt_swap_mc **out);
void vt_swap_mc_free(vt_swap_mc *mc);
int vt_swap_mc_run(vt_swap_mc *mc, vt_swap_mc_run_opts *o);
/* One attempted move of each kind (for tests and fine control); *accepted
 * tells the outcome. The run's start-of-run check is done by these too. */
int vt_swap_mc_displace(vt_swap_mc *mc, size_t i, const double d[3], int *accepted);
int vt_swap_mc_swap(vt_swap_mc *mc, size_t i, size_t j, int *accepted);
/* The running energy, brought up to date first if the system changed since
 * the last move (then it is a fresh sum). */
int vt_swap_mc_energy(vt_swap_mc *mc, double *energy);
int vt_swap_mc_set_T(vt_swap_mc *mc, double T);
int vt_swap_mc_set_delta(vt_swap_mc *mc, double delta);

int vt_swap_mc_checkpoint(vt_swap_mc *mc, const char *path);
/* A new object and the system it drives (free the object first). */
int vt_swap_mc_restore(const char *path, vt_swap_mc **mc, vt_system **s);

#endif
