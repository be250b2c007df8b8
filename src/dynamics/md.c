/* The MD run loop, checkpoints and restart (see md.h). */
#include "dynamics/md.h"
#include "core/error.h"
#include "core/neighbor.h"
#include "core/util.h"
#include "io/io.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MD_BLOB "vt.md"
#define MD_BLOB_VERSION 1

int vt_md_alloc(vt_system *s, const vt_integrator_type *type, const vt_integrator_params *params,
                double dt, double T, vt_md **out)
{
  *out = NULL;
  if (!s) return vt_error(VT_EINVAL, "md: no system given");
  if (!(dt > 0 && isfinite(dt))) return vt_error(VT_EINVAL, "md: time step dt = %g must be positive and finite", dt);
  if (!type) return vt_error(VT_EINVAL, "md: no integrator type given");
  if (type->thermostat && !(T > 0 && isfinite(T)))
    return vt_error(VT_EINVAL, "md: thermostat %s needs a positive target temperature (got T = %g)", type->name, T);
  if (!type->thermostat && !(T >= 0 && isfinite(T))) T = 0.0;
  vt_md *md = calloc(1, sizeof *md);
  if (!md) return vt_error(VT_ENOMEM, "out of memory");
  int rc = vt_integrator_alloc(type, params, &md->integ);
  if (rc) { free(md); return rc; }
  md->s = s;
  md->dt = dt;
  md->T = T;
  *out = md;
  return 0;
}

void vt_md_free(vt_md *md)
{
  if (!md) return;
  vt_integrator_free(md->integ);
  vt_schedule_free(&md->run_sched);
  vt_blobs_free(md->obs_blobs, md->nobs_blobs);
  free(md);
}

int vt_md_set_dt(vt_md *md, double dt)
{
  if (!(dt > 0 && isfinite(dt))) return vt_error(VT_EINVAL, "md: time step dt = %g must be positive and finite", dt);
  md->dt = dt;
  return 0;
}

int vt_md_conserved(vt_md *md, double *H)
{
  int rc = vt_system_compute(md->s, VT_ENERGY);
  if (rc) return rc;
  *H = vt_system_kinetic_energy(md->s) + md->s->energy + vt_integrator_energy(md->integ, md->s, md->T);
  return 0;
}

/* ---- progress bar (core/util.h: stderr, only on a terminal) ---- */

typedef struct {
  vt_progress p;
  long total;
} progress;

static void progress_start(progress *p, int want, long done, long total)
{
  vt_progress_start(&p->p, want && total > 0, done);
  p->total = total;
}

static void progress_draw(progress *p, long i, double T, int force)
{
  if (!vt_progress_due(&p->p, force)) return;
  double rate = vt_progress_rate(&p->p, i);
  char eta[32], text[160];
  vt_format_duration(eta, sizeof eta, rate > 0 ? (p->total - i) / rate : -1);
  snprintf(text, sizeof text, "%ld/%ld  T %.4g  %.4g steps/s  ETA %s", i, p->total, T, rate, eta);
  vt_progress_draw(&p->p, "md", (double)i / p->total, text);
}

static void progress_end(progress *p, long i, double T)
{
  if (!p->p.on) return;
  progress_draw(p, i, T, 1);
  vt_progress_finish(&p->p, 1);
}

/* ---- the absurd-state rule ----
 * MD refuses to integrate a state whose conserved quantity H (or, on the
 * steps where the potential energy is not computed, the kinetic energy) is
 * not finite or exceeds MD_ABSURD per particle in magnitude: no physical
 * state in reduced units comes near it (U/N = 1e6 means LJ pairs at
 * 0.3 sigma), while overlapping starts and diverged minimizations do
 * (1e7-1e14 per particle), and integrating them only produces numbers.
 * Checked at the start of every run, every MD_CHECK_EVERY steps (kinetic
 * energy, O(N)), and wherever the energy is computed anyway (observer,
 * checkpoint and last steps). The error names the step and the particle:
 * the first non-finite one, else the one with the largest force or speed. */
