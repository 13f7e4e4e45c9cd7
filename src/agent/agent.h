/*
 * agent: what the model may do to the CRM, and (later) the loop that lets
 * it (DESIGN, "Agent").
 *
 * The tool table (tools.c) defines every tool once: its public name, a
 * description a model reads, the JSON Schema of its arguments, its effect
 * and a handler over crm/. The agent loop and the MCP server (src/mcp)
 * both serve this one table; names and arguments are public, so models,
 * prompts and MCP clients can rely on them.
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

#endif
