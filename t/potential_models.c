/* Reference numbers for the pair models: coefficient tables and regression
 * values of doc/models.md (sections 1.3-1.4 WAHNs lj_smooth, 2.2-2.3 PSS, 3.1
 * binary IPL, 3.2 NBC soft spheres, 7(a) NBC-smoothed LJ), plus values for
 * lj (KA, shifted force, mBLJ; doc/models.md 4) and hertz (doc/models.md 5)
 * computed independently with mpmath (40 digits, numerical derivatives of
 * the closed forms) for this file.
 *
 * Tolerances:
 * - PSS coefficients: 4 kappa eps relative, kappa the infinity-norm
 *   condition number of the column-equilibrated 6 x 6 continuity system
 *   (computed with mpmath: 3.16e6, 1.23e5, 2.05e4, 2.64e3 for r_c = 1.1, 1.2,
 *   1.3, 1.5; 9.49e4 for x_c = 1.36), i.e. the forward error double precision allows (1.4e-9 for
 *   r_c = 1.1). The continuity conditions themselves (backward error) are
 *   checked to 1e-14 of the size of their terms (observed ~1e-16).
 * - PSS values: 1e-11 relative with a 1e-11 absolute floor (doc/models.md 2.4:
 *   ~5 digits lost to cancellation for r_c = 1.1); 1e-13 for r_c >= 1.3.
 * - everything else: 1e-12 relative (well-conditioned closed forms; the
 *   tables carry 15-17 digits), with the floors stated at each check. */
#include "tap.h"
#include "vitrum.h"
#include "potential/support.h"
#include <math.h>
#include <string.h>

#define NUM(k, v) {.key = (k), .kind = VT_PARAM_NUMBER, .num = (v)}
#define STR(k, s) {.key = (k), .kind = VT_PARAM_STRING, .str = (s)}

static vt_potential *make(const char *name, const vt_param *ps, size_t n)
{
  vt_params in = {n, ps};
  vt_potential *p = NULL;
  if (vt_potential_create(name, &in, &p)) {
    ok(0, "create %s: %s", name, vt_errmsg());
    return NULL;
  }
  return p;
}

/* u, du, d2u of p at r against (u, du, d2u) */
static void check_pair(const vt_potential *p, double r, double si, double sj, int ti, int tj,
                       const double want[3], double rel, double abs_, const char *what)
{
  double g[3];
  vt_potential_pair(p, r, si, sj, ti, tj, &g[0], &g[1], &g[2]);
  is_rel(g[0], want[0], rel, abs_, "%s r=%g: u", what, r);
  is_rel(g[1], want[1], rel, abs_, "%s r=%g: du/dr", what, r);
  is_rel(g[2], want[2], rel, abs_, "%s r=%g: d2u/dr2", what, r);
}

