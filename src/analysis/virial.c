/* Per-particle virial stress, P2_i and dP2_i/dsigma_i (see virial.h). */
#include "analysis/virial.h"
#include "core/error.h"
#include "core/neighbor.h"
#include <string.h>

int vt_virial_stress(vt_system *s, int per_volume, double *st)
{
  int rc = vt_system_compute(s, VT_ENERGY | VT_VIRIAL | VT_VATOM);
  if (rc) return rc;
  double scale = per_volume ? s->n / vt_system_volume(s) : 1.0;
  for (size_t i = 0; i < 6 * s->n; i++) st[i] = s->vatom[i] * scale;
  return 0;
}

int vt_virial_p2(vt_system *s, double *p2)
{
  int rc = vt_system_compute(s, VT_ENERGY | VT_VIRIAL | VT_VATOM);
  if (rc) return rc;
  double scale = s->n / (3.0 * vt_system_volume(s));
  for (size_t i = 0; i < s->n; i++) {
    const double *w = &s->vatom[6 * i];
    p2[i] = (w[0] + w[1] + w[2]) * scale;
  }
  return 0;
}

int vt_virial_dp2_dsigma(vt_system *s, double *d)
{
  /* P2_i = -(1/(6v)) sum_j w_ij with w_ij = r du/dr of pair ij, so
   * dP2_i/dsigma_i = -(1/(6v)) sum_j dw_ij/dsigma_i. Serial over the half
   * list: one pass, cheap next to the minimization it steers. */
  int rc = vt_neighbor_update(s, NULL);
  if (rc) return rc;
  const vt_neighbor *nl = s->nl;
  const vt_potential *p = s->pot;
  memset(d, 0, s->n * sizeof *d);
  for (size_t i = 0; i < s->n; i++) {
    for (size_t q = nl->start[i]; q < nl->start[i + 1]; q++) {
      size_t j = (size_t)nl->list[q];
      double r3[3] = {s->x[3 * i] - s->x[3 * j], s->x[3 * i + 1] - s->x[3 * j + 1], s->x[3 * i + 2] - s->x[3 * j + 2]};
      vt_minimum_image(s->box, r3);
      double r = sqrt(r3[0] * r3[0] + r3[1] * r3[1] + r3[2] * r3[2]);
      if (r >= vt_potential_cutoff(p, s->sigma[i], s->sigma[j], s->type[i], s->type[j])) continue;
      double du_i, dw_i, du_j, dw_j;
      vt_potential_dsigma(p, r, s->sigma[i], s->sigma[j], s->type[i], s->type[j], &du_i, &dw_i);
      vt_potential_dsigma(p, r, s->sigma[j], s->sigma[i], s->type[j], s->type[i], &du_j, &dw_j);
      d[i] += dw_i;
      d[j] += dw_j;
    }
  }
  double scale = -(double)s->n / (6.0 * vt_system_volume(s));
  for (size_t i = 0; i < s->n; i++) {
    d[i] *= scale;
    if (!isfinite(d[i])) return vt_error(VT_ENONFINITE, "dP2/dsigma of particle %zu is not finite", i + 1);
  }
  return 0;
}
