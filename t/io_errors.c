/* Bad input never crashes and never yields a half-read system: every
 * malformed text file below gives VT_EFORMAT (or VT_EINVAL / VT_EIO where
 * stated) with a message "FILE:LINE: problem" naming the right line, and
 * *out stays NULL; truncated and corrupted checkpoints and trajectories are
 * caught by their sizes and CRC32. */
#include "tap.h"
#include "vitrum.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char dir[64];

typedef struct {
  const char *name;     /* file name: the extension picks the reader */
  const char *text;
  int line;             /* expected line in the message (0: no line) */
  const char *want;     /* expected part of the message */
} bad_case;

#define HEAD "LAMMPS data file\n\n2 atoms\n2 atom types\n\n0 5 xlo xhi\n0 5 ylo yhi\n0 5 zlo zhi\n\n"
#define MASSES "Masses\n\n1 1\n2 1.5\n\n"
/* line numbers: HEAD is lines 1-9, MASSES 10-14, "Atoms" is line 15, the atoms 17, 18 */
#define ATOMS "Atoms # atomic\n\n"
#define DUMPHEAD "ITEM: TIMESTEP\n0\nITEM: NUMBER OF ATOMS\n2\nITEM: BOX BOUNDS pp pp pp\n0 5\n0 5\n0 5\n"
#define XYZHEAD "2\nLattice=\"5 0 0 0 5 0 0 0 5\" Properties=species:S:1:pos:R:3\n"

