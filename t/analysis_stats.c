/* Statistics (src/analysis/stats.c):
 *  - the 90% percentile bootstrap interval of the mean of n = 50 normal
 *    values covers the true mean in 1000 seeded trials at 0.9 within 0.035
 *    (binomial sd 0.0095; the percentile interval's deficit at n = 50 from
 *    using the n-normalised spread and normal quantiles is about 0.01); the
 *    median's interval of n = 101 exponential values likewise within 0.05;
 *  - equal seeds give equal intervals, the mean wrapper equals the generic
 *    bootstrap, a paired statistic resamples pairs together;
 *  - Spearman of a monotone map is 1 (-1 decreasing), with ties it equals
 *    Pearson of the average ranks; ranks within species;
 *  - least squares: 2000 seeded noisy lines; the fitted slope and intercept
 *    average to the true ones within 4 standard errors and their scatter
 *    matches the reported errors within 6% (plain, weighted with
 *    heteroscedastic sigmas, and through the origin); exact lines exactly;
 *  - bad input is refused. */
#include "tap.h"
#include "vitrum.h"
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_statistics_double.h>
#include <stdlib.h>

static void test_bootstrap(void)
{
  gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
  gsl_rng_set(r, 11);
  enum { TRIALS = 1000, N = 50 };
  double x[101];
  vt_statistic_fn mean = vt_statistic_find("mean", NULL), median = vt_statistic_find("median", NULL);
  int cover = 0, ok_all = 1;
  for (int t = 0; t < TRIALS; t++) {
    for (int i = 0; i < N; i++) x[i] = 3.0 + gsl_ran_gaussian(r, 2.0);
    vt_bootstrap_result b;
    if (vt_stats_bootstrap(x, NULL, N, mean, NULL, 1000, 0.9, 100 + t, &b)) { ok_all = 0; break; }
    cover += b.lo <= 3.0 && 3.0 <= b.hi;
  }
  ok(ok_all, "bootstrap ran %d trials", TRIALS);
  is_close(cover / (double)TRIALS, 0.9, 0.035, "90%% interval of the mean (n = 50, normal) covers the mean in %d of %d trials", cover, TRIALS);
  cover = 0;
  for (int t = 0; t < TRIALS; t++) {
    for (int i = 0; i < 101; i++) x[i] = gsl_ran_exponential(r, 1.0);
    vt_bootstrap_result b;
    if (vt_stats_bootstrap(x, NULL, 101, median, NULL, 500, 0.9, 5000 + t, &b)) break;
    cover += b.lo <= M_LN2 && M_LN2 <= b.hi;
  }
  is_close(cover / (double)TRIALS, 0.9, 0.05, "90%% interval of the median (n = 101, exponential) covers ln 2 in %d of %d trials", cover, TRIALS);

  for (int i = 0; i < N; i++) x[i] = gsl_ran_gaussian(r, 1.0);
  vt_bootstrap_result a, b, c;
  vt_stats_bootstrap(x, NULL, N, mean, NULL, 2000, 0.9, 42, &a);
  vt_stats_bootstrap(x, NULL, N, mean, NULL, 2000, 0.9, 42, &b);
  vt_stats_bootstrap(x, NULL, N, mean, NULL, 2000, 0.9, 43, &c);
  ok(a.lo == b.lo && a.hi == b.hi && a.se == b.se, "equal seeds, equal intervals");
  ok(a.lo != c.lo, "another seed, another interval");
  is_close(a.estimate, gsl_stats_mean(x, 1, N), 1e-15, "estimate = the sample's statistic");
  is_rel(a.se, gsl_stats_sd(x, 1, N) / sqrt(N), 0.1, 0, "se of the mean ~ s / sqrt(n)");
  double m, lo, hi;
  vt_stats_bootstrap_mean(x, N, 2000, 0.9, 42, &m, &lo, &hi);
  ok(m == a.estimate && lo == a.lo && hi == a.hi, "vt_stats_bootstrap_mean = generic bootstrap of the mean");

  /* paired: y = 2 x + small noise -> pearson near 1 in every resample */
  double y[50];
  for (int i = 0; i < N; i++) y[i] = 2 * x[i] + 0.01 * gsl_ran_gaussian(r, 1.0);
  int paired;
  vt_statistic_fn pear = vt_statistic_find("pearson", &paired);
  ok(pear && paired, "pearson is paired");
  int prc = vt_stats_bootstrap(x, y, N, pear, NULL, 500, 0.9, 1, &a);
  ok(prc == 0 && a.lo > 0.999, "paired resampling keeps pairs together (lo %.6f)", a.lo);
  ok(vt_statistic_find("mode", NULL) == NULL, "unknown statistic: NULL");
  double c1[20];
  for (int i = 0; i < 20; i++) c1[i] = i < 19 ? 1.0 : 2.0;
  ok(vt_stats_bootstrap(c1, c1, 20, pear, NULL, 200, 0.9, 1, &a) == VT_ENONFINITE, "a constant resample is reported: %s", vt_errmsg());
  ok(vt_stats_bootstrap(x, NULL, 0, mean, NULL, 100, 0.9, 1, &a) == VT_EINVAL, "empty sample refused");
  ok(vt_stats_bootstrap(x, NULL, N, mean, NULL, 100, 1.0, 1, &a) == VT_EINVAL, "level 1 refused");
  gsl_rng_free(r);
}

