/* Shared helpers of the binding layer. Bindings are thin: check arguments,
 * call one public C function (vitrum.h only, never core internals), convert
 * the result. One file per Lua object type; each exports
 * `int vtl_open_<name>(lua_State *L)`, called with the `vt` table on top of
 * the stack, and is listed once in bindings.inc. */
#ifndef VT_LVITRUM_H
#define VT_LVITRUM_H
#include <lauxlib.h>
#include <lua.h>
#include "vitrum.h"

/* Metatable names (luaL_newmetatable sets __name to these). */
#define VTL_SYSTEM "vt.system"
#define VTL_ARRAY "vt.array"
#define VTL_POTENTIAL "vt.potential"
#define VTL_OBSERVER "vt.observer"
#define VTL_TRAJECTORY "vt.trajectory"

/* Raise the core's last error as a Lua error if rc < 0; returns rc otherwise. */
int vtl_check(lua_State *L, int rc);
/* Raise `what: <core message>` */
int vtl_fail(lua_State *L, const char *what);

/* Objects. */
vt_system *vtl_checksystem(lua_State *L, int idx);
vt_system **vtl_pushsystem(lua_State *L, vt_system *s);   /* takes ownership */
vt_array *vtl_checkarray(lua_State *L, int idx);
vt_array *vtl_toarray_opt(lua_State *L, int idx);          /* NULL if not an array */
void vtl_pusharray(lua_State *L, vt_array *a);              /* takes the reference */
vt_potential *vtl_checkpotential(lua_State *L, int idx);
void vtl_pushpotential(lua_State *L, vt_potential *p);      /* takes the reference */
vt_observer *vtl_checkobserver(lua_State *L, int idx);      /* l_observer.c */
vt_trajectory *vtl_checktrajectory(lua_State *L, int idx);  /* l_trajectory.c: open for reading */
vt_md *vtl_checkmd(lua_State *L, int idx);                   /* its system re-linked (l_md.c) */
vt_minimizer *vtl_checkminimizer(lua_State *L, int idx);     /* l_minimize.c */

/* Read an array-or-table argument of `rows` rows and `cols` columns (cols 1:
 * a flat list or a vector array; cols 3: an n x 3 array or a list of
 * {x, y, z}) into a fresh malloc'd buffer the caller frees. */
double *vtl_checkmatrix(lua_State *L, int idx, size_t rows, size_t cols, const char *what);

/* Named-argument tables: fields must be in `known` (NULL-terminated), else
 * an error names the unknown key. Getters raise on wrong types. */
void vtl_checkopts(lua_State *L, int idx, const char *fname, const char *const *known);
double vtl_optnumber_field(lua_State *L, int idx, const char *key, double def);
lua_Integer vtl_optinteger_field(lua_State *L, int idx, const char *key, lua_Integer def);
const char *vtl_optstring_field(lua_State *L, int idx, const char *key, const char *def);
int vtl_optboolean_field(lua_State *L, int idx, const char *key, int def);

/* Install methods (as __index) and metamethods on a new metatable `name`,
 * leaving nothing on the stack (liolib's createmeta). `index_fn` may be a
 * custom __index (NULL: the method table itself). */
void vtl_newclass(lua_State *L, const char *name, const luaL_Reg *meta, const luaL_Reg *methods);

/* Open everything: leaves the vt table on the stack. Also registers the
 * embedded pure-Lua modules (vitrum.*) in package.preload. */
int vtl_open(lua_State *L);

#define VTL_BINDING(name) int vtl_open_##name(lua_State *L);
#include "lua/bindings.inc"
#undef VTL_BINDING

#endif
