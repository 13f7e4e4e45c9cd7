/*
 * bench_agent: the agent's own cost per step, without a model.
 *
 *   bench-agent [--dir DIR] [--steps N]
 *
 * A step of the agent loop (src/agent/agent.c), less the model's answer,
 * is: build the system prompt (SOUL.md, USER.md, MEMORY.md and the
 * objects, agent_system_prompt), run the tool the model asked for
 * (agent_tool_run, here find_entries on people with a filter, then
 * get_entry), and store the assistant message and the tool result in
 * kith_messages (agent_conv_store, one autocommit INSERT each, as the
 * loop does). The workspace is a fresh demo workspace (about 200 people,
 * 50 companies) in DIR (default: a new temporary directory, removed at
 * the end). N steps (2000) are timed one by one, each part separately;
 * it prints median, p99 and max per part and for the whole step, and
 * last one JSON line.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "agent/agent_int.h"
#include "base/buf.h"

#define DEFAULT_STEPS 2000

enum part { P_PROMPT, P_TOOL, P_STORE, P_STEP, NPARTS };
static const char *const part_names[NPARTS] = {
    "build the prompt", "run find_entries + get_entry",
    "store 2 messages", "whole step",
};

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* The q-quantile of sorted v[0..n). */
static double quantile(const double *v, size_t n, double q)
{
    size_t i = (size_t)(q * (double)(n - 1) + 0.5);
    return v[i < n ? i : n - 1];
}

static void die(const char *what, const struct kith_err *err)
{
    fprintf(stderr, "bench-agent: %s: %s\n", what, err->msg);
    exit(1);
}

/* Run tool name with args; dies on an error result. */
static void run_tool(const struct agent_ctx *ctx, const char *name,
                     const struct jv *args, struct buf *out)
{
    struct kith_err err = KITH_ERR_INIT;
    bool is_error;
    buf_reset(out);
    if (agent_tool_run(ctx, name, args, out, &is_error, &err) < 0)
        die(name, &err);
    if (is_error) {
        fprintf(stderr, "bench-agent: %s: %s\n", name, out->buf);
        exit(1);
    }
}

/* The messages a step stores: the assistant's call and the result. */
static struct jv *assistant_msg(const struct jv *args)
{
    struct jv *m = jv_object(), *calls = jv_array(), *c = jv_object();
    jv_set_take(c, "id", jv_string("call_bench"));
    jv_set_take(c, "name", jv_string("find_entries"));
    jv_set_take(c, "arguments", jv_copy(args));
    jv_push_take(calls, c);
    jv_set_take(m, "role", jv_string("assistant"));
    jv_set_take(m, "content", jv_string(""));
    jv_set_take(m, "tool_calls", calls);
    return m;
}

static struct jv *result_msg(const struct buf *result)
{
    struct jv *m = jv_object();
    jv_set_take(m, "role", jv_string("tool"));
    jv_set_take(m, "tool_call_id", jv_string("call_bench"));
    jv_set_take(m, "name", jv_string("find_entries"));
    jv_set_take(m, "content", jv_stringn(result->buf, result->len));
    jv_set_take(m, "is_error", jv_boolean(false));
    return m;
}

