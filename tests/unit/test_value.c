/*
 * test_value: validation of every field type, through the public crm API.
 *
 * Each case runs on a fresh in-memory workspace (the default objects plus a
 * custom object "things" with one field of every type) and goes the way a
 * front end goes: crm_create / crm_update with a JSON value (a string in the
 * type's text form, as the CLI gives, or the JSON value itself), then
 * crm_get. An accepted value must come back in its canonical stored form; a
 * refused one must fail with KITH_EINVAL, write nothing, and carry a message
 * that starts with the field's slug and says what was wrong.
 */
#include "unit.h"

#include "base/buf.h"
#include "crm/crm.h"
#include "db/db.h"

/* ---- fixture ---- */

static const char *const level_opts[] = { "Low", "Medium", "High" };
static const char *const label_opts[] = { "red", "green", "blue" };

static const struct crm_field_spec thing_fields[] = {
    { "Note", CRM_TEXT, NULL, 0, NULL },
    { "Bio", CRM_LONG_TEXT, NULL, 0, NULL },
    { "Score", CRM_NUMBER, NULL, 0, NULL },
    { "Price", CRM_CURRENCY, NULL, 0, NULL },
    { "Active", CRM_BOOLEAN, NULL, 0, NULL },
    { "Born", CRM_DATE, NULL, 0, NULL },
    { "Met at", CRM_DATETIME, NULL, 0, NULL },
    { "Email", CRM_EMAIL, NULL, 0, NULL },
    { "Phone", CRM_PHONE, NULL, 0, NULL },
    { "Site", CRM_URL, NULL, 0, NULL },
    { "Level", CRM_SELECT, level_opts, 3, NULL },
    { "Labels", CRM_MULTI_SELECT, label_opts, 3, NULL },
    { "Org", CRM_RELATION, NULL, 0, "companies" },
    { "Stars", CRM_RATING, NULL, 0, NULL },
};
#define NTHING_FIELDS (sizeof(thing_fields) / sizeof(*thing_fields))

/* Create one entry of object from JSON text; 0 on failure. */
static int64_t make(struct crm *crm, const char *object, const char *json)
{
    struct kith_err err = KITH_ERR_INIT;
    struct jv *v = unit_json(json);
    int64_t id = 0;
    if (crm_create(crm, CRM_ACTOR_USER, object, v, &id, &err) < 0)
        print_error("create %s %s: %s\n", object, json, err.msg);
    jv_free(v);
    return id;
}

/*
 * A workspace with the defaults, "things" with a field of every type, and
 * companies #1 "Acme Inc", #2 and #3 both "Globex" (an ambiguous label).
 */
static int setup(void **state)
{
    struct crm *crm = NULL;
    struct kith_err err = KITH_ERR_INIT;
    if (crm_open_db(":memory:", &crm, &err) < 0 ||
        crm_seed_defaults(crm, &err) < 0 ||
        crm_object_add(crm, "Things", &err) < 0)
        goto fail;
    for (size_t i = 0; i < NTHING_FIELDS; i++)
        if (crm_field_add(crm, "things", &thing_fields[i], &err) < 0)
            goto fail;
    if (make(crm, "companies", "{\"name\": \"Acme Inc\"}") != 1 ||
        make(crm, "companies", "{\"name\": \"Globex\"}") != 2 ||
        make(crm, "companies", "{\"name\": \"Globex\"}") != 3)
        goto fail;
    *state = crm;
    return 0;
fail:
    print_error("setup: %s\n", err.msg);
    crm_close(crm);
    return -1;
}

static int teardown(void **state)
{
    crm_close(*state);
    return 0;
}

static int64_t count_things(struct crm *crm)
{
    int64_t n = -1;
    const struct crm_object *o = crm_object_find(crm, "things");
    assert_non_null(o);
    assert_int_equal(crm_count(crm, o, &n, NULL), KITH_OK);
    return n;
}

/* The stored value of field in things entry id, as compact JSON. */
static char *stored(struct crm *crm, int64_t id, const char *field)
{
    struct jv *e = NULL;
    struct kith_err err = KITH_ERR_INIT;
    if (crm_get(crm, "things", id, &e, &err) < 0)
        fail_msg("get things #%lld: %s", (long long)id, err.msg);
    char *s = jv_dump(jv_get(e, field));
    jv_free(e);
    return s;
}

/* {"name": "t", field: <value>} with value given as JSON text. */
static struct jv *values_with(const char *field, const char *value)
{
    struct jv *v = jv_object();
    jv_set_take(v, "name", jv_string("t"));
    jv_set_take(v, field, unit_json(value));
    return v;
}

/* ---- the table ---- */

struct value_case {
    const char *field; /* slug */
    const char *in;    /* the value, as JSON text */
    const char *want;  /* canonical stored value as JSON, or NULL: refused */
    const char *msg;   /* for a refusal: text the message must contain */
};

