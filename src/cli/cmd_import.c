/*
 * cmd_import: kith import OBJECT FILE.csv|- and kith export OBJECT, thin
 * front ends over crm_import and crm_export.
 *
 * import reads the file (or stdin for "-") through a read callback, shows
 * a progress bar on stderr when it is a terminal (the file size as total
 * when known), and prints a summary with the change group to undo, or the
 * bad rows ("line 14: email: 'x@' is not an email address"). export
 * writes CSV to stdout.
 */
#include "cli/cli.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

struct import_src {
    FILE *f;
    const char *name;
};

static int read_file(void *ctx, char *buf, size_t cap, size_t *got,
                     struct kith_err *err)
{
    struct import_src *src = ctx;
    *got = fread(buf, 1, cap, src->f);
    if (*got == 0 && ferror(src->f))
        return kith_errf(err, KITH_EIO, "cannot read %s: %s", src->name,
                         strerror(errno));
    return KITH_OK;
}

static void on_progress(void *ctx, size_t rows, size_t bytes)
{
    progress_update(ctx, rows, bytes);
}

static void print_bad_rows(FILE *out, const struct crm_import_report *rep)
{
    for (size_t i = 0; i < rep->nbad; i++)
        fprintf(out, "  line %zu: %s\n", rep->bad[i].line, rep->bad[i].msg);
    if (rep->invalid > rep->nbad)
        fprintf(out, "  ... and %zu more\n", rep->invalid - rep->nbad);
}

static void print_summary(const struct crm_object *o,
                          const struct crm_import_report *rep)
{
    printf("Imported %zu %s: %zu created, %zu updated", rep->created +
           rep->updated + rep->unchanged, o->slug, rep->created, rep->updated);
    if (rep->unchanged)
        printf(", %zu unchanged", rep->unchanged);
    if (rep->targets)
        printf(", %zu related entries created", rep->targets);
    if (rep->group)
        printf(" (change group %lld; undo with: kith undo %lld --group)",
               (long long)rep->group, (long long)rep->group);
    putchar('\n');
    if (rep->invalid) {
        printf("Skipped %zu invalid row%s:\n", rep->invalid,
               rep->invalid == 1 ? "" : "s");
        print_bad_rows(stdout, rep);
    }
}

/* Open the file named path ("-" for stdin); *size 0 when unknown. */
static int open_input(struct cli *c, const char *path, struct import_src *src,
                      size_t *size)
{
    struct stat st;
    src->name = strcmp(path, "-") ? path : "standard input";
    src->f = strcmp(path, "-") ? fopen(path, "rb") : stdin;
    if (!src->f)
        return kith_errf(&c->err, KITH_EIO, "cannot open %s: %s", path,
                         strerror(errno));
    *size = fstat(fileno(src->f), &st) == 0 && S_ISREG(st.st_mode)
                ? (size_t)st.st_size
                : 0;
    return KITH_OK;
}

int cmd_import(struct cli *c)
{
    const struct crm_object *o;
    struct crm_import_opts opts = {
        .map = cli_opt(c, "map"),
        .skip_invalid = cli_flag(c, "skip-invalid"),
        .upsert = cli_opt(c, "upsert"),
        .create_missing = cli_flag(c, "create-missing"),
    };
    struct crm_import_report rep;
    struct import_src src = { 0 };
    struct progress bar;
    size_t size = 0;
    int ret = crm_object_get(c->crm, c->argv[0], &o, &c->err);
    if (ret < 0 || (ret = open_input(c, c->argv[1], &src, &size)) < 0)
        return cli_fail(c, ret);
    progress_start(&bar, "Importing", size);
    ret = crm_import(c->crm, o->slug, &opts, read_file, &src, on_progress,
                     &bar, &rep, &c->err);
    progress_end(&bar);
    if (src.f != stdin)
        fclose(src.f);
    if (ret < 0) {
        cli_fail(c, ret);
        print_bad_rows(stderr, &rep);
        if (rep.invalid && rep.rows > rep.invalid)
            fprintf(stderr, "Fix them, or add --skip-invalid to import the "
                            "other %zu row%s.\n",
                    rep.rows - rep.invalid,
                    rep.rows - rep.invalid == 1 ? "" : "s");
        crm_import_report_release(&rep);
        return ret == KITH_EUSAGE ? CLI_USAGE : CLI_FAIL;
    }
    if (c->json) {
        struct jv *j = crm_import_report_json(&rep);
        jv_set_take(j, "object", jv_string(o->slug));
        cli_print_json(j);
        jv_free(j);
    } else {
        print_summary(o, &rep);
    }
    crm_import_report_release(&rep);
    return CLI_OK;
}

static int write_stdout(void *ctx, const char *data, size_t n,
                        struct kith_err *err)
{
    (void)ctx;
    if (n && fwrite(data, 1, n, stdout) != n)
        return kith_errf(err, KITH_EIO, "cannot write the CSV: %s",
                         strerror(errno));
    return KITH_OK;
}

int cmd_export(struct cli *c)
{
    const struct crm_object *o;
    int ret = crm_object_get(c->crm, c->argv[0], &o, &c->err);
    if (ret < 0 || (ret = crm_export(c->crm, o->slug, cli_opt(c, "where"),
                                     write_stdout, NULL, &c->err)) < 0)
        return cli_fail(c, ret);
    if (fflush(stdout) != 0) {
        kith_errf(&c->err, KITH_EIO, "cannot write the CSV: %s",
                  strerror(errno));
        return cli_fail(c, KITH_EIO);
    }
    return CLI_OK;
}
