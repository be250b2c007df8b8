/* Voronoi / radical tessellation (src/analysis/voronoi.c):
 *  - random polydisperse systems, plain and radical: volumes tile the box
 *    (1e-10 relative), faces are mutual (same area and edge count seen from
 *    both sides), every cell is a simple polyhedron (sum over faces of
 *    6 - edges = 12, Euler with degree-3 vertices), phi_i = (pi s^3/6)/V_i;
 *  - equal radii: radical == plain; a periodic translation changes nothing;
 *    1 and 2 threads give identical results;
 *  - against an independent brute-force cell (a cube clipped by every
 *    bisector / radical plane): volumes to 1e-10 and face counts, for random
 *    polydisperse cells and the WAHNs inherent structure of t/data/reference;
 *  - against voro++ (env VOROPP; skipped when empty): identical face lists
 *    (neighbour, edge count) for every particle, volumes and face areas to
 *    the 6 significant digits voro++ prints (its command line offers no
 *    more; the clipping reference above carries the 1e-10 check);
 *  - FCC (cospherical sites): 12 four-edged faces, volume V/N, also after a
 *    round-off perturbation (1e-13); a 1e-6 perturbation splits the
 *    degree-4 vertices into real small faces, which are kept;
 *  - BCC: truncated octahedra <0,6,0,8>; simple cubic, N = 1 and N = 8
 *    (a particle is its own neighbour): 6 squares;
 *  - a 13-particle icosahedral cluster in a sparse background: the centre is
 *    <0,0,12,0> with the volume of the regular dodecahedron;
 *  - bad input is refused with the right codes, an interrupt gives VT_EINTR;
 *  - the time of one N = 4000 radical tessellation is reported. */
#include "tap.h"
#include "vitrum.h"
#include <gsl/gsl_rng.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>
#ifdef _OPENMP
#include <omp.h>
#endif

static double now(void)
{
  struct timeval tv;
  gettimeofday(&tv, NULL);
  return tv.tv_sec + 1e-6 * tv.tv_usec;
}

static vt_system *polydisperse(size_t n, double density, unsigned long seed)
{
  vt_system_spec sp = {.n = n, .density = density, .diameter_law = VT_DIAM_POWER, .exponent = -3.0,
                       .dmin = 0.7253, .dmax = 1.6095, .mass_rule = VT_MASS_VOLUME, .init = VT_INIT_RANDOM,
                       .seed = seed};
  vt_system *s = NULL;
  if (vt_system_create(&sp, &s)) return NULL;
  return s;
}

static double vsum(const vt_voronoi *v)
{
  long double t = 0;
  for (size_t i = 0; i < v->n; i++) t += v->volume[i];
  return (double)t;
}

/* faces mutual: for each face (i, j) a face (j, i) with the same area and edges
 * (unique neighbours assumed: boxes large compared with the cells) */
static int mutual(const vt_voronoi *v, double tol)
{
  for (size_t i = 0; i < v->n; i++)
    for (size_t f = v->start[i]; f < v->start[i + 1]; f++) {
      size_t j = v->neighbor[f], g;
      for (g = v->start[j]; g < v->start[j + 1] && v->neighbor[g] != i; g++) {}
      if (g == v->start[j + 1]) { diag("face %zu-%zu has no partner", i, j); return 0; }
      if (v->edges[g] != v->edges[f] || fabs(v->face_area[g] - v->face_area[f]) > tol * fmax(1, v->face_area[f])) {
        diag("face %zu-%zu: edges %d/%d area %.17g/%.17g", i, j, v->edges[f], v->edges[g], v->face_area[f], v->face_area[g]);
        return 0;
      }
    }
  return 1;
}

/* every non-empty cell simple: sum_f (6 - e_f) = 12 */
static int simple_cells(const vt_voronoi *v)
{
  for (size_t i = 0; i < v->n; i++) {
    if (v->nfaces[i] == 0) continue;
    int t = 0;
    for (size_t f = v->start[i]; f < v->start[i + 1]; f++) t += 6 - v->edges[f];
    if (t != 12) { diag("cell %zu: sum(6 - e) = %d", i, t); return 0; }
  }
  return 1;
}

static int same_result(const vt_voronoi *a, const vt_voronoi *b, double tol)
{
  if (a->n != b->n) return 0;
  for (size_t i = 0; i < a->n; i++) {
    if (fabs(a->volume[i] - b->volume[i]) > tol * fmax(1, a->volume[i])) {
      diag("particle %zu: volume %.17g vs %.17g", i, a->volume[i], b->volume[i]);
      return 0;
    }
    if (memcmp(a->index + i * VT_VORONOI_NIDX, b->index + i * VT_VORONOI_NIDX, VT_VORONOI_NIDX * sizeof(int))) {
      diag("particle %zu: indices differ", i);
      return 0;
    }
    if (a->start[i + 1] - a->start[i] != b->start[i + 1] - b->start[i]) return 0;
    for (size_t f = a->start[i], g = b->start[i]; f < a->start[i + 1]; f++, g++)
      if (a->neighbor[f] != b->neighbor[g] || a->edges[f] != b->edges[g]) { diag("particle %zu: faces differ", i); return 0; }
  }
  return 1;
}

/* ---- voro++ cross-check ------------------------------------------------ */
typedef struct { long j; int e; double a; } vface;
static int cmp_vface(const void *x, const void *y)
{
  const vface *a = x, *b = y;
  return a->j < b->j ? -1 : a->j > b->j;
}

