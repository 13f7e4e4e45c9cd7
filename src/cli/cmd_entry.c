/*
 * cmd_entry: entries. kith add, get, set, rm and ls, each a thin call into
 * crm/'s one write path or its readers, with values given as field=value.
 */
#include "cli/cli.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/utf8.h"

#define CELL_MAX 32

/* Build {field: "value"} from field=value arguments. */
static int parse_assignments(struct cli *c, int from, struct jv **out)
{
    struct jv *values = jv_object();
    for (int i = from; i < c->argc; i++) {
        const char *a = c->argv[i], *eq = strchr(a, '=');
        if (!eq || eq == a) {
            jv_free(values);
            return cli_usage(c, "expected field=value, not '%s'", a);
        }
        char *field = strndup(a, (size_t)(eq - a));
        /* The JSON object would silently drop a key that is not UTF-8. */
        if (!utf8_valid(field, strlen(field))) {
            free(field);
            jv_free(values);
            return cli_usage(c, "the field name in '%s' is not valid UTF-8",
                             a);
        }
        if (!utf8_valid(eq + 1, strlen(eq + 1))) {
            free(field);
            jv_free(values);
            return cli_usage(c, "the value of '%s' is not valid UTF-8",
                             a);
        }
        if (jv_get(values, field)) {
            int ret = cli_usage(c, "field '%s' is given twice", field);
            free(field);
            jv_free(values);
            return ret;
        }
        jv_set_take(values, field, jv_string(eq + 1));
        free(field);
    }
    *out = values;
    return CLI_OK;
}

/* Print one entry as "field  value" lines, or as JSON. */
static void print_entry(struct cli *c, const struct crm_object *o,
                        const struct jv *e)
{
    if (c->json) {
        cli_print_json(e);
        return;
    }
    static const char *const head[] = { "field", "value" };
    struct table *t = table_new(2, head);
    static const char *const sys[] = { "id", "created_at", "updated_at" };
    for (size_t i = 0; i < 3; i++) {
        char *v = cli_cell(jv_get(e, sys[i]));
        const char *row[] = { sys[i], v };
        table_add(t, row);
        free(v);
    }
    for (size_t i = 0; i < o->nfields; i++) {
        char *v = cli_cell(jv_get(e, o->fields[i].slug));
        const char *row[] = { o->fields[i].slug, v };
        table_add(t, row);
        free(v);
    }
    table_print(t, stdout, 0);
}

/* Columns that fit the terminal (all when stdout is not one). */
static size_t fitting_columns(const struct crm_object *o)
{
    struct winsize ws;
    if (!isatty(STDOUT_FILENO) || ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) < 0 ||
        !ws.ws_col)
        return o->nfields;
    size_t width = 8, n = 0;
    while (n < o->nfields && width + CELL_MAX / 2 + 2 <= ws.ws_col) {
        width += CELL_MAX / 2 + 2;
        n++;
    }
    return n ? n : 1;
}

void cli_print_entries(struct cli *c, const struct crm_object *o,
                       const struct jv *entries)
{
    size_t ncols = fitting_columns(o);
    const char **head = calloc(ncols + 1, sizeof(char *));
    head[0] = "id";
    for (size_t i = 0; i < ncols; i++)
        head[i + 1] = o->fields[i].slug;
    struct table *t = table_new(ncols + 1, head);
    table_align_right(t, 0);
    for (size_t i = 0; i < ncols; i++) {
        enum crm_type ty = o->fields[i].type;
        if (ty == CRM_NUMBER || ty == CRM_CURRENCY || ty == CRM_RATING)
            table_align_right(t, i + 1);
    }
    char **cells = calloc(ncols + 1, sizeof(char *));
    for (size_t r = 0; r < jv_len(entries); r++) {
        const struct jv *e = jv_at(entries, r);
        cells[0] = cli_cell(jv_get(e, "id"));
        for (size_t i = 0; i < ncols; i++)
            cells[i + 1] = cli_cell(jv_get(e, o->fields[i].slug));
        table_add(t, (const char *const *)cells);
        for (size_t i = 0; i <= ncols; i++)
            free(cells[i]);
    }
    table_print(t, stdout, CELL_MAX);
    if (ncols < o->nfields)
        printf("(%zu more fields not shown; widen the terminal or use "
               "--json)\n",
               o->nfields - ncols);
    free(cells);
    free(head);
    (void)c;
}

static int show(struct cli *c, const struct crm_object *o, int64_t id,
                const char *verb)
{
    struct jv *e;
    int ret = crm_get(c->crm, o->slug, id, &e, &c->err);
    if (ret < 0)
        return cli_fail(c, ret);
    if (verb && !c->json) {
        char *label = cli_cell(jv_get(e, o->label));
        printf("%s %s #%lld: %s\n", verb, o->slug, (long long)id, label);
        free(label);
    } else {
        print_entry(c, o, e);
    }
    jv_free(e);
    return CLI_OK;
}

int cmd_add(struct cli *c)
{
    const struct crm_object *o;
    struct jv *values;
    int64_t id;
    int ret = crm_object_get(c->crm, c->argv[0], &o, &c->err);
    if (ret < 0)
        return cli_fail(c, ret);
    if ((ret = parse_assignments(c, 1, &values)) != CLI_OK)
        return ret;
    ret = crm_create(c->crm, CRM_ACTOR_USER, o->slug, values, &id, &c->err);
    jv_free(values);
    if (ret < 0)
        return cli_fail(c, ret);
    return show(c, o, id, "Added");
}

