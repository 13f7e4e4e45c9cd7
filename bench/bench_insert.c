/*
 * bench_insert: how fast kith writes and reads entries through its one
 * write path (crm_create: validation, the row, the change log).
 *
 *   bench-insert --db PATH --n N [--batch B] [--quiet]
 *
 * Opens or creates PATH, seeds the default objects when there are none, and
 * inserts N people in one transaction (or one per B rows with --batch),
 * from a deterministic generator: a fixed-seed xorshift PRNG picking from
 * name tables, unique emails first.last.<i>@example.com (i counts on from
 * the people already there). Then it measures crm_get of random ids and
 * crm_list sorted by -updated_at, prints a human summary and, last, one
 * JSON line with every number.
 *
 * The crash test (tests/crash/crash_test.sh) kills it mid-run: with --quiet
 * it prints only "started" once the transaction is open, "committed K" right
 * after each crm_commit returns (flushed, so a reader of the pipe knows the
 * rows are durable), and the JSON line.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "base/buf.h"
#include "base/json.h"
#include "crm/crm.h"
#include "db/db.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))
#define SEED 0x6b697468u /* "kith" */
#define GET_RUNS 10000
#define LIST_RUNS 1000
#define LIST_BUDGET_S 30.0 /* stop the list runs early past this */
#define LIST_LIMIT 50

struct opts {
    const char *db;
    int64_t n;
    int64_t offset; /* people already there: numbers emails after them */
    int64_t batch; /* 0: one transaction for all */
    bool quiet;
};

struct results {
    int64_t first_id, last_id;
    double insert_s, insert_cpu_s; /* wall clock, and this process's CPU */
    double get_s, get_p50_us, get_p99_us;
    int64_t get_runs;
    double list_s;
    int64_t list_runs, total;
    char sqlite_version[32];
};

/* ---- the data generator ---- */

struct gen {
    uint32_t seed;
};

static uint32_t gen_next(struct gen *g)
{
    uint32_t x = g->seed;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    return g->seed = x;
}

/* A number in [0, n). */
static size_t gen_pick(struct gen *g, size_t n)
{
    return gen_next(g) % (uint32_t)n;
}

struct name {
    const char *name;  /* as shown */
    const char *ascii; /* for emails and URLs */
};

static const struct name firsts[] = {
    { "James", "james" },   { "Maria", "maria" },   { "José", "jose" },
    { "Zoë", "zoe" },       { "Łukasz", "lukasz" }, { "Søren", "soren" },
    { "Priya", "priya" },   { "Wei", "wei" },       { "Fatima", "fatima" },
    { "Liam", "liam" },     { "Chloé", "chloe" },   { "Kenji", "kenji" },
    { "Olivia", "olivia" }, { "Mateo", "mateo" },   { "Amara", "amara" },
    { "Noah", "noah" },     { "Ingrid", "ingrid" }, { "Rahul", "rahul" },
    { "Sofia", "sofia" },   { "Daniel", "daniel" }, { "Emma", "emma" },
    { "Lucas", "lucas" },   { "Aisha", "aisha" },   { "Hiroshi", "hiroshi" },
    { "Grace", "grace" },   { "Omar", "omar" },     { "Elena", "elena" },
    { "Mohammed", "mohammed" }, { "Ana", "ana" },   { "Ben", "ben" },
    { "Yuki", "yuki" },     { "Chidi", "chidi" },
};

static const struct name lasts[] = {
    { "Smith", "smith" },     { "García", "garcia" },   { "Müller", "muller" },
    { "Nguyen", "nguyen" },   { "Kowalski", "kowalski" },
    { "Jensen", "jensen" },   { "Patel", "patel" },     { "Chen", "chen" },
    { "O'Brien", "obrien" },  { "Rossi", "rossi" },     { "Dubois", "dubois" },
    { "Tanaka", "tanaka" },   { "Johnson", "johnson" }, { "Silva", "silva" },
    { "Okafor", "okafor" },   { "Brown", "brown" },     { "Larsen", "larsen" },
    { "Shah", "shah" },       { "Novak", "novak" },     { "Kim", "kim" },
    { "Fischer", "fischer" }, { "Andersson", "andersson" },
    { "Haddad", "haddad" },   { "Ivanova", "ivanova" }, { "Lopez", "lopez" },
    { "Murphy", "murphy" },   { "Sato", "sato" },       { "Wright", "wright" },
    { "Ferreira", "ferreira" },
};

static const char *const titles[] = {
    "CEO", "CTO", "CFO", "VP Sales", "Head of Marketing",
    "Account Executive", "Product Manager", "Software Engineer",
    "Operations Manager", "Procurement Lead", "Customer Success Manager",
    "Office Manager",
};