#define OK(f, in, want) { f, in, want, NULL }
#define NO(f, in, msg) { f, in, NULL, msg }

static const struct value_case cases[] = {
    /* text: trimmed, so blank clears; long_text kept as given */
    OK("note", "\"hello\"", "\"hello\""),
    OK("note", "\"  padded  \"", "\"padded\""),
    OK("note", "\"   \"", "null"),
    OK("bio", "\"  indented\"", "\"  indented\""),
    OK("note", "0.1", "\"0.1\""),
    OK("note", "\"\xe6\x97\xa5\xe6\x9c\xac\"", "\"\xe6\x97\xa5\xe6\x9c\xac\""),
    OK("note", "\"\"", "null"),
    OK("note", "null", "null"),
    OK("note", "42", "\"42\""),
    OK("note", "2.5", "\"2.5\""),
    NO("note", "true", "note: true/false is not a text"),
    NO("note", "[\"a\"]", "note: expected a text value, not a list"),
    NO("note", "{\"a\": 1}", "note: expected a text value, not an object"),
    OK("bio", "\"line one\\nline two\\n\"", "\"line one\\nline two\\n\""),

    /* number: whole numbers as integers, else reals; no garbage */
    OK("score", "\"42\"", "42"),
    OK("score", "\" 7 \"", "7"),
    OK("score", "\"-3.5\"", "-3.5"),
    OK("score", "\"+12\"", "12"),
    OK("score", "\"1e3\"", "1000"),
    OK("score", "\"0.1\"", "0.1"),
    OK("score", "12", "12"),
    OK("score", "2.25", "2.25"),
    OK("score", "-0.5", "-0.5"),
    OK("score", "\"\"", "null"),
    NO("score", "\"12abc\"", "score: '12abc' is not a number"),
    NO("score", "\"abc\"", "score: 'abc' is not a number"),
    NO("score", "\"1,234\"", "score: '1,234' is not a number"),
    NO("score", "\"1.2.3\"", "score: '1.2.3' is not a number"),
    NO("score", "\"--1\"", "score: '--1' is not a number"),
    NO("score", "\".\"", "score: '.' is not a number"),
    NO("score", "\"e5\"", "score: 'e5' is not a number"),
    NO("score", "\"inf\"", "score: 'inf' is not a number"),
    NO("score", "\"nan\"", "score: 'nan' is not a number"),
    NO("score", "\"1e999\"", "score: '1e999' is not a number"),
    NO("score", "\"0x10\"", "score: '0x10' is not a number"),
    NO("score", "\"$5\"", "score: '$5' is not a number"),
    NO("score", "\"1 000\"", "score: '1 000' is not a number"),
    NO("score", "true", "score: true/false is not a number"),
    NO("score", "[1]", "score: expected a number value, not a list"),

    /* currency: a leading symbol and thousands separators are allowed */
    OK("price", "\"$1,234.50\"", "1234.5"),
    OK("price", "\"1,000,000\"", "1000000"),
    OK("price", "\"\xe2\x82\xac" "99\"", "99"),       /* €99 */
    OK("price", "\"\xc2\xa3" "12.5\"", "12.5"),       /* £12.5 */
    OK("price", "\"\xc2\xa5" "300\"", "300"),         /* ¥300 */
    OK("price", "\"-20\"", "-20"),
    OK("price", "19.99", "19.99"),
    NO("price", "\"12abc\"", "price: '12abc' is not a number"),
    NO("price", "\"$\"", "price: '$' is not a number"),
    NO("price", "\"1,,000\"", "price: '1,,000' is not a number"),
    NO("price", "\",100\"", "price: ',100' is not a number"),
    NO("price", "\"100,\"", "price: '100,' is not a number"),
    NO("price", "\"$1,234.50 USD\"", "price: '$1,234.50 USD' is not a number"),
    NO("price", "\"12$\"", "price: '12$' is not a number"),

    /* boolean: true/false, yes/no, 1/0 in any case, or JSON booleans */
    OK("active", "\"true\"", "true"),
    OK("active", "\"TRUE\"", "true"),
    OK("active", "\"yes\"", "true"),
    OK("active", "\"Yes\"", "true"),
    OK("active", "\"1\"", "true"),
    OK("active", "\"y\"", "true"),
    OK("active", "\"on\"", "true"),
    OK("active", "\"false\"", "false"),
    OK("active", "\"no\"", "false"),
    OK("active", "\"NO\"", "false"),
    OK("active", "\"0\"", "false"),
    OK("active", "\"off\"", "false"),
    OK("active", "\" yes \"", "true"),
    OK("active", "true", "true"),
    OK("active", "false", "false"),
    OK("active", "1", "true"),
    OK("active", "0", "false"),
    NO("active", "\"maybe\"", "active: 'maybe' is not true or false"),
    NO("active", "\"yess\"", "active: 'yess' is not true or false"),
    NO("active", "\"2\"", "active: '2' is not true or false"),
    NO("active", "2", "active: '2' is not true or false"),
    NO("active", "[true]", "active: expected a boolean value, not a list"),

    /* date: ISO YYYY-MM-DD, a real day of the calendar */
    OK("born", "\"2026-01-31\"", "\"2026-01-31\""),
    OK("born", "\"2024-02-29\"", "\"2024-02-29\""),
    OK("born", "\"2000-02-29\"", "\"2000-02-29\""),
    OK("born", "\" 2026-05-01 \"", "\"2026-05-01\""),
    NO("born", "\"2026-02-30\"",
       "born: '2026-02-30' is not a date (YYYY-MM-DD)"),
    NO("born", "\"2026-02-29\"", "born: '2026-02-29' is not a date"),
    NO("born", "\"1900-02-29\"", "born: '1900-02-29' is not a date"),
    NO("born", "\"2026-04-31\"", "born: '2026-04-31' is not a date"),
    NO("born", "\"2026-13-01\"", "born: '2026-13-01' is not a date"),
    NO("born", "\"2026-00-10\"", "born: '2026-00-10' is not a date"),
    NO("born", "\"2026-01-00\"", "born: '2026-01-00' is not a date"),
    NO("born", "\"0000-01-01\"", "born: '0000-01-01' is not a date"),
    NO("born", "\"2026-1-5\"", "born: '2026-1-5' is not a date"),
    NO("born", "\"31/01/2026\"", "born: '31/01/2026' is not a date"),
    NO("born", "\"2026-01-31T10:00\"",
       "born: '2026-01-31T10:00' is not a date"),
    NO("born", "\"tomorrow\"", "born: 'tomorrow' is not a date"),
    NO("born", "20260131", "born: 20260131 is not a date"),

    /* datetime: ISO 8601, any offset, stored in UTC with Z */
    OK("met_at", "\"2026-11-26T09:30:00Z\"", "\"2026-11-26T09:30:00Z\""),
    OK("met_at", "\"2026-11-26T09:30:00+02:00\"", "\"2026-11-26T07:30:00Z\""),
    OK("met_at", "\"2026-11-26T01:30-05:00\"", "\"2026-11-26T06:30:00Z\""),
    OK("met_at", "\"2026-11-26T12:00:00+0530\"", "\"2026-11-26T06:30:00Z\""),
    OK("met_at", "\"2026-12-31T23:30:00-01:00\"", "\"2027-01-01T00:30:00Z\""),
    OK("met_at", "\"2026-03-01T00:30:00+01:00\"", "\"2026-02-28T23:30:00Z\""),
    OK("met_at", "\"2024-03-01T00:30:00+01:00\"", "\"2024-02-29T23:30:00Z\""),
    OK("met_at", "\"2026-11-26 09:30\"", "\"2026-11-26T09:30:00Z\""),
    OK("met_at", "\"2026-11-26t09:30:00z\"", "\"2026-11-26T09:30:00Z\""),
    OK("met_at", "\"2026-11-26T09:30:45.123Z\"", "\"2026-11-26T09:30:45Z\""),
    OK("met_at", "\"2026-11-26T09:30:00.5+01:00\"", "\"2026-11-26T08:30:00Z\""),
    OK("met_at", "\"2026-11-26\"", "\"2026-11-26T00:00:00Z\""),
    OK("met_at", "\"9999-12-31T23:59:59Z\"", "\"9999-12-31T23:59:59Z\""),
    NO("met_at", "\"2026-11-26T25:00:00Z\"",
       "met_at: '2026-11-26T25:00:00Z' is not a date and time (ISO 8601"),
    NO("met_at", "\"2026-02-30T10:00:00Z\"",
       "met_at: '2026-02-30T10:00:00Z' is not"),
    NO("met_at", "\"2026-11-26T09:60\"", "met_at: '2026-11-26T09:60' is not"),
    NO("met_at", "\"2026-11-26T09:30:00+2\"",
       "met_at: '2026-11-26T09:30:00+2' is not"),
    NO("met_at", "\"2026-11-26T09:30:00+15:00\"", "is not a date and time"),
    NO("met_at", "\"2026-11-26T09:30:00 UTC\"", "is not a date and time"),
    NO("met_at", "\"2026-11-26T09:30:00.Z\"", "is not a date and time"),
    NO("met_at", "\"2026-11-26T\"", "met_at: '2026-11-26T' is not"),
    NO("met_at", "\"2026-11-26T09\"", "met_at: '2026-11-26T09' is not"),
    NO("met_at", "\"0001-01-01T00:30:00+01:00\"", "is not a date and time"),
    NO("met_at", "\"next week\"", "met_at: 'next week' is not a date and time"),
    NO("met_at", "1700000000", "met_at: 1700000000 is not a datetime"),

    /* email */
    OK("email", "\"ann@example.com\"", "\"ann@example.com\""),
    OK("email", "\" Ann.Lee+crm@mail.example.co.uk \"",
       "\"Ann.Lee+crm@mail.example.co.uk\""),
    NO("email", "\"ann@\"", "email: 'ann@' is not an email address"),
    NO("email", "\"ann\"", "email: 'ann' is not an email address"),
    NO("email", "\"@example.com\"", "email: '@example.com' is not an email"),
    NO("email", "\"ann@@example.com\"", "is not an email address"),
    NO("email", "\"ann@b@example.com\"", "is not an email address"),
    NO("email", "\"ann@example\"", "email: 'ann@example' is not an email"),
    NO("email", "\"ann@.com\"", "is not an email address"),
    NO("email", "\"ann@example.com.\"", "is not an email address"),
    NO("email", "\"ann@example..com\"", "is not an email address"),
    NO("email", "\"ann lee@example.com\"", "is not an email address"),
    NO("email", "\"<ann@example.com>\"", "is not an email address"),
    NO("email", "42", "email: 42 is not a"),

    /* phone */
    OK("phone", "\"+1 (555) 010-9999\"", "\"+1 (555) 010-9999\""),
    OK("phone", "\"+44 20 7946 0958\"", "\"+44 20 7946 0958\""),
    OK("phone", "\"555-0100 ext 12\"", "\"555-0100 ext 12\""),
    OK("phone", "5550100", "\"5550100\""),
    NO("phone", "\"call me\"", "phone: 'call me' is not a phone number"),
    NO("phone", "\"12\"", "phone: '12' is not a phone number"),
    NO("phone", "\"555-CALL-NOW\"", "phone: '555-CALL-NOW' is not a phone"),

    /* url: http(s) only; a bare host gets https:// */
    OK("site", "\"acme.com\"", "\"https://acme.com\""),
    OK("site", "\"acme.com/about?x=1\"", "\"https://acme.com/about?x=1\""),
    OK("site", "\"http://acme.com\"", "\"http://acme.com\""),
    OK("site", "\"HTTPS://Acme.com/Path\"", "\"HTTPS://Acme.com/Path\""),
    OK("site", "\" https://acme.com \"", "\"https://acme.com\""),
    NO("site", "\"ftp://acme.com\"",
       "site: 'ftp://acme.com' is not a web address"),
    NO("site", "\"javascript:alert(1)\"", "site: 'javascript:alert(1)' is not"),
    NO("site", "\"not a url\"", "site: 'not a url' is not a web address"),
    NO("site", "\"localhost\"", "site: 'localhost' is not a web address"),
    NO("site", "\"https://\"", "site: 'https://' is not a web address"),
    NO("site", "\"https:///path\"", "site: 'https:///path' is not a web"),
    NO("site", "\".com\"", "site: '.com' is not a web address"),
    NO("site", "\"http://a b.com\"", "site: 'http://a b.com' is not a web"),
    NO("site", "7", "site: 7 is not a url"),

    /* select: case-insensitive, stored as the option's own spelling */
    OK("level", "\"High\"", "\"High\""),
    OK("level", "\"high\"", "\"High\""),
    OK("level", "\" MEDIUM \"", "\"Medium\""),
    NO("level", "\"Mediun\"",
       "level: 'Mediun' is not one of Low, Medium, High; did you mean "
       "'Medium'?"),
    NO("level", "\"hihg\"", "level: 'hihg' is not one of Low, Medium, High"),
    NO("level", "\"Urgent\"",
       "level: 'Urgent' is not one of Low, Medium, High"),
    NO("level", "3", "level: 3 is not a select"),
    NO("level", "[\"Low\"]", "level: expected a select value, not a list"),

    /* multi_select: a JSON array, "a, b" text, or an array in text */
    OK("labels", "[\"red\", \"Blue\"]", "[\"red\", \"blue\"]"),
    OK("labels", "\"red, green\"", "[\"red\", \"green\"]"),
    OK("labels", "\"GREEN,red,green\"", "[\"green\", \"red\"]"),
    OK("labels", "\"[\\\"blue\\\"]\"", "[\"blue\"]"),
    OK("labels", "\"blue\"", "[\"blue\"]"),
    OK("labels", "[]", "null"),
    OK("labels", "\"\"", "null"),
    OK("labels", "\" , \"", "null"),
    NO("labels", "[\"purple\"]",
       "labels: 'purple' is not one of red, green, blue"),
    NO("labels", "\"red, gren\"",
       "labels: 'gren' is not one of red, green, blue; did you mean 'green'?"),
    NO("labels", "[1]", "labels: item 1 is not text"),
    NO("labels", "[\"red\", null]", "labels: item 2 is not text"),
    NO("labels", "true", "labels: true/false is not a multi_select"),
    NO("labels", "5", "labels: 5 is not a multi_select"),

    /* relation: by id, by the unique label of the target, or {"id": n} */
    OK("org", "1", "{\"id\": 1, \"label\": \"Acme Inc\"}"),
    OK("org", "\"1\"", "{\"id\": 1, \"label\": \"Acme Inc\"}"),
    OK("org", "\"Acme Inc\"", "{\"id\": 1, \"label\": \"Acme Inc\"}"),
    OK("org", "\"acme inc\"", "{\"id\": 1, \"label\": \"Acme Inc\"}"),
    OK("org", "\" Acme Inc \"", "{\"id\": 1, \"label\": \"Acme Inc\"}"),
    OK("org", "{\"id\": 2, \"label\": \"Globex\"}",
       "{\"id\": 2, \"label\": \"Globex\"}"),
    OK("org", "3", "{\"id\": 3, \"label\": \"Globex\"}"),
    NO("org", "99", "org: there is no companies entry #99"),
    NO("org", "\"99\"", "org: there is no companies entry #99"),
    NO("org", "\"Initech\"", "org: no companies entry is named 'Initech'"),
    NO("org", "\"Globex\"",
       "org: more than one companies entry is named 'Globex'; give its id"),
    NO("org", "\"0\"", "org: '0' is not an entry id"),
    NO("org", "\"-1\"", "org: '-1' is not an entry id"),
    NO("org", "\"1.5\"", "org: '1.5' is not an entry id"),
    NO("org", "true", "org: true/false is not a relation"),
    NO("org", "[1]", "org: expected a relation value, not a list"),

    /* rating: a whole number from 1 to 5 */
    OK("stars", "\"3\"", "3"),
    OK("stars", "1", "1"),
    OK("stars", "5", "5"),
    OK("stars", "4.0", "4"),
    NO("stars", "\"0\"", "stars: '0' is not a rating from 1 to 5"),
    NO("stars", "\"6\"", "stars: '6' is not a rating from 1 to 5"),
    NO("stars", "\"3.5\"", "stars: '3.5' is not a rating from 1 to 5"),
    NO("stars", "3.5", "stars: '3.5' is not a rating from 1 to 5"),
    NO("stars", "-1", "stars: '-1' is not a rating from 1 to 5"),
    NO("stars", "\"three\"", "stars: 'three' is not a rating from 1 to 5"),
};

