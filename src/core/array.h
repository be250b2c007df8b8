/* vt_array: a reference-counted block of doubles of shape n or n x k
 * (row-major). It is how per-particle data crosses into Lua without becoming
 * a Lua table; statistics and histograms use GSL. */
#ifndef VT_ARRAY_H
#define VT_ARRAY_H
#include <stddef.h>

typedef struct vt_array {
  size_t n;      /* rows */
  size_t k;      /* columns; 1 for a plain vector (see `vector`) */
  int vector;    /* 1: shape n, 0: shape n x k */
  int refcount;
  double *data;  /* n*k doubles, row-major */
} vt_array;

/* New array, zero-filled; k = 0 means a vector of n (k = 1). NULL on failure. */
vt_array *vt_array_alloc(size_t n, size_t k);
vt_array *vt_array_copy(const vt_array *a);
vt_array *vt_array_ref(vt_array *a);
void vt_array_unref(vt_array *a);

static inline double vt_array_get(const vt_array *a, size_t i, size_t j) { return a->data[i * a->k + j]; }

/* Column-agnostic statistics over all n*k entries. Non-finite entries make
 * the result NaN (GSL semantics). std uses the n-1 (sample) normalisation. */
double vt_array_sum(const vt_array *a);
double vt_array_mean(const vt_array *a);
double vt_array_std(const vt_array *a);
double vt_array_min(const vt_array *a);
double vt_array_max(const vt_array *a);
/* Quantile q in [0,1] by linear interpolation of the sorted data (GSL). */
int vt_array_quantile(const vt_array *a, double q, double *out);
/* Histogram with `bins` equal bins on [lo, hi); values outside are not
 * counted. edges gets bins+1 values, counts bins. */
int vt_array_histogram(const vt_array *a, size_t bins, double lo, double hi,
                       vt_array **edges, vt_array **counts);
/* Rows whose mask entry is non-zero (mask has n entries). */
int vt_array_select(const vt_array *a, const vt_array *mask, vt_array **out);
/* Write as TSV: optional '#' header lines (may be NULL), then one row a line. */
int vt_array_write_tsv(const vt_array *a, const char *path, const char *header);

#endif
