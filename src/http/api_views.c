/*
 * api_views: saved views over crm's view.c. A view's JSON is crm's own
 * ({"id", "object", "name", "kind", "where", "sort", "columns",
 * "group_by", ...}); POST takes it as the body, PATCH the members to
 * change, and crm checks them all against the object (a bad filter is a
 * 422 with the filter's message).
 */
#include "http/http_int.h"

/* Answer view id with status. */
static void answer_view(struct crm *crm, struct http_resp *rs, int64_t id,
                        int status)
{
    struct kith_err err = KITH_ERR_INIT;
    struct jv *view = NULL;
    int ret = crm_view_get(crm, id, &view, &err);
    if (ret < 0)
        return http_fail(rs, ret, &err);
    http_json(rs, status, view);
    jv_free(view);
}

/* GET /api/views?object=: {"views": [...]}, by object then name. */
void api_views_list(struct http_req *rq, struct http_resp *rs)
{
    const char *object = http_query(rq, "object");
    struct kith_err err = KITH_ERR_INIT;
    struct crm *crm;
    struct jv *views = NULL;
    int ret = http_crm(rq, &crm, &err);
    if (ret >= 0)
        ret = crm_view_list(crm, object && *object ? object : NULL, &views,
                            &err);
    if (ret < 0)
        return http_fail(rs, ret, &err);
    struct jv *j = jv_object();
    jv_set_take(j, "views", views);
    http_json(rs, 200, j);
    jv_free(j);
}

/* GET /api/views/{id} */
void api_view_get(struct http_req *rq, struct http_resp *rs)
{
    int64_t id = http_path_id(rq, rs, "view");
    if (!id)
        return;
    struct kith_err err = KITH_ERR_INIT;
    struct crm *crm;
    int ret = http_crm(rq, &crm, &err);
    if (ret < 0)
        return http_fail(rs, ret, &err);
    answer_view(crm, rs, id, 200);
}

/* POST /api/views {"object", "name", ...}: 201 with the saved view. */
void api_view_create(struct http_req *rq, struct http_resp *rs)
{
    struct jv *spec = http_body_object(rq, rs);
    if (!spec)
        return;
    struct kith_err err = KITH_ERR_INIT;
    struct crm *crm;
    int64_t id = 0;
    int ret = http_crm(rq, &crm, &err);
    if (ret >= 0)
        ret = crm_view_add(crm, spec, &id, &err);
    jv_free(spec);
    if (ret < 0)
        return http_fail(rs, ret, &err);
    answer_view(crm, rs, id, 201);
}

/* PATCH /api/views/{id} {members to change}: 200 with the view. */
void api_view_update(struct http_req *rq, struct http_resp *rs)
{
    int64_t id = http_path_id(rq, rs, "view");
    if (!id)
        return;
    struct jv *spec = http_body_object(rq, rs);
    if (!spec)
        return;
    struct kith_err err = KITH_ERR_INIT;
    struct crm *crm;
    int ret = http_crm(rq, &crm, &err);
    if (ret >= 0)
        ret = crm_view_update(crm, id, spec, &err);
    jv_free(spec);
    if (ret < 0)
        return http_fail(rs, ret, &err);
    answer_view(crm, rs, id, 200);
}

/* DELETE /api/views/{id}: {"id", "deleted": true}. */
void api_view_delete(struct http_req *rq, struct http_resp *rs)
{
    int64_t id = http_path_id(rq, rs, "view");
    if (!id)
        return;
    struct kith_err err = KITH_ERR_INIT;
    struct crm *crm;
    int ret = http_crm(rq, &crm, &err);
    if (ret >= 0)
        ret = crm_view_remove(crm, id, &err);
    if (ret < 0)
        return http_fail(rs, ret, &err);
    struct jv *j = jv_object();
    jv_set_take(j, "id", jv_integer(id));
    jv_set_take(j, "deleted", jv_boolean(true));
    http_json(rs, 200, j);
    jv_free(j);
}
