/* Swap Monte Carlo: displacement and diameter-swap moves with exact local
 * Metropolis energy changes over cell lists (see swap_mc.h). */
#include "dynamics/swap_mc.h"
#include "core/error.h"
#include "io/io.h"
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SWAP_BLOB "vt.swap_mc"
#define RNG_BLOB "vt.swap_mc.rng"
#define SWAP_BLOB_VERSION 1
#define SWAP_BLOB_LEN 16
#define DELTA_MIN 1e-4
#define ADAPT_FACTOR 1.05

void vt_swap_mc_params_default(vt_swap_mc_params *p)
{
  p->T = 1.0;
  p->swap_fraction = 0.2;
  p->delta = 0.1;
  p->target = 0.4;
  p->seed = 1;
}

static int check_params(const vt_swap_mc_params *p)
{
  if (!(p->T > 0) || !isfinite(p->T)) return vt_error(VT_EINVAL, "swap_mc: T must be positive and finite (got %g)", p->T);
  if (!(p->swap_fraction >= 0 && p->swap_fraction <= 1))
    return vt_error(VT_EINVAL, "swap_mc: swap_fraction must be in [0, 1] (got %g)", p->swap_fraction);
  if (!(p->delta > 0) || !isfinite(p->delta))
    return vt_error(VT_EINVAL, "swap_mc: delta must be positive and finite (got %g)", p->delta);
  if (!(p->target > 0 && p->target < 1))
    return vt_error(VT_EINVAL, "swap_mc: target acceptance must be in (0, 1) (got %g)", p->target);
  if (p->seed > (1ul << 53)) return vt_error(VT_EINVAL, "swap_mc: seed must be at most 2^53 (got %lu)", p->seed);
  return 0;
}

int vt_swap_mc_alloc(vt_system *s, const vt_swap_mc_params *p, vt_swap_mc **out)
{
  *out = NULL;
  int rc = check_params(p);
  if (rc) return rc;
  if (s->n < 1) return vt_error(VT_EINVAL, "swap_mc: the system has no particles");
  if ((rc = vt_cells_check_model(s->pot, "swap_mc"))) return rc;
  vt_swap_mc *mc = calloc(1, sizeof *mc);
  if (!mc) return vt_error(VT_ENOMEM, "swap_mc: out of memory");
  mc->s = s;
  mc->par = *p;
  mc->delta = p->delta;
  gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
  mc->x0 = malloc(3 * s->n * sizeof *mc->x0);
  mc->sigma0 = malloc(s->n * sizeof *mc->sigma0);
  mc->type0 = malloc(s->n * sizeof *mc->type0);
  mc->rng = r;
  if (!r || !mc->x0 || !mc->sigma0 || !mc->type0) {
    vt_swap_mc_free(mc);
    return vt_error(VT_ENOMEM, "swap_mc: out of memory");
  }
  gsl_rng_set(r, p->seed);
  *out = mc;
  return 0;
}

void vt_swap_mc_free(vt_swap_mc *mc)
{
  if (!mc) return;
  if (mc->rng) gsl_rng_free(mc->rng);
  vt_cells_free(mc->cells);
  free(mc->x0);
  free(mc->sigma0);
  free(mc->type0);
  free(mc);
}

int vt_swap_mc_set_T(vt_swap_mc *mc, double T)
{
  if (!(T > 0) || !isfinite(T)) return vt_error(VT_EINVAL, "swap_mc: T must be positive and finite (got %g)", T);
  mc->par.T = T;
  return 0;
}

int vt_swap_mc_set_delta(vt_swap_mc *mc, double delta)
{
  if (!(delta > 0) || !isfinite(delta)) return vt_error(VT_EINVAL, "swap_mc: delta must be positive and finite (got %g)", delta);
  mc->delta = delta;
  return 0;
}

static void snapshot(vt_swap_mc *mc)
{
  const vt_system *s = mc->s;
  memcpy(mc->x0, s->x, 3 * s->n * sizeof *mc->x0);
  memcpy(mc->sigma0, s->sigma, s->n * sizeof *mc->sigma0);
  memcpy(mc->type0, s->type, s->n * sizeof *mc->type0);
  memcpy(mc->box0, s->box, sizeof mc->box0);
  mc->pot0 = s->pot;
  mc->have_state = 1;
}

