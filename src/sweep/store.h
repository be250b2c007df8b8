/* A small SQLite access layer for the sweep store (and any other tabular
 * store): open a database file, run one SQL text with bound parameters, and
 * hand each result row to a callback. It is engine-neutral and knows nothing
 * of Lua or of sweeps; the schema and the driver logic live in
 * lua/vitrum/sweep.lua. Errors return a negative VT_E* code with a message
 * naming the file and the statement. */
#ifndef VT_SWEEP_STORE_H
#define VT_SWEEP_STORE_H

#include <stddef.h>

typedef struct vt_db vt_db;

typedef enum { VT_DB_NULL = 0, VT_DB_INT, VT_DB_REAL, VT_DB_TEXT, VT_DB_BLOB } vt_db_type;

/* one bound parameter or one result cell; p/len for TEXT (not NUL-terminated
 * in general) and BLOB; the row callback's pointers live until it returns */
typedef struct {
  vt_db_type type;
  long long i;
  double r;
  const void *p;
  size_t len;
} vt_db_value;

enum { VT_DB_READONLY = 1, VT_DB_CREATE = 2 };

/* Open (flags: VT_DB_READONLY, or VT_DB_CREATE to create a missing file).
 * Waits up to busy_ms for a lock held by another process. */
int vt_db_open(vt_db **db, const char *path, int flags, int busy_ms);
void vt_db_close(vt_db *db);
const char *vt_db_path(const vt_db *db);

/* Called once per result row; a non-zero return stops the statement and
 * vt_db_exec returns it. names and vals have ncol entries. */
typedef int (*vt_db_row_fn)(void *ctx, int ncol, const char *const *names, const vt_db_value *vals);

/* Run `sql`: one statement with nparams '?' parameters, or (nparams = 0)
 * several statements separated by ';'. fn may be NULL. */
int vt_db_exec(vt_db *db, const char *sql, int nparams, const vt_db_value *params,
               vt_db_row_fn fn, void *ctx);

/* rows changed by the last INSERT/UPDATE/DELETE */
long long vt_db_changes(const vt_db *db);

#endif
