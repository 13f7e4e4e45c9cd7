/*
 * import: CSV rows into an object's entries, through the one write path.
 *
 * The input is pulled through a read callback in chunks and fed to the
 * incremental reader of base/csv.c, which hands over one record at a time:
 * the first is the header (mapped to fields once), every other one becomes
 * a JSON values object for crm_create or crm_update. Nothing is kept per
 * row, so memory stays flat whatever the file's size. The whole import is
 * one crm_begin group: it commits as one change group (undone as one) or
 * rolls back entirely. A row that fails validation is a "bad row": listed
 * with its line and the write path's message, and either skipped or the
 * reason nothing is imported. See crm.h for the rules.
 */
#include "crm/crm_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/csv.h"
#include "base/suggest.h"
#include "base/utf8.h"
#include "base/xalloc.h"

#define IMPORT_CHUNK (64 * 1024)

struct column {
    char *name;                /* header text, trimmed; owned */
    const struct crm_field *f; /* NULL: skipped or nameless */
    bool mapped;               /* named by --map (skipped when f is NULL) */
};

struct map_item {
    char *column; /* owned */
    char *field;  /* owned; "" to skip the column */
    bool used;
};

struct import {
    struct crm *crm;
    const struct crm_object *o;
    const struct crm_import_opts *opts;
    const char *actor;
    const struct crm_field *key; /* upsert field, or NULL */
    char *key_sql;               /* SELECT id ... WHERE key = ?1 LIMIT 2 */
    struct map_item *map;
    size_t nmap;
    struct column *cols;
    size_t ncols;
    bool have_header;
    struct crm_import_report *rep;
};

/* ---- small helpers ---- */

static bool blank(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r' && s[i] != '\n')
            return false;
    return true;
}

/* A copy of s[0..n) without surrounding spaces and tabs. */
static char *trimmed(const char *s, size_t n)
{
    while (n && (*s == ' ' || *s == '\t'))
        s++, n--;
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        n--;
    return xstrndup(s, n);
}

static void add_bad(struct import *im, size_t line, const char *msg)
{
    struct crm_import_report *rep = im->rep;
    rep->invalid++;
    if (rep->nbad < CRM_IMPORT_BAD_MAX) {
        rep->bad[rep->nbad].line = line;
        rep->bad[rep->nbad].msg = xstrdup(msg);
        rep->nbad++;
    }
}

/* Is a failure of one row's write the row's fault (not the database's)? */
static bool row_fault(int code)
{
    return code == KITH_EINVAL || code == KITH_ENOTFOUND ||
           code == KITH_ECONFLICT || code == KITH_ETOOBIG;
}

/* ---- options ---- */

/* Split "Col=field,Other=" into im->map. */
static int parse_map(struct import *im, const char *map, struct kith_err *err)
{
    const char *p = map;
    while (p && *p) {
        const char *end = strchr(p, ',');
        size_t n = end ? (size_t)(end - p) : strlen(p);
        const char *eq = memchr(p, '=', n);
        if (!eq || eq == p)
            return kith_errf(err, KITH_EUSAGE,
                             "--map: expected Column=field, not '%.*s'",
                             (int)n, p);
        im->map = xrealloc(im->map, (im->nmap + 1) * sizeof(*im->map));
        struct map_item *m = &im->map[im->nmap++];
        m->column = trimmed(p, (size_t)(eq - p));
        m->field = trimmed(eq + 1, n - (size_t)(eq - p) - 1);
        m->used = false;
        p += n + (end != NULL);
    }
    return KITH_OK;
}

/* Check the upsert field and build its lookup. */
static int prepare_upsert(struct import *im, struct kith_err *err)
{
    const struct crm_field *f;
    struct kith_err why = KITH_ERR_INIT;
    if (crm_field_get(im->o, im->opts->upsert, &f, &why) < 0)
        return kith_errf(err, KITH_EUSAGE, "--upsert: %s", why.msg);
    if (f->type != CRM_TEXT && f->type != CRM_EMAIL &&
        f->type != CRM_PHONE && f->type != CRM_URL)
        return kith_errf(err, KITH_EUSAGE,
                         "--upsert: %s is a %s field; entries can be "
                         "matched on a text, email, phone or url field",
                         f->slug, crm_type_name(f->type));
    struct buf sql = BUF_INIT;
    buf_appends(&sql, "SELECT id FROM ");
    db_quote_ident(&sql, im->o->slug);
    buf_appends(&sql, " WHERE ");
    db_quote_ident(&sql, f->slug);
    buf_appends(&sql, " = ?1 LIMIT 2");
    im->key = f;
    im->key_sql = buf_detach(&sql, NULL);
    return KITH_OK;
}

