/*
 * cmd_chat: kith chat [MESSAGE] — the agent on the command line (DESIGN,
 * "Agent"): one turn of agent_turn, the reply streamed to stdout as it
 * arrives, each tool call and its (shortened) result on stderr.
 *
 * Tools that need approval (agent.approval in config.json) ask y/N on the
 * terminal; --yes approves them; with no terminal and no --yes they are
 * refused and the model is told so. --continue resumes the newest
 * conversation, --conversation ID a given one. With no MESSAGE on a
 * terminal it is a session: a line per message until an empty line or
 * EOF. --json prints {"conversation", "turn", "text", "tool_calls",
 * "model", "stop_reason", "usage"} at the end instead of streaming.
 *
 * The model is --model PROVIDER/MODEL, else KITH_MODEL, else config.json
 * (llm_resolve). Ctrl-C cancels the turn at once. Timeouts can be
 * shortened (for tests, or a slow link made patient) with
 * KITH_LLM_CONNECT_TIMEOUT_MS, KITH_LLM_FIRST_BYTE_TIMEOUT_MS and
 * KITH_LLM_IDLE_TIMEOUT_MS.
 */

#include "cli/cli.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include <unistd.h>

#include "agent/agent.h"
#include "base/buf.h"
#include "base/utf8.h"
#include "llm/llm.h"

#define SHOWN_MAX 200  /* bytes of a tool's arguments or result on stderr */
#define LINE_MAX_BYTES (64 * 1024) /* one message of a session */

/* ---- shared with cmd_models.c ---- */

/* A positive number of milliseconds from environment variable name into
   *out (left alone when unset); KITH_EINVAL when it is not one. */
static int env_ms(struct cli *c, const char *name, int64_t *out)
{
    const char *v = getenv(name);
    if (!v || !*v)
        return KITH_OK;
    char *end;
    errno = 0;
    long long ms = strtoll(v, &end, 10);
    if (*end || ms < 1 || errno == ERANGE)
        return kith_errf(&c->err, KITH_EINVAL,
                         "%s must be a positive number of milliseconds, "
                         "not '%s'", name, v);
    *out = ms;
    return KITH_OK;
}

int cli_llm_setup(struct cli *c, bool provider_ok, struct llm_target *t,
                  struct llm_call_opts *o)
{
    const char *model = cli_opt(c, "model");
    int ret;
    if ((ret = env_ms(c, "KITH_LLM_CONNECT_TIMEOUT_MS",
                      &o->connect_timeout_ms)) < 0 ||
        (ret = env_ms(c, "KITH_LLM_FIRST_BYTE_TIMEOUT_MS",
                      &o->first_byte_timeout_ms)) < 0 ||
        (ret = env_ms(c, "KITH_LLM_IDLE_TIMEOUT_MS",
                      &o->idle_timeout_ms)) < 0)
        return ret;
    if (provider_ok && model && !strchr(model, '/'))
        return llm_resolve_provider(c->workspace, model, t, &c->err);
    return llm_resolve(c->workspace, model, t, &c->err);
}

/* ---- Ctrl-C ---- */

static volatile sig_atomic_t interrupted;

static void on_sigint(int sig)
{
    (void)sig;
    interrupted = 1;
}

static bool chat_cancelled(void *ctx)
{
    (void)ctx;
    return interrupted != 0;
}

/* ---- one turn ---- */

struct chat {
    struct cli *c;
    bool json;          /* collect instead of streaming */
    bool yes;           /* --yes: approve what needs approval */
    bool tty;           /* stdin is a terminal: ask y/N there */
    struct buf text;    /* the reply, every step's text */
    bool text_break;    /* a tool ran since the last text */
    bool printed;       /* some text went to stdout */
    char last;          /* the last byte printed */
    struct jv *calls;   /* --json: [{"name", "arguments", "result",
                           "is_error"}] */
    int64_t input_tokens, output_tokens;
};

/* s[0..n) on stderr, cut at a character boundary near SHOWN_MAX bytes. */
static void show_short(const char *s, size_t n)
{
    size_t keep = n;
    if (n > SHOWN_MAX) {
        keep = 0;
        while (keep < n && keep < SHOWN_MAX) {
            uint32_t cp;
            size_t step = utf8_decode(s + keep, n - keep, &cp);
            if (!step || keep + step > SHOWN_MAX)
                break;
            keep += step;
        }
    }
    struct buf clean = BUF_INIT;
    utf8_append_clean(&clean, s, keep);
    for (size_t i = 0; i < clean.len; i++)
        if (clean.buf[i] == '\n' || clean.buf[i] == '\r')
            clean.buf[i] = ' ';
    fputs(clean.buf, stderr);
    if (keep < n)
        fprintf(stderr, "... (%zu bytes)", n);
    buf_release(&clean);
}

static void on_text(struct chat *ch, const char *text, size_t len)
{
    if (!len)
        return;
    if (ch->text_break && ch->text.len)
        buf_appendc(&ch->text, '\n');
    ch->text_break = false;
    buf_append(&ch->text, text, len);
    if (ch->json)
        return;
    fwrite(text, 1, len, stdout);
    fflush(stdout);
    ch->printed = true;
    ch->last = text[len - 1];
}

