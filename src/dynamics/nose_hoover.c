/* Nose-Hoover chain thermostat (NVT) around velocity Verlet, exactly the
 * scheme of LAMMPS `fix nvt` (src/fix_nh.cpp, FixNH::nhc_temp_integrate):
 *
 *   Nose-Hoover chains: G. J. Martyna, M. L. Klein and M. Tuckerman,
 *     J. Chem. Phys. 97, 2635 (1992).
 *   Time-reversible Trotter factorization of the chain propagator:
 *     G. J. Martyna, M. E. Tuckerman, D. J. Tobias and M. L. Klein,
 *     Mol. Phys. 87, 1117 (1996) (MTTK), eqs. 2.21-2.26 for NVT.
 *   As implemented in LAMMPS: W. Shinoda, M. Shiga and M. Mikami,
 *     Phys. Rev. B 69, 134103 (2004); LAMMPS `fix nh` documentation.
 *
 * One step:  exp(iL_NHC dt/2) . velocity Verlet(dt) . exp(iL_NHC dt/2)
 * where exp(iL_NHC dt/2) (LAMMPS nhc_temp_integrate, `loops` sub-cycles of
 * length dt/2/loops) updates the chain from its end inwards with quarter
 * steps, scales all velocities by exp(-eta_dot_1 dt/2), moves the chain
 * positions, and updates the chain outwards again. The thermostat masses follow
 * the target (LAMMPS eta_mass_flag):
 *   Q_1 = g kT / omega^2,  Q_k = kT / omega^2 (k > 1),  omega = 1/tau,
 * g = 3N - 3 degrees of freedom (zero total momentum), k_B = 1. Forces on
 * the chain:
 *   G_1 = (2 KE - g kT) / Q_1,  G_k = (Q_{k-1} eta_dot_{k-1}^2 - kT) / Q_k.
 * Conserved quantity (LAMMPS FixNH::compute_scalar):
 *   H = KE + U + g kT eta_1 + sum_{k>1} kT eta_k + sum_k Q_k eta_dot_k^2 / 2,
 * conserved at constant T (not along a ramp, where T changes under it).
 *
 * One departure from LAMMPS, at the level of round-off: the kinetic energy
 * entering each half step is recomputed from the velocities and the current
 * masses instead of being carried over from the previous half step, so
 * anything that changes velocities or masses between steps (an observer that
 * resizes particles under mass="volume") is seen by the thermostat. */
#include "dynamics/integrator.h"
#include "core/error.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define NHC_MAX_CHAIN 64

typedef struct {
  int m;              /* chain length */
  int loops;          /* sub-cycles per half step */
  double tau;         /* coupling time; omega = 1/tau */
  double *eta;        /* m chain positions */
  double *eta_dot;    /* m+1 chain velocities (the last is always 0) */
  double *eta_dotdot; /* m chain forces */
  double *eta_mass;   /* m thermostat masses */
  double *factor;     /* loops velocity scalings of the last half step */
} nhc_state;

static int nhc_alloc(void *state, const vt_integrator_params *p)
{
  nhc_state *st = state;
  if (p->chain < 1 || p->chain > NHC_MAX_CHAIN)
    return vt_error(VT_EINVAL, "nose-hoover: chain length %d must be between 1 and %d", p->chain, NHC_MAX_CHAIN);
  if (p->loops < 1 || p->loops > 1000)
    return vt_error(VT_EINVAL, "nose-hoover: loops %d must be between 1 and 1000", p->loops);
  if (!(p->tau > 0 && isfinite(p->tau)))
    return vt_error(VT_EINVAL, "nose-hoover: tau %g must be positive and finite", p->tau);
  st->m = p->chain;
  st->loops = p->loops;
  st->tau = p->tau;
  size_t m = (size_t)p->chain;
  st->eta = calloc(4 * m + 1 + (size_t)p->loops, sizeof(double));
  if (!st->eta) return vt_error(VT_ENOMEM, "out of memory");
  st->eta_dot = st->eta + m;            /* m + 1 */
  st->eta_dotdot = st->eta_dot + m + 1;
  st->eta_mass = st->eta_dotdot + m;
  st->factor = st->eta_mass + m;        /* loops */
  return 0;
}

