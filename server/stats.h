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

#include <stdbool.h>
#include <stdint.h>

#include "folio.pb-c.h"

struct server;
struct arena;

/* Ops are counted by their Request field number, which stays below this. */
#define STATS_OP_SLOTS 160
/* The window of the per-op rate, in one-second buckets. */
#define STATS_WINDOW_S 10
/* Requests are counted by status too: Folio__Code runs from 0 to 16. */
#define STATS_CODES 17
/* The latency histogram's buckets, by their upper bounds in microseconds
 * (stats_latency_bounds_us); one more counts what is above them all. */
#define STATS_LATENCY_BUCKETS 14
/* The writer's batch sizes, as writer.h buckets them: 1, 2-7, 8-31, 32 up. */
#define STATS_BATCH_BUCKETS 4

extern const uint64_t stats_latency_bounds_us[STATS_LATENCY_BUCKETS];

struct stats {
    uint64_t started_ms; /* uv_now when serving began */
    uint64_t connections_accepted;
    uint64_t tls_handshakes, tls_handshake_failures; /* counted by connection.c */
    uint64_t requests_total;
    uint64_t requests[STATS_OP_SLOTS]; /* by Folio__Request__OpCase; 0: unknown */
    /* Requests in each of the last seconds: bucket b holds the second
     * window_second[b] (uv_now / 1000), so a bucket is reused, and cleared,
     * once a second at most. */
    uint64_t window_second[STATS_WINDOW_S];
    uint32_t window[STATS_WINDOW_S][STATS_OP_SLOTS];
    /* Requests answered, by op and status; their time from arrival to
     * answer (each in its bucket only, not cumulative); their bytes. */
    uint64_t answered[STATS_OP_SLOTS][STATS_CODES];
    uint64_t latency[STATS_LATENCY_BUCKETS + 1];
    uint64_t latency_sum_us;
    uint64_t bytes_in, bytes_out;
};

/* The figures at one moment, copied out by the loop thread for another
 * (the metrics endpoint, metrics.h): plain values, no pointers. */
struct stats_published {
    uint64_t answered[STATS_OP_SLOTS][STATS_CODES];
    uint64_t latency[STATS_LATENCY_BUCKETS + 1];
    uint64_t latency_sum_us;
    uint64_t bytes_in, bytes_out;
    uint64_t connections_open, connections_accepted;
    uint64_t tls_handshakes, tls_handshake_failures;
    uint64_t commit_batches, committed_writes;
    uint64_t batch_sizes[STATS_BATCH_BUCKETS];
    uint64_t hashes_running, hashes_queued;
    uint64_t map_bytes, used_bytes; /* 0 when the store could not say */
    bool serving;                   /* listening and not draining */
    /* E-mail (mail_sender.h): messages queued now, and settled or
     * deferred since start. */
    uint64_t mail_queued, mail_delivered, mail_failed, mail_cancelled, mail_deferred;
};

/* Loop thread. now_ms: uv_now of the server's loop. stats_request counts a
 * request as it starts; op is 0 for one that names no op this server knows. */
void stats_init(struct stats *st, uint64_t now_ms);
void stats_request(struct stats *st, Folio__Request__OpCase op, uint64_t now_ms);
/* Loop thread: counts a request answered with code after latency_us, with
 * the bytes of its request and of its answer. */
void stats_request_end(struct stats *st, Folio__Request__OpCase op, Folio__Code code,
                       uint64_t latency_us, uint64_t bytes_in, uint64_t bytes_out);

/* Loop thread: copies every figure into out, without blocking. */
void stats_publish(struct server *s, struct stats_published *out);

/* Loop thread: fills out (allocated from arena) with every figure. Returns 0,
 * ENOMEM, or an LMDB/errno code from reading the store's figures. */
int stats_snapshot(struct server *s, struct arena *arena, Folio__Stats **out);

#endif
