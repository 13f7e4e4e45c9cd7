/*
 * crm: the CRM's operations, defined once for every front end.
 *
 * Objects (people, companies, ...) are data: each is a row in kith_objects
 * and a real table named by its slug; each field is a row in kith_fields and
 * a typed column. Every write to an entry goes through one path here that
 * validates the values by field type, writes them, and records the change in
 * kith_changes, all in one transaction, so any change can be undone.
 *
 * Names: wherever a function takes an object or field name it accepts the
 * slug or the display name, case-insensitively. An unknown name fails with
 * KITH_ENOTFOUND and a suggestion when one is close.
 *
 * Pointers to struct crm_object / crm_field are borrowed from the schema
 * cache and are valid until the next schema change (object or field add,
 * rename, remove) on the same struct crm.
 *
 * A struct crm is not thread-safe; use one per thread.
 */
#ifndef KITH_CRM_H
#define KITH_CRM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"
#include "base/err.h"
#include "base/json.h"

struct crm;
struct db;

enum crm_type {
    CRM_TEXT,
    CRM_LONG_TEXT,
    CRM_NUMBER,
    CRM_CURRENCY,
    CRM_BOOLEAN,
    CRM_DATE,
    CRM_DATETIME,
    CRM_EMAIL,
    CRM_PHONE,
    CRM_URL,
    CRM_SELECT,
    CRM_MULTI_SELECT,
    CRM_RELATION,
    CRM_RATING,
};

struct crm_object;

struct crm_field {
    int64_t id;
    char *slug;      /* the column name */
    char *name;      /* display name */
    enum crm_type type;
    char **options;  /* select and multi_select: allowed values */
    size_t noptions;
    int64_t target_id;              /* relation: the target object's id */
    const struct crm_object *target; /* relation: the target object */
    int position;
};

struct crm_object {
    int64_t id;
    char *slug;  /* the table name */
    char *name;  /* display name */
    char *label; /* slug of the label field (name or title) */
    struct crm_field *fields;
    size_t nfields;
    char *insert_sql; /* INSERT of every column, parameters in field order */
    char *select_sql; /* SELECT of every column with relation labels joined */
};

/* Actors recorded in the change log. */
#define CRM_ACTOR_USER "user"
#define CRM_ACTOR_API "api"
#define CRM_ACTOR_IMPORT "import"

/* ---- workspace (workspace.c) ---- */

/*
 * The workspace directory: flag (--workspace) if given, else $KITH_HOME,
 * else ~/.kith. Written to out.
 */
int crm_workspace_dir(const char *flag, struct buf *out, struct kith_err *err);
/*
 * Create the workspace of DESIGN in dir: kith.db with the default objects,
 * config.json, token and secrets.env (0600), SOUL.md, USER.md, MEMORY.md.
 * Existing files are never changed. *created says whether kith.db was new;
 * with demo, a new kith.db is filled with the sample data.
 */
int crm_workspace_init(const char *dir, bool demo, bool *created,
                       struct kith_err *err);
/* Open the workspace's kith.db; KITH_ENOTFOUND when there is none. */
int crm_open(const char *dir, struct crm **out, struct kith_err *err);
/* Open a database file directly (":memory:" for tests), creating it. */
int crm_open_db(const char *path, struct crm **out, struct kith_err *err);
void crm_close(struct crm *crm); /* NULL is fine */
/*
 * Reload the schema cache if another connection changed objects or fields
 * since it was loaded (one cheap PRAGMA). Long-lived holders of a struct
 * crm (the server's workers) call it before each request.
 */
int crm_refresh(struct crm *crm, struct kith_err *err);
/*
 * A stamp of what screens are laid out from: the objects and fields, the
 * saved views and the reports, written into out (cap bytes). It differs
 * after any change to them, by anyone (another connection or process
 * too), so a watcher compares stamps to learn that it must reload them.
 */
int crm_layout_stamp(struct crm *crm, char *out, size_t cap,
                     struct kith_err *err);
struct db *crm_db(struct crm *crm);

/* ---- schema (schema.c) ---- */

/* Create people, companies, deals and tasks as DESIGN lists them. */
int crm_seed_defaults(struct crm *crm, struct kith_err *err);

size_t crm_object_count(const struct crm *crm);
const struct crm_object *crm_object_at(const struct crm *crm, size_t i);
/* Find by slug or display name; NULL when none (no message). */
const struct crm_object *crm_object_find(const struct crm *crm,
                                         const char *name);
