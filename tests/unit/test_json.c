/*
 * test_json: JSON values (jv_) and the streaming writer (jw_) of base/json.h.
 *
 * The parser must accept any top-level value, keep object keys in the order
 * they came, report errors as "line L, column C: reason" and refuse nesting
 * deeper than JV_MAX_DEPTH. The writer must produce valid, correctly
 * separated and escaped JSON without the caller thinking about commas.
 */
#include "unit.h"

#include <math.h>

#include "base/buf.h"
#include "base/json.h"

/* ---- parsing ---- */

static void test_json__parse_scalars_at_top_level(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        enum jv_type type;
    } cases[] = {
        { "null", JV_NULL },   { "true", JV_BOOL },
        { "false", JV_BOOL },  { "42", JV_INT },
        { "-7", JV_INT },      { "2.5", JV_REAL },
        { "1e3", JV_REAL },    { "\"hi\"", JV_STRING },
        { "[]", JV_ARRAY },    { "{}", JV_OBJECT },
        { " \n [1] \t", JV_ARRAY },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
        struct kith_err err = KITH_ERR_INIT;
        struct jv *j = jv_parse(cases[i].text, strlen(cases[i].text), &err);
        assert_non_null(j);
        assert_int_equal(jv_type(j), cases[i].type);
        assert_int_equal(err.code, KITH_OK);
        jv_free(j);
    }
}

static void test_json__read_an_object(void **state)
{
    (void)state;
    const char *text = "{\"name\": \"Ann\", \"age\": 41, \"score\": 2.5, "
                       "\"vip\": true, \"tags\": [\"a\", \"b\"], "
                       "\"none\": null, \"big\": 9007199254740993}";
    struct jv *j = unit_json(text);
    assert_int_equal(jv_type(j), JV_OBJECT);
    assert_int_equal(jv_len(j), 7);
    assert_string_equal(jv_str(jv_get(j, "name")), "Ann");
    assert_int_equal(jv_strlen(jv_get(j, "name")), 3);
    assert_int_equal(jv_int(jv_get(j, "age")), 41);
    assert_true(jv_num(jv_get(j, "age")) == 41.0);
    assert_true(jv_num(jv_get(j, "score")) == 2.5);
    assert_true(jv_bool(jv_get(j, "vip")));
    assert_int_equal(jv_len(jv_get(j, "tags")), 2);
    assert_string_equal(jv_str(jv_at(jv_get(j, "tags"), 1)), "b");
    assert_null(jv_at(jv_get(j, "tags"), 2));
    assert_int_equal(jv_type(jv_get(j, "none")), JV_NULL);
    assert_non_null(jv_get(j, "none")); /* present, unlike a missing key */
    assert_null(jv_get(j, "missing"));
    /* Integers keep all 64 bits. */
    assert_true(jv_int(jv_get(j, "big")) == 9007199254740993LL);
    jv_free(j);
}

static void test_json__getters_on_wrong_types_are_safe(void **state)
{
    (void)state;
    struct jv *j = unit_json("[1, \"x\"]");
    assert_null(jv_str(jv_at(j, 0)));
    assert_int_equal(jv_int(jv_at(j, 1)), 0);
    assert_false(jv_bool(jv_at(j, 0)));
    assert_null(jv_get(j, "key")); /* not an object */
    assert_int_equal(jv_len(jv_at(j, 0)), 0);
    /* NULL reads as JSON null everywhere. */
    assert_int_equal(jv_type(NULL), JV_NULL);
    assert_null(jv_str(NULL));
    assert_int_equal(jv_strlen(NULL), 0);
    assert_int_equal(jv_int(NULL), 0);
    assert_false(jv_bool(NULL));
    assert_null(jv_get(NULL, "k"));
    assert_null(jv_at(NULL, 0));
    assert_int_equal(jv_len(NULL), 0);
    void *it = NULL;
    struct jv *val;
    assert_null(jv_next(j, &it, &val)); /* an array has no members */
    assert_null(jv_next(NULL, &it, &val));
    jv_free(NULL);
    jv_free(j);
}

static void test_json__strings_with_nul_and_unicode(void **state)
{
    (void)state;
    struct jv *j = unit_json("[\"a\\u0000b\", \"\\u00e9\\u65e5\", "
                             "\"\\ud83d\\ude00\", \"tab\\there\"]");
    assert_int_equal(jv_strlen(jv_at(j, 0)), 3);
    assert_memory_equal(jv_str(jv_at(j, 0)), "a\0b", 3);
    assert_string_equal(jv_str(jv_at(j, 1)), "\xc3\xa9\xe6\x97\xa5");
    assert_string_equal(jv_str(jv_at(j, 2)), "\xf0\x9f\x98\x80");
    assert_string_equal(jv_str(jv_at(j, 3)), "tab\there");
    jv_free(j);
}