static void against_voropp(const char *voropp, const vt_system *s, int radical, const char *what)
{
  vt_voronoi *v = NULL;
  int rc = vt_voronoi_compute(s, radical ? VT_VORONOI_RADICAL : 0, &v);
  ok(rc == 0, "%s: tessellation", what);
  if (rc) return;
  char dir[] = "/tmp/vt_voroXXXXXX";
  if (!mkdtemp(dir)) { ok(0, "%s: temporary directory", what); vt_voronoi_free(v); return; }
  char path[256], out[300], cmd[1024];
  snprintf(path, sizeof path, "%s/p", dir);
  snprintf(out, sizeof out, "%s/p.vol", dir);
  FILE *fp = fopen(path, "w");
  for (size_t i = 0; fp && i < s->n; i++) {
    fprintf(fp, "%zu %.17g %.17g %.17g", i, s->x[3 * i], s->x[3 * i + 1], s->x[3 * i + 2]);
    if (radical) fprintf(fp, " %.17g", 0.5 * s->sigma[i]);
    fprintf(fp, "\n");
  }
  if (fp) fclose(fp);
  snprintf(cmd, sizeof cmd, "'%s' -p -o %s -c '%%i %%v %%s %%a %%n %%f' 0 %.17g 0 %.17g 0 %.17g '%s' >/dev/null 2>&1",
           voropp, radical ? "-r" : "", s->box[0], s->box[1], s->box[2], path);
  int st = system(cmd);
  fp = st == 0 ? fopen(out, "r") : NULL;
  ok(fp != NULL, "%s: voro++ ran (%s)", what, cmd);
  if (!fp) { vt_voronoi_free(v); return; }
  char *seen = calloc(s->n, 1);
  size_t bad_topo = 0, bad_vol = 0, bad_area = 0, lines = 0;
  double worst_vol = 0, worst_area = 0;
  long id;
  double vol;
  int nf;
  vface *faces = malloc(256 * sizeof *faces), *ours = malloc(256 * sizeof *ours);
  while (fscanf(fp, "%ld %lf %d", &id, &vol, &nf) == 3) {
    lines++;
    if (id < 0 || (size_t)id >= s->n || nf > 256 || nf < 0) { bad_topo++; break; }
    seen[id] = 1;
    for (int k = 0; k < nf; k++) if (fscanf(fp, "%d", &faces[k].e) != 1) bad_topo++;
    for (int k = 0; k < nf; k++) if (fscanf(fp, "%ld", &faces[k].j) != 1) bad_topo++;
    for (int k = 0; k < nf; k++) if (fscanf(fp, "%lf", &faces[k].a) != 1) bad_topo++;
    qsort(faces, (size_t)nf, sizeof *faces, cmp_vface);
    size_t i = (size_t)id, m = v->start[i + 1] - v->start[i];
    /* voro++ prints 6 significant digits */
    double rv = fabs(v->volume[i] - vol) / fabs(vol);
    worst_vol = fmax(worst_vol, rv);
    if (rv > 1e-5) { if (bad_vol++ < 3) diag("  particle %ld: volume %.10g, voro++ %.6g", id, v->volume[i], vol); }
    if ((int)m != nf) {
      if (bad_topo++ < 3) diag("  particle %ld: %zu faces, voro++ %d", id, m, nf);
      continue;
    }
    for (size_t k = 0; k < m; k++) ours[k] = (vface){(long)v->neighbor[v->start[i] + k], v->edges[v->start[i] + k], v->face_area[v->start[i] + k]};
    for (size_t k = 0; k < m; k++) {
      if (ours[k].j != faces[k].j || ours[k].e != faces[k].e) {
        if (bad_topo++ < 3) diag("  particle %ld face %zu: (%ld, %d edges), voro++ (%ld, %d)", id, k, ours[k].j, ours[k].e, faces[k].j, faces[k].e);
        break;
      }
      double ra = fabs(ours[k].a - faces[k].a) / fmax(fabs(faces[k].a), 1e-300);
      worst_area = fmax(worst_area, ra);
      if (ra > 1e-5) { if (bad_area++ < 3) diag("  particle %ld face %zu: area %.10g, voro++ %.6g", id, k, ours[k].a, faces[k].a); }
    }
  }
  fclose(fp);
  size_t missing_bad = 0, missing = 0;
  for (size_t i = 0; i < s->n; i++)
    if (!seen[i]) { missing++; if (v->volume[i] != 0) missing_bad++; }
  ok(lines + missing == s->n && missing_bad == 0, "%s: voro++ has a cell for every particle with a non-empty cell (%zu empty)", what, missing);
  ok(bad_topo == 0, "%s: face lists (neighbour, edge count) identical to voro++ for all %zu cells", what, lines);
  ok(bad_vol == 0, "%s: volumes agree with voro++ to its 6 digits (worst rel %.2g)", what, worst_vol);
  ok(bad_area == 0, "%s: face areas agree with voro++ to its 6 digits (worst rel %.2g)", what, worst_area);
  free(faces);
  free(ours);
  free(seen);
  remove(out);
  remove(path);
  rmdir(dir);
  vt_voronoi_free(v);
}

/* ---- independent reference: one cell by brute-force half-space clipping ----
 * The cell of site 0 (at the origin) is a cube of half-width h clipped by the
 * planes d.x <= (|d|^2 + w_i - w_j)/2 of all sites j (all periodic images
 * within `cut`); faces are polygons, clipped one by one (Sutherland-Hodgman),
 * each cut closed by a cap polygon. */
#define MAXP 128
typedef struct { int nv; double v[MAXP][3]; long tag; } poly;
typedef struct { int nf; poly f[256]; } polyh;