static void on_tool_call(struct chat *ch, const struct agent_event *ev)
{
    char *args = jv_dump(ev->args);
    if (ch->printed && ch->last != '\n') {
        putchar('\n');
        fflush(stdout);
        ch->last = '\n';
    }
    ch->text_break = true;
    fprintf(stderr, "[tool] %s ", ev->name ? ev->name : "");
    show_short(args ? args : "{}", args ? strlen(args) : 2);
    fputc('\n', stderr);
    free(args);
    if (ch->calls) {
        struct jv *call = jv_object();
        jv_set_take(call, "name", jv_string(ev->name ? ev->name : ""));
        jv_set_take(call, "arguments",
                    ev->args ? jv_copy(ev->args) : jv_object());
        jv_push_take(ch->calls, call);
    }
}

static void on_tool_result(struct chat *ch, const struct agent_event *ev)
{
    const char *r = ev->result ? ev->result : "";
    fprintf(stderr, "[%s] ", ev->is_error ? "error" : "result");
    show_short(r, strlen(r));
    fputc('\n', stderr);
    size_t n = ch->calls ? jv_len(ch->calls) : 0;
    if (n) {
        struct jv *call = jv_at(ch->calls, n - 1);
        struct jv *parsed = jv_parse(r, strlen(r), NULL);
        jv_set_take(call, "result", parsed ? parsed : jv_string(r));
        jv_set_take(call, "is_error", jv_boolean(ev->is_error));
    }
}

static int on_event(void *ctx, const struct agent_event *ev)
{
    struct chat *ch = ctx;
    switch (ev->type) {
    case AGENT_EV_TEXT: on_text(ch, ev->text, ev->len); break;
    case AGENT_EV_TOOL_CALL: on_tool_call(ch, ev); break;
    case AGENT_EV_TOOL_RESULT: on_tool_result(ch, ev); break;
    case AGENT_EV_DONE:
        ch->input_tokens = ev->input_tokens;
        ch->output_tokens = ev->output_tokens;
        break;
    case AGENT_EV_APPROVAL: /* approve() asks */
    case AGENT_EV_ERROR:    /* agent_turn returns it too */
        break;
    }
    return interrupted ? KITH_ECANCELED : KITH_OK;
}

/* y/N on the terminal, --yes, or refused when no one can be asked. */
static bool approve(void *ctx, int64_t approval_id, const char *tool,
                    const struct jv *args)
{
    struct chat *ch = ctx;
    (void)approval_id;
    (void)args;
    if (ch->yes) {
        fprintf(stderr, "(approved %s: --yes)\n", tool);
        return true;
    }
    if (!ch->tty) {
        fprintf(stderr,
                "(refused %s: no terminal to ask; --yes approves)\n", tool);
        return false;
    }
    char line[64];
    fprintf(stderr, "Allow %s? [y/N] ", tool);
    fflush(stderr);
    if (!fgets(line, sizeof(line), stdin))
        return false;
    return line[0] == 'y' || line[0] == 'Y';
}

static void print_json_result(const struct chat *ch,
                              const struct llm_target *t,
                              int64_t conversation, int64_t turn)
{
    struct buf out = BUF_INIT, ref = BUF_INIT;
    struct jw w;
    buf_appendf(&ref, "%s/%s", t->provider, t->model);
    jw_init(&w, &out);
    jw_obj(&w);
    jw_key(&w, "conversation");
    jw_int(&w, conversation);
    jw_key(&w, "turn");
    jw_int(&w, turn);
    jw_key(&w, "text");
    jw_strn(&w, ch->text.buf, ch->text.len);
    jw_key(&w, "tool_calls");
    jw_value(&w, ch->calls);
    jw_key(&w, "model");
    jw_str(&w, ref.buf);
    jw_key(&w, "stop_reason");
    jw_str(&w, "stop");
    jw_key(&w, "usage");
    jw_obj(&w);
    jw_key(&w, "input_tokens");
    jw_int(&w, ch->input_tokens);
    jw_key(&w, "output_tokens");
    jw_int(&w, ch->output_tokens);
    jw_end_obj(&w);
    jw_end_obj(&w);
    puts(out.buf);
    buf_release(&out);
    buf_release(&ref);
}

/* After a turn: "(undo with: kith undo --turn ID)" when it changed
   something. */
static void print_undo_hint(struct cli *c, int64_t turn)
{
    int64_t changes = 0;
    if (turn && agent_turn_changes(c->crm, turn, &changes, NULL) == KITH_OK &&
        changes > 0)
        fprintf(stderr, "(undo with: kith undo --turn %lld)\n",
                (long long)turn);
}

/* Run one turn of message in *conversation (0: a new one), with Ctrl-C
   cancelling it. */
