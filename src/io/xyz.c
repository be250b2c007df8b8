/* Extended XYZ (the convention of ASE, OVITO and QUIP): per frame a line
 * with N, a line of key=value pairs (Lattice="Lx 0 0 0 Ly 0 0 0 Lz",
 * Properties=name:type:count:..., pbc="T T T", Time=, Step=, and vitrum's
 * own vitrum_mass_rule=), then N lines of columns as Properties says.
 *
 * Written: Properties=species:S:1:pos:R:3:image:I:3:velo:R:3:radius:R:1:mass:R:1
 * followed by any extra per-atom columns (name:R:k), species being a name
 * per type (by default the chemical symbol whose atomic number is the type:
 * H, He, ...; ASE insists on chemical symbols), radius = sigma/2 (exact in
 * binary), positions wrapped into the box; vitrum_types="H He" lists the
 * names of types 1, 2, ... so the types read back as written.
 * Read: species (type numbers 1..16, or names: by vitrum_types when given,
 * else mapped to types 1, 2, ... in order of first appearance; numbers and
 * names not mixed), type:I:1, id:I:1 (orders the
 * particles; ids 1..N), pos, image, velo or velocities, radius or diameter,
 * mass or masses; other properties are skipped. A plain XYZ line
 * "species x y z" is read when Properties is absent. The box must be given
 * (Lattice, diagonal): vitrum systems are periodic. */
#include "core/error.h"
#include "core/util.h"
#include "io/io.h"
#include "io/text.h"
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *const rule_names[] = {"equal", "volume", "species", "explicit"};

enum { P_SPECIES, P_TYPE, P_ID, P_POS, P_IMAGE, P_VELO, P_RADIUS, P_DIAM, P_MASS, P_N };

typedef struct {
  int at[P_N];        /* first column of each property, -1 if absent */
  int ncols;
} props;

/* Split the comment line into key=value pairs in place; values may be
 * double-quoted. Calls back for each; keys without '=' are flags (ignored). */
static int next_pair(char **cursor, char **key, char **val)
{
  char *s = *cursor;
  while (*s && isspace((unsigned char)*s)) s++;
  if (!*s) return 0;
  *key = s;
  while (*s && *s != '=' && !isspace((unsigned char)*s)) s++;
  if (*s != '=') {
    *val = NULL;
    if (*s) *s++ = '\0';
    *cursor = s;
    return 1;
  }
  *s++ = '\0';
  if (*s == '"' || *s == '{') {
    char close = *s == '"' ? '"' : '}';
    *val = ++s;
    while (*s && *s != close) s++;
    if (!*s) return -1;
    *s++ = '\0';
  } else {
    *val = s;
    while (*s && !isspace((unsigned char)*s)) s++;
    if (*s) *s++ = '\0';
  }
  *cursor = s;
  return 1;
}

static int parse_properties(vt_lines *r, char *spec, props *p)
{
  for (int k = 0; k < P_N; k++) p->at[k] = -1;
  p->ncols = 0;
  char *save = NULL;
  for (char *name = strtok_r(spec, ":", &save); name; name = strtok_r(NULL, ":", &save)) {
    char *type = strtok_r(NULL, ":", &save), *count = strtok_r(NULL, ":", &save);
    long cnt;
    if (!type || !count || vt_parse_long(count, &cnt) != 0 || cnt < 1 || cnt > 64 || strlen(type) != 1 ||
        !strchr("SRIL", type[0]))
      return vt_lines_error(r, "malformed Properties entry for '%.30s'", name);
    int which = -1, want = 1;
    char ty = type[0], want_ty = 'R';
    if (strcmp(name, "species") == 0) { which = P_SPECIES; want_ty = 'S'; }
    else if (strcmp(name, "type") == 0) { which = P_TYPE; want_ty = 'I'; }
    else if (strcmp(name, "id") == 0) { which = P_ID; want_ty = 'I'; }
    else if (strcmp(name, "pos") == 0) { which = P_POS; want = 3; }
    else if (strcmp(name, "image") == 0) { which = P_IMAGE; want = 3; want_ty = 'I'; }
    else if (strcmp(name, "velo") == 0 || strcmp(name, "velocities") == 0) { which = P_VELO; want = 3; }
    else if (strcmp(name, "radius") == 0) which = P_RADIUS;
    else if (strcmp(name, "diameter") == 0) which = P_DIAM;
    else if (strcmp(name, "mass") == 0 || strcmp(name, "masses") == 0) which = P_MASS;
    if (which >= 0) {
      if (cnt != want || ty != want_ty)
        return vt_lines_error(r, "property %s must be %c:%d, got %c:%ld", name, want_ty, want, ty, cnt);
      if (p->at[which] >= 0) return vt_lines_error(r, "property %s appears twice", name);
      p->at[which] = p->ncols;
    }
    p->ncols += (int)cnt;
  }
  if (p->at[P_POS] < 0) return vt_lines_error(r, "Properties has no pos:R:3");
  if (p->at[P_RADIUS] >= 0 && p->at[P_DIAM] >= 0) return vt_lines_error(r, "both radius and diameter properties");
  if (p->at[P_SPECIES] >= 0 && p->at[P_TYPE] >= 0) return vt_lines_error(r, "both species and type properties");
  return 0;
}

