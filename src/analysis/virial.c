/* Per-particle virial stress, P2_i and dP2_i/dsigma_i (see virial.h). */
#include "analysis/virial.h"
#include "core/error.h"
#include "core/util.h"
#include "core/neighbor.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>
#ifdef _OPENMP
#include <omp.h>
#endif

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

/* Pairs of sorted particles p0 .. p1 of the private list: dw/dsigma of
 * each partner, added to acc (by system index). */
static void dp2_block(const vt_system *s, const vt_neighbor *nl, size_t p0, size_t p1, double *acc)
{
  const vt_potential *pot = s->pot;
  const double *x = s->x, *sig = s->sigma;
  const int *type = s->type;
  for (size_t p = p0; p < p1; p++) {
    const size_t i = (size_t)nl->perm[p];
    for (size_t q = nl->sstart[p]; q < nl->sstart[p + 1]; q++) {
      const size_t j = (size_t)nl->perm[nl->slist[q]];
      double r3[3] = {x[3 * i] - x[3 * j], x[3 * i + 1] - x[3 * j + 1], x[3 * i + 2] - x[3 * j + 2]};
      vt_minimum_image(s->box, r3);
      const double r = sqrt(r3[0] * r3[0] + r3[1] * r3[1] + r3[2] * r3[2]);
      if (r >= vt_potential_cutoff(pot, sig[i], sig[j], type[i], type[j])) continue;
      double du_i, dw_i, du_j, dw_j;
      vt_potential_dsigma(pot, r, sig[i], sig[j], type[i], type[j], &du_i, &dw_i);
      vt_potential_dsigma(pot, r, sig[j], sig[i], type[j], type[i], &du_j, &dw_j);
      acc[i] += dw_i;
      acc[j] += dw_j;
    }
  }
}

int vt_virial_dp2_dsigma(vt_system *s, double *d)
{
  /* P2_i = -(1/(6v)) sum_j w_ij with w_ij = r du/dr of pair ij, so
   * dP2_i/dsigma_i = -(1/(6v)) sum_j dw_ij/dsigma_i, over the private half
   * list (no public list needed). With threads (above 256 particles) each
   * of nt blocks of about equal pair counts adds into its own buffer, and
   * the buffers are added in block order: the result depends on the
   * thread count only. The VHG loop calls this once per iteration. A
   * many-body model has no pair w_ij: refused. */
  int rc = s->pot ? vt_potential_need_pairwise(s->pot, "dP2/dsigma") : 0;
  if (rc) return rc;
  rc = vt_neighbor_refresh(s, NULL);
  if (rc) return rc;
  const vt_neighbor *nl = s->nl;
  const size_t n = s->n;
  int nt = 1;
#ifdef _OPENMP
  if (n > 256) nt = omp_get_max_threads();
#endif
  if (nt > 64) nt = 64;
  if (nt <= 1) {
    memset(d, 0, n * sizeof *d);
    dp2_block(s, nl, 0, n, d);
  } else {
    double *buf = calloc((size_t)nt * n, sizeof *buf);
    if (!buf) return vt_error(VT_ENOMEM, "out of memory for dP2/dsigma");
    size_t cut[65];
    const size_t total = nl->sstart[n];
    cut[0] = 0;
    for (int b = 1; b < nt; b++) {   /* first p whose pairs start at or after b/nt of them */
      size_t lo = cut[b - 1], hi = n, want = total * (size_t)b / (size_t)nt;
      while (lo < hi) {
        const size_t mid = lo + (hi - lo) / 2;
        if (nl->sstart[mid] < want) lo = mid + 1; else hi = mid;
      }
      cut[b] = lo;
    }
    cut[nt] = n;
#pragma omp parallel num_threads(nt)
    {
      int t, team;
      vt_omp_thread(&t, &team);
      for (int b = t; b < nt; b += team) dp2_block(s, nl, cut[b], cut[b + 1], buf + (size_t)b * n);
#pragma omp barrier
#pragma omp for schedule(static)
      for (size_t i = 0; i < n; i++) {
        double a = buf[i];
        for (int b = 1; b < nt; b++) a += buf[(size_t)b * n + i];
        d[i] = a;
      }
    }
    free(buf);
  }
  const double scale = -(double)n / (6.0 * vt_system_volume(s));
  for (size_t i = 0; i < n; i++) {
    d[i] *= scale;
    if (!isfinite(d[i])) return vt_error(VT_ENONFINITE, "dP2/dsigma of particle %zu is not finite", i + 1);
  }
  return 0;
}
