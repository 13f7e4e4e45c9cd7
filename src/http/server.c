/*
 * server: libmicrohttpd glue (with task.c, the only users of microhttpd.h).
 *
 * A request is routed as soon as its headers are in (begin): a wrong
 * token, route, URL length or announced size is answered before any body
 * is read. An ordinary route's body is gathered into a buffer capped at
 * HTTP_BODY_MAX (past it the rest is dropped and the answer is 413), then
 * its handler answers with JSON; a streaming route's body goes to its task
 * (task.c) as it arrives. Worker threads open their struct crm lazily;
 * all of them are closed by http_stop once the workers have stopped.
 * The log line is written when the connection is done with the request.
 */
#include "http/http_int.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <microhttpd.h>

#include "base/clock.h"
#include "base/xalloc.h"

#define HTTP_MAX_CRMS 256

struct http_server {
    struct MHD_Daemon *mhd;
    struct http_opts opts;
    bool loopback;
    int listen_fd;
};

/* Every worker's struct crm, closed at shutdown. */
static pthread_mutex_t crms_lock = PTHREAD_MUTEX_INITIALIZER;
static struct crm *crms[HTTP_MAX_CRMS];
static size_t ncrms;
static _Thread_local struct crm *thread_crm;

int http_crm(const struct http_req *rq, struct crm **out,
             struct kith_err *err)
{
    if (rq->task) {
        int ret = http_task_crm(rq->task, out, err);
        return ret < 0 ? ret : crm_refresh(*out, err);
    }
    if (!thread_crm) {
        struct crm *crm;
        int ret = crm_open(rq->opts->workspace, &crm, err);
        if (ret < 0)
            return ret;
        pthread_mutex_lock(&crms_lock);
        if (ncrms == HTTP_MAX_CRMS) {
            pthread_mutex_unlock(&crms_lock);
            crm_close(crm);
            return kith_errf(err, KITH_EIO, "too many worker threads");
        }
        crms[ncrms++] = crm;
        pthread_mutex_unlock(&crms_lock);
        thread_crm = crm;
    }
    *out = thread_crm;
    return crm_refresh(thread_crm, err); /* another worker may have
                                            changed the schema */
}

static void close_crms(void)
{
    pthread_mutex_lock(&crms_lock);
    for (size_t i = 0; i < ncrms; i++)
        crm_close(crms[i]);
    ncrms = 0;
    pthread_mutex_unlock(&crms_lock);
}

/* One request in progress. */
struct conn_state {
    struct http_req rq;
    struct http_resp rs;
    const struct http_route *route;
    struct http_task *task; /* a streaming route's */
    struct buf body;        /* an ordinary route's body */
    bool too_big;
    bool queued;   /* the answer is queued: the rest of the body is dropped */
    int status;    /* for the log */
    size_t url_len;
    char *log_path;
    int64_t start_ms;
};

static enum MHD_Result add_query(void *cls, enum MHD_ValueKind kind,
                                 const char *key, const char *value)
{
    struct conn_state *st = cls;
    (void)kind;
    if (!key)
        return MHD_YES;
    st->url_len += strlen(key) + 2 + (value ? strlen(value) : 0);
    if (!jv_get(st->rq.query, key))
        jv_set_take(st->rq.query, key, jv_string(value ? value : ""));
    return MHD_YES;
}

static void add_headers(struct MHD_Response *r, const struct http_resp *rs)
{
    MHD_add_response_header(r, "Content-Type",
                            rs->content_type[0] ? rs->content_type
                                                : "application/json");
    MHD_add_response_header(r, "Content-Security-Policy",
                            "default-src 'self'; script-src 'self'; "
                            "object-src 'none'; base-uri 'none'; "
                            "frame-ancestors 'none'");
    MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
    MHD_add_response_header(r, "Cache-Control", rs->cache_control[0]
                                                    ? rs->cache_control
                                                    : "no-store");
    if (rs->allow[0])
        MHD_add_response_header(r, "Allow", rs->allow);
    if (rs->set_cookie[0])
        MHD_add_response_header(r, "Set-Cookie", rs->set_cookie);
    if (rs->disposition[0])
        MHD_add_response_header(r, "Content-Disposition", rs->disposition);
}

/* One log line: method, path (control bytes as '?'), status, ms. */
static void log_request(const char *method, const char *path, int status,
                        int64_t ms)
{
    struct buf line = BUF_INIT;
    buf_appendf(&line, "%s ", method);
    for (const char *p = path; *p && line.len < 512; p++)
        buf_appendc(&line, (unsigned char)*p < 0x20 || *p == 0x7f ? '?' : *p);
    buf_appendf(&line, " %d %lld ms\n", status, (long long)ms);
    fputs(line.buf, stderr);
    buf_release(&line);
}

