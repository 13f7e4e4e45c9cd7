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
    struct buf scratch; /* reused by the write path for change JSON */
};

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

/* ---- change.c ---- */
int change_record(struct crm *crm, const char *actor, const char *object,
                  int64_t entry_id, const char *op, const char *before,
                  const char *after, const char *at, struct kith_err *err);
/* Start a new change group; its id is the id the next change will take. */
int change_group_new(struct crm *crm, int64_t *group, struct kith_err *err);

#endif
