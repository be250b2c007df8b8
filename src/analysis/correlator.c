/* Multiple-origin MSD and F_s correlators (see correlator.h). */
#include "analysis/correlator.h"
#include "core/error.h"
#include "core/util.h"
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#ifdef _OPENMP
#include <omp.h>
#endif

#define SAVE_MAGIC 7715.0   /* first value of a saved correlator */
#define MAXCOL (VT_MAX_SPECIES + 1)

typedef struct {
  long step;
  double time;
  double *x;             /* 3n unwrapped positions */
} sample;

struct vt_corr {
  vt_corr_params p;
  vt_obs_schedule sc;
  int started;
  size_t n;
  int ntypes;
  int *type;             /* n */
  double npart[MAXCOL];  /* particles per column (0: all) */
  double box[3];
  long t0;
  long last;             /* step of the last sample */
  /* fs vectors: integer triples and the largest |n| per axis */
  int *nvec3;
  size_t nvec;
  int nmax[3];
  /* stored origins (linear: the last ones; log: block origins) */
  sample *st;
  size_t nst, capst;
  long stride;           /* log: blocks between stored origins */
  sample cur;            /* log: the current block's origin (x NULL: none) */
  /* lag bins */
  long *lag;
  double *bt, *bcnt, *bsum;   /* bsum: ncol per lag */
  size_t nlag, caplag;
  double *part;          /* per-thread partial sums */
  int nthreads;
};

void vt_corr_params_default(vt_corr_params *p, int kind)
{
  memset(p, 0, sizeof *p);
  p->kind = kind;
  p->max_vectors = 100;
  p->seed = 1;
  p->sched = VT_OBS_LOG;
  p->every = 1;
  p->block = 1000;
  p->base = 2.0;
  p->origins = 32;
}

int vt_corr_alloc(const vt_corr_params *p, vt_corr **out)
{
  *out = NULL;
  if (p->kind != VT_CORR_MSD && p->kind != VT_CORR_FS) return vt_error(VT_EINVAL, "correlator: unknown kind %d", p->kind);
  if (p->kind == VT_CORR_FS) {
    if (!(p->q > 0 && isfinite(p->q))) return vt_error(VT_EINVAL, "fs: q = %g must be positive and finite", p->q);
    if (!(p->width >= 0 && isfinite(p->width))) return vt_error(VT_EINVAL, "fs: width = %g must be non-negative", p->width);
    if (p->max_vectors < 1) return vt_error(VT_EINVAL, "fs: vectors = %ld must be at least 1", p->max_vectors);
  }
  if (p->origins < 0) return vt_error(VT_EINVAL, "correlator: origins = %ld must be non-negative", p->origins);
  if (p->sched == VT_OBS_LOG && p->origins == 1)
    return vt_error(VT_EINVAL, "correlator: a log schedule needs origins >= 2 (or 0: unbounded)");
  vt_corr *c = calloc(1, sizeof *c);
  if (!c) return vt_error(VT_ENOMEM, "out of memory");
  c->p = *p;
  int rc = p->sched == VT_OBS_LOG ? vt_obs_schedule_log(&c->sc, p->block, p->base)
         : p->sched == VT_OBS_LINEAR ? vt_obs_schedule_linear(&c->sc, p->every)
         : vt_error(VT_EINVAL, "correlator: unknown schedule %d", p->sched);
  if (rc) { free(c); return rc; }
  c->stride = 1;
#ifdef _OPENMP
  c->nthreads = omp_get_max_threads();
#else
  c->nthreads = 1;
#endif
  c->part = calloc((size_t)c->nthreads * MAXCOL, sizeof *c->part);
  if (!c->part) { vt_corr_free(c); return vt_error(VT_ENOMEM, "out of memory"); }
  *out = c;
  return 0;
}

