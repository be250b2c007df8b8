/* LAMMPS data files, atom_style atomic and sphere: reading (header counts
 * and box, Masses, Atoms with optional image flags, Velocities; Pair Coeffs
 * and PairIJ Coeffs are skipped) and writing in a form LAMMPS `read_data`
 * accepts and vitrum reads back exactly (diameters and per-particle masses
 * also ride in comments; see io.h). Systems whose diameters or masses differ
 * within a type are written as atom_style sphere (id type diameter density
 * x y z ix iy iz; density = mass / (pi/6 d^3)), so LAMMPS keeps them too.
 * Format reference: LAMMPS manual, read_data and atom_style. */
#include "config.h"
#include "core/error.h"
#include "core/util.h"
#include "io/io.h"
#include "io/text.h"
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char *const rule_names[] = {"equal", "volume", "species", "explicit"};

/* Header lines LAMMPS knows that describe things atom_style atomic cannot
 * have; a zero count is harmless, anything else is unsupported. */
static const char *const zero_only[] = {
  "bonds", "angles", "dihedrals", "impropers", "bond types", "angle types", "dihedral types",
  "improper types", "extra bond per atom", "extra angle per atom", "extra dihedral per atom",
  "extra improper per atom", "extra special per atom", "ellipsoids", "lines", "triangles", "bodies",
  NULL
};

typedef struct {
  vt_lines r;
  long n;
  int ntypes;
  double lo[3], hi[3];
  int have_box[3];
  int extras;          /* "# vitrum atoms: diameter mass" seen */
  int rule;            /* from "# vitrum mass_rule", -1 if absent */
  double type_mass[VT_MAX_SPECIES + 1];
  int have_masses;
  int have_atoms, have_vel;
  int sphere;          /* Atoms # sphere (or 7/10 fields) */
  vt_system *s;
  char *seen;          /* per id, for duplicates */
} data_reader;

static int is_section_word(const char *w)
{
  return w[0] >= 'A' && w[0] <= 'Z';
}

/* A "# vitrum ..." header comment. */
static int vitrum_comment(data_reader *d, const char *line)
{
  while (*line == ' ' || *line == '\t') line++;
  if (strncmp(line, "# vitrum ", 9) != 0) return 0;
  const char *rest = line + 9;
  if (strncmp(rest, "mass_rule ", 10) == 0) {
    char word[32] = "";
    sscanf(rest + 10, "%31s", word);
    for (int k = 0; k < 4; k++)
      if (strcmp(word, rule_names[k]) == 0) { d->rule = k; return 0; }
    return vt_lines_error(&d->r, "unknown vitrum mass_rule '%s' (known: equal, volume, species, explicit)", word);
  }
  if (strncmp(rest, "atoms:", 6) == 0) {
    char a[32] = "", b[32] = "";
    sscanf(rest + 6, "%31s %31s", a, b);
    if (strcmp(a, "diameter") != 0 || strcmp(b, "mass") != 0)
      return vt_lines_error(&d->r, "vitrum atoms comment must read '# vitrum atoms: diameter mass'");
    d->extras = 1;
  }
  return 0;
}

