/* campaign.c - see campaign.h. */
#include "campaign.h"

#include <string.h>

#include "array_size.h"
#include "coupon.h"
#include "offer.h"
#include "segment.h"
#include "validate.h"

const char *const campaign_statuses[CAMPAIGN_STATUSES] = {
    "proposed", "sent", "accepted", "declined", "expired", "withdrawn",
};

static bool campaign_channel_known(const char *channel)
{
    static const char *const channels[] = {"email", "sms", "post", "phone"};
    for (size_t i = 0; i < ARRAY_SIZE(channels); i++)
        if (strcmp(channel, channels[i]) == 0)
            return true;
    return false;
}

void campaign_offer(const Folio__Campaign *campaign, Folio__Offer *offer)
{
    folio__offer__init(offer);
    offer->title = campaign->title;
    offer->product = campaign->product;
    offer->rate_bp = campaign->rate_bp;
    offer->valid_from = campaign->valid_from;
    offer->valid_until = campaign->valid_until;
    offer->channel = campaign->channel;
    offer->campaign_id = campaign->id;
}

const char *campaign_validate(const Folio__Campaign *campaign)
{
    if (validate_text(campaign->name, CAMPAIGN_NAME_MAX) != NULL)
        return "NAME: 1 to 100 bytes of printable text";
    if (!campaign_channel_known(campaign->channel))
        return "--channel: one of email, sms, post, phone";
    if (campaign->partner_id == 0 && campaign->discount[0] != '\0')
        return "--discount: only with --coupon-partner";
    if (campaign->partner_id != 0 && validate_text(campaign->discount, COUPON_DISCOUNT_MAX) != NULL)
        return "--discount: 1 to 200 bytes of printable text, needed with --coupon-partner";
    Folio__Offer offer;
    campaign_offer(campaign, &offer);
    return offer_validate(&offer);
}

const char *campaign_segment_validate(const Folio__Segment *segment)
{
    if (segment->count_only || segment->by[0] != '\0' || segment->limit != 0 ||
        segment->after[0] != '\0')
        return "segment: a campaign takes filters only, no count, breakdown or page";
    return segment_validate(segment);
}

const char *campaign_skip_reason(const Folio__Campaign *campaign,
                                 const struct client_summary *client)
{
    Folio__Consent consent = FOLIO__CONSENT__INIT;
    consent.email = client->consent_email;
    consent.phone = client->consent_phone;
    consent.sms = client->consent_sms;
    consent.post = client->consent_post;
    if (offer_consented(&consent, campaign->channel))
        return NULL;
    static const struct {
        const char *channel, *why;
    } reasons[] = {
        {"email", "no consent to marketing by email"},
        {"sms", "no consent to marketing by sms"},
        {"post", "no consent to marketing by post"},
        {"phone", "no consent to marketing by phone"},
    };
    for (size_t i = 0; i < ARRAY_SIZE(reasons); i++)
        if (strcmp(campaign->channel, reasons[i].channel) == 0)
            return reasons[i].why;
    return "no consent to marketing on the campaign's channel";
}

void campaign_count_add(struct campaign_count *count, const char *status)
{
    for (size_t i = 0; i < CAMPAIGN_STATUSES; i++)
        if (strcmp(status, campaign_statuses[i]) == 0) {
            count->by_status[i]++;
            count->total++;
            return;
        }
}

uint32_t campaign_accepted_bp(const struct campaign_count *count)
{
    if (count->total == 0)
        return 0;
    for (size_t i = 0; i < CAMPAIGN_STATUSES; i++)
        if (strcmp(campaign_statuses[i], "accepted") == 0)
            return (uint32_t)(count->by_status[i] * 10000 / count->total);
    return 0;
}
