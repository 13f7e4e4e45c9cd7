/*
 * ollama: Ollama's native /api/chat.
 *
 * The stream is NDJSON: one JSON object a line, text in message.content,
 * tool calls whole on one line (on any line, not only the last) with
 * their arguments as an object and, in older versions, no id (one is made
 * up), and a last line with "done": true and the token counts. An error
 * after HTTP 200 is a line {"error": "..."}. Sampling settings go in
 * "options"; "stream" is sent explicitly. A tool call ends with
 * done_reason "stop" like any answer, so calls are noticed by their
 * presence. Locally no key is needed; ollama.com takes a Bearer key.
 */
#include "llm/llm_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>


/* ---- request ---- */

static void ollama_headers(const struct llm_target *t, struct buf *out)
{
    if (t->api_key && *t->api_key)
        buf_appendf(out, "Authorization: Bearer %s\n", t->api_key);
    buf_appends(out, "Accept: application/x-ndjson\n");
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

static int write_tool_calls(struct jw *w, const struct jv *calls, size_t at,
                            struct kith_err *err)
{
    jw_key(w, "tool_calls");
    jw_arr(w);
    for (size_t i = 0; i < jv_len(calls); i++) {
        const struct jv *call = jv_at(calls, i);
        const char *id = jv_str(jv_get(call, "id"));
        const char *name = jv_str(jv_get(call, "name"));
        const struct jv *args = jv_get(call, "arguments");
        if (!name)
            return kith_errf(err, KITH_EINVAL,
                             "ollama: message %zu: tool call %zu needs a "
                             "\"name\"",
                             at, i);
        jw_obj(w);
        if (id) {
            jw_key(w, "id");
            jw_str(w, id);
        }
        jw_key(w, "function");
        jw_obj(w);
        jw_key(w, "index");
        jw_int(w, (int64_t)i);
        jw_key(w, "name");
        jw_str(w, name);
        jw_key(w, "arguments"); /* an object: a string is refused */
        if (jv_type(args) == JV_OBJECT)
            jw_value(w, args);
        else
            jw_raw(w, "{}", 2);
        jw_end_obj(w);
        jw_end_obj(w);
    }
    jw_end_arr(w);
    return KITH_OK;
}

static int write_message(struct jw *w, const struct jv *m, size_t at,
                         struct kith_err *err)
{
    const char *role = jv_str(jv_get(m, "role"));
    const struct jv *calls = jv_get(m, "tool_calls");
    int ret = KITH_OK;
    if (!role || (strcmp(role, "user") && strcmp(role, "assistant") &&
                  strcmp(role, "tool")))
        return kith_errf(err, KITH_EINVAL,
                         "ollama: message %zu has role '%s'; expected "
                         "user, assistant or tool",
                         at, role ? role : "");
    jw_obj(w);
    jw_key(w, "role");
    jw_str(w, role);
    jw_key(w, "content");
    write_text(w, jv_get(m, "content"));
    if (!strcmp(role, "assistant") && jv_type(calls) == JV_ARRAY &&
        jv_len(calls))
        ret = write_tool_calls(w, calls, at, err);
    if (!strcmp(role, "tool")) {
        const char *name = jv_str(jv_get(m, "name"));
        const char *id = jv_str(jv_get(m, "tool_call_id"));
        if (name) {
            jw_key(w, "tool_name");
            jw_str(w, name);
        }
        if (id) {
            jw_key(w, "tool_call_id");
            jw_str(w, id);
        }
    }
    jw_end_obj(w);
    return ret;
}

static void write_options(struct jw *w, const struct llm_request *rq)
{
    jw_key(w, "options");
    jw_obj(w);
    if (rq->has_temperature) {
        jw_key(w, "temperature");
        jw_real(w, rq->temperature);
    }
    jw_key(w, "num_predict");
    jw_int(w, rq->max_tokens > 0 ? rq->max_tokens : LLM_MAX_TOKENS);
    if (jv_type(rq->stop) == JV_ARRAY && jv_len(rq->stop)) {
        jw_key(w, "stop");
        jw_value(w, rq->stop);
    }
    jw_end_obj(w);
}

static int ollama_encode(const struct llm_target *t,
                         const struct llm_request *rq, struct buf *out,
                         struct kith_err *err)
{
    struct jw w;
    int ret = llm_write_chat_start(&w, out, &llm_ollama, t, rq, write_message,
                                   err);
    if (ret < 0)
        return ret;
    jw_key(&w, "stream"); /* the default, but said: older servers vary */
    jw_bool(&w, true);
    write_options(&w, rq);
    jw_end_obj(&w);
    return KITH_OK;
}

/* ---- the stream ---- */

static int emit_calls(struct llm_decoder *d, const struct jv *calls)
{
    for (size_t i = 0; i < jv_len(calls); i++) {
        const struct jv *call = jv_at(calls, i);
        const struct jv *fn = jv_get(call, "function");
        const char *id = jv_str(jv_get(call, "id"));
        const char *name = jv_str(jv_get(fn, "name"));
        const struct jv *args = jv_get(fn, "arguments");
        int ret;
        if (jv_type(args) == JV_STRING) /* lenient: JSON text */
            ret = llm_emit_call(d, id, name, jv_str(args), jv_strlen(args));
        else if (jv_type(args) == JV_NULL)
            ret = llm_emit_call(d, id, name, "", 0);
        else
            ret = llm_emit_call_obj(d, id, name, args);
        if (ret < 0)
            return ret;
        /* done_reason says "stop" for calls too: remember them here */
        snprintf(d->stop_reason, sizeof(d->stop_reason), "tool_calls");
    }
    return KITH_OK;
}

/* The members of a line that the decoder reads (see line_names). */
enum line_member { LN_ERROR, LN_MESSAGE, LN_DONE, LN_DONE_REASON,
                   LN_PROMPT_EVAL_COUNT, LN_EVAL_COUNT, LN_COUNT };

static const char *const line_names[LN_COUNT] = {
    "error", "message", "done", "done_reason", "prompt_eval_count",
    "eval_count",
};

static int finish(struct llm_decoder *d, struct jr *line)
{
    /* the reason as a C string, in d->scratch */
    const char *reason = jr_get_str(&line[LN_DONE_REASON], &d->scratch) > 0
                             ? d->scratch.buf
                             : NULL;
    int ret = llm_emit_usage(d, jr_get_int(&line[LN_PROMPT_EVAL_COUNT]),
                             jr_get_int(&line[LN_EVAL_COUNT]));
    if (ret < 0)
        return ret;
    if (reason && !strcmp(reason, "length"))
        return llm_emit_done(d, "length");
    if (!strcmp(d->stop_reason, "tool_calls"))
        return llm_emit_done(d, NULL);
    return llm_emit_done(d, reason && *reason ? reason : "stop");
}

static int not_json(struct llm_decoder *d, const struct kith_err *perr)
{
    return llm_emit_error(d, KITH_EUPSTREAM,
                          "ollama: a line of the stream is not valid "
                          "JSON (%s)",
                          perr->msg);
}

/* An error line (rare): read as a tree, as it always was. */
static int line_error(struct llm_decoder *d, const char *data, size_t len)
{
    struct kith_err perr = KITH_ERR_INIT;
    struct jv *line = jv_parse(data, len, &perr);
    if (!line)
        return not_json(d, &perr);
    const struct jv *e = jv_get(line, "error");
    const char *message = jv_str(e) ? jv_str(e)
                                    : jv_str(jv_get(e, "message"));
    int ret = llm_emit_error(d, KITH_EUPSTREAM, "ollama: %s",
                             message ? message : "the stream failed");
    jv_free(line);
    return ret;
}

/* The tool calls of a line (whole, arguments as objects): built as a
   tree, as they always were. */
static int line_calls(struct llm_decoder *d, const struct jr *calls)
{
    struct jr c = *calls;
    const char *p;
    size_t n;
    struct kith_err perr = KITH_ERR_INIT;
    if (jr_raw(&c, &p, &n) < 0) { /* not after the line was validated */
        jr_error(&c, &perr);
        return not_json(d, &perr);
    }
    struct jv *arr = jv_parse(p, n, &perr);
    if (!arr)
        return not_json(d, &perr);
    int ret = emit_calls(d, arr);
    jv_free(arr);
    return ret;
}

/*
 * One line, read with jread (no tree, no allocation): the whole text is
 * validated first, so an invalid line emits nothing but its error, and
 * then the members are read as jv_get would find them.
 */
static int ollama_decode(struct llm_decoder *d, const char *event,
                         const char *data, size_t len)
{
    (void)event;
    enum { CONTENT, TOOL_CALLS };
    static const char *const message_names[] = { "content", "tool_calls" };
    struct kith_err perr = KITH_ERR_INIT;
    struct jr r, line[LN_COUNT], msg[2];
    int ret = KITH_OK;

    jr_init(&r, data, len);
    if (jr_members(&r, line_names, line, LN_COUNT) < 0 || jr_end(&r) < 0) {
        jr_error(&r, &perr);
        return not_json(d, &perr);
    }
    if (line[LN_ERROR].text && jr_type(&line[LN_ERROR]) != JV_NULL)
        return line_error(d, data, len);
    jr_members(&line[LN_MESSAGE], message_names, msg, 2);
    if (jr_get_str(&msg[CONTENT], &d->scratch) > 0)
        ret = llm_emit_text(d, d->scratch.buf, d->scratch.len);
    if (ret == KITH_OK && jr_type(&msg[TOOL_CALLS]) == JV_ARRAY)
        ret = line_calls(d, &msg[TOOL_CALLS]);
    if (ret == KITH_OK && jr_get_true(&line[LN_DONE]))
        ret = finish(d, line);
    return ret;
}

/* ---- errors and models ---- */

static bool ollama_error(const struct llm_target *t, int status,
                         const char *body, size_t len, struct kith_err *err)
{
    (void)t;
    struct kith_err perr = KITH_ERR_INIT;
    struct jv *root = jv_parse(body, len, &perr);
    struct buf cleaned = BUF_INIT;

    const struct jv *e = jv_get(root, "error");
    const char *message = jv_str(e);
    const char *type = NULL;
    if (jv_type(e) == JV_OBJECT) { /* the /v1 shape, from a proxy */
        message = jv_str(jv_get(e, "message"));
        type = jv_str(jv_get(e, "type"));
    }
    if (!message) {
        llm_clean_body(body, len, &cleaned);
        message = cleaned.buf;
    }
    bool retry =
        llm_upstream_error(&llm_ollama, status, type, message, false, err);
    buf_release(&cleaned);
    jv_free(root);
    return retry;
}

static int ollama_models(const char *body, size_t len, struct jv **out,
                         struct kith_err *err)
{
    return llm_models_list(&llm_ollama, body, len, "models", "name", out,
                           err);
}

const struct llm_provider llm_ollama = {
    .wire = LLM_OLLAMA,
    .name = "ollama",
    .default_base = "http://127.0.0.1:11434",
    .chat_path = "/api/chat",
    .models_path = "/api/tags",
    .key_env = "OLLAMA_API_KEY",
    .base_env = "OLLAMA_HOST",
    .framing = LLM_FRAMING_NDJSON,
    .headers = ollama_headers,
    .encode = ollama_encode,
    .decode = ollama_decode,
    .error = ollama_error,
    .models = ollama_models,
};
