/* The one force loop every pair model shares. A model defines
 *
 *   static inline int NAME_eval(const PAR *par, double r2, double si, double sj,
 *                               int ti, int tj, double *e, double *fpair);
 *
 * returning 0 beyond the pair cutoff, else the pair energy e and
 * fpair = -(dU/dr)/r (so the force on i is fpair * (xi - xj)), and then
 * writes VT_DEFINE_PAIR_COMPUTE(NAME_compute, PAR, NAME_eval) to get its
 * compute function with the pair term inlined.
 *
 * For speed (doc/performance.md) the loop over a particle's partners is
 * vectorized, which asks of EVAL: no side effects (it is also evaluated on
 * padding lanes, for arbitrary pairs, even r2 = 0, whose results are
 * dropped), and no control flow the compiler cannot turn into selects:
 * evaluate every region and select (see lj_smooth_eval), load parameters
 * unconditionally (a load under a condition is a branch), and prefer r2 to
 * sqrt and one division to several. A branchy EVAL still gives correct
 * results, only the loop stays scalar (check with -fopt-info-vec).
 *
 * Threading: OpenMP threads take contiguous blocks of i; each accumulates
 * forces (and per-particle terms) in its own buffer, and the buffers and
 * scalar partial sums are added in thread order, so results are bit-identical
 * from run to run for a given thread count. */
#ifndef VT_KERNEL_H
#define VT_KERNEL_H
#include "core/error.h"
#include "core/neighbor.h"
#include "core/system.h"
#include <string.h>
#ifdef _OPENMP
#include <omp.h>
#define VT_NTHREADS() omp_get_max_threads()
#define VT_THREAD() omp_get_thread_num()
#else
#define VT_NTHREADS() 1
#define VT_THREAD() 0
#endif

#define VT_KERNEL_MAXT 256

/* Scratch of (nt-1) extra per-thread copies of (3 + eatom + 6 vatom) n doubles. */
int vt_kernel_scratch(vt_system *s, int nt, unsigned flags, double **buf);
/* Sum per-thread buffers into the system's arrays (thread order). */
void vt_kernel_reduce(vt_system *s, int nt, unsigned flags, const double *buf);

/* Results of one thread's share of the pair loop. */
typedef struct vt_kernel_part {
  double e, w[6], wp, wm;
} vt_kernel_part;

/* Entries of one particle's list handled per pass of the two-phase loop. */
#define VT_KERNEL_CHUNK 128

/* The loop over particles i0..i1-1 of the half list, written once, in the
 * order of the system's arrays (the list then streams through memory;
 * visiting i in the list's bin order was measured slower, see
 * doc/performance.md). FLAGS is a compile-time constant at each use, so the
 * common force-and-energy pass carries no virial or per-particle bookkeeping
 * at all.
 *
 * Each particle's list is processed in chunks, in two phases:
 *  A. a pure map over the chunk (gather x_j, sigma_j, type_j; minimum image;
 *     the model's EVAL; f_ij = fpair d), writing f_ij and e (and d, fpair
 *     for the virial) to small buffers. It has no stores to shared arrays
 *     and no reductions, so `omp simd` vectorizes it (with gathers where the
 *     instruction set has them) as long as EVAL is branch-free or
 *     if-convertible; pairs beyond the cutoff get fpair = e = 0. Its trip
 *     count is rounded up to whole vectors of VT_NEIGHBOR_PAD (no scalar
 *     remainder loop, whose cost was measured at 5-10% of the kernel);
 *  B. a scalar pass that adds the chunk to f_i, f_j and the sums in list
 *     order, exactly the order of a plain loop, so vectorization does not
 *     change the results (pairs beyond the cutoff add exact zeros). */
