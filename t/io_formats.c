/* Round trips through every format: checkpoints bit for bit (all arrays,
 * box, rules, potential, blobs); LAMMPS data, dump and extended XYZ to
 * printed precision (%.17g, which must be exact); trajectories (.vtt and the
 * multi-frame text formats) frame by frame, with skipping and frame
 * selection; diameter options; and the atomic-write guarantee. */
#include "tap.h"
#include "vitrum.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char dir[64];

static const char *tmp(const char *name)
{
  static char buf[8][256];
  static int k;
  k = (k + 1) % 8;
  snprintf(buf[k], sizeof buf[k], "%s/%s", dir, name);
  return buf[k];
}

/* A polydisperse mass="volume" system with images and velocities. */
static vt_system *make_poly(void)
{
  vt_system_spec sp = {0};
  sp.n = 150;
  sp.density = 0.9;
  sp.diameter_law = VT_DIAM_POWER;
  sp.exponent = -3;
  sp.dmin = 0.7253;
  sp.dmax = 1.6095;
  sp.mass_rule = VT_MASS_VOLUME;
  sp.seed = 11;
  vt_system *s = NULL;
  if (vt_system_create(&sp, &s)) return NULL;
  vt_system_thermalize(s, 0.7, 5);
  /* unwrapped positions up to a few boxes away: non-zero images */
  double *u = malloc(3 * s->n * sizeof *u);
  vt_system_unwrapped(s, u);
  for (size_t i = 0; i < 3 * s->n; i++) u[i] += ((int)(i % 7) - 3) * 1.37 * s->box[i % 3] + 1e-3 * (double)i;
  vt_system_set_unwrapped(s, u);
  free(u);
  return s;
}

/* A bidisperse per-species-mass system (types 1, 2, 3; type 3 empty). */
static vt_system *make_species(void)
{
  vt_system_spec sp = {0};
  sp.n = 100;
  sp.box[0] = 5.5; sp.box[1] = 6.25; sp.box[2] = 4.75;
  sp.nspecies = 3;
  sp.species[0] = (vt_species){0.6, 1.0, 1.0};
  sp.species[1] = (vt_species){0.4, 1.2, 1.728};
  sp.species[2] = (vt_species){0.0, 0.9, 0.5};
  sp.mass_rule = VT_MASS_SPECIES;
  sp.init = VT_INIT_LATTICE;
  sp.seed = 2;
  vt_system *s = NULL;
  if (vt_system_create(&sp, &s)) return NULL;
  vt_system_thermalize(s, 1.3, 9);
  return s;
}

/* Exact equality of the state a text format carries. */
static int same_state(const vt_system *a, const vt_system *b, const char **what)
{
  size_t n = a->n;
  *what = "n";
  if (a->n != b->n) return 0;
  *what = "box";
  if (memcmp(a->box, b->box, sizeof a->box)) return 0;
  *what = "positions";
  if (memcmp(a->x, b->x, 3 * n * sizeof(double))) return 0;
  *what = "images";
  if (memcmp(a->image, b->image, 3 * n * sizeof(int))) return 0;
  *what = "velocities";
  if (memcmp(a->v, b->v, 3 * n * sizeof(double))) return 0;
  *what = "types";
  if (memcmp(a->type, b->type, n * sizeof(int))) return 0;
  *what = "diameters";
  if (memcmp(a->sigma, b->sigma, n * sizeof(double))) return 0;
  *what = "masses";
  if (memcmp(a->mass, b->mass, n * sizeof(double))) return 0;
  *what = "mass rule";
  if (a->mass_rule != b->mass_rule) return 0;
  return 1;
}

static void text_roundtrip(vt_system *s, const char *label, const char *file, int check_ntypes)
{
  vt_system *r = NULL;
  const char *what = "";
  int rc = vt_io_write(s, tmp(file), NULL);
  ok(rc == 0, "%s: write %s", label, file);
  if (rc) diag("%s", vt_errmsg());
  rc = vt_io_read(tmp(file), NULL, &r);
  if (!ok(rc == 0, "%s: read %s back", label, file)) { diag("%s", vt_errmsg()); return; }
  int same = same_state(s, r, &what);
  ok(same, "%s: %s round trip is exact%s%s", label, file, same ? "" : ", differs in ", same ? "" : what);
  if (s->mass_rule == VT_MASS_SPECIES && r->mass_rule == VT_MASS_SPECIES) {
    ok(r->type_mass[1] == s->type_mass[1] && r->type_mass[2] == s->type_mass[2], "%s: %s type masses", label, file);
  }
  if (check_ntypes) ok(r->ntypes == s->ntypes, "%s: %s keeps %d types (got %d)", label, file, s->ntypes, r->ntypes);
  vt_system_free(r);
}

