/*
 * cmd_log: the change history. kith log [OBJECT [ID]] and kith undo.
 */
#include "cli/cli.h"

#include <stdlib.h>
#include <string.h>

#include "agent/agent.h"
#include "base/buf.h"

/* "status: Lead -> Customer; tags: vip" for an update, a label otherwise. */
static char *summary(const struct jv *ch)
{
    const char *op = jv_str(jv_get(ch, "op"));
    const struct jv *before = jv_get(ch, "before"), *after = jv_get(ch, "after");
    struct buf b = BUF_INIT;
    if (op && !strcmp(op, "update")) {
        void *it = NULL;
        struct jv *val;
        const char *key;
        while ((key = jv_next(after, &it, &val))) {
            char *from = cli_cell(jv_get(before, key)), *to = cli_cell(val);
            buf_appendf(&b, "%s%s: %s -> %s", b.len ? "; " : "", key,
                        *from ? from : "(empty)", *to ? to : "(empty)");
            free(from);
            free(to);
        }
    } else {
        const struct jv *e = jv_type(after) == JV_OBJECT ? after : before;
        const struct jv *label = jv_get(e, "name");
        if (!label)
            label = jv_get(e, "title");
        char *s = cli_cell(label);
        buf_appends(&b, s);
        free(s);
    }
    return buf_detach(&b, NULL);
}

int cmd_log(struct cli *c)
{
    int64_t id = 0, limit = 50;
    const char *lim = cli_opt(c, "limit");
    int ret;
    if (c->argc == 2 &&
        (ret = cli_parse_id(c, c->argv[1], "ID", &id)) != CLI_OK)
        return ret;
    if (lim && (ret = cli_parse_id(c, lim, "--limit", &limit)) != CLI_OK)
        return ret;
    struct jv *log;
    if ((ret = crm_log(c->crm, c->argc ? c->argv[0] : NULL, id, limit, &log,
                       &c->err)) < 0)
        return cli_fail(c, ret);
    if (c->json) {
        cli_print_json(log);
        jv_free(log);
        return CLI_OK;
    }
    static const char *const head[] = { "change", "at",    "actor",
                                        "op",     "entry", "what" };
    struct table *t = table_new(6, head);
    table_align_right(t, 0);
    for (size_t i = 0; i < jv_len(log); i++) {
        const struct jv *ch = jv_at(log, i);
        char idbuf[32], entry[160], at[24];
        snprintf(idbuf, sizeof(idbuf), "%lld",
                 (long long)jv_int(jv_get(ch, "id")));
        snprintf(entry, sizeof(entry), "%s #%lld",
                 jv_str(jv_get(ch, "object")),
                 (long long)jv_int(jv_get(ch, "entry_id")));
        /* "2026-11-26T06:00:21.123Z" shown as "2026-11-26 06:00:21" */
        snprintf(at, sizeof(at), "%.19s", jv_str(jv_get(ch, "at")));
        if (strlen(at) > 10)
            at[10] = ' ';
        char *what = summary(ch);
        const char *row[] = { idbuf, at, jv_str(jv_get(ch, "actor")),
                              jv_str(jv_get(ch, "op")), entry, what };
        table_add(t, row);
        free(what);
    }
    table_print(t, stdout, 80);
    jv_free(log);
    return CLI_OK;
}

/* kith undo --turn ID: everything an agent's turn changed. */
static int undo_turn(struct cli *c, const char *turn)
{
    int64_t id, group;
    int ret = cli_parse_id(c, turn, "--turn", &id);
    if (ret != CLI_OK)
        return ret;
    if (c->argc)
        return cli_usage(c, "give either CHANGE_ID or --turn ID, not both");
    if ((ret = agent_undo_turn(c->crm, CRM_ACTOR_USER, id, &group,
                               &c->err)) < 0)
        return cli_fail(c, ret);
    if (c->json) {
        struct jv *j = jv_object();
        jv_set_take(j, "undone_turn", jv_integer(id));
        jv_set_take(j, "group", jv_integer(group));
        cli_print_json(j);
        jv_free(j);
    } else {
        printf("Undid turn #%lld (change group #%lld)\n", (long long)id,
               (long long)group);
    }
    return CLI_OK;
}

int cmd_undo(struct cli *c)
{
    int64_t id;
    if (cli_opt(c, "turn"))
        return undo_turn(c, cli_opt(c, "turn"));
    if (!c->argc)
        return cli_usage(c, "missing arguments");
    int ret = cli_parse_id(c, c->argv[0], "CHANGE_ID", &id);
    if (ret != CLI_OK)
        return ret;
    bool group = cli_flag(c, "group");
    if (group) /* the group of that change: any change of it will do */
        ret = crm_change_group(c->crm, id, &id, &c->err);
    if (ret >= 0)
        ret = group ? crm_undo_group(c->crm, CRM_ACTOR_USER, id, &c->err)
                    : crm_undo(c->crm, CRM_ACTOR_USER, id, &c->err);
    if (ret < 0)
        return cli_fail(c, ret);
    if (c->json) {
        struct jv *j = jv_object();
        jv_set_take(j, group ? "undone_group" : "undone", jv_integer(id));
        cli_print_json(j);
        jv_free(j);
    } else {
        printf("Undid %s #%lld\n", group ? "change group" : "change",
               (long long)id);
    }
    return CLI_OK;
}
