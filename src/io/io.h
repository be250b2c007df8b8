/* Reading and writing systems: LAMMPS data files, LAMMPS dump files (text,
 * `dump custom`), extended XYZ, vitrum checkpoints (.vtc) and vitrum
 * trajectories (.vtt). All readers are strict: a malformed file gives
 * VT_EFORMAT with a message "FILE:LINE: problem" (or "FILE: problem" for the
 * binary formats) and never a half-read system. All writers go through
 * vt_wfile (temporary name, then rename).
 *
 * Conventions shared by the text formats (doc/lua-api.md, "Files"):
 * - Particles read from files that carry atom ids are ordered by id; the ids
 *   must be exactly 1..N (vitrum index i is id i). Written files use ids 1..N.
 * - The box is [lo, hi) per axis, periodic; positions are shifted by -lo and
 *   wrapped into [0, L) with the image counts updated, as LAMMPS does for
 *   periodic boundaries, so the unwrapped positions are what the file says.
 *   Positions may lie anywhere (a dump of unwrapped coordinates, a slightly
 *   drifted atom); only non-finite values, coordinates more than 2^29 box
 *   lengths away and image flags beyond +-2^29 are errors (so image counts
 *   cannot overflow). Triclinic boxes with a non-zero tilt are rejected.
 * - The one rule for positions. A running simulation wraps positions into
 *   [0, L) only when it rebuilds its neighbor list; in between they drift
 *   up to half the skin past the box. Text writers wrap on output, and text
 *   readers return positions in [0, L) (as above). The binary formats
 *   store the state exactly as it is, and their readers accept positions
 *   anywhere within one box length of the box, [-L, 2L) per axis:
 *   checkpoints return them as stored, so that a resumed run is
 *   bit-identical; .vtt frames come back wrapped into [0, L) with the image
 *   counts adjusted (their unwrapped positions are exact). A position
 *   further out is a damaged file
 *   (VT_EFORMAT). scripts/fuzz/fuzz_readers.c checks this rule.
 * - Masses: when the file does not say how masses were assigned (dumps), the
 *   mass rule is inferred, first match wins: all 1 -> "equal"; one mass per
 *   type -> "species"; m_i == sigma_i^3 -> "volume"; otherwise explicit
 *   per-particle masses. Files without masses give masses 1 ("equal").
 *
 * LAMMPS data files (atom_style atomic or sphere). When every particle of a
 * type has the same diameter and mass, vitrum writes atom_style atomic,
 * with one mass per type in Masses; otherwise (polydisperse systems)
 * atom_style sphere, "id type diameter density x y z ix iy iz" with density
 * = mass / (pi/6 d^3), which LAMMPS keeps per particle. Asking for atomic
 * style when the values differ within a type is an error (nothing is
 * averaged). In both styles a header comment "# vitrum atoms: diameter mass"
 * declares that each Atoms line ends in "# <diameter> <mass>" (the exact
 * values; LAMMPS strips comments), and "# vitrum mass_rule <rule>" records
 * the mass rule. Reading a file without these comments: atomic style takes
 * masses from Masses (mass rule "species"), diameters from opts->diameters
 * per type, or 1 for every particle when no diameters are given (the LAMMPS
 * convention: sigma lives in pair_coeff); sphere style takes diameters and
 * masses from the Atoms lines (angular velocities are ignored). */
#ifndef VT_IO_H
#define VT_IO_H
#include <stddef.h>
#include "core/system.h"

typedef struct vt_io_opts {
  /* NULL: from the extension: .data/.lmp -> "lammps-data",
   * .dump/.lammpstrj -> "lammps-dump", .xyz/.extxyz -> "xyz",
   * .vtc -> "checkpoint", .vtt -> "trajectory" (reading: its first frame) */
  const char *format;
  /* Per-type diameters (type t gets diameters[t-1]) for files that carry
   * none. ndiam == 0: diameters 1. ndiam > 0 must cover every type present,
   * and is an error for files that carry their own diameters. */
  int ndiam;
  double diameters[VT_MAX_SPECIES];
  /* Multi-frame files (dump, xyz, trajectory): which frame to read, 0-based;
   * -1 reads the last frame. */
  long frame;
  /* ---- writing ----
   * xyz: the species name of each type (species[t-1]; NULL entries get the
   * default, the chemical symbol with atomic number t: H, He, Li, ..., names
   * that ASE and OVITO read). Names are 1..31 characters without blanks,
   * quotes or '='; different types need different names. */
  const char *species[VT_MAX_SPECIES];
  /* lammps-data: "atomic", "sphere", or NULL: "sphere" when the diameters
   * or masses differ within a type, else "atomic". */
  const char *atom_style;
  /* dump and xyz: extra per-atom columns (see vt_io_column). */
  int ncolumns;
  const struct vt_io_column *columns;
} vt_io_opts;

