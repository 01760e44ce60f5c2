/* op_client_merge.c - `client merge KEEP OTHER`: one client from two
 * records of the same person, in one transaction.
 *
 * Both records are first brought back to what people typed (a replay to an
 * empty timeline), joined by client_merge_fill, and then the two timelines,
 * joined in date order (merge_event_order) and numbered afresh, are
 * replayed into the result:
 * so income, marital status, children, purchases and last contact come out
 * as if every event had been recorded on one client, and the record agrees
 * with its history as after any correction. other's offers, coupons,
 * holdings and tasks move to keep (its agenda marks go: they name items of
 * other's); other is erased with a tombstone (an older bundle cannot bring
 * it back unasked) and the audit keeps both ids. */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "calendar.h"
#include "client_record.h"
#include "op.h"
#include "server.h"
#include "store_client.h"
#include "store_coupon.h"
#include "store_holding.h"
#include "store_offer.h"
#include "store_task.h"
#include "store_tombstone.h"

struct merge_side {
    uint8_t id[STORE_CLIENT_ID_BYTES];
    Folio__Client *client;
    Folio__TimelineEvent **events;
    size_t n_events;
};

static int merge_side_read(struct request *req, MDB_txn *txn, const char *field, const char *text,
                           struct merge_side *side)
{
    int rc = request_client(req, txn, field, text, false, side->id, &side->client);
    if (rc != 0)
        return rc;
    rc = store_timeline_all(&req->server->store, txn, side->id, &req->arena, &side->events,
                            &side->n_events);
    if (rc == ENOMEM)
        return request_oom(req);
    if (rc != 0)
        return request_store_error(req, rc, "read the client's history");
    /* Back to what people typed: the joined timeline is replayed later. */
    const char *why =
        client_timeline_replay(side->client, side->events, side->n_events, NULL, 0, &req->arena);
    return why == NULL ? 0 : request_fail(req, FOLIO__CODE__INVALID_ARGUMENT, "%s", why);
}

/* The two "created" entries first: what people typed is where both records
 * start (client_merge_fill joined it). Then date order; on one date, the
 * order they were recorded in; keep's first when recorded in the same
 * second. */
struct merge_event {
    Folio__TimelineEvent *ev;
    int side;
};

static int merge_event_order(const void *a, const void *b)
{
    const struct merge_event *x = a, *y = b;
    bool x_created = strcmp(x->ev->kind, "created") == 0;
    bool y_created = strcmp(y->ev->kind, "created") == 0;
    if (x_created != y_created)
        return x_created ? -1 : 1;
    int c = strcmp(x->ev->date, y->ev->date);
    if (c != 0)
        return c;
    if (x->ev->time != y->ev->time)
        return x->ev->time < y->ev->time ? -1 : 1;
    if (x->side != y->side)
        return x->side - y->side;
    return x->ev->seq < y->ev->seq ? -1 : x->ev->seq > y->ev->seq;
}

/* Both timelines and the merge's own entry, in date order, numbered from 1. */
static Folio__TimelineEvent **merge_timeline(struct request *req, const struct merge_side *keep,
                                             const struct merge_side *other,
                                             Folio__TimelineEvent *note, size_t *count)
{
    size_t n = keep->n_events + other->n_events + 1;
    struct merge_event *all = arena_calloc(&req->arena, n, sizeof(*all));
    Folio__TimelineEvent **out = arena_calloc(&req->arena, n, sizeof(*out));
    if (all == NULL || out == NULL)
        return NULL;
    size_t k = 0;
    for (size_t i = 0; i < keep->n_events; i++)
        all[k++] = (struct merge_event){keep->events[i], 0};
    for (size_t i = 0; i < other->n_events; i++)
        all[k++] = (struct merge_event){other->events[i], 1};
    all[k++] = (struct merge_event){note, 2};
    qsort(all, n, sizeof(*all), merge_event_order);
    for (size_t i = 0; i < n; i++) {
        out[i] = all[i].ev;
        out[i]->seq = i + 1;
    }
    *count = n;
    return out;
}

/* Writes the joined timeline under keep, with its agenda entries. Income
 * triggers compare with the entry before, which the join may have changed. */
