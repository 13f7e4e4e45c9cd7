/*
 * schema: objects and fields, the metadata that makes the CRM's tables.
 *
 * kith_objects and kith_fields describe the objects; each object is a real
 * table named by its slug and each field a real typed column, so the file
 * stays readable with plain SQL. Every schema change runs in one transaction
 * (SQLite's DDL is transactional) and then reloads the in-memory cache that
 * the rest of crm/ reads (struct crm_object), which also prepares the
 * INSERT and SELECT each object's entries use.
 */
#include "crm/crm_int.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/suggest.h"
#include "base/utf8.h"
#include "base/xalloc.h"

#define NAME_MAX_BYTES 64

static const char *const type_names[] = {
    [CRM_TEXT] = "text",         [CRM_LONG_TEXT] = "long_text",
    [CRM_NUMBER] = "number",     [CRM_CURRENCY] = "currency",
    [CRM_BOOLEAN] = "boolean",   [CRM_DATE] = "date",
    [CRM_DATETIME] = "datetime", [CRM_EMAIL] = "email",
    [CRM_PHONE] = "phone",       [CRM_URL] = "url",
    [CRM_SELECT] = "select",     [CRM_MULTI_SELECT] = "multi_select",
    [CRM_RELATION] = "relation", [CRM_RATING] = "rating",
};
#define NTYPES (sizeof(type_names) / sizeof(*type_names))

/* Field slugs that name the system columns or read as filter keywords. */
static const char *const reserved_fields[] = {
    "id",  "created_at", "updated_at", "rowid", "oid",   "_rowid_",
    "and", "or",         "not",        "in",    "is",    "empty",
    "today", "document",
};

const char *crm_type_name(enum crm_type t)
{
    return (size_t)t < NTYPES ? type_names[t] : "unknown";
}

int crm_type_parse(const char *s, enum crm_type *out, struct kith_err *err)
{
    for (size_t i = 0; i < NTYPES; i++) {
        if (!strcasecmp(s, type_names[i])) {
            *out = (enum crm_type)i;
            return KITH_OK;
        }
    }
    const char *hint = suggest_closest(s, type_names, NTYPES);
    struct buf all = BUF_INIT;
    for (size_t i = 0; i < NTYPES; i++)
        buf_appendf(&all, "%s%s", i ? ", " : "", type_names[i]);
    int ret = hint ? kith_errf(err, KITH_EINVAL,
                               "unknown field type '%s'; did you mean '%s'?",
                               s, hint)
                   : kith_errf(err, KITH_EINVAL,
                               "unknown field type '%s'; types are: %s", s,
                               all.buf);
    buf_release(&all);
    return ret;
}

/* ---- slugs ---- */

/* ASCII folds of U+00C0..U+017F; digits mark two-letter folds. */
static const char fold_latin1[] = "aaaaaa3ceeeeiiii"
                                  "dnooooo_ouuuuy45"
                                  "aaaaaa3ceeeeiiii"
                                  "dnooooo_ouuuuy4y";
static const char fold_ext_a[] = "aaaaaaccccccccdd"
                                 "ddeeeeeeeeeegggg"
                                 "gggghhhhiiiiiiii"
                                 "ii11jjkkklllllll"
                                 "lllnnnnnnnnnoooo"
                                 "oo22rrrrrrssssss"
                                 "ssttttttuuuuuuuu"
                                 "uuuuwwyyyzzzzzzs";

/*
 * Blocks of punctuation, symbols and emoji beyond Latin-1: like ASCII
 * punctuation they separate words and are never part of a slug.
 */
static const struct {
    uint32_t lo, hi;
} symbol_blocks[] = {
    { 0x2000, 0x206F },   /* general punctuation */
    { 0x20A0, 0x20CF },   /* currency signs */
    { 0x2190, 0x2BFF },   /* arrows, maths, shapes, symbols, dingbats */
    { 0x3000, 0x3004 },   { 0x3008, 0x3020 }, /* CJK punctuation */
    { 0xFE00, 0xFE1F },   /* variation selectors, vertical forms */
    { 0xFE30, 0xFE6F },   /* CJK compatibility and small forms */
    { 0xFF01, 0xFF0F },   { 0xFF1A, 0xFF20 }, /* fullwidth punctuation */
    { 0xFF3B, 0xFF40 },   { 0xFF5B, 0xFF65 },
    { 0x1F000, 0x1FAFF }, /* emoji and pictographs */
    { 0xE0000, 0xE007F }, /* tags */
};

static bool is_symbol(uint32_t cp)
{
    for (size_t i = 0; i < sizeof(symbol_blocks) / sizeof(*symbol_blocks);
         i++)
        if (cp >= symbol_blocks[i].lo && cp <= symbol_blocks[i].hi)
            return true;
    return false;
}

