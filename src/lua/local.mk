# The binding layer (one file per Lua object type) and the Lua tests.
libvitrum_lua_la_SOURCES += src/lua/lvitrum.c src/lua/l_array.c src/lua/l_potential.c src/lua/l_system.c \
	src/lua/l_homogenize.c
EXTRA_DIST += src/lua/lvitrum.h src/lua/bindings.inc

luavitrum_DATA +=

TESTS += t/lua_system.lua t/lua_array.lua
EXTRA_DIST += t/lua_system.lua t/lua_array.lua
