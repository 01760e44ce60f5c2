/* client_search.h - what `client find` matches: folded words, phone digits
 * and e-mail prefixes, as pure functions (no store, no request).
 *
 * Folding is utf8proc's (compatibility composition, case folding, marks
 * stripped) plus a short table for letters with no decomposition (ø, đ,
 * ł...), so "bjorn odeg" meets "Bjørn Ødegård" and "JOSE" meets "José".
 * A name's text is cut into runs of letters and digits; a run begins a
 * word, and so does every character after an apostrophe ("o'brien" gives
 * "obrien" and "brien") and every CJK character (a Han or kana name has no
 * spaces: "小龍" finds "李小龍"). Romanised CJK ("li" for 李) is not
 * matched: that needs transliteration, which no maintained Debian library
 * does well.
 *
 * A token is what the index keys on: each word start of the name to the
 * end of its run, each phone's digits reversed (so that "ends with these
 * digits" is a key prefix), each e-mail case folded; every token at most
 * CLIENT_SEARCH_TOKEN_MAX bytes, cut at a character boundary. A query is
 * folded the same way and cut the same way, so a prefix of a cut token is
 * a prefix of the whole. */
#ifndef FOLIO_CLIENT_SEARCH_H
#define FOLIO_CLIENT_SEARCH_H

#include <stdbool.h>
#include <stddef.h>

#include "folio.pb-c.h"
#include "wire_limits.h"

#define CLIENT_SEARCH_TEXT_MAX  FOLIO_FIND_TEXT_MAX /* bytes of a query */
#define CLIENT_SEARCH_TOKEN_MAX 128                 /* bytes of one token */
#define CLIENT_SEARCH_PHONE_MIN 4                   /* digits a phone query needs */
#define CLIENT_SEARCH_SORT_MAX  128 /* bytes of the folded name that order results */

enum client_search_kind {
    CLIENT_SEARCH_NAME = 'n',
    CLIENT_SEARCH_PHONE = 'p',
    CLIENT_SEARCH_EMAIL = 'e',
    /* Not a token: one entry a client, its name's sort key, for the name
     * order of client list (store_search_sorted). */
    CLIENT_SEARCH_SORT = 's',
};

/* A text cut into words. norm is the folded text's runs joined by single
 * spaces, apostrophes dropped (the form "exact name" compares); word i is
 * norm[start[i], end[i]), cut to CLIENT_SEARCH_TOKEN_MAX; run[i] says it
 * begins a run (a query's words are those). */
struct client_search_words {
    char *norm;
    size_t len;
    size_t n;
    size_t *start, *end;
    bool *run;
};

/* Folds and cuts text. ENOMEM, or EILSEQ for text that is not UTF-8. */
int client_search_words(const char *text, size_t len, struct client_search_words *out);
void client_search_words_free(struct client_search_words *w);

/* What a query asks. words: the folded name words (n 0 for none); phone:
 * the query's digits reversed when it looks like a phone number with at
 * least CLIENT_SEARCH_PHONE_MIN digits, else empty; email: the case-folded
 * query when it has no space, else empty. */
struct client_search_query {
    struct client_search_words words;
    char phone[CLIENT_SEARCH_TOKEN_MAX + 1];
    char *email;
    size_t email_len;
};

int client_search_query_parse(const char *text, size_t len, struct client_search_query *out);
void client_search_query_free(struct client_search_query *q);

/* How well a name answers the query: 0 the exact name, 1 every query word
 * starts a word of the name, -1 not by name. */
int client_search_name_rank(const struct client_search_query *q,
                            const struct client_search_words *name);

/* The query word that narrows the index walk most (the longest), or -1. */
int client_search_query_key(const struct client_search_query *q);

/* Calls fn with each token of client (duplicates possible); stops at and
 * returns fn's first non-zero return (or ENOMEM). A name or e-mail that
 * does not fold (not UTF-8) gives no token, the same way every time. */
typedef int (*client_search_token_fn)(void *ctx, enum client_search_kind kind, const char *token,
                                      size_t len);
int client_search_tokens(const char *name, char *const *phones, size_t n_phones,
                         char *const *emails, size_t n_emails, client_search_token_fn fn,
                         void *ctx);

/* Case-folds an e-mail into a malloc'd string, cut to
 * CLIENT_SEARCH_TOKEN_MAX. ENOMEM, or EILSEQ for text that is not UTF-8. */
int client_search_fold_email(const char *text, size_t len, char **out, size_t *out_len);

/* The key `client list` orders names by, and its index keeps
 * (store_search.h): the name folded as client find folds it (case and
 * accents aside), cut at a character boundary to CLIENT_SEARCH_SORT_MAX
 * bytes; a name that will not fold, its own bytes so cut. Into out, its
 * length in *len; ENOMEM when memory is short. */
int client_search_sort_key(const char *name, char out[CLIENT_SEARCH_SORT_MAX], size_t *len);

/* The length of the longest prefix of s[0, len) that is at most max bytes
 * and ends at a UTF-8 character boundary. */
size_t client_search_cut(const char *s, size_t len, size_t max);

#endif
