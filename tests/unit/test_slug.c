/*
 * test_slug: crm_slugify, which turns a display name into the table or
 * column name that plain SQL sees.
 *
 * A slug is lowercase ASCII letters and digits, Latin accents folded
 * ("Société Générale" -> "societe_generale"), other letters kept as they
 * are ("日本"), and every run of anything else as one "_", never leading or
 * trailing. A name with nothing usable, or longer than 64 bytes, or not
 * UTF-8, is refused with a message.
 */
#include "unit.h"

#include "base/buf.h"
#include "crm/crm.h"

static void test_slug__examples(void **state)
{
    (void)state;
    static const struct {
        const char *name;
        const char *slug;
    } cases[] = {
        { "Deal Size", "deal_size" },
        { "Société Générale", "societe_generale" },
        { "日本", "日本" },
        { "日本 Sales", "日本_sales" },
        { "name", "name" },
        { "ID", "id" },
        { "Close date", "close_date" },
        { "  Close   date  ", "close_date" },
        { "Last-Contacted!", "last_contacted" },
        { "e-mail / phone", "e_mail_phone" },
        { "2024 Revenue", "2024_revenue" },
        { "LinkedIn", "linkedin" },
        { "already_snake", "already_snake" },
        { "__private__", "private" },
        { "Straße", "strasse" },
        { "Æsir", "aesir" },
        { "Œuvre", "oeuvre" },
        { "Łódź", "lodz" },
        { "Ĳssel", "ijssel" },
        { "Þór", "thor" },
        { "Ünïcödé", "unicode" },
        { "ÀÉÎÕÜ", "aeiou" },
        { "Ça va", "ca_va" },
        { "Price × Qty", "price_qty" }, /* × is a sign, not a letter */
        { "Ελλάδα", "Ελλάδα" },          /* other scripts kept as written */
        { "Москва", "Москва" },
        { "Revenue (€)", "revenue" },
        { "Stars ★", "stars" },
        { "🚀 Launches", "launches" },
        { "Q&A — notes", "q_a_notes" },
        { "Timișoara", "timișoara" }, /* ș is Latin Extended-B: kept */
        { "© 2026 ®", "2026" },
    };
    struct buf out = BUF_INIT;
    for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
        struct kith_err err = KITH_ERR_INIT;
        int rc = crm_slugify(cases[i].name, &out, &err);
        if (rc != KITH_OK)
            fail_msg("'%s' refused: %s", cases[i].name, err.msg);
        if (strcmp(out.buf, cases[i].slug))
            fail_msg("'%s' -> '%s', want '%s'", cases[i].name, out.buf,
                     cases[i].slug);
    }
    buf_release(&out);
}

static void test_slug__slugs_are_stable(void **state)
{
    (void)state;
    /* A slug slugifies to itself, so names round-trip through SQL. */
    static const char *const names[] = { "Deal Size", "Société Générale",
                                         "日本 Sales", "Q&A — notes",
                                         "Last contacted" };
    struct buf a = BUF_INIT, b = BUF_INIT;
    for (size_t i = 0; i < sizeof(names) / sizeof(*names); i++) {
        assert_int_equal(crm_slugify(names[i], &a, NULL), KITH_OK);
        assert_int_equal(crm_slugify(a.buf, &b, NULL), KITH_OK);
        assert_string_equal(a.buf, b.buf);
    }
    buf_release(&a);
    buf_release(&b);
}

static void test_slug__output_is_replaced_not_appended(void **state)
{
    (void)state;
    struct buf out = BUF_INIT;
    buf_appends(&out, "leftover");
    assert_int_equal(crm_slugify("First", &out, NULL), KITH_OK);
    assert_string_equal(out.buf, "first");
    assert_int_equal(crm_slugify("Second", &out, NULL), KITH_OK);
    assert_string_equal(out.buf, "second");
    /* A refusal leaves nothing behind either. */
    assert_int_equal(crm_slugify("!!!", &out, NULL), KITH_EINVAL);
    assert_string_equal(out.buf, "");
    buf_release(&out);
}

static void test_slug__names_without_letters_are_refused(void **state)
{
    (void)state;
    static const char *const names[] = {
        "",    " ",   "   ",  "!!!", "---", "_", "__", "#$%&*", "()",
        "×",   "÷",   "€",    "★★★", "→",   "—", "🚀", "🚀🚀",  "“”",
        "\t\n",
    };
    struct buf out = BUF_INIT;
    for (size_t i = 0; i < sizeof(names) / sizeof(*names); i++) {
        struct kith_err err = KITH_ERR_INIT;
        int rc = crm_slugify(names[i], &out, &err);
        if (rc != KITH_EINVAL)
            fail_msg("'%s' accepted as '%s'", names[i], out.buf);
        assert_int_equal(err.code, KITH_EINVAL);
        assert_contains(err.msg, "needs at least one letter or digit");
    }
    buf_release(&out);
}

static void test_slug__long_names_are_refused(void **state)
{
    (void)state;
    char name[80];
    struct buf out = BUF_INIT;
    struct kith_err err = KITH_ERR_INIT;

    memset(name, 'a', 64);
    name[64] = '\0';
    assert_int_equal(crm_slugify(name, &out, &err), KITH_OK);
    assert_int_equal(out.len, 64);

    memset(name, 'a', 65);
    name[65] = '\0';
    assert_int_equal(crm_slugify(name, &out, &err), KITH_EINVAL);
    assert_contains(err.msg, "longer than 64 bytes");

    /* The limit is in bytes: 22 three-byte characters are 66 bytes. */
    struct buf cjk = BUF_INIT;
    for (int i = 0; i < 22; i++)
        buf_appends(&cjk, "\xe6\x97\xa5");
    err = (struct kith_err)KITH_ERR_INIT;
    assert_int_equal(crm_slugify(cjk.buf, &out, &err), KITH_EINVAL);
    assert_contains(err.msg, "longer than 64 bytes");
    buf_release(&cjk);
    buf_release(&out);
}

static void test_slug__invalid_utf8_is_refused(void **state)
{
    (void)state;
    static const char *const names[] = { "\xff", "ab\xc3", "\xc0\x80x",
                                         "x\xed\xa0\x80" };
    struct buf out = BUF_INIT;
    for (size_t i = 0; i < sizeof(names) / sizeof(*names); i++) {
        struct kith_err err = KITH_ERR_INIT;
        assert_int_equal(crm_slugify(names[i], &out, &err), KITH_EINVAL);
        assert_contains(err.msg, "not valid UTF-8");
    }
    assert_int_equal(crm_slugify("\xff", &out, NULL), KITH_EINVAL);
    buf_release(&out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_slug__examples),
        cmocka_unit_test(test_slug__slugs_are_stable),
        cmocka_unit_test(test_slug__output_is_replaced_not_appended),
        cmocka_unit_test(test_slug__names_without_letters_are_refused),
        cmocka_unit_test(test_slug__long_names_are_refused),
        cmocka_unit_test(test_slug__invalid_utf8_is_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
