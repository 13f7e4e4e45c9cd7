/*
 * test_entry_json: crm_get_json and crm_list_json (crm/entry.c), the JSON
 * text of an entry and of a page that the HTTP API sends as it is.
 *
 * crm_get and crm_list are built from the same text, so each case checks
 * that the text parses to exactly what they return (one definition of the
 * shape), that it is appended after what the buffer held, and that a
 * failure leaves the buffer as it was.
 */
#include "unit.h"

#include "base/buf.h"
#include "crm/crm.h"

#define T0 "2026-01-01T09:00:00.000Z"

static int setup(void **state)
{
    return unit_crm_setup(state, T0);
}

static int teardown(void **state)
{
    return unit_crm_teardown(state);
}

/* The text after prefix in b, parsed; fails unless b starts with prefix. */
static struct jv *parse_after(const struct buf *b, const char *prefix)
{
    size_t n = strlen(prefix);
    assert_true(b->len > n);
    assert_memory_equal(b->buf, prefix, n);
    return unit_json(b->buf + n);
}

static void test_entry_json__get_is_crm_get(void **state)
{
    struct crm *crm = *state;
    struct kith_err err = KITH_ERR_INIT;
    int64_t acme =
        unit_make(crm, "companies", "{\"name\": \"Acme \\\"A\\\"\"}");
    char json[160];
    snprintf(json, sizeof(json),
             "{\"name\": \"Zoë \\\"Z\\\" Lee\\nII\", \"status\": \"Lead\", "
             "\"company\": %lld, \"tags\": [\"vip\"]}",
             (long long)acme);
    int64_t id = unit_make(crm, "people", json);
    struct buf b = BUF_INIT;
    buf_appends(&b, "prefix:");
    assert_int_equal(crm_get_json(crm, "people", id, &b, &err), KITH_OK);
    struct jv *text = parse_after(&b, "prefix:");
    struct jv *tree = NULL;
    assert_int_equal(crm_get(crm, "people", id, &tree, &err), KITH_OK);
    assert_true(jv_equal(text, tree));
    assert_string_equal(jv_str(jv_get(text, "name")), "Zoë \"Z\" Lee\nII");
    assert_int_equal(jv_int(jv_get(text, "id")), id);
    assert_json(jv_get(text, "company"),
                "{\"id\": 1, \"label\": \"Acme \\\"A\\\"\"}");
    assert_string_equal(jv_str(jv_get(text, "created_at")), T0);
    jv_free(text);
    jv_free(tree);
    buf_release(&b);
}

static void test_entry_json__get_missing_leaves_buffer(void **state)
{
    struct crm *crm = *state;
    struct kith_err err = KITH_ERR_INIT;
    struct buf b = BUF_INIT;
    buf_appends(&b, "kept");
    assert_int_equal(crm_get_json(crm, "people", 42, &b, &err),
                     KITH_ENOTFOUND);
    assert_contains(err.msg, "there is no people entry #42");
    assert_string_equal(b.buf, "kept");
    assert_int_equal(crm_get_json(crm, "nope", 1, &b, &err), KITH_ENOTFOUND);
    assert_string_equal(b.buf, "kept");
    buf_release(&b);
}

/* Five people, three of them leads. */
static void make_people(struct crm *crm)
{
    static const char *const people[] = {
        "{\"name\": \"Ann\", \"status\": \"Lead\"}",
        "{\"name\": \"Bob\", \"status\": \"Customer\"}",
        "{\"name\": \"Cy\", \"status\": \"Lead\"}",
        "{\"name\": \"Di\", \"status\": \"Lead\"}",
        "{\"name\": \"Ed\", \"status\": \"Churned\"}",
    };
    for (size_t i = 0; i < sizeof(people) / sizeof(people[0]); i++)
        unit_make(crm, "people", people[i]);
}

static void test_entry_json__list_is_crm_list(void **state)
{
    struct crm *crm = *state;
    struct kith_err err = KITH_ERR_INIT;
    make_people(crm);
    struct crm_query q = { .where = "status = Lead", .sort = "-name",
                           .limit = 2 };
    struct buf b = BUF_INIT;
    buf_appends(&b, "[");
    assert_int_equal(crm_list_json(crm, "people", &q, &b, &err), KITH_OK);
    struct jv *page = parse_after(&b, "[");
    struct jv *tree = NULL;
    assert_int_equal(crm_list(crm, "people", &q, &tree, &err), KITH_OK);
    assert_true(jv_equal(page, tree));
    struct jv *entries = jv_get(page, "entries");
    assert_int_equal(jv_len(entries), 2);
    assert_string_equal(jv_str(jv_get(jv_at(entries, 0), "name")), "Di");
    assert_string_equal(jv_str(jv_get(jv_at(entries, 1), "name")), "Cy");
    assert_int_equal(jv_int(jv_get(page, "total")), 3);
    assert_non_null(jv_str(jv_get(page, "next_cursor")));

    /* The next page by its cursor, without the total: the last lead. */
    struct buf b2 = BUF_INIT;
    q.cursor = jv_str(jv_get(page, "next_cursor"));
    q.no_count = true;
    assert_int_equal(crm_list_json(crm, "people", &q, &b2, &err), KITH_OK);
    struct jv *page2 = unit_json(b2.buf);
    assert_int_equal(jv_len(jv_get(page2, "entries")), 1);
    assert_string_equal(
        jv_str(jv_get(jv_at(jv_get(page2, "entries"), 0), "name")), "Ann");
    assert_int_equal(jv_type(jv_get(page2, "total")), JV_NULL);
    assert_int_equal(jv_type(jv_get(page2, "next_cursor")), JV_NULL);
    jv_free(page2);
    jv_free(page);
    jv_free(tree);
    buf_release(&b);
    buf_release(&b2);
}

static void test_entry_json__list_failure_leaves_buffer(void **state)
{
    static const struct {
        const char *object, *where, *sort, *cursor, *msg;
        int rc;
    } cases[] = {
        { "people", "status = Nope", NULL, NULL, "Nope", KITH_EINVAL },
        { "people", "shoe_size > 3", NULL, NULL, "shoe_size", KITH_EINVAL },
        { "people", NULL, "-nope", NULL, "sort", KITH_EINVAL },
        { "people", NULL, NULL, "%%%", "cursor is not valid", KITH_EINVAL },
        { "ghosts", NULL, NULL, NULL, "ghosts", KITH_ENOTFOUND },
    };
    struct crm *crm = *state;
    make_people(crm);
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct kith_err err = KITH_ERR_INIT;
        struct crm_query q = { .where = cases[i].where,
                               .sort = cases[i].sort,
                               .cursor = cases[i].cursor };
        struct buf b = BUF_INIT;
        buf_appends(&b, "kept");
        assert_int_equal(crm_list_json(crm, cases[i].object, &q, &b, &err),
                         cases[i].rc);
        assert_contains(err.msg, cases[i].msg);
        assert_string_equal(b.buf, "kept");
        buf_release(&b);
    }
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_entry_json__get_is_crm_get),
        T(test_entry_json__get_missing_leaves_buffer),
        T(test_entry_json__list_is_crm_list),
        T(test_entry_json__list_failure_leaves_buffer),
    };
#undef T
    return cmocka_run_group_tests(tests, NULL, NULL);
}
