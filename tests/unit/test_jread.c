/*
 * Unit tests for base/jread.c: the allocation-free JSON reader, and its
 * verdicts against jv_parse's on a table of tricky texts.
 */
#include "unit.h"

#include "base/jread.h"

/* A reader over the NUL-terminated text s. */
static void init_s(struct jr *r, const char *s)
{
    jr_init(r, s, strlen(s));
}

/* Whether the NUL-terminated text is valid for the reader. */
static bool valid(const char *text)
{
    return jr_valid(text, strlen(text), NULL);
}

/* jr_valid's message for an invalid text (static: one at a time). */
static const char *why(const char *text, size_t len)
{
    static struct kith_err err;
    err = (struct kith_err)KITH_ERR_INIT;
    assert_false(jr_valid(text, len, &err));
    assert_int_equal(err.code, KITH_EINVAL);
    return err.msg;
}

static void test_jread__every_value_type(void **state)
{
    (void)state;
    const char text[] = " {\"s\": \"hi\", \"i\": -42, \"r\": 2.5e1, "
                        "\"t\": true, \"f\": false, \"n\": null, "
                        "\"a\": [1, \"x\"], \"o\": {}} ";
    struct jr r;
    struct buf b = BUF_INIT;
    const char *key;
    size_t keylen;
    int64_t i;
    double x;
    bool t;
    jr_init(&r, text, strlen(text));
    assert_int_equal(jr_type(&r), JV_OBJECT);
    assert_int_equal(jr_obj(&r), KITH_OK);

    assert_int_equal(jr_obj_next(&r, &key, &keylen), 1);
    assert_true(jr_key_is(key, keylen, "s"));
    assert_int_equal(jr_type(&r), JV_STRING);
    assert_int_equal(jr_str(&r, &b), KITH_OK);
    assert_string_equal(b.buf, "hi");

    assert_int_equal(jr_obj_next(&r, &key, &keylen), 1);
    assert_int_equal(jr_type(&r), JV_INT);
    assert_int_equal(jr_int(&r, &i), KITH_OK);
    assert_int_equal(i, -42);

    assert_int_equal(jr_obj_next(&r, &key, &keylen), 1);
    assert_int_equal(jr_type(&r), JV_REAL);
    assert_int_equal(jr_num(&r, &x), KITH_OK);
    assert_true(x == 25.0);

    assert_int_equal(jr_obj_next(&r, &key, &keylen), 1);
    assert_int_equal(jr_type(&r), JV_BOOL);
    assert_int_equal(jr_bool(&r, &t), KITH_OK);
    assert_true(t);
    assert_int_equal(jr_obj_next(&r, &key, &keylen), 1);
    assert_int_equal(jr_bool(&r, &t), KITH_OK);
    assert_false(t);

    assert_int_equal(jr_obj_next(&r, &key, &keylen), 1);
    assert_int_equal(jr_type(&r), JV_NULL);
    assert_int_equal(jr_null(&r), KITH_OK);

    assert_int_equal(jr_obj_next(&r, &key, &keylen), 1);
    assert_true(jr_key_is(key, keylen, "a"));
    assert_int_equal(jr_type(&r), JV_ARRAY);
    assert_int_equal(jr_arr(&r), KITH_OK);
    assert_int_equal(jr_arr_next(&r), 1);
    assert_int_equal(jr_num(&r, &x), KITH_OK); /* an integer as a number */
    assert_true(x == 1.0);
    assert_int_equal(jr_arr_next(&r), 1);
    buf_reset(&b);
    assert_int_equal(jr_str(&r, &b), KITH_OK);
    assert_string_equal(b.buf, "x");
    assert_int_equal(jr_arr_next(&r), 0);

    assert_int_equal(jr_obj_next(&r, &key, &keylen), 1);
    assert_int_equal(jr_obj(&r), KITH_OK);
    assert_int_equal(jr_obj_next(&r, &key, &keylen), 0); /* {} */
    assert_int_equal(jr_obj_next(&r, &key, &keylen), 0); /* the outer } */
    assert_int_equal(jr_end(&r), KITH_OK);
    buf_release(&b);
}

