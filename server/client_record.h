/* client_record.h - what a client record means, as pure functions: ids,
 * ages, validation, updates, events and income trend. No I/O here, so all
 * of it is unit-tested directly.
 *
 * Dates are "YYYY-MM-DD" strings (calendar.h).
 * Functions that validate return NULL when all is well, or a sentence for a
 * person that names the field at fault ("birth_date: not a real date"). */
#ifndef FOLIO_CLIENT_RECORD_H
#define FOLIO_CLIENT_RECORD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "client_id.h"
#include "folio.pb-c.h"
#include "calendar.h"
#include "iso_codes.h"
#include "wire_limits.h"

#define CLIENT_NAME_MAX             FOLIO_NAME_MAX
#define CLIENT_TEXT_MAX             FOLIO_TEXT_MAX /* street, city, region, employment, kinds */
#define CLIENT_NOTES_MAX            FOLIO_NOTES_MAX
#define CLIENT_POSTAL_CODE_MAX      FOLIO_POSTAL_CODE_MAX
#define CLIENT_PHONES_MAX           FOLIO_PHONES_MAX
#define CLIENT_EMAILS_MAX           FOLIO_EMAILS_MAX
#define CLIENT_TAGS_MAX             FOLIO_TAGS_MAX
#define CLIENT_TAG_MAX              FOLIO_TAG_MAX
#define CLIENT_CHILDREN_MAX         FOLIO_CHILDREN_MAX
#define CLIENT_HISTORY_MAX          240 /* income changes kept */
#define CLIENT_PURCHASES_MAX        500
#define CLIENT_CONTACT_INTERVAL_MAX FOLIO_CONTACT_EVERY_MAX /* days */
#define CLIENT_AMOUNT_MAX           1000000000000000        /* 10^15 cents */
#define CLIENT_AGE_MAX              150
#define CLIENT_EVENT_AHEAD_DAYS     7  /* an event that happened: dated up to today + this */
#define CLIENT_DIFF_VALUE_MAX       64 /* bytes of each value an audit detail quotes */
#define CLIENT_HOUSEHOLD_MAX        16 /* links of one client */

/* Whole years from birth_date to today; -1 when either is not a date or the
 * birth is after today. Someone born on 29 February turns a year older on
 * 1 March in years without one. */
int client_age(const char *birth_date, const char *today);

/* Whether birth_date is a birthday without its year, "--MM-DD" (a real
 * month-day; 29 February included), and its parts (each may be NULL). */
bool client_birthday_yearless(const char *birth_date, int *month, int *day);

/* Checks every field of a record the way it will be stored (after the server
 * filled id, owner and times). Lower-cases emails and tags, upper-cases
 * country and currency in place, and drops the phone details of numbers the
 * record no longer has (a phone removed takes its details with it). */
const char *client_validate(Folio__Client *client);

/* What typed records are held to beyond client_validate: rules added after
 * records were first stored, so they judge what people type (client add,
 * update, CSV import) and not records as stored or moved between firms. */
struct client_rules {
    const struct iso_codes *iso; /* the country and currency codes known */
    const char *today;           /* the server's today, never the client's */
};

/* A name of more than blanks (ASCII spaces, tabs, U+00A0), a birth date not
 * after rules->today, e-mail domains with a dot and nothing empty after it,
 * and a country and currency (already upper-cased by client_validate) in
 * the ISO lists. Call after client_validate. */
const char *client_validate_typed(const Folio__Client *client, const struct client_rules *rules);

/* Applies update's element edits (add_tags, remove_tags, add_phones, ...)
 * to stored: removals, then additions not already there. Tags and e-mails
 * are compared lower-cased, phones as typed; removing what is not there is
 * no error. Each list given is bounded by its CLIENT_*_MAX; the result is
 * left to client_validate. *edited names the lists changed ("tags",
 * "phones", "emails", in that order, comma-separated; "" when none), for
 * the timeline. Allocates from arena; NULL or why not. */
const char *client_apply_elements(Folio__Client *stored, Folio__ClientUpdate *update,
                                  const char **edited, struct arena *arena);

/* Whether update carries any element edit. */
bool client_update_has_elements(const Folio__ClientUpdate *update);

/* Copies the named fields (Client field names as in folio.proto: "name",
 * "phones", "city", "consent", "income_cents", ...) from changes into stored.
 * Changing income_cents or currency also appends to income_history (dated
 * today). Unknown or read-only field names are refused. Allocates from arena. */
const char *client_apply_update(Folio__Client *stored, const Folio__Client *changes, char **fields,
                                size_t n_fields, const char *today, struct arena *arena);

/* Checks an event and applies what it says to the record: income sets
 * income and appends to the history; life married/divorced/widowed/
 * partnered sets marital status, child-born adds a child (birth year from
 * the event date), retired and moved change nothing; purchase appends a
 * purchase; contact moves last_contact forward to the event date (never
 * back) and may carry a follow_up date, not before the event's. note
 * changes nothing in the record. Words are a closed set (a typo is refused
 * with the list). Fills ev (a new timeline entry) from it, with its
 * trigger: "purchase:KIND", "life:WHAT", "income:up"/"income:down" against
 * the previous amount in the same currency, else empty. The income and
 * purchase entries it adds carry ev->seq, so set ev->seq first when known
 * (the replay below finds them by it); 0 is read as "typed". */
