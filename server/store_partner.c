/* store_partner.c - see store_partner.h. */
#include "store_partner.h"

#include <errno.h>

int store_partner_add(struct store *s, MDB_txn *txn, Folio__Partner *partner)
{
    int rc = store_next_id(txn, s->partners, &partner->id);
    if (rc != 0)
        return rc;
    return store_put_by_id(txn, s->partners, partner->id, &partner->base, MDB_NOOVERWRITE);
}

int store_partner_get(struct store *s, MDB_txn *txn, uint64_t id, struct arena *arena,
                      Folio__Partner **out)
{
    return store_get_by_id(txn, s->partners, id, &folio__partner__descriptor, arena, (void **)out);
}

int store_partner_put(struct store *s, MDB_txn *txn, const Folio__Partner *partner)
{
    return store_put_by_id(txn, s->partners, partner->id, &partner->base, 0);
}

int store_partner_remove(struct store *s, MDB_txn *txn, uint64_t id)
{
    uint8_t key[8];
    store_key_u64(key, id);
    MDB_val k = {sizeof(key), key};
    return mdb_del(txn, s->partners, &k, NULL);
}

int store_partner_list(struct store *s, MDB_txn *txn, struct arena *arena, Folio__Partner ***out,
                       size_t *count)
{
    return store_list_messages(txn, s->partners, &folio__partner__descriptor, STORE_PARTNER_MAX,
                               arena, (void ***)out, count);
}
