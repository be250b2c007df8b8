/* vt.system: the particle system as Lua userdata (see core/system.h). */
#include "lua/lvitrum.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct { vt_system *s; } l_system;

vt_system *vtl_checksystem(lua_State *L, int idx)
{
  l_system *u = luaL_checkudata(L, idx, VTL_SYSTEM);
  if (!u->s) luaL_argerror(L, idx, "system has been closed");
  return u->s;
}

vt_system **vtl_pushsystem(lua_State *L, vt_system *s)
{
  l_system *u = lua_newuserdatauv(L, sizeof *u, 0);
  u->s = s;
  luaL_setmetatable(L, VTL_SYSTEM);
  return &u->s;
}

/* vt.system{ n=, density= | box={Lx,Ly,Lz}, species={{fraction=, diameter=, mass=}, ...}
 *            | diameters={law="power", exponent=, min=, max=},
 *            mass="volume"|"equal"|"species", init="lattice" (default)|"random"|"none", seed=,
 *            potential=, skin= } */
static int l_new(lua_State *L)
{
  static const char *const known[] = {"n", "density", "box", "species", "diameters", "mass",
                                      "init", "seed", "potential", "skin", NULL};
  vtl_checkopts(L, 1, "vt.system", known);
  vt_system_spec sp;
  memset(&sp, 0, sizeof sp);
  lua_Integer n = vtl_optinteger_field(L, 1, "n", 0);
  if (n < 1) return luaL_error(L, "vt.system: n must be a positive integer (got %d)", (int)n);
  sp.n = (size_t)n;
  sp.density = vtl_optnumber_field(L, 1, "density", 0.0);
  lua_getfield(L, 1, "box");
  if (!lua_isnil(L, -1)) {
    if (sp.density != 0.0) return luaL_error(L, "vt.system: give density or box, not both");
    double *b = vtl_checkmatrix(L, -1, 3, 1, "vt.system box");
    memcpy(sp.box, b, sizeof sp.box);
    free(b);
    if (!(sp.box[0] > 0)) return luaL_error(L, "vt.system: box lengths must be positive");
  } else if (sp.density == 0.0) {
    return luaL_error(L, "vt.system: give density= or box={Lx, Ly, Lz}");
  }
  lua_pop(L, 1);
  sp.seed = (unsigned long)vtl_optinteger_field(L, 1, "seed", 1);

  const char *massrule = vtl_optstring_field(L, 1, "mass", NULL);
  int per_species_mass = 0;
  lua_getfield(L, 1, "species");
  lua_getfield(L, 1, "diameters");
  if (!lua_isnil(L, -2) && !lua_isnil(L, -1)) return luaL_error(L, "vt.system: give species or diameters, not both");
  if (!lua_isnil(L, -1)) {
    static const char *const dknown[] = {"law", "exponent", "min", "max", NULL};
    vtl_checkopts(L, -1, "vt.system diameters", dknown);
    const char *law = vtl_optstring_field(L, -1, "law", "power");
    if (strcmp(law, "power") != 0) return luaL_error(L, "vt.system: diameter law '%s' unknown (known: power)", law);
    sp.diameter_law = VT_DIAM_POWER;
    sp.exponent = vtl_optnumber_field(L, -1, "exponent", -3.0);
    sp.dmin = vtl_optnumber_field(L, -1, "min", 0.0);
    sp.dmax = vtl_optnumber_field(L, -1, "max", 0.0);
  } else if (!lua_isnil(L, -2)) {
    luaL_checktype(L, -2, LUA_TTABLE);
    int ns = (int)luaL_len(L, -2);
    if (ns < 1 || ns > VT_MAX_SPECIES) return luaL_error(L, "vt.system: between 1 and %d species", VT_MAX_SPECIES);
    sp.nspecies = ns;
    for (int t = 0; t < ns; t++) {
      static const char *const sknown[] = {"fraction", "diameter", "mass", NULL};
      lua_geti(L, -2, t + 1);
      if (!lua_istable(L, -1)) return luaL_error(L, "vt.system: species %d must be a table {fraction=, diameter=}", t + 1);
      vtl_checkopts(L, -1, "vt.system species", sknown);
      sp.species[t].fraction = vtl_optnumber_field(L, -1, "fraction", 1.0 / ns);
      sp.species[t].diameter = vtl_optnumber_field(L, -1, "diameter", 1.0);
      sp.species[t].mass = vtl_optnumber_field(L, -1, "mass", 0.0);
      if (sp.species[t].mass != 0.0) per_species_mass = 1;
      lua_pop(L, 1);
    }
  } else {
    sp.nspecies = 1;
    sp.species[0].fraction = 1.0;
    sp.species[0].diameter = 1.0;
  }
  lua_pop(L, 2);
  if (massrule == NULL) sp.mass_rule = per_species_mass ? VT_MASS_SPECIES : VT_MASS_EQUAL;
  else if (strcmp(massrule, "equal") == 0) sp.mass_rule = VT_MASS_EQUAL;
  else if (strcmp(massrule, "volume") == 0) sp.mass_rule = VT_MASS_VOLUME;
  else if (strcmp(massrule, "species") == 0) sp.mass_rule = VT_MASS_SPECIES;
  else return luaL_error(L, "vt.system: mass '%s' unknown (known: equal, volume, species)", massrule);
  if (per_species_mass && sp.mass_rule != VT_MASS_SPECIES)
    return luaL_error(L, "vt.system: per-species masses were given but mass='%s'", massrule);

  const char *init = vtl_optstring_field(L, 1, "init", "lattice");
  if (strcmp(init, "random") == 0) sp.init = VT_INIT_RANDOM;
  else if (strcmp(init, "lattice") == 0) sp.init = VT_INIT_LATTICE;
  else if (strcmp(init, "none") == 0) sp.init = VT_INIT_NONE;
  else return luaL_error(L, "vt.system: init '%s' unknown (known: random, lattice, none)", init);

  vt_potential *pot = NULL;
  lua_getfield(L, 1, "potential");
  if (!lua_isnil(L, -1)) pot = vtl_checkpotential(L, -1);
  lua_pop(L, 1);
  double skin = vtl_optnumber_field(L, 1, "skin", 0.3);
  if (!(skin >= 0 && skin < 1e3)) return luaL_error(L, "vt.system: skin must be non-negative");

  vt_system **ps = vtl_pushsystem(L, NULL);
  vtl_check(L, vt_system_create(&sp, ps));
  (*ps)->skin = skin;
  if (pot) vtl_check(L, vt_system_set_potential(*ps, pot));
  return 1;
}

