# The binding layer (one file per Lua object type) and the Lua tests.
libvitrum_lua_la_SOURCES += src/lua/lvitrum.c src/lua/l_array.c src/lua/l_potential.c src/lua/l_system.c \
	src/lua/l_homogenize.c src/lua/l_stats.c
EXTRA_DIST += src/lua/lvitrum.h src/lua/bindings.inc

luavitrum_DATA += lua/vitrum/output.lua lua/vitrum/vhg.lua lua/vitrum/ramp.lua lua/vitrum/help.lua

TESTS += t/lua_system.lua t/lua_array.lua t/lua_ramp.lua
EXTRA_DIST += t/lua_system.lua t/lua_array.lua t/lua_ramp.lua
libvitrum_lua_la_SOURCES += src/lua/l_voronoi.c
TESTS += t/lua_voronoi.lua
EXTRA_DIST += t/lua_voronoi.lua
libvitrum_lua_la_SOURCES += src/lua/l_hessian.c
TESTS += t/lua_hessian.lua
EXTRA_DIST += t/lua_hessian.lua
libvitrum_lua_la_SOURCES += src/lua/l_io.c src/lua/l_trajectory.c src/lua/l_h5md.c
TESTS += t/lua_io.lua t/lua_clients.lua t/lua_docs.lua t/lua_h5md.lua
EXTRA_DIST += t/lua_io.lua t/lua_clients.lua t/lua_docs.lua t/lua_h5md.lua
libvitrum_lua_la_SOURCES += src/lua/l_minimize.c
TESTS += t/lua_minimize.lua t/lua_newton.lua t/lua_vhg.lua
EXTRA_DIST += t/lua_minimize.lua t/lua_newton.lua t/lua_vhg.lua
libvitrum_lua_la_SOURCES += src/lua/l_md.c
TESTS += t/lua_md.lua t/lua_md_sigint.lua t/lua_md_lammps.lua
EXTRA_DIST += t/lua_md.lua t/lua_md_sigint.lua t/lua_md_lammps.lua
libvitrum_lua_la_SOURCES += src/lua/l_order.c
TESTS += t/lua_order.lua
EXTRA_DIST += t/lua_order.lua
libvitrum_lua_la_SOURCES += src/lua/l_observer.c
TESTS += t/lua_observer.lua t/lua_trajectory_read.lua t/lua_msd_lammps.lua
EXTRA_DIST += t/lua_observer.lua t/lua_trajectory_read.lua t/lua_msd_lammps.lua
libvitrum_lua_la_SOURCES += src/lua/l_structure.c
TESTS += t/lua_structure.lua
EXTRA_DIST += t/lua_structure.lua
TESTS += t/lua_stats.lua
EXTRA_DIST += t/lua_stats.lua
libvitrum_lua_la_SOURCES += src/lua/l_inherent.c
TESTS += t/lua_inherent.lua
EXTRA_DIST += t/lua_inherent.lua
libvitrum_lua_la_SOURCES += src/lua/l_swap_mc.c
luavitrum_DATA += lua/vitrum/swap.lua lua/vitrum/cli.lua
TESTS += t/lua_cli.lua
EXTRA_DIST += t/lua_cli.lua
TESTS += t/lua_swap.lua
EXTRA_DIST += t/lua_swap.lua
