/*
 * jread: the allocation-free JSON reader. See jread.h.
 *
 * Every read validates what it passes over, with jansson's rules as
 * jv_parse() applies them (the differential fuzzer fuzz/fuzz_jread.c
 * holds the two to the same verdict). Strings are scanned once to
 * validate them (UTF-8, escapes) and decoded only when asked for, by a
 * second pass that trusts what the first one checked.
 */
#include "base/jread.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/utf8.h"

/* Significant digits kept when a real is rewritten for strtod, plus a
   sticky 1 when a dropped digit was not 0: a tie between two doubles has
   at most 767 significant digits, so the rounding is strtod's own. */
#define JR_NUM_DIGITS 1100

static int fail(struct jr *r, size_t pos, const char *why)
{
    if (!r->why) {
        r->why = why;
        r->err_pos = pos;
    }
    return KITH_EINVAL;
}

/* KITH_OK when r can read: no earlier error, and a text to read. */
static int usable(const struct jr *r)
{
    if (r->why)
        return KITH_EINVAL;
    return r->text ? KITH_OK : KITH_ENOTFOUND;
}

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static void skip_ws(struct jr *r)
{
    while (r->pos < r->len) {
        char c = r->text[r->pos];
        if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
            return;
        r->pos++;
    }
}

void jr_init(struct jr *r, const char *text, size_t len)
{
    memset(r, 0, sizeof(*r));
    r->text = text ? text : "";
    r->len = text ? len : 0;
}

/* ---- strings ---- */

static int hex4(const char *p)
{
    int v = 0;
    for (int i = 0; i < 4; i++) {
        char c = p[i];
        int d = c >= '0' && c <= '9'   ? c - '0'
                : c >= 'a' && c <= 'f' ? c - 'a' + 10
                : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                       : -1;
        if (d < 0)
            return -1;
        v = v * 16 + d;
    }
    return v;
}

/*
 * Check the escape at s[i] ('\\') of a string in s[0..n): its length,
 * or 0 with *why. key: a \u0000 is refused (jansson refuses NUL in keys).
 */
static size_t check_escape(const char *s, size_t i, size_t n, bool key,
                           const char **why)
{
    if (i + 1 >= n) {
        *why = "premature end of input in a string";
        return 0;
    }
    if (s[i + 1] && strchr("\"\\/bfnrt", s[i + 1]))
        return 2;
    if (s[i + 1] != 'u' || i + 6 > n || hex4(s + i + 2) < 0) {
        *why = "invalid escape in a string";
        return 0;
    }
    int cp = hex4(s + i + 2);
    if (cp >= 0xDC00 && cp <= 0xDFFF) {
        *why = "invalid Unicode escape (a lone low surrogate)";
        return 0;
    }
    if (cp >= 0xD800 && cp <= 0xDBFF) {
        int lo = i + 12 <= n && s[i + 6] == '\\' && s[i + 7] == 'u'
                     ? hex4(s + i + 8)
                     : -1;
        if (lo < 0xDC00 || lo > 0xDFFF) {
            *why = "invalid Unicode escape (a high surrogate without its "
                   "low surrogate)";
            return 0;
        }
        return 12;
    }
    if (cp == 0 && key) {
        *why = "NUL byte in an object key";
        return 0;
    }
    return 6;
}

/*
 * Decode the escape at p (already checked) into out as UTF-8: returns
 * the escape's length and sets *outn.
 */
static size_t unescape(const char *p, char out[4], size_t *outn)
{
    static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
    if (p[1] != 'u') {
        out[0] = to[strchr(from, p[1]) - from];
        *outn = 1;
        return 2;
    }
    uint32_t cp = (uint32_t)hex4(p + 2);
    size_t used = 6;
    if (cp >= 0xD800 && cp <= 0xDBFF) {
        cp = 0x10000 + ((cp - 0xD800) << 10) + ((uint32_t)hex4(p + 8) - 0xDC00);
        used = 12;
    }
    if (cp < 0x80) {
        out[0] = (char)cp;
        *outn = 1;
    } else if (cp < 0x800) {
        out[0] = (char)(0xC0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3F));
        *outn = 2;
    } else if (cp < 0x10000) {
        out[0] = (char)(0xE0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        *outn = 3;
    } else {
        out[0] = (char)(0xF0 | (cp >> 18));
        out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
        out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[3] = (char)(0x80 | (cp & 0x3F));
        *outn = 4;
    }
    return used;
}