static void cube(polyh *P, double h)
{
  static const int q[6][4][3] = {
    {{1, -1, -1}, {1, 1, -1}, {1, 1, 1}, {1, -1, 1}}, {{-1, -1, -1}, {-1, -1, 1}, {-1, 1, 1}, {-1, 1, -1}},
    {{-1, 1, -1}, {-1, 1, 1}, {1, 1, 1}, {1, 1, -1}}, {{-1, -1, -1}, {1, -1, -1}, {1, -1, 1}, {-1, -1, 1}},
    {{-1, -1, 1}, {1, -1, 1}, {1, 1, 1}, {-1, 1, 1}}, {{-1, -1, -1}, {-1, 1, -1}, {1, 1, -1}, {1, -1, -1}}};
  P->nf = 6;
  for (int f = 0; f < 6; f++) {
    P->f[f].nv = 4;
    P->f[f].tag = -1;
    for (int k = 0; k < 4; k++)
      for (int d = 0; d < 3; d++) P->f[f].v[k][d] = h * q[f][k][d];
  }
}

/* clip by n.x <= b; returns 0 if the polyhedron overflowed */
static int clip(polyh *P, const double n[3], double b, long tag)
{
  double cap[2 * MAXP][3];
  int ncap = 0, out = 0;
  for (int f = 0; f < P->nf; f++) {
    poly *g = &P->f[f];
    poly r;
    r.nv = 0;
    r.tag = g->tag;
    for (int k = 0; k < g->nv; k++) {
      const double *a = g->v[k], *c = g->v[(k + 1) % g->nv];
      double sa = n[0] * a[0] + n[1] * a[1] + n[2] * a[2] - b, sc = n[0] * c[0] + n[1] * c[1] + n[2] * c[2] - b;
      if (sa <= 0) { if (r.nv == MAXP) return 0; memcpy(r.v[r.nv++], a, 3 * sizeof(double)); }
      if ((sa < 0 && sc > 0) || (sa > 0 && sc < 0)) {
        double t = sa / (sa - sc), x[3];
        for (int d = 0; d < 3; d++) x[d] = a[d] + t * (c[d] - a[d]);
        if (r.nv == MAXP || ncap == 2 * MAXP) return 0;
        memcpy(r.v[r.nv++], x, sizeof x);
        memcpy(cap[ncap++], x, sizeof x);
      } else if (sa == 0 && ncap < 2 * MAXP) {
        memcpy(cap[ncap++], a, 3 * sizeof(double));
      }
    }
    if (r.nv >= 3) P->f[out++] = r;
  }
  P->nf = out;
  if (ncap < 3) return 1;
  /* cap polygon: sort the cut points by angle around their centroid */
  double c[3] = {0, 0, 0}, e1[3], e2[3];
  for (int k = 0; k < ncap; k++) for (int d = 0; d < 3; d++) c[d] += cap[k][d] / ncap;
  double nn = sqrt(n[0] * n[0] + n[1] * n[1] + n[2] * n[2]);
  double u[3] = {n[0] / nn, n[1] / nn, n[2] / nn};
  double t[3] = {fabs(u[0]) < 0.9 ? 1 : 0, fabs(u[0]) < 0.9 ? 0 : 1, 0};
  e1[0] = u[1] * t[2] - u[2] * t[1]; e1[1] = u[2] * t[0] - u[0] * t[2]; e1[2] = u[0] * t[1] - u[1] * t[0];
  double l1 = sqrt(e1[0] * e1[0] + e1[1] * e1[1] + e1[2] * e1[2]);
  for (int d = 0; d < 3; d++) e1[d] /= l1;
  e2[0] = u[1] * e1[2] - u[2] * e1[1]; e2[1] = u[2] * e1[0] - u[0] * e1[2]; e2[2] = u[0] * e1[1] - u[1] * e1[0];
  double ang[2 * MAXP];
  for (int k = 0; k < ncap; k++) {
    double d[3] = {cap[k][0] - c[0], cap[k][1] - c[1], cap[k][2] - c[2]};
    ang[k] = atan2(d[0] * e2[0] + d[1] * e2[1] + d[2] * e2[2], d[0] * e1[0] + d[1] * e1[1] + d[2] * e1[2]);
  }
  for (int a = 1; a < ncap; a++)
    for (int k = a; k > 0 && ang[k] < ang[k - 1]; k--) {
      double tmp = ang[k]; ang[k] = ang[k - 1]; ang[k - 1] = tmp;
      double x[3]; memcpy(x, cap[k], sizeof x); memcpy(cap[k], cap[k - 1], sizeof x); memcpy(cap[k - 1], x, sizeof x);
    }
  if (P->nf == 256 || ncap > MAXP) return 0;
  poly *g = &P->f[P->nf++];
  g->nv = ncap;
  g->tag = tag;
  memcpy(g->v, cap, (size_t)ncap * 3 * sizeof(double));
  return 1;
}

static double poly_area(const poly *g)
{
  double va[3] = {0, 0, 0};
  for (int k = 1; k + 1 < g->nv; k++) {
    double a[3], b[3];
    for (int d = 0; d < 3; d++) { a[d] = g->v[k][d] - g->v[0][d]; b[d] = g->v[k + 1][d] - g->v[0][d]; }
    va[0] += 0.5 * (a[1] * b[2] - a[2] * b[1]);
    va[1] += 0.5 * (a[2] * b[0] - a[0] * b[2]);
    va[2] += 0.5 * (a[0] * b[1] - a[1] * b[0]);
  }
  return sqrt(va[0] * va[0] + va[1] * va[1] + va[2] * va[2]);
}

