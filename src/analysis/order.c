/* Steinhardt bond-orientational order and the Voronoi index census (see
 * order.h for the definitions and references). The per-particle sums are
 * independent, so they run in an OpenMP loop over particles with a static
 * schedule; the global average is added in particle order afterwards, so
 * the result does not depend on the thread count. */
#include "analysis/order.h"
#include "analysis/voronoi.h"
#include "core/error.h"
#include <gsl/gsl_errno.h>
#include <gsl/gsl_sf_legendre.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* One particle's bonds: vectors (3 per bond) and weights. */
typedef struct bonds {
  size_t n, cap;
  double *r;
  double *w;
} bonds;

static int bonds_push(bonds *b, const double d[3], double w)
{
  if (b->n == b->cap) {
    size_t cap = b->cap ? 2 * b->cap : 32;
    double *r = realloc(b->r, 3 * cap * sizeof *r);
    if (!r) return VT_ENOMEM;
    b->r = r;
    double *nw = realloc(b->w, cap * sizeof *nw);
    if (!nw) return VT_ENOMEM;
    b->w = nw;
    b->cap = cap;
  }
  memcpy(b->r + 3 * b->n, d, 3 * sizeof *d);
  b->w[b->n++] = w;
  return 0;
}

/* Accumulate sum_j w_j Y_lm(r_j) for m = 0..l of every requested l into
 * re/im (layout: gsl_sf_legendre_array_index(l, m)); plm is scratch of
 * gsl_sf_legendre_array_n(lmax) doubles. Returns the weight sum. */
static double bond_sums(const bonds *b, int lmax, double *plm, double *re, double *im, size_t nidx)
{
  memset(re, 0, nidx * sizeof *re);
  memset(im, 0, nidx * sizeof *im);
  double wsum = 0;
  for (size_t k = 0; k < b->n; k++) {
    const double *d = b->r + 3 * k;
    double rho = hypot(d[0], d[1]);
    double r = hypot(rho, d[2]);
    double ct = d[2] / r;
    if (ct > 1) ct = 1;
    if (ct < -1) ct = -1;
    double phi = atan2(d[1], d[0]);
    /* normalized so that Y_lm = plm(l, m) e^{i m phi}, Condon-Shortley phase */
    gsl_sf_legendre_array_e(GSL_SF_LEGENDRE_SPHARM, (size_t)lmax, ct, -1.0, plm);
    double w = b->w[k];
    wsum += w;
    for (int l = 0; l <= lmax; l++)
      for (int m = 0; m <= l; m++) {
        size_t at = gsl_sf_legendre_array_index((size_t)l, (size_t)m);
        double p = w * plm[at];
        re[at] += p * cos(m * phi);
        im[at] += p * sin(m * phi);
      }
  }
  return wsum;
}

/* sqrt(4 pi / (2l+1) sum_{m=-l..l} |c_lm|^2) from the m >= 0 half
 * (c_{l,-m} = (-1)^m conj(c_lm) for real bond sets), scaled by 1/norm. */
static double invariant(int l, const double *re, const double *im, double norm)
{
  size_t a0 = gsl_sf_legendre_array_index((size_t)l, 0);
  double s = re[a0] * re[a0] + im[a0] * im[a0];
  for (int m = 1; m <= l; m++) {
    size_t at = gsl_sf_legendre_array_index((size_t)l, (size_t)m);
    s += 2 * (re[at] * re[at] + im[at] * im[at]);
  }
  return sqrt(4 * M_PI / (2 * l + 1) * s) / norm;
}

