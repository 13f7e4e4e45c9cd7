/*
 * test_dupes: likely duplicates (crm_dupes) and merging (crm_merge), on an
 * in-memory workspace with the 200-people demo data plus planted
 * duplicates of its first person, Ann Lee (#1, ann.lee@acme.com,
 * +1 312 555 0199, at Acme Inc #1).
 *
 * Planted copies must be found for the right reason and with the right
 * members, near misses must not be; a merge must fill, unite, re-point and
 * move the document in one change group, and undoing that group must give
 * back exactly what was there before. KITH_NOW pins the clock so entries
 * compare whole.
 */
#include "unit.h"

#include "crm/crm.h"
#include "db/db.h"

#define NOW "2026-11-26T09:00:00.000Z"

static int setup(void **state)
{
    struct crm *crm = NULL;
    struct kith_err err = KITH_ERR_INIT;
    setenv("KITH_NOW", NOW, 1);
    if (crm_open_db(":memory:", &crm, &err) < 0 ||
        crm_seed_defaults(crm, &err) < 0 || crm_demo_fill(crm, &err) < 0) {
        print_error("setup: %s\n", err.msg);
        crm_close(crm);
        return -1;
    }
    *state = crm;
    return 0;
}

static int teardown(void **state)
{
    crm_close(*state);
    unsetenv("KITH_NOW");
    return 0;
}

static int64_t make(struct crm *crm, const char *object, const char *json)
{
    struct kith_err err = KITH_ERR_INIT;
    struct jv *v = unit_json(json);
    int64_t id = 0;
    if (crm_create(crm, CRM_ACTOR_USER, object, v, &id, &err) < 0)
        fail_msg("create %s %s: %s", object, json, err.msg);
    jv_free(v);
    return id;
}

static struct jv *dupes(struct crm *crm, const char *object)
{
    struct jv *out = NULL;
    struct kith_err err = KITH_ERR_INIT;
    if (crm_dupes(crm, object, &out, &err) < 0)
        fail_msg("dupes %s: %s", object, err.msg);
    return out;
}

/* The ids of the group with this reason that holds entry id, as JSON
 * text ("[1, 201]"), or "none"; free() it. */
static char *group_of(const struct jv *res, const char *reason, int64_t id)
{
    const struct jv *groups = jv_get(res, "groups");
    for (size_t g = 0; g < jv_len(groups); g++) {
        const struct jv *grp = jv_at(groups, g);
        if (strcmp(jv_str(jv_get(grp, "reason")), reason))
            continue;
        const struct jv *entries = jv_get(grp, "entries");
        struct jv *ids = jv_array();
        bool has = false;
        for (size_t i = 0; i < jv_len(entries); i++) {
            int64_t e = jv_int(jv_get(jv_at(entries, i), "id"));
            has |= e == id;
            jv_push_take(ids, jv_integer(e));
        }
        if (has) {
            char *s = jv_dump(ids);
            jv_free(ids);
            return s;
        }
        jv_free(ids);
    }
    return strdup("none");
}

static void assert_group(const struct jv *res, const char *reason,
                         int64_t id, const char *want)
{
    char *got = group_of(res, reason, id);
    if (strcmp(got, want)) {
        print_error("%s group of #%lld: got %s, want %s\n", reason,
                    (long long)id, got, want);
        free(got);
        fail();
    }
    free(got);
}

/* ---- crm_dupes ---- */

static void test_dupes__planted_copies_are_found(void **state)
{
    struct crm *crm = *state;
    int64_t by_email = make(crm, "people",
                            "{\"name\": \"A. Lee\", \"email\": "
                            "\"  ANN.LEE@Acme.COM \"}");
    int64_t by_phone = make(crm, "people",
                            "{\"name\": \"Annie\", \"phone\": "
                            "\"(312) 555-0199 ext 42\"}");
    int64_t by_name = make(crm, "people",
                           "{\"name\": \"ann lee \", \"company\": 1}");
    int64_t elsewhere = make(crm, "people",
                             "{\"name\": \"Ann Lee\", \"company\": 2}");
    int64_t short1 = make(crm, "people",
                          "{\"name\": \"S1\", \"phone\": \"911\"}");
    make(crm, "people", "{\"name\": \"S2\", \"phone\": \"9-1-1\"}");
    struct jv *res = dupes(crm, "People");
    assert_string_equal(jv_str(jv_get(res, "object")), "people");
    char want[64];
    snprintf(want, sizeof(want), "[1,%lld]", (long long)by_email);
    assert_group(res, "same email", 1, want);
    snprintf(want, sizeof(want), "[1,%lld]", (long long)by_phone);
    assert_group(res, "same phone", 1, want);
    snprintf(want, sizeof(want), "[1,%lld]", (long long)by_name);
    assert_group(res, "same name at Acme Inc", 1, want);
    assert_group(res, "same name at Acme Inc", elsewhere, "none");
    assert_group(res, "same phone", short1, "none");
    /* Each group says what matched: the value of its first entry. */
    const struct jv *groups = jv_get(res, "groups");
    bool email_seen = false;
    for (size_t g = 0; g < jv_len(groups); g++) {
        const struct jv *grp = jv_at(groups, g);
        if (!strcmp(jv_str(jv_get(grp, "reason")), "same email")) {
            assert_string_equal(jv_str(jv_get(grp, "value")),
                                "ann.lee@acme.com");
            assert_json(jv_at(jv_get(grp, "entries"), 0),
                        "{\"id\": 1, \"label\": \"Ann Lee\"}");
            email_seen = true;
        }
        assert_true(jv_len(jv_get(grp, "entries")) >= 2);
    }
    assert_true(email_seen);
    jv_free(res);
}

