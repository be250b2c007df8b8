/* LAMMPS dump files (`dump custom` text, as LAMMPS, OVITO and vitrum write
 * them): frames of ITEM: TIMESTEP / NUMBER OF ATOMS / BOX BOUNDS / ATOMS,
 * read by column name and written with the columns
 * "id type x y z ix iy iz vx vy vz diameter mass" and any extra per-atom
 * columns the caller gives (OVITO maps diameter to its Radius property and
 * mass to Mass; positions are wrapped into the box). Columns understood on reading:
 * id, type, x y z | xu yu zu | xs ys zs | xsu ysu zsu (positions, in this
 * order of preference), ix iy iz, vx vy vz, diameter or radius, mass; any
 * other column is ignored. Format reference: LAMMPS manual, dump. */
#include "core/error.h"
#include "core/util.h"
#include "io/io.h"
#include "io/text.h"
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

enum { C_ID, C_TYPE, C_X, C_XU = C_X + 3, C_XS = C_XU + 3, C_XSU = C_XS + 3, C_IX = C_XSU + 3,
       C_V = C_IX + 3, C_DIAM = C_V + 3, C_RAD, C_MASS, C_N };

static const char *const colnames[C_N] = {
  "id", "type", "x", "y", "z", "xu", "yu", "zu", "xs", "ys", "zs", "xsu", "ysu", "zsu",
  "ix", "iy", "iz", "vx", "vy", "vz", "diameter", "radius", "mass"
};

/* Index of each known column in the line, -1 when absent. */
typedef struct { int at[C_N]; int ncols; } columns;

static int parse_columns(vt_lines *r, char **tok, int ntok, columns *c)
{
  for (int k = 0; k < C_N; k++) c->at[k] = -1;
  c->ncols = ntok;
  for (int j = 0; j < ntok; j++)
    for (int k = 0; k < C_N; k++)
      if (strcmp(tok[j], colnames[k]) == 0) {
        if (c->at[k] >= 0) return vt_lines_error(r, "column '%s' appears twice", colnames[k]);
        c->at[k] = j;
      }
  return 0;
}

/* All three columns of a vector from `base`, or none. */
static int triple(vt_lines *r, const columns *c, int base, int *have)
{
  int cnt = (c->at[base] >= 0) + (c->at[base + 1] >= 0) + (c->at[base + 2] >= 0);
  if (cnt != 0 && cnt != 3)
    return vt_lines_error(r, "columns %s %s %s must come together", colnames[base], colnames[base + 1],
                          colnames[base + 2]);
  *have = cnt == 3;
  return 0;
}

/* The line after an ITEM line. */
static int item_value(vt_lines *r, const char *item)
{
  int rc = vt_lines_next(r);
  if (rc < 0) return rc;
  if (rc == 0) return vt_lines_error(r, "end of file after ITEM: %s", item);
  return vt_lines_split(r, 0);
}