/* As crm_object_find, failing with a message and a suggestion. */
int crm_object_get(const struct crm *crm, const char *name,
                   const struct crm_object **out, struct kith_err *err);
const struct crm_field *crm_field_find(const struct crm_object *o,
                                       const char *name);
int crm_field_get(const struct crm_object *o, const char *name,
                  const struct crm_field **out, struct kith_err *err);
/* The object's label field. */
const struct crm_field *crm_label_field(const struct crm_object *o);

const char *crm_type_name(enum crm_type t);
int crm_type_parse(const char *s, enum crm_type *out, struct kith_err *err);

/*
 * The slug of a display name: lowercase, runs of other characters as one
 * "_", Latin accents folded ("Société Générale" -> "societe_generale"),
 * other letters kept as they are. Fails when nothing is left.
 */
int crm_slugify(const char *name, struct buf *out, struct kith_err *err);

/* Create a custom object named name, with a "name" label field. */
int crm_object_add(struct crm *crm, const char *name, struct kith_err *err);
int crm_object_rename(struct crm *crm, const char *object,
                      const char *new_name, struct kith_err *err);
/*
 * Drop an object and all its entries. Refused unless force; relation fields
 * of other objects that point at it are dropped with it.
 */
int crm_object_remove(struct crm *crm, const char *object, bool force,
                      struct kith_err *err);

struct crm_field_spec {
    const char *name;
    enum crm_type type;
    const char *const *options; /* select, multi_select */
    size_t noptions;
    const char *target; /* relation: object name */
};

int crm_field_add(struct crm *crm, const char *object,
                  const struct crm_field_spec *spec, struct kith_err *err);
int crm_field_rename(struct crm *crm, const char *object, const char *field,
                     const char *new_name, struct kith_err *err);
/*
 * Drop a field and its values. Refused unless force, for the label, and
 * while a saved view uses it (KITH_ECONFLICT naming the view).
 */
int crm_field_remove(struct crm *crm, const char *object, const char *field,
                     bool force, struct kith_err *err);

/* ---- entries: the one write path (entry.c) ---- */

/*
 * Group the writes that follow into one transaction and one change group
 * (an import, an agent's turn) until crm_commit or crm_rollback. Without
 * it, each write is its own transaction and group.
 */
int crm_begin(struct crm *crm, struct kith_err *err);
int crm_commit(struct crm *crm, struct kith_err *err);
void crm_rollback(struct crm *crm);
/* The change group of the open crm_begin (the id its first change takes),
   0 when none is open. */
int64_t crm_group(const struct crm *crm);

/*
 * values: a JSON object of field (slug or display name) to value. A value
 * may be a string in any type's text form ("42", "yes", "2026-01-31"), as
 * the CLI gives, or the JSON value itself. "" and null clear a field.
 * Relations take an id or the label of exactly one target entry.
 */
int crm_create(struct crm *crm, const char *actor, const char *object,
               const struct jv *values, int64_t *id, struct kith_err *err);
int crm_update(struct crm *crm, const char *actor, const char *object,
               int64_t id, const struct jv *values, struct kith_err *err);
/* Delete an entry; relations that point at it are set to null, recorded. */
int crm_delete(struct crm *crm, const char *actor, const char *object,
               int64_t id, struct kith_err *err);

/*
 * An entry as JSON: {"id", "created_at", "updated_at", field: value, ...}
 * with every field by slug; relations as {"id": 3, "label": "Acme Inc"}.
 */
int crm_get(struct crm *crm, const char *object, int64_t id,
            struct jv **out, struct kith_err *err);
/*
 * crm_get's JSON as text, appended to out (the one writer of both: the
 * HTTP API sends it as it is). On failure out is unchanged.
 */
int crm_get_json(struct crm *crm, const char *object, int64_t id,
                 struct buf *out, struct kith_err *err);

struct crm_query {
    const char *where;  /* filter expression (DESIGN's language), or NULL */
    const char *sort;   /* "-amount,name"; NULL for id order */
    int64_t limit;      /* 0 for the default (50) */
    const char *cursor; /* next_cursor of the page before, or NULL */
    int64_t offset;     /* skip that many matching entries (not with cursor) */
    bool no_count;      /* skip counting "total" (it is then null) */
    const char *view;   /* a saved view's name: its where is ANDed with
                           where, its sort used unless sort is given */
};