int vt_xyz_read_frame(vt_lines *r, const vt_io_opts *opts, int skip, vt_system **out, double *step, double *time)
{
  int rc;
  long n;
  vt_system *s = NULL;
  char *seen = NULL;
  if (out) *out = NULL;
  *step = NAN;
  *time = NAN;
  rc = vt_lines_next_content(r, 0);
  if (rc <= 0) return rc;
  if ((rc = vt_lines_split(r, 0))) return rc;
  if (r->ntok != 1) return vt_lines_error(r, "expected the number of particles, got '%.40s'", r->buf);
  if ((rc = vt_lines_long(r, r->tok[0], "number of particles", 1, INT_MAX, &n))) return rc;
  if (r->size >= 0 && n > r->size / 8) return vt_lines_error(r, "%ld particles cannot fit in a file of %lld bytes", n, r->size);
  rc = vt_lines_next(r);
  if (rc < 0) return rc;
  if (rc == 0) return vt_lines_error(r, "end of file: missing the comment line");

  /* the comment line */
  props p;
  for (int k = 0; k < P_N; k++) p.at[k] = -1;
  p.at[P_SPECIES] = 0;
  p.at[P_POS] = 1;
  p.ncols = 4;
  double box[3] = {0, 0, 0}, origin[3] = {0, 0, 0};
  int have_box = 0, rule = -1, ntypenames = 0;
  char typenames[VT_MAX_SPECIES][32];
  char *cur = r->buf, *key, *val;
  while ((rc = next_pair(&cur, &key, &val)) == 1) {
    if (!val) continue;
    if (strcasecmp(key, "Lattice") == 0) {
      char *save = NULL, *tk;
      double m[9];
      int cnt = 0;
      for (tk = strtok_r(val, " \t", &save); tk; tk = strtok_r(NULL, " \t", &save)) {
        if (cnt == 9) return vt_lines_error(r, "Lattice needs 9 numbers");
        if ((rc = vt_lines_double(r, tk, "Lattice entry", &m[cnt++]))) return rc;
      }
      if (cnt != 9) return vt_lines_error(r, "Lattice needs 9 numbers, got %d", cnt);
      for (int a = 0; a < 3; a++)
        for (int b = 0; b < 3; b++)
          if (a != b && m[3 * a + b] != 0.0) return vt_lines_error(r, "non-orthogonal Lattice is not supported");
      for (int k = 0; k < 3; k++) {
        box[k] = m[4 * k];
        if (!(box[k] > 0)) return vt_lines_error(r, "Lattice length %g must be positive", box[k]);
      }
      have_box = 1;
    } else if (strcasecmp(key, "Origin") == 0) {
      char *save = NULL, *tk;
      int cnt = 0;
      for (tk = strtok_r(val, " \t", &save); tk; tk = strtok_r(NULL, " \t", &save)) {
        if (cnt == 3) return vt_lines_error(r, "Origin needs 3 numbers");
        if ((rc = vt_lines_double(r, tk, "Origin entry", &origin[cnt++]))) return rc;
      }
      if (cnt != 3) return vt_lines_error(r, "Origin needs 3 numbers, got %d", cnt);
    } else if (strcasecmp(key, "Properties") == 0) {
      if ((rc = parse_properties(r, val, &p))) return rc;
    } else if (strcasecmp(key, "pbc") == 0) {
      char *save = NULL, *tk;
      for (tk = strtok_r(val, " \t", &save); tk; tk = strtok_r(NULL, " \t", &save))
        if (strcmp(tk, "T") != 0 && strcasecmp(tk, "true") != 0)
          return vt_lines_error(r, "non-periodic boundaries (pbc=\"... %s ...\") are not supported", tk);
    } else if (strcasecmp(key, "Time") == 0) {
      if ((rc = vt_lines_double(r, val, "Time", time))) return rc;
    } else if (strcasecmp(key, "Step") == 0 || strcasecmp(key, "Timestep") == 0) {
      if ((rc = vt_lines_double(r, val, "Step", step))) return rc;
    } else if (strcmp(key, "vitrum_types") == 0) {
      char *save = NULL, *tk;
      ntypenames = 0;
      for (tk = strtok_r(val, " \t", &save); tk; tk = strtok_r(NULL, " \t", &save)) {
        if (ntypenames == VT_MAX_SPECIES) return vt_lines_error(r, "vitrum_types names more than %d types", VT_MAX_SPECIES);
        if (strlen(tk) > 31) return vt_lines_error(r, "vitrum_types: name '%.40s' is too long", tk);
        snprintf(typenames[ntypenames++], sizeof typenames[0], "%s", tk);
      }
    } else if (strcmp(key, "vitrum_mass_rule") == 0) {
      for (int k = 0; k < 4; k++) if (strcmp(val, rule_names[k]) == 0) rule = k;
      if (rule < 0) return vt_lines_error(r, "unknown vitrum_mass_rule '%.30s'", val);
    }
  }
  if (rc < 0) return vt_lines_error(r, "unterminated quoted value in the comment line");
  if (!have_box) return vt_lines_error(r, "no Lattice=\"Lx 0 0 0 Ly 0 0 0 Lz\" (vitrum needs a periodic box)");

  if (skip) {
    /* the particle lines are passed over without tokenizing them */
    for (long k = 0; k < n; k++) {
      rc = vt_lines_next(r);
      if (rc < 0) return rc;
      if (rc == 0) return vt_lines_error(r, "end of file after %ld of %ld particles", k, n);
    }
    return 1;
  }
  r->frame_what = (p.at[P_VELO] >= 0 ? VT_FRAME_VELOCITIES : 0u) |
                  ((p.at[P_RADIUS] >= 0 || p.at[P_DIAM] >= 0 || (opts && opts->ndiam > 0)) ? VT_FRAME_DIAMETERS : 0u);

  char names[VT_MAX_SPECIES][32];
  int nnames = 0, numeric = -1;
  if ((rc = vt_system_alloc((size_t)n, box, &s))) return rc;
  if (p.at[P_ID] >= 0 && !(seen = calloc((size_t)n, 1))) { rc = vt_error(VT_ENOMEM, "out of memory"); goto fail; }
  for (long k = 0; k < n; k++) {
    rc = vt_lines_next(r);
    if (rc < 0) goto fail;
    if (rc == 0) { rc = vt_lines_error(r, "end of file after %ld of %ld particles", k, n); goto fail; }
    if ((rc = vt_lines_split(r, 0))) goto fail;
    if (r->ntok != p.ncols) { rc = vt_lines_error(r, "%d fields, Properties gives %d", r->ntok, p.ncols); goto fail; }
    char **t = r->tok;
    size_t i = (size_t)k;
    long v;
    if (p.at[P_ID] >= 0) {
      if ((rc = vt_lines_long(r, t[p.at[P_ID]], "id", 1, n, &v))) goto fail;
      i = (size_t)(v - 1);
      if (seen[i]) { rc = vt_lines_error(r, "id %ld appears twice", v); goto fail; }
      seen[i] = 1;
    }
    if (p.at[P_TYPE] >= 0) {
      if ((rc = vt_lines_long(r, t[p.at[P_TYPE]], "type", 1, VT_MAX_SPECIES, &v))) goto fail;
      s->type[i] = (int)v;
    } else if (p.at[P_SPECIES] >= 0) {
      const char *sp = t[p.at[P_SPECIES]];
      int isnum = vt_parse_long(sp, &v) == 0;
      if (numeric < 0) numeric = isnum;
      if (isnum != numeric) { rc = vt_lines_error(r, "species '%.30s': type numbers and names mixed", sp); goto fail; }
      if (isnum) {
        if (v < 1 || v > VT_MAX_SPECIES) { rc = vt_lines_error(r, "species %ld is outside 1..%d", v, VT_MAX_SPECIES); goto fail; }
        s->type[i] = (int)v;
      } else if (ntypenames > 0) {
        int q;
        for (q = 0; q < ntypenames; q++) if (strncmp(typenames[q], sp, 31) == 0) break;
        if (q == ntypenames) { rc = vt_lines_error(r, "species '%.30s' is not in vitrum_types", sp); goto fail; }
        s->type[i] = q + 1;
      } else {
        int q;
        for (q = 0; q < nnames; q++) if (strncmp(names[q], sp, 31) == 0) break;
        if (q == nnames) {
          if (nnames == VT_MAX_SPECIES) { rc = vt_lines_error(r, "more than %d species", VT_MAX_SPECIES); goto fail; }
          snprintf(names[nnames++], sizeof names[0], "%s", sp);
        }
        s->type[i] = q + 1;
      }
    }
    for (int q = 0; q < 3; q++) {
      double *x = &s->x[3 * i + q];
      if ((rc = vt_lines_coord(r, t[p.at[P_POS] + q], origin[q], box[q], x))) goto fail;
      if (p.at[P_IMAGE] >= 0) {
        if ((rc = vt_lines_long(r, t[p.at[P_IMAGE] + q], "image count", -(1L << 29), 1L << 29, &v))) goto fail;
        s->image[3 * i + q] = (int)v;
      }
      if (p.at[P_VELO] >= 0 && (rc = vt_lines_double(r, t[p.at[P_VELO] + q], "velocity", &s->v[3 * i + q])))
        goto fail;
    }
    if (p.at[P_RADIUS] >= 0 &&
        (rc = vt_lines_positive(r, t[p.at[P_RADIUS]], "diameter", 2.0, &s->sigma[i]))) goto fail;
    if (p.at[P_RADIUS] < 0 && p.at[P_DIAM] >= 0 &&
        (rc = vt_lines_positive(r, t[p.at[P_DIAM]], "diameter", 1.0, &s->sigma[i]))) goto fail;
    if (p.at[P_MASS] >= 0 && (rc = vt_lines_positive(r, t[p.at[P_MASS]], "mass", 1.0, &s->mass[i]))) goto fail;
  }
  if ((rc = vt_io_wrap(s, origin, r->path)) || (rc = vt_io_set_ntypes(s, ntypenames, r->path)) ||
      (rc = vt_io_apply_diameters(s, opts, p.at[P_RADIUS] >= 0 || p.at[P_DIAM] >= 0, r->path)))
    goto fail;
  if (p.at[P_MASS] >= 0) {
    if (rule >= 0) {
      s->mass_rule = rule;
      if (rule == VT_MASS_SPECIES) {
        /* type masses from the particles; a type without particles keeps 1 */
        for (size_t i = 0; i < s->n; i++) s->type_mass[s->type[i]] = s->mass[i];
      }
    } else {
      vt_io_infer_mass_rule(s);
    }
  }
  free(seen);
  *out = s;
  return 1;
fail:
  free(seen);
  vt_system_free(s);
  return rc;
}

