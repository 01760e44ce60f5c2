/* store_agenda_state.h - the agent's marks on agenda items: done, snoozed,
 * dismissed.
 *
 * One table, agenda_states, keyed by a subject (16 bytes) and the item's id
 * (u64 BE) -> AgendaState. The subject of an item about a client is the
 * client's id, so a mark goes wherever the client goes (reassignment and its
 * undo, release, bundles) without being rewritten; the subject of an item
 * about no client (a holiday, an alert) is the agent's own: 8 zero bytes and
 * the owner id (u64 BE), which no client id can be (client ids are UUIDs of
 * version 4, whose seventh byte is never zero).
 *
 * A snoozed mark also has a SNOOZED entry in the agenda index
 * (store_agenda.h) under the client's owner and the day it comes back, so a
 * horizon finds what comes back in it without reading every mark; the
 * functions below keep that entry in step in the caller's transaction.
 * store_portfolio_move calls store_agenda_state_move, and client erasure
 * store_agenda_state_delete_client. */
#ifndef FOLIO_STORE_AGENDA_STATE_H
#define FOLIO_STORE_AGENDA_STATE_H

#include <stdbool.h>
#include <stdint.h>

#include "arena.h"
#include "folio.pb-c.h"
#include "store.h"

#define STORE_AGENDA_SUBJECT_BYTES 16

/* The subject of the agent's own items. */
void store_agenda_state_agent_subject(uint64_t owner_id, uint8_t out[STORE_AGENDA_SUBJECT_BYTES]);

/* The mark, unpacked into arena; MDB_NOTFOUND when the item has none. */
int store_agenda_state_get(struct store *s, MDB_txn *txn,
                           const uint8_t subject[STORE_AGENDA_SUBJECT_BYTES], uint64_t item_id,
                           struct arena *arena, Folio__AgendaState **out);
/* Stores the mark of owner_id's item (replacing any), with its SNOOZED
 * entry when it is snoozed (state->until is its day). */
int store_agenda_state_put(struct store *s, MDB_txn *txn,
                           const uint8_t subject[STORE_AGENDA_SUBJECT_BYTES], uint64_t owner_id,
                           uint64_t item_id, const Folio__AgendaState *state);
/* Removes the mark and its SNOOZED entry; 0 also when there was none. */
int store_agenda_state_delete(struct store *s, MDB_txn *txn,
                              const uint8_t subject[STORE_AGENDA_SUBJECT_BYTES], uint64_t owner_id,
                              uint64_t item_id);

/* Calls fn for each of the subject's marks, in item id order, each
 * unpacked into a scratch arena freed after the call. fn returns 0 to go on;
 * anything else stops the walk and is returned. */
typedef int (*store_agenda_state_fn)(void *ctx, uint64_t item_id, Folio__AgendaState *state);
int store_agenda_state_each(struct store *s, MDB_txn *txn,
                            const uint8_t subject[STORE_AGENDA_SUBJECT_BYTES],
                            store_agenda_state_fn fn, void *ctx);

/* The client went from one owner to another: its SNOOZED entries follow. */
int store_agenda_state_move(struct store *s, MDB_txn *txn, const uint8_t client_id[16],
                            uint64_t from, uint64_t to);
/* The client is erased: its marks and their entries go. */
int store_agenda_state_delete_client(struct store *s, MDB_txn *txn, const uint8_t client_id[16],
                                     uint64_t owner_id);

#endif
