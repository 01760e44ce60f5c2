/* op_firm_campaign.c - firm campaigns: an admin's campaign for every agent
 * of an office or of the firm, and an agent's opt-out of a client.
 *
 * A firm campaign reaches each agent's own clients of the segment, under
 * that agent's name: for each agent it reaches, a campaign of the agent's
 * (its part, firm_campaign_id set) holds the offers, made by the same
 * functions as an agent's own campaign, with the same consent and alert
 * skips; the agent sees its part in campaign list and show, its offers in
 * offer list and on its agenda, and may take a client out (opt-out). The
 * firm campaign keeps its parts' ids and is counted from them.
 *
 * The whole campaign is one write transaction, bounded as an agent's is:
 * at most CAMPAIGN_CLIENTS_MAX clients of one agent, and
 * CAMPAIGN_FIRM_CLIENTS_MAX in all (reached and skipped), or it is refused
 * whole, naming the bound. The portfolios are walked in the read stage, in
 * the pool; the writer only checks again the clients picked, so its work
 * is bounded by the picks, not by the size of the firm. The segment's walk
 * and the coupon issue work on
 * the actor's portfolio (op_segment_each, op_coupon_issue_one); for one
 * agent's part the actor's id is that agent's for the length of the call
 * (op_firm_as_agent), while its name stays the admin's, so the timelines
 * and the audit say who made the campaign. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "access.h"
#include "audit.h"
#include "calendar.h"
#include "campaign.h"
#include "client_id.h"
#include "offer.h"
#include "op.h"
#include "op_campaign.h"
#include "server.h"
#include "store_campaign.h"
#include "store_client.h"
#include "store_offer.h"
#include "store_office.h"
#include "store_user.h"

#define FIRM_USERS_PAGE 200

/* One agent's share of the clients picked: picks[first, first + count). */
struct firm_part {
    uint64_t agent_id;
    const char *agent;
    size_t first, count, reached;
};

struct firm_plan {
    struct op_campaign_plan plan; /* the agent being walked */
    const Folio__Campaign *campaign;
    char ages_on[CALENDAR_DATE_TEXT + 1];
    const char *scope;              /* "office North" or "the firm", for messages */
    struct op_campaign_pick *picks; /* CAMPAIGN_FIRM_CLIENTS_MAX */
    size_t used, reached;
    struct firm_part *parts; /* agents with a client in the segment */
    size_t n_parts;
};

/* The actor's id becomes id, for a function that works on the actor's
 * portfolio; returns the one it replaces, to put back the same way. */
static uint64_t op_firm_as_agent(struct request *req, uint64_t id)
{
    uint64_t was = req->actor.user_id;
    req->actor.user_id = id;
    return was;
}

/* Picks agent's clients of the segment into the next free picks. */
static int firm_walk_agent(struct request *req, MDB_txn *txn, struct firm_plan *fp,
                           const Folio__User *agent)
{
    struct op_campaign_plan *plan = &fp->plan;
    size_t room = CAMPAIGN_FIRM_CLIENTS_MAX - fp->used;
    plan->picks = fp->picks + fp->used;
    plan->max = room < CAMPAIGN_CLIENTS_MAX ? room : CAMPAIGN_CLIENTS_MAX;
    plan->count = plan->reached = 0;
    plan->too_many = false;
    uint64_t actor = op_firm_as_agent(req, agent->id);
    int rc = op_segment_each(req, txn, fp->campaign->segment, fp->ages_on, op_campaign_visit, plan);
    op_firm_as_agent(req, actor);
    if (rc == ENOMEM)
        return request_oom(req);
    if (rc != 0 && rc != 1)
        return request_store_error(req, rc, "walk the clients");
    if (plan->too_many && plan->max == CAMPAIGN_CLIENTS_MAX)
        return request_fail(req, FOLIO__CODE__FAILED_PRECONDITION,
                            "the segment holds more than %d clients of agent %s, the most one "
                            "campaign reaches for one agent: narrow it with more filters",
                            CAMPAIGN_CLIENTS_MAX, agent->name);
    if (plan->too_many)
        return request_fail(req, FOLIO__CODE__FAILED_PRECONDITION,
                            "the segment holds more than %d clients in %s, the most one campaign "
                            "reaches for --office or --firm: narrow it with more filters%s",
                            CAMPAIGN_FIRM_CLIENTS_MAX, fp->scope,
                            fp->campaign->office_id == 0 ? ", or make it one --office at a time"
                                                         : "");
    if (plan->count == 0)
        return 0;
    if (agent->disabled) {
        const char *why = arena_printf(&req->arena, "agent %s is disabled", agent->name);
        if (why == NULL)
            return request_oom(req);
        for (size_t i = 0; i < plan->count; i++)
            if (plan->picks[i].skipped == NULL)
                plan->picks[i].skipped = why;
        plan->reached = 0;
    }
    struct firm_part *part = &fp->parts[fp->n_parts++];
    *part = (struct firm_part){
        .agent_id = agent->id, .first = fp->used, .count = plan->count, .reached = plan->reached};
    if ((part->agent = arena_strdup(&req->arena, agent->name)) == NULL)
        return request_oom(req);
    fp->used += plan->count;
    fp->reached += plan->reached;
    return 0;
}

