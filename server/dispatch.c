/* dispatch.c - the request table and the stages every request goes through.
 *
 * One table, one entry per request type: adding a request type means adding
 * a row here and its handlers in an op_*.c file; nothing else dispatches. */
#include "dispatch.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "connection.h"
#include "log.h"
#include "op.h"
#include "server.h"
#include "session.h"
#include "stats.h"
#include "status.h"

#define CONTAINER_OF(ptr, type, member) ((type *)(void *)((char *)(ptr)-offsetof(type, member)))

#define OP_LANE_HASH       HASHER_LANE_HASH
#define OP_LANE_TRANSFER   HASHER_LANE_TRANSFER
#define OP_LANE_HEAVY_READ HASHER_LANE_HEAVY_READ
#define OP_LANE_NONE       HASHER_LANE_HASH /* never asked for: no pool stage */

#define OP_ROW(CASE, name_, WHO, LANE, read_, pool_, write_, finish_)                              \
    [FOLIO__REQUEST__OP_##CASE] = {.which = FOLIO__REQUEST__OP_##CASE,                             \
                                   .name = #name_,                                                 \
                                   .who = ACCESS_##WHO,                                            \
                                   .lane = OP_LANE_##LANE,                                         \
                                   .read = read_,                                                  \
                                   .pool = pool_,                                                  \
                                   .write = write_,                                                \
                                   .finish = finish_},
