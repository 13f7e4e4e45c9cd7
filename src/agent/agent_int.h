/*
 * agent_int: what the agent module's files share and nobody else sees.
 *
 * tool_check.c checks a tool's arguments against its JSON Schema,
 * tool_write.c writes results in the compact shape a model reads well
 * and keeps them within AGENT_RESULT_MAX, memory.c appends to MEMORY.md.
 */
#ifndef KITH_AGENT_INT_H
#define KITH_AGENT_INT_H

#include <stdbool.h>
#include <stddef.h>

#include "agent/agent.h"

/* ---- tool_check.c ---- */

/*
 * Check args (an object, or NULL for {}) against schema, the JSON Schema
 * text of tool's arguments: every member must be a declared property of
 * the declared type (array items too, when the schema says), every
 * required property present. An optional property given as null counts
 * as absent. Fails with KITH_EINVAL and a message naming the tool and the
 * argument ("find_entries: 'object' is required").
 */
int agent_check_args(const char *tool, const char *schema,
                     const struct jv *args, struct kith_err *err);

/* ---- tool_write.c ---- */

/*
 * Write entry (crm_get's JSON) through w as {"id", "label" (the value of
 * o's label field), then every other non-empty field by slug}; relations
 * stay {"id", "label"}. With times, "created_at" and "updated_at" close it.
 */
void agent_write_entry(struct jw *w, const struct crm_object *o,
                       const struct jv *entry, bool times);

/*
 * A list inside a result, cut at an item boundary so that the whole result
 * stays within AGENT_RESULT_MAX and stays valid JSON.
 */
struct agent_cut {
    struct buf *out; /* the result being written */
    size_t start;    /* out->len where the result began */
    size_t reserve;  /* bytes kept for the members after the list */
    size_t shown;    /* items written */
    bool cut;        /* an item did not fit: the rest are left out */
};

/* Start cutting a result that began at out->len == start. */
void agent_cut_init(struct agent_cut *c, struct buf *out, size_t start,
                    size_t reserve);
/*
 * Add item (the text of one JSON value) to the array open in w, unless it
 * would take the result past the budget: then c->cut is set and this and
 * every later item are left out. Returns whether item was added.
 */
bool agent_cut_add(struct agent_cut *c, struct jw *w, const struct buf *item);
/* After the list: when it was cut, write "shown" and "hint": hint. */
void agent_cut_end(const struct agent_cut *c, struct jw *w,
                   const char *hint);

/* Length of the longest prefix of s[0..n) within max bytes that does not
   split a UTF-8 sequence. */
size_t agent_utf8_prefix(const char *s, size_t n, size_t max);

/* ---- memory.c ---- */

#define AGENT_FACT_MAX 500          /* bytes of one remembered fact */
#define AGENT_MEMORY_MAX (64 * 1024) /* MEMORY.md stops growing here */

/*
 * Append "- fact" as one line to dir/MEMORY.md (created if missing), the
 * fact trimmed of surrounding whitespace. Refused (KITH_EINVAL) when it is
 * empty, longer than AGENT_FACT_MAX, not one line or holds control
 * characters; KITH_ETOOBIG when MEMORY.md already holds AGENT_MEMORY_MAX
 * bytes; KITH_EIO when the file cannot be written (a symlink is refused).
 * The line is written with one append under an exclusive lock, then
 * synced. *saved (free() it) is the fact as written.
 */
int agent_memory_append(const char *dir, const char *fact, char **saved,
                        struct kith_err *err);

/* ---- conversation.c: what agent.c stores as a turn goes ---- */

#define AGENT_TITLE_MAX 80 /* bytes of a conversation's title */

/* A new conversation titled after message (its first line, cut at
   AGENT_TITLE_MAX bytes), for model ("provider/model"). */
int agent_conv_create(struct crm *crm, const char *message, const char *model,
                      int64_t *id, struct kith_err *err);
/* The neutral messages of conversation id so far, oldest first (*out,
   jv_free it); KITH_ENOTFOUND when there is no such conversation. */
int agent_conv_messages(struct crm *crm, int64_t id, struct jv **out,
                        struct kith_err *err);
/* Start the next turn of conversation (*turn_id, its number *n), its
   change range starting after the newest change; the model recorded. */
int agent_conv_turn_start(struct crm *crm, int64_t conversation,
                          const char *model, int64_t *turn_id, int64_t *n,
                          struct kith_err *err);
/* Store one neutral message of turn n. */
int agent_conv_store(struct crm *crm, int64_t conversation, int64_t n,
                     const struct jv *message, struct kith_err *err);
/* Extend turn_id's change range to the newest change made by actor. */
int agent_conv_turn_mark(struct crm *crm, int64_t turn_id, const char *actor,
                         struct kith_err *err);

#endif
