/*
 * static: the web UI's files, embedded into the binary (assets.h). GET /
 * and /index.html answer the app, GET /login the login page and
 * GET /assets/<name> any file of web/. They need no token: they hold no
 * data (every /api/ call the pages make does).
 */
#include "http/http_int.h"

#include <stdio.h>
#include <string.h>

#include "http/assets.h"

/* Files change with the binary and have no hash in their names: the
   browser may keep them but must ask again before each use. */
#define STATIC_CACHE_CONTROL "no-cache"

static const struct web_asset *asset_find(const char *name)
{
    for (size_t i = 0; i < web_assets_count; i++)
        if (!strcmp(web_assets[i].name, name))
            return &web_assets[i];
    return NULL;
}

/* Answer the embedded file name, or 404 when web/ had none. */
static void serve(struct http_resp *rs, const char *name)
{
    const struct web_asset *a = asset_find(name);
    if (!a)
        return http_error(rs, 404, "not_found",
                          "no file '%s' in the web UI (web/)", name);
    rs->status = 200;
    buf_reset(&rs->body);
    buf_append(&rs->body, a->bytes, a->len);
    snprintf(rs->content_type, sizeof(rs->content_type), "%s",
             a->content_type);
    snprintf(rs->cache_control, sizeof(rs->cache_control), "%s",
             STATIC_CACHE_CONTROL);
}

void web_index(struct http_req *rq, struct http_resp *rs)
{
    (void)rq;
    serve(rs, "index.html");
}

void web_login_page(struct http_req *rq, struct http_resp *rs)
{
    (void)rq;
    serve(rs, "login.html");
}

void web_asset(struct http_req *rq, struct http_resp *rs)
{
    serve(rs, http_param(rq, "file"));
}
