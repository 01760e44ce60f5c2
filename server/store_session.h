/* store_session.h - login sessions, keyed by a hash of the token.
 *
 * The token is 32 random bytes that only the client holds; the table keys on
 * its BLAKE2b-256 hash (store_session_key), so a copy of the data file gives
 * no usable session. sessions_by_user lets every session of a user be ended
 * at once (disable, password reset). */
#ifndef FOLIO_STORE_SESSION_H
#define FOLIO_STORE_SESSION_H

#include "folio.pb-c.h"
#include "store.h"

#define STORE_SESSION_TOKEN_BYTES 32
#define STORE_SESSION_KEY_BYTES   32

void store_session_key(uint8_t key[STORE_SESSION_KEY_BYTES],
                       const uint8_t token[STORE_SESSION_TOKEN_BYTES]);

int store_session_get(struct store *s, MDB_txn *txn, const uint8_t key[STORE_SESSION_KEY_BYTES],
                      struct arena *arena, Folio__Session **out);
int store_session_put(struct store *s, MDB_txn *txn, const uint8_t key[STORE_SESSION_KEY_BYTES],
                      const Folio__Session *session);
int store_session_delete(struct store *s, MDB_txn *txn, const uint8_t key[STORE_SESSION_KEY_BYTES]);
/* Ends every session of user_id; *ended (may be NULL) gets how many. */
int store_session_delete_user(struct store *s, MDB_txn *txn, uint64_t user_id, size_t *ended);
/* Removes the sessions of user_id that expired before now. */
int store_session_purge_expired(struct store *s, MDB_txn *txn, uint64_t user_id, int64_t now);

#endif
