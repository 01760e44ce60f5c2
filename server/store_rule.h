/* store_rule.h - the firm's rules, keyed by id. A firm holds at most
 * RULE_COUNT_MAX of them (rule.h), so listing all is cheap. */
#ifndef FOLIO_STORE_RULE_H
#define FOLIO_STORE_RULE_H

#include "folio.pb-c.h"
#include "store.h"

/* Assigns rule->id. */
int store_rule_add(struct store *s, MDB_txn *txn, Folio__Rule *rule);
/* MDB_NOTFOUND when there is no such rule. */
int store_rule_get(struct store *s, MDB_txn *txn, uint64_t id, struct arena *arena,
                   Folio__Rule **out);
/* Replaces the rule stored under rule->id. */
int store_rule_put(struct store *s, MDB_txn *txn, const Folio__Rule *rule);
/* MDB_NOTFOUND when there is no such rule. */
int store_rule_remove(struct store *s, MDB_txn *txn, uint64_t id);
/* Every rule, in id order. */
int store_rule_list(struct store *s, MDB_txn *txn, struct arena *arena, Folio__Rule ***out,
                    size_t *count);
/* How many rules the firm holds, without reading them. */
int store_rule_count(struct store *s, MDB_txn *txn, size_t *count);

/* Once per data directory: stores rule_defaults() and the default calendar,
 * and notes in meta that it did, so a firm that removed them does not get
 * them back. Called by foliod init and, for data directories made before
 * rules existed, at serve start. */
int store_rule_seed(struct store *s, MDB_txn *txn, int64_t now);

#endif
