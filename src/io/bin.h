/* Internal helpers of the binary formats (checkpoint, trajectory): a
 * growable output buffer and a bounds-checked input cursor, plus one
 * compressed record = header + zlib stream + CRC32 of the raw bytes. */
#ifndef VT_IO_BIN_H
#define VT_IO_BIN_H
#include <stdint.h>
#include <stdio.h>
#include <stddef.h>

typedef struct vt_obuf {
  unsigned char *p;
  size_t len, cap;
  int oom;            /* an allocation failed: the buffer is incomplete */
} vt_obuf;

void vt_obuf_put(vt_obuf *b, const void *data, size_t size);
void vt_obuf_u32(vt_obuf *b, uint32_t v);
void vt_obuf_u64(vt_obuf *b, uint64_t v);
void vt_obuf_f64(vt_obuf *b, double v);
void vt_obuf_str(vt_obuf *b, const char *s);   /* u32 length + bytes */
void vt_obuf_free(vt_obuf *b);

typedef struct vt_ibuf {
  const unsigned char *p;
  size_t len, pos;
  int bad;            /* read past the end: every later read gives zeros */
} vt_ibuf;

int vt_ibuf_get(vt_ibuf *b, void *out, size_t size);  /* 0 or -1 */
uint32_t vt_ibuf_u32(vt_ibuf *b);
uint64_t vt_ibuf_u64(vt_ibuf *b);
double vt_ibuf_f64(vt_ibuf *b);
/* A string into a fresh malloc'd buffer (NULL when bad or out of memory);
 * at most maxlen bytes. */
char *vt_ibuf_str(vt_ibuf *b, size_t maxlen);
/* True when `count` items of `size` bytes remain. */
int vt_ibuf_has(const vt_ibuf *b, uint64_t count, size_t size);

/* Compress raw bytes (zlib level 1..9) and write u64 raw size, u64 compressed size, u32 crc32,
 * then the zlib stream. VT_EIO / VT_ENOMEM with a message naming `path`. */
int vt_bin_write_record(FILE *fp, const void *raw, size_t len, int level, const char *path);
/* Read one record written by vt_bin_write_record: 1 with *raw (malloc'd) and
 * *len, 0 at a clean end of file (when eof_ok), < 0 on error (VT_EFORMAT for
 * truncation, impossible sizes, a bad stream or a CRC mismatch). `what` names
 * the record in messages ("frame 3"). */
int vt_bin_read_record(FILE *fp, const char *path, const char *what, int eof_ok, long long file_size,
                       unsigned char **raw, size_t *len);
/* Skip one record without decompressing it (sizes are still checked). */
int vt_bin_skip_record(FILE *fp, const char *path, const char *what, long long file_size);

#define VT_BYTE_ORDER_MARK 0x01020304u

#endif