static void test_checkpoint(void)
{
  vt_system *s = make_poly();
  vt_params pp;
  vt_param par[4] = {
    {.key = "inner", .kind = VT_PARAM_NUMBER, .num = 1.1},
    {.key = "outer", .kind = VT_PARAM_NUMBER, .num = 1.3},
    {.key = "mixing", .kind = VT_PARAM_STRING, .str = "nbc"},
    {.key = "nonadditivity", .kind = VT_PARAM_NUMBER, .num = 0.15},
  };
  pp.n = 4;
  pp.p = par;
  vt_potential *p = NULL;
  if (vt_potential_create("lj_smooth", &pp, &p)) { ok(0, "create potential: %s", vt_errmsg()); return; }
  vt_system_set_potential(s, p);
  vt_potential_unref(p);
  s->skin = 0.37;
  if (!ok(vt_system_compute(s, VT_ENERGY) == 0, "energy of the polydisperse system")) diag("%s", vt_errmsg());
  double e0 = s->energy;

  unsigned char bin[300];
  for (size_t k = 0; k < sizeof bin; k++) bin[k] = (unsigned char)(k * 37 + 11);  /* NULs included */
  vt_blob blobs[3] = {{"rng", bin, sizeof bin}, {"thermostat", bin + 7, 16}, {"empty", NULL, 0}};
  int rc = vt_checkpoint_write(tmp("a.vtc"), s, blobs, 3);
  if (!ok(rc == 0, "checkpoint written")) diag("%s", vt_errmsg());
  ok(access(tmp("a.vtc"), F_OK) == 0, "checkpoint file exists under its name");

  vt_system *r = NULL;
  vt_blob *got = NULL;
  size_t ng = 0;
  rc = vt_checkpoint_read(tmp("a.vtc"), &r, &got, &ng);
  if (!ok(rc == 0, "checkpoint read")) { diag("%s", vt_errmsg()); vt_system_free(s); return; }
  size_t n = s->n;
  ok(r->n == n && !memcmp(r->box, s->box, sizeof s->box), "checkpoint: n and box");
  ok(!memcmp(r->x, s->x, 3 * n * sizeof(double)) && !memcmp(r->image, s->image, 3 * n * sizeof(int)),
     "checkpoint: positions and images bit for bit");
  ok(!memcmp(r->v, s->v, 3 * n * sizeof(double)) && !memcmp(r->f, s->f, 3 * n * sizeof(double)),
     "checkpoint: velocities and forces bit for bit");
  ok(!memcmp(r->type, s->type, n * sizeof(int)) && !memcmp(r->sigma, s->sigma, n * sizeof(double)) &&
     !memcmp(r->mass, s->mass, n * sizeof(double)), "checkpoint: types, diameters, masses bit for bit");
  ok(r->mass_rule == s->mass_rule && r->ntypes == s->ntypes && r->skin == s->skin &&
     !memcmp(r->type_mass, s->type_mass, sizeof s->type_mass), "checkpoint: mass rule, types, skin, type masses");
  ok(r->forces_valid == s->forces_valid, "checkpoint: force validity kept");
  ok(r->pot && strcmp(r->pot->type->name, "lj_smooth") == 0 && strcmp(r->pot->desc, s->pot->desc) == 0,
     "checkpoint: potential re-created (%s)", r->pot ? r->pot->desc : "none");
  ok(vt_system_compute(r, VT_ENERGY) == 0 && r->energy == e0, "checkpoint: the same energy bit for bit");
  ok(ng == 3, "checkpoint: 3 blobs back");
  const vt_blob *b = vt_blob_find(got, ng, "rng");
  ok(b && b->size == sizeof bin && !memcmp(b->data, bin, sizeof bin), "checkpoint: blob 'rng' intact");
  b = vt_blob_find(got, ng, "thermostat");
  ok(b && b->size == 16 && !memcmp(b->data, bin + 7, 16), "checkpoint: blob 'thermostat' intact");
  b = vt_blob_find(got, ng, "empty");
  ok(b && b->size == 0, "checkpoint: empty blob intact");
  ok(vt_blob_find(got, ng, "nope") == NULL, "checkpoint: no blob 'nope'");
  vt_blobs_free(got, ng);
  vt_system_free(r);

  /* through vt_io_read, without a potential, blobs not wanted */
  vt_system_set_potential(s, NULL);
  ok(vt_io_write(s, tmp("b.vtc"), NULL) == 0, "checkpoint without potential through vt_io_write");
  ok(vt_io_read(tmp("b.vtc"), NULL, &r) == 0 && r->pot == NULL && !memcmp(r->x, s->x, 3 * n * sizeof(double)),
     "checkpoint without potential through vt_io_read");
  vt_system_free(r);

  vt_blob dup[2] = {{"a", bin, 1}, {"a", bin, 2}};
  ok(vt_checkpoint_write(tmp("c.vtc"), s, dup, 2) == VT_EINVAL, "two blobs of one name refused");
  vt_blob noname[1] = {{"", bin, 1}};
  ok(vt_checkpoint_write(tmp("c.vtc"), s, noname, 1) == VT_EINVAL, "a blob without a name refused");
  ok(access(tmp("c.vtc"), F_OK) != 0, "no file left by a refused checkpoint");
  vt_system_free(s);
}