static void clear_state(vt_corr *c)
{
  for (size_t k = 0; k < c->nst; k++) free(c->st[k].x);
  free(c->st); c->st = NULL; c->nst = c->capst = 0;
  free(c->cur.x); c->cur.x = NULL;
  free(c->type); c->type = NULL;
  free(c->nvec3); c->nvec3 = NULL; c->nvec = 0;
  free(c->lag); free(c->bt); free(c->bcnt); free(c->bsum);
  c->lag = NULL; c->bt = c->bcnt = c->bsum = NULL; c->nlag = c->caplag = 0;
  c->started = 0;
  c->stride = 1;
}

void vt_corr_free(vt_corr *c)
{
  if (!c) return;
  clear_state(c);
  vt_obs_schedule_free(&c->sc);
  free(c->part);
  free(c);
}

const vt_corr_params *vt_corr_get_params(const vt_corr *c) { return &c->p; }

static int ncol(const vt_corr *c) { return c->ntypes + 1; }

/* ---- wave vectors of the shell ---- */

static int choose_vectors(vt_corr *c)
{
  const double tp = 2.0 * M_PI;
  double Lmax = fmax(c->box[0], fmax(c->box[1], c->box[2]));
  double w = c->p.width > 0 ? c->p.width : tp / Lmax;
  double lo = c->p.q - 0.5 * w, hi = c->p.q + 0.5 * w;
  int nm[3];
  for (int k = 0; k < 3; k++) {
    double m = ceil(hi * c->box[k] / tp);
    if (m > 4096) return vt_error(VT_EINVAL, "fs: q = %g needs integer vectors beyond 4096 box periods", c->p.q);
    nm[k] = (int)m;
  }
  size_t cnt = 0, cap = 64;
  int *all = malloc(3 * cap * sizeof *all);
  if (!all) return vt_error(VT_ENOMEM, "out of memory");
  for (int a = 0; a <= nm[0]; a++)
    for (int b = -nm[1]; b <= nm[1]; b++)
      for (int d = -nm[2]; d <= nm[2]; d++) {
        /* one of +-n: the first non-zero component positive */
        if (a == 0 && (b < 0 || (b == 0 && d <= 0))) continue;
        double qx = tp * a / c->box[0], qy = tp * b / c->box[1], qz = tp * d / c->box[2];
        double qn = sqrt(qx * qx + qy * qy + qz * qz);
        if (qn < lo || qn > hi) continue;
        if (cnt == cap) {
          int *na = realloc(all, 6 * cap * sizeof *na);
          if (!na) { free(all); return vt_error(VT_ENOMEM, "out of memory"); }
          all = na;
          cap *= 2;
        }
        all[3 * cnt] = a; all[3 * cnt + 1] = b; all[3 * cnt + 2] = d;
        cnt++;
      }
  if (cnt == 0) {
    free(all);
    return vt_error(VT_EINVAL,
                    "fs: no wave vector 2 pi n / L of the box %g x %g x %g has |q| in [%g, %g]; widen width=",
                    c->box[0], c->box[1], c->box[2], lo, hi);
  }
  size_t keep = cnt < (size_t)c->p.max_vectors ? cnt : (size_t)c->p.max_vectors;
  int *sel = malloc(3 * keep * sizeof *sel);
  if (!sel) { free(all); return vt_error(VT_ENOMEM, "out of memory"); }
  if (keep < cnt) {
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    if (!r) { free(all); free(sel); return vt_error(VT_ENOMEM, "out of memory"); }
    gsl_rng_set(r, c->p.seed);
    gsl_ran_choose(r, sel, keep, all, cnt, 3 * sizeof *all);   /* keeps the enumeration order */
    gsl_rng_free(r);
  } else {
    memcpy(sel, all, 3 * keep * sizeof *sel);
  }
  free(all);
  c->nvec3 = sel;
  c->nvec = keep;
  for (int k = 0; k < 3; k++) c->nmax[k] = 0;
  for (size_t v = 0; v < keep; v++)
    for (int k = 0; k < 3; k++) {
      int m = abs(sel[3 * v + k]);
      if (m > c->nmax[k]) c->nmax[k] = m;
    }
  return 0;
}

