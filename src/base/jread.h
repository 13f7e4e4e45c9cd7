/*
 * jread: an allocation-free pull reader of JSON text (jr_).
 *
 * For hot paths that read a few members of many small documents (a model's
 * stream events), where building a jansson tree per document with
 * jv_parse() costs tens of mallocs. A struct jr is a cursor over text that
 * the caller keeps alive; it never allocates: strings are decoded into a
 * caller's struct buf, keys are handed out raw (compare them with
 * jr_key_is()).
 *
 * Strictness is jv_parse()'s, so a text is accepted by one exactly when
 * it is accepted by the other: RFC 8259 grammar, any value at top level,
 * whitespace only " \t\n\r", strings of valid UTF-8 (no overlongs, no
 * surrogates) without raw control characters, \u escapes with surrogates
 * only in valid pairs, \u0000 allowed in strings but not in object keys,
 * integers within int64, reals that do not overflow a double, nesting at
 * most JR_MAX_DEPTH. Duplicate keys are allowed (jv_get sees the last;
 * so does jr_members()).
 *
 * Errors are sticky: after the first one every call returns KITH_EINVAL,
 * and jr_error() says "line L, column C: reason". A reader may be copied
 * (struct jr v = *r) to come back to a value after walking past it.
 */
#ifndef KITH_JREAD_H
#define KITH_JREAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"
#include "base/err.h"
#include "base/json.h"

#define JR_MAX_DEPTH JV_MAX_DEPTH

struct jr {
    const char *text; /* NULL: a member that was not found */
    size_t len;
    size_t pos;      /* the next byte to read */
    int depth;       /* containers open around pos */
    bool fresh;      /* just inside '{' or '[': no ',' expected */
    const char *why; /* the first error, NULL while none */
    size_t err_pos;  /* where it was found */
};

/* A reader over text[0..len) (not NUL-terminated; never read past len). */
void jr_init(struct jr *r, const char *text, size_t len);

/*
 * The enum jv_type of the next value (consumes nothing but whitespace);
 * KITH_EINVAL when no valid value starts there, KITH_ENOTFOUND for a
 * reader whose text is NULL (a member jr_members() did not find).
 */
int jr_type(struct jr *r);

/* Read the next value, whatever it is, validating all of it. */
int jr_skip(struct jr *r);
/* The same, giving the value's text (borrowed from the reader's text). */
int jr_raw(struct jr *r, const char **p, size_t *n);

/*
 * Objects: jr_obj() enters one (KITH_EINVAL unless the next value is an
 * object); then each jr_obj_next() returns 1 with the next member's key
 * and leaves r at its value, which the caller must read or skip before
 * the next call; 0 once the closing '}' is read; negative on an error.
 * key is the raw text between the quotes, escapes not decoded.
 */
int jr_obj(struct jr *r);
int jr_obj_next(struct jr *r, const char **key, size_t *keylen);
/* Append a raw key (from jr_obj_next) to out with its escapes decoded. */
int jr_key_decode(const char *key, size_t keylen, struct buf *out);
/* Whether a raw key (from jr_obj_next) decodes to the C string name. */
bool jr_key_is(const char *key, size_t keylen, const char *name);

/* Arrays, the same way: jr_arr_next() returns 1 at each item, 0 at ']'. */
int jr_arr(struct jr *r);
int jr_arr_next(struct jr *r);

/*
 * Scalars: each reads the next value, KITH_EINVAL (and the reader's
 * error) when it is of another type. jr_str appends the decoded string
 * to out and returns out's KITH_ETOOBIG at its cap; jr_num takes an
 * integer too.
 */
int jr_str(struct jr *r, struct buf *out);
int jr_int(struct jr *r, int64_t *v);
int jr_num(struct jr *r, double *v);
int jr_bool(struct jr *r, bool *v);
int jr_null(struct jr *r);

/* After the top-level value: KITH_EINVAL unless only whitespace is left. */
int jr_end(struct jr *r);
/* Fill err with "line L, column C: reason"; returns KITH_EINVAL. */
int jr_error(const struct jr *r, struct kith_err *err);
/* Whether text[0..len) is exactly one valid JSON value (err says why not). */
bool jr_valid(const char *text, size_t len, struct kith_err *err);

/*
 * Read the object at r (any other value is read and nothing is found) and
 * set found[i] to a reader at the value of its last member named
 * names[i], or to a reader with NULL text when there is none. A reader
 * with NULL text finds nothing. Returns KITH_OK or the reader's error.
 */
int jr_members(struct jr *r, const char *const *names, struct jr *found,
               size_t n);

/* ---- jv-style getters on a found value (read from a copy of v) ---- */

/* The integer at v; 0 when v is missing or not an integer (as jv_int). */
int64_t jr_get_int(const struct jr *v);
/* True only when v is the literal true (as jv_bool). */
bool jr_get_true(const struct jr *v);
/*
 * Replace out's contents with the string at v: 1 when v is a string, 0
 * (out empty) when it is missing or not a string, KITH_ETOOBIG at out's
 * cap.
 */
int jr_get_str(const struct jr *v, struct buf *out);

#endif
