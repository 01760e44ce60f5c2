/* op_subject.c - a privacy-law request's export: everything the firm holds
 * about one person, as one JSON document (record_json.h).
 *
 * A firm-admin's, whoever's client the person is, and always with a reason,
 * which the audit keeps. It runs as an export does (op_transfer.c): the read
 * stage checks the request and opens the connection's transfer; the pool
 * stage writes the document into the transfer's file from a read
 * transaction of its own, one record at a time, so that memory stays
 * constant however long the person's history; the write stage audits
 * (subject.export, under the client) and only then lets ExportChunk hand the
 * file out.
 *
 * The document holds the client record, which agent keeps it, the
 * household links with the linked clients' names, the consent (now, and
 * when it was set or changed: the timeline says when and by whom, the
 * values before a change are not kept), the timeline, holdings, offers,
 * coupons, the tasks and agenda marks about the person, the e-mail queued
 * or sent to them (the outbox keeps the address it went to and the relay's
 * reply), and the audit records under the client. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "audit.h"
#include "client_id.h"
#include "op.h"
#include "record_json.h"
#include "server.h"
#include "store_agenda.h"
#include "store_agenda_state.h"
#include "store_audit.h"
#include "store_client.h"
#include "store_coupon.h"
#include "store_holding.h"
#include "store_offer.h"
#include "store_office.h"
#include "store_outbox.h"
#include "store_task.h"
#include "store_user.h"
#include "transfer_bundle.h"
#include "validate.h"

#define OP_SUBJECT_REASON_MAX  200
#define OP_SUBJECT_FORMAT      "folio-subject-export"
#define OP_SUBJECT_VERSION     1
#define OP_SUBJECT_BUFFER      (64u * 1024u)
#define OP_SUBJECT_COUPON_CODE 64 /* longer index keys are not coupon codes */

/* How many records of each kind went into the document: its last member,
 * and the audit's detail. */
struct op_subject_counts {
    uint64_t timeline, holdings, offers, coupons, tasks, agenda_states, messages, audit;
};

struct op_subject {
    struct transfer *t;
    struct op_transfer_usage used; /* others' transfer files when it began */
    uint8_t id[16];
    char client_id[CLIENT_ID_TEXT + 1];
    struct op_subject_counts counts;
    Folio__Transfer *reply;
};

/* ---------------------------------------------------------------- the file */

/* The document on its way into the transfer's file, through a buffer. The
 * first error sticks: everything after it is skipped, and it is what the
 * build answers. */
struct op_subject_doc {
    struct store *store;
    MDB_txn *txn;
    int fd;
    char *buf;
    size_t len;
    uint64_t size;
    int error;
    bool first; /* no item yet in the array being written */
};

