/* vt.md: molecular dynamics as Lua userdata (see dynamics/md.h).
 *
 *   md = vt.md{ system=s, dt=0.005, thermostat="nose-hoover"|"none", T=1.0,
 *               tau=0.2, chain=3 }
 *   md = vt.md{ restart="run.vtc" }        -- resume from a checkpoint; md.system
 *   n, stopped = md:run{ steps=, T=number | {T1, T2} | {{step, T}, ...} | function(i, steps),
 *                        every=, observe=function(step, s, T) end, observers={o, ...},
 *                        checkpoint={ file=, every= } | "file", progress=true }
 *   md:conserved()  md:checkpoint(file)
 *   md.step  md.time  md.dt  md.T  md.system  md.thermostat  md.tau  md.chain  md.pending
 *
 * The observer and a function schedule are called from the C loop through
 * lua_pcall: a Lua error there (or Ctrl-C, which the program turns into a
 * Lua error at the next Lua instruction) stops the C loop at a clean point
 * and is raised again here once the loop has returned. */
#include "lua/lvitrum.h"
#include <stdlib.h>
#include <string.h>

#define VTL_MD "vt.md"

typedef struct { vt_md *md; } l_md;

static l_md *checkmd(lua_State *L, int idx)
{
  l_md *u = luaL_checkudata(L, idx, VTL_MD);
  if (!u->md) luaL_argerror(L, idx, "md has been closed");
  return u;
}

/* The md's system, re-checked (it must not have been closed) and re-linked. */
static vt_md *md_with_system(lua_State *L, int idx)
{
  l_md *u = checkmd(L, idx);
  lua_getiuservalue(L, idx, 1);
  u->md->s = vtl_checksystem(L, -1);
  lua_pop(L, 1);
  return u->md;
}

/* For the other binding files (lvitrum.h). */
vt_md *vtl_checkmd(lua_State *L, int idx) { return md_with_system(L, idx); }

static int md_new(lua_State *L)
{
  static const char *const known[] = {"system", "dt", "thermostat", "T", "tau", "chain", "restart", NULL};
  vtl_checkopts(L, 1, "vt.md", known);
  const char *restart = vtl_optstring_field(L, 1, "restart", NULL);
  if (restart) {
    static const char *const others[] = {"system", "dt", "thermostat", "T", "tau", "chain", NULL};
    for (int k = 0; others[k]; k++) {
      lua_getfield(L, 1, others[k]);
      if (!lua_isnil(L, -1)) return luaL_error(L, "vt.md: restart= restores everything; '%s' cannot be given with it", others[k]);
      lua_pop(L, 1);
    }
    l_md *u = lua_newuserdatauv(L, sizeof *u, 1);     /* md */
    u->md = NULL;
    luaL_setmetatable(L, VTL_MD);
    vt_system **ps = vtl_pushsystem(L, NULL);          /* md, s */
    vt_md *md;
    vtl_check(L, vt_md_restore(restart, &md, ps));
    u->md = md;
    lua_setiuservalue(L, -2, 1);                       /* md */
    return 1;
  }
  lua_getfield(L, 1, "system");
  if (lua_isnil(L, -1)) return luaL_error(L, "vt.md: system= is required (or restart=)");
  vt_system *s = vtl_checksystem(L, -1);
  int sidx = lua_gettop(L);
  double dt = vtl_optnumber_field(L, 1, "dt", 0.005);
  lua_getfield(L, 1, "T");
  int hasT = !lua_isnil(L, -1);
  lua_pop(L, 1);
  const char *thermo = vtl_optstring_field(L, 1, "thermostat", hasT ? "nose-hoover" : "none");
  const vt_integrator_type *type = vt_integrator_lookup(thermo);
  if (!type) return luaL_error(L, "vt.md: thermostat '%s' unknown (known: nose-hoover, none)", thermo);
  if (!type->thermostat) {
    static const char *const nh[] = {"T", "tau", "chain", NULL};
    for (int k = 0; nh[k]; k++) {
      lua_getfield(L, 1, nh[k]);
      if (!lua_isnil(L, -1)) return luaL_error(L, "vt.md: '%s' needs a thermostat (thermostat=\"nose-hoover\")", nh[k]);
      lua_pop(L, 1);
    }
  } else if (!hasT) {
    return luaL_error(L, "vt.md: thermostat '%s' needs T=", thermo);
  }
  double T = vtl_optnumber_field(L, 1, "T", 0.0);
  vt_integrator_params p;
  vt_integrator_params_default(&p);
  p.tau = vtl_optnumber_field(L, 1, "tau", p.tau);
  lua_Integer chain = vtl_optinteger_field(L, 1, "chain", p.chain);
  if (chain < 1 || chain > 64) return luaL_error(L, "vt.md: chain must be between 1 and 64 (got %d)", (int)chain);
  p.chain = (int)chain;
  l_md *u = lua_newuserdatauv(L, sizeof *u, 1);       /* ..., s, md */
  u->md = NULL;
  luaL_setmetatable(L, VTL_MD);
  vtl_check(L, vt_md_alloc(s, type, &p, dt, T, &u->md));
  lua_pushvalue(L, sidx);
  lua_setiuservalue(L, -2, 1);
  return 1;
}

