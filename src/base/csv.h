/*
 * csv: RFC 4180 CSV, written and read without a whole file in memory.
 *
 * Writing: fields are quoted only when they must be (a comma, a quote, CR
 * or LF inside, or leading/trailing space), with quotes doubled; rows end
 * in CRLF as RFC 4180 says. A row of one empty field is written as "", so
 * that it reads back as a record rather than an empty line.
 *
 * Reading: a struct csv_reader is fed the input in chunks of any size (a
 * record may span chunks) and hands each record to a callback as soon as
 * it is complete, so memory holds one record at most. It accepts quoted
 * fields with doubled quotes, commas and line breaks inside quotes, records
 * ending in LF, CRLF or CR, a UTF-8 byte order mark at the very start, and
 * a last record without a line break. Empty lines are no record. Bounds:
 * a field of at most CSV_FIELD_MAX bytes and records of at most
 * CSV_COLS_MAX fields. Malformed input stops the reader with KITH_EINVAL
 * (KITH_ETOOBIG past a bound) and a message that starts "line N: ": an
 * unclosed quote at the end (naming the line it opened on), a quote inside
 * an unquoted field, or text after a closing quote.
 */
#ifndef KITH_CSV_H
#define KITH_CSV_H

#include <stdbool.h>
#include <stddef.h>

#include "base/buf.h"
#include "base/err.h"

/* Append one field (not the separator) to b, quoted when needed. */
void csv_append_field(struct buf *b, const char *s, size_t n);
/* Append n fields as a row, comma-separated, ending in CRLF. */
void csv_append_row(struct buf *b, const char *const *fields, size_t n);

/* ---- reading ---- */

#define CSV_FIELD_MAX (1024 * 1024)
#define CSV_COLS_MAX 1000

/*
 * One record. fields[i] points at lens[i] bytes followed by a NUL (a field
 * may itself hold NUL bytes, so use lens). Everything is borrowed and valid
 * only during the callback.
 */
struct csv_record {
    const char *const *fields;
    const size_t *lens;
    size_t n;    /* number of fields, >= 1 */
    size_t line; /* 1-based line on which the record starts */
};

/*
 * Called once per record, in order. Return KITH_OK to go on, or a negative
 * code (with err filled) to stop the reader: csv_reader_feed/finish then
 * return that code.
 */
typedef int csv_record_fn(void *ctx, const struct csv_record *rec,
                          struct kith_err *err);

struct csv_reader {
    csv_record_fn *fn;
    void *ctx;
    int state;          /* where in a record the next byte lands */
    int failed;         /* the code that stopped the reader, or KITH_OK */
    size_t line;        /* line of the next byte, 1-based */
    bool prev_cr;       /* the last byte was CR (for CRLF line counting) */
    size_t bom;         /* bytes of a UTF-8 BOM matched so far */
    bool bom_done;      /* past the point where a BOM may appear */
    size_t rec_line;    /* line the current record started on */
    size_t quote_line;  /* line the open quoted field started on */
    struct buf data;    /* the current record's fields, NUL-separated */
    size_t field_start; /* offset in data of the field being read */
    size_t *starts;     /* offsets of the finished fields of the record */
    size_t nfields, alloc;
    const char **ptrs;  /* built for the callback */
    size_t *lens;
};

/* Set up a reader that calls fn(ctx, ...) for each record. */
void csv_reader_init(struct csv_reader *r, csv_record_fn *fn, void *ctx);
/* Free what the reader holds; it is then as after csv_reader_init. */
void csv_reader_release(struct csv_reader *r);
/*
 * Read n more bytes, calling fn for every record they complete. Returns
 * KITH_OK, or the error that stopped the reader (it stays stopped).
 */
int csv_reader_feed(struct csv_reader *r, const char *data, size_t n,
                    struct kith_err *err);
/*
 * The input has ended: hand over the last record if it lacked a line
 * break, and fail if a quoted field is still open.
 */
int csv_reader_finish(struct csv_reader *r, struct kith_err *err);
/* Line number of the next byte the reader will read (1-based). */
size_t csv_reader_line(const struct csv_reader *r);

#endif
