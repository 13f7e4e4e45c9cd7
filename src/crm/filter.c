/*
 * filter: DESIGN's filter language, compiled to a parameterized SQL WHERE
 * fragment over the table alias "t" of an object's select_sql.
 *
 *   status = Lead and (amount >= 10000 or tags ~ vip)
 *   name ^= "Ann"   email is empty   close_date < today-30d
 *
 * Three steps: the lexer cuts the text into tokens, the parser builds a
 * tree (and / or / not over conditions; both in filter_parse.c), and the
 * compiler here walks the tree with the object's schema, checking every field and value by type and
 * writing SQL. Identifiers in the SQL come only from the schema (quoted with
 * db_quote_ident); every value from the text is a bound parameter, so no
 * user text is ever spliced into SQL.
 *
 * Bounds: at most FILTER_MAX_BYTES of text and FILTER_MAX_DEPTH levels of
 * parentheses and "not", so the recursion and the SQL stay small. Every
 * refusal says where: "filter at column 7: ...".
 */
#include "crm/filter_int.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/suggest.h"
#include "base/utf8.h"
#include "base/xalloc.h"

/* ---- compiler: tree -> SQL ---- */

/* What a condition's field is, by the rules it follows. */
enum fcat { C_TEXT, C_NUM, C_BOOL, C_DATE, C_DATETIME, C_SELECT, C_MULTI,
            C_REL };

struct fref {
    const struct crm_field *f; /* NULL for id, created_at, updated_at */
    const char *col;           /* column name */
    enum fcat cat;
    bool system; /* created_at / updated_at: millisecond timestamps */
};

struct compiler {
    struct parser *p;
    const struct crm_object *o;
    struct filter *out;
    char today[CLOCK_ISO_LEN];
};

static const char *const system_cols[] = { "id", "created_at", "updated_at" };

static enum fcat category(enum crm_type t)
{
    switch (t) {
    case CRM_NUMBER:
    case CRM_CURRENCY:
    case CRM_RATING: return C_NUM;
    case CRM_BOOLEAN: return C_BOOL;
    case CRM_DATE: return C_DATE;
    case CRM_DATETIME: return C_DATETIME;
    case CRM_SELECT: return C_SELECT;
    case CRM_MULTI_SELECT: return C_MULTI;
    case CRM_RELATION: return C_REL;
    default: return C_TEXT;
    }
}

static int unknown_field(struct compiler *c, const struct tok *t)
{
    const struct crm_object *o = c->o;
    const char **cands = xcalloc(o->nfields + 4, sizeof(char *));
    struct buf all = BUF_INIT;
    size_t n = 0;
    for (size_t i = 0; i < 3; i++)
        cands[n++] = system_cols[i];
    for (size_t i = 0; i < o->nfields; i++) {
        cands[n++] = o->fields[i].slug;
        buf_appendf(&all, "%s%s", i ? ", " : "", o->fields[i].slug);
    }
    const char *hint = suggest_closest(t->text, cands, n);
    char tmp[64];
    int ret = hint ? filter_fail_at(c->p->src, t->pos, c->p->err,
                             "unknown field %s; did you mean '%s'?",
                             filter_tok_shown(t, tmp), hint)
                   : filter_fail_at(c->p->src, t->pos, c->p->err,
                             "unknown field %s; %s has %s, id, created_at, "
                             "updated_at",
                             filter_tok_shown(t, tmp), o->slug, all.buf);
    buf_release(&all);
    free(cands);
    return ret;
}

static int resolve_field(struct compiler *c, const struct tok *t,
                         struct fref *r)
{
    memset(r, 0, sizeof(*r));
    for (size_t i = 0; i < 3; i++)
        if (!strcasecmp(t->text, system_cols[i])) {
            r->col = system_cols[i];
            r->cat = i == 0 ? C_NUM : C_DATETIME;
            r->system = i > 0;
            return KITH_OK;
        }
    r->f = crm_field_find(c->o, t->text);
    if (!r->f)
        return unknown_field(c, t);
    r->col = r->f->slug;
    r->cat = category(r->f->type);
    if (r->cat == C_REL && !r->f->target)
        return filter_fail_at(c->p->src, t->pos, c->p->err,
                       "%s: its target object is gone", r->col);
    return KITH_OK;
}

