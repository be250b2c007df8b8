/* Cell lists with canonical (index-sorted) cells and the single-particle
 * energy query used by local Monte Carlo (see cells.h). */
#include "core/cells.h"
#include "core/error.h"
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Many-body models cannot be written as a sum of pair energies, so the
 * local energy change of one particle is not a sum over its neighbours'
 * pair terms: they are refused through the interface's own test. */
int vt_cells_check_model(const vt_potential *p, const char *who)
{
  int rc = vt_potential_need_pairwise(p, who);
  if (rc) return rc;
  if (!p->type->pair || !p->type->cutoff)
    return vt_error(VT_EINVAL, "%s: model '%s' has no pair function", who, p->type->name);
  return 0;
}

static inline int cell_coord(double x, double L, int nc)
{
  double u = x / L;
  u -= floor(u);                       /* into [0, 1) (drifted positions too) */
  int k = (int)(u * nc);
  if (k >= nc) k = nc - 1;             /* round-off at the upper edge */
  if (k < 0) k = 0;
  return k;
}

size_t vt_cells_index(const vt_cells *c, const double x[3])
{
  int a = cell_coord(x[0], c->box[0], c->ncell[0]);
  int b = cell_coord(x[1], c->box[1], c->ncell[1]);
  int d = cell_coord(x[2], c->box[2], c->ncell[2]);
  return ((size_t)d * (size_t)c->ncell[1] + (size_t)b) * (size_t)c->ncell[0] + (size_t)a;
}

void vt_cells_free(vt_cells *c)
{
  if (!c) return;
  free(c->count);
  free(c->member);
  free(c->cell_of);
  free(c->stencil);
  free(c);
}

/* Double every cell's capacity, keeping the members. */
static int grow(vt_cells *c)
{
  size_t cap = 2 * c->cap;
  if (cap > SIZE_MAX / sizeof(size_t) / c->ncells) return vt_error(VT_ENOMEM, "cells: too many particles in one cell");
  size_t *m = malloc(c->ncells * cap * sizeof *m);
  if (!m) return vt_error(VT_ENOMEM, "cells: out of memory");
  for (size_t k = 0; k < c->ncells; k++)
    memcpy(m + k * cap, c->member + k * c->cap, (size_t)c->count[k] * sizeof *m);
  free(c->member);
  c->member = m;
  c->cap = cap;
  return 0;
}

/* Insert i into cell k at its sorted place. */
static int insert(vt_cells *c, size_t k, size_t i)
{
  if ((size_t)c->count[k] == c->cap) {
    int rc = grow(c);
    if (rc) return rc;
  }
  size_t *m = c->member + k * c->cap;
  int q = c->count[k];
  while (q > 0 && m[q - 1] > i) { m[q] = m[q - 1]; q--; }
  m[q] = i;
  c->count[k]++;
  c->cell_of[i] = k;
  return 0;
}

static void take_out(vt_cells *c, size_t k, size_t i)
{
  size_t *m = c->member + k * c->cap;
  int q = 0, cnt = c->count[k];
  while (q < cnt && m[q] != i) q++;
  for (; q + 1 < cnt; q++) m[q] = m[q + 1];
  c->count[k]--;
}

