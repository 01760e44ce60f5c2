/* op_holding.c - what clients hold: policies, accounts and contracts.
 *
 * A holding follows its client: only the client's owner adds, reads,
 * edits or ends it, and anyone else is told it does not exist. What a
 * holding may say lives in holding.c. Every change lands on the client's
 * timeline (kind "holding") and in the audit in the same transaction. */
#include <errno.h>
#include <string.h>

#include "audit.h"
#include "calendar.h"
#include "client_record.h"
#include "holding.h"
#include "op.h"
#include "server.h"
#include "store_client.h"
#include "store_holding.h"

/* A timeline entry on the holding's client: "added auto", "ended auto". */
static int holding_timeline(struct request *req, MDB_txn *txn, const uint8_t client[16],
                            const Folio__Holding *h, const char *verb)
{
    char today[CALENDAR_DATE_TEXT + 1];
    int rc = request_today(req, txn, today);
    if (rc != 0)
        return rc;
    Folio__TimelineEvent ev = FOLIO__TIMELINE_EVENT__INIT;
    ev.time = req->now;
    ev.actor = (char *)req->actor.name;
    ev.kind = (char *)"holding";
    ev.what = arena_printf(&req->arena, "%s %s", verb, h->kind);
    ev.note = arena_printf(&req->arena, "%s%s%s (holding %llu)", h->provider,
                           h->number[0] != '\0' ? " " : "", h->number, (unsigned long long)h->id);
    ev.date = today;
    if (ev.what == NULL || ev.note == NULL)
        return ENOMEM;
    return store_timeline_append(&req->server->store, txn, client, &ev);
}

static int holding_audit(struct request *req, MDB_txn *txn, const Folio__Holding *h,
                         const char *action, const char *detail)
{
    char *target = arena_printf(&req->arena, "%llu", (unsigned long long)h->id);
    if (target == NULL)
        return ENOMEM;
    return audit_append_client(req, txn, h->client_id, action, target, detail, detail);
}

static int holding_reply(struct request *req, Folio__Holding *h, const char *client_name)
{
    h->client_name = (char *)client_name;
    req->response.result_case = FOLIO__RESPONSE__RESULT_HOLDING;
    req->response.holding = h;
    return 0;
}

/* The actor's holding id with its client; NOT_FOUND, the same for a holding
 * that does not exist and one of someone else's client. */
static int holding_find(struct request *req, MDB_txn *txn, uint64_t id, Folio__Holding **h,
                        uint8_t client_id[16], Folio__Client **client)
{
    struct store *store = &req->server->store;
    int rc = store_holding_get(store, txn, id, &req->arena, h);
    if (rc == 0 && client_id_parse((*h)->client_id, client_id) == 0)
        rc = store_client_get(store, txn, client_id, &req->arena, client);
    else if (rc == 0)
        rc = MDB_NOTFOUND;
    if (rc == 0 && (*client)->owner_id != req->actor.user_id)
        rc = MDB_NOTFOUND;
    if (rc == MDB_NOTFOUND)
        return request_fail(req, FOLIO__CODE__NOT_FOUND, "no holding %llu", (unsigned long long)id);
    return rc == 0 ? 0 : request_store_error(req, rc, "read the holding");
}

/* Checks a typed holding and stores it with its timeline entry and audit. */
static int holding_store(struct request *req, MDB_txn *txn, Folio__Holding *h,
                         const uint8_t client_id[16], const char *verb, const char *action,
                         const char *detail)
{
    const char *why = holding_validate(h);
    if (why == NULL && strcmp(verb, "ended") != 0)
        why = holding_validate_typed(h, &req->server->iso);
    if (why != NULL)
        return request_fail(req, FOLIO__CODE__INVALID_ARGUMENT, "%s", why);
    h->version++;
    h->updated_at = req->now;
    int rc = store_holding_put(&req->server->store, txn, h);
    if (rc == 0)
        rc = holding_timeline(req, txn, client_id, h, verb);
    if (rc == 0)
        rc = holding_audit(req, txn, h, action, detail);
    if (rc == ENOMEM)
        return request_oom(req);
    return rc == 0 ? 0 : request_store_error(req, rc, "store the holding");
}

