/*
 * csv: RFC 4180 CSV writing, and an incremental reader (a state machine
 * fed chunks of any size, holding one record at a time). See csv.h.
 */
#include "base/csv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/xalloc.h"

void csv_append_field(struct buf *b, const char *s, size_t n)
{
    /* A leading BOM is quoted, or a reader would take it for the file's. */
    bool quote = n && (s[0] == ' ' || s[n - 1] == ' ' ||
                       (n >= 3 && !memcmp(s, "\xEF\xBB\xBF", 3)));
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
    if (n == 1 && !(fields[0] && fields[0][0]))
        buf_appends(b, "\"\""); /* else an empty line, which is no record */
    buf_appends(b, "\r\n");
}

/* ---- reading ---- */

enum {
    ST_RECORD_START, /* no byte of the record yet: skip line breaks */
    ST_FIELD_START,  /* after a comma */
    ST_UNQUOTED,
    ST_QUOTED,
    ST_QUOTE, /* a quote inside a quoted field: doubled, or the closing one */
};

void csv_reader_init(struct csv_reader *r, csv_record_fn *fn, void *ctx)
{
    memset(r, 0, sizeof(*r));
    r->fn = fn;
    r->ctx = ctx;
    r->line = 1;
    buf_init(&r->data, 0);
}

void csv_reader_release(struct csv_reader *r)
{
    buf_release(&r->data);
    free(r->starts);
    free(r->ptrs);
    free(r->lens);
    csv_reader_init(r, r->fn, r->ctx);
}

size_t csv_reader_line(const struct csv_reader *r)
{
    return r->line;
}

/* Count a line break: CR, LF and CRLF are one each. */
static void count_line(struct csv_reader *r, char c)
{
    if (c == '\r' || (c == '\n' && !r->prev_cr))
        r->line++;
    r->prev_cr = c == '\r';
}

static int stop(struct csv_reader *r, int code)
{
    r->failed = code;
    return code;
}

/* Add bytes to the field being read, within CSV_FIELD_MAX. */
static int add_bytes(struct csv_reader *r, const char *s, size_t n,
                     struct kith_err *err)
{
    if (r->data.len - r->field_start + n > CSV_FIELD_MAX)
        return stop(r, kith_errf(err, KITH_ETOOBIG,
                                 "line %zu: field %zu is longer than %d "
                                 "bytes (1 MiB)",
                                 r->line, r->nfields + 1, CSV_FIELD_MAX));
    buf_append(&r->data, s, n);
    return KITH_OK;
}

/* Close the field being read; the next one starts empty. */
static int end_field(struct csv_reader *r, struct kith_err *err)
{
    if (r->nfields >= CSV_COLS_MAX)
        return stop(r, kith_errf(err, KITH_ETOOBIG,
                                 "line %zu: the record has more than %d "
                                 "fields",
                                 r->rec_line, CSV_COLS_MAX));
    if (r->nfields == r->alloc) {
        r->alloc = r->alloc ? r->alloc * 2 : 16;
        r->starts = xrealloc(r->starts, r->alloc * sizeof(*r->starts));
        r->ptrs = xrealloc(r->ptrs, r->alloc * sizeof(*r->ptrs));
        r->lens = xrealloc(r->lens, r->alloc * sizeof(*r->lens));
    }
    buf_appendc(&r->data, '\0');
    r->starts[r->nfields++] = r->field_start;
    r->field_start = r->data.len;
    r->state = ST_FIELD_START;
    return KITH_OK;
}

/* Close the record and hand it to the callback. */
static int end_record(struct csv_reader *r, struct kith_err *err)
{
    int ret = end_field(r, err);
    if (ret < 0)
        return ret;
    for (size_t i = 0; i < r->nfields; i++) {
        size_t end = i + 1 < r->nfields ? r->starts[i + 1] : r->data.len;
        r->ptrs[i] = r->data.buf + r->starts[i];
        r->lens[i] = end - r->starts[i] - 1;
    }
    struct csv_record rec = { r->ptrs, r->lens, r->nfields, r->rec_line };
    ret = r->fn(r->ctx, &rec, err);
    buf_reset(&r->data);
    r->nfields = 0;
    r->field_start = 0;
    r->state = ST_RECORD_START;
    return ret < 0 ? stop(r, ret) : KITH_OK;
}