/* Which operators each category takes (bit per enum filter_op). */
static unsigned allowed_ops(enum fcat cat)
{
#define B(op) (1u << (op))
    unsigned cmp = B(OP_EQ) | B(OP_NE) | B(OP_LT) | B(OP_LE) | B(OP_GT) |
                   B(OP_GE) | B(OP_EMPTY) | B(OP_NOT_EMPTY);
    switch (cat) {
    case C_TEXT: return cmp | B(OP_CONTAINS) | B(OP_PREFIX) | B(OP_IN);
    case C_NUM: return cmp | B(OP_IN);
    case C_DATE:
    case C_DATETIME: return cmp;
    case C_BOOL:
        return B(OP_EQ) | B(OP_NE) | B(OP_EMPTY) | B(OP_NOT_EMPTY);
    case C_SELECT:
        return B(OP_EQ) | B(OP_NE) | B(OP_IN) | B(OP_EMPTY) |
               B(OP_NOT_EMPTY);
    case C_MULTI:
    case C_REL:
        return B(OP_EQ) | B(OP_NE) | B(OP_CONTAINS) | B(OP_IN) |
               B(OP_EMPTY) | B(OP_NOT_EMPTY) |
               (cat == C_REL ? B(OP_PREFIX) : 0);
    }
    return 0;
#undef B
}

static const char *type_of(const struct fref *r)
{
    return r->f ? crm_type_name(r->f->type)
           : r->system ? "timestamp"
                       : "number";
}

static int check_op(struct compiler *c, const struct node *n,
                    const struct fref *r)
{
    unsigned ok = allowed_ops(r->cat);
    if (ok & (1u << n->op))
        return KITH_OK;
    struct buf list = BUF_INIT;
    for (unsigned op = 0; op <= OP_NOT_EMPTY; op++)
        if (ok & (1u << op))
            buf_appendf(&list, "%s%s", list.len ? ", " : "", filter_op_text[op]);
    const struct tok *ft = &c->p->toks[n->field];
    int ret = filter_fail_at(c->p->src, ft->pos, c->p->err,
                      "'%s' does not work on %s (a %s field); use %s",
                      filter_op_text[n->op], r->col, type_of(r), list.buf);
    buf_release(&list);
    return ret;
}

/* ---- values ---- */

static void add_param(struct filter *f, struct crm_val *v)
{
    if (f->nparams == f->cap) {
        f->cap = f->cap ? f->cap * 2 : 8;
        f->params = xrealloc(f->params, f->cap * sizeof(*f->params));
    }
    f->params[f->nparams++] = *v;
    memset(v, 0, sizeof(*v));
}

static void add_text(struct filter *f, const char *s)
{
    struct crm_val v = { .kind = DB_TEXT, .s = xstrdup(s) };
    add_param(f, &v);
}

/* s with LIKE's wildcards escaped (by '\'), with % around as asked. */
static char *like_pattern(const char *s, bool lead, bool trail)
{
    struct buf b = BUF_INIT;
    if (lead)
        buf_appendc(&b, '%');
    for (; *s; s++) {
        if (*s == '%' || *s == '_' || *s == '\\')
            buf_appendc(&b, '\\');
        buf_appendc(&b, *s);
    }
    if (trail)
        buf_appendc(&b, '%');
    return buf_detach(&b, NULL);
}

/*
 * A date in s: YYYY-MM-DD, today, or today(+|-)N(d|w|m|y), moved by
 * add_days more days, written as YYYY-MM-DD to out. False if not a date.
 */
static bool parse_day(const char *s, const char *today, int add_days,
                      char out[16])
{
    int y, m, d;
    char unit = 'd';
    long n = 0;
    if (!strncasecmp(s, "today", 5)) {
        if (sscanf(today, "%4d-%2d-%2d", &y, &m, &d) != 3)
            return false;
        const char *p = s + 5;
        if (*p) {
            char *end;
            if ((*p != '+' && *p != '-') || !isdigit((unsigned char)p[1]))
                return false;
            n = strtol(p + 1, &end, 10);
            unit = (char)tolower((unsigned char)*end);
            if (n > 100000 || !strchr("dwmy", unit) || !unit || end[1])
                return false;
            if (*p == '-')
                n = -n;
        }
    } else {
        if (strlen(s) != 10 || sscanf(s, "%4d-%2d-%2d", &y, &m, &d) != 3 ||
            s[4] != '-' || s[7] != '-' || !isdigit((unsigned char)s[9]) ||
            y < 1 || m < 1 || m > 12 || d < 1 ||
            d > clock_days_in_month(y, m))
            return false;
    }
    if (unit == 'm' || unit == 'y') {
        long months = (long)y * 12 + (m - 1) + (unit == 'y' ? n * 12 : n);
        y = (int)(months / 12);
        m = (int)(months % 12) + 1;
        if (y < 1 || y > 9999)
            return false;
        if (d > clock_days_in_month(y, m))
            d = clock_days_in_month(y, m);
        n = 0;
    }
    int64_t days = clock_days_from_civil(y, m, d) +
                   (unit == 'w' ? n * 7 : n) + add_days;
    clock_civil_from_days(days, &y, &m, &d);
    if (y < 1 || y > 9999)
        return false;
    snprintf(out, 16, "%04d-%02d-%02d", y, m, d);
    return true;
}

