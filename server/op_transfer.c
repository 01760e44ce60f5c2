/* op_transfer.c - portfolios leaving and entering the firm as signed
 * bundles, in chunks.
 *
 * Export: ExportBegin checks who may export what and opens the
 * connection's transfer; the bundle is built from one transaction (the pool
 * stage's own read transaction, or, with release, the write transaction
 * that also releases the clients, so the file and the release agree);
 * ExportChunk hands it out piece by piece.
 *
 * Import: ImportBegin announces the size, ImportChunk appends in order,
 * ImportCommit verifies the whole file (digest, signature, trusted signer)
 * in the pool stage before the write stage applies it in one transaction:
 * nothing of a bad bundle ever becomes visible. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "access.h"
#include "audit.h"
#include "bundle.h"
#include "calendar.h"
#include "client_record.h"
#include "connection.h"
#include "log.h"
#include "op.h"
#include "server.h"
#include "store_client.h"
#include "store_portfolio.h"
#include "store_trust.h"
#include "store_user.h"
#include "transfer_bundle.h"
#include "validate.h"

/* The largest export chunk: TRANSFER_CHUNK_MAX, or less when frames are
 * configured smaller, so that a chunk always fits in its reply frame. */
static size_t op_transfer_chunk_max(const struct request *req)
{
    size_t room = req->server->config.max_frame / 2;
    return room < TRANSFER_CHUNK_MAX ? room : TRANSFER_CHUNK_MAX;
}

/* See op.h. */
int op_transfer_agent(struct request *req, MDB_txn *txn, const char *name, Folio__User **out)
{
    struct store *store = &req->server->store;
    const struct actor *me = &req->actor;
    int rc;
    if (name[0] == '\0') {
        if (me->role != FOLIO__ROLE__ROLE_AGENT)
            return request_fail(req, FOLIO__CODE__INVALID_ARGUMENT,
                                "agent: name the agent whose portfolio this is");
        rc = store_user_get(store, txn, me->user_id, &req->arena, out);
    } else {
        if ((rc = access_portfolio_name(req, name)) != 0)
            return rc;
        rc = store_user_find(store, txn, name, &req->arena, out);
        if (rc == 0 && (*out)->role != FOLIO__ROLE__ROLE_AGENT)
            rc = MDB_NOTFOUND;
    }
    if (rc == MDB_NOTFOUND)
        return request_fail(req, FOLIO__CODE__NOT_FOUND, "no agent %s", name);
    if (rc != 0)
        return request_store_error(req, rc, "read the agent");
    return access_portfolio(req, *out);
}

/* The bytes of transfer files on disk (op.h). Counted from the live
 * transfers every time rather than kept in a counter: a file goes with its
 * transfer (finished, connection closed, or at start after a crash), and
 * the count follows whichever way it went. Loop thread: the list of
 * connections is its own. */
static struct op_transfer_usage op_transfer_usage(const struct server *s, uint64_t user_id)
{
    struct op_transfer_usage used = {0, 0};
    for (const struct connection *c = s->connections; c != NULL; c = c->next) {
        if (c->transfer == NULL)
            continue;
        uint64_t bytes = transfer_bytes(c->transfer);
        used.firm += bytes;
        if (c->transfer->user_id == user_id)
            used.user += bytes;
    }
    return used;
}

/* See op.h. */
int op_transfer_quota(struct request *req, struct op_transfer_usage used, uint64_t bytes)
{
    const struct server_config *config = &req->server->config;
    if (used.user + bytes > config->transfer_quota_user || used.user >= config->transfer_quota_user)
        return request_fail(req, FOLIO__CODE__RESOURCE_EXHAUSTED,
                            "your transfer files would pass %llu bytes, the server's "
                            "--transfer-quota-user: finish your other exports and imports first",
                            (unsigned long long)config->transfer_quota_user);
    if (used.firm + bytes > config->transfer_quota_firm || used.firm >= config->transfer_quota_firm)
        return request_fail(req, FOLIO__CODE__RESOURCE_EXHAUSTED,
                            "the firm's transfer files would pass %llu bytes, the server's "
                            "--transfer-quota-firm: try again when other transfers are done",
                            (unsigned long long)config->transfer_quota_firm);
    return 0;
}

