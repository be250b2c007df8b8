/* vt.trajectory: trajectory files as Lua objects (see io/io.h).
 *   t = vt.trajectory("run.vtt", "w")      -- also .dump/.lammpstrj/.xyz
 *   t:write(s [, {step=, time=, velocities=false, diameters=false}])
 *   t = vt.trajectory("run.vtt")           -- mode "r" by default
 *   t = vt.trajectory("run.dump", { diameters={1.0, 1.2}, masses={1, 1.728}, dt=0.005 })
 *   for f in t:frames([{system=false, like=s}]) do ... end
 *   f = t:read()  (nil at the end)   t:skip([k])   t:close()
 *   t.count (frames written; reading: frames in the file)   t.position (frames read)
 * A frame is a table: step, time (nil when the file has none), n, box,
 * positions (wrapped, n x 3), unwrapped (n x 3: for displacements), images,
 * types, and velocities, diameters, masses when the frame has them; with
 * system=true also `system`, a vt.system of the frame (like= supplies
 * diameters, masses, potential and skin when the frame has no diameters). */
#include "lua/lvitrum.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct { vt_trajectory *t; int writing; } l_traj;

static l_traj *checktraj(lua_State *L, int idx)
{
  l_traj *u = luaL_checkudata(L, idx, VTL_TRAJECTORY);
  if (!u->t) luaL_error(L, "trajectory is closed");
  return u;
}

vt_trajectory *vtl_checktrajectory(lua_State *L, int idx)
{
  l_traj *u = checktraj(L, idx);
  if (u->writing) luaL_argerror(L, idx, "trajectory is open for writing");
  return u->t;
}

/* per-type list {d1, d2, ...} of positive numbers into out[], returns the count */
static int type_list(lua_State *L, int idx, const char *key, double *out)
{
  lua_getfield(L, idx, key);
  int n = 0;
  if (!lua_isnil(L, -1)) {
    if (!lua_istable(L, -1)) return luaL_error(L, "vt.trajectory: %s= must be a list of numbers, one per type", key);
    lua_Integer len = luaL_len(L, -1);
    if (len < 1 || len > VT_MAX_SPECIES) return luaL_error(L, "vt.trajectory: %s= needs 1 to %d numbers (got %d)", key, VT_MAX_SPECIES, (int)len);
    double *v = vtl_checkmatrix(L, -1, (size_t)len, 1, key);
    memcpy(out, v, (size_t)len * sizeof *v);
    free(v);
    n = (int)len;
  }
  lua_pop(L, 1);
  return n;
}

/* vt.trajectory(path [, "r"|"w" | {diameters=, masses=, dt=}]) */
static int l_open(lua_State *L)
{
  const char *path = luaL_checkstring(L, 1);
  const char *mode = "r";
  vt_traj_opts ro;
  int have_opts = 0;
  memset(&ro, 0, sizeof ro);
  if (lua_istable(L, 2)) {
    static const char *const known[] = {"diameters", "masses", "dt", NULL};
    vtl_checkopts(L, 2, "vt.trajectory", known);
    ro.ndiam = type_list(L, 2, "diameters", ro.diameters);
    ro.nmass = type_list(L, 2, "masses", ro.masses);
    ro.dt = vtl_optnumber_field(L, 2, "dt", 0.0);
    lua_getfield(L, 2, "dt");
    if (!lua_isnil(L, -1) && !(ro.dt > 0)) return luaL_error(L, "vt.trajectory: dt must be positive (got %f)", ro.dt);
    lua_pop(L, 1);
    have_opts = 1;
  } else {
    mode = luaL_optstring(L, 2, "r");
  }
  if (strcmp(mode, "r") != 0 && strcmp(mode, "w") != 0)
    return luaL_error(L, "vt.trajectory: mode must be \"r\" or \"w\" (got \"%s\")", mode);
  l_traj *u = lua_newuserdatauv(L, sizeof *u, 0);
  u->t = NULL;
  u->writing = mode[0] == 'w';
  luaL_setmetatable(L, VTL_TRAJECTORY);
  vtl_check(L, vt_trajectory_open_opts(path, mode, have_opts ? &ro : NULL, &u->t));
  return 1;
}

