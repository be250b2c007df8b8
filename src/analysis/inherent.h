/* Inherent-state trajectories (PROTOCOLS.md section 3, step 4: landscape
 * granularity): along an MD run, every `every` steps a copy of the
 * configuration is minimized to its inherent state (IS) and U_IS recorded;
 * the MD trajectory itself is not touched. Transitions are the frame-to-
 * frame jumps |dU_IS| > threshold, on the total energy (the default) or on
 * U_IS / N (per_particle). The rate Gamma = transitions / (time spanned by
 * the frames) is reported as Gamma t_vib N0 / N with
 *   t_vib = 0.1 t0,  t0 = a0 / sqrt(T),  a0 = (V/N)^(1/3),  N0 = 1000,
 * T the mean over the frames of the run's temperature (the thermostat's
 * target, or the kinetic temperature in NVE).
 *
 * The minimizer is the caller's (any vt_minimizer; vt.lbfgs with the ichol
 * preconditioner and reuse = 1 carries its factor from one frame to the
 * next, which is what makes it the fastest here): it is run on one private
 * copy of the system, so a kept factor always belongs to the previous
 * inherent state. A minimization that does not converge is recorded as
 * such (converged = 0) and counted in `unconverged`; its U_IS still enters
 * the series, so the caller decides whether the count can be trusted. */
#ifndef VT_INHERENT_H
#define VT_INHERENT_H
#include "core/array.h"
#include "dynamics/md.h"
#include "minimize/minimize.h"

typedef struct vt_inherent_opts {
  long every;          /* MD steps between frames (>= 1) */
  long frames;         /* frames after the initial one (>= 1) */
  double threshold;    /* transition threshold on |dU_IS| (default 1e-5) */
  int per_particle;    /* 1: the threshold applies to |dU_IS| / N */
  double n0;           /* the reference size N0 of the reported rate (1000) */
  int progress;        /* progress bar of the MD run */
} vt_inherent_opts;

typedef struct vt_inherent_result {
  vt_array *time;      /* frames + 1: md time of each frame (the first is the start) */
  vt_array *u;         /* U_IS (total) of each frame */
  vt_array *steps;     /* minimizer steps of each frame */
  vt_array *converged; /* 1 / 0 per frame */
  long transitions;    /* jumps |dU_IS| (or |dU_IS|/N) > threshold */
  long unconverged;    /* frames whose minimization did not converge */
  double T;            /* mean temperature over the frames */
  double t_vib;        /* 0.1 a0 / sqrt(T) */
  double rate;         /* Gamma: transitions per unit time */
  double scaled_rate;  /* Gamma t_vib N0 / N */
  long force_evals;    /* of all minimizations */
  double seconds_min;  /* wall time spent minimizing */
  double seconds_md;   /* wall time of the MD steps */
} vt_inherent_result;

/* Run `frames * every` MD steps of md, minimizing a copy of md->s at the
 * start and every `every` steps with m. */
int vt_inherent_trajectory(vt_md *md, vt_minimizer *m, const vt_inherent_opts *o, vt_inherent_result *out);
void vt_inherent_result_free(vt_inherent_result *r);

/* The counting rule alone: the number of k in 1..n-1 with
 * |u[k] - u[k-1]| * scale > threshold (scale = 1 or 1/N). */
int vt_inherent_count(const double *u, size_t n, double threshold, double scale, long *count);

#endif
