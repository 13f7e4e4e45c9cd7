/*
 * cmd_search: full-text search. kith search TEXT... [--limit N] prints the
 * hits grouped by object, best group first, with a snippet of where each
 * matched ([ ] around the matching words); kith reindex rebuilds the index
 * with a progress bar. Both are thin calls into crm/search.c.
 */
#include "cli/cli.h"

#include <stdlib.h>
#include <string.h>

#include "base/buf.h"

#define SNIPPET_CELLS 60

/* Add the rows of one group; the object's slug only on its first row. */
static void add_group(struct table *t, const struct jv *g)
{
    const struct jv *hits = jv_get(g, "hits");
    for (size_t i = 0; i < jv_len(hits); i++) {
        const struct jv *h = jv_at(hits, i);
        char id[32];
        snprintf(id, sizeof(id), "%lld", (long long)jv_int(jv_get(h, "id")));
        char *label = cli_cell(jv_get(h, "label"));
        char *snip = cli_cell(jv_get(h, "snippet"));
        const char *row[] = { i ? "" : jv_str(jv_get(g, "object")), id,
                              label, snip };
        table_add(t, row);
        free(label);
        free(snip);
    }
}

int cmd_search(struct cli *c)
{
    struct buf text = BUF_INIT;
    struct jv *res = NULL;
    int64_t limit = 0;
    const char *lim = cli_opt(c, "limit");
    int ret = lim ? cli_parse_id(c, lim, "--limit", &limit) : CLI_OK;
    if (ret != CLI_OK)
        return ret;
    for (int i = 0; i < c->argc; i++)
        buf_appendf(&text, "%s%s", i ? " " : "", c->argv[i]);
    if ((ret = crm_search(c->crm, text.buf, limit, &res, &c->err)) < 0) {
        buf_release(&text);
        return cli_fail(c, ret);
    }
    if (c->json) {
        cli_print_json(res);
        goto out;
    }
    const struct jv *groups = jv_get(res, "groups");
    int64_t total = jv_int(jv_get(res, "total")), shown = 0;
    if (!total) {
        printf("No matches for '%s'\n", text.buf);
        goto out;
    }
    static const char *const head[] = { "object", "id", "label", "match" };
    struct table *t = table_new(4, head);
    table_align_right(t, 1);
    for (size_t i = 0; i < jv_len(groups); i++) {
        add_group(t, jv_at(groups, i));
        shown += (int64_t)jv_len(jv_get(jv_at(groups, i), "hits"));
    }
    table_print(t, stdout, SNIPPET_CELLS);
    printf("%lld of %lld %s\n", (long long)shown, (long long)total,
           total == 1 ? "match" : "matches");
out:
    jv_free(res);
    buf_release(&text);
    return CLI_OK;
}

/* ---- reindex ---- */

struct reindex_ctx {
    struct progress bar;
    int64_t done;
};

static void on_progress(void *ctx, int64_t done, int64_t total)
{
    struct reindex_ctx *r = ctx;
    r->done = done;
    r->bar.total = (size_t)total;
    progress_update(&r->bar, (size_t)done, (size_t)done);
}

int cmd_reindex(struct cli *c)
{
    struct reindex_ctx r = { .done = 0 };
    progress_start(&r.bar, "reindex", 0);
    int ret = crm_reindex(c->crm, on_progress, &r, &c->err);
    progress_end(&r.bar);
    if (ret < 0)
        return cli_fail(c, ret);
    if (c->json) {
        struct jv *j = jv_object();
        jv_set_take(j, "reindexed", jv_integer(r.done));
        cli_print_json(j);
        jv_free(j);
    } else {
        printf("Reindexed %lld %s\n", (long long)r.done,
               r.done == 1 ? "entry" : "entries");
    }
    return CLI_OK;
}
