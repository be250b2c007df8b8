/* Static structure of one configuration: the radial distribution function
 * g(r) (total or of one species pair) and the static structure factor S(q)
 * from the exact sum over the wave vectors of the periodic box,
 * q = 2 pi (nx/Lx, ny/Ly, nz/Lz), averaged over shells of |q|.
 *
 * Conventions (k_B = 1, reduced units; species are the system's types):
 *   g_ab(r) = V / (N_a N_b) * sum_{i in a} sum_{j in b, j != i} delta(r - r_ij) / (4 pi r^2)
 *     with N_a (N_a - 1) in place of N_a N_b when a == b, and N (N - 1) for the
 *     total: an ideal gas then has g = 1 exactly on average,
 *     N (N-1) g = sum_a N_a (N_a - 1) g_aa + sum_{a != b} N_a N_b g_ab, and a
 *     particle's mean number of neighbours within R is
 *     (N - 1)/V * integral_0^R g(r) 4 pi r^2 dr.
 *     Bins are [k w, (k+1) w), normalised by the exact shell volume; r is the
 *     bin centre. rmax may not exceed half the shortest box side.
 *   S_ab(q) = Re < rho_a(q) conj(rho_b(q)) > / sqrt(N_a N_b),
 *     rho_a(q) = sum_{j in a} exp(i q . r_j); S(q) of species a is S_aa, the
 *     total uses all particles. < > is the mean over the vectors of a shell
 *     [k w, (k+1) w) of |q| (q = 0 excluded); the reported q is the mean |q|
 *     of the shell's vectors; empty shells are left out.
 *
 * Both are threaded with OpenMP; g(r) accumulates integer counts and each
 * S(q) vector is summed by one thread in a fixed order, so the results do not
 * depend on the thread count at all. Cost: g(r) is O(N rho rmax^3) with a
 * cell list; S(q) is O(N_a (L qmax)^3) (a sum over every particle for every
 * vector). Both poll vt_interrupted(). */
#ifndef VT_STRUCTURE_H
#define VT_STRUCTURE_H
#include "core/array.h"
#include "core/system.h"

/* g(r) on bins of `width` up to rmax. ta = tb = 0: total; otherwise the
 * partial g_ab of types ta and tb (1..ntypes; ta == tb allowed). r and g get
 * fresh vectors of the bin count (the caller unrefs them). */
int vt_structure_gr(const vt_system *s, double rmax, double width, int ta, int tb,
                    vt_array **r, vt_array **g);

typedef struct vt_sq_result {
  vt_array *q;      /* mean |q| of each non-empty shell */
  vt_array *S;      /* shell averages */
  vt_array *count;  /* wave vectors in each shell (q and -q both counted) */
  double peak;      /* |q| of the shell where S is largest (the main peak) */
  double peak_S;    /* S at that shell */
} vt_sq_result;

/* S(q) up to qmax on shells of `width`; ta = tb = 0: total; ta == tb: the
 * species' S(q); ta != tb: the cross term S_ab. */
int vt_structure_sq(const vt_system *s, double qmax, double width, int ta, int tb, vt_sq_result *out);
void vt_sq_result_free(vt_sq_result *r);

/* The peak rule of vt_sq_result (testable alone): the index of the largest
 * of n values (ties: the first); -1 when n = 0. */
long vt_structure_peak(const double *S, size_t n);

#endif
