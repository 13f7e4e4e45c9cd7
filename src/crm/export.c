/*
 * export: an object's entries as CSV, in the text form import reads back.
 *
 * Entries come from crm_list page by page (keyset cursor, no count), so
 * an export of any size holds one page in memory. Each value is written in
 * its type's text form: multi_select as "a, b" (as a JSON array when an
 * option itself holds a comma), a relation as its target's label, booleans
 * as true/false, numbers in the shortest form that reads back the same.
 * A relation is written as the target's id instead when its label would
 * not lead back to it: empty, shaped like a number (import reads that as
 * an id), or shared by several entries of the target. crm_csv_header and
 * crm_csv_row are shared with `kith ls --csv`.
 */
#include "crm/crm_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/csv.h"
#include "base/xalloc.h"

#define EXPORT_PAGE 500

/* Append the shortest text of d that reads back as d. */
static void append_real(struct buf *b, double d)
{
    char num[64];
    for (int prec = 1; prec <= 17; prec++) {
        snprintf(num, sizeof(num), "%.*g", prec, d);
        if (strtod(num, NULL) == d)
            break;
    }
    buf_appends(b, num);
}

/* A multi_select list: "a, b", or JSON when an option has a comma. */
static void append_list(struct buf *b, const struct jv *v)
{
    for (size_t i = 0; i < jv_len(v); i++)
        if (!jv_str(jv_at(v, i)) || strchr(jv_str(jv_at(v, i)), ',')) {
            jv_write(b, v);
            return;
        }
    for (size_t i = 0; i < jv_len(v); i++)
        buf_appendf(b, "%s%s", i ? ", " : "", jv_str(jv_at(v, i)));
}

/* Does s look like a number (which import takes for an entry id)? */
static bool numeric(const char *s)
{
    bool digit = false;
    for (; *s; s++) {
        if (!strchr("0123456789+-.eE", *s))
            return false;
        digit |= *s >= '0' && *s <= '9';
    }
    return digit;
}

/* Is label shared by more than one entry of f's target? */
static bool ambiguous(struct crm *crm, const struct crm_field *f,
                      const char *label)
{
    struct buf sql = BUF_INIT;
    struct db_stmt *st;
    if (!crm || !f->target)
        return false;
    buf_appends(&sql, "SELECT count(*) FROM (SELECT 1 FROM ");
    db_quote_ident(&sql, f->target->slug);
    buf_appends(&sql, " WHERE ");
    db_quote_ident(&sql, f->target->label);
    buf_appends(&sql, " = ?1 LIMIT 2)");
    int ret = db_cached(crm->db, sql.buf, &st, NULL);
    buf_release(&sql);
    if (ret < 0)
        return false;
    db_bind_str(st, 1, label);
    bool many = db_step(st, NULL) == DB_ROW && db_col_int(st, 0) > 1;
    db_reset(st);
    return many;
}

/* A relation value {"id", "label"}: the label, or the id (see above). */
static void append_relation(struct crm *crm, const struct crm_field *f,
                            struct buf *b, const struct jv *v)
{
    const char *label = jv_str(jv_get(v, "label"));
    if (label && *label && !numeric(label) && !ambiguous(crm, f, label))
        buf_appends(b, label);
    else
        buf_appendf(b, "%lld", (long long)jv_int(jv_get(v, "id")));
}

/* Append the text form of one entry value (as crm_get gives it) to b. */
static void append_text(struct crm *crm, const struct crm_field *f,
                        struct buf *b, const struct jv *v)
{
    switch (jv_type(v)) {
    case JV_NULL: break;
    case JV_BOOL: buf_appends(b, jv_bool(v) ? "true" : "false"); break;
    case JV_INT: buf_appendf(b, "%lld", (long long)jv_int(v)); break;
    case JV_REAL: append_real(b, jv_num(v)); break;
    case JV_STRING: buf_append(b, jv_str(v), jv_strlen(v)); break;
    case JV_ARRAY: append_list(b, v); break;
    case JV_OBJECT: append_relation(crm, f, b, v); break;
    }
}

void crm_csv_header(const struct crm_object *o, struct buf *out)
{
    for (size_t i = 0; i < o->nfields; i++) {
        if (i)
            buf_appendc(out, ',');
        csv_append_field(out, o->fields[i].slug, strlen(o->fields[i].slug));
    }
    buf_appends(out, "\r\n");
}

void crm_csv_row(struct crm *crm, const struct crm_object *o,
                 const struct jv *entry, struct buf *out)
{
    struct buf cell = BUF_INIT;
    for (size_t i = 0; i < o->nfields; i++) {
        buf_reset(&cell);
        append_text(crm, &o->fields[i], &cell,
                    jv_get(entry, o->fields[i].slug));
        if (i)
            buf_appendc(out, ',');
        csv_append_field(out, cell.buf, cell.len);
    }
    if (o->nfields == 1 && !cell.len)
        buf_appends(out, "\"\""); /* else an empty line: no record */
    buf_appends(out, "\r\n");
    buf_release(&cell);
}

int crm_export(struct crm *crm, const char *object, const char *where,
               crm_write_fn *write, void *ctx, struct kith_err *err)
{
    const struct crm_object *o;
    struct buf out = BUF_INIT;
    struct jv *page = NULL;
    char *cursor = NULL;
    int ret = crm_object_get(crm, object, &o, err);
    if (ret < 0)
        goto out;
    crm_csv_header(o, &out); /* written with the first page */
    struct crm_query q = { .where = where, .limit = EXPORT_PAGE,
                           .no_count = true };
    for (;;) {
        q.cursor = cursor;
        if ((ret = crm_list(crm, o->slug, &q, &page, err)) < 0)
            goto out;
        const struct jv *entries = jv_get(page, "entries");
        for (size_t i = 0; i < jv_len(entries); i++)
            crm_csv_row(crm, o, jv_at(entries, i), &out);
        if ((ret = write(ctx, out.buf, out.len, err)) < 0)
            goto out;
        buf_reset(&out);
        const char *next = jv_str(jv_get(page, "next_cursor"));
        if (!next || !jv_len(entries))
            break;
        if (cursor && !strcmp(cursor, next)) {
            ret = kith_errf(err, KITH_EDB,
                            "export of %s stopped: the list cursor did not "
                            "move on",
                            o->slug);
            goto out;
        }
        free(cursor);
        cursor = xstrdup(next);
        jv_free(page);
        page = NULL;
    }
out:
    jv_free(page);
    free(cursor);
    buf_release(&out);
    return ret;
}
