/*
 * tool_write: tool results in the shape a model reads well, within a
 * byte budget.
 *
 * An entry is {"id", "label", then its non-empty fields}: the label comes
 * first so that a model names entries the way a person would, and empty
 * fields are left out because they cost tokens and say nothing. A list
 * that would take a result past AGENT_RESULT_MAX is cut between two items,
 * never inside one, so the result is still valid JSON, and says how many
 * were shown of how many with a hint to narrow the question.
 */
#include "agent/agent_int.h"

#include <string.h>

#define CUT_TAIL 128 /* bytes of ,"shown":N,"hint":"..." and "total" */

/* Whether a field's value says nothing: null, "" or []. */
static bool is_empty(const struct jv *v)
{
    switch (jv_type(v)) {
    case JV_NULL: return true;
    case JV_STRING: return jv_strlen(v) == 0;
    case JV_ARRAY: return jv_len(v) == 0;
    default: return false;
    }
}

void agent_write_entry(struct jw *w, const struct crm_object *o,
                       const struct jv *entry, bool times)
{
    const struct crm_field *label = crm_label_field(o);
    jw_obj(w);
    jw_key(w, "id");
    jw_int(w, jv_int(jv_get(entry, "id")));
    jw_key(w, "label");
    jw_value(w, label ? jv_get(entry, label->slug) : NULL);
    for (size_t i = 0; i < o->nfields; i++) {
        const struct crm_field *f = &o->fields[i];
        const struct jv *v = jv_get(entry, f->slug);
        if (f == label || is_empty(v))
            continue;
        jw_key(w, f->slug);
        jw_value(w, v);
    }
    if (times) {
        jw_key(w, "created_at");
        jw_value(w, jv_get(entry, "created_at"));
        jw_key(w, "updated_at");
        jw_value(w, jv_get(entry, "updated_at"));
    }
    jw_end_obj(w);
}

void agent_cut_init(struct agent_cut *c, struct buf *out, size_t start,
                    size_t reserve)
{
    c->out = out;
    c->start = start;
    c->reserve = reserve + CUT_TAIL;
    c->shown = 0;
    c->cut = false;
}

bool agent_cut_add(struct agent_cut *c, struct jw *w, const struct buf *item)
{
    size_t used = c->out->len - c->start;
    if (c->cut || used + item->len + 1 + c->reserve > AGENT_RESULT_MAX) {
        c->cut = true;
        return false;
    }
    jw_raw(w, item->buf, item->len);
    c->shown++;
    return true;
}

void agent_cut_end(const struct agent_cut *c, struct jw *w,
                   const char *hint)
{
    if (!c->cut)
        return;
    jw_key(w, "shown");
    jw_int(w, (int64_t)c->shown);
    jw_key(w, "hint");
    jw_str(w, hint);
}

size_t agent_utf8_prefix(const char *s, size_t n, size_t max)
{
    if (n <= max)
        return n;
    size_t len = max;
    /* back off continuation bytes, then the lead byte they belong to */
    while (len > 0 && ((unsigned char)s[len] & 0xC0) == 0x80)
        len--;
    return len;
}