/* Weighted toward the early stages, as a real pipeline is. */
static const char *const statuses[] = {
    "Lead", "Lead", "Lead", "Contacted", "Contacted", "Qualified",
    "Customer", "Customer", "Churned",
};

static const char *const tag_opts[] = {
    "vip", "partner", "newsletter", "investor", "event", "referral",
};

static const int area_codes[] = { 415, 212, 646, 312, 617, 206, 512, 303 };

/* Day 0 is 2025-01-01; 2025, 2026 and 2027 are not leap years. */
static void date_of(int day, char out[40])
{
    static const int mdays[12] = { 31, 28, 31, 30, 31, 30,
                                   31, 31, 30, 31, 30, 31 };
    int y = 2025, m = 0;
    while (day >= mdays[m]) {
        day -= mdays[m];
        if (++m == 12) {
            m = 0;
            y++;
        }
    }
    snprintf(out, 40, "%04d-%02d-%02d", y, m + 1, day + 1);
}

static void set_str(struct jv *o, const char *key, const char *s)
{
    jv_set_take(o, key, jv_string(s));
}

/* The values of person number i (0-based); the caller frees them. */
static struct jv *gen_person(struct gen *g, int64_t i)
{
    const struct name *f = &firsts[gen_pick(g, NELEM(firsts))];
    const struct name *l = &lasts[gen_pick(g, NELEM(lasts))];
    struct jv *o = jv_object();
    char s[160];

    snprintf(s, sizeof(s), "%s %s", f->name, l->name);
    set_str(o, "name", s);
    snprintf(s, sizeof(s), "%s.%s.%" PRId64 "@example.com", f->ascii,
             l->ascii, i);
    set_str(o, "email", s);
    if (gen_pick(g, 5)) {
        snprintf(s, sizeof(s), "+1 %d 555 %04u",
                 area_codes[gen_pick(g, NELEM(area_codes))],
                 (unsigned)gen_pick(g, 10000));
        set_str(o, "phone", s);
    }
    if (gen_pick(g, 6))
        set_str(o, "title", titles[gen_pick(g, NELEM(titles))]);
    set_str(o, "status", statuses[gen_pick(g, NELEM(statuses))]);
    struct jv *tags = jv_array();
    for (size_t t = 0; t < NELEM(tag_opts); t++)
        if (gen_pick(g, 7) == 0)
            jv_push_take(tags, jv_string(tag_opts[t]));
    if (jv_len(tags))
        jv_set_take(o, "tags", tags);
    else
        jv_free(tags);
    if (gen_pick(g, 3)) {
        snprintf(s, sizeof(s), "https://www.linkedin.com/in/%s-%s-%" PRId64,
                 f->ascii, l->ascii, i);
        set_str(o, "linkedin", s);
    }
    if (gen_pick(g, 4)) {
        char d[40];
        date_of((int)gen_pick(g, 3 * 365), d);
        set_str(o, "last_contacted", d);
    }
    return o;
}

/* ---- timing ---- */