size_t vt_corr_vectors(const vt_corr *c, double *q3)
{
  if (q3)
    for (size_t v = 0; v < c->nvec; v++)
      for (int k = 0; k < 3; k++) q3[3 * v + k] = 2.0 * M_PI * c->nvec3[3 * v + k] / c->box[k];
  return c->nvec;
}

/* ---- the pair kernel: one origin a, one later sample b ---- */

/* Per-particle value of the correlation for displacement d. */
static inline double fs_vectors(const vt_corr *c, const double d[3], double (*pw)[2], int stride)
{
  /* pw[k * stride + m] = exp(i m 2 pi d_k / L_k), m = 0..nmax_k, by recurrence */
  for (int k = 0; k < 3; k++) {
    double th = 2.0 * M_PI * d[k] / c->box[k], cr = cos(th), si = sin(th);
    double (*p)[2] = pw + k * stride;
    p[0][0] = 1.0; p[0][1] = 0.0;
    for (int m = 1; m <= c->nmax[k]; m++) {
      p[m][0] = p[m - 1][0] * cr - p[m - 1][1] * si;
      p[m][1] = p[m - 1][0] * si + p[m - 1][1] * cr;
    }
  }
  double sum = 0.0;
  for (size_t v = 0; v < c->nvec; v++) {
    const int *nv = &c->nvec3[3 * v];
    const double *ex = pw[abs(nv[0])], *ey = pw[stride + abs(nv[1])], *ez = pw[2 * stride + abs(nv[2])];
    double xr = ex[0], xi = nv[0] < 0 ? -ex[1] : ex[1];
    double yr = ey[0], yi = nv[1] < 0 ? -ey[1] : ey[1];
    double zr = ez[0], zi = nv[2] < 0 ? -ez[1] : ez[1];
    double ar = xr * yr - xi * yi, ai = xr * yi + xi * yr;
    sum += ar * zr - ai * zi;
  }
  return sum / (double)c->nvec;
}

