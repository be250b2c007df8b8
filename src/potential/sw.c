/* sw: the Stillinger-Weber potential (Stillinger and Weber, PRB 31, 5262
 * (1985)), vitrum's first many-body model (MODELS.md section 6):
 *
 *   E = sum_{i<j} phi2(r_ij) + sum_i sum_{j<k; j,k != i} phi3(r_ij, r_ik, theta_jik)
 *   phi2(r) = A eps [B (sigma/r)^p - (sigma/r)^q] exp(sigma / (r - a sigma))
 *   phi3    = lambda eps (cos theta_jik - cos theta0)^2
 *             exp(gamma sigma / (r_ij - a sigma)) exp(gamma sigma / (r_ik - a sigma))
 *
 * both for distances below a sigma. Defaults: the original silicon values
 * A = 7.049556277, B = 0.6022245584, p = 4, q = 0, a = 1.8, gamma = 1.2,
 * lambda = 21, cos theta0 = -1/3, eps = sigma = 1; the mesoelastic study's
 * glass-former is lambda = 18.75 (Russo, Akahane, Tanaka, PRX 8, 021040
 * (2018)). One species: every particle interacts the same way whatever its
 * type and diameter (dsigma: none; the diameters are not read).
 *
 * Forces follow LAMMPS pair_style sw's arrangement of the derivatives (the
 * formulas are the model's; the code is vitrum's): with u = x_j - x_i,
 * v = x_k - x_i, c = cos theta_jik, G(r) = exp(gamma sigma/(r - a sigma)),
 * g(r) = gamma sigma / ((r - a sigma)^2 r) (so grad_u G = -g G u),
 *   F_j = u (R g_u + c T / |u|^2) - v T / (|u||v|),  F_k likewise,
 *   F_i = -F_j - F_k,  R = lambda eps (c - c0)^2 G_u G_v,  T = 2 lambda eps (c - c0) G_u G_v.
 *
 * Virials. The total virial W_ab = sum_m x_m,a F_m,b of each term, by
 * translation invariance a sum over separations: a pair gives
 * (x_i - x_j)_a F_i,b; a triplet centred on i gives u_a F_j,b + v_a F_k,b.
 * Per-particle split (VT_VATOM, VT_EATOM): each pair's energy and virial
 * half to each of its two particles, each triplet's a third to each of its
 * three (the convention of LAMMPS's ev_tally3), so the per-particle values
 * sum to the totals. The p+/p- split (VT_PSPLIT) is a split of pair terms
 * and is refused.
 *
 * Kernel: over the full neighbor list (neighbor.h, option full) in bin
 * order, threads on contiguous blocks of centres, per-thread force buffers
 * added in thread order (deterministic for a thread count). For centre p
 * the partners within a sigma are collected with their G and g (one
 * exponential each, not one per triplet), the pair term is taken for
 * partners q > p (each pair once), then every triplet j < k of the
 * collected set. */
#include "potential/kernel.h"
#include "potential/potential.h"
#include "potential/support.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
  double eps, sig, A, B, p, q, a, lam, gam, cos0;
  double cut, cut2;              /* a sigma and its square */
  double c5, c6;                 /* A eps B sigma^p, A eps sigma^q */
  double lam_eps, lam_eps2;      /* lambda eps, 2 lambda eps */
  double gsig;                   /* gamma sigma */
  int ip, iq;                    /* p, q as integers when they are (else -1) */
} sw_par;

/* x^-n for a small non-negative integer n, else x^-p through pow. */
static inline double sw_rpow(double r, double rinv, int n, double p)
{
  if (n < 0) return pow(r, -p);
  double y = 1.0;
  for (int k = 0; k < n; k++) y *= rinv;
  return y;
}

/* A partner of the centre within a sigma. */
typedef struct {
  double d[3];       /* x_q - x_p */
  double ir2, ir;    /* 1/r^2, 1/r (the triplet loop multiplies, never divides) */
  double G, g;       /* exp(gamma sigma/(r - a sigma)), gamma sigma/((r - a sigma)^2 r) */
  double fx, fy, fz; /* triplet forces on it, accumulated over the centre's triplets */
  int q;             /* sorted index */
} sw_nb;

