/*
 * change: the change log (kith_changes) and undo.
 *
 * entry.c records every write here, inside the write's own transaction.
 * A group is the set of changes one operation made (a delete with the
 * relations it cleared, an import, an agent's turn); its id is the id of
 * its first change. Undo replays the opposite write through the same write
 * path, so an undo is validated, recorded and itself undoable.
 */
#include "crm/crm_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/xalloc.h"

int change_group_new(struct crm *crm, int64_t *group, struct kith_err *err)
{
    struct db_stmt *st;
    int ret = db_cached(crm->db,
                        "SELECT ifnull(max(id), 0) + 1 FROM kith_changes",
                        &st, err);
    if (ret < 0)
        return ret;
    ret = db_step(st, err);
    *group = ret == DB_ROW ? db_col_int(st, 0) : 0;
    db_reset(st);
    return ret < 0 ? ret : KITH_OK;
}

int change_record(struct crm *crm, const char *actor, const char *object,
                  int64_t entry_id, const char *op, const char *before,
                  const char *after, const char *at, struct kith_err *err)
{
    struct db_stmt *st;
    int ret = db_cached(crm->db,
                        "INSERT INTO kith_changes (at, actor, object, "
                        "entry_id, op, before, after, group_id) VALUES "
                        "(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                        &st, err);
    if (ret < 0)
        return ret;
    db_bind_str(st, 1, at);
    db_bind_str(st, 2, actor);
    db_bind_str(st, 3, object);
    db_bind_int(st, 4, entry_id);
    db_bind_str(st, 5, op);
    db_bind_str(st, 6, before);
    db_bind_str(st, 7, after);
    db_bind_int(st, 8, crm->group);
    ret = db_step(st, err);
    db_reset(st);
    return ret < 0 ? ret : KITH_OK;
}

/* Write a stored before/after column as JSON (null when empty). */
static void write_json_col(struct jw *w, struct db_stmt *st, int col)
{
    const char *s = db_col_text(st, col);
    struct jv *j = s ? jv_parse(s, db_col_bytes(st, col), NULL) : NULL;
    if (j)
        jw_value(w, j);
    else if (s)
        jw_str(w, s);
    else
        jw_null(w);
    jv_free(j);
}

int crm_log(struct crm *crm, const char *object, int64_t entry_id,
            int64_t limit, struct jv **out, struct kith_err *err)
{
    struct db_stmt *st = NULL;
    struct buf b = BUF_INIT;
    const struct crm_object *o = NULL;
    *out = NULL;
    int ret;
    if (object && (ret = crm_object_get(crm, object, &o, err)) < 0)
        return ret;
    ret = db_prepare(crm->db,
                     "SELECT id, at, actor, object, entry_id, op, before, "
                     "after, group_id FROM kith_changes "
                     "WHERE (?1 IS NULL OR object = ?1) "
                     "AND (?2 = 0 OR entry_id = ?2) "
                     "ORDER BY id DESC LIMIT ?3",
                     &st, err);
    if (ret < 0)
        return ret;
    db_bind_str(st, 1, o ? o->slug : NULL);
    db_bind_int(st, 2, entry_id);
    db_bind_int(st, 3, limit > 0 ? limit : 50);
    struct jw w;
    jw_init(&w, &b);
    jw_arr(&w);
    static const char *const cols[] = { "id",       "at", "actor",
                                        "object",   "entry_id", "op",
                                        "before",   "after", "group_id" };
    while ((ret = db_step(st, err)) == DB_ROW) {
        jw_obj(&w);
        for (int i = 0; i < 9; i++) {
            jw_key(&w, cols[i]);
            if (i == 6 || i == 7)
                write_json_col(&w, st, i);
            else if (db_col_type(st, i) == DB_INT)
                jw_int(&w, db_col_int(st, i));
            else
                jw_str(&w, db_col_text(st, i) ? db_col_text(st, i) : "");
        }
        jw_end_obj(&w);
    }
    jw_end_arr(&w);
    db_finalize(st);
    if (ret < 0) {
        buf_release(&b);
        return ret;
    }
    *out = jv_parse(b.buf, b.len, NULL);
    buf_release(&b);
    return KITH_OK;
}

/* One row of kith_changes, parsed. */
struct change {
    int64_t id, entry_id, group_id;
    char object[128];
    char op[16];
    struct jv *before, *after;
};

static void change_release(struct change *c)
{
    jv_free(c->before);
    jv_free(c->after);
}

static struct jv *parse_col(struct db_stmt *st, int col)
{
    const char *s = db_col_text(st, col);
    return s ? jv_parse(s, db_col_bytes(st, col), NULL) : NULL;
}

static int change_load(struct crm *crm, int64_t id, struct change *c,
                       struct kith_err *err)
{
    struct db_stmt *st;
    memset(c, 0, sizeof(*c));
    int ret = db_cached(crm->db,
                        "SELECT id, object, entry_id, op, before, after, "
                        "group_id FROM kith_changes WHERE id = ?1",
                        &st, err);
    if (ret < 0)
        return ret;
    db_bind_int(st, 1, id);
    ret = db_step(st, err);
    if (ret == DB_ROW) {
        c->id = db_col_int(st, 0);
        snprintf(c->object, sizeof(c->object), "%s", db_col_text(st, 1));
        c->entry_id = db_col_int(st, 2);
        snprintf(c->op, sizeof(c->op), "%s", db_col_text(st, 3));
        c->before = parse_col(st, 4);
        c->after = parse_col(st, 5);
        c->group_id = db_col_int(st, 6);
        ret = KITH_OK;
    } else if (ret == DB_DONE) {
        ret = kith_errf(err, KITH_ENOTFOUND, "there is no change #%lld",
                        (long long)id);
    }
    db_reset(st);
    return ret;
}

/*
 * After undoing the delete c of an entry, point back at it the relations
 * that the delete cleared (listed in its "before" as "_cleared"). Only
 * where the entry still exists and the relation is still empty: a value
 * set since is newer and is kept.
 */
static int restore_pointers(struct crm *crm, const char *actor,
                            const struct change *c, struct kith_err *err)
{
    const struct jv *cleared = jv_get(c->before, "_cleared");
    int ret = KITH_OK;
    for (size_t i = 0; i < jv_len(cleared) && ret >= 0; i++) {
        const struct jv *p = jv_at(cleared, i);
        const char *object = jv_str(jv_get(p, "object"));
        const char *field = jv_str(jv_get(p, "field"));
        const struct crm_object *o = object ? crm_object_find(crm, object)
                                            : NULL;
        int64_t id = jv_int(jv_get(p, "id"));
        struct jv *cur = NULL;
        if (!o || !field ||
            crm_get(crm, o->slug, id, &cur, NULL) < 0 ||
            jv_type(jv_get(cur, field)) != JV_NULL) {
            jv_free(cur);
            continue;
        }
        struct jv *restore = jv_object();
        jv_set_take(restore, field, jv_integer(c->entry_id));
        ret = entry_update(crm, actor, o, id, restore, err);
        jv_free(restore);
        jv_free(cur);
    }
    return ret < 0 ? ret : KITH_OK;
}

/*
 * Undo an update: its "before" values go back through entry_update, and a
 * document ("_document", from crm_doc_set) through doc_set.
 */
static int undo_update(struct crm *crm, const char *actor,
                       const struct crm_object *o, const struct change *c,
                       struct kith_err *err)
{
    const struct jv *doc = jv_get(c->before, "_document");
    if (!doc)
        return entry_update(crm, actor, o, c->entry_id, c->before, err);
    int ret = doc_set(crm, actor, o, c->entry_id, jv_str(doc), err);
    if (ret == KITH_OK && jv_len(c->before) > 1) {
        struct jv *rest = jv_copy(c->before);
        jv_del(rest, "_document");
        ret = entry_update(crm, actor, o, c->entry_id, rest, err);
        jv_free(rest);
    }
    return ret;
}

static int undo_one(struct crm *crm, const char *actor, const struct change *c,
                    struct kith_err *err)
{
    const struct crm_object *o = crm_object_find(crm, c->object);
    if (!o)
        return kith_errf(err, KITH_ENOTFOUND,
                         "change #%lld is to object '%s', which no longer "
                         "exists",
                         (long long)c->id, c->object);
    if (!strcmp(c->op, "create"))
        return entry_delete(crm, actor, o, c->entry_id, err);
    if (!strcmp(c->op, "update"))
        return undo_update(crm, actor, o, c, err);
    int ret = entry_restore(crm, actor, o, c->before, err);
    if (ret == KITH_OK)
        ret = restore_pointers(crm, actor, c, err);
    return ret;
}

int crm_undo(struct crm *crm, const char *actor, int64_t change_id,
             struct kith_err *err)
{
    struct change c;
    int ret = change_load(crm, change_id, &c, err);
    if (ret < 0)
        return ret;
    if ((ret = crm_begin(crm, err)) == KITH_OK) {
        ret = undo_one(crm, actor, &c, err);
        ret = entry_tx_end(crm, ret, err);
    }
    change_release(&c);
    if (ret < 0 && err) {
        char why[KITH_ERR_MAX];
        snprintf(why, sizeof(why), "%s", err->msg);
        kith_errf(err, ret, "cannot undo change #%lld: %.900s",
                  (long long)change_id, why);
    }
    return ret;
}

int crm_change_group(struct crm *crm, int64_t change_id, int64_t *group_id,
                     struct kith_err *err)
{
    struct change c;
    int ret = change_load(crm, change_id, &c, err);
    if (ret < 0)
        return ret;
    *group_id = c.group_id;
    change_release(&c);
    return KITH_OK;
}

int crm_undo_group(struct crm *crm, const char *actor, int64_t group_id,
                   struct kith_err *err)
{
    int64_t *ids;
    size_t n;
    int ret = db_ids(crm->db,
                     "SELECT id FROM kith_changes WHERE group_id = ?1 "
                     "ORDER BY id DESC",
                     group_id, &ids, &n, err);
    if (ret >= 0 && !n)
        ret = kith_errf(err, KITH_ENOTFOUND, "there is no change group #%lld",
                        (long long)group_id);
    if (ret < 0 || (ret = crm_begin(crm, err)) < 0) {
        free(ids);
        return ret;
    }
    for (size_t i = 0; i < n && ret >= 0; i++) {
        struct change c;
        if ((ret = change_load(crm, ids[i], &c, err)) < 0)
            break;
        ret = undo_one(crm, actor, &c, err);
        change_release(&c);
    }
    free(ids);
    return entry_tx_end(crm, ret < 0 ? ret : KITH_OK, err);
}
