/* op_offer.c - time-limited offers to clients.
 *
 * Offers follow their client: only its owner adds, lists or changes them,
 * and anyone else is told the offer (or client) does not exist. What an
 * offer may hold, how it moves from status to status and which channel it
 * goes out on live in offer.c; the "expired" status is derived from the day
 * asked about every time an offer is shown, never stored. Every change adds
 * to the client's timeline and writes its audit record in the same
 * transaction. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "access.h"
#include "array_size.h"
#include "audit.h"
#include "calendar.h"
#include "client_record.h"
#include "client_summary.h"
#include "offer.h"
#include "op.h"
#include "rule.h"
#include "server.h"
#include "store_alert.h"
#include "store_client.h"
#include "store_coupon.h"
#include "store_offer.h"
#include "store_rule.h"
#include "writer.h"

/* A timeline entry on the offer's client, recorded now by the actor. */
static int op_offer_timeline(struct request *req, MDB_txn *txn, const uint8_t *client_id,
                             const Folio__Offer *offer, const char *what, const char *today)
{
    Folio__TimelineEvent *ev = request_alloc(req, sizeof(*ev));
    char *date = arena_strdup(&req->arena, today);
    if (ev == NULL || date == NULL)
        return ENOMEM;
    folio__timeline_event__init(ev);
    ev->time = req->now;
    ev->actor = (char *)req->actor.name;
    ev->kind = (char *)"offer";
    ev->what = (char *)what;
    ev->note = offer->title;
    ev->date = date;
    return store_timeline_append(&req->server->store, txn, client_id, ev);
}

/* The reply to a change: the offer as of today, with its client's name and
 * the actor's card (an empty one with the user name when none was set). */
static int op_offer_reply(struct request *req, MDB_txn *txn, Folio__Offer *offer,
                          const Folio__Client *client, const char *today)
{
    Folio__AgentCard *card = NULL;
    int rc = request_actor_card(req, txn, &card);
    if (rc != 0)
        return rc;
    char *status = arena_strdup(&req->arena, offer_status_on(offer, today));
    if (status == NULL)
        return request_oom(req);
    offer->status = status;
    offer->client_name = client->name;
    offer->agent = card;
    req->response.result_case = FOLIO__RESPONSE__RESULT_OFFER;
    req->response.offer = offer;
    return 0;
}

/* ---------------------------------------------------------------- add */

int op_offer_record_new(struct request *req, MDB_txn *txn, const uint8_t client_id[16],
                        Folio__Offer *offer, const char *label)
{
    int rc;
    if ((rc = store_offer_put(&req->server->store, txn, offer)) != 0 ||
        (rc = op_offer_timeline(req, txn, client_id, offer, "proposed", label)) != 0)
        return rc;
    char *target = arena_printf(&req->arena, "%llu", (unsigned long long)offer->id);
    char *detail = offer->campaign_id == 0 ? offer->client_id
                                           : arena_printf(&req->arena, "campaign %llu",
                                                          (unsigned long long)offer->campaign_id);
    if (target == NULL || detail == NULL)
        return ENOMEM;
    return audit_append_client(req, txn, offer->client_id, "offer.add", target, detail, detail);
}

int op_offer_alerts_read(struct request *req, MDB_txn *txn, struct arena *arena,
                         const Folio__Offer *offer, const char *today, struct op_offer_alerts *out)
{
    struct store *store = &req->server->store;
    const char *from = strcmp(offer->valid_from, today) > 0 ? offer->valid_from : today;
    int rc = store_rule_list(store, txn, arena, &out->rules, &out->n_rules);
    if (rc == 0)
        rc = store_alert_active(store, txn, from, offer->valid_until, arena, &out->alerts,
                                &out->n_alerts);
    return rc;
}

int op_offer_avoided(const struct op_offer_alerts *in_force, const struct client_summary *client,
                     const Folio__Offer *offer, struct arena *arena, const Folio__Alert **alert,
                     const char **avoid)
{
    *alert = NULL;
    for (size_t i = 0; i < in_force->n_alerts; i++) {
        const Folio__Alert *a = in_force->alerts[i];
        char trigger[RULE_ON_MAX + 8];
        struct rule_advice advice;
        snprintf(trigger, sizeof(trigger), "alert:%s", a->kind);
        if (!client_summary_in_alert(client, a))
            continue;
        if (rule_advise(in_force->rules, in_force->n_rules, trigger, arena, &advice) < 0)
            return ENOMEM;
        if (rule_avoids(advice.avoid, offer->product, offer->title)) {
            *alert = a;
            *avoid = advice.avoid;
            return 0;
        }
    }
    return 0;
}

