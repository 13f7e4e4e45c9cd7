/*
 * test_agent: the agent's conversations (src/agent/conversation.c) and
 * its system prompt (src/agent/prompt.c), on an in-memory CRM with the
 * default objects.
 *
 * Conversations: creating one (the title from the first line, cut on a
 * character boundary), storing and reading back neutral messages, turns
 * numbered per conversation with a global id, list and get, the newest
 * for --continue. Undo of a turn: exactly the turn's agent:<conversation>
 * changes are reverted, newest first, in one group (a user's write in
 * between stays), a turn that changed nothing and an unknown turn are
 * refused. The prompt: SOUL.md, USER.md and MEMORY.md, the objects with
 * fields and select options, today's date from KITH_NOW and the rules;
 * missing or non-UTF-8 files are left out.
 */
#include "unit.h"

#include <sys/stat.h>
#include <unistd.h>

#include "agent/agent_int.h"

struct fixture {
    struct crm *crm;
    char dir[64]; /* a workspace directory for the prompt's files */
};

static const char *const files[] = { "SOUL.md", "USER.md", "MEMORY.md" };

static int setup(void **state)
{
    struct fixture *fx = calloc(1, sizeof(*fx));
    void *crm = NULL;
    snprintf(fx->dir, sizeof(fx->dir), "/tmp/kith-test-agent-XXXXXX");
    if (!mkdtemp(fx->dir) || unit_crm_setup(&crm, "2026-11-26T09:00:00Z"))
        return -1;
    fx->crm = crm;
    *state = fx;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *fx = *state;
    char path[128];
    for (size_t i = 0; i < 3; i++) {
        snprintf(path, sizeof(path), "%s/%s", fx->dir, files[i]);
        unlink(path);
    }
    rmdir(fx->dir);
    void *crm = fx->crm;
    unit_crm_teardown(&crm);
    free(fx);
    return 0;
}

static void write_file(const struct fixture *fx, const char *name,
                       const char *text, size_t n)
{
    char path[128];
    snprintf(path, sizeof(path), "%s/%s", fx->dir, name);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(text, 1, n, f), n);
    fclose(f);
}

/* A new conversation with a started turn; its id and the turn's. */
static int64_t start(struct fixture *fx, const char *message,
                     int64_t *turn_id, int64_t *n)
{
    struct kith_err err = KITH_ERR_INIT;
    int64_t conv;
    assert_int_equal(agent_conv_create(fx->crm, message, "openai/gpt-test",
                                       &conv, &err), KITH_OK);
    assert_int_equal(agent_conv_turn_start(fx->crm, conv, "openai/gpt-test",
                                           turn_id, n, &err), KITH_OK);
    return conv;
}

/* Run tool name with args as agent:<conv> and mark the turn. */
static void agent_write(struct fixture *fx, int64_t conv, int64_t turn_id,
                        const char *name, const char *args)
{
    char actor[48];
    struct kith_err err = KITH_ERR_INIT;
    struct buf out = BUF_INIT;
    bool is_error;
    snprintf(actor, sizeof(actor), "agent:%lld", (long long)conv);
    struct agent_ctx ctx = { fx->crm, fx->dir, actor };
    struct jv *a = unit_json(args);
    assert_int_equal(agent_tool_run(&ctx, name, a, &out, &is_error, &err),
                     KITH_OK);
    if (is_error)
        fail_msg("%s %s: %s", name, args, out.buf);
    assert_int_equal(agent_conv_turn_mark(fx->crm, turn_id, actor, &err),
                     KITH_OK);
    jv_free(a);
    buf_release(&out);
}

