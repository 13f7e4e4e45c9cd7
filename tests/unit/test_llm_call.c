/*
 * test_llm_call: llm_chat and llm_models (src/llm/call.c) over the real
 * transport (src/llm/transport.c) against a tiny scripted HTTP server in
 * a thread: events reach the caller, retries happen only when they may
 * (and never after output), an error after output also arrives as
 * LLM_EV_ERROR, the caller can stop or cancel a stream at once, and
 * timeouts and unreachable servers give clear messages.
 */
#include "unit.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/clock.h"
#include "llm/llm_int.h"

/* ---- a scripted HTTP server ---- */

/* One answer: raw bytes (head and body); then, with stall_ms, the
   connection stays open that long (or until the client leaves). */
struct canned {
    const char *raw;
    int stall_ms;
};

struct server {
    int fd;
    int port;
    pthread_t thread;
    const struct canned *script;
    size_t n;            /* answers in script; the last one repeats */
    atomic_int requests; /* requests answered */
    atomic_bool stop;
    char last_request[8192];
};

/* Read one request (head and Content-Length body) into s->last_request. */
static void read_request(struct server *s, int c)
{
    size_t got = 0, want = 0;
    char *req = s->last_request;
    for (;;) {
        ssize_t n = read(c, req + got, sizeof(s->last_request) - 1 - got);
        if (n <= 0)
            break;
        got += (size_t)n;
        req[got] = '\0';
        char *end = strstr(req, "\r\n\r\n");
        if (!end)
            continue;
        if (!want) {
            const char *cl = strcasestr(req, "content-length:");
            want = (size_t)(end + 4 - req) + (cl ? strtoul(cl + 15, NULL, 10)
                                                 : 0);
        }
        if (got >= want || got >= sizeof(s->last_request) - 1)
            break;
    }
}

/* Keep c open for up to ms, or until the client closes it. */
static void stall(int c, int ms)
{
    int64_t until = clock_ms() + ms;
    char b[256];
    while (clock_ms() < until) {
        struct pollfd p = { .fd = c, .events = POLLIN };
        if (poll(&p, 1, 20) > 0 && read(c, b, sizeof(b)) <= 0)
            return;
    }
}

static void *serve(void *arg)
{
    struct server *s = arg;
    while (!atomic_load(&s->stop)) {
        struct pollfd p = { .fd = s->fd, .events = POLLIN };
        if (poll(&p, 1, 20) <= 0)
            continue;
        int c = accept(s->fd, NULL, NULL);
        if (c < 0)
            continue;
        read_request(s, c);
        int i = atomic_fetch_add(&s->requests, 1);
        const struct canned *a = &s->script[(size_t)i < s->n ? (size_t)i
                                                              : s->n - 1];
        ssize_t w = write(c, a->raw, strlen(a->raw));
        (void)w;
        if (a->stall_ms)
            stall(c, a->stall_ms);
        close(c);
    }
    return NULL;
}

static void server_start(struct server *s, const struct canned *script,
                         size_t n)
{
    memset(s, 0, sizeof(*s));
    s->script = script;
    s->n = n;
    s->fd = socket(AF_INET, SOCK_STREAM, 0);
    assert_true(s->fd >= 0);
    struct sockaddr_in a = { .sin_family = AF_INET };
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof(a);
    assert_int_equal(bind(s->fd, (struct sockaddr *)&a, sizeof(a)), 0);
    assert_int_equal(listen(s->fd, 8), 0);
    assert_int_equal(getsockname(s->fd, (struct sockaddr *)&a, &len), 0);
    s->port = ntohs(a.sin_port);
    assert_int_equal(pthread_create(&s->thread, NULL, serve, s), 0);
}

static void server_stop(struct server *s)
{
    atomic_store(&s->stop, true);
    pthread_join(s->thread, NULL);
    close(s->fd);
}

/* ---- a caller ---- */

struct events {
    struct buf text;
    int n_text, n_done, n_error, n_usage;
    char error[KITH_ERR_MAX];
    int stop_at_text;   /* return KITH_EINVAL at this TEXT event (1-based) */
    int cancel_at_text; /* ask to cancel after this TEXT event */
    atomic_bool cancel;
};

static int on_event(void *ctx, const struct llm_event *ev)
{
    struct events *e = ctx;
    switch (ev->type) {
    case LLM_EV_TEXT:
        buf_append(&e->text, ev->text, ev->len);
        e->n_text++;
        if (e->cancel_at_text && e->n_text >= e->cancel_at_text)
            e->cancel = true;
        if (e->stop_at_text && e->n_text == e->stop_at_text)
            return KITH_EINVAL;
        break;
    case LLM_EV_DONE: e->n_done++; break;
    case LLM_EV_USAGE: e->n_usage++; break;
    case LLM_EV_ERROR:
        e->n_error++;
        snprintf(e->error, sizeof(e->error), "%s", ev->message);
        break;
    case LLM_EV_TOOL_CALL: break;
    }
    return KITH_OK;
}

