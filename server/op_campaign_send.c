/* op_campaign_send.c - `campaign send`: one e-mail per open offer of a
 * campaign, queued in the one transaction that marks them sent.
 *
 * An offer that cannot go out by e-mail (not open, another channel, the
 * client's consent withdrawn since, no address, moved to another agent) is
 * counted as skipped, never sent; sending a campaign again queues only what
 * is still proposed, so nothing goes out twice. */
#include <errno.h>
#include <string.h>

#include "access.h"
#include "audit.h"
#include "calendar.h"
#include "client_record.h"
#include "op.h"
#include "server.h"
#include "store_campaign.h"
#include "store_client.h"
#include "store_offer.h"

int op_campaign_send_write(struct request *req, MDB_txn *txn)
{
    const Folio__CampaignSend *ask = req->msg->campaign_send;
    struct store *store = &req->server->store;
    char today[CALENDAR_DATE_TEXT + 1], label_text[CALENDAR_DATE_TEXT + 1];
    int rc = request_dates(req, txn, ask->date, today, label_text);
    if (rc != 0)
        return rc;
    Folio__Campaign *campaign = NULL;
    rc = store_campaign_get(store, txn, ask->id, &req->arena, &campaign);
    if (rc == MDB_NOTFOUND)
        campaign = NULL;
    else if (rc != 0)
        return request_store_error(req, rc, "read the campaign");
    if ((rc = access_campaign(req, ask->id, campaign)) != 0)
        return rc;
    if (strcmp(campaign->status, "cancelled") == 0)
        return request_fail(req, FOLIO__CODE__FAILED_PRECONDITION, "campaign %llu was cancelled",
                            (unsigned long long)campaign->id);
    if (strcmp(campaign->channel, "email") != 0)
        return request_fail(req, FOLIO__CODE__FAILED_PRECONDITION,
                            "campaign %llu goes out by %s, not e-mail",
                            (unsigned long long)campaign->id, campaign->channel);
    if (!req->server->mail.enabled)
        return request_fail(req, FOLIO__CODE__FAILED_PRECONDITION,
                            "this server sends no e-mail: start foliod serve with --smtp-url and "
                            "--smtp-from");
    char *label = arena_strdup(&req->arena, label_text);
    Folio__SendResult *result = request_alloc(req, sizeof(*result));
    Folio__OutboxMessage **queued =
        arena_calloc(&req->arena, campaign->n_offer_ids + 1, sizeof(*queued));
    if (label == NULL || result == NULL || queued == NULL)
        return request_oom(req);
    folio__send_result__init(result);
    for (size_t i = 0; i < campaign->n_offer_ids; i++) {
        Folio__Offer *offer;
        rc = store_offer_get(store, txn, campaign->offer_ids[i], &req->arena, &offer);
        if (rc == MDB_NOTFOUND) { /* erased with its client */
            result->skipped++;
            continue;
        }
        if (rc != 0)
            return request_store_error(req, rc, "read the campaign's offers");
        if (strcmp(offer->status, "proposed") != 0 || offer->owner_id != req->actor.user_id) {
            result->skipped += strcmp(offer->status, "sent") != 0;
            continue;
        }
        uint8_t client_id[16];
        Folio__Client *client = NULL;
        if (client_id_parse(offer->client_id, client_id) != 0 ||
            (rc = store_client_get(store, txn, client_id, &req->arena, &client)) == MDB_NOTFOUND) {
            result->skipped++;
            continue;
        }
        if (rc != 0)
            return request_store_error(req, rc, "read the campaign's clients");
        const char *why_not = NULL;
        Folio__OutboxMessage *message = NULL;
        rc = op_offer_send_one(req, txn, offer, client, today, label, &why_not, &message);
        if (rc == ENOMEM)
            return request_oom(req);
        if (rc != 0)
            return request_store_error(req, rc, "send the campaign");
        if (why_not != NULL) {
            result->skipped++;
            continue;
        }
        message->client_name = client->name;
        queued[result->n_messages++] = message;
    }
    result->messages = queued;
    char *target = arena_printf(&req->arena, "%llu", (unsigned long long)campaign->id);
    char *detail = arena_printf(&req->arena, "%s: %zu queued, %llu skipped", campaign->name,
                                result->n_messages, (unsigned long long)result->skipped);
    if (target == NULL || detail == NULL)
        return request_oom(req);
    if ((rc = audit_append(req, txn, "campaign.send", target, detail)) != 0)
        return request_store_error(req, rc, "send the campaign");
    req->response.result_case = FOLIO__RESPONSE__RESULT_SEND_RESULT;
    req->response.send_result = result;
    return 0;
}
