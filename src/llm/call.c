/*
 * call: llm_chat and llm_models, the two calls a caller makes.
 *
 * llm_chat encodes the request once with the target's provider, then makes
 * up to max_attempts HTTP attempts (transport.c), each streaming into a
 * fresh decoder. A failed attempt is tried again, after the wait retry.c
 * gives, only when nothing reached the caller yet and the failure is one
 * a retry may fix (no answer, 408, 409, 429, 5xx, 529, an "overloaded"
 * error inside a 200 stream; never a quota). The wait is slept in short
 * slices so that cancelling stays immediate. The last failure's message
 * is the provider's own, with a hint; when part of the answer was already
 * delivered it also goes to the caller as LLM_EV_ERROR.
 */
#include "llm/llm_int.h"

#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "base/clock.h"

#define SLEEP_SLICE_MS 50

/* One attempt's decoder, and what the caller's callback did. */
struct attempt {
    struct llm_decoder d;
    llm_event_fn *fn;
    void *ctx;
    struct kith_err err;
    bool caller_stopped; /* the caller's fn returned negative */
};

static int relay_event(void *ctx, const struct llm_event *ev)
{
    struct attempt *a = ctx;
    int ret = a->fn(a->ctx, ev);
    if (ret < 0)
        a->caller_stopped = true;
    return ret;
}

static int feed_decoder(void *ctx, const char *data, size_t n)
{
    struct attempt *a = ctx;
    return llm_decoder_feed(&a->d, data, n, &a->err);
}

static bool cancelled(const struct llm_call_opts *o)
{
    return o && o->cancel && o->cancel(o->cancel_ctx);
}

/* Sleep ms in short slices; false when cancelled meanwhile. */
static bool wait_ms(int64_t ms, const struct llm_call_opts *o)
{
    int64_t until = clock_ms() + ms;
    for (;;) {
        if (cancelled(o))
            return false;
        int64_t left = until - clock_ms();
        if (left <= 0)
            return true;
        if (left > SLEEP_SLICE_MS)
            left = SLEEP_SLICE_MS;
        struct timespec ts = { 0, (long)left * 1000000L };
        nanosleep(&ts, NULL);
    }
}

/* A random number in [0, 1) for the backoff's jitter. */
static double jitter(void)
{
    uint32_t r = 0;
    if (getrandom(&r, sizeof(r), 0) != (ssize_t)sizeof(r))
        r = (uint32_t)clock_ms();
    return (double)r / 4294967296.0;
}

/* The message for an attempt that got no answer (or stopped in one). */
static void no_answer_error(const struct llm_target *t,
                            const struct llm_provider *p, int rc, int status,
                            struct kith_err *err)
{
    char what[KITH_ERR_MAX];
    snprintf(what, sizeof(what), "%s", err->msg[0] ? err->msg
                                                   : kith_rc_str(rc));
    if (status) /* the server answered, then went quiet */
        kith_errf(err, rc, "%s: %s (%s)", p->name, what, t->base_url);
    else
        kith_errf(err, rc,
                  "%s: cannot reach %s: %s — is the server running? "
                  "(providers.%s.base_url)",
                  p->name, t->base_url, what, p->name);
}

/*
 * One attempt of llm_chat. Returns KITH_OK when the stream ended properly;
 * otherwise a negative code with a->err filled, and *retry saying whether
 * another attempt may help and *retry_after_ms what the server asked for.
 */
static int attempt_chat(const struct llm_target *t,
                        const struct llm_provider *p, const char *url,
                        const char *headers, const struct buf *body,
                        const struct llm_call_opts *o, struct attempt *a,
                        bool *retry, int64_t *retry_after_ms)
{
    struct llm_http_result r;
    llm_http_result_init(&r);
    *retry = false;
    int rc = llm_http(url, headers, body->buf, body->len, feed_decoder, a, o,
                      &r, &a->err);
    *retry_after_ms = r.retry_after_ms;
    if (rc == KITH_OK && r.status >= 200 && r.status < 300)
        rc = llm_decoder_finish(&a->d, &a->err);
    if (rc == KITH_OK && (r.status < 200 || r.status >= 300)) {
        bool retryable = p->error(t, r.status, r.body.buf, r.body.len,
                                  &a->err);
        rc = a->err.code < 0 ? a->err.code : KITH_EUPSTREAM;
        *retry = llm_should_retry(r.status, retryable, r.should_retry);
    } else if (rc == KITH_ETIMEOUT || rc == KITH_EIO) {
        no_answer_error(t, p, rc, r.status, &a->err);
        *retry = llm_should_retry(0, true, -1);
    } else if (rc < 0 && rc != KITH_ECANCELED && !a->caller_stopped) {
        /* The decoder failed: an overloaded stream is retried like 529. */
        *retry = a->d.retryable && llm_should_retry(529, true, -1);
    }
    if (a->d.delivered || rc == KITH_ECANCELED || a->caller_stopped)
        *retry = false;
    llm_http_result_release(&r);
    return rc;
}

