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
 * The loop runs over the neighbor list's private bin-sorted form (see
 * core/neighbor.h): positions, diameters and types are gathered into sorted
 * copies at the start of each pass, forces and per-particle terms are
 * accumulated in sorted order and scattered back to the system's order at
 * the end, all inside one parallel region.
 *
 * Threading: OpenMP threads take contiguous blocks of sorted particles
 * holding equal shares of the list (cut by vt_kernel_split, a function of
 * the list alone); each accumulates forces (and per-particle terms) in its
 * own buffer, and the buffers and scalar partial sums are added in thread
 * order, so results are bit-identical from run to run for a given thread
 * count. */
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

/* Four doubles as one value: the kernel keeps forces (and the pair energy)
 * as 4-double records, so adding a pair to f_j is one load, subtract and
 * store. Element-wise IEEE arithmetic: the same results as four scalar
 * operations, whatever the instruction set. */
#if defined(__GNUC__)
typedef double vt_v4d __attribute__((vector_size(32), aligned(8)));
#define VT_ALIGN32 __attribute__((aligned(32)))
#else
#error "vitrum's kernels need GCC-compatible vector extensions (gcc or clang)"
#endif
/* p must be 32-byte aligned (records in buffers allocated so, chunk arrays
 * declared so). Direct aligned accesses: a memcpy into a vector was
 * expanded by generic x86-64-v3 tuning as two 16-byte moves through the
 * stack, and the next 32-byte load stalled on store forwarding (2.5x
 * slower than native). may_alias: the records are arrays of double. */
typedef double vt_v4dm __attribute__((vector_size(32), may_alias));
/* (Macros, not functions: a function taking or returning a 32-byte vector
 * draws -Wpsabi warnings from builds without AVX.) */
#define vt_v4d_load(p) (*(const vt_v4dm *)__builtin_assume_aligned((p), 32))
#define vt_v4d_store(p, v) (*(vt_v4dm *)__builtin_assume_aligned((p), 32) = (v))
/* Rows x, y, z, e (four entries each) to the four records (x_k, y_k, z_k, e_k). */
#if defined(__clang__)
#define VT_V4D_SHUF(a, b, i, j, k, l) __builtin_shufflevector(a, b, i, j, k, l)
#else
typedef long long vt_v4i __attribute__((vector_size(32)));
#define VT_V4D_SHUF(a, b, i, j, k, l) __builtin_shuffle(a, b, (vt_v4i){i, j, k, l})
#endif
#define vt_v4d_transpose(x, y, z, e, out)                                                   \
  do {                                                                                      \
    const vt_v4d tx_ = (x), ty_ = (y), tz_ = (z), te_ = (e);                                \
    const vt_v4d t0_ = VT_V4D_SHUF(tx_, ty_, 0, 4, 2, 6), t1_ = VT_V4D_SHUF(tx_, ty_, 1, 5, 3, 7); \
    const vt_v4d t2_ = VT_V4D_SHUF(tz_, te_, 0, 4, 2, 6), t3_ = VT_V4D_SHUF(tz_, te_, 1, 5, 3, 7); \
    (out)[0] = VT_V4D_SHUF(t0_, t2_, 0, 1, 4, 5);                                           \
    (out)[1] = VT_V4D_SHUF(t1_, t3_, 0, 1, 4, 5);                                           \
    (out)[2] = VT_V4D_SHUF(t0_, t2_, 2, 3, 6, 7);                                           \
    (out)[3] = VT_V4D_SHUF(t1_, t3_, 2, 3, 6, 7);                                           \
  } while (0)

/* The kernel's two changes of layout, four entries at a time: partners'
 * records (x, y, z, sigma at rec + 4 idx[u]) to columns, and columns
 * (a, b, c, d) to records. With AVX, whole-vector loads and the transpose
 * above; without it (SSE2 builds), 32-byte shuffles are lowered through the
 * stack, and element copies are faster. Either way only copies: the same
 * values on every instruction set. */
