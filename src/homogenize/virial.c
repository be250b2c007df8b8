/* Virial homogenization step (see virial.h). */
#include "homogenize/virial.h"
#include "analysis/virial.h"
#include "core/error.h"
#include <gsl/gsl_statistics_double.h>
#include <stdlib.h>
#include <string.h>

static int sgn(double x) { return (x > 0) - (x < 0); }

int vt_homogenize_virial_step(vt_system *s, double delta, vt_homogenize_stats *st)
{
  if (!(isfinite(delta) && delta > 0))
    return vt_error(VT_EINVAL, "homogenize: delta = %g must be positive and finite", delta);
  size_t n = s->n;
  double *p2 = malloc(n * sizeof *p2), *dp = malloc(n * sizeof *dp), *sig = malloc(n * sizeof *sig);
  int rc = 0;
  if (!p2 || !dp || !sig) { rc = vt_error(VT_ENOMEM, "out of memory"); goto out; }
  if ((rc = vt_virial_p2(s, p2)) || (rc = vt_virial_dp2_dsigma(s, dp))) goto out;
  double mean = gsl_stats_mean(p2, 1, n);
  vt_homogenize_stats loc = {mean, n > 1 ? gsl_stats_sd_m(p2, 1, n, mean) : 0.0, 0, 0, 0};
  for (size_t i = 0; i < n; i++) {
    int dir = sgn(dp[i]) * sgn(mean - p2[i]);
    sig[i] = s->sigma[i] + delta * dir;
    if (dir > 0) loc.grown++;
    else if (dir < 0) loc.shrunk++;
    else loc.unchanged++;
    if (!(sig[i] > 0)) {
      rc = vt_error(VT_ERANGE, "homogenize: particle %zu would get diameter %g (delta %g too large)", i + 1, sig[i], delta);
      goto out;
    }
  }
  rc = vt_system_set_diameters(s, sig);
  if (!rc && st) *st = loc;
out:
  free(p2); free(dp); free(sig);
  return rc;
}
