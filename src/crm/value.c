/*
 * value: validation of one field's value by type, and its JSON form.
 *
 * Input is either the type's text form (the CLI, CSV) or a JSON value (the
 * API, the agent); both go through value_parse, so every front end accepts
 * and refuses exactly the same things. A refusal names the field and says
 * what was wrong: "email: 'ann@' is not an email address".
 *
 * Stored forms (what plain SQL sees): text types as TEXT; number and
 * currency as INTEGER when whole, else REAL; boolean 0/1; rating 1-5;
 * date YYYY-MM-DD; datetime YYYY-MM-DDTHH:MM:SSZ (UTC); multi_select a JSON
 * array of options; relation the target's id.
 */
#include "crm/crm_int.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/suggest.h"
#include "base/utf8.h"
#include "base/xalloc.h"

#define TEXT_MAX (64 * 1024)
#define LONG_TEXT_MAX (1024 * 1024)

void value_release(struct crm_val *v)
{
    free(v->s);
    memset(v, 0, sizeof(*v));
}

static void set_text(struct crm_val *v, const char *s, size_t n)
{
    v->kind = DB_TEXT;
    v->s = xstrndup(s, n);
}

/* Trim ASCII space from both ends: *s and *n are narrowed. */
static void trim(const char **s, size_t *n)
{
    while (*n && isspace((unsigned char)**s))
        (*s)++, (*n)--;
    while (*n && isspace((unsigned char)(*s)[*n - 1]))
        (*n)--;
}

/* Show at most 60 bytes of a bad value in a message. */
static const char *shown(const char *s, size_t n, char out[72])
{
    size_t k = n > 60 ? 60 : n;
    while (k < n && k > 0 && ((unsigned char)s[k] & 0xC0) == 0x80)
        k--;
    snprintf(out, 72, "%.*s%s", (int)k, s, k < n ? "..." : "");
    return out;
}

/* ---- numbers ---- */

static int parse_number(const char *s, size_t n, bool currency,
                        struct crm_val *v)
{
    char tmp[64];
    size_t k = 0;
    if (currency && n) {
        static const char *const symbols[] = { "$", "\xe2\x82\xac", "\xc2\xa3",
                                               "\xc2\xa5" };
        for (size_t i = 0; i < 4; i++) {
            size_t l = strlen(symbols[i]);
            if (n >= l && !memcmp(s, symbols[i], l)) {
                s += l, n -= l;
                break;
            }
        }
    }
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        /* Thousands separators only between digits, in currency. */
        if (currency && c == ',' && i > 0 && i + 1 < n &&
            isdigit((unsigned char)s[i - 1]) && isdigit((unsigned char)s[i + 1]))
            continue;
        if (k + 1 >= sizeof(tmp))
            return KITH_EINVAL;
        tmp[k++] = c;
    }
    tmp[k] = '\0';
    if (!k)
        return KITH_EINVAL;
    for (size_t i = 0; i < k; i++)
        if (!isdigit((unsigned char)tmp[i]) && !strchr("+-.eE", tmp[i]))
            return KITH_EINVAL;
    char *end;
    errno = 0;
    double d = strtod(tmp, &end);
    if (*end || errno == ERANGE || !isfinite(d))
        return KITH_EINVAL;
    if (d == floor(d) && fabs(d) < 9007199254740992.0) {
        v->kind = DB_INT;
        v->i = (int64_t)d;
    } else {
        v->kind = DB_REAL;
        v->d = d;
    }
    return KITH_OK;
}

/* ---- dates ---- */

