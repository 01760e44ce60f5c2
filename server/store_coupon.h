/* store_coupon.h - coupons, keyed by code, with an index per owner and per
 * client. store_coupon_put keeps both indexes and the COUPON agenda entry
 * (present until redeemed or withdrawn) in step. */
#ifndef FOLIO_STORE_COUPON_H
#define FOLIO_STORE_COUPON_H

#include <stdbool.h>

#include "folio.pb-c.h"
#include "store.h"

/* Inserts or replaces the coupon under coupon->code. */
int store_coupon_put(struct store *s, MDB_txn *txn, const Folio__Coupon *coupon);
/* MDB_NOTFOUND when no coupon has that code. */
int store_coupon_get(struct store *s, MDB_txn *txn, const char *code, struct arena *arena,
                     Folio__Coupon **out);
/* One page of owner's coupons in code order after `after` (NULL: from the
 * start), only client's when client_id is not NULL. */
int store_coupon_list(struct store *s, MDB_txn *txn, uint64_t owner_id, const uint8_t *client_id,
                      const char *after, size_t limit, struct arena *arena, Folio__Coupon ***out,
                      size_t *count, bool *more);
/* Gives every coupon of client from to client to (a merge), with their
 * index entries. */
int store_coupon_move_client(struct store *s, MDB_txn *txn, const uint8_t from[16], const char *to);
/* How many coupons at partner_id are open on today (YYYY-MM-DD): neither
 * redeemed nor withdrawn, and valid until today or later. Walks every
 * coupon: for a partner's removal, which is rare. */
int store_coupon_count_open_at_partner(struct store *s, MDB_txn *txn, uint64_t partner_id,
                                       const char *today, size_t *count);
/* Removes every coupon of a client (erasure), with its index entries. */
int store_coupon_delete_client(struct store *s, MDB_txn *txn, const uint8_t client_id[16]);

#endif