static const char *fold(uint32_t cp)
{
    static const char *const pairs[] = { "ij", "oe", "ae", "th", "ss" };
    char c = 0;
    if (cp >= 0xC0 && cp <= 0xFF)
        c = fold_latin1[cp - 0xC0];
    else if (cp >= 0x100 && cp <= 0x17F)
        c = fold_ext_a[cp - 0x100];
    else
        return NULL;
    static char one[2];
    if (c >= '1' && c <= '5')
        return pairs[c - '1'];
    one[0] = c;
    return one;
}

int crm_slugify(const char *name, struct buf *out, struct kith_err *err)
{
    size_t n = strlen(name);
    buf_reset(out);
    if (!utf8_valid(name, n))
        return kith_errf(err, KITH_EINVAL, "name is not valid UTF-8");
    if (n > NAME_MAX_BYTES)
        return kith_errf(err, KITH_EINVAL,
                         "name '%s' is longer than %d bytes", name,
                         NAME_MAX_BYTES);
    bool sep = false;
    for (size_t i = 0; i < n;) {
        uint32_t cp;
        size_t k = utf8_decode(name + i, n - i, &cp);
        const char *f = cp < 0x80 ? NULL : fold(cp);
        /* Letters of other scripts (from Latin Extended-B on) are kept. */
        bool word = cp < 0x80 ? isalnum((int)cp) != 0
                    : f       ? f[0] != '_'
                              : cp >= 0x180 && !is_symbol(cp);
        if (!word) {
            sep = out->len > 0;
        } else {
            if (sep)
                buf_appendc(out, '_');
            sep = false;
            if (cp < 0x80)
                buf_appendc(out, (char)tolower((int)cp));
            else if (f)
                buf_appends(out, f);
            else
                buf_append(out, name + i, k);
        }
        i += k;
    }
    if (!out->len)
        return kith_errf(err, KITH_EINVAL,
                         "name '%s' needs at least one letter or digit",
                         name);
    return KITH_OK;
}

/* ---- the cache ---- */

static void object_free(struct crm_object *o)
{
    for (size_t i = 0; i < o->nfields; i++) {
        struct crm_field *f = &o->fields[i];
        free(f->slug);
        free(f->name);
        for (size_t j = 0; j < f->noptions; j++)
            free(f->options[j]);
        free(f->options);
    }
    free(o->fields);
    free(o->slug);
    free(o->name);
    free(o->label);
    free(o->insert_sql);
    free(o->select_sql);
}

void schema_free(struct crm *crm)
{
    for (size_t i = 0; i < crm->nobjects; i++)
        object_free(&crm->objects[i]);
    free(crm->objects);
    crm->objects = NULL;
    crm->nobjects = 0;
}

static struct crm_object *object_by_id(struct crm *crm, int64_t id)
{
    for (size_t i = 0; i < crm->nobjects; i++)
        if (crm->objects[i].id == id)
            return &crm->objects[i];
    return NULL;
}

static void parse_options(struct crm_field *f, const char *json)
{
    struct jv *arr = json ? jv_parse(json, strlen(json), NULL) : NULL;
    size_t n = jv_len(arr);
    f->options = n ? xcalloc(n, sizeof(char *)) : NULL;
    for (size_t i = 0; i < n; i++) {
        const char *s = jv_str(jv_at(arr, i));
        if (s)
            f->options[f->noptions++] = xstrdup(s);
    }
    jv_free(arr);
}

/* Build the INSERT and SELECT that entry.c uses for o. */
static void build_sql(struct crm_object *o)
{
    struct buf ins = BUF_INIT, sel = BUF_INIT, join = BUF_INIT;
    buf_appends(&ins, "INSERT INTO ");
    db_quote_ident(&ins, o->slug);
    buf_appends(&ins, " (id, created_at, updated_at");
    buf_appends(&sel, "SELECT t.id, t.created_at, t.updated_at");
    for (size_t i = 0; i < o->nfields; i++) {
        buf_appends(&ins, ", ");
        db_quote_ident(&ins, o->fields[i].slug);
        buf_appends(&sel, ", t.");
        db_quote_ident(&sel, o->fields[i].slug);
    }
    for (size_t i = 0; i < o->nfields; i++) {
        const struct crm_field *f = &o->fields[i];
        if (f->type != CRM_RELATION || !f->target)
            continue;
        buf_appendf(&sel, ", r%zu.", i);
        db_quote_ident(&sel, f->target->label);
        buf_appends(&join, " LEFT JOIN ");
        db_quote_ident(&join, f->target->slug);
        buf_appendf(&join, " AS r%zu ON r%zu.id = t.", i, i);
        db_quote_ident(&join, f->slug);
    }
    buf_appends(&ins, ") VALUES (?1, ?2, ?3");
    for (size_t i = 0; i < o->nfields; i++)
        buf_appendf(&ins, ", ?%zu", i + 4);
    buf_appendc(&ins, ')');
    buf_appends(&sel, " FROM ");
    db_quote_ident(&sel, o->slug);
    buf_appends(&sel, " AS t");
    buf_append(&sel, join.buf, join.len);
    o->insert_sql = buf_detach(&ins, NULL);
    o->select_sql = buf_detach(&sel, NULL);
    buf_release(&join);
}

