/* Inherent-state trajectories (src/analysis/inherent.c):
 *  - the counting rule on a constructed U_IS series with known jumps: total
 *    and per-particle thresholds, jumps exactly at the threshold not
 *    counted, non-finite entries and bad thresholds refused;
 *  - a short real run (WAHNs N = 256, T = 0.5, every 10 steps, 12 frames)
 *    with CG: every frame converged to fmax < 1e-10, each U_IS equals a
 *    separate CG minimization of the same MD configuration (a replay of the
 *    same run) to 1e-9 per particle, U_IS < U of the configuration, the MD
 *    trajectory is the one a run without the observer gives (bit-identical
 *    positions), and the reported rate follows its definition;
 *  - with vt.lbfgs + ichol (factor carried from frame to frame): converged,
 *    and a repeated run gives the same series bit for bit (the minimizers
 *    disagree about which basin a liquid configuration drains into, so the
 *    series of different minimizers are not compared: see doc/lua-api.md);
 *  - bad options refused. */
#include "tap.h"
#include "dynamics_common.h"
#include <string.h>

static void test_count(void)
{
  double u[] = {-5.0, -5.0, -5.0 + 3e-5, -5.0 + 3e-5, -5.0 - 1e-3, -5.0 - 1e-3 + 4e-6, -4.9};
  long c;
  int rc = vt_inherent_count(u, 7, 1e-5, 1.0, &c);
  ok(rc == 0 && c == 3, "total threshold 1e-5: 3 jumps (got %ld)", c);
  rc = vt_inherent_count(u, 7, 1e-5, 1.0 / 100, &c);
  ok(rc == 0 && c == 2, "per particle (N = 100): 2 jumps (got %ld)", c);
  rc = vt_inherent_count(u, 7, 0, 1.0, &c);
  ok(rc == 0 && c == 4, "threshold 0: every change counts (got %ld)", c);
  double e[] = {0, 1, 1, 3};
  ok(vt_inherent_count(e, 4, 1.0, 1.0, &c) == 0 && c == 1, "a jump equal to the threshold is not a transition");
  ok(vt_inherent_count(u, 1, 1e-5, 1.0, &c) == 0 && c == 0, "one frame: no transitions");
  double bad[] = {0, NAN};
  ok(vt_inherent_count(bad, 2, 1e-5, 1.0, &c) == VT_ENONFINITE, "NaN refused: %s", vt_errmsg());
  ok(vt_inherent_count(u, 7, -1, 1.0, &c) == VT_EINVAL, "negative threshold refused");
}

/* CG (no state carried from one minimization to the next), or vt.lbfgs
 * with the ichol preconditioner and its factor kept (reuse) */
static vt_minimizer *minimizer(int ichol)
{
  vt_param p[2] = {{.key = "precondition", .kind = VT_PARAM_STRING, .str = "ichol"},
                   {.key = "reuse", .kind = VT_PARAM_NUMBER, .num = 1}};
  vt_params ps = {2, p};
  vt_minimizer *m;
  if (vt_minimizer_alloc(ichol ? vt_minimizer_lbfgs : vt_minimizer_cg, ichol ? &ps : NULL, &m)) return NULL;
  return m;
}

typedef struct { vt_minimizer *m; vt_system *copy; double u[32]; int n; } replay;

static int replay_observe(vt_md *md, long step, double T, void *arg)
{
  (void)step; (void)T;
  replay *r = arg;
  vt_minimize_result mr;
  vt_system_assign(r->copy, md->s);
  int rc = vt_minimizer_minimize(r->m, r->copy, &mr);
  if (rc || !mr.converged) return rc ? rc : VT_ENOCONV;
  r->u[r->n++] = mr.energy;
  return 0;
}

