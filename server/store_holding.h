/* store_holding.h - holdings, keyed by id, with an index per owner and per
 * client. store_holding_put is the one writer of the record and its
 * indexes, so they stay in step whatever changed (owner, client). */
#ifndef FOLIO_STORE_HOLDING_H
#define FOLIO_STORE_HOLDING_H

#include <stdbool.h>

#include "folio.pb-c.h"
#include "store.h"

/* Assigns holding->id when it is 0; replaces the record otherwise. The
 * reply-only client_name is not stored. */
int store_holding_put(struct store *s, MDB_txn *txn, Folio__Holding *holding);
int store_holding_get(struct store *s, MDB_txn *txn, uint64_t id, struct arena *arena,
                      Folio__Holding **out);
/* Calls fn for each of owner's holdings with id > after, in id order (or,
 * with client non-NULL, for that client's alone); fn returns 0 to go on, 1
 * to stop, or an error. The holding lives until fn returns. */
typedef int (*store_holding_fn)(void *ctx, const Folio__Holding *holding);
int store_holding_each(struct store *s, MDB_txn *txn, uint64_t owner_id, const uint8_t *client,
                       uint64_t after, store_holding_fn fn, void *ctx);
/* Whether client has an active holding of kind (a HOLDING_KINDS name): the
 * test of a rule's --unless-holds. 0 with *holds set, or an error. */
int store_holding_client_has(struct store *s, MDB_txn *txn, const uint8_t client[16],
                             const char *kind, bool *holds);
/* Every holding of client from: given to owner to_owner (reassignment,
 * release), to client to (merge; to_client NULL keeps the client), or
 * removed (erasure: store_holding_delete_client). */
int store_holding_move_client(struct store *s, MDB_txn *txn, const uint8_t from[16],
                              const char *to_client, uint64_t to_owner);
int store_holding_delete_client(struct store *s, MDB_txn *txn, const uint8_t client[16]);
/* Once per data directory: the agenda entries (renewal, lapse) of the
 * holdings stored before holdings were on the agenda. Called at serve
 * start and by foliod init (which only marks it done). */
int store_holding_agenda_seed(struct store *s, MDB_txn *txn);
/* Writes the agenda entries of client's holdings again, with the client id
 * their values hold since (store_agenda.h), for store_agenda_client_build. */
int store_holding_agenda_client(struct store *s, MDB_txn *txn, const uint8_t client[16]);

#endif
