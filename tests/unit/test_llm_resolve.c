/*
 * test_llm_resolve: which model, where and with which key (llm/resolve.c),
 * and the settings table (llm/settings.c), on a temporary workspace.
 *
 * The model is the argument, else $KITH_MODEL, else config.json's; keys
 * come from the environment before secrets.env; base URLs from the
 * environment, then secrets.env, then config.json, then the default, with
 * the trailing '/' gone and OLLAMA_HOST's "host:port" forms made URLs.
 * With no model and no Ollama, KITH_ENOTFOUND says how to configure one.
 * Settings: each key checked (unknown keys get a suggestion), API keys go
 * to secrets.env and are only ever reported as set.
 */
#include "unit.h"

#include <sys/stat.h>
#include <unistd.h>

#include "llm/llm_int.h"

static const char *const env_names[] = {
    "KITH_MODEL",        "OPENAI_API_KEY",     "OPENAI_BASE_URL",
    "ANTHROPIC_API_KEY", "ANTHROPIC_BASE_URL", "OLLAMA_HOST",
    "OLLAMA_API_KEY",
};

static void clear_env(void)
{
    for (size_t i = 0; i < sizeof(env_names) / sizeof(*env_names); i++)
        unsetenv(env_names[i]);
}

static int setup(void **state)
{
    char tmpl[] = "/tmp/kith-test-resolve-XXXXXX";
    char *dir = mkdtemp(tmpl);
    if (!dir)
        return -1;
    clear_env();
    setenv("OLLAMA_HOST", "127.0.0.1:1", 1); /* never a real Ollama */
    *state = strdup(dir);
    return 0;
}

static int teardown(void **state)
{
    char *dir = *state, path[512];
    static const char *const files[] = { "config.json", "secrets.env" };
    for (size_t i = 0; i < 2; i++) {
        snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
        unlink(path);
    }
    rmdir(dir);
    free(dir);
    clear_env();
    return 0;
}

static void set_ok(const char *dir, const char *key, const char *value)
{
    struct kith_err err = KITH_ERR_INIT;
    if (llm_settings_set(dir, key, value, &err) < 0)
        fail_msg("set %s: %s", key, err.msg);
}

static struct llm_target resolve_ok(const char *dir, const char *model)
{
    struct llm_target t;
    struct kith_err err = KITH_ERR_INIT;
    if (llm_resolve(dir, model, &t, &err) < 0)
        fail_msg("resolve %s: %s", model ? model : "(none)", err.msg);
    return t;
}

static void test_resolve__model_refs(void **state)
{
    const char *dir = *state;
    struct llm_target t = resolve_ok(dir, "openai/gpt-4.1-mini");
    assert_string_equal(t.provider, "openai");
    assert_int_equal(t.wire, LLM_OPENAI);
    assert_string_equal(t.model, "gpt-4.1-mini");
    assert_string_equal(t.base_url, "https://api.openai.com/v1");
    assert_null(t.api_key);
    llm_target_release(&t);

    /* only the first '/' separates */
    t = resolve_ok(dir, "ollama/library/qwen2.5:7b");
    assert_string_equal(t.provider, "ollama");
    assert_string_equal(t.model, "library/qwen2.5:7b");
    llm_target_release(&t);

    static const char *const bad[] = { "gpt4", "openai/", "/gpt" };
    struct kith_err err = KITH_ERR_INIT;
    for (size_t i = 0; i < 3; i++) {
        assert_int_equal(llm_resolve(dir, bad[i], &t, &err), KITH_EINVAL);
        assert_contains(err.msg, "is not provider/model");
    }
    assert_int_equal(llm_resolve(dir, "mistral/large", &t, &err),
                     KITH_EINVAL);
    assert_contains(err.msg, "unknown provider 'mistral'");
}

static void test_resolve__model_precedence(void **state)
{
    const char *dir = *state;
    set_ok(dir, "model", "anthropic/claude-sonnet-4-5");
    struct llm_target t = resolve_ok(dir, NULL);
    assert_string_equal(t.provider, "anthropic");
    assert_string_equal(t.base_url, "https://api.anthropic.com");
    llm_target_release(&t);
    setenv("KITH_MODEL", "ollama/qwen2.5:7b", 1);
    t = resolve_ok(dir, NULL);
    assert_string_equal(t.model, "qwen2.5:7b");
    llm_target_release(&t);
    t = resolve_ok(dir, "openai/x"); /* the argument wins */
    assert_string_equal(t.model, "x");
    llm_target_release(&t);
}

static void test_resolve__keys_and_base_urls(void **state)
{
    const char *dir = *state;
    set_ok(dir, "providers.openai.api_key", "sk-file");
    set_ok(dir, "providers.openai.base_url", "http://conf:1/v1/");
    struct llm_target t = resolve_ok(dir, "openai/m");
    assert_string_equal(t.api_key, "sk-file");
    assert_string_equal(t.base_url, "http://conf:1/v1");
    llm_target_release(&t);

    /* secrets.env's OPENAI_BASE_URL beats config.json */
    assert_int_equal(
        crm_secret_set(dir, "OPENAI_BASE_URL", "http://secret:2/v1", NULL),
        KITH_OK);
    t = resolve_ok(dir, "openai/m");
    assert_string_equal(t.base_url, "http://secret:2/v1");
    llm_target_release(&t);

    /* the environment beats both */
    setenv("OPENAI_API_KEY", "sk-env", 1);
    setenv("OPENAI_BASE_URL", "http://env:3/v1//", 1);
    t = resolve_ok(dir, "openai/m");
    assert_string_equal(t.api_key, "sk-env");
    assert_string_equal(t.base_url, "http://env:3/v1");
    llm_target_release(&t);

    /* an empty variable counts as unset */
    setenv("OPENAI_API_KEY", "", 1);
    t = resolve_ok(dir, "openai/m");
    assert_string_equal(t.api_key, "sk-file");
    llm_target_release(&t);
}