/* Bonds of every particle from the Voronoi faces. */
static int voronoi_bonds(const vt_system *s, const vt_order_opts *o, bonds *b)
{
  vt_voronoi *v;
  int rc = vt_voronoi_compute(s, o->radical ? VT_VORONOI_RADICAL : 0, &v);
  if (rc) return rc;
  for (size_t i = 0; i < s->n && !rc; i++) {
    for (size_t f = v->start[i]; f < v->start[i + 1]; f++) {
      size_t j = v->neighbor[f];
      if (f > v->start[i] && v->neighbor[f - 1] == j) {
        rc = vt_error(VT_EINVAL, "steinhardt: box too small for Voronoi neighbours: particle %zu meets particle %zu "
                      "through two periodic images (box %g x %g x %g)", i + 1, j + 1, s->box[0], s->box[1], s->box[2]);
        break;
      }
      double d[3] = {s->x[3 * j] - s->x[3 * i], s->x[3 * j + 1] - s->x[3 * i + 1], s->x[3 * j + 2] - s->x[3 * i + 2]};
      vt_minimum_image(s->box, d);
      if (bonds_push(&b[i], d, o->area_weights ? v->face_area[f] : 1.0)) {
        rc = vt_error(VT_ENOMEM, "steinhardt: out of memory for the bonds");
        break;
      }
    }
  }
  vt_voronoi_free(v);
  return rc;
}

/* Bonds of every particle within the cutoff: a cell list when the box holds
 * at least three cells a side, else all pairs. */
static int cutoff_bonds(const vt_system *s, const vt_order_opts *o, bonds *b)
{
  size_t n = s->n;
  double rc2 = o->cutoff * o->cutoff;
  int nc[3];
  size_t ncell = 1;
  for (int k = 0; k < 3; k++) {
    nc[k] = (int)floor(s->box[k] / o->cutoff);
    if (nc[k] > 64) nc[k] = 64;
    ncell *= nc[k] >= 3 ? (size_t)nc[k] : 1;
  }
  int use_cells = nc[0] >= 3 && nc[1] >= 3 && nc[2] >= 3;
  size_t *head = NULL, *next = NULL, *cell = NULL;
  if (use_cells) {
    head = malloc(ncell * sizeof *head);
    next = malloc(n * sizeof *next);
    cell = malloc(n * sizeof *cell);
    if (!head || !next || !cell) {
      free(head), free(next), free(cell);
      return vt_error(VT_ENOMEM, "steinhardt: out of memory for the cell list");
    }
    for (size_t c = 0; c < ncell; c++) head[c] = (size_t)-1;
    for (size_t i = n; i-- > 0;) {  /* reverse: each cell's chain in ascending order */
      size_t c = 0;
      for (int k = 0; k < 3; k++) {
        double u = s->x[3 * i + k] / s->box[k];
        u -= floor(u);
        int ck = (int)(u * nc[k]);
        if (ck >= nc[k]) ck = nc[k] - 1;
        c = c * (size_t)nc[k] + (size_t)ck;
      }
      cell[i] = c;
      next[i] = head[c];
      head[c] = i;
    }
  }
  int rc = 0;
  for (size_t i = 0; i < n && !rc; i++) {
    if (use_cells) {
      int ci[3] = {(int)(cell[i] / ((size_t)nc[1] * nc[2])), (int)(cell[i] / nc[2] % nc[1]), (int)(cell[i] % nc[2])};
      /* visit the 27 cells in ascending cell order, so each particle's bonds
       * come in the same order whatever the cell of i */
      size_t cs[27];
      int m = 0;
      for (int a = -1; a <= 1; a++)
        for (int bb = -1; bb <= 1; bb++)
          for (int c = -1; c <= 1; c++) {
            int x = (ci[0] + a + nc[0]) % nc[0], y = (ci[1] + bb + nc[1]) % nc[1], z = (ci[2] + c + nc[2]) % nc[2];
            cs[m++] = ((size_t)x * nc[1] + (size_t)y) * nc[2] + (size_t)z;
          }
      for (int p = 1; p < 27; p++)  /* insertion sort of 27 */
        for (int q = p; q > 0 && cs[q - 1] > cs[q]; q--) { size_t t = cs[q]; cs[q] = cs[q - 1]; cs[q - 1] = t; }
      for (int p = 0; p < 27 && !rc; p++) {
        if (p > 0 && cs[p] == cs[p - 1]) continue;
        for (size_t j = head[cs[p]]; j != (size_t)-1 && !rc; j = next[j]) {
          if (j == i) continue;
          double d[3] = {s->x[3 * j] - s->x[3 * i], s->x[3 * j + 1] - s->x[3 * i + 1], s->x[3 * j + 2] - s->x[3 * i + 2]};
          vt_minimum_image(s->box, d);
          if (d[0] * d[0] + d[1] * d[1] + d[2] * d[2] < rc2) rc = bonds_push(&b[i], d, 1.0);
        }
      }
    } else {
      for (size_t j = 0; j < n && !rc; j++) {
        if (j == i) continue;
        double d[3] = {s->x[3 * j] - s->x[3 * i], s->x[3 * j + 1] - s->x[3 * i + 1], s->x[3 * j + 2] - s->x[3 * i + 2]};
        vt_minimum_image(s->box, d);
        if (d[0] * d[0] + d[1] * d[1] + d[2] * d[2] < rc2) rc = bonds_push(&b[i], d, 1.0);
      }
    }
  }
  free(head), free(next), free(cell);
  if (rc) return vt_error(VT_ENOMEM, "steinhardt: out of memory for the bonds");
  return 0;
}

