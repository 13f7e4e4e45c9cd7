/*
 * test_entry: the one write path for entries (crm/entry.c) and the change
 * log with undo (crm/change.c), on an in-memory workspace with the
 * default objects.
 *
 * Every create, update and delete must be readable back, recorded in
 * kith_changes with its actor, op and before/after JSON, and undoable:
 * undoing a delete brings the entry back with its id and re-points the
 * relations that the delete had cleared. crm_begin/crm_commit make one
 * change group that crm_undo_group reverts as a whole; crm_rollback leaves
 * nothing behind. KITH_NOW pins the clock so timestamps can be compared.
 */
#include "unit.h"

#include "base/buf.h"
#include "crm/crm.h"
#include "db/db.h"

#define T0 "2026-01-01T09:00:00.000Z"
#define T1 "2026-01-02T10:30:00.000Z"

/* ---- fixture and helpers ---- */

static int setup(void **state)
{
    struct crm *crm = NULL;
    struct kith_err err = KITH_ERR_INIT;
    setenv("KITH_NOW", T0, 1);
    if (crm_open_db(":memory:", &crm, &err) < 0 ||
        crm_seed_defaults(crm, &err) < 0) {
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

static int64_t make_as(struct crm *crm, const char *actor, const char *object,
                       const char *json)
{
    struct kith_err err = KITH_ERR_INIT;
    struct jv *v = unit_json(json);
    int64_t id = 0;
    if (crm_create(crm, actor, object, v, &id, &err) < 0)
        fail_msg("create %s %s: %s", object, json, err.msg);
    jv_free(v);
    assert_true(id > 0);
    return id;
}

static int64_t make(struct crm *crm, const char *object, const char *json)
{
    return make_as(crm, CRM_ACTOR_USER, object, json);
}

static int update(struct crm *crm, const char *object, int64_t id,
                  const char *json, struct kith_err *err)
{
    struct jv *v = unit_json(json);
    int rc = crm_update(crm, CRM_ACTOR_USER, object, id, v, err);
    jv_free(v);
    return rc;
}

/* The entry, which must exist; jv_free() it. */
static struct jv *get(struct crm *crm, const char *object, int64_t id)
{
    struct jv *e = NULL;
    struct kith_err err = KITH_ERR_INIT;
    if (crm_get(crm, object, id, &e, &err) < 0)
        fail_msg("get %s #%lld: %s", object, (long long)id, err.msg);
    return e;
}

static bool gone(struct crm *crm, const char *object, int64_t id)
{
    struct jv *e = NULL;
    int rc = crm_get(crm, object, id, &e, NULL);
    jv_free(e);
    return rc == KITH_ENOTFOUND;
}

/* The change log (newest first) of object/entry (NULL/0: all). */
static struct jv *changes(struct crm *crm, const char *object, int64_t id)
{
    struct jv *log = NULL;
    struct kith_err err = KITH_ERR_INIT;
    if (crm_log(crm, object, id, 1000, &log, &err) < 0)
        fail_msg("log: %s", err.msg);
    assert_int_equal(jv_type(log), JV_ARRAY);
    return log;
}

static int64_t count(struct crm *crm, const char *object)
{
    int64_t n = -1;
    assert_int_equal(crm_count(crm, crm_object_find(crm, object), &n, NULL),
                     KITH_OK);
    return n;
}

/* Check one change of the log against what it should say. */
static void check_change(const struct jv *c, const char *actor,
                         const char *object, int64_t entry_id, const char *op)
{
    assert_string_equal(jv_str(jv_get(c, "actor")), actor);
    assert_string_equal(jv_str(jv_get(c, "object")), object);
    assert_int_equal(jv_int(jv_get(c, "entry_id")), entry_id);
    assert_string_equal(jv_str(jv_get(c, "op")), op);
    assert_true(jv_int(jv_get(c, "id")) > 0);
    assert_true(jv_int(jv_get(c, "group_id")) > 0);
    assert_true(jv_int(jv_get(c, "group_id")) <= jv_int(jv_get(c, "id")));
    assert_non_null(jv_str(jv_get(c, "at")));
}

/* ---- create and read ---- */

static void test_entry__create_and_get(void **state)
{
    struct crm *crm = *state;
    int64_t acme = make(crm, "companies", "{\"name\": \"Acme Inc\"}");
    int64_t id = make(crm, "people",
                      "{\"name\": \"Ann Lee\", \"email\": \"ann@acme.com\", "
                      "\"Status\": \"lead\", \"tags\": \"vip, partner\", "
                      "\"company\": \"Acme Inc\", "
                      "\"last_contacted\": \"2026-01-01\"}");
    assert_int_equal(acme, 1);
    assert_int_equal(id, 1);
    struct jv *e = get(crm, "People", id);
    assert_json(e, "{\"id\": 1, \"created_at\": \"" T0 "\", "
                   "\"updated_at\": \"" T0 "\", \"name\": \"Ann Lee\", "
                   "\"email\": \"ann@acme.com\", \"phone\": null, "
                   "\"company\": {\"id\": 1, \"label\": \"Acme Inc\"}, "
                   "\"title\": null, \"status\": \"Lead\", "
                   "\"tags\": [\"vip\", \"partner\"], \"linkedin\": null, "
                   "\"last_contacted\": \"2026-01-01\"}");
    /* Keys come in a stable order: the system columns, then the fields. */
    void *it = NULL;
    struct jv *val;
    assert_string_equal(jv_next(e, &it, &val), "id");
    assert_string_equal(jv_next(e, &it, &val), "created_at");
    assert_string_equal(jv_next(e, &it, &val), "updated_at");
    assert_string_equal(jv_next(e, &it, &val), "name");
    jv_free(e);

    int64_t second = make(crm, "people", "{\"name\": \"Bo\"}");
    assert_int_equal(second, 2);
    assert_int_equal(count(crm, "people"), 2);
}

static void test_entry__get_refusals(void **state)
{
    struct crm *crm = *state;
    struct jv *e = (struct jv *)1;
    struct kith_err err = KITH_ERR_INIT;
    assert_int_equal(crm_get(crm, "people", 42, &e, &err), KITH_ENOTFOUND);
    assert_null(e);
    assert_contains(err.msg, "there is no people entry #42");
    assert_int_equal(crm_get(crm, "peple", 1, &e, &err), KITH_ENOTFOUND);
    assert_null(e);
    assert_contains(err.msg, "unknown object 'peple'; did you mean 'people'?");
    struct jv *v = unit_json("{\"name\": \"x\"}");
    assert_int_equal(crm_create(crm, CRM_ACTOR_USER, "peple", v, NULL, &err),
                     KITH_ENOTFOUND);
    jv_free(v);
}

static void test_entry__create_is_logged(void **state)
{
    struct crm *crm = *state;
    int64_t id = make_as(crm, "agent:7", "people",
                         "{\"name\": \"Ann\", \"email\": \"ann@x.io\"}");
    struct jv *log = changes(crm, NULL, 0);
    assert_int_equal(jv_len(log), 1);
    const struct jv *c = jv_at(log, 0);
    check_change(c, "agent:7", "people", id, "create");
    assert_int_equal(jv_type(jv_get(c, "before")), JV_NULL);
    assert_json(jv_get(c, "after"),
                "{\"id\": 1, \"created_at\": \"" T0 "\", \"name\": \"Ann\", "
                "\"email\": \"ann@x.io\"}");
    assert_int_equal(jv_int(jv_get(c, "group_id")), jv_int(jv_get(c, "id")));
    assert_string_equal(jv_str(jv_get(c, "at")), T0);
    jv_free(log);
}

/* ---- update ---- */

static void test_entry__update(void **state)
{
    struct crm *crm = *state;
    struct kith_err err = KITH_ERR_INIT;
    int64_t id = make(crm, "people",
                      "{\"name\": \"Ann\", \"status\": \"Lead\", "
                      "\"title\": \"CTO\"}");
    setenv("KITH_NOW", T1, 1);
    struct jv *v = unit_json("{\"status\": \"customer\", \"title\": \"CTO\", "
                             "\"phone\": \"555-0100\"}");
    assert_int_equal(crm_update(crm, CRM_ACTOR_API, "people", id, v, &err),
                     KITH_OK);
    jv_free(v);
    struct jv *e = get(crm, "people", id);
    assert_string_equal(jv_str(jv_get(e, "status")), "Customer");
    assert_string_equal(jv_str(jv_get(e, "phone")), "555-0100");
    assert_string_equal(jv_str(jv_get(e, "title")), "CTO");
    assert_string_equal(jv_str(jv_get(e, "created_at")), T0);
    assert_string_equal(jv_str(jv_get(e, "updated_at")), T1);
    jv_free(e);

    /* Only what changed is recorded, before and after. */
    struct jv *log = changes(crm, "people", id);
    assert_int_equal(jv_len(log), 2);
    const struct jv *c = jv_at(log, 0);
    check_change(c, "api", "people", id, "update");
    assert_json(jv_get(c, "before"), "{\"status\": \"Lead\", \"phone\": null}");
    assert_json(jv_get(c, "after"),
                "{\"status\": \"Customer\", \"phone\": \"555-0100\"}");
    assert_string_equal(jv_str(jv_get(jv_at(log, 1), "op")), "create");
    jv_free(log);
}

static void test_entry__update_without_change_writes_nothing(void **state)
{
    struct crm *crm = *state;
    struct kith_err err = KITH_ERR_INIT;
    int64_t id =
        make(crm, "people", "{\"name\": \"Ann\", \"status\": \"Lead\"}");
    setenv("KITH_NOW", T1, 1);
    assert_int_equal(update(crm, "people", id,
                            "{\"status\": \"lead\", \"name\": \"Ann\"}", &err),
                     KITH_OK);
    assert_int_equal(update(crm, "people", id, "{}", &err), KITH_OK);
    struct jv *e = get(crm, "people", id);
    assert_string_equal(jv_str(jv_get(e, "updated_at")), T0);
    jv_free(e);
    struct jv *log = changes(crm, NULL, 0);
    assert_int_equal(jv_len(log), 1); /* just the create */
    jv_free(log);
    /* A change of case is a change. */
    assert_int_equal(update(crm, "people", id, "{\"name\": \"ANN\"}", &err),
                     KITH_OK);
    log = changes(crm, NULL, 0);
    assert_int_equal(jv_len(log), 2);
    jv_free(log);
}

static void test_entry__update_refusals_write_nothing(void **state)
{
    struct crm *crm = *state;
    struct kith_err err = KITH_ERR_INIT;
    int64_t id =
        make(crm, "people", "{\"name\": \"Ann\", \"status\": \"Lead\"}");
    static const struct {
        int64_t id;
        const char *json;
        int rc;
        const char *msg;
    } cases[] = {
        { 99, "{\"status\": \"Customer\"}", KITH_ENOTFOUND,
          "there is no people entry #99" },
        { 1, "{\"status\": \"Customer\", \"email\": \"nope\"}", KITH_EINVAL,
          "email: 'nope' is not an email address" },
        { 1, "{\"status\": \"Customer\", \"stauts\": \"Lead\"}", KITH_EINVAL,
          "did you mean 'status'?" },
        { 1, "{\"name\": null}", KITH_EINVAL, "name: required" },
        { 1, "{\"name\": \"\", \"status\": \"Customer\"}", KITH_EINVAL,
          "name: required" },
        { 1, "[]", KITH_EINVAL, "values must be an object" },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
        int rc = update(crm, "people", cases[i].id, cases[i].json, &err);
        if (rc != cases[i].rc)
            fail_msg("%s: rc %d (%s)", cases[i].json, rc, err.msg);
        assert_contains(err.msg, cases[i].msg);
    }
    struct jv *e = get(crm, "people", id);
    assert_string_equal(jv_str(jv_get(e, "name")), "Ann");
    assert_string_equal(jv_str(jv_get(e, "status")), "Lead");
    jv_free(e);
    struct jv *log = changes(crm, NULL, 0);
    assert_int_equal(jv_len(log), 1);
    jv_free(log);
}

static void test_entry__label_is_required(void **state)
{
    struct crm *crm = *state;
    static const struct {
        const char *object, *json, *msg;
    } cases[] = {
        { "people", "{\"email\": \"ann@x.io\"}", "name: required" },
        { "people", "{\"name\": \"\"}", "name: required" },
        { "people", "{\"name\": null}", "name: required" },
        { "people", "{}", "name: required" },
        { "tasks", "{\"due\": \"2026-02-01\"}", "title: required" },
        { "companies", "{\"domain\": \"acme.com\"}", "name: required" },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
        struct kith_err err = KITH_ERR_INIT;
        struct jv *v = unit_json(cases[i].json);
        assert_int_equal(crm_create(crm, CRM_ACTOR_USER, cases[i].object, v,
                                    NULL, &err),
                         KITH_EINVAL);
        assert_contains(err.msg, cases[i].msg);
        jv_free(v);
    }
    assert_int_equal(count(crm, "people"), 0);
    assert_int_equal(count(crm, "tasks"), 0);
    struct jv *log = changes(crm, NULL, 0);
    assert_int_equal(jv_len(log), 0);
    jv_free(log);
    make(crm, "tasks", "{\"title\": \"Call Ann\", \"done\": \"no\"}");
}

/* ---- delete ---- */

static void test_entry__delete(void **state)
{
    struct crm *crm = *state;
    struct kith_err err = KITH_ERR_INIT;
    int64_t id = make(crm, "people",
                      "{\"name\": \"Ann\", \"tags\": [\"vip\"], "
                      "\"email\": \"ann@x.io\"}");
    make(crm, "people", "{\"name\": \"Bo\"}");
    assert_int_equal(crm_delete(crm, "agent:3", "people", id, &err), KITH_OK);
    assert_true(gone(crm, "people", id));
    assert_int_equal(count(crm, "people"), 1);

    struct jv *log = changes(crm, "people", id);
    assert_int_equal(jv_len(log), 2);
    const struct jv *c = jv_at(log, 0);
    check_change(c, "agent:3", "people", id, "delete");
    assert_int_equal(jv_type(jv_get(c, "after")), JV_NULL);
    assert_json(jv_get(c, "before"),
                "{\"id\": 1, \"created_at\": \"" T0 "\", "
                "\"updated_at\": \"" T0 "\", \"name\": \"Ann\", "
                "\"email\": \"ann@x.io\", \"tags\": [\"vip\"]}");
    jv_free(log);

    assert_int_equal(crm_delete(crm, CRM_ACTOR_USER, "people", id, &err),
                     KITH_ENOTFOUND);
    assert_contains(err.msg, "there is no people entry #1");
    assert_int_equal(crm_delete(crm, CRM_ACTOR_USER, "nobody", 2, &err),
                     KITH_ENOTFOUND);
}

static void test_entry__delete_clears_relations(void **state)
{
    struct crm *crm = *state;
    struct kith_err err = KITH_ERR_INIT;
    int64_t acme = make(crm, "companies", "{\"name\": \"Acme\"}");
    int64_t other = make(crm, "companies", "{\"name\": \"Other\"}");
    int64_t ann = make(crm, "people", "{\"name\": \"Ann\", \"company\": 1}");
    int64_t bo = make(crm, "people", "{\"name\": \"Bo\", \"company\": 1}");
    int64_t cy = make(crm, "people", "{\"name\": \"Cy\", \"company\": 2}");
    int64_t deal = make(crm, "deals",
                        "{\"name\": \"Big\", \"company\": \"Acme\", "
                        "\"contact\": \"Ann\"}");

    assert_int_equal(crm_delete(crm, CRM_ACTOR_USER, "companies", acme, &err),
                     KITH_OK);
    struct jv *e = get(crm, "people", ann);
    assert_int_equal(jv_type(jv_get(e, "company")), JV_NULL);
    jv_free(e);
    e = get(crm, "people", bo);
    assert_int_equal(jv_type(jv_get(e, "company")), JV_NULL);
    jv_free(e);
    e = get(crm, "deals", deal);
    assert_int_equal(jv_type(jv_get(e, "company")), JV_NULL);
    assert_json(jv_get(e, "contact"), "{\"id\": 1, \"label\": \"Ann\"}");
    jv_free(e);
    e = get(crm, "people", cy); /* pointed elsewhere: untouched */
    assert_json(jv_get(e, "company"), "{\"id\": 2, \"label\": \"Other\"}");
    jv_free(e);
    assert_false(gone(crm, "companies", other));

    /* Each cleared pointer is an update in the delete's group, before it. */
    struct jv *log = changes(crm, NULL, 0);
    const struct jv *del = jv_at(log, 0);
    check_change(del, "user", "companies", acme, "delete");
    int64_t group = jv_int(jv_get(del, "group_id"));
    size_t updates = 0;
    for (size_t i = 1; i < jv_len(log); i++) {
        const struct jv *c = jv_at(log, i);
        if (jv_int(jv_get(c, "group_id")) != group)
            continue;
        check_change(c, "user", jv_str(jv_get(c, "object")),
                     jv_int(jv_get(c, "entry_id")), "update");
        assert_json(jv_get(c, "before"), "{\"company\": 1}");
        assert_json(jv_get(c, "after"), "{\"company\": null}");
        updates++;
    }
    assert_int_equal(updates, 3);
    assert_int_equal(group, jv_int(jv_get(jv_at(log, 3), "id")));
    jv_free(log);
}

/* ---- undo ---- */

/* The id of the newest change. */
static int64_t last_change(struct crm *crm)
{
    struct jv *log = changes(crm, NULL, 0);
    int64_t id = jv_int(jv_get(jv_at(log, 0), "id"));
    jv_free(log);
    return id;
}

static void test_entry__undo_create(void **state)
{
    struct crm *crm = *state;
    struct kith_err err = KITH_ERR_INIT;
    int64_t id = make(crm, "people", "{\"name\": \"Ann\"}");
    int64_t change = last_change(crm);
    assert_int_equal(crm_undo(crm, "agent:9", change, &err), KITH_OK);
    assert_true(gone(crm, "people", id));
    /* The undo is itself a recorded change, by its own actor. */
    struct jv *log = changes(crm, NULL, 0);
    assert_int_equal(jv_len(log), 2);
    check_change(jv_at(log, 0), "agent:9", "people", id, "delete");
    jv_free(log);
    /* Undoing it again cannot find the entry, and says so. */
    assert_int_equal(crm_undo(crm, CRM_ACTOR_USER, change, &err),
                     KITH_ENOTFOUND);
    assert_contains(err.msg, "cannot undo change #1: there is no people "
                             "entry #1");
}

static void test_entry__undo_update(void **state)
{
    struct crm *crm = *state;
    struct kith_err err = KITH_ERR_INIT;
    int64_t id = make(crm, "people",
                      "{\"name\": \"Ann\", \"status\": \"Lead\", "
                      "\"tags\": [\"vip\"]}");
    assert_int_equal(update(crm, "people", id,
                            "{\"status\": \"Churned\", \"tags\": null, "
                            "\"email\": \"a@b.co\"}",
                            &err),
                     KITH_OK);
    int64_t change = last_change(crm);
    assert_int_equal(crm_undo(crm, CRM_ACTOR_USER, change, &err), KITH_OK);
    struct jv *e = get(crm, "people", id);
    assert_string_equal(jv_str(jv_get(e, "status")), "Lead");
    assert_json(jv_get(e, "tags"), "[\"vip\"]");
    assert_int_equal(jv_type(jv_get(e, "email")), JV_NULL);
    jv_free(e);

    /* Undo the undo: back to the update. */
    assert_int_equal(crm_undo(crm, CRM_ACTOR_USER, last_change(crm), &err),
                     KITH_OK);
    e = get(crm, "people", id);
    assert_string_equal(jv_str(jv_get(e, "status")), "Churned");
    assert_string_equal(jv_str(jv_get(e, "email")), "a@b.co");
    jv_free(e);
}

static void test_entry__undo_delete_keeps_the_id(void **state)
{
    struct crm *crm = *state;
    struct kith_err err = KITH_ERR_INIT;
    make(crm, "companies", "{\"name\": \"Acme\"}");
    int64_t id = make(crm, "people",
                      "{\"name\": \"Ann\", \"email\": \"ann@x.io\", "
                      "\"tags\": [\"vip\", \"event\"], \"company\": 1, "
                      "\"last_contacted\": \"2025-12-24\"}");
    make(crm, "people", "{\"name\": \"Bo\"}");
    struct jv *before = get(crm, "people", id);
    setenv("KITH_NOW", T1, 1);
    assert_int_equal(crm_delete(crm, CRM_ACTOR_USER, "people", id, &err),
                     KITH_OK);
    assert_true(gone(crm, "people", id));
    assert_int_equal(crm_undo(crm, CRM_ACTOR_USER, last_change(crm), &err),
                     KITH_OK);

    struct jv *after = get(crm, "people", id);
    assert_int_equal(jv_int(jv_get(after, "id")), id);
    assert_string_equal(jv_str(jv_get(after, "created_at")), T0);
    jv_del(before, "updated_at");
    jv_del(after, "updated_at");
    assert_true(jv_equal(before, after));
    jv_free(before);
    jv_free(after);

    struct jv *log = changes(crm, "people", id);
    check_change(jv_at(log, 0), "user", "people", id, "create");
    jv_free(log);
    /* New entries never reuse the id. */
    assert_int_equal(make(crm, "people", "{\"name\": \"Cy\"}"), 3);
}

static void test_entry__undo_delete_restores_relations(void **state)
{
    struct crm *crm = *state;
    struct kith_err err = KITH_ERR_INIT;
    int64_t acme = make(crm, "companies", "{\"name\": \"Acme\"}");
    int64_t ann = make(crm, "people", "{\"name\": \"Ann\", \"company\": 1}");
    int64_t bo = make(crm, "people", "{\"name\": \"Bo\", \"company\": 1}");
    int64_t deal = make(crm, "deals", "{\"name\": \"Big\", \"company\": 1}");
    assert_int_equal(crm_delete(crm, CRM_ACTOR_USER, "companies", acme, &err),
                     KITH_OK);
    /* Bo moved on meanwhile: his pointer must not come back. */
    assert_int_equal(update(crm, "people", bo, "{\"company\": null, "
                                               "\"title\": \"Freelance\"}",
                            &err),
                     KITH_OK);
    int64_t del = 0;
    struct jv *log = changes(crm, "companies", acme);
    del = jv_int(jv_get(jv_at(log, 0), "id"));
    assert_string_equal(jv_str(jv_get(jv_at(log, 0), "op")), "delete");
    jv_free(log);

    assert_int_equal(crm_undo(crm, CRM_ACTOR_USER, del, &err), KITH_OK);
    struct jv *e = get(crm, "companies", acme);
    assert_string_equal(jv_str(jv_get(e, "name")), "Acme");
    jv_free(e);
    e = get(crm, "people", ann);
    assert_json(jv_get(e, "company"), "{\"id\": 1, \"label\": \"Acme\"}");
    jv_free(e);
    e = get(crm, "deals", deal);
    assert_json(jv_get(e, "company"), "{\"id\": 1, \"label\": \"Acme\"}");
    jv_free(e);
    e = get(crm, "people", bo);
    assert_string_equal(jv_str(jv_get(e, "title")), "Freelance");
    jv_free(e);
}

static void test_entry__undo_delete_when_its_target_is_gone(void **state)
{
    struct crm *crm = *state;
    struct kith_err err = KITH_ERR_INIT;
    int64_t acme = make(crm, "companies", "{\"name\": \"Acme\"}");
    int64_t ann = make(crm, "people", "{\"name\": \"Ann\", \"company\": 1}");
    assert_int_equal(crm_delete(crm, CRM_ACTOR_USER, "people", ann, &err),
                     KITH_OK);
    int64_t del = last_change(crm);
    assert_int_equal(crm_delete(crm, CRM_ACTOR_USER, "companies", acme, &err),
                     KITH_OK);
    /* Ann comes back; the company she pointed at is gone, so no pointer. */
    assert_int_equal(crm_undo(crm, CRM_ACTOR_USER, del, &err), KITH_OK);
    struct jv *e = get(crm, "people", ann);
    assert_string_equal(jv_str(jv_get(e, "name")), "Ann");
    assert_int_equal(jv_type(jv_get(e, "company")), JV_NULL);
    jv_free(e);
    /* Undoing the same delete twice would duplicate her: refused. */
    assert_int_equal(crm_undo(crm, CRM_ACTOR_USER, del, &err),
                     KITH_ECONFLICT);
    assert_contains(err.msg, "people entry #1 already exists");
    assert_int_equal(count(crm, "people"), 1);
}

static void test_entry__undo_of_a_self_relation(void **state)
{
    struct crm *crm = *state;
    struct kith_err err = KITH_ERR_INIT;
    struct crm_field_spec ref = { "Referred by", CRM_RELATION, NULL, 0,
                                  "people" };
    assert_int_equal(crm_field_add(crm, "people", &ref, &err), KITH_OK);
    int64_t ann = make(crm, "people", "{\"name\": \"Ann\"}");
    int64_t bo = make(crm, "people",
                      "{\"name\": \"Bo\", \"referred_by\": \"Ann\"}");
    assert_int_equal(update(crm, "people", ann, "{\"referred_by\": 1}", &err),
                     KITH_OK);
    assert_int_equal(crm_delete(crm, CRM_ACTOR_USER, "people", ann, &err),
                     KITH_OK);
    struct jv *e = get(crm, "people", bo);
    assert_int_equal(jv_type(jv_get(e, "referred_by")), JV_NULL);
    jv_free(e);
    assert_int_equal(crm_undo(crm, CRM_ACTOR_USER, last_change(crm), &err),
                     KITH_OK);
    e = get(crm, "people", bo);
    assert_json(jv_get(e, "referred_by"), "{\"id\": 1, \"label\": \"Ann\"}");
    jv_free(e);
    e = get(crm, "people", ann);
    assert_json(jv_get(e, "referred_by"), "{\"id\": 1, \"label\": \"Ann\"}");
    jv_free(e);
}

static void test_entry__undo_group_of_a_delete(void **state)
{
    struct crm *crm = *state;
    struct kith_err err = KITH_ERR_INIT;
    int64_t acme = make(crm, "companies", "{\"name\": \"Acme\"}");
    int64_t ann = make(crm, "people", "{\"name\": \"Ann\", \"company\": 1}");
    assert_int_equal(crm_delete(crm, CRM_ACTOR_USER, "companies", acme, &err),
                     KITH_OK);
    struct jv *log = changes(crm, NULL, 0);
    int64_t group = jv_int(jv_get(jv_at(log, 0), "group_id"));
    jv_free(log);
    assert_int_equal(crm_undo_group(crm, CRM_ACTOR_USER, group, &err),
                     KITH_OK);
    struct jv *e = get(crm, "people", ann);
    assert_json(jv_get(e, "company"), "{\"id\": 1, \"label\": \"Acme\"}");
    jv_free(e);
    assert_false(gone(crm, "companies", acme));
    assert_int_equal(db_integrity_check(crm_db(crm), &err), KITH_OK);
}

static void test_entry__change_group(void **state)
{
    struct crm *crm = *state;
    struct kith_err err = KITH_ERR_INIT;
    int64_t acme = make(crm, "companies", "{\"name\": \"Acme\"}");
    make(crm, "people", "{\"name\": \"Ann\", \"company\": 1}");
    assert_int_equal(crm_delete(crm, CRM_ACTOR_USER, "companies", acme, &err),
                     KITH_OK);
    /* The delete and the relation it cleared: one group, either change. */
    struct jv *log = changes(crm, NULL, 0);
    int64_t want = jv_int(jv_get(jv_at(log, 0), "group_id"));
    assert_int_equal(jv_int(jv_get(jv_at(log, 1), "group_id")), want);
    for (size_t i = 0; i < 2; i++) {
        int64_t group = 0;
        assert_int_equal(crm_change_group(crm,
                                          jv_int(jv_get(jv_at(log, i), "id")),
                                          &group, &err),
                         KITH_OK);
        assert_int_equal(group, want);
    }
    int64_t group = 0;
    assert_int_equal(crm_change_group(crm, jv_int(jv_get(jv_at(log, 2), "id")),
                                      &group, &err),
                     KITH_OK);
    assert_true(group != want);
    jv_free(log);
    assert_int_equal(crm_change_group(crm, 999, &group, &err),
                     KITH_ENOTFOUND);
    assert_contains(err.msg, "there is no change #999");
}

static void test_entry__undo_delete_keeps_a_deliberate_clear(void **state)
{
    struct crm *crm = *state;
    struct kith_err err = KITH_ERR_INIT;
    int64_t acme = make(crm, "companies", "{\"name\": \"Acme\"}");
    int64_t ann = make(crm, "people", "{\"name\": \"Ann\", \"company\": 1}");
    int64_t bob = make(crm, "people", "{\"name\": \"Bob\", \"company\": 1}");
    /* In one group (as an agent's turn): Ann leaves Acme, then Acme goes. */
    assert_int_equal(crm_begin(crm, &err), KITH_OK);
    assert_int_equal(update(crm, "people", ann, "{\"company\": null}", &err),
                     KITH_OK);
    assert_int_equal(crm_delete(crm, CRM_ACTOR_USER, "companies", acme, &err),
                     KITH_OK);
    assert_int_equal(crm_commit(crm, &err), KITH_OK);
    struct jv *log = changes(crm, "companies", acme);
    int64_t del = jv_int(jv_get(jv_at(log, 0), "id"));
    jv_free(log);
    assert_int_equal(crm_undo(crm, CRM_ACTOR_USER, del, &err), KITH_OK);
    struct jv *a = get(crm, "people", ann), *b = get(crm, "people", bob);
    assert_int_equal(jv_type(jv_get(a, "company")), JV_NULL);
    assert_json(jv_get(b, "company"), "{\"id\": 1, \"label\": \"Acme\"}");
    jv_free(a);
    jv_free(b);
}

static void test_entry__undo_refusals(void **state)
{
    struct crm *crm = *state;
    struct kith_err err = KITH_ERR_INIT;
    assert_int_equal(crm_undo(crm, CRM_ACTOR_USER, 999, &err), KITH_ENOTFOUND);
    assert_contains(err.msg, "there is no change #999");
    assert_int_equal(crm_undo_group(crm, CRM_ACTOR_USER, 999, &err),
                     KITH_ENOTFOUND);
    assert_contains(err.msg, "there is no change group #999");
    assert_int_equal(crm_undo(crm, CRM_ACTOR_USER, 999, NULL), KITH_ENOTFOUND);

    /* A change to an object that is gone cannot be undone. */
    assert_int_equal(crm_object_add(crm, "Investors", &err), KITH_OK);
    make(crm, "investors", "{\"name\": \"Seed\"}");
    int64_t change = last_change(crm);
    assert_int_equal(crm_object_remove(crm, "investors", true, &err), KITH_OK);
    assert_int_equal(crm_undo(crm, CRM_ACTOR_USER, change, &err),
                     KITH_ENOTFOUND);
    assert_contains(err.msg, "no longer exists");
}

/* ---- groups and transactions ---- */

static void test_entry__group_commit_and_undo(void **state)
{
    struct crm *crm = *state;
    struct kith_err err = KITH_ERR_INIT;
    int64_t before = make(crm, "people", "{\"name\": \"Outside\"}");
    assert_int_equal(crm_begin(crm, &err), KITH_OK);
    int64_t a = make_as(crm, CRM_ACTOR_IMPORT, "people", "{\"name\": \"A\"}");
    int64_t b = make_as(crm, CRM_ACTOR_IMPORT, "people", "{\"name\": \"B\"}");
    int64_t c = make_as(crm, CRM_ACTOR_IMPORT, "companies",
                        "{\"name\": \"C\"}");
    assert_int_equal(update(crm, "people", before, "{\"title\": \"Boss\"}",
                            &err),
                     KITH_OK);
    assert_int_equal(crm_commit(crm, &err), KITH_OK);

    struct jv *log = changes(crm, NULL, 0);
    assert_int_equal(jv_len(log), 5);
    int64_t group = jv_int(jv_get(jv_at(log, 0), "group_id"));
    for (size_t i = 0; i < 4; i++)
        assert_int_equal(jv_int(jv_get(jv_at(log, i), "group_id")), group);
    /* The group's id is the id of its first change. */
    assert_int_equal(group, jv_int(jv_get(jv_at(log, 3), "id")));
    assert_true(jv_int(jv_get(jv_at(log, 4), "group_id")) != group);
    jv_free(log);

    assert_int_equal(crm_undo_group(crm, CRM_ACTOR_USER, group, &err),
                     KITH_OK);
    assert_true(gone(crm, "people", a));
    assert_true(gone(crm, "people", b));
    assert_true(gone(crm, "companies", c));
    struct jv *e = get(crm, "people", before);
    assert_int_equal(jv_type(jv_get(e, "title")), JV_NULL);
    jv_free(e);
    assert_int_equal(count(crm, "people"), 1);

    /* The undo is one group of its own, so it can be undone in turn. */
    log = changes(crm, NULL, 0);
    int64_t undo_group = jv_int(jv_get(jv_at(log, 0), "group_id"));
    assert_true(undo_group > group);
    jv_free(log);
    assert_int_equal(crm_undo_group(crm, CRM_ACTOR_USER, undo_group, &err),
                     KITH_OK);
    assert_int_equal(count(crm, "people"), 3);
    assert_int_equal(count(crm, "companies"), 1);
}

static void test_entry__rollback_leaves_nothing(void **state)
{
    struct crm *crm = *state;
    struct kith_err err = KITH_ERR_INIT;
    int64_t keep = make(crm, "people", "{\"name\": \"Keep\"}");
    assert_int_equal(crm_begin(crm, &err), KITH_OK);
    make(crm, "people", "{\"name\": \"A\"}");
    make(crm, "companies", "{\"name\": \"B\"}");
    assert_int_equal(update(crm, "people", keep, "{\"name\": \"Changed\"}",
                            &err),
                     KITH_OK);
    assert_int_equal(crm_delete(crm, CRM_ACTOR_USER, "people", keep, &err),
                     KITH_OK);
    crm_rollback(crm);

    assert_int_equal(count(crm, "people"), 1);
    assert_int_equal(count(crm, "companies"), 0);
    struct jv *e = get(crm, "people", keep);
    assert_string_equal(jv_str(jv_get(e, "name")), "Keep");
    jv_free(e);
    struct jv *log = changes(crm, NULL, 0);
    assert_int_equal(jv_len(log), 1);
    jv_free(log);
    assert_int_equal(db_tx_depth(crm_db(crm)), 0);

    /* Writing goes on normally afterwards, in groups of its own. */
    make(crm, "people", "{\"name\": \"After\"}");
    log = changes(crm, NULL, 0);
    assert_int_equal(jv_len(log), 2);
    assert_int_equal(jv_int(jv_get(jv_at(log, 0), "group_id")),
                     jv_int(jv_get(jv_at(log, 0), "id")));
    jv_free(log);
}

static void test_entry__groups_nest(void **state)
{
    struct crm *crm = *state;
    struct kith_err err = KITH_ERR_INIT;
    assert_int_equal(crm_begin(crm, &err), KITH_OK);
    make(crm, "people", "{\"name\": \"Outer\"}");
    assert_int_equal(crm_begin(crm, &err), KITH_OK);
    make(crm, "people", "{\"name\": \"Inner\"}");
    assert_int_equal(crm_commit(crm, &err), KITH_OK);
    struct jv *log = changes(crm, NULL, 0);
    assert_int_equal(jv_len(log), 2);
    assert_int_equal(jv_int(jv_get(jv_at(log, 0), "group_id")),
                     jv_int(jv_get(jv_at(log, 1), "group_id")));
    jv_free(log);
    /* The outer rollback takes the committed inner level with it. */
    crm_rollback(crm);
    assert_int_equal(count(crm, "people"), 0);
    log = changes(crm, NULL, 0);
    assert_int_equal(jv_len(log), 0);
    jv_free(log);
    assert_int_equal(db_tx_depth(crm_db(crm)), 0);

    /* Commit with nothing begun is an error, not a crash. */
    assert_true(crm_commit(crm, &err) < 0);
    crm_rollback(crm);
    assert_int_equal(db_tx_depth(crm_db(crm)), 0);
    make(crm, "people", "{\"name\": \"Later\"}");
}

static void test_entry__undo_group_is_all_or_nothing(void **state)
{
    struct crm *crm = *state;
    struct kith_err err = KITH_ERR_INIT;
    assert_int_equal(crm_begin(crm, &err), KITH_OK);
    int64_t a = make(crm, "people", "{\"name\": \"A\"}");
    int64_t b = make(crm, "people", "{\"name\": \"B\"}");
    assert_int_equal(crm_commit(crm, &err), KITH_OK);
    int64_t group = last_change(crm) - 1;
    /* A is deleted by hand in between: undoing its create must fail... */
    assert_int_equal(crm_delete(crm, CRM_ACTOR_USER, "people", a, &err),
                     KITH_OK);
    assert_int_equal(crm_undo_group(crm, CRM_ACTOR_USER, group, &err),
                     KITH_ENOTFOUND);
    assert_contains(err.msg, "there is no people entry #1");
    /* ... and then B, undone first (newest first), comes back too. */
    assert_false(gone(crm, "people", b));
    struct jv *log = changes(crm, NULL, 0);
    assert_int_equal(jv_len(log), 3);
    jv_free(log);
    assert_int_equal(db_tx_depth(crm_db(crm)), 0);
}

static void test_entry__failed_write_inside_a_group(void **state)
{
    struct crm *crm = *state;
    struct kith_err err = KITH_ERR_INIT;
    assert_int_equal(crm_begin(crm, &err), KITH_OK);
    make(crm, "people", "{\"name\": \"Good\"}");
    struct jv *bad = unit_json("{\"name\": \"Bad\", \"email\": \"bad@\"}");
    assert_int_equal(crm_create(crm, CRM_ACTOR_USER, "people", bad, NULL,
                                &err),
                     KITH_EINVAL);
    jv_free(bad);
    /* A write that fails after its row went in leaves no trace either. */
    bad = unit_json("{\"name\": \"Bad\", \"company\": 77}");
    assert_int_equal(crm_create(crm, CRM_ACTOR_USER, "people", bad, NULL,
                                &err),
                     KITH_EINVAL);
    jv_free(bad);
    make(crm, "people", "{\"name\": \"Also good\"}");
    assert_int_equal(crm_commit(crm, &err), KITH_OK);
    assert_int_equal(count(crm, "people"), 2);
    struct jv *log = changes(crm, NULL, 0);
    assert_int_equal(jv_len(log), 2);
    jv_free(log);
}

/* Make the database refuse a statement, to fail the write path midway. */
static void refuse(struct crm *crm, const char *trigger_sql)
{
    struct kith_err err = KITH_ERR_INIT;
    if (db_exec(crm_db(crm), trigger_sql, &err) < 0)
        fail_msg("trigger: %s", err.msg);
}

static void test_entry__unrecorded_insert_is_taken_back(void **state)
{
    struct crm *crm = *state;
    struct kith_err err = KITH_ERR_INIT;
    /* The change log refuses the third entry, after its row went in. */
    refuse(crm, "CREATE TEMP TRIGGER no_log BEFORE INSERT ON kith_changes "
                "WHEN NEW.entry_id = 3 BEGIN SELECT RAISE(ABORT, 'boom'); "
                "END");
    assert_int_equal(crm_begin(crm, &err), KITH_OK);
    make(crm, "people", "{\"name\": \"One\"}");
    make(crm, "people", "{\"name\": \"Two\"}");
    struct jv *v = unit_json("{\"name\": \"Three\"}");
    assert_true(crm_create(crm, CRM_ACTOR_USER, "people", v, NULL, &err) < 0);
    assert_contains(err.msg, "boom");
    jv_free(v);
    assert_int_equal(crm_commit(crm, &err), KITH_OK);
    assert_int_equal(count(crm, "people"), 2); /* no row without a record */
    struct jv *log = changes(crm, NULL, 0);
    assert_int_equal(jv_len(log), 2);
    jv_free(log);
}

static void test_entry__broken_group_is_not_committed(void **state)
{
    struct crm *crm = *state;
    struct kith_err err = KITH_ERR_INIT;
    /* Neither the record nor taking the row back can succeed. */
    refuse(crm, "CREATE TEMP TRIGGER no_log BEFORE INSERT ON kith_changes "
                "WHEN NEW.entry_id = 2 BEGIN SELECT RAISE(ABORT, 'boom'); "
                "END; "
                "CREATE TEMP TRIGGER no_delete BEFORE DELETE ON people "
                "BEGIN SELECT RAISE(ABORT, 'stuck'); END");
    assert_int_equal(crm_begin(crm, &err), KITH_OK);
    make(crm, "people", "{\"name\": \"One\"}");
    struct jv *v = unit_json("{\"name\": \"Two\"}");
    assert_true(crm_create(crm, CRM_ACTOR_USER, "people", v, NULL, &err) < 0);
    jv_free(v);
    assert_int_equal(crm_commit(crm, &err), KITH_EDB);
    assert_contains(err.msg, "none of the group was saved");
    assert_int_equal(count(crm, "people"), 0);
    /* The next group works again. */
    make(crm, "people", "{\"name\": \"Later\"}");
    assert_int_equal(count(crm, "people"), 1);
}

/* ---- the change log ---- */

static void test_entry__log_filters(void **state)
{
    struct crm *crm = *state;
    struct kith_err err = KITH_ERR_INIT;
    int64_t ann = make(crm, "people", "{\"name\": \"Ann\"}");
    int64_t bo = make(crm, "people", "{\"name\": \"Bo\"}");
    make(crm, "companies", "{\"name\": \"Acme\"}");
    assert_int_equal(update(crm, "people", ann, "{\"title\": \"CTO\"}", &err),
                     KITH_OK);

    struct jv *log = changes(crm, NULL, 0);
    assert_int_equal(jv_len(log), 4);
    for (size_t i = 1; i < jv_len(log); i++)
        assert_true(jv_int(jv_get(jv_at(log, i - 1), "id")) >
                    jv_int(jv_get(jv_at(log, i), "id")));
    jv_free(log);
    log = changes(crm, "People", 0);
    assert_int_equal(jv_len(log), 3);
    jv_free(log);
    log = changes(crm, "people", ann);
    assert_int_equal(jv_len(log), 2);
    jv_free(log);
    log = changes(crm, "people", bo);
    assert_int_equal(jv_len(log), 1);
    jv_free(log);
    assert_int_equal(crm_log(crm, NULL, 0, 1, &log, &err), KITH_OK);
    assert_int_equal(jv_len(log), 1);
    assert_string_equal(jv_str(jv_get(jv_at(log, 0), "op")), "update");
    jv_free(log);
    assert_int_equal(crm_log(crm, "peeple", 0, 0, &log, &err),
                     KITH_ENOTFOUND);
    assert_null(log);
    assert_contains(err.msg, "did you mean 'people'?");
}

/* ---- lists ---- */

static void test_entry__list_sort_and_limit(void **state)
{
    struct crm *crm = *state;
    struct kith_err err = KITH_ERR_INIT;
    static const char *const names[] = { "bob", "Alice", "carol", "Dave",
                                         "eve" };
    for (size_t i = 0; i < 5; i++) {
        char json[64];
        snprintf(json, sizeof(json), "{\"name\": \"%s\", \"status\": \"%s\"}",
                 names[i], i % 2 ? "Lead" : "Customer");
        make(crm, "people", json);
    }
    static const struct {
        const char *sort;
        int64_t limit;
        const char *want[5];
    } cases[] = {
        { NULL, 0, { "bob", "Alice", "carol", "Dave", "eve" } },
        { "-name", 0, { "eve", "Dave", "carol", "bob", "Alice" } },
        { "name", 0, { "Alice", "bob", "carol", "Dave", "eve" } },
        { "-name", 2, { "eve", "Dave" } },
        { "Name", 3, { "Alice", "bob", "carol" } },
        { "-id", 0, { "eve", "Dave", "carol", "Alice", "bob" } },
        { "status,-name", 0, { "eve", "carol", "bob", "Dave", "Alice" } },
        { "-created_at,name", 1, { "Alice" } },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
        struct crm_query q = { .sort = cases[i].sort, .limit = cases[i].limit };
        struct jv *list = NULL;
        if (crm_list(crm, "people", &q, &list, &err) < 0)
            fail_msg("sort %s: %s", cases[i].sort, err.msg);
        assert_int_equal(jv_int(jv_get(list, "total")), 5);
        assert_non_null(jv_get(list, "next_cursor"));
        const struct jv *entries = jv_get(list, "entries");
        size_t n = 0;
        while (n < 5 && cases[i].want[n])
            n++;
        assert_int_equal(jv_len(entries), n);
        /* a cursor for the next page, unless this page is the last */
        assert_int_equal(jv_type(jv_get(list, "next_cursor")),
                         n == 5 ? JV_NULL : JV_STRING);
        for (size_t k = 0; k < n; k++) {
            const char *got = jv_str(jv_get(jv_at(entries, k), "name"));
            if (strcmp(got, cases[i].want[k]))
                fail_msg("sort %s: entry %zu is %s, want %s", cases[i].sort,
                         k, got, cases[i].want[k]);
        }
        jv_free(list);
    }
    /* No query at all is the default: id order. */
    struct jv *list = NULL;
    assert_int_equal(crm_list(crm, "people", NULL, &list, &err), KITH_OK);
    assert_int_equal(jv_len(jv_get(list, "entries")), 5);
    jv_free(list);
}

static void test_entry__list_entries_are_full(void **state)
{
    struct crm *crm = *state;
    struct kith_err err = KITH_ERR_INIT;
    make(crm, "companies", "{\"name\": \"Acme\"}");
    int64_t id = make(crm, "people", "{\"name\": \"Ann\", \"company\": 1, "
                                     "\"tags\": \"vip\"}");
    struct jv *list = NULL;
    struct crm_query q = { .limit = 10 };
    assert_int_equal(crm_list(crm, "people", &q, &list, &err), KITH_OK);
    struct jv *one = get(crm, "people", id);
    assert_true(jv_equal(jv_at(jv_get(list, "entries"), 0), one));
    jv_free(one);
    jv_free(list);
}

static void test_entry__list_default_limit(void **state)
{
    struct crm *crm = *state;
    struct kith_err err = KITH_ERR_INIT;
    assert_int_equal(crm_begin(crm, &err), KITH_OK);
    for (int i = 0; i < 60; i++) {
        char json[48];
        snprintf(json, sizeof(json), "{\"title\": \"task %02d\"}", i);
        make(crm, "tasks", json);
    }
    assert_int_equal(crm_commit(crm, &err), KITH_OK);
    struct jv *list = NULL;
    struct crm_query q = { .sort = "-title" };
    assert_int_equal(crm_list(crm, "tasks", &q, &list, &err), KITH_OK);
    assert_int_equal(jv_len(jv_get(list, "entries")), 50);
    assert_int_equal(jv_int(jv_get(list, "total")), 60);
    assert_string_equal(
        jv_str(jv_get(jv_at(jv_get(list, "entries"), 0), "title")),
        "task 59");
    jv_free(list);
}

static void test_entry__list_refusals(void **state)
{
    struct crm *crm = *state;
    make(crm, "people", "{\"name\": \"Ann\"}");
    static const struct {
        const char *sort;
        int64_t limit;
        const char *msg;
    } cases[] = {
        { "nam", 0, "sort: people has no field 'nam'; did you mean 'name'?" },
        { "nmae", 0, "sort: people has no field 'nmae'; did you mean 'name'?" },
        { "-stauts", 0, "sort: people has no field 'stauts'; did you mean "
                        "'status'?" },
        { "name,zzz", 0, "sort: people has no field 'zzz'" },
        { "name,,status", 0, "sort: people has no field ''" },
        { "-", 0, "sort: people has no field ''" },
        { NULL, -1, "limit must be a positive number" },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
        struct kith_err err = KITH_ERR_INIT;
        struct crm_query q = { .sort = cases[i].sort, .limit = cases[i].limit };
        struct jv *list = (struct jv *)1;
        assert_int_equal(crm_list(crm, "people", &q, &list, &err),
                         KITH_EINVAL);
        assert_null(list);
        assert_contains(err.msg, cases[i].msg);
        assert_not_contains(err.msg, "sort: sort:");
        /* The same without an error to fill. */
        assert_int_equal(crm_list(crm, "people", &q, &list, NULL),
                         KITH_EINVAL);
    }
    struct kith_err err = KITH_ERR_INIT;
    struct jv *list = NULL;
    assert_int_equal(crm_list(crm, "peple", NULL, &list, &err),
                     KITH_ENOTFOUND);
    assert_contains(err.msg, "did you mean 'people'?");
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_entry__create_and_get),
        T(test_entry__get_refusals),
        T(test_entry__create_is_logged),
        T(test_entry__update),
        T(test_entry__update_without_change_writes_nothing),
        T(test_entry__update_refusals_write_nothing),
        T(test_entry__label_is_required),
        T(test_entry__delete),
        T(test_entry__delete_clears_relations),
        T(test_entry__undo_create),
        T(test_entry__undo_update),
        T(test_entry__undo_delete_keeps_the_id),
        T(test_entry__undo_delete_restores_relations),
        T(test_entry__undo_delete_when_its_target_is_gone),
        T(test_entry__undo_of_a_self_relation),
        T(test_entry__undo_group_of_a_delete),
        T(test_entry__change_group),
        T(test_entry__undo_delete_keeps_a_deliberate_clear),
        T(test_entry__undo_refusals),
        T(test_entry__group_commit_and_undo),
        T(test_entry__rollback_leaves_nothing),
        T(test_entry__groups_nest),
        T(test_entry__undo_group_is_all_or_nothing),
        T(test_entry__unrecorded_insert_is_taken_back),
        T(test_entry__broken_group_is_not_committed),
        T(test_entry__failed_write_inside_a_group),
        T(test_entry__log_filters),
        T(test_entry__list_sort_and_limit),
        T(test_entry__list_entries_are_full),
        T(test_entry__list_default_limit),
        T(test_entry__list_refusals),
    };
#undef T
    return cmocka_run_group_tests(tests, NULL, NULL);
}
