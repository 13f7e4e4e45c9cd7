/*
 * api_entries: health, objects and entries (DESIGN's routes over crm/).
 */
#include "http/http_int.h"

#include <stdlib.h>
#include <string.h>

#include "base/xalloc.h"

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

/* {"slug", "name", "label", "count", "fields": [...]} */
static struct jv *object_json(struct crm *crm, const struct crm_object *o)
{
    struct jv *j = jv_object();
    jv_set_take(j, "slug", jv_string(o->slug));
    jv_set_take(j, "name", jv_string(o->name));
    jv_set_take(j, "label", jv_string(o->label));
    int64_t n = 0;
    if (crm_count(crm, o, &n, NULL) == KITH_OK)
        jv_set_take(j, "count", jv_integer(n));
    struct jv *fields = jv_array();
    for (size_t i = 0; i < o->nfields; i++) {
        const struct crm_field *f = &o->fields[i];
        struct jv *fj = jv_object();
        jv_set_take(fj, "slug", jv_string(f->slug));
        jv_set_take(fj, "name", jv_string(f->name));
        jv_set_take(fj, "type", jv_string(crm_type_name(f->type)));
        if (f->type == CRM_SELECT || f->type == CRM_MULTI_SELECT) {
            struct jv *opts = jv_array();
            for (size_t k = 0; k < f->noptions; k++)
                jv_push_take(opts, jv_string(f->options[k]));
            jv_set_take(fj, "options", opts);
        }
        if (f->type == CRM_RELATION && f->target)
            jv_set_take(fj, "target", jv_string(f->target->slug));
        jv_push_take(fields, fj);
    }
    jv_set_take(j, "fields", fields);
    return j;
}

void api_objects(struct http_req *rq, struct http_resp *rs)
{
    struct kith_err err = KITH_ERR_INIT;
    struct crm *crm;
    int ret = http_crm(rq, &crm, &err);
    if (ret < 0)
        return http_fail(rs, ret, &err);
    struct jv *arr = jv_array();
    for (size_t i = 0; i < crm_object_count(crm); i++)
        jv_push_take(arr, object_json(crm, crm_object_at(crm, i)));
    struct jv *j = jv_object();
    jv_set_take(j, "objects", arr);
    http_json(rs, 200, j);
    jv_free(j);
}

void api_object(struct http_req *rq, struct http_resp *rs)
{
    struct kith_err err = KITH_ERR_INIT;
    struct crm *crm;
    const struct crm_object *o;
    int ret = http_crm(rq, &crm, &err);
    if (ret >= 0)
        ret = crm_object_get(crm, http_param(rq, "obj"), &o, &err);
    if (ret < 0)
        return http_fail(rs, ret, &err);
    struct jv *j = object_json(crm, o);
    http_json(rs, 200, j);
    jv_free(j);
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
                    &q.limit))
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

/* POST /api/objects {"name"}: 201 with the new object. */
void api_object_create(struct http_req *rq, struct http_resp *rs)
{
    struct jv *body = http_body_object(rq, rs);
    if (!body)
        return;
    const char *name = jv_str(jv_get(body, "name"));
    if (!name) {
        jv_free(body);
        return http_error(rs, 422, "invalid", "\"name\" must be a string");
    }
    struct kith_err err = KITH_ERR_INIT;
    struct crm *crm;
    const struct crm_object *o = NULL;
    int ret = http_crm(rq, &crm, &err);
    if (ret >= 0)
        ret = crm_object_add(crm, name, &err);
    if (ret >= 0)
        ret = crm_object_get(crm, name, &o, &err);
    jv_free(body);
    if (ret < 0)
        return http_fail(rs, ret, &err);
    struct jv *j = object_json(crm, o);
    http_json(rs, 201, j);
    jv_free(j);
}

/* GET /api/objects/{obj}/fields: {"fields": [...]} as in the object. */
void api_fields_list(struct http_req *rq, struct http_resp *rs)
{
    struct kith_err err = KITH_ERR_INIT;
    struct crm *crm;
    const struct crm_object *o;
    int ret = http_crm(rq, &crm, &err);
    if (ret >= 0)
        ret = crm_object_get(crm, http_param(rq, "obj"), &o, &err);
    if (ret < 0)
        return http_fail(rs, ret, &err);
    struct jv *j = object_json(crm, o);
    struct jv *out = jv_object();
    jv_set_take(out, "fields", jv_ref(jv_get(j, "fields")));
    http_json(rs, 200, out);
    jv_free(out);
    jv_free(j);
}

/*
 * POST /api/objects/{obj}/fields {"name", "type", "options"?, "to"?}:
 * 201 with the object and its new field.
 */
void api_field_create(struct http_req *rq, struct http_resp *rs)
{
    struct jv *body = http_body_object(rq, rs);
    if (!body)
        return;
    struct kith_err err = KITH_ERR_INIT;
    struct crm_field_spec spec = { 0 };
    const char **opts = NULL;
    spec.name = jv_str(jv_get(body, "name"));
    const char *type = jv_str(jv_get(body, "type"));
    struct jv *options = jv_get(body, "options");
    const char *to = jv_get(body, "to") ? jv_str(jv_get(body, "to")) : NULL;
    if (!spec.name || !type || (jv_get(body, "to") && !to)) {
        jv_free(body);
        return http_error(rs, 422, "invalid",
                          "\"name\" and \"type\" (and \"to\") must be strings");
    }
    spec.target = to;
    if (options) {
        size_t n = jv_len(options);
        opts = xcalloc(n ? n : 1, sizeof(*opts));
        for (size_t i = 0; i < n; i++)
            if (!(opts[i] = jv_str(jv_at(options, i)))) {
                free(opts);
                jv_free(body);
                return http_error(rs, 422, "invalid",
                                  "\"options\" must be an array of strings");
            }
        spec.options = opts;
        spec.noptions = n;
    }
    struct crm *crm;
    const struct crm_object *o = NULL;
    const char *obj = http_param(rq, "obj");
    int ret = crm_type_parse(type, &spec.type, &err);
    if (ret >= 0)
        ret = http_crm(rq, &crm, &err);
    if (ret >= 0)
        ret = crm_field_add(crm, obj, &spec, &err);
    if (ret >= 0)
        ret = crm_object_get(crm, obj, &o, &err);
    free(opts);
    jv_free(body);
    if (ret < 0)
        return http_fail(rs, ret, &err);
    struct jv *j = object_json(crm, o);
    http_json(rs, 201, j);
    jv_free(j);
}