static int read_header(data_reader *d)
{
  vt_lines *r = &d->r;
  int rc;
  for (;;) {
    rc = vt_lines_next(r);
    if (rc < 0) return rc;
    if (rc == 0) return vt_lines_error(r, "end of file in the header (no Atoms section)");
    if ((rc = vitrum_comment(d, r->buf))) return rc;
    if ((rc = vt_lines_split(r, 1))) return rc;
    if (r->ntok == 0) continue;
    char **t = r->tok;
    int nt = r->ntok;
    if (is_section_word(t[0])) { vt_lines_unread(r); return 0; }
    if (nt == 4 && strcmp(t[3] + 1, "hi") == 0 && t[3][0] == t[2][0] && strcmp(t[2] + 1, "lo") == 0 &&
        (t[2][0] == 'x' || t[2][0] == 'y' || t[2][0] == 'z')) {
      int k = t[2][0] - 'x';
      if ((rc = vt_lines_double(r, t[0], "box bound", &d->lo[k])) ||
          (rc = vt_lines_double(r, t[1], "box bound", &d->hi[k])))
        return rc;
      if (!(d->hi[k] > d->lo[k]) || !isfinite(d->hi[k] - d->lo[k]))
        return vt_lines_error(r, "box bounds %s %s must satisfy lo < hi", t[0], t[1]);
      d->have_box[k] = 1;
      continue;
    }
    if (nt == 6 && strcmp(t[3], "xy") == 0 && strcmp(t[4], "xz") == 0 && strcmp(t[5], "yz") == 0) {
      for (int k = 0; k < 3; k++) {
        double tilt;
        if ((rc = vt_lines_double(r, t[k], "tilt factor", &tilt))) return rc;
        if (tilt != 0.0) return vt_lines_error(r, "triclinic boxes (tilt %s) are not supported", t[k]);
      }
      continue;
    }
    /* "<count> <words...>" */
    char words[64] = "";
    for (int k = 1; k < nt; k++) {
      if (strlen(words) + strlen(t[k]) + 2 > sizeof words) { words[0] = '?'; break; }
      if (k > 1) strcat(words, " ");
      strcat(words, t[k]);
    }
    long cnt;
    if (nt < 2 || vt_parse_long(t[0], &cnt) != 0)
      return vt_lines_error(r, "unrecognized header line '%.60s'", r->buf);
    if (strcmp(words, "atoms") == 0) {
      if (cnt < 1) return vt_lines_error(r, "the number of atoms must be positive, got %ld", cnt);
      /* every Atoms line takes at least 10 bytes ("1 1 0 0 0\n") */
      if (cnt > INT_MAX || (r->size >= 0 && cnt > r->size / 10))
        return vt_lines_error(r, "%ld atoms cannot fit in a file of %lld bytes", cnt, r->size);
      d->n = cnt;
      continue;
    }
    if (strcmp(words, "atom types") == 0) {
      if (cnt < 1 || cnt > VT_MAX_SPECIES)
        return vt_lines_error(r, "%ld atom types; vitrum supports 1 to %d", cnt, VT_MAX_SPECIES);
      d->ntypes = (int)cnt;
      continue;
    }
    int known = 0;
    for (int k = 0; zero_only[k]; k++)
      if (strcmp(words, zero_only[k]) == 0) known = 1;
    if (!known) return vt_lines_error(r, "unrecognized header line '%.60s'", r->buf);
    if (cnt != 0) return vt_lines_error(r, "'%s' is not supported (atom_style atomic only)", words);
  }
}

/* After a section keyword LAMMPS skips one line, which must be blank. */
static int section_blank(data_reader *d, const char *name)
{
  int rc = vt_lines_next(&d->r);
  if (rc < 0) return rc;
  if (rc == 0) return vt_lines_error(&d->r, "end of file after the %s keyword", name);
  if ((rc = vt_lines_split(&d->r, 1))) return rc;
  if (d->r.ntok != 0) return vt_lines_error(&d->r, "expected a blank line after the %s keyword", name);
  return 0;
}

/* The next content line of a section of `count` lines, `k` read so far. */
static int section_line(data_reader *d, const char *name, long k, long count)
{
  int rc = vt_lines_next_content(&d->r, 1);
  if (rc < 0) return rc;
  if (rc == 0) return vt_lines_error(&d->r, "end of file in the %s section after %ld of %ld lines", name, k, count);
  return vt_lines_split(&d->r, 1);
}

static int read_masses(data_reader *d)
{
  vt_lines *r = &d->r;
  int rc, seen[VT_MAX_SPECIES + 1] = {0};
  if (d->have_masses) return vt_lines_error(r, "a second Masses section");
  if ((rc = section_blank(d, "Masses"))) return rc;
  for (int k = 0; k < d->ntypes; k++) {
    if ((rc = section_line(d, "Masses", k, d->ntypes))) return rc;
    if (r->ntok != 2) return vt_lines_error(r, "a Masses line needs 'type mass', got %d fields", r->ntok);
    long t;
    double m;
    if ((rc = vt_lines_long(r, r->tok[0], "type", 1, d->ntypes, &t)) ||
        (rc = vt_lines_double(r, r->tok[1], "mass", &m)))
      return rc;
    if (!(m > 0)) return vt_lines_error(r, "mass %s of type %ld must be positive", r->tok[1], t);
    if (seen[t]) return vt_lines_error(r, "type %ld appears twice in Masses", t);
    seen[t] = 1;
    d->type_mass[t] = m;
  }
  d->have_masses = 1;
  return 0;
}