/* Read exactly w digits at s into *out. */
static bool digits(const char *s, size_t n, size_t w, int *out)
{
    if (n < w)
        return false;
    int v = 0;
    for (size_t i = 0; i < w; i++) {
        if (!isdigit((unsigned char)s[i]))
            return false;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return true;
}

static bool parse_ymd(const char *s, size_t n, int *y, int *m, int *d)
{
    return n >= 10 && digits(s, n, 4, y) && s[4] == '-' &&
           digits(s + 5, n - 5, 2, m) && s[7] == '-' &&
           digits(s + 8, n - 8, 2, d) && *y >= 1 && *m >= 1 && *m <= 12 &&
           *d >= 1 && *d <= clock_days_in_month(*y, *m);
}

static int parse_date(const char *s, size_t n, struct crm_val *v)
{
    int y, m, d;
    if (n != 10 || !parse_ymd(s, n, &y, &m, &d))
        return KITH_EINVAL;
    set_text(v, s, n);
    return KITH_OK;
}

/*
 * YYYY-MM-DD[T ]HH:MM[:SS[.fff]][Z|+HH:MM|-HH:MM], normalised to UTC
 * seconds. A date alone means midnight UTC.
 */
static int parse_datetime(const char *s, size_t n, struct crm_val *v)
{
    int y, mo, d, h = 0, mi = 0, sec = 0, oh = 0, om = 0, sign = 1;
    if (!parse_ymd(s, n, &y, &mo, &d))
        return KITH_EINVAL;
    size_t i = 10;
    if (i < n) {
        if ((s[i] != 'T' && s[i] != 't' && s[i] != ' ') ||
            !digits(s + i + 1, n - i - 1, 2, &h) || i + 3 >= n ||
            s[i + 3] != ':' || !digits(s + i + 4, n - i - 4, 2, &mi))
            return KITH_EINVAL;
        i += 6;
        if (i < n && s[i] == ':') {
            if (!digits(s + i + 1, n - i - 1, 2, &sec))
                return KITH_EINVAL;
            i += 3;
            if (i < n && s[i] == '.') {
                i++;
                size_t start = i;
                while (i < n && isdigit((unsigned char)s[i]))
                    i++;
                if (i == start)
                    return KITH_EINVAL;
            }
        }
        if (i < n && (s[i] == 'Z' || s[i] == 'z')) {
            i++;
        } else if (i < n && (s[i] == '+' || s[i] == '-')) {
            sign = s[i] == '-' ? -1 : 1;
            if (!digits(s + i + 1, n - i - 1, 2, &oh))
                return KITH_EINVAL;
            i += 3;
            if (i < n && s[i] == ':')
                i++;
            if (!digits(s + i, n - i, 2, &om))
                return KITH_EINVAL;
            i += 2;
        }
        if (i != n || h > 23 || mi > 59 || sec > 60 || oh > 14 || om > 59)
            return KITH_EINVAL;
    }
    if (sec == 60)
        sec = 59;
    int64_t t = clock_days_from_civil(y, mo, d) * 86400 + h * 3600 +
                mi * 60 + sec - sign * (oh * 3600 + om * 60);
    int64_t days = t >= 0 ? t / 86400 : (t - 86399) / 86400;
    int64_t rem = t - days * 86400;
    clock_civil_from_days(days, &y, &mo, &d);
    if (y < 1 || y > 9999)
        return KITH_EINVAL;
    char out[32];
    snprintf(out, sizeof(out), "%04d-%02d-%02dT%02d:%02d:%02dZ", y, mo, d,
             (int)(rem / 3600), (int)(rem % 3600 / 60), (int)(rem % 60));
    set_text(v, out, strlen(out));
    return KITH_OK;
}

/* ---- text-like types ---- */

static bool valid_email(const char *s, size_t n)
{
    if (n < 3 || n > 254)
        return false;
    const char *at = memchr(s, '@', n);
    if (!at || at == s || memchr(at + 1, '@', n - (size_t)(at - s) - 1))
        return false;
    size_t dl = n - (size_t)(at - s) - 1;
    const char *dom = at + 1;
    if (dl < 3 || dom[0] == '.' || dom[dl - 1] == '.' ||
        !memchr(dom, '.', dl))
        return false;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c <= ' ' || c == '(' || c == ')' || c == ',' || c == ';' ||
            c == ':' || c == '<' || c == '>' || c == '[' || c == ']' ||
            c == '"' || c == '\\')
            return false;
    }
    for (size_t i = 1; i < dl; i++)
        if (dom[i] == '.' && dom[i - 1] == '.')
            return false;
    return true;
}

static bool valid_phone(const char *s, size_t n)
{
    size_t ndigits = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (isdigit(c))
            ndigits++;
        else if (!strchr(" +-().x", c) && !(c == 'e' || c == 't'))
            return false;
    }
    return ndigits >= 3 && ndigits <= 20 && n <= 40;
}

