/*
 * view: saved views (kith_views), named lists of one object's entries.
 *
 * A view keeps a filter, a sort, the columns to show and a group-by field
 * (kanban: a select; calendar: a date or datetime). All of it is checked
 * against the object's schema when the view is saved, with the same
 * filter compiler and sort parser that crm_list uses, so a saved view
 * always lists. The schema keeps views sound too: removing an object
 * removes its views, and a field that a view uses cannot be removed
 * (view_check_field_unused).
 */
#include "crm/crm_int.h"

#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/utf8.h"
#include "base/xalloc.h"

#define VIEW_NAME_MAX 64

static const char *const view_kinds[] = { "table", "kanban", "calendar" };

static const char view_cols[] =
    "SELECT id, object, name, kind, \"where\", sort, columns, group_by, "
    "created_at, updated_at FROM kith_views";

/* ---- reading ---- */

static void put_text(struct jw *w, const char *key, struct db_stmt *st,
                     int col)
{
    jw_key(w, key);
    if (db_col_type(st, col) == DB_NULL)
        jw_null(w);
    else
        jw_str(w, db_col_text(st, col));
}

static void write_view(struct jw *w, struct db_stmt *st)
{
    jw_obj(w);
    jw_key(w, "id");
    jw_int(w, db_col_int(st, 0));
    put_text(w, "object", st, 1);
    put_text(w, "name", st, 2);
    put_text(w, "kind", st, 3);
    put_text(w, "where", st, 4);
    put_text(w, "sort", st, 5);
    jw_key(w, "columns");
    const char *cols = db_col_text(st, 6);
    if (cols)
        jw_raw(w, cols, strlen(cols)); /* a JSON array written by us */
    else
        jw_null(w);
    put_text(w, "group_by", st, 7);
    put_text(w, "created_at", st, 8);
    put_text(w, "updated_at", st, 9);
    jw_end_obj(w);
}

/*
 * Run view_cols + tail with text parameters p1, p2 (NULL: not bound) or
 * the integer id; *out is an array of views, or the one view when one.
 */
static int query_views(struct crm *crm, const char *tail, const char *p1,
                       const char *p2, int64_t id, bool one, struct jv **out,
                       struct kith_err *err)
{
    struct buf sql = BUF_INIT, b = BUF_INIT;
    struct db_stmt *st;
    struct jw w;
    size_t n = 0;
    *out = NULL;
    buf_appendf(&sql, "%s %s", view_cols, tail);
    int ret = db_cached(crm->db, sql.buf, &st, err);
    buf_release(&sql);
    if (ret < 0)
        return ret;
    if (p1)
        db_bind_str(st, 1, p1);
    if (p2)
        db_bind_str(st, 2, p2);
    if (id)
        db_bind_int(st, 1, id);
    jw_init(&w, &b);
    if (!one)
        jw_arr(&w);
    while ((ret = db_step(st, err)) == DB_ROW && (!one || n == 0)) {
        write_view(&w, st);
        n++;
    }
    db_reset(st);
    if (!one)
        jw_end_arr(&w);
    if (ret >= 0 && one && !n)
        ret = KITH_ENOTFOUND;
    if (ret >= 0 || ret == KITH_ENOTFOUND)
        *out = ret == KITH_ENOTFOUND ? NULL : jv_parse(b.buf, b.len, NULL);
    buf_release(&b);
    return ret < 0 ? ret : KITH_OK;
}

int crm_view_list(struct crm *crm, const char *object, struct jv **out,
                  struct kith_err *err)
{
    const struct crm_object *o = NULL;
    int ret;
    *out = NULL;
    if (object && (ret = crm_object_get(crm, object, &o, err)) < 0)
        return ret;
    if (o)
        return query_views(crm, "WHERE object = ?1 ORDER BY name COLLATE "
                                "NOCASE, id",
                           o->slug, NULL, 0, false, out, err);
    return query_views(crm, "ORDER BY object, name COLLATE NOCASE, id", NULL,
                       NULL, 0, false, out, err);
}

int crm_view_get(struct crm *crm, int64_t id, struct jv **out,
                 struct kith_err *err)
{
    int ret = query_views(crm, "WHERE id = ?1", NULL, NULL, id, true, out,
                          err);
    if (ret == KITH_ENOTFOUND)
        return kith_errf(err, ret, "there is no view #%lld", (long long)id);
    return ret;
}

