/*
 * test_utf8: validation, decoding and display width of base/utf8.h.
 *
 * The decoder is strict (no overlong forms, no surrogates, nothing past
 * U+10FFFF, no truncated sequences), because every stored string must be
 * valid UTF-8. The widths are what a terminal shows: CJK and emoji take
 * two cells and combining marks none, which the table printer relies on
 * to align columns and to cut text without splitting a code point.
 */
#include "unit.h"

#include "base/utf8.h"

static void test_utf8__valid_and_invalid(void **state)
{
    (void)state;
    static const struct {
        const char *s;
        bool valid;
    } cases[] = {
        { "", true },
        { "plain ascii", true },
        { "caf\xc3\xa9", true },                 /* é */
        { "\xe6\x97\xa5\xe6\x9c\xac", true },     /* 日本 */
        { "\xf0\x9f\x98\x80", true },             /* 😀 */
        { "\xf4\x8f\xbf\xbf", true },             /* U+10FFFF */
        { "\xef\xbb\xbf", true },                 /* BOM is a character */
        { "\x80", false },                        /* lone continuation */
        { "\xbf", false },
        { "\xc3", false },                        /* truncated */
        { "\xe6\x97", false },
        { "\xf0\x9f\x98", false },
        { "\xc3\x28", false },                    /* bad continuation */
        { "\xc0\x80", false },                    /* overlong NUL */
        { "\xc1\xbf", false },                    /* overlong */
        { "\xe0\x80\x80", false },                /* overlong 3-byte */
        { "\xf0\x80\x80\x80", false },            /* overlong 4-byte */
        { "\xed\xa0\x80", false },                /* surrogate U+D800 */
        { "\xed\xbf\xbf", false },                /* surrogate U+DFFF */
        { "\xf4\x90\x80\x80", false },            /* U+110000 */
        { "\xf5\x80\x80\x80", false },
        { "\xf8\x88\x80\x80\x80", false },        /* 5-byte form */
        { "\xfe", false },
        { "\xff", false },
        { "ok\xff" "ok", false },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
        bool got = utf8_valid(cases[i].s, strlen(cases[i].s));
        if (got != cases[i].valid)
            fail_msg("case %zu: utf8_valid gave %d", i, got);
    }
    /* The length counts: an embedded NUL is a valid character. */
    assert_true(utf8_valid("a\0b", 3));
    /* A valid string cut mid-character is not valid. */
    assert_false(utf8_valid("\xe6\x97\xa5", 2));
}

static void test_utf8__decode(void **state)
{
    (void)state;
    static const struct {
        const char *s;
        size_t len;
        uint32_t cp;
    } cases[] = {
        { "A", 1, 0x41 },
        { "\x7f", 1, 0x7f },
        { "\xc2\x80", 2, 0x80 },
        { "\xc3\xa9", 2, 0xe9 },
        { "\xdf\xbf", 2, 0x7ff },
        { "\xe0\xa0\x80", 3, 0x800 },
        { "\xe6\x97\xa5", 3, 0x65e5 },
        { "\xef\xbf\xbf", 3, 0xffff },
        { "\xf0\x90\x80\x80", 4, 0x10000 },
        { "\xf0\x9f\x98\x80", 4, 0x1f600 },
        { "\xf4\x8f\xbf\xbf", 4, 0x10ffff },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
        uint32_t cp = 0;
        size_t n = strlen(cases[i].s);
        assert_int_equal(utf8_decode(cases[i].s, n, &cp), cases[i].len);
        assert_int_equal(cp, cases[i].cp);
        /* Only the first code point is read. */
        char two[16];
        snprintf(two, sizeof(two), "%sxyz", cases[i].s);
        assert_int_equal(utf8_decode(two, strlen(two), &cp), cases[i].len);
        /* One byte short is malformed, never an over-read. */
        if (cases[i].len > 1)
            assert_int_equal(utf8_decode(cases[i].s, cases[i].len - 1, &cp),
                             0);
    }
    uint32_t cp = 0xdead;
    assert_int_equal(utf8_decode("", 0, &cp), 0);
    assert_int_equal(utf8_decode("\x80", 1, &cp), 0);
    assert_int_equal(utf8_decode("\xed\xa0\x80", 3, &cp), 0);
    assert_int_equal(utf8_decode("\xc0\xaf", 2, &cp), 0);
    assert_int_equal(cp, 0xdead); /* untouched on failure */
}

