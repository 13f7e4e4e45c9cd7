/*
 * transport: one HTTP attempt to a model provider, over libcurl (the only
 * file that includes curl/curl.h).
 *
 * TLS is verified and the proxy environment honoured (libcurl's defaults,
 * never overridden). There is no whole-request timeout, since a stream may
 * rightly last minutes: a connect timeout, then a check (in the progress
 * callback, and between the POLL_SLICE_MS waits of curl's multi loop, so
 * also while the connection is silent) of the time to the first byte of
 * the body, of the longest silence between bytes, and of the caller's
 * cancel function, which aborts the transfer at once. The status and the
 * retry headers are taken when the headers end, so the body is routed by
 * status: a 2xx body streams to the caller (or, for a GET, is collected),
 * any other body is kept, capped, for the error message.
 */
#include "llm/llm_int.h"

#include <ctype.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <curl/curl.h>

#include "base/clock.h"

#define DEFAULT_CONNECT_MS 10000
#define DEFAULT_FIRST_BYTE_MS 120000
#define DEFAULT_IDLE_MS 60000
#define POLL_SLICE_MS 50 /* the longest wait before cancel is asked */

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static CURLcode curl_init_rc = CURLE_OK;

static void init_curl(void)
{
    curl_init_rc = curl_global_init(CURL_GLOBAL_DEFAULT);
}

void llm_http_result_init(struct llm_http_result *r)
{
    r->status = 0;
    buf_init(&r->body, 0);
    r->retry_after_ms = -1;
    r->should_retry = -1;
}

void llm_http_result_release(struct llm_http_result *r)
{
    buf_release(&r->body);
    llm_http_result_init(r);
}

/* What one transfer keeps while it runs. */
struct xfer {
    CURL *curl;
    const struct llm_call_opts *o;
    llm_data_fn *on_data;
    void *ctx;
    bool is_get;
    struct llm_http_result *r;
    int64_t start_ms, last_byte_ms;
    int64_t first_byte_ms_max, idle_ms_max;
    bool got_byte;   /* some byte of the body arrived */
    bool headers_done;
    int64_t retry_after_ms, retry_after; /* the two headers, in ms; -1 */
    int stop;        /* why the transfer was stopped: a kith_rc or 0 */
    bool stalled;    /* the idle (not the first byte) timeout fired */
};

static bool is_2xx(int status)
{
    return status >= 200 && status < 300;
}

/* The value of header line "Name: value" when its name is name. */
static bool header_value(const char *line, size_t n, const char *name,
                         char *out, size_t out_size)
{
    size_t nl = strlen(name);
    if (n <= nl || line[nl] != ':' || strncasecmp(line, name, nl))
        return false;
    const char *v = line + nl + 1, *end = line + n;
    while (v < end && (*v == ' ' || *v == '\t'))
        v++;
    while (end > v && isspace((unsigned char)end[-1]))
        end--;
    size_t len = (size_t)(end - v);
    if (len >= out_size)
        len = out_size - 1;
    memcpy(out, v, len);
    out[len] = '\0';
    return true;
}

static void headers_end(struct xfer *x)
{
    long code = 0;
    curl_easy_getinfo(x->curl, CURLINFO_RESPONSE_CODE, &code);
    if (code >= 100 && code < 200) /* 100 Continue: another head follows */
        return;
    x->headers_done = true;
    x->r->status = (int)code;
    x->r->retry_after_ms = x->retry_after_ms >= 0 ? x->retry_after_ms
                                                  : x->retry_after;
}

static size_t on_header(char *p, size_t size, size_t n, void *ud)
{
    struct xfer *x = ud;
    size_t len = size * n;
    char val[128];
    x->last_byte_ms = clock_ms(); /* the first-byte clock runs on: a
                                     server may send its headers at once
                                     and think for a long time */
    if (len >= 5 && !strncmp(p, "HTTP/", 5)) { /* a new head begins */
        x->headers_done = false;
        x->retry_after_ms = x->retry_after = -1;
        x->r->should_retry = -1;
    } else if (len <= 2 && (p[0] == '\r' || p[0] == '\n')) {
        headers_end(x);
    } else if (header_value(p, len, "retry-after-ms", val, sizeof(val))) {
        char *end;
        double ms = strtod(val, &end);
        if (end != val && !*end && ms >= 0 && ms < 1e12)
            x->retry_after_ms = (int64_t)ms;
    } else if (header_value(p, len, "retry-after", val, sizeof(val))) {
        x->retry_after = llm_parse_retry_after(val, (int64_t)time(NULL));
    } else if (header_value(p, len, "x-should-retry", val, sizeof(val))) {
        x->r->should_retry = !strcasecmp(val, "true")    ? 1
                             : !strcasecmp(val, "false") ? 0
                                                         : -1;
    }
    return len;
}

