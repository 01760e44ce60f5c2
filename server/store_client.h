/* store_client.h - client records, each agent's portfolio index, and
 * client timelines.
 *
 * clients keys on the 16 bytes of the client's UUID. clients_by_owner keys
 * on owner id + client id, so one agent's portfolio is one contiguous key
 * range: listing and segmenting cost what that agent's portfolio costs, not
 * what the whole database costs. Its values are the clients' summaries, so
 * agenda and segment walks read that range alone. timeline keys on client id + seq, so a
 * client's events are contiguous too and go with it on erasure. */
#ifndef FOLIO_STORE_CLIENT_H
#define FOLIO_STORE_CLIENT_H

#include <stdbool.h>

#include "folio.pb-c.h"
#include "store.h"

struct client_summary;

#define STORE_CLIENT_ID_BYTES 16

/* arena NULL unpacks with the default allocator (store_get_message). */
int store_client_get(struct store *s, MDB_txn *txn, const uint8_t id[STORE_CLIENT_ID_BYTES],
                     struct arena *arena, Folio__Client **out);

/* The record under id as stored (a packed Client), valid until the
 * transaction ends. MDB_NOTFOUND when absent. */
int store_client_get_packed(struct store *s, MDB_txn *txn, const uint8_t id[STORE_CLIENT_ID_BYTES],
                            MDB_val *out);

/* Inserts or replaces the record under id and keeps clients_by_owner in
 * step (moving the index entry when owner_id changed). */
int store_client_put(struct store *s, MDB_txn *txn, const uint8_t id[STORE_CLIENT_ID_BYTES],
                     const Folio__Client *client);

/* Removes the record, its index entry and its whole timeline. MDB_NOTFOUND
 * when there is no such client. */
int store_client_delete(struct store *s, MDB_txn *txn, const uint8_t id[STORE_CLIENT_ID_BYTES]);

/* One page of owner's clients in id order, after `after` (NULL: from the
 * start), at most limit (clamped to 1000). *more is set when more follow. */
int store_client_list(struct store *s, MDB_txn *txn, uint64_t owner_id, const uint8_t *after,
                      size_t limit, struct arena *arena, Folio__Client ***out, size_t *count,
                      bool *more);

/* Calls fn for each of owner's clients in id order, starting after `after`
 * (NULL: from the start). The client is unpacked into a scratch arena that
 * is reset after each call: fn must copy what it keeps. fn returns 0 to go
 * on, 1 to stop early (store_client_each then returns 0), or an error. */
typedef int (*store_client_fn)(void *ctx, const uint8_t id[STORE_CLIENT_ID_BYTES],
                               const Folio__Client *client);
int store_client_each(struct store *s, MDB_txn *txn, uint64_t owner_id, const uint8_t *after,
                      store_client_fn fn, void *ctx);

/* Calls fn with the summary (client_summary.h) of each of owner's clients in
 * id order, without unpacking any record: the view is valid during the call
 * only. fn returns 0 to go on, 1 to stop early, or an error. */
typedef int (*store_client_summary_fn)(void *ctx, const uint8_t id[STORE_CLIENT_ID_BYTES],
                                       const struct client_summary *summary);
int store_client_summaries(struct store *s, MDB_txn *txn, uint64_t owner_id,
                           store_client_summary_fn fn, void *ctx);

/* How many clients owner keeps, into *count: one walk of its index range. */
int store_client_count(struct store *s, MDB_txn *txn, uint64_t owner_id, uint64_t *count);

/* The summary of owner's client id, valid as long as both the transaction
 * and the arena. MDB_NOTFOUND when owner has no such client. */
int store_client_summary_get(struct store *s, MDB_txn *txn, uint64_t owner_id,
                             const uint8_t id[STORE_CLIENT_ID_BYTES], struct arena *arena,
                             struct client_summary *out);

/* The clients whose id starts with the first nibbles (8 to 31) hex digits
 * of prefix (client_id.h), in id order: those of owner_id, or with
 * STORE_CLIENT_ANY_OWNER every client there is. Up to max ids go into ids,
 * *count says how many matched, counting one past max at most (so max + 1
 * means "more than max"). A seek and a walk over the matches alone: it
 * costs what it finds. */
