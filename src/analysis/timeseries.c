/* The stress observer, the stress autocorrelation, tau_alpha and D (see
 * timeseries.h). */
#include "analysis/timeseries.h"
#include "core/error.h"
#include <gsl/gsl_errno.h>
#include <gsl/gsl_fft_halfcomplex.h>
#include <gsl/gsl_fft_real.h>
#include <gsl/gsl_fit.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- the stress observer ---- */

typedef struct {
  long every, t0;
  int started;
  double volume;
  size_t n, cap;
  double *time;     /* n */
  double *P;        /* 6n */
} stress_state;

static long stress_next(const void *state, long after)
{
  const stress_state *s = state;
  if (!s->started) return after + 1;
  long d = after + 1 - s->t0;
  if (d <= 0) return s->t0;
  return s->t0 + ((d + s->every - 1) / s->every) * s->every;
}

static int stress_sample(void *state, vt_system *sys, long step, double time, double T)
{
  (void)T;
  stress_state *s = state;
  double V = vt_system_volume(sys);
  if (s->started && V != s->volume)
    return vt_error(VT_EINVAL, "stress observer: the volume changed (%g -> %g); it records constant-volume runs", s->volume, V);
  if (s->n == s->cap) {
    size_t cap = s->cap ? 2 * s->cap : 1024;
    double *nt = realloc(s->time, cap * sizeof *nt);
    if (nt) s->time = nt;
    double *np = realloc(s->P, 6 * cap * sizeof *np);
    if (np) s->P = np;
    if (!nt || !np) return vt_error(VT_ENOMEM, "out of memory");
    s->cap = cap;
  }
  int rc = vt_system_pressure_tensor(sys, 0, s->P + 6 * s->n);
  if (rc) return rc;
  if (!s->started) { s->started = 1; s->t0 = step; s->volume = V; }
  s->time[s->n++] = time;
  return 0;
}

/* every, started, t0, volume, n, then n times and 6n components */
static size_t stress_save(const void *state, double *out)
{
  const stress_state *s = state;
  if (out) {
    out[0] = (double)s->every; out[1] = s->started; out[2] = (double)s->t0; out[3] = s->volume; out[4] = (double)s->n;
    memcpy(out + 5, s->time, s->n * sizeof(double));
    memcpy(out + 5 + s->n, s->P, 6 * s->n * sizeof(double));
  }
  return 5 + 7 * s->n;
}

static int stress_load(void *state, const double *in, size_t len)
{
  stress_state *s = state;
  if (len < 5 || !(in[4] >= 0 && in[4] < 1e12) || len != 5 + 7 * (size_t)in[4])
    return vt_error(VT_EFORMAT, "observer stress: the saved state is malformed");
  if (in[0] != (double)s->every)
    return vt_error(VT_EINVAL, "observer stress: parameter every is %g in the checkpoint, %ld here", in[0], s->every);
  size_t n = (size_t)in[4];
  double *t = malloc((n ? n : 1) * sizeof *t), *P = malloc((n ? 6 * n : 1) * sizeof *P);
  if (!t || !P) { free(t); free(P); return vt_error(VT_ENOMEM, "out of memory"); }
  memcpy(t, in + 5, n * sizeof *t);
  memcpy(P, in + 5 + n, 6 * n * sizeof *P);
  free(s->time); free(s->P);
  s->time = t; s->P = P; s->n = n; s->cap = n ? n : 1;
  s->started = in[1] != 0; s->t0 = (long)in[2]; s->volume = in[3];
  return 0;
}

static void stress_free(void *state)
{
  stress_state *s = state;
  if (!s) return;
  free(s->time); free(s->P); free(s);
}

static const vt_observer_type stress_type = {"stress", stress_next, stress_sample, stress_save, stress_load, stress_free};

int vt_stress_observer(long every, vt_observer **out)
{
  *out = NULL;
  if (every < 1) return vt_error(VT_EINVAL, "stress observer: every = %ld must be a positive number of steps", every);
  stress_state *s = calloc(1, sizeof *s);
  if (!s) return vt_error(VT_ENOMEM, "out of memory");
  s->every = every;
  return vt_observer_new(&stress_type, s, VT_VIRIAL, out);
}

int vt_stress_series(const vt_observer *o, size_t *count, const double **time, const double **P, double *volume)
{
  if (!o || o->type != &stress_type) return vt_error(VT_EINVAL, "not a stress observer");
  const stress_state *s = o->state;
  *count = s->n;
  *time = s->n ? s->time : NULL;
  *P = s->n ? s->P : NULL;
  *volume = s->volume;
  return 0;
}

/* ---- c(t) by FFT ---- */