typedef struct {
  double e, w[6];
} sw_part;

/* Centres p0..p1-1 (sorted order); f, ea, va are this thread's buffers. */
static inline void sw_block(const sw_par *P, const vt_neighbor *nl, const double box[3], size_t p0, size_t p1,
                            unsigned flags, sw_nb *sh, double *restrict f, double *restrict ea,
                            double *restrict va, sw_part *out)
{
  const double bx = box[0], by = box[1], bz = box[2], hx = 0.5 * bx, hy = 0.5 * by, hz = 0.5 * bz;
  const double *restrict xs = nl->xs;
  const size_t *fstart = nl->fstart;
  const int *flist = nl->flist;
  const double cut = P->cut, cut2 = P->cut2, gsig = P->gsig, cos0 = P->cos0, le = P->lam_eps, le2 = P->lam_eps2;
  const int want_e = (flags & (VT_ENERGY | VT_EATOM)) != 0, want_w = (flags & (VT_VIRIAL | VT_VATOM)) != 0;
  double esum = 0.0, w[6] = {0, 0, 0, 0, 0, 0};
  const double third = 1.0 / 3.0;
  for (size_t p = p0; p < p1; p++) {
    const double xi = xs[4 * p], yi = xs[4 * p + 1], zi = xs[4 * p + 2];
    int ns = 0;
    double fix = 0.0, fiy = 0.0, fiz = 0.0;
    for (size_t e = fstart[p]; e < fstart[p + 1]; e++) {
      const int q = flist[e];
      double dx = xs[4 * q] - xi, dy = xs[4 * q + 1] - yi, dz = xs[4 * q + 2] - zi;
      dx = dx > hx ? dx - bx : (dx < -hx ? dx + bx : dx);
      dy = dy > hy ? dy - by : (dy < -hy ? dy + by : dy);
      dz = dz > hz ? dz - bz : (dz < -hz ? dz + bz : dz);
      const double r2 = dx * dx + dy * dy + dz * dz;
      if (!(r2 < cut2)) continue;
      sw_nb *b = &sh[ns++];
      const double r = sqrt(r2), ra = 1.0 / (r - cut);
      b->d[0] = dx; b->d[1] = dy; b->d[2] = dz;
      b->ir = 1.0 / r; b->ir2 = b->ir * b->ir; b->q = q;
      b->G = exp(gsig * ra);
      b->g = gsig * ra * ra / r;
      b->fx = b->fy = b->fz = 0.0;
      if (q > (int)p) {
        /* the pair term, once per pair: fpair = -phi2'/r, force on p = -fpair d */
        const double rinv = b->ir, rp = sw_rpow(r, rinv, P->ip, P->p), rq = sw_rpow(r, rinv, P->iq, P->q);
        const double ex = exp(P->sig * ra);
        const double Pw = P->c5 * rp - P->c6 * rq;
        const double dP = (-P->p * P->c5 * rp + P->q * P->c6 * rq) * rinv;
        const double fpair = -(dP - Pw * P->sig * ra * ra) * ex * rinv;
        const double fx = fpair * dx, fy = fpair * dy, fz = fpair * dz;
        fix -= fx; fiy -= fy; fiz -= fz;
        f[4 * q] += fx; f[4 * q + 1] += fy; f[4 * q + 2] += fz;
        if (want_e) {
          const double e2 = Pw * ex;
          esum += e2;
          if (flags & VT_EATOM) { ea[p] += 0.5 * e2; ea[q] += 0.5 * e2; }
        }
        if (want_w) {
          /* (x_p - x_q) (x) F_p = (-d) (x) (-fpair d) */
          const double v0 = dx * fx, v1 = dy * fy, v2 = dz * fz, v3 = dx * fy, v4 = dx * fz, v5 = dy * fz;
          w[0] += v0; w[1] += v1; w[2] += v2; w[3] += v3; w[4] += v4; w[5] += v5;
          if (flags & VT_VATOM) {
            double *a_ = va + 6 * p, *b_ = va + 6 * (size_t)q;
            a_[0] += 0.5 * v0; a_[1] += 0.5 * v1; a_[2] += 0.5 * v2; a_[3] += 0.5 * v3; a_[4] += 0.5 * v4; a_[5] += 0.5 * v5;
            b_[0] += 0.5 * v0; b_[1] += 0.5 * v1; b_[2] += 0.5 * v2; b_[3] += 0.5 * v3; b_[4] += 0.5 * v4; b_[5] += 0.5 * v5;
          }
        }
      }
    }
    /* the triplets j < k centred on p */
    for (int j = 0; j < ns - 1; j++) {
      sw_nb *bj = &sh[j];
      const double ux = bj->d[0], uy = bj->d[1], uz = bj->d[2], iru = bj->ir, iru2 = bj->ir2;
      const double Gu = bj->G, gu = bj->g;
      double fjx = 0.0, fjy = 0.0, fjz = 0.0;
      for (int k = j + 1; k < ns; k++) {
        sw_nb *bk = &sh[k];
        const double vx = bk->d[0], vy = bk->d[1], vz = bk->d[2];
        const double iruv = iru * bk->ir;
        const double c = (ux * vx + uy * vy + uz * vz) * iruv, dc = c - cos0;
        const double GG = Gu * bk->G;
        const double R = le * GG * dc * dc, T = le2 * GG * dc;
        const double T12 = T * iruv, cT = c * T;
        const double au = R * gu + cT * iru2, av = R * bk->g + cT * bk->ir2;
        const double Fjx = ux * au - vx * T12, Fjy = uy * au - vy * T12, Fjz = uz * au - vz * T12;
        const double Fkx = vx * av - ux * T12, Fky = vy * av - uy * T12, Fkz = vz * av - uz * T12;
        fjx += Fjx; fjy += Fjy; fjz += Fjz;
        bk->fx += Fkx; bk->fy += Fky; bk->fz += Fkz;
        fix -= Fjx + Fkx; fiy -= Fjy + Fky; fiz -= Fjz + Fkz;
        if (want_e) {
          esum += R;
          if (flags & VT_EATOM) {
            const double e3 = third * R;
            ea[p] += e3; ea[bj->q] += e3; ea[bk->q] += e3;
          }
        }
        if (want_w) {
          const double v0 = ux * Fjx + vx * Fkx, v1 = uy * Fjy + vy * Fky, v2 = uz * Fjz + vz * Fkz;
          const double v3 = ux * Fjy + vx * Fky, v4 = ux * Fjz + vx * Fkz, v5 = uy * Fjz + vy * Fkz;
          w[0] += v0; w[1] += v1; w[2] += v2; w[3] += v3; w[4] += v4; w[5] += v5;
          if (flags & VT_VATOM) {
            const double t0 = third * v0, t1 = third * v1, t2 = third * v2, t3 = third * v3, t4 = third * v4, t5 = third * v5;
            double *ptrs[3] = {va + 6 * p, va + 6 * (size_t)bj->q, va + 6 * (size_t)bk->q};
            for (int m = 0; m < 3; m++) {
              double *a_ = ptrs[m];
              a_[0] += t0; a_[1] += t1; a_[2] += t2; a_[3] += t3; a_[4] += t4; a_[5] += t5;
            }
          }
        }
      }
      bj->fx += fjx; bj->fy += fjy; bj->fz += fjz;
    }
    for (int m = 0; m < ns; m++) {
      double *fq = f + 4 * (size_t)sh[m].q;
      fq[0] += sh[m].fx; fq[1] += sh[m].fy; fq[2] += sh[m].fz;
    }
    f[4 * p] += fix; f[4 * p + 1] += fiy; f[4 * p + 2] += fiz;
  }
  out->e = esum;
  memcpy(out->w, w, sizeof w);
}