/* "Avoid" wins: an alert in force during the offer's validity where the
 * client lives, whose rules say to avoid what is offered, refuses the offer
 * unless the agent says --despite-alert (the agenda holds such an
 * opportunity back the same way, rule_avoids). */
static int op_offer_alert_check(struct request *req, MDB_txn *txn,
                                const uint8_t client_id[STORE_CLIENT_ID_BYTES],
                                const Folio__Offer *offer, const char *today)
{
    if (req->msg->offer_add->despite_alert)
        return 0;
    struct arena scratch;
    arena_init(&scratch, 0);
    struct op_offer_alerts in_force = {0};
    struct client_summary client;
    const Folio__Alert *alert = NULL;
    const char *avoid = NULL;
    int rc = op_offer_alerts_read(req, txn, &scratch, offer, today, &in_force);
    if (rc == 0)
        rc = store_client_summary_get(&req->server->store, txn, req->actor.user_id, client_id,
                                      &scratch, &client);
    if (rc == 0)
        rc = op_offer_avoided(&in_force, &client, offer, &scratch, &alert, &avoid);
    if (rc == 0 && alert != NULL)
        rc = request_fail(req, FOLIO__CODE__FAILED_PRECONDITION,
                          "product: %s in %s (alert %llu) says to avoid %s for clients "
                          "there; add --despite-alert to offer it anyway",
                          alert->kind, alert->city[0] != '\0' ? alert->city : alert->region,
                          (unsigned long long)alert->id, avoid);
    arena_free(&scratch);
    if (rc == ENOMEM)
        return request_oom(req);
    if (rc == MDB_NOTFOUND || (rc != 0 && rc != WRITER_ROLLBACK))
        return request_store_error(req, rc, "read the alerts");
    return rc;
}

int op_offer_add_write(struct request *req, MDB_txn *txn)
{
    Folio__Offer *offer =
        request_record(req, &folio__offer__descriptor, req->msg->offer_add->offer);
    if (offer == NULL)
        return request_oom(req);
    /* The card is the server's. */
    offer->agent = NULL;
    offer->client_name = (char *)"";

    uint8_t client_id[STORE_CLIENT_ID_BYTES];
    Folio__Client *client;
    int rc = request_client(req, txn, "client_id", offer->client_id, false, client_id, &client);
    if (rc != 0)
        return rc;
    const char *why = offer_validate(offer);
    if (why != NULL)
        return request_fail(req, FOLIO__CODE__INVALID_ARGUMENT, "%s", why);
    const char *channel = offer_channel(client, offer->channel, &why);
    if (channel == NULL)
        return request_fail(req,
                            strncmp(why, "channel:", 8) == 0 ? FOLIO__CODE__INVALID_ARGUMENT
                                                             : FOLIO__CODE__FAILED_PRECONDITION,
                            "%s", why);
    char today[CALENDAR_DATE_TEXT + 1], label[CALENDAR_DATE_TEXT + 1];
    if ((rc = request_dates(req, txn, req->msg->offer_add->date, today, label)) != 0 ||
        (rc = op_offer_alert_check(req, txn, client_id, offer, today)) != 0)
        return rc;
    offer->id = 0;
    offer->client_id = client->id;
    offer->owner_id = req->actor.user_id;
    offer->status = (char *)"proposed";
    offer->channel = (char *)channel;
    offer->created_at = offer->updated_at = req->now;
    offer->campaign_id = 0;
    offer->coupon_code = (char *)"";
    if ((rc = op_offer_record_new(req, txn, client_id, offer, label)) != 0)
        return rc == ENOMEM ? request_oom(req) : request_store_error(req, rc, "add the offer");
    return op_offer_reply(req, txn, offer, client, today);
}

/* ---------------------------------------------------------------- list */

struct op_offer_walk {
    struct request *req;
    const char *client_id; /* only this client's; NULL: all */
    const char *status;    /* only this status as of today; NULL: any */
    const char *today;
    size_t limit;
    Folio__Offer **page;
    size_t n_page;
    bool more;
};

/* The walk unpacks each offer for the call alone: copy the ones kept into
 * the request's arena. */
