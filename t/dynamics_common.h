/* Shared set-up of the dynamics tests: a WAHNs system (doc/models.md section 1:
 * lj_smooth inner 2.5, outer 2.75; 50:50 diameters 1.0/1.2; m = sigma^3;
 * density 0.75) on a lattice, and small helpers. */
#ifndef VT_DYNAMICS_COMMON_H
#define VT_DYNAMICS_COMMON_H
#include "vitrum.h"
#include "refdata.h"
#include <stdlib.h>

static vt_system *wahns(size_t n, unsigned long seed)
{
  vt_system_spec sp = {.n = n, .density = 0.75, .nspecies = 2, .mass_rule = VT_MASS_VOLUME,
                       .init = VT_INIT_LATTICE, .seed = seed};
  sp.species[0] = (vt_species){0.5, 1.0, 0};
  sp.species[1] = (vt_species){0.5, 1.2, 0};
  vt_system *s;
  if (vt_system_create(&sp, &s)) return NULL;
  return ref_with_wahns(s);
}

/* NVT at temperature T for `steps` steps (tau 0.2, chain 3, dt 0.005). */
static int nvt(vt_system *s, double T, long steps)
{
  vt_md *md;
  int rc = vt_md_alloc(s, vt_integrator_nose_hoover, NULL, 0.005, T, &md);
  if (rc) return rc;
  vt_md_run_opts o = {.steps = steps};
  rc = vt_md_run(md, &o);
  vt_md_free(md);
  return rc;
}

/* A liquid: thermalize at 2, melt the lattice at T = 2, then equilibrate at T. */
static vt_system *wahns_liquid(size_t n, unsigned long seed, double T, long melt, long equil)
{
  vt_system *s = wahns(n, seed);
  if (!s) return NULL;
  if (vt_system_thermalize(s, 2.0, seed + 1) || nvt(s, 2.0, melt) || nvt(s, T, equil)) {
    vt_system_free(s);
    return NULL;
  }
  return s;
}

/* Least-squares slope of y(x). */
static inline double slope(const double *x, const double *y, size_t n)
{
  double mx = 0, my = 0, sxy = 0, sxx = 0;
  for (size_t i = 0; i < n; i++) { mx += x[i]; my += y[i]; }
  mx /= n; my /= n;
  for (size_t i = 0; i < n; i++) { sxy += (x[i] - mx) * (y[i] - my); sxx += (x[i] - mx) * (x[i] - mx); }
  return sxy / sxx;
}

#endif
