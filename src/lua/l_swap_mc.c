/* vt.swap_mc: swap Monte Carlo as Lua userdata (see dynamics/swap_mc.h).
 *
 *   mc = vt.swap_mc{ system=s, T=0.3, swap_fraction=0.2, seed=1, delta=0.1, target=0.4 }
 *   mc = vt.swap_mc{ restart="run.vtc" }          -- resume from a checkpoint; mc.system
 *   r = mc:run{ sweeps=, adapt=false, every=, observe=function(sweep, s, mc) end,
 *               checkpoint={ file=, every= } | "file" }
 *       -> { sweeps=, stopped=, delta=, adapted=, energy=,
 *            acceptance={ displacement=, swap= } }      -- of this run
 *   mc:acceptance() -> { displacement=, swap= }          -- since creation
 *   mc:checkpoint(file)
 *   mc.T (settable)  mc.delta (settable)  mc.energy  mc.sweeps  mc.swap_fraction
 *   mc.seed  mc.system  mc.moves  mc.adapted_sweeps
 *
 * The observer is called from the C loop through lua_pcall; a Lua error
 * there stops the loop at a clean point and is raised again here. */
#include "lua/lvitrum.h"
#include <string.h>

#define VTL_SWAP "vt.swap_mc"

typedef struct { vt_swap_mc *mc; } l_swap;

static l_swap *checkswap(lua_State *L, int idx)
{
  l_swap *u = luaL_checkudata(L, idx, VTL_SWAP);
  if (!u->mc) luaL_argerror(L, idx, "swap_mc has been closed");
  return u;
}

/* The object's system, re-checked (it must not have been closed) and re-linked. */
static vt_swap_mc *with_system(lua_State *L, int idx)
{
  l_swap *u = checkswap(L, idx);
  lua_getiuservalue(L, idx, 1);
  u->mc->s = vtl_checksystem(L, -1);
  lua_pop(L, 1);
  return u->mc;
}

static int swap_new(lua_State *L)
{
  static const char *const known[] = {"system", "T", "swap_fraction", "seed", "delta", "target", "restart", NULL};
  vtl_checkopts(L, 1, "vt.swap_mc", known);
  const char *restart = vtl_optstring_field(L, 1, "restart", NULL);
  if (restart) {
    for (int k = 0; known[k + 1]; k++) {
      lua_getfield(L, 1, known[k]);
      if (!lua_isnil(L, -1))
        return luaL_error(L, "vt.swap_mc: restart= restores everything; '%s' cannot be given with it", known[k]);
      lua_pop(L, 1);
    }
    l_swap *u = lua_newuserdatauv(L, sizeof *u, 1);
    u->mc = NULL;
    luaL_setmetatable(L, VTL_SWAP);
    vt_system **ps = vtl_pushsystem(L, NULL);
    vt_swap_mc *mc;
    vtl_check(L, vt_swap_mc_restore(restart, &mc, ps));
    u->mc = mc;
    lua_setiuservalue(L, -2, 1);
    return 1;
  }
  lua_getfield(L, 1, "system");
  if (lua_isnil(L, -1)) return luaL_error(L, "vt.swap_mc: system= is required (or restart=)");
  vt_system *s = vtl_checksystem(L, -1);
  int sidx = lua_gettop(L);
  lua_getfield(L, 1, "T");
  if (lua_isnil(L, -1)) return luaL_error(L, "vt.swap_mc: T= is required");
  lua_pop(L, 1);
  vt_swap_mc_params p;
  vt_swap_mc_params_default(&p);
  p.T = vtl_optnumber_field(L, 1, "T", p.T);
  p.swap_fraction = vtl_optnumber_field(L, 1, "swap_fraction", p.swap_fraction);
  p.delta = vtl_optnumber_field(L, 1, "delta", p.delta);
  p.target = vtl_optnumber_field(L, 1, "target", p.target);
  lua_Integer seed = vtl_optinteger_field(L, 1, "seed", (lua_Integer)p.seed);
  if (seed < 0) return luaL_error(L, "vt.swap_mc: seed must be non-negative (got %I)", seed);
  p.seed = (unsigned long)seed;
  l_swap *u = lua_newuserdatauv(L, sizeof *u, 1);
  u->mc = NULL;
  luaL_setmetatable(L, VTL_SWAP);
  vtl_check(L, vt_swap_mc_alloc(s, &p, &u->mc));
  lua_pushvalue(L, sidx);
  lua_setiuservalue(L, -2, 1);
  return 1;
}

static int swap_gc(lua_State *L)
{
  l_swap *u = luaL_checkudata(L, 1, VTL_SWAP);
  vt_swap_mc_free(u->mc);
  u->mc = NULL;
  return 0;
}

