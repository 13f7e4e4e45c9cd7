/*
 * assets: the web UI's files (every file of web/), embedded into the binary by
 * tools/embed.sh as a generated table (BUILD/gen/assets.c).
 */
#ifndef KITH_HTTP_ASSETS_H
#define KITH_HTTP_ASSETS_H

#include <stddef.h>

struct web_asset {
    const char *name;         /* file name under web/: "app.js" */
    const char *content_type; /* "text/javascript; charset=utf-8" */
    const unsigned char *bytes; /* len bytes (and a NUL after them) */
    size_t len;
};

extern const struct web_asset web_assets[];
extern const size_t web_assets_count;

#endif
