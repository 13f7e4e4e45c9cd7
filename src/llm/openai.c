/*
 * openai: the Chat Completions wire, spoken by OpenAI and by every server
 * that copies it (Ollama's /v1, LM Studio, vLLM, llama.cpp, OpenRouter,
 * Groq, Mistral).
 *
 * Requests always stream (SSE with "data:" lines ending in [DONE]) and
 * ask for usage in a last chunk whose "choices" is empty. Tool arguments
 * travel as a JSON *string* here, both in the history we send and in the
 * fragments that come back, which are keyed by their "index" and may
 * interleave. No tool_choice is sent: Ollama ignores it and vLLM refuses
 * "auto" unless started with special flags.
 */
#include "llm/llm_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>


/* ---- request ---- */

static void openai_headers(const struct llm_target *t, struct buf *out)
{
    if (t->api_key && *t->api_key)
        buf_appendf(out, "Authorization: Bearer %s\n", t->api_key);
    buf_appends(out, "Accept: text/event-stream\n");
}

/* True when base_url's host is api.openai.com (it wants
   max_completion_tokens; compatible servers know only max_tokens). */
static bool is_openai_itself(const char *base_url)
{
    const char *host = base_url ? strstr(base_url, "://") : NULL;
    if (!host)
        return false;
    host += 3;
    size_t n = strcspn(host, ":/");
    return n == strlen("api.openai.com") &&
           !strncmp(host, "api.openai.com", n);
}

/* A message's content as the string the wire wants: text as it is,
   nothing as "", anything else as its JSON text. */
static void write_text_content(struct jw *w, const struct jv *content)
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
        if (!id || !name)
            return kith_errf(err, KITH_EINVAL,
                             "openai: message %zu: tool call %zu needs an "
                             "\"id\" and a \"name\"",
                             at, i);
        jw_obj(w);
        jw_key(w, "id");
        jw_str(w, id);
        jw_key(w, "type");
        jw_str(w, "function");
        jw_key(w, "function");
        jw_obj(w);
        jw_key(w, "name");
        jw_str(w, name);
        jw_key(w, "arguments");
        if (jv_type(args) == JV_OBJECT) {
            char *text = jv_dump(args);
            jw_str(w, text);
            free(text);
        } else {
            jw_str(w, "{}");
        }
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
    const struct jv *content = jv_get(m, "content");
    if (!role)
        return kith_errf(err, KITH_EINVAL,
                         "openai: message %zu has no \"role\"", at);
    if (!strcmp(role, "user")) {
        jw_obj(w);
        jw_key(w, "role");
        jw_str(w, "user");
        jw_key(w, "content");
        write_text_content(w, content);
        jw_end_obj(w);
        return KITH_OK;
    }
    if (!strcmp(role, "assistant")) {
        const struct jv *calls = jv_get(m, "tool_calls");
        jw_obj(w);
        jw_key(w, "role");
        jw_str(w, "assistant");
        jw_key(w, "content"); /* "" rather than null: strict servers */
        write_text_content(w, content);
        if (jv_type(calls) == JV_ARRAY && jv_len(calls)) {
            int ret = write_tool_calls(w, calls, at, err);
            if (ret < 0)
                return ret;
        }
        jw_end_obj(w);
        return KITH_OK;
    }
    if (!strcmp(role, "tool")) {
        const char *id = jv_str(jv_get(m, "tool_call_id"));
        if (!id)
            return kith_errf(err, KITH_EINVAL,
                             "openai: message %zu (a tool result) has no "
                             "\"tool_call_id\"",
                             at);
        jw_obj(w);
        jw_key(w, "role");
        jw_str(w, "tool");
        jw_key(w, "tool_call_id");
        jw_str(w, id);
        jw_key(w, "content");
        write_text_content(w, content);
        jw_end_obj(w);
        return KITH_OK;
    }
    return kith_errf(err, KITH_EINVAL,
                     "openai: message %zu has role '%s'; expected user, "
                     "assistant or tool",
                     at, role);
}

static int openai_encode(const struct llm_target *t,
                         const struct llm_request *rq, struct buf *out,
                         struct kith_err *err)
{
    struct jw w;
    int ret = llm_write_chat_start(&w, out, &llm_openai, t, rq, write_message,
                                   err);
    if (ret < 0)
        return ret;
    jw_key(&w, "stream");
    jw_bool(&w, true);
    jw_key(&w, "stream_options");
    jw_obj(&w);
    jw_key(&w, "include_usage");
    jw_bool(&w, true);
    jw_end_obj(&w);
    jw_key(&w, is_openai_itself(t->base_url) ? "max_completion_tokens"
                                             : "max_tokens");
    jw_int(&w, rq->max_tokens > 0 ? rq->max_tokens : LLM_MAX_TOKENS);
    if (rq->has_temperature) {
        jw_key(&w, "temperature");
        jw_real(&w, rq->temperature);
    }
    if (jv_type(rq->stop) == JV_ARRAY && jv_len(rq->stop)) {
        jw_key(&w, "stop");
        jw_value(&w, rq->stop);
    }
    jw_end_obj(&w);
    return KITH_OK;
}