/* Unquoted bytes up to a comma, quote or line break. */
static int scan_unquoted(struct csv_reader *r, const char *p, size_t n,
                         size_t *i, struct kith_err *err)
{
    size_t j = *i;
    while (j < n && p[j] != ',' && p[j] != '"' && p[j] != '\r' &&
           p[j] != '\n')
        j++;
    if (j > *i) {
        r->prev_cr = false;
        int ret = add_bytes(r, p + *i, j - *i, err);
        if (ret < 0)
            return ret;
    }
    *i = j;
    if (j == n)
        return KITH_OK;
    char c = p[j];
    if (c == '"')
        return stop(r, kith_errf(err, KITH_EINVAL,
                                 "line %zu: a quote inside field %zu, which "
                                 "does not start with one; quote the whole "
                                 "field and double the quotes inside it",
                                 r->line, r->nfields + 1));
    count_line(r, c);
    (*i)++;
    return c == ',' ? end_field(r, err) : end_record(r, err);
}

/* Quoted bytes up to the next quote. */
static int scan_quoted(struct csv_reader *r, const char *p, size_t n,
                       size_t *i, struct kith_err *err)
{
    size_t j = *i;
    while (j < n && p[j] != '"')
        count_line(r, p[j++]);
    int ret = add_bytes(r, p + *i, j - *i, err);
    *i = j;
    if (ret < 0 || j == n)
        return ret;
    r->prev_cr = false;
    (*i)++;
    r->state = ST_QUOTE;
    return KITH_OK;
}

/* The byte after a quote inside a quoted field. */
static int after_quote(struct csv_reader *r, char c, struct kith_err *err)
{
    if (c == '"') {
        r->prev_cr = false;
        r->state = ST_QUOTED;
        return add_bytes(r, "\"", 1, err);
    }
    if (c != ',' && c != '\r' && c != '\n')
        return stop(r, kith_errf(err, KITH_EINVAL,
                                 "line %zu: text after the closing quote "
                                 "of field %zu; a quote inside a quoted "
                                 "field must be doubled (\"\")",
                                 r->line, r->nfields + 1));
    count_line(r, c);
    return c == ',' ? end_field(r, err) : end_record(r, err);
}

/* Run the state machine over n bytes (the BOM already dealt with). */
static int scan(struct csv_reader *r, const char *p, size_t n,
                struct kith_err *err)
{
    size_t i = 0;
    int ret = KITH_OK;
    while (i < n && ret == KITH_OK) {
        char c = p[i];
        switch (r->state) {
        case ST_RECORD_START:
            if (c == '\r' || c == '\n') { /* empty line, or LF of CRLF */
                count_line(r, c);
                i++;
                break;
            }
            r->rec_line = r->line;
            r->state = ST_FIELD_START;
            /* fall through */
        case ST_FIELD_START:
            if (c == '"') {
                r->quote_line = r->line;
                r->prev_cr = false;
                r->state = ST_QUOTED;
                i++;
                break;
            }
            r->state = ST_UNQUOTED;
            /* fall through */
        case ST_UNQUOTED:
            ret = scan_unquoted(r, p, n, &i, err);
            break;
        case ST_QUOTED:
            ret = scan_quoted(r, p, n, &i, err);
            break;
        default: /* ST_QUOTE */
            ret = after_quote(r, c, err);
            i++;
        }
    }
    return ret;
}

static const unsigned char utf8_bom[3] = { 0xEF, 0xBB, 0xBF };

/* Give back the start of a BOM that turned out not to be one. */
static int bom_replay(struct csv_reader *r, struct kith_err *err)
{
    size_t k = r->bom;
    r->bom = 0;
    r->bom_done = true;
    return k ? scan(r, (const char *)utf8_bom, k, err) : KITH_OK;
}

int csv_reader_feed(struct csv_reader *r, const char *data, size_t n,
                    struct kith_err *err)
{
    if (r->failed)
        return r->failed;
    size_t i = 0;
    while (!r->bom_done && i < n) {
        if ((unsigned char)data[i] == utf8_bom[r->bom]) {
            i++;
            if (++r->bom == 3) {
                r->bom = 0;
                r->bom_done = true;
            }
            continue;
        }
        int ret = bom_replay(r, err);
        if (ret < 0)
            return ret;
    }
    return scan(r, data + i, n - i, err);
}

int csv_reader_finish(struct csv_reader *r, struct kith_err *err)
{
    if (r->failed)
        return r->failed;
    int ret = r->bom_done ? KITH_OK : bom_replay(r, err);
    if (ret < 0)
        return ret;
    switch (r->state) {
    case ST_RECORD_START:
        return KITH_OK;
    case ST_QUOTED:
        return stop(r, kith_errf(err, KITH_EINVAL,
                                 "line %zu: the quote that opens field %zu "
                                 "is never closed",
                                 r->quote_line, r->nfields + 1));
    default:
        return end_record(r, err);
    }
}
