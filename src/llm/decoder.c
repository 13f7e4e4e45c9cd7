/*
 * decoder: one streamed answer, from bytes to neutral events.
 *
 * The provider's framing (SSE or NDJSON) cuts the bytes into events, its
 * decode function reads each one and reports through the llm_emit_*
 * helpers here, which keep what every provider needs: tool calls
 * assembled from fragments (slots by the provider's index), usage, the
 * stop reason, whether anything reached the caller yet (after which a
 * failed call is never retried), and whether the terminal marker came.
 */
#include "llm/llm_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

/* Events after the terminal marker (even in the same piece) are
   ignored, as bytes after it are. */
static int on_sse(void *ctx, const char *event, const char *data, size_t len)
{
    struct llm_decoder *d = ctx;
    return d->done ? KITH_OK : d->p->decode(d, event, data, len);
}

static int on_line(void *ctx, const char *line, size_t len)
{
    struct llm_decoder *d = ctx;
    return d->done ? KITH_OK : d->p->decode(d, "", line, len);
}

void llm_decoder_init(struct llm_decoder *d, const struct llm_provider *p,
                      llm_event_fn *fn, void *ctx)
{
    memset(d, 0, sizeof(*d));
    d->p = p;
    d->fn = fn;
    d->ctx = ctx;
    llm_sse_init(&d->sse, on_sse, d);
    llm_ndjson_init(&d->nd, on_line, d);
    buf_init(&d->scratch, 0); /* no cap: the framing caps the event */
    for (size_t i = 0; i < LLM_MAX_CALLS; i++) {
        buf_init(&d->calls[i].id, 1024);
        buf_init(&d->calls[i].name, 1024);
        buf_init(&d->calls[i].args, LLM_LINE_MAX);
    }
}

void llm_decoder_release(struct llm_decoder *d)
{
    llm_sse_release(&d->sse);
    llm_ndjson_release(&d->nd);
    buf_release(&d->scratch);
    for (size_t i = 0; i < LLM_MAX_CALLS; i++) {
        buf_release(&d->calls[i].id);
        buf_release(&d->calls[i].name);
        buf_release(&d->calls[i].args);
    }
}

/* The framing refused the bytes (a line over its cap): say whose. */
static int framing_failed(struct llm_decoder *d, int ret,
                          struct kith_err *err)
{
    if (err) {
        char msg[KITH_ERR_MAX];
        snprintf(msg, sizeof(msg), "%s", err->msg);
        kith_errf(err, ret, "%s: %s", d->p->name, msg);
    }
    d->failed = ret;
    return ret;
}

int llm_decoder_feed(struct llm_decoder *d, const char *p, size_t n,
                     struct kith_err *err)
{
    d->err = err;
    if (d->failed)
        return d->failed;
    if (d->done) /* bytes after the end marker are ignored */
        return KITH_OK;
    int ret = d->p->framing == LLM_FRAMING_SSE
                  ? llm_sse_feed(&d->sse, p, n, err)
                  : llm_ndjson_feed(&d->nd, p, n, err);
    if (ret < 0 && d->done && !d->failed) {
        /* the framing failed on bytes after the end marker in the same
           piece: ignored, as when they come in a later piece */
        kith_errf(err, KITH_OK, "%s", "");
        return KITH_OK;
    }
    if (ret < 0 && !d->failed)
        return framing_failed(d, ret, err);
    return ret;
}

int llm_decoder_finish(struct llm_decoder *d, struct kith_err *err)
{
    d->err = err;
    if (d->failed)
        return d->failed;
    int ret = KITH_OK;
    if (!d->done)
        ret = d->p->framing == LLM_FRAMING_SSE
                  ? llm_sse_finish(&d->sse, err)
                  : llm_ndjson_finish(&d->nd, err);
    if (ret < 0)
        return d->failed ? d->failed : framing_failed(d, ret, err);
    if (!d->done)
        return llm_emit_error(d, KITH_EUPSTREAM,
                              "%s: the stream was cut off before its end",
                              d->p->name);
    return KITH_OK;
}

/* Deliver ev to the caller. */
static int deliver(struct llm_decoder *d, const struct llm_event *ev)
{
    d->delivered = true;
    int ret = d->fn(d->ctx, ev);
    if (ret < 0) {
        d->failed = ret;
        if (d->err && !d->err->msg[0])
            kith_errf(d->err, ret, "%s", kith_rc_str(ret));
    }
    return ret < 0 ? ret : KITH_OK;
}

int llm_emit_text(struct llm_decoder *d, const char *text, size_t len)
{
    if (!len)
        return KITH_OK;
    struct llm_event ev = { .type = LLM_EV_TEXT, .text = text, .len = len };
    return deliver(d, &ev);
}

