/*
 * buf: a growable, NUL-terminated byte buffer (git's strbuf, curl's dynbuf).
 *
 * Invariants: b.buf is never NULL and b.buf[b.len] == '\0', so b.buf can be
 * used as a C string at any time. A buffer may carry a cap (max, in bytes of
 * content); growth past it fails with KITH_ETOOBIG and leaves the buffer as
 * it was, which is how input from outside is bounded. max == 0 means no cap.
 */
#ifndef KITH_BUF_H
#define KITH_BUF_H

#include <stdarg.h>
#include <stddef.h>

extern char buf_empty[1];

struct buf {
    char *buf;    /* the bytes; never NULL */
    size_t len;   /* bytes used, not counting the NUL */
    size_t alloc; /* bytes allocated; 0 while buf points at buf_empty */
    size_t max;   /* cap on len, 0 for none */
};

#define BUF_INIT { buf_empty, 0, 0, 0 }

/* Set up an empty buffer with cap max (0 = none). Allocates nothing. */
void buf_init(struct buf *b, size_t max);
/* Free the contents; b is then as after buf_init with the same cap. */
void buf_release(struct buf *b);
/* Empty the buffer, keeping its allocation. */
void buf_reset(struct buf *b);
/* Make room for extra more bytes. KITH_ETOOBIG past the cap. */
int buf_grow(struct buf *b, size_t extra);

int buf_append(struct buf *b, const void *data, size_t len);
int buf_appends(struct buf *b, const char *s);
int buf_appendc(struct buf *b, char c);
int buf_appendf(struct buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
int buf_vappendf(struct buf *b, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));

/* Shorten to len bytes (no-op when already shorter). */
void buf_truncate(struct buf *b, size_t len);

/*
 * Hand the contents to the caller, who frees them with free(); the buffer
 * is left empty. The result is always a heap string, even when empty.
 */
char *buf_detach(struct buf *b, size_t *len);

#endif
