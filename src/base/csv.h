/*
 * csv: RFC 4180 CSV, written (and, in csv.c, read) without a whole file
 * in memory.
 *
 * Writing: fields are quoted only when they must be (a comma, a quote, CR
 * or LF inside, or leading/trailing space), with quotes doubled; rows end
 * in CRLF as RFC 4180 says.
 */
#ifndef KITH_CSV_H
#define KITH_CSV_H

#include <stdbool.h>
#include <stddef.h>

#include "base/buf.h"

/* Append one field (not the separator) to b, quoted when needed. */
void csv_append_field(struct buf *b, const char *s, size_t n);
/* Append n fields as a row, comma-separated, ending in CRLF. */
void csv_append_row(struct buf *b, const char *const *fields, size_t n);

#endif
