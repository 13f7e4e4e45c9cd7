/*
 * test_buf: the growable buffer of base/buf.h.
 *
 * Checks the invariants the header promises (buf is never NULL and always
 * NUL-terminated, a cap is never exceeded and a refused append leaves the
 * buffer as it was), the formatted appends on both sides of the internal
 * 256-byte fast path, and the lifecycle verbs (reset, release, detach).
 */
#include "unit.h"

#include "base/buf.h"
#include "base/err.h"

/* The invariants every buffer keeps. */
static void check_invariants(const struct buf *b)
{
    assert_non_null(b->buf);
    assert_int_equal(b->buf[b->len], '\0');
    if (b->alloc)
        assert_true(b->len < b->alloc);
    if (b->max)
        assert_true(b->len <= b->max);
}

static void test_buf__init_is_empty_and_allocates_nothing(void **state)
{
    (void)state;
    struct buf a = BUF_INIT, b;
    buf_init(&b, 10);
    assert_string_equal(a.buf, "");
    assert_int_equal(a.len, 0);
    assert_int_equal(a.alloc, 0);
    assert_int_equal(a.max, 0);
    assert_string_equal(b.buf, "");
    assert_int_equal(b.alloc, 0);
    assert_int_equal(b.max, 10);
    check_invariants(&a);
    check_invariants(&b);
    buf_release(&a); /* releasing an empty buffer is fine */
    buf_release(&b);
}

static void test_buf__appends(void **state)
{
    (void)state;
    struct buf b = BUF_INIT;
    assert_int_equal(buf_appends(&b, "hello"), KITH_OK);
    assert_int_equal(buf_appendc(&b, ','), KITH_OK);
    assert_int_equal(buf_append(&b, " world!!", 6), KITH_OK);
    assert_int_equal(buf_append(&b, NULL, 0), KITH_OK);
    assert_int_equal(buf_appendf(&b, " %d-%s", 42, "x"), KITH_OK);
    assert_string_equal(b.buf, "hello, world 42-x");
    assert_int_equal(b.len, strlen("hello, world 42-x"));
    check_invariants(&b);
    buf_release(&b);
}

static void test_buf__binary_bytes_are_kept(void **state)
{
    (void)state;
    struct buf b = BUF_INIT;
    assert_int_equal(buf_append(&b, "a\0b", 3), KITH_OK);
    assert_int_equal(b.len, 3);
    assert_memory_equal(b.buf, "a\0b", 4); /* and the trailing NUL */
    buf_release(&b);
}

static void test_buf__grows_across_many_appends(void **state)
{
    (void)state;
    struct buf b = BUF_INIT;
    for (int i = 0; i < 10000; i++) {
        assert_int_equal(buf_appendc(&b, (char)('a' + i % 26)), KITH_OK);
        check_invariants(&b);
    }
    assert_int_equal(b.len, 10000);
    for (size_t i = 0; i < b.len; i++)
        assert_int_equal(b.buf[i], 'a' + (int)(i % 26));
    buf_release(&b);
}

static void test_buf__appendf_longer_than_fast_path(void **state)
{
    (void)state;
    static const size_t lens[] = { 0, 1, 254, 255, 256, 257, 1000, 70000 };
    for (size_t t = 0; t < sizeof(lens) / sizeof(*lens); t++) {
        char *s = malloc(lens[t] + 1);
        memset(s, 'x', lens[t]);
        s[lens[t]] = '\0';
        struct buf b = BUF_INIT;
        buf_appends(&b, "<");
        assert_int_equal(buf_appendf(&b, "%s|%zu", s, lens[t]), KITH_OK);
        char tail[32];
        snprintf(tail, sizeof(tail), "|%zu", lens[t]);
        assert_int_equal(b.len, 1 + lens[t] + strlen(tail));
        assert_int_equal(b.buf[0], '<');
        assert_memory_equal(b.buf + 1, s, lens[t]);
        assert_string_equal(b.buf + 1 + lens[t], tail);
        check_invariants(&b);
        buf_release(&b);
        free(s);
    }
}

static void test_buf__cap_refuses_and_leaves_buffer_unchanged(void **state)
{
    (void)state;
    struct buf b;
    buf_init(&b, 5);
    assert_int_equal(buf_appends(&b, "abc"), KITH_OK);
    assert_int_equal(buf_appends(&b, "def"), KITH_ETOOBIG);
    assert_string_equal(b.buf, "abc");
    assert_int_equal(b.len, 3);
    assert_int_equal(buf_appendf(&b, "%s", "xyz"), KITH_ETOOBIG);
    assert_string_equal(b.buf, "abc");
    assert_int_equal(buf_appends(&b, "de"), KITH_OK); /* exactly the cap */
    assert_string_equal(b.buf, "abcde");
    assert_int_equal(buf_appendc(&b, 'f'), KITH_ETOOBIG);
    assert_int_equal(buf_append(&b, "", 0), KITH_OK);
    assert_string_equal(b.buf, "abcde");
    check_invariants(&b);
    buf_release(&b);
    assert_int_equal(b.max, 5); /* the cap survives a release */
    assert_int_equal(buf_appends(&b, "123456"), KITH_ETOOBIG);
    assert_string_equal(b.buf, "");
    buf_release(&b);
}

