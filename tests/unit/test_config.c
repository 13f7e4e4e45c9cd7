/*
 * test_config: the workspace's settings files (crm/config.c) in a fresh
 * temporary directory per case.
 *
 * config.json: a missing file gives the defaults; dotted keys are set,
 * nested objects made, NULL removes; the write keeps other members, is
 * mode 0644 and leaves no temporary file; a broken file is refused and
 * left as it was. secrets.env: get/set/unset keeping comments and other
 * lines, mode 0600 even when the umask is wide open, quotes and "export"
 * read, empty values are unset, bad names and multi-line values refused.
 * Writers in several processes at once lose nothing.
 */
#include "unit.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/buf.h"

static int setup(void **state)
{
    char tmpl[] = "/tmp/kith-test-config-XXXXXX";
    char *dir = mkdtemp(tmpl);
    if (!dir)
        return -1;
    *state = strdup(dir);
    return 0;
}

static int teardown(void **state)
{
    char *dir = *state;
    DIR *d = opendir(dir);
    struct dirent *e;
    while (d && (e = readdir(d))) {
        if (e->d_name[0] == '.' && (!e->d_name[1] || e->d_name[1] == '.'))
            continue;
        char path[512];
        snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
        unlink(path);
    }
    if (d)
        closedir(d);
    rmdir(dir);
    free(dir);
    return 0;
}

static void write_file(const char *dir, const char *name, const char *text,
                       mode_t mode)
{
    char path[512];
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
    chmod(path, mode);
}

/* The whole file; free() it. */
static char *read_file(const char *dir, const char *name)
{
    char path[512];
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    struct buf b = BUF_INIT;
    char chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
        buf_append(&b, chunk, n);
    fclose(f);
    return buf_detach(&b, NULL);
}

static mode_t file_mode(const char *dir, const char *name)
{
    char path[512];
    struct stat sb;
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    assert_int_equal(stat(path, &sb), 0);
    return sb.st_mode & 07777;
}

/* Number of entries in dir (to see that no temporary file was left). */
static int count_files(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    int n = 0;
    while ((e = readdir(d)))
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
            n++;
    closedir(d);
    return n;
}

static void test_config__missing_file_gives_defaults(void **state)
{
    struct jv *c = NULL;
    struct kith_err err = KITH_ERR_INIT;
    assert_int_equal(crm_config_read(*state, &c, &err), KITH_OK);
    assert_int_equal(jv_type(jv_get(c, "model")), JV_NULL);
    assert_string_equal(jv_str(crm_config_lookup(c, "agent.approval")),
                        "destructive");
    assert_int_equal(jv_int(crm_config_lookup(c, "server.port")), 3100);
    assert_null(crm_config_lookup(c, "providers.openai.base_url"));
    assert_null(crm_config_lookup(c, "agent.approval.deeper"));
    jv_free(c);
}

static void test_config__set_nested_keeps_others(void **state)
{
    const char *dir = *state;
    struct kith_err err = KITH_ERR_INIT;
    write_file(dir, "config.json",
               "{\"model\": null, \"server\": {\"port\": 4000}, "
               "\"custom\": [1, 2]}\n",
               0644);
    struct jv *v = jv_string("http://127.0.0.1:1234/v1");
    assert_int_equal(
        crm_config_set(dir, "providers.openai.base_url", v, &err), KITH_OK);
    jv_free(v);
    v = jv_string("openai/gpt-4.1-mini");
    assert_int_equal(crm_config_set(dir, "model", v, &err), KITH_OK);
    jv_free(v);

    struct jv *c = NULL;
    assert_int_equal(crm_config_read(dir, &c, &err), KITH_OK);
    assert_json(c, "{\"model\": \"openai/gpt-4.1-mini\", "
                   "\"server\": {\"port\": 4000}, \"custom\": [1, 2], "
                   "\"providers\": {\"openai\": "
                   "{\"base_url\": \"http://127.0.0.1:1234/v1\"}}}");
    jv_free(c);
    assert_int_equal(file_mode(dir, "config.json"), 0644);
    assert_int_equal(count_files(dir), 1);

    /* NULL removes the key; removing a missing one is fine */
    assert_int_equal(
        crm_config_set(dir, "providers.openai.base_url", NULL, &err),
        KITH_OK);
    assert_int_equal(crm_config_set(dir, "nothing.here", NULL, &err),
                     KITH_OK);
    assert_int_equal(crm_config_read(dir, &c, &err), KITH_OK);
    assert_null(crm_config_lookup(c, "providers.openai.base_url"));
    assert_null(jv_get(c, "nothing"));
    jv_free(c);
}