static int correlate(vt_corr *c, const sample *a, const sample *b)
{
  const size_t n = c->n;
  const int nc = ncol(c), nt = c->nthreads;
  int stride = 1 + (c->nmax[0] > c->nmax[1] ? (c->nmax[0] > c->nmax[2] ? c->nmax[0] : c->nmax[2])
                                               : (c->nmax[1] > c->nmax[2] ? c->nmax[1] : c->nmax[2]));
  const int vec = c->p.kind == VT_CORR_FS && !c->p.isotropic;
  memset(c->part, 0, (size_t)nt * MAXCOL * sizeof *c->part);
  int oom = 0;
  /* threads only where the work pays for a parallel region (F_s over
   * vectors); the choice depends on n and the vectors only, so a given
   * thread count still sums in one fixed order */
  const int par = vec && (double)n * (double)c->nvec >= 1e5;
#pragma omp parallel num_threads(nt) if (par)
  {
#ifdef _OPENMP
    int tid = omp_get_thread_num(), nth = omp_get_num_threads();
#else
    int tid = 0, nth = 1;
#endif
    double *acc = c->part + (size_t)tid * MAXCOL;
    double (*pw)[2] = vec ? malloc(3 * (size_t)stride * sizeof *pw) : NULL;
    if (vec && !pw) {
#pragma omp atomic write
      oom = 1;
    } else {
      size_t lo = n * (size_t)tid / (size_t)nth, hi = n * (size_t)(tid + 1) / (size_t)nth;
      for (size_t i = lo; i < hi; i++) {
        double d[3] = {b->x[3 * i] - a->x[3 * i], b->x[3 * i + 1] - a->x[3 * i + 1], b->x[3 * i + 2] - a->x[3 * i + 2]};
        double val;
        if (c->p.kind == VT_CORR_MSD) {
          val = d[0] * d[0] + d[1] * d[1] + d[2] * d[2];
        } else if (vec) {
          val = fs_vectors(c, d, pw, stride);
        } else {
          double qr = c->p.q * sqrt(d[0] * d[0] + d[1] * d[1] + d[2] * d[2]);
          val = qr < 1e-8 ? 1.0 - qr * qr / 6.0 : sin(qr) / qr;
        }
        acc[c->type[i]] += val;
      }
    }
    free(pw);
  }
  if (oom) return vt_error(VT_ENOMEM, "out of memory");
  double tot[MAXCOL] = {0};
  for (int t = 0; t < nt; t++)
    for (int k = 1; k < nc; k++) tot[k] += c->part[(size_t)t * MAXCOL + k];
  for (int k = 1; k < nc; k++) tot[0] += tot[k];
  /* the lag's bin */
  long lag = b->step - a->step;
  size_t lo = 0, hi = c->nlag;
  while (lo < hi) {
    size_t mid = (lo + hi) / 2;
    if (c->lag[mid] < lag) lo = mid + 1; else hi = mid;
  }
  if (lo == c->nlag || c->lag[lo] != lag) {
    if (c->nlag == c->caplag) {
      size_t cap = c->caplag ? 2 * c->caplag : 64;
      long *nl = realloc(c->lag, cap * sizeof *nl);
      if (nl) c->lag = nl;
      double *n1 = realloc(c->bt, cap * sizeof *n1);
      if (n1) c->bt = n1;
      double *n2 = realloc(c->bcnt, cap * sizeof *n2);
      if (n2) c->bcnt = n2;
      double *n3 = realloc(c->bsum, cap * (size_t)nc * sizeof *n3);
      if (n3) c->bsum = n3;
      if (!nl || !n1 || !n2 || !n3) return vt_error(VT_ENOMEM, "out of memory");
      c->caplag = cap;
    }
    size_t m = c->nlag - lo;
    memmove(c->lag + lo + 1, c->lag + lo, m * sizeof *c->lag);
    memmove(c->bt + lo + 1, c->bt + lo, m * sizeof *c->bt);
    memmove(c->bcnt + lo + 1, c->bcnt + lo, m * sizeof *c->bcnt);
    memmove(c->bsum + (lo + 1) * nc, c->bsum + lo * nc, m * (size_t)nc * sizeof *c->bsum);
    c->lag[lo] = lag;
    c->bt[lo] = b->time - a->time;
    c->bcnt[lo] = 0;
    for (int k = 0; k < nc; k++) c->bsum[lo * nc + k] = 0;
    c->nlag++;
  }
  c->bcnt[lo] += 1;
  for (int k = 0; k < nc; k++)
    if (c->npart[k] > 0) c->bsum[lo * nc + k] += tot[k] / c->npart[k];
  return 0;
}

/* ---- samples ---- */

static int copy_sample(sample *dst, long step, double time, const double *x, size_t n)
{
  if (!dst->x && !(dst->x = malloc(3 * n * sizeof(double)))) return vt_error(VT_ENOMEM, "out of memory");
  memcpy(dst->x, x, 3 * n * sizeof(double));
  dst->step = step;
  dst->time = time;
  return 0;
}

static int push_origin(vt_corr *c, long step, double time, const double *x)
{
  if (c->nst == c->capst) {
    size_t cap = c->capst ? 2 * c->capst : 8;
    sample *ns = realloc(c->st, cap * sizeof *ns);
    if (!ns) return vt_error(VT_ENOMEM, "out of memory");
    c->st = ns;
    c->capst = cap;
  }
  sample *s = &c->st[c->nst];
  s->x = NULL;
  int rc = copy_sample(s, step, time, x, c->n);
  if (rc) return rc;
  c->nst++;
  return 0;
}

