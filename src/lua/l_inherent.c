/* vt.analysis.inherent_trajectory: inherent states along an MD run (see
 * analysis/inherent.h), and vt.analysis.propensity: the isoconfigurational
 * ensemble (analysis/propensity.h).
 *
 *   r = vt.analysis.inherent_trajectory{ md=, minimizer=, every=10, frames=,
 *         threshold=1e-5, per_particle=false, n0=1000, progress=false }
 *   -> { time=array, u=array, steps=array, converged=array (frames + 1 each),
 *        transitions=, unconverged=, T=, t_vib=, rate=, scaled_rate=,
 *        force_evals=, seconds_minimize=, seconds_md= }
 *   minimizer omitted: vt.lbfgs{ ftol=1e-10 } (the fastest here: see doc/lua-api.md).
 *
 *   p = vt.analysis.propensity(s, { runs=20, steps=1000 | {100, 1000}, T=,
 *         dt=0.005, thermostat="nose-hoover" | "none", tau=0.2, chain=3, seed=1 })
 *   -> { msd=array, md=array (n, or n x #steps), time=array, runs= }
 */
#include "lua/lvitrum.h"
#include <stdlib.h>

static int l_inherent(lua_State *L)
{
  static const char *const known[] = {"md", "minimizer", "every", "frames", "threshold", "per_particle",
                                      "n0", "progress", NULL};
  const char *fn = "vt.analysis.inherent_trajectory";
  luaL_checktype(L, 1, LUA_TTABLE);
  vtl_checkopts(L, 1, fn, known);
  lua_getfield(L, 1, "md");
  if (lua_isnil(L, -1)) return luaL_error(L, "%s: md= is required", fn);
  vt_md *md = vtl_checkmd(L, lua_gettop(L));
  lua_getfield(L, 1, "minimizer");
  vt_minimizer *m = NULL, *own = NULL;
  if (!lua_isnil(L, -1)) m = vtl_checkminimizer(L, lua_gettop(L));
  lua_Integer every = vtl_optinteger_field(L, 1, "every", 10);
  lua_getfield(L, 1, "frames");
  if (lua_isnil(L, -1)) return luaL_error(L, "%s: frames= is required", fn);
  lua_pop(L, 1);
  lua_Integer frames = vtl_optinteger_field(L, 1, "frames", 0);
  vt_inherent_opts o = {.every = (long)every, .frames = (long)frames,
                        .threshold = vtl_optnumber_field(L, 1, "threshold", 1e-5),
                        .per_particle = vtl_optboolean_field(L, 1, "per_particle", 0),
                        .n0 = vtl_optnumber_field(L, 1, "n0", 1000),
                        .progress = vtl_optboolean_field(L, 1, "progress", 0)};
  if (!m) {
    vt_param p = {.key = "ftol", .kind = VT_PARAM_NUMBER, .num = 1e-10};
    vt_params ps = {1, &p};
    if (vt_minimizer_alloc(vt_minimizer_lbfgs, &ps, &own)) return vtl_fail(L, fn);
    m = own;
  }
  vt_inherent_result r;
  int rc = vt_inherent_trajectory(md, m, &o, &r);
  vt_minimizer_free(own);
  if (rc) {
    if (rc == VT_EINTR) lua_sethook(L, NULL, 0, 0);   /* the program's Ctrl-C hook has done its job */
    return vtl_fail(L, fn);
  }
  lua_createtable(L, 0, 14);
  vtl_pusharray(L, r.time); lua_setfield(L, -2, "time");
  vtl_pusharray(L, r.u); lua_setfield(L, -2, "u");
  vtl_pusharray(L, r.steps); lua_setfield(L, -2, "steps");
  vtl_pusharray(L, r.converged); lua_setfield(L, -2, "converged");
  lua_pushinteger(L, r.transitions); lua_setfield(L, -2, "transitions");
  lua_pushinteger(L, r.unconverged); lua_setfield(L, -2, "unconverged");
  lua_pushnumber(L, r.T); lua_setfield(L, -2, "T");
  lua_pushnumber(L, r.t_vib); lua_setfield(L, -2, "t_vib");
  lua_pushnumber(L, r.rate); lua_setfield(L, -2, "rate");
  lua_pushnumber(L, r.scaled_rate); lua_setfield(L, -2, "scaled_rate");
  lua_pushinteger(L, r.force_evals); lua_setfield(L, -2, "force_evals");
  lua_pushnumber(L, r.seconds_min); lua_setfield(L, -2, "seconds_minimize");
  lua_pushnumber(L, r.seconds_md); lua_setfield(L, -2, "seconds_md");
  return 1;
}

