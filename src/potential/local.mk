# Pair potentials: the interface, the shared kernel, one file per model.
libvitrum_la_SOURCES += src/potential/potential.c src/potential/support.c src/potential/support.h \
	src/potential/lj_smooth.c src/potential/pss.c src/potential/ipl.c src/potential/lj.c src/potential/hertz.c \
	src/potential/sw.c
nobase_vitruminclude_HEADERS += src/potential/potential.h src/potential/kernel.h src/potential/registry.inc

check_PROGRAMS += t/potential_derivs t/potential_models t/potential_lammps t/potential_sw
TESTS += t/potential_derivs t/potential_models t/potential_lammps t/potential_sw t/lua_potential.lua t/lua_sw.lua
EXTRA_DIST += t/lua_potential.lua t/lua_sw.lua
t_potential_derivs_SOURCES = t/potential_derivs.c
t_potential_derivs_CFLAGS = $(TEST_CFLAGS)
t_potential_derivs_LDADD = $(TEST_LDADD)
t_potential_derivs_LDFLAGS = $(OPENMP_CFLAGS)
t_potential_models_SOURCES = t/potential_models.c
t_potential_models_CFLAGS = $(TEST_CFLAGS)
t_potential_models_LDADD = $(TEST_LDADD)
t_potential_lammps_SOURCES = t/potential_lammps.c
t_potential_lammps_CFLAGS = $(TEST_CFLAGS)
t_potential_lammps_LDADD = $(TEST_LDADD)
t_potential_sw_SOURCES = t/potential_sw.c
t_potential_sw_CFLAGS = $(TEST_CFLAGS)
t_potential_sw_LDADD = $(TEST_LDADD)
t_potential_sw_LDFLAGS = $(OPENMP_CFLAGS)

TESTS += t/lua_edge.lua
EXTRA_DIST += t/lua_edge.lua