static void test_config__missing_file_set_starts_from_defaults(void **state)
{
    const char *dir = *state;
    struct kith_err err = KITH_ERR_INIT;
    struct jv *v = jv_string("never");
    assert_int_equal(crm_config_set(dir, "agent.approval", v, &err),
                     KITH_OK);
    jv_free(v);
    char *text = read_file(dir, "config.json");
    assert_contains(text, "\"approval\":\"never\"");
    assert_contains(text, "\"port\":3100");
    free(text);
}

static void test_config__broken_file_is_refused_untouched(void **state)
{
    const char *dir = *state;
    struct kith_err err = KITH_ERR_INIT;
    const char *broken = "{\"model\": \"openai/x\",\n  oops }\n";
    write_file(dir, "config.json", broken, 0644);
    struct jv *c = NULL;
    assert_int_equal(crm_config_read(dir, &c, &err), KITH_EINVAL);
    assert_null(c);
    assert_contains(err.msg, "config.json");
    assert_contains(err.msg, "line 2");
    struct jv *v = jv_string("never");
    assert_int_equal(crm_config_set(dir, "agent.approval", v, &err),
                     KITH_EINVAL);
    jv_free(v);
    char *text = read_file(dir, "config.json");
    assert_string_equal(text, broken);
    free(text);

    write_file(dir, "config.json", "[1, 2]", 0644);
    assert_int_equal(crm_config_read(dir, &c, &err), KITH_EINVAL);
    assert_contains(err.msg, "expected a JSON object");
}

static void test_config__secret_set_get_unset(void **state)
{
    const char *dir = *state;
    struct kith_err err = KITH_ERR_INIT;
    char *v = NULL;
    /* no file yet */
    assert_int_equal(crm_secret_get(dir, "OPENAI_API_KEY", &v, &err),
                     KITH_OK);
    assert_null(v);
    mode_t old = umask(0);
    assert_int_equal(crm_secret_set(dir, "OPENAI_API_KEY", "sk-one", &err),
                     KITH_OK);
    umask(old);
    assert_int_equal(file_mode(dir, "secrets.env"), 0600);
    assert_int_equal(crm_secret_get(dir, "OPENAI_API_KEY", &v, &err),
                     KITH_OK);
    assert_string_equal(v, "sk-one");
    free(v);

    write_file(dir, "secrets.env",
               "# API keys\n"
               "# OPENAI_API_KEY=\n"
               "OPENAI_API_KEY=sk-old\n"
               "export ANTHROPIC_API_KEY=\"sk-ant\"\n"
               "OTHER=keep me\n"
               "OPENAI_API_KEY=sk-dup\n",
               0644);
    assert_int_equal(crm_secret_get(dir, "ANTHROPIC_API_KEY", &v, &err),
                     KITH_OK);
    assert_string_equal(v, "sk-ant");
    free(v);
    assert_int_equal(crm_secret_get(dir, "OPENAI_API_KEY", &v, &err),
                     KITH_OK);
    assert_string_equal(v, "sk-dup"); /* the last one wins */
    free(v);

    assert_int_equal(crm_secret_set(dir, "OPENAI_API_KEY", "sk-new", &err),
                     KITH_OK);
    char *text = read_file(dir, "secrets.env");
    assert_string_equal(text, "# API keys\n"
                              "# OPENAI_API_KEY=\n"
                              "OPENAI_API_KEY=sk-new\n"
                              "export ANTHROPIC_API_KEY=\"sk-ant\"\n"
                              "OTHER=keep me\n");
    free(text);
    assert_int_equal(file_mode(dir, "secrets.env"), 0600);

    /* "" unsets, NULL too; comments stay */
    assert_int_equal(crm_secret_set(dir, "OPENAI_API_KEY", "", &err),
                     KITH_OK);
    assert_int_equal(crm_secret_set(dir, "ANTHROPIC_API_KEY", NULL, &err),
                     KITH_OK);
    text = read_file(dir, "secrets.env");
    assert_string_equal(text, "# API keys\n"
                              "# OPENAI_API_KEY=\n"
                              "OTHER=keep me\n");
    free(text);
    assert_int_equal(crm_secret_get(dir, "OPENAI_API_KEY", &v, &err),
                     KITH_OK);
    assert_null(v);
    assert_int_equal(count_files(dir), 1);
}

