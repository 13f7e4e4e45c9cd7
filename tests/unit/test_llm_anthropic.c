/*
 * test_llm_anthropic: the Messages API translation (src/llm/anthropic.c).
 *
 * The neutral conversation must reach the wire as Anthropic wants it: a
 * top-level system prompt, max_tokens always, assistant turns as text and
 * tool_use blocks, consecutive tool results merged into one user message
 * with the tool_result blocks first. The recorded stream of the SDK's own
 * fixture (tool input torn mid-key, an empty fragment, a ping) and other
 * streams must give the same events however the bytes are torn, with
 * usage cumulative and errors inside a 200 stream reported (overloaded:
 * worth a retry). Error bodies become one message with a hint.
 */
#include "unit_llm.h"

#define E(name, json) "event: " name "\ndata: " json "\n\n"

static const char *const stream_ids[] = { "toolu_01NRLabsLyVHZPKxbKvkfSMn",
                                          "toolu_B", NULL };

/* ---- encoding ---- */

static const char conversation[] =
    "[{\"role\":\"user\",\"content\":\"Find Ada\"},"
    " {\"role\":\"assistant\",\"content\":\"Looking.\",\"tool_calls\":["
    "  {\"id\":\"a1B2c3D4e\",\"name\":\"find_entries\","
    "   \"arguments\":{\"object\":\"people\",\"q\":\"Ada\"}},"
    "  {\"id\":\"b1B2c3D4e\",\"name\":\"get_entry\","
    "   \"arguments\":{\"id\":7}}]},"
    " {\"role\":\"tool\",\"tool_call_id\":\"a1B2c3D4e\","
    "  \"name\":\"find_entries\",\"content\":\"{\\\"count\\\":1}\","
    "  \"is_error\":false},"
    " {\"role\":\"tool\",\"tool_call_id\":\"b1B2c3D4e\","
    "  \"name\":\"get_entry\",\"content\":\"no entry 7\",\"is_error\":true},"
    " {\"role\":\"user\",\"content\":\"Thanks\"},"
    " {\"role\":\"assistant\",\"content\":\"\"},"
    " {\"role\":\"assistant\",\"content\":\"Found her.\"}]";

static const char tools[] =
    "[{\"name\":\"find_entries\",\"description\":\"Find entries\","
    "  \"parameters\":{\"type\":\"object\","
    "                  \"properties\":{\"q\":{\"type\":\"string\"}}}},"
    " {\"name\":\"list_objects\"}]";

static void test_llm_anthropic__encode_conversation(void **state)
{
    (void)state;
    struct jv *msgs = unit_json(conversation), *tl = unit_json(tools);
    struct jv *stop = unit_json("[\"END\"]");
    struct llm_target t = unit_llm_target(
        "claude-sonnet-4-5", "https://api.anthropic.com", "sk-ant");
    struct llm_request rq = { .system = "You are a CRM assistant.",
                              .messages = msgs, .tools = tl,
                              .temperature = 0.25, .has_temperature = true,
                              .stop = stop };
    struct jv *body = unit_llm_encode(&llm_anthropic, &t, &rq);

    assert_json(body,
        "{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":4096,"
        " \"system\":\"You are a CRM assistant.\",\"messages\":["
        " {\"role\":\"user\",\"content\":\"Find Ada\"},"
        " {\"role\":\"assistant\",\"content\":["
        "  {\"type\":\"text\",\"text\":\"Looking.\"},"
        "  {\"type\":\"tool_use\",\"id\":\"a1B2c3D4e\","
        "   \"name\":\"find_entries\","
        "   \"input\":{\"object\":\"people\",\"q\":\"Ada\"}},"
        "  {\"type\":\"tool_use\",\"id\":\"b1B2c3D4e\",\"name\":\"get_entry\","
        "   \"input\":{\"id\":7}}]},"
        " {\"role\":\"user\",\"content\":["
        "  {\"type\":\"tool_result\",\"tool_use_id\":\"a1B2c3D4e\","
        "   \"content\":\"{\\\"count\\\":1}\"},"
        "  {\"type\":\"tool_result\",\"tool_use_id\":\"b1B2c3D4e\","
        "   \"content\":\"no entry 7\",\"is_error\":true},"
        "  {\"type\":\"text\",\"text\":\"Thanks\"}]},"
        " {\"role\":\"assistant\",\"content\":["
        "  {\"type\":\"text\",\"text\":\"Found her.\"}]}],"
        " \"tools\":["
        "  {\"name\":\"find_entries\",\"description\":\"Find entries\","
        "   \"input_schema\":{\"type\":\"object\","
        "    \"properties\":{\"q\":{\"type\":\"string\"}}}},"
        "  {\"name\":\"list_objects\",\"input_schema\":{\"type\":\"object\","
        "   \"properties\":{}}}],"
        " \"temperature\":0.25,\"stop_sequences\":[\"END\"],"
        " \"stream\":true}");
    jv_free(body);

    /* a tool result at the end: its own user message; no system: none */
    jv_free(msgs);
    msgs = unit_json(
        "[{\"role\":\"user\",\"content\":\"hi\"},"
        " {\"role\":\"assistant\",\"tool_calls\":[{\"id\":\"x\","
        "  \"name\":\"f\"}]},"
        " {\"role\":\"tool\",\"tool_call_id\":\"x\",\"content\":{\"a\":1}}]");
    struct llm_request rq2 = { .messages = msgs, .max_tokens = 10 };
    body = unit_llm_encode(&llm_anthropic, &t, &rq2);
    assert_json(body,
        "{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":10,\"messages\":["
        " {\"role\":\"user\",\"content\":\"hi\"},"
        " {\"role\":\"assistant\",\"content\":[{\"type\":\"tool_use\","
        "  \"id\":\"x\",\"name\":\"f\",\"input\":{}}]},"
        " {\"role\":\"user\",\"content\":[{\"type\":\"tool_result\","
        "  \"tool_use_id\":\"x\",\"content\":\"{\\\"a\\\":1}\"}]}],"
        " \"stream\":true}");
    jv_free(body);
    jv_free(msgs);
    jv_free(tl);
    jv_free(stop);
    llm_target_release(&t);
}

