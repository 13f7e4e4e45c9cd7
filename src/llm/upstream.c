/*
 * upstream: what the three providers share about a provider's answers
 * outside the stream: turning a non-2xx answer into one message that says
 * what the provider said and how to fix it (and whether a retry can
 * help), making a non-JSON body readable, reading a models listing; and
 * the tools list that OpenAI's and Ollama's wires write the same way.
 *
 * Each provider parses its own error shape (openai.c, anthropic.c,
 * ollama.c) and hands the pieces to llm_upstream_error here, so every
 * provider words its errors and hints the same way.
 */
#include "llm/llm_int.h"

#include <stdlib.h>
#include <string.h>

#include "base/utf8.h"
#include "base/xalloc.h"

#define CLEAN_BODY_MAX 200 /* bytes of a non-JSON body shown */

/* Case-sensitive substring test that accepts NULL. */
static bool has(const char *hay, const char *needle)
{
    return hay && strstr(hay, needle);
}

/* The fix for an error, or NULL when there is nothing useful to say. */
static const char *hint_for(const struct llm_provider *p, int status,
                            const char *label, const char *message,
                            bool quota, struct buf *scratch)
{
    if (quota || status == 402)
        return "check your plan and billing";
    if (has(message, "does not support tools"))
        return "pick a model that supports tools (kith models)";
    if (status == 401 || status == 403) {
        buf_reset(scratch);
        buf_appendf(scratch,
                    "set %s or run: kith config set providers.%s.api_key",
                    p->key_env, p->name);
        return scratch->buf;
    }
    if (status == 404) {
        if (has(label, "model") || has(message, "model") ||
            has(message, "Model"))
            return "check the model name: kith models";
        buf_reset(scratch);
        buf_appendf(scratch,
                    "check the base URL: kith config set "
                    "providers.%s.base_url URL",
                    p->name);
        return scratch->buf;
    }
    if (status == 429)
        return "rate limited: wait a moment and try again";
    if (status == 503 || status == 529)
        return "the provider is overloaded: try again shortly";
    if (status >= 500)
        return "the provider failed: try again later";
    return NULL;
}

bool llm_upstream_error(const struct llm_provider *p, int status,
                        const char *label, const char *message, bool quota,
                        struct kith_err *err)
{
    struct buf scratch = BUF_INIT;
    struct buf text = BUF_INIT;
    const char *hint = hint_for(p, status, label, message, quota, &scratch);

    buf_appendf(&text, "%s: %d", p->name, status);
    if (label && *label)
        buf_appendf(&text, " %s", label);
    buf_appendf(&text, ": %s",
                message && *message ? message
                                    : "the provider gave no details");
    if (hint)
        buf_appendf(&text, " — %s", hint);
    for (size_t i = 0; i < text.len; i++) /* it reaches terminals, logs */
        if ((unsigned char)text.buf[i] < 0x20 || text.buf[i] == 0x7f)
            text.buf[i] = ' ';
    kith_errf(err, KITH_EUPSTREAM, "%s", text.buf);
    buf_release(&text);
    buf_release(&scratch);

    if (quota)
        return false;
    if (status >= 400 && status < 500)
        return status == 408 || status == 409 || status == 429;
    return true;
}

void llm_clean_body(const char *body, size_t len, struct buf *out)
{
    buf_reset(out);
    bool space = true; /* drops leading spaces and runs of them */
    size_t i = 0;
    while (i < len) {
        uint32_t cp = 0;
        size_t n = utf8_decode(body + i, len - i, &cp);
        if (i + (n ? n : 1) > CLEAN_BODY_MAX)
            break;
        if (!n) { /* a malformed byte */
            buf_appendc(out, '?');
            space = false;
            i++;
            continue;
        }
        if (cp < 0x20 || cp == 0x7f || cp == ' ') {
            if (!space)
                buf_appendc(out, ' ');
            space = true;
        } else {
            buf_append(out, body + i, n);
            space = false;
        }
        i += n;
    }
    while (out->len && out->buf[out->len - 1] == ' ')
        buf_truncate(out, out->len - 1);
}

