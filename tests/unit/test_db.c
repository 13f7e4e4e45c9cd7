/*
 * test_db: connection settings of db/db.c.
 *
 * db_set_page_cache_kib sets SQLite's cache_size of the connections opened
 * after it (kith serve makes it smaller than the CLI's 64 MiB, one
 * connection per worker thread); 0 goes back to DB_PAGE_CACHE_KIB.
 */
#include "unit.h"

#include "db/db.h"

/* PRAGMA cache_size of a new in-memory connection. */
static int64_t new_cache_size(void)
{
    struct kith_err err = KITH_ERR_INIT;
    struct db *db = NULL;
    struct db_stmt *st = NULL;
    if (db_open(":memory:", true, &db, &err) < 0)
        fail_msg("open: %s", err.msg);
    assert_int_equal(db_prepare(db, "PRAGMA cache_size", &st, &err), KITH_OK);
    assert_int_equal(db_step(st, &err), DB_ROW);
    int64_t n = db_col_int(st, 0);
    db_finalize(st);
    db_close(db);
    return n;
}

static void test_db__page_cache_default_and_set(void **state)
{
    (void)state;
    assert_int_equal(new_cache_size(), -DB_PAGE_CACHE_KIB);
    db_set_page_cache_kib(8 * 1024);
    assert_int_equal(new_cache_size(), -8 * 1024);
    db_set_page_cache_kib(0);
    assert_int_equal(new_cache_size(), -DB_PAGE_CACHE_KIB);
}

static void test_db__page_cache_applies_to_new_connections_only(void **state)
{
    (void)state;
    struct kith_err err = KITH_ERR_INIT;
    struct db *db = NULL;
    struct db_stmt *st = NULL;
    assert_int_equal(db_open(":memory:", true, &db, &err), KITH_OK);
    db_set_page_cache_kib(2048);
    assert_int_equal(db_prepare(db, "PRAGMA cache_size", &st, &err), KITH_OK);
    assert_int_equal(db_step(st, &err), DB_ROW);
    assert_int_equal(db_col_int(st, 0), -DB_PAGE_CACHE_KIB);
    db_finalize(st);
    db_close(db);
    assert_int_equal(new_cache_size(), -2048);
    db_set_page_cache_kib(0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_db__page_cache_default_and_set),
        cmocka_unit_test(test_db__page_cache_applies_to_new_connections_only),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
