/* rule.c - see rule.h. */
#include "rule.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "array_size.h"
#include "holding.h"
#include "validate.h"

#define RULE(on_, suggest_, avoid_, window_, product_, unless_holds_)                              \
    {                                                                                              \
        .base = PROTOBUF_C_MESSAGE_INIT(&folio__rule__descriptor), .on = (char *)(on_),            \
        .suggest = (char *)(suggest_), .avoid = (char *)(avoid_), .window_days = (window_),        \
        .product = (char *)(product_), .unless_holds = (char *)(unless_holds_),                    \
    }

static const Folio__Rule rule_default_set[] = {
    RULE("purchase:vehicle", "offer vehicle insurance", "", 30, "vehicle insurance", "auto"),
    RULE("life:married", "offer life insurance", "", 60, "life insurance", "life"),
    RULE("life:child-born", "offer life insurance and education savings", "", 60, "life insurance",
         ""),
    RULE("income:up", "offer savings and investment products", "", 30, "", ""),
    RULE("income:down", "offer debt restructuring", "", 30, "", ""),
    RULE("alert:earthquake", "offer low-rate flexible loans", "insurance", 0, "", ""),
    RULE("alert:flood", "offer low-rate flexible loans", "insurance", 0, "", ""),
    RULE("birthday", "preferential credit rate valid on the birthday; call to congratulate", "", 0,
         "", ""),
    RULE("holiday:christmas", "offer consumer credit and partner coupons", "", 0, "", ""),
    RULE("season", "offer consumer credit and partner coupons", "", 0, "", ""),
};

#define RULE_DEFAULT_COUNT (ARRAY_SIZE(rule_default_set))

static const Folio__Rule *const rule_default_ptrs[RULE_DEFAULT_COUNT] = {
    &rule_default_set[0], &rule_default_set[1], &rule_default_set[2], &rule_default_set[3],
    &rule_default_set[4], &rule_default_set[5], &rule_default_set[6], &rule_default_set[7],
    &rule_default_set[8], &rule_default_set[9],
};

size_t rule_defaults(const Folio__Rule *const **out)
{
    *out = rule_default_ptrs;
    return RULE_DEFAULT_COUNT;
}

bool rule_word(char *word)
{
    if (word == NULL)
        return false;
    size_t len = strnlen(word, RULE_WORD_MAX + 1);
    if (len == 0 || len > RULE_WORD_MAX)
        return false;
    for (size_t i = 0; i < len; i++) {
        char c = word[i];
        if (c >= 'A' && c <= 'Z')
            word[i] = c = (char)(c - 'A' + 'a');
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'))
            return false;
    }
    return true;
}

/* Whether on has the prefix; *rest is what follows it. */
static bool rule_prefixed(char *on, const char *prefix, char **rest)
{
    size_t n = strlen(prefix);
    if (strncmp(on, prefix, n) != 0)
        return false;
    *rest = on + n;
    return true;
}