static int t_write(lua_State *L)
{
  static const char *const known[] = {"step", "time", "velocities", "diameters", NULL};
  l_traj *u = checktraj(L, 1);
  vt_system *s = vtl_checksystem(L, 2);
  if (!u->writing) return luaL_error(L, "trajectory: open for reading, cannot write");
  double step = (double)vt_trajectory_count(u->t), time;
  unsigned what = 0;
  int have_time = 0;
  if (!lua_isnoneornil(L, 3)) {
    vtl_checkopts(L, 3, "trajectory:write", known);
    step = vtl_optnumber_field(L, 3, "step", step);
    lua_getfield(L, 3, "time");
    have_time = !lua_isnil(L, -1);
    lua_pop(L, 1);
    time = vtl_optnumber_field(L, 3, "time", 0.0);
    if (vtl_optboolean_field(L, 3, "velocities", 0)) what |= VT_FRAME_VELOCITIES;
    if (vtl_optboolean_field(L, 3, "diameters", 0)) what |= VT_FRAME_DIAMETERS;
  }
  if (!have_time) time = step;
  else what |= VT_FRAME_TIME;
  vtl_check(L, vt_trajectory_write(u->t, s, step, time, what));
  return 0;
}

static void push_doubles(lua_State *L, const double *src, size_t n, size_t k)
{
  vt_array *a = vt_array_alloc(n, k);
  if (a) memcpy(a->data, src, n * (k ? k : 1) * sizeof(double));
  vtl_pusharray(L, a);
}

static void push_ints(lua_State *L, const int *src, size_t n, size_t k)
{
  vt_array *a = vt_array_alloc(n, k);
  if (a)
    for (size_t i = 0; i < n * (k ? k : 1); i++) a->data[i] = src[i];
  vtl_pusharray(L, a);
}

/* The frame table (see the top of the file); `sys_idx` is the options table
 * of frames() or 0. */
static void push_frame(lua_State *L, const vt_frame *f, int want_system, const vt_system *like)
{
  lua_createtable(L, 0, 14);
  lua_pushnumber(L, f->step);
  lua_setfield(L, -2, "step");
  if (!isnan(f->time)) {
    lua_pushnumber(L, f->time);
    lua_setfield(L, -2, "time");
  }
  lua_pushinteger(L, (lua_Integer)f->n);
  lua_setfield(L, -2, "n");
  lua_createtable(L, 3, 0);
  for (int k = 0; k < 3; k++) { lua_pushnumber(L, f->box[k]); lua_rawseti(L, -2, k + 1); }
  lua_setfield(L, -2, "box");
  push_doubles(L, f->x, f->n, 3);
  lua_setfield(L, -2, "positions");
  vt_array *a = vt_array_alloc(f->n, 3);
  if (a) vt_frame_unwrapped(f, a->data);
  vtl_pusharray(L, a);
  lua_setfield(L, -2, "unwrapped");
  push_ints(L, f->image, f->n, 3);
  lua_setfield(L, -2, "images");
  push_ints(L, f->type, f->n, 0);
  lua_setfield(L, -2, "types");
  if (f->v) { push_doubles(L, f->v, f->n, 3); lua_setfield(L, -2, "velocities"); }
  if (f->sigma) { push_doubles(L, f->sigma, f->n, 0); lua_setfield(L, -2, "diameters"); }
  if (f->mass) { push_doubles(L, f->mass, f->n, 0); lua_setfield(L, -2, "masses"); }
  if (want_system) {
    vt_system **ps = vtl_pushsystem(L, NULL);
    vtl_check(L, vt_frame_to_system(f, like, ps));
    lua_setfield(L, -2, "system");
  }
}

/* t:read([{system=, like=}]) -> frame or nil */
static int read_frame(lua_State *L, l_traj *u, int opts)
{
  static const char *const known[] = {"system", "like", NULL};
  int want_system = 0;
  const vt_system *like = NULL;
  if (opts && !lua_isnoneornil(L, opts)) {
    vtl_checkopts(L, opts, "trajectory:frames", known);
    want_system = vtl_optboolean_field(L, opts, "system", 0);
    lua_getfield(L, opts, "like");
    if (!lua_isnil(L, -1)) like = vtl_checksystem(L, -1);
    lua_pop(L, 1);
  }
  if (u->writing) return luaL_error(L, "trajectory: open for writing, cannot read");
  const vt_frame *f;
  int rc = vtl_check(L, vt_trajectory_read_next(u->t, &f));
  if (rc == 0) { lua_pushnil(L); return 1; }
  push_frame(L, f, want_system, like);
  return 1;
}

