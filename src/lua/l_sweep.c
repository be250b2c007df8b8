/* Bindings for the sweep engine's C parts: vt.sqlite (a database handle:
 * db:exec(sql, ...) -> rows) and vt.proc (worker processes and messages,
 * used by lua/vitrum/sweep.lua; see doc/sweeps.md). Argument conversion and
 * one core call each: the driver logic is Lua. */
#include "lua/lvitrum.h"
#include "sweep/proc.h"
#include "sweep/store.h"
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define VTL_SQLITE "vt.sqlite"

typedef struct { vt_db *db; } l_db;

static vt_db *checkdb(lua_State *L, int idx)
{
  l_db *u = luaL_checkudata(L, idx, VTL_SQLITE);
  if (!u->db) luaL_argerror(L, idx, "the database has been closed");
  return u->db;
}

/* vt.sqlite(path [, { readonly=false, create=true, busy=10 }]) */
static int l_open(lua_State *L)
{
  const char *path = luaL_checkstring(L, 1);
  int readonly = 0, create = 1;
  double busy = 10;
  if (!lua_isnoneornil(L, 2)) {
    static const char *const known[] = {"readonly", "create", "busy", NULL};
    vtl_checkopts(L, 2, "vt.sqlite", known);
    readonly = vtl_optboolean_field(L, 2, "readonly", 0);
    create = vtl_optboolean_field(L, 2, "create", 1);
    busy = vtl_optnumber_field(L, 2, "busy", 10);
  }
  l_db *u = lua_newuserdatauv(L, sizeof *u, 0);
  u->db = NULL;
  luaL_setmetatable(L, VTL_SQLITE);
  vtl_check(L, vt_db_open(&u->db, path, readonly ? VT_DB_READONLY : (create ? VT_DB_CREATE : 0),
                          (int)(busy * 1000)));
  return 1;
}

typedef struct { lua_State *L; lua_Integer nrows; int names_done; } rowctx;

static int on_row(void *vctx, int ncol, const char *const *names, const vt_db_value *vals)
{
  rowctx *c = vctx;
  lua_State *L = c->L;               /* rows, names on top */
  if (!c->names_done) {
    for (int k = 0; k < ncol; k++) { lua_pushstring(L, names[k]); lua_rawseti(L, -2, k + 1); }
    c->names_done = 1;
  }
  lua_createtable(L, 0, ncol);
  for (int k = 0; k < ncol; k++) {
    const vt_db_value *v = &vals[k];
    switch (v->type) {
    case VT_DB_INT: lua_pushinteger(L, (lua_Integer)v->i); break;
    case VT_DB_REAL: lua_pushnumber(L, v->r); break;
    case VT_DB_TEXT: case VT_DB_BLOB: lua_pushlstring(L, v->p ? v->p : "", v->len); break;
    default: continue;              /* NULL: the field is absent */
    }
    lua_setfield(L, -2, names[k]);
  }
  lua_rawseti(L, -3, ++c->nrows);
  return 0;
}

/* db:exec(sql, ...) -> rows (list of {column=value}), column names. Each
 * extra argument binds one '?': nil, boolean (0/1), integer, number, string
 * (text), vt.array (blob of its doubles) or { blob = string }. */
static int db_exec(lua_State *L)
{
  vt_db *db = checkdb(L, 1);
  const char *sql = luaL_checkstring(L, 2);
  int np = lua_gettop(L) - 2;
  vt_db_value *pv = np > 0 ? lua_newuserdatauv(L, (size_t)np * sizeof *pv, 0) : NULL;
  for (int k = 0; k < np; k++) {
    int idx = k + 3;
    vt_db_value *v = &pv[k];
    memset(v, 0, sizeof *v);
    vt_array *a;
    switch (lua_type(L, idx)) {
    case LUA_TNIL: v->type = VT_DB_NULL; break;
    case LUA_TBOOLEAN: v->type = VT_DB_INT; v->i = lua_toboolean(L, idx); break;
    case LUA_TNUMBER:
      if (lua_isinteger(L, idx)) { v->type = VT_DB_INT; v->i = (long long)lua_tointeger(L, idx); }
      else { v->type = VT_DB_REAL; v->r = lua_tonumber(L, idx); }
      break;
    case LUA_TSTRING: v->type = VT_DB_TEXT; v->p = lua_tolstring(L, idx, &v->len); break;
    case LUA_TTABLE:
      if (lua_getfield(L, idx, "blob") != LUA_TSTRING) luaL_argerror(L, idx, "a table parameter needs a string field 'blob'");
      v->type = VT_DB_BLOB;
      v->p = lua_tolstring(L, -1, &v->len);   /* anchored in the table */
      lua_pop(L, 1);
      break;
    default:
      if ((a = vtl_toarray_opt(L, idx)) != NULL) {
        v->type = VT_DB_BLOB;
        v->p = a->data;
        v->len = a->n * a->k * sizeof(double);
        break;
      }
      return luaL_argerror(L, idx, lua_pushfstring(L, "cannot store a %s in SQLite", luaL_typename(L, idx)));
    }
  }
  lua_newtable(L);                   /* rows */
  lua_newtable(L);                   /* names */
  lua_insert(L, -2);                 /* names, rows */
  lua_insert(L, -2);                 /* rows, names */
  rowctx c = {L, 0, 0};
  vtl_check(L, vt_db_exec(db, sql, np, pv, on_row, &c));
  return 2;
}

