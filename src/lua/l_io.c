/* vt.read, vt.write and vt.checkpoint.{write,read}: files in and out of Lua
 * (see io/io.h for the formats). */
#include "lua/lvitrum.h"
#include <stdlib.h>
#include <string.h>

/* Fill vt_io_opts from an options table at idx (format=, diameters=, frame=). */
static void check_io_opts(lua_State *L, int idx, const char *fname, int reading, vt_io_opts *o)
{
  static const char *const known_r[] = {"format", "diameters", "frame", NULL};
  static const char *const known_w[] = {"format", "species", "columns", "atom_style", NULL};
  memset(o, 0, sizeof *o);
  if (lua_isnoneornil(L, idx)) return;
  vtl_checkopts(L, idx, fname, reading ? known_r : known_w);
  o->format = vtl_optstring_field(L, idx, "format", NULL);
  if (!reading) return;  /* the write options: check_write_opts */
  lua_getfield(L, idx, "diameters");
  if (!lua_isnil(L, -1)) {
    if (!lua_istable(L, -1)) luaL_error(L, "%s: diameters must be a list of per-type diameters", fname);
    lua_Integer nd = luaL_len(L, -1);
    if (nd < 1 || nd > VT_MAX_SPECIES) luaL_error(L, "%s: between 1 and %d per-type diameters", fname, VT_MAX_SPECIES);
    for (lua_Integer t = 1; t <= nd; t++) {
      lua_geti(L, -1, t);
      int isnum;
      double d = lua_tonumberx(L, -1, &isnum);
      if (!isnum) luaL_error(L, "%s: diameters[%d] is not a number", fname, (int)t);
      o->diameters[t - 1] = d;
      lua_pop(L, 1);
    }
    o->ndiam = (int)nd;
  }
  lua_pop(L, 1);
  lua_Integer fr = vtl_optinteger_field(L, idx, "frame", 1);
  if (fr == 0 || fr < -1) luaL_error(L, "%s: frame must be 1, 2, ... or -1 for the last (got %d)", fname, (int)fr);
  o->frame = fr == -1 ? -1 : (long)(fr - 1);
}

/* vt.read(path [, {diameters={...}, format=, frame=}]) -> system */
static int l_read(lua_State *L)
{
  const char *path = luaL_checkstring(L, 1);
  vt_io_opts o;
  check_io_opts(L, 2, "vt.read", 1, &o);
  vt_system **ps = vtl_pushsystem(L, NULL);
  vtl_check(L, vt_io_read(path, &o, ps));
  return 1;
}

/* The write options species= (list of names per type), atom_style= and
 * columns= ({name = vt.array or table, ...}: n values, or n rows of k).
 * Strings stay alive in the options table; column data is copied into
 * userdata left on the stack (collected after the call). */
static void check_write_opts(lua_State *L, int idx, size_t n, vt_io_opts *o)
{
  if (lua_isnoneornil(L, idx)) return;
  o->atom_style = vtl_optstring_field(L, idx, "atom_style", NULL);
  lua_getfield(L, idx, "species");
  if (!lua_isnil(L, -1)) {
    if (!lua_istable(L, -1)) luaL_error(L, "vt.write: species must be a list of names, one per type (got %s)", luaL_typename(L, -1));
    lua_Integer ns = luaL_len(L, -1);
    if (ns > VT_MAX_SPECIES) luaL_error(L, "vt.write: %d species names; at most %d types", (int)ns, VT_MAX_SPECIES);
    for (lua_Integer t = 1; t <= ns; t++) {
      if (lua_geti(L, -1, t) != LUA_TSTRING)
        luaL_error(L, "vt.write: species[%d] must be a string (got %s)", (int)t, luaL_typename(L, -1));
      o->species[t - 1] = lua_tostring(L, -1);
      lua_pop(L, 1);
    }
  }
  lua_pop(L, 1);
  lua_getfield(L, idx, "columns");
  if (lua_isnil(L, -1)) { lua_pop(L, 1); return; }
  if (!lua_istable(L, -1)) luaL_error(L, "vt.write: columns must be a table {name = values, ...} (got %s)", luaL_typename(L, -1));
  int ct = lua_gettop(L);
  /* names in sorted order: the file does not depend on table order */
  lua_newtable(L);
  int names = lua_gettop(L), nc = 0;
  lua_pushnil(L);
  while (lua_next(L, ct)) {
    lua_pop(L, 1);
    if (lua_type(L, -1) != LUA_TSTRING) luaL_error(L, "vt.write: columns: names must be strings (got %s)", luaL_typename(L, -1));
    lua_pushvalue(L, -1);
    lua_seti(L, names, ++nc);
  }
  lua_getglobal(L, "table");
  lua_getfield(L, -1, "sort");
  lua_pushvalue(L, names);
  lua_call(L, 1, 0);
  lua_pop(L, 1);
  lua_newtable(L);  /* anchors the copied data */
  int anchor = lua_gettop(L);
  vt_io_column *cols = lua_newuserdatauv(L, (nc ? nc : 1) * sizeof *cols, 0);
  for (int c = 0; c < nc; c++) {
    lua_geti(L, names, c + 1);
    const char *nm = lua_tostring(L, -1);  /* anchored in `names` */
    lua_pushvalue(L, -1);
    lua_gettable(L, ct);
    size_t k = 1;
    vt_array *a = vtl_toarray_opt(L, -1);
    if (a) k = a->k;
    else if (lua_istable(L, -1)) {
      if (lua_geti(L, -1, 1) == LUA_TTABLE) k = (size_t)luaL_len(L, -1);
      lua_pop(L, 1);
    }
    if (k < 1 || k > 9) luaL_error(L, "vt.write: column %s has %d values per particle (1 to 9)", nm, (int)k);
    char what[64];
    snprintf(what, sizeof what, "vt.write: column %s", nm);
    double *tmp = vtl_checkmatrix(L, -1, n, k, what);
    double *keep = lua_newuserdatauv(L, n * k * sizeof(double) + 1, 0);
    memcpy(keep, tmp, n * k * sizeof(double));
    free(tmp);
    lua_seti(L, anchor, c + 1);
    lua_pop(L, 2);
    cols[c].name = nm;
    cols[c].k = (int)k;
    cols[c].data = keep;
  }
  /* `names`, `anchor` and `cols` stay on the stack until l_write returns */
  o->ncolumns = nc;
  o->columns = cols;
}