static Folio__Offer *op_offer_keep(struct request *req, const Folio__Offer *offer)
{
    size_t len = folio__offer__get_packed_size(offer);
    uint8_t *buf = request_alloc(req, len > 0 ? len : 1);
    if (buf == NULL)
        return NULL;
    folio__offer__pack(offer, buf);
    return folio__offer__unpack(&req->arena.allocator, len, buf);
}

static int op_offer_visit(void *ctx, const Folio__Offer *offer)
{
    struct op_offer_walk *walk = ctx;
    if (walk->client_id != NULL && strcmp(offer->client_id, walk->client_id) != 0)
        return 0;
    if (walk->status != NULL && strcmp(offer_status_on(offer, walk->today), walk->status) != 0)
        return 0;
    if (walk->n_page == walk->limit) {
        walk->more = true;
        return 1;
    }
    Folio__Offer *kept = op_offer_keep(walk->req, offer);
    if (kept == NULL)
        return ENOMEM;
    walk->page[walk->n_page++] = kept;
    return 0;
}

static bool op_offer_status_known(const char *status)
{
    static const char *const statuses[] = {"proposed", "sent",    "accepted",
                                           "declined", "expired", "withdrawn"};
    for (size_t i = 0; i < ARRAY_SIZE(statuses); i++)
        if (strcmp(status, statuses[i]) == 0)
            return true;
    return false;
}

int op_offer_list_read(struct request *req, MDB_txn *txn)
{
    Folio__OfferList *ask = req->msg->offer_list;
    struct store *store = &req->server->store;
    char today[CALENDAR_DATE_TEXT + 1];
    int rc = request_listing_day(req, txn, ask->date, today);
    if (rc != 0)
        return rc;
    if (ask->status[0] != '\0' && !op_offer_status_known(ask->status))
        return request_fail(req, FOLIO__CODE__INVALID_ARGUMENT,
                            "status: one of proposed, sent, accepted, declined, expired, "
                            "withdrawn");
    struct op_offer_walk walk = {
        .req = req,
        .status = ask->status[0] != '\0' ? ask->status : NULL,
        .today = today,
        .limit = request_page_size(ask->limit),
    };
    if (ask->client_id[0] != '\0') {
        uint8_t id[STORE_CLIENT_ID_BYTES];
        Folio__Client *client;
        if ((rc = request_client(req, txn, "client_id", ask->client_id, false, id, &client)) != 0)
            return rc;
        walk.client_id = client->id;
    }
    if ((walk.page = arena_calloc(&req->arena, walk.limit, sizeof(*walk.page))) == NULL)
        return request_oom(req);
    rc = store_offer_each(store, txn, req->actor.user_id, ask->after, op_offer_visit, &walk);
    if (rc == ENOMEM)
        return request_oom(req);
    if (rc != 0)
        return request_store_error(req, rc, "list the offers");

    /* One name lookup per run of offers to the same client. */
    const char *last_id = NULL, *last_name = "";
    for (size_t i = 0; i < walk.n_page; i++) {
        Folio__Offer *offer = walk.page[i];
        if (last_id == NULL || strcmp(last_id, offer->client_id) != 0) {
            uint8_t id[STORE_CLIENT_ID_BYTES];
            Folio__Client *client;
            last_id = offer->client_id;
            last_name = "";
            if (client_id_parse(offer->client_id, id) == 0) {
                rc = store_client_get(store, txn, id, &req->arena, &client);
                if (rc == 0)
                    last_name = client->name;
                else if (rc != MDB_NOTFOUND)
                    return request_store_error(req, rc, "read the offer's client");
            }
        }
        offer->client_name = (char *)last_name;
        offer->status = (char *)offer_status_on(offer, today);
    }
    Folio__Offers *list = request_alloc(req, sizeof(*list));
    if (list == NULL)
        return request_oom(req);
    folio__offers__init(list);
    list->offers = walk.page;
    list->n_offers = walk.n_page;
    if (walk.more && walk.n_page > 0)
        list->next = walk.page[walk.n_page - 1]->id;
    req->response.result_case = FOLIO__RESPONSE__RESULT_OFFERS;
    req->response.offers = list;
    return 0;
}

/* ---------------------------------------------------------------- set */

