/* store_office.h - offices and their name index. Office names are unique as
 * given (case-sensitive, compared byte for byte). */
#ifndef FOLIO_STORE_OFFICE_H
#define FOLIO_STORE_OFFICE_H

#include "folio.pb-c.h"
#include "store.h"

int store_office_get(struct store *s, MDB_txn *txn, uint64_t id, struct arena *arena,
                     Folio__Office **out);
int store_office_find(struct store *s, MDB_txn *txn, const char *name, struct arena *arena,
                      Folio__Office **out);
/* Inserts a new office (assigns office->id); MDB_KEYEXIST when the name is taken. */
int store_office_add(struct store *s, MDB_txn *txn, Folio__Office *office);
/* Renames office (as stored) to name; MDB_KEYEXIST when the name is taken.
 * office->name is name afterwards. */
int store_office_rename(struct store *s, MDB_txn *txn, Folio__Office *office, const char *name);
/* Removes office and its name; the caller checks that no user belongs to it. */
int store_office_remove(struct store *s, MDB_txn *txn, const Folio__Office *office);
/* All offices in name order, at most limit. */
int store_office_list(struct store *s, MDB_txn *txn, size_t limit, struct arena *arena,
                      Folio__Office ***out, size_t *count);

#endif
