/*
 * cli: the command table, option parsing and dispatch of `kith`.
 *
 * A command is one row of cmds[]; the parser takes the global options
 * (--workspace, --json, --help) anywhere on the line, the command's own
 * options by the names its row declares, and checks the count of
 * positional arguments before the command runs, so each cmd_* function
 * starts from well-formed input.
 */
#include "cli/cli.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/suggest.h"
#include "base/xalloc.h"

static int cmd_help(struct cli *c);

static const struct cli_cmd cmds[] = {
    { "init", "", "create the workspace (kith.db, config, token)", "demo",
      0, 0, false, cmd_init },
    { "objects", "", "list the objects", "", 0, 0, true, cmd_objects },
    { "object add", "NAME", "create a custom object", "", 1, 1, true,
      cmd_object_add },
    { "object rename", "OBJECT NEW_NAME", "change an object's display name",
      "", 2, 2, true, cmd_object_rename },
    { "object rm", "OBJECT --force", "delete an object and all its entries",
      "force", 1, 1, true, cmd_object_rm },
    { "fields", "OBJECT", "list an object's fields", "", 1, 1, true,
      cmd_fields },
    { "field add", "OBJECT NAME TYPE [--options a,b] [--to OBJECT]",
      "add a field", "options=,to=", 3, 3, true, cmd_field_add },
    { "field rename", "OBJECT FIELD NEW_NAME",
      "change a field's display name", "", 3, 3, true, cmd_field_rename },
    { "field rm", "OBJECT FIELD --force", "delete a field and its values",
      "force", 2, 2, true, cmd_field_rm },
    { "add", "OBJECT field=value...", "create an entry", "", 1, -1, true,
      cmd_add },
    { "get", "OBJECT ID", "show an entry", "", 2, 2, true, cmd_get },
    { "set", "OBJECT ID field=value...", "change an entry", "", 3, -1, true,
      cmd_set },
    { "rm", "OBJECT ID", "delete an entry (undoable)", "", 2, 2, true,
      cmd_rm },
    { "ls",
      "OBJECT [--where EXPR] [--sort -field,field] [--limit N] "
      "[--offset N] [--cursor C] [--view NAME] [--csv]",
      "list entries", "sort=,limit=,offset=,csv,where=,cursor=,view=", 1, 1,
      true, cmd_ls },
    { "views", "OBJECT", "list an object's saved views", "", 1, 1, true,
      cmd_views },
    { "view add",
      "OBJECT NAME [--where EXPR] [--sort S] [--kind table|kanban|calendar] "
      "[--columns a,b] [--group-by FIELD]",
      "save a view", "where=,sort=,kind=,columns=,group-by=", 2, 2, true,
      cmd_view_add },
    { "view rm", "OBJECT NAME", "remove a saved view", "", 2, 2, true,
      cmd_view_rm },
    { "import",
      "OBJECT FILE.csv|- [--map \"Column=field,...\"] [--skip-invalid] "
      "[--upsert FIELD] [--create-missing]",
      "import entries from CSV (one undoable change group)",
      "map=,skip-invalid,upsert=,create-missing", 2, 2, true, cmd_import },
    { "export", "OBJECT [--where EXPR]", "write entries as CSV to stdout",
      "where=", 1, 1, true, cmd_export },
    { "log", "[OBJECT [ID]] [--limit N]", "show the change history",
      "limit=", 0, 2, true, cmd_log },
    { "undo", "CHANGE_ID [--group] | --turn TURN_ID",
      "revert a change (or its whole group, or an agent's turn)",
      "group,turn=", 0, 1, true, cmd_undo },
    { "search", "TEXT... [--limit N]",
      "find entries by their text and documents", "limit=", 1, -1, true,
      cmd_search },
    { "reindex", "", "rebuild the search index", "", 0, 0, true,
      cmd_reindex },
    { "doc", "OBJECT ID [--set FILE|-]",
      "show or replace an entry's markdown document", "set=", 2, 2, true,
      cmd_doc },
    { "sql", "\"SELECT ...\" [--json|--csv] [--limit N] [--timeout SECONDS]",
      "run one read-only SQL query", "csv,limit=,timeout=", 1, 1, true,
      cmd_sql },
    { "dupes", "OBJECT", "list likely duplicate entries", "", 1, 1, true,
      cmd_dupes },
    { "merge", "OBJECT ID OTHER_ID",
      "merge OTHER_ID into ID (one undoable change group)", "", 3, 3, true,
      cmd_merge },
    { "serve", "[--host H] [--port 3100] [--timeout 30] [--quiet]",
      "serve the HTTP API (creates the workspace when missing)",
      "host=,port=,timeout=,quiet", 0, 0, false, cmd_serve },
    { "tour", "", "a quick look at the workspace", "", 0, 0, true,
      cmd_tour },
    { "chat",
      "[MESSAGE...] [--model PROVIDER/MODEL] [--yes] [--continue] "
      "[--conversation ID]",
      "talk to the agent: it answers and acts on the CRM (no MESSAGE: a "
      "session)",
      "model=,yes,continue,conversation=", 0, -1, true, cmd_chat },
    { "models", "[--model PROVIDER/MODEL]",
      "list the models of the configured provider", "model=", 0, 0, false,
      cmd_models },
    { "config get", "[KEY]",
      "show a setting, or all (API keys only as set)", "",
      0, 1, true, cmd_config_get },
    { "config set", "KEY VALUE",
      "change model, providers.NAME.base_url|api_key, agent.approval",
      "", 2, 2, true, cmd_config_set },
    { "doctor", "", "check the workspace, the model and its provider", "",
      0, 0, false, cmd_doctor },
    { "mcp", "[--allow-destructive]",
      "serve the agent's tools to an MCP client over stdio",
      "allow-destructive", 0, 0, true, cmd_mcp },
    { "version", "", "print the version", "", 0, 0, false, cmd_version },
    { "help", "[COMMAND]", "show help", "", 0, 2, false, cmd_help },
};
#define NCMDS (sizeof(cmds) / sizeof(*cmds))

