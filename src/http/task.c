/*
 * task: routes that run in a thread of their own (STREAM_ROUTE): CSV
 * import and export, server-sent events.
 *
 * The request body reaches the handler as it arrives (http_body_read)
 * through a bounded buffer: while it is full the upload is suspended, so a
 * 1 GiB import never sits in memory. The handler may stream its answer
 * (http_stream_begin, http_stream_write); the response's reader suspends
 * the connection while there is nothing to send and the writer resumes
 * it, so no MHD worker ever blocks. Without http_stream_begin the
 * handler's JSON answer is sent when it returns.
 *
 * The connection (server.c) and the thread share the task; the last one
 * to let go frees it. Every field below `lock` is guarded by it.
 */
#include "http/http_int.h"

#include <poll.h>
#include <stdio.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <microhttpd.h>

#include "base/clock.h"
#include "base/xalloc.h"

#define TASK_IN_CAP (1024 * 1024)   /* upload bytes buffered at most */
#define TASK_OUT_HIGH (256 * 1024)  /* a writer waits above this */
#define TASK_SLICE_MS 100           /* how often waiters look for hangups */

struct http_task {
    struct http_req rq; /* pointing at own copies (see http_task_start) */
    char *copies[6];    /* the request's strings, owned */
    struct http_resp rs;
    const struct http_route *route;
    struct crm *crm; /* the thread's own, opened on first use */
    int fd;          /* the client's socket, for hangup detection */
    pthread_t thread;

    pthread_mutex_t lock;
    pthread_cond_t cond;
    int refs;                    /* the connection, the thread, the reader */
    struct MHD_Connection *conn; /* NULL once the connection is done */
    bool suspended;              /* conn suspended by us */
    char *in;                    /* upload ring */
    size_t in_head, in_len;
    bool in_eof, in_too_big;
    uint64_t in_total;
    struct buf out;   /* streamed answer not yet taken by the reader */
    size_t out_off;
    bool started;     /* http_stream_begin was called */
    bool finished;    /* the handler returned */
    bool gone;        /* the client went away (or the answer was sent) */
    bool stopping;    /* the server is shutting down */
    struct http_task *next; /* in the list of live tasks */
};

/* Live tasks, for http_tasks_stop. */
static pthread_mutex_t tasks_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t tasks_cond = PTHREAD_COND_INITIALIZER;
static struct http_task *tasks;
static size_t nthreads;
static bool tasks_stopping;

/* Keep a copy of s in t (the connection's strings die with it). */
static const char *keep(struct http_task *t, size_t i, const char *s)
{
    return t->copies[i] = s ? xstrdup(s) : NULL;
}

/* Resume the connection if we suspended it. Caller holds t->lock. */
static void wake_conn(struct http_task *t)
{
    if (t->suspended && t->conn) {
        t->suspended = false;
        MHD_resume_connection(t->conn);
    }
}

static void task_unref(struct http_task *t)
{
    pthread_mutex_lock(&t->lock);
    bool last = --t->refs == 0;
    pthread_mutex_unlock(&t->lock);
    if (!last)
        return;
    pthread_mutex_lock(&tasks_lock);
    for (struct http_task **p = &tasks; *p; p = &(*p)->next)
        if (*p == t) {
            *p = t->next;
            break;
        }
    pthread_mutex_unlock(&tasks_lock);
    struct http_req *rq = &t->rq;
    for (size_t i = 0; i < sizeof(t->copies) / sizeof(*t->copies); i++)
        free(t->copies[i]);
    jv_free(rq->query);
    for (size_t i = 0; i < rq->nparams; i++)
        free(rq->param_val[i]);
    buf_release(&t->rs.body);
    buf_release(&t->out);
    free(t->in);
    pthread_cond_destroy(&t->cond);
    pthread_mutex_destroy(&t->lock);
    free(t);
}

/* Whether the client has hung up (gone, or its socket says so). */
static bool hung_up(struct http_task *t)
{
    if (t->gone)
        return true;
    struct pollfd p = { .fd = t->fd, .events = POLLRDHUP };
    if (t->fd >= 0 && poll(&p, 1, 0) == 1 &&
        (p.revents & (POLLRDHUP | POLLHUP | POLLERR | POLLNVAL))) {
        t->gone = true;
        wake_conn(t); /* let MHD see it and close the connection */
    }
    return t->gone;
}

/* Wait on t->cond for at most one slice. Caller holds t->lock. */
static void wait_slice(struct http_task *t)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    ts.tv_nsec += TASK_SLICE_MS * 1000000L;
    if (ts.tv_nsec >= 1000000000L) {
        ts.tv_sec++;
        ts.tv_nsec -= 1000000000L;
    }
    pthread_cond_timedwait(&t->cond, &t->lock, &ts);
}

static void *task_main(void *arg)
{
    struct http_task *t = arg;
    t->route->handler(&t->rq, &t->rs);
    crm_close(t->crm);
    t->crm = NULL;
    pthread_mutex_lock(&t->lock);
    t->finished = true;
    wake_conn(t); /* to send the answer, or the end of the stream */
    pthread_mutex_unlock(&t->lock);
    task_unref(t);
    pthread_mutex_lock(&tasks_lock);
    nthreads--;
    pthread_cond_broadcast(&tasks_cond);
    pthread_mutex_unlock(&tasks_lock);
    return NULL;
}

