/* Checkpoint and restart of MD: a Nose-Hoover ramp interrupted (the Ctrl-C
 * path: vt_interrupt_set) half-way, restored from its checkpoint and finished,
 * is bit-identical to the same run done in one go (same thread count):
 * positions, images, velocities, chain state, step, time, target. Also the
 * in-memory resume of an interrupted run, NVE restarts, and the checks on
 * resuming with different arguments. */
#include "tap.h"
#include "dynamics_common.h"
#include <string.h>
#include <unistd.h>

static long interrupt_at;

static int interrupter(vt_md *md, long step, double T, void *arg)
{
  (void)md; (void)T; (void)arg;
  if (step == interrupt_at) vt_interrupt_set(1);
  return 0;
}

static int same_state(const vt_system *a, const vt_system *b)
{
  size_t n = a->n;
  return a->n == b->n && memcmp(a->x, b->x, 3 * n * sizeof(double)) == 0 &&
         memcmp(a->v, b->v, 3 * n * sizeof(double)) == 0 && memcmp(a->image, b->image, 3 * n * sizeof(int)) == 0;
}

static double max_diff(const vt_system *a, const vt_system *b)
{
  double d = 0;
  for (size_t i = 0; i < 3 * a->n; i++) d = fmax(d, fabs(a->x[i] - b->x[i]));
  return d;
}