static int start(vt_corr *c, long step, size_t n, const int *type, int ntypes, const double box[3])
{
  if (n == 0) return vt_error(VT_EINVAL, "correlator: no particles");
  if (ntypes < 1 || ntypes > VT_MAX_SPECIES) return vt_error(VT_EINVAL, "correlator: %d types", ntypes);
  c->type = malloc(n * sizeof *c->type);
  if (!c->type) return vt_error(VT_ENOMEM, "out of memory");
  memset(c->npart, 0, sizeof c->npart);
  for (size_t i = 0; i < n; i++) {
    if (type[i] < 1 || type[i] > ntypes) { clear_state(c); return vt_error(VT_EINVAL, "correlator: particle %zu has type %d", i + 1, type[i]); }
    c->type[i] = type[i];
    c->npart[type[i]] += 1;
  }
  c->npart[0] = (double)n;
  c->n = n;
  c->ntypes = ntypes;
  memcpy(c->box, box, sizeof c->box);
  c->t0 = step;
  c->started = 1;
  if (c->p.kind == VT_CORR_FS && !c->p.isotropic) {
    int rc = choose_vectors(c);
    if (rc) { clear_state(c); return rc; }
  }
  return 0;
}

int vt_corr_add(vt_corr *c, long step, double time, size_t n, const double *xu, const int *type, int ntypes,
                const double box[3])
{
  int rc;
  if (!c->started) {
    if ((rc = start(c, step, n, type, ntypes, box))) return rc;
  } else {
    if (n != c->n) return vt_error(VT_EINVAL, "correlator: a sample of %zu particles, the first had %zu", n, c->n);
    for (int k = 0; k < 3; k++)
      if (box[k] != c->box[k]) return vt_error(VT_EINVAL, "correlator: the box changed since the first sample (%c: %g -> %g)", "xyz"[k], c->box[k], box[k]);
    if (ntypes > c->ntypes) return vt_error(VT_EINVAL, "correlator: %d types, the first sample had %d", ntypes, c->ntypes);
    for (size_t i = 0; i < n; i++)
      if (type[i] != c->type[i]) return vt_error(VT_EINVAL, "correlator: particle %zu changed type since the first sample", i + 1);
    if (step <= c->last)
      return vt_error(VT_EINVAL, "correlator: sample at step %ld does not follow the one at step %ld", step, c->last);
  }
  for (size_t i = 0; i < 3 * n; i++)
    if (!isfinite(xu[i])) return vt_error(VT_ENONFINITE, "correlator: particle %zu has a non-finite position", i / 3 + 1);
  c->last = step;
  sample now = {step, time, (double *)xu};
  if (c->p.sched == VT_OBS_LINEAR) {
    /* the zero lag, then every stored sample (oldest first) */
    if ((rc = correlate(c, &now, &now))) return rc;
    for (size_t k = 0; k < c->nst; k++)
      if ((rc = correlate(c, &c->st[k], &now))) return rc;
    if (c->p.origins > 0 && c->nst == (size_t)c->p.origins) {
      sample old = c->st[0];
      memmove(c->st, c->st + 1, (c->nst - 1) * sizeof *c->st);
      c->nst--;
      c->st[c->nst].x = old.x;   /* reuse the buffer */
      rc = copy_sample(&c->st[c->nst], step, time, xu, n);
      if (rc) return rc;
      c->nst++;
      return 0;
    }
    return push_origin(c, step, time, xu);
  }
  /* log blocks */
  long off = step - c->t0;
  if (off % c->p.block == 0) {
    long b = off / c->p.block;
    if ((rc = correlate(c, &now, &now))) return rc;
    for (size_t k = 0; k < c->nst; k++)
      if ((rc = correlate(c, &c->st[k], &now))) return rc;
    if ((rc = copy_sample(&c->cur, step, time, xu, n))) return rc;
    if (b % c->stride == 0) {
      if (c->p.origins > 0 && c->nst == (size_t)c->p.origins) {
        /* thin: keep the origins at multiples of twice the spacing */
        size_t j = 0;
        for (size_t k = 0; k < c->nst; k++) {
          long bk = (c->st[k].step - c->t0) / c->p.block;
          if (bk % (2 * c->stride) == 0) c->st[j++] = c->st[k];
          else free(c->st[k].x);
        }
        c->nst = j;
        c->stride *= 2;
      }
      if (b % c->stride == 0 && (rc = push_origin(c, step, time, xu))) return rc;
    }
    return 0;
  }
  /* inside a block: with the block's origin, when it was sampled */
  if (c->cur.x && step - c->cur.step < c->p.block) return correlate(c, &c->cur, &now);
  return 0;
}

