/* vt.fit.linear, vt.stats.* (see analysis/stats.h) and the displacement
 * helpers vt.analysis.displacements / vt.analysis.msd. */
#include "lua/lvitrum.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

static double *checkvec(lua_State *L, int idx, size_t *n, const char *what)
{
  vt_array *a = vtl_toarray_opt(L, idx);
  if (a) *n = a->n * a->k;
  else { luaL_checktype(L, idx, LUA_TTABLE); *n = (size_t)luaL_len(L, idx); }
  return vtl_checkmatrix(L, idx, a ? a->n * a->k : *n, 1, what);
}

/* vt.fit.linear(x, y [, {weights=, sigma=, origin=false}])
 *   -> {intercept=, slope=, intercept_err=, slope_err=, cov=, sumsq=, chisq=, dof=, r2=}
 * weights w_i (or sigma_i, w_i = 1/sigma_i^2): errors from the given sigmas;
 * without: errors from the residual scatter (absent when dof = 0). */
static int l_linear(lua_State *L)
{
  static const char *const known[] = {"weights", "sigma", "origin", NULL};
  size_t nx, ny, nw = 0;
  int origin = 0;
  if (!lua_isnoneornil(L, 3)) {
    vtl_checkopts(L, 3, "vt.fit.linear", known);
    origin = vtl_optboolean_field(L, 3, "origin", 0);
  }
  double *x = checkvec(L, 1, &nx, "vt.fit.linear x");
  double *y = NULL, *w = NULL;
  if (lua_istable(L, 2) || vtl_toarray_opt(L, 2)) y = checkvec(L, 2, &ny, "vt.fit.linear y");
  if (!y) { free(x); return luaL_argerror(L, 2, "array or table expected"); }
  if (nx != ny) { free(x); free(y); return luaL_error(L, "vt.fit.linear: x has %d values, y has %d", (int)nx, (int)ny); }
  int is_sigma = 0;
  if (!lua_isnoneornil(L, 3)) {
    lua_getfield(L, 3, "weights");
    lua_getfield(L, 3, "sigma");
    if (!lua_isnil(L, -1) && !lua_isnil(L, -2)) { free(x); free(y); return luaL_error(L, "vt.fit.linear: give weights= or sigma=, not both"); }
    is_sigma = !lua_isnil(L, -1);
    if (!is_sigma) lua_pop(L, 1);
    if (!lua_isnil(L, -1)) {
      if (!lua_istable(L, -1) && !vtl_toarray_opt(L, -1)) { free(x); free(y); return luaL_error(L, "vt.fit.linear: %s must be an array or a table", is_sigma ? "sigma" : "weights"); }
      w = checkvec(L, lua_gettop(L), &nw, is_sigma ? "vt.fit.linear sigma" : "vt.fit.linear weights");
      if (nw != nx) { free(x); free(y); free(w); return luaL_error(L, "vt.fit.linear: %d values but %d %s", (int)nx, (int)nw, is_sigma ? "sigmas" : "weights"); }
      for (size_t i = 0; is_sigma && i < nw; i++) {
        if (!(w[i] > 0) || !isfinite(w[i])) { free(x); free(y); free(w); return luaL_error(L, "vt.fit.linear: sigma %d must be positive and finite (got %f)", (int)i + 1, w[i]); }
        w[i] = 1.0 / (w[i] * w[i]);
      }
    }
    lua_settop(L, 3);
  }
  vt_linear_fit f;
  int rc = vt_fit_linear_w(x, y, w, nx, origin, &f);
  free(x); free(y); free(w);
  vtl_check(L, rc);
  lua_createtable(L, 0, 9);
  lua_pushnumber(L, f.intercept); lua_setfield(L, -2, "intercept");
  lua_pushnumber(L, f.slope); lua_setfield(L, -2, "slope");
  if (isfinite(f.cov11)) {           /* NaN: an exact line through two points has no error estimate */
    if (!origin) { lua_pushnumber(L, sqrt(f.cov00)); lua_setfield(L, -2, "intercept_err"); }
    lua_pushnumber(L, sqrt(f.cov11)); lua_setfield(L, -2, "slope_err");
    lua_pushnumber(L, f.cov01); lua_setfield(L, -2, "cov");
  }
  lua_pushnumber(L, f.sumsq); lua_setfield(L, -2, "sumsq");
  lua_pushnumber(L, f.chisq); lua_setfield(L, -2, "chisq");
  lua_pushinteger(L, (lua_Integer)f.dof); lua_setfield(L, -2, "dof");
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

/* integer types from the array or table at idx (n entries), malloc'd */
static int *checktypes(lua_State *L, int idx, size_t n, const char *what)
{
  double *t = vtl_checkmatrix(L, idx, n, 1, what);
  int *type = malloc(n * sizeof *type);
  if (!type) { free(t); luaL_error(L, "out of memory"); }
  for (size_t i = 0; i < n; i++) {
    if (t[i] != floor(t[i]) || t[i] < 1 || t[i] > 1e9) {
      double bad = t[i];
      free(t); free(type);
      luaL_error(L, "%s: entry %d is %f, not a positive integer type", what, (int)i + 1, bad);
      return NULL;
    }
    type[i] = (int)t[i];
  }
  free(t);
  return type;
}

/* vt.stats.ranks(x [, {types=, normalize=false}]) -> array of ranks 1..N
 * (ties averaged); types: ranks within each species; normalize: (rank - 1) /
 * (N_a - 1), 0 for the lowest and 1 for the highest (0.5 for a group of one) */
static int l_ranks(lua_State *L)
{
  static const char *const known[] = {"types", "normalize", NULL};
  size_t n;
  int norm = 0;
  if (!lua_isnoneornil(L, 2)) {
    vtl_checkopts(L, 2, "vt.stats.ranks", known);
    norm = vtl_optboolean_field(L, 2, "normalize", 0);
  }
  double *x = checkvec(L, 1, &n, "vt.stats.ranks");
  int *type = NULL;
  if (!lua_isnoneornil(L, 2)) {
    lua_getfield(L, 2, "types");
    if (!lua_isnil(L, -1)) {
      int ok = lua_istable(L, -1) || vtl_toarray_opt(L, -1);
      if (!ok) { free(x); return luaL_error(L, "vt.stats.ranks: types must be an array or a table"); }
      size_t nt = vtl_toarray_opt(L, -1) ? vtl_toarray_opt(L, -1)->n : (size_t)luaL_len(L, -1);
      if (nt != n) { free(x); return luaL_error(L, "vt.stats.ranks: %d values but %d types", (int)n, (int)nt); }
      type = checktypes(L, lua_gettop(L), n, "vt.stats.ranks types");
    }
    lua_pop(L, 1);
  }
  vt_array *r = vt_array_alloc(n, 0);
  if (!r) { free(x); free(type); return luaL_error(L, "out of memory"); }
  int rc = vt_stats_ranks(x, type, n, r->data);
  if (!rc && norm) {
    /* scale by the size of each rank's group */
    size_t cnt[VT_MAX_SPECIES + 2] = {0}, big = 0;
    for (size_t i = 0; type && i < n; i++) {
      if (type[i] <= VT_MAX_SPECIES) cnt[type[i]]++;
      else big = 1;
    }
    if (big) rc = vt_error(VT_EINVAL, "vt.stats.ranks: normalize supports types 1..%d", VT_MAX_SPECIES);
    for (size_t i = 0; !rc && i < n; i++) {
      size_t m = type ? cnt[type[i]] : n;
      r->data[i] = m > 1 ? (r->data[i] - 1) / (double)(m - 1) : 0.5;
    }
  }
  free(x); free(type);
  if (rc) { vt_array_unref(r); return vtl_check(L, rc); }
  vtl_pusharray(L, r);
  return 1;
}

/* A Lua statistic: the function is upvalue 1 of the closure called here
 * under lua_pcall, with lightuserdata x, y (or nil) and n. */
static int call_statistic(lua_State *L)
{
  const double *x = lua_touserdata(L, 1), *y = lua_touserdata(L, 2);
  size_t n = (size_t)lua_tointeger(L, 3);
  lua_pushvalue(L, lua_upvalueindex(1));
  vt_array *ax = vt_array_alloc(n, 0);
  if (!ax) return luaL_error(L, "out of memory");
  memcpy(ax->data, x, n * sizeof *x);
  vtl_pusharray(L, ax);
  if (y) {
    vt_array *ay = vt_array_alloc(n, 0);
    if (!ay) return luaL_error(L, "out of memory");
    memcpy(ay->data, y, n * sizeof *y);
    vtl_pusharray(L, ay);
  }
  lua_call(L, y ? 2 : 1, 1);
  if (!lua_isnumber(L, -1)) return luaL_error(L, "the statistic must return a number (got %s)", luaL_typename(L, -1));
  return 1;
}

typedef struct { lua_State *L; int closure; } lua_statistic;

static int lua_statistic_fn(const double *x, const double *y, size_t n, double *work, void *arg, double *value)
{
  (void)work;
  lua_statistic *ls = arg;
  lua_State *L = ls->L;
  lua_pushvalue(L, ls->closure);
  lua_pushlightuserdata(L, (void *)x);
  if (y) lua_pushlightuserdata(L, (void *)y);
  else lua_pushnil(L);
  lua_pushinteger(L, (lua_Integer)n);
  if (lua_pcall(L, 3, 1, 0) != LUA_OK) {
    int rc = vt_error(VT_EINVAL, "bootstrap statistic: %s", lua_tostring(L, -1) ? lua_tostring(L, -1) : "error");
    lua_pop(L, 1);
    return rc;
  }
  *value = lua_tonumber(L, -1);
  lua_pop(L, 1);
  return 0;
}

/* vt.stats.bootstrap(x [, {statistic="mean"|name|function, y=, n=1000, level=0.9, seed=1}])
 *   -> {estimate=, lo=, hi=, se=, bias=, level=, n=}  (and mean= for the mean) */
static int l_bootstrap(lua_State *L)
{
  static const char *const known[] = {"n", "level", "seed", "statistic", "y", NULL};
  size_t n, ny = 0;
  lua_Integer nb = 1000, seed = 1;
  double level = 0.9;
  const char *sname = "mean";
  int lua_fn = 0;
  if (!lua_isnoneornil(L, 2)) {
    vtl_checkopts(L, 2, "vt.stats.bootstrap", known);
    nb = vtl_optinteger_field(L, 2, "n", 1000);
    level = vtl_optnumber_field(L, 2, "level", 0.9);
    seed = vtl_optinteger_field(L, 2, "seed", 1);
    lua_getfield(L, 2, "statistic");
    if (lua_isfunction(L, -1)) lua_fn = 1;
    else if (lua_type(L, -1) == LUA_TSTRING) sname = lua_tostring(L, -1);
    else if (!lua_isnil(L, -1)) return luaL_error(L, "vt.stats.bootstrap: statistic must be a name or a function (got %s)", luaL_typename(L, -1));
    lua_pop(L, 1);
  }
  if (nb < 1) return luaL_error(L, "vt.stats.bootstrap: n must be positive");
  if (seed < 0) return luaL_error(L, "vt.stats.bootstrap: seed must be >= 0");
  int paired = 0;
  vt_statistic_fn f = NULL;
  lua_statistic ls = {L, 0};
  if (lua_fn) {
    lua_getfield(L, 2, "statistic");
    lua_pushcclosure(L, call_statistic, 1);
    ls.closure = lua_gettop(L);
    f = lua_statistic_fn;
  } else {
    f = vt_statistic_find(sname, &paired);
    if (!f) return luaL_error(L, "vt.stats.bootstrap: unknown statistic '%s' (known: mean, median, std, var, pearson, spearman, or a function)", sname);
  }
  int has_y = 0;
  if (!lua_isnoneornil(L, 2)) {
    lua_getfield(L, 2, "y");
    has_y = !lua_isnil(L, -1);
    lua_pop(L, 1);
  }
  if (paired && !has_y) return luaL_error(L, "vt.stats.bootstrap: statistic '%s' needs the paired sample y=", sname);
  if (!paired && !lua_fn && has_y) return luaL_error(L, "vt.stats.bootstrap: statistic '%s' takes one sample; y= is for paired statistics", sname);
  double *x = checkvec(L, 1, &n, "vt.stats.bootstrap");
  double *y = NULL;
  if (has_y) {
    lua_getfield(L, 2, "y");
    if (!lua_istable(L, -1) && !vtl_toarray_opt(L, -1)) { free(x); return luaL_error(L, "vt.stats.bootstrap: y must be an array or a table"); }
    y = checkvec(L, lua_gettop(L), &ny, "vt.stats.bootstrap y");
    lua_pop(L, 1);
    if (ny != n) { free(x); free(y); return luaL_error(L, "vt.stats.bootstrap: x has %d values, y has %d", (int)n, (int)ny); }
  }
  vt_bootstrap_result b;
  int rc = vt_stats_bootstrap(x, y, n, f, &ls, (size_t)nb, level, (unsigned long)seed, &b);
  free(x); free(y);
  vtl_check(L, rc);
  lua_createtable(L, 0, 8);
  lua_pushnumber(L, b.estimate); lua_setfield(L, -2, "estimate");
  if (!lua_fn && strcmp(sname, "mean") == 0) { lua_pushnumber(L, b.estimate); lua_setfield(L, -2, "mean"); }
  lua_pushnumber(L, b.lo); lua_setfield(L, -2, "lo");
  lua_pushnumber(L, b.hi); lua_setfield(L, -2, "hi");
  lua_pushnumber(L, b.se); lua_setfield(L, -2, "se");
  lua_pushnumber(L, b.bias); lua_setfield(L, -2, "bias");
  lua_pushnumber(L, level); lua_setfield(L, -2, "level");
  lua_pushinteger(L, nb); lua_setfield(L, -2, "n");
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
  static const luaL_Reg stats[] = {{"spearman", l_spearman}, {"bootstrap", l_bootstrap}, {"ranks", l_ranks}, {NULL, NULL}};
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
