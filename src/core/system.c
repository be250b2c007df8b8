/* The particle system: allocation, creation from a specification, setters
 * with validation, wrapping, thermalization (see system.h). */
#include "core/system.h"
#include "core/error.h"
#include "core/util.h"
#include "core/neighbor.h"
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <stdlib.h>
#include <string.h>
#ifdef _OPENMP
#include <omp.h>
#endif

int vt_system_alloc(size_t n, const double box[3], vt_system **out)
{
  *out = NULL;
  if (n == 0) return vt_error(VT_EINVAL, "a system needs at least one particle");
  for (int k = 0; k < 3; k++)
    if (!(isfinite(box[k]) && box[k] > 0))
      return vt_error(VT_EINVAL, "box length %d is %g; it must be positive and finite", k + 1, box[k]);
  vt_system *s = calloc(1, sizeof *s);
  if (!s) return vt_error(VT_ENOMEM, "out of memory");
  s->n = n;
  s->ntypes = 1;
  memcpy(s->box, box, sizeof s->box);
  s->x = calloc(3 * n, sizeof(double));
  s->v = calloc(3 * n, sizeof(double));
  s->f = calloc(3 * n, sizeof(double));
  s->image = calloc(3 * n, sizeof(int));
  s->type = malloc(n * sizeof(int));
  s->sigma = malloc(n * sizeof(double));
  s->mass = malloc(n * sizeof(double));
  s->skin = 0.3;
  if (!s->x || !s->v || !s->f || !s->image || !s->type || !s->sigma || !s->mass) {
    vt_system_free(s);
    return vt_error(VT_ENOMEM, "out of memory allocating %zu particles", n);
  }
  for (size_t i = 0; i < n; i++) { s->type[i] = 1; s->sigma[i] = 1.0; s->mass[i] = 1.0; }
  s->mass_rule = VT_MASS_EQUAL;
  for (int t = 0; t <= VT_MAX_SPECIES; t++) s->type_mass[t] = 1.0;
  *out = s;
  return 0;
}

void vt_system_free(vt_system *s)
{
  if (!s) return;
  free(s->x); free(s->v); free(s->f); free(s->image);
  free(s->type); free(s->sigma); free(s->mass);
  free(s->eatom); free(s->vatom); free(s->fbuf);
  vt_neighbor_free(s->nl);
  vt_potential_unref(s->pot);
  free(s);
}

int vt_system_copy(const vt_system *s, vt_system **out)
{
  vt_system *c;
  int rc = vt_system_alloc(s->n, s->box, &c);
  if (rc) return rc;
  size_t n = s->n;
  memcpy(c->x, s->x, 3 * n * sizeof(double));
  memcpy(c->v, s->v, 3 * n * sizeof(double));
  memcpy(c->f, s->f, 3 * n * sizeof(double));
  memcpy(c->image, s->image, 3 * n * sizeof(int));
  memcpy(c->type, s->type, n * sizeof(int));
  memcpy(c->sigma, s->sigma, n * sizeof(double));
  memcpy(c->mass, s->mass, n * sizeof(double));
  c->ntypes = s->ntypes;
  c->mass_rule = s->mass_rule;
  memcpy(c->type_mass, s->type_mass, sizeof c->type_mass);
  c->skin = s->skin;
  c->sigma_version = s->sigma_version;
  if (s->pot) c->pot = vt_potential_ref(s->pot);
  /* Cached results stay valid: same state, same potential. */
  c->valid = s->valid & (VT_ENERGY | VT_VIRIAL | VT_PSPLIT);
  c->forces_valid = s->forces_valid;
  c->energy = s->energy;
  memcpy(c->virial, s->virial, sizeof c->virial);
  c->w_plus = s->w_plus;
  c->w_minus = s->w_minus;
  *out = c;
  return 0;
}

int vt_system_assign(vt_system *d, const vt_system *s)
{
  if (d == s) return 0;
  if (d->n != s->n) return vt_error(VT_EINVAL, "assign: systems differ in size (%zu vs %zu particles)", d->n, s->n);
  size_t n = s->n;
  memcpy(d->box, s->box, sizeof d->box);
  memcpy(d->x, s->x, 3 * n * sizeof(double));
  memcpy(d->v, s->v, 3 * n * sizeof(double));
  memcpy(d->f, s->f, 3 * n * sizeof(double));
  memcpy(d->image, s->image, 3 * n * sizeof(int));
  memcpy(d->type, s->type, n * sizeof(int));
  memcpy(d->sigma, s->sigma, n * sizeof(double));
  memcpy(d->mass, s->mass, n * sizeof(double));
  d->ntypes = s->ntypes;
  d->mass_rule = s->mass_rule;
  memcpy(d->type_mass, s->type_mass, sizeof d->type_mass);
  d->skin = s->skin;
  if (s->pot) vt_potential_ref(s->pot);
  vt_potential_unref(d->pot);
  d->pot = s->pot;
  d->sigma_version++;
  vt_system_invalidate(d);
  return 0;
}