static int l_propensity(lua_State *L)
{
  static const char *const known[] = {"runs", "steps", "T", "dt", "thermostat", "tau", "chain", "seed", NULL};
  const char *fn = "vt.analysis.propensity";
  vt_system *s = vtl_checksystem(L, 1);
  luaL_checktype(L, 2, LUA_TTABLE);
  vtl_checkopts(L, 2, fn, known);
  lua_getfield(L, 2, "T");
  if (lua_isnil(L, -1)) return luaL_error(L, "%s: T= is required (the temperature of the fresh velocities)", fn);
  lua_pop(L, 1);
  const char *thermo = vtl_optstring_field(L, 2, "thermostat", "nose-hoover");
  const vt_integrator_type *type = vt_integrator_lookup(thermo);
  if (!type) return luaL_error(L, "%s: thermostat '%s' unknown (known: nose-hoover, none)", fn, thermo);
  vt_integrator_params p;
  vt_integrator_params_default(&p);
  p.tau = vtl_optnumber_field(L, 2, "tau", p.tau);
  lua_Integer chain = vtl_optinteger_field(L, 2, "chain", p.chain);
  if (chain < 1 || chain > 64) return luaL_error(L, "%s: chain must be between 1 and 64 (got %d)", fn, (int)chain);
  p.chain = (int)chain;
  lua_Integer seed = vtl_optinteger_field(L, 2, "seed", 1);
  if (seed < 0) return luaL_error(L, "%s: seed must be >= 0", fn);
  vt_propensity_opts o = {.integrator = type, .params = &p, .dt = vtl_optnumber_field(L, 2, "dt", 0.005),
                          .T = vtl_optnumber_field(L, 2, "T", 0), .runs = (long)vtl_optinteger_field(L, 2, "runs", 20),
                          .seed = (unsigned long)seed};
  lua_getfield(L, 2, "steps");
  long one;
  long *steps = NULL;
  if (lua_isinteger(L, -1)) {
    one = (long)lua_tointeger(L, -1);
    o.steps = &one;
    o.nsteps = 1;
  } else if (lua_istable(L, -1)) {
    size_t k = (size_t)luaL_len(L, -1);
    if (k < 1) return luaL_error(L, "%s: steps is an empty list", fn);
    steps = lua_newuserdatauv(L, k * sizeof *steps, 0);   /* freed by the GC */
    for (size_t q = 0; q < k; q++) {
      lua_geti(L, -2, (lua_Integer)q + 1);
      if (!lua_isinteger(L, -1)) return luaL_error(L, "%s: steps[%d] must be an integer", fn, (int)q + 1);
      steps[q] = (long)lua_tointeger(L, -1);
      lua_pop(L, 1);
    }
    o.steps = steps;
    o.nsteps = k;
  } else {
    return luaL_error(L, "%s: steps= is required (an integer or a list of integers)", fn);
  }
  vt_propensity_result r;
  if (vt_propensity(s, &o, &r)) {
    if (vt_interrupted()) lua_sethook(L, NULL, 0, 0);
    return vtl_fail(L, fn);
  }
  lua_createtable(L, 0, 4);
  vtl_pusharray(L, r.msd); lua_setfield(L, -2, "msd");
  vtl_pusharray(L, r.md); lua_setfield(L, -2, "md");
  vtl_pusharray(L, r.time); lua_setfield(L, -2, "time");
  lua_pushinteger(L, o.runs); lua_setfield(L, -2, "runs");
  return 1;
}

int vtl_open_inherent(lua_State *L)
{
  luaL_getsubtable(L, -1, "analysis");                 /* vt, vt.analysis */
  lua_pushcfunction(L, l_inherent);
  lua_setfield(L, -2, "inherent_trajectory");
  lua_pushcfunction(L, l_propensity);
  lua_setfield(L, -2, "propensity");
  lua_pop(L, 1);
  return 0;
}
