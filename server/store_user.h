/* store_user.h - users, their name index and their credentials.
 *
 * User names are stored lower-case; callers normalise before lookups
 * (store_user_find does it too). store_user_put keeps users_by_name in step
 * and refuses a name taken by another id with MDB_KEYEXIST. */
#ifndef FOLIO_STORE_USER_H
#define FOLIO_STORE_USER_H

#include <stdbool.h>

#include "folio.pb-c.h"
#include "store.h"

int store_user_get(struct store *s, MDB_txn *txn, uint64_t id, struct arena *arena,
                   Folio__User **out);
int store_user_find(struct store *s, MDB_txn *txn, const char *name, struct arena *arena,
                    Folio__User **out);
/* Insert when user->id is 0 (assigns the next id), update otherwise. */
int store_user_put(struct store *s, MDB_txn *txn, Folio__User *user);

/* Users in name order after `after` (NULL or "" for the start), at most limit,
 * only of office_id when it is non-zero. *next is set to the last name
 * returned when more follow, else NULL. */
int store_user_list(struct store *s, MDB_txn *txn, const char *after, uint64_t office_id,
                    size_t limit, struct arena *arena, Folio__User ***out, size_t *count,
                    char **next);

/* Number of enabled firm-admins, to refuse disabling the last one. */
int store_user_count_active_firm_admins(struct store *s, MDB_txn *txn, size_t *count);

int store_credential_get(struct store *s, MDB_txn *txn, uint64_t user_id, struct arena *arena,
                         Folio__Credential **out);
int store_credential_put(struct store *s, MDB_txn *txn, uint64_t user_id,
                         const Folio__Credential *cred);

#endif