int vt_steinhardt(const vt_system *s, const vt_order_opts *o, double *q, double *Q, double *nb)
{
  if (!s || !o || !q || !Q) return vt_error(VT_EINVAL, "steinhardt: missing argument");
  if (o->nl == 0 || !o->l) return vt_error(VT_EINVAL, "steinhardt: no degree l asked for");
  int lmax = 0;
  for (size_t k = 0; k < o->nl; k++) {
    if (o->l[k] < 1 || o->l[k] > VT_ORDER_LMAX)
      return vt_error(VT_EINVAL, "steinhardt: degree l = %d outside 1..%d", o->l[k], VT_ORDER_LMAX);
    if (o->l[k] > lmax) lmax = o->l[k];
  }
  size_t n = s->n;
  for (size_t i = 0; i < 3 * n; i++)
    if (!isfinite(s->x[i]))
      return vt_error(VT_ENONFINITE, "steinhardt: particle %zu has a non-finite position", i / 3 + 1);
  if (o->neighbors == VT_ORDER_CUTOFF) {
    if (!(o->cutoff > 0) || !isfinite(o->cutoff))
      return vt_error(VT_EINVAL, "steinhardt: the neighbour cutoff must be a positive number (got %g)", o->cutoff);
    for (int k = 0; k < 3; k++)
      if (!(o->cutoff < 0.5 * s->box[k]))
        return vt_error(VT_EINVAL, "steinhardt: neighbour cutoff %g is not below half the box (%g along %c): a "
                        "neighbour would be met through two images", o->cutoff, s->box[k], "xyz"[k]);
  } else if (o->neighbors != VT_ORDER_VORONOI) {
    return vt_error(VT_EINVAL, "steinhardt: neighbours must be Voronoi faces or a cutoff");
  }
  if (o->neighbors == VT_ORDER_CUTOFF && o->area_weights)
    return vt_error(VT_EINVAL, "steinhardt: face-area weights need Voronoi neighbours, not a cutoff");
  if (n == 0) {
    for (size_t k = 0; k < o->nl; k++) Q[k] = NAN;
    return 0;
  }

  bonds *b = calloc(n, sizeof *b);
  size_t nidx = gsl_sf_legendre_array_n((size_t)lmax);
  /* per particle: the weight sum and the m >= 0 sums of every (l, m) */
  double *wsum = malloc(n * sizeof *wsum);
  double *re = malloc(n * nidx * sizeof *re), *im = malloc(n * nidx * sizeof *im);
  int rc = 0;
  if (!b || !wsum || !re || !im) {
    rc = vt_error(VT_ENOMEM, "steinhardt: out of memory (%zu particles)", n);
    goto out;
  }
  rc = o->neighbors == VT_ORDER_VORONOI ? voronoi_bonds(s, o, b) : cutoff_bonds(s, o, b);
  if (rc) goto out;

  int fail = 0;
  gsl_error_handler_t *old = gsl_set_error_handler_off();
#pragma omp parallel
  {
    double *plm = malloc(nidx * sizeof *plm);
    if (!plm) {
#pragma omp atomic write
      fail = 1;
    }
#pragma omp for schedule(static)
    for (size_t i = 0; i < n; i++) {
      if (!plm) continue;
      wsum[i] = bond_sums(&b[i], lmax, plm, re + i * nidx, im + i * nidx, nidx);
      for (size_t k = 0; k < o->nl; k++)
        q[i * o->nl + k] = b[i].n ? invariant(o->l[k], re + i * nidx, im + i * nidx, wsum[i]) : NAN;
      if (nb) nb[i] = (double)b[i].n;
    }
    free(plm);
  }
  gsl_set_error_handler(old);
  if (fail) {
    rc = vt_error(VT_ENOMEM, "steinhardt: out of memory for the harmonics");
    goto out;
  }

  /* global: the bond-averaged q_lm, summed in particle order */
  {
    double *gre = calloc(nidx, sizeof *gre), *gim = calloc(nidx, sizeof *gim);
    if (!gre || !gim) {
      free(gre), free(gim);
      rc = vt_error(VT_ENOMEM, "steinhardt: out of memory");
      goto out;
    }
    double W = 0;
    for (size_t i = 0; i < n; i++) {
      if (!b[i].n) continue;
      W += wsum[i];
      for (size_t a = 0; a < nidx; a++) gre[a] += re[i * nidx + a], gim[a] += im[i * nidx + a];
    }
    for (size_t k = 0; k < o->nl; k++) Q[k] = W > 0 ? invariant(o->l[k], gre, gim, W) : NAN;
    free(gre), free(gim);
  }

out:
  if (b)
    for (size_t i = 0; i < n; i++) free(b[i].r), free(b[i].w);
  free(b), free(wsum), free(re), free(im);
  return rc;
}