const char *rule_validate(Folio__Rule *rule)
{
    static const char on_forms[] = "on: must be one of purchase:KIND, life:WHAT, income:up, "
                                   "income:down, alert:KIND, birthday, holiday:NAME, season "
                                   "(KIND, WHAT, NAME: 1-40 of a-z, 0-9 and -)";
    char *on = rule->on;
    if (on == NULL || on[0] == '\0')
        return "on: must not be empty";
    size_t len = strnlen(on, RULE_ON_MAX + 1);
    if (len > RULE_ON_MAX)
        return on_forms;
    for (size_t i = 0; i < len; i++) {
        if (on[i] >= 'A' && on[i] <= 'Z')
            on[i] = (char)(on[i] - 'A' + 'a');
    }
    char *rest;
    bool event = false; /* purchase, life and income rules open a window */
    if (rule_prefixed(on, "purchase:", &rest) || rule_prefixed(on, "life:", &rest)) {
        if (!rule_word(rest))
            return on_forms;
        event = true;
    } else if (strcmp(on, "income:up") == 0 || strcmp(on, "income:down") == 0) {
        event = true;
    } else if (rule_prefixed(on, "alert:", &rest) || rule_prefixed(on, "holiday:", &rest)) {
        if (!rule_word(rest))
            return on_forms;
    } else if (strcmp(on, "birthday") != 0 && strcmp(on, "season") != 0) {
        return on_forms;
    }
    if (validate_text(rule->suggest, RULE_TEXT_MAX) != NULL)
        return "suggest: must be 1 to 500 bytes of printable text";
    if (rule->avoid != NULL && rule->avoid[0] != '\0' &&
        validate_text(rule->avoid, RULE_TEXT_MAX) != NULL)
        return "avoid: must be at most 500 bytes of printable text";
    if (rule->product != NULL && rule->product[0] != '\0' &&
        validate_text(rule->product, RULE_PRODUCT_MAX) != NULL)
        return "product: must be at most 200 bytes of printable text";
    if (rule->window_days > RULE_WINDOW_MAX)
        return "window_days: must be at most 3650";
    if (rule->window_days == 0 && event)
        rule->window_days = RULE_WINDOW_DEFAULT;
    if (rule->unless_holds != NULL && rule->unless_holds[0] != '\0') {
        if (!event)
            return "unless_holds: only for rules on purchase, life or income events";
        if (!holding_kind_known(rule->unless_holds))
            return "unless_holds: one of " HOLDING_KINDS;
    }
    return NULL;
}

/* joined and text with "; " between; NULL when out of memory. */
static const char *rule_join(struct arena *arena, const char *joined, const char *text)
{
    if (text == NULL || text[0] == '\0')
        return joined;
    if (joined[0] == '\0')
        return text;
    return arena_printf(arena, "%s; %s", joined, text);
}

int rule_advise(Folio__Rule *const *rules, size_t n, const char *trigger, struct arena *arena,
                struct rule_advice *out)
{
    out->suggestion = "";
    out->avoid = "";
    out->product = "";
    out->window_days = 0;
    int fired = 0;
    for (size_t i = 0; i < n; i++) {
        const Folio__Rule *r = rules[i];
        if (r->on == NULL || strcmp(r->on, trigger) != 0)
            continue;
        out->suggestion = rule_join(arena, out->suggestion, r->suggest);
        out->avoid = rule_join(arena, out->avoid, r->avoid);
        out->product = rule_join(arena, out->product, r->product);
        if (out->suggestion == NULL || out->avoid == NULL || out->product == NULL)
            return -1;
        if (r->window_days > out->window_days)
            out->window_days = r->window_days;
        fired++;
    }
    return fired;
}

const char *rule_holiday_trigger(const char *occasion, char *buf, size_t size)
{
    snprintf(buf, size, "holiday:%s", occasion);
    return buf;
}

const Folio__Calendar *rule_default_calendar(void)
{
    static Folio__Occasion christmas = {PROTOBUF_C_MESSAGE_INIT(&folio__occasion__descriptor),
                                        (char *)"christmas", 12, 25};
    static Folio__Occasion *occasions[] = {&christmas};
    static uint32_t season[] = {12};
    static Folio__Calendar calendar = {PROTOBUF_C_MESSAGE_INIT(&folio__calendar__descriptor),
                                       1,
                                       occasions,
                                       1,
                                       season,
                                       RULE_STAY_IN_TOUCH_DEFAULT,
                                       (char *)"",
                                       RULE_RENEWAL_NOTICE_DEFAULT};
    return &calendar;
}

/* haystack contains needle, ASCII letters compared without case. */
static bool rule_contains(const char *haystack, const char *needle)
{
    size_t n = strlen(needle);
    for (; *haystack != '\0'; haystack++) {
        size_t i = 0;
        while (i < n && haystack[i] != '\0' &&
               tolower((unsigned char)haystack[i]) == tolower((unsigned char)needle[i]))
            i++;
        if (i == n)
            return true;
    }
    return false;
}

bool rule_avoids(const char *avoid, const char *product, const char *suggestion)
{
    if (avoid == NULL || avoid[0] == '\0')
        return false;
    const char *what = product != NULL && product[0] != '\0' ? product : suggestion;
    return what != NULL && rule_contains(what, avoid);
}