#define MD_ABSURD 1e6
#define MD_CHECK_EVERY 100

static int refuse_state(vt_md *md, long step, int have_energy)
{
  const vt_system *s = md->s;
  const size_t n = s->n;
  double ke = vt_system_kinetic_energy(s);
  double H = have_energy ? ke + s->energy + vt_integrator_energy(md->integ, s, md->T) : ke;
  const char *what = have_energy ? "the conserved quantity" : "the kinetic energy";
  if (isfinite(H) && fabs(H) <= MD_ABSURD * (double)(n ? n : 1)) return 0;
  for (size_t q = 0; q < 3 * n; q++) {
    const char *field = !isfinite(s->x[q]) ? "position" : !isfinite(s->v[q]) ? "velocity"
                        : !isfinite(s->f[q]) ? "force" : NULL;
    if (field)
      return vt_error(VT_ENONFINITE, "md: step %ld: %s is %g: the %s of particle %zu is not finite",
                      step, what, H, field, q / 3 + 1);
  }
  size_t fi = 0, vi = 0;
  double f2max = -1, v2max = -1;
  for (size_t i = 0; i < n; i++) {
    const double *f = s->f + 3 * i, *v = s->v + 3 * i;
    double f2 = f[0] * f[0] + f[1] * f[1] + f[2] * f[2], v2 = v[0] * v[0] + v[1] * v[1] + v[2] * v[2];
    if (f2 > f2max) { f2max = f2; fi = i; }
    if (v2 > v2max) { v2max = v2; vi = i; }
  }
  int potential_part = have_energy && fabs(s->energy) > ke;
  char tail[160];
  if (potential_part)
    snprintf(tail, sizeof tail, "particle %zu has the largest force, %.3g (overlapping particles? minimize first)",
             fi + 1, sqrt(f2max));
  else
    snprintf(tail, sizeof tail, "particle %zu is the fastest, speed %.3g (velocities set too high, or a time step too long for this state?)",
             vi + 1, sqrt(v2max));
  return vt_error(VT_ERANGE, "md: step %ld: %s is %.3g (%.3g per particle, beyond %g: not a physical state); %s",
                  step, what, H, H / (double)(n ? n : 1), MD_ABSURD, tail);
}

/* ---- the run loop ---- */

static int start_run(vt_md *md, const vt_md_run_opts *o)
{
  vt_schedule sc;
  int rc = o->schedule ? vt_schedule_copy(&sc, o->schedule) : vt_schedule_constant(&sc, md->T);
  if (rc) return rc;
  double T0;
  rc = vt_schedule_eval(&sc, 0, o->steps, &T0);
  if (!rc && md->integ->type->thermostat) {
    if (md->s->n > 1) vt_system_zero_momentum(md->s);
    rc = vt_integrator_set(md->integ, md->s, T0);
  } else if (!rc && md->s->n > 1) {
    vt_system_zero_momentum(md->s);
  }
  if (rc) { vt_schedule_free(&sc); return rc; }
  vt_schedule_free(&md->run_sched);
  md->run_sched = sc;
  md->run_begin = md->step;
  md->run_steps = o->steps;
  md->pending = 1;
  return 0;
}

static const char *sched_desc(const vt_schedule *sc, char *buf, size_t len)
{
  switch (sc->kind) {
  case VT_SCHED_CONSTANT: snprintf(buf, len, "T = %g", sc->T1); break;
  case VT_SCHED_RAMP: snprintf(buf, len, "T = %g -> %g", sc->T1, sc->T2); break;
  case VT_SCHED_POINTS: snprintf(buf, len, "T through %zu points", sc->npoints); break;
  default: snprintf(buf, len, "T from a function"); break;
  }
  return buf;
}

