/* suggest.c - see suggest.h.
 *
 * Written here rather than taken from a library: it is the optimal string
 * alignment distance over two words of at most 64 bytes, some twenty lines,
 * and no Debian library offers it on its own. */
#include "suggest.h"

#include <string.h>

static size_t suggest_min(size_t a, size_t b)
{
    return a < b ? a : b;
}

/* Optimal string alignment distance of a and b (each at most
 * SUGGEST_WORD_MAX bytes). */
static size_t suggest_distance(const char *a, size_t la, const char *b, size_t lb)
{
    size_t d[SUGGEST_WORD_MAX + 1][SUGGEST_WORD_MAX + 1];
    for (size_t i = 0; i <= la; i++)
        d[i][0] = i;
    for (size_t j = 0; j <= lb; j++)
        d[0][j] = j;
    for (size_t i = 1; i <= la; i++) {
        for (size_t j = 1; j <= lb; j++) {
            size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
            size_t v =
                suggest_min(suggest_min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                v = suggest_min(v, d[i - 2][j - 2] + 1);
            d[i][j] = v;
        }
    }
    return d[la][lb];
}

void suggest_begin(struct suggest *s, const char *typed)
{
    s->typed = typed;
    s->best[0] = '\0';
    s->best_distance = 0;
}

void suggest_offer(struct suggest *s, const char *candidate)
{
    size_t la = strnlen(s->typed, SUGGEST_WORD_MAX + 1);
    size_t lb = strnlen(candidate, SUGGEST_WORD_MAX + 1);
    if (la > SUGGEST_WORD_MAX || lb > SUGGEST_WORD_MAX || la == 0)
        return;
    size_t longer = la > lb ? la : lb;
    size_t limit = longer / 3 > 0 ? longer / 3 : 1;
    size_t distance = suggest_distance(s->typed, la, candidate, lb);
    if (distance == 0 || distance > limit)
        return;
    if (s->best[0] == '\0' || distance < s->best_distance) {
        memcpy(s->best, candidate, lb + 1);
        s->best_distance = distance;
    }
}
