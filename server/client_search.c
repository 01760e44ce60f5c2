/* client_search.c - see client_search.h. */
#include "client_search.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

/* Letters that utf8proc leaves alone because Unicode gives them no
 * decomposition: with marks stripped, a user still types "o" for ø and "l"
 * for ł, so they fold to the base letter here. One code point each (the
 * hook maps one to one): æ, œ and þ, which people spell with two letters,
 * stay themselves. */
static utf8proc_int32_t search_fold_letter(utf8proc_int32_t c, void *data)
{
    (void)data;
    switch (c) {
    case 0x00D8: /* Ø */
    case 0x00F8: /* ø */
        return 'o';
    case 0x0110: /* Đ */
    case 0x0111: /* đ */
    case 0x00D0: /* Ð */
    case 0x00F0: /* ð */
        return 'd';
    case 0x0141: /* Ł */
    case 0x0142: /* ł */
        return 'l';
    case 0x0126: /* Ħ */
    case 0x0127: /* ħ */
        return 'h';
    case 0x0166: /* Ŧ */
    case 0x0167: /* ŧ */
        return 't';
    case 0x0131: /* ı, dotless i */
        return 'i';
    default:
        return c;
    }
}

#define SEARCH_FOLD_FLAGS                                                                          \
    (UTF8PROC_STABLE | UTF8PROC_COMPAT | UTF8PROC_COMPOSE | UTF8PROC_CASEFOLD | UTF8PROC_STRIPMARK)

static int search_fold(const char *text, size_t len, utf8proc_option_t flags,
                       utf8proc_custom_func hook, uint8_t **out, size_t *out_len)
{
    *out = NULL;
    if (len > (size_t)INT32_MAX)
        return EINVAL;
    utf8proc_uint8_t *dst = NULL;
    utf8proc_ssize_t n = utf8proc_map_custom((const utf8proc_uint8_t *)text, (utf8proc_ssize_t)len,
                                             &dst, flags, hook, NULL);
    if (n < 0)
        return n == UTF8PROC_ERROR_NOMEM ? ENOMEM : EILSEQ;
    *out = dst;
    *out_len = (size_t)n;
    return 0;
}

size_t client_search_cut(const char *s, size_t len, size_t max)
{
    if (len <= max)
        return len;
    size_t n = max;
    /* Back off continuation bytes (10xxxxxx) to the start of a character. */
    while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
        n--;
    return n;
}

static bool search_is_word(utf8proc_int32_t c)
{
    switch (utf8proc_category(c)) {
    case UTF8PROC_CATEGORY_LU:
    case UTF8PROC_CATEGORY_LL:
    case UTF8PROC_CATEGORY_LT:
    case UTF8PROC_CATEGORY_LM:
    case UTF8PROC_CATEGORY_LO:
    case UTF8PROC_CATEGORY_MN:
    case UTF8PROC_CATEGORY_MC:
    case UTF8PROC_CATEGORY_ME:
    case UTF8PROC_CATEGORY_ND:
    case UTF8PROC_CATEGORY_NL:
    case UTF8PROC_CATEGORY_NO:
        return true;
    default:
        return false;
    }
}

static bool search_is_apostrophe(utf8proc_int32_t c)
{
    return c == 0x27 || c == 0x2019 || c == 0x02BC;
}

/* Han ideographs and kana: names written without spaces, where each
 * character may begin what a user types. */
static bool search_is_cjk(utf8proc_int32_t c)
{
    return (c >= 0x3040 && c <= 0x30FF) || (c >= 0x3400 && c <= 0x4DBF) ||
           (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0xF900 && c <= 0xFAFF) ||
           (c >= 0x20000 && c <= 0x323AF);
}

void client_search_words_free(struct client_search_words *w)
{
    free(w->norm);
    free(w->start);
    free(w->end);
    free(w->run);
    memset(w, 0, sizeof(*w));
}

