/* g(r) and S(q) of one configuration (see structure.h for the definitions).
 *
 * g(r): a cell list with cells at least rmax wide (a direction with fewer
 * than three cells is one cell, so no pair is seen twice), pairs i < j, one
 * integer histogram per thread.
 *
 * S(q): the wave vectors of the half space (nz > 0, or nz = 0 and ny > 0,
 * or nz = ny = 0 and nx > 0) stand for their negatives too, since
 * rho(-q) = conj(rho(q)). They are grouped in columns of fixed (nx, ny); for
 * a block of particles the phase factors exp(i 2 pi n x / L) are tabulated
 * per direction, the product of the x and y factors is formed once per
 * column, and every nz of the column is then one vectorizable dot product
 * with the tabulated z factors. Columns are shared among threads with a
 * static schedule and blocks are added in order, so each vector's sum is the
 * same whatever the thread count. */
#include "analysis/structure.h"
#include "core/error.h"
#include "core/util.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

static int max_threads(void)
{
#ifdef _OPENMP
  return omp_get_max_threads();
#else
  return 1;
#endif
}

/* ta, tb both 0 (all particles) or both valid types with particles in them */
static int check_types(const vt_system *s, int ta, int tb, const char *fname, size_t *na, size_t *nb)
{
  if ((ta == 0) != (tb == 0))
    return vt_error(VT_EINVAL, "%s: give two types or none (got %d and %d)", fname, ta, tb);
  if (ta == 0) { *na = *nb = s->n; return 0; }
  int t[2] = {ta, tb};
  for (int k = 0; k < 2; k++)
    if (t[k] < 1 || t[k] > s->ntypes)
      return vt_error(VT_EINVAL, "%s: type %d is out of range 1..%d", fname, t[k], s->ntypes);
  *na = *nb = 0;
  for (size_t i = 0; i < s->n; i++) {
    if (s->type[i] == ta) (*na)++;
    if (s->type[i] == tb) (*nb)++;
  }
  if (*na == 0) return vt_error(VT_EINVAL, "%s: no particle has type %d", fname, ta);
  if (*nb == 0) return vt_error(VT_EINVAL, "%s: no particle has type %d", fname, tb);
  return 0;
}

static int check_positions(const vt_system *s, const char *fname)
{
  for (size_t i = 0; i < 3 * s->n; i++)
    if (!isfinite(s->x[i]))
      return vt_error(VT_ENONFINITE, "%s: position of particle %zu is not finite", fname, i / 3 + 1);
  return 0;
}

