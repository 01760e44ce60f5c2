/* store_search.h - the index behind `client find`.
 *
 * One table, client_search, keyed by owner id (u64 BE) + kind byte + token
 * + client id (16 bytes), its value the client's name; tokens and kinds
 * are client_search.h's. Besides the tokens, each client has one entry of
 * kind CLIENT_SEARCH_SORT: owner + kind + its name's sort key
 * (client_search_sort_key) + a 0 byte + client id, so that an owner's
 * clients in name order are one key range too (a shorter key that starts
 * a longer one comes first, as the 0 byte is below any byte of text). Every token of one owner that
 * starts with a given prefix is one contiguous key range, so a search costs what it finds, not what
 * the portfolio holds. Released clients (owner 0) are not indexed: nobody may find them until they
 * are restored.
 *
 * store_client.c keeps the index in step, in the transaction of every put
 * and delete of a client (adds, updates, erasures, reassignments, imports,
 * releases and restores all go through it). A data directory from before
 * the index is indexed once when the server starts (store_search_build). */
#ifndef FOLIO_STORE_SEARCH_H
#define FOLIO_STORE_SEARCH_H

#include <stdbool.h>
#include <stdint.h>

#include "client_search.h"
#include "folio.pb-c.h"
#include "store.h"

#define STORE_SEARCH_ALL_OWNERS 0 /* store_search_walk: every owner's clients */

/* Replaces the entries of client id as old (NULL: none) by those of new
 * (NULL: none). Touches nothing when owner, name, phones and e-mails are
 * unchanged. */
int store_search_update(struct store *s, MDB_txn *txn, const uint8_t id[16],
                        const Folio__Client *old, const Folio__Client *new);

/* Calls fn for each entry of owner (or of every owner) of kind whose token
 * starts with prefix[0, len), in key order: owner, token, client id. A
 * client appears once per matching token. fn returns 0 to go on, or
 * anything else to stop the walk, which then returns it. */
typedef int (*store_search_fn)(void *ctx, uint64_t owner_id, const uint8_t id[16], const char *name,
                               size_t name_len);
int store_search_walk(struct store *s, MDB_txn *txn, uint64_t owner_id,
                      enum client_search_kind kind, const char *prefix, size_t len,
                      store_search_fn fn, void *ctx);

/* Calls fn for owner's clients in name order (sort key, then id), each
 * once, from the first after the entry (after_key, after_id), or from the
 * first when after_id is NULL; backwards, from the last before it (or the
 * last), when reverse. fn returns 0 to go on, anything else to stop the
 * walk, which then returns it. A page costs what it shows, not what the
 * portfolio holds. */
typedef int (*store_search_sorted_fn)(void *ctx, const uint8_t id[16], const char *key,
                                      size_t key_len);
int store_search_sorted(struct store *s, MDB_txn *txn, uint64_t owner_id, const char *after_key,
                        size_t after_len, const uint8_t *after_id, bool reverse,
                        store_search_sorted_fn fn, void *ctx);

/* Indexes the clients of a data directory made before the index (or
 * before its sort entries: such a directory is indexed once more), one
 * batch per call: *done once every client is indexed (at once when that
 * was done before). Commit after each call, and call again until done. */
#define STORE_SEARCH_BUILT_KEY "search_index_built_sorted" /* in meta, once built */
int store_search_build(struct store *s, MDB_txn *txn, bool *done);

#endif
