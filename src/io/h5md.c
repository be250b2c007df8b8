/* H5MD trajectories (HDF5 files following H5MD 1.1, de Buyl, Colberg and
 * Hoefling, Comput. Phys. Commun. 185, 1546 (2014); nongnu.org/h5md), read
 * by MDAnalysis (with h5py) and OVITO. Layout written:
 *   /h5md                     version = {1, 1}; author (name), creator (name, version)
 *   /particles/all/box        dimension = 3, boundary = "periodic" x 3;
 *                             edges/{step, time, value[F][3]}
 *   /particles/all/position   {step[F], time[F], value[F][N][3]}: wrapped into the box
 *   /particles/all/image      {step, time, value[F][N][3]} (integers)
 *   /particles/all/velocity   {step, time, value[F][N][3]}
 *   /particles/all/diameter   {step, time, value[F][N]}   (vitrum's; diameters may change)
 *   /particles/all/mass       {step, time, value[F][N]}
 *   /particles/all/species    [N] (the types, 1-based; time-independent)
 * Time-dependent datasets are chunked one frame per chunk and extended at
 * each frame. No units are written (reduced LJ units): MDAnalysis then needs
 * convert_units=False. The file is written under a temporary name and
 * renamed at close, as vt_wfile does. Reading (vt_h5md_read) takes one frame
 * of such a file, or of any H5MD file with particles/<group>/position and
 * box edges (the first particle group): images, velocities, species,
 * diameter (or radius) and mass when present.
 * Built only with libhdf5 (configure finds libhdf5-dev); otherwise every
 * function refuses with VT_EINVAL naming the package. */
#include "config.h"
#include "core/error.h"
#include "core/util.h"
#include "io/io.h"
#include "io/text.h"
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef HAVE_HDF5

struct vt_h5md { int unused; };
static int missing(void)
{
  return vt_error(VT_EINVAL, "this vitrum was built without HDF5: install libhdf5-dev and reconfigure for H5MD files");
}
int vt_h5md_available(void) { return 0; }
int vt_h5md_create(const char *path, vt_h5md **out) { (void)path; *out = NULL; return missing(); }
int vt_h5md_write(vt_h5md *h, const vt_system *s, long step, double time) { (void)h; (void)s; (void)step; (void)time; return missing(); }
int vt_h5md_close(vt_h5md *h) { free(h); return missing(); }
void vt_h5md_abort(vt_h5md *h) { free(h); }
long vt_h5md_count(const vt_h5md *h) { (void)h; return 0; }
int vt_h5md_read(const char *path, const vt_io_opts *opts, vt_system **out) { (void)path; (void)opts; *out = NULL; return missing(); }

#else
#include <hdf5.h>

enum { TD_POS, TD_IMAGE, TD_VEL, TD_DIAM, TD_MASS, TD_EDGES, TD_N };

typedef struct { hid_t group, step, time, value; } td_set;

struct vt_h5md {
  char *path, *tmp;
  hid_t file;
  size_t n;           /* particles: fixed by the first frame */
  long frames;
  int err;            /* first failure: further writes are refused */
  td_set td[TD_N];
  double *buf;
  int *ibuf;
};

static void quiet(void) { H5Eset_auto2(H5E_DEFAULT, NULL, NULL); }

static int attr_int(hid_t loc, const char *name, int count, const int *v)
{
  hsize_t d = (hsize_t)count;
  hid_t sp = H5Screate_simple(1, &d, NULL);
  hid_t a = H5Acreate2(loc, name, H5T_NATIVE_INT, sp, H5P_DEFAULT, H5P_DEFAULT);
  herr_t e = a < 0 ? -1 : H5Awrite(a, H5T_NATIVE_INT, v);
  if (a >= 0) H5Aclose(a);
  H5Sclose(sp);
  return e < 0 ? -1 : 0;
}

/* A string attribute: a scalar, or an array of `count` strings. */
static int attr_str(hid_t loc, const char *name, int count, const char *const *v)
{
  hid_t ty = H5Tcopy(H5T_C_S1);
  H5Tset_size(ty, H5T_VARIABLE);
  hsize_t d = (hsize_t)count;
  hid_t sp = count == 1 ? H5Screate(H5S_SCALAR) : H5Screate_simple(1, &d, NULL);
  hid_t a = H5Acreate2(loc, name, ty, sp, H5P_DEFAULT, H5P_DEFAULT);
  herr_t e = a < 0 ? -1 : H5Awrite(a, ty, v);
  if (a >= 0) H5Aclose(a);
  H5Sclose(sp);
  H5Tclose(ty);
  return e < 0 ? -1 : 0;
}