double vt_system_volume(const vt_system *s) { return s->box[0] * s->box[1] * s->box[2]; }

void vt_system_invalidate(vt_system *s)
{
  s->valid = 0;
  s->forces_valid = 0;
  s->changes++;
}

int vt_system_set_potential(vt_system *s, vt_potential *p)
{
  if (p && p->max_type > 0 && s->ntypes > p->max_type)
    return vt_error(VT_EINVAL, "potential %s covers types 1..%d but the system has %d types",
                    p->type->name, p->max_type, s->ntypes);
  int rc;
  if (p && (rc = vt_system_check_box(s, p))) return rc;
  if (p) vt_potential_ref(p);
  vt_potential_unref(s->pot);
  s->pot = p;
  s->sigma_version++;  /* cutoffs change with the model */
  vt_system_invalidate(s);
  return 0;
}

void vt_system_apply_mass_rule(vt_system *s)
{
  for (size_t i = 0; i < s->n; i++) {
    switch (s->mass_rule) {
    case VT_MASS_EQUAL: s->mass[i] = 1.0; break;
    case VT_MASS_VOLUME: s->mass[i] = s->sigma[i] * s->sigma[i] * s->sigma[i]; break;
    case VT_MASS_SPECIES: s->mass[i] = s->type_mass[s->type[i] <= VT_MAX_SPECIES ? s->type[i] : 0]; break;
    default: break; /* explicit masses stay as they are */
    }
  }
}

int vt_system_set_mass_rule(vt_system *s, int rule)
{
  if (rule < VT_MASS_EQUAL || rule > VT_MASS_EXPLICIT) return vt_error(VT_EINVAL, "unknown mass rule %d", rule);
  if (rule == VT_MASS_SPECIES)
    for (int t = 1; t <= s->ntypes; t++)
      if (!(s->type_mass[t] > 0 && isfinite(s->type_mass[t])))
        return vt_error(VT_EINVAL, "mass rule 'species': type %d has no mass", t);
  s->mass_rule = rule;
  vt_system_apply_mass_rule(s);
  return 0;
}

void vt_system_diameters_changed(vt_system *s)
{
  if (s->mass_rule == VT_MASS_VOLUME) vt_system_apply_mass_rule(s);
  s->sigma_version++;
  vt_system_invalidate(s);
}

void vt_system_wrap(vt_system *s)
{
  for (size_t i = 0; i < s->n; i++)
    for (int k = 0; k < 3; k++) {
      double L = s->box[k], *x = &s->x[3 * i + k];
      if (*x >= 0.0 && *x < L) continue;
      double m = floor(*x / L);
      *x -= m * L;
      if (*x >= L) { *x -= L; m += 1; }   /* round-off at the upper edge */
      if (*x < 0.0) *x = 0.0;
      s->image[3 * i + k] += (int)m;
    }
}

void vt_system_unwrapped(const vt_system *s, double *x3n)
{
  for (size_t i = 0; i < 3 * s->n; i++) x3n[i] = s->x[i] + s->image[i] * s->box[i % 3];
}

static int check_vec(const double *a, size_t n, const char *what)
{
  for (size_t i = 0; i < 3 * n; i++)
    if (!isfinite(a[i]))
      return vt_error(VT_ENONFINITE, "%s of particle %zu (component %c) is %g", what,
                      i / 3 + 1, "xyz"[i % 3], a[i]);
  return 0;
}

int vt_system_check_finite(const vt_system *s)
{
  int rc;
  if ((rc = check_vec(s->x, s->n, "position"))) return rc;
  if ((rc = check_vec(s->v, s->n, "velocity"))) return rc;
  for (size_t i = 0; i < s->n; i++)
    if (!isfinite(s->sigma[i]) || !isfinite(s->mass[i]))
      return vt_error(VT_ENONFINITE, "diameter or mass of particle %zu is not finite", i + 1);
  return 0;
}

