/*
 * unit_llm: what the provider tests (test_llm_openai.c, test_llm_anthropic.c,
 * test_llm_ollama.c) share: a decoder fed a recorded stream in every way
 * the network could tear it, with the neutral events written down as one
 * line of text so a test compares them in one assertion:
 *
 *   TEXT(Hel)TEXT(lo)CALL(id,name,{"a":1})USAGE(82,17)DONE(stop)
 *
 * Made-up tool-call ids (random) are written as <id> once checked to be 9
 * letters and digits.
 */
#ifndef KITH_UNIT_LLM_H
#define KITH_UNIT_LLM_H

#include "unit.h"

#include <ctype.h>

#include "base/xalloc.h"
#include "llm/llm_int.h"

struct unit_llm_got {
    struct buf out;
    const char *const *known_ids; /* ids the stream sent (NULL-ended) */
};

static inline bool unit_llm_known(const struct unit_llm_got *g,
                                  const char *id)
{
    for (size_t i = 0; g->known_ids && g->known_ids[i]; i++)
        if (!strcmp(g->known_ids[i], id))
            return true;
    return false;
}

static inline int unit_llm_on_event(void *ctx, const struct llm_event *ev)
{
    struct unit_llm_got *g = ctx;
    char *args = NULL;
    switch (ev->type) {
    case LLM_EV_TEXT:
        buf_appends(&g->out, "TEXT(");
        buf_append(&g->out, ev->text, ev->len);
        buf_appends(&g->out, ")");
        break;
    case LLM_EV_TOOL_CALL:
        assert_int_equal(jv_type(ev->args), JV_OBJECT);
        args = jv_dump(ev->args);
        if (unit_llm_known(g, ev->id)) {
            buf_appendf(&g->out, "CALL(%s,%s,%s)", ev->id, ev->name, args);
        } else {
            assert_int_equal(strlen(ev->id), 9);
            for (size_t i = 0; i < 9; i++)
                assert_true(isalnum((unsigned char)ev->id[i]));
            buf_appendf(&g->out, "CALL(<id>,%s,%s)", ev->name, args);
        }
        free(args);
        break;
    case LLM_EV_USAGE:
        buf_appendf(&g->out, "USAGE(%lld,%lld)",
                    (long long)ev->input_tokens, (long long)ev->output_tokens);
        break;
    case LLM_EV_DONE:
        buf_appendf(&g->out, "DONE(%s)", ev->stop_reason);
        break;
    case LLM_EV_ERROR:
        buf_appendf(&g->out, "ERROR(%s)", ev->message);
        break;
    }
    return KITH_OK;
}

/* What one decoding gave. */
struct unit_llm_result {
    char *events; /* free() it */
    int ret;      /* of the feeds and the finish */
    char msg[KITH_ERR_MAX];
    bool retryable;
};

/* Decode in with p, fed in pieces of step bytes after a first piece of
   split bytes (step 0: the rest at once). */
static inline void unit_llm_decode_once(const struct llm_provider *p,
                                        const char *in, size_t split,
                                        size_t step,
                                        const char *const *known_ids,
                                        struct unit_llm_result *r)
{
    struct unit_llm_got g = { BUF_INIT, known_ids };
    struct kith_err err = KITH_ERR_INIT;
    struct llm_decoder d;
    size_t n = strlen(in), at = split < n ? split : n;

    llm_decoder_init(&d, p, unit_llm_on_event, &g);
    int ret = llm_decoder_feed(&d, in, at, &err);
    while (ret >= 0 && at < n) {
        size_t piece = step && step < n - at ? step : n - at;
        ret = llm_decoder_feed(&d, in + at, piece, &err);
        at += piece;
    }
    if (ret >= 0)
        ret = llm_decoder_finish(&d, &err);
    r->ret = ret;
    r->retryable = d.retryable;
    snprintf(r->msg, sizeof(r->msg), "%s", err.msg);
    r->events = buf_detach(&g.out, NULL);
    llm_decoder_release(&d);
}

/*
 * Decode in with p whole, split in two at every offset, and byte by
 * byte; fail unless every way gives the same events, return code, error
 * message and retryability. *r gets them (free r->events).
 */
static inline void unit_llm_decode(const struct llm_provider *p,
                                   const char *in,
                                   const char *const *known_ids,
                                   struct unit_llm_result *r)
{
    size_t n = strlen(in);
    unit_llm_decode_once(p, in, n, 0, known_ids, r);
    for (size_t split = 0; split <= n + 1; split++) {
        struct unit_llm_result other;
        if (split <= n)
            unit_llm_decode_once(p, in, split, 0, known_ids, &other);
        else
            unit_llm_decode_once(p, in, 0, 1, known_ids, &other);
        if (strcmp(r->events, other.events) || r->ret != other.ret ||
            strcmp(r->msg, other.msg) || r->retryable != other.retryable)
            fail_msg("%s at %zu: %s [%d %s]\n  whole: %s [%d %s]",
                     split <= n ? "split" : "byte by byte", split,
                     other.events, other.ret, other.msg, r->events, r->ret,
                     r->msg);
        free(other.events);
    }
}

/* Decode in as above and check its events and result in one step. */
#define assert_llm_decodes(p, in, ids, want_events, want_ret)               \
    do {                                                                    \
        struct unit_llm_result unit_r_;                                     \
        unit_llm_decode((p), (in), (ids), &unit_r_);                        \
        if (strcmp(unit_r_.events, (want_events)) ||                       \
            unit_r_.ret != (want_ret))                                      \
            fail_msg("got %s [%d: %s]\n want %s [%d]", unit_r_.events,      \
                     unit_r_.ret, unit_r_.msg, (want_events), (want_ret));  \
        free(unit_r_.events);                                               \
    } while (0)

/* A target with copies of the strings given (NULL stays NULL); release
   it with llm_target_release. */
static inline struct llm_target unit_llm_target(const char *model,
                                                const char *base_url,
                                                const char *api_key)
{
    struct llm_target t = {
        .model = model ? xstrdup(model) : NULL,
        .base_url = base_url ? xstrdup(base_url) : NULL,
        .api_key = api_key ? xstrdup(api_key) : NULL,
    };
    return t;
}

/* Encode rq for t with p and parse the body back; fails the test if the
   encoder refuses or writes something that is not JSON. */
static inline struct jv *unit_llm_encode(const struct llm_provider *p,
                                         const struct llm_target *t,
                                         const struct llm_request *rq)
{
    struct buf body = BUF_INIT;
    struct kith_err err = KITH_ERR_INIT;
    if (p->encode(t, rq, &body, &err) < 0)
        fail_msg("encode: %s", err.msg);
    struct jv *j = jv_parse(body.buf, body.len, &err);
    if (!j)
        fail_msg("encode wrote no JSON: %s: %s", err.msg, body.buf);
    buf_release(&body);
    return j;
}

#endif