/* Blocks of centres with about equal shares of full-list entries. */
static void sw_split(const vt_neighbor *nl, int nt, size_t *blk)
{
  const size_t n = nl->n, total = nl->fstart[n] + 4 * n;
  blk[0] = 0;
  for (int t = 1; t < nt; t++) {
    const size_t want = (size_t)((double)total * t / nt);
    size_t lo = blk[t - 1], hi = n;
    while (lo < hi) {
      size_t mid = lo + (hi - lo) / 2;
      if (nl->fstart[mid] + 4 * mid < want) lo = mid + 1;
      else hi = mid;
    }
    blk[t] = lo;
  }
  blk[nt] = n;
}

static int sw_compute(const vt_potential *pot, vt_system *s, const vt_neighbor *nl, unsigned flags)
{
  const sw_par *P = pot->par;
  if (flags & VT_PSPLIT)
    return vt_error(VT_EINVAL, "sw: the split of the pressure into repulsive and attractive pair parts (p+, p-) "
                               "is defined for pair potentials only; sw has three-body terms");
  if (!nl->opts.full || !nl->fstart) return vt_error(VT_EINVAL, "sw: the neighbor list has no full list");
  const size_t n = s->n;
  int nt = VT_NTHREADS();
  if (nt > VT_KERNEL_MAXT) nt = VT_KERNEL_MAXT;
  if ((size_t)nt > n) nt = (int)n;
  if (nt < 1) nt = 1;
  double *buf;
  int rc = vt_kernel_scratch(s, nt, flags, &buf);
  if (rc) return rc;
  const size_t stride = vt_kernel_stride(n, flags);
  size_t maxrow = 1;
  for (size_t p = 0; p < n; p++)
    if (nl->fstart[p + 1] - nl->fstart[p] > maxrow) maxrow = nl->fstart[p + 1] - nl->fstart[p];
  size_t blk[VT_KERNEL_MAXT + 1];
  sw_split(nl, nt, blk);
  sw_part part[VT_KERNEL_MAXT];
  int failed = 0;
  const size_t ne = (flags & VT_EATOM) ? n : 0;
  _Pragma("omp parallel num_threads(nt)")
  {
    const int t = VT_THREAD();
    const size_t g0 = n * (size_t)t / (size_t)nt, g1 = n * (size_t)(t + 1) / (size_t)nt;
    vt_kernel_gather(s, nl, g0, g1);
    /* any buffer may receive any particle (full-list partners lie on both
     * sides): each thread clears its equal block of all of them */
    for (int u = 0; u < nt; u++) {
      double *fu = buf + (size_t)u * stride;
      memset(fu + 4 * g0, 0, 4 * (g1 - g0) * sizeof(double));
      if (flags & VT_EATOM) memset(fu + 4 * n + g0, 0, (g1 - g0) * sizeof(double));
      if (flags & VT_VATOM) memset(fu + 4 * n + ne + 6 * g0, 0, 6 * (g1 - g0) * sizeof(double));
    }
    sw_nb *sh = malloc(maxrow * sizeof *sh);
    if (!sh) {
      _Pragma("omp atomic write")
      failed = 1;
    }
    _Pragma("omp barrier")
    double *f = buf + (size_t)t * stride;
    double *ea = (flags & VT_EATOM) ? f + 4 * n : NULL, *va = (flags & VT_VATOM) ? f + 4 * n + ne : NULL;
    part[t].e = 0.0;
    memset(part[t].w, 0, sizeof part[t].w);
    if (sh) {
      if (flags & (VT_VIRIAL | VT_VATOM | VT_EATOM))
        sw_block(P, nl, s->box, blk[t], blk[t + 1], flags, sh, f, ea, va, &part[t]);
      else if (flags & VT_ENERGY)
        sw_block(P, nl, s->box, blk[t], blk[t + 1], VT_ENERGY, sh, f, NULL, NULL, &part[t]);
      else
        sw_block(P, nl, s->box, blk[t], blk[t + 1], 0u, sh, f, NULL, NULL, &part[t]);
    }
    free(sh);
    _Pragma("omp barrier")
    vt_kernel_scatter(s, nl, nt, flags, buf, stride, NULL, g0, g1);
  }
  if (failed) return vt_error(VT_ENOMEM, "sw: out of memory");
  double E = 0, W[6] = {0, 0, 0, 0, 0, 0};
  for (int t = 0; t < nt; t++) {
    E += part[t].e;
    for (int k = 0; k < 6; k++) W[k] += part[t].w[k];
  }
  if (flags) s->energy = E;
  memcpy(s->virial, W, sizeof W);
  s->w_plus = s->w_minus = NAN;
  return 0;
}

