/*
 * api_chat: the agent over HTTP. POST /api/chat runs one turn of the agent
 * (agent_turn) and streams its events to the client as server-sent events;
 * POST /api/approvals/{id} answers a tool call the turn waits on
 * (approval.c); the conversation routes list, show and undo what the
 * agent did.
 *
 * The stream starts with the turn's first event, so that anything wrong
 * before it (the body, the model, an unknown conversation) is still a
 * JSON error with its status. A client that goes away cancels the turn and
 * the provider call within a slice of task.c's polling.
 */
#include "http/http_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "agent/agent.h"
#include "llm/llm.h"

#define CONVERSATIONS_DEFAULT 50
#define CONVERSATIONS_MAX 1000

/* ---- POST /api/chat ---- */

/* One turn's stream: where events go and what went out already. */
struct chat_stream {
    struct http_req *rq;
    struct http_resp *rs;
    bool started;    /* http_stream_begin was called */
    bool error_sent; /* an "error" event went out */
};

/* Send one server-sent event "event: NAME\ndata: JSON\n\n", starting the
   stream first if needed; KITH_EIO once the client left. */
static int send_event(struct chat_stream *cs, const char *name,
                      const struct jv *data)
{
    if (!cs->started) {
        http_stream_begin(cs->rq, cs->rs, 200,
                          "text/event-stream; charset=utf-8");
        cs->started = true;
    }
    struct buf b = BUF_INIT;
    buf_appendf(&b, "event: %s\ndata: ", name);
    jv_write(&b, data); /* compact JSON: one line */
    buf_append(&b, "\n\n", 2);
    int ret = http_stream_write(cs->rq, b.buf, b.len, NULL);
    buf_release(&b);
    return ret;
}

/* A tool's result as JSON: parsed when it is JSON, else the text. */
static struct jv *result_json(const char *result)
{
    if (!result)
        return jv_null();
    struct jv *j = jv_parse(result, strlen(result), NULL);
    return j ? j : jv_string(result);
}

/* The JSON data of an agent event. Caller frees with jv_free. */
static struct jv *event_data(const struct agent_event *ev)
{
    struct jv *j = jv_object();
    switch (ev->type) {
    case AGENT_EV_TEXT:
        jv_set_take(j, "text", jv_stringn(ev->text ? ev->text : "", ev->len));
        break;
    case AGENT_EV_TOOL_CALL:
        jv_set_take(j, "id", jv_string(ev->call_id ? ev->call_id : ""));
        jv_set_take(j, "name", jv_string(ev->name ? ev->name : ""));
        jv_set_take(j, "arguments",
                    ev->args ? jv_copy(ev->args) : jv_object());
        break;
    case AGENT_EV_TOOL_RESULT:
        jv_set_take(j, "id", jv_string(ev->call_id ? ev->call_id : ""));
        jv_set_take(j, "name", jv_string(ev->name ? ev->name : ""));
        jv_set_take(j, "result", result_json(ev->result));
        jv_set_take(j, "is_error", jv_boolean(ev->is_error));
        break;
    case AGENT_EV_APPROVAL:
        jv_set_take(j, "id", jv_integer(ev->approval_id));
        jv_set_take(j, "tool", jv_string(ev->name ? ev->name : ""));
        jv_set_take(j, "arguments",
                    ev->args ? jv_copy(ev->args) : jv_object());
        break;
    case AGENT_EV_DONE:
        jv_set_take(j, "conversation", jv_integer(ev->conversation));
        jv_set_take(j, "turn", jv_integer(ev->turn_id));
        jv_set_take(j, "n", jv_integer(ev->n));
        break;
    case AGENT_EV_ERROR:
        jv_set_take(j, "message",
                    jv_string(ev->message ? ev->message : "the turn failed"));
        break;
    }
    return j;
}

static const char *const event_names[] = {
    [AGENT_EV_TEXT] = "text",
    [AGENT_EV_TOOL_CALL] = "tool_call",
    [AGENT_EV_TOOL_RESULT] = "tool_result",
    [AGENT_EV_APPROVAL] = "approval_required",
    [AGENT_EV_DONE] = "done",
    [AGENT_EV_ERROR] = "error",
};

/* agent_event_fn: each event of the turn becomes a server-sent event. */
static int on_agent_event(void *ctx, const struct agent_event *ev)
{
    struct chat_stream *cs = ctx;
    size_t nnames = sizeof(event_names) / sizeof(*event_names);
    if ((size_t)ev->type >= nnames || !event_names[ev->type] ||
        (ev->type == AGENT_EV_TEXT && !ev->len))
        return KITH_OK; /* nothing a client is told about */
    if (ev->type == AGENT_EV_APPROVAL) /* before the client can answer */
        http_approval_open(cs->rq, ev->approval_id);
    if (ev->type == AGENT_EV_ERROR)
        cs->error_sent = true;
    struct jv *data = event_data(ev);
    int ret = send_event(cs, event_names[ev->type], data);
    jv_free(data);
    return ret;
}