#if defined(__AVX__)
#define VT_GATHER4(rec, idx, cx, cy, cz, cs)                                                  \
  do {                                                                                      \
    vt_v4d g_[4];                                                                           \
    vt_v4d_transpose(vt_v4d_load((rec) + 4 * (size_t)(idx)[0]), vt_v4d_load((rec) + 4 * (size_t)(idx)[1]), \
                     vt_v4d_load((rec) + 4 * (size_t)(idx)[2]), vt_v4d_load((rec) + 4 * (size_t)(idx)[3]), g_); \
    vt_v4d_store(cx, g_[0]); vt_v4d_store(cy, g_[1]);                                       \
    vt_v4d_store(cz, g_[2]); vt_v4d_store(cs, g_[3]);                                       \
  } while (0)
#define VT_RECORDS4(a, b, c, d, out)                                                        \
  vt_v4d_transpose(vt_v4d_load(a), vt_v4d_load(b), vt_v4d_load(c), vt_v4d_load(d), out)
#else
#define VT_GATHER4(rec, idx, cx, cy, cz, cs)                                                  \
  do {                                                                                      \
    for (int u_ = 0; u_ < 4; u_++) {                                                        \
      const double *rr_ = (rec) + 4 * (size_t)(idx)[u_];                                    \
      (cx)[u_] = rr_[0]; (cy)[u_] = rr_[1]; (cz)[u_] = rr_[2]; (cs)[u_] = rr_[3];           \
    }                                                                                       \
  } while (0)
#define VT_RECORDS4(a, b, c, d, out)                                                        \
  do {                                                                                      \
    for (int u_ = 0; u_ < 4; u_++) (out)[u_] = (vt_v4d){(a)[u_], (b)[u_], (c)[u_], (d)[u_]}; \
  } while (0)
#endif

/* Doubles per thread in the kernel's scratch: (4 + eatom + 6 vatom) n,
 * rounded up to whole 32-byte records. */
static inline size_t vt_kernel_stride(size_t n, unsigned flags)
{
  return (n * (4 + ((flags & VT_EATOM) ? 1 : 0) + ((flags & VT_VATOM) ? 6 : 0)) + 3) & ~(size_t)3;
}
/* Scratch of nt per-thread copies of vt_kernel_stride doubles, 64-byte
 * aligned (and the system's eatom/vatom arrays when flags ask for them). */
int vt_kernel_scratch(vt_system *s, int nt, unsigned flags, double **buf);
/* Sum (nt-1) extra per-thread buffers into the system's arrays (thread
 * order); used by kernels over the public list (none of vitrum's own). */
void vt_kernel_reduce(vt_system *s, int nt, unsigned flags, const double *buf);
/* Blocks of sorted particles for nt threads, blk[0] = 0 .. blk[nt] = n, with
 * about equal shares of list entries (plus a small cost per particle). */
void vt_kernel_split(const vt_neighbor *nl, int nt, size_t *blk);
/* Copy positions, diameters and types of sorted particles p0..p1-1 into
 * the list's sorted arrays (nl->xs, nl->ts). */
void vt_kernel_gather(const vt_system *s, const vt_neighbor *nl, size_t p0, size_t p1);
/* For particles i0..i1-1 (the system's indices, so that each thread writes
 * the block of s->f its integration loops later read): add the per-thread
 * buffers of sorted position rank[i] (stride doubles apart, forces as
 * 4-double records; buffer t holds values from blk[t] on, or, blk NULL,
 * for any particle: many-body kernels) in thread order
 * and store the sums in s->f (and s->eatom, s->vatom per flags). */
void vt_kernel_scatter(vt_system *s, const vt_neighbor *nl, int nt, unsigned flags, const double *buf,
                       size_t stride, const size_t *blk, size_t i0, size_t i1);

/* Results of one thread's share of the pair loop. */
typedef struct vt_kernel_part {
  double e, w[6], wp, wm;
} vt_kernel_part;

/* Entries of one particle's list handled per pass of the two-phase loop. */
#define VT_KERNEL_CHUNK 128

