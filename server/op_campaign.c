/* op_campaign.c - campaigns: one offer (and coupon) for each client of a
 * segment of the agent's own portfolio, in one transaction.
 *
 * A client is skipped, and counted, when it has not consented to the
 * campaign's channel, or lives where an alert in force says to avoid what
 * the campaign offers ("avoid" wins, as it refuses offer add).
 *
 * Which clients a campaign picks is folio segment's business
 * (op_segment_each); what a campaign may hold and who it skips is
 * campaign.c's; offers and coupons are made, and withdrawn, by the same
 * functions offer add and coupon issue use (op_offer.c, op_coupon.c), so
 * each lands on its client's timeline and in the audit as one made alone
 * would, naming its campaign. A dry run walks in a read transaction and
 * changes nothing; a real one walks again in the write transaction, so the
 * clients it reaches are those of the portfolio as it is committed. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "access.h"
#include "audit.h"
#include "calendar.h"
#include "campaign.h"
#include "client_id.h"
#include "client_summary.h"
#include "offer.h"
#include "op.h"
#include "op_campaign.h"
#include "server.h"
#include "store_campaign.h"
#include "store_client.h"
#include "store_coupon.h"
#include "store_offer.h"
#include "store_partner.h"

int op_campaign_skip(struct op_campaign_plan *plan, const struct client_summary *client,
                     const char **why)
{
    if ((*why = campaign_skip_reason(plan->campaign, client)) != NULL)
        return 0;
    struct arena *arena = &plan->req->arena;
    const Folio__Alert *alert;
    const char *avoid;
    int rc = op_offer_avoided(&plan->in_force, client, &plan->offer, arena, &alert, &avoid);
    if (rc != 0 || alert == NULL)
        return rc;
    *why = arena_printf(arena, "%s in %s (alert %llu) says to avoid %s", alert->kind,
                        alert->city[0] != '\0' ? alert->city : alert->region,
                        (unsigned long long)alert->id, avoid);
    return *why == NULL ? ENOMEM : 0;
}

int op_campaign_visit(void *ctx, const uint8_t id[STORE_CLIENT_ID_BYTES],
                      const struct client_summary *client)
{
    struct op_campaign_plan *plan = ctx;
    if (plan->count == plan->max) {
        plan->too_many = true;
        return 1;
    }
    struct op_campaign_pick *pick = &plan->picks[plan->count];
    memcpy(pick->id, id, STORE_CLIENT_ID_BYTES);
    if ((pick->name = arena_strdup(&plan->req->arena, client->name)) == NULL)
        return ENOMEM;
    int rc = op_campaign_skip(plan, client, &pick->skipped);
    if (rc != 0)
        return rc;
    plan->reached += pick->skipped == NULL;
    plan->count++;
    return 0;
}

int op_campaign_plan_start(struct request *req, MDB_txn *txn, const Folio__Campaign *campaign,
                           const char *today, struct op_campaign_plan *plan)
{
    *plan = (struct op_campaign_plan){.req = req, .campaign = campaign};
    campaign_offer(campaign, &plan->offer);
    int rc = op_offer_alerts_read(req, txn, &req->arena, &plan->offer, today, &plan->in_force);
    if (rc != 0)
        return rc == ENOMEM ? request_oom(req) : request_store_error(req, rc, "read the alerts");
    return 0;
}

/* The clients of the campaign's segment, refused whole past the maximum;
 * those without consent for its channel, or living where an alert in force
 * says to avoid what it offers (as offer add refuses), skipped. 0, or
 * WRITER_ROLLBACK with the reply set. */
static int op_campaign_walk(struct request *req, MDB_txn *txn, const Folio__Campaign *campaign,
                            const char *today, struct op_campaign_plan *plan)
{
    char ages_on[CALENDAR_DATE_TEXT + 1];
    int rc;
    if ((rc = op_segment_today(req, txn, campaign->segment, ages_on)) != 0 ||
        (rc = op_campaign_plan_start(req, txn, campaign, today, plan)) != 0)
        return rc;
    plan->max = CAMPAIGN_CLIENTS_MAX;
    if ((plan->picks = arena_calloc(&req->arena, plan->max, sizeof(*plan->picks))) == NULL)
        return request_oom(req);
    rc = op_segment_each(req, txn, campaign->segment, ages_on, op_campaign_visit, plan);
    if (rc == ENOMEM)
        return request_oom(req);
    if (rc != 0 && rc != 1)
        return request_store_error(req, rc, "walk the clients");
    if (plan->too_many)
        return request_fail(req, FOLIO__CODE__FAILED_PRECONDITION,
                            "the segment holds more than %d clients, the most one campaign "
                            "reaches: narrow it with more filters",
                            CAMPAIGN_CLIENTS_MAX);
    return 0;
}

