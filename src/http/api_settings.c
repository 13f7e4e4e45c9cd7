/*
 * api_settings: GET|PATCH /api/settings and GET /api/models, over
 * llm/settings.c (which owns the keys, where each is stored and how it is
 * checked) and llm_models.
 *
 * PATCH takes the shape GET answers, only the members to change:
 * {"model", "providers": {"openai": {"base_url", "api_key"}}, "agent":
 * {"approval"}}, each a string ("" or null unsets). Every member is
 * checked before anything is written, so a bad one (422 naming its key)
 * changes nothing. API keys go to secrets.env and are never sent back:
 * the answer says only whether each provider has one.
 */
#include "http/http_int.h"


#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "llm/llm.h"

#define PATCH_MAX 32 /* settings in one PATCH */

/* One setting of a PATCH body. */
struct change {
    char key[128];     /* "providers.openai.base_url" */
    const char *value; /* borrowed from the body; NULL unsets */
};

/* One PATCH's changes are applied together, never interleaved with
   another's (each file write is also locked across processes). */
static pthread_mutex_t settings_lock = PTHREAD_MUTEX_INITIALIZER;

static void answer_settings(struct http_req *rq, struct http_resp *rs)
{
    struct kith_err err = KITH_ERR_INIT;
    struct jv *j = NULL;
    int ret = llm_settings_json(rq->opts->workspace, &j, &err);
    if (ret < 0)
        return http_fail(rs, ret, &err);
    http_json(rs, 200, j);
    jv_free(j);
}

/* GET /api/settings */
void api_settings_get(struct http_req *rq, struct http_resp *rs)
{
    answer_settings(rq, rs);
}

/*
 * Flatten the object at prefix into changes, checking every key and
 * value; false after answering 422.
 */
static bool collect(const struct jv *obj, const char *prefix,
                    struct change *out, size_t *n, struct http_resp *rs)
{
    void *it = NULL;
    struct jv *v;
    const char *name;
    while ((name = jv_next(obj, &it, &v))) {
        char key[128];
        int len = snprintf(key, sizeof(key), "%s%s%s", prefix,
                           *prefix ? "." : "", name);
        struct kith_err err = KITH_ERR_INIT;
        if (len < 0 || (size_t)len >= sizeof(key)) {
            http_error(rs, 422, "invalid", "unknown setting '%.60s...'",
                       key);
            return false;
        }
        if (jv_type(v) == JV_OBJECT) {
            if (!collect(v, key, out, n, rs))
                return false;
            continue;
        }
        if (llm_settings_check_key(key, &err) < 0) {
            http_fail(rs, KITH_EINVAL, &err);
            return false;
        }
        if (jv_type(v) != JV_STRING && jv_type(v) != JV_NULL) {
            http_error(rs, 422, "invalid",
                       "%s: expected a string, or null to unset", key);
            return false;
        }
        const char *s = jv_str(v);
        if (llm_settings_validate(key, s, s ? jv_strlen(v) : 0, &err) < 0) {
            http_fail(rs, KITH_EINVAL, &err);
            return false;
        }
        if (*n == PATCH_MAX) {
            http_error(rs, 422, "invalid", "more than %d settings at once",
                       PATCH_MAX);
            return false;
        }
        memcpy(out[*n].key, key, (size_t)len + 1);
        out[*n].value = s;
        (*n)++;
    }
    return true;
}

/* PATCH /api/settings: 200 with the settings as GET answers them. */
void api_settings_update(struct http_req *rq, struct http_resp *rs)
{
    struct jv *body = http_body_object(rq, rs);
    if (!body)
        return;
    struct change changes[PATCH_MAX];
    size_t n = 0;
    struct kith_err err = KITH_ERR_INIT;
    int ret = KITH_OK;
    if (!collect(body, "", changes, &n, rs))
        goto out;
    pthread_mutex_lock(&settings_lock);
    for (size_t i = 0; i < n && ret == KITH_OK; i++)
        ret = llm_settings_set(rq->opts->workspace, changes[i].key,
                               changes[i].value, &err);
    pthread_mutex_unlock(&settings_lock);
    if (ret < 0)
        http_fail(rs, ret, &err);
    else
        answer_settings(rq, rs);
out:
    jv_free(body);
}

/*
 * GET /api/models[?provider=NAME]: {"model": "provider/model" | null,
 * "provider": NAME, "models": [{"id", "tools"}]} for the model in use (or
 * the named provider); 502 with the provider's message when it fails.
 */
void api_models(struct http_req *rq, struct http_resp *rs)
{
    const char *dir = rq->opts->workspace;
    const char *provider = http_query(rq, "provider");
    struct llm_target t = { 0 };
    struct kith_err err = KITH_ERR_INIT;
    struct jv *models = NULL, *j = NULL;
    char *model = NULL;
    int ret;
    if (provider && *provider) {
        ret = llm_resolve_provider(dir, provider, &t, &err);
        if (ret >= 0)
            ret = llm_settings_get(dir, "model", &model, &err);
    } else {
        ret = llm_resolve(dir, NULL, &t, &err);
    }
    if (ret < 0) {
        http_fail(rs, ret, &err);
        goto out;
    }
    struct llm_call_opts o = { .connect_timeout_ms = 5000,
                               .first_byte_timeout_ms = 20000,
                               .idle_timeout_ms = 20000,
                               .max_attempts = 1 };
    if (llm_models(&t, &o, &models, &err) < 0) {
        http_error(rs, 502, "upstream", "%s", err.msg);
        goto out;
    }
    j = jv_object();
    if (provider && *provider) {
        const char *env = getenv("KITH_MODEL");
        const char *in_use = env && *env ? env : model;
        jv_set_take(j, "model", in_use ? jv_string(in_use) : jv_null());
    } else {
        struct buf ref = BUF_INIT;
        buf_appendf(&ref, "%s/%s", t.provider, t.model);
        jv_set_take(j, "model", jv_string(ref.buf));
        buf_release(&ref);
    }
    jv_set_take(j, "provider", jv_string(t.provider));
    jv_set_take(j, "models", jv_ref(models));
    http_json(rs, 200, j);
out:
    jv_free(j);
    jv_free(models);
    free(model);
    llm_target_release(&t);
}

