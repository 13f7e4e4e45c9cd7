/*
 * test_filter: the filter language (crm/filter.c) and keyset paging
 * (crm/query.c) through crm_list, on an in-memory workspace with the
 * default objects and a small fixture.
 *
 * Good expressions are a table of (object, filter, the ids it must match);
 * bad ones a table of (object, filter, the exact message). Injection
 * attempts must match as plain text and leave the tables alone; nesting
 * and size are bounded. Paging must give every row exactly once, in
 * order, whatever the ties and NULLs, and when rows are inserted and
 * deleted between pages. KITH_NOW pins "today" to 2026-11-26.
 */
#include "unit.h"

#include "base/buf.h"
#include "crm/crm.h"
#include "crm/crm_int.h"
#include "db/db.h"

#define NOW "2026-11-26T09:00:00.000Z"

/* ---- fixture ---- */

static void make(struct crm *crm, const char *object, const char *json)
{
    struct kith_err err = KITH_ERR_INIT;
    struct jv *v = unit_json(json);
    if (crm_create(crm, CRM_ACTOR_USER, object, v, NULL, &err) < 0)
        fail_msg("create %s %s: %s", object, json, err.msg);
    jv_free(v);
}

static int setup(void **state)
{
    struct crm *crm = NULL;
    struct kith_err err = KITH_ERR_INIT;
    setenv("KITH_NOW", NOW, 1);
    if (crm_open_db(":memory:", &crm, &err) < 0 ||
        crm_seed_defaults(crm, &err) < 0) {
        print_error("setup: %s\n", err.msg);
        crm_close(crm);
        return -1;
    }
    make(crm, "companies", "{\"name\": \"Acme Inc\"}");
    make(crm, "companies", "{\"name\": \"Globex\"}");
    make(crm, "people",
         "{\"name\": \"Ann Lee\", \"email\": \"ann@acme.com\", \"company\": 1,"
         " \"status\": \"Lead\", \"tags\": \"vip,partner\", \"title\": \"CEO\","
         " \"last_contacted\": \"2026-11-20\"}");
    make(crm, "people",
         "{\"name\": \"Bob Stone\", \"company\": \"Globex\", \"status\": "
         "\"Customer\", \"tags\": \"event\", \"title\": \"50% off_guy\","
         " \"last_contacted\": \"2026-10-01\"}");
    make(crm, "people",
         "{\"name\": \"Anna \\u0160m\\u00edd\", \"email\": \"anna@globex.com\","
         " \"title\": \"Head of R&D\"}");
    make(crm, "people", "{\"name\": \"x' OR 1=1 --\", \"status\": "
                        "\"Churned\", \"title\": \"Ann\"}");
    make(crm, "people",
         "{\"name\": \"Zo\\u00eb \\u674e\", \"status\": \"Lead\", \"tags\": "
         "\"vip\", \"company\": 2, \"last_contacted\": \"2026-11-26\"}");
    make(crm, "deals", "{\"name\": \"Big\", \"company\": 1, \"amount\": "
                       "50000, \"stage\": \"Proposal\", \"close_date\": "
                       "\"2026-12-31\", \"probability\": 50}");
    make(crm, "deals", "{\"name\": \"Small\", \"company\": 2, \"amount\": "
                       "5000.5, \"stage\": \"Negotiation\", \"close_date\": "
                       "\"2027-03-01\"}");
    make(crm, "deals", "{\"name\": \"None\", \"stage\": \"Lead\"}");
    make(crm, "tasks", "{\"title\": \"Call\", \"done\": true}");
    make(crm, "tasks", "{\"title\": \"Mail\", \"done\": false}");
    make(crm, "tasks", "{\"title\": \"Think\"}");
    *state = crm;
    return 0;
}

static int teardown(void **state)
{
    crm_close(*state);
    unsetenv("KITH_NOW");
    return 0;
}

/* ids of the entries of a list, as "1,5" ("" for none). */
static void ids_of(const struct jv *list, struct buf *out)
{
    const struct jv *entries = jv_get(list, "entries");
    buf_reset(out);
    for (size_t i = 0; i < jv_len(entries); i++)
        buf_appendf(out, "%s%lld", i ? "," : "",
                    (long long)jv_int(jv_get(jv_at(entries, i), "id")));
}

static int list_where(struct crm *crm, const char *object, const char *where,
                      struct buf *ids, struct kith_err *err)
{
    struct crm_query q = { .where = where, .limit = 1000 };
    struct jv *list = NULL;
    int ret = crm_list(crm, object, &q, &list, err);
    if (ret == KITH_OK) {
        ids_of(list, ids);
        assert_int_equal(jv_int(jv_get(list, "total")),
                         jv_len(jv_get(list, "entries")));
    }
    jv_free(list);
    return ret;
}