void llm_make_call_id(char out[10])
{
    static const char abc[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    unsigned char r[9];
    if (getrandom(r, sizeof(r), 0) != (ssize_t)sizeof(r))
        for (size_t i = 0; i < sizeof(r); i++) /* never weaker than needed:
                                                  ids are not secrets */
            r[i] = (unsigned char)(i * 37 + 11);
    for (size_t i = 0; i < 9; i++)
        out[i] = abc[r[i] % (sizeof(abc) - 1)];
    out[9] = '\0';
}

int llm_emit_call_obj(struct llm_decoder *d, const char *id,
                      const char *name, const struct jv *args)
{
    char made[10];
    if (!id || !*id) {
        llm_make_call_id(made);
        id = made;
    }
    if (!name || !*name)
        return llm_emit_error(d, KITH_EUPSTREAM,
                              "%s: the model called a tool without a name",
                              d->p->name);
    if (jv_type(args) != JV_OBJECT)
        return llm_emit_error(d, KITH_EUPSTREAM,
                              "%s: the arguments of the model's call to %s "
                              "are not a JSON object",
                              d->p->name, name);
    struct llm_event ev = {
        .type = LLM_EV_TOOL_CALL, .id = id, .name = name, .args = args
    };
    return deliver(d, &ev);
}

int llm_emit_call(struct llm_decoder *d, const char *id, const char *name,
                  const char *args_json, size_t args_len)
{
    struct kith_err perr = KITH_ERR_INIT;
    struct jv *args = args_len ? jv_parse(args_json, args_len, &perr)
                               : jv_object();
    if (!args)
        return llm_emit_error(d, KITH_EUPSTREAM,
                              "%s: the arguments of the model's call to %s "
                              "are not valid JSON (%s)",
                              d->p->name, name ? name : "a tool", perr.msg);
    int ret = llm_emit_call_obj(d, id, name, args);
    jv_free(args);
    return ret;
}

int llm_append_dump(struct buf *out, const struct jr *v)
{
    struct jr c = *v;
    const char *p;
    size_t n;
    if (jr_raw(&c, &p, &n) < 0)
        return KITH_EINVAL;
    struct jv *j = jv_parse(p, n, NULL);
    char *text = j ? jv_dump(j) : NULL;
    int ret = text ? buf_appends(out, text) : KITH_EINVAL;
    free(text);
    jv_free(j);
    return ret;
}

int llm_emit_usage(struct llm_decoder *d, int64_t input, int64_t output)
{
    d->input_tokens = input;
    d->output_tokens = output;
    struct llm_event ev = {
        .type = LLM_EV_USAGE, .input_tokens = input, .output_tokens = output
    };
    return deliver(d, &ev);
}

struct llm_call_slot *llm_call_slot(struct llm_decoder *d, int64_t index)
{
    for (size_t i = 0; i < LLM_MAX_CALLS; i++)
        if (d->calls[i].used && d->calls[i].index == index)
            return &d->calls[i];
    for (size_t i = 0; i < LLM_MAX_CALLS; i++)
        if (!d->calls[i].used) {
            d->calls[i].used = true;
            d->calls[i].index = index;
            return &d->calls[i];
        }
    return NULL;
}

int llm_emit_slot(struct llm_decoder *d, struct llm_call_slot *slot)
{
    if (slot->sent)
        return KITH_OK;
    slot->sent = true;
    return llm_emit_call(d, slot->id.buf, slot->name.buf, slot->args.buf,
                         slot->args.len);
}

int llm_emit_done(struct llm_decoder *d, const char *reason)
{
    /* Pending calls go out in the provider's index order. */
    for (;;) {
        struct llm_call_slot *next = NULL;
        for (size_t i = 0; i < LLM_MAX_CALLS; i++) {
            struct llm_call_slot *s = &d->calls[i];
            if (s->used && !s->sent && (!next || s->index < next->index))
                next = s;
        }
        if (!next)
            break;
        int ret = llm_emit_slot(d, next);
        if (ret < 0)
            return ret;
    }
    if (reason)
        snprintf(d->stop_reason, sizeof(d->stop_reason), "%s", reason);
    d->done = true;
    struct llm_event ev = {
        .type = LLM_EV_DONE,
        .stop_reason = d->stop_reason[0] ? d->stop_reason : "stop",
    };
    return deliver(d, &ev);
}

int llm_emit_error(struct llm_decoder *d, int code, const char *fmt, ...)
{
    char msg[KITH_ERR_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    for (char *c = msg; *c; c++) /* the provider's words reach terminals */
        if ((unsigned char)*c < 0x20 || *c == 0x7f)
            *c = ' ';
    if (code >= 0)
        code = KITH_EUPSTREAM;
    kith_errf(d->err, code, "%s", msg);
    d->failed = code;
    return code;
}