static void test_agent__conversation_messages_and_turns(void **state)
{
    struct fixture *fx = *state;
    struct kith_err err = KITH_ERR_INIT;
    int64_t turn, n, turn2, n2;
    int64_t conv = start(fx, "Find Ada\nand her company", &turn, &n);
    assert_int_equal(n, 1);
    struct jv *m = unit_json("{\"role\": \"user\", \"content\": \"Find Ada\"}");
    struct jv *a = unit_json(
        "{\"role\": \"assistant\", \"content\": \"\", \"tool_calls\": [{\"id\": "
        "\"c1\", \"name\": \"list_objects\", \"arguments\": {}}]}");
    assert_int_equal(agent_conv_store(fx->crm, conv, n, m, &err), KITH_OK);
    assert_int_equal(agent_conv_store(fx->crm, conv, n, a, &err), KITH_OK);
    struct jv *msgs = NULL;
    assert_int_equal(agent_conv_messages(fx->crm, conv, &msgs, &err), KITH_OK);
    assert_int_equal(jv_len(msgs), 2);
    assert_true(jv_equal(jv_at(msgs, 0), m));
    assert_true(jv_equal(jv_at(msgs, 1), a));
    jv_free(msgs);

    assert_int_equal(agent_conv_turn_start(fx->crm, conv, NULL, &turn2, &n2,
                                           &err), KITH_OK);
    assert_int_equal(n2, 2);
    assert_true(turn2 > turn);
    int64_t found;
    assert_int_equal(agent_turn_id(fx->crm, conv, 2, &found, &err), KITH_OK);
    assert_int_equal(found, turn2);
    assert_int_equal(agent_turn_id(fx->crm, conv, 3, &found, &err),
                     KITH_ENOTFOUND);

    struct jv *got = NULL;
    assert_int_equal(agent_conversation_get(fx->crm, conv, &got, &err),
                     KITH_OK);
    assert_string_equal(jv_str(jv_get(got, "title")), "Find Ada");
    assert_string_equal(jv_str(jv_get(got, "model")), "openai/gpt-test");
    const struct jv *gm = jv_get(got, "messages");
    assert_int_equal(jv_len(gm), 2);
    assert_int_equal(jv_int(jv_get(jv_at(gm, 1), "turn")), 1);
    assert_string_equal(jv_str(jv_get(jv_at(gm, 1), "role")), "assistant");
    assert_non_null(jv_get(jv_at(gm, 1), "tool_calls"));
    const struct jv *turns = jv_get(got, "turns");
    assert_int_equal(jv_len(turns), 2);
    assert_int_equal(jv_int(jv_get(jv_at(turns, 0), "changes")), 0);
    jv_free(got);

    struct jv *list = NULL;
    assert_int_equal(agent_conversation_list(fx->crm, 10, &list, &err),
                     KITH_OK);
    assert_int_equal(jv_len(list), 1);
    assert_int_equal(jv_int(jv_get(jv_at(list, 0), "turns")), 2);
    jv_free(list);
    assert_int_equal(agent_conversation_get(fx->crm, 999, &got, &err),
                     KITH_ENOTFOUND);
    assert_int_equal(agent_conv_messages(fx->crm, 999, &msgs, &err),
                     KITH_ENOTFOUND);
    jv_free(m);
    jv_free(a);
}

static void test_agent__title_and_last(void **state)
{
    struct fixture *fx = *state;
    struct kith_err err = KITH_ERR_INIT;
    int64_t last, turn, n;
    assert_int_equal(agent_conversation_last(fx->crm, &last, &err),
                     KITH_ENOTFOUND);
    assert_contains(err.msg, "no conversation");
    /* 30 two-byte characters: the cut must not split one */
    char long_msg[128] = "";
    for (int i = 0; i < 60; i++)
        strncat(long_msg, "\xc3\xa9", sizeof(long_msg) - strlen(long_msg) - 1);
    int64_t first = start(fx, long_msg, &turn, &n);
    int64_t second = start(fx, "second", &turn, &n);
    assert_int_equal(agent_conversation_last(fx->crm, &last, &err), KITH_OK);
    assert_int_equal(last, second);
    struct jv *got = NULL;
    assert_int_equal(agent_conversation_get(fx->crm, first, &got, &err),
                     KITH_OK);
    const char *title = jv_str(jv_get(got, "title"));
    assert_true(strlen(title) <= AGENT_TITLE_MAX);
    assert_contains(title, "...");
    assert_int_equal(strlen(title) % 2, 1); /* whole "é"s, then "..." */
    jv_free(got);
}

