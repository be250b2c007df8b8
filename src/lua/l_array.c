/* vt.array: per-particle data as Lua userdata (see core/array.h).
 * a[i] is a number (shape n) or a table of the k numbers of row i (n x k);
 * a:get(i, j) one number; a.shape = {n, k}; #a = n. Indices are 1-based. */
#include "lua/lvitrum.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct { vt_array *a; } l_array;

vt_array *vtl_toarray_opt(lua_State *L, int idx)
{
  l_array *u = luaL_testudata(L, idx, VTL_ARRAY);
  return u ? u->a : NULL;
}

vt_array *vtl_checkarray(lua_State *L, int idx)
{
  l_array *u = luaL_checkudata(L, idx, VTL_ARRAY);
  if (!u->a) luaL_argerror(L, idx, "array has been closed");
  return u->a;
}

void vtl_pusharray(lua_State *L, vt_array *a)
{
  if (!a) { luaL_error(L, "out of memory"); return; }
  l_array *u = lua_newuserdatauv(L, sizeof *u, 0);
  u->a = a;
  luaL_setmetatable(L, VTL_ARRAY);
}

static size_t checkrow(lua_State *L, vt_array *a, int idx)
{
  lua_Integer i = luaL_checkinteger(L, idx);
  if (i < 1 || (size_t)i > a->n) luaL_error(L, "index %d out of range 1..%d", (int)i, (int)a->n);
  return (size_t)i - 1;
}

static void pushrow(lua_State *L, vt_array *a, size_t i)
{
  if (a->vector) { lua_pushnumber(L, a->data[i]); return; }
  lua_createtable(L, (int)a->k, 0);
  for (size_t j = 0; j < a->k; j++) { lua_pushnumber(L, a->data[i * a->k + j]); lua_rawseti(L, -2, (lua_Integer)j + 1); }
}

static int a_index(lua_State *L)
{
  vt_array *a = vtl_checkarray(L, 1);
  if (lua_type(L, 2) == LUA_TNUMBER) {
    pushrow(L, a, checkrow(L, a, 2));
    return 1;
  }
  const char *k = luaL_checkstring(L, 2);
  if (strcmp(k, "shape") == 0) {
    lua_createtable(L, 2, 0);
    lua_pushinteger(L, (lua_Integer)a->n); lua_rawseti(L, -2, 1);
    if (!a->vector) { lua_pushinteger(L, (lua_Integer)a->k); lua_rawseti(L, -2, 2); }
    return 1;
  }
  if (strcmp(k, "n") == 0) { lua_pushinteger(L, (lua_Integer)a->n); return 1; }
  if (strcmp(k, "k") == 0) { lua_pushinteger(L, (lua_Integer)a->k); return 1; }
  luaL_getmetafield(L, 1, "methods");
  lua_getfield(L, -1, k);
  return 1;
}

static int a_newindex(lua_State *L)
{
  vt_array *a = vtl_checkarray(L, 1);
  size_t i = checkrow(L, a, 2);
  if (a->vector) {
    a->data[i] = luaL_checknumber(L, 3);
  } else {
    luaL_checktype(L, 3, LUA_TTABLE);
    for (size_t j = 0; j < a->k; j++) {
      lua_geti(L, 3, (lua_Integer)j + 1);
      int isnum;
      double v = lua_tonumberx(L, -1, &isnum);
      if (!isnum) luaL_error(L, "row %d: column %d is not a number", (int)i + 1, (int)j + 1);
      a->data[i * a->k + j] = v;
      lua_pop(L, 1);
    }
  }
  return 0;
}

static int a_len(lua_State *L) { lua_pushinteger(L, (lua_Integer)vtl_checkarray(L, 1)->n); return 1; }

static int a_gc(lua_State *L)
{
  l_array *u = luaL_checkudata(L, 1, VTL_ARRAY);
  vt_array_unref(u->a);
  u->a = NULL;
  return 0;
}

