/*
 * entry: the one write path for entries, and reading them back.
 *
 * Every create, update and delete (from the CLI, the API, imports, undo and
 * the agent) comes through here: values are validated by field type
 * (value.c), relations resolved, the row written and the change recorded
 * in kith_changes, all inside one transaction (a savepoint when the caller
 * groups writes with crm_begin), so a failure leaves nothing half-written.
 */
#include "crm/crm_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/xalloc.h"

#define LIST_DEFAULT_LIMIT 50

/* ---- transactions and groups ---- */

int crm_begin(struct crm *crm, struct kith_err *err)
{
    int ret = db_tx_begin(crm->db, err);
    if (ret < 0)
        return ret;
    if (crm->depth++ == 0 &&
        (ret = change_group_new(crm, &crm->group, err)) < 0) {
        crm_rollback(crm);
        return ret;
    }
    return KITH_OK;
}

int crm_commit(struct crm *crm, struct kith_err *err)
{
    if (crm->broken && crm->depth == 1) {
        crm_rollback(crm);
        return kith_errf(err, KITH_EDB,
                         "a write in this group failed half-way, so none "
                         "of the group was saved");
    }
    int ret = db_tx_commit(crm->db, err);
    if (ret < 0) {
        crm_rollback(crm);
        return ret;
    }
    if (--crm->depth == 0)
        crm->group = 0;
    return KITH_OK;
}

void crm_rollback(struct crm *crm)
{
    db_tx_rollback(crm->db);
    if (crm->depth > 0 && --crm->depth == 0) {
        crm->group = 0;
        crm->broken = false;
    }
}

int64_t crm_group(const struct crm *crm)
{
    return crm->depth > 0 ? crm->group : 0;
}

int entry_tx_end(struct crm *crm, int ret, struct kith_err *err)
{
    if (ret < 0) {
        crm_rollback(crm);
        return ret;
    }
    return crm_commit(crm, err);
}

/* ---- values ---- */

static void write_val(struct jw *w, const struct crm_field *f,
                      const struct crm_val *v)
{
    switch (v->kind) {
    case DB_INT:
        if (f->type == CRM_BOOLEAN)
            jw_bool(w, v->i != 0);
        else
            jw_int(w, v->i);
        break;
    case DB_REAL: jw_real(w, v->d); break;
    case DB_TEXT:
        if (f->type == CRM_MULTI_SELECT)
            jw_raw(w, v->s, strlen(v->s)); /* made by parse_multi */
        else
            jw_str(w, v->s);
        break;
    default: jw_null(w);
    }
}

/* Does the stored value in column col equal v? */
static bool same_val(struct db_stmt *st, int col, const struct crm_val *v)
{
    enum db_type t = db_col_type(st, col);
    if (t == DB_NULL || v->kind == DB_NULL)
        return t == v->kind;
    if (v->kind == DB_TEXT)
        return t == DB_TEXT && !strcmp(db_col_text(st, col), v->s);
    if (t == DB_TEXT)
        return false;
    double a = db_col_real(st, col);
    double b = v->kind == DB_INT ? (double)v->i : v->d;
    return a == b;
}

