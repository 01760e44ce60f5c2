/* store_partner.c - see store_partner.h. */
#include "store_partner.h"

#include <errno.h>

int store_partner_add(struct store *s, MDB_txn *txn, Folio__Partner *partner)
{
    int rc = store_next_id(txn, s->partners, &partner->id);
    if (rc != 0)
        return rc;
    uint8_t key[8];
    store_key_u64(key, partner->id);
    return store_put_message(txn, s->partners, key, sizeof(key), &partner->base, MDB_NOOVERWRITE);
}

int store_partner_get(struct store *s, MDB_txn *txn, uint64_t id, struct arena *arena,
                      Folio__Partner **out)
{
    uint8_t key[8];
    store_key_u64(key, id);
    return store_get_message(txn, s->partners, key, sizeof(key), &folio__partner__descriptor, arena,
                             (void **)out);
}

int store_partner_list(struct store *s, MDB_txn *txn, struct arena *arena, Folio__Partner ***out,
                       size_t *count)
{
    *out = NULL;
    *count = 0;
    MDB_stat st;
    int rc = mdb_stat(txn, s->partners, &st);
    if (rc != 0)
        return rc;
    /* The table never holds more than STORE_PARTNER_MAX, but a damaged one
     * must not make us allocate without bound. */
    size_t cap = st.ms_entries < STORE_PARTNER_MAX ? st.ms_entries : STORE_PARTNER_MAX;
    Folio__Partner **partners = arena_calloc(arena, cap > 0 ? cap : 1, sizeof(*partners));
    if (partners == NULL)
        return ENOMEM;
    MDB_cursor *cur;
    if ((rc = mdb_cursor_open(txn, s->partners, &cur)) != 0)
        return rc;
    MDB_val k, v;
    size_t n = 0;
    for (rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST); rc == 0 && n < cap;
         rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
        partners[n] = folio__partner__unpack(&arena->allocator, v.mv_size, v.mv_data);
        if (partners[n] == NULL) {
            rc = EINVAL;
            break;
        }
        n++;
    }
    mdb_cursor_close(cur);
    if (rc != 0 && rc != MDB_NOTFOUND)
        return rc;
    *out = partners;
    *count = n;
    return 0;
}
