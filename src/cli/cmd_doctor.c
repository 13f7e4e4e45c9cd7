/*
 * cmd_doctor: kith doctor — is everything in order, and if not, what to do.
 *
 * One line per check, "ok" or "problem", with a "fix:" line under each
 * problem: the workspace (kith.db opens, integrity_check, schema version,
 * config.json parses), the token and secrets.env are private (0600), a
 * model is configured (or Ollama found), and for the chosen provider and
 * every other configured one whether a key is present (never shown) and
 * whether it answers; finally whether the chosen model accepts tools.
 * Exit 0 when there is no problem, 1 otherwise. --json prints
 * {"ok": bool, "checks": [{"check", "status", "detail", "fix"}]}.
 */
#include "cli/cli.h"


#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/buf.h"
#include "db/db.h"
#include "llm/llm.h"

struct doctor {
    struct cli *c;
    struct jv *checks;
    bool problem;
    struct llm_call_opts opts; /* short timeouts: a check, not a chat */
};

/* Record one check; fix only for a problem (may be NULL). */
static void report(struct doctor *d, const char *check, bool ok,
                   const char *detail, const char *fix)
{
    struct jv *j = jv_object();
    jv_set_take(j, "check", jv_string(check));
    jv_set_take(j, "status", jv_string(ok ? "ok" : "problem"));
    jv_set_take(j, "detail", jv_string(detail));
    jv_set_take(j, "fix", ok || !fix ? jv_null() : jv_string(fix));
    jv_push_take(d->checks, j);
    if (!ok)
        d->problem = true;
}

/*
 * Report a failed call: the provider's message, with the hint after its
 * " — " (what llm errors end with) as the fix, else default_fix.
 */
static void report_error(struct doctor *d, const char *check,
                         const char *msg, const char *default_fix)
{
    const char *dash = strstr(msg, " \xe2\x80\x94 ");
    if (!dash) {
        report(d, check, false, msg, default_fix);
        return;
    }
    struct buf detail = BUF_INIT;
    buf_append(&detail, msg, (size_t)(dash - msg));
    report(d, check, false, detail.buf, dash + 5);
    buf_release(&detail);
}

/* ---- the workspace ---- */

static void check_database(struct doctor *d)
{
    const char *dir = d->c->workspace;
    struct crm *crm = NULL;
    struct kith_err err = KITH_ERR_INIT;
    struct buf b = BUF_INIT;
    if (crm_open(dir, &crm, &err) < 0) {
        report(d, "workspace", false, err.msg, "kith init (or --workspace DIR)");
        goto out;
    }
    struct db *db = crm_db(crm);
    if (db_integrity_check(db, &err) < 0) {
        report(d, "workspace", false, err.msg,
               "restore kith.db from a backup; kith export what still reads");
        goto out;
    }
    buf_appendf(&b, "%s/kith.db opens; integrity ok; schema version %d",
                dir, db_user_version(db));
    report(d, "workspace", true, b.buf, NULL);
out:
    crm_close(crm);
    buf_release(&b);
}

static void check_config(struct doctor *d)
{
    struct jv *config = NULL;
    struct kith_err err = KITH_ERR_INIT;
    if (crm_config_read(d->c->workspace, &config, &err) < 0)
        report(d, "config.json", false, err.msg,
               "correct the file by hand, or remove it to get the defaults");
    else
        report(d, "config.json", true, "reads", NULL);
    jv_free(config);
}

/* A file that must be private (mode 0600); missing_ok for secrets.env. */
static void check_private(struct doctor *d, const char *name,
                          bool missing_ok)
{
    struct buf path = BUF_INIT, detail = BUF_INIT, fix = BUF_INIT;
    struct stat sb;
    buf_appendf(&path, "%s/%s", d->c->workspace, name);
    if (stat(path.buf, &sb) < 0) {
        if (missing_ok)
            report(d, name, true, "absent (keys come from the environment)",
                   NULL);
        else
            report(d, name, false, "missing", "kith init");
    } else if (sb.st_mode & 077) {
        buf_appendf(&detail, "mode %04o: others can read it",
                    (unsigned)(sb.st_mode & 07777));
        buf_appendf(&fix, "chmod 600 %s", path.buf);
        report(d, name, false, detail.buf, fix.buf);
    } else {
        report(d, name, true, "mode 0600", NULL);
    }
    buf_release(&path);
    buf_release(&detail);
    buf_release(&fix);
}

/* ---- the model and its providers ---- */

/* Whether the listing of models holds id (Ollama's ":latest" optional). */
static bool offers(const struct jv *models, const char *id)
{
    size_t n = strlen(id);
    for (size_t i = 0; i < jv_len(models); i++) {
        const char *m = jv_str(jv_get(jv_at(models, i), "id"));
        if (!m)
            continue;
        if (!strcmp(m, id) || (!strncmp(m, id, n) && !strcmp(m + n, ":latest")))
            return true;
    }
    return false;
}

/*
 * The key and the answer of the provider of t; with chosen, also whether
 * it offers t's model.
 */