int schema_load(struct crm *crm, struct kith_err *err)
{
    struct db_stmt *st = NULL;
    int ret;
    schema_free(crm);
    db_cache_clear(crm->db);
    ret = db_prepare(crm->db,
                     "SELECT id, slug, name, label_field FROM kith_objects "
                     "ORDER BY id",
                     &st, err);
    if (ret < 0)
        return ret;
    size_t cap = 0;
    while ((ret = db_step(st, err)) == DB_ROW) {
        if (crm->nobjects == cap) {
            cap = cap ? cap * 2 : 8;
            crm->objects =
                xrealloc(crm->objects, cap * sizeof(*crm->objects));
        }
        struct crm_object *o = &crm->objects[crm->nobjects++];
        memset(o, 0, sizeof(*o));
        o->id = db_col_int(st, 0);
        o->slug = xstrdup(db_col_text(st, 1));
        o->name = xstrdup(db_col_text(st, 2));
        o->label = xstrdup(db_col_text(st, 3));
    }
    db_finalize(st);
    if (ret < 0)
        return ret;
    ret = db_prepare(crm->db,
                     "SELECT object_id, id, slug, name, type, options, "
                     "target_id, position FROM kith_fields "
                     "ORDER BY object_id, position, id",
                     &st, err);
    if (ret < 0)
        return ret;
    while ((ret = db_step(st, err)) == DB_ROW) {
        struct crm_object *o = object_by_id(crm, db_col_int(st, 0));
        if (!o)
            continue;
        o->fields = xrealloc(o->fields, (o->nfields + 1) * sizeof(*o->fields));
        struct crm_field *f = &o->fields[o->nfields++];
        memset(f, 0, sizeof(*f));
        f->id = db_col_int(st, 1);
        f->slug = xstrdup(db_col_text(st, 2));
        f->name = xstrdup(db_col_text(st, 3));
        enum crm_type t = CRM_TEXT;
        crm_type_parse(db_col_text(st, 4), &t, NULL);
        f->type = t;
        parse_options(f, db_col_text(st, 5));
        f->target_id = db_col_int(st, 6);
        f->position = (int)db_col_int(st, 7);
    }
    db_finalize(st);
    if (ret < 0)
        return ret;
    for (size_t i = 0; i < crm->nobjects; i++)
        for (size_t j = 0; j < crm->objects[i].nfields; j++) {
            struct crm_field *f = &crm->objects[i].fields[j];
            if (f->type == CRM_RELATION)
                f->target = object_by_id(crm, f->target_id);
        }
    for (size_t i = 0; i < crm->nobjects; i++)
        build_sql(&crm->objects[i]);
    crm->schema_cookie = db_schema_cookie(crm->db);
    return KITH_OK;
}

int crm_refresh(struct crm *crm, struct kith_err *err)
{
    if (crm->depth == 0 && db_schema_cookie(crm->db) != crm->schema_cookie)
        return schema_load(crm, err);
    return KITH_OK;
}

int crm_layout_stamp(struct crm *crm, char *out, size_t cap,
                     struct kith_err *err)
{
    struct db_stmt *st;
    int ret = db_cached(crm->db,
                        "SELECT (SELECT count(*) || '/' || "
                        "ifnull(max(updated_at), '') FROM kith_views) || "
                        "' ' || (SELECT count(*) || '/' || "
                        "ifnull(max(updated_at), '') FROM kith_reports)",
                        &st, err);
    if (ret < 0)
        return ret;
    ret = db_step(st, err);
    if (ret == DB_ROW)
        snprintf(out, cap, "%d %s", db_schema_cookie(crm->db),
                 db_col_text(st, 0));
    db_reset(st);
    return ret < 0 ? ret : KITH_OK;
}

/* ---- lookups ---- */

size_t crm_object_count(const struct crm *crm)
{
    return crm->nobjects;
}

const struct crm_object *crm_object_at(const struct crm *crm, size_t i)
{
    return i < crm->nobjects ? &crm->objects[i] : NULL;
}

const struct crm_object *crm_object_find(const struct crm *crm,
                                         const char *name)
{
    for (size_t i = 0; i < crm->nobjects; i++)
        if (!strcmp(crm->objects[i].slug, name))
            return &crm->objects[i];
    for (size_t i = 0; i < crm->nobjects; i++)
        if (!strcasecmp(crm->objects[i].slug, name) ||
            !strcasecmp(crm->objects[i].name, name))
            return &crm->objects[i];
    return NULL;
}