/* An extra per-atom column for dumps and extended XYZ (OVITO colours by
 * them): `k` values per particle (1..9), data[k * i + c] for particle i.
 * Dumps name the columns `name` (k = 1) or `name[1]`..`name[k]`; extended
 * XYZ declares `name:R:k`. Names are letters, digits and '_' (not starting
 * with a digit), at most 31 characters, and must not repeat a column the
 * writer already writes. */
typedef struct vt_io_column {
  const char *name;
  int k;
  const double *data;
} vt_io_column;

/* Position and image counts of particle i as files show them: wrapped into
 * [0, L) with the images adjusted (the system itself lets positions drift
 * outside the box between neighbor-list builds; x + image * L is the same). */
void vt_io_wrapped(const vt_system *s, size_t i, double x[3], int image[3]);

/* Format name for a path from its extension, or NULL when unknown. */
const char *vt_io_format_from_path(const char *path);

/* Read a system (opts may be NULL). On error *out is NULL. */
int vt_io_read(const char *path, const vt_io_opts *opts, vt_system **out);
/* Write a system (opts may be NULL); "trajectory" writes a one-frame .vtt. */
int vt_io_write(const vt_system *s, const char *path, const vt_io_opts *opts);

/* The individual formats (vt_io_read/write dispatch to these). `step` is the
 * timestep written to a dump frame. */
int vt_lammps_data_read(const char *path, const vt_io_opts *opts, vt_system **out);
int vt_lammps_data_write(const vt_system *s, const char *path);
int vt_lammps_data_write_opts(const vt_system *s, const char *path, const vt_io_opts *opts);
int vt_lammps_dump_read(const char *path, const vt_io_opts *opts, vt_system **out);
int vt_lammps_dump_write(const vt_system *s, const char *path, long step);
int vt_lammps_dump_write_opts(const vt_system *s, const char *path, long step, const vt_io_opts *opts);
int vt_xyz_read(const char *path, const vt_io_opts *opts, vt_system **out);
int vt_xyz_write(const vt_system *s, const char *path);
int vt_xyz_write_opts(const vt_system *s, const char *path, const vt_io_opts *opts);

/* ---- checkpoints (.vtc) ----
 * A versioned, zlib-compressed binary snapshot of the complete state: box,
 * positions, images, velocities, forces (with their validity), types,
 * diameters, masses, mass rule and type masses, skin, number of types, the
 * potential's model name and creation parameters (re-created with
 * vt_potential_create on reading), and any number of named opaque blobs
 * (integrator, thermostat, RNG state, ...). A CRC32 of the uncompressed
 * payload is verified on reading. The round trip is bit-exact.
 * File layout (all integers little-endian on the machines we run on; the
 * header records the byte order and a foreign one is rejected):
 *   "VTCHKPT\0" | u32 version | u32 0x01020304 | u64 raw size |
 *   u64 compressed size | u32 crc32(raw) | zlib stream of the payload */
typedef struct vt_blob {
  char name[64];
  void *data;
  size_t size;
} vt_blob;

int vt_checkpoint_write(const char *path, const vt_system *s, const vt_blob *blobs, size_t nblobs);
/* blobs and nblobs may be NULL when the caller does not want them; the
 * returned array is malloc'd, free it with vt_blobs_free(blobs, n). */
int vt_checkpoint_read(const char *path, vt_system **s, vt_blob **blobs, size_t *nblobs);
void vt_blobs_free(vt_blob *b, size_t n);
/* The blob called `name` in a list, or NULL. */
const vt_blob *vt_blob_find(const vt_blob *b, size_t n, const char *name);

/* ---- trajectories (.vtt) ----
 * A header ("VTTRAJ\0\0", version, byte order) followed by one record per
 * frame, each compressed on its own with a CRC32, so a reader can skip
 * frames and a damaged frame is detected. A frame holds caller-provided
 * step and time, the box, wrapped positions plus image counts (exact
 * unwrapped positions x + image * L, as vt_system_unwrapped), types, and
 * optionally velocities and diameters (with masses and the mass rule).
 * Written through vt_wfile: the file appears under its name at
 * vt_trajectory_close.
 *
 * The same object writes and reads multi-frame LAMMPS dumps (.dump,
 * .lammpstrj) and extended XYZ (.xyz, .extxyz) for OVITO and friends, chosen
 * by the extension; text frames carry velocities when the file has them,
 * and diameters and masses when the file has diameters or the reader was
 * given per-type diameters or masses (vt_traj_opts). A .vtt frame's
 * positions may have drifted outside [0, L) since the writer's last
 * neighbor-list build (by less than a box length): the reader wraps them,
 * adding to the image counts, so unwrapped positions are exact. */