static int merge_timeline_store(struct request *req, MDB_txn *txn, const struct merge_side *keep,
                                Folio__TimelineEvent **events, size_t n)
{
    struct store *store = &req->server->store;
    for (size_t i = 0; i < n; i++) {
        Folio__TimelineEvent *ev = events[i];
        if (strcmp(ev->kind, "income") == 0 &&
            (ev->trigger = client_event_trigger_of(keep->client, ev, &req->arena)) == NULL)
            return ENOMEM;
        int rc = store_timeline_put(store, txn, keep->id, ev->seq, ev);
        if (rc == 0)
            rc = op_client_event_index(store, txn, keep->id, keep->client->owner_id, ev);
        if (rc != 0)
            return rc;
    }
    return 0;
}

int op_client_merge_write(struct request *req, MDB_txn *txn)
{
    const Folio__ClientMerge *ask = req->msg->client_merge;
    struct store *store = &req->server->store;
    struct merge_side keep = {0}, other = {0};
    int rc = merge_side_read(req, txn, "keep_id", ask->keep_id, &keep);
    if (rc == 0)
        rc = merge_side_read(req, txn, "other_id", ask->other_id, &other);
    if (rc != 0)
        return rc;
    if (memcmp(keep.id, other.id, sizeof(keep.id)) == 0)
        return request_fail(req, FOLIO__CODE__INVALID_ARGUMENT,
                            "other_id: the same client as keep_id; name two clients");
    Folio__Client *c = keep.client;
    const char *why = client_merge_fill(c, other.client, &req->arena);
    if (why != NULL)
        return request_fail(req, FOLIO__CODE__INVALID_ARGUMENT, "%s", why);

    char today[CALENDAR_DATE_TEXT + 1];
    if ((rc = request_today(req, txn, today)) != 0)
        return request_store_error(req, rc, "read the time zone");
    Folio__TimelineEvent *note = request_alloc(req, sizeof(*note));
    if (note == NULL)
        return request_oom(req);
    folio__timeline_event__init(note);
    note->time = req->now;
    note->actor = (char *)req->actor.name;
    note->kind = (char *)"updated";
    note->what = (char *)"merged";
    note->date = arena_strdup(&req->arena, today);
    note->note =
        arena_printf(&req->arena, "merged with %s (%s)", other.client->id, other.client->name);
    size_t n = 0;
    Folio__TimelineEvent **events = merge_timeline(req, &keep, &other, note, &n);
    if (note->date == NULL || note->note == NULL || events == NULL)
        return request_oom(req);
    why = client_timeline_replay(c, NULL, 0, events, n, &req->arena);
    if (why == NULL)
        why = client_validate(c);
    if (why != NULL)
        return request_fail(req, FOLIO__CODE__INVALID_ARGUMENT, "%s", why);
    c->version++;
    c->updated_at = req->now;

    char *detail = arena_printf(&req->arena, "%s merged into %s", other.client->id, c->id);
    if (detail == NULL)
        return request_oom(req);
    if ((rc = store_timeline_clear(store, txn, keep.id, c->owner_id)) != 0 ||
        (rc = op_household_rehome(req, txn, c, other.client)) != 0 ||
        (rc = store_task_rehome_client(store, txn, other.id, c->id)) != 0 ||
        (rc = store_client_delete(store, txn, other.id)) != 0 ||
        (rc = merge_timeline_store(req, txn, &keep, events, n)) != 0 ||
        (rc = store_client_put(store, txn, keep.id, c)) != 0 ||
        (rc = store_offer_move_client(store, txn, other.id, c->id)) != 0 ||
        (rc = store_coupon_move_client(store, txn, other.id, c->id)) != 0 ||
        (rc = store_holding_move_client(store, txn, other.id, c->id, c->owner_id)) != 0 ||
        (rc = store_tombstone_put(store, txn, other.id, req->now)) != 0 ||
        (rc = audit_append_client(req, txn, c->id, "client.merge", c->id, detail, detail)) != 0)
        return rc == ENOMEM ? request_oom(req) : request_store_error(req, rc, "merge the clients");
    if ((rc = op_client_reply(req, txn, c, NULL)) != 0)
        return rc;
    req->response.result_case = FOLIO__RESPONSE__RESULT_CLIENT;
    req->response.client = c;
    return 0;
}
