/*
 * anthropic: the Messages API.
 *
 * The system prompt is a top-level field, max_tokens is required, an
 * assistant turn is a list of blocks (text, then tool_use with its input
 * as an object), and tool results go back as tool_result blocks first in
 * the next user message (consecutive results merged into that one
 * message). The answer streams as SSE with named events: blocks open,
 * receive deltas (tool input as torn JSON text) and close, usage comes in
 * message_start and message_delta (output cumulative), and message_stop
 * ends it. An error event can arrive after HTTP 200.
 */
#include "llm/llm_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>


/* ---- request ---- */

static void anthropic_headers(const struct llm_target *t, struct buf *out)
{
    if (t->api_key && *t->api_key)
        buf_appendf(out, "x-api-key: %s\n", t->api_key);
    buf_appends(out, "anthropic-version: 2023-06-01\n");
    buf_appends(out, "Accept: text/event-stream\n");
}

static bool is_role(const struct jv *m, const char *role)
{
    const char *r = jv_str(jv_get(m, "role"));
    return r && !strcmp(r, role);
}

/* Text of a content value: a string as it is, anything else as JSON. */
static void write_text(struct jw *w, const struct jv *content)
{
    if (jv_type(content) == JV_STRING) {
        jw_strn(w, jv_str(content), jv_strlen(content));
    } else if (jv_type(content) == JV_NULL) {
        jw_str(w, "");
    } else {
        char *text = jv_dump(content);
        jw_str(w, text);
        free(text);
    }
}

static void write_text_block(struct jw *w, const struct jv *content)
{
    jw_obj(w);
    jw_key(w, "type");
    jw_str(w, "text");
    jw_key(w, "text");
    write_text(w, content);
    jw_end_obj(w);
}

static bool has_text(const struct jv *content)
{
    return jv_type(content) == JV_STRING ? jv_strlen(content) > 0
                                         : jv_type(content) != JV_NULL;
}

/* An assistant turn: [text?, tool_use...]; nothing when it is empty
   (the API refuses empty turns). */
static int write_assistant(struct jw *w, const struct jv *m, size_t at,
                           struct kith_err *err)
{
    const struct jv *content = jv_get(m, "content");
    const struct jv *calls = jv_get(m, "tool_calls");
    size_t ncalls = jv_type(calls) == JV_ARRAY ? jv_len(calls) : 0;
    if (!has_text(content) && !ncalls)
        return KITH_OK;
    jw_obj(w);
    jw_key(w, "role");
    jw_str(w, "assistant");
    jw_key(w, "content");
    jw_arr(w);
    if (has_text(content))
        write_text_block(w, content);
    for (size_t i = 0; i < ncalls; i++) {
        const struct jv *call = jv_at(calls, i);
        const char *id = jv_str(jv_get(call, "id"));
        const char *name = jv_str(jv_get(call, "name"));
        const struct jv *args = jv_get(call, "arguments");
        if (!id || !name)
            return kith_errf(err, KITH_EINVAL,
                             "anthropic: message %zu: tool call %zu needs "
                             "an \"id\" and a \"name\"",
                             at, i);
        jw_obj(w);
        jw_key(w, "type");
        jw_str(w, "tool_use");
        jw_key(w, "id");
        jw_str(w, id);
        jw_key(w, "name");
        jw_str(w, name);
        jw_key(w, "input");
        if (jv_type(args) == JV_OBJECT)
            jw_value(w, args);
        else
            jw_raw(w, "{}", 2);
        jw_end_obj(w);
    }
    jw_end_arr(w);
    jw_end_obj(w);
    return KITH_OK;
}

/*
 * The tool results from messages[*i] on as one user message of
 * tool_result blocks, followed by the text of a user message right after
 * them; *i is left at the next message not consumed.
 */