static void nhc_free(void *state)
{
  nhc_state *st = state;
  free(st->eta);
  st->eta = NULL;
}

static int check_T(double T)
{
  if (!(T > 0 && isfinite(T)))
    return vt_error(VT_EINVAL, "nose-hoover: target temperature %g must be positive and finite", T);
  return 0;
}

static void set_masses(nhc_state *st, double g, double T)
{
  double w2 = 1.0 / (st->tau * st->tau);
  st->eta_mass[0] = g * T / w2;
  for (int k = 1; k < st->m; k++) st->eta_mass[k] = T / w2;
}

/* LAMMPS FixNH::setup: masses and the chain forces G_k, k > 1. */
static int nhc_set(void *state, const vt_system *s, double T)
{
  nhc_state *st = state;
  int rc = check_T(T);
  if (rc) return rc;
  set_masses(st, vt_system_dof(s), T);
  for (int k = 1; k < st->m; k++)
    st->eta_dotdot[k] = (st->eta_mass[k - 1] * st->eta_dot[k - 1] * st->eta_dot[k - 1] - T) / st->eta_mass[k];
  return 0;
}

/* v *= factor[0], then factor[1], ... (the sub-cycles' scalings, one
 * multiplication each, in order). */
static void scale_velocities(vt_system *s, const double *factor, int nf)
{
  const size_t n3 = 3 * s->n;
  double *restrict v = s->v;
#pragma omp parallel for schedule(static) if (n3 > 12288)
  for (size_t i = 0; i < n3; i++) {
    double w = v[i];
    for (int k = 0; k < nf; k++) w *= factor[k];
    v[i] = w;
  }
}

/* The first half of a step in one pass over the particles: the chain's
 * velocity scalings, the half kick v += (h / m_i) f_i and the drift
 * x += dt v, each element going through exactly the operations of the
 * three separate loops (vt_md_kick, vt_md_drift), in the same order. */
static void scale_kick_drift(vt_system *s, const double *factor, int nf, double h, double dt)
{
  const size_t n = s->n;
  double *restrict v = s->v, *restrict x = s->x;
  const double *restrict f = s->f, *restrict m = s->mass;
#pragma omp parallel for schedule(static) if (n > 4096)
  for (size_t i = 0; i < n; i++) {
    const double a = h / m[i];
    for (int c = 0; c < 3; c++) {
      double w = v[3 * i + c];
      for (int k = 0; k < nf; k++) w *= factor[k];
      w += a * f[3 * i + c];
      v[3 * i + c] = w;
      x[3 * i + c] += dt * w;
    }
  }
  vt_system_invalidate(s);
}

/* exp(iL_NHC dt/2): LAMMPS FixNH::nhc_temp_integrate (drag 0), with the
 * velocity scalings recorded in st->factor[0 .. loops) instead of applied:
 * the chain only needs the kinetic energy, which each scaling multiplies by
 * factor^2, so the caller applies them in its next pass over the
 * velocities. */
static void nhc_half(nhc_state *st, vt_system *s, double dt, double T)
{
  const int m = st->m;
  const double g = vt_system_dof(s);
  const double ke_target = g * T;
  const double ncfac = 1.0 / st->loops;
  const double dt8 = 0.125 * dt, dt4 = 0.25 * dt, dthalf = 0.5 * dt;
  double *eta = st->eta, *eta_dot = st->eta_dot, *eta_dotdot = st->eta_dotdot, *Q = st->eta_mass;
  double t_current = 2.0 * vt_system_kinetic_energy(s) / g;

  set_masses(st, g, T);
  eta_dotdot[0] = (g * t_current - ke_target) / Q[0];
  for (int loop = 0; loop < st->loops; loop++) {
    double expfac;
    for (int k = m - 1; k > 0; k--) {
      expfac = exp(-ncfac * dt8 * eta_dot[k + 1]);
      eta_dot[k] *= expfac;
      eta_dot[k] += eta_dotdot[k] * ncfac * dt4;
      eta_dot[k] *= expfac;
    }
    expfac = exp(-ncfac * dt8 * eta_dot[1]);
    eta_dot[0] *= expfac;
    eta_dot[0] += eta_dotdot[0] * ncfac * dt4;
    eta_dot[0] *= expfac;

    const double factor = exp(-ncfac * dthalf * eta_dot[0]);
    st->factor[loop] = factor;
    t_current *= factor * factor;
    eta_dotdot[0] = (g * t_current - ke_target) / Q[0];

    for (int k = 0; k < m; k++) eta[k] += ncfac * dthalf * eta_dot[k];

    eta_dot[0] *= expfac;
    eta_dot[0] += eta_dotdot[0] * ncfac * dt4;
    eta_dot[0] *= expfac;
    for (int k = 1; k < m; k++) {
      expfac = exp(-ncfac * dt8 * eta_dot[k + 1]);
      eta_dot[k] *= expfac;
      eta_dotdot[k] = (Q[k - 1] * eta_dot[k - 1] * eta_dot[k - 1] - T) / Q[k];
      eta_dot[k] += eta_dotdot[k] * ncfac * dt4;
      eta_dot[k] *= expfac;
    }
  }
}

