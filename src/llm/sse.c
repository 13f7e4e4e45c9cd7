/*
 * sse: an incremental text/event-stream parser (the WHATWG rules, as the
 * providers' own SDKs apply them).
 *
 * Bytes arrive in arbitrary pieces: a piece may end inside a line, inside
 * a UTF-8 character or between the CR and LF of one line ending, so only
 * complete lines are looked at and the rest waits in s->line. A line ends
 * with LF, CRLF or a lone CR. Blank line: dispatch the pending event.
 * ':' first: a comment (keep-alives, "OPENROUTER PROCESSING"). Otherwise
 * "field: value" (one space after the colon dropped; no colon: the whole
 * line is the field); data lines join with '\n', event names the event,
 * id, retry and anything else are ignored.
 */
#include "llm/llm_int.h"

#include <string.h>

void llm_sse_init(struct llm_sse *s, llm_sse_fn *fn, void *ctx)
{
    memset(s, 0, sizeof(*s));
    s->fn = fn;
    s->ctx = ctx;
    buf_init(&s->line, LLM_LINE_MAX);
    buf_init(&s->event, 256);
    buf_init(&s->data, LLM_LINE_MAX);
}

void llm_sse_release(struct llm_sse *s)
{
    buf_release(&s->line);
    buf_release(&s->event);
    buf_release(&s->data);
}

static int dispatch(struct llm_sse *s)
{
    int ret = KITH_OK;
    if (s->has_data)
        ret = s->fn(s->ctx, s->event.buf, s->data.buf, s->data.len);
    buf_reset(&s->event);
    buf_reset(&s->data);
    s->has_data = false;
    return ret;
}

static int too_long(struct kith_err *err)
{
    return kith_errf(err, KITH_ETOOBIG,
                     "a line of the event stream is longer than %d MiB",
                     LLM_LINE_MAX / (1024 * 1024));
}

/* One complete line (without its ending). */
static int line(struct llm_sse *s, const char *p, size_t n,
                struct kith_err *err)
{
    if (!n)
        return dispatch(s);
    if (p[0] == ':')
        return KITH_OK;
    const char *colon = memchr(p, ':', n);
    size_t flen = colon ? (size_t)(colon - p) : n;
    const char *v = colon ? colon + 1 : p + n;
    size_t vlen = (size_t)(p + n - v);
    if (vlen && *v == ' ')
        v++, vlen--;
    if (flen == 4 && !memcmp(p, "data", 4)) {
        if ((s->has_data && buf_appendc(&s->data, '\n') < 0) ||
            buf_append(&s->data, v, vlen) < 0)
            return kith_errf(err, KITH_ETOOBIG,
                             "an event of the event stream has more than "
                             "%d MiB of data",
                             LLM_LINE_MAX / (1024 * 1024));
        s->has_data = true;
    } else if (flen == 5 && !memcmp(p, "event", 5)) {
        buf_reset(&s->event);
        if (buf_append(&s->event, v, vlen) < 0)
            return kith_errf(err, KITH_ETOOBIG,
                             "an event name of the stream is too long");
    }
    return KITH_OK;
}

int llm_sse_feed(struct llm_sse *s, const char *p, size_t n,
                 struct kith_err *err)
{
    const char *end = p + n;
    while (p < end) {
        if (s->after_cr) { /* the LF of a CRLF torn from its CR */
            s->after_cr = false;
            if (*p == '\n') {
                p++;
                continue;
            }
        }
        const char *eol = p;
        while (eol < end && *eol != '\n' && *eol != '\r')
            eol++;
        int ret;
        if (eol == end) { /* no line end yet: keep the piece */
            if (buf_append(&s->line, p, (size_t)(end - p)) < 0)
                return too_long(err);
            return KITH_OK;
        }
        if (s->line.len) {
            if (buf_append(&s->line, p, (size_t)(eol - p)) < 0)
                return too_long(err);
            ret = line(s, s->line.buf, s->line.len, err);
            buf_reset(&s->line);
        } else if ((size_t)(eol - p) > LLM_LINE_MAX) { /* whole in p */
            return too_long(err);
        } else {
            ret = line(s, p, (size_t)(eol - p), err);
        }
        if (ret < 0)
            return ret;
        if (*eol == '\r') {
            if (eol + 1 < end) {
                if (eol[1] == '\n')
                    eol++;
            } else {
                s->after_cr = true;
            }
        }
        p = eol + 1;
    }
    return KITH_OK;
}

int llm_sse_finish(struct llm_sse *s, struct kith_err *err)
{
    int ret = KITH_OK;
    if (s->line.len) {
        ret = line(s, s->line.buf, s->line.len, err);
        buf_reset(&s->line);
    }
    if (ret >= 0)
        ret = dispatch(s);
    return ret;
}
