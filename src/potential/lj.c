/* lj: the plain Lennard-Jones pair potential with per-TYPE-pair tables,
 *
 *   phi_ab(r) = 4 eps_ab [ (sigma_ab/r)^12 - (sigma_ab/r)^6 ] - (shift)   for r < rc_ab sigma_ab,
 *
 * truncated at rc_ab sigma_ab and, like LAMMPS `pair_style lj/cut` with
 * `pair_modify shift yes`, energy-shifted so phi(rc) = 0 (shift="energy",
 * the default), or shifted-force (shift="force": phi - phi(rc) - (r - rc)
 * phi'(rc), so the force vanishes at the cutoff too, as in the RUMD/gamdpy
 * examples). Truncation leaves the energy-shifted form C0 and the
 * shifted-force form C1 at the cutoff: the model is not meant for quantities
 * needing a continuous curvature there (use lj_smooth, pss or ipl).
 *
 * Presets (doc/models.md 4):
 * - "ka": Kob-Andersen 80:20 binary, PRE 51, 4626 (1995): eps AA, AB, BB =
 *   1, 1.5, 0.5; sigma = 1, 0.8, 0.88; cutoff 2.5 sigma_ab (doc/models.md 4.1).
 * - "mblj": the "modified binary LJ" of Kapteijns et al. (2021), NOT pinned
 *   down in doc/models.md 4.2; the best-supported reading is Toxvaerd, Pedersen,
 *   Schroder and Dyre, J. Chem. Phys. 130, 224501 (2009): KA parameters, but
 *   AA and BB truncated and shifted at their minimum 2^(1/6) sigma (WCA,
 *   purely repulsive) while AB keeps the full LJ to 2.5 sigma_AB.
 * Explicit tables override the preset's.
 *
 * Parameters: preset, epsilon, sigma, cutoff (in units of sigma_ab), shift
 * ("energy" | "force"). Tables are a single number (same for every type
 * pair) or the upper triangle of the symmetric type matrix row by row
 * ({AA, AB, BB} for two types, {11, 12, 13, 22, 23, 33} for three, ...);
 * their length fixes the number of types covered. Types, not diameters, set
 * the interaction (dsigma = NULL). */
#include "potential/kernel.h"
#include "potential/potential.h"
#include "potential/support.h"
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LJ_NT VT_TYPE_TABLE_N

typedef struct {
  double eps, sig, sig2, rc, rc2;   /* rc in length units */
  double eshift;                    /* unshifted phi(rc) */
  double dshift;                    /* phi'(rc) (shifted-force only, else 0) */
} lj_pp;

typedef struct {
  int ntypes, sf;
  lj_pp pp[LJ_NT][LJ_NT];
} lj_par;

static inline int lj_eval(const lj_par *p, double r2, double si, double sj, int ti, int tj,
                          double *e, double *fpair)
{
  const lj_pp *c = &p->pp[ti][tj];
  if (r2 >= c->rc2) return 0;
  const double ir2 = 1.0 / r2, q2 = c->sig2 * ir2, q6 = q2 * q2 * q2;
  *e = 4.0 * c->eps * q6 * (q6 - 1.0) - c->eshift;
  *fpair = 24.0 * c->eps * q6 * (2.0 * q6 - 1.0) * ir2;
  if (p->sf) {
    const double r = sqrt(r2);
    *e -= (r - c->rc) * c->dshift;
    *fpair += c->dshift / r;
  }
  return 1;
}

static void lj_pair(const void *vp, double r, double si, double sj, int ti, int tj,
                    double *u, double *du, double *d2u)
{
  const lj_par *p = vp;
  const lj_pp *c = &p->pp[ti][tj];
  double U = 0, D = 0, D2 = 0;
  if (r < c->rc) {
    const double q = c->sig / r, q2 = q * q, q6 = q2 * q2 * q2;
    U = 4.0 * c->eps * q6 * (q6 - 1.0) - c->eshift - (r - c->rc) * c->dshift;
    D = c->eps * (-48.0 * q6 + 24.0) * q6 / r - c->dshift;
    D2 = c->eps * (624.0 * q6 - 168.0) * q6 / (r * r);
  }
  if (u) *u = U;
  if (du) *du = D;
  if (d2u) *d2u = D2;
}

static double lj_cutoff(const void *vp, double si, double sj, int ti, int tj)
{
  const lj_par *p = vp;
  return p->pp[ti][tj].rc;
}

VT_DEFINE_PAIR_COMPUTE(lj_compute, lj_par, lj_eval)