int vt_system_set_positions(vt_system *s, const double *x)
{
  int rc = check_vec(x, s->n, "position");
  if (rc) return rc;
  memcpy(s->x, x, 3 * s->n * sizeof(double));
  memset(s->image, 0, 3 * s->n * sizeof(int));
  vt_system_wrap(s);
  vt_system_invalidate(s);
  return 0;
}

int vt_system_set_unwrapped(vt_system *s, const double *x)
{
  return vt_system_set_positions(s, x); /* wrapping records the images */
}

int vt_system_set_velocities(vt_system *s, const double *v)
{
  int rc = check_vec(v, s->n, "velocity");
  if (rc) return rc;
  memcpy(s->v, v, 3 * s->n * sizeof(double));
  return 0;
}

int vt_system_set_diameters(vt_system *s, const double *sigma)
{
  for (size_t i = 0; i < s->n; i++)
    if (!(isfinite(sigma[i]) && sigma[i] > 0))
      return vt_error(VT_EINVAL, "diameter of particle %zu is %g; it must be positive and finite", i + 1, sigma[i]);
  memcpy(s->sigma, sigma, s->n * sizeof(double));
  vt_system_diameters_changed(s);
  return 0;
}

int vt_system_set_masses(vt_system *s, const double *mass)
{
  for (size_t i = 0; i < s->n; i++)
    if (!(isfinite(mass[i]) && mass[i] > 0))
      return vt_error(VT_EINVAL, "mass of particle %zu is %g; it must be positive and finite", i + 1, mass[i]);
  memcpy(s->mass, mass, s->n * sizeof(double));
  s->mass_rule = VT_MASS_EXPLICIT;
  return 0;
}

int vt_system_set_types(vt_system *s, const int *type)
{
  int maxt = 1;
  for (size_t i = 0; i < s->n; i++) {
    if (type[i] < 1 || type[i] > VT_MAX_SPECIES)
      return vt_error(VT_EINVAL, "type of particle %zu is %d; types run from 1 to %d", i + 1, type[i], VT_MAX_SPECIES);
    if (type[i] > maxt) maxt = type[i];
  }
  if (s->pot && s->pot->max_type > 0 && maxt > s->pot->max_type)
    return vt_error(VT_EINVAL, "type %d exceeds the types 1..%d that potential %s covers",
                    maxt, s->pot->max_type, s->pot->type->name);
  memcpy(s->type, type, s->n * sizeof(int));
  s->ntypes = maxt;
  if (s->mass_rule == VT_MASS_SPECIES) vt_system_apply_mass_rule(s);
  s->sigma_version++;
  vt_system_invalidate(s);
  return 0;
}

int vt_system_dof(const vt_system *s) { return s->n > 1 ? (int)(3 * s->n - 3) : 3; }

/* sum of m_i |v_i|^2 over [i0, i1) in four fixed lanes (particle i goes to
 * lane i mod 4), added pairwise: four independent chains of additions
 * instead of one, the same result on every machine */
static double mv2_block(const double *restrict v, const double *restrict m, size_t i0, size_t i1)
{
  double l[4] = {0, 0, 0, 0};
  size_t i = i0;
  for (; i + 4 <= i1; i += 4)
    for (int k = 0; k < 4; k++) {
      const double *w = v + 3 * (i + (size_t)k);
      l[k] += m[i + (size_t)k] * (w[0] * w[0] + w[1] * w[1] + w[2] * w[2]);
    }
  for (int k = 0; i < i1; i++, k++) {
    const double *w = v + 3 * i;
    l[k] += m[i] * (w[0] * w[0] + w[1] * w[1] + w[2] * w[2]);
  }
  return (l[0] + l[1]) + (l[2] + l[3]);
}

/* In threads for large systems (MD calls this twice per step): each thread
 * sums an equal block, and the blocks are added in order, so the result
 * depends on the thread count only (as every reduction here). */