/* Check a relation target exists, or find it by its label. */
static int resolve_relation(struct crm *crm, const struct crm_field *f,
                            struct crm_val *v, struct kith_err *err)
{
    const struct crm_object *t = f->target;
    if (v->kind == DB_NULL)
        return KITH_OK;
    if (!t)
        return kith_errf(err, KITH_EINVAL, "%s: its target object is gone",
                         f->slug);
    struct buf sql = BUF_INIT;
    struct db_stmt *st;
    buf_appends(&sql, "SELECT id FROM ");
    db_quote_ident(&sql, t->slug);
    if (v->kind == DB_INT) {
        buf_appends(&sql, " WHERE id = ?1");
    } else {
        buf_appends(&sql, " WHERE ");
        db_quote_ident(&sql, t->label);
        buf_appends(&sql, " = ?1 LIMIT 2");
    }
    int ret = db_cached(crm->db, sql.buf, &st, err);
    buf_release(&sql);
    if (ret < 0)
        return ret;
    value_bind(st, 1, v);
    int64_t found = 0;
    size_t n = 0;
    while ((ret = db_step(st, err)) == DB_ROW) {
        found = db_col_int(st, 0);
        n++;
    }
    db_reset(st);
    if (ret < 0)
        return ret;
    if (v->kind == DB_INT && n == 0)
        return kith_errf(err, KITH_EINVAL, "%s: there is no %s entry #%lld",
                         f->slug, t->slug, (long long)v->i);
    if (n == 0)
        return kith_errf(err, KITH_EINVAL, "%s: no %s entry is named '%s'",
                         f->slug, t->slug, v->s);
    if (n > 1)
        return kith_errf(err, KITH_EINVAL,
                         "%s: more than one %s entry is named '%s'; give its "
                         "id instead",
                         f->slug, t->slug, v->s);
    value_release(v);
    v->kind = DB_INT;
    v->i = found;
    return KITH_OK;
}

/*
 * Parse a values object into vals[nfields] (DB_NULL where not given) and
 * set given[i] for the fields it names.
 */
static int parse_values(struct crm *crm, const struct crm_object *o,
                        const struct jv *values, struct crm_val *vals,
                        bool *given, struct kith_err *err)
{
    if (jv_type(values) != JV_OBJECT)
        return kith_errf(err, KITH_EINVAL,
                         "values must be an object of field: value");
    void *it = NULL;
    struct jv *val;
    const char *key;
    while ((key = jv_next(values, &it, &val))) {
        const struct crm_field *f;
        int ret = crm_field_get(o, key, &f, err);
        if (ret < 0)
            return ret;
        size_t i = (size_t)(f - o->fields);
        if (given[i])
            return kith_errf(err, KITH_EINVAL, "%s: given twice", f->slug);
        given[i] = true;
        if ((ret = value_parse(f, val, &vals[i], err)) < 0)
            return ret;
        if (f->type == CRM_RELATION &&
            (ret = resolve_relation(crm, f, &vals[i], err)) < 0)
            return ret;
    }
    return KITH_OK;
}

static void release_values(struct crm_val *vals, size_t n)
{
    for (size_t i = 0; i < n; i++)
        value_release(&vals[i]);
    free(vals);
}

/* ---- create ---- */

/* Take back a row that insert_entry wrote but could not record. */
static void uninsert(struct crm *crm, const struct crm_object *o, int64_t id)
{
    struct buf sql = BUF_INIT;
    struct db_stmt *st;
    buf_appends(&sql, "DELETE FROM ");
    db_quote_ident(&sql, o->slug);
    buf_appends(&sql, " WHERE id = ?1");
    if (db_cached(crm->db, sql.buf, &st, NULL) < 0) {
        crm->broken = true;
    } else {
        db_bind_int(st, 1, id);
        if (db_step(st, NULL) < 0)
            crm->broken = true;
        db_reset(st);
    }
    if (search_unindex(crm, o, id, NULL) < 0)
        crm->broken = true;
    buf_release(&sql);
}

/*
 * Insert one entry of o: id 0 lets SQLite choose, created may be NULL for
 * now. Records the change as a create with the full entry as "after".
 *
 * Inside a group (crm_begin) this is the hot path of imports, so it opens
 * no savepoint: the INSERT is one statement, atomic on its own, and if
 * recording it fails the row is deleted again (or the group is marked
 * broken and its commit refused).
 */
