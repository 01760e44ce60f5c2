/* session.h - sessions as the loop thread sees them: checking the session
 * bound to a connection on every request, and loading one from a token.
 *
 * A connection holds only the hash of its token (the store key). A request
 * re-reads the session and its user inside its read transaction whenever
 * any user or session changed since the connection's last check, so a
 * logout, a disabled account or a password reset ends every connection
 * using that session at its next request. */
#ifndef FOLIO_SESSION_H
#define FOLIO_SESSION_H

#include <lmdb.h>

#include "connection.h"
#include "request.h"
#include "store_session.h"

#define SESSION_TOKEN_HEX (STORE_SESSION_TOKEN_BYTES * 2)

/* Fills req->actor from the connection's session, or fails the request with
 * UNAUTHENTICATED. Returns 0 when the session is live. auth_generation is
 * store_auth_generation read before txn began: while it has not moved since
 * the connection's last check, no user or session changed, and the actor
 * found then is used without reading either again (unless it has expired). */
int session_check(struct request *req, MDB_txn *txn, uint64_t auth_generation);

/* Loads the session under key into req->actor; *user_out gets the user
 * record. Fails the request with UNAUTHENTICATED when it is gone, expired or
 * its user disabled. */
int session_load(struct request *req, MDB_txn *txn, const uint8_t key[STORE_SESSION_KEY_BYTES],
                 Folio__User **user_out);

/* 64 hex characters <-> 32 bytes. session_token_parse returns -1 on anything
 * else. */
int session_token_parse(const char *hex, uint8_t token[STORE_SESSION_TOKEN_BYTES]);
void session_token_format(const uint8_t token[STORE_SESSION_TOKEN_BYTES],
                          char hex[SESSION_TOKEN_HEX + 1]);

#endif