static void test_utf8__code_point_width(void **state)
{
    (void)state;
    static const struct {
        uint32_t cp;
        int width;
    } cases[] = {
        { 'a', 1 },      { ' ', 1 },      { 0xe9, 1 },     /* é */
        { 0x0, 0 },      { 0x301, 0 },    /* combining acute */
        { 0x200b, 0 },   { 0x200d, 0 },   /* zero width space, ZWJ */
        { 0xfe0f, 0 },   /* variation selector */
        { 0x65e5, 2 },   { 0x3042, 2 },   /* 日, あ */
        { 0xac00, 2 },   { 0xd7a3, 2 },   /* Hangul */
        { 0xff21, 2 },   /* fullwidth A */
        { 0x1f600, 2 },  { 0x1f680, 2 },  { 0x2705, 2 }, /* emoji */
        { 0x20000, 2 },  /* CJK extension B */
        { 0x0416, 1 },   { 0x05d0, 1 },   /* Cyrillic, Hebrew */
        { 0xff61, 1 },   /* halfwidth katakana punctuation */
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++)
        if (utf8_cp_width(cases[i].cp) != cases[i].width)
            fail_msg("U+%04X: width %d, want %d", cases[i].cp,
                     utf8_cp_width(cases[i].cp), cases[i].width);
}

static void test_utf8__string_width(void **state)
{
    (void)state;
    static const struct {
        const char *s;
        size_t width;
    } cases[] = {
        { "", 0 },
        { "abc", 3 },
        { "caf\xc3\xa9", 4 },                     /* café */
        { "cafe\xcc\x81", 4 },                    /* cafe + combining */
        { "\xe6\x97\xa5\xe6\x9c\xac", 4 },        /* 日本 */
        { "\xe6\x97\xa5 x", 4 },
        { "\xf0\x9f\x98\x80!", 3 },
        { "a\xff" "b", 3 },                       /* a bad byte counts 1 */
        { "\xe6\x97", 2 },                        /* truncated: 2 bad bytes */
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++)
        if (utf8_width(cases[i].s) != cases[i].width)
            fail_msg("'%s': width %zu, want %zu", cases[i].s,
                     utf8_width(cases[i].s), cases[i].width);
}

static void test_utf8__fit(void **state)
{
    (void)state;
    static const char nihongo[] = "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e";
    static const struct {
        const char *s;
        size_t cols;
        size_t bytes;
    } cases[] = {
        { "abcdef", 3, 3 },
        { "abc", 10, 3 },
        { "abc", 0, 0 },
        { "", 5, 0 },
        { nihongo, 6, 9 },
        { nihongo, 5, 6 }, /* a wide character never half-fits */
        { nihongo, 4, 6 },
        { nihongo, 3, 3 },
        { nihongo, 1, 0 },
        { "e\xcc\x81x", 1, 3 },   /* the combining mark goes with its e */
        { "\xf0\x9f\x98\x80z", 2, 4 },
        { "\xf0\x9f\x98\x80z", 1, 0 },
        { "a\xff" "b", 2, 2 },    /* a bad byte is one cell, one byte */
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
        size_t got = utf8_fit(cases[i].s, cases[i].cols);
        if (got != cases[i].bytes)
            fail_msg("case %zu: fit %zu bytes, want %zu", i, got,
                     cases[i].bytes);
        /* The prefix never splits a code point and never exceeds cols. */
        assert_true(utf8_valid(cases[i].s, got) ||
                    !utf8_valid(cases[i].s, strlen(cases[i].s)));
        char *prefix = strndup(cases[i].s, got);
        assert_true(utf8_width(prefix) <= cases[i].cols);
        free(prefix);
    }
}

/* Malformed bytes become U+FFFD; valid text passes unchanged. */
static void test_utf8__append_clean(void **state)
{
    (void)state;
    static const struct {
        const char *in, *out;
    } cases[] = {
        { "plain é 日本 😀", "plain é 日本 😀" },
        { "cut \xc3", "cut \xef\xbf\xbd" },
        { "\xff\xfeok", "\xef\xbf\xbd\xef\xbf\xbdok" },
        { "over\xc0\xaflong", "over\xef\xbf\xbd\xef\xbf\xbdlong" },
        { "sur\xed\xa0\x80", "sur\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd" },
        { "", "" },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
        struct buf b = BUF_INIT;
        utf8_append_clean(&b, cases[i].in, strlen(cases[i].in));
        assert_string_equal(b.buf, cases[i].out);
        assert_true(utf8_valid(b.buf, b.len));
        buf_release(&b);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_utf8__valid_and_invalid),
        cmocka_unit_test(test_utf8__decode),
        cmocka_unit_test(test_utf8__code_point_width),
        cmocka_unit_test(test_utf8__string_width),
        cmocka_unit_test(test_utf8__fit),
        cmocka_unit_test(test_utf8__append_clean),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
