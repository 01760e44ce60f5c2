/* op_coupon.c - coupons at partner businesses, issued by an agent to one of
 * its clients and redeemed once.
 *
 * A coupon is a bearer token: whoever holds the code can redeem it. So the
 * code goes to the owner alone and never into the audit or the logs (audit
 * records name the client and the partner instead), and a code that is not
 * the actor's gets the answer of a code that does not exist (access.c).
 * Issuing needs the client's consent to marketing on some channel, as an
 * offer does (offer_channel). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "access.h"
#include "audit.h"
#include "calendar.h"
#include "client_record.h"
#include "coupon.h"
#include "offer.h"
#include "op.h"
#include "server.h"
#include "store_agenda.h"
#include "store_client.h"
#include "store_coupon.h"
#include "store_partner.h"
#include "validate.h"

#define OP_COUPON_DISCOUNT_MAX 200
#define OP_COUPON_CODE_LEN     COUPON_CODE_LEN
#define OP_COUPON_TRIES        8

/* The server's today, which decides validity and expiry, and the date the
 * change is labelled with (the request's `date`, never after today); in
 * the arena, since the stored coupon may point at them. */
static int op_coupon_dates(struct request *req, MDB_txn *txn, const char *date, char **today,
                           char **label)
{
    char server_today[CALENDAR_DATE_TEXT + 1], given[CALENDAR_DATE_TEXT + 1];
    int rc = request_dates(req, txn, date, server_today, given);
    if (rc != 0)
        return rc;
    if ((*today = arena_strdup(&req->arena, server_today)) == NULL ||
        (*label = arena_strdup(&req->arena, given)) == NULL)
        return request_oom(req);
    return 0;
}

/* Codes come from coupon.c, the one place that makes them. */
static void op_coupon_code(char out[OP_COUPON_CODE_LEN + 1])
{
    coupon_code_generate(out);
}

/* Names looked up for a page of coupons, remembered from one to the next:
 * a page is mostly one client's or one partner's. */
struct op_coupon_names {
    uint64_t partner_id;
    char *partner;
    char client_id[CLIENT_ID_TEXT + 1];
    char *client_name;
};

/* Fills the partner's and the client's names, which a stored coupon does
 * not carry. A partner or client gone missing leaves its name empty. */
static int op_coupon_names(struct request *req, MDB_txn *txn, Folio__Coupon *coupon,
                           struct op_coupon_names *names)
{
    struct store *store = &req->server->store;
    int rc;
    /* A coupon imported from another firm has no partner here (id 0) and
     * keeps the name it came with. */
    if (coupon->partner_id != 0 &&
        (names->partner == NULL || names->partner_id != coupon->partner_id)) {
        Folio__Partner *partner;
        rc = store_partner_get(store, txn, coupon->partner_id, &req->arena, &partner);
        if (rc != 0 && rc != MDB_NOTFOUND)
            return request_store_error(req, rc, "read the partner");
        names->partner = rc == 0 ? partner->name : (char *)"";
        names->partner_id = coupon->partner_id;
    }
    if (names->client_name == NULL || strcmp(names->client_id, coupon->client_id) != 0) {
        uint8_t id[STORE_CLIENT_ID_BYTES];
        Folio__Client *client;
        rc = client_id_parse(coupon->client_id, id) == 0
                 ? store_client_get(store, txn, id, &req->arena, &client)
                 : MDB_NOTFOUND;
        if (rc != 0 && rc != MDB_NOTFOUND)
            return request_store_error(req, rc, "read the client");
        names->client_name = rc == 0 ? client->name : (char *)"";
        snprintf(names->client_id, sizeof(names->client_id), "%s", coupon->client_id);
    }
    if (coupon->partner_id != 0)
        coupon->partner = names->partner;
    coupon->client_name = names->client_name;
    return 0;
}

/* The coupon's line on its client's timeline, dated date, and its audit
 * record. */
