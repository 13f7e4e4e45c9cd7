/*
 * test_view: saved views (crm/view.c) and lists through a view.
 *
 * A view is checked against its object when it is saved (filter, sort,
 * columns, kind and group_by), names are unique per object in any case,
 * crm_list with .view applies the view's filter (ANDed with the query's)
 * and sort (unless the query has one), removing an object removes its
 * views, and a field a view uses cannot be removed.
 */
#include "unit.h"

#include "base/buf.h"
#include "crm/crm.h"

static int setup(void **state)
{
    struct crm *crm = NULL;
    struct kith_err err = KITH_ERR_INIT;
    setenv("KITH_NOW", "2026-11-26T09:00:00.000Z", 1);
    if (crm_open_db(":memory:", &crm, &err) < 0 ||
        crm_seed_defaults(crm, &err) < 0) {
        print_error("setup: %s\n", err.msg);
        crm_close(crm);
        return -1;
    }
    static const char *const people[] = {
        "{\"name\": \"Ann\", \"status\": \"Lead\", \"tags\": \"vip\"}",
        "{\"name\": \"Bob\", \"status\": \"Lead\"}",
        "{\"name\": \"Cy\", \"status\": \"Customer\", \"tags\": \"vip\"}",
        "{\"name\": \"Di\", \"status\": \"Lead\", \"tags\": \"vip\"}",
    };
    for (size_t i = 0; i < 4; i++) {
        struct jv *v = unit_json(people[i]);
        if (crm_create(crm, CRM_ACTOR_USER, "people", v, NULL, &err) < 0)
            fail_msg("%s", err.msg);
        jv_free(v);
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

static int add(struct crm *crm, const char *json, int64_t *id,
               struct kith_err *err)
{
    struct jv *spec = unit_json(json);
    int64_t ignored;
    int ret = crm_view_add(crm, spec, id ? id : &ignored, err);
    jv_free(spec);
    return ret;
}

static void names_of(struct crm *crm, struct crm_query q, struct buf *out)
{
    struct kith_err err = KITH_ERR_INIT;
    struct jv *list = NULL;
    if (crm_list(crm, "people", &q, &list, &err) < 0)
        fail_msg("list: %s", err.msg);
    buf_reset(out);
    const struct jv *e = jv_get(list, "entries");
    for (size_t i = 0; i < jv_len(e); i++)
        buf_appendf(out, "%s%s", i ? "," : "",
                    jv_str(jv_get(jv_at(e, i), "name")));
    jv_free(list);
}

static void test_view__add_get_list(void **state)
{
    struct crm *crm = *state;
    struct kith_err err = KITH_ERR_INIT;
    int64_t id = 0;
    assert_int_equal(add(crm, "{\"object\": \"People\", \"name\": \"Hot\", "
                              "\"where\": \"status = lead\", \"sort\": "
                              "\"-name\", \"columns\": \"Name, tags\", "
                              "\"kind\": \"Kanban\", \"group_by\": "
                              "\"Status\"}",
                         &id, &err),
                     KITH_OK);
    assert_true(id > 0);
    struct jv *v = NULL;
    assert_int_equal(crm_view_get(crm, id, &v, &err), KITH_OK);
    assert_json(v, "{\"id\": 1, \"object\": \"people\", \"name\": \"Hot\", "
                   "\"kind\": \"kanban\", \"where\": \"status = lead\", "
                   "\"sort\": \"-name\", \"columns\": [\"name\", \"tags\"], "
                   "\"group_by\": \"status\", "
                   "\"created_at\": \"2026-11-26T09:00:00.000Z\", "
                   "\"updated_at\": \"2026-11-26T09:00:00.000Z\"}");
    jv_free(v);
    assert_int_equal(add(crm, "{\"object\": \"people\", \"name\": \"all\"}",
                         NULL, &err),
                     KITH_OK);
    assert_int_equal(crm_view_find(crm, "people", "HOT", &v, &err), KITH_OK);
    assert_int_equal(jv_int(jv_get(v, "id")), id);
    jv_free(v);
    assert_int_equal(crm_view_list(crm, "people", &v, &err), KITH_OK);
    assert_int_equal(jv_len(v), 2);
    assert_string_equal(jv_str(jv_get(jv_at(v, 0), "name")), "all");
    assert_string_equal(jv_str(jv_get(jv_at(v, 0), "kind")), "table");
    assert_int_equal(jv_type(jv_get(jv_at(v, 0), "where")), JV_NULL);
    jv_free(v);
    assert_int_equal(crm_view_list(crm, "deals", &v, &err), KITH_OK);
    assert_int_equal(jv_len(v), 0);
    jv_free(v);
    assert_int_equal(crm_view_find(crm, "people", "cold", &v, &err),
                     KITH_ENOTFOUND);
    assert_string_equal(err.msg, "people has no view 'cold' (see: kith views "
                                 "people)");
    assert_int_equal(crm_view_get(crm, 99, &v, &err), KITH_ENOTFOUND);
}

static void test_view__refusals(void **state)
{
    struct crm *crm = *state;
    assert_int_equal(add(crm, "{\"object\": \"people\", \"name\": \"Hot\"}",
                         NULL, NULL),
                     KITH_OK);
    static const struct {
        const char *spec, *msg;
    } cases[] = {
        { "{\"object\": \"people\", \"name\": \"hot\"}",
          "people already has a view named 'hot'" },
        { "{\"object\": \"peple\", \"name\": \"x\"}",
          "unknown object 'peple'; did you mean 'people'?" },
        { "{\"name\": \"x\"}", "view: object is needed" },
        { "{\"object\": \"people\"}", "view: a name of 1 to 64 bytes" },
        { "{\"object\": \"people\", \"name\": \"\"}", "view: a name of 1 to" },
        { "{\"object\": \"people\", \"name\": 5}", "view: name must be text" },
        { "{\"object\": \"people\", \"name\": \"x\", \"where\": \"stauts = "
          "Lead\"}",
          "view: where: filter at column 1: unknown field 'stauts'; did you "
          "mean 'status'?" },
        { "{\"object\": \"people\", \"name\": \"x\", \"sort\": \"-nme\"}",
          "view: sort: people has no field 'nme'; did you mean 'name'?" },
        { "{\"object\": \"people\", \"name\": \"x\", \"columns\": \"name,"
          "emial\"}",
          "view: columns: people has no field 'emial'; did you mean "
          "'email'?" },
        { "{\"object\": \"people\", \"name\": \"x\", \"columns\": [1]}",
          "view: columns must be a list of fields" },
        { "{\"object\": \"people\", \"name\": \"x\", \"kind\": \"grid\"}",
          "view: kind 'grid' is not table, kanban or calendar" },
        { "{\"object\": \"people\", \"name\": \"x\", \"kind\": \"kanban\"}",
          "view: a kanban view needs group_by, a select field of people" },
        { "{\"object\": \"people\", \"name\": \"x\", \"kind\": \"kanban\", "
          "\"group_by\": \"name\"}",
          "view: a kanban view needs group_by, a select field of people" },
        { "{\"object\": \"people\", \"name\": \"x\", \"kind\": \"calendar\", "
          "\"group_by\": \"status\"}",
          "view: a calendar view needs group_by, a date or datetime field" },
        { "{\"object\": \"people\", \"name\": \"x\", \"group_by\": \"zz\"}",
          "view: group_by: people has no field 'zz'" },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
        struct kith_err err = KITH_ERR_INIT;
        if (add(crm, cases[i].spec, NULL, &err) == KITH_OK)
            fail_msg("%s was accepted", cases[i].spec);
        assert_contains(err.msg, cases[i].msg);
    }
    struct kith_err err = KITH_ERR_INIT;
    assert_int_equal(add(crm, "{\"object\": \"people\", \"name\": \"Cal\", "
                              "\"kind\": \"calendar\", \"group_by\": "
                              "\"last contacted\"}",
                         NULL, &err),
                     KITH_OK);
    struct jv *v = NULL;
    assert_int_equal(crm_view_list(crm, NULL, &v, &err), KITH_OK);
    assert_int_equal(jv_len(v), 2); /* nothing refused was saved */
    assert_string_equal(jv_str(jv_get(jv_at(v, 0), "group_by")),
                        "last_contacted");
    jv_free(v);
}

static void test_view__list_through_a_view(void **state)
{
    struct crm *crm = *state;
    struct kith_err err = KITH_ERR_INIT;
    struct buf names = BUF_INIT;
    assert_int_equal(add(crm, "{\"object\": \"people\", \"name\": \"Leads\", "
                              "\"where\": \"status = Lead\", \"sort\": "
                              "\"-name\"}",
                         NULL, &err),
                     KITH_OK);
    names_of(crm, (struct crm_query){ .view = "leads" }, &names);
    assert_string_equal(names.buf, "Di,Bob,Ann");
    names_of(crm, (struct crm_query){ .view = "Leads", .where = "tags ~ vip" },
             &names);
    assert_string_equal(names.buf, "Di,Ann");
    names_of(crm,
             (struct crm_query){ .view = "Leads", .sort = "name", .limit = 2 },
             &names);
    assert_string_equal(names.buf, "Ann,Bob");

    struct crm_query q = { .view = "nope" };
    struct jv *list = NULL;
    assert_int_equal(crm_list(crm, "people", &q, &list, &err),
                     KITH_ENOTFOUND);
    assert_null(list);
    q = (struct crm_query){ .view = "Leads", .where = "stauts = x" };
    assert_int_equal(crm_list(crm, "people", &q, &list, &err), KITH_EINVAL);
    assert_contains(err.msg, "filter at column 1: unknown field 'stauts'");
    buf_release(&names);
}

static void test_view__update_and_remove(void **state)
{
    struct crm *crm = *state;
    struct kith_err err = KITH_ERR_INIT;
    int64_t a, b;
    assert_int_equal(add(crm, "{\"object\": \"people\", \"name\": \"A\", "
                              "\"where\": \"status = Lead\"}",
                         &a, &err),
                     KITH_OK);
    assert_int_equal(add(crm, "{\"object\": \"people\", \"name\": \"B\"}", &b,
                         &err),
                     KITH_OK);
    struct jv *spec = unit_json("{\"sort\": \"name\", \"where\": null}");
    assert_int_equal(crm_view_update(crm, a, spec, &err), KITH_OK);
    jv_free(spec);
    struct jv *v = NULL;
    assert_int_equal(crm_view_get(crm, a, &v, &err), KITH_OK);
    assert_string_equal(jv_str(jv_get(v, "sort")), "name");
    assert_int_equal(jv_type(jv_get(v, "where")), JV_NULL);
    assert_string_equal(jv_str(jv_get(v, "name")), "A");
    jv_free(v);
    spec = unit_json("{\"name\": \"b\"}");
    assert_int_equal(crm_view_update(crm, a, spec, &err), KITH_ECONFLICT);
    jv_free(spec);
    spec = unit_json("{\"where\": \"status = Nope\"}");
    assert_int_equal(crm_view_update(crm, a, spec, &err), KITH_EINVAL);
    assert_contains(err.msg, "view: where: filter at column 10: status: "
                             "'Nope' is not one of");
    jv_free(spec);
    spec = unit_json("{\"object\": \"deals\"}");
    assert_int_equal(crm_view_update(crm, a, spec, &err), KITH_EINVAL);
    jv_free(spec);
    assert_int_equal(crm_view_remove(crm, a, &err), KITH_OK);
    assert_int_equal(crm_view_remove(crm, a, &err), KITH_ENOTFOUND);
    assert_string_equal(err.msg, "there is no view #1");
    assert_int_equal(crm_view_list(crm, "people", &v, &err), KITH_OK);
    assert_int_equal(jv_len(v), 1);
    jv_free(v);
}

static void test_view__schema_keeps_views_sound(void **state)
{
    struct crm *crm = *state;
    struct kith_err err = KITH_ERR_INIT;
    static const char *const uses[] = {
        "{\"object\": \"people\", \"name\": \"w\", \"where\": "
        "\"not (\\\"Title\\\" ~ x)\"}",
        "{\"object\": \"people\", \"name\": \"s\", \"sort\": \"-title\"}",
        "{\"object\": \"people\", \"name\": \"c\", \"columns\": "
        "[\"name\", \"title\"]}",
    };
    static const char *const why[] = { "filter", "sort", "columns" };
    for (size_t i = 0; i < 3; i++) {
        int64_t id;
        assert_int_equal(add(crm, uses[i], &id, &err), KITH_OK);
        assert_int_equal(crm_field_remove(crm, "people", "title", true, &err),
                         KITH_ECONFLICT);
        char want[128];
        snprintf(want, sizeof(want), "people.title is used by the %s of view",
                 why[i]);
        assert_contains(err.msg, want);
        assert_int_equal(crm_view_remove(crm, id, &err), KITH_OK);
    }
    /* a view that only mentions the word in a value does not block */
    assert_int_equal(add(crm, "{\"object\": \"people\", \"name\": \"v\", "
                              "\"where\": \"name = title\"}",
                         NULL, &err),
                     KITH_OK);
    assert_int_equal(crm_field_remove(crm, "people", "title", true, &err),
                     KITH_OK);

    /* removing an object removes its views, and only its */
    assert_int_equal(crm_object_add(crm, "Investors", &err), KITH_OK);
    assert_int_equal(add(crm, "{\"object\": \"investors\", \"name\": \"all\"}",
                         NULL, &err),
                     KITH_OK);
    assert_int_equal(crm_object_remove(crm, "investors", true, &err),
                     KITH_OK);
    struct jv *v = NULL;
    assert_int_equal(crm_view_list(crm, NULL, &v, &err), KITH_OK);
    assert_int_equal(jv_len(v), 1);
    assert_string_equal(jv_str(jv_get(jv_at(v, 0), "object")), "people");
    jv_free(v);
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_view__add_get_list),
        T(test_view__refusals),
        T(test_view__list_through_a_view),
        T(test_view__update_and_remove),
        T(test_view__schema_keeps_views_sound),
    };
#undef T
    return cmocka_run_group_tests(tests, NULL, NULL);
}
