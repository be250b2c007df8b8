/* Stillinger-Weber (src/potential/sw.c), the first many-body model, and the
 * full neighbor list it reads:
 *  - the full list holds every half-list pair twice (once from each end),
 *    lower partners ascending, and nothing else;
 *  - the ideal diamond lattice at a0 = 4 2^(1/6) sigma / sqrt 3 has zero
 *    forces, E = -2 eps per atom for any lambda (MODELS.md 6.1: the
 *    tetrahedral angle kills the triplet term, second neighbours at
 *    1.833 sigma are out of range) and zero virial;
 *  - forces = minus the central-difference gradient of the energy on a
 *    jittered diamond lattice and on a dense (0.52) jittered configuration
 *    with many triplets, to 1e-6 of the largest force;
 *  - the diagonal virial = -dU/d(ln L_a) by finite differences of an
 *    affine box scaling (the three-body virial included);
 *  - per-particle energies and virials sum to the totals (pairs split in
 *    halves, triplets in thirds);
 *  - 1 and 2 threads agree to round-off;
 *  - every pair-only consumer refuses the model with a message: the
 *    truncated Hessian (range < 1), dP2/dsigma, the p+/p- split (the
 *    Hessian itself: t/elastic_sw.c). */
#include "tap.h"
#include "vitrum.h"
#include "core/neighbor.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>
#ifdef _OPENMP
#include <omp.h>
#endif

static vt_potential *sw(double lambda)
{
  vt_param pr[] = {{.key = "lambda", .kind = VT_PARAM_NUMBER, .num = lambda}};
  vt_params in = {1, pr};
  vt_potential *p = NULL;
  if (vt_potential_create("sw", &in, &p)) return NULL;
  return p;
}

/* Diamond lattice of nc^3 conventional cells with spacing a0 (8 atoms each). */
static vt_system *diamond(int nc, double a0, vt_potential *p)
{
  const double L = nc * a0, box[3] = {L, L, L};
  const size_t n = (size_t)8 * nc * nc * nc;
  vt_system *s;
  if (vt_system_alloc(n, box, &s)) return NULL;
  static const double b[4][3] = {{0, 0, 0}, {0, .5, .5}, {.5, 0, .5}, {.5, .5, 0}};
  double *x = malloc(3 * n * sizeof *x);
  size_t m = 0;
  for (int i = 0; i < nc; i++)
    for (int j = 0; j < nc; j++)
      for (int k = 0; k < nc; k++)
        for (int c = 0; c < 4; c++)
          for (int o = 0; o < 2; o++, m++) {
            x[3 * m] = (i + b[c][0] + 0.25 * o) * a0;
            x[3 * m + 1] = (j + b[c][1] + 0.25 * o) * a0;
            x[3 * m + 2] = (k + b[c][2] + 0.25 * o) * a0;
          }
  vt_system_set_positions(s, x);
  free(x);
  vt_system_set_potential(s, p);
  return s;
}

/* Uniform random displacements in [-amp, amp] of every coordinate. */
static void jitter(vt_system *s, double amp, unsigned seed)
{
  srand(seed);
  double *x = malloc(3 * s->n * sizeof *x);
  memcpy(x, s->x, 3 * s->n * sizeof *x);
  for (size_t k = 0; k < 3 * s->n; k++) x[k] += amp * (2.0 * rand() / RAND_MAX - 1.0);
  vt_system_set_positions(s, x);
  free(x);
}

static double energy(vt_system *s)
{
  vt_system_invalidate(s);
  if (vt_system_compute(s, VT_ENERGY)) return NAN;
  return s->energy;
}