/* The pending run must be the one asked for (same length and schedule). */
static int resume_run(vt_md *md, const vt_md_run_opts *o)
{
  vt_schedule want;
  int rc = o->schedule ? vt_schedule_copy(&want, o->schedule) : vt_schedule_constant(&want, md->T);
  if (rc) return rc;
  int same = o->steps == md->run_steps && vt_schedule_same(&want, &md->run_sched);
  if (!same) {
    char a[96], b[96];
    rc = vt_error(VT_EINVAL,
                  "md: a run of %ld steps (%s) is pending at step %ld of it (restored or interrupted); "
                  "call run with the same steps and T to finish it, or abandon it first (md:reset() or "
                  "run{..., resume = false} in Lua) (asked: %ld steps, %s)",
                  md->run_steps, sched_desc(&md->run_sched, a, sizeof a), md->step - md->run_begin, o->steps,
                  sched_desc(&want, b, sizeof b));
    vt_schedule_free(&want);
    return rc;
  }
  if (want.kind == VT_SCHED_FUNCTION) { md->run_sched.fn = want.fn; md->run_sched.arg = want.arg; }
  vt_schedule_free(&want);
  if (md->run_sched.kind == VT_SCHED_FUNCTION && !md->run_sched.fn)
    return vt_error(VT_EINVAL, "md: the pending run's temperature function must be given again");
  return 0;
}

static int interrupted(vt_md *md, const vt_md_run_opts *o)
{
  if (o->checkpoint) {
    int rc = vt_md_checkpoint(md, o->checkpoint);
    if (rc) return vt_error_prefix(rc, "interrupted at step %ld; writing the checkpoint failed: ", md->step);
    return vt_error(VT_EINTR, "interrupted at step %ld (checkpoint written to %s)", md->step, o->checkpoint);
  }
  return vt_error(VT_EINTR, "interrupted at step %ld", md->step);
}

/* ---- the callback observer (md:run's observe = fn, every = k) ---- */

typedef struct {
  vt_md_observer fn;
  void *arg;
  vt_md *md;
  long every, begin;
} callback_state;

static long callback_next(const void *state, long after)
{
  const callback_state *c = state;
  long d = after + 1 - c->begin;
  if (d < 1) d = 1;   /* never at the start of the run */
  return c->begin + ((d + c->every - 1) / c->every) * c->every;
}

static int callback_sample(void *state, vt_system *s, long step, double time, double T)
{
  (void)s; (void)time;
  callback_state *c = state;
  return c->fn(c->md, step, T, c->arg);
}

static void callback_free(void *state) { (void)state; }

static const vt_observer_type callback_type = {"callback", callback_next, callback_sample, NULL, NULL, callback_free};

/* The observers that keep a state (those saved in checkpoints). */
static size_t saved_count(vt_observer *const *obs, size_t n)
{
  size_t c = 0;
  for (size_t k = 0; k < n; k++) c += obs[k]->type->save != NULL;
  return c;
}

/* A restored checkpoint's observer states go into the resumed run's observers. */
static int load_observers(vt_md *md, vt_observer *const *obs, size_t n)
{
  if (!md->obs_blobs) return 0;
  size_t want = md->nobs_blobs, have = saved_count(obs, n);
  if (have != want)
    return vt_error(VT_EINVAL,
                    "md: the restored run had %zu observer%s with a state (%s%s); pass the same observers "
                    "again, in the same order (got %zu)",
                    want, want == 1 ? "" : "s", want ? strrchr(md->obs_blobs[0].name, '.') + 1 : "",
                    want > 1 ? ", ..." : "", have);
  size_t b = 0;
  for (size_t k = 0; k < n; k++) {
    if (!obs[k]->type->save) continue;
    const vt_blob *bl = &md->obs_blobs[b++];
    const char *name = strrchr(bl->name, '.') + 1;
    if (strcmp(name, obs[k]->type->name) != 0)
      return vt_error(VT_EINVAL, "md: observer %zu of the restored run was %s, now %s", b, name, obs[k]->type->name);
    int rc = vt_observer_load(obs[k], bl->data, bl->size / sizeof(double));
    if (rc) return vt_error_prefix(rc, "md: restoring observer %zu (%s): ", b, name);
  }
  vt_blobs_free(md->obs_blobs, md->nobs_blobs);
  md->obs_blobs = NULL;
  md->nobs_blobs = 0;
  return 0;
}

