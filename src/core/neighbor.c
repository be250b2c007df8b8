/* Cell list + Verlet half lists, and the full list as an option (see
 * neighbor.h). The build runs in stages (build() at the end): radius and
 * checks, arrays, classes of pair radii, bins and the sort, thread blocks,
 * the scan, concatenation, and the full list's transpose.
 *
 * Bins: n_d = floor(L_d / (r_l / 2)) per axis (at least 1), r_l = largest
 * cutoff + skin, so a bin is at least r_l/2 wide and every partner of a
 * particle lies within `reach` = ceil(r_l / width) <= 2 bins of its own. When
 * 2 reach + 1 >= n_d the stencil covers the whole axis and each bin of it is
 * visited once, which is what makes small boxes (down to the 2 r_l the
 * minimum image needs) take the same path as large ones.
 *
 * The particles are sorted by bin (a counting sort, stable in the system's
 * order, so the sorted order is a function of the positions alone), and
 * their positions copied in that order. The list pairs sorted positions
 * q > p: since bins are numbered in sorted order, the partners of p lie in
 * the stencil bins numbered from p's own bin up, each run of bins clipped to
 * q > p (half the candidates of a full stencil). The test is branch-free:
 * r^2 below the tabulated radius of the two particles' classes, or below
 * (a_p + a_q + skin)^2 for continuous polydispersity with additive cutoffs
 * (per-particle radii a), else below the largest radius and then, in a
 * second stage, below the model's own (cutoff_ij + skin)^2; and each
 * thread appends to its own buffer for a contiguous block of p, so one pass
 * builds the list; the buffers are then concatenated in thread order. The
 * public list in the system's indices is derived from it on demand. */
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
#define VT_NB_MAXT 256

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
  free(nl->perm); free(nl->rank); free(nl->sstart); free(nl->slist); free(nl->fstart); free(nl->flist); free(nl->xs); free(nl->ts); free(nl->rad);
  free(nl->cell_start); free(nl->cell_of); free(nl->kind);
  free_tbuf(nl);
  free(nl);
}

void vt_neighbor_invalidate(vt_system *s)
{
  if (s->nl) s->nl->pot = NULL;
}

/* The options a build must have: those asked for, and the full list for a
 * many-body model. */
static vt_neighbor_opts wanted_opts(const vt_system *s, const vt_neighbor *nl)
{
  vt_neighbor_opts o = nl->asked;
  if (!vt_potential_is_pairwise(s->pot)) o.full = 1;
  return o;
}

static int needs_rebuild(const vt_system *s, const vt_neighbor *nl, const vt_neighbor_opts *o)
{
  if (o->full && !nl->opts.full) return 1;
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
  for (int o = -reach; o <= reach; o++) {
    const int a = c + o;   /* within one period of [0, nb): no division */
    out[o + reach] = a < 0 ? a + nb : (a >= nb ? a - nb : a);
  }
  return 2 * reach + 1;
}

/* Relative build work of a particle in x slab a (see the blocks in build):
 * the stencil slabs after its own in sorted order, half its own, and one
 * for the per-particle set-up (measured). When the stencil covers the
 * whole axis (small boxes), every slab after its own, once, and half its
 * own; the set-up is then small against scans of whole slabs (measured at
 * N = 500: the two threads' build times within 2-10%, where equal
 * weights gave them 3/4 and 1/4 of the work). */