static void test_json__parse_errors_say_where(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        const char *where;
    } cases[] = {
        { "", "line 1" },
        { "{", "line 1" },
        { "{\"a\": }", "line 1, column" },
        { "[1,\n2,\n]", "line 3" },
        { "{\"a\": 1} x", "line 1" },
        { "{'a': 1}", "line 1, column" },
        { "[1 2]", "line 1, column" },
        { "\"\xff\"", "line 1" }, /* not UTF-8 */
        { "nul", "line 1" },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
        struct kith_err err = KITH_ERR_INIT;
        struct jv *j = jv_parse(cases[i].text, strlen(cases[i].text), &err);
        if (j)
            fail_msg("parsed bad JSON: %s", cases[i].text);
        assert_int_equal(err.code, KITH_EINVAL);
        assert_contains(err.msg, cases[i].where);
        assert_true(strlen(err.msg) > strlen(cases[i].where));
    }
    /* err may be NULL. */
    assert_null(jv_parse("{", 1, NULL));
}

static void test_json__parse_uses_the_given_length(void **state)
{
    (void)state;
    const char text[] = "[1, 2]garbage";
    struct jv *j = jv_parse(text, 6, NULL);
    assert_non_null(j);
    assert_int_equal(jv_len(j), 2);
    jv_free(j);
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

static void test_json__nesting_limit(void **state)
{
    (void)state;
    struct kith_err err = KITH_ERR_INIT;
    char *ok = nested(JV_MAX_DEPTH, '[', ']');
    struct jv *j = jv_parse(ok, strlen(ok), &err);
    assert_non_null(j);
    jv_free(j);
    free(ok);

    char *deep = nested(JV_MAX_DEPTH + 1, '[', ']');
    assert_null(jv_parse(deep, strlen(deep), &err));
    assert_int_equal(err.code, KITH_EINVAL);
    assert_contains(err.msg, "nesting deeper than 64 levels");
    assert_contains(err.msg, "line 1, column 65");
    free(deep);

    /* Hostile depth fails fast with a message, not a crash. */
    char *huge = nested(100000, '[', ']');
    assert_null(jv_parse(huge, strlen(huge), &err));
    assert_contains(err.msg, "nesting deeper");
    free(huge);

    /* Brackets inside strings (even after escapes) do not count. */
    struct buf b = BUF_INIT;
    buf_appends(&b, "[\"\\\\\", \"\\\"");
    for (int i = 0; i < 200; i++)
        buf_appendc(&b, '[');
    buf_appends(&b, "\"]");
    j = jv_parse(b.buf, b.len, &err);
    assert_non_null(j);
    assert_int_equal(jv_len(j), 2);
    assert_string_equal(jv_str(jv_at(j, 0)), "\\");
    jv_free(j);
    buf_release(&b);
}

/* Objects count like arrays, and the position spans lines. */
static void test_json__nesting_limit_objects_and_lines(void **state)
{
    (void)state;
    struct kith_err err = KITH_ERR_INIT;
    struct buf b = BUF_INIT;
    for (int i = 0; i < JV_MAX_DEPTH; i++)
        buf_appends(&b, "{\"k\":\n");
    buf_appends(&b, "1");
    for (int i = 0; i < JV_MAX_DEPTH; i++)
        buf_appendc(&b, '}');
    struct jv *j = jv_parse(b.buf, b.len, &err);
    assert_non_null(j);
    jv_free(j);

    buf_reset(&b);
    for (int i = 0; i < JV_MAX_DEPTH; i++)
        buf_appends(&b, "{\"k\":\n");
    buf_appends(&b, "  [1]");
    assert_null(jv_parse(b.buf, b.len, &err));
    assert_int_equal(err.code, KITH_EINVAL);
    assert_contains(err.msg, "line 65, column 3: nesting deeper than 64");
    buf_release(&b);
}

static void test_json__keys_keep_insertion_order(void **state)
{
    (void)state;
    struct jv *j = unit_json("{\"z\": 1, \"a\": 2, \"m\": 3}");
    char *s = jv_dump(j);
    assert_string_equal(s, "{\"z\":1,\"a\":2,\"m\":3}");
    free(s);

    static const char *const want[] = { "z", "a", "m" };
    void *it = NULL;
    struct jv *val;
    const char *key;
    size_t n = 0;
    while ((key = jv_next(j, &it, &val))) {
        assert_true(n < 3);
        assert_string_equal(key, want[n]);
        assert_int_equal(jv_int(val), (int64_t)n + 1);
        n++;
    }
    assert_int_equal(n, 3);
    jv_free(j);

    struct jv *o = jv_object();
    jv_set_take(o, "second", jv_integer(2));
    jv_set_take(o, "first", jv_integer(1));
    jv_set_take(o, "second", jv_integer(22)); /* replacing keeps the slot */
    s = jv_dump(o);
    assert_string_equal(s, "{\"second\":22,\"first\":1}");
    free(s);
    jv_free(o);
}

/* ---- building ---- */

static void test_json__build_and_dump(void **state)
{
    (void)state;
    struct jv *o = jv_object();
    struct jv *arr = jv_array();
    jv_push_take(arr, jv_integer(1));
    jv_push_take(arr, jv_string("two"));
    jv_push_take(arr, jv_null());
    jv_set_take(o, "arr", arr);
    jv_set_take(o, "t", jv_boolean(true));
    jv_set_take(o, "f", jv_boolean(false));
    jv_set_take(o, "r", jv_real(0.5));
    jv_set_take(o, "s", jv_stringn("abcdef", 3));
    jv_set_take(o, "gone", jv_integer(0));
    jv_del(o, "gone");
    char *s = jv_dump(o);
    assert_string_equal(
        s, "{\"arr\":[1,\"two\",null],\"t\":true,\"f\":false,\"r\":0.5,"
           "\"s\":\"abc\"}");
    free(s);

    struct buf b = BUF_INIT;
    buf_appends(&b, "x=");
    assert_int_equal(jv_write(&b, o), KITH_OK);
    assert_int_equal(jv_write(&b, NULL), KITH_OK);
    assert_contains(b.buf, "x={\"arr\"");
    assert_contains(b.buf, "}null");
    buf_release(&b);

    char *n = jv_dump(NULL);
    assert_string_equal(n, "null");
    free(n);
    jv_free(o);
}

static void test_json__dump_escapes_and_round_trips(void **state)
{
    (void)state;
    struct jv *s = jv_stringn("q\"b\\n\n\x01\0z", 9);
    char *text = jv_dump(s);
    struct jv *back = unit_json(text);
    assert_true(jv_equal(s, back));
    assert_int_equal(jv_strlen(back), 9);
    free(text);
    jv_free(back);
    jv_free(s);
}

static void test_json__copy_ref_and_equal(void **state)
{
    (void)state;
    struct jv *a = unit_json("{\"k\": [1, {\"x\": \"y\"}]}");
    struct jv *c = jv_copy(a);
    assert_true(jv_equal(a, c));
    jv_set_take(c, "extra", jv_null());
    assert_false(jv_equal(a, c)); /* the copy is deep and separate */
    assert_int_equal(jv_len(a), 1);

    struct jv *r = jv_ref(a);
    assert_ptr_equal(r, a);
    jv_free(a); /* drops one of two references */
    assert_int_equal(jv_len(r), 1);
    jv_free(r);
    jv_free(c);

    struct jv *i1 = jv_integer(1), *r1 = jv_real(1.0), *s1 = jv_string("1");
    assert_false(jv_equal(i1, s1));
    assert_false(jv_equal(i1, r1));
    jv_free(i1);
    jv_free(r1);
    jv_free(s1);
}

/* ---- the streaming writer ---- */

static void test_json__writer_separators(void **state)
{
    (void)state;
    struct buf b = BUF_INIT;
    struct jw w;
    jw_init(&w, &b);
    jw_obj(&w);
    jw_key(&w, "a");
    jw_int(&w, 1);
    jw_key(&w, "b");
    jw_arr(&w);
    jw_int(&w, -2);
    jw_str(&w, "s");
    jw_obj(&w);
    jw_key(&w, "c");
    jw_null(&w);
    jw_end_obj(&w);
    jw_arr(&w);
    jw_end_arr(&w);
    jw_obj(&w);
    jw_end_obj(&w);
    jw_end_arr(&w);
    jw_key(&w, "d");
    jw_bool(&w, true);
    jw_key(&w, "e");
    jw_bool(&w, false);
    jw_key(&w, "raw");
    jw_raw(&w, "[1,2]", 5);
    jw_key(&w, "v");
    struct jv *v = unit_json("{\"x\":[true]}");
    jw_value(&w, v);
    jv_free(v);
    jw_key(&w, "n");
    jw_strn(&w, "abcdef", 2);
    jw_key(&w, "big");
    jw_int(&w, INT64_MIN);
    jw_end_obj(&w);
    assert_string_equal(b.buf,
                        "{\"a\":1,\"b\":[-2,\"s\",{\"c\":null},[],{}],"
                        "\"d\":true,\"e\":false,\"raw\":[1,2],"
                        "\"v\":{\"x\":[true]},\"n\":\"ab\","
                        "\"big\":-9223372036854775808}");
    struct jv *back = unit_json(b.buf);
    assert_int_equal(jv_len(back), 8);
    jv_free(back);
    buf_release(&b);
}

static void test_json__writer_top_level_values(void **state)
{
    (void)state;
    struct buf b = BUF_INIT;
    struct jw w;
    jw_init(&w, &b);
    jw_arr(&w);
    jw_end_arr(&w);
    assert_string_equal(b.buf, "[]");
    buf_reset(&b);
    jw_init(&w, &b);
    jw_str(&w, "only");
    assert_string_equal(b.buf, "\"only\"");
    buf_release(&b);
}

static void test_json__writer_reals(void **state)
{
    (void)state;
    static const double values[] = { 0.1, 2.5, -1234.5, 1e300, 5e-324,
                                     0.30000000000000004, 123456789.125 };
    for (size_t i = 0; i < sizeof(values) / sizeof(*values); i++) {
        struct buf b = BUF_INIT;
        struct jw w;
        jw_init(&w, &b);
        jw_real(&w, values[i]);
        struct jv *j = unit_json(b.buf);
        /* Whatever text is chosen, it must read back as the same double. */
        assert_true(jv_num(j) == values[i]);
        jv_free(j);
        buf_release(&b);
    }
    struct buf b = BUF_INIT;
    struct jw w;
    jw_init(&w, &b);
    jw_arr(&w);
    jw_real(&w, 0.1);
    jw_real(&w, NAN);
    jw_real(&w, INFINITY);
    jw_real(&w, -INFINITY);
    jw_end_arr(&w);
    assert_string_equal(b.buf, "[0.1,null,null,null]"); /* shortest text */
    buf_release(&b);
}

static void test_json__quote(void **state)
{
    (void)state;
    static const struct {
        const char *in;
        size_t n;
        const char *want;
    } cases[] = {
        { "plain", 5, "\"plain\"" },
        { "", 0, "\"\"" },
        { "say \"hi\"", 8, "\"say \\\"hi\\\"\"" },
        { "back\\slash", 10, "\"back\\\\slash\"" },
        { "a\nb\rc\td", 7, "\"a\\nb\\rc\\td\"" },
        { "\x01\x1f", 2, "\"\\u0001\\u001f\"" },
        { "nul\0in", 6, "\"nul\\u0000in\"" },
        { "caf\xc3\xa9 \xe6\x97\xa5", 9, "\"caf\xc3\xa9 \xe6\x97\xa5\"" },
        { "</script>", 9, "\"</script>\"" },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
        struct buf b = BUF_INIT;
        json_quote(&b, cases[i].in, cases[i].n);
        assert_string_equal(b.buf, cases[i].want);
        /* And it reads back as the same bytes. */
        struct jv *j = unit_json(b.buf);
        assert_int_equal(jv_strlen(j), cases[i].n);
        assert_memory_equal(jv_str(j), cases[i].in, cases[i].n);
        jv_free(j);
        buf_release(&b);
    }
}

static void test_json__writer_escapes_keys(void **state)
{
    (void)state;
    struct buf b = BUF_INIT;
    struct jw w;
    jw_init(&w, &b);
    jw_obj(&w);
    jw_key(&w, "a\"b");
    jw_str(&w, "line\nbreak");
    jw_end_obj(&w);
    assert_string_equal(b.buf, "{\"a\\\"b\":\"line\\nbreak\"}");
    struct jv *j = unit_json(b.buf);
    assert_string_equal(jv_str(jv_get(j, "a\"b")), "line\nbreak");
    jv_free(j);
    buf_release(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_json__parse_scalars_at_top_level),
        cmocka_unit_test(test_json__read_an_object),
        cmocka_unit_test(test_json__getters_on_wrong_types_are_safe),
        cmocka_unit_test(test_json__strings_with_nul_and_unicode),
        cmocka_unit_test(test_json__parse_errors_say_where),
        cmocka_unit_test(test_json__parse_uses_the_given_length),
        cmocka_unit_test(test_json__nesting_limit),
        cmocka_unit_test(test_json__nesting_limit_objects_and_lines),
        cmocka_unit_test(test_json__keys_keep_insertion_order),
        cmocka_unit_test(test_json__build_and_dump),
        cmocka_unit_test(test_json__dump_escapes_and_round_trips),
        cmocka_unit_test(test_json__copy_ref_and_equal),
        cmocka_unit_test(test_json__writer_separators),
        cmocka_unit_test(test_json__writer_top_level_values),
        cmocka_unit_test(test_json__writer_reals),
        cmocka_unit_test(test_json__quote),
        cmocka_unit_test(test_json__writer_escapes_keys),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
