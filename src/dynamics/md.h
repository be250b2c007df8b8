/* Molecular dynamics: the run loop in C around an integrator
 * (integrator.h) and a temperature schedule (schedule.h).
 *
 *   vt_md *md;
 *   vt_md_alloc(s, vt_integrator_nose_hoover, NULL, 0.005, 1.0, &md);
 *   vt_schedule ramp; vt_schedule_ramp(&ramp, 1.0, 0.1);
 *   vt_md_run_opts o = { .steps = 100000, .schedule = &ramp, .every = 1000,
 *                        .observe = fn, .checkpoint = "run.vtc",
 *                        .checkpoint_every = 10000, .progress = 1 };
 *   rc = vt_md_run(md, &o);
 *
 * The run loop, per step i = 1..steps of the run (LAMMPS Verlet::run order):
 *   poll vt_interrupted(); target T(i) from the schedule; one integrator step
 *   whose last force evaluation also computes what the observers sampling
 *   this step need (observer.h); md->step++; the observers that asked for
 *   this step; every `every` steps the callback `observe` (itself an
 *   observer of type "callback", which may stop the run or change the
 *   system: diameters, masses, velocities are re-read next step);
 *   every `checkpoint_every` steps a checkpoint; the progress bar.
 * Ctrl-C (vt_interrupted()) is polled at every step boundary, so the step in
 * progress finishes; the checkpoint is written if the run has one, and the
 * run returns VT_EINTR. The run then stays pending: calling vt_md_run again
 * with the same steps and schedule finishes it.
 *
 * Checkpoints and restart: vt_md_checkpoint writes the system and the full
 * MD state (step, time, dt, integrator/thermostat state, the run in progress
 * and its position in the schedule) through vt_checkpoint_write, as a blob
 * named "vt.md", and during a run the state of every observer that keeps
 * one (blobs "vt.observer.K.<type>", K = 1, 2, ... in the run's order).
 * vt_md_restore reads it back; vt_md_run with the same steps and schedule
 * then continues the interrupted run. A checkpoint stores the state as it
 * is (positions that drifted since the last neighbor-list build, the
 * forces over that list) plus the positions at which the list was built
 * (blob "vt.neighbor"); restoring rebuilds the list at those positions,
 * which gives the same list (it is a function of them), so the forces are
 * summed in the same order and the run after a restore is bit-identical
 * to the run that wrote the checkpoint (same thread count), step for step
 * -- whether the checkpoint was periodic or written on Ctrl-C at any step.
 * Writing a checkpoint changes nothing in the running state, so a run that
 * writes checkpoints is bit-identical to one that writes none. Checkpoints
 * written before the blob existed restore with a list built at the stored
 * positions (their writers rebuilt it there).
 *
 * Degrees of freedom are 3N-3: a fresh run starts by removing the total
 * momentum (vt_system_zero_momentum); a resumed run does not touch the
 * velocities. */
#ifndef VT_MD_H
#define VT_MD_H
#include "core/system.h"
#include "dynamics/integrator.h"
#include "dynamics/observer.h"
#include "dynamics/schedule.h"
#include "io/io.h"

typedef struct vt_md {
  vt_system *s;             /* borrowed: the caller keeps it alive */
  vt_integrator *integ;     /* owned */
  double dt;
  double T;                 /* target of the last step (the default of the next run) */
  long step;                /* steps done since the md object was created */
  double time;              /* simulated time of those steps */
  /* the run in progress, or pending after an interruption or a restore */
  int pending;
  long run_begin;           /* md->step when the run started */
  long run_steps;
  vt_schedule run_sched;
  /* the observers of the run (set during vt_md_run only, for checkpoints) */
  vt_observer *const *run_obs;
  size_t run_nobs;
  size_t run_nsaved;        /* observers with a state in the pending run */
  /* observer states carried by a restored checkpoint ("vt.observer.K.name"
   * blobs), loaded into the observers of the resumed run */
  vt_blob *obs_blobs;
  size_t nobs_blobs;
} vt_md;

/* Observer: called with the global step count and the target temperature
 * of the step (the kinetic temperature for NVE). Return 0 to continue, 1 to
 * stop the run after this step, or a negative VT_E* code (VT_EINTR when it
 * saw an interruption) to abort it. */
typedef int (*vt_md_observer)(vt_md *md, long step, double T, void *arg);

typedef struct vt_md_run_opts {
  long steps;                   /* steps of the run (>= 0) */
  const vt_schedule *schedule;  /* NULL: constant at md->T; copied by the run */
  long every;                   /* observer period (0: never) */
  vt_md_observer observe;
  void *arg;
  const char *checkpoint;       /* checkpoint file, or NULL */
  long checkpoint_every;        /* period in steps of the run (0: only on interruption) */
  int progress;                 /* progress bar on stderr if it is a terminal and VT_QUIET is unset */
  /* Observer objects (observer.h), borrowed: sampled at the steps they ask
   * for, after the dynamics of the step and before `observe`. A resumed run
   * (restored or interrupted) must get the same observers in the same order. */
  vt_observer *const *observers;
  size_t nobservers;
  long done;                    /* out: steps taken by this call */
  int stopped;                  /* out: 1 if the observer stopped the run */
} vt_md_run_opts;

/* Thermostat types need T > 0; dt > 0. params may be NULL (defaults). */
int vt_md_alloc(vt_system *s, const vt_integrator_type *type, const vt_integrator_params *params,
                double dt, double T, vt_md **out);
void vt_md_free(vt_md *md);
int vt_md_set_dt(vt_md *md, double dt);

int vt_md_run(vt_md *md, vt_md_run_opts *o);
/* Forget a pending run (interrupted or restored): the next vt_md_run starts
 * afresh. The steps already done stay done (step, time, the system and the
 * thermostat keep their state). No-op when nothing is pending. */
void vt_md_abandon(vt_md *md);

/* KE + U + the thermostat's energy at the current target (LAMMPS
 * etotal + f_nvt): conserved by NVE, and by NVT at constant T. */
int vt_md_conserved(vt_md *md, double *H);

int vt_md_checkpoint(vt_md *md, const char *path);
/* A new md object and the system it drives (both owned by the caller: free
 * the md first, then the system). A run that was pending when the
 * checkpoint was written is pending again; a pending function schedule needs
 * its function again: pass it to vt_md_run. */
int vt_md_restore(const char *path, vt_md **md, vt_system **s);

#endif
