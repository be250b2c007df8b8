/* Observers: objects that sample a running MD simulation at steps they
 * choose, GSL type-descriptor style (gsl_multimin_fdfminimizer_type).
 *
 * A type is one static table of functions plus an exported pointer; an
 * observer (vt_observer) owns one instance of its type's state. The run loop
 * (vt_md_run, md.h) drives a list of them:
 *   - before each step it asks every observer for the next step it wants
 *     (next(after): the smallest step > after that it samples; a fresh
 *     observer may answer `after + 1`, the current step, to take its time
 *     origin at the start of the run);
 *   - it ORs the `needs` (VT_ENERGY, VT_VIRIAL, VT_EATOM, VT_VATOM of
 *     core/system.h) of the observers that want the coming step into that
 *     step's last force evaluation, so observing costs no second force pass
 *     (a pass asked for more may sum the forces in another order: runs with
 *     different observers agree to round-off, not bit for bit);
 *   - after the step it calls sample() of those observers (step = the md's
 *     global step count, time = md->time, T = the step's target temperature,
 *     or the kinetic one in NVE);
 *   - checkpoints (vt_md_checkpoint) store what save() writes, one blob per
 *     observer; a run restored from the checkpoint loads it back, so the
 *     observer continues exactly where it stopped.
 *
 * Observer types of the library: the Lua callback of md:run (md.c), the
 * multiple-origin correlators MSD and F_s and the stress time series
 * (analysis/correlator.h). */
#ifndef VT_OBSERVER_H
#define VT_OBSERVER_H
#include <stddef.h>
#include "core/system.h"

typedef struct vt_observer_type {
  const char *name;       /* "msd", "fs", "stress", "callback" */
  /* The smallest step > after that the observer samples. */
  long (*next)(const void *state, long after);
  /* Sample the system at `step`: 0 continue, 1 stop the run after this step,
   * or a negative VT_E* code (the run aborts with it). */
  int (*sample)(void *state, vt_system *s, long step, double time, double T);
  /* Serialize into doubles (out NULL: return the count only); load reads back
   * what save wrote and checks that it belongs to an observer with the same
   * parameters. NULL: the observer keeps no state worth a checkpoint. */
  size_t (*save)(const void *state, double *out);
  int (*load)(void *state, const double *in, size_t len);
  void (*free)(void *state);   /* everything the state owns, and the state */
} vt_observer_type;

typedef struct vt_observer {
  const vt_observer_type *type;
  void *state;
  unsigned needs;         /* VT_* flags of the force pass on sampled steps */
  long last;              /* last step sampled (-1: none) */
  long want;              /* the run loop's cache of next() */
  long samples;           /* sample() calls so far (this process) */
  double seconds;         /* wall-clock time spent in them (for benchmarks) */
} vt_observer;

/* Wrap a state (taken over: freed with the observer, also on failure). */
int vt_observer_new(const vt_observer_type *type, void *state, unsigned needs, vt_observer **out);
void vt_observer_free(vt_observer *o);
/* next() of the type, never at or before the last sample. */
long vt_observer_next(const vt_observer *o, long after);
int vt_observer_sample(vt_observer *o, vt_system *s, long step, double time, double T);
/* State of o plus its last step, for checkpoints. */
size_t vt_observer_save(const vt_observer *o, double *out);
int vt_observer_load(vt_observer *o, const double *in, size_t len);

/* Sampling schedules shared by the correlators.
 *   linear: every `every` steps from the first sample t0;
 *   log:    blocks of `block` steps from t0; in a block the samples at the
 *           offsets 0 and the integer parts of base^k (k = 0, 1, ...) below
 *           `block`, so lags from one step to one block are log-spaced
 *           (the multiple-origin scheme of Kob and Andersen, Phys. Rev. E 51,
 *           4626 (1995), atooms-pp and others). */
enum { VT_OBS_LINEAR = 0, VT_OBS_LOG = 1 };

typedef struct vt_obs_schedule {
  int kind;
  long every;             /* linear */
  long block;             /* log */
  double base;            /* log: ratio of successive lags (> 1) */
  long *offsets;          /* log: the sorted sample offsets in a block (0 first) */
  size_t noffsets;
} vt_obs_schedule;

int vt_obs_schedule_linear(vt_obs_schedule *sc, long every);
int vt_obs_schedule_log(vt_obs_schedule *sc, long block, double base);
void vt_obs_schedule_free(vt_obs_schedule *sc);
/* The smallest scheduled step > after, for a schedule started at t0. */
long vt_obs_schedule_next(const vt_obs_schedule *sc, long t0, long after);

#endif