static void test_jread__wrong_type_is_an_error_that_sticks(void **state)
{
    (void)state;
    struct jr r;
    struct buf b = BUF_INIT;
    int64_t i;
    init_s(&r, "[1.5, 2]");
    assert_int_equal(jr_arr(&r), KITH_OK);
    assert_int_equal(jr_arr_next(&r), 1);
    assert_int_equal(jr_int(&r, &i), KITH_EINVAL); /* a real */
    assert_int_equal(jr_str(&r, &b), KITH_EINVAL);  /* sticky */
    assert_int_equal(jr_arr_next(&r), KITH_EINVAL);
    struct kith_err err = KITH_ERR_INIT;
    assert_int_equal(jr_error(&r, &err), KITH_EINVAL);
    assert_string_equal(err.msg, "line 1, column 2: an integer expected");
    buf_release(&b);
}

static void test_jread__escapes_and_surrogates(void **state)
{
    (void)state;
    static const struct {
        const char *json, *text;
        size_t len;
    } cases[] = {
        { "\"\\\" \\\\ \\/ \\b \\f \\n \\r \\t\"", "\" \\ / \b \f \n \r \t",
          15 },
        { "\"\\u00e9\\u65E5\"", "\xc3\xa9\xe6\x97\xa5", 5 },
        { "\"\\ud83d\\ude00!\"", "\xf0\x9f\x98\x80!", 5 },
        { "\"a\\u0000b\"", "a\0b", 3 },
        { "\"Zo\xc3\xab \xf0\x9f\x93\x9e\"", "Zo\xc3\xab \xf0\x9f\x93\x9e", 9 },
    };
    for (size_t k = 0; k < sizeof(cases) / sizeof(*cases); k++) {
        struct jr r;
        struct buf b = BUF_INIT;
        jr_init(&r, cases[k].json, strlen(cases[k].json));
        assert_int_equal(jr_str(&r, &b), KITH_OK);
        assert_int_equal(jr_end(&r), KITH_OK);
        assert_int_equal(b.len, cases[k].len);
        assert_memory_equal(b.buf, cases[k].text, cases[k].len);
        buf_release(&b);
    }
    assert_contains(why("\"\\ud83d\"", 8), "high surrogate");
    assert_contains(why("\"\\ud83dx\"", 9), "high surrogate");
    assert_contains(why("\"\\ud83d\\u0041\"", 14), "high surrogate");
    assert_contains(why("\"\\ude00\"", 8), "lone low surrogate");
    assert_contains(why("\"\\x\"", 4), "invalid escape");
    assert_contains(why("\"\\u12g4\"", 8), "invalid escape");
    assert_contains(why("\"\\u12\"", 6), "invalid escape");
    /* \u0000: fine in a string, refused in a key (as jansson does) */
    assert_true(valid("{\"k\": \"\\u0000\"}"));
    assert_contains(why("{\"a\\u0000\": 1}", 14), "NUL byte in an object key");
}

static void test_jread__keys_compare_decoded(void **state)
{
    (void)state;
    assert_true(jr_key_is("choices", 7, "choices"));
    assert_false(jr_key_is("choices", 7, "choice"));
    assert_false(jr_key_is("choice", 6, "choices"));
    assert_true(jr_key_is("\\u0063hoice\\u0073", 17, "choices"));
    assert_false(jr_key_is("\\u0063hoice", 11, "choices"));
    assert_true(jr_key_is("caf\\u00e9", 9, "caf\xc3\xa9"));
    struct buf b = BUF_INIT;
    assert_int_equal(jr_key_decode("a\\nb\\ud83d\\ude00", 16, &b), KITH_OK);
    assert_string_equal(b.buf, "a\nb\xf0\x9f\x98\x80");
    buf_release(&b);
}

