/* store_meta.h - the firm record and other single values in the meta table. */
#ifndef FOLIO_STORE_META_H
#define FOLIO_STORE_META_H

#include "folio.pb-c.h"
#include "store.h"

/* MDB_NOTFOUND when the data directory holds no firm yet. */
int store_meta_firm_get(struct store *s, MDB_txn *txn, struct arena *arena, Folio__Firm **out);
int store_meta_firm_put(struct store *s, MDB_txn *txn, const Folio__Firm *firm);

/* The firm's calendar; MDB_NOTFOUND before store_rule_seed wrote it. */
int store_meta_calendar_get(struct store *s, MDB_txn *txn, struct arena *arena,
                            Folio__Calendar **out);
int store_meta_calendar_put(struct store *s, MDB_txn *txn, const Folio__Calendar *calendar);

#endif