static int64_t count_rows(struct crm *crm, const char *table)
{
    int64_t n = -1;
    struct kith_err err = KITH_ERR_INIT;
    const struct crm_object *o = crm_object_find(crm, table);
    assert_non_null(o);
    assert_int_equal(crm_count(crm, o, &n, &err), KITH_OK);
    return n;
}

/* ---- good expressions ---- */

static const struct {
    const char *object, *where, *ids;
} good[] = {
    { "people", NULL, "1,2,3,4,5" },
    { "people", "  ", "1,2,3,4,5" },
    { "people", "status = Lead", "1,5" },
    { "people", "status = lead", "1,5" },
    { "people", "status == \"Lead\"", "1,5" },
    { "people", "status != Lead", "2,3,4" },
    { "people", "not status = Lead", "2,3,4" },
    { "people", "not (status = Lead)", "2,3,4" },
    { "people", "status in [Lead, Churned]", "1,4,5" },
    { "people", "status not in [Lead]", "2,3,4" },
    { "people", "status is empty", "3" },
    { "people", "Status IS NOT EMPTY", "1,2,4,5" },
    { "people", "email is not empty", "1,3" },
    { "people", "tags ~ vip", "1,5" },
    { "people", "tags = event", "2" },
    { "people", "tags != vip", "2,3,4" },
    { "people", "tags in [event, partner]", "1,2" },
    { "people", "tags is empty", "3,4" },
    { "people", "name ^= \"Ann\"", "1,3" },
    { "people", "name ^= ann", "1,3" },
    { "people", "name ~ LEE", "1" },
    { "people", "title ~ \"%\"", "2" },
    { "people", "title ~ _", "2" },
    { "people", "title ~ \"\\\\\"", "" },
    { "people", "title = ann", "4" },
    { "people", "title < D", "1,2,4" },
    { "people", "name = \"x' OR 1=1 --\"", "4" },
    { "people", "name = 'x\\' OR 1=1 --'", "4" },
    { "people", "name = \"'; DROP TABLE people; --\"", "" },
    { "people", "company = \"Acme Inc\"", "1" },
    { "people", "company = \"acme inc\"", "1" },
    { "people", "company = 2", "2,5" },
    { "people", "company ~ glob", "2,5" },
    { "people", "company ^= acm", "1" },
    { "people", "company != \"Acme Inc\"", "2,3,4,5" },
    { "people", "company in [1, Globex]", "1,2,5" },
    { "people", "company is empty", "3,4" },
    { "people", "last_contacted < 2026-11-01", "2" },
    { "people", "last_contacted >= today-7d", "1,5" },
    { "people", "last_contacted = today", "5" },
    { "people", "last_contacted > today-1m", "1,5" },
    { "people", "\"Last contacted\" < today-1m", "2" },
    { "people", "last_contacted <= today-1w", "2" },
    { "people", "last_contacted < today+1y", "1,2,5" },
    { "people", "created_at = today", "1,2,3,4,5" },
    { "people", "created_at < today", "" },
    { "people", "created_at <= today", "1,2,3,4,5" },
    { "people", "updated_at >= 2026-11-26T09:00:00Z", "1,2,3,4,5" },
    { "people", "updated_at > 2026-11-26T09:00:00Z", "" },
    { "people", "id in [1, 3]", "1,3" },
    { "people", "id > 3", "4,5" },
    { "people", "ID != 2 and id<=3", "1,3" },
    { "people", "(status = Lead or status = Customer) and not tags ~ vip",
      "2" },
    { "people", "status = Lead and (company = Globex or tags ~ partner)",
      "1,5" },
    { "people", "not not status = Lead", "1,5" },
    { "people", "name ~ \xe6\x9d\x8e", "5" },
    { "people", "NAME ^= ann AND Status = LEAD", "1" },
    { "people", "status=Lead or status=Churned", "1,4,5" },
    { "deals", "amount >= 10000", "1" },
    { "deals", "amount < 5000.6", "2" },
    { "deals", "amount = \"$50,000\"", "1" },
    { "deals", "amount >= -1e3", "1,2" },
    { "deals", "stage in [Proposal, negotiation]", "1,2" },
    { "deals", "close_date < 2027-01-01", "1" },
    { "deals", "\"Close date\" >= 2027-01-01", "2" },
    { "deals", "probability is empty", "2,3" },
    { "deals", "contact is empty and company ~ a", "1" },
    { "tasks", "done = yes", "1" },
    { "tasks", "done = false", "2" },
    { "tasks", "done != true", "2,3" },
};

