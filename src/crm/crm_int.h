/*
 * crm_int: what the files of crm/ share and front ends never see.
 */
#ifndef KITH_CRM_INT_H
#define KITH_CRM_INT_H

#include "crm/crm.h"
#include "db/db.h"

struct crm {
    struct db *db;
    struct crm_object *objects;
    size_t nobjects;
    int64_t group; /* change group of the open crm_begin, 0 when none */
    int depth;     /* crm_begin nesting */
    bool broken;   /* a write in the open group failed half-way */
    int schema_cookie; /* db_schema_cookie() when the cache was loaded */
    struct buf scratch; /* reused by the write path for change JSON */
};

/* ---- workspace.c ---- */
/* The text of a new workspace's config.json (its defaults). */
const char *workspace_config_default(void);

/* ---- schema.c ---- */
int schema_load(struct crm *crm, struct kith_err *err);
void schema_free(struct crm *crm);

/* ---- value.c: one field's value, validated and typed for SQLite ---- */
struct crm_val {
    enum db_type kind; /* DB_NULL, DB_INT, DB_REAL or DB_TEXT */
    int64_t i;
    double d;
    char *s; /* owned; for DB_TEXT */
};

/*
 * Validate in (a string in the type's text form, or the JSON value) for
 * field f into out. A relation given by label comes back as DB_TEXT for
 * the caller to resolve. Messages start with the field's slug.
 */
int value_parse(const struct crm_field *f, const struct jv *in,
                struct crm_val *out, struct kith_err *err);
void value_release(struct crm_val *v);
int value_bind(struct db_stmt *st, int i, const struct crm_val *v);
/* Write the stored value in column col as JSON (relations as the id). */
void value_write(struct jw *w, const struct crm_field *f, struct db_stmt *st,
                 int col);

/* ---- entry.c ---- */
/* Close what crm_begin opened: commit when ret is KITH_OK, else roll back.
 * Returns ret, or the commit's error. */
int entry_tx_end(struct crm *crm, int ret, struct kith_err *err);
/* Update and delete for an object already looked up (undo, cascades). */
/*
 * Insert an entry with a given id and timestamps from a change-log
 * snapshot (undo of a delete). Relations to entries that are gone since
 * are left empty.
 */
int entry_update(struct crm *crm, const char *actor,
                 const struct crm_object *o, int64_t id,
                 const struct jv *values, struct kith_err *err);
int entry_delete(struct crm *crm, const char *actor,
                 const struct crm_object *o, int64_t id,
                 struct kith_err *err);
int entry_restore(struct crm *crm, const char *actor,
                  const struct crm_object *o, const struct jv *snapshot,
                  struct kith_err *err);

/* ---- filter.c: the filter language -> a parameterized WHERE fragment ---- */
#define FILTER_MAX_BYTES 4096 /* longest expression accepted */
#define FILTER_MAX_DEPTH 32   /* deepest nesting of ( ) and not */

struct filter {
    struct buf sql;         /* SQL over the alias t; "" for no filter */
    struct buf joins;       /* " LEFT JOIN target AS r<i> ON ..." for the
                               relation labels sql reads (select_sql has
                               them all; add these to FROM t otherwise) */
    struct crm_val *params; /* one per "?" in sql, in order */
    size_t nparams, cap;
};

void filter_init(struct filter *f); /* empty; allocates nothing */
void filter_release(struct filter *f);
/*
 * Compile expr (DESIGN's language; NULL or blank for none) against o's
 * fields into out (filter_init'ed; its old contents are released). Fails
 * with KITH_EINVAL and "filter at column N: reason" (with a suggestion for
 * misspelt fields and options), or KITH_ETOOBIG past FILTER_MAX_BYTES.
 * Identifiers come only from the schema; all values are parameters.
 * crm may be NULL: nothing but o and the clock (clock_today) is read.
 */
int filter_compile(struct crm *crm, const struct crm_object *o,
                   const char *expr, struct filter *out, struct kith_err *err);
/* Bind f's parameters as ?first, ?first+1, ... */
int filter_bind(const struct filter *f, struct db_stmt *st, int first);
/* dst = (dst) AND (src); src is emptied. */
void filter_and(struct filter *dst, struct filter *src);
/* Does expr name field f of o in a condition? (False when it does not
 * parse.) */