static int s_gc(lua_State *L)
{
  l_system *u = luaL_checkudata(L, 1, VTL_SYSTEM);
  vt_system_free(u->s);
  u->s = NULL;
  return 0;
}

static int s_tostring(lua_State *L)
{
  l_system *u = luaL_checkudata(L, 1, VTL_SYSTEM);
  vt_system *s = u->s;
  if (!s) { lua_pushliteral(L, "vt.system (closed)"); return 1; }
  char buf[512];
  snprintf(buf, sizeof buf, "vt.system: %zu particles, %d type%s, box %.6g x %.6g x %.6g, density %.6g, potential %s",
           s->n, s->ntypes, s->ntypes == 1 ? "" : "s", s->box[0], s->box[1], s->box[2],
           s->n / vt_system_volume(s), s->pot ? s->pot->desc : "none");
  lua_pushstring(L, buf);
  return 1;
}

static void push_vec3(lua_State *L, const double *src, size_t n)
{
  vt_array *a = vt_array_alloc(n, 3);
  if (a) memcpy(a->data, src, 3 * n * sizeof(double));
  vtl_pusharray(L, a);
}

static void push_vec1(lua_State *L, const double *src, size_t n)
{
  vt_array *a = vt_array_alloc(n, 0);
  if (a) memcpy(a->data, src, n * sizeof(double));
  vtl_pusharray(L, a);
}

/* Positions wrapped into [0, L) and images to match (vt_io_wrapped): the
 * core lets positions drift out of the box between neighbor-list builds. */
static void push_wrapped(lua_State *L, const vt_system *s, int images)
{
  vt_array *a = vt_array_alloc(s->n, 3);
  if (!a) { luaL_error(L, "out of memory"); return; }
  for (size_t i = 0; i < s->n; i++) {
    double x[3];
    int im[3];
    vt_io_wrapped(s, i, x, im);
    for (int k = 0; k < 3; k++) a->data[3 * i + k] = images ? im[k] : x[k];
  }
  vtl_pusharray(L, a);
}

