/* vt.analysis.gr and vt.analysis.sq: static structure of a system (see
 * analysis/structure.h for the definitions).
 *
 *   g = vt.analysis.gr(s, { rmax=5.0, width=0.02, types={1, 2} })
 *       -> { r=array (bin centres), g=array }       types omitted: total g(r)
 *       rmax defaults to 5 or half the shortest box side, whichever is less
 *   S = vt.analysis.sq(s, { qmax=12, width=0.05, type=2 })     (or types={a, b})
 *       -> { q=array, S=array, count=array, peak=, peak_S= }   type omitted: all particles
 */
#include "lua/lvitrum.h"
#include <math.h>

/* type= or types={a, b} at the options table idx into *ta, *tb (0: all) */
static void checktypes(lua_State *L, int idx, const char *fname, int allow_single, int *ta, int *tb)
{
  *ta = *tb = 0;
  lua_getfield(L, idx, "types");
  if (!lua_isnil(L, -1)) {
    if (!lua_istable(L, -1) || luaL_len(L, -1) != 2)
      luaL_error(L, "%s: types must be a list of two types, e.g. {1, 2}", fname);
    for (int k = 1; k <= 2; k++) {
      lua_geti(L, -1, k);
      if (!lua_isinteger(L, -1)) luaL_error(L, "%s: types[%d] must be an integer", fname, k);
      *(k == 1 ? ta : tb) = (int)lua_tointeger(L, -1);
      lua_pop(L, 1);
    }
    if (*ta < 1 || *tb < 1) luaL_error(L, "%s: types must be positive (got %d, %d)", fname, *ta, *tb);
  }
  lua_pop(L, 1);
  if (allow_single) {
    lua_Integer t = vtl_optinteger_field(L, idx, "type", 0);
    if (t != 0) {
      if (*ta) luaL_error(L, "%s: give type= or types=, not both", fname);
      if (t < 1) luaL_error(L, "%s: type must be positive (got %d)", fname, (int)t);
      *ta = *tb = (int)t;
    }
  }
}

static int l_gr(lua_State *L)
{
  static const char *const known[] = {"rmax", "width", "types", NULL};
  vt_system *s = vtl_checksystem(L, 1);
  /* default rmax: 5, or half the shortest box side when that is less */
  double rmax = fmin(5.0, 0.5 * fmin(s->box[0], fmin(s->box[1], s->box[2]))), width = 0.02;
  int ta = 0, tb = 0;
  if (!lua_isnoneornil(L, 2)) {
    vtl_checkopts(L, 2, "vt.analysis.gr", known);
    rmax = vtl_optnumber_field(L, 2, "rmax", rmax);
    width = vtl_optnumber_field(L, 2, "width", width);
    checktypes(L, 2, "vt.analysis.gr", 0, &ta, &tb);
  }
  vt_array *r, *g;
  if (vt_structure_gr(s, rmax, width, ta, tb, &r, &g)) return vtl_fail(L, "vt.analysis.gr");
  lua_createtable(L, 0, 2);
  vtl_pusharray(L, r);
  lua_setfield(L, -2, "r");
  vtl_pusharray(L, g);
  lua_setfield(L, -2, "g");
  return 1;
}

static int l_sq(lua_State *L)
{
  static const char *const known[] = {"qmax", "width", "type", "types", NULL};
  vt_system *s = vtl_checksystem(L, 1);
  double qmax = 12.0, width = 0.05;
  int ta = 0, tb = 0;
  if (!lua_isnoneornil(L, 2)) {
    vtl_checkopts(L, 2, "vt.analysis.sq", known);
    qmax = vtl_optnumber_field(L, 2, "qmax", qmax);
    width = vtl_optnumber_field(L, 2, "width", width);
    checktypes(L, 2, "vt.analysis.sq", 1, &ta, &tb);
  }
  vt_sq_result S;
  if (vt_structure_sq(s, qmax, width, ta, tb, &S)) return vtl_fail(L, "vt.analysis.sq");
  lua_createtable(L, 0, 5);
  vtl_pusharray(L, S.q);
  lua_setfield(L, -2, "q");
  vtl_pusharray(L, S.S);
  lua_setfield(L, -2, "S");
  vtl_pusharray(L, S.count);
  lua_setfield(L, -2, "count");
  lua_pushnumber(L, S.peak);
  lua_setfield(L, -2, "peak");
  lua_pushnumber(L, S.peak_S);
  lua_setfield(L, -2, "peak_S");
  return 1;
}

int vtl_open_structure(lua_State *L)
{
  luaL_getsubtable(L, -1, "analysis");                 /* vt, vt.analysis */
  lua_pushcfunction(L, l_gr);
  lua_setfield(L, -2, "gr");
  lua_pushcfunction(L, l_sq);
  lua_setfield(L, -2, "sq");
  lua_pop(L, 1);
  return 0;
}