static void test_filter__good_expressions(void **state)
{
    struct crm *crm = *state;
    struct buf ids = BUF_INIT;
    for (size_t i = 0; i < sizeof(good) / sizeof(*good); i++) {
        struct kith_err err = KITH_ERR_INIT;
        if (list_where(crm, good[i].object, good[i].where, &ids, &err) < 0)
            fail_msg("%s: %s: %s", good[i].object, good[i].where, err.msg);
        if (strcmp(ids.buf, good[i].ids))
            fail_msg("%s: %s: got [%s], want [%s]", good[i].object,
                     good[i].where, ids.buf, good[i].ids);
    }
    buf_release(&ids);
    assert_int_equal(count_rows(crm, "people"), 5);
}

/* ---- bad expressions ---- */

static const struct {
    const char *object, *where, *msg;
} bad[] = {
    { "people", "stauts = Lead",
      "filter at column 1: unknown field 'stauts'; did you mean 'status'?" },
    { "people", "status = Leed",
      "filter at column 10: status: 'Leed' is not one of Lead, Contacted, "
      "Qualified, Customer, Churned; did you mean 'Lead'?" },
    { "people", "tags ~ vipp",
      "filter at column 8: tags: 'vipp' is not one of vip, partner, "
      "newsletter, investor, event, referral; did you mean 'vip'?" },
    { "people", "status in [Lead, Custmer]",
      "filter at column 18: status: 'Custmer' is not one of Lead, Contacted, "
      "Qualified, Customer, Churned; did you mean 'Customer'?" },
    { "people", "status = ",
      "filter at column 10: expected a value after '=', found the end" },
    { "people", "status Lead",
      "filter at column 8: expected an operator (= != < <= > >= ~ ^= in is) "
      "after the field, found 'Lead'" },
    { "people", "(status = Lead",
      "filter at column 15: expected ')', found the end" },
    { "people", "status = Lead)",
      "filter at column 14: unexpected ')'; it closes nothing" },
    { "people", "status = Lead Customer",
      "filter at column 15: expected 'and', 'or' or the end after a "
      "condition, found 'Customer'" },
    { "people", "status = Lead or",
      "filter at column 17: expected a field name, found the end" },
    { "people", "and status = Lead",
      "filter at column 5: expected an operator (= != < <= > >= ~ ^= in is) "
      "after the field, found 'status'" },
    { "people", "name = \"Ann",
      "filter at column 8: the quoted text has no closing \"" },
    { "people", "name ! Ann",
      "filter at column 6: unexpected '!'; did you mean '!='?" },
    { "people", "name ^ Ann",
      "filter at column 6: unexpected '^'; did you mean '^='?" },
    { "people", "name = \"\"",
      "filter at column 8: name: an empty value; to find empty ones write "
      "'name is empty'" },
    { "people", "last_contacted < yesterday",
      "filter at column 18: last_contacted: 'yesterday' is not a date "
      "(YYYY-MM-DD, today, today-14d, today+1m)" },
    { "people", "last_contacted < 2026-02-30",
      "filter at column 18: last_contacted: '2026-02-30' is not a date" },
    { "people", "last_contacted < today-3q",
      "filter at column 18: last_contacted: 'today-3q' is not a date" },
    { "people", "created_at > soon",
      "filter at column 14: created_at: 'soon' is not a date (YYYY-MM-DD, "
      "today, today-14d, today+1m) or a date and time" },
    { "people", "status ~ Lead",
      "filter at column 1: '~' does not work on status (a select field); "
      "use =, !=, in, is empty, is not empty" },
    { "people", "status < Lead",
      "filter at column 1: '<' does not work on status (a select field)" },
    { "people", "tags < vip",
      "filter at column 1: '<' does not work on tags (a multi_select field)" },
    { "people", "company > 1",
      "filter at column 1: '>' does not work on company (a relation field)" },
    { "people", "status in []",
      "filter at column 12: expected a value in the list, found ']'" },
    { "people", "status in [Lead,]",
      "filter at column 17: expected a value after ',', found ']'" },
    { "people", "status in [Lead Churned]",
      "filter at column 17: expected ',' or ']' in the list, found "
      "'Churned'" },
    { "people", "status in Lead",
      "filter at column 11: expected '[' after 'in', found 'Lead'" },
    { "people", "status is full",
      "filter at column 11: expected 'empty' after 'is', found 'full'" },
    { "people", "id = abc", "filter at column 6: id: 'abc' is not a whole "
                            "number" },
    { "people", "name = x\x01",
      "filter at column 9: unexpected control character 0x01" },
    { "people", "name = \xff",
      "filter at column 8: the text is not valid UTF-8" },
    { "people", "name ~ \xe6\x9d\x8e and stauts = x",
      "filter at column 14: unknown field 'stauts'; did you mean 'status'?" },
    { "people", "\"name\\\" = 1; DROP TABLE people; --\" = 1",
      "filter at column 1: unknown field 'name\" = 1; DROP TABLE people; --'; "
      "people has name, email, phone, company, title, status, tags, "
      "linkedin, last_contacted, id, created_at, updated_at" },
    { "people", "name = 1; DROP TABLE people",
      "filter at column 11: expected 'and', 'or' or the end after a "
      "condition, found 'DROP'" },
    { "deals", "amount > ten",
      "filter at column 10: amount: 'ten' is not a number" },
    { "deals", "amount ^= 5",
      "filter at column 1: '^=' does not work on amount (a currency field); "
      "use =, !=, <, <=, >, >=, in, is empty, is not empty" },
    { "deals", "close_date ~ 2026",
      "filter at column 1: '~' does not work on close_date (a date field)" },
    { "tasks", "done = maybe",
      "filter at column 8: done: 'maybe' is not true or false" },
    { "tasks", "done < yes",
      "filter at column 1: '<' does not work on done (a boolean field)" },
};