static bool should_cancel(void *ctx)
{
    return ((struct events *)ctx)->cancel;
}

#define SSE_HEAD                                                           \
    "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n"               \
    "Connection: close\r\n\r\n"
#define CHUNK(json) "data: {\"choices\":[{\"index\":0,\"delta\":" json "}]}\n\n"
#define TEXT_STREAM                                                        \
    SSE_HEAD CHUNK("{\"content\":\"Hi \"}") CHUNK("{\"content\":\"Zo\xc3\xabl\"}") \
    "data: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":"      \
    "\"stop\"}]}\n\n"                                                       \
    "data: {\"choices\":[],\"usage\":{\"prompt_tokens\":3,"                 \
    "\"completion_tokens\":2}}\n\ndata: [DONE]\n\n"
#define ERROR_503                                                          \
    "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\n" \
    "Connection: close\r\nContent-Length: 62\r\n\r\n"                      \
    "{\"error\":{\"message\":\"overloaded, try later\",\"type\":\"x\"}}      "

/* Run llm_chat against the server with the openai wire. */
static int chat(struct server *s, struct events *e, struct llm_call_opts *o,
                struct kith_err *err)
{
    char base[64];
    snprintf(base, sizeof(base), "http://127.0.0.1:%d/v1", s->port);
    struct llm_target t = {
        .provider = (char *)(uintptr_t) "openai", .wire = LLM_OPENAI,
        .model = (char *)(uintptr_t) "m", .base_url = base,
        .api_key = (char *)(uintptr_t) "k",
    };
    struct jv *msgs = unit_json("[{\"role\": \"user\", \"content\": \"hi\"}]");
    struct llm_request rq = { .system = "be brief", .messages = msgs };
    o->cancel = should_cancel;
    o->cancel_ctx = e;
    int ret = llm_chat(&t, &rq, on_event, e, o, err);
    jv_free(msgs);
    return ret;
}

static void events_init(struct events *e)
{
    memset(e, 0, sizeof(*e));
    buf_init(&e->text, 0);
}

/* ---- cases ---- */

static void test_llm_call__streams_text_and_sends_the_request(void **state)
{
    (void)state;
    static const struct canned script[] = { { TEXT_STREAM, 0 } };
    struct server s;
    struct events e;
    struct llm_call_opts o = { 0 };
    struct kith_err err = KITH_ERR_INIT;
    server_start(&s, script, 1);
    events_init(&e);
    assert_int_equal(chat(&s, &e, &o, &err), KITH_OK);
    assert_string_equal(e.text.buf, "Hi Zo\xc3\xabl");
    assert_int_equal(e.n_done, 1);
    assert_int_equal(e.n_error, 0);
    assert_int_equal(atomic_load(&s.requests), 1);
    assert_contains(s.last_request, "POST /v1/chat/completions HTTP/1.1");
    assert_contains(s.last_request, "Content-Type: application/json");
    assert_contains(s.last_request, "User-Agent: kith");
    assert_contains(s.last_request, "Authorization: Bearer k");
    assert_contains(s.last_request, "\"stream\":true");
    server_stop(&s);
    buf_release(&e.text);
}

static void test_llm_call__retries_a_503_then_succeeds(void **state)
{
    (void)state;
    static const struct canned script[] = { { ERROR_503, 0 },
                                            { TEXT_STREAM, 0 } };
    struct server s;
    struct events e;
    struct llm_call_opts o = { 0 };
    struct kith_err err = KITH_ERR_INIT;
    server_start(&s, script, 2);
    events_init(&e);
    assert_int_equal(chat(&s, &e, &o, &err), KITH_OK);
    assert_int_equal(atomic_load(&s.requests), 2);
    assert_string_equal(e.text.buf, "Hi Zo\xc3\xabl");
    server_stop(&s);
    buf_release(&e.text);
}

static void test_llm_call__gives_up_after_max_attempts(void **state)
{
    (void)state;
    static const struct canned script[] = { { ERROR_503, 0 } };
    struct server s;
    struct events e;
    struct llm_call_opts o = { .max_attempts = 2 };
    struct kith_err err = KITH_ERR_INIT;
    server_start(&s, script, 1);
    events_init(&e);
    assert_int_equal(chat(&s, &e, &o, &err), KITH_EUPSTREAM);
    assert_int_equal(atomic_load(&s.requests), 2);
    assert_contains(err.msg, "openai: 503");
    assert_contains(err.msg, "overloaded, try later");
    assert_contains(err.msg, "(after retries)");
    assert_int_equal(e.n_error, 0); /* nothing was streamed: no event */
    server_stop(&s);
    buf_release(&e.text);
}

