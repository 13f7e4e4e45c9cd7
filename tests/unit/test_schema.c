/*
 * test_schema: objects and fields (crm/schema.c) on an in-memory workspace.
 *
 * The default objects must be exactly the ones DESIGN lists, with their
 * label fields, as real tables and typed columns that plain SQL can read,
 * with indexes on the columns that are filtered and sorted most. Adding,
 * renaming and removing objects and fields must keep the metadata, the
 * tables and the cache in step, refuse what would break them (reserved or
 * colliding names, the label field, removal without force) with a message,
 * and take with a removed object the relation fields that point at it.
 */
#include "unit.h"

#include <unistd.h>

#include "base/buf.h"
#include "crm/crm.h"
#include "db/db.h"

/* ---- fixture and helpers ---- */

static int setup(void **state)
{
    struct crm *crm = NULL;
    struct kith_err err = KITH_ERR_INIT;
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
    return 0;
}

/* Does sql prepare (so its tables and columns exist)? */
static bool prepares(struct crm *crm, const char *sql)
{
    struct db_stmt *st = NULL;
    int rc = db_prepare(crm_db(crm), sql, &st, NULL);
    db_finalize(st);
    return rc == KITH_OK;
}

/* The first column of the first row of sql with up to two text params. */
static int64_t query_int2(struct crm *crm, const char *sql, const char *p1,
                          const char *p2)
{
    struct db_stmt *st = NULL;
    struct kith_err err = KITH_ERR_INIT;
    if (db_prepare(crm_db(crm), sql, &st, &err) < 0)
        fail_msg("%s: %s", sql, err.msg);
    if (p1)
        db_bind_str(st, 1, p1);
    if (p2)
        db_bind_str(st, 2, p2);
    int64_t v = db_step(st, &err) == DB_ROW ? db_col_int(st, 0) : -1;
    db_finalize(st);
    return v;
}

/*
 * Is col a real column of table? (Asked of the schema: SQLite reads an
 * unknown "quoted" name in a SELECT as a string, so preparing one proves
 * nothing.)
 */
static bool has_column(struct crm *crm, const char *table, const char *col)
{
    return query_int2(crm,
                      "SELECT count(*) FROM pragma_table_info(?1) WHERE "
                      "name = ?2",
                      table, col) == 1;
}

static int64_t query_int(struct crm *crm, const char *sql, const char *param)
{
    return query_int2(crm, sql, param, NULL);
}

static bool has_index(struct crm *crm, const char *name)
{
    return query_int(crm,
                     "SELECT count(*) FROM sqlite_master WHERE type = "
                     "'index' AND name = ?1",
                     name) == 1;
}

static bool has_table(struct crm *crm, const char *name)
{
    return query_int(crm,
                     "SELECT count(*) FROM sqlite_master WHERE type = "
                     "'table' AND name = ?1",
                     name) == 1;
}