/* ---- helpers for commands ---- */

/* Index of option name in the command's opts list, or -1. */
static int opt_index(const struct cli_cmd *cmd, const char *name, size_t n,
                     bool *takes_value)
{
    const char *p = cmd->opts;
    for (int i = 0; *p; i++) {
        const char *end = strchr(p, ',');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        bool val = len && p[len - 1] == '=';
        size_t nlen = len - val;
        if (nlen == n && !strncmp(p, name, n)) {
            *takes_value = val;
            return i;
        }
        p += len + (end != NULL);
    }
    return -1;
}

const char *cli_opt(const struct cli *c, const char *name)
{
    bool v;
    int i = opt_index(c->cmd, name, strlen(name), &v);
    return i >= 0 && c->opt_set[i] ? c->opt_val[i] : NULL;
}

bool cli_flag(const struct cli *c, const char *name)
{
    bool v;
    int i = opt_index(c->cmd, name, strlen(name), &v);
    return i >= 0 && c->opt_set[i];
}

int cli_fail(struct cli *c, int rc)
{
    fprintf(stderr, "kith: %s\n",
            c->err.msg[0] ? c->err.msg : kith_rc_str(rc));
    return rc == KITH_EUSAGE ? CLI_USAGE : CLI_FAIL;
}

static void print_usage(FILE *out, const struct cli_cmd *cmd)
{
    fprintf(out, "usage: kith %s%s%s\n", cmd->name, *cmd->args ? " " : "",
            cmd->args);
}

