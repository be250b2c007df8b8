/* Moduli from the Hessian (Born minus non-affine) against quasistatic
 * finite strains with re-minimization, on the LAMMPS reference inherent
 * structure (WAHNs, N = 500), and against the analytic lattice sums of a
 * perfect FCC crystal (where the non-affine part vanishes by symmetry).
 *
 * Routes:
 * - uniform dilation and pure shear (xx-yy) deform the orthorhombic box
 *   itself; each strained copy is re-minimized with Newton steps to round-off
 *   and the stress comes from the virial: K = -V dp/dV and d2U/dt2 by
 *   central differences of dU/dt = -sum_ab [E (I + tE)^-1]_ab W_ab;
 * - simple shear (xy, xz, yz) cannot be carried by an orthorhombic box, so
 *   the test deforms the periodic system at fixed pair topology: every
 *   interacting pair keeps its reference image, r = (I + tE) r0 + u_i - u_j,
 *   which is exact for small t (the potential is C2 at its cutoff); u is
 *   relaxed with the reference Hessian as a fixed preconditioner (the fixed
 *   point is the minimum whatever the preconditioner). */
#include "elastic_util.h"

static const double H_STRAIN = 1e-5;

typedef struct {
  vt_system *s;
  vt_hessian *H;
  size_t np;
  int *pi, *pj;
  double *r0;
} topo_t;

/* forces on u and dU/dt at fixed u, for the deformation I + tE */
static void topo_eval(const topo_t *T, const double E[9], double t, const double *u, double *f, double *S)
{
  const vt_system *s = T->s;
  memset(f, 0, 3 * s->n * sizeof *f);
  double dUdt = 0;
  for (size_t k = 0; k < T->np; k++) {
    size_t i = (size_t)T->pi[k], j = (size_t)T->pj[k];
    const double *r0 = T->r0 + 3 * k;
    double er[3], r[3];
    for (int a = 0; a < 3; a++) er[a] = E[3 * a] * r0[0] + E[3 * a + 1] * r0[1] + E[3 * a + 2] * r0[2];
    for (int a = 0; a < 3; a++) r[a] = r0[a] + t * er[a] + u[3 * i + a] - u[3 * j + a];
    double rn = sqrt(r[0] * r[0] + r[1] * r[1] + r[2] * r[2]), du;
    vt_potential_pair(s->pot, rn, s->sigma[i], s->sigma[j], s->type[i], s->type[j], NULL, &du, NULL);
    for (int a = 0; a < 3; a++) { f[3 * i + a] -= du * r[a] / rn; f[3 * j + a] += du * r[a] / rn; }
    dUdt += du * (r[0] * er[0] + r[1] * er[1] + r[2] * er[2]) / rn;
  }
  *S = dUdt;
}

/* relaxed dU/dt at strain t */
static double topo_relaxed_S(const topo_t *T, const double E[9], double t, double *fres)
{
  const size_t dim = 3 * T->s->n;
  double *u = calloc(dim, sizeof *u), *f = malloc(dim * sizeof *f), S = 0, fm = 0;
  for (int it = 0; it < 40; it++) {
    topo_eval(T, E, t, u, f, &S);
    fm = 0;
    for (size_t q = 0; q < dim; q++) fm = fmax(fm, fabs(f[q]));
    if (fm < 1e-12) break;
    vt_hessian_solve(T->H, 1, f, f);
    for (size_t q = 0; q < dim; q++) u[q] += f[q];
  }
  *fres = fm;
  free(u); free(f);
  return S;
}

/* strained copy of the system: box and positions by (I + tE), E diagonal */
static vt_system *strained(const vt_system *s, const double E[9], double t)
{
  vt_system *c;
  if (vt_system_copy(s, &c)) return NULL;
  for (int a = 0; a < 3; a++) c->box[a] *= 1 + t * E[4 * a];
  for (size_t i = 0; i < c->n; i++)
    for (int a = 0; a < 3; a++) c->x[3 * i + a] *= 1 + t * E[4 * a];
  vt_system_invalidate(c);
  vt_neighbor_invalidate(c);
  return c;
}

