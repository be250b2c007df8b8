/* Benchmark (not a test): GSL's multimin minimizers against vitrum's cg on
 * one configuration, to decide whether GSL's would do (doc/HACKING.md: use GSL
 * where it is competitive). GSL's conjugate_pr, conjugate_fr and
 * vector_bfgs2 get U and -F of the system through gsl_multimin_function_fdf
 * (each call sets the positions and evaluates); all stop when the largest
 * force component is below ftol, or when GSL reports no progress.
 *
 * build and run: scripts/bench/minimize_gsl.sh [data] [ftol] */
#include "vitrum.h"
#include <gsl/gsl_multimin.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static long nevals;

/* CPU time of the process: the script runs with one OpenMP thread, so
 * this is the minimization's own time even on a busy machine */
static double now(void) { return (double)clock() / CLOCKS_PER_SEC; }

static int eval(vt_system *s, const gsl_vector *x)
{
  memcpy(s->x, x->data, 3 * s->n * sizeof(double));   /* GSL's x is contiguous (stride 1) */
  vt_system_invalidate(s);
  nevals++;
  return vt_system_compute(s, VT_ENERGY);
}

static double f(const gsl_vector *x, void *p)
{
  vt_system *s = p;
  return eval(s, x) ? GSL_NAN : s->energy;
}

static void df(const gsl_vector *x, void *p, gsl_vector *g)
{
  vt_system *s = p;
  eval(s, x);
  for (size_t i = 0; i < 3 * s->n; i++) gsl_vector_set(g, i, -s->f[i]);
}

static void fdf(const gsl_vector *x, void *p, double *e, gsl_vector *g)
{
  vt_system *s = p;
  eval(s, x);
  *e = s->energy;
  for (size_t i = 0; i < 3 * s->n; i++) gsl_vector_set(g, i, -s->f[i]);
}

static void run_gsl(const vt_system *s0, const gsl_multimin_fdfminimizer_type *T, double ftol)
{
  vt_system *s;
  vt_system_copy(s0, &s);
  size_t n3 = 3 * s->n;
  gsl_multimin_function_fdf fn = {f, df, fdf, n3, s};
  gsl_vector *x = gsl_vector_alloc(n3);
  memcpy(x->data, s->x, n3 * sizeof(double));
  gsl_multimin_fdfminimizer *m = gsl_multimin_fdfminimizer_alloc(T, n3);
  nevals = 0;
  double t0 = now();
  /* first step: largest component moves 0.01; line tolerance 0.1 (GSL's advice for CG) */
  gsl_multimin_fdfminimizer_set(m, &fn, x, 0.01 * sqrt((double)n3), 0.1);
  long it = 0;
  int st = GSL_CONTINUE;
  double gmax = INFINITY;
  while (it < 1000000) {
    it++;
    st = gsl_multimin_fdfminimizer_iterate(m);
    gmax = 0;
    for (size_t i = 0; i < n3; i++) gmax = fmax(gmax, fabs(gsl_vector_get(m->gradient, i)));
    if (st || gmax < ftol) break;
  }
  printf("%-22s %9s %9ld %9ld %9.3f %18.12f %9.2g %s\n", gsl_multimin_fdfminimizer_name(m), gmax < ftol ? "yes" : "no",
         it, nevals, now() - t0, m->f / s->n, gmax, st ? gsl_strerror(st) : "");
  gsl_multimin_fdfminimizer_free(m);
  gsl_vector_free(x);
  vt_system_free(s);
}

static void run_vt(const vt_system *s0, const vt_minimizer_type *T, double ftol)
{
  vt_system *s;
  vt_system_copy(s0, &s);
  vt_param ps[1] = {{.key = "ftol", .kind = VT_PARAM_NUMBER, .num = ftol}};
  vt_params in = {1, ps};
  vt_minimizer *m;
  vt_minimizer_alloc(T, &in, &m);
  vt_minimize_result r;
  double t0 = now();
  vt_minimizer_minimize(m, s, &r);
  printf("vitrum %-15s %9s %9ld %9ld %9.3f %18.12f %9.2g %s\n", T->name, r.converged ? "yes" : "no", r.steps, r.force_evals,
         now() - t0, r.energy / s->n, r.fmax, vt_minimizer_status_name(r.status));
  vt_minimizer_free(m);
  vt_system_free(s);
}

int main(int argc, char **argv)
{
  if (argc < 2) { fprintf(stderr, "usage: minimize_gsl data [ftol]\n"); return 2; }
  double ftol = argc > 2 ? atof(argv[2]) : 1e-10;
  vt_io_opts o;
  memset(&o, 0, sizeof o);
  o.ndiam = 2;
  o.diameters[0] = 1.0;
  o.diameters[1] = 1.2;
  vt_system *s;
  if (vt_io_read(argv[1], &o, &s)) { fprintf(stderr, "%s\n", vt_errmsg()); return 1; }
  vt_param ps[2] = {{.key = "inner", .kind = VT_PARAM_NUMBER, .num = 2.5},
                    {.key = "outer", .kind = VT_PARAM_NUMBER, .num = 2.75}};
  vt_params in = {2, ps};
  vt_potential *p;
  vt_potential_create("lj_smooth", &in, &p);
  vt_system_set_potential(s, p);
  vt_potential_unref(p);
  printf("# %s: N = %zu, stop at max |F component| < %g\n", argv[1], s->n, ftol);
  printf("%-22s %9s %9s %9s %9s %18s %9s\n", "method", "converged", "steps", "evals", "cpu_s", "U/N", "fmax");
  run_vt(s, vt_minimizer_cg, ftol);
  run_vt(s, vt_minimizer_fire2, ftol);
  run_gsl(s, gsl_multimin_fdfminimizer_conjugate_pr, ftol);
  run_gsl(s, gsl_multimin_fdfminimizer_conjugate_fr, ftol);
  run_gsl(s, gsl_multimin_fdfminimizer_vector_bfgs2, ftol);
  vt_system_free(s);
  return 0;
}