static int op_subject_flush(struct op_subject_doc *d)
{
    size_t done = 0;
    while (d->error == 0 && done < d->len) {
        ssize_t n = write(d->fd, d->buf + done, d->len - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            d->error = n < 0 ? errno : ENOSPC;
        else
            done += (size_t)n;
    }
    d->len = 0;
    return d->error;
}

/* json_dump_callback's writer, and the writer of the document's own text. */
static int op_subject_put(const char *data, size_t n, void *ctx)
{
    struct op_subject_doc *d = ctx;
    while (d->error == 0 && n > 0) {
        if (d->len == OP_SUBJECT_BUFFER && op_subject_flush(d) != 0)
            break;
        size_t room = OP_SUBJECT_BUFFER - d->len;
        size_t take = n < room ? n : room;
        memcpy(d->buf + d->len, data, take);
        d->len += take;
        d->size += take;
        data += take;
        n -= take;
    }
    return d->error != 0 ? -1 : 0;
}

static void op_subject_text(struct op_subject_doc *d, const char *text)
{
    op_subject_put(text, strlen(text), d);
}

/* Writes value (taking it; NULL: out of memory) as JSON text. ASCII only:
 * a hostile name stays escaped (\u202e, \u001b) in the file, whatever reads
 * it later. */
static void op_subject_json(struct op_subject_doc *d, json_t *value)
{
    if (value == NULL && d->error == 0)
        d->error = ENOMEM;
    if (value != NULL && d->error == 0 &&
        json_dump_callback(value, op_subject_put, d,
                           JSON_ENSURE_ASCII | JSON_COMPACT | JSON_ENCODE_ANY) != 0 &&
        d->error == 0)
        d->error = ENOMEM;
    json_decref(value);
}

/* `"key":` then value, after the members before it. */
static void op_subject_member(struct op_subject_doc *d, const char *key, json_t *value)
{
    op_subject_text(d, ",\n\"");
    op_subject_text(d, key);
    op_subject_text(d, "\":");
    op_subject_json(d, value);
}

static void op_subject_array_begin(struct op_subject_doc *d, const char *key)
{
    op_subject_text(d, ",\n\"");
    op_subject_text(d, key);
    op_subject_text(d, "\":[");
    d->first = true;
}

/* One item of the array being written, one line each. */
static int op_subject_item(struct op_subject_doc *d, json_t *value, uint64_t *count)
{
    op_subject_text(d, d->first ? "\n" : ",\n");
    d->first = false;
    op_subject_json(d, value);
    (*count)++;
    return d->error;
}

static void op_subject_array_end(struct op_subject_doc *d)
{
    op_subject_text(d, d->first ? "]" : "\n]");
}

/* ---------------------------------------------------------------- sections */

/* The agent who keeps the client: name, office, whether disabled; null for a
 * client an export released (the record says from whom). The record's
 * owner is filled in too, as replies do. */
static json_t *op_subject_owner(struct op_subject_doc *d, Folio__Client *client, struct arena *a)
{
    uint64_t owner_id = client->owner_id;
    client->owner = (char *)"";
    if (owner_id == 0)
        return json_null();
    Folio__User *user;
    int rc = store_user_get(d->store, d->txn, owner_id, a, &user);
    if (rc != 0) {
        d->error = rc == MDB_NOTFOUND ? EINVAL : rc;
        return json_null();
    }
    Folio__Office *office = NULL;
    rc = user->office_id != 0 ? store_office_get(d->store, d->txn, user->office_id, a, &office)
                              : MDB_NOTFOUND;
    if (rc != 0 && rc != MDB_NOTFOUND)
        d->error = rc;
    client->owner = user->name;
    return json_pack("{s:o, s:o, s:b}", "name", record_json_text(user->name), "office",
                     record_json_text(office != NULL ? office->name : NULL), "disabled",
                     user->disabled);
}

/* The household links, each with the linked client's name as it is now. */
static json_t *op_subject_household(struct op_subject_doc *d, const Folio__Client *client,
                                    struct arena *a)
{
    json_t *links = json_array();
    for (size_t i = 0; links != NULL && i < client->n_household; i++) {
        const Folio__HouseholdLink *link = client->household[i];
        uint8_t other_id[16];
        Folio__Client *other = NULL;
        if (client_id_parse(link->client_id, other_id) == 0) {
            int rc = store_client_get(d->store, d->txn, other_id, a, &other);
            if (rc != 0 && rc != MDB_NOTFOUND)
                d->error = rc;
        }
        json_t *item = json_pack("{s:o, s:o, s:o}", "client_id", record_json_text(link->client_id),
                                 "relation", record_json_text(link->relation), "name",
                                 record_json_text(other != NULL ? other->name : NULL));
        if (item == NULL || json_array_append_new(links, item) != 0) {
            json_decref(links);
            links = NULL;
        }
    }
    return links;
}

struct op_subject_walk {
    struct op_subject_doc *doc;
    uint64_t *count;
};

static int op_subject_event(void *ctx, const Folio__TimelineEvent *ev)
{
    const struct op_subject_walk *w = ctx;
    return op_subject_item(w->doc, record_json(&ev->base), w->count);
}

/* Did ev set the consent: the record's creation, or an update naming it? */
static bool op_subject_consent_event(const Folio__TimelineEvent *ev)
{
    if (strcmp(ev->kind, "created") == 0)
        return true;
    if (strcmp(ev->kind, "updated") != 0)
        return false;
    for (const char *p = ev->what; (p = strstr(p, "consent")) != NULL; p += strlen("consent")) {
        bool starts = p == ev->what || p[-1] == ',';
        bool ends = p[strlen("consent")] == '\0' || p[strlen("consent")] == ',';
        if (starts && ends)
            return true;
    }
    return false;
}

static int op_subject_consent_change(void *ctx, const Folio__TimelineEvent *ev)
{
    const struct op_subject_walk *w = ctx;
    if (!op_subject_consent_event(ev))
        return 0;
    json_t *change =
        json_pack("{s:o, s:o, s:o, s:s}", "time", record_json_time(ev->time), "actor",
                  record_json_text(ev->actor), "date", record_json_text(ev->date), "what",
                  strcmp(ev->kind, "created") == 0 ? "set when the record was made" : "changed");
    return op_subject_item(w->doc, change, w->count);
}

static int op_subject_holding(void *ctx, const Folio__Holding *h)
{
    const struct op_subject_walk *w = ctx;
    return op_subject_item(w->doc, record_json(&h->base), w->count);
}

static int op_subject_task(void *ctx, const Folio__Task *task)
{
    const struct op_subject_walk *w = ctx;
    return op_subject_item(w->doc, record_json(&task->base), w->count);
}

static int op_subject_mark(void *ctx, uint64_t item_id, Folio__AgendaState *state)
{
    (void)item_id;
    const struct op_subject_walk *w = ctx;
    return op_subject_item(w->doc, record_json(&state->base), w->count);
}

static int op_subject_audit(void *ctx, const Folio__AuditRecord *record)
{
    const struct op_subject_walk *w = ctx;
    return op_subject_item(w->doc, record_json(&record->base), w->count);
}

/* A record found by the id an index of the client's holds: an offer
 * (offers_by_client) or an e-mail of the outbox (outbox_by_client). */
static int op_subject_by_id(const struct op_subject_walk *w, const uint8_t *rest, size_t rest_len,
                            bool message)
{
    if (rest_len != 8)
        return 0;
    struct store *s = w->doc->store;
    uint64_t id = store_u64_from_key(rest);
    struct arena a;
    arena_init(&a, 0);
    Folio__OutboxMessage *mail = NULL;
    Folio__Offer *offer = NULL;
    int rc = message ? store_outbox_get(s, w->doc->txn, id, &a, &mail)
                     : store_offer_get(s, w->doc->txn, id, &a, &offer);
    if (rc == 0)
        rc = op_subject_item(w->doc, record_json(message ? &mail->base : &offer->base), w->count);
    arena_free(&a);
    return rc;
}

/* store_prefix_fn over outbox_by_client: the rest of the key is the id. */
static int op_subject_message(void *ctx, const uint8_t *rest, size_t rest_len, const MDB_val *value)
{
    (void)value;
    return op_subject_by_id(ctx, rest, rest_len, true);
}

/* store_prefix_fn over offers_by_client: the rest of the key is the id. */
static int op_subject_offer(void *ctx, const uint8_t *rest, size_t rest_len, const MDB_val *value)
{
    (void)value;
    return op_subject_by_id(ctx, rest, rest_len, false);
}

/* store_prefix_fn over coupons_by_client: the rest of the key is the code. */
static int op_subject_coupon(void *ctx, const uint8_t *rest, size_t rest_len, const MDB_val *value)
{
    (void)value;
    const struct op_subject_walk *w = ctx;
    if (rest_len == 0 || rest_len > OP_SUBJECT_COUPON_CODE)
        return 0;
    char code[OP_SUBJECT_COUPON_CODE + 1];
    memcpy(code, rest, rest_len);
    code[rest_len] = '\0';
    struct arena a;
    arena_init(&a, 0);
    Folio__Coupon *coupon;
    int rc = store_coupon_get(w->doc->store, w->doc->txn, code, &a, &coupon);
    if (rc == 0)
        rc = op_subject_item(w->doc, record_json(&coupon->base), w->count);
    arena_free(&a);
    return rc;
}

/* Runs one walk as the array key, keeping the first error. */
#define OP_SUBJECT_ARRAY(d, key, call)                                                             \
    do {                                                                                           \
        op_subject_array_begin((d), (key));                                                        \
        int walk_rc_ = (d)->error == 0 ? (call) : 0;                                               \
        if (walk_rc_ != 0 && (d)->error == 0)                                                      \
            (d)->error = walk_rc_;                                                                 \
        op_subject_array_end(d);                                                                   \
    } while (0)

/* The whole document about client, from d's transaction. */
static void op_subject_document(struct request *req, struct op_subject_doc *d,
                                struct op_subject *sx, Folio__Client *client)
{
    struct store *s = d->store;
    struct op_subject_counts *n = &sx->counts;
    uint64_t consent_changes = 0;
    struct arena a;
    arena_init(&a, 0);
    op_subject_text(d, "{\"format\":\"" OP_SUBJECT_FORMAT "\"");
    op_subject_member(d, "version", json_integer(OP_SUBJECT_VERSION));
    op_subject_member(d, "firm", record_json_text(req->server->firm_name));
    op_subject_member(d, "exported_at", record_json_time(req->now));
    op_subject_member(d, "exported_by", record_json_text(req->actor.name));
    op_subject_member(d, "reason", record_json_text(req->msg->subject_export->reason));
    json_t *owner = op_subject_owner(d, client, &a);
    json_t *household = op_subject_household(d, client, &a);
    json_t *consent = client->consent != NULL ? record_json(&client->consent->base) : json_null();
    op_subject_member(d, "client", record_json(&client->base));
    op_subject_member(d, "owner", owner);
    op_subject_member(d, "household", household);
    op_subject_member(d, "consent", consent);
    OP_SUBJECT_ARRAY(d, "consent_history",
                     store_timeline_each(s, d->txn, sx->id, op_subject_consent_change,
                                         &(struct op_subject_walk){d, &consent_changes}));
    OP_SUBJECT_ARRAY(d, "timeline",
                     store_timeline_each(s, d->txn, sx->id, op_subject_event,
                                         &(struct op_subject_walk){d, &n->timeline}));
    OP_SUBJECT_ARRAY(d, "holdings",
                     store_holding_each(s, d->txn, client->owner_id, sx->id, 0, op_subject_holding,
                                        &(struct op_subject_walk){d, &n->holdings}));
    OP_SUBJECT_ARRAY(d, "offers",
                     store_each_with_prefix(d->txn, s->offers_by_client, sx->id, 16,
                                            op_subject_offer,
                                            &(struct op_subject_walk){d, &n->offers}));
    OP_SUBJECT_ARRAY(d, "coupons",
                     store_each_with_prefix(d->txn, s->coupons_by_client, sx->id, 16,
                                            op_subject_coupon,
                                            &(struct op_subject_walk){d, &n->coupons}));
    OP_SUBJECT_ARRAY(d, "tasks",
                     store_task_each_client(s, d->txn, sx->id, op_subject_task,
                                            &(struct op_subject_walk){d, &n->tasks}));
    OP_SUBJECT_ARRAY(d, "agenda_states",
                     store_agenda_state_each(s, d->txn, sx->id, op_subject_mark,
                                             &(struct op_subject_walk){d, &n->agenda_states}));
    OP_SUBJECT_ARRAY(d, "messages",
                     store_each_with_prefix(d->txn, s->outbox_by_client, sx->id, 16,
                                            op_subject_message,
                                            &(struct op_subject_walk){d, &n->messages}));
    OP_SUBJECT_ARRAY(d, "audit",
                     store_audit_each_client(s, d->txn, sx->client_id, op_subject_audit,
                                             &(struct op_subject_walk){d, &n->audit}));
    op_subject_member(d, "counts",
                      json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I}", "timeline",
                                (json_int_t)n->timeline, "holdings", (json_int_t)n->holdings,
                                "offers", (json_int_t)n->offers, "coupons", (json_int_t)n->coupons,
                                "tasks", (json_int_t)n->tasks, "agenda_states",
                                (json_int_t)n->agenda_states, "messages", (json_int_t)n->messages,
                                "audit", (json_int_t)n->audit));
    op_subject_text(d, "\n}\n");
    op_subject_flush(d);
    arena_free(&a);
}