static int by_string(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int llm_models_list(const struct llm_provider *p, const char *body,
                    size_t len, const char *list_key, const char *id_key,
                    struct jv **out, struct kith_err *err)
{
    struct kith_err perr = KITH_ERR_INIT;
    struct jv *root = jv_parse(body, len, &perr);
    const char **ids = NULL;
    int ret = KITH_OK;

    *out = NULL;
    if (!root)
        return kith_errf(err, KITH_EUPSTREAM,
                         "%s: the models listing is not valid JSON (%s)",
                         p->name, perr.msg);
    struct jv *list = jv_get(root, list_key);
    if (jv_type(list) != JV_ARRAY) {
        ret = kith_errf(err, KITH_EUPSTREAM,
                        "%s: the models listing has no \"%s\" array",
                        p->name, list_key);
        goto out;
    }
    size_t n = 0, total = jv_len(list);
    ids = xcalloc(total ? total : 1, sizeof(*ids));
    for (size_t i = 0; i < total; i++) {
        const char *id = jv_str(jv_get(jv_at(list, i), id_key));
        if (id && *id)
            ids[n++] = id;
    }
    qsort(ids, n, sizeof(*ids), by_string);
    *out = jv_array();
    for (size_t i = 0; i < n; i++) {
        struct jv *m = jv_object();
        jv_set_take(m, "id", jv_string(ids[i]));
        jv_set_take(m, "tools", jv_null());
        jv_push_take(*out, m);
    }
out:
    free(ids);
    jv_free(root);
    return ret;
}

void llm_write_function_tools(struct jw *w, const struct jv *tools)
{
    jw_key(w, "tools");
    jw_arr(w);
    for (size_t i = 0; i < jv_len(tools); i++) {
        const struct jv *tool = jv_at(tools, i);
        const struct jv *desc = jv_get(tool, "description");
        const struct jv *params = jv_get(tool, "parameters");
        jw_obj(w);
        jw_key(w, "type");
        jw_str(w, "function");
        jw_key(w, "function");
        jw_obj(w);
        jw_key(w, "name");
        jw_value(w, jv_get(tool, "name"));
        if (jv_type(desc) == JV_STRING) {
            jw_key(w, "description");
            jw_value(w, desc);
        }
        jw_key(w, "parameters");
        if (jv_type(params) == JV_OBJECT)
            jw_value(w, params);
        else
            jw_raw(w, LLM_EMPTY_SCHEMA, sizeof(LLM_EMPTY_SCHEMA) - 1);
        jw_end_obj(w);
        jw_end_obj(w);
    }
    jw_end_arr(w);
}

int llm_write_chat_start(struct jw *w, struct buf *out,
                         const struct llm_provider *p,
                         const struct llm_target *t,
                         const struct llm_request *rq,
                         llm_message_writer *write_message,
                         struct kith_err *err)
{
    if (jv_type(rq->messages) != JV_ARRAY)
        return kith_errf(err, KITH_EINVAL,
                         "%s: the conversation must be a JSON array",
                         p->name);
    jw_init(w, out);
    jw_obj(w);
    jw_key(w, "model");
    jw_str(w, t->model ? t->model : "");
    jw_key(w, "messages");
    jw_arr(w);
    if (rq->system && *rq->system) {
        jw_obj(w);
        jw_key(w, "role");
        jw_str(w, "system");
        jw_key(w, "content");
        jw_str(w, rq->system);
        jw_end_obj(w);
    }
    for (size_t i = 0; i < jv_len(rq->messages); i++) {
        int ret = write_message(w, jv_at(rq->messages, i), i, err);
        if (ret < 0)
            return ret;
    }
    jw_end_arr(w);
    if (jv_type(rq->tools) == JV_ARRAY && jv_len(rq->tools))
        llm_write_function_tools(w, rq->tools);
    return KITH_OK;
}
