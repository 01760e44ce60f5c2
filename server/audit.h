/* audit.h - writing the audit record of a change, in the transaction that
 * makes the change. The actor comes from the request; never pass a password
 * or a token in target or detail. */
#ifndef FOLIO_AUDIT_H
#define FOLIO_AUDIT_H

#include <lmdb.h>

#include "request.h"

/* Returns 0 or a store error (for the write stage to return). */
int audit_append(struct request *req, MDB_txn *txn, const char *action, const char *target,
                 const char *detail);

/* The same for a change to one client (client_id, its id as text): the
 * record is indexed under the client, and when the client is erased its
 * detail becomes kept (store_audit_scrub_client): kinds, statuses and ids
 * only, nothing the client told. */
int audit_append_client(struct request *req, MDB_txn *txn, const char *client_id,
                        const char *action, const char *target, const char *detail,
                        const char *kept);

/* The same for events with no session behind them (a failed login names the
 * user it tried; firm initialisation names the first admin). */
int audit_append_as(struct store *store, MDB_txn *txn, int64_t now, const char *actor,
                    uint64_t actor_office_id, const char *action, const char *target,
                    const char *detail);

#endif
