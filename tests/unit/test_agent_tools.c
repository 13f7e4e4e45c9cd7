/*
 * test_agent_tools: the agent's tool table (src/agent/tools.c) on an
 * in-memory CRM with the default objects.
 *
 * For every tool: the shape of a successful result, and the failure paths
 * a model runs into (a missing or wrongly typed argument, an unknown
 * argument or object with a suggestion, a bad filter, a validation error
 * naming the field), each as an error result, never a crash. Also the cut
 * of a large result at 16 KiB (still valid JSON, with total, shown and a
 * hint), query_sql refusing a write, remember appending to MEMORY.md,
 * and that every schema is a JSON Schema object.
 */
#include "unit.h"

#include <sys/stat.h>
#include <unistd.h>

#include "agent/agent.h"

struct fixture {
    struct crm *crm;
    char dir[64]; /* the workspace: MEMORY.md */
};

static int setup(void **state)
{
    struct fixture *fx = calloc(1, sizeof(*fx));
    void *crm = NULL;
    snprintf(fx->dir, sizeof(fx->dir), "/tmp/kith-test-tools-XXXXXX");
    if (!mkdtemp(fx->dir) || unit_crm_setup(&crm, "2026-11-26T09:00:00Z"))
        return -1;
    fx->crm = crm;
    *state = fx;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *fx = *state;
    char path[96];
    snprintf(path, sizeof(path), "%s/MEMORY.md", fx->dir);
    unlink(path);
    rmdir(fx->dir);
    void *crm = fx->crm;
    unit_crm_teardown(&crm);
    free(fx);
    return 0;
}

/* Run tool name with args (JSON text; NULL for none) as actor "agent:7";
   the result must be valid JSON; *is_error tells which kind it is. */
static struct jv *run(struct fixture *fx, const char *name, const char *args,
                      bool *is_error)
{
    struct agent_ctx ctx = { fx->crm, fx->dir, "agent:7" };
    struct kith_err err = KITH_ERR_INIT;
    struct buf out = BUF_INIT;
    struct jv *a = args ? unit_json(args) : NULL;
    int ret = agent_tool_run(&ctx, name, a, &out, is_error, &err);
    if (ret < 0)
        fail_msg("%s %s: %s", name, args ? args : "", err.msg);
    struct jv *res = jv_parse(out.buf, out.len, &err);
    if (!res)
        fail_msg("%s: result is not JSON (%s): %s", name, err.msg, out.buf);
    jv_free(a);
    buf_release(&out);
    return res;
}

/* A successful result. */
static struct jv *ok(struct fixture *fx, const char *name, const char *args)
{
    bool is_error = true;
    struct jv *res = run(fx, name, args, &is_error);
    if (is_error) {
        char *s = jv_dump(res);
        fail_msg("%s %s failed: %s", name, args ? args : "", s);
    }
    return res;
}

/* An error result: assert its message contains want. */
static void fails(struct fixture *fx, const char *name, const char *args,
                  const char *want)
{
    bool is_error = false;
    struct jv *res = run(fx, name, args, &is_error);
    assert_true(is_error);
    assert_int_equal(jv_len(res), 1);
    assert_contains(jv_str(jv_get(res, "error")), want);
    jv_free(res);
}

/* ---- the table ---- */

static void test_agent_tools__table_names_and_effects(void **state)
{
    (void)state;
    static const char *const names[] = {
        "list_objects", "describe_object", "find_entries",  "get_entry",
        "create_entry", "update_entry",    "delete_entry",  "search",
        "add_field",    "read_document",   "write_document", "query_sql",
        "remember",
    };
    assert_int_equal(agent_tool_count(), 13);
    for (size_t i = 0; i < 13; i++) {
        const struct agent_tool *t = agent_tool_find(names[i]);
        assert_non_null(t);
        assert_ptr_equal(t, agent_tool_at(i));
        assert_true(strlen(t->description) > 40);
    }
    assert_null(agent_tool_at(13));
    assert_null(agent_tool_find("drop_table"));
    assert_int_equal(agent_tool_find("delete_entry")->effect, AGENT_DESTROYS);
    assert_int_equal(agent_tool_find("add_field")->effect, AGENT_DESTROYS);
    assert_int_equal(agent_tool_find("create_entry")->effect, AGENT_WRITES);
    assert_int_equal(agent_tool_find("remember")->effect, AGENT_WRITES);
    assert_int_equal(agent_tool_find("query_sql")->effect, AGENT_READS);
}