struct http_task *http_task_start(struct MHD_Connection *conn,
                                  const struct http_req *rq,
                                  const struct http_route *route,
                                  struct kith_err *err)
{
    struct http_task *t = xcalloc(1, sizeof(*t));
    t->rq = *rq;
    t->rq.method = keep(t, 0, rq->method);
    t->rq.path = keep(t, 1, rq->path);
    t->rq.host = keep(t, 2, rq->host);
    t->rq.authorization = NULL; /* checked already; not kept */
    t->rq.cookie = keep(t, 3, rq->cookie);
    t->rq.origin = keep(t, 4, rq->origin);
    t->rq.content_type = keep(t, 5, rq->content_type);
    t->rq.query = jv_ref(rq->query);
    for (size_t i = 0; i < rq->nparams; i++)
        t->rq.param_val[i] = xstrdup(rq->param_val[i]);
    t->rq.body = NULL;
    t->rq.body_len = 0;
    t->rq.task = t;
    buf_init(&t->rs.body, 0);
    t->rs.status = 200;
    t->route = route;
    t->conn = conn;
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
    t->fd = ci ? ci->connect_fd : -1;
    t->in = xmalloc(TASK_IN_CAP);
    buf_init(&t->out, 0);
    pthread_mutex_init(&t->lock, NULL);
    pthread_cond_init(&t->cond, NULL);
    t->refs = 2;

    pthread_mutex_lock(&tasks_lock);
    if (tasks_stopping) {
        pthread_mutex_unlock(&tasks_lock);
        t->refs = 1;
        task_unref(t);
        kith_errf(err, KITH_EIO, "the server is stopping");
        return NULL;
    }
    t->next = tasks;
    tasks = t;
    nthreads++;
    pthread_mutex_unlock(&tasks_lock);
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    int rc = pthread_create(&t->thread, &attr, task_main, t);
    pthread_attr_destroy(&attr);
    if (rc) {
        pthread_mutex_lock(&tasks_lock);
        nthreads--;
        pthread_mutex_unlock(&tasks_lock);
        t->refs = 1;
        task_unref(t);
        kith_errf(err, KITH_EIO, "cannot start a thread for %s",
                  rq->path);
        return NULL;
    }
    return t;
}

size_t http_task_upload(struct http_task *t, const char *data, size_t n)
{
    pthread_mutex_lock(&t->lock);
    size_t took = n;
    if (t->finished || t->gone) {
        /* the handler stopped reading: drop the rest */
    } else if (t->in_total + n > (uint64_t)HTTP_UPLOAD_MAX) {
        t->in_too_big = true;
        pthread_cond_broadcast(&t->cond);
    } else {
        size_t room = TASK_IN_CAP - t->in_len;
        took = n < room ? n : room;
        for (size_t i = 0; i < took; i++)
            t->in[(t->in_head + t->in_len + i) % TASK_IN_CAP] = data[i];
        t->in_len += took;
        t->in_total += took;
        pthread_cond_broadcast(&t->cond);
        if (took < n && t->conn) { /* full: wait for the reader */
            t->suspended = true;
            MHD_suspend_connection(t->conn);
        }
    }
    pthread_mutex_unlock(&t->lock);
    return took;
}

bool http_task_answer_ready(struct http_task *t, bool body_done)
{
    pthread_mutex_lock(&t->lock);
    if (body_done && !t->in_eof) {
        t->in_eof = true;
        pthread_cond_broadcast(&t->cond);
    }
    bool ready = t->started || t->finished;
    if (!ready && body_done && t->conn) { /* wait for the handler */
        t->suspended = true;
        MHD_suspend_connection(t->conn);
    }
    pthread_mutex_unlock(&t->lock);
    return ready;
}

static ssize_t task_reader(void *cls, uint64_t pos, char *buf, size_t max)
{
    struct http_task *t = cls;
    (void)pos;
    pthread_mutex_lock(&t->lock);
    ssize_t n;
    size_t have = t->out.len - t->out_off;
    if (have) {
        size_t take = have < max ? have : max;
        memcpy(buf, t->out.buf + t->out_off, take);
        t->out_off += take;
        if (t->out_off == t->out.len) {
            buf_reset(&t->out);
            t->out_off = 0;
        }
        pthread_cond_broadcast(&t->cond); /* room for the writer */
        n = (ssize_t)take;
    } else if (t->finished || t->gone || t->stopping) {
        n = MHD_CONTENT_READER_END_OF_STREAM;
    } else {
        t->suspended = true;
        MHD_suspend_connection(t->conn);
        n = 0;
    }
    pthread_mutex_unlock(&t->lock);
    return n;
}

static void task_reader_free(void *cls)
{
    task_unref(cls);
}

const struct http_resp *http_task_resp(struct http_task *t, bool *stream)
{
    pthread_mutex_lock(&t->lock);
    *stream = t->started;
    pthread_mutex_unlock(&t->lock);
    return &t->rs;
}