/* See op.h. */
int op_transfer_open(struct request *req, enum transfer_kind kind, uint64_t bytes,
                     struct op_transfer_usage *used, struct transfer **out)
{
    struct connection *conn = req->conn;
    if (!transfer_replaceable(conn->transfer))
        return request_fail(req, FOLIO__CODE__FAILED_PRECONDITION,
                            "a transfer is already in progress on this connection");
    transfer_free(conn->transfer);
    conn->transfer = NULL;
    *used = op_transfer_usage(req->server, req->actor.user_id);
    int quota = op_transfer_quota(req, *used, bytes);
    if (quota != 0)
        return quota;
    int rc = transfer_create(req->server->config.data_dir, kind, out);
    if (rc != 0)
        return request_fail(req, FOLIO__CODE__UNAVAILABLE, "cannot make a transfer file: %s",
                            strerror(rc));
    (*out)->user_id = req->actor.user_id;
    conn->transfer = *out;
    return 0;
}

/* See op.h. */
int op_transfer_open_export(struct request *req, uint64_t bytes, struct transfer **out)
{
    struct op_transfer_usage used;
    return op_transfer_open(req, TRANSFER_EXPORT, bytes, &used, out);
}

/* The connection's transfer of this kind with this id, still open. */
static int op_transfer_find(struct request *req, enum transfer_kind kind, const char *id,
                            struct transfer **out)
{
    struct transfer *t = req->conn->transfer;
    if (t == NULL || t->kind != kind || t->finished || (kind == TRANSFER_EXPORT && !t->ready) ||
        strcmp(t->id, id) != 0)
        return request_fail(req, FOLIO__CODE__NOT_FOUND, "no transfer %s on this connection", id);
    *out = t;
    return 0;
}

static int op_transfer_reply(struct request *req, Folio__Transfer *reply)
{
    req->response.result_case = FOLIO__RESPONSE__RESULT_TRANSFER;
    req->response.transfer = reply;
    return 0;
}

/* ---------------------------------------------------------------- export */

struct op_export {
    struct transfer *t;
    struct op_transfer_usage used; /* others' transfer files when it began */
    const char *reason;            /* why an admin takes another agent's book; "" */
    Folio__User *agent;
    Folio__BundleHeader *header;
    Folio__Transfer *reply;
};

#define OP_EXPORT_REASON_MAX 200

/* Taking another agent's whole book is a read of everything it holds: like
 * a firm-admin's read, it needs a reason, and the audit keeps it. */
static int op_export_reason(struct request *req, struct op_export *ex)
{
    Folio__ExportBegin *ask = req->msg->export_begin;
    ex->reason = ask->reason;
    bool others = ex->agent->id != req->actor.user_id;
    if (ask->reason[0] == '\0') {
        if (others && ask->n_client_ids == 0)
            return request_fail(req, FOLIO__CODE__INVALID_ARGUMENT,
                                "reason: say why you export %s's whole portfolio (--reason TEXT)",
                                ex->agent->name);
        return 0;
    }
    const char *why = validate_text(ask->reason, OP_EXPORT_REASON_MAX);
    if (why != NULL)
        return request_fail(req, FOLIO__CODE__INVALID_ARGUMENT, "reason: %s (at most %d bytes)",
                            why, OP_EXPORT_REASON_MAX);
    return 0;
}

int op_export_begin_read(struct request *req, MDB_txn *txn)
{
    Folio__ExportBegin *ask = req->msg->export_begin;
    struct op_export *ex = request_alloc(req, sizeof(*ex));
    Folio__BundleHeader *header = request_alloc(req, sizeof(*header));
    Folio__Transfer *reply = request_alloc(req, sizeof(*reply));
    if (ex == NULL || header == NULL || reply == NULL)
        return request_oom(req);
    int rc = op_transfer_agent(req, txn, ask->agent, &ex->agent);
    if (rc != 0)
        return rc;
    if (ask->n_client_ids > TRANSFER_CLIENTS_MAX)
        return request_fail(req, FOLIO__CODE__INVALID_ARGUMENT,
                            "client_ids: at most %u in one bundle", TRANSFER_CLIENTS_MAX);
    if (ask->n_client_ids > 0) {
        /* Named clients must all be the agent's; anything else reads as
         * an id that does not exist. */
        struct transfer_selection sel;
        const char *missing;
        rc = transfer_select(&req->server->store, txn, ex->agent->id, ask->client_ids,
                             ask->n_client_ids, &sel, &missing);
        if (rc != 0)
            return request_store_error(req, rc, "read the clients");
        transfer_selection_free(&sel);
        if (missing != NULL)
            return request_fail(req, FOLIO__CODE__NOT_FOUND, "no client %s", missing);
    }
    if ((rc = op_export_reason(req, ex)) != 0)
        return rc;
    if ((rc = op_transfer_open(req, TRANSFER_EXPORT, 0, &ex->used, &ex->t)) != 0)
        return rc;
    folio__bundle_header__init(header);
    header->firm = req->server->firm_name;
    header->agent = ex->agent->name;
    header->created_at = req->now;
    folio__transfer__init(reply);
    reply->transfer_id = ex->t->id;
    reply->header = header;
    ex->header = header;
    ex->reply = reply;
    req->scratch = ex;
    return 0;
}