static void test_agent_tools__schemas_are_json_schema(void **state)
{
    (void)state;
    for (size_t i = 0; i < agent_tool_count(); i++) {
        const struct agent_tool *t = agent_tool_at(i);
        struct kith_err err = KITH_ERR_INIT;
        struct jv *s = jv_parse(t->schema, strlen(t->schema), &err);
        if (!s)
            fail_msg("%s: schema does not parse: %s", t->name, err.msg);
        assert_string_equal(jv_str(jv_get(s, "type")), "object");
        assert_int_equal(jv_type(jv_get(s, "properties")), JV_OBJECT);
        assert_int_equal(jv_type(jv_get(s, "additionalProperties")), JV_BOOL);
        assert_false(jv_bool(jv_get(s, "additionalProperties")));
        const struct jv *req = jv_get(s, "required"), *props;
        props = jv_get(s, "properties");
        for (size_t k = 0; k < jv_len(req); k++)
            assert_non_null(jv_get(props, jv_str(jv_at(req, k))));
        void *it = NULL;
        struct jv *p;
        while (jv_next(props, &it, &p)) {
            assert_non_null(jv_str(jv_get(p, "type")));
            assert_true(jv_strlen(jv_get(p, "description")) > 5);
        }
        jv_free(s);
    }
}

static void test_agent_tools__tools_json(void **state)
{
    (void)state;
    struct jv *tools = agent_tools_json();
    assert_int_equal(jv_len(tools), agent_tool_count());
    for (size_t i = 0; i < jv_len(tools); i++) {
        const struct jv *t = jv_at(tools, i);
        assert_int_equal(jv_len(t), 3);
        assert_string_equal(jv_str(jv_get(t, "name")), agent_tool_at(i)->name);
        assert_non_null(jv_str(jv_get(t, "description")));
        assert_string_equal(jv_str(jv_get(jv_get(t, "parameters"), "type")),
                            "object");
    }
    assert_json(jv_get(jv_get(jv_at(tools, 2), "parameters"), "required"),
                "[\"object\"]");
    jv_free(tools);
}

/* ---- argument checks ---- */