int vt_xyz_read(const char *path, const vt_io_opts *opts, vt_system **out)
{
  return vt_io_read_frames(path, opts, vt_xyz_read_frame, out);
}

static const char *const written[] = {
  "species", "pos", "image", "velo", "radius", "mass", "type", "id", "velocities", "diameter", "masses", "Z", NULL
};

int vt_xyz_write_frame_opts(FILE *fp, const vt_system *s, const double *step, const double *time, const vt_io_opts *opts)
{
  const char *names[VT_MAX_SPECIES];
  int rule = s->mass_rule >= 0 && s->mass_rule <= 3 ? s->mass_rule : 3, rc;
  if ((rc = vt_io_species_names(opts, s->ntypes, "xyz", names)) || (rc = vt_io_check_columns(s, opts, written, "xyz")))
    return rc;
  int ncol = opts ? opts->ncolumns : 0;
  fprintf(fp, "%zu\nLattice=\"" VT_FMT_EXACT " 0 0 0 " VT_FMT_EXACT " 0 0 0 " VT_FMT_EXACT "\" Origin=\"0 0 0\" "
          "pbc=\"T T T\" Properties=species:S:1:pos:R:3:image:I:3:velo:R:3:radius:R:1:mass:R:1",
          s->n, s->box[0], s->box[1], s->box[2]);
  for (int c = 0; c < ncol; c++) fprintf(fp, ":%s:R:%d", opts->columns[c].name, opts->columns[c].k);
  fprintf(fp, " vitrum_mass_rule=%s vitrum_types=\"", rule_names[rule]);
  for (int t = 0; t < s->ntypes; t++) fprintf(fp, "%s%s", t ? " " : "", names[t]);
  fputc('"', fp);
  if (step) fprintf(fp, " Step=" VT_FMT_EXACT, *step);
  if (time) fprintf(fp, " Time=" VT_FMT_EXACT, *time);
  fputc('\n', fp);
  for (size_t i = 0; i < s->n; i++) {
    const double *v = &s->v[3 * i];
    double x[3];
    int im[3];
    vt_io_wrapped(s, i, x, im);
    fprintf(fp, "%s " VT_FMT_EXACT " " VT_FMT_EXACT " " VT_FMT_EXACT " %d %d %d " VT_FMT_EXACT " " VT_FMT_EXACT
            " " VT_FMT_EXACT " " VT_FMT_EXACT " " VT_FMT_EXACT,
            names[s->type[i] - 1], x[0], x[1], x[2], im[0], im[1], im[2], v[0], v[1], v[2], 0.5 * s->sigma[i], s->mass[i]);
    for (int c = 0; c < ncol; c++) {
      const vt_io_column *col = &opts->columns[c];
      for (int q = 0; q < col->k; q++) fprintf(fp, " " VT_FMT_EXACT, col->data[(size_t)col->k * i + q]);
    }
    fputc('\n', fp);
  }
  return ferror(fp) ? vt_error(VT_EIO, "write error: %s", strerror(errno)) : 0;
}

int vt_xyz_write_frame(FILE *fp, const vt_system *s, const double *step, const double *time)
{
  return vt_xyz_write_frame_opts(fp, s, step, time, NULL);
}

int vt_xyz_write_opts(const vt_system *s, const char *path, const vt_io_opts *opts)
{
  const char *names[VT_MAX_SPECIES];
  int rc;
  if ((rc = vt_io_species_names(opts, s->ntypes, path, names)) || (rc = vt_io_check_columns(s, opts, written, path)))
    return rc;
  vt_wfile w;
  if ((rc = vt_wfile_open(&w, path))) return rc;
  /* a failed stream (a full disk) is reported by the commit, which names
   * the file; anything else is a refusal of the frame */
  if ((rc = vt_xyz_write_frame_opts(w.fp, s, NULL, NULL, opts)) && !ferror(w.fp)) {
    vt_wfile_abort(&w);
    return rc;
  }
  return vt_wfile_commit(&w);
}

int vt_xyz_write(const vt_system *s, const char *path)
{
  return vt_xyz_write_opts(s, path, NULL);
}
