/* holding.h - what a holding (a client's policy, account or contract) may
 * say and how it changes, as pure functions.
 *
 * Statuses: quoted and active are typed (add, edit); lapsed, cancelled and
 * ended are reached only by holding_end, which also records the day and
 * the reason (replaced ends a holding as "ended", for one that took its
 * place). An ended holding is history: it is not edited or ended again.
 * Functions that check return NULL, or a sentence naming the field. */
#ifndef FOLIO_HOLDING_H
#define FOLIO_HOLDING_H

#include <stdbool.h>
#include <stddef.h>

#include "arena.h"
#include "folio.pb-c.h"
#include "iso_codes.h"

#define HOLDING_PROVIDER_MAX 200
#define HOLDING_NUMBER_MAX   64
#define HOLDING_NOTE_MAX     4000

#define HOLDING_KINDS                                                                              \
    "auto, home, life, health, travel, pet, business, loan, mortgage, credit-card, savings, "      \
    "investment, pension, other"

/* Whether kind is one of HOLDING_KINDS. */
bool holding_kind_known(const char *kind);
/* Whether status is one a holding can have; whether it is still running
 * (quoted or active). */
bool holding_status_known(const char *status);
bool holding_open(const Folio__Holding *h);

/* Checks a holding as it will be stored: known kind, status and period;
 * a provider; amounts within bounds, with a currency (three letters) when
 * any is set and a period exactly when there is a premium; real dates, none
 * before the start; renews_on and ends_on not both on an open holding.
 * Upper-cases the currency in place. */
const char *holding_validate(Folio__Holding *h);
/* What a typed holding is held to beyond that: its currency in the ISO
 * list, a typed status (quoted or active). */
const char *holding_validate_typed(const Folio__Holding *h, const struct iso_codes *iso);

/* Copies the named fields (Holding field names) of changes into stored;
 * unknown and server-kept names (id, client_id, end_reason, ...) are
 * refused, as is editing a holding that has ended. Strings are copied into
 * arena. */
const char *holding_apply_edit(Folio__Holding *stored, const Folio__Holding *changes,
                               char *const *fields, size_t n_fields, struct arena *arena);

/* Ends h on date for reason (lapsed, cancelled, replaced, ended): status,
 * ends_on and end_reason. *precondition tells a holding already ended
 * (FAILED_PRECONDITION) from a bad argument. */
const char *holding_end(Folio__Holding *h, const char *date, const char *reason,
                        bool *precondition);

#endif
