/*
 * cmd_dupes: kith dupes OBJECT lists likely duplicates (crm_dupes), and
 * kith merge OBJECT ID OTHER_ID folds one entry into another (crm_merge)
 * as one change group that kith undo GROUP --group takes back.
 */
#include "cli/cli.h"

#include <stdlib.h>

#include "base/buf.h"

#define DUPES_CELL_MAX 40

int cmd_dupes(struct cli *c)
{
    const struct crm_object *o;
    struct jv *res;
    int ret = crm_object_get(c->crm, c->argv[0], &o, &c->err);
    if (ret < 0 || (ret = crm_dupes(c->crm, o->slug, &res, &c->err)) < 0)
        return cli_fail(c, ret);
    if (c->json) {
        cli_print_json(res);
        jv_free(res);
        return CLI_OK;
    }
    const struct jv *groups = jv_get(res, "groups");
    if (!jv_len(groups)) {
        printf("No likely duplicates among %s\n", o->slug);
        jv_free(res);
        return CLI_OK;
    }
    const char *head[] = { "reason", "value", "id", o->label };
    struct table *t = table_new(4, head);
    table_align_right(t, 2);
    for (size_t g = 0; g < jv_len(groups); g++) {
        const struct jv *grp = jv_at(groups, g);
        const struct jv *entries = jv_get(grp, "entries");
        for (size_t i = 0; i < jv_len(entries); i++) {
            const struct jv *e = jv_at(entries, i);
            char id[32];
            snprintf(id, sizeof(id), "%lld",
                     (long long)jv_int(jv_get(e, "id")));
            char *value = i ? NULL : cli_cell(jv_get(grp, "value"));
            const char *row[] = { i ? "" : jv_str(jv_get(grp, "reason")),
                                  value ? value : "", id,
                                  jv_str(jv_get(e, "label")) };
            table_add(t, row);
            free(value);
        }
    }
    table_print(t, stdout, DUPES_CELL_MAX);
    printf("%zu group%s of likely duplicates; merge two with: kith merge "
           "%s ID OTHER_ID\n",
           jv_len(groups), jv_len(groups) == 1 ? "" : "s", o->slug);
    jv_free(res);
    return CLI_OK;
}

int cmd_merge(struct cli *c)
{
    const struct crm_object *o;
    int64_t id, other, group;
    struct jv *e;
    int ret = crm_object_get(c->crm, c->argv[0], &o, &c->err);
    if (ret < 0)
        return cli_fail(c, ret);
    if ((ret = cli_parse_id(c, c->argv[1], "ID", &id)) != CLI_OK ||
        (ret = cli_parse_id(c, c->argv[2], "OTHER_ID", &other)) != CLI_OK)
        return ret;
    if ((ret = crm_merge(c->crm, CRM_ACTOR_USER, o->slug, id, other, &group,
                         &c->err)) < 0 ||
        (ret = crm_get(c->crm, o->slug, id, &e, &c->err)) < 0)
        return cli_fail(c, ret);
    if (c->json) {
        struct jv *j = jv_object();
        jv_set_take(j, "entry", e);
        jv_set_take(j, "merged", jv_integer(other));
        jv_set_take(j, "group", jv_integer(group));
        cli_print_json(j);
        jv_free(j);
        return CLI_OK;
    }
    printf("Merged %s #%lld into #%lld (undo with: kith undo %lld --group)\n",
           o->slug, (long long)other, (long long)id, (long long)group);
    jv_free(e);
    return CLI_OK;
}