/* snprintf at offset *w, never past len (the description is truncated). */
static void lj_append(char *desc, size_t len, size_t *w, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static void lj_append(char *desc, size_t len, size_t *w, const char *fmt, ...)
{
  if (*w >= len) return;
  va_list ap;
  va_start(ap, fmt);
  int k = vsnprintf(desc + *w, len - *w, fmt, ap);
  va_end(ap);
  if (k > 0) *w += (size_t)k;
}

static int lj_create(const vt_params *in, void **out, int *max_type, char *desc, size_t len)
{
  static const char *const known[] = {"preset", "epsilon", "sigma", "cutoff", "shift", NULL};
  const char *preset = "", *shift = "energy";
  double eps[LJ_NT][LJ_NT], sig[LJ_NT][LJ_NT], cut[LJ_NT][LJ_NT];
  int T = 0, rc;
  if ((rc = vt_params_check(in, "lj", known)) || (rc = vt_params_string(in, "lj", "preset", &preset)) ||
      (rc = vt_params_string(in, "lj", "shift", &shift)))
    return rc;
  for (int i = 0; i < LJ_NT; i++)
    for (int j = 0; j < LJ_NT; j++) eps[i][j] = 1.0, sig[i][j] = 1.0, cut[i][j] = 2.5;
  if (strcmp(preset, "ka") == 0 || strcmp(preset, "mblj") == 0) {
    T = 2;
    eps[1][1] = 1.0; eps[1][2] = eps[2][1] = 1.5; eps[2][2] = 0.5;
    sig[1][1] = 1.0; sig[1][2] = sig[2][1] = 0.8; sig[2][2] = 0.88;
    if (preset[0] == 'm') cut[1][1] = cut[2][2] = pow(2.0, 1.0 / 6.0);
  } else if (preset[0]) {
    return vt_error(VT_EINVAL, "lj: preset '%s' is not 'ka' or 'mblj'", preset);
  }
  int sf;
  if (strcmp(shift, "energy") == 0) sf = 0;
  else if (strcmp(shift, "force") == 0) sf = 1;
  else return vt_error(VT_EINVAL, "lj: shift '%s' is not 'energy' or 'force'", shift);
  if ((rc = vt_type_table_read(in, "lj", "epsilon", 0, eps, &T)) < 0 ||
      (rc = vt_type_table_read(in, "lj", "sigma", 1, sig, &T)) < 0 ||
      (rc = vt_type_table_read(in, "lj", "cutoff", 1, cut, &T)) < 0)
    return rc;
  for (int i = 1; i <= (T ? T : 1); i++)
    for (int j = i; j <= (T ? T : 1); j++)
      if (!(cut[i][j] >= 0.5 && cut[i][j] <= 20.0))
        return vt_error(VT_EINVAL, "lj: cutoff %g (in units of sigma_ab) must be in [0.5, 20]", cut[i][j]);

  lj_par *p = calloc(1, sizeof *p);
  if (!p) return vt_error(VT_ENOMEM, "out of memory");
  p->ntypes = T;
  p->sf = sf;
  for (int i = 0; i < LJ_NT; i++)
    for (int j = 0; j < LJ_NT; j++) {
      lj_pp *c = &p->pp[i][j];
      c->eps = eps[i][j];
      c->sig = sig[i][j];
      c->sig2 = c->sig * c->sig;
      c->rc = cut[i][j] * c->sig;
      c->rc2 = c->rc * c->rc;
      double q6 = pow(c->sig / c->rc, 6.0);
      c->eshift = 4.0 * c->eps * q6 * (q6 - 1.0);
      c->dshift = sf ? c->eps * (-48.0 * q6 + 24.0) * q6 / c->rc : 0.0;
    }
  *out = p;
  *max_type = T;   /* 0 (any type) when every table is a single number */
  if (T == 0) {
    snprintf(desc, len, "lj{epsilon=%g, sigma=%g, cutoff=%g, shift=%s}", eps[1][1], sig[1][1], cut[1][1], shift);
  } else {
    static const char *const names[3] = {"epsilon", "sigma", "cutoff"};
    double (*tabs[3])[LJ_NT] = {eps, sig, cut};
    size_t w = (size_t)snprintf(desc, len, "lj{%s%s%sshift=%s", preset[0] ? "preset=" : "", preset,
                                preset[0] ? ", " : "", shift);
    for (int t = 0; t < 3; t++) {
      lj_append(desc, len, &w, ", %s={", names[t]);
      for (int i = 1; i <= T; i++)
        for (int j = i; j <= T; j++) lj_append(desc, len, &w, "%s%.6g", i == 1 && j == 1 ? "" : ", ", tabs[t][i][j]);
      lj_append(desc, len, &w, "}");
    }
    lj_append(desc, len, &w, "}");
  }
  return 0;
}

const vt_potential_type vt_potential_lj = {
  .name = "lj",
  .pair = lj_pair,
  .cutoff = lj_cutoff,
  .dsigma = NULL,
  .compute = lj_compute,
  .create = lj_create,
  .free = free,
};
