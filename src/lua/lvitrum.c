/* The `vt` module table: version, threads, the binding files listed in
 * bindings.inc, and the embedded pure-Lua modules in package.preload. */
#include "lua/lvitrum.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef _OPENMP
#include <omp.h>
#endif

extern const char *const vt_embedded_lua[];

int vtl_check(lua_State *L, int rc)
{
  if (rc < 0) {
    const char *m = vt_errmsg();
    return luaL_error(L, "%s", m[0] ? m : vt_strerror(rc));
  }
  return rc;
}

int vtl_fail(lua_State *L, const char *what)
{
  return luaL_error(L, "%s: %s", what, vt_errmsg());
}

void vtl_newclass(lua_State *L, const char *name, const luaL_Reg *meta, const luaL_Reg *methods)
{
  luaL_newmetatable(L, name);          /* mt */
  luaL_setfuncs(L, meta, 0);
  int has_index = 0;
  for (const luaL_Reg *r = meta; r->name; r++) if (strcmp(r->name, "__index") == 0) has_index = 1;
  lua_newtable(L);                     /* mt, methods */
  luaL_setfuncs(L, methods, 0);
  if (has_index) {
    lua_setfield(L, -2, "methods");    /* mt (custom __index reads mt.methods) */
  } else {
    lua_setfield(L, -2, "__index");    /* mt */
  }
  lua_pop(L, 1);
}

/* The function whose options table was checked last, so that the field
 * getters can name it in their errors ("md:run: argument 'T' ..."). */
static struct { const void *table; char fname[64]; } last_opts;

/* "fname: " for the options table at idx, or the calling function's name. */
static const char *opts_owner(lua_State *L, int idx, char *buf, size_t size)
{
  if (lua_topointer(L, idx) == last_opts.table && last_opts.fname[0]) {
    snprintf(buf, size, "%s: ", last_opts.fname);
    return buf;
  }
  lua_Debug ar;
  if (lua_getstack(L, 0, &ar) && lua_getinfo(L, "n", &ar) && ar.name) snprintf(buf, size, "%s: ", ar.name);
  else buf[0] = '\0';
  return buf;
}

void vtl_checkopts(lua_State *L, int idx, const char *fname, const char *const *known)
{
  idx = lua_absindex(L, idx);
  if (lua_type(L, idx) != LUA_TTABLE)
    luaL_error(L, "%s: expected a table of named arguments, got %s", fname, luaL_typename(L, idx));
  last_opts.table = lua_topointer(L, idx);
  snprintf(last_opts.fname, sizeof last_opts.fname, "%s", fname);
  lua_pushnil(L);
  while (lua_next(L, idx)) {
    lua_pop(L, 1);
    if (lua_type(L, -1) != LUA_TSTRING) {
      luaL_error(L, "%s: named arguments only (got a %s key)", fname, luaL_typename(L, -1));
    }
    const char *k = lua_tostring(L, -1);
    int found = 0;
    for (int q = 0; known[q]; q++) if (strcmp(k, known[q]) == 0) { found = 1; break; }
    if (!found) {
      luaL_Buffer b;
      luaL_buffinit(L, &b);
      for (int q = 0; known[q]; q++) { if (q) luaL_addstring(&b, ", "); luaL_addstring(&b, known[q]); }
      luaL_pushresult(&b);
      luaL_error(L, "%s: unknown argument '%s' (known: %s)", fname, k, lua_tostring(L, -1));
    }
  }
}

/* A string is not a number here: n = "500" is refused, not coerced. */
static const char *got(lua_State *L, char *buf, size_t size)
{
  if (lua_type(L, -1) == LUA_TSTRING) snprintf(buf, size, "the string \"%.20s\"", lua_tostring(L, -1));
  else snprintf(buf, size, "%s", luaL_typename(L, -1));
  return buf;
}

double vtl_optnumber_field(lua_State *L, int idx, const char *key, double def)
{
  idx = lua_absindex(L, idx);
  lua_getfield(L, idx, key);
  double v = def;
  if (!lua_isnil(L, -1)) {
    char who[80], what[48];
    if (lua_type(L, -1) != LUA_TNUMBER)
      luaL_error(L, "%sargument '%s' must be a number (got %s)", opts_owner(L, idx, who, sizeof who), key,
                 got(L, what, sizeof what));
    v = lua_tonumber(L, -1);
  }
  lua_pop(L, 1);
  return v;
}

lua_Integer vtl_optinteger_field(lua_State *L, int idx, const char *key, lua_Integer def)
{
  idx = lua_absindex(L, idx);
  lua_getfield(L, idx, key);
  lua_Integer v = def;
  if (!lua_isnil(L, -1)) {
    char who[80], what[48];
    int isnum = 0;
    if (lua_type(L, -1) == LUA_TNUMBER) v = lua_tointegerx(L, -1, &isnum);
    if (!isnum)
      luaL_error(L, "%sargument '%s' must be an integer (got %s)", opts_owner(L, idx, who, sizeof who), key,
                 lua_type(L, -1) == LUA_TNUMBER ? "a non-integer number" : got(L, what, sizeof what));
  }
  lua_pop(L, 1);
  return v;
}

const char *vtl_optstring_field(lua_State *L, int idx, const char *key, const char *def)
{
  idx = lua_absindex(L, idx);
  lua_getfield(L, idx, key);
  const char *v = def;
  if (!lua_isnil(L, -1)) {
    char who[80];
    if (lua_type(L, -1) != LUA_TSTRING)
      luaL_error(L, "%sargument '%s' must be a string (got %s)", opts_owner(L, idx, who, sizeof who), key,
                 luaL_typename(L, -1));
    v = lua_tostring(L, -1);  /* still anchored in the options table */
  }
  lua_pop(L, 1);
  return v;
}

