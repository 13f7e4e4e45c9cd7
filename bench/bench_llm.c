/*
 * bench_llm: how fast a streamed model answer goes from bytes to neutral
 * events (llm/sse.c, llm/ndjson.c, llm/decoder.c and each provider's
 * decode), and how long an event waits for its callback.
 *
 *   bench-llm [--mb N] [--runs R]
 *
 * For each wire (OpenAI Chat Completions SSE, Anthropic Messages SSE,
 * Ollama NDJSON) it writes a recorded-looking answer of about N MB (10)
 * in memory: one small text delta per event, as the providers send them
 * (ASCII, escapes and UTF-8), with LLM_CALLS tool calls spread through it
 * whose arguments come in fragments of a few bytes (Ollama: whole, as it
 * sends them), Anthropic pings, and the usage and end markers. Measured:
 *   - throughput: the whole answer through llm_decoder_feed in 16 KiB
 *     pieces (a busy connection) and in 1500-byte pieces (one TCP
 *     segment each), R runs each; MB/s from the thread's CPU time (per
 *     core) and from wall time, medians;
 *   - latency: for every event, the time from the start of the
 *     llm_decoder_feed call whose bytes completed it to its callback
 *     (the bytes of a piece all arrive at once), median, p99 and max,
 *     in wall time (what a reader waits, preemption included) and in
 *     the thread's CPU time (the work the decoder put in between);
 *   - where the time goes, in 16 KiB pieces: the framing alone (sse.c
 *     or ndjson.c with a callback that only counts), and the framing
 *     plus jv_parse and jv_free of every event (no provider), the floor
 *     of any decode that parses each event into a jv, and the framing
 *     plus jr_valid of every event (base/jread.c validating it without
 *     a tree), the floor of the providers' decode, which reads each
 *     event with jread.
 * Every run checks the events (text bytes, calls, usage, done) against
 * what was written, so a decoder that drops work cannot look fast.
 * It prints a table and, last, one JSON line.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/buf.h"
#include "base/jread.h"
#include "llm/llm_int.h"

#define DEFAULT_MB 10
#define DEFAULT_RUNS 5
#define LLM_CALLS 40 /* tool calls per answer (at most LLM_MAX_CALLS) */

/* ---- the recorded answers ---- */

/* Text deltas as a model streams them: JSON-escaped, and decoded. */
static const struct token {
    const char *json, *text;
} tokens[] = {
    { "Ada", "Ada" },           { " Lovelace", " Lovelace" },
    { " is", " is" },           { " a", " a" },
    { " contact", " contact" }, { " at", " at" },
    { " Analytical", " Analytical" },
    { " Engines", " Engines" }, { ",", "," },
    { " Ltd", " Ltd" },         { ".", "." },
    { "\\n\\n", "\n\n" },       { " Her", " Her" },
    { " email", " email" },     { " is", " is" },
    { " ada@example.com", " ada@example.com" },
    { " and", " and" },         { " the", " the" },
    { " deal", " deal" },       { " \\\"Engine", " \"Engine" },
    { " v2\\\"", " v2\"" },     { " is", " is" },
    { " worth", " worth" },     { " \xe2\x82\xac" "12", " \xe2\x82\xac" "12" },
    { "k", "k" },               { " (Zo\xc3\xab", " (Zo\xc3\xab" },
    { " \xe6\x97\xa5\xe6\x9c\xac)", " \xe6\x97\xa5\xe6\x9c\xac)" },
    { " -", " -" },             { " next", " next" },
    { " step", " step" },       { ":", ":" },
    { " call", " call" },       { " \xf0\x9f\x93\x9e", " \xf0\x9f\x93\x9e" },
};
#define NTOKENS (sizeof(tokens) / sizeof(*tokens))