/* ---------------------------------------------------------------- add, get */

int op_holding_add_write(struct request *req, MDB_txn *txn)
{
    Folio__Holding *h =
        request_record(req, &folio__holding__descriptor, req->msg->holding_add->holding);
    if (h == NULL)
        return request_oom(req);
    uint8_t client_id[16];
    Folio__Client *client;
    int rc = request_client(req, txn, "client_id", h->client_id, false, client_id, &client);
    if (rc != 0)
        return rc;
    h->id = 0;
    h->client_id = client->id;
    h->owner_id = req->actor.user_id;
    if (h->status[0] == '\0')
        h->status = (char *)"active";
    h->end_reason = (char *)"";
    h->client_name = (char *)"";
    h->created_at = req->now;
    h->version = 0;
    if ((rc = holding_store(req, txn, h, client_id, "added", "holding.add", h->kind)) != 0)
        return rc;
    return holding_reply(req, h, client->name);
}

int op_holding_get_read(struct request *req, MDB_txn *txn)
{
    Folio__Holding *h;
    uint8_t client_id[16];
    Folio__Client *client;
    int rc = holding_find(req, txn, req->msg->holding_get->id, &h, client_id, &client);
    return rc != 0 ? rc : holding_reply(req, h, client->name);
}

/* ---------------------------------------------------------------- edit, end */

int op_holding_edit_write(struct request *req, MDB_txn *txn)
{
    const Folio__HoldingEdit *ask = req->msg->holding_edit;
    Folio__Holding *h;
    uint8_t client_id[16];
    Folio__Client *client;
    int rc = holding_find(req, txn, ask->id, &h, client_id, &client);
    if (rc != 0)
        return rc;
    if (ask->if_version != 0 && ask->if_version != h->version)
        return request_fail(req, FOLIO__CODE__ABORTED,
                            "holding %llu is at version %llu, not %llu: it changed since",
                            (unsigned long long)h->id, (unsigned long long)h->version,
                            (unsigned long long)ask->if_version);
    Folio__Holding none = FOLIO__HOLDING__INIT;
    const char *why = holding_apply_edit(h, ask->changes != NULL ? ask->changes : &none,
                                         ask->fields, ask->n_fields, &req->arena);
    if (why != NULL)
        return request_fail(req,
                            strncmp(why, "status:", 7) == 0 ? FOLIO__CODE__FAILED_PRECONDITION
                                                            : FOLIO__CODE__INVALID_ARGUMENT,
                            "%s", why);
    char *fields = arena_printf(&req->arena, "%s", "");
    for (size_t i = 0; fields != NULL && i < ask->n_fields; i++)
        fields = arena_printf(&req->arena, "%s%s%s", fields, i > 0 ? "," : "", ask->fields[i]);
    if (fields == NULL)
        return request_oom(req);
    if ((rc = holding_store(req, txn, h, client_id, "edited", "holding.edit", fields)) != 0)
        return rc;
    return holding_reply(req, h, client->name);
}

int op_holding_end_write(struct request *req, MDB_txn *txn)
{
    const Folio__HoldingEnd *ask = req->msg->holding_end;
    Folio__Holding *h;
    uint8_t client_id[16];
    Folio__Client *client;
    int rc = holding_find(req, txn, ask->id, &h, client_id, &client);
    if (rc != 0)
        return rc;
    bool precondition;
    const char *why = holding_end(h, ask->date, ask->reason, &precondition);
    if (why != NULL)
        return request_fail(
            req, precondition ? FOLIO__CODE__FAILED_PRECONDITION : FOLIO__CODE__INVALID_ARGUMENT,
            "%s", why);
    if ((rc = holding_store(req, txn, h, client_id, "ended", "holding.end", ask->reason)) != 0)
        return rc;
    return holding_reply(req, h, client->name);
}

/* ---------------------------------------------------------------- list */

struct holding_list_walk {
    struct request *req;
    const Folio__HoldingList *ask;
    size_t limit;
    Folio__Holding **page;
    size_t n_page;
    bool more;
};