static int write_tool_results(struct jw *w, const struct jv *msgs,
                              size_t *i, struct kith_err *err)
{
    size_t n = jv_len(msgs);
    jw_obj(w);
    jw_key(w, "role");
    jw_str(w, "user");
    jw_key(w, "content");
    jw_arr(w);
    for (; *i < n && is_role(jv_at(msgs, *i), "tool"); (*i)++) {
        const struct jv *m = jv_at(msgs, *i);
        const char *id = jv_str(jv_get(m, "tool_call_id"));
        if (!id)
            return kith_errf(err, KITH_EINVAL,
                             "anthropic: message %zu (a tool result) has "
                             "no \"tool_call_id\"",
                             *i);
        jw_obj(w);
        jw_key(w, "type");
        jw_str(w, "tool_result");
        jw_key(w, "tool_use_id");
        jw_str(w, id);
        jw_key(w, "content");
        write_text(w, jv_get(m, "content"));
        if (jv_bool(jv_get(m, "is_error"))) {
            jw_key(w, "is_error");
            jw_bool(w, true);
        }
        jw_end_obj(w);
    }
    if (*i < n && is_role(jv_at(msgs, *i), "user")) {
        const struct jv *content = jv_get(jv_at(msgs, *i), "content");
        if (has_text(content))
            write_text_block(w, content);
        (*i)++;
    }
    jw_end_arr(w);
    jw_end_obj(w);
    return KITH_OK;
}

static int write_messages(struct jw *w, const struct jv *msgs,
                          struct kith_err *err)
{
    size_t n = jv_len(msgs);
    int ret = KITH_OK;
    jw_key(w, "messages");
    jw_arr(w);
    for (size_t i = 0; i < n && ret == KITH_OK;) {
        const struct jv *m = jv_at(msgs, i);
        const char *role = jv_str(jv_get(m, "role"));
        if (role && !strcmp(role, "tool")) {
            ret = write_tool_results(w, msgs, &i, err);
            continue;
        }
        if (role && !strcmp(role, "user")) {
            jw_obj(w);
            jw_key(w, "role");
            jw_str(w, "user");
            jw_key(w, "content");
            write_text(w, jv_get(m, "content"));
            jw_end_obj(w);
        } else if (role && !strcmp(role, "assistant")) {
            ret = write_assistant(w, m, i, err);
        } else {
            ret = kith_errf(err, KITH_EINVAL,
                            "anthropic: message %zu has role '%s'; "
                            "expected user, assistant or tool",
                            i, role ? role : "");
        }
        i++;
    }
    jw_end_arr(w);
    return ret;
}

static void write_tools(struct jw *w, const struct jv *tools)
{
    jw_key(w, "tools");
    jw_arr(w);
    for (size_t i = 0; i < jv_len(tools); i++) {
        const struct jv *tool = jv_at(tools, i);
        const struct jv *desc = jv_get(tool, "description");
        const struct jv *params = jv_get(tool, "parameters");
        jw_obj(w);
        jw_key(w, "name");
        jw_value(w, jv_get(tool, "name"));
        if (jv_type(desc) == JV_STRING) {
            jw_key(w, "description");
            jw_value(w, desc);
        }
        jw_key(w, "input_schema");
        if (jv_type(params) == JV_OBJECT)
            jw_value(w, params);
        else
            jw_raw(w, LLM_EMPTY_SCHEMA, sizeof(LLM_EMPTY_SCHEMA) - 1);
        jw_end_obj(w);
    }
    jw_end_arr(w);
}

static int anthropic_encode(const struct llm_target *t,
                            const struct llm_request *rq, struct buf *out,
                            struct kith_err *err)
{
    struct jw w;
    if (jv_type(rq->messages) != JV_ARRAY)
        return kith_errf(err, KITH_EINVAL,
                         "anthropic: the conversation must be a JSON array");
    jw_init(&w, out);
    jw_obj(&w);
    jw_key(&w, "model");
    jw_str(&w, t->model ? t->model : "");
    jw_key(&w, "max_tokens");
    jw_int(&w, rq->max_tokens > 0 ? rq->max_tokens : LLM_MAX_TOKENS);
    if (rq->system && *rq->system) {
        jw_key(&w, "system");
        jw_str(&w, rq->system);
    }
    int ret = write_messages(&w, rq->messages, err);
    if (ret < 0)
        return ret;
    if (jv_type(rq->tools) == JV_ARRAY && jv_len(rq->tools))
        write_tools(&w, rq->tools);
    if (rq->has_temperature) {
        jw_key(&w, "temperature");
        jw_real(&w, rq->temperature);
    }
    if (jv_type(rq->stop) == JV_ARRAY && jv_len(rq->stop)) {
        jw_key(&w, "stop_sequences");
        jw_value(&w, rq->stop);
    }
    jw_key(&w, "stream");
    jw_bool(&w, true);
    jw_end_obj(&w);
    return KITH_OK;
}

