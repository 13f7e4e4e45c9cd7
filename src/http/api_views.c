/*
 * api_views: saved views over crm's view.c. A view's JSON is crm's own
 * ({"id", "object", "name", "kind", "where", "sort", "columns",
 * "group_by", ...}); POST takes it as the body, PATCH the members to
 * change, and crm checks them all against the object (a bad filter is a
 * 422 with the filter's message). All but the list go through api_saved.c.
 */
#include "http/http_int.h"

static const struct http_saved views = {
    "view", crm_view_get, crm_view_add, crm_view_update, crm_view_remove,
};

/* GET /api/views?object=: {"views": [...]}, by object then name. */
void api_views_list(struct http_req *rq, struct http_resp *rs)
{
    const char *object = http_query(rq, "object");
    struct kith_err err = KITH_ERR_INIT;
    struct crm *crm;
    struct jv *list = NULL;
    int ret = http_crm(rq, &crm, &err);
    if (ret >= 0)
        ret = crm_view_list(crm, object && *object ? object : NULL, &list,
                            &err);
    if (ret < 0)
        return http_fail(rs, ret, &err);
    struct jv *j = jv_object();
    jv_set_take(j, "views", list);
    http_json(rs, 200, j);
    jv_free(j);
}

/* GET /api/views/{id} */
void api_view_get(struct http_req *rq, struct http_resp *rs)
{
    http_saved_get(rq, rs, &views);
}

/* POST /api/views {"object", "name", ...}: 201 with the saved view. */
void api_view_create(struct http_req *rq, struct http_resp *rs)
{
    http_saved_create(rq, rs, &views);
}

/* PATCH /api/views/{id} {members to change}: 200 with the view. */
void api_view_update(struct http_req *rq, struct http_resp *rs)
{
    http_saved_update(rq, rs, &views);
}

/* DELETE /api/views/{id}: {"id", "deleted": true}. */
void api_view_delete(struct http_req *rq, struct http_resp *rs)
{
    http_saved_delete(rq, rs, &views);
}