int crm_object_get(const struct crm *crm, const char *name,
                   const struct crm_object **out, struct kith_err *err)
{
    *out = crm_object_find(crm, name);
    if (*out)
        return KITH_OK;
    const char **cands = xcalloc(crm->nobjects + 1, sizeof(char *));
    for (size_t i = 0; i < crm->nobjects; i++)
        cands[i] = crm->objects[i].slug;
    const char *hint = suggest_closest(name, cands, crm->nobjects);
    int ret = hint ? kith_errf(err, KITH_ENOTFOUND,
                               "unknown object '%s'; did you mean '%s'?",
                               name, hint)
                   : kith_errf(err, KITH_ENOTFOUND,
                               "unknown object '%s' (see: kith objects)",
                               name);
    free(cands);
    return ret;
}

const struct crm_field *crm_field_find(const struct crm_object *o,
                                       const char *name)
{
    for (size_t i = 0; i < o->nfields; i++)
        if (!strcmp(o->fields[i].slug, name))
            return &o->fields[i];
    for (size_t i = 0; i < o->nfields; i++)
        if (!strcasecmp(o->fields[i].slug, name) ||
            !strcasecmp(o->fields[i].name, name))
            return &o->fields[i];
    return NULL;
}

int crm_field_get(const struct crm_object *o, const char *name,
                  const struct crm_field **out, struct kith_err *err)
{
    *out = crm_field_find(o, name);
    if (*out)
        return KITH_OK;
    const char **cands = xcalloc(o->nfields + 1, sizeof(char *));
    for (size_t i = 0; i < o->nfields; i++)
        cands[i] = o->fields[i].slug;
    const char *hint = suggest_closest(name, cands, o->nfields);
    int ret = hint ? kith_errf(err, KITH_EINVAL,
                               "%s has no field '%s'; did you mean '%s'?",
                               o->slug, name, hint)
                   : kith_errf(err, KITH_EINVAL,
                               "%s has no field '%s' (see: kith fields %s)",
                               o->slug, name, o->slug);
    free(cands);
    return ret;
}

const struct crm_field *crm_label_field(const struct crm_object *o)
{
    return crm_field_find(o, o->label);
}

/* ---- changes to the schema ---- */

static bool indexed(enum crm_type t)
{
    return t == CRM_SELECT || t == CRM_RELATION || t == CRM_EMAIL ||
           t == CRM_DATE || t == CRM_DATETIME;
}

static const char *column_type(enum crm_type t)
{
    switch (t) {
    case CRM_NUMBER:
    case CRM_CURRENCY: return "NUMERIC";
    case CRM_BOOLEAN:
    case CRM_RATING:
    case CRM_RELATION: return "INTEGER";
    case CRM_DATE:
    case CRM_DATETIME:
    case CRM_MULTI_SELECT: return "TEXT";
    default: return "TEXT COLLATE NOCASE";
    }
}

static void index_name(struct buf *b, const char *obj, const char *field)
{
    struct buf n = BUF_INIT;
    buf_appendf(&n, "%s__%s", obj, field);
    db_quote_ident(b, n.buf);
    buf_release(&n);
}

/* Run one DDL statement built in b, then empty b. */
static int ddl(struct crm *crm, struct buf *b, struct kith_err *err)
{
    int ret = db_exec(crm->db, b->buf, err);
    buf_reset(b);
    return ret;
}

/* Run a schema change: fn inside a transaction, then reload the cache. */
static int schema_tx(struct crm *crm, int ret, struct kith_err *err)
{
    if (ret == KITH_OK)
        ret = db_tx_commit(crm->db, err);
    else
        db_tx_rollback(crm->db);
    int r2 = schema_load(crm, ret == KITH_OK ? err : NULL);
    return ret < 0 ? ret : r2;
}

static bool name_taken_object(const struct crm *crm, const char *slug,
                              const char *name)
{
    for (size_t i = 0; i < crm->nobjects; i++)
        if (!strcasecmp(crm->objects[i].slug, slug) ||
            !strcasecmp(crm->objects[i].name, name) ||
            !strcasecmp(crm->objects[i].slug, name))
            return true;
    return false;
}