/* volume of cell i of a periodic system by clipping, and its faces of area > amin */
static double brute_cell(const vt_system *s, const double *w, size_t i, double cut, int *nfaces, double amin)
{
  polyh *P = malloc(sizeof *P);
  cube(P, cut);
  int K[3];
  for (int k = 0; k < 3; k++) K[k] = (int)ceil(cut / s->box[k]) + 1;
  for (size_t j = 0; j < s->n; j++)
    for (int a = -K[0]; a <= K[0]; a++)
      for (int b = -K[1]; b <= K[1]; b++)
        for (int c = -K[2]; c <= K[2]; c++) {
          if (j == i && !a && !b && !c) continue;
          double d[3] = {s->x[3 * j] + a * s->box[0] - s->x[3 * i], s->x[3 * j + 1] + b * s->box[1] - s->x[3 * i + 1],
                         s->x[3 * j + 2] + c * s->box[2] - s->x[3 * i + 2]};
          double d2 = d[0] * d[0] + d[1] * d[1] + d[2] * d[2];
          if (d2 > cut * cut) continue;
          if (!clip(P, d, 0.5 * (d2 + w[i] - w[j]), (long)j)) { free(P); return NAN; }
        }
  /* volume by pyramids from the first vertex of the first face */
  double V = 0;
  const double *o = P->f[0].v[0];
  *nfaces = 0;
  for (int f = 0; f < P->nf; f++) {
    const poly *g = &P->f[f];
    if (g->tag < 0) { free(P); return NAN; } /* the bounding cube survived: cut too small */
    if (poly_area(g) > amin) (*nfaces)++;
    for (int k = 1; k + 1 < g->nv; k++) {
      double a[3], b[3], c[3];
      for (int d = 0; d < 3; d++) { a[d] = g->v[0][d] - o[d]; b[d] = g->v[k][d] - o[d]; c[d] = g->v[k + 1][d] - o[d]; }
      V += (a[0] * (b[1] * c[2] - b[2] * c[1]) - a[1] * (b[0] * c[2] - b[2] * c[0]) + a[2] * (b[0] * c[1] - b[1] * c[0])) / 6;
    }
  }
  free(P);
  return fabs(V);
}

static void against_brute(const vt_system *s, int radical, size_t every, const char *what)
{
  vt_voronoi *v = NULL;
  if (vt_voronoi_compute(s, radical ? VT_VORONOI_RADICAL : 0, &v)) { ok(0, "%s: tessellation", what); return; }
  double *w = malloc(s->n * sizeof *w);
  for (size_t i = 0; i < s->n; i++) w[i] = radical ? 0.25 * s->sigma[i] * s->sigma[i] : 0;
  double cut = 4.0 * cbrt(vt_system_volume(s) / s->n), worst = 0;
  size_t checked = 0, badv = 0, badf = 0;
  for (size_t i = 0; i < s->n; i += every) {
    if (v->volume[i] == 0) continue; /* empty power cell: clipping gives nothing to compare */
    int nf = -1;
    double vb = brute_cell(s, w, i, cut, &nf, 1e-12);
    double r = fabs(vb - v->volume[i]) / v->volume[i];
    worst = fmax(worst, isnan(r) ? INFINITY : r);
    if (!(r <= 1e-10)) { if (badv++ < 3) diag("  cell %zu: volume %.15g, clipping %.15g", i, v->volume[i], vb); }
    if (nf != v->nfaces[i]) { if (badf++ < 3) diag("  cell %zu: %d faces, clipping %d", i, v->nfaces[i], nf); }
    checked++;
  }
  ok(badv == 0, "%s: %zu cell volumes equal brute-force clipping to 1e-10 (worst rel %.2g)", what, checked, worst);
  ok(badf == 0, "%s: same face counts as brute-force clipping", what);
  free(w);
  vt_voronoi_free(v);
}

/* The WAHNs inherent structure of the shared reference data (LAMMPS data
 * file, atoms in any order), diameters 1.0 and 1.2 by type; NULL if absent. */
static vt_system *reference_is(void)
{
  const char *shared = getenv("VT_SHARED");
  char path[1024], line[512];
  snprintf(path, sizeof path, "%s/reference/IS_T1.0_N500.data", shared && *shared ? shared : "../t/data");
  FILE *fp = fopen(path, "r");
  if (!fp) return NULL;
  size_t n = 0;
  double L[3] = {0, 0, 0};
  vt_system *s = NULL;
  while (fgets(line, sizeof line, fp)) {
    double lo, hi;
    if (strstr(line, " atoms")) n = strtoul(line, NULL, 10);
    if (strstr(line, "xlo") && sscanf(line, "%lf %lf", &lo, &hi) == 2) L[0] = hi - lo;
    if (strstr(line, "ylo") && sscanf(line, "%lf %lf", &lo, &hi) == 2) L[1] = hi - lo;
    if (strstr(line, "zlo") && sscanf(line, "%lf %lf", &lo, &hi) == 2) L[2] = hi - lo;
    if (strncmp(line, "Atoms", 5) == 0) break;
  }
  if (n == 0 || vt_system_alloc(n, L, &s)) { fclose(fp); return NULL; }
  size_t got = 0;
  while (got < n && fgets(line, sizeof line, fp)) {
    long id;
    int type;
    double x[3];
    if (sscanf(line, "%ld %d %lf %lf %lf", &id, &type, &x[0], &x[1], &x[2]) != 5 || id < 1 || (size_t)id > n) continue;
    memcpy(s->x + 3 * (id - 1), x, sizeof x);
    s->type[id - 1] = type;
    s->sigma[id - 1] = type == 1 ? 1.0 : 1.2;
    got++;
  }
  fclose(fp);
  if (got != n) { vt_system_free(s); return NULL; }
  vt_system_wrap(s);
  return s;
}

/* ---- lattices ------------------------------------------------------------ */
static double *lattice(const double (*basis)[3], int nb, int m, double a, size_t *n)
{
  *n = (size_t)nb * m * m * m;
  double *x = malloc(3 * *n * sizeof *x);
  size_t q = 0;
  for (int i = 0; i < m; i++)
    for (int j = 0; j < m; j++)
      for (int k = 0; k < m; k++)
        for (int b = 0; b < nb; b++) {
          x[3 * q] = a * (i + basis[b][0]);
          x[3 * q + 1] = a * (j + basis[b][1]);
          x[3 * q + 2] = a * (k + basis[b][2]);
          q++;
        }
  return x;
}

