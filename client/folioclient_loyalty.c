/* folioclient_loyalty.c - see folioclient_loyalty.h. */
#include "folioclient_loyalty.h"

#include <string.h>

Folio__Response *folio_rule_add(struct folio_connection *c, const Folio__Rule *rule,
                                struct folio_error *err)
{
    Folio__RuleAdd op = FOLIO__RULE_ADD__INIT;
    op.rule = (Folio__Rule *)rule;
    return folio_connection_call_op(c, &op.base, FOLIO__RESPONSE__RESULT_RULE, err);
}

Folio__Response *folio_rule_list(struct folio_connection *c, struct folio_error *err)
{
    Folio__RuleList op = FOLIO__RULE_LIST__INIT;
    return folio_connection_call_op(c, &op.base, FOLIO__RESPONSE__RESULT_RULES, err);
}

Folio__Response *folio_rule_remove(struct folio_connection *c, uint64_t id, struct folio_error *err)
{
    Folio__RuleRemove op = FOLIO__RULE_REMOVE__INIT;
    op.id = id;
    return folio_connection_call_op(c, &op.base, FOLIO__RESPONSE__RESULT_EMPTY, err);
}

Folio__Response *folio_rule_edit(struct folio_connection *c, uint64_t id,
                                 const Folio__Rule *changes, const char *const *fields,
                                 size_t n_fields, struct folio_error *err)
{
    Folio__RuleEdit op = FOLIO__RULE_EDIT__INIT;
    op.id = id;
    op.changes = (Folio__Rule *)changes;
    op.fields = (char **)fields;
    op.n_fields = n_fields;
    return folio_connection_call_op(c, &op.base, FOLIO__RESPONSE__RESULT_RULE, err);
}

Folio__Response *folio_calendar_get(struct folio_connection *c, struct folio_error *err)
{
    Folio__CalendarGet op = FOLIO__CALENDAR_GET__INIT;
    return folio_connection_call_op(c, &op.base, FOLIO__RESPONSE__RESULT_CALENDAR, err);
}

Folio__Response *folio_calendar_set(struct folio_connection *c, const Folio__Calendar *calendar,
                                    const char *const *fields, size_t n_fields,
                                    struct folio_error *err)
{
    Folio__CalendarSet op = FOLIO__CALENDAR_SET__INIT;
    op.calendar = (Folio__Calendar *)calendar;
    op.fields = (char **)fields;
    op.n_fields = n_fields;
    return folio_connection_call_op(c, &op.base, FOLIO__RESPONSE__RESULT_CALENDAR, err);
}

Folio__Response *folio_occasion_add(struct folio_connection *c, const char *name, uint32_t month,
                                    uint32_t day, struct folio_error *err)
{
    Folio__Occasion occasion = FOLIO__OCCASION__INIT;
    occasion.name = folio_text(name);
    occasion.month = month;
    occasion.day = day;
    Folio__OccasionAdd op = FOLIO__OCCASION_ADD__INIT;
    op.occasion = &occasion;
    return folio_connection_call_op(c, &op.base, FOLIO__RESPONSE__RESULT_CALENDAR, err);
}

Folio__Response *folio_occasion_remove(struct folio_connection *c, const char *name,
                                       struct folio_error *err)
{
    Folio__OccasionRemove op = FOLIO__OCCASION_REMOVE__INIT;
    op.name = folio_text(name);
    return folio_connection_call_op(c, &op.base, FOLIO__RESPONSE__RESULT_CALENDAR, err);
}

Folio__Response *folio_alert_add(struct folio_connection *c, const Folio__Alert *alert,
                                 struct folio_error *err)
{
    Folio__AlertAdd op = FOLIO__ALERT_ADD__INIT;
    op.alert = (Folio__Alert *)alert;
    return folio_connection_call_op(c, &op.base, FOLIO__RESPONSE__RESULT_ALERT, err);
}