static double clock_s(clockid_t id)
{
    struct timespec ts;
    clock_gettime(id, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double now_s(void)
{
    return clock_s(CLOCK_MONOTONIC);
}

/* CPU time of this process (user + system): steadier than the wall clock
 * on a shared machine. */
static double cpu_s(void)
{
    return clock_s(CLOCK_PROCESS_CPUTIME_ID);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* ---- the runs ---- */

static void say(const struct opts *o, const char *line)
{
    if (o->quiet) {
        fputs(line, stdout);
        fflush(stdout);
    }
}

static int insert_people(struct crm *crm, const struct opts *o,
                         struct results *r, struct kith_err *err)
{
    struct gen g = { SEED };
    char line[64];
    int ret = crm_begin(crm, err);
    if (ret < 0)
        return ret;
    say(o, "started\n");
    double t0 = now_s(), c0 = cpu_s();
    for (int64_t i = 0; i < o->n; i++) {
        struct jv *values = gen_person(&g, o->offset + i);
        int64_t id = 0;
        ret = crm_create(crm, CRM_ACTOR_IMPORT, "people", values, &id, err);
        jv_free(values);
        if (ret < 0)
            goto fail;
        if (i == 0)
            r->first_id = id;
        r->last_id = id;
        if (o->batch && (i + 1) % o->batch == 0 && i + 1 < o->n) {
            if ((ret = crm_commit(crm, err)) < 0)
                return ret; /* crm_commit rolled back */
            snprintf(line, sizeof(line), "committed %" PRId64 "\n", i + 1);
            say(o, line);
            if ((ret = crm_begin(crm, err)) < 0)
                return ret;
        }
    }
    if ((ret = crm_commit(crm, err)) < 0)
        return ret;
    r->insert_s = now_s() - t0;
    r->insert_cpu_s = cpu_s() - c0;
    snprintf(line, sizeof(line), "committed %" PRId64 "\n", o->n);
    say(o, line);
    return 0;
fail:
    crm_rollback(crm);
    return ret;
}

static int measure_get(struct crm *crm, struct results *r,
                       struct kith_err *err)
{
    struct gen g = { SEED ^ 0x9e3779b9u };
    size_t span = (size_t)(r->last_id - r->first_id + 1);
    double *lat = calloc(GET_RUNS, sizeof(*lat));
    int ret = 0;
    if (!lat)
        return kith_errf(err, KITH_EIO, "out of memory");
    double t0 = now_s();
    for (size_t i = 0; i < GET_RUNS; i++) {
        int64_t id = r->first_id + (int64_t)gen_pick(&g, span);
        struct jv *e = NULL;
        double t = now_s();
        ret = crm_get(crm, "people", id, &e, err);
        lat[i] = now_s() - t;
        jv_free(e);
        if (ret < 0)
            goto out;
    }
    r->get_s = now_s() - t0;
    r->get_runs = GET_RUNS;
    qsort(lat, GET_RUNS, sizeof(*lat), cmp_double);
    r->get_p50_us = lat[GET_RUNS / 2] * 1e6;
    r->get_p99_us = lat[GET_RUNS * 99 / 100] * 1e6;
out:
    free(lat);
    return ret;
}

static int measure_list(struct crm *crm, struct results *r,
                        struct kith_err *err)
{
    struct crm_query q = { .sort = "-updated_at", .limit = LIST_LIMIT };
    double t0 = now_s();
    for (int64_t i = 0; i < LIST_RUNS; i++) {
        struct jv *out = NULL;
        int ret = crm_list(crm, "people", &q, &out, err);
        if (ret == 0 && i == 0)
            r->total = jv_int(jv_get(out, "total"));
        if (ret == 0 && jv_len(jv_get(out, "entries")) == 0)
            ret = kith_errf(err, KITH_EDB, "list answered no entries");
        jv_free(out);
        if (ret < 0)
            return ret;
        r->list_runs = i + 1;
        if (now_s() - t0 > LIST_BUDGET_S)
            break;
    }
    r->list_s = now_s() - t0;
    return 0;
}

static void read_sqlite_version(struct crm *crm, struct results *r)
{
    struct db_stmt *st = NULL;
    snprintf(r->sqlite_version, sizeof(r->sqlite_version), "unknown");
    if (db_prepare(crm_db(crm), "SELECT sqlite_version()", &st, NULL) == 0 &&
        db_step(st, NULL) == DB_ROW && db_col_text(st, 0))
        snprintf(r->sqlite_version, sizeof(r->sqlite_version), "%s",
                 db_col_text(st, 0));
    db_finalize(st);
}

/* ---- output ---- */

static double per_s(double count, double secs)
{
    return secs > 0 ? count / secs : 0;
}

static int64_t file_size(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0 ? (int64_t)sb.st_size : 0;
}

static void print_summary(const struct opts *o, const struct results *r,
                          int64_t db_bytes)
{
    printf("kith bench-insert: %" PRId64 " people into %s (%s)\n", o->n,
           o->db, o->batch ? "one transaction per batch" : "one transaction");
    if (o->batch)
        printf("  batch                 %" PRId64 " rows per commit\n",
               o->batch);
    printf("  sqlite                %s\n", r->sqlite_version);
    printf("  bulk insert           %.3f s, %.0f entries/s (change log on); "
           "CPU %.3f s\n",
           r->insert_s, per_s((double)o->n, r->insert_s), r->insert_cpu_s);
    if (r->get_runs)
        printf("  get by id             %" PRId64 " random ids: mean %.1f us, "
               "p50 %.1f us, p99 %.1f us, %.0f ops/s\n",
               r->get_runs, r->get_s / (double)r->get_runs * 1e6,
               r->get_p50_us, r->get_p99_us,
               per_s((double)r->get_runs, r->get_s));
    if (r->list_runs)
        printf("  list -updated_at      limit %d of %" PRId64 ", %" PRId64
               " runs: mean %.2f ms, %.0f ops/s\n",
               LIST_LIMIT, r->total, r->list_runs,
               r->list_s / (double)r->list_runs * 1e3,
               per_s((double)r->list_runs, r->list_s));
    printf("  database file         %.1f MB\n", (double)db_bytes / 1e6);
}

static void print_json(const struct opts *o, const struct results *r,
                       int64_t db_bytes)
{
    struct buf b = BUF_INIT;
    struct jw w;
    jw_init(&w, &b);
    jw_obj(&w);
    jw_key(&w, "bench");
    jw_str(&w, "insert");
    jw_key(&w, "n");
    jw_int(&w, o->n);
    jw_key(&w, "batch");
    jw_int(&w, o->batch ? o->batch : o->n);
    jw_key(&w, "sqlite");
    jw_str(&w, r->sqlite_version);
    jw_key(&w, "insert_s");
    jw_real(&w, r->insert_s);
    jw_key(&w, "entries_per_s");
    jw_real(&w, per_s((double)o->n, r->insert_s));
    jw_key(&w, "insert_cpu_s");
    jw_real(&w, r->insert_cpu_s);
    jw_key(&w, "get_runs");
    jw_int(&w, r->get_runs);
    jw_key(&w, "get_mean_us");
    jw_real(&w, r->get_runs ? r->get_s / (double)r->get_runs * 1e6 : 0);
    jw_key(&w, "get_p50_us");
    jw_real(&w, r->get_p50_us);
    jw_key(&w, "get_p99_us");
    jw_real(&w, r->get_p99_us);
    jw_key(&w, "get_ops_per_s");
    jw_real(&w, per_s((double)r->get_runs, r->get_s));
    jw_key(&w, "list_runs");
    jw_int(&w, r->list_runs);
    jw_key(&w, "list_mean_ms");
    jw_real(&w, r->list_runs ? r->list_s / (double)r->list_runs * 1e3 : 0);
    jw_key(&w, "list_ops_per_s");
    jw_real(&w, per_s((double)r->list_runs, r->list_s));
    jw_key(&w, "db_bytes");
    jw_int(&w, db_bytes);
    jw_end_obj(&w);
    printf("%s\n", b.buf);
    buf_release(&b);
}

/* ---- main ---- */

static int usage(const char *msg)
{
    if (msg)
        fprintf(stderr, "bench-insert: %s\n", msg);
    fprintf(stderr,
            "usage: bench-insert --db PATH --n N [--batch B] [--quiet]\n");
    return 2;
}

static bool parse_count(const char *s, int64_t *out)
{
    char *end;
    errno = 0;
    long long v = s ? strtoll(s, &end, 10) : -1;
    if (!s || errno || *end || end == s || v < 0)
        return false;
    *out = v;
    return true;
}

static int parse_opts(int argc, char **argv, struct opts *o)
{
    bool have_n = false;
    memset(o, 0, sizeof(*o));
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "--quiet")) {
            o->quiet = true;
        } else if (!strcmp(a, "--db") && v) {
            o->db = v;
            i++;
        } else if (!strcmp(a, "--n") && v) {
            if (!parse_count(v, &o->n))
                return usage("--n takes a count (0 or more)");
            have_n = true;
            i++;
        } else if (!strcmp(a, "--batch") && v) {
            if (!parse_count(v, &o->batch) || o->batch == 0)
                return usage("--batch takes a count (1 or more)");
            i++;
        } else {
            char msg[128];
            snprintf(msg, sizeof(msg), "unknown or incomplete option '%.80s'",
                     a);
            return usage(msg);
        }
    }
    if (!o->db || !have_n)
        return usage("--db and --n are required");
    return 0;
}