static int alloc_system(data_reader *d)
{
  double box[3];
  for (int k = 0; k < 3; k++) box[k] = d->hi[k] - d->lo[k];
  int rc = vt_system_alloc((size_t)d->n, box, &d->s);
  if (rc) return rc;
  d->seen = calloc((size_t)d->n, 1);
  if (!d->seen) return vt_error(VT_ENOMEM, "out of memory");
  return 0;
}

static int read_atoms(data_reader *d, const char *style)
{
  vt_lines *r = &d->r;
  int rc;
  if (d->have_atoms) return vt_lines_error(r, "a second Atoms section");
  if (style[0] && strcmp(style, "atomic") != 0 && strcmp(style, "sphere") != 0)
    return vt_lines_error(r, "atom style '%.30s' is not supported (atomic and sphere only)", style);
  /* without a style comment LAMMPS assumes the style of the input script;
   * vitrum tells them apart by the number of fields (5/8 atomic, 7/10 sphere) */
  d->sphere = strcmp(style, "sphere") == 0;
  if (d->n == 0) return vt_lines_error(r, "Atoms section before the header gave the number of atoms");
  if (d->ntypes == 0) return vt_lines_error(r, "Atoms section before the header gave the number of atom types");
  for (int k = 0; k < 3; k++)
    if (!d->have_box[k]) return vt_lines_error(r, "the header has no %clo %chi line", "xyz"[k], "xyz"[k]);
  if ((rc = section_blank(d, "Atoms"))) return rc;
  if ((rc = alloc_system(d))) return rc;
  vt_system *s = d->s;
  for (long k = 0; k < d->n; k++) {
    if ((rc = section_line(d, "Atoms", k, d->n))) return rc;
    if (!style[0] && k == 0 && (r->ntok == 7 || r->ntok == 10)) d->sphere = 1;
    if (!d->sphere && r->ntok != 5 && r->ntok != 8)
      return vt_lines_error(r, "an Atoms line (atomic) needs 'id type x y z [ix iy iz]', got %d fields", r->ntok);
    if (d->sphere && r->ntok != 7 && r->ntok != 10)
      return vt_lines_error(r, "an Atoms line (sphere) needs 'id type diameter density x y z [ix iy iz]', got %d fields",
                            r->ntok);
    int at = d->sphere ? 4 : 2;
    long id, t;
    if ((rc = vt_lines_long(r, r->tok[0], "atom id", 1, d->n, &id)) ||
        (rc = vt_lines_long(r, r->tok[1], "atom type", 1, d->ntypes, &t)))
      return rc;
    size_t i = (size_t)(id - 1);
    if (d->seen[i]) return vt_lines_error(r, "atom id %ld appears twice", id);
    d->seen[i] = 1;
    s->type[i] = (int)t;
    if (d->sphere) {
      double dm, rho;
      if ((rc = vt_lines_double(r, r->tok[2], "diameter", &dm)) || (rc = vt_lines_double(r, r->tok[3], "density", &rho)))
        return rc;
      if (!(dm > 0) || !isfinite(dm))
        return vt_lines_error(r, "diameter %s must be positive and finite (vitrum has no point particles)", r->tok[2]);
      if (!(rho > 0) || !isfinite(rho)) return vt_lines_error(r, "density %s must be positive", r->tok[3]);
      double m = rho * M_PI / 6.0 * dm * dm * dm;
      /* a finite diameter and density can still give a mass that over- or
       * underflows (a diameter of 1e110): a mass must be a usable number */
      if (!(m > 0) || !isfinite(m))
        return vt_lines_error(r, "diameter %s and density %s give the mass %g, not a positive finite number",
                              r->tok[2], r->tok[3], m);
      s->sigma[i] = dm;
      s->mass[i] = m;
    }
    for (int q = 0; q < 3; q++)
      if ((rc = vt_lines_coord(r, r->tok[at + q], d->lo[q], d->hi[q] - d->lo[q], &s->x[3 * i + q]))) return rc;
    if (r->ntok == at + 6)
      for (int q = 0; q < 3; q++) {
        long im;
        if ((rc = vt_lines_long(r, r->tok[at + 3 + q], "image flag", -(1L << 29), 1L << 29, &im))) return rc;
        s->image[3 * i + q] = (int)im;
      }
    if (d->extras) {
      char *h = strchr(r->buf, '#');
      double dm[2];
      if (!h) return vt_lines_error(r, "missing '# diameter mass' (declared by '# vitrum atoms')");
      char *a = vt_trim(h + 1), *b = a;
      while (*b && *b != ' ' && *b != '\t') b++;
      if (*b) *b++ = '\0';
      b = vt_trim(b);
      if ((rc = vt_lines_double(r, a, "diameter", &dm[0])) || (rc = vt_lines_double(r, b, "mass", &dm[1])))
        return rc;
      if (!(dm[0] > 0)) return vt_lines_error(r, "diameter %s must be positive", a);
      if (!(dm[1] > 0)) return vt_lines_error(r, "mass %s must be positive", b);
      s->sigma[i] = dm[0];
      s->mass[i] = dm[1];
    }
  }
  d->have_atoms = 1;
  return 0;
}