static const bad_case cases[] = {
  {"empty.data", "", 1, "empty file"},
  {"trunc.data", HEAD MASSES ATOMS "1 1 0 0 0\n", 17, "end of file in the Atoms section after 1 of 2"},
  {"count.data", HEAD MASSES ATOMS "1 1 0 0 0\n\nVelocities\n\n1 0 0 0\n2 0 0 0\n", 19, "needs 'id type x y z"},
  {"nonnum.data", HEAD MASSES ATOMS "1 1 0 0 0\n2 1 1.0 abc 0\n", 18, "coordinate 'abc' is not a number"},
  {"nan.data", HEAD MASSES ATOMS "1 1 nan 0 0\n2 1 1 1 1\n", 17, "coordinate 'nan' is not finite"},
  {"inf.data", HEAD MASSES ATOMS "1 1 0 0 0\n2 1 1 1 1\n\nVelocities\n\n1 0 0 0\n2 0 -inf 0\n", 23, "velocity '-inf' is not finite"},
  {"huge.data", HEAD MASSES ATOMS "1 1 0 0 0\n2 1 1 1e300 1\n", 18, "too far outside the box"},
  /* found by fuzzing (8.9 million runs): a finite diameter whose sphere
   * mass overflows to infinity was accepted */
  {"sphmass.data", HEAD "Atoms # sphere\n\n1 1 6.5e113 2 0 0 0\n2 1 1 1 1 1 1\n", 12, "not a positive finite number"},
  {"dup.data", HEAD MASSES ATOMS "1 1 0 0 0\n1 2 1 1 1\n", 18, "atom id 1 appears twice"},
  {"idrange.data", HEAD MASSES ATOMS "1 1 0 0 0\n3 2 1 1 1\n", 18, "atom id 3 is outside [1, 2]"},
  {"id0.data", HEAD MASSES ATOMS "0 1 0 0 0\n1 2 1 1 1\n", 17, "atom id 0 is outside [1, 2]"},
  {"type.data", HEAD MASSES ATOMS "1 1 0 0 0\n2 3 1 1 1\n", 18, "atom type 3 is outside [1, 2]"},
  {"image.data", HEAD MASSES ATOMS "1 1 0 0 0 0 0.5 0\n2 1 1 1 1\n", 17, "image flag '0.5' is not an integer"},
  {"bigimage.data", HEAD MASSES ATOMS "1 1 0 0 0 0 0 0\n2 1 1 1 1 0 -1073741824 0\n", 18, "image flag -1073741824 is outside"},
  {"fields.data", HEAD MASSES ATOMS "1 1 0 0 0 0\n2 1 1 1 1\n", 17, "got 6 fields"},
  {"nobox.data", "t\n\n2 atoms\n2 atom types\n0 5 xlo xhi\n0 5 ylo yhi\n\n" MASSES ATOMS "1 1 0 0 0\n", 13, "no zlo zhi line"},
  {"badbox.data", "t\n\n2 atoms\n2 atom types\n0 5 xlo xhi\n5 5 ylo yhi\n", 6, "lo < hi"},
  {"tilt.data", "t\n\n2 atoms\n2 atom types\n0 5 xlo xhi\n0 5 ylo yhi\n0 5 zlo zhi\n0.5 0 0 xy xz yz\n", 8, "triclinic"},
  {"bonds.data", "t\n\n3 bonds\n", 3, "'bonds' is not supported"},
  {"header.data", "t\n\nfoo bar\n", 3, "unrecognized header line"},
  {"natoms.data", "t\n\n9999999 atoms\n", 3, "cannot fit"},
  {"style.data", HEAD MASSES "Atoms # full\n\n1 1 1 0 0 0 0\n", 15, "atom style 'full' is not supported"},
  {"section.data", HEAD MASSES "Bonds\n\n1 1 1 2\n", 15, "section 'Bonds' is not supported"},
  {"noblank.data", HEAD MASSES "Atoms\n1 1 0 0 0\n", 16, "expected a blank line after the Atoms keyword"},
  {"mass.data", HEAD "Masses\n\n1 1\n2 -1.5\n", 13, "mass -1.5 of type 2 must be positive"},
  {"massdup.data", HEAD "Masses\n\n1 1\n1 1.5\n", 13, "type 1 appears twice in Masses"},
  {"veldup.data", HEAD MASSES ATOMS "1 1 0 0 0\n2 1 1 1 1\n\nVelocities\n\n1 0 0 0\n1 0 0 0\n", 23, "atom id 1 appears twice in Velocities"},
  {"velfirst.data", HEAD MASSES "Velocities\n\n1 0 0 0\n2 0 0 0\n", 15, "Velocities section before the Atoms section"},
  {"garbage.data", HEAD MASSES ATOMS "1 1 0 0 0\n2 1 1 1 1\n\nhello world\n", 20, "expected a section keyword"},
  {"noatoms.data", HEAD MASSES, 14, "no Atoms section"},
  {"extras.data", "t\n# vitrum atoms: diameter mass\n\n2 atoms\n2 atom types\n\n0 5 xlo xhi\n0 5 ylo yhi\n0 5 zlo zhi\n\n" ATOMS
                  "1 1 0 0 0 # 1 1\n2 1 1 1 1\n", 14, "missing '# diameter mass'"},
  {"extras2.data", "t\n# vitrum atoms: diameter mass\n\n2 atoms\n2 atom types\n\n0 5 xlo xhi\n0 5 ylo yhi\n0 5 zlo zhi\n\n" ATOMS
                   "1 1 0 0 0 # 1 x\n2 1 1 1 1 # 1 1\n", 13, "mass 'x' is not a number"},
  {"extras3.data", "t\n# vitrum atoms: diameter mass\n\n2 atoms\n2 atom types\n\n0 5 xlo xhi\n0 5 ylo yhi\n0 5 zlo zhi\n\n" ATOMS
                   "1 1 0 0 0 # 0 1\n2 1 1 1 1 # 1 1\n", 13, "diameter 0 must be positive"},
  {"rule.data", "t\n# vitrum mass_rule heavy\n", 2, "unknown vitrum mass_rule 'heavy'"},

  {"noitem.dump", "hello\n", 1, "expected an ITEM: line"},
  {"order.dump", "ITEM: TIMESTEP\n0\nITEM: BOX BOUNDS pp pp pp\n0 5\n0 5\n0 5\nITEM: ATOMS id x y z\n", 7, "before ITEM: NUMBER OF ATOMS"},
  {"trunc.dump", DUMPHEAD "ITEM: ATOMS id type x y z\n1 1 0 0 0\n", 10, "end of file after 1 of 2 atoms"},
  {"fields.dump", DUMPHEAD "ITEM: ATOMS id type x y z\n1 1 0 0 0\n2 1 0 0\n", 11, "4 fields, the ATOMS line names 5"},
  {"bound.dump", "ITEM: TIMESTEP\n0\nITEM: NUMBER OF ATOMS\n2\nITEM: BOX BOUNDS ff pp pp\n", 5, "boundary 'ff' is not supported"},
  {"nopos.dump", DUMPHEAD "ITEM: ATOMS id type vx vy vz\n", 9, "no position columns"},
  {"partial.dump", DUMPHEAD "ITEM: ATOMS id type x y\n", 9, "must come together"},
  {"dup.dump", DUMPHEAD "ITEM: ATOMS id type x y z\n2 1 0 0 0\n2 1 1 1 1\n", 11, "atom id 2 appears twice"},
  {"col.dump", DUMPHEAD "ITEM: ATOMS id x y z x\n", 9, "column 'x' appears twice"},
  {"nan.dump", DUMPHEAD "ITEM: ATOMS id type x y z\n1 1 0 0 0\n2 1 0 NaN 0\n", 11, "coordinate 'NaN' is not finite"},
  {"item.dump", "ITEM: TIMESTEP\n0\nITEM: BONDS\n", 3, "unknown item"},
  {"natoms.dump", "ITEM: TIMESTEP\n0\nITEM: NUMBER OF ATOMS\n-4\n", 4, "number of atoms -4 is outside"},
  {"tstep.dump", "ITEM: TIMESTEP\nzero\n", 2, "timestep 'zero' is not a number"},
  {"diam.dump", DUMPHEAD "ITEM: ATOMS id type x y z diameter\n1 1 0 0 0 1\n2 1 0 1 0 -1\n", 11, "diameter -1 must be positive"},
  {"noatoms.dump", DUMPHEAD, 8, "end of file before ITEM: ATOMS"},

  {"count.xyz", "two\n", 1, "number of particles 'two' is not an integer"},
  {"nobox.xyz", "2\nProperties=species:S:1:pos:R:3\nA 0 0 0\nA 1 1 1\n", 2, "no Lattice"},
  {"tric.xyz", "2\nLattice=\"5 1 0 0 5 0 0 0 5\"\n", 2, "non-orthogonal"},
  {"lat.xyz", "2\nLattice=\"5 0 0 0 5 0 0 0\"\n", 2, "Lattice needs 9 numbers"},
  {"quote.xyz", "2\nLattice=\"5 0 0 0 5 0 0 0 5\n", 2, "unterminated quoted value"},
  {"props.xyz", "2\nLattice=\"5 0 0 0 5 0 0 0 5\" Properties=species:S:1:pos:R\n", 2, "malformed Properties"},
  {"pos.xyz", "2\nLattice=\"5 0 0 0 5 0 0 0 5\" Properties=species:S:1:pos:R:2\n", 2, "property pos must be R:3"},
  {"trunc.xyz", XYZHEAD "A 0 0 0\n", 3, "end of file after 1 of 2 particles"},
  {"fields.xyz", XYZHEAD "A 0 0 0\nB 1 1\n", 4, "3 fields, Properties gives 4"},
  {"mixed.xyz", XYZHEAD "A 0 0 0\n2 1 1 1\n", 4, "type numbers and names mixed"},
  {"nan.xyz", XYZHEAD "A 0 0 0\nB 1 inf 1\n", 4, "coordinate 'inf' is not finite"},
  {"pbc.xyz", "2\nLattice=\"5 0 0 0 5 0 0 0 5\" pbc=\"T T F\"\n", 2, "non-periodic"},
  {"nul.xyz", "2\nLattice=\"5 0 0 0 5 0 0 0 5\"\nA 0 0 0\nA 1\0001 1\n", 4, "NUL byte"},
};