/* vt.write(s, path [, {format=, species=, atom_style=, columns=}]) */
static int l_write(lua_State *L)
{
  vt_system *s = vtl_checksystem(L, 1);
  const char *path = luaL_checkstring(L, 2);
  vt_io_opts o;
  check_io_opts(L, 3, "vt.write", 0, &o);
  check_write_opts(L, 3, s->n, &o);
  vtl_check(L, vt_io_write(s, path, &o));
  return 0;
}

/* Blobs in flight, owned by a userdata so a Lua error cannot leak them. */
typedef struct { vt_blob *b; size_t n; } blob_box;

static int box_gc(lua_State *L)
{
  blob_box *u = lua_touserdata(L, 1);
  vt_blobs_free(u->b, u->n);
  u->b = NULL;
  u->n = 0;
  return 0;
}

static blob_box *push_box(lua_State *L)
{
  blob_box *u = lua_newuserdatauv(L, sizeof *u, 0);
  u->b = NULL;
  u->n = 0;
  if (luaL_newmetatable(L, "vt.io.blobs")) {
    lua_pushcfunction(L, box_gc);
    lua_setfield(L, -2, "__gc");
  }
  lua_setmetatable(L, -2);
  return u;
}

/* vt.checkpoint.write(path, s [, {name = "bytes", ...}]) */
static int l_ckpt_write(lua_State *L)
{
  const char *path = luaL_checkstring(L, 1);
  vt_system *s = vtl_checksystem(L, 2);
  size_t n = 0;
  if (!lua_isnoneornil(L, 3)) {
    luaL_checktype(L, 3, LUA_TTABLE);
    lua_pushnil(L);
    while (lua_next(L, 3)) {
      if (lua_type(L, -2) != LUA_TSTRING) return luaL_error(L, "vt.checkpoint.write: blob names must be strings");
      if (lua_type(L, -1) != LUA_TSTRING)
        return luaL_error(L, "vt.checkpoint.write: blob '%s' must be a string (got %s)", lua_tostring(L, -2),
                          luaL_typename(L, -1));
      n++;
      lua_pop(L, 1);
    }
  }
  blob_box *box = push_box(L);
  if (n) {
    box->b = calloc(n, sizeof *box->b);
    if (!box->b) return luaL_error(L, "out of memory");
    lua_pushnil(L);
    while (lua_next(L, 3)) {
      vt_blob *b = &box->b[box->n];
      size_t len;
      const char *name = lua_tostring(L, -2), *data = lua_tolstring(L, -1, &len);
      if (strlen(name) >= sizeof b->name || !name[0])
        return luaL_error(L, "vt.checkpoint.write: blob name '%s' must have 1 to %d characters", name, (int)sizeof b->name - 1);
      strcpy(b->name, name);
      b->data = malloc(len ? len : 1);
      if (!b->data) return luaL_error(L, "out of memory");
      memcpy(b->data, data, len);
      b->size = len;
      box->n++;
      lua_pop(L, 1);
    }
  }
  vtl_check(L, vt_checkpoint_write(path, s, box->b, box->n));
  return 0;
}

/* vt.checkpoint.read(path) -> system, {name = "bytes", ...} */
static int l_ckpt_read(lua_State *L)
{
  const char *path = luaL_checkstring(L, 1);
  blob_box *box = push_box(L);
  vt_system **ps = vtl_pushsystem(L, NULL);
  vtl_check(L, vt_checkpoint_read(path, ps, &box->b, &box->n));
  lua_createtable(L, 0, (int)box->n);
  for (size_t k = 0; k < box->n; k++) {
    lua_pushlstring(L, box->b[k].data, box->b[k].size);
    lua_setfield(L, -2, box->b[k].name);
  }
  return 2;
}

int vtl_open_io(lua_State *L)
{
  lua_pushcfunction(L, l_read);
  lua_setfield(L, -2, "read");
  lua_pushcfunction(L, l_write);
  lua_setfield(L, -2, "write");
  static const luaL_Reg ck[] = {{"write", l_ckpt_write}, {"read", l_ckpt_read}, {NULL, NULL}};
  luaL_newlib(L, ck);
  lua_setfield(L, -2, "checkpoint");
  return 0;
}
