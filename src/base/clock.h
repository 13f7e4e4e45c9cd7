/*
 * clock: wall-clock time as kith stores it.
 *
 * Timestamps are ISO 8601 UTC with milliseconds ("2026-11-26T06:00:21.123Z"),
 * which sort correctly as text. KITH_NOW (an ISO timestamp) overrides the
 * clock, so tests and the demo data are deterministic.
 */
#ifndef KITH_CLOCK_H
#define KITH_CLOCK_H

#include <stdint.h>

#define CLOCK_ISO_LEN 32

/* Write the current UTC time as ISO 8601 with milliseconds into out. */
void clock_now_iso(char out[CLOCK_ISO_LEN]);
/* Write today's UTC date as YYYY-MM-DD. */
void clock_today(char out[CLOCK_ISO_LEN]);
/* Milliseconds since the epoch, monotonic enough for timing. */
int64_t clock_ms(void);

/* ---- the proleptic Gregorian calendar ---- */
/* Days in month m (1-12) of year y. */
int clock_days_in_month(int y, int m);
/* Days since 1970-01-01 of y-m-d, and back. */
int64_t clock_days_from_civil(int y, int m, int d);
void clock_civil_from_days(int64_t days, int *y, int *m, int *d);

#endif
