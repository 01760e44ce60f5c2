/* segment.h - which clients a segment request picks, and how it breaks
 * them down: pure functions over a record or its summary (client_summary.h),
 * unit-tested directly. Functions that validate return NULL when all is
 * well, or a sentence naming the filter at fault. */
#ifndef FOLIO_SEGMENT_H
#define FOLIO_SEGMENT_H

#include <stdbool.h>
#include <stddef.h>

#include "client_summary.h"
#include "folio.pb-c.h"

/* Checks a segment request's filters. */
const char *segment_validate(const Folio__Segment *segment);

/* Does the client pass every filter of segment, ages as of today? The
 * summary forms are what portfolio walks use; the record forms summarise the
 * record first, so both answer alike. */
bool segment_matches_summary(const Folio__Segment *segment, const struct client_summary *client,
                             const char *today);
bool segment_matches(const Folio__Segment *segment, const Folio__Client *client, const char *today);

/* Holdings filters (holds, lacks, provider, renews_before,
 * premium_min_cents): the walk reads a client's holdings only when
 * segment_wants_holdings, adds each with segment_holdings_add, and asks
 * segment_holdings_match at the end. */
struct segment_holdings {
    bool held;   /* an active holding matches holds and the rest */
    bool lacked; /* no active holding of the kind lacks names */
};
bool segment_wants_holdings(const Folio__Segment *segment);
void segment_holdings_start(const Folio__Segment *segment, struct segment_holdings *acc);
void segment_holdings_add(const Folio__Segment *segment, const Folio__Holding *holding,
                          struct segment_holdings *acc);
bool segment_holdings_match(const Folio__Segment *segment, const struct segment_holdings *acc);

/* The breakdown key of client for segment->by ("city", "region", "marital",
 * "age-band" as "30-39", "income-band" as "50000-99999" in whole currency
 * units; "unknown" when the field is empty). Writes into buf. */
const char *segment_bucket_summary(const char *by, const struct client_summary *client,
                                   const char *today, char *buf, size_t size);
const char *segment_bucket(const char *by, const Folio__Client *client, const char *today,
                           char *buf, size_t size);

#endif
