/* Velocity Verlet (NVE) on WAHNs: energy conservation (the drift of the
 * energy per particle must stay below 1e-4 per 20000 steps: 10000 steps with
 * the bound scaled to 5e-5 by default, the full 20000 with VT_LONG_TESTS=1),
 * second-order energy error, time reversibility, momentum conservation,
 * masses read from the system at every step. */
#include "tap.h"
#include "dynamics_common.h"
#include <string.h>

typedef struct { double *t, *h; size_t k, cap; } series;

static int record(vt_md *md, long step, double T, void *arg)
{
  (void)step; (void)T;
  series *r = arg;
  double H;
  int rc = vt_md_conserved(md, &H);
  if (rc) return rc;
  if (r->k < r->cap) { r->t[r->k] = md->time; r->h[r->k] = H / md->s->n; r->k++; }
  return 0;
}

/* RMS fluctuation of the conserved quantity per particle over `steps` at dt. */
static double energy_rms(const vt_system *s0, double dt, long steps)
{
  vt_system *s;
  vt_system_copy(s0, &s);
  vt_md *md;
  vt_md_alloc(s, vt_integrator_nve, NULL, dt, 0, &md);
  series r = {malloc(steps * sizeof(double)), malloc(steps * sizeof(double)), 0, (size_t)steps};
  vt_md_run_opts o = {.steps = steps, .every = 1, .observe = record, .arg = &r};
  int rc = vt_md_run(md, &o);
  double m = 0, v = 0;
  for (size_t i = 0; i < r.k; i++) m += r.h[i];
  m /= r.k;
  for (size_t i = 0; i < r.k; i++) v += (r.h[i] - m) * (r.h[i] - m);
  free(r.t); free(r.h);
  vt_md_free(md);
  vt_system_free(s);
  return rc ? NAN : sqrt(v / r.k);
}

static double momentum(const vt_system *s)
{
  double p[3] = {0, 0, 0};
  for (size_t i = 0; i < s->n; i++)
    for (int k = 0; k < 3; k++) p[k] += s->mass[i] * s->v[3 * i + k];
  return sqrt(p[0] * p[0] + p[1] * p[1] + p[2] * p[2]);
}

