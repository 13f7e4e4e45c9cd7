/*
 * test_llm_sse: the stream framing of the model layer (llm/sse.c,
 * llm/ndjson.c), the decoder helpers every provider uses (llm/decoder.c)
 * and that providers' error messages reach the caller printable.
 *
 * Framing cases are read whole, in two pieces split at every byte
 * position, and byte by byte; all reads must give the same events, so a
 * line, a CRLF pair, a field name or a UTF-8 character torn anywhere is
 * covered. Events are written as "[event]{data}" (NDJSON lines as
 * "{line}") to compare them as text.
 *
 * The decoder is driven by a small provider of this file (not the real
 * ones): SSE events named text, call, frag, done and fail turn into the
 * llm_emit_* call of that name, so each helper is tested on its own.
 */
#include "unit.h"

#include <ctype.h>

#include "base/buf.h"
#include "llm/llm_int.h"

/* ---- collecting framed events ---- */

struct seen {
    struct buf out;
    int calls;
    int stop_at; /* return -42 from this call on (0: never) */
};

static int on_event(void *ctx, const char *event, const char *data,
                    size_t len)
{
    struct seen *s = ctx;
    assert_int_equal(data[len], '\0');
    assert_non_null(event);
    buf_appendf(&s->out, "[%s]{", event);
    buf_append(&s->out, data, len);
    buf_appendc(&s->out, '}');
    s->calls++;
    return s->stop_at && s->calls >= s->stop_at ? -42 : KITH_OK;
}

static int on_line(void *ctx, const char *line, size_t len)
{
    struct seen *s = ctx;
    assert_true(len > 0);
    buf_appendc(&s->out, '{');
    buf_append(&s->out, line, len);
    buf_appendc(&s->out, '}');
    s->calls++;
    return s->stop_at && s->calls >= s->stop_at ? -42 : KITH_OK;
}

/* How a read cuts its input. */
struct cut {
    size_t split; /* two pieces: [0, split) and [split, n) */
    bool bytes;   /* byte by byte instead */
};

/* Frame in[0..n) as SSE (ndjson false) or NDJSON, cut as c says; the
   events go to s->out. Returns the first negative return, else finish's. */
static int frame(bool ndjson, const char *in, size_t n, struct cut c,
                 struct seen *s, struct kith_err *err)
{
    struct llm_sse sse;
    struct llm_ndjson nd;
    llm_sse_init(&sse, on_event, s);
    llm_ndjson_init(&nd, on_line, s);
    int ret = KITH_OK;
    size_t off = 0;
    while (off < n && ret >= 0) {
        size_t k = c.bytes ? 1 : off < c.split ? c.split - off : n - off;
        ret = ndjson ? llm_ndjson_feed(&nd, in + off, k, err)
                     : llm_sse_feed(&sse, in + off, k, err);
        off += k;
    }
    if (ret >= 0)
        ret = ndjson ? llm_ndjson_finish(&nd, err)
                     : llm_sse_finish(&sse, err);
    llm_sse_release(&sse);
    llm_ndjson_release(&nd);
    return ret;
}

/* The events of in, after checking that every way of cutting it gives
   the same events and result. Caller frees. */
static char *framed(bool ndjson, const char *in, int want_ret)
{
    size_t n = strlen(in);
    struct seen whole = { BUF_INIT, 0, 0 };
    struct kith_err err = KITH_ERR_INIT;
    assert_int_equal(frame(ndjson, in, n, (struct cut){ n, false }, &whole,
                           &err),
                     want_ret);
    for (size_t split = 0; split <= n + 1; split++) {
        struct seen part = { BUF_INIT, 0, 0 };
        struct cut c = { split, split == n + 1 };
        assert_int_equal(frame(ndjson, in, n, c, &part, &err), want_ret);
        if (strcmp(whole.out.buf, part.out.buf))
            fail_msg("%s: whole read gave %s, read %s %zu gave %s", in,
                     whole.out.buf, c.bytes ? "byte by byte" : "split at",
                     split, part.out.buf);
        buf_release(&part.out);
    }
    return buf_detach(&whole.out, NULL);
}

#define assert_sse(in, want)                                                \
    do {                                                                    \
        char *got_ = framed(false, (in), KITH_OK);                          \
        assert_string_equal(got_, (want));                                  \
        free(got_);                                                         \
    } while (0)