static void test_filter__bad_expressions(void **state)
{
    struct crm *crm = *state;
    struct buf ids = BUF_INIT;
    for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
        struct kith_err err = KITH_ERR_INIT;
        int ret = list_where(crm, bad[i].object, bad[i].where, &ids, &err);
        if (ret != KITH_EINVAL)
            fail_msg("%s: %s: got %d (%s), want KITH_EINVAL", bad[i].object,
                     bad[i].where, ret, err.msg);
        assert_contains(err.msg, bad[i].msg);
        /* And without an error to fill. */
        assert_int_equal(list_where(crm, bad[i].object, bad[i].where, &ids,
                                    NULL),
                         KITH_EINVAL);
    }
    buf_release(&ids);
    assert_int_equal(count_rows(crm, "people"), 5);
}

/* ---- injection: user text never reaches the SQL ---- */

static void test_filter__values_are_parameters(void **state)
{
    struct crm *crm = *state;
    const struct crm_object *o = crm_object_find(crm, "people");
    static const char *const attempts[] = {
        "name = \"x' OR 1=1 --\"",
        "name ~ \"%' UNION SELECT sqlite_version() --\"",
        "company = \"Acme\\\" OR \\\"1\\\"=\\\"1\"",
        "name in [\"a); DROP TABLE people; --\", b]",
        "tags ~ vip or title = \"); DELETE FROM kith_changes; --\"",
    };
    for (size_t i = 0; i < sizeof(attempts) / sizeof(*attempts); i++) {
        struct filter f;
        struct kith_err err = KITH_ERR_INIT;
        filter_init(&f);
        if (filter_compile(crm, o, attempts[i], &f, &err) < 0)
            fail_msg("%s: %s", attempts[i], err.msg);
        assert_not_contains(f.sql.buf, "DROP");
        assert_not_contains(f.sql.buf, "DELETE");
        assert_not_contains(f.sql.buf, "UNION");
        assert_not_contains(f.sql.buf, "'1'");
        assert_not_contains(f.sql.buf, "x'");
        assert_true(f.nparams >= 1);
        filter_release(&f);
    }
    struct buf ids = BUF_INIT;
    struct kith_err err = KITH_ERR_INIT;
    assert_int_equal(list_where(crm, "people", attempts[1], &ids, &err), 0);
    assert_string_equal(ids.buf, "");
    buf_release(&ids);
    assert_int_equal(count_rows(crm, "people"), 5);
}

/* ---- bounds ---- */

static void nested(struct buf *b, int depth, const char *open,
                   const char *close)
{
    buf_reset(b);
    for (int i = 0; i < depth; i++)
        buf_appends(b, open);
    buf_appends(b, "status = Lead");
    for (int i = 0; i < depth; i++)
        buf_appends(b, close);
}