static int t_read(lua_State *L) { return read_frame(L, checktraj(L, 1), 2); }

static int frames_next(lua_State *L)
{
  /* upvalue 1: the trajectory; upvalue 2: the options (or nil) */
  l_traj *u = luaL_checkudata(L, lua_upvalueindex(1), VTL_TRAJECTORY);
  if (!u->t) return luaL_error(L, "trajectory is closed");
  return read_frame(L, u, lua_upvalueindex(2));
}

/* t:frames([opts]) -> iterator over the remaining frames */
static int t_frames(lua_State *L)
{
  l_traj *u = checktraj(L, 1);
  if (u->writing) return luaL_error(L, "trajectory: open for writing, cannot read");
  if (!lua_isnoneornil(L, 2)) luaL_checktype(L, 2, LUA_TTABLE);
  lua_settop(L, 2);
  lua_pushcclosure(L, frames_next, 2);
  return 1;
}

/* t:skip([k]) -> number of frames skipped (fewer at the end) */
static int t_skip(lua_State *L)
{
  l_traj *u = checktraj(L, 1);
  lua_Integer k = luaL_optinteger(L, 2, 1), done = 0;
  luaL_argcheck(L, k >= 0, 2, "must be non-negative");
  if (u->writing) return luaL_error(L, "trajectory: open for writing, cannot skip");
  while (done < k && vtl_check(L, vt_trajectory_skip(u->t)) == 1) done++;
  lua_pushinteger(L, done);
  return 1;
}

static int t_close(lua_State *L)
{
  l_traj *u = luaL_checkudata(L, 1, VTL_TRAJECTORY);
  if (!u->t) return 0;
  vt_trajectory *t = u->t;
  u->t = NULL;
  vtl_check(L, vt_trajectory_close(t));
  return 0;
}

/* Garbage collection without close(): a trajectory being written is still
 * committed (the frames written are kept); errors cannot be raised here. */
static int t_gc(lua_State *L)
{
  l_traj *u = luaL_checkudata(L, 1, VTL_TRAJECTORY);
  if (u->t) vt_trajectory_close(u->t);
  u->t = NULL;
  return 0;
}

static int t_index(lua_State *L)
{
  l_traj *u = luaL_checkudata(L, 1, VTL_TRAJECTORY);
  const char *k = luaL_checkstring(L, 2);
  if (strcmp(k, "count") == 0) {
    if (!u->t) return luaL_error(L, "trajectory is closed");
    long c = vt_trajectory_count(u->t);
    if (c < 0) lua_pushnil(L);   /* not a regular file: unknown */
    else lua_pushinteger(L, c);
    return 1;
  }
  if (strcmp(k, "position") == 0) {
    if (!u->t) return luaL_error(L, "trajectory is closed");
    lua_pushinteger(L, u->writing ? vt_trajectory_count(u->t) : vt_trajectory_position(u->t));
    return 1;
  }
  if (strcmp(k, "mode") == 0) { lua_pushstring(L, u->writing ? "w" : "r"); return 1; }
  luaL_getmetafield(L, 1, "methods");
  lua_getfield(L, -1, k);
  return 1;
}

static int t_tostring(lua_State *L)
{
  l_traj *u = luaL_checkudata(L, 1, VTL_TRAJECTORY);
  if (!u->t) lua_pushliteral(L, "vt.trajectory (closed)");
  else if (u->writing) lua_pushfstring(L, "vt.trajectory (writing, %d frames written)", (int)vt_trajectory_count(u->t));
  else lua_pushfstring(L, "vt.trajectory (reading, frame %d of %d)", (int)vt_trajectory_position(u->t),
                       (int)vt_trajectory_count(u->t));
  return 1;
}

int vtl_open_trajectory(lua_State *L)
{
  static const luaL_Reg meta[] = {
    {"__index", t_index}, {"__gc", t_gc}, {"__close", t_close}, {"__tostring", t_tostring}, {NULL, NULL}
  };
  static const luaL_Reg methods[] = {
    {"write", t_write}, {"read", t_read}, {"frames", t_frames}, {"skip", t_skip}, {"close", t_close},
    {NULL, NULL}
  };
  vtl_newclass(L, VTL_TRAJECTORY, meta, methods);
  lua_pushcfunction(L, l_open);
  lua_setfield(L, -2, "trajectory");
  return 0;
}
