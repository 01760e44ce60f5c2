/* store_reassign.c - see store_reassign.h. */
#include "store_reassign.h"

#include <errno.h>

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

int store_reassign_list(struct store *s, MDB_txn *txn, uint64_t before, size_t limit,
                        bool (*keep)(void *ctx, const Folio__Reassignment *r), void *ctx,
                        struct arena *arena, Folio__Reassignment ***out, size_t *count,
                        uint64_t *next)
{
    *out = NULL;
    *count = 0;
    *next = 0;
    if (limit == 0)
        return EINVAL;
    Folio__Reassignment **records = arena_calloc(arena, limit, sizeof(*records));
    if (records == NULL)
        return ENOMEM;
    MDB_cursor *cur;
    int rc = mdb_cursor_open(txn, s->reassignments, &cur);
    if (rc != 0)
        return rc;
    MDB_val k, v;
    uint8_t key[8];
    if (before == 0) {
        rc = mdb_cursor_get(cur, &k, &v, MDB_LAST);
    } else {
        store_key_u64(key, before);
        k.mv_size = sizeof(key);
        k.mv_data = key;
        rc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE);
        if (rc == 0)
            rc = mdb_cursor_get(cur, &k, &v, MDB_PREV);
        else if (rc == MDB_NOTFOUND)
            rc = mdb_cursor_get(cur, &k, &v, MDB_LAST);
    }
    size_t n = 0, scanned = 0;
    uint64_t last_seen = 0, last_kept = 0;
    for (; rc == 0; rc = mdb_cursor_get(cur, &k, &v, MDB_PREV)) {
        if (k.mv_size != 8) {
            rc = EINVAL;
            break;
        }
        uint64_t id = store_u64_from_key(k.mv_data);
        if (scanned == STORE_REASSIGN_SCAN_MAX) {
            *next = last_seen;
            break;
        }
        scanned++;
        /* Looked at with the default allocator: only records kept are
         * copied into the caller's arena. */
        Folio__Reassignment *r = folio__reassignment__unpack(NULL, v.mv_size, v.mv_data);
        if (r == NULL) {
            rc = EINVAL;
            break;
        }
        bool kept = keep == NULL || keep(ctx, r);
        folio__reassignment__free_unpacked(r, NULL);
        if (kept) {
            if (n == limit) {
                /* One more exists: this page is not the last. */
                *next = last_kept;
                break;
            }
            records[n] = folio__reassignment__unpack(&arena->allocator, v.mv_size, v.mv_data);
            if (records[n] == NULL) {
                rc = ENOMEM;
                break;
            }
            n++;
            last_kept = id;
        }
        last_seen = id;
    }
    mdb_cursor_close(cur);
    if (rc != 0 && rc != MDB_NOTFOUND)
        return rc;
    *out = records;
    *count = n;
    return 0;
}