static void test_agent_tools__arguments_checked(void **state)
{
    struct fixture *fx = *state;
    fails(fx, "find_entries", "{}", "find_entries: 'object' is required");
    fails(fx, "find_entries", NULL, "find_entries: 'object' is required");
    fails(fx, "find_entries", "{\"object\": null}", "'object' is required");
    fails(fx, "find_entries", "{\"object\": 3}",
          "find_entries: 'object' must be a string, not an integer");
    fails(fx, "find_entries", "{\"object\": \"people\", \"limit\": \"5\"}",
          "'limit' must be an integer, not a string");
    fails(fx, "find_entries", "{\"object\": \"people\", \"limit\": 0}",
          "'limit' must be between 1 and 200, not 0");
    fails(fx, "find_entries", "{\"object\": \"people\", \"wher\": \"x\"}",
          "find_entries: unknown argument 'wher'; did you mean 'where'?");
    fails(fx, "get_entry", "{\"object\": \"people\", \"id\": \"1\"}",
          "get_entry: 'id' must be an integer, not a string");
    fails(fx, "get_entry", "{\"object\": \"people\", \"id\": 1.5}",
          "'id' must be an integer, not a number");
    fails(fx, "create_entry", "{\"object\": \"people\", \"values\": []}",
          "'values' must be an object, not an array");
    fails(fx, "add_field",
          "{\"object\": \"people\", \"name\": \"X\", \"type\": \"select\", "
          "\"options\": [\"a\", 2]}",
          "'options' must be an array of strings; item 2 is an integer");
    fails(fx, "list_objects", "{\"x\": 1}",
          "list_objects: unknown argument 'x'; it takes no arguments");
    fails(fx, "search", "{\"query\": \"a\", \"zzz\": 1}",
          "unknown argument 'zzz'; the arguments are: query, limit");
    fails(fx, "search", "[1]", "search: the arguments must be a JSON object");
    /* a message cut at KITH_ERR_MAX stays UTF-8, so the result is JSON */
    struct buf name = BUF_INIT;
    buf_appends(&name, "{\"object\": \"xy");
    for (int i = 0; i < 700; i++)
        buf_appends(&name, "é");
    buf_appends(&name, "\"}");
    fails(fx, "describe_object", name.buf, "unknown object 'xyéé");
    buf_release(&name);
    /* an optional argument given as null is absent */
    struct jv *r = ok(fx, "find_entries",
                      "{\"object\": \"people\", \"where\": null, \"limit\": "
                      "null}");
    assert_int_equal(jv_int(jv_get(r, "total")), 0);
    jv_free(r);
}

static void test_agent_tools__unknown_tool(void **state)
{
    struct fixture *fx = *state;
    struct agent_ctx ctx = { fx->crm, fx->dir, "agent:7" };
    struct kith_err err = KITH_ERR_INIT;
    struct buf out = BUF_INIT;
    bool is_error = false;
    assert_int_equal(agent_tool_run(&ctx, "find_entris", NULL, &out,
                                    &is_error, &err),
                     KITH_ENOTFOUND);
    assert_contains(err.msg,
                    "unknown tool 'find_entris'; did you mean 'find_entries'?");
    assert_int_equal(out.len, 0);
    buf_release(&out);
}

/* ---- the schema ---- */

static void test_agent_tools__list_and_describe_objects(void **state)
{
    struct fixture *fx = *state;
    unit_make(fx->crm, "people", "{\"name\": \"Ann Lee\"}");
    struct jv *r = ok(fx, "list_objects", "{}");
    const struct jv *objs = jv_get(r, "objects");
    assert_int_equal(jv_len(objs), 4);
    const struct jv *people = NULL;
    for (size_t i = 0; i < jv_len(objs); i++)
        if (!strcmp(jv_str(jv_get(jv_at(objs, i), "object")), "people"))
            people = jv_at(objs, i);
    assert_non_null(people);
    assert_string_equal(jv_str(jv_get(people, "name")), "People");
    assert_string_equal(jv_str(jv_get(people, "label_field")), "name");
    assert_int_equal(jv_int(jv_get(people, "entries")), 1);
    assert_string_equal(jv_str(jv_at(jv_get(people, "fields"), 1)), "email");
    jv_free(r);

    r = ok(fx, "describe_object", "{\"object\": \"Deals\"}");
    assert_string_equal(jv_str(jv_get(r, "object")), "deals");
    assert_int_equal(jv_int(jv_get(r, "entries")), 0);
    const struct jv *fields = jv_get(r, "fields");
    assert_json(jv_at(fields, 0),
                "{\"slug\": \"name\", \"name\": \"Name\", \"type\": \"text\"}");
    assert_json(jv_at(fields, 1), "{\"slug\": \"company\", \"name\": "
                                  "\"Company\", \"type\": \"relation\", "
                                  "\"to\": \"companies\"}");
    assert_json(jv_get(jv_at(fields, 4), "options"),
                "[\"Lead\", \"Qualified\", \"Proposal\", \"Negotiation\", "
                "\"Closed Won\", \"Closed Lost\"]");
    jv_free(r);

    fails(fx, "describe_object", "{\"object\": \"peple\"}",
          "describe_object: unknown object 'peple'; did you mean 'people'?");
    fails(fx, "describe_object", "{\"object\": \"invoices\"}",
          "unknown object 'invoices'; the objects are: companies, people, "
          "deals, tasks");
}

