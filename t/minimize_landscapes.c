/* Every minimizer on every standard landscape (the GSL multimin test
 * pattern), plus the contract of the vt_minimizer object.
 *
 * Landscapes: Lennard-Jones clusters with known minima, through lj_smooth
 * with inner = outer = R = 4 (plain LJ truncated and shifted at 4 sigma:
 * every pair of these clusters is inside the cutoff, so the forces are plain
 * LJ and the minimum energy is the plain-LJ one minus (number of pairs) x
 * the shift 4 (R^-12 - R^-6)): the dimer (-1 at r = 2^(1/6)), the
 * equilateral trimer (-3), the regular tetrahedron (-6) and the Mackay
 * icosahedron LJ13 (-44.326801, the Cambridge Cluster Database value, six
 * digits); and a small WAHNs glass quenched from random positions (huge
 * overlaps: a stress test of step control).
 *
 * Asserted for each: converged, fmax < ftol re-evaluated from scratch on a
 * copy, the known energy (to 1e-9 for the clusters, 1e-6 for LJ13), bond
 * lengths, velocities zero, masses untouched, images consistent with the
 * motion. Then the object's contract: stepping by hand, monotone energy for
 * the line-search methods, never converged when not, budgets, etol, the
 * two-norm, refusing non-finite states with the particle named, parameter
 * errors, and interruption. */
#include "tap.h"
#include "vitrum.h"
#include "refdata.h"
#include "minimize/impl.h"
#include <float.h>
#include <math.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_randist.h>
#include <string.h>

#define RCUT 4.0

static vt_potential *lj_cut(double R)
{
  vt_param ps[2] = {{.key = "inner", .kind = VT_PARAM_NUMBER, .num = R},
                    {.key = "outer", .kind = VT_PARAM_NUMBER, .num = R}};
  vt_params in = {2, ps};
  vt_potential *p = NULL;
  if (vt_potential_create("lj_smooth", &in, &p)) return NULL;
  return p;
}

static double lj_shift(double R) { return 4.0 * (pow(R, -12) - pow(R, -6)); }

static vt_system *cluster(size_t n, const double *x, vt_potential *p)
{
  double box[3] = {14, 14, 14};
  vt_system *s;
  if (vt_system_alloc(n, box, &s)) return NULL;
  double *y = malloc(3 * n * sizeof *y);
  for (size_t i = 0; i < 3 * n; i++) y[i] = x[i] + 7.0;   /* the middle of the box */
  vt_system_set_positions(s, y);
  free(y);
  vt_system_set_potential(s, p);
  return s;
}

/* A mixture of unit and 1.2 diameters at density 0.75 with masses 1 and 1.728,
 * at random positions. */
static vt_system *random_glass(size_t n, unsigned long seed)
{
  vt_system_spec sp;
  memset(&sp, 0, sizeof sp);
  sp.n = n;
  sp.density = 0.75;
  sp.nspecies = 2;
  sp.species[0] = (vt_species){0.5, 1.0, 1.0};
  sp.species[1] = (vt_species){0.5, 1.2, 1.728};
  sp.mass_rule = VT_MASS_SPECIES;
  sp.init = VT_INIT_RANDOM;
  sp.seed = seed;
  vt_system *s;
  if (vt_system_create(&sp, &s)) return NULL;
  return ref_with_wahns(s);
}

static double dist(const vt_system *s, size_t i, size_t j)
{
  double d[3] = {s->x[3 * i] - s->x[3 * j], s->x[3 * i + 1] - s->x[3 * j + 1], s->x[3 * i + 2] - s->x[3 * j + 2]};
  vt_minimum_image(s->box, d);
  return sqrt(d[0] * d[0] + d[1] * d[1] + d[2] * d[2]);
}

/* fmax and energy of a fresh copy (nothing cached) */
static void fresh(const vt_system *s, double *fm_out, double *e)
{
  vt_system *c;
  *fm_out = NAN; *e = NAN;
  if (vt_system_copy(s, &c)) return;
  vt_system_invalidate(c);
  if (vt_system_compute(c, VT_ENERGY) == 0) {
    double m = 0;
    for (size_t i = 0; i < 3 * c->n; i++) m = fmax(m, fabs(c->f[i]));
    *fm_out = m;
    *e = c->energy;
  }
  vt_system_free(c);
}