int op_campaign_asked(struct request *req, MDB_txn *txn, const Folio__CampaignCreate *ask,
                      const char *today, Folio__Campaign **out, Folio__Partner **partner)
{
    Folio__Campaign *campaign = request_record(req, &folio__campaign__descriptor, ask->campaign);
    Folio__Segment *segment = request_record(req, &folio__segment__descriptor, ask->segment);
    if (campaign == NULL || segment == NULL)
        return request_oom(req);
    const char *why = campaign_validate(campaign);
    if (why == NULL)
        why = campaign_segment_validate(segment);
    if (why != NULL)
        return request_fail(req, FOLIO__CODE__INVALID_ARGUMENT, "%s", why);
    if (strcmp(campaign->valid_until, today) < 0)
        return request_fail(req, FOLIO__CODE__INVALID_ARGUMENT, "--valid-until: already past");
    *partner = NULL;
    if (campaign->partner_id != 0) {
        int rc =
            store_partner_get(&req->server->store, txn, campaign->partner_id, &req->arena, partner);
        if (rc == MDB_NOTFOUND)
            return request_fail(req, FOLIO__CODE__NOT_FOUND, "--coupon-partner: no partner %llu",
                                (unsigned long long)campaign->partner_id);
        if (rc != 0)
            return request_store_error(req, rc, "read the partner");
    }
    campaign->id = 0;
    campaign->owner_id = req->actor.user_id;
    campaign->segment = segment;
    campaign->status = (char *)"active";
    campaign->created_at = req->now;
    campaign->cancelled_at = 0;
    campaign->n_offer_ids = 0;
    campaign->offer_ids = NULL;
    campaign->n_tally = 0;
    campaign->tally = NULL;
    campaign->accepted_bp = 0;
    campaign->partner = *partner != NULL ? (*partner)->name : (char *)"";
    campaign->offers = 0;
    *out = campaign;
    return 0;
}

/* One client's line of a create's reply: what it got (made; NULL in a dry
 * run or when skipped) or why it was skipped. NULL when out of memory. */
static Folio__CampaignClient *op_campaign_client(struct request *req,
                                                 const struct op_campaign_pick *pick,
                                                 Folio__CampaignClient *made)
{
    Folio__CampaignClient *c = made;
    if (c == NULL && (c = request_alloc(req, sizeof(*c))) != NULL)
        folio__campaign_client__init(c);
    char *id = request_alloc(req, CLIENT_ID_TEXT + 1);
    if (c == NULL || id == NULL)
        return NULL;
    client_id_format(pick->id, id);
    c->client_id = id;
    c->client_name = pick->name;
    c->skipped = pick->skipped != NULL ? (char *)pick->skipped : (char *)"";
    return c;
}

Folio__CampaignResult *op_campaign_result_new(struct request *req, Folio__Campaign *campaign,
                                              const struct op_campaign_plan *plan,
                                              Folio__CampaignClient **made, bool dry_run)
{
    Folio__CampaignResult *result = request_alloc(req, sizeof(*result));
    Folio__CampaignClient **clients =
        arena_calloc(&req->arena, plan->count > 0 ? plan->count : 1, sizeof(*clients));
    if (result == NULL || clients == NULL)
        return NULL;
    folio__campaign_result__init(result);
    size_t n = 0;
    for (int pass = 0; pass < 2; pass++)
        for (size_t i = 0; i < plan->count; i++) {
            const struct op_campaign_pick *pick = &plan->picks[i];
            if ((pick->skipped != NULL) != (pass == 1))
                continue;
            if ((clients[n++] = op_campaign_client(req, pick, made != NULL ? made[i] : NULL)) ==
                NULL)
                return NULL;
        }
    if (campaign != NULL)
        campaign->offers = campaign->n_offer_ids;
    result->campaign = campaign;
    result->clients = clients;
    result->n_clients = n;
    result->reached = plan->reached;
    result->skipped = plan->count - plan->reached;
    result->dry_run = dry_run;
    return result;
}