/* Every agent of the campaign's office (or of the firm), in name order. */
static int firm_walk(struct request *req, MDB_txn *txn, const Folio__Campaign *campaign,
                     const char *today, struct firm_plan *fp)
{
    *fp = (struct firm_plan){.campaign = campaign};
    int rc;
    if ((rc = op_segment_today(req, txn, campaign->segment, fp->ages_on)) != 0 ||
        (rc = op_campaign_plan_start(req, txn, campaign, today, &fp->plan)) != 0)
        return rc;
    fp->scope = campaign->office_id == 0 ? "the firm"
                                         : arena_printf(&req->arena, "office %s", campaign->office);
    fp->picks = arena_calloc(&req->arena, CAMPAIGN_FIRM_CLIENTS_MAX, sizeof(*fp->picks));
    fp->parts = arena_calloc(&req->arena, CAMPAIGN_FIRM_CLIENTS_MAX, sizeof(*fp->parts));
    if (fp->scope == NULL || fp->picks == NULL || fp->parts == NULL)
        return request_oom(req);
    char *after = NULL;
    do {
        Folio__User **users;
        size_t n;
        char *next = NULL;
        rc = store_user_list(&req->server->store, txn, after, campaign->office_id, FIRM_USERS_PAGE,
                             &req->arena, &users, &n, &next);
        if (rc != 0)
            return rc == ENOMEM ? request_oom(req)
                                : request_store_error(req, rc, "list the agents");
        for (size_t i = 0; i < n; i++)
            if (users[i]->role == FOLIO__ROLE__ROLE_AGENT &&
                (rc = firm_walk_agent(req, txn, fp, users[i])) != 0)
                return rc;
        after = next;
    } while (after != NULL);
    return 0;
}

/* The firm campaign a create asks for, checked, with its scope; its
 * partner when it issues coupons. */
static int firm_asked(struct request *req, MDB_txn *txn, char today[CALENDAR_DATE_TEXT + 1],
                      char label[CALENDAR_DATE_TEXT + 1], Folio__Campaign **out,
                      Folio__Partner **partner)
{
    const Folio__FirmCampaignCreate *ask = req->msg->firm_campaign_create;
    if (ask->create == NULL)
        return request_fail(req, FOLIO__CODE__INVALID_ARGUMENT, "create: the campaign is missing");
    if ((ask->office[0] != '\0') == ask->firm)
        return request_fail(req, FOLIO__CODE__INVALID_ARGUMENT,
                            "--office or --firm: one of them, to say whose clients it reaches");
    Folio__Office *office = NULL;
    int rc;
    if (!ask->firm) {
        rc = store_office_find(&req->server->store, txn, ask->office, &req->arena, &office);
        if (rc == MDB_NOTFOUND)
            return request_fail(req, FOLIO__CODE__NOT_FOUND, "--office: no office %s", ask->office);
        if (rc != 0)
            return request_store_error(req, rc, "read the office");
    }
    if ((rc = access_firm_campaign_scope(req, ask->firm, office != NULL ? office->id : 0)) != 0 ||
        (rc = request_dates(req, txn, ask->create->date, today, label)) != 0 ||
        (rc = op_campaign_asked(req, txn, ask->create, today, out, partner)) != 0)
        return rc;
    Folio__Campaign *campaign = *out;
    campaign->scope = office != NULL ? (char *)"office" : (char *)"firm";
    campaign->office_id = office != NULL ? office->id : 0;
    campaign->office = office != NULL ? office->name : (char *)"";
    campaign->agent = (char *)req->actor.name;
    return 0;
}

