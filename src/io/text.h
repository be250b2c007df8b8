/* Internal helpers of the text readers and writers (not installed): a line
 * reader that counts lines, a whitespace tokenizer, strict number parsing
 * with "FILE:LINE: problem" errors, ordering by atom id, and the mass-rule
 * inference shared by the formats. */
#ifndef VT_IO_TEXT_H
#define VT_IO_TEXT_H
#include <stdio.h>
#include "core/system.h"

struct vt_io_opts;

typedef struct vt_lines {
  FILE *fp;
  const char *path;
  long line;          /* number of the line in buf (1-based) */
  char *buf;          /* current line, newline stripped */
  size_t cap;
  long len;
  long long size;     /* file size in bytes (for plausibility checks) */
  /* tokens of the current line (after vt_lines_split) */
  char **tok;
  int ntok, tokcap;
  char *copy;         /* the text the tokens point into */
  size_t copycap;
  int pushed;         /* vt_lines_unread: deliver buf again */
  /* set by the frame readers: VT_FRAME_* fields the last frame carried
   * (velocities; diameters from the file or from opts) */
  unsigned frame_what;
} vt_lines;

/* Open for reading (VT_EIO with the reason on failure). */
int vt_lines_open(vt_lines *r, const char *path);
void vt_lines_close(vt_lines *r);
/* Next line: 1 read, 0 end of file, < 0 error. */
int vt_lines_next(vt_lines *r);
/* Deliver the current line again on the next vt_lines_next. */
void vt_lines_unread(vt_lines *r);
/* Next line that is not blank (after stripping a '#' comment when strip is
 * set): 1, 0 at the end, < 0 error. */
int vt_lines_next_content(vt_lines *r, int strip_comment);
/* Split the current line at whitespace into r->tok/r->ntok; when
 * strip_comment is set, stop at the first '#'. Modifies r->buf. */
int vt_lines_split(vt_lines *r, int strip_comment);
/* Error "FILE:LINE: message" (VT_EFORMAT). */
int vt_lines_error(const vt_lines *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Strict conversions of a whole token; 0 or VT_EFORMAT naming the file, line
 * and `what`. Doubles must be finite. */
int vt_lines_double(const vt_lines *r, const char *tok, const char *what, double *out);
/* A strictly positive number (diameters, masses); `scale` multiplies it
 * (2 turns a radius column into a diameter). */
int vt_lines_positive(const vt_lines *r, const char *tok, const char *what, double scale, double *out);
int vt_lines_long(const vt_lines *r, const char *tok, const char *what, long lo, long hi, long *out);
/* A coordinate: finite and less than 2^29 box lengths L from lo (further
 * away would overflow the image counts). */
int vt_lines_coord(const vt_lines *r, const char *tok, double lo, double L, double *out);
/* Plain conversions without a message: 0 on success, -1 otherwise. */
int vt_parse_double(const char *tok, double *out);
int vt_parse_long(const char *tok, long *out);

/* Remove leading and trailing whitespace in place; returns the start. */
char *vt_trim(char *s);

/* Shift positions by -lo, wrap into [0, L) and add the wraps to the images
 * (which may hold image flags read from the file). VT_EFORMAT naming `path`
 * when an image count leaves +-2^30. */
int vt_io_wrap(vt_system *s, const double lo[3], const char *path);

/* Mass rule from the masses themselves (see io.h); fills type_mass for
 * "species". */
void vt_io_infer_mass_rule(vt_system *s);

/* Set s->ntypes from the types present and check them against VT_MAX_SPECIES
 * (VT_EFORMAT naming `path`). */
int vt_io_set_ntypes(vt_system *s, int ntypes_declared, const char *path);

/* Apply per-type diameters from opts (see vt_io_opts); `have` says whether
 * the file carried its own diameters. */
int vt_io_apply_diameters(vt_system *s, const struct vt_io_opts *opts, int have, const char *path);

/* One frame of a multi-frame text format. Reading: 1 a frame (in *out,
 * unless skip is set: then it is only checked for shape and passed over),
 * 0 at the end of the file (before any line of a new frame), < 0 error.
 * step/time get the frame's metadata (NAN when absent). Writing: the frame
 * goes to fp; `time` may be NULL. */
int vt_dump_read_frame(vt_lines *r, const struct vt_io_opts *opts, int skip, vt_system **out,
                       double *step, double *time);
int vt_dump_write_frame(FILE *fp, const vt_system *s, double step, const double *time);
/* The same with writing options (extra columns; opts may be NULL). Positions
 * are written wrapped into [0, L) (vt_io_wrapped). */
int vt_dump_write_frame_opts(FILE *fp, const vt_system *s, double step, const double *time,
                             const struct vt_io_opts *opts);
int vt_xyz_read_frame(vt_lines *r, const struct vt_io_opts *opts, int skip, vt_system **out,
                      double *step, double *time);
int vt_xyz_write_frame(FILE *fp, const vt_system *s, const double *step, const double *time);
/* The same with writing options (species names, extra columns). */
int vt_xyz_write_frame_opts(FILE *fp, const vt_system *s, const double *step, const double *time,
                            const struct vt_io_opts *opts);

/* Species names for writing: names[t-1] for every type (opts->species or
 * the element defaults), checked; VT_EINVAL naming `path` when bad. */
int vt_io_species_names(const struct vt_io_opts *opts, int ntypes, const char *path, const char *names[]);
/* Check opts' extra columns against s (names, counts, finite values) and the
 * writer's own column names `taken` (NULL-terminated). */
int vt_io_check_columns(const vt_system *s, const struct vt_io_opts *opts, const char *const *taken, const char *path);

/* Read frame opts->frame (0-based; -1 the last) of a multi-frame text file
 * with one of the frame readers above. */
typedef int (*vt_frame_reader)(vt_lines *, const struct vt_io_opts *, int, vt_system **, double *, double *);
int vt_io_read_frames(const char *path, const struct vt_io_opts *opts, vt_frame_reader fn, vt_system **out);

/* Print a double so that it reads back exactly. */
#define VT_FMT_EXACT "%.17g"

#endif
