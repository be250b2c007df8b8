/* vt.h5md: H5MD trajectory files (HDF5; see io/io.h and src/io/h5md.c).
 *   h = vt.h5md("run.h5md")                 -- written at h:close()
 *   h:write(s [, { step =, time = }])       -- step defaults to the frame index, time to step
 *   h.count   h:close()   vt.h5md.available
 * Frames are read back with vt.read("run.h5md", { frame = k }). */
#include "lua/lvitrum.h"
#include <string.h>

#define VTL_H5MD "vt.h5md"

typedef struct { vt_h5md *h; } l_h5md;

static l_h5md *checkh(lua_State *L)
{
  l_h5md *u = luaL_checkudata(L, 1, VTL_H5MD);
  if (!u->h) luaL_error(L, "h5md: the file is closed");
  return u;
}

static int l_open(lua_State *L)
{
  const char *path = luaL_checkstring(L, 1);
  if (!lua_isnoneornil(L, 2) && strcmp(luaL_checkstring(L, 2), "w") != 0)
    return luaL_error(L, "vt.h5md: only mode \"w\" (read frames with vt.read(path, { frame = k }))");
  l_h5md *u = lua_newuserdatauv(L, sizeof *u, 0);
  u->h = NULL;
  luaL_setmetatable(L, VTL_H5MD);
  vtl_check(L, vt_h5md_create(path, &u->h));
  return 1;
}

static int h_write(lua_State *L)
{
  static const char *const known[] = {"step", "time", NULL};
  l_h5md *u = checkh(L);
  vt_system *s = vtl_checksystem(L, 2);
  lua_Integer step = vt_h5md_count(u->h);
  double time;
  int have_time = 0;
  if (!lua_isnoneornil(L, 3)) {
    vtl_checkopts(L, 3, "h5md:write", known);
    step = vtl_optinteger_field(L, 3, "step", step);
    lua_getfield(L, 3, "time");
    have_time = !lua_isnil(L, -1);
    lua_pop(L, 1);
  }
  time = have_time ? vtl_optnumber_field(L, 3, "time", 0.0) : (double)step;
  vtl_check(L, vt_h5md_write(u->h, s, (long)step, time));
  return 0;
}

static int h_close(lua_State *L)
{
  l_h5md *u = luaL_checkudata(L, 1, VTL_H5MD);
  if (!u->h) return 0;
  vt_h5md *h = u->h;
  u->h = NULL;
  vtl_check(L, vt_h5md_close(h));
  return 0;
}

/* garbage without close: nothing appears under the name */
static int h_gc(lua_State *L)
{
  l_h5md *u = luaL_checkudata(L, 1, VTL_H5MD);
  if (u->h) vt_h5md_abort(u->h);
  u->h = NULL;
  return 0;
}

static int h_index(lua_State *L)
{
  l_h5md *u = luaL_checkudata(L, 1, VTL_H5MD);
  const char *k = luaL_checkstring(L, 2);
  if (strcmp(k, "count") == 0) {
    lua_pushinteger(L, u->h ? vt_h5md_count(u->h) : 0);
    return 1;
  }
  luaL_getmetafield(L, 1, "methods");
  lua_getfield(L, -1, k);
  return 1;
}

static int h_tostring(lua_State *L)
{
  l_h5md *u = luaL_checkudata(L, 1, VTL_H5MD);
  if (u->h) lua_pushfstring(L, "vt.h5md: %d frames written", (int)vt_h5md_count(u->h));
  else lua_pushliteral(L, "vt.h5md (closed)");
  return 1;
}

/* vt.h5md(path): the table's __call drops the table itself */
static int l_call(lua_State *L)
{
  lua_remove(L, 1);
  return l_open(L);
}

int vtl_open_h5md(lua_State *L)
{
  static const luaL_Reg meta[] = {
    {"__index", h_index}, {"__gc", h_gc}, {"__close", h_gc}, {"__tostring", h_tostring}, {NULL, NULL}
  };
  static const luaL_Reg methods[] = {{"write", h_write}, {"close", h_close}, {NULL, NULL}};
  vtl_newclass(L, VTL_H5MD, meta, methods);
  lua_newtable(L);                       /* vt.h5md: a callable table */
  lua_pushboolean(L, vt_h5md_available());
  lua_setfield(L, -2, "available");
  lua_newtable(L);
  lua_pushcfunction(L, l_call);
  lua_setfield(L, -2, "__call");
  lua_setmetatable(L, -2);
  lua_setfield(L, -2, "h5md");
  return 0;
}