int crm_view_find(struct crm *crm, const char *object, const char *name,
                  struct jv **out, struct kith_err *err)
{
    const struct crm_object *o;
    *out = NULL;
    int ret = crm_object_get(crm, object, &o, err);
    if (ret < 0)
        return ret;
    ret = query_views(crm, "WHERE object = ?1 AND name = ?2 COLLATE NOCASE",
                      o->slug, name, 0, true, out, err);
    if (ret == KITH_ENOTFOUND)
        return kith_errf(err, ret, "%s has no view '%s' (see: kith views %s)",
                         o->slug, name, o->slug);
    return ret;
}

/* ---- checking a view against its object ---- */

/* The checked, canonical form of a view, ready to store. */
struct view_row {
    char *name, *kind, *where, *sort, *columns, *group_by;
};

static void row_release(struct view_row *r)
{
    free(r->name);
    free(r->kind);
    free(r->where);
    free(r->sort);
    free(r->columns);
    free(r->group_by);
    memset(r, 0, sizeof(*r));
}

/* A string member (or null/absent) of spec: *out is a copy or NULL. */
static int spec_text(const struct jv *spec, const char *key, char **out,
                     struct kith_err *err)
{
    const struct jv *v = jv_get(spec, key);
    if (jv_type(v) == JV_NULL)
        return KITH_OK;
    if (jv_type(v) != JV_STRING)
        return kith_errf(err, KITH_EINVAL, "view: %s must be text", key);
    free(*out);
    *out = jv_strlen(v) ? xstrndup(jv_str(v), jv_strlen(v)) : NULL;
    return KITH_OK;
}

/* columns as a JSON array of field slugs, from an array or "a,b". */
static int check_columns(const struct crm_object *o, const struct jv *v,
                         char **out, struct kith_err *err)
{
    struct jv *arr = jv_array();
    int ret = KITH_OK;
    struct buf item = BUF_INIT;
    size_t n = jv_type(v) == JV_ARRAY ? jv_len(v) : 1;
    const char *list = jv_str(v);
    if (jv_type(v) != JV_ARRAY && jv_type(v) != JV_STRING)
        ret = kith_errf(err, KITH_EINVAL,
                        "view: columns must be a list of fields");
    for (size_t i = 0, at = 0; ret == KITH_OK; i++) {
        buf_reset(&item);
        if (jv_type(v) == JV_ARRAY) {
            if (i == n)
                break;
            if (!jv_str(jv_at(v, i))) {
                ret = kith_errf(err, KITH_EINVAL,
                                "view: columns must be a list of fields");
                break;
            }
            buf_appends(&item, jv_str(jv_at(v, i)));
        } else {
            if (!list[at] && i)
                break;
            const char *end = strchr(list + at, ',');
            size_t len = end ? (size_t)(end - list - at) : strlen(list + at);
            buf_append(&item, list + at, len);
            at += len + (end != NULL);
            if (!end && !len && i)
                break;
        }
        const char *name = item.buf;
        while (*name == ' ')
            name++;
        while (item.len && item.buf[item.len - 1] == ' ')
            item.buf[--item.len] = '\0';
        static const char *const sys[] = { "id", "created_at", "updated_at" };
        const char *slug = NULL;
        for (size_t k = 0; k < 3; k++)
            if (!strcasecmp(name, sys[k]))
                slug = sys[k];
        const struct crm_field *f = NULL;
        struct kith_err why = KITH_ERR_INIT;
        if (!slug && (ret = crm_field_get(o, name, &f, &why)) < 0) {
            ret = kith_errf(err, KITH_EINVAL, "view: columns: %s", why.msg);
            break;
        }
        jv_push_take(arr, jv_string(slug ? slug : f->slug));
    }
    if (ret == KITH_OK)
        *out = jv_len(arr) ? jv_dump(arr) : NULL;
    jv_free(arr);
    buf_release(&item);
    return ret;
}

static int check_kind(const struct crm_object *o, struct view_row *r,
                      struct kith_err *err)
{
    size_t k = 0;
    while (k < 3 && strcasecmp(r->kind, view_kinds[k]))
        k++;
    if (k == 3)
        return kith_errf(err, KITH_EINVAL,
                         "view: kind '%s' is not table, kanban or calendar",
                         r->kind);
    free(r->kind);
    r->kind = xstrdup(view_kinds[k]);
    const struct crm_field *f = NULL;
    struct kith_err why = KITH_ERR_INIT;
    if (r->group_by && crm_field_get(o, r->group_by, &f, &why) < 0)
        return kith_errf(err, KITH_EINVAL, "view: group_by: %s", why.msg);
    if (f) {
        free(r->group_by);
        r->group_by = xstrdup(f->slug);
    }
    if (k == 1 && (!f || f->type != CRM_SELECT))
        return kith_errf(err, KITH_EINVAL,
                         "view: a kanban view needs group_by, a select field "
                         "of %s",
                         o->slug);
    if (k == 2 && (!f || (f->type != CRM_DATE && f->type != CRM_DATETIME)))
        return kith_errf(err, KITH_EINVAL,
                         "view: a calendar view needs group_by, a date or "
                         "datetime field of %s",
                         o->slug);
    return KITH_OK;
}

