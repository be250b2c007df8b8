/* Small statistics used by the protocols: least-squares lines, plain or
 * weighted, with or without intercept (T_g from U(T) branches, the
 * mesoelastic fit, D from the MSD), Spearman rank correlation and ranks
 * (local kappa vs mobility, per species), seeded bootstrap confidence
 * intervals of any statistic. GSL does the numerics. */
#ifndef VT_STATS_H
#define VT_STATS_H
#include <stddef.h>

typedef struct vt_linear_fit {
  double intercept, slope;          /* y = intercept + slope x (intercept 0 for a fit through the origin) */
  double cov00, cov01, cov11;       /* covariance of (intercept, slope); 0 for the intercept through the origin */
  double sumsq;                     /* residual sum of squares, sum (y - fit)^2 */
  double chisq;                     /* sum w (y - fit)^2 (= sumsq unweighted) */
  double r2;                        /* coefficient of determination (weighted when weights are given) */
  size_t dof;                       /* n - parameters */
} vt_linear_fit;

/* Least squares y = a + b x (origin = 0) or y = b x (origin = 1).
 * Without weights (w = NULL) the covariance is scaled by the residual
 * variance sumsq / dof (GSL gsl_fit_linear / gsl_fit_mul), so the errors
 * estimate the scatter of the data; it needs dof >= 1 for errors (with
 * dof = 0 the line is exact and the covariance is NaN: the caller reports
 * that the errors are undefined). With weights w_i = 1 / sigma_i^2 (finite,
 * >= 0, at least two positive) the covariance follows from the given
 * sigmas alone (gsl_fit_wlinear / gsl_fit_wmul): multiply it by
 * chisq / dof to rescale by the observed scatter instead. */
int vt_fit_linear_w(const double *x, const double *y, const double *w, size_t n, int origin, vt_linear_fit *out);
int vt_fit_linear(const double *x, const double *y, size_t n, vt_linear_fit *out);

/* Spearman's rank correlation; ties get their average rank (GSL). */
int vt_stats_spearman(const double *a, const double *b, size_t n, double *rho);
/* Ranks 1..m of x among the m values of its group, ties averaged; with
 * type != NULL the groups are the types (rank within species), otherwise
 * all n values are one group. rank has n entries. */
int vt_stats_ranks(const double *x, const int *type, size_t n, double *rank);

/* A statistic of the sample x (and of y, paired with x, or NULL): writes
 * *value and returns 0 or a negative VT_E* code. work holds 2n doubles of
 * scratch; arg is the caller's. */
typedef int (*vt_statistic_fn)(const double *x, const double *y, size_t n, double *work, void *arg, double *value);
/* Built-in statistics by name: "mean", "median", "std" (n - 1), "var",
 * "pearson" and "spearman" (the last two paired: *paired = 1). NULL when unknown. */
vt_statistic_fn vt_statistic_find(const char *name, int *paired);

typedef struct vt_bootstrap_result {
  double estimate;    /* the statistic of the sample itself */
  double lo, hi;      /* percentile interval: the (1 -+ level)/2 quantiles of the replicates */
  double se;          /* standard deviation of the replicates */
  double bias;        /* mean of the replicates - estimate */
} vt_bootstrap_result;

/* Percentile bootstrap: nboot resamples of n indices drawn with replacement
 * (one index for x and y together when y is paired) from a seeded
 * generator (mt19937); the interval at `level` (e.g. 0.9). Equal seeds give
 * equal results. A replicate that is not finite is an error naming it. */
int vt_stats_bootstrap(const double *x, const double *y, size_t n, vt_statistic_fn f, void *arg,
                       size_t nboot, double level, unsigned long seed, vt_bootstrap_result *out);
/* The same for the mean (kept for existing callers). */
int vt_stats_bootstrap_mean(const double *x, size_t n, size_t nboot, double level, unsigned long seed,
                            double *mean, double *lo, double *hi);

#endif
