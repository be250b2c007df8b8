/* The loadable module for a stock lua5.4: `require "vitrum"`. */
#include "lua/lvitrum.h"

int luaopen_vitrum(lua_State *L);

int luaopen_vitrum(lua_State *L)
{
  return vtl_open(L);
}
