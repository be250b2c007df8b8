/* libFuzzer harness for every vitrum file reader (LAMMPS data, LAMMPS dump,
 * extended XYZ, checkpoint, trajectory). The first input byte picks the
 * reader and the frame to read, the rest is the file. Two more modes feed
 * the rest as the uncompressed payload of a checkpoint or of one trajectory
 * frame, wrapped here in a valid header, zlib stream and CRC32, so the
 * decoders behind the checksum get fuzzed too. Not part of
 * `make check`. Build and run from the source tree (config.h comes from a
 * configured build directory, here ../build-io):
 *
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
 *     -std=gnu11 -Isrc -I../build-io \
 *     scripts/fuzz/fuzz_readers.c $(for d in io core potential; do echo src/$d/[a-z]*.c; done) \
 *     $(pkg-config --cflags --libs gsl zlib) -lm -o /tmp/fuzz_readers
 *   mkdir -p /tmp/fuzz_corpus && sh scripts/fuzz/seeds.sh /tmp/fuzz_corpus
 *   /tmp/fuzz_readers -dict=scripts/fuzz/readers.dict -max_total_time=300 -rss_limit_mb=2048 \
 *     -max_len=65536 /tmp/fuzz_corpus
 *
 * One reader alone (0 data, 1 dump, 2 xyz, 3 checkpoint, 4 trajectory,
 * 5 checkpoint payload, 6 trajectory payload), e.g. for a counted campaign:
 *
 *   VT_FUZZ_READER=2 /tmp/fuzz_readers -runs=10000000 ... scripts/fuzz/corpus
 *
 * scripts/fuzz/corpus holds the kept corpus (minimized with -merge=1);
 * scripts/fuzz/campaign.sh runs every reader for a given number of
 * executions and prints the counts.
 *
 * A crash, leak, sanitizer report or timeout is a bug: the readers must
 * return an error for any input, never crash, and free everything. */
#include "vitrum.h"
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

static const char *const ext[] = {".data", ".dump", ".xyz", ".vtc", ".vtt", ".vtc", ".vtt"};

/* magic, version 1, byte-order mark, then one record around the payload */
static void write_wrapped(FILE *fp, const char *magic, const uint8_t *raw, size_t len)
{
  uint32_t head[2] = {1u, 0x01020304u};
  uLongf clen = compressBound(len);
  unsigned char *c = malloc(clen + 1);
  compress2(c, &clen, raw, len, 1);
  uint64_t sizes[2] = {len, clen};
  uint32_t crc = (uint32_t)crc32(crc32(0L, Z_NULL, 0), raw, (uInt)len);
  fwrite(magic, 1, 8, fp);
  fwrite(head, sizeof head, 1, fp);
  fwrite(sizes, sizeof sizes, 1, fp);
  fwrite(&crc, sizeof crc, 1, fp);
  fwrite(c, 1, clen, fp);
  free(c);
}

/* VT_FUZZ_READER=k (0..6) pins the reader, so that each reader can be run
 * for a counted number of executions of its own; the first byte then picks
 * only the frame and the diameters. */
static int pinned = -1;

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
  (void)argc, (void)argv;
  const char *e = getenv("VT_FUZZ_READER");
  if (e && *e) pinned = atoi(e) % 7;
  return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  if (size < 1) return 0;
  int which = pinned >= 0 ? pinned : data[0] % 7, frame = (data[0] / 7) % 4 - 1;   /* -1 (last), 0, 1, 2 */
  char path[128];
  snprintf(path, sizeof path, "/tmp/vt_fuzz_%ld%s", (long)getpid(), ext[which]);
  FILE *fp = fopen(path, "wb");
  if (!fp) return 0;
  if (which == 5) write_wrapped(fp, "VTCHKPT", data + 1, size - 1);
  else if (which == 6) write_wrapped(fp, "VTTRAJ\0", data + 1, size - 1);
  else fwrite(data + 1, 1, size - 1, fp);
  fclose(fp);

  vt_io_opts o = {0};
  o.frame = frame;
  if (which < 3 && (data[0] & 0x80)) {            /* per-type diameters for files without them */
    o.ndiam = 2;
    o.diameters[0] = 1.0;
    o.diameters[1] = 1.2;
  }
  vt_system *s = NULL;
  int rc = vt_io_read(path, &o, &s);
  if (rc == 0) {
    /* a system that was read must be usable */
    if (!s || s->n == 0 || vt_system_check_finite(s) != 0) abort();
    /* The rule for positions (io.h): text and .vtt readers return them
     * wrapped into [0, L); checkpoints return the stored state, which may
     * have drifted up to one box length outside the box between
     * neighbor-list builds. */
    int binary = which == 3 || which == 5;
    for (size_t i = 0; i < 3 * s->n; i++) {
      double L = s->box[i % 3];
      if (binary ? !(s->x[i] >= -L && s->x[i] < 2 * L) : !(s->x[i] >= 0 && s->x[i] < L)) abort();
    }
    for (size_t i = 0; i < s->n; i++)
      if (s->type[i] < 1 || s->type[i] > s->ntypes || !(s->sigma[i] > 0) || !(s->mass[i] > 0)) abort();
    vt_system_free(s);
  } else if (s != NULL) {
    abort();                       /* never a half-read system */
  }
  if (which == 3 || which == 5) {  /* checkpoint with blobs */
    vt_blob *b = NULL;
    size_t nb = 0;
    if (vt_checkpoint_read(path, &s, &b, &nb) == 0) { vt_system_free(s); vt_blobs_free(b, nb); }
  }
  if (which == 1 || which == 2 || which == 4 || which == 6) {   /* every frame through the trajectory reader */
    vt_trajectory *t;
    if (vt_trajectory_open(path, "r", &t) == 0) {
      const vt_frame *f;
      while (vt_trajectory_read_next(t, &f) == 1) {
        vt_system *fs;
        if (vt_frame_to_system(f, NULL, &fs) == 0) vt_system_free(fs);
      }
      vt_trajectory_close(t);
    }
  }
  unlink(path);
  return 0;
}