static int chat_turn(struct cli *c, struct agent_opts *o, struct chat *ch,
                     const char *message, int64_t *conversation)
{
    struct sigaction sa = { 0 }, old;
    int64_t turn = 0;
    sa.sa_handler = on_sigint;
    sigemptyset(&sa.sa_mask);
    interrupted = 0;
    sigaction(SIGINT, &sa, &old);
    buf_reset(&ch->text);
    ch->printed = ch->text_break = false;
    jv_free(ch->calls);
    ch->calls = ch->json ? jv_array() : NULL;
    o->conversation = *conversation;
    o->call.cancel = chat_cancelled;
    int ret = agent_turn(c->crm, o, message, conversation, &turn, &c->err);
    sigaction(SIGINT, &old, NULL);
    if (ch->printed && ch->last != '\n')
        putchar('\n');
    fflush(stdout);
    if (ret == KITH_ECANCELED && interrupted)
        kith_errf(&c->err, ret, "cancelled (Ctrl-C)");
    if (ret == KITH_OK && ch->json)
        print_json_result(ch, o->target, *conversation, turn);
    print_undo_hint(c, turn);
    return ret;
}

/* agent.approval of the workspace's config. */
static enum agent_approval approval_mode(const char *dir)
{
    char *v = NULL;
    enum agent_approval mode = AGENT_APPROVE_DESTRUCTIVE;
    if (llm_settings_get(dir, "agent.approval", &v, NULL) == KITH_OK && v) {
        if (!strcmp(v, "always"))
            mode = AGENT_APPROVE_ALWAYS;
        else if (!strcmp(v, "never"))
            mode = AGENT_APPROVE_NEVER;
    }
    free(v);
    return mode;
}

/* The conversation to resume: --conversation ID, --continue, or 0. */
static int pick_conversation(struct cli *c, int64_t *id)
{
    const char *given = cli_opt(c, "conversation");
    *id = 0;
    if (given && cli_flag(c, "continue"))
        return cli_usage(c, "give either --continue or --conversation ID");
    if (given)
        return cli_parse_id(c, given, "--conversation", id);
    if (cli_flag(c, "continue")) {
        int ret = agent_conversation_last(c->crm, id, &c->err);
        return ret < 0 ? cli_fail(c, ret) : CLI_OK;
    }
    return CLI_OK;
}

/* A session on the terminal: a line per message until an empty line or
   EOF. */
static int chat_session(struct cli *c, struct agent_opts *o, struct chat *ch,
                        int64_t conversation)
{
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    int ret = CLI_OK;
    fprintf(stderr, "kith chat: one message per line; an empty line or "
                    "Ctrl-D ends.\n");
    for (;;) {
        fputs("> ", stderr);
        fflush(stderr);
        if ((n = getline(&line, &cap, stdin)) <= 0)
            break;
        while (n && (line[n - 1] == '\n' || line[n - 1] == '\r'))
            line[--n] = '\0';
        if (!n)
            break;
        if ((size_t)n > LINE_MAX_BYTES || !utf8_valid(line, (size_t)n)) {
            fprintf(stderr, "kith: the message must be UTF-8 text of at "
                            "most 64 KiB\n");
            continue;
        }
        int rc = chat_turn(c, o, ch, line, &conversation);
        if (rc < 0) {
            ret = cli_fail(c, rc);
            if (rc == KITH_ECANCELED)
                break;
        }
    }
    free(line);
    return ret;
}

int cmd_chat(struct cli *c)
{
    struct llm_target t = { 0 };
    struct agent_opts o = { 0 };
    struct chat ch = { .c = c, .json = c->json, .yes = cli_flag(c, "yes"),
                       .tty = isatty(STDIN_FILENO) != 0 };
    struct buf message = BUF_INIT;
    int64_t conversation;
    int ret;
    buf_init(&ch.text, 0);
    for (int i = 0; i < c->argc; i++)
        buf_appendf(&message, "%s%s", i ? " " : "", c->argv[i]);
    if (!message.len && (c->argc || !ch.tty || ch.json)) {
        ret = cli_usage(c, "the message is empty");
        goto out;
    }
    if (!utf8_valid(message.buf, message.len)) {
        ret = cli_usage(c, "the message is not valid UTF-8");
        goto out;
    }
    if ((ret = pick_conversation(c, &conversation)) != CLI_OK)
        goto out;
    if ((ret = cli_llm_setup(c, false, &t, &o.call)) < 0) {
        ret = cli_fail(c, ret);
        goto out;
    }
    o.workspace = c->workspace;
    o.target = &t;
    o.approval = approval_mode(c->workspace);
    o.on_event = on_event;
    o.event_ctx = &ch;
    o.approve = approve;
    o.approve_ctx = &ch;
    if (!message.len) {
        ret = chat_session(c, &o, &ch, conversation);
        goto out;
    }
    ret = chat_turn(c, &o, &ch, message.buf, &conversation);
    ret = ret < 0 ? cli_fail(c, ret) : CLI_OK;
out:
    llm_target_release(&t);
    buf_release(&message);
    buf_release(&ch.text);
    jv_free(ch.calls);
    return ret;
}
