/* store_task.h - the agents' own tasks, keyed by id, with an index per
 * client (tasks_by_client) and a TASK entry in the agenda index under the
 * owner and the due day (store_agenda.h), which is also how an agent's
 * tasks are listed. store_task_put keeps both in step: it reads the stored
 * task first and drops its entries. */
#ifndef FOLIO_STORE_TASK_H
#define FOLIO_STORE_TASK_H

#include <stdint.h>

#include "arena.h"
#include "folio.pb-c.h"
#include "store.h"

/* Assigns task->id when it is 0; replaces the record otherwise. */
int store_task_put(struct store *s, MDB_txn *txn, Folio__Task *task);
/* MDB_NOTFOUND when there is none. */
int store_task_get(struct store *s, MDB_txn *txn, uint64_t id, struct arena *arena,
                   Folio__Task **out);
/* Removes the task and its entries; MDB_NOTFOUND when there is none. */
int store_task_delete(struct store *s, MDB_txn *txn, uint64_t id);
/* The client went to another owner (store_portfolio_move): so do its tasks. */
int store_task_move_client(struct store *s, MDB_txn *txn, const uint8_t client_id[16],
                           uint64_t to_owner_id);
/* Two clients merged: the tasks about from are about to_client_id now. */
int store_task_rehome_client(struct store *s, MDB_txn *txn, const uint8_t from[16],
                             const char *to_client_id);
/* Calls fn for each task about the client, in id order, each unpacked
 * alone and living until fn returns: a reader whose cost is the client's
 * tasks (tasks_by_client), not the agent's. fn returns 0 to go on, or
 * anything else, which stops the walk and is returned. */
typedef int (*store_task_fn)(void *ctx, const Folio__Task *task);
int store_task_each_client(struct store *s, MDB_txn *txn, const uint8_t client_id[16],
                           store_task_fn fn, void *ctx);
/* The client is erased: its tasks go. */
int store_task_delete_client(struct store *s, MDB_txn *txn, const uint8_t client_id[16]);

#endif
