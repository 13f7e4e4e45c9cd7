/*
 * cmd_serve: kith serve, the HTTP API (src/http) on the workspace.
 */
#include "cli/cli.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "db/db.h"
#include "http/http.h"

/*
 * SQLite's page cache per connection of the server. It holds one
 * connection per worker thread (one per core), and one more per streaming
 * request; the CLI's 64 MiB would let two workers alone grow past 128 MB
 * while serving random entries of a large table. With 16 MiB, reads that
 * miss it come from the OS's file cache (see bench/RESULTS.md, HTTP).
 */
#define SERVE_PAGE_CACHE_KIB (16 * 1024)

/* Read dir/token, trimmed, into out. */
static int read_token(const char *dir, struct buf *out, struct kith_err *err)
{
    struct buf path = BUF_INIT;
    buf_appendf(&path, "%s/token", dir);
    FILE *f = fopen(path.buf, "r");
    if (!f) {
        int ret = kith_errf(err, KITH_EIO, "cannot read %s: %s", path.buf,
                            strerror(errno));
        buf_release(&path);
        return ret;
    }
    char chunk[256];
    size_t n;
    while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
        buf_append(out, chunk, n);
    fclose(f);
    while (out->len && strchr(" \t\r\n", out->buf[out->len - 1]))
        buf_truncate(out, out->len - 1);
    size_t lead = strspn(out->buf, " \t\r\n");
    if (lead) {
        memmove(out->buf, out->buf + lead, out->len - lead + 1);
        out->len -= lead;
    }
    if (!out->len) {
        int ret = kith_errf(err, KITH_EINVAL, "%s is empty", path.buf);
        buf_release(&path);
        return ret;
    }
    buf_release(&path);
    return KITH_OK;
}

/* Whether s is a whole decimal number from min to max; sets *out. */
static bool parse_range(const char *s, long min, long max, long *out)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (!*s || *end || errno || v < min || v > max)
        return false;
    *out = v;
    return true;
}

int cmd_serve(struct cli *c)
{
    const char *host = cli_opt(c, "host");
    const char *port_s = cli_opt(c, "port");
    const char *timeout_arg = cli_opt(c, "timeout");
    long port = 3100, timeout = 30;
    if (!host)
        host = "127.0.0.1";
    if (port_s && !parse_range(port_s, 1, 65535, &port))
        return cli_usage(c, "--port must be from 1 to 65535, not '%s'",
                         port_s);
    if (timeout_arg && !parse_range(timeout_arg, 1, 3600, &timeout))
        return cli_usage(c,
                         "--timeout must be from 1 to 3600 seconds, not '%s'",
                         timeout_arg);
    bool created;
    int ret = crm_workspace_init(c->workspace, true, &created, &c->err);
    if (ret < 0)
        return cli_fail(c, ret);
    struct buf token = BUF_INIT;
    if ((ret = read_token(c->workspace, &token, &c->err)) < 0) {
        buf_release(&token);
        return cli_fail(c, ret);
    }

    /* Block the stop signals in every thread; this one waits for them. */
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGINT);
    sigaddset(&stop, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop, NULL);

    struct http_opts o = {
        .host = host,
        .port = (int)port,
        .workspace = c->workspace,
        .token = token.buf,
        .version = KITH_VERSION,
        .quiet = cli_flag(c, "quiet"),
        .timeout_s = (int)timeout,
    };
    struct http_server *s;
    db_set_page_cache_kib(SERVE_PAGE_CACHE_KIB);
    if ((ret = http_start(&o, &s, &c->err)) < 0) {
        buf_release(&token);
        return cli_fail(c, ret);
    }
    bool v6 = strchr(host, ':') != NULL;
    printf("kith: serving http://%s%s%s:%ld/login#token=%s\n", v6 ? "[" : "",
           host, v6 ? "]" : "", port, token.buf);
    fflush(stdout);

    int sig = 0;
    sigwait(&stop, &sig);
    if (!o.quiet)
        fprintf(stderr, "kith: stopping (%s)\n",
                sig == SIGINT ? "SIGINT" : "SIGTERM");
    http_stop(s);
    buf_release(&token);
    return CLI_OK;
}