static inline double slab_weight(int a, int nb, int reach)
{
  if (2 * reach + 1 >= nb) return 0.5 + (double)(nb - 1 - a);
  double w = 1.5;
  for (int o = -reach; o <= reach; o++) w += (o > 0 && a + o < nb) || (o < 0 && a + o < 0);
  return w;
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

/* Squared distance, lowered by margin, from a particle at coordinate xi in
 * bin c to the near face of bin c + o along one axis (0 for the particle's
 * own bin, or when the axis is not pruned: its stencil covers the box). */
static inline double bin_gap2(int o, int c, double xi, double w, int pruned, double margin)
{
  double d = pruned ? (o > 0 ? (c + o) * w - xi : (o < 0 ? xi - (c + o + 1) * w : 0.0)) - margin : 0.0;
  return d > 0 ? d * d : 0.0;
}

/* What the stages of a build share. */
typedef struct build_ctx {
  double rc, skin, rl;              /* largest cutoff, skin in use, list radius rc + skin */
  int exact, nkind, additive;       /* classes tabulated; radii sums usable */
  double amax;                      /* largest per-particle radius (additive) */
  double rl2tab[VT_NB_KINDS * VT_NB_KINDS];
  int nb[3], reach[3];
  double inv_w[3];
  int nt;
  size_t pcut[VT_NB_MAXT + 1], toff[VT_NB_MAXT + 1];
} build_ctx;

/* Stage 1: the list radius, the skin the box allows, and the state checks
 * (finite positions, wrapped into the box). A box shorter than 2 (cutoff +
 * skin) but longer than 2 cutoff keeps the minimum-image convention exact
 * with a thinner skin (the list is rebuilt more often); only a box under
 * two cutoffs is refused. */
static int stage_radius(vt_system *s, build_ctx *c)
{
  c->rc = vt_potential_max_cutoff(s->pot, s);
  c->skin = s->skin;
  if (!(c->rc > 0 && isfinite(c->rc)))
    return vt_error(VT_EINVAL, "potential %s reports cutoff %g", s->pot->type->name, c->rc);
  double lmin = fmin(s->box[0], fmin(s->box[1], s->box[2]));
  if (lmin < 2.0 * (c->rc + c->skin) && lmin > 2.0 * c->rc) c->skin = fmax(0.0, (0.5 * lmin - c->rc) * (1.0 - 1e-12));
  c->rl = c->rc + c->skin;
  for (int k = 0; k < 3; k++)
    if (s->box[k] < 2.0 * c->rl)
      return vt_error(VT_ERANGE,
                      "box length %c = %g is shorter than twice the largest cutoff (2 x %g = %g); "
                      "use more particles",
                      "xyz"[k], s->box[k], c->rc, 2.0 * c->rc);
  int rc_ = vt_system_check_finite(s);
  if (rc_) return rc_;
  vt_system_wrap(s);
  return 0;
}

/* Stage 2: the per-particle arrays for n particles (kept while n is). */
static int stage_alloc(vt_neighbor *nl, size_t n)
{
  if (nl->n == n && nl->sstart) return 0;
  free(nl->start); free(nl->x0); free(nl->cell_of); free(nl->perm); free(nl->rank); free(nl->xs); free(nl->ts);
  free(nl->kind); free(nl->rad);
  free(nl->sstart); free(nl->fstart);
  free(nl->list); nl->list = NULL; nl->cap = 0;   /* the public list, derived on demand */
  nl->start = NULL;
  nl->fstart = NULL;
  nl->public_build = 0;
  nl->sstart = malloc((n + 1) * sizeof *nl->sstart);
  nl->x0 = malloc(3 * n * sizeof *nl->x0);
  nl->cell_of = malloc(n * sizeof *nl->cell_of);
  nl->perm = malloc((n + VT_NEIGHBOR_PAD) * sizeof *nl->perm);
  nl->rank = malloc((n + 1) * sizeof *nl->rank);
  /* 32-byte records on 32-byte boundaries: the kernels load them whole */
  nl->xs = aligned_alloc(64, (4 * (n + VT_NEIGHBOR_PAD) * sizeof *nl->xs + 63) & ~(size_t)63);
  nl->ts = malloc((n + VT_NEIGHBOR_PAD) * sizeof *nl->ts);
  nl->kind = malloc((2 * n + VT_NEIGHBOR_PAD) * sizeof *nl->kind);
  nl->rad = malloc((n + VT_NEIGHBOR_PAD) * sizeof *nl->rad);
  nl->n = n;
  if (!nl->sstart || !nl->x0 || !nl->cell_of || !nl->perm || !nl->rank || !nl->xs || !nl->ts || !nl->kind ||
      !nl->rad) {
    nl->n = 0;
    return vt_error(VT_ENOMEM, "out of memory");
  }
  return 0;
}

/* Stage 3: pair radii. When the particles fall into at most VT_NB_KINDS
 * classes of equal (diameter, type), as in any mixture of species, the
 * squared list radius (cutoff_ij + skin)^2 of every class pair is
 * tabulated and the scan's first test is already the exact one (and the
 * largest radius is exact too, whatever the model's mixing rule).
 * Otherwise (continuous polydispersity), when the model's cutoffs are sums
 * of per-particle radii (additive mixing: vt_potential_radius), the scan
 * tests (a_p + a_q + skin)^2, enlarged by 1e-12 so that the round-off
 * between a_p + a_q and the model's cutoff_ij never drops a pair (the
 * kernels test the model's own cutoff); failing that, the first test is
 * against the largest radius and a second one asks the model for
 * cutoff_ij. */
static int stage_classes(vt_system *s, vt_neighbor *nl, build_ctx *c)
{
  const size_t n = s->n;
  double ksig[VT_NB_KINDS];
  int ktyp[VT_NB_KINDS];
  c->nkind = 0;
  c->exact = 1;
  int *kind_i = nl->kind + n + VT_NEIGHBOR_PAD;   /* by particle; nl->kind: by bin order */
  for (size_t i = 0; i < n; i++) {
    int k = 0;
    while (k < c->nkind && !(ksig[k] == s->sigma[i] && ktyp[k] == s->type[i])) k++;
    if (k == c->nkind) {
      if (c->nkind == VT_NB_KINDS) { c->exact = 0; break; }
      ksig[k] = s->sigma[i]; ktyp[k] = s->type[i]; c->nkind++;
    }
    kind_i[i] = k;
  }
  if (c->exact) {
    for (int a = 0; a < c->nkind; a++)
      for (int b = 0; b < c->nkind; b++) {
        double cut = vt_potential_cutoff(s->pot, ksig[a], ksig[b], ktyp[a], ktyp[b]);
        if (cut > c->rc) c->rc = cut;
        c->rl2tab[a * VT_NB_KINDS + b] = (cut + c->skin) * (cut + c->skin);
      }
    c->rl = c->rc + c->skin;
  } else {
    memset(nl->kind, 0, (2 * n + VT_NEIGHBOR_PAD) * sizeof *nl->kind);
    for (int k = 0; k < VT_NB_KINDS * VT_NB_KINDS; k++) c->rl2tab[k] = c->rl * c->rl;
  }
  /* sums of radii (filled in the sort): every radius must be a number >= 0 */
  c->additive = !c->exact;
  c->amax = 0.0;
  for (int k = 0; k < 3; k++)
    if (s->box[k] < 2.0 * c->rl)
      return vt_error(VT_ERANGE,
                      "box length %c = %g is shorter than twice the largest cutoff plus skin (2 x (%g + %g) = %g); "
                      "use more particles or a smaller skin",
                      "xyz"[k], s->box[k], c->rc, c->skin, 2.0 * c->rl);
  return 0;
}

/* Stage 4: bins of width >= rl/2, and the counting sort of the particles
 * by bin with their sorted copies (positions, diameters, types, classes,
 * radii). */
static int stage_sort(vt_system *s, vt_neighbor *nl, build_ctx *c)
{
  const size_t n = s->n;
  for (int k = 0; k < 3; k++) {
    c->nb[k] = (int)(s->box[k] / (0.5 * c->rl * (1.0 + 1e-10)));
    if (c->nb[k] < 1) c->nb[k] = 1;
    double w = s->box[k] / c->nb[k];
    c->inv_w[k] = 1.0 / w;
    c->reach[k] = (int)ceil(c->rl / w - 1e-12);
    if (c->reach[k] < 1) c->reach[k] = 1;
    if (c->reach[k] > 2) c->reach[k] = 2;   /* w >= rl/2; guards round-off only */
  }
  const int *nb = c->nb;
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
    int cell = (bin_of(x[3 * i], c->inv_w[0], nb[0]) * nb[1] + bin_of(x[3 * i + 1], c->inv_w[1], nb[1])) * nb[2] +
               bin_of(x[3 * i + 2], c->inv_w[2], nb[2]);
    nl->cell_of[i] = cell;
    cs[cell + 1]++;
  }
  for (size_t k = 0; k < ncells; k++) cs[k + 1] += cs[k];
  size_t *fill = malloc(ncells * sizeof *fill);
  if (!fill) return vt_error(VT_ENOMEM, "out of memory");
  memcpy(fill, cs, ncells * sizeof *fill);
  const int *kind_i = nl->kind + n + VT_NEIGHBOR_PAD;
  for (size_t i = 0; i < n; i++) {
    size_t q = fill[nl->cell_of[i]]++;
    nl->perm[q] = (int)i;
    nl->rank[i] = (int)q;
    nl->xs[4 * q] = x[3 * i];
    nl->xs[4 * q + 1] = x[3 * i + 1];
    nl->xs[4 * q + 2] = x[3 * i + 2];
    nl->xs[4 * q + 3] = sig[i];
    nl->ts[q] = s->type[i];
    nl->kind[q] = c->exact ? kind_i[i] : 0;
    if (c->additive) {
      const double a = vt_potential_radius(s->pot, sig[i], s->type[i]);
      nl->rad[q] = a;
      if (!(a >= 0.0 && a <= c->rc)) c->additive = 0;
      else if (a > c->amax) c->amax = a;
    } else
      nl->rad[q] = 0.0;
  }
  free(fill);
  /* padding read by whole-vector runs of the scan, never kept */
  for (size_t q = n; q < n + VT_NEIGHBOR_PAD; q++) {
    nl->kind[q] = 0;
    nl->perm[q] = 0;
    nl->ts[q] = 1;
    nl->rad[q] = 0.0;
    for (int k = 0; k < 4; k++) nl->xs[4 * q + k] = 0.0;
  }
  nl->ncell[0] = nb[0]; nl->ncell[1] = nb[1]; nl->ncell[2] = nb[2];
  nl->brute = 0;
  return 0;
}

