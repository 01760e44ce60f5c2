/* store_tombstone.h - the ids of erased clients, remembered so that a bundle
 * made before the erasure cannot bring the client back unnoticed. Only the
 * id and the time of the erasure are kept: nothing about the person.
 *
 * store_tombstone_put runs in the transaction that erases the client, so the
 * two are never apart. */
#ifndef FOLIO_STORE_TOMBSTONE_H
#define FOLIO_STORE_TOMBSTONE_H

#include <stdbool.h>
#include <stdint.h>

#include "store.h"

int store_tombstone_put(struct store *s, MDB_txn *txn, const uint8_t client_id[16],
                        int64_t erased_at);
/* 0 and *erased (true when the id was erased here), or a store error. */
int store_tombstone_has(struct store *s, MDB_txn *txn, const uint8_t client_id[16], bool *erased);
/* Forgets the id (an erased client imported again on purpose); 0 when it was
 * not there either. */
int store_tombstone_remove(struct store *s, MDB_txn *txn, const uint8_t client_id[16]);

#endif