/* agent_approve_fn: wait for POST /api/approvals/{id}. */
static bool approve_over_http(void *ctx, int64_t approval_id,
                              const char *tool, const struct jv *args)
{
    struct chat_stream *cs = ctx;
    (void)tool, (void)args;
    return http_approval_wait(cs->rq, approval_id, HTTP_APPROVAL_TIMEOUT_MS);
}

/* llm_cancel_fn: the client went away or the server stops. */
static bool client_gone(void *ctx)
{
    struct chat_stream *cs = ctx;
    return !http_stream_wait(cs->rq, 0);
}

/* The approval mode of config.json's agent.approval (the default when
   unset or unreadable). */
static enum agent_approval approval_mode(const char *workspace)
{
    char *v = NULL;
    enum agent_approval mode = AGENT_APPROVE_DESTRUCTIVE;
    if (llm_settings_get(workspace, "agent.approval", &v, NULL) == KITH_OK &&
        v) {
        if (!strcmp(v, "always"))
            mode = AGENT_APPROVE_ALWAYS;
        else if (!strcmp(v, "never"))
            mode = AGENT_APPROVE_NEVER;
    }
    free(v);
    return mode;
}

/*
 * The body of a streaming route as a JSON object; NULL after answering
 * 400 (not a JSON object) or 413 (larger than HTTP_BODY_MAX).
 */
static struct jv *read_body_object(struct http_req *rq, struct http_resp *rs)
{
    struct buf b;
    struct kith_err err = KITH_ERR_INIT;
    char chunk[16 * 1024];
    size_t got;
    int ret;
    buf_init(&b, HTTP_BODY_MAX);
    while ((ret = http_body_read(rq, chunk, sizeof(chunk), &got, &err)) ==
               KITH_OK && got)
        if (buf_append(&b, chunk, got) < 0) {
            ret = kith_errf(&err, KITH_ETOOBIG,
                            "the request body is larger than %d bytes",
                            HTTP_BODY_MAX);
            break;
        }
    struct jv *j = NULL;
    if (ret < 0) {
        http_fail(rs, ret, &err);
    } else {
        rq->body = b.buf;
        rq->body_len = b.len;
        j = http_body_object(rq, rs);
        rq->body = NULL;
        rq->body_len = 0;
    }
    buf_release(&b);
    return j;
}

/*
 * The chat body {"message": "...", "conversation": ID?}: *message (borrowed
 * from body) and *conversation (0 for a new one); false after answering
 * 422 naming the member that is wrong.
 */
static bool chat_args(const struct jv *body, struct http_resp *rs,
                      const char **message, int64_t *conversation)
{
    const struct jv *m = jv_get(body, "message");
    const struct jv *c = jv_get(body, "conversation");
    void *it = NULL;
    struct jv *val;
    const char *key;
    while ((key = jv_next(body, &it, &val)))
        if (strcmp(key, "message") && strcmp(key, "conversation")) {
            http_error(rs, 422, "invalid",
                       "unknown member '%s': the body is {\"message\": "
                       "\"...\", \"conversation\": ID}", key);
            return false;
        }
    if (jv_type(m) != JV_STRING || !jv_strlen(m)) {
        http_error(rs, 422, "invalid",
                   "\"message\" must be a non-empty string: what to ask "
                   "the agent");
        return false;
    }
    *message = jv_str(m);
    *conversation = 0;
    if (c && jv_type(c) != JV_NULL) {
        if (jv_type(c) != JV_INT || jv_int(c) < 1) {
            http_error(rs, 422, "invalid",
                       "\"conversation\" must be a conversation id (a "
                       "positive whole number) or null for a new one");
            return false;
        }
        *conversation = jv_int(c);
    }
    return true;
}

/*
 * POST /api/chat {"message", "conversation"?}: text/event-stream of the
 * turn's events (text, tool_call, tool_result, approval_required, done,
 * error). 400/413/422 for the body; the model's resolution failing and a
 * turn failing before its first event are JSON errors (http_fail).
 */
void api_chat(struct http_req *rq, struct http_resp *rs)
{
    struct kith_err err = KITH_ERR_INIT;
    struct llm_target target = { 0 };
    struct chat_stream cs = { .rq = rq, .rs = rs };
    const char *message;
    int64_t conversation = 0, turn_id = 0;
    struct crm *crm;
    int ret;
    struct jv *body = read_body_object(rq, rs);
    if (!body)
        return;
    if (!chat_args(body, rs, &message, &conversation))
        goto out;
    if ((ret = http_crm(rq, &crm, &err)) < 0 ||
        (ret = llm_resolve(rq->opts->workspace, NULL, &target, &err)) < 0) {
        http_fail(rs, ret, &err);
        goto out;
    }
    struct agent_opts o = {
        .workspace = rq->opts->workspace,
        .target = &target,
        .conversation = conversation,
        .approval = approval_mode(rq->opts->workspace),
        .on_event = on_agent_event,
        .event_ctx = &cs,
        .approve = approve_over_http,
        .approve_ctx = &cs,
        .call = { .cancel = client_gone, .cancel_ctx = &cs },
    };
    ret = agent_turn(crm, &o, message, &conversation, &turn_id, &err);
    if (ret < 0 && !cs.started) {
        http_fail(rs, ret, &err);
    } else if (ret < 0 && !cs.error_sent && ret != KITH_ECANCELED) {
        struct jv *j = jv_object();
        jv_set_take(j, "message",
                    jv_string(err.msg[0] ? err.msg : kith_rc_str(ret)));
        send_event(&cs, "error", j);
        jv_free(j);
    }
out:
    http_approval_close_all(rq);
    llm_target_release(&target);
    jv_free(body);
}