/*
 * Validate the string whose '"' is at r->pos and move past it; *raw and
 * *rawlen give its inside, *escaped whether it holds any backslash.
 */
static int scan_string(struct jr *r, bool key, const char **raw,
                       size_t *rawlen, bool *escaped)
{
    const char *s = r->text;
    size_t n = r->len, i = r->pos + 1;
    bool esc = false;
    for (;;) {
        while (i < n) {
            unsigned char c = (unsigned char)s[i];
            if (c < 0x20 || c >= 0x80 || c == '"' || c == '\\')
                break;
            i++;
        }
        if (i >= n)
            return fail(r, i, "premature end of input in a string");
        unsigned char c = (unsigned char)s[i];
        if (c == '"')
            break;
        if (c == '\\') {
            const char *why = NULL;
            size_t used = check_escape(s, i, n, key, &why);
            if (!used)
                return fail(r, i, why);
            esc = true;
            i += used;
        } else if (c < 0x20) {
            return fail(r, i, c == '\n' ? "unexpected newline in a string"
                                        : "control character in a string");
        } else {
            uint32_t cp;
            size_t k = utf8_decode(s + i, n - i, &cp);
            if (!k)
                return fail(r, i, "invalid UTF-8 in a string");
            i += k;
        }
    }
    *raw = s + r->pos + 1;
    *rawlen = i - r->pos - 1;
    *escaped = esc;
    r->pos = i + 1;
    return KITH_OK;
}

/* Append the checked string inside raw[0..n) to out, escapes decoded. */
static int decode_into(const char *raw, size_t n, struct buf *out)
{
    size_t run = 0;
    for (size_t i = 0; i < n;) {
        if (raw[i] != '\\') {
            i++;
            continue;
        }
        char u[4];
        size_t un;
        int ret = buf_append(out, raw + run, i - run);
        if (ret < 0)
            return ret;
        i += unescape(raw + i, u, &un);
        if ((ret = buf_append(out, u, un)) < 0)
            return ret;
        run = i;
    }
    return buf_append(out, raw + run, n - run);
}

int jr_key_decode(const char *key, size_t keylen, struct buf *out)
{
    return decode_into(key, keylen, out);
}

bool jr_key_is(const char *key, size_t keylen, const char *name)
{
    if (!memchr(key, '\\', keylen))
        return strlen(name) == keylen && !memcmp(key, name, keylen);
    size_t j = 0;
    for (size_t i = 0; i < keylen;) {
        if (key[i] != '\\') { /* never NUL: scan_string refused it */
            if (name[j] != key[i])
                return false;
            i++;
            j++;
            continue;
        }
        char u[4];
        size_t un;
        i += unescape(key + i, u, &un);
        for (size_t k = 0; k < un; k++, j++)
            if (name[j] != u[k])
                return false;
    }
    return name[j] == '\0';
}

/*
 * Where reading goes on after a number or a literal ending at i: jansson
 * drops one NUL byte right after one (it puts the byte after a token back
 * and takes the NUL for "no byte kept"), so "[1\0]" is valid for
 * jv_parse, and then for the reader too.
 */
static size_t skip_jansson_nul(const struct jr *r, size_t i)
{
    return i < r->len && r->text[i] == '\0' ? i + 1 : i;
}

/* ---- numbers ---- */

struct num {
    size_t start, end;          /* the whole text */
    size_t int_at, int_end;     /* integer digits */
    size_t frac_at, frac_end;   /* fraction digits (empty when none) */
    int64_t exp;                /* exponent, clamped to +-1e9 */
    bool neg, is_int;
};

/* The decimal exponent of the first significant digit (value in
   [10^mag, 10^(mag+1))); false when every digit is 0. */
static bool magnitude(const char *s, const struct num *nm, int64_t *mag)
{
    for (size_t i = nm->int_at; i < nm->int_end; i++)
        if (s[i] != '0') {
            *mag = (int64_t)(nm->int_end - i) - 1 + nm->exp;
            return true;
        }
    for (size_t i = nm->frac_at; i < nm->frac_end; i++)
        if (s[i] != '0') {
            *mag = -(int64_t)(i - nm->frac_at) - 1 + nm->exp;
            return true;
        }
    return false;
}

/*
 * The number's value as strtod reads it, from a rewritten copy
 * "-0.DDDDe+M" of at most JR_NUM_DIGITS significant digits (the text
 * itself is not NUL-terminated).
 */
