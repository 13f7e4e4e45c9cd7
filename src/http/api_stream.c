/*
 * api_stream: the streaming routes (each runs in a task, see task.c):
 * CSV import and export, and GET /api/events, the server-sent events that
 * tell clients what changed.
 */
#include "http/http_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define EVENTS_POLL_MS 250      /* how often the change log is looked at */
#define EVENTS_PING_MS 15000    /* a comment line keeps proxies awake */
#define EVENTS_BATCH 100        /* changes sent per look at most */
#define LAYOUT_STAMP_MAX 128    /* crm_layout_stamp's text */

/* Whether a query flag is set ("true", "1", "yes" or empty). */
static bool query_flag(const struct http_req *rq, const char *name)
{
    const char *v = http_query(rq, name);
    return v && (!*v || !strcasecmp(v, "true") || !strcmp(v, "1") ||
                 !strcasecmp(v, "yes"));
}

/*
 * POST /api/objects/{obj}/import?skip_invalid=&upsert=&map=&create_missing=
 * with a text/csv body: crm_import reading the body as it arrives. 200 with
 * the report; 422 with the error and the report when rows were bad.
 */
/* Before the body: the content type and the object. */
void api_import_check(struct http_req *rq, struct http_resp *rs)
{
    const char *ct = rq->content_type;
    if (ct && strncasecmp(ct, "text/csv", 8) &&
        strncasecmp(ct, "text/plain", 10) &&
        strncasecmp(ct, "application/octet-stream", 24))
        return http_error(rs, 415, "unsupported_media_type",
                          "send the CSV as text/csv, not %s", ct);
    struct kith_err err = KITH_ERR_INIT;
    struct crm *crm;
    const struct crm_object *o;
    int ret = http_crm(rq, &crm, &err);
    if (ret >= 0)
        ret = crm_object_get(crm, http_param(rq, "obj"), &o, &err);
    if (ret < 0)
        http_fail(rs, ret, &err);
}

void api_import(struct http_req *rq, struct http_resp *rs)
{
    struct crm_import_opts o = {
        .map = http_query(rq, "map"),
        .skip_invalid = query_flag(rq, "skip_invalid"),
        .upsert = http_query(rq, "upsert"),
        .create_missing = query_flag(rq, "create_missing"),
        .actor = CRM_ACTOR_API,
    };
    if (o.upsert && !*o.upsert)
        o.upsert = NULL;
    struct kith_err err = KITH_ERR_INIT;
    struct crm_import_report rep = { 0 };
    struct crm *crm;
    int ret = http_crm(rq, &crm, &err);
    if (ret >= 0)
        ret = crm_import(crm, http_param(rq, "obj"), &o, http_body_read, rq,
                         NULL, NULL, &rep, &err);
    struct jv *report = crm_import_report_json(&rep);
    crm_import_report_release(&rep);
    if (ret < 0) { /* the error shape, with the report beside it */
        const char *code;
        int status = http_rc_status(ret, &code);
        struct jv *j = jv_object(), *e = jv_object();
        jv_set_take(e, "code", jv_string(code));
        jv_set_take(e, "message", jv_string(err.msg));
        jv_set_take(j, "error", e);
        jv_set_take(j, "report", report);
        http_json(rs, status, j);
        jv_free(j);
        return;
    }
    http_json(rs, 200, report);
    jv_free(report);
}

/* crm_export's sink: the stream starts with the first bytes, so that a
   bad filter is still answered with a JSON error. */
struct export_ctx {
    struct http_req *rq;
    struct http_resp *rs;
    const char *slug;
    bool started;
};

static int export_sink(void *ctx, const char *data, size_t n,
                       struct kith_err *err)
{
    struct export_ctx *x = ctx;
    if (!x->started) {
        snprintf(x->rs->disposition, sizeof(x->rs->disposition),
                 "attachment; filename=\"%s.csv\"", x->slug);
        http_stream_begin(x->rq, x->rs, 200, "text/csv; charset=utf-8");
        x->started = true;
    }
    return http_stream_write(x->rq, data, n, err);
}

/* GET /api/objects/{obj}/export?where=: the CSV of crm_export, streamed. */
void api_export(struct http_req *rq, struct http_resp *rs)
{
    const char *where = http_query(rq, "where");
    if (where && !*where)
        where = NULL;
    struct kith_err err = KITH_ERR_INIT;
    struct crm *crm;
    const struct crm_object *o = NULL;
    int ret = http_crm(rq, &crm, &err);
    if (ret >= 0)
        ret = crm_object_get(crm, http_param(rq, "obj"), &o, &err);
    if (ret < 0)
        return http_fail(rs, ret, &err);
    struct export_ctx x = { .rq = rq, .rs = rs, .slug = o->slug };
    ret = crm_export(crm, o->slug, where, export_sink, &x, &err);
    if (ret < 0 && !x.started)
        http_fail(rs, ret, &err);
    /* after the start a failure can only cut the stream short */
}

