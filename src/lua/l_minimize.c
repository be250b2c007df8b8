/* vt.fire{...}, vt.cg{...}, vt.steepest{...}, vt.newton{...}, vt.lbfgs{...},
 * vt.minimizer(name, {...}):
 * energy minimizers as Lua userdata (see minimize/minimize.h).
 *
 *   m = vt.fire{ ftol=1e-10, max_steps=1000000, variant="fire2"|"fire", dt=0.005, ... }
 *   r = m:minimize(s)   -> { converged=, steps=, energy=, fmax=, fnorm=, force_evals=, status= }
 *   m:set(s); repeat local st = m:iterate() until st ~= "continue"
 *   m.fmax  m.energy  m.steps  m.dt  m.alpha ...   m.dt = 0.01
 *
 * Non-convergence is a result (converged=false, status "max_steps", ...),
 * divergence too (status "diverged", with r.message and m.message saying
 * why); misuse, a non-finite start and interruption raise. The minimizer keeps the
 * system it was set on alive (uservalue 1). */
#include "lua/lvitrum.h"
#include <string.h>

#define VTL_MINIMIZER "vt.minimizer"

typedef struct { vt_minimizer *m; } l_min;

static l_min *checkmin(lua_State *L, int idx)
{
  l_min *u = luaL_checkudata(L, idx, VTL_MINIMIZER);
  if (!u->m) luaL_argerror(L, idx, "minimizer has been closed");
  return u;
}

/* For the other binding files (lvitrum.h). */
vt_minimizer *vtl_checkminimizer(lua_State *L, int idx) { return checkmin(L, idx)->m; }

/* The Lua value at idx as a named parameter; strings stay anchored by the
 * caller's table. */
static void toparam(lua_State *L, int idx, const char *key, const char *fname, vt_param *p)
{
  memset(p, 0, sizeof *p);
  p->key = key;
  switch (lua_type(L, idx)) {
  case LUA_TNUMBER: p->kind = VT_PARAM_NUMBER; p->num = lua_tonumber(L, idx); break;
  case LUA_TBOOLEAN: p->kind = VT_PARAM_NUMBER; p->num = lua_toboolean(L, idx) ? 1.0 : 0.0; break;
  case LUA_TSTRING: p->kind = VT_PARAM_STRING; p->str = lua_tostring(L, idx); break;
  default:
    luaL_error(L, "%s: argument '%s' must be a number, boolean or string (got %s)", fname, key, luaL_typename(L, idx));
  }
}

/* Build a minimizer of type T from the options table at idx (may be absent),
 * skipping the key `skip` (the variant selector); push it. */
static int push_new(lua_State *L, const vt_minimizer_type *T, int idx, const char *fname, const char *skip)
{
  size_t n = 0;
  if (!lua_isnoneornil(L, idx)) {
    luaL_checktype(L, idx, LUA_TTABLE);
    lua_pushnil(L);
    while (lua_next(L, idx)) { n++; lua_pop(L, 1); }
  }
  vt_param *ps = lua_newuserdatauv(L, (n ? n : 1) * sizeof *ps, 0);   /* ..., params (freed by the GC) */
  size_t k = 0;
  if (n) {
    lua_pushnil(L);
    while (lua_next(L, idx)) {                        /* ..., params, key, value */
      if (lua_type(L, -2) != LUA_TSTRING) return luaL_error(L, "%s: named arguments only", fname);
      const char *key = lua_tostring(L, -2);
      if (!(skip && strcmp(key, skip) == 0)) toparam(L, -1, key, fname, &ps[k++]);
      lua_pop(L, 1);
    }
  }
  vt_params in = {k, ps};
  l_min *u = lua_newuserdatauv(L, sizeof *u, 1);     /* ..., params, m */
  u->m = NULL;
  luaL_setmetatable(L, VTL_MINIMIZER);
  int rc = vt_minimizer_alloc(T, &in, &u->m);
  if (rc) return luaL_error(L, "%s: %s", fname, vt_errmsg());
  return 1;
}

/* vt.fire{ variant="fire2" (default) | "fire", ... } */
static int l_fire(lua_State *L)
{
  const char *variant = "fire2";
  if (!lua_isnoneornil(L, 1)) {
    luaL_checktype(L, 1, LUA_TTABLE);
    variant = vtl_optstring_field(L, 1, "variant", "fire2");
  }
  const vt_minimizer_type *T;
  if (strcmp(variant, "fire2") == 0) T = vt_minimizer_fire2;
  else if (strcmp(variant, "fire") == 0) T = vt_minimizer_fire;
  else return luaL_error(L, "vt.fire: variant '%s' unknown (known: fire2, fire)", variant);
  return push_new(L, T, 1, "vt.fire", "variant");
}

