/* book.h - the book of business, as pure functions: what a walk of one or
 * more portfolios adds up to (book_add_client for each client summary,
 * book_add_holding for each holding), then the Book reply (book_finish).
 *
 * Premiums count over a year (a monthly premium twelve times, a quarterly
 * four) and are kept per currency, never summed across currencies. "Today"
 * is the date asked about: renewals are counted within 30, 60 and 90 days
 * after it, retention and the months over the year up to it. A book holds
 * at most BOOK_LINES_MAX lines of each kind; providers beyond
 * BOOK_PROVIDERS_MAX (by premium) are left out of the reply. */
#ifndef FOLIO_BOOK_H
#define FOLIO_BOOK_H

#include <stdbool.h>
#include <stdint.h>

#include "arena.h"
#include "client_summary.h"
#include "folio.pb-c.h"

#define BOOK_LINES_MAX     4096
#define BOOK_PROVIDERS_MAX 50
#define BOOK_MONTHS        12

struct book_line {
    char key[201];
    char currency[4];
    uint64_t count;
    int64_t premium_cents;
};

struct book_lines {
    struct book_line *lines;
    size_t n, cap;
};

struct book {
    int64_t today;         /* the day asked about (calendar.h) */
    int first_month_index; /* year * 12 + month - 1 of the oldest month shown */
    uint64_t agents, clients, active, retained, lost;
    struct book_lines by_kind, by_provider, renewals;
    uint64_t new_clients[BOOK_MONTHS], ended[BOOK_MONTHS];
    bool full; /* a line was left out: more than BOOK_LINES_MAX */
};

/* today: YYYY-MM-DD. -1 when it is not a date. */
int book_init(struct book *b, const char *today);
void book_free(struct book *b);

void book_add_client(struct book *b, const struct client_summary *client);
/* 0, or ENOMEM. */
int book_add_holding(struct book *b, const Folio__Holding *holding);

/* What the report (report.h) shares with the book. */
/* The month slot of a day, or -1 outside the last BOOK_MONTHS. */
int book_month(const struct book *b, int64_t day);
/* A holding's premium over a year. */
int64_t book_annual(const Folio__Holding *holding);
/* Adds one holding of premium to the line of key and currency; a new line
 * past BOOK_LINES_MAX is left out and sets *full. 0, or ENOMEM. */
int book_lines_add(struct book_lines *lines, const char *key, const char *currency, int64_t premium,
                   bool *full);
/* The largest max lines in order (which sorts lines in place), allocated
 * from arena, their number into *n; NULL when out of memory. */
Folio__BookLine **book_lines_out(struct book_lines *lines, size_t max,
                                 int (*order)(const void *, const void *), struct arena *arena,
                                 size_t *n);

/* The reply, allocated from arena; NULL when out of memory. */
Folio__Book *book_finish(struct book *b, const char *scope, const char *date, struct arena *arena);

#endif
