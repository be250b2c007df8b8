/* Binary buffers and compressed records for checkpoints and trajectories
 * (see bin.h). Records are independent zlib streams (compress2 /
 * uncompress) checked with the CRC32 of the uncompressed bytes. */
#include "io/bin.h"
#include "core/error.h"
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

void vt_obuf_put(vt_obuf *b, const void *data, size_t size)
{
  if (b->oom) return;
  if (b->len + size > b->cap) {
    size_t nc = b->cap ? b->cap : 4096;
    while (nc < b->len + size) nc *= 2;
    unsigned char *np = realloc(b->p, nc);
    if (!np) { b->oom = 1; return; }
    b->p = np;
    b->cap = nc;
  }
  if (size) memcpy(b->p + b->len, data, size);
  b->len += size;
}

void vt_obuf_u32(vt_obuf *b, uint32_t v) { vt_obuf_put(b, &v, sizeof v); }
void vt_obuf_u64(vt_obuf *b, uint64_t v) { vt_obuf_put(b, &v, sizeof v); }
void vt_obuf_f64(vt_obuf *b, double v) { vt_obuf_put(b, &v, sizeof v); }
void vt_obuf_str(vt_obuf *b, const char *s)
{
  size_t n = s ? strlen(s) : 0;
  vt_obuf_u32(b, (uint32_t)n);
  vt_obuf_put(b, s, n);
}
void vt_obuf_free(vt_obuf *b) { free(b->p); memset(b, 0, sizeof *b); }

int vt_ibuf_get(vt_ibuf *b, void *out, size_t size)
{
  if (b->bad || size > b->len - b->pos) {
    b->bad = 1;
    memset(out, 0, size);
    return -1;
  }
  memcpy(out, b->p + b->pos, size);
  b->pos += size;
  return 0;
}

uint32_t vt_ibuf_u32(vt_ibuf *b) { uint32_t v; vt_ibuf_get(b, &v, sizeof v); return v; }
uint64_t vt_ibuf_u64(vt_ibuf *b) { uint64_t v; vt_ibuf_get(b, &v, sizeof v); return v; }
double vt_ibuf_f64(vt_ibuf *b) { double v; vt_ibuf_get(b, &v, sizeof v); return v; }

int vt_ibuf_has(const vt_ibuf *b, uint64_t count, size_t size)
{
  if (b->bad) return 0;
  return size == 0 || count <= (b->len - b->pos) / size;
}

char *vt_ibuf_str(vt_ibuf *b, size_t maxlen)
{
  uint32_t n = vt_ibuf_u32(b);
  if (b->bad || n > maxlen || !vt_ibuf_has(b, n, 1)) { b->bad = 1; return NULL; }
  char *s = malloc((size_t)n + 1);
  if (!s) return NULL;
  vt_ibuf_get(b, s, n);
  s[n] = '\0';
  if (strlen(s) != n) { free(s); b->bad = 1; return NULL; }  /* embedded NUL */
  return s;
}

int vt_bin_write_record(FILE *fp, const void *raw, size_t len, int level, const char *path)
{
  uLongf clen = compressBound((uLong)len);
  unsigned char *c = malloc(clen ? clen : 1);
  if (!c) return vt_error(VT_ENOMEM, "out of memory compressing %zu bytes", len);
  int zr = compress2(c, &clen, raw, (uLong)len, level);
  if (zr != Z_OK) { free(c); return vt_error(VT_EIO, "%s: compression failed (zlib %d)", path, zr); }
  uint64_t h[2] = {(uint64_t)len, (uint64_t)clen};
  uint32_t crc = (uint32_t)crc32(0L, Z_NULL, 0);
  /* crc32 takes uInt lengths: feed large buffers in pieces */
  const unsigned char *q = raw;
  for (size_t left = len; left > 0;) {
    uInt piece = left > (1u << 30) ? (1u << 30) : (uInt)left;
    crc = (uint32_t)crc32(crc, q, piece);
    q += piece;
    left -= piece;
  }
  int bad = fwrite(h, sizeof h, 1, fp) != 1 || fwrite(&crc, sizeof crc, 1, fp) != 1 ||
            fwrite(c, 1, clen, fp) != clen;
  free(c);
  if (bad) return vt_error(VT_EIO, "writing '%s' failed: %s", path, strerror(errno));
  return 0;
}

