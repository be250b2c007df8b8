/* The sparse Hessian against the numerical Jacobian of the forces on the
 * LAMMPS reference inherent structure (WAHNs, N = 500), its sum rules, the
 * pseudo-inverse solve, and the errors for singular and indefinite cases. */
#include "elastic_util.h"

static double *dense_of(vt_hessian *H, int mw)
{
  size_t dim = 3 * vt_hessian_n(H);
  double *D = malloc(dim * dim * sizeof *D);
  vt_hessian_dense(H, mw, D);
  return D;
}

/* x_k <- x_k / sqrt(m) of its particle */
static void bn_scratch(double *x, size_t k, const vt_system *s) { x[k] /= sqrt(s->mass[k / 3]); }

static void test_reference(const char *path)
{
  static const double diam[2] = {1.0, 1.2};
  vt_system *s = eu_read_data(path, diam);
  if (!ok(s != NULL, "read %s", path)) return;
  vt_potential *p = eu_lj_smooth(2.5, 2.75);
  vt_system_set_potential(s, p);
  vt_potential_unref(p);
  const size_t n = s->n, dim = 3 * n;
  double fm0 = eu_fmax(s);
  is_rel(s->energy / n, -6.98292268049380, 1e-12, 0, "reference IS energy per particle matches LAMMPS");
  ok(fm0 < 1e-10, "reference IS is a minimum (fmax %.2g)", fm0);

  vt_hessian *H;
  int rc = vt_hessian_create(s, NULL, &H);
  if (!ok(rc == 0, "hessian of the reference IS: %s", rc ? vt_errmsg() : "ok")) { vt_system_free(s); return; }
  size_t np = vt_hessian_npairs(H);
  ok(vt_hessian_nnz(H) == 6 * n + 9 * np, "lower triangle holds 6N + 9 npairs entries (%zu pairs)", np);
  diag("N %zu, interacting pairs %zu, factor entries %.0f", n, np, vt_hessian_factor_nnz(H));

  /* every interacting pair is within its cutoff, and every pair within the
   * cutoff is listed (brute force over all pairs) */
  size_t brute = 0;
  for (size_t i = 0; i < n; i++)
    for (size_t j = i + 1; j < n; j++) {
      double d[3] = {s->x[3 * i] - s->x[3 * j], s->x[3 * i + 1] - s->x[3 * j + 1], s->x[3 * i + 2] - s->x[3 * j + 2]};
      vt_minimum_image(s->box, d);
      double r = sqrt(d[0] * d[0] + d[1] * d[1] + d[2] * d[2]);
      if (r < vt_potential_cutoff(s->pot, s->sigma[i], s->sigma[j], s->type[i], s->type[j])) brute++;
    }
  ok(brute == np, "interacting pairs: %zu from the list, %zu by brute force", np, brute);

  /* the Hessian equals the Jacobian -df/dx: 4-point central differences */
  double *D = dense_of(H, 0);
  double hmax = 0;
  for (size_t q = 0; q < dim * dim; q++) hmax = fmax(hmax, fabs(D[q]));
  const double h = 1e-4;
  double *fp = malloc(4 * dim * sizeof *fp), maxerr = 0;
  size_t worst = 0;
  /* columns of every eighth particle (all rows), to stay fast */
  size_t ncols = 0;
  for (size_t c = 0; c < dim; c++) {
    if ((c / 3) % 8 != 0) continue;
    ncols++;
    const double steps[4] = {2 * h, h, -h, -2 * h};
    double x0 = s->x[c];
    for (int q = 0; q < 4; q++) {
      s->x[c] = x0 + steps[q];
      vt_system_invalidate(s);
      eu_fmax(s);
      memcpy(fp + q * dim, s->f, dim * sizeof *fp);
    }
    s->x[c] = x0;
    vt_system_invalidate(s);
    for (size_t r = 0; r < dim; r++) {
      double jac = -(-fp[r] + 8 * fp[dim + r] - 8 * fp[2 * dim + r] + fp[3 * dim + r]) / (12 * h);
      double e = fabs(jac - D[r * dim + c]);
      if (e > maxerr) { maxerr = e; worst = r * dim + c; }
    }
  }
  ok(maxerr <= 1e-6 * hmax, "Hessian = finite-difference Jacobian of the forces (%zu columns): max |diff| %.3g <= "
     "1e-6 max|H| (%.4g); worst entry (%zu,%zu)", ncols, maxerr, hmax, worst / dim, worst % dim);
  free(fp);

  /* symmetry, translation sum rule, apply() against the dense matrix */
  double asym = 0, trans = 0;
  for (size_t r = 0; r < dim; r++) {
    double row[3] = {0, 0, 0};
    for (size_t c = 0; c < dim; c++) {
      asym = fmax(asym, fabs(D[r * dim + c] - D[c * dim + r]));
      row[c % 3] += D[r * dim + c];
    }
    for (int a = 0; a < 3; a++) trans = fmax(trans, fabs(row[a]));
  }
  ok(asym == 0, "dense Hessian is exactly symmetric");
  ok(trans <= 1e-12 * hmax, "uniform translations are zero modes: max |H t| %.3g", trans);
  double *xv = malloc(dim * sizeof *xv), *y = malloc(dim * sizeof *y), *y2 = malloc(dim * sizeof *y2);
  for (size_t k = 0; k < dim; k++) xv[k] = sin(0.37 * k + 0.1);
  vt_hessian_apply(H, 0, xv, y);
  double aerr = 0, ynorm = 0;
  for (size_t r = 0; r < dim; r++) {
    double acc = 0;
    for (size_t c = 0; c < dim; c++) acc += D[r * dim + c] * xv[c];
    aerr = fmax(aerr, fabs(acc - y[r]));
    ynorm = fmax(ynorm, fabs(acc));
  }
  ok(aerr <= 1e-12 * ynorm, "apply() agrees with the dense matrix (%.3g)", aerr);

  /* the sparse lower triangle agrees with the dense matrix */
  const long *cp, *ri;
  const double *val;
  vt_hessian_csc(H, &cp, &ri, &val);
  double cerr = 0;
  size_t stored = 0;
  int lower = 1;
  for (size_t c = 0; c < dim; c++)
    for (long q = cp[c]; q < cp[c + 1]; q++) {
      if ((size_t)ri[q] < c) lower = 0;
      cerr = fmax(cerr, fabs(val[q] - D[(size_t)ri[q] * dim + c]));
      stored++;
    }
  size_t nzlow = 0;
  for (size_t r = 0; r < dim; r++)
    for (size_t c = 0; c <= r; c++) nzlow += D[r * dim + c] != 0;
  ok(lower && cerr == 0 && stored >= nzlow, "CSC lower triangle matches the dense matrix (%zu stored, %zu non-zero)",
     stored, nzlow);

  /* mass weighting */
  double *Dm = dense_of(H, 1), merr = 0;
  for (size_t r = 0; r < dim; r++)
    for (size_t c = 0; c < dim; c++)
      merr = fmax(merr, fabs(Dm[r * dim + c] - D[r * dim + c] / sqrt(s->mass[r / 3] * s->mass[c / 3])));
  ok(merr <= 1e-15 * hmax, "mass-weighted matrix is M^-1/2 H M^-1/2");
  vt_hessian_apply(H, 1, xv, y);
  for (size_t k = 0; k < dim; k++) bn_scratch(xv, k, s);
  vt_hessian_apply(H, 0, xv, y2);
  double mwerr = 0, mwn = 0;
  for (size_t k = 0; k < dim; k++) {
    mwerr = fmax(mwerr, fabs(y[k] - y2[k] / sqrt(s->mass[k / 3])));
    mwn = fmax(mwn, fabs(y[k]));
  }
  ok(mwerr <= 1e-13 * mwn, "mass-weighted apply is M^-1/2 H M^-1/2 x (%.3g)", mwerr);
  free(Dm);

  /* pseudo-inverse solve: residual and orthogonality to translations */
  for (size_t k = 0; k < dim; k++) xv[k] = cos(1.3 * k) + (k % 3 == 0 ? 0.25 : 0.0);  /* has a net force */
  double *bproj = malloc(dim * sizeof *bproj);
  memcpy(bproj, xv, dim * sizeof *bproj);
  double mean[3] = {0, 0, 0};
  for (size_t k = 0; k < dim; k++) mean[k % 3] += xv[k] / n;
  for (size_t k = 0; k < dim; k++) bproj[k] -= mean[k % 3];
  rc = vt_hessian_solve(H, 1, xv, y);
  ok(rc == 0, "solve");
  vt_hessian_apply(H, 0, y, y2);
  double res = 0, bn = 0, tr[3] = {0, 0, 0};
  for (size_t k = 0; k < dim; k++) {
    res += (y2[k] - bproj[k]) * (y2[k] - bproj[k]);
    bn += bproj[k] * bproj[k];
    tr[k % 3] += y[k];
  }
  ok(sqrt(res / bn) < 1e-11, "H (H^+ b) = P b: relative residual %.3g", sqrt(res / bn));
  ok(fabs(tr[0]) + fabs(tr[1]) + fabs(tr[2]) < 1e-10, "H^+ b has no translation (%.3g)",
     fabs(tr[0]) + fabs(tr[1]) + fabs(tr[2]));
  vt_hessian_state st;
  vt_hessian_state_get(H, &st);
  eu_fmax(s);
  ok(st.fmax == fm0 && st.energy == s->energy, "snapshot keeps energy and fmax");

  /* refresh at a nearby point (as the Newton minimizer does) = create there */
  for (int pass = 0; pass < 2; pass++) {
    double amp = pass == 0 ? 1e-5 : 3e-3;   /* the pairs stay, then (some may) change */
    for (size_t k = 0; k < dim; k++) s->x[k] += amp * sin(0.7 * k + 0.3);
    vt_system_invalidate(s);
    vt_hessian *H2 = NULL;
    rc = vt_hessian_create(s, NULL, &H2);
    int rr = vt_hessian_refresh(H, s, NULL);
    if (!ok(rc == 0 && rr == 0, "refresh after moves of %g: %s", amp, rc || rr ? vt_errmsg() : "ok")) {
      vt_hessian_free(H2);
      break;
    }
    long nref, nreused;
    vt_hessian_refresh_stats(H, &nref, &nreused);
    diag("refresh %d: %zu pairs (create: %zu), analysis kept in %ld of %ld", pass + 1, vt_hessian_npairs(H),
         vt_hessian_npairs(H2), nreused, nref);
    double *ya = malloc(dim * sizeof *ya), *yb = malloc(dim * sizeof *yb);
    vt_hessian_solve(H, 1, xv, ya);
    vt_hessian_solve(H2, 1, xv, yb);
    double w = 0, yn = 0;
    for (size_t k = 0; k < dim; k++) { w = fmax(w, fabs(ya[k] - yb[k])); yn = fmax(yn, fabs(yb[k])); }
    vt_hessian_state sa, sb;
    vt_hessian_state_get(H, &sa);
    vt_hessian_state_get(H2, &sb);
    ok(sa.energy == sb.energy && vt_hessian_nnz(H) == vt_hessian_nnz(H2) && w <= 1e-12 * yn,
       "refresh %d gives what create gives (solve differs by %.3g of %.3g)", pass + 1, w, yn);
    if (pass == 0) ok(nreused == 1, "small moves keep the pairs, and the analysis");
    free(ya); free(yb);
    vt_hessian_free(H2);
  }
  {
    /* range < 1: only the near pairs (a preconditioner for minimizers) */
    vt_hessian *Hr = NULL;
    vt_hessian_opts ro = {.range = 0.5, .shift = 1e-3};
    rc = vt_hessian_create(s, &ro, &Hr);
    size_t kept = 0, all = vt_hessian_npairs(H);
    if (ok(rc == 0, "range 0.5: factorizes (%s)", rc ? vt_errmsg() : "ok")) {
      kept = vt_hessian_npairs(Hr);
      int inside = 1;
      for (size_t k = 0; k < kept; k++) {
        int i, j;
        vt_hessian_pair(Hr, k, &i, &j);
        double d[3] = {s->x[3 * i] - s->x[3 * j], s->x[3 * i + 1] - s->x[3 * j + 1], s->x[3 * i + 2] - s->x[3 * j + 2]};
        vt_minimum_image(s->box, d);
        double r = sqrt(d[0] * d[0] + d[1] * d[1] + d[2] * d[2]);
        if (!(r < 0.5 * vt_potential_cutoff(s->pot, s->sigma[i], s->sigma[j], s->type[i], s->type[j]))) inside = 0;
      }
      ok(kept > 0 && kept < all && inside, "range 0.5 keeps %zu of %zu pairs, all within half their cutoff", kept, all);
      vt_hessian_free(Hr);
    }
    vt_hessian_opts bad = {.range = 1.5};
    ok(vt_hessian_create(s, &bad, &Hr) == VT_EINVAL && strstr(vt_errmsg(), "range"), "range 1.5: %s", vt_errmsg());
  }
  {
    /* an incomplete factor (IC(tau), src/elastic/ichol.c): a preconditioner.
     * It must be symmetric positive definite, and conjugate gradients on H
     * preconditioned by it must reach the complete factor's answer in far
     * fewer steps than without it. */
    vt_hessian *Hi = NULL;
    vt_hessian_opts io = {.incomplete = 1e-2, .shift = 0.03};
    rc = vt_hessian_create(s, &io, &Hi);
    if (ok(rc == 0, "incomplete 1e-2: factorizes (%s)", rc ? vt_errmsg() : "ok")) {
      double fi = vt_hessian_factor_nnz(Hi), fc = vt_hessian_factor_nnz(H);
      ok(fi > 3 * n && fi < 0.25 * fc, "incomplete factor: %.0f entries against %.0f for the complete one", fi, fc);
      double *u = malloc(dim * sizeof *u), *v = malloc(dim * sizeof *v), *mu = malloc(dim * sizeof *mu),
             *mv = malloc(dim * sizeof *mv);
      unsigned long long seed = 12345;
      #define RND() ((seed = seed * 6364136223846793005ULL + 1442695040888963407ULL), (double)(seed >> 11) / 9007199254740992.0 - 0.5)
      for (size_t k = 0; k < dim; k++) { u[k] = RND(); v[k] = RND(); }
      #undef RND
      for (int a = 0; a < 3; a++) {   /* zero net force */
        double cu = 0, cv = 0;
        for (size_t i = 0; i < n; i++) { cu += u[3 * i + a]; cv += v[3 * i + a]; }
        for (size_t i = 0; i < n; i++) { u[3 * i + a] -= cu / n; v[3 * i + a] -= cv / n; }
      }
      vt_hessian_solve(Hi, 1, u, mu);
      vt_hessian_solve(Hi, 1, v, mv);
      double uMv = 0, vMu = 0, uMu = 0, vMv = 0;
      for (size_t k = 0; k < dim; k++) { uMv += u[k] * mv[k]; vMu += v[k] * mu[k]; uMu += u[k] * mu[k]; vMv += v[k] * mv[k]; }
      ok(fabs(uMv - vMu) < 1e-12 * sqrt(uMu * vMv) && uMu > 0 && vMv > 0,
         "incomplete: M^-1 symmetric (u.M^-1 v - v.M^-1 u = %.2g) and positive (%.3g, %.3g)", uMv - vMu, uMu, vMv);
      /* PCG and CG for H x = u, against the complete factor's x = H^+ u */
      double *xref = malloc(dim * sizeof *xref);
      vt_hessian_solve(H, 1, u, xref);
      double xn = 0;
      for (size_t k = 0; k < dim; k++) xn = fmax(xn, fabs(xref[k]));
      int iters[2] = {0, 0};
      double errs[2] = {0, 0};
      for (int pre = 0; pre < 2; pre++) {
        double *x = calloc(dim, sizeof *x), *r = malloc(dim * sizeof *r), *z = malloc(dim * sizeof *z),
               *d = malloc(dim * sizeof *d), *hd = malloc(dim * sizeof *hd);
        memcpy(r, u, dim * sizeof *r);
        double r0 = 0;
        for (size_t k = 0; k < dim; k++) r0 = fmax(r0, fabs(r[k]));
        if (pre) vt_hessian_solve(Hi, 1, r, z); else memcpy(z, r, dim * sizeof *z);
        memcpy(d, z, dim * sizeof *d);
        double rz = 0;
        for (size_t k = 0; k < dim; k++) rz += r[k] * z[k];
        int it;
        for (it = 1; it <= 5000; it++) {
          vt_hessian_apply(H, 0, d, hd);
          double dhd = 0, rm = 0;
          for (size_t k = 0; k < dim; k++) dhd += d[k] * hd[k];
          double a = rz / dhd;
          for (size_t k = 0; k < dim; k++) { x[k] += a * d[k]; r[k] -= a * hd[k]; rm = fmax(rm, fabs(r[k])); }
          if (rm < 1e-12 * r0) break;
          if (pre) vt_hessian_solve(Hi, 1, r, z); else memcpy(z, r, dim * sizeof *z);
          double rz2 = 0;
          for (size_t k = 0; k < dim; k++) rz2 += r[k] * z[k];
          for (size_t k = 0; k < dim; k++) d[k] = z[k] + (rz2 / rz) * d[k];
          rz = rz2;
        }
        for (int a = 0; a < 3; a++) {
          double c = 0;
          for (size_t i = 0; i < n; i++) c += x[3 * i + a];
          for (size_t i = 0; i < n; i++) x[3 * i + a] -= c / n;
        }
        for (size_t k = 0; k < dim; k++) errs[pre] = fmax(errs[pre], fabs(x[k] - xref[k]));
        iters[pre] = it;
        free(x); free(r); free(z); free(d); free(hd);
      }
      ok(errs[1] < 1e-8 * xn && errs[0] < 1e-8 * xn, "CG and preconditioned CG reach H^+ u (errors %.2g, %.2g of %.3g)",
         errs[0], errs[1], xn);
      ok(iters[1] * 3 < iters[0], "the incomplete factor cuts CG's steps more than 3 fold (%d against %d)", iters[1], iters[0]);
      /* a refresh at the same point gives the same preconditioner */
      ok(vt_hessian_refresh(Hi, s, &io) == 0, "incomplete: refresh");
      vt_hessian_solve(Hi, 1, u, v);
      double w = 0;
      for (size_t k = 0; k < dim; k++) w = fmax(w, fabs(v[k] - mu[k]));
      ok(w == 0, "incomplete: refresh gives what create gives (%.3g)", w);
      /* physical quantities need the complete factor */
      vt_moduli mo;
      ok(vt_hessian_moduli(Hi, &mo) == VT_EINVAL && strstr(vt_errmsg(), "incomplete"), "incomplete: moduli refused: %s", vt_errmsg());
      double lam[2], om[2], pr[2];
      vt_modes_opts mopt = {.count = 2};
      ok(vt_hessian_modes(Hi, &mopt, lam, om, pr, NULL) == VT_EINVAL, "incomplete: modes refused");
      int di = 0, dj = 1;
      double ka, og;
      ok(vt_hessian_dipoles(Hi, 1, &di, &dj, &ka, &og) == VT_EINVAL, "incomplete: dipoles refused");
      free(u); free(v); free(mu); free(mv); free(xref);
      vt_hessian_free(Hi);
    }
    /* nothing dropped (tau far below every entry): the block factor is the
     * complete one of H + mu I, so M^-1 (H + mu I) u = u up to the
     * single-precision storage of its blocks (and the projection of
     * translations out of solves) */
    vt_hessian_opts eo = {.incomplete = 1e-30, .shift = 0.03};
    rc = vt_hessian_create(s, &eo, &Hi);
    if (ok(rc == 0, "incomplete 1e-30: factorizes (%s)", rc ? vt_errmsg() : "ok")) {
      double *u = malloc(dim * sizeof *u), *v = malloc(dim * sizeof *v);
      for (size_t k = 0; k < dim; k++) u[k] = sin(0.37 * (double)k + 1.0);
      vt_remove_translation(n, u, NULL);
      vt_hessian_apply(Hi, 0, u, v);
      vt_hessian_solve(Hi, 1, v, v);
      double e = 0, un = 0;
      for (size_t k = 0; k < dim; k++) { e = fmax(e, fabs(v[k] - u[k])); un = fmax(un, fabs(u[k])); }
      ok(e < 1e-4 * un, "incomplete 1e-30 is the complete factor of H + mu I: |M^-1 (H + mu I) u - u| = %.2g of %.2g", e, un);
      free(u); free(v);
      vt_hessian_free(Hi);
    }
    vt_hessian_opts bad = {.incomplete = 1.0};
    ok(vt_hessian_create(s, &bad, &Hi) == VT_EINVAL && strstr(vt_errmsg(), "incomplete"), "incomplete 1: %s", vt_errmsg());
  }
  vt_system *s3 = NULL;
  double box3[3] = {12, 12, 12};
  vt_system_alloc(3, box3, &s3);
  ok(vt_hessian_refresh(H, s3, NULL) == VT_EINVAL, "refresh with another particle count: %s", vt_errmsg());
  vt_system_free(s3);
  free(bproj); free(xv); free(y); free(y2); free(D);
  vt_hessian_free(H);
  vt_system_free(s);
}