static int op_coupon_record(struct request *req, MDB_txn *txn, const uint8_t id[16],
                            const Folio__Coupon *coupon, const char *what, char *date,
                            const char *action)
{
    Folio__TimelineEvent *ev = request_alloc(req, sizeof(*ev));
    char *note = arena_printf(&req->arena, "%s: %s", coupon->partner, coupon->discount);
    char *detail =
        arena_printf(&req->arena, "partner %llu", (unsigned long long)coupon->partner_id);
    if (ev == NULL || note == NULL || detail == NULL)
        return request_oom(req);
    folio__timeline_event__init(ev);
    ev->time = req->now;
    ev->actor = (char *)req->actor.name;
    ev->kind = (char *)"coupon";
    ev->what = (char *)what;
    ev->note = note;
    ev->date = date;
    int rc = store_timeline_append(&req->server->store, txn, id, ev);
    if (rc == 0)
        rc = audit_append_client(req, txn, coupon->client_id, action, coupon->client_id, detail,
                                 detail);
    if (rc != 0)
        return request_store_error(req, rc, "record the coupon");
    return 0;
}

static int op_coupon_reply(struct request *req, Folio__Coupon *coupon)
{
    req->response.result_case = FOLIO__RESPONSE__RESULT_COUPON;
    req->response.coupon = coupon;
    return 0;
}

/* ---------------------------------------------------------------- issue */

int op_coupon_issue_one(struct request *req, MDB_txn *txn, const uint8_t id[16],
                        const char *client_text, const Folio__Partner *partner,
                        const char *discount, const char *valid_until, uint64_t campaign,
                        char *label, Folio__Coupon **out)
{
    struct store *store = &req->server->store;
    Folio__Coupon *coupon = request_alloc(req, sizeof(*coupon));
    char *code = request_alloc(req, OP_COUPON_CODE_LEN + 1);
    if (coupon == NULL || code == NULL)
        return request_oom(req);
    /* Two codes out of 2^80 meet with no real chance, but a coupon must
     * never land on another's code. */
    int rc;
    for (int tries = 0;; tries++) {
        if (tries == OP_COUPON_TRIES)
            return request_fail(req, FOLIO__CODE__INTERNAL, "no free coupon code found");
        op_coupon_code(code);
        Folio__Coupon *taken;
        rc = store_coupon_get(store, txn, code, &req->arena, &taken);
        if (rc == MDB_NOTFOUND)
            break;
        if (rc != 0)
            return request_store_error(req, rc, "issue the coupon");
    }
    folio__coupon__init(coupon);
    coupon->code = code;
    coupon->client_id = (char *)client_text;
    coupon->owner_id = req->actor.user_id;
    coupon->partner_id = partner->id;
    coupon->discount = (char *)discount;
    coupon->valid_until = (char *)valid_until;
    coupon->created_at = req->now;
    coupon->campaign_id = campaign;
    coupon->partner = partner->name;
    if ((rc = store_coupon_put(store, txn, coupon)) != 0)
        return request_store_error(req, rc, "issue the coupon");
    if ((rc = op_coupon_record(req, txn, id, coupon, "issued", label, "coupon.issue")) != 0)
        return rc;
    *out = coupon;
    return 0;
}

