/*
 * search: full-text search over every object's text-like fields and entry
 * documents, with one FTS5 table (kith_search, made by migration 2).
 *
 * Each entry is one row: rowid = object id << 40 | entry id, so a write
 * finds its row without a lookup; label = the label field; body = the
 * other text-like values (text, long_text, email, phone, url, select,
 * multi_select items), one per line in field order, then the document.
 * Relation labels are not indexed: renaming a company would otherwise
 * mean reindexing everyone who points at it.
 *
 * The write path (entry.c, document.c, schema.c) keeps the index inside
 * each write's own transaction, so it is never out of step with the rows.
 * User text never reaches FTS5 as syntax: crm_search splits it into words
 * and quotes each one (build_match), and binds the result as a parameter.
 */
#include "crm/crm_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/utf8.h"
#include "base/xalloc.h"

#define SEARCH_TEXT_MAX 1000 /* bytes of user text */
#define SEARCH_WORDS_MAX 16
#define SEARCH_LIMIT_DEFAULT 50
#define SEARCH_LIMIT_MAX 1000
#define SEARCH_ID_BITS 40
#define PROGRESS_EVERY 4096

/* ---- rows: what one entry contributes ---- */

static int64_t row_id(const struct crm_object *o, int64_t id)
{
    return (o->id << SEARCH_ID_BITS) | id;
}

/* Is a field of type t part of the body? (The label is, as the label.) */
static bool text_like(enum crm_type t)
{
    switch (t) {
    case CRM_TEXT:
    case CRM_LONG_TEXT:
    case CRM_EMAIL:
    case CRM_PHONE:
    case CRM_URL:
    case CRM_SELECT:
    case CRM_MULTI_SELECT: return true;
    default: return false;
    }
}

/* Is field i of o in the body (text-like, not the label, not skip)? */
static bool in_body(const struct crm_object *o, size_t i,
                    const struct crm_field *label,
                    const struct crm_field *skip)
{
    const struct crm_field *f = &o->fields[i];
    return f != label && f != skip && text_like(f->type);
}

/* Append one value to the body, on its own line; NULL and "" add nothing.
 * A multi_select (a JSON array) goes in as "a, b". */
static void body_add(struct buf *b, const struct crm_field *f, const char *s)
{
    if (!s || !*s)
        return;
    struct jv *arr = NULL;
    if (f && f->type == CRM_MULTI_SELECT &&
        jv_type(arr = jv_parse(s, strlen(s), NULL)) == JV_ARRAY) {
        size_t start = b->len;
        for (size_t i = 0; i < jv_len(arr); i++) {
            const char *item = jv_str(jv_at(arr, i));
            if (!item || !*item)
                continue;
            if (b->len > start)
                buf_appends(b, ", ");
            else if (b->len)
                buf_appendc(b, '\n');
            buf_appends(b, item);
        }
        jv_free(arr);
        return;
    }
    jv_free(arr);
    if (b->len)
        buf_appendc(b, '\n');
    buf_appends(b, s);
}

/* Write the row for rowid (label may be NULL; an empty body is NULL). */
static int index_put(struct crm *crm, int64_t rowid, const char *label,
                     const struct buf *body, struct kith_err *err)
{
    struct db_stmt *st;
    int ret = db_cached(crm->db,
                        "INSERT INTO kith_search (rowid, label, body) "
                        "VALUES (?1, ?2, ?3)",
                        &st, err);
    if (ret < 0)
        return ret;
    db_bind_int(st, 1, rowid);
    db_bind_str(st, 2, label);
    if (body->len)
        db_bind_text(st, 3, body->buf, body->len);
    ret = db_step(st, err);
    db_reset(st);
    return ret < 0 ? ret : KITH_OK;
}

/* Delete the rows with rowids in [lo, hi]. */
static int index_drop(struct crm *crm, int64_t lo, int64_t hi,
                      struct kith_err *err)
{
    struct db_stmt *st;
    int ret = db_cached(crm->db,
                        "DELETE FROM kith_search WHERE rowid BETWEEN ?1 "
                        "AND ?2",
                        &st, err);
    if (ret < 0)
        return ret;
    db_bind_int(st, 1, lo);
    db_bind_int(st, 2, hi);
    ret = db_step(st, err);
    db_reset(st);
    return ret < 0 ? ret : KITH_OK;
}

