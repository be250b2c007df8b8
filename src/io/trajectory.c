/* Trajectories: vitrum's compressed binary frames (.vtt), and multi-frame
 * LAMMPS dumps and extended XYZ through the same object (see io.h).
 * .vtt layout: "VTTRAJ\0\0" | u32 version | u32 byte-order mark, then per
 * frame one compressed record (bin.h) whose payload, version 1, is
 *   f64 step | f64 time | u64 n | f64 box[3] | u32 ntypes | u32 what |
 *   f64 x[3n] | i32 image[3n] | i32 type[n] |
 *   [what & VELOCITIES: f64 v[3n]] |
 *   [what & DIAMETERS: u32 mass_rule | f64 sigma[n] | f64 mass[n]] */
#include "core/error.h"
#include "core/util.h"
#include "io/bin.h"
#include "io/io.h"
#include "io/text.h"
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static const char magic[8] = {'V', 'T', 'T', 'R', 'A', 'J', '\0', '\0'};
#define TRAJ_VERSION 1u

enum { T_VTT, T_DUMP, T_XYZ };

struct vt_trajectory {
  int writing;
  int fmt;
  char *path;
  vt_wfile w;          /* writing */
  FILE *fp;            /* reading .vtt */
  long long size;
  vt_lines lines;      /* reading text */
  long count;          /* frames written, or read and skipped so far */
  long total;          /* reading: frames in the file at open (-1: unknown) */
  vt_traj_opts ro;     /* reading: per-type diameters and masses, dt */
  vt_io_opts io;       /* reading text: the diameters for the frame readers */
  int err;             /* first error while writing */
  vt_frame fr;         /* reading: the current frame (points into the buffers) */
  size_t cap;          /* particles the buffers hold */
  double *bx, *bv, *bs, *bm;
  int *bimg, *btype;
};

static int format_of(const char *path, int *fmt)
{
  const char *f = vt_io_format_from_path(path);
  if (f && strcmp(f, "trajectory") == 0) *fmt = T_VTT;
  else if (f && strcmp(f, "lammps-dump") == 0) *fmt = T_DUMP;
  else if (f && strcmp(f, "xyz") == 0) *fmt = T_XYZ;
  else return vt_error(VT_EINVAL, "trajectory %s: unknown extension (use .vtt, .dump, .lammpstrj, .xyz or .extxyz)", path);
  return 0;
}

/* Frames in a file open for reading, from where it stands; the position is
 * restored. Counting stops at the first malformed frame (reading reports
 * it when it gets there). */
static long count_frames(vt_trajectory *t)
{
  long n = 0;
  if (t->fmt == T_VTT) {
    if (t->size < 0) return -1;
    off_t here = ftello(t->fp);
    char what_[32];
    for (;;) {
      snprintf(what_, sizeof what_, "frame %ld", n + 1);
      if (vt_bin_skip_record(t->fp, t->path, what_, t->size) != 1) break;
      n++;
    }
    clearerr(t->fp);
    if (fseeko(t->fp, here, SEEK_SET) != 0) return -1;
    return n;
  }
  vt_lines r;
  if (vt_lines_open(&r, t->path)) return -1;
  if (r.size < 0) { vt_lines_close(&r); return -1; }
  double step, time;
  while ((t->fmt == T_DUMP ? vt_dump_read_frame(&r, NULL, 1, NULL, &step, &time)
                           : vt_xyz_read_frame(&r, NULL, 1, NULL, &step, &time)) == 1)
    n++;
  vt_lines_close(&r);
  return n;
}

int vt_trajectory_open(const char *path, const char *mode, vt_trajectory **out)
{
  return vt_trajectory_open_opts(path, mode, NULL, out);
}

