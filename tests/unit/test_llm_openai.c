/*
 * test_llm_openai: the Chat Completions translation (src/llm/openai.c).
 *
 * The neutral conversation must reach the wire faithfully (the system
 * prompt first, arguments as a JSON string, "" for a calls-only turn,
 * stream_options for usage, the right max-tokens name per server), and
 * recorded streams must give the same neutral events however the bytes
 * are torn: text, calls assembled from fragments by index (interleaved,
 * torn keys, empty fragments), the usage chunk with no choices, errors
 * inside a 200 stream and a stream cut off before [DONE]. Error bodies of
 * OpenAI and the servers that copy it become one message with a hint.
 */
#include "unit_llm.h"

#define D(json) "data: " json "\n\n"
#define CHUNK(choices)                                                      \
    D("{\"id\":\"chatcmpl-9xYz\",\"object\":\"chat.completion.chunk\","     \
      "\"model\":\"gpt-4o-mini\",\"choices\":" choices "}")

static const char *const stream_ids[] = { "call_Q1w2e3", "call_A",
                                          "call_B", NULL };

/* ---- encoding ---- */

static const char conversation[] =
    "[{\"role\":\"user\",\"content\":\"Find Ada\"},"
    " {\"role\":\"assistant\",\"content\":\"\",\"tool_calls\":"
    "  [{\"id\":\"a1B2c3D4e\",\"name\":\"find_entries\","
    "    \"arguments\":{\"object\":\"people\",\"q\":\"Ada\"}}]},"
    " {\"role\":\"tool\",\"tool_call_id\":\"a1B2c3D4e\","
    "  \"name\":\"find_entries\",\"content\":\"{\\\"count\\\":1}\","
    "  \"is_error\":false},"
    " {\"role\":\"assistant\",\"content\":\"Found her.\"}]";

static const char tools[] =
    "[{\"name\":\"find_entries\",\"description\":\"Find entries\","
    "  \"parameters\":{\"type\":\"object\","
    "                  \"properties\":{\"q\":{\"type\":\"string\"}}}}]";

static void test_llm_openai__encode_conversation(void **state)
{
    (void)state;
    struct jv *msgs = unit_json(conversation), *tl = unit_json(tools);
    struct jv *stop = unit_json("[\"END\"]");
    struct llm_target t =
        unit_llm_target("gpt-4.1-mini", "https://api.openai.com/v1", NULL);
    struct llm_request rq = { .system = "You are a CRM assistant.",
                              .messages = msgs, .tools = tl,
                              .temperature = 0.25, .has_temperature = true,
                              .stop = stop };
    struct jv *body = unit_llm_encode(&llm_openai, &t, &rq);

    assert_json(body,
        "{\"model\":\"gpt-4.1-mini\",\"messages\":["
        " {\"role\":\"system\",\"content\":\"You are a CRM assistant.\"},"
        " {\"role\":\"user\",\"content\":\"Find Ada\"},"
        " {\"role\":\"assistant\",\"content\":\"\",\"tool_calls\":"
        "  [{\"id\":\"a1B2c3D4e\",\"type\":\"function\",\"function\":"
        "    {\"name\":\"find_entries\","
        "     \"arguments\":\"{\\\"object\\\":\\\"people\\\","
        "\\\"q\\\":\\\"Ada\\\"}\"}}]},"
        " {\"role\":\"tool\",\"tool_call_id\":\"a1B2c3D4e\","
        "  \"content\":\"{\\\"count\\\":1}\"},"
        " {\"role\":\"assistant\",\"content\":\"Found her.\"}],"
        " \"tools\":[{\"type\":\"function\",\"function\":"
        "  {\"name\":\"find_entries\",\"description\":\"Find entries\","
        "   \"parameters\":{\"type\":\"object\","
        "    \"properties\":{\"q\":{\"type\":\"string\"}}}}}],"
        " \"stream\":true,\"stream_options\":{\"include_usage\":true},"
        " \"max_completion_tokens\":4096,\"temperature\":0.25,"
        " \"stop\":[\"END\"]}");
    /* the arguments string is the call's object, parsed back */
    const struct jv *call = jv_at(
        jv_get(jv_at(jv_get(body, "messages"), 2), "tool_calls"), 0);
    struct jv *args =
        unit_json(jv_str(jv_get(jv_get(call, "function"), "arguments")));
    assert_json(args, "{\"object\":\"people\",\"q\":\"Ada\"}");
    jv_free(args);
    jv_free(body);
    jv_free(msgs);
    jv_free(tl);
    jv_free(stop);
    llm_target_release(&t);
}

