/* store_duplicate.c - see store_duplicate.h.
 *
 * Walks of the index gather candidates (the e-mails, the name's rarest
 * word, the phones' last digits); only then is each candidate read
 * and compared, so no record is read twice and none that shares nothing. */
#include "store_duplicate.h"

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "client_id.h"
#include "client_search.h"
#include "store_client.h"
#include "store_search.h"

#define DUPLICATE_CANDIDATES_MAX 64 /* records read and compared, in all */
#define DUPLICATE_PROBE          64 /* entries a name's word is counted to */

struct duplicate_candidate {
    uint8_t id[16];
    bool same_name; /* the folded names are equal */
};

struct duplicate_walk {
    const uint8_t *skip;
    const struct client_search_words *name; /* the record's, for the name walk */
    struct duplicate_candidate list[DUPLICATE_CANDIDATES_MAX];
    size_t n;
    size_t visits;
    int error; /* ENOMEM from folding a stored name */
};

static struct duplicate_candidate *duplicate_add(struct duplicate_walk *w, const uint8_t id[16])
{
    if (w->skip != NULL && memcmp(w->skip, id, 16) == 0)
        return NULL;
    for (size_t i = 0; i < w->n; i++)
        if (memcmp(w->list[i].id, id, 16) == 0)
            return &w->list[i];
    if (w->n == DUPLICATE_CANDIDATES_MAX)
        return NULL;
    struct duplicate_candidate *c = &w->list[w->n++];
    memcpy(c->id, id, 16);
    c->same_name = false;
    return c;
}

/* The walk stops (1) at its bound of visits or when the list is full. */
static int duplicate_visit(void *ctx, uint64_t owner_id, const uint8_t id[16], const char *name,
                           size_t name_len)
{
    (void)owner_id;
    struct duplicate_walk *w = ctx;
    if (++w->visits > STORE_DUPLICATE_VISITS || w->n == DUPLICATE_CANDIDATES_MAX)
        return 1;
    if (w->name == NULL) {
        duplicate_add(w, id);
        return 0;
    }
    struct client_search_words words;
    int rc = client_search_words(name, name_len, &words);
    if (rc == ENOMEM) {
        w->error = ENOMEM;
        return 1;
    }
    if (rc != 0)
        return 0;
    bool same = words.len == w->name->len && memcmp(words.norm, w->name->norm, words.len) == 0;
    client_search_words_free(&words);
    struct duplicate_candidate *c = same ? duplicate_add(w, id) : NULL;
    if (c != NULL)
        c->same_name = true;
    return 0;
}

static int duplicate_walk(struct store *s, MDB_txn *txn, uint64_t owner_id,
                          enum client_search_kind kind, const char *prefix, size_t len,
                          struct duplicate_walk *w)
{
    w->visits = 0;
    int rc = store_search_walk(s, txn, owner_id, kind, prefix, len, duplicate_visit, w);
    if (w->error != 0)
        return w->error;
    return rc == 1 ? 0 : rc;
}

/* ---------------------------------------------------------------- comparing */

/* A phone's digits, the way people compare numbers: formatting ignored. */
static size_t duplicate_digits(const char *phone, char out[64])
{
    size_t n = 0;
    for (; *phone != '\0' && n < 63; phone++)
        if (*phone >= '0' && *phone <= '9')
            out[n++] = *phone;
    out[n] = '\0';
    return n;
}

static bool duplicate_same_phone(const char *a, const char *b)
{
    char x[64], y[64];
    size_t nx = duplicate_digits(a, x), ny = duplicate_digits(b, y);
    if (nx == 0 || ny == 0)
        return false;
    if (nx == ny)
        return memcmp(x, y, nx) == 0;
    /* One number is the other without its country or area code. */
    const char *longer = nx > ny ? x : y, *shorter = nx > ny ? y : x;
    size_t nl = nx > ny ? nx : ny, ns = nx > ny ? ny : nx;
    return ns >= STORE_DUPLICATE_PHONE_SUFFIX && memcmp(longer + nl - ns, shorter, ns) == 0;
}

static bool duplicate_same_email(const char *a, const char *b)
{
    return a[0] != '\0' && strcasecmp(a, b) == 0;
}

typedef bool (*duplicate_same_fn)(const char *a, const char *b);

/* Whether any of a is any of b. */
static bool duplicate_any(char *const *a, size_t na, char *const *b, size_t nb,
                          duplicate_same_fn same)
{
    for (size_t i = 0; i < na; i++)
        for (size_t k = 0; k < nb; k++)
            if (same(a[i], b[k]))
                return true;
    return false;
}

/* The same values, in any order. */
static bool duplicate_same_set(char *const *a, size_t na, char *const *b, size_t nb,
                               duplicate_same_fn same)
{
    if (na != nb)
        return false;
    for (size_t i = 0; i < na; i++)
        if (!duplicate_any(&a[i], 1, b, nb, same))
            return false;
    return true;
}