static int64_t field_rows(struct crm *crm, const char *object)
{
    return query_int(crm,
                     "SELECT count(*) FROM kith_fields f JOIN kith_objects o "
                     "ON o.id = f.object_id WHERE o.slug = ?1",
                     object);
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

/* "slug:type" or "slug:relation:target" for a field. */
static void describe(const struct crm_field *f, struct buf *out)
{
    buf_reset(out);
    buf_appendf(out, "%s:%s", f->slug, crm_type_name(f->type));
    if (f->type == CRM_RELATION)
        buf_appendf(out, ":%s", f->target ? f->target->slug : "(none)");
}

static bool indexed_type(enum crm_type t)
{
    return t == CRM_SELECT || t == CRM_RELATION || t == CRM_EMAIL ||
           t == CRM_DATE || t == CRM_DATETIME;
}

/* ---- the default objects of DESIGN ---- */

static const struct {
    const char *slug, *name, *label;
    const char *fields[10];
} seed[] = {
    { "companies", "Companies", "name",
      { "name:text", "domain:text", "industry:select", "employees:number",
        "city:text", "tags:multi_select" } },
    { "people", "People", "name",
      { "name:text", "email:email", "phone:phone",
        "company:relation:companies", "title:text", "status:select",
        "tags:multi_select", "linkedin:url", "last_contacted:date" } },
    { "deals", "Deals", "name",
      { "name:text", "company:relation:companies",
        "contact:relation:people", "amount:currency", "stage:select",
        "close_date:date", "probability:number" } },
    { "tasks", "Tasks", "title",
      { "title:text", "due:date", "done:boolean", "person:relation:people",
        "deal:relation:deals" } },
};
#define NSEED (sizeof(seed) / sizeof(*seed))

static void test_schema__seed_objects_and_fields(void **state)
{
    struct crm *crm = *state;
    struct buf d = BUF_INIT;
    assert_int_equal(crm_object_count(crm), NSEED);
    for (size_t i = 0; i < NSEED; i++) {
        const struct crm_object *o = crm_object_at(crm, i);
        assert_non_null(o);
        assert_string_equal(o->slug, seed[i].slug);
        assert_string_equal(o->name, seed[i].name);
        assert_string_equal(o->label, seed[i].label);
        const struct crm_field *label = crm_label_field(o);
        assert_non_null(label);
        assert_string_equal(label->slug, seed[i].label);
        assert_int_equal(label->type, CRM_TEXT);
        size_t n = 0;
        while (n < 10 && seed[i].fields[n])
            n++;
        assert_int_equal(o->nfields, n);
        for (size_t j = 0; j < n; j++) {
            describe(&o->fields[j], &d);
            if (strcmp(d.buf, seed[i].fields[j]))
                fail_msg("%s field %zu is %s, want %s", o->slug, j, d.buf,
                         seed[i].fields[j]);
            if (j)
                assert_true(o->fields[j].position >
                            o->fields[j - 1].position);
        }
    }
    assert_null(crm_object_at(crm, NSEED));
    buf_release(&d);
}

static void test_schema__seed_select_options(void **state)
{
    struct crm *crm = *state;
    static const struct {
        const char *object, *field;
        const char *options[8];
    } want[] = {
        { "people", "status",
          { "Lead", "Contacted", "Qualified", "Customer", "Churned" } },
        { "deals", "stage",
          { "Lead", "Qualified", "Proposal", "Negotiation", "Closed Won",
            "Closed Lost" } },
    };
    for (size_t i = 0; i < sizeof(want) / sizeof(*want); i++) {
        const struct crm_field *f =
            crm_field_find(crm_object_find(crm, want[i].object),
                           want[i].field);
        assert_non_null(f);
        size_t n = 0;
        while (n < 8 && want[i].options[n])
            n++;
        assert_int_equal(f->noptions, n);
        for (size_t j = 0; j < n; j++)
            assert_string_equal(f->options[j], want[i].options[j]);
    }
    /* Tags and industries have options of their own. */
    assert_true(crm_field_find(crm_object_find(crm, "people"), "tags")
                    ->noptions > 0);
    assert_true(crm_field_find(crm_object_find(crm, "companies"), "industry")
                    ->noptions > 0);
}

static void test_schema__seed_tables_are_plain_sql(void **state)
{
    struct crm *crm = *state;
    struct buf sql = BUF_INIT;
    for (size_t i = 0; i < NSEED; i++) {
        buf_reset(&sql);
        buf_appends(&sql, "SELECT id, created_at, updated_at");
        for (size_t j = 0; j < 10 && seed[i].fields[j]; j++) {
            const char *f = seed[i].fields[j];
            buf_appendf(&sql, ", %.*s", (int)strcspn(f, ":"), f);
        }
        buf_appendf(&sql, " FROM %s", seed[i].slug);
        if (!prepares(crm, sql.buf))
            fail_msg("does not prepare: %s", sql.buf);
    }
    buf_release(&sql);
    assert_true(prepares(crm, "select name, email from people"));
    assert_false(prepares(crm, "select nickname from people"));

    /* The example of DESIGN works on what kith wrote. */
    make(crm, "people", "{\"name\": \"Ann Lee\", \"status\": \"lead\"}");
    make(crm, "people", "{\"name\": \"Bo\", \"status\": \"Customer\"}");
    assert_int_equal(query_int(crm,
                               "select count(*) from people where status = "
                               "?1",
                               "Lead"),
                     1);
    /* Text columns compare without case, as a user expects. */
    assert_int_equal(query_int(crm,
                               "select count(*) from people where name = ?1",
                               "ann lee"),
                     1);
}

static void test_schema__seed_indexes(void **state)
{
    struct crm *crm = *state;
    struct buf name = BUF_INIT;
    for (size_t i = 0; i < crm_object_count(crm); i++) {
        const struct crm_object *o = crm_object_at(crm, i);
        buf_reset(&name);
        buf_appendf(&name, "%s__updated_at", o->slug);
        if (!has_index(crm, name.buf))
            fail_msg("no index %s", name.buf);
        for (size_t j = 0; j < o->nfields; j++) {
            const struct crm_field *f = &o->fields[j];
            buf_reset(&name);
            buf_appendf(&name, "%s__%s", o->slug, f->slug);
            bool want = indexed_type(f->type) || !strcmp(f->slug, o->label);
            if (has_index(crm, name.buf) != want)
                fail_msg("index %s: %s", name.buf,
                         want ? "missing" : "not expected");
        }
    }
    buf_release(&name);
    assert_true(has_index(crm, "people__email"));
    assert_true(has_index(crm, "people__company"));
    assert_true(has_index(crm, "deals__stage"));
    assert_true(has_index(crm, "tasks__title"));
    assert_false(has_index(crm, "companies__domain"));
}

static void test_schema__seed_metadata_rows(void **state)
{
    struct crm *crm = *state;
    assert_int_equal(query_int(crm, "select count(*) from kith_objects", NULL),
                     4);
    assert_int_equal(field_rows(crm, "people"), 9);
    /* Types are stored by their lowercase names, as DESIGN spells them. */
    static const char *const names[] = { "text",  "email", "phone",
                                         "relation", "select",
                                         "multi_select", "url", "date" };
    for (size_t i = 0; i < sizeof(names) / sizeof(*names); i++)
        if (query_int(crm,
                      "select count(*) from kith_fields f join kith_objects "
                      "o on o.id = f.object_id where o.slug = 'people' and "
                      "f.type = ?1",
                      names[i]) < 1)
            fail_msg("no people field of stored type '%s'", names[i]);
    assert_int_equal(query_int(crm,
                               "select count(*) from kith_fields where type "
                               "<> lower(type)",
                               NULL),
                     0);
}

static void test_schema__seed_twice_is_refused(void **state)
{
    struct crm *crm = *state;
    struct kith_err err = KITH_ERR_INIT;
    assert_int_equal(crm_seed_defaults(crm, &err), KITH_ECONFLICT);
    assert_contains(err.msg, "already exists");
    assert_int_equal(crm_object_count(crm), NSEED);
    assert_int_equal(crm_object_find(crm, "people")->nfields, 9);
    assert_int_equal(query_int(crm, "select count(*) from kith_fields", NULL),
                     field_rows(crm, "companies") + field_rows(crm, "people") +
                         field_rows(crm, "deals") + field_rows(crm, "tasks"));
}

/* ---- types ---- */

static void test_schema__type_names(void **state)
{
    (void)state;
    static const struct {
        enum crm_type type;
        const char *name;
    } types[] = {
        { CRM_TEXT, "text" },         { CRM_LONG_TEXT, "long_text" },
        { CRM_NUMBER, "number" },     { CRM_CURRENCY, "currency" },
        { CRM_BOOLEAN, "boolean" },   { CRM_DATE, "date" },
        { CRM_DATETIME, "datetime" }, { CRM_EMAIL, "email" },
        { CRM_PHONE, "phone" },       { CRM_URL, "url" },
        { CRM_SELECT, "select" },     { CRM_MULTI_SELECT, "multi_select" },
        { CRM_RELATION, "relation" }, { CRM_RATING, "rating" },
    };
    for (size_t i = 0; i < sizeof(types) / sizeof(*types); i++) {
        assert_string_equal(crm_type_name(types[i].type), types[i].name);
        enum crm_type t = CRM_RATING;
        assert_int_equal(crm_type_parse(types[i].name, &t, NULL), KITH_OK);
        assert_int_equal(t, types[i].type);
        char upper[32];
        size_t k = 0;
        for (; types[i].name[k] && k + 1 < sizeof(upper); k++)
            upper[k] = (char)(types[i].name[k] >= 'a' && types[i].name[k] <= 'z'
                                  ? types[i].name[k] - 32
                                  : types[i].name[k]);
        upper[k] = '\0';
        assert_int_equal(crm_type_parse(upper, &t, NULL), KITH_OK);
        assert_int_equal(t, types[i].type);
    }
    assert_string_equal(crm_type_name((enum crm_type)99), "unknown");
}

static void test_schema__unknown_type(void **state)
{
    (void)state;
    static const struct {
        const char *in, *msg;
    } cases[] = {
        { "nubmer", "unknown field type 'nubmer'; did you mean 'number'?" },
        { "emial", "unknown field type 'emial'; did you mean 'email'?" },
        { "foo", "unknown field type 'foo'; types are: text, long_text, "
                 "number, currency, boolean, date, datetime, email, phone, "
                 "url, select, multi_select, relation, rating" },
        { "", "unknown field type ''" },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
        struct kith_err err = KITH_ERR_INIT;
        enum crm_type t;
        assert_int_equal(crm_type_parse(cases[i].in, &t, &err), KITH_EINVAL);
        assert_contains(err.msg, cases[i].msg);
    }
}

/* ---- lookups ---- */

static void test_schema__find_objects_and_fields(void **state)
{
    struct crm *crm = *state;
    static const char *const people[] = { "people", "People", "PEOPLE" };
    for (size_t i = 0; i < 3; i++)
        assert_string_equal(crm_object_find(crm, people[i])->slug, "people");
    assert_null(crm_object_find(crm, "persons"));

    struct kith_err err = KITH_ERR_INIT;
    const struct crm_object *o = NULL;
    assert_int_equal(crm_object_get(crm, "peple", &o, &err), KITH_ENOTFOUND);
    assert_null(o);
    assert_contains(err.msg, "unknown object 'peple'; did you mean 'people'?");
    assert_int_equal(crm_object_get(crm, "zebras", &o, &err), KITH_ENOTFOUND);
    assert_contains(err.msg, "unknown object 'zebras' (see: kith objects)");

    o = crm_object_find(crm, "people");
    static const char *const lc[] = { "last_contacted", "Last contacted",
                                      "LAST CONTACTED", "LAST_CONTACTED" };
    for (size_t i = 0; i < 4; i++)
        assert_string_equal(crm_field_find(o, lc[i])->slug, "last_contacted");
    const struct crm_field *f = NULL;
    assert_int_equal(crm_field_get(o, "stauts", &f, &err), KITH_EINVAL);
    assert_null(f);
    assert_contains(err.msg,
                    "people has no field 'stauts'; did you mean 'status'?");
}

/* ---- objects ---- */

static void test_schema__object_add(void **state)
{
    struct crm *crm = *state;
    struct kith_err err = KITH_ERR_INIT;
    assert_int_equal(crm_object_add(crm, "Investors", &err), KITH_OK);
    assert_int_equal(crm_object_add(crm, "Board Members", &err), KITH_OK);
    assert_int_equal(crm_object_count(crm), NSEED + 2);

    const struct crm_object *o = crm_object_find(crm, "investors");
    assert_non_null(o);
    assert_string_equal(o->name, "Investors");
    assert_string_equal(o->label, "name");
    assert_int_equal(o->nfields, 1);
    assert_string_equal(o->fields[0].slug, "name");
    assert_string_equal(o->fields[0].name, "Name");
    assert_int_equal(o->fields[0].type, CRM_TEXT);
    assert_ptr_equal(crm_label_field(o), &o->fields[0]);
    assert_string_equal(crm_object_find(crm, "Board Members")->slug,
                        "board_members");

    assert_true(has_table(crm, "investors"));
    assert_true(prepares(crm, "select id, created_at, updated_at, name "
                              "from investors"));
    assert_true(has_index(crm, "investors__name"));
    assert_true(has_index(crm, "investors__updated_at"));

    int64_t id = make(crm, "investors", "{\"name\": \"Seed Fund\"}");
    assert_int_equal(id, 1);
    struct jv *e = NULL;
    assert_int_equal(crm_get(crm, "Investors", id, &e, &err), KITH_OK);
    assert_string_equal(jv_str(jv_get(e, "name")), "Seed Fund");
    jv_free(e);
}

static void test_schema__object_add_refusals(void **state)
{
    struct crm *crm = *state;
    assert_int_equal(crm_object_add(crm, "Investors", NULL), KITH_OK);
    static const struct {
        const char *name;
        int rc;
        const char *msg;
    } cases[] = {
        { "Investors", KITH_ECONFLICT, "an object 'investors' already exists" },
        { "investors", KITH_ECONFLICT, "already exists" },
        { "INVESTORS!", KITH_ECONFLICT, "already exists" },
        { "People", KITH_ECONFLICT, "an object 'people' already exists" },
        { "kith_changes", KITH_EINVAL, "is a reserved name" },
        { "Kith Notes", KITH_EINVAL, "is a reserved name" },
        { "sqlite_master", KITH_EINVAL, "is a reserved name" },
        { "!!!", KITH_EINVAL, "needs at least one letter or digit" },
        { "", KITH_EINVAL, "needs at least one letter or digit" },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
        struct kith_err err = KITH_ERR_INIT;
        int rc = crm_object_add(crm, cases[i].name, &err);
        if (rc != cases[i].rc)
            fail_msg("add '%s': rc %d (%s)", cases[i].name, rc, err.msg);
        assert_contains(err.msg, cases[i].msg);
    }
    assert_int_equal(crm_object_count(crm), NSEED + 1);
    assert_int_equal(query_int(crm, "select count(*) from kith_objects", NULL),
                     NSEED + 1);
}

static void test_schema__object_rename(void **state)
{
    struct crm *crm = *state;
    struct kith_err err = KITH_ERR_INIT;
    assert_int_equal(crm_object_add(crm, "Investors", &err), KITH_OK);
    int64_t id = make(crm, "investors", "{\"name\": \"Seed Fund\"}");

    assert_int_equal(crm_object_rename(crm, "investors", "Backers", &err),
                     KITH_OK);
    const struct crm_object *o = crm_object_find(crm, "Backers");
    assert_non_null(o);
    assert_string_equal(o->slug, "investors"); /* the table keeps its name */
    assert_string_equal(o->name, "Backers");
    assert_ptr_equal(crm_object_find(crm, "investors"), o);
    assert_true(has_table(crm, "investors"));
    assert_int_equal(query_int(crm,
                               "select count(*) from kith_objects where "
                               "name = ?1",
                               "Backers"),
                     1);
    struct jv *e = NULL;
    assert_int_equal(crm_get(crm, "Backers", id, &e, &err), KITH_OK);
    assert_string_equal(jv_str(jv_get(e, "name")), "Seed Fund");
    jv_free(e);

    /* Back to its own name is fine; another object's name is not. */
    assert_int_equal(crm_object_rename(crm, "Backers", "Investors", &err),
                     KITH_OK);
    assert_int_equal(crm_object_rename(crm, "investors", "People", &err),
                     KITH_ECONFLICT);
    assert_contains(err.msg, "an object 'People' already exists");
    assert_int_equal(crm_object_rename(crm, "investors", "deals", &err),
                     KITH_ECONFLICT);
    assert_int_equal(crm_object_rename(crm, "investors", "!!!", &err),
                     KITH_EINVAL);
    assert_contains(err.msg, "needs at least one letter or digit");
    assert_int_equal(crm_object_rename(crm, "investrs", "X", &err),
                     KITH_ENOTFOUND);
    assert_contains(err.msg, "did you mean 'investors'?");
    assert_string_equal(crm_object_find(crm, "investors")->name, "Investors");
}

static void test_schema__object_remove_needs_force(void **state)
{
    struct crm *crm = *state;
    struct kith_err err = KITH_ERR_INIT;
    assert_int_equal(crm_object_add(crm, "Investors", &err), KITH_OK);
    make(crm, "investors", "{\"name\": \"Seed Fund\"}");

    assert_int_equal(crm_object_remove(crm, "investors", false, &err),
                     KITH_EUSAGE);
    assert_contains(err.msg, "--force");
    assert_contains(err.msg, "investors");
    assert_non_null(crm_object_find(crm, "investors"));
    assert_int_equal(query_int(crm, "select count(*) from investors", NULL), 1);

    assert_int_equal(crm_object_remove(crm, "Investors", true, &err), KITH_OK);
    assert_null(crm_object_find(crm, "investors"));
    assert_int_equal(crm_object_count(crm), NSEED);
    assert_false(has_table(crm, "investors"));
    assert_false(has_index(crm, "investors__name"));
    assert_false(has_index(crm, "investors__updated_at"));
    assert_int_equal(field_rows(crm, "investors"), 0);
    assert_int_equal(query_int(crm,
                               "select count(*) from kith_fields where "
                               "object_id not in (select id from "
                               "kith_objects)",
                               NULL),
                     0);
    struct jv *e = NULL;
    assert_int_equal(crm_get(crm, "investors", 1, &e, &err), KITH_ENOTFOUND);
    assert_int_equal(crm_object_remove(crm, "investors", true, &err),
                     KITH_ENOTFOUND);

    /* The name is free again, and the new object starts empty. */
    assert_int_equal(crm_object_add(crm, "Investors", &err), KITH_OK);
    assert_int_equal(query_int(crm, "select count(*) from investors", NULL), 0);
}

static void test_schema__object_remove_drops_relations_to_it(void **state)
{
    struct crm *crm = *state;
    struct kith_err err = KITH_ERR_INIT;
    int64_t acme = make(crm, "companies", "{\"name\": \"Acme\"}");
    make(crm, "people", "{\"name\": \"Ann\", \"company\": \"Acme\"}");
    make(crm, "deals", "{\"name\": \"Big\", \"company\": 1}");
    assert_int_equal(acme, 1);

    assert_int_equal(crm_object_remove(crm, "companies", true, &err), KITH_OK);
    assert_null(crm_object_find(crm, "companies"));

    const struct crm_object *people = crm_object_find(crm, "people");
    const struct crm_object *deals = crm_object_find(crm, "deals");
    assert_null(crm_field_find(people, "company"));
    assert_null(crm_field_find(deals, "company"));
    assert_int_equal(people->nfields, 8);
    assert_int_equal(deals->nfields, 6);
    assert_false(has_column(crm, "people", "company"));
    assert_false(has_column(crm, "deals", "company"));
    assert_false(has_index(crm, "people__company"));
    assert_false(has_index(crm, "deals__company"));
    assert_int_equal(query_int(crm,
                               "select count(*) from kith_fields where "
                               "target_id not in (select id from "
                               "kith_objects)",
                               NULL),
                     0);
    /* Other relations are untouched. */
    assert_non_null(crm_field_find(deals, "contact"));
    assert_true(has_index(crm, "deals__contact"));

    /* The rest still works: read, create, and SQL. */
    struct jv *e = NULL;
    assert_int_equal(crm_get(crm, "people", 1, &e, &err), KITH_OK);
    assert_string_equal(jv_str(jv_get(e, "name")), "Ann");
    assert_null(jv_get(e, "company"));
    jv_free(e);
    make(crm, "deals", "{\"name\": \"Next\", \"contact\": \"Ann\"}");
    assert_true(prepares(crm, "select name, email from people"));
    assert_int_equal(db_integrity_check(crm_db(crm), &err), KITH_OK);
}

/* ---- fields ---- */

static void test_schema__field_add(void **state)
{
    struct crm *crm = *state;
    static const char *const prio[] = { "P1", "P2", "P3" };
    static const struct {
        const char *object;
        struct crm_field_spec spec;
        const char *slug;
        bool index;
    } cases[] = {
        { "people", { "Nickname", CRM_TEXT, NULL, 0, NULL }, "nickname",
          false },
        { "people", { "Birthday", CRM_DATE, NULL, 0, NULL }, "birthday",
          true },
        { "people", { "Referred by", CRM_RELATION, NULL, 0, "People" },
          "referred_by", true },
        { "deals", { "Priority", CRM_SELECT, prio, 3, NULL }, "priority",
          true },
        { "deals", { "Tags", CRM_MULTI_SELECT, prio, 3, NULL }, "tags",
          false },
        { "companies", { "Founded at", CRM_DATETIME, NULL, 0, NULL },
          "founded_at", true },
        { "companies", { "Rating", CRM_RATING, NULL, 0, NULL }, "rating",
          false },
        { "companies", { "Notes", CRM_LONG_TEXT, NULL, 0, NULL }, "notes",
          false },
    };
    int64_t ann = make(crm, "people", "{\"name\": \"Ann\"}");
    for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
        struct kith_err err = KITH_ERR_INIT;
        size_t before = crm_object_find(crm, cases[i].object)->nfields;
        if (crm_field_add(crm, cases[i].object, &cases[i].spec, &err) < 0)
            fail_msg("add %s.%s: %s", cases[i].object, cases[i].spec.name,
                     err.msg);
        const struct crm_object *o = crm_object_find(crm, cases[i].object);
        assert_int_equal(o->nfields, before + 1);
        const struct crm_field *f = &o->fields[o->nfields - 1];
        assert_string_equal(f->slug, cases[i].slug);
        assert_string_equal(f->name, cases[i].spec.name);
        assert_int_equal(f->type, cases[i].spec.type);
        assert_int_equal(f->noptions, cases[i].spec.noptions);
        assert_true(has_column(crm, o->slug, f->slug));
        char idx[128];
        snprintf(idx, sizeof(idx), "%s__%s", o->slug, f->slug);
        assert_int_equal(has_index(crm, idx), cases[i].index);
    }
    const struct crm_field *ref =
        crm_field_find(crm_object_find(crm, "people"), "referred_by");
    assert_ptr_equal(ref->target, crm_object_find(crm, "people"));

    /* Old entries have the new fields, empty; new values validate. */
    struct jv *e = NULL;
    assert_int_equal(crm_get(crm, "people", ann, &e, NULL), KITH_OK);
    assert_non_null(jv_get(e, "nickname"));
    assert_int_equal(jv_type(jv_get(e, "nickname")), JV_NULL);
    jv_free(e);
    int64_t bo = make(crm, "people",
                      "{\"name\": \"Bo\", \"referred_by\": \"Ann\", "
                      "\"birthday\": \"1990-05-17\"}");
    assert_int_equal(crm_get(crm, "people", bo, &e, NULL), KITH_OK);
    assert_json(jv_get(e, "referred_by"), "{\"id\": 1, \"label\": \"Ann\"}");
    jv_free(e);
    struct kith_err err = KITH_ERR_INIT;
    struct jv *v = unit_json("{\"name\": \"X\", \"priority\": \"P9\"}");
    assert_int_equal(crm_create(crm, CRM_ACTOR_USER, "deals", v, NULL, &err),
                     KITH_EINVAL);
    assert_contains(err.msg, "priority: 'P9' is not one of P1, P2, P3");
    jv_free(v);
}

