/*
 * db: the SQLite connection, statements, transactions and migrations.
 *
 * This is the only module that includes sqlite3.h. A connection is opened
 * with WAL, foreign keys on and a busy timeout, and is migrated to the
 * schema this build knows (db_migrate); a database written by a newer kith
 * is refused untouched. Statements are prepared with bound parameters only:
 * no caller text is ever spliced into SQL except identifiers that crm/ has
 * validated and quoted with db_quote_ident().
 *
 * Transactions nest: the outermost db_tx_begin() is BEGIN IMMEDIATE, inner
 * ones are savepoints, so a helper can wrap its own writes and still be
 * part of its caller's transaction.
 */
#ifndef KITH_DB_H
#define KITH_DB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"
#include "base/err.h"

struct db;
struct db_stmt;

/* Result of db_step(). */
#define DB_ROW 1
#define DB_DONE 0

/* Column types of db_col_type(). */
enum db_type { DB_NULL, DB_INT, DB_REAL, DB_TEXT, DB_BLOB };

/* The schema version this build writes (PRAGMA user_version). */
int db_schema_version(void);

/*
 * Open (creating when create is true) the database at path; ":memory:" is
 * an in-memory database. Runs migrations. On failure *out is NULL.
 */
int db_open(const char *path, bool create, struct db **out,
            struct kith_err *err);
/* Close, finalizing cached statements. NULL is fine. */
void db_close(struct db *db);

/* The page cache each connection may fill (SQLite's cache_size), in KiB. */
#define DB_PAGE_CACHE_KIB (64 * 1024)
/*
 * Set the page cache of the connections opened after this call (0 for the
 * default, DB_PAGE_CACHE_KIB). For a process that holds many connections
 * at once, such as kith serve with one per worker thread, so that their
 * caches together stay within its memory budget. Process-wide.
 */
void db_set_page_cache_kib(int64_t kib);

/* Run one or more statements without parameters (schema, pragmas). */
int db_exec(struct db *db, const char *sql, struct kith_err *err);

/*
 * Prepare sql. The caller finalizes the statement with db_finalize().
 */
int db_prepare(struct db *db, const char *sql, struct db_stmt **out,
               struct kith_err *err);
/*
 * A prepared statement for sql from the connection's cache, reset and with
 * bindings cleared. It stays owned by the cache: do not finalize it; call
 * db_reset() when done so it releases its read snapshot.
 */
int db_cached(struct db *db, const char *sql, struct db_stmt **out,
              struct kith_err *err);
/* Drop every cached statement (after schema changes). */
void db_cache_clear(struct db *db);

void db_finalize(struct db_stmt *st); /* NULL is fine */
void db_reset(struct db_stmt *st);

/* Parameters are 1-based, as in SQLite. */
int db_bind_int(struct db_stmt *st, int i, int64_t v);
int db_bind_real(struct db_stmt *st, int i, double v);
int db_bind_text(struct db_stmt *st, int i, const char *s, size_t n);
int db_bind_str(struct db_stmt *st, int i, const char *s); /* NULL binds NULL */
int db_bind_null(struct db_stmt *st, int i);

/* DB_ROW, DB_DONE, or a negative code with the database's message. */
int db_step(struct db_stmt *st, struct kith_err *err);

/* Columns are 0-based. Text is borrowed until the next step or reset. */
int db_col_count(struct db_stmt *st);
const char *db_col_name(struct db_stmt *st, int i);
enum db_type db_col_type(struct db_stmt *st, int i);
int64_t db_col_int(struct db_stmt *st, int i);
double db_col_real(struct db_stmt *st, int i);
const char *db_col_text(struct db_stmt *st, int i); /* NULL for NULL */
size_t db_col_bytes(struct db_stmt *st, int i);

int db_tx_begin(struct db *db, struct kith_err *err);
int db_tx_commit(struct db *db, struct kith_err *err);
/* Roll back the innermost level; never fails in a way callers can act on. */
void db_tx_rollback(struct db *db);
int db_tx_depth(const struct db *db);

/*
 * Run sql with one integer parameter (?1) and collect the first column of
 * every row: *ids (free() it) holds *n integers.
 */
int db_ids(struct db *db, const char *sql, int64_t param, int64_t **ids,
           size_t *n, struct kith_err *err);

int64_t db_last_id(struct db *db);
int db_changes(struct db *db);

/* Append "name" as a quoted SQL identifier ("" doubled). */
void db_quote_ident(struct buf *b, const char *name);

/* Run PRAGMA integrity_check; KITH_OK when it answers "ok". */
int db_integrity_check(struct db *db, struct kith_err *err);
/* The file's schema version (PRAGMA user_version). */
int db_user_version(struct db *db);
/* SQLite's schema cookie (PRAGMA schema_version): it changes whenever any
 * connection changes the schema. -1 on error. */
int db_schema_cookie(struct db *db);
/* The schema version the file had when db_open found it (0: new). */
int db_opened_version(const struct db *db);

/* ---- read-only SQL from people and agents (kith sql) ---- */

#define DB_RO_TIMEOUT_MS 5000       /* default time limit */
#define DB_RO_MAX_TIMEOUT_MS 300000 /* the longest time limit allowed */
#define DB_RO_ROWS 1000             /* default row cap */
#define DB_RO_MAX_ROWS 100000       /* the largest row cap allowed */
#define DB_RO_SQL_MAX 100000        /* bytes of SQL text accepted */

struct db_ro_limits {
    int64_t timeout_ms; /* 0 for DB_RO_TIMEOUT_MS */
    int64_t max_rows;   /* 0 for DB_RO_ROWS */
};

/*
 * Run one SQL statement that must only read, with read-only enforced by
 * SQLite itself in layers: exactly one statement (only blanks, ";" and
 * comments may follow it); an authorizer, installed while it is prepared
 * and run, that allows reading and harmless functions only (no writes,
 * CREATE/DROP/ALTER of anything, temp included, ATTACH/DETACH,
 * transactions, savepoints, load_extension, PRAGMAs outside a read-only
 * allowlist); sqlite3_stmt_readonly() must hold; and PRAGMA query_only
 * while it runs. A progress handler stops it after the time limit
 * (KITH_ETIMEOUT, "timed out after 5 s"); rows past the cap are not read
 * and "truncated" is true. The connection's state (authorizer, handler,
 * query_only, length limit) is restored afterwards, also on errors.
 *
 * *out (caller frees with jv_free): {"columns": [names], "rows": [[...]],
 * "truncated": bool}; values are integers, reals, text (invalid UTF-8
 * replaced by U+FFFD), null, or "<blob: N bytes>" for blobs. Refusals are
 * KITH_EINVAL with a message that says what was refused.
 */
struct jv;
int db_query_readonly(struct db *db, const char *sql,
                      const struct db_ro_limits *lim, struct jv **out,
                      struct kith_err *err);

#endif