/* The reply to a create: reached clients first, then the skipped. */
static int op_campaign_result(struct request *req, Folio__Campaign *campaign,
                              const struct op_campaign_plan *plan, Folio__CampaignClient **made,
                              bool dry_run)
{
    Folio__CampaignResult *result = op_campaign_result_new(req, campaign, plan, made, dry_run);
    if (result == NULL)
        return request_oom(req);
    req->response.result_case = FOLIO__RESPONSE__RESULT_CAMPAIGN_RESULT;
    req->response.campaign_result = result;
    return 0;
}

/* ---------------------------------------------------------------- create */

/* Checks the request before the writer sees it; a dry run is answered
 * here, from a read transaction, and writes nothing. */
int op_campaign_create_read(struct request *req, MDB_txn *txn)
{
    char today[CALENDAR_DATE_TEXT + 1], label[CALENDAR_DATE_TEXT + 1];
    Folio__Campaign *campaign = NULL;
    Folio__Partner *partner = NULL;
    int rc;
    if ((rc = request_dates(req, txn, req->msg->campaign_create->date, today, label)) != 0 ||
        (rc = op_campaign_asked(req, txn, req->msg->campaign_create, today, &campaign, &partner)) !=
            0)
        return rc;
    if (!req->msg->campaign_create->dry_run)
        return 0;
    struct op_campaign_plan plan;
    if ((rc = op_campaign_walk(req, txn, campaign, today, &plan)) != 0)
        return rc;
    req->skip_write = true;
    return op_campaign_result(req, campaign, &plan, NULL, true);
}

int op_campaign_reach(struct request *req, MDB_txn *txn, const Folio__Campaign *campaign,
                      const Folio__Partner *partner, const struct op_campaign_pick *pick,
                      char *label, Folio__CampaignClient **out)
{
    Folio__CampaignClient *made = request_alloc(req, sizeof(*made));
    Folio__Offer *offer = request_alloc(req, sizeof(*offer));
    char *client_text = request_alloc(req, CLIENT_ID_TEXT + 1);
    if (made == NULL || offer == NULL || client_text == NULL)
        return request_oom(req);
    folio__campaign_client__init(made);
    client_id_format(pick->id, client_text);
    int rc;
    if (partner != NULL) {
        Folio__Coupon *coupon;
        if ((rc = op_coupon_issue_one(req, txn, pick->id, client_text, partner, campaign->discount,
                                      campaign->valid_until, campaign->id, label, &coupon)) != 0)
            return rc;
        made->coupon_code = coupon->code;
    }
    campaign_offer(campaign, offer);
    offer->client_id = client_text;
    offer->owner_id = campaign->owner_id;
    offer->status = (char *)"proposed";
    offer->created_at = offer->updated_at = req->now;
    offer->coupon_code = made->coupon_code;
    if ((rc = op_offer_record_new(req, txn, pick->id, offer, label)) != 0)
        return rc == ENOMEM ? request_oom(req) : request_store_error(req, rc, "make the offer");
    made->offer_id = offer->id;
    *out = made;
    return 0;
}