static int insert_entry(struct crm *crm, const char *actor,
                        const struct crm_object *o, int64_t id,
                        const char *created, struct crm_val *vals,
                        int64_t *id_out, struct kith_err *err)
{
    const struct crm_field *label = crm_label_field(o);
    size_t li = label ? (size_t)(label - o->fields) : 0;
    if (label && vals[li].kind == DB_NULL)
        return kith_errf(err, KITH_EINVAL, "%s: required", label->slug);
    char now[CLOCK_ISO_LEN];
    clock_now_iso(now);
    struct db_stmt *st;
    bool own_tx = crm->depth == 0;
    int ret = own_tx ? crm_begin(crm, err) : KITH_OK;
    if (ret < 0)
        return ret;
    if ((ret = db_cached(crm->db, o->insert_sql, &st, err)) < 0)
        goto out;
    if (id)
        db_bind_int(st, 1, id);
    db_bind_str(st, 2, created ? created : now);
    db_bind_str(st, 3, now);
    for (size_t i = 0; i < o->nfields; i++)
        value_bind(st, (int)i + 4, &vals[i]);
    ret = db_step(st, err);
    db_reset(st);
    if (ret < 0) {
        if (ret == KITH_ECONFLICT && id)
            kith_errf(err, ret, "%s entry #%lld already exists", o->slug,
                      (long long)id);
        goto out;
    }
    id = db_last_id(crm->db);
    if ((ret = search_index_vals(crm, o, id, vals, err)) < 0) {
        if (!own_tx)
            uninsert(crm, o, id);
        goto out;
    }
    struct buf *after = &crm->scratch;
    struct jw w;
    buf_reset(after);
    jw_init(&w, after);
    jw_obj(&w);
    jw_key(&w, "id");
    jw_int(&w, id);
    jw_key(&w, "created_at");
    jw_str(&w, created ? created : now);
    for (size_t i = 0; i < o->nfields; i++) {
        if (vals[i].kind == DB_NULL)
            continue;
        jw_key(&w, o->fields[i].slug);
        write_val(&w, &o->fields[i], &vals[i]);
    }
    jw_end_obj(&w);
    ret = change_record(crm, actor, o->slug, id, "create", NULL, after->buf,
                        now, err);
    if (ret < 0 && !own_tx)
        uninsert(crm, o, id);
    if (ret == KITH_OK && id_out)
        *id_out = id;
out:
    return own_tx ? entry_tx_end(crm, ret, err) : ret;
}

int crm_create(struct crm *crm, const char *actor, const char *object,
               const struct jv *values, int64_t *id, struct kith_err *err)
{
    const struct crm_object *o;
    int ret = crm_object_get(crm, object, &o, err);
    if (ret < 0)
        return ret;
    struct crm_val *vals = xcalloc(o->nfields + 1, sizeof(*vals));
    bool *given = xcalloc(o->nfields + 1, sizeof(bool));
    ret = parse_values(crm, o, values, vals, given, err);
    if (ret == KITH_OK)
        ret = insert_entry(crm, actor, o, 0, NULL, vals, id, err);
    release_values(vals, o->nfields);
    free(given);
    return ret;
}

int entry_restore(struct crm *crm, const char *actor,
                  const struct crm_object *o, const struct jv *snapshot,
                  struct kith_err *err)
{
    struct crm_val *vals = xcalloc(o->nfields + 1, sizeof(*vals));
    int ret = KITH_OK;
    for (size_t i = 0; i < o->nfields && ret == KITH_OK; i++) {
        const struct crm_field *f = &o->fields[i];
        ret = value_parse(f, jv_get(snapshot, f->slug), &vals[i], err);
        /* A target deleted since leaves the relation empty. */
        if (ret == KITH_OK && f->type == CRM_RELATION &&
            resolve_relation(crm, f, &vals[i], NULL) < 0)
            value_release(&vals[i]);
    }
    int64_t id = jv_int(jv_get(snapshot, "id"));
    if (ret == KITH_OK)
        ret = insert_entry(crm, actor, o, id,
                           jv_str(jv_get(snapshot, "created_at")), vals, NULL,
                           err);
    /* The document the delete kept (document.c). */
    const char *doc = jv_str(jv_get(snapshot, "_document"));
    if (ret == KITH_OK && doc)
        ret = doc_put(crm, o, id, doc, err);
    release_values(vals, o->nfields);
    return ret;
}

/* ---- reading ---- */

