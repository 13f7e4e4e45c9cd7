/*
 * test_sql: read-only SQL (crm_sql over db_query_readonly) on a workspace
 * file with the default objects and a few entries.
 *
 * Every way of writing through it must be refused with a message that
 * names what was refused, and leave the database exactly as it was: the
 * entries, the change log, the schema, user_version, journal_mode and the
 * list of attached databases. A query that runs forever stops at the time
 * limit; rows past the cap are left out and flagged; and after any
 * refusal or timeout the connection writes normally again.
 */
#include "unit.h"

#include <unistd.h>

#include "base/clock.h"
#include "crm/crm.h"
#include "db/db.h"

struct fixture {
    char dir[64];
    char path[96];
    struct crm *crm;
};

static int setup(void **state)
{
    struct fixture *fx = calloc(1, sizeof(*fx));
    struct kith_err err = KITH_ERR_INIT;
    snprintf(fx->dir, sizeof(fx->dir), "/tmp/kith-test-sql-XXXXXX");
    if (!mkdtemp(fx->dir))
        return -1;
    snprintf(fx->path, sizeof(fx->path), "%s/kith.db", fx->dir);
    struct jv *ann = unit_json("{\"name\": \"Ann Lee\", \"status\": \"Lead\"}");
    struct jv *bob = unit_json("{\"name\": \"Bob\", \"email\": \"b@x.io\"}");
    int rc = crm_open_db(fx->path, &fx->crm, &err);
    if (rc == KITH_OK)
        rc = crm_seed_defaults(fx->crm, &err);
    if (rc == KITH_OK)
        rc = crm_create(fx->crm, CRM_ACTOR_USER, "people", ann, NULL, &err);
    if (rc == KITH_OK)
        rc = crm_create(fx->crm, CRM_ACTOR_USER, "people", bob, NULL, &err);
    jv_free(ann);
    jv_free(bob);
    if (rc < 0) {
        print_error("setup: %s\n", err.msg);
        return -1;
    }
    *state = fx;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *fx = *state;
    char file[128];
    crm_close(fx->crm);
    static const char *const suffix[] = { "", "-wal", "-shm" };
    for (size_t i = 0; i < 3; i++) {
        snprintf(file, sizeof(file), "%s%s", fx->path, suffix[i]);
        unlink(file);
    }
    snprintf(file, sizeof(file), "%s/other.db", fx->dir);
    unlink(file);
    rmdir(fx->dir);
    free(fx);
    return 0;
}

/* Run sql; on success *out holds the result (jv_free it). */
static int run(struct fixture *fx, const char *sql, int64_t timeout_ms,
               int64_t max_rows, struct jv **out, struct kith_err *err)
{
    struct crm_sql_limits lim = { timeout_ms, max_rows };
    return crm_sql(fx->crm, sql, &lim, out, err);
}

/* One text: every fact about the database a write could change. */
static char *fingerprint(struct fixture *fx)
{
    static const char *const probe =
        "SELECT (SELECT json_group_array(json_array(id, name, email, "
        "status, updated_at)) FROM people) || (SELECT count(*) || ':' || "
        "max(id) FROM kith_changes) || (SELECT json_group_array(sql) FROM "
        "sqlite_master) || (SELECT json_group_array(name) FROM "
        "pragma_database_list WHERE name <> 'temp') || "
        "(SELECT json_group_array(sql) FROM sqlite_temp_master) || "
        "(SELECT user_version FROM "
        "pragma_user_version) || (SELECT journal_mode FROM "
        "pragma_journal_mode) || (SELECT count(*) FROM kith_documents)";
    /* Read directly, not through the code under test. */
    struct db_stmt *st = NULL;
    struct kith_err err = KITH_ERR_INIT;
    if (db_prepare(crm_db(fx->crm), probe, &st, &err) < 0 ||
        db_step(st, &err) != DB_ROW)
        fail_msg("fingerprint: %s", err.msg);
    char *s = strdup(db_col_text(st, 0));
    db_finalize(st);
    return s;
}

