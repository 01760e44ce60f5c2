/* store_offer.h - offers, keyed by id, with an index per owner and per
 * client. store_offer_put keeps both indexes and the OFFER agenda entry
 * (present while the offer is proposed or sent) in step. */
#ifndef FOLIO_STORE_OFFER_H
#define FOLIO_STORE_OFFER_H

#include <stdbool.h>

#include "folio.pb-c.h"
#include "store.h"

/* Assigns offer->id when it is 0; replaces the record otherwise. */
int store_offer_put(struct store *s, MDB_txn *txn, Folio__Offer *offer);
int store_offer_get(struct store *s, MDB_txn *txn, uint64_t id, struct arena *arena,
                    Folio__Offer **out);
/* Calls fn for each of owner's offers with id > after, in id order; fn
 * returns 0 to go on, 1 to stop, or an error. */
typedef int (*store_offer_fn)(void *ctx, const Folio__Offer *offer);
int store_offer_each(struct store *s, MDB_txn *txn, uint64_t owner_id, uint64_t after,
                     store_offer_fn fn, void *ctx);
/* Gives every offer of client from to client to (a merge), with their
 * index entries. */
int store_offer_move_client(struct store *s, MDB_txn *txn, const uint8_t from[16], const char *to);
/* Removes every offer of a client (erasure), with its index entries. */
int store_offer_delete_client(struct store *s, MDB_txn *txn, const uint8_t client_id[16]);

#endif