#define assert_ndjson(in, want)                                             \
    do {                                                                    \
        char *got_ = framed(true, (in), KITH_OK);                           \
        assert_string_equal(got_, (want));                                  \
        free(got_);                                                         \
    } while (0)

/* ---- SSE ---- */

static void test_llm_sse__anthropic_stream_torn_anywhere(void **state)
{
    (void)state;
    assert_sse("event: message_start\n"
               "data: {\"type\":\"message_start\"}\n"
               "\n"
               ": keep-alive\n"
               "event: content_block_delta\r\n"
               "data: {\"text\":\"Zo\xc3\xab \xe6\x97\xa5\"}\r\n"
               "\r\n"
               "event: ping\r"
               "data: {\"type\": \"ping\"}\r"
               "\r"
               "event: message_stop\n"
               "data: {\"type\":\"message_stop\"}\n"
               "\n",
               "[message_start]{{\"type\":\"message_start\"}}"
               "[content_block_delta]{{\"text\":\"Zo\xc3\xab \xe6\x97\xa5\"}}"
               "[ping]{{\"type\": \"ping\"}}"
               "[message_stop]{{\"type\":\"message_stop\"}}");
}

static void test_llm_sse__line_endings(void **state)
{
    (void)state;
    assert_sse("data: lf\n\n", "[]{lf}");
    assert_sse("data: crlf\r\n\r\n", "[]{crlf}");
    assert_sse("data: cr\r\r", "[]{cr}");
    assert_sse("data: a\ndata: b\r\ndata: c\rdata: d\n\n", "[]{a\nb\nc\nd}");
    /* CR LF is one line ending, not a line and a blank line. */
    assert_sse("data: one\r\ndata: event\r\n\r\n", "[]{one\nevent}");
    /* CR then CR LF: a line, then a blank line. */
    assert_sse("data: x\r\r\ndata: y\n\n", "[]{x}[]{y}");
}

static void test_llm_sse__crlf_torn_between_cr_and_lf(void **state)
{
    (void)state;
    struct seen s = { BUF_INIT, 0, 0 };
    struct llm_sse sse;
    struct kith_err err = KITH_ERR_INIT;
    llm_sse_init(&sse, on_event, &s);
    assert_int_equal(llm_sse_feed(&sse, "data: a\r", 8, &err), KITH_OK);
    assert_int_equal(llm_sse_feed(&sse, "\n", 1, &err), KITH_OK);
    assert_int_equal(s.calls, 0); /* the LF did not make a blank line */
    assert_int_equal(llm_sse_feed(&sse, "data: b\r", 8, &err), KITH_OK);
    assert_int_equal(llm_sse_feed(&sse, "\n\r", 2, &err), KITH_OK);
    assert_int_equal(s.calls, 1);
    assert_string_equal(s.out.buf, "[]{a\nb}");
    llm_sse_release(&sse);
    buf_release(&s.out);
}

static void test_llm_sse__comments(void **state)
{
    (void)state;
    assert_sse(": OPENROUTER PROCESSING\n\n"
               ":\n"
               "data: a\n"
               ": ping between data lines\n"
               "data: b\n"
               "\n",
               "[]{a\nb}");
    assert_sse(": only comments\n\n:\n\n", "");
}

static void test_llm_sse__data_lines(void **state)
{
    (void)state;
    assert_sse("data: a\ndata: b\ndata:\n\n", "[]{a\nb\n}");
    assert_sse("data:nospace\n\n", "[]{nospace}");
    assert_sse("data: one space\n\n", "[]{one space}");
    assert_sse("data:  two spaces\n\n", "[]{ two spaces}");
    assert_sse("data: a: b:c\n\n", "[]{a: b:c}");
    assert_sse("data: [DONE]\n\n", "[]{[DONE]}");
    assert_sse("data:\n\n", "[]{}");
}

static void test_llm_sse__event_names(void **state)
{
    (void)state;
    assert_sse("event: error\ndata: {}\n\ndata: next\n\n",
               "[error]{{}}[]{next}");
    assert_sse("event:tight\ndata: x\n\n", "[tight]{x}");
    /* The last event: line wins; an event without data is dropped and
       its name forgotten. */
    assert_sse("event: a\nevent: b\ndata: x\n\n", "[b]{x}");
    assert_sse("event: lonely\n\ndata: x\n\n", "[]{x}");
}

