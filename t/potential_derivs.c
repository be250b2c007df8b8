/* Derivative and force-kernel tests for every registered pair model
 * (vt_potential_types): radial derivatives against central differences,
 * continuity at the seams between regions and at the cutoff (doc/models.md 1.2,
 * 2.1, 3, 4, 5, 7), diameter derivatives against differences in sigma_i,
 * and, on a dense disordered configuration, the force kernel against the
 * gradient of the total energy, per-particle energies and virials against
 * the totals, a brute-force O(N^2) sum over pair(), and invariance under
 * thread count, neighbor-list rebuilds and skin.
 *
 * Tolerances (all relative, with the absolute floors stated next to each):
 * - derivatives vs central differences: 1e-6, absolute floor 1e-8 of the
 *   largest |value| over the scan; h = 1e-5 r, at 400 radii at least 1e-2 r
 *   away from seams and the cutoff (the third derivative jumps there and
 *   diverges at the Hertz contact), so truncation (h^2 u'''/6) and
 *   round-off (the PSS r_c = 1.1 polynomial loses ~5 digits to cancellation,
 *   doc/models.md 2.4) stay well below the tolerance; the seams themselves are
 *   covered by the continuity checks. Diameter derivatives likewise, with
 *   h = 1e-5 sigma_i, 1e-3 r away from the (sigma-dependent) seams;
 * - zero at and beyond the cutoff: exactly; vanishing from below (to the
 *   order the model claims): |f(rc(1 - 1e-12))| <= 1e-7 + 1e-2 |f(rc(1 - 1e-6))|,
 *   and the first derivative not claimed continuous must really jump;
 * - continuity: values at s(1 -+ 1e-12) agree to 1e-7 relative (floor 1e-7
 *   in units of epsilon / length^k): the slope contributes ~1e-12 s u''' and
 *   the PSS r_c = 1.1 polynomial loses ~5 digits to cancellation (doc/models.md
 *   2.4), both far below that;
 * - forces vs the central difference (h = 1e-6) of the total energy: 1e-6
 *   of the force, floor 1e-6 of the rms force. The energy difference is
 *   summed per particle (sum_i [e_i(+h) - e_i(-h)], exactly the difference
 *   of the total energies up to round-off) so that the ~1e-13 relative
 *   round-off of a total of ~1e3 does not swamp a 1e-6 step; the plain
 *   difference of totals is checked as well, with its round-off bound;
 * - kernel vs a brute-force O(N^2) sum of pair(): 1e-11 of the sum of the
 *   magnitudes of the terms (energy, virial, each force component): the
 *   kernel works in r^2 and pair() in r, and sums in another order;
 * - sum of per-particle energies / virials vs the totals, w_plus + w_minus
 *   vs the virial trace: 1e-12 of the sum of magnitudes;
 * - 1 vs 2 threads, skin 0 vs 0.5: 1e-12 of the largest |value| (energy,
 *   virial, forces). Not bitwise: per-thread force buffers are reduced in
 *   thread order, so 1 and 2 threads add the same terms in another order;
 * - forced neighbor rebuilds at fixed positions, and repeated evaluations at
 *   a fixed thread count: bit-identical. */
#include "tap.h"
#include "vitrum.h"
#include <gsl/gsl_rng.h>
#include <math.h>
#include <string.h>
#ifdef _OPENMP
#include <omp.h>
#endif

#define NUM(k, v) {.key = (k), .kind = VT_PARAM_NUMBER, .num = (v)}
#define STR(k, s) {.key = (k), .kind = VT_PARAM_STRING, .str = (s)}
#define VEC(k, a) {.key = (k), .kind = VT_PARAM_VECTOR, .vec = (a), .len = sizeof(a) / sizeof *(a)}

typedef struct {
  const char *model, *label;
  vt_param par[4];
  size_t npar;
  /* pair probed by the radial tests */
  double si, sj;
  int ti, tj;
  double rmin;            /* start of the radial scan */
  int cut_order;          /* u, du, ... up to this order vanish continuously at the cutoff (-1: unknown) */
  double seam[2];         /* interior seams (r), C2 */
  int nseam;
  int diam;               /* 1: the model reads diameters (test dsigma by differences) */
  /* system */
  int nspecies;
  double frac[2], dia[2];
  int poly;               /* P(sigma) ~ sigma^-3 on [0.7253, 1.6095] (doc/models.md 3.2/7) */
  double density;
} tcase;

static const double XM = 1.122462048309373;  /* 2^(1/6) */

