# Pair potentials: the interface, the shared kernel, one file per model.
libvitrum_la_SOURCES += src/potential/potential.c src/potential/lj_smooth.c
nobase_vitruminclude_HEADERS += src/potential/potential.h src/potential/kernel.h src/potential/registry.inc

check_PROGRAMS += t/potential_derivs t/potential_lammps
TESTS += t/potential_derivs t/potential_lammps
t_potential_derivs_SOURCES = t/potential_derivs.c
t_potential_derivs_CFLAGS = $(TEST_CFLAGS)
t_potential_derivs_LDADD = $(TEST_LDADD)
t_potential_lammps_SOURCES = t/potential_lammps.c
t_potential_lammps_CFLAGS = $(TEST_CFLAGS)
t_potential_lammps_LDADD = $(TEST_LDADD)