int vt_structure_gr(const vt_system *s, double rmax, double width, int ta, int tb,
                    vt_array **rout, vt_array **gout)
{
  const char *fn = "g(r)";
  size_t na, nb;
  int rc;
  *rout = *gout = NULL;
  if (!(rmax > 0) || !isfinite(rmax)) return vt_error(VT_EINVAL, "g(r): rmax must be positive, got %g", rmax);
  if (!(width > 0) || !isfinite(width) || width > rmax)
    return vt_error(VT_EINVAL, "g(r): width must be in (0, rmax = %g], got %g", rmax, width);
  double half = 0.5 * fmin(s->box[0], fmin(s->box[1], s->box[2]));
  if (rmax > half * (1 + 1e-12))
    return vt_error(VT_ERANGE, "g(r): rmax = %g exceeds half the shortest box side (%g)", rmax, half);
  if ((rc = check_types(s, ta, tb, fn, &na, &nb)) || (rc = check_positions(s, fn))) return rc;
  int same = (ta == tb);
  if (same && na < 2) return vt_error(VT_EINVAL, "g(r): needs at least 2 particles of the pair's type, got %zu", na);
  size_t nbins = (size_t)floor(rmax / width * (1 + 1e-12));
  double rcut = fmin(nbins * width, rmax), rcut2 = rcut * rcut;

  /* cells */
  /* cells at least rcut wide, and no more per direction than about
   * N^(1/3) (a short rmax in a big box would otherwise make empty cells) */
  int nc[3], cap = (int)ceil(cbrt((double)s->n)) + 1;
  size_t ncell = 1;
  for (int k = 0; k < 3; k++) {
    nc[k] = (int)floor(s->box[k] / rcut);
    if (nc[k] > cap) nc[k] = cap < 3 ? 3 : cap;
    if (nc[k] < 3) nc[k] = 1;
    ncell *= (size_t)nc[k];
  }
  int nt = max_threads();
  size_t *cstart = calloc(ncell + 1, sizeof *cstart), *clist = malloc(s->n * sizeof *clist);
  size_t *cell = malloc(s->n * sizeof *cell);
  long *hist = calloc((size_t)nt * nbins, sizeof *hist);
  vt_array *r = vt_array_alloc(nbins, 0), *g = vt_array_alloc(nbins, 0);
  if (!cstart || !clist || !cell || !hist || !r || !g) { rc = vt_error(VT_ENOMEM, "g(r): out of memory"); goto done; }
  for (size_t i = 0; i < s->n; i++) {
    size_t c = 0;
    for (int k = 0; k < 3; k++) {
      double L = s->box[k], u = s->x[3 * i + k] - L * floor(s->x[3 * i + k] / L);
      int ck = (int)(u / L * nc[k]);
      if (ck >= nc[k]) ck = nc[k] - 1;
      if (ck < 0) ck = 0;
      c = c * (size_t)nc[k] + (size_t)ck;
    }
    cell[i] = c;
    cstart[c + 1]++;
  }
  for (size_t c = 0; c < ncell; c++) cstart[c + 1] += cstart[c];
  {
    size_t *fill = malloc(ncell * sizeof *fill);
    if (!fill) { rc = vt_error(VT_ENOMEM, "g(r): out of memory"); goto done; }
    memcpy(fill, cstart, ncell * sizeof *fill);
    for (size_t i = 0; i < s->n; i++) clist[fill[cell[i]]++] = i;
    free(fill);
  }

  const double *x = s->x;
  const int *type = s->type;
  const double box[3] = {s->box[0], s->box[1], s->box[2]};
#pragma omp parallel num_threads(nt)
  {
    int t, team;
    vt_omp_thread(&t, &team);
    long *h = hist + (size_t)t * nbins;
#pragma omp for schedule(static)
    for (size_t i = 0; i < s->n; i++) {
      int ti = type[i];
      if (ta && ti != ta && ti != tb) continue;
      size_t c = cell[i];
      int ci[3] = {(int)(c / ((size_t)nc[1] * nc[2])), (int)(c / nc[2] % nc[1]), (int)(c % nc[2])};
      int lo[3], hi[3];
      for (int k = 0; k < 3; k++) { lo[k] = nc[k] == 1 ? 0 : -1; hi[k] = nc[k] == 1 ? 0 : 1; }
      for (int dx = lo[0]; dx <= hi[0]; dx++)
        for (int dy = lo[1]; dy <= hi[1]; dy++)
          for (int dz = lo[2]; dz <= hi[2]; dz++) {
            size_t cx = (size_t)((ci[0] + dx + nc[0]) % nc[0]), cy = (size_t)((ci[1] + dy + nc[1]) % nc[1]),
                   cz = (size_t)((ci[2] + dz + nc[2]) % nc[2]);
            size_t cj = (cx * nc[1] + cy) * nc[2] + cz;
            for (size_t p = cstart[cj]; p < cstart[cj + 1]; p++) {
              size_t j = clist[p];
              if (j <= i) continue;
              if (ta && !((ti == ta && type[j] == tb) || (ti == tb && type[j] == ta))) continue;
              double d[3] = {x[3 * i] - x[3 * j], x[3 * i + 1] - x[3 * j + 1], x[3 * i + 2] - x[3 * j + 2]};
              vt_minimum_image(box, d);
              double r2 = d[0] * d[0] + d[1] * d[1] + d[2] * d[2];
              if (r2 >= rcut2) continue;
              size_t b = (size_t)(sqrt(r2) / width);
              if (b < nbins) h[b]++;
            }
          }
    }
  }
  if (vt_interrupted()) { rc = vt_error(VT_EINTR, "g(r): interrupted"); goto done; }
  double V = vt_system_volume(s);
  double norm = same ? 0.5 * (double)na * (double)(na - 1) : (double)na * (double)nb;
  for (size_t b = 0; b < nbins; b++) {
    long cnt = 0;
    for (int t = 0; t < nt; t++) cnt += hist[(size_t)t * nbins + b];
    double r1 = b * width, r2 = (b + 1) * width;
    double shell = 4.0 * M_PI / 3.0 * (r2 * r2 * r2 - r1 * r1 * r1);
    r->data[b] = 0.5 * (r1 + r2);
    g->data[b] = V * (double)cnt / (norm * shell);
  }
  *rout = r;
  *gout = g;
  r = g = NULL;
  rc = 0;
done:
  free(cstart); free(clist); free(cell); free(hist);
  if (r) vt_array_unref(r);
  if (g) vt_array_unref(g);
  return rc;
}