/* The reply to a create: the campaign, then each agent's part with its
 * clients (made: what each pick got, NULL in a dry run; made_parts: each
 * part's campaign, NULL in a dry run or for a part that reached nobody). */
static int firm_result(struct request *req, Folio__Campaign *campaign, const struct firm_plan *fp,
                       Folio__CampaignClient **made, Folio__Campaign **made_parts, bool dry_run)
{
    Folio__CampaignResult *result = request_alloc(req, sizeof(*result));
    Folio__CampaignResult **parts =
        arena_calloc(&req->arena, fp->n_parts > 0 ? fp->n_parts : 1, sizeof(*parts));
    if (result == NULL || parts == NULL)
        return request_oom(req);
    folio__campaign_result__init(result);
    for (size_t i = 0; i < fp->n_parts; i++) {
        const struct firm_part *p = &fp->parts[i];
        struct op_campaign_plan view = fp->plan;
        view.picks = fp->picks + p->first;
        view.count = p->count;
        view.reached = p->reached;
        parts[i] = op_campaign_result_new(req, made_parts != NULL ? made_parts[i] : NULL, &view,
                                          made != NULL ? made + p->first : NULL, dry_run);
        if (parts[i] == NULL)
            return request_oom(req);
        parts[i]->agent = (char *)p->agent;
    }
    campaign->offers = campaign->reached;
    result->campaign = campaign;
    result->parts = parts;
    result->n_parts = fp->n_parts;
    result->reached = fp->reached;
    result->skipped = fp->used - fp->reached;
    result->dry_run = dry_run;
    req->response.result_case = FOLIO__RESPONSE__RESULT_CAMPAIGN_RESULT;
    req->response.campaign_result = result;
    return 0;
}

/* ---------------------------------------------------------------- create */

/* Walks the office's or the firm's portfolios for the writer, which then
 * checks only the clients picked (firm_recheck): a walk over every client
 * of the firm is no work for the writer, whose transaction holds every
 * other write back. A dry run is answered here, and writes nothing. */
int op_firm_campaign_create_read(struct request *req, MDB_txn *txn)
{
    char today[CALENDAR_DATE_TEXT + 1], label[CALENDAR_DATE_TEXT + 1];
    Folio__Campaign *campaign = NULL;
    Folio__Partner *partner = NULL;
    struct firm_plan *fp = request_alloc(req, sizeof(*fp));
    if (fp == NULL)
        return request_oom(req);
    int rc;
    if ((rc = firm_asked(req, txn, today, label, &campaign, &partner)) != 0 ||
        (rc = firm_walk(req, txn, campaign, today, fp)) != 0)
        return rc;
    if (!req->msg->firm_campaign_create->create->dry_run) {
        req->scratch = fp;
        return 0;
    }
    req->skip_write = true;
    return firm_result(req, campaign, fp, NULL, NULL, true);
}

/* The clients the read stage picked, as they stand in the write
 * transaction: one that has left its agent since (moved, erased) is
 * dropped, and consent, the alerts in force and the agent's state are
 * asked again, so that nobody is offered who may not be. */