static int swap_tostring(lua_State *L)
{
  l_swap *u = luaL_checkudata(L, 1, VTL_SWAP);
  if (!u->mc) { lua_pushliteral(L, "vt.swap_mc (closed)"); return 1; }
  lua_pushfstring(L, "vt.swap_mc: T %f, swap fraction %f, delta %f, sweep %I", u->mc->par.T, u->mc->par.swap_fraction,
                  u->mc->delta, (lua_Integer)u->mc->sweeps);
  return 1;
}

typedef struct {
  lua_State *L;
  int observe, sys, self, err;
} run_ctx;

static int call_observe(vt_swap_mc *mc, long sweep, void *arg)
{
  (void)mc;
  run_ctx *c = arg;
  lua_State *L = c->L;
  lua_pushvalue(L, c->observe);
  lua_pushinteger(L, sweep);
  lua_pushvalue(L, c->sys);
  lua_pushvalue(L, c->self);
  if (lua_pcall(L, 3, 1, 0) != LUA_OK) {
    if (vt_interrupted()) { lua_pop(L, 1); return VT_EINTR; }
    lua_replace(L, c->err);
    return vt_error(VT_EINVAL, "observe failed");
  }
  int stop = lua_isboolean(L, -1) && !lua_toboolean(L, -1);
  lua_pop(L, 1);
  return stop;
}

static void push_ratio(lua_State *L, long acc, long tried, const char *key)
{
  if (tried > 0) lua_pushnumber(L, (double)acc / (double)tried);
  else lua_pushnil(L);
  lua_setfield(L, -2, key);
}

static int swap_run(lua_State *L)
{
  static const char *const known[] = {"sweeps", "adapt", "every", "observe", "observers", "checkpoint", NULL};
  vt_swap_mc *mc = with_system(L, 1);
  vtl_checkopts(L, 2, "swap_mc:run", known);
  lua_settop(L, 2);
  lua_getfield(L, 2, "observers");
  if (!lua_isnil(L, -1))
    return luaL_error(L, "swap_mc:run: observers= (the C observer objects of md:run) are not supported by swap Monte Carlo yet; "
                         "use observe=function(sweep, s, mc) end");
  lua_pop(L, 1);
  run_ctx c = {L, 0, 0, 1, 0};
  lua_getiuservalue(L, 1, 1);
  c.sys = lua_gettop(L);
  lua_pushnil(L);
  c.err = lua_gettop(L);
  vt_swap_mc_run_opts o;
  memset(&o, 0, sizeof o);
  lua_getfield(L, 2, "sweeps");
  if (lua_isnil(L, -1)) return luaL_error(L, "swap_mc:run: sweeps= is required");
  lua_pop(L, 1);
  lua_Integer sweeps = vtl_optinteger_field(L, 2, "sweeps", 0);
  if (sweeps < 0) return luaL_error(L, "swap_mc:run: sweeps must be non-negative (got %I)", sweeps);
  o.sweeps = (long)sweeps;
  o.adapt = vtl_optboolean_field(L, 2, "adapt", 0);
  lua_getfield(L, 2, "observe");
  if (!lua_isnil(L, -1)) {
    luaL_argexpected(L, lua_isfunction(L, -1), 2, "observe= must be a function");
    c.observe = lua_gettop(L);
    o.observe = call_observe;
    o.arg = &c;
    lua_Integer every = vtl_optinteger_field(L, 2, "every", 1);
    if (every < 1) return luaL_error(L, "swap_mc:run: every must be a positive integer (got %I)", every);
    o.every = (long)every;
  } else {
    lua_pop(L, 1);
  }
  lua_getfield(L, 2, "checkpoint");
  if (lua_isstring(L, -1)) {
    o.checkpoint = lua_tostring(L, -1);
  } else if (lua_istable(L, -1)) {
    static const char *const ck[] = {"file", "every", NULL};
    vtl_checkopts(L, -1, "swap_mc:run checkpoint", ck);
    o.checkpoint = vtl_optstring_field(L, -1, "file", NULL);
    if (!o.checkpoint) return luaL_error(L, "swap_mc:run: checkpoint needs file=");
    lua_Integer ce = vtl_optinteger_field(L, -1, "every", 0);
    if (ce < 0) return luaL_error(L, "swap_mc:run: checkpoint every must be non-negative");
    o.checkpoint_every = (long)ce;
  } else if (!lua_isnil(L, -1)) {
    return luaL_error(L, "swap_mc:run: checkpoint must be a file name or {file=, every=}");
  }
  long dt = mc->disp_tried, da = mc->disp_accepted, st = mc->swap_tried, sa = mc->swap_accepted;
  int rc = vt_swap_mc_run(mc, &o);
  if (rc < 0) {
    if (!lua_isnil(L, c.err)) {
      lua_pushvalue(L, c.err);
      return lua_error(L);
    }
    if (rc == VT_EINTR) lua_sethook(L, NULL, 0, 0);
    return luaL_error(L, "swap_mc:run: %s", vt_errmsg());
  }
  lua_createtable(L, 0, 6);
  lua_pushinteger(L, o.done);
  lua_setfield(L, -2, "sweeps");
  lua_pushboolean(L, o.stopped);
  lua_setfield(L, -2, "stopped");
  lua_pushnumber(L, mc->delta);
  lua_setfield(L, -2, "delta");
  lua_pushboolean(L, o.adapt);
  lua_setfield(L, -2, "adapted");
  lua_pushnumber(L, mc->energy);
  lua_setfield(L, -2, "energy");
  lua_createtable(L, 0, 2);
  push_ratio(L, mc->disp_accepted - da, mc->disp_tried - dt, "displacement");
  push_ratio(L, mc->swap_accepted - sa, mc->swap_tried - st, "swap");
  lua_setfield(L, -2, "acceptance");
  return 1;
}