int main(void)
{
  char dir[] = "/tmp/vt_dynamics_restartXXXXXX";
  if (!mkdtemp(dir)) skip_all("cannot create a temporary directory");
  char fa[512], fb[512], fc[512];
  snprintf(fa, sizeof fa, "%s/a.vtc", dir);
  snprintf(fb, sizeof fb, "%s/b.vtc", dir);
  snprintf(fc, sizeof fc, "%s/c.vtc", dir);

  const long half = 300, steps = 2 * half;
  vt_system *s0 = wahns_liquid(500, 5, 0.9, 500, 200);
  ok(s0 != NULL, "WAHNs liquid N=500");
  if (!s0) return done_testing();
  vt_schedule ramp;
  vt_schedule_ramp(&ramp, 0.9, 0.6);

  /* A: the whole ramp in one go, checkpointing every `half` steps */
  vt_system *sa;
  vt_system_copy(s0, &sa);
  vt_md *ma;
  vt_md_alloc(sa, vt_integrator_nose_hoover, NULL, 0.005, 0.9, &ma);
  vt_md_run_opts oa = {.steps = steps, .schedule = &ramp, .checkpoint = fa, .checkpoint_every = half};
  ok(vt_md_run(ma, &oa) == 0 && ma->step == steps, "A: %ld-step ramp 0.9 -> 0.6 with checkpoints every %ld", steps, half);
  double Ha;
  vt_md_conserved(ma, &Ha);

  /* B: the same, interrupted at step `half` */
  vt_system *sb;
  vt_system_copy(s0, &sb);
  vt_md *mb;
  vt_md_alloc(sb, vt_integrator_nose_hoover, NULL, 0.005, 0.9, &mb);
  interrupt_at = half;
  vt_md_run_opts ob = {.steps = steps, .schedule = &ramp, .every = 1, .observe = interrupter,
                       .checkpoint = fb, .checkpoint_every = half};
  int rc = vt_md_run(mb, &ob);
  ok(rc == VT_EINTR, "B: interrupted (rc %d: %s)", rc, vt_errmsg());
  ok(strstr(vt_errmsg(), "interrupted at step 300") && strstr(vt_errmsg(), fb), "message names the step and the checkpoint");
  ok(ob.done == half && mb->step == half && mb->pending, "B stopped after step %ld with the run pending", ob.done);
  vt_interrupt_set(0);
  ok(access(fb, R_OK) == 0, "checkpoint file written");

  /* C: restore B's checkpoint and finish the run */
  vt_md *mc;
  vt_system *sc;
  rc = vt_md_restore(fb, &mc, &sc);
  ok(rc == 0, "restore (%s)", rc ? vt_errmsg() : "ok");
  if (rc) return done_testing();
  ok(mc->step == half && mc->pending && mc->run_steps == steps && mc->run_begin == 0, "restored step and pending run");
  ok(mc->time == mb->time && mc->dt == 0.005 && mc->integ->type == vt_integrator_nose_hoover &&
     mc->integ->params.chain == 3 && mc->integ->params.tau == 0.2, "restored time, dt, thermostat and its parameters");
  ok(same_state(sb, sc), "restored positions, velocities and images equal B's");
  vt_schedule other;
  vt_schedule_ramp(&other, 0.9, 0.5);
  vt_md_run_opts wrong = {.steps = steps, .schedule = &other};
  ok(vt_md_run(mc, &wrong) == VT_EINVAL && mc->step == half, "resuming with another schedule is refused: %s", vt_errmsg());
  vt_md_run_opts wrong2 = {.steps = steps + 1, .schedule = &ramp};
  ok(vt_md_run(mc, &wrong2) == VT_EINVAL && mc->step == half, "resuming with another length is refused");
  /* the same run as A from here on */
  vt_md_run_opts oc = {.steps = steps, .schedule = &ramp, .checkpoint = fc, .checkpoint_every = half};
  rc = vt_md_run(mc, &oc);
  ok(rc == 0 && oc.done == half && mc->step == steps && !mc->pending, "C finished the remaining %ld steps", oc.done);
  ok(same_state(sa, sc), "restarted run is bit-identical to the uninterrupted one (x, v, images; max |dx| %.3g)",
     max_diff(sa, sc));
  ok(mc->time == ma->time && mc->T == ma->T && mc->T == 0.6, "same time and final target");
  double Hc;
  vt_md_conserved(mc, &Hc);
  ok(Hc == Ha, "same conserved quantity (chain state restored): %.17g", Hc);

  /* B again, in memory: the pending run finishes with the same call */
  vt_md_run_opts ob2 = {.steps = steps, .schedule = &ramp, .checkpoint = fb, .checkpoint_every = half};
  rc = vt_md_run(mb, &ob2);
  ok(rc == 0 && ob2.done == half && same_state(sa, sb), "in-memory resume of the interrupted run is bit-identical too");

  /* NVE: checkpoint at the end of a run, restore, continue; versus running on */
  vt_system *sd, *se;
  vt_system_copy(s0, &sd);
  vt_md *md_, *me;
  vt_md_alloc(sd, vt_integrator_nve, NULL, 0.004, 0, &md_);
  vt_md_run_opts od = {.steps = 200};
  vt_md_run(md_, &od);
  ok(vt_md_checkpoint(md_, fa) == 0, "NVE checkpoint written after a finished run");
  vt_md_run(md_, &od);
  rc = vt_md_restore(fa, &me, &se);
  ok(rc == 0 && !me->pending && me->step == 200 && me->dt == 0.004 && me->integ->type == vt_integrator_nve,
     "NVE restore: no pending run, step 200, dt 0.004");
  vt_md_run(me, &od);
  ok(same_state(sd, se), "NVE: restore + 200 steps is bit-identical to running on");

  /* Ctrl-C at steps that are not multiples of the checkpoint period: the
   * checkpoint written on interruption carries the neighbor list's build
   * positions, so the resumed run sums forces in the original order and
   * ends bit-identical to the uninterrupted run A (before the fix, the
   * Ctrl-C checkpoint rebuilt the list and the runs drifted apart at
   * round-off). A run with no checkpoints at all is bit-identical too. */
  {
    const long cut[] = {137, 251, 252, 253, 499};
    for (size_t c = 0; c < sizeof cut / sizeof *cut; c++) {
      vt_system *sk;
      vt_system_copy(s0, &sk);
      vt_md *mk;
      vt_md_alloc(sk, vt_integrator_nose_hoover, NULL, 0.005, 0.9, &mk);
      interrupt_at = cut[c];
      vt_md_run_opts ok_ = {.steps = steps, .schedule = &ramp, .every = 1, .observe = interrupter,
                            .checkpoint = fb, .checkpoint_every = 100};
      rc = vt_md_run(mk, &ok_);
      vt_interrupt_set(0);
      vt_md *mr = NULL;
      vt_system *sr = NULL;
      int rr = rc == VT_EINTR ? vt_md_restore(fb, &mr, &sr) : rc;
      if (rr == 0) {
        vt_md_run_opts orr = {.steps = steps, .schedule = &ramp, .checkpoint = fc, .checkpoint_every = 100};
        rr = vt_md_run(mr, &orr);
      }
      ok(rc == VT_EINTR && rr == 0 && same_state(sa, sr),
         "Ctrl-C at step %ld (checkpoints every 100), restore, finish: bit-identical to the uninterrupted run "
         "(max |dx| %.3g)", cut[c], sr ? max_diff(sa, sr) : -1.0);
      vt_md_free(mk), vt_md_free(mr);
      vt_system_free(sk), vt_system_free(sr);
    }
    vt_system *sn;
    vt_system_copy(s0, &sn);
    vt_md *mn;
    vt_md_alloc(sn, vt_integrator_nose_hoover, NULL, 0.005, 0.9, &mn);
    vt_md_run_opts on = {.steps = steps, .schedule = &ramp};
    rc = vt_md_run(mn, &on);
    ok(rc == 0 && same_state(sa, sn), "a run that writes no checkpoint is bit-identical to one that writes them "
       "(max |dx| %.3g)", max_diff(sa, sn));
    vt_md_free(mn);
    vt_system_free(sn);
  }

  /* errors */
  vt_md *mx;
  vt_system *sx;
  ok(vt_md_restore("/nonexistent/x.vtc", &mx, &sx) < 0 && mx == NULL && sx == NULL, "missing file: error, nothing returned");
  snprintf(fa, sizeof fa, "%s/plain.vtc", dir);
  vt_system_wrap(s0);
  ok(vt_checkpoint_write(fa, s0, NULL, 0) == 0, "plain checkpoint written");
  ok(vt_md_restore(fa, &mx, &sx) == VT_EFORMAT, "a checkpoint without MD state: %s", vt_errmsg());

  vt_md_free(ma); vt_md_free(mb); vt_md_free(mc); vt_md_free(md_); vt_md_free(me);
  vt_system_free(sa); vt_system_free(sb); vt_system_free(sc); vt_system_free(sd); vt_system_free(se);
  vt_system_free(s0);
  vt_schedule_free(&ramp);
  char cmd[600];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  if (system(cmd)) diag("could not remove %s", dir);
  return done_testing();
}
