/*
 * test_search: the full-text index (crm/search.c) on an in-memory
 * workspace with the default objects.
 *
 * The index must follow every write (create, update, delete, undo, a
 * rolled-back group, documents, field and object removal) inside the
 * write's transaction; match words as prefixes and without diacritics;
 * rank label hits above body hits and whole words above prefixes; mark
 * snippets; group hits by object; treat any user text as plain words (no
 * FTS5 syntax error, ever); and crm_reindex must rebuild exactly what the
 * incremental path built.
 */
#include "unit.h"

#include "base/buf.h"
#include "crm/crm.h"
#include "db/db.h"

/* ---- fixture and helpers ---- */

static int setup(void **state)
{
    return unit_crm_setup(state, "2026-01-01T09:00:00.000Z");
}

static int teardown(void **state)
{
    return unit_crm_teardown(state);
}


static void update(struct crm *crm, const char *object, int64_t id,
                   const char *json)
{
    struct kith_err err = KITH_ERR_INIT;
    struct jv *v = unit_json(json);
    if (crm_update(crm, CRM_ACTOR_USER, object, id, v, &err) < 0)
        fail_msg("update %s #%lld: %s", object, (long long)id, err.msg);
    jv_free(v);
}

/* The search result for text, which must succeed; jv_free() it. */
static struct jv *search(struct crm *crm, const char *text, int64_t limit)
{
    struct jv *res = NULL;
    struct kith_err err = KITH_ERR_INIT;
    if (crm_search(crm, text, limit, &res, &err) < 0)
        fail_msg("search '%s': %s", text, err.msg);
    assert_non_null(res);
    return res;
}

/* The hits of a search as "people#1 companies#2" in result order. */
static char *hits(struct crm *crm, const char *text)
{
    struct jv *res = search(crm, text, 0);
    struct buf b = BUF_INIT;
    const struct jv *groups = jv_get(res, "groups");
    for (size_t i = 0; i < jv_len(groups); i++) {
        const struct jv *g = jv_at(groups, i), *hs = jv_get(g, "hits");
        for (size_t j = 0; j < jv_len(hs); j++)
            buf_appendf(&b, "%s%s#%lld", b.len ? " " : "",
                        jv_str(jv_get(g, "object")),
                        (long long)jv_int(jv_get(jv_at(hs, j), "id")));
    }
    jv_free(res);
    return buf_detach(&b, NULL);
}

#define assert_hits(crm, text, want)                                        \
    do {                                                                    \
        char *got_ = hits((crm), (text));                                   \
        if (strcmp(got_, (want)))                                           \
            fail_msg("search '%s': got '%s', want '%s'", (text), got_,      \
                     (want));                                               \
        free(got_);                                                         \
    } while (0)

/* Every row of the index as text, to compare two builds of it. */
static char *dump_index(struct crm *crm)
{
    struct db_stmt *st = NULL;
    struct buf b = BUF_INIT;
    assert_int_equal(db_prepare(crm_db(crm),
                                "SELECT rowid, label, body FROM kith_search "
                                "ORDER BY rowid",
                                &st, NULL),
                     KITH_OK);
    while (db_step(st, NULL) == DB_ROW)
        buf_appendf(&b, "%lld|%s|%s\n", (long long)db_col_int(st, 0),
                    db_col_text(st, 1) ? db_col_text(st, 1) : "(null)",
                    db_col_text(st, 2) ? db_col_text(st, 2) : "(null)");
    db_finalize(st);
    return buf_detach(&b, NULL);
}

static int64_t sql_count(struct crm *crm, const char *sql)
{
    struct db_stmt *st = NULL;
    assert_int_equal(db_prepare(crm_db(crm), sql, &st, NULL), KITH_OK);
    assert_int_equal(db_step(st, NULL), DB_ROW);
    int64_t n = db_col_int(st, 0);
    db_finalize(st);
    return n;
}

/* ---- the index follows the write path ---- */