/* Builds the bundle from txn into the transfer's file. */
static int op_export_build(struct request *req, MDB_txn *txn, struct transfer_selection *sel)
{
    Folio__ExportBegin *ask = req->msg->export_begin;
    struct op_export *ex = req->scratch;
    struct store *store = &req->server->store;
    const char *missing;
    int rc = transfer_select(store, txn, ex->agent->id, ask->client_ids, ask->n_client_ids, sel,
                             &missing);
    if (rc == E2BIG)
        return request_fail(req, FOLIO__CODE__RESOURCE_EXHAUSTED,
                            "at most %u clients go in one bundle: name them with client_ids",
                            TRANSFER_CLIENTS_MAX);
    if (rc != 0)
        return request_store_error(req, rc, "read the clients");
    if (missing != NULL)
        return request_fail(req, FOLIO__CODE__NOT_FOUND, "no client %s", missing);
    rc = transfer_bundle_write(store, txn, ex->t->fd, &req->server->firm_key, sel, ex->agent->id,
                               ex->header, &ex->reply->size);
    if (rc == MDB_MAP_FULL)
        return rc;
    if (rc != 0) {
        transfer_selection_free(sel);
        return request_fail(req, FOLIO__CODE__UNAVAILABLE, "cannot write the bundle: %s",
                            store_strerror(rc));
    }
    ex->t->size = ex->reply->size;
    /* Now that its size is known, the bundle must fit the quotas too. */
    if (op_transfer_quota(req, ex->used, ex->t->size) != 0)
        ex->t->finished = true;
    return 0;
}

void op_export_begin_pool(struct request *req)
{
    if (req->msg->export_begin->release)
        return; /* built by the write stage, in the transaction that releases */
    MDB_txn *txn;
    int rc = store_read_begin(&req->server->store, &txn);
    if (rc != 0) {
        request_store_error(req, rc, "read the portfolio");
        return;
    }
    struct transfer_selection sel = {0};
    op_export_build(req, txn, &sel);
    transfer_selection_free(&sel);
    store_read_end(&req->server->store, txn);
}

/* Releases each exported client: owner 0, remembering the agent. */
static int op_export_release(struct request *req, MDB_txn *txn,
                             const struct transfer_selection *sel)
{
    struct op_export *ex = req->scratch;
    struct store *store = &req->server->store;
    char today[CALENDAR_DATE_TEXT + 1];
    int rc = request_today(req, txn, today);
    for (size_t i = 0; i < sel->count && rc == 0; i++) {
        struct arena a;
        arena_init(&a, 0);
        Folio__Client *client;
        rc = store_client_get(store, txn, sel->ids[i], &a, &client);
        if (rc == 0) {
            client->version++;
            client->updated_at = req->now;
            client->transferred_from = ex->agent->id;
            client->transferred_at = req->now;
            rc = store_portfolio_move(store, txn, client, 0);
        }
        if (rc == 0) {
            Folio__TimelineEvent ev = FOLIO__TIMELINE_EVENT__INIT;
            ev.time = req->now;
            ev.actor = (char *)req->actor.name;
            ev.kind = (char *)"transferred";
            ev.what = (char *)"released";
            ev.date = today;
            rc = store_timeline_append(store, txn, sel->ids[i], &ev);
        }
        arena_free(&a);
    }
    /* Released together, a household stays one; a link to a client kept
     * here is dropped. */
    for (size_t i = 0; i < sel->count && rc == 0; i++)
        rc = op_household_settle(req, txn, sel->ids[i], NULL);
    return rc;
}

