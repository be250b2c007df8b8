/* Isoconfigurational propensities (see propensity.h): R seeded MD runs from
 * one configuration, per-particle displacements accumulated in C. */
#include "analysis/propensity.h"
#include "core/error.h"
#include "dynamics/md.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

void vt_propensity_result_free(vt_propensity_result *r)
{
  if (!r) return;
  if (r->msd) vt_array_unref(r->msd);
  if (r->md) vt_array_unref(r->md);
  if (r->time) vt_array_unref(r->time);
  r->msd = r->md = r->time = NULL;
}

int vt_propensity(const vt_system *s, const vt_propensity_opts *o, vt_propensity_result *out)
{
  memset(out, 0, sizeof *out);
  if (!o->integrator) return vt_error(VT_EINVAL, "propensity: an integrator is required");
  if (o->runs < 1) return vt_error(VT_EINVAL, "propensity: runs must be >= 1, got %ld", o->runs);
  if (!(o->T > 0) || !isfinite(o->T)) return vt_error(VT_EINVAL, "propensity: T must be positive, got %g", o->T);
  if (!(o->dt > 0) || !isfinite(o->dt)) return vt_error(VT_EINVAL, "propensity: dt must be positive, got %g", o->dt);
  if (o->nsteps < 1 || !o->steps) return vt_error(VT_EINVAL, "propensity: give at least one step count");
  for (size_t k = 0; k < o->nsteps; k++) {
    if (o->steps[k] < 1) return vt_error(VT_EINVAL, "propensity: step count %zu is %ld (must be >= 1)", k + 1, o->steps[k]);
    if (k && o->steps[k] <= o->steps[k - 1])
      return vt_error(VT_EINVAL, "propensity: step counts must increase (%ld after %ld)", o->steps[k], o->steps[k - 1]);
  }
  if (!s->pot) return vt_error(VT_EINVAL, "propensity: the system has no potential");
  size_t n = s->n, nt = o->nsteps;
  vt_system *c = NULL;
  vt_md *md = NULL;
  double *ref = malloc(3 * n * sizeof *ref), *cur = malloc(3 * n * sizeof *cur);
  int rc = vt_system_copy(s, &c);
  out->msd = vt_array_alloc(n, nt == 1 ? 0 : nt);
  out->md = vt_array_alloc(n, nt == 1 ? 0 : nt);
  out->time = vt_array_alloc(nt, 0);
  if (rc) goto fail;
  if (!ref || !cur || !out->msd || !out->md || !out->time) { rc = vt_error(VT_ENOMEM, "propensity: out of memory"); goto fail; }
  for (size_t k = 0; k < nt; k++) out->time->data[k] = o->steps[k] * o->dt;
  double *sq = out->msd->data, *ab = out->md->data;
  for (long r = 0; r < o->runs; r++) {
    if ((rc = vt_system_assign(c, s))) goto fail;
    if ((rc = vt_system_thermalize(c, o->T, o->seed + (unsigned long)r))) goto fail;
    if ((rc = vt_md_alloc(c, o->integrator, o->params, o->dt, o->T, &md))) goto fail;
    vt_system_unwrapped(c, ref);
    long done = 0;
    for (size_t k = 0; k < nt; k++) {
      vt_md_run_opts ro;
      memset(&ro, 0, sizeof ro);
      ro.steps = o->steps[k] - done;
      if ((rc = vt_md_run(md, &ro))) goto fail;
      done = o->steps[k];
      vt_system_unwrapped(c, cur);
      for (size_t i = 0; i < n; i++) {
        double dx = cur[3 * i] - ref[3 * i], dy = cur[3 * i + 1] - ref[3 * i + 1], dz = cur[3 * i + 2] - ref[3 * i + 2];
        double d2 = dx * dx + dy * dy + dz * dz;
        sq[i * nt + k] += d2;
        ab[i * nt + k] += sqrt(d2);
      }
    }
    vt_md_free(md);
    md = NULL;
  }
  for (size_t i = 0; i < n * nt; i++) {
    sq[i] /= (double)o->runs;
    ab[i] /= (double)o->runs;
    if (!isfinite(sq[i])) { rc = vt_error(VT_ENONFINITE, "propensity: displacement of particle %zu is not finite", i / nt + 1); goto fail; }
  }
  free(ref); free(cur);
  vt_system_free(c);
  return 0;
fail:
  if (md) vt_md_free(md);
  vt_system_free(c);
  free(ref); free(cur);
  vt_propensity_result_free(out);
  return rc;
}