long vt_corr_next(const vt_corr *c, long after)
{
  if (!c->started) return after + 1;
  return vt_obs_schedule_next(&c->sc, c->t0, after);
}

size_t vt_corr_nlags(const vt_corr *c) { return c->nlag; }
int vt_corr_ntypes(const vt_corr *c) { return c->started ? c->ntypes : 0; }

int vt_corr_result(const vt_corr *c, int type, double *t, double *value, double *count)
{
  if (type < 0 || (c->started && type > c->ntypes))
    return vt_error(VT_EINVAL, "correlator: type %d out of range (the samples have %d types)", type, c->ntypes);
  const int nc = ncol(c);
  for (size_t k = 0; k < c->nlag; k++) {
    if (t) t[k] = c->bt[k];
    if (count) count[k] = c->bcnt[k];
    if (value) value[k] = c->npart[type] > 0 ? c->bsum[k * nc + type] / c->bcnt[k] : NAN;
  }
  return 0;
}

/* ---- save / load ----
 * doubles: magic, kind, q, width, max_vectors, seed, isotropic, sched, every,
 * block, base, origins, started; then when started: n, ntypes, box[3], t0,
 * last, stride, types[n], nvec, 3 nvec integers, nst, per stored sample step, time,
 * 3n positions; has cur (0/1) [step, time, 3n]; nlag, per lag: lag, t,
 * count, ncol sums. */

#define PUT(v) do { if (out) out[k] = (v); k++; } while (0)

size_t vt_corr_save(const vt_corr *c, double *out)
{
  size_t k = 0;
  const vt_corr_params *p = &c->p;
  PUT(SAVE_MAGIC); PUT(p->kind); PUT(p->q); PUT(p->width); PUT((double)p->max_vectors); PUT((double)p->seed);
  PUT(p->isotropic); PUT(p->sched); PUT((double)p->every); PUT((double)p->block); PUT(p->base);
  PUT((double)p->origins); PUT(c->started);
  if (!c->started) return k;
  size_t n = c->n;
  PUT((double)n); PUT(c->ntypes);
  for (int q = 0; q < 3; q++) PUT(c->box[q]);
  PUT((double)c->t0); PUT((double)c->last); PUT((double)c->stride);
  for (size_t i = 0; i < n; i++) PUT(c->type[i]);
  PUT((double)c->nvec);
  for (size_t v = 0; v < 3 * c->nvec; v++) PUT(c->nvec3[v]);
  PUT((double)c->nst);
  for (size_t s = 0; s < c->nst; s++) {
    PUT((double)c->st[s].step); PUT(c->st[s].time);
    if (out) memcpy(out + k, c->st[s].x, 3 * n * sizeof(double));
    k += 3 * n;
  }
  PUT(c->cur.x != NULL);
  if (c->cur.x) {
    PUT((double)c->cur.step); PUT(c->cur.time);
    if (out) memcpy(out + k, c->cur.x, 3 * n * sizeof(double));
    k += 3 * n;
  }
  PUT((double)c->nlag);
  const int nc = ncol(c);
  for (size_t l = 0; l < c->nlag; l++) {
    PUT((double)c->lag[l]); PUT(c->bt[l]); PUT(c->bcnt[l]);
    for (int q = 0; q < nc; q++) PUT(c->bsum[l * nc + q]);
  }
  return k;
}
#undef PUT

