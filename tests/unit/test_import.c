/*
 * test_import: CSV import and export (crm/import.c, crm/export.c) on an
 * in-memory workspace with the default objects.
 *
 * The input is handed over in 7-byte chunks so rows always span reads.
 * An import is one change group (undone as one), all-or-nothing unless
 * skip_invalid; bad rows come back with their line and the write path's
 * message; upsert, create_missing, --map and header matching behave as
 * crm.h says; export writes what import reads back.
 */
#include "unit.h"

#include "base/buf.h"
#include "crm/crm.h"

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

struct src {
    const char *text;
    size_t off, len;
    bool fail; /* fail the second read */
    int reads;
};

static int read_chunks(void *ctx, char *buf, size_t cap, size_t *got,
                       struct kith_err *err)
{
    struct src *s = ctx;
    if (s->fail && ++s->reads == 2)
        return kith_errf(err, KITH_EIO, "disk on fire");
    size_t k = s->len - s->off < 7 ? s->len - s->off : 7;
    if (k > cap)
        k = cap;
    memcpy(buf, s->text + s->off, k);
    s->off += k;
    *got = k;
    return KITH_OK;
}

static int import(struct crm *crm, const char *object, const char *csv,
                  const struct crm_import_opts *opts,
                  struct crm_import_report *rep, struct kith_err *err)
{
    struct src s = { csv, 0, strlen(csv), false, 0 };
    return crm_import(crm, object, opts, read_chunks, &s, NULL, NULL, rep,
                      err);
}

/* Import that must succeed; returns the report (release it). */
static void import_ok(struct crm *crm, const char *object, const char *csv,
                      const struct crm_import_opts *opts,
                      struct crm_import_report *rep)
{
    struct kith_err err = KITH_ERR_INIT;
    if (import(crm, object, csv, opts, rep, &err) < 0)
        fail_msg("import %s: %s", csv, err.msg);
}

static int64_t count(struct crm *crm, const char *object)
{
    int64_t n = -1;
    struct kith_err err = KITH_ERR_INIT;
    assert_int_equal(crm_count(crm, crm_object_find(crm, object), &n, &err),
                     KITH_OK);
    return n;
}

/* Field of entry id as JSON text; free() it. */
static char *field(struct crm *crm, const char *object, int64_t id,
                   const char *name)
{
    struct jv *e = NULL;
    struct kith_err err = KITH_ERR_INIT;
    if (crm_get(crm, object, id, &e, &err) < 0)
        fail_msg("get %s #%lld: %s", object, (long long)id, err.msg);
    char *s = jv_dump(jv_get(e, name));
    jv_free(e);
    return s;
}

#define assert_field(crm, obj, id, name, want)                              \
    do {                                                                    \
        char *got_ = field((crm), (obj), (id), (name));                     \
        assert_string_equal(got_, (want));                                  \
        free(got_);                                                         \
    } while (0)

/* ---- import ---- */

static void test_import__one_group_undone_as_one(void **state)
{
    struct crm *crm = *state;
    struct crm_import_report rep;
    struct kith_err err = KITH_ERR_INIT;
    import_ok(crm, "people",
              "\xEF\xBB\xBFName,EMAIL,Status,tags,title\r\n"
              "Ann Lee,ann@acme.com,lead,\"vip, partner\",\"Head of \"\"Ops\"\"\"\r\n"
              "\"Bob\nStone\",,,,\r\n",
              NULL, &rep);
    assert_int_equal(rep.rows, 2);
    assert_int_equal(rep.created, 2);
    assert_int_equal(rep.invalid, 0);
    assert_true(rep.group > 0);
    assert_field(crm, "people", 1, "status", "\"Lead\"");
    assert_field(crm, "people", 1, "tags", "[\"vip\",\"partner\"]");
    assert_field(crm, "people", 1, "title", "\"Head of \\\"Ops\\\"\"");
    assert_field(crm, "people", 2, "name", "\"Bob\\nStone\"");
    assert_field(crm, "people", 2, "email", "null");
    struct jv *log = NULL;
    assert_int_equal(crm_log(crm, NULL, 0, 10, &log, &err), KITH_OK);
    assert_int_equal(jv_len(log), 2);
    for (size_t i = 0; i < 2; i++) {
        assert_string_equal(jv_str(jv_get(jv_at(log, i), "actor")), "import");
        assert_int_equal(jv_int(jv_get(jv_at(log, i), "group_id")), rep.group);
    }
    jv_free(log);
    assert_int_equal(crm_undo_group(crm, CRM_ACTOR_USER, rep.group, &err),
                     KITH_OK);
    assert_int_equal(count(crm, "people"), 0);
    struct jv *j = crm_import_report_json(&rep);
    assert_json(j, "{\"rows\": 2, \"created\": 2, \"updated\": 0, "
                   "\"unchanged\": 0, \"targets_created\": 0, \"invalid\": 0, "
                   "\"bad_rows\": [], \"group\": 1}");
    jv_free(j);
    crm_import_report_release(&rep);
}

