/* vt.voronoi: Voronoi / radical tessellation of a system (see
 * analysis/voronoi.h).
 *
 *   v = vt.voronoi(s, { radical = false, joggle = false })
 *   v.volume        array n: cell volumes
 *   v.index         array n x 4: faces with 3, 4, 5, 6 edges (n3 n4 n5 n6)
 *   v.index_full    array n x 12: faces with 3, 4, ..., 13 edges, then >= 14
 *   v.nfaces        array n: faces per cell
 *   v.icosahedral   array n: 1 where the cell is <0,0,12,0> with no other face
 *   v.phi           array n: (pi sigma^3 / 6) / V_i (radii sigma/2)
 *   v.area          array n: cell surface areas
 *   v.neighbors(i)  Lua list of the distinct face neighbours of particle i (ascending)
 *   v.faces(i)      list of {neighbor=, edges=, area=}, one per face of cell i
 *   v.neighbor_list, v.neighbor_start: all neighbour lists at once, 1-based:
 *                   neighbours of i are neighbor_list[neighbor_start[i] .. neighbor_start[i+1]-1]
 *   v.radical (boolean), v.n, v.margin (image shell width used),
 *   v.joggled (qhull ran on joggled input: asked for with joggle=true, or
 *   needed because nearly cospherical sites defeated its merging)
 */
#include "lua/lvitrum.h"
#include <stdlib.h>

#define VTL_VORONOI "vt.voronoi.result"

typedef struct { vt_voronoi *v; } l_voronoi;

static int v_gc(lua_State *L)
{
  l_voronoi *u = luaL_checkudata(L, 1, VTL_VORONOI);
  vt_voronoi_free(u->v);
  u->v = NULL;
  return 0;
}

/* the tessellation held by upvalue 1; i = argument 1 (1-based) -> 0-based */
static const vt_voronoi *upv(lua_State *L, size_t *i)
{
  l_voronoi *u = luaL_checkudata(L, lua_upvalueindex(1), VTL_VORONOI);
  if (!u->v) luaL_error(L, "vt.voronoi: the tessellation has been freed");
  lua_Integer k = luaL_checkinteger(L, 1);
  if (k < 1 || (size_t)k > u->v->n) luaL_argerror(L, 1, lua_pushfstring(L, "particle %d out of range 1..%d", (int)k, (int)u->v->n));
  *i = (size_t)k - 1;
  return u->v;
}

static int v_neighbors(lua_State *L)
{
  size_t i;
  const vt_voronoi *v = upv(L, &i);
  lua_createtable(L, (int)(v->start[i + 1] - v->start[i]), 0);
  lua_Integer m = 0;
  for (size_t f = v->start[i]; f < v->start[i + 1]; f++) {
    if (f > v->start[i] && v->neighbor[f] == v->neighbor[f - 1]) continue;
    lua_pushinteger(L, (lua_Integer)v->neighbor[f] + 1);
    lua_rawseti(L, -2, ++m);
  }
  return 1;
}

static int v_faces(lua_State *L)
{
  size_t i;
  const vt_voronoi *v = upv(L, &i);
  lua_createtable(L, (int)(v->start[i + 1] - v->start[i]), 0);
  for (size_t f = v->start[i]; f < v->start[i + 1]; f++) {
    lua_createtable(L, 0, 3);
    lua_pushinteger(L, (lua_Integer)v->neighbor[f] + 1);
    lua_setfield(L, -2, "neighbor");
    lua_pushinteger(L, v->edges[f]);
    lua_setfield(L, -2, "edges");
    lua_pushnumber(L, v->face_area[f]);
    lua_setfield(L, -2, "area");
    lua_rawseti(L, -2, (lua_Integer)(f - v->start[i]) + 1);
  }
  return 1;
}

/* a new n x k array (k = 0: vector) stored as field `name` of the table on
 * top; returned for filling (the table keeps it alive) */
static vt_array *new_field(lua_State *L, const char *name, size_t n, size_t k)
{
  vt_array *a = vt_array_alloc(n, k);
  vtl_pusharray(L, a); /* raises on NULL */
  lua_setfield(L, -2, name);
  return a;
}

static void set_vec(lua_State *L, const char *name, size_t n, const double *d)
{
  vt_array *a = new_field(L, name, n, 0);
  for (size_t i = 0; i < n; i++) a->data[i] = d[i];
}

