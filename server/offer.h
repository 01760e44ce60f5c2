/* offer.h - an offer's lifecycle, as pure functions.
 *
 * proposed -> sent -> accepted | declined, and proposed -> accepted |
 * declined; a proposed or sent offer may be withdrawn by the agent (it is
 * kept, never deleted). accepted, declined and withdrawn are final. A
 * proposed or sent offer is expired on any day after valid_until: that
 * status is derived from the date every time it is shown, never stored. */
#ifndef FOLIO_OFFER_H
#define FOLIO_OFFER_H

#include <stdbool.h>

#include "folio.pb-c.h"

#define OFFER_TITLE_MAX   200
#define OFFER_PRODUCT_MAX 200
#define OFFER_RATE_MAX_BP 10000 /* 100 % */

/* Is a stored status still open (proposed or sent)? */
bool offer_open(const char *status);

/* Has the client agreed to marketing on channel (email, phone, sms, post)? */
bool offer_consented(const Folio__Consent *consent, const char *channel);

/* The status as of today (YYYY-MM-DD). */
const char *offer_status_on(const Folio__Offer *offer, const char *today);

/* Checks an offer the way it will be stored; NULL or a sentence naming the
 * field. */
const char *offer_validate(const Folio__Offer *offer);

/* offer_validate, and the stored status and channel too: for offers that
 * arrive whole, in a bundle. */
const char *offer_validate_stored(const Folio__Offer *offer);

/* NULL when offer may move to status `to` today; otherwise the reason, and
 * *precondition says whether that is FAILED_PRECONDITION (the offer's state
 * forbids it) rather than INVALID_ARGUMENT (no such status). */
const char *offer_transition(const Folio__Offer *offer, const char *to, const char *today,
                             bool *precondition);

/* The channel an offer to client goes out on: `wanted` when the client
 * consented to it, else (wanted empty) the preferred channel when consented,
 * else the first consented one. NULL when there is none, with *why saying
 * which consent is missing ("consent: ... has not agreed to marketing by
 * sms"). */
const char *offer_channel(const Folio__Client *client, const char *wanted, const char **why);

#endif
