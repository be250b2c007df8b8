/* The MPI front end of sweeps (built --with-mpi, linked into the `vitrum`
 * program only, never into libvitrum): vt.mpi = { init, send, recv,
 * finalize, abort }, a message transport between ranks that
 * lua/vitrum/sweep.lua drives (rank 0 hands out tasks and writes the store,
 * the other ranks compute). Messages are opaque strings, as between the
 * process pool's workers. */
#include "config.h"
#include "lua/lvitrum.h"
#include "mpi_front.h"
#include <mpi.h>
#include <stdlib.h>

#define TAG 7

static int initialized;

static int m_init(lua_State *L)
{
  int rank = 0, size = 1, provided;
  if (!initialized) {
    if (MPI_Init_thread(NULL, NULL, MPI_THREAD_FUNNELED, &provided) != MPI_SUCCESS)
      return luaL_error(L, "vt.mpi.init: MPI_Init_thread failed");
    MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
    initialized = 1;
  }
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  lua_pushinteger(L, rank);
  lua_pushinteger(L, size);
  return 2;
}

static void need_init(lua_State *L, const char *f)
{
  if (!initialized) luaL_error(L, "vt.mpi.%s: call vt.mpi.init() first", f);
}

static int m_send(lua_State *L)
{
  need_init(L, "send");
  int dest = (int)luaL_checkinteger(L, 1);
  size_t len;
  const char *s = luaL_checklstring(L, 2, &len);
  if (len > (size_t)0x7fffffff) return luaL_error(L, "vt.mpi.send: message of %d bytes too long", (int)len);
  if (MPI_Send(s, (int)len, MPI_CHAR, dest, TAG, MPI_COMM_WORLD) != MPI_SUCCESS)
    return luaL_error(L, "vt.mpi.send: to rank %d failed", dest);
  return 0;
}

/* -> source rank, message (blocks until one arrives from any rank) */
static int m_recv(lua_State *L)
{
  need_init(L, "recv");
  MPI_Status st;
  int count;
  if (MPI_Probe(MPI_ANY_SOURCE, TAG, MPI_COMM_WORLD, &st) != MPI_SUCCESS) return luaL_error(L, "vt.mpi.recv: probe failed");
  MPI_Get_count(&st, MPI_CHAR, &count);
  char *buf = malloc(count > 0 ? (size_t)count : 1);
  if (!buf) return luaL_error(L, "vt.mpi.recv: out of memory for %d bytes", count);
  if (MPI_Recv(buf, count, MPI_CHAR, st.MPI_SOURCE, TAG, MPI_COMM_WORLD, MPI_STATUS_IGNORE) != MPI_SUCCESS) {
    free(buf);
    return luaL_error(L, "vt.mpi.recv: from rank %d failed", st.MPI_SOURCE);
  }
  lua_pushinteger(L, st.MPI_SOURCE);
  lua_pushlstring(L, buf, (size_t)count);
  free(buf);
  return 2;
}

static int m_finalize(lua_State *L)
{
  (void)L;
  if (initialized) { MPI_Finalize(); initialized = 0; }
  return 0;
}

static int m_abort(lua_State *L)
{
  int code = (int)luaL_optinteger(L, 1, 1);
  if (initialized) MPI_Abort(MPI_COMM_WORLD, code);
  return 0;
}

void vt_mpi_front_open(lua_State *L)
{
  static const luaL_Reg f[] = {{"init", m_init}, {"send", m_send}, {"recv", m_recv},
                               {"finalize", m_finalize}, {"abort", m_abort}, {NULL, NULL}};
  luaL_newlib(L, f);
  lua_setfield(L, -2, "mpi");
}

void vt_mpi_front_close(void)
{
  if (initialized) { MPI_Finalize(); initialized = 0; }
}