/* Apply spec's members onto r and check the whole view against o. */
static int check_view(struct crm *crm, const struct crm_object *o,
                      const struct jv *spec, struct view_row *r,
                      struct kith_err *err)
{
    struct kith_err why = KITH_ERR_INIT;
    int ret;
    if (jv_type(spec) != JV_OBJECT)
        return kith_errf(err, KITH_EINVAL, "view: expected an object");
    if ((ret = spec_text(spec, "name", &r->name, err)) < 0 ||
        (ret = spec_text(spec, "kind", &r->kind, err)) < 0 ||
        (ret = spec_text(spec, "where", &r->where, err)) < 0 ||
        (ret = spec_text(spec, "sort", &r->sort, err)) < 0 ||
        (ret = spec_text(spec, "group_by", &r->group_by, err)) < 0)
        return ret;
    const struct jv *cols = jv_get(spec, "columns");
    if (jv_get(spec, "columns")) {
        free(r->columns);
        r->columns = NULL;
        if (jv_type(cols) != JV_NULL &&
            (ret = check_columns(o, cols, &r->columns, err)) < 0)
            return ret;
    }
    if (!r->name || !utf8_valid(r->name, strlen(r->name)) ||
        strlen(r->name) > VIEW_NAME_MAX)
        return kith_errf(err, KITH_EINVAL,
                         "view: a name of 1 to %d bytes of UTF-8 is needed",
                         VIEW_NAME_MAX);
    if (!r->kind)
        r->kind = xstrdup("table");
    if ((ret = check_kind(o, r, err)) < 0)
        return ret;
    struct filter f;
    struct query_sort qs;
    filter_init(&f);
    ret = filter_compile(crm, o, r->where, &f, &why);
    filter_release(&f);
    if (ret < 0)
        return kith_errf(err, ret, "view: where: %s", why.msg);
    ret = query_sort_parse(o, r->sort, &qs, &why);
    query_sort_release(&qs);
    if (ret < 0)
        return kith_errf(err, ret, "view: %s", why.msg);
    return KITH_OK;
}

/* ---- writing ---- */

static int name_taken(struct crm *crm, const char *object, const char *name,
                      int64_t except, struct kith_err *err)
{
    struct db_stmt *st;
    int ret = db_cached(crm->db,
                        "SELECT id FROM kith_views WHERE object = ?1 AND "
                        "name = ?2 COLLATE NOCASE AND id != ?3",
                        &st, err);
    if (ret < 0)
        return ret;
    db_bind_str(st, 1, object);
    db_bind_str(st, 2, name);
    db_bind_int(st, 3, except);
    ret = db_step(st, err);
    db_reset(st);
    if (ret == DB_ROW)
        return kith_errf(err, KITH_ECONFLICT,
                         "%s already has a view named '%s'", object, name);
    return ret < 0 ? ret : KITH_OK;
}

/* INSERT (id 0) or UPDATE the view row r of object. */
static int store(struct crm *crm, const char *object, int64_t id,
                 const struct view_row *r, int64_t *id_out,
                 struct kith_err *err)
{
    struct db_stmt *st;
    char now[CLOCK_ISO_LEN];
    int ret = name_taken(crm, object, r->name, id, err);
    if (ret < 0)
        return ret;
    ret = db_cached(crm->db,
                    id ? "UPDATE kith_views SET object = ?1, name = ?2, "
                         "kind = ?3, \"where\" = ?4, sort = ?5, columns = "
                         "?6, group_by = ?7, updated_at = ?8 WHERE id = ?9"
                       : "INSERT INTO kith_views (object, name, kind, "
                         "\"where\", sort, columns, group_by, created_at, "
                         "updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, "
                         "?8, ?8)",
                    &st, err);
    if (ret < 0)
        return ret;
    clock_now_iso(now);
    db_bind_str(st, 1, object);
    db_bind_str(st, 2, r->name);
    db_bind_str(st, 3, r->kind);
    db_bind_str(st, 4, r->where);
    db_bind_str(st, 5, r->sort);
    db_bind_str(st, 6, r->columns);
    db_bind_str(st, 7, r->group_by);
    db_bind_str(st, 8, now);
    if (id)
        db_bind_int(st, 9, id);
    ret = db_step(st, err);
    db_reset(st);
    if (ret >= 0 && id_out)
        *id_out = id ? id : db_last_id(crm->db);
    return ret < 0 ? ret : KITH_OK;
}