#define CRM_LIST_MAX_LIMIT 100000
#define CRM_LIST_MAX_OFFSET 1000000000

/*
 * {"entries": [...], "total": N, "next_cursor": "..." or null}
 *
 * where is DESIGN's filter language, checked against the object's fields
 * by type; a bad one fails with KITH_EINVAL and "filter at column N: ..."
 * (KITH_ETOOBIG past 4 KiB). sort is "-amount,name" (id breaks ties).
 * total counts every entry the filter matches. next_cursor is a keyset
 * cursor: pass it back with the same where and sort for the next page,
 * which continues after the last row even when entries were added or
 * deleted in between; it is null on the last page. A cursor that is not
 * one, or was made for another sort, fails with KITH_EINVAL.
 *
 * offset skips that many matching entries in the sort order: a jump into
 * the middle of a list (keyset cursors stay the way to walk one). The
 * page's next_cursor continues after its last row. offset with a cursor,
 * below 0 or above CRM_LIST_MAX_OFFSET fails with KITH_EINVAL; past the
 * end the page is empty.
 */
int crm_list(struct crm *crm, const char *object, const struct crm_query *q,
             struct jv **out, struct kith_err *err);
/* crm_list's JSON as text, appended to out; on failure out is unchanged. */
int crm_list_json(struct crm *crm, const char *object,
                  const struct crm_query *q, struct buf *out,
                  struct kith_err *err);
/* Number of entries of an object. */
int crm_count(struct crm *crm, const struct crm_object *o, int64_t *out,
              struct kith_err *err);

/* ---- change log (change.c) ---- */

/*
 * The newest changes first, as a JSON array of {"id", "at", "actor",
 * "object", "entry_id", "op", "before", "after", "group_id"}; object may be
 * NULL (all) and entry_id 0 (all of the object).
 */
int crm_log(struct crm *crm, const char *object, int64_t entry_id,
            int64_t limit, struct jv **out, struct kith_err *err);
/*
 * Revert one change through the write path, recorded as actor. Undoing a
 * create deletes the entry; undoing a delete brings it back with its id and
 * restores the relations that the delete had cleared.
 */
int crm_undo(struct crm *crm, const char *actor, int64_t change_id,
             struct kith_err *err);
/* Revert every change of a group, newest first, in one transaction. */
int crm_undo_group(struct crm *crm, const char *actor, int64_t group_id,
                   struct kith_err *err);
/* The group of change change_id (KITH_ENOTFOUND when there is none). */
int crm_change_group(struct crm *crm, int64_t change_id, int64_t *group_id,
                     struct kith_err *err);

/* ---- saved views (view.c) ---- */

/*
 * A saved view is a named list of one object's entries: a filter, a sort,
 * the columns to show and, for kanban and calendar, the field to group by.
 * Its JSON (what every function here takes and gives):
 *   {"id": 3, "object": "people", "name": "Hot leads", "kind": "table",
 *    "where": "status = Lead" | null, "sort": "-updated_at" | null,
 *    "columns": ["name", "email"] | null, "group_by": "status" | null,
 *    "created_at": "...", "updated_at": "..."}
 * kind is table, kanban (group_by a select field) or calendar (group_by a
 * date or datetime field). Everything is checked against the object when
 * the view is saved: the filter compiles, the sort and columns name fields
 * ("columns" may also be a comma list "name,email"). Names are unique per
 * object, case-insensitively (KITH_ECONFLICT). Removing an object removes
 * its views; a field that a view uses cannot be removed until the view no
 * longer uses it (crm_field_remove says which view).
 */

/* All views of object (NULL: every object), by object then name. */
int crm_view_list(struct crm *crm, const char *object, struct jv **out,
                  struct kith_err *err);
int crm_view_get(struct crm *crm, int64_t id, struct jv **out,
                 struct kith_err *err);
/* The view of object named name (any case); KITH_ENOTFOUND if none. */
int crm_view_find(struct crm *crm, const char *object, const char *name,
                  struct jv **out, struct kith_err *err);
/* Save a new view from spec ({"object", "name", ...} as above). */
int crm_view_add(struct crm *crm, const struct jv *spec, int64_t *id,
                 struct kith_err *err);
/* Change the members spec gives (null clears where, sort, columns...). */
int crm_view_update(struct crm *crm, int64_t id, const struct jv *spec,
                    struct kith_err *err);
