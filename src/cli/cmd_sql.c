/*
 * cmd_sql: kith sql "SELECT ..." [--json|--csv] [--limit N]
 * [--timeout SECONDS], a thin front end over crm_sql, which enforces
 * read-only. Output is an aligned table, the {"columns", "rows",
 * "truncated"} object, or CSV with a header row; when rows were left out
 * past the limit a note says so on stderr.
 */
#include "cli/cli.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/csv.h"

#define SQL_CELL_MAX 40

/* Parse --timeout SECONDS (a positive number, fractions allowed). */
static int parse_seconds(struct cli *c, const char *s, int64_t *ms)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    double max = CRM_SQL_MAX_TIMEOUT_MS / 1000.0;
    if (!*s || *end || errno == ERANGE || !isfinite(v) || v <= 0 || v > max)
        return cli_usage(c,
                         "--timeout must be a number of seconds above 0 "
                         "and at most %g, not '%s'",
                         max, s);
    *ms = (int64_t)(v * 1000.0 + 0.5);
    if (*ms < 1)
        *ms = 1;
    return CLI_OK;
}

/* Text of a value for CSV: raw strings, numbers as JSON, null empty. */
static char *csv_text(const struct jv *v)
{
    struct buf b = BUF_INIT;
    if (jv_type(v) == JV_STRING)
        buf_append(&b, jv_str(v), jv_strlen(v));
    else if (jv_type(v) != JV_NULL)
        jv_write(&b, v);
    return buf_detach(&b, NULL);
}

static void print_csv(const struct jv *cols, const struct jv *rows)
{
    size_t n = jv_len(cols);
    char **cells = calloc(n + 1, sizeof(char *));
    struct buf out = BUF_INIT;
    for (size_t i = 0; i < n; i++)
        cells[i] = csv_text(jv_at(cols, i));
    csv_append_row(&out, (const char *const *)cells, n);
    for (size_t r = 0; r <= jv_len(rows); r++) {
        fwrite(out.buf, 1, out.len, stdout);
        buf_reset(&out);
        for (size_t i = 0; i < n; i++)
            free(cells[i]);
        if (r == jv_len(rows))
            break;
        for (size_t i = 0; i < n; i++)
            cells[i] = csv_text(jv_at(jv_at(rows, r), i));
        csv_append_row(&out, (const char *const *)cells, n);
    }
    buf_release(&out);
    free(cells);
}

/* True when every value in column col is a number or null. */
static bool numeric_column(const struct jv *rows, size_t col)
{
    for (size_t r = 0; r < jv_len(rows); r++) {
        enum jv_type t = jv_type(jv_at(jv_at(rows, r), col));
        if (t != JV_INT && t != JV_REAL && t != JV_NULL)
            return false;
    }
    return true;
}

static void print_table(const struct jv *cols, const struct jv *rows)
{
    size_t n = jv_len(cols);
    const char **head = calloc(n + 1, sizeof(char *));
    char **cells = calloc(n + 1, sizeof(char *));
    for (size_t i = 0; i < n; i++)
        head[i] = jv_str(jv_at(cols, i));
    struct table *t = table_new(n, head);
    for (size_t i = 0; i < n; i++)
        if (numeric_column(rows, i))
            table_align_right(t, i);
    for (size_t r = 0; r < jv_len(rows); r++) {
        for (size_t i = 0; i < n; i++)
            cells[i] = cli_cell(jv_at(jv_at(rows, r), i));
        table_add(t, (const char *const *)cells);
        for (size_t i = 0; i < n; i++)
            free(cells[i]);
    }
    table_print(t, stdout, SQL_CELL_MAX);
    printf("%zu row%s\n", jv_len(rows), jv_len(rows) == 1 ? "" : "s");
    free(cells);
    free(head);
}

int cmd_sql(struct cli *c)
{
    struct crm_sql_limits lim = { 0 };
    const char *limit = cli_opt(c, "limit"), *timeout = cli_opt(c, "timeout");
    bool csv = cli_flag(c, "csv");
    struct jv *res;
    int ret;
    if (csv && c->json)
        return cli_usage(c, "give --json or --csv, not both");
    if (limit && (ret = cli_parse_id(c, limit, "--limit", &lim.max_rows)))
        return ret;
    if (lim.max_rows > CRM_SQL_MAX_ROWS)
        return cli_usage(c, "--limit must be at most %d", CRM_SQL_MAX_ROWS);
    if (timeout && (ret = parse_seconds(c, timeout, &lim.timeout_ms)))
        return ret;
    if ((ret = crm_sql(c->crm, c->argv[0], &lim, &res, &c->err)) < 0)
        return cli_fail(c, ret);
    const struct jv *cols = jv_get(res, "columns"), *rows = jv_get(res, "rows");
    if (c->json)
        cli_print_json(res);
    else if (csv)
        print_csv(cols, rows);
    else
        print_table(cols, rows);
    if (jv_bool(jv_get(res, "truncated")))
        fprintf(stderr,
                "kith: only the first %zu rows are shown; --limit N shows "
                "more (at most %d)\n",
                jv_len(rows), CRM_SQL_MAX_ROWS);
    jv_free(res);
    return CLI_OK;
}
