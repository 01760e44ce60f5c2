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
#include "status.h"

#define CONTAINER_OF(ptr, type, member) ((type *)(void *)((char *)(ptr)-offsetof(type, member)))

static const struct op op_table[] = {
    {FOLIO__REQUEST__OP_HELLO, "hello", OP_PUBLIC, op_hello_read, NULL, NULL, NULL},
    {FOLIO__REQUEST__OP_LOGIN, "login", OP_PUBLIC, op_login_read, op_login_hash, op_login_write,
     op_login_finish},
    {FOLIO__REQUEST__OP_AUTHENTICATE, "authenticate", OP_PUBLIC, op_authenticate_read, NULL, NULL,
     op_authenticate_finish},
    {FOLIO__REQUEST__OP_LOGOUT, "logout", OP_SESSION, NULL, NULL, op_logout_write,
     op_logout_finish},
    {FOLIO__REQUEST__OP_WHOAMI, "whoami", OP_SESSION, op_whoami_read, NULL, NULL, NULL},
    {FOLIO__REQUEST__OP_PASSWORD_CHANGE, "password_change", OP_SESSION, op_password_change_read,
     op_password_change_hash, op_password_change_write, op_password_change_finish},
    {FOLIO__REQUEST__OP_OFFICE_ADD, "office_add", OP_SESSION, NULL, NULL, op_office_add_write,
     NULL},
    {FOLIO__REQUEST__OP_OFFICE_LIST, "office_list", OP_SESSION, op_office_list_read, NULL, NULL,
     NULL},
    {FOLIO__REQUEST__OP_USER_ADD, "user_add", OP_SESSION, op_user_add_read, op_user_add_hash,
     op_user_add_write, NULL},
    {FOLIO__REQUEST__OP_USER_LIST, "user_list", OP_SESSION, op_user_list_read, NULL, NULL, NULL},
    {FOLIO__REQUEST__OP_USER_DISABLE, "user_disable", OP_SESSION, NULL, NULL, op_user_disable_write,
     op_user_disable_finish},
    {FOLIO__REQUEST__OP_USER_PASSWD, "user_passwd", OP_SESSION, op_user_passwd_read,
     op_user_passwd_hash, op_user_passwd_write, op_user_passwd_finish},
    {FOLIO__REQUEST__OP_USER_UNLOCK, "user_unlock", OP_SESSION, NULL, NULL, op_user_unlock_write,
     op_user_unlock_finish},
    {FOLIO__REQUEST__OP_AUDIT_QUERY, "audit_query", OP_SESSION, op_audit_query_read, NULL, NULL,
     NULL},
    {FOLIO__REQUEST__OP_CLIENT_ADD, "client_add", OP_SESSION, NULL, NULL, op_client_add_write,
     NULL},
    {FOLIO__REQUEST__OP_CLIENT_GET, "client_get", OP_SESSION, op_client_get_read, NULL,
     op_client_get_write, NULL},
    {FOLIO__REQUEST__OP_CLIENT_LIST, "client_list", OP_SESSION, op_client_list_read, NULL, NULL,
     NULL},
    {FOLIO__REQUEST__OP_CLIENT_UPDATE, "client_update", OP_SESSION, NULL, NULL,
     op_client_update_write, NULL},
    {FOLIO__REQUEST__OP_CLIENT_ERASE, "client_erase", OP_SESSION, NULL, NULL, op_client_erase_write,
     NULL},
    {FOLIO__REQUEST__OP_CLIENT_HISTORY, "client_history", OP_SESSION, op_client_history_read, NULL,
     NULL, NULL},
    {FOLIO__REQUEST__OP_EVENT_ADD, "event_add", OP_SESSION, NULL, NULL, op_event_add_write, NULL},
    {FOLIO__REQUEST__OP_SEGMENT, "segment", OP_SESSION, op_segment_read, NULL, NULL, NULL},
    {FOLIO__REQUEST__OP_RULE_ADD, "rule_add", OP_SESSION, NULL, NULL, op_rule_add_write, NULL},
    {FOLIO__REQUEST__OP_RULE_LIST, "rule_list", OP_SESSION, op_rule_list_read, NULL, NULL, NULL},
    {FOLIO__REQUEST__OP_RULE_REMOVE, "rule_remove", OP_SESSION, NULL, NULL, op_rule_remove_write,
     NULL},
    {FOLIO__REQUEST__OP_CALENDAR_GET, "calendar_get", OP_SESSION, op_calendar_get_read, NULL, NULL,
     NULL},
    {FOLIO__REQUEST__OP_CALENDAR_SET, "calendar_set", OP_SESSION, NULL, NULL, op_calendar_set_write,
     NULL},
    {FOLIO__REQUEST__OP_OCCASION_ADD, "occasion_add", OP_SESSION, NULL, NULL, op_occasion_add_write,
     NULL},
    {FOLIO__REQUEST__OP_OCCASION_REMOVE, "occasion_remove", OP_SESSION, NULL, NULL,
     op_occasion_remove_write, NULL},
    {FOLIO__REQUEST__OP_ALERT_ADD, "alert_add", OP_SESSION, NULL, NULL, op_alert_add_write,
     op_alert_add_finish},
    {FOLIO__REQUEST__OP_ALERT_LIST, "alert_list", OP_SESSION, op_alert_list_read, NULL, NULL, NULL},
    {FOLIO__REQUEST__OP_ALERT_END, "alert_end", OP_SESSION, NULL, NULL, op_alert_end_write, NULL},
    {FOLIO__REQUEST__OP_PARTNER_ADD, "partner_add", OP_SESSION, NULL, NULL, op_partner_add_write,
     NULL},
    {FOLIO__REQUEST__OP_PARTNER_LIST, "partner_list", OP_SESSION, op_partner_list_read, NULL, NULL,
     NULL},
    {FOLIO__REQUEST__OP_COUPON_ISSUE, "coupon_issue", OP_SESSION, NULL, NULL, op_coupon_issue_write,
     NULL},
    {FOLIO__REQUEST__OP_COUPON_LIST, "coupon_list", OP_SESSION, op_coupon_list_read, NULL, NULL,
     NULL},
    {FOLIO__REQUEST__OP_COUPON_REDEEM, "coupon_redeem", OP_SESSION, NULL, NULL,
     op_coupon_redeem_write, NULL},
    {FOLIO__REQUEST__OP_PROFILE_SET, "profile_set", OP_SESSION, NULL, NULL, op_profile_set_write,
     NULL},
    {FOLIO__REQUEST__OP_PROFILE_GET, "profile_get", OP_SESSION, op_profile_get_read, NULL, NULL,
     NULL},
    {FOLIO__REQUEST__OP_OFFER_ADD, "offer_add", OP_SESSION, NULL, NULL, op_offer_add_write, NULL},
    {FOLIO__REQUEST__OP_OFFER_LIST, "offer_list", OP_SESSION, op_offer_list_read, NULL, NULL, NULL},
    {FOLIO__REQUEST__OP_OFFER_SET, "offer_set", OP_SESSION, NULL, NULL, op_offer_set_write, NULL},
    {FOLIO__REQUEST__OP_AGENDA, "agenda", OP_SESSION, op_agenda_read, NULL, NULL, NULL},
    {FOLIO__REQUEST__OP_REASSIGN, "reassign", OP_SESSION, op_reassign_read, NULL, op_reassign_write,
     op_reassign_finish},
    {FOLIO__REQUEST__OP_REASSIGN_UNDO, "reassign_undo", OP_SESSION, NULL, NULL,
     op_reassign_undo_write, op_reassign_finish},
    {FOLIO__REQUEST__OP_WATCH, "watch", OP_SESSION, op_watch_read, NULL, NULL, NULL},
    {FOLIO__REQUEST__OP_FIRM_KEY, "firm_key", OP_SESSION, op_firm_key_read, NULL, NULL, NULL},
    {FOLIO__REQUEST__OP_TRUST_ADD, "trust_add", OP_SESSION, NULL, NULL, op_trust_add_write, NULL},
    {FOLIO__REQUEST__OP_TRUST_LIST, "trust_list", OP_SESSION, op_trust_list_read, NULL, NULL, NULL},
    {FOLIO__REQUEST__OP_TRUST_REMOVE, "trust_remove", OP_SESSION, NULL, NULL, op_trust_remove_write,
     NULL},
    {FOLIO__REQUEST__OP_BACKUP, "backup", OP_SESSION, op_backup_read, op_backup_pool,
     op_backup_write, NULL},
    {FOLIO__REQUEST__OP_EXPORT_BEGIN, "export_begin", OP_SESSION, op_export_begin_read,
     op_export_begin_pool, op_export_begin_write, NULL},
    {FOLIO__REQUEST__OP_EXPORT_CHUNK, "export_chunk", OP_SESSION, op_export_chunk_read,
     op_export_chunk_pool, NULL, op_transfer_finish},
    {FOLIO__REQUEST__OP_IMPORT_BEGIN, "import_begin", OP_SESSION, op_import_begin_read, NULL, NULL,
     NULL},
    {FOLIO__REQUEST__OP_IMPORT_CHUNK, "import_chunk", OP_SESSION, op_import_chunk_read,
     op_import_chunk_pool, NULL, NULL},
    {FOLIO__REQUEST__OP_IMPORT_COMMIT, "import_commit", OP_SESSION, op_import_commit_read,
     op_import_commit_pool, op_import_commit_write, op_import_commit_finish},
    {FOLIO__REQUEST__OP_RESTORE_TRANSFERRED, "restore_transferred", OP_SESSION, NULL, NULL,
     op_restore_transferred_write, NULL},
    {FOLIO__REQUEST__OP_CLIENT_IMPORT, "client_import", OP_SESSION, NULL, NULL,
     op_client_import_write, NULL},
    {FOLIO__REQUEST__OP_STATS_GET, "stats_get", OP_SESSION, op_stats_get_read, NULL, NULL, NULL},
};