/* ---------------------------------------------------------------- stages */

int op_subject_export_read(struct request *req, MDB_txn *txn)
{
    const Folio__SubjectExport *ask = req->msg->subject_export;
    if (ask->reason[0] == '\0')
        return request_fail(req, FOLIO__CODE__INVALID_ARGUMENT,
                            "reason: say why the person's data is exported, e.g. the request's "
                            "reference (--reason TEXT)");
    const char *why = validate_text(ask->reason, OP_SUBJECT_REASON_MAX);
    if (why != NULL)
        return request_fail(req, FOLIO__CODE__INVALID_ARGUMENT, "reason: %s (at most %d bytes)",
                            why, OP_SUBJECT_REASON_MAX);
    struct op_subject *sx = request_alloc(req, sizeof(*sx));
    Folio__Transfer *reply = request_alloc(req, sizeof(*reply));
    if (sx == NULL || reply == NULL)
        return request_oom(req);
    memset(sx, 0, sizeof(*sx));
    Folio__Client *client;
    int rc = request_client(req, txn, "client", ask->client_id, true, sx->id, &client);
    if (rc != 0)
        return rc;
    client_id_format(sx->id, sx->client_id);
    if ((rc = op_transfer_open(req, TRANSFER_EXPORT, 0, &sx->used, &sx->t)) != 0)
        return rc;
    folio__transfer__init(reply);
    reply->transfer_id = sx->t->id;
    sx->reply = reply;
    req->scratch = sx;
    return 0;
}