int vt_cells_build(const vt_system *s, double rc, vt_cells **out)
{
  *out = NULL;
  if (!(rc > 0) || !isfinite(rc)) return vt_error(VT_EINVAL, "cells: interaction radius must be positive and finite (got %g)", rc);
  for (int k = 0; k < 3; k++)
    if (rc > 0.5 * s->box[k])
      return vt_error(VT_ERANGE, "cells: the largest pair cutoff %g exceeds half the box length %g (direction %c)", rc,
                      s->box[k], "xyz"[k]);
  vt_cells *c = calloc(1, sizeof *c);
  if (!c) return vt_error(VT_ENOMEM, "cells: out of memory");
  c->n = s->n;
  c->rc = rc;
  c->rc2 = rc * rc;
  memcpy(c->box, s->box, sizeof c->box);
  enum { K = 3 };    /* cells of side >= rc/K */
  int lo[3], hi[3];
  double h[3];
  c->ncells = 1;
  for (int k = 0; k < 3; k++) {
    double m = floor(K * s->box[k] / rc);
    int nc = m > 1024 ? 1024 : (int)m;
    if (nc < 1) nc = 1;
    c->ncell[k] = nc;
    c->ncells *= (size_t)nc;
    h[k] = s->box[k] / nc;
    /* offsets -K..K when they reach distinct cells; otherwise every cell
     * of this direction once (offsets 0..nc-1) */
    if (nc >= 2 * K + 1) { lo[k] = -K; hi[k] = K; }
    else { lo[k] = 0; hi[k] = nc - 1; }
  }
  size_t nst = (size_t)(hi[0] - lo[0] + 1) * (size_t)(hi[1] - lo[1] + 1) * (size_t)(hi[2] - lo[2] + 1);
  c->stencil = malloc(nst * sizeof *c->stencil);
  if (!c->stencil) { vt_cells_free(c); return vt_error(VT_ENOMEM, "cells: out of memory"); }
  for (int oz = lo[2]; oz <= hi[2]; oz++)
    for (int oy = lo[1]; oy <= hi[1]; oy++)
      for (int ox = lo[0]; ox <= hi[0]; ox++) {
        /* smallest distance between points of the two cells (only in the
         * directions with a -K..K window; 0 in the all-cells ones) */
        int o[3] = {ox, oy, oz};
        double g2 = 0;
        for (int k = 0; k < 3; k++)
          if (lo[k] < 0 && abs(o[k]) > 1) g2 += ((abs(o[k]) - 1) * h[k]) * ((abs(o[k]) - 1) * h[k]);
        if (g2 >= rc * rc) continue;
        memcpy(c->stencil[c->nstencil++], o, sizeof o);
      }
  double per = (double)s->n / (double)c->ncells;
  c->cap = (size_t)(2.0 * per) + 8;
  c->count = calloc(c->ncells, sizeof *c->count);
  c->member = malloc(c->ncells * c->cap * sizeof *c->member);
  c->cell_of = malloc((s->n ? s->n : 1) * sizeof *c->cell_of);
  if (!c->count || !c->member || !c->cell_of) {
    vt_cells_free(c);
    return vt_error(VT_ENOMEM, "cells: out of memory");
  }
  for (size_t i = 0; i < s->n; i++) {    /* ascending i: every cell stays sorted by appending */
    int rcode = insert(c, vt_cells_index(c, &s->x[3 * i]), i);
    if (rcode) { vt_cells_free(c); return rcode; }
  }
  *out = c;
  return 0;
}

int vt_cells_move(vt_cells *c, size_t i, const double x[3])
{
  size_t k = vt_cells_index(c, x), old = c->cell_of[i];
  if (k == old) return 0;
  take_out(c, old, i);
  return insert(c, k, i);
}

double vt_cells_energy(const vt_cells *c, const vt_system *s, size_t i, const double xi[3],
                       double si, int ti, size_t exclude)
{
  const vt_potential *p = s->pot;
  const double *box = c->box;
  int a0 = cell_coord(xi[0], box[0], c->ncell[0]);
  int b0 = cell_coord(xi[1], box[1], c->ncell[1]);
  int d0 = cell_coord(xi[2], box[2], c->ncell[2]);
  const int na = c->ncell[0], nbb = c->ncell[1], nd = c->ncell[2];
  double e = 0.0;
  for (size_t q = 0; q < c->nstencil; q++) {
    const int *o = c->stencil[q];
    int a = (a0 + o[0] + 2 * na) % na, b = (b0 + o[1] + 2 * nbb) % nbb, d = (d0 + o[2] + 2 * nd) % nd;
    size_t k = ((size_t)d * (size_t)nbb + (size_t)b) * (size_t)na + (size_t)a;
    const size_t *m = c->member + k * c->cap;
    for (int t = 0; t < c->count[k]; t++) {
      size_t j = m[t];
      if (j == i || j == exclude) continue;
      double dx[3] = {xi[0] - s->x[3 * j], xi[1] - s->x[3 * j + 1], xi[2] - s->x[3 * j + 2]};
      vt_minimum_image(box, dx);
      double r2 = dx[0] * dx[0] + dx[1] * dx[1] + dx[2] * dx[2];
      if (r2 >= c->rc2) continue;
      double u;
      vt_potential_pair(p, sqrt(r2), si, s->sigma[j], ti, s->type[j], &u, NULL, NULL);
      e += u;
    }
  }
  return e;
}

double vt_cells_total_energy(const vt_cells *c, const vt_system *s)
{
  double e = 0.0;
  for (size_t i = 0; i < s->n; i++)
    e += vt_cells_energy(c, s, i, &s->x[3 * i], s->sigma[i], s->type[i], (size_t)-1);
  return 0.5 * e;
}
