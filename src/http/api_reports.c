/*
 * api_reports: saved reports (the dashboard's panels) over crm's
 * report.c: list, create, read, change, remove (api_saved.c), and run one.
 */
#include "http/http_int.h"

static const struct http_saved reports = {
    "report", crm_report_get, crm_report_add, crm_report_update,
    crm_report_remove,
};

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
    http_saved_create(rq, rs, &reports);
}

/* GET /api/reports/{id} */
void api_report_get(struct http_req *rq, struct http_resp *rs)
{
    http_saved_get(rq, rs, &reports);
}

/* PATCH /api/reports/{id}: the members to change; 200 with the report. */
void api_report_update(struct http_req *rq, struct http_resp *rs)
{
    http_saved_update(rq, rs, &reports);
}

/* DELETE /api/reports/{id}: {"id", "deleted": true}. */
void api_report_delete(struct http_req *rq, struct http_resp *rs)
{
    http_saved_delete(rq, rs, &reports);
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