static void test_schema__field_add_refusals(void **state)
{
    struct crm *crm = *state;
    static const char *const ab[] = { "a", "b" };
    static const char *const dup[] = { "a", "A" };
    static const char *const empty[] = { "a", "" };
    static const struct {
        const char *object;
        struct crm_field_spec spec;
        int rc;
        const char *msg;
    } cases[] = {
        { "people", { "id", CRM_TEXT, NULL, 0, NULL }, KITH_EINVAL,
          "'id' is a reserved name" },
        { "people", { "ID", CRM_NUMBER, NULL, 0, NULL }, KITH_EINVAL,
          "'ID' is a reserved name" },
        { "people", { "created_at", CRM_DATE, NULL, 0, NULL }, KITH_EINVAL,
          "reserved" },
        { "people", { "Updated At", CRM_DATE, NULL, 0, NULL }, KITH_EINVAL,
          "reserved" },
        { "people", { "rowid", CRM_TEXT, NULL, 0, NULL }, KITH_EINVAL,
          "reserved" },
        { "people", { "And", CRM_TEXT, NULL, 0, NULL }, KITH_EINVAL,
          "reserved" },
        { "people", { "today", CRM_DATE, NULL, 0, NULL }, KITH_EINVAL,
          "reserved" },
        { "people", { "Email", CRM_EMAIL, NULL, 0, NULL }, KITH_ECONFLICT,
          "people already has a field 'email'" },
        { "people", { "EMAIL!", CRM_TEXT, NULL, 0, NULL }, KITH_ECONFLICT,
          "people already has a field 'email'" },
        { "people", { "Last-Contacted", CRM_DATE, NULL, 0, NULL },
          KITH_ECONFLICT, "people already has a field 'last_contacted'" },
        { "people", { "name", CRM_TEXT, NULL, 0, NULL }, KITH_ECONFLICT,
          "already has a field 'name'" },
        { "people", { "!!!", CRM_TEXT, NULL, 0, NULL }, KITH_EINVAL,
          "needs at least one letter or digit" },
        { "people", { "Level", CRM_SELECT, NULL, 0, NULL }, KITH_EINVAL,
          "a select field needs options" },
        { "people", { "Flags", CRM_MULTI_SELECT, NULL, 0, NULL },
          KITH_EINVAL, "a multi_select field needs options" },
        { "people", { "Nick", CRM_TEXT, ab, 2, NULL }, KITH_EINVAL,
          "only select and multi_select fields take options" },
        { "people", { "Level", CRM_SELECT, dup, 2, NULL }, KITH_EINVAL,
          "option 'A' is given twice" },
        { "people", { "Level", CRM_SELECT, empty, 2, NULL }, KITH_EINVAL,
          "option 2 is empty" },
        { "people", { "Boss", CRM_RELATION, NULL, 0, NULL }, KITH_EINVAL,
          "a relation field needs a target" },
        { "people", { "Fund", CRM_RELATION, NULL, 0, "investors" },
          KITH_ENOTFOUND, "unknown object 'investors'" },
        { "people", { "Nick", CRM_TEXT, NULL, 0, "people" }, KITH_EINVAL,
          "only relation fields take a target" },
        { "peeple", { "Nick", CRM_TEXT, NULL, 0, NULL }, KITH_ENOTFOUND,
          "did you mean 'people'?" },
    };
    const struct crm_object *o = crm_object_find(crm, "people");
    size_t nfields = o->nfields;
    for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
        struct kith_err err = KITH_ERR_INIT;
        int rc = crm_field_add(crm, cases[i].object, &cases[i].spec, &err);
        if (rc != cases[i].rc)
            fail_msg("add %s.%s: rc %d (%s)", cases[i].object,
                     cases[i].spec.name, rc, err.msg);
        assert_contains(err.msg, cases[i].msg);
    }
    o = crm_object_find(crm, "people");
    assert_int_equal(o->nfields, nfields);
    assert_int_equal(field_rows(crm, "people"), (int64_t)nfields);
    assert_false(has_column(crm, "people", "level"));
    assert_false(has_column(crm, "people", "nick"));
}

