/* op_campaign.h - what an agent's campaigns (op_campaign.c) lend the firm's
 * (op_firm_campaign.c): a firm campaign is made of agents' campaigns, one
 * for each agent it reaches (its parts), each made, counted and cancelled
 * as an agent's own is.
 *
 * Every function runs in the caller's transaction on the request's arena
 * and returns 0, or WRITER_ROLLBACK with the reply set, unless it says
 * otherwise. */
#ifndef FOLIO_OP_CAMPAIGN_H
#define FOLIO_OP_CAMPAIGN_H

#include <stdbool.h>
#include <stddef.h>

#include "op.h"
#include "store_client.h"

/* One client the segment picked, and why it is skipped (NULL: reached). */
struct op_campaign_pick {
    uint8_t id[STORE_CLIENT_ID_BYTES];
    char *name;
    const char *skipped;
};

/* The clients a campaign picks from one portfolio: picks has room for max;
 * a walk that meets more sets too_many and stops. */
struct op_campaign_plan {
    struct request *req;
    const Folio__Campaign *campaign;
    Folio__Offer offer; /* what each client is offered, for the alerts */
    struct op_offer_alerts in_force;
    struct op_campaign_pick *picks;
    size_t max, count, reached;
    bool too_many;
};

/* Readies plan for campaign as of today (the offer it makes, the alerts in
 * force), without picks. */
int op_campaign_plan_start(struct request *req, MDB_txn *txn, const Folio__Campaign *campaign,
                           const char *today, struct op_campaign_plan *plan);
/* Why the plan's campaign skips client, into *why (NULL: it reaches it):
 * no consent to its channel, or an alert says to avoid what it offers. 0
 * or ENOMEM. */
int op_campaign_skip(struct op_campaign_plan *plan, const struct client_summary *client,
                     const char **why);
/* An op_segment_fn adding one client to the plan (ctx), skipped when it
 * has not consented to the campaign's channel or an alert says to avoid
 * what it offers. 1 when the plan is full, ENOMEM. */
int op_campaign_visit(void *ctx, const uint8_t id[STORE_CLIENT_ID_BYTES],
                      const struct client_summary *client);

/* The campaign ask asks for, checked, as it will be stored (id 0, owner
 * the actor), with its partner when it issues coupons. */
int op_campaign_asked(struct request *req, MDB_txn *txn, const Folio__CampaignCreate *ask,
                      const char *today, Folio__Campaign **out, Folio__Partner **partner);

/* One reached client's offer (and coupon) from campaign, whose owner_id
 * is the offer's owner; the coupon goes to the actor's client
 * (op_coupon_issue_one). */
int op_campaign_reach(struct request *req, MDB_txn *txn, const Folio__Campaign *campaign,
                      const Folio__Partner *partner, const struct op_campaign_pick *pick,
                      char *label, Folio__CampaignClient **out);

/* The reply to a create of plan's clients: reached first, then the
 * skipped; made (per pick, NULL in a dry run) what each got. NULL when out
 * of memory. */
Folio__CampaignResult *op_campaign_result_new(struct request *req, Folio__Campaign *campaign,
                                              const struct op_campaign_plan *plan,
                                              Folio__CampaignClient **made, bool dry_run);

/* Withdraws one offer of campaign while it is open, and its coupon while
 * it can be used; *withdrawn counts both. */
int op_campaign_withdraw(struct request *req, MDB_txn *txn, const Folio__Campaign *campaign,
                         uint64_t offer_id, const char *today, char *label, uint64_t *withdrawn);

/* Marks campaign cancelled, stores it and audits campaign.cancel with
 * detail. */
int op_campaign_cancelled(struct request *req, MDB_txn *txn, Folio__Campaign *campaign,
                          const char *detail);
/* The reply to a cancel or an opt-out: campaign, and how many offers and
 * coupons were withdrawn. NULL when out of memory. */
Folio__CampaignResult *op_campaign_withdrawn_reply(struct request *req, Folio__Campaign *campaign,
                                                   uint64_t withdrawn);

/* Fills what a reply says beyond the record: offers by status as of
 * today, the share accepted, the partner's name. into (NULL: none) adds
 * campaign's counts to a sum. */
struct campaign_count;
int op_campaign_tally(struct request *req, MDB_txn *txn, Folio__Campaign *campaign,
                      const char *today, struct campaign_count *into);
/* A campaign's tally from a count, for a reply. */
int op_campaign_tally_set(struct request *req, Folio__Campaign *campaign,
                          const struct campaign_count *count);

/* op_firm_campaign.c: a firm campaign's show and cancel, which the show
 * and cancel of a campaign hand over to when the id is a firm campaign's
 * (campaign, read; the actor's access not yet checked); a part's cancel is
 * refused (an agent opts clients out instead). */
int op_firm_campaign_show(struct request *req, MDB_txn *txn, Folio__Campaign *campaign,
                          const char *today);
int op_firm_campaign_cancel(struct request *req, MDB_txn *txn, Folio__Campaign *campaign,
                            const char *today, char *label);

#endif