int vt_trajectory_open_opts(const char *path, const char *mode, const vt_traj_opts *ro, vt_trajectory **out)
{
  *out = NULL;
  int fmt = T_VTT, rc;
  if (!mode || (strcmp(mode, "r") != 0 && strcmp(mode, "w") != 0))
    return vt_error(VT_EINVAL, "trajectory %s: mode must be \"r\" or \"w\"", path);
  if ((rc = format_of(path, &fmt))) return rc;
  if (ro && mode[0] == 'w') return vt_error(VT_EINVAL, "trajectory %s: diameters, masses and dt are options for reading", path);
  if (ro) {
    if (ro->ndiam < 0 || ro->ndiam > VT_MAX_SPECIES || ro->nmass < 0 || ro->nmass > VT_MAX_SPECIES)
      return vt_error(VT_EINVAL, "trajectory %s: at most %d per-type diameters and masses", path, VT_MAX_SPECIES);
    for (int k = 0; k < ro->ndiam; k++)
      if (!(ro->diameters[k] > 0 && isfinite(ro->diameters[k])))
        return vt_error(VT_EINVAL, "trajectory %s: diameter of type %d = %g must be positive", path, k + 1, ro->diameters[k]);
    for (int k = 0; k < ro->nmass; k++)
      if (!(ro->masses[k] > 0 && isfinite(ro->masses[k])))
        return vt_error(VT_EINVAL, "trajectory %s: mass of type %d = %g must be positive", path, k + 1, ro->masses[k]);
    if (!(ro->dt >= 0 && isfinite(ro->dt))) return vt_error(VT_EINVAL, "trajectory %s: dt = %g must be positive", path, ro->dt);
  }
  vt_trajectory *t = calloc(1, sizeof *t);
  if (!t) return vt_error(VT_ENOMEM, "out of memory");
  t->fmt = fmt;
  t->writing = mode[0] == 'w';
  if (ro) t->ro = *ro;
  t->io.frame = 0;
  t->io.ndiam = t->ro.ndiam;
  memcpy(t->io.diameters, t->ro.diameters, sizeof t->io.diameters);
  t->path = strdup(path);
  if (!t->path) { free(t); return vt_error(VT_ENOMEM, "out of memory"); }
  if (t->writing) {
    if ((rc = vt_wfile_open(&t->w, path))) goto fail;
    if (fmt == T_VTT) {
      uint32_t head[2] = {TRAJ_VERSION, VT_BYTE_ORDER_MARK};
      if (fwrite(magic, sizeof magic, 1, t->w.fp) != 1 || fwrite(head, sizeof head, 1, t->w.fp) != 1) {
        vt_wfile_abort(&t->w);
        rc = vt_error(VT_EIO, "writing '%s' failed: %s", path, strerror(errno));
        goto fail;
      }
    }
  } else if (fmt == T_VTT) {
    t->fp = fopen(path, "rb");
    if (!t->fp) { rc = vt_error(VT_EIO, "cannot open '%s': %s", path, strerror(errno)); goto fail; }
    struct stat st;
    t->size = (fstat(fileno(t->fp), &st) == 0 && S_ISREG(st.st_mode)) ? (long long)st.st_size : -1;
    char m[8];
    uint32_t head[2];
    if (fread(m, sizeof m, 1, t->fp) != 1 || memcmp(m, magic, sizeof m) != 0)
      rc = vt_error(VT_EFORMAT, "%s: not a vitrum trajectory (bad magic)", path);
    else if (fread(head, sizeof head, 1, t->fp) != 1)
      rc = vt_error(VT_EFORMAT, "%s: truncated trajectory header", path);
    else if (head[1] != VT_BYTE_ORDER_MARK)
      rc = vt_error(VT_EFORMAT, "%s: trajectory written on a machine of another byte order", path);
    else if (head[0] != TRAJ_VERSION)
      rc = vt_error(VT_EFORMAT, "%s: trajectory version %u; this vitrum reads version %u", path, head[0], TRAJ_VERSION);
    if (rc) { fclose(t->fp); goto fail; }
  } else {
    if ((rc = vt_lines_open(&t->lines, t->path))) goto fail;
  }
  if (!t->writing) t->total = count_frames(t);
  *out = t;
  return 0;
fail:
  free(t->path);
  free(t);
  return rc;
}