int vt_corr_load(vt_corr *c, const double *in, size_t len)
{
  size_t k = 0;
#define NEED(m) do { if (k + (m) > len) goto bad; } while (0)
#define GET() (in[k++])
  NEED(13);
  if (GET() != SAVE_MAGIC) goto bad;
  const vt_corr_params *p = &c->p;
  double want[12] = {p->kind, p->q, p->width, (double)p->max_vectors, (double)p->seed, p->isotropic, p->sched,
                     (double)p->every, (double)p->block, p->base, (double)p->origins};
  static const char *const names[11] = {"kind", "q", "width", "vectors", "seed", "isotropic", "schedule",
                                        "every", "block", "base", "origins"};
  for (int q = 0; q < 11; q++) {
    double got = GET();
    if (got != want[q])
      return vt_error(VT_EINVAL, "observer %s: parameter %s is %g in the checkpoint, %g here",
                      p->kind == VT_CORR_FS ? "fs" : "msd", names[q], got, want[q]);
  }
  clear_state(c);
  if (GET() == 0) return 0;
  NEED(8);
  double dn = GET(), dnt = GET();
  if (!(dn >= 1 && dn < 1e12 && dnt >= 1 && dnt <= VT_MAX_SPECIES)) goto bad;
  size_t n = (size_t)dn;
  c->n = n;
  c->ntypes = (int)dnt;
  for (int q = 0; q < 3; q++) c->box[q] = GET();
  c->t0 = (long)GET();
  c->last = (long)GET();
  c->stride = (long)GET();
  if (c->stride < 1) goto bad;
  NEED(n + 1);
  if (!(c->type = malloc(n * sizeof *c->type))) goto oom;
  memset(c->npart, 0, sizeof c->npart);
  for (size_t i = 0; i < n; i++) {
    double t = GET();
    if (!(t >= 1 && t <= c->ntypes)) goto bad;
    c->type[i] = (int)t;
    c->npart[c->type[i]] += 1;
  }
  c->npart[0] = (double)n;
  c->started = 1;
  double nv = GET();
  if (!(nv >= 0 && nv <= 1e7)) goto bad;
  c->nvec = (size_t)nv;
  NEED(3 * c->nvec + 1);
  if (c->nvec) {
    if (!(c->nvec3 = malloc(3 * c->nvec * sizeof *c->nvec3))) goto oom;
    for (int q = 0; q < 3; q++) c->nmax[q] = 0;
    for (size_t v = 0; v < 3 * c->nvec; v++) {
      double m = GET();
      if (!(fabs(m) <= 4096)) goto bad;
      c->nvec3[v] = (int)m;
      if (abs(c->nvec3[v]) > c->nmax[v % 3]) c->nmax[v % 3] = abs(c->nvec3[v]);
    }
  }
  double ns = GET();
  if (!(ns >= 0 && ns <= 1e9)) goto bad;
  for (size_t s = 0; s < (size_t)ns; s++) {
    NEED(2 + 3 * n);
    long st = (long)GET();
    double tm = GET();
    if (push_origin(c, st, tm, in + k)) return VT_ENOMEM;
    k += 3 * n;
  }
  NEED(1);
  if (GET() != 0) {
    NEED(2 + 3 * n);
    long st = (long)GET();
    double tm = GET();
    if (copy_sample(&c->cur, st, tm, in + k, n)) return VT_ENOMEM;
    k += 3 * n;
  }
  NEED(1);
  double nl = GET();
  if (!(nl >= 0 && nl <= 1e9)) goto bad;
  const int nc = ncol(c);
  size_t nlag = (size_t)nl;
  NEED(nlag * (3 + (size_t)nc));
  if (nlag) {
    c->lag = malloc(nlag * sizeof *c->lag);
    c->bt = malloc(nlag * sizeof *c->bt);
    c->bcnt = malloc(nlag * sizeof *c->bcnt);
    c->bsum = malloc(nlag * (size_t)nc * sizeof *c->bsum);
    if (!c->lag || !c->bt || !c->bcnt || !c->bsum) goto oom;
    c->caplag = nlag;
    for (size_t l = 0; l < nlag; l++) {
      c->lag[l] = (long)GET(); c->bt[l] = GET(); c->bcnt[l] = GET();
      for (int q = 0; q < nc; q++) c->bsum[l * nc + q] = GET();
    }
    c->nlag = nlag;
  }
  if (k != len) goto bad;
  return 0;
bad:
  clear_state(c);
  return vt_error(VT_EFORMAT, "observer %s: the saved state is malformed", c->p.kind == VT_CORR_FS ? "fs" : "msd");
oom:
  clear_state(c);
  return vt_error(VT_ENOMEM, "out of memory");
#undef NEED
#undef GET
}

