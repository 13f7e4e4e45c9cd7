/*
 * fuzz_mcp: libFuzzer target for the MCP server's protocol handling
 * (src/mcp/mcp.c, mcp_handle) over the agent's tool table, on an
 * in-memory workspace with the default objects made once.
 *
 * The input is split into lines, each handled as one message of one
 * session (so initialize, then tools/call, ... can follow each other),
 * destructive tools allowed. Properties checked besides "no crash, no
 * leak":
 *   - an answer is one line of valid JSON: an object with "jsonrpc":
 *     "2.0" and either "result" or "error", or an array of those;
 *   - a notification (an object with a string "method" and no "id") is
 *     never answered.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mcp/mcp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct mcp_session *fuzz_session(void)
{
    static struct mcp_session s;
    static struct crm *crm;
    static char dir[] = "/tmp/kith-fuzz-mcp-XXXXXX";
    if (!crm) {
        setenv("KITH_NOW", "2026-11-26T09:00:00.000Z", 1);
        if (!mkdtemp(dir) || crm_open_db(":memory:", &crm, NULL) < 0 ||
            crm_seed_defaults(crm, NULL) < 0)
            abort();
        struct agent_ctx ctx = { crm, dir, MCP_ACTOR };
        mcp_session_init(&s, &ctx, true, "fuzz");
    }
    return &s;
}

/* One answer of a request: {"jsonrpc": "2.0", "id", "result"|"error"}. */
static void check_answer(const struct jv *a)
{
    const char *v = jv_str(jv_get(a, "jsonrpc"));
    if (jv_type(a) != JV_OBJECT || !v || strcmp(v, "2.0") ||
        !jv_get(a, "id") || !jv_get(a, "result") == !jv_get(a, "error"))
        abort();
}

/* Whether line is a notification: it must not be answered. */
static bool is_notification(const char *line, size_t len)
{
    struct jv *m = jv_parse(line, len, NULL);
    bool yes = jv_type(m) == JV_OBJECT && !jv_get(m, "id") &&
               jv_type(jv_get(m, "method")) == JV_STRING;
    jv_free(m);
    return yes;
}

static void handle_line(struct mcp_session *s, const char *line, size_t len)
{
    struct buf out = BUF_INIT;
    mcp_handle(s, line, len, &out);
    if (!out.len) {
        buf_release(&out);
        return;
    }
    if (memchr(out.buf, '\n', out.len) || is_notification(line, len))
        abort();
    struct jv *a = jv_parse(out.buf, out.len, NULL);
    if (!a)
        abort();
    if (jv_type(a) == JV_ARRAY) {
        if (!jv_len(a))
            abort();
        for (size_t i = 0; i < jv_len(a); i++)
            check_answer(jv_at(a, i));
    } else {
        check_answer(a);
    }
    jv_free(a);
    buf_release(&out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct mcp_session *s = fuzz_session();
    const char *p = (const char *)data, *end = p + size;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);
        handle_line(s, p, len);
        p += len + (nl != NULL);
    }
    return 0;
}
