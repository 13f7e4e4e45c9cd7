/*
 * retry: when a failed model call is tried again, and after how long.
 *
 * The providers' own SDKs' policy: connection errors, 408, 409, 429, 5xx
 * and 529 are retried unless the answer says retrying cannot help (a
 * quota, a spend limit) or the server's x-should-retry says otherwise; the
 * wait is the server's retry-after-ms or retry-after when it is sensible
 * (above 0, at most 60 s), else 0.5 s doubling per attempt up to 8 s,
 * shortened by up to a quarter at random so that clients spread out.
 */
#include "llm/llm_int.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define RETRY_BASE_MS 500
#define RETRY_CAP_MS 8000
#define RETRY_AFTER_MAX_MS 60000

bool llm_should_retry(int status, bool retryable, int should_retry)
{
    if (should_retry == 1)
        return true;
    if (should_retry == 0 || !retryable)
        return false;
    return status == 0 || status == 408 || status == 409 || status == 429 ||
           status >= 500;
}

int64_t llm_retry_delay_ms(int attempt, int64_t retry_after_ms, double jitter)
{
    if (retry_after_ms > 0 && retry_after_ms <= RETRY_AFTER_MAX_MS)
        return retry_after_ms;
    int64_t d = RETRY_BASE_MS;
    for (int i = 1; i < attempt && d < RETRY_CAP_MS; i++)
        d *= 2;
    if (d > RETRY_CAP_MS)
        d = RETRY_CAP_MS;
    if (jitter < 0 || jitter >= 1)
        jitter = 0;
    return d - (int64_t)((double)d * 0.25 * jitter);
}

int64_t llm_parse_retry_after(const char *value, int64_t now)
{
    if (!value)
        return -1;
    while (isspace((unsigned char)*value))
        value++;
    char *end;
    double secs = strtod(value, &end);
    if (end != value) {
        while (isspace((unsigned char)*end))
            end++;
        if (!*end && secs >= 0 && secs < 1e9)
            return (int64_t)(secs * 1000.0);
    }
    struct tm tm = { 0 }; /* an HTTP date: "Wed, 21 Oct 2015 07:28:00 GMT" */
    const char *rest = strptime(value, "%a, %d %b %Y %H:%M:%S GMT", &tm);
    if (!rest || *rest)
        return -1;
    int64_t at = (int64_t)timegm(&tm);
    return at > now ? (at - now) * 1000 : 0;
}