static int l_cg(lua_State *L) { return push_new(L, vt_minimizer_cg, 1, "vt.cg", NULL); }
static int l_steepest(lua_State *L) { return push_new(L, vt_minimizer_steepest, 1, "vt.steepest", NULL); }
static int l_newton(lua_State *L) { return push_new(L, vt_minimizer_newton, 1, "vt.newton", NULL); }
static int l_lbfgs(lua_State *L) { return push_new(L, vt_minimizer_lbfgs, 1, "vt.lbfgs", NULL); }

/* vt.minimizer("fire2" | "fire" | "cg" | "steepest" | "newton" | "lbfgs", {...}) */
static int l_minimizer(lua_State *L)
{
  const char *name = luaL_checkstring(L, 1);
  const vt_minimizer_type *T = vt_minimizer_type_find(name);
  if (!T) return luaL_error(L, "vt.minimizer: unknown minimizer '%s' (known: fire2, fire, cg, steepest, newton, lbfgs)", name);
  return push_new(L, T, 2, "vt.minimizer", NULL);
}

/* The system the minimizer was set on (raises if it was closed since). */
static vt_minimizer *with_system(lua_State *L, int idx)
{
  l_min *u = checkmin(L, idx);
  if (!u->m->s) luaL_error(L, "%s: no system (call set(s) or minimize(s) first)", u->m->type->name);
  lua_getiuservalue(L, idx, 1);                      /* ..., s */
  vt_system *s = vtl_checksystem(L, -1);
  lua_pop(L, 1);
  if (s != u->m->s) luaL_error(L, "%s: the system changed identity; set it again", u->m->type->name);
  return u->m;
}

static int raise(lua_State *L, int rc, const char *what)
{
  if (rc == VT_EINTR) lua_sethook(L, NULL, 0, 0);  /* the program's Ctrl-C hook has done its job */
  return luaL_error(L, "%s: %s", what, vt_errmsg());
}

static void push_result(lua_State *L, const vt_minimize_result *r)
{
  lua_createtable(L, 0, 7);
  lua_pushboolean(L, r->converged); lua_setfield(L, -2, "converged");
  lua_pushinteger(L, r->steps); lua_setfield(L, -2, "steps");
  lua_pushnumber(L, r->energy); lua_setfield(L, -2, "energy");
  lua_pushnumber(L, r->fmax); lua_setfield(L, -2, "fmax");
  lua_pushnumber(L, r->fnorm); lua_setfield(L, -2, "fnorm");
  lua_pushinteger(L, r->force_evals); lua_setfield(L, -2, "force_evals");
  lua_pushstring(L, vt_minimizer_status_name(r->status)); lua_setfield(L, -2, "status");
  if (r->message) { lua_pushstring(L, r->message); lua_setfield(L, -2, "message"); }
}

/* m:set(s) -> m */
static int m_set(lua_State *L)
{
  l_min *u = checkmin(L, 1);
  vt_system *s = vtl_checksystem(L, 2);
  int rc = vt_minimizer_set(u->m, s);
  lua_pushvalue(L, 2);
  lua_setiuservalue(L, 1, 1);                        /* anchor s (even after a failed set: harmless) */
  if (rc) return raise(L, rc, "set");
  lua_settop(L, 1);
  return 1;
}

/* m:iterate() -> "continue" | "ftol" | "etol" | "stuck" | "diverged" */
static int m_iterate(lua_State *L)
{
  vt_minimizer *m = with_system(L, 1);
  int st = vt_minimizer_iterate(m);
  if (st < 0) return raise(L, st, "iterate");
  lua_pushstring(L, vt_minimizer_status_name(st));
  return 1;
}

static int m_restart(lua_State *L)
{
  vt_minimizer *m = with_system(L, 1);
  int rc = vt_minimizer_restart(m);
  if (rc) return raise(L, rc, "restart");
  return 0;
}

/* m:minimize([s]) -> result table */
static int m_minimize(lua_State *L)
{
  l_min *u = checkmin(L, 1);
  vt_system *s;
  if (lua_isnoneornil(L, 2)) {
    s = with_system(L, 1)->s;
  } else {
    s = vtl_checksystem(L, 2);
    lua_pushvalue(L, 2);
    lua_setiuservalue(L, 1, 1);
  }
  vt_minimize_result r;
  int rc = vt_minimizer_minimize(u->m, s, &r);
  if (rc) return raise(L, rc, "minimize");
  push_result(L, &r);
  return 1;
}

/* m:result() -> result table for the current point */
static int m_result(lua_State *L)
{
  vt_minimizer *m = with_system(L, 1);
  vt_minimize_result r;
  vt_minimizer_result(m, &r);
  push_result(L, &r);
  return 1;
}

static int m_gc(lua_State *L)
{
  l_min *u = luaL_checkudata(L, 1, VTL_MINIMIZER);
  vt_minimizer_free(u->m);
  u->m = NULL;
  return 0;
}