/* Tell the caller about the failure of a stream that had begun. */
static void send_error_event(struct attempt *a, int rc)
{
    if (!a->d.delivered || a->caller_stopped || rc == KITH_ECANCELED)
        return;
    struct llm_event ev = {
        .type = LLM_EV_ERROR, .code = rc, .message = a->err.msg,
    };
    a->fn(a->ctx, &ev);
}

int llm_chat(const struct llm_target *t, const struct llm_request *rq,
             llm_event_fn *fn, void *ctx, const struct llm_call_opts *o,
             struct kith_err *err)
{
    const struct llm_provider *p = llm_provider_of(t->wire);
    struct buf body = BUF_INIT, url = BUF_INIT, headers = BUF_INIT;
    int max = o && o->max_attempts > 0 ? o->max_attempts : LLM_MAX_ATTEMPTS;
    int ret = p->encode(t, rq, &body, err);
    if (ret < 0)
        goto out;
    buf_appendf(&url, "%s%s", t->base_url, p->chat_path);
    p->headers(t, &headers);
    for (int n = 1;; n++) {
        struct attempt a = { .fn = fn, .ctx = ctx, .err = KITH_ERR_INIT };
        bool retry;
        int64_t after;
        llm_decoder_init(&a.d, p, relay_event, &a);
        ret = attempt_chat(t, p, url.buf, headers.buf, &body, o, &a, &retry,
                           &after);
        if (ret == KITH_OK || !retry || n >= max) {
            if (ret < 0) {
                send_error_event(&a, ret);
                kith_errf(err, ret, "%s%s",
                          a.err.msg[0] ? a.err.msg : kith_rc_str(ret),
                          n > 1 ? " (after retries)" : "");
            }
            llm_decoder_release(&a.d);
            break;
        }
        llm_decoder_release(&a.d);
        if (!wait_ms(llm_retry_delay_ms(n, after, jitter()), o)) {
            ret = kith_errf(err, KITH_ECANCELED, "%s: the request was "
                            "cancelled", p->name);
            break;
        }
    }
out:
    buf_release(&body);
    buf_release(&url);
    buf_release(&headers);
    return ret;
}

int llm_models(const struct llm_target *t, const struct llm_call_opts *o,
               struct jv **out, struct kith_err *err)
{
    const struct llm_provider *p = llm_provider_of(t->wire);
    struct buf url = BUF_INIT, headers = BUF_INIT;
    struct llm_http_result r;
    llm_http_result_init(&r);
    *out = NULL;
    buf_appendf(&url, "%s%s", t->base_url, p->models_path);
    p->headers(t, &headers);
    struct kith_err aerr = KITH_ERR_INIT;
    int ret = llm_http(url.buf, headers.buf, NULL, 0, NULL, NULL, o, &r,
                       &aerr);
    if (ret == KITH_ETIMEOUT || ret == KITH_EIO) {
        no_answer_error(t, p, ret, r.status, &aerr);
    } else if (ret == KITH_OK && (r.status < 200 || r.status >= 300)) {
        p->error(t, r.status, r.body.buf, r.body.len, &aerr);
        ret = aerr.code < 0 ? aerr.code : KITH_EUPSTREAM;
    } else if (ret == KITH_OK) {
        ret = p->models(r.body.buf, r.body.len, out, &aerr);
    }
    if (ret < 0)
        kith_errf(err, ret, "%s", aerr.msg[0] ? aerr.msg : kith_rc_str(ret));
    buf_release(&url);
    buf_release(&headers);
    llm_http_result_release(&r);
    return ret;
}
