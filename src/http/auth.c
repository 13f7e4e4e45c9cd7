/*
 * auth: who may talk to the server.
 *
 * - Host check (DNS-rebinding defence): on a loopback bind, only requests
 *   naming localhost, 127.0.0.1 or [::1] are answered.
 * - Origin check (CSRF defence): a state-changing request that carries an
 *   Origin header must come from http://<its own Host>.
 * - The token: Authorization: Bearer <token>, or the kith_session cookie
 *   that POST /login sets (it carries the token itself, HttpOnly and
 *   SameSite=Strict). Every comparison with the token is constant-time.
 */
#include "http/http_int.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#define SESSION_COOKIE "kith_session"

/* Whether a Host header names this machine's loopback, with any port. */
static bool loopback_host(const char *host)
{
    if (!host)
        return false;
    size_t n;
    if (host[0] == '[') {
        const char *end = strchr(host, ']');
        if (!end)
            return false;
        n = (size_t)(end - host) + 1;
    } else {
        n = strcspn(host, ":");
    }
    const char *rest = host + n;
    if (*rest == ':') {
        rest++;
        if (!*rest || strspn(rest, "0123456789") != strlen(rest))
            return false;
    } else if (*rest) {
        return false;
    }
    return (n == 9 && !strncasecmp(host, "localhost", 9)) ||
           (n == 9 && !strncmp(host, "127.0.0.1", 9)) ||
           (n == 5 && !strncmp(host, "[::1]", 5));
}

/* Compare in time that depends on the lengths only, not the contents. */
static bool same_secret(const char *a, size_t alen, const char *b,
                        size_t blen)
{
    unsigned char diff = alen != blen;
    for (size_t i = 0; i < alen; i++)
        diff |= (unsigned char)(a[i] ^ b[i % (blen ? blen : 1)]);
    return blen && !diff;
}

/*
 * The value of cookie name in a Cookie header ("a=1; name=v; b=2"), exact
 * name match, surrounding DQUOTEs removed; NULL when absent. *len is set.
 */
static const char *cookie_value(const char *header, const char *name,
                                size_t *len)
{
    size_t name_len = strlen(name);
    const char *p = header;
    while (p && *p) {
        p += strspn(p, " \t;");
        size_t pair_len = strcspn(p, ";");
        const char *eq = memchr(p, '=', pair_len);
        if (eq && (size_t)(eq - p) == name_len && !strncmp(p, name, name_len)) {
            const char *v = eq + 1;
            size_t n = pair_len - (size_t)(v - p);
            while (n && (v[n - 1] == ' ' || v[n - 1] == '\t'))
                n--;
            if (n >= 2 && v[0] == '"' && v[n - 1] == '"')
                v++, n -= 2;
            *len = n;
            return v;
        }
        p += pair_len;
    }
    return NULL;
}

/* On a loopback bind, whether Host names this machine; else answer 403. */
static bool host_ok(const struct http_req *rq, struct http_resp *rs)
{
    if (rq->loopback && !loopback_host(rq->host)) {
        http_error(rs, 403, "forbidden",
                   "this server answers only to localhost, 127.0.0.1 or "
                   "[::1]");
        return false;
    }
    return true;
}

bool http_auth(const struct http_req *rq, struct http_resp *rs)
{
    if (!host_ok(rq, rs))
        return false;
    const char *tok = rq->opts->token;
    size_t tok_len = strlen(tok);
    const char *a = rq->authorization;
    bool bearer = a && !strncasecmp(a, "Bearer ", 7);
    if (bearer) {
        a += 7;
        while (*a == ' ')
            a++;
        if (same_secret(a, strlen(a), tok, tok_len))
            return true;
    }
    size_t clen = 0;
    const char *c = rq->cookie ? cookie_value(rq->cookie, SESSION_COOKIE,
                                              &clen)
                               : NULL;
    if (c && same_secret(c, clen, tok, tok_len))
        return true;
    if (!bearer && !c) {
        http_error(rs, 401, "unauthorized",
                   "missing token: send Authorization: Bearer <token> "
                   "(the workspace's token file) or log in with POST /login");
        return false;
    }
    http_error(rs, 401, "unauthorized", "wrong token");
    return false;
}

bool http_origin_ok(const struct http_req *rq, struct http_resp *rs)
{
    const char *m = rq->method;
    if (!rq->origin || !strcmp(m, "GET") || !strcmp(m, "HEAD") ||
        !strcmp(m, "OPTIONS"))
        return true;
    const char *o = rq->origin;
    if (rq->host && !strncasecmp(o, "http://", 7) &&
        !strcasecmp(o + 7, rq->host))
        return true;
    http_error(rs, 403, "forbidden", "cross-origin request from %.200s refused",
               o);
    return false;
}