/* A tool call's arguments: what the model writes, fragment by fragment. */
static const char call_args[] =
    "{\"object\": \"people\", \"where\": \"name ~ 'Ada Lovelace' and "
    "status = Lead\", \"sort\": \"-updated_at\", \"limit\": 50, "
    "\"fields\": [\"name\", \"email\", \"company\"]}";

enum wire_kind { W_OPENAI, W_ANTHROPIC, W_OLLAMA, NWIRES };

static const char *const wire_names[NWIRES] = { "openai", "anthropic",
                                                "ollama" };

struct answer {
    struct buf bytes;
    size_t text_bytes;  /* decoded text in all */
    size_t text_events; /* text deltas written */
    size_t calls;
};

/* Append s as the inside of a JSON string (only " and \ occur). */
static void append_escaped(struct buf *b, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '"' || s[i] == '\\')
            buf_appendc(b, '\\');
        buf_appendc(b, s[i]);
    }
}

static uint32_t rng_state = 2463534242u;
static uint32_t rng(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 17;
    rng_state ^= rng_state << 5;
    return rng_state;
}

static void openai_text(struct answer *a, const struct token *t)
{
    buf_appends(&a->bytes,
                "data: {\"id\":\"chatcmpl-B9xYzQ1w2e3R4t5Y6u7I8o9P0\","
                "\"object\":\"chat.completion.chunk\",\"created\":1735000000,"
                "\"model\":\"gpt-4.1-mini-2025-04-14\",\"service_tier\":"
                "\"default\",\"system_fingerprint\":\"fp_6f2eabb9a5\","
                "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"");
    buf_appends(&a->bytes, t->json);
    buf_appends(&a->bytes, "\"},\"logprobs\":null,\"finish_reason\":null}],"
                           "\"usage\":null,\"obfuscation\":\"x7Qp\"}\n\n");
}

static void openai_call(struct answer *a, size_t k)
{
    size_t n = strlen(call_args);
    for (size_t off = 0; off < n || !off;) {
        size_t frag = 3 + rng() % 10;
        if (frag > n - off)
            frag = n - off;
        buf_appends(&a->bytes,
                    "data: {\"id\":\"chatcmpl-B9xYzQ1w2e3R4t5Y6u7I8o9P0\","
                    "\"object\":\"chat.completion.chunk\","
                    "\"created\":1735000000,\"model\":"
                    "\"gpt-4.1-mini-2025-04-14\",\"choices\":[{\"index\":0,"
                    "\"delta\":{\"tool_calls\":[{");
        if (!off)
            buf_appendf(&a->bytes,
                        "\"index\":%zu,\"id\":\"call_Q1w2e3r4t5y6%02zu\","
                        "\"type\":\"function\",\"function\":{\"name\":"
                        "\"find_entries\",\"arguments\":\"",
                        k, k);
        else
            buf_appendf(&a->bytes,
                        "\"index\":%zu,\"function\":{\"arguments\":\"", k);
        append_escaped(&a->bytes, call_args + off, frag);
        buf_appends(&a->bytes, "\"}}]},\"logprobs\":null,"
                               "\"finish_reason\":null}],\"usage\":null}\n\n");
        off += frag;
    }
}

static void openai_end(struct answer *a)
{
    buf_appends(&a->bytes,
                "data: {\"id\":\"chatcmpl-B9xYzQ1w2e3R4t5Y6u7I8o9P0\","
                "\"object\":\"chat.completion.chunk\",\"created\":1735000000,"
                "\"model\":\"gpt-4.1-mini-2025-04-14\",\"choices\":[{"
                "\"index\":0,\"delta\":{},\"logprobs\":null,"
                "\"finish_reason\":\"tool_calls\"}],\"usage\":null}\n\n"
                "data: {\"id\":\"chatcmpl-B9xYzQ1w2e3R4t5Y6u7I8o9P0\","
                "\"object\":\"chat.completion.chunk\",\"created\":1735000000,"
                "\"model\":\"gpt-4.1-mini-2025-04-14\",\"choices\":[],"
                "\"usage\":{\"prompt_tokens\":812,\"completion_tokens\":"
                "61234,\"total_tokens\":62046}}\n\n"
                "data: [DONE]\n\n");
}

static size_t anthropic_block; /* the index of the open block */

static void anthropic_start(struct answer *a)
{
    anthropic_block = 0;
    buf_appends(&a->bytes,
                "event: message_start\n"
                "data: {\"type\":\"message_start\",\"message\":{\"id\":"
                "\"msg_019Q1hrJbZG26Fb9BQhrkHEr\",\"type\":\"message\","
                "\"role\":\"assistant\",\"model\":\"claude-sonnet-4-5\","
                "\"content\":[],\"stop_reason\":null,\"stop_sequence\":null,"
                "\"usage\":{\"input_tokens\":812,"
                "\"cache_creation_input_tokens\":0,"
                "\"cache_read_input_tokens\":0,\"output_tokens\":1,"
                "\"service_tier\":\"standard\"}}}\n\n"
                "event: content_block_start\n"
                "data: {\"type\":\"content_block_start\",\"index\":0,"
                "\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\n");
}

static void anthropic_text(struct answer *a, const struct token *t)
{
    buf_appendf(&a->bytes,
                "event: content_block_delta\n"
                "data: {\"type\":\"content_block_delta\",\"index\":%zu,"
                "\"delta\":{\"type\":\"text_delta\",\"text\":\"",
                anthropic_block);
    buf_appends(&a->bytes, t->json);
    buf_appends(&a->bytes, "\"}}\n\n");
    if (rng() % 500 == 0)
        buf_appends(&a->bytes,
                    "event: ping\ndata: {\"type\": \"ping\"}\n\n");
}

static void anthropic_stop_block(struct answer *a)
{
    buf_appendf(&a->bytes,
                "event: content_block_stop\n"
                "data: {\"type\":\"content_block_stop\",\"index\":%zu}\n\n",
                anthropic_block);
}

/* Close the text block, then a tool_use block, then a new text block. */
static void anthropic_call(struct answer *a, size_t k)
{
    anthropic_stop_block(a);
    anthropic_block++;
    buf_appendf(&a->bytes,
                "event: content_block_start\n"
                "data: {\"type\":\"content_block_start\",\"index\":%zu,"
                "\"content_block\":{\"type\":\"tool_use\",\"id\":"
                "\"toolu_01NRLabsLyVHZPKxbKvk%02zu\",\"name\":"
                "\"find_entries\",\"caller\":{\"type\":\"direct\"},"
                "\"input\":{}}}\n\n",
                anthropic_block, k);
    size_t n = strlen(call_args);
    for (size_t off = 0; off < n;) {
        size_t frag = 3 + rng() % 10;
        if (frag > n - off)
            frag = n - off;
        buf_appendf(&a->bytes,
                    "event: content_block_delta\n"
                    "data: {\"type\":\"content_block_delta\",\"index\":%zu,"
                    "\"delta\":{\"type\":\"input_json_delta\","
                    "\"partial_json\":\"",
                    anthropic_block);
        append_escaped(&a->bytes, call_args + off, frag);
        buf_appends(&a->bytes, "\"}}\n\n");
        off += frag;
    }
    anthropic_stop_block(a);
    anthropic_block++;
    buf_appendf(&a->bytes,
                "event: content_block_start\n"
                "data: {\"type\":\"content_block_start\",\"index\":%zu,"
                "\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\n",
                anthropic_block);
}

static void anthropic_end(struct answer *a)
{
    anthropic_stop_block(a);
    buf_appends(&a->bytes,
                "event: message_delta\n"
                "data: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":"
                "\"tool_use\",\"stop_sequence\":null},\"usage\":"
                "{\"output_tokens\":61234}}\n\n"
                "event: message_stop\n"
                "data: {\"type\":\"message_stop\"}\n\n");
}

static void ollama_text(struct answer *a, const struct token *t)
{
    buf_appends(&a->bytes,
                "{\"model\":\"qwen2.5:7b\",\"created_at\":"
                "\"2025-07-07T20:32:53.844124Z\",\"message\":{\"role\":"
                "\"assistant\",\"content\":\"");
    buf_appends(&a->bytes, t->json);
    buf_appends(&a->bytes, "\"},\"done\":false}\n");
}

static void ollama_call(struct answer *a, size_t k)
{
    buf_appendf(&a->bytes,
                "{\"model\":\"qwen2.5:7b\",\"created_at\":"
                "\"2025-07-07T20:32:53.844124Z\",\"message\":{\"role\":"
                "\"assistant\",\"content\":\"\",\"tool_calls\":[{\"id\":"
                "\"call_k3x9a1%02zu\",\"function\":{\"index\":%zu,\"name\":"
                "\"find_entries\",\"arguments\":%s}}]},\"done\":false}\n",
                k, k, call_args);
}

static void ollama_end(struct answer *a)
{
    buf_appends(&a->bytes,
                "{\"model\":\"qwen2.5:7b\",\"created_at\":"
                "\"2025-07-07T20:32:54.844124Z\",\"message\":{\"role\":"
                "\"assistant\",\"content\":\"\"},\"done\":true,"
                "\"done_reason\":\"stop\",\"total_duration\":182242375,"
                "\"load_duration\":2969184,\"prompt_eval_count\":812,"
                "\"prompt_eval_duration\":141656333,\"eval_count\":61234,"
                "\"eval_duration\":115959084}\n");
}

/* An answer of about mb MB on wire w. */
static void make_answer(enum wire_kind w, size_t mb, struct answer *a)
{
    size_t target = mb * 1000 * 1000;
    memset(a, 0, sizeof(*a));
    buf_init(&a->bytes, 0);
    rng_state = 2463534242u;
    if (w == W_ANTHROPIC)
        anthropic_start(a);
    /* About one call per target / LLM_CALLS bytes of text. */
    size_t every = target / (LLM_CALLS + 1);
    while (a->bytes.len < target) {
        const struct token *t = &tokens[rng() % NTOKENS];
        if (w == W_OPENAI)
            openai_text(a, t);
        else if (w == W_ANTHROPIC)
            anthropic_text(a, t);
        else
            ollama_text(a, t);
        a->text_events++;
        a->text_bytes += strlen(t->text);
        if (a->calls < LLM_CALLS && a->bytes.len >= every * (a->calls + 1)) {
            if (w == W_OPENAI)
                openai_call(a, a->calls);
            else if (w == W_ANTHROPIC)
                anthropic_call(a, a->calls);
            else
                ollama_call(a, a->calls);
            a->calls++;
        }
    }
    if (w == W_OPENAI)
        openai_end(a);
    else if (w == W_ANTHROPIC)
        anthropic_end(a);
    else
        ollama_end(a);
}

/* ---- decoding it ---- */

static double now_s(clockid_t clock)
{
    struct timespec ts;
    clock_gettime(clock, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

struct tally {
    size_t text_events, text_bytes, calls, usage, done, other;
    /* latency: when the current feed started (wall and CPU), and one
       sample of each per event */
    bool timed;
    double feed_start, feed_start_cpu;
    double *lat, *lat_cpu;
    size_t nlat, cap;
};

static int on_event(void *ctx, const struct llm_event *ev)
{
    struct tally *t = ctx;
    if (t->timed && t->nlat < t->cap) {
        t->lat[t->nlat] = now_s(CLOCK_MONOTONIC) - t->feed_start;
        t->lat_cpu[t->nlat++] =
            now_s(CLOCK_THREAD_CPUTIME_ID) - t->feed_start_cpu;
    }
    switch (ev->type) {
    case LLM_EV_TEXT:
        t->text_events++;
        t->text_bytes += ev->len;
        break;
    case LLM_EV_TOOL_CALL:
        t->calls++;
        break;
    case LLM_EV_USAGE:
        t->usage++;
        break;
    case LLM_EV_DONE:
        t->done++;
        break;
    case LLM_EV_ERROR:
        t->other++;
        break;
    }
    return KITH_OK;
}

/* Decode a in pieces of piece bytes; exits on any mismatch. */
static void decode(enum wire_kind w, const struct answer *a, size_t piece,
                   struct tally *t)
{
    struct llm_decoder d;
    struct kith_err err = KITH_ERR_INIT;
    const struct llm_provider *p =
        w == W_OPENAI      ? &llm_openai
        : w == W_ANTHROPIC ? &llm_anthropic
                           : &llm_ollama;
    llm_decoder_init(&d, p, on_event, t);
    int ret = KITH_OK;
    for (size_t off = 0; off < a->bytes.len && ret == KITH_OK;
         off += piece) {
        size_t k = a->bytes.len - off < piece ? a->bytes.len - off : piece;
        if (t->timed) {
            t->feed_start_cpu = now_s(CLOCK_THREAD_CPUTIME_ID);
            t->feed_start = now_s(CLOCK_MONOTONIC);
        }
        ret = llm_decoder_feed(&d, a->bytes.buf + off, k, &err);
    }
    if (ret == KITH_OK)
        ret = llm_decoder_finish(&d, &err);
    llm_decoder_release(&d);
    if (ret != KITH_OK || t->text_bytes != a->text_bytes ||
        t->calls != a->calls || !t->usage || t->done != 1 || t->other) {
        fprintf(stderr,
                "bench-llm: %s decoded wrong: %s (text %zu of %zu bytes, "
                "%zu of %zu calls, %zu usage, %zu done)\n",
                wire_names[w], err.msg[0] ? err.msg : "no error",
                t->text_bytes, a->text_bytes, t->calls, a->calls, t->usage,
                t->done);
        exit(1);
    }
}

static int cmp_double(const void *x, const void *y)
{
    double a = *(const double *)x, b = *(const double *)y;
    return (a > b) - (a < b);
}

static double median(double *v, size_t n)
{
    qsort(v, n, sizeof(*v), cmp_double);
    return n ? v[n / 2] : 0;
}

struct result {
    double cpu_mbs, wall_mbs;      /* medians over the runs */
    double lat_p50, lat_p99, lat_max; /* ms, wall */
    double cpu_p50, cpu_p99, cpu_max; /* ms, thread CPU time */
    size_t events;
};

static struct result measure(enum wire_kind w, const struct answer *a,
                             size_t piece, int runs)
{
    struct result r = { 0 };
    double cpu[64], wall[64];
    double mb = (double)a->bytes.len / 1e6;
    if (runs > 64)
        runs = 64;
    for (int i = 0; i < runs; i++) {
        struct tally t = { 0 };
        double c0 = now_s(CLOCK_THREAD_CPUTIME_ID);
        double w0 = now_s(CLOCK_MONOTONIC);
        decode(w, a, piece, &t);
        wall[i] = mb / (now_s(CLOCK_MONOTONIC) - w0);
        cpu[i] = mb / (now_s(CLOCK_THREAD_CPUTIME_ID) - c0);
        r.events = t.text_events + t.calls + t.usage + t.done;
    }
    r.cpu_mbs = median(cpu, (size_t)runs);
    r.wall_mbs = median(wall, (size_t)runs);

    struct tally t = { 0 };
    t.timed = true;
    t.cap = r.events;
    t.lat = malloc(t.cap * sizeof(*t.lat));
    t.lat_cpu = malloc(t.cap * sizeof(*t.lat_cpu));
    if (!t.lat || !t.lat_cpu)
        exit(1);
    decode(w, a, piece, &t);
    qsort(t.lat, t.nlat, sizeof(*t.lat), cmp_double);
    qsort(t.lat_cpu, t.nlat, sizeof(*t.lat_cpu), cmp_double);
    r.lat_p50 = t.lat[t.nlat / 2] * 1e3;
    r.lat_p99 = t.lat[t.nlat * 99 / 100] * 1e3;
    r.lat_max = t.lat[t.nlat - 1] * 1e3;
    r.cpu_p50 = t.lat_cpu[t.nlat / 2] * 1e3;
    r.cpu_p99 = t.lat_cpu[t.nlat * 99 / 100] * 1e3;
    r.cpu_max = t.lat_cpu[t.nlat - 1] * 1e3;
    free(t.lat);
    free(t.lat_cpu);
    return r;
}

/* ---- where the time goes: the framing, then the framing + jv_parse ---- */

enum floor_mode {
    FLOOR_FRAMING, /* the framing alone */
    FLOOR_JV,      /* + jv_parse and jv_free of each event */
    FLOOR_JREAD,   /* + jr_valid of each event (base/jread.c) */
};

struct floor_run {
    enum floor_mode mode;
    size_t events;
};

static int floor_event(void *ctx, const char *event, const char *data,
                       size_t len)
{
    struct floor_run *f = ctx;
    (void)event;
    f->events++;
    if (f->mode == FLOOR_FRAMING || (len == 6 && !memcmp(data, "[DONE]", 6)))
        return KITH_OK;
    if (f->mode == FLOOR_JREAD)
        return jr_valid(data, len, NULL) ? KITH_OK : KITH_EINVAL;
    struct jv *j = jv_parse(data, len, NULL);
    if (!j)
        return KITH_EINVAL;
    jv_free(j);
    return KITH_OK;
}

static int floor_line(void *ctx, const char *line, size_t len)
{
    return floor_event(ctx, "", line, len);
}

/* MB/s (CPU time, median of runs) of the framing alone, + jv_parse or
   + jr_valid. */
static double floor_mbs(enum wire_kind w, const struct answer *a,
                        enum floor_mode mode, int runs)
{
    double cpu[64];
    if (runs > 64)
        runs = 64;
    for (int i = 0; i < runs; i++) {
        struct floor_run f = { mode, 0 };
        struct llm_sse sse;
        struct llm_ndjson nd;
        struct kith_err err = KITH_ERR_INIT;
        llm_sse_init(&sse, floor_event, &f);
        llm_ndjson_init(&nd, floor_line, &f);
        double c0 = now_s(CLOCK_THREAD_CPUTIME_ID);
        int ret = KITH_OK;
        for (size_t off = 0; off < a->bytes.len && ret == KITH_OK;
             off += 16384) {
            size_t k = a->bytes.len - off < 16384 ? a->bytes.len - off
                                                  : 16384;
            ret = w == W_OLLAMA
                      ? llm_ndjson_feed(&nd, a->bytes.buf + off, k, &err)
                      : llm_sse_feed(&sse, a->bytes.buf + off, k, &err);
        }
        if (ret == KITH_OK)
            ret = w == W_OLLAMA ? llm_ndjson_finish(&nd, &err)
                                : llm_sse_finish(&sse, &err);
        cpu[i] = (double)a->bytes.len / 1e6 /
                 (now_s(CLOCK_THREAD_CPUTIME_ID) - c0);
        llm_sse_release(&sse);
        llm_ndjson_release(&nd);
        if (ret != KITH_OK || f.events < a->text_events) {
            fprintf(stderr, "bench-llm: %s framing failed: %s\n",
                    wire_names[w], err.msg);
            exit(1);
        }
    }
    return median(cpu, (size_t)runs);
}

int main(int argc, char **argv)
{
    size_t mb = DEFAULT_MB;
    int runs = DEFAULT_RUNS;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--mb") && i + 1 < argc)
            mb = (size_t)strtoul(argv[++i], NULL, 10);
        else if (!strcmp(argv[i], "--runs") && i + 1 < argc)
            runs = atoi(argv[++i]);
        else {
            fprintf(stderr, "usage: bench-llm [--mb N] [--runs R]\n");
            return 2;
        }
    }
    if (!mb || runs < 1) {
        fprintf(stderr, "bench-llm: --mb and --runs must be at least 1\n");
        return 2;
    }
    static const size_t pieces[] = { 16384, 1500 };
    struct buf json = BUF_INIT;
    buf_appendf(&json, "{\"bench\":\"llm-decode\",\"mb\":%zu,\"runs\":%d",
                mb, runs);
    printf("stream decoding, %zu MB per wire, %d runs per piece size "
           "(MB/s: median, one core; latency in ms, wall / thread CPU)\n\n",
           mb, runs);
    printf("%-9s %5s %6s %6s %5s %5s %15s %15s %15s\n", "wire", "piece",
           "events", "MB", "CPU", "wall", "lat p50", "lat p99", "lat max");
    double floors[NWIRES][3];
    for (int w = 0; w < NWIRES; w++) {
        struct answer a;
        make_answer((enum wire_kind)w, mb, &a);
        for (size_t i = 0; i < sizeof(pieces) / sizeof(*pieces); i++) {
            struct result r =
                measure((enum wire_kind)w, &a, pieces[i], runs);
            printf("%-9s %5zu %6zu %6.2f %5.1f %5.1f %7.3f / %5.3f "
                   "%7.3f / %5.3f %7.3f / %5.3f\n",
                   wire_names[w], pieces[i], r.events,
                   (double)a.bytes.len / 1e6, r.cpu_mbs, r.wall_mbs,
                   r.lat_p50, r.cpu_p50, r.lat_p99, r.cpu_p99, r.lat_max,
                   r.cpu_max);
            buf_appendf(&json,
                        ",\"%s_%zu\":{\"cpu_mb_s\":%.1f,\"wall_mb_s\":%.1f,"
                        "\"lat_p50_ms\":%.4f,\"lat_p99_ms\":%.4f,"
                        "\"lat_max_ms\":%.4f,\"cpu_lat_p50_ms\":%.4f,"
                        "\"cpu_lat_p99_ms\":%.4f,\"events\":%zu}",
                        wire_names[w], pieces[i], r.cpu_mbs, r.wall_mbs,
                        r.lat_p50, r.lat_p99, r.lat_max, r.cpu_p50,
                        r.cpu_p99, r.events);
        }
        for (int m = FLOOR_FRAMING; m <= FLOOR_JREAD; m++)
            floors[w][m] =
                floor_mbs((enum wire_kind)w, &a, (enum floor_mode)m, runs);
        buf_appendf(&json,
                    ",\"%s_framing_mb_s\":%.1f,\"%s_framing_parse_mb_s\":"
                    "%.1f,\"%s_framing_jread_mb_s\":%.1f",
                    wire_names[w], floors[w][FLOOR_FRAMING], wire_names[w],
                    floors[w][FLOOR_JV], wire_names[w],
                    floors[w][FLOOR_JREAD]);
        buf_release(&a.bytes);
    }
    printf("\nwhere the time goes (16 KiB pieces, CPU MB/s):\n");
    printf("%-9s %12s %20s %20s\n", "wire", "framing only",
           "framing + jv_parse", "framing + jr_valid");
    for (int w = 0; w < NWIRES; w++)
        printf("%-9s %12.1f %20.1f %20.1f\n", wire_names[w],
               floors[w][FLOOR_FRAMING], floors[w][FLOOR_JV],
               floors[w][FLOOR_JREAD]);
    printf("\ntargets: >= 100 MB/s per core, latency < 1 ms\n");
    printf("%s}\n", json.buf);
    buf_release(&json);
    return 0;
}