/* A refusal: KITH_EINVAL, the message names the field first. */
static void check_refusal(const struct value_case *c, int rc,
                          const struct kith_err *err)
{
    if (rc != KITH_EINVAL)
        fail_msg("%s = %s: rc %d (%s), want a refusal", c->field, c->in, rc,
                 err->msg);
    char prefix[64];
    snprintf(prefix, sizeof(prefix), "%s: ", c->field);
    if (strncmp(err->msg, prefix, strlen(prefix)))
        fail_msg("%s = %s: message '%s' does not start with '%s'", c->field,
                 c->in, err->msg, prefix);
    assert_contains(err->msg, c->msg);
    assert_int_equal(err->code, KITH_EINVAL);
}

static void check_stored(struct crm *crm, const struct value_case *c,
                         int64_t id)
{
    char *got = stored(crm, id, c->field);
    struct jv *g = unit_json(got);
    if (!unit_json_eq(g, c->want))
        fail_msg("%s = %s: stored %s, want %s", c->field, c->in, got,
                 c->want);
    jv_free(g);
    free(got);
}

static void test_value__create_each_type(void **state)
{
    struct crm *crm = *state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
        const struct value_case *c = &cases[i];
        struct kith_err err = KITH_ERR_INIT;
        struct jv *v = values_with(c->field, c->in);
        int64_t before = count_things(crm), id = 0;
        int rc = crm_create(crm, CRM_ACTOR_USER, "things", v, &id, &err);
        jv_free(v);
        if (!c->want) {
            check_refusal(c, rc, &err);
            assert_int_equal(count_things(crm), before); /* nothing written */
            continue;
        }
        if (rc != KITH_OK)
            fail_msg("%s = %s refused: %s", c->field, c->in, err.msg);
        check_stored(crm, c, id);
    }
}

