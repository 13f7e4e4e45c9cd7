/*
 * tool_check: a tool's arguments checked against its JSON Schema before
 * the tool runs, so a handler starts from well-typed input and a model
 * that got an argument wrong reads which one and why.
 *
 * Only what the tool table's schemas use is checked: "properties" with a
 * "type" each (one of string, integer, number, boolean, object, array;
 * array "items" with a "type"), "required" and "additionalProperties":
 * false. A member given as null counts as absent (models often send null
 * for an optional argument). Ranges and formats are the handlers' and
 * crm's to check.
 */
#include "agent/agent_int.h"

#include <string.h>

#include "base/suggest.h"

/* The JSON Schema type name of v. */
static const char *type_of(const struct jv *v)
{
    switch (jv_type(v)) {
    case JV_NULL: return "null";
    case JV_BOOL: return "boolean";
    case JV_INT: return "integer";
    case JV_REAL: return "number";
    case JV_STRING: return "string";
    case JV_ARRAY: return "array";
    case JV_OBJECT: return "object";
    }
    return "unknown";
}

static bool is_type(const struct jv *v, const char *want)
{
    const char *have = type_of(v);
    if (!strcmp(want, "number"))
        return !strcmp(have, "number") || !strcmp(have, "integer");
    return !strcmp(have, want);
}

/* "an integer", "a string" */
static const char *with_article(const char *type)
{
    return strchr("aeiou", type[0]) ? "an" : "a";
}

/* The unknown argument key: a message with a suggestion or the list. */
static int unknown_arg(const char *tool, const char *key,
                       const struct jv *props, struct kith_err *err)
{
    const char *names[32];
    size_t n = 0;
    void *it = NULL;
    struct jv *val;
    const char *name;
    struct buf all = BUF_INIT;
    while ((name = jv_next(props, &it, &val)) && n < 32) {
        names[n++] = name;
        buf_appendf(&all, "%s%s", all.len ? ", " : "", name);
    }
    const char *hint = suggest_closest(key, names, n);
    int ret;
    if (hint)
        ret = kith_errf(err, KITH_EINVAL,
                        "%s: unknown argument '%s'; did you mean '%s'?",
                        tool, key, hint);
    else if (n)
        ret = kith_errf(err, KITH_EINVAL,
                        "%s: unknown argument '%s'; the arguments are: %s",
                        tool, key, all.buf);
    else
        ret = kith_errf(err, KITH_EINVAL,
                        "%s: unknown argument '%s'; it takes no arguments",
                        tool, key);
    buf_release(&all);
    return ret;
}

/* One argument value against its property schema. */
static int check_value(const char *tool, const char *key, const struct jv *v,
                       const struct jv *prop, struct kith_err *err)
{
    const char *want = jv_str(jv_get(prop, "type"));
    if (!want)
        return KITH_OK;
    if (!is_type(v, want))
        return kith_errf(err, KITH_EINVAL, "%s: '%s' must be %s %s, not %s %s",
                         tool, key, with_article(want), want,
                         with_article(type_of(v)), type_of(v));
    const char *item = jv_str(jv_get(jv_get(prop, "items"), "type"));
    if (!item || jv_type(v) != JV_ARRAY)
        return KITH_OK;
    for (size_t i = 0; i < jv_len(v); i++)
        if (!is_type(jv_at(v, i), item))
            return kith_errf(err, KITH_EINVAL,
                             "%s: '%s' must be an array of %ss; item %zu is "
                             "%s %s",
                             tool, key, item, i + 1,
                             with_article(type_of(jv_at(v, i))),
                             type_of(jv_at(v, i)));
    return KITH_OK;
}

int agent_check_args(const char *tool, const char *schema,
                     const struct jv *args, struct kith_err *err)
{
    int ret = KITH_OK;
    struct jv *s = jv_parse(schema, strlen(schema), NULL);
    if (!s)
        return kith_errf(err, KITH_EINVAL, "%s: its schema does not parse",
                         tool);
    const struct jv *props = jv_get(s, "properties");
    const struct jv *required = jv_get(s, "required");
    if (args && jv_type(args) != JV_OBJECT) {
        ret = kith_errf(err, KITH_EINVAL,
                        "%s: the arguments must be a JSON object, not %s %s",
                        tool, with_article(type_of(args)), type_of(args));
        goto out;
    }
    void *it = NULL;
    struct jv *val;
    const char *key;
    while (args && (key = jv_next(args, &it, &val))) {
        const struct jv *prop = jv_get(props, key);
        if (!prop) {
            ret = unknown_arg(tool, key, props, err);
            goto out;
        }
        if (jv_type(val) == JV_NULL)
            continue; /* absent; a required one is reported below */
        if ((ret = check_value(tool, key, val, prop, err)) < 0)
            goto out;
    }
    for (size_t i = 0; i < jv_len(required); i++) {
        const char *name = jv_str(jv_at(required, i));
        if (name && jv_type(jv_get(args, name)) == JV_NULL) {
            ret = kith_errf(err, KITH_EINVAL, "%s: '%s' is required", tool,
                            name);
            goto out;
        }
    }
out:
    jv_free(s);
    return ret;
}
