/* Voronoi and radical (power) tessellations of a periodic orthorhombic
 * system through qhull's convex hull of lifted points (see voronoi.h for the
 * method and the tolerances; doc/protocols.md §1 and doc/models.md §9 for the uses).
 *
 * Outline:
 *  1. wrap and centre the particles, add the periodic images lying within a
 *     margin m of the box;
 *  2. lift every point to (x, y, z, |x|^2 - r^2) and let qhull build the 4-d
 *     convex hull with triangulated output (Qt): its lower facets are the
 *     weighted Delaunay tetrahedra, and facets qhull merged because their
 *     sites are cospherical come out as "tricoplanar" groups sharing one
 *     hyperplane, i.e. one Voronoi vertex;
 *  3. the power centre c of every lower facet (group) solves
 *     |c - p_k|^2 - r_k^2 = const over its sites; the facet is certified when
 *     no point outside the replicated region can lie inside its orthogonal
 *     sphere (radius^2 R^2 = |c - p_k|^2 - r_k^2): the ball of radius
 *     sqrt(R^2 + max r^2) around c must lie inside the region;
 *  4. for each real particle i and each Delaunay edge ij, walk the ring of
 *     tetrahedra around ij: their centres are the vertices of the face ij in
 *     cyclic order; its edge count is the number of ring edges of non-zero
 *     length (voronoi.h). The face's signed distance from p_i is
 *     h = (d^2 + r_i^2 - r_j^2) / (2d), d = |p_j - p_i|, and
 *     V_i = sum over faces of A_f h_f / 3 (valid even when p_i lies outside
 *     its power cell);
 *  5. the face topology is made symmetric between the two cells of a face
 *     (see assemble()).
 *  If some tetrahedron touching a real particle is not a lower facet or is not
 *  certified, the margin grows (to what the failures ask for) and qhull runs
 *  again. */
#include "analysis/voronoi.h"
#include "core/error.h"
#include <libqhull_r/qhull_ra.h>
#include <math.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef _OPENMP
#include <omp.h>
#endif

#define MAX_RING 512     /* tetrahedra around one Delaunay edge: far above any real case */
#define MAX_TRIES 12     /* margin growths */
#define MARGIN_GROWTH 1.3
#define MAX_COPIES 8     /* periodic copies of the box on each side */

/* The replicated point set. */
typedef struct {
  size_t n, np;     /* real points, all points */
  double *xyz;      /* 3 np centred positions */
  double *w;        /* np weights r^2 */
  size_t *orig;     /* np: real particle of each point */
  double *lift;     /* 4 np qhull input */
  double half[3];   /* half-widths of the replicated region */
  double box[3];
} pset;

/* Per-facet data, indexed by facet id. */
typedef struct {
  facetT **facet;   /* by id, NULL if absent */
  int *lower;       /* 1 if a lower (Delaunay) facet */
  int *ok;          /* 1 if certified */
  double *need;     /* margin that would certify the facet (if it is a true Delaunay cell) */
  size_t *group;    /* vertex-identity group (facet id of the group representative) */
  double *c;        /* 3 per id: power centre */
  size_t nid;
} fdata;

typedef struct {
  size_t j;         /* real neighbour */
  short shift[3];   /* periodic image of j across the face */
  int edges;        /* edge count as seen from this cell (< 3: no face) */
  double area;
} face_rec;

typedef struct {
  face_rec *f;
  size_t len, cap;
  unsigned *stamp;  /* per vertex id */
  size_t *gring;    /* ring scratch */
  const double **cring;
  int failed;       /* VT_ENOMEM */
  double need;      /* largest margin asked for by an uncertified cell */
} tbuf;

static void pset_free(pset *p)
{
  free(p->xyz);
  free(p->w);
  free(p->orig);
  free(p->lift);
  memset(p, 0, sizeof *p);
}