static int unchanged(const vt_swap_mc *mc)
{
  const vt_system *s = mc->s;
  return mc->have_state && mc->cells && s->pot == mc->pot0 && memcmp(s->box, mc->box0, sizeof mc->box0) == 0 &&
         memcmp(s->x, mc->x0, 3 * s->n * sizeof *s->x) == 0 &&
         memcmp(s->sigma, mc->sigma0, s->n * sizeof *s->sigma) == 0 &&
         memcmp(s->type, mc->type0, s->n * sizeof *s->type) == 0;
}

/* Rebuild the cells and the energy for the system as it is now. */
static int rebuild(vt_swap_mc *mc)
{
  vt_system *s = mc->s;
  int rc = vt_cells_check_model(s->pot, "swap_mc");
  if (rc) return rc;
  if ((rc = vt_system_check_finite(s))) return rc;
  vt_cells_free(mc->cells);
  mc->cells = NULL;
  mc->have_state = 0;
  double rcut = vt_potential_max_cutoff(s->pot, s);
  if ((rc = vt_cells_build(s, rcut, &mc->cells))) return rc;
  mc->energy = vt_cells_total_energy(mc->cells, s);
  if (!isfinite(mc->energy))
    return vt_error(VT_ENONFINITE, "swap_mc: the potential energy of the starting configuration is %g (overlapping particles?)",
                    mc->energy);
  snapshot(mc);
  return 0;
}

static int begin(vt_swap_mc *mc)
{
  return unchanged(mc) ? 0 : rebuild(mc);
}

static inline int metropolis(vt_swap_mc *mc, double dU)
{
  if (dU <= 0) return 1;
  if (!(dU < INFINITY)) return 0;   /* +inf and NaN: reject */
  return gsl_rng_uniform(mc->rng) < exp(-dU / mc->par.T);
}

/* Displacement of i by d; the caller has called begin(). */
static int displace(vt_swap_mc *mc, size_t i, const double d[3])
{
  vt_system *s = mc->s;
  const double *xo = &s->x[3 * i];
  double xn[3];
  int m[3];
  for (int k = 0; k < 3; k++) {
    double L = s->box[k], x = xo[k] + d[k], f = floor(x / L);
    x -= f * L;
    if (x >= L) { x -= L; f += 1; }
    if (x < 0) x = 0;
    xn[k] = x;
    m[k] = (int)f;
  }
  double eo = vt_cells_energy(mc->cells, s, i, xo, s->sigma[i], s->type[i], (size_t)-1);
  double en = vt_cells_energy(mc->cells, s, i, xn, s->sigma[i], s->type[i], (size_t)-1);
  double dU = en - eo;
  mc->disp_tried++;
  if (!metropolis(mc, dU)) return 0;
  int rc = vt_cells_move(mc->cells, i, xn);
  if (rc) return rc;
  for (int k = 0; k < 3; k++) {
    s->x[3 * i + k] = xn[k];
    s->image[3 * i + k] += m[k];
    mc->x0[3 * i + k] = xn[k];
  }
  mc->energy += dU;
  mc->disp_accepted++;
  return 1;
}

static double pair_energy(const vt_swap_mc *mc, size_t i, size_t j, double si, double sj, int ti, int tj)
{
  const vt_system *s = mc->s;
  double d[3] = {s->x[3 * i] - s->x[3 * j], s->x[3 * i + 1] - s->x[3 * j + 1], s->x[3 * i + 2] - s->x[3 * j + 2]};
  vt_minimum_image(s->box, d);
  double r2 = d[0] * d[0] + d[1] * d[1] + d[2] * d[2];
  if (r2 >= mc->cells->rc2) return 0.0;
  double u;
  vt_potential_pair(s->pot, sqrt(r2), si, sj, ti, tj, &u, NULL, NULL);
  return u;
}

/* Exchange the identities (diameter, type, mass) of i and j; the caller has
 * called begin(). */