static size_t on_body(char *p, size_t size, size_t n, void *ud)
{
    struct xfer *x = ud;
    size_t len = size * n;
    x->got_byte = true;
    x->last_byte_ms = clock_ms();
    if (!x->headers_done)
        headers_end(x);
    if (!is_2xx(x->r->status)) { /* an error body: keep its start */
        size_t room = LLM_ERROR_BODY_MAX > x->r->body.len
                          ? LLM_ERROR_BODY_MAX - x->r->body.len
                          : 0;
        buf_append(&x->r->body, p, len < room ? len : room);
        return len;
    }
    if (x->is_get) {
        if (x->r->body.len + len > LLM_GET_BODY_MAX) {
            x->stop = KITH_ETOOBIG;
            return 0;
        }
        buf_append(&x->r->body, p, len);
        return len;
    }
    int ret = x->on_data ? x->on_data(x->ctx, p, len) : KITH_OK;
    if (ret < 0) {
        x->stop = ret;
        return 0;
    }
    return len;
}

/* Whether to stop now (cancelled, or a timeout): x->stop says why. */
static bool must_stop(struct xfer *x)
{
    if (x->o && x->o->cancel && x->o->cancel(x->o->cancel_ctx)) {
        x->stop = KITH_ECANCELED;
        return true;
    }
    int64_t now = clock_ms();
    if (!x->got_byte && now - x->start_ms > x->first_byte_ms_max) {
        x->stop = KITH_ETIMEOUT;
        return true;
    }
    if (x->got_byte && now - x->last_byte_ms > x->idle_ms_max) {
        x->stop = KITH_ETIMEOUT;
        x->stalled = true;
        return true;
    }
    return false;
}

static int on_progress(void *ud, curl_off_t dltotal, curl_off_t dlnow,
                       curl_off_t ultotal, curl_off_t ulnow)
{
    (void)dltotal, (void)dlnow, (void)ultotal, (void)ulnow;
    return must_stop(ud) ? 1 : 0;
}

/*
 * Run the transfer. The multi interface waits at most POLL_SLICE_MS at a
 * time, so a cancel or a timeout is noticed within that even when the
 * connection is silent (the progress callback alone may wait a second).
 */
static CURLcode perform(struct xfer *x)
{
    CURLM *m = curl_multi_init();
    CURLcode cc = CURLE_OK;
    if (!m || curl_multi_add_handle(m, x->curl) != CURLM_OK) {
        if (m)
            curl_multi_cleanup(m);
        return CURLE_OUT_OF_MEMORY;
    }
    int running = 1;
    CURLMcode mc = CURLM_OK;
    while (running && mc == CURLM_OK) {
        mc = curl_multi_perform(m, &running);
        if (running && mc == CURLM_OK)
            mc = curl_multi_poll(m, NULL, 0, POLL_SLICE_MS, NULL);
        if (running && mc == CURLM_OK && must_stop(x)) {
            cc = CURLE_ABORTED_BY_CALLBACK;
            break;
        }
    }
    if (mc != CURLM_OK) {
        cc = CURLE_RECV_ERROR;
    } else if (!running) {
        CURLMsg *msg;
        int left;
        while ((msg = curl_multi_info_read(m, &left)))
            if (msg->msg == CURLMSG_DONE)
                cc = msg->data.result;
    }
    curl_multi_remove_handle(m, x->curl);
    curl_multi_cleanup(m);
    return cc;
}

/* Append s to *list; false (and the list freed) when that failed. */
static bool add_header(struct curl_slist **list, const char *s)
{
    struct curl_slist *next = curl_slist_append(*list, s);
    if (!next) {
        curl_slist_free_all(*list);
        *list = NULL;
        return false;
    }
    *list = next;
    return true;
}

/* "Name: value\n" lines -> a curl list; NULL on allocation failure. */
static struct curl_slist *header_list(const char *headers, bool post)
{
    struct curl_slist *list = NULL;
    struct buf line = BUF_INIT;
    /* No "Expect: 100-continue" round trip before a large body. */
    bool ok = add_header(&list, "Expect:") &&
              (!post || add_header(&list, "Content-Type: application/json"));
    for (const char *p = headers ? headers : ""; ok && *p;) {
        const char *end = strchr(p, '\n');
        size_t n = end ? (size_t)(end - p) : strlen(p);
        buf_reset(&line);
        buf_append(&line, p, n);
        if (line.len && line.buf[line.len - 1] == '\r')
            buf_truncate(&line, line.len - 1);
        if (line.len)
            ok = add_header(&list, line.buf);
        p += n + (end != NULL);
    }
    buf_release(&line);
    return list;
}

static int64_t or_default(int64_t v, int64_t dflt)
{
    return v > 0 ? v : dflt;
}

