/*
 * db: SQLite connection setup, a statement cache and nested transactions.
 * See db.h. Migrations live in migrate.c; this file only calls them.
 */
#include "db/db.h"

#include <pthread.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "base/xalloc.h"
#include "db/db_int.h"

#define CACHE_SLOTS 64

struct cache_slot {
    uint64_t hash;
    char *sql;
    sqlite3_stmt *st;
};

struct db {
    sqlite3 *h;
    int depth; /* transaction nesting */
    struct cache_slot cache[CACHE_SLOTS];
    size_t next_evict;
};

#define ST(x) ((sqlite3_stmt *)(x))

static int db_fail(struct db *db, struct kith_err *err, const char *what)
{
    int code = sqlite3_errcode(db->h);
    int rc = (code == SQLITE_BUSY || code == SQLITE_LOCKED) ? KITH_ETIMEOUT
             : code == SQLITE_CONSTRAINT                    ? KITH_ECONFLICT
                                                            : KITH_EDB;
    return kith_errf(err, rc, "%s: %s", what, sqlite3_errmsg(db->h));
}

int db_user_version(struct db *db)
{
    sqlite3_stmt *st = NULL;
    int v = -1;
    if (sqlite3_prepare_v2(db->h, "PRAGMA user_version", -1, &st, NULL) ==
            SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    return v;
}

/* Process-wide SQLite settings, made once before the first connection:
 * memory statistics off (kith never reads them; they cost a mutex and
 * bookkeeping on every allocation, about 5% of a bulk insert). */
static void configure_once(void)
{
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

int db_open(const char *path, bool create, struct db **out,
            struct kith_err *err)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, configure_once);
    *out = NULL;
    struct db *db = xcalloc(1, sizeof(*db));
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX |
                (create ? SQLITE_OPEN_CREATE : 0);
    int ret = KITH_OK;
    if (sqlite3_open_v2(path, &db->h, flags, NULL) != SQLITE_OK) {
        ret = kith_errf(err, KITH_EDB, "cannot open %s: %s", path,
                        db->h ? sqlite3_errmsg(db->h) : "out of memory");
        goto out;
    }
    sqlite3_extended_result_codes(db->h, 0);
    sqlite3_busy_timeout(db->h, 5000);
    /* Read the version before anything can write to the file. */
    int version = db_user_version(db);
    if (version < 0) {
        ret = kith_errf(err, KITH_EDB, "%s is not a kith database: %s", path,
                        sqlite3_errmsg(db->h));
        goto out;
    }
    if (version > db_schema_version()) {
        ret = kith_errf(err, KITH_ECONFLICT,
                        "%s was written by a newer kith (schema version %d; "
                        "this kith knows up to %d). Upgrade kith; the file "
                        "was not changed",
                        path, version, db_schema_version());
        goto out;
    }
    /* cache_size: up to 64 MiB of page cache (SQLite's default is 2 MiB),
     * so a bulk write's index pages stay in memory instead of spilling to
     * the WAL and being read back; it is a cap, allocated as pages are used. */
    if ((ret = db_exec(db,
                       "PRAGMA journal_mode=WAL;"
                       "PRAGMA synchronous=NORMAL;"
                       "PRAGMA foreign_keys=ON;"
                       "PRAGMA temp_store=MEMORY;"
                       "PRAGMA cache_size=-65536;",
                       err)) < 0)
        goto out;
    ret = db_migrate(db, version, err);
out:
    if (ret < 0) {
        db_close(db);
        return ret;
    }
    *out = db;
    return KITH_OK;
}

void db_cache_clear(struct db *db)
{
    for (size_t i = 0; i < CACHE_SLOTS; i++) {
        sqlite3_finalize(db->cache[i].st);
        free(db->cache[i].sql);
        memset(&db->cache[i], 0, sizeof(db->cache[i]));
    }
}

void db_close(struct db *db)
{
    if (!db)
        return;
    db_cache_clear(db);
    if (db->h)
        sqlite3_close_v2(db->h);
    free(db);
}