int op_export_begin_write(struct request *req, MDB_txn *txn)
{
    bool release = req->msg->export_begin->release;
    struct op_export *ex = req->scratch;
    const Folio__BundleHeader *h = ex->header;
    int rc = 0;
    if (release) {
        struct transfer_selection sel = {0};
        rc = op_export_build(req, txn, &sel);
        if (rc == 0 && !request_ok(req))
            rc = WRITER_ROLLBACK;
        if (rc == 0)
            rc = op_export_release(req, txn, &sel);
        transfer_selection_free(&sel);
        if (rc == WRITER_ROLLBACK)
            return rc;
        char *count = arena_printf(&req->arena, "%llu clients", (unsigned long long)h->clients);
        if (count == NULL)
            return request_oom(req);
        if (rc == 0)
            rc = audit_append(req, txn, "client.release", ex->agent->name, count);
    }
    char *detail = arena_printf(
        &req->arena, "%llu clients, %llu events, %llu offers, %llu coupons%s%s%s",
        (unsigned long long)h->clients, (unsigned long long)h->events,
        (unsigned long long)h->offers, (unsigned long long)h->coupons, release ? ", released" : "",
        ex->reason[0] != '\0' ? "; reason: " : "", ex->reason);
    if (detail == NULL)
        return request_oom(req);
    if (rc == 0)
        rc = audit_append(req, txn, "export", ex->agent->name, detail);
    if (rc != 0)
        return request_store_error(req, rc, "export the portfolio");
    ex->t->ready = true;
    return op_transfer_reply(req, ex->reply);
}

struct op_chunk {
    struct transfer *t;
    Folio__Chunk *chunk;
};

int op_export_chunk_read(struct request *req, MDB_txn *txn)
{
    (void)txn;
    Folio__ExportChunk *ask = req->msg->export_chunk;
    struct transfer *t = NULL;
    int rc = op_transfer_find(req, TRANSFER_EXPORT, ask->transfer_id, &t);
    if (rc != 0)
        return rc;
    if (ask->offset > t->size)
        return request_fail(req, FOLIO__CODE__INVALID_ARGUMENT,
                            "offset: %llu is past the end of the bundle (%llu bytes)",
                            (unsigned long long)ask->offset, (unsigned long long)t->size);
    uint64_t left = t->size - ask->offset;
    size_t len = left < op_transfer_chunk_max(req) ? (size_t)left : op_transfer_chunk_max(req);
    struct op_chunk *op = request_alloc(req, sizeof(*op));
    Folio__Chunk *chunk = request_alloc(req, sizeof(*chunk));
    uint8_t *data = len > 0 ? request_alloc(req, len) : NULL;
    if (op == NULL || chunk == NULL || (len > 0 && data == NULL))
        return request_oom(req);
    folio__chunk__init(chunk);
    chunk->offset = ask->offset;
    chunk->data.data = data;
    chunk->data.len = len;
    chunk->eof = ask->offset + len == t->size;
    op->t = t;
    op->chunk = chunk;
    req->scratch = op;
    req->skip_write = true;
    return 0;
}

void op_export_chunk_pool(struct request *req)
{
    struct op_chunk *op = req->scratch;
    Folio__Chunk *chunk = op->chunk;
    size_t done = 0;
    while (done < chunk->data.len) {
        ssize_t n = pread(op->t->fd, chunk->data.data + done, chunk->data.len - done,
                          (off_t)(chunk->offset + done));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            op->t->finished = true;
            request_fail(req, FOLIO__CODE__UNAVAILABLE, "cannot read the bundle: %s",
                         n < 0 ? strerror(errno) : "it is shorter than expected");
            return;
        }
        done += (size_t)n;
    }
    /* After the last chunk the transfer is over: op_transfer_finish removes
     * the file. */
    if (chunk->eof)
        op->t->finished = true;
    req->response.result_case = FOLIO__RESPONSE__RESULT_CHUNK;
    req->response.chunk = chunk;
}

/* ---------------------------------------------------------------- import */