int main(int argc, char **argv)
{
    const char *dir_arg = NULL;
    size_t steps = DEFAULT_STEPS;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (!strcmp(argv[i], "--dir"))
            dir_arg = argv[i + 1];
        else if (!strcmp(argv[i], "--steps"))
            steps = (size_t)strtoul(argv[i + 1], NULL, 10);
    }
    if (!steps)
        steps = DEFAULT_STEPS;
    char tmp[] = "/tmp/kith-bench-agent-XXXXXX";
    const char *dir = dir_arg ? dir_arg : mkdtemp(tmp);
    struct kith_err err = KITH_ERR_INIT;
    struct crm *crm = NULL;
    bool created;
    if (!dir || crm_workspace_init(dir, true, &created, &err) < 0 ||
        crm_open(dir, &crm, &err) < 0)
        die("workspace", &err);
    int64_t conv, turn, n;
    if (agent_conv_create(crm, "bench", "openai/bench", &conv, &err) < 0 ||
        agent_conv_turn_start(crm, conv, NULL, &turn, &n, &err) < 0)
        die("conversation", &err);
    char actor[48];
    snprintf(actor, sizeof(actor), "agent:%lld", (long long)conv);
    struct agent_ctx ctx = { crm, dir, actor };
    const char find_text[] = "{\"object\": \"people\", \"where\": "
                             "\"status = Lead\", \"limit\": 10}";
    const char get_text[] = "{\"object\": \"people\", \"id\": 7}";
    struct jv *find = jv_parse(find_text, strlen(find_text), NULL);
    struct jv *get = jv_parse(get_text, strlen(get_text), NULL);
    double *t[NPARTS];
    for (int p = 0; p < NPARTS; p++)
        t[p] = calloc(steps, sizeof(double));
    struct buf prompt = BUF_INIT, result = BUF_INIT;
    size_t prompt_bytes = 0, result_bytes = 0;
    for (size_t i = 0; i < steps; i++) {
        double t0 = now_ms();
        buf_reset(&prompt);
        if (agent_system_prompt(crm, dir, &prompt, &err) < 0)
            die("prompt", &err);
        double t1 = now_ms();
        run_tool(&ctx, "find_entries", find, &result);
        result_bytes = result.len;
        run_tool(&ctx, "get_entry", get, &result);
        double t2 = now_ms();
        struct jv *a = assistant_msg(find), *r = result_msg(&result);
        if (agent_conv_store(crm, conv, n, a, &err) < 0 ||
            agent_conv_store(crm, conv, n, r, &err) < 0)
            die("store", &err);
        jv_free(a);
        jv_free(r);
        double t3 = now_ms();
        t[P_PROMPT][i] = t1 - t0;
        t[P_TOOL][i] = t2 - t1;
        t[P_STORE][i] = t3 - t2;
        t[P_STEP][i] = t3 - t0;
        prompt_bytes = prompt.len;
    }
    printf("agent step on the demo workspace, %zu steps (prompt %zu bytes, "
           "find_entries result %zu bytes)\n",
           steps, prompt_bytes, result_bytes);
    printf("%-30s %10s %10s %10s\n", "part", "median ms", "p99 ms",
           "max ms");
    double med[NPARTS], p99[NPARTS];
    for (int p = 0; p < NPARTS; p++) {
        qsort(t[p], steps, sizeof(double), cmp_double);
        med[p] = quantile(t[p], steps, 0.5);
        p99[p] = quantile(t[p], steps, 0.99);
        printf("%-30s %10.3f %10.3f %10.3f\n", part_names[p], med[p], p99[p],
               t[p][steps - 1]);
    }
    printf("{\"bench\": \"agent_step\", \"steps\": %zu, \"prompt_ms\": %.3f, "
           "\"tool_ms\": %.3f, \"store_ms\": %.3f, \"step_median_ms\": %.3f, "
           "\"step_p99_ms\": %.3f}\n",
           steps, med[P_PROMPT], med[P_TOOL], med[P_STORE], med[P_STEP],
           p99[P_STEP]);
    for (int p = 0; p < NPARTS; p++)
        free(t[p]);
    buf_release(&prompt);
    buf_release(&result);
    jv_free(find);
    jv_free(get);
    crm_close(crm);
    if (!dir_arg) {
        static const char *const names[] = {
            "kith.db", "kith.db-wal", "kith.db-shm", "config.json", "token",
            "secrets.env", "SOUL.md", "USER.md", "MEMORY.md",
        };
        char path[256];
        for (size_t i = 0; i < sizeof(names) / sizeof(*names); i++) {
            snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
            unlink(path);
        }
        rmdir(dir);
    }
    return 0;
}
