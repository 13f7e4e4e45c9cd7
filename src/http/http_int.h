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
#define HTTP_UPLOAD_MAX (1024 * 1024 * 1024) /* streamed bodies (import) */
#define HTTP_URL_MAX 8192 /* path and query: 414 past this */
#define HTTP_DRAIN_MAX (8 * HTTP_BODY_MAX) /* a JSON body announced larger
                                              is refused before it is read */
#define HTTP_MAX_PARAMS 4

struct http_req {
    const struct http_opts *opts;
    bool loopback;           /* the server is bound to a loopback address */
    const char *method;      /* "GET" */
    const char *path;        /* URL-decoded, without the query */
    const char *host;        /* Host header or NULL */
    const char *authorization; /* Authorization header or NULL */
    const char *cookie;      /* Cookie header or NULL */
    const char *origin;      /* Origin header or NULL */
    const char *content_type; /* Content-Type header or NULL */
    struct jv *query;        /* query parameters, URL-decoded (object) */
    const char *body;        /* request body (NUL-terminated) */
    size_t body_len;
    size_t nparams;          /* path parameters (":obj") of the route */
    const char *param_name[HTTP_MAX_PARAMS];
    char *param_val[HTTP_MAX_PARAMS];
    struct http_task *task;  /* a streaming route's task (task.c), or NULL */
};

struct http_resp {
    int status;
    struct buf body; /* JSON */
    char allow[64];  /* Allow header for 405, "" otherwise */
    char set_cookie[256]; /* Set-Cookie header, "" for none */
    char content_type[64]; /* "" for application/json */
    char disposition[160]; /* Content-Disposition header, "" for none */
    char cache_control[32]; /* Cache-Control header, "" for no-store */
};

typedef void http_handler(struct http_req *rq, struct http_resp *rs);

/* A route of the table (router.c). */
struct http_route {
    const char *method;
    const char *pattern; /* "/api/objects/:obj/entries/:id" */
    http_handler *handler;
    bool stream; /* runs in a thread of its own (task.c): reads the body
                    with http_body_read, may answer with http_stream_* */
    bool public; /* no token needed (the login) */
    http_handler *check; /* optional: runs as soon as the headers are in
                            and may answer (an error) before the body */
};

/* ---- router.c ---- */
/*
 * The route of rq, its path parameters set, after checking auth (unless
 * the route is public); NULL after answering 401/403/404/405 in rs.
 */
const struct http_route *http_route_find(struct http_req *rq,
                                         struct http_resp *rs);
/* A path parameter (":obj" -> "obj") or NULL. */
const char *http_param(const struct http_req *rq, const char *name);
/* A query parameter or NULL. */
const char *http_query(const struct http_req *rq, const char *name);
/*
 * The ":id" path parameter as a positive id, or 0 after answering 404
 * ("no <what> 'x': ids are positive whole numbers").
 */
int64_t http_path_id(struct http_req *rq, struct http_resp *rs,
                     const char *what);
/*
 * The query parameter name as a whole number from 1 to max into *out (def
 * when absent or empty); false after answering 422.
 */
bool http_limit(struct http_req *rq, struct http_resp *rs, const char *name,
                int64_t def, int64_t max, int64_t *out);