static int firm_recheck(struct request *req, MDB_txn *txn, const Folio__Campaign *campaign,
                        const char *today, struct firm_plan *fp)
{
    struct store *store = &req->server->store;
    int rc = op_campaign_plan_start(req, txn, campaign, today, &fp->plan);
    if (rc != 0)
        return rc;
    fp->campaign = campaign;
    size_t used = 0, n_parts = 0;
    fp->reached = 0;
    for (size_t k = 0; k < fp->n_parts; k++) {
        struct firm_part p = fp->parts[k];
        Folio__User *agent;
        if ((rc = store_user_get(store, txn, p.agent_id, &req->arena, &agent)) != 0)
            return rc == MDB_NOTFOUND ? request_fail(req, FOLIO__CODE__ABORTED,
                                                     "agent %s is gone: try again", p.agent)
                                      : request_store_error(req, rc, "read the agent");
        const char *disabled =
            agent->disabled ? arena_printf(&req->arena, "agent %s is disabled", p.agent) : NULL;
        if (agent->disabled && disabled == NULL)
            return request_oom(req);
        size_t first = used;
        p.reached = 0;
        for (size_t i = p.first; i < p.first + p.count; i++) {
            struct op_campaign_pick pick = fp->picks[i];
            struct client_summary summary;
            rc = store_client_summary_get(store, txn, p.agent_id, pick.id, &req->arena, &summary);
            if (rc == MDB_NOTFOUND)
                continue;
            if (rc != 0)
                return request_store_error(req, rc, "read the clients");
            if (op_campaign_skip(&fp->plan, &summary, &pick.skipped) != 0)
                return request_oom(req);
            if (pick.skipped == NULL)
                pick.skipped = disabled;
            p.reached += pick.skipped == NULL;
            fp->picks[used++] = pick;
        }
        p.first = first;
        p.count = used - first;
        if (p.count > 0)
            fp->parts[n_parts++] = p;
        fp->reached += p.reached;
    }
    fp->used = used;
    fp->n_parts = n_parts;
    return 0;
}

/* One agent's part: its campaign, and the offer (and coupon) of each
 * client it reaches. */
static int firm_part_make(struct request *req, MDB_txn *txn, const Folio__Campaign *campaign,
                          const Folio__Partner *partner, const struct firm_plan *fp,
                          const struct firm_part *p, char *label, Folio__CampaignClient **made,
                          Folio__Campaign **out)
{
    struct store *store = &req->server->store;
    Folio__Campaign *part = request_alloc(req, sizeof(*part));
    if (part == NULL)
        return request_oom(req);
    *part = *campaign;
    part->id = 0;
    part->owner_id = p->agent_id;
    part->scope = (char *)"";
    part->office_id = 0;
    part->n_part_ids = 0;
    part->part_ids = NULL;
    part->firm_campaign_id = campaign->id;
    part->reached = 0;
    part->skipped = p->count - p->reached;
    part->n_offer_ids = 0;
    part->offer_ids = arena_calloc(&req->arena, p->reached, sizeof(*part->offer_ids));
    if (part->offer_ids == NULL)
        return request_oom(req);
    int rc;
    /* The id first: offers and coupons name their campaign. */
    if ((rc = store_campaign_put(store, txn, part)) != 0)
        return request_store_error(req, rc, "create the campaign");
    uint64_t actor = op_firm_as_agent(req, p->agent_id);
    for (size_t i = 0; rc == 0 && i < p->count; i++) {
        const struct op_campaign_pick *pick = &fp->picks[p->first + i];
        if (pick->skipped != NULL)
            continue;
        if ((rc = op_campaign_reach(req, txn, part, partner, pick, label, &made[i])) == 0)
            part->offer_ids[part->n_offer_ids++] = made[i]->offer_id;
    }
    op_firm_as_agent(req, actor);
    if (rc != 0)
        return rc;
    if ((rc = store_campaign_put(store, txn, part)) != 0)
        return request_store_error(req, rc, "create the campaign");
    part->agent = (char *)p->agent;
    part->offers = part->n_offer_ids;
    *out = part;
    return 0;
}

