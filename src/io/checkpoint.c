/* Checkpoints (.vtc): the complete state of a system, its potential (model
 * name + creation parameters) and named opaque blobs, in one zlib-compressed
 * record with a CRC32, behind a magic and a version (layout in io.h). The
 * payload, version 1:
 *   str vitrum version | u64 n | u32 ntypes | u32 mass_rule | f64 box[3] |
 *   f64 skin | u32 m, f64 type_mass[m] | u32 forces_valid |
 *   f64 x[3n] | i32 image[3n] | f64 v[3n] | f64 f[3n] | i32 type[n] |
 *   f64 sigma[n] | f64 mass[n] |
 *   u32 has_potential [str name | u32 nparams | per param: str key, u32 kind,
 *                      f64 num, u64 len, f64 vec[len], str str] |
 *   u32 nblobs | per blob: str name, u64 size, bytes
 * (str = u32 length + bytes). Reading validates every field, so a damaged
 * or foreign file gives VT_EFORMAT, never a half-built system. */
#include "core/error.h"
#include "core/util.h"
#include "io/bin.h"
#include "io/io.h"
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static const char magic[8] = {'V', 'T', 'C', 'H', 'K', 'P', 'T', '\0'};
#define CKPT_VERSION 1u

void vt_blobs_free(vt_blob *b, size_t n)
{
  if (!b) return;
  for (size_t k = 0; k < n; k++) free(b[k].data);
  free(b);
}

const vt_blob *vt_blob_find(const vt_blob *b, size_t n, const char *name)
{
  for (size_t k = 0; k < n; k++)
    if (strcmp(b[k].name, name) == 0) return &b[k];
  return NULL;
}

int vt_checkpoint_write(const char *path, const vt_system *s, const vt_blob *blobs, size_t nblobs)
{
  for (size_t k = 0; k < nblobs; k++) {
    size_t len = strnlen(blobs[k].name, sizeof blobs[k].name);
    if (len == 0 || len >= sizeof blobs[k].name)
      return vt_error(VT_EINVAL, "checkpoint %s: blob %zu needs a name of 1 to %zu characters", path, k + 1,
                      sizeof blobs[k].name - 1);
    if (blobs[k].size && !blobs[k].data) return vt_error(VT_EINVAL, "checkpoint %s: blob '%s' has no data", path, blobs[k].name);
    for (size_t q = 0; q < k; q++)
      if (strcmp(blobs[q].name, blobs[k].name) == 0)
        return vt_error(VT_EINVAL, "checkpoint %s: two blobs are called '%s'", path, blobs[k].name);
  }
  size_t n = s->n;
  vt_obuf b = {0};
  vt_obuf_str(&b, vt_version());
  vt_obuf_u64(&b, n);
  vt_obuf_u32(&b, (uint32_t)s->ntypes);
  vt_obuf_u32(&b, (uint32_t)s->mass_rule);
  for (int k = 0; k < 3; k++) vt_obuf_f64(&b, s->box[k]);
  vt_obuf_f64(&b, s->skin);
  vt_obuf_u32(&b, VT_MAX_SPECIES + 1);
  vt_obuf_put(&b, s->type_mass, sizeof s->type_mass);
  vt_obuf_u32(&b, s->forces_valid ? 1u : 0u);
  vt_obuf_put(&b, s->x, 3 * n * sizeof(double));
  vt_obuf_put(&b, s->image, 3 * n * sizeof(int));
  vt_obuf_put(&b, s->v, 3 * n * sizeof(double));
  vt_obuf_put(&b, s->f, 3 * n * sizeof(double));
  vt_obuf_put(&b, s->type, n * sizeof(int));
  vt_obuf_put(&b, s->sigma, n * sizeof(double));
  vt_obuf_put(&b, s->mass, n * sizeof(double));
  vt_obuf_u32(&b, s->pot ? 1u : 0u);
  if (s->pot) {
    const vt_params *ps = &s->pot->params;
    vt_obuf_str(&b, s->pot->type->name);
    vt_obuf_u32(&b, (uint32_t)ps->n);
    for (size_t k = 0; k < ps->n; k++) {
      const vt_param *p = &ps->p[k];
      vt_obuf_str(&b, p->key);
      vt_obuf_u32(&b, (uint32_t)p->kind);
      vt_obuf_f64(&b, p->num);
      uint64_t len = p->kind == VT_PARAM_VECTOR ? p->len : 0;
      vt_obuf_u64(&b, len);
      if (len) vt_obuf_put(&b, p->vec, len * sizeof(double));
      vt_obuf_str(&b, p->kind == VT_PARAM_STRING ? p->str : "");
    }
  }
  vt_obuf_u32(&b, (uint32_t)nblobs);
  for (size_t k = 0; k < nblobs; k++) {
    vt_obuf_str(&b, blobs[k].name);
    vt_obuf_u64(&b, blobs[k].size);
    vt_obuf_put(&b, blobs[k].data, blobs[k].size);
  }
  if (b.oom) { vt_obuf_free(&b); return vt_error(VT_ENOMEM, "out of memory writing checkpoint %s", path); }

  vt_wfile w;
  int rc = vt_wfile_open(&w, path);
  if (rc) { vt_obuf_free(&b); return rc; }
  uint32_t head[2] = {CKPT_VERSION, VT_BYTE_ORDER_MARK};
  if (fwrite(magic, sizeof magic, 1, w.fp) != 1 || fwrite(head, sizeof head, 1, w.fp) != 1)
    rc = vt_error(VT_EIO, "writing '%s' failed: %s", path, strerror(errno));
  if (!rc) rc = vt_bin_write_record(w.fp, b.p, b.len, 6, path);
  vt_obuf_free(&b);
  if (rc) { vt_wfile_abort(&w); return rc; }
  return vt_wfile_commit(&w);
}