/* Answer status with j as the body (j is not consumed). */
void http_json(struct http_resp *rs, int status, const struct jv *j);
/* Answer the JSON error shape. */
void http_error(struct http_resp *rs, int status, const char *code,
                const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* The one map of enum kith_rc to an HTTP status and error code. */
int http_rc_status(int rc, const char **code);
/* Answer a failed crm operation with http_rc_status's status. */
void http_fail(struct http_resp *rs, int rc, const struct kith_err *err);
/* Parse the body as a JSON object; on failure answer 400 and return NULL. */
struct jv *http_body_object(struct http_req *rq, struct http_resp *rs);

/* ---- auth.c ---- */
/* Check Host and the token (bearer or the kith_session cookie); on
   failure fill rs (401/403) and return false. */
bool http_auth(const struct http_req *rq, struct http_resp *rs);
/* CSRF defence: a request other than GET/HEAD/OPTIONS with an Origin
   header must come from http://<Host>; else answer 403, return false. */
bool http_origin_ok(const struct http_req *rq, struct http_resp *rs);
/* POST /login (sets the session cookie) and POST /logout (clears it). */
http_handler api_login, api_logout;
/* Whether host (an address to bind) is a loopback address. */
bool http_is_loopback_addr(const char *host);

/* ---- task.c: streaming routes (see the top of task.c) ---- */
struct MHD_Connection;
struct MHD_Response;
struct http_task;

/* server.c's side. */
struct http_task *http_task_start(struct MHD_Connection *conn,
                                  const struct http_req *rq,
                                  const struct http_route *route,
                                  struct kith_err *err);
/* Hand n bytes of the body over; returns how many were taken (the
   connection is suspended when fewer). */
size_t http_task_upload(struct http_task *t, const char *data, size_t n);
/* Whether the answer can be queued; with body_done the body has ended
   (and the connection is suspended until the answer is ready). */
bool http_task_answer_ready(struct http_task *t, bool body_done);
/* The handler's answer; *stream says it streams (http_task_stream_response
   gives the MHD response that reads it). */
const struct http_resp *http_task_resp(struct http_task *t, bool *stream);
struct MHD_Response *http_task_stream_response(struct http_task *t);
/* The connection is done with the task (completed or the client left). */
void http_task_done(struct http_task *t);
/* Tell every task the server stops and wait until their threads ended. */
void http_tasks_stop(void);

/* The handler's side. */
int http_task_crm(struct http_task *t, struct crm **out,
                  struct kith_err *err);
/* Read the body (a crm_read_fn with ctx = the struct http_req *); works
   for ordinary routes too. */
int http_body_read(void *ctx, char *buf, size_t cap, size_t *got,
                   struct kith_err *err);
/* Start streaming the answer with status and content type (headers from
   rs: disposition). Only in a streaming route. */
void http_stream_begin(struct http_req *rq, struct http_resp *rs,
                       int status, const char *content_type);
/* Send bytes of the answer (a crm_write_fn with ctx = the struct
   http_req *); waits while the client is slow; KITH_EIO once it left or
   the server stops. */
int http_stream_write(void *ctx, const char *data, size_t n,
                      struct kith_err *err);
/* Wait up to ms; false when the client left or the server stops. */
bool http_stream_wait(struct http_req *rq, int ms);

/* ---- approval.c: tool calls a chat turn waits on ---- */
#define HTTP_APPROVAL_TIMEOUT_MS (10 * 60 * 1000) /* then refused */
/* Register approval id of owner's turn as pending (before the client
   hears of it, so that its answer cannot come too early). */
void http_approval_open(const struct http_req *owner, int64_t id);
/* Wait for the answer to id (opened if it was not): true when approved;
   false when refused, rq's client left, the server stops or timeout_ms
   passed. The id is finished afterwards. rq must be a streaming route's. */
bool http_approval_wait(struct http_req *rq, int64_t id, int64_t timeout_ms);
/* Answer id: KITH_ENOTFOUND when nothing waits for it, KITH_ECONFLICT
   when it was answered already. */
int http_approval_answer(int64_t id, bool approve, struct kith_err *err);
/* Forget every approval owner opened (its turn ended). */
void http_approval_close_all(const struct http_req *owner);

/* ---- server.c ---- */
/* This worker thread's struct crm, opened on first use. */
int http_crm(const struct http_req *rq, struct crm **out,
             struct kith_err *err);

/* ---- api_entries.c: health and entries ---- */
http_handler api_health, api_entries_list, api_entry_create, api_entry_get,
    api_entry_update, api_entry_delete;
/* ---- api_schema.c: objects and fields ---- */
http_handler api_objects, api_object, api_object_create, api_fields_list,
    api_field_create, api_object_rename, api_object_remove, api_field_rename,
    api_field_remove;
/* ---- api_reports.c ---- */
http_handler api_reports_list, api_report_create, api_report_get,
    api_report_update, api_report_delete, api_report_data;
/* ---- api_stream.c: streaming routes ---- */
http_handler api_import, api_import_check, api_export, api_events;

/* ---- api_data.c: documents, changes, undo, search, sql, merge ---- */
http_handler api_doc_get, api_doc_put, api_entry_changes, api_changes,
    api_change_undo, api_search, api_sql, api_merge;

/* ---- api_chat.c: the agent (POST /api/chat streams), approvals,
   conversations ---- */
http_handler api_chat, api_approval_answer, api_conversations_list,
    api_conversation_get, api_turn_undo;

/* ---- api_settings.c: settings and models ---- */
http_handler api_settings_get, api_settings_update, api_models;

/* ---- static.c: the web UI's embedded files (no token needed) ---- */
http_handler web_index, web_login_page, web_asset;

/* ---- api_views.c: saved views ---- */
http_handler api_views_list, api_view_get, api_view_create,
    api_view_update, api_view_delete;

/* ---- api_saved.c: the by-id routes saved views and reports share ---- */
/* The crm operations of one kind of saved thing; what names it in errors
   ("no view '0': ..."). */
struct http_saved {
    const char *what;
    int (*get)(struct crm *crm, int64_t id, struct jv **out,
               struct kith_err *err);
    int (*add)(struct crm *crm, const struct jv *spec, int64_t *id,
               struct kith_err *err);
    int (*update)(struct crm *crm, int64_t id, const struct jv *spec,
                  struct kith_err *err);
    int (*remove)(struct crm *crm, int64_t id, struct kith_err *err);
};
/* POST with the body as its spec: 201 with the saved thing. */
void http_saved_create(struct http_req *rq, struct http_resp *rs,
                       const struct http_saved *kind);
/* GET :id: 200 with it. */
void http_saved_get(struct http_req *rq, struct http_resp *rs,
                    const struct http_saved *kind);
/* PATCH :id with the members to change: 200 with it. */
void http_saved_update(struct http_req *rq, struct http_resp *rs,
                       const struct http_saved *kind);
/* DELETE :id: {"id", "deleted": true}. */
void http_saved_delete(struct http_req *rq, struct http_resp *rs,
                       const struct http_saved *kind);

#endif
