/* Potential objects: reference counting, the model registry, named-parameter
 * parsing, and the helpers shared by all models (see potential.h). */
#include "potential/potential.h"
#include "core/error.h"
#include "core/system.h"
#include "potential/kernel.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The registry: adding a model is its file plus one line here. */
const vt_potential_type *const vt_potential_types[] = {
#define VT_MODEL(name) &vt_potential_##name,
#include "potential/registry.inc"
#undef VT_MODEL
  NULL
};

static vt_potential *vt_potential_new(const vt_potential_type *type, void *par)
{
  vt_potential *p = calloc(1, sizeof *p);
  if (!p) return NULL;
  p->type = type;
  p->par = par;
  p->refcount = 1;
  return p;
}

vt_potential *vt_potential_ref(vt_potential *p) { p->refcount++; return p; }

static void free_params(vt_params *ps)
{
  for (size_t k = 0; k < ps->n; k++) {
    vt_param *q = (vt_param *)&ps->p[k];
    free((char *)q->key);
    free((char *)q->str);
    free((double *)q->vec);
  }
  free((vt_param *)ps->p);
  ps->p = NULL;
  ps->n = 0;
}

static int copy_params(const vt_params *in, vt_params *out)
{
  out->n = 0;
  out->p = NULL;
  if (!in || in->n == 0) return 0;
  vt_param *ps = calloc(in->n, sizeof *ps);
  if (!ps) return vt_error(VT_ENOMEM, "out of memory");
  out->p = ps;
  for (size_t k = 0; k < in->n; k++) {
    const vt_param *a = &in->p[k];
    vt_param *b = &ps[k];
    out->n = k + 1;
    b->kind = a->kind;
    b->num = a->num;
    b->len = a->len;
    b->key = strdup(a->key);
    if (!b->key) goto oom;
    if (a->kind == VT_PARAM_STRING && !(b->str = strdup(a->str))) goto oom;
    if (a->kind == VT_PARAM_VECTOR) {
      double *v = malloc((a->len ? a->len : 1) * sizeof *v);
      if (!v) goto oom;
      memcpy(v, a->vec, a->len * sizeof *v);
      b->vec = v;
    }
  }
  return 0;
oom:
  free_params(out);
  return vt_error(VT_ENOMEM, "out of memory");
}

void vt_potential_unref(vt_potential *p)
{
  if (!p || --p->refcount > 0) return;
  if (p->type->free) p->type->free(p->par); else free(p->par);
  free_params(&p->params);
  free(p);
}

int vt_potential_create(const char *name, const vt_params *in, vt_potential **out)
{
  *out = NULL;
  for (int k = 0; vt_potential_types[k]; k++) {
    const vt_potential_type *t = vt_potential_types[k];
    if (strcmp(t->name, name) != 0) continue;
    void *par = NULL;
    vt_potential *p = vt_potential_new(t, NULL);
    if (!p) return vt_error(VT_ENOMEM, "out of memory");
    int rc = t->create(in, &par, &p->max_type, p->desc, sizeof p->desc);
    if (rc) { free(p); return rc; }
    p->par = par;
    if ((rc = copy_params(in, &p->params))) { vt_potential_unref(p); return rc; }
    *out = p;
    return 0;
  }
  return vt_error(VT_EINVAL, "unknown potential '%s'", name);
}

int vt_potential_need_pairwise(const vt_potential *p, const char *what)
{
  if (!p) return vt_error(VT_EINVAL, "%s: the system has no potential", what);
  if (vt_potential_is_pairwise(p)) return 0;
  return vt_error(VT_EINVAL,
                  "%s: needs a pairwise potential, but %s is a many-body model (its energy has terms of "
                  "three particles, which this computation does not include)", what, p->type->name);
}

double vt_potential_cutoff(const vt_potential *p, double si, double sj, int ti, int tj)
{
  return p->type->cutoff(p->par, si, sj, ti, tj);
}

double vt_potential_radius(const vt_potential *p, double si, int ti)
{
  return p->type->radius ? p->type->radius(p->par, si, ti) : -1.0;
}

double vt_potential_max_cutoff(const vt_potential *p, const vt_system *s)
{
  /* Cutoffs grow with the diameters in every model here, so the largest
   * pair cutoff of type pair (a, b) is reached by the largest diameter of
   * type a with the largest of type b, or, for a == b, by the two largest
   * diameters of that type (a particle does not interact with itself). */
  double top1[VT_MAX_SPECIES + 1] = {0}, top2[VT_MAX_SPECIES + 1] = {0};
  for (size_t i = 0; i < s->n; i++) {
    int t = s->type[i];
    double d = s->sigma[i];
    if (d > top1[t]) { top2[t] = top1[t]; top1[t] = d; }
    else if (d > top2[t]) top2[t] = d;
  }
  double rc = 0.0;
  for (int a = 1; a <= s->ntypes; a++)
    for (int b = a; b <= s->ntypes; b++) {
      double da = top1[a], db = a == b ? top2[a] : top1[b];
      if (da == 0 || db == 0) continue;
      double c = p->type->cutoff(p->par, da, db, a, b);
      if (c > rc) rc = c;
    }
  /* One particle has no partner but its own periodic images: the box must
   * still be longer than twice its cutoff with itself for its energy to be
   * 0 (the minimum-image convention ignores images), and the neighbor list
   * needs a positive radius. */
  if (rc == 0.0 && s->n == 1) rc = p->type->cutoff(p->par, s->sigma[0], s->sigma[0], s->type[0], s->type[0]);
  return rc;
}

