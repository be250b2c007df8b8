/* Multiple-origin time correlators of particle displacements: the mean
 * squared displacement and the self intermediate scattering function, per
 * species, from unwrapped positions.
 *
 *   MSD(t)    = < |r_i(t0 + t) - r_i(t0)|^2 >
 *   F_s(q, t) = < cos(q . (r_i(t0 + t) - r_i(t0))) >
 * averaged over the particles (of a species, or all), over the time origins
 * t0 the schedule provides and, for F_s, over the wave vectors
 * q = 2 pi (nx/Lx, ny/Ly, nz/Lz) of the shell | |q| - q | <= width/2 (one of
 * each pair +-q: cos is even), at most max_vectors of them chosen at random
 * with the seed; or, isotropic = 1, the orientational average
 * sin(q |dr|) / (q |dr|) (Hansen and McDonald, Theory of Simple Liquids,
 * ch. 7).
 *
 * One code path for both uses: samples go in through vt_corr_add, from an
 * MD observer (vt_corr_observer) or from the frames of a stored trajectory
 * (vt_corr_trajectory). What a sample is correlated with depends on the
 * schedule:
 *   linear: every sample with each of the `origins` samples before it
 *           (0: all of them, the post-hoc default): lags at the sampling
 *           period, all pairs of frames a given lag apart;
 *   log:    blocks of `block` steps (observer.h, vt_obs_schedule_log); a
 *           sample inside a block with its block's first sample (lags
 *           log-spaced up to one block, one origin per block), and each
 *           block's first sample with the stored first samples of earlier
 *           blocks (lags of whole blocks up to the whole run). At most
 *           `origins` block origins are stored: when they are full, every
 *           second one is dropped and from then on only every second block
 *           is stored (the spacing doubles), so the whole run stays covered
 *           with bounded memory, long lags being averaged over fewer origins.
 * Results are binned by the exact lag in steps; a bin's time is the time
 * difference of its first pair and `count` the number of origins averaged.
 *
 * Deterministic for a given thread count (static blocks of particles, the
 * threads' partial sums added in thread order). */
#ifndef VT_CORRELATOR_H
#define VT_CORRELATOR_H
#include <stddef.h>
#include "dynamics/observer.h"
#include "io/io.h"

enum { VT_CORR_MSD = 0, VT_CORR_FS = 1 };

typedef struct vt_corr_params {
  int kind;                 /* VT_CORR_MSD or VT_CORR_FS */
  double q;                 /* fs: |q| of the shell (> 0) */
  double width;             /* fs: shell width; 0: 2 pi / (largest box length) */
  long max_vectors;         /* fs: at most this many vectors (default 100) */
  unsigned long seed;       /* fs: choice of the vectors */
  int isotropic;            /* fs: sin(qr)/(qr) instead of vectors */
  int sched;                /* VT_OBS_LINEAR or VT_OBS_LOG */
  long every;               /* linear: period in steps (observers) */
  long block;               /* log: block length in steps */
  double base;              /* log: ratio of successive lags in a block */
  long origins;             /* stored origins (see above); 0: unbounded */
} vt_corr_params;

/* Defaults: fs with q = 0 (must be set), width 0, 100 vectors, seed 1, log
 * schedule with block 1000, base 2, 32 origins. */
void vt_corr_params_default(vt_corr_params *p, int kind);

typedef struct vt_corr vt_corr;

int vt_corr_alloc(const vt_corr_params *p, vt_corr **out);
void vt_corr_free(vt_corr *c);
const vt_corr_params *vt_corr_get_params(const vt_corr *c);

/* Add a sample: n unwrapped positions (3n), their types (1..ntypes) and the
 * box, at `step` (increasing from sample to sample) and `time`. The first
 * sample fixes n, the types and the box (F_s picks its vectors then);
 * later samples must agree. */
int vt_corr_add(vt_corr *c, long step, double time, size_t n, const double *xu, const int *type, int ntypes,
                const double box[3]);
/* The smallest step > after the schedule samples (the first sample's step
 * is the schedule's origin; before it: after + 1). */
long vt_corr_next(const vt_corr *c, long after);

/* Results: lags in increasing order, the zero lag first. For species `type`
 * (0: all particles) value[k] is the correlation at lag k, t[k] its time,
 * count[k] the number of origins averaged; t, value, count may be NULL.
 * ntypes is 0 before the first sample. */
size_t vt_corr_nlags(const vt_corr *c);
int vt_corr_ntypes(const vt_corr *c);
int vt_corr_result(const vt_corr *c, int type, double *t, double *value, double *count);
/* fs: the number of chosen wave vectors, and when q3 is not NULL the
 * vectors themselves (3 per vector); 0 before the first sample and for msd
 * or isotropic. */
size_t vt_corr_vectors(const vt_corr *c, double *q3);

size_t vt_corr_save(const vt_corr *c, double *out);
int vt_corr_load(vt_corr *c, const double *in, size_t len);

/* An MD observer (type name "msd" or "fs") that owns c (freed with the
 * observer, also on failure). */
int vt_corr_observer(vt_corr *c, vt_observer **out);
/* The correlator inside an observer made by vt_corr_observer, else NULL. */
vt_corr *vt_corr_of(const vt_observer *o);

/* Feed the remaining frames of a trajectory open for reading into c. Frame
 * times: the frame's time, or step * dt when the file has none (dt > 0 then
 * required). */
int vt_corr_trajectory(vt_corr *c, vt_trajectory *t, double dt);

#endif
