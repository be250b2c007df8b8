# io: LAMMPS data and dump files, extended XYZ, checkpoints, trajectories.
libvitrum_la_SOURCES += src/io/io.c src/io/text.c src/io/text.h src/io/bin.c src/io/bin.h \
	src/io/lammps_data.c src/io/lammps_dump.c src/io/xyz.c src/io/checkpoint.c src/io/trajectory.c \
	src/io/h5md.c
nobase_vitruminclude_HEADERS += src/io/io.h
EXTRA_DIST += scripts/fuzz/fuzz_readers.c scripts/fuzz/seeds.sh scripts/fuzz/readers.dict scripts/fuzz/campaign.sh

check_PROGRAMS += t/io_lammps t/io_formats t/io_errors
TESTS += t/io_lammps t/io_formats t/io_errors
t_io_lammps_SOURCES = t/io_lammps.c
t_io_lammps_CFLAGS = $(TEST_CFLAGS)
t_io_lammps_LDADD = $(TEST_LDADD)
t_io_formats_SOURCES = t/io_formats.c
t_io_formats_CFLAGS = $(TEST_CFLAGS)
t_io_formats_LDADD = $(TEST_LDADD)
t_io_errors_SOURCES = t/io_errors.c
t_io_errors_CFLAGS = $(TEST_CFLAGS)
t_io_errors_LDADD = $(TEST_LDADD)

TESTS += t/lua_wfile.lua
EXTRA_DIST += t/lua_wfile.lua