int search_index_vals(struct crm *crm, const struct crm_object *o, int64_t id,
                      const struct crm_val *vals, struct kith_err *err)
{
    const struct crm_field *label = crm_label_field(o);
    const char *label_text = NULL;
    struct buf body = BUF_INIT;
    for (size_t i = 0; i < o->nfields; i++) {
        const char *s = vals[i].kind == DB_TEXT ? vals[i].s : NULL;
        if (&o->fields[i] == label)
            label_text = s;
        else if (in_body(o, i, label, NULL))
            body_add(&body, &o->fields[i], s);
    }
    int ret = index_put(crm, row_id(o, id), label_text, &body, err);
    buf_release(&body);
    return ret;
}

int search_unindex(struct crm *crm, const struct crm_object *o, int64_t id,
                   struct kith_err *err)
{
    return index_drop(crm, row_id(o, id), row_id(o, id), err);
}

/* ---- rows read back from the tables ---- */

/*
 * SELECT id, label, body columns..., document FROM o (one entry with
 * ?2 = id when one): column order matches row_put.
 */
static void select_rows(const struct crm_object *o,
                        const struct crm_field *skip, bool one,
                        struct buf *sql)
{
    const struct crm_field *label = crm_label_field(o);
    buf_appends(sql, "SELECT t.id, ");
    if (label) {
        buf_appends(sql, "t.");
        db_quote_ident(sql, label->slug);
    } else {
        buf_appends(sql, "NULL");
    }
    for (size_t i = 0; i < o->nfields; i++) {
        if (!in_body(o, i, label, skip))
            continue;
        buf_appends(sql, ", t.");
        db_quote_ident(sql, o->fields[i].slug);
    }
    buf_appends(sql, ", d.markdown FROM ");
    db_quote_ident(sql, o->slug);
    buf_appends(sql, " AS t LEFT JOIN kith_documents AS d "
                     "ON d.object = ?1 AND d.entry_id = t.id");
    if (one)
        buf_appends(sql, " WHERE t.id = ?2");
}

/* Index the row at st (from select_rows). */
static int row_put(struct crm *crm, const struct crm_object *o,
                   const struct crm_field *skip, struct db_stmt *st,
                   struct buf *body, struct kith_err *err)
{
    const struct crm_field *label = crm_label_field(o);
    int col = 2;
    buf_reset(body);
    for (size_t i = 0; i < o->nfields; i++)
        if (in_body(o, i, label, skip))
            body_add(body, &o->fields[i], db_col_text(st, col++));
    body_add(body, NULL, db_col_text(st, col));
    return index_put(crm, row_id(o, db_col_int(st, 0)), db_col_text(st, 1),
                     body, err);
}

int search_index_entry(struct crm *crm, const struct crm_object *o,
                       int64_t id, struct kith_err *err)
{
    struct buf sql = BUF_INIT, body = BUF_INIT;
    struct db_stmt *st;
    int ret = search_unindex(crm, o, id, err);
    if (ret < 0)
        goto out;
    select_rows(o, NULL, true, &sql);
    if ((ret = db_cached(crm->db, sql.buf, &st, err)) < 0)
        goto out;
    db_bind_str(st, 1, o->slug);
    db_bind_int(st, 2, id);
    ret = db_step(st, err);
    if (ret == DB_ROW)
        ret = row_put(crm, o, NULL, st, &body, err);
    db_reset(st);
out:
    buf_release(&sql);
    buf_release(&body);
    return ret < 0 ? ret : KITH_OK;
}

