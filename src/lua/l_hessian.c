/* vt.hessian: the factorized Hessian of a system snapshot as Lua userdata
 * (see elastic/hessian.h): moduli, strain responses, force dipoles, local
 * kappa, lowest modes, pseudo-inverse solves. Indices are 1-based here and
 * 0-based in C. Scratch memory lives in Lua userdata or vt.arrays pushed
 * before the core call, so a raised error never leaks. */
#include "lua/lvitrum.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define VTL_HESSIAN "vt.hessian"

typedef struct { vt_hessian *H; } l_hessian;

static vt_hessian *checkhessian(lua_State *L, int idx)
{
  l_hessian *u = luaL_checkudata(L, idx, VTL_HESSIAN);
  if (!u->H) luaL_argerror(L, idx, "hessian has been closed");
  return u->H;
}

static void *scratch(lua_State *L, size_t bytes)
{
  return lua_newuserdatauv(L, bytes ? bytes : 1, 0);
}

static vt_array *newarray(lua_State *L, size_t n, size_t k)
{
  vt_array *a = vt_array_alloc(n, k);
  vtl_pusharray(L, a);   /* raises on NULL */
  return a;
}

/* vt.hessian(s [, {singular_tol=}]) */
static int l_new(lua_State *L)
{
  static const char *const known[] = {"singular_tol", NULL};
  vt_system *s = vtl_checksystem(L, 1);
  vt_hessian_opts o = {0};
  if (!lua_isnoneornil(L, 2)) {
    vtl_checkopts(L, 2, "vt.hessian", known);
    o.singular_tol = vtl_optnumber_field(L, 2, "singular_tol", 0.0);
    if (!(o.singular_tol >= 0 && o.singular_tol < 1)) return luaL_error(L, "vt.hessian: singular_tol must be in [0, 1)");
  }
  l_hessian *u = lua_newuserdatauv(L, sizeof *u, 0);
  u->H = NULL;
  luaL_setmetatable(L, VTL_HESSIAN);
  vtl_check(L, vt_hessian_create(s, &o, &u->H));
  return 1;
}

static int h_gc(lua_State *L)
{
  l_hessian *u = luaL_checkudata(L, 1, VTL_HESSIAN);
  vt_hessian_free(u->H);
  u->H = NULL;
  return 0;
}

static int h_tostring(lua_State *L)
{
  l_hessian *u = luaL_checkudata(L, 1, VTL_HESSIAN);
  if (!u->H) { lua_pushliteral(L, "vt.hessian (closed)"); return 1; }
  lua_pushfstring(L, "vt.hessian: %I particles, %I interacting pairs, %I stored entries, factor %f entries",
                  (lua_Integer)vt_hessian_n(u->H), (lua_Integer)vt_hessian_npairs(u->H),
                  (lua_Integer)vt_hessian_nnz(u->H), vt_hessian_factor_nnz(u->H));
  return 1;
}

static void setnum(lua_State *L, const char *k, double v) { lua_pushnumber(L, v); lua_setfield(L, -2, k); }

/* H:moduli() -> {G=, K=, nu=, p=, p_plus=, p_minus=, G_born=, G_na=, K_born=, K_na=,
 *               G_xz=, G_yz=, volume=, fmax=, a0=, rho=, c_s=, omega_0=} */
static int h_moduli(lua_State *L)
{
  vt_hessian *H = checkhessian(L, 1);
  vt_moduli m;
  vtl_check(L, vt_hessian_moduli(H, &m));
  vt_elastic_scales sc;
  vt_hessian_scales(H, m.G, &sc);   /* c_s, omega_0 are NaN if G <= 0 */
  vt_error_clear();
  lua_createtable(L, 0, 18);
  setnum(L, "G", m.G); setnum(L, "G_born", m.G_born); setnum(L, "G_na", m.G_na);
  setnum(L, "G_xz", m.G_xz); setnum(L, "G_yz", m.G_yz);
  setnum(L, "K", m.K); setnum(L, "K_born", m.K_born); setnum(L, "K_na", m.K_na);
  setnum(L, "nu", m.nu); setnum(L, "p", m.p); setnum(L, "p_plus", m.p_plus); setnum(L, "p_minus", m.p_minus);
  setnum(L, "volume", m.volume); setnum(L, "fmax", m.fmax);
  setnum(L, "a0", sc.a0); setnum(L, "rho", sc.rho); setnum(L, "c_s", sc.c_s); setnum(L, "omega_0", sc.omega_0);
  return 1;
}

