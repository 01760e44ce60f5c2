/* report.h - what `folio report` draws, as pure functions: the book
 * (book.h) of a scope together with its portfolio in numbers, added up in
 * one walk (report_add_client for each client summary, report_add_contact
 * for each of its timeline events, report_add_holding for each holding,
 * report_add_event for each dated trigger of the agenda index), then the
 * Report reply (report_finish).
 *
 * "Today" is the date asked about. Ages are on that day; renewals are
 * counted by week over the REPORT_WEEKS weeks after it, per currency;
 * contacts by month over the BOOK_MONTHS months up to it; opportunities are
 * the events whose rule window is open on some day of its month. The work
 * and the reply are bounded: at most REPORT_CITY_SLOTS distinct cities are
 * told apart (later ones count as "other") and REPORT_CITIES_MAX shown;
 * rules are the firm's (at most RULE_COUNT_MAX), REPORT_RULES_MAX shown. */
#ifndef FOLIO_REPORT_H
#define FOLIO_REPORT_H

#include <stdbool.h>
#include <stdint.h>

#include "arena.h"
#include "book.h"
#include "client_summary.h"
#include "folio.pb-c.h"

#define REPORT_WEEKS        13
#define REPORT_CITIES_MAX   15
#define REPORT_CITY_SLOTS   4096
#define REPORT_RULES_MAX    30
#define REPORT_AGE_BANDS    7
#define REPORT_INCOME_BANDS 6
#define REPORT_LIFE_STAGES  12

/* A city, told apart from others ignoring ASCII case; its name is the
 * spelling that reads as a name ("Lima" over "LIMA"), else the first in
 * byte order, whatever order the clients come in. */
struct report_city {
    char *name; /* NULL: a free slot */
    uint64_t count;
};

struct report {
    struct book book;
    int year, month, mday;           /* today */
    int64_t month_first, month_last; /* today's month */
    uint64_t ages[REPORT_AGE_BANDS], incomes[REPORT_INCOME_BANDS], stages[REPORT_LIFE_STAGES];
    uint64_t contacts[BOOK_MONTHS];
    struct report_city *cities; /* open addressing, 2 * REPORT_CITY_SLOTS slots */
    size_t n_cities;
    uint64_t other_cities;
    struct book_lines weeks;
    Folio__Rule *const *rules; /* the caller's, alive until report_finish */
    size_t n_rules;
    uint64_t *opportunities; /* per rule */
    bool partial;            /* something was folded or left out */
};

/* today: YYYY-MM-DD; rules: the firm's. -1 when today is not a date,
 * ENOMEM. */
int report_init(struct report *r, const char *today, Folio__Rule *const *rules, size_t n_rules);
void report_free(struct report *r);

/* 0, or ENOMEM. */
int report_add_client(struct report *r, const struct client_summary *client);
/* Counts a contact event of the timeline; others are ignored. */
void report_add_contact(struct report *r, const Folio__TimelineEvent *event);
/* 0, or ENOMEM. */
int report_add_holding(struct report *r, const Folio__Holding *holding);
/* Whether the event's client has an active holding of kind: 0 with *holds
 * set, or an error. */
typedef int (*report_holds_fn)(void *ctx, const char *kind, bool *holds);
/* An event of a client on day with trigger ("purchase:vehicle"): it opens
 * the rules on trigger, as on the agenda, but for those whose unless_holds
 * the client holds (asked of holds, only for such rules). 0, or the error
 * holds gave. */
int report_add_event(struct report *r, int64_t day, const char *trigger, report_holds_fn holds,
                     void *ctx);

/* The first day of the agenda index that report_add_event wants to see,
 * and the last. */
int64_t report_events_from(const struct report *r);
int64_t report_events_to(const struct report *r);

/* The reply, allocated from arena; NULL when out of memory. */
Folio__Report *report_finish(struct report *r, const char *scope, const char *date,
                             struct arena *arena);

#endif