int op_firm_campaign_create_write(struct request *req, MDB_txn *txn)
{
    struct store *store = &req->server->store;
    char today[CALENDAR_DATE_TEXT + 1], label_text[CALENDAR_DATE_TEXT + 1];
    Folio__Campaign *campaign = NULL;
    Folio__Partner *partner = NULL;
    struct firm_plan *fp = req->scratch;
    int rc;
    if ((rc = firm_asked(req, txn, today, label_text, &campaign, &partner)) != 0 ||
        (rc = firm_recheck(req, txn, campaign, today, fp)) != 0)
        return rc;
    if (fp->used == 0)
        return request_fail(req, FOLIO__CODE__FAILED_PRECONDITION,
                            "the segment holds none of the clients of %s", fp->scope);
    if (fp->reached == 0)
        return request_fail(req, FOLIO__CODE__FAILED_PRECONDITION,
                            "no client of the segment in %s can be reached: none consented to "
                            "marketing by %s, alerts say to avoid the product there, or their "
                            "agents are disabled (folio admin campaign create --dry-run shows who "
                            "and why)",
                            fp->scope, campaign->channel);
    char *label = arena_strdup(&req->arena, label_text);
    Folio__CampaignClient **made = arena_calloc(&req->arena, fp->used, sizeof(*made));
    Folio__Campaign **parts = arena_calloc(&req->arena, fp->n_parts, sizeof(*parts));
    campaign->part_ids = arena_calloc(&req->arena, fp->n_parts, sizeof(*campaign->part_ids));
    if (label == NULL || made == NULL || parts == NULL || campaign->part_ids == NULL)
        return request_oom(req);
    campaign->reached = fp->reached;
    campaign->skipped = fp->used - fp->reached;
    if ((rc = store_campaign_put(store, txn, campaign)) != 0)
        return request_store_error(req, rc, "create the campaign");
    for (size_t i = 0; i < fp->n_parts; i++) {
        const struct firm_part *p = &fp->parts[i];
        if (p->reached == 0)
            continue;
        if ((rc = firm_part_make(req, txn, campaign, partner, fp, p, label, made + p->first,
                                 &parts[i])) != 0)
            return rc;
        campaign->part_ids[campaign->n_part_ids++] = parts[i]->id;
    }
    if ((rc = store_campaign_put(store, txn, campaign)) != 0)
        return request_store_error(req, rc, "create the campaign");
    char *target = arena_printf(&req->arena, "%llu", (unsigned long long)campaign->id);
    char *detail = arena_printf(&req->arena,
                                "%s for %s: %llu offers by %s to clients of %zu "
                                "agents, %llu skipped",
                                campaign->name, fp->scope, (unsigned long long)campaign->reached,
                                campaign->channel, campaign->n_part_ids,
                                (unsigned long long)campaign->skipped);
    if (target == NULL || detail == NULL)
        return request_oom(req);
    if ((rc = audit_append(req, txn, "campaign.create", target, detail)) != 0)
        return request_store_error(req, rc, "create the campaign");
    return firm_result(req, campaign, fp, made, parts, false);
}

/* ---------------------------------------------------------------- list, show */

/* The names a reply shows beside a firm campaign: its office's and its
 * maker's (empty when gone). */
static int firm_names(struct request *req, MDB_txn *txn, Folio__Campaign *campaign)
{
    struct store *store = &req->server->store;
    int rc;
    if (campaign->office_id != 0) {
        Folio__Office *office;
        rc = store_office_get(store, txn, campaign->office_id, &req->arena, &office);
        if (rc != 0 && rc != MDB_NOTFOUND)
            return request_store_error(req, rc, "read the office");
        campaign->office = rc == 0 ? office->name : (char *)"";
    }
    Folio__User *user;
    rc = store_user_get(store, txn, campaign->owner_id, &req->arena, &user);
    if (rc != 0 && rc != MDB_NOTFOUND)
        return request_store_error(req, rc, "read the user");
    campaign->agent = rc == 0 ? user->name : (char *)"";
    return 0;
}

