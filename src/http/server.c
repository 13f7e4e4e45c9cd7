/*
 * server: libmicrohttpd glue. The only file that includes microhttpd.h.
 *
 * Each request's body is gathered into a buffer capped at HTTP_BODY_MAX
 * (past it the rest is read and dropped, and the answer is 413), then the
 * router answers with JSON. Worker threads open their struct crm lazily;
 * all of them are closed by http_stop once the workers have stopped.
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
    struct buf body;
    bool too_big;
    int64_t start_ms;
};

static enum MHD_Result add_query(void *cls, enum MHD_ValueKind kind,
                                 const char *key, const char *value)
{
    (void)kind;
    if (key && !jv_get(cls, key))
        jv_set_take(cls, key, jv_string(value ? value : ""));
    return MHD_YES;
}

static void add_security_headers(struct MHD_Response *r)
{
    MHD_add_response_header(r, "Content-Type", "application/json");
    MHD_add_response_header(r, "Content-Security-Policy",
                            "default-src 'self'; script-src 'self'; "
                            "object-src 'none'; base-uri 'none'; "
                            "frame-ancestors 'none'");
    MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
    MHD_add_response_header(r, "Cache-Control", "no-store");
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
        st->start_ms = clock_ms();
        *con_cls = st;
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

    struct http_req rq = { 0 };
    struct http_resp rs = { 0 };
    buf_init(&rs.body, 0);
    rq.opts = &s->opts;
    rq.loopback = s->loopback;
    rq.method = method;
    rq.path = url;
    rq.host = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Host");
    rq.authorization =
        MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Authorization");
    rq.query = jv_object();
    MHD_get_connection_values(conn, MHD_GET_ARGUMENT_KIND, add_query,
                              rq.query);
    rq.body = st->body.buf;
    rq.body_len = st->body.len;
    if (st->too_big)
        http_error(&rs, 413, "too_large",
                   "the request body is larger than %d bytes",
                   HTTP_BODY_MAX);
    else
        http_dispatch(&rq, &rs);
    jv_free(rq.query);
    for (size_t i = 0; i < rq.nparams; i++)
        free(rq.param_val[i]);

    struct MHD_Response *r = MHD_create_response_from_buffer(
        rs.body.len, rs.body.buf, MHD_RESPMEM_MUST_COPY);
    enum MHD_Result ret = MHD_NO;
    if (r) {
        add_security_headers(r);
        if (rs.allow[0])
            MHD_add_response_header(r, "Allow", rs.allow);
        ret = MHD_queue_response(conn, (unsigned)rs.status, r);
        MHD_destroy_response(r);
    }
    if (!s->opts.quiet)
        log_request(method, url, rs.status, clock_ms() - st->start_ms);
    buf_release(&rs.body);
    return ret;
}

static void on_completed(void *cls, struct MHD_Connection *conn,
                         void **con_cls, enum MHD_RequestTerminationCode toe)
{
    (void)cls, (void)conn, (void)toe;
    struct conn_state *st = *con_cls;
    if (st) {
        buf_release(&st->body);
        free(st);
        *con_cls = NULL;
    }
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
        MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_AUTO | MHD_USE_ITC, 0,
        NULL, NULL, on_request, s, MHD_OPTION_LISTEN_SOCKET, fd,
        MHD_OPTION_THREAD_POOL_SIZE, pool, MHD_OPTION_CONNECTION_TIMEOUT,
        (unsigned)30, MHD_OPTION_CONNECTION_LIMIT, (unsigned)512,
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