static void write_file(const char *path, const char *text, size_t len)
{
  FILE *fp = fopen(path, "wb");
  fwrite(text, 1, len, fp);
  fclose(fp);
}

static void test_text_cases(void)
{
  for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
    const bad_case *c = &cases[k];
    char path[256], where[300];
    snprintf(path, sizeof path, "%s/%s", dir, c->name);
    /* the NUL case needs its true length */
    size_t len = strlen(c->text);
    if (strcmp(c->name, "nul.xyz") == 0) len += 1 + strlen(c->text + len + 1);
    write_file(path, c->text, len);
    vt_system *s = (vt_system *)&s;   /* must be reset to NULL */
    int rc = vt_io_read(path, NULL, &s);
    const char *msg = vt_errmsg();
    if (c->line) snprintf(where, sizeof where, "%s:%d: ", path, c->line);
    else snprintf(where, sizeof where, "%s: ", path);
    int good = rc == VT_EFORMAT && s == NULL && strstr(msg, where) == msg && strstr(msg, c->want);
    ok(good, "%s: %s", c->name, msg + (strncmp(msg, dir, strlen(dir)) == 0 ? strlen(dir) + 1 : 0));
    if (!good) diag("  rc %d, want '%s%s'", rc, where, c->want);
  }
  vt_system *s = NULL;
  char path[256];
  snprintf(path, sizeof path, "%s/missing.data", dir);
  ok(vt_io_read(path, NULL, &s) == VT_EIO && strstr(vt_errmsg(), "missing.data") && s == NULL,
     "a missing file is VT_EIO naming it");
  ok(vt_io_read(dir, &(vt_io_opts){.format = "lammps-data"}, &s) < 0 && s == NULL, "a directory is refused");
}

