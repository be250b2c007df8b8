/* g(r) and S(q) (src/analysis/structure.c):
 *  - ideal gas (uniform random positions, N = 2000): every g(r) bin within
 *    5 sigma of 1 (sigma = 1/sqrt(expected pair count of the bin)) and the
 *    pair total within 4 sigma; S(q) over all vectors within 4 sigma of 1
 *    (each |rho|^2/N is close to exponential with mean 1, q and -q are one
 *    sample) and every shell with >= 100 vectors within 5 sigma;
 *  - partials add up to the totals exactly (to round-off) for g and S;
 *    the cell-list path (rmax well below L/3) equals the all-pairs one;
 *  - fcc crystal: g(r) has the neighbour shells' coordination numbers in the
 *    bins that contain them and is 0 elsewhere; S(q) is N on the reciprocal
 *    lattice vectors and 0 on all others (checked shell by shell), and the
 *    peak is the (111) shell;
 *  - 1 and 2 threads give bit-identical results;
 *  - bad input is refused with clear codes. */
#include "tap.h"
#include "vitrum.h"
#include <gsl/gsl_rng.h>
#include <stdlib.h>
#include <string.h>
#ifdef _OPENMP
#include <omp.h>
#endif

static vt_system *ideal_gas(size_t n, double L, unsigned long seed)
{
  double box[3] = {L, L, L};
  vt_system *s;
  if (vt_system_alloc(n, box, &s)) return NULL;
  gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
  gsl_rng_set(r, seed);
  double *x = malloc(3 * n * sizeof *x);
  int *t = malloc(n * sizeof *t);
  for (size_t i = 0; i < 3 * n; i++) x[i] = L * gsl_rng_uniform(r);
  for (size_t i = 0; i < n; i++) t[i] = gsl_rng_uniform(r) < 0.4 ? 2 : 1;
  vt_system_set_positions(s, x);
  vt_system_set_types(s, t);
  free(x); free(t);
  gsl_rng_free(r);
  return s;
}

/* fcc of m^3 cubic cells of side a; types alternate 1, 2 by basis site */
static vt_system *fcc(int m, double a)
{
  size_t n = 4 * (size_t)m * m * m;
  double L = m * a, box[3] = {L, L, L};
  static const double basis[4][3] = {{0, 0, 0}, {0.5, 0.5, 0}, {0.5, 0, 0.5}, {0, 0.5, 0.5}};
  vt_system *s;
  if (vt_system_alloc(n, box, &s)) return NULL;
  double *x = malloc(3 * n * sizeof *x);
  size_t p = 0;
  for (int i = 0; i < m; i++)
    for (int j = 0; j < m; j++)
      for (int k = 0; k < m; k++)
        for (int b = 0; b < 4; b++, p++) {
          x[3 * p] = (i + basis[b][0]) * a + 0.01 * a;
          x[3 * p + 1] = (j + basis[b][1]) * a + 0.01 * a;
          x[3 * p + 2] = (k + basis[b][2]) * a + 0.01 * a;
        }
  vt_system_set_positions(s, x);
  free(x);
  return s;
}

