/*
 * test_llm_ollama: the native /api/chat translation (src/llm/ollama.c).
 *
 * The neutral conversation must reach the wire as Ollama wants it:
 * "stream": true said explicitly, sampling in "options" (num_predict for
 * max tokens), arguments of echoed calls as an object, tool results
 * with tool_name. NDJSON streams must give the same events however the
 * bytes are torn: text, whole tool calls on any line (ids made up when
 * missing), "done" with counts that may be missing, an error line after
 * HTTP 200, and a stream cut off before "done". Error bodies (a flat
 * string) become one message with a hint.
 */
#include "unit_llm.h"

static const char *const stream_ids[] = { "call_k3x9a1bz", NULL };

/* ---- encoding ---- */

static const char conversation[] =
    "[{\"role\":\"user\",\"content\":\"Find Ada\"},"
    " {\"role\":\"assistant\",\"content\":\"\",\"tool_calls\":"
    "  [{\"id\":\"a1B2c3D4e\",\"name\":\"find_entries\","
    "    \"arguments\":{\"object\":\"people\",\"q\":\"Ada\"}},"
    "   {\"id\":\"b1B2c3D4e\",\"name\":\"list_objects\"}]},"
    " {\"role\":\"tool\",\"tool_call_id\":\"a1B2c3D4e\","
    "  \"name\":\"find_entries\",\"content\":\"{\\\"count\\\":1}\","
    "  \"is_error\":false},"
    " {\"role\":\"tool\",\"tool_call_id\":\"b1B2c3D4e\","
    "  \"name\":\"list_objects\",\"content\":[\"people\"]},"
    " {\"role\":\"assistant\",\"content\":\"Found her.\"}]";

static const char tools[] =
    "[{\"name\":\"find_entries\",\"description\":\"Find entries\","
    "  \"parameters\":{\"type\":\"object\","
    "                  \"properties\":{\"q\":{\"type\":\"string\"}}}}]";

static void test_llm_ollama__encode_conversation(void **state)
{
    (void)state;
    struct jv *msgs = unit_json(conversation), *tl = unit_json(tools);
    struct jv *stop = unit_json("[\"END\"]");
    struct llm_target t =
        unit_llm_target("qwen2.5:7b", "http://127.0.0.1:11434", NULL);
    struct llm_request rq = { .system = "You are a CRM assistant.",
                              .messages = msgs, .tools = tl,
                              .temperature = 0.25, .has_temperature = true,
                              .stop = stop };
    struct jv *body = unit_llm_encode(&llm_ollama, &t, &rq);

    assert_json(body,
        "{\"model\":\"qwen2.5:7b\",\"messages\":["
        " {\"role\":\"system\",\"content\":\"You are a CRM assistant.\"},"
        " {\"role\":\"user\",\"content\":\"Find Ada\"},"
        " {\"role\":\"assistant\",\"content\":\"\",\"tool_calls\":["
        "  {\"id\":\"a1B2c3D4e\",\"function\":{\"index\":0,"
        "   \"name\":\"find_entries\","
        "   \"arguments\":{\"object\":\"people\",\"q\":\"Ada\"}}},"
        "  {\"id\":\"b1B2c3D4e\",\"function\":{\"index\":1,"
        "   \"name\":\"list_objects\",\"arguments\":{}}}]},"
        " {\"role\":\"tool\",\"content\":\"{\\\"count\\\":1}\","
        "  \"tool_name\":\"find_entries\",\"tool_call_id\":\"a1B2c3D4e\"},"
        " {\"role\":\"tool\",\"content\":\"[\\\"people\\\"]\","
        "  \"tool_name\":\"list_objects\",\"tool_call_id\":\"b1B2c3D4e\"},"
        " {\"role\":\"assistant\",\"content\":\"Found her.\"}],"
        " \"tools\":[{\"type\":\"function\",\"function\":"
        "  {\"name\":\"find_entries\",\"description\":\"Find entries\","
        "   \"parameters\":{\"type\":\"object\","
        "    \"properties\":{\"q\":{\"type\":\"string\"}}}}}],"
        " \"stream\":true,"
        " \"options\":{\"temperature\":0.25,\"num_predict\":4096,"
        "  \"stop\":[\"END\"]}}");
    jv_free(body);

    /* no temperature, no stop: options hold num_predict alone */
    struct llm_request rq2 = { .messages = msgs, .max_tokens = 64 };
    body = unit_llm_encode(&llm_ollama, &t, &rq2);
    assert_json(jv_get(body, "options"), "{\"num_predict\":64}");
    assert_true(jv_bool(jv_get(body, "stream")));
    assert_null(jv_get(body, "tools"));
    jv_free(body);
    jv_free(msgs);
    jv_free(tl);
    jv_free(stop);
    llm_target_release(&t);
}