int op_campaign_create_write(struct request *req, MDB_txn *txn)
{
    struct store *store = &req->server->store;
    char today[CALENDAR_DATE_TEXT + 1], label_text[CALENDAR_DATE_TEXT + 1];
    Folio__Campaign *campaign = NULL;
    Folio__Partner *partner = NULL;
    struct op_campaign_plan plan;
    int rc;
    if ((rc = request_dates(req, txn, req->msg->campaign_create->date, today, label_text)) != 0 ||
        (rc = op_campaign_asked(req, txn, req->msg->campaign_create, today, &campaign, &partner)) !=
            0 ||
        (rc = op_campaign_walk(req, txn, campaign, today, &plan)) != 0)
        return rc;
    if (plan.count == 0)
        return request_fail(req, FOLIO__CODE__FAILED_PRECONDITION,
                            "the segment holds none of your clients");
    if (plan.reached == 0)
        return request_fail(req, FOLIO__CODE__FAILED_PRECONDITION,
                            "no client of the segment can be reached: none consented to "
                            "marketing by %s, or alerts say to avoid the product there "
                            "(folio campaign create --dry-run shows who and why)",
                            campaign->channel);
    char *label = arena_strdup(&req->arena, label_text);
    Folio__CampaignClient **made = arena_calloc(&req->arena, plan.count, sizeof(*made));
    campaign->offer_ids = arena_calloc(&req->arena, plan.reached, sizeof(*campaign->offer_ids));
    if (label == NULL || made == NULL || campaign->offer_ids == NULL)
        return request_oom(req);
    campaign->skipped = plan.count - plan.reached;
    /* The id first: offers and coupons name their campaign. */
    if ((rc = store_campaign_put(store, txn, campaign)) != 0)
        return request_store_error(req, rc, "create the campaign");
    for (size_t i = 0; i < plan.count; i++) {
        if (plan.picks[i].skipped != NULL)
            continue;
        if ((rc = op_campaign_reach(req, txn, campaign, partner, &plan.picks[i], label,
                                    &made[i])) != 0)
            return rc;
        campaign->offer_ids[campaign->n_offer_ids++] = made[i]->offer_id;
    }
    if ((rc = store_campaign_put(store, txn, campaign)) != 0)
        return request_store_error(req, rc, "create the campaign");
    char *target = arena_printf(&req->arena, "%llu", (unsigned long long)campaign->id);
    char *detail = arena_printf(&req->arena, "%s: %zu offers by %s, %llu skipped", campaign->name,
                                campaign->n_offer_ids, campaign->channel,
                                (unsigned long long)campaign->skipped);
    if (target == NULL || detail == NULL)
        return request_oom(req);
    if ((rc = audit_append(req, txn, "campaign.create", target, detail)) != 0)
        return request_store_error(req, rc, "create the campaign");
    return op_campaign_result(req, campaign, &plan, made, false);
}

/* ---------------------------------------------------------------- list */

int op_campaign_list_read(struct request *req, MDB_txn *txn)
{
    Folio__CampaignList *ask = req->msg->campaign_list;
    Folio__Campaigns *list = request_alloc(req, sizeof(*list));
    if (list == NULL)
        return request_oom(req);
    folio__campaigns__init(list);
    bool more = false;
    int rc = store_campaign_list(&req->server->store, txn, req->actor.user_id, ask->after,
                                 request_page_size(ask->limit), &req->arena, &list->campaigns,
                                 &list->n_campaigns, &more);
    if (rc == ENOMEM)
        return request_oom(req);
    if (rc != 0)
        return request_store_error(req, rc, "list the campaigns");
    /* A list says how many offers each made; show counts them. */
    for (size_t i = 0; i < list->n_campaigns; i++) {
        Folio__Campaign *c = list->campaigns[i];
        c->offers = c->n_offer_ids;
        c->n_offer_ids = 0;
        c->segment = NULL;
    }
    if (more && list->n_campaigns > 0)
        list->next = list->campaigns[list->n_campaigns - 1]->id;
    req->response.result_case = FOLIO__RESPONSE__RESULT_CAMPAIGNS;
    req->response.campaigns = list;
    return 0;
}

/* ---------------------------------------------------------------- show */

/* The campaign id, or NULL when there is none. 0, or WRITER_ROLLBACK with
 * the reply set. */
static int op_campaign_read(struct request *req, MDB_txn *txn, uint64_t id, Folio__Campaign **out)
{
    int rc = store_campaign_get(&req->server->store, txn, id, &req->arena, out);
    if (rc == MDB_NOTFOUND)
        *out = NULL;
    else if (rc != 0)
        return request_store_error(req, rc, "read the campaign");
    return 0;
}

static bool op_campaign_is_firms(const Folio__Campaign *campaign)
{
    return campaign != NULL && campaign->scope[0] != '\0';
}