static int read_velocities(data_reader *d)
{
  vt_lines *r = &d->r;
  int rc;
  if (!d->have_atoms) return vt_lines_error(r, "Velocities section before the Atoms section");
  if (d->have_vel) return vt_lines_error(r, "a second Velocities section");
  if ((rc = section_blank(d, "Velocities"))) return rc;
  memset(d->seen, 0, (size_t)d->n);
  for (long k = 0; k < d->n; k++) {
    if ((rc = section_line(d, "Velocities", k, d->n))) return rc;
    /* sphere: angular velocities follow; vitrum's particles do not rotate,
     * so they are read and ignored */
    if (!d->sphere && r->ntok != 4)
      return vt_lines_error(r, "a Velocities line needs 'id vx vy vz', got %d fields", r->ntok);
    if (d->sphere && r->ntok != 7)
      return vt_lines_error(r, "a Velocities line (sphere) needs 'id vx vy vz wx wy wz', got %d fields", r->ntok);
    for (int q = 4; q < r->ntok; q++) {
      double wq;
      if ((rc = vt_lines_double(r, r->tok[q], "angular velocity", &wq))) return rc;
    }
    long id;
    if ((rc = vt_lines_long(r, r->tok[0], "atom id", 1, d->n, &id))) return rc;
    size_t i = (size_t)(id - 1);
    if (d->seen[i]) return vt_lines_error(r, "atom id %ld appears twice in Velocities", id);
    d->seen[i] = 1;
    for (int q = 0; q < 3; q++)
      if ((rc = vt_lines_double(r, r->tok[1 + q], "velocity", &d->s->v[3 * i + q]))) return rc;
  }
  d->have_vel = 1;
  return 0;
}

static int skip_lines(data_reader *d, const char *name, long count)
{
  int rc;
  if ((rc = section_blank(d, name))) return rc;
  for (long k = 0; k < count; k++)
    if ((rc = section_line(d, name, k, count))) return rc;
  return 0;
}

