/* vt.observer.* (MD observers: analysis/correlator.h, analysis/timeseries.h)
 * and the analysis functions that share their code: vt.analysis.msd and
 * vt.analysis.fs on trajectories, tau_alpha, diffusion, stress_acf.
 *
 *   o = vt.observer.msd{ type=, schedule="log"|"linear", block=, base=, every=, origins= }
 *   o = vt.observer.fs{ q=, width=, vectors=100, seed=1, isotropic=false, type=, <schedule> }
 *   o = vt.observer.stress{ every=1 }
 *   md:run{ steps=, observers={ o, ... } }     (l_md.c)
 *   o:result()  o.name
 *   vt.analysis.msd(traj, { type=, dt=, schedule="linear", origins=0, ... }) -> { t=, msd=, count=, types= }
 *   vt.analysis.fs(traj, { q=, ... })                                       -> { t=, fs=, count=, types=, q=, vectors= }
 *   vt.analysis.tau_alpha(f, { level=0.2 }) -> tau | nil, message
 *   vt.analysis.diffusion(m, { from=, to= }) -> D, { D=, error=, slope=, intercept=, from=, to=, points=, exponent= }
 *   vt.analysis.stress_acf(stress_result, { T= }) -> { t=, c= } */
#include "lua/lvitrum.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
  vt_observer *o;
  int type;           /* the species of result()'s main array (0: all) */
} l_observer;

vt_observer *vtl_checkobserver(lua_State *L, int idx)
{
  l_observer *u = luaL_checkudata(L, idx, VTL_OBSERVER);
  if (!u->o) luaL_argerror(L, idx, "observer has been closed");
  return u->o;
}

static const char *const corr_keys[] = {"type", "schedule", "block", "base", "every", "origins", "q", "width",
                                        "vectors", "seed", "isotropic", "dt", NULL};

/* Correlator parameters from an options table; `posthoc` selects the
 * defaults of the trajectory functions (linear, all pairs). */
static void read_corr_params(lua_State *L, int idx, int kind, int posthoc, const char *fname, vt_corr_params *p,
                             int *type)
{
  vt_corr_params_default(p, kind);
  if (posthoc) { p->sched = VT_OBS_LINEAR; p->origins = 0; }
  if (lua_isnoneornil(L, idx)) {
    if (kind == VT_CORR_FS) luaL_error(L, "%s: q= is required", fname);
    *type = 0;
    return;
  }
  vtl_checkopts(L, idx, fname, corr_keys);
  static const char *const fs_only[] = {"q", "width", "vectors", "seed", "isotropic", NULL};
  if (kind == VT_CORR_MSD)
    for (int k = 0; fs_only[k]; k++) {
      lua_getfield(L, idx, fs_only[k]);
      if (!lua_isnil(L, -1)) luaL_error(L, "%s: '%s' is an option of fs, not msd", fname, fs_only[k]);
      lua_pop(L, 1);
    }
  if (!posthoc) {
    lua_getfield(L, idx, "dt");
    if (!lua_isnil(L, -1)) luaL_error(L, "%s: dt comes from the md run", fname);
    lua_pop(L, 1);
  }
  const char *sched = vtl_optstring_field(L, idx, "schedule", p->sched == VT_OBS_LOG ? "log" : "linear");
  if (strcmp(sched, "log") == 0) p->sched = VT_OBS_LOG;
  else if (strcmp(sched, "linear") == 0) p->sched = VT_OBS_LINEAR;
  else luaL_error(L, "%s: schedule must be \"log\" or \"linear\" (got \"%s\")", fname, sched);
  if (posthoc && p->sched == VT_OBS_LOG) p->origins = 32;
  p->block = (long)vtl_optinteger_field(L, idx, "block", p->block);
  p->base = vtl_optnumber_field(L, idx, "base", p->base);
  p->every = (long)vtl_optinteger_field(L, idx, "every", p->every);
  p->origins = (long)vtl_optinteger_field(L, idx, "origins", p->origins);
  p->q = vtl_optnumber_field(L, idx, "q", 0.0);
  if (kind == VT_CORR_FS) {
    lua_getfield(L, idx, "q");
    if (lua_isnil(L, -1)) luaL_error(L, "%s: q= is required", fname);
    lua_pop(L, 1);
  }
  p->width = vtl_optnumber_field(L, idx, "width", 0.0);
  p->max_vectors = (long)vtl_optinteger_field(L, idx, "vectors", p->max_vectors);
  lua_Integer seed = vtl_optinteger_field(L, idx, "seed", 1);
  if (seed < 0) luaL_error(L, "%s: seed must be non-negative", fname);
  p->seed = (unsigned long)seed;
  p->isotropic = vtl_optboolean_field(L, idx, "isotropic", 0);
  lua_Integer ty = vtl_optinteger_field(L, idx, "type", 0);
  if (ty < 0 || ty > VT_MAX_SPECIES) luaL_error(L, "%s: type must be between 1 and %d (or omitted: all)", fname, VT_MAX_SPECIES);
  *type = (int)ty;
}