static void test_agent_tools__add_field(void **state)
{
    struct fixture *fx = *state;
    struct jv *r = ok(fx, "add_field",
                      "{\"object\": \"people\", \"name\": \"Tier\", \"type\": "
                      "\"select\", \"options\": [\"Gold\", \"Silver\"]}");
    assert_json(r, "{\"added\": {\"object\": \"people\", \"field\": "
                   "{\"slug\": \"tier\", \"name\": \"Tier\", \"type\": "
                   "\"select\", \"options\": [\"Gold\", \"Silver\"]}}}");
    jv_free(r);
    r = ok(fx, "add_field",
           "{\"object\": \"tasks\", \"name\": \"Account\", \"type\": "
           "\"relation\", \"to\": \"companies\"}");
    assert_json(jv_get(jv_get(r, "added"), "field"),
                "{\"slug\": \"account\", \"name\": \"Account\", \"type\": "
                "\"relation\", \"to\": \"companies\"}");
    jv_free(r);
    /* the new field is usable at once */
    unit_make(fx->crm, "people", "{\"name\": \"Ann\", \"tier\": \"Gold\"}");
    r = ok(fx, "find_entries", "{\"object\": \"people\", \"where\": "
                               "\"tier = gold\"}");
    assert_int_equal(jv_int(jv_get(r, "total")), 1);
    jv_free(r);
    fails(fx, "add_field",
          "{\"object\": \"people\", \"name\": \"X\", \"type\": \"strng\"}",
          "add_field: unknown field type 'strng'; types are: text, long_text");
    fails(fx, "add_field",
          "{\"object\": \"people\", \"name\": \"Tier\", \"type\": \"text\"}",
          "add_field: ");
}

/* ---- entries ---- */

static void test_agent_tools__find_entries(void **state)
{
    struct fixture *fx = *state;
    int64_t acme = unit_make(fx->crm, "companies", "{\"name\": \"Acme Inc\"}");
    unit_make(fx->crm, "people",
              "{\"name\": \"Ann Lee\", \"status\": \"Lead\", \"company\": "
              "\"Acme Inc\", \"tags\": [\"vip\"]}");
    unit_make(fx->crm, "people",
              "{\"name\": \"Bob Stone\", \"status\": \"Lead\", \"email\": "
              "\"bob@x.io\"}");
    unit_make(fx->crm, "people",
              "{\"name\": \"Cy Twombly\", \"status\": \"Customer\"}");
    struct jv *r = ok(fx, "find_entries",
                      "{\"object\": \"People\", \"where\": \"status = lead\", "
                      "\"sort\": \"-name\", \"limit\": 1}");
    char want[512];
    snprintf(want, sizeof(want),
             "{\"object\": \"people\", \"entries\": [{\"id\": 2, \"label\": "
             "\"Bob Stone\", \"email\": \"bob@x.io\", \"status\": \"Lead\"}], "
             "\"total\": 2, \"next_cursor\": \"%s\"}",
             jv_str(jv_get(r, "next_cursor")));
    assert_json(r, want);
    jv_free(r);
    r = ok(fx, "find_entries",
           "{\"object\": \"people\", \"where\": \"company = \\\"Acme "
           "Inc\\\"\"}");
    snprintf(want, sizeof(want),
             "{\"object\": \"people\", \"entries\": [{\"id\": 1, \"label\": "
             "\"Ann Lee\", \"company\": {\"id\": %lld, \"label\": \"Acme "
             "Inc\"}, \"status\": \"Lead\", \"tags\": [\"vip\"]}], \"total\": "
             "1}",
             (long long)acme);
    assert_json(r, want);
    jv_free(r);
    fails(fx, "find_entries",
          "{\"object\": \"people\", \"where\": \"stauts = Lead\"}",
          "find_entries: filter at column 1: unknown field 'stauts'; did you "
          "mean 'status'?");
    fails(fx, "find_entries",
          "{\"object\": \"people\", \"where\": \"status = Leed\"}",
          "filter at column 10: status: 'Leed' is not one of");
    fails(fx, "find_entries", "{\"object\": \"people\", \"sort\": \"nope\"}",
          "find_entries: ");
    fails(fx, "find_entries", "{\"object\": \"pople\"}",
          "did you mean 'people'?");
}