int crm_view_remove(struct crm *crm, int64_t id, struct kith_err *err);

/* ---- entry documents (document.c) ---- */

/* The largest document crm_doc_set accepts, in bytes. */
#define CRM_DOC_MAX (1024 * 1024)

/*
 * An entry's markdown document: *markdown is the text (caller frees with
 * free()) or NULL when the entry has none. KITH_ENOTFOUND when the object
 * or the entry does not exist.
 */
int crm_doc_get(struct crm *crm, const char *object, int64_t id,
                char **markdown, struct kith_err *err);
/*
 * Replace an entry's document; NULL or "" deletes it. The entry must exist
 * (KITH_ENOTFOUND), the text must be UTF-8 without NUL (KITH_EINVAL) and at
 * most CRM_DOC_MAX bytes (KITH_ETOOBIG). Recorded in the change log as an
 * "update" with before/after {"_document": text or null}, and indexed for
 * search, in one transaction (or the caller's crm_begin group).
 */
int crm_doc_set(struct crm *crm, const char *actor, const char *object,
                int64_t id, const char *markdown, struct kith_err *err);

/* ---- full-text search (search.c) ---- */

/*
 * Search every object's text-like fields and documents. text is plain user
 * text: each word matches as a prefix, all words must match; no FTS syntax
 * passes through (quotes, NEAR, column filters, * and parentheses are just
 * characters). limit caps the hits (0 for the default, 50). *out:
 * {"query": text, "groups": [{"object": slug, "name": display name,
 *   "hits": [{"id", "label", "snippet", "score"}]}], "total": N}
 * where groups come in the order of their best hit, hits by rank (best
 * first; score is bm25, higher is better), snippet marks matches with
 * [ and ], and total counts every match (not capped by limit).
 * Text with no words gives no hits. Caller frees *out with jv_free.
 */
int crm_search(struct crm *crm, const char *text, int64_t limit,
               struct jv **out, struct kith_err *err);

/* Called by crm_reindex after each object: done and total entries. */
typedef void crm_progress_fn(void *ctx, int64_t done, int64_t total);

/*
 * Rebuild the search index from every entry and document, in one
 * transaction. progress may be NULL.
 */
int crm_reindex(struct crm *crm, crm_progress_fn *progress, void *ctx,
                struct kith_err *err);

/* ---- CSV import and export (import.c, export.c) ---- */

/*
 * Pull up to cap bytes of input into buf: *got bytes were read, 0 at the
 * end. Return KITH_OK or a negative code with err filled (KITH_EIO).
 */
typedef int crm_read_fn(void *ctx, char *buf, size_t cap, size_t *got,
                        struct kith_err *err);
/* Push n bytes of output; KITH_OK or a negative code with err filled. */
typedef int crm_write_fn(void *ctx, const char *data, size_t n,
                         struct kith_err *err);
/* Import progress: data rows and input bytes handled so far. */
typedef void crm_import_progress_fn(void *ctx, size_t rows, size_t bytes);

struct crm_import_opts {
    /* "Full Name=name,Mail=email": CSV column (case-insensitive) to field
     * (slug or display name); "Notes=" skips a column. NULL for none. */
    const char *map;
    bool skip_invalid;   /* import the good rows, report the bad ones */
    const char *upsert;  /* field to match existing entries on, or NULL */
    bool create_missing; /* create relation targets named but missing */
    const char *actor;   /* for the change log; NULL is CRM_ACTOR_IMPORT */
};

#define CRM_IMPORT_BAD_MAX 20

struct crm_import_bad {
    size_t line; /* line in the file on which the row starts */
    char *msg;   /* owned: "email: 'x@' is not an email address" */
};

struct crm_import_report {
    size_t rows;    /* data rows read (blank rows not counted) */
    size_t created; /* entries created from rows */
    size_t updated; /* entries changed by --upsert rows */
    size_t unchanged; /* upsert rows that matched and changed nothing */
    size_t targets; /* relation targets created by create_missing */
    size_t invalid; /* bad rows in all (skipped, or the reason for none) */
    size_t nbad;    /* bad rows listed in bad[] (the first ones) */
    struct crm_import_bad bad[CRM_IMPORT_BAD_MAX];
    int64_t group;  /* the change group written, 0 when nothing was */
};

