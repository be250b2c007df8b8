/* Reference-counted per-particle data with GSL statistics (see array.h). */
#include "core/array.h"
#include "core/error.h"
#include "core/util.h"
#include <gsl/gsl_histogram.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

vt_array *vt_array_alloc(size_t n, size_t k)
{
  vt_array *a = malloc(sizeof *a);
  if (!a) return NULL;
  a->vector = (k == 0);
  a->k = k ? k : 1;
  a->n = n;
  a->refcount = 1;
  a->data = calloc(n * a->k > 0 ? n * a->k : 1, sizeof(double));
  if (!a->data) { free(a); return NULL; }
  return a;
}

vt_array *vt_array_copy(const vt_array *a)
{
  vt_array *b = vt_array_alloc(a->n, a->vector ? 0 : a->k);
  if (b) memcpy(b->data, a->data, a->n * a->k * sizeof(double));
  return b;
}

vt_array *vt_array_ref(vt_array *a) { a->refcount++; return a; }

void vt_array_unref(vt_array *a)
{
  if (a && --a->refcount == 0) { free(a->data); free(a); }
}

double vt_array_sum(const vt_array *a)
{
  double s = 0.0;
  for (size_t i = 0; i < a->n * a->k; i++) s += a->data[i];
  return s;
}

double vt_array_mean(const vt_array *a)
{
  size_t m = a->n * a->k;
  return m ? gsl_stats_mean(a->data, 1, m) : NAN;
}

double vt_array_std(const vt_array *a)
{
  size_t m = a->n * a->k;
  return m > 1 ? gsl_stats_sd(a->data, 1, m) : NAN;
}

double vt_array_min(const vt_array *a)
{
  size_t m = a->n * a->k;
  return m ? gsl_stats_min(a->data, 1, m) : NAN;
}

double vt_array_max(const vt_array *a)
{
  size_t m = a->n * a->k;
  return m ? gsl_stats_max(a->data, 1, m) : NAN;
}

int vt_array_quantile(const vt_array *a, double q, double *out)
{
  size_t m = a->n * a->k;
  if (!(q >= 0.0 && q <= 1.0)) return vt_error(VT_EINVAL, "quantile %g is outside [0, 1]", q);
  if (m == 0) return vt_error(VT_EINVAL, "quantile of an empty array");
  double *tmp = malloc(m * sizeof *tmp);
  if (!tmp) return vt_error(VT_ENOMEM, "out of memory");
  memcpy(tmp, a->data, m * sizeof *tmp);
  for (size_t i = 0; i < m; i++)
    if (!isfinite(tmp[i])) { free(tmp); return vt_error(VT_ENONFINITE, "quantile: entry %zu is not finite", i + 1); }
  gsl_sort(tmp, 1, m);
  *out = gsl_stats_quantile_from_sorted_data(tmp, 1, m, q);
  free(tmp);
  return 0;
}

int vt_array_histogram(const vt_array *a, size_t bins, double lo, double hi,
                       vt_array **edges, vt_array **counts)
{
  if (bins == 0) return vt_error(VT_EINVAL, "histogram needs at least one bin");
  if (!(isfinite(lo) && isfinite(hi) && hi > lo))
    return vt_error(VT_EINVAL, "histogram range [%g, %g] is empty or not finite", lo, hi);
  gsl_histogram *h = gsl_histogram_alloc(bins);
  if (!h) return vt_error(VT_ENOMEM, "out of memory");
  gsl_histogram_set_ranges_uniform(h, lo, hi);
  for (size_t i = 0; i < a->n * a->k; i++) gsl_histogram_increment(h, a->data[i]); /* GSL ignores out-of-range */
  *edges = vt_array_alloc(bins + 1, 0);
  *counts = vt_array_alloc(bins, 0);
  if (!*edges || !*counts) {
    vt_array_unref(*edges); vt_array_unref(*counts); gsl_histogram_free(h);
    return vt_error(VT_ENOMEM, "out of memory");
  }
  memcpy((*edges)->data, h->range, (bins + 1) * sizeof(double));
  memcpy((*counts)->data, h->bin, bins * sizeof(double));
  gsl_histogram_free(h);
  return 0;
}

int vt_array_select(const vt_array *a, const vt_array *mask, vt_array **out)
{
  if (mask->n * mask->k != a->n)
    return vt_error(VT_EINVAL, "mask has %zu entries, array has %zu rows", mask->n * mask->k, a->n);
  size_t m = 0;
  for (size_t i = 0; i < a->n; i++) m += mask->data[i] != 0.0;
  vt_array *b = vt_array_alloc(m, a->vector ? 0 : a->k);
  if (!b) return vt_error(VT_ENOMEM, "out of memory");
  for (size_t i = 0, r = 0; i < a->n; i++)
    if (mask->data[i] != 0.0) memcpy(b->data + (r++) * a->k, a->data + i * a->k, a->k * sizeof(double));
  *out = b;
  return 0;
}

int vt_array_write_tsv(const vt_array *a, const char *path, const char *header)
{
  vt_wfile w;
  int rc = vt_wfile_open(&w, path);
  if (rc) return rc;
  if (header) fputs(header, w.fp);
  for (size_t i = 0; i < a->n; i++) {
    for (size_t j = 0; j < a->k; j++)
      fprintf(w.fp, j ? "\t%.17g" : "%.17g", a->data[i * a->k + j]);
    fputc('\n', w.fp);
  }
  return vt_wfile_commit(&w);
}
