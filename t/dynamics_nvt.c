/* Nose-Hoover chain NVT on WAHNs: the conserved quantity, the mean and the
 * canonical fluctuation of the kinetic temperature, ramps (LAMMPS fix nvt
 * temp T1 T2: the target reaches T2 on the last step), piecewise and function
 * schedules, observers that stop the run, chain lengths other than 3. */
#include "tap.h"
#include "dynamics_common.h"
#include <string.h>

typedef struct {
  size_t k, cap;
  double *t, *h, *Tk, *Tt;   /* time, conserved per particle, kinetic T, target T */
  long stop_at;
} series;

static void series_init(series *r, size_t cap)
{
  memset(r, 0, sizeof *r);
  r->cap = cap;
  r->t = malloc(4 * cap * sizeof(double));
  r->h = r->t + cap; r->Tk = r->h + cap; r->Tt = r->Tk + cap;
}

static int record(vt_md *md, long step, double T, void *arg)
{
  series *r = arg;
  double H;
  int rc = vt_md_conserved(md, &H);
  if (rc) return rc;
  if (r->k < r->cap) {
    r->t[r->k] = md->time;
    r->h[r->k] = H / md->s->n;
    r->Tk[r->k] = vt_system_temperature(md->s);
    r->Tt[r->k] = T;
    r->k++;
  }
  return r->stop_at && step >= r->stop_at ? 1 : 0;
}

static double mean(const double *a, size_t n)
{
  double m = 0;
  for (size_t i = 0; i < n; i++) m += a[i];
  return m / n;
}

/* a cosine bump, for the function schedule */
static int bump(long i, long nsteps, void *arg, double *T)
{
  (void)arg;
  *T = 0.5 + 0.1 * sin(M_PI * (double)i / nsteps);
  return 0;
}

/* RMS fluctuation per particle of the conserved quantity over a time span
 * `span` at time step dt, chain length `chain`, T = 0.5. */
static double conserved_rms(const vt_system *s0, int chain, double dt, double span)
{
  vt_system *s;
  vt_system_copy(s0, &s);
  vt_integrator_params p;
  vt_integrator_params_default(&p);
  p.chain = chain;
  vt_md *md;
  vt_md_alloc(s, vt_integrator_nose_hoover, &p, dt, 0.5, &md);
  long steps = lround(span / dt);
  series r;
  series_init(&r, steps);
  vt_md_run_opts o = {.steps = steps, .every = 1, .observe = record, .arg = &r};
  int rc = vt_md_run(md, &o);
  double m = mean(r.h, r.k), v = 0;
  for (size_t i = 0; i < r.k; i++) v += (r.h[i] - m) * (r.h[i] - m);
  free(r.t);
  vt_md_free(md);
  vt_system_free(s);
  return rc ? NAN : sqrt(v / r.k);
}