static void push_vec(lua_State *L, const double *x, size_t n)
{
  vt_array *a = vt_array_alloc(n, 0);
  if (!a) luaL_error(L, "out of memory");
  if (n) memcpy(a->data, x, n * sizeof *x);
  vtl_pusharray(L, a);
}

/* The result table of a correlator (see the top of the file). */
static int push_corr_result(lua_State *L, const vt_corr *c, int type)
{
  const vt_corr_params *p = vt_corr_get_params(c);
  const char *name = p->kind == VT_CORR_FS ? "fs" : "msd";
  int nt = vt_corr_ntypes(c);
  if (type > nt && nt > 0) return luaL_error(L, "%s: type %d selected, the samples have %d types", name, type, nt);
  size_t n = vt_corr_nlags(c);
  double *t = malloc((n ? n : 1) * sizeof *t), *v = malloc((n ? n : 1) * sizeof *v), *cnt = malloc((n ? n : 1) * sizeof *cnt);
  if (!t || !v || !cnt) { free(t); free(v); free(cnt); return luaL_error(L, "out of memory"); }
  vt_corr_result(c, type, t, v, cnt);
  lua_createtable(L, 0, 6);
  push_vec(L, t, n); lua_setfield(L, -2, "t");
  push_vec(L, v, n); lua_setfield(L, -2, name);
  push_vec(L, cnt, n); lua_setfield(L, -2, "count");
  lua_createtable(L, nt, 0);
  for (int k = 1; k <= nt; k++) {
    vt_corr_result(c, k, NULL, v, NULL);
    push_vec(L, v, n);
    lua_rawseti(L, -2, k);
  }
  lua_setfield(L, -2, "types");
  free(t); free(v); free(cnt);
  if (p->kind == VT_CORR_FS) {
    size_t nv = vt_corr_vectors(c, NULL);
    double qm = p->q;
    if (nv) {
      double *q3 = malloc(3 * nv * sizeof *q3);
      if (!q3) return luaL_error(L, "out of memory");
      vt_corr_vectors(c, q3);
      qm = 0;
      for (size_t k = 0; k < nv; k++) qm += sqrt(q3[3 * k] * q3[3 * k] + q3[3 * k + 1] * q3[3 * k + 1] + q3[3 * k + 2] * q3[3 * k + 2]);
      qm /= (double)nv;
      free(q3);
    }
    lua_pushnumber(L, qm); lua_setfield(L, -2, "q");
    lua_pushinteger(L, (lua_Integer)nv); lua_setfield(L, -2, "vectors");
  }
  return 1;
}

static l_observer *new_udata(lua_State *L)
{
  l_observer *u = lua_newuserdatauv(L, sizeof *u, 0);
  u->o = NULL;
  u->type = 0;
  luaL_setmetatable(L, VTL_OBSERVER);
  return u;
}

