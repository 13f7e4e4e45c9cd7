/*
 * cmd_config: kith config get [KEY] and kith config set KEY VALUE.
 *
 * A thin front end over llm/settings.c, which owns the keys (model,
 * providers.NAME.base_url, providers.NAME.api_key, agent.approval), where
 * each is stored and how it is checked. An API key goes to secrets.env
 * (0600) and is never printed: get shows only "set" or "not set".
 * `config set KEY ""` unsets. An unknown key is a usage error with a
 * suggestion.
 */
#include "cli/cli.h"


#include <stdlib.h>
#include <string.h>

#include "llm/llm.h"

/* A usage error for an unknown key (the message has the suggestion). */
static int check_key(struct cli *c, const char *key)
{
    if (llm_settings_check_key(key, &c->err) < 0) {
        fprintf(stderr, "kith: %s\n", c->err.msg);
        return CLI_USAGE;
    }
    return CLI_OK;
}

/* {"key", "value"} or, for a secret, {"key", "secret": true, "set"}. */
static struct jv *setting_json(const char *key, const char *value)
{
    struct jv *j = jv_object();
    jv_set_take(j, "key", jv_string(key));
    if (llm_settings_is_secret(key)) {
        jv_set_take(j, "secret", jv_boolean(true));
    } else {
        jv_set_take(j, "secret", jv_boolean(false));
        jv_set_take(j, "value", value ? jv_string(value) : jv_null());
    }
    jv_set_take(j, "set", jv_boolean(value != NULL));
    return j;
}

static const char *shown(const char *value)
{
    return value ? value : "not set";
}

/* Every setting as a table (or a JSON array). */
static int list_all(struct cli *c)
{
    struct jv *all = jv_array();
    int ret = CLI_OK;
    for (size_t i = 0; llm_settings_key(i); i++) {
        const char *key = llm_settings_key(i);
        char *value = NULL;
        if (llm_settings_get(c->workspace, key, &value, &c->err) < 0) {
            ret = cli_fail(c, c->err.code);
            goto out;
        }
        jv_push_take(all, setting_json(key, value));
        free(value);
    }
    if (c->json) {
        cli_print_json(all);
        goto out;
    }
    static const char *const head[] = { "KEY", "VALUE" };
    struct table *t = table_new(2, head);
    for (size_t i = 0; i < jv_len(all); i++) {
        const struct jv *s = jv_at(all, i);
        const struct jv *v = jv_get(s, "value");
        const char *text = jv_bool(jv_get(s, "secret"))
                               ? (jv_bool(jv_get(s, "set")) ? "set"
                                                            : "not set")
                               : shown(jv_str(v));
        const char *cells[] = { jv_str(jv_get(s, "key")), text };
        table_add(t, cells);
    }
    table_print(t, stdout, 0);
out:
    jv_free(all);
    return ret;
}

int cmd_config_get(struct cli *c)
{
    if (!c->argc)
        return list_all(c);
    const char *key = c->argv[0];
    int ret = check_key(c, key);
    if (ret)
        return ret;
    char *value = NULL;
    if ((ret = llm_settings_get(c->workspace, key, &value, &c->err)) < 0)
        return cli_fail(c, ret);
    if (c->json) {
        struct jv *j = setting_json(key, value);
        cli_print_json(j);
        jv_free(j);
    } else {
        printf("%s\n", shown(value));
    }
    free(value);
    return CLI_OK;
}

int cmd_config_set(struct cli *c)
{
    const char *key = c->argv[0], *value = c->argv[1];
    int ret = check_key(c, key);
    if (ret)
        return ret;
    if ((ret = llm_settings_set(c->workspace, key, value, &c->err)) < 0)
        return cli_fail(c, ret);
    char *now = NULL;
    if ((ret = llm_settings_get(c->workspace, key, &now, &c->err)) < 0)
        return cli_fail(c, ret);
    if (c->json) {
        struct jv *j = setting_json(key, now);
        cli_print_json(j);
        jv_free(j);
    } else if (!*value) {
        printf("%s: unset%s%s\n", key, now ? ", default " : "",
               now ? now : "");
    } else if (llm_settings_is_secret(key)) {
        printf("%s: set (in secrets.env, mode 0600)\n", key);
    } else {
        printf("%s = %s\n", key, now ? now : value);
    }
    free(now);
    return CLI_OK;
}

