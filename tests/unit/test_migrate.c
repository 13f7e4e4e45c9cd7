/*
 * test_migrate: opening database files and migrating them (db/migrate.c).
 *
 * A new file is brought to db_schema_version() and records it in PRAGMA
 * user_version; opening it again runs nothing twice. A file written by a
 * newer kith (a higher user_version) is refused with a message that says
 * so, and its bytes are left exactly as they were. Each case works in its
 * own temporary directory, removed afterwards.
 */
#include "unit.h"

#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/buf.h"
#include "crm/crm.h"
#include "db/db.h"

/* ---- a temporary directory per case ---- */

struct tmp {
    char dir[64];
    char path[128]; /* dir/kith.db */
};

static int setup(void **state)
{
    struct tmp *t = calloc(1, sizeof(*t));
    snprintf(t->dir, sizeof(t->dir), "/tmp/kith-test-migrate-XXXXXX");
    if (!mkdtemp(t->dir)) {
        free(t);
        return -1;
    }
    snprintf(t->path, sizeof(t->path), "%s/kith.db", t->dir);
    *state = t;
    return 0;
}

static int teardown(void **state)
{
    struct tmp *t = *state;
    DIR *d = opendir(t->dir);
    struct dirent *e;
    while (d && (e = readdir(d))) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        char p[512];
        snprintf(p, sizeof(p), "%s/%s", t->dir, e->d_name);
        unlink(p);
    }
    if (d)
        closedir(d);
    rmdir(t->dir);
    free(t);
    return 0;
}

/* The whole file at path; *n its size. NULL when it cannot be read. */
static char *slurp(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    struct buf b = BUF_INIT;
    char chunk[4096];
    size_t got;
    while ((got = fread(chunk, 1, sizeof(chunk), f)) > 0)
        buf_append(&b, chunk, got);
    fclose(f);
    return buf_detach(&b, n);
}

static bool exists(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0;
}

static bool has_table(struct db *db, const char *name)
{
    struct db_stmt *st = NULL;
    assert_int_equal(db_prepare(db,
                                "SELECT count(*) FROM sqlite_master WHERE "
                                "type = 'table' AND name = ?1",
                                &st, NULL),
                     KITH_OK);
    db_bind_str(st, 1, name);
    assert_int_equal(db_step(st, NULL), DB_ROW);
    bool found = db_col_int(st, 0) == 1;
    db_finalize(st);
    return found;
}

/* Write a file at path whose user_version is version. */
static void make_versioned(const char *path, int version)
{
    struct db *db = NULL;
    struct kith_err err = KITH_ERR_INIT;
    assert_int_equal(db_open(path, true, &db, &err), KITH_OK);
    char sql[64];
    snprintf(sql, sizeof(sql), "PRAGMA user_version=%d", version);
    assert_int_equal(db_exec(db, sql, &err), KITH_OK);
    assert_int_equal(db_user_version(db), version);
    db_close(db);
}

/* ---- cases ---- */

static void test_migrate__fresh_file_gets_the_schema(void **state)
{
    struct tmp *t = *state;
    struct db *db = NULL;
    struct kith_err err = KITH_ERR_INIT;
    assert_true(db_schema_version() >= 1);
    assert_false(exists(t->path));
    assert_int_equal(db_open(t->path, true, &db, &err), KITH_OK);
    assert_non_null(db);
    assert_true(exists(t->path));
    assert_int_equal(db_user_version(db), db_schema_version());
    assert_true(has_table(db, "kith_objects"));
    assert_true(has_table(db, "kith_fields"));
    assert_true(has_table(db, "kith_changes"));
    assert_int_equal(db_integrity_check(db, &err), KITH_OK);
    assert_int_equal(db_tx_depth(db), 0); /* no transaction left open */
    db_close(db);
}

static void test_migrate__reopen_runs_nothing_twice(void **state)
{
    struct tmp *t = *state;
    struct db *db = NULL;
    struct kith_err err = KITH_ERR_INIT;
    assert_int_equal(db_open(t->path, true, &db, &err), KITH_OK);
    assert_int_equal(db_exec(db,
                             "INSERT INTO kith_changes (at, actor, object, "
                             "entry_id, op, group_id) VALUES ('t', 'user', "
                             "'people', 1, 'create', 1)",
                             &err),
                     KITH_OK);
    db_close(db);
    for (int i = 0; i < 2; i++) {
        db = NULL;
        assert_int_equal(db_open(t->path, false, &db, &err), KITH_OK);
        assert_int_equal(db_user_version(db), db_schema_version());
        struct db_stmt *st = NULL;
        assert_int_equal(db_prepare(db, "SELECT count(*) FROM kith_changes",
                                    &st, &err),
                         KITH_OK);
        assert_int_equal(db_step(st, &err), DB_ROW);
        assert_int_equal(db_col_int(st, 0), 1); /* the data is kept */
        db_finalize(st);
        db_close(db);
    }
}