#define VT_PAIR_LOOP(EVAL, par, s, nl, i0, i1, FLAGS, f, ea, va, part)                    \
  do {                                                                                      \
    const double bx = (s)->box[0], by = (s)->box[1], bz = (s)->box[2];                      \
    const double hx = 0.5 * bx, hy = 0.5 * by, hz = 0.5 * bz;                               \
    const double *restrict x = (s)->x;                                                      \
    const double *restrict sig = (s)->sigma;                                                \
    const int *restrict typ = (s)->type;                                                    \
    const size_t *restrict start = (nl)->start;                                             \
    const int *restrict list = (nl)->list;                                                  \
    double cfx_[VT_KERNEL_CHUNK], cfy_[VT_KERNEL_CHUNK], cfz_[VT_KERNEL_CHUNK], ce_[VT_KERNEL_CHUNK]; \
    double cdx_[VT_KERNEL_CHUNK], cdy_[VT_KERNEL_CHUNK], cdz_[VT_KERNEL_CHUNK], cfp_[VT_KERNEL_CHUNK]; \
    double esum = 0, w0 = 0, w1 = 0, w2 = 0, w3 = 0, w4 = 0, w5 = 0, wp = 0, wm = 0;        \
    for (size_t i = (i0); i < (i1); i++) {                                                  \
      const double xi = x[3 * i], yi = x[3 * i + 1], zi = x[3 * i + 2];                     \
      const double si = sig[i];                                                             \
      const int ti = typ[i];                                                                \
      double fxi = 0, fyi = 0, fzi = 0;                                                     \
      for (size_t q0 = start[i]; q0 < start[i + 1]; q0 += VT_KERNEL_CHUNK) {                \
        const int *restrict lq = list + q0;                                                 \
        const int m = (int)(start[i + 1] - q0 < VT_KERNEL_CHUNK ? start[i + 1] - q0 : VT_KERNEL_CHUNK); \
        /* rounded up to whole vectors: no scalar remainder loop; the extra \
         * entries are read from the next particles' lists (or the list's   \
         * padding) and their results are never used */                     \
        const int mv = (m + VT_NEIGHBOR_PAD - 1) & ~(VT_NEIGHBOR_PAD - 1);                    \
        _Pragma("omp simd simdlen(VT_NEIGHBOR_PAD)")                                        \
        for (int k = 0; k < mv; k++) {                                                      \
          const int j = lq[k];                                                              \
          double dx = xi - x[3 * j], dy = yi - x[3 * j + 1], dz = zi - x[3 * j + 2];         \
          /* positions are wrapped at each list build and drift less than      \
           * skin/2 after it, so |d| < L/2 + L and one fold suffices (a blend  \
           * once vectorized: vitrum builds with -fno-trapping-math) */         \
          dx = dx > hx ? dx - bx : (dx < -hx ? dx + bx : dx);                               \
          dy = dy > hy ? dy - by : (dy < -hy ? dy + by : dy);                               \
          dz = dz > hz ? dz - bz : (dz < -hz ? dz + bz : dz);                               \
          const double r2 = dx * dx + dy * dy + dz * dz;                                    \
          double e_ = 0.0, fp_ = 0.0;                                                       \
          const int in_ = EVAL(par, r2, si, sig[j], ti, typ[j], &e_, &fp_);                 \
          e_ = in_ ? e_ : 0.0;                                                              \
          fp_ = in_ ? fp_ : 0.0;                                                            \
          cfx_[k] = fp_ * dx; cfy_[k] = fp_ * dy; cfz_[k] = fp_ * dz; ce_[k] = e_;          \
          if (FLAGS) { cdx_[k] = dx; cdy_[k] = dy; cdz_[k] = dz; cfp_[k] = fp_; }           \
        }                                                                                   \
        /* pairs beyond the cutoff add exact zeros: cheaper than a branch  \
         * the predictor cannot learn */                                    \
        for (int k = 0; k < m; k++) {                                                       \
          const size_t j = (size_t)lq[k];                                                   \
          const double fx = cfx_[k], fy = cfy_[k], fz = cfz_[k], e = ce_[k];                \
          fxi += fx; fyi += fy; fzi += fz;                                                  \
          f[3 * j] -= fx; f[3 * j + 1] -= fy; f[3 * j + 2] -= fz;                           \
          esum += e;                                                                        \
          if ((FLAGS) & (VT_VIRIAL | VT_VATOM | VT_PSPLIT)) {                               \
            const double dx = cdx_[k], dy = cdy_[k], dz = cdz_[k], fp = cfp_[k];            \
            const double v0 = dx * fx, v1 = dy * fy, v2 = dz * fz;                          \
            const double v3 = dx * fy, v4 = dx * fz, v5 = dy * fz;                          \
            w0 += v0; w1 += v1; w2 += v2; w3 += v3; w4 += v4; w5 += v5;                     \
            if ((FLAGS) & VT_PSPLIT) { if (fp > 0) wp += v0 + v1 + v2; else if (fp < 0) wm += v0 + v1 + v2; } \
            if ((FLAGS) & VT_VATOM) {                                                       \
              double *a_ = va + 6 * i, *b_ = va + 6 * j;                                    \
              a_[0] += 0.5 * v0; a_[1] += 0.5 * v1; a_[2] += 0.5 * v2;                      \
              a_[3] += 0.5 * v3; a_[4] += 0.5 * v4; a_[5] += 0.5 * v5;                      \
              b_[0] += 0.5 * v0; b_[1] += 0.5 * v1; b_[2] += 0.5 * v2;                      \
              b_[3] += 0.5 * v3; b_[4] += 0.5 * v4; b_[5] += 0.5 * v5;                      \
            }                                                                               \
          }                                                                                 \
          if ((FLAGS) & VT_EATOM) { ea[i] += 0.5 * e; ea[j] += 0.5 * e; }                   \
        }                                                                                   \
      }                                                                                     \
      f[3 * i] += fxi; f[3 * i + 1] += fyi; f[3 * i + 2] += fzi;                            \
    }                                                                                       \
    (part)->e = esum;                                                                       \
    (part)->w[0] = w0; (part)->w[1] = w1; (part)->w[2] = w2;                                \
    (part)->w[3] = w3; (part)->w[4] = w4; (part)->w[5] = w5;                                \
    (part)->wp = wp; (part)->wm = wm;                                                       \
  } while (0)

