/*
 * table: aligned text tables for human output.
 *
 * Columns are aligned by display width (utf8_width), so names in any
 * script line up in a terminal; cells longer than the cap are cut at a
 * code point boundary and end in "…". Separated by two spaces, headers
 * in upper case, nothing else: easy to read and to pipe to cut or awk.
 */
#include "cli/cli.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/utf8.h"
#include "base/xalloc.h"

struct table {
    size_t ncols, nrows, cap;
    char **cells; /* (nrows + 1) * ncols; row 0 is the header */
    bool *right;
};

struct table *table_new(size_t ncols, const char *const *head)
{
    struct table *t = xcalloc(1, sizeof(*t));
    t->ncols = ncols;
    t->right = xcalloc(ncols, sizeof(bool));
    t->cap = 16;
    t->cells = xcalloc(t->cap * ncols, sizeof(char *));
    for (size_t i = 0; i < ncols; i++) {
        char *h = xstrdup(head[i]);
        for (char *p = h; *p; p++)
            *p = (char)toupper((unsigned char)*p);
        t->cells[i] = h;
    }
    return t;
}

void table_align_right(struct table *t, size_t col)
{
    if (col < t->ncols)
        t->right[col] = true;
}

void table_add(struct table *t, const char *const *cells)
{
    size_t row = t->nrows + 1;
    if (row + 1 > t->cap) {
        t->cap *= 2;
        t->cells = xrealloc(t->cells, t->cap * t->ncols * sizeof(char *));
    }
    for (size_t i = 0; i < t->ncols; i++)
        t->cells[row * t->ncols + i] = xstrdup(cells[i] ? cells[i] : "");
    t->nrows++;
}

/* Cut s to at most max cells, ending in an ellipsis when cut. */
static void clip(char **s, size_t max)
{
    if (!max || utf8_width(*s) <= max)
        return;
    size_t keep = utf8_fit(*s, max - 1);
    char *c = xmalloc(keep + 4);
    memcpy(c, *s, keep);
    memcpy(c + keep, "\xe2\x80\xa6", 4); /* "…" and NUL */
    free(*s);
    *s = c;
}

void table_print(struct table *t, FILE *out, size_t max_width)
{
    size_t *w = xcalloc(t->ncols, sizeof(size_t));
    size_t total = (t->nrows + 1) * t->ncols;
    for (size_t i = 0; i < total; i++) {
        clip(&t->cells[i], max_width);
        size_t cw = utf8_width(t->cells[i]);
        if (cw > w[i % t->ncols])
            w[i % t->ncols] = cw;
    }
    struct buf line = BUF_INIT;
    for (size_t r = 0; r <= t->nrows; r++) {
        buf_reset(&line);
        for (size_t col = 0; col < t->ncols; col++) {
            const char *s = t->cells[r * t->ncols + col];
            size_t pad = w[col] - utf8_width(s);
            bool last = col + 1 == t->ncols;
            if (t->right[col])
                for (size_t k = 0; k < pad; k++)
                    buf_appendc(&line, ' ');
            buf_appends(&line, s);
            if (!t->right[col] && !last)
                for (size_t k = 0; k < pad; k++)
                    buf_appendc(&line, ' ');
            if (!last)
                buf_appends(&line, "  ");
        }
        while (line.len && line.buf[line.len - 1] == ' ')
            buf_truncate(&line, line.len - 1);
        fprintf(out, "%s\n", line.buf);
    }
    buf_release(&line);
    for (size_t i = 0; i < total; i++)
        free(t->cells[i]);
    free(t->cells);
    free(t->right);
    free(w);
    free(t);
}