/* Largest |F + dU/dx| over all coordinates, relative to the largest force. */
static double gradient_error(vt_system *s, double *fmax_out)
{
  const size_t n = s->n;
  vt_system_invalidate(s);
  if (vt_system_compute(s, VT_ENERGY)) return INFINITY;
  double *f = malloc(3 * n * sizeof *f), *x = malloc(3 * n * sizeof *x);
  memcpy(f, s->f, 3 * n * sizeof *f);
  memcpy(x, s->x, 3 * n * sizeof *x);
  double fmax = 0, err = 0;
  for (size_t k = 0; k < 3 * n; k++) fmax = fmax > fabs(f[k]) ? fmax : fabs(f[k]);
  const double h = 1e-5;
  for (size_t k = 0; k < 3 * n; k++) {
    const double x0 = x[k];
    x[k] = x0 + h; vt_system_set_positions(s, x); const double ep = energy(s);
    x[k] = x0 - h; vt_system_set_positions(s, x); const double em = energy(s);
    x[k] = x0;
    const double num = -(ep - em) / (2 * h);
    const double e = fabs(num - f[k]);
    if (!(e <= err)) err = e;
  }
  vt_system_set_positions(s, x);
  free(f); free(x);
  *fmax_out = fmax;
  return err / (fmax > 1 ? fmax : 1);
}

/* The full list against the half list: each half pair twice, nothing else. */
static int check_full(vt_system *s)
{
  if (vt_neighbor_refresh(s, NULL)) return ok(0, "refresh: %s", vt_errmsg());
  const vt_neighbor *nl = s->nl;
  const size_t n = nl->n;
  if (!nl->opts.full || !nl->fstart) return ok(0, "a many-body model gets the full list");
  size_t bad = 0;
  char *seen = calloc(n, 1);
  for (size_t p = 0; p < n; p++) {
    /* expected partners: q > p from p's half row, q < p whose half row has p */
    memset(seen, 0, n);
    size_t want = 0;
    for (size_t e = nl->sstart[p]; e < nl->sstart[p + 1]; e++) seen[nl->slist[e]] = 1, want++;
    for (size_t q = 0; q < p; q++)
      for (size_t e = nl->sstart[q]; e < nl->sstart[q + 1]; e++)
        if ((size_t)nl->slist[e] == p) seen[q] = 1, want++;
    if (nl->fstart[p + 1] - nl->fstart[p] != want) bad++;
    int last_lower = -1;
    for (size_t e = nl->fstart[p]; e < nl->fstart[p + 1]; e++) {
      const int q = nl->flist[e];
      if (q < 0 || (size_t)q >= n || !seen[q]) { bad++; continue; }
      seen[q] = 0;   /* no duplicates */
      if ((size_t)q < p) { if (q <= last_lower) bad++; last_lower = q; }
    }
  }
  free(seen);
  return ok(bad == 0 && nl->fstart[n] == 2 * nl->sstart[n],
            "full list: every one of the %zu half-list pairs from both ends, lower partners ascending (%zu wrong)",
            nl->sstart[n], bad);
}

