/* Least squares, Spearman, ranks and the bootstrap on GSL (see stats.h). */
#include "analysis/stats.h"
#include "core/error.h"
#include <gsl/gsl_fit.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static int check_finite(const double *x, size_t n, const char *what)
{
  for (size_t i = 0; i < n; i++)
    if (!isfinite(x[i])) return vt_error(VT_ENONFINITE, "%s: entry %zu is not finite", what, i + 1);
  return 0;
}

int vt_fit_linear_w(const double *x, const double *y, const double *w, size_t n, int origin, vt_linear_fit *f)
{
  int rc;
  size_t npar = origin ? 1 : 2;
  memset(f, 0, sizeof *f);
  if (n < npar) return vt_error(VT_EINVAL, "linear fit needs at least %zu points, got %zu", npar, n);
  if ((rc = check_finite(x, n, "linear fit x")) || (rc = check_finite(y, n, "linear fit y"))) return rc;
  if (w) {
    size_t pos = 0;
    if ((rc = check_finite(w, n, "linear fit weights"))) return rc;
    for (size_t i = 0; i < n; i++) {
      if (w[i] < 0) return vt_error(VT_EINVAL, "linear fit: weight %zu is negative (%g)", i + 1, w[i]);
      pos += w[i] > 0;
    }
    if (pos < npar) return vt_error(VT_EINVAL, "linear fit needs at least %zu positive weights, got %zu", npar, pos);
  }
  if (origin) {
    double sxx = 0;
    for (size_t i = 0; i < n; i++) sxx += (w ? w[i] : 1.0) * x[i] * x[i];
    if (!(sxx > 0)) return vt_error(VT_EINVAL, "linear fit through the origin: every x (with positive weight) is 0");
  } else {
    /* the x of positive weight must not all be equal */
    double lo = INFINITY, hi = -INFINITY;
    for (size_t i = 0; i < n; i++)
      if (!w || w[i] > 0) { lo = fmin(lo, x[i]); hi = fmax(hi, x[i]); }
    if (!(hi > lo)) return vt_error(VT_EINVAL, "linear fit: all x values (with positive weight) are equal (%g)", lo);
  }
  if (origin) {
    if (w) gsl_fit_wmul(x, 1, w, 1, y, 1, n, &f->slope, &f->cov11, &f->chisq);
    else gsl_fit_mul(x, 1, y, 1, n, &f->slope, &f->cov11, &f->sumsq);
  } else {
    if (w) gsl_fit_wlinear(x, 1, w, 1, y, 1, n, &f->intercept, &f->slope, &f->cov00, &f->cov01, &f->cov11, &f->chisq);
    else gsl_fit_linear(x, 1, y, 1, n, &f->intercept, &f->slope, &f->cov00, &f->cov01, &f->cov11, &f->sumsq);
  }
  /* residuals, totals about the (weighted) mean */
  double sw = 0, swy = 0;
  for (size_t i = 0; i < n; i++) { double wi = w ? w[i] : 1.0; sw += wi; swy += wi * y[i]; }
  double my = swy / sw, tss = 0, ss = 0, chi = 0;
  for (size_t i = 0; i < n; i++) {
    double wi = w ? w[i] : 1.0, e = y[i] - (f->intercept + f->slope * x[i]);
    ss += e * e;
    chi += wi * e * e;
    tss += wi * (y[i] - my) * (y[i] - my);
  }
  f->sumsq = ss;
  f->chisq = chi;
  f->r2 = tss > 0 ? 1.0 - chi / tss : 1.0;
  f->dof = n - npar;
  if (!w && f->dof == 0) f->cov00 = f->cov01 = f->cov11 = NAN;   /* exact line: no error estimate */
  if (!isfinite(f->slope) || !isfinite(f->intercept))
    return vt_error(VT_ENONFINITE, "linear fit: the result is not finite (slope %g, intercept %g)", f->slope, f->intercept);
  return 0;
}