/* Index every entry of o; *done counts on for progress. */
static int index_object(struct crm *crm, const struct crm_object *o,
                        const struct crm_field *skip, int64_t *done,
                        int64_t total, crm_progress_fn *progress, void *ctx,
                        struct kith_err *err)
{
    struct buf sql = BUF_INIT, body = BUF_INIT;
    struct db_stmt *st = NULL;
    select_rows(o, skip, false, &sql);
    int ret = db_prepare(crm->db, sql.buf, &st, err);
    if (ret < 0)
        goto out;
    db_bind_str(st, 1, o->slug);
    while ((ret = db_step(st, err)) == DB_ROW) {
        if ((ret = row_put(crm, o, skip, st, &body, err)) < 0)
            goto out;
        if (++*done % PROGRESS_EVERY == 0 && progress)
            progress(ctx, *done, total);
    }
out:
    db_finalize(st);
    buf_release(&sql);
    buf_release(&body);
    return ret < 0 ? ret : KITH_OK;
}

int search_drop_object(struct crm *crm, const struct crm_object *o,
                       struct kith_err *err)
{
    struct db_stmt *st;
    int ret = index_drop(crm, row_id(o, 0), row_id(o, (1LL << 40) - 1), err);
    if (ret < 0 ||
        (ret = db_cached(crm->db,
                         "DELETE FROM kith_documents WHERE object = ?1", &st,
                         err)) < 0)
        return ret;
    db_bind_str(st, 1, o->slug);
    ret = db_step(st, err);
    db_reset(st);
    return ret < 0 ? ret : KITH_OK;
}

int search_refresh_object(struct crm *crm, const struct crm_object *o,
                          const struct crm_field *skip, struct kith_err *err)
{
    int64_t done = 0;
    if (skip && skip != crm_label_field(o) && !text_like(skip->type))
        return KITH_OK; /* it was never in the index */
    int ret = index_drop(crm, row_id(o, 0), row_id(o, (1LL << 40) - 1), err);
    if (ret < 0)
        return ret;
    return index_object(crm, o, skip, &done, 0, NULL, NULL, err);
}

/* ---- reindex ---- */

/* Drop and recreate kith_search as migration 2 defined it (emptying an
 * FTS5 table row by row costs as much as filling it). */
static int recreate_table(struct crm *crm, struct kith_err *err)
{
    struct db_stmt *st = NULL;
    char *ddl = NULL;
    int ret = db_prepare(crm->db,
                         "SELECT sql FROM sqlite_master WHERE type = 'table' "
                         "AND name = 'kith_search'",
                         &st, err);
    if (ret < 0)
        goto out;
    if ((ret = db_step(st, err)) != DB_ROW) {
        if (ret == DB_DONE)
            ret = kith_errf(err, KITH_EDB, "the search index table is "
                                           "missing from the database");
        goto out;
    }
    ddl = xstrdup(db_col_text(st, 0));
    db_finalize(st);
    st = NULL;
    if ((ret = db_exec(crm->db, "DROP TABLE kith_search", err)) < 0)
        goto out;
    ret = db_exec(crm->db, ddl, err);
out:
    db_finalize(st);
    free(ddl);
    return ret < 0 ? ret : KITH_OK;
}

int crm_reindex(struct crm *crm, crm_progress_fn *progress, void *ctx,
                struct kith_err *err)
{
    int64_t total = 0, done = 0;
    int ret = db_tx_begin(crm->db, err);
    if (ret < 0)
        return ret;
    for (size_t i = 0; i < crm->nobjects && ret == KITH_OK; i++) {
        int64_t n = 0;
        ret = crm_count(crm, &crm->objects[i], &n, err);
        total += n;
    }
    if (ret == KITH_OK)
        ret = recreate_table(crm, err);
    for (size_t i = 0; i < crm->nobjects && ret == KITH_OK; i++) {
        ret = index_object(crm, &crm->objects[i], NULL, &done, total,
                           progress, ctx, err);
        if (ret == KITH_OK && progress)
            progress(ctx, done, total);
    }
    if (ret < 0) {
        db_tx_rollback(crm->db);
        return ret;
    }
    return db_tx_commit(crm->db, err);
}

/* ---- search ---- */

/*
 * Does code point cp end a word of a search? ASCII other than letters and
 * digits, and the common Unicode punctuation, symbol and emoji blocks: the
 * characters FTS5's unicode61 tokenizer does not keep, so that no quoted
 * word is left without a token (an empty phrase would match nothing).
 */