static void test_agent_tools__cut_at_16k(void **state)
{
    struct fixture *fx = *state;
    struct kith_err err = KITH_ERR_INIT;
    char values[256];
    assert_int_equal(crm_begin(fx->crm, &err), KITH_OK);
    for (int i = 0; i < 300; i++) {
        snprintf(values, sizeof(values),
                 "{\"name\": \"Person number %03d with a rather long name\", "
                 "\"email\": \"person%03d@example.com\", \"title\": \"Head "
                 "of something important\"}",
                 i, i);
        unit_make(fx->crm, "people", values);
    }
    assert_int_equal(crm_commit(fx->crm, &err), KITH_OK);
    struct agent_ctx ctx = { fx->crm, fx->dir, "agent:7" };
    struct buf out = BUF_INIT;
    bool is_error = true;
    struct jv *args = unit_json("{\"object\": \"people\", \"limit\": 200}");
    assert_int_equal(agent_tool_run(&ctx, "find_entries", args, &out,
                                    &is_error, &err),
                     KITH_OK);
    assert_false(is_error);
    assert_true(out.len <= AGENT_RESULT_MAX);
    assert_true(out.len > AGENT_RESULT_MAX - 400);
    struct jv *r = jv_parse(out.buf, out.len, &err);
    assert_non_null(r);
    assert_int_equal(jv_int(jv_get(r, "total")), 300);
    int64_t shown = jv_int(jv_get(r, "shown"));
    assert_true(shown > 20 && shown < 200);
    assert_int_equal(jv_len(jv_get(r, "entries")), (size_t)shown);
    assert_string_equal(jv_str(jv_get(r, "hint")),
                        "narrow the filter or lower limit");
    assert_null(jv_get(r, "next_cursor"));
    /* the last entry shown is whole */
    const struct jv *last = jv_at(jv_get(r, "entries"), (size_t)shown - 1);
    assert_string_equal(jv_str(jv_get(last, "title")),
                        "Head of something important");
    jv_free(r);
    jv_free(args);

    /* query_sql is cut the same way */
    buf_reset(&out);
    args = unit_json("{\"sql\": \"SELECT * FROM people\"}");
    assert_int_equal(agent_tool_run(&ctx, "query_sql", args, &out, &is_error,
                                    &err),
                     KITH_OK);
    assert_true(out.len <= AGENT_RESULT_MAX);
    r = jv_parse(out.buf, out.len, &err);
    assert_non_null(r);
    assert_int_equal(jv_int(jv_get(r, "total")), 300);
    assert_true(jv_int(jv_get(r, "shown")) < 300);
    assert_int_equal(jv_len(jv_get(r, "rows")),
                     (size_t)jv_int(jv_get(r, "shown")));
    assert_non_null(jv_str(jv_get(r, "hint")));
    jv_free(r);
    jv_free(args);
    buf_release(&out);
}