/* Select one entry of o by id into *st (cached); KITH_ENOTFOUND if none. */
static int select_one(struct crm *crm, const struct crm_object *o, int64_t id,
                      struct db_stmt **st, struct kith_err *err)
{
    struct buf sql = BUF_INIT;
    buf_appendf(&sql, "%s WHERE t.id = ?1", o->select_sql);
    int ret = db_cached(crm->db, sql.buf, st, err);
    buf_release(&sql);
    if (ret < 0)
        return ret;
    db_bind_int(*st, 1, id);
    ret = db_step(*st, err);
    if (ret == DB_ROW)
        return KITH_OK;
    db_reset(*st);
    if (ret == DB_DONE)
        return kith_errf(err, KITH_ENOTFOUND, "there is no %s entry #%lld",
                         o->slug, (long long)id);
    return ret;
}

/* Write the row at st (from select_sql) as the entry JSON of crm.h. */
static void write_entry(struct jw *w, const struct crm_object *o,
                        struct db_stmt *st)
{
    jw_obj(w);
    jw_key(w, "id");
    jw_int(w, db_col_int(st, 0));
    jw_key(w, "created_at");
    jw_str(w, db_col_text(st, 1) ? db_col_text(st, 1) : "");
    jw_key(w, "updated_at");
    jw_str(w, db_col_text(st, 2) ? db_col_text(st, 2) : "");
    int label_col = 3 + (int)o->nfields;
    for (size_t i = 0; i < o->nfields; i++) {
        const struct crm_field *f = &o->fields[i];
        int col = 3 + (int)i;
        jw_key(w, f->slug);
        if (f->type != CRM_RELATION || !f->target) {
            value_write(w, f, st, col);
            continue;
        }
        int lc = label_col++;
        if (db_col_type(st, col) == DB_NULL) {
            jw_null(w);
            continue;
        }
        jw_obj(w);
        jw_key(w, "id");
        jw_int(w, db_col_int(st, col));
        jw_key(w, "label");
        if (db_col_type(st, lc) == DB_NULL)
            jw_null(w);
        else
            jw_str(w, db_col_text(st, lc));
        jw_end_obj(w);
    }
    jw_end_obj(w);
}

static struct jv *to_jv(struct buf *b)
{
    struct jv *j = jv_parse(b->buf, b->len, NULL);
    buf_release(b);
    return j;
}

int crm_get_json(struct crm *crm, const char *object, int64_t id,
                 struct buf *out, struct kith_err *err)
{
    const struct crm_object *o;
    struct db_stmt *st;
    int ret = crm_object_get(crm, object, &o, err);
    if (ret < 0 || (ret = select_one(crm, o, id, &st, err)) < 0)
        return ret;
    struct jw w;
    jw_init(&w, out);
    write_entry(&w, o, st);
    db_reset(st);
    return KITH_OK;
}

int crm_get(struct crm *crm, const char *object, int64_t id, struct jv **out,
            struct kith_err *err)
{
    struct buf b = BUF_INIT;
    *out = NULL;
    int ret = crm_get_json(crm, object, id, &b, err);
    if (ret < 0) {
        buf_release(&b);
        return ret;
    }
    *out = to_jv(&b);
    return KITH_OK;
}

int crm_count(struct crm *crm, const struct crm_object *o, int64_t *out,
              struct kith_err *err)
{
    struct buf sql = BUF_INIT;
    struct db_stmt *st;
    buf_appends(&sql, "SELECT count(*) FROM ");
    db_quote_ident(&sql, o->slug);
    int ret = db_cached(crm->db, sql.buf, &st, err);
    buf_release(&sql);
    if (ret < 0)
        return ret;
    ret = db_step(st, err);
    *out = ret == DB_ROW ? db_col_int(st, 0) : 0;
    db_reset(st);
    return ret < 0 ? ret : KITH_OK;
}