static bool is_separator(uint32_t cp)
{
    if (cp < 0x80)
        return !((cp >= '0' && cp <= '9') || (cp >= 'a' && cp <= 'z') ||
                 (cp >= 'A' && cp <= 'Z'));
    if (cp <= 0xBF) /* Latin-1 punctuation, except letters and numbers */
        return !(cp == 0xAA || cp == 0xB2 || cp == 0xB3 || cp == 0xB5 ||
                 cp == 0xB9 || cp == 0xBA || (cp >= 0xBC && cp <= 0xBE));
    return cp == 0xD7 || cp == 0xF7 || (cp >= 0x2000 && cp <= 0x206F) ||
           (cp >= 0x20A0 && cp <= 0x20CF) || (cp >= 0x2190 && cp <= 0x2BFF) ||
           (cp >= 0x3000 && cp <= 0x3004) || (cp >= 0x3008 && cp <= 0x3020) ||
           (cp >= 0xFE30 && cp <= 0xFE4F) || (cp >= 0xFF01 && cp <= 0xFF0F) ||
           (cp >= 0xFF1A && cp <= 0xFF20) || (cp >= 0xFF3B && cp <= 0xFF40) ||
           (cp >= 0xFF5B && cp <= 0xFF65) || (cp >= 0x1F000 && cp <= 0x1FAFF);
}

/* Append w[0..n) as an FTS5 string ('"' doubled, though it separates words
 * and so never occurs). */
static void match_string(struct buf *q, const char *w, size_t n)
{
    buf_appendc(q, '"');
    for (size_t i = 0; i < n; i++) {
        if (w[i] == '"')
            buf_appendc(q, '"');
        buf_appendc(q, w[i]);
    }
    buf_appendc(q, '"');
}

/*
 * Append one word: ("w" OR "w"*), so that it matches as a prefix and a
 * whole-word match counts twice in bm25 (ann ranks Ann above Annual). A
 * word of one character matches only as a whole word: a one-letter prefix
 * would touch most of the index.
 */
static void match_word(struct buf *q, const char *w, size_t n, size_t cps)
{
    if (q->len)
        buf_appends(q, " AND ");
    if (cps < 2) {
        match_string(q, w, n);
        return;
    }
    buf_appendc(q, '(');
    match_string(q, w, n);
    buf_appends(q, " OR ");
    match_string(q, w, n);
    buf_appends(q, "*)");
}

/*
 * Turn user text into an FTS5 query: every word quoted, as a word and as
 * a prefix (match_word), all AND-ed. Nothing of the text is FTS5 syntax afterwards. An empty q
 * means the text has no words.
 */
static int build_match(const char *text, struct buf *q, struct kith_err *err)
{
    size_t len = strlen(text), words = 0, cps = 0;
    if (len > SEARCH_TEXT_MAX)
        return kith_errf(err, KITH_EINVAL,
                         "search: the text is %zu bytes; at most %d", len,
                         SEARCH_TEXT_MAX);
    if (!utf8_valid(text, len))
        return kith_errf(err, KITH_EINVAL,
                         "search: the text is not valid UTF-8");
    const char *p = text, *end = text + len, *word = NULL;
    while (p <= end) {
        uint32_t cp = 0;
        size_t n = p < end ? utf8_decode(p, (size_t)(end - p), &cp) : 1;
        bool sep = p == end || is_separator(cp);
        if (sep && word) {
            if (++words > SEARCH_WORDS_MAX)
                return kith_errf(err, KITH_EINVAL,
                                 "search: more than %d words",
                                 SEARCH_WORDS_MAX);
            match_word(q, word, (size_t)(p - word), cps);
            word = NULL;
        } else if (!sep) {
            if (!word)
                cps = 0;
            word = word ? word : p;
            cps++;
        }
        p += n ? n : 1;
    }
    return KITH_OK;
}

/* The object whose rows carry rowid, or NULL. */
static const struct crm_object *row_object(const struct crm *crm,
                                           int64_t rowid)
{
    int64_t oid = rowid >> SEARCH_ID_BITS;
    for (size_t i = 0; i < crm->nobjects; i++)
        if (crm->objects[i].id == oid)
            return &crm->objects[i];
    return NULL;
}