/* Queue rs (a whole answer) on conn. */
static enum MHD_Result queue(struct MHD_Connection *conn,
                             struct conn_state *st,
                             const struct http_resp *rs)
{
    st->queued = true;
    st->status = rs->status;
    struct MHD_Response *r = MHD_create_response_from_buffer(
        rs->body.len, rs->body.buf, MHD_RESPMEM_MUST_COPY);
    if (!r)
        return MHD_NO;
    add_headers(r, rs);
    enum MHD_Result ret = MHD_queue_response(conn, (unsigned)rs->status, r);
    MHD_destroy_response(r);
    return ret;
}

/* Queue a streaming route's answer: whole, or read from the task. */
static enum MHD_Result queue_task(struct MHD_Connection *conn,
                                  struct conn_state *st)
{
    bool stream;
    const struct http_resp *rs = http_task_resp(st->task, &stream);
    if (!stream)
        return queue(conn, st, rs);
    st->queued = true;
    st->status = rs->status;
    struct MHD_Response *r = http_task_stream_response(st->task);
    if (!r)
        return MHD_NO;
    add_headers(r, rs);
    enum MHD_Result ret = MHD_queue_response(conn, (unsigned)rs->status, r);
    MHD_destroy_response(r);
    return ret;
}

/* The first call of a request: headers only. Route it, and answer at once
   when the route, the token, the URL or the announced size is wrong. */
static enum MHD_Result begin(struct http_server *s,
                             struct MHD_Connection *conn, const char *url,
                             const char *method, struct conn_state *st)
{
    struct http_req *rq = &st->rq;
    rq->opts = &s->opts;
    rq->loopback = s->loopback;
    rq->method = method;
    rq->path = url;
    rq->host = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Host");
    rq->authorization =
        MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Authorization");
    rq->cookie = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Cookie");
    rq->origin = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Origin");
    rq->content_type =
        MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Content-Type");
    rq->query = jv_object();
    st->url_len = strlen(url);
    MHD_get_connection_values(conn, MHD_GET_ARGUMENT_KIND, add_query, st);
    if (st->url_len > HTTP_URL_MAX) {
        http_error(&st->rs, 414, "uri_too_long",
                   "the URL is longer than %d bytes", HTTP_URL_MAX);
        return queue(conn, st, &st->rs);
    }
    if (!(st->route = http_route_find(rq, &st->rs)))
        return queue(conn, st, &st->rs);
    const char *cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
                                                 "Content-Length");
    long long max = st->route->stream ? HTTP_UPLOAD_MAX : HTTP_BODY_MAX;
    long long announced = cl ? strtoll(cl, NULL, 10) : 0;
    if (announced > max && !st->route->stream &&
        announced <= HTTP_DRAIN_MAX) {
        st->too_big = true; /* read and drop it, then answer 413: a client
                               still sending would miss an early answer */
        buf_release(&st->body);
    } else if (announced > max) {
        http_error(&st->rs, 413, "too_large",
                   "the request body is larger than %lld bytes", max);
        return queue(conn, st, &st->rs);
    }
    if (st->route->check) { /* refuse a doomed upload before it starts */
        st->route->check(rq, &st->rs);
        if (st->rs.status)
            return queue(conn, st, &st->rs);
    }
    if (st->route->stream) {
        struct kith_err err = KITH_ERR_INIT;
        if (!(st->task = http_task_start(conn, rq, st->route, &err))) {
            http_error(&st->rs, 503, "unavailable", "%s", err.msg);
            return queue(conn, st, &st->rs);
        }
    }
    return MHD_YES;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn,
                                  const char *url, const char *method,
                                  const char *version, const char *data,
                                  size_t *data_size, void **con_cls)
{
    struct http_server *s = cls;
    (void)version;
    struct conn_state *st = *con_cls;
    if (!st) {
        st = xcalloc(1, sizeof(*st));
        buf_init(&st->body, HTTP_BODY_MAX);
        buf_init(&st->rs.body, 0);
        st->start_ms = clock_ms();
        st->log_path = xstrdup(url);
        *con_cls = st;
        return begin(s, conn, url, method, st);
    }
    if (st->queued) { /* answered early: drop the rest of the body */
        *data_size = 0;
        return MHD_YES;
    }
    if (st->task) {
        /* MHD takes an answer only before or after the body: until its
           end, the rest of a body the handler no longer reads is dropped */
        bool body_done = *data_size == 0;
        if (http_task_answer_ready(st->task, body_done)) {
            *data_size = 0;
            return body_done ? queue_task(conn, st) : MHD_YES;
        }
        if (*data_size)
            *data_size -= http_task_upload(st->task, data, *data_size);
        return MHD_YES;
    }
    if (*data_size) {
        if (!st->too_big && buf_append(&st->body, data, *data_size) < 0) {
            st->too_big = true;
            buf_release(&st->body);
        }
        *data_size = 0;
        return MHD_YES;
    }
    if (st->too_big) {
        http_error(&st->rs, 413, "too_large",
                   "the request body is larger than %d bytes",
                   HTTP_BODY_MAX);
    } else {
        st->rq.body = st->body.buf;
        st->rq.body_len = st->body.len;
        st->route->handler(&st->rq, &st->rs);
    }
    return queue(conn, st, &st->rs);
}