/* Builds the document; on failure the transfer is over, and its file goes
 * once the answer is out (op_transfer_finish). */
static void op_subject_build(struct request *req, struct op_subject *sx)
{
    struct store *store = &req->server->store;
    struct op_subject_doc doc = {.store = store, .fd = sx->t->fd};
    if ((doc.buf = malloc(OP_SUBJECT_BUFFER)) == NULL) {
        request_oom(req);
        return;
    }
    int rc = store_read_begin(store, &doc.txn);
    if (rc != 0) {
        free(doc.buf);
        request_store_error(req, rc, "read the client");
        return;
    }
    struct arena a;
    arena_init(&a, 0);
    Folio__Client *client;
    rc = store_client_get(store, doc.txn, sx->id, &a, &client);
    if (rc == MDB_NOTFOUND)
        request_fail(req, FOLIO__CODE__NOT_FOUND, "no client %s", sx->client_id);
    else if (rc != 0)
        request_store_error(req, rc, "read the client");
    else
        op_subject_document(req, &doc, sx, client);
    arena_free(&a);
    store_read_end(store, doc.txn);
    free(doc.buf);
    if (rc == 0 && doc.error != 0)
        request_fail(req, FOLIO__CODE__UNAVAILABLE, "cannot write the export: %s",
                     store_strerror(doc.error));
    sx->t->size = doc.size;
    sx->reply->size = doc.size;
}