static int md_gc(lua_State *L)
{
  l_md *u = luaL_checkudata(L, 1, VTL_MD);
  vt_md_free(u->md);
  u->md = NULL;
  return 0;
}

static int md_tostring(lua_State *L)
{
  l_md *u = luaL_checkudata(L, 1, VTL_MD);
  if (!u->md) { lua_pushliteral(L, "vt.md (closed)"); return 1; }
  vt_md *md = u->md;
  if (md->integ->type->thermostat)
    lua_pushfstring(L, "vt.md: %s (chain %d, tau %f), dt %f, T %f, step %I", md->integ->type->name,
                    md->integ->params.chain, md->integ->params.tau, md->dt, md->T, (lua_Integer)md->step);
  else
    lua_pushfstring(L, "vt.md: nve, dt %f, step %I", md->dt, (lua_Integer)md->step);
  return 1;
}

/* ---- run ---- */

typedef struct {
  lua_State *L;
  int observe, sched, sys, err;   /* stack slots */
} run_ctx;

/* A Lua error in a callback: keep the error object for md_run to raise;
 * Ctrl-C (the program's hook raised the error) becomes VT_EINTR. */
static int callback_failed(run_ctx *c, const char *what)
{
  if (vt_interrupted()) { lua_pop(c->L, 1); return VT_EINTR; }
  lua_replace(c->L, c->err);
  return vt_error(VT_EINVAL, "%s failed", what);
}

static int call_observe(vt_md *md, long step, double T, void *arg)
{
  (void)md;
  run_ctx *c = arg;
  lua_State *L = c->L;
  lua_pushvalue(L, c->observe);
  lua_pushinteger(L, step);
  lua_pushvalue(L, c->sys);
  lua_pushnumber(L, T);
  if (lua_pcall(L, 3, 1, 0) != LUA_OK) return callback_failed(c, "observe");
  int stop = lua_isboolean(L, -1) && !lua_toboolean(L, -1);
  lua_pop(L, 1);
  return stop;
}

static int call_schedule(long i, long nsteps, void *arg, double *T)
{
  run_ctx *c = arg;
  lua_State *L = c->L;
  lua_pushvalue(L, c->sched);
  lua_pushinteger(L, i);
  lua_pushinteger(L, nsteps);
  if (lua_pcall(L, 2, 1, 0) != LUA_OK) return callback_failed(c, "the temperature function");
  int isnum;
  *T = lua_tonumberx(L, -1, &isnum);
  lua_pop(L, 1);
  if (!isnum) return vt_error(VT_EINVAL, "the temperature function returned no number at step %ld", i);
  return 0;
}

/* T= of md:run: a number, {T1, T2}, {{step, T}, ...} or a function. */
static int read_schedule(lua_State *L, int idx, vt_schedule *sc, run_ctx *c)
{
  if (lua_isnumber(L, idx)) return vt_schedule_constant(sc, lua_tonumber(L, idx));
  if (lua_isfunction(L, idx)) { c->sched = idx; return vt_schedule_function(sc, call_schedule, c); }
  if (!lua_istable(L, idx)) return luaL_error(L, "md:run: T must be a number, {T1, T2}, {{step, T}, ...} or a function");
  lua_Integer n = luaL_len(L, idx);
  lua_geti(L, idx, 1);
  int points = lua_istable(L, -1);
  lua_pop(L, 1);
  if (!points) {
    if (n != 2) return luaL_error(L, "md:run: a ramp is T={T1, T2} (got %d numbers)", (int)n);
    double *t = vtl_checkmatrix(L, idx, 2, 1, "md:run T");
    int rc = vt_schedule_ramp(sc, t[0], t[1]);
    free(t);
    return rc;
  }
  double *pt = vtl_checkmatrix(L, idx, (size_t)n, 2, "md:run T points");
  double *st = malloc(2 * (size_t)n * sizeof(double));
  if (!st) { free(pt); return luaL_error(L, "out of memory"); }
  for (lua_Integer k = 0; k < n; k++) { st[k] = pt[2 * k]; st[n + k] = pt[2 * k + 1]; }
  free(pt);
  int rc = vt_schedule_points(sc, st, st + n, (size_t)n);
  free(st);
  return rc;
}

