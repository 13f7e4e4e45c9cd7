/*
 * router: the route table, path and query parameters, JSON answers and the
 * one map of enum kith_rc to HTTP status.
 */
#include "http/http_int.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "base/xalloc.h"

/* A route; STREAM_ROUTE runs in its own thread (task.c); PUBLIC_ROUTE
   needs no token. */
#define ROUTE(m, p, h) { .method = m, .pattern = p, .handler = h }
#define STREAM_ROUTE(m, p, h) \
    { .method = m, .pattern = p, .handler = h, .stream = true }
#define PUBLIC_ROUTE(m, p, h) \
    { .method = m, .pattern = p, .handler = h, .public = true }

static const struct http_route routes[] = {
    PUBLIC_ROUTE("POST", "/login", api_login),
    PUBLIC_ROUTE("POST", "/logout", api_logout),
    PUBLIC_ROUTE("GET", "/", web_index),
    PUBLIC_ROUTE("GET", "/index.html", web_index),
    PUBLIC_ROUTE("GET", "/login", web_login_page),
    PUBLIC_ROUTE("GET", "/assets/:file", web_asset),
    ROUTE("GET", "/api/health", api_health),
    ROUTE("GET", "/api/objects", api_objects),
    ROUTE("POST", "/api/objects", api_object_create),
    ROUTE("GET", "/api/objects/:obj", api_object),
    ROUTE("PATCH", "/api/objects/:obj", api_object_rename),
    ROUTE("DELETE", "/api/objects/:obj", api_object_remove),
    ROUTE("GET", "/api/objects/:obj/fields", api_fields_list),
    ROUTE("POST", "/api/objects/:obj/fields", api_field_create),
    ROUTE("PATCH", "/api/objects/:obj/fields/:field", api_field_rename),
    ROUTE("DELETE", "/api/objects/:obj/fields/:field", api_field_remove),
    ROUTE("GET", "/api/objects/:obj/entries", api_entries_list),
    ROUTE("POST", "/api/objects/:obj/entries", api_entry_create),
    ROUTE("GET", "/api/objects/:obj/entries/:id", api_entry_get),
    ROUTE("PATCH", "/api/objects/:obj/entries/:id", api_entry_update),
    ROUTE("DELETE", "/api/objects/:obj/entries/:id", api_entry_delete),
    ROUTE("GET", "/api/objects/:obj/entries/:id/document", api_doc_get),
    ROUTE("PUT", "/api/objects/:obj/entries/:id/document", api_doc_put),
    ROUTE("GET", "/api/objects/:obj/entries/:id/changes",
          api_entry_changes),
    ROUTE("POST", "/api/objects/:obj/entries/:id/merge", api_merge),
    ROUTE("GET", "/api/changes", api_changes),
    ROUTE("POST", "/api/changes/:id/undo", api_change_undo),
    ROUTE("GET", "/api/search", api_search),
    ROUTE("POST", "/api/sql", api_sql),
    ROUTE("GET", "/api/views", api_views_list),
    ROUTE("POST", "/api/views", api_view_create),
    ROUTE("GET", "/api/views/:id", api_view_get),
    ROUTE("PATCH", "/api/views/:id", api_view_update),
    ROUTE("DELETE", "/api/views/:id", api_view_delete),
    { .method = "POST", .pattern = "/api/objects/:obj/import",
      .handler = api_import, .stream = true, .check = api_import_check },
    STREAM_ROUTE("GET", "/api/objects/:obj/export", api_export),
    STREAM_ROUTE("GET", "/api/events", api_events),
    STREAM_ROUTE("POST", "/api/chat", api_chat),
    ROUTE("GET", "/api/conversations", api_conversations_list),
    ROUTE("GET", "/api/conversations/:id", api_conversation_get),
    ROUTE("POST", "/api/conversations/:id/turns/:n/undo", api_turn_undo),
    ROUTE("POST", "/api/approvals/:id", api_approval_answer),
    ROUTE("GET", "/api/settings", api_settings_get),
    ROUTE("PATCH", "/api/settings", api_settings_update),
    ROUTE("GET", "/api/models", api_models),
    ROUTE("GET", "/api/reports", api_reports_list),
    ROUTE("POST", "/api/reports", api_report_create),
    ROUTE("GET", "/api/reports/:id", api_report_get),
    ROUTE("PATCH", "/api/reports/:id", api_report_update),
    ROUTE("DELETE", "/api/reports/:id", api_report_delete),
    ROUTE("GET", "/api/reports/:id/data", api_report_data),
};
#define NROUTES (sizeof(routes) / sizeof(*routes))

/*
 * Whether path matches pattern; when rq is given, its parameters are set.
 * Segments are split on '/'; a ":name" segment matches any non-empty one.
 */
static bool match(const char *pattern, const char *path, struct http_req *rq)
{
    const char *p = pattern, *s = path;
    size_t n = 0;
    while (*p && *s) {
        if (*p != '/' || *s != '/')
            return false;
        p++, s++;
        size_t plen = strcspn(p, "/"), slen = strcspn(s, "/");
        if (*p == ':') {
            if (!slen || n == HTTP_MAX_PARAMS)
                return false;
            if (rq) {
                rq->param_name[n] = p + 1;
                rq->param_val[n] = xstrndup(s, slen);
            }
            n++;
        } else if (plen != slen || strncmp(p, s, plen)) {
            return false;
        }
        p += plen, s += slen;
    }
    if (*p || *s) {
        if (rq)
            for (size_t i = 0; i < n; i++)
                free(rq->param_val[i]);
        return false;
    }
    if (rq)
        rq->nparams = n;
    return true;
}

