/* folioclient_campaign.c - see folioclient_campaign.h. */
#include "folioclient_campaign.h"

Folio__Response *folio_firm_campaign_create(struct folio_connection *c,
                                            const Folio__FirmCampaignCreate *op,
                                            struct folio_error *err)
{
    return folio_connection_call_op(c, &op->base, FOLIO__RESPONSE__RESULT_CAMPAIGN_RESULT, err);
}

Folio__Response *folio_firm_campaign_list(struct folio_connection *c, uint32_t limit,
                                          uint64_t after, struct folio_error *err)
{
    Folio__FirmCampaignList op = FOLIO__FIRM_CAMPAIGN_LIST__INIT;
    op.limit = limit;
    op.after = after;
    return folio_connection_call_op(c, &op.base, FOLIO__RESPONSE__RESULT_CAMPAIGNS, err);
}

Folio__Response *folio_campaign_opt_out(struct folio_connection *c, uint64_t campaign,
                                        const char *client, const char *date,
                                        struct folio_error *err)
{
    Folio__CampaignOptOut op = FOLIO__CAMPAIGN_OPT_OUT__INIT;
    op.campaign_id = campaign;
    op.client_id = folio_text(client);
    op.date = folio_text(date);
    return folio_connection_call_op(c, &op.base, FOLIO__RESPONSE__RESULT_CAMPAIGN_RESULT, err);
}