int vt_stress_acf(const double *xy, const double *xz, const double *yz, size_t n, double V, double T, double *c)
{
  if (n == 0) return vt_error(VT_EINVAL, "stress_acf: an empty series");
  if (!(T > 0 && isfinite(T))) return vt_error(VT_EINVAL, "stress_acf: T = %g must be positive", T);
  if (!(V > 0 && isfinite(V))) return vt_error(VT_EINVAL, "stress_acf: volume = %g must be positive", V);
  size_t m = 1;
  while (m < 2 * n) m <<= 1;
  double *w = malloc(m * sizeof *w);
  if (!w) return vt_error(VT_ENOMEM, "out of memory");
  for (size_t k = 0; k < n; k++) c[k] = 0.0;
  const double *comp[3] = {xy, xz, yz};
  for (int a = 0; a < 3; a++) {
    for (size_t i = 0; i < n; i++) {
      if (!isfinite(comp[a][i])) { free(w); return vt_error(VT_ENONFINITE, "stress_acf: sample %zu is not finite", i + 1); }
      w[i] = comp[a][i];
    }
    memset(w + n, 0, (m - n) * sizeof *w);
    /* Wiener-Khinchin: the inverse transform of |X|^2 is the (zero-padded,
     * hence linear) autocorrelation sum */
    gsl_fft_real_radix2_transform(w, 1, m);
    w[0] = w[0] * w[0];
    w[m / 2] = w[m / 2] * w[m / 2];
    for (size_t k = 1; k < m / 2; k++) {
      w[k] = w[k] * w[k] + w[m - k] * w[m - k];
      w[m - k] = 0.0;
    }
    gsl_fft_halfcomplex_radix2_inverse(w, 1, m);
    for (size_t k = 0; k < n; k++) c[k] += w[k];
  }
  free(w);
  for (size_t k = 0; k < n; k++) c[k] *= V / (3.0 * T * (double)(n - k));
  return 0;
}

/* ---- tau_alpha and D ---- */

int vt_tau_alpha(const double *t, const double *f, size_t n, double level, double *tau)
{
  *tau = NAN;
  if (!isfinite(level)) return vt_error(VT_EINVAL, "tau_alpha: level = %g must be finite", level);
  long prev = -1;
  for (size_t k = 0; k < n; k++) {
    if (!isfinite(t[k]) || !isfinite(f[k])) continue;
    if (k > 0 && !(t[k] > t[k - 1])) return vt_error(VT_EINVAL, "tau_alpha: times must increase (point %zu)", k + 1);
    if (!(t[k] > 0)) continue;
    if (f[k] <= level) {
      if (prev < 0) {
        if (f[k] == level) { *tau = t[k]; return 0; }
        return vt_error(VT_EINVAL, "tau_alpha: the function is already at %g (below the level %g) at the first positive time %g",
                        f[k], level, t[k]);
      }
      double f1 = f[prev], f2 = f[k], l1 = log(t[prev]), l2 = log(t[k]);
      *tau = f1 == f2 ? t[k] : exp(l1 + (level - f1) / (f2 - f1) * (l2 - l1));
      return 0;
    }
    prev = (long)k;
  }
  return 1;
}

int vt_diffusion(const double *t, const double *msd, size_t n, double from, double to, vt_diffusion_fit *fit)
{
  memset(fit, 0, sizeof *fit);
  double tmax = -INFINITY;
  for (size_t k = 0; k < n; k++)
    if (isfinite(t[k]) && isfinite(msd[k]) && t[k] > tmax) tmax = t[k];
  if (!(tmax > 0)) return vt_error(VT_EINVAL, "diffusion: no point at a positive time");
  if (from < 0) from = tmax / 10;
  if (to < 0) to = tmax;
  if (!(to > from)) return vt_error(VT_EINVAL, "diffusion: the window [%g, %g] is empty", from, to);
  double *x = malloc((n ? n : 1) * sizeof *x), *y = malloc((n ? n : 1) * sizeof *y);
  if (!x || !y) { free(x); free(y); return vt_error(VT_ENOMEM, "out of memory"); }
  size_t m = 0;
  for (size_t k = 0; k < n; k++)
    if (isfinite(t[k]) && isfinite(msd[k]) && t[k] >= from && t[k] <= to) { x[m] = t[k]; y[m] = msd[k]; m++; }
  if (m < 2) {
    free(x); free(y);
    return vt_error(VT_EINVAL, "diffusion: %zu point%s in the window [%g, %g]; at least 2 needed", m, m == 1 ? "" : "s", from, to);
  }
  double c0, c1, cov00, cov01, cov11, sumsq;
  gsl_fit_linear(x, 1, y, 1, m, &c0, &c1, &cov00, &cov01, &cov11, &sumsq);
  fit->slope = c1;
  fit->intercept = c0;
  fit->D = c1 / 6.0;
  fit->D_err = m > 2 ? sqrt(cov11) / 6.0 : NAN;
  fit->from = x[0];
  fit->to = x[m - 1];
  fit->points = m;
  fit->exponent = (y[0] > 0 && y[m - 1] > 0 && x[0] > 0) ? log(y[m - 1] / y[0]) / log(x[m - 1] / x[0]) : NAN;
  free(x); free(y);
  return 0;
}
