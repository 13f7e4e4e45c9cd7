/*
 * report: saved reports (kith_reports), the dashboard's panels.
 *
 * A report is a name, one read-only SQL query and the chart that draws
 * its rows (bar, line and donut take label, value rows; number takes one
 * value; table shows any). The query is run through crm_sql, so read-only
 * is enforced by SQLite, and it is run once when the report is saved, so a
 * saved report always compiled when it was saved. Every new workspace
 * starts with three: pipeline value by stage, deals won per month and
 * people by status.
 */
#include "crm/crm_int.h"

#include <stdio.h>
#include <string.h>

#include "base/clock.h"
#include "base/utf8.h"

#define REPORT_NAME_MAX 80
#define REPORT_SQL_MAX (16 * 1024)

static const char *const charts[] = { "bar", "line", "donut", "table",
                                      "number" };

static const char report_cols[] =
    "SELECT id, name, sql, chart, position, created_at, updated_at "
    "FROM kith_reports";

static const struct {
    const char *name, *sql, *chart;
} seed[] = {
    { "Pipeline value by stage",
      "SELECT stage, sum(amount) AS value FROM deals "
      "WHERE stage IS NOT NULL GROUP BY stage ORDER BY value DESC",
      "bar" },
    { "Deals won per month",
      "SELECT substr(close_date, 1, 7) AS month, count(*) AS won FROM deals "
      "WHERE stage = 'Closed Won' AND close_date IS NOT NULL "
      "GROUP BY month ORDER BY month",
      "line" },
    { "People by status",
      "SELECT coalesce(status, '(none)') AS status, count(*) AS people "
      "FROM people GROUP BY 1 ORDER BY people DESC",
      "donut" },
};

static void write_report(struct jw *w, struct db_stmt *st)
{
    static const char *const keys[] = { "id",       "name",       "sql",
                                        "chart",    "position",   "created_at",
                                        "updated_at" };
    jw_obj(w);
    for (int i = 0; i < 7; i++) {
        jw_key(w, keys[i]);
        if (i == 0 || i == 4)
            jw_int(w, db_col_int(st, i));
        else
            jw_str(w, db_col_text(st, i));
    }
    jw_end_obj(w);
}

/* report_cols + tail (id bound as ?1 when not 0): an array, or one. */
static int query(struct crm *crm, const char *tail, int64_t id, bool one,
                 struct jv **out, struct kith_err *err)
{
    struct buf sql = BUF_INIT, b = BUF_INIT;
    struct db_stmt *st;
    struct jw w;
    size_t n = 0;
    *out = NULL;
    buf_appendf(&sql, "%s %s", report_cols, tail);
    int ret = db_cached(crm->db, sql.buf, &st, err);
    buf_release(&sql);
    if (ret < 0)
        return ret;
    if (id)
        db_bind_int(st, 1, id);
    jw_init(&w, &b);
    if (!one)
        jw_arr(&w);
    while ((ret = db_step(st, err)) == DB_ROW && (!one || !n)) {
        write_report(&w, st);
        n++;
    }
    db_reset(st);
    if (!one)
        jw_end_arr(&w);
    if (ret >= 0 && one && !n)
        ret = kith_errf(err, KITH_ENOTFOUND, "there is no report #%lld",
                        (long long)id);
    if (ret >= 0)
        *out = jv_parse(b.buf, b.len, NULL);
    buf_release(&b);
    return ret < 0 ? ret : KITH_OK;
}

int crm_report_list(struct crm *crm, struct jv **out, struct kith_err *err)
{
    return query(crm, "ORDER BY position, id", 0, false, out, err);
}

int crm_report_get(struct crm *crm, int64_t id, struct jv **out,
                   struct kith_err *err)
{
    return query(crm, "WHERE id = ?1", id, true, out, err);
}

/* The name, sql and chart of spec, checked; absent members keep base's. */
struct report_row {
    const char *name, *sql, *chart;
};

static int check_spec(struct crm *crm, const struct jv *spec,
                      struct report_row *r, struct kith_err *err)
{
    static const char *const keys[] = { "name", "sql", "chart" };
    const char **vals[] = { &r->name, &r->sql, &r->chart };
    if (jv_type(spec) != JV_OBJECT)
        return kith_errf(err, KITH_EINVAL,
                         "report: expected an object of name, sql, chart");
    for (size_t i = 0; i < 3; i++) {
        const struct jv *v = jv_get(spec, keys[i]);
        if (!v)
            continue;
        if (!jv_str(v))
            return kith_errf(err, KITH_EINVAL, "report: %s must be text",
                             keys[i]);
        *vals[i] = jv_str(v);
    }
    if (!r->name || !*r->name || strlen(r->name) > REPORT_NAME_MAX ||
        !utf8_valid(r->name, strlen(r->name)))
        return kith_errf(err, KITH_EINVAL,
                         "report: name must be 1 to %d bytes of text",
                         REPORT_NAME_MAX);
    if (!r->sql || !*r->sql || strlen(r->sql) > REPORT_SQL_MAX)
        return kith_errf(err, KITH_EINVAL,
                         "report: sql must be one SELECT of at most %d "
                         "bytes",
                         REPORT_SQL_MAX);
    if (!r->chart)
        r->chart = "table";
    bool known = false;
    for (size_t i = 0; i < sizeof(charts) / sizeof(*charts); i++)
        known |= !strcmp(r->chart, charts[i]);
    if (!known)
        return kith_errf(err, KITH_EINVAL,
                         "report: chart '%s' is not one of bar, line, "
                         "donut, table, number",
                         r->chart);
    struct crm_sql_limits lim = { .timeout_ms = 5000, .max_rows = 1 };
    struct jv *res = NULL;
    int ret = crm_sql(crm, r->sql, &lim, &res, err); /* it must run */
    jv_free(res);
    if (ret < 0) {
        char why[KITH_ERR_MAX];
        snprintf(why, sizeof(why), "%s", err ? err->msg : "");
        return kith_errf(err, ret, "report: %s", why);
    }
    return KITH_OK;
}

