/*
 * bench_query: how fast crm_list answers a filtered, sorted page, next to
 * SQLite running the same query on its own.
 *
 *   bench-query --db PATH [--where EXPR] [--sort S] [--limit N] [--runs R]
 *
 * PATH is a workspace database with people in it (bench-insert makes one:
 * bench-insert --db PATH --n 1000000). The default query is DESIGN's
 * example list: --where 'status = Lead' --sort -updated_at --limit 50.
 * Measured, each R times after one warm-up:
 *   - crm_list without the total (count=false, as the API can ask);
 *   - crm_list with the total (what kith ls prints: "50 of N");
 *   - crm_list of the second page, through its keyset cursor;
 *   - the equivalent plain SQL through SQLite alone (prepare, step every
 *     row, read every column), the floor kith's own work sits on;
 *   - crm_list_json of the first page (the text the HTTP API sends) and
 *     crm_get_json of GET_RUNS random ids: what the two routes of
 *     bench/http.sh do in the process, for its ratio.
 * It prints SQLite's query plan, a summary, the plain SQL (for the sqlite3
 * shell, which bench/run times too) and, last, one JSON line.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/buf.h"
#include "base/json.h"
#include "crm/crm.h"
#include "db/db.h"

#define DEFAULT_RUNS 200
#define GET_RUNS 10000

struct opts {
    const char *db, *where, *sort;
    int64_t limit, runs;
};

struct timing {
    double mean_ms, p50_ms, p99_ms;
    double cpu_us; /* this thread's CPU time per run (where measured) */
};

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* This thread's CPU time (user and system), in microseconds. */
static double thread_cpu_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static struct timing summarise(double *lat, int64_t n)
{
    struct timing t = { 0 };
    for (int64_t i = 0; i < n; i++)
        t.mean_ms += lat[i] / (double)n;
    qsort(lat, (size_t)n, sizeof(*lat), cmp_double);
    t.p50_ms = lat[n / 2];
    t.p99_ms = lat[n * 99 / 100];
    return t;
}

/* Time crm_list_json with q (the text the HTTP API sends), o->runs times. */
static int time_list_text(struct crm *crm, const struct opts *o,
                          const struct crm_query *q, struct timing *t)
{
    struct kith_err err = KITH_ERR_INIT;
    struct buf out = BUF_INIT;
    double *lat = calloc((size_t)o->runs, sizeof(double));
    int ret = crm_list_json(crm, "people", q, &out, &err); /* warm-up */
    double cpu0 = thread_cpu_us();
    for (int64_t i = 0; ret == KITH_OK && i < o->runs; i++) {
        buf_reset(&out);
        double t0 = now_ms();
        ret = crm_list_json(crm, "people", q, &out, &err);
        lat[i] = now_ms() - t0;
    }
    double cpu = (thread_cpu_us() - cpu0) / (double)o->runs;
    if (ret < 0)
        fprintf(stderr, "bench-query: %s\n", err.msg);
    else {
        *t = summarise(lat, o->runs);
        t->cpu_us = cpu;
    }
    buf_release(&out);
    free(lat);
    return ret;
}

/* Time crm_list with q, o->runs times; *first gets the first answer. */
static int time_list(struct crm *crm, const struct opts *o,
                     const struct crm_query *q, struct timing *t,
                     struct jv **first)
{
    struct kith_err err = KITH_ERR_INIT;
    double *lat = calloc((size_t)o->runs, sizeof(double));
    struct jv *list = NULL;
    int ret = crm_list(crm, "people", q, &list, &err); /* warm-up */
    for (int64_t i = 0; ret == KITH_OK && i < o->runs; i++) {
        jv_free(list);
        double t0 = now_ms();
        ret = crm_list(crm, "people", q, &list, &err);
        lat[i] = now_ms() - t0;
    }
    if (ret < 0)
        fprintf(stderr, "bench-query: %s\n", err.msg);
    else
        *t = summarise(lat, o->runs);
    if (first)
        *first = list;
    else
        jv_free(list);
    free(lat);
    return ret;
}

