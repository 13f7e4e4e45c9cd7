/*
 * api_reports: saved reports (the dashboard's panels) over crm's
 * report.c: list, create, read, change, remove, and run one.
 */
#include "http/http_int.h"

/* Answer report id with status. */
static void answer_report(struct crm *crm, struct http_resp *rs, int64_t id,
                          int status)
{
    struct kith_err err = KITH_ERR_INIT;
    struct jv *rep = NULL;
    int ret = crm_report_get(crm, id, &rep, &err);
    if (ret < 0)
        return http_fail(rs, ret, &err);
    http_json(rs, status, rep);
    jv_free(rep);
}

/* GET /api/reports: {"reports": [...]} in dashboard order. */
void api_reports_list(struct http_req *rq, struct http_resp *rs)
{
    struct kith_err err = KITH_ERR_INIT;
    struct crm *crm;
    struct jv *list = NULL;
    int ret = http_crm(rq, &crm, &err);
    if (ret >= 0)
        ret = crm_report_list(crm, &list, &err);
    if (ret < 0)
        return http_fail(rs, ret, &err);
    struct jv *j = jv_object();
    jv_set_take(j, "reports", list);
    http_json(rs, 200, j);
    jv_free(j);
}

/* POST /api/reports {"name", "sql", "chart"?}: 201 with the report. */
void api_report_create(struct http_req *rq, struct http_resp *rs)
{
    struct jv *spec = http_body_object(rq, rs);
    if (!spec)
        return;
    struct kith_err err = KITH_ERR_INIT;
    struct crm *crm;
    int64_t id = 0;
    int ret = http_crm(rq, &crm, &err);
    if (ret >= 0)
        ret = crm_report_add(crm, spec, &id, &err);
    jv_free(spec);
    if (ret < 0)
        return http_fail(rs, ret, &err);
    answer_report(crm, rs, id, 201);
}

/* GET /api/reports/{id} */
void api_report_get(struct http_req *rq, struct http_resp *rs)
{
    int64_t id = http_path_id(rq, rs, "report");
    if (!id)
        return;
    struct kith_err err = KITH_ERR_INIT;
    struct crm *crm;
    int ret = http_crm(rq, &crm, &err);
    if (ret < 0)
        return http_fail(rs, ret, &err);
    answer_report(crm, rs, id, 200);
}

/* PATCH /api/reports/{id}: the members to change; 200 with the report. */
void api_report_update(struct http_req *rq, struct http_resp *rs)
{
    int64_t id = http_path_id(rq, rs, "report");
    if (!id)
        return;
    struct jv *spec = http_body_object(rq, rs);
    if (!spec)
        return;
    struct kith_err err = KITH_ERR_INIT;
    struct crm *crm;
    int ret = http_crm(rq, &crm, &err);
    if (ret >= 0)
        ret = crm_report_update(crm, id, spec, &err);
    jv_free(spec);
    if (ret < 0)
        return http_fail(rs, ret, &err);
    answer_report(crm, rs, id, 200);
}

/* DELETE /api/reports/{id}: {"id", "deleted": true}. */
void api_report_delete(struct http_req *rq, struct http_resp *rs)
{
    int64_t id = http_path_id(rq, rs, "report");
    if (!id)
        return;
    struct kith_err err = KITH_ERR_INIT;
    struct crm *crm;
    int ret = http_crm(rq, &crm, &err);
    if (ret >= 0)
        ret = crm_report_remove(crm, id, &err);
    if (ret < 0)
        return http_fail(rs, ret, &err);
    struct jv *j = jv_object();
    jv_set_take(j, "id", jv_integer(id));
    jv_set_take(j, "deleted", jv_boolean(true));
    http_json(rs, 200, j);
    jv_free(j);
}

/* GET /api/reports/{id}/data: {"report", "columns", "rows", "truncated"}
   (at most 1000 rows, 5 s). */
void api_report_data(struct http_req *rq, struct http_resp *rs)
{
    int64_t id = http_path_id(rq, rs, "report");
    if (!id)
        return;
    struct kith_err err = KITH_ERR_INIT;
    struct crm *crm;
    struct jv *out = NULL;
    int ret = http_crm(rq, &crm, &err);
    if (ret >= 0)
        ret = crm_report_data(crm, id, NULL, &out, &err);
    if (ret < 0)
        return http_fail(rs, ret, &err);
    http_json(rs, 200, out);
    jv_free(out);
}