static void test_llm_sse__other_fields_ignored(void **state)
{
    (void)state;
    assert_sse("id: 7\nretry: 1000\nfoo: bar\ndata: x\nDATA: y\n\n",
               "[]{x}");
    assert_sse("id: 7\n\n", "");
    /* "data " is not "data". */
    assert_sse("data : x\ndata: y\n\n", "[]{y}");
}

static void test_llm_sse__field_without_colon(void **state)
{
    (void)state;
    /* The whole line is the field name, the value empty. */
    assert_sse("data\n\n", "[]{}");
    assert_sse("data: a\ndata\ndata: b\n\n", "[]{a\n\nb}");
    assert_sse("event\ndata: x\n\n", "[]{x}");
    assert_sse("unknown\ndata: x\n\n", "[]{x}");
}

static void test_llm_sse__blank_lines_with_nothing_pending(void **state)
{
    (void)state;
    assert_sse("\n\n\r\n\r\ndata: x\n\n\n\n\r\r", "[]{x}");
    assert_sse("\n", "");
    assert_sse("", "");
}

static void test_llm_sse__finish_flushes_pending_event(void **state)
{
    (void)state;
    assert_sse("data: no blank line\n", "[]{no blank line}");
    assert_sse("data: no line end", "[]{no line end}");
    assert_sse("event: e\ndata: a\ndata: b", "[e]{a\nb}");
    assert_sse("data: a\r", "[]{a}");
    assert_sse("event: only a name", "");
}

/* Feed head, then len bytes of 'x' in 64 KiB pieces, then a line end
   when eol. */
static int feed_long(struct llm_sse *sse, const char *head, size_t len,
                     bool eol, struct kith_err *err)
{
    static char piece[64 * 1024];
    memset(piece, 'x', sizeof(piece));
    int ret = llm_sse_feed(sse, head, strlen(head), err);
    for (size_t off = 0; off < len && ret >= 0; off += sizeof(piece)) {
        size_t k = len - off < sizeof(piece) ? len - off : sizeof(piece);
        ret = llm_sse_feed(sse, piece, k, err);
    }
    if (ret >= 0 && eol)
        ret = llm_sse_feed(sse, "\n", 1, err);
    return ret;
}

static void test_llm_sse__line_too_long(void **state)
{
    (void)state;
    struct seen s = { BUF_INIT, 0, 0 };
    struct llm_sse sse;
    struct kith_err err = KITH_ERR_INIT;

    /* Exactly LLM_LINE_MAX bytes of line is allowed. */
    llm_sse_init(&sse, on_event, &s);
    assert_int_equal(feed_long(&sse, "data:", LLM_LINE_MAX - 5, true, &err),
                     KITH_OK);
    assert_int_equal(llm_sse_feed(&sse, "\n", 1, &err), KITH_OK);
    assert_int_equal(s.calls, 1);
    llm_sse_release(&sse);
    buf_release(&s.out);

    /* One more byte is not, in pieces ... */
    s = (struct seen){ BUF_INIT, 0, 0 };
    llm_sse_init(&sse, on_event, &s);
    assert_int_equal(feed_long(&sse, "data:", LLM_LINE_MAX - 4, false, &err),
                     KITH_ETOOBIG);
    assert_contains(err.msg, "longer than 8 MiB");
    assert_int_equal(s.calls, 0);
    llm_sse_release(&sse);

    /* ... nor in one piece, even a comment nobody reads. */
    size_t n = LLM_LINE_MAX + 2;
    char *big = malloc(n);
    assert_non_null(big);
    memset(big, 'x', n);
    big[0] = ':';
    big[n - 1] = '\n';
    err = (struct kith_err)KITH_ERR_INIT;
    llm_sse_init(&sse, on_event, &s);
    assert_int_equal(llm_sse_feed(&sse, big, n, &err), KITH_ETOOBIG);
    assert_contains(err.msg, "longer than 8 MiB");
    llm_sse_release(&sse);

    /* Many short data lines adding up to more than the cap. */
    err = (struct kith_err)KITH_ERR_INIT;
    llm_sse_init(&sse, on_event, &s);
    size_t line = 1024 * 1024;
    memcpy(big, "data:", 5);
    big[line - 1] = '\n';
    int ret = KITH_OK;
    for (int i = 0; i < 9 && ret >= 0; i++)
        ret = llm_sse_feed(&sse, big, line, &err);
    assert_int_equal(ret, KITH_ETOOBIG);
    assert_contains(err.msg,
                    "an event of the event stream has more than 8 MiB");
    assert_int_equal(s.calls, 0);
    llm_sse_release(&sse);
    free(big);
}

