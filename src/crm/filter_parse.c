/*
 * filter_parse: the filter language's text to a tree (see filter.c).
 *
 * The lexer cuts the text into tokens: bare words, "quoted" or 'quoted'
 * strings (backslash escapes), operators, brackets. The parser builds
 * and / or / not over conditions (field op value, field [not] in [...],
 * field is [not] empty), with "and" binding tighter than "or". It checks
 * the bounds first (FILTER_MAX_BYTES, valid UTF-8) and counts parentheses
 * and "not" against FILTER_MAX_DEPTH as it recurses, so hostile text can
 * neither overflow the stack nor run long. Every refusal gives a column.
 */
#include "crm/filter_int.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/utf8.h"
#include "base/xalloc.h"

const char *const filter_op_text[] = {
    [OP_EQ] = "=",        [OP_NE] = "!=",      [OP_LT] = "<",
    [OP_LE] = "<=",       [OP_GT] = ">",       [OP_GE] = ">=",
    [OP_CONTAINS] = "~",  [OP_PREFIX] = "^=",  [OP_IN] = "in",
    [OP_EMPTY] = "is empty", [OP_NOT_EMPTY] = "is not empty",
};

/* ---- errors ---- */

/* Column (1-based, in code points) of byte offset pos of src. */
static size_t column_of(const char *src, size_t pos)
{
    size_t col = 1;
    for (size_t i = 0; i < pos && src[i]; i++)
        if (((unsigned char)src[i] & 0xC0) != 0x80)
            col++;
    return col;
}