int op_campaign_tally_set(struct request *req, Folio__Campaign *campaign,
                          const struct campaign_count *count)
{
    Folio__CampaignTally **tally = arena_calloc(&req->arena, CAMPAIGN_STATUSES, sizeof(*tally));
    if (tally == NULL)
        return request_oom(req);
    size_t n = 0;
    for (size_t i = 0; i < CAMPAIGN_STATUSES; i++) {
        if (count->by_status[i] == 0)
            continue;
        if ((tally[n] = request_alloc(req, sizeof(*tally[n]))) == NULL)
            return request_oom(req);
        folio__campaign_tally__init(tally[n]);
        tally[n]->status = (char *)campaign_statuses[i];
        tally[n]->count = count->by_status[i];
        n++;
    }
    campaign->tally = tally;
    campaign->n_tally = n;
    campaign->accepted_bp = campaign_accepted_bp(count);
    return 0;
}

/* Its offers as of today: an offer erased with its client, or moved to
 * another agent with it, is no longer counted. */
int op_campaign_tally(struct request *req, MDB_txn *txn, Folio__Campaign *campaign,
                      const char *today, struct campaign_count *into)
{
    struct store *store = &req->server->store;
    struct campaign_count count = {0};
    for (size_t i = 0; i < campaign->n_offer_ids; i++) {
        Folio__Offer *offer;
        int rc = store_offer_get(store, txn, campaign->offer_ids[i], NULL, &offer);
        if (rc == MDB_NOTFOUND)
            continue;
        if (rc != 0)
            return request_store_error(req, rc, "read the campaign's offers");
        if (offer->owner_id == campaign->owner_id) {
            const char *status = offer_status_on(offer, today);
            campaign_count_add(&count, status);
            if (into != NULL)
                campaign_count_add(into, status);
        }
        folio__offer__free_unpacked(offer, NULL);
    }
    int rc = op_campaign_tally_set(req, campaign, &count);
    if (rc != 0)
        return rc;
    campaign->offers = campaign->n_offer_ids;
    campaign->n_offer_ids = 0;
    if (campaign->partner_id != 0) {
        Folio__Partner *partner;
        rc = store_partner_get(store, txn, campaign->partner_id, &req->arena, &partner);
        if (rc != 0 && rc != MDB_NOTFOUND)
            return request_store_error(req, rc, "read the partner");
        campaign->partner = rc == 0 ? partner->name : (char *)"";
    }
    return 0;
}

int op_campaign_show_read(struct request *req, MDB_txn *txn)
{
    Folio__CampaignShow *ask = req->msg->campaign_show;
    char today[CALENDAR_DATE_TEXT + 1];
    Folio__Campaign *campaign = NULL;
    int rc;
    if ((rc = request_listing_day(req, txn, ask->date, today)) != 0 ||
        (rc = op_campaign_read(req, txn, ask->id, &campaign)) != 0)
        return rc;
    if (op_campaign_is_firms(campaign))
        return op_firm_campaign_show(req, txn, campaign, today);
    if ((rc = access_campaign(req, ask->id, campaign)) != 0 ||
        (rc = op_campaign_tally(req, txn, campaign, today, NULL)) != 0)
        return rc;
    req->response.result_case = FOLIO__RESPONSE__RESULT_CAMPAIGN;
    req->response.campaign = campaign;
    return 0;
}

/* ---------------------------------------------------------------- cancel */

int op_campaign_withdraw(struct request *req, MDB_txn *txn, const Folio__Campaign *campaign,
                         uint64_t offer_id, const char *today, char *label, uint64_t *withdrawn)
{
    struct store *store = &req->server->store;
    Folio__Offer *offer;
    int rc = store_offer_get(store, txn, offer_id, &req->arena, &offer);
    if (rc == MDB_NOTFOUND)
        return 0;
    if (rc != 0)
        return request_store_error(req, rc, "read the campaign's offers");
    if (offer->owner_id != campaign->owner_id)
        return 0;
    if (offer_open(offer_status_on(offer, today))) {
        if ((rc = op_offer_withdraw(req, txn, offer, label)) != 0)
            return rc == ENOMEM ? request_oom(req)
                                : request_store_error(req, rc, "withdraw the offer");
        ++*withdrawn;
    }
    if (offer->coupon_code[0] == '\0')
        return 0;
    Folio__Coupon *coupon;
    rc = store_coupon_get(store, txn, offer->coupon_code, &req->arena, &coupon);
    if (rc == MDB_NOTFOUND)
        return 0;
    if (rc != 0)
        return request_store_error(req, rc, "read the campaign's coupons");
    if (coupon->owner_id != campaign->owner_id || coupon->redeemed_at[0] != '\0' ||
        coupon->withdrawn_at[0] != '\0')
        return 0;
    if ((rc = op_coupon_withdraw_one(req, txn, coupon, label)) != 0)
        return rc;
    ++*withdrawn;
    return 0;
}

