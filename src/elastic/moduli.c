/* Athermal elastic moduli from the Hessian: Born (affine) terms minus the
 * non-affine relaxation Xi.H^+.Xi (Lutsko, J. Appl. Phys. 65, 2991 (1989);
 * Maloney and Lemaitre, PRE 74, 016118 (2006); the moduli of [PSS]).
 *
 * A homogeneous deformation x -> (I + t E) x maps every pair separation r
 * to r + t E r. With u', u'' the radial derivatives and c = r^.E r:
 *   dU/dt       = sum_pairs u' c
 *   d2U/dt2|aff = sum_pairs [u'' c^2 + (u'/r)(|E r|^2 - c^2)]        (Born)
 *   Xi_i        = d(dU/dx_i)/dt = sum_j K_ij E r_ij,  K = u'' r^r^ + (u'/r)(I - r^r^)
 * and at a force-balanced state the relaxed (quasistatic) second derivative
 * is d2U/dt2 = Born - Xi.H^+.Xi (the non-affine displacement is -t H^+ Xi).
 *
 * Definitions used (athermal, configurational part only; kinetic terms are
 * not included):
 *   G   = (1/V) d2U/dgamma2, simple shear x += gamma y (volume conserved),
 *         i.e. the slope d sigma_xy / d gamma of the quasistatic stress-strain
 *         curve with sigma_xy = (1/V) dU/dgamma [PSS];
 *   K   = -V dp/dV under uniform dilation x -> (1 + e) x with relaxation;
 *         with V = V0 (1 + e)^3 and p = -dU/dV this is
 *         K = (1/9V) d2U/de2 + (2/3) p;
 *   p   = trace(W)/(3V) (virial pressure), p_plus/p_minus its repulsive /
 *         attractive parts [PSS]; nu = (3K - 2G)/(6K + 2G). */
#include "elastic/hessian_impl.h"
#include "core/error.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

void vt_hessian_strain_force(const vt_hessian *H, const double E[9], double *xi)
{
  if (H->general) {
    double born;
    vt_hessian_general_strain(H, E, xi, &born);
    return;
  }
  memset(xi, 0, H->dim * sizeof(double));
  for (size_t k = 0; k < H->npairs; k++) {
    const double *r = H->rij + 3 * k;
    double K[9], er[3];
    vt_pair_block(H, k, K);
    for (int a = 0; a < 3; a++) er[a] = E[3 * a] * r[0] + E[3 * a + 1] * r[1] + E[3 * a + 2] * r[2];
    size_t i = (size_t)H->pi[k], j = (size_t)H->pj[k];
    for (int a = 0; a < 3; a++) {
      double v = K[3 * a] * er[0] + K[3 * a + 1] * er[1] + K[3 * a + 2] * er[2];
      xi[3 * i + a] += v;
      xi[3 * j + a] -= v;
    }
  }
}

/* dU/dt and the Born term for strain E. */
static void affine_terms(const vt_hessian *H, const double E[9], double *dU, double *born)
{
  double s1 = 0, s2 = 0;
  for (size_t k = 0; k < H->npairs; k++) {
    const double *r = H->rij + 3 * k;
    double er[3];
    for (int a = 0; a < 3; a++) er[a] = E[3 * a] * r[0] + E[3 * a + 1] * r[1] + E[3 * a + 2] * r[2];
    double r2 = r[0] * r[0] + r[1] * r[1] + r[2] * r[2], rr = sqrt(r2);
    double c = (r[0] * er[0] + r[1] * er[1] + r[2] * er[2]) / rr;
    double e2 = er[0] * er[0] + er[1] * er[1] + er[2] * er[2];
    s1 += H->du[k] * c;
    s2 += H->d2u[k] * c * c + H->du[k] / rr * (e2 - c * c);
  }
  *dU = s1;
  *born = s2;
}