int crm_view_add(struct crm *crm, const struct jv *spec, int64_t *id,
                 struct kith_err *err)
{
    const struct crm_object *o;
    struct view_row r = { 0 };
    const char *object = jv_str(jv_get(spec, "object"));
    if (!object)
        return kith_errf(err, KITH_EINVAL, "view: object is needed");
    int ret = crm_object_get(crm, object, &o, err);
    if (ret == KITH_OK && (ret = check_view(crm, o, spec, &r, err)) == KITH_OK)
        ret = store(crm, o->slug, 0, &r, id, err);
    row_release(&r);
    return ret;
}

int crm_view_update(struct crm *crm, int64_t id, const struct jv *spec,
                    struct kith_err *err)
{
    struct jv *old = NULL;
    struct view_row r = { 0 };
    const struct crm_object *o;
    int ret = crm_view_get(crm, id, &old, err);
    if (ret < 0)
        return ret;
    if (jv_get(spec, "object") &&
        !jv_equal(jv_get(spec, "object"), jv_get(old, "object"))) {
        ret = kith_errf(err, KITH_EINVAL,
                        "view: its object cannot change; make a new view");
        goto out;
    }
    if (jv_type(spec) != JV_OBJECT) {
        ret = kith_errf(err, KITH_EINVAL, "view: expected an object");
        goto out;
    }
    void *it = NULL;
    struct jv *val;
    const char *key;
    while ((key = jv_next(spec, &it, &val)))
        jv_set_take(old, key, jv_ref(val));
    if ((ret = crm_object_get(crm, jv_str(jv_get(old, "object")), &o,
                              err)) < 0 ||
        (ret = check_view(crm, o, old, &r, err)) < 0)
        goto out;
    ret = store(crm, o->slug, id, &r, NULL, err);
out:
    row_release(&r);
    jv_free(old);
    return ret;
}

int crm_view_remove(struct crm *crm, int64_t id, struct kith_err *err)
{
    struct db_stmt *st;
    int ret = db_cached(crm->db, "DELETE FROM kith_views WHERE id = ?1", &st,
                        err);
    if (ret < 0)
        return ret;
    db_bind_int(st, 1, id);
    ret = db_step(st, err);
    db_reset(st);
    if (ret >= 0 && db_changes(crm->db) == 0)
        return kith_errf(err, KITH_ENOTFOUND, "there is no view #%lld",
                         (long long)id);
    return ret < 0 ? ret : KITH_OK;
}

/* ---- the schema's side ---- */

static bool names_field(const struct crm_object *o, const char *name,
                        const struct crm_field *f)
{
    return name && crm_field_find(o, name) == f;
}

int view_check_field_unused(struct crm *crm, const struct crm_object *o,
                            const struct crm_field *f, struct kith_err *err)
{
    struct jv *views = NULL;
    int ret = crm_view_list(crm, o->slug, &views, err);
    for (size_t i = 0; ret == KITH_OK && i < jv_len(views); i++) {
        const struct jv *v = jv_at(views, i);
        const char *use = NULL;
        if (filter_mentions(o, jv_str(jv_get(v, "where")), f))
            use = "filter";
        else if (names_field(o, jv_str(jv_get(v, "group_by")), f))
            use = "group_by";
        const struct jv *cols = jv_get(v, "columns");
        for (size_t k = 0; !use && k < jv_len(cols); k++)
            if (names_field(o, jv_str(jv_at(cols, k)), f))
                use = "columns";
        struct query_sort qs;
        memset(&qs, 0, sizeof(qs));
        buf_init(&qs.spec, 0);
        if (!use && query_sort_parse(o, jv_str(jv_get(v, "sort")), &qs,
                                     NULL) == KITH_OK)
            for (size_t k = 0; !use && k < qs.nkeys; k++)
                if (!strcmp(qs.keys[k].col, f->slug))
                    use = "sort";
        query_sort_release(&qs);
        if (use)
            ret = kith_errf(err, KITH_ECONFLICT,
                            "%s.%s is used by the %s of view '%s'; change or "
                            "remove the view first",
                            o->slug, f->slug, use,
                            jv_str(jv_get(v, "name")));
    }
    jv_free(views);
    return ret;
}

int view_remove_object(struct crm *crm, const char *object,
                       struct kith_err *err)
{
    struct db_stmt *st;
    int ret = db_cached(crm->db, "DELETE FROM kith_views WHERE object = ?1",
                        &st, err);
    if (ret < 0)
        return ret;
    db_bind_str(st, 1, object);
    ret = db_step(st, err);
    db_reset(st);
    return ret < 0 ? ret : KITH_OK;
}