int db_exec(struct db *db, const char *sql, struct kith_err *err)
{
    char *msg = NULL;
    if (sqlite3_exec(db->h, sql, NULL, NULL, &msg) != SQLITE_OK) {
        int ret = db_fail(db, err, "database");
        sqlite3_free(msg);
        return ret;
    }
    return KITH_OK;
}

int db_prepare(struct db *db, const char *sql, struct db_stmt **out,
               struct kith_err *err)
{
    sqlite3_stmt *st = NULL;
    *out = NULL;
    if (sqlite3_prepare_v2(db->h, sql, -1, &st, NULL) != SQLITE_OK)
        return db_fail(db, err, "database");
    *out = (struct db_stmt *)st;
    return KITH_OK;
}

static uint64_t fnv1a(const char *s)
{
    uint64_t h = 1469598103934665603ull;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return h;
}

int db_cached(struct db *db, const char *sql, struct db_stmt **out,
              struct kith_err *err)
{
    uint64_t h = fnv1a(sql);
    for (size_t i = 0; i < CACHE_SLOTS; i++) {
        struct cache_slot *c = &db->cache[i];
        if (c->st && c->hash == h && !strcmp(c->sql, sql)) {
            sqlite3_reset(c->st);
            sqlite3_clear_bindings(c->st);
            *out = (struct db_stmt *)c->st;
            return KITH_OK;
        }
    }
    struct db_stmt *st;
    int ret = db_prepare(db, sql, &st, err);
    if (ret < 0)
        return ret;
    struct cache_slot *c = NULL;
    for (size_t i = 0; i < CACHE_SLOTS && !c; i++)
        if (!db->cache[i].st)
            c = &db->cache[i];
    if (!c) {
        c = &db->cache[db->next_evict];
        db->next_evict = (db->next_evict + 1) % CACHE_SLOTS;
        sqlite3_finalize(c->st);
        free(c->sql);
    }
    c->hash = h;
    c->sql = xstrdup(sql);
    c->st = ST(st);
    *out = st;
    return KITH_OK;
}

void db_finalize(struct db_stmt *st)
{
    sqlite3_finalize(ST(st));
}

void db_reset(struct db_stmt *st)
{
    if (st)
        sqlite3_reset(ST(st));
}

int db_bind_int(struct db_stmt *st, int i, int64_t v)
{
    return sqlite3_bind_int64(ST(st), i, v) == SQLITE_OK ? KITH_OK : KITH_EDB;
}

int db_bind_real(struct db_stmt *st, int i, double v)
{
    return sqlite3_bind_double(ST(st), i, v) == SQLITE_OK ? KITH_OK : KITH_EDB;
}

int db_bind_text(struct db_stmt *st, int i, const char *s, size_t n)
{
    return sqlite3_bind_text64(ST(st), i, s, n, SQLITE_TRANSIENT,
                               SQLITE_UTF8) == SQLITE_OK
               ? KITH_OK
               : KITH_EDB;
}

int db_bind_str(struct db_stmt *st, int i, const char *s)
{
    return s ? db_bind_text(st, i, s, strlen(s)) : db_bind_null(st, i);
}

int db_bind_null(struct db_stmt *st, int i)
{
    return sqlite3_bind_null(ST(st), i) == SQLITE_OK ? KITH_OK : KITH_EDB;
}

int db_step(struct db_stmt *st, struct kith_err *err)
{
    int rc = sqlite3_step(ST(st));
    if (rc == SQLITE_ROW)
        return DB_ROW;
    if (rc == SQLITE_DONE)
        return DB_DONE;
    sqlite3 *h = sqlite3_db_handle(ST(st));
    int code = rc == SQLITE_BUSY || rc == SQLITE_LOCKED ? KITH_ETIMEOUT
               : rc == SQLITE_CONSTRAINT                ? KITH_ECONFLICT
                                                        : KITH_EDB;
    return kith_errf(err, code, "database: %s", sqlite3_errmsg(h));
}

int db_col_count(struct db_stmt *st) { return sqlite3_column_count(ST(st)); }
const char *db_col_name(struct db_stmt *st, int i) { return sqlite3_column_name(ST(st), i); }
int64_t db_col_int(struct db_stmt *st, int i) { return sqlite3_column_int64(ST(st), i); }
double db_col_real(struct db_stmt *st, int i) { return sqlite3_column_double(ST(st), i); }
size_t db_col_bytes(struct db_stmt *st, int i) { return (size_t)sqlite3_column_bytes(ST(st), i); }

