/* Time series of a run and what is read off correlation functions:
 * - the stress observer: the pressure tensor (kinetic + virial, per
 *   component, core/system.h) sampled every k steps of an MD run;
 * - the shear-stress autocorrelation c(t) = (V/T) <sigma_ab(0) sigma_ab(t)>,
 *   averaged over the time origins of the series and over the three
 *   off-diagonal components, computed by FFT (GSL, zero-padded so the
 *   correlation is not circular; Allen and Tildesley, Computer Simulation of
 *   Liquids, 2nd ed., sec. 8.2.2). Its integral is the shear viscosity
 *   (Green-Kubo);
 * - tau_alpha: the time at which F_s(q, t) first falls to a level c (0.2 in
 *   MESO, 1/e elsewhere), by linear interpolation in log t between the two
 *   points around the crossing;
 * - the diffusion coefficient D = slope / 6 of a least-squares line through
 *   the MSD over a window [from, to] of lag times (Einstein relation). */
#ifndef VT_TIMESERIES_H
#define VT_TIMESERIES_H
#include <stddef.h>
#include "dynamics/observer.h"

/* An observer that records P_ab (order xx yy zz xy xz yz) every `every`
 * steps from the step where it starts. */
int vt_stress_observer(long every, vt_observer **out);
/* The recorded series of an observer from vt_stress_observer (else
 * VT_EINVAL): count, and pointers valid until the next sample (NULL when
 * count is 0): steps and times (count each), P (6 per sample); the volume. */
int vt_stress_series(const vt_observer *o, size_t *count, const double **time, const double **P, double *volume);

/* c[k] = (V/T) (1/3) sum over ab of (1/(n-k)) sum_i s_ab[i] s_ab[i+k], for
 * k = 0..n-1, from n samples of the three off-diagonal components
 * (xy, xz, yz) of the stress. */
int vt_stress_acf(const double *xy, const double *xz, const double *yz, size_t n, double V, double T, double *c);

/* 0 and *tau when f falls to `level`; 1 when it never does (a result, not an
 * error: the caller reports it); < 0 on bad input. Points at t <= 0 take no
 * part in the interpolation. */
int vt_tau_alpha(const double *t, const double *f, size_t n, double level, double *tau);

typedef struct vt_diffusion_fit {
  double D, slope, intercept;
  double D_err;          /* standard error of D from the fit's residuals */
  double from, to;       /* the window used */
  size_t points;
  double exponent;       /* d log MSD / d log t across the window (1: diffusive) */
} vt_diffusion_fit;

/* from < 0: t_max / 10; to < 0: t_max. At least two points in the window. */
int vt_diffusion(const double *t, const double *msd, size_t n, double from, double to, vt_diffusion_fit *fit);

#endif
