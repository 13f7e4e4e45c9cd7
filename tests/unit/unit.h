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
#include "crm/crm.h"

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

/*
 * The usual fixture of crm tests: *state becomes a fresh in-memory CRM
 * with the default objects, the clock fixed at now (KITH_NOW).
 */
static inline int unit_crm_setup(void **state, const char *now)
{
    struct crm *crm = NULL;
    struct kith_err err = KITH_ERR_INIT;
    setenv("KITH_NOW", now, 1);
    if (crm_open_db(":memory:", &crm, &err) < 0 ||
        crm_seed_defaults(crm, &err) < 0) {
        print_error("setup: %s\n", err.msg);
        crm_close(crm);
        return -1;
    }
    *state = crm;
    return 0;
}

static inline int unit_crm_teardown(void **state)
{
    crm_close(*state);
    unsetenv("KITH_NOW");
    return 0;
}

/* Create an entry from JSON values, failing the test if refused. */
static inline int64_t unit_make(struct crm *crm, const char *object,
                                const char *json)
{
    struct kith_err err = KITH_ERR_INIT;
    struct jv *v = unit_json(json);
    int64_t id = 0;
    if (crm_create(crm, CRM_ACTOR_USER, object, v, &id, &err) < 0)
        fail_msg("create %s %s: %s", object, json, err.msg);
    jv_free(v);
    return id;
}

#endif
