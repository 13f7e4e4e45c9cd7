/*
 * utf8: validation, decoding and terminal display width of UTF-8 text.
 *
 * Used wherever text from outside is accepted (every stored string must be
 * valid UTF-8) and by the table printer, which aligns columns by display
 * width: CJK and emoji take two cells, combining marks none.
 */
#ifndef KITH_UTF8_H
#define KITH_UTF8_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"

/* True when s[0..n) is well-formed UTF-8 (no overlongs, no surrogates). */
bool utf8_valid(const char *s, size_t n);
/*
 * Decode one code point at s (n bytes available). Returns its length in
 * bytes and sets *cp, or returns 0 for a malformed sequence.
 */
size_t utf8_decode(const char *s, size_t n, uint32_t *cp);
/* Terminal cells taken by one code point: 0, 1 or 2. */
int utf8_cp_width(uint32_t cp);
/* Cells taken by the NUL-terminated string s (malformed bytes count 1). */
size_t utf8_width(const char *s);
/*
 * Length in bytes of the longest prefix of s that fits in cols cells,
 * never splitting a code point.
 */
size_t utf8_fit(const char *s, size_t cols);
/*
 * Append s[0..n) to out with each malformed byte replaced by U+FFFD, so
 * that text from elsewhere (a library's error message, a message cut at
 * a byte limit) can go into JSON, which must be UTF-8.
 */
void utf8_append_clean(struct buf *out, const char *s, size_t n);

#endif