static void test_schema__field_rename(void **state)
{
    struct crm *crm = *state;
    struct kith_err err = KITH_ERR_INIT;
    int64_t id = make(crm, "people", "{\"name\": \"Ann\", \"title\": \"CTO\"}");

    assert_int_equal(crm_field_rename(crm, "people", "title", "Job title",
                                      &err),
                     KITH_OK);
    const struct crm_object *o = crm_object_find(crm, "people");
    const struct crm_field *f = crm_field_find(o, "Job title");
    assert_non_null(f);
    assert_string_equal(f->slug, "title"); /* the column keeps its name */
    assert_string_equal(f->name, "Job title");
    assert_ptr_equal(crm_field_find(o, "title"), f);
    assert_true(has_column(crm, "people", "title"));
    struct jv *e = NULL;
    assert_int_equal(crm_get(crm, "people", id, &e, &err), KITH_OK);
    assert_string_equal(jv_str(jv_get(e, "title")), "CTO");
    jv_free(e);
    struct jv *v = unit_json("{\"Job title\": \"CEO\"}");
    assert_int_equal(crm_update(crm, CRM_ACTOR_USER, "people", id, v, &err),
                     KITH_OK);
    jv_free(v);

    static const struct {
        const char *field, *to;
        int rc;
        const char *msg;
    } bad[] = {
        { "title", "Email", KITH_ECONFLICT,
          "people already has a field 'Email'" },
        { "title", "status", KITH_ECONFLICT, "already has a field" },
        { "title", "!!!", KITH_EINVAL, "needs at least one letter" },
        { "titel", "X", KITH_EINVAL,
          "people has no field 'titel'; did you mean 'title'?" },
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
        assert_int_equal(crm_field_rename(crm, "people", bad[i].field,
                                          bad[i].to, &err),
                         bad[i].rc);
        assert_contains(err.msg, bad[i].msg);
    }
    assert_int_equal(crm_field_rename(crm, "nobody", "title", "X", &err),
                     KITH_ENOTFOUND);
    /* Renaming to its own name, in another case, is fine. */
    assert_int_equal(crm_field_rename(crm, "people", "title", "JOB TITLE",
                                      &err),
                     KITH_OK);
    assert_string_equal(
        crm_field_find(crm_object_find(crm, "people"), "title")->name,
        "JOB TITLE");
}

