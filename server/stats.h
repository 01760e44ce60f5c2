/* stats.h - the server's own figures, for `folio admin stats` (StatsGet).
 *
 * Two kinds of counters, so that counting never takes a lock:
 *   - struct stats lives in struct server and is touched by the loop thread
 *     only: connections accepted, requests by op, and a ring of one-second
 *     buckets for the recent rate of each op;
 *   - the commit counters live in struct writer (writer.h), written by the
 *     writer thread only, as relaxed atomics, so the loop thread may read
 *     them at any time. Each is exact; a snapshot of several may straddle
 *     one batch, which is fine for figures meant for people.
 * stats_snapshot puts both, and what the store and the hasher know, into a
 * Stats reply.
 */
#ifndef FOLIO_STATS_H
#define FOLIO_STATS_H

#include <stdint.h>

#include "folio.pb-c.h"

struct server;
struct arena;

/* Ops are counted by their Request field number, which stays below this. */
#define STATS_OP_SLOTS 160
/* The window of the per-op rate, in one-second buckets. */
#define STATS_WINDOW_S 10

struct stats {
    uint64_t started_ms; /* uv_now when serving began */
    uint64_t connections_accepted;
    uint64_t requests_total;
    uint64_t requests[STATS_OP_SLOTS]; /* by Folio__Request__OpCase; 0: unknown */
    /* Requests in each of the last seconds: bucket b holds the second
     * window_second[b] (uv_now / 1000), so a bucket is reused, and cleared,
     * once a second at most. */
    uint64_t window_second[STATS_WINDOW_S];
    uint32_t window[STATS_WINDOW_S][STATS_OP_SLOTS];
};

/* Loop thread. now_ms: uv_now of the server's loop. stats_request counts a
 * request as it starts; op is 0 for one that names no op this server knows. */
void stats_init(struct stats *st, uint64_t now_ms);
void stats_request(struct stats *st, Folio__Request__OpCase op, uint64_t now_ms);

/* Loop thread: fills out (allocated from arena) with every figure. Returns 0,
 * ENOMEM, or an LMDB/errno code from reading the store's figures. */
int stats_snapshot(struct server *s, struct arena *arena, Folio__Stats **out);

#endif