static void test_jread__members_like_jv_get(void **state)
{
    (void)state;
    static const char *const names[] = { "a", "b", "c" };
    const char text[] = "{\"a\": 1, \"\\u0062\": {\"x\": [1, 2]}, \"a\": 2, "
                        "\"z\": \"skipped\"}";
    struct jr r, f[3];
    jr_init(&r, text, strlen(text));
    assert_int_equal(jr_members(&r, names, f, 3), KITH_OK);
    assert_int_equal(jr_end(&r), KITH_OK);
    assert_int_equal(jr_get_int(&f[0]), 2); /* the last "a" wins */
    assert_int_equal(jr_type(&f[1]), JV_OBJECT);
    assert_null(f[2].text);                 /* missing */
    assert_int_equal(jr_type(&f[2]), KITH_ENOTFOUND);
    assert_int_equal(jr_get_int(&f[2]), 0);
    assert_false(jr_get_true(&f[2]));

    /* Nested, and through a missing member: nothing found, no error. */
    static const char *const inner[] = { "x" };
    struct jr g[1], h[1];
    assert_int_equal(jr_members(&f[1], inner, g, 1), KITH_OK);
    assert_int_equal(jr_type(&g[0]), JV_ARRAY);
    assert_int_equal(jr_members(&f[2], inner, h, 1), KITH_OK);
    assert_null(h[0].text);

    /* Not an object: read whole, nothing found. */
    init_s(&r, "[{\"a\": 1}]");
    assert_int_equal(jr_members(&r, names, f, 3), KITH_OK);
    assert_int_equal(jr_end(&r), KITH_OK);
    assert_null(f[0].text);

    /* An invalid member later on fails the whole walk. */
    init_s(&r, "{\"a\": 1, \"b\": [1,]}");
    assert_int_equal(jr_members(&r, names, f, 3), KITH_EINVAL);

    /* The getters are jv's: a string only when one. */
    struct buf b = BUF_INIT;
    init_s(&r, "{\"a\": \"t\\u00e9\", \"b\": 7, \"c\": true}");
    assert_int_equal(jr_members(&r, names, f, 3), KITH_OK);
    assert_int_equal(jr_get_str(&f[0], &b), 1);
    assert_string_equal(b.buf, "t\xc3\xa9");
    assert_int_equal(jr_get_str(&f[1], &b), 0);
    assert_int_equal(b.len, 0);
    assert_int_equal(jr_get_int(&f[1]), 7);
    assert_int_equal(jr_get_int(&f[2]), 0);
    assert_true(jr_get_true(&f[2]));
    buf_release(&b);
}

/* A string of depth opening brackets then depth closing ones. */
static char *nested(int depth, char open, char close)
{
    char *s = malloc((size_t)depth * 2 + 1);
    for (int i = 0; i < depth; i++) {
        s[i] = open;
        s[depth * 2 - 1 - i] = close;
    }
    s[depth * 2] = '\0';
    return s;
}

static void test_jread__depth_64_ok_65_refused(void **state)
{
    (void)state;
    char *ok = nested(JR_MAX_DEPTH, '[', ']');
    char *deep = nested(JR_MAX_DEPTH + 1, '[', ']');
    assert_true(valid(ok));
    assert_string_equal(why(deep, strlen(deep)),
                        "line 1, column 65: nesting deeper than 64 levels");
    free(ok);
    free(deep);

    /* objects count the same */
    struct buf b = BUF_INIT;
    for (int i = 0; i < JR_MAX_DEPTH; i++)
        buf_appends(&b, "{\"k\":");
    buf_appends(&b, "1");
    for (int i = 0; i < JR_MAX_DEPTH; i++)
        buf_appendc(&b, '}');
    assert_true(jr_valid(b.buf, b.len, NULL));
    buf_reset(&b);
    buf_appends(&b, "[");
    for (int i = 0; i < JR_MAX_DEPTH; i++)
        buf_appends(&b, "{\"k\":");
    assert_contains(why(b.buf, b.len), "nesting deeper than 64 levels");

    /* hostile depth fails fast, without recursion past the limit */
    char *huge = nested(100000, '[', ']');
    assert_contains(why(huge, strlen(huge)), "nesting deeper");
    free(huge);
    buf_release(&b);
}

