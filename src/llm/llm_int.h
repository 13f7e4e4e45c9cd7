/*
 * llm_int: what the files of src/llm share (not for other modules).
 *
 *   bytes from transport.c
 *     -> framing: sse.c (OpenAI, Anthropic) or ndjson.c (Ollama)
 *     -> decoder.c hands each framed event to its provider's decode
 *     -> the provider (openai.c, anthropic.c, ollama.c) turns it into
 *        neutral events with the llm_emit_* helpers of decoder.c
 *     -> the caller's llm_event_fn.
 * Requests go the other way through the provider's encode. llm.c holds
 * the provider table, the retrying call loop and model listing.
 */
#ifndef KITH_LLM_INT_H
#define KITH_LLM_INT_H

#include "base/jread.h"
#include "llm/llm.h"

/* ---- framing: sse.c ---- */

#define LLM_LINE_MAX (8 * 1024 * 1024) /* a longer line is an error */

/* Receives one dispatched event: its name ("" when the stream gave
   none) and its data (the data: lines joined with '\n'). */
typedef int llm_sse_fn(void *ctx, const char *event, const char *data,
                       size_t len);

/*
 * An incremental text/event-stream parser (WHATWG rules): bytes may be
 * torn anywhere (mid-line, mid UTF-8, between CR and LF); lines end with
 * LF, CRLF or CR; ':' lines are comments; data: lines accumulate and a
 * blank line dispatches; "field: value" drops one leading space; id,
 * retry and unknown fields are ignored.
 */
struct llm_sse {
    llm_sse_fn *fn;
    void *ctx;
    struct buf line;  /* the unfinished line */
    struct buf event; /* the pending event name */
    struct buf data;  /* the pending data */
    bool has_data;    /* a data: line was seen since the last dispatch */
    bool after_cr;    /* the last byte was CR: skip one LF */
};

void llm_sse_init(struct llm_sse *s, llm_sse_fn *fn, void *ctx);
/* Feed n bytes; returns the first negative return of fn, KITH_ETOOBIG
   for a line over LLM_LINE_MAX, else KITH_OK. */
int llm_sse_feed(struct llm_sse *s, const char *p, size_t n,
                 struct kith_err *err);
/* End of input: dispatch a pending event that lacked its blank line. */
int llm_sse_finish(struct llm_sse *s, struct kith_err *err);
void llm_sse_release(struct llm_sse *s);

/* ---- framing: ndjson.c ---- */

typedef int llm_line_fn(void *ctx, const char *line, size_t len);

/* Newline-delimited JSON: one callback per non-empty line (CR before LF
   dropped), torn anywhere. */
struct llm_ndjson {
    llm_line_fn *fn;
    void *ctx;
    struct buf line;
};

void llm_ndjson_init(struct llm_ndjson *n, llm_line_fn *fn, void *ctx);
int llm_ndjson_feed(struct llm_ndjson *n, const char *p, size_t len,
                    struct kith_err *err);
int llm_ndjson_finish(struct llm_ndjson *n, struct kith_err *err);
void llm_ndjson_release(struct llm_ndjson *n);

/* ---- decoding a streamed answer: decoder.c ---- */

#define LLM_MAX_CALLS 64 /* tool calls in one answer */

/* A tool call being assembled from fragments. */
struct llm_call_slot {
    bool used;
    int64_t index;  /* the provider's index for the call */
    struct buf id;
    struct buf name;
    struct buf args; /* argument JSON text, fragments appended */
    bool sent;       /* emitted already */
};

struct llm_decoder {
    const struct llm_provider *p;
    llm_event_fn *fn;
    void *ctx;
    struct llm_sse sse;
    struct llm_ndjson nd;
    struct llm_call_slot calls[LLM_MAX_CALLS];
    int64_t input_tokens, output_tokens;
    char stop_reason[32]; /* neutral, set by the provider */
    bool done;      /* the terminal marker arrived (LLM_EV_DONE sent) */
    bool delivered; /* some event reached fn (no retry after this) */
    int failed;     /* a negative code once an error was emitted */
    bool retryable; /* that error is one a retry may fix (overloaded) */
    struct kith_err *err;
    struct buf scratch; /* strings of the event being decoded (reused) */
};

void llm_decoder_init(struct llm_decoder *d, const struct llm_provider *p,
                      llm_event_fn *fn, void *ctx);
/* Feed bytes of a 2xx body. Negative: the provider reported an error
   (LLM_EV_ERROR was sent, err says it), the callback stopped, or the
   stream is malformed. */
int llm_decoder_feed(struct llm_decoder *d, const char *p, size_t n,
                     struct kith_err *err);
/* End of the body: KITH_EUPSTREAM when it ended before its terminal
   marker ("the stream was cut off"). */