static int swap(vt_swap_mc *mc, size_t i, size_t j)
{
  vt_system *s = mc->s;
  const vt_cells *c = mc->cells;
  double si = s->sigma[i], sj = s->sigma[j];
  int ti = s->type[i], tj = s->type[j];
  const double *xi = &s->x[3 * i], *xj = &s->x[3 * j];
  double eo = vt_cells_energy(c, s, i, xi, si, ti, j) + vt_cells_energy(c, s, j, xj, sj, tj, i) +
              pair_energy(mc, i, j, si, sj, ti, tj);
  double en = vt_cells_energy(c, s, i, xi, sj, tj, j) + vt_cells_energy(c, s, j, xj, si, ti, i) +
              pair_energy(mc, i, j, sj, si, tj, ti);
  double dU = en - eo;
  mc->swap_tried++;
  if (!metropolis(mc, dU)) return 0;
  s->sigma[i] = sj;
  s->sigma[j] = si;
  s->type[i] = tj;
  s->type[j] = ti;
  mc->sigma0[i] = sj;
  mc->sigma0[j] = si;
  mc->type0[i] = tj;
  mc->type0[j] = ti;
  double mi = s->mass[i], mj = s->mass[j];
  if (mi != mj) {
    /* masses follow the identity; velocities keep their canonical
     * distribution (and each particle its kinetic energy): see swap_mc.h */
    s->mass[i] = mj;
    s->mass[j] = mi;
    double fi = sqrt(mi / mj), fj = sqrt(mj / mi);
    for (int k = 0; k < 3; k++) {
      s->v[3 * i + k] *= fi;
      s->v[3 * j + k] *= fj;
    }
  }
  mc->energy += dU;
  mc->swap_accepted++;
  return 1;
}

/* Tell the system what changed. */
static void finish(vt_swap_mc *mc, long disp0, long swap0)
{
  vt_system *s = mc->s;
  if (mc->swap_accepted != swap0) {
    /* masses were exchanged already; the rule (if any) gives the same ones */
    vt_system_diameters_changed(s);
  } else if (mc->disp_accepted != disp0) {
    vt_system_invalidate(s);
  }
}

int vt_swap_mc_energy(vt_swap_mc *mc, double *energy)
{
  int rc = begin(mc);
  if (rc) return rc;
  *energy = mc->energy;
  return 0;
}

int vt_swap_mc_displace(vt_swap_mc *mc, size_t i, const double d[3], int *accepted)
{
  if (i >= mc->s->n) return vt_error(VT_EINVAL, "swap_mc: particle %zu out of range (n = %zu)", i + 1, mc->s->n);
  for (int k = 0; k < 3; k++)
    if (!isfinite(d[k])) return vt_error(VT_EINVAL, "swap_mc: displacement component %d is not finite", k + 1);
  int rc = begin(mc);
  if (rc) return rc;
  long d0 = mc->disp_accepted, s0 = mc->swap_accepted;
  rc = displace(mc, i, d);
  if (rc < 0) return rc;
  *accepted = rc;
  finish(mc, d0, s0);
  return 0;
}

int vt_swap_mc_swap(vt_swap_mc *mc, size_t i, size_t j, int *accepted)
{
  if (i >= mc->s->n || j >= mc->s->n || i == j)
    return vt_error(VT_EINVAL, "swap_mc: a swap needs two distinct particles in 1..%zu (got %zu, %zu)", mc->s->n, i + 1, j + 1);
  int rc = begin(mc);
  if (rc) return rc;
  long d0 = mc->disp_accepted, s0 = mc->swap_accepted;
  *accepted = swap(mc, i, j);
  finish(mc, d0, s0);
  return 0;
}