static void check_provider(struct doctor *d, const struct llm_target *t,
                           const struct jv *settings, bool chosen)
{
    const struct jv *p = jv_get(jv_get(settings, "providers"), t->provider);
    struct buf check = BUF_INIT, detail = BUF_INIT, fix = BUF_INIT;
    struct jv *models = NULL;
    struct kith_err err = KITH_ERR_INIT;

    buf_appendf(&check, "%s key", t->provider);
    const char *source = jv_str(jv_get(p, "api_key_source"));
    const char *base_in_use = jv_str(jv_get(p, "base_url_in_use"));
    bool own_server = t->wire == LLM_OLLAMA ||
                      strcmp(t->base_url, llm_default_base_url(t->wire));
    if (t->api_key) {
        buf_appendf(&detail, "set (%s)", source ? source : "env");
        report(d, check.buf, true, detail.buf, NULL);
    } else if (own_server) {
        report(d, check.buf, true, "none (local servers rarely need one)",
               NULL);
    } else {
        buf_appendf(&fix,
                    "export %s_API_KEY=... or run: kith config set "
                    "providers.%s.api_key KEY",
                    !strcmp(t->provider, "openai") ? "OPENAI" : "ANTHROPIC",
                    t->provider);
        report(d, check.buf, false, "not set", fix.buf);
    }

    buf_reset(&check);
    buf_reset(&detail);
    buf_reset(&fix);
    buf_appendf(&check, "%s", t->provider);
    buf_appendf(&fix, "start it, or point kith at it: kith config set "
                      "providers.%s.base_url URL",
                t->provider);
    if (llm_models(t, &d->opts, &models, &err) < 0) {
        report_error(d, check.buf, err.msg, fix.buf);
        goto out;
    }
    buf_appendf(&detail, "answers at %s (%zu models)",
                base_in_use ? base_in_use : t->base_url, jv_len(models));
    report(d, check.buf, true, detail.buf, NULL);
    if (chosen && jv_len(models) && !offers(models, t->model)) {
        buf_reset(&detail);
        buf_appendf(&detail, "%s does not offer %s", t->provider, t->model);
        report(d, "model offered", false, detail.buf,
               "pick one of: kith models");
    }
out:
    jv_free(models);
    buf_release(&check);
    buf_release(&detail);
    buf_release(&fix);
}

static void check_tools(struct doctor *d, const struct llm_target *t)
{
    struct buf detail = BUF_INIT;
    struct kith_err err = KITH_ERR_INIT;
    int yes = -1;
    if (llm_model_tools(t, &d->opts, &yes, &err) < 0) {
        report_error(d, "tools", err.msg, "pick one of: kith models");
    } else if (yes == 0) {
        buf_appendf(&detail, "%s/%s does not accept tools", t->provider,
                    t->model);
        report(d, "tools", false, detail.buf,
               "pick a model that supports tools (kith models)");
    } else {
        buf_appendf(&detail, "%s/%s %s", t->provider, t->model,
                    yes == 1 ? "accepts tools"
                             : "assumed to accept tools (the provider "
                               "does not say)");
        report(d, "tools", true, detail.buf, NULL);
    }
    buf_release(&detail);
}

/* Where the model came from, for the report. */
static const char *model_source(const struct jv *settings)
{
    const char *env = getenv("KITH_MODEL");
    if (env && *env)
        return "KITH_MODEL";
    if (jv_type(jv_get(settings, "model")) == JV_STRING)
        return "config.json";
    return "found on Ollama";
}

static void check_models(struct doctor *d)
{
    const char *dir = d->c->workspace;
    struct llm_target chosen = { 0 };
    struct jv *settings = NULL;
    struct kith_err err = KITH_ERR_INIT;
    struct buf detail = BUF_INIT;
    bool have_model = false;
    if (llm_settings_json(dir, &settings, &err) < 0)
        goto out; /* config.json's problem is reported already */
    if (llm_resolve(dir, NULL, &chosen, &err) < 0) {
        report_error(d, "model", err.msg,
                     "kith config set model openai/gpt-4.1-mini");
    } else {
        have_model = true;
        buf_appendf(&detail, "%s/%s (%s)", chosen.provider, chosen.model,
                    model_source(settings));
        report(d, "model", true, detail.buf, NULL);
        check_provider(d, &chosen, settings, true);
    }
    /* every other provider that was configured */
    void *it = NULL;
    struct jv *p;
    const char *name;
    while ((name = jv_next(jv_get(settings, "providers"), &it, &p))) {
        if (have_model && !strcmp(name, chosen.provider))
            continue;
        if (!jv_bool(jv_get(p, "api_key_set")) &&
            jv_type(jv_get(p, "base_url")) != JV_STRING)
            continue;
        struct llm_target t = { 0 };
        if (llm_resolve_provider(dir, name, &t, &err) < 0)
            report(d, name, false, err.msg, NULL);
        else
            check_provider(d, &t, settings, false);
        llm_target_release(&t);
    }
    if (have_model)
        check_tools(d, &chosen);
out:
    llm_target_release(&chosen);
    jv_free(settings);
    buf_release(&detail);
}

/* ---- output ---- */

static void print_checks(const struct jv *checks)
{
    for (size_t i = 0; i < jv_len(checks); i++) {
        const struct jv *ch = jv_at(checks, i);
        const char *status = jv_str(jv_get(ch, "status"));
        printf("%-8s %-16s %s\n", status, jv_str(jv_get(ch, "check")),
               jv_str(jv_get(ch, "detail")));
        const char *fix = jv_str(jv_get(ch, "fix"));
        if (fix)
            printf("%-8s %-16s fix: %s\n", "", "", fix);
    }
}

int cmd_doctor(struct cli *c)
{
    struct doctor d = {
        .c = c,
        .checks = jv_array(),
        .opts = { .connect_timeout_ms = 2000,
                  .first_byte_timeout_ms = 10000,
                  .idle_timeout_ms = 10000,
                  .max_attempts = 1 },
    };
    check_database(&d);
    check_config(&d);
    check_private(&d, "token", false);
    check_private(&d, "secrets.env", true);
    check_models(&d);
    if (c->json) {
        struct jv *j = jv_object();
        jv_set_take(j, "ok", jv_boolean(!d.problem));
        jv_set_take(j, "checks", jv_ref(d.checks));
        cli_print_json(j);
        jv_free(j);
    } else {
        print_checks(d.checks);
    }
    jv_free(d.checks);
    return d.problem ? CLI_FAIL : CLI_OK;
}