/* What the observers sampling `step` need from its force pass. */
static unsigned needs_at(vt_observer *const *obs, size_t n, long step)
{
  unsigned f = 0;
  for (size_t k = 0; k < n; k++)
    if (obs[k]->want == step) f |= obs[k]->needs;
  return f;
}

/* Sample the observers that asked for md->step; 1 when one asked to stop. */
static int sample_at(vt_md *md, vt_observer *const *obs, size_t n, double T)
{
  int stop = 0;
  for (size_t k = 0; k < n; k++) {
    if (obs[k]->want != md->step) continue;
    int rc = vt_observer_sample(obs[k], md->s, md->step, md->time, T);
    if (rc < 0) return rc;
    if (rc > 0) stop = 1;
    obs[k]->want = vt_observer_next(obs[k], md->step);
  }
  return stop;
}

int vt_md_run(vt_md *md, vt_md_run_opts *o)
{
  o->done = 0;
  o->stopped = 0;
  if (o->steps < 0) return vt_error(VT_EINVAL, "md: steps = %ld must be non-negative", o->steps);
  if (o->every < 0 || o->checkpoint_every < 0)
    return vt_error(VT_EINVAL, "md: every and checkpoint every must be non-negative");
  if (o->schedule && !md->integ->type->thermostat)
    return vt_error(VT_EINVAL, "md: a temperature schedule needs a thermostat (this md integrates NVE)");
  for (size_t k = 0; k < o->nobservers; k++)
    if (!o->observers[k]) return vt_error(VT_EINVAL, "md: observer %zu is missing", k + 1);
  int rc = md->pending ? resume_run(md, o) : start_run(md, o);
  if (rc) return rc;
  /* the run's observers: the given objects, then the callback */
  size_t nobs = o->nobservers;
  vt_observer **obs = malloc((nobs + 1) * sizeof *obs);
  if (!obs) return vt_error(VT_ENOMEM, "out of memory");
  if (nobs) memcpy(obs, o->observers, nobs * sizeof *obs);
  callback_state cbs = {o->observe, o->arg, md, o->every, md->run_begin};
  /* md->step itself was handled before an interruption, or is the start */
  vt_observer cb = {&callback_type, &cbs, VT_ENERGY, md->step, -1, 0, 0.0};
  if (o->observe && o->every > 0) obs[nobs++] = &cb;
  if ((rc = load_observers(md, obs, nobs))) { free(obs); return rc; }
  md->run_obs = obs;
  md->run_nobs = nobs;
  md->run_nsaved = saved_count(obs, nobs);

  vt_system *s = md->s;
  const int thermo = md->integ->type->thermostat;
  const long nsteps = md->run_steps;
  long i = md->step - md->run_begin;
  progress bar;
  progress_start(&bar, o->progress, i, nsteps);

  /* forces for the first step plus what the observers need now (a fresh
   * correlator takes its time origin here), with the energy, so that an
   * absurd state is refused before the first step */
  for (size_t k = 0; k < nobs; k++) obs[k]->want = vt_observer_next(obs[k], md->step - 1);
  rc = vt_system_compute(s, md->integ->flags | VT_ENERGY | needs_at(obs, nobs, md->step));
  if (!rc) rc = refuse_state(md, md->step, 1);
  if (rc == 0) {
    rc = sample_at(md, obs, nobs, md->T);
    if (rc == VT_EINTR) rc = interrupted(md, o);
    else if (rc > 0) rc = 0;   /* nothing has run yet: a stop request applies from the first step */
  }
  const unsigned keep_flags = md->integ->flags;
  while (rc == 0 && i < nsteps) {
    if (vt_interrupted()) { rc = interrupted(md, o); break; }
    double T = md->T;
    if (thermo) {
      rc = vt_schedule_eval(&md->run_sched, i + 1, nsteps, &T);
      if (rc == VT_EINTR) { rc = interrupted(md, o); break; }
      if (rc) break;
    }
    /* the potential energy only where someone reads it (an observer, a
     * checkpoint, the end of the run: the contract of step()), and what the
     * observers of the coming step need */
    {
      const long k = i + 1;
      const int wanted = k == nsteps || (o->checkpoint && o->checkpoint_every > 0 && k % o->checkpoint_every == 0);
      md->integ->flags = (wanted ? keep_flags : (keep_flags & ~VT_ENERGY)) | needs_at(obs, nobs, md->step + 1);
    }
    rc = vt_integrator_step(md->integ, s, md->dt, T);
    md->integ->flags = keep_flags;
    if (rc == VT_ENONFINITE) { rc = vt_error_prefix(rc, "md: step %ld: ", md->step + 1); break; }
    if (rc) break;
    {
      const int have_energy = s->forces_valid && (s->valid & VT_ENERGY);
      if ((have_energy || (i + 1) % MD_CHECK_EVERY == 0) && (rc = refuse_state(md, md->step + 1, have_energy))) break;
    }
    i++;
    o->done++;
    md->step++;
    md->time += md->dt;
    if (thermo) md->T = T;
    else T = vt_system_temperature(s);
    rc = sample_at(md, obs, nobs, T);
    if (rc == VT_EINTR || (rc < 0 && vt_interrupted())) { rc = interrupted(md, o); break; }
    if (rc < 0) break;
    if (rc > 0) { o->stopped = 1; rc = 0; }
    if (o->checkpoint && o->checkpoint_every > 0 && i % o->checkpoint_every == 0) {
      rc = vt_md_checkpoint(md, o->checkpoint);
      if (rc) break;
    }
    progress_draw(&bar, i, T, 0);
    if (o->stopped) break;
  }
  progress_end(&bar, i, md->T);
  md->run_obs = NULL;
  md->run_nobs = 0;
  free(obs);
  if (rc != VT_EINTR) { md->pending = 0; md->run_nsaved = 0; }   /* an interrupted run can be finished later */
  if (rc == 0 && !md->pending) vt_schedule_free(&md->run_sched);
  return rc;
}

