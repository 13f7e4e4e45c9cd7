/*
 * http_int: what the files of src/http share (not for other modules).
 *
 * server.c turns a libmicrohttpd request into a struct http_req and fills a
 * struct http_resp through the router (router.c), which checks auth
 * (auth.c) and calls one handler of the route table (api_*.c).
 */
#ifndef KITH_HTTP_INT_H
#define KITH_HTTP_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"
#include "base/err.h"
#include "base/json.h"
#include "crm/crm.h"
#include "http/http.h"

#define HTTP_BODY_MAX (1024 * 1024) /* JSON bodies: 413 past this */
#define HTTP_MAX_PARAMS 4

struct http_req {
    const struct http_opts *opts;
    bool loopback;           /* the server is bound to a loopback address */
    const char *method;      /* "GET" */
    const char *path;        /* URL-decoded, without the query */
    const char *host;        /* Host header or NULL */
    const char *authorization; /* Authorization header or NULL */
    struct jv *query;        /* query parameters, URL-decoded (object) */
    const char *body;        /* request body (NUL-terminated) */
    size_t body_len;
    size_t nparams;          /* path parameters (":obj") of the route */
    const char *param_name[HTTP_MAX_PARAMS];
    char *param_val[HTTP_MAX_PARAMS];
};

struct http_resp {
    int status;
    struct buf body; /* JSON */
    char allow[64];  /* Allow header for 405, "" otherwise */
};

typedef void http_handler(struct http_req *rq, struct http_resp *rs);

/* ---- router.c ---- */
/* Route rq (auth included) and fill rs. */
void http_dispatch(struct http_req *rq, struct http_resp *rs);
/* A path parameter (":obj" -> "obj") or NULL. */
const char *http_param(const struct http_req *rq, const char *name);
/* A query parameter or NULL. */
const char *http_query(const struct http_req *rq, const char *name);
/* Answer status with j as the body (j is not consumed). */
void http_json(struct http_resp *rs, int status, const struct jv *j);
/* Answer the JSON error shape. */
void http_error(struct http_resp *rs, int status, const char *code,
                const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* Answer a failed crm operation: the one map of enum kith_rc to status. */
void http_fail(struct http_resp *rs, int rc, const struct kith_err *err);
/* Parse the body as a JSON object; on failure answer 400 and return NULL. */
struct jv *http_body_object(struct http_req *rq, struct http_resp *rs);

/* ---- auth.c ---- */
/* Check Host and the bearer token; on failure fill rs and return false. */
bool http_auth(const struct http_req *rq, struct http_resp *rs);
/* Whether host (an address to bind) is a loopback address. */
bool http_is_loopback_addr(const char *host);

/* ---- server.c ---- */
/* This worker thread's struct crm, opened on first use. */
int http_crm(const struct http_req *rq, struct crm **out,
             struct kith_err *err);

/* ---- api_entries.c: the handlers ---- */
http_handler api_health, api_objects, api_object, api_entries_list,
    api_entry_create, api_entry_get, api_entry_update, api_entry_delete,
    api_object_create, api_fields_list, api_field_create;

#endif
