/*
 * dupes: finding likely duplicate entries, and merging two into one.
 *
 * crm_dupes asks SQL for groups (GROUP BY a normalised key, HAVING
 * count(*) > 1), so it scales with the table, not with pairs of entries:
 * emails compare trimmed and lowercased, phones by their digits (the last
 * 10 when there are more, so "+1 312 555 0199" and "(312) 555-0199" match;
 * an extension after "x" or "ext" is left out; fewer than 7 digits never
 * match), labels trimmed and lowercased within one company.
 *
 * crm_merge is one change group made only of ordinary recorded writes
 * (entry_update, doc_set, entry_delete), so crm_undo_group takes the whole
 * merge back: the deleted entry returns with its id and document, and the
 * relations that were moved point at it again.
 */
#include "crm/crm_int.h"

#include <stdlib.h>
#include <string.h>

#include "base/xalloc.h"

/* Put between two documents when a merge joins them. */
#define MERGE_DOC_SEPARATOR "\n\n---\n\n"

/* ---- finding duplicates ---- */

enum dupes_kind { DUPES_EMAIL, DUPES_PHONE, DUPES_NAME };

struct dupes_rule {
    enum dupes_kind kind;
    const char *col;                 /* the compared column */
    const struct crm_field *company; /* name rule: relation to companies */
};

/*
 * The keyed CTE: every entry of src with its key k, computed from the
 * value v. Phones: the digits before any extension ("x12", "ext 12"; the
 * phone type allows only digits and " +-().xet", value.c), the last 10.
 */
static void dupes_keyed_sql(enum dupes_kind kind, struct buf *sql)
{
    buf_appends(sql, "keyed AS (SELECT id, label, v, c, ");
    if (kind != DUPES_PHONE) {
        buf_appends(sql, "lower(trim(v)) AS k FROM src)");
        return;
    }
    buf_appends(sql,
                "CASE WHEN length(d) > 10 THEN substr(d, -10) "
                "WHEN length(d) >= 7 THEN d END AS k FROM (SELECT *, "
                "replace(replace(replace(replace(replace(replace(substr(v, "
                "1, CASE WHEN instr(v, 'e') > 0 THEN instr(v, 'e') - 1 "
                "WHEN instr(v, 'x') > 0 THEN instr(v, 'x') - 1 "
                "ELSE length(v) END), ' ', ''), '+', ''), '-', ''), '(', "
                "''), ')', ''), '.', '') AS d FROM src))");
}

/*
 * SELECT k, c, id, label, v, company label: every entry in a group of
 * two or more with the same key k (and company c, NULL unless the name
 * rule has one), ordered by group, then id.
 */
static void dupes_sql(const struct crm_object *o, const struct dupes_rule *r,
                      struct buf *sql)
{
    const struct crm_object *co = r->company ? r->company->target : NULL;
    buf_appends(sql, "WITH src AS (SELECT id, ");
    db_quote_ident(sql, o->label);
    buf_appends(sql, " AS label, ");
    db_quote_ident(sql, r->col);
    buf_appends(sql, " AS v, ");
    if (r->company)
        db_quote_ident(sql, r->company->slug);
    else
        buf_appends(sql, "NULL");
    buf_appends(sql, " AS c FROM ");
    db_quote_ident(sql, o->slug);
    buf_appends(sql, " WHERE ");
    db_quote_ident(sql, r->col);
    buf_appends(sql, " IS NOT NULL), ");
    dupes_keyed_sql(r->kind, sql);
    buf_appends(sql, ", dup AS (SELECT k, c FROM keyed WHERE k IS NOT NULL "
                     "AND k <> '' GROUP BY k, c HAVING count(*) > 1) "
                     "SELECT keyed.k, keyed.c, keyed.id, keyed.label, "
                     "keyed.v, ");
    if (co) {
        buf_appends(sql, "co.");
        db_quote_ident(sql, co->label);
    } else {
        buf_appends(sql, "NULL");
    }
    buf_appends(sql, " FROM keyed JOIN dup ON dup.k = keyed.k "
                     "AND dup.c IS keyed.c");
    if (co) {
        buf_appends(sql, " LEFT JOIN ");
        db_quote_ident(sql, co->slug);
        buf_appends(sql, " AS co ON co.id = keyed.c");
    }
    buf_appends(sql, " ORDER BY keyed.k, keyed.c, keyed.id");
}

/* The reason a group of rule r shares, for the row at st. */
static void dupes_reason(const struct dupes_rule *r, struct db_stmt *st,
                         struct buf *out)
{
    buf_reset(out);
    if (r->kind == DUPES_EMAIL)
        buf_appends(out, "same email");
    else if (r->kind == DUPES_PHONE)
        buf_appends(out, "same phone");
    else if (!r->company)
        buf_appends(out, "same name");
    else if (db_col_type(st, 1) == DB_NULL)
        buf_appendf(out, "same name, no %s", r->company->slug);
    else if (db_col_text(st, 5))
        buf_appendf(out, "same name at %s", db_col_text(st, 5));
    else
        buf_appendf(out, "same name at %s #%lld", r->company->target->slug,
                    (long long)db_col_int(st, 1));
}

