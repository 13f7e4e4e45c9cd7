/*
 * router: the route table, path and query parameters, JSON answers and the
 * one map of enum kith_rc to HTTP status.
 */
#include "http/http_int.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "base/xalloc.h"

struct route {
    const char *method;
    const char *pattern; /* "/api/objects/:obj/entries/:id" */
    http_handler *handler;
};

/* The routes of later issues (chat, settings, reports, ...): 501 until then. */
static void api_not_implemented(struct http_req *rq, struct http_resp *rs)
{
    http_error(rs, 501, "not_implemented", "%s %s is not implemented yet",
               rq->method, rq->path);
}

static const struct route routes[] = {
    { "GET", "/api/health", api_health },
    { "GET", "/api/objects", api_objects },
    { "POST", "/api/objects", api_object_create },
    { "GET", "/api/objects/:obj", api_object },
    { "GET", "/api/objects/:obj/fields", api_fields_list },
    { "POST", "/api/objects/:obj/fields", api_field_create },
    { "GET", "/api/objects/:obj/entries", api_entries_list },
    { "POST", "/api/objects/:obj/entries", api_entry_create },
    { "GET", "/api/objects/:obj/entries/:id", api_entry_get },
    { "PATCH", "/api/objects/:obj/entries/:id", api_entry_update },
    { "DELETE", "/api/objects/:obj/entries/:id", api_entry_delete },
    { "POST", "/api/chat", api_not_implemented },
    { "GET", "/api/conversations", api_not_implemented },
    { "GET", "/api/conversations/:id", api_not_implemented },
    { "POST", "/api/approvals/:id", api_not_implemented },
    { "GET", "/api/settings", api_not_implemented },
    { "PATCH", "/api/settings", api_not_implemented },
    { "GET", "/api/models", api_not_implemented },
    { "GET", "/api/reports", api_not_implemented },
    { "POST", "/api/reports", api_not_implemented },
    { "GET", "/api/reports/:id/data", api_not_implemented },
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

void http_fail(struct http_resp *rs, int rc, const struct kith_err *err)
{
    int status = 500;
    const char *code = "internal";
    switch (rc) {
    case KITH_EINVAL: status = 422, code = "invalid"; break;
    case KITH_ENOTFOUND: status = 404, code = "not_found"; break;
    case KITH_ECONFLICT: status = 409, code = "conflict"; break;
    case KITH_ETOOBIG: status = 413, code = "too_large"; break;
    case KITH_ETIMEOUT: status = 504, code = "timeout"; break;
    default: break;
    }
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

void http_dispatch(struct http_req *rq, struct http_resp *rs)
{
    if (!strncmp(rq->path, "/api/", 5) && !http_auth(rq, rs))
        return;
    size_t allow_len = 0;
    for (size_t i = 0; i < NROUTES; i++) {
        if (!match(routes[i].pattern, rq->path, NULL))
            continue;
        if (!strcmp(routes[i].method, rq->method)) {
            match(routes[i].pattern, rq->path, rq);
            routes[i].handler(rq, rs);
            return;
        }
        size_t n = strlen(routes[i].method);
        if (allow_len + n + 3 < sizeof(rs->allow)) {
            if (allow_len) {
                memcpy(rs->allow + allow_len, ", ", 2);
                allow_len += 2;
            }
            memcpy(rs->allow + allow_len, routes[i].method, n);
            allow_len += n;
            rs->allow[allow_len] = '\0';
        }
    }
    if (allow_len)
        http_error(rs, 405, "method_not_allowed",
                   "%s is not allowed here; use %s", rq->method, rs->allow);
    else
        http_error(rs, 404, "not_found", "no route %s %s", rq->method,
                   rq->path);
}