static void test_llm_call__x_should_retry_false_is_obeyed(void **state)
{
    (void)state;
    static const struct canned script[] = {
        { "HTTP/1.1 429 Too Many Requests\r\nx-should-retry: false\r\n"
          "Connection: close\r\nContent-Length: 2\r\n\r\n{}", 0 },
        { TEXT_STREAM, 0 },
    };
    struct server s;
    struct events e;
    struct llm_call_opts o = { 0 };
    struct kith_err err = KITH_ERR_INIT;
    server_start(&s, script, 2);
    events_init(&e);
    assert_true(chat(&s, &e, &o, &err) < 0);
    assert_int_equal(atomic_load(&s.requests), 1);
    assert_contains(err.msg, "429");
    server_stop(&s);
    buf_release(&e.text);
}

static void test_llm_call__error_after_output_is_an_event_too(void **state)
{
    (void)state;
    static const struct canned script[] = {
        { SSE_HEAD CHUNK("{\"content\":\"Hi\"}")
          "data: {\"error\":{\"message\":\"model crashed\",\"type\":"
          "\"server_error\"}}\n\n", 0 },
        { TEXT_STREAM, 0 },
    };
    struct server s;
    struct events e;
    struct llm_call_opts o = { 0 };
    struct kith_err err = KITH_ERR_INIT;
    server_start(&s, script, 2);
    events_init(&e);
    assert_int_equal(chat(&s, &e, &o, &err), KITH_EUPSTREAM);
    assert_int_equal(atomic_load(&s.requests), 1); /* never after output */
    assert_string_equal(e.text.buf, "Hi");
    assert_int_equal(e.n_error, 1);
    assert_contains(e.error, "model crashed");
    assert_contains(err.msg, "model crashed");
    server_stop(&s);
    buf_release(&e.text);
}

static void test_llm_call__a_cut_stream_fails(void **state)
{
    (void)state;
    static const struct canned script[] = {
        { SSE_HEAD CHUNK("{\"content\":\"Hi\"}"), 0 },
    };
    struct server s;
    struct events e;
    struct llm_call_opts o = { 0 };
    struct kith_err err = KITH_ERR_INIT;
    server_start(&s, script, 1);
    events_init(&e);
    assert_int_equal(chat(&s, &e, &o, &err), KITH_EUPSTREAM);
    assert_contains(err.msg, "cut off");
    assert_int_equal(e.n_error, 1);
    assert_int_equal(atomic_load(&s.requests), 1);
    server_stop(&s);
    buf_release(&e.text);
}

static void test_llm_call__the_caller_can_stop_the_stream(void **state)
{
    (void)state;
    static const struct canned script[] = { { TEXT_STREAM, 0 } };
    struct server s;
    struct events e;
    struct llm_call_opts o = { 0 };
    struct kith_err err = KITH_ERR_INIT;
    server_start(&s, script, 1);
    events_init(&e);
    e.stop_at_text = 1;
    assert_int_equal(chat(&s, &e, &o, &err), KITH_EINVAL);
    assert_int_equal(e.n_text, 1);
    assert_int_equal(e.n_done, 0);
    assert_int_equal(e.n_error, 0); /* the caller knows why it stopped */
    assert_int_equal(atomic_load(&s.requests), 1);
    server_stop(&s);
    buf_release(&e.text);
}

static void test_llm_call__cancel_stops_a_silent_stream_at_once(void **state)
{
    (void)state;
    static const struct canned script[] = {
        { SSE_HEAD CHUNK("{\"content\":\"Hi\"}"), 10000 },
    };
    struct server s;
    struct events e;
    struct llm_call_opts o = { 0 };
    struct kith_err err = KITH_ERR_INIT;
    server_start(&s, script, 1);
    events_init(&e);
    e.cancel_at_text = 1;
    int64_t start = clock_ms();
    assert_int_equal(chat(&s, &e, &o, &err), KITH_ECANCELED);
    assert_true(clock_ms() - start < 2000);
    assert_int_equal(e.n_error, 0);
    server_stop(&s);
    buf_release(&e.text);
}

/* Sets e->cancel 300 ms after it starts, as another thread would. */
static void *cancel_later(void *arg)
{
    struct timespec ts = { 0, 300 * 1000000L };
    nanosleep(&ts, NULL);
    ((struct events *)arg)->cancel = true;
    return NULL;
}