void vt_potential_dsigma(const vt_potential *p, double r, double si, double sj, int ti, int tj,
                         double *du_dsi, double *dw_dsi)
{
  if (p->type->dsigma && p->type->pair) {
    p->type->dsigma(p->par, r, si, sj, ti, tj, du_dsi, dw_dsi);
  } else {
    *du_dsi = 0.0;
    *dw_dsi = 0.0;
  }
}

void vt_dsigma_scale_invariant_additive(double r, double sij, double du, double d2u,
                                        double dsij_dsi, double *du_dsi, double *dw_dsi)
{
  /* u = e(r/sij): du/dsij = -(r/sij) u'; w = r u' = x e'(x):
   * dw/dsij = -(r u' + r^2 u'')/sij. */
  *du_dsi = -(r / sij) * du * dsij_dsi;
  *dw_dsi = -(r * du + r * r * d2u) / sij * dsij_dsi;
}

/* ---- named parameters ---- */

static const vt_param *find(const vt_params *in, const char *key)
{
  for (size_t k = 0; in && k < in->n; k++)
    if (strcmp(in->p[k].key, key) == 0) return &in->p[k];
  return NULL;
}

int vt_params_number(const vt_params *in, const char *model, const char *key,
                     double lo, double hi, double *out)
{
  const vt_param *p = find(in, key);
  if (!p) return 0;
  if (p->kind != VT_PARAM_NUMBER) return vt_error(VT_EINVAL, "%s: parameter '%s' must be a number", model, key);
  if (!(p->num >= lo && p->num <= hi))
    return vt_error(VT_EINVAL, "%s: parameter '%s' = %g is outside [%g, %g]", model, key, p->num, lo, hi);
  *out = p->num;
  return 0;
}

int vt_params_string(const vt_params *in, const char *model, const char *key, const char **out)
{
  const vt_param *p = find(in, key);
  if (!p) return 0;
  if (p->kind != VT_PARAM_STRING) return vt_error(VT_EINVAL, "%s: parameter '%s' must be a string", model, key);
  *out = p->str;
  return 0;
}

int vt_params_vector(const vt_params *in, const char *model, const char *key, size_t len,
                     double *out, size_t maxlen, size_t *got)
{
  const vt_param *p = find(in, key);
  if (got) *got = 0;
  if (!p) return 0;
  if (p->kind == VT_PARAM_NUMBER && (len == 1 || len == 0)) {
    out[0] = p->num;
    if (got) *got = 1;
    return 0;
  }
  if (p->kind != VT_PARAM_VECTOR) return vt_error(VT_EINVAL, "%s: parameter '%s' must be a list of numbers", model, key);
  if (len && p->len != len) return vt_error(VT_EINVAL, "%s: parameter '%s' needs %zu numbers, got %zu", model, key, len, p->len);
  if (p->len > maxlen) return vt_error(VT_EINVAL, "%s: parameter '%s' has %zu numbers, at most %zu allowed", model, key, p->len, maxlen);
  for (size_t k = 0; k < p->len; k++) {
    if (!isfinite(p->vec[k])) return vt_error(VT_EINVAL, "%s: parameter '%s' entry %zu is not finite", model, key, k + 1);
    out[k] = p->vec[k];
  }
  if (got) *got = p->len;
  return 0;
}

int vt_params_check(const vt_params *in, const char *model, const char *const *known)
{
  for (size_t k = 0; in && k < in->n; k++) {
    int ok = 0;
    for (int q = 0; known[q]; q++) if (strcmp(in->p[k].key, known[q]) == 0) { ok = 1; break; }
    if (!ok) {
      char list[256] = "";
      for (int q = 0; known[q]; q++) {
        strncat(list, q ? ", " : "", sizeof list - strlen(list) - 1);
        strncat(list, known[q], sizeof list - strlen(list) - 1);
      }
      return vt_error(VT_EINVAL, "%s: unknown parameter '%s' (known: %s)", model, in->p[k].key, list);
    }
  }
  return 0;
}

/* ---- kernel scratch ---- */