/* H:strain(E) with E a 3x3 table (rows) or 9 numbers: x -> (I + t E) x
 *   -> {dU=, born=, nonaffine=, d2U=} (derivatives at t = 0; d2U relaxed) */
static int h_strain(lua_State *L)
{
  vt_hessian *H = checkhessian(L, 1);
  double E[9];
  luaL_checktype(L, 2, LUA_TTABLE);
  lua_Integer len = luaL_len(L, 2);
  if (len == 9) {
    double *e = vtl_checkmatrix(L, 2, 9, 1, "strain");
    memcpy(E, e, sizeof E);
    free(e);
  } else if (len == 3) {
    double *e = vtl_checkmatrix(L, 2, 3, 3, "strain");
    memcpy(E, e, sizeof E);
    free(e);
  } else {
    return luaL_argerror(L, 2, "a 3x3 table of rows or 9 numbers expected");
  }
  vt_strain_response r;
  vtl_check(L, vt_hessian_strain(H, E, &r));
  lua_createtable(L, 0, 4);
  setnum(L, "dU", r.dU); setnum(L, "born", r.born); setnum(L, "nonaffine", r.nonaffine); setnum(L, "d2U", r.d2U);
  return 1;
}

/* H:dipoles{pairs=1000 | "all" | {{i,j}, ...}, seed=1}: random interacting pairs
 * without replacement (default 1000, or all of them if fewer), every
 * interacting pair, or the listed pairs (any i != j)
 *   -> {i=array, j=array, kappa=array, omega_g=array} */
static int h_dipoles(lua_State *L)
{
  static const char *const known[] = {"pairs", "seed", NULL};
  vt_hessian *H = checkhessian(L, 1);
  const size_t n = vt_hessian_n(H);
  lua_Integer seed = 1;
  if (lua_isnoneornil(L, 2)) { lua_settop(L, 1); lua_newtable(L); }
  else vtl_checkopts(L, 2, "dipoles", known);
  lua_settop(L, 2);
  seed = vtl_optinteger_field(L, 2, "seed", 1);
  lua_getfield(L, 2, "pairs");                         /* opts, pairs */
  size_t np = 0;
  int *pi = NULL, *pj = NULL, all = 0;
  if (lua_isnil(L, 3)) {                               /* default: 1000 (or every pair if fewer) */
    np = vt_hessian_npairs(H) < 1000 ? vt_hessian_npairs(H) : 1000;
  } else if (lua_type(L, 3) == LUA_TSTRING) {
    if (strcmp(lua_tostring(L, 3), "all") != 0) return luaL_error(L, "dipoles: pairs must be a count, \"all\" or a list of {i, j}");
    all = 1;
    np = vt_hessian_npairs(H);
  } else if (lua_type(L, 3) == LUA_TNUMBER) {
    lua_Integer c = luaL_checkinteger(L, 3);
    if (c < 1) return luaL_error(L, "dipoles: pairs must be a positive count (got %I)", c);
    np = (size_t)c;
  } else if (lua_istable(L, 3)) {
    np = (size_t)luaL_len(L, 3);
    pi = scratch(L, np * sizeof(int));               /* opts, pairs, pi */
    pj = scratch(L, np * sizeof(int));               /* opts, pairs, pi, pj */
    for (size_t k = 0; k < np; k++) {
      lua_geti(L, 3, (lua_Integer)k + 1);
      if (!lua_istable(L, -1)) return luaL_error(L, "dipoles: pair %I is not a table {i, j}", (lua_Integer)k + 1);
      for (int c = 0; c < 2; c++) {
        lua_geti(L, -1, c + 1);
        int isnum;
        lua_Integer v = lua_tointegerx(L, -1, &isnum);
        if (!isnum || v < 1 || (size_t)v > n)
          return luaL_error(L, "dipoles: pair %I: index %d must be an integer in 1..%I", (lua_Integer)k + 1, c + 1, (lua_Integer)n);
        (c ? pj : pi)[k] = (int)(v - 1);
        lua_pop(L, 1);
      }
      lua_pop(L, 1);
    }
  } else {
    return luaL_error(L, "dipoles: pairs must be a count, \"all\" or a list of {i, j} (got %s)", luaL_typename(L, 3));
  }
  lua_createtable(L, 0, 4);                            /* ..., result */
  int res = lua_gettop(L);
  vt_array *ai = newarray(L, np, 0); lua_setfield(L, res, "i");
  vt_array *aj = newarray(L, np, 0); lua_setfield(L, res, "j");
  vt_array *ak = newarray(L, np, 0); lua_setfield(L, res, "kappa");
  vt_array *ao = newarray(L, np, 0); lua_setfield(L, res, "omega_g");
  if (all) {
    const double *ka, *om;
    vtl_check(L, vt_hessian_all_dipoles(H, &ka, &om));
    for (size_t k = 0; k < np; k++) {
      int i, j;
      vt_hessian_pair(H, k, &i, &j);
      ai->data[k] = i + 1; aj->data[k] = j + 1;
      ak->data[k] = ka[k]; ao->data[k] = om[k];
    }
    return 1;
  }
  if (!pi) {                                           /* random interacting pairs */
    pi = scratch(L, np * sizeof(int));
    pj = scratch(L, np * sizeof(int));
    vtl_check(L, vt_hessian_random_pairs(H, np, (unsigned long)seed, pi, pj));
  }
  vtl_check(L, vt_hessian_dipoles(H, np, pi, pj, ak->data, ao->data));
  for (size_t k = 0; k < np; k++) { ai->data[k] = pi[k] + 1; aj->data[k] = pj[k] + 1; }
  lua_pushvalue(L, res);
  return 1;
}