static void test_import__bad_rows_import_nothing(void **state)
{
    struct crm *crm = *state;
    struct crm_import_report rep;
    struct kith_err err = KITH_ERR_INIT;
    const char *csv = "name,email,status\n"
                      "Ann,ann@x.com,Lead\n"
                      "Bob,bob@,Lead\n"
                      "\"Cleo\nMoss\",cleo@x.com,Customer\n"
                      "Dan,dan@x.com,Qualfied\n"
                      ",eve@x.com,Lead\n"
                      "Fay,fay@x.com,Churned,extra\n"
                      "Gus,gus@x.com,Lead,,\n"; /* empty extra cells: fine */
    assert_int_equal(import(crm, "people", csv, NULL, &rep, &err),
                     KITH_EINVAL);
    assert_string_equal(err.msg,
                        "4 of 7 rows are invalid, so nothing was imported");
    assert_int_equal(rep.nbad, 4);
    assert_int_equal(rep.bad[0].line, 3);
    assert_string_equal(rep.bad[0].msg, "email: 'bob@' is not an email address");
    assert_int_equal(rep.bad[1].line, 6);
    assert_contains(rep.bad[1].msg, "did you mean 'Qualified'?");
    assert_int_equal(rep.bad[2].line, 7);
    assert_string_equal(rep.bad[2].msg, "name: required");
    assert_int_equal(rep.bad[3].line, 8);
    assert_string_equal(rep.bad[3].msg,
                        "4 values but the header has 3 columns");
    assert_int_equal(rep.created, 0);
    assert_int_equal(rep.group, 0);
    assert_int_equal(count(crm, "people"), 0);
    crm_import_report_release(&rep);

    /* skip_invalid: the good rows go in, the bad ones are reported. */
    struct crm_import_opts opts = { .skip_invalid = true };
    import_ok(crm, "people", csv, &opts, &rep);
    assert_int_equal(rep.created, 3);
    assert_int_equal(rep.invalid, 4);
    assert_int_equal(count(crm, "people"), 3);
    crm_import_report_release(&rep);
}

static void test_import__lists_the_first_20_bad_rows(void **state)
{
    struct crm *crm = *state;
    struct crm_import_report rep;
    struct kith_err err = KITH_ERR_INIT;
    struct buf csv = BUF_INIT;
    buf_appends(&csv, "name,email\n");
    for (int i = 0; i < 25; i++)
        buf_appendf(&csv, "P%d,bad%d@\n", i, i);
    assert_int_equal(import(crm, "people", csv.buf, NULL, &rep, &err),
                     KITH_EINVAL);
    assert_int_equal(rep.invalid, 25);
    assert_int_equal(rep.nbad, CRM_IMPORT_BAD_MAX);
    assert_int_equal(rep.bad[19].line, 21);
    crm_import_report_release(&rep);
    buf_release(&csv);
}

static void test_import__header_and_map(void **state)
{
    struct crm *crm = *state;
    struct crm_import_report rep;
    struct kith_err err = KITH_ERR_INIT;
    const char *csv = "Full Name,Mail,Notes,Last Contacted\n"
                      "Ann,ann@x.com,likes tea,2026-01-02\n";
    assert_int_equal(import(crm, "people", csv, NULL, &rep, &err),
                     KITH_EINVAL);
    assert_string_equal(err.msg,
                        "line 1: people has no field for columns 'Full Name', "
                        "'Mail' (did you mean 'email'?), 'Notes'; map them with --map \"Column=field\" "
                        "or skip them with --map \"Column=\"");
    crm_import_report_release(&rep);
    assert_int_equal(import(crm, "people", "nmae\nAnn\n", NULL, &rep, &err),
                     KITH_EINVAL);
    assert_contains(err.msg, "column 'nmae' (did you mean 'name'?)");
    crm_import_report_release(&rep);

    struct crm_import_opts opts = { .map = "full name=name, MAIL=Email,Notes=" };
    import_ok(crm, "people", csv, &opts, &rep);
    assert_int_equal(rep.created, 1);
    assert_field(crm, "people", 1, "email", "\"ann@x.com\"");
    assert_field(crm, "people", 1, "last_contacted", "\"2026-01-02\"");
    crm_import_report_release(&rep);

    struct crm_import_opts bad = { .map = "Nope=name" };
    assert_int_equal(import(crm, "people", csv, &bad, &rep, &err), KITH_EUSAGE);
    assert_string_equal(err.msg, "--map: the file has no column 'Nope'");
    crm_import_report_release(&rep);
    bad.map = "Full Name";
    assert_int_equal(import(crm, "people", csv, &bad, &rep, &err), KITH_EUSAGE);
    assert_string_equal(err.msg,
                        "--map: expected Column=field, not 'Full Name'");
    crm_import_report_release(&rep);
    assert_int_equal(import(crm, "people", "name,Name\na,b\n", NULL, &rep,
                            &err),
                     KITH_EINVAL);
    assert_string_equal(err.msg,
                        "line 1: columns 'name' and 'Name' both set "
                        "people.name");
    crm_import_report_release(&rep);
    assert_int_equal(import(crm, "people", "", NULL, &rep, &err), KITH_EINVAL);
    assert_contains(err.msg, "the file is empty");
    crm_import_report_release(&rep);
    assert_int_equal(count(crm, "people"), 1);
}