typedef struct { const char *name; const vt_minimizer_type *T; vt_param extra; int nextra; } method;

static vt_minimizer *make(const method *M, double ftol, long max_steps)
{
  vt_param ps[3] = {{.key = "ftol", .kind = VT_PARAM_NUMBER, .num = ftol},
                    {.key = "max_steps", .kind = VT_PARAM_NUMBER, .num = (double)max_steps}, M->extra};
  vt_params in = {2 + (size_t)M->nextra, ps};
  vt_minimizer *m = NULL;
  if (vt_minimizer_alloc(M->T, &in, &m)) return NULL;
  return m;
}

static void check_state(const char *what, const vt_system *s, const double *x0u, const double *mass0)
{
  int vzero = 1, mok = 1;
  for (size_t i = 0; i < 3 * s->n; i++) if (s->v[i] != 0.0) vzero = 0;
  for (size_t i = 0; i < s->n; i++) if (s->mass[i] != mass0[i]) mok = 0;
  ok(vzero, "%s: velocities are zero", what);
  ok(mok, "%s: masses untouched", what);
  /* unwrapped displacement = wrapped displacement up to whole boxes, and
   * the images make it continuous: no particle jumped by a box length */
  double *xu = malloc(3 * s->n * sizeof *xu), worst = 0;
  vt_system_unwrapped(s, xu);
  for (size_t i = 0; i < 3 * s->n; i++) worst = fmax(worst, fabs(xu[i] - x0u[i]));
  ok(worst < 0.45 * s->box[0], "%s: images consistent (largest unwrapped displacement %.3g)", what, worst);
  free(xu);
}

static void run_cluster(const method *M, const char *cname, size_t n, const double *x, double e_lj,
                        int npairs, double bond, double tol)
{
  char what[256];
  snprintf(what, sizeof what, "%s on %s", M->name, cname);
  vt_potential *p = lj_cut(RCUT);
  vt_system *s = cluster(n, x, p);
  vt_potential_unref(p);
  vt_minimizer *m = make(M, 1e-10, 200000);
  if (!ok(s && m, "%s: set up", what)) return;
  double *x0u = malloc(3 * n * sizeof *x0u), *mass0 = malloc(n * sizeof *mass0);
  vt_system_unwrapped(s, x0u);
  memcpy(mass0, s->mass, n * sizeof *mass0);
  for (size_t i = 0; i < 3 * n; i++) s->v[i] = 0.3;    /* must be ignored and zeroed */
  vt_minimize_result r;
  int rc = vt_minimizer_minimize(m, s, &r);
  ok(rc == 0 && r.converged && r.status == VT_MIN_FTOL, "%s: converged (rc %d, status %s, %ld steps, %ld evals, fmax %.3g)",
     what, rc, vt_minimizer_status_name(r.status), r.steps, r.force_evals, r.fmax);
  double fm, e;
  fresh(s, &fm, &e);
  ok(fm < 1e-10 && fabs(fm - r.fmax) < 1e-12, "%s: fmax %.3g < 1e-10 from scratch, as reported (%.3g)", what, fm, r.fmax);
  is_close(e, r.energy, 1e-12 * fabs(e), "%s: reported energy is the system's", what);
  is_close(r.energy, e_lj - npairs * lj_shift(RCUT), tol, "%s: the known minimum energy", what);
  if (bond > 0) {
    double worst = 0;
    for (size_t i = 0; i < n; i++)
      for (size_t j = i + 1; j < n; j++) worst = fmax(worst, fabs(dist(s, i, j) - bond));
    ok(worst < 1e-9, "%s: every bond at 2^(1/6) (worst deviation %.3g)", what, worst);
  }
  check_state(what, s, x0u, mass0);
  free(x0u); free(mass0);
  vt_minimizer_free(m);
  vt_system_free(s);
}

/* The glass landscape: a random mixture quenched once (by cg) to an
 * inherent structure, then shaken by up to +-0.15 per component; or, with
 * from_random, the raw random positions with their huge overlaps. */
static double *glass_is;

