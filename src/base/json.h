/*
 * json: JSON values (jv_) and a streaming JSON writer (jw_).
 *
 * This is the only module that includes the JSON library (jansson); the rest
 * of kith sees an opaque struct jv. Values are reference counted: a function
 * returning struct jv * gives the caller one reference, dropped with
 * jv_free(). Functions named *_take consume the reference they are given.
 *
 * The parser is bounded (nesting depth, size) and reports errors with line
 * and column. The writer appends to a struct buf and escapes by construction,
 * so JSON text is never built by string concatenation. To read a few members
 * of many small documents without building a tree, see base/jread.h (same
 * strictness, no allocation).
 */
#ifndef KITH_JSON_H
#define KITH_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"
#include "base/err.h"

struct jv;

enum jv_type {
    JV_NULL,
    JV_BOOL,
    JV_INT,
    JV_REAL,
    JV_STRING,
    JV_ARRAY,
    JV_OBJECT,
};

#define JV_MAX_DEPTH 64

/*
 * Parse len bytes of JSON text (any value at top level). Fails with
 * KITH_EINVAL and "line L, column C: reason" in err, also when nesting is
 * deeper than JV_MAX_DEPTH.
 */
struct jv *jv_parse(const char *text, size_t len, struct kith_err *err);
/* Compact JSON text of j (object keys in insertion order); free() it. */
char *jv_dump(const struct jv *j);
/* Append j as compact JSON to b. */
int jv_write(struct buf *b, const struct jv *j);

struct jv *jv_ref(struct jv *j); /* adds a reference, returns j */
void jv_free(struct jv *j);      /* drops a reference; NULL is fine */
struct jv *jv_copy(const struct jv *j); /* deep copy */
bool jv_equal(const struct jv *a, const struct jv *b);

/* ---- reading ---- */
enum jv_type jv_type(const struct jv *j); /* JV_NULL for NULL too */
const char *jv_str(const struct jv *j);   /* NULL unless a string */
size_t jv_strlen(const struct jv *j);
int64_t jv_int(const struct jv *j); /* 0 unless an integer */
double jv_num(const struct jv *j);  /* integer or real as double */
bool jv_bool(const struct jv *j);   /* false unless true */
/* Member of an object, or NULL; borrowed. */
struct jv *jv_get(const struct jv *obj, const char *key);
size_t jv_len(const struct jv *j);              /* array or object size */
struct jv *jv_at(const struct jv *arr, size_t i); /* borrowed */
/*
 * Iterate an object's members in order: start with *it = NULL; returns the
 * key (borrowed) and sets *val (borrowed), or NULL at the end.
 */
const char *jv_next(const struct jv *obj, void **it, struct jv **val);

/* ---- building ---- */
struct jv *jv_object(void);
struct jv *jv_array(void);
struct jv *jv_string(const char *s);
struct jv *jv_stringn(const char *s, size_t n);
struct jv *jv_integer(int64_t v);
struct jv *jv_real(double v);
struct jv *jv_boolean(bool v);
struct jv *jv_null(void);
/* Set obj[key] = val, consuming the reference to val. */
void jv_set_take(struct jv *obj, const char *key, struct jv *val);
void jv_del(struct jv *obj, const char *key);
/* Append val to arr, consuming the reference. */
void jv_push_take(struct jv *arr, struct jv *val);

/* ---- streaming writer ---- */
#define JW_MAX_DEPTH 32

struct jw {
    struct buf *out;
    int depth;
    bool first[JW_MAX_DEPTH]; /* no member written yet at this depth */
};

void jw_init(struct jw *w, struct buf *out);
void jw_obj(struct jw *w);  /* { */
void jw_end_obj(struct jw *w); /* } */
void jw_arr(struct jw *w);  /* [ */
void jw_end_arr(struct jw *w); /* ] */
void jw_key(struct jw *w, const char *key);
void jw_str(struct jw *w, const char *s);
void jw_strn(struct jw *w, const char *s, size_t n);
void jw_int(struct jw *w, int64_t v);
void jw_real(struct jw *w, double v);
void jw_bool(struct jw *w, bool v);
void jw_null(struct jw *w);
/* A value already serialised as JSON (trusted: from jv_dump or the db). */
void jw_raw(struct jw *w, const char *json, size_t n);
void jw_value(struct jw *w, const struct jv *j);

/* Append s to b as a quoted, escaped JSON string. */
void json_quote(struct buf *b, const char *s, size_t n);

#endif
