/*
 * buf: growable NUL-terminated buffer with an optional cap. See buf.h.
 */
#include "base/buf.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "base/xalloc.h"

char buf_empty[1];

void buf_init(struct buf *b, size_t max)
{
    b->buf = buf_empty;
    b->len = 0;
    b->alloc = 0;
    b->max = max;
}

void buf_release(struct buf *b)
{
    if (b->alloc)
        free(b->buf);
    buf_init(b, b->max);
}

void buf_reset(struct buf *b)
{
    b->len = 0;
    b->buf[0] = '\0';
}

int buf_grow(struct buf *b, size_t extra)
{
    if (b->max && (extra > b->max || b->len > b->max - extra))
        return KITH_ETOOBIG;
    if (extra > SIZE_MAX - b->len - 1) /* len + extra + 1 would wrap */
        return KITH_ETOOBIG;
    size_t need = b->len + extra + 1;
    if (need <= b->alloc)
        return KITH_OK;
    size_t n = b->alloc ? b->alloc : 64;
    while (n < need)
        n = n < ((size_t)1 << 62) ? n * 2 : need;
    if (b->alloc) {
        b->buf = xrealloc(b->buf, n);
    } else {
        b->buf = xmalloc(n);
        b->buf[0] = '\0';
    }
    b->alloc = n;
    return KITH_OK;
}

int buf_append(struct buf *b, const void *data, size_t len)
{
    if (buf_grow(b, len) < 0)
        return KITH_ETOOBIG;
    if (len)
        memcpy(b->buf + b->len, data, len);
    b->len += len;
    b->buf[b->len] = '\0';
    return KITH_OK;
}

int buf_appends(struct buf *b, const char *s)
{
    return buf_append(b, s, strlen(s));
}

int buf_appendc(struct buf *b, char c)
{
    /* The JSON writer's commas and colons: no call when there is room. */
    if (b->len + 1 < b->alloc && (!b->max || b->len < b->max)) {
        b->buf[b->len++] = c;
        b->buf[b->len] = '\0';
        return KITH_OK;
    }
    return buf_append(b, &c, 1);
}

int buf_vappendf(struct buf *b, const char *fmt, va_list ap)
{
    va_list cp;
    va_copy(cp, ap);
    char small[256];
    int n = vsnprintf(small, sizeof(small), fmt, cp);
    va_end(cp);
    if (n < 0)
        return KITH_EINVAL;
    if ((size_t)n < sizeof(small))
        return buf_append(b, small, (size_t)n);
    if (buf_grow(b, (size_t)n) < 0)
        return KITH_ETOOBIG;
    vsnprintf(b->buf + b->len, (size_t)n + 1, fmt, ap);
    b->len += (size_t)n;
    return KITH_OK;
}

int buf_appendf(struct buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int rc = buf_vappendf(b, fmt, ap);
    va_end(ap);
    return rc;
}

void buf_truncate(struct buf *b, size_t len)
{
    if (len < b->len) {
        b->len = len;
        b->buf[len] = '\0';
    }
}

char *buf_detach(struct buf *b, size_t *len)
{
    char *s = b->alloc ? b->buf : xstrdup("");
    if (len)
        *len = b->len;
    buf_init(b, b->max);
    return s;
}