static void test_ideal_gas(void)
{
  size_t n = 2000;
  double L = 12.0, V = L * L * L;
  vt_system *s = ideal_gas(n, L, 7);
  vt_array *r, *g;
  ok(vt_structure_gr(s, 5.0, 0.1, 0, 0, &r, &g) == 0, "ideal gas: g(r) computed");
  ok(r->n == 50, "50 bins of 0.1 up to 5 (got %zu)", r->n);
  int bad = 0;
  double tot = 0, expect_tot = 0;
  for (size_t b = 0; b < g->n; b++) {
    double r1 = b * 0.1, r2 = r1 + 0.1, shell = 4 * M_PI / 3 * (r2 * r2 * r2 - r1 * r1 * r1);
    double expect = 0.5 * n * (n - 1) * shell / V;
    double sig = 1 / sqrt(expect);
    if (fabs(g->data[b] - 1) > 5 * sig) { bad++; diag("bin %zu: g = %g, 5 sigma = %g", b, g->data[b], 5 * sig); }
    tot += g->data[b] * expect;
    expect_tot += expect;
  }
  ok(bad == 0, "ideal gas: every g(r) bin within 5 sigma of 1");
  is_close(tot / expect_tot, 1.0, 4 / sqrt(expect_tot), "ideal gas: pairs within rmax = expected within 4 sigma");
  ok(fabs(r->data[0] - 0.05) < 1e-15 && fabs(r->data[49] - 4.95) < 1e-12, "r is the bin centre");
  /* rmax 2 in a box of 12: 6 cells a side (the cell-list path); rmax 5 was
   * one cell (all pairs): the same counts in the common bins */
  vt_array *rc, *gc;
  ok(vt_structure_gr(s, 2.0, 0.1, 0, 0, &rc, &gc) == 0 && gc->n == 20, "rmax 2: 20 bins through the cell list");
  int same = 1;
  for (size_t b = 0; b < 20; b++) same &= gc->data[b] == g->data[b];
  ok(same, "cell list and all-pairs paths give identical g(r)");
  vt_array_unref(rc); vt_array_unref(gc);

  /* partials add up: N(N-1) g = sum_a Na(Na-1) g_aa + 2 N1 N2 g_12 */
  vt_array *r11, *g11, *r22, *g22, *r12, *g12, *r21, *g21;
  ok(vt_structure_gr(s, 5.0, 0.1, 1, 1, &r11, &g11) == 0 && vt_structure_gr(s, 5.0, 0.1, 2, 2, &r22, &g22) == 0 &&
         vt_structure_gr(s, 5.0, 0.1, 1, 2, &r12, &g12) == 0 && vt_structure_gr(s, 5.0, 0.1, 2, 1, &r21, &g21) == 0,
     "partial g_ab computed");
  double n1 = 0, n2;
  for (size_t i = 0; i < n; i++) n1 += s->type[i] == 1;
  n2 = n - n1;
  double worst = 0, worst12 = 0;
  for (size_t b = 0; b < g->n; b++) {
    double sum = n1 * (n1 - 1) * g11->data[b] + n2 * (n2 - 1) * g22->data[b] + 2 * n1 * n2 * g12->data[b];
    worst = fmax(worst, fabs(sum / (n * (n - 1.0)) - g->data[b]));
    worst12 = fmax(worst12, fabs(g12->data[b] - g21->data[b]));
  }
  ok(worst < 1e-12, "totals = weighted sum of the partial g_ab (worst %.2g)", worst);
  ok(worst12 == 0, "g_12 = g_21");
  vt_array *v[] = {r, g, r11, g11, r22, g22, r12, g12, r21, g21};
  for (int k = 0; k < 10; k++) vt_array_unref(v[k]);

  /* S(q) */
  vt_sq_result S, S11, S22, S12;
  ok(vt_structure_sq(s, 8.0, 0.1, 0, 0, &S) == 0, "ideal gas: S(q) computed");
  double sum = 0, cnt = 0;
  bad = 0;
  for (size_t k = 0; k < S.S->n; k++) {
    double c = S.count->data[k];
    sum += S.S->data[k] * c;
    cnt += c;
    if (c >= 100 && fabs(S.S->data[k] - 1) > 5 / sqrt(c / 2)) { bad++; diag("shell q = %g: S = %g (count %g)", S.q->data[k], S.S->data[k], c); }
  }
  is_close(sum / cnt, 1.0, 4 / sqrt(cnt / 2), "ideal gas: mean S over %g vectors within 4 sigma of 1", cnt);
  ok(bad == 0, "ideal gas: every shell with >= 100 vectors within 5 sigma of 1");
  ok(vt_structure_sq(s, 8.0, 0.1, 1, 1, &S11) == 0 && vt_structure_sq(s, 8.0, 0.1, 2, 2, &S22) == 0 &&
         vt_structure_sq(s, 8.0, 0.1, 1, 2, &S12) == 0,
     "partial S_ab computed");
  worst = 0;
  for (size_t k = 0; k < S.S->n; k++) {
    double parts = (n1 * S11.S->data[k] + n2 * S22.S->data[k] + 2 * sqrt(n1 * n2) * S12.S->data[k]) / n;
    worst = fmax(worst, fabs(parts - S.S->data[k]));
  }
  ok(S11.S->n == S.S->n && worst < 1e-10, "N S = N1 S11 + N2 S22 + 2 sqrt(N1 N2) S12 on every shell (worst %.2g)", worst);
  /* shell counts: all vectors with |q| <= qmax, q = 0 excluded */
  long nv = 0;
  double dq = 2 * M_PI / L;
  int nm = (int)(8.0 / dq);
  for (int a = -nm; a <= nm; a++)
    for (int b = -nm; b <= nm; b++)
      for (int c = -nm; c <= nm; c++)
        if ((a || b || c) && dq * dq * (a * a + b * b + c * c) <= 64.0) nv++;
  ok(fabs(cnt - nv) < 0.5, "shell counts add up to all %ld vectors with 0 < |q| <= qmax", nv);

#ifdef _OPENMP
  int nt = omp_get_max_threads();
  omp_set_num_threads(1);
  vt_sq_result S1;
  vt_array *ra, *ga;
  vt_structure_sq(s, 8.0, 0.1, 0, 0, &S1);
  vt_structure_gr(s, 5.0, 0.1, 0, 0, &ra, &ga);
  omp_set_num_threads(2);
  vt_sq_result S2;
  vt_array *rb, *gb;
  vt_structure_sq(s, 8.0, 0.1, 0, 0, &S2);
  vt_structure_gr(s, 5.0, 0.1, 0, 0, &rb, &gb);
  omp_set_num_threads(nt);
  ok(memcmp(S1.S->data, S2.S->data, S1.S->n * sizeof(double)) == 0 && memcmp(S1.S->data, S.S->data, S1.S->n * sizeof(double)) == 0,
     "S(q): 1 and 2 threads bit-identical");
  ok(memcmp(ga->data, gb->data, ga->n * sizeof(double)) == 0, "g(r): 1 and 2 threads bit-identical");
  vt_sq_result_free(&S1); vt_sq_result_free(&S2);
  vt_array_unref(ra); vt_array_unref(ga); vt_array_unref(rb); vt_array_unref(gb);
#endif
  vt_sq_result_free(&S); vt_sq_result_free(&S11); vt_sq_result_free(&S22); vt_sq_result_free(&S12);
  vt_system_free(s);
}