static void test_value__update_each_type(void **state)
{
    struct crm *crm = *state;
    int64_t id = make(crm, "things", "{\"name\": \"target\"}");
    assert_true(id > 0);
    for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
        const struct value_case *c = &cases[i];
        struct kith_err err = KITH_ERR_INIT;
        char *was = stored(crm, id, c->field);
        struct jv *v = jv_object();
        jv_set_take(v, c->field, unit_json(c->in));
        int rc = crm_update(crm, CRM_ACTOR_USER, "things", id, v, &err);
        jv_free(v);
        if (!c->want) {
            check_refusal(c, rc, &err);
            char *now = stored(crm, id, c->field);
            assert_string_equal(now, was); /* the old value stays */
            free(now);
        } else {
            if (rc != KITH_OK)
                fail_msg("update %s = %s refused: %s", c->field, c->in,
                         err.msg);
            check_stored(crm, c, id);
        }
        free(was);
    }
}

/* ---- what plain SQL sees ---- */

static void test_value__stored_forms_in_sql(void **state)
{
    struct crm *crm = *state;
    int64_t id = make(crm, "things",
                      "{\"name\": \"sql\", \"score\": \"42\", "
                      "\"price\": \"$1,234.50\", \"active\": \"yes\", "
                      "\"born\": \"2026-01-31\", "
                      "\"met_at\": \"2026-11-26T09:30:00+02:00\", "
                      "\"labels\": \"blue, RED\", \"org\": \"Acme Inc\", "
                      "\"stars\": \"4\", \"level\": \"low\", "
                      "\"site\": \"acme.com\"}");
    assert_true(id > 0);
    struct db_stmt *st = NULL;
    struct kith_err err = KITH_ERR_INIT;
    assert_int_equal(
        db_prepare(crm_db(crm),
                   "SELECT typeof(score), score, typeof(price), price, "
                   "typeof(active), active, born, met_at, labels, "
                   "typeof(org), org, typeof(stars), stars, level, site "
                   "FROM things WHERE id = ?1",
                   &st, &err),
        KITH_OK);
    db_bind_int(st, 1, id);
    assert_int_equal(db_step(st, &err), DB_ROW);
    assert_string_equal(db_col_text(st, 0), "integer");
    assert_int_equal(db_col_int(st, 1), 42);
    assert_string_equal(db_col_text(st, 2), "real");
    assert_true(db_col_real(st, 3) == 1234.5);
    assert_string_equal(db_col_text(st, 4), "integer");
    assert_int_equal(db_col_int(st, 5), 1);
    assert_string_equal(db_col_text(st, 6), "2026-01-31");
    assert_string_equal(db_col_text(st, 7), "2026-11-26T07:30:00Z");
    assert_string_equal(db_col_text(st, 8), "[\"blue\",\"red\"]");
    assert_string_equal(db_col_text(st, 9), "integer");
    assert_int_equal(db_col_int(st, 10), 1);
    assert_string_equal(db_col_text(st, 11), "integer");
    assert_int_equal(db_col_int(st, 12), 4);
    assert_string_equal(db_col_text(st, 13), "Low");
    assert_string_equal(db_col_text(st, 14), "https://acme.com");
    db_finalize(st);
}

