/*
 * tools: the agent's tool table, defined once for the agent loop and the
 * MCP server (DESIGN, "Agent"; issue 6).
 *
 * Each row is a public name, a description written for a model, the JSON
 * Schema of the arguments, the effect (reads, writes, destroys) and a
 * handler. Handlers are thin calls into crm/: every rule about objects,
 * fields and values lives there, and crm's messages (a bad filter's
 * column, a validation error naming the field) reach the model as they
 * are. Arguments are checked against the schema before a handler runs
 * (tool_check.c), results are written compactly and within a byte budget
 * (tool_write.c). Writes are recorded in the change log as ctx->actor.
 */
#include "agent/agent.h"

#include <stdlib.h>
#include <string.h>

#include "agent/agent_int.h"
#include "base/suggest.h"
#include "base/utf8.h"
#include "base/xalloc.h"

#define FIND_LIMIT_DEFAULT 25
#define FIND_LIMIT_MAX 200
#define SEARCH_LIMIT_DEFAULT 10
#define SEARCH_LIMIT_MAX 50
#define SQL_TIMEOUT_MS 5000
#define SQL_MAX_ROWS 500
#define LIST_HINT "narrow the filter or lower limit"
#define SQL_HINT "narrow the query (WHERE, LIMIT, fewer columns)"

/* ---- arguments (already checked against the schema) ---- */

static const char *arg_str(const struct jv *args, const char *key)
{
    return jv_str(jv_get(args, key));
}

static bool arg_has(const struct jv *args, const char *key)
{
    return jv_type(jv_get(args, key)) != JV_NULL;
}

/* The integer argument key in [lo, hi], or def when it is absent. */
static int arg_range(const char *tool, const struct jv *args, const char *key,
                     int64_t def, int64_t lo, int64_t hi, int64_t *out,
                     struct kith_err *err)
{
    *out = arg_has(args, key) ? jv_int(jv_get(args, key)) : def;
    if (*out < lo || *out > hi)
        return kith_errf(err, KITH_EINVAL,
                         "%s: '%s' must be between %lld and %lld, not %lld",
                         tool, key, (long long)lo, (long long)hi,
                         (long long)*out);
    return KITH_OK;
}

/*
 * The object named name. Unknown: crm's message when it has a suggestion,
 * else one that lists the objects, which a model can pick from.
 */
static int find_object(const struct agent_ctx *ctx, const char *name,
                       const struct crm_object **o, struct kith_err *err)
{
    int ret = crm_object_get(ctx->crm, name, o, err);
    if (ret != KITH_ENOTFOUND || strstr(err->msg, "did you mean"))
        return ret;
    struct buf all = BUF_INIT;
    for (size_t i = 0; i < crm_object_count(ctx->crm); i++)
        buf_appendf(&all, "%s%s", i ? ", " : "",
                    crm_object_at(ctx->crm, i)->slug);
    ret = kith_errf(err, KITH_ENOTFOUND,
                    "unknown object '%s'; the objects are: %s", name,
                    all.buf);
    buf_release(&all);
    return ret;
}

/* ---- shared result pieces ---- */

static void write_field(struct jw *w, const struct crm_field *f)
{
    jw_obj(w);
    jw_key(w, "slug");
    jw_str(w, f->slug);
    jw_key(w, "name");
    jw_str(w, f->name);
    jw_key(w, "type");
    jw_str(w, crm_type_name(f->type));
    if (f->type == CRM_SELECT || f->type == CRM_MULTI_SELECT) {
        jw_key(w, "options");
        jw_arr(w);
        for (size_t i = 0; i < f->noptions; i++)
            jw_str(w, f->options[i]);
        jw_end_arr(w);
    }
    if (f->type == CRM_RELATION && f->target) {
        jw_key(w, "to");
        jw_str(w, f->target->slug);
    }
    jw_end_obj(w);
}