static void test_schema__field_remove(void **state)
{
    struct crm *crm = *state;
    struct kith_err err = KITH_ERR_INIT;
    int64_t id = make(crm, "people",
                      "{\"name\": \"Ann\", \"phone\": \"555-0100\", "
                      "\"status\": \"Lead\"}");

    /* Without force nothing happens. */
    assert_int_equal(crm_field_remove(crm, "people", "phone", false, &err),
                     KITH_EUSAGE);
    assert_contains(err.msg, "--force");
    assert_contains(err.msg, "people.phone");
    assert_non_null(crm_field_find(crm_object_find(crm, "people"), "phone"));
    assert_true(has_column(crm, "people", "phone"));

    assert_int_equal(crm_field_remove(crm, "people", "Phone", true, &err),
                     KITH_OK);
    assert_int_equal(crm_field_remove(crm, "people", "status", true, &err),
                     KITH_OK);
    const struct crm_object *o = crm_object_find(crm, "people");
    assert_null(crm_field_find(o, "phone"));
    assert_null(crm_field_find(o, "status"));
    assert_int_equal(o->nfields, 7);
    assert_int_equal(field_rows(crm, "people"), 7);
    assert_false(has_column(crm, "people", "phone"));
    assert_false(has_column(crm, "people", "status"));
    assert_false(has_index(crm, "people__status"));

    struct jv *e = NULL;
    assert_int_equal(crm_get(crm, "people", id, &e, &err), KITH_OK);
    assert_null(jv_get(e, "phone"));
    assert_string_equal(jv_str(jv_get(e, "name")), "Ann");
    jv_free(e);
    struct jv *v = unit_json("{\"name\": \"Bo\", \"phone\": \"555\"}");
    assert_int_equal(crm_create(crm, CRM_ACTOR_USER, "people", v, NULL, &err),
                     KITH_EINVAL);
    assert_contains(err.msg, "people has no field 'phone'");
    jv_free(v);

    /* A removed field can be added again, empty. */
    struct crm_field_spec phone = { "Phone", CRM_PHONE, NULL, 0, NULL };
    assert_int_equal(crm_field_add(crm, "people", &phone, &err), KITH_OK);
    assert_int_equal(crm_get(crm, "people", id, &e, &err), KITH_OK);
    assert_int_equal(jv_type(jv_get(e, "phone")), JV_NULL);
    jv_free(e);
}