/* ---- checkpoints ----
 * The blob "vt.md" is an array of doubles (integers up to 2^53 are exact):
 *   version, integrator code (1 nve, 2 nose-hoover), chain, loops, tau,
 *   dt, T, step, time, pending, run_begin, run_steps,
 *   schedule kind, T1, T2, npoints, then npoints steps and npoints temperatures,
 *   length of the integrator state, then the integrator state. */

static int type_code(const vt_integrator_type *t)
{
  return t == vt_integrator_nve ? 1 : t == vt_integrator_nose_hoover ? 2 : 0;
}

/* The blob "vt.neighbor": the 3n positions at which the neighbor list in
 * use was built. The list is a function of those positions (and of the
 * diameters, types, box and potential, which the checkpoint holds), so the
 * restore rebuilds the very same list and the forces are summed in the
 * same order as in the run that wrote the checkpoint. */
#define NL_BLOB "vt.neighbor"

static int nl_blob(const vt_system *s, vt_blob *blob)
{
  memset(blob, 0, sizeof *blob);
  snprintf(blob->name, sizeof blob->name, "%s", NL_BLOB);
  blob->size = 3 * s->n * sizeof(double);
  blob->data = malloc(blob->size ? blob->size : 1);
  if (!blob->data) return vt_error(VT_ENOMEM, "out of memory");
  memcpy(blob->data, s->nl->x0, blob->size);
  return 0;
}

/* Build s's neighbor list at the positions of blob `bl` (written by
 * nl_blob), keeping the positions and images the system has. */