int vt_dump_read_frame(vt_lines *r, const vt_io_opts *opts, int skip, vt_system **out, double *step,
                       double *time)
{
  int rc;
  long n = -1;
  double lo[3], hi[3];
  int have_box = 0;
  columns c;
  vt_system *s = NULL;
  char *seen = NULL;
  if (out) *out = NULL;
  *step = NAN;
  *time = NAN;
  rc = vt_lines_next_content(r, 0);
  if (rc <= 0) return rc;
  for (;;) {
    char *line = vt_trim(r->buf);
    if (strncmp(line, "ITEM:", 5) != 0) return vt_lines_error(r, "expected an ITEM: line, got '%.40s'", line);
    char *item = vt_trim(line + 5);
    if (strcmp(item, "TIMESTEP") == 0) {
      if ((rc = item_value(r, "TIMESTEP"))) return rc;
      if (r->ntok != 1) return vt_lines_error(r, "ITEM: TIMESTEP needs one number");
      if ((rc = vt_lines_double(r, r->tok[0], "timestep", step))) return rc;
    } else if (strcmp(item, "TIME") == 0) {
      if ((rc = item_value(r, "TIME"))) return rc;
      if (r->ntok != 1) return vt_lines_error(r, "ITEM: TIME needs one number");
      if ((rc = vt_lines_double(r, r->tok[0], "time", time))) return rc;
    } else if (strcmp(item, "UNITS") == 0) {
      if ((rc = item_value(r, "UNITS"))) return rc;
    } else if (strcmp(item, "NUMBER OF ATOMS") == 0) {
      if ((rc = item_value(r, "NUMBER OF ATOMS"))) return rc;
      if (r->ntok != 1) return vt_lines_error(r, "ITEM: NUMBER OF ATOMS needs one number");
      if ((rc = vt_lines_long(r, r->tok[0], "number of atoms", 1, INT_MAX, &n))) return rc;
      /* every atom line takes at least 6 bytes (three one-digit columns) */
      if (r->size >= 0 && n > r->size / 6)
        return vt_lines_error(r, "%ld atoms cannot fit in a file of %lld bytes", n, r->size);
    } else if (strncmp(item, "BOX BOUNDS", 10) == 0) {
      if ((rc = vt_lines_split(r, 0))) return rc;
      int tilt = 0, nflags = 0;
      for (int k = 3; k < r->ntok; k++) {
        if (strcmp(r->tok[k], "xy") == 0 || strcmp(r->tok[k], "xz") == 0 || strcmp(r->tok[k], "yz") == 0) tilt = 1;
        else if (strcmp(r->tok[k], "pp") == 0) nflags++;
        else return vt_lines_error(r, "boundary '%.10s' is not supported (periodic 'pp' only)", r->tok[k]);
      }
      if (nflags != 0 && nflags != 3) return vt_lines_error(r, "BOX BOUNDS needs three boundary flags");
      for (int k = 0; k < 3; k++) {
        if ((rc = item_value(r, "BOX BOUNDS"))) return rc;
        if (r->ntok != 2 + tilt) return vt_lines_error(r, "a BOX BOUNDS line needs %d numbers", 2 + tilt);
        if ((rc = vt_lines_double(r, r->tok[0], "box bound", &lo[k])) ||
            (rc = vt_lines_double(r, r->tok[1], "box bound", &hi[k])))
          return rc;
        if (!(hi[k] > lo[k]) || !isfinite(hi[k] - lo[k])) return vt_lines_error(r, "box bounds must satisfy lo < hi");
        if (tilt) {
          double t;
          if ((rc = vt_lines_double(r, r->tok[2], "tilt factor", &t))) return rc;
          if (t != 0.0) return vt_lines_error(r, "triclinic boxes (tilt %s) are not supported", r->tok[2]);
        }
      }
      have_box = 1;
    } else if (strncmp(item, "ATOMS", 5) == 0 && (item[5] == ' ' || item[5] == '\t' || item[5] == '\0')) {
      if (n < 0) return vt_lines_error(r, "ITEM: ATOMS before ITEM: NUMBER OF ATOMS");
      if (!have_box) return vt_lines_error(r, "ITEM: ATOMS before ITEM: BOX BOUNDS");
      if ((rc = vt_lines_split(r, 0))) return rc;
      if ((rc = parse_columns(r, r->tok + 2, r->ntok - 2, &c))) return rc;
      break;
    } else {
      return vt_lines_error(r, "unknown item 'ITEM: %.30s'", item);
    }
    rc = vt_lines_next(r);
    if (rc < 0) return rc;
    if (rc == 0) return vt_lines_error(r, "end of file before ITEM: ATOMS");
  }

  int hx = 0, hxu = 0, hxs = 0, hxsu = 0, hi3 = 0, hv = 0;
  if ((rc = triple(r, &c, C_X, &hx)) || (rc = triple(r, &c, C_XU, &hxu)) || (rc = triple(r, &c, C_XS, &hxs)) ||
      (rc = triple(r, &c, C_XSU, &hxsu)) || (rc = triple(r, &c, C_IX, &hi3)) || (rc = triple(r, &c, C_V, &hv)))
    return rc;
  int pos = hx ? C_X : hxu ? C_XU : hxs ? C_XS : hxsu ? C_XSU : -1;
  if (pos < 0) return vt_lines_error(r, "no position columns (x y z, xu yu zu, xs ys zs or xsu ysu zsu)");
  int use_images = hi3 && (pos == C_X || pos == C_XS);
  if (c.at[C_DIAM] >= 0 && c.at[C_RAD] >= 0) return vt_lines_error(r, "both diameter and radius columns");

  if (skip) {
    /* the atom lines are passed over without tokenizing them */
    for (long k = 0; k < n; k++) {
      rc = vt_lines_next(r);
      if (rc < 0) return rc;
      if (rc == 0) return vt_lines_error(r, "end of file after %ld of %ld atoms", k, n);
    }
    return 1;
  }
  r->frame_what = (hv ? VT_FRAME_VELOCITIES : 0u) |
                  ((c.at[C_DIAM] >= 0 || c.at[C_RAD] >= 0 || (opts && opts->ndiam > 0)) ? VT_FRAME_DIAMETERS : 0u);

  double box[3];
  for (int k = 0; k < 3; k++) box[k] = hi[k] - lo[k];
  if ((rc = vt_system_alloc((size_t)n, box, &s))) return rc;
  if (!(seen = calloc((size_t)n, 1))) { rc = vt_error(VT_ENOMEM, "out of memory"); goto fail; }
  for (long k = 0; k < n; k++) {
    rc = vt_lines_next(r);
    if (rc < 0) goto fail;
    if (rc == 0) { rc = vt_lines_error(r, "end of file after %ld of %ld atoms", k, n); goto fail; }
    if ((rc = vt_lines_split(r, 0))) goto fail;
    if (r->ntok != c.ncols) { rc = vt_lines_error(r, "%d fields, the ATOMS line names %d", r->ntok, c.ncols); goto fail; }
    char **t = r->tok;
    size_t i = (size_t)k;
    if (c.at[C_ID] >= 0) {
      long id;
      if ((rc = vt_lines_long(r, t[c.at[C_ID]], "atom id", 1, n, &id))) goto fail;
      i = (size_t)(id - 1);
      if (seen[i]) { rc = vt_lines_error(r, "atom id %ld appears twice", id); goto fail; }
      seen[i] = 1;
    }
    if (c.at[C_TYPE] >= 0) {
      long ty;
      if ((rc = vt_lines_long(r, t[c.at[C_TYPE]], "atom type", 1, VT_MAX_SPECIES, &ty))) goto fail;
      s->type[i] = (int)ty;
    }
    for (int q = 0; q < 3; q++) {
      double *x = &s->x[3 * i + q];
      int scaled = pos == C_XS || pos == C_XSU;
      if ((rc = vt_lines_coord(r, t[c.at[pos + q]], scaled ? 0.0 : lo[q], scaled ? 1.0 : box[q], x))) goto fail;
      if (scaled) *x = *x * box[q];
      else *x -= lo[q];
      if (use_images) {
        long im;
        if ((rc = vt_lines_long(r, t[c.at[C_IX + q]], "image flag", -(1L << 29), 1L << 29, &im))) goto fail;
        s->image[3 * i + q] = (int)im;
      }
      if (hv && (rc = vt_lines_double(r, t[c.at[C_V + q]], "velocity", &s->v[3 * i + q]))) goto fail;
    }
    if (c.at[C_DIAM] >= 0 &&
        (rc = vt_lines_positive(r, t[c.at[C_DIAM]], "diameter", 1.0, &s->sigma[i]))) goto fail;
    if (c.at[C_DIAM] < 0 && c.at[C_RAD] >= 0 &&
        (rc = vt_lines_positive(r, t[c.at[C_RAD]], "diameter", 2.0, &s->sigma[i]))) goto fail;
    if (c.at[C_MASS] >= 0 && (rc = vt_lines_positive(r, t[c.at[C_MASS]], "mass", 1.0, &s->mass[i]))) goto fail;
  }
  static const double zero[3] = {0, 0, 0};
  if ((rc = vt_io_wrap(s, zero, r->path)) || (rc = vt_io_set_ntypes(s, 0, r->path)) ||
      (rc = vt_io_apply_diameters(s, opts, c.at[C_DIAM] >= 0 || c.at[C_RAD] >= 0, r->path)))
    goto fail;
  if (c.at[C_MASS] >= 0) vt_io_infer_mass_rule(s);
  free(seen);
  *out = s;
  return 1;
fail:
  free(seen);
  vt_system_free(s);
  return rc;
}