static int new_corr(lua_State *L, int kind, const char *fname)
{
  vt_corr_params p;
  int type;
  if (kind == VT_CORR_FS) luaL_checktype(L, 1, LUA_TTABLE);
  read_corr_params(L, 1, kind, 0, fname, &p, &type);
  l_observer *u = new_udata(L);
  u->type = type;
  vt_corr *c;
  vtl_check(L, vt_corr_alloc(&p, &c));
  vtl_check(L, vt_corr_observer(c, &u->o));
  return 1;
}

static int l_obs_msd(lua_State *L) { return new_corr(L, VT_CORR_MSD, "vt.observer.msd"); }
static int l_obs_fs(lua_State *L) { return new_corr(L, VT_CORR_FS, "vt.observer.fs"); }

static int l_obs_stress(lua_State *L)
{
  static const char *const known[] = {"every", NULL};
  lua_Integer every = 1;
  if (!lua_isnoneornil(L, 1)) {
    vtl_checkopts(L, 1, "vt.observer.stress", known);
    every = vtl_optinteger_field(L, 1, "every", 1);
  }
  l_observer *u = new_udata(L);
  vtl_check(L, vt_stress_observer((long)every, &u->o));
  return 1;
}

static int o_result(lua_State *L)
{
  l_observer *u = luaL_checkudata(L, 1, VTL_OBSERVER);
  vt_observer *o = vtl_checkobserver(L, 1);
  const vt_corr *c = vt_corr_of(o);
  if (c) return push_corr_result(L, c, u->type);
  size_t n;
  const double *t, *P;
  double V;
  vtl_check(L, vt_stress_series(o, &n, &t, &P, &V));
  static const char *const names[6] = {"xx", "yy", "zz", "xy", "xz", "yz"};
  lua_createtable(L, 0, 8);
  push_vec(L, t, n); lua_setfield(L, -2, "t");
  for (int k = 0; k < 6; k++) {
    vt_array *a = vt_array_alloc(n, 0);
    if (!a) return luaL_error(L, "out of memory");
    for (size_t i = 0; i < n; i++) a->data[i] = P[6 * i + k];
    vtl_pusharray(L, a);
    lua_setfield(L, -2, names[k]);
  }
  lua_pushnumber(L, V); lua_setfield(L, -2, "volume");
  return 1;
}

static int o_gc(lua_State *L)
{
  l_observer *u = luaL_checkudata(L, 1, VTL_OBSERVER);
  vt_observer_free(u->o);
  u->o = NULL;
  return 0;
}

static int o_index(lua_State *L)
{
  vt_observer *o = vtl_checkobserver(L, 1);
  const char *k = luaL_checkstring(L, 2);
  if (strcmp(k, "name") == 0) { lua_pushstring(L, o->type->name); return 1; }
  if (strcmp(k, "samples") == 0) { lua_pushinteger(L, o->samples); return 1; }
  if (strcmp(k, "seconds") == 0) { lua_pushnumber(L, o->seconds); return 1; }
  luaL_getmetafield(L, 1, "methods");
  lua_getfield(L, -1, k);
  return 1;
}

static int o_tostring(lua_State *L)
{
  l_observer *u = luaL_checkudata(L, 1, VTL_OBSERVER);
  if (!u->o) lua_pushliteral(L, "vt.observer (closed)");
  else lua_pushfstring(L, "vt.observer: %s", u->o->type->name);
  return 1;
}

/* ---- post hoc: the same correlators over a trajectory ---- */

static int posthoc(lua_State *L, int kind, const char *fname)
{
  vt_corr_params p;
  int type;
  vt_trajectory *t = vtl_checktrajectory(L, 1);
  if (kind == VT_CORR_FS) luaL_checktype(L, 2, LUA_TTABLE);
  read_corr_params(L, 2, kind, 1, fname, &p, &type);
  double dt = lua_istable(L, 2) ? vtl_optnumber_field(L, 2, "dt", 0.0) : 0.0;
  vt_corr *c;
  vtl_check(L, vt_corr_alloc(&p, &c));
  int rc = vt_corr_trajectory(c, t, dt);
  if (rc) { vt_corr_free(c); return luaL_error(L, "%s: %s", fname, vt_errmsg()); }
  if (vt_corr_nlags(c) == 0) { vt_corr_free(c); return luaL_error(L, "%s: the trajectory has no frames left to read", fname); }
  /* the result table raises on a bad type: free c first on that path */
  int nt = vt_corr_ntypes(c);
  if (type > nt) { vt_corr_free(c); return luaL_error(L, "%s: type %d selected, the frames have %d types", fname, type, nt); }
  push_corr_result(L, c, type);
  vt_corr_free(c);
  return 1;
}

