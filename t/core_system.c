/* Core system: creation (species counts, diameter law, lattice, seeds),
 * minimum image and unwrapping, thermalization, deep copy, validation, and
 * the neighbor list against an O(N^2) reference (with and without skin,
 * across rebuilds, 1 and 2 threads, small-box refusal). */
#include "tap.h"
#include "core_util.h"
#include "vitrum.h"
#include <stdlib.h>
#include <string.h>
#ifdef _OPENMP
#include <omp.h>
#endif

static vt_potential *ljs(void)
{
  vt_potential *p;
  return vt_potential_create("lj_smooth", NULL, &p) ? NULL : p;
}

/* brute-force energy, forces and virial trace with minimum image */
static void brute(const vt_system *s, double *E, double *f, double *wtr)
{
  *E = 0; *wtr = 0;
  memset(f, 0, 3 * s->n * sizeof *f);
  for (size_t i = 0; i < s->n; i++)
    for (size_t j = i + 1; j < s->n; j++) {
      double d[3] = {s->x[3 * i] - s->x[3 * j], s->x[3 * i + 1] - s->x[3 * j + 1], s->x[3 * i + 2] - s->x[3 * j + 2]};
      vt_minimum_image(s->box, d);
      double r = sqrt(d[0] * d[0] + d[1] * d[1] + d[2] * d[2]), u, du;
      vt_potential_pair(s->pot, r, s->sigma[i], s->sigma[j], s->type[i], s->type[j], &u, &du, NULL);
      *E += u;
      for (int k = 0; k < 3; k++) { f[3 * i + k] -= du * d[k] / r; f[3 * j + k] += du * d[k] / r; }
      *wtr -= du * r;
    }
}

