/* store_duplicate.h - the client of one owner that a record most likely
 * duplicates, found through the search index (store_search.h).
 *
 * A likely duplicate shares an e-mail, a phone (the same digits, or one
 * number of at least STORE_DUPLICATE_PHONE_SUFFIX digits ending the other:
 * "999 111 222" is "+51 999 111 222"), or the folded name (client_search.h)
 * and the birth date. An exact copy also has the same name, birth date,
 * city, phones and e-mails. Only the owner's own clients are looked at, so
 * the answer never says anything about other agents' clients, and only
 * index entries that start like the record's keys are read: the cost is
 * what resembles the record, not the portfolio. Each walk reads at most
 * STORE_DUPLICATE_VISITS entries, so a name shared by thousands of clients
 * bounds the work (and may miss a duplicate among them). */
#ifndef FOLIO_STORE_DUPLICATE_H
#define FOLIO_STORE_DUPLICATE_H

#include <stdint.h>

#include "client_record.h"
#include "folio.pb-c.h"
#include "store.h"

#define STORE_DUPLICATE_PHONE_SUFFIX 7    /* digits that match a longer number's end */
#define STORE_DUPLICATE_VISITS       1000 /* index entries one walk reads */

enum store_duplicate_kind {
    STORE_DUPLICATE_NONE,
    STORE_DUPLICATE_LIKELY,
    STORE_DUPLICATE_EXACT,
};

struct store_duplicate {
    enum store_duplicate_kind kind;
    char id[CLIENT_ID_TEXT + 1];    /* the stored client's id */
    char name[CLIENT_NAME_MAX + 1]; /* and its name */
    const char *why;                /* "same e-mail", ..., "an exact copy" */
};

/* Looks among owner_id's clients, except skip (NULL: none), for the one c
 * most likely duplicates, an exact copy first, into *out (kind NONE when
 * there is none). c as validated (e-mails lower-cased). 0, ENOMEM, or an
 * LMDB error. */
int store_duplicate_find(struct store *s, MDB_txn *txn, uint64_t owner_id, const Folio__Client *c,
                         const uint8_t *skip, struct store_duplicate *out);

#endif