/* H:local_kappa() -> array n (mean kappa_ij over each particle's interacting pairs) */
static int h_local_kappa(lua_State *L)
{
  vt_hessian *H = checkhessian(L, 1);
  vt_array *a = newarray(L, vt_hessian_n(H), 0);
  vtl_check(L, vt_hessian_local_kappa(H, a->data));
  return 1;
}

/* H:modes{count=100, mass_weighted=true, vectors=false, tol=0, ncv=, max_iter=1000, seed=1}
 *   -> {omega=array, participation=array, lambda=array [, vectors={array n x 3, ...}]} */
static int h_modes(lua_State *L)
{
  static const char *const known[] = {"count", "mass_weighted", "vectors", "tol", "ncv", "max_iter", "seed", NULL};
  vt_hessian *H = checkhessian(L, 1);
  const size_t n = vt_hessian_n(H), dim = 3 * n;
  if (lua_isnoneornil(L, 2)) { lua_settop(L, 1); lua_newtable(L); }
  else vtl_checkopts(L, 2, "modes", known);
  lua_settop(L, 2);
  lua_Integer count = vtl_optinteger_field(L, 2, "count", 100);
  if (count < 1) return luaL_error(L, "modes: count must be a positive integer (got %I)", count);
  lua_Integer ncv = vtl_optinteger_field(L, 2, "ncv", 0);
  lua_Integer maxit = vtl_optinteger_field(L, 2, "max_iter", 1000);
  lua_Integer seed = vtl_optinteger_field(L, 2, "seed", 1);
  double tol = vtl_optnumber_field(L, 2, "tol", 0.0);
  if (ncv < 0 || maxit < 1 || maxit > 1000000000 || !(tol >= 0 && tol < 1) || seed < 0)
    return luaL_error(L, "modes: ncv >= 0, 1 <= max_iter, 0 <= tol < 1 and seed >= 0 expected");
  vt_modes_opts o = {.count = (size_t)count, .mass_weighted = vtl_optboolean_field(L, 2, "mass_weighted", 1),
                     .tol = tol, .ncv = (size_t)ncv, .max_iter = (int)maxit, .seed = (unsigned long)seed};
  int want_vec = vtl_optboolean_field(L, 2, "vectors", 0);
  if ((size_t)count + 4 > dim)
    return luaL_error(L, "modes: count %I is too large for %I particles (at most %I)", count, (lua_Integer)n,
                      (lua_Integer)dim - 4);
  double *vec = want_vec ? scratch(L, (size_t)count * dim * sizeof(double)) : NULL;
  lua_createtable(L, 0, 4);
  int res = lua_gettop(L);
  vt_array *om = newarray(L, (size_t)count, 0); lua_setfield(L, res, "omega");
  vt_array *pr = newarray(L, (size_t)count, 0); lua_setfield(L, res, "participation");
  vt_array *la = newarray(L, (size_t)count, 0); lua_setfield(L, res, "lambda");
  vtl_check(L, vt_hessian_modes(H, &o, la->data, om->data, pr->data, vec));
  if (want_vec) {
    lua_createtable(L, (int)count, 0);
    for (lua_Integer k = 0; k < count; k++) {
      vt_array *v = newarray(L, n, 3);
      memcpy(v->data, vec + (size_t)k * dim, dim * sizeof(double));
      lua_rawseti(L, -2, k + 1);
    }
    lua_setfield(L, res, "vectors");
  }
  lua_pushvalue(L, res);
  return 1;
}

