# Sweeps: the SQLite store and worker processes (engine-neutral C parts;
# the driver is lua/vitrum/sweep.lua, the MPI front end src/mpi_front.c).
libvitrum_la_SOURCES += src/sweep/store.c src/sweep/proc.c
nobase_vitruminclude_HEADERS += src/sweep/store.h src/sweep/proc.h
libvitrum_lua_la_SOURCES += src/lua/l_sweep.c
luavitrum_DATA += lua/vitrum/sweep.lua lua/vitrum/sweepdb.lua lua/vitrum/sweepagg.lua lua/vitrum/stage.lua
libvitrum_la_CFLAGS += $(SQLITE_CFLAGS)
libvitrum_la_LIBADD += $(SQLITE_LIBS)
EXTRA_DIST += src/mpi_front.c src/mpi_front.h
if HAVE_MPI
vitrum_SOURCES += src/mpi_front.c src/mpi_front.h
vitrum_CFLAGS += $(MPI_CFLAGS)
vitrum_LDADD += $(MPI_LIBS)
endif
TESTS += t/lua_sweep.lua t/sweep_kill.sh t/sweep_mpi.sh t/sweep_slurm.sh
EXTRA_DIST += t/lua_sweep.lua t/sweep_kill.sh t/sweep_mpi.sh t/sweep_slurm.sh
dist_doc_DATA += doc/sweeps.md
EXTRA_DIST += scripts/bench/sweep_pool.lua scripts/bench/sweep_task_cost.lua