static void free_buffers(vt_trajectory *t)
{
  free(t->bx); free(t->bimg); free(t->btype); free(t->bv); free(t->bs); free(t->bm);
}

long vt_trajectory_count(const vt_trajectory *t) { return t->writing ? t->count : t->total; }
long vt_trajectory_position(const vt_trajectory *t) { return t->count; }

int vt_trajectory_write(vt_trajectory *t, const vt_system *s, double step, double time, unsigned what)
{
  if (!t->writing) return vt_error(VT_EINVAL, "trajectory %s is open for reading", t->path);
  if (t->err) return vt_error(t->err, "trajectory %s: an earlier write failed", t->path);
  if (!isfinite(step) || !isfinite(time))
    return vt_error(VT_EINVAL, "trajectory %s: step and time must be finite", t->path);
  if (what & ~(unsigned)(VT_FRAME_VELOCITIES | VT_FRAME_DIAMETERS | VT_FRAME_TIME))
    return vt_error(VT_EINVAL, "trajectory %s: unknown frame fields %#x", t->path, what);
  int rc, given_time = (what & VT_FRAME_TIME) != 0;
  what &= ~(unsigned)VT_FRAME_TIME;
  if (t->fmt == T_DUMP) {
    rc = vt_dump_write_frame(t->w.fp, s, step, given_time ? &time : NULL);
  } else if (t->fmt == T_XYZ) {
    rc = vt_xyz_write_frame(t->w.fp, s, &step, &time);
  } else {
    size_t n = s->n;
    vt_obuf b = {0};
    vt_obuf_f64(&b, step);
    vt_obuf_f64(&b, time);
    vt_obuf_u64(&b, n);
    for (int k = 0; k < 3; k++) vt_obuf_f64(&b, s->box[k]);
    vt_obuf_u32(&b, (uint32_t)s->ntypes);
    vt_obuf_u32(&b, what);
    vt_obuf_put(&b, s->x, 3 * n * sizeof(double));
    vt_obuf_put(&b, s->image, 3 * n * sizeof(int));
    vt_obuf_put(&b, s->type, n * sizeof(int));
    if (what & VT_FRAME_VELOCITIES) vt_obuf_put(&b, s->v, 3 * n * sizeof(double));
    if (what & VT_FRAME_DIAMETERS) {
      vt_obuf_u32(&b, (uint32_t)s->mass_rule);
      vt_obuf_put(&b, s->sigma, n * sizeof(double));
      vt_obuf_put(&b, s->mass, n * sizeof(double));
    }
    if (b.oom) rc = vt_error(VT_ENOMEM, "out of memory writing a frame of %s", t->path);
    else rc = vt_bin_write_record(t->w.fp, b.p, b.len, 1, t->path);  /* speed: doubles compress little */
    vt_obuf_free(&b);
  }
  if (!rc && ferror(t->w.fp)) rc = vt_error(VT_EIO, "write error: %s", strerror(errno));
  if (rc) {
    t->err = rc;
    return vt_error_prefix(rc, "trajectory %s: writing frame %ld (step %g) failed: ", t->path, t->count + 1, step);
  }
  t->count++;
  return 0;
}

static int frame_reserve(vt_trajectory *t, size_t n)
{
  if (n <= t->cap) return 0;
#define GROW(ptr, count)                                   \
  do {                                                     \
    void *np_ = realloc(ptr, (count) * sizeof *(ptr));     \
    if (!np_) return vt_error(VT_ENOMEM, "out of memory for a frame of %zu particles", n); \
    ptr = np_;                                             \
  } while (0)
  GROW(t->bx, 3 * n);
  GROW(t->bimg, 3 * n);
  GROW(t->btype, n);
  GROW(t->bv, 3 * n);
  GROW(t->bs, n);
  GROW(t->bm, n);
#undef GROW
  t->cap = n;
  return 0;
}