double vt_system_kinetic_energy(const vt_system *s)
{
  const size_t n = s->n;
  enum { MAXT = 64 };
  double part[MAXT];
  int nt = 1;
#ifdef _OPENMP
  if (n > 8192) nt = omp_get_max_threads();
  if (nt > MAXT) nt = MAXT;
#endif
  if (nt <= 1) return 0.5 * mv2_block(s->v, s->mass, 0, n);
#pragma omp parallel num_threads(nt)
  {
    int t, team;
    vt_omp_thread(&t, &team);
    /* nt blocks whatever the team's size (the runtime may give fewer threads) */
    for (int b = t; b < nt; b += team)
      part[b] = mv2_block(s->v, s->mass, n * (size_t)b / (size_t)nt, n * (size_t)(b + 1) / (size_t)nt);
  }
  double ke = 0.0;
  for (int t = 0; t < nt; t++) ke += part[t];
  return 0.5 * ke;
}

double vt_system_temperature(const vt_system *s)
{
  return 2.0 * vt_system_kinetic_energy(s) / vt_system_dof(s);
}

void vt_system_zero_momentum(vt_system *s)
{
  double p[3] = {0, 0, 0}, m = 0.0;
  for (size_t i = 0; i < s->n; i++) {
    for (int k = 0; k < 3; k++) p[k] += s->mass[i] * s->v[3 * i + k];
    m += s->mass[i];
  }
  for (size_t i = 0; i < s->n; i++)
    for (int k = 0; k < 3; k++) s->v[3 * i + k] -= p[k] / m;
}

int vt_system_thermalize(vt_system *s, double T, unsigned long seed)
{
  if (!(isfinite(T) && T >= 0)) return vt_error(VT_EINVAL, "temperature %g must be non-negative and finite", T);
  gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
  if (!r) return vt_error(VT_ENOMEM, "out of memory");
  gsl_rng_set(r, seed);
  for (size_t i = 0; i < s->n; i++) {
    double sd = sqrt(1.0 / s->mass[i]);
    for (int k = 0; k < 3; k++) s->v[3 * i + k] = gsl_ran_gaussian_ziggurat(r, sd);
  }
  gsl_rng_free(r);
  if (s->n > 1) vt_system_zero_momentum(s);
  double t0 = vt_system_temperature(s);
  double scale = (t0 > 0) ? sqrt(T / t0) : 0.0;
  for (size_t i = 0; i < 3 * s->n; i++) s->v[i] *= scale;
  return 0;
}

/* ---- creation from a specification ---- */

static void shuffle_ints(gsl_rng *r, int *a, size_t n)
{
  gsl_ran_shuffle(r, a, n, sizeof *a);
}

/* Counts per species from fractions by largest remainder, so they sum to n. */
static int species_counts(const vt_system_spec *sp, size_t *count)
{
  double total = 0.0;
  for (int t = 0; t < sp->nspecies; t++) {
    if (!(sp->species[t].fraction >= 0)) return vt_error(VT_EINVAL, "species %d: fraction %g is negative", t + 1, sp->species[t].fraction);
    total += sp->species[t].fraction;
  }
  if (!(total > 0)) return vt_error(VT_EINVAL, "species fractions sum to %g", total);
  size_t assigned = 0;
  double rem[VT_MAX_SPECIES];
  for (int t = 0; t < sp->nspecies; t++) {
    double exact = sp->n * sp->species[t].fraction / total;
    count[t] = (size_t)floor(exact);
    rem[t] = exact - count[t];
    assigned += count[t];
  }
  while (assigned < sp->n) {
    int best = 0;
    for (int t = 1; t < sp->nspecies; t++) if (rem[t] > rem[best]) best = t;
    count[best]++; rem[best] = -1.0; assigned++;
  }
  return 0;
}

static void place_lattice(vt_system *s, gsl_rng *r)
{
  /* FCC with m_k cells along each axis (4 m_x m_y m_z >= n); a random subset
   * of sites when there are more sites than particles. */
  double v = vt_system_volume(s) / s->n * 4.0; /* volume per cell if full */
  double a = cbrt(v);
  int m[3];
  for (int k = 0; k < 3; k++) { m[k] = (int)floor(s->box[k] / a + 0.5); if (m[k] < 1) m[k] = 1; }
  while ((size_t)4 * m[0] * m[1] * m[2] < s->n) {
    int k = 0;
    for (int q = 1; q < 3; q++) if (s->box[q] / m[q] > s->box[k] / m[k]) k = q;
    m[k]++;
  }
  size_t nsites = (size_t)4 * m[0] * m[1] * m[2];
  int *pick = malloc(nsites * sizeof *pick);
  for (size_t i = 0; i < nsites; i++) pick[i] = (int)i;
  if (nsites > s->n) shuffle_ints(r, pick, nsites);
  /* keep the chosen sites in lattice order for locality */
  int *chosen = calloc(nsites, sizeof *chosen);
  for (size_t i = 0; i < s->n; i++) chosen[pick[i]] = 1;
  static const double basis[4][3] = {{0, 0, 0}, {0.5, 0.5, 0}, {0.5, 0, 0.5}, {0, 0.5, 0.5}};
  size_t p = 0, site = 0;
  for (int ix = 0; ix < m[0]; ix++)
    for (int iy = 0; iy < m[1]; iy++)
      for (int iz = 0; iz < m[2]; iz++)
        for (int b = 0; b < 4; b++, site++) {
          if (!chosen[site]) continue;
          int c[3] = {ix, iy, iz};
          for (int k = 0; k < 3; k++) s->x[3 * p + k] = (c[k] + basis[b][k] + 0.25) * s->box[k] / m[k];
          p++;
        }
  free(pick); free(chosen);
}

