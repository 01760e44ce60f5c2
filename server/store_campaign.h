/* store_campaign.h - campaigns, keyed by id, with an index per owner.
 * store_campaign_put is the one writer of the record and its index. A
 * campaign's offers and coupons live in their own tables (store_offer.h,
 * store_coupon.h); the campaign keeps their ids. Firm campaigns (scope set)
 * are listed together, under the owner STORE_CAMPAIGN_FIRM; their parts,
 * agents' campaigns, under their agents. */
#ifndef FOLIO_STORE_CAMPAIGN_H
#define FOLIO_STORE_CAMPAIGN_H

#include <stdbool.h>

#include "folio.pb-c.h"
#include "store.h"

#define STORE_CAMPAIGN_FIRM 0

/* Assigns campaign->id when it is 0; replaces the record otherwise (its
 * owner never changes). Reply-only fields are not stored. */
int store_campaign_put(struct store *s, MDB_txn *txn, Folio__Campaign *campaign);
/* MDB_NOTFOUND when there is no such campaign. */
int store_campaign_get(struct store *s, MDB_txn *txn, uint64_t id, struct arena *arena,
                       Folio__Campaign **out);
/* Up to limit of owner's (or the firm's) campaigns with id > after, in id order, into an
 * arena array; *more says whether another follows. */
int store_campaign_list(struct store *s, MDB_txn *txn, uint64_t owner_id, uint64_t after,
                        size_t limit, struct arena *arena, Folio__Campaign ***out, size_t *count,
                        bool *more);
/* The same of the firm campaigns, only office_id's office campaigns when it
 * is not 0 (an office-admin's list). */
int store_campaign_list_firm(struct store *s, MDB_txn *txn, uint64_t office_id, uint64_t after,
                             size_t limit, struct arena *arena, Folio__Campaign ***out,
                             size_t *count, bool *more);

#endif