static void test_dupes__country_code_and_reasons(void **state)
{
    struct crm *crm = *state;
    int64_t a = make(crm, "people",
                     "{\"name\": \"UK one\", \"phone\": \"+44 20 7946 0958\"}");
    int64_t b = make(crm, "people",
                     "{\"name\": \"UK two\", \"phone\": \"020 7946 0958\"}");
    int64_t c = make(crm, "companies", "{\"name\": \"acme inc\"}");
    struct jv *res = dupes(crm, "people");
    char want[64];
    snprintf(want, sizeof(want), "[%lld,%lld]", (long long)a, (long long)b);
    assert_group(res, "same phone", a, want);
    jv_free(res);
    /* An object without a relation to companies compares labels alone. */
    res = dupes(crm, "companies");
    snprintf(want, sizeof(want), "[1,%lld]", (long long)c);
    assert_group(res, "same name", 1, want);
    assert_int_equal(jv_len(jv_get(res, "groups")), 1);
    jv_free(res);
    /* People without a company share a group of their own. */
    int64_t x = make(crm, "people", "{\"name\": \"Nomad\"}");
    int64_t y = make(crm, "people", "{\"name\": \"NOMAD\"}");
    res = dupes(crm, "people");
    snprintf(want, sizeof(want), "[%lld,%lld]", (long long)x, (long long)y);
    assert_group(res, "same name, no company", x, want);
    jv_free(res);
}

static void test_dupes__empty_and_unknown(void **state)
{
    struct crm *crm = *state;
    struct jv *res = dupes(crm, "companies");
    assert_json(res, "{\"object\": \"companies\", \"groups\": []}");
    jv_free(res);
    struct kith_err err = KITH_ERR_INIT;
    assert_int_equal(crm_dupes(crm, "peple", &res, &err), KITH_ENOTFOUND);
    assert_null(res);
    assert_contains(err.msg, "did you mean 'people'");
}

/* ---- crm_merge ---- */

static struct jv *get(struct crm *crm, const char *object, int64_t id)
{
    struct jv *e = NULL;
    struct kith_err err = KITH_ERR_INIT;
    if (crm_get(crm, object, id, &e, &err) < 0)
        fail_msg("get %s #%lld: %s", object, (long long)id, err.msg);
    return e;
}

static char *doc(struct crm *crm, int64_t id)
{
    char *md = NULL;
    assert_int_equal(crm_doc_get(crm, "people", id, &md, NULL), KITH_OK);
    return md;
}

/* Every deal, task and person as one JSON text, with documents. */
static char *state_of(struct crm *crm)
{
    static const char *const objects[] = { "people", "deals", "tasks" };
    struct jv *all = jv_array();
    for (size_t i = 0; i < 3; i++) {
        struct crm_query q = { .limit = 1000 };
        struct jv *list = NULL;
        assert_int_equal(crm_list(crm, objects[i], &q, &list, NULL),
                         KITH_OK);
        jv_push_take(all, list);
    }
    struct db_stmt *st = NULL;
    assert_int_equal(db_prepare(crm_db(crm),
                                "SELECT json_group_array(json_array(object, "
                                "entry_id, markdown)) FROM kith_documents",
                                &st, NULL),
                     KITH_OK);
    assert_int_equal(db_step(st, NULL), DB_ROW);
    jv_push_take(all, jv_string(db_col_text(st, 0)));
    db_finalize(st);
    char *s = jv_dump(all);
    jv_free(all);
    return s;
}