int op_import_begin_read(struct request *req, MDB_txn *txn)
{
    (void)txn;
    uint64_t size = req->msg->import_begin->size;
    uint64_t max = req->server->config.max_import_bytes;
    if (size == 0)
        return request_fail(req, FOLIO__CODE__INVALID_ARGUMENT, "size: a bundle is never empty");
    if (size > TRANSFER_SIZE_MAX)
        return request_fail(req, FOLIO__CODE__INVALID_ARGUMENT, "size: at most 4 GiB");
    if (size > max)
        return request_fail(req, FOLIO__CODE__RESOURCE_EXHAUSTED,
                            "size: this server accepts bundles of at most %llu bytes",
                            (unsigned long long)max);
    Folio__Transfer *reply = request_alloc(req, sizeof(*reply));
    if (reply == NULL)
        return request_oom(req);
    struct transfer *t = NULL;
    struct op_transfer_usage used;
    int rc = op_transfer_open(req, TRANSFER_IMPORT, size, &used, &t);
    if (rc != 0)
        return rc;
    t->size = size;
    folio__transfer__init(reply);
    reply->transfer_id = t->id;
    reply->size = size;
    req->skip_write = true;
    return op_transfer_reply(req, reply);
}

int op_import_chunk_read(struct request *req, MDB_txn *txn)
{
    (void)txn;
    Folio__ImportChunk *ask = req->msg->import_chunk;
    struct transfer *t = NULL;
    int rc = op_transfer_find(req, TRANSFER_IMPORT, ask->transfer_id, &t);
    if (rc != 0)
        return rc;
    if (ask->offset != t->received)
        return request_fail(req, FOLIO__CODE__INVALID_ARGUMENT,
                            "offset: expected %llu, the end of what was received",
                            (unsigned long long)t->received);
    if (ask->data.len == 0)
        return request_fail(req, FOLIO__CODE__INVALID_ARGUMENT, "data: empty chunk");
    if (ask->data.len > t->size - t->received)
        return request_fail(req, FOLIO__CODE__INVALID_ARGUMENT,
                            "data: goes past the announced size (%llu bytes)",
                            (unsigned long long)t->size);
    req->scratch = t;
    req->skip_write = true;
    return 0;
}

void op_import_chunk_pool(struct request *req)
{
    struct transfer *t = req->scratch;
    const ProtobufCBinaryData *data = &req->msg->import_chunk->data;
    size_t done = 0;
    while (done < data->len) {
        ssize_t n = pwrite(t->fd, data->data + done, data->len - done, (off_t)(t->received + done));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            t->finished = true;
            request_fail(req, FOLIO__CODE__UNAVAILABLE, "cannot store the bundle: %s",
                         n < 0 ? strerror(errno) : "no space");
            return;
        }
        done += (size_t)n;
    }
    t->received += data->len;
    request_reply_empty(req);
}

/* An import is applied in batches (transfer_bundle.h). done is where the
 * committed batches left off; next where the last run of the write stage
 * got to, which becomes done once that run is committed (write_rounds). */
struct op_import_progress {
    uint64_t offset; /* the next batch's first record; 0 before the first */
    struct transfer_counts counts;
};

struct op_import {
    struct transfer *t;
    Folio__User *agent;
    Folio__ImportResult *result;
    char *fingerprint;
    struct transfer_rules rules;
    char today[CALENDAR_DATE_TEXT + 1];
    struct op_import_progress done, next;
    unsigned rounds; /* req->write_rounds that done stands for */
};