static void test_llm_anthropic__encode_refuses_bad_messages(void **state)
{
    (void)state;
    static const struct {
        const char *msgs, *want;
    } cases[] = {
        { "[{\"role\":\"system\",\"content\":\"x\"}]",
          "anthropic: message 0 has role 'system'" },
        { "[{\"role\":\"user\",\"content\":\"x\"},{\"role\":\"tool\"}]",
          "anthropic: message 1 (a tool result) has no \"tool_call_id\"" },
        { "[{\"role\":\"assistant\",\"tool_calls\":[{\"name\":\"f\"}]}]",
          "anthropic: message 0: tool call 0 needs an \"id\"" },
        { "null", "anthropic: the conversation must be a JSON array" },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
        struct jv *msgs = unit_json(cases[i].msgs);
        struct llm_target t = unit_llm_target("m", NULL, NULL);
        struct llm_request rq = { .messages = msgs };
        struct buf body = BUF_INIT;
        struct kith_err err = KITH_ERR_INIT;
        assert_int_equal(llm_anthropic.encode(&t, &rq, &body, &err),
                         KITH_EINVAL);
        assert_contains(err.msg, cases[i].want);
        buf_release(&body);
        jv_free(msgs);
        llm_target_release(&t);
    }
}

static void test_llm_anthropic__headers(void **state)
{
    (void)state;
    struct llm_target t = unit_llm_target("m", NULL, "sk-ant-1");
    struct buf h = BUF_INIT;
    llm_anthropic.headers(&t, &h);
    assert_string_equal(h.buf, "x-api-key: sk-ant-1\n"
                               "anthropic-version: 2023-06-01\n"
                               "Accept: text/event-stream\n");
    buf_release(&h);
    llm_target_release(&t);
}

/* ---- decoding ---- */