/* ---- refusals that are not in the table ---- */

static void test_value__unknown_field_suggests(void **state)
{
    struct crm *crm = *state;
    static const struct {
        const char *json;
        const char *msg;
    } bad[] = {
        { "{\"name\": \"x\", \"levl\": \"Low\"}",
          "things has no field 'levl'; did you mean 'level'?" },
        { "{\"name\": \"x\", \"Emial\": \"a@b.co\"}",
          "things has no field 'Emial'; did you mean 'email'?" },
        { "{\"name\": \"x\", \"colour\": \"red\"}",
          "things has no field 'colour' (see: kith fields things)" },
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
        struct kith_err err = KITH_ERR_INIT;
        struct jv *v = unit_json(bad[i].json);
        int64_t id = 0;
        assert_int_equal(crm_create(crm, CRM_ACTOR_USER, "things", v, &id,
                                    &err),
                         KITH_EINVAL);
        assert_contains(err.msg, bad[i].msg);
        jv_free(v);
    }
    assert_int_equal(count_things(crm), 0);
}

static void test_value__fields_by_display_name(void **state)
{
    struct crm *crm = *state;
    int64_t id = make(crm, "things",
                      "{\"Name\": \"by name\", \"Met at\": \"2026-01-01\", "
                      "\"LEVEL\": \"high\"}");
    assert_true(id > 0);
    char *s = stored(crm, id, "met_at");
    assert_string_equal(s, "\"2026-01-01T00:00:00Z\"");
    free(s);
    s = stored(crm, id, "level");
    assert_string_equal(s, "\"High\"");
    free(s);
}

