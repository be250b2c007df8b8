# analysis: see doc/architecture.md (filled in by its issue)

# Per-particle virial (P2, dP2/dsigma, stress): the input of homogenization.
libvitrum_la_SOURCES += src/analysis/virial.c
nobase_vitruminclude_HEADERS += src/analysis/virial.h
check_PROGRAMS += t/analysis_virial
TESTS += t/analysis_virial
t_analysis_virial_SOURCES = t/analysis_virial.c
t_analysis_virial_CFLAGS = $(TEST_CFLAGS)
t_analysis_virial_LDADD = $(TEST_LDADD)

# Statistics for the protocols (fits, Spearman, bootstrap).
libvitrum_la_SOURCES += src/analysis/stats.c
nobase_vitruminclude_HEADERS += src/analysis/stats.h

# Displacements and MSD from unwrapped coordinates.
libvitrum_la_SOURCES += src/analysis/displacement.c
nobase_vitruminclude_HEADERS += src/analysis/displacement.h

# Voronoi and radical (power) tessellations through qhull (voronoi.h).
libvitrum_la_SOURCES += src/analysis/voronoi.c
nobase_vitruminclude_HEADERS += src/analysis/voronoi.h
check_PROGRAMS += t/analysis_voronoi
TESTS += t/analysis_voronoi
t_analysis_voronoi_SOURCES = t/analysis_voronoi.c
t_analysis_voronoi_CFLAGS = $(TEST_CFLAGS)
t_analysis_voronoi_LDADD = $(TEST_LDADD)
t_analysis_voronoi_LDFLAGS = $(OPENMP_CFLAGS)
