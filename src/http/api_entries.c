/*
 * api_entries: health and entries (DESIGN's routes over crm/).
 */
#include "http/http_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define API_LIST_DEFAULT 50
#define API_LIST_MAX 1000

void api_health(struct http_req *rq, struct http_resp *rs)
{
    struct jv *j = jv_object();
    jv_set_take(j, "ok", jv_boolean(true));
    jv_set_take(j, "version", jv_string(rq->opts->version));
    http_json(rs, 200, j);
    jv_free(j);
}

/* ?offset=N into *out (0 when absent); false after a 422 for a bad one. */
static bool query_offset(struct http_req *rq, struct http_resp *rs,
                         int64_t *out)
{
    const char *s = http_query(rq, "offset");
    *out = 0;
    if (!s || !*s)
        return true;
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (*end || errno || v < 0 || v > CRM_LIST_MAX_OFFSET) {
        http_error(rs, 422, "invalid",
                   "offset must be a whole number from 0 to %d, not '%s'",
                   CRM_LIST_MAX_OFFSET, s);
        return false;
    }
    *out = v;
    return true;
}

void api_entries_list(struct http_req *rq, struct http_resp *rs)
{
    struct crm_query q = { 0 };
    q.where = http_query(rq, "where");
    q.sort = http_query(rq, "sort");
    q.cursor = http_query(rq, "cursor");
    q.view = http_query(rq, "view");
    if (q.where && !*q.where)
        q.where = NULL;
    if (q.sort && !*q.sort)
        q.sort = NULL;
    if (q.cursor && !*q.cursor)
        q.cursor = NULL;
    if (q.view && !*q.view)
        q.view = NULL;
    if (!http_limit(rq, rs, "limit", API_LIST_DEFAULT, API_LIST_MAX,
                    &q.limit) ||
        !query_offset(rq, rs, &q.offset))
        return;
    const char *count = http_query(rq, "count");
    if (count && !strcmp(count, "false"))
        q.no_count = true;
    else if (count && *count && strcmp(count, "true"))
        return http_error(rs, 422, "invalid",
                          "count must be true or false, not '%s'", count);

    struct kith_err err = KITH_ERR_INIT;
    struct crm *crm;
    int ret = http_crm(rq, &crm, &err);
    buf_reset(&rs->body);
    if (ret >= 0) /* the JSON text straight into the answer, no tree */
        ret = crm_list_json(crm, http_param(rq, "obj"), &q, &rs->body, &err);
    if (ret < 0)
        return http_fail(rs, ret, &err);
    rs->status = 200;
}

/* Answer the entry id of object obj with status. */
static void answer_entry(struct crm *crm, struct http_resp *rs,
                         const char *obj, int64_t id, int status)
{
    struct kith_err err = KITH_ERR_INIT;
    buf_reset(&rs->body);
    int ret = crm_get_json(crm, obj, id, &rs->body, &err);
    if (ret < 0)
        return http_fail(rs, ret, &err);
    rs->status = status;
}

void api_entry_create(struct http_req *rq, struct http_resp *rs)
{
    struct jv *values = http_body_object(rq, rs);
    if (!values)
        return;
    struct kith_err err = KITH_ERR_INIT;
    struct crm *crm;
    const char *obj = http_param(rq, "obj");
    int64_t id = 0;
    int ret = http_crm(rq, &crm, &err);
    if (ret >= 0)
        ret = crm_create(crm, CRM_ACTOR_API, obj, values, &id, &err);
    jv_free(values);
    if (ret < 0)
        return http_fail(rs, ret, &err);
    answer_entry(crm, rs, obj, id, 201);
}

void api_entry_get(struct http_req *rq, struct http_resp *rs)
{
    int64_t id = http_path_id(rq, rs, "entry");
    if (!id)
        return;
    struct kith_err err = KITH_ERR_INIT;
    struct crm *crm;
    int ret = http_crm(rq, &crm, &err);
    if (ret < 0)
        return http_fail(rs, ret, &err);
    answer_entry(crm, rs, http_param(rq, "obj"), id, 200);
}

void api_entry_update(struct http_req *rq, struct http_resp *rs)
{
    int64_t id = http_path_id(rq, rs, "entry");
    if (!id)
        return;
    struct jv *values = http_body_object(rq, rs);
    if (!values)
        return;
    struct kith_err err = KITH_ERR_INIT;
    struct crm *crm;
    const char *obj = http_param(rq, "obj");
    int ret = http_crm(rq, &crm, &err);
    if (ret >= 0)
        ret = crm_update(crm, CRM_ACTOR_API, obj, id, values, &err);
    jv_free(values);
    if (ret < 0)
        return http_fail(rs, ret, &err);
    answer_entry(crm, rs, obj, id, 200);
}

void api_entry_delete(struct http_req *rq, struct http_resp *rs)
{
    int64_t id = http_path_id(rq, rs, "entry");
    if (!id)
        return;
    struct kith_err err = KITH_ERR_INIT;
    struct crm *crm;
    int ret = http_crm(rq, &crm, &err);
    if (ret >= 0)
        ret = crm_delete(crm, CRM_ACTOR_API, http_param(rq, "obj"), id,
                         &err);
    if (ret < 0)
        return http_fail(rs, ret, &err);
    struct jv *j = jv_object();
    jv_set_take(j, "id", jv_integer(id));
    jv_set_take(j, "deleted", jv_boolean(true));
    http_json(rs, 200, j);
    jv_free(j);
}