static void test_search__follows_create_update_delete_undo(void **state)
{
    struct crm *crm = *state;
    struct kith_err err = KITH_ERR_INIT;
    int64_t id = unit_make(crm, "people", "{\"name\": \"Anneliese Brandt\"}");
    assert_hits(crm, "anneliese", "people#1");

    update(crm, "people", id, "{\"name\": \"Greta Brandt\"}");
    assert_hits(crm, "anneliese", "");
    assert_hits(crm, "greta", "people#1");

    update(crm, "people", id, "{\"title\": \"Chief Gardener\"}");
    assert_hits(crm, "gardener", "people#1");

    assert_int_equal(crm_delete(crm, CRM_ACTOR_USER, "people", id, &err),
                     KITH_OK);
    assert_hits(crm, "greta", "");
    assert_int_equal(sql_count(crm, "SELECT count(*) FROM kith_search"), 0);

    struct jv *log = NULL;
    assert_int_equal(crm_log(crm, NULL, 0, 1, &log, NULL), KITH_OK);
    int64_t del = jv_int(jv_get(jv_at(log, 0), "id"));
    jv_free(log);
    assert_int_equal(crm_undo(crm, CRM_ACTOR_USER, del, &err), KITH_OK);
    assert_hits(crm, "greta gardener", "people#1");
    /* Undo of the title update, then of the create. */
    assert_int_equal(crm_undo(crm, CRM_ACTOR_USER, 3, &err), KITH_OK);
    assert_hits(crm, "gardener", "");
    assert_int_equal(crm_undo(crm, CRM_ACTOR_USER, 1, &err), KITH_OK);
    assert_hits(crm, "greta", "");
}

static void test_search__rolled_back_group_leaves_no_rows(void **state)
{
    struct crm *crm = *state;
    assert_int_equal(crm_begin(crm, NULL), KITH_OK);
    unit_make(crm, "people", "{\"name\": \"Ghost Writer\"}");
    assert_hits(crm, "ghost", "people#1"); /* seen inside the group */
    crm_rollback(crm);
    assert_hits(crm, "ghost", "");
    assert_int_equal(sql_count(crm, "SELECT count(*) FROM kith_search"), 0);
}

static void test_search__text_like_fields_only(void **state)
{
    struct crm *crm = *state;
    unit_make(crm, "companies", "{\"name\": \"Acme Inc\", \"domain\": "
                           "\"acme.io\", \"employees\": 4242}");
    unit_make(crm, "people",
         "{\"name\": \"Ann Lee\", \"email\": \"ann@tulip.org\", \"phone\": "
         "\"+1 312 555 0199\", \"status\": \"Customer\", \"tags\": "
         "[\"vip\", \"event\"], \"linkedin\": \"linkedin.com/in/annlee\", "
         "\"company\": \"Acme Inc\", \"last_contacted\": \"2026-03-04\"}");
    assert_hits(crm, "tulip", "people#1");        /* email */
    assert_hits(crm, "0199", "people#1");         /* phone */
    assert_hits(crm, "customer", "people#1");     /* select */
    assert_hits(crm, "vip event", "people#1");    /* multi_select */
    assert_hits(crm, "annlee", "people#1");       /* url */
    assert_hits(crm, "acme", "companies#1");      /* not the relation */
    assert_hits(crm, "4242", "");                 /* numbers are not text */
    assert_hits(crm, "2026", "");                 /* nor dates */
    char *dump = dump_index(crm);
    assert_contains(dump, "|Ann Lee|ann@tulip.org\n+1 312 555 0199\n"
                          "Customer\nvip, event\n"
                          "https://linkedin.com/in/annlee\n");
    free(dump);
}

/* ---- matching and ranking ---- */

static void test_search__prefix_and_diacritics(void **state)
{
    struct crm *crm = *state;
    unit_make(crm, "people", "{\"name\": \"Anneliese Brandt\"}");
    unit_make(crm, "people", "{\"name\": \"José Müller\"}");
    unit_make(crm, "people", "{\"name\": \"Jose Ortega\"}");
    assert_hits(crm, "ann", "people#1");
    assert_hits(crm, "ANNEL", "people#1");
    assert_hits(crm, "anneliesex", "");
    assert_hits(crm, "a", "");            /* one letter: whole words only */
    assert_hits(crm, "muller", "people#2");
    assert_hits(crm, "jose muller", "people#2");
    assert_hits(crm, "josé ortega", "people#3");
    char *both = hits(crm, "jose");
    assert_contains(both, "people#2");
    assert_contains(both, "people#3");
    free(both);
    assert_hits(crm, "brandt ann", "people#1"); /* any order, all words */
    assert_hits(crm, "brandt bob", "");
}