static int s_positions(lua_State *L) { push_wrapped(L, vtl_checksystem(L, 1), 0); return 1; }
static int s_velocities(lua_State *L) { vt_system *s = vtl_checksystem(L, 1); push_vec3(L, s->v, s->n); return 1; }
static int s_diameters(lua_State *L) { vt_system *s = vtl_checksystem(L, 1); push_vec1(L, s->sigma, s->n); return 1; }
static int s_masses(lua_State *L) { vt_system *s = vtl_checksystem(L, 1); push_vec1(L, s->mass, s->n); return 1; }

static int s_unwrapped(lua_State *L)
{
  vt_system *s = vtl_checksystem(L, 1);
  vt_array *a = vt_array_alloc(s->n, 3);
  if (!a) return luaL_error(L, "out of memory");
  vt_system_unwrapped(s, a->data);
  vtl_pusharray(L, a);
  return 1;
}

static int s_images(lua_State *L) { push_wrapped(L, vtl_checksystem(L, 1), 1); return 1; }

static int s_types(lua_State *L)
{
  vt_system *s = vtl_checksystem(L, 1);
  vt_array *a = vt_array_alloc(s->n, 0);
  if (!a) return luaL_error(L, "out of memory");
  for (size_t i = 0; i < s->n; i++) a->data[i] = s->type[i];
  vtl_pusharray(L, a);
  return 1;
}

static int s_forces(lua_State *L)
{
  vt_system *s = vtl_checksystem(L, 1);
  vtl_check(L, vt_system_compute(s, VT_ENERGY));
  push_vec3(L, s->f, s->n);
  return 1;
}

static int s_energy(lua_State *L)
{
  vt_system *s = vtl_checksystem(L, 1);
  vtl_check(L, vt_system_compute(s, VT_ENERGY));
  lua_pushnumber(L, s->energy);
  return 1;
}

/* per-particle potential energies (half of each pair to each partner) */
static int s_energies(lua_State *L)
{
  vt_system *s = vtl_checksystem(L, 1);
  vtl_check(L, vt_system_compute(s, VT_ENERGY | VT_EATOM));
  push_vec1(L, s->eatom, s->n);
  return 1;
}

/* s:pressure() total; s:pressure{excess=true} the virial part only */
static int s_pressure(lua_State *L)
{
  static const char *const known[] = {"excess", NULL};
  vt_system *s = vtl_checksystem(L, 1);
  int excess = 0;
  if (!lua_isnoneornil(L, 2)) {
    vtl_checkopts(L, 2, "pressure", known);
    excess = vtl_optboolean_field(L, 2, "excess", 0);
  }
  double p;
  vtl_check(L, vt_system_pressure(s, excess, &p));
  lua_pushnumber(L, p);
  return 1;
}

/* s:virial() -> {xx=, yy=, zz=, xy=, xz=, yz=} total virial tensor sum r_ij f_ij */
static int s_virial(lua_State *L)
{
  static const char *const names[6] = {"xx", "yy", "zz", "xy", "xz", "yz"};
  vt_system *s = vtl_checksystem(L, 1);
  vtl_check(L, vt_system_compute(s, VT_ENERGY | VT_VIRIAL));
  lua_createtable(L, 0, 6);
  for (int k = 0; k < 6; k++) { lua_pushnumber(L, s->virial[k]); lua_setfield(L, -2, names[k]); }
  return 1;
}

static int s_kinetic_energy(lua_State *L) { lua_pushnumber(L, vt_system_kinetic_energy(vtl_checksystem(L, 1))); return 1; }
static int s_temperature(lua_State *L) { lua_pushnumber(L, vt_system_temperature(vtl_checksystem(L, 1))); return 1; }

static int s_thermalize(lua_State *L)
{
  static const char *const known[] = {"T", "seed", NULL};
  vt_system *s = vtl_checksystem(L, 1);
  vtl_checkopts(L, 2, "thermalize", known);
  lua_getfield(L, 2, "T");
  if (lua_isnil(L, -1)) return luaL_error(L, "thermalize: T= is required");
  lua_pop(L, 1);
  double T = vtl_optnumber_field(L, 2, "T", 1.0);
  lua_Integer seed = vtl_optinteger_field(L, 2, "seed", 1);
  vtl_check(L, vt_system_thermalize(s, T, (unsigned long)seed));
  return 0;
}