static void test_value__field_given_twice(void **state)
{
    struct crm *crm = *state;
    struct kith_err err = KITH_ERR_INIT;
    struct jv *v = unit_json(
        "{\"name\": \"x\", \"level\": \"Low\", \"Level\": \"High\"}");
    int64_t id = 0;
    assert_int_equal(crm_create(crm, CRM_ACTOR_USER, "things", v, &id, &err),
                     KITH_EINVAL);
    assert_contains(err.msg, "level: given twice");
    jv_free(v);
}

static void test_value__values_must_be_an_object(void **state)
{
    struct crm *crm = *state;
    static const char *const bad[] = { "[]", "\"name=x\"", "null", "3" };
    for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
        struct kith_err err = KITH_ERR_INIT;
        struct jv *v = unit_json(bad[i]);
        assert_int_equal(
            crm_create(crm, CRM_ACTOR_USER, "things", v, NULL, &err),
            KITH_EINVAL);
        assert_contains(err.msg, "values must be an object");
        jv_free(v);
    }
}

static void test_value__text_must_be_utf8(void **state)
{
    struct crm *crm = *state;
    /* Every field refuses text that is not UTF-8, naming the field. */
    static const char *const fields[] = {
        "name", "note",   "bio",   "score", "price", "active",
        "born", "met_at", "email", "phone", "site",  "level",
        "labels", "org",  "stars",
    };
    static const char *const bad[] = { "bad \xff byte", "\xc3",
                                       "a\xed\xa0\x80" };
    for (size_t i = 0; i < sizeof(fields) / sizeof(*fields); i++) {
        for (size_t k = 0; k < sizeof(bad) / sizeof(*bad); k++) {
            struct kith_err err = KITH_ERR_INIT;
            struct jv *v = jv_object();
            jv_set_take(v, "name", jv_string("x"));
            jv_set_take(v, fields[i], jv_string(bad[k]));
            assert_int_equal(
                crm_create(crm, CRM_ACTOR_USER, "things", v, NULL, &err),
                KITH_EINVAL);
            char want[64];
            snprintf(want, sizeof(want), "%s: text is not valid UTF-8",
                     fields[i]);
            assert_contains(err.msg, want);
            jv_free(v);
        }
    }
    /* An item of a multi_select array is checked too. */
    struct kith_err err = KITH_ERR_INIT;
    struct jv *v = jv_object(), *arr = jv_array();
    jv_set_take(v, "name", jv_string("x"));
    jv_push_take(arr, jv_string("red"));
    jv_push_take(arr, jv_string("gr\xff" "en"));
    jv_set_take(v, "labels", arr);
    assert_int_equal(crm_create(crm, CRM_ACTOR_USER, "things", v, NULL, &err),
                     KITH_EINVAL);
    assert_contains(err.msg, "labels: text is not valid UTF-8");
    jv_free(v);

    /* A NUL byte inside a value is refused too. */
    v = jv_object();
    jv_set_take(v, "name", jv_string("x"));
    jv_set_take(v, "note", jv_stringn("a\0b", 3));
    assert_int_equal(crm_create(crm, CRM_ACTOR_USER, "things", v, NULL, &err),
                     KITH_EINVAL);
    assert_contains(err.msg, "note: ");
    jv_free(v);
    assert_int_equal(count_things(crm), 0);
}