int op_import_commit_read(struct request *req, MDB_txn *txn)
{
    Folio__ImportCommit *ask = req->msg->import_commit;
    struct op_import *im = request_alloc(req, sizeof(*im));
    Folio__ImportResult *result = request_alloc(req, sizeof(*result));
    if (im == NULL || result == NULL)
        return request_oom(req);
    int rc = op_transfer_find(req, TRANSFER_IMPORT, ask->transfer_id, &im->t);
    if (rc != 0)
        return rc;
    if (im->t->received != im->t->size)
        return request_fail(req, FOLIO__CODE__FAILED_PRECONDITION,
                            "only %llu of %llu bytes were received",
                            (unsigned long long)im->t->received, (unsigned long long)im->t->size);
    /* Committed or refused, the transfer is over from here on; its file
     * goes once this request is answered (op_transfer_finish). */
    im->t->finished = true;
    if ((rc = access_import(req, ask->allow_untrusted, ask->allow_erased)) != 0 ||
        (rc = op_transfer_agent(req, txn, ask->agent, &im->agent)) != 0)
        return rc;
    im->rules.agent_id = im->agent->id;
    im->rules.allow_erased = ask->allow_erased;
    im->rules.max_client_events = req->server->config.import_max_client_events;
    im->rules.now = req->now;
    if ((rc = request_today(req, txn, im->today)) != 0)
        return request_store_error(req, rc, "read the time zone");
    im->rules.today = im->today;
    /* The store grows by about two and a half times the bundle's bytes
     * (records, timelines, indexes): ask for four. */
    req->write_job.room = im->t->size > SIZE_MAX / 4 ? SIZE_MAX : (size_t)im->t->size * 4;
    folio__import_result__init(result);
    result->dry_run = ask->dry_run;
    im->result = result;
    req->scratch = im;
    return 0;
}

/* The trusted firm whose key signed the bundle; this firm's own key counts
 * as trusted. NULL when none. */
static int op_import_signer(struct request *req, const ProtobufCBinaryData *key, char **signer)
{
    struct server *s = req->server;
    *signer = NULL;
    if (key->len == sizeof(s->firm_key.public_key) &&
        memcmp(key->data, s->firm_key.public_key, key->len) == 0) {
        *signer = s->firm_name;
        return 0;
    }
    MDB_txn *txn;
    int rc = store_read_begin(&s->store, &txn);
    if (rc != 0)
        return rc;
    Folio__TrustedFirm *firm;
    if (key->len != crypto_sign_PUBLICKEYBYTES)
        rc = MDB_NOTFOUND;
    else
        rc = store_trust_find_key(&s->store, txn, key->data, &req->arena, &firm);
    if (rc == 0)
        *signer = firm->name;
    else if (rc == MDB_NOTFOUND)
        rc = 0;
    store_read_end(&s->store, txn);
    return rc;
}

/* Bounds and checks every record off the writer, and that every client may
 * come to this agent, so that an import the firm refuses stops before its
 * first batch. */
static void op_import_check(struct request *req, const Folio__BundleHeader *header)
{
    struct op_import *im = req->scratch;
    uint64_t max_events = req->server->config.import_max_events;
    if (validate_firm_name(header->firm) != NULL) {
        request_fail(req, FOLIO__CODE__INVALID_ARGUMENT, "bundle: the source firm's name: %s",
                     validate_firm_name(header->firm));
        return;
    }
    if (header->events > max_events) {
        request_fail(req, FOLIO__CODE__RESOURCE_EXHAUSTED,
                     "bundle: %llu events, more than the server's --import-max-events (%llu): "
                     "export fewer clients at a time",
                     (unsigned long long)header->events, (unsigned long long)max_events);
        return;
    }
    im->rules.actor = arena_printf(&req->arena, "imported from %s", header->firm);
    if (im->rules.actor == NULL) {
        request_oom(req);
        return;
    }
    im->rules.created_at = header->created_at;
    struct store *store = &req->server->store;
    MDB_txn *txn;
    int rc = store_read_begin(store, &txn);
    if (rc != 0) {
        request_store_error(req, rc, "check the bundle");
        return;
    }
    Folio__Code code;
    char why[256];
    rc = transfer_bundle_check(im->t->fd, store, txn, &im->rules, &code, why, sizeof(why));
    store_read_end(store, txn);
    if (rc == TRANSFER_REFUSED)
        request_fail(req, code, "%s", why);
    else if (rc != 0)
        request_store_error(req, rc, "check the bundle");
}

void op_import_commit_pool(struct request *req)
{
    Folio__ImportCommit *ask = req->msg->import_commit;
    struct op_import *im = req->scratch;
    char why[256];
    Folio__BundleHeader *header;
    if (bundle_verify(im->t->fd, &req->arena, &header, why, sizeof(why)) != 0) {
        request_fail(req, FOLIO__CODE__INVALID_ARGUMENT, "bundle: %s", why);
        return;
    }
    im->result->header = header;
    if ((im->fingerprint = request_alloc(req, BUNDLE_FINGERPRINT_MAX)) == NULL) {
        request_oom(req);
        return;
    }
    if (header->public_key.len == crypto_sign_PUBLICKEYBYTES)
        bundle_fingerprint(header->public_key.data, im->fingerprint);
    char *signer;
    int rc = op_import_signer(req, &header->public_key, &signer);
    if (rc != 0) {
        request_store_error(req, rc, "read the trusted firms");
        return;
    }
    if (signer == NULL && !ask->allow_untrusted) {
        request_fail(req, FOLIO__CODE__FAILED_PRECONDITION,
                     "bundle signed by an untrusted key %s (firm %s): trust it first, or import "
                     "with --allow-untrusted",
                     im->fingerprint, header->firm);
        return;
    }
    im->result->signer = signer != NULL ? signer : (char *)"";
    op_import_check(req, header);
}