int op_campaign_cancel_write(struct request *req, MDB_txn *txn)
{
    Folio__CampaignCancel *ask = req->msg->campaign_cancel;
    char today[CALENDAR_DATE_TEXT + 1], label_text[CALENDAR_DATE_TEXT + 1];
    Folio__Campaign *campaign = NULL;
    int rc;
    if ((rc = request_dates(req, txn, ask->date, today, label_text)) != 0 ||
        (rc = op_campaign_read(req, txn, ask->id, &campaign)) != 0)
        return rc;
    char *label = arena_strdup(&req->arena, label_text);
    if (label == NULL)
        return request_oom(req);
    if (op_campaign_is_firms(campaign))
        return op_firm_campaign_cancel(req, txn, campaign, today, label);
    if ((rc = access_campaign(req, ask->id, campaign)) != 0)
        return rc;
    if (campaign->firm_campaign_id != 0)
        return request_fail(req, FOLIO__CODE__FAILED_PRECONDITION,
                            "campaign %llu is your part of office or firm campaign %llu, which its "
                            "admins cancel: take clients out of it with folio campaign opt-out",
                            (unsigned long long)campaign->id,
                            (unsigned long long)campaign->firm_campaign_id);
    if (strcmp(campaign->status, "cancelled") == 0)
        return request_fail(req, FOLIO__CODE__FAILED_PRECONDITION,
                            "campaign %llu was already cancelled",
                            (unsigned long long)campaign->id);
    uint64_t withdrawn = 0;
    for (size_t i = 0; i < campaign->n_offer_ids; i++)
        if ((rc = op_campaign_withdraw(req, txn, campaign, campaign->offer_ids[i], today, label,
                                       &withdrawn)) != 0)
            return rc;
    char *detail = arena_printf(&req->arena, "%s: %llu withdrawn", campaign->name,
                                (unsigned long long)withdrawn);
    if (detail == NULL)
        return request_oom(req);
    if ((rc = op_campaign_cancelled(req, txn, campaign, detail)) != 0 ||
        (rc = op_campaign_tally(req, txn, campaign, today, NULL)) != 0)
        return rc;
    return op_campaign_withdrawn_reply(req, campaign, withdrawn) == NULL ? request_oom(req) : 0;
}

int op_campaign_cancelled(struct request *req, MDB_txn *txn, Folio__Campaign *campaign,
                          const char *detail)
{
    campaign->status = (char *)"cancelled";
    campaign->cancelled_at = req->now;
    int rc = store_campaign_put(&req->server->store, txn, campaign);
    if (rc != 0)
        return request_store_error(req, rc, "cancel the campaign");
    char *target = arena_printf(&req->arena, "%llu", (unsigned long long)campaign->id);
    if (target == NULL)
        return request_oom(req);
    if ((rc = audit_append(req, txn, "campaign.cancel", target, detail)) != 0)
        return request_store_error(req, rc, "cancel the campaign");
    return 0;
}

Folio__CampaignResult *op_campaign_withdrawn_reply(struct request *req, Folio__Campaign *campaign,
                                                   uint64_t withdrawn)
{
    Folio__CampaignResult *result = request_alloc(req, sizeof(*result));
    if (result == NULL)
        return NULL;
    folio__campaign_result__init(result);
    result->campaign = campaign;
    result->withdrawn = withdrawn;
    req->response.result_case = FOLIO__RESPONSE__RESULT_CAMPAIGN_RESULT;
    req->response.campaign_result = result;
    return result;
}