/* Stage 5: per-thread buffers, and blocks of about equal work. With a half
 * stencil a particle scans the stencil's x slabs that come after its own
 * in sorted order, which near the box's x faces (where the stencil wraps)
 * is more or fewer than the 2.5 slabs of the interior. Weight each slab so
 * (slab_weight: the threads' build times then agree within 2%); the list
 * does not depend on the blocks, only the threads' balance does. */
static int stage_blocks(const vt_system *s, vt_neighbor *nl, build_ctx *c)
{
  const size_t n = s->n;
  int nt = 1;
#ifdef _OPENMP
  nt = omp_get_max_threads();
#endif
  if ((size_t)nt > n) nt = n > 0 ? (int)n : 1;
  if (nt > VT_NB_MAXT) nt = VT_NB_MAXT;
  if (nt != nl->nthreads) {
    free_tbuf(nl);
    nl->tbuf = calloc(nt, sizeof *nl->tbuf);
    nl->tcap = calloc(nt, sizeof *nl->tcap);
    if (!nl->tbuf || !nl->tcap) { free(nl->tbuf); free(nl->tcap); nl->tbuf = NULL; nl->tcap = NULL; return vt_error(VT_ENOMEM, "out of memory"); }
    nl->nthreads = nt;
  }
  c->nt = nt;
  const int *nb = c->nb;
  const size_t *cs = nl->cell_start;
  const size_t slab = (size_t)nb[1] * nb[2];
  double total = 0.0;
  for (int a = 0; a < nb[0]; a++) total += slab_weight(a, nb[0], c->reach[0]) * (double)(cs[(a + 1) * slab] - cs[a * slab]);
  size_t *pcut = c->pcut;
  pcut[0] = 0;
  int a = 0;
  double acc = 0.0;
  for (int t = 1; t < nt; t++) {
    const double want = total * t / nt;
    size_t cut = n;
    for (; a < nb[0]; a++) {
      const double w = slab_weight(a, nb[0], c->reach[0]);
      const size_t q0 = cs[a * slab], q1 = cs[(a + 1) * slab];
      const double slab_cost = w * (double)(q1 - q0);
      if (acc + slab_cost >= want) {
        cut = q0 + (size_t)((want - acc) / w);
        if (cut > q1) cut = q1;
        break;
      }
      acc += slab_cost;
    }
    pcut[t] = cut < pcut[t - 1] ? pcut[t - 1] : cut;
  }
  pcut[nt] = n;
  return 0;
}

