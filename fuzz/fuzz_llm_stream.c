/*
 * fuzz_llm_stream: libFuzzer target for the providers' stream decoders
 * (llm_openai, llm_anthropic and llm_ollama through llm/decoder.c).
 *
 * The first byte picks the provider (byte % 3: 'o' openai, 'a'
 * anthropic, 'n' ollama), the rest is the body of a 2xx answer. It is
 * decoded three ways: whole, in pieces whose sizes come from a PRNG
 * seeded by the input, and byte by byte. Invariants (a violation aborts):
 *   - all three give the same events, result and message;
 *   - TEXT is non-empty, valid UTF-8 (NULs aside); TOOL_CALL has an id,
 *     a name and an object of arguments; DONE has a stop reason, comes
 *     at most once and nothing follows it; ERROR is never sent by the
 *     decoder (llm_chat sends it);
 *   - the result is KITH_OK exactly when DONE came; otherwise negative
 *     with a message that starts with the provider's name and holds no
 *     control characters;
 *   - a callback that returns -42 at the k-th event (k from the input)
 *     stops the decoder there: result -42 and the first k events.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/utf8.h"
#include "llm/llm_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define STOP_CODE (-42)

struct seen {
    struct buf sig; /* every event, written out */
    int calls;
    int stop_at; /* return STOP_CODE at this event (0: never) */
    bool done;
    const char *in; /* the input, to tell ids it had from made-up ones */
    size_t n;
};

static void sig_add(struct seen *s, const char *p, size_t len)
{
    buf_append(&s->sig, &len, sizeof(len));
    buf_append(&s->sig, p, len);
}

static bool text_ok(const char *p, size_t len)
{
    /* \u0000 is allowed by the JSON reader: check around NULs */
    const char *end = p + len;
    while (p < end) {
        const char *nul = memchr(p, '\0', (size_t)(end - p));
        size_t n = nul ? (size_t)(nul - p) : (size_t)(end - p);
        if (!utf8_valid(p, n))
            return false;
        p += n + (nul ? 1 : 0);
    }
    return true;
}

static int on_event(void *ctx, const struct llm_event *ev)
{
    struct seen *s = ctx;
    char *args = NULL;
    if (s->done || (s->stop_at && s->calls >= s->stop_at))
        abort(); /* nothing after DONE or after the callback said stop */
    buf_append(&s->sig, &ev->type, sizeof(ev->type));
    switch (ev->type) {
    case LLM_EV_TEXT:
        if (!ev->text || !ev->len || !text_ok(ev->text, ev->len))
            abort();
        sig_add(s, ev->text, ev->len);
        break;
    case LLM_EV_TOOL_CALL:
        if (!ev->id || !*ev->id || !ev->name || !*ev->name ||
            jv_type(ev->args) != JV_OBJECT)
            abort();
        args = jv_dump(ev->args);
        /* a made-up id is random: only its presence is compared */
        if (memmem(s->in, s->n, ev->id, strlen(ev->id)))
            sig_add(s, ev->id, strlen(ev->id));
        else
            sig_add(s, "(made up)", 9);
        sig_add(s, ev->name, strlen(ev->name));
        sig_add(s, args, strlen(args));
        free(args);
        break;
    case LLM_EV_USAGE:
        buf_append(&s->sig, &ev->input_tokens, sizeof(ev->input_tokens));
        buf_append(&s->sig, &ev->output_tokens, sizeof(ev->output_tokens));
        break;
    case LLM_EV_DONE:
        if (!ev->stop_reason || !*ev->stop_reason)
            abort();
        sig_add(s, ev->stop_reason, strlen(ev->stop_reason));
        s->done = true;
        break;
    case LLM_EV_ERROR:
    default:
        abort();
    }
    s->calls++;
    return s->stop_at && s->calls == s->stop_at ? STOP_CODE : KITH_OK;
}

enum cut { WHOLE, PIECES, BYTES };

static int decode(const struct llm_provider *p, const char *in, size_t n,
                  enum cut cut, uint32_t seed, int stop_at, struct seen *s,
                  struct kith_err *err)
{
    struct llm_decoder d;
    memset(s, 0, sizeof(*s));
    buf_init(&s->sig, 0);
    s->stop_at = stop_at;
    s->in = in;
    s->n = n;
    llm_decoder_init(&d, p, on_event, s);
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
        ret = llm_decoder_feed(&d, in + off, k, err);
        off += k;
    }
    if (ret == KITH_OK)
        ret = llm_decoder_finish(&d, err);
    else if (llm_decoder_feed(&d, "\n\n", 2, NULL) != ret)
        abort(); /* a stopped decoder stays stopped */
    llm_decoder_release(&d);
    return ret;
}

static bool same(const struct seen *a, int ra, const struct kith_err *ea,
                 const struct seen *b, int rb, const struct kith_err *eb)
{
    return ra == rb && !strcmp(ea->msg, eb->msg) &&
           a->sig.len == b->sig.len &&
           !memcmp(a->sig.buf, b->sig.buf, a->sig.len);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const struct llm_provider *const providers[] = {
        &llm_openai, &llm_anthropic, &llm_ollama
    };
    if (size < 1)
        return 0;
    const struct llm_provider *p = providers[data[0] % 3];
    const char *in = (const char *)data + 1;
    size_t n = size - 1;
    uint32_t seed = 2463534242u;
    for (size_t i = 0; i < size && i < 16; i++)
        seed = seed * 31 + data[i];

    struct seen whole, pieces, bytes, stopped;
    struct kith_err e1 = KITH_ERR_INIT, e2 = KITH_ERR_INIT,
                    e3 = KITH_ERR_INIT, e4 = KITH_ERR_INIT;
    int r1 = decode(p, in, n, WHOLE, 0, 0, &whole, &e1);
    int r2 = decode(p, in, n, PIECES, seed | 1, 0, &pieces, &e2);
    int r3 = decode(p, in, n, BYTES, 0, 0, &bytes, &e3);
    if (!same(&whole, r1, &e1, &pieces, r2, &e2) ||
        !same(&whole, r1, &e1, &bytes, r3, &e3))
        abort();
    if ((r1 == KITH_OK) != whole.done)
        abort();
    if (r1 < 0 && strncmp(e1.msg, p->name, strlen(p->name)))
        abort();
    for (const char *c = e1.msg; *c; c++) /* printable: it reaches ttys */
        if ((unsigned char)*c < 0x20 || *c == 0x7f)
            abort();
    if (whole.calls > 0) {
        int k = 1 + (int)(seed % (uint32_t)whole.calls);
        int r4 = decode(p, in, n, PIECES, seed | 1, k, &stopped, &e4);
        if (r4 != STOP_CODE || stopped.calls != k ||
            stopped.sig.len > whole.sig.len ||
            memcmp(stopped.sig.buf, whole.sig.buf, stopped.sig.len))
            abort();
        buf_release(&stopped.sig);
    }
    buf_release(&whole.sig);
    buf_release(&pieces.sig);
    buf_release(&bytes.sig);
    return 0;
}