static int nl_restore(vt_system *s, const vt_blob *bl, const char *path)
{
  size_t n = s->n;
  if (bl->size != 3 * n * sizeof(double))
    return vt_error(VT_EFORMAT, "%s: neighbor-list positions (blob \"%s\") have the wrong length", path, NL_BLOB);
  const double *x0 = bl->data;
  for (size_t i = 0; i < 3 * n; i++) {
    double L = s->box[i % 3];
    if (!(x0[i] >= -L && x0[i] < 2 * L))
      return vt_error(VT_EFORMAT, "%s: neighbor-list position %zu (blob \"%s\") is %g, outside the box", path,
                      i / 3 + 1, NL_BLOB, x0[i]);
  }
  double *x = malloc(3 * n * sizeof *x);
  int *image = malloc(3 * n * sizeof *image);
  if (!x || !image) {
    free(x), free(image);
    return vt_error(VT_ENOMEM, "out of memory");
  }
  memcpy(x, s->x, 3 * n * sizeof *x);
  memcpy(image, s->image, 3 * n * sizeof *image);
  int forces_valid = s->forces_valid;
  unsigned valid = s->valid;
  memcpy(s->x, x0, 3 * n * sizeof *x);
  vt_neighbor_invalidate(s);
  int rc = vt_neighbor_update(s, NULL);
  memcpy(s->x, x, 3 * n * sizeof *x);
  memcpy(s->image, image, 3 * n * sizeof *image);
  s->forces_valid = forces_valid;   /* the stored forces are those of this list at these positions */
  s->valid = valid;
  free(x), free(image);
  if (rc) return rc;
  /* the positions drifted from x0 by less than the skin's half in the run
   * that wrote them, so the list must still be current */
  int rebuilt;
  rc = vt_neighbor_update(s, &rebuilt);
  if (rc) return rc;
  if (rebuilt)
    return vt_error(VT_EFORMAT, "%s: the positions are too far from the neighbor-list positions (blob \"%s\")",
                    path, NL_BLOB);
  return 0;
}