static int a_tostring(lua_State *L)
{
  l_array *u = luaL_checkudata(L, 1, VTL_ARRAY);
  vt_array *a = u->a;
  char buf[200];
  if (!a) { lua_pushliteral(L, "vt.array (closed)"); return 1; }
  int len = a->vector ? snprintf(buf, sizeof buf, "vt.array(%zu)", a->n)
                      : snprintf(buf, sizeof buf, "vt.array(%zu x %zu)", a->n, a->k);
  if (a->n * a->k > 0)
    snprintf(buf + len, sizeof buf - len, ": mean %.6g, min %.6g, max %.6g",
             vt_array_mean(a), vt_array_min(a), vt_array_max(a));
  lua_pushstring(L, buf);
  return 1;
}

static int a_get(lua_State *L)
{
  vt_array *a = vtl_checkarray(L, 1);
  size_t i = checkrow(L, a, 2);
  lua_Integer j = luaL_optinteger(L, 3, 1);
  if (j < 1 || (size_t)j > a->k) luaL_error(L, "column %d out of range 1..%d", (int)j, (int)a->k);
  lua_pushnumber(L, a->data[i * a->k + (size_t)j - 1]);
  return 1;
}

static int a_set(lua_State *L)
{
  vt_array *a = vtl_checkarray(L, 1);
  size_t i = checkrow(L, a, 2);
  lua_Integer j = 1;
  int vidx = 3;
  if (lua_gettop(L) >= 4) { j = luaL_checkinteger(L, 3); vidx = 4; }
  if (j < 1 || (size_t)j > a->k) luaL_error(L, "column %d out of range 1..%d", (int)j, (int)a->k);
  a->data[i * a->k + (size_t)j - 1] = luaL_checknumber(L, vidx);
  return 0;
}

#define STAT(fn, call) static int fn(lua_State *L) { vt_array *a = vtl_checkarray(L, 1); lua_pushnumber(L, call(a)); return 1; }
STAT(a_sum, vt_array_sum)
STAT(a_mean, vt_array_mean)
STAT(a_std, vt_array_std)
STAT(a_min, vt_array_min)
STAT(a_max, vt_array_max)

static int a_quantile(lua_State *L)
{
  vt_array *a = vtl_checkarray(L, 1);
  double q;
  vtl_check(L, vt_array_quantile(a, luaL_checknumber(L, 2), &q));
  lua_pushnumber(L, q);
  return 1;
}

static int a_histogram(lua_State *L)
{
  static const char *const known[] = {"bins", "range", NULL};
  vt_array *a = vtl_checkarray(L, 1);
  lua_Integer bins = 50;
  int have_range = 0;
  double lo = 0, hi = 0;
  if (!lua_isnoneornil(L, 2)) {
    vtl_checkopts(L, 2, "histogram", known);
    bins = vtl_optinteger_field(L, 2, "bins", 50);
    lua_getfield(L, 2, "range");
    if (!lua_isnil(L, -1)) {
      if (!lua_istable(L, -1)) luaL_error(L, "histogram: range must be {lo, hi}");
      lua_geti(L, -1, 1);
      lua_geti(L, -2, 2);
      if (!lua_isnumber(L, -2) || !lua_isnumber(L, -1)) luaL_error(L, "histogram: range must be {lo, hi}");
      lo = lua_tonumber(L, -2);
      hi = lua_tonumber(L, -1);
      lua_pop(L, 2);
      have_range = 1;
    }
    lua_pop(L, 1);
  }
  if (bins < 1) luaL_error(L, "histogram: bins must be at least 1");
  if (!have_range) {
    /* the data's own range, widened by one ulp so the maximum is counted */
    lo = vt_array_min(a);
    hi = nextafter(vt_array_max(a), INFINITY);
    if (!(hi > lo)) hi = lo + 1.0;
  }
  vt_array *edges, *counts;
  vtl_check(L, vt_array_histogram(a, (size_t)bins, lo, hi, &edges, &counts));
  lua_createtable(L, 0, 2);
  vtl_pusharray(L, edges);
  lua_setfield(L, -2, "edges");
  vtl_pusharray(L, counts);
  lua_setfield(L, -2, "counts");
  return 1;
}