static void test_agent_tools__get_create_update_delete(void **state)
{
    struct fixture *fx = *state;
    unit_make(fx->crm, "companies", "{\"name\": \"Acme Inc\"}");
    struct jv *r = ok(fx, "create_entry",
                      "{\"object\": \"people\", \"values\": {\"Name\": \"Zoë "
                      "Kim\", \"email\": \"zoe@acme.com\", \"company\": "
                      "\"Acme Inc\", \"status\": \"lead\"}}");
    assert_json(r, "{\"created\": {\"id\": 1, \"label\": \"Zoë Kim\", "
                   "\"email\": \"zoe@acme.com\", \"company\": {\"id\": 1, "
                   "\"label\": \"Acme Inc\"}, \"status\": \"Lead\", "
                   "\"created_at\": \"2026-11-26T09:00:00Z\", "
                   "\"updated_at\": \"2026-11-26T09:00:00Z\"}}");
    jv_free(r);

    /* the write is recorded as the context's actor */
    struct jv *log = NULL;
    struct kith_err err = KITH_ERR_INIT;
    assert_int_equal(crm_log(fx->crm, "people", 1, 10, &log, &err), KITH_OK);
    assert_string_equal(jv_str(jv_get(jv_at(log, 0), "actor")), "agent:7");
    jv_free(log);

    r = ok(fx, "update_entry",
           "{\"object\": \"people\", \"id\": 1, \"values\": {\"title\": "
           "\"CTO\", \"email\": \"\"}}");
    assert_json(r, "{\"updated\": {\"id\": 1, \"label\": \"Zoë Kim\", "
                   "\"company\": {\"id\": 1, \"label\": \"Acme Inc\"}, "
                   "\"title\": \"CTO\", \"status\": \"Lead\", "
                   "\"created_at\": \"2026-11-26T09:00:00Z\", "
                   "\"updated_at\": \"2026-11-26T09:00:00Z\"}}");
    jv_free(r);

    r = ok(fx, "get_entry", "{\"object\": \"people\", \"id\": 1}");
    assert_string_equal(jv_str(jv_get(r, "title")), "CTO");
    assert_string_equal(jv_str(jv_get(r, "label")), "Zoë Kim");
    assert_null(jv_get(r, "email"));
    jv_free(r);

    fails(fx, "create_entry",
          "{\"object\": \"people\", \"values\": {\"name\": \"X\", \"email\": "
          "\"not-an-email\"}}",
          "create_entry: email: 'not-an-email'");
    fails(fx, "create_entry",
          "{\"object\": \"people\", \"values\": {\"nmae\": \"X\"}}",
          "nmae");
    fails(fx, "update_entry",
          "{\"object\": \"people\", \"id\": 1, \"values\": {\"status\": "
          "\"Sleeping\"}}",
          "update_entry: status: 'Sleeping' is not one of");
    fails(fx, "update_entry",
          "{\"object\": \"people\", \"id\": 99, \"values\": {\"title\": "
          "\"x\"}}",
          "update_entry: ");
    fails(fx, "get_entry", "{\"object\": \"people\", \"id\": 99}",
          "get_entry: ");

    r = ok(fx, "delete_entry", "{\"object\": \"people\", \"id\": 1}");
    assert_json(r, "{\"deleted\": {\"object\": \"people\", \"id\": 1, "
                   "\"label\": \"Zoë Kim\"}}");
    jv_free(r);
    fails(fx, "get_entry", "{\"object\": \"people\", \"id\": 1}", "1");
    fails(fx, "delete_entry", "{\"object\": \"people\", \"id\": 1}",
          "delete_entry: ");
    assert_int_equal(crm_log(fx->crm, "people", 1, 10, &log, &err), KITH_OK);
    assert_string_equal(jv_str(jv_get(jv_at(log, 0), "op")), "delete");
    assert_string_equal(jv_str(jv_get(jv_at(log, 0), "actor")), "agent:7");
    jv_free(log);
}

/* ---- search, documents, SQL, memory ---- */