int cli_usage(struct cli *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("kith: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    if (c->cmd)
        print_usage(stderr, c->cmd);
    return CLI_USAGE;
}

int cli_parse_id(struct cli *c, const char *s, const char *what, int64_t *out)
{
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (!*s || *end || v < 1 || errno == ERANGE)
        return cli_usage(c, "%s must be a positive whole number, not '%s'",
                         what, s);
    *out = v;
    return CLI_OK;
}

void cli_print_json(const struct jv *j)
{
    char *s = jv_dump(j);
    fputs(s, stdout);
    fputc('\n', stdout);
    free(s);
}

char *cli_cell(const struct jv *v)
{
    struct buf b = BUF_INIT;
    switch (jv_type(v)) {
    case JV_NULL: break;
    case JV_BOOL: buf_appends(&b, jv_bool(v) ? "yes" : "no"); break;
    case JV_STRING:
        for (const char *p = jv_str(v); *p; p++)
            buf_appendc(&b, *p == '\n' || *p == '\t' || *p == '\r' ? ' ' : *p);
        break;
    case JV_ARRAY:
        for (size_t i = 0; i < jv_len(v); i++) {
            char *s = cli_cell(jv_at(v, i));
            buf_appendf(&b, "%s%s", i ? ", " : "", s);
            free(s);
        }
        break;
    case JV_OBJECT: {
        const struct jv *label = jv_get(v, "label");
        if (jv_type(label) == JV_STRING)
            buf_appends(&b, jv_str(label));
        else
            buf_appendf(&b, "#%lld", (long long)jv_int(jv_get(v, "id")));
        break;
    }
    default: jv_write(&b, v);
    }
    return buf_detach(&b, NULL);
}

/* ---- help ---- */

static void print_help(FILE *out)
{
    fputs("kith: a local-first CRM with an AI agent\n\n"
          "usage: kith COMMAND [ARGS] [--workspace DIR] [--json]\n\n",
          out);
    for (size_t i = 0; i < NCMDS; i++) {
        char left[64];
        snprintf(left, sizeof(left), "%s", cmds[i].name);
        fprintf(out, "  %-16s %s\n", left, cmds[i].summary);
    }
    fputs("\nThe workspace is --workspace DIR, else $KITH_HOME, else ~/.kith.\n"
          "Run 'kith COMMAND --help' for a command's arguments.\n",
          out);
}

static int cmd_help(struct cli *c)
{
    if (c->argc) {
        struct buf name = BUF_INIT;
        for (int i = 0; i < c->argc; i++)
            buf_appendf(&name, "%s%s", i ? " " : "", c->argv[i]);
        for (size_t i = 0; i < NCMDS; i++)
            if (!strcmp(cmds[i].name, name.buf)) {
                print_usage(stdout, &cmds[i]);
                printf("%s\n", cmds[i].summary);
                buf_release(&name);
                return CLI_OK;
            }
        buf_release(&name);
    }
    print_help(stdout);
    return CLI_OK;
}

/* ---- dispatch ---- */

/* The command named by argv (one or two words); *used = words taken. */
static const struct cli_cmd *find_cmd(int argc, char **argv, int *used)
{
    if (argc >= 2) {
        char two[128];
        snprintf(two, sizeof(two), "%s %s", argv[0], argv[1]);
        for (size_t i = 0; i < NCMDS; i++)
            if (!strcmp(cmds[i].name, two)) {
                *used = 2;
                return &cmds[i];
            }
    }
    for (size_t i = 0; i < NCMDS; i++)
        if (argc >= 1 && !strcmp(cmds[i].name, argv[0])) {
            *used = 1;
            return &cmds[i];
        }
    return NULL;
}

static int unknown_command(const char *word, const char *next)
{
    const char *names[NCMDS];
    for (size_t i = 0; i < NCMDS; i++)
        names[i] = cmds[i].name;
    char two[128];
    snprintf(two, sizeof(two), "%s %s", word, next ? next : "");
    const char *hint = suggest_closest(word, names, NCMDS);
    if (!hint && next)
        hint = suggest_closest(two, names, NCMDS);
    if (hint)
        fprintf(stderr, "kith: unknown command '%s'; did you mean '%s'?\n",
                word, hint);
    else
        fprintf(stderr, "kith: unknown command '%s' (see: kith help)\n",
                word);
    return CLI_USAGE;
}

/* Number of global options (--json, --workspace DIR) that lead argv. */
static int leading_globals(int argc, char **argv)
{
    int i = 0;
    while (i < argc) {
        if (!strcmp(argv[i], "--json") ||
            !strncmp(argv[i], "--workspace=", 12))
            i++;
        else if (!strcmp(argv[i], "--workspace") && i + 1 < argc)
            i += 2;
        else
            break;
    }
    return i;
}

/*
 * Global options may come before the command (kith --workspace DIR ls
 * people): move the command's words in front of them.
 */
static void command_first(int argc, char **argv)
{
    int pre = leading_globals(argc, argv), used = 0;
    if (!pre || !find_cmd(argc - pre, argv + pre, &used))
        return;
    for (int k = 0; k < used; k++) {
        char *word = argv[pre + k];
        memmove(argv + k + 1, argv + k, (size_t)pre * sizeof(*argv));
        argv[k] = word;
    }
}

/* Split argv into global options, command options and positionals. */
static int parse_args(struct cli *c, int argc, char **argv, bool *help)
{
    c->argv = xcalloc((size_t)argc + 1, sizeof(char *));
    bool only_pos = false;
    for (int i = 0; i < argc; i++) {
        char *a = argv[i];
        if (only_pos || a[0] != '-' || !a[1] ||
            (a[1] != '-' && strcmp(a, "-h"))) {
            c->argv[c->argc++] = a;
            continue;
        }
        if (!strcmp(a, "--")) {
            only_pos = true;
            continue;
        }
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            *help = true;
            continue;
        }
        const char *name = a + 2, *eq = strchr(name, '=');
        size_t n = eq ? (size_t)(eq - name) : strlen(name);
        const char *val = eq ? eq + 1 : NULL;
        bool global_val = n == 9 && !strncmp(name, "workspace", 9);
        if (n == 4 && !strncmp(name, "json", 4) && !eq) {
            c->json = true;
            continue;
        }
        bool takes = false;
        int idx = global_val ? -1 : opt_index(c->cmd, name, n, &takes);
        if (!global_val && idx < 0)
            return cli_usage(c, "unknown option '--%.*s'", (int)n, name);
        if ((global_val || takes) && !val) {
            if (i + 1 >= argc)
                return cli_usage(c, "option '--%.*s' needs a value", (int)n,
                                 name);
            val = argv[++i];
        } else if (!global_val && !takes && val) {
            return cli_usage(c, "option '--%.*s' takes no value", (int)n,
                             name);
        }
        if (global_val) {
            c->workspace_flag = val;
        } else {
            c->opt_set[idx] = true;
            c->opt_val[idx] = val;
        }
    }
    return CLI_OK;
}

