/* store_portfolio.h - moving a client from one owner to another with
 * everything that is keyed by its owner.
 *
 * A client's owner appears in many keys: clients_by_owner, its birthday,
 * follow-up and event entries in agenda, its offers (offers_by_owner, OFFER
 * agenda entries), coupons (coupons_by_owner, COUPON agenda entries) and
 * holdings (holdings_by_owner). This
 * is the one place that moves all of them together, inside the caller's
 * transaction: reassignment, release of an export (to owner 0, with
 * transferred_from set) and restore-transferred use it. */
#ifndef FOLIO_STORE_PORTFOLIO_H
#define FOLIO_STORE_PORTFOLIO_H

#include <stdint.h>

#include "folio.pb-c.h"
#include "store.h"

/* Sets client->owner_id to to_owner_id and moves every owner-keyed entry of
 * the client, its offers and its coupons. Bumps nothing else: callers set
 * version, updated_at, transferred_* on client before calling, and add the
 * timeline event they want. client is the stored record (read by the
 * caller); it is written back. */
int store_portfolio_move(struct store *s, MDB_txn *txn, Folio__Client *client,
                         uint64_t to_owner_id);

#endif
