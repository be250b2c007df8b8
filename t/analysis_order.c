/* Steinhardt bond-orientational order and the Voronoi census (order.h):
 * lattices against their known invariants (computed independently with
 * scipy.special.sph_harm on the ideal bond sets: fcc 12 neighbours
 * q4 = 0.190941, q6 = 0.574524; bcc 8: 0.509175, 0.628539; bcc 8 + 6:
 * 0.036370, 0.510688; bcc Voronoi cell weighted by face area (8 regular
 * hexagons and 6 squares of equal edge): 0.224025, 0.566940; simple cubic
 * 6: 0.763763, 0.353553), the global Q of a crystal equal to its q, an
 * ideal gas with small Q6, invariance under translation and relabelling,
 * the same numbers on 1 and 2 threads, refusals, and the census. */
#include "tap.h"
#include "vitrum.h"
#include <gsl/gsl_rng.h>
#include <omp.h>
#include <string.h>

static vt_system *lattice(const double (*basis)[3], int nb, int m, double a)
{
  size_t n = (size_t)nb * m * m * m;
  double L[3] = {a * m, a * m, a * m};
  vt_system *s;
  if (vt_system_alloc(n, L, &s)) return NULL;
  size_t q = 0;
  for (int i = 0; i < m; i++)
    for (int j = 0; j < m; j++)
      for (int k = 0; k < m; k++)
        for (int b = 0; b < nb; b++) {
          s->x[3 * q] = a * (i + basis[b][0]);
          s->x[3 * q + 1] = a * (j + basis[b][1]);
          s->x[3 * q + 2] = a * (k + basis[b][2]);
          q++;
        }
  return s;
}

static const double fcc[4][3] = {{0, 0, 0}, {0.5, 0.5, 0}, {0.5, 0, 0.5}, {0, 0.5, 0.5}};
static const double bcc[2][3] = {{0, 0, 0}, {0.5, 0.5, 0.5}};
static const double sc[1][3] = {{0, 0, 0}};

/* every particle's q and the global Q equal (q4, q6) to tol */
static int all_equal(const vt_system *s, const double *q, const double *Q, double q4, double q6, double tol)
{
  for (size_t i = 0; i < s->n; i++)
    if (fabs(q[2 * i] - q4) > tol || fabs(q[2 * i + 1] - q6) > tol) {
      diag("particle %zu: q4 %.12f q6 %.12f", i + 1, q[2 * i], q[2 * i + 1]);
      return 0;
    }
  if (fabs(Q[0] - q4) > tol || fabs(Q[1] - q6) > tol) {
    diag("global: Q4 %.12f Q6 %.12f", Q[0], Q[1]);
    return 0;
  }
  return 1;
}

static void check(const char *name, vt_system *s, const vt_order_opts *o, double q4, double q6, size_t nbonds)
{
  double *q = malloc(2 * s->n * sizeof *q), *nb = malloc(s->n * sizeof *nb), Q[2];
  int rc = vt_steinhardt(s, o, q, Q, nb);
  ok(rc == 0, "%s: computed (%s)", name, rc ? vt_errmsg() : "ok");
  if (rc == 0) {
    ok(all_equal(s, q, Q, q4, q6, 1e-6), "%s: q4 = %.6f, q6 = %.6f for every particle and globally", name, q4, q6);
    int nbok = 1;
    for (size_t i = 0; i < s->n; i++) nbok &= nb[i] == (double)nbonds;
    ok(nbok, "%s: %zu bonds per particle", name, nbonds);
  }
  free(q), free(nb);
}