/* Real points (centred, wrapped) followed by images within `m` of the box. */
static int pset_build(pset *p, size_t n, const double *u, const double *w, const double box[3], double m)
{
  int K[3];
  for (int k = 0; k < 3; k++) {
    p->box[k] = box[k];
    p->half[k] = 0.5 * box[k] + m;
    double kk = ceil(m / box[k]);
    if (!(kk <= MAX_COPIES))
      return vt_error(VT_ERANGE, "voronoi: an image shell of %g needs more than %d periodic copies of the box "
                      "(radii too large for the box?)", m, MAX_COPIES);
    K[k] = (int)kk;
  }
  /* count first */
  size_t np = n;
  for (int a = -K[0]; a <= K[0]; a++)
    for (int b = -K[1]; b <= K[1]; b++)
      for (int c = -K[2]; c <= K[2]; c++) {
        if (!a && !b && !c) continue;
        double sh[3] = {a * box[0], b * box[1], c * box[2]};
        for (size_t i = 0; i < n; i++) {
          int in = 1;
          for (int k = 0; k < 3 && in; k++) in = fabs(u[3 * i + k] + sh[k]) < p->half[k];
          np += (size_t)in;
        }
      }
  p->n = n;
  p->np = np;
  p->xyz = malloc(3 * np * sizeof *p->xyz);
  p->w = malloc(np * sizeof *p->w);
  p->orig = malloc(np * sizeof *p->orig);
  p->lift = malloc(4 * np * sizeof *p->lift);
  if (!p->xyz || !p->w || !p->orig || !p->lift) { pset_free(p); return vt_error(VT_ENOMEM, "voronoi: out of memory (%zu points)", np); }
  size_t q = 0;
  for (size_t i = 0; i < n; i++, q++) {
    memcpy(p->xyz + 3 * q, u + 3 * i, 3 * sizeof(double));
    p->w[q] = w[i];
    p->orig[q] = i;
  }
  for (int a = -K[0]; a <= K[0]; a++)
    for (int b = -K[1]; b <= K[1]; b++)
      for (int c = -K[2]; c <= K[2]; c++) {
        if (!a && !b && !c) continue;
        double sh[3] = {a * box[0], b * box[1], c * box[2]};
        for (size_t i = 0; i < n; i++) {
          double y[3];
          int in = 1;
          for (int k = 0; k < 3; k++) {
            y[k] = u[3 * i + k] + sh[k];
            in = in && fabs(y[k]) < p->half[k];
          }
          if (!in) continue;
          memcpy(p->xyz + 3 * q, y, sizeof y);
          p->w[q] = w[i];
          p->orig[q] = i;
          q++;
        }
      }
  for (size_t i = 0; i < np; i++) {
    const double *y = p->xyz + 3 * i;
    p->lift[4 * i] = y[0];
    p->lift[4 * i + 1] = y[1];
    p->lift[4 * i + 2] = y[2];
    p->lift[4 * i + 3] = y[0] * y[0] + y[1] * y[1] + y[2] * y[2] - p->w[i];
  }
  return 0;
}

static inline void cross(const double a[3], const double b[3], double out[3])
{
  out[0] = a[1] * b[2] - a[2] * b[1];
  out[1] = a[2] * b[0] - a[0] * b[2];
  out[2] = a[0] * b[1] - a[1] * b[0];
}

static inline double dot(const double a[3], const double b[3]) { return a[0] * b[0] + a[1] * b[1] + a[2] * b[2]; }

/* Power centre of sites ids[0..m): exact for m == 4 (Cramer), least squares
 * over all sites for cospherical groups (m > 4). Relative to site 0:
 * d_k . c' = (|d_k|^2 - w_k + w_0) / 2, d_k = p_k - p_0, c = p_0 + c'. */
static void power_centre(const pset *p, const size_t *ids, size_t m, double c[3])
{
  const double *p0 = p->xyz + 3 * ids[0];
  double w0 = p->w[ids[0]];
  double A[3][3] = {{0}}, b[3] = {0};
  double d[4][3], beta[4];
  for (size_t k = 1; k < m; k++) {
    const double *pk = p->xyz + 3 * ids[k];
    double dk[3] = {pk[0] - p0[0], pk[1] - p0[1], pk[2] - p0[2]};
    double bk = 0.5 * (dot(dk, dk) - p->w[ids[k]] + w0);
    if (m == 4) {
      memcpy(d[k], dk, sizeof dk);
      beta[k] = bk;
    } else {
      for (int r = 0; r < 3; r++) {
        b[r] += dk[r] * bk;
        for (int s = 0; s < 3; s++) A[r][s] += dk[r] * dk[s];
      }
    }
  }
  if (m != 4) {
    /* solve the normal equations A c' = b (A symmetric) by Cramer's rule on its rows */
    for (int r = 0; r < 3; r++) {
      memcpy(d[r + 1], A[r], sizeof A[r]);
      beta[r + 1] = b[r];
    }
  }
  double x23[3], x31[3], x12[3];
  cross(d[2], d[3], x23);
  cross(d[3], d[1], x31);
  cross(d[1], d[2], x12);
  double det = dot(d[1], x23);
  for (int k = 0; k < 3; k++) c[k] = p0[k] + (beta[1] * x23[k] + beta[2] * x31[k] + beta[3] * x12[k]) / det;
}

static inline size_t pid_of(const qhT *qh, const vertexT *v) { return (size_t)((v->point - qh->first_point) / 4); }

static int cmp_ptr_id(const void *a, const void *b)
{
  const facetT *fa = *(facetT *const *)a, *fb = *(facetT *const *)b;
  uintptr_t na = (uintptr_t)fa->normal, nb = (uintptr_t)fb->normal;
  if (na != nb) return na < nb ? -1 : 1;
  return fa->id < fb->id ? -1 : fa->id > fb->id;
}

/* faces ordered by neighbour, then image shift */
static int cmp_key(size_t j1, const short *s1, size_t j2, const short *s2)
{
  if (j1 != j2) return j1 < j2 ? -1 : 1;
  for (int k = 0; k < 3; k++)
    if (s1[k] != s2[k]) return s1[k] < s2[k] ? -1 : 1;
  return 0;
}

