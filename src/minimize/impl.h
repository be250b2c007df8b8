/* Internal helpers shared by the minimizer types (not installed): evaluating
 * the current point with the non-finite checks, moving along a direction,
 * vector arithmetic on 3N vectors, and the line search of linesearch.c. */
#ifndef VT_MINIMIZE_IMPL_H
#define VT_MINIMIZE_IMPL_H
#include "minimize/minimize.h"

/* Evaluate energy and forces at s->x (a no-op when they are current), update
 * m->energy, m->fmax, m->fnorm and m->force_evals. Non-finite energy or
 * forces give VT_ENONFINITE naming the first offending particle. */
int vt_min_eval(vt_minimizer *m);
/* x += a d (an increment, so image counts stay consistent), invalidate. */
void vt_min_move(vt_minimizer *m, const double *d, double a);
double vt_min_dot(const double *a, const double *b, size_t n);
double vt_min_absmax(const double *a, size_t n);
/* Is the parameter a number (or a boolean passed as 0/1)? Errors name the type. */
int vt_min_param_number(const vt_minimizer_type *T, const vt_param *p, double lo, double hi, double *out);
int vt_min_param_bool(const vt_minimizer_type *T, const vt_param *p, int *out);

/* The state of FIRE and FIRE 2.0 (fire.c), visible so that newton.c can
 * embed one and drive it through vt_minimizer_fire2's functions. */
enum { VT_FIRE_EULER_IMPLICIT = 0, VT_FIRE_VERLET = 1, VT_FIRE_EULER_EXPLICIT = 2 };

typedef struct {
  /* parameters */
  double dt0, dtmax_set, dtmin_set, tmin_ratio;
  double dtmax, dtmin, dtgrow, dtshrink, alpha0, alphashrink, dmax, maxmove_set, maxmove;
  long delaystep, vdfmax;
  int halfstepback, initialdelay, integrator, masses;
  /* state */
  size_t n;
  double *v;       /* 3n velocities */
  double *im;      /* n inverse masses (1 with masses = false) */
  double dt, alpha, dtv, dtx;
  long it, last_negative, nneg;
  int flagv0;
} vt_fire_state;

/* Line search along d from the current point (alpha = 0, forces current),
 * where phi(a) = U(x + a d) and phi'(0) = -F.d < 0. It looks for a step
 * meeting the strong Wolfe conditions |phi'(a)| <= sigma |phi'(0)| and
 * phi(a) <= phi(0) + c1 a phi'(0); when energy differences drop below the
 * rounding noise of U (near a minimum, where the forces are still exact),
 * the sufficient-decrease test is replaced by phi(a) <= phi(0) + noise, the
 * "approximate Wolfe" conditions of Hager and Zhang, SIAM J. Optim. 16, 170
 * (2005). Bracketing and zooming follow Nocedal and Wright, Numerical
 * Optimization (2nd ed., 2006), Algorithms 3.5 and 3.6, with the
 * safeguarded cubic (energies resolvable) or secant (derivatives only)
 * interpolation of More and Thuente, ACM TOMS 20, 286 (1994).
 *
 * On success the system is at the accepted point (forces current) and
 * *alpha holds the step. If no acceptable point is found within max_evals,
 * the system is left at the lowest-energy point visited if it is lower
 * than phi(0) by more than the noise (returns 0), else back at alpha = 0
 * (returns VT_MIN_STUCK). */
typedef struct vt_linesearch {
  double c1;        /* sufficient decrease (1e-4) */
  double sigma;     /* curvature (0.1 for CG, 0.9 for steepest descent) */
  int max_evals;    /* per line search (20) */
} vt_linesearch;

int vt_linesearch_run(vt_minimizer *m, const vt_linesearch *ls, const double *d, double dphi0,
                      double alpha0, double alpha_max, double *alpha);

#endif