static void test_glass(const char *path)
{
  static const double diam[2] = {1.0, 1.2};
  vt_system *s = eu_read_data(path, diam);
  if (!ok(s != NULL, "read %s", path)) return;
  vt_potential *p = eu_lj_smooth(2.5, 2.75);
  vt_system_set_potential(s, p);
  vt_potential_unref(p);
  const size_t n = s->n, dim = 3 * n;
  const double V0 = vt_system_volume(s);
  vt_hessian *H;
  if (!ok(vt_hessian_create(s, NULL, &H) == 0, "hessian of the reference IS")) return;
  vt_moduli m;
  int rc = vt_hessian_moduli(H, &m);
  ok(rc == 0, "moduli");
  diag("G = %.10g (Born %.10g, non-affine %.10g), G_xz %.8g, G_yz %.8g", m.G, m.G_born, m.G_na, m.G_xz, m.G_yz);
  diag("K = %.10g (Born %.10g, non-affine %.10g), nu %.6g, p %.10g = %.8g - %.8g", m.K, m.K_born, m.K_na, m.nu, m.p,
       m.p_plus, m.p_minus);
  is_rel(m.p, 0.1852772255321784, 1e-10, 0, "virial pressure matches LAMMPS");
  is_rel(m.p_plus - m.p_minus, m.p, 1e-12, 1e-14, "p = p_plus - p_minus");
  ok(m.p_plus > 0 && m.p_minus > 0, "p_plus and p_minus are positive");
  is_rel(m.nu, (3 * m.K - 2 * m.G) / (6 * m.K + 2 * m.G), 1e-15, 0, "nu = (3K - 2G)/(6K + 2G)");
  ok(m.G_na > 0 && m.K_na > 0 && m.G < m.G_born && m.G > 0 && m.K > 0, "non-affine parts soften both moduli");
  vt_elastic_scales sc;
  vt_hessian_scales(H, m.G, &sc);
  double msum = 0;
  for (size_t i = 0; i < n; i++) msum += s->mass[i];
  is_rel(sc.a0, cbrt(V0 / n), 1e-15, 0, "a0 = (V/N)^(1/3)");
  is_rel(sc.c_s, sqrt(m.G / (msum / V0)), 1e-15, 0, "c_s = sqrt(G/rho), rho = sum m / V");
  is_rel(sc.omega_0, sc.c_s / sc.a0, 1e-15, 0, "omega_0 = c_s/a0");

  /* K by uniform dilation with re-minimization: K = -V dp/dV */
  const double Eiso[9] = {1, 0, 0, 0, 1, 0, 0, 0, 1};
  double pv[2], Vv[2];
  for (int q = 0; q < 2; q++) {
    double t = q ? -H_STRAIN : H_STRAIN;
    vt_system *c = strained(s, Eiso, t);
    double fm = eu_newton(c, 1e-13, 20);
    ok(fm >= 0 && fm < 1e-12, "dilated copy (e = %g) re-minimized: fmax %.2g", t, fm);
    vt_system_compute(c, VT_ENERGY | VT_VIRIAL);
    Vv[q] = vt_system_volume(c);
    pv[q] = (c->virial[0] + c->virial[1] + c->virial[2]) / (3 * Vv[q]);
    vt_system_free(c);
  }
  double Kfd = -V0 * (pv[0] - pv[1]) / (Vv[0] - Vv[1]);
  is_rel(m.K, Kfd, 1e-6, 0, "K from the Hessian = -V dp/dV by quasistatic dilation (%.10g)", Kfd);

  /* pure shear xx - yy through the box */
  const double Eps[9] = {1, 0, 0, 0, -1, 0, 0, 0, 0};
  vt_strain_response rs;
  vt_hessian_strain(H, Eps, &rs);
  double Sv[2];
  for (int q = 0; q < 2; q++) {
    double t = q ? -H_STRAIN : H_STRAIN;
    vt_system *c = strained(s, Eps, t);
    double fm = eu_newton(c, 1e-13, 20);
    ok(fm >= 0 && fm < 1e-12, "pure-sheared copy (t = %g) re-minimized: fmax %.2g", t, fm);
    vt_system_compute(c, VT_ENERGY | VT_VIRIAL);
    Sv[q] = -(c->virial[0] / (1 + t) - c->virial[1] / (1 - t));
    vt_system_free(c);
  }
  double d2fd = (Sv[0] - Sv[1]) / (2 * H_STRAIN);
  is_rel(rs.dU, -(s->virial[0] - s->virial[1]), 1e-12, 1e-12, "pure shear: dU/dt = -(W_xx - W_yy)");
  is_rel(rs.d2U, d2fd, 1e-6, 0, "pure shear: relaxed d2U/dt2 %.10g = quasistatic %.10g (Born %.8g, non-affine %.8g)",
         rs.d2U, d2fd, rs.born, rs.nonaffine);

  /* simple shears at fixed topology */
  topo_t T = {.s = s, .H = H, .np = vt_hessian_npairs(H)};
  T.pi = malloc(T.np * sizeof(int));
  T.pj = malloc(T.np * sizeof(int));
  T.r0 = malloc(3 * T.np * sizeof(double));
  for (size_t k = 0; k < T.np; k++) {
    vt_hessian_pair(H, k, &T.pi[k], &T.pj[k]);
    for (int a = 0; a < 3; a++) T.r0[3 * k + a] = s->x[3 * T.pi[k] + a] - s->x[3 * T.pj[k] + a];
    vt_minimum_image(s->box, T.r0 + 3 * k);
  }
  const char *names[3] = {"xy", "xz", "yz"};
  const double want[3] = {m.G, m.G_xz, m.G_yz};
  for (int c = 0; c < 3; c++) {
    double E[9] = {0};
    E[c == 0 ? 1 : c == 1 ? 2 : 5] = 1;
    double f1, f2, S0;
    double *u0 = calloc(dim, sizeof *u0), *f0 = malloc(dim * sizeof *f0);
    topo_eval(&T, E, 0, u0, f0, &S0);
    vt_hessian_strain(H, E, &rs);
    is_rel(rs.dU, S0, 1e-12, 1e-12, "simple shear %s: dU/dgamma from the Hessian module matches", names[c]);
    double Sp = topo_relaxed_S(&T, E, H_STRAIN, &f1), Sm = topo_relaxed_S(&T, E, -H_STRAIN, &f2);
    ok(f1 < 1e-12 && f2 < 1e-12, "simple shear %s: both strained states relaxed (fmax %.2g, %.2g)", names[c], f1, f2);
    double Gfd = (Sp - Sm) / (2 * H_STRAIN) / V0;
    is_rel(want[c], Gfd, 1e-6, 0, "G_%s = %.10g from the Hessian = quasistatic %.10g", names[c], want[c], Gfd);
    /* the Born term alone: affine strain only */
    topo_eval(&T, E, H_STRAIN, u0, f0, &Sp);
    topo_eval(&T, E, -H_STRAIN, u0, f0, &Sm);
    is_rel(rs.born, (Sp - Sm) / (2 * H_STRAIN), 1e-6, 0, "simple shear %s: Born term = affine d2U/dgamma2", names[c]);
    free(u0); free(f0);
  }
  free(T.pi); free(T.pj); free(T.r0);
  vt_hessian_free(H);
  vt_system_free(s);
}