static void test_agent_tools__search(void **state)
{
    struct fixture *fx = *state;
    unit_make(fx->crm, "people", "{\"name\": \"Anneliese Brandt\"}");
    unit_make(fx->crm, "companies", "{\"name\": \"Brandt GmbH\"}");
    struct jv *r = ok(fx, "search", "{\"query\": \"brandt\"}");
    assert_string_equal(jv_str(jv_get(r, "query")), "brandt");
    assert_int_equal(jv_int(jv_get(r, "total")), 2);
    const struct jv *hits = jv_get(r, "hits");
    assert_int_equal(jv_len(hits), 2);
    for (size_t i = 0; i < 2; i++) {
        const struct jv *h = jv_at(hits, i);
        assert_int_equal(jv_len(h), 4);
        assert_non_null(jv_str(jv_get(h, "object")));
        assert_int_equal(jv_int(jv_get(h, "id")), 1);
        assert_contains(jv_str(jv_get(h, "label")), "Brandt");
        assert_contains(jv_str(jv_get(h, "snippet")), "[Brandt]");
    }
    jv_free(r);
    r = ok(fx, "search", "{\"query\": \"brandt\", \"limit\": 1}");
    assert_int_equal(jv_len(jv_get(r, "hits")), 1);
    jv_free(r);
    fails(fx, "search", "{}", "search: 'query' is required");
    fails(fx, "search", "{\"query\": \"x\", \"limit\": 51}",
          "'limit' must be between 1 and 50");
}

static void test_agent_tools__documents(void **state)
{
    struct fixture *fx = *state;
    unit_make(fx->crm, "people", "{\"name\": \"Ann\"}");
    struct jv *r =
        ok(fx, "read_document", "{\"object\": \"people\", \"id\": 1}");
    assert_json(r, "{\"object\": \"people\", \"id\": 1, \"markdown\": null}");
    jv_free(r);
    r = ok(fx, "write_document",
           "{\"object\": \"people\", \"id\": 1, \"markdown\": \"# Ann\\n\\nMet "
           "at the fair.\"}");
    assert_json(r, "{\"written\": {\"object\": \"people\", \"id\": 1, "
                   "\"bytes\": 23}}");
    jv_free(r);
    r = ok(fx, "read_document", "{\"object\": \"people\", \"id\": 1}");
    assert_string_equal(jv_str(jv_get(r, "markdown")),
                        "# Ann\n\nMet at the fair.");
    jv_free(r);
    fails(fx, "write_document",
          "{\"object\": \"people\", \"id\": 9, \"markdown\": \"x\"}",
          "write_document: ");
    fails(fx, "read_document", "{\"object\": \"people\", \"id\": 9}",
          "read_document: ");
    fails(fx, "write_document",
          "{\"object\": \"people\", \"id\": 1, \"markdown\": \"a\\u0000b\"}",
          "NUL");

    /* a long document is cut at a character, the result valid JSON */
    struct buf big = BUF_INIT;
    buf_appends(&big, "{\"object\": \"people\", \"id\": 1, \"markdown\": \"");
    for (int i = 0; i < 4000; i++)
        buf_appends(&big, "é\\\"\\n");
    buf_appends(&big, "\"}");
    r = ok(fx, "write_document", big.buf);
    jv_free(r);
    r = ok(fx, "read_document", "{\"object\": \"people\", \"id\": 1}");
    assert_true(jv_bool(jv_get(r, "truncated")));
    assert_int_equal(jv_int(jv_get(r, "bytes")), 16000);
    assert_true(jv_strlen(jv_get(r, "markdown")) < 16000);
    assert_int_equal(jv_strlen(jv_get(r, "markdown")),
                     jv_int(jv_get(r, "shown_bytes")));
    char *text = jv_dump(r);
    assert_true(strlen(text) <= AGENT_RESULT_MAX);
    free(text);
    jv_free(r);
    buf_release(&big);
}

