/*
 * query: the sort order of crm_list and its keyset cursors.
 *
 * A sort spec ("-amount,name") becomes ORDER BY over columns taken from
 * the schema, always ending with id, so the order is total: no two rows
 * tie. A page's next_cursor holds the last row's sort values and id
 * (base64url of a small JSON array that also names the sort), and the next
 * page asks for the rows strictly after that row in the same order. Unlike
 * an OFFSET, this neither repeats nor skips rows when others are inserted
 * or deleted between pages.
 *
 * SQLite puts NULLs first in ascending order and last in descending order;
 * the "after" predicate follows that, and uses IS for equality, so empty
 * values page like any other.
 */
#include "crm/crm_int.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "base/xalloc.h"

#define CURSOR_MAX_BYTES (256 * 1024)

static const char b64[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/* ---- sort specs ---- */

static int add_key(struct query_sort *q, const char *col, int idx, bool desc,
                   bool not_null)
{
    for (size_t i = 0; i < q->nkeys; i++)
        if (!strcmp(q->keys[i].col, col))
            return KITH_OK; /* a repeat adds nothing */
    q->keys[q->nkeys++] = (struct query_key){ col, idx, desc, not_null };
    buf_appendf(&q->spec, "%s%s%s", q->spec.len ? "," : "", desc ? "-" : "",
                col);
    return KITH_OK;
}

static int parse_one(const struct crm_object *o, const char *item, size_t n,
                     struct query_sort *q, struct kith_err *err)
{
    static const char *const sys[] = { "id", "created_at", "updated_at" };
    while (n && isspace((unsigned char)*item))
        item++, n--;
    while (n && isspace((unsigned char)item[n - 1]))
        n--;
    bool desc = n && (*item == '-' || *item == '+');
    desc = desc && *item == '-';
    if (n && (*item == '-' || *item == '+'))
        item++, n--;
    if (q->nkeys >= QUERY_MAX_KEYS)
        return kith_errf(err, KITH_EINVAL, "sort: at most %d fields",
                         QUERY_MAX_KEYS);
    char *name = xstrndup(item, n);
    int ret = KITH_OK;
    for (size_t i = 0; i < 3; i++)
        if (!strcasecmp(name, sys[i])) {
            ret = add_key(q, sys[i], (int)i, desc, true);
            goto out;
        }
    const struct crm_field *f;
    struct kith_err why = KITH_ERR_INIT;
    if (crm_field_get(o, name, &f, &why) < 0) {
        ret = kith_errf(err, KITH_EINVAL, "sort: %s", why.msg);
        goto out;
    }
    ret = add_key(q, f->slug, 3 + (int)(f - o->fields), desc, false);
out:
    free(name);
    return ret;
}

int query_sort_parse(const struct crm_object *o, const char *sort,
                     struct query_sort *q, struct kith_err *err)
{
    memset(q, 0, sizeof(*q));
    buf_init(&q->spec, 0);
    const char *p = sort && *sort ? sort : NULL;
    while (p) {
        const char *end = strchr(p, ',');
        size_t n = end ? (size_t)(end - p) : strlen(p);
        int ret = parse_one(o, p, n, q, err);
        if (ret < 0)
            return ret;
        /* id is unique: keys after it could never matter */
        if (!strcmp(q->keys[q->nkeys - 1].col, "id"))
            return KITH_OK;
        p = end ? end + 1 : NULL;
    }
    bool has_id = false;
    for (size_t i = 0; i < q->nkeys; i++)
        has_id = has_id || !strcmp(q->keys[i].col, "id");
    /* id breaks ties in the direction of the last key, so an index on
     * that key (which ends in the rowid) gives the whole order */
    bool desc = q->nkeys && q->keys[q->nkeys - 1].desc;
    if (!has_id)
        q->keys[q->nkeys++] = (struct query_key){ "id", 0, desc, true };
    return KITH_OK;
}

void query_sort_release(struct query_sort *q)
{
    for (size_t i = 0; i < q->nkeys; i++)
        value_release(&q->after[i]);
    buf_release(&q->spec);
    q->nkeys = 0;
    q->has_after = false;
}

void query_order_sql(const struct query_sort *q, struct buf *sql)
{
    buf_appends(sql, " ORDER BY ");
    for (size_t i = 0; i < q->nkeys; i++) {
        buf_appends(sql, i ? ", t." : "t.");
        db_quote_ident(sql, q->keys[i].col);
        buf_appends(sql, q->keys[i].desc ? " DESC" : " ASC");
    }
}

/* ---- cursors ---- */

static void b64_encode(struct buf *out, const unsigned char *s, size_t n)
{
    for (size_t i = 0; i < n; i += 3) {
        unsigned v = (unsigned)s[i] << 16;
        if (i + 1 < n)
            v |= (unsigned)s[i + 1] << 8;
        if (i + 2 < n)
            v |= s[i + 2];
        buf_appendc(out, b64[v >> 18 & 63]);
        buf_appendc(out, b64[v >> 12 & 63]);
        if (i + 1 < n)
            buf_appendc(out, b64[v >> 6 & 63]);
        if (i + 2 < n)
            buf_appendc(out, b64[v & 63]);
    }
}

static int b64_decode(const char *s, struct buf *out)
{
    unsigned v = 0;
    int bits = 0;
    for (; *s; s++) {
        const char *p = strchr(b64, *s);
        if (!p)
            return KITH_EINVAL;
        v = (v << 6 | (unsigned)(p - b64)) & 0xFFFFFF;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            buf_appendc(out, (char)(v >> bits & 0xFF));
        }
    }
    return bits >= 6 ? KITH_EINVAL : KITH_OK; /* a lone 6-bit tail */
}

