/* store_partner.h - the firm's partner businesses, keyed by id. */
#ifndef FOLIO_STORE_PARTNER_H
#define FOLIO_STORE_PARTNER_H

#include "folio.pb-c.h"
#include "store.h"

#define STORE_PARTNER_MAX 10000

/* Assigns partner->id. */
int store_partner_add(struct store *s, MDB_txn *txn, Folio__Partner *partner);
int store_partner_get(struct store *s, MDB_txn *txn, uint64_t id, struct arena *arena,
                      Folio__Partner **out);
/* Every partner, in id order. */
int store_partner_list(struct store *s, MDB_txn *txn, struct arena *arena, Folio__Partner ***out,
                       size_t *count);

#endif