int op_firm_campaign_list_read(struct request *req, MDB_txn *txn)
{
    Folio__FirmCampaignList *ask = req->msg->firm_campaign_list;
    Folio__Campaigns *list = request_alloc(req, sizeof(*list));
    if (list == NULL)
        return request_oom(req);
    folio__campaigns__init(list);
    bool more = false;
    int rc = store_campaign_list_firm(&req->server->store, txn, access_office_scope(req),
                                      ask->after, request_page_size(ask->limit), &req->arena,
                                      &list->campaigns, &list->n_campaigns, &more);
    if (rc == ENOMEM)
        return request_oom(req);
    if (rc != 0)
        return request_store_error(req, rc, "list the campaigns");
    for (size_t i = 0; i < list->n_campaigns; i++) {
        Folio__Campaign *c = list->campaigns[i];
        c->offers = c->reached;
        c->n_part_ids = 0;
        c->segment = NULL;
        if ((rc = firm_names(req, txn, c)) != 0)
            return rc;
    }
    if (more && list->n_campaigns > 0)
        list->next = list->campaigns[list->n_campaigns - 1]->id;
    req->response.result_case = FOLIO__RESPONSE__RESULT_CAMPAIGNS;
    req->response.campaigns = list;
    return 0;
}

/* A firm campaign as a reply shows it: each part with its agent and its
 * offers by status as of today, and the sums. */
static int firm_tally(struct request *req, MDB_txn *txn, Folio__Campaign *campaign,
                      const char *today)
{
    struct store *store = &req->server->store;
    struct campaign_count sum = {0};
    Folio__Campaign **parts = arena_calloc(
        &req->arena, campaign->n_part_ids > 0 ? campaign->n_part_ids : 1, sizeof(*parts));
    if (parts == NULL)
        return request_oom(req);
    size_t n = 0;
    uint64_t opted_out = 0;
    int rc;
    for (size_t i = 0; i < campaign->n_part_ids; i++) {
        Folio__Campaign *part;
        rc = store_campaign_get(store, txn, campaign->part_ids[i], &req->arena, &part);
        if (rc == MDB_NOTFOUND)
            continue;
        if (rc != 0)
            return request_store_error(req, rc, "read the campaign's parts");
        if ((rc = op_campaign_tally(req, txn, part, today, &sum)) != 0 ||
            (rc = firm_names(req, txn, part)) != 0)
            return rc;
        part->segment = NULL;
        opted_out += part->opted_out;
        parts[n++] = part;
    }
    if ((rc = op_campaign_tally(req, txn, campaign, today, NULL)) != 0 ||
        (rc = op_campaign_tally_set(req, campaign, &sum)) != 0 ||
        (rc = firm_names(req, txn, campaign)) != 0)
        return rc;
    campaign->parts = parts;
    campaign->n_parts = n;
    campaign->offers = campaign->reached;
    campaign->opted_out = opted_out;
    return 0;
}

int op_firm_campaign_show(struct request *req, MDB_txn *txn, Folio__Campaign *campaign,
                          const char *today)
{
    int rc;
    if ((rc = access_firm_campaign(req, campaign->id, campaign)) != 0 ||
        (rc = firm_tally(req, txn, campaign, today)) != 0)
        return rc;
    req->response.result_case = FOLIO__RESPONSE__RESULT_CAMPAIGN;
    req->response.campaign = campaign;
    return 0;
}

/* ---------------------------------------------------------------- cancel */

/* Withdraws what is open of one part, and marks it cancelled. */
static int firm_cancel_part(struct request *req, MDB_txn *txn, uint64_t id, const char *today,
                            char *label, uint64_t *withdrawn)
{
    struct store *store = &req->server->store;
    Folio__Campaign *part;
    int rc = store_campaign_get(store, txn, id, &req->arena, &part);
    if (rc == MDB_NOTFOUND)
        return 0;
    if (rc != 0)
        return request_store_error(req, rc, "read the campaign's parts");
    for (size_t i = 0; i < part->n_offer_ids; i++)
        if ((rc = op_campaign_withdraw(req, txn, part, part->offer_ids[i], today, label,
                                       withdrawn)) != 0)
            return rc;
    part->status = (char *)"cancelled";
    part->cancelled_at = req->now;
    rc = store_campaign_put(store, txn, part);
    return rc == 0 ? 0 : request_store_error(req, rc, "cancel the campaign");
}