static void test_llm_call__cancel_from_another_thread_is_prompt(void **state)
{
    (void)state;
    static const struct canned script[] = { { SSE_HEAD, 10000 } };
    struct server s;
    struct events e;
    struct llm_call_opts o = { 0 };
    struct kith_err err = KITH_ERR_INIT;
    pthread_t th;
    server_start(&s, script, 1);
    events_init(&e);
    int64_t start = clock_ms();
    assert_int_equal(pthread_create(&th, NULL, cancel_later, &e), 0);
    assert_int_equal(chat(&s, &e, &o, &err), KITH_ECANCELED);
    int64_t took = clock_ms() - start;
    pthread_join(th, NULL);
    if (took > 900) /* without the multi loop: about 1300 */
        fail_msg("cancelled after %lld ms, want about 300", (long long)took);
    server_stop(&s);
    buf_release(&e.text);
}

static void test_llm_call__idle_and_first_byte_timeouts(void **state)
{
    (void)state;
    static const struct canned stalls[] = {
        { SSE_HEAD CHUNK("{\"content\":\"Hi\"}"), 5000 },
    };
    static const struct canned silent[] = { { SSE_HEAD, 5000 } };
    struct server s;
    struct events e;
    struct llm_call_opts o = { .idle_timeout_ms = 300 };
    struct kith_err err = KITH_ERR_INIT;
    server_start(&s, stalls, 1);
    events_init(&e);
    int64_t start = clock_ms();
    assert_int_equal(chat(&s, &e, &o, &err), KITH_ETIMEOUT);
    assert_true(clock_ms() - start < 2500);
    assert_contains(err.msg, "openai: the answer stalled: no data for 0.3 s");
    assert_int_equal(atomic_load(&s.requests), 1);
    server_stop(&s);
    buf_release(&e.text);

    struct llm_call_opts o2 = { .first_byte_timeout_ms = 200,
                                .max_attempts = 2 };
    server_start(&s, silent, 1);
    events_init(&e);
    assert_int_equal(chat(&s, &e, &o2, &err), KITH_ETIMEOUT);
    assert_contains(err.msg, "no answer within 0.2 s");
    assert_int_equal(atomic_load(&s.requests), 2); /* retried */
    server_stop(&s);
    buf_release(&e.text);
}

static void test_llm_call__unreachable_server(void **state)
{
    (void)state;
    struct server s;
    static const struct canned script[] = { { TEXT_STREAM, 0 } };
    server_start(&s, script, 1);
    server_stop(&s); /* the port is now closed */
    struct events e;
    struct llm_call_opts o = { .max_attempts = 1 };
    struct kith_err err = KITH_ERR_INIT;
    events_init(&e);
    assert_int_equal(chat(&s, &e, &o, &err), KITH_EIO);
    assert_contains(err.msg, "openai: cannot reach http://127.0.0.1:");
    assert_contains(err.msg, "is the server running? "
                             "(providers.openai.base_url)");
    buf_release(&e.text);
}

static void test_llm_call__models(void **state)
{
    (void)state;
    static const struct canned script[] = {
        { "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
          "Connection: close\r\n\r\n"
          "{\"object\":\"list\",\"data\":[{\"id\":\"b\"},{\"id\":\"a\"}]}", 0 },
    };
    struct server s;
    server_start(&s, script, 1);
    char base[64];
    snprintf(base, sizeof(base), "http://127.0.0.1:%d/v1", s.port);
    struct llm_target t = {
        .provider = (char *)(uintptr_t) "openai", .wire = LLM_OPENAI,
        .model = (char *)(uintptr_t) "", .base_url = base,
    };
    struct jv *models = NULL;
    struct kith_err err = KITH_ERR_INIT;
    assert_int_equal(llm_models(&t, NULL, &models, &err), KITH_OK);
    assert_int_equal(jv_len(models), 2);
    assert_string_equal(jv_str(jv_get(jv_at(models, 0), "id")), "a");
    assert_contains(s.last_request, "GET /v1/models HTTP/1.1");
    jv_free(models);
    server_stop(&s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_llm_call__streams_text_and_sends_the_request),
        cmocka_unit_test(test_llm_call__retries_a_503_then_succeeds),
        cmocka_unit_test(test_llm_call__gives_up_after_max_attempts),
        cmocka_unit_test(test_llm_call__x_should_retry_false_is_obeyed),
        cmocka_unit_test(test_llm_call__error_after_output_is_an_event_too),
        cmocka_unit_test(test_llm_call__a_cut_stream_fails),
        cmocka_unit_test(test_llm_call__the_caller_can_stop_the_stream),
        cmocka_unit_test(test_llm_call__cancel_stops_a_silent_stream_at_once),
        cmocka_unit_test(test_llm_call__cancel_from_another_thread_is_prompt),
        cmocka_unit_test(test_llm_call__idle_and_first_byte_timeouts),
        cmocka_unit_test(test_llm_call__unreachable_server),
        cmocka_unit_test(test_llm_call__models),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