static void test_llm_sse__callback_stops_feeding(void **state)
{
    (void)state;
    struct seen s = { BUF_INIT, 0, 2 };
    struct llm_sse sse;
    struct kith_err err = KITH_ERR_INIT;
    llm_sse_init(&sse, on_event, &s);
    const char *in = "data: 1\n\ndata: 2\n\ndata: 3\n\n";
    assert_int_equal(llm_sse_feed(&sse, in, strlen(in), &err), -42);
    assert_int_equal(s.calls, 2);
    assert_string_equal(s.out.buf, "[]{1}[]{2}");
    llm_sse_release(&sse);
    buf_release(&s.out);

    /* The same from finish. */
    s = (struct seen){ BUF_INIT, 0, 1 };
    llm_sse_init(&sse, on_event, &s);
    assert_int_equal(llm_sse_feed(&sse, "data: 1", 7, &err), KITH_OK);
    assert_int_equal(llm_sse_finish(&sse, &err), -42);
    llm_sse_release(&sse);
    buf_release(&s.out);
}

/* ---- NDJSON ---- */

static void test_llm_ndjson__lines_torn_anywhere(void **state)
{
    (void)state;
    assert_ndjson("{\"message\":{\"content\":\"Sure\"},\"done\":false}\n"
                  "{\"message\":{\"content\":\"Zo\xc3\xab \xe2\x82\xac "
                  "\xf0\x9f\x98\x80\"},\"done\":false}\n"
                  "{\"done\":true,\"done_reason\":\"stop\"}\n",
                  "{{\"message\":{\"content\":\"Sure\"},\"done\":false}}"
                  "{{\"message\":{\"content\":\"Zo\xc3\xab \xe2\x82\xac "
                  "\xf0\x9f\x98\x80\"},\"done\":false}}"
                  "{{\"done\":true,\"done_reason\":\"stop\"}}");
}

static void test_llm_ndjson__crlf_and_blank_lines(void **state)
{
    (void)state;
    assert_ndjson("{\"a\":1}\r\n{\"b\":2}\r\n", "{{\"a\":1}}{{\"b\":2}}");
    assert_ndjson("\n\n \n\t\n\r\n{}\n\n", "{{}}");
    assert_ndjson("", "");
    /* A CR inside a line is the provider's to judge. */
    assert_ndjson("a\rb\n", "{a\rb}");
}

static void test_llm_ndjson__finish_flushes_last_line(void **state)
{
    (void)state;
    assert_ndjson("{\"a\":1}\n{\"done\":true}",
                  "{{\"a\":1}}{{\"done\":true}}");
    assert_ndjson("{\"done\":true}\r", "{{\"done\":true}}");
    assert_ndjson("   ", "");
}

static void test_llm_ndjson__too_long_and_stopped(void **state)
{
    (void)state;
    struct seen s = { BUF_INIT, 0, 0 };
    struct llm_ndjson nd;
    struct kith_err err = KITH_ERR_INIT;
    size_t n = LLM_LINE_MAX + 2;
    char *big = malloc(n);
    assert_non_null(big);
    memset(big, 'x', n);
    big[n - 1] = '\n';

    llm_ndjson_init(&nd, on_line, &s);
    assert_int_equal(llm_ndjson_feed(&nd, big, n, &err), KITH_ETOOBIG);
    assert_contains(err.msg, "longer than 8 MiB");
    llm_ndjson_release(&nd);

    err = (struct kith_err)KITH_ERR_INIT;
    llm_ndjson_init(&nd, on_line, &s);
    assert_int_equal(llm_ndjson_feed(&nd, big, n / 2, &err), KITH_OK);
    assert_int_equal(llm_ndjson_feed(&nd, big + n / 2, n - n / 2, &err),
                     KITH_ETOOBIG);
    assert_contains(err.msg, "longer than 8 MiB");
    llm_ndjson_release(&nd);
    assert_int_equal(s.calls, 0);

    /* Exactly the cap is fine. */
    llm_ndjson_init(&nd, on_line, &s);
    assert_int_equal(llm_ndjson_feed(&nd, big + 1, n - 1, &err), KITH_OK);
    assert_int_equal(s.calls, 1);
    llm_ndjson_release(&nd);
    free(big);
    buf_release(&s.out);

    s = (struct seen){ BUF_INIT, 0, 2 };
    llm_ndjson_init(&nd, on_line, &s);
    assert_int_equal(llm_ndjson_feed(&nd, "1\n2\n3\n", 6, &err), -42);
    assert_string_equal(s.out.buf, "{1}{2}");
    llm_ndjson_release(&nd);
    buf_release(&s.out);
}

