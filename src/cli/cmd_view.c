/*
 * cmd_view: saved views. kith views, kith view add and kith view rm, thin
 * calls into crm/view.c; plus what kith ls prints for a view (its
 * columns) and the "next:" hint that continues a listing at its cursor.
 */
#include "cli/cli.h"

#include <stdlib.h>
#include <string.h>

#include "base/buf.h"

#define CELL_MAX 32

/* Append s to b quoted for a POSIX shell ('...', with ' as '\''). */
static void shell_quote(struct buf *b, const char *s)
{
    bool plain = *s != '\0';
    for (const char *p = s; *p && plain; p++)
        plain = strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                       "0123456789-_.,:/+=@",
                       *p) != NULL;
    if (plain) {
        buf_appends(b, s);
        return;
    }
    buf_appendc(b, '\'');
    for (; *s; s++)
        buf_appends(b, *s == '\'' ? "'\\''" : (char[]){ *s, '\0' });
    buf_appendc(b, '\'');
}

void cli_print_next_hint(struct cli *c, const struct crm_object *o,
                         const char *cursor)
{
    static const char *const opts[] = { "view", "where", "sort", "limit" };
    if (!cursor)
        return;
    struct buf b = BUF_INIT;
    buf_appends(&b, "next: kith ls ");
    shell_quote(&b, o->slug);
    if (c->workspace_flag) {
        buf_appends(&b, " --workspace ");
        shell_quote(&b, c->workspace_flag);
    }
    for (size_t i = 0; i < sizeof(opts) / sizeof(*opts); i++) {
        const char *v = cli_opt(c, opts[i]);
        if (!v)
            continue;
        buf_appendf(&b, " --%s ", opts[i]);
        shell_quote(&b, v);
    }
    buf_appendf(&b, " --cursor %s\n", cursor);
    fputs(b.buf, stderr);
    buf_release(&b);
}

void cli_print_view_entries(struct cli *c, const struct crm_object *o,
                            const struct jv *columns,
                            const struct jv *entries)
{
    size_t ncols = jv_len(columns);
    if (!ncols) {
        cli_print_entries(c, o, entries);
        return;
    }
    const char **head = calloc(ncols + 1, sizeof(char *));
    char **cells = calloc(ncols + 1, sizeof(char *));
    head[0] = "id";
    for (size_t i = 0; i < ncols; i++)
        head[i + 1] = jv_str(jv_at(columns, i));
    struct table *t = table_new(ncols + 1, head);
    table_align_right(t, 0);
    for (size_t i = 0; i < ncols; i++) {
        const struct crm_field *f = crm_field_find(o, head[i + 1]);
        if (f && (f->type == CRM_NUMBER || f->type == CRM_CURRENCY ||
                  f->type == CRM_RATING))
            table_align_right(t, i + 1);
    }
    for (size_t r = 0; r < jv_len(entries); r++) {
        const struct jv *e = jv_at(entries, r);
        cells[0] = cli_cell(jv_get(e, "id"));
        for (size_t i = 0; i < ncols; i++)
            cells[i + 1] = cli_cell(jv_get(e, head[i + 1]));
        table_add(t, (const char *const *)cells);
        for (size_t i = 0; i <= ncols; i++)
            free(cells[i]);
    }
    table_print(t, stdout, CELL_MAX);
    free(cells);
    free(head);
}

int cmd_views(struct cli *c)
{
    const struct crm_object *o;
    struct jv *views;
    int ret = crm_object_get(c->crm, c->argv[0], &o, &c->err);
    if (ret < 0 || (ret = crm_view_list(c->crm, o->slug, &views, &c->err)) < 0)
        return cli_fail(c, ret);
    if (c->json) {
        cli_print_json(views);
    } else if (!jv_len(views)) {
        printf("%s has no saved views (save one: kith view add %s NAME "
               "--where EXPR)\n",
               o->slug, o->slug);
    } else {
        static const char *const head[] = { "view",    "kind",    "where",
                                            "sort",    "columns", "group_by" };
        static const char *const keys[] = { "name",    "kind",    "where",
                                             "sort",    "columns", "group_by" };
        struct table *t = table_new(6, head);
        for (size_t r = 0; r < jv_len(views); r++) {
            char *cells[6];
            for (size_t i = 0; i < 6; i++)
                cells[i] = cli_cell(jv_get(jv_at(views, r), keys[i]));
            table_add(t, (const char *const *)cells);
            for (size_t i = 0; i < 6; i++)
                free(cells[i]);
        }
        table_print(t, stdout, 0);
    }
    jv_free(views);
    return CLI_OK;
}

int cmd_view_add(struct cli *c)
{
    static const char *const opts[][2] = {
        { "where", "where" }, { "sort", "sort" },       { "kind", "kind" },
        { "columns", "columns" }, { "group-by", "group_by" },
    };
    const struct crm_object *o;
    struct jv *spec = jv_object(), *view = NULL;
    int64_t id;
    int ret = crm_object_get(c->crm, c->argv[0], &o, &c->err);
    if (ret < 0)
        goto fail;
    jv_set_take(spec, "object", jv_string(o->slug));
    jv_set_take(spec, "name", jv_string(c->argv[1]));
    for (size_t i = 0; i < sizeof(opts) / sizeof(*opts); i++)
        if (cli_opt(c, opts[i][0]))
            jv_set_take(spec, opts[i][1], jv_string(cli_opt(c, opts[i][0])));
    if ((ret = crm_view_add(c->crm, spec, &id, &c->err)) < 0 ||
        (ret = crm_view_get(c->crm, id, &view, &c->err)) < 0)
        goto fail;
    if (c->json) {
        cli_print_json(view);
    } else {
        struct buf how = BUF_INIT;
        shell_quote(&how, jv_str(jv_get(view, "name")));
        printf("Saved view %s '%s' (list it: kith ls %s --view %s)\n",
               o->slug, jv_str(jv_get(view, "name")), o->slug, how.buf);
        buf_release(&how);
    }
    jv_free(view);
    jv_free(spec);
    return CLI_OK;
fail:
    jv_free(spec);
    return cli_fail(c, ret);
}

int cmd_view_rm(struct cli *c)
{
    struct jv *view = NULL;
    int ret = crm_view_find(c->crm, c->argv[0], c->argv[1], &view, &c->err);
    if (ret == KITH_OK)
        ret = crm_view_remove(c->crm, jv_int(jv_get(view, "id")), &c->err);
    if (ret < 0) {
        jv_free(view);
        return cli_fail(c, ret);
    }
    if (c->json)
        cli_print_json(view);
    else
        printf("Removed view %s '%s'\n", jv_str(jv_get(view, "object")),
               jv_str(jv_get(view, "name")));
    jv_free(view);
    return CLI_OK;
}
