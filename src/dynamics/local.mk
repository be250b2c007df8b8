# Dynamics: integrators and thermostats (velocity Verlet, Nose-Hoover chains),
# temperature schedules, the MD run loop with observers, checkpoints, restart.
libvitrum_la_SOURCES += src/dynamics/integrator.c src/dynamics/verlet.c src/dynamics/nose_hoover.c \
	src/dynamics/schedule.c src/dynamics/md.c src/dynamics/observer.c src/dynamics/swap_mc.c
nobase_vitruminclude_HEADERS += src/dynamics/integrator.h src/dynamics/schedule.h src/dynamics/md.h src/dynamics/observer.h \
	src/dynamics/swap_mc.h

check_PROGRAMS += t/dynamics_nve t/dynamics_nvt t/dynamics_restart t/dynamics_observer
TESTS += t/dynamics_nve t/dynamics_nvt t/dynamics_restart t/dynamics_observer
t_dynamics_observer_SOURCES = t/dynamics_observer.c
t_dynamics_observer_CFLAGS = $(TEST_CFLAGS)
t_dynamics_observer_LDADD = $(TEST_LDADD)
t_dynamics_nve_SOURCES = t/dynamics_nve.c
t_dynamics_nve_CFLAGS = $(TEST_CFLAGS)
t_dynamics_nve_LDADD = $(TEST_LDADD)
t_dynamics_nvt_SOURCES = t/dynamics_nvt.c
t_dynamics_nvt_CFLAGS = $(TEST_CFLAGS)
t_dynamics_nvt_LDADD = $(TEST_LDADD)
t_dynamics_restart_SOURCES = t/dynamics_restart.c
t_dynamics_restart_CFLAGS = $(TEST_CFLAGS)
t_dynamics_restart_LDADD = $(TEST_LDADD)

EXTRA_DIST += t/dynamics_common.h scripts/examples/cool_quench_heat.lua

TESTS += t/lua_md_absurd.lua
EXTRA_DIST += t/lua_md_absurd.lua
check_PROGRAMS += t/dynamics_swap
TESTS += t/dynamics_swap
t_dynamics_swap_SOURCES = t/dynamics_swap.c
t_dynamics_swap_CFLAGS = $(TEST_CFLAGS)
t_dynamics_swap_LDADD = $(TEST_LDADD)
EXTRA_DIST += scripts/swap_vhg_compare.lua scripts/bench/swap_mc.lua
