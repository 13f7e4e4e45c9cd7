/*
 * test_report: saved reports (crm/report.c), the dashboard's panels.
 *
 * A new workspace has the three default reports and each runs; a report
 * is checked when saved (name, chart, and its SQL must run read-only);
 * names are unique in any case; update changes only what it is given;
 * data runs the query; remove removes.
 */
#include "unit.h"

#include "crm/crm.h"

static int setup(void **state)
{
    return unit_crm_setup(state, "2026-11-26T09:00:00.000Z");
}

static int add(struct crm *crm, const char *json, int64_t *id,
               struct kith_err *err)
{
    struct jv *spec = unit_json(json);
    int ret = crm_report_add(crm, spec, id, err);
    jv_free(spec);
    return ret;
}

static void test_report__defaults_run(void **state)
{
    struct crm *crm = *state;
    struct kith_err err = KITH_ERR_INIT;
    unit_make(crm, "people", "{\"name\": \"Ann\", \"status\": \"Lead\"}");
    unit_make(crm, "deals", "{\"name\": \"Big\", \"stage\": \"Closed Won\", "
                            "\"amount\": 500, \"close_date\": \"2026-03-04\"}");
    struct jv *list = NULL;
    assert_int_equal(crm_report_list(crm, &list, &err), KITH_OK);
    assert_int_equal(jv_len(list), 3);
    assert_string_equal(jv_str(jv_get(jv_at(list, 0), "chart")), "bar");
    for (size_t i = 0; i < 3; i++) {
        struct jv *d = NULL;
        int64_t id = jv_int(jv_get(jv_at(list, i), "id"));
        assert_int_equal(crm_report_data(crm, id, NULL, &d, &err), KITH_OK);
        assert_int_equal(jv_len(jv_get(d, "rows")), 1);
        assert_int_equal(jv_int(jv_get(jv_get(d, "report"), "id")), id);
        jv_free(d);
    }
    struct jv *d = NULL;
    assert_int_equal(crm_report_data(crm, 2, NULL, &d, &err), KITH_OK);
    struct jv *row = jv_at(jv_get(d, "rows"), 0);
    assert_string_equal(jv_str(jv_at(row, 0)), "2026-03");
    assert_int_equal(jv_int(jv_at(row, 1)), 1);
    jv_free(d);
    jv_free(list);
}

static void test_report__refusals(void **state)
{
    struct crm *crm = *state;
    struct kith_err err = KITH_ERR_INIT;
    assert_int_equal(add(crm, "{\"name\": \"W\", \"sql\": \"DELETE FROM "
                              "people\"}", NULL, &err),
                     KITH_EINVAL);
    assert_contains(err.msg, "report: ");
    assert_int_equal(add(crm, "{\"name\": \"S\", \"sql\": \"SELEC 1\"}",
                         NULL, &err),
                     KITH_EINVAL);
    assert_int_equal(add(crm, "{\"name\": \"C\", \"sql\": \"SELECT 1\", "
                              "\"chart\": \"pie\"}", NULL, &err),
                     KITH_EINVAL);
    assert_contains(err.msg, "pie");
    assert_int_equal(add(crm, "{\"name\": \"\", \"sql\": \"SELECT 1\"}",
                         NULL, &err),
                     KITH_EINVAL);
    assert_int_equal(add(crm, "{\"name\": \"people BY status\", \"sql\": "
                              "\"SELECT 1\"}", NULL, &err),
                     KITH_ECONFLICT);
    assert_int_equal(add(crm, "{\"name\": 3, \"sql\": \"SELECT 1\"}", NULL,
                         &err),
                     KITH_EINVAL);
    struct jv *list = NULL;
    assert_int_equal(crm_report_list(crm, &list, &err), KITH_OK);
    assert_int_equal(jv_len(list), 3); /* nothing was saved */
    jv_free(list);
}

static void test_report__update_and_remove(void **state)
{
    struct crm *crm = *state;
    struct kith_err err = KITH_ERR_INIT;
    int64_t id = 0;
    assert_int_equal(add(crm, "{\"name\": \"N\", \"sql\": \"SELECT 41 + 1\","
                              " \"chart\": \"number\"}", &id, &err),
                     KITH_OK);
    struct jv *spec = unit_json("{\"name\": \"Answer\"}");
    assert_int_equal(crm_report_update(crm, id, spec, &err), KITH_OK);
    jv_free(spec);
    struct jv *d = NULL;
    assert_int_equal(crm_report_data(crm, id, NULL, &d, &err), KITH_OK);
    assert_string_equal(jv_str(jv_get(jv_get(d, "report"), "name")),
                        "Answer");
    assert_string_equal(jv_str(jv_get(jv_get(d, "report"), "chart")),
                        "number");
    assert_int_equal(jv_int(jv_at(jv_at(jv_get(d, "rows"), 0), 0)), 42);
    jv_free(d);
    spec = unit_json("{\"sql\": \"UPDATE people SET name = 'x'\"}");
    assert_int_equal(crm_report_update(crm, id, spec, &err), KITH_EINVAL);
    jv_free(spec);
    spec = unit_json("{\"name\": \"Deals won per month\"}");
    assert_int_equal(crm_report_update(crm, id, spec, &err), KITH_ECONFLICT);
    jv_free(spec);
    assert_int_equal(crm_report_remove(crm, id, &err), KITH_OK);
    assert_int_equal(crm_report_remove(crm, id, &err), KITH_ENOTFOUND);
    assert_int_equal(crm_report_data(crm, id, NULL, &d, &err),
                     KITH_ENOTFOUND);
    assert_contains(err.msg, "no report");
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, unit_crm_teardown)
    const struct CMUnitTest tests[] = {
        T(test_report__defaults_run),
        T(test_report__refusals),
        T(test_report__update_and_remove),
    };
#undef T
    return cmocka_run_group_tests(tests, NULL, NULL);
}