struct MHD_Response *http_task_stream_response(struct http_task *t)
{
    struct MHD_Response *r = MHD_create_response_from_callback(
        MHD_SIZE_UNKNOWN, 16 * 1024, task_reader, t, task_reader_free);
    if (r) {
        pthread_mutex_lock(&t->lock);
        t->refs++;
        pthread_mutex_unlock(&t->lock);
    }
    return r;
}

void http_task_done(struct http_task *t)
{
    pthread_mutex_lock(&t->lock);
    t->gone = true;
    t->conn = NULL;
    t->suspended = false;
    pthread_cond_broadcast(&t->cond);
    pthread_mutex_unlock(&t->lock);
    task_unref(t);
}

void http_tasks_stop(void)
{
    pthread_mutex_lock(&tasks_lock);
    tasks_stopping = true;
    for (struct http_task *t = tasks; t; t = t->next) {
        pthread_mutex_lock(&t->lock);
        t->stopping = true;
        pthread_cond_broadcast(&t->cond);
        wake_conn(t);
        pthread_mutex_unlock(&t->lock);
    }
    /* Every wait of a task looks at stopping: an import rolls back, a
       stream ends at once. */
    while (nthreads)
        pthread_cond_wait(&tasks_cond, &tasks_lock);
    pthread_mutex_unlock(&tasks_lock);
}

/* ---- the handler's side ---- */

int http_task_crm(struct http_task *t, struct crm **out,
                  struct kith_err *err)
{
    if (!t->crm) {
        int ret = crm_open(t->rq.opts->workspace, &t->crm, err);
        if (ret < 0)
            return ret;
    }
    *out = t->crm;
    return KITH_OK;
}

int http_body_read(void *ctx, char *buf, size_t cap, size_t *got,
                   struct kith_err *err)
{
    struct http_req *rq = ctx;
    struct http_task *t = rq->task;
    *got = 0;
    if (!t) { /* an ordinary route: the body is in memory */
        size_t n = rq->body_len < cap ? rq->body_len : cap;
        memcpy(buf, rq->body, n);
        rq->body += n;
        rq->body_len -= n;
        *got = n;
        return KITH_OK;
    }
    int ret = KITH_OK;
    pthread_mutex_lock(&t->lock);
    while (!t->in_len && !t->in_eof && !t->in_too_big && !t->stopping &&
           !hung_up(t))
        wait_slice(t);
    if (t->in_too_big)
        ret = kith_errf(err, KITH_ETOOBIG,
                        "the upload is larger than %d MiB",
                        HTTP_UPLOAD_MAX / (1024 * 1024));
    else if (!t->in_eof && hung_up(t))
        /* Not one more buffered byte: an import stops (and rolls back)
         * now instead of working through what came before the hangup. */
        ret = kith_errf(err, KITH_EIO,
                        "the client went away before the end of the body");
    else if (t->in_len) {
        size_t n = t->in_len < cap ? t->in_len : cap;
        for (size_t i = 0; i < n; i++)
            buf[i] = t->in[(t->in_head + i) % TASK_IN_CAP];
        t->in_head = (t->in_head + n) % TASK_IN_CAP;
        t->in_len -= n;
        *got = n;
        wake_conn(t); /* the upload may go on */
    } else if (t->stopping)
        ret = kith_errf(err, KITH_EIO, "the server is stopping");
    pthread_mutex_unlock(&t->lock);
    return ret;
}

void http_stream_begin(struct http_req *rq, struct http_resp *rs,
                       int status, const char *content_type)
{
    struct http_task *t = rq->task;
    rs->status = status;
    snprintf(rs->content_type, sizeof(rs->content_type), "%s",
             content_type);
    pthread_mutex_lock(&t->lock);
    t->started = true;
    wake_conn(t); /* a finished upload waits for this */
    pthread_mutex_unlock(&t->lock);
}

int http_stream_write(void *ctx, const char *data, size_t n,
                      struct kith_err *err)
{
    struct http_req *rq = ctx;
    struct http_task *t = rq->task;
    int ret = KITH_OK;
    pthread_mutex_lock(&t->lock);
    while (t->out.len - t->out_off > TASK_OUT_HIGH && !t->stopping &&
           !hung_up(t))
        wait_slice(t);
    if (hung_up(t))
        ret = kith_errf(err, KITH_EIO, "the client went away");
    else if (t->stopping)
        ret = kith_errf(err, KITH_EIO, "the server is stopping");
    else if (buf_append(&t->out, data, n) < 0)
        ret = kith_errf(err, KITH_ETOOBIG, "the answer is too large");
    else
        wake_conn(t);
    pthread_mutex_unlock(&t->lock);
    return ret;
}

bool http_stream_wait(struct http_req *rq, int ms)
{
    struct http_task *t = rq->task;
    int64_t end = clock_ms() + ms;
    pthread_mutex_lock(&t->lock);
    while (clock_ms() < end && !t->stopping && !hung_up(t))
        wait_slice(t);
    bool go_on = !t->stopping && !hung_up(t);
    pthread_mutex_unlock(&t->lock);
    return go_on;
}