static int all_cells(const vt_voronoi *v, const int want[VT_VORONOI_NIDX], double vol, double tol)
{
  for (size_t i = 0; i < v->n; i++) {
    if (memcmp(v->index + i * VT_VORONOI_NIDX, want, VT_VORONOI_NIDX * sizeof(int))) {
      const int *x = v->index + i * VT_VORONOI_NIDX;
      diag("cell %zu: index <%d,%d,%d,%d,%d,...>, %d faces", i, x[0], x[1], x[2], x[3], x[4], v->nfaces[i]);
      return 0;
    }
    if (fabs(v->volume[i] - vol) > tol * vol) { diag("cell %zu: volume %.17g, want %.17g", i, v->volume[i], vol); return 0; }
  }
  return 1;
}

static void test_fcc(void)
{
  static const double fcc[4][3] = {{0, 0, 0}, {0.5, 0.5, 0}, {0.5, 0, 0.5}, {0, 0.5, 0.5}};
  int m = 5;
  double a = 1.5874010519681994; /* density 1 */
  size_t n;
  double *x = lattice(fcc, 4, m, a, &n);
  double box[3] = {m * a, m * a, m * a}, V = box[0] * box[1] * box[2];
  double *r = malloc(n * sizeof *r);
  for (size_t i = 0; i < n; i++) r[i] = 0.5;
  int want[VT_VORONOI_NIDX] = {0, 12};
  for (int radical = 0; radical < 2; radical++) {
    vt_voronoi *v = NULL;
    int rc = vt_voronoi_tessellate(n, x, r, box, radical ? VT_VORONOI_RADICAL : 0, &v);
    ok(rc == 0, "FCC %s: tessellation (%s)", radical ? "radical" : "plain", rc ? vt_errmsg() : "ok");
    if (rc) continue;
    ok(all_cells(v, want, V / n, 1e-12), "FCC %s: every cell a rhombic dodecahedron (12 four-edged faces), volume V/N", radical ? "radical" : "plain");
    int good = 1;
    size_t nb[16];
    double fa = sqrt(2.0) / 8.0 * a * a; /* rhombus face area of the FCC cell */
    for (size_t i = 0; i < n && good; i++) {
      good = vt_voronoi_neighbors(v, i, nb, 16) == 12;
      for (size_t f = v->start[i]; f < v->start[i + 1] && good; f++) good = fabs(v->face_area[f] - fa) < 1e-12 * fa;
    }
    ok(good, "FCC %s: 12 distinct neighbours, every face of area a^2 sqrt(2)/8", radical ? "radical" : "plain");
    ok(fabs(v->phi[0] - M_PI / 6 / (V / n)) < 1e-12, "FCC radical: phi = (pi sigma^3/6) / (V/N)");
    vt_voronoi_free(v);
  }
  {
    vt_voronoi *v = NULL;
    int rc = vt_voronoi_tessellate(n, x, NULL, box, VT_VORONOI_JOGGLE, &v);
    ok(rc == 0 && all_cells(v, want, V / n, 1e-12), "FCC, qhull on joggled input: still rhombic dodecahedra");
    vt_voronoi_free(v);
  }
  /* round-off perturbation: still the ideal topology */
  gsl_rng *g = gsl_rng_alloc(gsl_rng_mt19937);
  double *y = malloc(3 * n * sizeof *y);
  for (size_t i = 0; i < 3 * n; i++) y[i] = x[i] + 1e-13 * (2 * gsl_rng_uniform(g) - 1);
  vt_voronoi *v = NULL;
  int rc = vt_voronoi_tessellate(n, y, NULL, box, 0, &v);
  ok(rc == 0 && all_cells(v, want, V / n, 1e-9), "FCC + 1e-13 noise: still 12 four-edged faces everywhere");
  vt_voronoi_free(v);
  /* a real perturbation: the degree-4 vertices split, small faces are real */
  for (size_t i = 0; i < 3 * n; i++) y[i] = x[i] + 1e-6 * (2 * gsl_rng_uniform(g) - 1);
  rc = vt_voronoi_tessellate(n, y, NULL, box, 0, &v);
  int more = 0;
  for (size_t i = 0; !rc && i < n; i++) more += v->nfaces[i] > 12;
  ok(rc == 0 && fabs(vsum(v) - V) < 1e-10 * V && simple_cells(v) && mutual(v, 1e-9) && more > (int)n / 2,
     "FCC + 1e-6 noise: small faces kept (%d of %zu cells have > 12 faces), simple cells, volumes tile", more, n);
  vt_voronoi_free(v);
  free(y);
  gsl_rng_free(g);
  free(r);
  free(x);
}

/* A larger FCC crystal perturbed by 1e-9 l: nearly cospherical sites, which
 * can make qhull give up on merging (it then retries on joggled input). The
 * first draw reproduces a configuration on which qhull 8.0.2 reports a
 * "twisted facet" (QH6417) without joggling. */
static void test_fcc_near_degenerate(void)
{
  static const double fcc[4][3] = {{0, 0, 0}, {0.5, 0.5, 0}, {0.5, 0, 0.5}, {0, 0.5, 0.5}};
  size_t n;
  double a = 1.5874;
  double *x = lattice(fcc, 4, 8, a, &n), *y = malloc(3 * n * sizeof *y);
  double box[3] = {8 * a, 8 * a, 8 * a}, V = box[0] * box[1] * box[2];
  gsl_rng *g = gsl_rng_alloc(gsl_rng_mt19937);
  for (size_t k = 0; k < n + 36 * n; k++) gsl_rng_uniform(g);
  int good = 1, jog = 0;
  for (int rep = 0; rep < 3; rep++) {
    for (size_t i = 0; i < 3 * n; i++) y[i] = x[i] + 1e-9 * (2 * gsl_rng_uniform(g) - 1);
    vt_voronoi *v = NULL;
    int rc = vt_voronoi_tessellate(n, y, NULL, box, 0, &v);
    if (rc) { diag("  rc %d: %s", rc, vt_errmsg()); good = 0; continue; }
    good = good && fabs(vsum(v) - V) < 1e-12 * V && mutual(v, 1e-9);
    jog += v->joggled;
    vt_voronoi_free(v);
  }
  ok(good, "FCC (N = %zu) + 1e-9 noise, 3 draws: volumes tile, faces mutual (%d needed joggled input)", n, jog);
  gsl_rng_free(g);
  free(y);
  free(x);
}