static void test_search__label_ranks_above_body(void **state)
{
    struct crm *crm = *state;
    unit_make(crm, "people", "{\"name\": \"Ann Body\", \"title\": "
                        "\"Founder of Zephyr Works and chief\"}");
    unit_make(crm, "people", "{\"name\": \"Zephyr Quinn\"}");
    unit_make(crm, "people", "{\"name\": \"Zephyrine Cole\"}");
    /* Label above body; a whole word above a longer word it prefixes. */
    assert_hits(crm, "zephyr", "people#2 people#3 people#1");
    struct jv *res = search(crm, "zephyr", 0);
    const struct jv *hs = jv_get(jv_at(jv_get(res, "groups"), 0), "hits");
    double s0 = jv_num(jv_get(jv_at(hs, 0), "score"));
    double s2 = jv_num(jv_get(jv_at(hs, 2), "score"));
    assert_true(s0 > s2);
    assert_true(s2 > 0);
    jv_free(res);
}

static void test_search__snippets_and_shape(void **state)
{
    struct crm *crm = *state;
    unit_make(crm, "people", "{\"name\": \"Ann Lee\", \"title\": \"Head of "
                        "Kestrel Operations\"}");
    unit_make(crm, "companies", "{\"name\": \"Kestrel Labs\"}");
    unit_make(crm, "deals", "{\"name\": \"Kestrel renewal\"}");
    struct jv *res = search(crm, "kestrel", 0);
    assert_string_equal(jv_str(jv_get(res, "query")), "kestrel");
    assert_int_equal(jv_int(jv_get(res, "total")), 3);
    const struct jv *groups = jv_get(res, "groups");
    assert_int_equal(jv_len(groups), 3);
    /* The label hits' groups come first; the body hit's group last. */
    const struct jv *h = jv_at(jv_get(jv_at(groups, 2), "hits"), 0);
    assert_string_equal(jv_str(jv_get(jv_at(groups, 2), "object")),
                        "people");
    assert_string_equal(jv_str(jv_get(jv_at(groups, 2), "name")), "People");
    assert_int_equal(jv_int(jv_get(h, "id")), 1);
    assert_string_equal(jv_str(jv_get(h, "label")), "Ann Lee");
    assert_string_equal(jv_str(jv_get(h, "snippet")),
                        "Head of [Kestrel] Operations");
    assert_int_equal(jv_type(jv_get(h, "score")), JV_REAL);
    const struct jv *g0 = jv_at(groups, 0);
    const struct jv *h0 = jv_at(jv_get(g0, "hits"), 0);
    assert_contains(jv_str(jv_get(h0, "snippet")), "[Kestrel]");
    jv_free(res);
}

static void test_search__groups_limit_and_total(void **state)
{
    struct crm *crm = *state;
    for (int i = 0; i < 5; i++)
        unit_make(crm, "people", "{\"name\": \"Nova Person\"}");
    unit_make(crm, "companies", "{\"name\": \"Nova Corp\"}");
    unit_make(crm, "people", "{\"name\": \"Nova Person\"}");
    struct jv *res = search(crm, "nova", 3);
    assert_int_equal(jv_int(jv_get(res, "total")), 7);
    size_t shown = 0;
    const struct jv *groups = jv_get(res, "groups");
    for (size_t i = 0; i < jv_len(groups); i++) {
        shown += jv_len(jv_get(jv_at(groups, i), "hits"));
        /* each object appears in one group */
        for (size_t j = 0; j < i; j++)
            assert_string_not_equal(
                jv_str(jv_get(jv_at(groups, i), "object")),
                jv_str(jv_get(jv_at(groups, j), "object")));
    }
    assert_int_equal(shown, 3);
    jv_free(res);
    char *all = hits(crm, "nova");
    assert_contains(all, "companies#1");
    free(all);
}

/* ---- user text is never FTS5 syntax ---- */