enum {
  VT_FRAME_VELOCITIES = 1u,  /* store velocities */
  VT_FRAME_DIAMETERS = 2u,   /* store diameters and masses */
  VT_FRAME_TIME = 4u         /* the caller gave the time: LAMMPS dumps then
                                carry ITEM: TIME (before ITEM: TIMESTEP, as
                                LAMMPS writes it); without it they do not,
                                the plain layout that every reader knows */
};

typedef struct vt_frame {
  size_t n;
  double step, time;  /* as written; text frames without them: step = frame
                         index (0-based), time = NAN */
  double box[3];
  int ntypes;
  int mass_rule;      /* with VT_FRAME_DIAMETERS, else -1 */
  unsigned what;      /* VT_FRAME_* present in this frame */
  double *x;          /* 3n wrapped positions */
  int *image;         /* 3n image counts */
  int *type;          /* n */
  double *v;          /* 3n, or NULL */
  double *sigma;      /* n, or NULL */
  double *mass;       /* n, or NULL */
} vt_frame;

typedef struct vt_trajectory vt_trajectory;

/* mode "w" (create or replace) or "r". */
int vt_trajectory_open(const char *path, const char *mode, vt_trajectory **out);

/* Options for reading text trajectories (dumps, xyz), which often carry no
 * diameters, masses or times: per-type diameters (type t gets
 * diameters[t-1]; an error when the file has its own), per-type masses, and
 * the time step (a frame's time = step * dt when the file has none). */
typedef struct vt_traj_opts {
  int ndiam, nmass;
  double diameters[VT_MAX_SPECIES];
  double masses[VT_MAX_SPECIES];
  double dt;
} vt_traj_opts;
/* As vt_trajectory_open; ro may be NULL, and is for mode "r" only. */
int vt_trajectory_open_opts(const char *path, const char *mode, const vt_traj_opts *ro, vt_trajectory **out);
/* Append a frame of s; `what` is a set of VT_FRAME_* flags. */
int vt_trajectory_write(vt_trajectory *t, const vt_system *s, double step, double time, unsigned what);
/* Read the next frame into t's frame buffer: returns 1 and sets *frame (valid
 * until the next call or close), 0 at the end of the file, < 0 on error. */
int vt_trajectory_read_next(vt_trajectory *t, const vt_frame **frame);
/* Skip the next frame without decoding it: 1 skipped, 0 at the end, < 0 error. */
int vt_trajectory_skip(vt_trajectory *t);
/* Frames written (mode "w"), or the frames in the file (mode "r", counted
 * at open without decoding them: .vtt records are skipped by their sizes,
 * text frames by their particle counts; -1 when the file is not a regular
 * file; counting stops before a malformed frame). */
long vt_trajectory_count(const vt_trajectory *t);
/* Frames read or skipped so far (mode "r"). */
long vt_trajectory_position(const vt_trajectory *t);
/* Finish: for "w", commits the file (renames it into place); returns the
 * first error met. Frees t in any case. */
int vt_trajectory_close(vt_trajectory *t);
/* Discard a trajectory being written (no file appears) and free t. */
void vt_trajectory_abort(vt_trajectory *t);

/* ---- H5MD (.h5md) ----
 * HDF5 trajectories in the H5MD layout (see src/io/h5md.c), for MDAnalysis
 * and OVITO: per frame the box, wrapped positions, images, velocities,
 * diameters and masses; the types once. Needs libhdf5 at build time
 * (vt_h5md_available); without it every call is VT_EINVAL saying so. */
typedef struct vt_h5md vt_h5md;
int vt_h5md_available(void);
/* Create (or replace, at close) the file; the first frame fixes N. */
int vt_h5md_create(const char *path, vt_h5md **out);
int vt_h5md_write(vt_h5md *h, const vt_system *s, long step, double time);
long vt_h5md_count(const vt_h5md *h);
/* Commit the file (renamed into place); frees h in any case. */
int vt_h5md_close(vt_h5md *h);
void vt_h5md_abort(vt_h5md *h);
/* Frame opts->frame (0-based, -1 the last) of an H5MD file as a system. */
int vt_h5md_read(const char *path, const vt_io_opts *opts, vt_system **out);

/* Unwrapped positions x + image * L of a frame (3n doubles). */
void vt_frame_unwrapped(const vt_frame *f, double *x3n);
/* A new system from a frame: positions, images, types; velocities, diameters
 * and masses when the frame has them (else zero velocities, diameters 1 and
 * masses 1, or the values of `like` when given: a system with the same n
 * whose diameters, masses, mass rule, potential and skin are used). */
int vt_frame_to_system(const vt_frame *f, const vt_system *like, vt_system **out);

#endif
