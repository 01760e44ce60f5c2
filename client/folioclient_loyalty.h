/* folioclient_loyalty.h - typed calls for what keeps clients: rules, the
 * firm's calendar and occasions, regional alerts, offers, partners and
 * coupons, and the agent's card.
 * Each builds its op message and goes through folio_connection_call_op. */
#ifndef FOLIO_FOLIOCLIENT_LOYALTY_H
#define FOLIO_FOLIOCLIENT_LOYALTY_H

#include "folioclient.h"

/* Loyalty. Requests that take a date use it as "today" (YYYY-MM-DD); NULL
 * or "" leaves it to the server's date. Records travel as given: the server
 * fills ids and times and checks every field. */
Folio__Response *folio_rule_add(struct folio_connection *c, const Folio__Rule *rule,
                                struct folio_error *err);
Folio__Response *folio_rule_list(struct folio_connection *c, struct folio_error *err);
/* fields names which Rule fields of changes to take (on, suggest, avoid,
 * window_days, product, unless_holds). Answer: the rule. */
Folio__Response *folio_rule_edit(struct folio_connection *c, uint64_t id,
                                 const Folio__Rule *changes, const char *const *fields,
                                 size_t n_fields, struct folio_error *err);
Folio__Response *folio_rule_remove(struct folio_connection *c, uint64_t id,
                                   struct folio_error *err);
Folio__Response *folio_calendar_get(struct folio_connection *c, struct folio_error *err);
/* Sets the named fields ("season_months", "stay_in_touch_days"). */
Folio__Response *folio_calendar_set(struct folio_connection *c, const Folio__Calendar *calendar,
                                    const char *const *fields, size_t n_fields,
                                    struct folio_error *err);
Folio__Response *folio_occasion_add(struct folio_connection *c, const char *name, uint32_t month,
                                    uint32_t day, struct folio_error *err);
Folio__Response *folio_occasion_remove(struct folio_connection *c, const char *name,
                                       struct folio_error *err);
Folio__Response *folio_alert_add(struct folio_connection *c, const Folio__Alert *alert,
                                 struct folio_error *err);
Folio__Response *folio_alert_list(struct folio_connection *c, const char *date, bool include_ended,
                                  struct folio_error *err);
Folio__Response *folio_alert_end(struct folio_connection *c, uint64_t id, const char *date,
                                 struct folio_error *err);
/* date: today, for the status in the reply; NULL: the server's. */
Folio__Response *folio_offer_add(struct folio_connection *c, const Folio__Offer *offer,
                                 const char *date, struct folio_error *err);
/* The same with every choice of the request (despite_alert ...). */
Folio__Response *folio_offer_add_op(struct folio_connection *c, const Folio__OfferAdd *op,
                                    struct folio_error *err);
/* client_id and status NULL: no filter. */
Folio__Response *folio_offer_list(struct folio_connection *c, const char *client_id,
                                  const char *status, const char *date, uint32_t limit,
                                  uint64_t after, struct folio_error *err);
Folio__Response *folio_offer_set(struct folio_connection *c, uint64_t id, const char *status,
                                 const char *date, struct folio_error *err);
Folio__Response *folio_partner_add(struct folio_connection *c, const Folio__Partner *partner,
                                   struct folio_error *err);
Folio__Response *folio_partner_list(struct folio_connection *c, struct folio_error *err);
/* fields names which of changes' fields to take: name, category, city. */
Folio__Response *folio_partner_edit(struct folio_connection *c, uint64_t id,
                                    const Folio__Partner *changes, const char *const *fields,
                                    size_t n_fields, struct folio_error *err);
/* Refused while coupons at the partner are open. Answer: empty. */
Folio__Response *folio_partner_remove(struct folio_connection *c, uint64_t id,
                                      struct folio_error *err);
Folio__Response *folio_coupon_issue(struct folio_connection *c, const Folio__Coupon *coupon,
                                    const char *date, struct folio_error *err);
Folio__Response *folio_coupon_list(struct folio_connection *c, const char *client_id,
                                   uint32_t limit, const char *after, struct folio_error *err);
Folio__Response *folio_coupon_withdraw(struct folio_connection *c, const char *code,
                                       const char *date, struct folio_error *err);
/* Campaigns: create (or a dry run) answers a CampaignResult, list
 * Campaigns, show a Campaign, cancel a CampaignResult. */
Folio__Response *folio_campaign_create(struct folio_connection *c, const Folio__CampaignCreate *op,
                                       struct folio_error *err);
Folio__Response *folio_campaign_list(struct folio_connection *c, uint32_t limit, uint64_t after,
                                     struct folio_error *err);
Folio__Response *folio_campaign_show(struct folio_connection *c, uint64_t id, const char *date,
                                     struct folio_error *err);
Folio__Response *folio_campaign_cancel(struct folio_connection *c, uint64_t id, const char *date,
                                       struct folio_error *err);
Folio__Response *folio_coupon_redeem(struct folio_connection *c, const char *code, const char *date,
                                     struct folio_error *err);
/* Sets the named fields (display_name, phone, email, hours, currency) of one's own
 * card; an empty value clears one. */
Folio__Response *folio_profile_set(struct folio_connection *c, const Folio__AgentCard *card,
                                   const char *const *fields, size_t n_fields,
                                   struct folio_error *err);
Folio__Response *folio_profile_get(struct folio_connection *c, struct folio_error *err);

#endif
