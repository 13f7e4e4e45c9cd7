/*
 * cmd_schema: objects and fields. kith objects, kith object add|rename|rm,
 * kith fields, kith field add|rename|rm. Each is a thin call into crm/.
 */
#include "cli/cli.h"

#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/xalloc.h"

int cmd_objects(struct cli *c)
{
    size_t n = crm_object_count(c->crm);
    struct jv *arr = jv_array();
    for (size_t i = 0; i < n; i++) {
        const struct crm_object *o = crm_object_at(c->crm, i);
        int64_t count = 0;
        int ret = crm_count(c->crm, o, &count, &c->err);
        if (ret < 0) {
            jv_free(arr);
            return cli_fail(c, ret);
        }
        struct jv *j = jv_object();
        jv_set_take(j, "slug", jv_string(o->slug));
        jv_set_take(j, "name", jv_string(o->name));
        jv_set_take(j, "label_field", jv_string(o->label));
        jv_set_take(j, "fields", jv_integer((int64_t)o->nfields));
        jv_set_take(j, "entries", jv_integer(count));
        jv_push_take(arr, j);
    }
    if (c->json) {
        struct jv *j = jv_object();
        jv_set_take(j, "objects", arr);
        cli_print_json(j);
        jv_free(j);
        return CLI_OK;
    }
    static const char *const head[] = { "object", "name", "fields",
                                        "entries" };
    struct table *t = table_new(4, head);
    table_align_right(t, 2);
    table_align_right(t, 3);
    for (size_t i = 0; i < n; i++) {
        const struct jv *j = jv_at(arr, i);
        char fields[32], entries[32];
        snprintf(fields, sizeof(fields), "%lld",
                 (long long)jv_int(jv_get(j, "fields")));
        snprintf(entries, sizeof(entries), "%lld",
                 (long long)jv_int(jv_get(j, "entries")));
        const char *row[] = { jv_str(jv_get(j, "slug")),
                              jv_str(jv_get(j, "name")), fields, entries };
        table_add(t, row);
    }
    table_print(t, stdout, 0);
    jv_free(arr);
    return CLI_OK;
}

int cmd_object_add(struct cli *c)
{
    int ret = crm_object_add(c->crm, c->argv[0], &c->err);
    if (ret < 0)
        return cli_fail(c, ret);
    struct buf slug = BUF_INIT;
    crm_slugify(c->argv[0], &slug, NULL);
    if (c->json) {
        struct jv *j = jv_object();
        jv_set_take(j, "slug", jv_string(slug.buf));
        jv_set_take(j, "name", jv_string(c->argv[0]));
        cli_print_json(j);
        jv_free(j);
    } else {
        printf("Created object %s (label field: name)\n", slug.buf);
    }
    buf_release(&slug);
    return CLI_OK;
}

int cmd_object_rename(struct cli *c)
{
    int ret = crm_object_rename(c->crm, c->argv[0], c->argv[1], &c->err);
    if (ret < 0)
        return cli_fail(c, ret);
    if (!c->json)
        printf("Renamed %s to '%s'\n", c->argv[0], c->argv[1]);
    return CLI_OK;
}

int cmd_object_rm(struct cli *c)
{
    int ret = crm_object_remove(c->crm, c->argv[0], cli_flag(c, "force"),
                                &c->err);
    if (ret < 0)
        return cli_fail(c, ret);
    if (!c->json)
        printf("Removed object %s\n", c->argv[0]);
    return CLI_OK;
}

static struct jv *field_json(const struct crm_field *f)
{
    struct jv *j = jv_object();
    jv_set_take(j, "slug", jv_string(f->slug));
    jv_set_take(j, "name", jv_string(f->name));
    jv_set_take(j, "type", jv_string(crm_type_name(f->type)));
    if (f->noptions) {
        struct jv *opts = jv_array();
        for (size_t i = 0; i < f->noptions; i++)
            jv_push_take(opts, jv_string(f->options[i]));
        jv_set_take(j, "options", opts);
    }
    if (f->target)
        jv_set_take(j, "to", jv_string(f->target->slug));
    return j;
}

