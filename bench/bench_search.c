/*
 * bench_search: how fast crm_search answers on a big workspace.
 *
 *   bench-search --db PATH [--runs N] [--sql FILE]
 *
 * PATH is a kith database already filled by bench-insert (its people have
 * generated names: 32 first names x 29 last names, so on 1M people a full
 * name matches about a thousand entries and one word tens of thousands).
 * The program takes query words from the people there (ids spread evenly,
 * so runs are repeatable), then times crm_search, limit 50 (the default),
 * for three kinds of query: a full name ("José Müller"), one word of a
 * name ("Müller"), and a three-letter prefix ("mül"). It prints a summary
 * and, last, one JSON line with every number.
 *
 * With --sql FILE it also writes the SQL that crm_search runs for the
 * first full name, with .timer on, so that the same query can be typed
 * into (or piped to) the sqlite3 shell for comparison: bench/run does so.
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/buf.h"
#include "base/json.h"
#include "crm/crm.h"
#include "db/db.h"

#define NAMES 64 /* distinct names cycled through */
#define KINDS 3

struct stats {
    const char *kind;
    double mean_ms, p50_ms, p99_ms, max_ms;
    double mean_total; /* matches per query */
};

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* Fill names[NAMES] with full names of people spread over the table. */
static int load_names(struct crm *crm, char **names, struct kith_err *err)
{
    struct db_stmt *st = NULL;
    int64_t n = 0;
    int ret = crm_count(crm, crm_object_find(crm, "people"), &n, err);
    if (ret < 0)
        return ret;
    if (n < NAMES)
        return kith_errf(err, KITH_EINVAL,
                         "the database has %lld people; fill it with "
                         "bench-insert first",
                         (long long)n);
    if ((ret = db_prepare(crm_db(crm), "SELECT name FROM people WHERE id >= ?1 "
                                       "ORDER BY id LIMIT 1",
                          &st, err)) < 0)
        return ret;
    for (int i = 0; i < NAMES && ret >= 0; i++) {
        db_reset(st);
        db_bind_int(st, 1, 1 + (n / NAMES) * i + i % 7);
        if ((ret = db_step(st, err)) == DB_ROW)
            names[i] = strdup(db_col_text(st, 0));
        else if (ret == DB_DONE)
            ret = kith_errf(err, KITH_ENOTFOUND, "people ids have gaps");
    }
    db_finalize(st);
    return ret < 0 ? ret : KITH_OK;
}

/* The query of kind k for a full name: itself, its last word, or the
 * first three characters of that word. */
static void query_of(int k, const char *name, struct buf *q)
{
    buf_reset(q);
    const char *last = strrchr(name, ' ');
    last = last ? last + 1 : name;
    if (k == 0) {
        buf_appends(q, name);
    } else if (k == 1) {
        buf_appends(q, last);
    } else {
        const char *p = last;
        for (int cps = 0; *p && cps < 3; cps++)
            do
                p++;
            while ((*p & 0xC0) == 0x80);
        buf_append(q, last, (size_t)(p - last));
    }
}

static int run_kind(struct crm *crm, int k, char **names, int runs,
                    struct stats *s, struct kith_err *err)
{
    static const char *const kinds[KINDS] = { "full name", "last name",
                                              "3-letter prefix" };
    double *ms = calloc((size_t)runs, sizeof(double)), sum = 0, hits = 0;
    struct buf q = BUF_INIT;
    int ret = KITH_OK;
    for (int i = 0; i < runs && ret == KITH_OK; i++) {
        struct jv *res = NULL;
        query_of(k, names[i % NAMES], &q);
        double t0 = now_s();
        ret = crm_search(crm, q.buf, 0, &res, err);
        ms[i] = (now_s() - t0) * 1000.0;
        sum += ms[i];
        hits += (double)jv_int(jv_get(res, "total"));
        jv_free(res);
    }
    if (ret == KITH_OK) {
        qsort(ms, (size_t)runs, sizeof(double), cmp_double);
        s->kind = kinds[k];
        s->mean_ms = sum / runs;
        s->p50_ms = ms[runs / 2];
        s->p99_ms = ms[(runs * 99) / 100];
        s->max_ms = ms[runs - 1];
        s->mean_total = hits / runs;
    }
    free(ms);
    buf_release(&q);
    return ret;
}