static int l_fs(lua_State *L) { return posthoc(L, VT_CORR_FS, "vt.analysis.fs"); }

/* vt.analysis.msd: on a trajectory, the correlator; with two arrays, the
 * one-shot MSD of l_stats.c (upvalue 1), unchanged. */
static int l_msd(lua_State *L)
{
  if (luaL_testudata(L, 1, VTL_TRAJECTORY)) return posthoc(L, VT_CORR_MSD, "vt.analysis.msd");
  lua_pushvalue(L, lua_upvalueindex(1));
  if (lua_isnil(L, -1)) return luaL_error(L, "vt.analysis.msd: expected a trajectory");
  lua_insert(L, 1);
  lua_call(L, lua_gettop(L) - 1, LUA_MULTRET);
  return lua_gettop(L);
}

/* {t=array|table, <key>=array|table} -> two malloc'd columns of the same length */
static size_t get_columns(lua_State *L, int idx, const char *fname, const char *key, double **t, double **v)
{
  luaL_checktype(L, idx, LUA_TTABLE);
  lua_getfield(L, idx, "t");
  lua_getfield(L, idx, key);
  if (lua_isnil(L, -2) || lua_isnil(L, -1)) luaL_error(L, "%s: the table needs t= and %s= (as o:result() returns)", fname, key);
  size_t n = (size_t)luaL_len(L, -2);
  if ((size_t)luaL_len(L, -1) != n) luaL_error(L, "%s: t and %s have different lengths", fname, key);
  *t = vtl_checkmatrix(L, -2, n, 1, fname);
  *v = vtl_checkmatrix(L, -1, n, 1, fname);
  lua_pop(L, 2);
  return n;
}

static int l_tau_alpha(lua_State *L)
{
  static const char *const known[] = {"level", NULL};
  double level = 0.2;
  if (!lua_isnoneornil(L, 2)) {
    vtl_checkopts(L, 2, "vt.analysis.tau_alpha", known);
    level = vtl_optnumber_field(L, 2, "level", level);
  }
  double *t, *f;
  size_t n = get_columns(L, 1, "vt.analysis.tau_alpha", "fs", &t, &f);
  double tau;
  int rc = vt_tau_alpha(t, f, n, level, &tau);
  double last = n ? f[n - 1] : NAN, tmax = n ? t[n - 1] : NAN;
  free(t); free(f);
  vtl_check(L, rc);
  if (rc == 1) {
    lua_pushnil(L);
    lua_pushfstring(L, "F_s never falls to %f (its last value is %f at t = %f): run longer", level, last, tmax);
    return 2;
  }
  lua_pushnumber(L, tau);
  return 1;
}

static int l_diffusion(lua_State *L)
{
  static const char *const known[] = {"from", "to", NULL};
  double from = -1, to = -1;
  if (!lua_isnoneornil(L, 2)) {
    vtl_checkopts(L, 2, "vt.analysis.diffusion", known);
    from = vtl_optnumber_field(L, 2, "from", -1);
    to = vtl_optnumber_field(L, 2, "to", -1);
  }
  double *t, *m;
  size_t n = get_columns(L, 1, "vt.analysis.diffusion", "msd", &t, &m);
  vt_diffusion_fit fit;
  int rc = vt_diffusion(t, m, n, from, to, &fit);
  free(t); free(m);
  vtl_check(L, rc);
  lua_pushnumber(L, fit.D);
  lua_createtable(L, 0, 8);
  lua_pushnumber(L, fit.D); lua_setfield(L, -2, "D");
  lua_pushnumber(L, fit.D_err); lua_setfield(L, -2, "error");
  lua_pushnumber(L, fit.slope); lua_setfield(L, -2, "slope");
  lua_pushnumber(L, fit.intercept); lua_setfield(L, -2, "intercept");
  lua_pushnumber(L, fit.from); lua_setfield(L, -2, "from");
  lua_pushnumber(L, fit.to); lua_setfield(L, -2, "to");
  lua_pushinteger(L, (lua_Integer)fit.points); lua_setfield(L, -2, "points");
  lua_pushnumber(L, fit.exponent); lua_setfield(L, -2, "exponent");
  return 2;
}

