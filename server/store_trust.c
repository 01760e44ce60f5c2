/* store_trust.c - see store_trust.h. */
#include "store_trust.h"

#include <errno.h>
#include <string.h>

int store_trust_add(struct store *s, MDB_txn *txn, const Folio__TrustedFirm *firm)
{
    return store_put_message(txn, s->trusted_firms, firm->name, strlen(firm->name), &firm->base,
                             MDB_NOOVERWRITE);
}

int store_trust_get(struct store *s, MDB_txn *txn, const char *name, struct arena *arena,
                    Folio__TrustedFirm **out)
{
    size_t len = strlen(name);
    if (len == 0 || len > 511) /* LMDB's key limit; no such name is stored */
        return MDB_NOTFOUND;
    return store_get_message(txn, s->trusted_firms, name, len, &folio__trusted_firm__descriptor,
                             arena, (void **)out);
}

int store_trust_remove(struct store *s, MDB_txn *txn, const char *name)
{
    size_t len = strlen(name);
    if (len == 0 || len > 511)
        return MDB_NOTFOUND;
    MDB_val k = {.mv_size = len, .mv_data = (void *)name};
    return mdb_del(txn, s->trusted_firms, &k, NULL);
}

int store_trust_list(struct store *s, MDB_txn *txn, struct arena *arena, Folio__TrustedFirm ***out,
                     size_t *count)
{
    return store_list_messages(txn, s->trusted_firms, &folio__trusted_firm__descriptor,
                               STORE_TRUST_MAX, arena, (void ***)out, count);
}

int store_trust_find_key(struct store *s, MDB_txn *txn,
                         const uint8_t public_key[crypto_sign_PUBLICKEYBYTES], struct arena *arena,
                         Folio__TrustedFirm **out)
{
    Folio__TrustedFirm **firms;
    size_t n;
    int rc = store_trust_list(s, txn, arena, &firms, &n);
    if (rc != 0)
        return rc;
    for (size_t i = 0; i < n; i++) {
        if (firms[i]->public_key.len == crypto_sign_PUBLICKEYBYTES &&
            memcmp(firms[i]->public_key.data, public_key, crypto_sign_PUBLICKEYBYTES) == 0) {
            *out = firms[i];
            return 0;
        }
    }
    return MDB_NOTFOUND;
}