#define STORE_CLIENT_ANY_OWNER UINT64_MAX
int store_client_prefix(struct store *s, MDB_txn *txn, uint64_t owner_id, const uint8_t prefix[16],
                        size_t nibbles, uint8_t (*ids)[STORE_CLIENT_ID_BYTES], size_t max,
                        size_t *count);
/* The seq the client's next appended event will get. */
int store_timeline_next_seq(struct store *s, MDB_txn *txn, const uint8_t id[STORE_CLIENT_ID_BYTES],
                            uint64_t *next);

/* Appends ev to the client's timeline, assigning ev->seq. */
int store_timeline_append(struct store *s, MDB_txn *txn, const uint8_t id[STORE_CLIENT_ID_BYTES],
                          Folio__TimelineEvent *ev);

/* Puts ev as the client's event number seq (and sets ev->seq), for a caller
 * that knows where the timeline ends, such as an import filling a new
 * client's timeline in order. MDB_KEYEXIST when that number is taken. */
int store_timeline_put(struct store *s, MDB_txn *txn, const uint8_t id[STORE_CLIENT_ID_BYTES],
                       uint64_t seq, Folio__TimelineEvent *ev);

/* The client's event number seq, unpacked into arena. MDB_NOTFOUND when
 * there is none. */
int store_timeline_get(struct store *s, MDB_txn *txn, const uint8_t id[STORE_CLIENT_ID_BYTES],
                       uint64_t seq, struct arena *arena, Folio__TimelineEvent **out);

/* Rewrites the client's event number ev->seq (a correction); MDB_NOTFOUND
 * when there is none. The caller keeps the agenda entries in step. */
int store_timeline_replace(struct store *s, MDB_txn *txn, const uint8_t id[STORE_CLIENT_ID_BYTES],
                           const Folio__TimelineEvent *ev);

/* Removes the client's event number seq (a withdrawal); MDB_NOTFOUND when
 * there is none. The caller keeps the agenda entries in step. */
int store_timeline_delete(struct store *s, MDB_txn *txn, const uint8_t id[STORE_CLIENT_ID_BYTES],
                          uint64_t seq);

/* Removes every entry of the client's timeline with the agenda entries
 * they stand behind (owner_id: the client's owner, whose agenda holds
 * them). */
int store_timeline_clear(struct store *s, MDB_txn *txn, const uint8_t id[STORE_CLIENT_ID_BYTES],
                         uint64_t owner_id);

/* The client's whole timeline, oldest first, unpacked into arena (whose cap
 * bounds it: ENOMEM when it does not fit), for a replay. */
int store_timeline_all(struct store *s, MDB_txn *txn, const uint8_t id[STORE_CLIENT_ID_BYTES],
                       struct arena *arena, Folio__TimelineEvent ***out, size_t *count);

/* Calls fn for each event of the client's timeline, oldest first, for walks
 * that only count (the report): each event is unpacked alone and lives
 * until fn returns. fn returns 0 to go on, or an error, which is returned. */
typedef int (*store_timeline_fn)(void *ctx, const Folio__TimelineEvent *event);
int store_timeline_each(struct store *s, MDB_txn *txn, const uint8_t id[STORE_CLIENT_ID_BYTES],
                        store_timeline_fn fn, void *ctx);

/* Newest first, seq < before (0: from the newest), at most limit (clamped to
 * 1000). *next is the seq to pass as before for the next page, or 0. */
int store_timeline_list(struct store *s, MDB_txn *txn, const uint8_t id[STORE_CLIENT_ID_BYTES],
                        uint64_t before, size_t limit, struct arena *arena,
                        Folio__TimelineEvent ***out, size_t *count, uint64_t *next);

/* A walk over every client record for an index added after data
 * directories existed, one batch per call, that remembers in meta where it
 * got to (next_key) and, at the end, that it is done (built_key): *done
 * once every client was visited (at once when that was done before), so a
 * build cut short (a full map, a stop) goes on from there. visit gets each
 * record, unpacked for the call only. Commit after each call, and call
 * again until done. */
struct store_client_build {
    const char *built_key;
    const char *next_key;
    size_t batch;
    int (*visit)(struct store *s, MDB_txn *txn, const uint8_t id[STORE_CLIENT_ID_BYTES],
                 const Folio__Client *client);
};
int store_client_build(struct store *s, MDB_txn *txn, const struct store_client_build *build,
                       bool *done);

#endif