int op_offer_withdraw(struct request *req, MDB_txn *txn, Folio__Offer *offer, const char *label)
{
    uint8_t client_id[STORE_CLIENT_ID_BYTES];
    if (client_id_parse(offer->client_id, client_id) != 0)
        return EINVAL;
    offer->status = (char *)"withdrawn";
    offer->updated_at = req->now;
    int rc;
    if ((rc = store_offer_put(&req->server->store, txn, offer)) != 0 ||
        (rc = op_offer_timeline(req, txn, client_id, offer, "withdrawn", label)) != 0)
        return rc;
    char *target = arena_printf(&req->arena, "%llu", (unsigned long long)offer->id);
    if (target == NULL)
        return ENOMEM;
    return audit_append_client(req, txn, offer->client_id, "offer.withdraw", target, "withdrawn",
                               "withdrawn");
}

/* The offer id and its client, when the caller owns the client now; else
 * the refusal access_offer gives (no such offer, or not the caller's). */
static int offer_of_caller(struct request *req, MDB_txn *txn, uint64_t id, Folio__Offer **offer,
                           Folio__Client **client)
{
    struct store *store = &req->server->store;
    *offer = NULL;
    *client = NULL;
    int rc = store_offer_get(store, txn, id, &req->arena, offer);
    if (rc == MDB_NOTFOUND)
        *offer = NULL;
    else if (rc != 0)
        return request_store_error(req, rc, "read the offer");
    if ((rc = access_offer(req, id, *offer)) != 0)
        return rc;
    uint8_t client_id[STORE_CLIENT_ID_BYTES];
    if (client_id_parse((*offer)->client_id, client_id) == 0 &&
        (rc = store_client_get(store, txn, client_id, &req->arena, client)) != 0 &&
        rc != MDB_NOTFOUND)
        return request_store_error(req, rc, "read the offer's client");
    if (*client == NULL || (*client)->owner_id != req->actor.user_id)
        return access_offer(req, id, NULL);
    return 0;
}

int op_offer_set_write(struct request *req, MDB_txn *txn)
{
    Folio__OfferSet *ask = req->msg->offer_set;
    struct store *store = &req->server->store;
    /* Whether the offer has expired is the server's call; the request's
     * date only says when the client answered. */
    char today[CALENDAR_DATE_TEXT + 1], label[CALENDAR_DATE_TEXT + 1];
    int rc = request_dates(req, txn, ask->date, today, label);
    if (rc != 0)
        return rc;
    Folio__Offer *offer;
    Folio__Client *client;
    if ((rc = offer_of_caller(req, txn, ask->id, &offer, &client)) != 0)
        return rc;
    uint8_t client_id[STORE_CLIENT_ID_BYTES];
    if (client_id_parse(client->id, client_id) != 0)
        return request_store_error(req, EINVAL, "read the offer's client");

    bool precondition;
    const char *why = offer_transition(offer, ask->status, today, &precondition);
    if (why != NULL)
        return request_fail(
            req, precondition ? FOLIO__CODE__FAILED_PRECONDITION : FOLIO__CODE__INVALID_ARGUMENT,
            "%s", why);
    /* Consent can be withdrawn after the offer was proposed. */
    if (strcmp(ask->status, "sent") == 0 && offer_channel(client, offer->channel, &why) == NULL)
        return request_fail(req, FOLIO__CODE__FAILED_PRECONDITION, "%s", why);
    if (strcmp(ask->status, "withdrawn") == 0) {
        if ((rc = op_offer_withdraw(req, txn, offer, label)) != 0)
            return rc == ENOMEM ? request_oom(req)
                                : request_store_error(req, rc, "withdraw the offer");
        return op_offer_reply(req, txn, offer, client, today);
    }
    offer->status = ask->status;
    offer->updated_at = req->now;
    if ((rc = store_offer_put(store, txn, offer)) != 0 ||
        (rc = op_offer_timeline(req, txn, client_id, offer, ask->status, label)) != 0)
        return rc == ENOMEM ? request_oom(req) : request_store_error(req, rc, "change the offer");
    char *target = arena_printf(&req->arena, "%llu", (unsigned long long)offer->id);
    if (target == NULL)
        return request_oom(req);
    if ((rc = audit_append_client(req, txn, client->id, "offer.set", target, ask->status,
                                  ask->status)) != 0)
        return request_store_error(req, rc, "change the offer");
    return op_offer_reply(req, txn, offer, client, today);
}

/* ---------------------------------------------------------------- send */

