/* stats.c - see stats.h. */
#include "stats.h"

#include <errno.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/stat.h>

#include "op.h"
#include "server.h"
#include "store_outbox.h"

/* Every op's Request field number must fit the counters. */

const uint64_t stats_latency_bounds_us[STATS_LATENCY_BUCKETS] = {
    100, 250, 500, 1000, 2500, 5000, 10000, 25000, 50000, 100000, 250000, 500000, 1000000, 5000000,
};

_Static_assert(STATS_BATCH_BUCKETS == WRITER_BATCH_BUCKETS, "the writer's batch buckets");

void stats_init(struct stats *st, uint64_t now_ms)
{
    memset(st, 0, sizeof(*st));
    st->started_ms = now_ms;
    /* No bucket holds a second yet: none is within any window. */
    for (size_t b = 0; b < STATS_WINDOW_S; b++)
        st->window_second[b] = UINT64_MAX;
}

void stats_request(struct stats *st, Folio__Request__OpCase op, uint64_t now_ms)
{
    size_t slot = op > 0 && (size_t)op < STATS_OP_SLOTS ? (size_t)op : 0;
    uint64_t second = now_ms / 1000;
    size_t b = (size_t)(second % STATS_WINDOW_S);
    if (st->window_second[b] != second) {
        st->window_second[b] = second;
        memset(st->window[b], 0, sizeof(st->window[b]));
    }
    st->requests_total++;
    st->requests[slot]++;
    st->window[b][slot]++;
}

/* Requests of op per second over the window, or since start when the server
 * is younger. The first second counts as a whole one, so that a few requests
 * just after start do not read as a huge rate. */
static double stats_rate(const struct stats *st, size_t slot, uint64_t now_ms)
{
    uint64_t second = now_ms / 1000;
    uint64_t count = 0;
    for (size_t b = 0; b < STATS_WINDOW_S; b++)
        if (st->window_second[b] <= second && second - st->window_second[b] < STATS_WINDOW_S)
            count += st->window[b][slot];
    uint64_t from = second + 1 >= STATS_WINDOW_S ? (second + 1 - STATS_WINDOW_S) * 1000 : 0;
    if (from < st->started_ms)
        from = st->started_ms;
    uint64_t span_ms = now_ms > from ? now_ms - from : 0;
    if (span_ms < 1000)
        span_ms = 1000;
    return (double)count * 1000.0 / (double)span_ms;
}

static int stats_requests(const struct stats *st, uint64_t now_ms, struct arena *arena,
                          Folio__Stats *out)
{
    size_t n = 0;
    for (size_t slot = 0; slot < STATS_OP_SLOTS; slot++)
        n += st->requests[slot] > 0;
    if (n == 0)
        return 0;
    out->requests = arena_calloc(arena, n, sizeof(*out->requests));
    if (out->requests == NULL)
        return ENOMEM;
    for (size_t slot = 0; slot < STATS_OP_SLOTS; slot++) {
        if (st->requests[slot] == 0)
            continue;
        Folio__OpCount *c = arena_alloc(arena, sizeof(*c));
        if (c == NULL)
            return ENOMEM;
        folio__op_count__init(c);
        const struct op *op = slot > 0 ? op_find((Folio__Request__OpCase)slot) : NULL;
        c->op = (char *)(op != NULL ? op->name : "unknown");
        c->count = st->requests[slot];
        c->per_sec = stats_rate(st, slot, now_ms);
        out->requests[out->n_requests++] = c;
    }
    return 0;
}

static void stats_writer(const struct writer *w, Folio__Stats *out)
{
    out->commit_batches = atomic_load_explicit(&w->batches, memory_order_relaxed);
    out->committed_writes = atomic_load_explicit(&w->jobs, memory_order_relaxed);
    out->batch_mean =
        out->commit_batches > 0 ? (double)out->committed_writes / (double)out->commit_batches : 0.0;
    out->batch_max = atomic_load_explicit(&w->max_batch, memory_order_relaxed);
    out->batches_1 = atomic_load_explicit(&w->batch_sizes[0], memory_order_relaxed);
    out->batches_2_7 = atomic_load_explicit(&w->batch_sizes[1], memory_order_relaxed);
    out->batches_8_31 = atomic_load_explicit(&w->batch_sizes[2], memory_order_relaxed);
    out->batches_32_up = atomic_load_explicit(&w->batch_sizes[3], memory_order_relaxed);
}

