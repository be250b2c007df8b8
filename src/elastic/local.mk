# elastic: the sparse Hessian (CHOLMOD), moduli with non-affine terms, force
# dipoles, lowest modes (ARPACK). See doc/architecture.md and src/elastic/hessian.h.
libvitrum_la_SOURCES += src/elastic/hessian.c src/elastic/hessian_general.c src/elastic/moduli.c src/elastic/dipoles.c \
	src/elastic/modes.c src/elastic/ichol.c src/elastic/hessian_impl.h
nobase_vitruminclude_HEADERS += src/elastic/hessian.h

check_PROGRAMS += t/elastic_hessian t/elastic_dense t/elastic_moduli t/elastic_sw
TESTS += t/elastic_hessian t/elastic_dense t/elastic_moduli t/elastic_sw
EXTRA_DIST += t/elastic_util.h
t_elastic_hessian_SOURCES = t/elastic_hessian.c t/elastic_util.h
t_elastic_hessian_CFLAGS = $(TEST_CFLAGS)
t_elastic_hessian_LDADD = $(TEST_LDADD)

t_elastic_dense_SOURCES = t/elastic_dense.c t/elastic_util.h
t_elastic_dense_CFLAGS = $(TEST_CFLAGS)
t_elastic_dense_LDADD = $(TEST_LDADD)
t_elastic_moduli_SOURCES = t/elastic_moduli.c t/elastic_util.h
t_elastic_moduli_CFLAGS = $(TEST_CFLAGS)
t_elastic_moduli_LDADD = $(TEST_LDADD)
t_elastic_sw_SOURCES = t/elastic_sw.c t/elastic_util.h
t_elastic_sw_CFLAGS = $(TEST_CFLAGS)
t_elastic_sw_LDADD = $(TEST_LDADD)

dist_noinst_SCRIPTS += scripts/bench/hessian_pss.lua