static void test_value__text_length_limits(void **state)
{
    struct crm *crm = *state;
    static const struct {
        const char *field;
        size_t max;
    } limits[] = { { "note", 64 * 1024 }, { "bio", 1024 * 1024 } };
    for (size_t i = 0; i < sizeof(limits) / sizeof(*limits); i++) {
        size_t max = limits[i].max;
        char *s = malloc(max + 2);
        memset(s, 'x', max + 1);
        s[max + 1] = '\0';
        struct kith_err err = KITH_ERR_INIT;
        struct jv *v = jv_object();
        jv_set_take(v, "name", jv_string("long"));
        jv_set_take(v, limits[i].field, jv_stringn(s, max));
        int64_t id = 0;
        assert_int_equal(
            crm_create(crm, CRM_ACTOR_USER, "things", v, &id, &err), KITH_OK);
        jv_set_take(v, limits[i].field, jv_stringn(s, max + 1));
        assert_int_equal(
            crm_create(crm, CRM_ACTOR_USER, "things", v, NULL, &err),
            KITH_EINVAL);
        char want[80];
        snprintf(want, sizeof(want), "%s: text is longer than %zu bytes",
                 limits[i].field, max);
        assert_contains(err.msg, want);
        jv_free(v);
        free(s);

        struct jv *e = NULL;
        assert_int_equal(crm_get(crm, "things", id, &e, NULL), KITH_OK);
        assert_int_equal(jv_strlen(jv_get(e, limits[i].field)), max);
        jv_free(e);
    }
}