static void test_text_formats(void)
{
  vt_system *poly = make_poly(), *spec = make_species();
  text_roundtrip(poly, "polydisperse", "p.data", 1);
  text_roundtrip(poly, "polydisperse", "p.dump", 0);
  text_roundtrip(poly, "polydisperse", "p.xyz", 0);
  text_roundtrip(spec, "species", "s.data", 1);
  text_roundtrip(spec, "species", "s.lammpstrj", 0);
  text_roundtrip(spec, "species", "s.extxyz", 0);
  text_roundtrip(spec, "species", "s.vtt", 1);
  text_roundtrip(poly, "polydisperse", "p.vtt", 1);

  /* explicit per-particle masses survive too */
  double *m = malloc(poly->n * sizeof *m);
  for (size_t i = 0; i < poly->n; i++) m[i] = 1.0 + 0.01 * (double)i;
  vt_system_set_masses(poly, m);
  free(m);
  text_roundtrip(poly, "explicit masses", "e.data", 0);
  text_roundtrip(poly, "explicit masses", "e.xyz", 0);
  text_roundtrip(poly, "explicit masses", "e.dump", 0);

  /* format by name; unknown extension */
  vt_io_opts o = {0};
  o.format = "lammps-data";
  ok(vt_io_write(spec, tmp("noext"), &o) == 0, "format= overrides the extension on writing");
  vt_system *r = NULL;
  ok(vt_io_read(tmp("noext"), &o, &r) == 0 && r->n == spec->n, "format= overrides the extension on reading");
  vt_system_free(r);
  ok(vt_io_read(tmp("noext"), NULL, &r) == VT_EINVAL && strstr(vt_errmsg(), "extension"), "unknown extension: %s", vt_errmsg());
  o.format = "pdb";
  ok(vt_io_write(spec, tmp("x.pdb"), &o) == VT_EINVAL && strstr(vt_errmsg(), "pdb"), "unknown format name refused");

  /* a data file that carries diameters refuses diameters=; writing refuses them */
  o.format = NULL;
  o.ndiam = 2;
  o.diameters[0] = 1;
  o.diameters[1] = 2;
  ok(vt_io_read(tmp("s.data"), &o, &r) == VT_EINVAL && strstr(vt_errmsg(), "carries"), "diameters= refused for a file with diameters");
  ok(vt_io_write(spec, tmp("t.data"), &o) == VT_EINVAL, "diameters= refused on writing");

  /* a writer that cannot open leaves nothing and says why */
  ok(vt_io_write(spec, "/nonexistent-dir/x.data", NULL) == VT_EIO && strstr(vt_errmsg(), "/nonexistent-dir/x.data"),
     "unwritable path: %s", vt_errmsg());
  vt_system_free(poly);
  vt_system_free(spec);
}