int op_firm_campaign_cancel(struct request *req, MDB_txn *txn, Folio__Campaign *campaign,
                            const char *today, char *label)
{
    int rc = access_firm_campaign(req, campaign->id, campaign);
    if (rc != 0)
        return rc;
    if (strcmp(campaign->status, "cancelled") == 0)
        return request_fail(req, FOLIO__CODE__FAILED_PRECONDITION,
                            "campaign %llu was already cancelled",
                            (unsigned long long)campaign->id);
    uint64_t withdrawn = 0;
    for (size_t i = 0; i < campaign->n_part_ids; i++)
        if ((rc = firm_cancel_part(req, txn, campaign->part_ids[i], today, label, &withdrawn)) != 0)
            return rc;
    char *detail = arena_printf(&req->arena, "%s: %llu withdrawn across %zu agents", campaign->name,
                                (unsigned long long)withdrawn, campaign->n_part_ids);
    if (detail == NULL)
        return request_oom(req);
    if ((rc = op_campaign_cancelled(req, txn, campaign, detail)) != 0 ||
        (rc = firm_tally(req, txn, campaign, today)) != 0)
        return rc;
    return op_campaign_withdrawn_reply(req, campaign, withdrawn) == NULL ? request_oom(req) : 0;
}

/* ---------------------------------------------------------------- opt-out */

/* The actor's campaign id names: its own, or its part of the firm
 * campaign id. Anyone else's: NOT_FOUND "no campaign ID". */
static int opt_out_campaign(struct request *req, MDB_txn *txn, uint64_t id, Folio__Campaign **out)
{
    struct store *store = &req->server->store;
    Folio__Campaign *campaign = NULL;
    int rc = store_campaign_get(store, txn, id, &req->arena, &campaign);
    if (rc != 0 && rc != MDB_NOTFOUND)
        return request_store_error(req, rc, "read the campaign");
    if (rc == 0 && campaign->scope[0] != '\0') {
        Folio__Campaign *firm = campaign;
        campaign = NULL;
        for (size_t i = 0; campaign == NULL && i < firm->n_part_ids; i++) {
            Folio__Campaign *part;
            rc = store_campaign_get(store, txn, firm->part_ids[i], &req->arena, &part);
            if (rc != 0 && rc != MDB_NOTFOUND)
                return request_store_error(req, rc, "read the campaign");
            if (rc == 0 && part->owner_id == req->actor.user_id)
                campaign = part;
        }
    } else if (rc == MDB_NOTFOUND) {
        campaign = NULL;
    }
    if ((rc = access_campaign(req, id, campaign)) != 0)
        return rc;
    *out = campaign;
    return 0;
}

/* The campaign's offer to client (id as text), NULL when it made none
 * (or the offer moved on with its client). */
static int opt_out_offer(struct request *req, MDB_txn *txn, const Folio__Campaign *campaign,
                         const char *client, Folio__Offer **out)
{
    *out = NULL;
    for (size_t i = 0; i < campaign->n_offer_ids; i++) {
        Folio__Offer *offer;
        int rc =
            store_offer_get(&req->server->store, txn, campaign->offer_ids[i], &req->arena, &offer);
        if (rc == MDB_NOTFOUND)
            continue;
        if (rc != 0)
            return request_store_error(req, rc, "read the campaign's offers");
        if (offer->owner_id == campaign->owner_id && strcmp(offer->client_id, client) == 0) {
            *out = offer;
            return 0;
        }
    }
    return 0;
}

