/*
 * fuzz_llm_body: libFuzzer target for what the providers read outside the
 * stream: a non-2xx answer's body (each provider's error function) and a
 * models listing (its models function).
 *
 * The first byte picks the provider (byte % 3: 'o' openai, 'a'
 * anthropic, 'n' ollama), the second the HTTP status (from a table of the
 * ones providers send), the rest is the body. Invariants (a violation
 * aborts):
 *   - error: the message starts with the provider's name, is valid UTF-8
 *     and holds no control characters (it reaches terminals and logs);
 *     a 4xx other than 408, 409 and 429 is never worth a retry;
 *   - models: either KITH_OK with an array of {"id": non-empty string,
 *     "tools": true, false or null} sorted by id, or a negative code, no
 *     array, and a message that starts with the provider's name.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/utf8.h"
#include "llm/llm_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const int statuses[] = { 400, 401, 402, 403, 404, 408, 409, 413,
                                 422, 429, 499, 500, 502, 503, 529, 418 };

static bool named(const char *msg, const struct llm_provider *p)
{
    size_t n = strlen(p->name);
    return !strncmp(msg, p->name, n) && msg[n] == ':';
}

static void check_error(const struct llm_provider *p, int status,
                        const char *body, size_t len)
{
    struct llm_target t = { .provider = (char *)(uintptr_t)p->name,
                            .wire = p->wire,
                            .model = (char *)(uintptr_t) "m",
                            .base_url = (char *)(uintptr_t) "http://x" };
    struct kith_err err = KITH_ERR_INIT;
    bool retry = p->error(&t, status, body, len, &err);
    size_t n = strlen(err.msg);
    if (err.code >= 0 || !named(err.msg, p) || !utf8_valid(err.msg, n))
        abort();
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)err.msg[i] < 0x20 || err.msg[i] == 0x7f)
            abort();
    if (retry && status >= 400 && status < 500 && status != 408 &&
        status != 409 && status != 429)
        abort();
}

static void check_models(const struct llm_provider *p, const char *body,
                         size_t len)
{
    struct kith_err err = KITH_ERR_INIT;
    struct jv *out = NULL;
    int ret = p->models(body, len, &out, &err);
    if (ret < 0) {
        if (out || !named(err.msg, p))
            abort();
        return;
    }
    if (ret != KITH_OK || jv_type(out) != JV_ARRAY)
        abort();
    const char *last = NULL;
    for (size_t i = 0; i < jv_len(out); i++) {
        const struct jv *m = jv_at(out, i);
        const char *id = jv_str(jv_get(m, "id"));
        enum jv_type tools = jv_type(jv_get(m, "tools"));
        if (!id || !*id || (last && strcmp(last, id) > 0) ||
            (tools != JV_BOOL && tools != JV_NULL))
            abort();
        last = id;
    }
    jv_free(out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const struct llm_provider *const providers[] = {
        &llm_openai, &llm_anthropic, &llm_ollama
    };
    if (size < 2)
        return 0;
    const struct llm_provider *p = providers[data[0] % 3];
    int status = statuses[data[1] % (sizeof(statuses) / sizeof(*statuses))];
    const char *body = (const char *)data + 2;
    check_error(p, status, body, size - 2);
    check_models(p, body, size - 2);
    return 0;
}
