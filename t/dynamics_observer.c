/* Observers in the C run loop: what an observer needs is computed in the
 * step's own force pass (a custom observer checks the system's valid flags
 * before anything else could compute them), the observer sees exactly the
 * steps it asks for, and a run interrupted (VT_EINTR from the callback) and
 * resumed in memory gives the same MSD as an uninterrupted one, while a
 * plain vt_md_checkpoint of the pending run is refused (it cannot carry the
 * observers' states). */
#include "tap.h"
#include "vitrum.h"
#include "dynamics_common.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
  long every, t0;
  int started;
  long samples, flags_ok, steps_ok;
} probe_state;

static long probe_next(const void *st, long after)
{
  const probe_state *p = st;
  if (!p->started) return after + 1;
  long d = after + 1 - p->t0;
  return p->t0 + ((d + p->every - 1) / p->every) * p->every;
}

static int probe_sample(void *st, vt_system *s, long step, double time, double T)
{
  (void)time; (void)T;
  probe_state *p = st;
  if (!p->started) { p->started = 1; p->t0 = step; }
  p->samples++;
  p->flags_ok += s->forces_valid && (s->valid & (VT_VIRIAL | VT_EATOM)) == (VT_VIRIAL | VT_EATOM);
  p->steps_ok += (step - p->t0) % p->every == 0;
  return 0;
}

static void probe_free(void *st) { free(st); }

static const vt_observer_type probe_type = {"probe", probe_next, probe_sample, NULL, NULL, probe_free};

static long calls[200];

static int stop_at(vt_md *md, long step, double T, void *arg)
{
  (void)md; (void)T;
  if (step >= 0 && step < 200) calls[step]++;
  return step == *(long *)arg ? VT_EINTR : 0;
}

static vt_observer *msd_observer(void)
{
  vt_corr_params p;
  vt_corr_params_default(&p, VT_CORR_MSD);
  p.block = 16;
  vt_corr *c;
  vt_observer *o = NULL;
  if (vt_corr_alloc(&p, &c) == 0) vt_corr_observer(c, &o);
  return o;
}

int main(void)
{
  vt_system *s = wahns_liquid(500, 11, 1.0, 100, 0);
  ok(s != NULL, "WAHNs liquid N=500");
  if (!s) return done_testing();
  vt_system *s2, *s3;
  vt_system_copy(s, &s2);
  vt_system_copy(s, &s3);
  vt_md *md;
  vt_md_alloc(s, vt_integrator_nose_hoover, NULL, 0.005, 1.0, &md);

  probe_state *ps = calloc(1, sizeof *ps);
  ps->every = 7;
  vt_observer *probe;
  vt_observer_new(&probe_type, ps, VT_VIRIAL | VT_EATOM, &probe);
  vt_md_run_opts o = {.steps = 70, .observers = &probe, .nobservers = 1};
  ok(vt_md_run(md, &o) == 0, "run 70 steps with a probe observer");
  ok(ps->samples == 11, "the probe sampled steps 0, 7, ..., 70 (%ld samples)", ps->samples);
  ok(ps->steps_ok == ps->samples, "only at the steps it asked for");
  ok(ps->flags_ok == ps->samples, "its virial and per-atom energies were current at every sample (the step's own pass)");

  /* interrupted at step 40, resumed in memory, against the same run
   * uninterrupted (the same observers and callback: what is asked of the
   * force pass may change its summation order at round-off) */
  long never = -1;
  vt_md *md3;
  vt_md_alloc(s3, vt_integrator_nose_hoover, NULL, 0.005, 1.0, &md3);
  vt_observer *a = msd_observer();
  vt_md_run_opts o3 = {.steps = 70, .observers = &a, .nobservers = 1, .observe = stop_at, .arg = &never, .every = 1};
  ok(vt_md_run(md3, &o3) == 0, "uninterrupted run of 70 steps with an msd observer");
  vt_md *md2;
  vt_md_alloc(s2, vt_integrator_nose_hoover, NULL, 0.005, 1.0, &md2);
  vt_observer *b = msd_observer();
  long stop = 40;
  vt_md_run_opts o2 = {.steps = 70, .observers = &b, .nobservers = 1, .observe = stop_at, .arg = &stop, .every = 1};
  int rc = vt_md_run(md2, &o2);
  ok(rc == VT_EINTR && md2->pending, "interrupted at step 40, the run pending");
  rc = vt_md_checkpoint(md2, "/nonexistent/x.vtc");
  ok(rc == VT_EINVAL && strstr(vt_errmsg(), "observer"), "a plain checkpoint of the pending run is refused: %s", vt_errmsg());
  stop = -1;
  ok(vt_md_run(md2, &o2) == 0 && md2->step == 70, "resumed to step 70");
  int once = 1;
  for (int k = 1; k <= 70; k++) once &= calls[k] == 2;   /* md3's run and md2's */
  ok(once && calls[0] == 0, "the callback saw every step once per run, step 40 not again on resuming");
  vt_corr *ca = vt_corr_of(a), *cb = vt_corr_of(b);
  size_t n = vt_corr_nlags(ca);
  int same = n == vt_corr_nlags(cb) && n > 5;
  double *va = malloc(n * sizeof *va), *vb = malloc(n * sizeof *vb);
  vt_corr_result(ca, 0, NULL, va, NULL);
  vt_corr_result(cb, 0, NULL, vb, NULL);
  for (size_t k = 0; same && k < n; k++) {
    same = va[k] == vb[k];
    if (!same) diag("lag %zu: %.17g vs %.17g", k, va[k], vb[k]);
  }
  ok(same, "interrupted + resumed MSD = uninterrupted, bit for bit (%zu lags)", n);
  ok(vt_md_checkpoint(md2, "/nonexistent/x.vtc") != VT_EINVAL, "after the run, a plain checkpoint is allowed again");
  free(va); free(vb);
  vt_observer_free(probe); vt_observer_free(a); vt_observer_free(b);
  vt_md_free(md); vt_md_free(md2); vt_md_free(md3);
  vt_system_free(s); vt_system_free(s2); vt_system_free(s3);
  return done_testing();
}