static void test_jread__truncated_and_trailing(void **state)
{
    (void)state;
    const char doc[] = "{\"a\": [1, -2.5e3, \"x\\u00e9\", true, null], "
                       "\"b\": {\"c\": false}}";
    assert_true(valid(doc));
    /* every proper prefix is refused, and nothing past len is read */
    for (size_t n = 0; n < strlen(doc); n++) {
        char *copy = malloc(n ? n : 1); /* exactly n bytes: ASan sees */
        memcpy(copy, doc, n);
        if (jr_valid(copy, n, NULL))
            fail_msg("accepted the prefix of %zu bytes", n);
        free(copy);
    }
    assert_contains(why("", 0), "line 1, column 1: premature end");
    assert_contains(why("   ", 3), "premature end");
    assert_contains(why("{} x", 4), "end of input expected");
    assert_contains(why("1 2", 3), "end of input expected");
    assert_contains(why("[1]]", 4), "end of input expected");
    assert_contains(why("[1,\n2,\n]", 9), "line 3, column 1");
    assert_true(valid(" \t\r\n[ 1 , 2 ] \n"));
    assert_true(jr_valid("[1, 2]garbage", 6, NULL));
}

static void test_jread__invalid_utf8_refused(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "\"\xff\"",             /* never in UTF-8 */
        "\"\x80\"",             /* a lone continuation byte */
        "\"\xc0\x80\"",         /* overlong NUL */
        "\"\xe0\x80\xaf\"",     /* overlong '/' */
        "\"\xed\xa0\x80\"",     /* an encoded surrogate */
        "\"\xf4\x90\x80\x80\"", /* past U+10FFFF */
        "\"\xe6\x97\"",         /* cut short */
        "\"\xc3",               /* cut short at the end */
        "[\xc3\xa9]",           /* UTF-8 outside a string */
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
        if (valid(bad[i]))
            fail_msg("accepted %s", bad[i]);
        assert_null(jv_parse(bad[i], strlen(bad[i]), NULL));
    }
    assert_contains(why("\"ok \xff\"", 6), "line 1, column 5: invalid UTF-8");
    assert_true(valid("\"\xf4\x8f\xbf\xbf \xef\xbf\xbf \x7f\""));
    assert_contains(why("\"a\tb\"", 5), "control character");
    assert_contains(why("\"a\nb\"", 5), "unexpected newline");
}