static void test_filter__bounds(void **state)
{
    struct crm *crm = *state;
    struct buf expr = BUF_INIT, ids = BUF_INIT;
    struct kith_err err = KITH_ERR_INIT;

    nested(&expr, FILTER_MAX_DEPTH, "(", ")");
    assert_int_equal(list_where(crm, "people", expr.buf, &ids, &err), 0);
    assert_string_equal(ids.buf, "1,5");
    nested(&expr, FILTER_MAX_DEPTH + 1, "(", ")");
    assert_int_equal(list_where(crm, "people", expr.buf, &ids, &err),
                     KITH_EINVAL);
    assert_string_equal(err.msg, "filter at column 33: nested deeper than 32 "
                                 "levels of parentheses and 'not'");
    nested(&expr, FILTER_MAX_DEPTH / 2, "not (", ")");
    assert_int_equal(list_where(crm, "people", expr.buf, &ids, &err), 0);
    assert_string_equal(ids.buf, "1,5");
    /* the deepest SQL: every level a parenthesis and a change of operator */
    nested(&expr, FILTER_MAX_DEPTH / 2, "(id < 0 or (id > 0 and ", "))");
    assert_int_equal(list_where(crm, "people", expr.buf, &ids, &err), 0);
    assert_string_equal(ids.buf, "1,5");
    nested(&expr, FILTER_MAX_DEPTH - 1, "not ", "");
    buf_appends(&expr, " and (status = Lead or (tags ~ vip and (id > 0)))");
    assert_int_equal(list_where(crm, "people", expr.buf, &ids, &err), 0);
    assert_string_equal(ids.buf, "");
    nested(&expr, FILTER_MAX_DEPTH + 1, "not ", "");
    assert_int_equal(list_where(crm, "people", expr.buf, &ids, &err),
                     KITH_EINVAL);
    assert_contains(err.msg, "nested deeper than 32 levels");
    nested(&expr, 100000 / 2, "(", ""); /* deep and long: refused at once */
    assert_int_equal(list_where(crm, "people", expr.buf, &ids, &err),
                     KITH_ETOOBIG);

    /* 4096 bytes is fine, one more is not */
    buf_reset(&expr);
    buf_appends(&expr, "status = Lead");
    while (expr.len + 14 <= FILTER_MAX_BYTES)
        buf_appends(&expr, " or id = 9999");
    while (expr.len < FILTER_MAX_BYTES)
        buf_appendc(&expr, ' ');
    assert_int_equal(list_where(crm, "people", expr.buf, &ids, &err), 0);
    assert_string_equal(ids.buf, "1,5");
    buf_appendc(&expr, ' ');
    assert_int_equal(list_where(crm, "people", expr.buf, &ids, &err),
                     KITH_ETOOBIG);
    assert_string_equal(err.msg, "filter is 4097 bytes long; the most is 4096");

    /* a long flat chain of conditions compiles to SQL SQLite accepts */
    buf_reset(&expr);
    buf_appends(&expr, "id=1");
    while (expr.len + 8 <= FILTER_MAX_BYTES)
        buf_appends(&expr, " or id=2");
    assert_int_equal(list_where(crm, "people", expr.buf, &ids, &err), 0);
    assert_string_equal(ids.buf, "1,2");
    buf_release(&expr);
    buf_release(&ids);
}

/* ---- relative dates ---- */

static void test_filter__relative_dates(void **state)
{
    struct crm *crm = *state;
    static const struct {
        const char *now, *where, *ids;
    } cases[] = {
        /* month arithmetic clamps to the month's last day */
        { "2027-03-31T10:00:00.000Z", "last_contacted < today-4m", "2,1,5" },
        { "2026-12-31T10:00:00.000Z", "last_contacted = today-1m", "" },
        { "2026-12-26T10:00:00.000Z", "last_contacted = today-1m", "5" },
        { "2026-12-03T10:00:00.000Z", "last_contacted = today-13d", "1" },
        { "2027-11-26T10:00:00.000Z", "last_contacted = today-1y", "5" },
        { "2026-11-27T10:00:00.000Z", "last_contacted >= TODAY-1W", "1,5" },
    };
    struct buf ids = BUF_INIT;
    for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
        struct kith_err err = KITH_ERR_INIT;
        struct crm_query q = { .where = cases[i].where,
                               .sort = "last_contacted" };
        struct jv *list = NULL;
        setenv("KITH_NOW", cases[i].now, 1);
        if (crm_list(crm, "people", &q, &list, &err) < 0)
            fail_msg("%s: %s", cases[i].where, err.msg);
        ids_of(list, &ids);
        jv_free(list);
        if (strcmp(ids.buf, cases[i].ids))
            fail_msg("%s at %s: got [%s], want [%s]", cases[i].where,
                     cases[i].now, ids.buf, cases[i].ids);
    }
    setenv("KITH_NOW", NOW, 1);
    buf_release(&ids);
}

/* ---- keyset paging ---- */