/* Count the entries of o that f matches (all when f is empty). */
static int count_where(struct crm *crm, const struct crm_object *o,
                       const struct filter *f, int64_t *out,
                       struct kith_err *err)
{
    if (!f->sql.len)
        return crm_count(crm, o, out, err);
    struct buf sql = BUF_INIT;
    struct db_stmt *st;
    buf_appends(&sql, "SELECT count(*) FROM ");
    db_quote_ident(&sql, o->slug);
    buf_appendf(&sql, " AS t%s WHERE %s", f->joins.buf, f->sql.buf);
    int ret = db_cached(crm->db, sql.buf, &st, err);
    buf_release(&sql);
    if (ret < 0)
        return ret;
    filter_bind(f, st, 1);
    ret = db_step(st, err);
    *out = ret == DB_ROW ? db_col_int(st, 0) : 0;
    db_reset(st);
    return ret < 0 ? ret : KITH_OK;
}

/* The filter of a list: q->where, ANDed with its view's where if any. */
static int view_filter(struct crm *crm, const struct crm_object *o,
                       const struct crm_query *q, struct filter *out,
                       const struct jv *view, struct kith_err *err)
{
    struct filter vf;
    struct kith_err why = KITH_ERR_INIT;
    int ret = filter_compile(crm, o, q->where, out, err);
    if (ret < 0 || !view)
        return ret;
    filter_init(&vf);
    ret = filter_compile(crm, o, jv_str(jv_get(view, "where")), &vf, &why);
    if (ret < 0)
        return kith_errf(err, ret, "view '%s': %s",
                         jv_str(jv_get(view, "name")), why.msg);
    filter_and(&vf, out); /* the view's first, then --where */
    *out = vf;
    return KITH_OK;
}

/*
 * The page's SELECT: the filter, the rows after the cursor, the order and
 * a LIMIT (the last parameter); parameters in that order. With an offset
 * (never with a cursor) a subquery picks the page's ids first, with the
 * filter, the order, a LIMIT and the OFFSET (parameters in that order,
 * before the outer LIMIT): it needs only the sort's columns and the ids,
 * which an index often holds, so the rows it skips are not read.
 */
static void list_sql(const struct crm_object *o, const struct filter *where,
                     const struct filter *after, const struct query_sort *qs,
                     bool offset, struct buf *sql)
{
    buf_appends(sql, o->select_sql);
    if (offset) {
        buf_appends(sql, " WHERE t.id IN (SELECT t.id");
        buf_appends(sql, strstr(o->select_sql, " FROM "));
        if (where->sql.len)
            buf_appendf(sql, " WHERE (%s)", where->sql.buf);
        query_order_sql(qs, sql);
        buf_appends(sql, " LIMIT ? OFFSET ?)");
    } else {
        if (where->sql.len)
            buf_appendf(sql, " WHERE (%s)", where->sql.buf);
        if (after->sql.len)
            buf_appendf(sql, " %s (%s)", where->sql.len ? "AND" : "WHERE",
                        after->sql.buf);
    }
    query_order_sql(qs, sql);
    buf_appends(sql, " LIMIT ?");
}

/* limit and offset in range, and offset not together with a cursor. */
static int check_page(const struct crm_query *q, int64_t limit,
                      struct kith_err *err)
{
    if (limit < 0 || limit > CRM_LIST_MAX_LIMIT)
        return kith_errf(err, KITH_EINVAL,
                         limit < 0 ? "limit must be a positive number"
                                   : "limit must be at most %d",
                         CRM_LIST_MAX_LIMIT);
    if (q->offset < 0 || q->offset > CRM_LIST_MAX_OFFSET)
        return kith_errf(err, KITH_EINVAL,
                         "offset must be a whole number from 0 to %d, "
                         "not %lld",
                         CRM_LIST_MAX_OFFSET, (long long)q->offset);
    if (q->offset && q->cursor)
        return kith_errf(err, KITH_EINVAL,
                         "offset and cursor cannot be used together: a "
                         "cursor continues a page, an offset jumps to one");
    return KITH_OK;
}