static void test_ranks(void)
{
  double a[8], b[8], rho;
  for (int i = 0; i < 8; i++) { a[i] = (i * 5) % 8 - 2.5; b[i] = exp(a[i]) + a[i] * a[i] * a[i]; }
  int src = vt_stats_spearman(a, b, 8, &rho);
  ok(src == 0 && rho == 1.0, "Spearman of a monotone map is 1 (%.17g)", rho);
  for (int i = 0; i < 8; i++) b[i] = -a[i] * a[i] * a[i];
  src = vt_stats_spearman(a, b, 8, &rho);
  ok(src == 0 && rho == -1.0, "decreasing map: -1 (%.17g)", rho);
  double t1[] = {1, 2, 2, 3, 5, 5, 5, 0}, t2[] = {3, 1, 4, 1, 5, 9, 2, 6};
  double r1[8], r2[8];
  vt_stats_ranks(t1, NULL, 8, r1);
  vt_stats_ranks(t2, NULL, 8, r2);
  double want1[] = {2, 3.5, 3.5, 5, 7, 7, 7, 1};
  int same = 1;
  for (int i = 0; i < 8; i++) same &= r1[i] == want1[i];
  ok(same, "ranks with ties averaged");
  vt_stats_spearman(t1, t2, 8, &rho);
  is_close(rho, gsl_stats_correlation(r1, 1, r2, 1, 8), 1e-14, "Spearman with ties = Pearson of the average ranks");
  int type[] = {1, 2, 1, 2, 1, 2, 1, 2};
  double x[] = {0.5, 9, 0.1, 7, 0.3, 8, 0.3, 1}, rk[8], wantk[] = {4, 4, 1, 2, 2.5, 3, 2.5, 1};
  ok(vt_stats_ranks(x, type, 8, rk) == 0, "ranks within species");
  same = 1;
  for (int i = 0; i < 8; i++) same &= rk[i] == wantk[i];
  ok(same, "per-species ranks run 1..N_a in each species");
  double cst[] = {1, 1, 1};
  ok(vt_stats_spearman(cst, a, 3, &rho) == VT_EINVAL, "constant sample refused: %s", vt_errmsg());
  int badt[] = {1, 0, 1};
  ok(vt_stats_ranks(x, badt, 3, rk) == VT_EINVAL, "type 0 refused");
}

