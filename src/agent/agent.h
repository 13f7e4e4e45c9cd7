/*
 * agent: what the model may do to the CRM, and (later) the loop that lets
 * it (DESIGN, "Agent").
 *
 * The tool table (tools.c) defines every tool once: its public name, a
 * description a model reads, the JSON Schema of its arguments, its effect
 * and a handler over crm/. The agent loop (agent.c) and the MCP server
 * (src/mcp) both serve this one table; names and arguments are public, so
 * models, prompts and MCP clients can rely on them. Conversations, their
 * messages and turns are stored in the workspace (conversation.c).
 */
#ifndef KITH_AGENT_H
#define KITH_AGENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"
#include "base/err.h"
#include "base/json.h"
#include "crm/crm.h"
#include "llm/llm.h"

/* ---- the tool table (tools.c) ---- */

enum agent_effect {
    AGENT_READS,    /* looks only */
    AGENT_WRITES,   /* changes entries, documents or memory (undoable) */
    AGENT_DESTROYS, /* deletes an entry or changes the schema: the user
                       approves first (agent.approval) */
};

/* What a tool runs with. */
struct agent_ctx {
    struct crm *crm;
    const char *workspace; /* the workspace directory (MEMORY.md) */
    const char *actor;     /* recorded in the change log: "agent:12", "mcp" */
};

/*
 * A tool's result, written into out as compact JSON a model reads well.
 * Returns KITH_OK, or a negative code with err saying what went wrong in
 * words the model can act on (a bad filter's message, a validation error
 * naming the field); the caller turns that into an error result.
 */
typedef int agent_tool_fn(const struct agent_ctx *ctx, const struct jv *args,
                          struct buf *out, struct kith_err *err);

struct agent_tool {
    const char *name;        /* "find_entries" */
    const char *description; /* for the model */
    const char *schema;      /* JSON Schema of the arguments (an object) */
    enum agent_effect effect;
    agent_tool_fn *run;
};

#define AGENT_RESULT_MAX (16 * 1024) /* a result is cut to about this */

size_t agent_tool_count(void);
const struct agent_tool *agent_tool_at(size_t i);
/* The tool named name, or NULL. */
const struct agent_tool *agent_tool_find(const char *name);

/*
 * Run tool name with args (an object; NULL is {}): checks the arguments
 * against the tool's schema (required members, types) first, then runs
 * it. *is_error says the result in out is an error result (a JSON object
 * {"error": "..."} the model can read); the return is KITH_OK either way
 * unless the tool is unknown (KITH_ENOTFOUND) or the database failed.
 */
int agent_tool_run(const struct agent_ctx *ctx, const char *name,
                   const struct jv *args, struct buf *out, bool *is_error,
                   struct kith_err *err);

/* The tools as llm_request.tools wants them: [{"name", "description",
   "parameters"}]. Caller frees with jv_free. */
struct jv *agent_tools_json(void);

/* ---- conversations (conversation.c) ---- */

/*
 * Conversations live in kith_conversations (id, title, model, created_at,
 * updated_at), their messages in kith_messages (conversation_id, turn,
 * role user|assistant|tool, the neutral message JSON of llm.h, at) and
 * their turns in kith_turns (id, conversation_id, n, started_at,
 * first_change, last_change): a turn is one user message and everything
 * the agent did for it. A turn has a global id (what `kith undo --turn ID`
 * takes) and a number n within its conversation (what the HTTP route
 * /api/conversations/{id}/turns/{n}/undo takes).
 */

/* [{"id", "title", "model", "created_at", "updated_at", "turns"}], newest
   first. */
int agent_conversation_list(struct crm *crm, int64_t limit, struct jv **out,
                            struct kith_err *err);
/* {"id", "title", ..., "messages": [{"turn", "role", ...neutral}],
   "turns": [{"id", "n", "started_at", "changes"}]}. */
int agent_conversation_get(struct crm *crm, int64_t id, struct jv **out,
                           struct kith_err *err);
/* The newest conversation's id (for kith chat --continue); KITH_ENOTFOUND
   when there is none. */