static void test_llm_openai__compatible_servers_get_max_tokens(void **state)
{
    (void)state;
    struct jv *msgs = unit_json("[{\"role\":\"user\",\"content\":\"hi\"}]");
    struct llm_target t =
        unit_llm_target("qwen2.5:7b", "http://127.0.0.1:11434/v1", NULL);
    struct llm_request rq = { .messages = msgs, .max_tokens = 100 };
    struct jv *body = unit_llm_encode(&llm_openai, &t, &rq);
    assert_json(body, "{\"model\":\"qwen2.5:7b\","
                      "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],"
                      "\"stream\":true,"
                      "\"stream_options\":{\"include_usage\":true},"
                      "\"max_tokens\":100}");
    assert_null(jv_get(body, "tool_choice"));
    jv_free(body);

    /* a look-alike host is not OpenAI */
    llm_target_release(&t);
    t = unit_llm_target("m", "https://api.openai.com.example.net/v1", NULL);
    body = unit_llm_encode(&llm_openai, &t, &rq);
    assert_non_null(jv_get(body, "max_tokens"));
    assert_null(jv_get(body, "max_completion_tokens"));
    jv_free(body);
    jv_free(msgs);
    llm_target_release(&t);
}

static void test_llm_openai__encode_refuses_bad_messages(void **state)
{
    (void)state;
    static const struct {
        const char *msgs, *want;
    } cases[] = {
        { "[{\"role\":\"system\",\"content\":\"x\"}]",
          "message 0 has role 'system'" },
        { "[{\"content\":\"x\"}]", "message 0 has no \"role\"" },
        { "[{\"role\":\"user\",\"content\":\"x\"},{\"role\":\"tool\"}]",
          "message 1 (a tool result) has no \"tool_call_id\"" },
        { "[{\"role\":\"assistant\",\"tool_calls\":[{\"id\":\"a\"}]}]",
          "tool call 0 needs an \"id\" and a \"name\"" },
        { "{}", "must be a JSON array" },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
        struct jv *msgs = unit_json(cases[i].msgs);
        struct llm_target t = unit_llm_target("m", "http://x", NULL);
        struct llm_request rq = { .messages = msgs };
        struct buf body = BUF_INIT;
        struct kith_err err = KITH_ERR_INIT;
        assert_int_equal(llm_openai.encode(&t, &rq, &body, &err),
                         KITH_EINVAL);
        assert_contains(err.msg, cases[i].want);
        assert_contains(err.msg, "openai: ");
        buf_release(&body);
        jv_free(msgs);
        llm_target_release(&t);
    }
}

static void test_llm_openai__headers(void **state)
{
    (void)state;
    struct llm_target t = unit_llm_target("m", NULL, "sk-test");
    struct buf h = BUF_INIT;
    llm_openai.headers(&t, &h);
    assert_string_equal(h.buf, "Authorization: Bearer sk-test\n"
                               "Accept: text/event-stream\n");
    buf_reset(&h);
    llm_target_release(&t); /* local servers need no key */
    t = unit_llm_target("m", NULL, NULL);
    llm_openai.headers(&t, &h);
    assert_string_equal(h.buf, "Accept: text/event-stream\n");
    buf_release(&h);
    llm_target_release(&t);
}

/* ---- decoding ---- */

static void test_llm_openai__text_stream(void **state)
{
    (void)state;
    static const char in[] =
        ": OPENROUTER PROCESSING\n\n"
        CHUNK("[{\"index\":0,\"delta\":{\"role\":\"assistant\","
              "\"content\":\"\"},\"finish_reason\":null}]")
        CHUNK("[{\"index\":0,\"delta\":{\"content\":\"Zo\\u00eb \"},"
              "\"finish_reason\":null}],\"usage\":null")
        ": ping\n"
        CHUNK("[{\"index\":0,\"delta\":{\"content\":\"is here.\","
              "\"reasoning\":\"hm\"},\"obfuscation\":\"xx\","
              "\"finish_reason\":null}]")
        CHUNK("[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]")
        D("{\"id\":\"chatcmpl-9xYz\",\"choices\":[],\"usage\":"
          "{\"prompt_tokens\":82,\"completion_tokens\":17,"
          "\"total_tokens\":99}}")
        D("[DONE]");
    assert_llm_decodes(&llm_openai, in, NULL,
                       "TEXT(Zoë )TEXT(is here.)USAGE(82,17)DONE(stop)",
                       KITH_OK);
}