static int one_sweep(vt_swap_mc *mc)
{
  vt_system *s = mc->s;
  gsl_rng *r = mc->rng;
  size_t n = s->n;
  for (size_t q = 0; q < n; q++) {
    double u = gsl_rng_uniform(r);
    if (u < mc->par.swap_fraction && n >= 2) {
      size_t i = gsl_rng_uniform_int(r, n), j = gsl_rng_uniform_int(r, n - 1);
      if (j >= i) j++;
      swap(mc, i, j);
    } else {
      size_t i = gsl_rng_uniform_int(r, n);
      double d[3];
      for (int k = 0; k < 3; k++) d[k] = mc->delta * (2.0 * gsl_rng_uniform(r) - 1.0);
      int rc = displace(mc, i, d);
      if (rc < 0) return rc;
    }
  }
  return 0;
}

int vt_swap_mc_run(vt_swap_mc *mc, vt_swap_mc_run_opts *o)
{
  o->done = 0;
  o->stopped = 0;
  if (o->sweeps < 0) return vt_error(VT_EINVAL, "swap_mc: sweeps must be non-negative (got %ld)", o->sweeps);
  if (o->every < 0 || o->checkpoint_every < 0) return vt_error(VT_EINVAL, "swap_mc: periods must be non-negative");
  int rc = begin(mc);
  if (rc) return rc;
  long d0 = mc->disp_accepted, s0 = mc->swap_accepted;
  double dmax = 0.5 * mc->cells->rc;
  for (long k = 1; k <= o->sweeps; k++) {
    if (vt_interrupted()) {
      rc = vt_error(VT_EINTR, "swap_mc: interrupted after %ld sweeps", mc->sweeps);
      if (o->checkpoint) {
        finish(mc, d0, s0);
        d0 = mc->disp_accepted, s0 = mc->swap_accepted;
        int rc2 = vt_swap_mc_checkpoint(mc, o->checkpoint);
        if (rc2) rc = rc2;
      }
      break;
    }
    long dt0 = mc->disp_tried, da0 = mc->disp_accepted;
    if ((rc = one_sweep(mc))) break;
    mc->sweeps++;
    o->done++;
    if (o->adapt) {
      long tried = mc->disp_tried - dt0;
      if (tried > 0) {
        double acc = (double)(mc->disp_accepted - da0) / (double)tried;
        mc->delta = acc > mc->par.target ? mc->delta * ADAPT_FACTOR : mc->delta / ADAPT_FACTOR;
        if (mc->delta < DELTA_MIN) mc->delta = DELTA_MIN;
        if (mc->delta > dmax) mc->delta = dmax;
      }
      mc->adapt_sweeps++;
    }
    if (o->observe && o->every > 0 && k % o->every == 0) {
      finish(mc, d0, s0);
      d0 = mc->disp_accepted, s0 = mc->swap_accepted;
      rc = o->observe(mc, mc->sweeps, o->arg);
      if (rc < 0) break;
      if (rc == 1) o->stopped = 1;
      rc = begin(mc);   /* the observer may have changed the system */
      if (rc) break;
    }
    if (o->checkpoint && o->checkpoint_every > 0 && k % o->checkpoint_every == 0) {
      finish(mc, d0, s0);
      d0 = mc->disp_accepted, s0 = mc->swap_accepted;
      if ((rc = vt_swap_mc_checkpoint(mc, o->checkpoint))) break;
    }
    if (o->stopped) break;
  }
  finish(mc, d0, s0);
  return rc;
}

/* ---- checkpoints ----
 * Blob "vt.swap_mc", doubles: version, T, swap_fraction, initial delta,
 * target, seed, delta, energy, sweeps, adapt_sweeps, displacements tried,
 * accepted, swaps tried, accepted, n, 0. Blob "vt.swap_mc.rng": the raw
 * state of the mt19937 generator (gsl_rng_state). */

