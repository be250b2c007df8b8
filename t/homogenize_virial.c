/* The homogenization step on a hand-made 3-particle case: each diameter
 * moves by delta in the direction sign(dP2_i/dsigma_i) sign(<P2> - P2_i),
 * with the derivative taken here independently by finite differences; masses
 * follow m = sigma^3; positions are untouched. */
#include "tap.h"
#include "vitrum.h"

int main(void)
{
  double box[3] = {12, 12, 12};
  vt_system *s;
  ok(vt_system_alloc(3, box, &s) == 0, "3-particle system");
  double x[9] = {3.0, 3.0, 3.0, 4.05, 3.1, 3.0, 3.6, 4.2, 3.3};
  double sig[3] = {1.0, 1.2, 1.0};
  vt_system_set_positions(s, x);
  s->mass_rule = VT_MASS_VOLUME;
  vt_system_set_diameters(s, sig);
  vt_potential *p;
  ok(vt_potential_create("lj_smooth", NULL, &p) == 0, "lj_smooth");
  vt_system_set_potential(s, p);
  vt_potential_unref(p);

  double p2[3], mean = 0;
  vt_virial_p2(s, p2);
  for (int i = 0; i < 3; i++) mean += p2[i] / 3;
  int want[3];
  for (int i = 0; i < 3; i++) {
    double h = 1e-6, a[3], b[3];
    s->sigma[i] = sig[i] + h; vt_system_diameters_changed(s); vt_virial_p2(s, a);
    s->sigma[i] = sig[i] - h; vt_system_diameters_changed(s); vt_virial_p2(s, b);
    s->sigma[i] = sig[i]; vt_system_diameters_changed(s);
    double d = (a[i] - b[i]) / (2 * h);
    want[i] = ((d > 0) - (d < 0)) * ((mean - p2[i] > 0) - (mean - p2[i] < 0));
    diag("particle %d: P2 = %.6g (mean %.6g), dP2/dsigma = %.6g -> direction %+d", i + 1, p2[i], mean, d, want[i]);
  }
  ok(want[0] != 0 && want[1] != 0 && want[2] != 0, "the case is generic (every particle moves)");
  ok(!(want[0] == want[1] && want[1] == want[2]), "the case has particles moving both ways");

  vt_homogenize_stats st;
  double delta = 0.01;
  ok(vt_homogenize_virial_step(s, delta, &st) == 0, "step succeeded");
  for (int i = 0; i < 3; i++) {
    is_close(s->sigma[i], sig[i] + delta * want[i], 1e-15, "particle %d diameter moved by %+g", i + 1, delta * want[i]);
    is_close(s->mass[i], pow(s->sigma[i], 3), 1e-15, "particle %d mass follows sigma^3", i + 1);
  }
  for (int k = 0; k < 9; k++) if (s->x[k] != x[k]) { ok(0, "positions untouched"); break; } else if (k == 8) ok(1, "positions untouched");
  is_close(st.mean_p2, mean, 1e-14, "stats report the mean P2");
  ok(st.grown + st.shrunk + st.unchanged == 3, "stats count every particle");
  ok(vt_homogenize_virial_step(s, -1, NULL) == VT_EINVAL, "negative delta refused");
  ok(vt_homogenize_virial_step(s, 5.0, NULL) == VT_ERANGE, "a delta that would make a diameter negative is refused");
  vt_system_free(s);
  return done_testing();
}