static int cmp_face(const void *a, const void *b)
{
  const face_rec *x = a, *y = b;
  return cmp_key(x->j, x->shift, y->j, y->shift);
}

static void fdata_free(fdata *F)
{
  free(F->facet);
  free(F->lower);
  free(F->ok);
  free(F->need);
  free(F->group);
  free(F->c);
  memset(F, 0, sizeof *F);
}

/* Facet table, groups of tricoplanar facets, centres and certificates. */
static int fdata_build(qhT *qh, const pset *p, double margin, double wmax, fdata *F)
{
  facetT *facet;
  size_t nid = (size_t)qh->facet_id + 1, nf = 0;
  F->nid = nid;
  F->facet = calloc(nid, sizeof *F->facet);
  F->lower = calloc(nid, sizeof *F->lower);
  F->ok = calloc(nid, sizeof *F->ok);
  F->need = calloc(nid, sizeof *F->need);
  F->group = calloc(nid, sizeof *F->group);
  F->c = calloc(3 * nid, sizeof *F->c);
  if (!F->facet || !F->lower || !F->ok || !F->need || !F->group || !F->c) return vt_error(VT_ENOMEM, "voronoi: out of memory (facets)");
  FORALLfacets {
    if (facet->id >= nid) return vt_error(VT_EINVAL, "voronoi: qhull facet id out of range");
    F->facet[facet->id] = facet;
    F->lower[facet->id] = !facet->upperdelaunay && facet->normal && facet->normal[3] < 0;
    F->group[facet->id] = facet->id;
    nf++;
  }
  /* tricoplanar facets (triangulated pieces of one merged facet) share their normal */
  facetT **tri = malloc((nf ? nf : 1) * sizeof *tri);
  if (!tri) return vt_error(VT_ENOMEM, "voronoi: out of memory (facets)");
  size_t nt = 0;
  FORALLfacets if (facet->tricoplanar && F->lower[facet->id]) tri[nt++] = facet;
  qsort(tri, nt, sizeof *tri, cmp_ptr_id);
  /* list of group members: representative first */
  size_t *gstart = malloc((nt + 1) * sizeof *gstart), ng = 0;
  if (!gstart) { free(tri); return vt_error(VT_ENOMEM, "voronoi: out of memory (facets)"); }
  for (size_t a = 0; a < nt; a++) {
    if (a == 0 || tri[a]->normal != tri[a - 1]->normal) gstart[ng++] = a;
    F->group[tri[a]->id] = tri[gstart[ng - 1]]->id;
  }
  gstart[ng] = nt;

  int rc = 0;
  size_t maxv = 0;
  for (size_t g = 0; g < ng; g++) maxv = maxv > 4 * (gstart[g + 1] - gstart[g]) ? maxv : 4 * (gstart[g + 1] - gstart[g]);
  /* centres of plain facets, in parallel */
  facetT **lows = malloc((nf ? nf : 1) * sizeof *lows);
  size_t nl = 0;
  if (!lows) rc = vt_error(VT_ENOMEM, "voronoi: out of memory (facets)");
  else
    FORALLfacets if (F->lower[facet->id] && !facet->tricoplanar) lows[nl++] = facet;
  if (!rc) {
    int bad = 0;
#pragma omp parallel for schedule(static)
    for (size_t a = 0; a < nl; a++) {
      facetT *f = lows[a];
      size_t ids[64], m = 0;
      vertexT *v, **vp;
      FOREACHsetelement_(vertexT, f->vertices, v) if (m < 64) ids[m++] = pid_of(qh, v);
      if (m < 4 || m >= 64) {
#pragma omp atomic write
        bad = 1;
        continue;
      }
      power_centre(p, ids, m, F->c + 3 * f->id);
    }
    if (bad) rc = vt_error(VT_EINVAL, "voronoi: qhull returned a degenerate Delaunay cell");
  }
  /* centres of tricoplanar groups: least squares over the union of their sites */
  size_t *ids = (!rc && maxv) ? malloc(maxv * sizeof *ids) : NULL;
  if (!rc && maxv && !ids) rc = vt_error(VT_ENOMEM, "voronoi: out of memory (facets)");
  for (size_t g = 0; !rc && g < ng; g++) {
    size_t m = 0;
    for (size_t a = gstart[g]; a < gstart[g + 1]; a++) {
      vertexT *v, **vp;
      FOREACHsetelement_(vertexT, tri[a]->vertices, v) {
        size_t id = pid_of(qh, v), s;
        for (s = 0; s < m && ids[s] != id; s++) {}
        if (s == m) ids[m++] = id;
      }
    }
    if (m < 4) { rc = vt_error(VT_EINVAL, "voronoi: qhull returned a degenerate merged Delaunay cell"); break; }
    double *c = F->c + 3 * tri[gstart[g]]->id;
    power_centre(p, ids, m, c);
    for (size_t a = gstart[g] + 1; a < gstart[g + 1]; a++) memcpy(F->c + 3 * tri[a]->id, c, 3 * sizeof *c);
  }
  free(ids);
  free(gstart);
  free(tri);
  free(lows);
  if (rc) return rc;
  /* certificates: the ball of radius sqrt(R^2 + wmax) around c inside the region */
#pragma omp parallel for schedule(static)
  for (size_t id = 0; id < nid; id++) {
    facetT *f = F->facet[id];
    if (!f || !F->lower[id]) continue;
    const double *c = F->c + 3 * id;
    size_t q = pid_of(qh, SETfirstt_(f->vertices, vertexT));
    const double *y = p->xyz + 3 * q;
    double d[3] = {c[0] - y[0], c[1] - y[1], c[2] - y[2]};
    double rho2 = dot(d, d) - p->w[q] + wmax;
    double room = INFINITY;
    for (int k = 0; k < 3; k++) room = fmin(room, p->half[k] - fabs(c[k]));
    F->ok[id] = isfinite(rho2) && room > 0 && (rho2 <= 0 || rho2 < room * room);
    F->need[id] = isfinite(rho2) ? margin - room + sqrt(fmax(rho2, 0)) : INFINITY;
  }
  return 0;
}

