/*
 * agent: the loop of one turn (DESIGN, "Agent").
 *
 * The user's message is stored, the system prompt built, and the model
 * called with the whole conversation and the tool table. Its tool calls
 * (one or several per answer) run in order through agent_tool_run as
 * agent:<conversation>, each after the user's approval when the approval
 * mode asks for it; their results go back to the model, until it answers
 * without a tool call or AGENT_MAX_STEPS model calls were made (then the
 * agent says so). Every message is stored the moment it exists, so a
 * turn cut short by a provider error or a cancel stays readable, and the
 * turn's change range grows after each tool so that it can be undone.
 *
 * Events reach the caller in order: text as it streams, then per call
 * tool_call, approval (when asked), tool_result; done or error last.
 */
#include "agent/agent_int.h"

#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

/* Approval ids are unique in the process (several turns may wait). */
static atomic_llong next_approval_id = 1;

struct turn {
    struct crm *crm;
    const struct agent_opts *o;
    int64_t conversation, turn_id, n;
    char actor[48];          /* agent:<conversation> */
    struct jv *messages;     /* the neutral conversation so far */
    struct buf text;         /* this step's answer text */
    struct jv *calls;        /* this step's tool calls */
    int64_t input_tokens, output_tokens; /* summed over the turn */
    int event_rc;            /* a negative return of on_event */
    size_t results;          /* tool results stored in this step */
};

static int emit(struct turn *t, struct agent_event *ev)
{
    if (!t->o->on_event)
        return KITH_OK;
    ev->conversation = t->conversation;
    ev->turn_id = t->turn_id;
    ev->n = t->n;
    int rc = t->o->on_event(t->o->event_ctx, ev);
    if (rc < 0 && !t->event_rc)
        t->event_rc = rc;
    return rc < 0 ? rc : KITH_OK;
}

static bool cancelled(const struct turn *t)
{
    return t->event_rc < 0 ||
           (t->o->call.cancel && t->o->call.cancel(t->o->call.cancel_ctx));
}

/* Append message (taken) to the conversation and store it. */
static int add_message(struct turn *t, struct jv *message,
                       struct kith_err *err)
{
    int ret = agent_conv_store(t->crm, t->conversation, t->n, message, err);
    jv_push_take(t->messages, message);
    return ret;
}

/* ---- one model call ---- */

static int on_llm_event(void *ctx, const struct llm_event *ev)
{
    struct turn *t = ctx;
    struct agent_event out = { .type = AGENT_EV_TEXT };
    switch (ev->type) {
    case LLM_EV_TEXT:
        buf_append(&t->text, ev->text, ev->len);
        out.text = ev->text;
        out.len = ev->len;
        return emit(t, &out);
    case LLM_EV_TOOL_CALL: {
        struct jv *call = jv_object();
        jv_set_take(call, "id", jv_string(ev->id ? ev->id : ""));
        jv_set_take(call, "name", jv_string(ev->name ? ev->name : ""));
        jv_set_take(call, "arguments",
                    ev->args ? jv_copy(ev->args) : jv_object());
        jv_push_take(t->calls, call);
        return KITH_OK;
    }
    case LLM_EV_USAGE:
        /* totals so far of this call: kept as this call's latest */
        t->input_tokens = ev->input_tokens;
        t->output_tokens = ev->output_tokens;
        return KITH_OK;
    case LLM_EV_DONE:
    case LLM_EV_ERROR: /* llm_chat returns it as well */
        return KITH_OK;
    }
    return KITH_OK;
}

/* The assistant message of this step: its text and tool calls. */
static struct jv *assistant_message(const struct turn *t)
{
    struct jv *m = jv_object();
    jv_set_take(m, "role", jv_string("assistant"));
    jv_set_take(m, "content", jv_stringn(t->text.buf, t->text.len));
    if (jv_len(t->calls))
        jv_set_take(m, "tool_calls", jv_ref(t->calls));
    return m;
}

/* Call the model once; the step's text and calls land in t. */
static int call_model(struct turn *t, const char *system,
                      const struct jv *tools, struct kith_err *err)
{
    int64_t in = t->input_tokens, out = t->output_tokens;
    struct llm_request rq = {
        .system = system, .messages = t->messages, .tools = tools,
    };
    buf_reset(&t->text);
    jv_free(t->calls);
    t->calls = jv_array();
    t->input_tokens = t->output_tokens = 0;
    int ret = llm_chat(t->o->target, &rq, on_llm_event, t, &t->o->call, err);
    t->input_tokens += in;
    t->output_tokens += out;
    if (t->event_rc < 0 && ret < 0)
        ret = t->event_rc;
    return ret;
}

/* ---- tools ---- */