int vt_fit_linear(const double *x, const double *y, size_t n, vt_linear_fit *f)
{
  return vt_fit_linear_w(x, y, NULL, n, 0, f);
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
  if (!isfinite(*rho)) return vt_error(VT_EINVAL, "Spearman correlation undefined: one of the samples is constant");
  return 0;
}

/* average ranks (1-based) of the m values v[idx[k]] into rank[idx[k]] */
static void rank_group(const double *v, size_t *idx, size_t m, size_t *perm, double *tmp, double *rank)
{
  for (size_t k = 0; k < m; k++) tmp[k] = v[idx[k]];
  gsl_sort_index(perm, tmp, 1, m);
  for (size_t k = 0; k < m;) {
    size_t e = k + 1;
    while (e < m && tmp[perm[e]] == tmp[perm[k]]) e++;
    double r = 0.5 * (double)(k + 1 + e);             /* mean of ranks k+1 .. e */
    for (size_t q = k; q < e; q++) rank[idx[perm[q]]] = r;
    k = e;
  }
}

int vt_stats_ranks(const double *x, const int *type, size_t n, double *rank)
{
  int rc;
  if (n < 1) return vt_error(VT_EINVAL, "ranks of an empty sample");
  if ((rc = check_finite(x, n, "ranks"))) return rc;
  size_t *idx = malloc(n * sizeof *idx), *perm = malloc(n * sizeof *perm);
  double *tmp = malloc(n * sizeof *tmp);
  if (!idx || !perm || !tmp) { free(idx); free(perm); free(tmp); return vt_error(VT_ENOMEM, "out of memory"); }
  if (!type) {
    for (size_t i = 0; i < n; i++) idx[i] = i;
    rank_group(x, idx, n, perm, tmp, rank);
  } else {
    int tmax = 0;
    for (size_t i = 0; i < n; i++) {
      if (type[i] < 1) { free(idx); free(perm); free(tmp); return vt_error(VT_EINVAL, "ranks: type of entry %zu is %d (types start at 1)", i + 1, type[i]); }
      if (type[i] > tmax) tmax = type[i];
    }
    for (int t = 1; t <= tmax; t++) {
      size_t m = 0;
      for (size_t i = 0; i < n; i++) if (type[i] == t) idx[m++] = i;
      if (m) rank_group(x, idx, m, perm, tmp, rank);
    }
  }
  free(idx); free(perm); free(tmp);
  return 0;
}

/* the built-in statistics */
static int st_mean(const double *x, const double *y, size_t n, double *work, void *arg, double *v)
{
  (void)y; (void)work; (void)arg;
  *v = gsl_stats_mean(x, 1, n);
  return 0;
}
static int st_median(const double *x, const double *y, size_t n, double *work, void *arg, double *v)
{
  (void)y; (void)arg;
  memcpy(work, x, n * sizeof *work);
  gsl_sort(work, 1, n);
  *v = gsl_stats_median_from_sorted_data(work, 1, n);
  return 0;
}
static int st_var(const double *x, const double *y, size_t n, double *work, void *arg, double *v)
{
  (void)y; (void)work; (void)arg;
  if (n < 2) return vt_error(VT_EINVAL, "variance needs at least 2 values");
  *v = gsl_stats_variance(x, 1, n);
  return 0;
}
static int st_std(const double *x, const double *y, size_t n, double *work, void *arg, double *v)
{
  int rc = st_var(x, y, n, work, arg, v);
  *v = sqrt(*v);
  return rc;
}
static int st_pearson(const double *x, const double *y, size_t n, double *work, void *arg, double *v)
{
  (void)work; (void)arg;
  *v = gsl_stats_correlation(x, 1, y, 1, n);
  return 0;
}
static int st_spearman(const double *x, const double *y, size_t n, double *work, void *arg, double *v)
{
  (void)arg;
  *v = gsl_stats_spearman(x, 1, y, 1, n, work);
  return 0;
}