/* vt.voronoi(s, {radical=false, joggle=false}) */
static int l_voronoi_new(lua_State *L)
{
  static const char *const known[] = {"radical", "joggle", NULL};
  vt_system *s = vtl_checksystem(L, 1);
  unsigned flags = 0;
  if (!lua_isnoneornil(L, 2)) {
    vtl_checkopts(L, 2, "vt.voronoi", known);
    if (vtl_optboolean_field(L, 2, "radical", 0)) flags |= VT_VORONOI_RADICAL;
    if (vtl_optboolean_field(L, 2, "joggle", 0)) flags |= VT_VORONOI_JOGGLE;
  }
  /* the holder owns the result from the start, so errors below cannot leak it */
  l_voronoi *u = lua_newuserdatauv(L, sizeof *u, 0);
  u->v = NULL;
  luaL_setmetatable(L, VTL_VORONOI);
  int holder = lua_gettop(L);
  vtl_check(L, vt_voronoi_compute(s, flags, &u->v));
  const vt_voronoi *v = u->v;
  size_t n = v->n;

  lua_createtable(L, 0, 16);
  set_vec(L, "volume", n, v->volume);
  set_vec(L, "phi", n, v->phi);
  set_vec(L, "area", n, v->area);

  vt_array *a = new_field(L, "index", n, 4);
  vt_array *full = new_field(L, "index_full", n, VT_VORONOI_NIDX);
  vt_array *ico = new_field(L, "icosahedral", n, 0);
  vt_array *nf = new_field(L, "nfaces", n, 0);
  for (size_t i = 0; i < n; i++) {
    const int *x = v->index + i * VT_VORONOI_NIDX;
    for (int k = 0; k < 4; k++) a->data[4 * i + k] = x[k];
    for (int k = 0; k < VT_VORONOI_NIDX; k++) full->data[VT_VORONOI_NIDX * i + k] = x[k];
    ico->data[i] = v->icosahedral[i];
    nf->data[i] = v->nfaces[i];
  }

  /* flat distinct-neighbour lists, 1-based (faces are sorted by neighbour) */
  vt_array *start = new_field(L, "neighbor_start", n + 1, 0);
  size_t m = 0;
  for (size_t i = 0; i < n; i++) {
    start->data[i] = (double)m + 1;
    for (size_t f = v->start[i]; f < v->start[i + 1]; f++) m += !(f > v->start[i] && v->neighbor[f] == v->neighbor[f - 1]);
  }
  start->data[n] = (double)m + 1;
  vt_array *list = new_field(L, "neighbor_list", m, 0);
  m = 0;
  for (size_t i = 0; i < n; i++)
    for (size_t f = v->start[i]; f < v->start[i + 1]; f++)
      if (!(f > v->start[i] && v->neighbor[f] == v->neighbor[f - 1])) list->data[m++] = (double)v->neighbor[f] + 1;

  lua_pushvalue(L, holder);
  lua_pushcclosure(L, v_neighbors, 1);
  lua_setfield(L, -2, "neighbors");
  lua_pushvalue(L, holder);
  lua_pushcclosure(L, v_faces, 1);
  lua_setfield(L, -2, "faces");
  lua_pushboolean(L, v->radical);
  lua_setfield(L, -2, "radical");
  lua_pushinteger(L, (lua_Integer)n);
  lua_setfield(L, -2, "n");
  lua_pushnumber(L, v->margin);
  lua_setfield(L, -2, "margin");
  lua_pushboolean(L, v->joggled);
  lua_setfield(L, -2, "joggled");
  return 1;
}

int vtl_open_voronoi(lua_State *L)
{
  static const luaL_Reg meta[] = {{"__gc", v_gc}, {NULL, NULL}};
  luaL_newmetatable(L, VTL_VORONOI);
  luaL_setfuncs(L, meta, 0);
  lua_pop(L, 1);
  lua_pushcfunction(L, l_voronoi_new);
  lua_setfield(L, -2, "voronoi");
  /* also vt.analysis.voronoi, next to the other analysis functions */
  luaL_getsubtable(L, -1, "analysis");                 /* vt, vt.analysis (created if absent) */
  lua_pushcfunction(L, l_voronoi_new);
  lua_setfield(L, -2, "voronoi");
  lua_pop(L, 1);
  return 0;
}
