/*
 * llm: one provider-neutral way to talk to a model (DESIGN, "Models").
 *
 * A request is a system prompt, a conversation and tools in one neutral
 * JSON shape; the answer is a stream of neutral events. Each provider
 * (openai.c, anthropic.c, ollama.c, listed in llm.c's table) translates
 * both ways; transport.c (the only user of libcurl) carries the bytes with
 * timeouts, retries and cancellation; sse.c and ndjson.c frame the stream.
 *
 * The neutral conversation (struct llm_request.messages) is a JSON array:
 *   {"role": "user", "content": "Find Ada"}
 *   {"role": "assistant", "content": "Looking." | "",
 *    "tool_calls": [{"id": "a1B2c3D4e", "name": "find_entries",
 *                    "arguments": {"object": "people"}}]}   (optional)
 *   {"role": "tool", "tool_call_id": "a1B2c3D4e", "name": "find_entries",
 *    "content": "{...}", "is_error": false}
 * Tool arguments are always a parsed JSON object here; each provider
 * serializes them the way its wire wants (a string for OpenAI). Tools
 * (struct llm_request.tools) are [{"name", "description", "parameters":
 * JSON Schema with "type": "object"}].
 *
 * A model is named "provider/model" ("openai/gpt-4.1-mini",
 * "ollama/qwen2.5:7b"); only the first '/' separates the two.
 */
#ifndef KITH_LLM_H
#define KITH_LLM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"
#include "base/err.h"
#include "base/json.h"

/* ---- providers and targets (llm.c, config) ---- */

enum llm_wire {
    LLM_OPENAI,    /* Chat Completions over SSE (and every compatible server) */
    LLM_ANTHROPIC, /* Messages API over SSE */
    LLM_OLLAMA,    /* native /api/chat over NDJSON */
};

/*
 * Where a request goes: everything resolved, nothing left to look up.
 * Strings are owned (llm_target_release frees them).
 */
struct llm_target {
    char *provider; /* "openai", "anthropic", "ollama" */
    enum llm_wire wire;
    char *model;    /* without the provider prefix: "gpt-4.1-mini" */
    char *base_url; /* "https://api.openai.com/v1", no trailing '/' */
    char *api_key;  /* NULL when none (never printed) */
};

void llm_target_release(struct llm_target *t);

/*
 * The wire of a provider name ("openai", "anthropic", "ollama");
 * KITH_EINVAL naming the known ones otherwise.
 */
int llm_wire_of(const char *provider, enum llm_wire *out,
                struct kith_err *err);
/* The default base URL of a provider's wire. */
const char *llm_default_base_url(enum llm_wire wire);

/*
 * Resolve a target for the workspace in dir. model is "provider/model",
 * or NULL to use $KITH_MODEL, else config.json's "model". Keys and base
 * URLs come from the environment (OPENAI_API_KEY, OPENAI_BASE_URL,
 * ANTHROPIC_API_KEY, ANTHROPIC_BASE_URL, OLLAMA_HOST), else secrets.env,
 * else config.json's providers.NAME.base_url, else the default. With no
 * model anywhere, Ollama on OLLAMA_HOST or 127.0.0.1:11434 is asked for
 * its models and the first one that supports tools is used; when that
 * fails too, KITH_ENOTFOUND says how to configure one.
 */
int llm_resolve(const char *dir, const char *model, struct llm_target *out,
                struct kith_err *err);

/*
 * A target for provider alone (model ""), resolved like llm_resolve's:
 * for listing its models or checking that it answers.
 */
int llm_resolve_provider(const char *dir, const char *provider,
                         struct llm_target *out, struct kith_err *err);

/* ---- requests and events ---- */

struct llm_request {
    const char *system;         /* system prompt, or NULL */
    const struct jv *messages;  /* the neutral conversation (array) */
    const struct jv *tools;     /* neutral tools (array), or NULL */
    double temperature;         /* used when has_temperature */
    bool has_temperature;
    int64_t max_tokens;         /* 0 for the default, LLM_MAX_TOKENS */
    const struct jv *stop;      /* array of stop strings, or NULL */
};

#define LLM_MAX_TOKENS 4096

enum llm_event_type {
    LLM_EV_TEXT,      /* text: a fragment of the answer (whole UTF-8) */
    LLM_EV_TOOL_CALL, /* id, name, args: one complete tool call */
    LLM_EV_USAGE,     /* input_tokens, output_tokens (totals so far) */
    LLM_EV_DONE,      /* stop_reason: the stream ended properly */
    LLM_EV_ERROR,     /* code, message: the provider failed mid-stream */
};

/*
 * One event. Every pointer is borrowed for the duration of the callback.
 * stop_reason is neutral: "stop", "tool_calls", "length",
 * "content_filter", or the provider's own word for anything else.
 */