/* One column of wave vectors: fixed (nx, ny), nz = nz0..nz1, stored from off. */
typedef struct { int nx, ny, nz0, nz1; size_t off; } sq_column;

#define SQ_BLOCK 1024

/* rho(q) = sum over the particles idx[0..m) of exp(i q . x), for every
 * vector of the columns, into re/im (zeroed here). */
static int structure_rho(const vt_system *s, const size_t *idx, size_t m, const int nmax[3],
                         const sq_column *col, size_t ncol, double *re, double *im, size_t nvec)
{
  int nt = max_threads();
  size_t tab = 0;
  for (int k = 0; k < 3; k++) tab += (size_t)(nmax[k] + 1) * SQ_BLOCK;
  double *cr = malloc(tab * sizeof *cr), *ci = malloc(tab * sizeof *ci);
  double *abuf = malloc((size_t)nt * 2 * SQ_BLOCK * sizeof *abuf);
  if (!cr || !ci || !abuf) { free(cr); free(ci); free(abuf); return vt_error(VT_ENOMEM, "S(q): out of memory"); }
  memset(re, 0, nvec * sizeof *re);
  memset(im, 0, nvec * sizeof *im);
  double *tr[3], *ti[3];
  tr[0] = cr; ti[0] = ci;
  for (int k = 1; k < 3; k++) {
    tr[k] = tr[k - 1] + (size_t)(nmax[k - 1] + 1) * SQ_BLOCK;
    ti[k] = ti[k - 1] + (size_t)(nmax[k - 1] + 1) * SQ_BLOCK;
  }
  const double *x = s->x;
  for (size_t b0 = 0; b0 < m; b0 += SQ_BLOCK) {
    if (vt_interrupted()) { free(cr); free(ci); free(abuf); return vt_error(VT_EINTR, "S(q): interrupted"); }
    size_t bm = m - b0 < SQ_BLOCK ? m - b0 : SQ_BLOCK;
#pragma omp parallel num_threads(nt)
    {
      int t, team;
      vt_omp_thread(&t, &team);
      /* the phase tables: factor n of direction k for particle j at [n * SQ_BLOCK + j] */
#pragma omp for schedule(static)
      for (size_t j = 0; j < bm; j++) {
        size_t p = idx[b0 + j];
        for (int k = 0; k < 3; k++) {
          double w = 2 * M_PI * x[3 * p + k] / s->box[k];
          for (int n = 0; n <= nmax[k]; n++) {
            tr[k][(size_t)n * SQ_BLOCK + j] = cos(n * w);
            ti[k][(size_t)n * SQ_BLOCK + j] = sin(n * w);
          }
        }
      }
      double *ar = abuf + (size_t)t * 2 * SQ_BLOCK, *ai = ar + SQ_BLOCK;
#pragma omp for schedule(static)
      for (size_t c = 0; c < ncol; c++) {
        const sq_column *q = &col[c];
        int ax = abs(q->nx), ay = abs(q->ny);
        double sx = q->nx < 0 ? -1.0 : 1.0, sy = q->ny < 0 ? -1.0 : 1.0;
        const double *xr = tr[0] + (size_t)ax * SQ_BLOCK, *xi = ti[0] + (size_t)ax * SQ_BLOCK;
        const double *yr = tr[1] + (size_t)ay * SQ_BLOCK, *yi = ti[1] + (size_t)ay * SQ_BLOCK;
#pragma omp simd
        for (size_t j = 0; j < bm; j++) {
          double pr = xr[j], pi = sx * xi[j], qr = yr[j], qi = sy * yi[j];
          ar[j] = pr * qr - pi * qi;
          ai[j] = pr * qi + pi * qr;
        }
        for (int nz = q->nz0; nz <= q->nz1; nz++) {
          const double *zr = tr[2] + (size_t)nz * SQ_BLOCK, *zi = ti[2] + (size_t)nz * SQ_BLOCK;
          double sr = 0, si = 0;
#pragma omp simd reduction(+ : sr, si)
          for (size_t j = 0; j < bm; j++) {
            sr += ar[j] * zr[j] - ai[j] * zi[j];
            si += ar[j] * zi[j] + ai[j] * zr[j];
          }
          size_t v = q->off + (size_t)(nz - q->nz0);
          re[v] += sr;
          im[v] += si;
        }
      }
    }
  }
  free(cr); free(ci); free(abuf);
  return 0;
}

