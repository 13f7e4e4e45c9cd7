/*
 * unit: what kith's cmocka unit tests share.
 *
 * Each tests/unit/test_<module>.c includes this header, defines its cases as
 * `static void test_<module>__<case>(void **state)` and runs them from
 * main() with cmocka_run_group_tests(). The tests run under ASan, UBSan and
 * LSan, so every case frees what it allocates.
 *
 * The helpers here are assertions cmocka lacks: "this text contains that"
 * and "this JSON value equals that JSON text".
 */
#ifndef KITH_UNIT_H
#define KITH_UNIT_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "base/json.h"

/* Fail unless the NUL-terminated text hay contains needle. */
#define assert_contains(hay, needle)                                        \
    do {                                                                    \
        const char *unit_h_ = (hay), *unit_n_ = (needle);                   \
        if (!unit_h_ || !strstr(unit_h_, unit_n_))                          \
            fail_msg("'%s' does not contain '%s'",                          \
                     unit_h_ ? unit_h_ : "(null)", unit_n_);                \
    } while (0)

/* Fail when hay contains needle. */
#define assert_not_contains(hay, needle)                                    \
    do {                                                                    \
        const char *unit_h_ = (hay), *unit_n_ = (needle);                   \
        if (unit_h_ && strstr(unit_h_, unit_n_))                            \
            fail_msg("'%s' contains '%s'", unit_h_, unit_n_);               \
    } while (0)

/* Parse JSON text that the test itself wrote; fails the test if invalid. */
static inline struct jv *unit_json(const char *text)
{
    struct kith_err err = KITH_ERR_INIT;
    struct jv *j = jv_parse(text, strlen(text), &err);
    if (!j)
        fail_msg("bad JSON in the test: %s: %s", text, err.msg);
    return j;
}

/*
 * True when j equals the JSON text want; otherwise prints both, so a
 * failing assert_true(unit_json_eq(...)) shows what came back.
 */
static inline int unit_json_eq(const struct jv *j, const char *want)
{
    struct jv *w = unit_json(want);
    int same = jv_equal(j, w);
    if (!same) {
        char *got = jv_dump(j);
        print_error("JSON differs\n   got: %s\n  want: %s\n", got, want);
        free(got);
    }
    jv_free(w);
    return same;
}

#define assert_json(j, want) assert_true(unit_json_eq((j), (want)))

#endif