static int read_sections(data_reader *d)
{
  vt_lines *r = &d->r;
  int rc;
  while ((rc = vt_lines_next_content(r, 1)) == 1) {
    char style[32] = "";
    char *h = strchr(r->buf, '#');
    if (h) sscanf(h + 1, "%31s", style);
    if ((rc = vt_lines_split(r, 1))) return rc;
    char name[64] = "";
    for (int k = 0; k < r->ntok; k++) {
      if (strlen(name) + strlen(r->tok[k]) + 2 > sizeof name) break;
      if (k) strcat(name, " ");
      strcat(name, r->tok[k]);
    }
    if (strcmp(name, "Masses") == 0) rc = read_masses(d);
    else if (strcmp(name, "Atoms") == 0) rc = read_atoms(d, style);
    else if (strcmp(name, "Velocities") == 0) rc = read_velocities(d);
    else if (strcmp(name, "Pair Coeffs") == 0) rc = skip_lines(d, name, d->ntypes);
    else if (strcmp(name, "PairIJ Coeffs") == 0) rc = skip_lines(d, name, (long)d->ntypes * (d->ntypes + 1) / 2);
    else if (is_section_word(r->tok[0]))
      rc = vt_lines_error(r, "section '%.40s' is not supported (atom_style atomic: Masses, Atoms, Velocities)", name);
    else
      rc = vt_lines_error(r, "expected a section keyword, got '%.40s'", r->buf);
    if (rc) return rc;
  }
  if (rc < 0) return rc;
  if (!d->have_atoms) return vt_lines_error(r, "no Atoms section");
  return 0;
}

int vt_lammps_data_read(const char *path, const vt_io_opts *opts, vt_system **out)
{
  data_reader d;
  memset(&d, 0, sizeof d);
  d.rule = -1;
  *out = NULL;
  int rc = vt_lines_open(&d.r, path);
  if (rc) return rc;
  /* the first line is a title LAMMPS skips */
  rc = vt_lines_next(&d.r);
  if (rc == 0) rc = vt_error(VT_EFORMAT, "%s:1: empty file", path);
  if (rc >= 0) rc = read_header(&d);
  if (rc >= 0) rc = read_sections(&d);
  if (rc >= 0 && d.rule >= 0 && !d.extras)
    rc = vt_error(VT_EFORMAT, "%s: '# vitrum mass_rule' without '# vitrum atoms: diameter mass'", path);
  if (rc >= 0 && d.ntypes > 0 && !d.have_masses && !d.sphere && d.extras && d.rule == VT_MASS_SPECIES)
    rc = vt_error(VT_EFORMAT, "%s: mass_rule species needs a Masses section", path);
  vt_system *s = d.s;
  if (rc >= 0) {
    s->ntypes = d.ntypes;
    rc = vt_io_wrap(s, d.lo, path);
  }
  if (rc >= 0) {
    if (d.extras) {
      if (d.rule >= 0) {
        s->mass_rule = d.rule;
        if (d.rule == VT_MASS_SPECIES && d.sphere) {
          /* type masses from the particles; a type without particles keeps 1 */
          for (int t = 1; t <= d.ntypes; t++) s->type_mass[t] = 1.0;
          for (size_t i = 0; i < s->n; i++) s->type_mass[s->type[i]] = s->mass[i];
        } else if (d.rule == VT_MASS_SPECIES) {
          for (int t = 1; t <= d.ntypes; t++) s->type_mass[t] = d.type_mass[t];
        }
      } else {
        vt_io_infer_mass_rule(s);
      }
    } else if (d.sphere) {
      /* per-particle masses from the densities (a Masses section, which
       * LAMMPS does not use for atom_style sphere, is ignored) */
      vt_io_infer_mass_rule(s);
    } else if (d.have_masses) {
      s->mass_rule = VT_MASS_SPECIES;
      for (int t = 1; t <= d.ntypes; t++) s->type_mass[t] = d.type_mass[t];
      for (size_t i = 0; i < s->n; i++) s->mass[i] = d.type_mass[s->type[i]];
    } else {
      s->mass_rule = VT_MASS_EQUAL;
    }
    rc = vt_io_apply_diameters(s, opts, d.extras || d.sphere, path);
  }
  vt_lines_close(&d.r);
  free(d.seen);
  if (rc < 0) {
    vt_system_free(s);
    return rc;
  }
  *out = s;
  return 0;
}

/* ---- writing ---- */

/* Whether every particle of each type has its type's diameter and mass. */
static int per_type(const vt_system *s)
{
  double d[VT_MAX_SPECIES + 1], m[VT_MAX_SPECIES + 1];
  int seen[VT_MAX_SPECIES + 1] = {0};
  for (size_t i = 0; i < s->n; i++) {
    int t = s->type[i];
    if (!seen[t]) { seen[t] = 1; d[t] = s->sigma[i]; m[t] = s->mass[i]; }
    else if (s->sigma[i] != d[t] || s->mass[i] != m[t]) return 0;
  }
  return 1;
}