static void test_resolve__ollama_host_forms(void **state)
{
    static const struct {
        const char *host, *want;
    } cases[] = {
        { "gpu-box:11500", "http://gpu-box:11500" },
        { "gpu-box", "http://gpu-box:11434" },
        { "0.0.0.0", "http://0.0.0.0:11434" },
        { "[::1]:9000", "http://[::1]:9000" },
        { "[::1]", "http://[::1]:11434" },
        { "https://ollama.example.com/", "https://ollama.example.com" },
        { "example.com:8080/ollama/", "http://example.com:8080/ollama" },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
        setenv("OLLAMA_HOST", cases[i].host, 1);
        struct llm_target t = resolve_ok(*state, "ollama/m");
        assert_string_equal(t.base_url, cases[i].want);
        llm_target_release(&t);
    }
    /* OLLAMA_API_KEY is optional and used when present */
    setenv("OLLAMA_API_KEY", "ol-key", 1);
    struct llm_target t = resolve_ok(*state, "ollama/m");
    assert_string_equal(t.api_key, "ol-key");
    llm_target_release(&t);
}

static void test_resolve__no_model_no_ollama(void **state)
{
    struct llm_target t;
    struct kith_err err = KITH_ERR_INIT;
    assert_int_equal(llm_resolve(*state, NULL, &t, &err), KITH_ENOTFOUND);
    assert_string_equal(
        err.msg, "no model configured: set KITH_MODEL=provider/model or run "
                 "kith config set model openai/gpt-4.1-mini (or start "
                 "Ollama)");
    assert_null(t.provider);
}

static void test_resolve__provider_alone(void **state)
{
    struct llm_target t;
    struct kith_err err = KITH_ERR_INIT;
    setenv("ANTHROPIC_API_KEY", "sk-ant", 1);
    assert_int_equal(llm_resolve_provider(*state, "anthropic", &t, &err),
                     KITH_OK);
    assert_string_equal(t.model, "");
    assert_string_equal(t.api_key, "sk-ant");
    llm_target_release(&t);
    assert_int_equal(llm_resolve_provider(*state, "x", &t, &err),
                     KITH_EINVAL);
}

static void test_settings__keys_checked(void **state)
{
    const char *dir = *state;
    struct kith_err err = KITH_ERR_INIT;
    assert_int_equal(llm_settings_set(dir, "modle", "openai/x", &err),
                     KITH_EINVAL);
    assert_string_equal(err.msg,
                        "unknown setting 'modle'; did you mean 'model'?");
    assert_int_equal(llm_settings_set(dir, "agent.approval", "maybe", &err),
                     KITH_EINVAL);
    assert_contains(err.msg, "agent.approval: 'maybe'");
    assert_int_equal(
        llm_settings_set(dir, "providers.ollama.base_url", "gpu:1", &err),
        KITH_EINVAL);
    assert_contains(err.msg, "providers.ollama.base_url: 'gpu:1' is not");
    assert_int_equal(llm_settings_validate("model", "openai/a\0b", 10, &err),
                     KITH_EINVAL);
    assert_contains(err.msg, "NUL");
    assert_true(llm_settings_is_secret("providers.anthropic.api_key"));
    assert_false(llm_settings_is_secret("providers.anthropic.base_url"));
    size_t n = 0;
    while (llm_settings_key(n))
        n++;
    assert_int_equal(n, 8);
}

static void test_settings__secret_never_read_out(void **state)
{
    const char *dir = *state;
    char *v = NULL;
    struct kith_err err = KITH_ERR_INIT;
    set_ok(dir, "providers.anthropic.api_key", "sk-hidden");
    assert_int_equal(
        llm_settings_get(dir, "providers.anthropic.api_key", &v, &err),
        KITH_OK);
    assert_string_equal(v, "set");
    free(v);
    struct jv *j = NULL;
    assert_int_equal(llm_settings_json(dir, &j, &err), KITH_OK);
    char *text = jv_dump(j);
    assert_not_contains(text, "sk-hidden");
    free(text);
    assert_true(jv_bool(crm_config_lookup(j, "providers.anthropic.api_key_set")));
    assert_string_equal(
        jv_str(crm_config_lookup(j, "providers.anthropic.api_key_source")),
        "secrets.env");
    assert_false(jv_bool(crm_config_lookup(j, "providers.openai.api_key_set")));
    jv_free(j);

    char path[512];
    struct stat sb;
    snprintf(path, sizeof(path), "%s/secrets.env", dir);
    assert_int_equal(stat(path, &sb), 0);
    assert_int_equal(sb.st_mode & 0777, 0600);

    set_ok(dir, "providers.anthropic.api_key", "");
    assert_int_equal(
        llm_settings_get(dir, "providers.anthropic.api_key", &v, &err),
        KITH_OK);
    assert_null(v);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_resolve__model_refs),
        T(test_resolve__model_precedence),
        T(test_resolve__keys_and_base_urls),
        T(test_resolve__ollama_host_forms),
        T(test_resolve__no_model_no_ollama),
        T(test_resolve__provider_alone),
        T(test_settings__keys_checked),
        T(test_settings__secret_never_read_out),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