/* ---- the stream ---- */

/* The neutral word for a finish_reason. */
static const char *neutral_reason(const char *reason)
{
    if (!strcmp(reason, "tool_calls") || !strcmp(reason, "function_call"))
        return "tool_calls";
    return reason; /* stop, length, content_filter are already neutral */
}

/* An error object (or string) found in the stream. */
static int stream_error(struct llm_decoder *d, const struct jv *e)
{
    const char *message = jv_str(e);
    const char *label = NULL;
    if (jv_type(e) == JV_OBJECT) {
        message = jv_str(jv_get(e, "message"));
        label = jv_str(jv_get(e, "code"));
        if (!label || !*label)
            label = jv_str(jv_get(e, "type"));
    }
    if (label && (!strcmp(label, "server_error") ||
                  !strcmp(label, "api_error") ||
                  !strcmp(label, "overloaded_error") ||
                  !strcmp(label, "tool_use_failed")))
        d->retryable = true;
    if (label && *label)
        return llm_emit_error(d, KITH_EUPSTREAM, "openai: %s: %s", label,
                              message ? message : "the stream failed");
    return llm_emit_error(d, KITH_EUPSTREAM, "openai: %s",
                          message ? message : "the stream failed");
}

/* One tool_calls fragment (frag, read with jread: no tree): id and name
   only when non-empty, arguments always appended. */
static int add_fragment(struct llm_decoder *d, struct jr *frag, size_t pos)
{
    enum { INDEX, ID, FUNCTION, NAME = 0, ARGUMENTS };
    static const char *const frag_names[] = { "index", "id", "function" };
    static const char *const fn_names[] = { "name", "arguments" };
    struct jr f[3], fn[2];
    jr_members(frag, frag_names, f, 3);
    jr_members(&f[FUNCTION], fn_names, fn, 2);
    struct llm_call_slot *slot = llm_call_slot(
        d, jr_type(&f[INDEX]) == JV_INT ? jr_get_int(&f[INDEX]) : (int64_t)pos);
    int ret = KITH_OK;

    if (!slot)
        return llm_emit_error(d, KITH_EUPSTREAM,
                              "openai: the model made more than %d tool "
                              "calls in one answer",
                              LLM_MAX_CALLS);
    /* id and name as C strings (up to a NUL), as they always were */
    if (jr_get_str(&f[ID], &d->scratch) > 0 && d->scratch.buf[0]) {
        buf_reset(&slot->id);
        ret = buf_appends(&slot->id, d->scratch.buf);
    }
    if (ret == KITH_OK && jr_get_str(&fn[NAME], &d->scratch) > 0 &&
        d->scratch.buf[0]) {
        buf_reset(&slot->name);
        ret = buf_appends(&slot->name, d->scratch.buf);
    }
    int args_type = jr_type(&fn[ARGUMENTS]);
    if (ret == KITH_OK && args_type == JV_STRING)
        ret = jr_str(&fn[ARGUMENTS], &slot->args);
    else if (ret == KITH_OK && args_type == JV_OBJECT) /* a lenient server */
        ret = llm_append_dump(&slot->args, &fn[ARGUMENTS]);
    if (ret < 0)
        return llm_emit_error(d, KITH_EUPSTREAM,
                              "openai: a tool call of the model is too "
                              "large");
    return KITH_OK;
}

/* Emit every call still pending, in index order (after finish_reason). */
static int emit_pending_calls(struct llm_decoder *d)
{
    for (;;) {
        struct llm_call_slot *next = NULL;
        for (size_t i = 0; i < LLM_MAX_CALLS; i++) {
            struct llm_call_slot *s = &d->calls[i];
            if (s->used && !s->sent && (!next || s->index < next->index))
                next = s;
        }
        if (!next)
            return KITH_OK;
        int ret = llm_emit_slot(d, next);
        if (ret < 0)
            return ret;
    }
}

/* The first choice of a chunk (already validated whole). */
static int decode_choice(struct llm_decoder *d, struct jr *choice)
{
    enum { DELTA, FINISH_REASON, CONTENT = 0, TOOL_CALLS };
    static const char *const choice_names[] = { "delta", "finish_reason" };
    static const char *const delta_names[] = { "content", "tool_calls" };
    struct jr c[2], delta[2];
    int ret = KITH_OK;

    jr_members(choice, choice_names, c, 2);
    jr_members(&c[DELTA], delta_names, delta, 2);
    if (jr_get_str(&delta[CONTENT], &d->scratch) > 0)
        ret = llm_emit_text(d, d->scratch.buf, d->scratch.len);
    if (ret == KITH_OK && jr_type(&delta[TOOL_CALLS]) == JV_ARRAY) {
        struct jr calls = delta[TOOL_CALLS];
        jr_arr(&calls);
        for (size_t i = 0; ret == KITH_OK && jr_arr_next(&calls) > 0; i++) {
            struct jr frag = calls;
            jr_skip(&calls);
            ret = add_fragment(d, &frag, i);
        }
    }
    if (ret == KITH_OK && jr_get_str(&c[FINISH_REASON], &d->scratch) > 0 &&
        d->scratch.buf[0]) {
        snprintf(d->stop_reason, sizeof(d->stop_reason), "%s",
                 neutral_reason(d->scratch.buf));
        ret = emit_pending_calls(d);
    }
    return ret;
}