/* ---- the decoder, through a provider of this file ---- */

/* Split "a\tb\tc" into at most n fields (the last keeps any tabs). */
static size_t fields(const char *data, const char **f, size_t *lens,
                     size_t n)
{
    size_t k = 0;
    const char *p = data;
    while (k + 1 < n) {
        const char *tab = strchr(p, '\t');
        if (!tab)
            break;
        f[k] = p;
        lens[k++] = (size_t)(tab - p);
        p = tab + 1;
    }
    f[k] = p;
    lens[k++] = strlen(p);
    return k;
}

/*
 *   text: DATA                emit_text
 *   call: ID \t NAME \t ARGS  emit_call (ID "-" for NULL)
 *   frag: INDEX \t ID \t NAME \t ARGS-FRAGMENT   into the slot of INDEX
 *   done: REASON              emit_done (empty: NULL)
 *   fail: MESSAGE             emit_error
 */
static int test_decode(struct llm_decoder *d, const char *event,
                       const char *data, size_t len)
{
    const char *f[4];
    size_t lens[4];
    char id[64] = "", name[64] = "";
    if (!strcmp(event, "text") || !*event)
        return llm_emit_text(d, data, len);
    if (!strcmp(event, "call")) {
        assert_int_equal(fields(data, f, lens, 3), 3);
        snprintf(id, sizeof(id), "%.*s", (int)lens[0], f[0]);
        snprintf(name, sizeof(name), "%.*s", (int)lens[1], f[1]);
        return llm_emit_call(d, strcmp(id, "-") ? id : NULL, name, f[2],
                             lens[2]);
    }
    if (!strcmp(event, "frag")) {
        assert_int_equal(fields(data, f, lens, 4), 4);
        struct llm_call_slot *slot = llm_call_slot(d, atoll(f[0]));
        if (!slot)
            return llm_emit_error(d, KITH_EUPSTREAM, "test: too many calls");
        if (lens[1]) {
            buf_reset(&slot->id);
            buf_append(&slot->id, f[1], lens[1]);
        }
        if (lens[2]) {
            buf_reset(&slot->name);
            buf_append(&slot->name, f[2], lens[2]);
        }
        buf_append(&slot->args, f[3], lens[3]);
        return KITH_OK;
    }
    if (!strcmp(event, "done"))
        return llm_emit_done(d, len ? data : NULL);
    if (!strcmp(event, "fail"))
        return llm_emit_error(d, KITH_EUPSTREAM, "test: %s", data);
    return KITH_OK;
}

static const struct llm_provider test_sse_provider = {
    .name = "test",
    .framing = LLM_FRAMING_SSE,
    .decode = test_decode,
};

static const struct llm_provider test_ndjson_provider = {
    .name = "testnd",
    .framing = LLM_FRAMING_NDJSON,
    .decode = test_decode,
};

struct got {
    struct buf out;
    int stop_at; /* return -42 from this event on (0: never) */
    int events;
};

static int on_llm_event(void *ctx, const struct llm_event *ev)
{
    struct got *g = ctx;
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
        buf_appendf(&g->out, "CALL(%s,%s,%s)", ev->id, ev->name, args);
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
    g->events++;
    return g->stop_at && g->events >= g->stop_at ? -42 : KITH_OK;
}

/* Decode in with p, split in two at split (n: whole); the events go to
   g->out and the result of feed and finish is returned. */
static int decode(const struct llm_provider *p, const char *in, size_t split,
                  struct got *g, struct kith_err *err)
{
    struct llm_decoder d;
    size_t n = strlen(in);
    if (split > n)
        split = n;
    llm_decoder_init(&d, p, on_llm_event, g);
    int ret = llm_decoder_feed(&d, in, split, err);
    if (ret >= 0)
        ret = llm_decoder_feed(&d, in + split, n - split, err);
    if (ret >= 0)
        ret = llm_decoder_finish(&d, err);
    llm_decoder_release(&d);
    return ret;
}