/* The chain needs only the kinetic energy: the potential energy is
 * computed when flags ask for it (LAMMPS likewise only on thermo steps). */
static int nhc_step_flags(void *state, vt_system *s, double dt, double T, unsigned flags)
{
  nhc_state *st = state;
  int rc = check_T(T);
  if (rc) return rc;
  rc = vt_system_compute(s, 0);           /* no-op when forces are current */
  if (rc) return rc;
  nhc_half(st, s, dt, T);                 /* FixNH::initial_integrate */
  scale_kick_drift(s, st->factor, st->loops, 0.5 * dt, dt);
  rc = vt_system_compute(s, flags);
  if (rc) return rc;
  vt_md_kick(s, 0.5 * dt);                /* FixNH::final_integrate */
  nhc_half(st, s, dt, T);
  scale_velocities(s, st->factor, st->loops);
  return 0;
}

static int nhc_step(void *state, vt_system *s, double dt, double T)
{
  return nhc_step_flags(state, s, dt, T, VT_ENERGY);
}

static double nhc_energy(const void *state, const vt_system *s, double T)
{
  const nhc_state *st = state;
  const double g = vt_system_dof(s), w2 = 1.0 / (st->tau * st->tau);
  double e = g * T * st->eta[0] + 0.5 * (g * T / w2) * st->eta_dot[0] * st->eta_dot[0];
  for (int k = 1; k < st->m; k++) e += T * st->eta[k] + 0.5 * (T / w2) * st->eta_dot[k] * st->eta_dot[k];
  return e;
}

/* Layout: m, loops, tau, eta[m], eta_dot[m], eta_dotdot[m], eta_mass[m]. */
static size_t nhc_save(const void *state, double *out)
{
  const nhc_state *st = state;
  size_t m = (size_t)st->m, len = 3 + 4 * m;
  if (!out) return len;
  out[0] = st->m;
  out[1] = st->loops;
  out[2] = st->tau;
  memcpy(out + 3, st->eta, m * sizeof(double));
  memcpy(out + 3 + m, st->eta_dot, m * sizeof(double));
  memcpy(out + 3 + 2 * m, st->eta_dotdot, m * sizeof(double));
  memcpy(out + 3 + 3 * m, st->eta_mass, m * sizeof(double));
  return len;
}

static int nhc_load(void *state, const double *in, size_t len)
{
  nhc_state *st = state;
  size_t m = (size_t)st->m;
  if (len != 3 + 4 * m || in[0] != st->m || in[1] != st->loops || in[2] != st->tau)
    return vt_error(VT_EFORMAT, "nose-hoover state does not match the thermostat (chain %d, loops %d, tau %g)",
                    st->m, st->loops, st->tau);
  memcpy(st->eta, in + 3, m * sizeof(double));
  memcpy(st->eta_dot, in + 3 + m, m * sizeof(double));
  st->eta_dot[m] = 0.0;
  memcpy(st->eta_dotdot, in + 3 + 2 * m, m * sizeof(double));
  memcpy(st->eta_mass, in + 3 + 3 * m, m * sizeof(double));
  return 0;
}

static const vt_integrator_type nhc_type = {
  "nose-hoover", sizeof(nhc_state), 1, nhc_alloc, nhc_set, nhc_step, nhc_energy, nhc_save, nhc_load, nhc_free,
  nhc_step_flags
};
const vt_integrator_type *const vt_integrator_nose_hoover = &nhc_type;