/* {"<key>": entry} for entry id of o, with its times. */
static int write_entry_result(const struct agent_ctx *ctx, const char *key,
                              const struct crm_object *o, int64_t id,
                              struct buf *out, struct kith_err *err)
{
    struct jv *e = NULL;
    int ret = crm_get(ctx->crm, o->slug, id, &e, err);
    if (ret < 0)
        return ret;
    struct jw w;
    jw_init(&w, out);
    jw_obj(&w);
    jw_key(&w, key);
    agent_write_entry(&w, o, e, true);
    jw_end_obj(&w);
    jv_free(e);
    return KITH_OK;
}

/* ---- the schema ---- */

static int tool_list_objects(const struct agent_ctx *ctx,
                             const struct jv *args, struct buf *out,
                             struct kith_err *err)
{
    (void)args;
    struct jw w;
    jw_init(&w, out);
    jw_obj(&w);
    jw_key(&w, "objects");
    jw_arr(&w);
    for (size_t i = 0; i < crm_object_count(ctx->crm); i++) {
        const struct crm_object *o = crm_object_at(ctx->crm, i);
        int64_t n = 0;
        int ret = crm_count(ctx->crm, o, &n, err);
        if (ret < 0)
            return ret;
        jw_obj(&w);
        jw_key(&w, "object");
        jw_str(&w, o->slug);
        jw_key(&w, "name");
        jw_str(&w, o->name);
        jw_key(&w, "label_field");
        jw_str(&w, o->label);
        jw_key(&w, "entries");
        jw_int(&w, n);
        jw_key(&w, "fields");
        jw_arr(&w);
        for (size_t k = 0; k < o->nfields; k++)
            jw_str(&w, o->fields[k].slug);
        jw_end_arr(&w);
        jw_end_obj(&w);
    }
    jw_end_arr(&w);
    jw_end_obj(&w);
    return KITH_OK;
}

static int tool_describe_object(const struct agent_ctx *ctx,
                                const struct jv *args, struct buf *out,
                                struct kith_err *err)
{
    const struct crm_object *o;
    int64_t n = 0;
    int ret = find_object(ctx, arg_str(args, "object"), &o, err);
    if (ret < 0 || (ret = crm_count(ctx->crm, o, &n, err)) < 0)
        return ret;
    struct jw w;
    jw_init(&w, out);
    jw_obj(&w);
    jw_key(&w, "object");
    jw_str(&w, o->slug);
    jw_key(&w, "name");
    jw_str(&w, o->name);
    jw_key(&w, "label_field");
    jw_str(&w, o->label);
    jw_key(&w, "entries");
    jw_int(&w, n);
    jw_key(&w, "fields");
    jw_arr(&w);
    for (size_t i = 0; i < o->nfields; i++)
        write_field(&w, &o->fields[i]);
    jw_end_arr(&w);
    jw_end_obj(&w);
    return KITH_OK;
}

static int tool_add_field(const struct agent_ctx *ctx, const struct jv *args,
                          struct buf *out, struct kith_err *err)
{
    const struct crm_object *o;
    const struct jv *opts = jv_get(args, "options");
    const char *name = arg_str(args, "name");
    struct crm_field_spec spec = { .name = name,
                                   .target = arg_str(args, "to") };
    const char **options = NULL;
    int ret = find_object(ctx, arg_str(args, "object"), &o, err);
    if (ret < 0 || (ret = crm_type_parse(arg_str(args, "type"), &spec.type,
                                         err)) < 0)
        return ret;
    if (jv_len(opts)) {
        options = xcalloc(jv_len(opts), sizeof(*options));
        for (size_t i = 0; i < jv_len(opts); i++)
            options[i] = jv_str(jv_at(opts, i));
        spec.options = options;
        spec.noptions = jv_len(opts);
    }
    char *object = xstrdup(o->slug); /* o goes stale with the schema */
    ret = crm_field_add(ctx->crm, object, &spec, err);
    free(options);
    const struct crm_field *f = NULL;
    if (ret == KITH_OK && (ret = find_object(ctx, object, &o, err)) == KITH_OK)
        ret = crm_field_get(o, name, &f, err);
    if (ret == KITH_OK) {
        struct jw w;
        jw_init(&w, out);
        jw_obj(&w);
        jw_key(&w, "added");
        jw_obj(&w);
        jw_key(&w, "object");
        jw_str(&w, o->slug);
        jw_key(&w, "field");
        write_field(&w, f);
        jw_end_obj(&w);
        jw_end_obj(&w);
    }
    free(object);
    return ret;
}

