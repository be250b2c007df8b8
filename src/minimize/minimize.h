/* Energy minimizers: the GSL multimin pattern for particle systems.
 *
 * A minimizer is a type descriptor (one file per algorithm, its state and
 * functions static there, one exported pointer) plus a vt_minimizer object
 * that owns the algorithm's state and the stopping rules. The caller owns the
 * loop: vt_minimizer_set(m, s) evaluates the system and starts, each
 * vt_minimizer_iterate(m) takes one step and tests convergence at the new
 * point, vt_minimizer_minimize(m, s, &r) is the convenience loop. Lua can
 * step a minimizer the same way (m:set(s), m:iterate(), m.fmax).
 *
 * Algorithms (citations in each file):
 *   vt_minimizer_fire2     FIRE 2.0 (Guenole et al., Comput. Mater. Sci. 175,
 *                          109584 (2020)) with the defaults of LAMMPS
 *                          `min_style fire` (doc/models.md section 8)
 *   vt_minimizer_fire      the original FIRE (Bitzek et al., PRL 97, 170201
 *                          (2006)) with its standard parameters
 *   vt_minimizer_cg        nonlinear conjugate gradient, Polak-Ribiere+, with
 *                          a derivative-based Wolfe line search (linesearch.c)
 *   vt_minimizer_steepest  steepest descent with the same line search, or
 *                          (mode "flow") small-step gradient flow
 *   vt_minimizer_newton    FIRE 2.0 until the forces are small, then Newton
 *                          steps on the sparse Hessian (CHOLMOD), refactorized
 *                          only when convergence slows (newton.c)
 *   vt_minimizer_lbfgs     the same FIRE start, then limited-memory BFGS with
 *                          a scaled identity for B_0 (newton.c)
 *
 * The system: positions move in place (images stay consistent: positions
 * only ever move by increments, wrapping happens at neighbor-list rebuilds),
 * masses are never touched, velocities are set to zero by vt_minimizer_set
 * (a minimized state has none; FIRE keeps its own velocities). The current
 * point's energy and forces are those of s (s->energy, s->f) after every call.
 *
 * Stopping: converged means, at the current point, fmax < ftol (norm "max",
 * the largest |force component|, the default) or fnorm < ftol (norm "two",
 * the 2-norm of the 3N force vector, as LAMMPS's default), or, when etol > 0,
 * a relative energy change below etol over one step (LAMMPS's test, checked
 * only on steps the algorithm marks as fair). Converged is never reported on
 * any other ground. vt_interrupted() stops the loop with VT_EINTR.
 *
 * Divergence: a step after which the energy or a force is not finite, or
 * the energy exceeds the lowest energy seen so far, U_low, by more than
 * diverge x max(U_start - U_low, |U_low|, N) (the common parameter diverge,
 * 1e3 by default, 0 turns the energy test off; N stands for one energy unit
 * per particle, so states near U = 0 are judged on that scale), ends with
 * status VT_MIN_DIVERGED (not an error: converged = false) and a message
 * naming the step, the energies and, for non-finite values, the particle.
 * The system is then put back at the lowest-energy point seen (positions
 * and images), evaluated there. A non-finite state at the start is an
 * error (VT_ENONFINITE), not a divergence. */
#ifndef VT_MINIMIZE_H
#define VT_MINIMIZE_H
#include <stddef.h>
#include "core/system.h"
#include "potential/potential.h"

/* Status of a step or of a minimization (>= 0; errors are negative VT_E*). */
enum {
  VT_MIN_CONTINUE = 0, /* a step was taken; not converged */
  VT_MIN_FTOL = 1,     /* converged: force criterion */
  VT_MIN_ETOL = 2,     /* converged: energy criterion */
  VT_MIN_MAXSTEPS = 3, /* the step budget is spent (vt_minimizer_minimize) */
  VT_MIN_MAXEVALS = 4, /* the force-evaluation budget is spent */
  VT_MIN_STUCK = 5,    /* no progress possible: a line search failed along the
                          steepest-descent direction, or FIRE went uphill
                          vdfmax steps in a row */
  VT_MIN_DIVERGED = 6  /* the energy or the forces turned non-finite, or the
                          energy rose far above the lowest one seen (the
                          `diverge` rule); the system is put back at the
                          lowest-energy point and m->message says why */
};

enum { VT_NORM_MAX = 0, VT_NORM_TWO = 1 };

typedef struct vt_minimizer vt_minimizer;

typedef struct vt_minimizer_type {
  const char *name;
  size_t size;                       /* bytes of state */
  const char *const *params;         /* the type's own parameter names, NULL-terminated */
  void (*init)(void *state);         /* defaults */
  int (*param)(void *state, const vt_param *p); /* set one named parameter (validated) */
  int (*check)(void *state);         /* after parameters change: derive and validate */
  int (*alloc)(void *state, size_t n);          /* work arrays for n particles */
  int (*set)(void *state, vt_minimizer *m);     /* start at m->s (forces are current) */
  int (*iterate)(void *state, vt_minimizer *m); /* one step; VT_MIN_CONTINUE, VT_MIN_STUCK or error */
  int (*restart)(void *state, vt_minimizer *m); /* forget the history, keep the point */
  int (*get)(const void *state, const char *key, double *value); /* parameters and state by name */
  void (*free)(void *state);                    /* work arrays (not the state itself) */
} vt_minimizer_type;

