# Core: errors, arrays, the system, neighbor lists, force evaluation.
libvitrum_la_SOURCES += src/core/error.c src/core/util.c src/core/array.c \
	src/core/system.c src/core/neighbor.c src/core/compute.c
nobase_vitruminclude_HEADERS += src/core/error.h src/core/util.h src/core/array.h \
	src/core/system.h src/core/neighbor.h

check_PROGRAMS += t/core_system t/core_array t/core_neighbor
TESTS += t/core_system t/core_array t/core_neighbor
t_core_system_SOURCES = t/core_system.c t/core_util.h
t_core_system_CFLAGS = $(TEST_CFLAGS)
t_core_system_LDADD = $(TEST_LDADD)
t_core_array_SOURCES = t/core_array.c
t_core_array_CFLAGS = $(TEST_CFLAGS)
t_core_array_LDADD = $(TEST_LDADD)
t_core_neighbor_SOURCES = t/core_neighbor.c t/core_util.h
t_core_neighbor_CFLAGS = $(TEST_CFLAGS)
t_core_neighbor_LDADD = $(TEST_LDADD)

# Cell lists and the single-particle energy query (local Monte Carlo).
libvitrum_la_SOURCES += src/core/cells.c
nobase_vitruminclude_HEADERS += src/core/cells.h