/* Whether tool (NULL: unknown) waits for the user in this mode. */
static bool needs_approval(const struct agent_tool *tool,
                           enum agent_approval mode)
{
    if (!tool || tool->effect == AGENT_READS)
        return false;
    switch (mode) {
    case AGENT_APPROVE_ALWAYS: return true;
    case AGENT_APPROVE_NEVER: return false;
    case AGENT_APPROVE_DESTRUCTIVE: break;
    }
    return tool->effect == AGENT_DESTROYS;
}

/* {"error": msg} into out. */
static void error_result(struct buf *out, const char *msg)
{
    struct jw w;
    buf_reset(out);
    jw_init(&w, out);
    jw_obj(&w);
    jw_key(&w, "error");
    jw_str(&w, msg);
    jw_end_obj(&w);
}

/*
 * Ask for the approval of call (name, args) when the mode says so:
 * *refused is set when it was not given.
 */
static int ask_approval(struct turn *t, const struct agent_tool *tool,
                        const char *name, const struct jv *args,
                        bool *refused)
{
    *refused = false;
    if (!needs_approval(tool, t->o->approval))
        return KITH_OK;
    int64_t id = atomic_fetch_add(&next_approval_id, 1);
    struct agent_event ev = {
        .type = AGENT_EV_APPROVAL, .approval_id = id, .name = name,
        .args = args,
    };
    int ret = emit(t, &ev);
    if (ret < 0)
        return ret;
    *refused = !t->o->approve ||
               !t->o->approve(t->o->approve_ctx, id, name, args);
    return cancelled(t) ? KITH_ECANCELED : KITH_OK;
}

/* Run one tool call of the model and store its result. */
static int run_call(struct turn *t, const struct jv *call,
                    struct kith_err *err)
{
    const char *id = jv_str(jv_get(call, "id"));
    const char *name = jv_str(jv_get(call, "name"));
    const struct jv *args = jv_get(call, "arguments");
    const struct agent_tool *tool = agent_tool_find(name);
    struct agent_ctx ctx = { t->crm, t->o->workspace, t->actor };
    struct buf result = BUF_INIT;
    struct kith_err terr = KITH_ERR_INIT;
    bool is_error = true, refused = false;
    struct agent_event ev = {
        .type = AGENT_EV_TOOL_CALL, .call_id = id, .name = name, .args = args,
    };
    int ret = emit(t, &ev);
    if (ret == KITH_OK)
        ret = ask_approval(t, tool, name, args, &refused);
    if (ret < 0)
        goto out;
    if (refused) {
        char msg[160];
        snprintf(msg, sizeof(msg), "the user refused %s", name);
        error_result(&result, msg);
    } else if ((ret = agent_tool_run(&ctx, name, args, &result, &is_error,
                                     &terr)) == KITH_ENOTFOUND) {
        error_result(&result, terr.msg); /* an unknown tool: tell the model */
        is_error = true;
        ret = KITH_OK;
    } else if (ret < 0) {
        ret = kith_errf(err, ret, "%s", terr.msg);
        goto out;
    } else if (tool && tool->effect != AGENT_READS) {
        ret = agent_conv_turn_mark(t->crm, t->turn_id, t->actor, err);
    }
    struct jv *m = jv_object();
    jv_set_take(m, "role", jv_string("tool"));
    jv_set_take(m, "tool_call_id", jv_string(id ? id : ""));
    jv_set_take(m, "name", jv_string(name ? name : ""));
    jv_set_take(m, "content", jv_stringn(result.buf, result.len));
    jv_set_take(m, "is_error", jv_boolean(is_error));
    if (ret == KITH_OK) {
        ret = add_message(t, m, err); /* takes m */
        if (ret == KITH_OK)
            t->results++;
    } else {
        jv_free(m);
    }
    if (ret == KITH_OK) {
        struct agent_event r = {
            .type = AGENT_EV_TOOL_RESULT, .call_id = id, .name = name,
            .result = result.buf, .is_error = is_error,
        };
        ret = emit(t, &r);
    }
out:
    buf_release(&result);
    return ret;
}

/*
 * The step ended before every call of calls ran (a cancel, a failure):
 * store an error result for each call left, so that the stored
 * conversation stays one a provider accepts when it is continued.
 */
static void close_calls(struct turn *t, const struct jv *calls)
{
    for (size_t i = t->results; i < jv_len(calls); i++) {
        const struct jv *call = jv_at(calls, i);
        const char *id = jv_str(jv_get(call, "id"));
        const char *name = jv_str(jv_get(call, "name"));
        struct buf result = BUF_INIT;
        struct kith_err ignored = KITH_ERR_INIT;
        error_result(&result, "not run: the turn ended before this call");
        struct jv *m = jv_object();
        jv_set_take(m, "role", jv_string("tool"));
        jv_set_take(m, "tool_call_id", jv_string(id ? id : ""));
        jv_set_take(m, "name", jv_string(name ? name : ""));
        jv_set_take(m, "content", jv_stringn(result.buf, result.len));
        jv_set_take(m, "is_error", jv_boolean(true));
        add_message(t, m, &ignored);
        buf_release(&result);
    }
}

