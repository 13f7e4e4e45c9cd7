/*
 * auth: the bearer token and the Host check (DNS-rebinding defence).
 */
#include "http/http_int.h"

#include <string.h>
#include <strings.h>

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

bool http_auth(const struct http_req *rq, struct http_resp *rs)
{
    if (rq->loopback && !loopback_host(rq->host)) {
        http_error(rs, 403, "forbidden",
                   "this server answers only to localhost, 127.0.0.1 or "
                   "[::1]");
        return false;
    }
    const char *a = rq->authorization;
    const char *tok = rq->opts->token;
    if (!a || strncasecmp(a, "Bearer ", 7)) {
        http_error(rs, 401, "unauthorized",
                   "missing token: send Authorization: Bearer <token> "
                   "(the workspace's token file)");
        return false;
    }
    a += 7;
    while (*a == ' ')
        a++;
    if (!same_secret(a, strlen(a), tok, strlen(tok))) {
        http_error(rs, 401, "unauthorized", "wrong token");
        return false;
    }
    return true;
}