/* The SQL crm_search runs for text (two words), for the sqlite3 shell. */
static int write_sql(const char *path, const char *name)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return -1;
    struct buf m = BUF_INIT;
    const char *p = name;
    while (*p) {
        const char *end = strchr(p, ' ');
        size_t n = end ? (size_t)(end - p) : strlen(p);
        buf_appendf(&m, "%s(\"%.*s\" OR \"%.*s\"*)", m.len ? " AND " : "",
                    (int)n, p, (int)n, p);
        p += n + (end != NULL);
    }
    fprintf(f, ".timer on\n"
               "SELECT count(*) FROM kith_search WHERE kith_search "
               "MATCH '%s';\n"
               "SELECT rowid, label, snippet(kith_search, -1, '[', ']', "
               "'…', 12), rank FROM kith_search WHERE kith_search MATCH "
               "'%s' AND rank MATCH 'bm25(10.0, 1.0)' ORDER BY rank "
               "LIMIT 50;\n",
            m.buf, m.buf);
    buf_release(&m);
    return fclose(f);
}

int main(int argc, char **argv)
{
    const char *db = NULL, *sql = NULL;
    int runs = 200;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (!strcmp(argv[i], "--db"))
            db = argv[i + 1];
        else if (!strcmp(argv[i], "--runs"))
            runs = atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "--sql"))
            sql = argv[i + 1];
    }
    if (!db || runs < NAMES) {
        fprintf(stderr, "usage: bench-search --db PATH [--runs N (>= %d)] "
                        "[--sql FILE]\n",
                NAMES);
        return 2;
    }
    struct kith_err err = KITH_ERR_INIT;
    struct crm *crm = NULL;
    char *names[NAMES] = { 0 };
    struct stats s[KINDS];
    int ret = crm_open_db(db, &crm, &err);
    if (ret == KITH_OK)
        ret = load_names(crm, names, &err);
    for (int k = 0; k < KINDS && ret == KITH_OK; k++)
        ret = run_kind(crm, k, names, runs, &s[k], &err);
    if (ret == KITH_OK && sql && write_sql(sql, names[0]) < 0) {
        fprintf(stderr, "bench-search: cannot write %s\n", sql);
        ret = KITH_EIO;
    }
    if (ret < 0 && err.msg[0])
        fprintf(stderr, "bench-search: %s\n", err.msg);
    if (ret == KITH_OK) {
        printf("search, limit 50, %d runs per kind (e.g. '%s'):\n", runs,
               names[0]);
        for (int k = 0; k < KINDS; k++)
            printf("  %-16s mean %7.2f ms  p50 %7.2f  p99 %7.2f  max "
                   "%7.2f  (%.0f matches)\n",
                   s[k].kind, s[k].mean_ms, s[k].p50_ms, s[k].p99_ms,
                   s[k].max_ms, s[k].mean_total);
        printf("{\"runs\": %d", runs);
        for (int k = 0; k < KINDS; k++)
            printf(", \"%s\": {\"mean_ms\": %.3f, \"p50_ms\": %.3f, "
                   "\"p99_ms\": %.3f, \"max_ms\": %.3f, \"matches\": %.0f}",
                   s[k].kind, s[k].mean_ms, s[k].p50_ms, s[k].p99_ms,
                   s[k].max_ms, s[k].mean_total);
        printf("}\n");
    }
    for (int i = 0; i < NAMES; i++)
        free(names[i]);
    crm_close(crm);
    return ret < 0 ? 1 : 0;
}