static void test_lj_smooth(void)
{
  /* doc/models.md 1.4: pair, r, E, F = -dE/dr, E'' (LAMMPS-equivalent double) */
  static const struct { double si, sj, r, E, F, E2; } t[] = {
    {1.0, 1.0, 1.0, 1.20066723020800081e-02, 24.0, 456.0},
    {1.0, 1.0, 1.5, -3.08329921976494614e-01, -1.15802883104615550, -4.41759417633691598},
    {1.0, 1.0, 2.5, -4.31021883391999837e-03, -3.89994774527999966e-02, -1.08425442754559995e-01},
    {1.0, 1.0, 2.6, -1.20582727689830076e-03, -2.13683454502502160e-02, -2.11625936997580810e-01},
    {1.0, 1.0, 2.7, -5.48387883581424179e-05, -3.18854211305469619e-03, -1.19398869447474854e-01},
    {1.0, 1.2, 2.86, -1.20582727689830423e-03, -1.94257685911365489e-02, -1.74897468593041783e-01},
    {1.2, 1.2, 3.24, -5.48387883581441526e-05, -2.65711842754556794e-03, -8.29158815607463628e-02},
  };
  vt_potential *p = make("lj_smooth", NULL, 0);
  if (!p) return;
  for (size_t k = 0; k < sizeof t / sizeof *t; k++) {
    double want[3] = {t[k].E, -t[k].F, t[k].E2};
    char what[96];
    snprintf(what, sizeof what, "lj_smooth WAHNs 1.4 (%g,%g)", t[k].si, t[k].sj);
    /* the small energies near r_c are differences of O(1e-2) terms: floor 1e-16 */
    check_pair(p, t[k].r, t[k].si, t[k].sj, 1, 1, want, 1e-12, 1e-16, what);
  }
  /* doc/models.md 1.3: shifted energy at x_in and at the LJ minimum */
  double u;
  vt_potential_pair(p, 2.5, 1, 1, 1, 1, &u, NULL, NULL);
  is_rel(u, -0.00431021883392, 1e-12, 0, "lj_smooth 1.3: c0 - offset = e(x_in)");
  vt_potential_pair(p, pow(2.0, 1.0 / 6.0) * 1.1, 1.0, 1.2, 1, 1, &u, NULL, NULL);
  is_rel(u, -0.98799332769792, 1e-13, 0, "lj_smooth 1.3: -1 - offset at the LJ minimum (pair 12)");
  ok(vt_potential_cutoff(p, 1.0, 1.2, 1, 1) == 2.75 * 1.1, "lj_smooth: cutoff 2.75 sigma_12");
  /* additive mixing: the cutoff is a sum of radii 2.75 d / 2 (the neighbor list's fast path) */
  ok(vt_potential_radius(p, 1.0, 1) == 1.375 && vt_potential_radius(p, 1.2, 2) == 1.65,
     "lj_smooth: radii 2.75 d / 2 (%g, %g)", vt_potential_radius(p, 1.0, 1), vt_potential_radius(p, 1.2, 2));
  vt_potential_unref(p);

  /* doc/models.md 7(a): NBC even-polynomial smoothing, x_c = 2.5 (exact decimals) */
  double c[3];
  ok(vt_lj_even_coefficients(2.5, c) == 0, "lj_smooth nbc: coefficients solved");
  is_rel(c[0], 0.161960951808, 1e-13, 0, "lj_smooth nbc 7(a): c0");
  is_rel(c[1], -0.03880620392448, 1e-13, 0, "lj_smooth nbc 7(a): c2");
  is_rel(c[2], 0.0024805046747136, 1e-13, 0, "lj_smooth nbc 7(a): c4");
  const vt_param ps[] = {STR("smoothing", "nbc")};
  p = make("lj_smooth", ps, 1);
  if (!p) return;
  /* sigma_ij = 1.1 (1 - 0.2 * 0.4) for diameters 0.9, 1.3 (NBC mixing by default); mpmath */
  static const double v1[3] = {-0.80901359729756307, 1.9436424796674937, 14.075435935781545};
  static const double v2[3] = {-0.0011185621404552146, 0.015415292628862057, -0.14989232358496255};
  check_pair(p, 1.2, 0.9, 1.3, 1, 1, v1, 1e-12, 1e-15, "lj_smooth nbc (0.9,1.3)");
  check_pair(p, 2.3, 0.9, 1.3, 1, 1, v2, 1e-12, 1e-15, "lj_smooth nbc (0.9,1.3)");
  is_rel(vt_potential_cutoff(p, 0.9, 1.3, 1, 1), 2.5 * 1.1 * 0.92, 1e-15, 0, "lj_smooth nbc: cutoff 2.5 sigma_ij (non-additive)");
  ok(vt_potential_radius(p, 0.9, 1) < 0, "lj_smooth nbc: non-additive cutoffs have no radii");
  vt_potential_unref(p);
}

