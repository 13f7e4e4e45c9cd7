/*
 * xalloc: allocation that never returns NULL.
 *
 * Running out of memory is fatal in kith (as in git, tmux and Redis): these
 * wrappers log and abort instead of handing NULL to callers. Input from
 * outside goes through size-capped buffers (buf.h), so a hostile input cannot
 * drive the process into this path.
 */
#ifndef KITH_XALLOC_H
#define KITH_XALLOC_H

#include <stddef.h>

void *xmalloc(size_t n);
void *xcalloc(size_t count, size_t size);
void *xrealloc(void *p, size_t n);
/* Copies of s / of the first n bytes of s, NUL-terminated; free() them. */
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);

#endif