static void run_glass(const method *M, size_t n, int from_random)
{
  char what[256];
  snprintf(what, sizeof what, "%s on a %s WAHNs glass (N=%zu)", M->name, from_random ? "random" : "shaken", n);
  vt_system *s = random_glass(n, 7);
  vt_minimizer *m = make(M, 1e-10, 2000000);
  if (!ok(s && m, "%s: set up", what)) return;
  if (!from_random) {
    if (!glass_is) {
      vt_minimizer *q;
      vt_minimize_result rq;
      vt_minimizer_alloc(vt_minimizer_cg, NULL, &q);
      vt_minimizer_minimize(q, s, &rq);
      vt_minimizer_free(q);
      glass_is = malloc(3 * n * sizeof *glass_is);
      vt_system_unwrapped(s, glass_is);
    }
    gsl_rng *g = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(g, 5);
    double *x = malloc(3 * n * sizeof *x);
    for (size_t i = 0; i < 3 * n; i++) x[i] = glass_is[i] + 0.3 * (gsl_rng_uniform(g) - 0.5);
    vt_system_set_positions(s, x);
    free(x);
    gsl_rng_free(g);
  }
  double *x0u = malloc(3 * n * sizeof *x0u), *mass0 = malloc(n * sizeof *mass0);
  vt_system_unwrapped(s, x0u);
  memcpy(mass0, s->mass, n * sizeof *mass0);
  vt_system_compute(s, VT_ENERGY);
  double e0 = s->energy;
  vt_minimize_result r;
  int rc = vt_minimizer_minimize(m, s, &r);
  ok(rc == 0 && r.converged, "%s: converged (rc %d %s, status %s, %ld steps, %ld evals, fmax %.3g, U/N %.10f)", what, rc,
     rc ? vt_errmsg() : "", vt_minimizer_status_name(r.status), r.steps, r.force_evals, r.fmax, r.energy / n);
  double fm, e;
  fresh(s, &fm, &e);
  ok(fm < 1e-10 && fabs(fm - r.fmax) < 1e-12, "%s: fmax %.3g < 1e-10 from scratch, as reported (%.3g)", what, fm, r.fmax);
  ok(e < e0 && e / n > -7.5 && e / n < -6.0, "%s: U/N %.6f from %.3g: a WAHNs inherent-structure energy", what, e / n, e0 / n);
  /* the images record the motion: bounded, continuous displacements */
  double *xu = malloc(3 * n * sizeof *xu), worst = 0;
  vt_system_unwrapped(s, xu);
  for (size_t i = 0; i < 3 * n; i++) worst = fmax(worst, fabs(xu[i] - x0u[i]));
  ok(worst < (from_random ? s->box[0] : 0.45 * s->box[0]), "%s: largest unwrapped displacement %.3g", what, worst);
  int vzero = 1, mok = 1;
  for (size_t i = 0; i < 3 * n; i++) if (s->v[i] != 0.0) vzero = 0;
  for (size_t i = 0; i < n; i++) if (s->mass[i] != mass0[i]) mok = 0;
  ok(vzero && mok, "%s: velocities zero, masses untouched", what);
  free(xu); free(x0u); free(mass0);
  vt_minimizer_free(m);
  vt_system_free(s);
}

/* Positions of the standard clusters (slightly distorted starts). */
static const double dimer[] = {0, 0, 0, 1.5, 0.2, -0.1};
static const double trimer[] = {0, 0, 0, 1.3, 0, 0, 0.5, 1.0, 0.1};
static const double tetra[] = {0, 0, 0, 1.2, 0.1, 0, 0.5, 1.0, 0.1, 0.6, 0.4, 1.1};
static double lj13[39];

static void make_lj13(void)
{
  /* centre + 12 vertices of an icosahedron with nearest-neighbour distance ~1.1,
   * then a deterministic random distortion of 0.05 */
  const double phi = (1 + sqrt(5.0)) / 2, sc = 1.1 / 2.0;
  double v[12][3] = {{0, 1, phi}, {0, -1, phi}, {0, 1, -phi}, {0, -1, -phi}, {1, phi, 0}, {-1, phi, 0},
                     {1, -phi, 0}, {-1, -phi, 0}, {phi, 0, 1}, {-phi, 0, 1}, {phi, 0, -1}, {-phi, 0, -1}};
  gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
  gsl_rng_set(r, 3);
  for (int k = 0; k < 3; k++) lj13[k] = 0.05 * (gsl_rng_uniform(r) - 0.5);
  for (int i = 0; i < 12; i++)
    for (int k = 0; k < 3; k++) lj13[3 + 3 * i + k] = sc * v[i][k] + 0.1 * (gsl_rng_uniform(r) - 0.5);
  gsl_rng_free(r);
}

