/* Inherent-state trajectories along an MD run (see inherent.h): an MD
 * observer that copies the configuration into a private system, minimizes
 * it and records U_IS; then the transition count and the scaled rate. */
#include "analysis/inherent.h"
#include "core/error.h"
#include "core/util.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

int vt_inherent_count(const double *u, size_t n, double threshold, double scale, long *count)
{
  *count = 0;
  if (!(threshold >= 0) || !isfinite(threshold))
    return vt_error(VT_EINVAL, "inherent states: threshold must be >= 0 and finite, got %g", threshold);
  if (!(scale > 0) || !isfinite(scale)) return vt_error(VT_EINVAL, "inherent states: scale must be positive, got %g", scale);
  for (size_t k = 0; k < n; k++)
    if (!isfinite(u[k])) return vt_error(VT_ENONFINITE, "inherent states: U_IS of frame %zu is not finite", k + 1);
  for (size_t k = 1; k < n; k++)
    if (fabs(u[k] - u[k - 1]) * scale > threshold) (*count)++;
  return 0;
}

void vt_inherent_result_free(vt_inherent_result *r)
{
  if (!r) return;
  vt_array *a[] = {r->time, r->u, r->steps, r->converged};
  for (int k = 0; k < 4; k++)
    if (a[k]) vt_array_unref(a[k]);
  r->time = r->u = r->steps = r->converged = NULL;
}

typedef struct {
  vt_minimizer *m;
  vt_system *copy;
  vt_inherent_result *r;
  size_t k;            /* next frame */
  double Tsum;
} inherent_run;

static int inherent_frame(inherent_run *c, vt_md *md)
{
  double t0 = vt_wtime();
  int rc = vt_system_assign(c->copy, md->s);
  vt_minimize_result mr;
  if (!rc) rc = vt_minimizer_minimize(c->m, c->copy, &mr);
  c->r->seconds_min += vt_wtime() - t0;
  if (rc) return vt_error_prefix(rc, "inherent state at step %ld: ", md->step);
  vt_inherent_result *r = c->r;
  r->time->data[c->k] = md->time;
  r->u->data[c->k] = mr.energy;
  r->steps->data[c->k] = (double)mr.steps;
  r->converged->data[c->k] = mr.converged ? 1.0 : 0.0;
  r->unconverged += !mr.converged;
  r->force_evals += mr.force_evals;
  c->k++;
  return 0;
}

static int inherent_observe(vt_md *md, long step, double T, void *arg)
{
  (void)step;
  inherent_run *c = arg;
  c->Tsum += T;
  return inherent_frame(c, md);
}

int vt_inherent_trajectory(vt_md *md, vt_minimizer *m, const vt_inherent_opts *o, vt_inherent_result *out)
{
  memset(out, 0, sizeof *out);
  if (!md || !m) return vt_error(VT_EINVAL, "inherent states: an md object and a minimizer are required");
  if (o->every < 1) return vt_error(VT_EINVAL, "inherent states: every must be >= 1, got %ld", o->every);
  if (o->frames < 1) return vt_error(VT_EINVAL, "inherent states: frames must be >= 1, got %ld", o->frames);
  if (o->every > 0 && o->frames > (long)(1L << 40) / o->every)
    return vt_error(VT_EINVAL, "inherent states: frames x every is too large");
  if (!(o->threshold >= 0) || !isfinite(o->threshold))
    return vt_error(VT_EINVAL, "inherent states: threshold must be >= 0 and finite, got %g", o->threshold);
  if (!(o->n0 > 0) || !isfinite(o->n0)) return vt_error(VT_EINVAL, "inherent states: N0 must be positive, got %g", o->n0);
  if (md->pending)
    return vt_error(VT_EINVAL, "inherent states: the md object has an unfinished run (finish it with md:run first)");
  if (!md->s->pot) return vt_error(VT_EINVAL, "inherent states: the system has no potential");
  size_t nf = (size_t)o->frames + 1;
  inherent_run c = {m, NULL, out, 0, 0};
  int rc = vt_system_copy(md->s, &c.copy);
  if (rc) return rc;
  out->time = vt_array_alloc(nf, 0);
  out->u = vt_array_alloc(nf, 0);
  out->steps = vt_array_alloc(nf, 0);
  out->converged = vt_array_alloc(nf, 0);
  if (!out->time || !out->u || !out->steps || !out->converged) { rc = vt_error(VT_ENOMEM, "inherent states: out of memory"); goto fail; }

  double w0 = vt_wtime();
  if ((rc = inherent_frame(&c, md))) goto fail;
  vt_md_run_opts ro;
  memset(&ro, 0, sizeof ro);
  ro.steps = o->frames * o->every;
  ro.every = o->every;
  ro.observe = inherent_observe;
  ro.arg = &c;
  ro.progress = o->progress;
  if ((rc = vt_md_run(md, &ro))) goto fail;
  if (c.k != nf) { rc = vt_error(VT_EINVAL, "inherent states: the run recorded %zu of %zu frames", c.k, nf); goto fail; }
  out->seconds_md = vt_wtime() - w0 - out->seconds_min;

  double scale = o->per_particle ? 1.0 / (double)md->s->n : 1.0;
  if ((rc = vt_inherent_count(out->u->data, nf, o->threshold, scale, &out->transitions))) goto fail;
  out->T = c.Tsum / (double)o->frames;
  if (!(out->T > 0)) { rc = vt_error(VT_EINVAL, "inherent states: the mean temperature %g is not positive", out->T); goto fail; }
  double a0 = cbrt(vt_system_volume(md->s) / (double)md->s->n);
  out->t_vib = 0.1 * a0 / sqrt(out->T);
  double span = out->time->data[nf - 1] - out->time->data[0];
  out->rate = out->transitions / span;
  out->scaled_rate = out->rate * out->t_vib * o->n0 / (double)md->s->n;
  m->s = NULL;                     /* the copy goes away: the minimizer must be set again */
  vt_system_free(c.copy);
  return 0;
fail:
  m->s = NULL;
  vt_system_free(c.copy);
  vt_inherent_result_free(out);
  return rc;
}