static int add_field_row(struct crm *crm, const struct crm_object *o,
                         const char *slug, const struct crm_field_spec *s,
                         int64_t target_id, struct kith_err *err)
{
    struct db_stmt *st = NULL;
    char now[CLOCK_ISO_LEN];
    clock_now_iso(now);
    int ret = db_prepare(crm->db,
                         "INSERT INTO kith_fields (object_id, slug, name, "
                         "type, options, target_id, position, created_at) "
                         "VALUES (?1, ?2, ?3, ?4, ?5, ?6, (SELECT "
                         "ifnull(max(position), 0) + 1 FROM kith_fields "
                         "WHERE object_id = ?1), ?7)",
                         &st, err);
    if (ret < 0)
        return ret;
    db_bind_int(st, 1, o->id);
    db_bind_str(st, 2, slug);
    db_bind_str(st, 3, s->name);
    db_bind_str(st, 4, crm_type_name(s->type));
    if (s->noptions) {
        struct jv *arr = jv_array();
        for (size_t i = 0; i < s->noptions; i++)
            jv_push_take(arr, jv_string(s->options[i]));
        char *json = jv_dump(arr);
        db_bind_str(st, 5, json);
        free(json);
        jv_free(arr);
    }
    if (target_id)
        db_bind_int(st, 6, target_id);
    db_bind_str(st, 7, now);
    ret = db_step(st, err);
    db_finalize(st);
    return ret < 0 ? ret : KITH_OK;
}

/* Check a field spec against o; sets *target_id for relations. */
static int check_field_spec(struct crm *crm, const struct crm_object *o,
                            const char *slug, const struct crm_field_spec *s,
                            int64_t *target_id, struct kith_err *err)
{
    for (size_t i = 0; i < sizeof(reserved_fields) / sizeof(char *); i++)
        if (!strcmp(slug, reserved_fields[i]))
            return kith_errf(err, KITH_EINVAL,
                             "'%s' is a reserved name; choose another",
                             s->name);
    for (size_t i = 0; i < o->nfields; i++)
        if (!strcasecmp(o->fields[i].slug, slug) ||
            !strcasecmp(o->fields[i].name, s->name))
            return kith_errf(err, KITH_ECONFLICT,
                             "%s already has a field '%s'", o->slug,
                             o->fields[i].slug);
    bool has_options = s->type == CRM_SELECT || s->type == CRM_MULTI_SELECT;
    if (has_options && !s->noptions)
        return kith_errf(err, KITH_EINVAL,
                         "a %s field needs options (--options a,b,c)",
                         crm_type_name(s->type));
    if (!has_options && s->noptions)
        return kith_errf(err, KITH_EINVAL,
                         "only select and multi_select fields take options");
    for (size_t i = 0; i < s->noptions; i++) {
        const char *opt = s->options[i];
        if (!*opt || !utf8_valid(opt, strlen(opt)) || strlen(opt) > 200)
            return kith_errf(err, KITH_EINVAL,
                             "option %zu is empty, too long or not UTF-8",
                             i + 1);
        for (size_t j = 0; j < i; j++)
            if (!strcasecmp(opt, s->options[j]))
                return kith_errf(err, KITH_EINVAL,
                                 "option '%s' is given twice", opt);
    }
    *target_id = 0;
    if (s->type == CRM_RELATION) {
        const struct crm_object *t;
        if (!s->target)
            return kith_errf(err, KITH_EINVAL,
                             "a relation field needs a target (--to OBJECT)");
        int ret = crm_object_get(crm, s->target, &t, err);
        if (ret < 0)
            return ret;
        *target_id = t->id;
    } else if (s->target) {
        return kith_errf(err, KITH_EINVAL,
                         "only relation fields take a target (--to)");
    }
    return KITH_OK;
}

static int field_add_in_tx(struct crm *crm, const struct crm_object *o,
                           const struct crm_field_spec *s,
                           struct kith_err *err)
{
    struct buf slug = BUF_INIT, sql = BUF_INIT;
    int64_t target_id;
    int ret = crm_slugify(s->name, &slug, err);
    if (ret < 0 ||
        (ret = check_field_spec(crm, o, slug.buf, s, &target_id, err)) < 0)
        goto out;
    buf_appends(&sql, "ALTER TABLE ");
    db_quote_ident(&sql, o->slug);
    buf_appends(&sql, " ADD COLUMN ");
    db_quote_ident(&sql, slug.buf);
    buf_appendf(&sql, " %s", column_type(s->type));
    if ((ret = ddl(crm, &sql, err)) < 0)
        goto out;
    if (indexed(s->type) || !strcmp(slug.buf, o->label)) {
        buf_appends(&sql, "CREATE INDEX ");
        index_name(&sql, o->slug, slug.buf);
        buf_appends(&sql, " ON ");
        db_quote_ident(&sql, o->slug);
        buf_appendc(&sql, '(');
        db_quote_ident(&sql, slug.buf);
        buf_appendc(&sql, ')');
        if ((ret = ddl(crm, &sql, err)) < 0)
            goto out;
    }
    ret = add_field_row(crm, o, slug.buf, s, target_id, err);
out:
    buf_release(&slug);
    buf_release(&sql);
    return ret;
}