static int read_head(FILE *fp, const char *path, const char *what, int eof_ok, long long file_size,
                     uint64_t *rawlen, uint64_t *clen, uint32_t *crc)
{
  uint64_t h[2];
  size_t got = fread(h, 1, sizeof h, fp);
  if (got == 0 && eof_ok && feof(fp)) return 0;
  if (ferror(fp)) return vt_error(VT_EIO, "%s: read error: %s", path, strerror(errno));
  if (got != sizeof h || fread(crc, sizeof *crc, 1, fp) != 1)
    return vt_error(VT_EFORMAT, "%s: %s is truncated (in its header)", path, what);
  *rawlen = h[0];
  *clen = h[1];
  long pos = ftell(fp);
  if (file_size >= 0 && pos >= 0 && *clen > (uint64_t)(file_size - pos))
    return vt_error(VT_EFORMAT, "%s: %s is truncated (%llu compressed bytes announced, %lld left)", path, what,
                    (unsigned long long)*clen, file_size - pos);
  /* zlib cannot expand more than about 1032:1 */
  if (*rawlen > *clen * 1100 + 1024 || *rawlen > ((uint64_t)1 << 40) || *clen > ((uint64_t)1 << 40))
    return vt_error(VT_EFORMAT, "%s: %s announces impossible sizes (%llu from %llu bytes)", path, what,
                    (unsigned long long)*rawlen, (unsigned long long)*clen);
  return 1;
}

int vt_bin_read_record(FILE *fp, const char *path, const char *what, int eof_ok, long long file_size,
                       unsigned char **raw, size_t *len)
{
  uint64_t rawlen, clen;
  uint32_t crc;
  *raw = NULL;
  *len = 0;
  int rc = read_head(fp, path, what, eof_ok, file_size, &rawlen, &clen, &crc);
  if (rc <= 0) return rc;
  unsigned char *c = malloc(clen ? clen : 1), *r = malloc(rawlen ? rawlen : 1);
  if (!c || !r) { free(c); free(r); return vt_error(VT_ENOMEM, "out of memory reading %s", path); }
  if (fread(c, 1, clen, fp) != clen) {
    free(c); free(r);
    if (ferror(fp)) return vt_error(VT_EIO, "%s: read error: %s", path, strerror(errno));
    return vt_error(VT_EFORMAT, "%s: %s is truncated", path, what);
  }
  uLongf dlen = (uLongf)rawlen;
  int zr = uncompress(r, &dlen, c, (uLong)clen);
  free(c);
  if (zr != Z_OK || dlen != rawlen) {
    free(r);
    return vt_error(VT_EFORMAT, "%s: %s is corrupt (zlib: %s)", path, what,
                    zr == Z_OK ? "wrong length" : zr == Z_DATA_ERROR ? "data error" : zr == Z_BUF_ERROR ? "too long" : "error");
  }
  uint32_t got = (uint32_t)crc32(0L, Z_NULL, 0);
  const unsigned char *q = r;
  for (size_t left = rawlen; left > 0;) {
    uInt piece = left > (1u << 30) ? (1u << 30) : (uInt)left;
    got = (uint32_t)crc32(got, q, piece);
    q += piece;
    left -= piece;
  }
  if (got != crc) {
    free(r);
    return vt_error(VT_EFORMAT, "%s: %s fails its checksum (CRC32 %08x, stored %08x)", path, what, got, crc);
  }
  *raw = r;
  *len = (size_t)rawlen;
  return 1;
}

int vt_bin_skip_record(FILE *fp, const char *path, const char *what, long long file_size)
{
  uint64_t rawlen, clen;
  uint32_t crc;
  int rc = read_head(fp, path, what, 1, file_size, &rawlen, &clen, &crc);
  if (rc <= 0) return rc;
  if (file_size < 0) {
    /* not seekable by size: read through */
    unsigned char tmp[4096];
    for (uint64_t left = clen; left > 0;) {
      size_t piece = left > sizeof tmp ? sizeof tmp : (size_t)left;
      if (fread(tmp, 1, piece, fp) != piece) return vt_error(VT_EFORMAT, "%s: %s is truncated", path, what);
      left -= piece;
    }
    return 1;
  }
  if (fseeko(fp, (off_t)clen, SEEK_CUR) != 0) return vt_error(VT_EIO, "%s: seek failed: %s", path, strerror(errno));
  return 1;
}