int main(void)
{
  int l46[2] = {4, 6};
  vt_order_opts cut = {.l = l46, .nl = 2, .neighbors = VT_ORDER_CUTOFF};
  vt_order_opts vor = {.l = l46, .nl = 2, .neighbors = VT_ORDER_VORONOI};

  vt_system *s = lattice(fcc, 4, 5, 1.5);
  cut.cutoff = 1.5 * 0.85;                  /* nearest distance a / sqrt 2 = 0.707 a, next a */
  check("fcc, cutoff", s, &cut, 0.190941, 0.574524, 12);
  check("fcc, Voronoi", s, &vor, 0.190941, 0.574524, 12);
  vor.area_weights = 1;
  check("fcc, Voronoi face areas (all equal)", s, &vor, 0.190941, 0.574524, 12);
  vor.area_weights = 0;

  /* translation of the whole crystal and relabelling of particles */
  {
    size_t n = s->n;
    double *q0 = malloc(2 * n * sizeof *q0), *q1 = malloc(2 * n * sizeof *q1), Q0[2], Q1[2];
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    for (size_t i = 0; i < 3 * n; i++) s->x[i] += 0.01 * (gsl_rng_uniform(r) - 0.5);  /* a thermal-ish crystal */
    vt_system_invalidate(s);
    int rc = vt_steinhardt(s, &cut, q0, Q0, NULL);
    vt_system *t;
    vt_system_copy(s, &t);
    for (size_t i = 0; i < n; i++) {       /* t = s shifted by (0.3, 0.7, 1.1) and with its labels reversed */
      for (int k = 0; k < 3; k++) {
        double x = s->x[3 * (n - 1 - i) + k] + (0.3 + 0.4 * k);
        t->x[3 * i + k] = x - t->box[k] * floor(x / t->box[k]);
      }
    }
    vt_system_invalidate(t);
    rc |= vt_steinhardt(t, &cut, q1, Q1, NULL);
    double dmax = 0;
    for (size_t i = 0; i < n; i++)
      for (int k = 0; k < 2; k++) dmax = fmax(dmax, fabs(q0[2 * i + k] - q1[2 * (n - 1 - i) + k]));
    ok(rc == 0 && dmax < 1e-12 && fabs(Q0[1] - Q1[1]) < 1e-12,
       "translation and relabelling leave every q and Q unchanged (max difference %.2g)", dmax);
    ok(Q0[1] > 0.55 && Q0[1] < 0.575, "a slightly perturbed fcc crystal keeps Q6 near 0.5745 (%.4f)", Q0[1]);

    /* 1 and 2 threads give the same numbers, bit for bit */
    omp_set_num_threads(1);
    rc = vt_steinhardt(s, &vor, q0, Q0, NULL);
    omp_set_num_threads(2);
    rc |= vt_steinhardt(s, &vor, q1, Q1, NULL);
    ok(rc == 0 && memcmp(q0, q1, 2 * n * sizeof *q0) == 0 && Q0[0] == Q1[0] && Q0[1] == Q1[1],
       "1 and 2 threads agree bit for bit");
    vt_system_free(t);
    gsl_rng_free(r);
    free(q0), free(q1);
  }
  vt_system_free(s);

  s = lattice(bcc, 2, 6, 1.2);
  cut.cutoff = 1.2 * 0.93;                  /* 8 at 0.866 a, 6 at a */
  check("bcc, cutoff (8 neighbours)", s, &cut, 0.509175, 0.628539, 8);
  cut.cutoff = 1.2 * 1.1;
  check("bcc, cutoff (8 + 6 neighbours)", s, &cut, 0.036370, 0.510688, 14);
  check("bcc, Voronoi (14 faces)", s, &vor, 0.036370, 0.510688, 14);
  vor.area_weights = 1;
  check("bcc, Voronoi face areas (Mickel et al.)", s, &vor, 0.224025, 0.566940, 14);
  vor.area_weights = 0;

  /* census: every bcc cell is the truncated octahedron <0,6,0,8> */
  {
    vt_voronoi *v;
    int rc = vt_voronoi_compute(s, 0, &v);
    int *sig;
    size_t *count, ncls, other;
    rc |= vt_voronoi_census(v->n, v->index, VT_VORONOI_NIDX, &sig, &count, &ncls, &other);
    ok(rc == 0 && ncls == 1 && sig[0] == 0 && sig[1] == 6 && sig[2] == 0 && sig[3] == 8 && count[0] == s->n && other == 0,
       "census of bcc: one signature <0,6,0,8> for all %zu cells", s->n);
    if (rc == 0) free(sig), free(count);
    vt_voronoi_free(v);
  }
  vt_system_free(s);

  s = lattice(sc, 1, 6, 1.1);
  cut.cutoff = 1.1 * 1.2;
  check("simple cubic, cutoff (6 neighbours)", s, &cut, 0.763763, 0.353553, 6);
  cut.cutoff = 0.5 * s->box[0];
  ok(vt_steinhardt(s, &cut, (double[432]){0}, (double[2]){0}, NULL) == VT_EINVAL && strstr(vt_errmsg(), "half the box"),
     "a cutoff of half the box is refused: %s", vt_errmsg());
  cut.cutoff = 1.1 * 0.9;                   /* no neighbour at all */
  {
    double q[432], Q[2];
    int rc = vt_steinhardt(s, &cut, q, Q, NULL);
    ok(rc == 0 && isnan(q[0]) && isnan(Q[1]), "no neighbours within the cutoff: q and Q are NaN, not 0");
  }
  int l20[1] = {20};
  vt_order_opts bad = {.l = l20, .nl = 1, .neighbors = VT_ORDER_VORONOI};
  ok(vt_steinhardt(s, &bad, (double[216]){0}, (double[1]){0}, NULL) == VT_EINVAL && strstr(vt_errmsg(), "l = 20"),
     "degree 20 refused: %s", vt_errmsg());
  bad = cut, bad.area_weights = 1, bad.cutoff = 1.2;
  ok(vt_steinhardt(s, &bad, (double[432]){0}, (double[2]){0}, NULL) == VT_EINVAL && strstr(vt_errmsg(), "face-area"),
     "face-area weights with a cutoff refused: %s", vt_errmsg());
  s->x[5] = NAN;
  ok(vt_steinhardt(s, &vor, (double[432]){0}, (double[2]){0}, NULL) == VT_ENONFINITE && strstr(vt_errmsg(), "particle 2"),
     "a NaN position is refused, naming the particle: %s", vt_errmsg());
  vt_system_free(s);

  /* ideal gas: no orientational order beyond the ~ (N nb)^(-1/2) noise */
  {
    size_t n = 4000;
    double L = cbrt(n / 0.8);
    vt_system *g;
    vt_system_alloc(n, (double[3]){L, L, L}, &g);
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 7);
    for (size_t i = 0; i < 3 * n; i++) g->x[i] = L * gsl_rng_uniform(r);
    double *q = malloc(2 * n * sizeof *q), Q[2];
    int rc = vt_steinhardt(g, &vor, q, Q, NULL);
    double mean6 = 0;
    for (size_t i = 0; i < n; i++) mean6 += q[2 * i + 1] / n;
    ok(rc == 0 && Q[0] < 0.02 && Q[1] < 0.02, "ideal gas: global Q4 %.4f, Q6 %.4f below 0.02", Q[0], Q[1]);
    ok(rc == 0 && mean6 > 0.2 && mean6 < 0.6, "ideal gas: per-particle q6 is that of a random bond set (mean %.3f)", mean6);
    free(q);
    gsl_rng_free(r);
    vt_system_free(g);
  }

  /* census ordering on a hand-made index table */
  {
    int idx[6 * 5] = {0, 0, 12, 0, 0,  0, 2, 8, 2, 0,  0, 0, 12, 0, 0,
                      0, 2, 8, 2, 1,  0, 0, 12, 0, 0,  1, 3, 4, 4, 0};
    int *sig;
    size_t *count, ncls, other;
    int rc = vt_voronoi_census(6, idx, 5, &sig, &count, &ncls, &other);
    ok(rc == 0 && ncls == 3 && count[0] == 3 && sig[2] == 12 && count[1] == 2 && sig[4 + 1] == 2 && count[2] == 1 &&
       sig[8] == 1 && other == 1,
       "census: <0,0,12,0> x3, <0,2,8,2> x2, <1,3,4,4> x1 in that order; one cell with a 7-edged face");
    if (rc == 0) free(sig), free(count);
  }
  return done_testing();
}