/* Does facet f contain the three vertices a, b, c? */
static inline int has3(const facetT *f, const vertexT *a, const vertexT *b, const vertexT *c)
{
  int h = 0;
  for (int k = 0; k < 4; k++) {
    const vertexT *v = SETelemt_(f->vertices, k, vertexT);
    h += (v == a) + (v == b) + (v == c);
  }
  return h == 3;
}

/* The vertex of simplicial f other than a, b, c. */
static inline vertexT *fourth(const facetT *f, const vertexT *a, const vertexT *b, const vertexT *c)
{
  for (int k = 0; k < 4; k++) {
    vertexT *v = SETelemt_(f->vertices, k, vertexT);
    if (v != a && v != b && v != c) return v;
  }
  return NULL;
}

enum { CELL_OK = 0, CELL_UNCERTIFIED = 1, CELL_BROKEN = 2 };

/* Faces of real particle i (vertex vi): appended to tb->f; its volume out. */
static int build_cell(qhT *qh, const pset *p, const fdata *F, vertexT *vi, size_t i, double eps, tbuf *tb,
                      double *vol)
{
  const double *pi = p->xyz + 3 * i;
  unsigned mark = (unsigned)i + 1u;
  double V = 0;
  facetT *start, **startp;
  /* every Delaunay cell the rings below can visit contains vi: certify them first */
  int uncert = 0;
  FOREACHsetelement_(facetT, vi->neighbors, start) {
    if (!F->lower[start->id]) { tb->need = INFINITY; uncert = 1; }
    else {
      tb->need = fmax(tb->need, F->need[start->id]);
      uncert |= !F->ok[start->id];
    }
  }
  if (uncert) return CELL_UNCERTIFIED;
  FOREACHsetelement_(facetT, vi->neighbors, start) {
    if (!start->simplicial || qh_setsize(qh, start->vertices) != 4) return CELL_BROKEN;
    for (int e = 0; e < 4; e++) {
      vertexT *vj = SETelemt_(start->vertices, e, vertexT);
      if (vj == vi || tb->stamp[vj->id] == mark) continue;
      tb->stamp[vj->id] = mark;
      /* walk the ring of tetrahedra around the edge (vi, vj) */
      vertexT *a = NULL, *b = NULL;
      for (int k = 0; k < 4; k++) {
        vertexT *v = SETelemt_(start->vertices, k, vertexT);
        if (v == vi || v == vj) continue;
        if (!a) a = v; else b = v;
      }
      if (!a || !b) return CELL_BROKEN;
      facetT *T = start;
      vertexT *cross_v = a; /* cross the face (vi, vj, cross_v) */
      size_t len = 0;
      for (;;) {
        if (!F->lower[T->id] || !F->ok[T->id]) return CELL_UNCERTIFIED;
        if (len == MAX_RING) return CELL_BROKEN;
        tb->gring[len] = F->group[T->id];
        tb->cring[len] = F->c + 3 * T->id;
        len++;
        facetT *N = NULL, *nb, **nbp;
        FOREACHsetelement_(facetT, T->neighbors, nb) if (has3(nb, vi, vj, cross_v)) { N = nb; break; }
        if (!N || !N->simplicial || qh_setsize(qh, N->vertices) != 4) return CELL_BROKEN;
        vertexT *next = fourth(N, vi, vj, cross_v);
        if (!next) return CELL_BROKEN;
        T = N;
        cross_v = next;
        if (T == start) break;
      }
      /* Edge count: ring edges between distinct vertices. An edge has zero
       * length when both tetrahedra belong to one merged Delaunay cell or
       * their centres are within eps; the decision is a property of the
       * pair, so the three faces sharing a Voronoi edge agree on it. */
      int m = 0;
      for (size_t k = 0; k < len; k++) {
        size_t k1 = k + 1 < len ? k + 1 : 0;
        const double *c0 = tb->cring[k], *c1 = tb->cring[k1];
        double d[3] = {c1[0] - c0[0], c1[1] - c0[1], c1[2] - c0[2]};
        m += !(tb->gring[k] == tb->gring[k1] || dot(d, d) <= eps * eps);
      }
      /* vector area of the full ring (zero-length edges add nothing), so both
       * sides of a face see the same polygon and the cells tile exactly */
      double va[3] = {0, 0, 0};
      const double *c0 = tb->cring[0];
      for (size_t k = 1; k + 1 < len; k++) {
        const double *c1 = tb->cring[k], *c2 = tb->cring[k + 1];
        double d1[3] = {c1[0] - c0[0], c1[1] - c0[1], c1[2] - c0[2]};
        double d2[3] = {c2[0] - c0[0], c2[1] - c0[1], c2[2] - c0[2]};
        double x[3];
        cross(d1, d2, x);
        for (int q = 0; q < 3; q++) va[q] += 0.5 * x[q];
      }
      size_t pj = pid_of(qh, vj);
      const double *xj = p->xyz + 3 * pj;
      double dij[3] = {xj[0] - pi[0], xj[1] - pi[1], xj[2] - pi[2]};
      double dd = sqrt(dot(dij, dij));
      double A = fabs(dot(va, dij)) / dd;
      double h = (dd * dd + p->w[i] - p->w[pj]) / (2.0 * dd);
      V += A * h / 3.0;
      if (tb->len == tb->cap) {
        size_t nc = tb->cap ? 2 * tb->cap : 1024;
        face_rec *nf = realloc(tb->f, nc * sizeof *nf);
        if (!nf) { tb->failed = 1; return CELL_OK; }
        tb->f = nf;
        tb->cap = nc;
      }
      /* every ring is kept, faces of zero area too (m < 3): the topology is
       * made symmetric between the two cells before they are dropped */
      face_rec fr = {.j = p->orig[pj], .edges = m, .area = A};
      const double *xo = p->xyz + 3 * fr.j;
      for (int k = 0; k < 3; k++) fr.shift[k] = (short)nearbyint((xj[k] - xo[k]) / p->box[k]);
      tb->f[tb->len++] = fr;
    }
  }
  *vol = V;
  return CELL_OK;
}

