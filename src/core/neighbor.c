/* Cell list + Verlet half list (see neighbor.h).
 *
 * Bins: n_d = floor(L_d / (r_l / 2)) per axis (at least 1), r_l = largest
 * cutoff + skin, so a bin is at least r_l/2 wide and every partner of a
 * particle lies within `reach` = ceil(r_l / width) <= 2 bins of its own. When
 * 2 reach + 1 >= n_d the stencil covers the whole axis and each bin of it is
 * visited once, which is what makes small boxes (down to the 2 r_l the
 * minimum image needs) take the same path as large ones.
 *
 * Candidates are read from a copy of the positions sorted by bin (contiguous
 * memory); the test is branch-free in two stages (j > i and r^2 below the
 * largest radius, then the model's own cutoff_ij + skin), and each thread
 * appends to its own buffer for a contiguous block of i, so one pass builds
 * the list; the buffers are then concatenated in thread order. */
#include "core/neighbor.h"
#include "core/error.h"
#include "core/system.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>
#ifdef _OPENMP
#include <omp.h>
#endif

#define VT_NB_KINDS 8

static void free_tbuf(vt_neighbor *nl)
{
  for (int t = 0; t < nl->nthreads; t++) free(nl->tbuf[t]);
  free(nl->tbuf); free(nl->tcap);
  nl->tbuf = NULL; nl->tcap = NULL; nl->nthreads = 0;
}

void vt_neighbor_free(vt_neighbor *nl)
{
  if (!nl) return;
  free(nl->start); free(nl->list); free(nl->x0);
  free(nl->cell_start); free(nl->cell_of); free(nl->cell_atoms); free(nl->cell_x); free(nl->kind);
  free(nl->segoff);
  free_tbuf(nl);
  free(nl);
}

void vt_neighbor_invalidate(vt_system *s)
{
  if (s->nl) s->nl->pot = NULL;
}

static int needs_rebuild(const vt_system *s, const vt_neighbor *nl)
{
  if (nl->pot != s->pot || nl->n != s->n || nl->sigma_version != s->sigma_version || nl->skin_asked != s->skin)
    return 1;
  for (int k = 0; k < 3; k++) if (nl->box[k] != s->box[k]) return 1;
  double lim = 0.25 * nl->skin * nl->skin, worst = 0.0;
  const double *x = s->x, *x0 = nl->x0;
  size_t n = s->n;
#pragma omp parallel for reduction(max : worst) schedule(static) if (n > 8192)
  for (size_t i = 0; i < n; i++) {
    double dx = x[3 * i] - x0[3 * i], dy = x[3 * i + 1] - x0[3 * i + 1], dz = x[3 * i + 2] - x0[3 * i + 2];
    double d2 = dx * dx + dy * dy + dz * dz;
    if (!(d2 <= worst)) worst = d2;  /* NaN also forces a rebuild (and an error there) */
  }
  return !(worst <= lim);
}

/* Bin index along one axis of a position in [0, L). */
static inline int bin_of(double x, double inv_w, int nb)
{
  int c = (int)(x * inv_w);
  return c < 0 ? 0 : (c >= nb ? nb - 1 : c);
}

/* The bins along one axis that the stencil of bin c visits: either all nb
 * of them, or c-reach .. c+reach wrapped. */
static inline int axis_stencil(int c, int nb, int reach, int *out)
{
  if (2 * reach + 1 >= nb) {
    for (int a = 0; a < nb; a++) out[a] = a;
    return nb;
  }
  for (int o = -reach; o <= reach; o++) out[o + reach] = (c + o + nb) % nb;
  return 2 * reach + 1;
}

static int ensure(void **p, size_t *cap, size_t want, size_t size)
{
  if (want <= *cap && *p) return 0;
  size_t c = want + want / 4 + 64;
  void *q = realloc(*p, c * size);
  if (!q) return -1;
  *p = q;
  *cap = c;
  return 0;
}