/* Stage 6: the scan. Each thread appends the partners q > p of its block
 * of sorted particles p to its own buffer (sstart[p + 1] = their count). */
static int stage_scan(const vt_system *s, vt_neighbor *nl, build_ctx *c)
{
  const int *nb = c->nb, *reach = c->reach;
  const double *inv_w = c->inv_w;
  const size_t *cs = nl->cell_start;
  const double skin = c->skin, rl = c->rl;
  const int exact = c->exact, additive = c->additive;
  const double amax = c->amax;
  const double *rl2tab = c->rl2tab;
  const int nt = c->nt;
  const double bx = s->box[0], by = s->box[1], bz = s->box[2];
  const double hx = 0.5 * bx, hy = 0.5 * by, hz = 0.5 * bz;
  const int *ts = nl->ts;
  const vt_potential *pot = s->pot;
  const double *cx = nl->xs;
  size_t *sstart = nl->sstart;
  const int *kq_all = nl->kind;
  const double *rad_all = nl->rad;
  const double grow = 1.0 + 1e-12;   /* the radius sums' allowance for round-off */
  int failed = 0;
  /* the longest row of bins bounds one run of the first test; the stencil
   * (at most 5 x 5 rows) bounds the candidates of one particle */
  size_t row_max = 0;
  for (size_t r = 0; r < (size_t)nb[0] * nb[1]; r++) {
    size_t len = cs[(r + 1) * nb[2]] - cs[r * nb[2]];
    if (len > row_max) row_max = len;
  }
  const size_t cand_cap = 25 * row_max + 1;
  const int nb12 = nb[1] * nb[2];
  /* largest squared list radius of each class, bin widths, pruning margin */
  double rl2max[VT_NB_KINDS], wb[3];
  for (int a = 0; a < VT_NB_KINDS; a++) {
    rl2max[a] = exact ? 0.0 : rl * rl;
    for (int b = 0; exact && a < c->nkind && b < c->nkind; b++)
      if (rl2tab[a * VT_NB_KINDS + b] > rl2max[a]) rl2max[a] = rl2tab[a * VT_NB_KINDS + b];
  }
  for (int k = 0; k < 3; k++) wb[k] = s->box[k] / nb[k];
  const double margin = 1e-9 * (rl + fmax(s->box[0], fmax(s->box[1], s->box[2])));

#pragma omp parallel num_threads(nt)
  {
    int t = 0;
#ifdef _OPENMP
    t = omp_get_thread_num();
#endif
    /* thread t takes a contiguous block of the sorted particles */
    const size_t p0 = c->pcut[t], p1 = c->pcut[t + 1];
    int *buf = nl->tbuf[t];
    size_t cap = nl->tcap[t], len = 0;
    /* candidates passing the first test (sorted index q), and the first
     * test's verdicts on one contiguous range of bins */
    int *cand = malloc(cand_cap * sizeof *cand);
    int *keep = malloc((row_max + VT_NEIGHBOR_PAD) * sizeof *keep);
    if (!cand || !keep) {
      free(cand); cand = NULL;
#pragma omp atomic write
      failed = 1;
    }
    for (size_t p = p0; p < p1 && cand && keep; p++) {
      const int cell = nl->cell_of[nl->perm[p]];
      const int cxx = cell / nb12, cy = (cell - cxx * nb12) / nb[2], cz = cell - cxx * nb12 - cy * nb[2];
      int sx[8], sy[8];  /* reach <= 2: at most 5 bins per axis */
      const int mx = axis_stencil(cxx, nb[0], reach[0], sx);
      const int my = axis_stencil(cy, nb[1], reach[1], sy);
      const double xi = cx[4 * p], yi = cx[4 * p + 1], zi = cx[4 * p + 2];
      const double *restrict rl2row = rl2tab + VT_NB_KINDS * kq_all[p];
      /* Pruning by the particle's own position: the distance from it to
       * each stencil row of bins (x, y) and, within a row, the range of z
       * bins inside its largest list radius (a sphere, not 5 x 5 x 5 bins).
       * Distances are lowered by a margin far above round-off, so no pair
       * within the radius is lost; an axis whose stencil covers the whole
       * box is not pruned. */
      const double ap = rad_all[p] + skin;
      const double rli2 = additive ? (ap + amax) * (ap + amax) * grow : rl2max[kq_all[p]];
      double ddx[8], ddy[8];
      for (int a = 0; a < mx; a++) ddx[a] = bin_gap2(a - reach[0], cxx, xi, wb[0], 2 * reach[0] + 1 < nb[0], margin);
      for (int b = 0; b < my; b++) ddy[b] = bin_gap2(b - reach[1], cy, yi, wb[1], 2 * reach[1] + 1 < nb[1], margin);
      size_t nc = 0;
      for (int a = 0; a < mx; a++)
        for (int b = 0; b < my; b++) {
          const double dxy2 = ddx[a] + ddy[b];
          if (dxy2 >= rli2) continue;
          const size_t row = ((size_t)sx[a] * nb[1] + sy[b]) * nb[2];
          if (cs[row + nb[2]] <= p + 1) continue;   /* the whole row is at or before p */
          /* along z the bins within reach are one or two contiguous runs
           * (bins of one row are contiguous in the sorted arrays) */
          int zr[2][2], nzr;
          if (2 * reach[2] + 1 >= nb[2]) { zr[0][0] = 0; zr[0][1] = nb[2]; nzr = 1; }
          else {
            const double h = sqrt(rli2 - dxy2) + margin;
            int z0 = (int)floor((zi - h) * inv_w[2]), z1 = (int)floor((zi + h) * inv_w[2]) + 1;
            if (z0 < cz - reach[2]) z0 = cz - reach[2];
            if (z1 > cz + reach[2] + 1) z1 = cz + reach[2] + 1;
            if (z0 < 0) { zr[0][0] = z0 + nb[2]; zr[0][1] = nb[2]; zr[1][0] = 0; zr[1][1] = z1; nzr = 2; }
            else if (z1 > nb[2]) { zr[0][0] = z0; zr[0][1] = nb[2]; zr[1][0] = 0; zr[1][1] = z1 - nb[2]; nzr = 2; }
            else { zr[0][0] = z0; zr[0][1] = z1; nzr = 1; }
          }
          for (int r = 0; r < nzr; r++) {
            /* half stencil: only q > p (a run is empty when it ends at or before p) */
            size_t q0 = cs[row + zr[r][0]];
            const size_t q1 = cs[row + zr[r][1]];
            if (q0 <= p) q0 = p + 1;
            if (q1 <= q0) continue;
            const int len_ = (int)(q1 - q0);
            const double *restrict cxq = cx + 4 * q0;
            const int *restrict kq = kq_all + q0;
            const double *restrict aq = rad_all + q0;
            /* whole vectors (reading into the next bins or the padding):
             * no scalar remainder */
            const int lenv = (len_ + VT_NEIGHBOR_PAD - 1) & ~(VT_NEIGHBOR_PAD - 1);
#pragma omp simd simdlen(VT_NEIGHBOR_PAD)
            for (int k = 0; k < lenv; k++) {
              double dx = xi - cxq[4 * k], dy = yi - cxq[4 * k + 1], dz = zi - cxq[4 * k + 2];
              dx = dx > hx ? dx - bx : (dx < -hx ? dx + bx : dx);
              dy = dy > hy ? dy - by : (dy < -hy ? dy + by : dy);
              dz = dz > hz ? dz - bz : (dz < -hz ? dz + bz : dz);
              const double r2 = dx * dx + dy * dy + dz * dz, rlij = ap + aq[k];
              keep[k] = r2 < (additive ? rlij * rlij * grow : rl2row[kq[k]]);
            }
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
      if (exact || additive) {
        /* the candidates are the list */
        if (nc) memcpy(buf + len, cand, nc * sizeof *buf);  /* buf may still be NULL when empty */
        len += nc;
        sstart[p + 1] = nc;
        continue;
      }
      const double si = cx[4 * p + 3];
      const int ti = ts[p];
      size_t cnt = 0;
      for (size_t k = 0; k < nc; k++) {
        const size_t q = (size_t)cand[k];
        double dx = xi - cx[4 * q], dy = yi - cx[4 * q + 1], dz = zi - cx[4 * q + 2];
        dx = dx > hx ? dx - bx : (dx < -hx ? dx + bx : dx);
        dy = dy > hy ? dy - by : (dy < -hy ? dy + by : dy);
        dz = dz > hz ? dz - bz : (dz < -hz ? dz + bz : dz);
        const double r2 = dx * dx + dy * dy + dz * dz;
        const double rlij = vt_potential_cutoff(pot, si, cx[4 * q + 3], ti, ts[q]) + skin;
        buf[len + cnt] = (int)q;
        cnt += (size_t)(r2 < rlij * rlij);
      }
      len += cnt;
      sstart[p + 1] = cnt;
    }
    free(cand);
    free(keep);
    nl->tbuf[t] = buf;
    nl->tcap[t] = cap;
    c->toff[t + 1] = len;
  }
  if (failed) return vt_error(VT_ENOMEM, "out of memory building the neighbor list");
  return 0;
}

/* Stage 7: the threads' buffers concatenated into the half list (the
 * blocks are in sorted order: each buffer is one piece), and the reference
 * positions of the rebuild check. */
static int stage_concat(const vt_system *s, vt_neighbor *nl, build_ctx *c)
{
  const size_t n = s->n;
  const int nt = c->nt;
  size_t *toff = c->toff, *sstart = nl->sstart;
  toff[0] = 0;
  for (int t = 0; t < nt; t++) toff[t + 1] += toff[t];
  size_t total = toff[nt];
  sstart[0] = 0;
  for (size_t p = 0; p < n; p++) sstart[p + 1] += sstart[p];
  if (total + VT_NEIGHBOR_PAD > nl->scap || !nl->slist) {
    free(nl->slist);
    nl->scap = total + total / 8 + 2 * VT_NEIGHBOR_PAD;
    nl->slist = malloc(nl->scap * sizeof *nl->slist);
    if (!nl->slist) { nl->scap = 0; return vt_error(VT_ENOMEM, "out of memory for %zu neighbor pairs", total); }
  }
  int *slist = nl->slist;
#pragma omp parallel num_threads(nt)
  {
    int t = 0;
#ifdef _OPENMP
    t = omp_get_thread_num();
#endif
    if (toff[t + 1] > toff[t]) memcpy(slist + toff[t], nl->tbuf[t], (toff[t + 1] - toff[t]) * sizeof *slist);
    const size_t i0 = n * (size_t)t / nt, i1 = n * (size_t)(t + 1) / nt;
    if (i1 > i0) memcpy(nl->x0 + 3 * i0, s->x + 3 * i0, 3 * (i1 - i0) * sizeof(double));
  }
  for (int k = 0; k < VT_NEIGHBOR_PAD; k++) slist[total + k] = 0;
  return 0;
}

/* Stage 8 (option full): the full list from the half one, a transpose.
 * Partners of sorted p: first every q < p that lists p (in increasing q),
 * then p's own half-list partners in their order. O(pairs), serial (its
 * cost is a small part of the scan's). */
static int stage_full(vt_neighbor *nl)
{
  const size_t n = nl->n, half = nl->sstart[n], total = 2 * half;
  if (!nl->fstart && !(nl->fstart = malloc((n + 1) * sizeof *nl->fstart)))
    return vt_error(VT_ENOMEM, "out of memory");
  if (total + VT_NEIGHBOR_PAD > nl->fcap || !nl->flist) {
    free(nl->flist);
    nl->fcap = total + total / 8 + 2 * VT_NEIGHBOR_PAD;
    nl->flist = malloc(nl->fcap * sizeof *nl->flist);
    if (!nl->flist) { nl->fcap = 0; return vt_error(VT_ENOMEM, "out of memory for %zu neighbor entries", total); }
  }
  size_t *fs = nl->fstart, *pos = malloc((n + 1) * sizeof *pos);
  if (!pos) return vt_error(VT_ENOMEM, "out of memory");
  const size_t *ss = nl->sstart;
  const int *sl = nl->slist;
  int *fl = nl->flist;
  /* lower partners of q: how often q appears in earlier rows */
  memset(fs, 0, (n + 1) * sizeof *fs);
  for (size_t e = 0; e < half; e++) fs[sl[e] + 1]++;
  for (size_t p = 0; p < n; p++) fs[p + 1] += fs[p] + (ss[p + 1] - ss[p]);
  for (size_t p = 0; p < n; p++) pos[p] = fs[p];
  for (size_t p = 0; p < n; p++)
    for (size_t e = ss[p]; e < ss[p + 1]; e++) fl[pos[sl[e]]++] = (int)p;
  for (size_t p = 0; p < n; p++) {
    memcpy(fl + pos[p], sl + ss[p], (ss[p + 1] - ss[p]) * sizeof *fl);
  }
  free(pos);
  for (int k = 0; k < VT_NEIGHBOR_PAD; k++) fl[total + k] = 0;
  return 0;
}

static int build(vt_system *s, vt_neighbor *nl, const vt_neighbor_opts *opts)
{
  build_ctx c;
  int rc;
  if ((rc = stage_radius(s, &c)) || (rc = stage_alloc(nl, s->n)) || (rc = stage_classes(s, nl, &c)) ||
      (rc = stage_sort(s, nl, &c)) || (rc = stage_blocks(s, nl, &c)) || (rc = stage_scan(s, nl, &c)) ||
      (rc = stage_concat(s, nl, &c)))
    return rc;
  if (opts->full && (rc = stage_full(nl))) return rc;
  nl->opts = *opts;
  nl->cutoff = c.rc;
  nl->skin = c.skin;
  nl->skin_asked = s->skin;
  memcpy(nl->box, s->box, sizeof nl->box);
  nl->sigma_version = s->sigma_version;
  nl->pot = s->pot;
  nl->builds++;
  return 0;
}
/* The public list from the private one: each pair (p, q) becomes partner
 * max(i, j) of min(i, j) in the system's indices, and every particle's
 * partners are sorted (so the list does not depend on the bins). Two
 * counting sorts, O(pairs): the pairs are first grouped by their larger
 * index, then dealt out in that order to the rows of their smaller one. */
static int derive_public(vt_neighbor *nl)
{
  const size_t n = nl->n, total = nl->sstart[n];
  if (!nl->start && !(nl->start = malloc((n + 1) * sizeof *nl->start)))
    return vt_error(VT_ENOMEM, "out of memory");
  if (total + VT_NEIGHBOR_PAD > nl->cap || !nl->list) {
    free(nl->list);
    nl->cap = total + total / 8 + 2 * VT_NEIGHBOR_PAD;
    nl->list = malloc(nl->cap * sizeof *nl->list);
    if (!nl->list) { nl->cap = 0; return vt_error(VT_ENOMEM, "out of memory for %zu neighbor pairs", total); }
  }
  size_t *pos = malloc((n + 1) * sizeof *pos), *hstart = calloc(n + 1, sizeof *hstart);
  int *lo = malloc((total ? total : 1) * sizeof *lo);
  if (!pos || !hstart || !lo) { free(pos); free(hstart); free(lo); return vt_error(VT_ENOMEM, "out of memory"); }
  size_t *start = nl->start;
  const int *perm = nl->perm, *slist = nl->slist;
  const size_t *sstart = nl->sstart;
  memset(start, 0, (n + 1) * sizeof *start);
  for (size_t p = 0; p < n; p++) {
    const int i = perm[p];
    for (size_t e = sstart[p]; e < sstart[p + 1]; e++) {
      const int j = perm[slist[e]];
      start[(j < i ? j : i) + 1]++;
      hstart[(j < i ? i : j) + 1]++;
    }
  }
  for (size_t i = 0; i < n; i++) { start[i + 1] += start[i]; hstart[i + 1] += hstart[i]; }
  memcpy(pos, hstart, (n + 1) * sizeof *pos);
  for (size_t p = 0; p < n; p++) {     /* the smaller index of each pair, grouped by the larger */
    const int i = perm[p];
    for (size_t e = sstart[p]; e < sstart[p + 1]; e++) {
      const int j = perm[slist[e]];
      if (j < i) lo[pos[i]++] = j;
      else lo[pos[j]++] = i;
    }
  }
  memcpy(pos, start, (n + 1) * sizeof *pos);
  int *list = nl->list;
  for (size_t h = 0; h < n; h++)       /* larger indices ascending: each row comes out sorted */
    for (size_t e = hstart[h]; e < hstart[h + 1]; e++) list[pos[lo[e]]++] = (int)h;
  free(pos); free(hstart); free(lo);
  for (int k = 0; k < VT_NEIGHBOR_PAD; k++) list[total + k] = 0;
  nl->public_build = nl->builds;
  return 0;
}

int vt_neighbor_refresh(vt_system *s, int *rebuilt)
{
  if (rebuilt) *rebuilt = 0;
  if (!s->pot) return vt_error(VT_EINVAL, "the system has no potential (set one with set_potential)");
  if (!s->nl) {
    s->nl = calloc(1, sizeof *s->nl);
    if (!s->nl) return vt_error(VT_ENOMEM, "out of memory");
  }
  const vt_neighbor_opts o = wanted_opts(s, s->nl);
  if (s->nl->pot && !needs_rebuild(s, s->nl, &o)) return 0;
  int rc = build(s, s->nl, &o);
  if (rc) { s->nl->pot = NULL; return rc; }
  if (rebuilt) *rebuilt = 1;
  return 0;
}

int vt_neighbor_set_opts(vt_system *s, const vt_neighbor_opts *opts)
{
  if (!opts) return vt_error(VT_EINVAL, "neighbor options: NULL");
  if (!s->nl) {
    s->nl = calloc(1, sizeof *s->nl);
    if (!s->nl) return vt_error(VT_ENOMEM, "out of memory");
  }
  s->nl->asked = *opts;
  return 0;
}

int vt_neighbor_update(vt_system *s, int *rebuilt)
{
  int rc = vt_neighbor_refresh(s, rebuilt);
  if (rc) return rc;
  if (s->nl->public_build != s->nl->builds) {
    rc = derive_public(s->nl);
    if (rc) { s->nl->pot = NULL; return rc; }
  }
  return 0;
}
