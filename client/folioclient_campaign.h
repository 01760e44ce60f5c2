/* folioclient_campaign.h - typed calls for firm campaigns: an admin's
 * campaign for every agent of an office or of the firm, and an agent's
 * opt-out of one client from a campaign. A firm campaign is shown and
 * cancelled with folio_campaign_show and folio_campaign_cancel
 * (folioclient_loyalty.h), by its id. */
#ifndef FOLIO_FOLIOCLIENT_CAMPAIGN_H
#define FOLIO_FOLIOCLIENT_CAMPAIGN_H

#include "folioclient.h"

/* Exactly one of op->office and op->firm. Answer: a CampaignResult with a
 * part for each agent whose clients the segment holds. */
Folio__Response *folio_firm_campaign_create(struct folio_connection *c,
                                            const Folio__FirmCampaignCreate *op,
                                            struct folio_error *err);
/* The firm campaigns the admin may see, in id order. Answer: Campaigns. */
Folio__Response *folio_firm_campaign_list(struct folio_connection *c, uint32_t limit,
                                          uint64_t after, struct folio_error *err);
/* campaign: the agent's campaign, its part of a firm campaign, or the firm
 * campaign's id. Answer: a CampaignResult naming the client. */
Folio__Response *folio_campaign_opt_out(struct folio_connection *c, uint64_t campaign,
                                        const char *client, const char *date,
                                        struct folio_error *err);

#endif