static void test_dupes__merge_fills_moves_and_undoes(void **state)
{
    struct crm *crm = *state;
    struct kith_err err = KITH_ERR_INIT;
    int64_t keep = make(crm, "people",
                        "{\"name\": \"Ada Byron\", \"email\": "
                        "\"ada@byron.org\", \"tags\": [\"vip\"]}");
    int64_t other = make(crm, "people",
                         "{\"name\": \"Ada B.\", \"email\": "
                         "\"ada@other.org\", \"title\": \"Countess\", "
                         "\"company\": 2, \"tags\": [\"event\", \"vip\"]}");
    char json[128];
    snprintf(json, sizeof(json), "{\"name\": \"Engine\", \"contact\": %lld}",
             (long long)other);
    int64_t deal = make(crm, "deals", json);
    int64_t task1 = 0, task2 = 0;
    snprintf(json, sizeof(json), "{\"title\": \"Call\", \"person\": %lld}",
             (long long)other);
    task1 = make(crm, "tasks", json);
    task2 = make(crm, "tasks", json);
    assert_int_equal(crm_doc_set(crm, CRM_ACTOR_USER, "people", keep,
                                 "Keep notes\n", &err),
                     KITH_OK);
    assert_int_equal(crm_doc_set(crm, CRM_ACTOR_USER, "people", other,
                                 "Other notes", &err),
                     KITH_OK);
    char *before = state_of(crm);

    int64_t group = 0;
    if (crm_merge(crm, CRM_ACTOR_USER, "people", keep, other, &group, &err) <
        0)
        fail_msg("merge: %s", err.msg);
    assert_true(group > 0);
    struct jv *e = get(crm, "people", keep);
    assert_string_equal(jv_str(jv_get(e, "email")), "ada@byron.org");
    assert_string_equal(jv_str(jv_get(e, "title")), "Countess");
    assert_int_equal(jv_int(jv_get(jv_get(e, "company"), "id")), 2);
    assert_json(jv_get(e, "tags"), "[\"vip\", \"event\"]");
    jv_free(e);
    assert_int_equal(crm_get(crm, "people", other, &e, NULL), KITH_ENOTFOUND);
    for (int64_t t = task1; t <= task2; t++) {
        e = get(crm, "tasks", t);
        assert_int_equal(jv_int(jv_get(jv_get(e, "person"), "id")), keep);
        jv_free(e);
    }
    e = get(crm, "deals", deal);
    assert_int_equal(jv_int(jv_get(jv_get(e, "contact"), "id")), keep);
    jv_free(e);
    char *md = doc(crm, keep);
    assert_string_equal(md, "Keep notes\n\n---\n\nOther notes");
    free(md);

    /* Every change of the merge is in its group, and undoing it is exact. */
    struct jv *log = NULL;
    assert_int_equal(crm_log(crm, NULL, 0, 100, &log, NULL), KITH_OK);
    size_t in_group = 0;
    for (size_t i = 0; i < jv_len(log); i++)
        in_group += jv_int(jv_get(jv_at(log, i), "group_id")) == group;
    assert_int_equal(in_group, 6); /* fill, deal, 2 tasks, doc, delete */
    jv_free(log);
    if (crm_undo_group(crm, CRM_ACTOR_USER, group, &err) < 0)
        fail_msg("undo: %s", err.msg);
    char *after = state_of(crm);
    assert_string_equal(before, after);
    free(before);
    free(after);
}

static void test_dupes__merge_refusals_change_nothing(void **state)
{
    struct crm *crm = *state;
    struct kith_err err = KITH_ERR_INIT;
    int64_t group = -1;
    char *before = state_of(crm);
    assert_int_equal(crm_merge(crm, CRM_ACTOR_USER, "people", 3, 3, &group,
                               &err),
                     KITH_EINVAL);
    assert_string_equal(err.msg, "cannot merge people #3 with itself");
    assert_int_equal(group, 0);
    assert_int_equal(crm_merge(crm, CRM_ACTOR_USER, "people", 3, 9999, &group,
                               &err),
                     KITH_ENOTFOUND);
    assert_string_equal(err.msg, "there is no people entry #9999");
    assert_int_equal(crm_merge(crm, CRM_ACTOR_USER, "people", 9999, 3, &group,
                               &err),
                     KITH_ENOTFOUND);
    assert_int_equal(crm_merge(crm, CRM_ACTOR_USER, "peeple", 1, 3, &group,
                               &err),
                     KITH_ENOTFOUND);
    assert_contains(err.msg, "did you mean 'people'");
    char *after = state_of(crm);
    assert_string_equal(before, after);
    free(before);
    free(after);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_dupes__planted_copies_are_found,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_dupes__country_code_and_reasons,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_dupes__empty_and_unknown, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(
            test_dupes__merge_fills_moves_and_undoes, setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_dupes__merge_refusals_change_nothing, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