static void test_llm_ollama__encode_refuses_bad_messages(void **state)
{
    (void)state;
    static const struct {
        const char *msgs, *want;
    } cases[] = {
        { "[{\"role\":\"developer\",\"content\":\"x\"}]",
          "ollama: message 0 has role 'developer'" },
        { "[{\"role\":\"assistant\",\"tool_calls\":[{\"id\":\"a\"}]}]",
          "ollama: message 0: tool call 0 needs a \"name\"" },
        { "\"hi\"", "ollama: the conversation must be a JSON array" },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
        struct jv *msgs = unit_json(cases[i].msgs);
        struct llm_target t = unit_llm_target("m", NULL, NULL);
        struct llm_request rq = { .messages = msgs };
        struct buf body = BUF_INIT;
        struct kith_err err = KITH_ERR_INIT;
        assert_int_equal(llm_ollama.encode(&t, &rq, &body, &err),
                         KITH_EINVAL);
        assert_contains(err.msg, cases[i].want);
        buf_release(&body);
        jv_free(msgs);
        llm_target_release(&t);
    }
}

static void test_llm_ollama__headers(void **state)
{
    (void)state;
    struct llm_target t = unit_llm_target("m", NULL, NULL);
    struct buf h = BUF_INIT;
    llm_ollama.headers(&t, &h);
    assert_string_equal(h.buf, "Accept: application/x-ndjson\n");
    llm_target_release(&t);
    t = unit_llm_target("m", "https://ollama.com", "ok-1");
    buf_reset(&h);
    llm_ollama.headers(&t, &h);
    assert_string_equal(h.buf, "Authorization: Bearer ok-1\n"
                               "Accept: application/x-ndjson\n");
    buf_release(&h);
    llm_target_release(&t);
}

/* ---- decoding ---- */

static void test_llm_ollama__reference_stream(void **state)
{
    (void)state;
    assert_llm_decodes(
        &llm_ollama,
        "{\"model\":\"llama3.2\",\"created_at\":\"2025-07-07T20:32:53Z\","
        "\"message\":{\"role\":\"assistant\",\"content\":\"Sure\"},"
        "\"done\":false}\n"
        "{\"model\":\"llama3.2\",\"created_at\":\"2025-07-07T20:32:53Z\","
        "\"message\":{\"role\":\"assistant\",\"content\":\"\","
        "\"tool_calls\":[{\"id\":\"call_k3x9a1bz\",\"function\":{\"index\":0,"
        "\"name\":\"find_contact\",\"arguments\":{\"query\":"
        "\"Ada Lovelace\"}}}]},\"done\":false}\n"
        "{\"model\":\"llama3.2\",\"created_at\":\"2025-07-07T20:32:53Z\","
        "\"message\":{\"role\":\"assistant\",\"content\":\"\"},"
        "\"done\":true,\"done_reason\":\"stop\",\"total_duration\":182242375,"
        "\"prompt_eval_count\":169,\"eval_count\":15,"
        "\"eval_duration\":115959084}\n",
        stream_ids,
        "TEXT(Sure)CALL(call_k3x9a1bz,find_contact,"
        "{\"query\":\"Ada Lovelace\"})USAGE(169,15)DONE(tool_calls)",
        KITH_OK);
}

static void test_llm_ollama__text_crlf_and_missing_counts(void **state)
{
    (void)state;
    assert_llm_decodes(
        &llm_ollama,
        "{\"message\":{\"role\":\"assistant\",\"content\":\"\","
        "\"thinking\":\"hm\"},\"done\":false}\r\n"
        "\r\n"
        "{\"message\":{\"role\":\"assistant\",\"content\":\"Zo\\u00eb\"},"
        "\"done\":false}\r\n"
        "{\"message\":{\"role\":\"assistant\",\"content\":\" is here.\"},"
        "\"something_new\":[1],\"done\":false}\n"
        "{\"message\":{\"role\":\"assistant\",\"content\":\"\"},"
        "\"done\":true,\"done_reason\":\"stop\",\"eval_count\":7}", /* no \n */
        NULL, "TEXT(Zoë)TEXT( is here.)USAGE(0,7)DONE(stop)", KITH_OK);
}

