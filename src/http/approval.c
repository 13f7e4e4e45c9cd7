/*
 * approval: the tool calls a chat turn (api_chat.c) waits on until the
 * user answers POST /api/approvals/{id}.
 *
 * A small registry of pending approvals, id -> {answered, approved}, each
 * with its own condition variable. The turn opens an id before the client
 * hears of it (so an answer can never arrive too early), then waits; the
 * answer comes from another connection's thread. A wait ends refused when
 * the client of the turn went away, the server stops or the time is up.
 * Every field of every pending approval is guarded by registry_lock.
 */
#include "http/http_int.h"

#include <pthread.h>
#include <stdlib.h>
#include <time.h>

#include "base/clock.h"
#include "base/xalloc.h"

#define APPROVAL_SLICE_MS 100 /* how often a waiter looks for hangups */

struct pending {
    int64_t id;
    const struct http_req *owner; /* the turn's request */
    bool answered, approved;
    pthread_cond_t cond;
    struct pending *next;
};

static pthread_mutex_t registry_lock = PTHREAD_MUTEX_INITIALIZER;
static struct pending *registry;

/* The pending approval id, or NULL. Caller holds registry_lock. */
static struct pending *find(int64_t id)
{
    for (struct pending *p = registry; p; p = p->next)
        if (p->id == id)
            return p;
    return NULL;
}

/* Unlink and free p. Caller holds registry_lock. */
static void drop(struct pending *p)
{
    for (struct pending **pp = &registry; *pp; pp = &(*pp)->next)
        if (*pp == p) {
            *pp = p->next;
            break;
        }
    pthread_cond_destroy(&p->cond);
    free(p);
}

void http_approval_open(const struct http_req *owner, int64_t id)
{
    pthread_mutex_lock(&registry_lock);
    if (!find(id)) {
        struct pending *p = xcalloc(1, sizeof(*p));
        p->id = id;
        p->owner = owner;
        pthread_cond_init(&p->cond, NULL);
        p->next = registry;
        registry = p;
    }
    pthread_mutex_unlock(&registry_lock);
}

/* Wait on p->cond for at most one slice. Caller holds registry_lock. */
static void wait_slice(struct pending *p)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    ts.tv_nsec += APPROVAL_SLICE_MS * 1000000L;
    if (ts.tv_nsec >= 1000000000L) {
        ts.tv_sec++;
        ts.tv_nsec -= 1000000000L;
    }
    pthread_cond_timedwait(&p->cond, &registry_lock, &ts);
}

bool http_approval_wait(struct http_req *rq, int64_t id, int64_t timeout_ms)
{
    http_approval_open(rq, id);
    int64_t deadline = clock_ms() + timeout_ms;
    bool approved = false;
    for (;;) {
        pthread_mutex_lock(&registry_lock);
        struct pending *p = find(id);
        if (!p) { /* closed under us: refuse */
            pthread_mutex_unlock(&registry_lock);
            return false;
        }
        if (!p->answered)
            wait_slice(p);
        bool done = p->answered;
        approved = p->answered && p->approved;
        if (done)
            drop(p);
        pthread_mutex_unlock(&registry_lock);
        if (done)
            return approved;
        /* the task's lock is never taken under registry_lock */
        if (!http_stream_wait(rq, 0) || clock_ms() >= deadline)
            break;
    }
    pthread_mutex_lock(&registry_lock);
    struct pending *p = find(id);
    approved = p && p->answered && p->approved; /* an answer just in time */
    if (p)
        drop(p);
    pthread_mutex_unlock(&registry_lock);
    return approved;
}

int http_approval_answer(int64_t id, bool approve, struct kith_err *err)
{
    int ret = KITH_OK;
    pthread_mutex_lock(&registry_lock);
    struct pending *p = find(id);
    if (!p)
        ret = kith_errf(err, KITH_ENOTFOUND,
                        "no approval %lld is waiting: it is unknown or its "
                        "turn has moved on", (long long)id);
    else if (p->answered)
        ret = kith_errf(err, KITH_ECONFLICT,
                        "approval %lld was already answered", (long long)id);
    else {
        p->answered = true;
        p->approved = approve;
        pthread_cond_broadcast(&p->cond);
    }
    pthread_mutex_unlock(&registry_lock);
    return ret;
}

void http_approval_close_all(const struct http_req *owner)
{
    pthread_mutex_lock(&registry_lock);
    struct pending **pp = &registry;
    while (*pp) {
        struct pending *p = *pp;
        if (p->owner == owner) {
            *pp = p->next;
            pthread_cond_destroy(&p->cond);
            free(p);
        } else {
            pp = &p->next;
        }
    }
    pthread_mutex_unlock(&registry_lock);
}