static void test_schema__label_field_cannot_be_removed(void **state)
{
    struct crm *crm = *state;
    static const struct {
        const char *object, *field;
    } labels[] = {
        { "people", "name" }, { "people", "Name" }, { "tasks", "title" },
        { "companies", "name" }, { "deals", "NAME" },
    };
    for (size_t i = 0; i < sizeof(labels) / sizeof(*labels); i++) {
        for (int force = 0; force < 2; force++) {
            struct kith_err err = KITH_ERR_INIT;
            assert_int_equal(crm_field_remove(crm, labels[i].object,
                                              labels[i].field, force, &err),
                             KITH_EINVAL);
            assert_contains(err.msg, "is the label of");
            assert_contains(err.msg, "cannot be removed");
        }
        const struct crm_object *o = crm_object_find(crm, labels[i].object);
        assert_non_null(crm_label_field(o));
    }
    assert_true(has_column(crm, "tasks", "title"));
    struct kith_err err = KITH_ERR_INIT;
    assert_int_equal(crm_field_remove(crm, "people", "nope", true, &err),
                     KITH_EINVAL);
    assert_contains(err.msg, "people has no field 'nope'");
}

/* A second connection (another server worker) sees schema changes. */
static void test_schema__refresh_sees_other_connections(void **state)
{
    (void)state;
    char path[] = "/tmp/kith-test-refresh-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    unlink(path);
    struct kith_err err = KITH_ERR_INIT;
    struct crm *a = NULL, *b = NULL;
    assert_int_equal(crm_open_db(path, &a, &err), KITH_OK);
    assert_int_equal(crm_seed_defaults(a, &err), KITH_OK);
    assert_int_equal(crm_open_db(path, &b, &err), KITH_OK);
    assert_int_equal(crm_refresh(b, &err), KITH_OK); /* nothing changed */
    assert_non_null(crm_object_find(b, "people"));
    assert_int_equal(crm_object_add(a, "Investors", &err), KITH_OK);
    struct crm_field_spec spec = { .name = "Score", .type = CRM_RATING };
    assert_int_equal(crm_field_add(a, "people", &spec, &err), KITH_OK);
    assert_null(crm_object_find(b, "investors")); /* b's cache is old */
    assert_int_equal(crm_refresh(b, &err), KITH_OK);
    assert_non_null(crm_object_find(b, "investors"));
    assert_non_null(crm_field_find(crm_object_find(b, "people"), "score"));
    struct jv *v = unit_json("{\"name\": \"Ann\", \"score\": 4}");
    assert_int_equal(crm_create(b, CRM_ACTOR_USER, "people", v, NULL, &err),
                     KITH_OK);
    jv_free(v);
    /* A rename changes no table, yet b sees the new names too. */
    assert_int_equal(crm_object_rename(a, "investors", "Backers", &err),
                     KITH_OK);
    assert_int_equal(crm_field_rename(a, "people", "score", "Stars", &err),
                     KITH_OK);
    assert_int_equal(crm_refresh(b, &err), KITH_OK);
    assert_string_equal(crm_object_find(b, "investors")->name, "Backers");
    assert_string_equal(
        crm_field_find(crm_object_find(b, "people"), "score")->name, "Stars");
    crm_close(a);
    crm_close(b);
    char side[64];
    unlink(path);
    snprintf(side, sizeof(side), "%s-wal", path);
    unlink(side);
    snprintf(side, sizeof(side), "%s-shm", path);
    unlink(side);
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_schema__seed_objects_and_fields),
        T(test_schema__seed_select_options),
        T(test_schema__seed_tables_are_plain_sql),
        T(test_schema__seed_indexes),
        T(test_schema__seed_metadata_rows),
        T(test_schema__seed_twice_is_refused),
        T(test_schema__type_names),
        T(test_schema__unknown_type),
        T(test_schema__find_objects_and_fields),
        T(test_schema__object_add),
        T(test_schema__object_add_refusals),
        T(test_schema__object_rename),
        T(test_schema__object_remove_needs_force),
        T(test_schema__object_remove_drops_relations_to_it),
        T(test_schema__field_add),
        T(test_schema__field_add_refusals),
        T(test_schema__field_rename),
        T(test_schema__field_remove),
        T(test_schema__label_field_cannot_be_removed),
        T(test_schema__refresh_sees_other_connections),
    };
#undef T
    return cmocka_run_group_tests(tests, NULL, NULL);
}