/* An extensible dataset of frames, each of shape tail[0..rank-1]. */
static hid_t extensible(hid_t loc, const char *name, hid_t type, int rank, const hsize_t *tail)
{
  hsize_t dims[3] = {0, 0, 0}, maxd[3], chunk[3];
  dims[0] = 0;
  maxd[0] = H5S_UNLIMITED;
  chunk[0] = 1;
  for (int k = 0; k < rank; k++) { dims[k + 1] = maxd[k + 1] = chunk[k + 1] = tail[k]; }
  hid_t sp = H5Screate_simple(rank + 1, dims, maxd);
  hid_t pl = H5Pcreate(H5P_DATASET_CREATE);
  H5Pset_chunk(pl, rank + 1, chunk);
  hid_t ds = H5Dcreate2(loc, name, type, sp, H5P_DEFAULT, pl, H5P_DEFAULT);
  H5Pclose(pl);
  H5Sclose(sp);
  return ds;
}

static int td_create(hid_t parent, const char *name, hid_t type, int rank, const hsize_t *tail, td_set *t)
{
  t->group = H5Gcreate2(parent, name, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  if (t->group < 0) return -1;
  t->step = extensible(t->group, "step", H5T_NATIVE_INT64, 0, NULL);
  t->time = extensible(t->group, "time", H5T_NATIVE_DOUBLE, 0, NULL);
  t->value = extensible(t->group, "value", type, rank, tail);
  return t->step < 0 || t->time < 0 || t->value < 0 ? -1 : 0;
}

/* Append frame f: step, time and the values (memory type mtype). */
static int td_append(td_set *t, long f, int64_t step, double time, hid_t mtype, const void *data)
{
  hid_t ds[3] = {t->step, t->time, t->value};
  const void *src[3] = {&step, &time, data};
  hid_t mt[3] = {H5T_NATIVE_INT64, H5T_NATIVE_DOUBLE, mtype};
  for (int q = 0; q < 3; q++) {
    hid_t sp = H5Dget_space(ds[q]);
    int rank = H5Sget_simple_extent_ndims(sp);
    hsize_t dims[3], start[3] = {0, 0, 0}, count[3];
    H5Sget_simple_extent_dims(sp, dims, NULL);
    H5Sclose(sp);
    dims[0] = (hsize_t)f + 1;
    if (H5Dset_extent(ds[q], dims) < 0) return -1;
    sp = H5Dget_space(ds[q]);
    start[0] = (hsize_t)f;
    count[0] = 1;
    for (int k = 1; k < rank; k++) count[k] = dims[k];
    H5Sselect_hyperslab(sp, H5S_SELECT_SET, start, NULL, count, NULL);
    hid_t msp = H5Screate_simple(rank, count, NULL);
    herr_t e = H5Dwrite(ds[q], mt[q], msp, sp, H5P_DEFAULT, src[q]);
    H5Sclose(msp);
    H5Sclose(sp);
    if (e < 0) return -1;
  }
  return 0;
}

static void td_close(td_set *t)
{
  if (t->value > 0) H5Dclose(t->value);
  if (t->time > 0) H5Dclose(t->time);
  if (t->step > 0) H5Dclose(t->step);
  if (t->group > 0) H5Gclose(t->group);
  memset(t, 0, sizeof *t);
}

int vt_h5md_available(void) { return 1; }

int vt_h5md_create(const char *path, vt_h5md **out)
{
  *out = NULL;
  quiet();
  vt_h5md *h = calloc(1, sizeof *h);
  size_t len = strlen(path) + 32;
  if (!h || !(h->path = strdup(path)) || !(h->tmp = malloc(len))) {
    if (h) free(h->path);
    free(h);
    return vt_error(VT_ENOMEM, "out of memory");
  }
  snprintf(h->tmp, len, "%s.tmp.%ld", path, (long)getpid());
  h->file = H5Fcreate(h->tmp, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  if (h->file < 0) {
    free(h->path); free(h->tmp); free(h);
    return vt_error(VT_EIO, "cannot write '%s' (HDF5 could not create it)", path);
  }
  *out = h;
  return 0;
}

/* The groups and the time-independent parts, at the first frame. */
static int layout(vt_h5md *h, const vt_system *s)
{
  static const int version[2] = {1, 1};
  const char *user = getenv("USER");
  const char *author = user && *user ? user : "unknown";
  const char *creator = "vitrum", *ver = vt_version();
  const char *const periodic[3] = {"periodic", "periodic", "periodic"};
  const int dim = 3;
  int bad = 0;
  hid_t g = H5Gcreate2(h->file, "h5md", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  bad |= g < 0 || attr_int(g, "version", 2, version);
  hid_t a = H5Gcreate2(g, "author", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  bad |= a < 0 || attr_str(a, "name", 1, &author);
  if (a >= 0) H5Gclose(a);
  hid_t c = H5Gcreate2(g, "creator", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  bad |= c < 0 || attr_str(c, "name", 1, &creator) || attr_str(c, "version", 1, &ver);
  if (c >= 0) H5Gclose(c);
  if (g >= 0) H5Gclose(g);
  hid_t p = H5Gcreate2(h->file, "particles", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  hid_t all = p < 0 ? -1 : H5Gcreate2(p, "all", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  hid_t box = all < 0 ? -1 : H5Gcreate2(all, "box", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  bad |= box < 0 || attr_int(box, "dimension", 1, &dim) || attr_str(box, "boundary", 3, periodic);
  hsize_t n3[2] = {s->n, 3}, n1[1] = {s->n}, e33[2] = {3, 3};
  if (!bad) {
    /* edges as the 3 x 3 matrix of box vectors (H5MD allows D or D x D;
     * MDAnalysis reads only the matrix) */
    bad |= td_create(box, "edges", H5T_NATIVE_DOUBLE, 2, e33, &h->td[TD_EDGES]);
    bad |= td_create(all, "position", H5T_NATIVE_DOUBLE, 2, n3, &h->td[TD_POS]);
    bad |= td_create(all, "image", H5T_NATIVE_INT, 2, n3, &h->td[TD_IMAGE]);
    bad |= td_create(all, "velocity", H5T_NATIVE_DOUBLE, 2, n3, &h->td[TD_VEL]);
    bad |= td_create(all, "diameter", H5T_NATIVE_DOUBLE, 1, n1, &h->td[TD_DIAM]);
    bad |= td_create(all, "mass", H5T_NATIVE_DOUBLE, 1, n1, &h->td[TD_MASS]);
    static const char *const rules[] = {"equal", "volume", "species", "explicit"};
    const char *rule = rules[s->mass_rule >= 0 && s->mass_rule <= 3 ? s->mass_rule : 3];
    bad |= attr_str(h->td[TD_MASS].group, "vitrum_mass_rule", 1, &rule);
    hid_t sp = H5Screate_simple(1, n1, NULL);
    hid_t ds = H5Dcreate2(all, "species", H5T_NATIVE_INT, sp, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    bad |= ds < 0 || H5Dwrite(ds, H5T_NATIVE_INT, H5S_ALL, H5S_ALL, H5P_DEFAULT, s->type) < 0;
    if (ds >= 0) H5Dclose(ds);
    H5Sclose(sp);
  }
  if (box >= 0) H5Gclose(box);
  if (all >= 0) H5Gclose(all);
  if (p >= 0) H5Gclose(p);
  return bad ? -1 : 0;
}

int vt_h5md_write(vt_h5md *h, const vt_system *s, long step, double time)
{
  quiet();
  if (h->err) return vt_error(h->err, "H5MD file %s: an earlier write failed", h->path);
  if (!isfinite(time)) return vt_error(VT_EINVAL, "H5MD file %s: the time must be finite", h->path);
  if (h->frames == 0) {
    h->n = s->n;
    h->buf = malloc(3 * s->n * sizeof *h->buf);
    h->ibuf = malloc(3 * s->n * sizeof *h->ibuf);
    if (!h->buf || !h->ibuf) { h->err = VT_ENOMEM; return vt_error(VT_ENOMEM, "out of memory"); }
    if (layout(h, s)) { h->err = VT_EIO; return vt_error(VT_EIO, "H5MD file %s: HDF5 could not lay out the file", h->path); }
  } else if (s->n != h->n) {
    return vt_error(VT_EINVAL, "H5MD file %s: %zu particles, but the file's frames have %zu", h->path, s->n, h->n);
  }
  for (size_t i = 0; i < s->n; i++) vt_io_wrapped(s, i, &h->buf[3 * i], &h->ibuf[3 * i]);
  long f = h->frames;
  double edges[9] = {s->box[0], 0, 0, 0, s->box[1], 0, 0, 0, s->box[2]};
  int bad = td_append(&h->td[TD_POS], f, step, time, H5T_NATIVE_DOUBLE, h->buf) ||
            td_append(&h->td[TD_IMAGE], f, step, time, H5T_NATIVE_INT, h->ibuf) ||
            td_append(&h->td[TD_VEL], f, step, time, H5T_NATIVE_DOUBLE, s->v) ||
            td_append(&h->td[TD_DIAM], f, step, time, H5T_NATIVE_DOUBLE, s->sigma) ||
            td_append(&h->td[TD_MASS], f, step, time, H5T_NATIVE_DOUBLE, s->mass) ||
            td_append(&h->td[TD_EDGES], f, step, time, H5T_NATIVE_DOUBLE, edges);
  if (bad) { h->err = VT_EIO; return vt_error(VT_EIO, "H5MD file %s: HDF5 failed to write frame %ld", h->path, f + 1); }
  h->frames++;
  return 0;
}

long vt_h5md_count(const vt_h5md *h) { return h->frames; }

static void release(vt_h5md *h)
{
  for (int k = 0; k < TD_N; k++) td_close(&h->td[k]);
  free(h->buf); free(h->ibuf); free(h->path); free(h->tmp);
  free(h);
}

int vt_h5md_close(vt_h5md *h)
{
  quiet();
  int rc = 0;
  for (int k = 0; k < TD_N; k++) td_close(&h->td[k]);
  if (!h->err && h->frames == 0) rc = vt_error(VT_EINVAL, "H5MD file %s: no frames were written (no file made)", h->path);
  if (H5Fclose(h->file) < 0 && !rc) rc = vt_error(VT_EIO, "H5MD file %s: HDF5 failed to close it", h->path);
  if (!rc && h->err) rc = vt_error(h->err, "H5MD file %s was not written: an earlier write failed", h->path);
  if (rc) remove(h->tmp);
  else if (rename(h->tmp, h->path) != 0) {
    remove(h->tmp);
    rc = vt_error(VT_EIO, "cannot rename '%s' to '%s'", h->tmp, h->path);
  }
  release(h);
  return rc;
}

void vt_h5md_abort(vt_h5md *h)
{
  quiet();
  for (int k = 0; k < TD_N; k++) td_close(&h->td[k]);
  H5Fclose(h->file);
  remove(h->tmp);
  release(h);
}

/* ---- reading ---- */

/* Frame `f` of a time-dependent element (or the whole of a fixed one) into
 * out, which holds `per_frame` values of memory type mtype. 1 read, 0 the
 * element is absent, < 0 error (message set). */
static int read_element(hid_t grp, const char *name, long f, hid_t mtype, size_t per_frame, void *out, const char *path)
{
  if (H5Lexists(grp, name, H5P_DEFAULT) <= 0) return 0;
  /* a time-dependent element is a group holding `value` */
  char sub[96];
  snprintf(sub, sizeof sub, "%s/value", name);
  hid_t probe = H5Gopen2(grp, name, H5P_DEFAULT);
  int timed = probe >= 0;
  if (probe >= 0) H5Gclose(probe);
  hid_t ds = timed ? (H5Lexists(grp, sub, H5P_DEFAULT) > 0 ? H5Dopen2(grp, sub, H5P_DEFAULT) : -1)
                   : H5Dopen2(grp, name, H5P_DEFAULT);
  if (ds < 0) return vt_error(VT_EFORMAT, "%s: element %s has no value dataset", path, name);
  hid_t sp = H5Dget_space(ds);
  int rank = H5Sget_simple_extent_ndims(sp);
  hsize_t dims[4] = {0, 0, 0, 0}, start[4] = {0, 0, 0, 0}, count[4];
  int rc = 0;
  if (rank < 1 || rank > 3) rc = vt_error(VT_EFORMAT, "%s: element %s has rank %d", path, name, rank);
  if (!rc) {
    H5Sget_simple_extent_dims(sp, dims, NULL);
    size_t have = 1;
    for (int k = timed ? 1 : 0; k < rank; k++) have *= dims[k];
    if (timed && (hsize_t)f >= dims[0])
      rc = vt_error(VT_EFORMAT, "%s: frame %ld requested, element %s has %llu", path, f + 1, name, (unsigned long long)dims[0]);
    else if (have != per_frame)
      rc = vt_error(VT_EFORMAT, "%s: element %s has %zu values per frame, expected %zu", path, name, have, per_frame);
  }
  if (!rc) {
    for (int k = 0; k < rank; k++) count[k] = dims[k];
    if (timed) { start[0] = (hsize_t)f; count[0] = 1; }
    H5Sselect_hyperslab(sp, H5S_SELECT_SET, start, NULL, count, NULL);
    hsize_t m = per_frame;
    hid_t msp = H5Screate_simple(1, &m, NULL);
    if (H5Dread(ds, mtype, msp, sp, H5P_DEFAULT, out) < 0) rc = vt_error(VT_EFORMAT, "%s: cannot read element %s", path, name);
    H5Sclose(msp);
  }
  H5Sclose(sp);
  H5Dclose(ds);
  return rc ? rc : 1;
}

/* Frames of the position element and its particle count. */
static int position_shape(hid_t all, const char *path, long *frames, size_t *n)
{
  hid_t ds = H5Dopen2(all, "position/value", H5P_DEFAULT);
  if (ds < 0) return vt_error(VT_EFORMAT, "%s: no position/value in the particle group", path);
  hid_t sp = H5Dget_space(ds);
  hsize_t dims[3];
  int rank = H5Sget_simple_extent_ndims(sp);
  int rc = 0;
  if (rank != 3) rc = vt_error(VT_EFORMAT, "%s: position/value must have shape [frames][N][3]", path);
  else {
    H5Sget_simple_extent_dims(sp, dims, NULL);
    if (dims[2] != 3 || dims[1] < 1) rc = vt_error(VT_EFORMAT, "%s: position/value must have shape [frames][N][3]", path);
    *frames = (long)dims[0];
    *n = (size_t)dims[1];
  }
  H5Sclose(sp);
  H5Dclose(ds);
  return rc;
}

/* vitrum's mass rule, from the attribute on the mass element, or -1 */
static int mass_rule_attr(hid_t all)
{
  static const char *const rules[] = {"equal", "volume", "species", "explicit"};
  if (H5Aexists_by_name(all, "mass", "vitrum_mass_rule", H5P_DEFAULT) <= 0) return -1;
  hid_t a = H5Aopen_by_name(all, "mass", "vitrum_mass_rule", H5P_DEFAULT, H5P_DEFAULT);
  if (a < 0) return -1;
  hid_t ty = H5Tcopy(H5T_C_S1);
  H5Tset_size(ty, H5T_VARIABLE);
  char *v = NULL;
  int rule = -1;
  if (H5Aread(a, ty, &v) >= 0 && v) {
    for (int k = 0; k < 4; k++) if (strcmp(v, rules[k]) == 0) rule = k;
    H5free_memory(v);
  }
  H5Tclose(ty);
  H5Aclose(a);
  return rule;
}

int vt_h5md_read(const char *path, const vt_io_opts *opts, vt_system **out)
{
  *out = NULL;
  quiet();
  hid_t file = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
  if (file < 0) return vt_error(access(path, R_OK) == 0 ? VT_EFORMAT : VT_EIO, "%s: not an HDF5 file, or unreadable", path);
  int rc = 0;
  hid_t parts = H5Gopen2(file, "particles", H5P_DEFAULT), all = -1;
  char gname[64] = "";
  if (parts < 0) rc = vt_error(VT_EFORMAT, "%s: no /particles group (not an H5MD file?)", path);
  if (!rc) {
    H5G_info_t gi;
    if (H5Gget_info(parts, &gi) >= 0 && gi.nlinks > 0)
      H5Lget_name_by_idx(parts, ".", H5_INDEX_NAME, H5_ITER_INC, 0, gname, sizeof gname, H5P_DEFAULT);
    all = gname[0] ? H5Gopen2(parts, gname, H5P_DEFAULT) : -1;
    if (all < 0) rc = vt_error(VT_EFORMAT, "%s: /particles has no particle group", path);
  }
  long frames = 0, f = opts ? opts->frame : 0;
  size_t n = 0;
  vt_system *s = NULL;
  if (!rc) rc = position_shape(all, path, &frames, &n);
  if (!rc && f == -1) f = frames - 1;
  if (!rc && (f < 0 || f >= frames))
    rc = vt_error(VT_EFORMAT, "%s: frame %ld requested, the file has %ld", path, f + 1, frames);
  double box[3] = {0, 0, 0};
  if (!rc) {
    hid_t bx = H5Gopen2(all, "box", H5P_DEFAULT);
    if (bx < 0) rc = vt_error(VT_EFORMAT, "%s: no box group", path);
    else {
      double m[9];
      int got = read_element(bx, "edges", f, H5T_NATIVE_DOUBLE, 9, m, path);
      if (got == 1) {
        for (int a = 0; a < 3; a++)
          for (int b = 0; b < 3; b++)
            if (a != b && m[3 * a + b] != 0.0) rc = vt_error(VT_EFORMAT, "%s: a non-orthogonal box is not supported", path);
        for (int k = 0; k < 3; k++) box[k] = m[4 * k];
      } else {
        vt_error_clear();
        got = read_element(bx, "edges", f, H5T_NATIVE_DOUBLE, 3, box, path);
      }
      if (got == 0) rc = vt_error(VT_EFORMAT, "%s: the box has no edges", path);
      else if (got < 0 && !rc) rc = got;
      H5Gclose(bx);
    }
    for (int k = 0; !rc && k < 3; k++)
      if (!(box[k] > 0) || !isfinite(box[k])) rc = vt_error(VT_EFORMAT, "%s: box edge %g must be positive", path, box[k]);
  }
  if (!rc) rc = vt_system_alloc(n, box, &s);
  int have_diam = 0, have_mass = 0;
  if (!rc) {
    int got = read_element(all, "position", f, H5T_NATIVE_DOUBLE, 3 * n, s->x, path);
    if (got >= 0) got = read_element(all, "image", f, H5T_NATIVE_INT, 3 * n, s->image, path);
    if (got >= 0) got = read_element(all, "velocity", f, H5T_NATIVE_DOUBLE, 3 * n, s->v, path);
    if (got >= 0) {
      got = read_element(all, "species", f, H5T_NATIVE_INT, n, s->type, path);
      if (got == 0) for (size_t i = 0; i < n; i++) s->type[i] = 1;
    }
    if (got >= 0) {
      got = have_diam = read_element(all, "diameter", f, H5T_NATIVE_DOUBLE, n, s->sigma, path);
      if (got == 0) {
        got = have_diam = read_element(all, "radius", f, H5T_NATIVE_DOUBLE, n, s->sigma, path);
        if (got == 1) for (size_t i = 0; i < n; i++) s->sigma[i] *= 2.0;
      }
    }
    if (got >= 0) got = have_mass = read_element(all, "mass", f, H5T_NATIVE_DOUBLE, n, s->mass, path);
    if (got < 0) rc = got;
  }
  for (size_t i = 0; !rc && i < n; i++) {
    for (int k = 0; k < 3; k++)
      if (!isfinite(s->x[3 * i + k]) || !isfinite(s->v[3 * i + k]))
        rc = vt_error(VT_EFORMAT, "%s: frame %ld, particle %zu: position or velocity not finite", path, f + 1, i + 1);
    if (!rc && have_diam && !(s->sigma[i] > 0 && isfinite(s->sigma[i])))
      rc = vt_error(VT_EFORMAT, "%s: particle %zu has diameter %g", path, i + 1, s->sigma[i]);
    if (!rc && have_mass && !(s->mass[i] > 0 && isfinite(s->mass[i])))
      rc = vt_error(VT_EFORMAT, "%s: particle %zu has mass %g", path, i + 1, s->mass[i]);
  }
  double lo[3] = {0, 0, 0};
  if (!rc) rc = vt_io_wrap(s, lo, path);
  if (!rc) rc = vt_io_set_ntypes(s, 0, path);
  if (!rc) rc = vt_io_apply_diameters(s, opts, have_diam, path);
  if (!rc) {
    if (have_mass) {
      int rule = mass_rule_attr(all);
      if (rule >= 0) {
        s->mass_rule = rule;
        if (rule == VT_MASS_SPECIES)
          for (size_t i = 0; i < s->n; i++) s->type_mass[s->type[i]] = s->mass[i];
      } else {
        vt_io_infer_mass_rule(s);
      }
    } else {
      s->mass_rule = VT_MASS_EQUAL;
    }
  }
  if (all >= 0) H5Gclose(all);
  if (parts >= 0) H5Gclose(parts);
  H5Fclose(file);
  if (rc) { vt_system_free(s); return rc; }
  *out = s;
  return 0;
}

#endif