/* ---- POST /api/approvals/{id} ---- */

/* {"approve": true|false} -> 200 {"id", "approved"}; 404 when no turn
   waits for id, 409 when it was answered, 422 for a bad body. */
void api_approval_answer(struct http_req *rq, struct http_resp *rs)
{
    int64_t id = http_path_id(rq, rs, "approval");
    if (!id)
        return;
    struct jv *body = http_body_object(rq, rs);
    if (!body)
        return;
    const struct jv *a = jv_get(body, "approve");
    if (jv_type(a) != JV_BOOL) {
        jv_free(body);
        return http_error(rs, 422, "invalid",
                          "\"approve\" must be true or false (approve or "
                          "refuse the tool call)");
    }
    bool approve = jv_bool(a);
    jv_free(body);
    struct kith_err err = KITH_ERR_INIT;
    int ret = http_approval_answer(id, approve, &err);
    if (ret < 0)
        return http_fail(rs, ret, &err);
    struct jv *j = jv_object();
    jv_set_take(j, "id", jv_integer(id));
    jv_set_take(j, "approved", jv_boolean(approve));
    http_json(rs, 200, j);
    jv_free(j);
}

/* ---- conversations ---- */

/* GET /api/conversations?limit= -> {"conversations": [...]}, newest
   first. */
void api_conversations_list(struct http_req *rq, struct http_resp *rs)
{
    int64_t limit;
    if (!http_limit(rq, rs, "limit", CONVERSATIONS_DEFAULT,
                    CONVERSATIONS_MAX, &limit))
        return;
    struct kith_err err = KITH_ERR_INIT;
    struct crm *crm;
    struct jv *list = NULL;
    int ret = http_crm(rq, &crm, &err);
    if (ret >= 0)
        ret = agent_conversation_list(crm, limit, &list, &err);
    if (ret < 0)
        return http_fail(rs, ret, &err);
    struct jv *j = jv_object();
    jv_set_take(j, "conversations", list);
    http_json(rs, 200, j);
    jv_free(j);
}

/* GET /api/conversations/{id}: the conversation with its messages and
   turns. */
void api_conversation_get(struct http_req *rq, struct http_resp *rs)
{
    int64_t id = http_path_id(rq, rs, "conversation");
    if (!id)
        return;
    struct kith_err err = KITH_ERR_INIT;
    struct crm *crm;
    struct jv *j = NULL;
    int ret = http_crm(rq, &crm, &err);
    if (ret >= 0)
        ret = agent_conversation_get(crm, id, &j, &err);
    if (ret < 0)
        return http_fail(rs, ret, &err);
    http_json(rs, 200, j);
    jv_free(j);
}

/* The ":n" path parameter (a turn number) or 0 after answering 404. */
static int64_t turn_number(struct http_req *rq, struct http_resp *rs)
{
    const char *s = http_param(rq, "n");
    char *end;
    errno = 0;
    long long v = s ? strtoll(s, &end, 10) : 0;
    if (!s || !*s || *end || errno || v < 1) {
        http_error(rs, 404, "not_found",
                   "no turn '%s': turns are numbered from 1", s ? s : "");
        return 0;
    }
    return v;
}

/* POST /api/conversations/{id}/turns/{n}/undo: undo everything turn n
   changed, as one change group -> {"undone_turn": n, "group": G}. */
void api_turn_undo(struct http_req *rq, struct http_resp *rs)
{
    int64_t id = http_path_id(rq, rs, "conversation"), n;
    if (!id || !(n = turn_number(rq, rs)))
        return;
    struct kith_err err = KITH_ERR_INIT;
    struct crm *crm;
    int64_t turn_id = 0, group = 0;
    int ret = http_crm(rq, &crm, &err);
    if (ret >= 0)
        ret = agent_turn_id(crm, id, n, &turn_id, &err);
    if (ret >= 0)
        ret = agent_undo_turn(crm, CRM_ACTOR_API, turn_id, &group, &err);
    if (ret < 0)
        return http_fail(rs, ret, &err);
    struct jv *j = jv_object();
    jv_set_take(j, "undone_turn", jv_integer(n));
    jv_set_take(j, "group", jv_integer(group));
    http_json(rs, 200, j);
    jv_free(j);
}