/*
 * Validate the value token t for field r into v, by the field's own
 * parser (value.c) so the filter accepts what a write accepts. Select
 * options come back in their canonical case; a multi_select value is one
 * of its options.
 */
static int parse_value(struct compiler *c, const struct fref *r,
                       const struct tok *t, struct crm_val *v)
{
    struct kith_err why = KITH_ERR_INIT;
    memset(v, 0, sizeof(*v));
    if (!r->f) { /* id */
        char *end;
        long long id = strtoll(t->text, &end, 10);
        if (!*t->text || *end)
            return filter_fail_at(c->p->src, t->pos, c->p->err,
                           "id: '%s' is not a whole number", t->text);
        v->kind = DB_INT;
        v->i = id;
        return KITH_OK;
    }
    struct crm_field tmp = *r->f;
    if (tmp.type == CRM_RATING)
        tmp.type = CRM_NUMBER; /* rating < 6 is fine to ask */
    else if (tmp.type == CRM_MULTI_SELECT)
        tmp.type = CRM_SELECT; /* one option at a time */
    else if (r->cat == C_TEXT || r->cat == C_REL)
        tmp.type = CRM_TEXT; /* compared as written */
    struct jv *in = jv_string(t->text);
    int ret = value_parse(&tmp, in, v, &why);
    jv_free(in);
    if (ret == KITH_OK && v->kind == DB_NULL)
        ret = kith_errf(&why, KITH_EINVAL,
                        "%s: an empty value; to find empty ones write '%s "
                        "is empty'",
                        r->col, r->col);
    if (ret < 0) {
        value_release(v);
        return filter_fail_at(c->p->src, t->pos, c->p->err, "%s", why.msg);
    }
    return KITH_OK;
}

/* ---- SQL ---- */

static void col_sql(struct buf *b, const struct fref *r)
{
    buf_appends(b, "t.");
    db_quote_ident(b, r->col);
}

/*
 * The target's label of relation r, through the join that select_sql has
 * for it ("r<i>", i the field's index); the join is also added to
 * c->out->joins, once, for queries without select_sql (counts).
 */
static void label_col(struct compiler *c, const struct fref *r)
{
    size_t i = (size_t)(r->f - c->o->fields);
    char alias[32];
    snprintf(alias, sizeof(alias), " AS r%zu ", i);
    struct buf *j = &c->out->joins;
    if (!strstr(j->buf, alias)) {
        buf_appends(j, " LEFT JOIN ");
        db_quote_ident(j, r->f->target->slug);
        buf_appendf(j, "%sON r%zu.id = ", alias, i);
        col_sql(j, r);
    }
    buf_appendf(&c->out->sql, "r%zu.", i);
    db_quote_ident(&c->out->sql, r->f->target->label);
}

static bool is_int_text(const char *s)
{
    if (!*s)
        return false;
    for (; *s; s++)
        if (!isdigit((unsigned char)*s))
            return false;
    return true;
}

/* One relation value: by id when it is a number, else by its label. */
static void rel_eq(struct compiler *c, const struct fref *r,
                   const struct tok *t, enum filter_op op)
{
    struct buf *b = &c->out->sql;
    if (op == OP_EQ && is_int_text(t->text) && strlen(t->text) < 19) {
        col_sql(b, r);
        buf_appends(b, " = ?");
        struct crm_val v = { .kind = DB_INT, .i = atoll(t->text) };
        add_param(c->out, &v);
        return;
    }
    label_col(c, r);
    if (op == OP_EQ) {
        buf_appends(b, " = ?");
        add_text(c->out, t->text);
        return;
    }
    buf_appends(b, " LIKE ? ESCAPE '\\'");
    char *pat = like_pattern(t->text, op == OP_CONTAINS, true);
    add_text(c->out, pat);
    free(pat);
}