vt_statistic_fn vt_statistic_find(const char *name, int *paired)
{
  static const struct { const char *name; vt_statistic_fn fn; int paired; } known[] = {
      {"mean", st_mean, 0}, {"median", st_median, 0}, {"std", st_std, 0}, {"var", st_var, 0},
      {"pearson", st_pearson, 1}, {"spearman", st_spearman, 1}};
  for (size_t k = 0; k < sizeof known / sizeof known[0]; k++)
    if (strcmp(name, known[k].name) == 0) {
      if (paired) *paired = known[k].paired;
      return known[k].fn;
    }
  return NULL;
}

int vt_stats_bootstrap(const double *x, const double *y, size_t n, vt_statistic_fn f, void *arg,
                       size_t nboot, double level, unsigned long seed, vt_bootstrap_result *out)
{
  int rc;
  memset(out, 0, sizeof *out);
  if (n < 1) return vt_error(VT_EINVAL, "bootstrap of an empty sample");
  if (nboot < 10) return vt_error(VT_EINVAL, "bootstrap needs at least 10 resamples, got %zu", nboot);
  if (!(level > 0 && level < 1)) return vt_error(VT_EINVAL, "bootstrap level %g must be in (0, 1)", level);
  if ((rc = check_finite(x, n, "bootstrap x")) || (y && (rc = check_finite(y, n, "bootstrap y")))) return rc;
  size_t nb = y ? 2 * n : n;
  double *rep = malloc(nboot * sizeof *rep), *buf = malloc(nb * sizeof *buf), *work = malloc(2 * n * sizeof *work);
  gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
  if (!rep || !buf || !work || !r) { rc = vt_error(VT_ENOMEM, "out of memory"); goto done; }
  gsl_rng_set(r, seed);
  if ((rc = f(x, y, n, work, arg, &out->estimate))) goto done;
  if (!isfinite(out->estimate)) { rc = vt_error(VT_ENONFINITE, "bootstrap: the statistic of the sample is not finite"); goto done; }
  double *bx = buf, *by = y ? buf + n : NULL;
  for (size_t b = 0; b < nboot; b++) {
    if (vt_interrupted()) { rc = vt_error(VT_EINTR, "bootstrap interrupted at resample %zu", b + 1); goto done; }
    for (size_t i = 0; i < n; i++) {
      size_t k = gsl_rng_uniform_int(r, n);
      bx[i] = x[k];
      if (by) by[i] = y[k];
    }
    if ((rc = f(bx, by, n, work, arg, &rep[b]))) goto done;
    if (!isfinite(rep[b])) {
      rc = vt_error(VT_ENONFINITE, "bootstrap: the statistic of resample %zu is not finite (%g)%s", b + 1, rep[b],
                    y ? "; a resample of few pairs can be constant" : "");
      goto done;
    }
  }
  out->se = nboot > 1 ? gsl_stats_sd(rep, 1, nboot) : 0;
  out->bias = gsl_stats_mean(rep, 1, nboot) - out->estimate;
  gsl_sort(rep, 1, nboot);
  out->lo = gsl_stats_quantile_from_sorted_data(rep, 1, nboot, 0.5 * (1 - level));
  out->hi = gsl_stats_quantile_from_sorted_data(rep, 1, nboot, 0.5 * (1 + level));
  rc = 0;
done:
  free(rep); free(buf); free(work);
  if (r) gsl_rng_free(r);
  return rc;
}

int vt_stats_bootstrap_mean(const double *x, size_t n, size_t nboot, double level, unsigned long seed,
                            double *mean, double *lo, double *hi)
{
  vt_bootstrap_result b;
  int rc = vt_stats_bootstrap(x, NULL, n, st_mean, NULL, nboot, level, seed, &b);
  if (rc) return rc;
  *mean = b.estimate;
  *lo = b.lo;
  *hi = b.hi;
  return 0;
}