/* The SDK's fixture tool_use_response.txt, verbatim. */
static const char fixture[] =
    E("message_start",
      "{\"type\":\"message_start\",\"message\":{\"id\":"
      "\"msg_019Q1hrJbZG26Fb9BQhrkHEr\",\"type\":\"message\",\"role\":"
      "\"assistant\",\"model\":\"claude-sonnet-4-20250514\",\"content\":[],"
      "\"stop_reason\":null,\"stop_sequence\":null,\"usage\":{"
      "\"input_tokens\":377,\"cache_creation_input_tokens\":0,"
      "\"cache_read_input_tokens\":0,\"output_tokens\":1,\"service_tier\":"
      "\"standard\"}}}")
    E("content_block_start",
      "{\"type\":\"content_block_start\",\"index\":0,\"content_block\":"
      "{\"type\":\"text\",\"text\":\"\"}}")
    E("ping", "{\"type\": \"ping\"}")
    E("content_block_delta",
      "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":"
      "\"text_delta\",\"text\":\"I'll check the current weather in Paris "
      "for you.\"}}")
    E("content_block_stop", "{\"type\":\"content_block_stop\",\"index\":0}")
    E("content_block_start",
      "{\"type\":\"content_block_start\",\"index\":1,\"content_block\":"
      "{\"type\":\"tool_use\",\"id\":\"toolu_01NRLabsLyVHZPKxbKvkfSMn\","
      "\"name\":\"get_weather\",\"caller\":{\"type\":\"direct\"},"
      "\"input\":{}}}")
    E("content_block_delta",
      "{\"type\":\"content_block_delta\",\"index\":1,\"delta\":{\"type\":"
      "\"input_json_delta\",\"partial_json\":\"\"}}")
    E("content_block_delta",
      "{\"type\":\"content_block_delta\",\"index\":1,\"delta\":{\"type\":"
      "\"input_json_delta\",\"partial_json\":\"{\\\"locati\"}}")
    E("content_block_delta",
      "{\"type\":\"content_block_delta\",\"index\":1,\"delta\":{\"type\":"
      "\"input_json_delta\",\"partial_json\":\"on\\\": \\\"P\"}}")
    E("content_block_delta",
      "{\"type\":\"content_block_delta\",\"index\":1,\"delta\":{\"type\":"
      "\"input_json_delta\",\"partial_json\":\"ar\"}}")
    E("content_block_delta",
      "{\"type\":\"content_block_delta\",\"index\":1,\"delta\":{\"type\":"
      "\"input_json_delta\",\"partial_json\":\"is\\\"}\"}}")
    E("content_block_stop", "{\"type\":\"content_block_stop\",\"index\":1}")
    E("message_delta",
      "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"tool_use\","
      "\"stop_sequence\":null},\"usage\":{\"output_tokens\":65}}")
    E("message_stop", "{\"type\":\"message_stop\"}");

static void test_llm_anthropic__sdk_fixture(void **state)
{
    (void)state;
    assert_llm_decodes(
        &llm_anthropic, fixture, stream_ids,
        "TEXT(I'll check the current weather in Paris for you.)"
        "CALL(toolu_01NRLabsLyVHZPKxbKvkfSMn,get_weather,"
        "{\"location\":\"Paris\"})USAGE(377,65)DONE(tool_calls)",
        KITH_OK);
}

static const char text_head[] =
    E("message_start",
      "{\"type\":\"message_start\",\"message\":{\"usage\":{"
      "\"input_tokens\":10,\"cache_read_input_tokens\":100,"
      "\"output_tokens\":1}}}")
    ": a comment\n\n"
    E("content_block_start",
      "{\"type\":\"content_block_start\",\"index\":0,\"content_block\":"
      "{\"type\":\"thinking\",\"thinking\":\"\"}}")
    E("content_block_delta",
      "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":"
      "{\"type\":\"thinking_delta\",\"thinking\":\"Hmm.\"}}")
    E("content_block_delta",
      "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":"
      "{\"type\":\"signature_delta\",\"signature\":\"abc\"}}")
    E("content_block_stop", "{\"type\":\"content_block_stop\",\"index\":0}")
    E("content_block_start",
      "{\"type\":\"content_block_start\",\"index\":1,\"content_block\":"
      "{\"type\":\"text\",\"text\":\"Zo\"}}")
    E("content_block_delta",
      "{\"type\":\"content_block_delta\",\"index\":1,\"delta\":"
      "{\"type\":\"text_delta\",\"text\":\"\\u00eb is here.\"}}")
    E("content_block_delta",
      "{\"type\":\"content_block_delta\",\"index\":1,\"delta\":"
      "{\"type\":\"citations_delta\",\"citation\":{}}}")
    E("something_new", "{\"type\":\"something_new\"}")
    E("content_block_stop", "{\"type\":\"content_block_stop\",\"index\":1}");

static void test_llm_anthropic__text_thinking_and_cached_usage(void **state)
{
    (void)state;
    char in[4096];
    /* message_delta without an event: line (the type in the data) */
    snprintf(in, sizeof(in),
             "%sdata: {\"type\":\"message_delta\",\"delta\":"
             "{\"stop_reason\":\"end_turn\"},\"usage\":"
             "{\"output_tokens\":12}}\n\n%s",
             text_head, E("message_stop", "{\"type\":\"message_stop\"}"));
    assert_llm_decodes(&llm_anthropic, in, NULL,
                       "TEXT(Zo)TEXT(ë is here.)USAGE(110,12)DONE(stop)",
                       KITH_OK);
}