static int compile_rel(struct compiler *c, const struct node *n,
                       const struct fref *r)
{
    struct buf *b = &c->out->sql;
    enum filter_op op = n->op == OP_NE || n->op == OP_IN ? OP_EQ : n->op;
    bool neg = n->op == OP_NE || n->negate;
    if (neg) {
        buf_appendc(b, '(');
        col_sql(b, r);
        buf_appends(b, " IS NULL OR NOT ");
    }
    buf_appendc(b, '(');
    for (size_t i = 0; i < n->nv; i++) {
        if (i)
            buf_appends(b, " OR ");
        rel_eq(c, r, &c->p->toks[c->p->vidx[n->v0 + i]], op);
    }
    buf_appendc(b, ')');
    if (neg)
        buf_appendc(b, ')');
    return KITH_OK;
}

/*
 * multi_select has a tag: the stored JSON array (written by value.c, one
 * canonical spelling per option) contains the option as a JSON string.
 * A LIKE on '%"vip"%' needs no subquery, which keeps the SQL shallow.
 */
static int compile_multi(struct compiler *c, const struct node *n,
                         const struct fref *r)
{
    struct buf *b = &c->out->sql;
    bool neg = n->op == OP_NE || n->negate;
    if (neg) {
        buf_appendc(b, '(');
        col_sql(b, r);
        buf_appends(b, " IS NULL OR NOT ");
    }
    buf_appendc(b, '(');
    for (size_t i = 0; i < n->nv; i++) {
        struct crm_val v;
        int ret = parse_value(c, r, &c->p->toks[c->p->vidx[n->v0 + i]], &v);
        if (ret < 0)
            return ret;
        struct buf quoted = BUF_INIT;
        json_quote(&quoted, v.s, strlen(v.s));
        char *pat = like_pattern(quoted.buf, true, true);
        if (i)
            buf_appends(b, " OR ");
        col_sql(b, r);
        buf_appends(b, " LIKE ? ESCAPE '\\'");
        add_text(c->out, pat);
        free(pat);
        buf_release(&quoted);
        value_release(&v);
    }
    buf_appendc(b, ')');
    if (neg)
        buf_appendc(b, ')');
    return KITH_OK;
}

/* A datetime compared with a whole day: the day's range of timestamps. */
static int compile_day_range(struct compiler *c, const struct node *n,
                             const struct fref *r, const char *day,
                             const char *next)
{
    struct buf *b = &c->out->sql;
    buf_appendc(b, '(');
    switch (n->op) {
    case OP_EQ:
        col_sql(b, r);
        buf_appends(b, " >= ? AND ");
        col_sql(b, r);
        buf_appends(b, " < ?");
        add_text(c->out, day);
        add_text(c->out, next);
        break;
    case OP_NE:
        col_sql(b, r);
        buf_appends(b, " IS NULL OR ");
        col_sql(b, r);
        buf_appends(b, " < ? OR ");
        col_sql(b, r);
        buf_appends(b, " >= ?");
        add_text(c->out, day);
        add_text(c->out, next);
        break;
    default: /* < day, <= means < next day, > means >= next day, >= day */
        col_sql(b, r);
        buf_appends(b, n->op == OP_LT || n->op == OP_LE ? " < ?" : " >= ?");
        add_text(c->out, n->op == OP_LT || n->op == OP_GE ? day : next);
    }
    buf_appendc(b, ')');
    return KITH_OK;
}

