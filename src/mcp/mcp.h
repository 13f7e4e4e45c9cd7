/*
 * mcp: the Model Context Protocol server of `kith mcp`, serving the
 * agent's tool table (src/agent) to any MCP client over stdio.
 *
 * The transport is MCP's stdio transport: JSON-RPC 2.0 messages, one per
 * line, UTF-8, requests on stdin and answers on stdout; stdout carries
 * nothing else (logs go to stderr). mcp_handle() is the whole protocol
 * for one line and does no I/O, so it can be tested and fuzzed alone;
 * mcp_serve() is the loop around it.
 *
 * Methods: initialize (protocol version negotiation), ping, tools/list,
 * tools/call, and the notifications (never answered). Batches (a JSON
 * array, as JSON-RPC 2.0 and MCP 2025-03-26 allow) are answered with an
 * array; initialize may not be part of one. Tool failures are results
 * with isError: true (a bad argument included, as the spec's 2025-11-25
 * revision asks, so the model can correct itself); protocol errors use
 * JSON-RPC's codes.
 */
#ifndef KITH_MCP_H
#define KITH_MCP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "agent/agent.h"
#include "base/buf.h"

#define MCP_LINE_MAX (4 * 1024 * 1024) /* longest message accepted */

/* JSON-RPC 2.0 error codes. */
#define MCP_PARSE_ERROR (-32700)
#define MCP_INVALID_REQUEST (-32600)
#define MCP_METHOD_NOT_FOUND (-32601)
#define MCP_INVALID_PARAMS (-32602)
#define MCP_INTERNAL_ERROR (-32603)

/* The newest protocol version spoken (also 2025-03-26 and 2024-11-05). */
#define MCP_VERSION_LATEST "2025-06-18"

#define MCP_ACTOR "mcp" /* the change log's actor for writes */

struct mcp_session {
    struct agent_ctx ctx;    /* what tools run with (actor "mcp") */
    bool allow_destructive;  /* serve AGENT_DESTROYS tools too */
    const char *server_version; /* serverInfo.version */
    char version[16];        /* the negotiated protocol version, or "" */
    bool initialized;        /* initialize was answered */
};

/* Set up s; ctx is copied, its pointers borrowed for s's lifetime. */
void mcp_session_init(struct mcp_session *s, const struct agent_ctx *ctx,
                      bool allow_destructive, const char *server_version);

/*
 * Handle one message (line[0..len), without its newline) and append the
 * answer to out as one line of JSON without the newline; nothing is
 * appended for a notification, a client's response or a blank line.
 * Never fails: every problem is answered as a JSON-RPC error.
 */
void mcp_handle(struct mcp_session *s, const char *line, size_t len,
                struct buf *out);

/*
 * Read messages from in until it ends, answering each on out (flushed
 * per message); a line longer than MCP_LINE_MAX is skipped and answered
 * with an error. Returns KITH_OK at the end of input, KITH_EIO when out
 * cannot be written.
 */
int mcp_serve(struct mcp_session *s, FILE *in, FILE *out);

#endif
