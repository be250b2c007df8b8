# Energy minimizers (see src/minimize/minimize.h): FIRE and FIRE 2.0,
# conjugate gradient, steepest descent, the FIRE -> Newton hybrid (on the
# sparse Hessian of src/elastic); one type descriptor per algorithm.
libvitrum_la_SOURCES += src/minimize/minimizer.c src/minimize/linesearch.c \
	src/minimize/fire.c src/minimize/cg.c src/minimize/steepest.c \
	src/minimize/newton.c
nobase_vitruminclude_HEADERS += src/minimize/minimize.h
EXTRA_DIST += src/minimize/impl.h scripts/bench/minimize_fire.sh scripts/bench/minimize_compare.lua \
	scripts/bench/minimize_vhg.lua scripts/bench/benchlib.lua \
	scripts/bench/minimize_gsl.sh \
	scripts/bench/minimize_gsl.c

check_PROGRAMS += t/minimize_landscapes t/minimize_reference
TESTS += t/minimize_landscapes t/minimize_reference
t_minimize_landscapes_SOURCES = t/minimize_landscapes.c
t_minimize_landscapes_CFLAGS = $(TEST_CFLAGS)
t_minimize_landscapes_LDADD = $(TEST_LDADD)
t_minimize_reference_SOURCES = t/minimize_reference.c
t_minimize_reference_CFLAGS = $(TEST_CFLAGS)
t_minimize_reference_LDADD = $(TEST_LDADD)

TESTS += t/lua_fire_overlap.lua
EXTRA_DIST += t/lua_fire_overlap.lua
TESTS += t/lua_min_diverge.lua
EXTRA_DIST += t/lua_min_diverge.lua
TESTS += t/progress_min.sh
EXTRA_DIST += t/progress_min.sh
