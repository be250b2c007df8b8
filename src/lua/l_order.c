/* vt.analysis.steinhardt and vt.analysis.voronoi_census: local order (see
 * analysis/order.h).
 *
 *   o = vt.analysis.steinhardt(s, { l = {4, 6}, neighbors = "voronoi" | cutoff,
 *                                   radical = false, weights = "none" | "area" })
 *       -> { q4 = array n, q6 = array n, Q4 = number, Q6 = number,
 *            neighbors = array n (bonds per particle) }
 *   c = vt.analysis.voronoi_census(v, { top = 10 })      -- v from vt.voronoi
 *       -> { {index = {n3, n4, n5, n6}, label = "<0,0,12,0>", count =, fraction =}, ...,
 *            n = cells, distinct = signatures, other = cells with a face of 7+ edges }
 */
#include "lua/lvitrum.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int l_steinhardt(lua_State *L)
{
  static const char *const known[] = {"l", "neighbors", "radical", "weights", NULL};
  vt_system *s = vtl_checksystem(L, 1);
  int ls[VT_ORDER_LMAX];
  vt_order_opts o = {.l = ls, .nl = 0, .neighbors = VT_ORDER_VORONOI};
  if (!lua_isnoneornil(L, 2)) vtl_checkopts(L, 2, "vt.analysis.steinhardt", known);
  int has = !lua_isnoneornil(L, 2);
  if (has && lua_getfield(L, 2, "l") != LUA_TNIL) {     /* s, opts, l */
    if (lua_isinteger(L, -1)) {
      ls[o.nl++] = (int)lua_tointeger(L, -1);
    } else if (lua_istable(L, -1)) {
      lua_Integer m = luaL_len(L, -1);
      if (m < 1 || m > VT_ORDER_LMAX) luaL_error(L, "vt.analysis.steinhardt: 'l' must list 1 to %d degrees", VT_ORDER_LMAX);
      for (lua_Integer k = 1; k <= m; k++) {
        lua_rawgeti(L, -1, k);
        if (!lua_isinteger(L, -1)) luaL_error(L, "vt.analysis.steinhardt: 'l'[%d] must be an integer", (int)k);
        ls[o.nl++] = (int)lua_tointeger(L, -1);
        lua_pop(L, 1);
      }
    } else {
      luaL_error(L, "vt.analysis.steinhardt: 'l' must be an integer or a list of integers (got %s)", luaL_typename(L, -1));
    }
  } else {
    ls[0] = 4, ls[1] = 6, o.nl = 2;
  }
  if (has) lua_pop(L, 1);                                /* s, opts */
  if (has && lua_getfield(L, 2, "neighbors") != LUA_TNIL) {
    if (lua_type(L, -1) == LUA_TNUMBER) {
      o.neighbors = VT_ORDER_CUTOFF;
      o.cutoff = lua_tonumber(L, -1);
    } else if (lua_type(L, -1) == LUA_TSTRING && strcmp(lua_tostring(L, -1), "voronoi") == 0) {
      o.neighbors = VT_ORDER_VORONOI;
    } else {
      luaL_error(L, "vt.analysis.steinhardt: 'neighbors' must be \"voronoi\" or a cutoff distance");
    }
  }
  if (has) lua_pop(L, 1);
  if (has) {
    o.radical = vtl_optboolean_field(L, 2, "radical", 0);
    const char *w = vtl_optstring_field(L, 2, "weights", "none");
    if (strcmp(w, "area") == 0) o.area_weights = 1;
    else if (strcmp(w, "none") != 0) luaL_error(L, "vt.analysis.steinhardt: 'weights' must be \"none\" or \"area\" (got \"%s\")", w);
  }

  size_t n = s->n;
  vt_array *q = vt_array_alloc(n, o.nl);
  vtl_pusharray(L, q);                                   /* ..., q (raises on NULL) */
  vt_array *nb = vt_array_alloc(n, 0);
  vtl_pusharray(L, nb);                                  /* ..., q, nb */
  double Q[VT_ORDER_LMAX];
  vtl_check(L, vt_steinhardt(s, &o, q->data, Q, nb->data));

  lua_createtable(L, 0, 2 * (int)o.nl + 1);              /* ..., q, nb, result */
  for (size_t k = 0; k < o.nl; k++) {
    vt_array *col = vt_array_alloc(n, 0);
    vtl_pusharray(L, col);
    for (size_t i = 0; i < n; i++) col->data[i] = q->data[i * o.nl + k];
    char key[16];
    snprintf(key, sizeof key, "q%d", ls[k]);
    lua_setfield(L, -2, key);
    lua_pushnumber(L, Q[k]);
    snprintf(key, sizeof key, "Q%d", ls[k]);
    lua_setfield(L, -2, key);
  }
  lua_pushvalue(L, -2);
  lua_setfield(L, -2, "neighbors");
  return 1;
}

