/*
 * api_saved: the by-id routes that saved views and saved reports share
 * (create, read, change, remove), over the crm operations a struct
 * http_saved names. Their lists and a report's data stay with their own
 * files (api_views.c, api_reports.c).
 */
#include "http/http_int.h"

/* Answer the saved thing id with status. */
static void answer(struct crm *crm, struct http_resp *rs,
                   const struct http_saved *kind, int64_t id, int status)
{
    struct kith_err err = KITH_ERR_INIT;
    struct jv *j = NULL;
    int ret = kind->get(crm, id, &j, &err);
    if (ret < 0)
        return http_fail(rs, ret, &err);
    http_json(rs, status, j);
    jv_free(j);
}

void http_saved_create(struct http_req *rq, struct http_resp *rs,
                       const struct http_saved *kind)
{
    struct jv *spec = http_body_object(rq, rs);
    if (!spec)
        return;
    struct kith_err err = KITH_ERR_INIT;
    struct crm *crm;
    int64_t id = 0;
    int ret = http_crm(rq, &crm, &err);
    if (ret >= 0)
        ret = kind->add(crm, spec, &id, &err);
    jv_free(spec);
    if (ret < 0)
        return http_fail(rs, ret, &err);
    answer(crm, rs, kind, id, 201);
}

void http_saved_get(struct http_req *rq, struct http_resp *rs,
                    const struct http_saved *kind)
{
    int64_t id = http_path_id(rq, rs, kind->what);
    if (!id)
        return;
    struct kith_err err = KITH_ERR_INIT;
    struct crm *crm;
    int ret = http_crm(rq, &crm, &err);
    if (ret < 0)
        return http_fail(rs, ret, &err);
    answer(crm, rs, kind, id, 200);
}

void http_saved_update(struct http_req *rq, struct http_resp *rs,
                       const struct http_saved *kind)
{
    int64_t id = http_path_id(rq, rs, kind->what);
    if (!id)
        return;
    struct jv *spec = http_body_object(rq, rs);
    if (!spec)
        return;
    struct kith_err err = KITH_ERR_INIT;
    struct crm *crm;
    int ret = http_crm(rq, &crm, &err);
    if (ret >= 0)
        ret = kind->update(crm, id, spec, &err);
    jv_free(spec);
    if (ret < 0)
        return http_fail(rs, ret, &err);
    answer(crm, rs, kind, id, 200);
}

void http_saved_delete(struct http_req *rq, struct http_resp *rs,
                       const struct http_saved *kind)
{
    int64_t id = http_path_id(rq, rs, kind->what);
    if (!id)
        return;
    struct kith_err err = KITH_ERR_INIT;
    struct crm *crm;
    int ret = http_crm(rq, &crm, &err);
    if (ret >= 0)
        ret = kind->remove(crm, id, &err);
    if (ret < 0)
        return http_fail(rs, ret, &err);
    struct jv *j = jv_object();
    jv_set_take(j, "id", jv_integer(id));
    jv_set_take(j, "deleted", jv_boolean(true));
    http_json(rs, 200, j);
    jv_free(j);
}