/* md:reset(): abandon a pending (interrupted or restored) run */
static int md_reset(lua_State *L)
{
  vt_md_abandon(md_with_system(L, 1));
  return 0;
}

static int md_run(lua_State *L)
{
  static const char *const known[] = {"steps", "T", "every", "observe", "observers", "checkpoint", "progress",
                                      "resume", NULL};
  vt_md *md = md_with_system(L, 1);
  vtl_checkopts(L, 2, "md:run", known);
  if (!vtl_optboolean_field(L, 2, "resume", 1)) vt_md_abandon(md);
  lua_settop(L, 2);
  run_ctx c = {L, 0, 0, 0, 0};
  lua_getiuservalue(L, 1, 1);                          /* md, opts, s */
  c.sys = lua_gettop(L);
  lua_pushnil(L);                                      /* md, opts, s, err */
  c.err = lua_gettop(L);
  vt_md_run_opts o;
  memset(&o, 0, sizeof o);
  lua_getfield(L, 2, "steps");
  if (lua_isnil(L, -1)) return luaL_error(L, "md:run: steps= is required");
  lua_pop(L, 1);
  lua_Integer steps = vtl_optinteger_field(L, 2, "steps", 0);
  if (steps < 0) return luaL_error(L, "md:run: steps must be non-negative (got %I)", steps);
  o.steps = (long)steps;
  o.progress = vtl_optboolean_field(L, 2, "progress", 1);

  lua_getfield(L, 2, "observe");                       /* ..., observe */
  if (!lua_isnil(L, -1)) {
    luaL_argexpected(L, lua_isfunction(L, -1), 2, "observe= must be a function");
    c.observe = lua_gettop(L);
    o.observe = call_observe;
    o.arg = &c;
    lua_Integer every = vtl_optinteger_field(L, 2, "every", 1);
    if (every < 1) return luaL_error(L, "md:run: every must be a positive integer (got %I)", every);
    o.every = (long)every;
  } else {
    lua_pop(L, 1);
  }

  /* observers={o, ...}: the userdata stay referenced by the options table */
  vt_observer **obs = NULL;
  lua_getfield(L, 2, "observers");                     /* ..., observers */
  if (!lua_isnil(L, -1)) {
    luaL_argexpected(L, lua_istable(L, -1), 2, "observers= must be a list of vt.observer objects");
    lua_Integer nobs = luaL_len(L, -1);
    obs = lua_newuserdatauv(L, (size_t)(nobs > 0 ? nobs : 1) * sizeof *obs, 0);  /* ..., observers, buffer */
    for (lua_Integer k = 1; k <= nobs; k++) {
      lua_geti(L, -2, k);
      if (!luaL_testudata(L, -1, VTL_OBSERVER))
        return luaL_error(L, "md:run: observers[%d] is not a vt.observer (make one with vt.observer.msd{...})", (int)k);
      obs[k - 1] = vtl_checkobserver(L, -1);
      lua_pop(L, 1);
    }
    o.observers = obs;
    o.nobservers = (size_t)nobs;
  }
  lua_getfield(L, 2, "checkpoint");                    /* ..., checkpoint */
  if (lua_isstring(L, -1)) {
    o.checkpoint = lua_tostring(L, -1);
  } else if (lua_istable(L, -1)) {
    static const char *const ck[] = {"file", "every", NULL};
    vtl_checkopts(L, -1, "md:run checkpoint", ck);
    o.checkpoint = vtl_optstring_field(L, -1, "file", NULL);
    if (!o.checkpoint) return luaL_error(L, "md:run: checkpoint needs file=");
    lua_Integer ce = vtl_optinteger_field(L, -1, "every", 0);
    if (ce < 0) return luaL_error(L, "md:run: checkpoint every must be non-negative");
    o.checkpoint_every = (long)ce;
  } else if (!lua_isnil(L, -1)) {
    return luaL_error(L, "md:run: checkpoint must be a file name or {file=, every=}");
  }                                                    /* stays on the stack: anchors the name */

  vt_schedule sc;
  memset(&sc, 0, sizeof sc);
  lua_getfield(L, 2, "T");                             /* ..., T */
  int has_schedule = !lua_isnil(L, -1);
  if (has_schedule) {
    if (!md->integ->type->thermostat) return luaL_error(L, "md:run: T= needs a thermostat (this md is NVE)");
    vtl_check(L, read_schedule(L, lua_gettop(L), &sc, &c));
    o.schedule = &sc;
  }
  int rc = vt_md_run(md, &o);
  vt_schedule_free(&sc);
  if (rc < 0) {
    if (!lua_isnil(L, c.err)) {                        /* a Lua error from a callback: raise it as it was */
      lua_pushvalue(L, c.err);
      return lua_error(L);
    }
    if (rc == VT_EINTR) {
      /* handled here: remove the program's Ctrl-C hook (if any) so that it
       * does not fire again inside the error handler */
      lua_sethook(L, NULL, 0, 0);
      return luaL_error(L, "md:run: %s", vt_errmsg());
    }
    return luaL_error(L, "md:run: %s", vt_errmsg());
  }
  lua_pushinteger(L, o.done);
  lua_pushboolean(L, o.stopped);
  return 2;
}

