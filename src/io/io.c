/* Format dispatch for vt_io_read / vt_io_write (see io.h). */
#include "core/error.h"
#include "io/io.h"
#include "io/text.h"
#include <string.h>
#include <strings.h>

static const struct { const char *ext, *format; } extensions[] = {
  {".data", "lammps-data"}, {".lmp", "lammps-data"},
  {".dump", "lammps-dump"}, {".lammpstrj", "lammps-dump"},
  {".xyz", "xyz"}, {".extxyz", "xyz"},
  {".vtc", "checkpoint"}, {".vtt", "trajectory"}, {".h5md", "h5md"},
};

static const char *const formats[] = {"lammps-data", "lammps-dump", "xyz", "checkpoint", "trajectory", "h5md", NULL};

const char *vt_io_format_from_path(const char *path)
{
  size_t len = strlen(path);
  for (size_t k = 0; k < sizeof extensions / sizeof extensions[0]; k++) {
    size_t el = strlen(extensions[k].ext);
    if (len > el && strcasecmp(path + len - el, extensions[k].ext) == 0) return extensions[k].format;
  }
  return NULL;
}

static int pick(const char *path, const vt_io_opts *opts, const char **fmt)
{
  *fmt = opts && opts->format ? opts->format : vt_io_format_from_path(path);
  if (!*fmt)
    return vt_error(VT_EINVAL, "%s: cannot tell the format from the extension (known: .data .lmp .dump "
                    ".lammpstrj .xyz .extxyz .vtc .vtt .h5md); give format=", path);
  for (int k = 0; formats[k]; k++)
    if (strcmp(*fmt, formats[k]) == 0) return 0;
  return vt_error(VT_EINVAL, "%s: unknown format '%s' (known: lammps-data, lammps-dump, xyz, checkpoint, trajectory, h5md)",
                  path, *fmt);
}

static int read_trajectory_frame(const char *path, const vt_io_opts *opts, vt_system **out)
{
  vt_trajectory *t;
  long want = opts ? opts->frame : 0;
  int rc = vt_trajectory_open(path, "r", &t);
  if (rc) return rc;
  if (want < -1) rc = vt_error(VT_EINVAL, "reading %s: frame %ld does not exist", path, want);
  if (want == -1) {
    long count = 0;
    while (!rc && (rc = vt_trajectory_skip(t)) == 1) { count++; rc = 0; }
    if (rc < 0) { vt_trajectory_close(t); return rc; }
    vt_trajectory_close(t);
    if (count == 0) return vt_error(VT_EFORMAT, "%s: no frames", path);
    if ((rc = vt_trajectory_open(path, "r", &t))) return rc;
    want = count - 1;
  }
  for (long k = 0; !rc && k < want; k++) {
    rc = vt_trajectory_skip(t);
    if (rc == 0) rc = vt_error(VT_EFORMAT, "%s: frame %ld requested, the file has %ld", path, want + 1, k);
    else if (rc == 1) rc = 0;
  }
  const vt_frame *f = NULL;
  if (!rc) {
    rc = vt_trajectory_read_next(t, &f);
    if (rc == 0) rc = want ? vt_error(VT_EFORMAT, "%s: frame %ld requested, the file has %ld", path, want + 1, want)
                           : vt_error(VT_EFORMAT, "%s: no frames", path);
  }
  if (rc == 1) {
    rc = vt_frame_to_system(f, NULL, out);
    if (!rc && !(f->what & VT_FRAME_DIAMETERS)) rc = vt_io_apply_diameters(*out, opts, 0, path);
  }
  vt_trajectory_close(t);
  if (rc < 0) { vt_system_free(*out); *out = NULL; }
  return rc < 0 ? rc : 0;
}

int vt_io_read(const char *path, const vt_io_opts *opts, vt_system **out)
{
  const char *fmt;
  *out = NULL;
  int rc = pick(path, opts, &fmt);
  if (rc) return rc;
  if (opts && (opts->ndiam < 0 || opts->ndiam > VT_MAX_SPECIES))
    return vt_error(VT_EINVAL, "reading %s: %d per-type diameters given", path, opts->ndiam);
  if (opts && opts->frame != 0 && (strcmp(fmt, "lammps-data") == 0 || strcmp(fmt, "checkpoint") == 0))
    return vt_error(VT_EINVAL, "reading %s: a %s file has one frame; frame= is for dumps, xyz and trajectories", path, fmt);
  if (strcmp(fmt, "lammps-data") == 0) return vt_lammps_data_read(path, opts, out);
  if (strcmp(fmt, "lammps-dump") == 0) return vt_lammps_dump_read(path, opts, out);
  if (strcmp(fmt, "xyz") == 0) return vt_xyz_read(path, opts, out);
  if (strcmp(fmt, "trajectory") == 0) return read_trajectory_frame(path, opts, out);
  if (strcmp(fmt, "h5md") == 0) return vt_h5md_read(path, opts, out);
  if (opts && opts->ndiam > 0)
    return vt_error(VT_EINVAL, "reading %s: a checkpoint carries its diameters; do not give diameters=", path);
  return vt_checkpoint_read(path, out, NULL, NULL);
}

int vt_io_write(const vt_system *s, const char *path, const vt_io_opts *opts)
{
  const char *fmt;
  int rc = pick(path, opts, &fmt);
  if (rc) return rc;
  if (opts && opts->ndiam)
    return vt_error(VT_EINVAL, "writing %s: diameters= is an option for reading", path);
  int dump = strcmp(fmt, "lammps-dump") == 0, xyz = strcmp(fmt, "xyz") == 0, data = strcmp(fmt, "lammps-data") == 0;
  if (opts && opts->ncolumns && !dump && !xyz)
    return vt_error(VT_EINVAL, "writing %s: extra columns are for dumps and xyz files, not %s", path, fmt);
  if (opts && opts->atom_style && !data)
    return vt_error(VT_EINVAL, "writing %s: atom_style is for LAMMPS data files, not %s", path, fmt);
  if (opts && !xyz)
    for (int t = 0; t < VT_MAX_SPECIES; t++)
      if (opts->species[t])
        return vt_error(VT_EINVAL, "writing %s: species names are for xyz files, not %s (which use type numbers)", path, fmt);
  if (data) return vt_lammps_data_write_opts(s, path, opts);
  if (dump) return vt_lammps_dump_write_opts(s, path, 0, opts);
  if (xyz) return vt_xyz_write_opts(s, path, opts);
  if (strcmp(fmt, "checkpoint") == 0) return vt_checkpoint_write(path, s, NULL, 0);
  if (strcmp(fmt, "h5md") == 0) {
    vt_h5md *h;
    if ((rc = vt_h5md_create(path, &h))) return rc;
    if ((rc = vt_h5md_write(h, s, 0, 0.0))) { vt_h5md_abort(h); return rc; }
    return vt_h5md_close(h);
  }
  vt_trajectory *t;
  if ((rc = vt_trajectory_open(path, "w", &t))) return rc;
  if ((rc = vt_trajectory_write(t, s, 0.0, 0.0, VT_FRAME_VELOCITIES | VT_FRAME_DIAMETERS))) {
    vt_trajectory_abort(t);
    return rc;
  }
  return vt_trajectory_close(t);
}
