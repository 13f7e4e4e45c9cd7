/*
 * cmd_chat: kith chat MESSAGE — one question to the configured model, the
 * reply streamed to stdout as it arrives (plain chat, without the CRM's
 * tools: the agent adds those).
 *
 * The model is --model PROVIDER/MODEL, else KITH_MODEL, else config.json
 * (llm_resolve). The system prompt is the workspace's SOUL.md. Ctrl-C
 * cancels the stream at once. --json prints {"text", "model", "usage"} at
 * the end instead of streaming. Timeouts can be shortened (for tests, or a
 * slow link made patient) with KITH_LLM_CONNECT_TIMEOUT_MS,
 * KITH_LLM_FIRST_BYTE_TIMEOUT_MS and KITH_LLM_IDLE_TIMEOUT_MS.
 */

#include "cli/cli.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/utf8.h"
#include "llm/llm.h"

#define SOUL_MAX (64 * 1024)
#define DEFAULT_SYSTEM \
    "You are kith, the assistant of a local-first CRM. Answer briefly and " \
    "plainly."

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

/* ---- the chat ---- */

struct chat {
    bool json;          /* collect instead of streaming */
    struct buf text;    /* the reply (json) */
    bool printed;       /* some text went to stdout */
    char last;          /* the last byte printed */
    int64_t input_tokens, output_tokens;
    char stop_reason[32];
};

static int on_event(void *ctx, const struct llm_event *ev)
{
    struct chat *ch = ctx;
    switch (ev->type) {
    case LLM_EV_TEXT:
        if (ch->json) {
            buf_append(&ch->text, ev->text, ev->len);
        } else if (ev->len) {
            fwrite(ev->text, 1, ev->len, stdout);
            fflush(stdout);
            ch->printed = true;
            ch->last = ev->text[ev->len - 1];
        }
        break;
    case LLM_EV_USAGE:
        ch->input_tokens = ev->input_tokens;
        ch->output_tokens = ev->output_tokens;
        break;
    case LLM_EV_DONE:
        snprintf(ch->stop_reason, sizeof(ch->stop_reason), "%s",
                 ev->stop_reason ? ev->stop_reason : "stop");
        break;
    case LLM_EV_TOOL_CALL: /* no tools were offered */
    case LLM_EV_ERROR:     /* llm_chat returns it too */
        break;
    }
    return KITH_OK;
}

/* The workspace's SOUL.md, or the default prompt; free() it. */
static char *system_prompt(const char *dir)
{
    struct buf path = BUF_INIT, soul = BUF_INIT;
    buf_appendf(&path, "%s/SOUL.md", dir);
    FILE *f = fopen(path.buf, "rb");
    buf_release(&path);
    if (f) {
        char chunk[4096];
        size_t n;
        while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0 &&
               soul.len + n <= SOUL_MAX)
            buf_append(&soul, chunk, n);
        fclose(f);
    }
    if (!soul.len || !utf8_valid(soul.buf, soul.len)) {
        buf_reset(&soul);
        buf_appends(&soul, DEFAULT_SYSTEM);
    }
    return buf_detach(&soul, NULL);
}

static void print_json_result(const struct chat *ch,
                              const struct llm_target *t)
{
    struct buf out = BUF_INIT, ref = BUF_INIT;
    struct jw w;
    buf_appendf(&ref, "%s/%s", t->provider, t->model);
    jw_init(&w, &out);
    jw_obj(&w);
    jw_key(&w, "text");
    jw_strn(&w, ch->text.buf, ch->text.len);
    jw_key(&w, "model");
    jw_str(&w, ref.buf);
    jw_key(&w, "stop_reason");
    jw_str(&w, ch->stop_reason[0] ? ch->stop_reason : "stop");
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

/* Run the call with Ctrl-C cancelling it. */
static int chat_call(struct cli *c, const struct llm_target *t,
                     const struct llm_request *rq, struct chat *ch,
                     struct llm_call_opts *o)
{
    struct sigaction sa = { 0 }, old;
    sa.sa_handler = on_sigint;
    sigemptyset(&sa.sa_mask);
    interrupted = 0;
    sigaction(SIGINT, &sa, &old);
    o->cancel = chat_cancelled;
    int ret = llm_chat(t, rq, on_event, ch, o, &c->err);
    sigaction(SIGINT, &old, NULL);
    if (ret == KITH_ECANCELED && interrupted)
        kith_errf(&c->err, ret, "cancelled (Ctrl-C)");
    return ret;
}

int cmd_chat(struct cli *c)
{
    struct llm_target t = { 0 };
    struct llm_call_opts o = { 0 };
    struct chat ch = { .json = c->json };
    struct buf message = BUF_INIT;
    struct jv *messages = NULL;
    char *system = NULL;
    int ret;
    buf_init(&ch.text, 0);
    for (int i = 0; i < c->argc; i++)
        buf_appendf(&message, "%s%s", i ? " " : "", c->argv[i]);
    if (!message.len) {
        ret = cli_usage(c, "the message is empty");
        goto out;
    }
    if (!utf8_valid(message.buf, message.len)) {
        ret = cli_usage(c, "the message is not valid UTF-8");
        goto out;
    }
    if ((ret = cli_llm_setup(c, false, &t, &o)) < 0) {
        ret = cli_fail(c, ret);
        goto out;
    }
    system = system_prompt(c->workspace);
    messages = jv_array();
    struct jv *user = jv_object();
    jv_set_take(user, "role", jv_string("user"));
    jv_set_take(user, "content", jv_stringn(message.buf, message.len));
    jv_push_take(messages, user);
    struct llm_request rq = { .system = system, .messages = messages };
    ret = chat_call(c, &t, &rq, &ch, &o);
    if (ch.printed && ch.last != '\n')
        putchar('\n');
    fflush(stdout);
    if (ret < 0) {
        ret = cli_fail(c, ret);
        goto out;
    }
    if (ch.json)
        print_json_result(&ch, &t);
    ret = CLI_OK;
out:
    llm_target_release(&t);
    jv_free(messages);
    free(system);
    buf_release(&message);
    buf_release(&ch.text);
    return ret;
}

