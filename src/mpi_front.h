/* The MPI front end (mpi_front.c): sets vt.mpi on the vt table on top of the
 * stack; vt_mpi_front_close finalizes MPI if a sweep initialized it. */
#ifndef VT_SWEEP_MPI_FRONT_H
#define VT_SWEEP_MPI_FRONT_H
#include <lua.h>
void vt_mpi_front_open(lua_State *L);
void vt_mpi_front_close(void);
#endif
