/*
 * resolve: which model, where, with which key (DESIGN, "Models").
 *
 * The model is the one asked for, else $KITH_MODEL, else config.json's
 * "model"; with none, Ollama (OLLAMA_HOST or 127.0.0.1:11434) is asked for
 * its models and the first that accepts tools is used. A provider's key
 * comes from its environment variable, else secrets.env; its base URL from
 * the environment, else secrets.env (same names), else config.json's
 * providers.NAME.base_url, else the provider's default. Also here: asking
 * Ollama whether a model accepts tools (POST /api/show).
 */
#include "llm/llm_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/xalloc.h"
#include "crm/crm.h"

#define PROBE_MODELS_MAX 16   /* Ollama models asked about at most */
#define SHOW_BODY_MAX (4 * 1024 * 1024)
#define OLLAMA_DEFAULT_PORT "11434"

/* ---- names ---- */

const char *llm_key_name(const struct llm_provider *p)
{
    if (p->key_env)
        return p->key_env;
    return p->wire == LLM_OLLAMA ? "OLLAMA_API_KEY" : "OPENAI_API_KEY";
}

const char *llm_base_name(const struct llm_provider *p)
{
    if (p->base_env)
        return p->base_env;
    return p->wire == LLM_OLLAMA ? "OLLAMA_HOST" : "OPENAI_BASE_URL";
}

static const char *env_value(const char *name)
{
    const char *v = getenv(name);
    return v && *v ? v : NULL;
}

/*
 * A base URL as requests use it: OLLAMA_HOST's "host", "host:port" or
 * "host:port/path" forms get http:// (and Ollama's port when none was
 * given); the trailing '/' goes. Returns a heap string.
 */
static char *normalise_base(const struct llm_provider *p, const char *v)
{
    struct buf b = BUF_INIT;
    if (p->wire == LLM_OLLAMA && !strstr(v, "://")) {
        const char *slash = strchr(v, '/');
        size_t host_len = slash ? (size_t)(slash - v) : strlen(v);
        /* "[::1]:11434" has a port, "[::1]" has none */
        const char *close = v[0] == '[' ? memchr(v, ']', host_len) : NULL;
        bool has_port = v[0] == '['
                            ? close && close + 1 < v + host_len &&
                                  close[1] == ':'
                            : memchr(v, ':', host_len) != NULL;
        buf_appends(&b, "http://");
        buf_append(&b, v, host_len);
        if (!has_port)
            buf_appends(&b, ":" OLLAMA_DEFAULT_PORT);
        if (slash)
            buf_appends(&b, slash);
    } else {
        buf_appends(&b, v);
    }
    while (b.len > 0 && b.buf[b.len - 1] == '/')
        buf_truncate(&b, b.len - 1);
    return buf_detach(&b, NULL);
}

/* ---- one provider's endpoint and key ---- */

int llm_provider_config(const char *dir, const struct jv *config,
                        const struct llm_provider *p, char **base_url,
                        char **api_key, const char **key_source,
                        struct kith_err *err)
{
    char *secret = NULL;
    int ret = KITH_OK;
    *base_url = NULL;
    *api_key = NULL;
    if (key_source)
        *key_source = NULL;

    const char *key_name = llm_key_name(p), *base_name = llm_base_name(p);
    const char *env = env_value(key_name);
    if (env) {
        *api_key = xstrdup(env);
        if (key_source)
            *key_source = "env";
    } else if (dir) {
        if ((ret = crm_secret_get(dir, key_name, api_key, err)) < 0)
            goto out;
        if (*api_key && key_source)
            *key_source = "secrets.env";
    }