/*
 * Import CSV read through read(read_ctx, ...) into object: the first
 * record is the header, each column matched to a field by opts->map, else
 * by slug or display name, case-insensitively; an unknown column fails
 * with its name and a suggestion before any row is read. Each row goes
 * through crm_create (or crm_update for an upsert match), so values are
 * validated like any other write; empty cells leave fields empty (on an
 * update, as they were). A row with fewer cells than the header is padded
 * with empty cells; one with more is a bad row.
 *
 * Everything happens in one crm_begin/crm_commit group, so crm_undo_group
 * of rep->group reverts the whole import. With bad rows and without
 * opts->skip_invalid nothing is imported: the return is KITH_EINVAL and
 * rep lists the bad rows. With skip_invalid the good rows are imported and
 * the bad ones reported. Malformed CSV fails with its line
 * ("line 7: ..."), importing nothing.
 *
 * Upsert: the field must be text, email, phone or url; a row whose value
 * matches (case-insensitively) one existing entry updates it (the key
 * itself is left as stored), no match
 * creates one, an empty value creates one. A row matching two entries, or
 * an entry that an earlier row of the same file already created or
 * updated, is a bad row. Matching is fast on indexed fields (the label,
 * email).
 *
 * Relation columns take a label (or an id); with opts->create_missing a
 * label that names no entry creates the target (its label only) in the
 * same group. Memory stays flat: rows are handled as they are read.
 * progress may be NULL. Release rep with crm_import_report_release.
 */
int crm_import(struct crm *crm, const char *object,
               const struct crm_import_opts *opts, crm_read_fn *read,
               void *read_ctx, crm_import_progress_fn *progress,
               void *progress_ctx, struct crm_import_report *rep,
               struct kith_err *err);
void crm_import_report_release(struct crm_import_report *rep);
/*
 * The report as JSON: {"rows", "created", "updated", "unchanged",
 * "targets_created", "invalid", "bad_rows": [{"line", "message"}],
 * "group": id or null}. Caller frees with jv_free.
 */
struct jv *crm_import_report_json(const struct crm_import_report *rep);

/*
 * Export the entries of object that match where (the filter language, or
 * NULL for all) as CSV through write(ctx, ...): a header of field slugs,
 * then one row per entry in id order, each value in the text form that
 * crm_import reads back (multi_select "a, b", a relation as its target's
 * label, or its id when that label is empty, looks like a number or names
 * several entries; booleans true/false). Streams page by page.
 */
int crm_export(struct crm *crm, const char *object, const char *where,
               crm_write_fn *write, void *ctx, struct kith_err *err);
/* Append the CSV header row of o (its field slugs) to out. */
void crm_csv_header(const struct crm_object *o, struct buf *out);
/*
 * Append entry (crm_get's JSON) as a CSV row in field order to out, as
 * crm_export writes it. crm (may be NULL) is asked whether a relation's
 * label is shared by several targets: then the row has the target's id.
 */
void crm_csv_row(struct crm *crm, const struct crm_object *o,
                 const struct jv *entry, struct buf *out);

/* ---- read-only SQL (sql.c) ---- */

#define CRM_SQL_MAX_TIMEOUT_MS 300000 /* the longest time limit */
#define CRM_SQL_MAX_ROWS 100000        /* the largest row cap */

struct crm_sql_limits {
    int64_t timeout_ms; /* 0 for the default, 5000 */
    int64_t max_rows;   /* 0 for the default, 1000 */
};

/*
 * Run one read-only SQL statement (kith sql, POST /api/sql, the agent)
 * with read-only enforced by SQLite itself: one statement only, an
 * authorizer that refuses every write, ATTACH, PRAGMA changes and
 * load_extension, and query_only while it runs; stopped after the time
 * limit (KITH_ETIMEOUT). limits may be NULL. *out (jv_free it):
 * {"columns": [...], "rows": [[...], ...], "truncated": bool}, where
 * truncated says rows past max_rows were left out.
 */
int crm_sql(struct crm *crm, const char *sql,
            const struct crm_sql_limits *limits, struct jv **out,
            struct kith_err *err);

/* ---- reports (report.c) ---- */

/*
 * A report is a dashboard panel: {"id", "name", "sql", "chart",
 * "position", "created_at", "updated_at"}, chart one of bar, line, donut
 * (rows of label, value), number (one value) or table. Saving runs the
 * query once through crm_sql (read-only, enforced by SQLite), so a report
 * that does not compile or writes is refused with its message; names are
 * unique, case-insensitively (KITH_ECONFLICT). A new workspace starts with
 * "Pipeline value by stage", "Deals won per month" and "People by status".
 */