/* The events of an SSE test stream, the same at every split. */
static char *decoded(const char *in, int want_ret, char *msg, size_t msgsz)
{
    size_t n = strlen(in);
    char *first = NULL;
    for (size_t split = 0; split <= n; split++) {
        struct got g = { BUF_INIT, 0, 0 };
        struct kith_err err = KITH_ERR_INIT;
        assert_int_equal(decode(&test_sse_provider, in, split, &g, &err),
                         want_ret);
        if (!first) {
            first = buf_detach(&g.out, NULL);
            if (msg)
                snprintf(msg, msgsz, "%s", err.msg);
            continue;
        }
        if (strcmp(first, g.out.buf))
            fail_msg("split at %zu: %s, whole: %s", split, g.out.buf, first);
        buf_release(&g.out);
    }
    return first;
}

static void test_llm_decoder__call_slots(void **state)
{
    (void)state;
    struct llm_decoder d;
    struct got g = { BUF_INIT, 0, 0 };
    llm_decoder_init(&d, &test_sse_provider, on_llm_event, &g);
    struct llm_call_slot *a = llm_call_slot(&d, 7);
    assert_non_null(a);
    assert_true(a->used);
    assert_int_equal(a->index, 7);
    assert_false(a->sent);
    assert_ptr_equal(llm_call_slot(&d, 7), a);
    struct llm_call_slot *b = llm_call_slot(&d, 0);
    assert_non_null(b);
    assert_ptr_not_equal(a, b);
    /* Room for LLM_MAX_CALLS calls in all, then NULL; known indices are
       still found. */
    for (int64_t i = 1; i < LLM_MAX_CALLS - 1; i++)
        assert_non_null(llm_call_slot(&d, 100 + i));
    assert_null(llm_call_slot(&d, 5000));
    assert_ptr_equal(llm_call_slot(&d, 7), a);
    assert_ptr_equal(llm_call_slot(&d, 100 + LLM_MAX_CALLS - 2),
                     &d.calls[LLM_MAX_CALLS - 1]);
    llm_decoder_release(&d);
    buf_release(&g.out);
}

static void test_llm_decoder__emit_call_args(void **state)
{
    (void)state;
    char *got = decoded("event: call\ndata: c1\tfind\t\n\n"
                        "event: call\n"
                        "data: c2\tfind\t{\"q\": \"Zo\xc3\xab\"}\n\n"
                        "event: done\ndata: tool_calls\n\n",
                        KITH_OK, NULL, 0);
    assert_string_equal(got, "CALL(c1,find,{})"
                             "CALL(c2,find,{\"q\":\"Zo\xc3\xab\"})"
                             "DONE(tool_calls)");
    free(got);
}

static void test_llm_decoder__bad_args_are_an_error(void **state)
{
    (void)state;
    char msg[KITH_ERR_MAX];
    char *got = decoded("data: before\n\n"
                        "event: call\ndata: c1\tfind_entries\t{\"q\": \n\n"
                        "data: after\n\n",
                        KITH_EUPSTREAM, msg, sizeof(msg));
    assert_string_equal(got, "TEXT(before)");
    assert_contains(msg, "test: the arguments of the model's call to "
                         "find_entries are not valid JSON");
    free(got);

    got = decoded("event: call\ndata: c1\tfind\t[1, 2]\n\n", KITH_EUPSTREAM,
                  msg, sizeof(msg));
    assert_string_equal(got, "");
    assert_contains(msg, "call to find are not a JSON object");
    free(got);

    got = decoded("event: call\ndata: c1\t\t{}\n\n", KITH_EUPSTREAM, msg,
                  sizeof(msg));
    assert_contains(msg, "called a tool without a name");
    free(got);
}

static void test_llm_decoder__missing_id_is_made_up(void **state)
{
    (void)state;
    struct got g = { BUF_INIT, 0, 0 };
    struct kith_err err = KITH_ERR_INIT;
    assert_int_equal(decode(&test_sse_provider,
                            "event: call\ndata: -\tfind\t{}\n\n"
                            "event: call\ndata: \tfind\t{}\n\n"
                            "event: done\ndata:\n\n",
                            7, &g, &err),
                     KITH_OK);
    /* CALL(<9 alnum>,find,{}) twice, different ids. */
    const char *p = g.out.buf;
    char ids[2][16];
    for (int i = 0; i < 2; i++) {
        assert_int_equal(strncmp(p, "CALL(", 5), 0);
        p += 5;
        size_t k = 0;
        while (isalnum((unsigned char)p[k]))
            k++;
        assert_int_equal(k, 9);
        snprintf(ids[i], sizeof(ids[i]), "%.9s", p);
        p += 9;
        assert_int_equal(strncmp(p, ",find,{})", 9), 0);
        p += 9;
    }
    assert_string_equal(p, "DONE(stop)");
    assert_string_not_equal(ids[0], ids[1]);
    buf_release(&g.out);

    char id[10];
    memset(id, '#', sizeof(id));
    llm_make_call_id(id);
    assert_int_equal(strlen(id), 9);
    for (size_t i = 0; i < 9; i++)
        assert_true(isalnum((unsigned char)id[i]));
}