/* Decode a .vtt payload into t->fr (absent optional fields: NULL). */
static int decode_frame(vt_trajectory *t, const unsigned char *raw, size_t len)
{
  vt_ibuf in = {raw, len, 0, 0};
  vt_frame *f = &t->fr;
  char what_[32];
  snprintf(what_, sizeof what_, "frame %ld", t->count + 1);
  double step = vt_ibuf_f64(&in), time = vt_ibuf_f64(&in);
  uint64_t n = vt_ibuf_u64(&in);
  double box[3];
  for (int k = 0; k < 3; k++) box[k] = vt_ibuf_f64(&in);
  uint32_t ntypes = vt_ibuf_u32(&in), what = vt_ibuf_u32(&in);
  if (in.bad || n == 0 || !vt_ibuf_has(&in, n, 3 * sizeof(double) + 3 * sizeof(int) + sizeof(int)))
    return vt_error(VT_EFORMAT, "%s: %s has a bad particle count", t->path, what_);
  if (!isfinite(step) || !isfinite(time) || ntypes < 1 || ntypes > VT_MAX_SPECIES ||
      (what & ~(unsigned)(VT_FRAME_VELOCITIES | VT_FRAME_DIAMETERS)))
    return vt_error(VT_EFORMAT, "%s: %s has a corrupt header", t->path, what_);
  for (int k = 0; k < 3; k++)
    if (!(isfinite(box[k]) && box[k] > 0)) return vt_error(VT_EFORMAT, "%s: %s has a bad box", t->path, what_);
  int rc = frame_reserve(t, (size_t)n);
  if (rc) return rc;
  f->n = 0;   /* no valid frame until the checks pass */
  f->x = t->bx;
  f->image = t->bimg;
  f->type = t->btype;
  f->v = (what & VT_FRAME_VELOCITIES) ? t->bv : NULL;
  f->sigma = (what & VT_FRAME_DIAMETERS) ? t->bs : NULL;
  f->mass = (what & VT_FRAME_DIAMETERS) ? t->bm : NULL;
  vt_ibuf_get(&in, f->x, 3 * n * sizeof(double));
  vt_ibuf_get(&in, f->image, 3 * n * sizeof(int));
  vt_ibuf_get(&in, f->type, n * sizeof(int));
  if (f->v) vt_ibuf_get(&in, f->v, 3 * n * sizeof(double));
  uint32_t rule = 0;
  if (what & VT_FRAME_DIAMETERS) {
    rule = vt_ibuf_u32(&in);
    vt_ibuf_get(&in, f->sigma, n * sizeof(double));
    vt_ibuf_get(&in, f->mass, n * sizeof(double));
  }
  if (in.bad || in.pos != in.len || rule > 3)
    return vt_error(VT_EFORMAT, "%s: %s has the wrong size for its contents", t->path, what_);
  for (size_t i = 0; i < n; i++) {
    if (f->type[i] < 1 || f->type[i] > (int)ntypes) return vt_error(VT_EFORMAT, "%s: %s has a bad type", t->path, what_);
    for (int k = 0; k < 3; k++) {
      double x = f->x[3 * i + k];
      /* positions drift up to skin/2 out of [0, L) between neighbor-list
       * builds and are written as they are (as checkpoints store them):
       * accept anything within a box length of the box, and wrap below */
      if (!(x >= -box[k] && x < 2 * box[k]) || f->image[3 * i + k] < -(1 << 30) || f->image[3 * i + k] > (1 << 30) ||
          ((what & VT_FRAME_VELOCITIES) && !isfinite(f->v[3 * i + k])))
        return vt_error(VT_EFORMAT, "%s: %s has a bad position, image or velocity", t->path, what_);
    }
    if ((what & VT_FRAME_DIAMETERS) &&
        !(isfinite(f->sigma[i]) && f->sigma[i] > 0 && isfinite(f->mass[i]) && f->mass[i] > 0))
      return vt_error(VT_EFORMAT, "%s: %s has a bad diameter or mass", t->path, what_);
  }
  for (size_t i = 0; i < 3 * n; i++) {
    double L = box[i % 3], *x = &f->x[i];
    if (*x >= 0 && *x < L) continue;
    int m = *x < 0 ? -1 : 1;
    *x -= m * L;
    if (*x >= L || *x < 0) *x = 0.0;   /* round-off at an edge */
    f->image[i] += m;
  }
  f->n = (size_t)n;
  f->step = step;
  f->time = time;
  memcpy(f->box, box, sizeof box);
  f->ntypes = (int)ntypes;
  f->what = what;
  f->mass_rule = (what & VT_FRAME_DIAMETERS) ? (int)rule : -1;
  return 0;
}