int crm_report_list(struct crm *crm, struct jv **out, struct kith_err *err);
int crm_report_get(struct crm *crm, int64_t id, struct jv **out,
                   struct kith_err *err);
/* spec: {"name", "sql", "chart"?} (chart defaults to table). */
int crm_report_add(struct crm *crm, const struct jv *spec, int64_t *id,
                   struct kith_err *err);
/* Change the members spec gives. */
int crm_report_update(struct crm *crm, int64_t id, const struct jv *spec,
                      struct kith_err *err);
int crm_report_remove(struct crm *crm, int64_t id, struct kith_err *err);
/* Run a report: crm_sql's {"columns", "rows", "truncated"} plus
   "report": the report. */
int crm_report_data(struct crm *crm, int64_t id,
                    const struct crm_sql_limits *limits, struct jv **out,
                    struct kith_err *err);

/* ---- duplicates and merge (dupes.c) ---- */

/*
 * Likely duplicates among an object's entries: the same email (trimmed,
 * ignoring case), the same phone (its digits; the last 10 when there are
 * more, so a country code or trunk 0 makes no difference; 7 digits at
 * least), and the same label ignoring case within one value of the
 * object's first relation field to companies (the label alone when it has
 * none). *out (jv_free it): {"object": slug, "groups": [{"reason":
 * "same email" | "same phone" | "same name" | "same name at Acme Inc" |
 * "same name, no company" (the relation field's slug),
 * "value": the first entry's value of the compared field, "entries":
 * [{"id", "label"}, ...]}]}, groups
 * in that order of reasons, then by value; entries by id. An entry can be
 * in more than one group.
 */
int crm_dupes(struct crm *crm, const char *object, struct jv **out,
              struct kith_err *err);

/*
 * Merge entry other_id into entry id of object, as one change group
 * (*group_id, for crm_undo_group): fill id's empty fields from other_id
 * (multi_select values are united, id's first), re-point every relation
 * that names other_id to id, move other_id's document to id (appended
 * under a "---" line when id has one too), then delete other_id. Refuses
 * an entry merged with itself; both entries must exist (KITH_ENOTFOUND).
 */
int crm_merge(struct crm *crm, const char *actor, const char *object,
              int64_t id, int64_t other_id, int64_t *group_id,
              struct kith_err *err);

/* ---- settings files (config.c) ---- */

/*
 * config.json of the workspace in dir as an object (*out, jv_free it):
 * the defaults of a new workspace when the file is missing; KITH_EINVAL
 * naming the file and position when it is not a JSON object.
 */
int crm_config_read(const char *dir, struct jv **out, struct kith_err *err);
/*
 * The member at a dotted key ("providers.openai.base_url") of a config
 * object: borrowed, NULL when any part is missing.
 */
struct jv *crm_config_lookup(const struct jv *config, const char *key);
/*
 * Set the dotted key of config.json to value (not consumed; NULL removes
 * the key), making intermediate objects as needed, and write the file
 * atomically (a temporary file, fsync, rename; mode 0644), the directory
 * locked against other writers meanwhile. A config.json that does not
 * parse is refused, never overwritten.
 */
int crm_config_set(const char *dir, const char *key, const struct jv *value,
                   struct kith_err *err);
/*
 * The value of NAME in secrets.env (*out, free() it), or NULL when the
 * file, the line or the value is missing or empty. "export NAME=v" and a
 * value in matching quotes are read too.
 */
int crm_secret_get(const char *dir, const char *name, char **out,
                   struct kith_err *err);
/*
 * Set NAME=value in secrets.env (value NULL or "" removes NAME's lines),
 * keeping comments and other lines. Written atomically with mode 0600
 * from the start. A value with a newline, a CR or a NUL, or a NAME that
 * is not [A-Za-z_][A-Za-z0-9_]*, is refused with KITH_EINVAL.
 */
int crm_secret_set(const char *dir, const char *name, const char *value,
                   struct kith_err *err);

/* ---- demo data (demo.c) ---- */

/* Fill the sample: about 50 companies, 200 people, 80 deals, 40 tasks. */
int crm_demo_fill(struct crm *crm, struct kith_err *err);

#endif
