/*
 * api_data: the routes over an entry's data beyond its fields, and over
 * the whole CRM: documents, the change log and undo, full-text search,
 * read-only SQL and merging two entries. Each handler checks its input,
 * calls one crm_* operation and answers its JSON (DESIGN, "HTTP API").
 */
#include "http/http_int.h"

#include <stdlib.h>
#include <string.h>

#define API_CHANGES_DEFAULT 50
#define API_CHANGES_MAX 1000
#define API_SEARCH_DEFAULT 50
#define API_SEARCH_MAX 1000

/* Answer {"object": slug, "id": id, "markdown": text | null}. */
static void answer_doc(struct http_req *rq, struct http_resp *rs,
                       int64_t id)
{
    struct kith_err err = KITH_ERR_INIT;
    struct crm *crm;
    const struct crm_object *o = NULL;
    char *markdown = NULL;
    int ret = http_crm(rq, &crm, &err);
    if (ret >= 0)
        ret = crm_object_get(crm, http_param(rq, "obj"), &o, &err);
    if (ret >= 0)
        ret = crm_doc_get(crm, o->slug, id, &markdown, &err);
    if (ret < 0)
        return http_fail(rs, ret, &err);
    struct jv *j = jv_object();
    jv_set_take(j, "object", jv_string(o->slug));
    jv_set_take(j, "id", jv_integer(id));
    jv_set_take(j, "markdown", markdown ? jv_string(markdown) : jv_null());
    http_json(rs, 200, j);
    jv_free(j);
    free(markdown);
}

/* GET /api/objects/{obj}/entries/{id}/document */
void api_doc_get(struct http_req *rq, struct http_resp *rs)
{
    int64_t id = http_path_id(rq, rs, "entry");
    if (id)
        answer_doc(rq, rs, id);
}

/*
 * PUT /api/objects/{obj}/entries/{id}/document {"markdown": text | null}:
 * null or "" removes the document. Answers as GET.
 */
void api_doc_put(struct http_req *rq, struct http_resp *rs)
{
    int64_t id = http_path_id(rq, rs, "entry");
    if (!id)
        return;
    struct jv *body = http_body_object(rq, rs);
    if (!body)
        return;
    const struct jv *md = jv_get(body, "markdown");
    const char *text = jv_str(md);
    if (!md || (!text && jv_type(md) != JV_NULL)) {
        jv_free(body);
        return http_error(rs, 422, "invalid",
                          "\"markdown\" must be the document's text or null");
    }
    if (text && strlen(text) != jv_strlen(md)) {
        jv_free(body);
        return http_error(rs, 422, "invalid",
                          "\"markdown\": a document is text and cannot hold "
                          "NUL characters");
    }
    struct kith_err err = KITH_ERR_INIT;
    struct crm *crm;
    int ret = http_crm(rq, &crm, &err);
    if (ret >= 0)
        ret = crm_doc_set(crm, CRM_ACTOR_API, http_param(rq, "obj"), id, text,
                          &err);
    jv_free(body);
    if (ret < 0)
        return http_fail(rs, ret, &err);
    answer_doc(rq, rs, id);
}

/* Answer {"changes": crm_log(object, entry_id)} with ?limit= checked. */
static void answer_log(struct http_req *rq, struct http_resp *rs,
                       const char *object, int64_t entry_id)
{
    int64_t limit;
    if (!http_limit(rq, rs, "limit", API_CHANGES_DEFAULT, API_CHANGES_MAX,
                    &limit))
        return;
    struct kith_err err = KITH_ERR_INIT;
    struct crm *crm;
    struct jv *log = NULL;
    int ret = http_crm(rq, &crm, &err);
    if (ret >= 0)
        ret = crm_log(crm, object, entry_id, limit, &log, &err);
    if (ret < 0)
        return http_fail(rs, ret, &err);
    struct jv *j = jv_object();
    jv_set_take(j, "changes", log);
    http_json(rs, 200, j);
    jv_free(j);
}

/* GET /api/objects/{obj}/entries/{id}/changes?limit= (newest first) */
void api_entry_changes(struct http_req *rq, struct http_resp *rs)
{
    int64_t id = http_path_id(rq, rs, "entry");
    if (id)
        answer_log(rq, rs, http_param(rq, "obj"), id);
}

/* GET /api/changes?object=&limit= (newest first) */
void api_changes(struct http_req *rq, struct http_resp *rs)
{
    const char *object = http_query(rq, "object");
    answer_log(rq, rs, object && *object ? object : NULL, 0);
}

/*
 * POST /api/changes/{id}/undo, body optional {"group": true}: revert the
 * change, or every change of its group (an import, a merge). Answers
 * {"undone": id} or {"undone_group": group id}, as kith undo --json.
 */
