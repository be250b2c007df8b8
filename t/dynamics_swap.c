/* Swap Monte Carlo (dynamics/swap_mc.h, core/cells.h): the cell energies
 * against the neighbor-list forces code, the running energy after 10^5
 * moves against a fresh sum, swaps of equal diameters, detailed balance
 * over diameter permutations by enumeration (chi-square), the equilibrium
 * energy of swap MC, plain MC and NVT MD at a high temperature, the
 * velocity rule of a swap, bit-identical restart, and refusals. */
#define _GNU_SOURCE
#include "tap.h"
#include "vitrum.h"
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static vt_potential *model(const char *name, const vt_param *p, size_t np)
{
  vt_params in = {np, p};
  vt_potential *pot = NULL;
  if (vt_potential_create(name, &in, &pot)) return NULL;
  return pot;
}

/* Polydisperse p(sigma) ~ sigma^-3 on [0.7253, 1.6095] (MODELS.md 7). */
static vt_system *poly(size_t n, double density, int mass_rule, vt_potential *pot, unsigned long seed)
{
  vt_system_spec sp = {.n = n, .density = density, .diameter_law = VT_DIAM_POWER, .exponent = -3.0, .dmin = 0.7253,
                       .dmax = 1.6095, .mass_rule = mass_rule, .init = VT_INIT_LATTICE, .seed = seed};
  vt_system *s = NULL;
  if (vt_system_create(&sp, &s)) return NULL;
  vt_system_set_potential(s, pot);
  return s;
}

static vt_swap_mc *mc_new(vt_system *s, double T, double fswap, unsigned long seed)
{
  vt_swap_mc_params p;
  vt_swap_mc_params_default(&p);
  p.T = T;
  p.swap_fraction = fswap;
  p.seed = seed;
  vt_swap_mc *mc = NULL;
  if (vt_swap_mc_alloc(s, &p, &mc)) diag("alloc: %s", vt_errmsg());
  return mc;
}

static double full_energy(vt_system *s)
{
  vt_system_invalidate(s);
  if (vt_system_compute(s, VT_ENERGY)) return NAN;
  return s->energy;
}

/* Mean and standard error of x[0..n) from 10 blocks. */
static void block_stats(const double *x, size_t n, double *mean, double *err)
{
  enum { NB = 10 };
  size_t len = n / NB;
  double bm[NB], m = 0;
  for (int b = 0; b < NB; b++) {
    bm[b] = 0;
    for (size_t k = 0; k < len; k++) bm[b] += x[b * len + k];
    bm[b] /= len;
    m += bm[b] / NB;
  }
  double v = 0;
  for (int b = 0; b < NB; b++) v += (bm[b] - m) * (bm[b] - m);
  *mean = m;
  *err = sqrt(v / (NB - 1) / NB);
}

/* ---- detailed balance over permutations ---- */

enum { NP = 5, NPERM = 120 };

static void perm_nth(int k, int *perm)   /* k-th permutation of 0..4 (factorial number system) */
{
  int avail[NP] = {0, 1, 2, 3, 4}, m = NP;
  for (int q = 0; q < NP; q++) {
    int f = 1;
    for (int t = 2; t < m; t++) f *= t;
    int idx = k / f;
    k %= f;
    perm[q] = avail[idx];
    for (int t = idx; t < m - 1; t++) avail[t] = avail[t + 1];
    m--;
  }
}