/* ---- entries ---- */

static int tool_find_entries(const struct agent_ctx *ctx,
                             const struct jv *args, struct buf *out,
                             struct kith_err *err)
{
    const struct crm_object *o;
    struct crm_query q = { .where = arg_str(args, "where"),
                           .sort = arg_str(args, "sort") };
    struct jv *res = NULL;
    struct buf item = BUF_INIT;
    int ret = find_object(ctx, arg_str(args, "object"), &o, err);
    if (ret < 0 ||
        (ret = arg_range("find_entries", args, "limit", FIND_LIMIT_DEFAULT, 1,
                         FIND_LIMIT_MAX, &q.limit, err)) < 0 ||
        (ret = crm_list(ctx->crm, o->slug, &q, &res, err)) < 0)
        return ret;
    const struct jv *entries = jv_get(res, "entries");
    const char *cursor = jv_str(jv_get(res, "next_cursor"));
    struct agent_cut cut;
    struct jw w;
    agent_cut_init(&cut, out, out->len, cursor ? strlen(cursor) + 24 : 0);
    jw_init(&w, out);
    jw_obj(&w);
    jw_key(&w, "object");
    jw_str(&w, o->slug);
    jw_key(&w, "entries");
    jw_arr(&w);
    for (size_t i = 0; i < jv_len(entries); i++) {
        struct jw iw;
        buf_reset(&item);
        jw_init(&iw, &item);
        agent_write_entry(&iw, o, jv_at(entries, i), false);
        if (!agent_cut_add(&cut, &w, &item))
            break;
    }
    jw_end_arr(&w);
    jw_key(&w, "total");
    jw_value(&w, jv_get(res, "total"));
    agent_cut_end(&cut, &w, LIST_HINT);
    if (!cut.cut && cursor) {
        jw_key(&w, "next_cursor");
        jw_str(&w, cursor);
    }
    jw_end_obj(&w);
    buf_release(&item);
    jv_free(res);
    return KITH_OK;
}

static int tool_get_entry(const struct agent_ctx *ctx, const struct jv *args,
                          struct buf *out, struct kith_err *err)
{
    const struct crm_object *o;
    struct jv *e = NULL;
    int ret = find_object(ctx, arg_str(args, "object"), &o, err);
    if (ret < 0 ||
        (ret = crm_get(ctx->crm, o->slug, jv_int(jv_get(args, "id")), &e,
                       err)) < 0)
        return ret;
    struct jw w;
    jw_init(&w, out);
    agent_write_entry(&w, o, e, true);
    jv_free(e);
    return KITH_OK;
}

static int tool_create_entry(const struct agent_ctx *ctx,
                             const struct jv *args, struct buf *out,
                             struct kith_err *err)
{
    const struct crm_object *o;
    int64_t id = 0;
    int ret = find_object(ctx, arg_str(args, "object"), &o, err);
    if (ret < 0 || (ret = crm_create(ctx->crm, ctx->actor, o->slug,
                                     jv_get(args, "values"), &id, err)) < 0)
        return ret;
    return write_entry_result(ctx, "created", o, id, out, err);
}

static int tool_update_entry(const struct agent_ctx *ctx,
                             const struct jv *args, struct buf *out,
                             struct kith_err *err)
{
    const struct crm_object *o;
    int64_t id = jv_int(jv_get(args, "id"));
    int ret = find_object(ctx, arg_str(args, "object"), &o, err);
    if (ret < 0 || (ret = crm_update(ctx->crm, ctx->actor, o->slug, id,
                                     jv_get(args, "values"), err)) < 0)
        return ret;
    return write_entry_result(ctx, "updated", o, id, out, err);
}