static int read_text_frame(vt_trajectory *t)
{
  vt_system *s;
  double step, time;
  t->lines.frame_what = 0;
  int rc = t->fmt == T_DUMP ? vt_dump_read_frame(&t->lines, &t->io, 0, &s, &step, &time)
                            : vt_xyz_read_frame(&t->lines, &t->io, 0, &s, &step, &time);
  if (rc <= 0) return rc;
  vt_frame *f = &t->fr;
  if ((rc = frame_reserve(t, s->n))) { vt_system_free(s); return rc; }
  size_t n = s->n;
  unsigned what = t->lines.frame_what;
  if (t->ro.nmass > 0) {
    /* per-type masses from the user */
    for (size_t i = 0; i < n; i++) {
      if (s->type[i] > t->ro.nmass) {
        int ty = s->type[i];
        vt_system_free(s);
        return vt_error(VT_EINVAL, "%s: frame %ld has particles of type %d; masses were given for types 1..%d",
                        t->path, t->count + 1, ty, t->ro.nmass);
      }
      s->mass[i] = t->ro.masses[s->type[i] - 1];
    }
    s->mass_rule = VT_MASS_SPECIES;
    what |= VT_FRAME_DIAMETERS;
  }
  f->x = t->bx; f->image = t->bimg; f->type = t->btype;
  f->v = (what & VT_FRAME_VELOCITIES) ? t->bv : NULL;
  f->sigma = (what & VT_FRAME_DIAMETERS) ? t->bs : NULL;
  f->mass = (what & VT_FRAME_DIAMETERS) ? t->bm : NULL;
  memcpy(f->x, s->x, 3 * n * sizeof(double));
  memcpy(f->image, s->image, 3 * n * sizeof(int));
  memcpy(f->type, s->type, n * sizeof(int));
  if (f->v) memcpy(f->v, s->v, 3 * n * sizeof(double));
  if (f->sigma) memcpy(f->sigma, s->sigma, n * sizeof(double));
  if (f->mass) memcpy(f->mass, s->mass, n * sizeof(double));
  f->n = n;
  f->step = isnan(step) ? (double)t->count : step;
  f->time = isnan(time) && t->ro.dt > 0 ? f->step * t->ro.dt : time;
  memcpy(f->box, s->box, sizeof f->box);
  f->ntypes = s->ntypes;
  f->mass_rule = (what & VT_FRAME_DIAMETERS) ? s->mass_rule : -1;
  f->what = what;
  vt_system_free(s);
  return 1;
}

int vt_trajectory_read_next(vt_trajectory *t, const vt_frame **frame)
{
  if (frame) *frame = NULL;
  if (t->writing) return vt_error(VT_EINVAL, "trajectory %s is open for writing", t->path);
  int rc;
  if (t->fmt != T_VTT) {
    rc = read_text_frame(t);
  } else {
    unsigned char *raw;
    size_t len;
    char what_[32];
    snprintf(what_, sizeof what_, "frame %ld", t->count + 1);
    rc = vt_bin_read_record(t->fp, t->path, what_, 1, t->size, &raw, &len);
    if (rc == 1) {
      int drc = decode_frame(t, raw, len);
      free(raw);
      if (drc) rc = drc;
    }
  }
  if (rc == 1) {
    t->count++;
    if (frame) *frame = &t->fr;
  }
  return rc;
}