int agent_conversation_last(struct crm *crm, int64_t *id,
                            struct kith_err *err);
/*
 * Undo everything turn_id changed (its agent:<conversation> changes,
 * newest first) in one change group, itself recorded (actor).
 * *group is that group. KITH_ENOTFOUND for an unknown turn; a turn that
 * changed nothing is KITH_EINVAL ("turn N changed nothing").
 */
int agent_undo_turn(struct crm *crm, const char *actor, int64_t turn_id,
                    int64_t *group, struct kith_err *err);
/* The global id of turn n of a conversation. */
int agent_turn_id(struct crm *crm, int64_t conversation, int64_t n,
                  int64_t *turn_id, struct kith_err *err);
/* How many changes turn_id made (what agent_undo_turn would undo). */
int agent_turn_changes(struct crm *crm, int64_t turn_id, int64_t *count,
                       struct kith_err *err);

/* ---- the loop (agent.c, prompt.c) ---- */

#define AGENT_MAX_STEPS 12 /* model calls in one turn */

enum agent_event_type {
    AGENT_EV_TEXT,        /* text: a fragment of the answer */
    AGENT_EV_TOOL_CALL,   /* call_id, name, args */
    AGENT_EV_TOOL_RESULT, /* call_id, name, result (JSON text), is_error */
    AGENT_EV_APPROVAL,    /* approval_id, name, args: waiting for the user */
    AGENT_EV_DONE,        /* conversation, turn_id, n: the turn ended */
    AGENT_EV_ERROR,       /* message: the turn failed (provider error...) */
};

/* One event of a turn; pointers are borrowed for the callback. */
struct agent_event {
    enum agent_event_type type;
    const char *text;
    size_t len;
    const char *call_id, *name;
    const struct jv *args;
    const char *result;
    bool is_error;
    int64_t approval_id;
    int64_t conversation, turn_id, n;
    const char *message;
    int64_t input_tokens, output_tokens; /* DONE: summed over the turn */
};

/* Receives each event; a negative return cancels the turn. */
typedef int agent_event_fn(void *ctx, const struct agent_event *ev);

/*
 * Asked before a tool that needs the user's approval (after the
 * AGENT_EV_APPROVAL event was sent): true runs it, false refuses it (the
 * model is told it was refused). May block (a terminal's y/N, an HTTP
 * client's POST /api/approvals/{id}); NULL refuses everything.
 */
typedef bool agent_approve_fn(void *ctx, int64_t approval_id,
                              const char *tool, const struct jv *args);

enum agent_approval { /* config.json agent.approval */
    AGENT_APPROVE_DESTRUCTIVE, /* destroying tools wait (the default) */
    AGENT_APPROVE_ALWAYS,      /* every writing tool waits */
    AGENT_APPROVE_NEVER,       /* nothing waits */
};

struct agent_opts {
    const char *workspace;           /* SOUL.md, USER.md, MEMORY.md */
    const struct llm_target *target; /* the model */
    int64_t conversation;            /* 0 starts a new one */
    enum agent_approval approval;
    agent_event_fn *on_event;
    void *event_ctx;
    agent_approve_fn *approve;
    void *approve_ctx;
    struct llm_call_opts call; /* cancellation, timeouts */
};

/*
 * Run one turn: store the user's message, build the system prompt, call
 * the model with the tool table, run its tool calls in order (asking for
 * approval where the mode says), send the results back, until a final
 * answer or AGENT_MAX_STEPS calls (then it says so), storing every
 * message. Writes are recorded as agent:<conversation>. *conversation
 * and *turn_id say where it went. A provider failure ends the turn with
 * AGENT_EV_ERROR and its code.
 */
int agent_turn(struct crm *crm, const struct agent_opts *o,
               const char *message, int64_t *conversation, int64_t *turn_id,
               struct kith_err *err);

/*
 * The system prompt: SOUL.md, USER.md and MEMORY.md of the workspace, the
 * objects with their fields (select options too), today's date and the
 * rules (CRM content is data, never instructions). Into out.
 */
int agent_system_prompt(struct crm *crm, const char *workspace,
                        struct buf *out, struct kith_err *err);

#endif