static int tool_delete_entry(const struct agent_ctx *ctx,
                             const struct jv *args, struct buf *out,
                             struct kith_err *err)
{
    const struct crm_object *o;
    int64_t id = jv_int(jv_get(args, "id"));
    struct jv *e = NULL;
    int ret = find_object(ctx, arg_str(args, "object"), &o, err);
    if (ret < 0 || (ret = crm_get(ctx->crm, o->slug, id, &e, err)) < 0)
        return ret;
    const struct crm_field *label = crm_label_field(o);
    struct jw w;
    jw_init(&w, out);
    jw_obj(&w);
    jw_key(&w, "deleted");
    jw_obj(&w);
    jw_key(&w, "object");
    jw_str(&w, o->slug);
    jw_key(&w, "id");
    jw_int(&w, id);
    jw_key(&w, "label");
    jw_value(&w, label ? jv_get(e, label->slug) : NULL);
    jw_end_obj(&w);
    jw_end_obj(&w);
    jv_free(e);
    return crm_delete(ctx->crm, ctx->actor, o->slug, id, err);
}

/* ---- search, documents, SQL, memory ---- */

static int tool_search(const struct agent_ctx *ctx, const struct jv *args,
                       struct buf *out, struct kith_err *err)
{
    int64_t limit;
    struct jv *res = NULL;
    struct buf item = BUF_INIT;
    int ret = arg_range("search", args, "limit", SEARCH_LIMIT_DEFAULT, 1,
                        SEARCH_LIMIT_MAX, &limit, err);
    if (ret < 0 ||
        (ret = crm_search(ctx->crm, arg_str(args, "query"), limit, &res,
                          err)) < 0)
        return ret;
    const struct jv *groups = jv_get(res, "groups");
    struct agent_cut cut;
    struct jw w;
    agent_cut_init(&cut, out, out->len, 24);
    jw_init(&w, out);
    jw_obj(&w);
    jw_key(&w, "query");
    jw_value(&w, jv_get(res, "query"));
    jw_key(&w, "hits");
    jw_arr(&w);
    for (size_t g = 0; g < jv_len(groups) && !cut.cut; g++) {
        const struct jv *group = jv_at(groups, g), *hits;
        hits = jv_get(group, "hits");
        for (size_t i = 0; i < jv_len(hits); i++) {
            const struct jv *h = jv_at(hits, i);
            struct jw iw;
            buf_reset(&item);
            jw_init(&iw, &item);
            jw_obj(&iw);
            jw_key(&iw, "object");
            jw_value(&iw, jv_get(group, "object"));
            jw_key(&iw, "id");
            jw_value(&iw, jv_get(h, "id"));
            jw_key(&iw, "label");
            jw_value(&iw, jv_get(h, "label"));
            jw_key(&iw, "snippet");
            jw_value(&iw, jv_get(h, "snippet"));
            jw_end_obj(&iw);
            if (!agent_cut_add(&cut, &w, &item))
                break;
        }
    }
    jw_end_arr(&w);
    jw_key(&w, "total");
    jw_value(&w, jv_get(res, "total"));
    agent_cut_end(&cut, &w, "narrow the query or lower limit");
    jw_end_obj(&w);
    buf_release(&item);
    jv_free(res);
    return KITH_OK;
}