static void test_buf__cap_on_long_appendf(void **state)
{
    (void)state;
    char big[400];
    memset(big, 'y', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    struct buf b;
    buf_init(&b, 300);
    buf_appends(&b, "keep");
    assert_int_equal(buf_appendf(&b, "%s", big), KITH_ETOOBIG);
    assert_string_equal(b.buf, "keep");
    check_invariants(&b);
    buf_release(&b);
}

static void test_buf__grow_past_size_max_is_refused(void **state)
{
    (void)state;
    struct buf b = BUF_INIT;
    buf_appends(&b, "ab");
    /* len + extra + 1 would wrap around: that must not look like room. */
    assert_int_equal(buf_grow(&b, SIZE_MAX), KITH_ETOOBIG);
    assert_int_equal(buf_grow(&b, SIZE_MAX - 2), KITH_ETOOBIG);
    assert_string_equal(b.buf, "ab");
    check_invariants(&b);
    buf_release(&b);
}

static void test_buf__grow_reserves_room(void **state)
{
    (void)state;
    struct buf b = BUF_INIT;
    assert_int_equal(buf_grow(&b, 1000), KITH_OK);
    assert_true(b.alloc >= 1001);
    assert_int_equal(b.len, 0);
    assert_string_equal(b.buf, "");
    char *before = b.buf;
    for (int i = 0; i < 1000; i++)
        buf_appendc(&b, 'z');
    assert_ptr_equal(b.buf, before); /* no reallocation was needed */
    buf_release(&b);
}

static void test_buf__reset_keeps_allocation(void **state)
{
    (void)state;
    struct buf b = BUF_INIT;
    buf_appends(&b, "some text");
    size_t alloc = b.alloc;
    buf_reset(&b);
    assert_int_equal(b.len, 0);
    assert_string_equal(b.buf, "");
    assert_int_equal(b.alloc, alloc);
    buf_reset(&b); /* twice is fine */
    struct buf e = BUF_INIT;
    buf_reset(&e); /* and on a buffer that never allocated */
    assert_string_equal(e.buf, "");
    assert_int_equal(buf_appends(&b, "again"), KITH_OK);
    assert_string_equal(b.buf, "again");
    buf_release(&b);
}

static void test_buf__truncate(void **state)
{
    (void)state;
    static const struct {
        const char *in;
        size_t to;
        const char *want;
    } cases[] = {
        { "hello", 2, "he" },
        { "hello", 0, "" },
        { "hello", 5, "hello" },
        { "hello", 99, "hello" },
        { "", 3, "" },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
        struct buf b = BUF_INIT;
        buf_appends(&b, cases[i].in);
        buf_truncate(&b, cases[i].to);
        assert_string_equal(b.buf, cases[i].want);
        assert_int_equal(b.len, strlen(cases[i].want));
        check_invariants(&b);
        buf_release(&b);
    }
}

static void test_buf__detach_hands_over_a_heap_string(void **state)
{
    (void)state;
    struct buf b;
    buf_init(&b, 100);
    buf_appends(&b, "owned");
    size_t len = 0;
    char *s = buf_detach(&b, &len);
    assert_string_equal(s, "owned");
    assert_int_equal(len, 5);
    assert_string_equal(b.buf, "");
    assert_int_equal(b.len, 0);
    assert_int_equal(b.alloc, 0);
    assert_int_equal(b.max, 100);
    free(s);

    /* An empty buffer still gives a string the caller can free. */
    char *e = buf_detach(&b, NULL);
    assert_non_null(e);
    assert_string_equal(e, "");
    assert_true(e != buf_empty);
    free(e);
    assert_string_equal(buf_empty, ""); /* the shared empty stays empty */
    buf_release(&b);
}

static void test_buf__release_then_reuse(void **state)
{
    (void)state;
    struct buf b = BUF_INIT;
    buf_appends(&b, "first");
    buf_release(&b);
    assert_string_equal(b.buf, "");
    assert_int_equal(b.alloc, 0);
    buf_appends(&b, "second");
    assert_string_equal(b.buf, "second");
    buf_release(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_buf__init_is_empty_and_allocates_nothing),
        cmocka_unit_test(test_buf__appends),
        cmocka_unit_test(test_buf__binary_bytes_are_kept),
        cmocka_unit_test(test_buf__grows_across_many_appends),
        cmocka_unit_test(test_buf__appendf_longer_than_fast_path),
        cmocka_unit_test(test_buf__cap_refuses_and_leaves_buffer_unchanged),
        cmocka_unit_test(test_buf__cap_on_long_appendf),
        cmocka_unit_test(test_buf__grow_past_size_max_is_refused),
        cmocka_unit_test(test_buf__grow_reserves_room),
        cmocka_unit_test(test_buf__reset_keeps_allocation),
        cmocka_unit_test(test_buf__truncate),
        cmocka_unit_test(test_buf__detach_hands_over_a_heap_string),
        cmocka_unit_test(test_buf__release_then_reuse),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