void vt_voronoi_free(vt_voronoi *v)
{
  if (!v) return;
  free(v->volume);
  free(v->area);
  free(v->phi);
  free(v->index);
  free(v->nfaces);
  free(v->icosahedral);
  free(v->start);
  free(v->neighbor);
  free(v->edges);
  free(v->face_area);
  free(v);
}

static vt_voronoi *voronoi_alloc(size_t n, int with_phi)
{
  vt_voronoi *v = calloc(1, sizeof *v);
  if (!v) return NULL;
  v->n = n;
  v->volume = calloc(n, sizeof *v->volume);
  v->area = calloc(n, sizeof *v->area);
  v->phi = with_phi ? calloc(n, sizeof *v->phi) : NULL;
  v->index = calloc(n * VT_VORONOI_NIDX, sizeof *v->index);
  v->nfaces = calloc(n, sizeof *v->nfaces);
  v->icosahedral = calloc(n, sizeof *v->icosahedral);
  v->start = calloc(n + 1, sizeof *v->start);
  if (!v->volume || !v->area || (with_phi && !v->phi) || !v->index || !v->nfaces || !v->icosahedral || !v->start) {
    vt_voronoi_free(v);
    return NULL;
  }
  return v;
}

/* Collect the faces of all cells (thread buffers; a static schedule gives each
 * thread one contiguous block of particles), sorted by (neighbour, shift).
 * The face between i and j is one ring of Delaunay cells, but i sees it
 * around the edge (i, j + s) and j around the periodic copy (j, i - s); for
 * cospherical sites perturbed at round-off level qhull may triangulate the
 * two copies differently. So the topology is made symmetric: a face exists
 * when both sides see it, with the edge count of the side with the smaller
 * (particle, shift) key. Cells are unchanged otherwise (volumes were summed
 * over all rings). */