int vt_md_checkpoint(vt_md *md, const char *path)
{
  vt_system *s = md->s;
  /* Outside a run, the observers of a pending run are out of reach: their
   * states would be missing from the file (a restored run not yet resumed
   * still has them as blobs, written through below). Checked before
   * anything touches the state. */
  if (!md->run_obs && md->pending && md->run_nsaved > 0 && !md->obs_blobs)
    return vt_error(VT_EINVAL,
                    "md: the pending run has %zu observer%s whose state only the run's own checkpoints carry; "
                    "use md:run's checkpoint= (or finish the run first)",
                    md->run_nsaved, md->run_nsaved == 1 ? "" : "s");
  /* The state as it is: drifted positions, the neighbor list in use and
   * the forces over it, and the list's build positions (nl_blob), so that
   * the restore continues bit for bit and writing a checkpoint does not
   * perturb the run (see md.h). Forces are computed only if they are not
   * current, as the next step would compute them. */
  int rc = vt_system_compute(s, 0);
  if (rc) return rc;
  const vt_integrator *g = md->integ;
  int code = type_code(g->type);
  if (!code) return vt_error(VT_EINVAL, "md: integrator %s cannot be checkpointed", g->type->name);
  size_t np = md->pending && md->run_sched.kind == VT_SCHED_POINTS ? md->run_sched.npoints : 0;
  size_t glen = g->type->save(g->state, NULL);
  size_t len = 16 + 2 * np + 1 + glen;
  double *b = malloc(len * sizeof *b);
  if (!b) return vt_error(VT_ENOMEM, "out of memory");
  size_t k = 0;
  b[k++] = MD_BLOB_VERSION;
  b[k++] = code;
  b[k++] = g->params.chain;
  b[k++] = g->params.loops;
  b[k++] = g->params.tau;
  b[k++] = md->dt;
  b[k++] = md->T;
  b[k++] = (double)md->step;
  b[k++] = md->time;
  b[k++] = md->pending;
  b[k++] = (double)md->run_begin;
  b[k++] = (double)md->run_steps;
  b[k++] = md->pending ? md->run_sched.kind : 0;
  b[k++] = md->pending ? md->run_sched.T1 : 0;
  b[k++] = md->pending ? md->run_sched.T2 : 0;
  b[k++] = (double)np;
  for (size_t q = 0; q < np; q++) b[k++] = md->run_sched.step[q];
  for (size_t q = 0; q < np; q++) b[k++] = md->run_sched.temp[q];
  b[k++] = (double)glen;
  g->type->save(g->state, b + k);
  /* one blob for the md, one for the neighbor list's build positions, one
   * per observer with a state */
  size_t nobs = md->run_obs ? saved_count(md->run_obs, md->run_nobs) : md->nobs_blobs;
  size_t nblob = 2 + nobs;
  vt_blob *blob = calloc(nblob, sizeof *blob);
  if (!blob) { free(b); return vt_error(VT_ENOMEM, "out of memory"); }
  snprintf(blob[0].name, sizeof blob[0].name, "%s", MD_BLOB);
  blob[0].data = b;
  blob[0].size = len * sizeof *b;
  rc = nl_blob(s, &blob[1]);
  for (size_t q = 0, j = 1; q < md->run_nobs && !rc; q++) {
    const vt_observer *ob = md->run_obs[q];
    if (!ob->type->save) continue;
    size_t olen = vt_observer_save(ob, NULL);
    double *od = malloc(olen * sizeof *od);
    if (!od) { rc = vt_error(VT_ENOMEM, "out of memory"); break; }
    vt_observer_save(ob, od);
    snprintf(blob[1 + j].name, sizeof blob[1 + j].name, "vt.observer.%zu.%s", j, ob->type->name);
    blob[1 + j].data = od;
    blob[1 + j].size = olen * sizeof *od;
    j++;
  }
  /* a restored run's observer states not yet loaded: as they came */
  for (size_t q = 0; !md->run_obs && q < md->nobs_blobs; q++) blob[2 + q] = md->obs_blobs[q];
  if (!rc) rc = vt_checkpoint_write(path, s, blob, nblob);
  for (size_t q = 0; q < (md->run_obs ? nblob : 2); q++) free(blob[q].data);
  free(blob);
  return rc;
}

static int bad_blob(const char *path, const char *what)
{
  return vt_error(VT_EFORMAT, "%s: md state (blob \"%s\"): %s", path, MD_BLOB, what);
}

