/* rule.h - what a rule means, as pure functions: validation, the default
 * set a new firm starts with, and which rules a trigger fires.
 *
 * A trigger names what happened: purchase:KIND, life:WHAT, income:up,
 * income:down, alert:KIND, birthday, holiday:NAME, season. A rule fires for
 * a trigger when its `on` is the trigger, word for word. */
#ifndef FOLIO_RULE_H
#define FOLIO_RULE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "wire_limits.h"
#include "folio.pb-c.h"

#define RULE_COUNT_MAX      500
#define RULE_ON_MAX         80
#define RULE_TEXT_MAX       500 /* suggest, avoid */
#define RULE_PRODUCT_MAX    200
#define RULE_WINDOW_MAX     FOLIO_RULE_WINDOW_MAX
#define RULE_WINDOW_DEFAULT 30

/* Lower-cases on, checks every field, and gives purchase, life and income
 * rules the default window when it is 0. NULL or a sentence naming the
 * field. */
const char *rule_validate(Folio__Rule *rule);

/* The calendar a new firm starts with: Christmas, December as the
 * high-spending month, and a contact at least every 90 days (static
 * storage). */
#define RULE_STAY_IN_TOUCH_DEFAULT 90
/* A holding's renewal is on the agenda this many days before it renews,
 * unless the firm sets another number (Calendar.renewal_notice_days). */
#define RULE_RENEWAL_NOTICE_DEFAULT 30
#define RULE_RENEWAL_NOTICE_MAX     FOLIO_RENEWAL_NOTICE_MAX
const Folio__Calendar *rule_default_calendar(void);

/* The default set of rules (static storage; copy before changing). */
size_t rule_defaults(const Folio__Rule *const **out);

/* What the rules say about a trigger: their suggestions, avoids and products
 * joined with "; " (empty strings when none fire), and the longest window
 * among them. Returns how many rules fired, or -1 when out of memory. */
struct rule_advice {
    const char *suggestion;
    const char *avoid;
    const char *product;
    uint32_t window_days;
};
int rule_advise(Folio__Rule *const *rules, size_t n, const char *trigger, struct arena *arena,
                struct rule_advice *out);

/* Whether advice to avoid `avoid` (an alert rule's --avoid) holds back an
 * offer of `product` (or, without one, of what `suggestion` says): avoid's
 * text found in it, in any case. An empty avoid holds nothing back. */
bool rule_avoids(const char *avoid, const char *product, const char *suggestion);

/* A word of a trigger (the KIND of purchase:KIND, an occasion's name): 1-40
 * of a-z, 0-9 and -. Lower-cases it in place first. */
#define RULE_WORD_MAX 40
bool rule_word(char *word);

/* "holiday:" and the occasion's name. Writes into buf. */
const char *rule_holiday_trigger(const char *occasion, char *buf, size_t size);

#endif
