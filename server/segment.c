/* segment.c - see segment.h. */
#include "segment.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "array_size.h"
#include "calendar.h"
#include "client_id.h"
#include "client_record.h"
#include "holding.h"
#include "validate.h"

static const struct validate_msgs segment_city_msgs = VALIDATE_MSGS("city", CLIENT_TEXT_MAX);
static const struct validate_msgs segment_region_msgs = VALIDATE_MSGS("region", CLIENT_TEXT_MAX);
static const struct validate_msgs segment_purchased_msgs =
    VALIDATE_MSGS("purchased", CLIENT_TEXT_MAX);

static bool segment_in_list(const char *s, const char *const *list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(s, list[i]) == 0)
            return true;
    return false;
}

#define SEGMENT_IN_LIST(s, list) segment_in_list((s), (list), ARRAY_SIZE(list))

static bool segment_letter(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static const char *const segment_trends[] = {"up", "down", "flat"};
static const char *const segment_breakdowns[] = {"city", "region", "marital", "age-band",
                                                 "income-band"};

static const struct validate_msgs segment_provider_msgs =
    VALIDATE_MSGS("provider", HOLDING_PROVIDER_MAX);

static const char *segment_holdings_validate(const Folio__Segment *seg)
{
    if (seg->holds[0] != '\0' && !holding_kind_known(seg->holds))
        return "holds: one of " HOLDING_KINDS;
    if (seg->lacks[0] != '\0' && !holding_kind_known(seg->lacks))
        return "lacks: one of " HOLDING_KINDS;
    const char *why =
        validate_field(seg->provider, HOLDING_PROVIDER_MAX, false, &segment_provider_msgs);
    if (why != NULL)
        return why;
    if (seg->renews_before[0] != '\0' &&
        calendar_parse_date(seg->renews_before, NULL, NULL, NULL) != 0)
        return "renews_before: not a date (YYYY-MM-DD)";
    if (!client_amount_ok(seg->premium_min_cents))
        return "premium_min_cents: 0 to " VALIDATE_STR(CLIENT_AMOUNT_MAX) " cents";
    return NULL;
}

const char *segment_validate(const Folio__Segment *seg)
{
    const char *why = validate_field(seg->city, CLIENT_TEXT_MAX, false, &segment_city_msgs);
    if (why == NULL)
        why = validate_field(seg->region, CLIENT_TEXT_MAX, false, &segment_region_msgs);
    if (why != NULL)
        return why;
    if (seg->country[0] != '\0' &&
        (strnlen(seg->country, 3) != 2 || !segment_letter(seg->country[0]) ||
         !segment_letter(seg->country[1])))
        return "country: two letters (ISO 3166-1)";
    if (seg->age_min > CLIENT_AGE_MAX)
        return "age_min: at most " VALIDATE_STR(CLIENT_AGE_MAX);
    if (seg->age_max_filter_case == FOLIO__SEGMENT__AGE_MAX_FILTER_AGE_MAX &&
        seg->age_max < seg->age_min)
        return "age_max: below age_min";
    if (seg->date[0] != '\0' && calendar_parse_date(seg->date, NULL, NULL, NULL) != 0)
        return "date: not a real date";
    if (seg->marital_status < FOLIO__MARITAL_STATUS__MARITAL_UNSPECIFIED ||
        seg->marital_status > FOLIO__MARITAL_STATUS__MARITAL_WIDOWED)
        return "marital_status: not a marital status";
    if (seg->children_min > CLIENT_CHILDREN_MAX)
        return "children_min: at most " VALIDATE_STR(CLIENT_CHILDREN_MAX);
    if (seg->household_size_min > CLIENT_HOUSEHOLD_MAX + 1)
        return "household_size_min: at most " VALIDATE_STR(CLIENT_HOUSEHOLD_MAX) " + 1";
    if (!client_amount_ok(seg->income_min_cents))
        return "income_min_cents: 0 to " VALIDATE_STR(CLIENT_AMOUNT_MAX) " cents";
    if (seg->income_max_filter_case == FOLIO__SEGMENT__INCOME_MAX_FILTER_INCOME_MAX_CENTS) {
        if (!client_amount_ok(seg->income_max_cents))
            return "income_max_cents: 0 to " VALIDATE_STR(CLIENT_AMOUNT_MAX) " cents";
        if (seg->income_max_cents < seg->income_min_cents)
            return "income_max_cents: below income_min_cents";
    }
    if (seg->income_trend[0] != '\0' && !SEGMENT_IN_LIST(seg->income_trend, segment_trends))
        return "income_trend: one of up, down, flat";
    why = validate_field(seg->purchased, CLIENT_TEXT_MAX, false, &segment_purchased_msgs);
    if (why != NULL)
        return why;
    if (seg->tag[0] != '\0') {
        char tag[CLIENT_TAG_MAX + 1];
        size_t len = strnlen(seg->tag, CLIENT_TAG_MAX + 1);
        if (len > CLIENT_TAG_MAX)
            return "tag: 1 to " VALIDATE_STR(CLIENT_TAG_MAX) " characters";
        memcpy(tag, seg->tag, len + 1);
        if (client_tag_check(tag) != NULL)
            return "tag: only a-z, 0-9, - and _";
    }
    if (seg->consent[0] != '\0' && !client_channel_known(seg->consent))
        return "consent: one of email, phone, sms, post";
    if (seg->by[0] != '\0' && !SEGMENT_IN_LIST(seg->by, segment_breakdowns))
        return "by: one of city, region, marital, age-band, income-band";
    uint8_t id[16];
    if (seg->after[0] != '\0' && client_id_parse(seg->after, id) != 0)
        return "after: not a client id";
    return segment_holdings_validate(seg);
}

static bool segment_has_consent(const struct client_summary *s, const char *channel)
{
    if (strcmp(channel, "email") == 0)
        return s->consent_email;
    if (strcmp(channel, "phone") == 0)
        return s->consent_phone;
    if (strcmp(channel, "sms") == 0)
        return s->consent_sms;
    return strcmp(channel, "post") == 0 && s->consent_post;
}

static bool segment_place_matches(const Folio__Segment *seg, const struct client_summary *c)
{
    return (seg->city[0] == '\0' || strcasecmp(seg->city, c->city) == 0) &&
           (seg->region[0] == '\0' || strcasecmp(seg->region, c->region) == 0) &&
           (seg->country[0] == '\0' || strcasecmp(seg->country, c->country) == 0);
}

bool segment_matches_summary(const Folio__Segment *seg, const struct client_summary *c,
                             const char *today)
{
    if (!segment_place_matches(seg, c))
        return false;
    bool age_max = seg->age_max_filter_case == FOLIO__SEGMENT__AGE_MAX_FILTER_AGE_MAX;
    if (seg->age_min > 0 || age_max) {
        int age = client_age(c->birth_date, today);
        if (age < 0 || (uint32_t)age < seg->age_min || (age_max && (uint32_t)age > seg->age_max))
            return false;
    }
    if (seg->marital_status != FOLIO__MARITAL_STATUS__MARITAL_UNSPECIFIED &&
        c->marital_status != seg->marital_status)
        return false;
    if (c->children < seg->children_min)
        return false;
    /* The client counts in its own household. */
    if (c->household + 1 < seg->household_size_min)
        return false;
    bool income_max =
        seg->income_max_filter_case == FOLIO__SEGMENT__INCOME_MAX_FILTER_INCOME_MAX_CENTS;
    if (seg->income_min_cents > 0 || income_max) {
        if (!c->income_known || c->income_cents < seg->income_min_cents ||
            (income_max && c->income_cents > seg->income_max_cents))
            return false;
    }
    if (seg->income_trend[0] != '\0' && strcmp(c->income_trend, seg->income_trend) != 0)
        return false;
    if (seg->purchased[0] != '\0' && !client_summary_purchased(c, seg->purchased))
        return false;
    if (seg->tag[0] != '\0' && !client_summary_has_tag(c, seg->tag))
        return false;
    return seg->consent[0] == '\0' || segment_has_consent(c, seg->consent);
}

static const char *segment_income_band(int64_t cents)
{
    int64_t units = cents / 100;
    if (units < 10000)
        return "0-9999";
    if (units < 25000)
        return "10000-24999";
    if (units < 50000)
        return "25000-49999";
    if (units < 100000)
        return "50000-99999";
    if (units < 250000)
        return "100000-249999";
    return "250000+";
}

const char *segment_bucket_summary(const char *by, const struct client_summary *client,
                                   const char *today, char *buf, size_t size)
{
    const char *key = "unknown";
    if (strcmp(by, "city") == 0 && client->city[0] != '\0') {
        key = client->city;
    } else if (strcmp(by, "region") == 0 && client->region[0] != '\0') {
        key = client->region;
    } else if (strcmp(by, "marital") == 0 &&
               client->marital_status != FOLIO__MARITAL_STATUS__MARITAL_UNSPECIFIED) {
        key = client_marital_name(client->marital_status);
    } else if (strcmp(by, "age-band") == 0) {
        int age = client_age(client->birth_date, today);
        if (age >= 0) {
            snprintf(buf, size, "%d-%d", age / 10 * 10, age / 10 * 10 + 9);
            return buf;
        }
    } else if (strcmp(by, "income-band") == 0 && client->income_known) {
        key = segment_income_band(client->income_cents);
    }
    snprintf(buf, size, "%s", key);
    return buf;
}

/* The record's summary, in a buffer the caller frees; NULL without memory. */
static uint8_t *segment_summary_of(const Folio__Client *client, struct client_summary *out)
{
    uint8_t *buf = malloc(client_summary_size(client));
    if (buf == NULL)
        return NULL;
    size_t len = client_summary_encode(client, buf);
    if (client_summary_decode(buf, len, out) != 0) {
        free(buf);
        return NULL;
    }
    return buf;
}

bool segment_matches(const Folio__Segment *segment, const Folio__Client *client, const char *today)
{
    struct client_summary s;
    uint8_t *buf = segment_summary_of(client, &s);
    bool match = buf != NULL && segment_matches_summary(segment, &s, today);
    free(buf);
    return match;
}

const char *segment_bucket(const char *by, const Folio__Client *client, const char *today,
                           char *buf, size_t size)
{
    struct client_summary s;
    uint8_t *encoded = segment_summary_of(client, &s);
    if (encoded == NULL) {
        snprintf(buf, size, "unknown");
        return buf;
    }
    segment_bucket_summary(by, &s, today, buf, size);
    free(encoded);
    return buf;
}

/* ---------------------------------------------------------------- holdings */

/* A filter on what is held, beyond lacks. */
static bool segment_holds_asked(const Folio__Segment *seg)
{
    return seg->holds[0] != '\0' || seg->provider[0] != '\0' || seg->renews_before[0] != '\0' ||
           seg->premium_min_cents > 0;
}

bool segment_wants_holdings(const Folio__Segment *seg)
{
    return segment_holds_asked(seg) || seg->lacks[0] != '\0';
}

void segment_holdings_start(const Folio__Segment *seg, struct segment_holdings *acc)
{
    (void)seg;
    acc->held = false;
    acc->lacked = true;
}

void segment_holdings_add(const Folio__Segment *seg, const Folio__Holding *h,
                          struct segment_holdings *acc)
{
    if (strcmp(h->status, "active") != 0)
        return;
    if (seg->lacks[0] != '\0' && strcmp(h->kind, seg->lacks) == 0)
        acc->lacked = false;
    if ((seg->holds[0] == '\0' || strcmp(h->kind, seg->holds) == 0) &&
        (seg->provider[0] == '\0' || strcasecmp(h->provider, seg->provider) == 0) &&
        (seg->renews_before[0] == '\0' ||
         (h->renews_on[0] != '\0' && strcmp(h->renews_on, seg->renews_before) < 0)) &&
        h->premium_cents >= seg->premium_min_cents)
        acc->held = true;
}

bool segment_holdings_match(const Folio__Segment *seg, const struct segment_holdings *acc)
{
    return (!segment_holds_asked(seg) || acc->held) && (seg->lacks[0] == '\0' || acc->lacked);
}