/* After a refusal or a timeout, the connection writes again. */
static void assert_writes_work(struct fixture *fx)
{
    struct kith_err err = KITH_ERR_INIT;
    struct jv *v = unit_json("{\"title\": \"checked\"}");
    int rc = crm_update(fx->crm, CRM_ACTOR_USER, "people", 1, v, &err);
    jv_free(v);
    if (rc < 0)
        fail_msg("write after read-only SQL: %s", err.msg);
    v = unit_json("{\"title\": null}");
    assert_int_equal(crm_update(fx->crm, CRM_ACTOR_USER, "people", 1, v,
                                NULL),
                     KITH_OK);
    jv_free(v);
}

/* ---- reading ---- */

static void test_sql__select_typed_values(void **state)
{
    struct fixture *fx = *state;
    struct jv *res = NULL;
    struct kith_err err = KITH_ERR_INIT;
    assert_int_equal(run(fx,
                         "SELECT id, name, email, 1.5 AS r, x'0102' AS b "
                         "FROM people ORDER BY id",
                         0, 0, &res, &err),
                     KITH_OK);
    assert_json(res, "{\"columns\": [\"id\", \"name\", \"email\", \"r\", "
                     "\"b\"], \"rows\": [[1, \"Ann Lee\", null, 1.5, "
                     "\"<blob: 2 bytes>\"], [2, \"Bob\", \"b@x.io\", 1.5, "
                     "\"<blob: 2 bytes>\"]], \"truncated\": false}");
    jv_free(res);
    /* Comments, blanks and semicolons after the one statement are fine. */
    assert_int_equal(run(fx, "SELECT 1 AS one; -- done\n ; /* end */ ;", 0,
                         0, &res, &err),
                     KITH_OK);
    assert_json(res, "{\"columns\": [\"one\"], \"rows\": [[1]], "
                     "\"truncated\": false}");
    jv_free(res);
}

static void test_sql__odd_values_stay_json(void **state)
{
    struct fixture *fx = *state;
    struct jv *res = NULL;
    assert_int_equal(run(fx,
                         "SELECT 1e999, -1e999, CAST(x'ff41' AS TEXT), "
                         "NULL",
                         0, 0, &res, NULL),
                     KITH_OK);
    assert_json(jv_at(jv_get(res, "rows"), 0),
                "[\"Infinity\", \"-Infinity\", \"\\ufffdA\", null]");
    char *text = jv_dump(res);
    assert_non_null(text);
    free(text);
    jv_free(res);
}

static void test_sql__reading_pragmas_and_search_work(void **state)
{
    struct fixture *fx = *state;
    static const char *const ok[] = {
        "PRAGMA table_info(people)",
        "SELECT name FROM pragma_table_info('people') WHERE pk",
        "PRAGMA user_version",
        "SELECT count(*) FROM kith_search WHERE kith_search MATCH 'ann'",
        "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c "
        "LIMIT 3) SELECT x FROM c",
        "EXPLAIN QUERY PLAN SELECT * FROM people WHERE status = 'Lead'",
    };
    for (size_t i = 0; i < sizeof(ok) / sizeof(*ok); i++) {
        struct jv *res = NULL;
        struct kith_err err = KITH_ERR_INIT;
        if (run(fx, ok[i], 0, 0, &res, &err) < 0)
            fail_msg("%s: %s", ok[i], err.msg);
        assert_true(jv_len(jv_get(res, "rows")) > 0);
        jv_free(res);
    }
}

/* ---- refusals ---- */