int main(void)
{
  /* creation */
  vt_system *s = wahns(1000, VT_INIT_LATTICE, 3);
  ok(s != NULL, "WAHNs system of 1000 created");
  size_t c1 = 0;
  for (size_t i = 0; i < s->n; i++) c1 += s->type[i] == 1;
  ok(c1 == 500, "50:50 species split exactly (%zu of type 1)", c1);
  is_close(s->n / vt_system_volume(s), 0.75, 1e-12, "density 0.75");
  int okm = 1, okx = 1;
  for (size_t i = 0; i < s->n; i++) {
    okm &= fabs(s->mass[i] - pow(s->sigma[i], 3)) < 1e-15 && (s->type[i] == 1 ? s->sigma[i] == 1.0 : s->sigma[i] == 1.2);
    for (int k = 0; k < 3; k++) okx &= s->x[3 * i + k] >= 0 && s->x[3 * i + k] < s->box[k];
  }
  ok(okm, "diameters by species, masses sigma^3");
  ok(okx, "positions inside the box");
  double dmin = 1e9;
  for (size_t i = 0; i < s->n; i++)
    for (size_t j = i + 1; j < s->n; j++) {
      double d[3] = {s->x[3 * i] - s->x[3 * j], s->x[3 * i + 1] - s->x[3 * j + 1], s->x[3 * i + 2] - s->x[3 * j + 2]};
      vt_minimum_image(s->box, d);
      dmin = fmin(dmin, sqrt(d[0] * d[0] + d[1] * d[1] + d[2] * d[2]));
    }
  ok(dmin > 0.9, "lattice placement has no overlaps (closest pair %.4g)", dmin);

  vt_system *s2 = wahns(1000, VT_INIT_LATTICE, 3), *s3 = wahns(1000, VT_INIT_LATTICE, 4);
  ok(memcmp(s->type, s2->type, s->n * sizeof(int)) == 0 && memcmp(s->x, s2->x, 3 * s->n * sizeof(double)) == 0,
     "same seed, same system");
  ok(memcmp(s->type, s3->type, s->n * sizeof(int)) != 0, "different seed, different species order");
  vt_system_free(s2);
  vt_system_free(s3);

  /* continuous diameter law: p(sigma) ~ sigma^-3 on [0.7253, 1.6095] has mean ~1 */
  vt_system_spec sp = {.n = 20000, .density = 1.0, .diameter_law = VT_DIAM_POWER, .exponent = -3,
                       .dmin = 0.7253, .dmax = 1.6095, .mass_rule = VT_MASS_EQUAL, .init = VT_INIT_RANDOM, .seed = 1};
  vt_system *pd;
  ok(vt_system_create(&sp, &pd) == 0, "power-law polydisperse system created");
  double mean = 0, lo = 1e9, hi = 0;
  for (size_t i = 0; i < pd->n; i++) { mean += pd->sigma[i] / pd->n; lo = fmin(lo, pd->sigma[i]); hi = fmax(hi, pd->sigma[i]); }
  is_close(mean, 1.0, 0.01, "mean diameter of the NBC distribution is 1 (sampled, 20000)");
  ok(lo >= 0.7253 && hi <= 1.6095, "diameters within [min, max]");
  vt_system_free(pd);
  sp.dmin = 2; sp.dmax = 1;
  ok(vt_system_create(&sp, &pd) == VT_EINVAL && strstr(vt_errmsg(), "min") != NULL, "min > max refused: %s", vt_errmsg());
  vt_system_spec bad = {.n = 10, .density = -1, .nspecies = 1};
  bad.species[0] = (vt_species){1, 1, 0};
  ok(vt_system_create(&bad, &pd) == VT_EINVAL, "negative density refused: %s", vt_errmsg());

  /* minimum image and unwrapping */
  double box[3] = {10, 10, 10}, d[3] = {9.0, -6.0, 4.9};
  vt_minimum_image(box, d);
  ok(d[0] == -1.0 && d[1] == 4.0 && d[2] == 4.9, "minimum image");
  vt_system *w;
  vt_system_alloc(2, box, &w);
  double xs[6] = {12.5, -0.5, 3.0, 25.0, 5.0, -20.0};
  vt_system_set_positions(w, xs);
  ok(w->x[0] == 2.5 && w->image[0] == 1 && w->x[1] == 9.5 && w->image[1] == -1, "wrapping records image counts");
  double un[6];
  vt_system_unwrapped(w, un);
  ok(maxdiff(un, xs, 6) < 1e-12, "unwrapped coordinates restored");
  double nanx[6] = {1, 2, NAN, 1, 1, 1};
  ok(vt_system_set_positions(w, nanx) == VT_ENONFINITE && strstr(vt_errmsg(), "particle 1") != NULL,
     "NaN position refused: %s", vt_errmsg());
  double negs[2] = {1.0, -1.0};
  ok(vt_system_set_diameters(w, negs) == VT_EINVAL && strstr(vt_errmsg(), "particle 2"), "negative diameter refused: %s", vt_errmsg());
  vt_system_free(w);

  /* thermalize */
  ok(vt_system_thermalize(s, 0.7, 5) == 0, "thermalize");
  is_close(vt_system_temperature(s), 0.7, 1e-12, "temperature exactly T (3N-3 dof)");
  double p[3] = {0, 0, 0};
  for (size_t i = 0; i < s->n; i++) for (int k = 0; k < 3; k++) p[k] += s->mass[i] * s->v[3 * i + k];
  ok(fabs(p[0]) + fabs(p[1]) + fabs(p[2]) < 1e-10, "zero total momentum");

  /* neighbor list against brute force: melt the lattice a little first */
  vt_potential *pot = ljs();
  vt_system_set_potential(s, pot);
  for (size_t i = 0; i < 3 * s->n; i++) s->x[i] += 0.1 * sin(0.37 * i * i);
  vt_system_invalidate(s);
  double *fb = malloc(3 * s->n * sizeof *fb), Eb, wb;
  for (int th = 1; th <= 2; th++) {
#ifdef _OPENMP
    omp_set_num_threads(th);
#endif
    for (int pass = 0; pass < 3; pass++) {
      /* pass 0: fresh list; 1: moved less than skin/2 (no rebuild); 2: moved more (rebuild) */
      if (pass > 0) {
        double amp = pass == 1 ? 0.05 : 0.12;
        for (size_t i = 0; i < 3 * s->n; i++) s->x[i] += amp * cos(1.3 * i + pass);
        vt_system_invalidate(s);
      }
      long builds = s->nl ? s->nl->builds : 0;
      ok(vt_system_compute(s, VT_ENERGY | VT_VIRIAL) == 0, "compute (threads %d, pass %d)", th, pass);
      brute(s, &Eb, fb, &wb);
      is_rel(s->energy, Eb, 1e-12, 1e-12, "energy equals brute force (threads %d, pass %d)", th, pass);
      double fscale = fmax(1.0, maxabs(fb, 3 * s->n));
      ok(maxdiff(s->f, fb, 3 * s->n) < 1e-12 * fscale, "forces equal brute force to 1e-12 of the largest (threads %d, pass %d, worst %.2g of %.2g)",
         th, pass, maxdiff(s->f, fb, 3 * s->n), fscale);
      is_rel(s->virial[0] + s->virial[1] + s->virial[2], wb, 1e-12, 1e-10, "virial equals brute force (threads %d, pass %d)", th, pass);
      if (pass == 1) ok(s->nl->builds == builds, "small moves reuse the list");
      if (pass == 2) ok(s->nl->builds == builds + 1, "large moves rebuild the list");
    }
  }
  /* skin 0 gives the same forces */
  double *f1 = malloc(3 * s->n * sizeof *f1), E1 = s->energy;
  memcpy(f1, s->f, 3 * s->n * sizeof *f1);
  s->skin = 0.0;
  vt_system_invalidate(s);
  vt_system_compute(s, VT_ENERGY);
  /* relative to the largest force (forces reach 1e9 here, after the large
   * moves above): the two lists sum each particle's pairs in different
   * orders, so only round-off agreement is asked, as against brute force */
  {
    double fs0 = fmax(1.0, maxabs(f1, 3 * s->n));
    ok(fabs(s->energy - E1) < 1e-12 * fmax(1.0, fabs(E1)) && maxdiff(s->f, f1, 3 * s->n) < 1e-12 * fs0,
       "skin 0 gives the same energy and forces to round-off (energy %.3g of %.3g, forces %.2g of %.2g)",
       fabs(s->energy - E1), fabs(E1), maxdiff(s->f, f1, 3 * s->n), fs0);
  }
  /* deterministic for a given thread count */
  vt_system *c;
  vt_system_copy(s, &c);
  vt_system_invalidate(c);
  vt_system_compute(c, VT_ENERGY);
  ok(c->energy == s->energy && memcmp(c->f, s->f, 3 * s->n * sizeof(double)) == 0, "copy recomputes bit-identically");
  ok(c->pot == s->pot && c->pot->refcount >= 2, "copy shares the potential by reference");
  vt_system_free(c);
  /* diameters change -> the list notices the new cutoffs */
  for (size_t i = 0; i < s->n; i++) s->sigma[i] *= 1.1;
  vt_system_diameters_changed(s);
  vt_system_compute(s, VT_ENERGY);
  brute(s, &Eb, fb, &wb);
  is_rel(s->energy, Eb, 1e-12, 1e-12, "after resizing every particle the list follows");

  /* a box under 2 (cutoff + skin) but over 2 cutoffs: a thinner skin, same forces */
  {
    vt_system *tight = wahns(500, VT_INIT_LATTICE, 2);
    vt_system_set_potential(tight, pot);
    for (size_t i = 0; i < 3 * tight->n; i++) tight->x[i] += 0.1 * sin(0.37 * i * i);
    vt_system_invalidate(tight);
    tight->skin = 1.2;  /* 2 (3.3 + 1.2) = 9 > L = 8.74 > 6.6 */
    int trc = vt_system_compute(tight, VT_ENERGY);
    ok(trc == 0, "tight box accepted with a thinner skin (%s)", trc ? vt_errmsg() : "ok");
    ok(tight->nl && tight->nl->skin < 1.2 && 2 * (3.3 + tight->nl->skin) < tight->box[0],
       "skin in use %.4g keeps 2 (rc + skin) inside the box", tight->nl ? tight->nl->skin : -1.0);
    double *ft = malloc(3 * tight->n * sizeof *ft), Et, wt;
    brute(tight, &Et, ft, &wt);
    is_rel(tight->energy, Et, 1e-12, 1e-12, "tight box: energy equals brute force");
    ok(maxdiff(tight->f, ft, 3 * tight->n) < 1e-12 * fmax(1.0, maxabs(ft, 3 * tight->n)), "tight box: forces equal brute force");
    free(ft);
    vt_system_free(tight);
  }

  /* small box refused */
  vt_system *tiny = wahns(100, VT_INIT_LATTICE, 1);
  int rc = vt_system_set_potential(tiny, pot);
  ok(rc == VT_ERANGE && strstr(vt_errmsg(), "not longer than twice the largest cutoff") && tiny->pot == NULL,
     "box under two cutoffs refused when the potential is attached: %s", vt_errmsg());
  rc = vt_system_compute(tiny, VT_ENERGY);
  ok(rc != 0, "and nothing is computed without it");
  vt_system_free(tiny);
  vt_system *nopot = wahns(500, VT_INIT_LATTICE, 1);
  ok(vt_system_compute(nopot, VT_ENERGY) == VT_EINVAL && strstr(vt_errmsg(), "no potential"), "no potential: %s", vt_errmsg());
  vt_system_free(nopot);

  /* the kinetic energy (four lanes, threads above 8192 particles) is the
   * sum of the per-particle parts, for 1 and 2 threads and sizes around
   * the lanes' and the threads' boundaries */
  {
    static const size_t sizes[] = {2, 6, 10, 502, 8194, 20006};   /* lane remainders 2, 2, 2, 2; thread blocks 4097, 10003 */
    int bad = 0;
    double worst = 0;
    for (size_t k = 0; k < sizeof sizes / sizeof *sizes; k++) {
      vt_system *v = wahns(sizes[k], VT_INIT_RANDOM, 5);
      if (!v) { bad++; continue; }
      vt_system_thermalize(v, 0.7, 11);
      long double ref = 0;
      for (size_t i = 0; i < v->n; i++)
        ref += 0.5L * v->mass[i] * ((long double)v->v[3 * i] * v->v[3 * i] + (long double)v->v[3 * i + 1] * v->v[3 * i + 1] +
                                    (long double)v->v[3 * i + 2] * v->v[3 * i + 2]);
#ifdef _OPENMP
      for (int th = 1; th <= 2; th++) {
        omp_set_num_threads(th);
#else
      {
#endif
        const double ke = vt_system_kinetic_energy(v);
        const double rel = fabs((double)(ke - ref)) / (double)ref;
        if (rel > worst) worst = rel;
        bad += !(rel < 1e-13);
      }
      vt_system_free(v);
    }
    ok(bad == 0, "kinetic energy = sum of 1/2 m v^2 (1 and 2 threads, 6 sizes; worst rel. %.2g)", worst);
  }

  free(fb); free(f1);
  vt_potential_unref(pot);
  vt_system_free(s);
  return done_testing();
}