static int parse_url(const char *s, size_t n, struct crm_val *v)
{
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] <= ' ')
            return KITH_EINVAL;
    bool scheme = (n > 7 && !strncasecmp(s, "http://", 7)) ||
                  (n > 8 && !strncasecmp(s, "https://", 8));
    if (!scheme) {
        /* A bare host ("acme.com/about") gets https:// in front. */
        const char *colon = memchr(s, ':', n);
        const char *dot = memchr(s, '.', n);
        if (colon || !dot || dot == s || n > 2000)
            return KITH_EINVAL;
        v->kind = DB_TEXT;
        v->s = xmalloc(n + 9);
        memcpy(v->s, "https://", 8);
        memcpy(v->s + 8, s, n);
        v->s[n + 8] = '\0';
        return KITH_OK;
    }
    const char *host = s + (s[4] == ':' ? 7 : 8);
    if (host >= s + n || *host == '/' || n > 2048)
        return KITH_EINVAL;
    set_text(v, s, n);
    return KITH_OK;
}

/* ---- options ---- */

static const char *match_option(const struct crm_field *f, const char *s,
                                size_t n)
{
    for (size_t i = 0; i < f->noptions; i++)
        if (strlen(f->options[i]) == n && !strncasecmp(f->options[i], s, n))
            return f->options[i];
    return NULL;
}

static int bad_option(const struct crm_field *f, const char *s, size_t n,
                      struct kith_err *err)
{
    char tmp[72], word[72];
    shown(s, n, word);
    const char *hint =
        suggest_closest(word, (const char *const *)f->options, f->noptions);
    struct buf all = BUF_INIT;
    for (size_t i = 0; i < f->noptions; i++)
        buf_appendf(&all, "%s%s", i ? ", " : "", f->options[i]);
    int ret;
    if (hint)
        ret = kith_errf(err, KITH_EINVAL,
                        "%s: '%s' is not one of %s; did you mean '%s'?",
                        f->slug, shown(s, n, tmp), all.buf, hint);
    else
        ret = kith_errf(err, KITH_EINVAL, "%s: '%s' is not one of %s",
                        f->slug, shown(s, n, tmp), all.buf);
    buf_release(&all);
    return ret;
}

/* Add one option (given as text) to the array arr, once. */
static int add_option(const struct crm_field *f, struct jv *arr,
                      const char *s, size_t n, struct kith_err *err)
{
    if (!utf8_valid(s, n) || memchr(s, '\0', n))
        return kith_errf(err, KITH_EINVAL, "%s: text is not valid UTF-8",
                         f->slug);
    trim(&s, &n);
    if (!n)
        return KITH_OK;
    const char *opt = match_option(f, s, n);
    if (!opt)
        return bad_option(f, s, n, err);
    for (size_t i = 0; i < jv_len(arr); i++)
        if (!strcmp(jv_str(jv_at(arr, i)), opt))
            return KITH_OK;
    jv_push_take(arr, jv_string(opt));
    return KITH_OK;
}

/* A JSON array of strings, or text "a, b" (or itself a JSON array). */
static int parse_multi(const struct crm_field *f, const struct jv *in,
                       struct crm_val *v, struct kith_err *err)
{
    struct jv *arr = jv_array(), *parsed = NULL;
    int ret = KITH_OK;
    const struct jv *list = in;
    if (jv_type(in) == JV_STRING && jv_str(in)[0] == '[') {
        parsed = jv_parse(jv_str(in), jv_strlen(in), NULL);
        if (jv_type(parsed) == JV_ARRAY)
            list = parsed;
    }
    if (jv_type(list) == JV_ARRAY) {
        for (size_t i = 0; i < jv_len(list) && ret == KITH_OK; i++) {
            const struct jv *e = jv_at(list, i);
            if (jv_type(e) != JV_STRING)
                ret = kith_errf(err, KITH_EINVAL,
                                "%s: item %zu is not text", f->slug, i + 1);
            else
                ret = add_option(f, arr, jv_str(e), jv_strlen(e), err);
        }
    } else {
        const char *s = jv_str(list);
        size_t n = jv_strlen(list), start = 0;
        for (size_t i = 0; i <= n && ret == KITH_OK; i++)
            if (i == n || s[i] == ',') {
                ret = add_option(f, arr, s + start, i - start, err);
                start = i + 1;
            }
    }
    if (ret == KITH_OK && jv_len(arr)) {
        v->kind = DB_TEXT;
        v->s = jv_dump(arr);
    }
    jv_free(arr);
    jv_free(parsed);
    return ret;
}