static void test_run(void)
{
  vt_system *base = wahns_liquid(256, 3, 0.5, 1000, 1000);
  ok(base != NULL, "WAHNs liquid at T = 0.5");
  /* three copies with fresh neighbor lists, so the force sums agree bit for bit */
  vt_system *s, *s0, *s1;
  vt_system_copy(base, &s);
  vt_system_copy(base, &s0);
  vt_system_copy(base, &s1);
  vt_system_free(base);
  vt_md *md, *md1;
  vt_md_alloc(s, vt_integrator_nose_hoover, NULL, 0.005, 0.5, &md);
  vt_minimizer *m = minimizer(0);
  vt_inherent_opts o = {.every = 10, .frames = 12, .threshold = 1e-5, .n0 = 1000};
  vt_inherent_result r;
  int rc = vt_inherent_trajectory(md, m, &o, &r);
  ok(rc == 0, "inherent trajectory ran (%s)", rc ? vt_errmsg() : "ok");
  if (rc) { vt_md_free(md); vt_system_free(s); return; }
  ok(r.u->n == 13 && r.unconverged == 0, "13 frames, all converged");
  ok(m->s == NULL, "the minimizer no longer points at the freed copy");
  int allconv = 1;
  for (size_t k = 0; k < r.converged->n; k++) allconv &= r.converged->data[k] == 1.0;
  ok(allconv, "converged flags all 1");
  is_close(r.time->data[12] - r.time->data[0], 12 * 10 * 0.005, 1e-12, "frames span 120 steps");

  /* replay: the same run from the same start, each frame minimized by a
   * separate CG run of its own */
  vt_md_alloc(s1, vt_integrator_nose_hoover, NULL, 0.005, 0.5, &md1);
  replay rp = {minimizer(0), NULL, {0}, 0};
  vt_system_copy(s1, &rp.copy);
  replay_observe(md1, 0, 0.5, &rp);
  vt_md_run_opts ro = {.steps = 120, .every = 10, .observe = replay_observe, .arg = &rp};
  ok(vt_md_run(md1, &ro) == 0 && rp.n == 13, "replay with fresh minimizations");
  double worst = 0;
  for (int k = 0; k < 13 && k < rp.n; k++) worst = fmax(worst, fabs(r.u->data[k] - rp.u[k]) / 256);
  ok(worst < 1e-9, "U_IS of every frame = a fresh minimization of the same configuration (worst %.2g per particle)", worst);
  ok(memcmp(s->x, s1->x, 3 * 256 * sizeof(double)) == 0, "the MD trajectory is untouched by the minimizations");

  /* plain run without any observer: same end point */
  vt_md *md0;
  vt_md_alloc(s0, vt_integrator_nose_hoover, NULL, 0.005, 0.5, &md0);
  vt_md_run_opts r0 = {.steps = 120};
  vt_md_run(md0, &r0);
  ok(memcmp(s->x, s0->x, 3 * 256 * sizeof(double)) == 0, "same positions as a run without the observer");

  vt_system_compute(s, VT_ENERGY);
  ok(r.u->data[12] < s->energy, "U_IS (%g) < U of the configuration (%g)", r.u->data[12], s->energy);
  long c;
  vt_inherent_count(r.u->data, 13, 1e-5, 1.0, &c);
  ok(c == r.transitions, "transitions = the counting rule on the series (%ld)", c);
  double a0 = cbrt(vt_system_volume(s) / 256), tvib = 0.1 * a0 / sqrt(0.5);
  is_close(r.T, 0.5, 1e-12, "T = the thermostat's target");
  is_close(r.t_vib, tvib, 1e-12, "t_vib = 0.1 a0 / sqrt(T)");
  is_close(r.scaled_rate, c / 0.6 * tvib * 1000 / 256, 1e-12, "scaled rate = Gamma t_vib N0 / N");
  diag("U_IS per particle: first %.6f last %.6f; %ld transitions in 12 intervals; %.3f s minimizing, %.3f s MD; %ld force evaluations",
       r.u->data[0] / 256, r.u->data[12] / 256, r.transitions, r.seconds_min, r.seconds_md, r.force_evals);

  /* the fastest minimizer (L-BFGS + ichol, factor kept): converged
   * minima, and the same series when the run is repeated */
  vt_system *sa, *sb;
  vt_system_copy(s, &sa);
  vt_system_copy(s, &sb);
  vt_md *mda, *mdb;
  vt_md_alloc(sa, vt_integrator_nose_hoover, NULL, 0.005, 0.5, &mda);
  vt_md_alloc(sb, vt_integrator_nose_hoover, NULL, 0.005, 0.5, &mdb);
  vt_minimizer *ma = minimizer(1), *mb = minimizer(1);
  vt_inherent_opts o6 = o;
  o6.frames = 6;
  vt_inherent_result ra, rb;
  int rca = vt_inherent_trajectory(mda, ma, &o6, &ra), rcb = vt_inherent_trajectory(mdb, mb, &o6, &rb);
  ok(rca == 0 && rcb == 0 && ra.unconverged == 0, "L-BFGS + ichol (reuse): 7 converged frames");
  ok(rca == 0 && rcb == 0 && memcmp(ra.u->data, rb.u->data, 7 * sizeof(double)) == 0, "repeated run: the same U_IS series, bit for bit");
  diag("L-BFGS + ichol: %.3f s minimizing for 7 frames, %ld force evaluations", ra.seconds_min, ra.force_evals);
  if (!rca) vt_inherent_result_free(&ra);
  if (!rcb) vt_inherent_result_free(&rb);
  vt_minimizer_free(ma); vt_minimizer_free(mb);
  vt_md_free(mda); vt_md_free(mdb);
  vt_system_free(sa); vt_system_free(sb);

  /* per particle */
  vt_inherent_opts op = o;
  op.per_particle = 1;
  op.frames = 2;
  vt_inherent_result rq;
  ok(vt_inherent_trajectory(md, m, &op, &rq) == 0 && rq.u->n == 3, "per-particle run");
  vt_inherent_result_free(&rq);

  vt_inherent_opts bad = o;
  bad.every = 0;
  ok(vt_inherent_trajectory(md, m, &bad, &rq) == VT_EINVAL, "every = 0 refused: %s", vt_errmsg());
  bad = o;
  bad.frames = 0;
  ok(vt_inherent_trajectory(md, m, &bad, &rq) == VT_EINVAL, "frames = 0 refused: %s", vt_errmsg());
  bad = o;
  bad.threshold = NAN;
  ok(vt_inherent_trajectory(md, m, &bad, &rq) == VT_EINVAL, "NaN threshold refused: %s", vt_errmsg());
  ok(vt_inherent_trajectory(md, NULL, &o, &rq) == VT_EINVAL, "no minimizer refused: %s", vt_errmsg());

  vt_inherent_result_free(&r);
  vt_minimizer_free(m);
  vt_minimizer_free(rp.m);
  vt_system_free(rp.copy);
  vt_md_free(md); vt_md_free(md1); vt_md_free(md0);
  vt_system_free(s); vt_system_free(s1); vt_system_free(s0);
}

int main(void)
{
  test_count();
  test_run();
  return done_testing();
}