/* The client's timeline says which campaign it was taken out of. */
static int opt_out_event(struct request *req, MDB_txn *txn, const uint8_t id[16],
                         const Folio__Campaign *campaign, char *label)
{
    Folio__TimelineEvent *ev = request_alloc(req, sizeof(*ev));
    char *note = arena_printf(&req->arena, "campaign %llu: %s", (unsigned long long)campaign->id,
                              campaign->name);
    if (ev == NULL || note == NULL)
        return ENOMEM;
    folio__timeline_event__init(ev);
    ev->time = req->now;
    ev->actor = (char *)req->actor.name;
    ev->kind = (char *)"offer";
    ev->what = (char *)"opted out";
    ev->note = note;
    ev->date = label;
    return store_timeline_append(&req->server->store, txn, id, ev);
}

int op_campaign_opt_out_write(struct request *req, MDB_txn *txn)
{
    const Folio__CampaignOptOut *ask = req->msg->campaign_opt_out;
    char today[CALENDAR_DATE_TEXT + 1], label_text[CALENDAR_DATE_TEXT + 1];
    uint8_t id[STORE_CLIENT_ID_BYTES];
    Folio__Campaign *campaign = NULL;
    Folio__Client *client = NULL;
    Folio__Offer *offer = NULL;
    int rc;
    if ((rc = request_dates(req, txn, ask->date, today, label_text)) != 0 ||
        (rc = opt_out_campaign(req, txn, ask->campaign_id, &campaign)) != 0 ||
        (rc = request_client(req, txn, "CLIENT", ask->client_id, false, id, &client)) != 0 ||
        (rc = opt_out_offer(req, txn, campaign, client->id, &offer)) != 0)
        return rc;
    if (offer == NULL)
        return request_fail(req, FOLIO__CODE__NOT_FOUND, "campaign %llu made no offer to client %s",
                            (unsigned long long)ask->campaign_id, client->id);
    const char *status = offer_status_on(offer, today);
    if (!offer_open(status))
        return request_fail(req, FOLIO__CODE__FAILED_PRECONDITION,
                            "the client's offer %llu from campaign %llu is %s: only a proposed or "
                            "sent offer is withdrawn",
                            (unsigned long long)offer->id, (unsigned long long)ask->campaign_id,
                            status);
    char *label = arena_strdup(&req->arena, label_text);
    if (label == NULL)
        return request_oom(req);
    char *coupon = offer->coupon_code;
    uint64_t withdrawn = 0;
    if ((rc = op_campaign_withdraw(req, txn, campaign, offer->id, today, label, &withdrawn)) != 0)
        return rc;
    if ((rc = opt_out_event(req, txn, id, campaign, label)) != 0)
        return rc == ENOMEM ? request_oom(req) : request_store_error(req, rc, "opt the client out");
    campaign->opted_out++;
    if ((rc = store_campaign_put(&req->server->store, txn, campaign)) != 0)
        return request_store_error(req, rc, "opt the client out");
    char *target = arena_printf(&req->arena, "%llu", (unsigned long long)campaign->id);
    char *detail =
        campaign->firm_campaign_id != 0
            ? arena_printf(&req->arena, "offer %llu withdrawn, of firm campaign %llu",
                           (unsigned long long)offer->id,
                           (unsigned long long)campaign->firm_campaign_id)
            : arena_printf(&req->arena, "offer %llu withdrawn", (unsigned long long)offer->id);
    if (target == NULL || detail == NULL)
        return request_oom(req);
    if ((rc = audit_append_client(req, txn, client->id, "campaign.opt_out", target, detail,
                                  detail)) != 0)
        return request_store_error(req, rc, "opt the client out");
    if ((rc = op_campaign_tally(req, txn, campaign, today, NULL)) != 0)
        return rc;
    Folio__CampaignResult *result = op_campaign_withdrawn_reply(req, campaign, withdrawn);
    Folio__CampaignClient *line = request_alloc(req, sizeof(*line));
    Folio__CampaignClient **lines = request_alloc(req, sizeof(*lines));
    if (result == NULL || line == NULL || lines == NULL)
        return request_oom(req);
    folio__campaign_client__init(line);
    line->client_id = client->id;
    line->client_name = client->name;
    line->offer_id = offer->id;
    line->coupon_code = coupon;
    lines[0] = line;
    result->clients = lines;
    result->n_clients = 1;
    return 0;
}