int op_offer_send_one(struct request *req, MDB_txn *txn, Folio__Offer *offer,
                      const Folio__Client *client, const char *today, const char *label,
                      const char **why_not, Folio__OutboxMessage **out)
{
    bool precondition;
    *why_not = offer_transition(offer, "sent", today, &precondition);
    if (*why_not == NULL && strcmp(offer->channel, "email") != 0)
        *why_not = arena_printf(&req->arena,
                                "offer %llu goes out by %s, not e-mail: mark it sent with "
                                "folio offer set %llu sent",
                                (unsigned long long)offer->id, offer->channel,
                                (unsigned long long)offer->id);
    if (*why_not == NULL)
        *why_not = op_mail_unsendable(req, client);
    if (*why_not != NULL)
        return 0;
    uint8_t client_id[STORE_CLIENT_ID_BYTES];
    int rc;
    if ((rc = client_id_parse(client->id, client_id)) != 0)
        return EINVAL;
    /* The coupon its campaign issued with it goes in the same message. */
    if ((rc = op_mail_queue(req, txn, client, "offer", offer->id, offer->coupon_code,
                            offer->campaign_id, out)) != 0)
        return rc;
    if (offer->coupon_code[0] != '\0') {
        Folio__Coupon *coupon;
        rc = store_coupon_get(&req->server->store, txn, offer->coupon_code, &req->arena, &coupon);
        if (rc == 0 && coupon->withdrawn_at[0] == '\0' && coupon->redeemed_at[0] == '\0') {
            coupon->outbox_id = (*out)->id;
            coupon->mail_state = (char *)"queued";
            coupon->mail_reply = (char *)"";
            rc = store_coupon_put(&req->server->store, txn, coupon);
        }
        if (rc != 0 && rc != MDB_NOTFOUND)
            return rc;
    }
    offer->status = (char *)"sent";
    offer->updated_at = req->now;
    offer->outbox_id = (*out)->id;
    offer->mail_state = (char *)"queued";
    offer->mail_reply = (char *)"";
    offer->mail_at = req->now;
    if ((rc = store_offer_put(&req->server->store, txn, offer)) != 0 ||
        (rc = op_offer_timeline(req, txn, client_id, offer, "sent by e-mail", label)) != 0)
        return rc;
    char *target = arena_printf(&req->arena, "%llu", (unsigned long long)offer->id);
    char *detail = arena_printf(&req->arena, "outbox %llu", (unsigned long long)(*out)->id);
    if (target == NULL || detail == NULL)
        return ENOMEM;
    return audit_append_client(req, txn, client->id, "offer.send", target, detail, detail);
}

int op_offer_send_write(struct request *req, MDB_txn *txn)
{
    const Folio__OfferSend *ask = req->msg->offer_send;
    char today[CALENDAR_DATE_TEXT + 1], label[CALENDAR_DATE_TEXT + 1];
    int rc = request_dates(req, txn, ask->date, today, label);
    if (rc != 0)
        return rc;
    Folio__Offer *offer;
    Folio__Client *client;
    if ((rc = offer_of_caller(req, txn, ask->id, &offer, &client)) != 0)
        return rc;
    const char *why_not = NULL;
    Folio__OutboxMessage *message = NULL;
    char *day = arena_strdup(&req->arena, label);
    if (day == NULL)
        return request_oom(req);
    rc = op_offer_send_one(req, txn, offer, client, today, day, &why_not, &message);
    if (rc != 0)
        return rc == ENOMEM ? request_oom(req) : request_store_error(req, rc, "send the offer");
    if (why_not != NULL)
        return request_fail(req, FOLIO__CODE__FAILED_PRECONDITION, "%s", why_not);
    Folio__AgentCard *card = NULL;
    if ((rc = request_actor_card(req, txn, &card)) != 0)
        return rc;
    offer->client_name = client->name;
    offer->agent = card;
    Folio__SendResult *result = request_alloc(req, sizeof(*result));
    Folio__OutboxMessage **messages = request_alloc(req, sizeof(*messages));
    if (result == NULL || messages == NULL)
        return request_oom(req);
    folio__send_result__init(result);
    messages[0] = message;
    message->client_name = client->name;
    result->messages = messages;
    result->n_messages = 1;
    result->offer = offer;
    req->response.result_case = FOLIO__RESPONSE__RESULT_SEND_RESULT;
    req->response.send_result = result;
    return 0;
}