int llm_decoder_finish(struct llm_decoder *d, struct kith_err *err);
void llm_decoder_release(struct llm_decoder *d);

/* For providers' decode functions: */
int llm_emit_text(struct llm_decoder *d, const char *text, size_t len);
/* A complete call; args_json is the arguments' JSON text ("" is {}); a
   missing id is made up (9 letters and digits, accepted everywhere). */
int llm_emit_call(struct llm_decoder *d, const char *id, const char *name,
                  const char *args_json, size_t args_len);
/* The same for a call whose arguments are already an object. */
int llm_emit_call_obj(struct llm_decoder *d, const char *id,
                      const char *name, const struct jv *args);
int llm_emit_usage(struct llm_decoder *d, int64_t input, int64_t output);
/* The terminal marker: first the calls still pending in slots, then
   LLM_EV_DONE with d->stop_reason (or reason when not NULL). */
int llm_emit_done(struct llm_decoder *d, const char *reason);
/*
 * An error inside a 2xx stream (message: the provider's): fills err and
 * stops the decoder. No event is sent here: llm_chat retries when nothing
 * was delivered and d->retryable says it may help, and otherwise sends
 * LLM_EV_ERROR itself.
 */
int llm_emit_error(struct llm_decoder *d, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* The slot of the call with the provider's index, made when new;
   NULL past LLM_MAX_CALLS. */
struct llm_call_slot *llm_call_slot(struct llm_decoder *d, int64_t index);
/* Emit one slot's call (parsing its args) unless it was sent. */
int llm_emit_slot(struct llm_decoder *d, struct llm_call_slot *slot);
/* Append to out the jv_dump text of the (validated) value at v: tool
   arguments sent as an object, rare enough to go through a tree. */
int llm_append_dump(struct buf *out, const struct jr *v);
/* A fresh tool-call id: 9 characters of [A-Za-z0-9] into out[10]. */
void llm_make_call_id(char out[10]);

/* ---- providers: openai.c, anthropic.c, ollama.c ---- */

enum llm_framing { LLM_FRAMING_SSE, LLM_FRAMING_NDJSON };

struct llm_provider {
    enum llm_wire wire;
    const char *name;         /* "openai" */
    const char *default_base; /* "https://api.openai.com/v1" */
    const char *chat_path;    /* appended to base_url: "/chat/completions" */
    const char *models_path;  /* "/models" */
    const char *key_env;      /* "OPENAI_API_KEY" */
    const char *base_env;     /* "OPENAI_BASE_URL" ("OLLAMA_HOST") */
    enum llm_framing framing;
    /* Request headers as "Name: value\n" lines (Content-Type aside). */
    void (*headers)(const struct llm_target *t, struct buf *out);
    /* The streaming request body for rq. */
    int (*encode)(const struct llm_target *t, const struct llm_request *rq,
                  struct buf *out, struct kith_err *err);
    /* One framed event: SSE (event, data) or an NDJSON line (event ""). */
    int (*decode)(struct llm_decoder *d, const char *event,
                  const char *data, size_t len);
    /* A non-2xx answer: err gets "openai: 401 invalid_api_key: ... — fix"
       and the return says whether retrying can help (quota: no). */
    bool (*error)(const struct llm_target *t, int status, const char *body,
                  size_t len, struct kith_err *err);
    /* The models listing body -> [{"id", "tools"}]. */
    int (*models)(const char *body, size_t len, struct jv **out,
                  struct kith_err *err);
};

extern const struct llm_provider llm_openai, llm_anthropic, llm_ollama;

/* The provider of a wire. */
const struct llm_provider *llm_provider_of(enum llm_wire wire);

/* ---- what the providers share: upstream.c ---- */

/* An empty JSON Schema object, for a tool given without parameters. */
#define LLM_EMPTY_SCHEMA "{\"type\":\"object\",\"properties\":{}}"
/* "tools": [{"type": "function", "function": {name, description,
   parameters}}] as OpenAI's and Ollama's wires both want them. */
void llm_write_function_tools(struct jw *w, const struct jv *tools);
/* Writes message number at of the neutral conversation in a wire's shape. */
typedef int llm_message_writer(struct jw *w, const struct jv *m, size_t at,
                               struct kith_err *err);
/*
 * The start of an OpenAI- or Ollama-shaped chat body into out: {"model",
 * "messages": [the system prompt as a system message, then each neutral
 * message through write_message], "tools"?; the caller adds its own
 * members and closes the object.
 */
int llm_write_chat_start(struct jw *w, struct buf *out,
                         const struct llm_provider *p,
                         const struct llm_target *t,
                         const struct llm_request *rq,
                         llm_message_writer *write_message,
                         struct kith_err *err);

/*
 * Fill err (KITH_EUPSTREAM) with "<p->name>: <status> <label>: <message>
 * — <hint>" for a non-2xx answer, the hint chosen from status, label and
 * message; label may be NULL or "". quota says the provider reported a
 * quota or billing limit. Returns whether a retry can help: false for
 * quota, and for 4xx other than 408, 409 and 429.
 */
bool llm_upstream_error(const struct llm_provider *p, int status,
                        const char *label, const char *message, bool quota,
                        struct kith_err *err);
/* A body that is not the provider's JSON, made readable: its first 200
   bytes, control characters and runs of spaces folded, cut on a UTF-8
   boundary, into out (replacing its contents). */
void llm_clean_body(const char *body, size_t len, struct buf *out);
/* A models listing: body's array under list_key, each item's id_key
   string -> *out = [{"id", "tools": null}] sorted by id. */
int llm_models_list(const struct llm_provider *p, const char *body,
                    size_t len, const char *list_key, const char *id_key,
                    struct jv **out, struct kith_err *err);

/* ---- retry policy: retry.c ---- */

#define LLM_MAX_ATTEMPTS 4

/*
 * Whether an attempt that failed with status (0: no answer, a connection
 * error or timeout) should be tried again: connection errors, 408, 409,
 * 429, 5xx and 529, unless the provider said retrying cannot help
 * (retryable false) or the server's x-should-retry said no (should_retry
 * 0; 1 forces a retry; -1 when absent).
 */
bool llm_should_retry(int status, bool retryable, int should_retry);
/*
 * The wait before attempt number attempt (1 for the first retry): the
 * server's retry-after-ms, else retry-after in seconds (either only when
 * above 0 and at most 60 s; pass -1 when absent), else 500 ms * 2^(n-1)
 * capped at 8 s, less up to 25 % (jitter in [0, 1)).
 */
int64_t llm_retry_delay_ms(int attempt, int64_t retry_after_ms,
                           double jitter);
/* Parse a Retry-After value (seconds, or an HTTP date) into ms; -1 when
   it is neither. now is the Unix time in seconds. */
int64_t llm_parse_retry_after(const char *value, int64_t now);

/* ---- configuration: resolve.c ---- */

/* The environment and secrets.env names of a provider's key
   ("OPENAI_API_KEY") and base URL ("OPENAI_BASE_URL", "OLLAMA_HOST"). */
const char *llm_key_name(const struct llm_provider *p);
const char *llm_base_name(const struct llm_provider *p);
/*
 * A provider's base URL (*base_url, normalised, no trailing '/') and key
 * (*api_key, NULL when none), both to free(), from the environment,
 * secrets.env of dir (NULL: none) and config (config.json's object, or
 * NULL). *key_source (may be NULL) is "env", "secrets.env" or NULL.
 */
int llm_provider_config(const char *dir, const struct jv *config,
                        const struct llm_provider *p, char **base_url,
                        char **api_key, const char **key_source,
                        struct kith_err *err);
/* Split "provider/model" at the first '/': the provider and the model
   (borrowed from ref); KITH_EINVAL saying the expected form. */
int llm_parse_model_ref(const char *ref, const struct llm_provider **p,
                        const char **model, struct kith_err *err);

/* ---- HTTP: transport.c (the only user of libcurl) ---- */

#define LLM_ERROR_BODY_MAX (64 * 1024)     /* a non-2xx body kept at most */
#define LLM_GET_BODY_MAX (8 * 1024 * 1024) /* a GET body (models) at most */

/* Bytes of a 2xx body as they arrive; negative stops the transfer. */
typedef int llm_data_fn(void *ctx, const char *data, size_t n);

struct llm_http_result {
    int status;             /* 0 when no answer came */
    struct buf body;        /* non-2xx (or GET) body, capped */
    int64_t retry_after_ms; /* from retry-after-ms / retry-after; -1 */
    int should_retry;       /* x-should-retry: 1, 0, or -1 when absent */
};

void llm_http_result_init(struct llm_http_result *r);
void llm_http_result_release(struct llm_http_result *r);

/*
 * One attempt: POST body (JSON) to url with headers ("Name: value\n"
 * lines), or GET when body is NULL. A 2xx body streams to on_data (for a
 * GET it is collected into r->body instead); any other body is collected
 * into r->body. TLS is verified; the proxy environment is honoured.
 * Returns KITH_OK when an answer came (any status; see r->status),
 * KITH_ETIMEOUT (connect, first byte or idle), KITH_EIO (connection
 * failed), KITH_ECANCELED, or on_data's negative return.
 */
int llm_http(const char *url, const char *headers, const char *body,
             size_t len, llm_data_fn *on_data, void *ctx,
             const struct llm_call_opts *o, struct llm_http_result *r,
             struct kith_err *err);

#endif