/* The loop over sorted particles i0..i1-1 of the private half list, in
 * sorted order (the list and the partners' data then stream through
 * memory). FLAGS is a compile-time constant at each use: 0 is the
 * forces-only pass of MD steps (the pair energies are dead code), VT_ENERGY
 * adds the energy sum, and only other flags bring the virial and
 * per-particle bookkeeping; f, ea, va are indexed by sorted position.
 *
 * Each particle's list is processed in chunks, in two phases:
 *  A. a pure map over the chunk (gather x_j, sigma_j from one 4-double
 *     record, type_j; minimum image; the model's EVAL; f_ij = fpair d),
 *     writing f_ij and e (and d, fpair for the virial) to small buffers. It
 *     has no stores to shared arrays and no reductions, so `omp simd`
 *     vectorizes it (with gathers where the instruction set has them) as
 *     long as EVAL is branch-free or if-convertible; pairs beyond the cutoff
 *     get fpair = e = 0. Its trip count is rounded up to whole vectors of
 *     VT_NEIGHBOR_PAD (no scalar remainder loop, whose cost was measured at
 *     5-10% of the kernel);
 *  B. a scalar pass that adds the chunk to f_i, f_j and the sums in list
 *     order, exactly the order of a plain loop, so vectorization does not
 *     change the results (pairs beyond the cutoff add exact zeros). */