static int a_select(lua_State *L)
{
  vt_array *a = vtl_checkarray(L, 1);
  vt_array *mask = vtl_toarray_opt(L, 2), *tmp = NULL, *out;
  if (!mask) {
    luaL_checktype(L, 2, LUA_TTABLE);
    tmp = mask = vt_array_alloc(a->n, 0);
    if (!tmp) return luaL_error(L, "out of memory");
    if ((size_t)luaL_len(L, 2) != a->n) { vt_array_unref(tmp); return luaL_error(L, "select: mask has %d entries, array has %d rows", (int)luaL_len(L, 2), (int)a->n); }
    for (size_t i = 0; i < a->n; i++) {
      lua_geti(L, 2, (lua_Integer)i + 1);
      tmp->data[i] = lua_isnumber(L, -1) ? lua_tonumber(L, -1) : lua_toboolean(L, -1);
      lua_pop(L, 1);
    }
  }
  int rc = vt_array_select(a, mask, &out);
  vt_array_unref(tmp);
  vtl_check(L, rc);
  vtl_pusharray(L, out);
  return 1;
}

static int a_totable(lua_State *L)
{
  vt_array *a = vtl_checkarray(L, 1);
  lua_createtable(L, (int)a->n, 0);
  for (size_t i = 0; i < a->n; i++) { pushrow(L, a, i); lua_rawseti(L, -2, (lua_Integer)i + 1); }
  return 1;
}

static int a_copy(lua_State *L)
{
  vtl_pusharray(L, vt_array_copy(vtl_checkarray(L, 1)));
  return 1;
}

static int a_write(lua_State *L)
{
  vt_array *a = vtl_checkarray(L, 1);
  const char *path = luaL_checkstring(L, 2);
  const char *header = luaL_optstring(L, 3, NULL);
  luaL_Buffer b;
  if (header) {
    /* every header line is a '#' comment */
    luaL_buffinit(L, &b);
    const char *p = header;
    while (*p) {
      const char *e = strchr(p, '\n');
      size_t len = e ? (size_t)(e - p) : strlen(p);
      if (p[0] != '#') luaL_addstring(&b, "# ");
      luaL_addlstring(&b, p, len);
      luaL_addchar(&b, '\n');
      p += len + (e ? 1 : 0);
    }
    luaL_pushresult(&b);
    header = lua_tostring(L, -1);
  }
  vtl_check(L, vt_array_write_tsv(a, path, header));
  return 0;
}

/* vt.array(n [, k]) zeros, or vt.array(table) from numbers or rows */
static int l_new(lua_State *L)
{
  if (lua_type(L, 1) == LUA_TNUMBER) {
    lua_Integer n = luaL_checkinteger(L, 1), k = luaL_optinteger(L, 2, 0);
    luaL_argcheck(L, n >= 0, 1, "length must be non-negative");
    luaL_argcheck(L, k >= 0, 2, "column count must be non-negative");
    vtl_pusharray(L, vt_array_alloc((size_t)n, (size_t)k));
    return 1;
  }
  luaL_checktype(L, 1, LUA_TTABLE);
  size_t n = (size_t)luaL_len(L, 1), k = 0;
  if (n > 0) {
    lua_geti(L, 1, 1);
    if (lua_istable(L, -1)) k = (size_t)luaL_len(L, -1);
    lua_pop(L, 1);
  }
  double *d = vtl_checkmatrix(L, 1, n, k ? k : 1, "vt.array");
  vt_array *a = vt_array_alloc(n, k);
  if (a) memcpy(a->data, d, n * (k ? k : 1) * sizeof(double));
  free(d);
  vtl_pusharray(L, a);
  return 1;
}

int vtl_open_array(lua_State *L)
{
  static const luaL_Reg meta[] = {
    {"__index", a_index}, {"__newindex", a_newindex}, {"__len", a_len},
    {"__gc", a_gc}, {"__close", a_gc}, {"__tostring", a_tostring}, {NULL, NULL}
  };
  static const luaL_Reg methods[] = {
    {"get", a_get}, {"set", a_set}, {"sum", a_sum}, {"mean", a_mean}, {"std", a_std},
    {"min", a_min}, {"max", a_max}, {"quantile", a_quantile}, {"histogram", a_histogram},
    {"select", a_select}, {"totable", a_totable}, {"copy", a_copy}, {"write", a_write},
    {NULL, NULL}
  };
  vtl_newclass(L, VTL_ARRAY, meta, methods);
  lua_pushcfunction(L, l_new);
  lua_setfield(L, -2, "array");
  return 0;
}