int crm_list_json(struct crm *crm, const char *object,
                  const struct crm_query *q, struct buf *out,
                  struct kith_err *err)
{
    static const struct crm_query none = { 0 };
    const struct crm_object *o;
    struct db_stmt *st = NULL;
    struct buf sql = BUF_INIT;
    size_t start = out->len;
    struct filter where, after;
    struct query_sort qs = { 0 };
    struct jv *view = NULL;
    char *next = NULL;
    int64_t total = 0, n = 0;
    filter_init(&where);
    filter_init(&after);
    buf_init(&qs.spec, 0);
    q = q ? q : &none;
    int64_t limit = q->limit ? q->limit : LIST_DEFAULT_LIMIT;
    int ret = crm_object_get(crm, object, &o, err);
    if (ret < 0)
        goto out;
    if (q->view && (ret = crm_view_find(crm, o->slug, q->view, &view, err)) < 0)
        goto out;
    const char *view_sort = jv_str(jv_get(view, "sort"));
    if ((ret = check_page(q, limit, err)) < 0)
        goto out;
    if ((ret = view_filter(crm, o, q, &where, view, err)) < 0 ||
        (ret = query_sort_parse(o, q->sort ? q->sort : view_sort, &qs,
                                err)) < 0 ||
        (q->cursor && (ret = query_cursor_decode(&qs, q->cursor, err)) < 0))
        goto out;
    if (!q->no_count && (ret = count_where(crm, o, &where, &total, err)) < 0)
        goto out;
    query_after_sql(&qs, &after);
    list_sql(o, &where, &after, &qs, q->offset > 0, &sql);
    if ((ret = db_cached(crm->db, sql.buf, &st, err)) < 0)
        goto out;
    filter_bind(&where, st, 1);
    int param = 1 + (int)where.nparams;
    if (q->offset > 0) {
        db_bind_int(st, param++, limit + 1);
        db_bind_int(st, param++, q->offset);
    } else {
        filter_bind(&after, st, param);
        param += (int)after.nparams;
    }
    db_bind_int(st, param, limit + 1);
    struct jw w;
    jw_init(&w, out);
    jw_obj(&w);
    jw_key(&w, "entries");
    jw_arr(&w);
    while ((ret = db_step(st, err)) == DB_ROW) {
        if (n++ == limit) { /* one more row than asked: there is a next page */
            ret = DB_DONE;
            break;
        }
        write_entry(&w, o, st);
        if (n == limit) {
            free(next);
            next = query_cursor_encode(&qs, st);
        }
    }
    if (ret < 0)
        goto out;
    if (n <= limit) { /* this was the last page */
        free(next);
        next = NULL;
    }
    jw_end_arr(&w);
    jw_key(&w, "total");
    if (q->no_count)
        jw_null(&w);
    else
        jw_int(&w, total);
    jw_key(&w, "next_cursor");
    if (next)
        jw_str(&w, next);
    else
        jw_null(&w);
    jw_end_obj(&w);
    ret = KITH_OK;
out:
    if (st)
        db_reset(st);
    if (ret < 0)
        buf_truncate(out, start);
    jv_free(view);
    free(next);
    filter_release(&where);
    filter_release(&after);
    query_sort_release(&qs);
    buf_release(&sql);
    return ret;
}

int crm_list(struct crm *crm, const char *object, const struct crm_query *q,
             struct jv **out, struct kith_err *err)
{
    struct buf b = BUF_INIT;
    *out = NULL;
    int ret = crm_list_json(crm, object, q, &b, err);
    if (ret < 0) {
        buf_release(&b);
        return ret;
    }
    *out = to_jv(&b);
    return KITH_OK;
}

/* ---- update ---- */