/* ---- the turn ---- */

#define STEP_LIMIT_TEXT                                                    \
    "I stopped after %d steps, the most one turn may take, before I "     \
    "was done. Tell me to continue if you want me to go on."

/* The turn ran out of steps: say so, as text and as a stored message. */
static int say_step_limit(struct turn *t, struct kith_err *err)
{
    char text[256];
    int n = snprintf(text, sizeof(text), STEP_LIMIT_TEXT, AGENT_MAX_STEPS);
    struct agent_event ev = {
        .type = AGENT_EV_TEXT, .text = text, .len = (size_t)n,
    };
    struct jv *m = jv_object();
    jv_set_take(m, "role", jv_string("assistant"));
    jv_set_take(m, "content", jv_string(text));
    int ret = add_message(t, m, err);
    return ret < 0 ? ret : emit(t, &ev);
}

/* The model's failure as the error event; ret is returned. */
static int fail_turn(struct turn *t, int ret, struct kith_err *err)
{
    if (t->text.len) { /* what it said before failing stays stored */
        jv_free(t->calls);
        t->calls = jv_array();
        struct kith_err ignored = KITH_ERR_INIT;
        add_message(t, assistant_message(t), &ignored);
    }
    struct agent_event ev = {
        .type = AGENT_EV_ERROR,
        .message = err && err->msg[0] ? err->msg : kith_rc_str(ret),
    };
    if (ret != KITH_ECANCELED)
        emit(t, &ev);
    return ret;
}

/* The steps of a turn, after the user's message was stored. */
static int run_steps(struct turn *t, struct kith_err *err)
{
    struct buf system = BUF_INIT;
    struct jv *tools = agent_tools_json();
    int ret = agent_system_prompt(t->crm, t->o->workspace, &system, err);
    for (int step = 0; ret == KITH_OK; step++) {
        if (step == AGENT_MAX_STEPS) {
            ret = say_step_limit(t, err);
            break;
        }
        if (cancelled(t)) {
            ret = kith_errf(err, KITH_ECANCELED, "the turn was cancelled");
            break;
        }
        if ((ret = call_model(t, system.buf, tools, err)) < 0) {
            ret = fail_turn(t, ret, err);
            break;
        }
        struct jv *calls = jv_ref(t->calls);
        t->results = 0;
        ret = add_message(t, assistant_message(t), err);
        for (size_t i = 0; i < jv_len(calls) && ret == KITH_OK; i++)
            ret = cancelled(t) ? KITH_ECANCELED
                               : run_call(t, jv_at(calls, i), err);
        if (ret < 0)
            close_calls(t, calls);
        size_t ncalls = jv_len(calls);
        jv_free(calls);
        if (ret < 0 || !ncalls)
            break;
    }
    if (ret == KITH_ECANCELED && err && !err->msg[0])
        kith_errf(err, ret, "the turn was cancelled");
    buf_release(&system);
    jv_free(tools);
    return ret;
}

/* "provider/model" of the target into out. */
static void model_name(const struct llm_target *target, char *out, size_t n)
{
    snprintf(out, n, "%s/%s", target && target->provider ? target->provider
                                                          : "",
             target && target->model ? target->model : "");
}

int agent_turn(struct crm *crm, const struct agent_opts *o,
               const char *message, int64_t *conversation, int64_t *turn_id,
               struct kith_err *err)
{
    struct turn t = { .crm = crm, .o = o, .conversation = o->conversation };
    char model[256];
    int ret;
    model_name(o->target, model, sizeof(model));
    buf_init(&t.text, 0);
    *conversation = *turn_id = 0;
    if (!message || !*message)
        return kith_errf(err, KITH_EINVAL, "the message is empty");
    if (t.conversation)
        ret = agent_conv_messages(crm, t.conversation, &t.messages, err);
    else if ((ret = agent_conv_create(crm, message, model, &t.conversation,
                                      err)) == KITH_OK)
        t.messages = jv_array();
    if (ret < 0)
        goto out;
    snprintf(t.actor, sizeof(t.actor), "agent:%lld",
             (long long)t.conversation);
    if ((ret = agent_conv_turn_start(crm, t.conversation, model, &t.turn_id,
                                     &t.n, err)) < 0)
        goto out;
    *conversation = t.conversation;
    *turn_id = t.turn_id;
    struct jv *user = jv_object();
    jv_set_take(user, "role", jv_string("user"));
    jv_set_take(user, "content", jv_string(message));
    if ((ret = add_message(&t, user, err)) < 0 ||
        (ret = run_steps(&t, err)) < 0)
        goto out;
    struct agent_event done = {
        .type = AGENT_EV_DONE, .input_tokens = t.input_tokens,
        .output_tokens = t.output_tokens,
    };
    emit(&t, &done);
out:
    jv_free(t.messages);
    jv_free(t.calls);
    buf_release(&t.text);
    return ret;
}
