/* store_trust.h - the firms whose bundles this firm accepts, keyed by name
 * (the name as given to TrustAdd, byte for byte). */
#ifndef FOLIO_STORE_TRUST_H
#define FOLIO_STORE_TRUST_H

#include <sodium.h>

#include "folio.pb-c.h"
#include "store.h"

#define STORE_TRUST_MAX 1000

/* MDB_KEYEXIST when a firm of that name is already trusted. */
int store_trust_add(struct store *s, MDB_txn *txn, const Folio__TrustedFirm *firm);
/* MDB_NOTFOUND when no firm of that name is trusted. */
int store_trust_get(struct store *s, MDB_txn *txn, const char *name, struct arena *arena,
                    Folio__TrustedFirm **out);
int store_trust_remove(struct store *s, MDB_txn *txn, const char *name);
/* Every trusted firm in name order, at most STORE_TRUST_MAX. */
int store_trust_list(struct store *s, MDB_txn *txn, struct arena *arena, Folio__TrustedFirm ***out,
                     size_t *count);
/* The trusted firm with this public key: what vouches for a bundle's signer.
 * MDB_NOTFOUND when none. */
int store_trust_find_key(struct store *s, MDB_txn *txn,
                         const uint8_t public_key[crypto_sign_PUBLICKEYBYTES], struct arena *arena,
                         Folio__TrustedFirm **out);

#endif