static void test_sql__every_write_is_refused(void **state)
{
    struct fixture *fx = *state;
    static const struct {
        const char *sql, *why;
    } cases[] = {
        { "INSERT INTO people (name) VALUES ('Eve')", "INSERT into people" },
        { "UPDATE people SET name = 'Eve'", "UPDATE of people" },
        { "DELETE FROM people", "DELETE from people" },
        { "REPLACE INTO people (id, name) VALUES (1, 'Eve')",
          "INSERT into people" },
        { "DROP TABLE people", "changing the schema" },
        { "CREATE TABLE evil (x)", "changing the schema" },
        { "CREATE TEMP TABLE evil (x)", "changing the schema" },
        { "CREATE TEMP VIEW evil AS SELECT 1", "changing the schema" },
        { "CREATE VIEW evil AS SELECT 1", "changing the schema" },
        { "CREATE TRIGGER evil AFTER INSERT ON people BEGIN "
          "DELETE FROM people; END",
          "refused" },
        { "CREATE TEMP TRIGGER evil AFTER INSERT ON people BEGIN "
          "SELECT 1; END",
          "refused" },
        { "CREATE INDEX evil ON people (title)", "changing the schema" },
        { "ALTER TABLE people ADD COLUMN evil", "ALTER TABLE people" },
        { "ALTER TABLE people RENAME TO folks", "refused" },
        { "ATTACH DATABASE '/tmp/kith-evil.db' AS evil", "ATTACH" },
        { "DETACH DATABASE main", "DETACH main" },
        { "PRAGMA user_version = 5", "PRAGMA user_version = 5" },
        { "PRAGMA journal_mode = delete", "PRAGMA journal_mode = delete" },
        { "PRAGMA query_only = 0", "PRAGMA query_only = 0" },
        { "PRAGMA writable_schema = 1", "PRAGMA writable_schema" },
        { "PRAGMA foreign_keys = OFF", "PRAGMA foreign_keys = OFF" },
        { "PRAGMA optimize", "PRAGMA optimize" },
        { "SELECT * FROM pragma_optimize", "PRAGMA optimize" },
        { "SELECT load_extension('/tmp/evil.so')", "load_extension()" },
        { "SELECT LOAD_EXTENSION('x', 'y')", "load_extension()" },
        { "BEGIN", "BEGIN is refused" },
        { "BEGIN IMMEDIATE", "BEGIN is refused" },
        { "COMMIT", "COMMIT is refused" },
        { "ROLLBACK", "ROLLBACK is refused" },
        { "SAVEPOINT evil", "SAVEPOINT is refused" },
        { "RELEASE evil", "SAVEPOINT is refused" },
        { "VACUUM", "only statements that read" },
        { "VACUUM INTO '/tmp/kith-evil.db'", "only statements that read" },
        { "REINDEX", "REINDEX" },
        { "ANALYZE", "ANALYZE" },
        { "SELECT 1; DELETE FROM people", "only one statement" },
        { "SELECT 1;DROP TABLE people;--", "only one statement" },
        { "SELECT * FROM people WHERE name = ''; DELETE FROM people; --'",
          "another starts at byte 39" },
        { "WITH x AS (SELECT 'Eve') INSERT INTO people (name) SELECT * "
          "FROM x",
          "INSERT into people" },
        { "EXPLAIN DELETE FROM people", "DELETE from people" },
        { "CREATE VIRTUAL TABLE evil USING fts5(a)", "refused" },
        { "SELECT writefile('/tmp/kith-evil', 'x')", "writefile" },
        { "", "no statement" },
        { "  ; -- nothing", "no statement" },
        { "SELEC 1", "syntax error (at byte 1)" },
    };
    char *before = fingerprint(fx);
    for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
        struct jv *res = NULL;
        struct kith_err err = KITH_ERR_INIT;
        int rc = run(fx, cases[i].sql, 0, 0, &res, &err);
        if (rc != KITH_EINVAL)
            fail_msg("'%s' gave %d (%s), not a refusal", cases[i].sql, rc,
                     err.msg);
        assert_null(res);
        assert_contains(err.msg, "sql: ");
        assert_contains(err.msg, cases[i].why);
        char *after = fingerprint(fx);
        if (strcmp(before, after)) {
            print_error("'%s' changed the database:\n%s\n%s\n",
                        cases[i].sql, before, after);
            free(before);
            free(after);
            fail();
        }
        free(after);
    }
    free(before);
    assert_int_equal(access("/tmp/kith-evil.db", F_OK), -1);
    assert_writes_work(fx);
}

static void test_sql__attach_creates_no_file(void **state)
{
    struct fixture *fx = *state;
    char sql[256], file[128];
    snprintf(file, sizeof(file), "%s/other.db", fx->dir);
    snprintf(sql, sizeof(sql), "ATTACH '%s' AS o", file);
    struct jv *res = NULL;
    assert_int_equal(run(fx, sql, 0, 0, &res, NULL), KITH_EINVAL);
    assert_int_equal(access(file, F_OK), -1);
}

