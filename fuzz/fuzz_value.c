/*
 * fuzz_value: libFuzzer target for the value parsers of every field type
 * (crm/value.c) and the JSON parser (base/json.c).
 *
 * The first byte picks a field type; the rest is given both as the text
 * form (as the CLI and CSV give it) and, when it parses, as a JSON value
 * (as the API gives it). Any crash, leak or sanitizer report is a bug;
 * a refusal must come with a message that names the field.
 */
#include <stdlib.h>
#include <string.h>

#include "crm/crm_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char opt1[] = "Lead", opt2[] = "Closed Won", opt3[] = "Société";
static char *opts[] = { opt1, opt2, opt3 };
static char slug[] = "field";

static void check(const struct crm_field *f, const struct jv *in)
{
    struct crm_val v;
    struct kith_err err = KITH_ERR_INIT;
    int ret = value_parse(f, in, &v, &err);
    if (ret < 0 && strncmp(err.msg, f->slug, strlen(f->slug)) != 0)
        abort(); /* a refusal must name the field */
    value_release(&v);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    struct crm_field f = { 0 };
    f.slug = slug;
    f.name = f.slug;
    f.type = (enum crm_type)(data[0] % (CRM_RATING + 1));
    f.options = opts;
    f.noptions = 3;
    const char *s = (const char *)data + 1;
    size_t n = size - 1;
    struct jv *text = jv_stringn(s, n);
    check(&f, text);
    jv_free(text);
    struct jv *j = jv_parse(s, n, NULL);
    if (j) {
        check(&f, j);
        char *back = jv_dump(j);
        free(back);
        jv_free(j);
    }
    return 0;
}
