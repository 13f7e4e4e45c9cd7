/*
 * fuzz_filter: libFuzzer target for the filter language (crm/filter.c)
 * and the keyset cursor decoder (crm/query.c).
 *
 * The first byte picks one of the default objects (people, companies,
 * deals, tasks, on an in-memory workspace made once); the rest is the
 * filter expression. Properties checked besides "no crash, no leak":
 *   - a refusal says where ("filter at column N: ..." or "filter is ...");
 *   - an accepted filter compiles to SQL that SQLite prepares and runs
 *     with its parameters bound, so the compiler never writes bad SQL;
 *   - the same bytes as a cursor are refused cleanly or decoded.
 */
#include <stdlib.h>
#include <string.h>

#include "crm/crm_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct crm *fuzz_crm(void)
{
    static struct crm *crm;
    if (!crm) {
        setenv("KITH_NOW", "2026-11-26T09:00:00.000Z", 1);
        if (crm_open_db(":memory:", &crm, NULL) < 0 ||
            crm_seed_defaults(crm, NULL) < 0)
            abort();
    }
    return crm;
}

static void run_sql(struct crm *crm, const struct crm_object *o,
                    const struct filter *f)
{
    struct buf sql = BUF_INIT;
    struct db_stmt *st = NULL;
    struct kith_err err = KITH_ERR_INIT;
    buf_appendf(&sql, "%s WHERE %s LIMIT 1", o->select_sql, f->sql.buf);
    if (db_prepare(crm_db(crm), sql.buf, &st, &err) < 0)
        abort(); /* the compiler wrote SQL that SQLite refuses */
    if (filter_bind(f, st, 1) < 0 || db_step(st, &err) < 0)
        abort();
    db_finalize(st);
    buf_release(&sql);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    struct crm *crm = fuzz_crm();
    const struct crm_object *o = crm_object_at(crm, data[0] % 4);
    char *expr = malloc(size);
    memcpy(expr, data + 1, size - 1);
    expr[size - 1] = '\0';

    struct filter f;
    struct kith_err err = KITH_ERR_INIT;
    filter_init(&f);
    if (filter_compile(crm, o, expr, &f, &err) == KITH_OK) {
        if (f.sql.len)
            run_sql(crm, o, &f);
    } else if (strncmp(err.msg, "filter ", 7) != 0) {
        abort(); /* a refusal must say it is the filter, and where */
    }
    filter_release(&f);

    struct query_sort qs;
    if (query_sort_parse(o, "-updated_at,name", &qs, NULL) == KITH_OK) {
        struct filter after;
        filter_init(&after);
        if (query_cursor_decode(&qs, expr, NULL) == KITH_OK)
            query_after_sql(&qs, &after);
        filter_release(&after);
    }
    query_sort_release(&qs);
    free(expr);
    return 0;
}