static void detailed_balance(void)
{
  vt_param pp[] = {{.key = "preset", .kind = VT_PARAM_STRING, .str = "nbc"}};
  vt_potential *pot = model("ipl", pp, 1);
  double box[3] = {5.0, 5.0, 5.0};
  vt_system *s = NULL;
  vt_system_alloc(NP, box, &s);
  vt_system_set_potential(s, pot);
  vt_potential_unref(pot);
  /* a compact cluster: every pair within the cutoff for most assignments */
  const double x[3 * NP] = {1.0, 1.0, 1.0, 2.1, 1.1, 1.0, 1.4, 2.05, 1.1, 1.5, 1.4, 2.0, 2.3, 2.2, 1.9};
  const double diam[NP] = {0.75, 0.9, 1.05, 1.2, 1.4};
  vt_system_set_positions(s, x);
  vt_system_set_diameters(s, diam);
  /* exact distribution from the forces code (an independent sum) */
  double E[NPERM], emin = INFINITY, emax = -INFINITY;
  int code_of[3125];
  for (int k = 0; k < NPERM; k++) {
    int pm[NP];
    perm_nth(k, pm);
    double sg[NP];
    int code = 0;
    for (int q = 0; q < NP; q++) { sg[q] = diam[pm[q]]; code = code * 5 + pm[q]; }
    code_of[code] = k;
    vt_system_set_diameters(s, sg);
    E[k] = full_energy(s);
    emin = fmin(emin, E[k]);
    emax = fmax(emax, E[k]);
  }
  vt_system_set_diameters(s, diam);
  double T = (emax - emin) / 4.0;
  diag("detailed balance: 5 particles, 120 permutations, energies %.4g .. %.4g, T = %.4g", emin, emax, T);
  double w[NPERM], Z = 0;
  for (int k = 0; k < NPERM; k++) Z += (w[k] = exp(-(E[k] - emin) / T));
  vt_swap_mc *mc = mc_new(s, T, 1.0, 2024);
  long count[NPERM] = {0}, samples = 40000;
  int okrun = 1;
  for (long t = 0; t < samples && okrun; t++) {
    vt_swap_mc_run_opts o = {.sweeps = 10};   /* 50 attempted swaps between samples */
    if (vt_swap_mc_run(mc, &o)) okrun = 0;
    int code = 0;
    for (int q = 0; q < NP; q++) {
      int r = 0;
      while (r < NP && diam[r] != s->sigma[q]) r++;
      code = code * 5 + r;
    }
    count[code_of[code]]++;
  }
  ok(okrun, "runs succeed");
  double chi2 = 0, chi2_wrong = 0, Zw = 0, ww[NPERM], emin_exp = INFINITY;
  for (int k = 0; k < NPERM; k++) Zw += (ww[k] = exp(-(E[k] - emin) / (1.25 * T)));
  for (int k = 0; k < NPERM; k++) {
    double e = samples * w[k] / Z, ew = samples * ww[k] / Zw;
    emin_exp = fmin(emin_exp, e);
    chi2 += (count[k] - e) * (count[k] - e) / e;
    chi2_wrong += (count[k] - ew) * (count[k] - ew) / ew;
  }
  double p = gsl_cdf_chisq_Q(chi2, NPERM - 1), pw = gsl_cdf_chisq_Q(chi2_wrong, NPERM - 1);
  diag("chi2 = %.1f (119 dof), p = %.3g; smallest expected count %.1f", chi2, p, emin_exp);
  ok(emin_exp >= 5, "every expected count is at least 5 (chi-square applies)");
  ok(p > 0.001, "permutation histogram matches exp(-U/T) (chi-square, 0.1%% significance, seed 2024): p = %.3g", p);
  ok(pw < 1e-6, "and rejects the distribution at 1.25 T (the test can fail): p = %.3g", pw);
  vt_swap_mc_free(mc);
  vt_system_free(s);
}