static int assemble(size_t n, tbuf *tb, const size_t *owner, const size_t *first, vt_voronoi *out)
{
  face_rec **fl = malloc(n * sizeof *fl);
  size_t *cnt = malloc(n * sizeof *cnt);
  if (!fl || !cnt) { free(fl); free(cnt); return vt_error(VT_ENOMEM, "voronoi: out of memory (faces)"); }
  size_t total = 0;
  for (size_t i = 0; i < n; i++) {
    size_t t = owner[i];
    size_t end = (i + 1 < n && owner[i + 1] == t) ? first[i + 1] : tb[t].len;
    cnt[i] = end - first[i];
    fl[i] = cnt[i] ? tb[t].f + first[i] : NULL;
    total += cnt[i];
  }
#pragma omp parallel for schedule(static)
  for (size_t i = 0; i < n; i++)
    if (cnt[i]) qsort(fl[i], cnt[i], sizeof **fl, cmp_face);
  int *canon = malloc((total ? total : 1) * sizeof *canon);
  if (!canon) { free(fl); free(cnt); return vt_error(VT_ENOMEM, "voronoi: out of memory (faces)"); }
  size_t o = 0, kept = 0;
  for (size_t i = 0; i < n; i++)
    for (size_t k = 0; k < cnt[i]; k++, o++) {
      const face_rec *f = &fl[i][k];
      short back[3] = {(short)-f->shift[0], (short)-f->shift[1], (short)-f->shift[2]};
      /* the partner (j, i, -s) by bisection in j's sorted list */
      const face_rec *g = NULL;
      size_t lo = 0, hi = cnt[f->j];
      while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = cmp_key(fl[f->j][mid].j, fl[f->j][mid].shift, i, back);
        if (c == 0) { g = &fl[f->j][mid]; break; }
        if (c < 0) lo = mid + 1; else hi = mid;
      }
      int e = 0;
      if (g) e = cmp_key(i, f->shift, f->j, back) <= 0 ? f->edges : g->edges;
      canon[o] = e >= 3 ? e : 0;
      kept += canon[o] != 0;
    }
  out->neighbor = malloc((kept ? kept : 1) * sizeof *out->neighbor);
  out->edges = malloc((kept ? kept : 1) * sizeof *out->edges);
  out->face_area = malloc((kept ? kept : 1) * sizeof *out->face_area);
  if (!out->neighbor || !out->edges || !out->face_area) {
    free(fl); free(cnt); free(canon);
    return vt_error(VT_ENOMEM, "voronoi: out of memory (faces)");
  }
  o = 0;
  size_t q = 0;
  for (size_t i = 0; i < n; i++) {
    int *idx = out->index + i * VT_VORONOI_NIDX;
    double S = 0;
    out->start[i] = q;
    for (size_t k = 0; k < cnt[i]; k++, o++) {
      if (!canon[o]) continue;
      out->neighbor[q] = fl[i][k].j;
      out->edges[q] = canon[o];
      out->face_area[q] = fl[i][k].area;
      S += fl[i][k].area;
      int col = canon[o] - 3;
      if (col >= VT_VORONOI_NIDX) col = VT_VORONOI_NIDX - 1;
      idx[col]++;
      q++;
    }
    out->area[i] = S;
    out->nfaces[i] = (int)(q - out->start[i]);
    out->icosahedral[i] = (out->nfaces[i] == 12 && idx[2] == 12);
  }
  out->start[n] = q;
  free(fl);
  free(cnt);
  free(canon);
  return 0;
}

/* Cells of all real particles from one qhull run: 0 done, 1 some cell is not
 * certified (grow the margin), < 0 error. */
static int cells(qhT *qh, const pset *p, double m, double wmax, double eps, int radical, vt_voronoi *out,
                 double *need)
{
  size_t n = p->n;
  fdata F;
  memset(&F, 0, sizeof F);
  vertexT **vof = NULL;
  tbuf *tb = NULL;
  size_t *owner = NULL, *first = NULL; /* per particle: thread, offset in its buffer */
  int nthreads = 1;
#ifdef _OPENMP
  nthreads = omp_get_max_threads();
#endif
  int rc = fdata_build(qh, p, m, wmax, &F);
  if (!rc) {
    vof = calloc(n, sizeof *vof);
    tb = calloc((size_t)nthreads, sizeof *tb);
    owner = malloc(n * sizeof *owner);
    first = malloc(n * sizeof *first);
    if (!vof || !tb || !owner || !first) rc = vt_error(VT_ENOMEM, "voronoi: out of memory");
  }
  if (!rc) {
    vertexT *vertex;
    FORALLvertices {
      size_t q = pid_of(qh, vertex);
      if (q < n) vof[q] = vertex;
    }
    /* a site that is no Delaunay vertex has an empty cell: legitimate in a
     * power diagram, a coincident pair in a plain one */
    if (!radical)
      for (size_t i = 0; i < n && !rc; i++)
        if (!vof[i]) rc = vt_error(VT_EINVAL, "voronoi: particle %zu coincides with another (to round-off)", i + 1);
  }
  for (int t = 0; !rc && t < nthreads; t++) {
    tb[t].stamp = calloc((size_t)qh->vertex_id + 1, sizeof *tb[t].stamp);
    tb[t].gring = malloc(MAX_RING * sizeof *tb[t].gring);
    tb[t].cring = malloc(MAX_RING * sizeof *tb[t].cring);
    if (!tb[t].stamp || !tb[t].gring || !tb[t].cring) rc = vt_error(VT_ENOMEM, "voronoi: out of memory");
  }
  if (!rc) {
    int uncert = 0, broken = 0, intr = 0;
#pragma omp parallel num_threads(nthreads)
    {
      int t = 0;
#ifdef _OPENMP
      t = omp_get_thread_num();
#endif
#pragma omp for schedule(static)
      for (size_t i = 0; i < n; i++) {
        owner[i] = (size_t)t;
        first[i] = tb[t].len;
        out->volume[i] = 0;
        if (tb[t].failed || !vof[i]) continue; /* !vof[i]: empty power cell */
        if ((i & 255) == 0 && vt_interrupted()) {
#pragma omp atomic write
          intr = 1;
        }
        int r = build_cell(qh, p, &F, vof[i], i, eps, &tb[t], &out->volume[i]);
        if (r == CELL_UNCERTIFIED) {
#pragma omp atomic write
          uncert = 1;
        } else if (r == CELL_BROKEN) {
#pragma omp atomic write
          broken = 1;
        }
      }
    }
    for (int t = 0; t < nthreads; t++)
      if (tb[t].failed) rc = vt_error(VT_ENOMEM, "voronoi: out of memory (faces)");
    if (!rc && intr) rc = vt_error(VT_EINTR, "voronoi: interrupted");
    if (!rc && broken) rc = vt_error(VT_EINVAL, "voronoi: inconsistent Delaunay triangulation from qhull");
    for (int t = 0; t < nthreads; t++) *need = fmax(*need, tb[t].need);
    if (!rc && uncert) rc = 1;
  }
  if (!rc) {
    rc = assemble(n, tb, owner, first, out);
  }
  if (tb)
    for (int t = 0; t < nthreads; t++) {
      free(tb[t].f);
      free(tb[t].stamp);
      free(tb[t].gring);
      free(tb[t].cring);
    }
  free(tb);
  free(owner);
  free(first);
  free(vof);
  fdata_free(&F);
  return rc;
}