static void test_jread__numbers(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        int type; /* JV_INT, JV_REAL, or -1: refused */
    } cases[] = {
        { "0", JV_INT },
        { "-0", JV_INT },
        { "9223372036854775807", JV_INT },
        { "-9223372036854775808", JV_INT },
        { "9223372036854775808", -1 },
        { "-9223372036854775809", -1 },
        { "123456789012345678901234567890", -1 },
        { "1.5", JV_REAL },
        { "-0.0", JV_REAL },
        { "1E5", JV_REAL },
        { "1e+5", JV_REAL },
        { "1e-400", JV_REAL }, /* underflow is 0, as strtod */
        { "1e309", -1 },       /* overflow is refused, as jansson */
        { "-1e309", -1 },
        { "1.7976931348623157e308", JV_REAL },
        { "1.7976931348623159e308", -1 },
        { "0.00000000000000000000000000000000001e343", JV_REAL },
        { "0.00000000000000000000000000000000001e345", -1 },
        { "0e999999999999", JV_REAL },
        { "01", -1 },
        { "-01", -1 },
        { "1.", -1 },
        { ".5", -1 },
        { "+1", -1 },
        { "-", -1 },
        { "1e", -1 },
        { "1e+", -1 },
        { "0x10", -1 },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
        struct jr r;
        const char *t = cases[i].text;
        jr_init(&r, t, strlen(t));
        int type = jr_type(&r);
        bool ok = type >= 0 && jr_skip(&r) == KITH_OK && jr_end(&r) == 0;
        if (ok != (cases[i].type >= 0) || (ok && type != cases[i].type))
            fail_msg("%s: type %d, valid %d", t, type, ok);
        struct jv *j = jv_parse(t, strlen(t), NULL);
        assert_int_equal(ok, j != NULL);
        jv_free(j);
    }
    struct jr r;
    int64_t v;
    double x;
    init_s(&r, "-9223372036854775808");
    assert_int_equal(jr_int(&r, &v), KITH_OK);
    assert_true(v == INT64_MIN);
    init_s(&r, "9223372036854775807");
    assert_int_equal(jr_int(&r, &v), KITH_OK);
    assert_true(v == INT64_MAX);
    init_s(&r, "-12.5e-1");
    assert_int_equal(jr_num(&r, &x), KITH_OK);
    assert_true(x == -1.25);
    assert_contains(why("[1, 99999999999999999999]", 25),
                    "line 1, column 5: integer out of range");
    assert_contains(why("1e400", 5), "real number overflow");
}

static void test_jread__skip_nested_and_raw(void **state)
{
    (void)state;
    static const char *const names[] = { "after" };
    const char text[] = "{\"deep\": {\"a\": [[], {}, [{\"b\": \"]}\"}]], "
                        "\"c\": [1, [2, [3]]]}, \"after\": 5}";
    struct jr r, f[1];
    const char *key, *p;
    size_t keylen, n;
    jr_init(&r, text, strlen(text));
    assert_int_equal(jr_obj(&r), KITH_OK);
    assert_int_equal(jr_obj_next(&r, &key, &keylen), 1);
    assert_int_equal(jr_raw(&r, &p, &n), KITH_OK);
    assert_int_equal(n, strlen("{\"a\": [[], {}, [{\"b\": \"]}\"}]], "
                               "\"c\": [1, [2, [3]]]}"));
    assert_memory_equal(p, "{\"a\"", 4);
    assert_int_equal(p[n - 1], '}');
    assert_int_equal(jr_obj_next(&r, &key, &keylen), 1);
    assert_true(jr_key_is(key, keylen, "after"));
    assert_int_equal(jr_get_int(&r), 5);
    assert_int_equal(jr_skip(&r), KITH_OK);
    assert_int_equal(jr_obj_next(&r, &key, &keylen), 0);
    assert_int_equal(jr_end(&r), KITH_OK);

    jr_init(&r, text, strlen(text));
    assert_int_equal(jr_members(&r, names, f, 1), KITH_OK);
    assert_int_equal(jr_get_int(&f[0]), 5);
}

static void test_jread__string_into_a_capped_buffer(void **state)
{
    (void)state;
    struct jr r;
    struct buf b;
    buf_init(&b, 4);
    init_s(&r, "[\"abcd\", \"abcde\", \"\\u0041\\u0042\\u0043\"]");
    assert_int_equal(jr_arr(&r), KITH_OK);
    assert_int_equal(jr_arr_next(&r), 1);
    assert_int_equal(jr_str(&r, &b), KITH_OK);
    buf_reset(&b);
    assert_int_equal(jr_arr_next(&r), 1);
    assert_int_equal(jr_str(&r, &b), KITH_ETOOBIG);
    /* the escaped text is longer than the cap, the decoded one is not */
    buf_reset(&b);
    assert_int_equal(jr_arr_next(&r), 1);
    assert_int_equal(jr_str(&r, &b), KITH_OK);
    assert_string_equal(b.buf, "ABC");
    buf_release(&b);
}

