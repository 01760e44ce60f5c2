/* suggest.h - "did you mean": the known word closest to one mistyped.
 *
 * A candidate is close when its edit distance (insertions, deletions,
 * substitutions and swaps of neighbours) to the typed word is at most a
 * third of the longer of the two, and at least 1. */
#ifndef FOLIO_SUGGEST_H
#define FOLIO_SUGGEST_H

#include <stddef.h>

/* Words longer than this are never suggested nor matched. */
#define SUGGEST_WORD_MAX 64

struct suggest {
    const char *typed;
    char best[SUGGEST_WORD_MAX + 1]; /* "" until a close candidate was offered */
    size_t best_distance;
};

void suggest_begin(struct suggest *s, const char *typed);
/* Offers one known word; keeps a copy when it is the closest so far. */
void suggest_offer(struct suggest *s, const char *candidate);

#endif