int crm_field_add(struct crm *crm, const char *object,
                  const struct crm_field_spec *spec, struct kith_err *err)
{
    const struct crm_object *o;
    int ret = crm_object_get(crm, object, &o, err);
    if (ret < 0 || (ret = db_tx_begin(crm->db, err)) < 0)
        return ret;
    return schema_tx(crm, field_add_in_tx(crm, o, spec, err), err);
}

/* Create the table and metadata of an object labelled by a text field. */
static int object_add_in_tx(struct crm *crm, const char *name,
                            const char *label, struct kith_err *err)
{
    struct buf slug = BUF_INIT, sql = BUF_INIT, label_slug = BUF_INIT;
    struct db_stmt *st = NULL;
    char now[CLOCK_ISO_LEN];
    int ret = crm_slugify(name, &slug, err);
    if (ret < 0 || (ret = crm_slugify(label, &label_slug, err)) < 0)
        goto out;
    if (!strncmp(slug.buf, "kith_", 5) || !strncmp(slug.buf, "sqlite_", 7)) {
        ret = kith_errf(err, KITH_EINVAL,
                        "'%s' is a reserved name; choose another", name);
        goto out;
    }
    if (name_taken_object(crm, slug.buf, name)) {
        ret = kith_errf(err, KITH_ECONFLICT, "an object '%s' already exists",
                        slug.buf);
        goto out;
    }
    buf_appends(&sql, "CREATE TABLE ");
    db_quote_ident(&sql, slug.buf);
    buf_appends(&sql, " (id INTEGER PRIMARY KEY AUTOINCREMENT, "
                      "created_at TEXT NOT NULL, updated_at TEXT NOT NULL)");
    if ((ret = ddl(crm, &sql, err)) < 0)
        goto out;
    buf_appends(&sql, "CREATE INDEX ");
    index_name(&sql, slug.buf, "updated_at");
    buf_appends(&sql, " ON ");
    db_quote_ident(&sql, slug.buf);
    buf_appends(&sql, " (updated_at)");
    if ((ret = ddl(crm, &sql, err)) < 0)
        goto out;
    clock_now_iso(now);
    if ((ret = db_prepare(crm->db,
                          "INSERT INTO kith_objects (slug, name, label_field, "
                          "created_at) VALUES (?1, ?2, ?3, ?4)",
                          &st, err)) < 0)
        goto out;
    db_bind_str(st, 1, slug.buf);
    db_bind_str(st, 2, name);
    db_bind_str(st, 3, label_slug.buf);
    db_bind_str(st, 4, now);
    if ((ret = db_step(st, err)) < 0 || (ret = schema_load(crm, err)) < 0)
        goto out;
    const struct crm_object *o = crm_object_find(crm, slug.buf);
    struct crm_field_spec spec = { .name = label, .type = CRM_TEXT };
    ret = field_add_in_tx(crm, o, &spec, err);
out:
    db_finalize(st);
    buf_release(&slug);
    buf_release(&sql);
    buf_release(&label_slug);
    return ret;
}

int crm_object_add(struct crm *crm, const char *name, struct kith_err *err)
{
    int ret = db_tx_begin(crm->db, err);
    if (ret < 0)
        return ret;
    return schema_tx(crm, object_add_in_tx(crm, name, "Name", err), err);
}

/*
 * Set the display name of row id of table. A rename changes no table, so
 * it also creates and drops a scratch table in the same transaction: that
 * moves SQLite's schema cookie, which is how other connections (the
 * server's other workers, crm_refresh) learn that their cache is stale.
 */
static int rename_row(struct crm *crm, const char *table, int64_t id,
                      const char *new_name, struct kith_err *err)
{
    struct db_stmt *st = NULL;
    struct buf sql = BUF_INIT;
    int ret = db_tx_begin(crm->db, err);
    if (ret < 0)
        return ret;
    buf_appendf(&sql, "UPDATE %s SET name = ?1 WHERE id = ?2", table);
    ret = db_prepare(crm->db, sql.buf, &st, err);
    buf_reset(&sql);
    if (ret >= 0) {
        db_bind_str(st, 1, new_name);
        db_bind_int(st, 2, id);
        ret = db_step(st, err);
        db_finalize(st);
    }
    if (ret >= 0) {
        buf_appends(&sql, "CREATE TABLE kith_schema_touch (x)");
        ret = ddl(crm, &sql, err);
    }
    if (ret >= 0) {
        buf_appends(&sql, "DROP TABLE kith_schema_touch");
        ret = ddl(crm, &sql, err);
    }
    buf_release(&sql);
    return schema_tx(crm, ret < 0 ? ret : KITH_OK, err);
}

static int check_display_name(const char *name, struct kith_err *err)
{
    struct buf slug = BUF_INIT;
    int ret = crm_slugify(name, &slug, err);
    buf_release(&slug);
    return ret;
}