/* ---- the entry point ---- */

static int parse_bool(const char *s, size_t n, struct crm_val *v)
{
    static const char *const yes[] = { "true", "yes", "1", "y", "on" };
    static const char *const no[] = { "false", "no", "0", "n", "off" };
    for (size_t i = 0; i < 5; i++) {
        if (strlen(yes[i]) == n && !strncasecmp(s, yes[i], n)) {
            v->kind = DB_INT, v->i = 1;
            return KITH_OK;
        }
        if (strlen(no[i]) == n && !strncasecmp(s, no[i], n)) {
            v->kind = DB_INT, v->i = 0;
            return KITH_OK;
        }
    }
    return KITH_EINVAL;
}

/* Parse the text form s[0..n) (already trimmed, not empty). */
static int parse_text_form(const struct crm_field *f, const char *s, size_t n,
                           struct crm_val *v, struct kith_err *err)
{
    char tmp[72];
    switch (f->type) {
    case CRM_TEXT:
    case CRM_LONG_TEXT: {
        size_t max = f->type == CRM_TEXT ? TEXT_MAX : LONG_TEXT_MAX;
        if (n > max)
            return kith_errf(err, KITH_EINVAL,
                             "%s: text is longer than %zu bytes", f->slug,
                             max);
        set_text(v, s, n);
        return KITH_OK;
    }
    case CRM_NUMBER:
    case CRM_CURRENCY:
        if (parse_number(s, n, f->type == CRM_CURRENCY, v) < 0)
            return kith_errf(err, KITH_EINVAL, "%s: '%s' is not a number",
                             f->slug, shown(s, n, tmp));
        return KITH_OK;
    case CRM_RATING:
        if (parse_number(s, n, false, v) < 0 || v->kind != DB_INT ||
            v->i < 1 || v->i > 5)
            return kith_errf(err, KITH_EINVAL,
                             "%s: '%s' is not a rating from 1 to 5", f->slug,
                             shown(s, n, tmp));
        return KITH_OK;
    case CRM_BOOLEAN:
        if (parse_bool(s, n, v) < 0)
            return kith_errf(err, KITH_EINVAL,
                             "%s: '%s' is not true or false (also yes/no, "
                             "1/0)",
                             f->slug, shown(s, n, tmp));
        return KITH_OK;
    case CRM_DATE:
        if (parse_date(s, n, v) < 0)
            return kith_errf(err, KITH_EINVAL,
                             "%s: '%s' is not a date (YYYY-MM-DD)", f->slug,
                             shown(s, n, tmp));
        return KITH_OK;
    case CRM_DATETIME:
        if (parse_datetime(s, n, v) < 0)
            return kith_errf(err, KITH_EINVAL,
                             "%s: '%s' is not a date and time (ISO 8601, "
                             "e.g. 2026-11-26T09:30:00Z)",
                             f->slug, shown(s, n, tmp));
        return KITH_OK;
    case CRM_EMAIL:
        if (!valid_email(s, n))
            return kith_errf(err, KITH_EINVAL,
                             "%s: '%s' is not an email address", f->slug,
                             shown(s, n, tmp));
        set_text(v, s, n);
        return KITH_OK;
    case CRM_PHONE:
        if (!valid_phone(s, n))
            return kith_errf(err, KITH_EINVAL,
                             "%s: '%s' is not a phone number", f->slug,
                             shown(s, n, tmp));
        set_text(v, s, n);
        return KITH_OK;
    case CRM_URL:
        if (parse_url(s, n, v) < 0)
            return kith_errf(err, KITH_EINVAL, "%s: '%s' is not a web address",
                             f->slug, shown(s, n, tmp));
        return KITH_OK;
    case CRM_SELECT: {
        const char *opt = match_option(f, s, n);
        if (!opt)
            return bad_option(f, s, n, err);
        set_text(v, opt, strlen(opt));
        return KITH_OK;
    }
    case CRM_RELATION:
        if (parse_number(s, n, false, v) == KITH_OK) {
            if (v->kind != DB_INT || v->i < 1)
                return kith_errf(err, KITH_EINVAL,
                                 "%s: '%s' is not an entry id", f->slug,
                                 shown(s, n, tmp));
            return KITH_OK;
        }
        set_text(v, s, n); /* a label, resolved by the caller */
        return KITH_OK;
    case CRM_MULTI_SELECT:
        break;
    }
    return kith_errf(err, KITH_EINVAL, "%s: unsupported type", f->slug);
}

