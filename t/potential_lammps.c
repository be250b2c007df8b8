/* WAHNs (lj_smooth + shift) against LAMMPS on the shared reference
 * configurations: total energy to 1e-12 relative, every force component to
 * 1e-9 absolute, per-atom energies, pressure, the virial tensor and the
 * per-atom virial stress to 1e-10 (relative, or absolute below 1). */
#include "refdata.h"
#include "tap.h"
#ifdef _OPENMP
#include <omp.h>
#endif

static void check(const char *tag, int threads)
{
  ref_atoms r;
  if (ref_load_atoms(tag, &r)) { ok(0, "%s: reference data readable in %s", tag, ref_dir()); return; }
#ifdef _OPENMP
  omp_set_num_threads(threads);
#endif
  vt_system *s = ref_wahns_system(&r);
  ok(s != NULL, "%s (%d threads): system built", tag, threads);
  if (!s) return;
  int rc = vt_system_compute(s, VT_ENERGY | VT_VIRIAL | VT_EATOM | VT_VATOM);
  ok(rc == 0, "%s: compute succeeded (%s)", tag, rc ? vt_errmsg() : "ok");
  double V = vt_system_volume(s);
  is_rel(V, ref_summary(tag, "volume"), 1e-14, 0, "%s: volume", tag);
  is_rel(s->energy, ref_summary(tag, "pe_total"), 1e-12, 0, "%s: total energy vs LAMMPS (1e-12 rel)", tag);

  double fworst = 0, eworst = 0, sworst = 0;
  size_t fi = 0, si = 0;
  for (size_t i = 0; i < 3 * r.n; i++) {
    double d = fabs(s->f[i] - r.f[i]);
    if (d > fworst) { fworst = d; fi = i; }
  }
  for (size_t i = 0; i < r.n; i++) eworst = fmax(eworst, fabs(s->eatom[i] - r.pe[i]));
  for (size_t i = 0; i < 6 * r.n; i++) {
    /* LAMMPS stress/atom NULL virial is minus our per-atom virial */
    double want = -r.sv[i], d = fabs(s->vatom[i] - want) / fmax(1.0, fabs(want));
    if (d > sworst) { sworst = d; si = i; }
  }
  ok(fworst <= 1e-9, "%s: every force component within 1e-9 (worst %.3g at particle %zu)", tag, fworst, fi / 3 + 1);
  ok(eworst <= 1e-10, "%s: per-atom energies within 1e-10 (worst %.3g)", tag, eworst);
  ok(sworst <= 1e-10, "%s: per-atom virial stress within 1e-10 rel/abs (worst %.3g at particle %zu)", tag, sworst, si / 6 + 1);

  static const char *keys[6] = {"pvir_xx", "pvir_yy", "pvir_zz", "pvir_xy", "pvir_xz", "pvir_yz"};
  for (int k = 0; k < 6; k++) {
    double want = ref_summary(tag, keys[k]);
    is_rel(s->virial[k] / V, want, 1e-10, 1e-10, "%s: virial pressure tensor %s", tag, keys[k]);
  }
  double pvir = (s->virial[0] + s->virial[1] + s->virial[2]) / (3 * V);
  is_rel(pvir, ref_summary(tag, "press_virial"), 1e-10, 1e-10, "%s: virial pressure", tag);

  /* P2_i: its mean is the excess pressure, and it is -trace(S_i)/(3 V/N) */
  double *p2 = malloc(r.n * sizeof *p2), mean = 0, worst = 0;
  ok(vt_virial_p2(s, p2) == 0, "%s: P2 computed", tag);
  for (size_t i = 0; i < r.n; i++) {
    mean += p2[i] / r.n;
    double want = -(r.sv[6 * i] + r.sv[6 * i + 1] + r.sv[6 * i + 2]) / (3 * V / r.n);
    worst = fmax(worst, fabs(p2[i] - want) / fmax(1, fabs(want)));
  }
  is_rel(mean, ref_summary(tag, "press_virial"), 1e-10, 1e-10, "%s: mean P2 = excess pressure", tag);
  ok(worst < 1e-10, "%s: P2_i = -trace(S_i)/(3V/N) of LAMMPS (worst %.3g)", tag, worst);
  free(p2);
  vt_system_free(s);
  ref_free_atoms(&r);
}

int main(void)
{
  for (int th = 1; th <= 2; th++) {
    check("liquid_T1.0_N500", th);
    check("IS_T1.0_N500", th);
  }
  return done_testing();
}