static int db_changes(lua_State *L) { lua_pushinteger(L, (lua_Integer)vt_db_changes(checkdb(L, 1))); return 1; }

static int db_close(lua_State *L)
{
  l_db *u = luaL_checkudata(L, 1, VTL_SQLITE);
  vt_db_close(u->db);
  u->db = NULL;
  return 0;
}

static int db_tostring(lua_State *L)
{
  l_db *u = luaL_checkudata(L, 1, VTL_SQLITE);
  if (u->db) lua_pushfstring(L, "vt.sqlite(%s)", vt_db_path(u->db));
  else lua_pushliteral(L, "vt.sqlite(closed)");
  return 1;
}

/* ---- vt.proc ---- */

/* vt.proc.spawn(argv, env) -> pid, fd: the child gets its end as fd 3 */
static int p_spawn(lua_State *L)
{
  luaL_checktype(L, 1, LUA_TTABLE);
  int na = (int)luaL_len(L, 1), ne = 0;
  if (na < 1) return luaL_argerror(L, 1, "empty argument list");
  if (!lua_isnoneornil(L, 2)) { luaL_checktype(L, 2, LUA_TTABLE); ne = (int)luaL_len(L, 2); }
  const char **argv = lua_newuserdatauv(L, (size_t)(na + 1) * sizeof *argv, 0);
  const char **env = lua_newuserdatauv(L, (size_t)(ne + 1) * sizeof *env, 0);
  lua_newtable(L);                   /* anchors the strings */
  int anchor = lua_gettop(L);
  for (int i = 0; i < na; i++) {
    lua_geti(L, 1, i + 1);
    argv[i] = luaL_checkstring(L, -1);
    lua_rawseti(L, anchor, i + 1);
  }
  argv[na] = NULL;
  for (int i = 0; i < ne; i++) {
    lua_geti(L, 2, i + 1);
    env[i] = luaL_checkstring(L, -1);
    lua_rawseti(L, anchor, na + i + 1);
  }
  env[ne] = NULL;
  pid_t pid;
  int fd;
  vtl_check(L, vt_proc_spawn(argv, env, 3, &pid, &fd));
  lua_pushinteger(L, pid);
  lua_pushinteger(L, fd);
  return 2;
}

static int p_send(lua_State *L)
{
  int fd = (int)luaL_checkinteger(L, 1);
  size_t len;
  const char *s = luaL_checklstring(L, 2, &len);
  int rc = vt_msg_send(fd, s, len);
  if (rc < 0) { lua_pushnil(L); lua_pushstring(L, vt_errmsg()); return 2; }
  lua_pushboolean(L, 1);
  return 1;
}

/* -> message, or nil, "eof" | error message */
static int p_recv(lua_State *L)
{
  int fd = (int)luaL_checkinteger(L, 1);
  char *buf;
  size_t len;
  int rc = vt_msg_recv(fd, &buf, &len);
  if (rc == 1) { lua_pushnil(L); lua_pushliteral(L, "eof"); return 2; }
  if (rc < 0) { lua_pushnil(L); lua_pushstring(L, vt_errmsg()); return 2; }
  lua_pushlstring(L, buf, len);
  free(buf);
  return 1;
}

/* vt.proc.poll({fd, ...}, timeout) -> list of the indices that are ready */
static int p_poll(lua_State *L)
{
  luaL_checktype(L, 1, LUA_TTABLE);
  int n = (int)luaL_len(L, 1);
  double timeout = luaL_optnumber(L, 2, -1);
  int *fds = lua_newuserdatauv(L, (size_t)(n ? n : 1) * 2 * sizeof(int), 0);
  int *ready = fds + (n ? n : 1);
  for (int i = 0; i < n; i++) { lua_geti(L, 1, i + 1); fds[i] = (int)luaL_checkinteger(L, -1); lua_pop(L, 1); }
  vtl_check(L, vt_proc_poll(fds, n, timeout, ready));
  lua_newtable(L);
  int m = 0;
  for (int i = 0; i < n; i++) if (ready[i]) { lua_pushinteger(L, i + 1); lua_rawseti(L, -2, ++m); }
  return 1;
}