int value_parse(const struct crm_field *f, const struct jv *in,
                struct crm_val *v, struct kith_err *err)
{
    memset(v, 0, sizeof(*v));
    enum jv_type t = jv_type(in);
    if (t == JV_NULL)
        return KITH_OK;
    if (f->type == CRM_MULTI_SELECT && (t == JV_ARRAY || t == JV_STRING))
        return parse_multi(f, in, v, err);
    if (f->type == CRM_RELATION && t == JV_OBJECT)
        in = jv_get(in, "id"), t = jv_type(in); /* {"id": 3, "label": ..} */
    char num[64];
    const char *s;
    size_t n;
    switch (t) {
    case JV_STRING:
        s = jv_str(in);
        n = jv_strlen(in);
        if (!utf8_valid(s, n) || memchr(s, '\0', n))
            return kith_errf(err, KITH_EINVAL, "%s: text is not valid UTF-8",
                             f->slug);
        if (f->type != CRM_LONG_TEXT)
            trim(&s, &n); /* "  Ann " is "Ann"; blank is empty */
        if (!n)
            return KITH_OK;
        break;
    case JV_INT:
        snprintf(num, sizeof(num), "%lld", (long long)jv_int(in));
        s = num, n = strlen(num);
        break;
    case JV_REAL:
        /* The shortest text that reads back as the same number. */
        for (int prec = 1; prec <= 17; prec++) {
            snprintf(num, sizeof(num), "%.*g", prec, jv_num(in));
            if (strtod(num, NULL) == jv_num(in))
                break;
        }
        s = num, n = strlen(num);
        break;
    case JV_BOOL:
        if (f->type != CRM_BOOLEAN)
            return kith_errf(err, KITH_EINVAL,
                             "%s: true/false is not a %s", f->slug,
                             crm_type_name(f->type));
        v->kind = DB_INT;
        v->i = jv_bool(in);
        return KITH_OK;
    default:
        return kith_errf(err, KITH_EINVAL, "%s: expected a %s value, not %s",
                         f->slug, crm_type_name(f->type),
                         t == JV_ARRAY ? "a list" : "an object");
    }
    if ((t == JV_INT || t == JV_REAL) &&
        (f->type == CRM_DATE || f->type == CRM_DATETIME ||
         f->type == CRM_EMAIL || f->type == CRM_URL ||
         f->type == CRM_SELECT || f->type == CRM_MULTI_SELECT))
        return kith_errf(err, KITH_EINVAL, "%s: %s is not a %s", f->slug, s,
                         crm_type_name(f->type));
    return parse_text_form(f, s, n, v, err);
}

int value_bind(struct db_stmt *st, int i, const struct crm_val *v)
{
    switch (v->kind) {
    case DB_INT: return db_bind_int(st, i, v->i);
    case DB_REAL: return db_bind_real(st, i, v->d);
    case DB_TEXT: return db_bind_str(st, i, v->s);
    default: return db_bind_null(st, i);
    }
}

void value_write(struct jw *w, const struct crm_field *f, struct db_stmt *st,
                 int col)
{
    switch (db_col_type(st, col)) {
    case DB_NULL:
        jw_null(w);
        return;
    case DB_INT:
        if (f->type == CRM_BOOLEAN)
            jw_bool(w, db_col_int(st, col) != 0);
        else
            jw_int(w, db_col_int(st, col));
        return;
    case DB_REAL:
        jw_real(w, db_col_real(st, col));
        return;
    default:
        break;
    }
    const char *s = db_col_text(st, col);
    size_t n = db_col_bytes(st, col);
    struct jv *list = NULL;
    if (f->type == CRM_MULTI_SELECT && n && s[0] == '[')
        list = jv_parse(s, n, NULL); /* stored as a JSON array */
    if (jv_type(list) == JV_ARRAY)
        jw_value(w, list);
    else
        jw_strn(w, s, n);
    jv_free(list);
}