const char *client_apply_event(Folio__Client *client, const Folio__EventAdd *event,
                               const char *date, Folio__TimelineEvent *ev, struct arena *arena);

/* What a typed event is held to beyond client_apply_event, as
 * client_validate_typed is for records: a date at most
 * CLIENT_EVENT_AHEAD_DAYS after rules->today for what already happened
 * (contact, purchase, income, life; not notes), and an income's currency in
 * the ISO list. was: the entry a correction replaces, whose unchanged
 * fields are not judged again; NULL for a new event. */
const char *client_event_validate_typed(const Folio__TimelineEvent *ev,
                                        const Folio__TimelineEvent *was,
                                        const struct client_rules *rules);

/* Whether agents add (and so may correct or withdraw) events of kind. */
bool client_event_correctable(const char *kind);

/* The event old corrected by edit (EventEdit: the named fields replace
 * old's), checked as a new event would be, into ev (strings in arena;
 * seq, time, actor and trigger as old's). NULL or why not. */
const char *client_event_edit(const Folio__TimelineEvent *old, const Folio__EventEdit *edit,
                              Folio__TimelineEvent *ev, struct arena *arena);

/* "date: A -> B; amount_cents: 1 -> 2", the fields that differ, each value
 * cut to CLIENT_DIFF_VALUE_MAX bytes (so at most six such); empty when
 * none differ, NULL when out of memory. */
char *client_event_diff(const Folio__TimelineEvent *was, const Folio__TimelineEvent *now,
                        struct arena *arena);

/* The trigger of ev as it lies in the (replayed) record c: income compares
 * with the history entry before its own. NULL when out of memory. */
char *client_event_trigger_of(const Folio__Client *c, const Folio__TimelineEvent *ev,
                              struct arena *arena);

/* The one way a record's derived fields (income, currency and income
 * history, marital status, children and their years, purchases,
 * last_contact) follow its timeline. c agrees with the timeline was (both
 * in seq order); afterwards it agrees with now, as if now's events had
 * been added one by one (client_apply_event) on top of what people typed:
 * history and purchase entries of events in both stay in place, corrected;
 * those of events gone from now are dropped; those of new events are
 * appended in seq order; births and marital life events are replayed in
 * order against marital_status_typed. A fresh replay passes was empty.
 * NULL, or why not (children over their bound). Allocates from arena. */
const char *client_timeline_replay(Folio__Client *c, Folio__TimelineEvent *const *was, size_t n_was,
                                   Folio__TimelineEvent *const *now, size_t n_now,
                                   struct arena *arena);

/* Households (client link). A relation is what the linked client is to the
 * one whose record holds the link; its inverse is what the record's client
 * is to the other: child and parent swap, the rest are symmetric. NULL
 * when relation is not one of spouse, partner, child, parent, sibling,
 * other. */
const char *client_relation_inverse(const char *relation);
/* The index of c's link to the client other_id (canonical text), or -1. */
int client_household_find(const Folio__Client *c, const char *other_id);
/* Links c to other_id as relation (replacing an earlier relation). NULL, or
 * why not (a full household, naming the bound). Allocates from arena. */
const char *client_household_set(Folio__Client *c, const char *other_id, const char *relation,
                                 struct arena *arena);
/* Removes c's link to other_id; whether there was one. */
bool client_household_remove(Folio__Client *c, const char *other_id);
/* The timeline event that says what happened to a client's household:
 * kind "updated", what "household", at now, dated today (the actor's,
 * request_today; kept by the caller while ev is used), by actor. */
void client_household_event(Folio__TimelineEvent *ev, int64_t now, const char *actor,
                            const char *note, const char *today);
/* A timeline note of several parts (links dropped at once), "; " between
 * them, kept within an event note's bound: a part that does not fit is
 * counted in *left_out, and client_note_close ends the note with "and N
 * more". note is NULL before the first part. Both allocate from arena and
 * return NULL when out of memory. */
char *client_note_add(struct arena *arena, char *note, const char *part, size_t *left_out);
char *client_note_close(struct arena *arena, char *note, size_t left_out);

/* One record from two of the same person (client merge): keep takes
 * other's phones (with their details), e-mails and tags it lacks, its
 * typed purchases, and every field keep leaves empty (birth date, channel,
 * employment, organisation, title, notes, the address as a whole, typed
 * marital status, children, contact interval, consent when keep gives
 * none, typed income); keep's created_at becomes
 * the earlier. Call with both stripped of what their timelines derive
 * (client_timeline_replay to an empty timeline), then replay the joined
 * timeline. NULL, or why not (a list over its bound, naming the field).
 * keep shares other's strings; allocates from arena. */
const char *client_merge_fill(Folio__Client *keep, const Folio__Client *other, struct arena *arena);

/* Checks a timeline event as stored (from a bundle, say): a known kind,
 * printable bounded text, real dates, a follow-up only on a contact and not
 * before it, a plausible amount. Upper-cases the currency in place. */
const char *client_event_validate(Folio__TimelineEvent *event);

/* "up", "down" or "flat", from the last two entries of income_history. */
const char *client_income_trend(const Folio__Client *client);

/* The rules of single fields, for filters on them (segment.c). */
bool client_amount_ok(int64_t cents);
bool client_channel_known(const char *channel);
/* Lower-cases tag in place, then checks it. */
const char *client_tag_check(char *tag);

const char *client_marital_name(Folio__MaritalStatus status);
int client_marital_parse(const char *name, Folio__MaritalStatus *status);

#endif