const char *db_col_text(struct db_stmt *st, int i)
{
    return (const char *)sqlite3_column_text(ST(st), i);
}

enum db_type db_col_type(struct db_stmt *st, int i)
{
    switch (sqlite3_column_type(ST(st), i)) {
    case SQLITE_INTEGER: return DB_INT;
    case SQLITE_FLOAT: return DB_REAL;
    case SQLITE_TEXT: return DB_TEXT;
    case SQLITE_BLOB: return DB_BLOB;
    default: return DB_NULL;
    }
}

/* Run one cached statement that returns no rows. */
static int run_cached(struct db *db, const char *sql, struct kith_err *err)
{
    struct db_stmt *st;
    int ret = db_cached(db, sql, &st, err);
    if (ret == KITH_OK)
        ret = db_step(st, err);
    db_reset(st);
    return ret < 0 ? ret : KITH_OK;
}

int db_tx_begin(struct db *db, struct kith_err *err)
{
    int ret = run_cached(db, db->depth ? "SAVEPOINT kith_sp" : "BEGIN IMMEDIATE",
                         err);
    if (ret == KITH_OK)
        db->depth++;
    return ret;
}

int db_tx_commit(struct db *db, struct kith_err *err)
{
    if (db->depth <= 0)
        return kith_errf(err, KITH_EDB, "commit without a transaction");
    int ret = run_cached(db, db->depth > 1 ? "RELEASE kith_sp" : "COMMIT", err);
    if (ret == KITH_OK)
        db->depth--;
    return ret;
}

void db_tx_rollback(struct db *db)
{
    if (db->depth <= 0)
        return;
    if (db->depth > 1) {
        run_cached(db, "ROLLBACK TO kith_sp", NULL);
        run_cached(db, "RELEASE kith_sp", NULL);
    } else {
        run_cached(db, "ROLLBACK", NULL);
    }
    db->depth--;
}

int db_tx_depth(const struct db *db)
{
    return db->depth;
}

int db_ids(struct db *db, const char *sql, int64_t param, int64_t **ids,
           size_t *n, struct kith_err *err)
{
    struct db_stmt *st;
    size_t cap = 0;
    *ids = NULL;
    *n = 0;
    int ret = db_prepare(db, sql, &st, err);
    if (ret < 0)
        return ret;
    db_bind_int(st, 1, param);
    while ((ret = db_step(st, err)) == DB_ROW) {
        if (*n == cap) {
            cap = cap ? cap * 2 : 16;
            *ids = xrealloc(*ids, cap * sizeof(**ids));
        }
        (*ids)[(*n)++] = db_col_int(st, 0);
    }
    db_finalize(st);
    if (ret < 0) {
        free(*ids);
        *ids = NULL;
        *n = 0;
        return ret;
    }
    return KITH_OK;
}

int64_t db_last_id(struct db *db)
{
    return sqlite3_last_insert_rowid(db->h);
}

int db_changes(struct db *db)
{
    return sqlite3_changes(db->h);
}

void db_quote_ident(struct buf *b, const char *name)
{
    buf_appendc(b, '"');
    for (const char *p = name; *p; p++) {
        if (*p == '"')
            buf_appendc(b, '"');
        buf_appendc(b, *p);
    }
    buf_appendc(b, '"');
}

int db_integrity_check(struct db *db, struct kith_err *err)
{
    struct db_stmt *st;
    int ret = db_prepare(db, "PRAGMA integrity_check", &st, err);
    if (ret < 0)
        return ret;
    ret = db_step(st, err);
    if (ret == DB_ROW) {
        const char *r = db_col_text(st, 0);
        ret = r && !strcmp(r, "ok")
                  ? KITH_OK
                  : kith_errf(err, KITH_EDB, "integrity check: %s",
                              r ? r : "(no answer)");
    } else if (ret == DB_DONE) {
        ret = kith_errf(err, KITH_EDB, "integrity check gave no answer");
    }
    db_finalize(st);
    return ret;
}
