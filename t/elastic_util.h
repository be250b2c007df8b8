/* Helpers shared by the elastic_* tests: the WAHNs potential, a reader for
 * the reference LAMMPS data file (kept local so these tests do not depend on
 * the io module), and a small minimizer (FIRE, then Newton steps on the
 * Hessian) to make exact minima of small random glasses. */
#ifndef VT_ELASTIC_UTIL_H
#define VT_ELASTIC_UTIL_H
#include "tap.h"
#include "vitrum.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* path <- $VT_SHARED/reference/<name>; 1 if readable, else a failed test
 * point (the data ships in t/data) and 0. */
static inline int eu_reference(char *path, size_t len, const char *name)
{
  const char *shared = getenv("VT_SHARED");
  snprintf(path, len, "%s/reference/%s", shared && *shared ? shared : "../t/data", name);
  FILE *fp = fopen(path, "r");
  if (!fp) return ok(0, "reference data readable at %s (it ships in t/data)", path), 0;
  fclose(fp);
  return 1;
}

static inline vt_potential *eu_lj_smooth(double inner, double outer)
{
  vt_param par[2] = {{.key = "inner", .kind = VT_PARAM_NUMBER, .num = inner},
                     {.key = "outer", .kind = VT_PARAM_NUMBER, .num = outer}};
  vt_params in = {2, par};
  vt_potential *p = NULL;
  if (vt_potential_create("lj_smooth", &in, &p)) {
    diag("lj_smooth: %s", vt_errmsg());
    exit(1);
  }
  return p;
}

static inline double eu_fmax(vt_system *s)
{
  if (vt_system_compute(s, VT_ENERGY)) { diag("compute: %s", vt_errmsg()); exit(1); }
  double m = 0;
  for (size_t k = 0; k < 3 * s->n; k++) m = fmax(m, fabs(s->f[k]));
  return m;
}

/* LAMMPS data file with "Atoms # atomic" (id type x y z [ix iy iz]); type t
 * gets diameter diam[t-1] and the file's mass. */
static inline vt_system *eu_read_data(const char *path, const double *diam)
{
  FILE *fp = fopen(path, "r");
  if (!fp) return NULL;
  char line[512];
  size_t n = 0;
  double lo[3] = {0, 0, 0}, hi[3] = {0, 0, 0}, tmass[17] = {0};
  vt_system *s = NULL;
  int *type = NULL;
  double *x = NULL;
  while (fgets(line, sizeof line, fp)) {
    double a, b;
    size_t m;
    char w1[64], w2[64];
    if (sscanf(line, "%zu atoms", &m) == 1 && strstr(line, "atoms")) n = m;
    else if (sscanf(line, "%lf %lf %63s %63s", &a, &b, w1, w2) == 4 && w1[1] == 'l' && w1[2] == 'o') {
      int k = w1[0] - 'x';
      if (k >= 0 && k < 3) { lo[k] = a; hi[k] = b; }
    } else if (strncmp(line, "Masses", 6) == 0) {
      while (fgets(line, sizeof line, fp)) {
        int t;
        if (sscanf(line, "%d %lf", &t, &a) == 2 && t >= 1 && t <= 16) tmass[t] = a;
        else if (strspn(line, " \t\r\n") != strlen(line)) break;
      }
    }
    if (strncmp(line, "Atoms", 5) == 0) {
      double box[3] = {hi[0] - lo[0], hi[1] - lo[1], hi[2] - lo[2]};
      if (n == 0 || vt_system_alloc(n, box, &s)) break;
      type = calloc(n, sizeof *type);
      x = calloc(3 * n, sizeof *x);
      size_t got = 0;
      while (got < n && fgets(line, sizeof line, fp)) {
        long id;
        int t;
        double p[3];
        if (sscanf(line, "%ld %d %lf %lf %lf", &id, &t, &p[0], &p[1], &p[2]) != 5) continue;
        if (id < 1 || (size_t)id > n) break;
        type[id - 1] = t;
        for (int k = 0; k < 3; k++) x[3 * (id - 1) + k] = p[k] - lo[k];
        got++;
      }
      if (got != n) { vt_system_free(s); s = NULL; }
      break;
    }
  }
  fclose(fp);
  if (s) {
    double *sig = malloc(n * sizeof *sig), *mass = malloc(n * sizeof *mass);
    for (size_t i = 0; i < n; i++) { sig[i] = diam[type[i] - 1]; mass[i] = tmass[type[i]]; }
    if (vt_system_set_types(s, type) || vt_system_set_diameters(s, sig) || vt_system_set_masses(s, mass) ||
        vt_system_set_positions(s, x)) {
      vt_system_free(s);
      s = NULL;
    }
    free(sig); free(mass);
  }
  free(type); free(x);
  return s;
}