static void test_import__malformed_csv_imports_nothing(void **state)
{
    struct crm *crm = *state;
    struct crm_import_report rep;
    struct kith_err err = KITH_ERR_INIT;
    assert_int_equal(import(crm, "people",
                            "name,title\nAnn,CEO\nBob,CTO\nCleo,\"Chief\n"
                            "of staff\n",
                            NULL, &rep, &err),
                     KITH_EINVAL);
    assert_string_equal(err.msg,
                        "line 4: the quote that opens field 2 is never "
                        "closed");
    assert_int_equal(count(crm, "people"), 0);
    crm_import_report_release(&rep);

    struct src s = { "name\nAnn\n", 0, 9, true, 0 };
    assert_int_equal(crm_import(crm, "people", NULL, read_chunks, &s, NULL,
                                NULL, &rep, &err),
                     KITH_EIO);
    assert_string_equal(err.msg, "disk on fire");
    assert_int_equal(count(crm, "people"), 0);
    crm_import_report_release(&rep);
}

static void test_import__upsert(void **state)
{
    struct crm *crm = *state;
    struct crm_import_report rep;
    struct kith_err err = KITH_ERR_INIT;
    import_ok(crm, "people", "name,email\nAnn,ann@x.com\nBob,bob@x.com\n",
              NULL, &rep);
    crm_import_report_release(&rep);
    struct crm_import_opts opts = { .upsert = "Email" };
    import_ok(crm, "people",
              "email,title,name\n"
              "ANN@X.COM,CEO,\n"  /* empty name: kept as it was */
              "bob@x.com,,Bob\n"  /* nothing changes */
              "cy@x.com,CTO,Cy\n" /* no match: created */
              ",,Dee\n",          /* no key: created */
              &opts, &rep);
    assert_int_equal(rep.updated, 1);
    assert_int_equal(rep.unchanged, 1);
    assert_int_equal(rep.created, 2);
    assert_field(crm, "people", 1, "title", "\"CEO\"");
    assert_field(crm, "people", 1, "name", "\"Ann\"");
    assert_field(crm, "people", 1, "email", "\"ann@x.com\""); /* as stored */
    assert_int_equal(count(crm, "people"), 4);
    crm_import_report_release(&rep);

    /* One entry matched twice by one file is a bad row. */
    assert_int_equal(import(crm, "people",
                            "email,title\nann@x.com,COO\nAnn@x.com,CFO\n",
                            &opts, &rep, &err),
                     KITH_EINVAL);
    assert_int_equal(rep.bad[0].line, 3);
    assert_string_equal(rep.bad[0].msg,
                        "email: 'Ann@x.com' is on an earlier row of this "
                        "file too (people #1)");
    crm_import_report_release(&rep);
    assert_field(crm, "people", 1, "title", "\"CEO\"");

    opts.upsert = "status";
    assert_int_equal(import(crm, "people", "status\nLead\n", &opts, &rep,
                            &err),
                     KITH_EUSAGE);
    assert_contains(err.msg, "status is a select field");
    crm_import_report_release(&rep);
    opts.upsert = "title";
    assert_int_equal(import(crm, "people", "name\nZed\n", &opts, &rep, &err),
                     KITH_EUSAGE);
    assert_string_equal(err.msg, "--upsert: the file has no column for title");
    crm_import_report_release(&rep);
}