/* ---- as an MD observer ---- */

typedef struct {
  vt_corr *c;
  double *xu;
  size_t cap;
} corr_obs;

static long obs_next(const void *state, long after) { return vt_corr_next(((const corr_obs *)state)->c, after); }

static int obs_sample(void *state, vt_system *s, long step, double time, double T)
{
  (void)T;
  corr_obs *o = state;
  if (o->cap < 3 * s->n) {
    double *nb = realloc(o->xu, 3 * s->n * sizeof *nb);
    if (!nb) return vt_error(VT_ENOMEM, "out of memory");
    o->xu = nb;
    o->cap = 3 * s->n;
  }
  vt_system_unwrapped(s, o->xu);
  return vt_corr_add(o->c, step, time, s->n, o->xu, s->type, s->ntypes, s->box);
}

static size_t obs_save(const void *state, double *out) { return vt_corr_save(((const corr_obs *)state)->c, out); }
static int obs_load(void *state, const double *in, size_t len) { return vt_corr_load(((corr_obs *)state)->c, in, len); }

static void obs_free(void *state)
{
  corr_obs *o = state;
  if (!o) return;
  vt_corr_free(o->c);
  free(o->xu);
  free(o);
}

static const vt_observer_type msd_type = {"msd", obs_next, obs_sample, obs_save, obs_load, obs_free};
static const vt_observer_type fs_type = {"fs", obs_next, obs_sample, obs_save, obs_load, obs_free};

int vt_corr_observer(vt_corr *c, vt_observer **out)
{
  *out = NULL;
  corr_obs *o = calloc(1, sizeof *o);
  if (!o) { vt_corr_free(c); return vt_error(VT_ENOMEM, "out of memory"); }
  o->c = c;
  return vt_observer_new(c->p.kind == VT_CORR_FS ? &fs_type : &msd_type, o, 0, out);
}

vt_corr *vt_corr_of(const vt_observer *o)
{
  if (!o || (o->type != &msd_type && o->type != &fs_type)) return NULL;
  return ((const corr_obs *)o->state)->c;
}

/* ---- post hoc ---- */

int vt_corr_trajectory(vt_corr *c, vt_trajectory *t, double dt)
{
  const vt_frame *f;
  double *xu = NULL;
  size_t cap = 0;
  int rc;
  long k = 0;
  while ((rc = vt_trajectory_read_next(t, &f)) == 1) {
    k++;
    if (cap < 3 * f->n) {
      double *nb = realloc(xu, 3 * f->n * sizeof *nb);
      if (!nb) { rc = vt_error(VT_ENOMEM, "out of memory"); break; }
      xu = nb;
      cap = 3 * f->n;
    }
    vt_frame_unwrapped(f, xu);
    double time = f->time;
    if (isnan(time)) {
      if (!(dt > 0)) { rc = vt_error(VT_EINVAL, "frame %ld has no time: give the time step dt", k); break; }
      time = f->step * dt;
    }
    if (f->step != floor(f->step) || fabs(f->step) > 9e15) {
      rc = vt_error(VT_EINVAL, "frame %ld: step %g is not an integer", k, f->step);
      break;
    }
    rc = vt_corr_add(c, (long)f->step, time, f->n, xu, f->type, f->ntypes, f->box);
    if (rc) { vt_error_prefix(rc, "frame %ld: ", k); break; }
  }
  free(xu);
  return rc < 0 ? rc : 0;
}