static void test_search__injection_attempts(void **state)
{
    struct crm *crm = *state;
    unit_make(crm, "people", "{\"name\": \"Ann Lee\", \"title\": \"near label body\"}");
    static const char *const found[] = {
        "\"ann\"", "ann*", "(ann", "ann)", "((ann)))", "\"ann", "ann\"",
        "'ann'", "ann -lee", "+ann", "^ann", "ann:", "{ann}", "ann\\",
        "ann;--", "NEAR ann", "near", "ann%", "ann_",
        "«ann»", "ann — lee", "ann…", "ann 😀", "near(ann lee)",
        "NEAR(\"ann\" \"lee\")", "label:ann", "{label body}: ann",
        "lee ann\tLEE\n", "ann\" \"lee",
    };
    for (size_t i = 0; i < sizeof(found) / sizeof(*found); i++) {
        struct kith_err err = KITH_ERR_INIT;
        struct jv *res = NULL;
        int rc = crm_search(crm, found[i], 0, &res, &err);
        if (rc != KITH_OK)
            fail_msg("search '%s' failed: %s", found[i], err.msg);
        if (jv_int(jv_get(res, "total")) != 1)
            fail_msg("search '%s' should find Ann Lee", found[i]);
        jv_free(res);
    }
    static const char *const nothing[] = {
        "", " ", "\"", "\"\"", "*", "**", "(", ")", "()", ":", "-", "^",
        "{}", "«»", "—", "😀", "\"*\"", "AND", "OR", "NOT", "ann OR",
        "AND ann", "NOT ann", "NEAR/2", "NEAR(\"ann\" \"lee\", 2)",
        "ann AND zzz", "ann OR zzz", "ann\" OR \"zzz", "ann* OR zzz*", "NEAR(ann zzz)", "x:ann",
    };
    for (size_t i = 0; i < sizeof(nothing) / sizeof(*nothing); i++) {
        struct kith_err err = KITH_ERR_INIT;
        struct jv *res = NULL;
        int rc = crm_search(crm, nothing[i], 0, &res, &err);
        if (rc != KITH_OK)
            fail_msg("search '%s' failed: %s", nothing[i], err.msg);
        if (jv_int(jv_get(res, "total")) != 0)
            fail_msg("search '%s' should find nothing", nothing[i]);
        assert_int_equal(jv_len(jv_get(res, "groups")), 0);
        jv_free(res);
    }
}