int filter_fail_at(const char *src, size_t pos, struct kith_err *err,
                   const char *fmt, ...)
{
    char msg[KITH_ERR_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    return kith_errf(err, KITH_EINVAL, "filter at column %zu: %s",
                     column_of(src, pos), msg);
}

/* A token as the user wrote it, for messages (at most 40 bytes). */
const char *filter_tok_shown(const struct tok *t, char out[64])
{
    switch (t->kind) {
    case TK_END: return "the end";
    case TK_LPAREN: return "'('";
    case TK_RPAREN: return "')'";
    case TK_LBRACK: return "'['";
    case TK_RBRACK: return "']'";
    case TK_COMMA: return "','";
    case TK_OP: snprintf(out, 64, "'%s'", filter_op_text[t->op]); return out;
    default: break;
    }
    size_t n = strlen(t->text), k = n > 40 ? 40 : n;
    while (k < n && k > 0 && ((unsigned char)t->text[k] & 0xC0) == 0x80)
        k--;
    snprintf(out, 64, "'%.*s%s'", (int)k, t->text, k < n ? "..." : "");
    return out;
}

/* ---- lexer ---- */

static bool word_char(unsigned char c)
{
    return c > ' ' && !strchr("()[],\"=!<>~^", c);
}

static void push_tok(struct tok **toks, size_t *n, size_t *cap,
                     struct tok t)
{
    if (*n == *cap) {
        *cap = *cap ? *cap * 2 : 16;
        *toks = xrealloc(*toks, *cap * sizeof(**toks));
    }
    (*toks)[(*n)++] = t;
}

/* A quoted string starting at src[*i] (the quote); *i moves past it. */
static int lex_string(const char *src, size_t *i, struct tok *t,
                      struct kith_err *err)
{
    char q = src[*i];
    size_t start = *i;
    struct buf b = BUF_INIT;
    (*i)++;
    while (src[*i] && src[*i] != q) {
        if (src[*i] == '\\' && src[*i + 1])
            (*i)++;
        buf_appendc(&b, src[*i]);
        (*i)++;
    }
    if (!src[*i]) {
        buf_release(&b);
        return filter_fail_at(src, start, err, "the quoted text has no closing %c",
                       q);
    }
    (*i)++;
    t->kind = TK_STRING;
    t->pos = start;
    t->text = buf_detach(&b, NULL);
    return KITH_OK;
}

static int lex_op(const char *src, size_t *i, struct tok *t,
                  struct kith_err *err)
{
    static const struct {
        const char *s;
        enum filter_op op;
    } ops[] = {
        { "!=", OP_NE }, { "<=", OP_LE }, { ">=", OP_GE }, { "^=", OP_PREFIX },
        { "<>", OP_NE }, { "==", OP_EQ }, { "=", OP_EQ },  { "<", OP_LT },
        { ">", OP_GT },  { "~", OP_CONTAINS },
    };
    for (size_t k = 0; k < sizeof(ops) / sizeof(*ops); k++) {
        size_t n = strlen(ops[k].s);
        if (!strncmp(src + *i, ops[k].s, n)) {
            t->kind = TK_OP;
            t->op = ops[k].op;
            t->pos = *i;
            *i += n;
            return KITH_OK;
        }
    }
    return filter_fail_at(src, *i, err, "unexpected '%c'%s", src[*i],
                   src[*i] == '!' ? "; did you mean '!='?"
                   : src[*i] == '^' ? "; did you mean '^='?"
                                    : "");
}

/* Cut src into tokens, ending with TK_END. */
static int lex(const char *src, struct tok **out, size_t *nout,
               struct kith_err *err)
{
    struct tok *toks = NULL;
    size_t n = 0, cap = 0, i = 0;
    int ret = KITH_OK;
    while (ret == KITH_OK) {
        while (isspace((unsigned char)src[i]))
            i++;
        struct tok t = { .kind = TK_END, .pos = i };
        unsigned char c = (unsigned char)src[i];
        if (!c) {
            push_tok(&toks, &n, &cap, t);
            break;
        }
        if (c == '(' || c == ')' || c == '[' || c == ']' || c == ',') {
            t.kind = c == '('   ? TK_LPAREN
                     : c == ')' ? TK_RPAREN
                     : c == '[' ? TK_LBRACK
                     : c == ']' ? TK_RBRACK
                                : TK_COMMA;
            i++;
        } else if (c == '"' || c == '\'') {
            ret = lex_string(src, &i, &t, err);
        } else if (strchr("=!<>~^", c)) {
            ret = lex_op(src, &i, &t, err);
        } else if (!word_char(c)) {
            ret = filter_fail_at(src, i, err, "unexpected control character 0x%02x",
                          c);
        } else {
            size_t start = i;
            while (word_char((unsigned char)src[i]))
                i++;
            t.kind = TK_WORD;
            t.text = xstrndup(src + start, i - start);
        }
        if (ret == KITH_OK)
            push_tok(&toks, &n, &cap, t);
    }
    *out = toks;
    *nout = n;
    return ret;
}

static void free_toks(struct tok *toks, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(toks[i].text);
    free(toks);
}

/* ---- parser: tokens -> tree ---- */

static const struct tok *peek(const struct parser *p)
{
    return &p->toks[p->at];
}

static bool is_kw(const struct tok *t, const char *kw)
{
    return t->kind == TK_WORD && !strcasecmp(t->text, kw);
}

static struct node *new_node(struct parser *p, enum node_kind kind)
{
    struct node *n = &p->nodes[p->nnodes++];
    memset(n, 0, sizeof(*n));
    n->kind = kind;
    return n;
}

static int expected(struct parser *p, const char *what)
{
    char tmp[64];
    const struct tok *t = peek(p);
    return filter_fail_at(p->src, t->pos, p->err, "expected %s, found %s", what,
                   filter_tok_shown(t, tmp));
}

static int parse_or(struct parser *p, struct node **out);

static bool is_value(const struct tok *t)
{
    return t->kind == TK_WORD || t->kind == TK_STRING;
}

/* "[" value ("," value)* "]" */
static int parse_list(struct parser *p, struct node *n)
{
    p->at++; /* [ */
    n->v0 = p->nvidx;
    for (;;) {
        if (!is_value(peek(p)))
            return expected(p, n->nv ? "a value after ','"
                                     : "a value in the list");
        p->vidx[p->nvidx++] = p->at++;
        n->nv++;
        if (peek(p)->kind == TK_COMMA) {
            p->at++;
            continue;
        }
        if (peek(p)->kind == TK_RBRACK) {
            p->at++;
            return KITH_OK;
        }
        return expected(p, "',' or ']' in the list");
    }
}

/* field op value | field [not] in [...] | field is [not] empty */
static int parse_cond(struct parser *p, struct node **out)
{
    if (!is_value(peek(p)))
        return expected(p, "a field name");
    struct node *n = new_node(p, N_COND);
    n->field = p->at++;
    const struct tok *t = peek(p);
    if (is_kw(t, "is")) {
        p->at++;
        n->op = OP_EMPTY;
        if (is_kw(peek(p), "not")) {
            p->at++;
            n->op = OP_NOT_EMPTY;
        }
        if (!is_kw(peek(p), "empty"))
            return expected(p, "'empty' after 'is'");
        p->at++;
    } else if (is_kw(t, "in") ||
               (is_kw(t, "not") && is_kw(&p->toks[p->at + 1], "in"))) {
        n->negate = is_kw(t, "not");
        p->at += n->negate ? 2 : 1;
        n->op = OP_IN;
        if (peek(p)->kind != TK_LBRACK)
            return expected(p, "'[' after 'in'");
        int ret = parse_list(p, n);
        if (ret < 0)
            return ret;
    } else if (t->kind == TK_OP) {
        n->op = t->op;
        p->at++;
        if (!is_value(peek(p))) {
            char what[64];
            snprintf(what, sizeof(what), "a value after '%s'",
                     filter_op_text[n->op]);
            return expected(p, what);
        }
        n->v0 = p->nvidx;
        n->nv = 1;
        p->vidx[p->nvidx++] = p->at++;
    } else {
        return expected(p, "an operator (= != < <= > >= ~ ^= in is) after "
                           "the field");
    }
    *out = n;
    return KITH_OK;
}

static int deeper(struct parser *p, size_t pos)
{
    if (++p->depth > FILTER_MAX_DEPTH)
        return filter_fail_at(p->src, pos, p->err,
                       "nested deeper than %d levels of parentheses and "
                       "'not'",
                       FILTER_MAX_DEPTH);
    return KITH_OK;
}

static int parse_unary(struct parser *p, struct node **out)
{
    const struct tok *t = peek(p);
    int ret;
    if (is_kw(t, "not")) {
        p->at++;
        if ((ret = deeper(p, t->pos)) < 0)
            return ret;
        struct node *n = new_node(p, N_NOT);
        if ((ret = parse_unary(p, &n->a)) < 0)
            return ret;
        p->depth--;
        *out = n;
        return KITH_OK;
    }
    if (t->kind == TK_LPAREN) {
        p->at++;
        if ((ret = deeper(p, t->pos)) < 0 || (ret = parse_or(p, out)) < 0)
            return ret;
        if (peek(p)->kind != TK_RPAREN)
            return expected(p, "')'");
        p->at++;
        p->depth--;
        return KITH_OK;
    }
    return parse_cond(p, out);
}

static int parse_and(struct parser *p, struct node **out)
{
    int ret = parse_unary(p, out);
    while (ret == KITH_OK && is_kw(peek(p), "and")) {
        p->at++;
        struct node *n = new_node(p, N_AND);
        n->a = *out;
        ret = parse_unary(p, &n->b);
        *out = n;
    }
    return ret;
}

static int parse_or(struct parser *p, struct node **out)
{
    int ret = parse_and(p, out);
    while (ret == KITH_OK && is_kw(peek(p), "or")) {
        p->at++;
        struct node *n = new_node(p, N_OR);
        n->a = *out;
        ret = parse_and(p, &n->b);
        *out = n;
    }
    return ret;
}

/* ---- entry points ---- */

bool filter_blank(const char *s)
{
    while (isspace((unsigned char)*s))
        s++;
    return !*s;
}

void filter_parser_release(struct parser *p)
{
    free_toks(p->toks, p->ntok);
    free(p->nodes);
    free(p->vidx);
}

/* Check, cut and parse expr (not blank) into p and *root. */
int filter_parse(const char *expr, struct parser *p, struct node **root,
                      struct kith_err *err)
{
    memset(p, 0, sizeof(*p));
    p->src = expr;
    p->err = err;
    size_t len = strlen(expr);
    if (len > FILTER_MAX_BYTES)
        return kith_errf(err, KITH_ETOOBIG,
                         "filter is %zu bytes long; the most is %d", len,
                         FILTER_MAX_BYTES);
    if (!utf8_valid(expr, len)) {
        size_t bad = 0, k;
        uint32_t cp;
        while (bad < len && (k = utf8_decode(expr + bad, len - bad, &cp)))
            bad += k;
        return filter_fail_at(expr, bad, err, "the text is not valid UTF-8");
    }
    int ret = lex(expr, &p->toks, &p->ntok, err);
    if (ret < 0)
        return ret;
    p->nodes = xcalloc(p->ntok + 1, sizeof(*p->nodes));
    p->vidx = xcalloc(p->ntok + 1, sizeof(*p->vidx));
    if ((ret = parse_or(p, root)) < 0)
        return ret;
    if (peek(p)->kind == TK_RPAREN)
        return filter_fail_at(expr, peek(p)->pos, err,
                       "unexpected ')'; it closes nothing");
    if (peek(p)->kind != TK_END)
        return expected(p, "'and', 'or' or the end after a condition");
    return KITH_OK;
}