/* Run rule r and append its groups to groups. */
static int dupes_collect(struct crm *crm, const struct crm_object *o,
                         const struct dupes_rule *r, struct jv *groups,
                         struct kith_err *err)
{
    struct buf sql = BUF_INIT, key = BUF_INIT, reason = BUF_INIT;
    struct db_stmt *st = NULL;
    struct jv *entries = NULL;
    dupes_sql(o, r, &sql);
    int ret = db_prepare(crm->db, sql.buf, &st, err);
    if (ret < 0)
        goto out;
    int64_t group_c = 0;
    while ((ret = db_step(st, err)) == DB_ROW) {
        /* A group is a run of rows with the same key and company. */
        const char *k = db_col_text(st, 0);
        int64_t c = db_col_type(st, 1) == DB_NULL ? 0 : db_col_int(st, 1);
        if (!entries || c != group_c || strcmp(k, key.buf)) {
            buf_reset(&key);
            buf_appends(&key, k);
            group_c = c;
            struct jv *g = jv_object();
            dupes_reason(r, st, &reason);
            jv_set_take(g, "reason", jv_string(reason.buf));
            jv_set_take(g, "value", jv_string(db_col_text(st, 4)));
            entries = jv_array();
            jv_set_take(g, "entries", entries);
            jv_push_take(groups, g);
        }
        struct jv *e = jv_object();
        jv_set_take(e, "id", jv_integer(db_col_int(st, 2)));
        jv_set_take(e, "label", jv_string(db_col_text(st, 3)));
        jv_push_take(entries, e);
    }
    if (ret == DB_DONE)
        ret = KITH_OK;
out:
    db_finalize(st);
    buf_release(&sql);
    buf_release(&key);
    buf_release(&reason);
    return ret;
}

/* The object's first relation field to companies, or NULL. */
static const struct crm_field *company_field(const struct crm_object *o)
{
    for (size_t i = 0; i < o->nfields; i++) {
        const struct crm_field *f = &o->fields[i];
        if (f->type == CRM_RELATION && f->target && f->target != o &&
            !strcmp(f->target->slug, "companies"))
            return f;
    }
    return NULL;
}

int crm_dupes(struct crm *crm, const char *object, struct jv **out,
              struct kith_err *err)
{
    const struct crm_object *o;
    *out = NULL;
    int ret = crm_object_get(crm, object, &o, err);
    if (ret < 0)
        return ret;
    struct jv *groups = jv_array();
    static const enum crm_type order[] = { CRM_EMAIL, CRM_PHONE };
    for (size_t k = 0; k < 2 && ret == KITH_OK; k++)
        for (size_t i = 0; i < o->nfields && ret == KITH_OK; i++) {
            if (o->fields[i].type != order[k])
                continue;
            struct dupes_rule r = {
                .kind = k ? DUPES_PHONE : DUPES_EMAIL,
                .col = o->fields[i].slug,
            };
            ret = dupes_collect(crm, o, &r, groups, err);
        }
    if (ret == KITH_OK) {
        struct dupes_rule r = { .kind = DUPES_NAME, .col = o->label,
                                .company = company_field(o) };
        ret = dupes_collect(crm, o, &r, groups, err);
    }
    if (ret < 0) {
        jv_free(groups);
        return ret;
    }
    *out = jv_object();
    jv_set_take(*out, "object", jv_string(o->slug));
    jv_set_take(*out, "groups", groups);
    return KITH_OK;
}

/* ---- merging ---- */

static bool is_empty(const struct jv *v)
{
    return jv_type(v) == JV_NULL ||
           (jv_type(v) == JV_ARRAY && jv_len(v) == 0);
}

/* keep's list with other's items that it lacks added, or NULL if none. */
static struct jv *union_list(const struct jv *keep, const struct jv *other)
{
    struct jv *all = NULL;
    for (size_t i = 0; i < jv_len(other); i++) {
        const struct jv *item = jv_at(other, i);
        bool found = false;
        for (size_t j = 0; j < jv_len(keep) && !found; j++)
            found = jv_equal(jv_at(keep, j), item);
        if (found)
            continue;
        if (!all)
            all = jv_copy(keep);
        jv_push_take(all, jv_copy(item));
    }
    return all;
}

/*
 * The values that fill keep's empty fields from other: {slug: value}.
 * A relation is not filled with a pointer to either entry itself.
 */