static int tool_read_document(const struct agent_ctx *ctx,
                              const struct jv *args, struct buf *out,
                              struct kith_err *err)
{
    const struct crm_object *o;
    int64_t id = jv_int(jv_get(args, "id"));
    char *md = NULL;
    struct buf text = BUF_INIT;
    int ret = find_object(ctx, arg_str(args, "object"), &o, err);
    if (ret < 0 || (ret = crm_doc_get(ctx->crm, o->slug, id, &md, err)) < 0)
        return ret;
    size_t n = md ? strlen(md) : 0, keep = n, budget = AGENT_RESULT_MAX - 128;
    /* cut at a character so that the quoted text fits the budget */
    for (;;) {
        buf_reset(&text);
        if (md)
            json_quote(&text, md, keep);
        if (text.len <= budget || !keep)
            break;
        size_t over = text.len - budget;
        keep = agent_utf8_prefix(md, keep, over < keep ? keep - over : 0);
    }
    struct jw w;
    jw_init(&w, out);
    jw_obj(&w);
    jw_key(&w, "object");
    jw_str(&w, o->slug);
    jw_key(&w, "id");
    jw_int(&w, id);
    jw_key(&w, "markdown");
    if (md)
        jw_raw(&w, text.buf, text.len);
    else
        jw_null(&w);
    if (keep < n) {
        jw_key(&w, "truncated");
        jw_bool(&w, true);
        jw_key(&w, "bytes");
        jw_int(&w, (int64_t)n);
        jw_key(&w, "shown_bytes");
        jw_int(&w, (int64_t)keep);
    }
    jw_end_obj(&w);
    buf_release(&text);
    free(md);
    return KITH_OK;
}

static int tool_write_document(const struct agent_ctx *ctx,
                               const struct jv *args, struct buf *out,
                               struct kith_err *err)
{
    const struct crm_object *o;
    int64_t id = jv_int(jv_get(args, "id"));
    const struct jv *md = jv_get(args, "markdown");
    int ret = find_object(ctx, arg_str(args, "object"), &o, err);
    if (ret < 0)
        return ret;
    if (memchr(jv_str(md), '\0', jv_strlen(md)))
        return kith_errf(err, KITH_EINVAL,
                         "write_document: 'markdown' holds a NUL character");
    if ((ret = crm_doc_set(ctx->crm, ctx->actor, o->slug, id, jv_str(md),
                           err)) < 0)
        return ret;
    struct jw w;
    jw_init(&w, out);
    jw_obj(&w);
    jw_key(&w, "written");
    jw_obj(&w);
    jw_key(&w, "object");
    jw_str(&w, o->slug);
    jw_key(&w, "id");
    jw_int(&w, id);
    jw_key(&w, "bytes");
    jw_int(&w, (int64_t)jv_strlen(md));
    jw_end_obj(&w);
    jw_end_obj(&w);
    return KITH_OK;
}

static int tool_query_sql(const struct agent_ctx *ctx, const struct jv *args,
                          struct buf *out, struct kith_err *err)
{
    struct crm_sql_limits lim = { .timeout_ms = SQL_TIMEOUT_MS,
                                  .max_rows = SQL_MAX_ROWS };
    struct jv *res = NULL;
    struct buf item = BUF_INIT;
    int ret = crm_sql(ctx->crm, arg_str(args, "sql"), &lim, &res, err);
    if (ret < 0)
        return ret;
    const struct jv *rows = jv_get(res, "rows");
    struct agent_cut cut;
    struct jw w;
    agent_cut_init(&cut, out, out->len, 48);
    jw_init(&w, out);
    jw_obj(&w);
    jw_key(&w, "columns");
    jw_value(&w, jv_get(res, "columns"));
    jw_key(&w, "rows");
    jw_arr(&w);
    for (size_t i = 0; i < jv_len(rows); i++) {
        buf_reset(&item);
        jv_write(&item, jv_at(rows, i));
        if (!agent_cut_add(&cut, &w, &item))
            break;
    }
    jw_end_arr(&w);
    jw_key(&w, "total");
    jw_int(&w, (int64_t)jv_len(rows));
    jw_key(&w, "truncated");
    jw_value(&w, jv_get(res, "truncated"));
    agent_cut_end(&cut, &w, SQL_HINT);
    jw_end_obj(&w);
    buf_release(&item);
    jv_free(res);
    return KITH_OK;
}

static int tool_remember(const struct agent_ctx *ctx, const struct jv *args,
                         struct buf *out, struct kith_err *err)
{
    char *saved = NULL;
    int ret = agent_memory_append(ctx->workspace, arg_str(args, "fact"),
                                  &saved, err);
    if (ret < 0)
        return ret;
    struct jw w;
    jw_init(&w, out);
    jw_obj(&w);
    jw_key(&w, "remembered");
    jw_str(&w, saved);
    jw_end_obj(&w);
    free(saved);
    return KITH_OK;
}