static int run(struct opts *o, struct results *r, struct kith_err *err)
{
    struct crm *crm = NULL;
    int ret = crm_open_db(o->db, &crm, err);
    if (ret < 0)
        return ret;
    if (crm_object_count(crm) == 0 && (ret = crm_seed_defaults(crm, err)) < 0)
        goto out;
    const struct crm_object *people;
    if ((ret = crm_object_get(crm, "people", &people, err)) < 0 ||
        (ret = crm_count(crm, people, &o->offset, err)) < 0)
        goto out;
    read_sqlite_version(crm, r);
    if ((ret = insert_people(crm, o, r, err)) < 0 || o->n == 0)
        goto out;
    if ((ret = measure_get(crm, r, err)) < 0)
        goto out;
    ret = measure_list(crm, r, err);
out:
    crm_close(crm);
    return ret;
}

int main(int argc, char **argv)
{
    struct opts o;
    struct results r;
    struct kith_err err = KITH_ERR_INIT;
    int ret = parse_opts(argc, argv, &o);
    if (ret)
        return ret;
    memset(&r, 0, sizeof(r));
    if (run(&o, &r, &err) < 0) {
        fprintf(stderr, "bench-insert: %s\n", err.msg);
        return 1;
    }
    /* The database is closed, so its WAL is checkpointed into the file. */
    int64_t db_bytes = file_size(o.db);
    if (!o.quiet)
        print_summary(&o, &r, db_bytes);
    print_json(&o, &r, db_bytes);
    return 0;
}