int cli_main(int argc, char **argv)
{
    struct cli c = { 0 };
    bool help = false;
    int used = 0, ret;
    if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
        print_help(argc < 2 ? stderr : stdout);
        return argc < 2 ? CLI_USAGE : CLI_OK;
    }
    command_first(argc - 1, argv + 1);
    static char version_word[] = "version";
    if (!strcmp(argv[1], "--version"))
        argv[1] = version_word;
    c.cmd = find_cmd(argc - 1, argv + 1, &used);
    if (!c.cmd)
        return unknown_command(argv[1], argc > 2 ? argv[2] : NULL);
    if ((ret = parse_args(&c, argc - 1 - used, argv + 1 + used, &help)))
        goto out;
    if (help) {
        print_usage(stdout, c.cmd);
        printf("%s\n", c.cmd->summary);
        goto out;
    }
    if (c.argc < c.cmd->min_args ||
        (c.cmd->max_args >= 0 && c.argc > c.cmd->max_args)) {
        ret = cli_usage(&c, c.argc < c.cmd->min_args
                                ? "missing arguments"
                                : "too many arguments");
        goto out;
    }
    struct buf dir = BUF_INIT;
    if ((ret = crm_workspace_dir(c.workspace_flag, &dir, &c.err)) < 0) {
        buf_release(&dir);
        ret = cli_fail(&c, ret);
        goto out;
    }
    c.workspace = buf_detach(&dir, NULL);
    if (c.cmd->needs_crm &&
        (ret = crm_open(c.workspace, &c.crm, &c.err)) < 0) {
        ret = cli_fail(&c, ret);
        goto out;
    }
    ret = c.cmd->run(&c);
out:
    crm_close(c.crm);
    free(c.workspace);
    free(c.argv);
    fflush(stdout);
    return ret;
}
