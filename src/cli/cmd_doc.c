/*
 * cmd_doc: an entry's markdown document. kith doc OBJECT ID prints it
 * exactly as stored (nothing, and exit 0, when the entry has none);
 * --set FILE (or --set - for stdin) replaces it, and an empty file removes
 * it. --json prints {"object", "id", "markdown": text or null}. A thin
 * front end over crm_doc_get / crm_doc_set.
 */
#include "cli/cli.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"

/* Read all of path ("-" for stdin) into b, capped at CRM_DOC_MAX bytes. */
static int read_doc(struct cli *c, const char *path, struct buf *b)
{
    bool is_stdin = !strcmp(path, "-");
    const char *name = is_stdin ? "stdin" : path;
    FILE *f = is_stdin ? stdin : fopen(path, "rb");
    if (!f)
        return kith_errf(&c->err, KITH_EIO, "cannot open %s: %s", name,
                         strerror(errno));
    char chunk[16384];
    size_t n;
    int ret = KITH_OK;
    while (ret == KITH_OK && (n = fread(chunk, 1, sizeof(chunk), f)) > 0)
        if (buf_append(b, chunk, n) < 0)
            ret = kith_errf(&c->err, KITH_ETOOBIG,
                            "%s: a document holds at most %d bytes", name,
                            CRM_DOC_MAX);
    if (ret == KITH_OK && ferror(f))
        ret = kith_errf(&c->err, KITH_EIO, "cannot read %s: %s", name,
                        strerror(errno));
    if (ret == KITH_OK && memchr(b->buf, '\0', b->len))
        ret = kith_errf(&c->err, KITH_EINVAL,
                        "%s: a document is text and cannot hold NUL bytes",
                        name);
    if (!is_stdin)
        fclose(f);
    return ret;
}

static void print_json(const struct crm_object *o, int64_t id,
                       const char *markdown)
{
    struct jv *j = jv_object();
    jv_set_take(j, "object", jv_string(o->slug));
    jv_set_take(j, "id", jv_integer(id));
    jv_set_take(j, "markdown", markdown ? jv_string(markdown) : jv_null());
    cli_print_json(j);
    jv_free(j);
}

int cmd_doc(struct cli *c)
{
    const struct crm_object *o;
    const char *set = cli_opt(c, "set");
    struct buf b;
    char *markdown = NULL;
    int64_t id;
    int ret = cli_parse_id(c, c->argv[1], "ID", &id);
    if (ret != CLI_OK)
        return ret;
    if ((ret = crm_object_get(c->crm, c->argv[0], &o, &c->err)) < 0)
        return cli_fail(c, ret);
    buf_init(&b, CRM_DOC_MAX);
    if (set) {
        if ((ret = read_doc(c, set, &b)) < 0 ||
            (ret = crm_doc_set(c->crm, CRM_ACTOR_USER, o->slug, id, b.buf,
                               &c->err)) < 0)
            goto out;
        if (c->json)
            print_json(o, id, b.len ? b.buf : NULL);
        else if (b.len)
            printf("Saved the document of %s #%lld (%zu bytes)\n", o->slug,
                   (long long)id, b.len);
        else
            printf("Removed the document of %s #%lld\n", o->slug,
                   (long long)id);
        goto out;
    }
    if ((ret = crm_doc_get(c->crm, o->slug, id, &markdown, &c->err)) < 0)
        goto out;
    if (c->json)
        print_json(o, id, markdown);
    else if (markdown)
        fputs(markdown, stdout);
out:
    free(markdown);
    buf_release(&b);
    return ret < 0 ? cli_fail(c, ret) : CLI_OK;
}