#define OP_SLOT_CHECK(CASE, ...)                                                                   \
    _Static_assert(FOLIO__REQUEST__OP_##CASE > 0 && FOLIO__REQUEST__OP_##CASE < STATS_OP_SLOTS,    \
                   #CASE ": raise STATS_OP_SLOTS for the newer request types");

OP_TABLE(OP_SLOT_CHECK)

/* Indexed by Request field number; a row without a name is no op. */
static const struct op op_table[STATS_OP_SLOTS] = {OP_TABLE(OP_ROW)};

const struct op *op_find(Folio__Request__OpCase which)
{
    if (which <= 0 || (size_t)which >= STATS_OP_SLOTS || op_table[which].name == NULL)
        return NULL;
    return &op_table[which];
}

bool op_is_write_only(const struct op *op)
{
    return op != NULL && op->write != NULL && op->read == NULL && op->pool == NULL &&
           op->finish == NULL;
}

/* ---------------------------------------------------------------- lifetime */

/* What one request may allocate: its decoded frame several times over (protobuf
 * expands small fields) plus room for the reply. */
static size_t dispatch_arena_limit(const struct server *s)
{
    return s->config.max_frame * 4 + 256 * 1024;
}

static struct request *request_new(struct connection *conn)
{
    struct request *req = calloc(1, sizeof(*req));
    if (req == NULL)
        return NULL;
    req->conn = conn;
    req->server = conn->server;
    req->arrived_ns = uv_hrtime();
    arena_init(&req->arena, dispatch_arena_limit(conn->server));
    folio__response__init(&req->response);
    folio__status__init(&req->status);
    req->response.status = &req->status;
    return req;
}

/* A password check of this request no longer counts against its address. */
static void dispatch_hash_release(struct request *req)
{
    if (req->hash_counted) {
        req->hash_counted = false;
        peer_limit_remove(&req->server->hash_peers, req->conn->peer_addr);
    }
}

void request_free(struct request *req)
{
    /* Every request ends here, answered or abandoned: an unsettled login
     * reservation counts as a failure rather than staying reserved. */
    throttle_drop(&req->server->throttle, &req->login_ticket, uv_now(&req->server->loop));
    dispatch_hash_release(req);
    arena_free(&req->arena);
    free(req->out);
    free(req);
}

/* Counts the answered request, and logs it at debug: its op, the user
 * (never a client's data), the status, the time since it arrived and the
 * bytes both ways. (A refused login is logged at warn by the login op,
 * which knows the name typed and the peer.) */
static void dispatch_count(struct request *req)
{
    uint64_t latency_us = (uv_hrtime() - req->arrived_ns) / 1000;
    Folio__Request__OpCase op = req->op != NULL ? req->op->which : 0;
    stats_request_end(&req->server->stats, op, req->status.code, latency_us, req->bytes_in,
                      req->out_len);
    if (!log_enabled(LOG_DEBUG))
        return;
    const struct log_field fields[] = {
        {.key = "op", .text = req->op != NULL ? req->op->name : "unknown"},
        {.key = "user", .text = req->actor.name != NULL ? req->actor.name : "-"},
        {.key = "status", .text = status_name(req->status.code)},
        {.key = "latency_us", .number = (long long)latency_us},
        {.key = "bytes_in", .number = (long long)req->bytes_in},
        {.key = "bytes_out", .number = (long long)req->out_len},
    };
    log_fields(LOG_DEBUG, "request", fields, sizeof(fields) / sizeof(fields[0]));
}

/* Packs the reply and lets go of everything else the request held. */
static void request_pack(struct request *req)
{
    req->response.id = req->msg != NULL ? req->msg->id : 0;
    if (req->status.message == NULL || req->status.message[0] == '\0')
        req->status.message = req->status.code == FOLIO__CODE__OK
                                  ? (char *)""
                                  : (char *)status_message(req->status.code);
    if (frame_encode_tail(&req->response.base, req->result_packed, req->result_packed_len,
                          FRAME_ABSOLUTE_MAX, &req->out, &req->out_len) != 0) {
        log_error("reply to %s does not fit in a frame", req->op ? req->op->name : "request");
        Folio__Response small = FOLIO__RESPONSE__INIT;
        Folio__Status status = FOLIO__STATUS__INIT;
        status.code = FOLIO__CODE__INTERNAL;
        status.message = (char *)"the reply is too large to send";
        small.id = req->response.id;
        small.status = &status;
        if (frame_encode(&small.base, FRAME_ABSOLUTE_MAX, &req->out, &req->out_len) != 0) {
            req->out = NULL;
            req->out_len = 0;
            req->close_after = true;
        }
    }
    dispatch_count(req);
    arena_free(&req->arena);
    req->msg = NULL;
    req->state = REQUEST_DONE;
}

struct request *dispatch_decode(struct connection *conn, const uint8_t *payload, size_t len,
                                bool *too_big)
{
    *too_big = true;
    struct request *req = request_new(conn);
    if (req == NULL)
        return NULL;
    req->bytes_in = len;
    req->msg = folio__request__unpack(&req->arena.allocator, len, payload);
    if (req->msg == NULL) {
        *too_big = req->arena.exhausted;
        request_free(req);
        return NULL;
    }
    req->op = op_find(req->msg->op_case);
    if (req->op == NULL) {
        /* Decoded, but asks for nothing we know: answered in order, and the
         * connection stays open (a newer client may try an op we lack). */
        request_fail(req, FOLIO__CODE__INVALID_ARGUMENT,
                     req->msg->op_case == FOLIO__REQUEST__OP__NOT_SET
                         ? "the request names no operation"
                         : "this server does not know that operation");
    }
    req->state = REQUEST_QUEUED;
    return req;
}

struct request *dispatch_reply(struct connection *conn, Folio__Code code, const char *message)
{
    struct request *req = request_new(conn);
    if (req == NULL)
        return NULL;
    request_fail(req, code, "%s", message);
    request_pack(req);
    return req;
}

/* ---------------------------------------------------------------- stages */

static void dispatch_pool_stage(struct request *req);
static void dispatch_heavy_read_stage(struct request *req);
static void dispatch_write_stage(struct request *req);
static void dispatch_finish(struct request *req);

static void dispatch_leave_loop(struct request *req)
{
    req->conn->refs++;
    req->server->requests_running++;
}

/* Back on the loop thread. Returns false when the connection closed in the
 * meantime: the request has then been freed and must not be touched. */
static bool dispatch_return_to_loop(struct request *req)
{
    struct connection *conn = req->conn;
    struct server *s = req->server;
    s->requests_running--;
    if (conn->closing) {
        request_free(req);
        connection_unref(conn);
        server_check_drained(s);
        return false;
    }
    conn->refs--;
    return true;
}

/* After a stage that ran off the loop: if the request is now complete, its
 * connection may write it and start what waited behind it. */
static void dispatch_resumed(struct connection *conn, struct server *s, bool done)
{
    if (done)
        connection_pump(conn);
    server_check_drained(s);
}

void dispatch_start(struct request *req)
{
    struct connection *conn = req->conn;
    struct server *s = req->server;
    const struct op *op = req->op;
    req->state = REQUEST_RUNNING;
    req->now = (int64_t)time(NULL);
    stats_request(&s->stats, op != NULL ? op->which : 0, uv_now(&s->loop));
    if (op == NULL || !request_ok(req)) {
        request_pack(req);
        return;
    }
    if (!conn->said_hello && op->which != FOLIO__REQUEST__OP_HELLO) {
        request_fail(req, FOLIO__CODE__FAILED_PRECONDITION, "send Hello first");
        request_pack(req);
        return;
    }
    bool read_in_pool = op->lane == HASHER_LANE_HEAVY_READ;
    if (op->read != NULL || op->who != ACCESS_PUBLIC) {
        uint64_t auth_generation = store_auth_generation(&s->store); /* before the snapshot */
        MDB_txn *txn;
        int rc = store_read_begin(&s->store, &txn);
        if (rc != 0) {
            request_store_error(req, rc, "read");
        } else {
            if (op->who != ACCESS_PUBLIC && session_check(req, txn, auth_generation) == 0)
                access_caller(req, op->who);
            if (request_ok(req) && op->read != NULL && !read_in_pool)
                op->read(req, txn);
            store_read_end(&s->store, txn);
        }
    }
    if (read_in_pool && request_ok(req))
        dispatch_heavy_read_stage(req);
    else
        dispatch_pool_stage(req);
}

static void dispatch_pool_run(struct hasher_job *job)
{
    struct request *req = CONTAINER_OF(job, struct request, pool_job);
    req->op->pool(req);
}

static void dispatch_pool_done(struct hasher_job *job)
{
    struct request *req = CONTAINER_OF(job, struct request, pool_job);
    struct connection *conn = req->conn;
    struct server *s = req->server;
    dispatch_hash_release(req);
    if (!dispatch_return_to_loop(req))
        return;
    dispatch_write_stage(req);
    dispatch_resumed(conn, s, req->state == REQUEST_DONE);
}

static const char dispatch_cancelled[] =
    "cancelled: the connection ended its input before the request had its turn";

/* Queues the request's pool job in its op's lane. Returns false, with the
 * request failed, when the lane or the peer's share of it is full. */
static bool dispatch_pool_submit(struct request *req, void (*run)(struct hasher_job *job))
{
    struct server *s = req->server;
    if (req->conn->peer_gone) {
        s->hasher.cancelled++;
        request_fail(req, FOLIO__CODE__UNAVAILABLE, "%s", dispatch_cancelled);
        return false;
    }
    req->pool_job.run = run;
    req->pool_job.done = dispatch_pool_done;
    req->pool_job.lane = req->op->lane;
    if (req->pool_job.lane == HASHER_LANE_HASH) {
        /* One address gets a share of the queue, so a flood of logins from
         * one place cannot push everyone else's out. */
        unsigned from_peer = peer_limit_add(&s->hash_peers, req->conn->peer_addr);
        req->hash_counted = from_peer > 0;
        if (from_peer == 0 || from_peer > s->config.max_hashes_per_address) {
            dispatch_hash_release(req);
            s->hasher.refused++;
            request_fail(req, FOLIO__CODE__RESOURCE_EXHAUSTED,
                         "too many password checks from your address are waiting (the server "
                         "takes %u at once from one address, --max-hashes-per-address); try "
                         "again shortly",
                         s->config.max_hashes_per_address);
            return false;
        }
    }
    if (hasher_submit(&s->hasher, &req->pool_job) != 0) {
        dispatch_hash_release(req);
        request_fail(req, FOLIO__CODE__UNAVAILABLE,
                     "too many password checks are waiting (the server queues %u, "
                     "--max-queued-hashes); try again shortly",
                     s->config.max_queued_hashes);
        return false;
    }
    dispatch_leave_loop(req);
    return true;
}

static void dispatch_pool_stage(struct request *req)
{
    if (request_ok(req) && req->op->pool != NULL && dispatch_pool_submit(req, dispatch_pool_run))
        return;
    dispatch_write_stage(req);
}

/* The read stage of a heavy read, on a pool thread: a snapshot of its own,
 * since the loop's belongs to the loop. */
static void dispatch_heavy_read_run(struct hasher_job *job)
{
    struct request *req = CONTAINER_OF(job, struct request, pool_job);
    MDB_txn *txn;
    int rc = store_read_begin(&req->server->store, &txn);
    if (rc != 0) {
        request_store_error(req, rc, "read");
        return;
    }
    req->op->read(req, txn);
    store_read_end(&req->server->store, txn);
}

static void dispatch_heavy_read_stage(struct request *req)
{
    if (dispatch_pool_submit(req, dispatch_heavy_read_run))
        return;
    dispatch_write_stage(req);
}

static int dispatch_write_run(struct writer_job *job, MDB_txn *txn)
{
    struct request *req = CONTAINER_OF(job, struct request, write_job);
    /* A batch may be replayed after the map grows: start from a clean reply. */
    req->status.code = FOLIO__CODE__OK;
    req->status.message = NULL;
    req->response.result_case = FOLIO__RESPONSE__RESULT__NOT_SET;
    req->result_packed = NULL;
    req->result_packed_len = 0;
    req->write_again = false;
    return req->op->write(req, txn);
}

static void dispatch_write_done(struct writer_job *job)
{
    struct request *req = CONTAINER_OF(job, struct request, write_job);
    struct connection *conn = req->conn;
    struct server *s = req->server;
    if (!dispatch_return_to_loop(req))
        return;
    if (job->commit_rc != 0) {
        request_fail(req, FOLIO__CODE__UNAVAILABLE, "the change was not saved: %s",
                     store_strerror(job->commit_rc));
    } else if (job->run_rc == MDB_MAP_FULL) {
        request_fail(req, FOLIO__CODE__UNAVAILABLE,
                     "the change was not saved: the database is full");
    } else if (job->run_rc != 0 && job->run_rc != WRITER_ROLLBACK) {
        request_store_error(req, job->run_rc, "save the change");
    } else if (req->write_again && request_ok(req)) {
        /* Its next part queues behind the writes that came meanwhile; a
         * stopping server takes no more parts. */
        req->write_rounds++;
        if (!s->draining) {
            dispatch_leave_loop(req);
            writer_submit(&s->writer, &req->write_job);
            return;
        }
        req->write_cut_short = true;
    }
    dispatch_finish(req);
    dispatch_resumed(conn, s, req->state == REQUEST_DONE);
}

static void dispatch_write_stage(struct request *req)
{
    if (request_ok(req) && req->op->write != NULL && !req->skip_write) {
        req->write_job.run = dispatch_write_run;
        req->write_job.done = dispatch_write_done;
        dispatch_leave_loop(req);
        writer_submit(&req->server->writer, &req->write_job);
        return;
    }
    dispatch_finish(req);
}

static void dispatch_timer_closed(uv_handle_t *handle)
{
    struct request *req = handle->data;
    free(handle);
    req->delay_timer = NULL;
    struct connection *conn = req->conn;
    struct server *s = req->server;
    if (!dispatch_return_to_loop(req))
        return;
    request_pack(req);
    dispatch_resumed(conn, s, true);
}

static void dispatch_timer_fired(uv_timer_t *timer)
{
    uv_close((uv_handle_t *)timer, dispatch_timer_closed);
}

static void dispatch_finish(struct request *req)
{
    if (req->op->finish != NULL)
        req->op->finish(req);
    if (req->delay_ms > 0) {
        uv_timer_t *timer = malloc(sizeof(*timer));
        if (timer != NULL && uv_timer_init(&req->server->loop, timer) == 0) {
            timer->data = req;
            req->delay_timer = timer;
            dispatch_leave_loop(req);
            uv_timer_start(timer, dispatch_timer_fired, req->delay_ms, 0);
            return;
        }
        free(timer);
    }
    request_pack(req);
}

bool dispatch_cancel(struct request *req)
{
    struct server *s = req->server;
    if (req->state != REQUEST_RUNNING || !hasher_cancel(&s->hasher, &req->pool_job))
        return false;
    dispatch_hash_release(req);
    s->requests_running--;
    req->conn->refs--; /* the connection is open: its handle holds a reference */
    request_fail(req, FOLIO__CODE__UNAVAILABLE, "%s", dispatch_cancelled);
    dispatch_finish(req);
    return true;
}

void dispatch_abandon(struct request *req)
{
    /* A pool job that has not started is taken back: nobody waits for its
     * answer, and a flood of connect-login-close must not leave work behind.
     * The request goes through request_free like any other. */
    struct server *s = req->server;
    if (hasher_cancel(&s->hasher, &req->pool_job)) {
        struct connection *conn = req->conn;
        s->requests_running--;
        request_free(req);
        connection_unref(conn);
        return;
    }
    /* Running hash and write jobs cannot be called back; they free the
     * request when they return. A delay timer can be cut short. */
    if (req->delay_timer != NULL && !uv_is_closing((uv_handle_t *)req->delay_timer)) {
        uv_timer_stop(req->delay_timer);
        uv_close((uv_handle_t *)req->delay_timer, dispatch_timer_closed);
    }
}