/* A batch after the first failed: say what the earlier ones left. */
static int op_import_stopped(struct request *req, const struct op_import *im, int rc)
{
    if (im->done.offset == 0 || im->result->dry_run)
        return rc;
    const char *why = req->status.message != NULL ? req->status.message : "";
    request_fail(req, req->status.code,
                 "%s; the import stopped after %llu clients, which stay imported: importing the "
                 "same bundle again adds the rest",
                 why, (unsigned long long)im->done.counts.added + im->done.counts.unerased);
    return rc;
}

/* The first batch of an import that takes several: the audit says at once
 * what is coming in, whether or not the import gets to its end. */
static int op_import_audit_begin(struct request *req, MDB_txn *txn, const struct op_import *im)
{
    char *detail = arena_printf(
        &req->arena, "bundle of %llu clients from firm %s, key %s, applied in batches",
        (unsigned long long)im->result->header->clients, im->result->header->firm, im->fingerprint);
    if (detail == NULL)
        return request_oom(req);
    int rc = audit_append(req, txn, "import.begin", im->agent->name, detail);
    return rc != 0 ? request_store_error(req, rc, "import the bundle") : 0;
}

int op_import_commit_write(struct request *req, MDB_txn *txn)
{
    struct op_import *im = req->scratch;
    Folio__ImportResult *result = im->result;
    if (req->write_rounds != im->rounds) {
        im->done = im->next; /* the last run was committed */
        im->rounds = req->write_rounds;
    }
    struct transfer_batch batch = {.offset = im->done.offset,
                                   .max_records = req->server->config.import_batch_records};
    struct transfer_counts n = im->done.counts;
    Folio__Code code;
    char why[256];
    int rc = transfer_bundle_apply(&req->server->store, txn, im->t->fd, &im->rules, &batch, &n,
                                   &code, why, sizeof(why));
    if (rc == TRANSFER_REFUSED)
        return op_import_stopped(req, im, request_fail(req, code, "%s", why));
    if (rc != 0)
        return op_import_stopped(req, im, request_store_error(req, rc, "import the bundle"));
    if (batch.offset != 0) {
        im->next = (struct op_import_progress){.offset = batch.offset, .counts = n};
        req->write_again = true;
        if (result->dry_run)
            return WRITER_ROLLBACK;
        return im->done.offset == 0 ? op_import_audit_begin(req, txn, im) : 0;
    }
    result->clients_added = n.added;
    result->clients_unchanged = n.unchanged;
    result->events = n.events;
    result->offers = n.offers;
    result->coupons = n.coupons;
    result->holdings = n.holdings;
    result->clients_unerased = n.unerased;
    req->response.result_case = FOLIO__RESPONSE__RESULT_IMPORT;
    req->response.import = result;
    if (result->dry_run)
        return WRITER_ROLLBACK; /* counted, checked, and nothing kept */
    const char *signer = result->signer[0] != '\0' ? result->signer : NULL;
    /* The firm-admin's decisions are spelled out: an untrusted signer let
     * in, erased clients brought back or skipped. */
    char *detail = arena_printf(
        &req->arena,
        "%llu clients added, %llu unchanged, %llu erased here and brought back, %llu erased here "
        "and skipped, %llu events, %llu offers, %llu coupons; from firm %s, key %s%s%s%s",
        (unsigned long long)n.added, (unsigned long long)n.unchanged,
        (unsigned long long)n.unerased, (unsigned long long)n.erased, (unsigned long long)n.events,
        (unsigned long long)n.offers, (unsigned long long)n.coupons, result->header->firm,
        im->fingerprint,
        signer != NULL ? ", trusted as " : ", untrusted (allowed by --allow-untrusted)",
        signer != NULL ? signer : "",
        req->msg->import_commit->allow_erased ? "; --allow-erased" : "");
    if (detail == NULL)
        return request_oom(req);
    if ((rc = audit_append(req, txn, "import", im->agent->name, detail)) != 0)
        return request_store_error(req, rc, "import the bundle");
    return 0;
}