void api_change_undo(struct http_req *rq, struct http_resp *rs)
{
    int64_t id = http_path_id(rq, rs, "change");
    if (!id)
        return;
    bool group = false;
    if (rq->body_len) {
        struct jv *body = http_body_object(rq, rs);
        if (!body)
            return;
        const struct jv *g = jv_get(body, "group");
        group = jv_bool(g);
        bool bad = g && jv_type(g) != JV_BOOL;
        jv_free(body);
        if (bad)
            return http_error(rs, 422, "invalid",
                              "\"group\" must be true or false");
    }
    struct kith_err err = KITH_ERR_INIT;
    struct crm *crm;
    int64_t group_id = 0;
    int ret = http_crm(rq, &crm, &err);
    if (ret >= 0 && group) {
        ret = crm_change_group(crm, id, &group_id, &err);
        if (ret >= 0)
            ret = crm_undo_group(crm, CRM_ACTOR_API, group_id, &err);
    } else if (ret >= 0) {
        ret = crm_undo(crm, CRM_ACTOR_API, id, &err);
    }
    if (ret < 0)
        return http_fail(rs, ret, &err);
    struct jv *j = jv_object();
    if (group)
        jv_set_take(j, "undone_group", jv_integer(group_id));
    else
        jv_set_take(j, "undone", jv_integer(id));
    http_json(rs, 200, j);
    jv_free(j);
}

/* GET /api/search?q=&limit=: crm_search's JSON as it is. */
void api_search(struct http_req *rq, struct http_resp *rs)
{
    const char *q = http_query(rq, "q");
    if (!q || !*q)
        return http_error(rs, 422, "invalid",
                          "search: the query parameter q (the text to find) "
                          "is missing");
    int64_t limit;
    if (!http_limit(rq, rs, "limit", API_SEARCH_DEFAULT, API_SEARCH_MAX,
                    &limit))
        return;
    struct kith_err err = KITH_ERR_INIT;
    struct crm *crm;
    struct jv *out = NULL;
    int ret = http_crm(rq, &crm, &err);
    if (ret >= 0)
        ret = crm_search(crm, q, limit, &out, &err);
    if (ret < 0)
        return http_fail(rs, ret, &err);
    http_json(rs, 200, out);
    jv_free(out);
}

/*
 * Member key of body as a whole number from 1 to max into *out (left as
 * it is when absent); false after answering 422.
 */
static bool body_count(const struct jv *body, const char *key, int64_t max,
                       int64_t *out, struct http_resp *rs)
{
    const struct jv *v = jv_get(body, key);
    if (!v)
        return true;
    if (jv_type(v) != JV_INT || jv_int(v) < 1 || jv_int(v) > max) {
        http_error(rs, 422, "invalid",
                   "\"%s\" must be a whole number from 1 to %lld", key,
                   (long long)max);
        return false;
    }
    *out = jv_int(v);
    return true;
}

/*
 * POST /api/sql {"sql", "timeout_ms"?, "max_rows"?}: crm_sql's
 * {"columns", "rows", "truncated"}. A statement that writes is refused
 * (422) by crm_sql; one that runs past its time limit answers 504.
 */
void api_sql(struct http_req *rq, struct http_resp *rs)
{
    struct jv *body = http_body_object(rq, rs);
    if (!body)
        return;
    struct crm_sql_limits lim = { 0 };
    const struct jv *sqlv = jv_get(body, "sql");
    const char *sql = jv_str(sqlv);
    if (!sql || strlen(sql) != jv_strlen(sqlv)) {
        jv_free(body);
        return http_error(rs, 422, "invalid",
                          "\"sql\" must be the statement's text (without "
                          "NUL characters)");
    }
    if (!body_count(body, "timeout_ms", CRM_SQL_MAX_TIMEOUT_MS,
                    &lim.timeout_ms, rs) ||
        !body_count(body, "max_rows", CRM_SQL_MAX_ROWS, &lim.max_rows, rs)) {
        jv_free(body);
        return;
    }
    struct kith_err err = KITH_ERR_INIT;
    struct crm *crm;
    struct jv *out = NULL;
    int ret = http_crm(rq, &crm, &err);
    if (ret >= 0)
        ret = crm_sql(crm, sql, &lim, &out, &err);
    jv_free(body);
    if (ret < 0)
        return http_fail(rs, ret, &err);
    http_json(rs, 200, out);
    jv_free(out);
}

/*
 * POST /api/objects/{obj}/entries/{id}/merge {"from": other id}: fold the
 * other entry into this one (one change group). Answers {"entry": the
 * merged entry, "merged": other id, "group": the group to undo}.
 */
void api_merge(struct http_req *rq, struct http_resp *rs)
{
    int64_t id = http_path_id(rq, rs, "entry");
    if (!id)
        return;
    struct jv *body = http_body_object(rq, rs);
    if (!body)
        return;
    const struct jv *fromv = jv_get(body, "from");
    int64_t from = jv_type(fromv) == JV_INT ? jv_int(fromv) : 0;
    jv_free(body);
    if (from < 1)
        return http_error(rs, 422, "invalid",
                          "\"from\" must be the id of the entry to merge in "
                          "(a positive whole number)");
    struct kith_err err = KITH_ERR_INIT;
    struct crm *crm;
    const char *obj = http_param(rq, "obj");
    int64_t group = 0;
    struct jv *entry = NULL;
    int ret = http_crm(rq, &crm, &err);
    if (ret >= 0)
        ret = crm_merge(crm, CRM_ACTOR_API, obj, id, from, &group, &err);
    if (ret >= 0)
        ret = crm_get(crm, obj, id, &entry, &err);
    if (ret < 0)
        return http_fail(rs, ret, &err);
    struct jv *j = jv_object();
    jv_set_take(j, "entry", entry);
    jv_set_take(j, "merged", jv_integer(from));
    jv_set_take(j, "group", jv_integer(group));
    http_json(rs, 200, j);
    jv_free(j);
}
