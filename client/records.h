/* records.h - how folio shows each kind of record, once for JSON, cards and
 * tables: JSON keys are the proto field names, roles are shown by name. */
#ifndef FOLIO_RECORDS_H
#define FOLIO_RECORDS_H

#include <stddef.h>

#include "folio.pb-c.h"
#include "output.h"

#define REC_FIELDS_MAX 12

/* Each fills f (REC_FIELDS_MAX entries) and returns how many it used. */
size_t rec_user(const Folio__User *u, struct out_field *f);
size_t rec_office(const Folio__Office *o, struct out_field *f);
size_t rec_audit(const Folio__AuditRecord *r, struct out_field *f);
size_t rec_event(const Folio__TimelineEvent *e, struct out_field *f);
size_t rec_bucket(const Folio__SegmentBucket *b, struct out_field *f);

/* A client: the flat JSON of the portfolio spec (income as a decimal,
 * consent as a list of channel names, marital_status null when unknown);
 * tables show ID NAME CITY PHONE VERSION. f needs REC_CLIENT_FIELDS entries;
 * the fields point into scratch, which must live as long as they do. */
#define REC_CLIENT_FIELDS 28
struct rec_client_scratch {
    const char *consent[4];
};
size_t rec_client(const Folio__Client *c, struct rec_client_scratch *scratch, struct out_field *f);
/* {"client":{...}}; a card in human mode. */
void rec_print_client(const Folio__Client *c);
/* {"clients":[...]}; a table in human mode, or empty_note for none. */
void rec_print_clients(Folio__Client *const *clients, size_t n, const char *empty_note);

/* {"user":{...},"expires_at":N}; a card in human mode. Never the token. */
void rec_print_session(const Folio__SessionInfo *s);

/* Loyalty records. Dates are YYYY-MM-DD text; a date that is not set yet
 * (an alert's until and ended_on, a coupon's redeemed_at, an agenda item's
 * client_id) is JSON null. */
size_t rec_rule(const Folio__Rule *r, struct out_field *f);
size_t rec_alert(const Folio__Alert *a, struct out_field *f);
size_t rec_partner(const Folio__Partner *p, struct out_field *f);
size_t rec_coupon(const Folio__Coupon *c, struct out_field *f);
size_t rec_card(const Folio__AgentCard *card, struct out_field *f);
size_t rec_agenda_item(const Folio__AgendaItem *item, struct out_field *f);
/* An offer: rate as a percent number (rate_bp 450 is 4.5), the agent's card
 * as the object "agent" (JSON only). */
size_t rec_offer(const Folio__Offer *o, struct out_field *f);

/* {"calendar":{"occasions":[{"name","date":"MM-DD"}],"season_months":[..],
 * "stay_in_touch_days":N}}; a card in human mode. */
void rec_print_calendar(const Folio__Calendar *cal);
/* {"offer":{...}}; in human mode a card, then the agent's line. */
void rec_print_offer(const Folio__Offer *o);
/* {"offers":[...]}; in human mode a table, then the agent's line. */
void rec_print_offers(Folio__Offer *const *offers, size_t n, const char *empty_note);

#endif