/* ---- the table ---- */

#define P_OBJECT                                                              \
    "\"object\":{\"type\":\"string\",\"description\":\"The object: its "      \
    "slug or display name (people, companies, deals, tasks or a custom "     \
    "one; list_objects lists them).\"}"
#define P_ID                                                                  \
    "\"id\":{\"type\":\"integer\",\"minimum\":1,\"description\":\"The "       \
    "entry's id, as find_entries, search or create_entry gave it.\"}"
#define P_VALUES                                                              \
    "\"values\":{\"type\":\"object\",\"description\":\"Field to value: "      \
    "fields by slug or display name (describe_object lists them). Values "   \
    "as JSON or as text: \\\"42\\\", \\\"yes\\\", \\\"2027-01-31\\\"; a "    \
    "select takes one of its options, a multi_select an array of them, a "   \
    "relation the id or the exact label of the target entry. \\\"\\\" or "   \
    "null clears a field.\"}"
#define SCHEMA(props, required)                                               \
    "{\"type\":\"object\",\"properties\":{" props "},\"required\":["          \
    required "],\"additionalProperties\":false}"

static const struct agent_tool tools[] = {
    {
        .name = "list_objects",
        .description =
            "List the CRM's objects (people, companies, deals, tasks and any "
            "custom ones) with their number of entries, their label field "
            "and their field slugs. Use it first when you do not know what "
            "the CRM holds.",
        .schema = SCHEMA("", ""),
        .effect = AGENT_READS,
        .run = tool_list_objects,
    },
    {
        .name = "describe_object",
        .description =
            "Describe one object's fields: slug, display name, type, the "
            "options of select and multi_select fields and the target of "
            "relation fields. Use it before filtering or writing, to get "
            "field names and allowed values right.",
        .schema = SCHEMA(P_OBJECT, "\"object\""),
        .effect = AGENT_READS,
        .run = tool_describe_object,
    },
    {
        .name = "find_entries",
        .description =
            "List the entries of one object that match a filter, sorted, at "
            "most limit of them. Each entry is {id, label, its non-empty "
            "fields}; total counts every match, next_cursor says there are "
            "more. The filter language: field op value, joined with and, "
            "or, not and parentheses; ops = != < <= > >= ~ (contains, any "
            "case) ^= (starts with) in [a, b], is empty, is not empty; "
            "dates as 2027-01-31 or today, today-14d, today+1m. Example: "
            "stage in [Proposal, Negotiation] and amount >= 100000 and "
            "close_date < today+1m. For free text across all objects use "
            "search instead.",
        .schema = SCHEMA(
            P_OBJECT
            ",\"where\":{\"type\":\"string\",\"description\":\"A filter "
            "(see above), e.g. status = Lead and company ~ acme. Leave it "
            "out for every entry.\"},"
            "\"sort\":{\"type\":\"string\",\"description\":\"Fields to sort "
            "by, comma-separated, - for descending, e.g. -amount,name. "
            "Default: by id.\"},"
            "\"limit\":{\"type\":\"integer\",\"minimum\":1,\"maximum\":200,"
            "\"description\":\"How many entries at most (default 25).\"}",
            "\"object\""),
        .effect = AGENT_READS,
        .run = tool_find_entries,
    },
    {
        .name = "get_entry",
        .description =
            "Get one entry by id with all its non-empty fields, relations "
            "as {id, label}, and when it was created and last updated.",
        .schema = SCHEMA(P_OBJECT "," P_ID, "\"object\",\"id\""),
        .effect = AGENT_READS,
        .run = tool_get_entry,
    },
    {
        .name = "create_entry",
        .description =
            "Create an entry of an object. Returns the new entry with its "
            "id. Values are checked by field type; an error names the "
            "field. Check with find_entries first that it does not exist.",
        .schema = SCHEMA(P_OBJECT "," P_VALUES, "\"object\",\"values\""),
        .effect = AGENT_WRITES,
        .run = tool_create_entry,
    },
    {
        .name = "update_entry",
        .description =
            "Change some fields of one entry; fields not named in values "
            "are left as they are. Returns the entry as it now is.",
        .schema = SCHEMA(P_OBJECT "," P_ID "," P_VALUES,
                         "\"object\",\"id\",\"values\""),
        .effect = AGENT_WRITES,
        .run = tool_update_entry,
    },
    {
        .name = "delete_entry",
        .description =
            "Delete one entry (relations that point at it are cleared). "
            "The user approves it first; it can be undone from the change "
            "log. Only when the user asked for it.",
        .schema = SCHEMA(P_OBJECT "," P_ID, "\"object\",\"id\""),
        .effect = AGENT_DESTROYS,
        .run = tool_delete_entry,
    },
    {
        .name = "search",
        .description =
            "Full-text search over every object's text fields and entry "
            "documents: each word matches as a prefix, all words must "
            "match. Returns hits {object, id, label, snippet} with matches "
            "in [brackets], and the total. Use it for names or words when "
            "you do not know which object or field holds them.",
        .schema = SCHEMA(
            "\"query\":{\"type\":\"string\",\"description\":\"Plain words, "
            "e.g. anna berlin.\"},"
            "\"limit\":{\"type\":\"integer\",\"minimum\":1,\"maximum\":50,"
            "\"description\":\"How many hits at most (default 10).\"}",
            "\"query\""),
        .effect = AGENT_READS,
        .run = tool_search,
    },
    {
        .name = "add_field",
        .description =
            "Add a field to an object (this changes the schema, so the user "
            "approves it first). Types: text, long_text, number, currency, "
            "boolean, date, datetime, email, phone, url, select and "
            "multi_select (give options), relation (give to: the target "
            "object), rating.",
        .schema = SCHEMA(
            P_OBJECT
            ",\"name\":{\"type\":\"string\",\"description\":\"The field's "
            "display name, e.g. Renewal date; its slug is made from it.\"},"
            "\"type\":{\"type\":\"string\",\"enum\":[\"text\",\"long_text\","
            "\"number\",\"currency\",\"boolean\",\"date\",\"datetime\","
            "\"email\",\"phone\",\"url\",\"select\",\"multi_select\","
            "\"relation\",\"rating\"],\"description\":\"The field's type.\"},"
            "\"options\":{\"type\":\"array\",\"items\":{\"type\":\"string\"},"
            "\"description\":\"select and multi_select: the allowed "
            "values.\"},"
            "\"to\":{\"type\":\"string\",\"description\":\"relation: the "
            "object it points at, e.g. companies.\"}",
            "\"object\",\"name\",\"type\""),
        .effect = AGENT_DESTROYS,
        .run = tool_add_field,
    },
    {
        .name = "read_document",
        .description =
            "Read the markdown document (notes) attached to one entry; "
            "markdown is null when it has none. A long one is cut, with "
            "truncated and its size in bytes.",
        .schema = SCHEMA(P_OBJECT "," P_ID, "\"object\",\"id\""),
        .effect = AGENT_READS,
        .run = tool_read_document,
    },
    {
        .name = "write_document",
        .description =
            "Replace the markdown document (notes) of one entry with "
            "markdown; \"\" deletes it. To add to it, read_document first "
            "and write the whole new text.",
        .schema = SCHEMA(
            P_OBJECT "," P_ID
            ",\"markdown\":{\"type\":\"string\",\"description\":\"The whole "
            "new document, in markdown (at most 1 MiB).\"}",
            "\"object\",\"id\",\"markdown\""),
        .effect = AGENT_WRITES,
        .run = tool_write_document,
    },
    {
        .name = "query_sql",
        .description =
            "Run one read-only SQLite SELECT over the CRM's tables for "
            "counts, sums and groupings that find_entries cannot do. Each "
            "object is a table named by its slug with a column per field "
            "slug plus id, created_at, updated_at; a relation column holds "
            "the target's id; multi_select holds a JSON array. Writes are "
            "refused. At most 500 rows, 5 seconds.",
        .schema = SCHEMA(
            "\"sql\":{\"type\":\"string\",\"description\":\"One SELECT, "
            "e.g. SELECT stage, count(*), sum(amount) FROM deals GROUP BY "
            "stage.\"}",
            "\"sql\""),
        .effect = AGENT_READS,
        .run = tool_query_sql,
    },
    {
        .name = "remember",
        .description =
            "Remember one fact about the user or their work for later "
            "conversations (appended to MEMORY.md). One short line, at most "
            "500 bytes; only facts the user would want kept.",
        .schema = SCHEMA(
            "\"fact\":{\"type\":\"string\",\"description\":\"The fact, one "
            "line, e.g. Prefers deals in EUR.\"}",
            "\"fact\""),
        .effect = AGENT_WRITES,
        .run = tool_remember,
    },
};
#define NTOOLS (sizeof(tools) / sizeof(*tools))