int vt_lammps_data_write_opts(const vt_system *s, const char *path, const vt_io_opts *opts)
{
  const char *style = opts && opts->atom_style ? opts->atom_style : NULL;
  if (style && strcmp(style, "atomic") != 0 && strcmp(style, "sphere") != 0)
    return vt_error(VT_EINVAL, "writing %s: atom_style '%.30s' (known: atomic, sphere)", path, style);
  int uniform = per_type(s);
  if (!style) style = uniform ? "atomic" : "sphere";
  int sphere = strcmp(style, "sphere") == 0;
  if (!sphere && !uniform)
    return vt_error(VT_EINVAL, "writing %s: atom_style atomic keeps one diameter and mass per type, but they differ "
                    "within a type here; write atom_style sphere (the default for such systems)", path);
  vt_wfile w;
  int rc = vt_wfile_open(&w, path);
  if (rc) return rc;
  FILE *fp = w.fp;
  int rule = s->mass_rule >= 0 && s->mass_rule <= 3 ? s->mass_rule : 3;
  fprintf(fp, "LAMMPS data file written by vitrum %s\n", vt_version());
  if (sphere)
    fprintf(fp, "# atom_style sphere: each particle has its own diameter and density (mass = density * pi/6 * d^3).\n"
            "# In LAMMPS: atom_style sphere, then read_data; a pair style that reads per-particle\n"
            "# diameters (e.g. pair_style granular, or lj/cut with the diameters mapped through\n"
            "# types) must be chosen for the diameters to act: see vitrum's doc/manual.md, Files.\n");
  fprintf(fp, "# vitrum mass_rule %s\n", rule_names[rule]);
  fprintf(fp, "# vitrum atoms: diameter mass\n\n");
  fprintf(fp, "%zu atoms\n%d atom types\n\n", s->n, s->ntypes);
  for (int k = 0; k < 3; k++) fprintf(fp, "0 " VT_FMT_EXACT " %clo %chi\n", s->box[k], "xyz"[k], "xyz"[k]);
  if (!sphere) {
    /* one mass per type: every particle of a type has the same (checked) */
    fprintf(fp, "\nMasses\n\n");
    for (int t = 1; t <= s->ntypes; t++) {
      double m = rule == VT_MASS_SPECIES ? s->type_mass[t] : 1.0;
      for (size_t i = 0; i < s->n; i++)
        if (s->type[i] == t) { m = s->mass[i]; break; }
      fprintf(fp, "%d " VT_FMT_EXACT "\n", t, m);
    }
  }
  fprintf(fp, "\nAtoms # %s\n\n", style);
  for (size_t i = 0; i < s->n; i++) {
    double x[3];
    int im[3];
    vt_io_wrapped(s, i, x, im);
    if (sphere) {
      double d = s->sigma[i], rho = s->mass[i] / (M_PI / 6.0 * d * d * d);
      fprintf(fp, "%zu %d " VT_FMT_EXACT " " VT_FMT_EXACT " ", i + 1, s->type[i], d, rho);
    } else {
      fprintf(fp, "%zu %d ", i + 1, s->type[i]);
    }
    fprintf(fp, VT_FMT_EXACT " " VT_FMT_EXACT " " VT_FMT_EXACT " %d %d %d # " VT_FMT_EXACT " " VT_FMT_EXACT "\n",
            x[0], x[1], x[2], im[0], im[1], im[2], s->sigma[i], s->mass[i]);
  }
  fprintf(fp, "\nVelocities\n\n");
  for (size_t i = 0; i < s->n; i++) {
    const double *v = &s->v[3 * i];
    fprintf(fp, "%zu " VT_FMT_EXACT " " VT_FMT_EXACT " " VT_FMT_EXACT "%s\n", i + 1, v[0], v[1], v[2],
            sphere ? " 0 0 0" : "");
  }
  return vt_wfile_commit(&w);
}

int vt_lammps_data_write(const vt_system *s, const char *path)
{
  return vt_lammps_data_write_opts(s, path, NULL);
}