/* A test potential: a harmonic trap around the box centre, U = sum |x - c|^2 / 2,
 * that turns bad at evaluation `trap_at`: mode 0 puts NaN in particle 2's force,
 * mode 1 makes the energy infinite. */
static int trap_mode, trap_at, trap_calls;
static void trap_pair(const void *par, double r, double si, double sj, int ti, int tj, double *u, double *du, double *d2u)
{
  if (u) *u = 0;
  if (du) *du = 0;
  if (d2u) *d2u = 0;
}
static double trap_cutoff(const void *par, double si, double sj, int ti, int tj) { return 1.0; }
static void trap_free(void *par) {}
static int trap_compute(const vt_potential *pot, vt_system *s, const vt_neighbor *nl, unsigned flags)
{
  double e = 0;
  for (size_t i = 0; i < 3 * s->n; i++) {
    double d = s->x[i] - 0.5 * s->box[i % 3];
    e += 0.5 * d * d;
    s->f[i] = -d;
  }
  if (++trap_calls >= trap_at) {
    if (trap_mode == 0) s->f[4] = NAN;
    else e = INFINITY;
  }
  s->energy = e;
  return 0;
}
static const vt_potential_type trap_type = {.name = "trap", .pair = trap_pair, .cutoff = trap_cutoff,
                                            .compute = trap_compute, .free = trap_free};

static vt_system *trap_system(int mode, int at)
{
  double box[3] = {14, 14, 14}, x[9] = {6, 7, 8, 8.5, 6.5, 7, 7, 7.5, 6};
  vt_system *s;
  if (vt_system_alloc(3, box, &s)) return NULL;
  vt_system_set_positions(s, x);
  vt_potential *p = calloc(1, sizeof *p);
  p->type = &trap_type;
  p->refcount = 1;
  snprintf(p->desc, sizeof p->desc, "trap");
  vt_system_set_potential(s, p);
  vt_potential_unref(p);
  trap_mode = mode;
  trap_at = at;
  trap_calls = 0;
  return s;
}

