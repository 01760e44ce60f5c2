/* store_profile.h - agents' cards, keyed by user id. */
#ifndef FOLIO_STORE_PROFILE_H
#define FOLIO_STORE_PROFILE_H

#include <stdint.h>

#include "folio.pb-c.h"
#include "store.h"

/* MDB_NOTFOUND when the user has no card yet. */
int store_profile_get(struct store *s, MDB_txn *txn, uint64_t user_id, struct arena *arena,
                      Folio__AgentCard **out);
int store_profile_put(struct store *s, MDB_txn *txn, uint64_t user_id,
                      const Folio__AgentCard *card);

#endif
