/* store_reassign.h - reassignment records, kept so that one can be undone.
 *
 * reassignments keys on the id (u64 BE); ids only grow. A record lists the
 * clients it moved with the version the move gave each and the last entry
 * of its timeline then, which is how undo knows a client has not changed
 * since, and when each was moved back. */
#ifndef FOLIO_STORE_REASSIGN_H
#define FOLIO_STORE_REASSIGN_H

#include "folio.pb-c.h"
#include <stdbool.h>
#include "store.h"

/* Assigns r->id when it is 0; replaces the record otherwise. */
int store_reassign_put(struct store *s, MDB_txn *txn, Folio__Reassignment *r);
/* MDB_NOTFOUND when there is no such record. */
int store_reassign_get(struct store *s, MDB_txn *txn, uint64_t id, struct arena *arena,
                       Folio__Reassignment **out);

/* Up to limit records, newest first, with ids below before (0: from the
 * newest) that keep(ctx, record) says to keep (NULL: all). *next is the id
 * to pass as before for the next page, or 0. Looks at most
 * STORE_REASSIGN_SCAN_MAX records in one call, so a filter that keeps few
 * ends a page early, with *next set. */
#define STORE_REASSIGN_SCAN_MAX 10000
int store_reassign_list(struct store *s, MDB_txn *txn, uint64_t before, size_t limit,
                        bool (*keep)(void *ctx, const Folio__Reassignment *r), void *ctx,
                        struct arena *arena, Folio__Reassignment ***out, size_t *count,
                        uint64_t *next);

#endif
