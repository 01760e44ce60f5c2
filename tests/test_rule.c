/* test_rule.c - what rules mean (rule.h): validation, the defaults and
 * advice for a trigger. */
#include <stdio.h>
#include <string.h>

#include <criterion/criterion.h>

#include "rule.h"

static Folio__Rule make_rule(const char *on, const char *suggest, const char *avoid,
                             uint32_t window, const char *product)
{
    Folio__Rule r = FOLIO__RULE__INIT;
    r.on = (char *)on;
    r.suggest = (char *)suggest;
    r.avoid = (char *)avoid;
    r.window_days = window;
    r.product = (char *)product;
    return r;
}

/* rule_validate on a rule whose `on` is a writable copy of on. */
static const char *validate(const char *on, const char *suggest, const char *avoid, uint32_t window,
                            const char *product, Folio__Rule *out)
{
    static char buf[1024];
    snprintf(buf, sizeof(buf), "%s", on);
    *out = make_rule(buf, suggest, avoid, window, product);
    return rule_validate(out);
}

Test(rule, validate_accepts_every_form)
{
    static const char *const good[] = {
        "purchase:vehicle", "purchase:home-2", "life:married", "life:child-born",   "income:up",
        "income:down",      "alert:flood",     "birthday",     "holiday:christmas", "season",
    };
    for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
        Folio__Rule r;
        const char *why = validate(good[i], "call", "", 0, "", &r);
        cr_assert_null(why, "%s: %s", good[i], why);
    }
}

Test(rule, validate_lower_cases_and_defaults_the_window)
{
    Folio__Rule r;
    cr_assert_null(validate("Purchase:Vehicle", "call", "", 0, "", &r));
    cr_assert_str_eq(r.on, "purchase:vehicle");
    cr_assert_eq(r.window_days, RULE_WINDOW_DEFAULT);
    cr_assert_null(validate("income:down", "call", "", 0, "", &r));
    cr_assert_eq(r.window_days, RULE_WINDOW_DEFAULT);
    cr_assert_null(validate("life:married", "call", "", 7, "", &r));
    cr_assert_eq(r.window_days, 7);
    /* Dated occasions have no window of their own. */
    cr_assert_null(validate("birthday", "call", "", 0, "", &r));
    cr_assert_eq(r.window_days, 0);
    cr_assert_null(validate("alert:flood", "call", "", 0, "", &r));
    cr_assert_eq(r.window_days, 0);
}