int crm_object_rename(struct crm *crm, const char *object,
                      const char *new_name, struct kith_err *err)
{
    const struct crm_object *o;
    int ret = crm_object_get(crm, object, &o, err);
    if (ret < 0 || (ret = check_display_name(new_name, err)) < 0)
        return ret;
    for (size_t i = 0; i < crm->nobjects; i++)
        if (&crm->objects[i] != o &&
            (!strcasecmp(crm->objects[i].name, new_name) ||
             !strcasecmp(crm->objects[i].slug, new_name)))
            return kith_errf(err, KITH_ECONFLICT,
                             "an object '%s' already exists", new_name);
    return rename_row(crm, "kith_objects", o->id, new_name, err);
}

int crm_field_rename(struct crm *crm, const char *object, const char *field,
                     const char *new_name, struct kith_err *err)
{
    const struct crm_object *o;
    const struct crm_field *f;
    int ret = crm_object_get(crm, object, &o, err);
    if (ret < 0 || (ret = crm_field_get(o, field, &f, err)) < 0 ||
        (ret = check_display_name(new_name, err)) < 0)
        return ret;
    for (size_t i = 0; i < o->nfields; i++)
        if (&o->fields[i] != f && (!strcasecmp(o->fields[i].name, new_name) ||
                                   !strcasecmp(o->fields[i].slug, new_name)))
            return kith_errf(err, KITH_ECONFLICT,
                             "%s already has a field '%s'", o->slug,
                             new_name);
    return rename_row(crm, "kith_fields", f->id, new_name, err);
}

/* Drop one field's index (if any), column and metadata row. */
static int drop_field(struct crm *crm, const struct crm_object *o,
                      const struct crm_field *f, struct kith_err *err)
{
    struct buf sql = BUF_INIT;
    struct db_stmt *st = NULL;
    buf_appends(&sql, "DROP INDEX IF EXISTS ");
    index_name(&sql, o->slug, f->slug);
    int ret = ddl(crm, &sql, err);
    if (ret < 0)
        goto out;
    buf_appends(&sql, "ALTER TABLE ");
    db_quote_ident(&sql, o->slug);
    buf_appends(&sql, " DROP COLUMN ");
    db_quote_ident(&sql, f->slug);
    if ((ret = ddl(crm, &sql, err)) < 0)
        goto out;
    if ((ret = db_prepare(crm->db, "DELETE FROM kith_fields WHERE id = ?1",
                          &st, err)) < 0)
        goto out;
    db_bind_int(st, 1, f->id);
    ret = db_step(st, err);
out:
    db_finalize(st);
    buf_release(&sql);
    return ret < 0 ? ret : KITH_OK;
}

int crm_field_remove(struct crm *crm, const char *object, const char *field,
                     bool force, struct kith_err *err)
{
    const struct crm_object *o;
    const struct crm_field *f;
    int ret = crm_object_get(crm, object, &o, err);
    if (ret < 0 || (ret = crm_field_get(o, field, &f, err)) < 0)
        return ret;
    if (!strcmp(f->slug, o->label))
        return kith_errf(err, KITH_EINVAL,
                         "'%s' is the label of %s and cannot be removed",
                         f->slug, o->slug);
    if ((ret = view_check_field_unused(crm, o, f, err)) < 0)
        return ret; /* a saved view uses it */
    if (!force)
        return kith_errf(err, KITH_EUSAGE,
                         "removing %s.%s deletes its values in every entry; "
                         "add --force to do it",
                         o->slug, f->slug);
    if ((ret = db_tx_begin(crm->db, err)) < 0)
        return ret;
    ret = drop_field(crm, o, f, err);
    if (ret == KITH_OK) /* its values leave the search index too */
        ret = search_refresh_object(crm, o, f, err);
    return schema_tx(crm, ret, err);
}

static int object_remove_in_tx(struct crm *crm, const struct crm_object *o,
                               struct kith_err *err)
{
    int ret = KITH_OK;
    /* Relation fields elsewhere that point here go with the object. */
    for (size_t i = 0; i < crm->nobjects && ret == KITH_OK; i++) {
        const struct crm_object *other = &crm->objects[i];
        if (other == o)
            continue;
        for (size_t j = 0; j < other->nfields && ret == KITH_OK; j++)
            if (other->fields[j].target == o)
                ret = drop_field(crm, other, &other->fields[j], err);
    }
    struct buf sql = BUF_INIT;
    struct db_stmt *st = NULL;
    if (ret < 0 || (ret = search_drop_object(crm, o, err)) < 0 ||
        (ret = view_remove_object(crm, o->slug, err)) < 0)
        goto out;
    buf_appends(&sql, "DROP TABLE ");
    db_quote_ident(&sql, o->slug);
    if ((ret = ddl(crm, &sql, err)) < 0)
        goto out;
    if ((ret = db_prepare(crm->db, "DELETE FROM kith_objects WHERE id = ?1",
                          &st, err)) < 0)
        goto out;
    db_bind_int(st, 1, o->id);
    ret = db_step(st, err);
out:
    db_finalize(st);
    buf_release(&sql);
    return ret < 0 ? ret : KITH_OK;
}