static void test_llm_decoder__done_sends_pending_calls_by_index(void **state)
{
    (void)state;
    /* Three calls, fragments interleaved, made in the order 2, 0, 1. */
    char *got = decoded("event: frag\ndata: 2\tc\tthird\t{\"n\":\n\n"
                        "event: frag\ndata: 0\ta\tfirst\t\n\n"
                        "event: frag\ndata: 1\tb\tsecond\t{\"x\"\n\n"
                        "event: frag\ndata: 2\t\t\t 3}\n\n"
                        "event: frag\ndata: 1\t\t\t: [true]}\n\n"
                        "data: text meanwhile\n\n"
                        "event: done\ndata: tool_calls\n\n"
                        "data: ignored after the end\n\n",
                        KITH_OK, NULL, 0);
    assert_string_equal(got, "TEXT(text meanwhile)"
                             "CALL(a,first,{})"
                             "CALL(b,second,{\"x\":[true]})"
                             "CALL(c,third,{\"n\":3})"
                             "DONE(tool_calls)");
    free(got);

    /* A slot sent early is not sent again. */
    struct llm_decoder d;
    struct got g = { BUF_INIT, 0, 0 };
    struct kith_err err = KITH_ERR_INIT;
    llm_decoder_init(&d, &test_sse_provider, on_llm_event, &g);
    d.err = &err;
    struct llm_call_slot *s1 = llm_call_slot(&d, 1);
    struct llm_call_slot *s0 = llm_call_slot(&d, 0);
    buf_appends(&s1->name, "one");
    buf_appends(&s1->id, "i1");
    buf_appends(&s0->name, "zero");
    buf_appends(&s0->id, "i0");
    assert_int_equal(llm_emit_slot(&d, s1), KITH_OK);
    assert_true(s1->sent);
    assert_int_equal(llm_emit_slot(&d, s1), KITH_OK);
    assert_int_equal(llm_emit_done(&d, NULL), KITH_OK);
    assert_true(d.done);
    assert_string_equal(g.out.buf,
                        "CALL(i1,one,{})CALL(i0,zero,{})DONE(stop)");
    assert_int_equal(llm_decoder_finish(&d, &err), KITH_OK);
    llm_decoder_release(&d);
    buf_release(&g.out);
}

static void test_llm_decoder__cut_off_and_errors(void **state)
{
    (void)state;
    char msg[KITH_ERR_MAX];
    char *got = decoded("data: partial\n\n", KITH_EUPSTREAM, msg,
                        sizeof(msg));
    assert_string_equal(got, "TEXT(partial)");
    assert_string_equal(msg, "test: the stream was cut off before its end");
    free(got);

    got = decoded("data: a\n\nevent: fail\ndata: Overloaded\n\ndata: b\n\n"
                  "event: done\ndata:\n\n",
                  KITH_EUPSTREAM, msg, sizeof(msg));
    assert_string_equal(got, "TEXT(a)");
    assert_string_equal(msg, "test: Overloaded");
    free(got);

    /* A framing error says whose stream it was. */
    char in_long[400];
    snprintf(in_long, sizeof(in_long), "data: a\n\nevent: %0300d\n\n", 7);
    got = decoded(in_long, KITH_ETOOBIG, msg, sizeof(msg));
    assert_string_equal(got, "TEXT(a)");
    assert_string_equal(msg, "test: an event name of the stream is too long");
    free(got);

    /* The provider's words reach terminals: no control characters. */
    got = decoded("event: fail\ndata: \x1b[2J\x1b]0;x\x07ok\x7f\n\n",
                  KITH_EUPSTREAM, msg, sizeof(msg));
    assert_string_equal(msg, "test:  [2J ]0;x ok ");
    free(got);

    /* A failed decoder stays failed. */
    struct llm_decoder d;
    struct got g = { BUF_INIT, 0, 0 };
    struct kith_err err = KITH_ERR_INIT;
    llm_decoder_init(&d, &test_sse_provider, on_llm_event, &g);
    const char *in = "event: fail\ndata: x\n\n";
    assert_int_equal(llm_decoder_feed(&d, in, strlen(in), &err),
                     KITH_EUPSTREAM);
    assert_false(d.delivered);
    assert_int_equal(llm_decoder_feed(&d, "data: y\n\n", 9, &err),
                     KITH_EUPSTREAM);
    assert_int_equal(llm_decoder_finish(&d, &err), KITH_EUPSTREAM);
    assert_string_equal(g.out.buf, "");
    llm_decoder_release(&d);
}

