/* store_alert.h - regional alerts, keyed by id (newest last). */
#ifndef FOLIO_STORE_ALERT_H
#define FOLIO_STORE_ALERT_H

#include "folio.pb-c.h"
#include "store.h"

/* Assigns alert->id when it is 0; replaces the record otherwise. */
int store_alert_put(struct store *s, MDB_txn *txn, Folio__Alert *alert);
int store_alert_get(struct store *s, MDB_txn *txn, uint64_t id, struct arena *arena,
                    Folio__Alert **out);
/* The alerts in force on some day of [from, to] (YYYY-MM-DD; not ended
 * before from), newest first, at most STORE_ALERT_ACTIVE_MAX. */
#define STORE_ALERT_ACTIVE_MAX 1000
int store_alert_active(struct store *s, MDB_txn *txn, const char *from, const char *to,
                       struct arena *arena, Folio__Alert ***out, size_t *count);
/* Newest first, at most limit: every alert, ended or not. */
int store_alert_list(struct store *s, MDB_txn *txn, size_t limit, struct arena *arena,
                     Folio__Alert ***out, size_t *count);

#endif
