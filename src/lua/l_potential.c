/* vt.potential.<model>{...}: every registered pair model through one
 * generic constructor that turns the named-argument table into vt_params. */
#include "lua/lvitrum.h"
#include <stdlib.h>
#include <string.h>

typedef struct { vt_potential *p; } l_potential;

vt_potential *vtl_checkpotential(lua_State *L, int idx)
{
  return ((l_potential *)luaL_checkudata(L, idx, VTL_POTENTIAL))->p;
}

void vtl_pushpotential(lua_State *L, vt_potential *p)
{
  l_potential *u = lua_newuserdatauv(L, sizeof *u, 0);
  u->p = p;
  luaL_setmetatable(L, VTL_POTENTIAL);
}

/* upvalue 1: the model name */
static int l_create(lua_State *L)
{
  const char *name = lua_tostring(L, lua_upvalueindex(1));
  if (lua_isnoneornil(L, 1)) lua_newtable(L);
  luaL_checktype(L, 1, LUA_TTABLE);
  size_t n = 0;
  lua_pushnil(L);
  while (lua_next(L, 1)) { n++; lua_pop(L, 1); }
  vt_param *ps = lua_newuserdatauv(L, (n ? n : 1) * sizeof *ps, 0); /* freed by the GC */
  lua_newtable(L);                     /* anchors the vectors until the call ends */
  int anchor = lua_gettop(L), nanchor = 0;
  size_t k = 0;
  lua_pushnil(L);
  while (lua_next(L, 1)) {
    if (lua_type(L, -2) != LUA_TSTRING) return luaL_error(L, "%s: named arguments only", name);
    vt_param *p = &ps[k++];
    memset(p, 0, sizeof *p);
    p->key = lua_tostring(L, -2);
    if (lua_type(L, -1) == LUA_TNUMBER) {
      p->kind = VT_PARAM_NUMBER;
      p->num = lua_tonumber(L, -1);
    } else if (lua_type(L, -1) == LUA_TSTRING) {
      p->kind = VT_PARAM_STRING;
      p->str = lua_tostring(L, -1);
    } else if (lua_istable(L, -1)) {
      size_t len = (size_t)luaL_len(L, -1);
      double *v = lua_newuserdatauv(L, (len ? len : 1) * sizeof *v, 0);
      lua_rawseti(L, anchor, ++nanchor);
      for (size_t q = 0; q < len; q++) {
        lua_geti(L, -1, (lua_Integer)q + 1);
        int isnum;
        v[q] = lua_tonumberx(L, -1, &isnum);
        if (!isnum) return luaL_error(L, "%s: entry %d of '%s' is not a number", name, (int)q + 1, p->key);
        lua_pop(L, 1);
      }
      p->kind = VT_PARAM_VECTOR;
      p->vec = v;
      p->len = len;
    } else {
      return luaL_error(L, "%s: parameter '%s' must be a number, string or list of numbers (got %s)",
                        name, p->key, luaL_typename(L, -1));
    }
    lua_pop(L, 1);
  }
  vt_params in = {k, ps};
  vt_potential *pot;
  vtl_check(L, vt_potential_create(name, &in, &pot));
  vtl_pushpotential(L, pot);
  return 1;
}

static int p_gc(lua_State *L)
{
  l_potential *u = luaL_checkudata(L, 1, VTL_POTENTIAL);
  vt_potential_unref(u->p);
  u->p = NULL;
  return 0;
}

static int p_tostring(lua_State *L)
{
  vt_potential *p = vtl_checkpotential(L, 1);
  lua_pushfstring(L, "vt.potential.%s", p ? p->desc : "(closed)");
  return 1;
}

/* p:pair(r, si, sj [, ti, tj]) -> u, du/dr, d2u/dr2 */
static int p_pair(lua_State *L)
{
  vt_potential *p = vtl_checkpotential(L, 1);
  double r = luaL_checknumber(L, 2), si = luaL_optnumber(L, 3, 1.0), sj = luaL_optnumber(L, 4, si);
  lua_Integer ti = luaL_optinteger(L, 5, 1), tj = luaL_optinteger(L, 6, ti);
  luaL_argcheck(L, r > 0, 2, "distance must be positive");
  luaL_argcheck(L, si > 0 && sj > 0, 3, "diameters must be positive");
  luaL_argcheck(L, ti >= 1 && tj >= 1 && (p->max_type == 0 || (ti <= p->max_type && tj <= p->max_type)), 5,
                "type out of the potential's range");
  vtl_check(L, vt_potential_need_pairwise(p, "p:pair"));
  double u, du, d2u;
  vt_potential_pair(p, r, si, sj, (int)ti, (int)tj, &u, &du, &d2u);
  lua_pushnumber(L, u);
  lua_pushnumber(L, du);
  lua_pushnumber(L, d2u);
  return 3;
}

static int p_cutoff(lua_State *L)
{
  vt_potential *p = vtl_checkpotential(L, 1);
  double si = luaL_optnumber(L, 2, 1.0), sj = luaL_optnumber(L, 3, si);
  lua_Integer ti = luaL_optinteger(L, 4, 1), tj = luaL_optinteger(L, 5, ti);
  lua_pushnumber(L, vt_potential_cutoff(p, si, sj, (int)ti, (int)tj));
  return 1;
}

/* p:dsigma(r, si, sj [, ti, tj]) -> du/dsi, dw/dsi (w = r du/dr) */
static int p_dsigma(lua_State *L)
{
  vt_potential *p = vtl_checkpotential(L, 1);
  double r = luaL_checknumber(L, 2), si = luaL_optnumber(L, 3, 1.0), sj = luaL_optnumber(L, 4, si);
  lua_Integer ti = luaL_optinteger(L, 5, 1), tj = luaL_optinteger(L, 6, ti);
  vtl_check(L, vt_potential_need_pairwise(p, "p:dsigma"));
  double a, b;
  vt_potential_dsigma(p, r, si, sj, (int)ti, (int)tj, &a, &b);
  lua_pushnumber(L, a);
  lua_pushnumber(L, b);
  return 2;
}

static int p_index(lua_State *L)
{
  vt_potential *p = vtl_checkpotential(L, 1);
  const char *k = luaL_checkstring(L, 2);
  if (strcmp(k, "name") == 0) { lua_pushstring(L, p->type->name); return 1; }
  if (strcmp(k, "kind") == 0) { lua_pushstring(L, vt_potential_is_pairwise(p) ? "pairwise" : "many-body"); return 1; }
  luaL_getmetafield(L, 1, "methods");
  lua_getfield(L, -1, k);
  return 1;
}

int vtl_open_potential(lua_State *L)
{
  static const luaL_Reg meta[] = {
    {"__index", p_index}, {"__gc", p_gc}, {"__close", p_gc}, {"__tostring", p_tostring}, {NULL, NULL}
  };
  static const luaL_Reg methods[] = {
    {"pair", p_pair}, {"cutoff", p_cutoff}, {"dsigma", p_dsigma}, {NULL, NULL}
  };
  vtl_newclass(L, VTL_POTENTIAL, meta, methods);
  lua_newtable(L);                                   /* vt, potential */
  for (int k = 0; vt_potential_types[k]; k++) {
    lua_pushstring(L, vt_potential_types[k]->name);
    lua_pushcclosure(L, l_create, 1);
    lua_setfield(L, -2, vt_potential_types[k]->name);
  }
  lua_setfield(L, -2, "potential");
  return 0;
}