/* Per-type diameters for files without them. */
static void test_diameter_options(void)
{
  const char *p = tmp("plain.data");
  FILE *fp = fopen(p, "w");
  fprintf(fp, "plain LAMMPS file\n\n4 atoms\n3 atom types\n\n-1 4 xlo xhi\n0 5 ylo yhi\n0 5 zlo zhi\n\n"
              "Masses\n\n1 1\n2 2\n3 3\n\nAtoms # atomic\n\n"
              "3 3 0.5 0.5 0.5\n1 1 4.5 1 1 0 0 0\n2 2 -1.5 -0.5 5.25 2 0 -1\n4 1 1 1 1\n");
  fclose(fp);
  vt_system *s = NULL;
  vt_io_opts o = {0};
  ok(vt_io_read(p, &o, &s) == 0, "no diameters given: read");
  ok(s && s->sigma[0] == 1.0 && s->sigma[2] == 1.0, "no diameters given: all 1");
  ok(s && s->mass[2] == 3.0 && s->mass_rule == VT_MASS_SPECIES && s->type_mass[3] == 3.0, "masses from the Masses section");
  /* box [-1, 4): x = 4.5 -> 5.5 from lo -> wrapped to 0.5 with image +1 */
  ok(s && s->box[0] == 5.0 && s->x[0] == 0.5 && s->image[0] == 1, "position beyond the box wrapped, image 0 -> 1");
  /* id 2: (-1.5, -0.5, 5.25) with images (2, 0, -1) -> x = 4.5 (img 1), y = 4.5 (img -1), z = 0.25 (img 0) */
  ok(s && s->x[3] == 4.5 && s->image[3] == 1 && s->x[4] == 4.5 && s->image[4] == -1 && s->x[5] == 0.25 &&
     s->image[5] == 0, "wrapping keeps the unwrapped position (images 2 0 -1 -> 1 -1 0)");
  ok(s && s->x[6] == 1.5 && s->type[2] == 3, "ordered by id: index 3 is id 3 (shifted by xlo)");
  vt_system_free(s);
  o.ndiam = 2;
  o.diameters[0] = 1.0;
  o.diameters[1] = 1.2;
  ok(vt_io_read(p, &o, &s) == VT_EINVAL && strstr(vt_errmsg(), "3 atom types") && s == NULL,
     "too few per-type diameters: %s", vt_errmsg());
  o.ndiam = 3;
  o.diameters[2] = 0.8;
  ok(vt_io_read(p, &o, &s) == 0 && s->sigma[0] == 1.0 && s->sigma[1] == 1.2 && s->sigma[2] == 0.8 && s->sigma[3] == 1.0,
     "per-type diameters applied by type");
  vt_system_free(s);
  o.diameters[2] = -1;
  ok(vt_io_read(p, &o, &s) == VT_EINVAL && strstr(vt_errmsg(), "type 3"), "a non-positive diameter refused");
}

/* Files as other programs write them: LAMMPS dumps with scaled or
 * unwrapped columns and a shifted box, ASE-style extended XYZ with element
 * names, a data file with pair coefficients and header comments. */
static void write_text(const char *path, const char *text)
{
  FILE *fp = fopen(path, "w");
  fputs(text, fp);
  fclose(fp);
}