int main(void)
{
  const size_t N = 500;
  const char *lt = getenv("VT_LONG_TESTS");
  const int long_tests = lt && lt[0] && lt[0] != '0';
  const long steps = long_tests ? 20000 : 10000;
  const double bound = 1e-4 * steps / 20000.0;
  vt_system *s = wahns_liquid(N, 7, 0.5, 1000, 1000);
  ok(s != NULL, "WAHNs N=%zu melted at T=2 and equilibrated at T=0.5 (NVT)", N);
  if (!s) return done_testing();
  vt_system *s0;
  vt_system_copy(s, &s0);

  /* 1. energy conservation */
  vt_md *md;
  ok(vt_md_alloc(s, vt_integrator_nve, NULL, 0.005, 0, &md) == 0, "md alloc (nve, dt 0.005)");
  series r = {malloc(steps * sizeof(double)), malloc(steps * sizeof(double)), 0, (size_t)steps};
  double H0;
  vt_md_conserved(md, &H0);
  vt_md_run_opts o = {.steps = steps, .every = 10, .observe = record, .arg = &r};
  int rc = vt_md_run(md, &o);
  ok(rc == 0 && o.done == steps && md->step == steps, "ran %ld NVE steps (rc %d)", steps, rc);
  is_close(md->time, steps * 0.005, 1e-9, "md time = steps dt");
  double dmax = 0;
  for (size_t i = 0; i < r.k; i++) dmax = fmax(dmax, fabs(r.h[i] - H0 / N));
  double drift = fabs(slope(r.t, r.h, r.k)) * md->time;
  double Tk = vt_system_temperature(s);
  diag("T_kin after %ld steps %.4f; energy per particle %.8f; max |dE|/N %.3g; drift over the run %.3g",
       steps, Tk, H0 / N, dmax, drift);
  ok(Tk > 0.3 && Tk < 0.8, "still near T = 0.5 (T_kin %.3f)", Tk);
  ok(drift < bound, "NVE energy drift per particle over %ld steps %.3g < %g (linear fit)", steps, drift, bound);
  ok(dmax < 1e-3, "NVE energy error per particle stays bounded: max |E(t) - E(0)|/N %.3g < 1e-3", dmax);
  ok(momentum(s) < 1e-9, "total momentum conserved (|P| = %.3g)", momentum(s));
  free(r.t); free(r.h);
  vt_md_free(md);

  /* 2. second order: the energy fluctuation scales as dt^2 */
  double e1 = energy_rms(s0, 0.005, 500), e2 = energy_rms(s0, 0.0025, 1000);
  diag("RMS energy fluctuation per particle: dt 0.005 %.3g, dt 0.0025 %.3g, ratio %.3f", e1, e2, e1 / e2);
  ok(e1 / e2 > 3.4 && e1 / e2 < 4.6, "energy error of velocity Verlet is O(dt^2): ratio %.3f in (3.4, 4.6)", e1 / e2);

  /* 3. time reversibility: 200 steps forward, reverse velocities, 200 back */
  vt_system *a;
  vt_system_copy(s0, &a);
  double *x0 = malloc(3 * N * sizeof(double));
  vt_system_unwrapped(a, x0);
  vt_md_alloc(a, vt_integrator_nve, NULL, 0.005, 0, &md);
  vt_md_run_opts f = {.steps = 200};
  rc = vt_md_run(md, &f);
  for (size_t i = 0; i < 3 * N; i++) a->v[i] = -a->v[i];
  vt_system_invalidate(a);
  rc |= vt_md_run(md, &f);
  double *x1 = malloc(3 * N * sizeof(double)), err = 0;
  vt_system_unwrapped(a, x1);
  for (size_t i = 0; i < 3 * N; i++) err = fmax(err, fabs(x1[i] - x0[i]));
  ok(rc == 0 && err < 1e-8, "time reversible: 200 steps back and forth return within %.3g < 1e-8", err);
  vt_md_free(md);
  vt_system_free(a);

  /* 4. masses are read at every step: double them after creating the md */
  vt_system_copy(s0, &a);
  vt_md_alloc(a, vt_integrator_nve, NULL, 0.005, 0, &md);
  vt_system_compute(a, VT_ENERGY);
  double *v0 = malloc(3 * N * sizeof(double)), *f0 = malloc(3 * N * sizeof(double));
  memcpy(v0, a->v, 3 * N * sizeof(double));
  memcpy(f0, a->f, 3 * N * sizeof(double));
  for (size_t i = 0; i < N; i++) a->mass[i] *= 2;
  vt_md_run_opts one = {.steps = 1};
  vt_md_run(md, &one);
  /* zeroing the momentum at the start of the run shifts every v by the same
   * vector; the kick is v(dt) - v(0) = dt (f0 + f1) / (2 m) */
  double worst = 0, shift[3];
  for (int k = 0; k < 3; k++) {
    shift[k] = a->v[k] - v0[k] - 0.005 * (f0[k] + a->f[k]) / (2 * a->mass[0]);
  }
  for (size_t i = 0; i < N; i++)
    for (int k = 0; k < 3; k++) {
      double want = v0[3 * i + k] + shift[k] + 0.005 * (f0[3 * i + k] + a->f[3 * i + k]) / (2 * a->mass[i]);
      worst = fmax(worst, fabs(a->v[3 * i + k] - want));
    }
  ok(worst < 1e-12, "kick uses the masses of the system at the step (max deviation %.3g)", worst);
  vt_md_free(md);
  vt_system_free(a);

  /* 5. argument checks */
  ok(vt_md_alloc(s0, vt_integrator_nve, NULL, -1, 0, &md) == VT_EINVAL, "dt < 0 rejected");
  ok(vt_md_alloc(s0, vt_integrator_nose_hoover, NULL, 0.005, 0, &md) == VT_EINVAL, "NVT with T = 0 rejected");
  vt_md_alloc(s0, vt_integrator_nve, NULL, 0.005, 0, &md);
  vt_schedule sc;
  vt_schedule_constant(&sc, 1.0);
  vt_md_run_opts bad = {.steps = 10, .schedule = &sc};
  ok(vt_md_run(md, &bad) == VT_EINVAL, "a temperature schedule without a thermostat is rejected: %s", vt_errmsg());
  vt_md_free(md);

  free(x0); free(x1); free(v0); free(f0);
  vt_system_free(s);
  vt_system_free(s0);
  return done_testing();
}