int vt_io_read_frames(const char *path, const vt_io_opts *opts, vt_frame_reader fn, vt_system **out)
{
  vt_lines r;
  long want = opts ? opts->frame : 0;
  double step, time;
  *out = NULL;
  if (want < -1) return vt_error(VT_EINVAL, "reading %s: frame %ld does not exist", path, want);
  int rc = vt_lines_open(&r, path);
  if (rc) return rc;
  if (want == -1) {
    /* count the frames, then read the last one */
    long count = 0;
    while ((rc = fn(&r, opts, 1, NULL, &step, &time)) == 1) count++;
    if (rc == 0 && count == 0) rc = vt_error(VT_EFORMAT, "%s: no frames", path);
    if (rc < 0) { vt_lines_close(&r); return rc; }
    vt_lines_close(&r);
    if ((rc = vt_lines_open(&r, path))) return rc;
    want = count - 1;
  }
  for (long k = 0; k < want; k++) {
    rc = fn(&r, opts, 1, NULL, &step, &time);
    if (rc == 0) rc = vt_error(VT_EFORMAT, "%s: frame %ld requested, the file has %ld", path, want + 1, k);
    if (rc < 0) { vt_lines_close(&r); return rc; }
  }
  rc = fn(&r, opts, 0, out, &step, &time);
  if (rc == 0 && want > 0) rc = vt_error(VT_EFORMAT, "%s: frame %ld requested, the file has %ld", path, want + 1, want);
  else if (rc == 0) rc = vt_error(VT_EFORMAT, "%s: no frames", path);
  vt_lines_close(&r);
  return rc < 0 ? rc : 0;
}