static void test_pss(void)
{
  static const struct { double rc, xc, c[6], kappa; } t[] = {
    {1.1, 1.2347082531403103, {-2.065398715559540e+03, -6.775790387829653e+03, -2.575883360484052e+04,
                               3.575832100717277e+04, -1.796146342178413e+04, 3.172836337304516e+03}, 3.16e6},
    {1.2, 1.3469544579712476, {-1.069916135266523e+02, -3.049184690595669e+02, -9.393880379942110e+02,
                               1.190709622560023e+03, -5.413001315875514e+02, 8.586849369147131e+01}, 1.23e5},
    {1.3, 1.4592006628021849, {-1.775565138786550e+01, -5.037332289908063e+01, -1.385827167301066e+02,
                               1.617157606462764e+02, -6.672528320987642e+01, 9.502830974880974e+00}, 2.05e4},
    {1.5, 1.6836930724640595, {1.158244028692884e+00, -2.261948244476934e+00, -1.241470044649248e+01,
                               1.258435459030344e+01, -4.320508006050318e+00, 4.986255116288099e-01}, 2.64e3},
    /* the x_c = 1.36 variant quoted in doc/models.md 2.2 (r_c = 1.36 / 2^(1/6)) */
    {1.36 / 1.122462048309373, 1.36, {-84.20446553940531, -237.8770156272908, -719.0018227530345,
                                      902.2533919914433, -405.5066060206581, 63.52400169620869}, 9.49e4},
  };
  static const char *nm[6] = {"a", "b", "c0", "c2", "c4", "c6"};
  const double xm = pow(2.0, 1.0 / 6.0);
  for (size_t k = 0; k < sizeof t / sizeof *t; k++) {
    double c[6], xc = k < 4 ? t[k].rc * xm : t[k].xc;
    is_rel(xc, t[k].xc, 1e-15, 0, "pss 2.2: x_c = r_c 2^(1/6) = %.17g", t[k].xc);
    if (!ok(vt_pss_coefficients(xc, c) == 0, "pss 2.2: coefficients for x_c = %g solved", xc)) continue;
    double tol = 4 * t[k].kappa * 2.2e-16;
    for (int q = 0; q < 6; q++)
      is_rel(c[q], t[k].c[q], tol, 0, "pss 2.2 x_c=%.4g: %s (rel. tol %.2g)", xc, nm[q], tol);
    /* the six continuity conditions, in long double, against the size of their terms */
    const long double X[2] = {xm, xc};
    const long double target[2][3] = {{-1.0L, 0.0L, 72.0L * powl(2.0L, -1.0L / 3.0L)}, {0, 0, 0}};
    double worst = 0;
    for (int s = 0; s < 2; s++) {
      long double x = X[s];
      long double terms[3][6] = {
        {c[0] * powl(x, -12), -c[1] * powl(x, -6), c[2], c[3] * x * x, c[4] * powl(x, 4), c[5] * powl(x, 6)},
        {-12 * c[0] * powl(x, -13), 6 * c[1] * powl(x, -7), 0, 2 * c[3] * x, 4 * c[4] * powl(x, 3), 6 * c[5] * powl(x, 5)},
        {156 * c[0] * powl(x, -14), -42 * c[1] * powl(x, -8), 0, 2 * c[3], 12 * c[4] * x * x, 30 * c[5] * powl(x, 4)}};
      for (int d = 0; d < 3; d++) {
        long double sum = 0, mag = 0;
        for (int q = 0; q < 6; q++) sum += terms[d][q], mag += fabsl(terms[d][q]);
        worst = fmax(worst, (double)(fabsl(sum - target[s][d]) / mag));
      }
    }
    ok(worst < 1e-14, "pss x_c=%.4g: continuity conditions hold to %.2g of their terms", xc, worst);
  }

  /* doc/models.md 2.3: x, phi, phi', phi'' (eps = 1, x = r/lambda) */
  static const struct { double rc, x, v[3]; } r[] = {
    {1.1, 1.2, {-1.530875524749123e-01, 1.101758575540919e+01, -3.919098764272494e+02}},
    {1.2, 1.3, {-4.570258945972513e-02, 2.669690181667010e+00, -9.262979104774845e+01}},
    {1.3, 1.4, {-2.285379758102879e-02, 1.091050953748551e+00, -3.233258867243723e+01}},
    {1.5, 1.6, {-9.148521043494767e-03, 3.170895351667294e-01, -7.060846247300011e+00}},
  };
  static const double any1[3] = {0, -24, 456};
  static const double any11[3] = {-9.833724493736825e-01, -1.588095389824063e+00, 8.594546281175872e+01};
  for (size_t k = 0; k < sizeof r / sizeof *r; k++) {
    const vt_param ps[] = {NUM("rc", r[k].rc)};
    vt_potential *p = make("pss", ps, 1);
    if (!p) continue;
    char what[96];
    double rel = r[k].rc < 1.25 ? 1e-11 : 1e-13;
    snprintf(what, sizeof what, "pss 2.3 rc=%g (1-1)", r[k].rc);
    check_pair(p, 1.0, 1, 1, 1, 1, any1, 1e-14, 1e-14, what);
    check_pair(p, 1.1, 1, 1, 1, 1, any11, 1e-14, 1e-14, what);
    check_pair(p, r[k].x, 1, 1, 1, 1, r[k].v, rel, 1e-11, what);
    /* lambda_12 = 1.18, lambda_22 = 1.4: phi(r/lambda), phi'/lambda, phi''/lambda^2 */
    static const double lam[2] = {1.18, 1.4};
    for (int q = 0; q < 2; q++) {
      double l = lam[q], w[3] = {r[k].v[0], r[k].v[1] / l, r[k].v[2] / (l * l)};
      snprintf(what, sizeof what, "pss 2.3 rc=%g (%d-2)", r[k].rc, q + 1);
      check_pair(p, r[k].x * l, 1, 1, q + 1, 2, w, rel, 1e-11, what);
      is_rel(vt_potential_cutoff(p, 1, 1, q + 1, 2), r[k].rc * xm * l, 1e-15, 0, "pss rc=%g: cutoff x_c lambda_%d2", r[k].rc, q + 1);
    }
    ok(p->max_type == 2, "pss: default lambda table covers 2 types");
    vt_potential_unref(p);
  }
}