#define VT_PAIR_LOOP(EVAL, par, s, nl, i0, i1, FLAGS, f, ea, va, part)                    \
  do {                                                                                      \
    const double bx = (s)->box[0], by = (s)->box[1], bz = (s)->box[2];                      \
    const double hx = 0.5 * bx, hy = 0.5 * by, hz = 0.5 * bz;                               \
    const double *restrict xs = (nl)->xs;                                                   \
    const int *restrict typ = (nl)->ts;                                                     \
    const size_t *restrict start = (nl)->sstart;                                            \
    const int *restrict list = (nl)->slist;                                                 \
    double cfx_[VT_KERNEL_CHUNK] VT_ALIGN32, cfy_[VT_KERNEL_CHUNK] VT_ALIGN32;                \
    double cfz_[VT_KERNEL_CHUNK] VT_ALIGN32, ce_[VT_KERNEL_CHUNK] VT_ALIGN32;                 \
    double cdx_[VT_KERNEL_CHUNK], cdy_[VT_KERNEL_CHUNK], cdz_[VT_KERNEL_CHUNK], cfp_[VT_KERNEL_CHUNK]; \
    double gx_[VT_KERNEL_CHUNK] VT_ALIGN32, gy_[VT_KERNEL_CHUNK] VT_ALIGN32;                  \
    double gz_[VT_KERNEL_CHUNK] VT_ALIGN32, gs_[VT_KERNEL_CHUNK] VT_ALIGN32;                  \
    double esum = 0, w0 = 0, w1 = 0, w2 = 0, w3 = 0, w4 = 0, w5 = 0, wp = 0, wm = 0;        \
    for (size_t i = (i0); i < (i1); i++) {                                                  \
      const double xi = xs[4 * i], yi = xs[4 * i + 1], zi = xs[4 * i + 2];                  \
      const double si = xs[4 * i + 3];                                                      \
      const int ti = typ[i];                                                                \
      /* f_i and, in the fourth slot, the energy of i's pairs: two partial  \
       * sums (even and odd entries) halve the chain of dependent adds */   \
      vt_v4d fia = {0.0, 0.0, 0.0, 0.0}, fib = {0.0, 0.0, 0.0, 0.0};                        \
      for (size_t q0 = start[i]; q0 < start[i + 1]; q0 += VT_KERNEL_CHUNK) {                \
        const int *restrict lq = list + q0;                                                 \
        const int m = (int)(start[i + 1] - q0 < VT_KERNEL_CHUNK ? start[i + 1] - q0 : VT_KERNEL_CHUNK); \
        /* rounded up to whole vectors: no scalar remainder loop; the extra \
         * entries are read from the next particles' lists (or the list's   \
         * padding) and their results are never used */                     \
        const int mv = (m + VT_NEIGHBOR_PAD - 1) & ~(VT_NEIGHBOR_PAD - 1);                    \
        /* the partners' (x, y, z, sigma) records, one load each, turned  \
         * into columns four at a time (cheaper than element gathers) */    \
        for (int k = 0; k < mv; k += 4)                                                     \
          VT_GATHER4(xs, lq + k, gx_ + k, gy_ + k, gz_ + k, gs_ + k);                       \
        _Pragma("omp simd simdlen(VT_NEIGHBOR_PAD)")                                        \
        for (int k = 0; k < mv; k++) {                                                      \
          const int j = lq[k];                                                              \
          double dx = xi - gx_[k], dy = yi - gy_[k], dz = zi - gz_[k];                      \
          /* positions are wrapped at each list build and drift less than      \
           * skin/2 after it, so |d| < L/2 + L and one fold suffices (a blend  \
           * once vectorized: vitrum builds with -fno-trapping-math) */         \
          dx = dx > hx ? dx - bx : (dx < -hx ? dx + bx : dx);                               \
          dy = dy > hy ? dy - by : (dy < -hy ? dy + by : dy);                               \
          dz = dz > hz ? dz - bz : (dz < -hz ? dz + bz : dz);                               \
          const double r2 = dx * dx + dy * dy + dz * dz;                                    \
          double e_ = 0.0, fp_ = 0.0;                                                       \
          const int in_ = EVAL(par, r2, si, gs_[k], ti, typ[j], &e_, &fp_);                 \
          e_ = in_ ? e_ : 0.0;                                                              \
          fp_ = in_ ? fp_ : 0.0;                                                            \
          cfx_[k] = fp_ * dx; cfy_[k] = fp_ * dy; cfz_[k] = fp_ * dz;                        \
          ce_[k] = (FLAGS) ? e_ : 0.0;                                                      \
          if ((FLAGS) & (VT_VIRIAL | VT_VATOM | VT_PSPLIT)) {                               \
            cdx_[k] = dx; cdy_[k] = dy; cdz_[k] = dz; cfp_[k] = fp_;                        \
          }                                                                                 \
        }                                                                                   \
        /* pairs beyond the cutoff add exact zeros: cheaper than a branch  \
         * the predictor cannot learn */                                    \
        if (!((FLAGS) & (VT_VIRIAL | VT_VATOM | VT_PSPLIT | VT_EATOM))) {                   \
          /* four entries at a time: transpose the chunk's columns into   \
           * (f_ij, e) records, then one subtract per partner f_j */        \
          for (int k = 0; k < m; k += 4) {                                                  \
            vt_v4d c_[4];                                                                   \
            VT_RECORDS4(cfx_ + k, cfy_ + k, cfz_ + k, ce_ + k, c_);                         \
            const int r_ = m - k < 4 ? m - k : 4;                                           \
            if (r_ == 4) {   /* constant indices: the records stay in registers */         \
              double *f0_ = f + 4 * (size_t)lq[k], *f1_ = f + 4 * (size_t)lq[k + 1];        \
              double *f2_ = f + 4 * (size_t)lq[k + 2], *f3_ = f + 4 * (size_t)lq[k + 3];    \
              vt_v4d_store(f0_, vt_v4d_load(f0_) - c_[0]);                                  \
              vt_v4d_store(f1_, vt_v4d_load(f1_) - c_[1]);                                  \
              vt_v4d_store(f2_, vt_v4d_load(f2_) - c_[2]);                                  \
              vt_v4d_store(f3_, vt_v4d_load(f3_) - c_[3]);                                  \
              fia += c_[0]; fib += c_[1]; fia += c_[2]; fib += c_[3];                       \
              continue;                                                                     \
            }                                                                               \
            for (int u = 0; u < r_; u += 2) {                                               \
              double *fj_ = f + 4 * (size_t)lq[k + u];                                      \
              vt_v4d_store(fj_, vt_v4d_load(fj_) - c_[u]);                                  \
              fia += c_[u];                                                                 \
              if (u + 1 < r_) {                                                             \
                fj_ = f + 4 * (size_t)lq[k + u + 1];                                        \
                vt_v4d_store(fj_, vt_v4d_load(fj_) - c_[u + 1]);                            \
                fib += c_[u + 1];                                                           \
              }                                                                             \
            }                                                                               \
          }                                                                                 \
        } else                                                                              \
          for (int k = 0; k < m; k++) {                                                     \
            const size_t j = (size_t)lq[k];                                                 \
            const vt_v4d c_ = {cfx_[k], cfy_[k], cfz_[k], ce_[k]};                          \
            vt_v4d_store(f + 4 * j, vt_v4d_load(f + 4 * j) - c_);                           \
            if (k & 1) fib += c_;                                                           \
            else fia += c_;                                                                 \
            const double fx = c_[0], fy = c_[1], fz = c_[2], e = c_[3];                     \
            if ((FLAGS) & (VT_VIRIAL | VT_VATOM | VT_PSPLIT)) {                             \
              const double dx = cdx_[k], dy = cdy_[k], dz = cdz_[k], fp = cfp_[k];          \
              const double v0 = dx * fx, v1 = dy * fy, v2 = dz * fz;                        \
              const double v3 = dx * fy, v4 = dx * fz, v5 = dy * fz;                        \
              w0 += v0; w1 += v1; w2 += v2; w3 += v3; w4 += v4; w5 += v5;                   \
              if ((FLAGS) & VT_PSPLIT) { if (fp > 0) wp += v0 + v1 + v2; else if (fp < 0) wm += v0 + v1 + v2; } \
              if ((FLAGS) & VT_VATOM) {                                                     \
                double *a_ = va + 6 * i, *b_ = va + 6 * j;                                  \
                a_[0] += 0.5 * v0; a_[1] += 0.5 * v1; a_[2] += 0.5 * v2;                    \
                a_[3] += 0.5 * v3; a_[4] += 0.5 * v4; a_[5] += 0.5 * v5;                    \
                b_[0] += 0.5 * v0; b_[1] += 0.5 * v1; b_[2] += 0.5 * v2;                    \
                b_[3] += 0.5 * v3; b_[4] += 0.5 * v4; b_[5] += 0.5 * v5;                    \
              }                                                                             \
            }                                                                               \
            if ((FLAGS) & VT_EATOM) { ea[i] += 0.5 * e; ea[j] += 0.5 * e; }                 \
          }                                                                                 \
      }                                                                                     \
      const vt_v4d fi = fia + fib;                                                          \
      vt_v4d_store(f + 4 * i, vt_v4d_load(f + 4 * i) + fi);                                 \
      if (FLAGS) esum += fi[3];   /* the energy of i's pairs, then the running sum */        \
    }                                                                                       \
    (part)->e = esum;                                                                       \
    (part)->w[0] = w0; (part)->w[1] = w1; (part)->w[2] = w2;                                \
    (part)->w[3] = w3; (part)->w[4] = w4; (part)->w[5] = w5;                                \
    (part)->wp = wp; (part)->wm = wm;                                                       \
  } while (0)