/* The value of a date or datetime comparison into v. */
static int date_value(struct compiler *c, const struct node *n,
                      const struct fref *r, const struct tok *t,
                      struct crm_val *v, bool *handled)
{
    char day[16], next[16];
    *handled = false;
    if (parse_day(t->text, c->today, 0, day)) {
        if (r->cat == C_DATETIME) {
            parse_day(t->text, c->today, 1, next);
            *handled = true;
            return compile_day_range(c, n, r, day, next);
        }
        v->kind = DB_TEXT;
        v->s = xstrdup(day);
        return KITH_OK;
    }
    if (r->cat == C_DATE || !r->f) {
        /* created_at / updated_at: a datetime, in their stored form */
        struct crm_field tmp = { .slug = (char *)(uintptr_t)r->col,
                                 .type = CRM_DATETIME };
        struct kith_err why = KITH_ERR_INIT;
        struct jv *in = jv_string(t->text);
        int ret = r->cat == C_DATE ? KITH_EINVAL
                                   : value_parse(&tmp, in, v, &why);
        jv_free(in);
        if (ret < 0 || v->kind != DB_TEXT) {
            value_release(v);
            return filter_fail_at(c->p->src, t->pos, c->p->err,
                           "%s: '%s' is not a date (YYYY-MM-DD, today, "
                           "today-14d, today+1m)%s",
                           r->col, t->text,
                           r->cat == C_DATE ? "" : " or a date and time");
        }
        size_t len = strlen(v->s); /* ...SSZ -> ...SS.000Z */
        char *ms = xmalloc(len + 5);
        memcpy(ms, v->s, len - 1);
        memcpy(ms + len - 1, ".000Z", 6);
        free(v->s);
        v->s = ms;
        return KITH_OK;
    }
    return parse_value(c, r, t, v);
}

static void scalar_sql(struct buf *b, const struct fref *r, enum filter_op op)
{
    if (op == OP_NE) {
        buf_appendc(b, '(');
        col_sql(b, r);
        buf_appends(b, " IS NULL OR ");
        col_sql(b, r);
        buf_appends(b, " <> ?)");
        return;
    }
    col_sql(b, r);
    if (op == OP_CONTAINS || op == OP_PREFIX)
        buf_appends(b, " LIKE ? ESCAPE '\\'");
    else
        buf_appendf(b, " %s ?", filter_op_text[op]);
}

static int compile_cond(struct compiler *c, const struct node *n)
{
    struct fref r;
    struct buf *b = &c->out->sql;
    int ret = resolve_field(c, &c->p->toks[n->field], &r);
    if (ret < 0 || (ret = check_op(c, n, &r)) < 0)
        return ret;
    if (n->op == OP_EMPTY || n->op == OP_NOT_EMPTY) {
        col_sql(b, &r);
        buf_appends(b, n->op == OP_EMPTY ? " IS NULL" : " IS NOT NULL");
        return KITH_OK;
    }
    if (r.cat == C_REL)
        return compile_rel(c, n, &r);
    if (r.cat == C_MULTI)
        return compile_multi(c, n, &r);
    const struct tok *t = &c->p->toks[c->p->vidx[n->v0]];
    if (n->op == OP_CONTAINS || n->op == OP_PREFIX) {
        scalar_sql(b, &r, n->op);
        char *pat = like_pattern(t->text, n->op == OP_CONTAINS, true);
        add_text(c->out, pat);
        free(pat);
        return KITH_OK;
    }
    if (n->op == OP_IN) {
        if (n->negate) {
            buf_appendc(b, '(');
            col_sql(b, &r);
            buf_appends(b, " IS NULL OR ");
        }
        col_sql(b, &r);
        buf_appends(b, n->negate ? " NOT IN (" : " IN (");
        for (size_t i = 0; i < n->nv; i++) {
            struct crm_val v;
            t = &c->p->toks[c->p->vidx[n->v0 + i]];
            if ((ret = parse_value(c, &r, t, &v)) < 0)
                return ret;
            add_param(c->out, &v);
            buf_appends(b, i ? ", ?" : "?");
        }
        buf_appends(b, n->negate ? "))" : ")");
        return KITH_OK;
    }
    struct crm_val v = { 0 };
    if (r.cat == C_DATE || r.cat == C_DATETIME) {
        bool handled;
        ret = date_value(c, n, &r, t, &v, &handled);
        if (ret < 0 || handled)
            return ret;
    } else if ((ret = parse_value(c, &r, t, &v)) < 0) {
        return ret;
    }
    scalar_sql(b, &r, n->op);
    add_param(c->out, &v);
    return KITH_OK;
}

/*
 * Write n as SQL, with as few parentheses as SQL's precedence allows: an
 * "or" inside an "and" and a "not" need them, nothing else does, and a
 * double "not" cancels (NULL counts as false everywhere here). SQLite's
 * parser has a small fixed stack, so the SQL must not nest much deeper
 * than the user's own parentheses (FILTER_MAX_DEPTH). parent is the kind
 * of node around n, N_NOT when n is already in parentheses.
 */