/* Fill people with ties and NULLs: 40 rows over few values. */
static void fill_ties(struct crm *crm)
{
    static const char *const status[] = { "Lead", "Customer", "", "Churned" };
    static const char *const dates[] = { "2026-01-01", "", "2026-03-01" };
    static const char *const names[] = { "ann", "Ann", "bob", "Cy" };
    for (int i = 0; i < 40; i++) {
        char json[256];
        snprintf(json, sizeof(json),
                 "{\"name\": \"%s\", \"status\": \"%s\", \"last_contacted\": "
                 "\"%s\", \"tags\": \"%s\"}",
                 names[i % 4], status[i % 4 == 3 ? 2 : i % 3],
                 dates[(i / 2) % 3], i % 5 ? "vip" : "");
        make(crm, "people", json);
    }
}

/* Page through with q (limit per page); the ids in order, as text. */
static int page_all(struct crm *crm, struct crm_query q, struct buf *ids,
                    size_t *pages)
{
    char *cursor = NULL;
    struct buf one = BUF_INIT;
    buf_reset(ids);
    *pages = 0;
    for (;;) {
        struct kith_err err = KITH_ERR_INIT;
        struct jv *list = NULL;
        q.cursor = cursor;
        if (crm_list(crm, "people", &q, &list, &err) < 0)
            fail_msg("page %zu of %s: %s", *pages, q.sort, err.msg);
        (*pages)++;
        ids_of(list, &one);
        if (one.len)
            buf_appendf(ids, "%s%s", ids->len ? "," : "", one.buf);
        free(cursor);
        const char *next = jv_str(jv_get(list, "next_cursor"));
        cursor = next ? strdup(next) : NULL;
        jv_free(list);
        if (!cursor)
            break;
        if (*pages > 100)
            fail_msg("paging does not end");
    }
    buf_release(&one);
    return 0;
}

static void test_filter__paging_is_stable_under_ties(void **state)
{
    struct crm *crm = *state;
    fill_ties(crm);
    static const char *const sorts[] = {
        NULL,          "status",          "-status",
        "last_contacted", "-last_contacted", "name,-last_contacted",
        "-name,status,last_contacted", "-tags", "-id", "status,-id",
        "-updated_at",
    };
    static const int64_t limits[] = { 1, 3, 7, 45, 50 };
    struct buf all = BUF_INIT, paged = BUF_INIT;
    for (size_t s = 0; s < sizeof(sorts) / sizeof(*sorts); s++) {
        struct crm_query full = { .sort = sorts[s], .limit = 1000 };
        size_t pages;
        page_all(crm, full, &all, &pages);
        assert_int_equal(pages, 1);
        for (size_t l = 0; l < sizeof(limits) / sizeof(*limits); l++) {
            struct crm_query q = { .sort = sorts[s], .limit = limits[l],
                                   .where = l == 2 ? "id > 0" : NULL };
            page_all(crm, q, &paged, &pages);
            if (strcmp(all.buf, paged.buf))
                fail_msg("sort %s, limit %lld:\n  paged %s\n  whole %s",
                         sorts[s], (long long)limits[l], paged.buf, all.buf);
            assert_int_equal(pages, (45 + limits[l] - 1) / limits[l]);
        }
    }
    /* with a filter, paging walks only the matches */
    struct crm_query q = { .where = "tags ~ vip", .sort = "-status",
                           .limit = 4 };
    struct crm_query whole = { .where = "tags ~ vip", .sort = "-status",
                               .limit = 1000 };
    size_t pages;
    page_all(crm, q, &paged, &pages);
    page_all(crm, whole, &all, &pages);
    assert_string_equal(paged.buf, all.buf);
    buf_release(&all);
    buf_release(&paged);
}

/* The ids of entries [from, from + n) of list, as text. */
static void ids_slice(const struct jv *list, size_t from, size_t n,
                      struct buf *out)
{
    const struct jv *entries = jv_get(list, "entries");
    buf_reset(out);
    for (size_t i = from; i < from + n && i < jv_len(entries); i++)
        buf_appendf(out, "%s%lld", i > from ? "," : "",
                    (long long)jv_int(jv_get(jv_at(entries, i), "id")));
}

/* One page of q at offset and its next page by cursor, checked against
 * the whole list. */