void op_subject_export_pool(struct request *req)
{
    struct op_subject *sx = req->scratch;
    op_subject_build(req, sx);
    /* Now that its size is known, the file must fit the quotas too. */
    if (request_ok(req))
        op_transfer_quota(req, sx->used, sx->t->size);
    if (!request_ok(req))
        sx->t->finished = true;
}

int op_subject_export_write(struct request *req, MDB_txn *txn)
{
    struct op_subject *sx = req->scratch;
    const struct op_subject_counts *n = &sx->counts;
    char *detail = arena_printf(
        &req->arena,
        "privacy-law request: %s; %llu timeline entries, %llu holdings, %llu offers, %llu "
        "coupons, %llu tasks, %llu agenda marks, %llu messages, %llu audit records",
        req->msg->subject_export->reason, (unsigned long long)n->timeline,
        (unsigned long long)n->holdings, (unsigned long long)n->offers,
        (unsigned long long)n->coupons, (unsigned long long)n->tasks,
        (unsigned long long)n->agenda_states, (unsigned long long)n->messages,
        (unsigned long long)n->audit);
    if (detail == NULL)
        return request_oom(req);
    int rc = audit_append_client(req, txn, sx->client_id, "subject.export", sx->client_id, detail,
                                 detail);
    if (rc != 0)
        return request_store_error(req, rc, "audit the export");
    sx->t->ready = true;
    req->response.result_case = FOLIO__RESPONSE__RESULT_TRANSFER;
    req->response.transfer = sx->reply;
    return 0;
}
