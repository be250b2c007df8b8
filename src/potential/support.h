/* Support for the pair models (internal to libvitrum, not installed):
 * - the coefficients of the polynomial smoothings, solved at construction
 *   time from their continuity conditions (doc/models.md sections 2, 3 and 7).
 *   They are plain functions of the model parameters, exported so the tests
 *   can check them against the published / independently computed tables;
 * - per-type-pair parameter tables (pss, ipl, lj). */
#ifndef VT_POTENTIAL_SUPPORT_H
#define VT_POTENTIAL_SUPPORT_H
#include "core/system.h"
#include "potential/potential.h"
#include <stddef.h>

/* Largest linear system / polynomial order handled here. */
#define VT_SMOOTH_MAXQ 8

/* Solve A x = b for an m x m row-major A (m <= VT_SMOOTH_MAXQ + 1) with GSL's
 * LU decomposition (partial pivoting) on the column-equilibrated matrix,
 * followed by one step of GSL's iterative refinement. A and b are not modified.
 * Returns VT_ESINGULAR (with a message) if A is numerically singular. */
int vt_smooth_linsolve(size_t m, const double *A, const double *b, double *x);

/* Even-polynomial smoothing of a singular part g(x): the coefficients
 * c[0..q] of P(x) = sum_{l=0..q} c[l] x^(2l) such that g + P and its first q
 * derivatives vanish at x = xc. gk[k] = g^(k)(xc), k = 0..q. */
int vt_smooth_even_poly(int q, double xc, const double *gk, double *c);

/* k-th derivative of x^p at x (any real p, integer k >= 0). */
double vt_smooth_dpow(double p, int k, double x);

/* doc/models.md 2.1 (PSS): a, b, c0, c2, c4, c6 of
 * phi(x) = a x^-12 - b x^-6 + c0 + c2 x^2 + c4 x^4 + c6 x^6 on
 * [2^(1/6), xc] matching LJ value -1, slope 0 and curvature 72 2^(-1/3) at
 * x_min = 2^(1/6) and vanishing with two derivatives at xc. */
int vt_pss_coefficients(double xc, double coef[6]);

/* doc/models.md 3.1/3.2 (IPL): c[0..q] of x^-n + sum_l c[l] x^(2l), which
 * vanishes with its first q derivatives at xc. */
int vt_ipl_coefficients(double n, double xc, int q, double *c);

/* doc/models.md 7(a) (NBC-smoothed LJ): c[0..2] of
 * 4(x^-12 - x^-6) + c0 + c2 x^2 + c4 x^4, vanishing with two derivatives at xc. */
int vt_lj_even_coefficients(double xc, double c[3]);

/* ---- type-pair tables ----
 * A table parameter is a single number (the same for every type pair) or
 * the upper triangle of the symmetric type matrix, row by row:
 * {11, 12, 22} for two types, {11, 12, 13, 22, 23, 33} for three, ...
 * (T(T+1)/2 numbers for T types, T <= VT_MAX_SPECIES). Types are 1-based;
 * out[a][b] for a, b in 1..T. */
#define VT_TYPE_TABLE_N (VT_MAX_SPECIES + 1)
typedef double vt_type_table[VT_TYPE_TABLE_N][VT_TYPE_TABLE_N];

/* Read table `key` into out. Returns 0 if the key is absent (out untouched),
 * 1 for a single number (every entry of out set), 2 for a matrix (entries
 * 1..T set, the others NaN); a negative VT_E* code with a message for a
 * wrong length, a non-positive entry (positive != 0) or a negative entry
 * (positive == 0). *ntypes: 0 if not fixed yet (a matrix then sets it),
 * else the number of types a matrix must cover. */
int vt_type_table_read(const vt_params *in, const char *model, const char *key, int positive,
                       vt_type_table out, int *ntypes);

/* Fill a table from an upper triangle of T(T+1)/2 numbers (others NaN). */
void vt_type_table_set(vt_type_table out, int T, const double *upper);

/* Whether the named parameter was given. */
int vt_params_has(const vt_params *in, const char *key);

#endif