static int build(vt_system *s, vt_neighbor *nl)
{
  const size_t n = s->n;
  double rc = vt_potential_max_cutoff(s->pot, s);
  double skin = s->skin;
  if (!(rc > 0 && isfinite(rc))) return vt_error(VT_EINVAL, "potential %s reports cutoff %g", s->pot->type->name, rc);
  /* A box shorter than 2 (cutoff + skin) but longer than 2 cutoff keeps the
   * minimum-image convention exact with a thinner skin (the list is rebuilt
   * more often); only a box under two cutoffs is refused. */
  double lmin = fmin(s->box[0], fmin(s->box[1], s->box[2]));
  if (lmin < 2.0 * (rc + skin) && lmin > 2.0 * rc) skin = fmax(0.0, (0.5 * lmin - rc) * (1.0 - 1e-12));
  double rl = rc + skin;
  for (int k = 0; k < 3; k++)
    if (s->box[k] < 2.0 * rl)
      return vt_error(VT_ERANGE,
                      "box length %c = %g is shorter than twice the largest cutoff (2 x %g = %g); "
                      "use more particles",
                      "xyz"[k], s->box[k], rc, 2.0 * rc);
  int rc_ = vt_system_check_finite(s);
  if (rc_) return rc_;
  vt_system_wrap(s);

  if (nl->n != n) {
    free(nl->start); free(nl->x0); free(nl->cell_of); free(nl->cell_atoms); free(nl->cell_x); free(nl->kind);
    free(nl->segoff);
    nl->start = malloc((n + 1) * sizeof *nl->start);
    nl->x0 = malloc(3 * n * sizeof *nl->x0);
    nl->cell_of = malloc(n * sizeof *nl->cell_of);
    nl->cell_atoms = malloc((n + VT_NEIGHBOR_PAD) * sizeof *nl->cell_atoms);
    nl->cell_x = malloc(4 * (n + VT_NEIGHBOR_PAD) * sizeof *nl->cell_x);
    nl->kind = malloc((2 * n + VT_NEIGHBOR_PAD) * sizeof *nl->kind);
    nl->segoff = malloc(n * sizeof *nl->segoff);
    nl->n = n;
    if (!nl->start || !nl->x0 || !nl->cell_of || !nl->cell_atoms || !nl->cell_x || !nl->kind || !nl->segoff) {
      nl->n = 0;
      return vt_error(VT_ENOMEM, "out of memory");
    }
  }

  /* Pair radii. When the particles fall into at most VT_NB_KINDS classes of
   * equal (diameter, type), as in any mixture of species, the squared list
   * radius (cutoff_ij + skin)^2 of every class pair is tabulated and the
   * first stage's test is already the exact one (and the largest radius
   * is exact too, whatever the model's mixing rule). Otherwise (continuous
   * polydispersity) the first stage tests the largest radius and a second
   * stage asks the model for cutoff_ij. */
  double ksig[VT_NB_KINDS];
  int ktyp[VT_NB_KINDS], nkind = 0, exact = 1;
  int *kind_i = nl->kind + n + VT_NEIGHBOR_PAD;   /* by particle; nl->kind: by bin order */
  for (size_t i = 0; i < n; i++) {
    int k = 0;
    while (k < nkind && !(ksig[k] == s->sigma[i] && ktyp[k] == s->type[i])) k++;
    if (k == nkind) {
      if (nkind == VT_NB_KINDS) { exact = 0; break; }
      ksig[k] = s->sigma[i]; ktyp[k] = s->type[i]; nkind++;
    }
    kind_i[i] = k;
  }
  double rl2tab[VT_NB_KINDS * VT_NB_KINDS];
  if (exact) {
    for (int a = 0; a < nkind; a++)
      for (int b = 0; b < nkind; b++) {
        double c = vt_potential_cutoff(s->pot, ksig[a], ksig[b], ktyp[a], ktyp[b]);
        if (c > rc) rc = c;
        rl2tab[a * VT_NB_KINDS + b] = (c + skin) * (c + skin);
      }
    rl = rc + skin;
  } else {
    memset(nl->kind, 0, (2 * n + VT_NEIGHBOR_PAD) * sizeof *nl->kind);
    for (int k = 0; k < VT_NB_KINDS * VT_NB_KINDS; k++) rl2tab[k] = rl * rl;
  }

  for (int k = 0; k < 3; k++)
    if (s->box[k] < 2.0 * rl)
      return vt_error(VT_ERANGE,
                      "box length %c = %g is shorter than twice the largest cutoff plus skin (2 x (%g + %g) = %g); "
                      "use more particles or a smaller skin",
                      "xyz"[k], s->box[k], rc, skin, 2.0 * rl);

  /* bins */
  int nb[3], reach[3];
  double inv_w[3];
  for (int k = 0; k < 3; k++) {
    nb[k] = (int)(s->box[k] / (0.5 * rl * (1.0 + 1e-10)));
    if (nb[k] < 1) nb[k] = 1;
    double w = s->box[k] / nb[k];
    inv_w[k] = 1.0 / w;
    reach[k] = (int)ceil(rl / w - 1e-12);
    if (reach[k] < 1) reach[k] = 1;
    if (reach[k] > 2) reach[k] = 2;   /* w >= rl/2; guards round-off only */
  }
  size_t ncells = (size_t)nb[0] * nb[1] * nb[2];
  if (ncells != nl->ncells || !nl->cell_start) {
    free(nl->cell_start);
    nl->cell_start = malloc((ncells + 1) * sizeof *nl->cell_start);
    if (!nl->cell_start) { nl->ncells = 0; return vt_error(VT_ENOMEM, "out of memory"); }
    nl->ncells = ncells;
  }
  size_t *cs = nl->cell_start;
  memset(cs, 0, (ncells + 1) * sizeof *cs);
  const double *x = s->x, *sig = s->sigma;
  for (size_t i = 0; i < n; i++) {
    int c = (bin_of(x[3 * i], inv_w[0], nb[0]) * nb[1] + bin_of(x[3 * i + 1], inv_w[1], nb[1])) * nb[2] +
            bin_of(x[3 * i + 2], inv_w[2], nb[2]);
    nl->cell_of[i] = c;
    cs[c + 1]++;
  }
  for (size_t c = 0; c < ncells; c++) cs[c + 1] += cs[c];
  {
    size_t *fill = malloc(ncells * sizeof *fill);
    if (!fill) return vt_error(VT_ENOMEM, "out of memory");
    memcpy(fill, cs, ncells * sizeof *fill);
    for (size_t i = 0; i < n; i++) {
      size_t q = fill[nl->cell_of[i]]++;
      nl->cell_atoms[q] = (int)i;
      nl->cell_x[4 * q] = x[3 * i];
      nl->cell_x[4 * q + 1] = x[3 * i + 1];
      nl->cell_x[4 * q + 2] = x[3 * i + 2];
      nl->cell_x[4 * q + 3] = sig[i];
      nl->kind[q] = kind_i[i];
    }
    free(fill);
    /* padding read by whole-vector runs of the first stage, never kept */
    for (size_t q = n; q < n + VT_NEIGHBOR_PAD; q++) {
      nl->kind[q] = 0;
      nl->cell_atoms[q] = -1;
      for (int k = 0; k < 4; k++) nl->cell_x[4 * q + k] = 0.0;
    }
  }
  nl->ncell[0] = nb[0]; nl->ncell[1] = nb[1]; nl->ncell[2] = nb[2];

  nl->brute = 0;

  /* per-thread buffers */
  int nt = 1;
#ifdef _OPENMP
  nt = omp_get_max_threads();
#endif
  if ((size_t)nt > n) nt = n > 0 ? (int)n : 1;
  if (nt > 256) nt = 256;
  if (nt != nl->nthreads) {
    free_tbuf(nl);
    nl->tbuf = calloc(nt, sizeof *nl->tbuf);
    nl->tcap = calloc(nt, sizeof *nl->tcap);
    if (!nl->tbuf || !nl->tcap) { free(nl->tbuf); free(nl->tcap); nl->tbuf = NULL; nl->tcap = NULL; return vt_error(VT_ENOMEM, "out of memory"); }
    nl->nthreads = nt;
  }

  const double bx = s->box[0], by = s->box[1], bz = s->box[2];
  const double hx = 0.5 * bx, hy = 0.5 * by, hz = 0.5 * bz;
  const int *ct = s->type;
  const vt_potential *pot = s->pot;
  const double *cx = nl->cell_x;
  const int *ca = nl->cell_atoms;
  size_t *segoff = nl->segoff;
  size_t *start = nl->start;
  int failed = 0;
  size_t toff[257];
  /* the longest row of bins bounds one run of the first stage; the stencil
   * (at most 5 x 5 rows) bounds the candidates of one particle */
  size_t row_max = 0;
  for (size_t r = 0; r < (size_t)nb[0] * nb[1]; r++) {
    size_t len = cs[(r + 1) * nb[2]] - cs[r * nb[2]];
    if (len > row_max) row_max = len;
  }
  const size_t cand_cap = 25 * row_max + 1;

#pragma omp parallel num_threads(nt)
  {
    int t = 0;
#ifdef _OPENMP
    t = omp_get_thread_num();
#endif
    /* particles in bin order (spatial locality of the stencil scans);
     * thread t takes a contiguous block of that order */
    const size_t p0 = n * (size_t)t / nt, p1 = n * (size_t)(t + 1) / nt;
    int *buf = nl->tbuf[t];
    size_t cap = nl->tcap[t], len = 0;
    /* candidates passing the first stage (bin-sorted index q), and the
     * first stage's verdicts on one contiguous range of bins */
    int *cand = malloc(cand_cap * sizeof *cand);
    int *keep = malloc((row_max + VT_NEIGHBOR_PAD) * sizeof *keep);
    if (!cand || !keep) {
      free(cand); cand = NULL;
#pragma omp atomic write
      failed = 1;
    }
    for (size_t p = p0; p < p1 && cand && keep; p++) {
      const size_t i = (size_t)ca[p];
      const int c = nl->cell_of[i];
      const int cz = c % nb[2], cy = (c / nb[2]) % nb[1], cxx = c / (nb[1] * nb[2]);
      int sx[8], sy[8];  /* reach <= 2: at most 5 bins per axis */
      const int mx = axis_stencil(cxx, nb[0], reach[0], sx);
      const int my = axis_stencil(cy, nb[1], reach[1], sy);
      /* along z the stencil is one or two contiguous runs of bins, and bins
       * of one row are contiguous in the sorted arrays */
      int zr[2][2], nzr;
      if (2 * reach[2] + 1 >= nb[2]) { zr[0][0] = 0; zr[0][1] = nb[2]; nzr = 1; }
      else {
        int z0 = cz - reach[2], z1 = cz + reach[2] + 1;
        if (z0 < 0) { zr[0][0] = z0 + nb[2]; zr[0][1] = nb[2]; zr[1][0] = 0; zr[1][1] = z1; nzr = 2; }
        else if (z1 > nb[2]) { zr[0][0] = z0; zr[0][1] = nb[2]; zr[1][0] = 0; zr[1][1] = z1 - nb[2]; nzr = 2; }
        else { zr[0][0] = z0; zr[0][1] = z1; nzr = 1; }
      }
      const double xi = x[3 * i], yi = x[3 * i + 1], zi = x[3 * i + 2];
      const int ii = (int)i;
      const double *restrict rl2row = rl2tab + VT_NB_KINDS * kind_i[i];
      size_t nc = 0;
      for (int a = 0; a < mx; a++)
        for (int b = 0; b < my; b++) {
          const size_t row = ((size_t)sx[a] * nb[1] + sy[b]) * nb[2];
          for (int r = 0; r < nzr; r++) {
            const size_t q0 = cs[row + zr[r][0]], q1 = cs[row + zr[r][1]];
            const int len_ = (int)(q1 - q0);
            const double *restrict cxq = cx + 4 * q0;
            const int *restrict caq = ca + q0;
            const int *restrict kq = nl->kind + q0;
            /* whole vectors (reading into the next bins or the padding):
             * no scalar remainder */
            const int lenv = (len_ + VT_NEIGHBOR_PAD - 1) & ~(VT_NEIGHBOR_PAD - 1);
#pragma omp simd simdlen(VT_NEIGHBOR_PAD)
            for (int k = 0; k < lenv; k++) {
              double dx = xi - cxq[4 * k], dy = yi - cxq[4 * k + 1], dz = zi - cxq[4 * k + 2];
              dx = dx > hx ? dx - bx : (dx < -hx ? dx + bx : dx);
              dy = dy > hy ? dy - by : (dy < -hy ? dy + by : dy);
              dz = dz > hz ? dz - bz : (dz < -hz ? dz + bz : dz);
              const double r2 = dx * dx + dy * dy + dz * dz;
              keep[k] = (caq[k] > ii) & (r2 < rl2row[kq[k]]);
            }
            if (exact)
              for (int k = 0; k < len_; k++) {
                cand[nc] = caq[k];
                nc += keep[k];
              }
            else
              for (int k = 0; k < len_; k++) {
                cand[nc] = (int)q0 + k;
                nc += keep[k];
              }
          }
        }
      if (len + nc > cap) {
        if (ensure((void **)&buf, &cap, len + nc, sizeof *buf)) {
#pragma omp atomic write
          failed = 1;
          break;
        }
      }
      if (exact) {
        /* the candidates are the list */
        if (nc) memcpy(buf + len, cand, nc * sizeof *buf);  /* buf may still be NULL when empty */
        segoff[i] = len;
        len += nc;
        start[i + 1] = nc;
        continue;
      }
      const double si = sig[i];
      const int ti = ct[i];
      size_t cnt = 0;
      for (size_t k = 0; k < nc; k++) {
        const size_t q = (size_t)cand[k];
        const int j = ca[q];
        double dx = xi - cx[4 * q], dy = yi - cx[4 * q + 1], dz = zi - cx[4 * q + 2];
        dx = dx > hx ? dx - bx : (dx < -hx ? dx + bx : dx);
        dy = dy > hy ? dy - by : (dy < -hy ? dy + by : dy);
        dz = dz > hz ? dz - bz : (dz < -hz ? dz + bz : dz);
        const double r2 = dx * dx + dy * dy + dz * dz;
        const double rlij = vt_potential_cutoff(pot, si, cx[4 * q + 3], ti, ct[j]) + skin;
        buf[len + cnt] = j;
        cnt += (size_t)(r2 < rlij * rlij);
      }
      segoff[i] = len;
      len += cnt;
      start[i + 1] = cnt;
    }
    free(cand);
    free(keep);
    nl->tbuf[t] = buf;
    nl->tcap[t] = cap;
    toff[t + 1] = len;
  }
  if (failed) return vt_error(VT_ENOMEM, "out of memory building the neighbor list");

  toff[0] = 0;
  for (int t = 0; t < nt; t++) toff[t + 1] += toff[t];
  size_t total = toff[nt];
  start[0] = 0;
  for (size_t i = 0; i < n; i++) start[i + 1] += start[i];
  if (total + VT_NEIGHBOR_PAD > nl->cap || !nl->list) {
    free(nl->list);
    nl->cap = total + total / 8 + 2 * VT_NEIGHBOR_PAD;
    nl->list = malloc(nl->cap * sizeof *nl->list);
    if (!nl->list) { nl->cap = 0; return vt_error(VT_ENOMEM, "out of memory for %zu neighbor pairs", total); }
  }
  int *list = nl->list;
#pragma omp parallel num_threads(nt)
  {
    int t = 0;
#ifdef _OPENMP
    t = omp_get_thread_num();
#endif
    const size_t p0 = n * (size_t)t / nt, p1 = n * (size_t)(t + 1) / nt;
    const int *tb = nl->tbuf[t];
    for (size_t p = p0; p < p1; p++) {
      const size_t i = (size_t)ca[p];
      if (start[i + 1] > start[i]) memcpy(list + start[i], tb + segoff[i], (start[i + 1] - start[i]) * sizeof *list);
    }
  }
  for (int k = 0; k < VT_NEIGHBOR_PAD; k++) list[total + k] = 0;
  memcpy(nl->x0, s->x, 3 * n * sizeof(double));
  nl->cutoff = rc;
  nl->skin = skin;
  nl->skin_asked = s->skin;
  memcpy(nl->box, s->box, sizeof nl->box);
  nl->sigma_version = s->sigma_version;
  nl->pot = s->pot;
  nl->builds++;
  return 0;
}

int vt_neighbor_update(vt_system *s, int *rebuilt)
{
  if (rebuilt) *rebuilt = 0;
  if (!s->pot) return vt_error(VT_EINVAL, "the system has no potential (set one with set_potential)");
  if (!s->nl) {
    s->nl = calloc(1, sizeof *s->nl);
    if (!s->nl) return vt_error(VT_ENOMEM, "out of memory");
  }
  if (s->nl->pot && !needs_rebuild(s, s->nl)) return 0;
  int rc = build(s, s->nl);
  if (rc) { s->nl->pot = NULL; return rc; }
  if (rebuilt) *rebuilt = 1;
  return 0;
}