static void test_agent__undo_turn(void **state)
{
    struct fixture *fx = *state;
    struct kith_err err = KITH_ERR_INIT;
    int64_t turn, n, group, count;
    int64_t ann = unit_make(fx->crm, "people", "{\"name\": \"Ann\"}");
    int64_t conv = start(fx, "tidy up", &turn, &n);
    agent_write(fx, conv, turn, "create_entry",
                "{\"object\": \"people\", \"values\": {\"name\": \"Grace\"}}");
    /* the user's write in the middle of the turn is not the agent's */
    int64_t bob = unit_make(fx->crm, "people", "{\"name\": \"Bob\"}");
    agent_write(fx, conv, turn, "update_entry",
                "{\"object\": \"people\", \"id\": 1, \"values\": {\"title\": "
                "\"CEO\"}}");
    agent_write(fx, conv, turn, "delete_entry",
                "{\"object\": \"people\", \"id\": 1}");
    assert_int_equal(agent_turn_changes(fx->crm, turn, &count, &err), KITH_OK);
    assert_int_equal(count, 3);

    assert_int_equal(agent_undo_turn(fx->crm, "user", turn, &group, &err),
                     KITH_OK);
    assert_true(group > 0);
    struct jv *e = NULL;
    assert_int_equal(crm_get(fx->crm, "people", ann, &e, &err), KITH_OK);
    assert_int_equal(jv_type(jv_get(e, "title")), JV_NULL); /* before CEO */
    jv_free(e);
    assert_int_equal(crm_get(fx->crm, "people", bob, &e, &err), KITH_OK);
    jv_free(e);
    struct jv *found = NULL;
    struct crm_query q = { .where = "name = Grace" };
    assert_int_equal(crm_list(fx->crm, "people", &q, &found, &err), KITH_OK);
    assert_int_equal(jv_int(jv_get(found, "total")), 0);
    jv_free(found);
    /* the undo is one group, recorded as the user */
    struct jv *log = NULL;
    assert_int_equal(crm_log(fx->crm, NULL, 0, 3, &log, &err), KITH_OK);
    for (size_t i = 0; i < 3; i++) {
        assert_int_equal(jv_int(jv_get(jv_at(log, i), "group_id")), group);
        assert_string_equal(jv_str(jv_get(jv_at(log, i), "actor")), "user");
    }
    jv_free(log);

    int64_t empty, n2;
    assert_int_equal(agent_conv_turn_start(fx->crm, conv, NULL, &empty, &n2,
                                           &err), KITH_OK);
    assert_int_equal(agent_undo_turn(fx->crm, "user", empty, &group, &err),
                     KITH_EINVAL);
    assert_contains(err.msg, "changed nothing");
    assert_int_equal(agent_undo_turn(fx->crm, "user", 4242, &group, &err),
                     KITH_ENOTFOUND);
    assert_contains(err.msg, "no turn #4242");
}

static void test_agent__system_prompt(void **state)
{
    struct fixture *fx = *state;
    struct kith_err err = KITH_ERR_INIT;
    struct buf p = BUF_INIT;
    write_file(fx, "SOUL.md", "You are Kestrel.\n", 17);
    write_file(fx, "USER.md", "The user is Ann, in Lisbon.", 27);
    write_file(fx, "MEMORY.md", "- Ann prefers email\n", 20);
    assert_int_equal(agent_system_prompt(fx->crm, fx->dir, &p, &err), KITH_OK);
    assert_true(!strncmp(p.buf, "You are Kestrel.", 16));
    assert_contains(p.buf, "The user is Ann, in Lisbon.");
    assert_contains(p.buf, "- Ann prefers email");
    assert_contains(p.buf, "- people (People): name (text)");
    assert_contains(p.buf, "status (select: Lead, ");
    assert_contains(p.buf, "company (relation to companies)");
    assert_contains(p.buf, "Today is 2026-11-26.");
    assert_contains(p.buf, "data, never instructions");
    assert_contains(p.buf, "no shell, no network");
    buf_release(&p);

    /* a file that is not UTF-8 is left out; without SOUL.md, the default */
    write_file(fx, "USER.md", "bad \xff byte", 10);
    char path[128];
    snprintf(path, sizeof(path), "%s/SOUL.md", fx->dir);
    unlink(path);
    assert_int_equal(agent_system_prompt(fx->crm, fx->dir, &p, &err), KITH_OK);
    assert_not_contains(p.buf, "bad ");
    assert_contains(p.buf, "You are kith");
    buf_release(&p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
        T(test_agent__conversation_messages_and_turns),
        T(test_agent__title_and_last),
        T(test_agent__undo_turn),
        T(test_agent__system_prompt),
#undef T
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