int op_coupon_issue_write(struct request *req, MDB_txn *txn)
{
    int rc;
    Folio__CouponIssue *ask = req->msg->coupon_issue;
    char *today, *label;
    if ((rc = op_coupon_dates(req, txn, ask->date, &today, &label)) != 0)
        return rc;
    Folio__Coupon empty = FOLIO__COUPON__INIT;
    const Folio__Coupon *given = ask->coupon != NULL ? ask->coupon : &empty;
    uint8_t id[STORE_CLIENT_ID_BYTES];
    Folio__Client *client;
    if ((rc = request_client(req, txn, "client_id", given->client_id, false, id, &client)) != 0)
        return rc;
    struct store *store = &req->server->store;
    Folio__Partner *partner;
    rc = store_partner_get(store, txn, given->partner_id, &req->arena, &partner);
    if (rc == MDB_NOTFOUND)
        return request_fail(req, FOLIO__CODE__NOT_FOUND, "no partner %llu",
                            (unsigned long long)given->partner_id);
    if (rc != 0)
        return request_store_error(req, rc, "read the partner");
    const char *why = validate_text(given->discount, OP_COUPON_DISCOUNT_MAX);
    if (why != NULL)
        return request_fail(req, FOLIO__CODE__INVALID_ARGUMENT, "discount: %s", why);
    if (calendar_parse_date(given->valid_until, NULL, NULL, NULL) != 0)
        return request_fail(req, FOLIO__CODE__INVALID_ARGUMENT,
                            "valid_until: not a date (YYYY-MM-DD)");
    if (strcmp(given->valid_until, today) < 0)
        return request_fail(req, FOLIO__CODE__INVALID_ARGUMENT, "valid_until: already past");
    if (offer_channel(client, "", &why) == NULL)
        return request_fail(req, FOLIO__CODE__FAILED_PRECONDITION, "%s", why);

    char *client_text = request_alloc(req, CLIENT_ID_TEXT + 1);
    if (client_text == NULL)
        return request_oom(req);
    client_id_format(id, client_text);
    Folio__Coupon *coupon;
    if ((rc = op_coupon_issue_one(req, txn, id, client_text, partner, given->discount,
                                  given->valid_until, 0, label, &coupon)) != 0)
        return rc;
    coupon->client_name = client->name;
    return op_coupon_reply(req, coupon);
}

/* ---------------------------------------------------------------- list */

int op_coupon_list_read(struct request *req, MDB_txn *txn)
{
    Folio__CouponList *ask = req->msg->coupon_list;
    uint8_t id[STORE_CLIENT_ID_BYTES];
    bool by_client = ask->client_id[0] != '\0';
    int rc;
    if (by_client) {
        Folio__Client *client;
        if ((rc = request_client(req, txn, "client_id", ask->client_id, false, id, &client)) != 0)
            return rc;
    }
    if (strnlen(ask->after, STORE_AGENDA_CODE_MAX + 1) > STORE_AGENDA_CODE_MAX)
        return request_fail(req, FOLIO__CODE__INVALID_ARGUMENT, "after: not a coupon code");
    size_t limit = request_page_size(ask->limit);
    Folio__Coupons *list = request_alloc(req, sizeof(*list));
    if (list == NULL)
        return request_oom(req);
    folio__coupons__init(list);
    bool more = false;
    rc = store_coupon_list(&req->server->store, txn, req->actor.user_id, by_client ? id : NULL,
                           ask->after[0] != '\0' ? ask->after : NULL, limit, &req->arena,
                           &list->coupons, &list->n_coupons, &more);
    if (rc != 0)
        return request_store_error(req, rc, "list the coupons");
    struct op_coupon_names names = {0};
    for (size_t i = 0; i < list->n_coupons; i++)
        if ((rc = op_coupon_names(req, txn, list->coupons[i], &names)) != 0)
            return rc;
    if (more && list->n_coupons > 0)
        list->next = list->coupons[list->n_coupons - 1]->code;
    req->response.result_case = FOLIO__RESPONSE__RESULT_COUPONS;
    req->response.coupons = list;
    return 0;
}

/* ---------------------------------------------------------------- redeem */

/* The actor's coupon under the code typed. Users type codes by hand:
 * compare them upper-cased. 0, or WRITER_ROLLBACK with the reply set. */
static int op_coupon_find(struct request *req, MDB_txn *txn, const char *typed, Folio__Coupon **out)
{
    size_t len = strnlen(typed, STORE_AGENDA_CODE_MAX + 1);
    if (len == 0 || len > STORE_AGENDA_CODE_MAX)
        return request_fail(req, FOLIO__CODE__INVALID_ARGUMENT, "code: not a coupon code");
    char code[STORE_AGENDA_CODE_MAX + 1];
    for (size_t i = 0; i <= len; i++) {
        char c = typed[i];
        code[i] = c >= 'a' && c <= 'z' ? (char)(c - 'a' + 'A') : c;
    }
    if (validate_text(code, STORE_AGENDA_CODE_MAX) != NULL)
        return request_fail(req, FOLIO__CODE__INVALID_ARGUMENT, "code: not a coupon code");
    Folio__Coupon *coupon = NULL;
    int rc = store_coupon_get(&req->server->store, txn, code, &req->arena, &coupon);
    if (rc == MDB_NOTFOUND)
        coupon = NULL;
    else if (rc != 0)
        return request_store_error(req, rc, "read the coupon");
    if ((rc = access_coupon(req, code, coupon)) != 0)
        return rc;
    *out = coupon;
    return 0;
}