static void test_import__relations_and_create_missing(void **state)
{
    struct crm *crm = *state;
    struct crm_import_report rep;
    struct kith_err err = KITH_ERR_INIT;
    import_ok(crm, "companies", "name\nAcme Inc\n", NULL, &rep);
    crm_import_report_release(&rep);
    const char *csv = "name,company\nAnn,acme inc\nBob,Zeta Corp\n";
    assert_int_equal(import(crm, "people", csv, NULL, &rep, &err),
                     KITH_EINVAL);
    assert_string_equal(rep.bad[0].msg,
                        "company: no companies entry is named 'Zeta Corp'");
    crm_import_report_release(&rep);

    struct crm_import_opts opts = { .create_missing = true };
    import_ok(crm, "people", csv, &opts, &rep);
    assert_int_equal(rep.created, 2);
    assert_int_equal(rep.targets, 1);
    assert_field(crm, "people", 2, "company",
                 "{\"id\":2,\"label\":\"Zeta Corp\"}");
    int64_t group = rep.group;
    crm_import_report_release(&rep);

    /* A bad row takes back the target it created. */
    opts.skip_invalid = true;
    import_ok(crm, "people", "name,company,email\nCy,New Co,bad@\n", &opts,
              &rep);
    assert_int_equal(rep.invalid, 1);
    assert_int_equal(rep.targets, 0);
    assert_int_equal(count(crm, "companies"), 2);
    crm_import_report_release(&rep);

    /* Undoing the import removes the target it created too. */
    assert_int_equal(crm_undo_group(crm, CRM_ACTOR_USER, group, &err),
                     KITH_OK);
    assert_int_equal(count(crm, "companies"), 1);
    assert_int_equal(count(crm, "people"), 0);
}

/* ---- export ---- */

static int to_buf(void *ctx, const char *data, size_t n, struct kith_err *err)
{
    (void)err;
    buf_append(ctx, data, n);
    return KITH_OK;
}

static void test_import__export_reads_back(void **state)
{
    struct crm *crm = *state, *fresh = NULL;
    struct crm_import_report rep;
    struct kith_err err = KITH_ERR_INIT;
    struct buf companies = BUF_INIT, people = BUF_INIT;
    import_ok(crm, "companies", "name,employees\nAcme Inc,12\nAcme Inc,3\n"
                                "2024,1\nPlain Co,2.5\n",
              NULL, &rep);
    crm_import_report_release(&rep);
    import_ok(crm, "people",
              "name,company,tags,title,last_contacted\n"
              "Ann,1,\"vip, partner\",\" CEO, \"\"the\"\" boss\",2026-01-02\n"
              "Bob,3,,\"two\nlines\",\n" /* 2024, by id */
              "Cy,Plain Co,,,\n",
              NULL, &rep);
    crm_import_report_release(&rep);
    assert_int_equal(crm_export(crm, "companies", NULL, to_buf, &companies,
                                &err),
                     KITH_OK);
    assert_string_equal(companies.buf,
                        "name,domain,industry,employees,city,tags\r\n"
                        "Acme Inc,,,12,,\r\n"
                        "Acme Inc,,,3,,\r\n"
                        "2024,,,1,,\r\n"
                        "Plain Co,,,2.5,,\r\n");
    assert_int_equal(crm_export(crm, "people", NULL, to_buf, &people, &err),
                     KITH_OK);
    /* Shared and number-like labels are written as ids. */
    assert_string_equal(people.buf,
                        "name,email,phone,company,title,status,tags,linkedin,"
                        "last_contacted\r\n"
                        "Ann,,,1,\"CEO, \"\"the\"\" boss\",,\"vip, partner\",,"
                        "2026-01-02\r\n"
                        "Bob,,,3,\"two\nlines\",,,,\r\n"
                        "Cy,,,Plain Co,,,,,\r\n");
    assert_int_equal(crm_open_db(":memory:", &fresh, &err), KITH_OK);
    assert_int_equal(crm_seed_defaults(fresh, &err), KITH_OK);
    import_ok(fresh, "companies", companies.buf, NULL, &rep);
    crm_import_report_release(&rep);
    import_ok(fresh, "people", people.buf, NULL, &rep);
    crm_import_report_release(&rep);
    for (int64_t id = 1; id <= 3; id++) {
        struct jv *a, *b;
        assert_int_equal(crm_get(crm, "people", id, &a, &err), KITH_OK);
        assert_int_equal(crm_get(fresh, "people", id, &b, &err), KITH_OK);
        jv_del(a, "created_at"), jv_del(a, "updated_at");
        jv_del(b, "created_at"), jv_del(b, "updated_at");
        assert_true(jv_equal(a, b));
        jv_free(a);
        jv_free(b);
    }
    crm_close(fresh);
    buf_release(&companies);
    buf_release(&people);
    assert_int_equal(crm_export(crm, "nope", NULL, to_buf, &people, &err),
                     KITH_ENOTFOUND);
    buf_release(&people);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup_teardown(test_import__##name, setup, \
                                                teardown)
        T(one_group_undone_as_one),
        T(bad_rows_import_nothing),
        T(lists_the_first_20_bad_rows),
        T(header_and_map),
        T(malformed_csv_imports_nothing),
        T(upsert),
        T(relations_and_create_missing),
        T(export_reads_back),
#undef T
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