/* ---- the header ---- */

static struct map_item *map_find(struct import *im, const char *column)
{
    for (size_t i = 0; i < im->nmap; i++)
        if (!strcasecmp(im->map[i].column, column))
            return &im->map[i];
    return NULL;
}

/* Resolve column c by the map, else by field slug or display name. */
static int match_column(struct import *im, struct column *c,
                        struct kith_err *err)
{
    struct map_item *m = map_find(im, c->name);
    if (!m) {
        c->f = crm_field_find(im->o, c->name);
        return KITH_OK;
    }
    m->used = true;
    c->mapped = true;
    if (!*m->field)
        return KITH_OK;
    struct kith_err why = KITH_ERR_INIT;
    if (crm_field_get(im->o, m->field, &c->f, &why) < 0)
        return kith_errf(err, KITH_EUSAGE, "--map %s=%s: %s", m->column,
                         m->field, why.msg);
    return KITH_OK;
}

/* Fail naming every column that matches no field, with suggestions. */
static int unknown_columns(struct import *im, size_t line,
                           struct kith_err *err)
{
    struct buf msg = BUF_INIT;
    const char **slugs = xcalloc(im->o->nfields + 1, sizeof(char *));
    for (size_t i = 0; i < im->o->nfields; i++)
        slugs[i] = im->o->fields[i].slug;
    size_t n = 0;
    for (size_t i = 0; i < im->ncols; i++) {
        const struct column *c = &im->cols[i];
        if (c->f || c->mapped || !*c->name)
            continue;
        const char *hint = suggest_closest(c->name, slugs, im->o->nfields);
        buf_appendf(&msg, "%s'%s'", n++ ? ", " : "", c->name);
        if (hint)
            buf_appendf(&msg, " (did you mean '%s'?)", hint);
    }
    free(slugs);
    int ret = KITH_OK;
    if (n)
        ret = kith_errf(err, KITH_EINVAL,
                        "line %zu: %s has no field for column%s %s; map %s "
                        "with --map \"Column=field\" or skip %s with --map "
                        "\"Column=\"",
                        line, im->o->slug, n > 1 ? "s" : "", msg.buf,
                        n > 1 ? "them" : "it", n > 1 ? "them" : "it");
    buf_release(&msg);
    return ret;
}

/* Two columns for one field, or no column for the upsert field. */
static int check_columns(struct import *im, size_t line, struct kith_err *err)
{
    for (size_t i = 0; i < im->ncols; i++)
        for (size_t j = i + 1; j < im->ncols && im->cols[i].f; j++)
            if (im->cols[i].f == im->cols[j].f)
                return kith_errf(err, KITH_EINVAL,
                                 "line %zu: columns '%s' and '%s' both set "
                                 "%s.%s",
                                 line, im->cols[i].name, im->cols[j].name,
                                 im->o->slug, im->cols[i].f->slug);
    for (size_t i = 0; im->key && i < im->ncols; i++)
        if (im->cols[i].f == im->key)
            return KITH_OK;
    if (im->key)
        return kith_errf(err, KITH_EUSAGE,
                         "--upsert: the file has no column for %s",
                         im->key->slug);
    return KITH_OK;
}

static int read_header(struct import *im, const struct csv_record *rec,
                       struct kith_err *err)
{
    im->cols = xcalloc(rec->n, sizeof(*im->cols));
    im->ncols = rec->n;
    for (size_t i = 0; i < rec->n; i++) {
        if (!utf8_valid(rec->fields[i], rec->lens[i]) ||
            memchr(rec->fields[i], '\0', rec->lens[i]))
            return kith_errf(err, KITH_EINVAL,
                             "line %zu: the name of column %zu is not valid "
                             "UTF-8",
                             rec->line, i + 1);
        im->cols[i].name = trimmed(rec->fields[i], rec->lens[i]);
        int ret = match_column(im, &im->cols[i], err);
        if (ret < 0)
            return ret;
    }
    im->have_header = true;
    for (size_t i = 0; i < im->nmap; i++)
        if (!im->map[i].used)
            return kith_errf(err, KITH_EUSAGE,
                             "--map: the file has no column '%s'",
                             im->map[i].column);
    int ret = unknown_columns(im, rec->line, err);
    if (ret == KITH_OK)
        ret = check_columns(im, rec->line, err);
    return ret;
}

