/*
 * cmd_models: kith models — the models the configured provider offers,
 * with whether each accepts tools (Ollama is asked per model; the hosted
 * APIs do not say, so "unknown"). --model PROVIDER/MODEL or just
 * --model PROVIDER lists another provider's. --json prints
 * {"model": "provider/model" | null, "provider": NAME, "models": [...]}.
 */

#include "cli/cli.h"

#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/xalloc.h"
#include "llm/llm.h"

#define TOOLS_ASKED_MAX 64 /* Ollama models asked about tools at most */

/* Fill in "tools" where the provider can tell (Ollama's /api/show). */
static void add_tools(const struct llm_target *t,
                      const struct llm_call_opts *o, struct jv *models)
{
    for (size_t i = 0; i < jv_len(models) && i < TOOLS_ASKED_MAX; i++) {
        struct jv *m = jv_at(models, i);
        const char *id = jv_str(jv_get(m, "id"));
        if (!id || jv_type(jv_get(m, "tools")) == JV_BOOL)
            continue;
        struct llm_target one = *t; /* t's strings, but this model */
        one.model = xstrdup(id);
        struct kith_err ignored = KITH_ERR_INIT;
        int yes = -1;
        if (llm_model_tools(&one, o, &yes, &ignored) == KITH_OK && yes >= 0)
            jv_set_take(m, "tools", jv_boolean(yes == 1));
        free(one.model);
    }
}

static void print_table(const struct llm_target *t, const struct jv *models)
{
    static const char *const head[] = { "model", "tools" };
    struct table *tab = table_new(2, head);
    struct buf ref = BUF_INIT;
    for (size_t i = 0; i < jv_len(models); i++) {
        const struct jv *m = jv_at(models, i);
        const struct jv *tools = jv_get(m, "tools");
        buf_reset(&ref);
        buf_appendf(&ref, "%s/%s", t->provider, jv_str(jv_get(m, "id")));
        const char *row[] = {
            ref.buf, jv_type(tools) != JV_BOOL ? "unknown"
                     : jv_bool(tools)          ? "yes"
                                               : "no",
        };
        table_add(tab, row);
    }
    table_print(tab, stdout, 0);
    buf_release(&ref);
    if (!jv_len(models))
        printf("%s at %s offers no models\n", t->provider, t->base_url);
}

static void print_json(const struct llm_target *t, const struct jv *models)
{
    struct buf out = BUF_INIT, ref = BUF_INIT;
    struct jw w;
    jw_init(&w, &out);
    jw_obj(&w);
    jw_key(&w, "model");
    if (t->model && *t->model) {
        buf_appendf(&ref, "%s/%s", t->provider, t->model);
        jw_str(&w, ref.buf);
    } else {
        jw_null(&w);
    }
    jw_key(&w, "provider");
    jw_str(&w, t->provider);
    jw_key(&w, "models");
    jw_value(&w, models);
    jw_end_obj(&w);
    puts(out.buf);
    buf_release(&out);
    buf_release(&ref);
}

int cmd_models(struct cli *c)
{
    struct llm_target t = { 0 };
    struct llm_call_opts o = { 0 };
    struct jv *models = NULL;
    int ret;
    if ((ret = cli_llm_setup(c, true, &t, &o)) < 0 ||
        (ret = llm_models(&t, &o, &models, &c->err)) < 0) {
        ret = cli_fail(c, ret);
        goto out;
    }
    add_tools(&t, &o, models);
    if (c->json)
        print_json(&t, models);
    else
        print_table(&t, models);
    ret = CLI_OK;
out:
    jv_free(models);
    llm_target_release(&t);
    return ret;
}

