/*
 * api_schema: objects and fields: list, create, rename and remove (thin
 * calls into crm/'s schema functions).
 */
#include "http/http_int.h"

#include <stdlib.h>
#include <string.h>

#include "base/xalloc.h"

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

/*
 * ?force=true|false into *force (false when absent); false after answering
 * 422 for anything else.
 */
static bool force_param(struct http_req *rq, struct http_resp *rs,
                        bool *force)
{
    const char *s = http_query(rq, "force");
    *force = s && !strcmp(s, "true");
    if (s && *s && strcmp(s, "true") && strcmp(s, "false")) {
        http_error(rs, 422, "invalid", "force must be true or false, not '%s'",
                   s);
        return false;
    }
    return true;
}

/* The body's "name" string into *name (body kept in *out); false after
   answering 400/422. */
static bool body_name(struct http_req *rq, struct http_resp *rs,
                      struct jv **out, const char **name)
{
    *out = http_body_object(rq, rs);
    if (!*out)
        return false;
    *name = jv_str(jv_get(*out, "name"));
    if (!*name) {
        jv_free(*out);
        *out = NULL;
        http_error(rs, 422, "invalid", "\"name\" must be a string");
        return false;
    }
    return true;
}

/* Answer object obj (by slug) with status, or the failure. */
static void answer_object(struct crm *crm, struct http_resp *rs,
                          const char *obj, int status)
{
    struct kith_err err = KITH_ERR_INIT;
    const struct crm_object *o;
    int ret = crm_object_get(crm, obj, &o, &err);
    if (ret < 0)
        return http_fail(rs, ret, &err);
    struct jv *j = object_json(crm, o);
    http_json(rs, status, j);
    jv_free(j);
}

/*
 * The object of the path and, when field is not NULL, its field: their
 * slugs copied into *obj and *field (free both; they outlive a schema
 * reload); false after answering the failure.
 */
static bool path_names(struct http_req *rq, struct http_resp *rs,
                       struct crm **crm, char **obj, char **field)
{
    struct kith_err err = KITH_ERR_INIT;
    const struct crm_object *o = NULL;
    const struct crm_field *f = NULL;
    int ret = http_crm(rq, crm, &err);
    if (ret >= 0)
        ret = crm_object_get(*crm, http_param(rq, "obj"), &o, &err);
    if (ret >= 0 && field &&
        (ret = crm_field_get(o, http_param(rq, "field"), &f, &err)) ==
            KITH_EINVAL)
        ret = KITH_ENOTFOUND; /* the path names no field: 404 */
    if (ret < 0) {
        http_fail(rs, ret, &err);
        return false;
    }
    *obj = xstrdup(o->slug);
    if (field)
        *field = xstrdup(f->slug);
    return true;
}

/* PATCH /api/objects/{obj} {"name"}: 200 with the object (its slug, the
   table's name, stays). */
void api_object_rename(struct http_req *rq, struct http_resp *rs)
{
    struct jv *body;
    const char *name;
    if (!body_name(rq, rs, &body, &name))
        return;
    struct crm *crm;
    char *slug = NULL;
    if (path_names(rq, rs, &crm, &slug, NULL)) {
        struct kith_err err = KITH_ERR_INIT;
        int ret = crm_object_rename(crm, slug, name, &err);
        if (ret < 0)
            http_fail(rs, ret, &err);
        else
            answer_object(crm, rs, slug, 200);
    }
    jv_free(body);
    free(slug);
}

/*
 * DELETE /api/objects/{obj}?force=true: drop the object, its entries and
 * the relation fields that point at it; {"slug", "deleted": true}. Without
 * force it is refused (409), as `kith object rm` is without --force.
 */
void api_object_remove(struct http_req *rq, struct http_resp *rs)
{
    bool force;
    if (!force_param(rq, rs, &force))
        return;
    struct crm *crm;
    char *slug = NULL;
    if (!path_names(rq, rs, &crm, &slug, NULL))
        return;
    struct kith_err err = KITH_ERR_INIT;
    int ret = crm_object_remove(crm, slug, force, &err);
    if (ret == KITH_EUSAGE)
        http_error(rs, 409, "conflict",
                   "removing %s deletes all its entries and the relation "
                   "fields that point at it; add ?force=true to do it",
                   slug);
    else if (ret < 0)
        http_fail(rs, ret, &err);
    else {
        struct jv *j = jv_object();
        jv_set_take(j, "slug", jv_string(slug));
        jv_set_take(j, "deleted", jv_boolean(true));
        http_json(rs, 200, j);
        jv_free(j);
    }
    free(slug);
}

/* PATCH /api/objects/{obj}/fields/{field} {"name"}: 200 with the object
   (the field's slug, its column, stays). */
void api_field_rename(struct http_req *rq, struct http_resp *rs)
{
    struct jv *body;
    const char *name;
    if (!body_name(rq, rs, &body, &name))
        return;
    struct crm *crm;
    char *obj = NULL, *field = NULL;
    if (path_names(rq, rs, &crm, &obj, &field)) {
        struct kith_err err = KITH_ERR_INIT;
        int ret = crm_field_rename(crm, obj, field, name, &err);
        if (ret < 0)
            http_fail(rs, ret, &err);
        else
            answer_object(crm, rs, obj, 200);
    }
    jv_free(body);
    free(obj);
    free(field);
}

/*
 * DELETE /api/objects/{obj}/fields/{field}?force=true: drop the field and
 * its values; 200 with the object. Refused for the label field (422), while
 * a saved view uses it (409, naming the view) and without force (409), as
 * `kith field rm` is without --force.
 */
void api_field_remove(struct http_req *rq, struct http_resp *rs)
{
    bool force;
    if (!force_param(rq, rs, &force))
        return;
    struct crm *crm;
    char *obj = NULL, *field = NULL;
    if (!path_names(rq, rs, &crm, &obj, &field))
        return;
    struct kith_err err = KITH_ERR_INIT;
    int ret = crm_field_remove(crm, obj, field, force, &err);
    if (ret == KITH_EUSAGE)
        http_error(rs, 409, "conflict",
                   "removing %s.%s deletes its values in every entry; add "
                   "?force=true to do it",
                   obj, field);
    else if (ret < 0)
        http_fail(rs, ret, &err);
    else
        answer_object(crm, rs, obj, 200);
    free(obj);
    free(field);
}