static void test_foreign(void)
{
  vt_system *s = NULL;
  const char *p = tmp("scaled.dump");
  write_text(p, "ITEM: TIMESTEP\n7\nITEM: NUMBER OF ATOMS\n2\nITEM: BOX BOUNDS pp pp pp\n-2 2\n0 8\n1 3\n"
                "ITEM: ATOMS id type xs ys zs ix iy iz c_pe\n2 2 0.25 0.5 0.75 1 0 -2 -3.5\n1 1 0 0.125 0.5 0 0 0 -3.1\n");
  ok(vt_io_read(p, NULL, &s) == 0, "dump with scaled coordinates read");
  ok(s && s->box[0] == 4 && s->box[1] == 8 && s->box[2] == 2, "box from shifted bounds");
  ok(s && s->x[0] == 0 && s->x[1] == 1 && s->x[2] == 1 && s->x[3] == 1 && s->x[4] == 4 && s->x[5] == 1.5,
     "scaled coordinates times L, ordered by id");
  ok(s && s->image[3] == 1 && s->image[5] == -2 && s->type[1] == 2, "image flags and types");
  ok(s && s->mass_rule == VT_MASS_EQUAL && s->mass[1] == 1.0, "no mass column: masses 1");
  vt_system_free(s);

  p = tmp("unwrapped.dump");
  write_text(p, "ITEM: TIMESTEP\n0\nITEM: NUMBER OF ATOMS\n1\nITEM: BOX BOUNDS pp pp pp\n0 2\n0 2\n0 2\n"
                "ITEM: ATOMS id xu yu zu vx vy vz radius mass\n1 -0.5 4.25 1 0.1 0.2 0.3 0.6 0.9\n"
                "ITEM: TIMESTEP\n10\nITEM: NUMBER OF ATOMS\n1\nITEM: BOX BOUNDS pp pp pp\n0 2\n0 2\n0 2\n"
                "ITEM: ATOMS id xu yu zu vx vy vz radius mass\n1 -2.5 4.25 1 0.1 0.2 0.3 0.6 0.9\n");
  vt_io_opts o = {0};
  o.frame = 1;
  ok(vt_io_read(p, &o, &s) == 0, "second frame of a dump with unwrapped coordinates");
  ok(s && s->x[0] == 1.5 && s->image[0] == -2 && s->x[1] == 0.25 && s->image[1] == 2 && s->type[0] == 1,
     "unwrapped coordinates wrapped with images");
  ok(s && s->sigma[0] == 1.2 && s->mass[0] == 0.9 && s->v[2] == 0.3, "radius doubled, mass and velocity");
  vt_system_free(s);
  o.frame = 2;
  ok(vt_io_read(p, &o, &s) == VT_EFORMAT && s == NULL && strstr(vt_errmsg(), "frame 3 requested, the file has 2"),
     "a third frame is missing: %s", vt_errmsg());

  p = tmp("ase.xyz");
  write_text(p, "3\nLattice=\"4.0 0.0 0.0 0.0 5.0 0.0 0.0 0.0 6.0\" Properties=species:S:1:pos:R:3:masses:R:1:forces:R:3 "
                "energy=-1.5 pbc=\"T T T\"\nCu 0 0 0 63.5 0 0 0\nZr 1 2 -1 91.2 0 0 0\nCu 4 5 6 63.5 1 1 1\n");
  ok(vt_io_read(p, NULL, &s) == 0, "ASE-style extended XYZ read");
  ok(s && s->type[0] == 1 && s->type[1] == 2 && s->type[2] == 1 && s->ntypes == 2, "element names become types 1, 2 in order");
  ok(s && s->mass_rule == VT_MASS_SPECIES && s->type_mass[2] == 91.2, "one mass per element: mass rule species");
  ok(s && s->x[5] == 5.0 && s->image[5] == -1 && s->x[6] == 0 && s->image[6] == 1, "positions wrapped with images");
  vt_system_free(s);

  p = tmp("coeffs.data");
  write_text(p, "LAMMPS data file via write_data\n# a comment\n\n2 atoms # two\n2 atom types\n0 bonds\n"
                "0.0 3.0 xlo xhi\n0.0 3.0 ylo yhi\n0.0 3.0 zlo zhi\n0 0 0 xy xz yz\n\n"
                "Pair Coeffs # lj/cut\n\n1 1.0 1.0\n2 1.0 1.2\n\nPairIJ Coeffs\n\n1 1 1 1\n1 2 1 1.1\n2 2 1 1.2\n\n"
                "Atoms # atomic\n\n2 2 1 1 1 0 0 0\n1 1 2 2 2 0 0 0\n\nMasses\n\n1 2.0\n2 3.0\n");
  ok(vt_io_read(p, NULL, &s) == 0, "data file with pair coefficients, zero tilt and comments read");
  if (!s) diag("%s", vt_errmsg());
  ok(s && s->x[0] == 2 && s->type[1] == 2 && s->mass[1] == 3.0 && s->mass[0] == 2.0, "atoms by id, Masses after Atoms");
  vt_system_free(s);
}

