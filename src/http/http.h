/*
 * http: the HTTP API of kith serve (DESIGN, "HTTP API").
 *
 * A libmicrohttpd server with a thread pool sized to the cores; each worker
 * thread opens its own struct crm on first use (WAL lets readers run beside
 * the writer). Every /api/ route needs the workspace token; JSON in and out,
 * errors as {"error": {"code": "...", "message": "..."}}.
 *
 * server.c is the only file that includes microhttpd.h.
 */
#ifndef KITH_HTTP_H
#define KITH_HTTP_H

#include <stdbool.h>

#include "base/err.h"

struct http_opts {
    const char *host;      /* address to bind: "127.0.0.1", "::1", "0.0.0.0" */
    int port;              /* 1..65535 */
    const char *workspace; /* directory holding kith.db */
    const char *token;     /* the API token (trimmed) */
    const char *version;   /* reported by GET /api/health */
    bool quiet;            /* no request log on stderr */
    int timeout_s;         /* idle connection timeout, seconds (0: 30) */
};

struct http_server;

/*
 * Bind and start serving. A port in use fails with KITH_EIO and a message
 * saying so. The options' strings must outlive the server.
 */
int http_start(const struct http_opts *opts, struct http_server **out,
               struct kith_err *err);
/*
 * Stop accepting, let requests in flight finish (a few seconds at most),
 * stop the workers and close their databases. NULL is fine.
 */
void http_stop(struct http_server *s);

#endif