static void test_fcc(void)
{
  int m = 4;
  double a = cbrt(4.0);               /* number density 1 */
  vt_system *s = fcc(m, a);
  size_t n = s->n;
  double L = m * a;
  vt_array *r, *g;
  double w = 0.02;
  ok(vt_structure_gr(s, 0.5 * L, w, 0, 0, &r, &g) == 0, "fcc: g(r) computed");
  /* neighbour shells: r^2 = a^2 k / 2, coordination numbers of fcc */
  static const int coord[] = {0, 12, 6, 24, 12, 24, 8, 48};
  int bad = 0;
  /* with the N (N - 1) normalisation, neighbours = (N - 1)/V * integral of g 4 pi r^2 dr */
  double rho = (n - 1) / (L * L * L);
  for (size_t b = 0; b < g->n; b++) {
    double r1 = b * w, r2 = r1 + w, shell = 4 * M_PI / 3 * (r2 * r2 * r2 - r1 * r1 * r1);
    double z = rho * g->data[b] * shell, want = 0;
    for (int k = 1; k <= 7; k++) {
      double rk = a * sqrt(k / 2.0);
      if (rk >= r1 && rk < r2) want = coord[k];
    }
    if (fabs(z - want) > 1e-9) { bad++; diag("bin [%g, %g): coordination %g, want %g", r1, r2, z, want); }
  }
  ok(bad == 0, "fcc: g(r) holds the 7 neighbour shells' coordination numbers (12 6 24 12 24 8 48), 0 elsewhere");
  vt_array_unref(r); vt_array_unref(g);

  vt_sq_result S;
  double qmax = 12, qw = 0.05;
  ok(vt_structure_sq(s, qmax, qw, 0, 0, &S) == 0, "fcc: S(q) computed");
  /* expected: in units of 2 pi / L, reciprocal lattice vectors are
   * n = m (h, k, l) with h, k, l all even or all odd; there |rho|^2 / N = N */
  size_t nsh = (size_t)(qmax / qw) + 1;
  double *want = calloc(nsh, sizeof *want), *count = calloc(nsh, sizeof *count);
  double dq = 2 * M_PI / L;
  int nm = (int)(qmax / dq);
  for (int x = -nm; x <= nm; x++)
    for (int y = -nm; y <= nm; y++)
      for (int z = -nm; z <= nm; z++) {
        double q = dq * sqrt((double)(x * x + y * y + z * z));
        if (!(x || y || z) || q > qmax) continue;
        size_t k = (size_t)(q / qw);
        count[k]++;
        if (x % m == 0 && y % m == 0 && z % m == 0) {
          int h = abs(x / m) % 2, kk = abs(y / m) % 2, l = abs(z / m) % 2;
          if (h == kk && kk == l) want[k] += n;
        }
      }
  bad = 0;
  size_t j = 0, bragg = 0;
  for (size_t k = 0; k < nsh; k++) {
    if (!count[k]) continue;
    if (j >= S.S->n || S.count->data[j] != count[k]) { bad++; break; }
    double wk = want[k] / count[k];
    if (fabs(S.S->data[j] - wk) > 1e-9 * n) { bad++; diag("shell q = %g: S = %g, want %g", S.q->data[j], S.S->data[j], wk); }
    bragg += want[k] > 0;
    j++;
  }
  ok(bad == 0 && j == S.S->n, "fcc: S(q) = N on the %zu shells with reciprocal lattice vectors, 0 on the others", bragg);
  double q111 = 2 * M_PI * sqrt(3.0) / a;
  ok(fabs(S.peak - q111) < qw, "fcc: peak at the (111) shell, q = %g (got %g)", q111, S.peak);
  free(want); free(count);
  vt_sq_result_free(&S);
  vt_system_free(s);
}

