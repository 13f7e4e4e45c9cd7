/*
 * test_document: entry documents (crm/document.c) on an in-memory
 * workspace with the default objects.
 *
 * A document round-trips byte for byte; "" or NULL removes it; each change
 * is one "update" in the change log with before/after {"_document": ...}
 * and can be undone; deleting the entry keeps the document in the
 * delete's snapshot so that undoing the delete brings it back; the text is
 * searchable; bad input (no entry, not UTF-8, too big) writes nothing.
 */
#include "unit.h"

#include "base/buf.h"
#include "crm/crm.h"
#include "db/db.h"

static int setup(void **state)
{
    return unit_crm_setup(state, "2026-01-01T09:00:00.000Z");
}

static int teardown(void **state)
{
    return unit_crm_teardown(state);
}


static void set_doc(struct crm *crm, const char *object, int64_t id,
                    const char *md)
{
    struct kith_err err = KITH_ERR_INIT;
    if (crm_doc_set(crm, CRM_ACTOR_USER, object, id, md, &err) < 0)
        fail_msg("doc set %s #%lld: %s", object, (long long)id, err.msg);
}

/* Fail unless the document of object/id is want (NULL: none). */
static void check_doc(struct crm *crm, const char *object, int64_t id,
                      const char *want)
{
    static char unset[] = "unset";
    char *md = unset;
    struct kith_err err = KITH_ERR_INIT;
    if (crm_doc_get(crm, object, id, &md, &err) < 0)
        fail_msg("doc get %s #%lld: %s", object, (long long)id, err.msg);
    if (!want)
        assert_null(md);
    else
        assert_string_equal(md, want);
    free(md);
}

/* The newest change; jv_free() it. */
static struct jv *last_change(struct crm *crm)
{
    struct jv *log = NULL;
    assert_int_equal(crm_log(crm, NULL, 0, 1, &log, NULL), KITH_OK);
    struct jv *c = jv_ref(jv_at(log, 0));
    jv_free(log);
    return c;
}

static int64_t nchanges(struct crm *crm)
{
    struct jv *log = NULL;
    assert_int_equal(crm_log(crm, NULL, 0, 1000, &log, NULL), KITH_OK);
    int64_t n = (int64_t)jv_len(log);
    jv_free(log);
    return n;
}

static int64_t search_total(struct crm *crm, const char *text)
{
    struct jv *res = NULL;
    assert_int_equal(crm_search(crm, text, 0, &res, NULL), KITH_OK);
    int64_t n = jv_int(jv_get(res, "total"));
    jv_free(res);
    return n;
}

static void test_document__round_trip(void **state)
{
    struct crm *crm = *state;
    int64_t id = unit_make(crm, "people", "{\"name\": \"Ann Lee\"}");
    check_doc(crm, "people", id, NULL);
    const char *md = "# Ann\n\n- met at *Web Summit*\n- likes «tea» 🍵\r\n"
                     "\ttabbed \"quoted\" \\ back\n";
    set_doc(crm, "People", id, md);
    check_doc(crm, "people", id, md);
    set_doc(crm, "people", id, "short");
    check_doc(crm, "people", id, "short");
    set_doc(crm, "people", id, "");
    check_doc(crm, "people", id, NULL);
    set_doc(crm, "people", id, "again");
    set_doc(crm, "people", id, NULL);
    check_doc(crm, "people", id, NULL);
}