static int m_tostring(lua_State *L)
{
  l_min *u = luaL_checkudata(L, 1, VTL_MINIMIZER);
  if (!u->m) { lua_pushliteral(L, "vt.minimizer (closed)"); return 1; }
  vt_minimizer *m = u->m;
  lua_pushfstring(L, "vt.minimizer %s (ftol=%f, norm=%s, max_steps=%I)%s", m->type->name, m->ftol,
                  m->norm == VT_NORM_TWO ? "two" : "max", (lua_Integer)m->max_steps,
                  m->s ? "" : ", no system set");
  return 1;
}

static int m_index(lua_State *L)
{
  l_min *u = checkmin(L, 1);
  vt_minimizer *m = u->m;
  const char *k = luaL_checkstring(L, 2);
  if (strcmp(k, "name") == 0) { lua_pushstring(L, m->type->name); return 1; }
  if (strcmp(k, "norm") == 0) { lua_pushstring(L, m->norm == VT_NORM_TWO ? "two" : "max"); return 1; }
  if (strcmp(k, "system") == 0) { lua_getiuservalue(L, 1, 1); return 1; }
  if (strcmp(k, "steps") == 0) { lua_pushinteger(L, m->steps); return 1; }
  if (strcmp(k, "force_evals") == 0) { lua_pushinteger(L, m->force_evals); return 1; }
  if (strcmp(k, "message") == 0) {
    if (m->status == VT_MIN_DIVERGED) lua_pushstring(L, m->message);
    else lua_pushnil(L);
    return 1;
  }
  int point = strcmp(k, "energy") == 0 || strcmp(k, "fmax") == 0 || strcmp(k, "fnorm") == 0 ||
              strcmp(k, "converged") == 0 || strcmp(k, "status") == 0;
  if (point) {
    if (!m->s) { lua_pushnil(L); return 1; }
    with_system(L, 1);
    if (k[0] == 'e') lua_pushnumber(L, m->energy);
    else if (strcmp(k, "fmax") == 0) lua_pushnumber(L, m->fmax);
    else if (strcmp(k, "fnorm") == 0) lua_pushnumber(L, m->fnorm);
    else if (k[0] == 'c') lua_pushboolean(L, vt_minimizer_test(m) != VT_MIN_CONTINUE);
    else lua_pushstring(L, vt_minimizer_status_name(m->status));
    return 1;
  }
  double v;
  if (vt_minimizer_get(m, k, &v) == 0) {
    if (v == (lua_Integer)v && (strcmp(k, "max_steps") == 0 || strcmp(k, "max_evals") == 0 ||
                                strcmp(k, "delaystep") == 0 || strcmp(k, "vdfmax") == 0 ||
                                strcmp(k, "ls_evals") == 0 || strcmp(k, "restart_every") == 0))
      lua_pushinteger(L, (lua_Integer)v);
    else if (strcmp(k, "halfstepback") == 0 || strcmp(k, "initialdelay") == 0 || strcmp(k, "masses") == 0 ||
             strcmp(k, "powell") == 0 || strcmp(k, "progress") == 0)
      lua_pushboolean(L, v != 0.0);
    else
      lua_pushnumber(L, v);
    return 1;
  }
  vt_error_clear();
  luaL_getmetafield(L, 1, "methods");
  lua_getfield(L, -1, k);
  return 1;
}

/* m.dt = 0.01, m.ftol = 1e-12, m.norm = "two", ... */
static int m_newindex(lua_State *L)
{
  l_min *u = checkmin(L, 1);
  const char *k = luaL_checkstring(L, 2);
  vt_param p;
  toparam(L, 3, k, u->m->type->name, &p);
  if (vt_minimizer_set_param(u->m, &p)) return luaL_error(L, "%s", vt_errmsg());
  return 0;
}

int vtl_open_minimize(lua_State *L)
{
  static const luaL_Reg meta[] = {
    {"__index", m_index}, {"__newindex", m_newindex}, {"__gc", m_gc}, {"__close", m_gc},
    {"__tostring", m_tostring}, {NULL, NULL}
  };
  static const luaL_Reg methods[] = {
    {"set", m_set}, {"iterate", m_iterate}, {"restart", m_restart}, {"minimize", m_minimize},
    {"result", m_result}, {NULL, NULL}
  };
  vtl_newclass(L, VTL_MINIMIZER, meta, methods);
  static const luaL_Reg ctors[] = {
    {"fire", l_fire}, {"cg", l_cg}, {"steepest", l_steepest}, {"newton", l_newton}, {"lbfgs", l_lbfgs},
    {"minimizer", l_minimizer}, {NULL, NULL}
  };
  luaL_setfuncs(L, ctors, 0);                        /* vt */
  return 0;
}
