/* Cell list + Verlet half list (see neighbor.h). */
#include "core/neighbor.h"
#include "core/error.h"
#include "core/system.h"
#include <stdlib.h>
#include <string.h>
#ifdef _OPENMP
#include <omp.h>
#endif

void vt_neighbor_free(vt_neighbor *nl)
{
  if (!nl) return;
  free(nl->start); free(nl->list); free(nl->x0);
  free(nl->cell_start); free(nl->cell_of); free(nl->cell_atoms);
  free(nl);
}

void vt_neighbor_invalidate(vt_system *s)
{
  if (s->nl) s->nl->pot = NULL;
}

static int needs_rebuild(const vt_system *s, const vt_neighbor *nl)
{
  if (nl->pot != s->pot || nl->n != s->n || nl->sigma_version != s->sigma_version || nl->skin != s->skin)
    return 1;
  for (int k = 0; k < 3; k++) if (nl->box[k] != s->box[k]) return 1;
  double lim = 0.25 * s->skin * s->skin, worst = 0.0;
  const double *x = s->x, *x0 = nl->x0;
  size_t n = s->n;
#pragma omp parallel for reduction(max : worst) schedule(static)
  for (size_t i = 0; i < n; i++) {
    double dx = x[3 * i] - x0[3 * i], dy = x[3 * i + 1] - x0[3 * i + 1], dz = x[3 * i + 2] - x0[3 * i + 2];
    double d2 = dx * dx + dy * dy + dz * dz;
    if (!(d2 <= worst)) worst = d2;  /* NaN also forces a rebuild (and an error there) */
  }
  return !(worst <= lim);
}

/* Visit the candidate partners j > i of particle i; `emit` is a macro body
 * run with j and the squared radius test already passed. */
#define FOR_PAIRS_OF(i, BODY)                                                   \
  do {                                                                          \
    const double *xi_ = &s->x[3 * (i)];                                         \
    double si_ = s->sigma[i];                                                   \
    int ti_ = s->type[i];                                                       \
    if (nl->brute) {                                                            \
      for (size_t jj_ = (i) + 1; jj_ < n; jj_++) {                              \
        int j = (int)jj_;                                                       \
        TEST_AND(BODY);                                                         \
      }                                                                         \
    } else {                                                                    \
      int c_ = nl->cell_of[i], cz_ = c_ % nz, cy_ = (c_ / nz) % ny, cx_ = c_ / (ny * nz); \
      for (int ox = -1; ox <= 1; ox++)                                          \
        for (int oy = -1; oy <= 1; oy++)                                        \
          for (int oz = -1; oz <= 1; oz++) {                                    \
            int ax = (cx_ + ox + nx) % nx, ay = (cy_ + oy + ny) % ny, az = (cz_ + oz + nz) % nz; \
            size_t cc = ((size_t)ax * ny + ay) * nz + az;                       \
            for (size_t q = nl->cell_start[cc]; q < nl->cell_start[cc + 1]; q++) { \
              int j = nl->cell_atoms[q];                                        \
              if ((size_t)j <= (i)) continue;                                   \
              TEST_AND(BODY);                                                   \
            }                                                                   \
          }                                                                     \
    }                                                                           \
  } while (0)

#define TEST_AND(BODY)                                                          \
  do {                                                                          \
    double d_[3] = {xi_[0] - s->x[3 * j], xi_[1] - s->x[3 * j + 1], xi_[2] - s->x[3 * j + 2]}; \
    vt_minimum_image(s->box, d_);                                               \
    double r2_ = d_[0] * d_[0] + d_[1] * d_[1] + d_[2] * d_[2];                 \
    double rl_ = vt_potential_cutoff(s->pot, si_, s->sigma[j], ti_, s->type[j]) + skin; \
    if (r2_ < rl_ * rl_) { BODY; }                                              \
  } while (0)