static void test_cubic_bcc(void)
{
  static const double sc[1][3] = {{0.25, 0.5, 0.75}};
  static const double bcc[2][3] = {{0, 0, 0}, {0.5, 0.5, 0.5}};
  int sq[VT_VORONOI_NIDX] = {0, 6};
  size_t n;
  for (int m = 1; m <= 2; m++) {
    double *x = lattice(sc, 1, m, 1.3, &n);
    double box[3] = {1.3 * m, 1.3 * m, 1.3 * m};
    vt_voronoi *v = NULL;
    int rc = vt_voronoi_tessellate(n, x, NULL, box, 0, &v);
    ok(rc == 0 && all_cells(v, sq, 1.3 * 1.3 * 1.3, 1e-12), "simple cubic, N = %zu: cubes (6 squares), volume a^3", n);
    if (!rc && m == 1) {
      size_t nb[4];
      ok(v->start[1] == 6 && vt_voronoi_neighbors(v, 0, nb, 4) == 1 && nb[0] == 0, "N = 1: six faces, all with the particle's own images");
    }
    vt_voronoi_free(v);
    free(x);
  }
  /* non-cubic box: a rectangular cell */
  {
    double x[3] = {0.1, 0.2, 0.3}, box[3] = {1.0, 2.0, 3.0};
    vt_voronoi *v = NULL;
    int rc = vt_voronoi_tessellate(1, x, NULL, box, 0, &v);
    ok(rc == 0 && all_cells(v, sq, 6.0, 1e-12) && fabs(v->area[0] - 22.0) < 1e-12, "N = 1 in a 1 x 2 x 3 box: volume 6, surface 22");
    vt_voronoi_free(v);
  }
  double *x = lattice(bcc, 2, 4, 1.2599210498948732, &n);
  double box[3] = {4 * 1.2599210498948732, 4 * 1.2599210498948732, 4 * 1.2599210498948732};
  int to[VT_VORONOI_NIDX] = {0, 6, 0, 8};
  vt_voronoi *v = NULL;
  int rc = vt_voronoi_tessellate(n, x, NULL, box, 0, &v);
  ok(rc == 0 && all_cells(v, to, 1.0, 1e-12), "BCC: truncated octahedra <0,6,0,8>, volume V/N");
  vt_voronoi_free(v);
  free(x);
}

static void test_icosahedron(void)
{
  /* centre + 12 vertices of an icosahedron at distance 1, inside a 12^3 box
   * with a sparse random background kept 3 away from the cluster */
  double gr = (1 + sqrt(5.0)) / 2, c0[3] = {6.1, 5.9, 6.05};
  double ico[12][3] = {{0, 1, gr}, {0, -1, gr}, {0, 1, -gr}, {0, -1, -gr}, {1, gr, 0}, {-1, gr, 0},
                       {1, -gr, 0}, {-1, -gr, 0}, {gr, 0, 1}, {-gr, 0, 1}, {gr, 0, -1}, {-gr, 0, -1}};
  double norm = sqrt(1 + gr * gr);
  size_t nbg = 60, n = 13 + nbg;
  double *x = malloc(3 * n * sizeof *x), *r = malloc(n * sizeof *r);
  double box[3] = {12, 12, 12};
  memcpy(x, c0, sizeof c0);
  for (int k = 0; k < 12; k++)
    for (int d = 0; d < 3; d++) x[3 * (k + 1) + d] = c0[d] + ico[k][d] / norm;
  gsl_rng *g = gsl_rng_alloc(gsl_rng_mt19937);
  for (size_t i = 13; i < n;) {
    double y[3], d2 = 0;
    for (int d = 0; d < 3; d++) { y[d] = 12 * gsl_rng_uniform(g); d2 += (y[d] - c0[d]) * (y[d] - c0[d]); }
    if (d2 < 9) continue;
    memcpy(x + 3 * i, y, sizeof y);
    i++;
  }
  gsl_rng_free(g);
  for (size_t i = 0; i < n; i++) r[i] = i == 0 ? 0.45 : 0.5;
  /* regular dodecahedron with inradius 1/2 */
  double edge = 1.0 / sqrt((25 + 11 * sqrt(5.0)) / 10), vdod = (15 + 7 * sqrt(5.0)) / 4 * edge * edge * edge;
  for (int radical = 0; radical < 2; radical++) {
    vt_voronoi *v = NULL;
    int rc = vt_voronoi_tessellate(n, x, r, box, radical ? VT_VORONOI_RADICAL : 0, &v);
    ok(rc == 0, "icosahedral cluster %s: tessellation", radical ? "radical" : "plain");
    if (rc) continue;
    int nico = 0;
    for (size_t i = 0; i < n; i++) nico += v->icosahedral[i];
    ok(v->icosahedral[0] && nico == 1, "icosahedral cluster %s: the centre and only the centre is icosahedral", radical ? "radical" : "plain");
    const int *ix = v->index;
    ok(ix[0] == 0 && ix[1] == 0 && ix[2] == 12 && v->nfaces[0] == 12, "  its index is <0,0,12,0> with no other faces");
    size_t nb[16];
    size_t m = vt_voronoi_neighbors(v, 0, nb, 16);
    int shell = m == 12;
    for (size_t k = 0; k < m && shell; k++) shell = nb[k] == k + 1;
    ok(shell, "  its neighbours are the 12 shell particles");
    if (!radical) is_rel(v->volume[0], vdod, 1e-12, 0, "  plain: its volume is the regular dodecahedron's (%.12g)", vdod);
    else {
      /* face plane at h = (1 + r0^2 - r1^2)/2 from the centre: dodecahedron scaled by 2h */
      double h = (1 + 0.45 * 0.45 - 0.25) / 2;
      is_rel(v->volume[0], vdod * pow(2 * h, 3), 1e-12, 0, "  radical (r0 = 0.45, r = 0.5): the scaled dodecahedron");
    }
    ok(fabs(vsum(v) - 1728.0) < 1e-10 * 1728, "  volumes tile the box");
    vt_voronoi_free(v);
  }
  free(x);
  free(r);
}