int vtl_optboolean_field(lua_State *L, int idx, const char *key, int def)
{
  idx = lua_absindex(L, idx);
  lua_getfield(L, idx, key);
  int v = def;
  if (!lua_isnil(L, -1)) {
    char who[80];
    if (!lua_isboolean(L, -1))
      luaL_error(L, "%sargument '%s' must be a boolean (got %s)", opts_owner(L, idx, who, sizeof who), key,
                 luaL_typename(L, -1));
    v = lua_toboolean(L, -1);
  }
  lua_pop(L, 1);
  return v;
}

double *vtl_checkmatrix(lua_State *L, int idx, size_t rows, size_t cols, const char *what)
{
  idx = lua_absindex(L, idx);
  vt_array *a = vtl_toarray_opt(L, idx);
  double *out = malloc((rows * cols > 0 ? rows * cols : 1) * sizeof(double));
  if (!out) { luaL_error(L, "out of memory"); return NULL; }
  if (a) {
    if (a->n != rows || a->k != cols) {
      free(out);
      luaL_error(L, "%s: expected %I x %I values, got an array of shape %I x %I", what, (lua_Integer)rows, (lua_Integer)cols, (lua_Integer)a->n, (lua_Integer)a->k);
    }
    memcpy(out, a->data, rows * cols * sizeof(double));
    return out;
  }
  if (!lua_istable(L, idx)) { free(out); luaL_error(L, "%s: expected a vt.array or a table, got %s", what, luaL_typename(L, idx)); }
  lua_Integer len = luaL_len(L, idx);
  if ((size_t)len != rows) { free(out); luaL_error(L, "%s: expected %I rows, got %I", what, (lua_Integer)rows, len); }
  for (size_t i = 0; i < rows; i++) {
    lua_geti(L, idx, (lua_Integer)i + 1);
    if (cols == 1) {
      int isnum;
      out[i] = lua_tonumberx(L, -1, &isnum);
      if (!isnum) { free(out); luaL_error(L, "%s: entry %I is not a number", what, (lua_Integer)i + 1); }
    } else {
      if (!lua_istable(L, -1)) { free(out); luaL_error(L, "%s: row %I is not a table of %I numbers", what, (lua_Integer)i + 1, (lua_Integer)cols); }
      for (size_t k = 0; k < cols; k++) {
        lua_geti(L, -1, (lua_Integer)k + 1);
        int isnum;
        out[i * cols + k] = lua_tonumberx(L, -1, &isnum);
        if (!isnum) { free(out); luaL_error(L, "%s: row %I, column %I is not a number", what, (lua_Integer)i + 1, (lua_Integer)k + 1); }
        lua_pop(L, 1);
      }
    }
    lua_pop(L, 1);
  }
  return out;
}

static int l_threads(lua_State *L)
{
#ifdef _OPENMP
  if (!lua_isnoneornil(L, 1)) {
    lua_Integer n = luaL_checkinteger(L, 1);
    luaL_argcheck(L, n >= 1 && n <= 1024, 1, "thread count must be between 1 and 1024");
    omp_set_num_threads((int)n);
  }
  lua_pushinteger(L, omp_get_max_threads());
#else
  lua_pushinteger(L, 1);
#endif
  return 1;
}

/* vt.clock(): monotonic wall-clock seconds (os.clock() is CPU time of all threads) */
static int l_clock(lua_State *L)
{
  lua_pushnumber(L, vt_wtime());
  return 1;
}

static int l_interrupted(lua_State *L)
{
  lua_pushboolean(L, vt_interrupted());
  return 1;
}

static void register_preload(lua_State *L)
{
  lua_getglobal(L, "package");
  if (!lua_istable(L, -1)) { lua_pop(L, 1); return; }
  lua_getfield(L, -1, "preload");              /* package, preload */
  for (int k = 0; vt_embedded_lua[k]; k += 2) {
    const char *name = vt_embedded_lua[k], *src = vt_embedded_lua[k + 1];
    lua_getfield(L, -1, name);
    int present = !lua_isnil(L, -1);
    lua_pop(L, 1);
    if (present) continue;
    char chunk[256];
    snprintf(chunk, sizeof chunk, "=[vitrum embedded %s]", name);
    if (luaL_loadbufferx(L, src, strlen(src), chunk, "t") != LUA_OK) {
      lua_error(L);  /* a broken embedded module is a build bug: say so */
    }
    lua_setfield(L, -2, name);
  }
  lua_pop(L, 2);
}

int vtl_open(lua_State *L)
{
  static const luaL_Reg funcs[] = {
    {"threads", l_threads},
    {"interrupted", l_interrupted},
    {"clock", l_clock},
    {NULL, NULL}
  };
  luaL_newlib(L, funcs);                       /* vt */
  lua_pushstring(L, vt_version());
  lua_setfield(L, -2, "version");
#define VTL_BINDING(name) vtl_open_##name(L);
#include "lua/bindings.inc"
#undef VTL_BINDING
  register_preload(L);
  /* vt.help from the pure-Lua module (loaded lazily: it needs vt) */
  if (luaL_dostring(L, "return function(...) return require('vitrum.help')(...) end")) lua_error(L);
  lua_setfield(L, -2, "help");
  return 1;
}
