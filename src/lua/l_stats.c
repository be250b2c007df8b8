/* vt.fit.linear and vt.stats.* (see analysis/stats.h). */
#include "lua/lvitrum.h"
#include <math.h>
#include <stdlib.h>

static double *checkvec(lua_State *L, int idx, size_t *n, const char *what)
{
  vt_array *a = vtl_toarray_opt(L, idx);
  if (a) *n = a->n * a->k;
  else { luaL_checktype(L, idx, LUA_TTABLE); *n = (size_t)luaL_len(L, idx); }
  return vtl_checkmatrix(L, idx, a ? a->n * a->k : *n, 1, what);
}

/* vt.fit.linear(x, y) -> {intercept=, slope=, intercept_err=, slope_err=, cov=, sumsq=, r2=} */
static int l_linear(lua_State *L)
{
  size_t nx, ny;
  double *x = checkvec(L, 1, &nx, "vt.fit.linear x");
  double *y = NULL;
  if (lua_istable(L, 2) || vtl_toarray_opt(L, 2)) y = checkvec(L, 2, &ny, "vt.fit.linear y");
  if (!y) { free(x); return luaL_argerror(L, 2, "array or table expected"); }
  if (nx != ny) { free(x); free(y); return luaL_error(L, "vt.fit.linear: x has %d values, y has %d", (int)nx, (int)ny); }
  vt_linear_fit f;
  int rc = vt_fit_linear(x, y, nx, &f);
  free(x); free(y);
  vtl_check(L, rc);
  lua_createtable(L, 0, 7);
  lua_pushnumber(L, f.intercept); lua_setfield(L, -2, "intercept");
  lua_pushnumber(L, f.slope); lua_setfield(L, -2, "slope");
  lua_pushnumber(L, sqrt(f.cov00)); lua_setfield(L, -2, "intercept_err");
  lua_pushnumber(L, sqrt(f.cov11)); lua_setfield(L, -2, "slope_err");
  lua_pushnumber(L, f.cov01); lua_setfield(L, -2, "cov");
  lua_pushnumber(L, f.sumsq); lua_setfield(L, -2, "sumsq");
  lua_pushnumber(L, f.r2); lua_setfield(L, -2, "r2");
  return 1;
}

static int l_spearman(lua_State *L)
{
  size_t na, nb;
  double *a = checkvec(L, 1, &na, "vt.stats.spearman a");
  double *b = checkvec(L, 2, &nb, "vt.stats.spearman b");
  if (na != nb) { free(a); free(b); return luaL_error(L, "vt.stats.spearman: %d vs %d values", (int)na, (int)nb); }
  double rho;
  int rc = vt_stats_spearman(a, b, na, &rho);
  free(a); free(b);
  vtl_check(L, rc);
  lua_pushnumber(L, rho);
  return 1;
}

/* vt.stats.bootstrap(x, {n=1000, level=0.9, seed=1}) -> {mean=, lo=, hi=} */
static int l_bootstrap(lua_State *L)
{
  static const char *const known[] = {"n", "level", "seed", NULL};
  size_t n;
  lua_Integer nb = 1000, seed = 1;
  double level = 0.9;
  if (!lua_isnoneornil(L, 2)) {
    vtl_checkopts(L, 2, "vt.stats.bootstrap", known);
    nb = vtl_optinteger_field(L, 2, "n", 1000);
    level = vtl_optnumber_field(L, 2, "level", 0.9);
    seed = vtl_optinteger_field(L, 2, "seed", 1);
  }
  if (nb < 1) return luaL_error(L, "vt.stats.bootstrap: n must be positive");
  double *x = checkvec(L, 1, &n, "vt.stats.bootstrap");
  double mean, lo, hi;
  int rc = vt_stats_bootstrap_mean(x, n, (size_t)nb, level, (unsigned long)seed, &mean, &lo, &hi);
  free(x);
  vtl_check(L, rc);
  lua_createtable(L, 0, 3);
  lua_pushnumber(L, mean); lua_setfield(L, -2, "mean");
  lua_pushnumber(L, lo); lua_setfield(L, -2, "lo");
  lua_pushnumber(L, hi); lua_setfield(L, -2, "hi");
  return 1;
}

/* vt.analysis.displacements(ref, cur) -> array n of |cur_i - ref_i| (n x 3 unwrapped inputs) */
static int l_displacements(lua_State *L)
{
  vt_array *ref = vtl_checkarray(L, 1), *cur = vtl_checkarray(L, 2);
  if (ref->k != 3 || cur->k != 3 || ref->n != cur->n)
    return luaL_error(L, "displacements: need two n x 3 arrays of the same n");
  vt_array *out = vt_array_alloc(ref->n, 0);
  if (!out) return luaL_error(L, "out of memory");
  int rc = vt_displacements(ref->data, cur->data, ref->n, out->data);
  if (rc) { vt_array_unref(out); return vtl_check(L, rc); }
  vtl_pusharray(L, out);
  return 1;
}

/* vt.analysis.msd(ref, cur [, {types=array, type=k}]) -> mean squared displacement */
static int l_msd(lua_State *L)
{
  static const char *const known[] = {"types", "type", NULL};
  vt_array *ref = vtl_checkarray(L, 1), *cur = vtl_checkarray(L, 2);
  if (ref->k != 3 || cur->k != 3 || ref->n != cur->n) return luaL_error(L, "msd: need two n x 3 arrays of the same n");
  int *type = NULL;
  lua_Integer only = 0;
  if (!lua_isnoneornil(L, 3)) {
    vtl_checkopts(L, 3, "vt.analysis.msd", known);
    only = vtl_optinteger_field(L, 3, "type", 0);
    lua_getfield(L, 3, "types");
    if (!lua_isnil(L, -1)) {
      double *t = vtl_checkmatrix(L, -1, ref->n, 1, "msd types");
      type = malloc(ref->n * sizeof *type);
      for (size_t i = 0; type && i < ref->n; i++) type[i] = (int)t[i];
      free(t);
    }
    lua_pop(L, 1);
    if (only > 0 && !type) return luaL_error(L, "msd: type= needs types=");
  }
  double m;
  int rc = vt_msd(ref->data, cur->data, ref->n, type, (int)only, &m);
  free(type);
  vtl_check(L, rc);
  lua_pushnumber(L, m);
  return 1;
}

int vtl_open_stats(lua_State *L)
{
  static const luaL_Reg fit[] = {{"linear", l_linear}, {NULL, NULL}};
  static const luaL_Reg stats[] = {{"spearman", l_spearman}, {"bootstrap", l_bootstrap}, {NULL, NULL}};
  luaL_newlib(L, fit);
  lua_setfield(L, -2, "fit");
  luaL_newlib(L, stats);
  lua_setfield(L, -2, "stats");
  /* vt.analysis may already hold functions from other binding files */
  luaL_getsubtable(L, -1, "analysis");                 /* vt, vt.analysis (created if absent) */
  lua_pushcfunction(L, l_displacements);
  lua_setfield(L, -2, "displacements");
  lua_pushcfunction(L, l_msd);
  lua_setfield(L, -2, "msd");
  lua_pop(L, 1);
  return 0;
}