struct llm_event {
    enum llm_event_type type;
    const char *text; /* TEXT */
    size_t len;
    const char *id;   /* TOOL_CALL: the provider's id or one made up */
    const char *name;
    const struct jv *args; /* TOOL_CALL: always an object */
    int64_t input_tokens, output_tokens; /* USAGE */
    const char *stop_reason;             /* DONE */
    int code;            /* ERROR: a kith_rc (KITH_EUPSTREAM, ...) */
    const char *message; /* ERROR: the provider's message, with a hint */
};

/* Receives each event; a negative return stops the stream (it becomes
   the return of llm_chat). */
typedef int llm_event_fn(void *ctx, const struct llm_event *ev);

/* Asked often while waiting; true cancels the call at once. */
typedef bool llm_cancel_fn(void *ctx);

struct llm_call_opts {
    llm_cancel_fn *cancel; /* may be NULL */
    void *cancel_ctx;
    int64_t connect_timeout_ms;    /* 0: 10 s */
    int64_t first_byte_timeout_ms; /* 0: 120 s */
    int64_t idle_timeout_ms;       /* 0: 60 s between bytes */
    int max_attempts;              /* 0: 4 */
};

/*
 * Send rq to t and stream the answer to fn. Retries connection errors,
 * 408, 409, 429, 5xx and 529 with exponential backoff and jitter that
 * honours Retry-After and retry-after-ms, at most max_attempts in all and
 * never once an event has been delivered; quota errors are not retried.
 * Returns KITH_OK after LLM_EV_DONE, else a negative code with err saying
 * what the provider said and how to fix it ("anthropic: 401
 * authentication_error: invalid x-api-key — set ANTHROPIC_API_KEY or run:
 * kith config set providers.anthropic.api_key"). An error after events
 * were delivered is also sent as LLM_EV_ERROR. Cancelled: KITH_ECANCELED.
 */
int llm_chat(const struct llm_target *t, const struct llm_request *rq,
             llm_event_fn *fn, void *ctx, const struct llm_call_opts *o,
             struct kith_err *err);

/*
 * The models the target's provider offers: *out is a JSON array of
 * {"id": "gpt-4.1-mini", "tools": true|false|null} (null: unknown), sorted
 * by id. Caller frees with jv_free.
 */
int llm_models(const struct llm_target *t, const struct llm_call_opts *o,
               struct jv **out, struct kith_err *err);

/*
 * Whether t's model accepts tools: *out 1 yes, 0 no, -1 unknown. Ollama
 * is asked (POST /api/show, "capabilities"); other providers are assumed
 * to (-1).
 */
int llm_model_tools(const struct llm_target *t, const struct llm_call_opts *o,
                    int *out, struct kith_err *err);

/* ---- settings (settings.c): what kith config and /api/settings edit ---- */

/*
 * The settings, defined once (which file, how checked, secret or not):
 *   model                    config.json; "provider/model", known provider
 *   providers.NAME.base_url  config.json; an http:// or https:// URL
 *   providers.NAME.api_key   secrets.env as OPENAI_API_KEY,
 *                            ANTHROPIC_API_KEY or OLLAMA_API_KEY; secret:
 *                            never written to config.json, never shown
 *   agent.approval           config.json; always, destructive or never
 * NAME is openai, anthropic or ollama. A value "" (or NULL) unsets.
 */

/* The i-th setting's key in the order above; NULL past the last. */
const char *llm_settings_key(size_t i);
/* Whether key names a setting; KITH_EINVAL with a suggestion if not. */
int llm_settings_check_key(const char *key, struct kith_err *err);
/* Whether key names a secret (it is never shown). */
bool llm_settings_is_secret(const char *key);
/* Check value (NUL-free, len bytes) for key without writing anything;
   KITH_EINVAL naming the key and saying what is expected. */
int llm_settings_validate(const char *key, const char *value, size_t len,
                          struct kith_err *err);
/* Validate, then store (or unset) key in the workspace in dir. */
int llm_settings_set(const char *dir, const char *key, const char *value,
                     struct kith_err *err);
/*
 * The stored value of key: *out (free() it), NULL when unset. For a
 * secret, *out is only "set" or NULL: the key itself is never read out.
 * agent.approval unset gives its default, "destructive".
 */
int llm_settings_get(const char *dir, const char *key, char **out,
                     struct kith_err *err);
/*
 * Every setting as GET /api/settings answers (never a key):
 * {"model": "openai/gpt-4.1-mini"|null, "model_in_use": $KITH_MODEL or
 *  model or null,
 *  "providers": {"openai": {"base_url": configured or null,
 *                 "base_url_in_use": what requests use,
 *                 "api_key_set": true, "api_key_source": "env" |
 *                 "secrets.env" | null}, "anthropic": ..., "ollama": ...},
 *  "agent": {"approval": "destructive"}}
 */
int llm_settings_json(const char *dir, struct jv **out,
                      struct kith_err *err);

#endif
