/* holding.c - see holding.h. */
#include "holding.h"

#include <string.h>

#include "array_size.h"
#include "calendar.h"
#include "client_record.h"
#include "validate.h"

static const char *const holding_kinds[] = {
    "auto", "home",     "life",        "health",  "travel",     "pet",     "business",
    "loan", "mortgage", "credit-card", "savings", "investment", "pension", "other",
};
static const char *const holding_statuses[] = {"quoted", "active", "lapsed", "cancelled", "ended"};
static const char *const holding_periods[] = {"month", "quarter", "year"};

/* What holding_end's reasons leave as the status. */
static const struct {
    const char *reason, *status;
} holding_ends[] = {
    {"lapsed", "lapsed"},
    {"cancelled", "cancelled"},
    {"replaced", "ended"},
    {"ended", "ended"},
};

/* The status a reason to end leaves, or NULL for no such reason. */
static const char *holding_end_status(const char *reason)
{
    for (size_t i = 0; i < ARRAY_SIZE(holding_ends); i++)
        if (strcmp(reason, holding_ends[i].reason) == 0)
            return holding_ends[i].status;
    return NULL;
}

static bool holding_in(const char *s, const char *const *list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(s, list[i]) == 0)
            return true;
    return false;
}

#define HOLDING_IN(s, list) holding_in((s), (list), ARRAY_SIZE(list))

bool holding_kind_known(const char *kind)
{
    return HOLDING_IN(kind, holding_kinds);
}

bool holding_status_known(const char *status)
{
    return HOLDING_IN(status, holding_statuses);
}

bool holding_open(const Folio__Holding *h)
{
    return strcmp(h->status, "quoted") == 0 || strcmp(h->status, "active") == 0;
}

static bool holding_date_ok(const char *date)
{
    return date[0] == '\0' || calendar_parse_date(date, NULL, NULL, NULL) == 0;
}

/* Three upper-case letters, upper-cased in place; empty is fine. */
static bool holding_currency_ok(char *currency)
{
    size_t n = strnlen(currency, 4);
    if (n == 0)
        return true;
    if (n != 3)
        return false;
    for (size_t i = 0; i < 3; i++) {
        if (currency[i] >= 'a' && currency[i] <= 'z')
            currency[i] = (char)(currency[i] - 'a' + 'A');
        if (currency[i] < 'A' || currency[i] > 'Z')
            return false;
    }
    return true;
}

static const struct validate_msgs provider_msgs = VALIDATE_MSGS("provider", HOLDING_PROVIDER_MAX);
static const struct validate_msgs number_msgs = VALIDATE_MSGS("number", HOLDING_NUMBER_MAX);

static const char *holding_dates_check(const Folio__Holding *h)
{
    if (!holding_date_ok(h->start_date))
        return "start_date: not a date (YYYY-MM-DD)";
    if (!holding_date_ok(h->renews_on))
        return "renews_on: not a date (YYYY-MM-DD)";
    if (!holding_date_ok(h->ends_on))
        return "ends_on: not a date (YYYY-MM-DD)";
    if (h->start_date[0] != '\0' && h->renews_on[0] != '\0' &&
        strcmp(h->renews_on, h->start_date) < 0)
        return "renews_on: before start_date";
    if (h->start_date[0] != '\0' && h->ends_on[0] != '\0' && strcmp(h->ends_on, h->start_date) < 0)
        return "ends_on: before start_date";
    if (holding_open(h) && h->renews_on[0] != '\0' && h->ends_on[0] != '\0')
        return "renews_on: a holding that renews has no fixed end; give renews_on or ends_on";
    return NULL;
}

const char *holding_validate(Folio__Holding *h)
{
    if (!holding_kind_known(h->kind))
        return "kind: one of " HOLDING_KINDS;
    const char *why = validate_field(h->provider, HOLDING_PROVIDER_MAX, true, &provider_msgs);
    if (why == NULL)
        why = validate_field(h->number, HOLDING_NUMBER_MAX, false, &number_msgs);
    if (why != NULL)
        return why;
    if (!holding_status_known(h->status))
        return "status: one of quoted, active, lapsed, cancelled, ended";
    if (!client_amount_ok(h->premium_cents))
        return "premium_cents: 0 to 10^15 cents";
    if (!client_amount_ok(h->value_cents))
        return "value_cents: 0 to 10^15 cents";
    if (h->premium_cents > 0 && !HOLDING_IN(h->premium_period, holding_periods))
        return "premium_period: one of month, quarter, year, for a premium";
    if (h->premium_cents == 0 && h->premium_period[0] != '\0')
        return "premium_period: only with a premium";
    if (!holding_currency_ok(h->currency))
        return "currency: three letters (ISO 4217)";
    if ((h->premium_cents > 0 || h->value_cents > 0) && h->currency[0] == '\0')
        return "currency: an amount needs one";
    if ((why = holding_dates_check(h)) != NULL)
        return why;
    if (h->end_reason[0] != '\0' && holding_end_status(h->end_reason) == NULL)
        return "end_reason: one of lapsed, cancelled, replaced, ended";
    if (h->note[0] != '\0' && validate_text(h->note, HOLDING_NOTE_MAX) != NULL)
        return "note: at most " VALIDATE_STR(HOLDING_NOTE_MAX) " bytes of printable text";
    return NULL;
}