static int s_zero_momentum(lua_State *L) { vt_system_zero_momentum(vtl_checksystem(L, 1)); return 0; }

static int s_copy(lua_State *L)
{
  vt_system *s = vtl_checksystem(L, 1);
  vt_system **ps = vtl_pushsystem(L, NULL);
  vtl_check(L, vt_system_copy(s, ps));
  return 1;
}

/* s:set_mass_rule("equal" | "volume" | "species" | "explicit") applies the rule */
static int s_set_mass_rule(lua_State *L)
{
  static const char *const rules[] = {"equal", "volume", "species", "explicit", NULL};
  vt_system *s = vtl_checksystem(L, 1);
  int r = luaL_checkoption(L, 2, NULL, rules);
  vtl_check(L, vt_system_set_mass_rule(s, r));
  return 0;
}

/* s:invalidate(): forget cached energies and forces (the next request
 * recomputes them); for benchmarks and for code that edits state behind
 * vitrum's back */
static int s_invalidate(lua_State *L)
{
  vt_system_invalidate(vtl_checksystem(L, 1));
  return 0;
}

/* s:assign(other): take over other's whole state in place (same n) */
static int s_assign(lua_State *L)
{
  vt_system *s = vtl_checksystem(L, 1), *o = vtl_checksystem(L, 2);
  vtl_check(L, vt_system_assign(s, o));
  lua_settop(L, 1);
  return 1;
}

static int s_set_potential(lua_State *L)
{
  vt_system *s = vtl_checksystem(L, 1);
  vt_potential *p = lua_isnil(L, 2) ? NULL : vtl_checkpotential(L, 2);
  vtl_check(L, vt_system_set_potential(s, p));
  lua_settop(L, 1);
  return 1;
}

static int s_potential(lua_State *L)
{
  vt_system *s = vtl_checksystem(L, 1);
  if (!s->pot) { lua_pushnil(L); return 1; }
  vtl_pushpotential(L, vt_potential_ref(s->pot));
  return 1;
}

#define SETTER3(fn, call, what)                                        \
  static int fn(lua_State *L)                                          \
  {                                                                    \
    vt_system *s = vtl_checksystem(L, 1);                              \
    double *d = vtl_checkmatrix(L, 2, s->n, 3, what);                  \
    int rc = call(s, d);                                               \
    free(d);                                                           \
    vtl_check(L, rc);                                                  \
    return 0;                                                          \
  }
SETTER3(s_set_positions, vt_system_set_positions, "set_positions")
SETTER3(s_set_velocities, vt_system_set_velocities, "set_velocities")

#define SETTER1(fn, call, what)                                        \
  static int fn(lua_State *L)                                          \
  {                                                                    \
    vt_system *s = vtl_checksystem(L, 1);                              \
    double *d = vtl_checkmatrix(L, 2, s->n, 1, what);                  \
    int rc = call(s, d);                                               \
    free(d);                                                           \
    vtl_check(L, rc);                                                  \
    return 0;                                                          \
  }
SETTER1(s_set_diameters, vt_system_set_diameters, "set_diameters")
SETTER1(s_set_masses, vt_system_set_masses, "set_masses")

static int s_set_types(lua_State *L)
{
  vt_system *s = vtl_checksystem(L, 1);
  double *d = vtl_checkmatrix(L, 2, s->n, 1, "set_types");
  int *t = malloc(s->n * sizeof *t);
  int bad = -1;
  for (size_t i = 0; t && i < s->n; i++) {
    t[i] = (int)d[i];
    if ((double)t[i] != d[i] && bad < 0) bad = (int)i;
  }
  free(d);
  if (!t) return luaL_error(L, "out of memory");
  if (bad >= 0) { free(t); return luaL_error(L, "set_types: type of particle %d is not an integer", bad + 1); }
  int rc = vt_system_set_types(s, t);
  free(t);
  vtl_check(L, rc);
  return 0;
}

static int s_set_box(lua_State *L)
{
  vt_system *s = vtl_checksystem(L, 1);
  double *b = vtl_checkmatrix(L, 2, 3, 1, "set_box");
  int rc = vt_system_set_box(s, b);
  free(b);
  vtl_check(L, rc);
  return 0;
}