size_t agent_tool_count(void)
{
    return NTOOLS;
}

const struct agent_tool *agent_tool_at(size_t i)
{
    return i < NTOOLS ? &tools[i] : NULL;
}

const struct agent_tool *agent_tool_find(const char *name)
{
    for (size_t i = 0; name && i < NTOOLS; i++)
        if (!strcmp(tools[i].name, name))
            return &tools[i];
    return NULL;
}

/*
 * {"error": "tool: message"}, the tool's name added when missing. The
 * message may have been cut inside a character at KITH_ERR_MAX: it is
 * cleaned to UTF-8.
 */
static void write_error(struct buf *out, const char *tool, const char *msg)
{
    struct buf text = BUF_INIT;
    size_t n = strlen(tool);
    if (strncmp(msg, tool, n) || msg[n] != ':')
        buf_appendf(&text, "%s: ", tool);
    if (!*msg)
        msg = "failed";
    utf8_append_clean(&text, msg, strlen(msg));
    struct jw w;
    jw_init(&w, out);
    jw_obj(&w);
    jw_key(&w, "error");
    jw_strn(&w, text.buf, text.len);
    jw_end_obj(&w);
    buf_release(&text);
}

int agent_tool_run(const struct agent_ctx *ctx, const char *name,
                   const struct jv *args, struct buf *out, bool *is_error,
                   struct kith_err *err)
{
    const struct agent_tool *t = agent_tool_find(name);
    struct kith_err terr = KITH_ERR_INIT;
    size_t start = out->len;
    *is_error = false;
    if (!t) {
        const char *names[NTOOLS];
        for (size_t i = 0; i < NTOOLS; i++)
            names[i] = tools[i].name;
        const char *hint = suggest_closest(name ? name : "", names, NTOOLS);
        if (hint)
            return kith_errf(err, KITH_ENOTFOUND,
                             "unknown tool '%s'; did you mean '%s'?",
                             name ? name : "", hint);
        return kith_errf(err, KITH_ENOTFOUND, "unknown tool '%s'",
                         name ? name : "");
    }
    int ret = agent_check_args(t->name, t->schema, args, &terr);
    if (ret == KITH_OK)
        ret = t->run(ctx, args, out, &terr);
    if (ret == KITH_OK)
        return KITH_OK;
    buf_truncate(out, start);
    if (ret == KITH_EDB)
        return kith_errf(err, ret, "%s: %s", t->name, terr.msg);
    write_error(out, t->name, terr.msg);
    *is_error = true;
    return KITH_OK;
}

struct jv *agent_tools_json(void)
{
    struct jv *arr = jv_array();
    for (size_t i = 0; i < NTOOLS; i++) {
        struct jv *t = jv_object();
        jv_set_take(t, "name", jv_string(tools[i].name));
        jv_set_take(t, "description", jv_string(tools[i].description));
        jv_set_take(t, "parameters",
                    jv_parse(tools[i].schema, strlen(tools[i].schema), NULL));
        jv_push_take(arr, t);
    }
    return arr;
}