static void test_search__refusals(void **state)
{
    struct crm *crm = *state;
    struct kith_err err = KITH_ERR_INIT;
    struct jv *res = (struct jv *)1;
    assert_int_equal(crm_search(crm, "ann", -1, &res, &err), KITH_EINVAL);
    assert_null(res);
    assert_contains(err.msg, "limit must be between 1 and 1000, not -1");
    assert_int_equal(crm_search(crm, "ann", 1001, &res, &err), KITH_EINVAL);
    assert_int_equal(crm_search(crm, "ann \xff", 0, &res, &err),
                     KITH_EINVAL);
    assert_contains(err.msg, "search: the text is not valid UTF-8");
    char big[1100];
    memset(big, 'a', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    assert_int_equal(crm_search(crm, big, 0, &res, &err), KITH_EINVAL);
    assert_contains(err.msg, "search: the text is 1099 bytes; at most 1000");
    assert_int_equal(crm_search(crm,
                                "a b c d e f g h i j k l m n o p q", 0,
                                &res, &err),
                     KITH_EINVAL);
    assert_contains(err.msg, "search: more than 16 words");
    assert_null(res);
}

/* ---- reindex and schema changes ---- */

static int progress_calls;
static int64_t progress_done, progress_total;

static void on_progress(void *ctx, int64_t done, int64_t total)
{
    (void)ctx;
    progress_calls++;
    progress_done = done;
    progress_total = total;
}

static void test_search__reindex_equals_incremental(void **state)
{
    struct crm *crm = *state;
    struct kith_err err = KITH_ERR_INIT;
    unit_make(crm, "companies", "{\"name\": \"Acme Inc\", \"domain\": \"acme.io\"}");
    int64_t ann = unit_make(crm, "people", "{\"name\": \"Ann Lee\", \"tags\": "
                                      "\"vip,event\", \"company\": 1}");
    int64_t bob = unit_make(crm, "people", "{\"name\": \"Bob Ray\"}");
    unit_make(crm, "deals", "{\"name\": \"Big deal\", \"stage\": \"Proposal\"}");
    unit_make(crm, "tasks", "{\"title\": \"Call Ann\"}");
    update(crm, "people", ann, "{\"title\": \"CEO\", \"tags\": []}");
    assert_int_equal(crm_doc_set(crm, CRM_ACTOR_USER, "people", bob,
                                 "# Bob\nLikes *sailing*.\n", &err),
                     KITH_OK);
    assert_int_equal(crm_delete(crm, CRM_ACTOR_USER, "deals", 1, &err),
                     KITH_OK);
    char *before = dump_index(crm);
    assert_contains(before, "Bob Ray|# Bob\nLikes *sailing*.\n");
    progress_calls = 0;
    assert_int_equal(crm_reindex(crm, on_progress, NULL, &err), KITH_OK);
    char *after = dump_index(crm);
    assert_string_equal(after, before);
    assert_true(progress_calls >= 1);
    assert_int_equal(progress_done, 4);
    assert_int_equal(progress_total, 4);
    assert_hits(crm, "sailing", "people#2");
    /* A wiped index comes back whole. */
    assert_int_equal(db_exec(crm_db(crm), "DELETE FROM kith_search", NULL),
                     KITH_OK);
    assert_hits(crm, "ann", "");
    assert_int_equal(crm_reindex(crm, NULL, NULL, &err), KITH_OK);
    char *again = dump_index(crm);
    assert_string_equal(again, before);
    free(before);
    free(after);
    free(again);
}

static void test_search__field_and_object_removal(void **state)
{
    struct crm *crm = *state;
    struct kith_err err = KITH_ERR_INIT;
    assert_int_equal(crm_object_add(crm, "Investors", &err), KITH_OK);
    struct crm_field_spec notes = { .name = "Notes", .type = CRM_LONG_TEXT };
    struct crm_field_spec size = { .name = "Size", .type = CRM_NUMBER };
    assert_int_equal(crm_field_add(crm, "investors", &notes, &err), KITH_OK);
    assert_int_equal(crm_field_add(crm, "investors", &size, &err), KITH_OK);
    int64_t id = unit_make(crm, "investors", "{\"name\": \"Northwind\", \"notes\": "
                                        "\"secretword\", \"size\": 5}");
    unit_make(crm, "people", "{\"name\": \"Northwind Fan\"}");
    assert_int_equal(crm_doc_set(crm, CRM_ACTOR_USER, "investors", id,
                                 "memo about otters", &err),
                     KITH_OK);
    assert_hits(crm, "secretword", "investors#1");
    assert_int_equal(crm_field_remove(crm, "investors", "size", true, &err),
                     KITH_OK);
    assert_hits(crm, "secretword", "investors#1");
    assert_int_equal(crm_field_remove(crm, "investors", "notes", true, &err),
                     KITH_OK);
    assert_hits(crm, "secretword", "");
    assert_hits(crm, "otters", "investors#1"); /* the document stays */
    assert_int_equal(crm_object_remove(crm, "investors", true, &err),
                     KITH_OK);
    assert_hits(crm, "northwind", "people#1");
    assert_hits(crm, "otters", "");
    assert_int_equal(
        sql_count(crm, "SELECT count(*) FROM kith_documents"), 0);
    /* A new object reusing the id starts with an empty index. */
    assert_int_equal(crm_object_add(crm, "Funds", &err), KITH_OK);
    assert_hits(crm, "northwind", "people#1");
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_search__follows_create_update_delete_undo),
        T(test_search__rolled_back_group_leaves_no_rows),
        T(test_search__text_like_fields_only),
        T(test_search__prefix_and_diacritics),
        T(test_search__label_ranks_above_body),
        T(test_search__snippets_and_shape),
        T(test_search__groups_limit_and_total),
        T(test_search__injection_attempts),
        T(test_search__refusals),
        T(test_search__reindex_equals_incremental),
        T(test_search__field_and_object_removal),
    };
#undef T
    return cmocka_run_group_tests(tests, NULL, NULL);
}