static void test_errors(void)
{
  vt_voronoi *v = (vt_voronoi *)&v;
  double x[6] = {0.5, 0.5, 0.5, 0.5, 0.5, 0.5}, box[3] = {2, 2, 2}, bad[3] = {2, 0, 2}, r[2] = {0.5, -1};
  ok(vt_voronoi_tessellate(0, x, NULL, box, 0, &v) == VT_EINVAL && v == NULL, "no particles: VT_EINVAL");
  ok(vt_voronoi_tessellate(1, x, NULL, bad, 0, &v) == VT_EINVAL, "zero box length: VT_EINVAL");
  ok(vt_voronoi_tessellate(1, x, NULL, box, VT_VORONOI_RADICAL, &v) == VT_EINVAL, "radical without radii: VT_EINVAL");
  ok(vt_voronoi_tessellate(2, x, r, box, VT_VORONOI_RADICAL, &v) == VT_EINVAL, "negative radius: VT_EINVAL");
  int rc = vt_voronoi_tessellate(2, x, NULL, box, 0, &v);
  ok(rc == VT_EINVAL && strstr(vt_errmsg(), "coincides"), "coincident particles: VT_EINVAL (%s)", vt_errmsg());
  x[4] = NAN;
  ok(vt_voronoi_tessellate(2, x, NULL, box, 0, &v) == VT_ENONFINITE, "NaN position: VT_ENONFINITE");
  /* a particle deep inside a much bigger one: empty power cell, phi infinite */
  double y[6] = {0.5, 0.5, 0.5, 0.6, 0.5, 0.5}, rr[2] = {1.0, 0.05};
  rc = vt_voronoi_tessellate(2, y, rr, box, VT_VORONOI_RADICAL, &v);
  ok(rc == 0 && v->volume[1] == 0 && v->nfaces[1] == 0 && isinf(v->phi[1]) && fabs(v->volume[0] - 8) < 1e-12,
     "hidden particle in a power diagram: empty cell, the other fills the box");
  if (!rc) vt_voronoi_free(v);
  /* Ctrl-C: a clean VT_EINTR, nothing leaked (the sanitizer build checks) */
  vt_interrupt_set(1);
  double z[3] = {0.1, 0.2, 0.3};
  rc = vt_voronoi_tessellate(1, z, NULL, box, 0, &v);
  vt_interrupt_set(0);
  ok(rc == VT_EINTR && v == NULL, "interrupted: VT_EINTR");
}