/* Threads split the particles into contiguous equal blocks (the static
 * partition is ours, not the OpenMP runtime's, so it is the same every run).
 * With arrays in random order a half list (j > i) puts 3/4 of the pairs in
 * the first half of the particles; splitting by list entries would balance
 * that (doc/performance.md, next levers). */
#define VT_DEFINE_PAIR_COMPUTE(FNAME, PARTYPE, EVAL)                                        \
  static int FNAME(const vt_potential *pot_, vt_system *s, const vt_neighbor *nl, unsigned flags) \
  {                                                                                         \
    const PARTYPE *par = (const PARTYPE *)pot_->par;                                        \
    const size_t n = s->n;                                                                  \
    int nt = VT_NTHREADS();                                                                 \
    if (nt > VT_KERNEL_MAXT) nt = VT_KERNEL_MAXT;                                           \
    if ((size_t)nt > n) nt = (int)n;                                                        \
    double *buf;                                                                            \
    int rc_ = vt_kernel_scratch(s, nt, flags, &buf);                                        \
    if (rc_) return rc_;                                                                    \
    const size_t stride = n * (3 + ((flags & VT_EATOM) ? 1 : 0) + ((flags & VT_VATOM) ? 6 : 0)); \
    vt_kernel_part part[VT_KERNEL_MAXT];                                                    \
    const int full = (flags & (VT_VIRIAL | VT_VATOM | VT_EATOM | VT_PSPLIT)) != 0;          \
    _Pragma("omp parallel num_threads(nt)")                                                 \
    {                                                                                       \
      int t = VT_THREAD();                                                                  \
      double *restrict f = t == 0 ? s->f : buf + (size_t)(t - 1) * stride;                  \
      double *restrict ea = (flags & VT_EATOM) ? (t == 0 ? s->eatom : f + 3 * n) : NULL;     \
      double *restrict va = (flags & VT_VATOM) ? (t == 0 ? s->vatom : f + 3 * n + ((flags & VT_EATOM) ? n : 0)) : NULL; \
      memset(f, 0, 3 * n * sizeof(double));                                                 \
      if (ea) memset(ea, 0, n * sizeof(double));                                            \
      if (va) memset(va, 0, 6 * n * sizeof(double));                                        \
      const size_t i0 = n * (size_t)t / (size_t)nt, i1 = n * (size_t)(t + 1) / (size_t)nt;  \
      if (full)                                                                             \
        VT_PAIR_LOOP(EVAL, par, s, nl, i0, i1, flags, f, ea, va, &part[t]);                 \
      else                                                                                  \
        VT_PAIR_LOOP(EVAL, par, s, nl, i0, i1, 0u, f, ea, va, &part[t]);                    \
    }                                                                                       \
    vt_kernel_reduce(s, nt, flags, buf);                                                    \
    double E = 0, W[6] = {0, 0, 0, 0, 0, 0}, WP = 0, WM = 0;                                \
    for (int t = 0; t < nt; t++) {                                                          \
      E += part[t].e;                                                                       \
      for (int k = 0; k < 6; k++) W[k] += part[t].w[k];                                     \
      WP += part[t].wp; WM += part[t].wm;                                                   \
    }                                                                                       \
    s->energy = E;                                                                          \
    memcpy(s->virial, W, sizeof W);                                                         \
    s->w_plus = WP; s->w_minus = WM;                                                        \
    return 0;                                                                               \
  }

#endif
