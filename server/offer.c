/* offer.c - see offer.h. */
#include "offer.h"

#include <string.h>

#include "array_size.h"
#include "calendar.h"
#include "client_record.h"
#include "validate.h"

bool offer_open(const char *status)
{
    return strcmp(status, "proposed") == 0 || strcmp(status, "sent") == 0;
}

/* YYYY-MM-DD strings order as their dates do. */
const char *offer_status_on(const Folio__Offer *offer, const char *today)
{
    if (offer_open(offer->status) && strcmp(today, offer->valid_until) > 0)
        return "expired";
    return offer->status;
}

const char *offer_validate(const Folio__Offer *offer)
{
    if (validate_text(offer->title, OFFER_TITLE_MAX) != NULL)
        return "title: 1 to 200 bytes of printable text";
    if (offer->product[0] != '\0' && validate_text(offer->product, OFFER_PRODUCT_MAX) != NULL)
        return "product: at most 200 bytes of printable text";
    if (offer->rate_bp < 0 || offer->rate_bp > OFFER_RATE_MAX_BP)
        return "rate: from 0 to 100 percent";
    if (calendar_parse_date(offer->valid_from, NULL, NULL, NULL) != 0)
        return "valid_from: not a date (YYYY-MM-DD)";
    if (calendar_parse_date(offer->valid_until, NULL, NULL, NULL) != 0)
        return "valid_until: not a date (YYYY-MM-DD)";
    if (strcmp(offer->valid_until, offer->valid_from) < 0)
        return "valid_until: before valid_from";
    return NULL;
}

const char *offer_validate_stored(const Folio__Offer *offer)
{
    const char *why = offer_validate(offer);
    if (why != NULL)
        return why;
    if (!offer_open(offer->status) && strcmp(offer->status, "accepted") != 0 &&
        strcmp(offer->status, "declined") != 0 && strcmp(offer->status, "withdrawn") != 0)
        return "status: one of proposed, sent, accepted, declined, withdrawn";
    const char *channels[] = {"", "email", "phone", "sms", "post"};
    for (size_t i = 0; i < ARRAY_SIZE(channels); i++)
        if (strcmp(offer->channel, channels[i]) == 0)
            return NULL;
    return "channel: one of email, phone, sms, post";
}

const char *offer_transition(const Folio__Offer *offer, const char *to, const char *today,
                             bool *precondition)
{
    *precondition = false;
    if (strcmp(to, "sent") != 0 && strcmp(to, "accepted") != 0 && strcmp(to, "declined") != 0 &&
        strcmp(to, "withdrawn") != 0)
        return "status: one of sent, accepted, declined, withdrawn";
    *precondition = true;
    const char *now = offer_status_on(offer, today);
    if (strcmp(now, "expired") == 0)
        return "the offer expired: it was valid until its valid_until date";
    if (strcmp(now, "withdrawn") == 0)
        return "the offer was already withdrawn";
    if (!offer_open(now))
        return "the offer was already accepted or declined";
    if (strcmp(to, "sent") == 0 && strcmp(now, "sent") == 0)
        return "the offer was already sent";
    *precondition = false;
    return NULL;
}

bool offer_consented(const Folio__Consent *c, const char *channel)
{
    if (c == NULL)
        return false;
    if (strcmp(channel, "email") == 0)
        return c->email;
    if (strcmp(channel, "phone") == 0)
        return c->phone;
    if (strcmp(channel, "sms") == 0)
        return c->sms;
    if (strcmp(channel, "post") == 0)
        return c->post;
    return false;
}

const char *offer_channel(const Folio__Client *client, const char *wanted, const char **why)
{
    static const char *const channels[] = {"email", "phone", "sms", "post"};
    *why = NULL;
    if (wanted != NULL && wanted[0] != '\0') {
        for (size_t i = 0; i < ARRAY_SIZE(channels); i++) {
            if (strcmp(wanted, channels[i]) != 0)
                continue;
            if (offer_consented(client->consent, channels[i]))
                return channels[i];
            static const char *const missing[] = {
                "consent: the client has not agreed to marketing by email",
                "consent: the client has not agreed to marketing by phone",
                "consent: the client has not agreed to marketing by sms",
                "consent: the client has not agreed to marketing by post",
            };
            *why = missing[i];
            return NULL;
        }
        *why = "channel: one of email, phone, sms, post";
        return NULL;
    }
    for (size_t i = 0; i < ARRAY_SIZE(channels); i++)
        if (strcmp(client->preferred_channel, channels[i]) == 0 &&
            offer_consented(client->consent, channels[i]))
            return channels[i];
    for (size_t i = 0; i < ARRAY_SIZE(channels); i++)
        if (offer_consented(client->consent, channels[i]))
            return channels[i];
    *why = "consent: the client has not agreed to marketing on any channel";
    return NULL;
}