/* ---- the Hessian (MODELS.md 6.2) ----
 * Pair term: K = phi2'' r^r^ + (phi2'/r)(I - r^r^), blocks (i,i) and (j,j)
 * += K, (i,j) -= K. Triplet centred on i with u = x_j - x_i, v = x_k - x_i,
 * E3 = lambda eps Q(c) G(|u|) G(|v|), Q = (c - c0)^2: the second
 * derivatives W_uu, W_uv, W_vv with respect to the separations give
 * H_jj = W_uu, H_kk = W_vv, H_jk = W_uv, H_ij = -(W_uu + W_vu),
 * H_ik = -(W_uv + W_vv), H_ii = W_uu + W_uv + W_vu + W_vv (W_vu = W_uv^T).
 * With c_u = dc/du = (v^ - c u^)/|u|:
 *   d2c/du2  = -(c_u u^T + u^ c_u^T)/|u| - c (I - u^u^)/|u|^2
 *   d2c/dudv = (I - u^u^ - v^v^ + c u^v^)/(|u||v|)   (row index: u)
 *   W_uu = le [2 G_u G_v c_u c_u + Q' G_u G_v c_uu + Q' G'_u G_v (c_u u^ + u^ c_u)
 *              + Q G_v (G''_u u^u^ + (G'_u/|u|)(I - u^u^))]
 *   W_uv = le [2 G_u G_v c_u c_v + Q' G_u G_v c_uv + Q' G_u G'_v c_u v^
 *              + Q' G'_u G_v u^ c_v + Q G'_u G'_v u^v^]
 * (le = lambda eps, Q' = 2 (c - c0), outer products row (x) column).
 * Each block goes with the positions of its two particles relative to the
 * term's first particle (the centre of a triplet). */