/* The result of a finished curl_easy_perform as a kith_rc with err. */
static int transfer_result(struct xfer *x, CURLcode cc, const char *url,
                           const char *curl_msg, struct kith_err *err)
{
    if (cc == CURLE_OK)
        return KITH_OK;
    if (x->stop == KITH_ECANCELED)
        return kith_errf(err, KITH_ECANCELED, "the request to %s was "
                         "cancelled", url);
    if (x->stop == KITH_ETIMEOUT && x->stalled)
        return kith_errf(err, KITH_ETIMEOUT, "the answer stalled: no data "
                         "for %g s", (double)x->idle_ms_max / 1000.0);
    if (x->stop == KITH_ETIMEOUT)
        return kith_errf(err, KITH_ETIMEOUT, "no answer within %g s",
                         (double)x->first_byte_ms_max / 1000.0);
    if (x->stop == KITH_ETOOBIG)
        return kith_errf(err, KITH_ETOOBIG, "the answer from %s is larger "
                         "than %d MiB", url, LLM_GET_BODY_MAX >> 20);
    if (x->stop < 0) /* on_data stopped the transfer; err says why */
        return x->stop;
    if (cc == CURLE_OPERATION_TIMEDOUT) {
        int64_t ms = or_default(x->o ? x->o->connect_timeout_ms : 0,
                                DEFAULT_CONNECT_MS);
        return kith_errf(err, KITH_ETIMEOUT, "could not connect within "
                         "%g s", (double)ms / 1000.0);
    }
    return kith_errf(err, KITH_EIO, "%s",
                     curl_msg[0] ? curl_msg : curl_easy_strerror(cc));
}

/* Set the options of one attempt on x->curl; false when one failed. */
static bool set_options(struct xfer *x, const char *url,
                        struct curl_slist *hdrs, const char *body,
                        size_t len, char *errbuf)
{
    CURL *c = x->curl;
    int64_t connect_ms = or_default(x->o ? x->o->connect_timeout_ms : 0,
                                    DEFAULT_CONNECT_MS);
    CURLcode cc = CURLE_OK;
#define SET(opt, val) \
    if (cc == CURLE_OK) \
        cc = curl_easy_setopt(c, opt, val)
    SET(CURLOPT_URL, url);
    SET(CURLOPT_HTTPHEADER, hdrs);
    SET(CURLOPT_USERAGENT, "kith");
    SET(CURLOPT_NOSIGNAL, 1L);
    SET(CURLOPT_TCP_KEEPALIVE, 1L);
    SET(CURLOPT_CONNECTTIMEOUT_MS, (long)connect_ms);
    SET(CURLOPT_ERRORBUFFER, errbuf);
    SET(CURLOPT_HEADERFUNCTION, on_header);
    SET(CURLOPT_HEADERDATA, x);
    SET(CURLOPT_WRITEFUNCTION, on_body);
    SET(CURLOPT_WRITEDATA, x);
    SET(CURLOPT_NOPROGRESS, 0L);
    SET(CURLOPT_XFERINFOFUNCTION, on_progress);
    SET(CURLOPT_XFERINFODATA, x);
    if (body) {
        SET(CURLOPT_POST, 1L);
        SET(CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
        SET(CURLOPT_POSTFIELDS, body);
    } else {
        SET(CURLOPT_HTTPGET, 1L);
    }
#undef SET
    return cc == CURLE_OK;
}

int llm_http(const char *url, const char *headers, const char *body,
             size_t len, llm_data_fn *on_data, void *ctx,
             const struct llm_call_opts *o, struct llm_http_result *r,
             struct kith_err *err)
{
    char errbuf[CURL_ERROR_SIZE] = "";
    struct curl_slist *hdrs = NULL;
    struct xfer x = {
        .o = o, .on_data = on_data, .ctx = ctx, .is_get = body == NULL,
        .r = r, .retry_after_ms = -1, .retry_after = -1,
    };
    int ret = KITH_OK;
    pthread_once(&curl_once, init_curl);
    if (curl_init_rc != CURLE_OK)
        return kith_errf(err, KITH_EIO, "cannot start libcurl: %s",
                         curl_easy_strerror(curl_init_rc));
    r->status = 0;
    buf_reset(&r->body);
    r->retry_after_ms = -1;
    r->should_retry = -1;
    x.first_byte_ms_max = or_default(o ? o->first_byte_timeout_ms : 0,
                                     DEFAULT_FIRST_BYTE_MS);
    x.idle_ms_max = or_default(o ? o->idle_timeout_ms : 0, DEFAULT_IDLE_MS);
    if (!(x.curl = curl_easy_init()) ||
        !(hdrs = header_list(headers, body != NULL))) {
        ret = kith_errf(err, KITH_EIO, "cannot set up a request to %s", url);
        goto out;
    }
    if (!set_options(&x, url, hdrs, body, len, errbuf)) {
        ret = kith_errf(err, KITH_EIO, "cannot set up a request to %s "
                        "(libcurl refused an option)", url);
        goto out;
    }
    x.start_ms = x.last_byte_ms = clock_ms();
    CURLcode cc = perform(&x);
    if (!x.headers_done && cc == CURLE_OK)
        headers_end(&x); /* an answer with headers only */
    ret = transfer_result(&x, cc, url, errbuf, err);
out:
    curl_slist_free_all(hdrs);
    if (x.curl)
        curl_easy_cleanup(x.curl);
    return ret;
}