static void test_llm_anthropic__stop_reasons(void **state)
{
    (void)state;
    static const struct {
        const char *reason, *want;
    } cases[] = {
        { "end_turn", "stop" },         { "stop_sequence", "stop" },
        { "max_tokens", "length" },     { "tool_use", "tool_calls" },
        { "refusal", "content_filter" }, { "pause_turn", "pause_turn" },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
        char in[512], want[64];
        snprintf(in, sizeof(in),
                 "event: message_delta\ndata: {\"type\":\"message_delta\","
                 "\"delta\":{\"stop_reason\":\"%s\"}}\n\n%s",
                 cases[i].reason,
                 E("message_stop", "{\"type\":\"message_stop\"}"));
        snprintf(want, sizeof(want), "USAGE(0,0)DONE(%s)", cases[i].want);
        assert_llm_decodes(&llm_anthropic, in, NULL, want, KITH_OK);
    }
}

static void test_llm_anthropic__tool_without_input(void **state)
{
    (void)state;
    assert_llm_decodes(
        &llm_anthropic,
        E("message_start", "{\"type\":\"message_start\",\"message\":"
                           "{\"usage\":{\"input_tokens\":5}}}")
        E("content_block_start",
          "{\"type\":\"content_block_start\",\"index\":0,\"content_block\":"
          "{\"type\":\"tool_use\",\"id\":\"toolu_B\",\"name\":"
          "\"list_objects\",\"input\":{}}}")
        E("content_block_stop", "{\"type\":\"content_block_stop\",\"index\":0}")
        E("message_delta", "{\"type\":\"message_delta\",\"delta\":"
                           "{\"stop_reason\":\"tool_use\"},\"usage\":"
                           "{\"output_tokens\":3}}")
        E("message_stop", "{\"type\":\"message_stop\"}"),
        stream_ids, "CALL(toolu_B,list_objects,{})USAGE(5,3)DONE(tool_calls)",
        KITH_OK);
}

/* A compatible server that sends the whole input in content_block_start
   and no deltas. */
static void test_llm_anthropic__whole_input_in_block_start(void **state)
{
    (void)state;
    assert_llm_decodes(
        &llm_anthropic,
        E("content_block_start",
          "{\"type\":\"content_block_start\",\"index\":2,\"content_block\":"
          "{\"type\":\"tool_use\",\"id\":\"toolu_B\",\"name\":\"get_entry\","
          "\"input\":{\"id\":7}}}")
        E("content_block_stop", "{\"type\":\"content_block_stop\",\"index\":2}")
        E("message_stop", "{\"type\":\"message_stop\"}"),
        stream_ids, "CALL(toolu_B,get_entry,{\"id\":7})USAGE(0,0)DONE(stop)",
        KITH_OK);
}

static void test_llm_anthropic__error_inside_the_stream(void **state)
{
    (void)state;
    struct unit_llm_result r;
    static const char head[] =
        E("message_start", "{\"type\":\"message_start\",\"message\":"
                           "{\"usage\":{\"input_tokens\":5}}}")
        E("content_block_start",
          "{\"type\":\"content_block_start\",\"index\":0,\"content_block\":"
          "{\"type\":\"text\",\"text\":\"\"}}")
        E("content_block_delta",
          "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":"
          "{\"type\":\"text_delta\",\"text\":\"Hel\"}}");
    char in[2048];

    snprintf(in, sizeof(in), "%s%s", head,
             E("error", "{\"type\":\"error\",\"error\":{\"details\":null,"
                        "\"type\":\"overloaded_error\",\"message\":"
                        "\"Overloaded\"}}"));
    unit_llm_decode(&llm_anthropic, in, NULL, &r);
    assert_string_equal(r.events, "TEXT(Hel)");
    assert_int_equal(r.ret, KITH_EUPSTREAM);
    assert_string_equal(r.msg, "anthropic: overloaded_error: Overloaded");
    assert_true(r.retryable);
    free(r.events);

    snprintf(in, sizeof(in), "%s%s", head,
             E("error", "{\"type\":\"error\",\"error\":{\"type\":"
                        "\"invalid_request_error\",\"message\":\"bad\"}}"));
    unit_llm_decode(&llm_anthropic, in, NULL, &r);
    assert_int_equal(r.ret, KITH_EUPSTREAM);
    assert_string_equal(r.msg, "anthropic: invalid_request_error: bad");
    assert_false(r.retryable);
    free(r.events);
}