static int holding_list_visit(void *ctx, const Folio__Holding *h)
{
    struct holding_list_walk *walk = ctx;
    const Folio__HoldingList *ask = walk->ask;
    if ((ask->kind[0] != '\0' && strcmp(h->kind, ask->kind) != 0) ||
        (ask->status[0] != '\0' && strcmp(h->status, ask->status) != 0) ||
        (ask->renews_before[0] != '\0' && (h->renews_on[0] == '\0' || !holding_open(h) ||
                                           strcmp(h->renews_on, ask->renews_before) >= 0)))
        return 0;
    if (walk->n_page == walk->limit) {
        walk->more = true;
        return 1;
    }
    /* The walk's holding lives for this call only: keep a copy. */
    size_t len = folio__holding__get_packed_size(h);
    uint8_t *buf = request_alloc(walk->req, len > 0 ? len : 1);
    if (buf == NULL)
        return ENOMEM;
    folio__holding__pack(h, buf);
    Folio__Holding *kept = folio__holding__unpack(&walk->req->arena.allocator, len, buf);
    if (kept == NULL)
        return ENOMEM;
    walk->page[walk->n_page++] = kept;
    return 0;
}

int op_holding_list_read(struct request *req, MDB_txn *txn)
{
    const Folio__HoldingList *ask = req->msg->holding_list;
    struct store *store = &req->server->store;
    if (ask->kind[0] != '\0' && !holding_kind_known(ask->kind))
        return request_fail(req, FOLIO__CODE__INVALID_ARGUMENT, "kind: one of " HOLDING_KINDS);
    if (ask->status[0] != '\0' && !holding_status_known(ask->status))
        return request_fail(req, FOLIO__CODE__INVALID_ARGUMENT,
                            "status: one of quoted, active, lapsed, cancelled, ended");
    if (ask->renews_before[0] != '\0' &&
        calendar_parse_date(ask->renews_before, NULL, NULL, NULL) != 0)
        return request_fail(req, FOLIO__CODE__INVALID_ARGUMENT,
                            "renews_before: not a date (YYYY-MM-DD)");
    uint8_t client_id[16];
    const uint8_t *only = NULL;
    if (ask->client_id[0] != '\0') {
        Folio__Client *client;
        int rc = request_client(req, txn, "client_id", ask->client_id, false, client_id, &client);
        if (rc != 0)
            return rc;
        only = client_id;
    }
    struct holding_list_walk walk = {
        .req = req, .ask = ask, .limit = request_page_size(ask->limit)};
    if ((walk.page = arena_calloc(&req->arena, walk.limit, sizeof(*walk.page))) == NULL)
        return request_oom(req);
    int rc = store_holding_each(store, txn, req->actor.user_id, only, ask->after,
                                holding_list_visit, &walk);
    if (rc == ENOMEM)
        return request_oom(req);
    if (rc != 0)
        return request_store_error(req, rc, "list the holdings");
    /* One name lookup per run of holdings of the same client. */
    const char *last_id = NULL, *last_name = "";
    for (size_t i = 0; i < walk.n_page; i++) {
        Folio__Holding *h = walk.page[i];
        if (last_id == NULL || strcmp(last_id, h->client_id) != 0) {
            uint8_t id[16];
            Folio__Client *client;
            last_id = h->client_id;
            last_name = "";
            if (client_id_parse(h->client_id, id) == 0) {
                rc = store_client_get(store, txn, id, &req->arena, &client);
                if (rc == 0)
                    last_name = client->name;
                else if (rc != MDB_NOTFOUND)
                    return request_store_error(req, rc, "read the holding's client");
            }
        }
        h->client_name = (char *)last_name;
    }
    Folio__Holdings *list = request_alloc(req, sizeof(*list));
    if (list == NULL)
        return request_oom(req);
    folio__holdings__init(list);
    list->holdings = walk.page;
    list->n_holdings = walk.n_page;
    if (walk.more && walk.n_page > 0)
        list->next = walk.page[walk.n_page - 1]->id;
    req->response.result_case = FOLIO__RESPONSE__RESULT_HOLDINGS;
    req->response.holdings = list;
    return 0;
}