static double vmax3(double a, double b, double c) { return fmax(a, fmax(b, c)); }

static void pair3(const vt_potential *p, const tcase *c, double r, double si, double f[3])
{
  vt_potential_pair(p, r, si, c->sj, c->ti, c->tj, &f[0], &f[1], &f[2]);
}

/* ---------------- radial tests ---------------- */

static void radial_tests(const vt_potential *p, const tcase *c)
{
  const double rc = vt_potential_cutoff(p, c->si, c->sj, c->ti, c->tj);
  const char *L = c->label;
  ok(rc > c->rmin && isfinite(rc), "%s: cutoff %g beyond the scan start", L, rc);
  /* per-particle radii (the neighbor list's fast path for polydispersity):
   * a model that reports them must have cutoff_ij = radius_i + radius_j */
  {
    static const double d[] = {0.7253, 1.0, 1.2, 1.6095};
    int bad = 0, some = 0, none = 0;
    for (int a = 0; a < 4; a++)
      for (int q = 0; q < 4; q++) {
        const double ra = vt_potential_radius(p, d[a], c->ti), rb = vt_potential_radius(p, d[q], c->tj);
        const double cij = vt_potential_cutoff(p, d[a], d[q], c->ti, c->tj);
        if (ra >= 0 && rb >= 0) {
          some = 1;
          bad += !(fabs(ra + rb - cij) <= 4e-16 * cij);
        } else
          none = 1;
      }
    ok(!bad && !(some && none), "%s: radii %s", L, some ? "sum to every cutoff" : "not reported (not additive)");
  }
  double bnd[4];
  int nb = 0;
  for (int k = 0; k < c->nseam; k++) bnd[nb++] = c->seam[k];
  bnd[nb++] = rc;

  /* scale of each derivative over the scan, for absolute floors */
  const int NG = 400;
  double scale[3] = {0, 0, 0};
  for (int g = 0; g <= NG; g++) {
    double r = c->rmin + (rc - c->rmin) * g / NG, f[3];
    pair3(p, c, r, c->si, f);
    for (int k = 0; k < 3; k++) scale[k] = fmax(scale[k], fabs(f[k]));
  }

  /* 1. du and d2u against central differences of u and du */
  int bad1 = 0, bad2 = 0, n = 0;
  double worst1 = 0, worst2 = 0;
  for (int g = 0; g < NG; g++) {
    double r = c->rmin + (rc - c->rmin) * (g + 0.37) / NG;   /* off-grid: never exactly on a seam */
    double d = rc - r;
    for (int k = 0; k < nb; k++) d = fmin(d, fabs(r - bnd[k]));
    if (d < 1e-2 * r) continue;
    double h = 1e-5 * r, fp[3], fm[3], f[3];
    pair3(p, c, r, c->si, f);
    pair3(p, c, r + h, c->si, fp);
    pair3(p, c, r - h, c->si, fm);
    double fd1 = (fp[0] - fm[0]) / (2 * h), fd2 = (fp[1] - fm[1]) / (2 * h);
    double e1 = fabs(fd1 - f[1]) / fmax(fabs(f[1]), 1e-2 * scale[1] + 1e-300);
    double e2 = fabs(fd2 - f[2]) / fmax(fabs(f[2]), 1e-2 * scale[2] + 1e-300);
    if (e1 > 1e-6) { if (!bad1++) diag("  r = %.17g: du %.17g, difference %.17g", r, f[1], fd1); }
    if (e2 > 1e-6) { if (!bad2++) diag("  r = %.17g: d2u %.17g, difference %.17g", r, f[2], fd2); }
    worst1 = fmax(worst1, e1);
    worst2 = fmax(worst2, e2);
    n++;
  }
  ok(n > NG / 2 && !bad1, "%s: du/dr = central difference of u at %d radii (worst rel. %.2g)", L, n, worst1);
  ok(n > NG / 2 && !bad2, "%s: d2u/dr2 = central difference of du at %d radii (worst rel. %.2g)", L, n, worst2);

  /* 2. continuity at interior seams (C2) */
  for (int k = 0; k < c->nseam; k++) {
    double s = c->seam[k], a[3], b[3];
    pair3(p, c, s * (1 - 1e-12), c->si, a);
    pair3(p, c, s * (1 + 1e-12), c->si, b);
    static const char *nm[3] = {"u", "du", "d2u"};
    for (int q = 0; q < 3; q++)
      is_rel(b[q], a[q], 1e-7, 1e-7, "%s: %s continuous at the seam r = %.10g", L, nm[q], s);
  }

  /* 3. zero at and beyond the cutoff, continuity up to cut_order below it */
  {
    double rs[5] = {rc, rc * (1 + 1e-12), rc * 1.01, rc * 1.5, rc * 3};
    int allzero = 1;
    for (int k = 0; k < 5; k++) {
      double f[3];
      pair3(p, c, rs[k], c->si, f);
      if (f[0] != 0 || f[1] != 0 || f[2] != 0) {
        allzero = 0;
        diag("  r = %.17g: u %g du %g d2u %g", rs[k], f[0], f[1], f[2]);
      }
    }
    ok(allzero, "%s: u, du, d2u exactly 0 at and beyond the cutoff %.10g", L, rc);
    if (c->cut_order >= 0) {
      /* vanishing: |f(rc - 1e-12 rc)| <= 1e-7 + 1e-2 |f(rc - 1e-6 rc)| (Hertz d2u ~ (rc - r)^(1/2)) */
      double f[3], g[3];
      pair3(p, c, rc * (1 - 1e-12), c->si, f);
      pair3(p, c, rc * (1 - 1e-6), c->si, g);
      static const char *nm[3] = {"u", "du", "d2u"};
      for (int q = 0; q <= c->cut_order && q < 3; q++)
        is_close(f[q], 0.0, 1e-7 + 1e-2 * fabs(g[q]), "%s: %s -> 0 at the cutoff from below (%.3g, %.3g at 1e-6 rc)", L,
                 nm[q], f[q], g[q]);
      /* the first derivative not claimed continuous must really jump,
       * so the claimed order is the model's, not the test's */
      if (c->cut_order < 2) {
        int q = c->cut_order + 1;
        ok(fabs(f[q]) > 1e-4 && fabs(f[q] - g[q]) < 1e-3 * fabs(f[q]), "%s: %s jumps at the cutoff (%.3g), as documented", L,
           nm[q], f[q]);
      }
    }
  }

  /* 4. diameter derivatives */
  if (c->diam) {
    int bad = 0, m = 0;
    double worst = 0;
    for (int g = 0; g < 60; g++) {
      double r = c->rmin + (rc - c->rmin) * (g + 0.41) / 60;
      /* seams and cutoff move with sigma_ij: stay 1e-3 away */
      double d = rc - r;
      for (int k = 0; k < c->nseam; k++) d = fmin(d, fabs(r - c->seam[k]));
      if (d < 1e-3 * r) continue;
      double hs = 1e-5 * c->si, up[3], um[3], dus, dws;
      pair3(p, c, r, c->si + hs, up);
      pair3(p, c, r, c->si - hs, um);
      vt_potential_dsigma(p, r, c->si, c->sj, c->ti, c->tj, &dus, &dws);
      double fu = (up[0] - um[0]) / (2 * hs), fw = r * (up[1] - um[1]) / (2 * hs);
      double eu = fabs(fu - dus) / fmax(fabs(dus), 1e-2 * rc * scale[1] + 1e-300);
      double ew = fabs(fw - dws) / fmax(fabs(dws), 1e-2 * rc * rc * scale[2] + 1e-300);
      if (fmax(eu, ew) > 1e-6 && !bad++)
        diag("  r = %.17g: du/dsi %.17g vs %.17g, dw/dsi %.17g vs %.17g", r, dus, fu, dws, fw);
      worst = vmax3(worst, eu, ew);
      m++;
    }
    ok(m > 30 && !bad, "%s: du/dsi and dw/dsi = differences in sigma_i at %d radii (worst rel. %.2g)", L, m, worst);
  } else {
    /* type-based: diameters must not enter at all */
    int same = 1;
    for (int g = 0; g < 20; g++) {
      double r = c->rmin + (rc - c->rmin) * (g + 0.5) / 20, a[3], b[3], dus, dws;
      pair3(p, c, r, 0.5, a);
      pair3(p, c, r, 2.0, b);
      vt_potential_dsigma(p, r, c->si, c->sj, c->ti, c->tj, &dus, &dws);
      if (memcmp(a, b, sizeof a) || dus != 0 || dws != 0) same = 0;
    }
    ok(same, "%s: type-based, independent of diameters (dsigma 0)", L);
  }
}