static void check_offset(struct crm *crm, struct crm_query q,
                         const struct jv *whole, int64_t offset)
{
    struct kith_err err = KITH_ERR_INIT;
    struct buf got = BUF_INIT, want = BUF_INIT;
    struct jv *list = NULL;
    size_t total = jv_len(jv_get(whole, "entries")), at = (size_t)offset;
    q.offset = offset;
    if (crm_list(crm, "people", &q, &list, &err) < 0)
        fail_msg("offset %lld: %s", (long long)offset, err.msg);
    assert_int_equal(jv_int(jv_get(list, "total")), total);
    ids_of(list, &got);
    ids_slice(whole, at, (size_t)q.limit, &want);
    if (strcmp(got.buf, want.buf))
        fail_msg("sort %s, where %s, offset %lld: got [%s], want [%s]",
                 q.sort, q.where, (long long)offset, got.buf, want.buf);
    const char *next = jv_str(jv_get(list, "next_cursor"));
    assert_true(!next == (at + (size_t)q.limit >= total));
    if (next) { /* keyset paging goes on from the page's last row */
        struct jv *after = NULL;
        q.offset = 0;
        q.cursor = next;
        assert_int_equal(crm_list(crm, "people", &q, &after, &err), 0);
        ids_of(after, &got);
        ids_slice(whole, at + (size_t)q.limit, (size_t)q.limit, &want);
        assert_string_equal(got.buf, want.buf);
        jv_free(after);
    }
    jv_free(list);
    buf_release(&got);
    buf_release(&want);
}

static void test_filter__offset_jumps_into_the_order(void **state)
{
    struct crm *crm = *state;
    fill_ties(crm);
    static const char *const sorts[] = { NULL, "status", "-last_contacted",
                                         "name,-last_contacted", "-tags" };
    static const char *const wheres[] = { NULL, "tags ~ vip",
                                          "company != \"Acme Inc\"" };
    static const int64_t offsets[] = { 0, 1, 6, 13, 38, 44, 45, 46, 1000 };
    for (size_t s = 0; s < sizeof(sorts) / sizeof(*sorts); s++)
        for (size_t w = 0; w < sizeof(wheres) / sizeof(*wheres); w++) {
            struct kith_err err = KITH_ERR_INIT;
            struct crm_query all = { .sort = sorts[s], .where = wheres[w],
                                     .limit = 1000 };
            struct jv *whole = NULL;
            assert_int_equal(crm_list(crm, "people", &all, &whole, &err), 0);
            struct crm_query q = { .sort = sorts[s], .where = wheres[w],
                                   .limit = 7 };
            for (size_t i = 0; i < sizeof(offsets) / sizeof(*offsets); i++)
                check_offset(crm, q, whole, offsets[i]);
            jv_free(whole);
        }
}

static void test_filter__offset_refusals(void **state)
{
    struct crm *crm = *state;
    struct kith_err err = KITH_ERR_INIT;
    struct jv *list = NULL;
    struct crm_query first = { .limit = 1 };
    assert_int_equal(crm_list(crm, "people", &first, &list, &err), 0);
    const char *cursor = jv_str(jv_get(list, "next_cursor"));
    assert_non_null(cursor);
    static const struct {
        int64_t offset;
        bool cursor;
        const char *msg;
    } cases[] = {
        { -1, false, "offset must be a whole number from 0 to 1000000000, "
                     "not -1" },
        { INT64_MIN, false, "offset must be a whole number from 0" },
        { CRM_LIST_MAX_OFFSET + 1LL, false, "not 1000000001" },
        { 3, true, "offset and cursor cannot be used together" },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
        struct jv *out = (struct jv *)1;
        struct crm_query q = { .offset = cases[i].offset,
                               .cursor = cases[i].cursor ? cursor : NULL };
        assert_int_equal(crm_list(crm, "people", &q, &out, &err),
                         KITH_EINVAL);
        assert_null(out);
        assert_contains(err.msg, cases[i].msg);
    }
    /* offset 0 with a cursor is no offset: the next page */
    struct jv *next = NULL;
    struct crm_query q = { .cursor = cursor, .limit = 1 };
    assert_int_equal(crm_list(crm, "people", &q, &next, &err), 0);
    assert_int_equal(jv_len(jv_get(next, "entries")), 1);
    jv_free(next);
    jv_free(list);
}

/* Does the comma list ids hold id exactly once? */
static int times_in(const char *ids, int64_t id)
{
    int n = 0;
    char want[32];
    snprintf(want, sizeof(want), "%lld", (long long)id);
    for (const char *p = ids; *p;) {
        size_t len = strcspn(p, ",");
        n += strlen(want) == len && !strncmp(p, want, len);
        p += len + (p[len] == ',');
    }
    return n;
}