int op_coupon_redeem_write(struct request *req, MDB_txn *txn)
{
    Folio__CouponRedeem *ask = req->msg->coupon_redeem;
    /* Expiry goes by the server's today; the request's date only says
     * when the client used the coupon. */
    char *today, *label;
    int rc = op_coupon_dates(req, txn, ask->date, &today, &label);
    if (rc != 0)
        return rc;
    struct store *store = &req->server->store;
    Folio__Coupon *coupon;
    if ((rc = op_coupon_find(req, txn, ask->code, &coupon)) != 0)
        return rc;
    if (coupon->redeemed_at[0] != '\0')
        return request_fail(req, FOLIO__CODE__FAILED_PRECONDITION,
                            "coupon %s was already redeemed on %s", coupon->code,
                            coupon->redeemed_at);
    if (coupon->withdrawn_at[0] != '\0')
        return request_fail(req, FOLIO__CODE__FAILED_PRECONDITION, "coupon %s was withdrawn on %s",
                            coupon->code, coupon->withdrawn_at);
    if (strcmp(today, coupon->valid_until) > 0)
        return request_fail(req, FOLIO__CODE__FAILED_PRECONDITION, "coupon %s expired on %s",
                            coupon->code, coupon->valid_until);
    uint8_t id[STORE_CLIENT_ID_BYTES];
    if (client_id_parse(coupon->client_id, id) != 0)
        return request_store_error(req, EINVAL, "read the coupon");
    coupon->redeemed_at = label;
    struct op_coupon_names names = {0};
    if ((rc = op_coupon_names(req, txn, coupon, &names)) != 0)
        return rc;
    if ((rc = store_coupon_put(store, txn, coupon)) != 0)
        return request_store_error(req, rc, "redeem the coupon");
    if ((rc = op_coupon_record(req, txn, id, coupon, "redeemed", label, "coupon.redeem")) != 0)
        return rc;
    return op_coupon_reply(req, coupon);
}

/* ---------------------------------------------------------------- withdraw */

int op_coupon_withdraw_one(struct request *req, MDB_txn *txn, Folio__Coupon *coupon, char *label)
{
    uint8_t id[STORE_CLIENT_ID_BYTES];
    if (client_id_parse(coupon->client_id, id) != 0)
        return request_store_error(req, EINVAL, "read the coupon");
    coupon->withdrawn_at = label;
    struct op_coupon_names names = {0};
    int rc;
    if ((rc = op_coupon_names(req, txn, coupon, &names)) != 0)
        return rc;
    if ((rc = store_coupon_put(&req->server->store, txn, coupon)) != 0)
        return request_store_error(req, rc, "withdraw the coupon");
    return op_coupon_record(req, txn, id, coupon, "withdrawn", label, "coupon.withdraw");
}

/* A coupon is taken back, never deleted: it stays in the client's history
 * and in bundles, and can no longer be redeemed. */
int op_coupon_withdraw_write(struct request *req, MDB_txn *txn)
{
    Folio__CouponWithdraw *ask = req->msg->coupon_withdraw;
    char *today, *label;
    int rc = op_coupon_dates(req, txn, ask->date, &today, &label);
    if (rc != 0)
        return rc;
    Folio__Coupon *coupon;
    if ((rc = op_coupon_find(req, txn, ask->code, &coupon)) != 0)
        return rc;
    if (coupon->withdrawn_at[0] != '\0')
        return request_fail(req, FOLIO__CODE__FAILED_PRECONDITION,
                            "coupon %s was already withdrawn on %s", coupon->code,
                            coupon->withdrawn_at);
    if (coupon->redeemed_at[0] != '\0')
        return request_fail(req, FOLIO__CODE__FAILED_PRECONDITION,
                            "coupon %s was already redeemed on %s", coupon->code,
                            coupon->redeemed_at);
    if ((rc = op_coupon_withdraw_one(req, txn, coupon, label)) != 0)
        return rc;
    return op_coupon_reply(req, coupon);
}