static void test_errors(void)
{
  vt_potential *p = eu_lj_smooth(2.5, 2.75);
  vt_hessian *H = NULL;
  double box[3] = {12, 12, 12};
  vt_system *s;

  vt_system_alloc(2, box, &s);
  int rc = vt_hessian_create(s, NULL, &H);
  ok(rc == VT_EINVAL && H == NULL, "no potential: VT_EINVAL (%s)", vt_errmsg());
  vt_system_set_potential(s, p);

  /* a dimer at the LJ minimum: u' = 0, no transverse stiffness */
  double x2[6] = {1, 1, 1, 1 + pow(2.0, 1.0 / 6.0), 1, 1};
  vt_system_set_positions(s, x2);
  rc = vt_hessian_create(s, NULL, &H);
  ok(rc == VT_ESINGULAR && H == NULL, "dimer at the LJ minimum has floppy modes: VT_ESINGULAR");
  ok(strstr(vt_errmsg(), "particle 1") != NULL, "message names the particle: %s", vt_errmsg());
  /* a dimer beyond the inflection point: a negative mode */
  x2[3] = 2.4;
  vt_system_set_positions(s, x2);
  rc = vt_hessian_create(s, NULL, &H);
  ok(rc == VT_ESINGULAR && strstr(vt_errmsg(), "not positive definite"), "stretched dimer: %s", vt_errmsg());
  /* a compressed dimer: u' < 0 makes the transverse stiffness u'/r negative */
  x2[3] = 1.0 + 1.05;
  vt_system_set_positions(s, x2);
  rc = vt_hessian_create(s, NULL, &H);
  ok(rc == VT_ESINGULAR, "compressed dimer (negative transverse stiffness): VT_ESINGULAR");
  /* a dimer under tension before the inflection point is stable */
  x2[3] = 1.0 + 1.2;
  vt_system_set_positions(s, x2);
  rc = vt_hessian_create(s, NULL, &H);
  ok(rc == 0, "dimer at r = 1.2 (u'' > 0, u' > 0) is positive definite: %s", rc ? vt_errmsg() : "ok");
  if (H) {
    vt_moduli m;
    ok(vt_hessian_moduli(H, &m) == 0 && isfinite(m.G), "moduli of the dimer are finite");
    /* the Levenberg-Marquardt shift adds mu = shift * (mean diagonal) to the
     * diagonal of the dense matrix and of H x, and nothing else */
    double D0[36], D1[36], tr = 0, v[6] = {0.3, -0.2, 0.5, 0.1, 0.7, -0.4}, y0[6], y1[6];
    vt_hessian_dense(H, 0, D0);
    vt_hessian_apply(H, 0, v, y0);
    for (int k = 0; k < 6; k++) tr += D0[7 * k];
    vt_hessian *Hs = NULL;
    vt_hessian_opts so = {.shift = 0.01};
    rc = vt_hessian_create(s, &so, &Hs);
    if (ok(rc == 0, "shifted Hessian of the dimer: %s", rc ? vt_errmsg() : "ok")) {
      vt_hessian_dense(Hs, 0, D1);
      vt_hessian_apply(Hs, 0, v, y1);
      double mu = 0.01 * tr / 6, worst = 0, worsty = 0;
      for (int p = 0; p < 6; p++) {
        for (int q = 0; q < 6; q++) worst = fmax(worst, fabs(D1[6 * p + q] - D0[6 * p + q] - (p == q ? mu : 0.0)));
        worsty = fmax(worsty, fabs(y1[p] - y0[p] - mu * v[p]));
      }
      ok(worst < 1e-14 * tr && worsty < 1e-14 * tr, "shift: dense and apply gain mu I exactly (%.2g, %.2g)", worst, worsty);
      vt_hessian_free(Hs);
    }
    vt_hessian_free(H);
    H = NULL;
  }
  vt_hessian_opts neg = {.shift = -1};
  rc = vt_hessian_create(s, &neg, &H);
  ok(rc == VT_EINVAL && H == NULL && strstr(vt_errmsg(), "shift"), "negative shift: %s", vt_errmsg());
  vt_system_free(s);

  /* a rattler */
  vt_system_alloc(3, box, &s);
  vt_system_set_potential(s, p);
  double x3[9] = {1, 1, 1, 2.2, 1, 1, 7, 7, 7};
  vt_system_set_positions(s, x3);
  rc = vt_hessian_create(s, NULL, &H);
  ok(rc == VT_ESINGULAR && strstr(vt_errmsg(), "particle 3 has no interacting neighbour"), "rattler: %s", vt_errmsg());
  {
    vt_hessian_opts so = {.shift = 1e-3};
    rc = vt_hessian_create(s, &so, &H);
    ok(rc == 0, "rattler with a shift: factorizes (%s)", rc ? vt_errmsg() : "ok");
    if (H) {
      /* a force on the rattler alone moves it by F / mu (net force removed first) */
      double b[9] = {0}, xs[9];
      b[6] = 1.0;
      vt_hessian_solve(H, 1, b, xs);
      ok(isfinite(xs[6]) && xs[6] > 0, "rattler with a shift: a finite, downhill response (%g)", xs[6]);
      vt_hessian_free(H);
      H = NULL;
    }
  }
  vt_system_free(s);

  /* an unminimized random configuration is not a minimum */
  vt_system_spec sp;
  memset(&sp, 0, sizeof sp);
  sp.n = 300; sp.density = 0.75; sp.nspecies = 1;
  sp.species[0].fraction = 1; sp.species[0].diameter = 1;
  sp.init = VT_INIT_RANDOM; sp.seed = 3;
  vt_system_create(&sp, &s);
  vt_system_set_potential(s, p);
  rc = vt_hessian_create(s, NULL, &H);
  ok(rc == VT_ESINGULAR && strstr(vt_errmsg(), "not positive definite"), "random configuration: %s", vt_errmsg());
  vt_system_free(s);
  vt_potential_unref(p);
}

int main(void)
{
  char path[4096];
  if (eu_reference(path, sizeof path, "IS_T1.0_N500.data")) test_reference(path);
  test_errors();
  return done_testing();
}