/* One qhull run on the replicated set with qhull options `opts`: 0 done,
 * 1 margin too small, 2 qhull gave up on precision (try other options),
 * < 0 error. */
static int attempt(const pset *p, const char *opts, double m, double wmax, double eps, int radical, vt_voronoi *out,
                   double *need)
{
  char *errbuf = NULL;
  size_t errlen = 0;
  FILE *errf = open_memstream(&errbuf, &errlen);
  if (!errf) return vt_error(VT_ENOMEM, "voronoi: cannot open a memory stream for qhull");
  qhT qh_qh;
  qhT *qh = &qh_qh;
  qh_zero(qh, errf);
  char cmd[64];
  snprintf(cmd, sizeof cmd, "%s", opts);
  int rc = 0;
  int exitcode = qh_new_qhull(qh, 4, (int)p->np, p->lift, False, cmd, NULL, errf);
  if (!exitcode) {
    exitcode = setjmp(qh->errexit);
    if (!exitcode) {
      qh->NOerrexit = False;
      if (!qh->hasTriangulation) qh_triangulate(qh);
      qh_vertexneighbors(qh);
    }
    qh->NOerrexit = True;
  }
  fflush(errf);
  if (exitcode) {
    char *msg = errbuf ? errbuf : "";
    char *nl = strchr(msg, '\n');
    if (nl) *nl = '\0';
    rc = vt_error(VT_EINVAL, "voronoi: qhull '%s' failed (code %d): %s", opts, exitcode, msg);
    if (exitcode == qh_ERRprec || exitcode == qh_ERRtopology || exitcode == qh_ERRwide || exitcode == qh_ERRsingular)
      rc = 2;
  } else if (vt_interrupted()) {
    rc = vt_error(VT_EINTR, "voronoi: interrupted");
  } else {
    rc = cells(qh, p, m, wmax, eps, radical, out, need);
  }
  int curlong, totlong;
  qh_freeqhull(qh, !qh_ALL);
  qh_memfreeshort(qh, &curlong, &totlong);
  fclose(errf);
  free(errbuf);
  return rc;
}