/* ---------------------------------------------------------------- send */

int op_coupon_send_one(struct request *req, MDB_txn *txn, Folio__Coupon *coupon,
                       const Folio__Client *client, char *label, const char **why_not,
                       Folio__OutboxMessage **out)
{
    *why_not = NULL;
    if (coupon->withdrawn_at[0] != '\0')
        *why_not = arena_printf(&req->arena, "coupon %s was withdrawn on %s", coupon->code,
                                coupon->withdrawn_at);
    else if (coupon->redeemed_at[0] != '\0')
        *why_not = arena_printf(&req->arena, "coupon %s was already redeemed on %s", coupon->code,
                                coupon->redeemed_at);
    else if (strcmp(coupon->mail_state, "queued") == 0 ||
             strcmp(coupon->mail_state, "delivered") == 0)
        *why_not = arena_printf(&req->arena, "coupon %s was already sent by e-mail (%s)",
                                coupon->code, coupon->mail_state);
    else
        *why_not = op_mail_unsendable(req, client);
    if (*why_not != NULL)
        return 0;
    uint8_t client_id[16];
    if (client_id_parse(client->id, client_id) != 0)
        return EINVAL;
    int rc = op_mail_queue(req, txn, client, "coupon", 0, coupon->code, coupon->campaign_id, out);
    if (rc != 0)
        return rc;
    coupon->outbox_id = (*out)->id;
    coupon->mail_state = (char *)"queued";
    coupon->mail_reply = (char *)"";
    if ((rc = store_coupon_put(&req->server->store, txn, coupon)) != 0)
        return rc;
    return op_coupon_record(req, txn, client_id, coupon, "sent by e-mail", label, "coupon.send");
}

int op_coupon_send_write(struct request *req, MDB_txn *txn)
{
    Folio__CouponSend *ask = req->msg->coupon_send;
    char *today, *label;
    int rc = op_coupon_dates(req, txn, ask->date, &today, &label);
    if (rc != 0)
        return rc;
    Folio__Coupon *coupon;
    if ((rc = op_coupon_find(req, txn, ask->code, &coupon)) != 0)
        return rc;
    uint8_t client_id[16];
    Folio__Client *client = NULL;
    if ((rc = request_client(req, txn, "code", coupon->client_id, false, client_id, &client)) != 0)
        return rc;
    Folio__Partner *partner = NULL;
    if ((rc = store_partner_get(&req->server->store, txn, coupon->partner_id, &req->arena,
                                &partner)) == 0)
        coupon->partner = partner->name;
    const char *why_not;
    Folio__OutboxMessage *message = NULL;
    if ((rc = op_coupon_send_one(req, txn, coupon, client, label, &why_not, &message)) != 0)
        return rc == ENOMEM ? request_oom(req) : request_store_error(req, rc, "send the coupon");
    if (why_not != NULL)
        return request_fail(req, FOLIO__CODE__FAILED_PRECONDITION, "%s", why_not);
    Folio__SendResult *result = request_alloc(req, sizeof(*result));
    Folio__OutboxMessage **messages = request_alloc(req, sizeof(*messages));
    if (result == NULL || messages == NULL)
        return request_oom(req);
    folio__send_result__init(result);
    coupon->client_name = client->name;
    message->client_name = client->name;
    messages[0] = message;
    result->messages = messages;
    result->n_messages = 1;
    result->coupon = coupon;
    req->response.result_case = FOLIO__RESPONSE__RESULT_SEND_RESULT;
    req->response.send_result = result;
    return 0;
}
