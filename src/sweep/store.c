/* The SQLite access layer (store.h): prepare, bind, step, finalize, with
 * the error messages the rest of vitrum expects (what failed, in which file,
 * on which statement). */
#include "sweep/store.h"
#include "core/error.h"
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

struct vt_db {
  sqlite3 *h;
  char *path;
};

static int db_fail(vt_db *db, const char *what, const char *sql)
{
  const char *msg = db->h ? sqlite3_errmsg(db->h) : "out of memory";
  if (sql) {
    size_t n = strlen(sql);
    return vt_error(VT_EIO, "store %s: %s: %s (in \"%.80s%s\")", db->path, what, msg, sql, n > 80 ? "..." : "");
  }
  return vt_error(VT_EIO, "store %s: %s: %s", db->path, what, msg);
}

int vt_db_open(vt_db **out, const char *path, int flags, int busy_ms)
{
  *out = NULL;
  if (!path || !path[0]) return vt_error(VT_EINVAL, "store: empty file name");
  vt_db *db = calloc(1, sizeof *db);
  if (!db) return vt_error(VT_ENOMEM, "store %s: out of memory", path);
  db->path = strdup(path);
  if (!db->path) { free(db); return vt_error(VT_ENOMEM, "store %s: out of memory", path); }
  int oflags = (flags & VT_DB_READONLY) ? SQLITE_OPEN_READONLY
             : SQLITE_OPEN_READWRITE | ((flags & VT_DB_CREATE) ? SQLITE_OPEN_CREATE : 0);
  int rc = sqlite3_open_v2(path, &db->h, oflags | SQLITE_OPEN_NOMUTEX, NULL);
  if (rc != SQLITE_OK) {
    int err = db_fail(db, (flags & VT_DB_CREATE) ? "cannot open or create" : "cannot open", NULL);
    sqlite3_close(db->h);
    free(db->path);
    free(db);
    return err;
  }
  sqlite3_extended_result_codes(db->h, 1);
  sqlite3_busy_timeout(db->h, busy_ms > 0 ? busy_ms : 0);
  *out = db;
  return 0;
}

void vt_db_close(vt_db *db)
{
  if (!db) return;
  sqlite3_close_v2(db->h);
  free(db->path);
  free(db);
}

const char *vt_db_path(const vt_db *db) { return db->path; }

long long vt_db_changes(const vt_db *db) { return (long long)sqlite3_changes(db->h); }

static int bind(vt_db *db, sqlite3_stmt *st, int k, const vt_db_value *v, const char *sql)
{
  int rc;
  switch (v->type) {
  case VT_DB_NULL: rc = sqlite3_bind_null(st, k); break;
  case VT_DB_INT: rc = sqlite3_bind_int64(st, k, (sqlite3_int64)v->i); break;
  case VT_DB_REAL: rc = sqlite3_bind_double(st, k, v->r); break;
  case VT_DB_TEXT: rc = sqlite3_bind_text64(st, k, v->p, (sqlite3_uint64)v->len, SQLITE_TRANSIENT, SQLITE_UTF8); break;
  case VT_DB_BLOB: rc = sqlite3_bind_blob64(st, k, v->len ? v->p : "", (sqlite3_uint64)v->len, SQLITE_TRANSIENT); break;
  default: return vt_error(VT_EINVAL, "store %s: parameter %d has an unknown type", db->path, k);
  }
  return rc == SQLITE_OK ? 0 : db_fail(db, "cannot bind a parameter", sql);
}

static int run_one(vt_db *db, sqlite3_stmt *st, const char *sql, vt_db_row_fn fn, void *ctx)
{
  int ncol = sqlite3_column_count(st);
  const char **names = NULL;
  vt_db_value *vals = NULL;
  if (fn && ncol > 0) {
    names = malloc((size_t)ncol * sizeof *names);
    vals = malloc((size_t)ncol * sizeof *vals);
    if (!names || !vals) { free(names); free(vals); return vt_error(VT_ENOMEM, "store %s: out of memory", db->path); }
    for (int c = 0; c < ncol; c++) names[c] = sqlite3_column_name(st, c);
  }
  int ret = 0;
  for (;;) {
    int rc = sqlite3_step(st);
    if (rc == SQLITE_DONE) break;
    if (rc != SQLITE_ROW) { ret = db_fail(db, "statement failed", sql); break; }
    if (!fn) continue;
    for (int c = 0; c < ncol; c++) {
      vt_db_value *v = &vals[c];
      memset(v, 0, sizeof *v);
      switch (sqlite3_column_type(st, c)) {
      case SQLITE_INTEGER: v->type = VT_DB_INT; v->i = sqlite3_column_int64(st, c); break;
      case SQLITE_FLOAT: v->type = VT_DB_REAL; v->r = sqlite3_column_double(st, c); break;
      case SQLITE_TEXT:
        v->type = VT_DB_TEXT;
        v->p = sqlite3_column_text(st, c);
        v->len = (size_t)sqlite3_column_bytes(st, c);
        break;
      case SQLITE_BLOB:
        v->type = VT_DB_BLOB;
        v->p = sqlite3_column_blob(st, c);
        v->len = (size_t)sqlite3_column_bytes(st, c);
        break;
      default: v->type = VT_DB_NULL; break;
      }
    }
    ret = fn(ctx, ncol, names, vals);
    if (ret) break;
  }
  free(names);
  free(vals);
  return ret;
}

int vt_db_exec(vt_db *db, const char *sql, int nparams, const vt_db_value *params,
               vt_db_row_fn fn, void *ctx)
{
  if (!db || !db->h) return vt_error(VT_EINVAL, "store: the database is closed");
  const char *p = sql;
  int ret = 0, first = 1;
  while (p && *p) {
    sqlite3_stmt *st = NULL;
    const char *tail = NULL;
    if (sqlite3_prepare_v2(db->h, p, -1, &st, &tail) != SQLITE_OK) return db_fail(db, "cannot prepare", p);
    if (!st) break;   /* only whitespace or a comment left */
    if (nparams > 0) {
      if (!first) { sqlite3_finalize(st); return vt_error(VT_EINVAL, "store %s: parameters given for several statements (in \"%.80s\")", db->path, sql); }
      int want = sqlite3_bind_parameter_count(st);
      if (want != nparams) {
        sqlite3_finalize(st);
        return vt_error(VT_EINVAL, "store %s: the statement has %d parameters, %d given (in \"%.80s\")",
                        db->path, want, nparams, sql);
      }
      for (int k = 0; k < nparams && !ret; k++) ret = bind(db, st, k + 1, &params[k], p);
    }
    if (!ret) ret = run_one(db, st, p, fn, ctx);
    sqlite3_finalize(st);
    if (ret) return ret;
    first = 0;
    p = tail;
  }
  return 0;
}