/* scatter of fitted parameters over seeded noisy lines vs the reported errors */
static void fit_mc(const char *what, int weighted, int origin)
{
  enum { TRIALS = 2000, N = 20 };
  gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
  gsl_rng_set(r, 5 + weighted + 2 * origin);
  double a = origin ? 0 : 1.5, b = 0.7, x[N], y[N], w[N], sig[N];
  static double sl[TRIALS], ic[TRIALS];
  double err_b = 0, err_a = 0, chi = 0;
  for (int i = 0; i < N; i++) {
    x[i] = 0.5 * i - 3;
    sig[i] = weighted ? 0.1 + 0.05 * i : 0.3;
    w[i] = 1 / (sig[i] * sig[i]);
  }
  for (int t = 0; t < TRIALS; t++) {
    for (int i = 0; i < N; i++) y[i] = a + b * x[i] + gsl_ran_gaussian(r, sig[i]);
    vt_linear_fit f;
    vt_fit_linear_w(x, y, weighted ? w : NULL, N, origin, &f);
    sl[t] = f.slope;
    ic[t] = f.intercept;
    err_b += sqrt(f.cov11) / TRIALS;
    err_a += sqrt(f.cov00) / TRIALS;
    chi += f.chisq / f.dof / TRIALS;
  }
  double mb = gsl_stats_mean(sl, 1, TRIALS), sb = gsl_stats_sd(sl, 1, TRIALS);
  is_close(mb, b, 4 * sb / sqrt(TRIALS), "%s: mean slope %.5f recovers %.2f", what, mb, b);
  is_rel(sb, err_b, 0.06, 0, "%s: scatter of the slope %.5f matches the reported error %.5f", what, sb, err_b);
  if (!origin) {
    double ma = gsl_stats_mean(ic, 1, TRIALS), sa = gsl_stats_sd(ic, 1, TRIALS);
    is_close(ma, a, 4 * sa / sqrt(TRIALS), "%s: mean intercept %.5f recovers %.2f", what, ma, a);
    is_rel(sa, err_a, 0.06, 0, "%s: scatter of the intercept %.5f matches the reported error %.5f", what, sa, err_a);
  }
  if (weighted) is_close(chi, 1.0, 0.03, "%s: chisq / dof averages to 1 (%.4f)", what, chi);
  gsl_rng_free(r);
}

static void test_fits(void)
{
  fit_mc("plain", 0, 0);
  fit_mc("weighted", 1, 0);
  fit_mc("origin", 0, 1);
  fit_mc("weighted origin", 1, 1);
  double x[] = {1, 2, 3, 4}, y[] = {3, 5, 7, 9}, w[] = {1, 2, 0, 4};
  vt_linear_fit f;
  ok(vt_fit_linear_w(x, y, w, 4, 0, &f) == 0 && fabs(f.slope - 2) < 1e-14 && fabs(f.intercept - 1) < 1e-14 && f.r2 == 1.0,
     "an exact line is fitted exactly (with a zero weight)");
  ok(vt_fit_linear(x, y, 2, &f) == 0 && isnan(f.cov11) && f.dof == 0, "two points: exact line, errors undefined (NaN)");
  ok(vt_fit_linear(x, y, 1, &f) == VT_EINVAL, "one point refused: %s", vt_errmsg());
  double xs[] = {2, 2, 2};
  ok(vt_fit_linear(xs, y, 3, &f) == VT_EINVAL, "equal x refused: %s", vt_errmsg());
  double wn[] = {1, -1, 1, 1};
  ok(vt_fit_linear_w(x, y, wn, 4, 0, &f) == VT_EINVAL, "negative weight refused: %s", vt_errmsg());
  double w1[] = {0, 0, 0, 1};
  ok(vt_fit_linear_w(x, y, w1, 4, 0, &f) == VT_EINVAL, "one positive weight refused: %s", vt_errmsg());
  double x0[] = {0, 0};
  ok(vt_fit_linear_w(x0, y, NULL, 2, 1, &f) == VT_EINVAL, "origin fit with x = 0 refused: %s", vt_errmsg());
  double yn[] = {1, NAN, 3, 4};
  ok(vt_fit_linear(x, yn, 4, &f) == VT_ENONFINITE, "NaN refused: %s", vt_errmsg());
}

int main(void)
{
  test_bootstrap();
  test_ranks();
  test_fits();
  return done_testing();
}
