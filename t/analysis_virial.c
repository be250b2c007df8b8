/* Per-particle virial: sums match totals, dP2_i/dsigma_i matches a finite
 * difference in sigma_i at fixed positions (additive and NBC mixing), and
 * one thread agrees with two. */
#include "tap.h"
#include "vitrum.h"
#include <stdlib.h>
#ifdef _OPENMP
#include <omp.h>
#endif

static vt_system *glass(const char *mixing)
{
  vt_system_spec sp = {.n = 500, .density = 0.75, .nspecies = 2, .mass_rule = VT_MASS_VOLUME,
                       .init = VT_INIT_LATTICE, .seed = 7};
  sp.species[0] = (vt_species){0.5, 1.0, 0};
  sp.species[1] = (vt_species){0.5, 1.2, 0};
  vt_system *s;
  if (vt_system_create(&sp, &s)) return NULL;
  /* perturb the lattice so every pair distance is generic */
  for (size_t i = 0; i < 3 * s->n; i++) s->x[i] += 0.15 * sin(1.7 * i + 0.3);
  /* and make the diameters continuously polydisperse */
  for (size_t i = 0; i < s->n; i++) s->sigma[i] *= 1.0 + 0.05 * cos(2.3 * i);
  vt_system_diameters_changed(s);
  vt_param ps[1] = {{.key = "mixing", .kind = VT_PARAM_STRING, .str = mixing}};
  vt_params in = {1, ps};
  vt_potential *p;
  if (vt_potential_create("lj_smooth", &in, &p)) { vt_system_free(s); return NULL; }
  vt_system_set_potential(s, p);
  vt_potential_unref(p);
  return s;
}

static void check(const char *mixing)
{
  vt_system *s = glass(mixing);
  ok(s != NULL, "%s: system built", mixing);
  if (!s) return;
  size_t n = s->n;
  double *p2 = malloc(n * sizeof *p2), *dp = malloc(n * sizeof *dp), *st = malloc(6 * n * sizeof *st);
  int rc = vt_virial_p2(s, p2);
  if (!rc) rc = vt_virial_dp2_dsigma(s, dp);
  if (!rc) rc = vt_virial_stress(s, 0, st);
  if (!ok(rc == 0, "%s: P2, dP2/dsigma and stress computed", mixing)) diag("%s", vt_errmsg());
  double V = vt_system_volume(s), mean = 0, W[6] = {0};
  for (size_t i = 0; i < n; i++) {
    mean += p2[i] / n;
    for (int k = 0; k < 6; k++) W[k] += st[6 * i + k];
  }
  double pex = (s->virial[0] + s->virial[1] + s->virial[2]) / (3 * V);
  is_rel(mean, pex, 1e-12, 1e-12, "%s: mean P2 equals the excess pressure", mixing);
  for (int k = 0; k < 6; k++) is_rel(W[k], s->virial[k], 1e-12, 1e-10, "%s: sum of per-particle virials, component %d", mixing, k);

  /* finite differences in sigma_i of P2_i, at fixed positions */
  double worst = 0;
  int checked = 0;
  double *p2p = malloc(n * sizeof *p2p), *p2m = malloc(n * sizeof *p2m);
  for (size_t i = 0; i < n; i += 9) {
    double h = 1e-6, s0 = s->sigma[i];
    s->sigma[i] = s0 + h; vt_system_diameters_changed(s); vt_virial_p2(s, p2p);
    s->sigma[i] = s0 - h; vt_system_diameters_changed(s); vt_virial_p2(s, p2m);
    s->sigma[i] = s0; vt_system_diameters_changed(s);
    double fd = (p2p[i] - p2m[i]) / (2 * h);
    double err = fabs(fd - dp[i]) / fmax(1.0, fabs(fd));
    if (err > worst) worst = err;
    checked++;
  }
  ok(worst < 1e-6, "%s: dP2_i/dsigma_i matches central differences on %d particles (worst rel %.2g)", mixing, checked, worst);
#ifdef _OPENMP
  {
    /* the threaded sum (blocks of the pair list, added in order) against one thread */
    double *d1 = malloc(n * sizeof *d1), *d2 = malloc(n * sizeof *d2), dev = 0, big = 0;
    const int nt = omp_get_max_threads();
    omp_set_num_threads(1);
    int rc1 = vt_virial_dp2_dsigma(s, d1);
    omp_set_num_threads(2);
    int rc2 = vt_virial_dp2_dsigma(s, d2);
    omp_set_num_threads(nt);
    for (size_t i = 0; i < n; i++) {
      dev = fmax(dev, fabs(d1[i] - d2[i]));
      big = fmax(big, fabs(d1[i]));
    }
    ok(rc1 == 0 && rc2 == 0 && dev <= 1e-13 * big, "%s: dP2/dsigma, 1 and 2 threads agree (%.2g of %.3g)", mixing, dev, big);
    free(d1); free(d2);
  }
#endif
  free(p2); free(dp); free(st); free(p2p); free(p2m);
  vt_system_free(s);
}

int main(void)
{
  check("additive");
  check("nbc");
  return done_testing();
}