static int bad(const char *path, const char *what)
{
  return vt_error(VT_EFORMAT, "%s: corrupt checkpoint (%s)", path, what);
}

/* The potential record: re-create the model from its name and parameters. */
static int read_potential(vt_ibuf *in, const char *path, vt_potential **out)
{
  *out = NULL;
  char *name = vt_ibuf_str(in, 255);
  uint32_t np = vt_ibuf_u32(in);
  if (!name || in->bad) { free(name); return bad(path, "potential name"); }
  /* each parameter takes at least 28 bytes */
  if (!vt_ibuf_has(in, np, 28)) { free(name); return bad(path, "potential parameters"); }
  vt_param *ps = calloc(np ? np : 1, sizeof *ps);
  int rc = 0;
  if (!ps) { free(name); return vt_error(VT_ENOMEM, "out of memory"); }
  for (uint32_t k = 0; k < np && !rc; k++) {
    vt_param *p = &ps[k];
    p->key = vt_ibuf_str(in, 255);
    uint32_t kind = vt_ibuf_u32(in);
    p->kind = (int)kind;
    p->num = vt_ibuf_f64(in);
    uint64_t len = vt_ibuf_u64(in);
    if (!p->key || in->bad || kind > VT_PARAM_STRING || (kind != VT_PARAM_VECTOR && len) ||
        !vt_ibuf_has(in, len, sizeof(double))) {
      rc = bad(path, "potential parameter");
      break;
    }
    p->len = (size_t)len;
    double *v = malloc((len ? len : 1) * sizeof *v);
    if (!v) { rc = vt_error(VT_ENOMEM, "out of memory"); break; }
    vt_ibuf_get(in, v, len * sizeof *v);
    p->vec = v;
    p->str = vt_ibuf_str(in, 1 << 20);
    if (!p->str) { rc = bad(path, "potential parameter string"); break; }
  }
  if (!rc) {
    vt_params params = {np, ps};
    rc = vt_potential_create(name, &params, out);
    if (rc) vt_error_prefix(VT_EFORMAT, "%s: cannot re-create potential '%s': ", path, name), rc = VT_EFORMAT;
  }
  for (uint32_t k = 0; k < np; k++) {
    free((char *)ps[k].key);
    free((char *)ps[k].str);
    free((double *)ps[k].vec);
  }
  free(ps);
  free(name);
  return rc;
}

