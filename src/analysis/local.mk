# analysis: see doc/architecture.md (filled in by its issue)

# Per-particle virial (P2, dP2/dsigma, stress): the input of homogenization.
libvitrum_la_SOURCES += src/analysis/virial.c
nobase_vitruminclude_HEADERS += src/analysis/virial.h
check_PROGRAMS += t/analysis_virial
TESTS += t/analysis_virial
t_analysis_virial_SOURCES = t/analysis_virial.c
t_analysis_virial_CFLAGS = $(TEST_CFLAGS)
t_analysis_virial_LDADD = $(TEST_LDADD)

# Statistics for the protocols (fits, Spearman, ranks, bootstrap).
libvitrum_la_SOURCES += src/analysis/stats.c
nobase_vitruminclude_HEADERS += src/analysis/stats.h
check_PROGRAMS += t/analysis_stats
TESTS += t/analysis_stats
t_analysis_stats_SOURCES = t/analysis_stats.c
t_analysis_stats_CFLAGS = $(TEST_CFLAGS)
t_analysis_stats_LDADD = $(TEST_LDADD)

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

# Local order: Steinhardt q_l / Q_l and the Voronoi index census (order.h).
libvitrum_la_SOURCES += src/analysis/order.c
nobase_vitruminclude_HEADERS += src/analysis/order.h
check_PROGRAMS += t/analysis_order
TESTS += t/analysis_order
t_analysis_order_SOURCES = t/analysis_order.c
t_analysis_order_CFLAGS = $(TEST_CFLAGS)
t_analysis_order_LDADD = $(TEST_LDADD)
t_analysis_order_LDFLAGS = $(OPENMP_CFLAGS)
# Multiple-origin correlators (MSD, F_s), the stress observer and what is read
# off time series (stress autocorrelation, tau_alpha, D).
libvitrum_la_SOURCES += src/analysis/correlator.c src/analysis/timeseries.c
nobase_vitruminclude_HEADERS += src/analysis/correlator.h src/analysis/timeseries.h
check_PROGRAMS += t/analysis_correlator
TESTS += t/analysis_correlator
t_analysis_correlator_SOURCES = t/analysis_correlator.c
t_analysis_correlator_CFLAGS = $(TEST_CFLAGS)
t_analysis_correlator_LDADD = $(TEST_LDADD)
# Static structure: g(r) and S(q) (structure.h).
libvitrum_la_SOURCES += src/analysis/structure.c
nobase_vitruminclude_HEADERS += src/analysis/structure.h
check_PROGRAMS += t/analysis_structure
TESTS += t/analysis_structure
t_analysis_structure_SOURCES = t/analysis_structure.c
t_analysis_structure_CFLAGS = $(TEST_CFLAGS)
t_analysis_structure_LDADD = $(TEST_LDADD)
t_analysis_structure_LDFLAGS = $(OPENMP_CFLAGS)

# Inherent-state trajectories along MD runs (inherent.h).
libvitrum_la_SOURCES += src/analysis/inherent.c
nobase_vitruminclude_HEADERS += src/analysis/inherent.h
check_PROGRAMS += t/analysis_inherent
TESTS += t/analysis_inherent
t_analysis_inherent_SOURCES = t/analysis_inherent.c
t_analysis_inherent_CFLAGS = $(TEST_CFLAGS)
t_analysis_inherent_LDADD = $(TEST_LDADD)

# Isoconfigurational propensities (propensity.h).
libvitrum_la_SOURCES += src/analysis/propensity.c
nobase_vitruminclude_HEADERS += src/analysis/propensity.h
check_PROGRAMS += t/analysis_propensity
TESTS += t/analysis_propensity
t_analysis_propensity_SOURCES = t/analysis_propensity.c
t_analysis_propensity_CFLAGS = $(TEST_CFLAGS)
t_analysis_propensity_LDADD = $(TEST_LDADD)