/* The hits array of o's group in groups, adding the group if new. */
static struct jv *group_hits(struct jv *groups, const struct crm_object *o)
{
    for (size_t i = 0; i < jv_len(groups); i++) {
        struct jv *g = jv_at(groups, i);
        if (!strcmp(jv_str(jv_get(g, "object")), o->slug))
            return jv_get(g, "hits");
    }
    struct jv *g = jv_object();
    jv_set_take(g, "object", jv_string(o->slug));
    jv_set_take(g, "name", jv_string(o->name));
    jv_set_take(g, "hits", jv_array());
    jv_push_take(groups, g);
    return jv_get(g, "hits");
}

/* Run the ranked query and group its hits into groups. */
static int collect_hits(struct crm *crm, const char *match, int64_t limit,
                        struct jv *groups, struct kith_err *err)
{
    struct db_stmt *st;
    int ret = db_cached(crm->db,
                        "SELECT rowid, label, snippet(kith_search, -1, '[', "
                        "']', '…', 12), rank FROM kith_search "
                        "WHERE kith_search MATCH ?1 "
                        "AND rank MATCH 'bm25(10.0, 1.0)' "
                        "ORDER BY rank LIMIT ?2",
                        &st, err);
    if (ret < 0)
        return ret;
    db_bind_str(st, 1, match);
    db_bind_int(st, 2, limit);
    while ((ret = db_step(st, err)) == DB_ROW) {
        int64_t rowid = db_col_int(st, 0);
        const struct crm_object *o = row_object(crm, rowid);
        if (!o)
            continue;
        struct jv *hit = jv_object();
        jv_set_take(hit, "id",
                    jv_integer(rowid & ((1LL << SEARCH_ID_BITS) - 1)));
        const char *label = db_col_text(st, 1), *snip = db_col_text(st, 2);
        jv_set_take(hit, "label", label ? jv_string(label) : jv_null());
        jv_set_take(hit, "snippet", jv_string(snip ? snip : ""));
        jv_set_take(hit, "score", jv_real(-db_col_real(st, 3)));
        jv_push_take(group_hits(groups, o), hit);
    }
    db_reset(st);
    return ret < 0 ? ret : KITH_OK;
}

static int count_hits(struct crm *crm, const char *match, int64_t *total,
                      struct kith_err *err)
{
    struct db_stmt *st;
    int ret = db_cached(crm->db,
                        "SELECT count(*) FROM kith_search "
                        "WHERE kith_search MATCH ?1",
                        &st, err);
    if (ret < 0)
        return ret;
    db_bind_str(st, 1, match);
    ret = db_step(st, err);
    *total = ret == DB_ROW ? db_col_int(st, 0) : 0;
    db_reset(st);
    return ret < 0 ? ret : KITH_OK;
}

int crm_search(struct crm *crm, const char *text, int64_t limit,
               struct jv **out, struct kith_err *err)
{
    struct buf match = BUF_INIT;
    struct jv *groups = jv_array();
    int64_t total = 0;
    *out = NULL;
    int ret = KITH_OK;
    if (limit < 0 || limit > SEARCH_LIMIT_MAX) {
        ret = kith_errf(err, KITH_EINVAL,
                        "search: limit must be between 1 and %d, not %lld",
                        SEARCH_LIMIT_MAX, (long long)limit);
        goto out;
    }
    if ((ret = build_match(text ? text : "", &match, err)) < 0)
        goto out;
    if (match.len &&
        ((ret = count_hits(crm, match.buf, &total, err)) < 0 ||
         (ret = collect_hits(crm, match.buf,
                             limit ? limit : SEARCH_LIMIT_DEFAULT, groups,
                             err)) < 0))
        goto out;
    *out = jv_object();
    jv_set_take(*out, "query", jv_string(text ? text : ""));
    jv_set_take(*out, "groups", jv_ref(groups));
    jv_set_take(*out, "total", jv_integer(total));
out:
    jv_free(groups);
    buf_release(&match);
    return ret;
}