static int decode(vt_ibuf *in, const char *path, vt_system **out, vt_blob **blobs_out, size_t *nblobs_out)
{
  int rc;
  vt_system *s = NULL;
  vt_blob *blobs = NULL;
  uint32_t nb = 0;
  char *ver = vt_ibuf_str(in, 255);
  int have_ver = ver != NULL;
  free(ver);
  uint64_t n = vt_ibuf_u64(in);
  uint32_t ntypes = vt_ibuf_u32(in), rule = vt_ibuf_u32(in);
  double box[3], skin;
  for (int k = 0; k < 3; k++) box[k] = vt_ibuf_f64(in);
  skin = vt_ibuf_f64(in);
  uint32_t ntm = vt_ibuf_u32(in);
  if (in->bad || !have_ver) return bad(path, "header");
  if (n == 0 || !vt_ibuf_has(in, n, 100)) return bad(path, "number of particles");
  if (ntypes < 1 || ntypes > VT_MAX_SPECIES) return bad(path, "number of types");
  if (rule > 3) return bad(path, "mass rule");
  if (!(isfinite(skin) && skin >= 0)) return bad(path, "skin");
  if (ntm != VT_MAX_SPECIES + 1) return bad(path, "type masses");
  if ((rc = vt_system_alloc((size_t)n, box, &s))) return rc == VT_EINVAL ? bad(path, "box") : rc;
  vt_ibuf_get(in, s->type_mass, sizeof s->type_mass);
  s->forces_valid = vt_ibuf_u32(in) != 0;
  vt_ibuf_get(in, s->x, 3 * n * sizeof(double));
  vt_ibuf_get(in, s->image, 3 * n * sizeof(int));
  vt_ibuf_get(in, s->v, 3 * n * sizeof(double));
  vt_ibuf_get(in, s->f, 3 * n * sizeof(double));
  vt_ibuf_get(in, s->type, n * sizeof(int));
  vt_ibuf_get(in, s->sigma, n * sizeof(double));
  vt_ibuf_get(in, s->mass, n * sizeof(double));
  if (in->bad) { rc = bad(path, "truncated particle data"); goto fail; }
  s->ntypes = (int)ntypes;
  s->mass_rule = (int)rule;
  s->skin = skin;
  for (size_t i = 0; i < n; i++) {
    if (s->type[i] < 1 || s->type[i] > (int)ntypes) { rc = bad(path, "particle type"); goto fail; }
    if (!(isfinite(s->sigma[i]) && s->sigma[i] > 0 && isfinite(s->mass[i]) && s->mass[i] > 0)) {
      rc = bad(path, "diameter or mass");
      goto fail;
    }
    for (int k = 0; k < 3; k++) {
      /* between neighbor-list builds positions drift up to skin/2 out of
       * [0, L): the state is stored as it is, so accept anything within a
       * box length of the box */
      double x = s->x[3 * i + k];
      if (!(x >= -box[k] && x < 2 * box[k]) || !isfinite(s->v[3 * i + k]) || !isfinite(s->f[3 * i + k]) ||
          s->image[3 * i + k] < -(1 << 30) || s->image[3 * i + k] > (1 << 30)) {
        rc = bad(path, "position, image, velocity or force");
        goto fail;
      }
    }
  }
  for (int t = 0; t <= VT_MAX_SPECIES; t++)
    if (!(isfinite(s->type_mass[t]))) { rc = bad(path, "type masses"); goto fail; }
  uint32_t has_pot = vt_ibuf_u32(in);
  if (in->bad || has_pot > 1) { rc = bad(path, "potential flag"); goto fail; }
  if (has_pot) {
    vt_potential *p;
    int fv = s->forces_valid;
    if ((rc = read_potential(in, path, &p))) goto fail;
    rc = vt_system_set_potential(s, p);
    vt_potential_unref(p);
    if (rc) { vt_error_prefix(VT_EFORMAT, "%s: ", path); rc = VT_EFORMAT; goto fail; }
    s->forces_valid = fv;   /* the stored forces belong to this potential */
  } else {
    s->forces_valid = 0;
  }
  nb = vt_ibuf_u32(in);
  if (in->bad || !vt_ibuf_has(in, nb, 12)) { rc = bad(path, "number of blobs"); goto fail; }
  blobs = calloc(nb ? nb : 1, sizeof *blobs);
  if (!blobs) { rc = vt_error(VT_ENOMEM, "out of memory"); goto fail; }
  for (uint32_t k = 0; k < nb; k++) {
    char *name = vt_ibuf_str(in, sizeof blobs[k].name - 1);
    uint64_t size = vt_ibuf_u64(in);
    if (!name || !name[0] || in->bad || !vt_ibuf_has(in, size, 1)) { free(name); rc = bad(path, "blob"); goto fail; }
    strcpy(blobs[k].name, name);
    free(name);
    blobs[k].data = malloc(size ? size : 1);
    if (!blobs[k].data) { rc = vt_error(VT_ENOMEM, "out of memory"); goto fail; }
    blobs[k].size = (size_t)size;
    vt_ibuf_get(in, blobs[k].data, size);
  }
  if (in->pos != in->len) { rc = bad(path, "trailing bytes"); goto fail; }
  *out = s;
  if (blobs_out) { *blobs_out = blobs; *nblobs_out = nb; }
  else vt_blobs_free(blobs, nb);
  return 0;
fail:
  vt_blobs_free(blobs, nb);
  vt_system_free(s);
  return rc;
}

