/*
 * fuzz_llm_sse: libFuzzer target for the stream framing of the model
 * layer (llm/sse.c and llm/ndjson.c).
 *
 * The input is framed as SSE and as NDJSON, each three ways: whole, in
 * pieces whose sizes come from a PRNG seeded by the input (so a line, a
 * CRLF pair, a field name or a UTF-8 character is torn anywhere), and
 * byte by byte. Invariants (a violation aborts):
 *   - all three reads give the same events, result and message;
 *   - SSE: event and data are NUL-terminated, the name has no CR or LF,
 *     the data no CR; NDJSON: each line is non-empty, not blank (spaces
 *     and tabs, after the one CR before its LF is dropped) and has no LF;
 *   - a callback that returns -42 at the k-th event (k from the input)
 *     stops the read there: the result is -42 and the events seen are
 *     the first k of the full read.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "llm/llm_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define STOP_CODE (-42)

struct seen {
    struct buf sig; /* every event: name, then data, each with its length */
    int calls;
    int stop_at; /* return STOP_CODE at this call (0: never) */
};

static void sig_add(struct seen *s, const char *p, size_t len)
{
    buf_append(&s->sig, &len, sizeof(len));
    buf_append(&s->sig, p, len);
}

static int stop_or_go(struct seen *s)
{
    s->calls++;
    return s->stop_at && s->calls == s->stop_at ? STOP_CODE : KITH_OK;
}

static int on_event(void *ctx, const char *event, const char *data,
                    size_t len)
{
    struct seen *s = ctx;
    size_t elen = strlen(event);
    if (data[len] || strpbrk(event, "\r\n") || memchr(data, '\r', len) ||
        (s->stop_at && s->calls >= s->stop_at))
        abort();
    sig_add(s, event, elen);
    sig_add(s, data, len);
    return stop_or_go(s);
}

static int on_line(void *ctx, const char *line, size_t len)
{
    struct seen *s = ctx;
    if (!len || memchr(line, '\n', len) || strspn(line, " \t") >= len ||
        (s->stop_at && s->calls >= s->stop_at))
        abort();
    sig_add(s, line, len);
    return stop_or_go(s);
}

enum cut { WHOLE, PIECES, BYTES };

/* Frame in as NDJSON or SSE, cut as asked; returns the result. */
static int frame(bool ndjson, const char *in, size_t n, enum cut cut,
                 uint32_t seed, int stop_at, struct seen *s,
                 struct kith_err *err)
{
    struct llm_sse sse;
    struct llm_ndjson nd;
    memset(s, 0, sizeof(*s));
    buf_init(&s->sig, 0);
    s->stop_at = stop_at;
    llm_sse_init(&sse, on_event, s);
    llm_ndjson_init(&nd, on_line, s);
    int ret = KITH_OK;
    size_t off = 0;
    while (off < n && ret == KITH_OK) {
        size_t k = n - off;
        if (cut == BYTES) {
            k = 1;
        } else if (cut == PIECES) {
            seed ^= seed << 13;
            seed ^= seed >> 17;
            seed ^= seed << 5;
            size_t want = seed % 7 == 0 ? seed % 97 : seed % 5;
            if (want < k)
                k = want;
        }
        ret = ndjson ? llm_ndjson_feed(&nd, in + off, k, err)
                     : llm_sse_feed(&sse, in + off, k, err);
        off += k;
    }
    if (ret == KITH_OK)
        ret = ndjson ? llm_ndjson_finish(&nd, err)
                     : llm_sse_finish(&sse, err);
    llm_sse_release(&sse);
    llm_ndjson_release(&nd);
    return ret;
}

static bool same(const struct seen *a, int ra, const struct kith_err *ea,
                 const struct seen *b, int rb, const struct kith_err *eb)
{
    return ra == rb && !strcmp(ea->msg, eb->msg) &&
           a->sig.len == b->sig.len &&
           !memcmp(a->sig.buf, b->sig.buf, a->sig.len);
}

static void check(bool ndjson, const char *in, size_t n, uint32_t seed)
{
    struct seen whole, pieces, bytes, stopped;
    struct kith_err e1 = KITH_ERR_INIT, e2 = KITH_ERR_INIT,
                    e3 = KITH_ERR_INIT, e4 = KITH_ERR_INIT;
    int r1 = frame(ndjson, in, n, WHOLE, 0, 0, &whole, &e1);
    int r2 = frame(ndjson, in, n, PIECES, seed | 1, 0, &pieces, &e2);
    int r3 = frame(ndjson, in, n, BYTES, 0, 0, &bytes, &e3);
    if (!same(&whole, r1, &e1, &pieces, r2, &e2) ||
        !same(&whole, r1, &e1, &bytes, r3, &e3))
        abort();
    if (r1 != KITH_OK && r1 != KITH_ETOOBIG)
        abort();
    /* Stopped at event k: -42 and the first k events, cut anywhere. */
    if (whole.calls > 0) {
        int k = 1 + (int)(seed % (uint32_t)whole.calls);
        int r4 = frame(ndjson, in, n, PIECES, seed | 1, k, &stopped, &e4);
        if (r4 != STOP_CODE || stopped.calls != k ||
            stopped.sig.len > whole.sig.len ||
            memcmp(stopped.sig.buf, whole.sig.buf, stopped.sig.len))
            abort();
        buf_release(&stopped.sig);
    }
    buf_release(&whole.sig);
    buf_release(&pieces.sig);
    buf_release(&bytes.sig);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint32_t seed = 2463534242u;
    for (size_t i = 0; i < size && i < 16; i++)
        seed = seed * 31 + data[i];
    check(false, (const char *)data, size, seed);
    check(true, (const char *)data, size, seed);
    return 0;
}