const struct op *op_find(Folio__Request__OpCase which)
{
    for (size_t i = 0; i < sizeof(op_table) / sizeof(op_table[0]); i++)
        if (op_table[i].which == which)
            return &op_table[i];
    return NULL;
}

/* Ops whose pool stage is not a password check, and the heavy reads, by
 * lane (hasher.h, op.h); every other op's pool stage hashes a password. */
static const struct {
    Folio__Request__OpCase which;
    enum hasher_lane lane;
} op_lanes[] = {
    {FOLIO__REQUEST__OP_AUDIT_QUERY, HASHER_LANE_HEAVY_READ},
    {FOLIO__REQUEST__OP_SEGMENT, HASHER_LANE_HEAVY_READ},
    {FOLIO__REQUEST__OP_OFFER_LIST, HASHER_LANE_HEAVY_READ},
    {FOLIO__REQUEST__OP_AGENDA, HASHER_LANE_HEAVY_READ},
    {FOLIO__REQUEST__OP_BACKUP, HASHER_LANE_TRANSFER},
    {FOLIO__REQUEST__OP_EXPORT_BEGIN, HASHER_LANE_TRANSFER},
    {FOLIO__REQUEST__OP_EXPORT_CHUNK, HASHER_LANE_TRANSFER},
    {FOLIO__REQUEST__OP_IMPORT_CHUNK, HASHER_LANE_TRANSFER},
    {FOLIO__REQUEST__OP_IMPORT_COMMIT, HASHER_LANE_TRANSFER},
};

enum hasher_lane op_lane(const struct op *op)
{
    for (size_t i = 0; i < sizeof(op_lanes) / sizeof(op_lanes[0]); i++)
        if (op_lanes[i].which == op->which)
            return op_lanes[i].lane;
    return HASHER_LANE_HASH;
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
    bool read_in_pool = op_lane(op) == HASHER_LANE_HEAVY_READ;
    if (op->read != NULL || op->access == OP_SESSION) {
        uint64_t auth_generation = store_auth_generation(&s->store); /* before the snapshot */
        MDB_txn *txn;
        int rc = store_read_begin(&s->store, &txn);
        if (rc != 0) {
            request_store_error(req, rc, "read");
        } else {
            if (op->access == OP_SESSION)
                session_check(req, txn, auth_generation);
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
    req->pool_job.lane = op_lane(req->op);
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