/* ---------------- system tests ---------------- */

typedef struct {
  double E, W[6], *f;
} snap;

static int snap_take(vt_system *s, unsigned flags, snap *o)
{
  vt_system_invalidate(s);
  int rc = vt_system_compute(s, flags);
  if (rc) return rc;
  o->E = s->energy;
  memcpy(o->W, s->virial, sizeof o->W);
  memcpy(o->f, s->f, 3 * s->n * sizeof(double));
  return 0;
}

static double snap_diff(const vt_system *s, const snap *a, const snap *b, double *scale)
{
  double d = fabs(a->E - b->E), sc = fabs(a->E);
  for (int k = 0; k < 6; k++) d = fmax(d, fabs(a->W[k] - b->W[k])), sc = fmax(sc, fabs(a->W[k]));
  for (size_t i = 0; i < 3 * s->n; i++) d = fmax(d, fabs(a->f[i] - b->f[i])), sc = fmax(sc, fabs(a->f[i]));
  *scale = sc;
  return d;
}

static vt_system *make_system(vt_potential *p, const tcase *c, size_t n, unsigned long seed)
{
  vt_system_spec sp;
  memset(&sp, 0, sizeof sp);
  sp.n = n;
  sp.density = c->density;
  sp.mass_rule = VT_MASS_EQUAL;
  sp.init = VT_INIT_LATTICE;
  sp.seed = seed;
  if (c->poly) {
    sp.diameter_law = VT_DIAM_POWER;
    sp.exponent = -3;
    sp.dmin = 0.7253;
    sp.dmax = 1.6095;
  } else {
    sp.diameter_law = VT_DIAM_SPECIES;
    sp.nspecies = c->nspecies;
    for (int t = 0; t < c->nspecies; t++) {
      sp.species[t].fraction = c->frac[t];
      sp.species[t].diameter = c->dia[t];
    }
  }
  vt_system *s;
  if (vt_system_create(&sp, &s)) return NULL;
  /* random displacements of 0.12 nearest-neighbor distances (FCC) */
  double nn = cbrt(4.0 / c->density) / sqrt(2.0), amp = 0.12 * nn;
  gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
  gsl_rng_set(rng, seed + 17);
  double *x = malloc(3 * n * sizeof *x);
  for (size_t i = 0; i < 3 * n; i++) x[i] = s->x[i] + amp * (2 * gsl_rng_uniform(rng) - 1);
  vt_system_set_positions(s, x);
  free(x);
  gsl_rng_free(rng);
  if (p && vt_system_set_potential(s, p)) { vt_system_free(s); return NULL; }
  return s;
}