/* H:solve(b) -> array n x 3: the pseudo-inverse H^+ b (b projected onto zero net force) */
static int h_solve(lua_State *L)
{
  vt_hessian *H = checkhessian(L, 1);
  const size_t n = vt_hessian_n(H);
  double *b = vtl_checkmatrix(L, 2, n, 3, "solve");
  vt_array *x = vt_array_alloc(n, 3);
  if (!x) { free(b); return luaL_error(L, "out of memory"); }
  int rc = vt_hessian_solve(H, 1, b, x->data);
  free(b);
  vtl_pusharray(L, x);
  vtl_check(L, rc);
  return 1;
}

/* H:dense{mass_weighted=false} -> array 3n x 3n (small systems: 3n <= 12000) */
static int h_dense(lua_State *L)
{
  static const char *const known[] = {"mass_weighted", NULL};
  vt_hessian *H = checkhessian(L, 1);
  int mw = 0;
  if (!lua_isnoneornil(L, 2)) {
    vtl_checkopts(L, 2, "dense", known);
    mw = vtl_optboolean_field(L, 2, "mass_weighted", 0);
  }
  size_t dim = 3 * vt_hessian_n(H);
  if (dim > 12000) return luaL_error(L, "dense: %I x %I is too large for a dense matrix", (lua_Integer)dim, (lua_Integer)dim);
  vt_array *a = newarray(L, dim, dim);
  vtl_check(L, vt_hessian_dense(H, mw, a->data));
  return 1;
}

static int h_index(lua_State *L)
{
  vt_hessian *H = checkhessian(L, 1);
  const char *k = luaL_checkstring(L, 2);
  if (strcmp(k, "n") == 0) { lua_pushinteger(L, (lua_Integer)vt_hessian_n(H)); return 1; }
  if (strcmp(k, "pairs") == 0) { lua_pushinteger(L, (lua_Integer)vt_hessian_npairs(H)); return 1; }
  if (strcmp(k, "nnz") == 0) { lua_pushinteger(L, (lua_Integer)vt_hessian_nnz(H)); return 1; }
  if (strcmp(k, "factor_nnz") == 0) { lua_pushnumber(L, vt_hessian_factor_nnz(H)); return 1; }
  if (strcmp(k, "volume") == 0) { lua_pushnumber(L, vt_hessian_volume(H)); return 1; }
  if (strcmp(k, "energy") == 0 || strcmp(k, "fmax") == 0) {
    vt_hessian_state st;
    vt_hessian_state_get(H, &st);
    lua_pushnumber(L, k[0] == 'e' ? st.energy : st.fmax);
    return 1;
  }
  luaL_getmetafield(L, 1, "methods");
  lua_getfield(L, -1, k);
  return 1;
}

int vtl_open_hessian(lua_State *L)
{
  static const luaL_Reg meta[] = {
    {"__index", h_index}, {"__gc", h_gc}, {"__close", h_gc}, {"__tostring", h_tostring}, {NULL, NULL}
  };
  static const luaL_Reg methods[] = {
    {"moduli", h_moduli}, {"strain", h_strain}, {"dipoles", h_dipoles}, {"local_kappa", h_local_kappa},
    {"modes", h_modes}, {"solve", h_solve}, {"dense", h_dense}, {"close", h_gc}, {NULL, NULL}
  };
  vtl_newclass(L, VTL_HESSIAN, meta, methods);
  lua_pushcfunction(L, l_new);
  lua_setfield(L, -2, "hessian");
  return 0;
}