static void test_migrate__memory_database(void **state)
{
    (void)state;
    struct db *db = NULL;
    struct kith_err err = KITH_ERR_INIT;
    assert_int_equal(db_open(":memory:", true, &db, &err), KITH_OK);
    assert_int_equal(db_user_version(db), db_schema_version());
    assert_true(has_table(db, "kith_changes"));
    db_close(db);
}

static void test_migrate__missing_file_without_create(void **state)
{
    struct tmp *t = *state;
    struct db *db = (struct db *)1; /* must be reset to NULL */
    struct kith_err err = KITH_ERR_INIT;
    assert_int_equal(db_open(t->path, false, &db, &err), KITH_EDB);
    assert_null(db);
    assert_contains(err.msg, "cannot open");
    assert_contains(err.msg, t->path);
    assert_false(exists(t->path));
}

static void test_migrate__newer_file_is_refused_untouched(void **state)
{
    struct tmp *t = *state;
    make_versioned(t->path, 999);
    size_t n0 = 0, n1 = 0;
    char *before = slurp(t->path, &n0);
    assert_non_null(before);
    assert_true(n0 > 0);

    struct db *db = (struct db *)1;
    struct kith_err err = KITH_ERR_INIT;
    assert_int_equal(db_open(t->path, true, &db, &err), KITH_ECONFLICT);
    assert_null(db);
    assert_contains(err.msg, "newer");
    assert_contains(err.msg, "999");
    assert_contains(err.msg, "not changed");

    /* Through the crm layer too, and with create off. */
    struct crm *crm = (struct crm *)1;
    err = (struct kith_err)KITH_ERR_INIT;
    assert_int_equal(crm_open_db(t->path, &crm, &err), KITH_ECONFLICT);
    assert_null(crm);
    assert_contains(err.msg, "newer");
    assert_int_equal(db_open(t->path, false, &db, &err), KITH_ECONFLICT);

    char *after = slurp(t->path, &n1);
    assert_non_null(after);
    assert_int_equal(n1, n0);
    assert_memory_equal(after, before, n0);
    free(before);
    free(after);
}

static void test_migrate__one_version_newer_is_refused(void **state)
{
    struct tmp *t = *state;
    make_versioned(t->path, db_schema_version() + 1);
    size_t n0 = 0, n1 = 0;
    char *before = slurp(t->path, &n0);
    struct db *db = NULL;
    struct kith_err err = KITH_ERR_INIT;
    assert_int_equal(db_open(t->path, true, &db, &err), KITH_ECONFLICT);
    assert_contains(err.msg, "newer");
    char *after = slurp(t->path, &n1);
    assert_int_equal(n1, n0);
    assert_memory_equal(after, before, n0);
    free(before);
    free(after);
}

static void test_migrate__not_a_database_is_refused_untouched(void **state)
{
    struct tmp *t = *state;
    static const char text[] = "this is a note, not an SQLite database\n";
    FILE *f = fopen(t->path, "wb");
    assert_non_null(f);
    fwrite(text, 1, sizeof(text) - 1, f);
    fclose(f);

    struct db *db = NULL;
    struct kith_err err = KITH_ERR_INIT;
    assert_true(db_open(t->path, true, &db, &err) < 0);
    assert_null(db);
    assert_contains(err.msg, "is not a kith database");
    size_t n = 0;
    char *after = slurp(t->path, &n);
    assert_int_equal(n, sizeof(text) - 1);
    assert_memory_equal(after, text, n);
    free(after);
}

static void test_migrate__crm_workspace_on_a_fresh_file(void **state)
{
    struct tmp *t = *state;
    struct crm *crm = NULL;
    struct kith_err err = KITH_ERR_INIT;
    assert_int_equal(crm_open_db(t->path, &crm, &err), KITH_OK);
    assert_int_equal(crm_object_count(crm), 0);
    assert_int_equal(crm_seed_defaults(crm, &err), KITH_OK);
    crm_close(crm);

    /* The objects are data in the file: they are there when reopened. */
    crm = NULL;
    assert_int_equal(crm_open_db(t->path, &crm, &err), KITH_OK);
    assert_int_equal(crm_object_count(crm), 4);
    assert_non_null(crm_object_find(crm, "people"));
    assert_int_equal(db_user_version(crm_db(crm)), db_schema_version());
    crm_close(crm);
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_migrate__fresh_file_gets_the_schema),
        T(test_migrate__reopen_runs_nothing_twice),
        T(test_migrate__memory_database),
        T(test_migrate__missing_file_without_create),
        T(test_migrate__newer_file_is_refused_untouched),
        T(test_migrate__one_version_newer_is_refused),
        T(test_migrate__not_a_database_is_refused_untouched),
        T(test_migrate__crm_workspace_on_a_fresh_file),
    };
#undef T
    return cmocka_run_group_tests(tests, NULL, NULL);
}
