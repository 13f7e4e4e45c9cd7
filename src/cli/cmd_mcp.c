/*
 * cmd_mcp: kith mcp [--allow-destructive], the agent's tools served to an
 * MCP client (Claude Desktop, an editor, any agent) over stdio.
 *
 * The client starts this command and talks JSON-RPC on its stdin and
 * stdout (src/mcp); stdout carries only protocol messages, so the one
 * line of log goes to stderr. Writes are recorded as actor "mcp". Tools
 * that delete entries or change the schema are served only with
 * --allow-destructive, since no one is asked to approve them here.
 */
#include "cli/cli.h"

#include <signal.h>

#include "agent/agent.h"
#include "mcp/mcp.h"

int cmd_mcp(struct cli *c)
{
    struct agent_ctx ctx = { .crm = c->crm, .workspace = c->workspace,
                             .actor = MCP_ACTOR };
    struct mcp_session s;
    bool destructive = cli_flag(c, "allow-destructive");
    /* a client that goes away is the end of input, not a crash */
    signal(SIGPIPE, SIG_IGN);
    mcp_session_init(&s, &ctx, destructive, KITH_VERSION);
    fprintf(stderr,
            "kith mcp: serving the tools of %s on stdio (destructive tools "
            "%s)\n",
            c->workspace,
            destructive ? "allowed" : "off; --allow-destructive allows them");
    if (mcp_serve(&s, stdin, stdout) < 0) {
        fprintf(stderr,
                "kith mcp: cannot write to stdout (the client went away)\n");
        return CLI_FAIL;
    }
    return CLI_OK;
}