int main(void)
{
  vt_potential *p = sw(18.75);
  ok(p != NULL, "vt.potential.sw{lambda = 18.75}: %s", p ? p->desc : vt_errmsg());
  if (!p) return done_testing();
  ok(!vt_potential_is_pairwise(p), "sw is a many-body model");

  /* the ideal diamond lattice */
  const double a0 = 4.0 * pow(2.0, 1.0 / 6.0) / sqrt(3.0);
  vt_system *s = diamond(3, a0, p);
  ok(vt_system_compute(s, VT_ENERGY | VT_VIRIAL | VT_EATOM | VT_VATOM) == 0, "diamond: compute");
  double f0 = 0;
  for (size_t k = 0; k < 3 * s->n; k++) f0 = f0 > fabs(s->f[k]) ? f0 : fabs(s->f[k]);
  ok(f0 < 1e-12, "diamond at a0 = %.10g: zero forces (largest %.2g)", a0, f0);
  /* A and B are given to 10 digits, so phi2's minimum is -1 to ~1e-10 */
  is_close(s->energy / s->n, -2.0, 1e-9, "diamond: E/atom = -2 eps (%.12f)", s->energy / s->n);
  is_close((s->virial[0] + s->virial[1] + s->virial[2]) / s->n, 0.0, 1e-9, "diamond: zero virial");
  double emin = INFINITY, emax = -INFINITY;
  for (size_t i = 0; i < s->n; i++) { emin = fmin(emin, s->eatom[i]); emax = fmax(emax, s->eatom[i]); }
  ok(fabs(emin + 2) < 1e-9 && fabs(emax + 2) < 1e-9, "diamond: every atom has -2 eps (%.12f .. %.12f)", emin, emax);
  check_full(s);

  /* the three-body term matters away from the tetrahedral angle */
  jitter(s, 0.12, 7);
  {
    const int rc = vt_system_compute(s, VT_ENERGY);
    ok(rc == 0 && s->energy / s->n > -1.9, "jittered diamond: E/atom = %.6f", s->energy / s->n);
  }
  double fm, err = gradient_error(s, &fm);
  ok(err < 1e-6, "jittered diamond: forces = -grad E (relative error %.2g, largest force %.3g)", err, fm);
  vt_system_free(s);

  /* dense: a jittered simple cubic lattice at density 0.52 (12 neighbours
   * inside a sigma) */
  {
    const int m = 6;
    const double h = pow(1.0 / 0.52, 1.0 / 3.0), L = m * h, box[3] = {L, L, L};
    const size_t n = (size_t)m * m * m;
    vt_system_alloc(n, box, &s);
    double *x = malloc(3 * n * sizeof *x);
    for (size_t i = 0; i < n; i++) {
      x[3 * i] = (i % m) * h; x[3 * i + 1] = (i / m % m) * h; x[3 * i + 2] = (i / (m * m)) * h;
    }
    vt_system_set_positions(s, x);
    free(x);
    vt_system_set_potential(s, p);
    jitter(s, 0.25, 3);
  }
  check_full(s);
  /* how many triplets: partners within a sigma per particle */
  vt_system_compute(s, VT_ENERGY | VT_VIRIAL | VT_EATOM | VT_VATOM);
  err = gradient_error(s, &fm);
  ok(err < 1e-6, "dense random (rho = 0.52): forces = -grad E (relative error %.2g, largest force %.3g)", err, fm);

  /* totals = sums of per-particle parts */
  vt_system_invalidate(s);
  vt_system_compute(s, VT_ENERGY | VT_VIRIAL | VT_EATOM | VT_VATOM);
  double esum = 0, vsum[6] = {0};
  for (size_t i = 0; i < s->n; i++) {
    esum += s->eatom[i];
    for (int k = 0; k < 6; k++) vsum[k] += s->vatom[6 * i + k];
  }
  is_rel(esum, s->energy, 1e-12, 1e-12, "sum of per-particle energies = E (%.12g)", s->energy);
  double verr = 0, vscale = 0;
  for (int k = 0; k < 6; k++) { verr = fmax(verr, fabs(vsum[k] - s->virial[k])); vscale = fmax(vscale, fabs(s->virial[k])); }
  ok(verr <= 1e-11 * vscale, "sum of per-particle virials = W (largest difference %.2g of %.3g)", verr, vscale);
  /* the forces-only pass gives the same forces */
  {
    double *f = malloc(3 * s->n * sizeof *f);
    memcpy(f, s->f, 3 * s->n * sizeof *f);
    vt_system_invalidate(s);
    vt_system_compute(s, 0);
    ok(memcmp(f, s->f, 3 * s->n * sizeof *f) == 0, "forces-only pass: the same forces bit for bit");
    free(f);
  }

  /* W_aa = -dU/d(ln L_a): scale one box length (positions follow) */
  {
    vt_system_invalidate(s);
    vt_system_compute(s, VT_ENERGY | VT_VIRIAL);
    double W[6];
    memcpy(W, s->virial, sizeof W);
    vt_system *c;
    vt_system_copy(s, &c);
    const double h = 1e-6;
    double worst = 0;
    for (int a = 0; a < 3; a++) {
      double e[2];
      for (int sg = 0; sg < 2; sg++) {
        double *x = malloc(3 * s->n * sizeof *x), box[3] = {s->box[0], s->box[1], s->box[2]};
        const double fac = sg ? 1 - h : 1 + h;
        for (size_t k = 0; k < 3 * s->n; k++) x[k] = s->x[k] * ((int)(k % 3) == a ? fac : 1.0);
        box[a] *= fac;
        memcpy(c->box, box, sizeof box);
        vt_system_set_positions(c, x);
        free(x);
        e[sg] = energy(c);
      }
      const double dU = (e[0] - e[1]) / (2 * h);
      worst = fmax(worst, fabs(-dU - W[a]) / fmax(1.0, fabs(W[a])));
    }
    ok(worst < 1e-6, "virial diagonal = -dU/d ln L (relative error %.2g; W = %.6g %.6g %.6g)", worst, W[0], W[1], W[2]);
    vt_system_free(c);
  }

#ifdef _OPENMP
  {
    vt_system_invalidate(s);
    vt_system_compute(s, VT_ENERGY | VT_VIRIAL);
    const double e2 = s->energy, w2 = s->virial[0];
    double *f2 = malloc(3 * s->n * sizeof *f2);
    memcpy(f2, s->f, 3 * s->n * sizeof *f2);
    const int nt = omp_get_max_threads();
    omp_set_num_threads(1);
    vt_system_invalidate(s);
    vt_system_compute(s, VT_ENERGY | VT_VIRIAL);
    double fd = 0;
    for (size_t k = 0; k < 3 * s->n; k++) fd = fmax(fd, fabs(f2[k] - s->f[k]));
    ok(fabs(e2 - s->energy) < 1e-12 * fabs(e2) && fabs(w2 - s->virial[0]) < 1e-11 * fabs(w2) && fd < 1e-11 * fm,
       "1 and %d threads agree to round-off (energy %.3g, forces %.3g)", nt, fabs(e2 - s->energy), fd);
    omp_set_num_threads(nt);
    free(f2);
  }
#endif

  /* refusals: consumers of pair terms */
  {
    vt_hessian *H = NULL;
    vt_hessian_opts ho = {0};
    ho.range = 0.5;
    int rc = vt_hessian_create(s, &ho, &H);
    ok(rc == VT_EINVAL && strstr(vt_errmsg(), "range"), "a truncated (range < 1) Hessian refuses sw: %s", vt_errmsg());
    vt_hessian_free(H);
    double *d = malloc(s->n * sizeof *d);
    rc = vt_virial_dp2_dsigma(s, d);
    ok(rc == VT_EINVAL && strstr(vt_errmsg(), "many-body"), "dP2/dsigma refuses sw: %s", vt_errmsg());
    rc = vt_virial_p2(s, d);
    ok(rc == 0, "per-particle P2 works (the three-body virial split in thirds)");
    free(d);
    vt_system_invalidate(s);
    rc = vt_system_compute(s, VT_ENERGY | VT_VIRIAL | VT_PSPLIT);
    ok(rc == VT_EINVAL && strstr(vt_errmsg(), "p+"), "the p+/p- split refuses sw: %s", vt_errmsg());
  }
  vt_system_free(s);
  vt_potential_unref(p);

  /* parameters: unknown names and bad values are errors */
  {
    vt_param pr[] = {{.key = "lamda", .kind = VT_PARAM_NUMBER, .num = 18.75}};
    vt_params in = {1, pr};
    vt_potential *q = NULL;
    ok(vt_potential_create("sw", &in, &q) == VT_EINVAL && strstr(vt_errmsg(), "lamda"), "typo refused: %s", vt_errmsg());
    vt_param pr2[] = {{.key = "costheta0", .kind = VT_PARAM_NUMBER, .num = 1.5}};
    vt_params in2 = {1, pr2};
    ok(vt_potential_create("sw", &in2, &q) == VT_EINVAL, "costheta0 outside [-1, 1] refused: %s", vt_errmsg());
  }
  return done_testing();
}