static void test_config__secret_empty_value_is_unset(void **state)
{
    const char *dir = *state;
    char *v = NULL;
    write_file(dir, "secrets.env", "OPENAI_API_KEY=\nX=''\n", 0600);
    assert_int_equal(crm_secret_get(dir, "OPENAI_API_KEY", &v, NULL),
                     KITH_OK);
    assert_null(v);
    assert_int_equal(crm_secret_get(dir, "X", &v, NULL), KITH_OK);
    assert_null(v);
    /* a name that is a prefix of another does not match it */
    write_file(dir, "secrets.env", "OPENAI_API_KEY_OLD=zzz\n", 0600);
    assert_int_equal(crm_secret_get(dir, "OPENAI_API_KEY", &v, NULL),
                     KITH_OK);
    assert_null(v);
}

static void test_config__secret_bad_input_refused(void **state)
{
    const char *dir = *state;
    struct kith_err err = KITH_ERR_INIT;
    static const char *const bad_names[] = { "", "1ABC", "A-B", "A=B",
                                             "A B" };
    for (size_t i = 0; i < sizeof(bad_names) / sizeof(*bad_names); i++) {
        assert_int_equal(crm_secret_set(dir, bad_names[i], "v", &err),
                         KITH_EINVAL);
        assert_contains(err.msg, "not a valid variable name");
    }
    assert_int_equal(crm_secret_set(dir, "K", "a\nB=evil", &err),
                     KITH_EINVAL);
    assert_contains(err.msg, "one line");
    assert_int_equal(crm_secret_set(dir, "K", "a\rb", &err), KITH_EINVAL);
    assert_int_equal(count_files(dir), 0); /* nothing was written */
}

/* Writers in several processes at once: no change is lost (the lock). */
static void test_config__concurrent_writers_lose_nothing(void **state)
{
    const char *dir = *state;
    enum { WRITERS = 6, ROUNDS = 5 };
    pid_t pids[WRITERS];
    for (int w = 0; w < WRITERS; w++) {
        pids[w] = fork();
        assert_true(pids[w] >= 0);
        if (pids[w] == 0) {
            int bad = 0;
            for (int r = 0; r < ROUNDS; r++) {
                char key[64], name[32];
                snprintf(key, sizeof(key), "w%d.r%d", w, r);
                snprintf(name, sizeof(name), "K_%d_%d", w, r);
                struct jv *v = jv_integer(r);
                bad |= crm_config_set(dir, key, v, NULL) < 0;
                bad |= crm_secret_set(dir, name, "v", NULL) < 0;
                jv_free(v);
            }
            _exit(bad);
        }
    }
    for (int w = 0; w < WRITERS; w++) {
        int status = 0;
        assert_int_equal(waitpid(pids[w], &status, 0), pids[w]);
        assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    }
    struct jv *c = NULL;
    assert_int_equal(crm_config_read(dir, &c, NULL), KITH_OK);
    for (int w = 0; w < WRITERS; w++)
        for (int r = 0; r < ROUNDS; r++) {
            char key[64], name[32];
            char *v = NULL;
            snprintf(key, sizeof(key), "w%d.r%d", w, r);
            snprintf(name, sizeof(name), "K_%d_%d", w, r);
            if (jv_int(crm_config_lookup(c, key)) != r)
                fail_msg("config.json lost %s", key);
            assert_int_equal(crm_secret_get(dir, name, &v, NULL), KITH_OK);
            if (!v)
                fail_msg("secrets.env lost %s", name);
            free(v);
        }
    jv_free(c);
    assert_int_equal(count_files(dir), 2); /* no temporary file left */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(
            test_config__missing_file_gives_defaults, setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_config__set_nested_keeps_others, setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_config__missing_file_set_starts_from_defaults, setup,
            teardown),
        cmocka_unit_test_setup_teardown(
            test_config__broken_file_is_refused_untouched, setup, teardown),
        cmocka_unit_test_setup_teardown(test_config__secret_set_get_unset,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_config__secret_empty_value_is_unset, setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_config__secret_bad_input_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_config__concurrent_writers_lose_nothing, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