static int l_stress_acf(lua_State *L)
{
  static const char *const known[] = {"T", NULL};
  luaL_checktype(L, 1, LUA_TTABLE);
  vtl_checkopts(L, 2, "vt.analysis.stress_acf", known);
  lua_getfield(L, 2, "T");
  if (lua_isnil(L, -1)) return luaL_error(L, "vt.analysis.stress_acf: T= is required");
  lua_pop(L, 1);
  double T = vtl_optnumber_field(L, 2, "T", 1.0);
  lua_getfield(L, 1, "volume");
  if (!lua_isnumber(L, -1)) return luaL_error(L, "vt.analysis.stress_acf: the table needs volume= (as the stress observer's result has)");
  double V = lua_tonumber(L, -1);
  lua_pop(L, 1);
  double *t, *xy, *xz, *yz;
  size_t n = get_columns(L, 1, "vt.analysis.stress_acf", "xy", &t, &xy);
  free(t);
  size_t n2 = get_columns(L, 1, "vt.analysis.stress_acf", "xz", &t, &xz);
  free(t);
  size_t n3 = get_columns(L, 1, "vt.analysis.stress_acf", "yz", &t, &yz);
  if (n2 != n || n3 != n) { free(t); free(xy); free(xz); free(yz); return luaL_error(L, "vt.analysis.stress_acf: components of different lengths"); }
  vt_array *c = vt_array_alloc(n, 0), *tl = vt_array_alloc(n, 0);
  int rc = c && tl ? vt_stress_acf(xy, xz, yz, n, V, T, c->data) : vt_error(VT_ENOMEM, "out of memory");
  if (!rc)
    for (size_t k = 0; k < n; k++) tl->data[k] = t[k] - t[0];
  free(t); free(xy); free(xz); free(yz);
  if (rc) { vt_array_unref(c); vt_array_unref(tl); return vtl_check(L, rc); }
  lua_createtable(L, 0, 2);
  vtl_pusharray(L, tl); lua_setfield(L, -2, "t");
  vtl_pusharray(L, c); lua_setfield(L, -2, "c");
  return 1;
}

int vtl_open_observer(lua_State *L)
{
  static const luaL_Reg meta[] = {
    {"__index", o_index}, {"__gc", o_gc}, {"__close", o_gc}, {"__tostring", o_tostring}, {NULL, NULL}
  };
  static const luaL_Reg methods[] = {{"result", o_result}, {NULL, NULL}};
  static const luaL_Reg ctors[] = {{"msd", l_obs_msd}, {"fs", l_obs_fs}, {"stress", l_obs_stress}, {NULL, NULL}};
  vtl_newclass(L, VTL_OBSERVER, meta, methods);
  luaL_newlib(L, ctors);                               /* vt, observer */
  lua_setfield(L, -2, "observer");
  luaL_getsubtable(L, -1, "analysis");                 /* vt, vt.analysis */
  lua_getfield(L, -1, "msd");                          /* vt, analysis, old msd (or nil) */
  lua_pushcclosure(L, l_msd, 1);
  lua_setfield(L, -2, "msd");
  static const luaL_Reg fns[] = {{"fs", l_fs}, {"tau_alpha", l_tau_alpha}, {"diffusion", l_diffusion},
                                 {"stress_acf", l_stress_acf}, {NULL, NULL}};
  luaL_setfuncs(L, fns, 0);
  lua_pop(L, 1);
  return 0;
}
