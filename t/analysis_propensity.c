/* Isoconfigurational propensity (src/analysis/propensity.c):
 *  - ballistic limit: after one NVE step of dt = 1e-3 the mean over runs
 *    and particles of m_i |dr_i|^2 / (3 T t^2) is 1 within 4 standard
 *    errors (R = 100 runs, N = 256: Maxwell-Boltzmann velocities; the
 *    force term averages out to O(t^4));
 *  - one run equals the same run done by hand (copy, thermalize with the
 *    seed, NVT, unwrapped displacements) at two times, to 1e-12 relative
 *    (round-off: the order of the force sums follows the neighbor list's
 *    build history, which differs between the two copies);
 *  - equal seeds give equal propensities, other seeds other ones; the input
 *    system is untouched; mean |dr| <= sqrt(mean |dr|^2) per particle;
 *  - bad options refused. */
#include "tap.h"
#include "dynamics_common.h"
#include <string.h>

int main(void)
{
  vt_system *s = wahns_liquid(256, 7, 1.0, 500, 500);
  if (!ok(s != NULL, "WAHNs liquid, N = 256, T = 1")) return done_testing();
  double *x0 = malloc(3 * 256 * sizeof *x0), *v0 = malloc(3 * 256 * sizeof *v0);
  memcpy(x0, s->x, 3 * 256 * sizeof *x0);
  memcpy(v0, s->v, 3 * 256 * sizeof *v0);

  long one = 1;
  vt_propensity_opts o = {.integrator = vt_integrator_nve, .dt = 1e-3, .T = 1.0, .steps = &one, .nsteps = 1,
                          .runs = 100, .seed = 11};
  vt_propensity_result r;
  int rc = vt_propensity(s, &o, &r);
  ok(rc == 0, "100 NVE runs of one step (%s)", rc ? vt_errmsg() : "ok");
  double sum = 0, sum2 = 0;
  for (size_t i = 0; i < 256; i++) {
    double q = s->mass[i] * r.msd->data[i] / (3 * 1.0 * 1e-6);
    sum += q;
    sum2 += q * q;
  }
  /* each q_i is a mean over 100 runs of m |v|^2 t^2 / (3 T t^2) ~ chi^2_3 / 3, variance 2/3 */
  double mean = sum / 256, se = sqrt(2.0 / 3.0 / (100 * 256));
  is_close(mean, 1.0, 4 * se, "ballistic: <m |dr|^2> / (3 T t^2) = %.4f (4 se = %.4f)", mean, 4 * se);
  ok(r.msd->vector && r.msd->n == 256 && r.time->data[0] == 1e-3, "one time: vectors of n, time = steps dt");
  vt_propensity_result_free(&r);

  /* one NVT run against the same run by hand, at steps 20 and 50 */
  long steps[2] = {20, 50};
  vt_propensity_opts on = {.integrator = vt_integrator_nose_hoover, .dt = 0.005, .T = 1.0, .steps = steps, .nsteps = 2,
                           .runs = 1, .seed = 5};
  ok(vt_propensity(s, &on, &r) == 0 && r.msd->k == 2 && r.msd->n == 256, "NVT, two times: n x 2");
  vt_system *c;
  vt_system_copy(s, &c);
  vt_system_thermalize(c, 1.0, 5);
  vt_md *md;
  vt_md_alloc(c, vt_integrator_nose_hoover, NULL, 0.005, 1.0, &md);
  double *ref = malloc(3 * 256 * sizeof *ref), *cur = malloc(3 * 256 * sizeof *cur);
  vt_system_unwrapped(c, ref);
  int same = 1;
  long done = 0;
  for (int k = 0; k < 2; k++) {
    vt_md_run_opts ro = {.steps = steps[k] - done};
    vt_md_run(md, &ro);
    done = steps[k];
    vt_system_unwrapped(c, cur);
    for (size_t i = 0; i < 256; i++) {
      double dx = cur[3 * i] - ref[3 * i], dy = cur[3 * i + 1] - ref[3 * i + 1], dz = cur[3 * i + 2] - ref[3 * i + 2];
      double d2 = dx * dx + dy * dy + dz * dz;
      same &= fabs(d2 - r.msd->data[2 * i + k]) <= 1e-12 * d2 && fabs(sqrt(d2) - r.md->data[2 * i + k]) <= 1e-12 * sqrt(d2);
    }
  }
  ok(same, "one run = the same run by hand to 1e-12 (the force sums' order follows the neighbor list's history)");
  vt_md_free(md);
  vt_system_free(c);
  free(ref); free(cur);
  vt_propensity_result_free(&r);

  vt_propensity_result a, b, d;
  on.runs = 3;
  vt_propensity(s, &on, &a);
  vt_propensity(s, &on, &b);
  on.seed = 6;
  vt_propensity(s, &on, &d);
  ok(memcmp(a.msd->data, b.msd->data, 512 * sizeof(double)) == 0, "equal seeds, equal propensities");
  ok(memcmp(a.msd->data, d.msd->data, 512 * sizeof(double)) != 0, "another seed, other propensities");
  int jensen = 1;
  for (size_t i = 0; i < 512; i++) jensen &= a.md->data[i] <= sqrt(a.msd->data[i]) * (1 + 1e-12);
  ok(jensen, "mean |dr| <= sqrt(mean |dr|^2) for every particle and time");
  ok(memcmp(x0, s->x, 3 * 256 * sizeof *x0) == 0 && memcmp(v0, s->v, 3 * 256 * sizeof *v0) == 0, "the input system is untouched");
  vt_propensity_result_free(&a); vt_propensity_result_free(&b); vt_propensity_result_free(&d);

  vt_propensity_opts bad = on;
  bad.runs = 0;
  ok(vt_propensity(s, &bad, &r) == VT_EINVAL, "runs = 0 refused: %s", vt_errmsg());
  long dec[2] = {50, 20};
  bad = on;
  bad.steps = dec;
  ok(vt_propensity(s, &bad, &r) == VT_EINVAL, "decreasing steps refused: %s", vt_errmsg());
  bad = on;
  bad.T = 0;
  ok(vt_propensity(s, &bad, &r) == VT_EINVAL, "T = 0 refused: %s", vt_errmsg());
  free(x0); free(v0);
  vt_system_free(s);
  return done_testing();
}