/* Several strains at once: one block solve. */
static int strain_block(vt_hessian *H, size_t m, const double (*E)[9], vt_strain_response *out)
{
  const size_t dim = H->dim;
  double *xi = malloc(2 * m * dim * sizeof(double));
  if (!xi) return vt_error(VT_ENOMEM, "hessian: out of memory");
  double *z = xi + m * dim;
  for (size_t c = 0; c < m; c++) {
    if (H->general) {   /* many-body: from the blocks (hessian_general.c) */
      vt_hessian_general_strain(H, E[c], xi + c * dim, &out[c].born);
      const double *W = H->st.virial;   /* xx yy zz xy xz yz */
      const double *e = E[c];
      out[c].dU = -(e[0] * W[0] + e[4] * W[1] + e[8] * W[2] + (e[1] + e[3]) * W[3] + (e[2] + e[6]) * W[4] +
                    (e[5] + e[7]) * W[5]);
    } else {
      vt_hessian_strain_force(H, E[c], xi + c * dim);
      affine_terms(H, E[c], &out[c].dU, &out[c].born);
    }
  }
  memcpy(z, xi, m * dim * sizeof(double));
  int rc = vt_hessian_solve(H, m, z, z);
  if (rc) { free(xi); return rc; }
  for (size_t c = 0; c < m; c++) {
    double na = 0;
    for (size_t q = 0; q < dim; q++) na += xi[c * dim + q] * z[c * dim + q];
    out[c].nonaffine = na;
    out[c].d2U = out[c].born - na;
  }
  free(xi);
  return 0;
}

int vt_hessian_strain(vt_hessian *H, const double E[9], vt_strain_response *out)
{
  { int nc = vt_hessian_need_complete(H, "strain responses"); if (nc) return nc; }
  for (int q = 0; q < 9; q++)
    if (!isfinite(E[q])) return vt_error(VT_EINVAL, "hessian strain: the strain matrix has a non-finite entry");
  return strain_block(H, 1, (const double (*)[9])E, out);
}

int vt_hessian_moduli(vt_hessian *H, vt_moduli *m)
{
  { int nc = vt_hessian_need_complete(H, "moduli"); if (nc) return nc; }
  static const double E[4][9] = {
    {0, 1, 0, 0, 0, 0, 0, 0, 0},   /* x += gamma y */
    {0, 0, 1, 0, 0, 0, 0, 0, 0},   /* x += gamma z */
    {0, 0, 0, 0, 0, 1, 0, 0, 0},   /* y += gamma z */
    {1, 0, 0, 0, 1, 0, 0, 0, 1}    /* uniform dilation */
  };
  vt_strain_response r[4];
  int rc = strain_block(H, 4, E, r);
  if (rc) return rc;
  const double V = H->volume;
  memset(m, 0, sizeof *m);
  m->volume = V;
  m->fmax = H->st.fmax;
  m->p = (H->st.virial[0] + H->st.virial[1] + H->st.virial[2]) / (3.0 * V);
  m->p_plus = H->st.w_plus / (3.0 * V);
  m->p_minus = -H->st.w_minus / (3.0 * V);
  m->G_born = r[0].born / V;
  m->G_na = r[0].nonaffine / V;
  m->G = r[0].d2U / V;
  m->G_xz = r[1].d2U / V;
  m->G_yz = r[2].d2U / V;
  m->K_born = r[3].born / (9.0 * V) + 2.0 * m->p / 3.0;
  m->K_na = r[3].nonaffine / (9.0 * V);
  m->K = m->K_born - m->K_na;
  m->nu = (3.0 * m->K - 2.0 * m->G) / (6.0 * m->K + 2.0 * m->G);
  return 0;
}

int vt_hessian_scales(const vt_hessian *H, double G, vt_elastic_scales *out)
{
  out->a0 = cbrt(H->volume / (double)H->n);
  out->rho = H->msum / H->volume;
  out->c_s = G > 0 ? sqrt(G / out->rho) : NAN;
  out->omega_0 = out->c_s / out->a0;
  if (!(G > 0)) return vt_error(VT_ERANGE, "hessian scales: the shear modulus %g is not positive", G);
  return 0;
}