static void sw_phi2(const sw_par *P, double r, double *du, double *d2u)
{
  const double rinv = 1.0 / r, rp = sw_rpow(r, rinv, P->ip, P->p), rq = sw_rpow(r, rinv, P->iq, P->q);
  const double ra = 1.0 / (r - P->cut), ex = exp(P->sig * ra);
  const double Pw = P->c5 * rp - P->c6 * rq;
  const double dP = (-P->p * P->c5 * rp + P->q * P->c6 * rq) * rinv;
  const double d2P = (P->p * (P->p + 1) * P->c5 * rp - P->q * (P->q + 1) * P->c6 * rq) * rinv * rinv;
  const double s1 = -P->sig * ra * ra, s2 = 2.0 * P->sig * ra * ra * ra;   /* s', s'' of s = sigma/(r - a sigma) */
  *du = (dP + Pw * s1) * ex;
  *d2u = (d2P + 2.0 * dP * s1 + Pw * s2 + Pw * s1 * s1) * ex;
}

typedef struct {
  double d[3], r, e[3];   /* separation x_q - x_p, its length and direction */
  double G, G1, G2;       /* G and its first two radial derivatives */
  int j;                  /* system index */
} sw_hnb;

static int sw_hessian(const vt_potential *pot, const vt_system *s, const vt_neighbor *nl,
                      void (*add)(void *, int, int, const double *, const double *, const double *), void *ctx)
{
  const sw_par *P = pot->par;
  if (!nl->opts.full || !nl->fstart) return vt_error(VT_EINVAL, "sw: the neighbor list has no full list");
  const size_t n = s->n;
  size_t maxrow = 1;
  for (size_t p = 0; p < n; p++)
    if (nl->fstart[p + 1] - nl->fstart[p] > maxrow) maxrow = nl->fstart[p + 1] - nl->fstart[p];
  sw_hnb *sh = malloc(maxrow * sizeof *sh);
  if (!sh) return vt_error(VT_ENOMEM, "sw: out of memory");
  const double le = P->lam_eps, gs = P->gsig, zero[3] = {0, 0, 0};
  for (size_t p = 0; p < n; p++) {
    const int i = nl->perm[p];
    int ns = 0;
    for (size_t e = nl->fstart[p]; e < nl->fstart[p + 1]; e++) {
      const int j = nl->perm[nl->flist[e]];
      double d[3] = {s->x[3 * j] - s->x[3 * i], s->x[3 * j + 1] - s->x[3 * i + 1], s->x[3 * j + 2] - s->x[3 * i + 2]};
      vt_minimum_image(s->box, d);
      const double r2 = d[0] * d[0] + d[1] * d[1] + d[2] * d[2];
      if (!(r2 < P->cut2)) continue;
      sw_hnb *b = &sh[ns++];
      const double r = sqrt(r2), ra = 1.0 / (r - P->cut);
      memcpy(b->d, d, sizeof d);
      b->r = r;
      for (int a = 0; a < 3; a++) b->e[a] = d[a] / r;
      b->G = exp(gs * ra);
      b->G1 = -gs * ra * ra * b->G;
      b->G2 = (gs * gs * ra * ra * ra * ra + 2.0 * gs * ra * ra * ra) * b->G;
      b->j = j;
      if (j > i) {   /* the pair term, once */
        double du, d2u, K[9];
        sw_phi2(P, r, &du, &d2u);
        for (int a = 0; a < 3; a++)
          for (int c = 0; c < 3; c++)
            K[3 * a + c] = (d2u - du / r) * b->e[a] * b->e[c] + (a == c ? du / r : 0.0);
        double M[9];
        for (int q = 0; q < 9; q++) M[q] = -K[q];
        /* reference: particle i */
        add(ctx, i, i, K, zero, zero);
        add(ctx, j, j, K, d, d);
        add(ctx, i, j, M, zero, d);
      }
    }
    for (int a_ = 0; a_ < ns; a_++)
      for (int b_ = a_ + 1; b_ < ns; b_++) {
        const sw_hnb *U = &sh[a_], *W = &sh[b_];
        const double *u = U->e, *v = W->e, ru = U->r, rv = W->r;
        const double c = u[0] * v[0] + u[1] * v[1] + u[2] * v[2], dc = c - P->cos0;
        const double Q = dc * dc, Q1 = 2.0 * dc, Q2 = 2.0;
        double cu[3], cv[3];
        for (int a = 0; a < 3; a++) { cu[a] = (v[a] - c * u[a]) / ru; cv[a] = (u[a] - c * v[a]) / rv; }
        const double GG = U->G * W->G;
        double Wuu[9], Wvv[9], Wuv[9];
        for (int a = 0; a < 3; a++)
          for (int b = 0; b < 3; b++) {
            const double I = a == b ? 1.0 : 0.0;
            const double cuu = -(cu[a] * u[b] + u[a] * cu[b]) / ru - c * (I - u[a] * u[b]) / (ru * ru);
            const double cvv = -(cv[a] * v[b] + v[a] * cv[b]) / rv - c * (I - v[a] * v[b]) / (rv * rv);
            const double cuv = (I - u[a] * u[b] - v[a] * v[b] + c * u[a] * v[b]) / (ru * rv);
            Wuu[3 * a + b] = le * (Q2 * GG * cu[a] * cu[b] + Q1 * GG * cuu + Q1 * U->G1 * W->G * (cu[a] * u[b] + u[a] * cu[b]) +
                                   Q * W->G * (U->G2 * u[a] * u[b] + U->G1 / ru * (I - u[a] * u[b])));
            Wvv[3 * a + b] = le * (Q2 * GG * cv[a] * cv[b] + Q1 * GG * cvv + Q1 * W->G1 * U->G * (cv[a] * v[b] + v[a] * cv[b]) +
                                   Q * U->G * (W->G2 * v[a] * v[b] + W->G1 / rv * (I - v[a] * v[b])));
            Wuv[3 * a + b] = le * (Q2 * GG * cu[a] * cv[b] + Q1 * GG * cuv + Q1 * U->G * W->G1 * cu[a] * v[b] +
                                   Q1 * U->G1 * W->G * u[a] * cv[b] + Q * U->G1 * W->G1 * u[a] * v[b]);
          }
        double Hij[9], Hik[9], Hii[9];
        for (int a = 0; a < 3; a++)
          for (int b = 0; b < 3; b++) {
            const double vu = Wuv[3 * b + a];   /* W_vu[a][b] = d2E/dv_a du_b */
            Hij[3 * a + b] = -(Wuu[3 * a + b] + vu);
            Hik[3 * a + b] = -(Wuv[3 * a + b] + Wvv[3 * a + b]);
            Hii[3 * a + b] = Wuu[3 * a + b] + Wuv[3 * a + b] + vu + Wvv[3 * a + b];
          }
        /* reference: the centre i (at 0; j at u, k at v) */
        add(ctx, U->j, U->j, Wuu, U->d, U->d);
        add(ctx, W->j, W->j, Wvv, W->d, W->d);
        add(ctx, U->j, W->j, Wuv, U->d, W->d);
        add(ctx, i, U->j, Hij, zero, U->d);
        add(ctx, i, W->j, Hik, zero, W->d);
        add(ctx, i, i, Hii, zero, zero);
      }
  }
  free(sh);
  return 0;
}

