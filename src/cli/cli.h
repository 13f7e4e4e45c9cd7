/*
 * cli: the kith command line. One table of commands (cli.c), one file per
 * group of commands (cmd_*.c), and a table printer (table.c).
 *
 * Every command takes --workspace DIR, --json and --help. Human output is
 * aligned tables on stdout; --json prints one JSON document on stdout.
 * Errors go to stderr as "kith: message". Exit codes: 0 success, 1 a failed
 * operation, 2 a usage error.
 */
#ifndef KITH_CLI_H
#define KITH_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "base/err.h"
#include "base/json.h"
#include "crm/crm.h"

#define KITH_VERSION "0.1.0"

#define CLI_OK 0
#define CLI_FAIL 1
#define CLI_USAGE 2
#define CLI_MAX_OPTS 16

struct cli;
typedef int cli_run_fn(struct cli *c);

struct cli_cmd {
    const char *name;    /* "add", or "object add" for a subcommand */
    const char *args;    /* usage after the name: "OBJECT field=value..." */
    const char *summary; /* one line for kith --help */
    const char *opts;    /* comma list; "name=" takes a value: "sort=,force" */
    int min_args, max_args; /* positional arguments; max -1 = any */
    bool needs_crm;      /* open the workspace before run */
    cli_run_fn *run;
};

struct cli {
    const struct cli_cmd *cmd;
    const char *workspace_flag; /* --workspace, or NULL */
    char *workspace;            /* resolved directory */
    bool json;
    int argc;    /* positional arguments */
    char **argv;
    const char *opt_val[CLI_MAX_OPTS];
    bool opt_set[CLI_MAX_OPTS];
    struct crm *crm;
    struct kith_err err;
};

int cli_main(int argc, char **argv);

/* Value of option name ("sort"), or NULL when not given. */
const char *cli_opt(const struct cli *c, const char *name);
bool cli_flag(const struct cli *c, const char *name);
/* Print "kith: <err>" and return CLI_FAIL (CLI_USAGE for KITH_EUSAGE). */
int cli_fail(struct cli *c, int rc);
/* Print a usage error for the current command and return CLI_USAGE. */
int cli_usage(struct cli *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Parse a positive integer id / count argument. */
int cli_parse_id(struct cli *c, const char *s, const char *what, int64_t *out);
/* Print j as JSON (pretty) on stdout. */
void cli_print_json(const struct jv *j);
/* Text of a JSON value for a table cell; free() it. */
char *cli_cell(const struct jv *v);

/* ---- table.c ---- */
struct table;
struct table *table_new(size_t ncols, const char *const *head);
/* Set a column right-aligned (numbers). */
void table_align_right(struct table *t, size_t col);
/* Add a row of ncols cells; the table copies them. */
void table_add(struct table *t, const char *const *cells);
/* Print aligned, cells capped at max_width cells (0 = none); frees t. */
void table_print(struct table *t, FILE *out, size_t max_width);

/* ---- progress.c: a progress bar on stderr when it is a terminal ---- */
struct progress {
    const char *what;
    size_t total; /* units of work in all (bytes, rows), 0 when unknown */
    int64_t start_ms, last_ms;
    bool on;
};

void progress_start(struct progress *p, const char *what, size_t total);
/* rows handled so far; done: units of total handled so far. */
void progress_update(struct progress *p, size_t rows, size_t done);
/* Erase the bar. */
void progress_end(struct progress *p);

/* ---- commands ---- */
int cmd_init(struct cli *c);
int cmd_version(struct cli *c);
int cmd_tour(struct cli *c);
int cmd_objects(struct cli *c);
int cmd_object_add(struct cli *c);
int cmd_object_rename(struct cli *c);
int cmd_object_rm(struct cli *c);
int cmd_fields(struct cli *c);
int cmd_field_add(struct cli *c);
int cmd_field_rename(struct cli *c);
int cmd_field_rm(struct cli *c);
int cmd_add(struct cli *c);
int cmd_get(struct cli *c);
int cmd_set(struct cli *c);
int cmd_rm(struct cli *c);
int cmd_ls(struct cli *c);
int cmd_log(struct cli *c);
int cmd_undo(struct cli *c);
int cmd_search(struct cli *c);
int cmd_reindex(struct cli *c);
int cmd_doc(struct cli *c);
int cmd_import(struct cli *c);
int cmd_export(struct cli *c);
int cmd_sql(struct cli *c);
int cmd_dupes(struct cli *c);
int cmd_merge(struct cli *c);
int cmd_serve(struct cli *c);
int cmd_chat(struct cli *c);   /* cmd_chat.c */
int cmd_models(struct cli *c); /* cmd_models.c */
int cmd_config_get(struct cli *c); /* cmd_config.c */
int cmd_config_set(struct cli *c);
int cmd_doctor(struct cli *c);     /* cmd_doctor.c */
int cmd_mcp(struct cli *c);        /* cmd_mcp.c */
struct llm_target;
struct llm_call_opts;
/* The target of --model (else KITH_MODEL, config.json; a provider name
 * alone when provider_ok) and the call options from
 * KITH_LLM_*_TIMEOUT_MS; c->err set on failure (cmd_chat.c). */
int cli_llm_setup(struct cli *c, bool provider_ok, struct llm_target *t,
                  struct llm_call_opts *o);

/* ---- cmd_view.c ---- */
int cmd_views(struct cli *c);
int cmd_view_add(struct cli *c);
int cmd_view_rm(struct cli *c);
/* Print entries with the columns of a view (a JSON array of slugs), or
 * as cli_print_entries when columns is NULL. */
void cli_print_view_entries(struct cli *c, const struct crm_object *o,
                            const struct jv *columns,
                            const struct jv *entries);
/* "next: kith ls ... --cursor C" on stderr when cursor is not NULL. */
void cli_print_next_hint(struct cli *c, const struct crm_object *o,
                         const char *cursor);

/* Shared by the entry and tour commands: print entries as a table. */
void cli_print_entries(struct cli *c, const struct crm_object *o,
                       const struct jv *entries);

#endif