/* vt.proc.wait(pid [, block]) -> "running" | "exited", code | "killed", signal */
static int p_wait(lua_State *L)
{
  int state, code;
  vtl_check(L, vt_proc_wait((pid_t)luaL_checkinteger(L, 1), lua_toboolean(L, 2), &state, &code));
  static const char *const names[] = {"running", "exited", "killed"};
  lua_pushstring(L, names[state]);
  lua_pushinteger(L, code);
  return 2;
}

static int p_kill(lua_State *L)
{
  static const char *const sigs[] = {"TERM", "KILL", "INT", NULL};
  static const int nums[] = {SIGTERM, SIGKILL, SIGINT};
  int sig = nums[luaL_checkoption(L, 2, "TERM", sigs)];
  vtl_check(L, vt_proc_kill((pid_t)luaL_checkinteger(L, 1), sig));
  return 0;
}

static int p_close(lua_State *L) { close((int)luaL_checkinteger(L, 1)); return 0; }

static int p_die_with_parent(lua_State *L)
{
  int gone = vtl_check(L, vt_proc_die_with_parent((pid_t)luaL_checkinteger(L, 1)));
  lua_pushboolean(L, gone);
  return 1;
}

/* vt.proc.lock(path) -> fd | nil, holder pid (0 if unknown) */
static int p_lock(lua_State *L)
{
  int fd;
  long holder;
  int rc = vtl_check(L, vt_proc_lock(luaL_checkstring(L, 1), &fd, &holder));
  if (rc == 1) { lua_pushnil(L); lua_pushinteger(L, (lua_Integer)holder); return 2; }
  lua_pushinteger(L, fd);
  return 1;
}

static int p_unlock(lua_State *L) { vt_proc_unlock((int)luaL_checkinteger(L, 1)); return 0; }

static int p_info(lua_State *L)
{
  char host[256];
  lua_createtable(L, 0, 5);
  if (vt_proc_hostname(host, sizeof host) == 0) { lua_pushstring(L, host); lua_setfield(L, -2, "host"); }
  lua_pushinteger(L, vt_proc_ncores()); lua_setfield(L, -2, "cores");
  lua_pushinteger(L, (lua_Integer)getpid()); lua_setfield(L, -2, "pid");
  lua_pushboolean(L, vt_proc_isatty(2)); lua_setfield(L, -2, "stderr_tty");
  char *exe = vt_proc_self_exe();
  if (exe) { lua_pushstring(L, exe); lua_setfield(L, -2, "exe"); free(exe); }
  return 1;
}

/* vt.proc.array_bytes(a) -> string of its n*k doubles (native order), n, k (0 for a vector) */
static int p_array_bytes(lua_State *L)
{
  vt_array *a = vtl_checkarray(L, 1);
  lua_pushlstring(L, (const char *)a->data, a->n * a->k * sizeof(double));
  lua_pushinteger(L, (lua_Integer)a->n);
  lua_pushinteger(L, a->vector ? 0 : (lua_Integer)a->k);
  return 3;
}

/* vt.proc.bytes_array(s, k) -> array (k = 0: a vector) */
static int p_bytes_array(lua_State *L)
{
  size_t len;
  const char *s = luaL_checklstring(L, 1, &len);
  lua_Integer k = luaL_optinteger(L, 2, 0);
  luaL_argcheck(L, k >= 0, 2, "column count must be non-negative");
  size_t row = (size_t)(k ? k : 1) * sizeof(double);
  if (len % row) return luaL_error(L, "vt.proc.bytes_array: %d bytes are not rows of %d doubles", (int)len, (int)(k ? k : 1));
  vt_array *a = vt_array_alloc(len / row, (size_t)k);
  if (a && len) memcpy(a->data, s, len);
  vtl_pusharray(L, a);
  return 1;
}

int vtl_open_sweep(lua_State *L)
{
  static const luaL_Reg meta[] = {{"__gc", db_close}, {"__close", db_close}, {"__tostring", db_tostring}, {NULL, NULL}};
  static const luaL_Reg methods[] = {{"exec", db_exec}, {"changes", db_changes}, {"close", db_close}, {NULL, NULL}};
  vtl_newclass(L, VTL_SQLITE, meta, methods);
  lua_pushcfunction(L, l_open);
  lua_setfield(L, -2, "sqlite");
  static const luaL_Reg proc[] = {
    {"spawn", p_spawn}, {"send", p_send}, {"recv", p_recv}, {"poll", p_poll}, {"wait", p_wait},
    {"kill", p_kill}, {"close", p_close}, {"die_with_parent", p_die_with_parent}, {"info", p_info},
    {"lock", p_lock}, {"unlock", p_unlock},
    {"array_bytes", p_array_bytes}, {"bytes_array", p_bytes_array}, {NULL, NULL}};
  luaL_newlib(L, proc);
  lua_setfield(L, -2, "proc");
  return 0;
}