static void test_ipl(void)
{
  double c[4];
  /* doc/models.md 3.1 */
  static const double c3[4] = {-1.1106337662511795, 1.2676152372297063, -0.49604060728492109, 0.066051182641573221};
  ok(vt_ipl_coefficients(10, 1.48, 3, c) == 0, "ipl 3.1: coefficients solved");
  for (int k = 0; k < 4; k++) is_rel(c[k], c3[k], 1e-13, 0, "ipl 3.1 (n=10, x_c=1.48, q=3): c%d", 2 * k);
  static const double c2[3] = {-0.416487662344, 0.316903809307, -0.0620050759106};
  ok(vt_ipl_coefficients(10, 1.48, 2, c) == 0, "ipl 3.1 q=2 variant solved");
  for (int k = 0; k < 3; k++) is_rel(c[k], c2[k], 1e-11, 0, "ipl 3.1 (q=2 variant, 12 digits): c%d", 2 * k);
  vt_potential *p = make("ipl", NULL, 0);
  if (p) {
    static const struct { double x, v[3]; } t[] = {
      {1.0, {7.269920463351790e-01, -9.052624858830832, 108.5642786662875}},
      {1.2, {4.487572953224635e-02, -7.460970928733834e-01, 10.40979277665062}},
      {1.4, {2.088723492005072e-04, -1.072445923202588e-02, 4.208656768149435e-01}},
    };
    for (size_t k = 0; k < 3; k++) {
      check_pair(p, t[k].x, 1, 1, 1, 1, t[k].v, 1e-12, 1e-16, "ipl 3.1 (1-1)");
      double l = 1.4, w[3] = {t[k].v[0], t[k].v[1] / l, t[k].v[2] / (l * l)};
      check_pair(p, t[k].x * l, 1, 1, 2, 2, w, 1e-12, 1e-16, "ipl 3.1 (2-2, lambda 1.4)");
    }
    is_rel(vt_potential_cutoff(p, 1, 1, 1, 2), 1.48 * 1.18, 1e-15, 0, "ipl: cutoff 1.48 lambda_12");
    ok(vt_potential_radius(p, 1, 1) < 0, "ipl, mixing by types: no radii");
    vt_potential_unref(p);
  }
  /* doc/models.md 3.2: NBC soft spheres */
  ok(vt_ipl_coefficients(12, 1.25, 2, c) == 0, "ipl 3.2 (NBC) coefficients solved");
  static const double cn[3] = {-1.924145348608, 2.11106232532992, -0.5910974510923775};
  static const double pub[3] = {-1.92415, 2.11106, -0.591097};   /* NBC PRX 2017, 6 digits */
  for (int k = 0; k < 3; k++) {
    is_rel(c[k], cn[k], 1e-13, 0, "ipl 3.2 NBC: c%d", 2 * k);
    is_close(c[k], pub[k], 5e-6, "ipl 3.2 NBC: c%d matches the published %g", 2 * k, pub[k]);
  }
  const vt_param ps[] = {STR("preset", "nbc")};
  p = make("ipl", ps, 1);
  if (p) {
    /* diameters 0.8, 1.5: sigma_ij = 1.15 (1 - 0.2 * 0.7); values from mpmath */
    static const double v1[3] = {0.49200135058023469, -8.6631848411020054, 133.51176970656537};
    static const double v2[3] = {0.0008515509972235338, -0.072765399147683353, 4.2803683893937991};
    check_pair(p, 1.0, 0.8, 1.5, 1, 1, v1, 1e-12, 1e-16, "ipl nbc (0.8,1.5)");
    check_pair(p, 1.2, 1.5, 0.8, 1, 1, v2, 1e-12, 1e-16, "ipl nbc (1.5,0.8)");
    is_rel(vt_potential_cutoff(p, 0.8, 1.5, 1, 1), 1.25 * 1.15 * 0.86, 1e-15, 0, "ipl nbc: cutoff 1.25 sigma_ij");
    ok(vt_potential_radius(p, 0.8, 1) < 0, "ipl nbc: non-additive cutoffs have no radii");
    ok(p->max_type == 0, "ipl nbc: any type (diameters set sigma_ij)");
    vt_potential_unref(p);
  }
}