/* How stored resembles c, and why; NONE when it does not. */
static enum store_duplicate_kind duplicate_compare(const Folio__Client *c,
                                                   const Folio__Client *stored, bool same_name,
                                                   const char **why)
{
    bool same_birth = strcmp(c->birth_date, stored->birth_date) == 0;
    if (same_name && same_birth && strcasecmp(c->city, stored->city) == 0 &&
        duplicate_same_set(c->phones, c->n_phones, stored->phones, stored->n_phones,
                           duplicate_same_phone) &&
        duplicate_same_set(c->emails, c->n_emails, stored->emails, stored->n_emails,
                           duplicate_same_email)) {
        *why = "an exact copy";
        return STORE_DUPLICATE_EXACT;
    }
    *why = NULL;
    if (duplicate_any(c->emails, c->n_emails, stored->emails, stored->n_emails,
                      duplicate_same_email))
        *why = "same e-mail";
    else if (duplicate_any(c->phones, c->n_phones, stored->phones, stored->n_phones,
                           duplicate_same_phone))
        *why = "same phone";
    else if (same_name && same_birth && c->birth_date[0] != '\0')
        *why = "same name and birth date";
    return *why != NULL ? STORE_DUPLICATE_LIKELY : STORE_DUPLICATE_NONE;
}

/* ---------------------------------------------------------------- finding */

/* Counts index entries, up to a bound (the walk stops there). */
struct duplicate_count {
    size_t n, cap;
};

static int duplicate_count_visit(void *ctx, uint64_t owner_id, const uint8_t id[16],
                                 const char *name, size_t name_len)
{
    (void)owner_id;
    (void)id;
    (void)name;
    (void)name_len;
    struct duplicate_count *count = ctx;
    return ++count->n >= count->cap;
}

/* The candidates of c's name: clients whose folded name equals it, found by
 * the word of the name fewest clients share (each word's entries counted up
 * to DUPLICATE_PROBE first): "Client 00417" is looked up by "00417", not by
 * the "client" every row of a spreadsheet may share. A word nobody has means
 * nobody has the name. */
static int duplicate_gather_name(struct store *s, MDB_txn *txn, uint64_t owner_id,
                                 const Folio__Client *c, struct duplicate_walk *w)
{
    struct client_search_words words;
    int rc = client_search_words(c->name, strlen(c->name), &words);
    if (rc == EILSEQ)
        return 0;
    if (rc != 0)
        return rc;
    size_t best = words.n, best_count = SIZE_MAX;
    for (size_t i = 0; rc == 0 && i < words.n && best_count > 0; i++) {
        if (!words.run[i])
            continue;
        struct duplicate_count count = {.cap = DUPLICATE_PROBE};
        rc = store_search_walk(s, txn, owner_id, CLIENT_SEARCH_NAME, words.norm + words.start[i],
                               words.end[i] - words.start[i], duplicate_count_visit, &count);
        if (rc == 1)
            rc = 0;
        if (rc == 0 && count.n < best_count) {
            best = i;
            best_count = count.n;
        }
    }
    if (rc == 0 && best < words.n && best_count > 0) {
        w->name = &words;
        rc = duplicate_walk(s, txn, owner_id, CLIENT_SEARCH_NAME, words.norm + words.start[best],
                            words.end[best] - words.start[best], w);
        w->name = NULL;
    }
    client_search_words_free(&words);
    return rc;
}

/* Gathers the candidates of every key of c into w, the keys that name one
 * person most surely first (a short phone may match many numbers). */
static int duplicate_gather(struct store *s, MDB_txn *txn, uint64_t owner_id,
                            const Folio__Client *c, struct duplicate_walk *w)
{
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < c->n_emails; i++) {
        char *folded;
        size_t len;
        rc = client_search_fold_email(c->emails[i], strlen(c->emails[i]), &folded, &len);
        if (rc == EILSEQ) {
            rc = 0;
            continue;
        }
        if (rc == 0) {
            rc = duplicate_walk(s, txn, owner_id, CLIENT_SEARCH_EMAIL, folded, len, w);
            free(folded);
        }
    }
    if (rc == 0)
        rc = duplicate_gather_name(s, txn, owner_id, c, w);
    for (size_t i = 0; rc == 0 && i < c->n_phones; i++) {
        char digits[64], reversed[64];
        size_t n = duplicate_digits(c->phones[i], digits);
        for (size_t k = 0; k < n; k++)
            reversed[k] = digits[n - 1 - k];
        /* The index keys phones last digit first: the last digits are a
         * prefix that finds this number written with or without a country
         * code. */
        if (n > 0)
            rc = duplicate_walk(s, txn, owner_id, CLIENT_SEARCH_PHONE, reversed,
                                n < STORE_DUPLICATE_PHONE_SUFFIX ? n : STORE_DUPLICATE_PHONE_SUFFIX,
                                w);
    }
    return rc;
}

int store_duplicate_find(struct store *s, MDB_txn *txn, uint64_t owner_id, const Folio__Client *c,
                         const uint8_t *skip, struct store_duplicate *out)
{
    memset(out, 0, sizeof(*out));
    struct duplicate_walk *w = calloc(1, sizeof(*w));
    if (w == NULL)
        return ENOMEM;
    w->skip = skip;
    int rc = duplicate_gather(s, txn, owner_id, c, w);
    for (size_t i = 0; rc == 0 && i < w->n && out->kind != STORE_DUPLICATE_EXACT; i++) {
        Folio__Client *stored;
        rc = store_client_get(s, txn, w->list[i].id, NULL, &stored);
        if (rc == MDB_NOTFOUND) {
            rc = 0; /* an index entry of a client gone in this transaction */
            continue;
        }
        if (rc != 0)
            break;
        const char *why;
        enum store_duplicate_kind kind = duplicate_compare(c, stored, w->list[i].same_name, &why);
        if (kind > out->kind) {
            out->kind = kind;
            out->why = why;
            client_id_format(w->list[i].id, out->id);
            snprintf(out->name, sizeof(out->name), "%s", stored->name);
        }
        folio__client__free_unpacked(stored, NULL);
    }
    free(w);
    return rc;
}