/* ---- POST /login and POST /logout ---- */

static int hex_digit(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Append the URL-decoded n bytes of s ("+" is a space) to out. */
static void form_decode(const char *s, size_t n, struct buf *out)
{
    for (size_t i = 0; i < n; i++) {
        int hi, lo;
        if (s[i] == '+') {
            buf_appendc(out, ' ');
        } else if (s[i] == '%' && i + 2 < n &&
                   (hi = hex_digit(s[i + 1])) >= 0 &&
                   (lo = hex_digit(s[i + 2])) >= 0) {
            buf_appendc(out, (char)(hi * 16 + lo));
            i += 2;
        } else {
            buf_appendc(out, s[i]);
        }
    }
}

/* The token field of a form body (token=...&...) into out; false if none. */
static bool form_token(const char *body, size_t len, struct buf *out)
{
    const char *p = body, *end = body + len;
    while (p < end) {
        const char *amp = memchr(p, '&', (size_t)(end - p));
        size_t pair_len = amp ? (size_t)(amp - p) : (size_t)(end - p);
        if (pair_len >= 6 && !strncmp(p, "token=", 6)) {
            form_decode(p + 6, pair_len - 6, out);
            return true;
        }
        p += pair_len + 1;
    }
    return false;
}

/*
 * Whether the request body is a form: Content-Type
 * application/x-www-form-urlencoded and not JSON text (curl -d '{...}'
 * sends JSON with the form type).
 */
static bool is_form(const struct http_req *rq)
{
    const char *ct = rq->content_type;
    static const char form[] = "application/x-www-form-urlencoded";
    size_t n = sizeof(form) - 1;
    if (!ct || strncasecmp(ct, form, n) ||
        (ct[n] && ct[n] != ';' && ct[n] != ' '))
        return false;
    const char *body = rq->body ? rq->body : "";
    return body[strspn(body, " \t\r\n")] != '{';
}

/* Whether every byte of s can stand in a cookie value (RFC 6265). */
static bool cookie_safe(const char *s)
{
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c <= 0x20 || c >= 0x7f || c == '"' || c == ',' || c == ';' ||
            c == '\\')
            return false;
    }
    return true;
}

/* Set the session cookie carrying tok; false if a cookie cannot carry it. */
static bool set_session_cookie(struct http_resp *rs, const char *tok)
{
    int n = snprintf(rs->set_cookie, sizeof(rs->set_cookie),
                     "%s=%s; Path=/; HttpOnly; SameSite=Strict",
                     SESSION_COOKIE, tok);
    if (!cookie_safe(tok) || n < 0 || (size_t)n >= sizeof(rs->set_cookie)) {
        rs->set_cookie[0] = '\0';
        return false;
    }
    return true;
}

/* Answer 200 {"ok": true}. */
static void answer_ok(struct http_resp *rs)
{
    struct jv *ok = jv_object();
    jv_set_take(ok, "ok", jv_boolean(true));
    http_json(rs, 200, ok);
    jv_free(ok);
}

/*
 * POST /login: the token as JSON {"token": "..."} or as a form body
 * token=...; the right one sets the session cookie, which carries the
 * token (HttpOnly, so page scripts cannot read it).
 */
void api_login(struct http_req *rq, struct http_resp *rs)
{
    struct buf given = BUF_INIT;
    bool have = false;
    if (!host_ok(rq, rs))
        return;
    if (is_form(rq)) {
        have = form_token(rq->body, rq->body_len, &given);
    } else {
        struct jv *j = http_body_object(rq, rs);
        if (!j)
            return;
        const struct jv *t = jv_get(j, "token");
        if (jv_type(t) == JV_STRING) {
            buf_append(&given, jv_str(t), jv_strlen(t));
            have = true;
        }
        jv_free(j);
    }
    const char *tok = rq->opts->token;
    if (!have) {
        http_error(rs, 401, "unauthorized",
                   "missing token: send {\"token\": \"...\"} or token=... "
                   "(the workspace's token file)");
    } else if (!same_secret(given.buf, given.len, tok, strlen(tok))) {
        http_error(rs, 401, "unauthorized", "wrong token");
    } else if (!set_session_cookie(rs, tok)) {
        http_error(rs, 422, "invalid",
                   "the workspace token is too long or has characters a "
                   "cookie cannot carry; use Authorization: Bearer instead");
    } else {
        answer_ok(rs);
    }
    buf_release(&given);
}

/* POST /logout: clear the session cookie. */
void api_logout(struct http_req *rq, struct http_resp *rs)
{
    (void)rq;
    snprintf(rs->set_cookie, sizeof(rs->set_cookie),
             "%s=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict",
             SESSION_COOKIE);
    answer_ok(rs);
}
