/*
 * clock: UTC timestamps with an override for tests. See clock.h.
 */
#include "base/clock.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

void clock_now_iso(char out[CLOCK_ISO_LEN])
{
    const char *fixed = getenv("KITH_NOW");
    if (fixed && *fixed) {
        snprintf(out, CLOCK_ISO_LEN, "%s", fixed);
        return;
    }
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    struct tm tm;
    gmtime_r(&ts.tv_sec, &tm);
    size_t n = strftime(out, CLOCK_ISO_LEN, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(out + n, CLOCK_ISO_LEN - n, ".%03dZ",
             (int)(ts.tv_nsec / 1000000) % 1000);
}

void clock_today(char out[CLOCK_ISO_LEN])
{
    clock_now_iso(out);
    out[10] = '\0';
}

int64_t clock_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}
