/* campaign.h - what a campaign is, as pure functions shared by its ops
 * (op_campaign.c): which requests make one, which clients it reaches, and
 * how its offers add up.
 *
 * A campaign makes one offer (and, with a partner, one coupon) for each
 * client of a segment of its agent's portfolio, all in one transaction, and
 * only for clients who consented to its channel: the others are skipped
 * and counted. So that one request cannot hold the writer for long nor
 * outgrow its memory, a segment of more than CAMPAIGN_CLIENTS_MAX clients
 * (reached and skipped together) is refused whole; narrower filters or
 * several campaigns cover more. Functions that check return NULL when all
 * is well, or a sentence naming the flag at fault. */
#ifndef FOLIO_CAMPAIGN_H
#define FOLIO_CAMPAIGN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "client_summary.h"
#include "folio.pb-c.h"

#define CAMPAIGN_NAME_MAX    100
#define CAMPAIGN_CLIENTS_MAX 500 /* clients a segment may hold for one campaign */
/* A firm campaign (an office's or the firm's) is one transaction too: at
 * most CAMPAIGN_CLIENTS_MAX clients of each agent, and this many in all. */
#define CAMPAIGN_FIRM_CLIENTS_MAX 2000

/* Checks a campaign as asked for: its name, channel and coupon, and the
 * offer it makes (offer_validate on campaign_offer's template). */
const char *campaign_validate(const Folio__Campaign *campaign);

/* Checks the segment a campaign is made from: segment_validate, and no
 * paging, counting or breakdown, which mean nothing to a campaign. */
const char *campaign_segment_validate(const Folio__Segment *segment);

/* The offer campaign makes, without client: title, product, rate, dates,
 * channel and campaign id copied (strings shared with campaign). */
void campaign_offer(const Folio__Campaign *campaign, Folio__Offer *offer);

/* NULL when the client consented to the campaign's channel; else why not,
 * as a dry run shows it. */
const char *campaign_skip_reason(const Folio__Campaign *campaign,
                                 const struct client_summary *client);

/* Counting the offers of a campaign by status, as of a day: a status
 * offer_status_on gives; one tally per status seen, in the order of
 * campaign_statuses. */
#define CAMPAIGN_STATUSES 6
extern const char *const campaign_statuses[CAMPAIGN_STATUSES];
struct campaign_count {
    uint64_t by_status[CAMPAIGN_STATUSES];
    uint64_t total;
};
void campaign_count_add(struct campaign_count *count, const char *status);
/* Accepted offers in hundredths of a percent of all counted (0 for none). */
uint32_t campaign_accepted_bp(const struct campaign_count *count);

#endif
