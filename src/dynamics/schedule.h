/* Temperature schedules for MD runs: the target temperature of every step of
 * a run of `nsteps` steps, as a function of the step index i within the run.
 * Step i is the step that takes the system from i-1 to i (1 <= i <= nsteps);
 * i = 0 is the start (the thermostat's setup). As LAMMPS `fix nvt temp T1 T2`
 * (FixNH::compute_temp_target), the target is updated every step:
 *   ramp:     T(i) = T1 + (i / nsteps) (T2 - T1), so the last step runs at T2
 *   constant: T(i) = T
 *   points:   piecewise linear through (step_k, T_k), k = 1..n, steps
 *             relative to the start of the run, strictly increasing; constant
 *             before the first and after the last point
 *   function: a callback (a Lua function in the binding) gives T(i). */
#ifndef VT_SCHEDULE_H
#define VT_SCHEDULE_H
#include <stddef.h>

enum { VT_SCHED_CONSTANT = 0, VT_SCHED_RAMP = 1, VT_SCHED_POINTS = 2, VT_SCHED_FUNCTION = 3 };

/* Returns 0 and sets *T, or a negative VT_E* code (message left by vt_error). */
typedef int (*vt_schedule_fn)(long i, long nsteps, void *arg, double *T);

typedef struct vt_schedule {
  int kind;
  double T1, T2;          /* constant (T1) and ramp */
  size_t npoints;         /* points: owned copies */
  double *step, *temp;
  vt_schedule_fn fn;      /* function */
  void *arg;
} vt_schedule;

/* Initialise *sc (any previous content is not freed). */
int vt_schedule_constant(vt_schedule *sc, double T);
int vt_schedule_ramp(vt_schedule *sc, double T1, double T2);
int vt_schedule_points(vt_schedule *sc, const double *step, const double *temp, size_t n);
int vt_schedule_function(vt_schedule *sc, vt_schedule_fn fn, void *arg);
/* Deep copy (points duplicated; a function keeps its fn/arg). */
int vt_schedule_copy(vt_schedule *dst, const vt_schedule *src);
void vt_schedule_free(vt_schedule *sc);

/* Target of step i of nsteps; checks that it is finite and >= 0. */
int vt_schedule_eval(const vt_schedule *sc, long i, long nsteps, double *T);
/* 1 if both schedules give the same targets (kinds and values; two function
 * schedules compare equal: their callbacks cannot be compared). */
int vt_schedule_same(const vt_schedule *a, const vt_schedule *b);

#endif