long vt_structure_peak(const double *S, size_t n)
{
  long best = -1;
  for (size_t k = 0; k < n; k++)
    if (best < 0 || S[k] > S[best]) best = (long)k;
  return best;
}

void vt_sq_result_free(vt_sq_result *r)
{
  if (!r) return;
  if (r->q) vt_array_unref(r->q);
  if (r->S) vt_array_unref(r->S);
  if (r->count) vt_array_unref(r->count);
  r->q = r->S = r->count = NULL;
}

int vt_structure_sq(const vt_system *s, double qmax, double width, int ta, int tb, vt_sq_result *out)
{
  const char *fn = "S(q)";
  size_t na, nb;
  int rc;
  memset(out, 0, sizeof *out);
  if (!(qmax > 0) || !isfinite(qmax)) return vt_error(VT_EINVAL, "S(q): qmax must be positive, got %g", qmax);
  if (!(width > 0) || !isfinite(width) || width > qmax)
    return vt_error(VT_EINVAL, "S(q): width must be in (0, qmax = %g], got %g", qmax, width);
  if ((rc = check_types(s, ta, tb, fn, &na, &nb)) || (rc = check_positions(s, fn))) return rc;
  int nmax[3];
  double dq[3], qmin = INFINITY;
  for (int k = 0; k < 3; k++) {
    dq[k] = 2 * M_PI / s->box[k];
    qmin = fmin(qmin, dq[k]);
    nmax[k] = (int)floor(qmax / dq[k] * (1 + 1e-12));
  }
  if (qmax < qmin)
    return vt_error(VT_EINVAL, "S(q): qmax = %g is below the smallest wave vector of the box, 2 pi / L = %g", qmax, qmin);
  double q2max = qmax * qmax * (1 + 1e-12);

  /* the columns of the half space */
  size_t ncol = 0, nvec = 0, cap = (size_t)(2 * nmax[0] + 1) * (2 * nmax[1] + 1);
  sq_column *col = malloc(cap * sizeof *col);
  double *are = NULL, *aim = NULL, *bre = NULL, *bim = NULL, *sumS = NULL, *sumq = NULL;
  long *cnt = NULL;
  size_t *ia = NULL, *ib = NULL;
  int cross = (ta != tb);
  if (!col) { rc = vt_error(VT_ENOMEM, "S(q): out of memory"); goto done; }
  for (int nx = -nmax[0]; nx <= nmax[0]; nx++)
    for (int ny = -nmax[1]; ny <= nmax[1]; ny++) {
      double qx = nx * dq[0], qy = ny * dq[1], rest = q2max - qx * qx - qy * qy;
      if (rest < 0) continue;
      int nz1 = (int)floor(sqrt(rest) / dq[2]);
      if (nz1 > nmax[2]) nz1 = nmax[2];
      int nz0 = (ny > 0 || (ny == 0 && nx > 0)) ? 0 : 1;
      if (nz0 > nz1) continue;
      col[ncol] = (sq_column){nx, ny, nz0, nz1, nvec};
      nvec += (size_t)(nz1 - nz0 + 1);
      ncol++;
    }
  are = malloc(nvec * sizeof *are);
  aim = malloc(nvec * sizeof *aim);
  ia = malloc(na * sizeof *ia);
  if (cross) {
    bre = malloc(nvec * sizeof *bre);
    bim = malloc(nvec * sizeof *bim);
    ib = malloc(nb * sizeof *ib);
  }
  if (!are || !aim || !ia || (cross && (!bre || !bim || !ib))) { rc = vt_error(VT_ENOMEM, "S(q): out of memory (%zu wave vectors)", nvec); goto done; }
  for (size_t i = 0, ka = 0, kb = 0; i < s->n; i++) {
    if (!ta || s->type[i] == ta) ia[ka++] = i;
    if (cross && s->type[i] == tb) ib[kb++] = i;
  }
  if ((rc = structure_rho(s, ia, na, nmax, col, ncol, are, aim, nvec))) goto done;
  if (cross && (rc = structure_rho(s, ib, nb, nmax, col, ncol, bre, bim, nvec))) goto done;
  if (!cross) { bre = are; bim = aim; }

  /* shell averages; each half-space vector counts for itself and -q */
  size_t nshell = (size_t)floor(qmax / width) + 1;
  sumS = calloc(nshell, sizeof *sumS);
  sumq = calloc(nshell, sizeof *sumq);
  cnt = calloc(nshell, sizeof *cnt);
  if (!sumS || !sumq || !cnt) { rc = vt_error(VT_ENOMEM, "S(q): out of memory"); goto done; }
  double norm = 1.0 / sqrt((double)na * (double)nb);
  for (size_t c = 0; c < ncol; c++)
    for (int nz = col[c].nz0; nz <= col[c].nz1; nz++) {
      double qx = col[c].nx * dq[0], qy = col[c].ny * dq[1], qz = nz * dq[2];
      double qn = sqrt(qx * qx + qy * qy + qz * qz);
      size_t k = (size_t)(qn / width);
      if (k >= nshell) k = nshell - 1;
      size_t v = col[c].off + (size_t)(nz - col[c].nz0);
      sumS[k] += 2 * (are[v] * bre[v] + aim[v] * bim[v]) * norm;
      sumq[k] += 2 * qn;
      cnt[k] += 2;
    }
  size_t nfull = 0;
  for (size_t k = 0; k < nshell; k++) nfull += cnt[k] > 0;
  out->q = vt_array_alloc(nfull, 0);
  out->S = vt_array_alloc(nfull, 0);
  out->count = vt_array_alloc(nfull, 0);
  if (!out->q || !out->S || !out->count) { vt_sq_result_free(out); rc = vt_error(VT_ENOMEM, "S(q): out of memory"); goto done; }
  for (size_t k = 0, m = 0; k < nshell; k++) {
    if (!cnt[k]) continue;
    out->q->data[m] = sumq[k] / cnt[k];
    out->S->data[m] = sumS[k] / cnt[k];
    out->count->data[m] = (double)cnt[k];
    m++;
  }
  long p = vt_structure_peak(out->S->data, nfull);
  out->peak = out->q->data[p];
  out->peak_S = out->S->data[p];
  for (size_t k = 0; k < nfull; k++)
    if (!isfinite(out->S->data[k])) { vt_sq_result_free(out); rc = vt_error(VT_ENONFINITE, "S(q): shell %zu is not finite", k + 1); goto done; }
  rc = 0;
done:
  if (cross) { free(bre); free(bim); }
  free(col); free(are); free(aim); free(ia); free(ib); free(sumS); free(sumq); free(cnt);
  return rc;
}