int cmd_get(struct cli *c)
{
    const struct crm_object *o;
    int64_t id;
    int ret = crm_object_get(c->crm, c->argv[0], &o, &c->err);
    if (ret < 0)
        return cli_fail(c, ret);
    if ((ret = cli_parse_id(c, c->argv[1], "ID", &id)) != CLI_OK)
        return ret;
    return show(c, o, id, NULL);
}

int cmd_set(struct cli *c)
{
    const struct crm_object *o;
    struct jv *values;
    int64_t id;
    int ret = crm_object_get(c->crm, c->argv[0], &o, &c->err);
    if (ret < 0)
        return cli_fail(c, ret);
    if ((ret = cli_parse_id(c, c->argv[1], "ID", &id)) != CLI_OK ||
        (ret = parse_assignments(c, 2, &values)) != CLI_OK)
        return ret;
    ret = crm_update(c->crm, CRM_ACTOR_USER, o->slug, id, values, &c->err);
    jv_free(values);
    if (ret < 0)
        return cli_fail(c, ret);
    return show(c, o, id, "Updated");
}

int cmd_rm(struct cli *c)
{
    const struct crm_object *o;
    struct jv *e = NULL, *log = NULL;
    int64_t id;
    int ret = crm_object_get(c->crm, c->argv[0], &o, &c->err);
    if (ret < 0)
        return cli_fail(c, ret);
    if ((ret = cli_parse_id(c, c->argv[1], "ID", &id)) != CLI_OK)
        return ret;
    if ((ret = crm_get(c->crm, o->slug, id, &e, &c->err)) < 0 ||
        (ret = crm_delete(c->crm, CRM_ACTOR_USER, o->slug, id, &c->err)) < 0 ||
        (ret = crm_log(c->crm, o->slug, id, 1, &log, &c->err)) < 0) {
        jv_free(e);
        return cli_fail(c, ret);
    }
    int64_t change = jv_int(jv_get(jv_at(log, 0), "id"));
    if (c->json) {
        struct jv *j = jv_object();
        jv_set_take(j, "deleted", jv_ref(e));
        jv_set_take(j, "change", jv_integer(change));
        cli_print_json(j);
        jv_free(j);
    } else {
        char *label = cli_cell(jv_get(e, o->label));
        printf("Deleted %s #%lld: %s (undo with: kith undo %lld)\n", o->slug,
               (long long)id, label, (long long)change);
        free(label);
    }
    jv_free(e);
    jv_free(log);
    return CLI_OK;
}

/* The page of entries as CSV, in the form kith import reads back. */
static void print_csv(struct cli *c, const struct crm_object *o,
                      const struct jv *entries)
{
    struct buf b = BUF_INIT;
    crm_csv_header(o, &b);
    for (size_t i = 0; i < jv_len(entries); i++)
        crm_csv_row(c->crm, o, jv_at(entries, i), &b);
    fwrite(b.buf, 1, b.len, stdout);
    buf_release(&b);
}

/* --offset N: a whole number from 0 (crm_list checks the upper bound). */
static int parse_offset(struct cli *c, const char *s, int64_t *out)
{
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (!*s || *end || v < 0 || errno == ERANGE)
        return cli_usage(c, "--offset must be a whole number from 0, not '%s'",
                         s);
    *out = v;
    return CLI_OK;
}

int cmd_ls(struct cli *c)
{
    const struct crm_object *o;
    struct crm_query q = { .sort = cli_opt(c, "sort"),
                           .where = cli_opt(c, "where"),
                           .cursor = cli_opt(c, "cursor"),
                           .view = cli_opt(c, "view") };
    const char *limit = cli_opt(c, "limit"), *offset = cli_opt(c, "offset");
    struct jv *list, *view = NULL;
    int ret = crm_object_get(c->crm, c->argv[0], &o, &c->err);
    if (ret < 0)
        return cli_fail(c, ret);
    if (limit && (ret = cli_parse_id(c, limit, "--limit", &q.limit)) != CLI_OK)
        return ret;
    if (offset && (ret = parse_offset(c, offset, &q.offset)) != CLI_OK)
        return ret;
    if (q.view && (ret = crm_view_find(c->crm, o->slug, q.view, &view,
                                       &c->err)) < 0)
        return cli_fail(c, ret);
    if ((ret = crm_list(c->crm, o->slug, &q, &list, &c->err)) < 0) {
        jv_free(view);
        return cli_fail(c, ret);
    }
    if (c->json) {
        cli_print_json(list);
    } else if (cli_flag(c, "csv")) {
        print_csv(c, o, jv_get(list, "entries"));
    } else {
        const struct jv *entries = jv_get(list, "entries");
        cli_print_view_entries(c, o, jv_get(view, "columns"), entries);
        printf("%zu of %lld %s\n", jv_len(entries),
               (long long)jv_int(jv_get(list, "total")), o->slug);
        cli_print_next_hint(c, o, jv_str(jv_get(list, "next_cursor")));
    }
    jv_free(view);
    jv_free(list);
    return CLI_OK;
}