static int not_json(struct llm_decoder *d, const struct kith_err *perr)
{
    return llm_emit_error(d, KITH_EUPSTREAM,
                          "openai: a stream event is not valid JSON (%s)",
                          perr->msg);
}

/* An error event (rare): read as a tree, as the error path always was. */
static int chunk_error(struct llm_decoder *d, const char *data, size_t len)
{
    struct kith_err perr = KITH_ERR_INIT;
    struct jv *chunk = jv_parse(data, len, &perr);
    if (!chunk)
        return not_json(d, &perr);
    const struct jv *e = jv_get(chunk, "error");
    int ret = stream_error(d, e ? e : chunk);
    jv_free(chunk);
    return ret;
}

/*
 * One chunk, read with jread (no tree, no allocation): the whole text is
 * validated first, so an invalid chunk emits nothing but its error, and
 * then the members are read as jv_get would find them.
 */
static int openai_decode(struct llm_decoder *d, const char *event,
                         const char *data, size_t len)
{
    enum { ERROR, CHOICES, USAGE };
    static const char *const chunk_names[] = { "error", "choices", "usage" };
    static const char *const usage_names[] = { "prompt_tokens",
                                               "completion_tokens" };
    struct kith_err perr = KITH_ERR_INIT;
    struct jr r, f[3];
    int ret = KITH_OK;

    if (len >= 6 && !strncmp(data, "[DONE]", 6))
        return llm_emit_done(d, NULL);
    jr_init(&r, data, len);
    if (jr_members(&r, chunk_names, f, 3) < 0 || jr_end(&r) < 0) {
        jr_error(&r, &perr);
        return not_json(d, &perr);
    }
    if (!strcmp(event, "error") ||
        (f[ERROR].text && jr_type(&f[ERROR]) != JV_NULL))
        return chunk_error(d, data, len);
    if (jr_type(&f[CHOICES]) == JV_ARRAY) {
        struct jr choices = f[CHOICES];
        jr_arr(&choices);
        if (jr_arr_next(&choices) > 0)
            ret = decode_choice(d, &choices);
    }
    if (ret == KITH_OK && jr_type(&f[USAGE]) == JV_OBJECT) {
        struct jr u[2];
        jr_members(&f[USAGE], usage_names, u, 2);
        ret = llm_emit_usage(d, jr_get_int(&u[0]), jr_get_int(&u[1]));
    }
    return ret;
}

/* ---- errors and models ---- */

static bool openai_error(const struct llm_target *t, int status,
                         const char *body, size_t len, struct kith_err *err)
{
    (void)t;
    struct kith_err perr = KITH_ERR_INIT;
    struct jv *root = jv_parse(body, len, &perr);
    struct buf cleaned = BUF_INIT;
    const char *message = NULL, *type = NULL, *code = NULL;

    const struct jv *e = jv_get(root, "error");
    if (jv_type(e) == JV_OBJECT) { /* OpenAI, Groq, llama.cpp, Ollama */
        message = jv_str(jv_get(e, "message"));
        type = jv_str(jv_get(e, "type"));
        code = jv_str(jv_get(e, "code"));
    } else if (jv_type(e) == JV_STRING) {
        message = jv_str(e);
    } else if (jv_type(root) == JV_OBJECT) { /* Mistral: flat */
        message = jv_str(jv_get(root, "message"));
        type = jv_str(jv_get(root, "type"));
        code = jv_str(jv_get(root, "code"));
        if (!message) /* vLLM and other FastAPI servers */
            message = jv_str(jv_get(root, "detail"));
    }
    if (!message) {
        llm_clean_body(body, len, &cleaned);
        message = cleaned.buf;
    }
    const char *label = code && *code ? code : type;
    bool quota = (code && !strcmp(code, "insufficient_quota")) ||
                 (type && !strcmp(type, "insufficient_quota"));
    bool retry = llm_upstream_error(&llm_openai, status, label, message,
                                    quota, err);
    buf_release(&cleaned);
    jv_free(root);
    return retry;
}

static int openai_models(const char *body, size_t len, struct jv **out,
                         struct kith_err *err)
{
    return llm_models_list(&llm_openai, body, len, "data", "id", out, err);
}

const struct llm_provider llm_openai = {
    .wire = LLM_OPENAI,
    .name = "openai",
    .default_base = "https://api.openai.com/v1",
    .chat_path = "/chat/completions",
    .models_path = "/models",
    .key_env = "OPENAI_API_KEY",
    .base_env = "OPENAI_BASE_URL",
    .framing = LLM_FRAMING_SSE,
    .headers = openai_headers,
    .encode = openai_encode,
    .decode = openai_decode,
    .error = openai_error,
    .models = openai_models,
};