/* One parallel region per pass: each thread gathers an equal block of the
 * sorted copies and clears that block of the buffers (buffer u only from
 * blk[u] on: partners are later in sorted order), runs the pair loop on its
 * block of equal list share (vt_kernel_split: the static partition is ours,
 * not the OpenMP runtime's, so it is the same every run), then adds the
 * buffers for an equal block of the system's order (the block its
 * integration loops use: no cache line of s->f moves between cores). */
#define VT_DEFINE_PAIR_COMPUTE(FNAME, PARTYPE, EVAL)                                        \
  static int FNAME(const vt_potential *pot_, vt_system *s, const vt_neighbor *nl, unsigned flags) \
  {                                                                                         \
    const PARTYPE *par = (const PARTYPE *)pot_->par;                                        \
    const size_t n = s->n;                                                                  \
    int nt = VT_NTHREADS();                                                                 \
    if (nt > VT_KERNEL_MAXT) nt = VT_KERNEL_MAXT;                                           \
    if ((size_t)nt > n) nt = (int)n;                                                        \
    if (nt < 1) nt = 1;                                                                     \
    double *buf;                                                                            \
    int rc_ = vt_kernel_scratch(s, nt, flags, &buf);                                        \
    if (rc_) return rc_;                                                                    \
    const size_t stride = vt_kernel_stride(n, flags);                                       \
    vt_kernel_part part[VT_KERNEL_MAXT];                                                    \
    size_t blk[VT_KERNEL_MAXT + 1];                                                         \
    vt_kernel_split(nl, nt, blk);                                                           \
    const int full = (flags & (VT_VIRIAL | VT_VATOM | VT_EATOM | VT_PSPLIT)) != 0;          \
    _Pragma("omp parallel num_threads(nt)")                                                 \
    {                                                                                       \
      const int t = VT_THREAD();                                                            \
      const size_t g0 = n * (size_t)t / (size_t)nt, g1 = n * (size_t)(t + 1) / (size_t)nt;  \
      vt_kernel_gather(s, nl, g0, g1);                                                      \
      double *restrict f = buf + (size_t)t * stride;                                        \
      double *restrict ea = (flags & VT_EATOM) ? f + 4 * n : NULL;                          \
      double *restrict va = (flags & VT_VATOM) ? f + 4 * n + ((flags & VT_EATOM) ? n : 0) : NULL; \
      const size_t i0 = blk[t], i1 = blk[t + 1];                                            \
      /* buffer u receives sorted particles blk[u].. only; every thread     \
       * clears that range of every buffer within its own equal block */    \
      for (int u = 0; u < nt; u++) {                                                        \
        const size_t z0 = blk[u] > g0 ? blk[u] : g0;                                        \
        if (z0 >= g1) continue;                                                             \
        double *fu = buf + (size_t)u * stride;                                              \
        memset(fu + 4 * z0, 0, 4 * (g1 - z0) * sizeof(double));                             \
        if (flags & VT_EATOM) memset(fu + 4 * n + z0, 0, (g1 - z0) * sizeof(double));      \
        if (flags & VT_VATOM)                                                               \
          memset(fu + 4 * n + ((flags & VT_EATOM) ? n : 0) + 6 * z0, 0, 6 * (g1 - z0) * sizeof(double)); \
      }                                                                                     \
      _Pragma("omp barrier")                                                                \
      if (full)                                                                             \
        VT_PAIR_LOOP(EVAL, par, s, nl, i0, i1, flags, f, ea, va, &part[t]);                 \
      else if (flags & VT_ENERGY)                                                           \
        VT_PAIR_LOOP(EVAL, par, s, nl, i0, i1, VT_ENERGY, f, ea, va, &part[t]);             \
      else                                                                                  \
        VT_PAIR_LOOP(EVAL, par, s, nl, i0, i1, 0u, f, ea, va, &part[t]);                    \
      _Pragma("omp barrier")                                                                \
      vt_kernel_scatter(s, nl, nt, flags, buf, stride, blk, g0, g1);                        \
    }                                                                                       \
    double E = 0, W[6] = {0, 0, 0, 0, 0, 0}, WP = 0, WM = 0;                                \
    for (int t = 0; t < nt; t++) {                                                          \
      E += part[t].e;                                                                       \
      for (int k = 0; k < 6; k++) W[k] += part[t].w[k];                                     \
      WP += part[t].wp; WM += part[t].wm;                                                   \
    }                                                                                       \
    if (flags) s->energy = E;   /* flags 0: forces only, the energy is left as it was */   \
    memcpy(s->virial, W, sizeof W);                                                         \
    s->w_plus = WP; s->w_minus = WM;                                                        \
    return 0;                                                                               \
  }

#endif
