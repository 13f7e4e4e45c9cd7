/*
 * test_csv: the CSV writer and the incremental reader (base/csv.c).
 *
 * Reader cases are a table of input -> records, each record shown as
 * "LINE:field|field;". Every case is read twice, whole and one byte at a
 * time, and both must give the same records, so a record, a quoted field,
 * a CRLF or the BOM split across chunks is covered everywhere. Errors must
 * say which line, and the bounds (field size, column count) must hold.
 */
#include "unit.h"

#include "base/buf.h"
#include "base/csv.h"

/* ---- helpers ---- */

static int collect(void *ctx, const struct csv_record *rec,
                   struct kith_err *err)
{
    struct buf *out = ctx;
    (void)err;
    buf_appendf(out, "%zu:", rec->line);
    for (size_t i = 0; i < rec->n; i++) {
        assert_int_equal(rec->fields[i][rec->lens[i]], '\0');
        if (i)
            buf_appendc(out, '|');
        buf_append(out, rec->fields[i], rec->lens[i]);
    }
    buf_appendc(out, ';');
    return KITH_OK;
}

/* Read in (n bytes) in chunks of step bytes (0: all at once). */
static int read_csv(const char *in, size_t n, size_t step, struct buf *out,
                    struct kith_err *err)
{
    struct csv_reader r;
    csv_reader_init(&r, collect, out);
    int ret = KITH_OK;
    for (size_t off = 0; off < n && ret == KITH_OK;) {
        size_t k = step && step < n - off ? step : n - off;
        ret = csv_reader_feed(&r, in + off, k, err);
        off += k;
    }
    if (ret == KITH_OK)
        ret = csv_reader_finish(&r, err);
    csv_reader_release(&r);
    return ret;
}

/* Records of in, checking that whole and byte-by-byte reads agree. */
static char *records(const char *in, size_t n)
{
    struct buf whole = BUF_INIT, bytes = BUF_INIT;
    struct kith_err err = KITH_ERR_INIT;
    if (read_csv(in, n, 0, &whole, &err) < 0)
        fail_msg("reading %s: %s", in, err.msg);
    if (read_csv(in, n, 1, &bytes, &err) < 0)
        fail_msg("reading %s byte by byte: %s", in, err.msg);
    assert_string_equal(whole.buf, bytes.buf);
    buf_release(&bytes);
    return buf_detach(&whole, NULL);
}

/* The error message for in (which must fail with code). */
static void expect_error(const char *in, size_t n, int code, const char *msg)
{
    for (size_t step = 0; step <= 1; step++) {
        struct buf out = BUF_INIT;
        struct kith_err err = KITH_ERR_INIT;
        assert_int_equal(read_csv(in, n, step, &out, &err), code);
        assert_string_equal(err.msg, msg);
        buf_release(&out);
    }
}

/* ---- writer ---- */

static void test_csv__writer_quotes_only_when_needed(void **state)
{
    (void)state;
    static const struct {
        const char *in, *out;
    } cases[] = {
        { "plain", "plain" },
        { "", "" },
        { "a,b", "\"a,b\"" },
        { "say \"hi\"", "\"say \"\"hi\"\"\"" },
        { "two\nlines", "\"two\nlines\"" },
        { "cr\rhere", "\"cr\rhere\"" },
        { " padded ", "\" padded \"" },
        { "\xEF\xBB\xBFlooks like a BOM", "\"\xEF\xBB\xBFlooks like a BOM\"" },
        { "Zoë 🚀", "Zoë 🚀" },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
        struct buf b = BUF_INIT;
        csv_append_field(&b, cases[i].in, strlen(cases[i].in));
        assert_string_equal(b.buf, cases[i].out);
        buf_release(&b);
    }
}

static void test_csv__writer_rows(void **state)
{
    (void)state;
    struct buf b = BUF_INIT;
    const char *row[] = { "a", NULL, "b,c" };
    csv_append_row(&b, row, 3);
    const char *empty[] = { "" };
    csv_append_row(&b, empty, 1);
    assert_string_equal(b.buf, "a,,\"b,c\"\r\n\"\"\r\n");
    char *back = records(b.buf, b.len);
    assert_string_equal(back, "1:a||b,c;2:;"); /* the "" row is a record */
    free(back);
    buf_release(&b);
}

/* ---- reader ---- */

