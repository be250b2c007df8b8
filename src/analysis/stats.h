/* Small statistics used by the protocols: least-squares lines (T_g from
 * U(T) branches, the mesoelastic fit), Spearman rank correlation (local
 * kappa vs mobility), bootstrap confidence intervals of a mean. GSL does the
 * numerics. */
#ifndef VT_STATS_H
#define VT_STATS_H
#include <stddef.h>

typedef struct vt_linear_fit {
  double intercept, slope;          /* y = intercept + slope x */
  double cov00, cov01, cov11;       /* covariance of (intercept, slope) */
  double sumsq;                     /* residual sum of squares */
  double r2;                        /* coefficient of determination */
} vt_linear_fit;

int vt_fit_linear(const double *x, const double *y, size_t n, vt_linear_fit *out);
int vt_stats_spearman(const double *a, const double *b, size_t n, double *rho);
/* Percentile bootstrap of the mean: `level` (e.g. 0.9) two-sided interval
 * from `nboot` resamples with a seeded generator. */
int vt_stats_bootstrap_mean(const double *x, size_t n, size_t nboot, double level, unsigned long seed,
                            double *mean, double *lo, double *hi);

#endif