static int stats_store(struct store *store, Folio__Stats *out)
{
    MDB_envinfo info;
    MDB_stat stat;
    mdb_filehandle_t fd;
    struct stat file;
    int rc = mdb_env_info(store->env, &info);
    if (rc == 0)
        rc = mdb_env_stat(store->env, &stat);
    if (rc == 0)
        rc = mdb_env_get_fd(store->env, &fd);
    if (rc == 0 && fstat(fd, &file) != 0)
        rc = errno;
    if (rc != 0)
        return rc;
    out->db_file_bytes = (uint64_t)file.st_size;
    out->map_bytes = (uint64_t)info.me_mapsize;
    out->page_size = stat.ms_psize;
    out->used_bytes = ((uint64_t)info.me_last_pgno + 1) * stat.ms_psize;
    out->reader_slots_used = info.me_numreaders;
    out->reader_slots_max = info.me_maxreaders;
    return 0;
}

int stats_snapshot(struct server *s, struct arena *arena, Folio__Stats **out)
{
    Folio__Stats *st = arena_alloc(arena, sizeof(*st));
    if (st == NULL)
        return ENOMEM;
    folio__stats__init(st);
    uint64_t now_ms = uv_now(&s->loop);
    st->uptime_s = (now_ms - s->stats.started_ms) / 1000;
    st->connections = s->connection_count;
    st->connections_accepted = s->stats.connections_accepted;
    st->requests_total = s->stats.requests_total;
    int rc = stats_requests(&s->stats, now_ms, arena, st);
    if (rc != 0)
        return rc;
    stats_writer(&s->writer, st);
    rc = stats_store(&s->store, st);
    if (rc != 0)
        return rc;
    st->hashes_running = s->hasher.lanes[HASHER_LANE_HASH].running;
    st->hashes_queued = s->hasher.lanes[HASHER_LANE_HASH].queued;
    st->pool_cancelled = s->hasher.cancelled;
    st->pool_refused = s->hasher.refused;
    *out = st;
    return 0;
}

void stats_request_end(struct stats *st, Folio__Request__OpCase op, Folio__Code code,
                       uint64_t latency_us, uint64_t bytes_in, uint64_t bytes_out)
{
    size_t slot = op > 0 && (size_t)op < STATS_OP_SLOTS ? (size_t)op : 0;
    size_t c = code >= 0 && (size_t)code < STATS_CODES ? (size_t)code : FOLIO__CODE__INTERNAL;
    st->answered[slot][c]++;
    size_t b = 0;
    while (b < STATS_LATENCY_BUCKETS && latency_us > stats_latency_bounds_us[b])
        b++;
    st->latency[b]++;
    st->latency_sum_us += latency_us;
    st->bytes_in += bytes_in;
    st->bytes_out += bytes_out;
}

void stats_publish(struct server *s, struct stats_published *out)
{
    const struct stats *st = &s->stats;
    memcpy(out->answered, st->answered, sizeof(out->answered));
    memcpy(out->latency, st->latency, sizeof(out->latency));
    out->latency_sum_us = st->latency_sum_us;
    out->bytes_in = st->bytes_in;
    out->bytes_out = st->bytes_out;
    out->connections_open = s->connection_count;
    out->connections_accepted = st->connections_accepted;
    out->tls_handshakes = st->tls_handshakes;
    out->tls_handshake_failures = st->tls_handshake_failures;
    Folio__Stats figures = FOLIO__STATS__INIT;
    stats_writer(&s->writer, &figures);
    out->commit_batches = figures.commit_batches;
    out->committed_writes = figures.committed_writes;
    for (size_t b = 0; b < STATS_BATCH_BUCKETS; b++)
        out->batch_sizes[b] = atomic_load_explicit(&s->writer.batch_sizes[b], memory_order_relaxed);
    out->hashes_running = s->hasher.lanes[HASHER_LANE_HASH].running;
    out->hashes_queued = s->hasher.lanes[HASHER_LANE_HASH].queued;
    if (stats_store(&s->store, &figures) == 0) {
        out->map_bytes = figures.map_bytes;
        out->used_bytes = figures.used_bytes;
    } else {
        out->map_bytes = out->used_bytes = 0;
    }
    out->serving = !s->draining;
    MDB_txn *txn;
    out->mail_queued = 0;
    if (store_read_begin(&s->store, &txn) == 0) {
        store_outbox_queued_count(&s->store, txn, &out->mail_queued);
        store_read_end(&s->store, txn);
    }
    out->mail_delivered = atomic_load(&s->mail.delivered);
    out->mail_failed = atomic_load(&s->mail.failed);
    out->mail_cancelled = atomic_load(&s->mail.cancelled);
    out->mail_deferred = atomic_load(&s->mail.deferred);
}