Folio__Response *folio_alert_list(struct folio_connection *c, const char *date, bool include_ended,
                                  struct folio_error *err)
{
    Folio__AlertList op = FOLIO__ALERT_LIST__INIT;
    op.date = folio_text(date);
    op.include_ended = include_ended;
    return folio_connection_call_op(c, &op.base, FOLIO__RESPONSE__RESULT_ALERTS, err);
}

Folio__Response *folio_alert_end(struct folio_connection *c, uint64_t id, const char *date,
                                 struct folio_error *err)
{
    Folio__AlertEnd op = FOLIO__ALERT_END__INIT;
    op.id = id;
    op.date = folio_text(date);
    return folio_connection_call_op(c, &op.base, FOLIO__RESPONSE__RESULT_ALERT, err);
}

Folio__Response *folio_offer_add(struct folio_connection *c, const Folio__Offer *offer,
                                 const char *date, struct folio_error *err)
{
    Folio__OfferAdd op = FOLIO__OFFER_ADD__INIT;
    op.offer = (Folio__Offer *)offer;
    op.date = (char *)(date != NULL ? date : "");
    return folio_connection_call_op(c, &op.base, FOLIO__RESPONSE__RESULT_OFFER, err);
}

Folio__Response *folio_offer_add_op(struct folio_connection *c, const Folio__OfferAdd *op,
                                    struct folio_error *err)
{
    return folio_connection_call_op(c, &op->base, FOLIO__RESPONSE__RESULT_OFFER, err);
}

Folio__Response *folio_offer_list(struct folio_connection *c, const char *client_id,
                                  const char *status, const char *date, uint32_t limit,
                                  uint64_t after, struct folio_error *err)
{
    Folio__OfferList op = FOLIO__OFFER_LIST__INIT;
    op.client_id = folio_text(client_id);
    op.status = folio_text(status);
    op.date = folio_text(date);
    op.limit = limit;
    op.after = after;
    return folio_connection_call_op(c, &op.base, FOLIO__RESPONSE__RESULT_OFFERS, err);
}

Folio__Response *folio_offer_set(struct folio_connection *c, uint64_t id, const char *status,
                                 const char *date, struct folio_error *err)
{
    Folio__OfferSet op = FOLIO__OFFER_SET__INIT;
    op.id = id;
    op.status = folio_text(status);
    op.date = folio_text(date);
    return folio_connection_call_op(c, &op.base, FOLIO__RESPONSE__RESULT_OFFER, err);
}

Folio__Response *folio_partner_add(struct folio_connection *c, const Folio__Partner *partner,
                                   struct folio_error *err)
{
    Folio__PartnerAdd op = FOLIO__PARTNER_ADD__INIT;
    op.partner = (Folio__Partner *)partner;
    return folio_connection_call_op(c, &op.base, FOLIO__RESPONSE__RESULT_PARTNER, err);
}

Folio__Response *folio_partner_list(struct folio_connection *c, struct folio_error *err)
{
    Folio__PartnerList op = FOLIO__PARTNER_LIST__INIT;
    return folio_connection_call_op(c, &op.base, FOLIO__RESPONSE__RESULT_PARTNERS, err);
}

Folio__Response *folio_partner_edit(struct folio_connection *c, uint64_t id,
                                    const Folio__Partner *changes, const char *const *fields,
                                    size_t n_fields, struct folio_error *err)
{
    Folio__PartnerEdit op = FOLIO__PARTNER_EDIT__INIT;
    op.id = id;
    op.changes = (Folio__Partner *)changes;
    op.fields = (char **)fields;
    op.n_fields = n_fields;
    return folio_connection_call_op(c, &op.base, FOLIO__RESPONSE__RESULT_PARTNER, err);
}

Folio__Response *folio_partner_remove(struct folio_connection *c, uint64_t id,
                                      struct folio_error *err)
{
    Folio__PartnerRemove op = FOLIO__PARTNER_REMOVE__INIT;
    op.id = id;
    return folio_connection_call_op(c, &op.base, FOLIO__RESPONSE__RESULT_EMPTY, err);
}

