/* Displacements and MSD from unwrapped coordinates (see displacement.h). */
#include "analysis/displacement.h"
#include "core/error.h"
#include <math.h>

int vt_displacements(const double *ref, const double *cur, size_t n, double *dr)
{
  for (size_t i = 0; i < n; i++) {
    double dx = cur[3 * i] - ref[3 * i], dy = cur[3 * i + 1] - ref[3 * i + 1], dz = cur[3 * i + 2] - ref[3 * i + 2];
    dr[i] = sqrt(dx * dx + dy * dy + dz * dz);
    if (!isfinite(dr[i])) return vt_error(VT_ENONFINITE, "displacement of particle %zu is not finite", i + 1);
  }
  return 0;
}

int vt_msd(const double *ref, const double *cur, size_t n, const int *type, int only_type, double *msd)
{
  double s = 0;
  size_t m = 0;
  for (size_t i = 0; i < n; i++) {
    if (only_type > 0 && type && type[i] != only_type) continue;
    double dx = cur[3 * i] - ref[3 * i], dy = cur[3 * i + 1] - ref[3 * i + 1], dz = cur[3 * i + 2] - ref[3 * i + 2];
    s += dx * dx + dy * dy + dz * dz;
    m++;
  }
  if (m == 0) return vt_error(VT_EINVAL, "msd: no particle of type %d", only_type);
  *msd = s / m;
  if (!isfinite(*msd)) return vt_error(VT_ENONFINITE, "msd is not finite");
  return 0;
}