void op_import_commit_finish(struct request *req)
{
    struct op_import *im = req->scratch;
    if (req->write_cut_short && im->result->dry_run) {
        request_fail(req, FOLIO__CODE__UNAVAILABLE,
                     "the server is stopping: the dry run stopped before the end of the bundle");
    } else if (req->write_cut_short) {
        im->done = im->next;
        log_info("import for %s stopped after %llu clients: the server is stopping",
                 im->agent->name,
                 (unsigned long long)im->done.counts.added + im->done.counts.unerased);
        request_fail(req, FOLIO__CODE__UNAVAILABLE,
                     "the server is stopping: the import stopped after %llu clients, which stay "
                     "imported; importing the same bundle again adds the rest",
                     (unsigned long long)im->done.counts.added + im->done.counts.unerased);
    }
    op_transfer_finish(req);
}

/* ---------------------------------------------------------------- restore */

int op_restore_transferred_write(struct request *req, MDB_txn *txn)
{
    int rc;
    const char *name = req->msg->restore_transferred->agent;
    struct store *store = &req->server->store;
    if (name[0] == '\0')
        return request_fail(req, FOLIO__CODE__INVALID_ARGUMENT, "agent: required");
    Folio__User *agent;
    if ((rc = op_transfer_agent(req, txn, name, &agent)) != 0)
        return rc;
    struct transfer_selection sel;
    if ((rc = transfer_select_released(store, txn, agent->id, &sel)) == E2BIG)
        return request_fail(req, FOLIO__CODE__RESOURCE_EXHAUSTED, "too many released clients");
    if (rc != 0)
        return request_store_error(req, rc, "read the released clients");
    char today[CALENDAR_DATE_TEXT + 1];
    if ((rc = request_today(req, txn, today)) != 0)
        return request_store_error(req, rc, "read the time zone");
    for (size_t i = 0; i < sel.count && rc == 0; i++) {
        struct arena a;
        arena_init(&a, 0);
        Folio__Client *client;
        rc = store_client_get(store, txn, sel.ids[i], &a, &client);
        if (rc == 0) {
            client->version++;
            client->updated_at = req->now;
            client->transferred_from = 0;
            client->transferred_at = 0;
            rc = store_portfolio_move(store, txn, client, agent->id);
        }
        if (rc == 0) {
            Folio__TimelineEvent ev = FOLIO__TIMELINE_EVENT__INIT;
            ev.time = req->now;
            ev.actor = (char *)req->actor.name;
            ev.kind = (char *)"transferred";
            ev.what = (char *)"restored";
            ev.date = today;
            rc = store_timeline_append(store, txn, sel.ids[i], &ev);
        }
        arena_free(&a);
    }
    for (size_t i = 0; i < sel.count && rc == 0; i++)
        rc = op_household_settle(req, txn, sel.ids[i], NULL);
    size_t count = sel.count;
    transfer_selection_free(&sel);
    Folio__ReassignResult *result = request_alloc(req, sizeof(*result));
    char *detail = arena_printf(&req->arena, "%zu clients", count);
    if (result == NULL || detail == NULL)
        return request_oom(req);
    if (rc == 0)
        rc = audit_append(req, txn, "client.restore", agent->name, detail);
    if (rc != 0)
        return request_store_error(req, rc, "restore the clients");
    folio__reassign_result__init(result);
    result->to = agent->name;
    result->count = count;
    req->response.result_case = FOLIO__RESPONSE__RESULT_REASSIGN;
    req->response.reassign = result;
    return 0;
}

/* A finished transfer's file goes as soon as its last request is answered,
 * not at the connection's next transfer or close. Later requests for it find
 * nothing and say so. */
void op_transfer_finish(struct request *req)
{
    struct connection *conn = req->conn;
    if (conn->transfer != NULL && conn->transfer->finished) {
        transfer_free(conn->transfer);
        conn->transfer = NULL;
    }
}