int vt_voronoi_tessellate(size_t n, const double *x, const double *r, const double box[3], unsigned flags,
                          vt_voronoi **out)
{
  *out = NULL;
  int radical = (flags & VT_VORONOI_RADICAL) != 0;
  if (n == 0) return vt_error(VT_EINVAL, "voronoi: no particles");
  if (n > (size_t)INT32_MAX / 64) return vt_error(VT_ERANGE, "voronoi: too many particles (%zu)", n);
  for (int k = 0; k < 3; k++)
    if (!(box[k] > 0 && isfinite(box[k]))) return vt_error(VT_EINVAL, "voronoi: box length %d is %g", k + 1, box[k]);
  if (radical && !r) return vt_error(VT_EINVAL, "voronoi: the radical tessellation needs radii");
  double *u = malloc(3 * n * sizeof *u), *w = malloc(n * sizeof *w);
  if (!u || !w) { free(u); free(w); return vt_error(VT_ENOMEM, "voronoi: out of memory"); }
  double wmax = 0;
  for (size_t i = 0; i < n; i++) {
    for (int k = 0; k < 3; k++) {
      double y = x[3 * i + k];
      if (!isfinite(y)) { free(u); free(w); return vt_error(VT_ENONFINITE, "voronoi: position of particle %zu is not finite", i + 1); }
      y -= box[k] * floor(y / box[k]);
      if (y >= box[k]) y -= box[k];
      u[3 * i + k] = y - 0.5 * box[k];
    }
    double ri = r ? r[i] : 0.0;
    if (!(ri >= 0 && isfinite(ri))) { free(u); free(w); return vt_error(VT_EINVAL, "voronoi: radius of particle %zu is %g", i + 1, ri); }
    w[i] = radical ? ri * ri : 0.0;
    wmax = fmax(wmax, w[i]);
  }
  double V = box[0] * box[1] * box[2];
  double ell = cbrt(V / (double)n);
  double eps = VT_VORONOI_EPS * ell;
  /* Initial margin: enough for dense liquids and glasses (a WAHNs inherent
   * structure needs 1.65 l plain, 1.7 l radical); sparse or Poisson
   * configurations (about 2.4 l) grow it once. */
  double m = 1.8 * ell + 0.5 * sqrt(wmax);
  vt_voronoi *v = voronoi_alloc(n, r != NULL);
  int rc = v ? 0 : vt_error(VT_ENOMEM, "voronoi: out of memory");
  for (int tries = 0; !rc; tries++) {
    if (tries == MAX_TRIES) {
      rc = vt_error(VT_EINVAL, "voronoi: could not certify the tessellation (margin %g)", m);
      break;
    }
    pset p;
    memset(&p, 0, sizeof p);
    rc = pset_build(&p, n, u, w, box, m);
    if (rc) break;
    if (p.np > (size_t)INT32_MAX / 8) { pset_free(&p); rc = vt_error(VT_ERANGE, "voronoi: too many image points"); break; }
    memset(v->index, 0, n * VT_VORONOI_NIDX * sizeof *v->index);
    /* Qt: triangulated output, cospherical sites stay grouped as tricoplanar
     * facets (one Voronoi vertex). Nearly cospherical input (a lattice
     * perturbed by ~1e-9 l) can defeat qhull's merging ("twisted facet"):
     * then qhull joggles its copy of the input (QJ, fixed seed) by ~1e-9 of
     * the lifted coordinates; the geometry here still uses the exact
     * coordinates, so the joggle only decides which ~1e-9 l edges exist, a
     * question such input leaves open anyway. */
    static const char *const qopts[] = {"qhull Qt", "qhull QJ"};
    double need = 0;
    for (size_t o = (flags & VT_VORONOI_JOGGLE) ? 1 : 0; o < sizeof qopts / sizeof *qopts; o++) {
      rc = attempt(&p, qopts[o], m, wmax, eps, radical, v, &need);
      v->joggled = o == 1;
      if (rc != 2) break;
    }
    if (rc == 2) rc = VT_EINVAL; /* the message of the last attempt stays */
    v->margin = m;
    v->nimages = p.np - n;
    pset_free(&p);
    if (rc == 1) {
      free(v->neighbor); free(v->edges); free(v->face_area);
      v->neighbor = NULL; v->edges = NULL; v->face_area = NULL;
      /* what the uncertified cells ask for (an overestimate for cells that
       * are artefacts of the missing images), at least MARGIN_GROWTH more */
      m = fmin(fmax(MARGIN_GROWTH * m, 1.05 * need), 3.0 * m);
      rc = 0;
      continue;
    }
    break;
  }
  free(u);
  free(w);
  if (rc) { vt_voronoi_free(v); return rc; }
  vt_error_clear(); /* a failed qhull attempt may have left a message */
  v->radical = radical;
  if (v->phi)
    for (size_t i = 0; i < n; i++) {
      double vs = 4.0 * M_PI / 3.0 * r[i] * r[i] * r[i];
      v->phi[i] = v->volume[i] > 0 ? vs / v->volume[i] : INFINITY;
    }
  *out = v;
  return 0;
}

int vt_voronoi_compute(const vt_system *s, unsigned flags, vt_voronoi **out)
{
  *out = NULL;
  double *r = malloc(s->n * sizeof *r);
  if (!r) return vt_error(VT_ENOMEM, "voronoi: out of memory");
  for (size_t i = 0; i < s->n; i++) r[i] = 0.5 * s->sigma[i];
  int rc = vt_voronoi_tessellate(s->n, s->x, r, s->box, flags, out);
  free(r);
  return rc;
}

size_t vt_voronoi_neighbors(const vt_voronoi *v, size_t i, size_t *buf, size_t cap)
{
  size_t m = 0;
  for (size_t f = v->start[i]; f < v->start[i + 1]; f++) {
    if (f > v->start[i] && v->neighbor[f] == v->neighbor[f - 1]) continue;
    if (m < cap) buf[m] = v->neighbor[f];
    m++;
  }
  return m;
}