int client_search_words(const char *text, size_t len, struct client_search_words *out)
{
    memset(out, 0, sizeof(*out));
    uint8_t *folded;
    size_t flen;
    int rc = search_fold(text, len, SEARCH_FOLD_FLAGS, search_fold_letter, &folded, &flen);
    if (rc != 0)
        return rc;
    /* norm is never longer than the folded text, and every word starts at
     * a character of it. */
    out->norm = malloc(flen + 1);
    out->start = malloc((flen + 1) * sizeof(*out->start));
    out->end = malloc((flen + 1) * sizeof(*out->end));
    out->run = malloc((flen + 1) * sizeof(*out->run));
    if (out->norm == NULL || out->start == NULL || out->end == NULL || out->run == NULL) {
        free(folded);
        client_search_words_free(out);
        return ENOMEM;
    }
    size_t run_first = 0; /* the first word of the current run */
    bool in_run = false, after_apostrophe = false;
    for (size_t i = 0; i < flen;) {
        utf8proc_int32_t c;
        utf8proc_ssize_t n = utf8proc_iterate(folded + i, (utf8proc_ssize_t)(flen - i), &c);
        if (n <= 0) {
            free(folded);
            client_search_words_free(out);
            return EILSEQ;
        }
        if (search_is_word(c)) {
            bool begins = !in_run || after_apostrophe || search_is_cjk(c);
            if (!in_run) {
                if (out->len > 0)
                    out->norm[out->len++] = ' ';
                run_first = out->n;
            }
            if (begins) {
                out->start[out->n] = out->len;
                out->run[out->n] = !in_run;
                out->n++;
            }
            memcpy(out->norm + out->len, folded + i, (size_t)n);
            out->len += (size_t)n;
            in_run = true;
            after_apostrophe = false;
        } else if (in_run && search_is_apostrophe(c)) {
            after_apostrophe = true;
        } else {
            in_run = false;
            after_apostrophe = false;
        }
        i += (size_t)n;
        /* Each word of the run reaches to where the run has got to. */
        for (size_t w = run_first; w < out->n; w++)
            out->end[w] = out->len;
    }
    free(folded);
    out->norm[out->len] = '\0';
    for (size_t w = 0; w < out->n; w++)
        out->end[w] =
            out->start[w] + client_search_cut(out->norm + out->start[w],
                                              out->end[w] - out->start[w], CLIENT_SEARCH_TOKEN_MAX);
    return 0;
}

int client_search_fold_email(const char *text, size_t len, char **out, size_t *out_len)
{
    uint8_t *folded;
    int rc = search_fold(text, len, UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_CASEFOLD, NULL,
                         &folded, out_len);
    if (rc != 0)
        return rc;
    *out_len = client_search_cut((const char *)folded, *out_len, CLIENT_SEARCH_TOKEN_MAX);
    folded[*out_len] = '\0';
    *out = (char *)folded;
    return 0;
}

/* The phone's digits, last first, cut to CLIENT_SEARCH_TOKEN_MAX; the
 * number of digits. Formatting (spaces, +, dashes, brackets) is ignored. */
static size_t search_phone_digits(const char *text, size_t len,
                                  char out[CLIENT_SEARCH_TOKEN_MAX + 1])
{
    size_t n = 0;
    for (size_t i = len; i > 0 && n < CLIENT_SEARCH_TOKEN_MAX; i--)
        if (text[i - 1] >= '0' && text[i - 1] <= '9')
            out[n++] = text[i - 1];
    out[n] = '\0';
    return n;
}

/* Digits and the characters phone numbers are written with, nothing else. */
static bool search_looks_like_phone(const char *text, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (strchr("0123456789 +-()./", text[i]) == NULL || text[i] == '\0')
            return false;
    return true;
}