static void test_lj(void)
{
  /* mpmath values of the closed forms (doc/models.md 4.1, 4.2): ti, tj, r, u, du/dr, d2u/dr2 */
  static const struct { const char *preset, *shift; int ti, tj; double r, v[3]; } t[] = {
    {"ka", "energy", 1, 1, 1.0, {0.016316891136, -24.0, 456.0}},
    {"ka", "energy", 1, 1, 1.5, {-0.30401970314257467, 1.1580288310461556, -4.4175941763369154}},
    {"ka", "energy", 1, 2, 0.9, {-1.4752529207776492, 0.26556939551910435, 127.70271342629884}},
    {"ka", "energy", 2, 1, 0.9, {-1.4752529207776492, 0.26556939551910435, 127.70271342629884}},
    {"ka", "energy", 2, 2, 1.2, {-0.25451962174314379, 1.0715007828508069, -3.8315256962472533}},
    {"ka", "force", 1, 1, 1.0, {0.0748161073152, -24.0389994774528, 456.0}},
    {"ka", "force", 1, 2, 1.7, {-0.018042251549310636, 0.15186575410091729, -0.90879741163254765}},
    {"mblj", "energy", 1, 1, 1.0, {1.0, -24.0, 456.0}},
    {"mblj", "energy", 1, 1, 1.2, {0, 0, 0}},
    {"mblj", "energy", 2, 2, 0.95, {0.034723140304064279, -2.1029867545774986, 79.178775421862849}},
    {"mblj", "energy", 1, 2, 1.5, {-0.11043087663621286, 0.52691337750359591, -2.3572372881587365}},
  };
  for (size_t k = 0; k < sizeof t / sizeof *t; k++) {
    const vt_param ps[] = {STR("preset", t[k].preset), STR("shift", t[k].shift)};
    vt_potential *p = make("lj", ps, 2);
    if (!p) continue;
    char what[96];
    snprintf(what, sizeof what, "lj %s/%s (%d-%d)", t[k].preset, t[k].shift, t[k].ti, t[k].tj);
    check_pair(p, t[k].r, 1, 1, t[k].ti, t[k].tj, t[k].v, 1e-12, 1e-15, what);
    vt_potential_unref(p);
  }
  const vt_param ka[] = {STR("preset", "ka")}, mb[] = {STR("preset", "mblj")};
  vt_potential *p = make("lj", ka, 1), *q = make("lj", mb, 1);
  if (p && q) {
    is_rel(vt_potential_cutoff(p, 1, 1, 1, 2), 2.0, 1e-15, 0, "lj ka: cutoff AB 2.5 sigma_AB = 2");
    is_rel(vt_potential_cutoff(p, 1, 1, 2, 2), 2.2, 1e-15, 0, "lj ka: cutoff BB 2.5 sigma_BB = 2.2");
    is_rel(vt_potential_cutoff(q, 1, 1, 1, 1), pow(2.0, 1.0 / 6.0), 1e-15, 0, "lj mblj: cutoff AA 2^(1/6)");
    is_rel(vt_potential_cutoff(q, 1, 1, 2, 2), pow(2.0, 1.0 / 6.0) * 0.88, 1e-15, 0, "lj mblj: cutoff BB 2^(1/6) 0.88");
    is_rel(vt_potential_cutoff(q, 1, 1, 1, 2), 2.0, 1e-15, 0, "lj mblj: cutoff AB 2.5 sigma_AB");
    ok(p->max_type == 2 && q->max_type == 2, "lj presets cover 2 types");
    ok(vt_potential_radius(p, 1, 1) < 0, "lj: cutoffs by type pair have no radii");
  }
  vt_potential_unref(p);
  vt_potential_unref(q);
  /* scalar parameters: any type, one interaction */
  const vt_param one[] = {NUM("epsilon", 2.0), NUM("sigma", 1.1), NUM("cutoff", 3.0)};
  p = make("lj", one, 3);
  if (p) {
    double a[3], b[3];
    vt_potential_pair(p, 1.3, 1, 1, 1, 1, &a[0], &a[1], &a[2]);
    vt_potential_pair(p, 1.3, 0.5, 2, 3, 7, &b[0], &b[1], &b[2]);
    ok(p->max_type == 0 && !memcmp(a, b, sizeof a), "lj scalar tables: same for every type pair");
    double x = 1.1 / 1.3, x6 = pow(x, 6), xc6 = pow(1.0 / 3.0, 6);
    is_rel(a[0], 8.0 * (x6 * x6 - x6) - 8.0 * (xc6 * xc6 - xc6), 1e-14, 0, "lj scalar: u = 4 eps (x^12 - x^6) - shift");
    vt_potential_unref(p);
  }
}