static int md_conserved(lua_State *L)
{
  vt_md *md = md_with_system(L, 1);
  double H;
  vtl_check(L, vt_md_conserved(md, &H));
  lua_pushnumber(L, H);
  return 1;
}

static int md_checkpoint(lua_State *L)
{
  vt_md *md = md_with_system(L, 1);
  const char *path = luaL_checkstring(L, 2);
  vtl_check(L, vt_md_checkpoint(md, path));
  return 0;
}

static int md_index(lua_State *L)
{
  l_md *u = checkmd(L, 1);
  vt_md *md = u->md;
  const char *k = luaL_checkstring(L, 2);
  if (strcmp(k, "step") == 0) { lua_pushinteger(L, md->step); return 1; }
  if (strcmp(k, "time") == 0) { lua_pushnumber(L, md->time); return 1; }
  if (strcmp(k, "dt") == 0) { lua_pushnumber(L, md->dt); return 1; }
  if (strcmp(k, "T") == 0) { lua_pushnumber(L, md->T); return 1; }
  if (strcmp(k, "system") == 0) { lua_getiuservalue(L, 1, 1); return 1; }
  if (strcmp(k, "thermostat") == 0) {
    lua_pushstring(L, md->integ->type->thermostat ? md->integ->type->name : "none");
    return 1;
  }
  if (strcmp(k, "tau") == 0 || strcmp(k, "chain") == 0) {
    if (!md->integ->type->thermostat) lua_pushnil(L);
    else if (k[0] == 't') lua_pushnumber(L, md->integ->params.tau);
    else lua_pushinteger(L, md->integ->params.chain);
    return 1;
  }
  if (strcmp(k, "pending") == 0) {
    /* steps left of an interrupted or restored run, or nil */
    if (md->pending) lua_pushinteger(L, md->run_steps - (md->step - md->run_begin));
    else lua_pushnil(L);
    return 1;
  }
  luaL_getmetafield(L, 1, "methods");
  lua_getfield(L, -1, k);
  return 1;
}

static int md_newindex(lua_State *L)
{
  vt_md *md = checkmd(L, 1)->md;
  const char *k = luaL_checkstring(L, 2);
  if (strcmp(k, "dt") == 0) { vtl_check(L, vt_md_set_dt(md, luaL_checknumber(L, 3))); return 0; }
  return luaL_error(L, "vt.md: field '%s' cannot be set", k);
}

int vtl_open_md(lua_State *L)
{
  static const luaL_Reg meta[] = {
    {"__index", md_index}, {"__newindex", md_newindex}, {"__gc", md_gc}, {"__close", md_gc},
    {"__tostring", md_tostring}, {NULL, NULL}
  };
  static const luaL_Reg methods[] = {
    {"run", md_run}, {"conserved", md_conserved}, {"checkpoint", md_checkpoint}, {"reset", md_reset}, {NULL, NULL}
  };
  vtl_newclass(L, VTL_MD, meta, methods);
  lua_pushcfunction(L, md_new);
  lua_setfield(L, -2, "md");
  return 0;
}