int main(void)
{
  char dir[] = "/tmp/vt_dynamics_swapXXXXXX";
  if (!mkdtemp(dir)) skip_all("cannot create a temporary directory");

  /* the VHG appendix model family: lj_smooth with NBC mixing on sigma^-3 */
  vt_param lp[] = {{.key = "mixing", .kind = VT_PARAM_STRING, .str = "nbc"}};
  vt_potential *lj = model("lj_smooth", lp, 1);
  ok(lj != NULL, "lj_smooth (nbc mixing) built");
  vt_system *s = poly(1000, 1.0, VT_MASS_VOLUME, lj, 3);
  ok(s != NULL, "polydisperse system of 1000");

  /* cells: per-particle energies = 2 x eatom, total = forces code's total */
  {
    double rc = vt_potential_max_cutoff(lj, s);
    vt_cells *c = NULL;
    ok(vt_cells_build(s, rc, &c) == 0, "cells built (rc %.3f, box %.3f)", rc, s->box[0]);
    vt_system_compute(s, VT_ENERGY | VT_EATOM);
    double worst = 0;
    for (size_t i = 0; i < s->n; i++) {
      double e = vt_cells_energy(c, s, i, &s->x[3 * i], s->sigma[i], s->type[i], (size_t)-1);
      worst = fmax(worst, fabs(e - 2 * s->eatom[i]) / fmax(1.0, fabs(e)));
    }
    ok(worst < 1e-12, "single-particle energy = twice the per-atom energy of the forces code (worst rel %.2g)", worst);
    is_rel(vt_cells_total_energy(c, s), s->energy, 1e-12, 1e-12, "cell total = forces-code total");
    vt_cells_free(c);
  }

  /* running energy after 10^5 moves */
  {
    vt_swap_mc *eq = mc_new(s, 0.8, 0.2, 11);
    vt_swap_mc_run_opts o = {.sweeps = 60, .adapt = 1};
    ok(vt_swap_mc_run(eq, &o) == 0 && o.done == 60, "equilibration run (adapting delta -> %.3f)", eq->delta);
    vt_swap_mc_free(eq);
    vt_swap_mc *mc = mc_new(s, 0.8, 0.3, 12);
    vt_swap_mc_run_opts p = {.sweeps = 100};
    ok(vt_swap_mc_run(mc, &p) == 0, "10^5 moves");
    long moves = mc->disp_tried + mc->swap_tried;
    double fresh = full_energy(s);
    diag("moves %ld: displacements %ld/%ld accepted, swaps %ld/%ld", moves, mc->disp_accepted, mc->disp_tried,
         mc->swap_accepted, mc->swap_tried);
    ok(moves == 100000, "a sweep is N moves");
    ok(mc->swap_accepted > 100 && mc->disp_accepted > 1000, "both kinds of move are accepted");
    is_rel(mc->energy, fresh, 1e-11, 0, "running energy = fresh sum after 1e5 moves (%.12g vs %.12g)", mc->energy, fresh);
    int vol = 1;
    for (size_t i = 0; i < s->n; i++) vol &= s->mass[i] == s->sigma[i] * s->sigma[i] * s->sigma[i];
    ok(vol, "masses followed the diameters (m = sigma^3)");
    vt_swap_mc_free(mc);
  }

  /* velocities under a swap: each kinetic energy kept */
  {
    vt_system_thermalize(s, 0.8, 4);
    double ke0 = vt_system_kinetic_energy(s);
    double *kei = malloc(s->n * sizeof *kei);
    for (size_t i = 0; i < s->n; i++)
      kei[i] = 0.5 * s->mass[i] * (s->v[3 * i] * s->v[3 * i] + s->v[3 * i + 1] * s->v[3 * i + 1] + s->v[3 * i + 2] * s->v[3 * i + 2]);
    vt_swap_mc *mc = mc_new(s, 0.8, 1.0, 5);
    vt_swap_mc_run_opts o = {.sweeps = 5};
    vt_swap_mc_run(mc, &o);
    double worst = 0;
    for (size_t i = 0; i < s->n; i++) {
      double k = 0.5 * s->mass[i] * (s->v[3 * i] * s->v[3 * i] + s->v[3 * i + 1] * s->v[3 * i + 1] + s->v[3 * i + 2] * s->v[3 * i + 2]);
      worst = fmax(worst, fabs(k - kei[i]) / kei[i]);
    }
    ok(mc->swap_accepted > 50, "swaps accepted (%ld)", mc->swap_accepted);
    ok(worst < 1e-13, "every particle keeps its kinetic energy through swaps (worst rel %.2g)", worst);
    is_rel(vt_system_kinetic_energy(s), ke0, 1e-12, 0, "kinetic energy (temperature) unchanged");
    free(kei);
    vt_swap_mc_free(mc);
  }

  /* bit-identical restart: 30 sweeps straight vs 15 + checkpoint + restore + 15 */
  {
    char f[600];
    snprintf(f, sizeof f, "%s/swap.vtc", dir);
    vt_system *a = NULL;
    vt_system_copy(s, &a);
    vt_swap_mc *ma = mc_new(a, 0.6, 0.25, 77);
    vt_swap_mc_run_opts o1 = {.sweeps = 15, .adapt = 1};
    vt_swap_mc_run(ma, &o1);
    ok(vt_swap_mc_checkpoint(ma, f) == 0, "checkpoint at sweep 15");
    vt_swap_mc_run_opts o2 = {.sweeps = 15, .adapt = 1};
    vt_swap_mc_run(ma, &o2);
    vt_swap_mc *mb = NULL;
    vt_system *b = NULL;
    ok(vt_swap_mc_restore(f, &mb, &b) == 0, "restore");
    ok(mb && mb->sweeps == 15, "restored at sweep 15");
    vt_swap_mc_run_opts o3 = {.sweeps = 15, .adapt = 1};
    vt_swap_mc_run(mb, &o3);
    int same = memcmp(a->x, b->x, 3 * a->n * sizeof(double)) == 0 &&
               memcmp(a->sigma, b->sigma, a->n * sizeof(double)) == 0 &&
               memcmp(a->v, b->v, 3 * a->n * sizeof(double)) == 0 &&
               memcmp(a->image, b->image, 3 * a->n * sizeof(int)) == 0;
    ok(same, "positions, images, diameters, velocities bit-identical after the restart");
    ok(ma->energy == mb->energy && ma->delta == mb->delta && ma->disp_accepted == mb->disp_accepted &&
           ma->swap_accepted == mb->swap_accepted && ma->disp_tried == mb->disp_tried,
       "running energy, step size and counters identical");
    /* one 30-sweep run equals 15 + 15 */
    vt_system *c = NULL;
    vt_system_copy(s, &c);
    vt_swap_mc *mcc = mc_new(c, 0.6, 0.25, 77);
    vt_swap_mc_run_opts o4 = {.sweeps = 30, .adapt = 1};
    vt_swap_mc_run(mcc, &o4);
    ok(memcmp(a->x, c->x, 3 * a->n * sizeof(double)) == 0 && mcc->energy == ma->energy,
       "one 30-sweep run = two 15-sweep runs (the chain continues across runs)");
    vt_swap_mc_free(mcc);
    vt_system_free(c);
    vt_swap_mc_free(ma);
    vt_swap_mc_free(mb);
    vt_system_free(a);
    vt_system_free(b);
    unlink(f);
    vt_swap_mc *mx = NULL;
    vt_system *sx = NULL;
    ok(vt_swap_mc_restore("/nonexistent/x.vtc", &mx, &sx) < 0 && !mx && !sx, "missing checkpoint: error, nothing returned");
  }
  vt_system_free(s);

  /* equal diameters: always accepted, energy unchanged */
  {
    vt_system_spec sp = {.n = 500, .density = 0.75, .nspecies = 2, .mass_rule = VT_MASS_VOLUME, .init = VT_INIT_LATTICE, .seed = 9};
    sp.species[0] = (vt_species){0.5, 1.0, 0};
    sp.species[1] = (vt_species){0.5, 1.2, 0};
    vt_system *bs = NULL;
    vt_system_create(&sp, &bs);
    vt_param wp[] = {{.key = "inner", .kind = VT_PARAM_NUMBER, .num = 2.5}};
    vt_potential *w = model("lj_smooth", wp, 1);
    vt_system_set_potential(bs, w);
    vt_potential_unref(w);
    vt_swap_mc *mc = mc_new(bs, 0.05, 0.0, 3);
    vt_swap_mc_run_opts o = {.sweeps = 20};
    vt_swap_mc_run(mc, &o);    /* leave the lattice */
    double e0 = mc->energy;
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    int all = 1, tried = 0;
    for (int t = 0; t < 2000; t++) {
      size_t i = gsl_rng_uniform_int(r, bs->n), j = gsl_rng_uniform_int(r, bs->n);
      if (i == j || bs->sigma[i] != bs->sigma[j]) continue;
      int acc = 0;
      if (vt_swap_mc_swap(mc, i, j, &acc) || !acc) all = 0;
      tried++;
    }
    ok(all && tried > 500, "swaps between equal diameters: %d of %d accepted at T = 0.05", all ? tried : -1, tried);
    ok(mc->energy == e0, "and the energy is unchanged exactly");
    int acc = 1;
    ok(vt_swap_mc_swap(mc, 3, 3, &acc) == VT_EINVAL, "swap of a particle with itself refused: %s", vt_errmsg());
    gsl_rng_free(r);
    vt_swap_mc_free(mc);
    vt_system_free(bs);
  }

  detailed_balance();

  /* equilibrium <U>/N at a high temperature: swap MC, plain MC, NVT MD
   * (minutes on a shared machine: VT_LONG_TESTS=1) */
  const char *lt = getenv("VT_LONG_TESTS");
  if (!(lt && atoi(lt) > 0)) {
    diag("skipping the swap MC / plain MC / NVT MD energy comparison (set VT_LONG_TESTS=1)");
  } else {
    vt_param ip[] = {{.key = "preset", .kind = VT_PARAM_STRING, .str = "nbc"}};
    vt_potential *ss = model("ipl", ip, 1);
    double T = 1.0;
    double res[3][2];
    const char *what[3] = {"swap MC", "plain MC", "NVT MD"};
    for (int m = 0; m < 3; m++) {
      vt_system *q = poly(256, 1.0, VT_MASS_EQUAL, ss, 21);   /* the same diameters for all three */
      size_t ns = 2000;
      double *u = malloc(ns * sizeof *u);
      if (m < 2) {
        vt_swap_mc *mc = mc_new(q, T, m == 0 ? 0.2 : 0.0, 31 + m);
        vt_swap_mc_run_opts o = {.sweeps = 300, .adapt = 1};
        vt_swap_mc_run(mc, &o);
        for (size_t k = 0; k < ns; k++) {
          vt_swap_mc_run_opts p = {.sweeps = 2};
          vt_swap_mc_run(mc, &p);
          u[k] = mc->energy / q->n;
        }
        vt_swap_mc_free(mc);
      } else {
        vt_md *md = NULL;
        vt_system_thermalize(q, T, 41);
        vt_md_alloc(q, vt_integrator_nose_hoover, NULL, 0.005, T, &md);
        vt_md_run_opts o = {.steps = 3000};
        vt_md_run(md, &o);
        for (size_t k = 0; k < ns; k++) {
          vt_md_run_opts p = {.steps = 10};
          vt_md_run(md, &p);
          u[k] = full_energy(q) / q->n;
        }
        vt_md_free(md);
      }
      block_stats(u, ns, &res[m][0], &res[m][1]);
      diag("%s: <U>/N = %.5f +- %.5f", what[m], res[m][0], res[m][1]);
      free(u);
      vt_system_free(q);
    }
    for (int m = 1; m < 3; m++) {
      double d = fabs(res[0][0] - res[m][0]), e = sqrt(res[0][1] * res[0][1] + res[m][1] * res[m][1]);
      ok(d < 4 * e, "<U>/N at T = %.1f: swap MC agrees with %s (|diff| %.5f < 4 x %.5f)", T, what[m], d, e);
    }
    ok(res[0][1] < 0.01 && res[1][1] < 0.01 && res[2][1] < 0.01, "the errors are small enough to mean something");
    vt_potential_unref(ss);
  }

  /* refusals */
  {
    /* a box too small for the potential is refused where the potential is
     * attached; one that becomes too small when the diameters grow, by
     * the run */
    vt_system *e = poly(300, 1.0, VT_MASS_EQUAL, lj, 1);
    ok(e && e->pot == NULL && strstr(vt_errmsg(), "twice the largest cutoff"),
       "N = 300: the potential is refused at attachment: %s", vt_errmsg());
    vt_system_free(e);
    e = poly(1500, 1.0, VT_MASS_EQUAL, lj, 1);
    vt_swap_mc *mc = mc_new(e, 1.0, 0.2, 1);
    for (size_t i = 0; i < e->n; i++) e->sigma[i] *= 1.5;
    vt_system_diameters_changed(e);
    vt_swap_mc_run_opts o = {.sweeps = 1};
    int rc = mc ? vt_swap_mc_run(mc, &o) : -1;
    ok(rc == VT_ERANGE && strstr(vt_errmsg(), "half the box"),
       "diameters grown past the box: the run refuses (box shorter than twice the largest cutoff): %s", vt_errmsg());
    vt_swap_mc_params p;
    vt_swap_mc_params_default(&p);
    p.T = -1;
    vt_swap_mc *bad = NULL;
    ok(vt_swap_mc_alloc(e, &p, &bad) == VT_EINVAL && !bad, "T < 0 refused: %s", vt_errmsg());
    p.T = 1;
    p.swap_fraction = 1.5;
    ok(vt_swap_mc_alloc(e, &p, &bad) == VT_EINVAL, "swap_fraction > 1 refused: %s", vt_errmsg());
    vt_swap_mc_free(mc);
    vt_system_free(e);
  }
  vt_potential_unref(lj);
  rmdir(dir);
  return done_testing();
}