int main(void)
{
  const size_t N = 500;
  vt_system *s = wahns_liquid(N, 11, 0.5, 1000, 3000);
  ok(s != NULL, "WAHNs N=%zu melted at T=2, equilibrated at T=0.5 for 3000 steps", N);
  if (!s) return done_testing();
  vt_system *s0;
  vt_system_copy(s, &s0);
  const double g = vt_system_dof(s), T0 = 0.5;

  /* 1. NVT at T = 0.5: conserved quantity, mean and fluctuation of T_kin */
  const long steps = 8000, nb = 8;
  vt_md *md;
  vt_md_alloc(s, vt_integrator_nose_hoover, NULL, 0.005, T0, &md);
  series r;
  series_init(&r, steps);
  vt_md_run_opts o = {.steps = steps, .every = 1, .observe = record, .arg = &r};
  ok(vt_md_run(md, &o) == 0 && r.k == (size_t)steps, "NVT run of %ld steps, observed every step", steps);
  double bm[8], m = mean(r.Tk, r.k), se = 0;
  for (int b = 0; b < nb; b++) bm[b] = mean(r.Tk + b * (r.k / nb), r.k / nb);
  for (int b = 0; b < nb; b++) se += (bm[b] - m) * (bm[b] - m);
  se = sqrt(se / (nb - 1) / nb);
  diag("<T_kin> = %.5f +- %.5f (%ld blocks of %zu steps)", m, se, nb, r.k / nb);
  ok(se < 0.01, "block-average error of <T_kin> is small (%.4f)", se);
  /* 4 standard errors: the block estimate of the error is itself uncertain
   * (8 blocks), measured deviations were 0.1 to 2.9 standard errors */
  ok(fabs(m - T0) < 4 * se, "<T_kin> = %.5f within 4 standard errors (%.5f) of T = %g", m, se, T0);
  double var = 0;
  for (size_t i = 0; i < r.k; i++) var += (r.Tk[i] - m) * (r.Tk[i] - m);
  var /= r.k - 1;
  double ratio = var / (2 * T0 * T0 / g);
  diag("var(T_kin) / (2 T^2 / g) = %.3f (canonical: 1)", ratio);
  ok(ratio > 0.7 && ratio < 1.4, "kinetic temperature fluctuates canonically: var/(2T^2/g) = %.3f in (0.7, 1.4)", ratio);
  double drift = fabs(slope(r.t, r.h, r.k)) * md->time, dmax = 0;
  for (size_t i = 0; i < r.k; i++) dmax = fmax(dmax, fabs(r.h[i] - r.h[0]));
  diag("NH conserved quantity per particle: drift %.3g over %ld steps, max deviation %.3g", drift, steps, dmax);
  /* The NVT conserved quantity carries the O(dt^2) integration error whose
   * offset follows the state (it tracks U while the supercooled liquid
   * ages), so its apparent drift over 40 time units is larger than in NVE;
   * a true thermostat error fails test 2 below (dt^2 scaling) and the LAMMPS
   * comparison (t/lua_md_lammps.lua). Measured: 2e-5 to 9e-5. */
  ok(drift < 2e-4, "NH conserved quantity drift per particle %.3g < 2e-4", drift);
  ok(dmax < 1e-3, "NH conserved quantity stays within 1e-3 per particle (%.3g)", dmax);
  free(r.t);
  vt_md_free(md);

  /* 2. the conserved quantity is conserved up to the integration error:
   * its fluctuation shrinks as dt^2 (a wrong thermostat energy would not),
   * for chain lengths 1, 3 and 5 */
  for (int c = 1; c <= 5; c += 2) {
    double e1 = conserved_rms(s0, c, 0.005, 2.5), e2 = conserved_rms(s0, c, 0.0025, 2.5);
    ok(e1 / e2 > 3.4 && e1 / e2 < 4.6,
       "chain %d: RMS of the conserved quantity %.3g at dt 0.005, %.3g at 0.0025: ratio %.3f in (3.4, 4.6)",
       c, e1, e2, e1 / e2);
  }

  /* 3. linear ramp 0.5 -> 0.8 over 2000 steps */
  const long nr = 2000;
  vt_system_free(s);
  vt_system_copy(s0, &s);
  vt_md_alloc(s, vt_integrator_nose_hoover, NULL, 0.005, T0, &md);
  vt_schedule ramp;
  vt_schedule_ramp(&ramp, 0.5, 0.8);
  series_init(&r, nr);
  vt_md_run_opts ro = {.steps = nr, .schedule = &ramp, .every = 1, .observe = record, .arg = &r};
  ok(vt_md_run(md, &ro) == 0 && r.k == (size_t)nr, "ramp run");
  is_close(r.Tt[0], 0.5 + 0.3 / nr, 1e-15, "target of step 1 is T1 + (T2 - T1)/steps");
  ok(r.Tt[nr - 1] == 0.8, "target of the last step is exactly T2 (%.17g)", r.Tt[nr - 1]);
  ok(md->T == 0.8, "md->T is T2 after the ramp");
  int mono = 1;
  for (long i = 1; i < nr; i++) if (!(r.Tt[i] > r.Tt[i - 1])) mono = 0;
  ok(mono, "targets increase every step");
  const long last = nr / 4;
  double mk = mean(r.Tk + nr - last, last), mt = mean(r.Tt + nr - last, last);
  diag("last %ld steps: <T_kin> %.4f, <target> %.4f", last, mk, mt);
  ok(fabs(mk - mt) < 0.04, "the kinetic temperature follows the ramp to its end (|%.4f - %.4f| < 0.04)", mk, mt);
  free(r.t);
  vt_md_free(md);

  /* 4. piecewise schedule through points, and a function schedule */
  vt_schedule pts;
  double ps[3] = {0, 100, 300}, pT[3] = {0.6, 0.6, 0.4}, T;
  ok(vt_schedule_points(&pts, ps, pT, 3) == 0, "points schedule");
  vt_schedule_eval(&pts, 50, 400, &T);
  is_close(T, 0.6, 0, "points: flat segment");
  vt_schedule_eval(&pts, 200, 400, &T);
  is_close(T, 0.5, 1e-15, "points: linear between points");
  vt_schedule_eval(&pts, 400, 400, &T);
  is_close(T, 0.4, 0, "points: constant after the last point");
  vt_schedule_free(&pts);
  double bs[2] = {0, 0};
  ok(vt_schedule_points(&pts, bs, pT, 2) == VT_EINVAL, "points: steps must increase");
  vt_schedule fs;
  vt_schedule_function(&fs, bump, NULL);
  vt_system_free(s);
  vt_system_copy(s0, &s);
  vt_md_alloc(s, vt_integrator_nose_hoover, NULL, 0.005, T0, &md);
  series_init(&r, 200);
  vt_md_run_opts fo = {.steps = 200, .schedule = &fs, .every = 1, .observe = record, .arg = &r};
  ok(vt_md_run(md, &fo) == 0, "function schedule run");
  double worst = 0;
  for (long i = 0; i < 200; i++) {
    double want;
    bump(i + 1, 200, NULL, &want);
    worst = fmax(worst, fabs(r.Tt[i] - want));
  }
  ok(worst == 0, "observer sees the function's target at every step");
  free(r.t);

  /* 5. an observer stops the run */
  series_init(&r, 100);
  r.stop_at = md->step + 30;
  vt_md_run_opts so = {.steps = 1000, .every = 10, .observe = record, .arg = &r};
  long before = md->step;
  int src = vt_md_run(md, &so);
  ok(src == 0 && so.stopped && so.done == 30 && md->step == before + 30,
     "observer returning 1 stops the run after that step (done %ld)", so.done);
  ok(!md->pending, "a stopped run is not pending");
  free(r.t);
  vt_md_free(md);

  vt_system_free(s);
  vt_system_free(s0);
  return done_testing();
}
