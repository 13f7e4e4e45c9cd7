/*
 * json: the one module over jansson. See json.h.
 *
 * struct jv is jansson's json_t, cast at this boundary only. jansson keeps
 * object keys in insertion order when dumping with JSON_PRESERVE_ORDER and
 * iterating with json_object_iter, which the API promises.
 */
#include "base/json.h"

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/xalloc.h"

#define J(x) ((json_t *)(x))
#define CJ(x) ((const json_t *)(x))
#define V(x) ((struct jv *)(x))

/* Depth of text nesting, ignoring brackets inside strings. */
static int nesting_depth(const char *s, size_t n, size_t *where)
{
    int depth = 0, max = 0;
    bool in_str = false;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (in_str) {
            if (c == '\\')
                i++;
            else if (c == '"')
                in_str = false;
        } else if (c == '"') {
            in_str = true;
        } else if (c == '[' || c == '{') {
            if (++depth > max) {
                max = depth;
                if (max > JV_MAX_DEPTH) {
                    *where = i;
                    return max;
                }
            }
        } else if (c == ']' || c == '}') {
            depth--;
        }
    }
    return max;
}

static void line_col(const char *s, size_t pos, int *line, int *col)
{
    *line = 1;
    *col = 1;
    for (size_t i = 0; i < pos; i++) {
        if (s[i] == '\n') {
            (*line)++;
            *col = 1;
        } else {
            (*col)++;
        }
    }
}

struct jv *jv_parse(const char *text, size_t len, struct kith_err *err)
{
    size_t where = 0;
    if (nesting_depth(text, len, &where) > JV_MAX_DEPTH) {
        int line, col;
        line_col(text, where, &line, &col);
        kith_errf(err, KITH_EINVAL,
                  "line %d, column %d: nesting deeper than %d levels", line,
                  col, JV_MAX_DEPTH);
        return NULL;
    }
    json_error_t je;
    json_t *j = json_loadb(text, len, JSON_DECODE_ANY | JSON_ALLOW_NUL, &je);
    if (!j) {
        kith_errf(err, KITH_EINVAL, "line %d, column %d: %s", je.line,
                  je.column, je.text);
        return NULL;
    }
    return V(j);
}

char *jv_dump(const struct jv *j)
{
    struct buf b = BUF_INIT;
    jv_write(&b, j);
    return buf_detach(&b, NULL);
}

static int dump_cb(const char *s, size_t n, void *data)
{
    return buf_append(data, s, n) < 0 ? -1 : 0;
}

int jv_write(struct buf *b, const struct jv *j)
{
    if (!j)
        return buf_appends(b, "null");
    if (json_dump_callback(CJ(j), dump_cb, b,
                           JSON_COMPACT | JSON_PRESERVE_ORDER |
                               JSON_ENCODE_ANY | JSON_REAL_PRECISION(17)) < 0)
        return KITH_ETOOBIG;
    return KITH_OK;
}

struct jv *jv_ref(struct jv *j)
{
    return V(json_incref(J(j)));
}

void jv_free(struct jv *j)
{
    if (j)
        json_decref(J(j));
}

struct jv *jv_copy(const struct jv *j)
{
    return V(json_deep_copy(CJ(j)));
}

bool jv_equal(const struct jv *a, const struct jv *b)
{
    return json_equal(CJ(a), CJ(b));
}

enum jv_type jv_type(const struct jv *j)
{
    if (!j)
        return JV_NULL;
    switch (json_typeof(CJ(j))) {
    case JSON_OBJECT: return JV_OBJECT;
    case JSON_ARRAY: return JV_ARRAY;
    case JSON_STRING: return JV_STRING;
    case JSON_INTEGER: return JV_INT;
    case JSON_REAL: return JV_REAL;
    case JSON_TRUE:
    case JSON_FALSE: return JV_BOOL;
    case JSON_NULL: return JV_NULL;
    }
    return JV_NULL;
}

const char *jv_str(const struct jv *j)
{
    return j ? json_string_value(CJ(j)) : NULL;
}

size_t jv_strlen(const struct jv *j)
{
    return j ? json_string_length(CJ(j)) : 0;
}

int64_t jv_int(const struct jv *j)
{
    return j ? (int64_t)json_integer_value(CJ(j)) : 0;
}

double jv_num(const struct jv *j)
{
    return j ? json_number_value(CJ(j)) : 0.0;
}

bool jv_bool(const struct jv *j)
{
    return j && json_is_true(CJ(j));
}

struct jv *jv_get(const struct jv *obj, const char *key)
{
    return obj ? V(json_object_get(CJ(obj), key)) : NULL;
}

size_t jv_len(const struct jv *j)
{
    if (!j)
        return 0;
    if (json_is_array(CJ(j)))
        return json_array_size(CJ(j));
    if (json_is_object(CJ(j)))
        return json_object_size(CJ(j));
    return 0;
}

struct jv *jv_at(const struct jv *arr, size_t i)
{
    return arr ? V(json_array_get(CJ(arr), i)) : NULL;
}