static void test_document__logged_and_undone(void **state)
{
    struct crm *crm = *state;
    struct kith_err err = KITH_ERR_INIT;
    int64_t id = unit_make(crm, "people", "{\"name\": \"Ann Lee\"}");
    set_doc(crm, "people", id, "first");
    struct jv *c = last_change(crm);
    assert_string_equal(jv_str(jv_get(c, "op")), "update");
    assert_string_equal(jv_str(jv_get(c, "object")), "people");
    assert_int_equal(jv_int(jv_get(c, "entry_id")), id);
    assert_json(jv_get(c, "before"), "{\"_document\": null}");
    assert_json(jv_get(c, "after"), "{\"_document\": \"first\"}");
    int64_t first = jv_int(jv_get(c, "id"));
    jv_free(c);

    set_doc(crm, "people", id, "second");
    c = last_change(crm);
    assert_json(jv_get(c, "before"), "{\"_document\": \"first\"}");
    assert_json(jv_get(c, "after"), "{\"_document\": \"second\"}");
    int64_t second = jv_int(jv_get(c, "id"));
    jv_free(c);

    /* The same text again changes nothing and records nothing. */
    int64_t n = nchanges(crm);
    set_doc(crm, "people", id, "second");
    assert_int_equal(nchanges(crm), n);

    assert_int_equal(crm_undo(crm, CRM_ACTOR_USER, second, &err), KITH_OK);
    check_doc(crm, "people", id, "first");
    c = last_change(crm);
    assert_json(jv_get(c, "after"), "{\"_document\": \"first\"}");
    jv_free(c);
    assert_int_equal(crm_undo(crm, CRM_ACTOR_USER, first, &err), KITH_OK);
    check_doc(crm, "people", id, NULL);
    /* The entry's fields were not touched by any of it. */
    struct jv *e = NULL;
    assert_int_equal(crm_get(crm, "people", id, &e, NULL), KITH_OK);
    assert_string_equal(jv_str(jv_get(e, "name")), "Ann Lee");
    jv_free(e);
}

static void test_document__delete_and_undo_restore_it(void **state)
{
    struct crm *crm = *state;
    struct kith_err err = KITH_ERR_INIT;
    int64_t id = unit_make(crm, "people", "{\"name\": \"Ann Lee\"}");
    set_doc(crm, "people", id, "notes about walruses");
    assert_int_equal(search_total(crm, "walrus"), 1);
    assert_int_equal(crm_delete(crm, CRM_ACTOR_USER, "people", id, &err),
                     KITH_OK);
    struct jv *c = last_change(crm);
    assert_string_equal(jv_str(jv_get(c, "op")), "delete");
    assert_string_equal(jv_str(jv_get(jv_get(c, "before"), "_document")),
                        "notes about walruses");
    int64_t del = jv_int(jv_get(c, "id"));
    jv_free(c);
    assert_int_equal(search_total(crm, "walrus"), 0);
    struct db_stmt *st = NULL;
    assert_int_equal(db_prepare(crm_db(crm),
                                "SELECT count(*) FROM kith_documents", &st,
                                NULL),
                     KITH_OK);
    assert_int_equal(db_step(st, NULL), DB_ROW);
    assert_int_equal(db_col_int(st, 0), 0);
    db_finalize(st);

    assert_int_equal(crm_undo(crm, CRM_ACTOR_USER, del, &err), KITH_OK);
    check_doc(crm, "people", id, "notes about walruses");
    assert_int_equal(search_total(crm, "walrus ann"), 1);

    /* Undo the undo (a create): deleted again, and restorable again. */
    c = last_change(crm);
    assert_string_equal(jv_str(jv_get(c, "op")), "create");
    int64_t create = jv_int(jv_get(c, "id"));
    jv_free(c);
    assert_int_equal(crm_undo(crm, CRM_ACTOR_USER, create, &err), KITH_OK);
    assert_int_equal(search_total(crm, "walrus"), 0);
    c = last_change(crm);
    assert_string_equal(jv_str(jv_get(jv_get(c, "before"), "_document")),
                        "notes about walruses");
    jv_free(c);
}

static void test_document__searchable(void **state)
{
    struct crm *crm = *state;
    int64_t id = unit_make(crm, "companies", "{\"name\": \"Acme Inc\"}");
    set_doc(crm, "companies", id, "Board meeting: *quarterly* review");
    assert_int_equal(search_total(crm, "quarterly"), 1);
    struct jv *res = NULL;
    assert_int_equal(crm_search(crm, "quarter", 0, &res, NULL), KITH_OK);
    const struct jv *h =
        jv_at(jv_get(jv_at(jv_get(res, "groups"), 0), "hits"), 0);
    assert_string_equal(jv_str(jv_get(h, "label")), "Acme Inc");
    assert_contains(jv_str(jv_get(h, "snippet")), "*[quarterly]*");
    jv_free(res);
    set_doc(crm, "companies", id, "annual review");
    assert_int_equal(search_total(crm, "quarterly"), 0);
    assert_int_equal(search_total(crm, "annual acme"), 1);
}