const char *holding_validate_typed(const Folio__Holding *h, const struct iso_codes *iso)
{
    if (!holding_open(h))
        return "status: quoted or active; a holding ends with holding end";
    if (h->currency[0] != '\0' && !iso_codes_currency(iso, h->currency))
        return "currency: not an ISO 4217 currency code (three letters, such as PEN or EUR)";
    return NULL;
}

/* ---------------------------------------------------------------- edit */

static const char *const holding_settable[] = {
    "kind",        "provider", "number",     "status",    "premium_cents", "premium_period",
    "value_cents", "currency", "start_date", "renews_on", "ends_on",       "note",
};

static char *holding_copy(const char *s, struct arena *arena, bool *ok)
{
    char *out = arena_strdup(arena, s != NULL ? s : "");
    if (out == NULL) {
        *ok = false;
        return (char *)"";
    }
    return out;
}

const char *holding_apply_edit(Folio__Holding *stored, const Folio__Holding *changes,
                               char *const *fields, size_t n_fields, struct arena *arena)
{
    if (!holding_open(stored))
        return "status: this holding has ended; it stays as it was";
    if (n_fields == 0)
        return "fields: name at least one field to change";
    bool ok = true;
    for (size_t i = 0; i < n_fields; i++) {
        const char *f = fields[i];
        if (!HOLDING_IN(f, holding_settable))
            return "fields: kind, provider, number, status, premium_cents, premium_period, "
                   "value_cents, currency, start_date, renews_on, ends_on or note";
        if (strcmp(f, "kind") == 0)
            stored->kind = holding_copy(changes->kind, arena, &ok);
        else if (strcmp(f, "provider") == 0)
            stored->provider = holding_copy(changes->provider, arena, &ok);
        else if (strcmp(f, "number") == 0)
            stored->number = holding_copy(changes->number, arena, &ok);
        else if (strcmp(f, "status") == 0)
            stored->status = holding_copy(changes->status, arena, &ok);
        else if (strcmp(f, "premium_cents") == 0)
            stored->premium_cents = changes->premium_cents;
        else if (strcmp(f, "premium_period") == 0)
            stored->premium_period = holding_copy(changes->premium_period, arena, &ok);
        else if (strcmp(f, "value_cents") == 0)
            stored->value_cents = changes->value_cents;
        else if (strcmp(f, "currency") == 0)
            stored->currency = holding_copy(changes->currency, arena, &ok);
        else if (strcmp(f, "start_date") == 0)
            stored->start_date = holding_copy(changes->start_date, arena, &ok);
        else if (strcmp(f, "renews_on") == 0)
            stored->renews_on = holding_copy(changes->renews_on, arena, &ok);
        else if (strcmp(f, "ends_on") == 0)
            stored->ends_on = holding_copy(changes->ends_on, arena, &ok);
        else
            stored->note = holding_copy(changes->note, arena, &ok);
    }
    return ok ? NULL : "the request needs more memory than it may use";
}

/* ---------------------------------------------------------------- end */

const char *holding_end(Folio__Holding *h, const char *date, const char *reason, bool *precondition)
{
    *precondition = false;
    const char *status = holding_end_status(reason);
    if (status == NULL)
        return "reason: one of lapsed, cancelled, replaced, ended";
    if (calendar_parse_date(date, NULL, NULL, NULL) != 0)
        return "date: not a date (YYYY-MM-DD)";
    if (h->start_date[0] != '\0' && strcmp(date, h->start_date) < 0)
        return "date: before the holding's start_date";
    if (!holding_open(h)) {
        *precondition = true;
        return "status: this holding has already ended";
    }
    h->status = (char *)status;
    h->ends_on = (char *)date;
    h->end_reason = (char *)reason;
    return NULL;
}
