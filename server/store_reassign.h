/* store_reassign.h - reassignment records, kept so that one can be undone.
 *
 * reassignments keys on the id (u64 BE); ids only grow. A record lists the
 * clients it moved with the version the move gave each, which is how undo
 * knows a client has not changed since. */
#ifndef FOLIO_STORE_REASSIGN_H
#define FOLIO_STORE_REASSIGN_H

#include "folio.pb-c.h"
#include "store.h"

/* Assigns r->id when it is 0; replaces the record otherwise. */
int store_reassign_put(struct store *s, MDB_txn *txn, Folio__Reassignment *r);
/* MDB_NOTFOUND when there is no such record. */
int store_reassign_get(struct store *s, MDB_txn *txn, uint64_t id, struct arena *arena,
                       Folio__Reassignment **out);

#endif