/* The reader's verdict is jv_parse's, quirks included. */
static void test_jread__verdicts_equal_jv_parse(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        size_t len; /* 0: strlen */
    } cases[] = {
        { "{}", 0 }, { "[]", 0 }, { "\"\"", 0 }, { "null", 0 },
        { "true", 0 }, { "false", 0 }, { "nul", 0 }, { "truex", 0 },
        { "[true1]", 0 }, { "True", 0 }, { "NaN", 0 }, { "Infinity", 0 },
        { "-Infinity", 0 }, { "[1,]", 0 }, { "[,1]", 0 }, { "[1 2]", 0 },
        { "{\"a\":1,}", 0 }, { "{,}", 0 }, { "{\"a\"}", 0 },
        { "{\"a\" 1}", 0 }, { "{1:1}", 0 }, { "{'a':1}", 0 },
        { "{\"a\":1 \"b\":2}", 0 }, { "{\"a\":1}}", 0 }, { "[[]", 0 },
        { "\"a", 0 }, { "\"\\", 0 }, { "\"\\u", 0 }, { "\"\\u00", 0 },
        { "\"\\uD800\\uDC00\"", 0 }, { "\"\\uDBFF\\uDFFF\"", 0 },
        { "\"\\uD800\\uD800\"", 0 }, { "\"\\uDC00\\uD800\"", 0 },
        { "\"\\uD800\\\"", 0 }, { "\"\\uD800\\u\"", 0 },
        { "\"\x7f\"", 0 }, { "\"\x1f\"", 0 }, { "\xef\xbb\xbf{}", 0 },
        { "\f{}", 0 }, { "\v1", 0 }, { "{}\f", 0 }, { " 1 ", 0 },
        { "[1\0]", 4 }, { "1\0", 2 }, { "1\0\0", 3 }, { "[1\0\0]", 6 },
        { "[1 \0]", 5 }, { "[true\0]", 7 }, { "null\0", 5 },
        { "[\"a\"\0]", 6 }, { "\0", 1 }, { "[\0]", 3 }, { "{\"a\"\0:1}", 8 },
        { "\"a\0b\"", 5 }, { "{\"\\u0000\":1}", 0 }, { "[\"\\u0000\"]", 0 },
        { "-", 0 }, { "--1", 0 }, { "1.e5", 0 }, { "1e5.5", 0 },
        { "1.5e", 0 }, { "00", 0 }, { "-0.0e-0", 0 }, { "2e308", 0 },
        { "1e308", 0 }, { "17976931348623158079372897140530341507993413271"
                          "00365e257", 0 },
        { "[1e9999999999999999999999]", 0 }, { "1e-9999999999999999", 0 },
        { "{\"a\":{\"b\":[{\"c\":[]}]}}", 0 }, { "[\"\\/\"]", 0 },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
        size_t n = cases[i].len ? cases[i].len : strlen(cases[i].text);
        struct jv *j = jv_parse(cases[i].text, n, NULL);
        bool want = j != NULL;
        jv_free(j);
        if (jr_valid(cases[i].text, n, NULL) != want)
            fail_msg("case %zu (%s): jv_parse says %s, jread differs", i,
                     cases[i].text, want ? "valid" : "invalid");
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_jread__every_value_type),
        cmocka_unit_test(test_jread__wrong_type_is_an_error_that_sticks),
        cmocka_unit_test(test_jread__escapes_and_surrogates),
        cmocka_unit_test(test_jread__keys_compare_decoded),
        cmocka_unit_test(test_jread__members_like_jv_get),
        cmocka_unit_test(test_jread__depth_64_ok_65_refused),
        cmocka_unit_test(test_jread__truncated_and_trailing),
        cmocka_unit_test(test_jread__invalid_utf8_refused),
        cmocka_unit_test(test_jread__numbers),
        cmocka_unit_test(test_jread__skip_nested_and_raw),
        cmocka_unit_test(test_jread__string_into_a_capped_buffer),
        cmocka_unit_test(test_jread__verdicts_equal_jv_parse),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
