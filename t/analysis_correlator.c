/* The correlators on constructed trajectories with known answers: particles
 * in uniform motion (MSD = |v|^2 t^2, F_s = mean over vectors of
 * cos(q . v t), computed here directly), the log schedule's sample steps and
 * lags, the thinning of stored origins (the whole run stays covered),
 * save/load mid-run = uninterrupted, and refusals of bad input. */
#include "tap.h"
#include "vitrum.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define N 60

static double vel[3 * N], x0[3 * N];
static int types[N];
static const double box[3] = {6.0, 7.0, 8.0};

static void positions(double t, double *x)
{
  for (int i = 0; i < 3 * N; i++) x[i] = x0[i] + vel[i] * t;
}

int main(void)
{
  for (int i = 0; i < N; i++) {
    types[i] = 1 + (i % 3 == 0);
    for (int k = 0; k < 3; k++) {
      x0[3 * i + k] = box[k] * ((i * 7 + k * 13) % 17) / 17.0;
      vel[3 * i + k] = 0.3 * sin(1.0 + i * 3.1 + k * 1.7);
    }
  }
  double x[3 * N];

  /* schedules */
  vt_obs_schedule sc;
  ok(vt_obs_schedule_log(&sc, 100, 2.0) == 0 && sc.noffsets == 8, "log block 100 base 2: offsets 0 1 2 4 8 16 32 64");
  long want[] = {1, 2, 4, 8, 16, 32, 64, 100, 101, 102, 104};
  long good = 1, st = 0;
  for (int k = 0; k < 11; k++) { st = vt_obs_schedule_next(&sc, 0, k ? st : 0); good &= st == want[k]; }
  ok(good, "log schedule steps from the origin: 1 2 4 ... 64 100 101 102 104");
  ok(vt_obs_schedule_next(&sc, 1000, 5) == 1000, "before its origin a schedule wants the origin");
  vt_obs_schedule_free(&sc);
  ok(vt_obs_schedule_linear(&sc, 7) == 0 && vt_obs_schedule_next(&sc, 3, 3) == 10 && vt_obs_schedule_next(&sc, 3, 10) == 17,
     "linear schedule every 7 from step 3");
  ok(vt_obs_schedule_log(&sc, 10, 1.0) == VT_EINVAL, "base 1 refused: %s", vt_errmsg());

  /* uniform motion, linear schedule, all pairs */
  vt_corr_params p;
  vt_corr_params_default(&p, VT_CORR_MSD);
  p.sched = VT_OBS_LINEAR;
  p.origins = 0;
  vt_corr *m, *f;
  ok(vt_corr_alloc(&p, &m) == 0, "msd correlator");
  vt_corr_params_default(&p, VT_CORR_FS);
  p.sched = VT_OBS_LINEAR;
  p.origins = 0;
  p.q = 5.0;
  p.max_vectors = 40;
  p.seed = 4;
  ok(vt_corr_alloc(&p, &f) == 0, "fs correlator");
  for (int k = 0; k < 12; k++) {
    positions(0.1 * k, x);
    if (vt_corr_add(m, 10 * k, 0.1 * k, N, x, types, 2, box) || vt_corr_add(f, 10 * k, 0.1 * k, N, x, types, 2, box))
      diag("add failed: %s", vt_errmsg());
  }
  size_t nl = vt_corr_nlags(m);
  ok(nl == 12 && vt_corr_nlags(f) == 12, "12 lags (0..11 frames)");
  double t[12], v[12], c[12], q3[3 * 40];
  size_t nv = vt_corr_vectors(f, q3);
  ok(nv == 40, "40 vectors chosen");
  double worst_m = 0, worst_f = 0, worst_q = 0;
  for (int ty = 0; ty <= 2; ty++) {
    vt_corr_result(m, ty, t, v, c);
    for (size_t l = 0; l < nl; l++) {
      double s = 0, cnt = 0;
      for (int i = 0; i < N; i++) {
        if (ty && types[i] != ty) continue;
        s += (vel[3 * i] * vel[3 * i] + vel[3 * i + 1] * vel[3 * i + 1] + vel[3 * i + 2] * vel[3 * i + 2]) * t[l] * t[l];
        cnt++;
      }
      worst_m = fmax(worst_m, fabs(v[l] - s / cnt) / fmax(s / cnt, 1e-300));
      if (c[l] != 12 - (double)l) worst_m = INFINITY;
    }
    vt_corr_result(f, ty, t, v, c);
    for (size_t l = 0; l < nl; l++) {
      double s = 0, cnt = 0;
      for (int i = 0; i < N; i++) {
        if (ty && types[i] != ty) continue;
        for (size_t w = 0; w < nv; w++)
          s += cos((q3[3 * w] * vel[3 * i] + q3[3 * w + 1] * vel[3 * i + 1] + q3[3 * w + 2] * vel[3 * i + 2]) * t[l]);
        cnt++;
      }
      worst_f = fmax(worst_f, fabs(v[l] - s / (cnt * nv)));
    }
  }
  for (size_t w = 0; w < nv; w++) {
    double qn = sqrt(q3[3 * w] * q3[3 * w] + q3[3 * w + 1] * q3[3 * w + 1] + q3[3 * w + 2] * q3[3 * w + 2]);
    worst_q = fmax(worst_q, fabs(qn - 5.0));
  }
  ok(worst_m < 1e-12, "MSD of uniform motion = |v|^2 t^2 per species, origins counted (worst rel %.2g)", worst_m);
  ok(worst_f < 1e-11, "F_s of uniform motion = mean cos(q.v t) over the chosen vectors (worst %.2g)", worst_f);
  ok(worst_q <= 0.5 * 2 * M_PI / 8.0 + 1e-12, "vectors in the default shell |q| = 5 +- pi/L_max (worst %.3g)", worst_q);
  ok(vt_corr_add(m, 50, 5.0, N, x, types, 2, box) == VT_EINVAL, "a step out of order is refused: %s", vt_errmsg());
  double box2[3] = {6.0, 7.0, 8.5};
  ok(vt_corr_add(m, 500, 5.0, N, x, types, 2, box2) == VT_EINVAL, "a changed box is refused: %s", vt_errmsg());
  ok(vt_corr_add(m, 500, 5.0, N - 1, x, types, 2, box) == VT_EINVAL, "a changed n is refused: %s", vt_errmsg());
  x[7] = NAN;
  ok(vt_corr_add(m, 500, 5.0, N, x, types, 2, box) == VT_ENONFINITE, "a NaN position is refused: %s", vt_errmsg());
  vt_corr_free(m);
  vt_corr_free(f);

  /* log schedule with thinning: 4 stored origins over 40 blocks */
  vt_corr_params_default(&p, VT_CORR_MSD);
  p.block = 10;
  p.origins = 4;
  vt_corr *a, *b;
  ok(vt_corr_alloc(&p, &a) == 0 && vt_corr_alloc(&p, &b) == 0, "two log correlators");
  long step = 0;
  double *saved = NULL;
  size_t nsaved = 0;
  int nsamp = 0;
  while (step <= 400) {
    positions(0.01 * step, x);
    vt_corr_add(a, step, 0.01 * step, N, x, types, 2, box);
    vt_corr_add(b, step, 0.01 * step, N, x, types, 2, box);
    nsamp++;
    if (step == 204) {
      /* save b mid-run, free it, load into a fresh one */
      nsaved = vt_corr_save(b, NULL);
      saved = malloc(nsaved * sizeof *saved);
      vt_corr_save(b, saved);
      vt_corr_free(b);
      vt_corr_alloc(&p, &b);
      ok(vt_corr_load(b, saved, nsaved) == 0, "load the saved state (%zu values)", nsaved);
    }
    step = vt_corr_next(a, step);
  }
  nl = vt_corr_nlags(a);
  double ta[64], va[64], ca[64], tb[64], vb[64], cb[64];
  vt_corr_result(a, 0, ta, va, ca);
  vt_corr_result(b, 0, tb, vb, cb);
  int same = nl == vt_corr_nlags(b) && nl < 64;
  for (size_t l = 0; same && l < nl; l++) same = ta[l] == tb[l] && va[l] == vb[l] && ca[l] == cb[l];
  ok(same, "save at step 204, load, continue = uninterrupted (%zu lags)", nl);
  ok(fabs(ta[nl - 1] - 4.0) < 1e-12, "the longest lag is the whole run (t = %g)", ta[nl - 1]);
  int lagok = 1;
  for (size_t l = 0; l < nl; l++) {
    double s = 0;
    for (int i = 0; i < N; i++) s += vel[3 * i] * vel[3 * i] + vel[3 * i + 1] * vel[3 * i + 1] + vel[3 * i + 2] * vel[3 * i + 2];
    lagok &= fabs(va[l] - s / N * ta[l] * ta[l]) <= 1e-12 * fmax(va[l], 1e-300);
  }
  ok(lagok, "every lag of the log scheme is exact for uniform motion");
  ok(nsamp == 41 * 5 - 4, "samples: 5 per block of 10 (0 1 2 4 8), 41 block origins (%d)", nsamp);
  ok(vt_corr_load(b, saved, nsaved - 1) == VT_EFORMAT, "a truncated state is refused: %s", vt_errmsg());
  p.block = 20;
  vt_corr *d;
  vt_corr_alloc(&p, &d);
  ok(vt_corr_load(d, saved, nsaved) == VT_EINVAL, "a state of other parameters is refused: %s", vt_errmsg());
  vt_corr_free(d);
  free(saved);
  vt_corr_free(a);
  vt_corr_free(b);

  /* tau_alpha, D, stress_acf refusals */
  double tt[3] = {1, 2, 3}, ff[3] = {0.9, 0.5, 0.1}, tau;
  ok(vt_tau_alpha(tt, ff, 3, 0.2, &tau) == 0 && tau > 2 && tau < 3, "tau_alpha between the points around the level");
  ok(vt_tau_alpha(tt, ff, 3, 0.01, &tau) == 1, "never decays: 1");
  ff[0] = 0.1;
  ok(vt_tau_alpha(tt, ff, 3, 0.2, &tau) == VT_EINVAL, "below the level at the first time: %s", vt_errmsg());
  vt_diffusion_fit fit;
  ok(vt_diffusion(tt, ff, 3, 2.5, 2.6, &fit) == VT_EINVAL, "a window with one point: %s", vt_errmsg());
  double sxy[2] = {1, 2};
  ok(vt_stress_acf(sxy, sxy, sxy, 2, 1.0, 0.0, c) == VT_EINVAL, "stress_acf at T = 0: %s", vt_errmsg());
  return done_testing();
}
