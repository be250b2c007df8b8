/* LAMMPS data and dump files against the shared reference data: the
 * configurations written by LAMMPS read with the right N, box, id order,
 * image flags, masses and velocities (checked against the id-sorted
 * .atoms.dump and the .summary: energy per atom to 1e-12 relative with the
 * lj_smooth WAHNs model, temperature and kinetic energy); and LAMMPS itself
 * reading what vitrum writes (skipped when $LMP is empty). */
#include "tap.h"
#include "vitrum.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char refdir[4096];

/* `key = value` from a .summary file; NAN when absent. */
static double summary(const char *tag, const char *key)
{
  char path[4200], line[512], k[128];
  double v;
  snprintf(path, sizeof path, "%s/%s.summary", refdir, tag);
  FILE *fp = fopen(path, "r");
  if (!fp) return NAN;
  while (fgets(line, sizeof line, fp))
    if (sscanf(line, "%127s = %lf", k, &v) == 2 && strcmp(k, key) == 0) { fclose(fp); return v; }
  fclose(fp);
  return NAN;
}

static vt_potential *wahns(void)
{
  vt_potential *p = NULL;
  int rc = vt_potential_create("lj_smooth", NULL, &p);
  if (rc) diag("lj_smooth: %s", vt_errmsg());
  return p;
}

static void check_config(const char *tag, int zero_velocities)
{
  char path[4200];
  vt_io_opts o = {0};
  o.ndiam = 2;
  o.diameters[0] = 1.0;
  o.diameters[1] = 1.2;
  snprintf(path, sizeof path, "%s/%s.data", refdir, tag);
  vt_system *s = NULL;
  int rc = vt_io_read(path, &o, &s);
  if (!ok(rc == 0, "%s: read the LAMMPS data file", tag)) { diag("%s", vt_errmsg()); return; }
  ok(s->n == 500, "%s: 500 atoms", tag);
  ok(s->ntypes == 2, "%s: 2 atom types", tag);
  ok(s->box[0] == 8.735804647362988 && s->box[1] == s->box[0] && s->box[2] == s->box[0], "%s: box as in the header", tag);
  is_rel(vt_system_volume(s), summary(tag, "volume"), 1e-14, 0, "%s: volume as in the summary", tag);
  ok(s->mass_rule == VT_MASS_SPECIES && s->type_mass[1] == 1.0 && s->type_mass[2] == 1.728,
     "%s: mass rule species with the Masses section's 1 and 1.728", tag);
  int mass_ok = 1, sigma_ok = 1;
  for (size_t i = 0; i < s->n; i++) {
    if (s->mass[i] != (s->type[i] == 1 ? 1.0 : 1.728)) mass_ok = 0;
    if (s->sigma[i] != (s->type[i] == 1 ? 1.0 : 1.2)) sigma_ok = 0;
  }
  ok(mass_ok, "%s: every mass follows its type", tag);
  ok(sigma_ok, "%s: diameters from the per-type option", tag);

  /* the id-sorted dump: same positions (bit for bit) and types, index = id */
  snprintf(path, sizeof path, "%s/%s.atoms.dump", refdir, tag);
  vt_system *d = NULL;
  rc = vt_io_read(path, &o, &d);
  if (ok(rc == 0, "%s: read the id-sorted dump", tag)) {
    int same_x = 1, same_t = 1;
    for (size_t i = 0; i < 3 * s->n; i++) if (d->x[i] != s->x[i]) same_x = 0;
    for (size_t i = 0; i < s->n; i++) if (d->type[i] != s->type[i]) same_t = 0;
    ok(same_x, "%s: positions ordered by id equal the dump's exactly", tag);
    ok(same_t, "%s: types ordered by id equal the dump's", tag);
  } else {
    diag("%s", vt_errmsg());
  }

  /* the first atom line of both files is id 488 */
  if (strcmp(tag, "liquid_T1.0_N500") == 0) {
    const int *im = &s->image[3 * 487];
    const double *v = &s->v[3 * 487];
    ok(im[0] == 0 && im[1] == 1 && im[2] == 1, "%s: image flags of id 488 are 0 1 1", tag);
    ok(s->x[3 * 487] == 2.0546534962692458 && s->x[3 * 487 + 2] == 0.6133229098436014, "%s: position of id 488", tag);
    ok(v[0] == 0.5203513367023728 && v[1] == 0.3835925783850726 && v[2] == -2.1242423233216616,
       "%s: velocity of id 488 from the Velocities section", tag);
    im = &s->image[3 * 105];
    ok(im[0] == -1 && im[1] == 0 && im[2] == 0, "%s: image flags of id 106 are -1 0 0", tag);
  }
  int inside = 1;
  for (size_t i = 0; i < 3 * s->n; i++) if (!(s->x[i] >= 0 && s->x[i] < s->box[i % 3])) inside = 0;
  ok(inside, "%s: positions inside [0, L)", tag);

  is_rel(vt_system_kinetic_energy(s), summary(tag, "ke_total"), 1e-12, 1e-300, "%s: kinetic energy as LAMMPS", tag);
  is_rel(vt_system_temperature(s), summary(tag, "temp"), 1e-12, 1e-300, "%s: temperature as LAMMPS", tag);
  if (zero_velocities) {
    int zero = 1;
    for (size_t i = 0; i < 3 * s->n; i++) if (s->v[i] != 0.0) zero = 0;
    ok(zero, "%s: velocities all zero", tag);
  }

  vt_potential *p = wahns();
  if (p && vt_system_set_potential(s, p) == 0 && vt_system_compute(s, VT_ENERGY) == 0) {
    is_rel(s->energy / s->n, summary(tag, "pe_per_atom"), 1e-12, 0, "%s: energy per atom as LAMMPS", tag);
    if (d) {
      double worst = 0;
      /* the dump's forces, read as ignored columns, are compared by hand */
      FILE *fp = fopen(path, "r");
      char line[4096];
      int in_atoms = 0;
      while (fp && fgets(line, sizeof line, fp)) {
        if (strncmp(line, "ITEM: ATOMS", 11) == 0) { in_atoms = 1; continue; }
        if (!in_atoms) continue;
        long id; int t; double x[3], f[3];
        if (sscanf(line, "%ld %d %lf %lf %lf %lf %lf %lf", &id, &t, &x[0], &x[1], &x[2], &f[0], &f[1], &f[2]) != 8) continue;
        for (int k = 0; k < 3; k++) {
          double e = fabs(s->f[3 * (id - 1) + k] - f[k]) / fmax(1.0, fabs(f[k]));
          if (e > worst) worst = e;
        }
      }
      if (fp) fclose(fp);
      ok(worst < 1e-10, "%s: forces by id match the dump (worst relative error %.2g)", tag, worst);
    }
  } else {
    ok(0, "%s: energy evaluation: %s", tag, vt_errmsg());
  }
  vt_potential_unref(p);
  vt_system_free(d);
  vt_system_free(s);
}