static vt_system *small_system(void)
{
  vt_system_spec sp = {0};
  sp.n = 200;
  sp.density = 0.8;
  sp.nspecies = 2;
  sp.species[0] = (vt_species){0.5, 1.0, 0};
  sp.species[1] = (vt_species){0.5, 1.2, 0};
  sp.mass_rule = VT_MASS_VOLUME;
  sp.seed = 4;
  vt_system *s = NULL;
  vt_system_create(&sp, &s);
  vt_system_thermalize(s, 1.0, 3);
  return s;
}

static unsigned char *slurp(const char *path, size_t *len)
{
  FILE *fp = fopen(path, "rb");
  if (!fp) return NULL;
  fseek(fp, 0, SEEK_END);
  *len = (size_t)ftell(fp);
  rewind(fp);
  unsigned char *b = malloc(*len ? *len : 1);
  if (fread(b, 1, *len, fp) != *len) { free(b); b = NULL; }
  fclose(fp);
  return b;
}

static void test_checkpoint_damage(void)
{
  vt_system *s = small_system();
  char path[256], bad[256];
  snprintf(path, sizeof path, "%s/good.vtc", dir);
  snprintf(bad, sizeof bad, "%s/bad.vtc", dir);
  vt_blob blob = {"state", "abcdef", 6};
  vt_checkpoint_write(path, s, &blob, 1);
  size_t len;
  unsigned char *b = slurp(path, &len);
  if (!ok(b != NULL && len > 64, "checkpoint of %zu bytes", len)) return;

  int all = 1, tried = 0;
  for (size_t cut = 0; cut < len; cut += (cut < 64 ? 1 : 97)) {
    write_file(bad, (const char *)b, cut);
    vt_system *r = (vt_system *)&r;
    int rc = vt_checkpoint_read(bad, &r, NULL, NULL);
    tried++;
    if (rc != VT_EFORMAT || r != NULL || !strstr(vt_errmsg(), "bad.vtc")) {
      all = 0;
      diag("cut at %zu: rc %d: %s", cut, rc, vt_errmsg());
      break;
    }
  }
  ok(all, "every truncation (%d tried) is VT_EFORMAT naming the file", tried);

  all = 1;
  int checksum = 0;
  for (size_t at = 0; at < len; at += 61) {
    unsigned char *c = malloc(len);
    memcpy(c, b, len);
    c[at] ^= 0x10;
    write_file(bad, (const char *)c, len);
    free(c);
    vt_system *r = (vt_system *)&r;
    int rc = vt_checkpoint_read(bad, &r, NULL, NULL);
    if (rc != VT_EFORMAT || r != NULL) { all = 0; diag("flip at %zu: rc %d: %s", at, rc, vt_errmsg()); break; }
    if (strstr(vt_errmsg(), "checksum") || strstr(vt_errmsg(), "corrupt")) checksum++;
  }
  ok(all, "every flipped bit is VT_EFORMAT");
  ok(checksum > 0, "flipped bits in the stream are caught by zlib or the CRC32 (%d)", checksum);

  unsigned char *c = malloc(len + 1);
  memcpy(c, b, len);
  c[len] = 0;
  write_file(bad, (const char *)c, len + 1);
  vt_system *r = NULL;
  ok(vt_checkpoint_read(bad, &r, NULL, NULL) == VT_EFORMAT && strstr(vt_errmsg(), "trailing"), "trailing bytes refused");
  memcpy(c, b, len);
  c[8] = 2;   /* version */
  write_file(bad, (const char *)c, len);
  ok(vt_checkpoint_read(bad, &r, NULL, NULL) == VT_EFORMAT && strstr(vt_errmsg(), "version 2"), "a future version refused: %s", vt_errmsg());
  memcpy(c, b, len);
  for (int q = 0; q < 4; q++) c[12 + q] = b[15 - q];   /* the byte-order mark the other way round */
  write_file(bad, (const char *)c, len);
  ok(vt_checkpoint_read(bad, &r, NULL, NULL) == VT_EFORMAT && strstr(vt_errmsg(), "byte order"), "a foreign byte order refused");
  memcpy(c, b, len);
  c[0] = 'X';
  write_file(bad, (const char *)c, len);
  ok(vt_checkpoint_read(bad, &r, NULL, NULL) == VT_EFORMAT && strstr(vt_errmsg(), "not a vitrum checkpoint"), "bad magic refused");
  snprintf(bad, sizeof bad, "%s/trunc.data", dir);
  ok(vt_checkpoint_read(bad, &r, NULL, NULL) == VT_EFORMAT, "a text file is not a checkpoint");
  free(c);
  free(b);
  vt_system_free(s);
}