static void test_llm_upstream__error_message_is_printable(void **state)
{
    (void)state;
    struct kith_err err = KITH_ERR_INIT;
    bool retry = llm_upstream_error(&llm_ollama, 400, "bad\x1b[0m",
                                    "model \x1b[31mx\x1b[0m\r\nnot found",
                                    false, &err);
    assert_false(retry);
    assert_int_equal(err.code, KITH_EUPSTREAM);
    assert_contains(err.msg, "ollama: 400 bad [0m: model  [31mx [0m  not "
                             "found");
    for (const char *c = err.msg; *c; c++)
        assert_false((unsigned char)*c < 0x20 || *c == 0x7f);
}

static void test_llm_decoder__callback_stops_it(void **state)
{
    (void)state;
    struct got g = { BUF_INIT, 2, 0 };
    struct kith_err err = KITH_ERR_INIT;
    assert_int_equal(decode(&test_sse_provider,
                            "data: 1\n\ndata: 2\n\ndata: 3\n\n"
                            "event: done\ndata:\n\n",
                            100, &g, &err),
                     -42);
    assert_string_equal(g.out.buf, "TEXT(1)TEXT(2)");
    assert_int_equal(err.code, -42);
    buf_release(&g.out);
}

static void test_llm_decoder__ndjson_framing(void **state)
{
    (void)state;
    const char *in = "line one\r\n\n line two\nlast";
    size_t n = strlen(in);
    for (size_t split = 0; split <= n; split++) {
        struct got g = { BUF_INIT, 0, 0 };
        struct kith_err err = KITH_ERR_INIT;
        assert_int_equal(decode(&test_ndjson_provider, in, split, &g, &err),
                         KITH_EUPSTREAM);
        assert_string_equal(g.out.buf,
                            "TEXT(line one)TEXT( line two)TEXT(last)");
        assert_string_equal(err.msg,
                            "testnd: the stream was cut off before its end");
        buf_release(&g.out);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_llm_sse__anthropic_stream_torn_anywhere),
        cmocka_unit_test(test_llm_sse__line_endings),
        cmocka_unit_test(test_llm_sse__crlf_torn_between_cr_and_lf),
        cmocka_unit_test(test_llm_sse__comments),
        cmocka_unit_test(test_llm_sse__data_lines),
        cmocka_unit_test(test_llm_sse__event_names),
        cmocka_unit_test(test_llm_sse__other_fields_ignored),
        cmocka_unit_test(test_llm_sse__field_without_colon),
        cmocka_unit_test(test_llm_sse__blank_lines_with_nothing_pending),
        cmocka_unit_test(test_llm_sse__finish_flushes_pending_event),
        cmocka_unit_test(test_llm_sse__line_too_long),
        cmocka_unit_test(test_llm_sse__callback_stops_feeding),
        cmocka_unit_test(test_llm_ndjson__lines_torn_anywhere),
        cmocka_unit_test(test_llm_ndjson__crlf_and_blank_lines),
        cmocka_unit_test(test_llm_ndjson__finish_flushes_last_line),
        cmocka_unit_test(test_llm_ndjson__too_long_and_stopped),
        cmocka_unit_test(test_llm_decoder__call_slots),
        cmocka_unit_test(test_llm_decoder__emit_call_args),
        cmocka_unit_test(test_llm_decoder__bad_args_are_an_error),
        cmocka_unit_test(test_llm_decoder__missing_id_is_made_up),
        cmocka_unit_test(test_llm_decoder__done_sends_pending_calls_by_index),
        cmocka_unit_test(test_llm_decoder__cut_off_and_errors),
        cmocka_unit_test(test_llm_upstream__error_message_is_printable),
        cmocka_unit_test(test_llm_decoder__callback_stops_it),
        cmocka_unit_test(test_llm_decoder__ndjson_framing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