static double num_value(const char *s, const struct num *nm)
{
    char tmp[JR_NUM_DIGITS + 40];
    size_t k = 0, digits = 0;
    int64_t mag;
    if (!magnitude(s, nm, &mag))
        return nm->neg ? -0.0 : 0.0;
    if (nm->neg)
        tmp[k++] = '-';
    tmp[k++] = '0';
    tmp[k++] = '.';
    const size_t from[2] = { nm->int_at, nm->frac_at };
    const size_t to[2] = { nm->int_end, nm->frac_end };
    bool started = false, dropped = false;
    for (size_t part = 0; part < 2; part++)
        for (size_t i = from[part]; i < to[part]; i++) {
            started = started || s[i] != '0';
            if (started && digits < JR_NUM_DIGITS) {
                tmp[k++] = s[i];
                digits++;
            } else if (started && s[i] != '0') {
                dropped = true;
            }
        }
    if (dropped)
        tmp[k++] = '1';
    snprintf(tmp + k, sizeof(tmp) - k, "e%lld", (long long)(mag + 1));
    return strtod(tmp, NULL);
}

/* Whether the integer digits fit int64_t. */
static bool int_fits(const char *s, const struct num *nm)
{
    static const char max[] = "9223372036854775807";
    size_t nd = nm->int_end - nm->int_at;
    if (nd != sizeof(max) - 1)
        return nd < sizeof(max) - 1;
    int c = memcmp(s + nm->int_at, max, nd);
    /* -9223372036854775808 fits: one more than max */
    return c <= 0 ||
           (nm->neg && !memcmp(s + nm->int_at, "9223372036854775808", nd));
}

static int scan_number(struct jr *r, struct num *nm)
{
    const char *s = r->text;
    size_t n = r->len, i = r->pos;
    memset(nm, 0, sizeof(*nm));
    nm->start = i;
    if (s[i] == '-') {
        nm->neg = true;
        i++;
    }
    if (i >= n || !is_digit(s[i]))
        return fail(r, i, "invalid number (a digit expected)");
    nm->int_at = i;
    if (s[i] == '0') {
        i++;
        if (i < n && is_digit(s[i]))
            return fail(r, i, "invalid number (a leading zero)");
    } else {
        while (i < n && is_digit(s[i]))
            i++;
    }
    nm->int_end = nm->frac_at = nm->frac_end = i;
    nm->is_int = true;
    if (i < n && s[i] == '.') {
        nm->is_int = false;
        nm->frac_at = ++i;
        if (i >= n || !is_digit(s[i]))
            return fail(r, i, "invalid number (a digit expected after '.')");
        while (i < n && is_digit(s[i]))
            i++;
        nm->frac_end = i;
    }
    if (i < n && (s[i] == 'e' || s[i] == 'E')) {
        bool eneg = false;
        nm->is_int = false;
        i++;
        if (i < n && (s[i] == '+' || s[i] == '-'))
            eneg = s[i++] == '-';
        if (i >= n || !is_digit(s[i]))
            return fail(r, i, "invalid number (a digit expected in the "
                              "exponent)");
        while (i < n && is_digit(s[i])) {
            if (nm->exp < 1000000000)
                nm->exp = nm->exp * 10 + (s[i] - '0');
            i++;
        }
        if (eneg)
            nm->exp = -nm->exp;
    }
    nm->end = i;
    if (nm->is_int && !int_fits(s, nm))
        return fail(r, nm->start, "integer out of range (int64)");
    int64_t mag;
    if (!nm->is_int && magnitude(s, nm, &mag) && mag >= 308 &&
        (mag > 308 || isinf(num_value(s, nm))))
        return fail(r, nm->start, "real number overflow");
    r->pos = skip_jansson_nul(r, i);
    return KITH_OK;
}

/* ---- values ---- */

static int literal(struct jr *r, const char *word)
{
    size_t n = strlen(word);
    if (r->len - r->pos < n || memcmp(r->text + r->pos, word, n))
        return fail(r, r->pos, "invalid literal (true, false or null "
                               "expected)");
    r->pos = skip_jansson_nul(r, r->pos + n);
    return KITH_OK;
}

