/*
 * cmd_workspace: kith init, kith version and kith tour.
 */
#include "cli/cli.h"

#include <stdlib.h>

#include "db/db.h"

int cmd_init(struct cli *c)
{
    bool created;
    bool demo = cli_flag(c, "demo");
    int ret = crm_workspace_init(c->workspace, demo, &created, &c->err);
    if (ret < 0)
        return cli_fail(c, ret);
    if (c->json) {
        struct jv *j = jv_object();
        jv_set_take(j, "workspace", jv_string(c->workspace));
        jv_set_take(j, "created", jv_boolean(created));
        cli_print_json(j);
        jv_free(j);
    } else if (created) {
        printf("Created workspace %s%s\n", c->workspace,
               demo ? " with demo data" : "");
        printf("  kith.db      the CRM (SQLite)\n"
               "  config.json  settings\n"
               "  token        API token (private)\n"
               "  secrets.env  API keys (private)\n"
               "  SOUL.md USER.md MEMORY.md  for the agent\n");
    } else {
        printf("Workspace %s already exists; nothing changed.\n",
               c->workspace);
    }
    return CLI_OK;
}

int cmd_version(struct cli *c)
{
    if (c->json) {
        struct jv *j = jv_object();
        jv_set_take(j, "version", jv_string(KITH_VERSION));
        jv_set_take(j, "schema", jv_integer(db_schema_version()));
        cli_print_json(j);
        jv_free(j);
    } else {
        printf("kith %s (schema %d)\n", KITH_VERSION, db_schema_version());
    }
    return CLI_OK;
}

int cmd_tour(struct cli *c)
{
    printf("Workspace: %s\n\n", c->workspace);
    int ret = cmd_objects(c);
    if (ret != CLI_OK)
        return ret;
    const struct crm_object *o = crm_object_find(c->crm, "people");
    if (!o)
        return CLI_OK;
    struct crm_query q = { .sort = "name", .limit = 5 };
    struct jv *list;
    if ((ret = crm_list(c->crm, o->slug, &q, &list, &c->err)) < 0)
        return cli_fail(c, ret);
    printf("\nA few people:\n\n");
    cli_print_entries(c, o, jv_get(list, "entries"));
    printf("\nTry: kith ls people --sort -last_contacted --limit 10\n"
           "     kith add people name=\"Ada Lovelace\" status=Lead\n"
           "     kith log\n");
    jv_free(list);
    return CLI_OK;
}