char *query_cursor_encode(const struct query_sort *q, struct db_stmt *st)
{
    struct buf json = BUF_INIT, out = BUF_INIT;
    struct jw w;
    jw_init(&w, &json);
    jw_arr(&w);
    jw_str(&w, q->spec.buf);
    for (size_t i = 0; i < q->nkeys; i++) {
        int c = q->keys[i].idx;
        switch (db_col_type(st, c)) {
        case DB_INT: jw_int(&w, db_col_int(st, c)); break;
        case DB_REAL: jw_real(&w, db_col_real(st, c)); break;
        case DB_NULL: jw_null(&w); break;
        default: jw_strn(&w, db_col_text(st, c), db_col_bytes(st, c));
        }
    }
    jw_end_arr(&w);
    b64_encode(&out, (const unsigned char *)json.buf, json.len);
    buf_release(&json);
    return buf_detach(&out, NULL);
}

static int bad_cursor(struct kith_err *err)
{
    return kith_errf(err, KITH_EINVAL,
                     "cursor is not valid: give the next_cursor of the page "
                     "before, unchanged");
}

/* One decoded cursor value into v; false if it is not a scalar. */
static bool cursor_val(const struct jv *j, struct crm_val *v)
{
    memset(v, 0, sizeof(*v));
    switch (jv_type(j)) {
    case JV_NULL: return true;
    case JV_INT: v->kind = DB_INT, v->i = jv_int(j); return true;
    case JV_REAL: v->kind = DB_REAL, v->d = jv_num(j); return true;
    case JV_STRING:
        v->kind = DB_TEXT;
        v->s = xstrndup(jv_str(j), jv_strlen(j));
        return true;
    default: return false;
    }
}

int query_cursor_decode(struct query_sort *q, const char *cursor,
                        struct kith_err *err)
{
    struct buf raw = BUF_INIT;
    struct jv *arr = NULL;
    int ret = KITH_OK;
    if (strlen(cursor) > CURSOR_MAX_BYTES || b64_decode(cursor, &raw) < 0 ||
        !(arr = jv_parse(raw.buf, raw.len, NULL)) ||
        jv_type(arr) != JV_ARRAY || jv_len(arr) != q->nkeys + 1 ||
        jv_type(jv_at(arr, 0)) != JV_STRING) {
        ret = bad_cursor(err);
        goto out;
    }
    if (strcmp(jv_str(jv_at(arr, 0)), q->spec.buf)) {
        ret = kith_errf(err, KITH_EINVAL,
                        "cursor was made for another sort order ('%s'); "
                        "list again without it",
                        jv_str(jv_at(arr, 0)));
        goto out;
    }
    for (size_t i = 0; i < q->nkeys; i++) {
        if (!cursor_val(jv_at(arr, i + 1), &q->after[i]) ||
            (q->keys[i].not_null && q->after[i].kind == DB_NULL)) {
            ret = bad_cursor(err);
            goto out;
        }
    }
    q->has_after = true;
out:
    if (ret < 0)
        for (size_t i = 0; i < q->nkeys; i++)
            value_release(&q->after[i]);
    jv_free(arr);
    buf_release(&raw);
    return ret;
}

static void push_val(struct filter *f, const struct crm_val *v)
{
    if (f->nparams == f->cap) {
        f->cap = f->cap ? f->cap * 2 : 8;
        f->params = xrealloc(f->params, f->cap * sizeof(*f->params));
    }
    struct crm_val *p = &f->params[f->nparams++];
    *p = *v;
    if (v->kind == DB_TEXT)
        p->s = xstrdup(v->s);
}

static void col(struct buf *b, const struct query_key *k)
{
    buf_appends(b, "t.");
    db_quote_ident(b, k->col);
}

/* Rows that come strictly after value v in key k's order. */
static void after_one(const struct query_key *k, const struct crm_val *v,
                      struct filter *out)
{
    struct buf *b = &out->sql;
    bool null = v->kind == DB_NULL;
    if (!k->desc && null) { /* NULLs first: everything else is after */
        col(b, k);
        buf_appends(b, " IS NOT NULL");
    } else if (!k->desc) {
        col(b, k);
        buf_appends(b, " > ?");
        push_val(out, v);
    } else if (null) { /* NULLs last: nothing is after */
        buf_appends(b, "0");
    } else {
        buf_appendc(b, '(');
        col(b, k);
        buf_appends(b, " < ? OR ");
        col(b, k);
        buf_appends(b, " IS NULL)");
        push_val(out, v);
    }
}

void query_after_sql(const struct query_sort *q, struct filter *out)
{
    filter_release(out);
    if (!q->has_after)
        return;
    struct buf *b = &out->sql;
    const struct query_key *k0 = &q->keys[0];
    const struct crm_val *v0 = &q->after[0];
    /* A bound on the first key that an index can seek to. */
    if (v0->kind != DB_NULL && (!k0->desc || k0->not_null)) {
        col(b, k0);
        buf_appends(b, k0->desc ? " <= ? AND " : " >= ? AND ");
        push_val(out, v0);
    }
    /* after(k1) OR (k1 IS v1 AND (after(k2) OR (k2 IS v2 AND ...))) */
    for (size_t i = 0; i < q->nkeys; i++) {
        const struct query_key *k = &q->keys[i];
        buf_appendc(b, '(');
        after_one(k, &q->after[i], out);
        if (i + 1 == q->nkeys)
            break;
        buf_appends(b, " OR (");
        col(b, k);
        if (q->after[i].kind == DB_NULL) {
            buf_appends(b, " IS NULL AND ");
        } else {
            buf_appends(b, " = ? AND ");
            push_val(out, &q->after[i]);
        }
    }
    for (size_t i = 0; i + 1 < q->nkeys; i++)
        buf_appends(b, "))");
    buf_appendc(b, ')');
}