static void test_trajectory_damage(void)
{
  vt_system *s = small_system();
  char path[256], bad[256];
  snprintf(path, sizeof path, "%s/good.vtt", dir);
  snprintf(bad, sizeof bad, "%s/bad.vtt", dir);
  vt_trajectory *t;
  vt_trajectory_open(path, "w", &t);
  for (int k = 0; k < 3; k++) vt_trajectory_write(t, s, k, k, VT_FRAME_VELOCITIES);
  vt_trajectory_close(t);
  size_t len;
  unsigned char *b = slurp(path, &len);
  if (!ok(b != NULL, "trajectory of %zu bytes", len)) return;
  write_file(bad, (const char *)b, len - 5);
  const vt_frame *f;
  int got = 0, rc;
  vt_trajectory_open(bad, "r", &t);
  while ((rc = vt_trajectory_read_next(t, &f)) == 1) got++;
  ok(got == 2 && rc == VT_EFORMAT && strstr(vt_errmsg(), "frame 3 is truncated"),
     "a truncated last frame: 2 frames, then '%s'", vt_errmsg());
  vt_trajectory_close(t);

  b[len / 2] ^= 0x01;
  write_file(bad, (const char *)b, len);
  vt_trajectory_open(bad, "r", &t);
  got = 0;
  while ((rc = vt_trajectory_read_next(t, &f)) == 1) got++;
  ok(got < 3 && rc == VT_EFORMAT, "a flipped bit stops the reader: %s", vt_errmsg());
  vt_trajectory_close(t);

  write_file(bad, "VTTRAJ", 6);
  ok(vt_trajectory_open(bad, "r", &t) == VT_EFORMAT && strstr(vt_errmsg(), "bad magic"), "a short header refused");
  ok(vt_trajectory_open(bad, "a", &t) == VT_EINVAL, "mode 'a' refused");
  ok(vt_trajectory_open("x.unknown", "w", &t) == VT_EINVAL && strstr(vt_errmsg(), "extension"), "unknown extension refused");
  vt_trajectory_open(path, "r", &t);
  ok(vt_trajectory_write(t, s, 0, 0, 0) == VT_EINVAL, "writing a trajectory open for reading refused");
  vt_trajectory_close(t);
  vt_trajectory_open(path, "w", &t);
  ok(vt_trajectory_write(t, s, NAN, 0, 0) == VT_EINVAL, "a NaN step refused");
  ok(vt_trajectory_read_next(t, &f) == VT_EINVAL, "reading a trajectory open for writing refused");
  vt_trajectory_abort(t);
  ok(access(path, F_OK) == 0, "an aborted rewrite leaves the old file in place");
  free(b);
  vt_system_free(s);
}

int main(void)
{
  snprintf(dir, sizeof dir, "/tmp/vt_io_errXXXXXX");
  if (!mkdtemp(dir)) skip_all("no temporary directory");
  test_text_cases();
  test_checkpoint_damage();
  test_trajectory_damage();
  char cmd[128];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  if (system(cmd)) {}
  return done_testing();
}
