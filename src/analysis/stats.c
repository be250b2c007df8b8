/* Least squares, Spearman and bootstrap on GSL (see stats.h). */
#include "analysis/stats.h"
#include "core/error.h"
#include <gsl/gsl_fit.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>
#include <math.h>
#include <stdlib.h>

static int check_finite(const double *x, size_t n, const char *what)
{
  for (size_t i = 0; i < n; i++)
    if (!isfinite(x[i])) return vt_error(VT_ENONFINITE, "%s: entry %zu is not finite", what, i + 1);
  return 0;
}

int vt_fit_linear(const double *x, const double *y, size_t n, vt_linear_fit *f)
{
  int rc;
  if (n < 2) return vt_error(VT_EINVAL, "linear fit needs at least 2 points, got %zu", n);
  if ((rc = check_finite(x, n, "linear fit x")) || (rc = check_finite(y, n, "linear fit y"))) return rc;
  double xmin = gsl_stats_min(x, 1, n), xmax = gsl_stats_max(x, 1, n);
  if (!(xmax > xmin)) return vt_error(VT_EINVAL, "linear fit: all x values are equal (%g)", xmin);
  gsl_fit_linear(x, 1, y, 1, n, &f->intercept, &f->slope, &f->cov00, &f->cov01, &f->cov11, &f->sumsq);
  double my = gsl_stats_mean(y, 1, n), tss = 0;
  for (size_t i = 0; i < n; i++) tss += (y[i] - my) * (y[i] - my);
  f->r2 = tss > 0 ? 1.0 - f->sumsq / tss : 1.0;
  return 0;
}

int vt_stats_spearman(const double *a, const double *b, size_t n, double *rho)
{
  int rc;
  if (n < 2) return vt_error(VT_EINVAL, "Spearman correlation needs at least 2 pairs, got %zu", n);
  if ((rc = check_finite(a, n, "spearman a")) || (rc = check_finite(b, n, "spearman b"))) return rc;
  double *work = malloc(2 * n * sizeof *work);
  if (!work) return vt_error(VT_ENOMEM, "out of memory");
  *rho = gsl_stats_spearman(a, 1, b, 1, n, work);
  free(work);
  return 0;
}

int vt_stats_bootstrap_mean(const double *x, size_t n, size_t nboot, double level, unsigned long seed,
                            double *mean, double *lo, double *hi)
{
  int rc;
  if (n < 1) return vt_error(VT_EINVAL, "bootstrap of an empty sample");
  if (nboot < 10) return vt_error(VT_EINVAL, "bootstrap needs at least 10 resamples, got %zu", nboot);
  if (!(level > 0 && level < 1)) return vt_error(VT_EINVAL, "bootstrap level %g must be in (0, 1)", level);
  if ((rc = check_finite(x, n, "bootstrap"))) return rc;
  double *m = malloc(nboot * sizeof *m);
  gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
  if (!m || !r) { free(m); if (r) gsl_rng_free(r); return vt_error(VT_ENOMEM, "out of memory"); }
  gsl_rng_set(r, seed);
  for (size_t b = 0; b < nboot; b++) {
    double s = 0;
    for (size_t i = 0; i < n; i++) s += x[gsl_rng_uniform_int(r, n)];
    m[b] = s / n;
  }
  gsl_sort(m, 1, nboot);
  *mean = gsl_stats_mean(x, 1, n);
  *lo = gsl_stats_quantile_from_sorted_data(m, 1, nboot, 0.5 * (1 - level));
  *hi = gsl_stats_quantile_from_sorted_data(m, 1, nboot, 0.5 * (1 + level));
  free(m);
  gsl_rng_free(r);
  return 0;
}
