/* The integrator object (see integrator.h): allocation, dispatch to the
 * type's functions, and the velocity-Verlet building blocks every type uses. */
#include "dynamics/integrator.h"
#include "core/error.h"
#include <stdlib.h>
#include <string.h>

void vt_integrator_params_default(vt_integrator_params *p)
{
  p->chain = 3;
  p->loops = 1;
  p->tau = 0.2;
}

const vt_integrator_type *vt_integrator_lookup(const char *name)
{
  if (!name) return NULL;
  if (strcmp(name, "nve") == 0 || strcmp(name, "none") == 0) return vt_integrator_nve;
  if (strcmp(name, "nose-hoover") == 0 || strcmp(name, "nvt") == 0) return vt_integrator_nose_hoover;
  return NULL;
}

int vt_integrator_alloc(const vt_integrator_type *t, const vt_integrator_params *p, vt_integrator **out)
{
  *out = NULL;
  if (!t) return vt_error(VT_EINVAL, "integrator: no type given");
  vt_integrator *g = calloc(1, sizeof *g);
  if (!g) return vt_error(VT_ENOMEM, "out of memory");
  g->type = t;
  g->flags = VT_ENERGY;
  if (p) g->params = *p;
  else vt_integrator_params_default(&g->params);
  g->state = calloc(1, t->size ? t->size : 1);
  if (!g->state) { free(g); return vt_error(VT_ENOMEM, "out of memory"); }
  int rc = t->alloc(g->state, &g->params);
  if (rc) { free(g->state); free(g); return rc; }
  *out = g;
  return 0;
}

int vt_integrator_set(vt_integrator *g, const vt_system *s, double T)
{
  return g->type->set(g->state, s, T);
}

int vt_integrator_step(vt_integrator *g, vt_system *s, double dt, double T)
{
  if (g->type->step_flags) return g->type->step_flags(g->state, s, dt, T, g->flags);
  return g->type->step(g->state, s, dt, T);
}

double vt_integrator_energy(const vt_integrator *g, const vt_system *s, double T)
{
  return g->type->energy(g->state, s, T);
}

void vt_integrator_free(vt_integrator *g)
{
  if (!g) return;
  if (g->state) g->type->free(g->state);
  free(g->state);
  free(g);
}

/* v_i += (h / m_i) f_i: the half kick of velocity Verlet with h = dt/2
 * (LAMMPS FixNVE::initial_integrate: dtfm = dtf / mass). */
void vt_md_kick(vt_system *s, double h)
{
  const size_t n = s->n;
  double *restrict v = s->v;
  const double *restrict f = s->f, *restrict m = s->mass;
#pragma omp parallel for schedule(static) if (n > 4096)
  for (size_t i = 0; i < n; i++) {
    const double a = h / m[i];
    v[3 * i] += a * f[3 * i];
    v[3 * i + 1] += a * f[3 * i + 1];
    v[3 * i + 2] += a * f[3 * i + 2];
  }
}

/* x_i += h v_i; the forces and cached results become stale. */
void vt_md_drift(vt_system *s, double h)
{
  const size_t n3 = 3 * s->n;
  double *restrict x = s->x;
  const double *restrict v = s->v;
#pragma omp parallel for schedule(static) if (n3 > 12288)
  for (size_t i = 0; i < n3; i++) x[i] += h * v[i];
  vt_system_invalidate(s);
}