static int compile_node(struct compiler *c, const struct node *n,
                        enum node_kind parent)
{
    struct buf *b = &c->out->sql;
    int ret;
    switch (n->kind) {
    case N_COND: return compile_cond(c, n);
    case N_NOT: {
        bool negate = false;
        while (n->kind == N_NOT) {
            negate = !negate;
            n = n->a;
        }
        if (!negate)
            return compile_node(c, n, parent);
        /* IS NOT 1: "not" of an unknown (NULL) comparison is true */
        buf_appendc(b, '(');
        ret = compile_node(c, n, N_NOT);
        buf_appends(b, ") IS NOT 1");
        return ret;
    }
    case N_AND:
    case N_OR: {
        bool wrap = n->kind == N_OR && parent == N_AND;
        if (wrap)
            buf_appendc(b, '(');
        if ((ret = compile_node(c, n->a, n->kind)) < 0)
            return ret;
        buf_appends(b, n->kind == N_AND ? " AND " : " OR ");
        if ((ret = compile_node(c, n->b, n->kind)) < 0)
            return ret;
        if (wrap)
            buf_appendc(b, ')');
        return KITH_OK;
    }
    }
    return KITH_OK;
}

/* ---- the API ---- */

void filter_init(struct filter *f)
{
    memset(f, 0, sizeof(*f));
    buf_init(&f->sql, 0);
    buf_init(&f->joins, 0);
}

void filter_release(struct filter *f)
{
    buf_release(&f->sql);
    buf_release(&f->joins);
    for (size_t i = 0; i < f->nparams; i++)
        value_release(&f->params[i]);
    free(f->params);
    filter_init(f);
}

int filter_compile(struct crm *crm, const struct crm_object *o,
                   const char *expr, struct filter *out, struct kith_err *err)
{
    struct parser p = { 0 };
    struct compiler c = { .p = &p, .o = o, .out = out };
    struct node *root = NULL;
    (void)crm;
    filter_release(out);
    if (!expr || filter_blank(expr))
        return KITH_OK;
    int ret = filter_parse(expr, &p, &root, err);
    if (ret == KITH_OK) {
        clock_today(c.today);
        ret = compile_node(&c, root, N_NOT);
    }
    if (ret < 0)
        filter_release(out);
    filter_parser_release(&p);
    return ret;
}

bool filter_mentions(const struct crm_object *o, const char *expr,
                     const struct crm_field *f)
{
    struct parser p;
    struct node *root = NULL;
    bool found = false;
    if (expr && !filter_blank(expr) && filter_parse(expr, &p, &root, NULL) == KITH_OK)
        for (size_t i = 0; i < p.nnodes && !found; i++)
            found = p.nodes[i].kind == N_COND &&
                    crm_field_find(o, p.toks[p.nodes[i].field].text) == f;
    if (expr && !filter_blank(expr))
        filter_parser_release(&p);
    return found;
}

void filter_and(struct filter *dst, struct filter *src)
{
    if (!src->sql.len) {
        filter_release(src);
        return;
    }
    if (!dst->sql.len) {
        filter_release(dst);
        *dst = *src;
        filter_init(src);
        return;
    }
    struct buf sql = BUF_INIT;
    buf_appendf(&sql, "(%s) AND (%s)", dst->sql.buf, src->sql.buf);
    buf_release(&dst->sql);
    dst->sql = sql;
    /* joins: each "AS r<i>" once */
    for (const char *p = src->joins.buf; *p;) {
        const char *next = strstr(p + 1, " LEFT JOIN ");
        size_t n = next ? (size_t)(next - p) : strlen(p);
        const char *as = strstr(p, " AS r");
        char alias[32];
        size_t len = as ? 5 + strspn(as + 5, "0123456789") : 0;
        snprintf(alias, sizeof(alias), "%.*s ", (int)len, as ? as : "");
        if (!strstr(dst->joins.buf, alias))
            buf_append(&dst->joins, p, n);
        p += n;
    }
    for (size_t i = 0; i < src->nparams; i++) {
        if (dst->nparams == dst->cap) {
            dst->cap = dst->cap ? dst->cap * 2 : 8;
            dst->params = xrealloc(dst->params, dst->cap * sizeof(*dst->params));
        }
        dst->params[dst->nparams++] = src->params[i];
    }
    src->nparams = 0;
    filter_release(src);
}

int filter_bind(const struct filter *f, struct db_stmt *st, int first)
{
    for (size_t i = 0; i < f->nparams; i++) {
        int ret = value_bind(st, first + (int)i, &f->params[i]);
        if (ret < 0)
            return ret;
    }
    return KITH_OK;
}
