/*
 * suggest: "did you mean ...?" for misspelt names.
 */
#ifndef KITH_SUGGEST_H
#define KITH_SUGGEST_H

#include <stddef.h>

/* Edit distance between a and b, case-insensitive for ASCII. */
size_t suggest_distance(const char *a, const char *b);
/*
 * The candidate closest to word, or NULL when none is close enough to be
 * a likely typo (distance at most 2, and less than half the word).
 */
const char *suggest_closest(const char *word, const char *const *cands,
                            size_t n);

#endif