static void test_trajectory(const char *file)
{
  vt_system *s = make_poly();
  vt_trajectory *t = NULL;
  const int nf = 6;
  int is_vtt = strstr(file, ".vtt") != NULL;
  int rc = vt_trajectory_open(tmp(file), "w", &t);
  if (!ok(rc == 0, "%s: open for writing", file)) { diag("%s", vt_errmsg()); return; }
  ok(access(tmp(file), F_OK) != 0, "%s: not under its name while being written", file);
  double *u0 = malloc(3 * s->n * sizeof *u0), *u = malloc(3 * s->n * sizeof *u);
  vt_system_unwrapped(s, u0);
  for (int k = 0; k < nf; k++) {
    /* drift every particle; some cross the box */
    vt_system_unwrapped(s, u);
    for (size_t i = 0; i < 3 * s->n; i++) u[i] += 0.37 * (double)((i * 7 + k) % 5) - 0.5;
    vt_system_set_unwrapped(s, u);
    unsigned what = (k % 3 == 0) ? 0 : (k % 3 == 1) ? VT_FRAME_VELOCITIES : VT_FRAME_VELOCITIES | VT_FRAME_DIAMETERS;
    if ((rc = vt_trajectory_write(t, s, 1000.0 * k, 0.005 * 1000 * k, what | VT_FRAME_TIME))) break;
  }
  ok(rc == 0 && vt_trajectory_count(t) == nf, "%s: %d frames written", file, nf);
  ok(vt_trajectory_close(t) == 0 && access(tmp(file), F_OK) == 0, "%s: closed and in place", file);

  rc = vt_trajectory_open(tmp(file), "r", &t);
  if (!ok(rc == 0, "%s: open for reading", file)) { diag("%s", vt_errmsg()); return; }
  const vt_frame *f;
  int k = 0, meta = 1, unwrapped = 1, fields = 1;
  double *uf = malloc(3 * s->n * sizeof *uf);
  while ((rc = vt_trajectory_read_next(t, &f)) == 1) {
    if (f->step != 1000.0 * k || f->time != 0.005 * 1000 * k || f->n != s->n) meta = 0;
    vt_frame_unwrapped(f, uf);
    /* the last frame's unwrapped positions equal the system's exactly */
    if (k == nf - 1) {
      vt_system_unwrapped(s, u);
      if (memcmp(uf, u, 3 * s->n * sizeof *u) || memcmp(f->x, s->x, 3 * s->n * sizeof(double))) unwrapped = 0;
    }
    if (is_vtt) {
      int wantv = k % 3 != 0, wantd = k % 3 == 2;
      if ((f->v != NULL) != wantv || (f->sigma != NULL) != wantd || (f->mass != NULL) != wantd) fields = 0;
    } else if (!f->v || !f->sigma) {
      fields = 0;
    }
    k++;
  }
  ok(rc == 0 && k == nf, "%s: %d frames read back (rc %d)", file, k, rc);
  ok(meta, "%s: step and time of every frame", file);
  ok(unwrapped, "%s: wrapped and unwrapped positions exact", file);
  ok(fields, "%s: the optional fields present as written", file);
  vt_trajectory_close(t);

  /* skipping, and a system from a frame */
  vt_trajectory_open(tmp(file), "r", &t);
  ok(vt_trajectory_skip(t) == 1 && vt_trajectory_skip(t) == 1, "%s: skip two frames", file);
  ok(vt_trajectory_read_next(t, &f) == 1 && f->step == 2000.0, "%s: third frame after skipping", file);
  vt_system *fs = NULL;
  ok(vt_frame_to_system(f, s, &fs) == 0 && fs->pot == s->pot && !memcmp(fs->sigma, s->sigma, s->n * sizeof(double)),
     "%s: system from a frame, diameters from the reference", file);
  vt_system_free(fs);
  vt_trajectory_close(t);

  /* frame selection through vt_io_read */
  vt_io_opts o = {0};
  vt_system *r = NULL;
  o.frame = -1;
  const char *what = "";
  rc = vt_io_read(tmp(file), &o, &r);
  ok(rc == 0 && same_state(s, r, &what), "%s: frame=-1 is the last frame (%s)", file, rc ? vt_errmsg() : what);
  vt_system_free(r);
  o.frame = 4;
  rc = vt_io_read(tmp(file), &o, &r);
  ok(rc == 0 && r->n == s->n, "%s: frame 4 read", file);
  vt_system_free(r);
  o.frame = nf;
  ok(vt_io_read(tmp(file), &o, &r) == VT_EFORMAT && strstr(vt_errmsg(), "requested"), "%s: frame %d missing: %s", file, nf, vt_errmsg());
  free(u0); free(u); free(uf);
  vt_system_free(s);
}

int main(void)
{
  snprintf(dir, sizeof dir, "/tmp/vt_io_fmtXXXXXX");
  if (!mkdtemp(dir)) skip_all("no temporary directory");
  test_checkpoint();
  test_text_formats();
  test_diameter_options();
  test_foreign();
  test_trajectory("t.vtt");
  test_trajectory("t.dump");
  test_trajectory("t.xyz");
  char cmd[128];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  if (system(cmd)) {}
  return done_testing();
}