int vt_lammps_dump_read(const char *path, const vt_io_opts *opts, vt_system **out)
{
  return vt_io_read_frames(path, opts, vt_dump_read_frame, out);
}

static const char *const written[] = {
  "id", "type", "x", "y", "z", "ix", "iy", "iz", "vx", "vy", "vz", "diameter", "mass",
  "xu", "yu", "zu", "xs", "ys", "zs", "xsu", "ysu", "zsu", "radius", NULL
};

/* A frame as LAMMPS writes it (`dump custom`, with `dump_modify time yes`
 * when a time is given: ITEM: TIME comes first, as in LAMMPS; readers that
 * know only the plain layout, like MDAnalysis, need frames without it). */
int vt_dump_write_frame_opts(FILE *fp, const vt_system *s, double step, const double *time, const vt_io_opts *opts)
{
  int rc = vt_io_check_columns(s, opts, written, "dump");
  if (rc) return rc;
  if (time) fprintf(fp, "ITEM: TIME\n" VT_FMT_EXACT "\n", *time);
  if (step == floor(step) && fabs(step) < 9007199254740992.0) fprintf(fp, "ITEM: TIMESTEP\n%.0f\n", step);
  else fprintf(fp, "ITEM: TIMESTEP\n" VT_FMT_EXACT "\n", step);
  fprintf(fp, "ITEM: NUMBER OF ATOMS\n%zu\nITEM: BOX BOUNDS pp pp pp\n", s->n);
  for (int k = 0; k < 3; k++) fprintf(fp, "0 " VT_FMT_EXACT "\n", s->box[k]);
  fprintf(fp, "ITEM: ATOMS id type x y z ix iy iz vx vy vz diameter mass");
  int ncol = opts ? opts->ncolumns : 0;
  for (int c = 0; c < ncol; c++) {
    const vt_io_column *col = &opts->columns[c];
    if (col->k == 1) fprintf(fp, " %s", col->name);
    else for (int q = 1; q <= col->k; q++) fprintf(fp, " %s[%d]", col->name, q);
  }
  fputc('\n', fp);
  for (size_t i = 0; i < s->n; i++) {
    const double *v = &s->v[3 * i];
    double x[3];
    int im[3];
    vt_io_wrapped(s, i, x, im);
    fprintf(fp, "%zu %d " VT_FMT_EXACT " " VT_FMT_EXACT " " VT_FMT_EXACT " %d %d %d " VT_FMT_EXACT " " VT_FMT_EXACT
            " " VT_FMT_EXACT " " VT_FMT_EXACT " " VT_FMT_EXACT,
            i + 1, s->type[i], x[0], x[1], x[2], im[0], im[1], im[2], v[0], v[1], v[2], s->sigma[i], s->mass[i]);
    for (int c = 0; c < ncol; c++) {
      const vt_io_column *col = &opts->columns[c];
      for (int q = 0; q < col->k; q++) fprintf(fp, " " VT_FMT_EXACT, col->data[(size_t)col->k * i + q]);
    }
    fputc('\n', fp);
  }
  return ferror(fp) ? vt_error(VT_EIO, "write error: %s", strerror(errno)) : 0;
}

int vt_dump_write_frame(FILE *fp, const vt_system *s, double step, const double *time)
{
  return vt_dump_write_frame_opts(fp, s, step, time, NULL);
}

int vt_lammps_dump_write_opts(const vt_system *s, const char *path, long step, const vt_io_opts *opts)
{
  int rc = vt_io_check_columns(s, opts, written, path);
  if (rc) return rc;
  vt_wfile w;
  if ((rc = vt_wfile_open(&w, path))) return rc;
  /* a failed stream (a full disk) is reported by the commit, which names
   * the file; anything else is a refusal of the frame */
  if ((rc = vt_dump_write_frame_opts(w.fp, s, (double)step, NULL, opts)) && !ferror(w.fp)) {
    vt_wfile_abort(&w);
    return rc;
  }
  return vt_wfile_commit(&w);
}

int vt_lammps_dump_write(const vt_system *s, const char *path, long step)
{
  return vt_lammps_dump_write_opts(s, path, step, NULL);
}