static struct jv *merge_fill(const struct crm_object *o, int64_t id,
                             int64_t other_id, const struct jv *keep,
                             const struct jv *other)
{
    struct jv *fill = jv_object();
    for (size_t i = 0; i < o->nfields; i++) {
        const struct crm_field *f = &o->fields[i];
        const struct jv *kv = jv_get(keep, f->slug);
        const struct jv *ov = jv_get(other, f->slug);
        if (is_empty(ov))
            continue;
        if (f->type == CRM_MULTI_SELECT && !is_empty(kv)) {
            struct jv *all = union_list(kv, ov);
            if (all)
                jv_set_take(fill, f->slug, all);
            continue;
        }
        if (!is_empty(kv))
            continue;
        if (f->type == CRM_RELATION && f->target == o) {
            int64_t to = jv_int(jv_get(ov, "id"));
            if (to == id || to == other_id)
                continue;
        }
        jv_set_take(fill, f->slug, jv_copy(ov));
    }
    return fill;
}

/* Point every relation that names other_id of o at id instead. */
static int repoint(struct crm *crm, const char *actor,
                   const struct crm_object *o, int64_t other_id, int64_t id,
                   struct kith_err *err)
{
    int ret = KITH_OK;
    for (size_t i = 0; i < crm->nobjects && ret == KITH_OK; i++) {
        const struct crm_object *p = &crm->objects[i];
        for (size_t j = 0; j < p->nfields && ret == KITH_OK; j++) {
            const struct crm_field *f = &p->fields[j];
            if (f->type != CRM_RELATION || f->target != o)
                continue;
            struct buf sql = BUF_INIT;
            int64_t *ids = NULL;
            size_t n = 0;
            buf_appends(&sql, "SELECT id FROM ");
            db_quote_ident(&sql, p->slug);
            buf_appends(&sql, " WHERE ");
            db_quote_ident(&sql, f->slug);
            buf_appends(&sql, " = ?1 ORDER BY id");
            ret = db_ids(crm->db, sql.buf, other_id, &ids, &n, err);
            buf_release(&sql);
            struct jv *to = jv_object();
            jv_set_take(to, f->slug, jv_integer(id));
            for (size_t k = 0; k < n && ret == KITH_OK; k++)
                if (p != o || ids[k] != other_id) /* it is going anyway */
                    ret = entry_update(crm, actor, p, ids[k], to, err);
            jv_free(to);
            free(ids);
        }
    }
    return ret;
}

/* Give id the document of other_id: taken when id has none, appended
 * under a separator when it has one. other_id's copy goes with its
 * delete (which keeps it for undo). */
static int move_doc(struct crm *crm, const char *actor,
                    const struct crm_object *o, int64_t id, int64_t other_id,
                    struct kith_err *err)
{
    char *mine = NULL, *theirs = NULL;
    int ret = doc_read(crm, o, other_id, &theirs, err);
    if (ret == KITH_OK && theirs)
        ret = doc_read(crm, o, id, &mine, err);
    if (ret == KITH_OK && theirs) {
        struct buf both = BUF_INIT;
        if (mine) {
            buf_appends(&both, mine);
            while (both.len && (both.buf[both.len - 1] == '\n' ||
                                both.buf[both.len - 1] == ' '))
                buf_truncate(&both, both.len - 1);
            buf_appends(&both, MERGE_DOC_SEPARATOR);
        }
        buf_appends(&both, theirs);
        ret = doc_set(crm, actor, o, id, both.buf, err);
        buf_release(&both);
    }
    free(mine);
    free(theirs);
    return ret;
}

int crm_merge(struct crm *crm, const char *actor, const char *object,
              int64_t id, int64_t other_id, int64_t *group_id,
              struct kith_err *err)
{
    const struct crm_object *o;
    struct jv *keep = NULL, *other = NULL, *fill = NULL;
    if (group_id)
        *group_id = 0;
    int ret = crm_object_get(crm, object, &o, err);
    if (ret < 0)
        return ret;
    if (id == other_id)
        return kith_errf(err, KITH_EINVAL,
                         "cannot merge %s #%lld with itself", o->slug,
                         (long long)id);
    if ((ret = crm_begin(crm, err)) < 0)
        return ret;
    int64_t group = crm->group;
    if ((ret = crm_get(crm, o->slug, id, &keep, err)) < 0 ||
        (ret = crm_get(crm, o->slug, other_id, &other, err)) < 0)
        goto out;
    fill = merge_fill(o, id, other_id, keep, other);
    if (jv_len(fill) &&
        (ret = entry_update(crm, actor, o, id, fill, err)) < 0)
        goto out;
    if ((ret = repoint(crm, actor, o, other_id, id, err)) < 0 ||
        (ret = move_doc(crm, actor, o, id, other_id, err)) < 0)
        goto out;
    ret = entry_delete(crm, actor, o, other_id, err);
out:
    jv_free(keep);
    jv_free(other);
    jv_free(fill);
    ret = entry_tx_end(crm, ret, err);
    if (ret == KITH_OK && group_id)
        *group_id = group;
    return ret;
}