static void test_llm_anthropic__cut_off_and_malformed(void **state)
{
    (void)state;
    struct unit_llm_result r;
    /* everything but message_stop */
    char in[sizeof(fixture)];
    size_t keep = strlen(fixture) - strlen(E("message_stop",
                                             "{\"type\":\"message_stop\"}"));
    memcpy(in, fixture, keep);
    in[keep] = '\0';
    unit_llm_decode(&llm_anthropic, in, stream_ids, &r);
    assert_string_equal(r.events,
                        "TEXT(I'll check the current weather in Paris for "
                        "you.)CALL(toolu_01NRLabsLyVHZPKxbKvkfSMn,"
                        "get_weather,{\"location\":\"Paris\"})");
    assert_int_equal(r.ret, KITH_EUPSTREAM);
    assert_contains(r.msg, "anthropic: the stream was cut off");
    free(r.events);

    unit_llm_decode(&llm_anthropic,
                    E("content_block_delta", "{\"type\":\"content_blo"),
                    NULL, &r);
    assert_int_equal(r.ret, KITH_EUPSTREAM);
    assert_contains(r.msg, "anthropic: the stream event "
                           "'content_block_delta' is not valid JSON");
    free(r.events);

    /* tool input that never became JSON */
    unit_llm_decode(
        &llm_anthropic,
        E("content_block_start",
          "{\"type\":\"content_block_start\",\"index\":0,\"content_block\":"
          "{\"type\":\"tool_use\",\"id\":\"toolu_B\",\"name\":\"f\"}}")
        E("content_block_delta",
          "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{"
          "\"type\":\"input_json_delta\",\"partial_json\":\"{\\\"a\"}}")
        E("content_block_stop",
          "{\"type\":\"content_block_stop\",\"index\":0}"),
        stream_ids, &r);
    assert_int_equal(r.ret, KITH_EUPSTREAM);
    assert_contains(r.msg, "anthropic: the arguments of the model's call to "
                           "f are not valid JSON");
    free(r.events);
}

/* ---- errors and models ---- */

/* Events are read without a tree (base/jread.c), as jv_get read them:
   escaped keys and values match, the last of duplicate members wins, the
   type comes from the JSON when the event has no name, and an event that
   turns invalid after its text emits nothing but the error. */
static void test_llm_anthropic__events_read_as_jv_get_did(void **state)
{
    (void)state;
    assert_llm_decodes(
        &llm_anthropic,
        E("content_block_delta",
          "{\"index\":0,\"delta\":{\"type\":\"text_\\u0064elta\","
          "\"t\\u0065xt\":\"x\",\"text\":\"Hi\\n\"}}")
        "data: {\"type\":\"content_block_start\",\"index\":1,"
        "\"content_block\":{\"type\":\"tool_use\",\"id\":\"toolu_B\","
        "\"name\":\"f\",\"input\":{}}}\n\n"
        E("content_block_delta",
          "{\"index\":1,\"delta\":{\"type\":\"input_json_delta\","
          "\"partial_json\":\"{\\\"a\\\":\"}}")
        E("content_block_delta",
          "{\"index\":1,\"index\":1,\"delta\":{\"type\":"
          "\"input_json_delta\",\"partial_json\":\"[1]}\"}}")
        E("content_block_stop", "{\"index\":1}")
        E("message_delta", "{\"delta\":{\"stop_reason\":\"tool_use\"},"
                           "\"usage\":{\"output_tokens\":2.5,"
                           "\"output_tokens\":9}}")
        E("message_stop", "{}"),
        stream_ids, "TEXT(Hi\n)CALL(toolu_B,f,{\"a\":[1]})USAGE(0,9)"
                    "DONE(tool_calls)",
        KITH_OK);

    struct unit_llm_result r;
    unit_llm_decode(&llm_anthropic,
                    E("content_block_delta",
                      "{\"delta\":{\"type\":\"text_delta\",\"text\":\"a\"},"
                      "\"index\":0,}"),
                    NULL, &r);
    assert_string_equal(r.events, "");
    assert_int_equal(r.ret, KITH_EUPSTREAM);
    assert_contains(r.msg, "'content_block_delta' is not valid JSON (line 1");
    free(r.events);
}