static void test_csv__reader_records(void **state)
{
    (void)state;
    static const struct {
        const char *in, *want;
    } cases[] = {
        { "a,b\nc,d\n", "1:a|b;2:c|d;" },
        { "a,b\r\nc,d\r\n", "1:a|b;2:c|d;" },
        { "a,b\rc,d\r", "1:a|b;2:c|d;" },
        { "a,b\nc,d", "1:a|b;2:c|d;" }, /* no line break at the end */
        { "\xEF\xBB\xBFname\nAnn\n", "1:name;2:Ann;" },
        { "\xEF\xBBx\n", "1:\xEF\xBBx;" }, /* not a BOM after all */
        { "\xEF\xBB", "1:\xEF\xBB;" },
        { "x\xEF\xBB\xBF\n", "1:x\xEF\xBB\xBF;" }, /* only at the start */
        { "\"a,b\",\"say \"\"hi\"\"\"\n", "1:a,b|say \"hi\";" },
        { "\"two\nlines\",x\ny\n", "1:two\nlines|x;3:y;" },
        { "\"crlf\r\ninside\"\r\nnext\r\n", "1:crlf\r\ninside;3:next;" },
        { ",,\n", "1:||;" },
        { "\"\"\n", "1:;" },
        { "\"\",\"\"\n", "1:|;" },
        { "\n\n\na\n\r\n\rb\n\n", "4:a;7:b;" }, /* empty lines: no record */
        { "", "" },
        { "\xEF\xBB\xBF", "" },
        { " spaced , kept \n", "1: spaced | kept ;" },
        { "a,\"\"\"\"\n", "1:a|\";" },
        { "\"x\"\r", "1:x;" },
        { "\"a\"\n\"b\"", "1:a;2:b;" },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
        char *got = records(cases[i].in, strlen(cases[i].in));
        if (strcmp(got, cases[i].want))
            fail_msg("case %zu: got '%s', want '%s'", i, got, cases[i].want);
        free(got);
    }
}

static void test_csv__reader_nul_bytes_are_data(void **state)
{
    (void)state;
    struct buf out = BUF_INIT;
    struct kith_err err = KITH_ERR_INIT;
    assert_int_equal(read_csv("a\0b,c\n", 6, 1, &out, &err), KITH_OK);
    assert_int_equal(out.len, strlen("1:a") + 1 + strlen("b|c;"));
    buf_release(&out);
}

static void test_csv__reader_malformed(void **state)
{
    (void)state;
    const char *unclosed = "name,title\nAnn,CEO\nBob,\"Chief\nof staff\n";
    expect_error(unclosed, strlen(unclosed), KITH_EINVAL,
                 "line 3: the quote that opens field 2 is never closed");
    const char *inside = "name\nAnn\nAnn 5\" tall\n";
    expect_error(inside, strlen(inside), KITH_EINVAL,
                 "line 3: a quote inside field 1, which does not start with "
                 "one; quote the whole field and double the quotes inside "
                 "it");
    const char *after = "a,\"b\nc\" d\n";
    expect_error(after, strlen(after), KITH_EINVAL,
                 "line 2: text after the closing quote of field 2; a quote "
                 "inside a quoted field must be doubled (\"\")");
}

static void test_csv__reader_bounds(void **state)
{
    (void)state;
    size_t n = CSV_FIELD_MAX + 3;
    char *big = malloc(n);
    memset(big, 'x', n);
    memcpy(big, "a\n", 2);
    expect_error(big, n, KITH_ETOOBIG,
                 "line 2: field 1 is longer than 1048576 bytes (1 MiB)");
    /* Exactly the bound is fine. */
    struct buf out = BUF_INIT;
    struct kith_err err = KITH_ERR_INIT;
    assert_int_equal(read_csv(big, n - 1, 4096, &out, &err), KITH_OK);
    buf_release(&out);
    free(big);

    struct buf wide = BUF_INIT;
    for (size_t i = 0; i <= CSV_COLS_MAX; i++)
        buf_appends(&wide, i ? ",c" : "c");
    expect_error(wide.buf, wide.len, KITH_ETOOBIG,
                 "line 1: the record has more than 1000 fields");
    buf_truncate(&wide, wide.len - 2); /* 1000 columns */
    assert_int_equal(read_csv(wide.buf, wide.len, 0, &out, &err), KITH_OK);
    buf_release(&out);
    buf_release(&wide);
}

static int stop_at_two(void *ctx, const struct csv_record *rec,
                       struct kith_err *err)
{
    int *calls = ctx;
    (*calls)++;
    if (rec->line == 2)
        return kith_errf(err, KITH_EINVAL, "stop at %zu", rec->line);
    return KITH_OK;
}

static void test_csv__reader_callback_stops_it(void **state)
{
    (void)state;
    struct csv_reader r;
    struct kith_err err = KITH_ERR_INIT;
    int calls = 0;
    csv_reader_init(&r, stop_at_two, &calls);
    assert_int_equal(csv_reader_feed(&r, "a\nb\nc\n", 6, &err), KITH_EINVAL);
    assert_string_equal(err.msg, "stop at 2");
    assert_int_equal(calls, 2);
    /* Stopped for good: more input and finish give the same code. */
    assert_int_equal(csv_reader_feed(&r, "d\n", 2, &err), KITH_EINVAL);
    assert_int_equal(csv_reader_finish(&r, &err), KITH_EINVAL);
    assert_int_equal(calls, 2);
    assert_int_equal(csv_reader_line(&r), 3);
    csv_reader_release(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_csv__writer_quotes_only_when_needed),
        cmocka_unit_test(test_csv__writer_rows),
        cmocka_unit_test(test_csv__reader_records),
        cmocka_unit_test(test_csv__reader_nul_bytes_are_data),
        cmocka_unit_test(test_csv__reader_malformed),
        cmocka_unit_test(test_csv__reader_bounds),
        cmocka_unit_test(test_csv__reader_callback_stops_it),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