Folio__Response *folio_coupon_issue(struct folio_connection *c, const Folio__Coupon *coupon,
                                    const char *date, struct folio_error *err)
{
    Folio__CouponIssue op = FOLIO__COUPON_ISSUE__INIT;
    op.coupon = (Folio__Coupon *)coupon;
    op.date = folio_text(date);
    return folio_connection_call_op(c, &op.base, FOLIO__RESPONSE__RESULT_COUPON, err);
}

Folio__Response *folio_coupon_list(struct folio_connection *c, const char *client_id,
                                   uint32_t limit, const char *after, struct folio_error *err)
{
    Folio__CouponList op = FOLIO__COUPON_LIST__INIT;
    op.client_id = folio_text(client_id);
    op.limit = limit;
    op.after = folio_text(after);
    return folio_connection_call_op(c, &op.base, FOLIO__RESPONSE__RESULT_COUPONS, err);
}

Folio__Response *folio_coupon_redeem(struct folio_connection *c, const char *code, const char *date,
                                     struct folio_error *err)
{
    Folio__CouponRedeem op = FOLIO__COUPON_REDEEM__INIT;
    op.code = folio_text(code);
    op.date = folio_text(date);
    return folio_connection_call_op(c, &op.base, FOLIO__RESPONSE__RESULT_COUPON, err);
}

Folio__Response *folio_coupon_withdraw(struct folio_connection *c, const char *code,
                                       const char *date, struct folio_error *err)
{
    Folio__CouponWithdraw op = FOLIO__COUPON_WITHDRAW__INIT;
    op.code = folio_text(code);
    op.date = folio_text(date);
    return folio_connection_call_op(c, &op.base, FOLIO__RESPONSE__RESULT_COUPON, err);
}

Folio__Response *folio_campaign_create(struct folio_connection *c, const Folio__CampaignCreate *op,
                                       struct folio_error *err)
{
    return folio_connection_call_op(c, &op->base, FOLIO__RESPONSE__RESULT_CAMPAIGN_RESULT, err);
}

Folio__Response *folio_campaign_list(struct folio_connection *c, uint32_t limit, uint64_t after,
                                     struct folio_error *err)
{
    Folio__CampaignList op = FOLIO__CAMPAIGN_LIST__INIT;
    op.limit = limit;
    op.after = after;
    return folio_connection_call_op(c, &op.base, FOLIO__RESPONSE__RESULT_CAMPAIGNS, err);
}

Folio__Response *folio_campaign_show(struct folio_connection *c, uint64_t id, const char *date,
                                     struct folio_error *err)
{
    Folio__CampaignShow op = FOLIO__CAMPAIGN_SHOW__INIT;
    op.id = id;
    op.date = folio_text(date);
    return folio_connection_call_op(c, &op.base, FOLIO__RESPONSE__RESULT_CAMPAIGN, err);
}

Folio__Response *folio_campaign_cancel(struct folio_connection *c, uint64_t id, const char *date,
                                       struct folio_error *err)
{
    Folio__CampaignCancel op = FOLIO__CAMPAIGN_CANCEL__INIT;
    op.id = id;
    op.date = folio_text(date);
    return folio_connection_call_op(c, &op.base, FOLIO__RESPONSE__RESULT_CAMPAIGN_RESULT, err);
}

Folio__Response *folio_profile_set(struct folio_connection *c, const Folio__AgentCard *card,
                                   const char *const *fields, size_t n_fields,
                                   struct folio_error *err)
{
    Folio__ProfileSet op = FOLIO__PROFILE_SET__INIT;
    op.card = (Folio__AgentCard *)card;
    op.fields = (char **)fields;
    op.n_fields = n_fields;
    return folio_connection_call_op(c, &op.base, FOLIO__RESPONSE__RESULT_CARD, err);
}

Folio__Response *folio_profile_get(struct folio_connection *c, struct folio_error *err)
{
    Folio__ProfileGet op = FOLIO__PROFILE_GET__INIT;
    return folio_connection_call_op(c, &op.base, FOLIO__RESPONSE__RESULT_CARD, err);
}