int jr_type(struct jr *r)
{
    int ret = usable(r);
    if (ret < 0)
        return ret;
    skip_ws(r);
    if (r->pos >= r->len)
        return fail(r, r->pos, "premature end of input (a value expected)");
    switch (r->text[r->pos]) {
    case '{': return JV_OBJECT;
    case '[': return JV_ARRAY;
    case '"': return JV_STRING;
    case 't':
    case 'f': return JV_BOOL;
    case 'n': return JV_NULL;
    default: break;
    }
    if (r->text[r->pos] != '-' && !is_digit(r->text[r->pos]))
        return fail(r, r->pos, "invalid token (a value expected)");
    struct jr ahead = *r;
    struct num nm;
    if ((ret = scan_number(&ahead, &nm)) < 0)
        return fail(r, ahead.err_pos, ahead.why);
    return nm.is_int ? JV_INT : JV_REAL;
}

static int enter(struct jr *r, char open, const char *what)
{
    int ret = usable(r);
    if (ret < 0)
        return ret;
    skip_ws(r);
    if (r->pos >= r->len || r->text[r->pos] != open)
        return fail(r, r->pos, what);
    if (r->depth >= JR_MAX_DEPTH)
        return fail(r, r->pos, "nesting deeper than 64 levels");
    r->depth++;
    r->pos++;
    r->fresh = true;
    return KITH_OK;
}

/* Before a member or an item: 1 when one follows (after its ','), 0
   after reading the closing bracket. */
static int next_in(struct jr *r, char close, const char *expected)
{
    int ret = usable(r);
    if (ret < 0)
        return ret;
    skip_ws(r);
    if (r->pos >= r->len)
        return fail(r, r->pos, "premature end of input (a ',' or a "
                               "closing bracket expected)");
    char c = r->text[r->pos];
    if (c == close) {
        r->pos++;
        r->depth--;
        r->fresh = false;
        return 0;
    }
    if (!r->fresh) {
        if (c != ',')
            return fail(r, r->pos, expected);
        r->pos++;
        skip_ws(r);
    }
    r->fresh = false;
    return 1;
}

int jr_obj(struct jr *r)
{
    return enter(r, '{', "an object expected");
}

int jr_obj_next(struct jr *r, const char **key, size_t *keylen)
{
    bool was_fresh = r->fresh;
    int ret = next_in(r, '}', "',' or '}' expected after an object member");
    if (ret <= 0)
        return ret;
    if (r->pos >= r->len || r->text[r->pos] != '"')
        return fail(r, r->pos, was_fresh ? "a string (an object key) or '}' "
                                           "expected"
                                         : "a string (an object key) "
                                           "expected");
    bool escaped;
    if ((ret = scan_string(r, true, key, keylen, &escaped)) < 0)
        return ret;
    skip_ws(r);
    if (r->pos >= r->len || r->text[r->pos] != ':')
        return fail(r, r->pos, "':' expected after an object key");
    r->pos++;
    return 1;
}

int jr_arr(struct jr *r)
{
    return enter(r, '[', "an array expected");
}

int jr_arr_next(struct jr *r)
{
    return next_in(r, ']', "',' or ']' expected after an array item");
}

int jr_skip(struct jr *r)
{
    int type = jr_type(r), ret;
    const char *raw;
    size_t rawlen;
    bool escaped;
    struct num nm;
    switch (type) {
    case JV_OBJECT:
        if ((ret = jr_obj(r)) < 0)
            return ret;
        while ((ret = jr_obj_next(r, &raw, &rawlen)) > 0)
            if ((ret = jr_skip(r)) < 0)
                return ret;
        return ret;
    case JV_ARRAY:
        if ((ret = jr_arr(r)) < 0)
            return ret;
        while ((ret = jr_arr_next(r)) > 0)
            if ((ret = jr_skip(r)) < 0)
                return ret;
        return ret;
    case JV_STRING: return scan_string(r, false, &raw, &rawlen, &escaped);
    case JV_INT:
    case JV_REAL: return scan_number(r, &nm);
    case JV_BOOL:
        return literal(r, r->text[r->pos] == 't' ? "true" : "false");
    case JV_NULL: return literal(r, "null");
    default: return type;
    }
}

int jr_raw(struct jr *r, const char **p, size_t *n)
{
    int ret = jr_type(r); /* also skips the whitespace before the value */
    if (ret < 0)
        return ret;
    size_t start = r->pos;
    if ((ret = jr_skip(r)) < 0)
        return ret;
    *p = r->text + start;
    *n = r->pos - start;
    return KITH_OK;
}

/* Move to the next value, which must be of type want. */
static int expect(struct jr *r, int want, const char *what)
{
    int type = jr_type(r);
    if (type < 0)
        return type;
    if (type != want && !(want == JV_REAL && type == JV_INT))
        return fail(r, r->pos, what);
    return KITH_OK;
}