/* ---- the stream ---- */

/* The slot of block index when it is a tool call, without making one. */
static struct llm_call_slot *find_slot(struct llm_decoder *d, int64_t index)
{
    for (size_t i = 0; i < LLM_MAX_CALLS; i++)
        if (d->calls[i].used && d->calls[i].index == index)
            return &d->calls[i];
    return NULL;
}

static int too_large(struct llm_decoder *d)
{
    return llm_emit_error(d, KITH_EUPSTREAM,
                          "anthropic: a tool call of the model is too large");
}

/* The members of an event that the decoder reads (see event_names). */
enum event_member { EV_TYPE, EV_MESSAGE, EV_BLOCK, EV_DELTA, EV_INDEX,
                    EV_USAGE, EV_COUNT };

static const char *const event_names[EV_COUNT] = {
    "type", "message", "content_block", "delta", "index", "usage",
};

static void read_usage(struct llm_decoder *d, struct jr *usage)
{
    enum { IN, OUT, CACHE_CREATION, CACHE_READ };
    static const char *const names[] = { "input_tokens", "output_tokens",
                                         "cache_creation_input_tokens",
                                         "cache_read_input_tokens" };
    struct jr u[4];
    jr_members(usage, names, u, 4);
    if (jr_type(&u[IN]) == JV_INT)
        d->input_tokens = jr_get_int(&u[IN]) +
                          jr_get_int(&u[CACHE_CREATION]) +
                          jr_get_int(&u[CACHE_READ]);
    if (jr_type(&u[OUT]) == JV_INT) /* cumulative: replace, never add */
        d->output_tokens = jr_get_int(&u[OUT]);
}

/* Whether v is an object with at least one member. */
static bool nonempty_object(const struct jr *v)
{
    struct jr c = *v;
    const char *key;
    size_t keylen;
    return jr_type(&c) == JV_OBJECT && jr_obj(&c) == KITH_OK &&
           jr_obj_next(&c, &key, &keylen) > 0;
}

static int block_start(struct llm_decoder *d, struct jr *ev)
{
    enum { TYPE, TEXT, ID, NAME, INPUT };
    static const char *const names[] = { "type", "text", "id", "name",
                                         "input" };
    struct jr b[5];
    jr_members(&ev[EV_BLOCK], names, b, 5);
    if (jr_get_str(&b[TYPE], &d->scratch) <= 0)
        return KITH_OK;
    if (!strcmp(d->scratch.buf, "text")) {
        if (jr_get_str(&b[TEXT], &d->scratch) <= 0)
            return KITH_OK;
        return llm_emit_text(d, d->scratch.buf, d->scratch.len);
    }
    if (strcmp(d->scratch.buf, "tool_use"))
        return KITH_OK; /* thinking and the rest: not ours to show */
    struct llm_call_slot *slot = llm_call_slot(d, jr_get_int(&ev[EV_INDEX]));
    if (!slot)
        return llm_emit_error(d, KITH_EUPSTREAM,
                              "anthropic: the model made more than %d tool "
                              "calls in one answer",
                              LLM_MAX_CALLS);
    buf_reset(&slot->id);
    buf_reset(&slot->name);
    buf_reset(&slot->args);
    /* id and name as C strings (up to a NUL), as they always were */
    jr_get_str(&b[ID], &d->scratch);
    if (buf_appends(&slot->id, d->scratch.buf) < 0)
        return too_large(d);
    jr_get_str(&b[NAME], &d->scratch);
    if (buf_appends(&slot->name, d->scratch.buf) < 0)
        return too_large(d);
    /* Anthropic's input here is a {} placeholder and the deltas follow;
       a server that sends the whole input here sends no deltas. */
    if (nonempty_object(&b[INPUT]) &&
        llm_append_dump(&slot->args, &b[INPUT]) < 0)
        return too_large(d);
    return KITH_OK;
}