int vt_md_restore(const char *path, vt_md **out, vt_system **sout)
{
  *out = NULL;
  *sout = NULL;
  vt_system *s = NULL;
  vt_blob *blobs = NULL;
  size_t nblobs = 0;
  int rc = vt_checkpoint_read(path, &s, &blobs, &nblobs);
  if (rc) return rc;
  vt_md *md = NULL;
  const vt_blob *bl = vt_blob_find(blobs, nblobs, MD_BLOB);
  const double *b = bl ? bl->data : NULL;
  size_t len = bl ? bl->size / sizeof(double) : 0;
  if (!bl) { rc = vt_error(VT_EFORMAT, "%s: no MD state in this checkpoint (a plain system: use vt.read)", path); goto fail; }
  if (bl->size % sizeof(double) || len < 17) { rc = bad_blob(path, "truncated"); goto fail; }
  if (b[0] != MD_BLOB_VERSION) { rc = bad_blob(path, "unknown version"); goto fail; }
  for (size_t q = 0; q < len; q++)
    if (!isfinite(b[q])) { rc = bad_blob(path, "non-finite value"); goto fail; }
  if (!(b[15] >= 0 && b[15] <= (double)len && b[2] >= 1 && b[2] <= 64 && b[3] >= 1 && b[3] <= 1000 &&
        b[7] >= 0 && b[10] >= 0 && b[11] >= 0 && b[7] < 9e15 && b[11] < 9e15)) {
    rc = bad_blob(path, "field out of range");
    goto fail;
  }
  const vt_integrator_type *type = b[1] == 1 ? vt_integrator_nve : b[1] == 2 ? vt_integrator_nose_hoover : NULL;
  if (!type) { rc = bad_blob(path, "unknown integrator"); goto fail; }
  vt_integrator_params par = { (int)b[2], (int)b[3], b[4] };
  double T = b[6];
  rc = vt_md_alloc(s, type, &par, b[5], type->thermostat ? (T > 0 ? T : 1.0) : 0.0, &md);
  if (rc) goto fail;
  md->T = T;
  md->step = (long)b[7];
  md->time = b[8];
  md->pending = b[9] != 0;
  md->run_begin = (long)b[10];
  md->run_steps = (long)b[11];
  size_t np = (size_t)b[15];
  if (16 + 2 * np + 1 > len) { rc = bad_blob(path, "truncated schedule"); goto fail; }
  if (md->pending) {
    int kind = (int)b[12];
    if (kind == VT_SCHED_CONSTANT) rc = vt_schedule_constant(&md->run_sched, b[13]);
    else if (kind == VT_SCHED_RAMP) rc = vt_schedule_ramp(&md->run_sched, b[13], b[14]);
    else if (kind == VT_SCHED_POINTS) rc = vt_schedule_points(&md->run_sched, b + 16, b + 16 + np, np);
    else if (kind == VT_SCHED_FUNCTION) { memset(&md->run_sched, 0, sizeof md->run_sched); md->run_sched.kind = kind; }
    else rc = bad_blob(path, "unknown schedule");
    if (rc) goto fail;
    if (md->run_begin < 0 || md->run_begin > md->step || md->step - md->run_begin > md->run_steps) {
      rc = bad_blob(path, "inconsistent run position");
      goto fail;
    }
  }
  size_t k = 16 + 2 * np;
  size_t glen = (size_t)b[k++];
  if (k + glen != len) { rc = bad_blob(path, "integrator state has the wrong length"); goto fail; }
  rc = md->integ->type->load(md->integ->state, b + k, glen);
  if (rc) { vt_error_prefix(rc, "%s: ", path); goto fail; }
  /* observer states, in their order, for the resumed run */
  for (size_t q = 0; q < nblobs; q++) {
    char want[64];
    snprintf(want, sizeof want, "vt.observer.%zu.", md->nobs_blobs + 1);
    if (strncmp(blobs[q].name, want, strlen(want)) != 0) continue;
    vt_blob *nb = realloc(md->obs_blobs, (md->nobs_blobs + 1) * sizeof *nb);
    if (!nb) { rc = vt_error(VT_ENOMEM, "out of memory"); goto fail; }
    md->obs_blobs = nb;
    nb[md->nobs_blobs++] = blobs[q];
    blobs[q].data = NULL;   /* moved */
    blobs[q].size = 0;
    q = (size_t)-1;         /* the next index may come anywhere in the list */
  }
  /* The neighbor list of the writer: built at its positions when the
   * checkpoint has them (older checkpoints: at the stored positions, where
   * those writers built theirs). */
  const vt_blob *nlb = vt_blob_find(blobs, nblobs, NL_BLOB);
  rc = nlb ? nl_restore(s, nlb, path) : vt_neighbor_update(s, NULL);
  if (rc) goto fail;
  vt_blobs_free(blobs, nblobs);
  *out = md;
  *sout = s;
  return 0;
fail:
  vt_md_free(md);
  vt_system_free(s);
  vt_blobs_free(blobs, nblobs);
  return rc;
}

void vt_md_abandon(vt_md *md)
{
  if (!md->pending) return;
  md->pending = 0;
  vt_schedule_free(&md->run_sched);
  /* the abandoned run's observer states go with it */
  md->run_nsaved = 0;
  vt_blobs_free(md->obs_blobs, md->nobs_blobs);
  md->obs_blobs = NULL;
  md->nobs_blobs = 0;
}