static void test_sql__bad_limits_are_refused(void **state)
{
    struct fixture *fx = *state;
    struct jv *res = NULL;
    struct kith_err err = KITH_ERR_INIT;
    assert_int_equal(run(fx, "SELECT 1", 0, CRM_SQL_MAX_ROWS + 1, &res,
                         &err),
                     KITH_EINVAL);
    assert_contains(err.msg, "row limit must be from 1 to 100000");
    assert_int_equal(run(fx, "SELECT 1", -5, 0, &res, &err), KITH_EINVAL);
    assert_contains(err.msg, "time limit");
    assert_int_equal(run(fx, "SELECT 1", CRM_SQL_MAX_TIMEOUT_MS + 1, 0, &res,
                         &err),
                     KITH_EINVAL);
    assert_int_equal(crm_sql(fx->crm, NULL, NULL, &res, &err), KITH_EINVAL);
    char *big = malloc(200001);
    memset(big, ' ', 200000);
    memcpy(big, "SELECT 1", 8);
    big[200000] = '\0';
    assert_int_equal(run(fx, big, 0, 0, &res, &err), KITH_ETOOBIG);
    assert_contains(err.msg, "longer than 100000 bytes");
    free(big);
    assert_null(res);
}

/* ---- time limit and row cap ---- */

static void test_sql__timeout_stops_an_endless_query(void **state)
{
    struct fixture *fx = *state;
    struct jv *res = NULL;
    struct kith_err err = KITH_ERR_INIT;
    char *before = fingerprint(fx);
    int64_t t0 = clock_ms();
    int rc = run(fx,
                 "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 "
                 "FROM c) SELECT count(*) FROM c",
                 200, 0, &res, &err);
    int64_t took = clock_ms() - t0;
    assert_int_equal(rc, KITH_ETIMEOUT);
    assert_string_equal(err.msg, "sql: timed out after 0.2 s");
    assert_null(res);
    assert_true(took >= 190 && took < 3000);
    char *after = fingerprint(fx);
    assert_string_equal(before, after);
    free(before);
    free(after);
    assert_writes_work(fx);
    /* The handler is gone: a long but finite query is not stopped. */
    assert_int_equal(run(fx,
                         "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL "
                         "SELECT x + 1 FROM c LIMIT 200000) "
                         "SELECT count(*) FROM c",
                         0, 0, &res, &err),
                     KITH_OK);
    assert_json(jv_get(res, "rows"), "[[200000]]");
    jv_free(res);
}

static void test_sql__row_cap_truncates(void **state)
{
    struct fixture *fx = *state;
    static const char *const q =
        "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c "
        "LIMIT 5000) SELECT x FROM c";
    struct jv *res = NULL;
    assert_int_equal(run(fx, q, 0, 10, &res, NULL), KITH_OK);
    assert_int_equal(jv_len(jv_get(res, "rows")), 10);
    assert_json(jv_at(jv_get(res, "rows"), 9), "[10]");
    assert_true(jv_bool(jv_get(res, "truncated")));
    jv_free(res);
    assert_int_equal(run(fx, q, 0, 0, &res, NULL), KITH_OK); /* default */
    assert_int_equal(jv_len(jv_get(res, "rows")), 1000);
    assert_true(jv_bool(jv_get(res, "truncated")));
    jv_free(res);
    assert_int_equal(run(fx, q, 0, 5000, &res, NULL), KITH_OK); /* exact */
    assert_int_equal(jv_len(jv_get(res, "rows")), 5000);
    assert_false(jv_bool(jv_get(res, "truncated")));
    jv_free(res);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_sql__select_typed_values, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_sql__odd_values_stay_json, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(
            test_sql__reading_pragmas_and_search_work, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sql__every_write_is_refused,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_sql__attach_creates_no_file,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_sql__bad_limits_are_refused,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_sql__timeout_stops_an_endless_query, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sql__row_cap_truncates, setup,
                                        teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