static void test_llm_openai__tool_call_in_fragments(void **state)
{
    (void)state;
    static const char in[] =
        CHUNK("[{\"index\":0,\"delta\":{\"role\":\"assistant\","
              "\"content\":null,\"tool_calls\":[{\"index\":0,"
              "\"id\":\"call_Q1w2e3\",\"type\":\"function\",\"function\":"
              "{\"name\":\"find_contact\",\"arguments\":\"\"}}]},"
              "\"finish_reason\":null}]")
        CHUNK("[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,"
              "\"function\":{\"arguments\":\"{\\\"qu\"}}]}}]")
        CHUNK("[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,"
              "\"id\":\"\",\"function\":{\"name\":\"\","
              "\"arguments\":\"\"}}]}}]")
        CHUNK("[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,"
              "\"function\":{\"arguments\":\"ery\\\":\\\"Ada \"}}]}}]")
        CHUNK("[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,"
              "\"function\":{\"arguments\":\"Lovelace\\\"}\"}}]}}]")
        CHUNK("[{\"index\":0,\"delta\":{},\"finish_reason\":\"tool_calls\"}]")
        D("{\"choices\":[],\"usage\":{\"prompt_tokens\":82,"
          "\"completion_tokens\":17,\"total_tokens\":99}}")
        D("[DONE]");
    assert_llm_decodes(
        &llm_openai, in, stream_ids,
        "CALL(call_Q1w2e3,find_contact,{\"query\":\"Ada Lovelace\"})"
        "USAGE(82,17)DONE(tool_calls)",
        KITH_OK);
}

static void test_llm_openai__parallel_calls_interleaved(void **state)
{
    (void)state;
    static const char in[] =
        CHUNK("[{\"index\":0,\"delta\":{\"tool_calls\":["
              "{\"index\":1,\"id\":\"call_B\",\"function\":"
              "{\"name\":\"get_entry\",\"arguments\":\"{\\\"id\"}},"
              "{\"index\":0,\"id\":\"call_A\",\"function\":"
              "{\"name\":\"find_entries\",\"arguments\":\"\"}}]}}]")
        CHUNK("[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,"
              "\"function\":{\"arguments\":\"{\\\"q\\\":\"}}]}}]")
        CHUNK("[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":1,"
              "\"function\":{\"arguments\":\"\\\":7}\"}}]}}]")
        CHUNK("[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,"
              "\"function\":{\"arguments\":\"\\\"Ada\\\"}\"}}]}}]")
        CHUNK("[{\"index\":0,\"delta\":{},\"finish_reason\":\"tool_calls\"}]")
        D("[DONE]");
    assert_llm_decodes(&llm_openai, in, stream_ids,
                       "CALL(call_A,find_entries,{\"q\":\"Ada\"})"
                       "CALL(call_B,get_entry,{\"id\":7})DONE(tool_calls)",
                       KITH_OK);
}

static void test_llm_openai__finish_reasons(void **state)
{
    (void)state;
    static const struct {
        const char *reason, *want;
    } cases[] = {
        { "\"length\"", "TEXT(a)DONE(length)" },
        { "\"content_filter\"", "TEXT(a)DONE(content_filter)" },
        { "\"function_call\"", "TEXT(a)DONE(tool_calls)" },
        { "\"eos\"", "TEXT(a)DONE(eos)" },
        { "null", "TEXT(a)DONE(stop)" }, /* none given: stop */
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
        char in[512];
        snprintf(in, sizeof(in),
                 "data: {\"choices\":[{\"index\":0,\"delta\":"
                 "{\"content\":\"a\"},\"finish_reason\":%s}]}\n\n"
                 "data: [DONE]\n\n",
                 cases[i].reason);
        assert_llm_decodes(&llm_openai, in, NULL, cases[i].want, KITH_OK);
    }
}