int entry_update(struct crm *crm, const char *actor,
                 const struct crm_object *o, int64_t id,
                 const struct jv *values, struct kith_err *err)
{
    struct crm_val *vals = xcalloc(o->nfields + 1, sizeof(*vals));
    bool *given = xcalloc(o->nfields + 1, sizeof(bool));
    struct buf sql = BUF_INIT, before = BUF_INIT, after = BUF_INIT;
    struct db_stmt *st = NULL;
    struct jw wb, wa;
    bool in_tx = false;
    int ret = parse_values(crm, o, values, vals, given, err);
    if (ret < 0 || (ret = crm_begin(crm, err)) < 0)
        goto out;
    in_tx = true;
    if ((ret = select_one(crm, o, id, &st, err)) < 0)
        goto out;
    const struct crm_field *label = crm_label_field(o);
    jw_init(&wb, &before);
    jw_init(&wa, &after);
    jw_obj(&wb);
    jw_obj(&wa);
    buf_appends(&sql, "UPDATE ");
    db_quote_ident(&sql, o->slug);
    buf_appends(&sql, " SET updated_at = ?1");
    int nchanged = 0;
    for (size_t i = 0; i < o->nfields; i++) {
        const struct crm_field *f = &o->fields[i];
        if (!given[i] || same_val(st, 3 + (int)i, &vals[i]))
            continue;
        if (f == label && vals[i].kind == DB_NULL) {
            ret = kith_errf(err, KITH_EINVAL, "%s: required", f->slug);
            goto out;
        }
        nchanged++;
        jw_key(&wb, f->slug);
        value_write(&wb, f, st, 3 + (int)i);
        jw_key(&wa, f->slug);
        write_val(&wa, f, &vals[i]);
        buf_appends(&sql, ", ");
        db_quote_ident(&sql, f->slug);
        buf_appendf(&sql, " = ?%zu", i + 3);
    }
    db_reset(st);
    jw_end_obj(&wb);
    jw_end_obj(&wa);
    if (!nchanged)
        goto out; /* nothing to write, nothing to record */
    buf_appends(&sql, " WHERE id = ?2");
    char now[CLOCK_ISO_LEN];
    clock_now_iso(now);
    if ((ret = db_cached(crm->db, sql.buf, &st, err)) < 0)
        goto out;
    db_bind_str(st, 1, now);
    db_bind_int(st, 2, id);
    for (size_t i = 0; i < o->nfields; i++)
        if (given[i])
            value_bind(st, (int)i + 3, &vals[i]);
    ret = db_step(st, err);
    db_reset(st);
    if (ret >= 0)
        ret = change_record(crm, actor, o->slug, id, "update", before.buf,
                            after.buf, now, err);
    if (ret >= 0)
        ret = search_index_entry(crm, o, id, err);
out:
    if (in_tx)
        ret = entry_tx_end(crm, ret < 0 ? ret : KITH_OK, err);
    release_values(vals, o->nfields);
    free(given);
    buf_release(&sql);
    buf_release(&before);
    buf_release(&after);
    return ret;
}

int crm_update(struct crm *crm, const char *actor, const char *object,
               int64_t id, const struct jv *values, struct kith_err *err)
{
    const struct crm_object *o;
    int ret = crm_object_get(crm, object, &o, err);
    if (ret < 0)
        return ret;
    return entry_update(crm, actor, o, id, values, err);
}


/* ---- delete ---- */

/*
 * Set to null every relation that points at entry id of target, each a
 * recorded update, and list them in *cleared as JSON items
 * {"object", "id", "field"} (the delete keeps them, for its undo).
 */