static int build(vt_system *s, vt_neighbor *nl)
{
  size_t n = s->n;
  double rc = vt_potential_max_cutoff(s->pot, s);
  double skin = s->skin, rl = rc + skin;
  if (!(rc > 0 && isfinite(rc))) return vt_error(VT_EINVAL, "potential %s reports cutoff %g", s->pot->type->name, rc);
  for (int k = 0; k < 3; k++)
    if (s->box[k] < 2.0 * rl)
      return vt_error(VT_ERANGE,
                      "box length %c = %g is shorter than twice the largest cutoff plus skin (2 x (%g + %g) = %g); "
                      "use more particles or a smaller skin",
                      "xyz"[k], s->box[k], rc, skin, 2.0 * rl);
  int rc_ = vt_system_check_finite(s);
  if (rc_) return rc_;
  vt_system_wrap(s);

  if (nl->n != n) {
    free(nl->start); free(nl->x0); free(nl->cell_of); free(nl->cell_atoms);
    nl->start = malloc((n + 1) * sizeof *nl->start);
    nl->x0 = malloc(3 * n * sizeof *nl->x0);
    nl->cell_of = malloc(n * sizeof *nl->cell_of);
    nl->cell_atoms = malloc(n * sizeof *nl->cell_atoms);
    nl->n = n;
    if (!nl->start || !nl->x0 || !nl->cell_of || !nl->cell_atoms) { nl->n = 0; return vt_error(VT_ENOMEM, "out of memory"); }
  }
  int nx = (int)(s->box[0] / rl), ny = (int)(s->box[1] / rl), nz = (int)(s->box[2] / rl);
  nl->brute = (nx < 3 || ny < 3 || nz < 3);
  if (!nl->brute) {
    size_t ncells = (size_t)nx * ny * nz;
    free(nl->cell_start);
    nl->cell_start = calloc(ncells + 1, sizeof *nl->cell_start);
    if (!nl->cell_start) return vt_error(VT_ENOMEM, "out of memory");
    for (size_t i = 0; i < n; i++) {
      int cx = (int)(s->x[3 * i] / s->box[0] * nx), cy = (int)(s->x[3 * i + 1] / s->box[1] * ny),
          cz = (int)(s->x[3 * i + 2] / s->box[2] * nz);
      if (cx >= nx) cx = nx - 1;
      if (cy >= ny) cy = ny - 1;
      if (cz >= nz) cz = nz - 1;
      int c = (cx * ny + cy) * nz + cz;
      nl->cell_of[i] = c;
      nl->cell_start[c + 1]++;
    }
    for (size_t c = 0; c < ncells; c++) nl->cell_start[c + 1] += nl->cell_start[c];
    size_t *fill = malloc(ncells * sizeof *fill);
    if (!fill) return vt_error(VT_ENOMEM, "out of memory");
    memcpy(fill, nl->cell_start, ncells * sizeof *fill);
    for (size_t i = 0; i < n; i++) nl->cell_atoms[fill[nl->cell_of[i]]++] = (int)i;
    free(fill);
  }
  nl->ncell[0] = nx; nl->ncell[1] = ny; nl->ncell[2] = nz;

  /* pass 1: count */
  size_t *start = nl->start;
  start[0] = 0;
#pragma omp parallel for schedule(dynamic, 64)
  for (size_t i = 0; i < n; i++) {
    size_t cnt = 0;
    FOR_PAIRS_OF(i, cnt++);
    start[i + 1] = cnt;
  }
  for (size_t i = 0; i < n; i++) start[i + 1] += start[i];
  size_t total = start[n];
  if (total > nl->cap || !nl->list) {
    free(nl->list);
    nl->cap = total + total / 8 + 16;
    nl->list = malloc(nl->cap * sizeof *nl->list);
    if (!nl->list) { nl->cap = 0; return vt_error(VT_ENOMEM, "out of memory for %zu neighbor pairs", total); }
  }
  /* pass 2: fill (same visiting order, so the list is thread-count independent) */
  int *list = nl->list;
#pragma omp parallel for schedule(dynamic, 64)
  for (size_t i = 0; i < n; i++) {
    size_t p = start[i];
    FOR_PAIRS_OF(i, list[p++] = j);
  }
  memcpy(nl->x0, s->x, 3 * n * sizeof(double));
  nl->cutoff = rc;
  nl->skin = skin;
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