/* ---- the census of Voronoi signatures ---- */

typedef struct sigrow {
  int s[4];
  size_t count;
} sigrow;

static int cmp_sig(const void *a, const void *b)
{
  const int *x = a, *y = b;
  for (int k = 0; k < 4; k++)
    if (x[k] != y[k]) return x[k] < y[k] ? -1 : 1;
  return 0;
}

static int cmp_count(const void *a, const void *b)
{
  const sigrow *x = a, *y = b;
  if (x->count != y->count) return x->count > y->count ? -1 : 1;
  return cmp_sig(x->s, y->s);
}

int vt_voronoi_census(size_t n, const int *index, size_t stride, int **sig, size_t **count,
                      size_t *ncls, size_t *other)
{
  if (!index || stride < 4 || !sig || !count || !ncls)
    return vt_error(VT_EINVAL, "voronoi census: missing argument or an index narrower than 4 columns");
  *sig = NULL, *count = NULL, *ncls = 0;
  size_t nother = 0;
  int *keys = malloc((n ? n : 1) * 4 * sizeof *keys);
  sigrow *rows = malloc((n ? n : 1) * sizeof *rows);
  if (!keys || !rows) {
    free(keys), free(rows);
    return vt_error(VT_ENOMEM, "voronoi census: out of memory");
  }
  for (size_t i = 0; i < n; i++) {
    memcpy(keys + 4 * i, index + i * stride, 4 * sizeof *keys);
    for (size_t k = 4; k < stride; k++)
      if (index[i * stride + k]) {
        nother++;
        break;
      }
  }
  qsort(keys, n, 4 * sizeof *keys, cmp_sig);
  size_t m = 0;
  for (size_t i = 0; i < n; i++) {
    if (m && cmp_sig(rows[m - 1].s, keys + 4 * i) == 0) {
      rows[m - 1].count++;
      continue;
    }
    memcpy(rows[m].s, keys + 4 * i, 4 * sizeof *keys);
    rows[m++].count = 1;
  }
  free(keys);
  qsort(rows, m, sizeof *rows, cmp_count);
  int *so = malloc((m ? m : 1) * 4 * sizeof *so);
  size_t *co = malloc((m ? m : 1) * sizeof *co);
  if (!so || !co) {
    free(so), free(co), free(rows);
    return vt_error(VT_ENOMEM, "voronoi census: out of memory");
  }
  for (size_t r = 0; r < m; r++) {
    memcpy(so + 4 * r, rows[r].s, 4 * sizeof *so);
    co[r] = rows[r].count;
  }
  free(rows);
  *sig = so, *count = co, *ncls = m;
  if (other) *other = nother;
  return 0;
}