static void test_filter__paging_survives_writes(void **state)
{
    struct crm *crm = *state;
    struct kith_err err = KITH_ERR_INIT;
    fill_ties(crm);
    static const char *const sorts[] = { "name", "-last_contacted", NULL };
    for (size_t s = 0; s < 3; s++) {
        struct crm_query q = { .sort = sorts[s], .limit = 6 };
        struct buf seen = BUF_INIT, one = BUF_INIT;
        struct jv *list = NULL;
        char *cursor = NULL;
        struct jv *start = NULL;
        struct crm_query all = { .sort = sorts[s], .limit = 1000 };
        assert_int_equal(crm_list(crm, "people", &all, &start, &err), 0);
        int64_t deleted = 0;
        for (int page = 0;; page++) {
            q.cursor = cursor;
            if (crm_list(crm, "people", &q, &list, &err) < 0)
                fail_msg("%s", err.msg);
            ids_of(list, &one);
            if (one.len)
                buf_appendf(&seen, "%s%s", seen.len ? "," : "", one.buf);
            free(cursor);
            const char *next = jv_str(jv_get(list, "next_cursor"));
            cursor = next ? strdup(next) : NULL;
            jv_free(list);
            if (!cursor)
                break;
            /* between pages: rows that sort before, after and in the
             * middle, and a delete of a row not seen yet */
            make(crm, "people", "{\"name\": \"aaa\", \"last_contacted\": "
                                "\"2030-01-01\"}");
            make(crm, "people", "{\"name\": \"zzz\"}");
            make(crm, "people", "{\"name\": \"bob\", \"last_contacted\": "
                                "\"2026-01-01\"}");
            if (page == 1) {
                const struct jv *e = jv_at(jv_get(start, "entries"), 40);
                deleted = jv_int(jv_get(e, "id"));
                if (!times_in(seen.buf, deleted))
                    assert_int_equal(crm_delete(crm, CRM_ACTOR_USER,
                                                "people", deleted, &err),
                                     0);
                else
                    deleted = 0;
            }
        }
        /* every row there at the start and never deleted: exactly once */
        const struct jv *entries = jv_get(start, "entries");
        for (size_t i = 0; i < jv_len(entries); i++) {
            int64_t id = jv_int(jv_get(jv_at(entries, i), "id"));
            int want = id == deleted ? 0 : 1;
            if (times_in(seen.buf, id) != want)
                fail_msg("sort %s: row %lld seen %d times, want %d",
                         sorts[s], (long long)id, times_in(seen.buf, id),
                         want);
        }
        /* and no row twice at all */
        for (const char *p = seen.buf; *p;) {
            int64_t id = atoll(p);
            assert_int_equal(times_in(seen.buf, id), 1);
            p += strcspn(p, ",");
            p += *p == ',';
        }
        jv_free(start);
        buf_release(&seen);
        buf_release(&one);
    }
}

static void test_filter__cursor_refusals(void **state)
{
    struct crm *crm = *state;
    struct kith_err err = KITH_ERR_INIT;
    struct crm_query q = { .sort = "name", .limit = 2 };
    struct jv *list = NULL;
    assert_int_equal(crm_list(crm, "people", &q, &list, &err), 0);
    char *cursor = strdup(jv_str(jv_get(list, "next_cursor")));
    jv_free(list);

    static const char *const bad_cursors[] = {
        "garbage!", "", "W10", "WyJuYW1lIl0", "e30", "AAAA", "W",
        "WyJuYW1lIiwiQW5uIExlZSJd", /* ["name","Ann Lee"]: no id */
        "WyJuYW1lIiwiYSIsbnVsbF0", /* ["name","a",null]: null id */
    };
    for (size_t i = 0; i < sizeof(bad_cursors) / sizeof(*bad_cursors); i++) {
        q.cursor = bad_cursors[i];
        list = (struct jv *)1;
        assert_int_equal(crm_list(crm, "people", &q, &list, &err),
                         KITH_EINVAL);
        assert_null(list);
        assert_string_equal(err.msg, "cursor is not valid: give the "
                                     "next_cursor of the page before, "
                                     "unchanged");
    }
    q.cursor = cursor;
    q.sort = "-name";
    assert_int_equal(crm_list(crm, "people", &q, &list, &err), KITH_EINVAL);
    assert_string_equal(err.msg, "cursor was made for another sort order "
                                 "('name'); list again without it");
    /* the right sort continues; no_count leaves total null */
    q.sort = "Name";
    q.no_count = true;
    assert_int_equal(crm_list(crm, "people", &q, &list, &err), 0);
    assert_int_equal(jv_type(jv_get(list, "total")), JV_NULL);
    assert_int_equal(jv_len(jv_get(list, "entries")), 2);
    jv_free(list);
    free(cursor);
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_filter__good_expressions),
        T(test_filter__bad_expressions),
        T(test_filter__values_are_parameters),
        T(test_filter__bounds),
        T(test_filter__relative_dates),
        T(test_filter__paging_is_stable_under_ties),
        T(test_filter__paging_survives_writes),
        T(test_filter__offset_jumps_into_the_order),
        T(test_filter__offset_refusals),
        T(test_filter__cursor_refusals),
    };
#undef T
    return cmocka_run_group_tests(tests, NULL, NULL);
}
