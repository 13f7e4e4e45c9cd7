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
/* Drop a field and its values. Refused unless force, and for the label. */
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

struct crm_query {
    const char *where;  /* filter expression (DESIGN's language), or NULL */
    const char *sort;   /* "-amount,name"; NULL for id order */
    int64_t limit;      /* 0 for the default (50) */
    const char *cursor; /* next_cursor of the page before, or NULL */
    bool no_count;      /* skip counting "total" (it is then null) */
};

/* {"entries": [...], "total": N, "next_cursor": "..." or null} */
int crm_list(struct crm *crm, const char *object, const struct crm_query *q,
             struct jv **out, struct kith_err *err);
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

/* ---- demo data (demo.c) ---- */

/* Fill the sample: about 50 companies, 200 people, 80 deals, 40 tasks. */
int crm_demo_fill(struct crm *crm, struct kith_err *err);

#endif