/* ---- one row ---- */

/*
 * Build the row's values object; a problem with the row's shape is a bad
 * row (why filled, *values NULL).
 */
static int row_values(struct import *im, const struct csv_record *rec,
                      struct jv **values, struct kith_err *why)
{
    *values = NULL;
    for (size_t i = im->ncols; i < rec->n; i++)
        if (!blank(rec->fields[i], rec->lens[i]))
            return kith_errf(why, KITH_EINVAL,
                             "%zu values but the header has %zu columns",
                             rec->n, im->ncols);
    struct jv *v = jv_object();
    for (size_t i = 0; i < rec->n && i < im->ncols; i++) {
        const struct column *c = &im->cols[i];
        if (blank(rec->fields[i], rec->lens[i]))
            continue;
        if (!c->f && !c->mapped) {
            jv_free(v);
            return kith_errf(why, KITH_EINVAL,
                             "column %zu has a value but no name in the "
                             "header",
                             i + 1);
        }
        if (c->f)
            jv_set_take(v, c->f->slug,
                        jv_stringn(rec->fields[i], rec->lens[i]));
    }
    *values = v;
    return KITH_OK;
}

/*
 * The entry that the row's upsert value matches: *id 0 when none (or no
 * value). A second match, or an entry this import already wrote, is the
 * row's fault.
 */
static int upsert_match(struct import *im, const struct jv *values,
                        int64_t *id, struct kith_err *why)
{
    struct crm_val key;
    struct db_stmt *st;
    *id = 0;
    int ret = value_parse(im->key, jv_get(values, im->key->slug), &key, why);
    if (ret < 0 || key.kind == DB_NULL)
        goto out;
    if ((ret = db_cached(im->crm->db, im->key_sql, &st, why)) < 0)
        goto out;
    value_bind(st, 1, &key);
    size_t n = 0;
    while ((ret = db_step(st, why)) == DB_ROW)
        *id = n++ ? *id : db_col_int(st, 0);
    db_reset(st);
    if (ret < 0)
        goto out;
    ret = KITH_OK;
    if (n > 1) {
        ret = kith_errf(why, KITH_EINVAL,
                        "%s: '%s' matches more than one %s entry", im->key->slug,
                        key.s, im->o->slug);
        goto out;
    }
    if (!*id)
        goto out;
    if ((ret = db_cached(im->crm->db,
                         "SELECT 1 FROM kith_changes WHERE object = ?1 AND "
                         "entry_id = ?2 AND group_id = ?3 LIMIT 1",
                         &st, why)) < 0)
        goto out;
    db_bind_str(st, 1, im->o->slug);
    db_bind_int(st, 2, *id);
    db_bind_int(st, 3, im->crm->group);
    ret = db_step(st, why);
    db_reset(st);
    if (ret == DB_ROW)
        ret = kith_errf(why, KITH_EINVAL,
                        "%s: '%s' is on an earlier row of this file too "
                        "(%s #%lld)",
                        im->key->slug, key.s, im->o->slug, (long long)*id);
    else if (ret == DB_DONE)
        ret = KITH_OK;
out:
    value_release(&key);
    return ret;
}

/* Does target o have an entry whose label is s? */
static int label_exists(struct crm *crm, const struct crm_object *t,
                        const char *s, bool *found, struct kith_err *err)
{
    struct buf sql = BUF_INIT;
    struct db_stmt *st;
    buf_appends(&sql, "SELECT 1 FROM ");
    db_quote_ident(&sql, t->slug);
    buf_appends(&sql, " WHERE ");
    db_quote_ident(&sql, t->label);
    buf_appends(&sql, " = ?1 LIMIT 1");
    int ret = db_cached(crm->db, sql.buf, &st, err);
    buf_release(&sql);
    if (ret < 0)
        return ret;
    db_bind_str(st, 1, s);
    ret = db_step(st, err);
    db_reset(st);
    *found = ret == DB_ROW;
    return ret < 0 ? ret : KITH_OK;
}