int client_search_query_parse(const char *text, size_t len, struct client_search_query *out)
{
    memset(out, 0, sizeof(*out));
    int rc = client_search_words(text, len, &out->words);
    if (rc != 0)
        return rc;
    if (!search_looks_like_phone(text, len) ||
        search_phone_digits(text, len, out->phone) < CLIENT_SEARCH_PHONE_MIN)
        out->phone[0] = '\0';
    /* Leading and trailing blanks are not part of an address. */
    while (len > 0 && (*text == ' ' || *text == '\t')) {
        text++;
        len--;
    }
    while (len > 0 && (text[len - 1] == ' ' || text[len - 1] == '\t'))
        len--;
    if (len > 0 && memchr(text, ' ', len) == NULL && memchr(text, '\t', len) == NULL) {
        rc = client_search_fold_email(text, len, &out->email, &out->email_len);
        if (rc != 0) {
            client_search_query_free(out);
            return rc;
        }
    }
    return 0;
}

void client_search_query_free(struct client_search_query *q)
{
    client_search_words_free(&q->words);
    free(q->email);
    q->email = NULL;
}

int client_search_query_key(const struct client_search_query *q)
{
    int best = -1;
    for (size_t i = 0; i < q->words.n; i++)
        if (q->words.run[i] && (best < 0 || q->words.end[i] - q->words.start[i] >
                                                q->words.end[best] - q->words.start[best]))
            best = (int)i;
    return best;
}

int client_search_name_rank(const struct client_search_query *q,
                            const struct client_search_words *name)
{
    bool any = false;
    for (size_t i = 0; i < q->words.n; i++) {
        if (!q->words.run[i])
            continue;
        any = true;
        const char *word = q->words.norm + q->words.start[i];
        size_t wlen = q->words.end[i] - q->words.start[i];
        bool found = false;
        for (size_t j = 0; j < name->n && !found; j++)
            found = name->end[j] - name->start[j] >= wlen &&
                    memcmp(name->norm + name->start[j], word, wlen) == 0;
        if (!found)
            return -1;
    }
    if (!any)
        return -1;
    return q->words.len == name->len && memcmp(q->words.norm, name->norm, name->len) == 0 ? 0 : 1;
}

int client_search_tokens(const char *name, char *const *phones, size_t n_phones,
                         char *const *emails, size_t n_emails, client_search_token_fn fn, void *ctx)
{
    int rc = 0;
    struct client_search_words words;
    if (name != NULL && name[0] != '\0') {
        rc = client_search_words(name, strlen(name), &words);
        if (rc == EILSEQ)
            rc = 0;
        else if (rc == 0) {
            for (size_t i = 0; rc == 0 && i < words.n; i++)
                rc = fn(ctx, CLIENT_SEARCH_NAME, words.norm + words.start[i],
                        words.end[i] - words.start[i]);
            client_search_words_free(&words);
        }
    }
    for (size_t i = 0; rc == 0 && i < n_phones; i++) {
        char digits[CLIENT_SEARCH_TOKEN_MAX + 1];
        size_t n = search_phone_digits(phones[i], strlen(phones[i]), digits);
        if (n > 0)
            rc = fn(ctx, CLIENT_SEARCH_PHONE, digits, n);
    }
    for (size_t i = 0; rc == 0 && i < n_emails; i++) {
        size_t len;
        if (emails[i][0] == '\0')
            continue;
        char *folded;
        rc = client_search_fold_email(emails[i], strlen(emails[i]), &folded, &len);
        if (rc == EILSEQ) {
            rc = 0; /* not UTF-8: no token, the same way every time */
            continue;
        }
        if (rc == 0) {
            rc = fn(ctx, CLIENT_SEARCH_EMAIL, folded, len);
            free(folded);
        }
    }
    return rc;
}

int client_search_sort_key(const char *name, char out[CLIENT_SEARCH_SORT_MAX], size_t *len)
{
    struct client_search_words words;
    int rc = client_search_words(name, strlen(name), &words);
    if (rc == ENOMEM)
        return rc;
    const char *key = rc == 0 ? words.norm : name;
    size_t key_len = rc == 0 ? words.len : strlen(name);
    *len = client_search_cut(key, key_len, CLIENT_SEARCH_SORT_MAX);
    memcpy(out, key, *len);
    if (rc == 0)
        client_search_words_free(&words);
    return 0;
}