static void on_completed(void *cls, struct MHD_Connection *conn,
                         void **con_cls, enum MHD_RequestTerminationCode toe)
{
    struct http_server *s = cls;
    (void)conn;
    struct conn_state *st = *con_cls;
    if (!st)
        return;
    if (!s->opts.quiet)
        log_request(st->rq.method ? st->rq.method : "?", st->log_path,
                    toe == MHD_REQUEST_TERMINATED_COMPLETED_OK ||
                            st->status
                        ? st->status
                        : 499,
                    clock_ms() - st->start_ms);
    if (st->task)
        http_task_done(st->task);
    jv_free(st->rq.query);
    for (size_t i = 0; i < st->rq.nparams; i++)
        free(st->rq.param_val[i]);
    buf_release(&st->body);
    buf_release(&st->rs.body);
    free(st->log_path);
    free(st);
    *con_cls = NULL;
}

bool http_is_loopback_addr(const char *host)
{
    struct in_addr a4;
    struct in6_addr a6;
    if (!strcmp(host, "localhost"))
        return true;
    if (inet_pton(AF_INET, host, &a4) == 1)
        return (ntohl(a4.s_addr) >> 24) == 127;
    if (inet_pton(AF_INET6, host, &a6) == 1)
        return IN6_IS_ADDR_LOOPBACK(&a6);
    return false;
}

/* Bind and listen on host:port; the fd or a negative code. */
static int listen_on(const char *host, int port, struct kith_err *err)
{
    struct addrinfo hints = { 0 }, *res, *ai;
    char portstr[16];
    snprintf(portstr, sizeof(portstr), "%d", port);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
    int gai = getaddrinfo(host, portstr, &hints, &res);
    if (gai)
        return kith_errf(err, KITH_EINVAL, "cannot use host '%s': %s", host,
                         gai_strerror(gai));
    int fd = -1, saved = 0;
    for (ai = res; ai; ai = ai->ai_next) {
        fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC,
                    ai->ai_protocol);
        if (fd < 0) {
            saved = errno;
            continue;
        }
        int one = 1;
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
        if (bind(fd, ai->ai_addr, ai->ai_addrlen) == 0 &&
            listen(fd, 128) == 0)
            break;
        saved = errno;
        close(fd);
        fd = -1;
    }
    freeaddrinfo(res);
    if (fd < 0) {
        if (saved == EADDRINUSE)
            return kith_errf(err, KITH_EIO,
                             "port %d on %s is already in use "
                             "(is another kith serve running? try --port)",
                             port, host);
        return kith_errf(err, KITH_EIO, "cannot listen on %s:%d: %s", host,
                         port, strerror(saved));
    }
    return fd;
}

int http_start(const struct http_opts *opts, struct http_server **out,
               struct kith_err *err)
{
    int fd = listen_on(opts->host, opts->port, err);
    if (fd < 0)
        return fd;
    struct http_server *s = xcalloc(1, sizeof(*s));
    s->opts = *opts;
    s->loopback = http_is_loopback_addr(opts->host);
    s->listen_fd = fd;
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    unsigned pool = cores < 1 ? 1 : cores > 64 ? 64 : (unsigned)cores;
    s->mhd = MHD_start_daemon(
        MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_AUTO |
            MHD_ALLOW_SUSPEND_RESUME,
        0,
        NULL, NULL, on_request, s, MHD_OPTION_LISTEN_SOCKET, fd,
        MHD_OPTION_THREAD_POOL_SIZE, pool, MHD_OPTION_CONNECTION_TIMEOUT,
        (unsigned)(s->opts.timeout_s > 0 ? s->opts.timeout_s : 30),
        MHD_OPTION_CONNECTION_LIMIT, (unsigned)512,
        MHD_OPTION_NOTIFY_COMPLETED, on_completed, s, MHD_OPTION_END);
    if (!s->mhd) {
        close(fd);
        free(s);
        return kith_errf(err, KITH_EIO, "cannot start the HTTP server");
    }
    *out = s;
    return KITH_OK;
}

void http_stop(struct http_server *s)
{
    if (!s)
        return;
    MHD_socket fd = MHD_quiesce_daemon(s->mhd);
    if (fd != MHD_INVALID_SOCKET)
        close(fd);
    http_tasks_stop(); /* streams end, imports roll back */
    for (int i = 0; i < 40; i++) { /* up to 2 s for requests in flight */
        const union MHD_DaemonInfo *info =
            MHD_get_daemon_info(s->mhd, MHD_DAEMON_INFO_CURRENT_CONNECTIONS);
        if (!info || info->num_connections == 0)
            break;
        usleep(50 * 1000);
    }
    MHD_stop_daemon(s->mhd);
    close_crms();
    free(s);
}
