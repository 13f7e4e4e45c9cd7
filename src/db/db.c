/*
 * db: SQLite connection setup, a statement cache and nested transactions.
 * See db.h. Migrations live in migrate.c; this file only calls them.
 */
#include "db/db.h"

#include <math.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/clock.h"
#include "base/json.h"
#include "base/utf8.h"
#include "base/xalloc.h"
#include "db/db_int.h"

#define CACHE_SLOTS 64

/* The page cache of each connection opened from now on, in KiB. */
static _Atomic int64_t page_cache_kib = DB_PAGE_CACHE_KIB;

struct cache_slot {
    uint64_t hash;
    char *sql;
    sqlite3_stmt *st;
};

struct db {
    sqlite3 *h;
    int depth; /* transaction nesting */
    int opened_version; /* user_version before migrating */
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

void db_set_page_cache_kib(int64_t kib)
{
    page_cache_kib = kib > 0 ? kib : DB_PAGE_CACHE_KIB;
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
    /* No extensions from SQL, and no SQL that can corrupt the file on
     * purpose (writable_schema, shadow-table writes): kith sql relies on
     * both. */
    sqlite3_db_config(db->h, SQLITE_DBCONFIG_ENABLE_LOAD_EXTENSION, 0, NULL);
    sqlite3_db_config(db->h, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);
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
     * the WAL and being read back; it is a cap, allocated as pages are used.
     * A server with a connection per worker sets less
     * (db_set_page_cache_kib). */
    char cache_pragma[64];
    snprintf(cache_pragma, sizeof(cache_pragma), "PRAGMA cache_size=-%lld;",
             (long long)page_cache_kib);
    if ((ret = db_exec(db,
                       "PRAGMA journal_mode=WAL;"
                       "PRAGMA synchronous=NORMAL;"
                       "PRAGMA foreign_keys=ON;"
                       "PRAGMA temp_store=MEMORY;",
                       err)) < 0 ||
        (ret = db_exec(db, cache_pragma, err)) < 0)
        goto out;
    db->opened_version = version;
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
    /* Refresh the planner's statistics (sqlite_stat1) where this
     * connection's queries would use them, as SQLite advises before each
     * close: without them a filter on a select field is planned as an
     * index lookup plus a sort of every match, even under a small LIMIT.
     * Best effort: never waits for a lock, errors are ignored. */
    if (db->h && !sqlite3_db_readonly(db->h, "main"))
        sqlite3_exec(db->h, "PRAGMA busy_timeout=0; PRAGMA optimize;", NULL,
                     NULL, NULL);
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

int db_schema_cookie(struct db *db)
{
    struct db_stmt *st;
    int v = -1;
    if (db_cached(db, "PRAGMA schema_version", &st, NULL) == KITH_OK) {
        if (db_step(st, NULL) == DB_ROW)
            v = (int)db_col_int(st, 0);
        db_reset(st);
    }
    return v;
}

int db_opened_version(const struct db *db)
{
    return db->opened_version;
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

/* ---- read-only SQL from people and agents (kith sql) ---- */

#define RO_VALUE_MAX (16 * 1024 * 1024)   /* longest string or blob */
#define RO_RESULT_MAX (64 * 1024 * 1024)  /* text and blob bytes per result */
#define RO_PROGRESS_STEPS 1000            /* VM steps between clock checks */

struct ro_state {
    int64_t deadline; /* clock_ms() at which the time is up */
    bool timed_out;
    char why[256]; /* what the authorizer refused, "" when nothing */
};

/* The SQL words of each authorizer action, for refusal messages. */
static const char *const ro_actions[] = {
    [SQLITE_CREATE_INDEX] = "CREATE INDEX",
    [SQLITE_CREATE_TABLE] = "CREATE TABLE",
    [SQLITE_CREATE_TEMP_INDEX] = "CREATE TEMP INDEX",
    [SQLITE_CREATE_TEMP_TABLE] = "CREATE TEMP TABLE",
    [SQLITE_CREATE_TEMP_TRIGGER] = "CREATE TEMP TRIGGER",
    [SQLITE_CREATE_TEMP_VIEW] = "CREATE TEMP VIEW",
    [SQLITE_CREATE_TRIGGER] = "CREATE TRIGGER",
    [SQLITE_CREATE_VIEW] = "CREATE VIEW",
    [SQLITE_DELETE] = "DELETE from",
    [SQLITE_DROP_INDEX] = "DROP INDEX",
    [SQLITE_DROP_TABLE] = "DROP TABLE",
    [SQLITE_DROP_TEMP_INDEX] = "DROP TEMP INDEX",
    [SQLITE_DROP_TEMP_TABLE] = "DROP TEMP TABLE",
    [SQLITE_DROP_TEMP_TRIGGER] = "DROP TEMP TRIGGER",
    [SQLITE_DROP_TEMP_VIEW] = "DROP TEMP VIEW",
    [SQLITE_DROP_TRIGGER] = "DROP TRIGGER",
    [SQLITE_DROP_VIEW] = "DROP VIEW",
    [SQLITE_INSERT] = "INSERT into",
    [SQLITE_UPDATE] = "UPDATE of",
    [SQLITE_ATTACH] = "ATTACH",
    [SQLITE_DETACH] = "DETACH",
    [SQLITE_ALTER_TABLE] = "ALTER TABLE",
    [SQLITE_REINDEX] = "REINDEX",
    [SQLITE_ANALYZE] = "ANALYZE",
    [SQLITE_CREATE_VTABLE] = "CREATE VIRTUAL TABLE",
    [SQLITE_DROP_VTABLE] = "DROP VIRTUAL TABLE",
    [SQLITE_SAVEPOINT] = "SAVEPOINT",
};

/*
 * PRAGMAs that only read, allowed as statements (with an argument only
 * where arg says it names a table or index, never a new setting) and, as
 * SQLite runs them, through their pragma_NAME table functions.
 */
static const struct {
    const char *name;
    bool arg;
} ro_pragmas[] = {
    { "table_info", true },      { "table_xinfo", true },
    { "table_list", true },      { "index_list", true },
    { "index_info", true },      { "index_xinfo", true },
    { "foreign_key_list", true }, { "integrity_check", true },
    { "quick_check", true },     { "collation_list", false },
    { "database_list", false },  { "function_list", false },
    { "module_list", false },    { "pragma_list", false },
    { "compile_options", false }, { "user_version", false },
    { "schema_version", false }, { "application_id", false },
    { "page_count", false },     { "page_size", false },
    { "freelist_count", false }, { "encoding", false },
    { "foreign_keys", false },   { "data_version", false },
};

/* Functions refused even though they appear to read. */
static const char *const ro_functions[] = {
    "load_extension", "readfile", "writefile", "edit", "fts3_tokenizer",
};

static int ro_pragma_ok(struct ro_state *rs, const char *name,
                        const char *arg)
{
    for (size_t i = 0; i < sizeof(ro_pragmas) / sizeof(*ro_pragmas); i++)
        if (!strcasecmp(name, ro_pragmas[i].name) &&
            (!arg || ro_pragmas[i].arg))
            return SQLITE_OK;
    if (arg)
        snprintf(rs->why, sizeof(rs->why),
                 "PRAGMA %.60s = %.60s is refused: only reading is allowed",
                 name, arg);
    else
        snprintf(rs->why, sizeof(rs->why),
                 "PRAGMA %.60s is refused: only PRAGMAs that read the "
                 "schema (table_info, index_list, ...) are allowed",
                 name);
    return SQLITE_DENY;
}

/*
 * The authorizer: an allowlist. Reading, SELECT, recursive CTEs, harmless
 * functions and read-only PRAGMAs pass; every other action is denied and
 * named in rs->why.
 */
static int ro_authorize(void *ctx, int action, const char *a, const char *b,
                        const char *dbname, const char *trigger)
{
    struct ro_state *rs = ctx;
    (void)dbname;
    (void)trigger;
    switch (action) {
    case SQLITE_SELECT:
    case SQLITE_READ:
    case SQLITE_RECURSIVE:
        return SQLITE_OK;
    case SQLITE_PRAGMA:
        return ro_pragma_ok(rs, a ? a : "", b);
    case SQLITE_FUNCTION:
        for (size_t i = 0; i < sizeof(ro_functions) / sizeof(*ro_functions);
             i++)
            if (b && !strcasecmp(b, ro_functions[i])) {
                snprintf(rs->why, sizeof(rs->why),
                         "the function %s() is refused", ro_functions[i]);
                return SQLITE_DENY;
            }
        return SQLITE_OK;
    default:
        break;
    }
    const char *what =
        action >= 0 && (size_t)action < sizeof(ro_actions) / sizeof(*ro_actions)
            ? ro_actions[action]
            : NULL;
    const char *name = action == SQLITE_ALTER_TABLE ? b : a;
    if (action == SQLITE_TRANSACTION || action == SQLITE_SAVEPOINT) {
        if (action == SQLITE_TRANSACTION && a)
            what = a; /* BEGIN, COMMIT or ROLLBACK */
        name = NULL;
    }
    if (a && !strncmp(a, "sqlite_", 7) &&
        (action == SQLITE_INSERT || action == SQLITE_UPDATE ||
         action == SQLITE_DELETE)) {
        /* CREATE, DROP and ALTER write the schema table first. */
        what = "changing the schema (CREATE, DROP, ALTER)";
        name = NULL;
    }
    snprintf(rs->why, sizeof(rs->why),
             "%s%s%.80s is refused: only reading is allowed",
             what ? what : "this statement", name ? " " : "",
             name ? name : "");
    return SQLITE_DENY;
}

static int ro_progress(void *ctx)
{
    struct ro_state *rs = ctx;
    if (clock_ms() < rs->deadline)
        return 0;
    rs->timed_out = true;
    return 1; /* interrupts the statement */
}

/*
 * Offset in s of the first byte that is not a blank, ";" or a comment,
 * or -1 when there is none: text that would be a second statement.
 */
static long ro_more(const char *s)
{
    const char *p = s;
    for (;;) {
        if (*p == ';' || *p == ' ' || (*p >= '\t' && *p <= '\r')) {
            p++;
        } else if (p[0] == '-' && p[1] == '-') {
            while (*p && *p != '\n')
                p++;
        } else if (p[0] == '/' && p[1] == '*') {
            const char *end = strstr(p + 2, "*/");
            if (!end)
                return -1; /* runs to the end, as SQLite reads it */
            p = end + 2;
        } else {
            return *p ? (long)(p - s) : -1;
        }
    }
}

/* s[0..n) as a JSON string, malformed UTF-8 bytes replaced by U+FFFD. */
static struct jv *ro_text(const char *s, size_t n)
{
    if (utf8_valid(s, n))
        return jv_stringn(s, n);
    struct buf b = BUF_INIT;
    for (size_t i = 0; i < n;) {
        uint32_t cp;
        size_t k = utf8_decode(s + i, n - i, &cp);
        if (k)
            buf_append(&b, s + i, k);
        else
            buf_appends(&b, "\xef\xbf\xbd");
        i += k ? k : 1;
    }
    struct jv *j = jv_stringn(b.buf, b.len);
    buf_release(&b);
    return j;
}

/* Column i of the current row as JSON; *bytes grows by its size. */
static struct jv *ro_value(sqlite3_stmt *st, int i, size_t *bytes)
{
    switch (sqlite3_column_type(st, i)) {
    case SQLITE_INTEGER:
        return jv_integer(sqlite3_column_int64(st, i));
    case SQLITE_FLOAT: {
        double d = sqlite3_column_double(st, i);
        if (isfinite(d))
            return jv_real(d);
        return jv_string(d > 0 ? "Infinity" : "-Infinity");
    }
    case SQLITE_TEXT: {
        const char *s = (const char *)sqlite3_column_text(st, i);
        size_t n = (size_t)sqlite3_column_bytes(st, i);
        *bytes += n;
        return ro_text(s ? s : "", s ? n : 0);
    }
    case SQLITE_BLOB: {
        char tag[64];
        snprintf(tag, sizeof(tag), "<blob: %d bytes>",
                 sqlite3_column_bytes(st, i));
        return jv_string(tag);
    }
    default:
        return jv_null();
    }
}

/* Prepare the one statement of sql under the authorizer and check it. */
static int ro_prepare(struct db *db, const char *sql, struct ro_state *rs,
                      sqlite3_stmt **st, struct kith_err *err)
{
    const char *tail = NULL;
    /* A first prepare without the authorizer connects the virtual tables
     * the statement names (the FTS index, pragma_* functions): connecting
     * declares their schema, which SQLite authorizes as a write to
     * sqlite_master. Preparing runs nothing; the real prepare follows. */
    if (sqlite3_prepare_v2(db->h, sql, -1, st, NULL) == SQLITE_OK)
        sqlite3_finalize(*st);
    *st = NULL;
    sqlite3_set_authorizer(db->h, ro_authorize, rs);
    if (sqlite3_prepare_v2(db->h, sql, -1, st, &tail) != SQLITE_OK) {
        int off = sqlite3_error_offset(db->h);
        if (rs->why[0])
            return kith_errf(err, KITH_EINVAL, "sql: %s", rs->why);
        if (off >= 0)
            return kith_errf(err, KITH_EINVAL, "sql: %s (at byte %d)",
                             sqlite3_errmsg(db->h), off + 1);
        return kith_errf(err, KITH_EINVAL, "sql: %s", sqlite3_errmsg(db->h));
    }
    if (!*st)
        return kith_errf(err, KITH_EINVAL, "sql: no statement given");
    long more = ro_more(tail);
    if (more >= 0)
        return kith_errf(err, KITH_EINVAL,
                         "sql: only one statement is allowed; another "
                         "starts at byte %ld",
                         (long)(tail - sql) + more + 1);
    if (!sqlite3_stmt_readonly(*st))
        return kith_errf(err, KITH_EINVAL,
                         "sql: only statements that read are allowed");
    return KITH_OK;
}

/* Step st into {"columns", "rows", "truncated"}. */
static int ro_run(struct db *db, sqlite3_stmt *st, struct ro_state *rs,
                  int64_t max_rows, int64_t timeout_ms, struct jv **out,
                  struct kith_err *err)
{
    int ncols = sqlite3_column_count(st), rc;
    struct jv *cols = jv_array(), *rows = jv_array();
    size_t bytes = 0;
    int64_t n = 0;
    bool truncated = false;
    for (int i = 0; i < ncols; i++) {
        const char *name = sqlite3_column_name(st, i);
        jv_push_take(cols, ro_text(name ? name : "", name ? strlen(name) : 0));
    }
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (n == max_rows || bytes > RO_RESULT_MAX) {
            truncated = true;
            break;
        }
        struct jv *row = jv_array();
        for (int i = 0; i < ncols; i++)
            jv_push_take(row, ro_value(st, i, &bytes));
        jv_push_take(rows, row);
        n++;
    }
    if (rc == SQLITE_ROW || rc == SQLITE_DONE) {
        struct jv *res = jv_object();
        jv_set_take(res, "columns", cols);
        jv_set_take(res, "rows", rows);
        jv_set_take(res, "truncated", jv_boolean(truncated));
        *out = res;
        return KITH_OK;
    }
    jv_free(cols);
    jv_free(rows);
    if (rs->timed_out)
        return kith_errf(err, KITH_ETIMEOUT, "sql: timed out after %g s",
                         (double)timeout_ms / 1000.0);
    if (rs->why[0])
        return kith_errf(err, KITH_EINVAL, "sql: %s", rs->why);
    if (rc == SQLITE_TOOBIG)
        return kith_errf(err, KITH_ETOOBIG,
                         "sql: a value is longer than %d MB",
                         RO_VALUE_MAX / (1024 * 1024));
    bool broken = rc == SQLITE_IOERR || rc == SQLITE_CORRUPT ||
                  rc == SQLITE_NOMEM || rc == SQLITE_CANTOPEN;
    return kith_errf(err, broken ? KITH_EDB : KITH_EINVAL, "sql: %s",
                     sqlite3_errmsg(db->h));
}

int db_query_readonly(struct db *db, const char *sql,
                      const struct db_ro_limits *lim, struct jv **out,
                      struct kith_err *err)
{
    struct ro_state rs = { 0 };
    sqlite3_stmt *st = NULL;
    int64_t timeout = lim && lim->timeout_ms ? lim->timeout_ms
                                             : DB_RO_TIMEOUT_MS;
    int64_t max_rows = lim && lim->max_rows ? lim->max_rows : DB_RO_ROWS;
    *out = NULL;
    if (timeout < 0 || timeout > DB_RO_MAX_TIMEOUT_MS)
        return kith_errf(err, KITH_EINVAL,
                         "sql: the time limit must be more than 0 and at "
                         "most %d s",
                         DB_RO_MAX_TIMEOUT_MS / 1000);
    if (max_rows < 0 || max_rows > DB_RO_MAX_ROWS)
        return kith_errf(err, KITH_EINVAL,
                         "sql: the row limit must be from 1 to %d",
                         DB_RO_MAX_ROWS);
    if (strlen(sql) > DB_RO_SQL_MAX)
        return kith_errf(err, KITH_ETOOBIG,
                         "sql: the statement is longer than %d bytes",
                         DB_RO_SQL_MAX);
    sqlite3_stmt *qo = NULL;
    int was_query_only = 0;
    if (sqlite3_prepare_v2(db->h, "PRAGMA query_only", -1, &qo, NULL) ==
            SQLITE_OK &&
        sqlite3_step(qo) == SQLITE_ROW)
        was_query_only = sqlite3_column_int(qo, 0);
    sqlite3_finalize(qo);
    int ret = db_exec(db, "PRAGMA query_only=1", err);
    if (ret < 0)
        return ret;
    int old_len = sqlite3_limit(db->h, SQLITE_LIMIT_LENGTH, RO_VALUE_MAX);
    rs.deadline = clock_ms() + timeout;
    sqlite3_progress_handler(db->h, RO_PROGRESS_STEPS, ro_progress, &rs);
    ret = ro_prepare(db, sql, &rs, &st, err);
    if (ret == KITH_OK)
        ret = ro_run(db, st, &rs, max_rows, timeout, out, err);
    sqlite3_finalize(st);
    sqlite3_set_authorizer(db->h, NULL, NULL);
    sqlite3_progress_handler(db->h, 0, NULL, NULL);
    sqlite3_limit(db->h, SQLITE_LIMIT_LENGTH, old_len);
    if (!was_query_only)
        db_exec(db, "PRAGMA query_only=0", NULL);
    return ret;
}