/* Create the relation targets the row names by a label that is missing. */
static int create_targets(struct import *im, const struct jv *values,
                          size_t *made, struct kith_err *why)
{
    for (size_t i = 0; i < im->o->nfields; i++) {
        const struct crm_field *f = &im->o->fields[i];
        const struct jv *in = jv_get(values, f->slug);
        if (f->type != CRM_RELATION || !f->target || !in)
            continue;
        struct crm_val v;
        bool found = false;
        int ret = value_parse(f, in, &v, why);
        if (ret == KITH_OK && v.kind == DB_TEXT)
            ret = label_exists(im->crm, f->target, v.s, &found, why);
        if (ret == KITH_OK && v.kind == DB_TEXT && !found) {
            struct jv *t = jv_object();
            jv_set_take(t, f->target->label, jv_string(v.s));
            ret = crm_create(im->crm, im->actor, f->target->slug, t, NULL,
                             why);
            jv_free(t);
            *made += ret == KITH_OK;
        }
        value_release(&v);
        if (ret < 0)
            return ret;
    }
    return KITH_OK;
}

/*
 * Write one row: create, or update the upsert match (leaving its key as
 * stored: it matched, perhaps in another case).
 */
static int write_row(struct import *im, struct jv *values,
                     struct kith_err *why)
{
    struct crm_import_report *rep = im->rep;
    int64_t id = 0;
    int ret = im->key ? upsert_match(im, values, &id, why) : KITH_OK;
    if (ret < 0)
        return ret;
    if (!id) {
        if ((ret = crm_create(im->crm, im->actor, im->o->slug, values, NULL,
                              why)) == KITH_OK)
            rep->created++;
        return ret;
    }
    int64_t last = db_last_id(im->crm->db);
    jv_del(values, im->key->slug);
    if ((ret = crm_update(im->crm, im->actor, im->o->slug, id, values,
                          why)) < 0)
        return ret;
    if (db_last_id(im->crm->db) != last) /* a change was recorded */
        rep->updated++;
    else
        rep->unchanged++;
    return KITH_OK;
}

/*
 * Import one row. With create_missing the row runs in a savepoint, so the
 * targets it created go away when the row turns out bad.
 */
static int import_row(struct import *im, const struct csv_record *rec,
                      struct kith_err *err)
{
    struct kith_err why = KITH_ERR_INIT;
    struct jv *values;
    size_t made = 0;
    bool sp = false;
    im->rep->rows++;
    int ret = row_values(im, rec, &values, &why);
    if (ret == KITH_OK && im->opts->create_missing) {
        if ((ret = crm_begin(im->crm, err)) < 0) {
            jv_free(values);
            return ret;
        }
        sp = true;
        ret = create_targets(im, values, &made, &why);
    }
    if (ret == KITH_OK)
        ret = write_row(im, values, &why);
    jv_free(values);
    if (sp) {
        if (ret == KITH_OK)
            ret = crm_commit(im->crm, &why);
        else
            crm_rollback(im->crm);
    }
    if (ret == KITH_OK) {
        im->rep->targets += made;
        return KITH_OK;
    }
    if (!row_fault(ret) || im->crm->broken)
        return kith_errf(err, ret, "line %zu: %s", rec->line, why.msg);
    add_bad(im, rec->line, why.msg);
    return KITH_OK;
}

static int on_record(void *ctx, const struct csv_record *rec,
                     struct kith_err *err)
{
    struct import *im = ctx;
    if (!im->have_header)
        return read_header(im, rec, err);
    for (size_t i = 0; i < rec->n; i++)
        if (!blank(rec->fields[i], rec->lens[i]))
            return import_row(im, rec, err);
    return KITH_OK; /* a row of empty cells (",,,") is no row */
}

/* ---- the import ---- */

