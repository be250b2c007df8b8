/* Helpers shared by the core tests (t/core_system.c, t/core_neighbor.c). */
#ifndef VT_T_CORE_UTIL_H
#define VT_T_CORE_UTIL_H
#include "vitrum.h"
#include <math.h>

/* A WAHNs system (50:50, diameters 1.0 / 1.2, density 0.75, m = sigma^3). */
static inline vt_system *wahns(size_t n, int init, unsigned long seed)
{
  vt_system_spec sp = {.n = n, .density = 0.75, .nspecies = 2, .mass_rule = VT_MASS_VOLUME, .init = init, .seed = seed};
  sp.species[0] = (vt_species){0.5, 1.0, 0};
  sp.species[1] = (vt_species){0.5, 1.2, 0};
  vt_system *s = NULL;
  vt_system_create(&sp, &s);
  return s;
}

static inline double maxdiff(const double *a, const double *b, size_t m)
{
  double w = 0;
  for (size_t i = 0; i < m; i++) w = fmax(w, fabs(a[i] - b[i]));
  return w;
}

static inline double maxabs(const double *a, size_t m)
{
  double w = 0;
  for (size_t i = 0; i < m; i++) w = fmax(w, fabs(a[i]));
  return w;
}
#endif