/* Send one server-sent event: "event: NAME\ndata: JSON\n\n". */
static int send_event(struct http_req *rq, const char *name,
                      const struct jv *data)
{
    struct buf b = BUF_INIT;
    buf_appendf(&b, "event: %s\ndata: ", name);
    jv_write(&b, data); /* compact JSON: one line */
    buf_append(&b, "\n\n", 2);
    int ret = http_stream_write(rq, b.buf, b.len, NULL);
    buf_release(&b);
    return ret;
}

/* The newest change id, 0 when there is none. */
static int64_t last_change(struct crm *crm)
{
    struct jv *log = NULL;
    int64_t id = 0;
    if (crm_log(crm, NULL, 0, 1, &log, NULL) == KITH_OK && jv_len(log))
        id = jv_int(jv_get(jv_at(log, 0), "id"));
    jv_free(log);
    return id;
}

/*
 * Send the changes after *last, oldest first, as "change" events of
 * {"id", "at", "actor", "object", "entry_id", "op"}; when more than a
 * batch came in, one "reset" event {"last": id} tells the client to
 * reload instead.
 */
static int send_changes(struct http_req *rq, struct crm *crm, int64_t *last)
{
    struct jv *log = NULL;
    int ret = crm_log(crm, NULL, 0, EVENTS_BATCH + 1, &log, NULL);
    if (ret < 0)
        return ret;
    size_t n = jv_len(log), fresh = 0;
    while (fresh < n && jv_int(jv_get(jv_at(log, fresh), "id")) > *last)
        fresh++;
    if (fresh > EVENTS_BATCH) {
        struct jv *j = jv_object();
        *last = jv_int(jv_get(jv_at(log, 0), "id"));
        jv_set_take(j, "last", jv_integer(*last));
        ret = send_event(rq, "reset", j);
        jv_free(j);
    }
    for (size_t i = fresh; ret >= 0 && fresh <= EVENTS_BATCH && i-- > 0;) {
        const struct jv *c = jv_at(log, i);
        struct jv *j = jv_object();
        static const char *const keys[] = { "id",     "at",       "actor",
                                            "object", "entry_id", "op" };
        for (size_t k = 0; k < sizeof(keys) / sizeof(*keys); k++)
            jv_set_take(j, keys[k], jv_ref(jv_get(c, keys[k])));
        ret = send_event(rq, "change", j);
        jv_free(j);
        *last = jv_int(jv_get(c, "id"));
    }
    jv_free(log);
    return ret;
}

/* crm_layout_stamp, or "" when it cannot be read (then no event). */
static void layout_stamp(struct crm *crm, char *out, size_t cap)
{
    *out = '\0';
    if (crm_layout_stamp(crm, out, cap, NULL) < 0)
        *out = '\0';
}

/*
 * GET /api/events: text/event-stream. First "hello" {"last": id}, then a
 * "change" event for every change made by anyone (this server, the CLI,
 * another process) within about a quarter of a second, a "layout" event
 * {} when objects, fields, saved views or reports changed, and a comment
 * every 15 s. Ends when the client goes away or the server stops.
 */
void api_events(struct http_req *rq, struct http_resp *rs)
{
    struct kith_err err = KITH_ERR_INIT;
    struct crm *crm;
    int ret = http_crm(rq, &crm, &err);
    if (ret < 0)
        return http_fail(rs, ret, &err);
    int64_t last = last_change(crm);
    http_stream_begin(rq, rs, 200, "text/event-stream; charset=utf-8");
    struct jv *hello = jv_object();
    jv_set_take(hello, "last", jv_integer(last));
    ret = send_event(rq, "hello", hello);
    jv_free(hello);
    char stamp[LAYOUT_STAMP_MAX], now[LAYOUT_STAMP_MAX];
    layout_stamp(crm, stamp, sizeof(stamp));
    int64_t quiet_ms = 0;
    while (ret >= 0 && http_stream_wait(rq, EVENTS_POLL_MS)) {
        layout_stamp(crm, now, sizeof(now));
        if (*now && strcmp(now, stamp)) {
            snprintf(stamp, sizeof(stamp), "%s", now);
            struct jv *j = jv_object();
            ret = send_event(rq, "layout", j);
            jv_free(j);
            quiet_ms = 0;
        }
        if (ret < 0)
            break;
        if (last_change(crm) != last) {
            ret = send_changes(rq, crm, &last);
            quiet_ms = 0;
        } else if ((quiet_ms += EVENTS_POLL_MS) >= EVENTS_PING_MS) {
            ret = http_stream_write(rq, ": ping\n\n", 8, NULL);
            quiet_ms = 0;
        }
    }
}
