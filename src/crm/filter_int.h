/*
 * filter_int: what the filter language's two files share: the tokens and
 * tree that filter_parse.c makes from the text and filter.c compiles to
 * SQL. Nothing outside these two files includes it.
 */
#ifndef KITH_FILTER_INT_H
#define KITH_FILTER_INT_H

#include "crm/crm_int.h"

enum tok_kind {
    TK_END,
    TK_WORD,   /* bare word: a field, keyword or value */
    TK_STRING, /* "quoted" or 'quoted', escapes decoded */
    TK_LPAREN,
    TK_RPAREN,
    TK_LBRACK,
    TK_RBRACK,
    TK_COMMA,
    TK_OP,
};

enum filter_op {
    OP_EQ,
    OP_NE,
    OP_LT,
    OP_LE,
    OP_GT,
    OP_GE,
    OP_CONTAINS, /* ~ */
    OP_PREFIX,   /* ^= */
    OP_IN,
    OP_EMPTY,
    OP_NOT_EMPTY,
};



struct tok {
    enum tok_kind kind;
    enum filter_op op; /* TK_OP */
    size_t pos;        /* byte offset in the text */
    char *text;        /* TK_WORD, TK_STRING: owned, NUL-terminated */
};

enum node_kind { N_AND, N_OR, N_NOT, N_COND };

struct node {
    enum node_kind kind;
    struct node *a, *b;   /* AND, OR: both; NOT: a */
    size_t field;         /* N_COND: token index of the field */
    enum filter_op op;
    bool negate;          /* "not in" */
    size_t v0, nv;        /* values: p->vidx[v0 .. v0 + nv) */
};

struct parser {
    const char *src;
    struct tok *toks;
    size_t ntok, at;
    struct node *nodes;
    size_t nnodes;
    size_t *vidx; /* token indices of values */
    size_t nvidx;
    int depth;
    struct kith_err *err;
};

/* "=", "!=", ... "is not empty", by enum filter_op. */
extern const char *const filter_op_text[];

/* Fail with KITH_EINVAL and "filter at column N: <fmt>" (N of byte pos). */
int filter_fail_at(const char *src, size_t pos, struct kith_err *err,
                   const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* A token as the user wrote it, quoted, for messages; out or a constant. */
const char *filter_tok_shown(const struct tok *t, char out[64]);
/* Is s empty or all space? */
bool filter_blank(const char *s);
/*
 * Check (size, UTF-8), cut and parse expr (not blank) into p and *root.
 * Release p with filter_parser_release whatever this returns.
 */
int filter_parse(const char *expr, struct parser *p, struct node **root,
                 struct kith_err *err);
void filter_parser_release(struct parser *p);

#endif
