/*
 * ndjson: newline-delimited JSON framing (Ollama's native stream).
 *
 * Each non-empty line is one JSON value; bytes arrive torn anywhere, so
 * only complete lines are handed on and the rest waits in n->line. A CR
 * before the LF is dropped. The JSON itself is the provider's to read.
 */
#include "llm/llm_int.h"

#include <string.h>

void llm_ndjson_init(struct llm_ndjson *n, llm_line_fn *fn, void *ctx)
{
    n->fn = fn;
    n->ctx = ctx;
    buf_init(&n->line, LLM_LINE_MAX);
}

void llm_ndjson_release(struct llm_ndjson *n)
{
    buf_release(&n->line);
}

/* Hand on one line unless it is blank. */
static int emit(struct llm_ndjson *n, const char *p, size_t len)
{
    if (len && p[len - 1] == '\r')
        len--;
    size_t lead = 0;
    while (lead < len && (p[lead] == ' ' || p[lead] == '\t'))
        lead++;
    if (lead == len)
        return KITH_OK;
    return n->fn(n->ctx, p, len);
}

static int too_long(struct kith_err *err)
{
    return kith_errf(err, KITH_ETOOBIG,
                     "a line of the stream is longer than %d MiB",
                     LLM_LINE_MAX / (1024 * 1024));
}

int llm_ndjson_feed(struct llm_ndjson *n, const char *p, size_t len,
                    struct kith_err *err)
{
    const char *end = p + len;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        if (!nl) {
            if (buf_append(&n->line, p, (size_t)(end - p)) < 0)
                return too_long(err);
            return KITH_OK;
        }
        int ret;
        if (n->line.len) {
            if (buf_append(&n->line, p, (size_t)(nl - p)) < 0)
                return too_long(err);
            ret = emit(n, n->line.buf, n->line.len);
            buf_reset(&n->line);
        } else if ((size_t)(nl - p) > LLM_LINE_MAX) { /* whole in p */
            return too_long(err);
        } else {
            ret = emit(n, p, (size_t)(nl - p));
        }
        if (ret < 0)
            return ret;
        p = nl + 1;
    }
    return KITH_OK;
}

int llm_ndjson_finish(struct llm_ndjson *n, struct kith_err *err)
{
    (void)err;
    int ret = KITH_OK;
    if (n->line.len)
        ret = emit(n, n->line.buf, n->line.len);
    buf_reset(&n->line);
    return ret;
}