static void test_value__long_bad_values_are_shortened(void **state)
{
    struct crm *crm = *state;
    /* A message shows at most 60 bytes of the value, cut on a character. */
    struct buf b = BUF_INIT;
    buf_appends(&b, "x");
    for (int i = 0; i < 100; i++)
        buf_appends(&b, "\xc3\xa9"); /* é */
    struct kith_err err = KITH_ERR_INIT;
    struct jv *v = jv_object();
    jv_set_take(v, "name", jv_string("x"));
    jv_set_take(v, "email", jv_string(b.buf));
    assert_int_equal(crm_create(crm, CRM_ACTOR_USER, "things", v, NULL, &err),
                     KITH_EINVAL);
    assert_contains(err.msg, "email: 'x\xc3\xa9");
    assert_contains(err.msg, "...' is not an email address");
    assert_true(strlen(err.msg) < 120);
    char *quote = strchr(err.msg, '\'');
    char *end = strstr(err.msg, "...'");
    assert_non_null(quote);
    assert_non_null(end);
    /* What is shown between the quotes is valid UTF-8. */
    struct jv *shown = jv_stringn(quote + 1, (size_t)(end - quote - 1));
    char *dump = jv_dump(shown);
    struct jv *back = jv_parse(dump, strlen(dump), NULL);
    assert_non_null(back); /* jansson refuses invalid UTF-8 */
    jv_free(back);
    free(dump);
    jv_free(shown);
    jv_free(v);
    buf_release(&b);
}

static void test_value__null_and_empty_clear(void **state)
{
    struct crm *crm = *state;
    int64_t id = make(crm, "things",
                      "{\"name\": \"full\", \"note\": \"n\", \"score\": 1, "
                      "\"active\": true, \"labels\": [\"red\"], "
                      "\"org\": 1, \"stars\": 2, \"email\": \"a@b.co\"}");
    assert_true(id > 0);
    struct jv *v = unit_json("{\"note\": null, \"score\": \"\", "
                             "\"active\": null, \"labels\": [], "
                             "\"org\": \"\", \"stars\": null, "
                             "\"email\": \"   \"}");
    struct kith_err err = KITH_ERR_INIT;
    assert_int_equal(crm_update(crm, CRM_ACTOR_USER, "things", id, v, &err),
                     KITH_OK);
    jv_free(v);
    struct jv *e = NULL;
    assert_int_equal(crm_get(crm, "things", id, &e, &err), KITH_OK);
    static const char *const cleared[] = { "note",  "score", "active",
                                           "labels", "org",  "stars",
                                           "email" };
    for (size_t i = 0; i < sizeof(cleared) / sizeof(*cleared); i++) {
        if (jv_type(jv_get(e, cleared[i])) != JV_NULL)
            fail_msg("%s was not cleared", cleared[i]);
        assert_non_null(jv_get(e, cleared[i])); /* present, as null */
    }
    assert_string_equal(jv_str(jv_get(e, "name")), "full");
    jv_free(e);
}

static void test_value__relation_to_a_deleted_entry(void **state)
{
    struct crm *crm = *state;
    int64_t gone = make(crm, "companies", "{\"name\": \"Gone Ltd\"}");
    assert_true(gone > 0);
    assert_int_equal(crm_delete(crm, CRM_ACTOR_USER, "companies", gone, NULL),
                     KITH_OK);
    struct kith_err err = KITH_ERR_INIT;
    struct jv *v = values_with("org", "\"Gone Ltd\"");
    assert_int_equal(crm_create(crm, CRM_ACTOR_USER, "things", v, NULL, &err),
                     KITH_EINVAL);
    assert_contains(err.msg, "org: no companies entry is named 'Gone Ltd'");
    jv_free(v);
    v = jv_object();
    jv_set_take(v, "name", jv_string("t"));
    jv_set_take(v, "org", jv_integer(gone));
    assert_int_equal(crm_create(crm, CRM_ACTOR_USER, "things", v, NULL, &err),
                     KITH_EINVAL);
    assert_contains(err.msg, "org: there is no companies entry #");
    jv_free(v);
}

static void test_value__relation_label_follows_a_rename(void **state)
{
    struct crm *crm = *state;
    int64_t id = make(crm, "things", "{\"name\": \"t\", \"org\": 1}");
    assert_true(id > 0);
    struct jv *v = unit_json("{\"name\": \"Acme Corporation\"}");
    assert_int_equal(crm_update(crm, CRM_ACTOR_USER, "companies", 1, v, NULL),
                     KITH_OK);
    jv_free(v);
    char *s = stored(crm, id, "org");
    struct jv *got = unit_json(s);
    assert_json(got, "{\"id\": 1, \"label\": \"Acme Corporation\"}");
    jv_free(got);
    free(s);
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_value__create_each_type),
        T(test_value__update_each_type),
        T(test_value__stored_forms_in_sql),
        T(test_value__unknown_field_suggests),
        T(test_value__fields_by_display_name),
        T(test_value__field_given_twice),
        T(test_value__values_must_be_an_object),
        T(test_value__text_must_be_utf8),
        T(test_value__text_length_limits),
        T(test_value__long_bad_values_are_shortened),
        T(test_value__null_and_empty_clear),
        T(test_value__relation_to_a_deleted_entry),
        T(test_value__relation_label_follows_a_rename),
    };
#undef T
    return cmocka_run_group_tests(tests, NULL, NULL);
}