/* s:pressure_tensor([{excess=true}]) -> {xx=, yy=, zz=, xy=, xz=, yz=} kinetic + virial over V */
static int s_pressure_tensor(lua_State *L)
{
  static const char *const known[] = {"excess", NULL};
  static const char *const names[6] = {"xx", "yy", "zz", "xy", "xz", "yz"};
  vt_system *s = vtl_checksystem(L, 1);
  int excess = 0;
  if (!lua_isnoneornil(L, 2)) {
    vtl_checkopts(L, 2, "pressure_tensor", known);
    excess = vtl_optboolean_field(L, 2, "excess", 0);
  }
  double P[6];
  vtl_check(L, vt_system_pressure_tensor(s, excess, P));
  lua_createtable(L, 0, 6);
  for (int k = 0; k < 6; k++) { lua_pushnumber(L, P[k]); lua_setfield(L, -2, names[k]); }
  return 1;
}

static int s_index(lua_State *L)
{
  vt_system *s = vtl_checksystem(L, 1);
  const char *k = luaL_checkstring(L, 2);
  if (strcmp(k, "n") == 0) { lua_pushinteger(L, (lua_Integer)s->n); return 1; }
  if (strcmp(k, "volume") == 0) { lua_pushnumber(L, vt_system_volume(s)); return 1; }
  if (strcmp(k, "density") == 0) { lua_pushnumber(L, s->n / vt_system_volume(s)); return 1; }
  if (strcmp(k, "ntypes") == 0) { lua_pushinteger(L, s->ntypes); return 1; }
  if (strcmp(k, "skin") == 0) { lua_pushnumber(L, s->skin); return 1; }
  if (strcmp(k, "box") == 0) {
    lua_createtable(L, 3, 0);
    for (int q = 0; q < 3; q++) { lua_pushnumber(L, s->box[q]); lua_rawseti(L, -2, q + 1); }
    return 1;
  }
  if (strcmp(k, "mass_rule") == 0) {
    static const char *const r[] = {"equal", "volume", "species", "explicit"};
    lua_pushstring(L, r[s->mass_rule >= 0 && s->mass_rule <= 3 ? s->mass_rule : 3]);
    return 1;
  }
  luaL_getmetafield(L, 1, "methods");
  lua_getfield(L, -1, k);
  return 1;
}

static int s_newindex(lua_State *L)
{
  vt_system *s = vtl_checksystem(L, 1);
  const char *k = luaL_checkstring(L, 2);
  if (strcmp(k, "skin") == 0) {
    double v = luaL_checknumber(L, 3);
    luaL_argcheck(L, v >= 0 && v < 1e3, 3, "skin must be non-negative");
    s->skin = v;
    return 0;
  }
  return luaL_error(L, "vt.system: field '%s' cannot be set (use the set_* methods)", k);
}

int vtl_open_system(lua_State *L)
{
  static const luaL_Reg meta[] = {
    {"__index", s_index}, {"__newindex", s_newindex}, {"__gc", s_gc}, {"__close", s_gc},
    {"__tostring", s_tostring}, {NULL, NULL}
  };
  static const luaL_Reg methods[] = {
    {"positions", s_positions}, {"velocities", s_velocities}, {"forces", s_forces},
    {"diameters", s_diameters}, {"masses", s_masses}, {"types", s_types},
    {"unwrapped", s_unwrapped}, {"images", s_images},
    {"set_positions", s_set_positions}, {"set_velocities", s_set_velocities},
    {"set_diameters", s_set_diameters}, {"set_masses", s_set_masses}, {"set_types", s_set_types},
    {"set_box", s_set_box},
    {"set_mass_rule", s_set_mass_rule}, {"copy", s_copy}, {"assign", s_assign}, {"invalidate", s_invalidate}, {"set_potential", s_set_potential}, {"potential", s_potential},
    {"energy", s_energy}, {"energies", s_energies}, {"pressure", s_pressure}, {"pressure_tensor", s_pressure_tensor}, {"virial", s_virial},
    {"kinetic_energy", s_kinetic_energy}, {"temperature", s_temperature},
    {"thermalize", s_thermalize}, {"zero_momentum", s_zero_momentum},
    {NULL, NULL}
  };
  vtl_newclass(L, VTL_SYSTEM, meta, methods);
  lua_pushcfunction(L, l_new);
  lua_setfield(L, -2, "system");
  return 0;
}