int crm_object_remove(struct crm *crm, const char *object, bool force,
                      struct kith_err *err)
{
    const struct crm_object *o;
    int ret = crm_object_get(crm, object, &o, err);
    if (ret < 0)
        return ret;
    if (!force)
        return kith_errf(err, KITH_EUSAGE,
                         "removing %s deletes all its entries and the "
                         "relation fields that point at it; add --force "
                         "to do it",
                         o->slug);
    if ((ret = db_tx_begin(crm->db, err)) < 0)
        return ret;
    return schema_tx(crm, object_remove_in_tx(crm, o, err), err);
}

/* ---- the default objects ---- */

#define OPTS(...) (const char *const[]){ __VA_ARGS__ }, \
    sizeof((const char *const[]){ __VA_ARGS__ }) / sizeof(char *)

struct seed_field {
    const char *object;
    struct crm_field_spec spec;
};

static const char *const tag_options[] = { "vip",      "partner", "newsletter",
                                           "investor", "event",   "referral" };

static const struct seed_field seed_fields[] = {
    { "companies", { "Domain", CRM_TEXT, NULL, 0, NULL } },
    { "companies",
      { "Industry", CRM_SELECT,
        OPTS("Software", "Finance", "Healthcare", "Retail", "Manufacturing",
             "Education", "Media", "Logistics"),
        NULL } },
    { "companies", { "Employees", CRM_NUMBER, NULL, 0, NULL } },
    { "companies", { "City", CRM_TEXT, NULL, 0, NULL } },
    { "companies", { "Tags", CRM_MULTI_SELECT, tag_options, 6, NULL } },
    { "people", { "Email", CRM_EMAIL, NULL, 0, NULL } },
    { "people", { "Phone", CRM_PHONE, NULL, 0, NULL } },
    { "people", { "Company", CRM_RELATION, NULL, 0, "companies" } },
    { "people", { "Title", CRM_TEXT, NULL, 0, NULL } },
    { "people",
      { "Status", CRM_SELECT,
        OPTS("Lead", "Contacted", "Qualified", "Customer", "Churned"),
        NULL } },
    { "people", { "Tags", CRM_MULTI_SELECT, tag_options, 6, NULL } },
    { "people", { "LinkedIn", CRM_URL, NULL, 0, NULL } },
    { "people", { "Last contacted", CRM_DATE, NULL, 0, NULL } },
    { "deals", { "Company", CRM_RELATION, NULL, 0, "companies" } },
    { "deals", { "Contact", CRM_RELATION, NULL, 0, "people" } },
    { "deals", { "Amount", CRM_CURRENCY, NULL, 0, NULL } },
    { "deals",
      { "Stage", CRM_SELECT,
        OPTS("Lead", "Qualified", "Proposal", "Negotiation", "Closed Won",
             "Closed Lost"),
        NULL } },
    { "deals", { "Close date", CRM_DATE, NULL, 0, NULL } },
    { "deals", { "Probability", CRM_NUMBER, NULL, 0, NULL } },
    { "tasks", { "Due", CRM_DATE, NULL, 0, NULL } },
    { "tasks", { "Done", CRM_BOOLEAN, NULL, 0, NULL } },
    { "tasks", { "Person", CRM_RELATION, NULL, 0, "people" } },
    { "tasks", { "Deal", CRM_RELATION, NULL, 0, "deals" } },
};

static int seed_in_tx(struct crm *crm, struct kith_err *err)
{
    static const char *const objects[][2] = {
        { "Companies", "Name" },
        { "People", "Name" },
        { "Deals", "Name" },
        { "Tasks", "Title" },
    };
    int ret = KITH_OK;
    for (size_t i = 0; i < 4 && ret == KITH_OK; i++)
        ret = object_add_in_tx(crm, objects[i][0], objects[i][1], err);
    for (size_t i = 0;
         i < sizeof(seed_fields) / sizeof(*seed_fields) && ret == KITH_OK;
         i++) {
        ret = field_add_in_tx(crm, crm_object_find(crm, seed_fields[i].object),
                              &seed_fields[i].spec, err);
        if (ret == KITH_OK)
            ret = schema_load(crm, err);
    }
    if (ret == KITH_OK)
        ret = report_seed(crm, err);
    return ret;
}

int crm_seed_defaults(struct crm *crm, struct kith_err *err)
{
    int ret = db_tx_begin(crm->db, err);
    if (ret < 0)
        return ret;
    return schema_tx(crm, seed_in_tx(crm, err), err);
}