static int block_delta(struct llm_decoder *d, struct jr *ev)
{
    enum { TYPE, TEXT, PARTIAL_JSON };
    static const char *const names[] = { "type", "text", "partial_json" };
    struct jr delta[3];
    jr_members(&ev[EV_DELTA], names, delta, 3);
    if (jr_get_str(&delta[TYPE], &d->scratch) <= 0)
        return KITH_OK;
    if (!strcmp(d->scratch.buf, "text_delta")) {
        if (jr_get_str(&delta[TEXT], &d->scratch) <= 0)
            return KITH_OK;
        return llm_emit_text(d, d->scratch.buf, d->scratch.len);
    }
    if (!strcmp(d->scratch.buf, "input_json_delta")) {
        struct llm_call_slot *slot =
            find_slot(d, jr_get_int(&ev[EV_INDEX]));
        if (!slot || jr_type(&delta[PARTIAL_JSON]) != JV_STRING)
            return KITH_OK; /* input for a block that is no tool call */
        if (jr_str(&delta[PARTIAL_JSON], &slot->args) < 0)
            return too_large(d);
    }
    return KITH_OK; /* thinking, signature, citations, unknown: ignored */
}

static int block_stop(struct llm_decoder *d, struct jr *ev)
{
    struct llm_call_slot *slot = find_slot(d, jr_get_int(&ev[EV_INDEX]));
    return slot ? llm_emit_slot(d, slot) : KITH_OK;
}

/* The neutral word for a stop_reason. */
static const char *neutral_reason(const char *reason)
{
    if (!strcmp(reason, "end_turn") || !strcmp(reason, "stop_sequence"))
        return "stop";
    if (!strcmp(reason, "tool_use"))
        return "tool_calls";
    if (!strcmp(reason, "max_tokens"))
        return "length";
    if (!strcmp(reason, "refusal"))
        return "content_filter";
    return reason;
}

static int stream_error(struct llm_decoder *d, const struct jv *ev)
{
    const struct jv *e = jv_get(ev, "error");
    const char *type = jv_str(jv_get(e, "type"));
    const char *message = jv_str(jv_get(e, "message"));
    if (type && (!strcmp(type, "overloaded_error") ||
                 !strcmp(type, "api_error")))
        d->retryable = true;
    return llm_emit_error(d, KITH_EUPSTREAM, "anthropic: %s: %s",
                          type ? type : "error",
                          message ? message : "the stream failed");
}

static int not_json(struct llm_decoder *d, const char *event,
                    const struct kith_err *perr)
{
    return llm_emit_error(d, KITH_EUPSTREAM,
                          "anthropic: the stream event '%s' is not "
                          "valid JSON (%s)",
                          event, perr->msg);
}

/* An error event (rare): read as a tree, as it always was. */
static int event_error(struct llm_decoder *d, const char *event,
                       const char *data, size_t len)
{
    struct kith_err perr = KITH_ERR_INIT;
    struct jv *ev = jv_parse(data, len, &perr);
    if (!ev)
        return not_json(d, event, &perr);
    int ret = stream_error(d, ev);
    jv_free(ev);
    return ret;
}

static void message_delta(struct llm_decoder *d, struct jr *ev)
{
    static const char *const names[] = { "stop_reason" };
    struct jr delta[1];
    jr_members(&ev[EV_DELTA], names, delta, 1);
    if (jr_get_str(&delta[0], &d->scratch) > 0 && d->scratch.buf[0])
        snprintf(d->stop_reason, sizeof(d->stop_reason), "%s",
                 neutral_reason(d->scratch.buf));
    read_usage(d, &ev[EV_USAGE]);
}

