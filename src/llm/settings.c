/*
 * settings: the one table of what `kith config` and /api/settings may
 * read and write (llm.h, "settings").
 *
 * Each setting says where it lives (config.json or secrets.env), how its
 * value is checked and whether it is a secret. Secrets go to secrets.env
 * (mode 0600) under the provider's own variable name and are never read
 * back out: only whether one is set. The file handling itself is
 * crm/config.c's.
 */
#include "llm/llm_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/suggest.h"
#include "base/xalloc.h"
#include "crm/crm.h"

enum setting_kind {
    SETTING_MODEL,    /* "provider/model" */
    SETTING_BASE_URL, /* http(s) URL */
    SETTING_API_KEY,  /* secret */
    SETTING_APPROVAL, /* always | destructive | never */
};

struct setting {
    const char *key; /* "providers.openai.base_url" */
    enum setting_kind kind;
    enum llm_wire wire; /* the provider, for BASE_URL and API_KEY */
};

static const struct setting settings[] = {
    { "model", SETTING_MODEL, LLM_OPENAI },
    { "providers.openai.base_url", SETTING_BASE_URL, LLM_OPENAI },
    { "providers.openai.api_key", SETTING_API_KEY, LLM_OPENAI },
    { "providers.anthropic.base_url", SETTING_BASE_URL, LLM_ANTHROPIC },
    { "providers.anthropic.api_key", SETTING_API_KEY, LLM_ANTHROPIC },
    { "providers.ollama.base_url", SETTING_BASE_URL, LLM_OLLAMA },
    { "providers.ollama.api_key", SETTING_API_KEY, LLM_OLLAMA },
    { "agent.approval", SETTING_APPROVAL, LLM_OPENAI },
};
#define NSETTINGS (sizeof(settings) / sizeof(*settings))

static const char *const approvals[] = { "always", "destructive", "never" };
#define APPROVAL_DEFAULT "destructive"
#define SETTING_VALUE_MAX 4096

static const struct setting *setting_find(const char *key)
{
    for (size_t i = 0; key && i < NSETTINGS; i++)
        if (!strcmp(settings[i].key, key))
            return &settings[i];
    return NULL;
}

const char *llm_settings_key(size_t i)
{
    return i < NSETTINGS ? settings[i].key : NULL;
}

int llm_settings_check_key(const char *key, struct kith_err *err)
{
    if (setting_find(key))
        return KITH_OK;
    const char *names[NSETTINGS];
    for (size_t i = 0; i < NSETTINGS; i++)
        names[i] = settings[i].key;
    const char *hint = suggest_closest(key ? key : "", names, NSETTINGS);
    if (hint)
        return kith_errf(err, KITH_EINVAL,
                         "unknown setting '%s'; did you mean '%s'?", key,
                         hint);
    return kith_errf(err, KITH_EINVAL,
                     "unknown setting '%s': use model, "
                     "providers.NAME.base_url, providers.NAME.api_key "
                     "(NAME: openai, anthropic, ollama) or agent.approval",
                     key ? key : "");
}

bool llm_settings_is_secret(const char *key)
{
    const struct setting *s = setting_find(key);
    return s && s->kind == SETTING_API_KEY;
}

/* An http:// or https:// URL with a host and no spaces. */
static bool is_http_url(const char *v)
{
    const char *host = !strncmp(v, "http://", 7)    ? v + 7
                       : !strncmp(v, "https://", 8) ? v + 8
                                                    : NULL;
    if (!host || !*host || *host == '/' || *host == ':')
        return false;
    for (const char *p = v; *p; p++)
        if ((unsigned char)*p <= ' ' || *p == 0x7f)
            return false;
    return true;
}

int llm_settings_validate(const char *key, const char *value, size_t len,
                          struct kith_err *err)
{
    int ret = llm_settings_check_key(key, err);
    if (ret < 0)
        return ret;
    if (!value || !len)
        return KITH_OK;
    if (strlen(value) != len)
        return kith_errf(err, KITH_EINVAL, "%s: the value contains a NUL",
                         key);
    if (len > SETTING_VALUE_MAX)
        return kith_errf(err, KITH_EINVAL,
                         "%s: the value is longer than %d bytes", key,
                         SETTING_VALUE_MAX);
    if (strpbrk(value, "\r\n"))
        return kith_errf(err, KITH_EINVAL, "%s: the value must be one line",
                         key);
    const struct setting *s = setting_find(key);
    switch (s->kind) {
    case SETTING_MODEL: {
        const struct llm_provider *p;
        const char *model;
        struct kith_err why = KITH_ERR_INIT;
        if (llm_parse_model_ref(value, &p, &model, &why) < 0)
            return kith_errf(err, KITH_EINVAL, "%s%s", /* names the key */
                             strncmp(why.msg, "model ", 6) ? "model: " : "",
                             why.msg);
        return KITH_OK;
    }
    case SETTING_BASE_URL:
        if (!is_http_url(value))
            return kith_errf(err, KITH_EINVAL,
                             "%s: '%s' is not an http:// or https:// URL "
                             "(for example http://127.0.0.1:1234/v1)",
                             key, value);
        return KITH_OK;
    case SETTING_API_KEY:
        for (const char *p = value; *p; p++)
            if ((unsigned char)*p < ' ' || *p == 0x7f)
                return kith_errf(err, KITH_EINVAL,
                                 "%s: the key contains a control character",
                                 key);
        return KITH_OK;
    case SETTING_APPROVAL:
        for (size_t i = 0; i < sizeof(approvals) / sizeof(*approvals); i++)
            if (!strcmp(value, approvals[i]))
                return KITH_OK;
        return kith_errf(err, KITH_EINVAL,
                         "%s: '%s' is not one of always, destructive, never",
                         key, value);
    }
    return KITH_OK;
}