Test(rule, validate_names_the_field)
{
    char long_text[RULE_TEXT_MAX + 2];
    memset(long_text, 'x', sizeof(long_text) - 1);
    long_text[sizeof(long_text) - 1] = '\0';
    char long_word[RULE_ON_MAX + 2] = "purchase:";
    memset(long_word + 9, 'a', sizeof(long_word) - 10);
    long_word[sizeof(long_word) - 1] = '\0';
    char word41[5 + RULE_WORD_MAX + 2] = "life:";
    memset(word41 + 5, 'a', RULE_WORD_MAX + 1);
    word41[sizeof(word41) - 1] = '\0';
    struct {
        const char *on, *suggest, *avoid, *product;
        uint32_t window;
        const char *field;
    } cases[] = {
        {"", "call", "", "", 0, "on:"},
        {"purchase:", "call", "", "", 0, "on:"},
        {"purchase:vehicle!", "call", "", "", 0, "on:"},
        {"life:married now", "call", "", "", 0, "on:"},
        {"income:flat", "call", "", "", 0, "on:"},
        {"income", "call", "", "", 0, "on:"},
        {"birthdays", "call", "", "", 0, "on:"},
        {"holiday:", "call", "", "", 0, "on:"},
        {"alert:", "call", "", "", 0, "on:"},
        {"anything", "call", "", "", 0, "on:"},
        {long_word, "call", "", "", 0, "on:"},
        {word41, "call", "", "", 0, "on:"},
        {"birthday", "", "", "", 0, "suggest:"},
        {"birthday", long_text, "", "", 0, "suggest:"},
        {"birthday", "call\n", "", "", 0, "suggest:"},
        {"birthday", "call", long_text, "", 0, "avoid:"},
        {"birthday", "call", "bad\x01", "", 0, "avoid:"},
        {"birthday", "call", "", long_text, 0, "product:"},
        {"birthday", "call", "", "", RULE_WINDOW_MAX + 1, "window_days:"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        Folio__Rule r;
        const char *why = validate(cases[i].on, cases[i].suggest, cases[i].avoid, cases[i].window,
                                   cases[i].product, &r);
        cr_assert_not_null(why, "case %zu (on \"%s\") was accepted", i, cases[i].on);
        cr_assert_eq(strncmp(why, cases[i].field, strlen(cases[i].field)), 0,
                     "case %zu: \"%s\" does not name %s", i, why, cases[i].field);
    }
    Folio__Rule r;
    cr_assert_null(validate("birthday", "call", "", RULE_WINDOW_MAX, "", &r));
    cr_assert_null(validate("birthday", long_text + 1, long_text + 1, 0, "", &r));
}

Test(rule, defaults_are_valid_and_complete)
{
    const Folio__Rule *const *defaults;
    size_t n = rule_defaults(&defaults);
    static const char *const expected[] = {
        "purchase:vehicle", "life:married", "life:child-born",   "income:up", "income:down",
        "alert:earthquake", "alert:flood",  "holiday:christmas", "birthday",  "season",
    };
    cr_assert_eq(n, sizeof(expected) / sizeof(expected[0]));
    for (size_t i = 0; i < sizeof(expected) / sizeof(expected[0]); i++) {
        bool found = false;
        for (size_t j = 0; j < n && !found; j++)
            found = strcmp(defaults[j]->on, expected[i]) == 0;
        cr_assert(found, "no default rule on %s", expected[i]);
    }
    for (size_t i = 0; i < n; i++) {
        Folio__Rule copy = *defaults[i];
        char on[RULE_ON_MAX + 1];
        snprintf(on, sizeof(on), "%s", defaults[i]->on);
        copy.on = on;
        uint32_t window = copy.window_days;
        const char *why = rule_validate(&copy);
        cr_assert_null(why, "default %s: %s", defaults[i]->on, why);
        cr_assert_eq(copy.window_days, window, "default %s has no window of its own",
                     defaults[i]->on);
    }
}

Test(rule, defaults_say_what_the_spec_says)
{
    const Folio__Rule *const *d;
    size_t n = rule_defaults(&d);
    struct arena arena;
    arena_init(&arena, 0);
    struct rule_advice a;
    cr_assert_eq(rule_advise((Folio__Rule *const *)d, n, "purchase:vehicle", &arena, &a), 1);
    cr_assert_str_eq(a.suggestion, "offer vehicle insurance");
    cr_assert_str_eq(a.product, "vehicle insurance");
    cr_assert_eq(a.window_days, 30);
    cr_assert_eq(rule_advise((Folio__Rule *const *)d, n, "life:child-born", &arena, &a), 1);
    cr_assert_str_eq(a.suggestion, "offer life insurance and education savings");
    cr_assert_eq(a.window_days, 60);
    cr_assert_eq(rule_advise((Folio__Rule *const *)d, n, "alert:earthquake", &arena, &a), 1);
    cr_assert_str_eq(a.suggestion, "offer low-rate flexible loans");
    cr_assert_str_eq(a.avoid, "insurance");
    arena_free(&arena);
}

Test(rule, advise_joins_and_takes_the_longest_window)
{
    Folio__Rule r1 = make_rule("life:married", "offer life insurance", "", 60, "life insurance");
    Folio__Rule r2 = make_rule("life:married", "send a card", "loans", 90, "");
    Folio__Rule r3 = make_rule("life:divorced", "call", "", 10, "");
    Folio__Rule r4 = make_rule("life:married", "offer a joint account", "boats", 30, "account");
    Folio__Rule *rules[] = {&r1, &r2, &r3, &r4};
    struct arena arena;
    arena_init(&arena, 0);
    struct rule_advice a;
    cr_assert_eq(rule_advise(rules, 4, "life:married", &arena, &a), 3);
    cr_assert_str_eq(a.suggestion, "offer life insurance; send a card; offer a joint account");
    cr_assert_str_eq(a.avoid, "loans; boats");
    cr_assert_str_eq(a.product, "life insurance; account");
    cr_assert_eq(a.window_days, 90);
    arena_free(&arena);
}

Test(rule, advise_without_a_match_gives_nothing)
{
    Folio__Rule r1 = make_rule("life:married", "offer life insurance", "x", 60, "p");
    Folio__Rule *rules[] = {&r1};
    struct arena arena;
    arena_init(&arena, 0);
    struct rule_advice a;
    /* The trigger must match word for word. */
    static const char *const misses[] = {"life:marrie", "life:married2", "LIFE:MARRIED", "life",
                                         ""};
    for (size_t i = 0; i < sizeof(misses) / sizeof(misses[0]); i++) {
        cr_assert_eq(rule_advise(rules, 1, misses[i], &arena, &a), 0, "%s fired", misses[i]);
        cr_assert_str_eq(a.suggestion, "");
        cr_assert_str_eq(a.avoid, "");
        cr_assert_str_eq(a.product, "");
        cr_assert_eq(a.window_days, 0);
    }
    cr_assert_eq(rule_advise(rules, 0, "life:married", &arena, &a), 0);
    arena_free(&arena);
}

Test(rule, holiday_trigger)
{
    char buf[64];
    cr_assert_str_eq(rule_holiday_trigger("christmas", buf, sizeof(buf)), "holiday:christmas");
    cr_assert_str_eq(rule_holiday_trigger("new-year", buf, sizeof(buf)), "holiday:new-year");
    char small[10];
    const char *t = rule_holiday_trigger("christmas", small, sizeof(small));
    cr_assert_eq(strlen(t), sizeof(small) - 1);
}

Test(rule, word)
{
    char a[] = "New-Year-2";
    cr_assert(rule_word(a));
    cr_assert_str_eq(a, "new-year-2");
    char b[] = "new year";
    cr_assert_not(rule_word(b));
    char c[] = "";
    cr_assert_not(rule_word(c));
    char d[RULE_WORD_MAX + 2];
    memset(d, 'a', sizeof(d) - 1);
    d[sizeof(d) - 1] = '\0';
    cr_assert_not(rule_word(d));
    d[RULE_WORD_MAX] = '\0';
    cr_assert(rule_word(d));
}