bool filter_mentions(const struct crm_object *o, const char *expr,
                     const struct crm_field *f);

/* ---- view.c ---- */
/*
 * KITH_ECONFLICT naming the first view of o that uses field f (in its
 * where, sort, columns or group_by), KITH_OK when none does.
 */
int view_check_field_unused(struct crm *crm, const struct crm_object *o,
                            const struct crm_field *f, struct kith_err *err);
/* Delete every view of the object with this slug (in the caller's tx). */
int view_remove_object(struct crm *crm, const char *object,
                       struct kith_err *err);

/* ---- query.c: sort orders and keyset cursors for crm_list ---- */
#define QUERY_MAX_KEYS 8

struct query_key {
    const char *col; /* column name, from the schema */
    int idx;         /* its column in the object's select_sql */
    bool desc;
    bool not_null;   /* id, created_at, updated_at */
};

struct query_sort {
    struct query_key keys[QUERY_MAX_KEYS + 1]; /* ends with id */
    size_t nkeys;
    struct buf spec;                        /* normalised: "-amount,name" */
    struct crm_val after[QUERY_MAX_KEYS + 1]; /* the cursor's last row */
    bool has_after;
};

/* Parse "-amount,name" (NULL for id order) into q; "sort: ..." errors. */
int query_sort_parse(const struct crm_object *o, const char *sort,
                     struct query_sort *q, struct kith_err *err);
void query_sort_release(struct query_sort *q);
/* Append " ORDER BY ..." (id last, so the order is total). */
void query_order_sql(const struct query_sort *q, struct buf *sql);
/* Read a next_cursor into q->after; "cursor ..." errors (KITH_EINVAL). */
int query_cursor_decode(struct query_sort *q, const char *cursor,
                        struct kith_err *err);
/*
 * The rows after the cursor, as SQL with parameters into out (empty when
 * q has no cursor): stable under ties and NULLs, in either direction.
 */
void query_after_sql(const struct query_sort *q, struct filter *out);
/* The cursor that continues after the current row of st; free() it. */
char *query_cursor_encode(const struct query_sort *q, struct db_stmt *st);

/* ---- change.c ---- */
int change_record(struct crm *crm, const char *actor, const char *object,
                  int64_t entry_id, const char *op, const char *before,
                  const char *after, const char *at, struct kith_err *err);
/* Start a new change group; its id is the id the next change will take. */
int change_group_new(struct crm *crm, int64_t *group, struct kith_err *err);

/* ---- search.c: the kith_search index, kept by the write path ---- */
/* Index a new entry from the values insert_entry has (no document yet). */
int search_index_vals(struct crm *crm, const struct crm_object *o, int64_t id,
                      const struct crm_val *vals, struct kith_err *err);
/* Re-read entry id (fields and document) and index it; unindex if gone. */
int search_index_entry(struct crm *crm, const struct crm_object *o,
                       int64_t id, struct kith_err *err);
int search_unindex(struct crm *crm, const struct crm_object *o, int64_t id,
                   struct kith_err *err);
/* Drop every row and document of o (the object is being removed). */
int search_drop_object(struct crm *crm, const struct crm_object *o,
                       struct kith_err *err);
/* Re-index all of o's entries, leaving out field skip (being dropped). */
int search_refresh_object(struct crm *crm, const struct crm_object *o,
                          const struct crm_field *skip, struct kith_err *err);

/* ---- document.c ---- */
/* The document of entry id (*markdown: free() it; NULL when none). */
int doc_read(struct crm *crm, const struct crm_object *o, int64_t id,
             char **markdown, struct kith_err *err);
/* crm_doc_set for an object already looked up (undo). */
int doc_set(struct crm *crm, const char *actor, const struct crm_object *o,
            int64_t id, const char *markdown, struct kith_err *err);
/* Read and delete the document, unrecorded: a delete keeps it in "before". */
int doc_take(struct crm *crm, const struct crm_object *o, int64_t id,
             char **markdown, struct kith_err *err);
/* Store a document unrecorded and reindex (undo of a delete). */
int doc_put(struct crm *crm, const struct crm_object *o, int64_t id,
            const char *markdown, struct kith_err *err);

/* report.c: the default reports of a new workspace (inside its seed). */
int report_seed(struct crm *crm, struct kith_err *err);

#endif
