/* vt.virial.* (per-particle virial quantities) and vt.homogenize.virial{...}
 * (the homogenization step object) -- see analysis/virial.h and
 * homogenize/virial.h. */
#include "lua/lvitrum.h"
#include <stdlib.h>
#include <string.h>

#define VTL_HOMOGENIZER "vt.homogenize.virial"

typedef struct { double delta; long steps; } l_homog;

/* push `a` on success; on failure free it and raise the core's message */
static int finish(lua_State *L, int rc, vt_array *a)
{
  if (rc) { vt_array_unref(a); return vtl_check(L, rc); }
  vtl_pusharray(L, a);
  return 1;
}

static int l_p2(lua_State *L)
{
  vt_system *s = vtl_checksystem(L, 1);
  vt_array *a = vt_array_alloc(s->n, 0);
  if (!a) return luaL_error(L, "out of memory");
  return finish(L, vt_virial_p2(s, a->data), a);
}

static int l_dp2(lua_State *L)
{
  vt_system *s = vtl_checksystem(L, 1);
  vt_array *a = vt_array_alloc(s->n, 0);
  if (!a) return luaL_error(L, "out of memory");
  return finish(L, vt_virial_dp2_dsigma(s, a->data), a);
}

/* vt.virial.stress(s [, {per_volume=true}]) -> n x 6 (xx yy zz xy xz yz) */
static int l_stress(lua_State *L)
{
  static const char *const known[] = {"per_volume", NULL};
  vt_system *s = vtl_checksystem(L, 1);
  int per_volume = 1;
  if (!lua_isnoneornil(L, 2)) {
    vtl_checkopts(L, 2, "vt.virial.stress", known);
    per_volume = vtl_optboolean_field(L, 2, "per_volume", 1);
  }
  vt_array *a = vt_array_alloc(s->n, 6);
  if (!a) return luaL_error(L, "out of memory");
  return finish(L, vt_virial_stress(s, per_volume, a->data), a);
}

/* vt.virial.pressure_split(s) -> p_plus, p_minus: the virial pressure from
 * repulsive (f > 0) and attractive (f < 0) pairs, p_excess = p_plus - p_minus */
static int l_split(lua_State *L)
{
  vt_system *s = vtl_checksystem(L, 1);
  vtl_check(L, vt_system_compute(s, VT_ENERGY | VT_VIRIAL | VT_PSPLIT));
  double V3 = 3.0 * vt_system_volume(s);
  lua_pushnumber(L, s->w_plus / V3);
  lua_pushnumber(L, -s->w_minus / V3);
  return 2;
}

static l_homog *checkh(lua_State *L, int idx) { return luaL_checkudata(L, idx, VTL_HOMOGENIZER); }

static int l_hnew(lua_State *L)
{
  static const char *const known[] = {"delta", NULL};
  double delta = 0.01;
  if (!lua_isnoneornil(L, 1)) {
    vtl_checkopts(L, 1, "vt.homogenize.virial", known);
    delta = vtl_optnumber_field(L, 1, "delta", 0.01);
  }
  if (!(delta > 0 && delta < 1e3)) return luaL_error(L, "vt.homogenize.virial: delta must be positive (got %g)", delta);
  l_homog *h = lua_newuserdatauv(L, sizeof *h, 0);
  h->delta = delta;
  h->steps = 0;
  luaL_setmetatable(L, VTL_HOMOGENIZER);
  return 1;
}

/* h:step(s) -> {mean_p2=, std_p2=, grown=, shrunk=, unchanged=} (before the step) */
static int h_step(lua_State *L)
{
  l_homog *h = checkh(L, 1);
  vt_system *s = vtl_checksystem(L, 2);
  vt_homogenize_stats st;
  vtl_check(L, vt_homogenize_virial_step(s, h->delta, &st));
  h->steps++;
  lua_createtable(L, 0, 5);
  lua_pushnumber(L, st.mean_p2); lua_setfield(L, -2, "mean_p2");
  lua_pushnumber(L, st.std_p2); lua_setfield(L, -2, "std_p2");
  lua_pushinteger(L, (lua_Integer)st.grown); lua_setfield(L, -2, "grown");
  lua_pushinteger(L, (lua_Integer)st.shrunk); lua_setfield(L, -2, "shrunk");
  lua_pushinteger(L, (lua_Integer)st.unchanged); lua_setfield(L, -2, "unchanged");
  return 1;
}

static int h_index(lua_State *L)
{
  l_homog *h = checkh(L, 1);
  const char *k = luaL_checkstring(L, 2);
  if (strcmp(k, "delta") == 0) { lua_pushnumber(L, h->delta); return 1; }
  if (strcmp(k, "steps") == 0) { lua_pushinteger(L, h->steps); return 1; }
  luaL_getmetafield(L, 1, "methods");
  lua_getfield(L, -1, k);
  return 1;
}

static int h_newindex(lua_State *L)
{
  l_homog *h = checkh(L, 1);
  const char *k = luaL_checkstring(L, 2);
  if (strcmp(k, "delta") != 0) return luaL_error(L, "vt.homogenize.virial: field '%s' cannot be set", k);
  double d = luaL_checknumber(L, 3);
  luaL_argcheck(L, d > 0 && d < 1e3, 3, "delta must be positive");
  h->delta = d;
  return 0;
}

static int h_tostring(lua_State *L)
{
  l_homog *h = checkh(L, 1);
  lua_pushfstring(L, "vt.homogenize.virial{delta=%f} (%d steps)", h->delta, (int)h->steps);
  return 1;
}

int vtl_open_homogenize(lua_State *L)
{
  static const luaL_Reg meta[] = {
    {"__index", h_index}, {"__newindex", h_newindex}, {"__tostring", h_tostring}, {NULL, NULL}
  };
  static const luaL_Reg methods[] = {{"step", h_step}, {NULL, NULL}};
  static const luaL_Reg virial[] = {
    {"p2", l_p2}, {"dp2_dsigma", l_dp2}, {"stress", l_stress}, {"pressure_split", l_split}, {NULL, NULL}
  };
  vtl_newclass(L, VTL_HOMOGENIZER, meta, methods);
  luaL_newlib(L, virial);
  lua_setfield(L, -2, "virial");
  lua_newtable(L);
  lua_pushcfunction(L, l_hnew);
  lua_setfield(L, -2, "virial");
  lua_setfield(L, -2, "homogenize");
  return 0;
}