int jr_str(struct jr *r, struct buf *out)
{
    const char *raw;
    size_t rawlen;
    bool escaped;
    int ret = expect(r, JV_STRING, "a string expected");
    if (ret == KITH_OK)
        ret = scan_string(r, false, &raw, &rawlen, &escaped);
    if (ret < 0)
        return ret;
    return escaped ? decode_into(raw, rawlen, out)
                   : buf_append(out, raw, rawlen);
}

int jr_int(struct jr *r, int64_t *v)
{
    struct num nm;
    int ret = expect(r, JV_INT, "an integer expected");
    if (ret == KITH_OK)
        ret = scan_number(r, &nm);
    if (ret < 0)
        return ret;
    int64_t x = 0;
    for (size_t i = nm.int_at; i < nm.int_end; i++) /* fits: checked */
        x = x * 10 - (r->text[i] - '0'); /* negative: reaches INT64_MIN */
    *v = nm.neg ? x : -x;
    return KITH_OK;
}

int jr_num(struct jr *r, double *v)
{
    struct num nm;
    int ret = expect(r, JV_REAL, "a number expected");
    if (ret == KITH_OK)
        ret = scan_number(r, &nm);
    if (ret < 0)
        return ret;
    *v = num_value(r->text, &nm);
    return KITH_OK;
}

int jr_bool(struct jr *r, bool *v)
{
    int ret = expect(r, JV_BOOL, "true or false expected");
    if (ret < 0)
        return ret;
    *v = r->text[r->pos] == 't';
    return literal(r, *v ? "true" : "false");
}

int jr_null(struct jr *r)
{
    int ret = expect(r, JV_NULL, "null expected");
    return ret < 0 ? ret : literal(r, "null");
}

int jr_end(struct jr *r)
{
    int ret = usable(r);
    if (ret < 0)
        return ret;
    skip_ws(r);
    if (r->pos != r->len)
        return fail(r, r->pos, "end of input expected after the value");
    return KITH_OK;
}

int jr_error(const struct jr *r, struct kith_err *err)
{
    int line = 1, col = 1;
    size_t end = r->err_pos < r->len ? r->err_pos : r->len;
    for (size_t i = 0; r->text && i < end; i++) {
        if (r->text[i] == '\n') {
            line++;
            col = 1;
        } else {
            col++;
        }
    }
    return kith_errf(err, KITH_EINVAL, "line %d, column %d: %s", line, col,
                     r->why ? r->why : "no error");
}

bool jr_valid(const char *text, size_t len, struct kith_err *err)
{
    struct jr r;
    jr_init(&r, text, len);
    if (jr_skip(&r) < 0 || jr_end(&r) < 0) {
        jr_error(&r, err);
        return false;
    }
    return true;
}

int jr_members(struct jr *r, const char *const *names, struct jr *found,
               size_t n)
{
    memset(found, 0, n * sizeof(*found));
    if (!r->text && !r->why)
        return KITH_OK;
    int ret = jr_type(r);
    if (ret < 0)
        return ret;
    if (ret != JV_OBJECT)
        return jr_skip(r);
    if ((ret = jr_obj(r)) < 0)
        return ret;
    const char *key;
    size_t keylen;
    while ((ret = jr_obj_next(r, &key, &keylen)) > 0) {
        for (size_t i = 0; i < n; i++)
            if (jr_key_is(key, keylen, names[i])) {
                found[i] = *r; /* the last of duplicates wins */
                break;
            }
        if ((ret = jr_skip(r)) < 0)
            return ret;
    }
    return ret;
}

/* ---- jv-style getters ---- */

int64_t jr_get_int(const struct jr *v)
{
    struct jr c = *v;
    int64_t x = 0;
    if (jr_type(&c) != JV_INT || jr_int(&c, &x) < 0)
        return 0;
    return x;
}

bool jr_get_true(const struct jr *v)
{
    struct jr c = *v;
    bool b = false;
    return jr_type(&c) == JV_BOOL && jr_bool(&c, &b) == KITH_OK && b;
}

int jr_get_str(const struct jr *v, struct buf *out)
{
    struct jr c = *v;
    buf_reset(out);
    if (jr_type(&c) != JV_STRING)
        return 0;
    int ret = jr_str(&c, out);
    return ret < 0 ? ret : 1;
}