struct vt_minimizer {
  const vt_minimizer_type *type;
  void *state;
  vt_system *s;          /* borrowed: the system being minimized */
  size_t n;              /* particles the work arrays are sized for */
  /* stopping rules */
  double ftol, etol;
  int norm;              /* VT_NORM_MAX or VT_NORM_TWO */
  long max_steps;        /* budget of vt_minimizer_minimize (0: none) */
  long max_evals;        /* force evaluations per minimize (0: none) */
  int progress;          /* vt_minimizer_minimize draws a bar on a terminal (1, the default) */
  /* the current point */
  double energy, energy_prev, fmax, fnorm;
  long steps, force_evals;
  int etol_ok;           /* set by the type: the last step's energy change is a fair test */
  int status;            /* of the last step */
  /* divergence (see vt_minimizer_iterate) */
  double diverge;        /* factor of the rule (1e3; 0: off) */
  double energy_start, energy_best;
  long best_step;
  double *best_x;        /* 3n positions and images of the lowest-energy point */
  int *best_image;
  char message[320];     /* why a minimization diverged ("" otherwise) */
  unsigned long seen_changes; /* s->changes after our last step: a change from
                                 outside restarts the minimizer */
};

typedef struct vt_minimize_result {
  int converged;         /* 1 only if the stopping test holds at the final point */
  int status;            /* VT_MIN_* (why it stopped) */
  long steps, force_evals;
  double energy;         /* total potential energy U */
  double fmax;           /* largest |force component| */
  double fnorm;          /* 2-norm of the 3N force vector */
  const char *message;   /* status VT_MIN_DIVERGED: what happened (the minimizer's
                            message, valid until its next step); NULL otherwise */
} vt_minimize_result;

extern const vt_minimizer_type *const vt_minimizer_fire;
extern const vt_minimizer_type *const vt_minimizer_fire2;
extern const vt_minimizer_type *const vt_minimizer_cg;
extern const vt_minimizer_type *const vt_minimizer_steepest;
extern const vt_minimizer_type *const vt_minimizer_newton;
extern const vt_minimizer_type *const vt_minimizer_lbfgs;
/* Look-up by name ("fire2", "fire", "cg", "steepest", "newton", "lbfgs"); NULL if unknown. */
const vt_minimizer_type *vt_minimizer_type_find(const char *name);

/* Allocate a minimizer; params (may be NULL) are named values: the common
 * ftol (1e-10), etol (0: off), norm ("max" | "two"), max_steps (1000000),
 * diverge (1e3; 0: off; see Divergence above), progress (1: vt_minimizer_minimize
 * shows steps, fmax against ftol and the rate on stderr when it is a
 * terminal and VT_QUIET is unset; 0: never),
 * max_evals (0: none; tested between steps, so a line search may overrun it
 * by its own budget) and the type's own (see each file). Unknown names and
 * out-of-range values are errors. */
int vt_minimizer_alloc(const vt_minimizer_type *T, const vt_params *params, vt_minimizer **out);
void vt_minimizer_free(vt_minimizer *m);
/* Change one parameter after allocation (numbers; booleans as 0/1). */
int vt_minimizer_set_param(vt_minimizer *m, const vt_param *p);
/* Read a parameter or a piece of state by name ("dt", "alpha", "ftol", ...);
 * VT_EINVAL when the name is unknown. */
int vt_minimizer_get(const vt_minimizer *m, const char *key, double *value);

/* Start minimizing s: evaluate it, zero its velocities, reset the algorithm
 * and the counters. The minimizer borrows s until the next set or free. */
int vt_minimizer_set(vt_minimizer *m, vt_system *s);
/* One step, then the convergence test at the new point: VT_MIN_CONTINUE,
 * VT_MIN_FTOL, VT_MIN_ETOL, VT_MIN_STUCK, VT_MIN_DIVERGED (the system is
 * back at the lowest-energy point), or a negative error. If the system
 * was changed from outside since the last step (positions set, potential
 * changed), the minimizer re-evaluates it and restarts from there. */
int vt_minimizer_iterate(vt_minimizer *m);
/* Forget the history (FIRE velocities, CG directions), keep the point. */
int vt_minimizer_restart(vt_minimizer *m);
/* The convergence test at the current point (no step): VT_MIN_FTOL,
 * VT_MIN_ETOL or VT_MIN_CONTINUE. */
int vt_minimizer_test(const vt_minimizer *m);
/* set + iterate until converged, stuck, or out of budget. Returns 0 when it
 * ended normally (converged or not: r says which), a negative error
 * otherwise (VT_ENONFINITE, VT_EINTR, ...), with r describing the last point. */
int vt_minimizer_minimize(vt_minimizer *m, vt_system *s, vt_minimize_result *r);
/* The result fields for the current point. */
void vt_minimizer_result(const vt_minimizer *m, vt_minimize_result *r);

const char *vt_minimizer_name(const vt_minimizer *m);
/* "continue", "ftol", "etol", "max_steps", "max_evals", "stuck", "diverged" */
const char *vt_minimizer_status_name(int status);

#endif