static double sw_cutoff(const void *vp, double si, double sj, int ti, int tj)
{
  (void)si; (void)sj; (void)ti; (void)tj;
  return ((const sw_par *)vp)->cut;
}

static int sw_create(const vt_params *in, void **out, int *max_type, char *desc, size_t len)
{
  static const char *const known[] = {"epsilon", "sigma", "A", "B", "p", "q", "a", "lambda", "gamma", "costheta0", NULL};
  sw_par P = {.eps = 1.0, .sig = 1.0, .A = 7.049556277, .B = 0.6022245584, .p = 4.0, .q = 0.0,
              .a = 1.8, .lam = 21.0, .gam = 1.2, .cos0 = -1.0 / 3.0};
  int rc;
  if ((rc = vt_params_check(in, "sw", known)) ||
      (rc = vt_params_number(in, "sw", "epsilon", 0x1p-1022, INFINITY, &P.eps)) ||
      (rc = vt_params_number(in, "sw", "sigma", 0x1p-1022, INFINITY, &P.sig)) ||
      (rc = vt_params_number(in, "sw", "A", 0.0, INFINITY, &P.A)) ||
      (rc = vt_params_number(in, "sw", "B", 0.0, INFINITY, &P.B)) ||
      (rc = vt_params_number(in, "sw", "p", 0.0, 64.0, &P.p)) ||
      (rc = vt_params_number(in, "sw", "q", 0.0, 64.0, &P.q)) ||
      (rc = vt_params_number(in, "sw", "a", 0x1p-1022, INFINITY, &P.a)) ||
      (rc = vt_params_number(in, "sw", "lambda", 0.0, INFINITY, &P.lam)) ||
      (rc = vt_params_number(in, "sw", "gamma", 0.0, INFINITY, &P.gam)) ||
      (rc = vt_params_number(in, "sw", "costheta0", -1.0, 1.0, &P.cos0)))
    return rc;
  if (!(isfinite(P.eps) && isfinite(P.sig) && isfinite(P.A) && isfinite(P.B) && isfinite(P.a) && isfinite(P.lam) &&
        isfinite(P.gam)))
    return vt_error(VT_EINVAL, "sw: parameters must be finite");
  P.cut = P.a * P.sig;
  P.cut2 = P.cut * P.cut;
  P.c5 = P.A * P.eps * P.B * pow(P.sig, P.p);
  P.c6 = P.A * P.eps * pow(P.sig, P.q);
  P.lam_eps = P.lam * P.eps;
  P.lam_eps2 = 2.0 * P.lam * P.eps;
  P.gsig = P.gam * P.sig;
  P.ip = P.p == floor(P.p) && P.p <= 16 ? (int)P.p : -1;
  P.iq = P.q == floor(P.q) && P.q <= 16 ? (int)P.q : -1;
  sw_par *p = malloc(sizeof *p);
  if (!p) return vt_error(VT_ENOMEM, "out of memory");
  *p = P;
  *out = p;
  *max_type = 0;
  snprintf(desc, len, "sw{epsilon=%g, sigma=%g, A=%.10g, B=%.10g, p=%g, q=%g, a=%g, lambda=%g, gamma=%g, costheta0=%.10g}",
           P.eps, P.sig, P.A, P.B, P.p, P.q, P.a, P.lam, P.gam, P.cos0);
  return 0;
}

const vt_potential_type vt_potential_sw = {
  .name = "sw",
  .kind = VT_POTENTIAL_MANYBODY,
  .pair = NULL,
  .cutoff = sw_cutoff,
  .dsigma = NULL,
  .compute = sw_compute,
  .create = sw_create,
  .free = free,
  .hessian = sw_hessian,
};