static int clear_pointers(struct crm *crm, const char *actor,
                          const struct crm_object *target, int64_t id,
                          struct jw *cleared, struct kith_err *err)
{
    for (size_t i = 0; i < crm->nobjects; i++) {
        const struct crm_object *o = &crm->objects[i];
        for (size_t j = 0; j < o->nfields; j++) {
            const struct crm_field *f = &o->fields[j];
            if (f->type != CRM_RELATION || f->target != target)
                continue;
            struct buf sql = BUF_INIT;
            buf_appends(&sql, "SELECT id FROM ");
            db_quote_ident(&sql, o->slug);
            buf_appends(&sql, " WHERE ");
            db_quote_ident(&sql, f->slug);
            buf_appends(&sql, " = ?1");
            int64_t *ids;
            size_t n;
            int ret = db_ids(crm->db, sql.buf, id, &ids, &n, err);
            buf_release(&sql);
            if (ret < 0)
                return ret;
            struct jv *clear = jv_object();
            jv_set_take(clear, f->slug, jv_null());
            for (size_t k = 0; k < n && ret >= 0; k++) {
                ret = entry_update(crm, actor, o, ids[k], clear, err);
                jw_obj(cleared);
                jw_key(cleared, "object");
                jw_str(cleared, o->slug);
                jw_key(cleared, "id");
                jw_int(cleared, ids[k]);
                jw_key(cleared, "field");
                jw_str(cleared, f->slug);
                jw_end_obj(cleared);
            }
            jv_free(clear);
            free(ids);
            if (ret < 0)
                return ret;
        }
    }
    return KITH_OK;
}

int entry_delete(struct crm *crm, const char *actor,
                 const struct crm_object *o, int64_t id,
                 struct kith_err *err)
{
    struct buf before = BUF_INIT, sql = BUF_INIT, cleared = BUF_INIT;
    struct db_stmt *st;
    struct jw cw;
    char *doc = NULL;
    jw_init(&cw, &cleared);
    jw_arr(&cw);
    int ret = crm_begin(crm, err);
    if (ret < 0)
        return ret;
    /* Pointers first, so undoing the group in reverse restores the entry
     * before the relations that name it. */
    if ((ret = select_one(crm, o, id, &st, err)) < 0)
        goto out;
    db_reset(st);
    if ((ret = clear_pointers(crm, actor, o, id, &cw, err)) < 0 ||
        (ret = doc_take(crm, o, id, &doc, err)) < 0 ||
        (ret = select_one(crm, o, id, &st, err)) < 0)
        goto out;
    struct jw w;
    jw_init(&w, &before);
    jw_obj(&w);
    jw_key(&w, "id");
    jw_int(&w, id);
    jw_key(&w, "created_at");
    jw_str(&w, db_col_text(st, 1));
    jw_key(&w, "updated_at");
    jw_str(&w, db_col_text(st, 2));
    for (size_t i = 0; i < o->nfields; i++) {
        if (db_col_type(st, 3 + (int)i) == DB_NULL)
            continue;
        jw_key(&w, o->fields[i].slug);
        value_write(&w, &o->fields[i], st, 3 + (int)i);
    }
    jw_end_arr(&cw);
    if (cleared.len > 2) { /* not "[]" */
        jw_key(&w, "_cleared"); /* no slug starts with "_" */
        jw_raw(&w, cleared.buf, cleared.len);
    }
    if (doc) { /* the document goes with the entry, and comes back on undo */
        jw_key(&w, "_document");
        jw_str(&w, doc);
    }
    jw_end_obj(&w);
    db_reset(st);
    buf_appends(&sql, "DELETE FROM ");
    db_quote_ident(&sql, o->slug);
    buf_appends(&sql, " WHERE id = ?1");
    if ((ret = db_cached(crm->db, sql.buf, &st, err)) < 0)
        goto out;
    db_bind_int(st, 1, id);
    ret = db_step(st, err);
    db_reset(st);
    char now[CLOCK_ISO_LEN];
    clock_now_iso(now);
    if (ret >= 0)
        ret = search_unindex(crm, o, id, err);
    if (ret >= 0)
        ret = change_record(crm, actor, o->slug, id, "delete", before.buf,
                            NULL, now, err);
out:
    free(doc);
    buf_release(&before);
    buf_release(&sql);
    buf_release(&cleared);
    return entry_tx_end(crm, ret < 0 ? ret : KITH_OK, err);
}

int crm_delete(struct crm *crm, const char *actor, const char *object,
               int64_t id, struct kith_err *err)
{
    const struct crm_object *o;
    int ret = crm_object_get(crm, object, &o, err);
    if (ret < 0)
        return ret;
    return entry_delete(crm, actor, o, id, err);
}