/* Map a UNIQUE violation on the name to a clear conflict. */
static int name_taken(struct crm *crm, const char *name, int64_t except,
                      struct kith_err *err)
{
    struct db_stmt *st;
    int ret = db_cached(crm->db,
                        "SELECT id FROM kith_reports WHERE name = ?1 AND "
                        "id != ?2",
                        &st, err);
    if (ret < 0)
        return ret;
    db_bind_str(st, 1, name);
    db_bind_int(st, 2, except);
    ret = db_step(st, err);
    db_reset(st);
    if (ret == DB_ROW)
        return kith_errf(err, KITH_ECONFLICT,
                         "there is already a report named '%s'", name);
    return ret < 0 ? ret : KITH_OK;
}

static int insert(struct crm *crm, const struct report_row *r, int64_t *id,
                  struct kith_err *err)
{
    char now[CLOCK_ISO_LEN];
    clock_now_iso(now);
    struct db_stmt *st;
    int ret = db_cached(
        crm->db,
        "INSERT INTO kith_reports (name, sql, chart, position, created_at, "
        "updated_at) VALUES (?1, ?2, ?3, (SELECT coalesce(max(position), 0) "
        "+ 1 FROM kith_reports), ?4, ?4)",
        &st, err);
    if (ret < 0)
        return ret;
    db_bind_str(st, 1, r->name);
    db_bind_str(st, 2, r->sql);
    db_bind_str(st, 3, r->chart);
    db_bind_str(st, 4, now);
    ret = db_step(st, err);
    db_reset(st);
    if (ret < 0)
        return ret;
    if (id)
        *id = db_last_id(crm->db);
    return KITH_OK;
}

int crm_report_add(struct crm *crm, const struct jv *spec, int64_t *id,
                   struct kith_err *err)
{
    struct report_row r = { 0 };
    int ret = check_spec(crm, spec, &r, err);
    if (ret >= 0)
        ret = name_taken(crm, r.name, 0, err);
    if (ret >= 0)
        ret = insert(crm, &r, id, err);
    return ret;
}

int crm_report_update(struct crm *crm, int64_t id, const struct jv *spec,
                      struct kith_err *err)
{
    struct jv *old = NULL;
    int ret = crm_report_get(crm, id, &old, err);
    if (ret < 0)
        return ret;
    struct report_row r = { jv_str(jv_get(old, "name")),
                            jv_str(jv_get(old, "sql")),
                            jv_str(jv_get(old, "chart")) };
    char now[CLOCK_ISO_LEN];
    clock_now_iso(now);
    struct db_stmt *st;
    if ((ret = check_spec(crm, spec, &r, err)) >= 0 &&
        (ret = name_taken(crm, r.name, id, err)) >= 0 &&
        (ret = db_cached(crm->db,
                         "UPDATE kith_reports SET name = ?1, sql = ?2, "
                         "chart = ?3, updated_at = ?4 WHERE id = ?5",
                         &st, err)) >= 0) {
        db_bind_str(st, 1, r.name);
        db_bind_str(st, 2, r.sql);
        db_bind_str(st, 3, r.chart);
        db_bind_str(st, 4, now);
        db_bind_int(st, 5, id);
        ret = db_step(st, err);
        db_reset(st);
    }
    jv_free(old);
    return ret < 0 ? ret : KITH_OK;
}

int crm_report_remove(struct crm *crm, int64_t id, struct kith_err *err)
{
    struct db_stmt *st;
    int ret = db_cached(crm->db, "DELETE FROM kith_reports WHERE id = ?1",
                        &st, err);
    if (ret < 0)
        return ret;
    db_bind_int(st, 1, id);
    ret = db_step(st, err);
    db_reset(st);
    if (ret < 0)
        return ret;
    if (!db_changes(crm->db))
        return kith_errf(err, KITH_ENOTFOUND, "there is no report #%lld",
                         (long long)id);
    return KITH_OK;
}

int crm_report_data(struct crm *crm, int64_t id,
                    const struct crm_sql_limits *limits, struct jv **out,
                    struct kith_err *err)
{
    struct jv *rep = NULL, *res = NULL;
    *out = NULL;
    int ret = crm_report_get(crm, id, &rep, err);
    if (ret >= 0)
        ret = crm_sql(crm, jv_str(jv_get(rep, "sql")), limits, &res, err);
    if (ret < 0) {
        jv_free(rep);
        return ret;
    }
    jv_set_take(res, "report", rep);
    *out = res;
    return KITH_OK;
}

int report_seed(struct crm *crm, struct kith_err *err)
{
    int ret = KITH_OK;
    for (size_t i = 0; i < sizeof(seed) / sizeof(*seed) && ret >= 0; i++) {
        struct report_row r = { seed[i].name, seed[i].sql, seed[i].chart };
        ret = insert(crm, &r, NULL, err);
    }
    return ret;
}