static void contract(void)
{
  const double rmin = pow(2.0, 1.0 / 6.0);
  vt_potential *p = lj_cut(RCUT);

  /* stepping by hand: each line-search step lowers the energy (to rounding) */
  const vt_minimizer_type *ls_types[2] = {vt_minimizer_cg, vt_minimizer_steepest};
  for (int t = 0; t < 2; t++) {
    vt_system *s = cluster(13, lj13, p);
    vt_minimizer *m;
    vt_minimizer_alloc(ls_types[t], NULL, &m);
    int rc = vt_minimizer_set(m, s), st = VT_MIN_CONTINUE, mono = 1, counted = 1;
    double eprev = m->energy;
    long k = 0;
    while (rc == 0 && st == VT_MIN_CONTINUE && k < 100000) {
      st = vt_minimizer_iterate(m);
      k++;
      if (m->energy > eprev + 1e-12 * fabs(eprev)) mono = 0;
      if (m->steps != k) counted = 0;
      eprev = m->energy;
    }
    ok(rc == 0 && st == VT_MIN_FTOL && m->fmax < 1e-10, "%s by hand: iterate until ftol (%ld steps, status %s)",
       vt_minimizer_name(m), k, vt_minimizer_status_name(st));
    ok(mono, "%s by hand: the energy never rises", vt_minimizer_name(m));
    ok(counted, "%s by hand: steps counted", vt_minimizer_name(m));
    ok(vt_minimizer_test(m) == VT_MIN_FTOL, "%s: the test agrees at the end", vt_minimizer_name(m));
    vt_minimizer_free(m);
    vt_system_free(s);
  }

  /* never converged when not: tiny budgets */
  const vt_minimizer_type *all[4] = {vt_minimizer_fire2, vt_minimizer_fire, vt_minimizer_cg, vt_minimizer_steepest};
  for (int t = 0; t < 4; t++) {
    vt_system *s = cluster(13, lj13, p);
    vt_param ps[1] = {{.key = "max_steps", .kind = VT_PARAM_NUMBER, .num = 3}};
    vt_params in = {1, ps};
    vt_minimizer *m;
    vt_minimizer_alloc(all[t], &in, &m);
    vt_minimize_result r;
    int rc = vt_minimizer_minimize(m, s, &r);
    ok(rc == 0 && !r.converged && r.status == VT_MIN_MAXSTEPS && r.steps == 3 && r.fmax >= 1e-10,
       "%s, max_steps=3: not converged, status %s, %ld steps, fmax %.3g", all[t]->name,
       vt_minimizer_status_name(r.status), r.steps, r.fmax);
    vt_minimizer_free(m);
    /* and an evaluation budget */
    vt_param pe[1] = {{.key = "max_evals", .kind = VT_PARAM_NUMBER, .num = 10}};
    vt_params ine = {1, pe};
    vt_minimizer_alloc(all[t], &ine, &m);
    rc = vt_minimizer_minimize(m, s, &r);
    ok(rc == 0 && !r.converged && r.status == VT_MIN_MAXEVALS && r.force_evals >= 10 && r.force_evals < 40,
       "%s, max_evals=10: stops with status %s after %ld evaluations", all[t]->name,
       vt_minimizer_status_name(r.status), r.force_evals);
    vt_minimizer_free(m);
    vt_system_free(s);
  }

  /* already at a minimum: zero steps, converged */
  {
    double x[6] = {0, 0, 0, rmin, 0, 0};
    vt_system *s = cluster(2, x, p);
    vt_minimizer *m;
    vt_param ps[1] = {{.key = "ftol", .kind = VT_PARAM_NUMBER, .num = 1e-8}};
    vt_params in = {1, ps};
    vt_minimizer_alloc(vt_minimizer_cg, &in, &m);
    vt_minimize_result r;
    int rc = vt_minimizer_minimize(m, s, &r);
    ok(rc == 0 && r.converged && r.steps == 0 && r.force_evals == 1, "at a minimum: converged in 0 steps, 1 evaluation (%ld, %ld)",
       r.steps, r.force_evals);
    vt_minimizer_free(m);
    vt_system_free(s);
  }

  /* etol: converged on the energy criterion, and reported as such */
  {
    vt_system *s = random_glass(300, 11);
    vt_param ps[2] = {{.key = "ftol", .kind = VT_PARAM_NUMBER, .num = 0},
                      {.key = "etol", .kind = VT_PARAM_NUMBER, .num = 1e-8}};
    vt_params in = {2, ps};
    vt_minimizer *m;
    vt_minimizer_alloc(vt_minimizer_cg, &in, &m);
    vt_minimize_result r;
    int rc = vt_minimizer_minimize(m, s, &r);
    ok(rc == 0 && r.converged && r.status == VT_MIN_ETOL, "etol=1e-8, ftol=0: converged on etol (status %s, %ld steps, fmax %.3g)",
       vt_minimizer_status_name(r.status), r.steps, r.fmax);
    vt_minimizer_free(m);
    vt_system_free(s);
  }

  /* norm "two": the criterion is on the 2-norm */
  {
    vt_system *s = cluster(13, lj13, p);
    vt_param ps[2] = {{.key = "ftol", .kind = VT_PARAM_NUMBER, .num = 1e-9},
                      {.key = "norm", .kind = VT_PARAM_STRING, .str = "two"}};
    vt_params in = {2, ps};
    vt_minimizer *m;
    vt_minimizer_alloc(vt_minimizer_fire2, &in, &m);
    vt_minimize_result r;
    int rc = vt_minimizer_minimize(m, s, &r);
    ok(rc == 0 && r.converged && r.fnorm < 1e-9 && r.fnorm >= r.fmax, "norm two: fnorm %.3g < 1e-9 (fmax %.3g)", r.fnorm, r.fmax);
    vt_minimizer_free(m);
    vt_system_free(s);
  }

  /* non-finite values met mid-run stop every minimizer, naming the particle */
  for (int t = 0; t < 4; t++) {
    for (int mode = 0; mode < 2; mode++) {
      vt_system *s = trap_system(mode, 3);
      vt_minimizer *m;
      vt_minimizer_alloc(all[t], NULL, &m);
      vt_minimize_result r;
      int rc = vt_minimizer_minimize(m, s, &r);
      const char *msg = vt_errmsg();
      if (mode == 0)
        ok(rc == VT_ENONFINITE && strstr(msg, "particle 2 is not finite") && !r.converged,
           "%s: a NaN force at evaluation 3 -> VT_ENONFINITE naming particle 2 (%s)", all[t]->name, msg);
      else
        ok(rc == VT_ENONFINITE && strstr(msg, "non-finite energy") && !r.converged,
           "%s: an infinite energy at evaluation 3 -> VT_ENONFINITE (%s)", all[t]->name, msg);
      vt_minimizer_free(m);
      vt_system_free(s);
    }
    /* a NaN position is refused at the start */
    double x[6] = {0, 0, 0, 1.2, 0, 0};
    vt_system *s = cluster(2, x, p);
    s->x[4] = NAN;
    vt_minimizer *m;
    vt_minimizer_alloc(all[t], NULL, &m);
    int rc = vt_minimizer_set(m, s);
    ok(rc == VT_ENONFINITE && strstr(vt_errmsg(), "particle 2"), "%s: NaN position -> VT_ENONFINITE (%s)", all[t]->name, vt_errmsg());
    ok(vt_minimizer_iterate(m) == VT_EINVAL, "%s: iterate without a system is an error", all[t]->name);
    vt_minimizer_free(m);
    vt_system_free(s);
  }

  /* particles on top of each other: the pair energy is infinite, and the
   * minimizer must say which particles (if the potential reports it) */
  {
    double x[9] = {0, 0, 0, 1.2, 0, 0, 1.2, 0, 0};
    vt_system *s = cluster(3, x, p);
    int crc = vt_system_compute(s, VT_ENERGY);
    ok(crc != 0 || !isfinite(s->energy), "coincident particles give a non-finite energy (or an error)");
    {
      for (int t = 0; t < 4; t++) {
        vt_minimizer *m;
        vt_minimizer_alloc(all[t], NULL, &m);
        vt_minimize_result r;
        int rc = vt_minimizer_minimize(m, s, &r);
        const char *msg = vt_errmsg();
        ok(rc == VT_ENONFINITE && (strstr(msg, "particle 2") || strstr(msg, "particle 3")) && strstr(msg, "overlapping"),
           "%s: coincident particles -> VT_ENONFINITE (%s)", all[t]->name, msg);
        vt_minimizer_free(m);
      }
    }
    vt_system_free(s);
  }

  /* interruption */
  {
    vt_system *s = cluster(13, lj13, p);
    vt_minimizer *m;
    vt_minimizer_alloc(vt_minimizer_fire2, NULL, &m);
    vt_interrupt_set(1);
    vt_minimize_result r;
    int rc = vt_minimizer_minimize(m, s, &r);
    vt_interrupt_set(0);
    ok(rc == VT_EINTR && !r.converged, "interrupted -> VT_EINTR, not converged");
    vt_minimizer_free(m);
    vt_system_free(s);
  }

  /* parameters */
  {
    vt_minimizer *m = NULL;
    vt_param bad[1] = {{.key = "dtt", .kind = VT_PARAM_NUMBER, .num = 0.01}};
    vt_params in = {1, bad};
    ok(vt_minimizer_alloc(vt_minimizer_fire2, &in, &m) == VT_EINVAL && !m && strstr(vt_errmsg(), "dtt"),
       "unknown parameter refused (%s)", vt_errmsg());
    vt_param neg[1] = {{.key = "ftol", .kind = VT_PARAM_NUMBER, .num = -1}};
    in.p = neg;
    ok(vt_minimizer_alloc(vt_minimizer_cg, &in, &m) == VT_EINVAL, "negative ftol refused");
    vt_param dtp[2] = {{.key = "dt", .kind = VT_PARAM_NUMBER, .num = 0.01},
                       {.key = "integrator", .kind = VT_PARAM_STRING, .str = "verlet"}};
    vt_params in2 = {2, dtp};
    double v = 0;
    int arc = vt_minimizer_alloc(vt_minimizer_fire2, &in2, &m);
    int grc = arc ? arc : vt_minimizer_get(m, "dtmax", &v);
    ok(arc == 0 && grc == 0 && v == 0.1, "fire2: dt=0.01 gives dtmax = 10 dt (%g)", v);
    vt_param up = {.key = "alpha0", .kind = VT_PARAM_NUMBER, .num = 0.2};
    ok(vt_minimizer_set_param(m, &up) == 0 && vt_minimizer_get(m, "alpha0", &v) == 0 && v == 0.2, "fire2: alpha0 set later");
    ok(vt_minimizer_get(m, "nope", &v) == VT_EINVAL, "unknown name in get is an error");
    vt_minimizer_free(m);
    ok(vt_minimizer_type_find("fire2") == vt_minimizer_fire2 && vt_minimizer_type_find("cg") == vt_minimizer_cg &&
       vt_minimizer_type_find("bfgs") == NULL, "types found by name");
  }
  vt_potential_unref(p);
}