static void test_llm_anthropic__error_bodies(void **state)
{
    (void)state;
    static const struct {
        int status;
        const char *body, *want;
        bool retry;
    } cases[] = {
        { 401,
          "{\"type\":\"error\",\"error\":{\"type\":\"authentication_error\","
          "\"message\":\"invalid x-api-key\"},\"request_id\":\"req_1\"}",
          "anthropic: 401 authentication_error: invalid x-api-key — set "
          "ANTHROPIC_API_KEY or run: kith config set "
          "providers.anthropic.api_key",
          false },
        { 529,
          "{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\","
          "\"message\":\"Overloaded\"}}",
          "anthropic: 529 overloaded_error: Overloaded — the provider is "
          "overloaded: try again shortly",
          true },
        { 429,
          "{\"type\":\"error\",\"error\":{\"type\":\"rate_limit_error\","
          "\"message\":\"Number of request tokens has exceeded your "
          "per-minute rate limit\"}}",
          "anthropic: 429 rate_limit_error: Number of request tokens has "
          "exceeded your per-minute rate limit — rate limited: wait a "
          "moment and try again",
          true },
        { 429,
          "{\"type\":\"error\",\"error\":{\"type\":\"rate_limit_error\","
          "\"message\":\"Spend limit reached\",\"details\":{\"error_code\":"
          "\"enforced_spend_limit_reached\"}}}",
          "anthropic: 429 enforced_spend_limit_reached: Spend limit reached"
          " — check your plan and billing",
          false },
        { 402,
          "{\"type\":\"error\",\"error\":{\"type\":\"billing_error\","
          "\"message\":\"Your credit balance is too low\"}}",
          "anthropic: 402 billing_error: Your credit balance is too low — "
          "check your plan and billing",
          false },
        { 404,
          "{\"type\":\"error\",\"error\":{\"type\":\"not_found_error\","
          "\"message\":\"model: claude-9\"}}",
          "anthropic: 404 not_found_error: model: claude-9 — check the "
          "model name: kith models",
          false },
        { 400,
          "{\"type\":\"error\",\"error\":{\"type\":\"invalid_request_error\","
          "\"message\":\"max_tokens: Field required\"}}",
          "anthropic: 400 invalid_request_error: max_tokens: Field required",
          false },
        { 500,
          "{\"type\":\"error\",\"error\":{\"type\":\"api_error\","
          "\"message\":\"Internal server error\"}}",
          "anthropic: 500 api_error: Internal server error — the provider "
          "failed: try again later",
          true },
        { 413, "request too large\n",
          "anthropic: 413: request too large", false },
    };
    struct llm_target t = { 0 };
    for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
        struct kith_err err = KITH_ERR_INIT;
        bool retry = llm_anthropic.error(&t, cases[i].status, cases[i].body,
                                         strlen(cases[i].body), &err);
        assert_string_equal(err.msg, cases[i].want);
        assert_int_equal(err.code, KITH_EUPSTREAM);
        if (retry != cases[i].retry)
            fail_msg("case %zu: retry %d", i, retry);
    }
}

static void test_llm_anthropic__models(void **state)
{
    (void)state;
    static const char body[] =
        "{\"data\":[{\"type\":\"model\",\"id\":\"claude-sonnet-4-5\","
        "\"display_name\":\"Claude Sonnet 4.5\"},{\"type\":\"model\","
        "\"id\":\"claude-haiku-4-5\"}],\"has_more\":false}";
    struct jv *out = NULL;
    struct kith_err err = KITH_ERR_INIT;
    assert_int_equal(llm_anthropic.models(body, strlen(body), &out, &err),
                     KITH_OK);
    assert_json(out, "[{\"id\":\"claude-haiku-4-5\",\"tools\":null},"
                     "{\"id\":\"claude-sonnet-4-5\",\"tools\":null}]");
    jv_free(out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_llm_anthropic__encode_conversation),
        cmocka_unit_test(test_llm_anthropic__encode_refuses_bad_messages),
        cmocka_unit_test(test_llm_anthropic__headers),
        cmocka_unit_test(test_llm_anthropic__sdk_fixture),
        cmocka_unit_test(test_llm_anthropic__text_thinking_and_cached_usage),
        cmocka_unit_test(test_llm_anthropic__stop_reasons),
        cmocka_unit_test(test_llm_anthropic__tool_without_input),
        cmocka_unit_test(test_llm_anthropic__whole_input_in_block_start),
        cmocka_unit_test(test_llm_anthropic__error_inside_the_stream),
        cmocka_unit_test(test_llm_anthropic__cut_off_and_malformed),
        cmocka_unit_test(test_llm_anthropic__error_bodies),
        cmocka_unit_test(test_llm_anthropic__events_read_as_jv_get_did),
        cmocka_unit_test(test_llm_anthropic__models),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