static void test_fcc(void)
{
  const double a = 1.55;
  const int nc = 5;
  const size_t n = 4 * nc * nc * nc;
  double box[3] = {nc * a, nc * a, nc * a};
  vt_system *s;
  vt_system_alloc(n, box, &s);
  double *x = malloc(3 * n * sizeof *x);
  static const double basis[4][3] = {{0, 0, 0}, {0.5, 0.5, 0}, {0.5, 0, 0.5}, {0, 0.5, 0.5}};
  size_t q = 0;
  for (int i = 0; i < nc; i++)
    for (int j = 0; j < nc; j++)
      for (int k = 0; k < nc; k++)
        for (int b = 0; b < 4; b++) {
          x[3 * q] = (i + basis[b][0] + 0.1) * a;
          x[3 * q + 1] = (j + basis[b][1] + 0.1) * a;
          x[3 * q + 2] = (k + basis[b][2] + 0.1) * a;
          q++;
        }
  vt_system_set_positions(s, x);
  free(x);
  vt_potential *p = eu_lj_smooth(2.5, 2.75);
  vt_system_set_potential(s, p);
  double fm = eu_fmax(s);
  ok(fm < 1e-12, "FCC crystal is force-free (fmax %.2g)", fm);

  /* lattice sums over R = (a/2)(n1, n2, n3), n1 + n2 + n3 even */
  double sK = 0, sP = 0, sG = 0, rc = vt_potential_cutoff(p, 1, 1, 1, 1);
  for (int n1 = -8; n1 <= 8; n1++)
    for (int n2 = -8; n2 <= 8; n2++)
      for (int n3 = -8; n3 <= 8; n3++) {
        if ((n1 + n2 + n3) % 2 != 0 || (n1 == 0 && n2 == 0 && n3 == 0)) continue;
        double R[3] = {0.5 * a * n1, 0.5 * a * n2, 0.5 * a * n3};
        double r = sqrt(R[0] * R[0] + R[1] * R[1] + R[2] * R[2]);
        if (r >= rc) continue;
        double du, d2u;
        vt_potential_pair(p, r, 1, 1, 1, 1, NULL, &du, &d2u);
        sK += r * r * d2u - 2 * r * du;
        sP += r * du;
        double c = R[0] * R[1] / r;
        sG += d2u * c * c + du / r * (R[1] * R[1] - c * c);
      }
  vt_potential_unref(p);
  const double v0 = a * a * a / 4;
  double K_lat = sK / (18 * v0), p_lat = -sP / (6 * v0), G_lat = sG / (2 * v0);

  vt_hessian *H;
  if (!ok(vt_hessian_create(s, NULL, &H) == 0, "FCC hessian")) { vt_system_free(s); return; }
  vt_moduli m;
  vt_hessian_moduli(H, &m);
  diag("FCC a = %g: K = %.12g (lattice sum %.12g), G_xy = %.12g (%.12g), p = %.12g (%.12g)", a, m.K, K_lat, m.G, G_lat,
       m.p, p_lat);
  is_rel(m.p, p_lat, 1e-12, 1e-12, "FCC pressure equals the lattice sum");
  is_rel(m.K, K_lat, 1e-10, 0, "FCC bulk modulus equals the lattice sum (1/18v0) sum [R^2 u'' - 2 R u']");
  is_rel(m.G, G_lat, 1e-10, 0, "FCC simple-shear modulus equals its lattice sum");
  ok(fabs(m.K_na) < 1e-10 * m.K && fabs(m.G_na) < 1e-10 * m.G, "FCC non-affine parts vanish (K_na %.3g, G_na %.3g)",
     m.K_na, m.G_na);
  is_rel(m.G_xz, m.G, 1e-10, 0, "cubic symmetry: G_xz = G_xy");
  vt_hessian_free(H);
  vt_system_free(s);
}

int main(void)
{
  char path[4096];
  if (eu_reference(path, sizeof path, "IS_T1.0_N500.data")) test_glass(path);
  test_fcc();
  return done_testing();
}