int vt_trajectory_skip(vt_trajectory *t)
{
  double step, time;
  int rc;
  if (t->writing) return vt_error(VT_EINVAL, "trajectory %s is open for writing", t->path);
  if (t->fmt == T_DUMP) rc = vt_dump_read_frame(&t->lines, NULL, 1, NULL, &step, &time);
  else if (t->fmt == T_XYZ) rc = vt_xyz_read_frame(&t->lines, NULL, 1, NULL, &step, &time);
  else {
    char what_[32];
    snprintf(what_, sizeof what_, "frame %ld", t->count + 1);
    rc = vt_bin_skip_record(t->fp, t->path, what_, t->size);
  }
  if (rc == 1) t->count++;
  return rc;
}

int vt_trajectory_close(vt_trajectory *t)
{
  if (!t) return 0;
  int rc = 0;
  if (t->writing) {
    if (t->err) { vt_wfile_abort(&t->w); rc = vt_error(t->err, "trajectory %s was not written: an earlier write failed", t->path); }
    else rc = vt_wfile_commit(&t->w);
  } else if (t->fmt == T_VTT) {
    fclose(t->fp);
  } else {
    vt_lines_close(&t->lines);
  }
  free_buffers(t);
  free(t->path);
  free(t);
  return rc;
}

void vt_trajectory_abort(vt_trajectory *t)
{
  if (!t) return;
  if (t->writing) {
    vt_wfile_abort(&t->w);
    free_buffers(t);
    free(t->path);
    free(t);
  } else {
    vt_trajectory_close(t);
  }
}

void vt_frame_unwrapped(const vt_frame *f, double *x3n)
{
  for (size_t i = 0; i < 3 * f->n; i++) x3n[i] = f->x[i] + f->image[i] * f->box[i % 3];
}

int vt_frame_to_system(const vt_frame *f, const vt_system *like, vt_system **out)
{
  vt_system *s;
  *out = NULL;
  if (like && like->n != f->n)
    return vt_error(VT_EINVAL, "frame of %zu particles, reference system of %zu", f->n, like->n);
  int rc = vt_system_alloc(f->n, f->box, &s);
  if (rc) return rc;
  size_t n = f->n;
  memcpy(s->x, f->x, 3 * n * sizeof(double));
  memcpy(s->image, f->image, 3 * n * sizeof(int));
  memcpy(s->type, f->type, n * sizeof(int));
  s->ntypes = f->ntypes;
  if (f->what & VT_FRAME_VELOCITIES) memcpy(s->v, f->v, 3 * n * sizeof(double));
  if (f->what & VT_FRAME_DIAMETERS) {
    memcpy(s->sigma, f->sigma, n * sizeof(double));
    memcpy(s->mass, f->mass, n * sizeof(double));
    s->mass_rule = f->mass_rule;
    if (like) memcpy(s->type_mass, like->type_mass, sizeof s->type_mass);
    if (s->mass_rule == VT_MASS_SPECIES)
      for (size_t i = 0; i < n; i++) s->type_mass[s->type[i]] = s->mass[i];
  } else if (like) {
    memcpy(s->sigma, like->sigma, n * sizeof(double));
    memcpy(s->mass, like->mass, n * sizeof(double));
    s->mass_rule = like->mass_rule;
    memcpy(s->type_mass, like->type_mass, sizeof s->type_mass);
  }
  if (like) {
    if (like->ntypes > s->ntypes) s->ntypes = like->ntypes;
    s->skin = like->skin;
    if (like->pot && (rc = vt_system_set_potential(s, like->pot))) { vt_system_free(s); return rc; }
  }
  *out = s;
  return 0;
}
