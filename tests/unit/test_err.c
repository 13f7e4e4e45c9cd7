/*
 * test_err: error messages (base/err.c) and typo suggestions
 * (base/suggest.c).
 */
#include "unit.h"

#include "base/err.h"
#include "base/suggest.h"
#include "base/utf8.h"

static void test_err__formats_and_returns_the_code(void **state)
{
    (void)state;
    struct kith_err err = KITH_ERR_INIT;
    assert_int_equal(kith_errf(&err, KITH_EINVAL, "%s: bad %d", "email", 3),
                     KITH_EINVAL);
    assert_string_equal(err.msg, "email: bad 3");
    assert_int_equal(err.code, KITH_EINVAL);
    assert_int_equal(kith_errf(NULL, KITH_ENOTFOUND, "x"), KITH_ENOTFOUND);
}

static void test_err__long_message_is_cut_at_a_character(void **state)
{
    (void)state;
    /* 1022 ASCII bytes then "é" (2 bytes): the cap falls inside it. */
    for (size_t pad = 1018; pad <= 1024; pad++) {
        char text[1100];
        memset(text, 'a', pad);
        snprintf(text + pad, sizeof(text) - pad, "%s", "\xc3\xa9\xe6\x97\xa5");
        struct kith_err err = KITH_ERR_INIT;
        kith_errf(&err, KITH_EINVAL, "%s", text);
        assert_true(strlen(err.msg) < KITH_ERR_MAX);
        assert_true(utf8_valid(err.msg, strlen(err.msg)));
    }
}

static void test_err__rc_names(void **state)
{
    (void)state;
    assert_string_equal(kith_rc_str(KITH_OK), "ok");
    assert_string_equal(kith_rc_str(KITH_ENOTFOUND), "not found");
    assert_string_equal(kith_rc_str(12345), "unknown error");
}

static void test_suggest__typos(void **state)
{
    (void)state;
    static const char *const fields[] = { "name",  "email",  "status",
                                          "tags",  "company", "title" };
    static const struct {
        const char *word, *want;
    } cases[] = {
        { "stauts", "status" }, /* swapped neighbours */
        { "nmae", "name" },     /* swapped, short word */
        { "emial", "email" },   { "Status", "status" },
        { "compnay", "company" }, { "titel", "title" },
        { "zzzz", NULL },       { "x", NULL },
        { "telephone", NULL },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
        const char *got = suggest_closest(cases[i].word, fields, 6);
        if (cases[i].want)
            assert_non_null(got), assert_string_equal(got, cases[i].want);
        else
            assert_null(got);
    }
    assert_int_equal(suggest_distance("abc", "abc"), 0);
    assert_int_equal(suggest_distance("ab", "ba"), 1);
    assert_int_equal(suggest_distance("", "abc"), 3);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_err__formats_and_returns_the_code),
        cmocka_unit_test(test_err__long_message_is_cut_at_a_character),
        cmocka_unit_test(test_err__rc_names),
        cmocka_unit_test(test_suggest__typos),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
