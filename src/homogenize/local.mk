# Homogenization steps (C objects; the loops that drive them are Lua).
libvitrum_la_SOURCES += src/homogenize/virial.c
nobase_vitruminclude_HEADERS += src/homogenize/virial.h
check_PROGRAMS += t/homogenize_virial
TESTS += t/homogenize_virial
t_homogenize_virial_SOURCES = t/homogenize_virial.c
t_homogenize_virial_CFLAGS = $(TEST_CFLAGS)
t_homogenize_virial_LDADD = $(TEST_LDADD)