/* Newton steps x += H^+ f until the largest force is below ftol; returns the
 * final fmax (or -1 if the Hessian could not be factorized). */
static inline double eu_newton(vt_system *s, double ftol, int maxit)
{
  double fm = eu_fmax(s);
  double *dx = malloc(3 * s->n * sizeof *dx);
  for (int it = 0; it < maxit && fm > ftol; it++) {
    vt_hessian *H;
    if (vt_hessian_create(s, NULL, &H)) { diag("newton: %s", vt_errmsg()); fm = -1; break; }
    int rc = vt_hessian_solve(H, 1, s->f, dx);
    vt_hessian_free(H);
    if (rc) { diag("newton: %s", vt_errmsg()); fm = -1; break; }
    for (size_t k = 0; k < 3 * s->n; k++) s->x[k] += dx[k];
    vt_system_wrap(s);
    vt_system_invalidate(s);
    double f2 = eu_fmax(s);
    if (!(f2 < fm) && f2 > ftol) { fm = f2; break; }   /* round-off floor */
    fm = f2;
  }
  free(dx);
  return fm;
}

/* FIRE (Bitzek et al., PRL 97, 170201 (2006)) to fire_tol, then Newton. */
static inline double eu_minimize(vt_system *s, double fire_tol, double ftol)
{
  const size_t m = 3 * s->n;
  double *v = calloc(m, sizeof *v);
  double dt = 0.002, alpha = 0.1;
  int npos = 0;
  double fm = eu_fmax(s);
  for (long step = 0; step < 200000 && fm > fire_tol; step++) {
    double P = 0, vv = 0, ff = 0;
    for (size_t k = 0; k < m; k++) { P += s->f[k] * v[k]; vv += v[k] * v[k]; ff += s->f[k] * s->f[k]; }
    if (P > 0) {
      double c = sqrt(vv / ff);
      for (size_t k = 0; k < m; k++) v[k] = (1 - alpha) * v[k] + alpha * c * s->f[k];
      if (++npos > 5) { dt = fmin(dt * 1.1, 0.02); alpha *= 0.99; }
    } else {
      memset(v, 0, m * sizeof *v);
      dt *= 0.5; alpha = 0.1; npos = 0;
    }
    for (size_t k = 0; k < m; k++) {
      v[k] += dt * s->f[k];
      double d = dt * v[k];
      if (d > 0.05) d = 0.05;
      if (d < -0.05) d = -0.05;
      s->x[k] += d;
    }
    vt_system_wrap(s);
    vt_system_invalidate(s);
    fm = eu_fmax(s);
  }
  free(v);
  return eu_newton(s, ftol, 20);
}

/* A 50:50 mixture of diameters 1.0 and 1.2, random start, minimized. */
static inline vt_system *eu_glass(size_t n, double density, int volume_masses, vt_potential *p, unsigned long seed)
{
  vt_system_spec sp;
  memset(&sp, 0, sizeof sp);
  sp.n = n;
  sp.density = density;
  sp.nspecies = 2;
  sp.species[0].fraction = 0.5; sp.species[0].diameter = 1.0;
  sp.species[1].fraction = 0.5; sp.species[1].diameter = 1.2;
  sp.mass_rule = volume_masses ? VT_MASS_VOLUME : VT_MASS_EQUAL;
  sp.init = VT_INIT_RANDOM;
  sp.seed = seed;
  vt_system *s;
  if (vt_system_create(&sp, &s) || vt_system_set_potential(s, p)) { diag("glass: %s", vt_errmsg()); exit(1); }
  double fm = eu_minimize(s, 1e-6, 1e-12);
  if (!(fm >= 0 && fm < 1e-11)) { vt_system_free(s); return NULL; }
  return s;
}

#endif
