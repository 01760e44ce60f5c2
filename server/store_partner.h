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
/* Replaces the partner stored under partner->id. */
int store_partner_put(struct store *s, MDB_txn *txn, const Folio__Partner *partner);
/* MDB_NOTFOUND when there is no such partner. */
int store_partner_remove(struct store *s, MDB_txn *txn, uint64_t id);
/* Every partner, in id order. */
int store_partner_list(struct store *s, MDB_txn *txn, struct arena *arena, Folio__Partner ***out,
                       size_t *count);

#endif