/*
 * One event, read with jread (no tree, no allocation): the whole text is
 * validated first, so an invalid event emits nothing but its error, and
 * then the members are read as jv_get would find them.
 */
static int anthropic_decode(struct llm_decoder *d, const char *event,
                            const char *data, size_t len)
{
    static const char *const message_names[] = { "usage" };
    struct kith_err perr = KITH_ERR_INIT;
    struct jr r, ev[EV_COUNT], message[1];

    jr_init(&r, data, len);
    if (jr_members(&r, event_names, ev, EV_COUNT) < 0 || jr_end(&r) < 0) {
        jr_error(&r, &perr);
        return not_json(d, event, &perr);
    }
    /* the type as a C string, in d->scratch until the handler runs */
    const char *type = event;
    if (!*type)
        type = jr_get_str(&ev[EV_TYPE], &d->scratch) > 0 ? d->scratch.buf
                                                         : "";
    if (!strcmp(type, "message_start")) {
        jr_members(&ev[EV_MESSAGE], message_names, message, 1);
        read_usage(d, &message[0]);
    } else if (!strcmp(type, "content_block_start")) {
        return block_start(d, ev);
    } else if (!strcmp(type, "content_block_delta")) {
        return block_delta(d, ev);
    } else if (!strcmp(type, "content_block_stop")) {
        return block_stop(d, ev);
    } else if (!strcmp(type, "message_delta")) {
        message_delta(d, ev);
    } else if (!strcmp(type, "message_stop")) {
        int ret = llm_emit_usage(d, d->input_tokens, d->output_tokens);
        return ret < 0 ? ret : llm_emit_done(d, NULL);
    } else if (!strcmp(type, "error")) {
        return event_error(d, event, data, len);
    } /* ping and anything new: ignored */
    return KITH_OK;
}

/* ---- errors and models ---- */

static bool anthropic_error(const struct llm_target *t, int status,
                            const char *body, size_t len,
                            struct kith_err *err)
{
    (void)t;
    struct kith_err perr = KITH_ERR_INIT;
    struct jv *root = jv_parse(body, len, &perr);
    struct buf cleaned = BUF_INIT;

    const struct jv *e = jv_get(root, "error");
    const char *type = jv_str(jv_get(e, "type"));
    const char *message = jv_str(jv_get(e, "message"));
    const char *code = jv_str(jv_get(jv_get(e, "details"), "error_code"));
    if (!code)
        code = jv_str(jv_get(jv_get(root, "details"), "error_code"));
    if (!message && jv_type(e) == JV_STRING)
        message = jv_str(e);
    if (!message) {
        llm_clean_body(body, len, &cleaned);
        message = cleaned.buf;
    }
    bool quota = (code && !strcmp(code, "enforced_spend_limit_reached")) ||
                 (type && !strcmp(type, "billing_error"));
    bool retry = llm_upstream_error(&llm_anthropic, status,
                                    code && *code ? code : type, message,
                                    quota, err);
    buf_release(&cleaned);
    jv_free(root);
    return retry;
}

static int anthropic_models(const char *body, size_t len, struct jv **out,
                            struct kith_err *err)
{
    return llm_models_list(&llm_anthropic, body, len, "data", "id", out,
                           err);
}

const struct llm_provider llm_anthropic = {
    .wire = LLM_ANTHROPIC,
    .name = "anthropic",
    .default_base = "https://api.anthropic.com",
    .chat_path = "/v1/messages",
    .models_path = "/v1/models",
    .key_env = "ANTHROPIC_API_KEY",
    .base_env = "ANTHROPIC_BASE_URL",
    .framing = LLM_FRAMING_SSE,
    .headers = anthropic_headers,
    .encode = anthropic_encode,
    .decode = anthropic_decode,
    .error = anthropic_error,
    .models = anthropic_models,
};
