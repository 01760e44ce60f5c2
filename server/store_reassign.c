/* store_reassign.c - see store_reassign.h. */
#include "store_reassign.h"

int store_reassign_put(struct store *s, MDB_txn *txn, Folio__Reassignment *r)
{
    int rc;
    if (r->id == 0 && (rc = store_next_id(txn, s->reassignments, &r->id)) != 0)
        return rc;
    uint8_t key[8];
    store_key_u64(key, r->id);
    return store_put_message(txn, s->reassignments, key, sizeof(key), &r->base, 0);
}

int store_reassign_get(struct store *s, MDB_txn *txn, uint64_t id, struct arena *arena,
                       Folio__Reassignment **out)
{
    uint8_t key[8];
    store_key_u64(key, id);
    return store_get_message(txn, s->reassignments, key, sizeof(key),
                             &folio__reassignment__descriptor, arena, (void **)out);
}