static void test_llm_ollama__calls_without_ids(void **state)
{
    (void)state;
    assert_llm_decodes(
        &llm_ollama,
        "{\"message\":{\"role\":\"assistant\",\"content\":\"\","
        "\"tool_calls\":[{\"function\":{\"name\":\"find_entries\","
        "\"arguments\":{\"q\":\"Ada\",\"object\":\"people\"}}},"
        "{\"function\":{\"name\":\"list_objects\",\"arguments\":{}}}]},"
        "\"done\":false}\n"
        "{\"message\":{\"role\":\"assistant\",\"content\":\"\","
        "\"tool_calls\":[{\"function\":{\"name\":\"get_entry\","
        "\"arguments\":\"{\\\"id\\\":7}\"}}]},\"done\":false}\n"
        "{\"message\":{\"role\":\"assistant\",\"content\":\"\"},"
        "\"done\":true,\"done_reason\":\"stop\",\"prompt_eval_count\":3,"
        "\"eval_count\":4}\n",
        NULL,
        "CALL(<id>,find_entries,{\"q\":\"Ada\",\"object\":\"people\"})"
        "CALL(<id>,list_objects,{})CALL(<id>,get_entry,{\"id\":7})"
        "USAGE(3,4)DONE(tool_calls)",
        KITH_OK);
}

static void test_llm_ollama__done_reasons(void **state)
{
    (void)state;
    assert_llm_decodes(&llm_ollama,
                       "{\"message\":{\"content\":\"a\"},\"done\":false}\n"
                       "{\"done\":true,\"done_reason\":\"length\","
                       "\"prompt_eval_count\":1,\"eval_count\":2}\n",
                       NULL, "TEXT(a)USAGE(1,2)DONE(length)", KITH_OK);
    assert_llm_decodes(&llm_ollama, "{\"done\":true}\n", NULL,
                       "USAGE(0,0)DONE(stop)", KITH_OK);
    assert_llm_decodes(&llm_ollama,
                       "{\"done\":true,\"done_reason\":\"unload\"}\n", NULL,
                       "USAGE(0,0)DONE(unload)", KITH_OK);
    /* bytes after the end are ignored */
    assert_llm_decodes(&llm_ollama,
                       "{\"done\":true}\n{\"message\":{\"content\":\"x\"}}\n",
                       NULL, "USAGE(0,0)DONE(stop)", KITH_OK);
}

static void test_llm_ollama__errors_inside_the_stream(void **state)
{
    (void)state;
    struct unit_llm_result r;
    unit_llm_decode(&llm_ollama,
                    "{\"message\":{\"content\":\"Hel\"},\"done\":false}\n"
                    "{\"error\":\"an error was encountered while running "
                    "the model\"}\n"
                    "{\"message\":{\"content\":\"never\"},\"done\":false}\n",
                    NULL, &r);
    assert_string_equal(r.events, "TEXT(Hel)");
    assert_int_equal(r.ret, KITH_EUPSTREAM);
    assert_string_equal(r.msg, "ollama: an error was encountered while "
                               "running the model");
    free(r.events);

    unit_llm_decode(&llm_ollama,
                    "{\"message\":{\"content\":\"Hel\"},\"done\":false}\n",
                    NULL, &r);
    assert_string_equal(r.events, "TEXT(Hel)");
    assert_int_equal(r.ret, KITH_EUPSTREAM);
    assert_contains(r.msg, "ollama: the stream was cut off");
    free(r.events);

    unit_llm_decode(&llm_ollama, "{\"message\":{\"content\":\"Hel\"\n", NULL,
                    &r);
    assert_int_equal(r.ret, KITH_EUPSTREAM);
    assert_contains(r.msg, "ollama: a line of the stream is not valid JSON");
    free(r.events);

    unit_llm_decode(&llm_ollama,
                    "{\"message\":{\"tool_calls\":[{\"function\":"
                    "{\"arguments\":{}}}]}}\n",
                    NULL, &r);
    assert_int_equal(r.ret, KITH_EUPSTREAM);
    assert_contains(r.msg, "ollama: the model called a tool without a name");
    free(r.events);
}

/* ---- errors and models ---- */

/* Lines are read without a tree (base/jread.c), as jv_get read them:
   escaped keys match, the last of duplicate members wins, and a line
   that turns invalid after its text emits nothing but the error. */