static void system_tests(vt_potential *p, const tcase *c)
{
  const char *L = c->label;
  /* size the box to hold 2 (largest cutoff + skin) */
  size_t n = 128;
  vt_system *s = make_system(NULL, c, n, 4242);  /* a probe: attaching p would refuse a small box */
  if (!s) { ok(0, "%s: system: %s", L, vt_errmsg()); return; }
  double rcmax = vt_potential_max_cutoff(p, s), skin = 0.5;
  double Lmin = 2.0 * (rcmax + skin) * 1.05;
  if (s->box[0] >= Lmin && vt_system_set_potential(s, p)) { ok(0, "%s: system: %s", L, vt_errmsg()); vt_system_free(s); return; }
  if (s->box[0] < Lmin) {
    vt_system_free(s);
    n = (size_t)ceil(c->density * Lmin * Lmin * Lmin);
    s = make_system(p, c, n, 4242);
    if (!s) { ok(0, "%s: system: %s", L, vt_errmsg()); return; }
  }
  s->skin = skin;
  vt_neighbor_invalidate(s);
  const unsigned ALL = VT_ENERGY | VT_VIRIAL | VT_EATOM | VT_VATOM | VT_PSPLIT;
  int rc = vt_system_compute(s, ALL);
  if (!ok(rc == 0, "%s: compute on %zu particles (box %.3g, largest cutoff %.3g)", L, n, s->box[0], rcmax)) {
    diag("  %s", vt_errmsg());
    vt_system_free(s);
    return;
  }

  /* brute force over all pairs with pair(): energy, virial, forces */
  double Eb = 0, Wb[6] = {0}, absE = 0, absW = 0, *fb = calloc(3 * n, sizeof *fb), *fa = calloc(3 * n, sizeof *fa);
  size_t npairs = 0;
  for (size_t i = 0; i < n; i++)
    for (size_t j = i + 1; j < n; j++) {
      double d[3] = {s->x[3 * i] - s->x[3 * j], s->x[3 * i + 1] - s->x[3 * j + 1], s->x[3 * i + 2] - s->x[3 * j + 2]};
      vt_minimum_image(s->box, d);
      double r = sqrt(d[0] * d[0] + d[1] * d[1] + d[2] * d[2]), u, du;
      vt_potential_pair(p, r, s->sigma[i], s->sigma[j], s->type[i], s->type[j], &u, &du, NULL);
      if (u == 0 && du == 0) continue;
      npairs++;
      Eb += u;
      absE += fabs(u);
      double fp = -du / r, fv[3] = {fp * d[0], fp * d[1], fp * d[2]};
      for (int k = 0; k < 3; k++) {
        fb[3 * i + k] += fv[k], fb[3 * j + k] -= fv[k];
        fa[3 * i + k] += fabs(fv[k]), fa[3 * j + k] += fabs(fv[k]);
      }
      double w[6] = {d[0] * fv[0], d[1] * fv[1], d[2] * fv[2], d[0] * fv[1], d[0] * fv[2], d[1] * fv[2]};
      for (int k = 0; k < 6; k++) Wb[k] += w[k], absW += fabs(w[k]);
    }
  ok(npairs > 3 * n, "%s: dense configuration: %zu interacting pairs for %zu particles", L, npairs, n);
  is_close(s->energy, Eb, 1e-11 * absE + 1e-300, "%s: kernel energy = brute-force sum of pair()", L);
  double dw = 0, df = 0;
  int fbad = 0;
  for (int k = 0; k < 6; k++) dw = fmax(dw, fabs(s->virial[k] - Wb[k]));
  for (size_t i = 0; i < 3 * n; i++) {
    df = fmax(df, fabs(s->f[i] - fb[i]) / (fa[i] + 1e-300));
    if (fabs(s->f[i] - fb[i]) > 1e-11 * fa[i]) fbad++;
  }
  ok(dw <= 1e-11 * absW, "%s: kernel virial = brute-force sum (max diff %.3g, scale %.3g)", L, dw, absW);
  ok(!fbad, "%s: kernel forces = brute-force sums (worst diff %.3g of the sum of |pair forces|)", L, df);
  free(fb);
  free(fa);

  /* per-particle sums */
  double se = 0, sae = 0, sv[6] = {0}, sav = 0;
  for (size_t i = 0; i < n; i++) {
    se += s->eatom[i];
    sae += fabs(s->eatom[i]);
    for (int k = 0; k < 6; k++) sv[k] += s->vatom[6 * i + k], sav += fabs(s->vatom[6 * i + k]);
  }
  is_close(se, s->energy, 1e-12 * sae + 1e-300, "%s: sum of per-particle energies = energy", L);
  double dv = 0;
  for (int k = 0; k < 6; k++) dv = fmax(dv, fabs(sv[k] - s->virial[k]));
  ok(dv <= 1e-12 * sav, "%s: sum of per-particle virials = virial (max diff %.3g)", L, dv);
  is_close(s->w_plus + s->w_minus, s->virial[0] + s->virial[1] + s->virial[2],
           1e-12 * sav, "%s: w_plus + w_minus = trace of the virial", L);

  /* forces = - gradient of the total energy (central differences) */
  {
    double *f0 = malloc(3 * n * sizeof *f0), *ep = malloc(n * sizeof *ep), frms = 0;
    memcpy(f0, s->f, 3 * n * sizeof *f0);
    for (size_t i = 0; i < 3 * n; i++) frms += f0[i] * f0[i];
    frms = sqrt(frms / (3 * n));
    const double h = 1e-6;
    int bad = 0, bad_tot = 0, m = 0;
    double worst = 0, worst_tot = 0;
    for (int q = 0; q < 12; q++) {
      size_t i = (size_t)q * n / 12 + (size_t)q % 3;
      for (int k = 0; k < 3; k++) {
        double x0 = s->x[3 * i + k], Ep, Em, dE = 0, sabs = 0;
        s->x[3 * i + k] = x0 + h;
        vt_system_invalidate(s);
        vt_system_compute(s, VT_ENERGY | VT_EATOM);
        Ep = s->energy;
        memcpy(ep, s->eatom, n * sizeof *ep);
        s->x[3 * i + k] = x0 - h;
        vt_system_invalidate(s);
        vt_system_compute(s, VT_ENERGY | VT_EATOM);
        Em = s->energy;
        for (size_t j = 0; j < n; j++) dE += ep[j] - s->eatom[j], sabs += fabs(s->eatom[j]);
        s->x[3 * i + k] = x0;
        double F = f0[3 * i + k], fd = -dE / (2 * h), fdt = -(Ep - Em) / (2 * h);
        double err = fabs(fd - F) / fmax(fabs(F), frms);
        /* round-off of a total of n terms of size ~sabs/n: a few ulps of sabs */
        double tol_tot = 1e-6 * fmax(fabs(F), frms) + 8 * 2.2e-16 * sabs / (2 * h);
        if (err > 1e-6 && !bad++) diag("  particle %zu comp %d: force %.17g, -dE/dx %.17g", i, k, F, fd);
        if (fabs(fdt - F) > tol_tot && !bad_tot++)
          diag("  particle %zu comp %d: force %.17g, -dE_total/dx %.17g (tol %.3g)", i, k, F, fdt, tol_tot);
        worst = fmax(worst, err);
        worst_tot = fmax(worst_tot, fabs(fdt - F) / fmax(fabs(F), frms));
        m++;
      }
    }
    vt_system_invalidate(s);
    ok(!bad, "%s: forces = -dE/dx by central differences, %d components (worst rel. %.2g; rms force %.3g)", L, m,
       worst, frms);
    ok(!bad_tot, "%s: same from the plain difference of total energies (worst rel. %.2g)", L, worst_tot);
    free(f0);
    free(ep);
  }

  /* invariance: threads, forced rebuilds, skin */
  {
    snap a = {.f = malloc(3 * n * sizeof(double))}, b = {.f = malloc(3 * n * sizeof(double))};
    double sc, d;
    snap_take(s, ALL, &a);
    long builds = s->nl->builds;
    vt_neighbor_invalidate(s);
    snap_take(s, ALL, &b);
    ok(s->nl->builds == builds + 1 && a.E == b.E && !memcmp(a.W, b.W, sizeof a.W) && !memcmp(a.f, b.f, 3 * n * sizeof(double)),
       "%s: bit-identical after a forced neighbor rebuild", L);
    vt_neighbor_invalidate(s);
    vt_system_compute(s, ALL);
    vt_neighbor_invalidate(s);
    snap_take(s, ALL, &b);
    ok(a.E == b.E && !memcmp(a.f, b.f, 3 * n * sizeof(double)), "%s: bit-identical after two more rebuilds", L);
#ifdef _OPENMP
    int nt0 = omp_get_max_threads();
    omp_set_num_threads(1);
    snap_take(s, ALL, &a);
    omp_set_num_threads(2);
    snap_take(s, ALL, &b);
    d = snap_diff(s, &a, &b, &sc);
    ok(d <= 1e-12 * sc, "%s: 1 and 2 threads agree to round-off (max diff %.3g, scale %.3g)", L, d, sc);
    snap c2 = {.f = malloc(3 * n * sizeof(double))};
    snap_take(s, ALL, &c2);
    ok(c2.E == b.E && !memcmp(c2.f, b.f, 3 * n * sizeof(double)), "%s: 2 threads reproducible bit for bit", L);
    free(c2.f);
    omp_set_num_threads(nt0);
#else
    ok(1, "%s: built without OpenMP, thread test not applicable", L);
#endif
    snap_take(s, ALL, &a);
    s->skin = 0.0;
    vt_neighbor_invalidate(s);
    snap_take(s, ALL, &b);
    d = snap_diff(s, &a, &b, &sc);
    ok(d <= 1e-12 * sc, "%s: skin 0 and 0.5 agree to round-off (max diff %.3g, scale %.3g)", L, d, sc);
    s->skin = skin;
    vt_neighbor_invalidate(s);
    free(a.f);
    free(b.f);
  }
  vt_system_free(s);
}