/* Time the plain SQL through SQLite alone: every row, every column. */
static int time_sql(struct crm *crm, const struct opts *o, const char *sql,
                    struct timing *t)
{
    struct kith_err err = KITH_ERR_INIT;
    struct db_stmt *st = NULL;
    double *lat = calloc((size_t)o->runs, sizeof(double));
    int ret = db_prepare(crm_db(crm), sql, &st, &err);
    for (int64_t i = -1; ret >= 0 && i < o->runs; i++) {
        double t0 = now_ms();
        db_reset(st);
        size_t bytes = 0;
        while ((ret = db_step(st, &err)) == DB_ROW)
            for (int c = 0; c < db_col_count(st); c++)
                bytes += db_col_text(st, c) ? db_col_bytes(st, c) : 0;
        if (i >= 0)
            lat[i] = now_ms() - t0;
    }
    db_finalize(st);
    if (ret < 0)
        fprintf(stderr, "bench-query: %s\n", err.msg);
    else
        *t = summarise(lat, o->runs);
    free(lat);
    return ret < 0 ? ret : KITH_OK;
}

/* Time crm_get_json (the text GET /api/.../entries/{id} sends) of
   GET_RUNS ids spread over the people (a fixed-seed xorshift, so every run
   asks for the same ids), after as many others to warm the cache up. */
static int time_get(struct crm *crm, struct timing *t)
{
    struct kith_err err = KITH_ERR_INIT;
    const struct crm_object *o;
    int64_t n = 0;
    int ret = crm_object_get(crm, "people", &o, &err);
    if (ret == KITH_OK)
        ret = crm_count(crm, o, &n, &err);
    if (ret == KITH_OK && n == 0)
        ret = kith_errf(&err, KITH_ENOTFOUND, "there are no people to get");
    double *lat = calloc(GET_RUNS, sizeof(double));
    uint32_t x = 0x6b697468u;
    struct buf e = BUF_INIT;
    double cpu0 = 0;
    /* The first GET_RUNS warm the page cache up and are not counted. */
    for (int64_t i = -GET_RUNS; ret == KITH_OK && i < GET_RUNS; i++) {
        x ^= x << 13, x ^= x >> 17, x ^= x << 5;
        buf_reset(&e);
        if (i == 0)
            cpu0 = thread_cpu_us();
        double t0 = now_ms();
        ret = crm_get_json(crm, "people", 1 + (int64_t)(x % (uint32_t)n),
                           &e, &err);
        if (i >= 0)
            lat[i] = now_ms() - t0;
    }
    double cpu = (thread_cpu_us() - cpu0) / GET_RUNS;
    buf_release(&e);
    if (ret < 0)
        fprintf(stderr, "bench-query: crm_get: %s\n", err.msg);
    else {
        *t = summarise(lat, GET_RUNS);
        t->cpu_us = cpu;
    }
    free(lat);
    return ret;
}

static void print_plan(struct crm *crm, const char *sql)
{
    struct buf q = BUF_INIT;
    struct db_stmt *st = NULL;
    buf_appendf(&q, "EXPLAIN QUERY PLAN %s", sql);
    if (db_prepare(crm_db(crm), q.buf, &st, NULL) == KITH_OK)
        while (db_step(st, NULL) == DB_ROW)
            printf("  plan: %s\n", db_col_text(st, 3));
    db_finalize(st);
    buf_release(&q);
}

static int parse_args(int argc, char **argv, struct opts *o)
{
    *o = (struct opts){ NULL, "status = Lead", "-updated_at", 50,
                        DEFAULT_RUNS };
    for (int i = 1; i + 1 < argc; i += 2) {
        if (!strcmp(argv[i], "--db"))
            o->db = argv[i + 1];
        else if (!strcmp(argv[i], "--where"))
            o->where = argv[i + 1];
        else if (!strcmp(argv[i], "--sort"))
            o->sort = argv[i + 1];
        else if (!strcmp(argv[i], "--limit"))
            o->limit = atoll(argv[i + 1]);
        else if (!strcmp(argv[i], "--runs"))
            o->runs = atoll(argv[i + 1]);
        else
            return -1;
    }
    return o->db && o->limit > 0 && o->runs > 0 && argc % 2 == 1 ? 0 : -1;
}

