/*
 * suggest: Levenshtein distance for typo suggestions. See suggest.h.
 * Names are short (at most a few dozen bytes), so the quadratic algorithm
 * is plenty; long inputs are capped.
 */
#include "base/suggest.h"

#include <ctype.h>
#include <string.h>

#define SUGGEST_MAX 64

/* Optimal string alignment distance: Levenshtein plus swapped neighbours,
 * so "nmae" is one edit from "name". */
size_t suggest_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > SUGGEST_MAX || lb > SUGGEST_MAX)
        return la > lb ? la : lb;
    size_t d[SUGGEST_MAX + 1][SUGGEST_MAX + 1];
    for (size_t i = 0; i <= la; i++)
        d[i][0] = i;
    for (size_t j = 0; j <= lb; j++)
        d[0][j] = j;
    for (size_t i = 1; i <= la; i++) {
        int ai = tolower((unsigned char)a[i - 1]);
        for (size_t j = 1; j <= lb; j++) {
            int bj = tolower((unsigned char)b[j - 1]);
            size_t best = d[i - 1][j - 1] + (ai != bj);
            if (d[i - 1][j] + 1 < best)
                best = d[i - 1][j] + 1;
            if (d[i][j - 1] + 1 < best)
                best = d[i][j - 1] + 1;
            if (i > 1 && j > 1 && ai == tolower((unsigned char)b[j - 2]) &&
                tolower((unsigned char)a[i - 2]) == bj &&
                d[i - 2][j - 2] + 1 < best)
                best = d[i - 2][j - 2] + 1;
            d[i][j] = best;
        }
    }
    return d[la][lb];
}

const char *suggest_closest(const char *word, const char *const *cands,
                            size_t n)
{
    const char *best = NULL;
    size_t best_d = (size_t)-1, len = strlen(word);
    for (size_t i = 0; i < n; i++) {
        if (!cands[i])
            continue;
        size_t d = suggest_distance(word, cands[i]);
        if (d < best_d) {
            best_d = d;
            best = cands[i];
        }
    }
    if (!best || best_d > 2 || best_d * 2 >= len + (len < 4))
        return NULL;
    return best;
}