    if ((env = env_value(base_name))) {
        *base_url = normalise_base(p, env);
        goto out;
    }
    if (dir && (ret = crm_secret_get(dir, base_name, &secret, err)) < 0)
        goto out;
    if (secret) {
        *base_url = normalise_base(p, secret);
        goto out;
    }
    char key[64];
    snprintf(key, sizeof(key), "providers.%s.base_url", p->name);
    const struct jv *conf = config ? crm_config_lookup(config, key) : NULL;
    if (jv_type(conf) == JV_STRING && jv_strlen(conf))
        *base_url = normalise_base(p, jv_str(conf));
    else
        *base_url = normalise_base(p, p->default_base);
out:
    free(secret);
    if (ret < 0) {
        free(*api_key);
        *api_key = NULL;
    }
    return ret;
}

/* Fill out for provider p and model, reading the workspace's settings. */
static int make_target(const char *dir, const struct jv *config,
                       const struct llm_provider *p, const char *model,
                       size_t model_len, struct llm_target *out,
                       struct kith_err *err)
{
    char *base = NULL, *key = NULL;
    int ret = llm_provider_config(dir, config, p, &base, &key, NULL, err);
    if (ret < 0)
        return ret;
    out->provider = xstrdup(p->name);
    out->wire = p->wire;
    out->model = xstrndup(model, model_len);
    out->base_url = base;
    out->api_key = key;
    return KITH_OK;
}

/* config.json of dir, or an empty object when dir is NULL. */
static int read_config(const char *dir, struct jv **out,
                       struct kith_err *err)
{
    if (!dir) {
        *out = jv_object();
        return KITH_OK;
    }
    return crm_config_read(dir, out, err);
}

/* ---- Ollama: does a model accept tools? ---- */

static int collect(void *ctx, const char *data, size_t n)
{
    return buf_append(ctx, data, n);
}

int llm_model_tools(const struct llm_target *t, const struct llm_call_opts *o,
                    int *out, struct kith_err *err)
{
    *out = -1;
    if (t->wire != LLM_OLLAMA)
        return KITH_OK;
    const struct llm_provider *p = llm_provider_of(t->wire);
    struct buf url = BUF_INIT, headers = BUF_INIT, body = BUF_INIT,
               answer = BUF_INIT;
    struct llm_http_result r;
    struct jv *show = NULL;
    llm_http_result_init(&r);
    buf_init(&answer, SHOW_BODY_MAX);
    buf_appendf(&url, "%s/api/show", t->base_url);
    if (p->headers)
        p->headers(t, &headers);
    struct jw w;
    jw_init(&w, &body);
    jw_obj(&w);
    jw_key(&w, "model");
    jw_str(&w, t->model);
    jw_end_obj(&w);
    int ret = llm_http(url.buf, headers.buf, body.buf, body.len, collect,
                       &answer, o, &r, err);
    if (ret < 0)
        goto out;
    if (r.status < 200 || r.status > 299) {
        if (p->error)
            p->error(t, r.status, r.body.buf, r.body.len, err);
        else
            kith_errf(err, KITH_EUPSTREAM, "%s: %d from %s", p->name,
                      r.status, url.buf);
        ret = KITH_EUPSTREAM;
        goto out;
    }
    show = jv_parse(answer.buf, answer.len, NULL);
    const struct jv *caps = jv_get(show, "capabilities");
    if (jv_type(caps) != JV_ARRAY)
        goto out; /* an older Ollama: unknown */
    *out = 0;
    for (size_t i = 0; i < jv_len(caps); i++) {
        const char *cap = jv_str(jv_at(caps, i));
        if (cap && !strcmp(cap, "tools"))
            *out = 1;
    }
out:
    jv_free(show);
    llm_http_result_release(&r);
    buf_release(&url);
    buf_release(&headers);
    buf_release(&body);
    buf_release(&answer);
    return ret;
}

/* ---- resolving ---- */

static const char no_model_msg[] =
    "no model configured: set KITH_MODEL=provider/model or run kith "
    "config set model openai/gpt-4.1-mini (or start Ollama)";