static void test_llm_openai__error_inside_the_stream(void **state)
{
    (void)state;
    struct unit_llm_result r;
    unit_llm_decode(
        &llm_openai,
        CHUNK("[{\"index\":0,\"delta\":{\"content\":\"Hel\"}}]")
        D("{\"error\":{\"message\":\"The server had an error while "
          "processing your request.\",\"type\":\"server_error\"}}")
        CHUNK("[{\"index\":0,\"delta\":{\"content\":\"never\"}}]"),
        NULL, &r);
    assert_string_equal(r.events, "TEXT(Hel)");
    assert_int_equal(r.ret, KITH_EUPSTREAM);
    assert_string_equal(r.msg, "openai: server_error: The server had an "
                               "error while processing your request.");
    assert_true(r.retryable);
    free(r.events);

    /* Groq: a named error event for a malformed call */
    unit_llm_decode(&llm_openai,
                    "event: error\n"
                    "data: {\"error\":{\"message\":\"Failed to call a "
                    "function.\",\"type\":\"invalid_request_error\","
                    "\"code\":\"tool_use_failed\"}}\n\n",
                    NULL, &r);
    assert_string_equal(r.events, "");
    assert_int_equal(r.ret, KITH_EUPSTREAM);
    assert_string_equal(r.msg,
                        "openai: tool_use_failed: Failed to call a function.");
    free(r.events);

    /* OpenRouter: an error without a type, not retryable */
    unit_llm_decode(&llm_openai,
                    D("{\"error\":{\"message\":\"No endpoints found\"}}"),
                    NULL, &r);
    assert_int_equal(r.ret, KITH_EUPSTREAM);
    assert_string_equal(r.msg, "openai: No endpoints found");
    assert_false(r.retryable);
    free(r.events);
}

static void test_llm_openai__cut_off_and_malformed(void **state)
{
    (void)state;
    struct unit_llm_result r;
    unit_llm_decode(
        &llm_openai,
        CHUNK("[{\"index\":0,\"delta\":{\"content\":\"Hel\"}}]")
        CHUNK("[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]"),
        NULL, &r);
    assert_string_equal(r.events, "TEXT(Hel)");
    assert_int_equal(r.ret, KITH_EUPSTREAM);
    assert_contains(r.msg, "openai: the stream was cut off");
    free(r.events);

    unit_llm_decode(&llm_openai,
                    CHUNK("[{\"index\":0,\"delta\":{\"content\":\"a\"}}]")
                    "data: {\"choices\":[{\"delta\"\n\n",
                    NULL, &r);
    assert_string_equal(r.events, "TEXT(a)");
    assert_int_equal(r.ret, KITH_EUPSTREAM);
    assert_contains(r.msg, "openai: a stream event is not valid JSON");
    free(r.events);

    /* arguments that never became JSON */
    unit_llm_decode(&llm_openai,
                    CHUNK("[{\"index\":0,\"delta\":{\"tool_calls\":[{"
                          "\"index\":0,\"id\":\"call_A\",\"function\":{"
                          "\"name\":\"f\",\"arguments\":\"{\\\"a\"}}]},"
                          "\"finish_reason\":\"tool_calls\"}]")
                    D("[DONE]"),
                    stream_ids, &r);
    assert_int_equal(r.ret, KITH_EUPSTREAM);
    assert_contains(r.msg, "call to f are not valid JSON");
    free(r.events);
}

static void test_llm_openai__unknown_chunks_are_ignored(void **state)
{
    (void)state;
    assert_llm_decodes(&llm_openai,
                       D("{\"object\":\"something.new\"}")
                       D("{\"choices\":null}")
                       D("{\"choices\":[{\"index\":0,\"delta\":null}]}")
                       D("{\"choices\":[{\"index\":0,\"delta\":"
                         "{\"content\":\"ok\",\"refusal\":null}}]}")
                       D("[DONE]"),
                       NULL, "TEXT(ok)DONE(stop)", KITH_OK);
}

/* Chunks are read without a tree (base/jread.c), as jv_get read them:
   escaped keys match, the last of duplicate members wins, and a chunk
   that turns invalid after its text emits nothing but the error. */