static void test_errors(void)
{
  vt_system *s = ideal_gas(100, 6.0, 3);
  vt_array *r, *g;
  vt_sq_result S;
  ok(vt_structure_gr(s, 3.5, 0.1, 0, 0, &r, &g) == VT_ERANGE && r == NULL, "g(r): rmax > L/2 refused: %s", vt_errmsg());
  ok(vt_structure_gr(s, 2.0, 0, 0, 0, &r, &g) == VT_EINVAL, "g(r): width 0 refused: %s", vt_errmsg());
  ok(vt_structure_gr(s, 2.0, 0.1, 3, 3, &r, &g) == VT_EINVAL, "g(r): absent type refused: %s", vt_errmsg());
  ok(vt_structure_gr(s, 2.0, 0.1, 1, 0, &r, &g) == VT_EINVAL, "g(r): one type of two refused: %s", vt_errmsg());
  ok(vt_structure_sq(s, 0.5, 0.1, 0, 0, &S) == VT_EINVAL, "S(q): qmax below 2 pi/L refused: %s", vt_errmsg());
  ok(vt_structure_sq(s, 5, -1, 0, 0, &S) == VT_EINVAL, "S(q): negative width refused: %s", vt_errmsg());
  s->x[5] = NAN;
  ok(vt_structure_sq(s, 5, 0.1, 0, 0, &S) == VT_ENONFINITE, "S(q): NaN position refused: %s", vt_errmsg());
  ok(vt_structure_gr(s, 2, 0.1, 0, 0, &r, &g) == VT_ENONFINITE, "g(r): NaN position refused: %s", vt_errmsg());
  double S0[] = {0.1, 3, 2, 3, 1};
  ok(vt_structure_peak(S0, 5) == 1 && vt_structure_peak(S0, 0) == -1, "peak rule: first largest");
  vt_system_free(s);
}

int main(void)
{
  test_ideal_gas();
  test_fcc();
  test_errors();
  return done_testing();
}