const char *jv_next(const struct jv *obj, void **it, struct jv **val)
{
    if (!obj || !json_is_object(CJ(obj)))
        return NULL;
    union {
        const json_t *c;
        json_t *m;
    } o = { CJ(obj) }; /* jansson's iterators take a mutable pointer */
    void *i = *it ? json_object_iter_next(o.m, *it) : json_object_iter(o.m);
    *it = i;
    if (!i)
        return NULL;
    *val = V(json_object_iter_value(i));
    return json_object_iter_key(i);
}

struct jv *jv_object(void) { return V(json_object()); }
struct jv *jv_array(void) { return V(json_array()); }
struct jv *jv_string(const char *s) { return V(json_stringn_nocheck(s, strlen(s))); }
struct jv *jv_stringn(const char *s, size_t n) { return V(json_stringn_nocheck(s, n)); }
struct jv *jv_integer(int64_t v) { return V(json_integer((json_int_t)v)); }
struct jv *jv_real(double v) { return V(json_real(v)); }
struct jv *jv_boolean(bool v) { return V(json_boolean(v)); }
struct jv *jv_null(void) { return V(json_null()); }

void jv_set_take(struct jv *obj, const char *key, struct jv *val)
{
    json_object_set_new(J(obj), key, J(val));
}

void jv_del(struct jv *obj, const char *key)
{
    json_object_del(J(obj), key);
}

void jv_push_take(struct jv *arr, struct jv *val)
{
    json_array_append_new(J(arr), J(val));
}

/* ---- streaming writer ---- */

void jw_init(struct jw *w, struct buf *out)
{
    w->out = out;
    w->depth = 0;
    w->first[0] = true;
}

/* Emit the separator before a value (not after a key). */
static void sep(struct jw *w)
{
    if (!w->first[w->depth])
        buf_appendc(w->out, ',');
    w->first[w->depth] = false;
}

static void open(struct jw *w, char c)
{
    sep(w);
    buf_appendc(w->out, c);
    if (w->depth + 1 < JW_MAX_DEPTH)
        w->depth++;
    w->first[w->depth] = true;
}

static void close_(struct jw *w, char c)
{
    buf_appendc(w->out, c);
    if (w->depth > 0)
        w->depth--;
}

void jw_obj(struct jw *w) { open(w, '{'); }
void jw_end_obj(struct jw *w) { close_(w, '}'); }
void jw_arr(struct jw *w) { open(w, '['); }
void jw_end_arr(struct jw *w) { close_(w, ']'); }

void jw_key(struct jw *w, const char *key)
{
    sep(w);
    json_quote(w->out, key, strlen(key));
    buf_appendc(w->out, ':');
    w->first[w->depth] = true; /* the value that follows takes no comma */
}

void jw_strn(struct jw *w, const char *s, size_t n)
{
    sep(w);
    json_quote(w->out, s, n);
}

void jw_str(struct jw *w, const char *s)
{
    jw_strn(w, s, strlen(s));
}

void jw_int(struct jw *w, int64_t v)
{
    sep(w);
    buf_appendf(w->out, "%lld", (long long)v);
}

void jw_real(struct jw *w, double v)
{
    sep(w);
    if (!isfinite(v)) {
        buf_appends(w->out, "null");
        return;
    }
    char tmp[40];
    snprintf(tmp, sizeof(tmp), "%.17g", v);
    /* Prefer the shortest text that reads back as the same double. */
    for (int prec = 1; prec < 17; prec++) {
        char t2[40];
        snprintf(t2, sizeof(t2), "%.*g", prec, v);
        if (strtod(t2, NULL) == v) {
            memcpy(tmp, t2, sizeof(t2));
            break;
        }
    }
    buf_appends(w->out, tmp);
}

void jw_bool(struct jw *w, bool v)
{
    sep(w);
    buf_appends(w->out, v ? "true" : "false");
}

void jw_null(struct jw *w)
{
    sep(w);
    buf_appends(w->out, "null");
}

void jw_raw(struct jw *w, const char *json, size_t n)
{
    sep(w);
    buf_append(w->out, json, n);
}

void jw_value(struct jw *w, const struct jv *j)
{
    sep(w);
    jv_write(w->out, j);
}

void json_quote(struct buf *b, const char *s, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    buf_grow(b, n + 2);
    buf_appendc(b, '"');
    size_t run = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x20 && c != '"' && c != '\\')
            continue;
        buf_append(b, s + run, i - run);
        run = i + 1;
        switch (c) {
        case '"': buf_appends(b, "\\\""); break;
        case '\\': buf_appends(b, "\\\\"); break;
        case '\n': buf_appends(b, "\\n"); break;
        case '\r': buf_appends(b, "\\r"); break;
        case '\t': buf_appends(b, "\\t"); break;
        default: {
            char u[7] = { '\\', 'u', '0', '0', hex[c >> 4], hex[c & 15], 0 };
            buf_append(b, u, 6);
        }
        }
    }
    buf_append(b, s + run, n - run);
    buf_appendc(b, '"');
}