/* LAMMPS reads vitrum's data file: same energy, temperature, and (through
 * its own id-sorted dump) the same positions, images and velocities. */
static void check_lammps(void)
{
  const char *lmp = getenv("LMP");
  if (!lmp || !*lmp) {
    ok(1, "# SKIP LAMMPS absent ($LMP empty)");
    return;
  }
  char dir[] = "/tmp/vt_io_lmpXXXXXX", path[4200], cmd[8800];
  if (!mkdtemp(dir)) { ok(0, "temporary directory"); return; }
  vt_io_opts o = {0};
  o.ndiam = 2;
  o.diameters[0] = 1.0;
  o.diameters[1] = 1.2;
  snprintf(path, sizeof path, "%s/liquid_T1.0_N500.data", refdir);
  vt_system *s = NULL;
  if (vt_io_read(path, &o, &s)) { ok(0, "read: %s", vt_errmsg()); return; }
  snprintf(path, sizeof path, "%s/vitrum.data", dir);
  ok(vt_io_write(s, path, NULL) == 0, "vitrum writes a LAMMPS data file");

  snprintf(path, sizeof path, "%s/in.check", dir);
  FILE *fp = fopen(path, "w");
  fprintf(fp,
          "units lj\natom_style atomic\nboundary p p p\nread_data vitrum.data\n"
          "pair_style lj/smooth 2.5 2.75\npair_coeff 1 1 1.0 1.0 2.5 2.75\n"
          "pair_coeff 1 2 1.0 1.1 2.75 3.025\npair_coeff 2 2 1.0 1.2 3.0 3.3\npair_modify shift yes\n"
          "thermo_modify norm yes\nrun 0\n"
          "print \"VT_N $(atoms)\"\nprint \"VT_PE $(pe:%%.17g)\"\nprint \"VT_T $(temp:%%.17g)\"\n"
          "write_dump all custom lmp.dump id type x y z ix iy iz vx vy vz modify sort id format float %%.17g\n");
  fclose(fp);
  snprintf(cmd, sizeof cmd, "cd '%s' && '%s' -in in.check -log none -screen out.txt > /dev/null 2>&1", dir, lmp);
  int st = system(cmd);
  if (!ok(st == 0, "LAMMPS read_data accepts vitrum's file")) {
    snprintf(cmd, sizeof cmd, "sed 's/^/# /' '%s/out.txt' | tail -5", dir);
    if (system(cmd)) {}
  }
  snprintf(path, sizeof path, "%s/out.txt", dir);
  fp = fopen(path, "r");
  char line[1024];
  double natoms = -1, pe = NAN, temp = NAN;
  while (fp && fgets(line, sizeof line, fp)) {
    sscanf(line, "VT_N %lf", &natoms);
    sscanf(line, "VT_PE %lf", &pe);
    sscanf(line, "VT_T %lf", &temp);
  }
  if (fp) fclose(fp);
  ok(natoms == 500, "LAMMPS sees 500 atoms");
  is_rel(pe, summary("liquid_T1.0_N500", "pe_per_atom"), 1e-12, 0, "LAMMPS energy per atom of vitrum's file");
  is_rel(temp, summary("liquid_T1.0_N500", "temp"), 1e-12, 0, "LAMMPS temperature of vitrum's file (masses)");

  snprintf(path, sizeof path, "%s/lmp.dump", dir);
  vt_system *d = NULL;
  if (ok(vt_io_read(path, &o, &d) == 0, "read LAMMPS's dump of vitrum's file")) {
    int same = 1;
    for (size_t i = 0; i < 3 * s->n; i++)
      if (d->x[i] != s->x[i] || d->image[i] != s->image[i] || d->v[i] != s->v[i]) same = 0;
    for (size_t i = 0; i < s->n; i++) if (d->type[i] != s->type[i]) same = 0;
    ok(same, "positions, image flags, velocities and types survive LAMMPS exactly");
  } else {
    diag("%s", vt_errmsg());
  }
  vt_system_free(d);

  /* a polydisperse mass="volume" system goes out as atom_style sphere:
   * LAMMPS must keep every particle's diameter and mass */
  vt_system_spec sp = {0};
  sp.n = 64;
  sp.density = 0.5;
  sp.diameter_law = VT_DIAM_POWER;
  sp.exponent = -3;
  sp.dmin = 0.73;
  sp.dmax = 1.61;
  sp.mass_rule = VT_MASS_VOLUME;
  sp.seed = 3;
  vt_system *poly = NULL;
  vt_system_create(&sp, &poly);
  snprintf(path, sizeof path, "%s/vitrum.data", dir);
  ok(poly && vt_io_write(poly, path, NULL) == 0, "write a polydisperse system");
  vt_io_opts atomic = {0};
  atomic.atom_style = "atomic";
  snprintf(path, sizeof path, "%s/atomic.data", dir);
  ok(poly && vt_io_write(poly, path, &atomic) == VT_EINVAL && strstr(vt_errmsg(), "differ within a type"),
     "atom_style atomic refused for per-particle diameters: %s", vt_errmsg());
  snprintf(path, sizeof path, "%s/in.check", dir);
  fp = fopen(path, "w");
  fprintf(fp, "units lj\natom_style sphere\nboundary p p p\nread_data vitrum.data\n"
          "pair_style lj/smooth 2.5 2.75\npair_coeff * * 1.0 1.0\nrun 0\nprint \"VT_N $(atoms)\"\n"
          "write_dump all custom lmp.dump id type x y z ix iy iz vx vy vz diameter mass "
          "modify sort id format float %%.17g\n");
  fclose(fp);
  st = system(cmd);
  natoms = -1;
  snprintf(path, sizeof path, "%s/out.txt", dir);
  fp = fopen(path, "r");
  while (fp && fgets(line, sizeof line, fp)) sscanf(line, "VT_N %lf", &natoms);
  if (fp) fclose(fp);
  ok(st == 0 && natoms == 64, "LAMMPS reads the polydisperse file as atom_style sphere (64 atoms)");
  snprintf(path, sizeof path, "%s/lmp.dump", dir);
  vt_system *pd = NULL;
  if (ok(poly && vt_io_read(path, NULL, &pd) == 0, "read LAMMPS's dump of the sphere file")) {
    double worst_d = 0, worst_m = 0;
    int same = 1;
    for (size_t i = 0; i < poly->n; i++) {
      worst_d = fmax(worst_d, fabs(pd->sigma[i] - poly->sigma[i]) / poly->sigma[i]);
      worst_m = fmax(worst_m, fabs(pd->mass[i] - poly->mass[i]) / poly->mass[i]);
      for (int k = 0; k < 3; k++)
        if (pd->x[3 * i + k] != poly->x[3 * i + k] || pd->image[3 * i + k] != poly->image[3 * i + k]) same = 0;
    }
    ok(worst_d == 0.0, "LAMMPS keeps every diameter exactly");
    ok(worst_m < 1e-15, "LAMMPS's masses (density * pi/6 d^3) are vitrum's to %.1e", worst_m);
    ok(same, "positions and images survive LAMMPS exactly");
  } else {
    diag("%s", vt_errmsg());
  }
  vt_system_free(pd);
  vt_system_free(poly);
  vt_system_free(s);
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  if (system(cmd)) {}
}

int main(void)
{
  const char *sh = getenv("VT_SHARED");
  snprintf(refdir, sizeof refdir, "%s/reference", sh ? sh : "../t/data");
  char probe[4200];
  snprintf(probe, sizeof probe, "%s/liquid_T1.0_N500.data", refdir);
  /* the reference data ships in t/data: its absence is a failure, not a skip */
  if (!ok(access(probe, R_OK) == 0, "reference data readable at %s", probe)) return done_testing();
  check_config("liquid_T1.0_N500", 0);
  check_config("IS_T1.0_N500", 1);
  check_lammps();
  return done_testing();
}