int vt_system_create(const vt_system_spec *sp, vt_system **out)
{
  double box[3];
  *out = NULL;
  if (sp->n == 0) return vt_error(VT_EINVAL, "n must be a positive number of particles");
  if (sp->box[0] > 0) {
    memcpy(box, sp->box, sizeof box);
  } else {
    if (!(isfinite(sp->density) && sp->density > 0))
      return vt_error(VT_EINVAL, "density %g must be positive (or give a box)", sp->density);
    double L = cbrt(sp->n / sp->density);
    box[0] = box[1] = box[2] = L;
  }
  if (sp->diameter_law == VT_DIAM_SPECIES) {
    if (sp->nspecies < 1 || sp->nspecies > VT_MAX_SPECIES)
      return vt_error(VT_EINVAL, "between 1 and %d species are supported, got %d", VT_MAX_SPECIES, sp->nspecies);
    for (int t = 0; t < sp->nspecies; t++) {
      if (!(isfinite(sp->species[t].diameter) && sp->species[t].diameter > 0))
        return vt_error(VT_EINVAL, "species %d: diameter %g must be positive", t + 1, sp->species[t].diameter);
      if (sp->mass_rule == VT_MASS_SPECIES && !(isfinite(sp->species[t].mass) && sp->species[t].mass > 0))
        return vt_error(VT_EINVAL, "species %d: mass %g must be positive", t + 1, sp->species[t].mass);
    }
  } else if (sp->diameter_law == VT_DIAM_POWER) {
    if (!(isfinite(sp->dmin) && isfinite(sp->dmax) && sp->dmin > 0 && sp->dmax > sp->dmin))
      return vt_error(VT_EINVAL, "diameter law needs 0 < min < max, got min=%g max=%g", sp->dmin, sp->dmax);
    if (!isfinite(sp->exponent)) return vt_error(VT_EINVAL, "diameter law exponent is not finite");
  } else {
    return vt_error(VT_EINVAL, "unknown diameter law %d", sp->diameter_law);
  }
  if (sp->mass_rule < VT_MASS_EQUAL || sp->mass_rule > VT_MASS_SPECIES)
    return vt_error(VT_EINVAL, "unknown mass rule %d", sp->mass_rule);
  if (sp->mass_rule == VT_MASS_SPECIES && sp->diameter_law != VT_DIAM_SPECIES)
    return vt_error(VT_EINVAL, "per-species masses need species, not a diameter law");

  vt_system *s;
  int rc = vt_system_alloc(sp->n, box, &s);
  if (rc) return rc;
  gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
  if (!r) { vt_system_free(s); return vt_error(VT_ENOMEM, "out of memory"); }
  gsl_rng_set(r, sp->seed);

  s->mass_rule = sp->mass_rule;
  if (sp->diameter_law == VT_DIAM_SPECIES) {
    size_t count[VT_MAX_SPECIES];
    if ((rc = species_counts(sp, count))) { gsl_rng_free(r); vt_system_free(s); return rc; }
    size_t i = 0;
    for (int t = 0; t < sp->nspecies; t++)
      for (size_t c = 0; c < count[t]; c++) s->type[i++] = t + 1;
    shuffle_ints(r, s->type, s->n);
    s->ntypes = sp->nspecies;
    for (int t = 0; t < sp->nspecies; t++) s->type_mass[t + 1] = sp->species[t].mass;
    for (size_t p = 0; p < s->n; p++) s->sigma[p] = sp->species[s->type[p] - 1].diameter;
  } else {
    double a1 = sp->exponent + 1.0;
    for (size_t p = 0; p < s->n; p++) {
      double u = gsl_rng_uniform(r);
      if (fabs(a1) < 1e-12)
        s->sigma[p] = sp->dmin * pow(sp->dmax / sp->dmin, u);
      else
        s->sigma[p] = pow(pow(sp->dmin, a1) + u * (pow(sp->dmax, a1) - pow(sp->dmin, a1)), 1.0 / a1);
      s->type[p] = 1;
    }
    s->ntypes = 1;
  }
  vt_system_apply_mass_rule(s);

  if (sp->init == VT_INIT_LATTICE) {
    place_lattice(s, r);
  } else if (sp->init == VT_INIT_RANDOM) {
    for (size_t p = 0; p < s->n; p++)
      for (int k = 0; k < 3; k++) s->x[3 * p + k] = gsl_rng_uniform(r) * box[k];
  }
  gsl_rng_free(r);
  vt_system_wrap(s);
  *out = s;
  return 0;
}