static void test_llm_ollama__lines_read_as_jv_get_did(void **state)
{
    (void)state;
    assert_llm_decodes(
        &llm_ollama,
        "{\"m\\u0065ssage\":{\"content\":\"x\",\"content\":\"A\\u00e9\"}}\n"
        "{\"message\":{\"content\":\"\",\"tool_calls\":[{\"id\":"
        "\"call_k3x9a1bz\",\"function\":{\"name\":\"f\",\"arguments\":"
        "{\"q\":1,\"q\":2}}}]},\"done\":false}\n"
        "{\"done\":\"true\"}\n"
        "{\"done\":true,\"done\":true,\"done_reason\":\"length\","
        "\"prompt_eval_count\":4,\"eval_count\":1e2}\n",
        stream_ids,
        "TEXT(Aé)CALL(call_k3x9a1bz,f,{\"q\":2})USAGE(4,0)"
        "DONE(length)",
        KITH_OK);

    struct unit_llm_result r;
    unit_llm_decode(&llm_ollama,
                    "{\"message\":{\"content\":\"a\"},\"done\":tru}\n",
                    NULL, &r);
    assert_string_equal(r.events, "");
    assert_int_equal(r.ret, KITH_EUPSTREAM);
    assert_contains(r.msg, "ollama: a line of the stream is not valid JSON "
                           "(line 1");
    free(r.events);
}

static void test_llm_ollama__error_bodies(void **state)
{
    (void)state;
    static const struct {
        int status;
        const char *body, *want;
        bool retry;
    } cases[] = {
        { 400,
          "{\"error\":\"registry.ollama.ai/library/gemma3:latest does not "
          "support tools\"}",
          "ollama: 400: registry.ollama.ai/library/gemma3:latest does not "
          "support tools — pick a model that supports tools (kith models)",
          false },
        { 404, "{\"error\":\"model \\\"qwen9\\\" not found, try pulling it "
               "first\"}",
          "ollama: 404: model \"qwen9\" not found, try pulling it first — "
          "check the model name: kith models",
          false },
        { 503,
          "{\"error\":\"server busy, please try again.  maximum pending "
          "requests exceeded\"}",
          "ollama: 503: server busy, please try again.  maximum pending "
          "requests exceeded — the provider is overloaded: try again "
          "shortly",
          true },
        { 500, "{\"error\":\"llama runner process has terminated\"}",
          "ollama: 500: llama runner process has terminated — the provider "
          "failed: try again later",
          true },
        { 401, "{\"error\":\"unauthorized\"}",
          "ollama: 401: unauthorized — set OLLAMA_API_KEY or run: kith "
          "config set providers.ollama.api_key",
          false },
        { 499, "{\"error\":\"request canceled\"}",
          "ollama: 499: request canceled", false },
        { 429, "404 page not found",
          "ollama: 429: 404 page not found — rate limited: wait a moment and "
          "try again",
          true },
    };
    struct llm_target t = { 0 };
    for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
        struct kith_err err = KITH_ERR_INIT;
        bool retry = llm_ollama.error(&t, cases[i].status, cases[i].body,
                                      strlen(cases[i].body), &err);
        assert_string_equal(err.msg, cases[i].want);
        assert_int_equal(err.code, KITH_EUPSTREAM);
        if (retry != cases[i].retry)
            fail_msg("case %zu: retry %d", i, retry);
    }
}

static void test_llm_ollama__models(void **state)
{
    (void)state;
    static const char body[] =
        "{\"models\":[{\"name\":\"qwen2.5:7b\",\"model\":\"qwen2.5:7b\","
        "\"size\":2019393189,\"details\":{\"family\":\"qwen2\"}},"
        "{\"name\":\"llama3.2:latest\",\"model\":\"llama3.2:latest\"}]}";
    struct jv *out = NULL;
    struct kith_err err = KITH_ERR_INIT;
    assert_int_equal(llm_ollama.models(body, strlen(body), &out, &err),
                     KITH_OK);
    assert_json(out, "[{\"id\":\"llama3.2:latest\",\"tools\":null},"
                     "{\"id\":\"qwen2.5:7b\",\"tools\":null}]");
    jv_free(out);
    assert_int_equal(llm_ollama.models("{\"models\":[]}", 13, &out, &err),
                     KITH_OK);
    assert_json(out, "[]");
    jv_free(out);
    assert_int_equal(llm_ollama.models("{}", 2, &out, &err), KITH_EUPSTREAM);
    assert_contains(err.msg, "ollama: the models listing has no \"models\"");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_llm_ollama__encode_conversation),
        cmocka_unit_test(test_llm_ollama__encode_refuses_bad_messages),
        cmocka_unit_test(test_llm_ollama__headers),
        cmocka_unit_test(test_llm_ollama__reference_stream),
        cmocka_unit_test(test_llm_ollama__text_crlf_and_missing_counts),
        cmocka_unit_test(test_llm_ollama__calls_without_ids),
        cmocka_unit_test(test_llm_ollama__done_reasons),
        cmocka_unit_test(test_llm_ollama__errors_inside_the_stream),
        cmocka_unit_test(test_llm_ollama__error_bodies),
        cmocka_unit_test(test_llm_ollama__lines_read_as_jv_get_did),
        cmocka_unit_test(test_llm_ollama__models),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