/* Feed the whole input through the reader. */
static int pump(struct import *im, struct csv_reader *r, crm_read_fn *read,
                void *read_ctx, crm_import_progress_fn *progress,
                void *progress_ctx, struct kith_err *err)
{
    char *chunk = xmalloc(IMPORT_CHUNK);
    size_t bytes = 0, got;
    int ret;
    while ((ret = read(read_ctx, chunk, IMPORT_CHUNK, &got, err)) == KITH_OK &&
           got) {
        bytes += got;
        if ((ret = csv_reader_feed(r, chunk, got, err)) < 0)
            break;
        if (progress)
            progress(progress_ctx, im->rep->rows, bytes);
    }
    free(chunk);
    if (ret == KITH_OK)
        ret = csv_reader_finish(r, err);
    if (ret == KITH_OK && !im->have_header)
        ret = kith_errf(err, KITH_EINVAL,
                        "the file is empty: the first line must name the "
                        "columns");
    return ret;
}

static void import_release(struct import *im)
{
    for (size_t i = 0; i < im->nmap; i++) {
        free(im->map[i].column);
        free(im->map[i].field);
    }
    for (size_t i = 0; i < im->ncols; i++)
        free(im->cols[i].name);
    free(im->map);
    free(im->cols);
    free(im->key_sql);
}

int crm_import(struct crm *crm, const char *object,
               const struct crm_import_opts *opts, crm_read_fn *read,
               void *read_ctx, crm_import_progress_fn *progress,
               void *progress_ctx, struct crm_import_report *rep,
               struct kith_err *err)
{
    static const struct crm_import_opts none = { 0 };
    struct import im = { .crm = crm, .opts = opts ? opts : &none, .rep = rep };
    struct csv_reader r;
    bool in_tx = false;
    int64_t group = 0;
    memset(rep, 0, sizeof(*rep));
    im.actor = im.opts->actor ? im.opts->actor : CRM_ACTOR_IMPORT;
    csv_reader_init(&r, on_record, &im);
    int ret = crm_object_get(crm, object, &im.o, err);
    if (ret < 0 || (ret = parse_map(&im, im.opts->map, err)) < 0 ||
        (im.opts->upsert && (ret = prepare_upsert(&im, err)) < 0) ||
        (ret = crm_begin(crm, err)) < 0)
        goto out;
    in_tx = true;
    group = crm->group;
    if ((ret = pump(&im, &r, read, read_ctx, progress, progress_ctx, err)) < 0)
        goto out;
    if (rep->invalid && !im.opts->skip_invalid) {
        ret = kith_errf(err, KITH_EINVAL,
                        "%zu of %zu rows %s invalid, so nothing was imported",
                        rep->invalid, rep->rows,
                        rep->invalid == 1 ? "is" : "are");
        goto out;
    }
    in_tx = false;
    if ((ret = crm_commit(crm, err)) < 0)
        goto out;
    if (rep->created || rep->updated || rep->targets)
        rep->group = group;
out:
    if (in_tx)
        crm_rollback(crm);
    if (ret < 0)
        rep->created = rep->updated = rep->unchanged = rep->targets = 0;
    csv_reader_release(&r);
    import_release(&im);
    return ret;
}

void crm_import_report_release(struct crm_import_report *rep)
{
    for (size_t i = 0; i < rep->nbad; i++)
        free(rep->bad[i].msg);
    memset(rep, 0, sizeof(*rep));
}

struct jv *crm_import_report_json(const struct crm_import_report *rep)
{
    struct jv *j = jv_object(), *bad = jv_array();
    jv_set_take(j, "rows", jv_integer((int64_t)rep->rows));
    jv_set_take(j, "created", jv_integer((int64_t)rep->created));
    jv_set_take(j, "updated", jv_integer((int64_t)rep->updated));
    jv_set_take(j, "unchanged", jv_integer((int64_t)rep->unchanged));
    jv_set_take(j, "targets_created", jv_integer((int64_t)rep->targets));
    jv_set_take(j, "invalid", jv_integer((int64_t)rep->invalid));
    for (size_t i = 0; i < rep->nbad; i++) {
        struct jv *b = jv_object();
        jv_set_take(b, "line", jv_integer((int64_t)rep->bad[i].line));
        jv_set_take(b, "message", jv_string(rep->bad[i].msg));
        jv_push_take(bad, b);
    }
    jv_set_take(j, "bad_rows", bad);
    jv_set_take(j, "group", rep->group ? jv_integer(rep->group) : jv_null());
    return j;
}