int main(int argc, char **argv)
{
    struct opts o;
    struct crm *crm = NULL;
    struct kith_err err = KITH_ERR_INIT;
    struct timing nocount = { 0 }, counted = { 0 }, page2 = { 0 }, raw = { 0 },
                  get = { 0 }, text = { 0 };
    struct jv *first = NULL;
    if (parse_args(argc, argv, &o) < 0 || !o.db) {
        fprintf(stderr, "usage: bench-query --db PATH [--where EXPR] "
                        "[--sort S] [--limit N] [--runs R]\n");
        return 2;
    }
    if (crm_open_db(o.db, &crm, &err) < 0) {
        fprintf(stderr, "bench-query: %s\n", err.msg);
        return 1;
    }
    /* The plain SQL a person would type for the default query. */
    char sql[256];
    snprintf(sql, sizeof(sql),
             "SELECT * FROM people WHERE status = 'Lead' ORDER BY "
             "updated_at DESC LIMIT %lld",
             (long long)o.limit);
    struct crm_query q = { .where = o.where, .sort = o.sort,
                           .limit = o.limit, .no_count = true };
    int ret = time_list(crm, &o, &q, &nocount, &first);
    int64_t total = 0;
    if (ret == KITH_OK) {
        struct jv *with_total = NULL;
        q.no_count = false;
        ret = time_list(crm, &o, &q, &counted, &with_total);
        total = jv_int(jv_get(with_total, "total"));
        jv_free(with_total);
    }
    if (ret == KITH_OK) {
        q.no_count = true;
        q.cursor = jv_str(jv_get(first, "next_cursor"));
        ret = time_list(crm, &o, &q, &page2, NULL);
    }
    if (ret == KITH_OK)
        ret = time_sql(crm, &o, sql, &raw);
    if (ret == KITH_OK) {
        q.cursor = NULL;
        ret = time_list_text(crm, &o, &q, &text);
    }
    if (ret == KITH_OK)
        ret = time_get(crm, &get);
    if (ret < 0) {
        jv_free(first);
        crm_close(crm);
        return 1;
    }
    printf("query: ls people --where '%s' --sort %s --limit %lld "
           "(%lld matches), %lld runs each\n",
           o.where, o.sort, (long long)o.limit, (long long)total,
           (long long)o.runs);
    print_plan(crm, sql);
    printf("  crm_list, no total:   mean %.3f ms  p50 %.3f  p99 %.3f\n",
           nocount.mean_ms, nocount.p50_ms, nocount.p99_ms);
    printf("  crm_list, with total: mean %.3f ms  p50 %.3f  p99 %.3f\n",
           counted.mean_ms, counted.p50_ms, counted.p99_ms);
    printf("  crm_list, page 2:     mean %.3f ms  p50 %.3f  p99 %.3f\n",
           page2.mean_ms, page2.p50_ms, page2.p99_ms);
    printf("  plain SQL in SQLite:  mean %.3f ms  p50 %.3f  p99 %.3f\n",
           raw.mean_ms, raw.p50_ms, raw.p99_ms);
    printf("  crm_list_json, no total (text): mean %.3f ms  p50 %.3f  "
           "p99 %.3f  CPU %.0f us\n",
           text.mean_ms, text.p50_ms, text.p99_ms, text.cpu_us);
    printf("  crm_get_json, %d random ids: mean %.4f ms  p50 %.4f  "
           "p99 %.4f  CPU %.1f us\n",
           GET_RUNS, get.mean_ms, get.p50_ms, get.p99_ms, get.cpu_us);
    printf("  ratio crm_list (no total) / plain SQL: %.2f\n",
           nocount.p50_ms / raw.p50_ms);
    printf("sql: %s;\n", sql);
    printf("{\"bench\":\"query\",\"where\":");
    struct buf j = BUF_INIT;
    json_quote(&j, o.where, strlen(o.where));
    printf("%s,\"matches\":%lld,\"runs\":%lld,\"list_p50_ms\":%.4f,"
           "\"list_total_p50_ms\":%.4f,\"page2_p50_ms\":%.4f,"
           "\"sql_p50_ms\":%.4f,\"ratio\":%.3f,\"list_json_mean_ms\":%.4f,"
           "\"get_p50_ms\":%.4f,\"get_mean_ms\":%.4f,"
           "\"list_json_cpu_us\":%.1f,\"get_cpu_us\":%.2f}\n",
           j.buf, (long long)total, (long long)o.runs, nocount.p50_ms,
           counted.p50_ms, page2.p50_ms, raw.p50_ms,
           nocount.p50_ms / raw.p50_ms, text.mean_ms, get.p50_ms,
           get.mean_ms, text.cpu_us, get.cpu_us);
    buf_release(&j);
    jv_free(first);
    crm_close(crm);
    return 0;
}