int main(void)
{
  vt_system *s = polydisperse(600, 1.0, 7);
  double V = vt_system_volume(s);
  vt_voronoi *vp = NULL, *vr = NULL;
  ok(vt_voronoi_compute(s, 0, &vp) == 0, "random polydisperse, plain: computed");
  ok(vt_voronoi_compute(s, VT_VORONOI_RADICAL, &vr) == 0, "random polydisperse, radical: computed");
  is_rel(vsum(vp), V, 1e-10, 0, "plain: volumes sum to the box volume");
  is_rel(vsum(vr), V, 1e-10, 0, "radical: volumes sum to the box volume");
  ok(mutual(vp, 1e-9) && mutual(vr, 1e-9), "faces are mutual (area, edges) in both");
  ok(simple_cells(vp) && simple_cells(vr), "every cell is a simple polyhedron: sum_f (6 - e_f) = 12");
  int phiok = 1, volok = 1;
  for (size_t i = 0; i < s->n; i++) {
    double want = M_PI * pow(s->sigma[i], 3) / 6 / vr->volume[i];
    if (vr->volume[i] > 0 && fabs(vr->phi[i] - want) > 1e-14 * want) phiok = 0;
    if (!(vp->volume[i] > 0) || !(vr->volume[i] >= 0)) volok = 0;
  }
  ok(phiok, "phi_i = (pi sigma_i^3 / 6) / V_i (radical)");
  ok(volok, "plain cells have positive volume, radical non-negative");
  double sa = 0;
  for (size_t f = 0; f < vp->start[s->n]; f++) sa += vp->face_area[f];
  double sb = 0;
  for (size_t i = 0; i < s->n; i++) sb += vp->area[i];
  ok(fabs(sa - sb) < 1e-10 * sb, "cell surface = sum of its face areas");

  /* equal radii: radical == plain */
  {
    vt_system *e = NULL;
    vt_system_copy(s, &e);
    for (size_t i = 0; i < e->n; i++) e->sigma[i] = 1.1;
    vt_voronoi *a = NULL;
    int rc = vt_voronoi_compute(e, VT_VORONOI_RADICAL, &a);
    ok(rc == 0 && same_result(a, vp, 1e-11), "equal radii: radical tessellation == plain");
    vt_voronoi_free(a);
    /* periodic translation */
    double sh[3] = {0.37 * e->box[0], -0.61 * e->box[1], 2.3 * e->box[2]};
    for (size_t i = 0; i < e->n; i++)
      for (int k = 0; k < 3; k++) e->x[3 * i + k] += sh[k];
    rc = vt_voronoi_compute(s, 0, &a); /* reference again, then the shifted copy */
    vt_voronoi *b = NULL;
    int rc2 = vt_voronoi_compute(e, 0, &b);
    ok(rc == 0 && rc2 == 0 && same_result(a, b, 1e-10), "translation by a non-lattice vector: same cells");
    vt_voronoi_free(a);
    vt_voronoi_free(b);
    vt_system_free(e);
  }
  /* qhull on joggled input: the same tessellation (the geometry uses the
   * exact coordinates, the joggle only resolves degeneracies) */
  {
    vt_voronoi *a = NULL, *b = NULL;
    int rc = vt_voronoi_compute(s, VT_VORONOI_JOGGLE, &a);
    int rc2 = vt_voronoi_compute(s, VT_VORONOI_JOGGLE | VT_VORONOI_RADICAL, &b);
    ok(rc == 0 && rc2 == 0 && a->joggled && same_result(a, vp, 1e-12) && same_result(b, vr, 1e-12),
       "joggled qhull input (QJ): identical cells, plain and radical");
    vt_voronoi_free(a);
    vt_voronoi_free(b);
  }
#ifdef _OPENMP
  {
    int nt = omp_get_max_threads();
    omp_set_num_threads(1);
    vt_voronoi *a = NULL;
    int rc = vt_voronoi_compute(s, VT_VORONOI_RADICAL, &a);
    omp_set_num_threads(nt > 1 ? nt : 2);
    int same = rc == 0 && same_result(a, vr, 0);
    for (size_t f = 0; same && f < a->start[s->n]; f++) same = a->face_area[f] == vr->face_area[f];
    ok(same, "1 thread and %d threads: identical results", nt > 1 ? nt : 2);
    vt_voronoi_free(a);
  }
#endif
  vt_voronoi_free(vp);
  vt_voronoi_free(vr);
  against_brute(s, 0, 5, "random polydisperse, plain");
  against_brute(s, 1, 5, "random polydisperse, radical");
  {
    vt_system *is = reference_is();
    if (is) {
      against_brute(is, 0, 5, "WAHNs inherent structure, plain");
      against_brute(is, 1, 5, "WAHNs inherent structure, radical");
      vt_voronoi *v = NULL;
      int nico = 0, nico1 = 0;
      if (!vt_voronoi_compute(is, 0, &v))
        for (size_t i = 0; i < is->n; i++) { nico += v->icosahedral[i]; nico1 += v->icosahedral[i] && is->type[i] == 1; }
      diag("WAHNs inherent structure (N = 500): %d icosahedral cells (plain), %d of them small particles", nico, nico1);
      vt_voronoi_free(v);
      vt_system_free(is);
    } else {
      printf("ok %d # SKIP reference inherent structure not found (VT_SHARED)\n", ++tap_n);
    }
  }

  const char *voropp = getenv("VOROPP");
  if (voropp && *voropp) {
    against_voropp(voropp, s, 0, "voro++ plain (polydisperse, random)");
    against_voropp(voropp, s, 1, "voro++ radical (polydisperse, random)");
    vt_system *d = polydisperse(800, 1.0, 11);
    /* a less random configuration: a slightly perturbed dense lattice */
    vt_system_spec sp = {.n = 500, .density = 1.0, .nspecies = 2, .mass_rule = VT_MASS_VOLUME, .init = VT_INIT_LATTICE, .seed = 3};
    sp.species[0] = (vt_species){0.5, 1.0, 0};
    sp.species[1] = (vt_species){0.5, 1.2, 0};
    vt_system *l = NULL;
    vt_system_create(&sp, &l);
    gsl_rng *g = gsl_rng_alloc(gsl_rng_mt19937);
    for (size_t i = 0; i < 3 * l->n; i++) l->x[i] += 0.15 * (2 * gsl_rng_uniform(g) - 1);
    gsl_rng_free(g);
    vt_system_wrap(l);
    against_voropp(voropp, d, 1, "voro++ radical (second random system)");
    vt_system *is = reference_is();
    if (is) {
      against_voropp(voropp, is, 0, "voro++ plain (WAHNs inherent structure)");
      against_voropp(voropp, is, 1, "voro++ radical (WAHNs inherent structure)");
      vt_system_free(is);
    } else {
      printf("ok %d # SKIP reference inherent structure not found (VT_SHARED)\n", ++tap_n);
    }
    against_voropp(voropp, l, 0, "voro++ plain (perturbed lattice, binary)");
    against_voropp(voropp, l, 1, "voro++ radical (perturbed lattice, binary)");
    vt_system_free(d);
    vt_system_free(l);
  } else {
    printf("ok %d # SKIP voro++ not available (VOROPP empty)\n", ++tap_n);
  }
  vt_system_free(s);

  test_fcc();
  test_fcc_near_degenerate();
  test_cubic_bcc();
  test_icosahedron();
  test_errors();

  /* timing, N = 4000 WAHNs-like density */
  {
    vt_system *b = polydisperse(4000, 0.75, 5);
    vt_voronoi *v = NULL;
    double t0 = now();
    int rc = vt_voronoi_compute(b, VT_VORONOI_RADICAL, &v);
    double t1 = now();
    ok(rc == 0 && fabs(vsum(v) - vt_system_volume(b)) < 1e-10 * vt_system_volume(b), "N = 4000 radical: volumes tile the box");
    diag("N = 4000 radical tessellation: %.3f s (margin %.3g, %zu images)", t1 - t0, v ? v->margin : 0, v ? v->nimages : 0);
    vt_voronoi_free(v);
    vt_system_free(b);
  }
  return done_testing();
}