int vt_kernel_scratch(vt_system *s, int nt, unsigned flags, double **buf)
{
  size_t n = s->n;
  if ((flags & VT_EATOM) && !s->eatom && !(s->eatom = malloc(n * sizeof(double))))
    return vt_error(VT_ENOMEM, "out of memory");
  if ((flags & VT_VATOM) && !s->vatom && !(s->vatom = malloc(6 * n * sizeof(double))))
    return vt_error(VT_ENOMEM, "out of memory");
  size_t stride = vt_kernel_stride(n, flags);
  size_t need = (size_t)nt * stride;
  if (need > s->fbuf_len) {
    free(s->fbuf);
    /* 4-double records on 32-byte boundaries (kernel.h) */
    s->fbuf = aligned_alloc(64, (need * sizeof(double) + 63) & ~(size_t)63);
    if (!s->fbuf) { s->fbuf_len = 0; return vt_error(VT_ENOMEM, "out of memory"); }
    s->fbuf_len = need;
  }
  *buf = s->fbuf;
  return 0;
}

void vt_kernel_reduce(vt_system *s, int nt, unsigned flags, const double *buf)
{
  size_t n = s->n;
  size_t ne = (flags & VT_EATOM) ? n : 0, nv = (flags & VT_VATOM) ? 6 * n : 0;
  size_t stride = 3 * n + ne + nv;
  if (nt < 2) return;
#pragma omp parallel for schedule(static) num_threads(nt)
  for (size_t c = 0; c < stride; c++) {
    double acc = 0.0;
    for (int t = 1; t < nt; t++) acc += buf[(size_t)(t - 1) * stride + c];
    if (c < 3 * n) s->f[c] += acc;
    else if (c < 3 * n + ne) s->eatom[c - 3 * n] += acc;
    else s->vatom[c - 3 * n - ne] += acc;
  }
}

/* Cost of a sorted particle's entries up to p, in list entries: each
 * particle adds a few entries' worth of fixed work (its own loads, the
 * chunk set-up, the gather and scatter). */
static inline size_t split_cost(const size_t *sstart, size_t p) { return sstart[p] + 4 * p; }

void vt_kernel_split(const vt_neighbor *nl, int nt, size_t *blk)
{
  const size_t n = nl->n, total = split_cost(nl->sstart, n);
  blk[0] = 0;
  for (int t = 1; t < nt; t++) {
    /* the first p whose cost reaches the share of threads 0..t-1 */
    const size_t want = (size_t)((double)total * t / nt);
    size_t lo = blk[t - 1], hi = n;
    while (lo < hi) {
      size_t mid = lo + (hi - lo) / 2;
      if (split_cost(nl->sstart, mid) < want) lo = mid + 1;
      else hi = mid;
    }
    blk[t] = lo;
  }
  blk[nt] = n;
}

void vt_kernel_gather(const vt_system *s, const vt_neighbor *nl, size_t p0, size_t p1)
{
  const int *restrict perm = nl->perm;
  const double *restrict x = s->x, *restrict sig = s->sigma;
  const int *restrict type = s->type;
  double *restrict xs = nl->xs;
  int *restrict ts = nl->ts;
  for (size_t p = p0; p < p1; p++) {
    const size_t i = (size_t)perm[p];
    xs[4 * p] = x[3 * i];
    xs[4 * p + 1] = x[3 * i + 1];
    xs[4 * p + 2] = x[3 * i + 2];
    xs[4 * p + 3] = sig[i];
    ts[p] = type[i];
  }
}

void vt_kernel_scatter(vt_system *s, const vt_neighbor *nl, int nt, unsigned flags, const double *buf,
                       size_t stride, const size_t *blk, size_t i0, size_t i1)
{
  const size_t n = s->n;
  const int *restrict rank = nl->rank;
  double *restrict f = s->f;
  for (size_t i = i0; i < i1; i++) {
    const size_t p = (size_t)rank[i];
    /* buffers of threads whose block starts after p hold nothing for it
     * (blk NULL: any buffer may hold something for any particle) */
    int last = nt - 1;
    if (blk) {
      last = 0;
      while (last + 1 < nt && blk[last + 1] <= p) last++;
    }
    for (int k = 0; k < 3; k++) {
      double acc = buf[4 * p + k];
      for (int t = 1; t <= last; t++) acc += buf[(size_t)t * stride + 4 * p + k];
      f[3 * i + k] = acc;
    }
    if (flags & VT_EATOM) {
      double acc = buf[4 * n + p];
      for (int t = 1; t <= last; t++) acc += buf[(size_t)t * stride + 4 * n + p];
      s->eatom[i] = acc;
    }
    if (flags & VT_VATOM) {
      const size_t off = 4 * n + ((flags & VT_EATOM) ? n : 0);
      for (int k = 0; k < 6; k++) {
        double acc = buf[off + 6 * p + k];
        for (int t = 1; t <= last; t++) acc += buf[(size_t)t * stride + off + 6 * p + k];
        s->vatom[6 * i + k] = acc;
      }
    }
  }
}