int vt_checkpoint_read(const char *path, vt_system **out, vt_blob **blobs, size_t *nblobs)
{
  *out = NULL;
  if (blobs) *blobs = NULL;
  if (nblobs) *nblobs = 0;
  FILE *fp = fopen(path, "rb");
  if (!fp) return vt_error(VT_EIO, "cannot open '%s': %s", path, strerror(errno));
  struct stat st;
  long long size = (fstat(fileno(fp), &st) == 0 && S_ISREG(st.st_mode)) ? (long long)st.st_size : -1;
  char m[8];
  uint32_t head[2];
  int rc;
  if (fread(m, sizeof m, 1, fp) != 1 || memcmp(m, magic, sizeof m) != 0) {
    rc = vt_error(VT_EFORMAT, "%s: not a vitrum checkpoint (bad magic)", path);
  } else if (fread(head, sizeof head, 1, fp) != 1) {
    rc = vt_error(VT_EFORMAT, "%s: truncated checkpoint header", path);
  } else if (head[1] != VT_BYTE_ORDER_MARK) {
    rc = vt_error(VT_EFORMAT, "%s: checkpoint written on a machine of another byte order", path);
  } else if (head[0] != CKPT_VERSION) {
    rc = vt_error(VT_EFORMAT, "%s: checkpoint version %u; this vitrum reads version %u", path, head[0], CKPT_VERSION);
  } else {
    unsigned char *raw;
    size_t len;
    rc = vt_bin_read_record(fp, path, "checkpoint", 0, size, &raw, &len);
    if (rc == 1) {
      if (fgetc(fp) != EOF) {
        rc = vt_error(VT_EFORMAT, "%s: trailing bytes after the checkpoint", path);
      } else {
        vt_ibuf in = {raw, len, 0, 0};
        size_t nb = 0;
        rc = decode(&in, path, out, blobs ? blobs : NULL, blobs ? &nb : NULL);
        if (!rc && nblobs) *nblobs = nb;
      }
      free(raw);
    }
  }
  fclose(fp);
  return rc < 0 ? rc : 0;
}