int main(void)
{
  static const double lam6[] = {1.0, 1.1, 1.2, 1.18, 1.3, 1.4};
  static const double ljeps[] = {1.0, 1.5, 0.5}, ljsig[] = {1.0, 0.8, 0.88}, ljcut[] = {2.5, 2.2, 2.0};
  const double s12 = 1.1 * (1 - 0.2 * 0.4);    /* nbc sigma_ij for 0.9, 1.3 */
  const double s_ipl = 1.15 * (1 - 0.2 * 0.7); /* nbc sigma_ij for 0.8, 1.5 */
  tcase cases[] = {
    {.model = "lj_smooth", .label = "lj_smooth (WAHNs, 1-2)", .npar = 0, .si = 1.0, .sj = 1.2, .ti = 1, .tj = 2,
     .rmin = 0.95, .cut_order = 2, .seam = {2.5 * 1.1}, .nseam = 1, .diam = 1,
     .nspecies = 2, .frac = {0.5, 0.5}, .dia = {1.0, 1.2}, .density = 0.75},
    {.model = "lj_smooth", .label = "lj_smooth (nbc smoothing, poly)", .par = {STR("smoothing", "nbc")}, .npar = 1,
     .si = 0.9, .sj = 1.3, .ti = 1, .tj = 1, .rmin = 0.95 * s12, .cut_order = 2, .nseam = 0, .diam = 1,
     .poly = 1, .density = 1.0},
    {.model = "lj_smooth", .label = "lj_smooth (lammps smoothing, nbc mixing, poly)",
     .par = {STR("mixing", "nbc"), NUM("inner", 2.2), NUM("outer", 2.6)}, .npar = 3,
     .si = 0.9, .sj = 1.3, .ti = 1, .tj = 1, .rmin = 0.95 * s12, .cut_order = 2, .seam = {2.2 * s12}, .nseam = 1,
     .diam = 1, .poly = 1, .density = 1.0},
    {.model = "pss", .label = "pss rc=1.1 (1-2)", .par = {NUM("rc", 1.1)}, .npar = 1, .si = 1, .sj = 1, .ti = 1, .tj = 2,
     .rmin = 0.95 * 1.18, .cut_order = 2, .seam = {XM * 1.18}, .nseam = 1,
     .nspecies = 2, .frac = {0.5, 0.5}, .dia = {1, 1}, .density = 0.6},
    {.model = "pss", .label = "pss rc=1.2 (2-2)", .par = {NUM("rc", 1.2)}, .npar = 1, .si = 1, .sj = 1, .ti = 2, .tj = 2,
     .rmin = 0.95 * 1.4, .cut_order = 2, .seam = {XM * 1.4}, .nseam = 1,
     .nspecies = 2, .frac = {0.5, 0.5}, .dia = {1, 1}, .density = 0.6},
    {.model = "pss", .label = "pss rc=1.3 (1-1)", .par = {NUM("rc", 1.3)}, .npar = 1, .si = 1, .sj = 1, .ti = 1, .tj = 1,
     .rmin = 0.95, .cut_order = 2, .seam = {XM}, .nseam = 1,
     .nspecies = 2, .frac = {0.5, 0.5}, .dia = {1, 1}, .density = 0.6},
    {.model = "pss", .label = "pss rc=1.5, 3 types (2-3)", .par = {NUM("rc", 1.5), VEC("lambda", lam6)}, .npar = 2,
     .si = 1, .sj = 1, .ti = 2, .tj = 3, .rmin = 0.95 * 1.3, .cut_order = 2, .seam = {XM * 1.3}, .nseam = 1,
     .nspecies = 2, .frac = {0.5, 0.5}, .dia = {1, 1}, .density = 0.6},
    {.model = "ipl", .label = "ipl (Lerner, 1-2)", .npar = 0, .si = 1, .sj = 1, .ti = 1, .tj = 2,
     .rmin = 0.85 * 1.18, .cut_order = 2, .nseam = 0, .nspecies = 2, .frac = {0.5, 0.5}, .dia = {1, 1}, .density = 0.82},
    {.model = "ipl", .label = "ipl (NBC soft spheres, poly)", .par = {STR("preset", "nbc")}, .npar = 1,
     .si = 0.8, .sj = 1.5, .ti = 1, .tj = 1, .rmin = 0.85 * s_ipl, .cut_order = 2, .nseam = 0, .diam = 1,
     .poly = 1, .density = 1.0},
    {.model = "ipl", .label = "ipl (n=9 odd, xc=1.6, q=4, additive)",
     .par = {NUM("n", 9), NUM("xc", 1.6), NUM("q", 4), STR("mixing", "additive")}, .npar = 4,
     .si = 0.8, .sj = 1.5, .ti = 1, .tj = 1, .rmin = 0.85 * 1.15, .cut_order = 2, .nseam = 0, .diam = 1,
     .poly = 1, .density = 1.0},
    {.model = "lj", .label = "lj (KA, A-B)", .par = {STR("preset", "ka")}, .npar = 1, .si = 1, .sj = 1, .ti = 1, .tj = 2,
     .rmin = 0.9 * 0.8, .cut_order = 0, .nseam = 0, .nspecies = 2, .frac = {0.8, 0.2}, .dia = {1, 1}, .density = 1.2},
    {.model = "lj", .label = "lj (KA shifted force, B-B)", .par = {STR("preset", "ka"), STR("shift", "force")}, .npar = 2,
     .si = 1, .sj = 1, .ti = 2, .tj = 2, .rmin = 0.9 * 0.88, .cut_order = 1, .nseam = 0,
     .nspecies = 2, .frac = {0.8, 0.2}, .dia = {1, 1}, .density = 1.2},
    {.model = "lj", .label = "lj (mBLJ, A-A WCA)", .par = {STR("preset", "mblj")}, .npar = 1, .si = 1, .sj = 1, .ti = 1, .tj = 1,
     .rmin = 0.9, .cut_order = 1, .nseam = 0, .nspecies = 2, .frac = {0.8, 0.2}, .dia = {1, 1}, .density = 1.2},
    {.model = "lj", .label = "lj (tables, 1-2)", .par = {VEC("epsilon", ljeps), VEC("sigma", ljsig), VEC("cutoff", ljcut)}, .npar = 3,
     .si = 1, .sj = 1, .ti = 1, .tj = 2, .rmin = 0.9 * 0.8, .cut_order = 0, .nseam = 0,
     .nspecies = 2, .frac = {0.5, 0.5}, .dia = {1, 1}, .density = 1.1},
    {.model = "hertz", .label = "hertz (alpha 5/2)", .npar = 0, .si = 1.0, .sj = 1.4, .ti = 1, .tj = 1,
     .rmin = 0.3, .cut_order = 2, .nseam = 0, .diam = 1, .nspecies = 2, .frac = {0.5, 0.5}, .dia = {1.0, 1.4}, .density = 1.0},
    {.model = "hertz", .label = "hertz (alpha 2, harmonic)", .par = {NUM("alpha", 2)}, .npar = 1, .si = 1.0, .sj = 1.4,
     .ti = 1, .tj = 1, .rmin = 0.3, .cut_order = 1, .nseam = 0, .diam = 1,
     .nspecies = 2, .frac = {0.5, 0.5}, .dia = {1.0, 1.4}, .density = 1.0},
    {.model = "hertz", .label = "hertz (alpha 3.7)", .par = {NUM("alpha", 3.7), NUM("epsilon", 3)}, .npar = 2,
     .si = 1.0, .sj = 1.4, .ti = 1, .tj = 1, .rmin = 0.3, .cut_order = 2, .nseam = 0, .diam = 1,
     .poly = 1, .density = 1.6},
  };
  const int ncase = (int)(sizeof cases / sizeof *cases);

  for (int m = 0; vt_potential_types[m]; m++) {
    const char *name = vt_potential_types[m]->name;
    if (vt_potential_types[m]->kind != VT_POTENTIAL_PAIRWISE) {
      /* these tests are of pair functions; many-body models have their own
       * (sw: t/potential_sw.c, t/elastic_sw.c, t/lua_sw.lua) */
      ok(vt_potential_types[m]->pair == NULL, "%s: many-body, no pair function (tested in its own files)", name);
      continue;
    }
    int found = 0;
    for (int k = 0; k < ncase; k++) {
      if (strcmp(cases[k].model, name)) continue;
      found = 1;
      vt_params in = {cases[k].npar, cases[k].par};
      vt_potential *p;
      int rc = vt_potential_create(name, &in, &p);
      if (!ok(rc == 0, "%s: created%s%s", cases[k].label, rc ? ": " : "", rc ? vt_errmsg() : "")) continue;
      diag("%s: %s", cases[k].label, p->desc);
      radial_tests(p, &cases[k]);
      system_tests(p, &cases[k]);
      vt_potential_unref(p);
    }
    if (!found) {
      /* a model without a representative case here: defaults, single type,
       * unit diameters; no seam or smoothness claims (add a case above). */
      diag("%s: no representative case in this file; generic checks with default parameters", name);
      vt_potential *p;
      int crc = vt_potential_create(name, NULL, &p);
      if (!ok(crc == 0, "%s: created with defaults%s%s", name, crc ? ": " : "", crc ? vt_errmsg() : "")) continue;
      double rc = vt_potential_cutoff(p, 1, 1, 1, 1);
      tcase g = {.model = name, .label = name, .si = 1, .sj = 1, .ti = 1, .tj = 1, .rmin = 0.45 * rc,
                 .cut_order = -1, .diam = vt_potential_types[m]->dsigma != NULL, .nspecies = 1, .frac = {1},
                 .dia = {1}, .density = sqrt(2.0) * pow(1.6 / rc, 3)};
      radial_tests(p, &g);
      system_tests(p, &g);
      vt_potential_unref(p);
    }
  }
  return done_testing();
}