/* With no model configured: the first Ollama model that accepts tools. */
static int probe_ollama(const char *dir, const struct jv *config,
                        struct llm_target *out, struct kith_err *err)
{
    struct llm_target t = { 0 };
    struct jv *models = NULL;
    int ret = make_target(dir, config, &llm_ollama, "", 0, &t, err);
    if (ret < 0)
        return ret;
    struct llm_call_opts o = {
        .connect_timeout_ms = 1000,
        .first_byte_timeout_ms = 5000,
        .idle_timeout_ms = 5000,
        .max_attempts = 1,
    };
    struct kith_err ignored = KITH_ERR_INIT;
    ret = KITH_ENOTFOUND;
    if (llm_models(&t, &o, &models, &ignored) < 0)
        goto out;
    for (size_t i = 0; i < jv_len(models) && i < PROBE_MODELS_MAX; i++) {
        const struct jv *m = jv_at(models, i);
        const char *id = jv_str(jv_get(m, "id"));
        const struct jv *tools = jv_get(m, "tools");
        if (!id || !*id || (jv_type(tools) == JV_BOOL && !jv_bool(tools)))
            continue;
        int yes = jv_bool(tools) ? 1 : 0;
        free(t.model);
        t.model = xstrdup(id);
        if (!yes && llm_model_tools(&t, &o, &yes, &ignored) < 0)
            continue;
        if (yes == 1) {
            *out = t;
            memset(&t, 0, sizeof(t));
            ret = KITH_OK;
            goto out;
        }
    }
out:
    jv_free(models);
    llm_target_release(&t);
    if (ret < 0)
        kith_errf(err, KITH_ENOTFOUND, "%s", no_model_msg);
    return ret;
}

int llm_parse_model_ref(const char *ref, const struct llm_provider **p,
                        const char **model, struct kith_err *err)
{
    const char *slash = ref ? strchr(ref, '/') : NULL;
    if (!slash || slash == ref || !slash[1])
        return kith_errf(err, KITH_EINVAL,
                         "model '%s' is not provider/model (for example "
                         "openai/gpt-4.1-mini, anthropic/claude-sonnet-4-5 "
                         "or ollama/qwen2.5:7b)",
                         ref ? ref : "");
    char provider[32];
    size_t n = (size_t)(slash - ref);
    if (n >= sizeof(provider))
        n = sizeof(provider) - 1;
    memcpy(provider, ref, n);
    provider[n] = '\0';
    enum llm_wire wire;
    int ret = llm_wire_of(provider, &wire, err);
    if (ret < 0)
        return ret;
    *p = llm_provider_of(wire);
    *model = slash + 1;
    return KITH_OK;
}

int llm_resolve(const char *dir, const char *model, struct llm_target *out,
                struct kith_err *err)
{
    struct jv *config = NULL;
    memset(out, 0, sizeof(*out));
    int ret = read_config(dir, &config, err);
    if (ret < 0)
        return ret;
    const char *ref = model && *model ? model : env_value("KITH_MODEL");
    if (!ref) {
        const struct jv *m = jv_get(config, "model");
        if (jv_type(m) == JV_STRING && jv_strlen(m))
            ref = jv_str(m);
    }
    if (!ref) {
        ret = probe_ollama(dir, config, out, err);
        goto out;
    }
    const struct llm_provider *p;
    const char *name;
    if ((ret = llm_parse_model_ref(ref, &p, &name, err)) < 0)
        goto out;
    ret = make_target(dir, config, p, name, strlen(name), out, err);
out:
    jv_free(config);
    return ret;
}

int llm_resolve_provider(const char *dir, const char *provider,
                         struct llm_target *out, struct kith_err *err)
{
    struct jv *config = NULL;
    enum llm_wire wire;
    memset(out, 0, sizeof(*out));
    int ret = llm_wire_of(provider, &wire, err);
    if (ret < 0)
        return ret;
    if ((ret = read_config(dir, &config, err)) < 0)
        return ret;
    ret = make_target(dir, config, llm_provider_of(wire), "", 0, out, err);
    jv_free(config);
    return ret;
}