int cmd_fields(struct cli *c)
{
    const struct crm_object *o;
    int ret = crm_object_get(c->crm, c->argv[0], &o, &c->err);
    if (ret < 0)
        return cli_fail(c, ret);
    if (c->json) {
        struct jv *j = jv_object(), *arr = jv_array();
        jv_set_take(j, "object", jv_string(o->slug));
        jv_set_take(j, "label_field", jv_string(o->label));
        for (size_t i = 0; i < o->nfields; i++)
            jv_push_take(arr, field_json(&o->fields[i]));
        jv_set_take(j, "fields", arr);
        cli_print_json(j);
        jv_free(j);
        return CLI_OK;
    }
    static const char *const head[] = { "field", "name", "type", "details" };
    struct table *t = table_new(4, head);
    for (size_t i = 0; i < o->nfields; i++) {
        const struct crm_field *f = &o->fields[i];
        struct buf d = BUF_INIT;
        if (f->target)
            buf_appendf(&d, "-> %s", f->target->slug);
        for (size_t k = 0; k < f->noptions; k++)
            buf_appendf(&d, "%s%s", k ? ", " : "", f->options[k]);
        if (!strcmp(f->slug, o->label))
            buf_appends(&d, d.len ? " (label)" : "label");
        const char *row[] = { f->slug, f->name, crm_type_name(f->type),
                              d.buf };
        table_add(t, row);
        buf_release(&d);
    }
    table_print(t, stdout, 0);
    return CLI_OK;
}

int cmd_field_add(struct cli *c)
{
    struct crm_field_spec spec = { .name = c->argv[1] };
    int ret = crm_type_parse(c->argv[2], &spec.type, &c->err);
    if (ret < 0)
        return cli_usage(c, "%s", c->err.msg);
    /* --options a,b,c */
    const char *opts = cli_opt(c, "options");
    char **list = NULL;
    size_t n = 0;
    for (const char *p = opts; p && *p;) {
        const char *end = strchr(p, ',');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        while (len && *p == ' ')
            p++, len--;
        while (len && p[len - 1] == ' ')
            len--;
        list = xrealloc(list, (n + 1) * sizeof(*list));
        list[n++] = xstrndup(p, len);
        p = end ? end + 1 : p + len;
    }
    spec.options = (const char *const *)list;
    spec.noptions = n;
    spec.target = cli_opt(c, "to");
    ret = crm_field_add(c->crm, c->argv[0], &spec, &c->err);
    for (size_t i = 0; i < n; i++)
        free(list[i]);
    free(list);
    if (ret < 0)
        return cli_fail(c, ret);
    const struct crm_object *o = crm_object_find(c->crm, c->argv[0]);
    const struct crm_field *f = crm_field_find(o, c->argv[1]);
    if (c->json) {
        struct jv *j = field_json(f);
        cli_print_json(j);
        jv_free(j);
    } else {
        printf("Added field %s.%s (%s)\n", o->slug, f->slug,
               crm_type_name(f->type));
    }
    return CLI_OK;
}

int cmd_field_rename(struct cli *c)
{
    int ret = crm_field_rename(c->crm, c->argv[0], c->argv[1], c->argv[2],
                               &c->err);
    if (ret < 0)
        return cli_fail(c, ret);
    if (!c->json)
        printf("Renamed %s.%s to '%s'\n", c->argv[0], c->argv[1],
               c->argv[2]);
    return CLI_OK;
}

int cmd_field_rm(struct cli *c)
{
    int ret = crm_field_remove(c->crm, c->argv[0], c->argv[1],
                               cli_flag(c, "force"), &c->err);
    if (ret < 0)
        return cli_fail(c, ret);
    if (!c->json)
        printf("Removed field %s.%s\n", c->argv[0], c->argv[1]);
    return CLI_OK;
}
