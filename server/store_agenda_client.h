/* store_agenda_client.h - the agenda entries a client record stands behind
 * beside its birthday: when it is due a contact (the STAY_* kinds) and the
 * places it lives in (AREA), so that the agenda finds stay-in-touch items
 * and counts an alert's clients from the index alone (store_agenda.h).
 *
 * store_client_put and store_client_delete call store_agenda_client_update
 * in the transaction of every change to a client record, so every event
 * that moves a client's last contact, interval, owner, name or place (a
 * contact on the timeline, an add, import, merge, reassignment, release or
 * restore, a bundle, an erasure) keeps the entries in step. Released
 * clients (owner 0) have none. */
#ifndef FOLIO_STORE_AGENDA_CLIENT_H
#define FOLIO_STORE_AGENDA_CLIENT_H

#include <stdbool.h>
#include <stdint.h>

#include "folio.pb-c.h"
#include "store.h"

/* Replaces the entries of client id as old (NULL: none) by those of new
 * (NULL: none); touches nothing that did not change. */
int store_agenda_client_update(struct store *s, MDB_txn *txn, const uint8_t id[16],
                               const Folio__Client *old, const Folio__Client *new);

/* Writes the entries of the clients of a data directory made before them
 * (and those of their holdings again, whose values hold the client id
 * since), one batch per call: *done once every client has them (at once when that
 * was done before). Commit after each call, and call again until done. */
int store_agenda_client_build(struct store *s, MDB_txn *txn, bool *done);

/* The day a client never contacted is first due, on an interval of
 * interval days (> 0) counted from added, the day it was added: some day
 * within an interval of it, the same day for the same client (its id
 * decides), so that a portfolio imported in one day does not all fall due
 * on one day. */
int64_t store_agenda_stay_first_due(int64_t added, uint32_t interval, const uint8_t id[16]);

/* The day of unix time t (UTC), as calendar.h counts days. */
int64_t store_agenda_day_of_time(int64_t t);

#endif