/* ---- box changes and the pressure tensor ---- */

int vt_system_set_box(vt_system *s, const double box[3])
{
  for (int k = 0; k < 3; k++)
    if (!(box[k] > 0 && isfinite(box[k])))
      return vt_error(VT_EINVAL, "set_box: box length %c = %g must be positive and finite", "xyz"[k], box[k]);
  double r[3] = {box[0] / s->box[0], box[1] / s->box[1], box[2] / s->box[2]};
  for (size_t i = 0; i < s->n; i++)
    for (int k = 0; k < 3; k++) {
      double *x = &s->x[3 * i + k];
      *x *= r[k];
      if (!(*x < box[k])) *x = nextafter(box[k], 0.0);   /* round-off at the upper edge */
    }
  memcpy(s->box, box, sizeof s->box);
  vt_system_invalidate(s);
  return 0;
}

void vt_system_kinetic_tensor(const vt_system *s, double K[6])
{
  double k6[6] = {0, 0, 0, 0, 0, 0};
  for (size_t i = 0; i < s->n; i++) {
    const double *v = &s->v[3 * i], m = s->mass[i];
    k6[0] += m * v[0] * v[0];
    k6[1] += m * v[1] * v[1];
    k6[2] += m * v[2] * v[2];
    k6[3] += m * v[0] * v[1];
    k6[4] += m * v[0] * v[2];
    k6[5] += m * v[1] * v[2];
  }
  memcpy(K, k6, sizeof k6);
}

int vt_system_pressure_tensor(vt_system *s, int excess, double P[6])
{
  int rc = vt_system_compute(s, VT_VIRIAL);
  if (rc) return rc;
  double V = vt_system_volume(s), K[6] = {0, 0, 0, 0, 0, 0};
  if (!excess) vt_system_kinetic_tensor(s, K);
  for (int k = 0; k < 6; k++) P[k] = (K[k] + s->virial[k]) / V;
  return 0;
}

int vt_system_pressure(vt_system *s, int excess, double *p)
{
  int rc = vt_system_compute(s, VT_VIRIAL);
  if (rc) return rc;
  double V = vt_system_volume(s);
  /* the kinetic part from the kinetic energy (as before: 2 KE / 3V) */
  *p = (s->virial[0] + s->virial[1] + s->virial[2]) / (3.0 * V);
  if (!excess) *p += 2.0 * vt_system_kinetic_energy(s) / (3.0 * V);
  return 0;
}

/* The box against a model's largest cutoff (the same rule the neighbor
 * list applies at the first evaluation), so that a box too small for the
 * potential is refused where the potential is attached, with the numbers. */
int vt_system_check_box(const vt_system *s, const vt_potential *p)
{
  double rc = vt_potential_max_cutoff(p, s);
  if (!(rc > 0 && isfinite(rc))) return 0;  /* the list build reports it */
  for (int k = 0; k < 3; k++)
    if (s->box[k] <= 2.0 * rc) {
      double v = s->box[0] * s->box[1] * s->box[2];
      double nmin = ceil(s->n / v * 8.0 * rc * rc * rc * 1.000001);
      return vt_error(VT_ERANGE,
                      "box length %c = %g is not longer than twice the largest cutoff of %s (2 x %g = %g): "
                      "use at least %.0f particles at this density (have %zu), or a shorter cutoff",
                      "xyz"[k], s->box[k], p->type->name, rc, 2.0 * rc, nmin, s->n);
    }
  return 0;
}
