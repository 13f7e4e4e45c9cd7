/*
 * fuzz_jread: differential libFuzzer target for the allocation-free JSON
 * reader (base/jread.c) against jv_parse (jansson).
 *
 * The input is JSON text. Invariants (a violation aborts):
 *   - jr_valid() accepts it exactly when jv_parse() does, and a refusal
 *     says where ("line L, column C: ...");
 *   - when accepted, a tree built by walking it with the reader
 *     (jr_obj/jr_arr/jr_str/jr_int/jr_num/jr_bool/jr_null, keys through
 *     jr_key_decode, the last of duplicate keys winning) equals
 *     jv_parse's, jr_type() agrees with each value's type, and
 *     jr_members() finds the last "a" and "b" as jv_get() does;
 *   - nothing reads outside the input (ASan: libFuzzer's buffer is
 *     exactly the input's size and not NUL-terminated).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/jread.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The value at r as a jv, read with the reader; NULL on a read error. */
static struct jv *build(struct jr *r)
{
    int type = jr_type(r);
    struct buf s = BUF_INIT;
    struct jv *out = NULL;
    switch (type) {
    case JV_OBJECT: {
        const char *key;
        size_t keylen;
        int ret;
        if (jr_obj(r) < 0)
            return NULL;
        out = jv_object();
        while ((ret = jr_obj_next(r, &key, &keylen)) > 0) {
            struct jv *v;
            buf_reset(&s);
            jr_key_decode(key, keylen, &s);
            if (!(v = build(r)))
                break;
            jv_set_take(out, s.buf, v);
        }
        if (ret != 0) {
            jv_free(out);
            out = NULL;
        }
        break;
    }
    case JV_ARRAY: {
        int ret;
        if (jr_arr(r) < 0)
            return NULL;
        out = jv_array();
        while ((ret = jr_arr_next(r)) > 0) {
            struct jv *v = build(r);
            if (!v)
                break;
            jv_push_take(out, v);
        }
        if (ret != 0) {
            jv_free(out);
            out = NULL;
        }
        break;
    }
    case JV_STRING:
        if (jr_str(r, &s) == KITH_OK)
            out = jv_stringn(s.buf, s.len);
        break;
    case JV_INT: {
        int64_t v;
        if (jr_int(r, &v) == KITH_OK)
            out = jv_integer(v);
        break;
    }
    case JV_REAL: {
        double v;
        if (jr_num(r, &v) == KITH_OK)
            out = jv_real(v);
        break;
    }
    case JV_BOOL: {
        bool v;
        if (jr_bool(r, &v) == KITH_OK)
            out = jv_boolean(v);
        break;
    }
    case JV_NULL:
        if (jr_null(r) == KITH_OK)
            out = jv_null();
        break;
    default: break;
    }
    buf_release(&s);
    return out;
}

/* jr_members agrees with jv_get on the members "a" and "b". */
static void check_members(const char *text, size_t len, const struct jv *j)
{
    static const char *const names[] = { "a", "b" };
    struct jr r, found[2];
    jr_init(&r, text, len);
    if (jr_members(&r, names, found, 2) < 0 || jr_end(&r) < 0)
        abort();
    for (size_t i = 0; i < 2; i++) {
        const struct jv *want = jv_get(j, names[i]);
        if (!want != !found[i].text)
            abort();
        if (!want)
            continue;
        struct jv *got = build(&found[i]);
        if (!got || !jv_equal(got, want))
            abort();
        jv_free(got);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *text = (const char *)data;
    struct kith_err jerr = KITH_ERR_INIT, rerr = KITH_ERR_INIT;
    struct jv *j = jv_parse(text, size, &jerr);
    bool ok = jr_valid(text, size, &rerr);
    if (ok != (j != NULL))
        abort();
    if (!ok && strncmp(rerr.msg, "line ", 5))
        abort();
    if (j) {
        struct jr r;
        jr_init(&r, text, size);
        struct jv *built = build(&r);
        if (!built || jr_end(&r) < 0 || !jv_equal(built, j))
            abort();
        jv_free(built);
        check_members(text, size, j);
    }
    jv_free(j);
    return 0;
}
