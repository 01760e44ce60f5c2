/* store_tombstone.c - see store_tombstone.h. */
#include "store_tombstone.h"

int store_tombstone_put(struct store *s, MDB_txn *txn, const uint8_t client_id[16],
                        int64_t erased_at)
{
    uint8_t when[8];
    uint64_t u = (uint64_t)erased_at;
    for (int i = 7; i >= 0; i--, u >>= 8)
        when[i] = (uint8_t)u;
    MDB_val k = {16, (void *)client_id}, v = {sizeof(when), when};
    return mdb_put(txn, s->tombstones, &k, &v, 0);
}

int store_tombstone_has(struct store *s, MDB_txn *txn, const uint8_t client_id[16], bool *erased)
{
    MDB_val k = {16, (void *)client_id}, v;
    int rc = mdb_get(txn, s->tombstones, &k, &v);
    *erased = rc == 0;
    return rc == MDB_NOTFOUND ? 0 : rc;
}

int store_tombstone_remove(struct store *s, MDB_txn *txn, const uint8_t client_id[16])
{
    MDB_val k = {16, (void *)client_id};
    int rc = mdb_del(txn, s->tombstones, &k, NULL);
    return rc == MDB_NOTFOUND ? 0 : rc;
}