static void test_llm_openai__chunks_read_as_jv_get_did(void **state)
{
    (void)state;
    assert_llm_decodes(&llm_openai,
                       D("{\"ch\\u006fices\":[{\"delta\":{\"content\":"
                         "\"a\\u00e9\\ud83d\\ude00\"}}]}")
                       D("{\"choices\":[{\"delta\":{\"content\":\"x\","
                         "\"content\":\"b\"}}],\"choices\":[{\"delta\":"
                         "{\"content\":\"c\"}}, {\"delta\":{\"content\":"
                         "\"not the first\"}}]}")
                       D("{\"choices\":[{\"delta\":{\"tool_calls\":[{"
                         "\"index\":0,\"id\":\"call_A\",\"function\":{"
                         "\"name\":\"f\",\"arguments\":{\"k\":[1,2]}}}]},"
                         "\"finish_reason\":\"tool_calls\"}],\"usage\":{"
                         "\"prompt_tokens\":1.5,\"completion_tokens\":3}}")
                       D("[DONE]"),
                       stream_ids,
                       "TEXT(aé😀)TEXT(c)"
                       "CALL(call_A,f,{\"k\":[1,2]})USAGE(0,3)"
                       "DONE(tool_calls)",
                       KITH_OK);

    struct unit_llm_result r;
    unit_llm_decode(&llm_openai,
                    D("{\"choices\":[{\"delta\":{\"content\":\"a\"}}],"
                      "\"n\":01}"),
                    NULL, &r);
    assert_string_equal(r.events, "");
    assert_int_equal(r.ret, KITH_EUPSTREAM);
    assert_contains(r.msg, "openai: a stream event is not valid JSON "
                           "(line 1, column");
    free(r.events);
}

/* ---- errors and models ---- */

static void test_llm_openai__error_bodies(void **state)
{
    (void)state;
    static const struct {
        int status;
        const char *body, *want;
        bool retry;
    } cases[] = {
        { 401,
          "{\"error\":{\"message\":\"Incorrect API key provided: sk-abc.\","
          "\"type\":\"invalid_request_error\",\"param\":null,"
          "\"code\":\"invalid_api_key\"}}",
          "openai: 401 invalid_api_key: Incorrect API key provided: sk-abc."
          " — set OPENAI_API_KEY or run: kith config set "
          "providers.openai.api_key",
          false },
        { 429,
          "{\"error\":{\"message\":\"You exceeded your current quota.\","
          "\"type\":\"insufficient_quota\",\"code\":\"insufficient_quota\"}}",
          "openai: 429 insufficient_quota: You exceeded your current quota."
          " — check your plan and billing",
          false },
        { 429,
          "{\"error\":{\"message\":\"Rate limit reached\","
          "\"type\":\"requests\",\"code\":\"rate_limit_exceeded\"}}",
          "openai: 429 rate_limit_exceeded: Rate limit reached — rate "
          "limited: wait a moment and try again",
          true },
        { 404,
          "{\"error\":{\"message\":\"The model `gpt-9` does not exist\","
          "\"type\":\"invalid_request_error\",\"code\":\"model_not_found\"}}",
          "openai: 404 model_not_found: The model `gpt-9` does not exist — "
          "check the model name: kith models",
          false },
        { 400, /* Mistral: flat */
          "{\"object\":\"error\",\"message\":\"Tool call id was abc but "
          "must be a-z, A-Z, 0-9, with a length of 9.\","
          "\"type\":\"invalid_request_message_order\",\"param\":null,"
          "\"code\":\"3230\"}",
          "openai: 400 3230: Tool call id was abc but must be a-z, A-Z, "
          "0-9, with a length of 9.",
          false },
        { 503, /* llama.cpp loading: a numeric code */
          "{\"error\":{\"code\":503,\"message\":\"Loading model\","
          "\"type\":\"unavailable_error\"}}",
          "openai: 503 unavailable_error: Loading model — the provider is "
          "overloaded: try again shortly",
          true },
        { 500, "{\"error\":{\"message\":\"boom\",\"type\":\"server_error\"}}",
          "openai: 500 server_error: boom — the provider failed: try again "
          "later",
          true },
        { 502, "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n"
               "<body>\x01</body></html>",
          "openai: 502: <html> <head><title>502 Bad Gateway</title></head> "
          "<body> </body></html> — the provider failed: try again later",
          true },
        { 408, "", "openai: 408: the provider gave no details", true },
        { 409, "{\"detail\":\"busy\"}", "openai: 409: busy", true },
        { 403, "{\"error\":\"forbidden\"}",
          "openai: 403: forbidden — set OPENAI_API_KEY or run: kith config "
          "set providers.openai.api_key",
          false },
        { 404, "Not Found",
          "openai: 404: Not Found — check the base URL: kith config set "
          "providers.openai.base_url URL",
          false },
    };
    struct llm_target t = { 0 };
    for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
        struct kith_err err = KITH_ERR_INIT;
        bool retry = llm_openai.error(&t, cases[i].status, cases[i].body,
                                      strlen(cases[i].body), &err);
        assert_string_equal(err.msg, cases[i].want);
        assert_int_equal(err.code, KITH_EUPSTREAM);
        if (retry != cases[i].retry)
            fail_msg("case %zu: retry %d", i, retry);
    }
}