/* The minimizers' reductions (eight fixed lanes): the dot product is the
 * exact one to a few roundings of the sum of |a_i b_i|, whatever n modulo
 * 8, and does not depend on where the vector starts in memory; the largest
 * magnitude is exact and lets a NaN through from any position. */
static void reductions(void)
{
  gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
  double a[41], b[41], c[42];
  int bad_dot = 0, bad_shift = 0, bad_max = 0, bad_nan = 0;
  for (size_t n = 1; n <= 40; n++) {
    long double exact = 0, mag = 0;
    double want = 0;
    for (size_t i = 0; i < n; i++) {
      a[i] = gsl_ran_gaussian(rng, 1.0);
      b[i] = gsl_ran_gaussian(rng, 1.0) * (i % 3 ? 1e-3 : 1.0);
      exact += (long double)a[i] * b[i];
      mag += fabsl((long double)a[i] * b[i]);
      if (fabs(a[i]) > want) want = fabs(a[i]);
    }
    double d = vt_min_dot(a, b, n);
    if (!(fabsl(d - exact) <= 4 * DBL_EPSILON * mag)) bad_dot++;
    memcpy(c + 1, a, n * sizeof *a);   /* another alignment */
    if (vt_min_dot(c + 1, b, n) != d) bad_shift++;
    if (vt_min_absmax(a, n) != want) bad_max++;
    for (size_t k = 0; k < n; k++) {
      double keep = a[k];
      a[k] = NAN;
      if (!isnan(vt_min_absmax(a, n))) bad_nan++;
      a[k] = keep;
    }
  }
  ok(bad_dot == 0, "vt_min_dot agrees with the exact sum to 4 eps sum |a b| for n = 1..40 (%d off)", bad_dot);
  ok(bad_shift == 0, "vt_min_dot does not depend on the alignment (%d differ)", bad_shift);
  ok(bad_max == 0, "vt_min_absmax is the largest magnitude for n = 1..40 (%d off)", bad_max);
  ok(bad_nan == 0, "vt_min_absmax returns NaN wherever one sits (%d missed)", bad_nan);
  gsl_rng_free(rng);
}