static void test_agent_tools__query_sql(void **state)
{
    struct fixture *fx = *state;
    unit_make(fx->crm, "people", "{\"name\": \"Ann\", \"status\": \"Lead\"}");
    unit_make(fx->crm, "people", "{\"name\": \"Bob\", \"status\": \"Lead\"}");
    struct jv *r = ok(fx, "query_sql",
                      "{\"sql\": \"SELECT status, count(*) AS n FROM people "
                      "GROUP BY status\"}");
    assert_json(r, "{\"columns\": [\"status\", \"n\"], \"rows\": "
                   "[[\"Lead\", 2]], \"total\": 1, \"truncated\": false}");
    jv_free(r);
    fails(fx, "query_sql", "{\"sql\": \"DELETE FROM people\"}",
          "query_sql: ");
    fails(fx, "query_sql", "{\"sql\": \"UPDATE people SET name = 'x'\"}",
          "query_sql: ");
    fails(fx, "query_sql", "{\"sql\": \"SELEC 1\"}", "query_sql: ");
    r = ok(fx, "query_sql", "{\"sql\": \"SELECT count(*) FROM people\"}");
    assert_json(jv_get(r, "rows"), "[[2]]");
    jv_free(r);
}

/* The contents of the fixture's MEMORY.md. */
static char *memory_text(struct fixture *fx)
{
    char path[96], *text = calloc(1, 8192);
    snprintf(path, sizeof(path), "%s/MEMORY.md", fx->dir);
    FILE *f = fopen(path, "r");
    if (f) {
        size_t n = fread(text, 1, 8191, f);
        text[n] = '\0';
        fclose(f);
    }
    return text;
}

static void test_agent_tools__remember(void **state)
{
    struct fixture *fx = *state;
    char path[96];
    snprintf(path, sizeof(path), "%s/MEMORY.md", fx->dir);
    FILE *f = fopen(path, "w");
    fputs("# Memory\n\nno newline at the end", f);
    fclose(f);
    struct jv *r = ok(fx, "remember",
                      "{\"fact\": \"  Prefers deals in EUR.\\t \"}");
    assert_json(r, "{\"remembered\": \"Prefers deals in EUR.\"}");
    jv_free(r);
    r = ok(fx, "remember", "{\"fact\": \"Ann is the CFO of Acme\"}");
    jv_free(r);
    char *text = memory_text(fx);
    assert_string_equal(text, "# Memory\n\nno newline at the end\n"
                              "- Prefers deals in EUR.\n"
                              "- Ann is the CFO of Acme\n");
    free(text);

    fails(fx, "remember", "{\"fact\": \"two\\nlines\"}",
          "remember: 'fact' must be one line");
    fails(fx, "remember", "{\"fact\": \"   \"}", "remember: 'fact' is empty");
    fails(fx, "remember", "{\"fact\": \"bell\\u0007\"}", "control character");
    struct buf big = BUF_INIT;
    buf_appends(&big, "{\"fact\": \"");
    for (int i = 0; i < 501; i++)
        buf_appendc(&big, 'x');
    buf_appends(&big, "\"}");
    fails(fx, "remember", big.buf, "'fact' is 501 bytes; at most 500");
    buf_release(&big);
    text = memory_text(fx);
    assert_not_contains(text, "lines");
    free(text);

    /* a symlink in MEMORY.md's place is not followed */
    char target[112];
    snprintf(target, sizeof(target), "%s/elsewhere", fx->dir);
    unlink(path);
    assert_int_equal(symlink(target, path), 0);
    fails(fx, "remember", "{\"fact\": \"x\"}", "remember: cannot open");
    struct stat st;
    assert_int_not_equal(stat(target, &st), 0);
    unlink(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
        T(test_agent_tools__table_names_and_effects),
        T(test_agent_tools__schemas_are_json_schema),
        T(test_agent_tools__tools_json),
        T(test_agent_tools__arguments_checked),
        T(test_agent_tools__unknown_tool),
        T(test_agent_tools__list_and_describe_objects),
        T(test_agent_tools__add_field),
        T(test_agent_tools__find_entries),
        T(test_agent_tools__cut_at_16k),
        T(test_agent_tools__get_create_update_delete),
        T(test_agent_tools__search),
        T(test_agent_tools__documents),
        T(test_agent_tools__query_sql),
        T(test_agent_tools__remember),
#undef T
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