const char *http_param(const struct http_req *rq, const char *name)
{
    size_t n = strlen(name);
    for (size_t i = 0; i < rq->nparams; i++) {
        const char *pn = rq->param_name[i];
        if (!strncmp(pn, name, n) && (pn[n] == '/' || !pn[n]))
            return rq->param_val[i];
    }
    return NULL;
}

const char *http_query(const struct http_req *rq, const char *name)
{
    return jv_str(jv_get(rq->query, name));
}

int64_t http_path_id(struct http_req *rq, struct http_resp *rs,
                     const char *what)
{
    const char *s = http_param(rq, "id");
    char *end;
    errno = 0;
    long long v = s ? strtoll(s, &end, 10) : 0;
    if (!s || !*s || *end || errno || v < 1) {
        http_error(rs, 404, "not_found",
                   "no %s '%s': ids are positive whole numbers", what,
                   s ? s : "");
        return 0;
    }
    return v;
}

bool http_limit(struct http_req *rq, struct http_resp *rs, const char *name,
                int64_t def, int64_t max, int64_t *out)
{
    const char *s = http_query(rq, name);
    *out = def;
    if (!s || !*s)
        return true;
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (*end || errno || v < 1 || v > max) {
        http_error(rs, 422, "invalid",
                   "%s must be a whole number from 1 to %lld, not '%s'", name,
                   (long long)max, s);
        return false;
    }
    *out = v;
    return true;
}

void http_json(struct http_resp *rs, int status, const struct jv *j)
{
    rs->status = status;
    buf_reset(&rs->body);
    jv_write(&rs->body, j);
}

void http_error(struct http_resp *rs, int status, const char *code,
                const char *fmt, ...)
{
    struct buf msg = BUF_INIT;
    va_list ap;
    va_start(ap, fmt);
    buf_vappendf(&msg, fmt, ap);
    va_end(ap);
    rs->status = status;
    buf_reset(&rs->body);
    struct jw w;
    jw_init(&w, &rs->body);
    jw_obj(&w);
    jw_key(&w, "error");
    jw_obj(&w);
    jw_key(&w, "code");
    jw_str(&w, code);
    jw_key(&w, "message");
    jw_str(&w, msg.buf);
    jw_end_obj(&w);
    jw_end_obj(&w);
    buf_release(&msg);
}

int http_rc_status(int rc, const char **code_out)
{
    int status = 500;
    const char *code = "internal";
    switch (rc) {
    case KITH_EINVAL: status = 422, code = "invalid"; break;
    case KITH_ENOTFOUND: status = 404, code = "not_found"; break;
    case KITH_ECONFLICT: status = 409, code = "conflict"; break;
    case KITH_ETOOBIG: status = 413, code = "too_large"; break;
    case KITH_ETIMEOUT: status = 504, code = "timeout"; break;
    case KITH_EUPSTREAM: status = 502, code = "upstream"; break;
    default: break;
    }
    *code_out = code;
    return status;
}

void http_fail(struct http_resp *rs, int rc, const struct kith_err *err)
{
    const char *code;
    int status = http_rc_status(rc, &code);
    const char *msg = err && err->msg[0] ? err->msg : kith_rc_str(rc);
    http_error(rs, status, code, "%s", msg);
}

struct jv *http_body_object(struct http_req *rq, struct http_resp *rs)
{
    struct kith_err err = KITH_ERR_INIT;
    struct jv *j = jv_parse(rq->body, rq->body_len, &err);
    if (!j) {
        http_error(rs, 400, "bad_json", "JSON body: %s", err.msg);
        return NULL;
    }
    if (jv_type(j) != JV_OBJECT) {
        jv_free(j);
        http_error(rs, 400, "bad_json",
                   "JSON body: expected an object of field: value");
        return NULL;
    }
    return j;
}

const struct http_route *http_route_find(struct http_req *rq,
                                         struct http_resp *rs)
{
    size_t allow_len = 0;
    if (!http_origin_ok(rq, rs))
        return NULL;
    for (size_t i = 0; i < NROUTES; i++) {
        const struct http_route *r = &routes[i];
        if (!match(r->pattern, rq->path, NULL))
            continue;
        if (!strcmp(r->method, rq->method)) {
            if (!r->public && !strncmp(rq->path, "/api/", 5) &&
                !http_auth(rq, rs))
                return NULL;
            match(r->pattern, rq->path, rq);
            return r;
        }
        size_t n = strlen(r->method);
        if (allow_len + n + 3 < sizeof(rs->allow)) {
            if (allow_len) {
                memcpy(rs->allow + allow_len, ", ", 2);
                allow_len += 2;
            }
            memcpy(rs->allow + allow_len, r->method, n);
            allow_len += n;
            rs->allow[allow_len] = '\0';
        }
    }
    /* Unknown routes under /api/ need the token too: no probing. */
    if (!strncmp(rq->path, "/api/", 5) && !http_auth(rq, rs))
        return NULL;
    if (allow_len)
        http_error(rs, 405, "method_not_allowed",
                   "%s is not allowed here; use %s", rq->method, rs->allow);
    else
        http_error(rs, 404, "not_found", "no route %s %s", rq->method,
                   rq->path);
    return NULL;
}
