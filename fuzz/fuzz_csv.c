/*
 * fuzz_csv: libFuzzer target for the incremental CSV reader (base/csv.c).
 *
 * The input is read twice: whole, and in chunks whose sizes come from a
 * PRNG seeded by the input, so a record, a quote pair, a CRLF or the BOM
 * may be split anywhere. Invariants (a violation aborts):
 *   - both reads give the same records and the same result and message;
 *   - every record has >= 1 field, fields within CSV_FIELD_MAX, each
 *     followed by a NUL, lines starting at 1 and never going back;
 *   - an error message starts with "line ";
 *   - what parsed, written back with the CSV writer, reads back the same
 *     fields (record for record).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/csv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct seen {
    struct buf sig;  /* every record: line, count, then each field */
    struct buf back; /* the records written again as CSV */
    size_t last_line;
    bool with_lines; /* compare line numbers too */
};

static int on_record(void *ctx, const struct csv_record *rec,
                     struct kith_err *err)
{
    struct seen *s = ctx;
    (void)err;
    if (rec->n < 1 || rec->n > CSV_COLS_MAX || rec->line < 1 ||
        rec->line < s->last_line)
        abort();
    s->last_line = rec->line;
    if (s->with_lines)
        buf_append(&s->sig, &rec->line, sizeof(rec->line));
    buf_append(&s->sig, &rec->n, sizeof(rec->n));
    for (size_t i = 0; i < rec->n; i++) {
        if (rec->lens[i] > CSV_FIELD_MAX || rec->fields[i][rec->lens[i]])
            abort();
        buf_append(&s->sig, &rec->lens[i], sizeof(rec->lens[i]));
        buf_append(&s->sig, rec->fields[i], rec->lens[i]);
        if (i)
            buf_appendc(&s->back, ',');
        csv_append_field(&s->back, rec->fields[i], rec->lens[i]);
    }
    if (rec->n == 1 && rec->lens[0] == 0)
        buf_appends(&s->back, "\"\"");
    buf_appends(&s->back, "\r\n");
    return KITH_OK;
}

/* Read in; chunked when seed != 0. Returns the reader's result. */
static int read_all(const char *in, size_t n, uint32_t seed, bool lines,
                    struct seen *s, struct kith_err *err)
{
    struct csv_reader r;
    memset(s, 0, sizeof(*s));
    buf_init(&s->sig, 0);
    buf_init(&s->back, 0);
    s->with_lines = lines;
    csv_reader_init(&r, on_record, s);
    int ret = KITH_OK;
    size_t off = 0;
    while (off < n && ret == KITH_OK) {
        size_t k = n - off;
        if (seed) {
            seed ^= seed << 13;
            seed ^= seed >> 17;
            seed ^= seed << 5;
            size_t want = seed % 7 == 0 ? seed % 97 : seed % 5;
            if (want < k)
                k = want;
        }
        ret = csv_reader_feed(&r, in + off, k, err);
        off += k;
    }
    if (ret == KITH_OK)
        ret = csv_reader_finish(&r, err);
    else if (csv_reader_feed(&r, "x", 1, NULL) != ret)
        abort(); /* a stopped reader stays stopped */
    csv_reader_release(&r);
    return ret;
}

static void release(struct seen *s)
{
    buf_release(&s->sig);
    buf_release(&s->back);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *in = (const char *)data;
    uint32_t seed = 2463534242u;
    for (size_t i = 0; i < size && i < 8; i++)
        seed = seed * 31 + data[i];
    struct seen whole, parts, again;
    struct kith_err e1 = KITH_ERR_INIT, e2 = KITH_ERR_INIT,
                    e3 = KITH_ERR_INIT;
    int r1 = read_all(in, size, 0, true, &whole, &e1);
    int r2 = read_all(in, size, seed | 1, true, &parts, &e2);
    if (r1 != r2 || strcmp(e1.msg, e2.msg) || whole.sig.len != parts.sig.len ||
        memcmp(whole.sig.buf, parts.sig.buf, whole.sig.len))
        abort();
    if (r1 < 0 && strncmp(e1.msg, "line ", 5))
        abort();
    if (r1 == KITH_OK) {
        /* Written back and read again: the same fields (lines differ). */
        struct seen plain;
        read_all(in, size, 0, false, &plain, &e3);
        int r3 = read_all(whole.back.buf, whole.back.len, 0, false, &again,
                          &e3);
        if (r3 != KITH_OK || again.sig.len != plain.sig.len ||
            memcmp(again.sig.buf, plain.sig.buf, plain.sig.len))
            abort();
        release(&plain);
        release(&again);
    }
    release(&whole);
    release(&parts);
    return 0;
}
