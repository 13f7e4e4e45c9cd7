/*
 * csv: RFC 4180 CSV writing (and reading). See csv.h.
 */
#include "base/csv.h"

#include <string.h>

void csv_append_field(struct buf *b, const char *s, size_t n)
{
    bool quote = n && (s[0] == ' ' || s[n - 1] == ' ');
    for (size_t i = 0; i < n && !quote; i++)
        quote = s[i] == ',' || s[i] == '"' || s[i] == '\r' || s[i] == '\n';
    if (!quote) {
        buf_append(b, s, n);
        return;
    }
    buf_appendc(b, '"');
    size_t run = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] != '"')
            continue;
        buf_append(b, s + run, i + 1 - run); /* up to and with the quote */
        buf_appendc(b, '"');
        run = i + 1;
    }
    buf_append(b, s + run, n - run);
    buf_appendc(b, '"');
}

void csv_append_row(struct buf *b, const char *const *fields, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (i)
            buf_appendc(b, ',');
        const char *f = fields[i] ? fields[i] : "";
        csv_append_field(b, f, strlen(f));
    }
    buf_appends(b, "\r\n");
}