int main(void)
{
  reductions();
  make_lj13();
  const double rmin = pow(2.0, 1.0 / 6.0);
  method M[] = {
    {"fire2", vt_minimizer_fire2, {0}, 0},
    {"fire", vt_minimizer_fire, {0}, 0},
    {"fire2 (unit masses)", vt_minimizer_fire2, {.key = "masses", .kind = VT_PARAM_NUMBER, .num = 0}, 1},
    {"fire2 (verlet)", vt_minimizer_fire2, {.key = "integrator", .kind = VT_PARAM_STRING, .str = "verlet"}, 1},
    {"cg", vt_minimizer_cg, {0}, 0},
    {"steepest", vt_minimizer_steepest, {0}, 0},
    {"steepest (flow)", vt_minimizer_steepest, {.key = "mode", .kind = VT_PARAM_STRING, .str = "flow"}, 1},
  };
  for (size_t k = 0; k < sizeof M / sizeof M[0]; k++) {
    run_cluster(&M[k], "LJ dimer", 2, dimer, -1.0, 1, rmin, 1e-9);
    run_cluster(&M[k], "LJ trimer", 3, trimer, -3.0, 3, rmin, 1e-9);
    run_cluster(&M[k], "LJ tetramer", 4, tetra, -6.0, 6, rmin, 1e-9);
    run_cluster(&M[k], "LJ13", 13, lj13, -44.326801, 78, 0, 1e-6);
    if (strcmp(M[k].name, "steepest (flow)") != 0) run_glass(&M[k], 300, 0);
    if (M[k].T == vt_minimizer_fire2 && M[k].nextra == 0) run_glass(&M[k], 300, 1);
    if (M[k].T == vt_minimizer_cg) run_glass(&M[k], 300, 1);
  }
  contract();
  free(glass_is);
  return done_testing();
}
