/* records.h - how folio shows each kind of record, once for JSON, cards and
 * tables: JSON keys are the proto field names, roles are shown by name. */
#ifndef FOLIO_RECORDS_H
#define FOLIO_RECORDS_H

#include <stddef.h>
#include <stdint.h>

#include "folio.pb-c.h"
#include "output.h"

/* Each kind of record is an item function (output.h): it fills f, which
 * has room for REC_FIELDS_MAX fields, with record i of list, an array of
 * pointers to records, and returns how many fields it used. One function
 * thus serves cards, tables and lists inside records. */
#define REC_FIELDS_MAX 40
typedef size_t rec_item_fn(const void *list, size_t i, struct out_field *f);

/* {"key":{...}}, a card in human mode: the record record points at (the
 * address of its pointer, a list of one). */
void rec_object(const char *key, const void *record, rec_item_fn *item);
/* {"key":[...]}, a table in human mode: the n records of list, or
 * empty_note (may be NULL) when there are none. */
void rec_table(const char *key, const char *empty_note, const void *list, size_t n,
               rec_item_fn *item);

rec_item_fn rec_user;
rec_item_fn rec_office;
rec_item_fn rec_audit;
rec_item_fn rec_event;
rec_item_fn rec_bucket;
/* A client: the flat JSON of the portfolio spec (income as a decimal,
 * consent as a list of channel names, marital_status null when unknown);
 * tables show ID (its first 8 hex digits) NAME CITY PHONE E-MAIL
 * LAST CONTACT. */
rec_item_fn rec_client;

/* {"user":{...},"expires_at":TIME}; a card in human mode. Never the token. */
void rec_print_session(const Folio__SessionInfo *s);

/* Loyalty records. Dates are YYYY-MM-DD text; a date that is not set yet
 * (an alert's until and ended_on, a coupon's redeemed_on, an agenda item's
 * client_id) is JSON null. */
rec_item_fn rec_rule;
rec_item_fn rec_alert;
rec_item_fn rec_partner;
rec_item_fn rec_coupon;
rec_item_fn rec_card;
rec_item_fn rec_agenda_mark;
rec_item_fn rec_task;
rec_item_fn rec_agenda_item;
/* An offer: rate as a percent number (rate_bp 450 is 4.5), the agent's card
 * as the object "agent" (JSON only). */
rec_item_fn rec_offer;
rec_item_fn rec_campaign;
rec_item_fn rec_campaign_client;
rec_item_fn rec_holding;

/* A reassignment of clients to another agent, the clients moved as a list. */
rec_item_fn rec_reassign;
rec_item_fn rec_reassignment;
/* A notice pushed to a watch. */
rec_item_fn rec_notice;

/* {"calendar":{"occasions":[{"name","date":"MM-DD"}],"season_months":[..],
 * "stay_in_touch_days":N}}; a card in human mode. */
void rec_print_calendar(const Folio__Calendar *cal);
/* {"offer":{...}}; in human mode a card, then the agent's line. */
void rec_print_offer(const Folio__Offer *o);
/* The book of business: its figures, then each list as a table. */
void rec_print_book(const Folio__Book *b);
/* {"offers":[...]}; in human mode a table, then the agent's line. */
void rec_print_offers(Folio__Offer *const *offers, size_t n, const char *empty_note);
/* The cursor of a page of a list: JSON "next" (out_next), and for a person
 * the flag to add for the next page; nothing more at the end ("" or 0). */
void rec_page_next(const char *flag, const char *next);
void rec_page_next_number(const char *flag, uint64_t next);

/* An answer, shown as its kind of result is: records as cards, lists as
 * tables with their page cursor. Nothing for Empty and for the answers
 * their commands show themselves (agenda, stats, backup, segment, ...). */
void rec_print_answer(const Folio__Response *r);

/* The answer to client find: whole clients, or, for a firm-admin's search
 * without --firm-admin-read, their ids and owners only. */
void rec_print_found(const Folio__Response *r);

#endif
