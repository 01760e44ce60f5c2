/* store_reassign.c - see store_reassign.h. */
#include "store_reassign.h"

int store_reassign_put(struct store *s, MDB_txn *txn, Folio__Reassignment *r)
{
    int rc;
    if (r->id == 0 && (rc = store_next_id(txn, s->reassignments, &r->id)) != 0)
        return rc;
    return store_put_by_id(txn, s->reassignments, r->id, &r->base, 0);
}

int store_reassign_get(struct store *s, MDB_txn *txn, uint64_t id, struct arena *arena,
                       Folio__Reassignment **out)
{
    return store_get_by_id(txn, s->reassignments, id, &folio__reassignment__descriptor, arena,
                           (void **)out);
}
