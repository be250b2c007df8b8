# The binding layer (one file per Lua object type) and the Lua tests.
libvitrum_lua_la_SOURCES += src/lua/lvitrum.c src/lua/l_array.c src/lua/l_potential.c src/lua/l_system.c \
	src/lua/l_homogenize.c src/lua/l_stats.c
EXTRA_DIST += src/lua/lvitrum.h src/lua/bindings.inc

luavitrum_DATA += lua/vitrum/output.lua lua/vitrum/vhg.lua lua/vitrum/ramp.lua

TESTS += t/lua_system.lua t/lua_array.lua t/lua_ramp.lua
EXTRA_DIST += t/lua_system.lua t/lua_array.lua t/lua_ramp.lua
libvitrum_lua_la_SOURCES += src/lua/l_voronoi.c
TESTS += t/lua_voronoi.lua
EXTRA_DIST += t/lua_voronoi.lua
libvitrum_lua_la_SOURCES += src/lua/l_hessian.c
TESTS += t/lua_hessian.lua
EXTRA_DIST += t/lua_hessian.lua
libvitrum_lua_la_SOURCES += src/lua/l_io.c src/lua/l_trajectory.c
TESTS += t/lua_io.lua
EXTRA_DIST += t/lua_io.lua
libvitrum_lua_la_SOURCES += src/lua/l_minimize.c
TESTS += t/lua_minimize.lua t/lua_newton.lua t/lua_vhg.lua
EXTRA_DIST += t/lua_minimize.lua t/lua_newton.lua t/lua_vhg.lua
libvitrum_lua_la_SOURCES += src/lua/l_md.c
TESTS += t/lua_md.lua t/lua_md_sigint.lua t/lua_md_lammps.lua
EXTRA_DIST += t/lua_md.lua t/lua_md_sigint.lua t/lua_md_lammps.lua
libvitrum_lua_la_SOURCES += src/lua/l_order.c
TESTS += t/lua_order.lua
EXTRA_DIST += t/lua_order.lua
libvitrum_lua_la_SOURCES += src/lua/l_swap_mc.c
luavitrum_DATA += lua/vitrum/swap.lua
TESTS += t/lua_swap.lua
EXTRA_DIST += t/lua_swap.lua