static void test_document__refusals_write_nothing(void **state)
{
    struct crm *crm = *state;
    struct kith_err err = KITH_ERR_INIT;
    static char unset[] = "unset";
    char *md = unset;
    int64_t id = unit_make(crm, "people", "{\"name\": \"Ann Lee\"}");
    int64_t n = nchanges(crm);
    assert_int_equal(crm_doc_get(crm, "people", 99, &md, &err),
                     KITH_ENOTFOUND);
    assert_null(md);
    assert_contains(err.msg, "there is no people entry #99");
    assert_int_equal(crm_doc_set(crm, CRM_ACTOR_USER, "people", 99, "x", &err),
                     KITH_ENOTFOUND);
    assert_contains(err.msg, "there is no people entry #99");
    assert_int_equal(crm_doc_set(crm, CRM_ACTOR_USER, "peple", id, "x", &err),
                     KITH_ENOTFOUND);
    assert_contains(err.msg, "did you mean 'people'?");
    assert_int_equal(crm_doc_get(crm, "peple", id, &md, &err),
                     KITH_ENOTFOUND);
    assert_int_equal(crm_doc_set(crm, CRM_ACTOR_USER, "people", id,
                                 "bad \xc3\x28 bytes", &err),
                     KITH_EINVAL);
    assert_contains(err.msg, "document: not valid UTF-8");
    char *big = malloc(CRM_DOC_MAX + 2);
    memset(big, 'x', CRM_DOC_MAX + 1);
    big[CRM_DOC_MAX + 1] = '\0';
    assert_int_equal(crm_doc_set(crm, CRM_ACTOR_USER, "people", id, big, &err),
                     KITH_ETOOBIG);
    assert_contains(err.msg, "document: 1048577 bytes is more than the "
                             "1048576 allowed");
    big[CRM_DOC_MAX] = '\0'; /* exactly the cap is fine */
    set_doc(crm, "people", id, big);
    free(big);
    assert_int_equal(nchanges(crm), n + 1);
    set_doc(crm, "people", id, NULL);
    assert_int_equal(nchanges(crm), n + 2);
    check_doc(crm, "people", id, NULL);
}

static void test_document__in_a_group(void **state)
{
    struct crm *crm = *state;
    struct kith_err err = KITH_ERR_INIT;
    int64_t id = unit_make(crm, "people", "{\"name\": \"Ann Lee\"}");
    assert_int_equal(crm_begin(crm, &err), KITH_OK);
    set_doc(crm, "people", id, "draft");
    crm_rollback(crm);
    check_doc(crm, "people", id, NULL);
    assert_int_equal(search_total(crm, "draft"), 0);
    /* A group that sets a field and the document undoes as one. */
    assert_int_equal(crm_begin(crm, &err), KITH_OK);
    struct jv *v = unit_json("{\"title\": \"CEO\"}");
    assert_int_equal(crm_update(crm, CRM_ACTOR_USER, "people", id, v, &err),
                     KITH_OK);
    jv_free(v);
    set_doc(crm, "people", id, "promoted");
    assert_int_equal(crm_commit(crm, &err), KITH_OK);
    struct jv *c = last_change(crm);
    int64_t group = jv_int(jv_get(c, "group_id"));
    jv_free(c);
    assert_int_equal(crm_undo_group(crm, CRM_ACTOR_USER, group, &err),
                     KITH_OK);
    check_doc(crm, "people", id, NULL);
    assert_int_equal(search_total(crm, "ceo"), 0);
    assert_int_equal(search_total(crm, "promoted"), 0);
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_document__round_trip),
        T(test_document__logged_and_undone),
        T(test_document__delete_and_undo_restore_it),
        T(test_document__searchable),
        T(test_document__refusals_write_nothing),
        T(test_document__in_a_group),
    };
#undef T
    return cmocka_run_group_tests(tests, NULL, NULL);
}