int llm_settings_set(const char *dir, const char *key, const char *value,
                     struct kith_err *err)
{
    size_t len = value ? strlen(value) : 0;
    int ret = llm_settings_validate(key, value, len, err);
    if (ret < 0)
        return ret;
    const struct setting *s = setting_find(key);
    if (s->kind == SETTING_API_KEY)
        return crm_secret_set(dir, llm_key_name(llm_provider_of(s->wire)),
                              len ? value : NULL, err);
    struct jv *v = len ? jv_string(value) : NULL;
    if (!v && s->kind == SETTING_MODEL)
        v = jv_null(); /* the shape of a new workspace's config.json */
    ret = crm_config_set(dir, key, v, err);
    jv_free(v);
    return ret;
}

int llm_settings_get(const char *dir, const char *key, char **out,
                     struct kith_err *err)
{
    *out = NULL;
    int ret = llm_settings_check_key(key, err);
    if (ret < 0)
        return ret;
    const struct setting *s = setting_find(key);
    if (s->kind == SETTING_API_KEY) {
        char *secret = NULL;
        ret = crm_secret_get(dir, llm_key_name(llm_provider_of(s->wire)),
                             &secret, err);
        if (secret)
            *out = xstrdup("set");
        free(secret);
        return ret;
    }
    struct jv *config = NULL;
    if ((ret = crm_config_read(dir, &config, err)) < 0)
        return ret;
    const struct jv *v = crm_config_lookup(config, key);
    if (jv_type(v) == JV_STRING && jv_strlen(v))
        *out = xstrdup(jv_str(v));
    else if (s->kind == SETTING_APPROVAL)
        *out = xstrdup(APPROVAL_DEFAULT);
    jv_free(config);
    return KITH_OK;
}

/* A string member, or JSON null when s is NULL (s is not consumed). */
static struct jv *string_or_null(const char *s)
{
    return s ? jv_string(s) : jv_null();
}

/* One provider's member of llm_settings_json. */
static int provider_json(const char *dir, const struct jv *config,
                         const struct llm_provider *p, struct jv **out,
                         struct kith_err *err)
{
    char *base = NULL, *key = NULL, conf_key[64];
    const char *source = NULL;
    int ret = llm_provider_config(dir, config, p, &base, &key, &source, err);
    if (ret < 0)
        return ret;
    snprintf(conf_key, sizeof(conf_key), "providers.%s.base_url", p->name);
    const struct jv *conf = crm_config_lookup(config, conf_key);
    struct jv *o = jv_object();
    jv_set_take(o, "base_url",
                string_or_null(jv_type(conf) == JV_STRING && jv_strlen(conf)
                                   ? jv_str(conf)
                                   : NULL));
    jv_set_take(o, "base_url_in_use", jv_string(base));
    jv_set_take(o, "api_key_set", jv_boolean(key != NULL));
    jv_set_take(o, "api_key_source", string_or_null(source));
    free(base);
    free(key); /* read only to know it is there */
    *out = o;
    return KITH_OK;
}

int llm_settings_json(const char *dir, struct jv **out, struct kith_err *err)
{
    static const enum llm_wire wires[] = { LLM_OPENAI, LLM_ANTHROPIC,
                                           LLM_OLLAMA };
    struct jv *config = NULL, *res = NULL;
    *out = NULL;
    int ret = crm_config_read(dir, &config, err);
    if (ret < 0)
        return ret;
    res = jv_object();
    const struct jv *m = jv_get(config, "model");
    const char *model = jv_type(m) == JV_STRING && jv_strlen(m) ? jv_str(m)
                                                                 : NULL;
    const char *env = getenv("KITH_MODEL");
    jv_set_take(res, "model", string_or_null(model));
    jv_set_take(res, "model_in_use",
                string_or_null(env && *env ? env : model));
    struct jv *providers = jv_object();
    jv_set_take(res, "providers", providers);
    for (size_t i = 0; i < sizeof(wires) / sizeof(*wires); i++) {
        const struct llm_provider *p = llm_provider_of(wires[i]);
        struct jv *one = NULL;
        if ((ret = provider_json(dir, config, p, &one, err)) < 0)
            goto out;
        jv_set_take(providers, p->name, one);
    }
    const struct jv *a = crm_config_lookup(config, "agent.approval");
    struct jv *agent = jv_object();
    jv_set_take(agent, "approval",
                jv_string(jv_type(a) == JV_STRING && jv_strlen(a)
                              ? jv_str(a)
                              : APPROVAL_DEFAULT));
    jv_set_take(res, "agent", agent);
    *out = res;
    res = NULL;
out:
    jv_free(config);
    jv_free(res);
    return ret;
}