static int l_census(lua_State *L)
{
  static const char *const known[] = {"top", NULL};
  luaL_checktype(L, 1, LUA_TTABLE);
  lua_Integer top = 10;
  if (!lua_isnoneornil(L, 2)) {
    vtl_checkopts(L, 2, "vt.analysis.voronoi_census", known);
    top = vtl_optinteger_field(L, 2, "top", 10);
    if (top < 1) luaL_argerror(L, 2, "'top' must be at least 1");
  }
  lua_getfield(L, 1, "index_full");                      /* v, [opts], index_full */
  vt_array *a = vtl_toarray_opt(L, -1);
  if (!a || a->k < 4)
    luaL_argerror(L, 1, "a tessellation from vt.voronoi expected (its field 'index_full' is missing)");
  size_t n = a->n, k = a->k;
  int *idx = lua_newuserdatauv(L, (n ? n : 1) * k * sizeof *idx, 0);  /* freed with the state's garbage */
  for (size_t i = 0; i < n * k; i++) idx[i] = (int)a->data[i];
  int *sig;
  size_t *count, ncls, other;
  vtl_check(L, vt_voronoi_census(n, idx, k, &sig, &count, &ncls, &other));
  size_t m = ncls < (size_t)top ? ncls : (size_t)top;
  lua_createtable(L, (int)m, 3);
  for (size_t r = 0; r < m; r++) {
    lua_createtable(L, 0, 4);
    lua_createtable(L, 4, 0);
    for (int c = 0; c < 4; c++) {
      lua_pushinteger(L, sig[4 * r + c]);
      lua_rawseti(L, -2, c + 1);
    }
    lua_setfield(L, -2, "index");
    lua_pushfstring(L, "<%d,%d,%d,%d>", sig[4 * r], sig[4 * r + 1], sig[4 * r + 2], sig[4 * r + 3]);
    lua_setfield(L, -2, "label");
    lua_pushinteger(L, (lua_Integer)count[r]);
    lua_setfield(L, -2, "count");
    lua_pushnumber(L, (double)count[r] / (double)n);
    lua_setfield(L, -2, "fraction");
    lua_rawseti(L, -2, (lua_Integer)r + 1);
  }
  free(sig);
  free(count);
  lua_pushinteger(L, (lua_Integer)n);
  lua_setfield(L, -2, "n");
  lua_pushinteger(L, (lua_Integer)ncls);
  lua_setfield(L, -2, "distinct");
  lua_pushinteger(L, (lua_Integer)other);
  lua_setfield(L, -2, "other");
  return 1;
}

int vtl_open_order(lua_State *L)
{
  luaL_getsubtable(L, -1, "analysis");                   /* vt, vt.analysis (created if absent) */
  lua_pushcfunction(L, l_steinhardt);
  lua_setfield(L, -2, "steinhardt");
  lua_pushcfunction(L, l_census);
  lua_setfield(L, -2, "voronoi_census");
  lua_pop(L, 1);
  return 0;
}