static void test_hertz(void)
{
  static const struct { double alpha, eps, si, sj, r, v[3]; } t[] = {
    {2.5, 1.0, 1.0, 1.4, 0.9, {0.0125, -0.10416666666666667, 0.52083333333333333}},
    {2.5, 1.0, 1.4, 1.0, 1.15, {0.00014175287863328577, -0.0070876439316642885, 0.21262931794992865}},
    {2.0, 2.0, 1.0, 1.0, 0.8, {0.04, -0.4, 2.0}},
    {2.5, 1.0, 1.0, 1.4, 1.2, {0, 0, 0}},
  };
  for (size_t k = 0; k < sizeof t / sizeof *t; k++) {
    const vt_param ps[] = {NUM("alpha", t[k].alpha), NUM("epsilon", t[k].eps)};
    vt_potential *p = make("hertz", ps, 2);
    if (!p) continue;
    char what[96];
    snprintf(what, sizeof what, "hertz alpha=%g eps=%g (%g,%g)", t[k].alpha, t[k].eps, t[k].si, t[k].sj);
    check_pair(p, t[k].r, t[k].si, t[k].sj, 1, 1, t[k].v, 1e-13, 1e-17, what);
    is_rel(vt_potential_cutoff(p, t[k].si, t[k].sj, 1, 1), 0.5 * (t[k].si + t[k].sj), 1e-15, 0, "%s: cutoff = sigma_ij", what);
    ok(vt_potential_radius(p, t[k].si, 1) == 0.5 * t[k].si, "%s: radius d / 2", what);
    vt_potential_unref(p);
  }
}

int main(void)
{
  test_lj_smooth();
  test_pss();
  test_ipl();
  test_lj();
  test_hertz();
  return done_testing();
}