static int swap_acceptance(lua_State *L)
{
  vt_swap_mc *mc = checkswap(L, 1)->mc;
  lua_createtable(L, 0, 2);
  push_ratio(L, mc->disp_accepted, mc->disp_tried, "displacement");
  push_ratio(L, mc->swap_accepted, mc->swap_tried, "swap");
  return 1;
}

static int swap_checkpoint(lua_State *L)
{
  vt_swap_mc *mc = with_system(L, 1);
  vtl_check(L, vt_swap_mc_checkpoint(mc, luaL_checkstring(L, 2)));
  return 0;
}

static int swap_index(lua_State *L)
{
  vt_swap_mc *mc = checkswap(L, 1)->mc;
  const char *k = luaL_checkstring(L, 2);
  if (strcmp(k, "T") == 0) { lua_pushnumber(L, mc->par.T); return 1; }
  if (strcmp(k, "delta") == 0) { lua_pushnumber(L, mc->delta); return 1; }
  if (strcmp(k, "energy") == 0) {
    /* the running energy of the chain; after outside changes, of the new state */
    double e;
    vtl_check(L, vt_swap_mc_energy(with_system(L, 1), &e));
    lua_pushnumber(L, e);
    return 1;
  }
  if (strcmp(k, "sweeps") == 0) { lua_pushinteger(L, mc->sweeps); return 1; }
  if (strcmp(k, "adapted_sweeps") == 0) { lua_pushinteger(L, mc->adapt_sweeps); return 1; }
  if (strcmp(k, "moves") == 0) { lua_pushinteger(L, mc->disp_tried + mc->swap_tried); return 1; }
  if (strcmp(k, "swap_fraction") == 0) { lua_pushnumber(L, mc->par.swap_fraction); return 1; }
  if (strcmp(k, "seed") == 0) { lua_pushinteger(L, (lua_Integer)mc->par.seed); return 1; }
  if (strcmp(k, "system") == 0) { lua_getiuservalue(L, 1, 1); return 1; }
  luaL_getmetafield(L, 1, "methods");
  lua_getfield(L, -1, k);
  return 1;
}

static int swap_newindex(lua_State *L)
{
  vt_swap_mc *mc = checkswap(L, 1)->mc;
  const char *k = luaL_checkstring(L, 2);
  if (strcmp(k, "T") == 0) { vtl_check(L, vt_swap_mc_set_T(mc, luaL_checknumber(L, 3))); return 0; }
  if (strcmp(k, "delta") == 0) { vtl_check(L, vt_swap_mc_set_delta(mc, luaL_checknumber(L, 3))); return 0; }
  return luaL_error(L, "vt.swap_mc: field '%s' cannot be set", k);
}

int vtl_open_swap_mc(lua_State *L)
{
  static const luaL_Reg meta[] = {
    {"__index", swap_index}, {"__newindex", swap_newindex}, {"__gc", swap_gc}, {"__close", swap_gc},
    {"__tostring", swap_tostring}, {NULL, NULL}
  };
  static const luaL_Reg methods[] = {
    {"run", swap_run}, {"acceptance", swap_acceptance}, {"checkpoint", swap_checkpoint}, {NULL, NULL}
  };
  vtl_newclass(L, VTL_SWAP, meta, methods);
  lua_pushcfunction(L, swap_new);
  lua_setfield(L, -2, "swap_mc");
  return 0;
}
