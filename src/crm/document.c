/*
 * document: every entry's optional markdown document (kith_documents).
 *
 * A document belongs to its entry: setting it is recorded in the change log
 * as an "update" of the entry with before/after {"_document": text or
 * null} (no field slug starts with "_"), indexed for search in the same
 * transaction, and undone like any update. Deleting an entry deletes its
 * document and keeps it in the delete's "before" snapshot, so undoing the
 * delete brings it back (entry.c calls doc_take and doc_put for that).
 */
#include "crm/crm_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/utf8.h"
#include "base/xalloc.h"

/* KITH_ENOTFOUND unless entry id of o exists. */
static int entry_exists(struct crm *crm, const struct crm_object *o,
                        int64_t id, struct kith_err *err)
{
    struct buf sql = BUF_INIT;
    struct db_stmt *st;
    buf_appends(&sql, "SELECT 1 FROM ");
    db_quote_ident(&sql, o->slug);
    buf_appends(&sql, " WHERE id = ?1");
    int ret = db_cached(crm->db, sql.buf, &st, err);
    buf_release(&sql);
    if (ret < 0)
        return ret;
    db_bind_int(st, 1, id);
    ret = db_step(st, err);
    db_reset(st);
    if (ret == DB_DONE)
        return kith_errf(err, KITH_ENOTFOUND, "there is no %s entry #%lld",
                         o->slug, (long long)id);
    return ret < 0 ? ret : KITH_OK;
}

int doc_read(struct crm *crm, const struct crm_object *o, int64_t id,
             char **markdown, struct kith_err *err)
{
    struct db_stmt *st;
    *markdown = NULL;
    int ret = db_cached(crm->db,
                        "SELECT markdown FROM kith_documents "
                        "WHERE object = ?1 AND entry_id = ?2",
                        &st, err);
    if (ret < 0)
        return ret;
    db_bind_str(st, 1, o->slug);
    db_bind_int(st, 2, id);
    ret = db_step(st, err);
    if (ret == DB_ROW && db_col_text(st, 0))
        *markdown = xstrndup(db_col_text(st, 0), db_col_bytes(st, 0));
    db_reset(st);
    return ret < 0 ? ret : KITH_OK;
}

/* Write (markdown) or delete (NULL) the row, unrecorded and unindexed. */
static int doc_store(struct crm *crm, const struct crm_object *o, int64_t id,
                     const char *markdown, struct kith_err *err)
{
    struct db_stmt *st;
    char now[CLOCK_ISO_LEN];
    int ret = db_cached(crm->db,
                        markdown ? "INSERT OR REPLACE INTO kith_documents "
                                   "(object, entry_id, markdown, updated_at) "
                                   "VALUES (?1, ?2, ?3, ?4)"
                                 : "DELETE FROM kith_documents "
                                   "WHERE object = ?1 AND entry_id = ?2",
                        &st, err);
    if (ret < 0)
        return ret;
    db_bind_str(st, 1, o->slug);
    db_bind_int(st, 2, id);
    if (markdown) {
        clock_now_iso(now);
        db_bind_str(st, 3, markdown);
        db_bind_str(st, 4, now);
    }
    ret = db_step(st, err);
    db_reset(st);
    return ret < 0 ? ret : KITH_OK;
}

int doc_take(struct crm *crm, const struct crm_object *o, int64_t id,
             char **markdown, struct kith_err *err)
{
    int ret = doc_read(crm, o, id, markdown, err);
    if (ret == KITH_OK && *markdown)
        ret = doc_store(crm, o, id, NULL, err);
    if (ret < 0) {
        free(*markdown);
        *markdown = NULL;
    }
    return ret;
}

int doc_put(struct crm *crm, const struct crm_object *o, int64_t id,
            const char *markdown, struct kith_err *err)
{
    int ret = doc_store(crm, o, id, markdown, err);
    return ret < 0 ? ret : search_index_entry(crm, o, id, err);
}

/* Check a new document: UTF-8, at most CRM_DOC_MAX bytes. */
static int doc_check(const char *markdown, struct kith_err *err)
{
    size_t n = markdown ? strlen(markdown) : 0;
    if (n > CRM_DOC_MAX)
        return kith_errf(err, KITH_ETOOBIG,
                         "document: %zu bytes is more than the %d allowed", n,
                         CRM_DOC_MAX);
    if (!utf8_valid(markdown ? markdown : "", n))
        return kith_errf(err, KITH_EINVAL, "document: not valid UTF-8");
    return KITH_OK;
}

/* {"_document": text or null} for the change log. */
static void doc_json(struct buf *b, const char *markdown)
{
    struct jw w;
    jw_init(&w, b);
    jw_obj(&w);
    jw_key(&w, "_document");
    if (markdown)
        jw_str(&w, markdown);
    else
        jw_null(&w);
    jw_end_obj(&w);
}

int doc_set(struct crm *crm, const char *actor, const struct crm_object *o,
            int64_t id, const char *markdown, struct kith_err *err)
{
    struct buf before = BUF_INIT, after = BUF_INIT;
    char *old = NULL;
    char now[CLOCK_ISO_LEN];
    int ret = doc_check(markdown, err);
    if (ret < 0)
        return ret;
    if (markdown && !*markdown)
        markdown = NULL;
    if ((ret = crm_begin(crm, err)) < 0)
        return ret;
    if ((ret = entry_exists(crm, o, id, err)) < 0 ||
        (ret = doc_read(crm, o, id, &old, err)) < 0)
        goto out;
    if (old == markdown || (old && markdown && !strcmp(old, markdown)))
        goto out; /* nothing to write, nothing to record */
    doc_json(&before, old);
    doc_json(&after, markdown);
    clock_now_iso(now);
    if ((ret = doc_put(crm, o, id, markdown, err)) < 0)
        goto out;
    ret = change_record(crm, actor, o->slug, id, "update", before.buf,
                        after.buf, now, err);
out:
    free(old);
    buf_release(&before);
    buf_release(&after);
    return entry_tx_end(crm, ret, err);
}

int crm_doc_set(struct crm *crm, const char *actor, const char *object,
                int64_t id, const char *markdown, struct kith_err *err)
{
    const struct crm_object *o;
    int ret = crm_object_get(crm, object, &o, err);
    if (ret < 0)
        return ret;
    return doc_set(crm, actor, o, id, markdown, err);
}

int crm_doc_get(struct crm *crm, const char *object, int64_t id,
                char **markdown, struct kith_err *err)
{
    const struct crm_object *o;
    *markdown = NULL;
    int ret = crm_object_get(crm, object, &o, err);
    if (ret < 0 || (ret = entry_exists(crm, o, id, err)) < 0)
        return ret;
    return doc_read(crm, o, id, markdown, err);
}