int vt_swap_mc_checkpoint(vt_swap_mc *mc, const char *path)
{
  int rc = begin(mc);   /* a changed system: store the energy of what is stored */
  if (rc) return rc;
  double b[SWAP_BLOB_LEN] = {SWAP_BLOB_VERSION, mc->par.T, mc->par.swap_fraction, mc->par.delta,
                             mc->par.target, (double)mc->par.seed, mc->delta, mc->energy,
                             (double)mc->sweeps, (double)mc->adapt_sweeps, (double)mc->disp_tried,
                             (double)mc->disp_accepted, (double)mc->swap_tried, (double)mc->swap_accepted,
                             (double)mc->s->n, 0};
  vt_blob blob[2];
  memset(blob, 0, sizeof blob);
  snprintf(blob[0].name, sizeof blob[0].name, "%s", SWAP_BLOB);
  blob[0].data = b;
  blob[0].size = sizeof b;
  snprintf(blob[1].name, sizeof blob[1].name, "%s", RNG_BLOB);
  blob[1].data = gsl_rng_state(mc->rng);
  blob[1].size = gsl_rng_size(mc->rng);
  return vt_checkpoint_write(path, mc->s, blob, 2);
}

static int bad(const char *path, const char *what)
{
  return vt_error(VT_EFORMAT, "%s: swap Monte Carlo state (blob \"%s\"): %s", path, SWAP_BLOB, what);
}

int vt_swap_mc_restore(const char *path, vt_swap_mc **out, vt_system **sout)
{
  *out = NULL;
  *sout = NULL;
  vt_system *s = NULL;
  vt_blob *blobs = NULL;
  size_t nb = 0;
  vt_swap_mc *mc = NULL;
  int rc = vt_checkpoint_read(path, &s, &blobs, &nb);
  if (rc) return rc;
  const vt_blob *bl = vt_blob_find(blobs, nb, SWAP_BLOB), *br = vt_blob_find(blobs, nb, RNG_BLOB);
  if (!bl || !br) {
    rc = vt_error(VT_EFORMAT, "%s: not a swap Monte Carlo checkpoint (no blob \"%s\" or \"%s\")", path, SWAP_BLOB, RNG_BLOB);
    goto fail;
  }
  if (bl->size != SWAP_BLOB_LEN * sizeof(double)) { rc = bad(path, "wrong length"); goto fail; }
  double b[SWAP_BLOB_LEN];
  memcpy(b, bl->data, sizeof b);
  for (int k = 0; k < SWAP_BLOB_LEN; k++)
    if (!isfinite(b[k])) { rc = bad(path, "non-finite value"); goto fail; }
  if (b[0] != SWAP_BLOB_VERSION) { rc = bad(path, "unknown version"); goto fail; }
  for (int k = 5; k <= 14; k++)
    if (k != 6 && k != 7 && (b[k] < 0 || b[k] != floor(b[k]) || b[k] > 9007199254740992.0)) {
      rc = bad(path, "a counter is not a non-negative integer");
      goto fail;
    }
  if ((size_t)b[14] != s->n) { rc = bad(path, "particle count differs from the system's"); goto fail; }
  if (b[10] < b[11] || b[12] < b[13] || b[8] < b[9]) { rc = bad(path, "inconsistent counters"); goto fail; }
  vt_swap_mc_params p = {.T = b[1], .swap_fraction = b[2], .delta = b[3], .target = b[4], .seed = (unsigned long)b[5]};
  if ((rc = vt_swap_mc_alloc(s, &p, &mc))) goto fail;
  if (br->size != gsl_rng_size(mc->rng)) {
    rc = vt_error(VT_EFORMAT, "%s: generator state (blob \"%s\") has %zu bytes, expected %zu", path, RNG_BLOB, br->size,
                  gsl_rng_size(mc->rng));
    goto fail;
  }
  memcpy(gsl_rng_state(mc->rng), br->data, br->size);
  if ((rc = vt_swap_mc_set_delta(mc, b[6]))) goto fail;
  mc->sweeps = (long)b[8];
  mc->adapt_sweeps = (long)b[9];
  mc->disp_tried = (long)b[10];
  mc->disp_accepted = (long)b[11];
  mc->swap_tried = (long)b[12];
  mc->swap_accepted = (long)b[13];
  if ((rc = rebuild(mc))) goto fail;
  mc->energy = b[7];   /* the running energy as it was, not a fresh sum */
  vt_blobs_free(blobs, nb);
  *out = mc;
  *sout = s;
  return 0;
fail:
  vt_swap_mc_free(mc);
  vt_blobs_free(blobs, nb);
  vt_system_free(s);
  return rc;
}