static void test_llm_openai__long_html_body_is_cut(void **state)
{
    (void)state;
    char body[600];
    memset(body, 'x', sizeof(body) - 1);
    body[sizeof(body) - 1] = '\0';
    memcpy(body + 198, "é", 2); /* bytes 198-199: whole */
    memcpy(body + 199 + 1, "é", 2); /* bytes 200-201: past the cut */
    struct kith_err err = KITH_ERR_INIT;
    struct llm_target t = { 0 };
    assert_true(llm_openai.error(&t, 500, body, strlen(body), &err));
    assert_int_equal(strlen(err.msg),
                     strlen("openai: 500: ") + 200 +
                         strlen(" — the provider failed: try again later"));
    assert_contains(err.msg, "xé —");

    /* a cut inside a two-byte character drops the whole character */
    memset(body, 'y', sizeof(body) - 1);
    memcpy(body + 199, "é", 2);
    assert_true(llm_openai.error(&t, 500, body, strlen(body), &err));
    assert_contains(err.msg, "y — the provider");
    assert_not_contains(err.msg, "\xc3");
}

static void test_llm_openai__models(void **state)
{
    (void)state;
    static const char body[] =
        "{\"object\":\"list\",\"data\":[{\"id\":\"gpt-4o\",\"object\":"
        "\"model\"},{\"id\":\"gpt-4.1-mini\",\"object\":\"model\"},"
        "{\"object\":\"model\"},{\"id\":\"dall-e-3\"}]}";
    struct jv *out = NULL;
    struct kith_err err = KITH_ERR_INIT;
    assert_int_equal(llm_openai.models(body, strlen(body), &out, &err),
                     KITH_OK);
    assert_json(out, "[{\"id\":\"dall-e-3\",\"tools\":null},"
                     "{\"id\":\"gpt-4.1-mini\",\"tools\":null},"
                     "{\"id\":\"gpt-4o\",\"tools\":null}]");
    jv_free(out);

    assert_int_equal(llm_openai.models("<html>", 6, &out, &err),
                     KITH_EUPSTREAM);
    assert_null(out);
    assert_contains(err.msg, "openai: the models listing is not valid JSON");
    assert_int_equal(llm_openai.models("{\"models\":[]}", 13, &out, &err),
                     KITH_EUPSTREAM);
    assert_contains(err.msg, "has no \"data\" array");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_llm_openai__encode_conversation),
        cmocka_unit_test(test_llm_openai__compatible_servers_get_max_tokens),
        cmocka_unit_test(test_llm_openai__encode_refuses_bad_messages),
        cmocka_unit_test(test_llm_openai__headers),
        cmocka_unit_test(test_llm_openai__text_stream),
        cmocka_unit_test(test_llm_openai__tool_call_in_fragments),
        cmocka_unit_test(test_llm_openai__parallel_calls_interleaved),
        cmocka_unit_test(test_llm_openai__finish_reasons),
        cmocka_unit_test(test_llm_openai__error_inside_the_stream),
        cmocka_unit_test(test_llm_openai__cut_off_and_malformed),
        cmocka_unit_test(test_llm_openai__unknown_chunks_are_ignored),
        cmocka_unit_test(test_llm_openai__chunks_read_as_jv_get_did),
        cmocka_unit_test(test_llm_openai__error_bodies),
        cmocka_unit_test(test_llm_openai__long_html_body_is_cut),
        cmocka_unit_test(test_llm_openai__models),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
