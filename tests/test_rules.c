/* test_rules.c - the firm's rules and calendar, against a real foliod.
 *
 * Every test starts from the same firm: office North with
 *   olga   office-admin of North
 *   alice  agent in North
 * next to the firm-admin root. Requests are built here and sent with
 * folio_connection_call, so these tests depend on the wire alone.
 *
 * The rules and the calendar are the firm's, so the tests go in three suites.
 * The tests of `rules` change neither (every change they ask for is
 * refused): they share one server (harness_shared_start) and check the rules
 * and calendar of a new firm exactly. The tests of `rule_changes` change
 * them. Those that add and remove rules and occasions of their own, named
 * after their process, share a second server, where the one that sets the
 * season months and the stay-in-touch days is the only test to touch them.
 * Those that fill a firm-wide bound, remove the defaults or restart their
 * server start servers of their own, in suite rules_own (Criterion runs a
 * suite's .init before a test's, so a test of a shared suite always
 * attaches to its server). On both shared servers each test makes
 * its own office and people, named after its process (North-PID, olga-PID,
 * alice-PID). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <criterion/criterion.h>
#include <criterion/hooks.h>

#include "envelope.h"
#include "harness.h"
#include "rule.h"
#include "store.h"

#define PW_OLGA  "olga-password"
#define PW_ALICE "alice-password"

#define DEFAULT_RULES 10

static struct harness_server srv;
static struct folio_connection *root, *olga, *alice;

/* This test's process id, office and people. */
static int pid;
static char north[32], olga_name[32], alice_name[32];

ReportHook(PRE_SUITE)(struct criterion_suite_set *set)
{
    if (strcmp(set->suite.name, "rules") == 0)
        harness_shared_start("rules", NULL, NULL);
    else if (strcmp(set->suite.name, "rule_changes") == 0)
        harness_shared_start("rule_changes", NULL, NULL);
}

/* Not at POST_SUITE: Criterion reports a suite's end as soon as it has
 * started the suite's last test, while that test and others may still run.
 * POST_ALL comes once every test has ended. */
ReportHook(POST_ALL)(struct criterion_global_stats *stats)
{
    (void)stats;
    harness_shared_stop("rules");
    harness_shared_stop("rule_changes");
}

static void people(void)
{
    pid = (int)getpid();
    snprintf(north, sizeof(north), "North-%d", pid);
    snprintf(olga_name, sizeof(olga_name), "olga-%d", pid);
    snprintf(alice_name, sizeof(alice_name), "alice-%d", pid);
    root = harness_admin(&srv);
    harness_add_office(root, north);
    harness_add_user(root, olga_name, FOLIO__ROLE__ROLE_OFFICE_ADMIN, north, PW_OLGA);
    harness_add_user(root, alice_name, FOLIO__ROLE__ROLE_AGENT, north, PW_ALICE);
    olga = harness_user(&srv, olga_name, PW_OLGA);
    alice = harness_user(&srv, alice_name, PW_ALICE);
}

static void setup(void)
{
    harness_shared_attach(&srv, "rules");
    people();
}

static void setup_changes(void)
{
    harness_shared_attach(&srv, "rule_changes");
    people();
}

/* For the tests that need the whole firm to themselves: filling a bound,
 * removing defaults, restarting. */
static void setup_own(void)
{
    harness_server_start(&srv, NULL);
    people();
}

static void teardown(void)
{
    harness_server_cleanup(&srv);
}

TestSuite(rules, .init = setup, .fini = teardown);
TestSuite(rule_changes, .init = setup_changes, .fini = teardown);
TestSuite(rules_own, .init = setup_own, .fini = teardown);

static void close_all(void)
{
    folio_connection_close(alice);
    folio_connection_close(olga);
    folio_connection_close(root);
    alice = olga = root = NULL;
}

static void finish(void)
{
    close_all();
    harness_server_finish(&srv);
}

static void reconnect(void)
{
    root = harness_admin(&srv);
    olga = harness_user(&srv, olga_name, PW_OLGA);
    alice = harness_user(&srv, alice_name, PW_ALICE);
}

/* ---------------------------------------------------------------- requests */

static Folio__Response *rule_add(struct folio_connection *c, Folio__Rule *rule,
                                 struct folio_error *err)
{
    Folio__RuleAdd op = FOLIO__RULE_ADD__INIT;
    op.rule = rule;
    Folio__Request req;
    envelope_init(&req, &op.base);
    return folio_connection_call(c, &req, err);
}

static Folio__Response *rule_list(struct folio_connection *c, struct folio_error *err)
{
    Folio__RuleList op = FOLIO__RULE_LIST__INIT;
    Folio__Request req;
    envelope_init(&req, &op.base);
    return folio_connection_call(c, &req, err);
}

static Folio__Response *rule_remove(struct folio_connection *c, uint64_t id,
                                    struct folio_error *err)
{
    Folio__RuleRemove op = FOLIO__RULE_REMOVE__INIT;
    op.id = id;
    Folio__Request req;
    envelope_init(&req, &op.base);
    return folio_connection_call(c, &req, err);
}

static Folio__Response *calendar_get(struct folio_connection *c, struct folio_error *err)
{
    Folio__CalendarGet op = FOLIO__CALENDAR_GET__INIT;
    Folio__Request req;
    envelope_init(&req, &op.base);
    return folio_connection_call(c, &req, err);
}

/* CalendarSet with these values and field names. */
static Folio__Response *calendar_set(struct folio_connection *c, uint32_t *months, size_t n_months,
                                     uint32_t stay, const char *const *fields, size_t n_fields,
                                     struct folio_error *err)
{
    Folio__Calendar cal = FOLIO__CALENDAR__INIT;
    cal.season_months = months;
    cal.n_season_months = n_months;
    cal.stay_in_touch_days = stay;
    Folio__CalendarSet op = FOLIO__CALENDAR_SET__INIT;
    op.calendar = &cal;
    op.fields = (char **)fields;
    op.n_fields = n_fields;
    Folio__Request req;
    envelope_init(&req, &op.base);
    return folio_connection_call(c, &req, err);
}

static Folio__Response *occasion_add(struct folio_connection *c, const char *name, uint32_t month,
                                     uint32_t day, struct folio_error *err)
{
    Folio__Occasion occ = FOLIO__OCCASION__INIT;
    occ.name = (char *)name;
    occ.month = month;
    occ.day = day;
    Folio__OccasionAdd op = FOLIO__OCCASION_ADD__INIT;
    op.occasion = &occ;
    Folio__Request req;
    envelope_init(&req, &op.base);
    return folio_connection_call(c, &req, err);
}

static Folio__Response *occasion_remove(struct folio_connection *c, const char *name,
                                        struct folio_error *err)
{
    Folio__OccasionRemove op = FOLIO__OCCASION_REMOVE__INIT;
    op.name = (char *)name;
    Folio__Request req;
    envelope_init(&req, &op.base);
    return folio_connection_call(c, &req, err);
}

static Folio__Rule make_rule(const char *on, const char *suggest, uint32_t window)
{
    Folio__Rule r = FOLIO__RULE__INIT;
    r.on = (char *)on;
    r.suggest = (char *)suggest;
    r.window_days = window;
    return r;
}

static bool audit_has(const char *action, const char *target, const char *detail)
{
    struct folio_error err = {0};
    Folio__Response *r = harness_ok(folio_audit_query(root, NULL, 0, 1000, 0, &err), &err);
    bool found = false;
    for (size_t i = 0; i < r->audit->n_records && !found; i++) {
        const Folio__AuditRecord *a = r->audit->records[i];
        found = strcmp(a->action, action) == 0 && strcmp(a->target, target) == 0 &&
                (detail == NULL || strcmp(a->detail, detail) == 0) &&
                strcmp(a->actor, HARNESS_ADMIN) == 0;
    }
    folio_response_free(r);
    return found;
}

/* The rule on `on` in a list, or NULL. */
static const Folio__Rule *find_rule(const Folio__Rules *rules, const char *on)
{
    for (size_t i = 0; i < rules->n_rules; i++) {
        if (strcmp(rules->rules[i]->on, on) == 0)
            return rules->rules[i];
    }
    return NULL;
}

static bool has_occasion(const Folio__Calendar *cal, const char *name, uint32_t month, uint32_t day)
{
    for (size_t i = 0; i < cal->n_occasions; i++) {
        const Folio__Occasion *o = cal->occasions[i];
        if (strcmp(o->name, name) == 0)
            return o->month == month && o->day == day;
    }
    return false;
}

/* How many occasions of the calendar are called name. */
static size_t occasions_named(const Folio__Calendar *cal, const char *name)
{
    size_t n = 0;
    for (size_t i = 0; i < cal->n_occasions; i++)
        n += strcmp(cal->occasions[i]->name, name) == 0;
    return n;
}

/* The occasions come in date order. */
static void assert_date_order(const Folio__Calendar *cal)
{
    for (size_t i = 1; i < cal->n_occasions; i++) {
        const Folio__Occasion *a = cal->occasions[i - 1], *b = cal->occasions[i];
        cr_assert(a->month < b->month || (a->month == b->month && a->day <= b->day),
                  "%s before %s is not date order", a->name, b->name);
    }
}

/* ---------------------------------------------------------------- defaults */

/* No test of the rules suite changes the rules or the calendar: its shared
 * server keeps a new firm's. */
Test(rules, a_new_firm_has_the_default_rules_and_calendar)
{
    struct folio_error err = {0};
    /* Anyone with a session reads them. */
    struct folio_connection *readers[] = {root, olga, alice};
    for (size_t k = 0; k < 3; k++) {
        Folio__Response *r = harness_ok(rule_list(readers[k], &err), &err);
        cr_assert_eq(r->result_case, FOLIO__RESPONSE__RESULT_RULES);
        cr_assert_eq(r->rules->n_rules, DEFAULT_RULES);
        for (size_t i = 1; i < r->rules->n_rules; i++)
            cr_assert_lt(r->rules->rules[i - 1]->id, r->rules->rules[i]->id, "not in id order");
        const Folio__Rule *v = find_rule(r->rules, "purchase:vehicle");
        cr_assert_not_null(v);
        cr_assert_str_eq(v->suggest, "offer vehicle insurance");
        cr_assert_str_eq(v->product, "vehicle insurance");
        cr_assert_eq(v->window_days, 30);
        cr_assert_neq(v->created_at, 0);
        const Folio__Rule *q = find_rule(r->rules, "alert:earthquake");
        cr_assert_not_null(q);
        cr_assert_str_eq(q->avoid, "insurance");
        cr_assert_not_null(find_rule(r->rules, "life:child-born"));
        cr_assert_not_null(find_rule(r->rules, "income:down"));
        cr_assert_not_null(find_rule(r->rules, "birthday"));
        cr_assert_not_null(find_rule(r->rules, "holiday:christmas"));
        cr_assert_not_null(find_rule(r->rules, "season"));
        folio_response_free(r);

        r = harness_ok(calendar_get(readers[k], &err), &err);
        cr_assert_eq(r->result_case, FOLIO__RESPONSE__RESULT_CALENDAR);
        cr_assert_eq(r->calendar->n_occasions, 1);
        cr_assert(has_occasion(r->calendar, "christmas", 12, 25));
        cr_assert_eq(r->calendar->n_season_months, 1);
        cr_assert_eq(r->calendar->season_months[0], 12);
        cr_assert_eq(r->calendar->stay_in_touch_days, 90);
        folio_response_free(r);
    }
    /* Without a session nothing is answered. */
    struct folio_connection *anon = harness_connect(&srv);
    harness_refused(rule_list(anon, &err), &err, FOLIO__CODE__UNAUTHENTICATED);
    harness_refused(calendar_get(anon, &err), &err, FOLIO__CODE__UNAUTHENTICATED);
    folio_connection_close(anon);
    finish();
}

/* ---------------------------------------------------------------- rules */

/* On the shared rule_changes server: other tests add rules of their own
 * meanwhile, so this one looks for its own rule, named after its process,
 * instead of counting the list or its positions. */
Test(rule_changes, a_firm_admin_adds_lists_and_removes_rules)
{
    struct folio_error err = {0};
    char on[64], on_lower[64], id_text[32];
    snprintf(on, sizeof(on), "Purchase:Boat-%d", pid);
    snprintf(on_lower, sizeof(on_lower), "purchase:boat-%d", pid);
    Folio__Rule rule = make_rule(on, "offer boat insurance", 0);
    rule.avoid = (char *)"car loans";
    rule.product = (char *)"boat insurance";
    rule.id = 999;
    Folio__Response *r = harness_ok(rule_add(root, &rule, &err), &err);
    cr_assert_eq(r->result_case, FOLIO__RESPONSE__RESULT_RULE);
    uint64_t id = r->rule->id;
    cr_assert(id > DEFAULT_RULES && id != 999, "the server gives the id, not %llu",
              (unsigned long long)id);
    cr_assert_str_eq(r->rule->on, on_lower);
    cr_assert_eq(r->rule->window_days, RULE_WINDOW_DEFAULT);
    cr_assert_str_eq(r->rule->avoid, "car loans");
    cr_assert_str_eq(r->rule->product, "boat insurance");
    cr_assert_neq(r->rule->created_at, 0);
    folio_response_free(r);
    snprintf(id_text, sizeof(id_text), "%llu", (unsigned long long)id);
    cr_assert(audit_has("rule.add", id_text, on_lower));

    r = harness_ok(rule_list(alice, &err), &err);
    for (size_t i = 1; i < r->rules->n_rules; i++)
        cr_assert_lt(r->rules->rules[i - 1]->id, r->rules->rules[i]->id, "not in id order");
    const Folio__Rule *listed = find_rule(r->rules, on_lower);
    cr_assert_not_null(listed, "%s is not listed", on_lower);
    cr_assert_eq(listed->id, id);
    cr_assert_str_eq(listed->suggest, "offer boat insurance");
    folio_response_free(r);

    r = harness_ok(rule_remove(root, id, &err), &err);
    cr_assert_eq(r->result_case, FOLIO__RESPONSE__RESULT_EMPTY);
    folio_response_free(r);
    cr_assert(audit_has("rule.remove", id_text, NULL));
    harness_refused(rule_remove(root, id, &err), &err, FOLIO__CODE__NOT_FOUND);
    char no_rule[64];
    snprintf(no_rule, sizeof(no_rule), "no rule %s", id_text);
    cr_assert_str_eq(err.message, no_rule);
    harness_refused(rule_remove(root, 0, &err), &err, FOLIO__CODE__NOT_FOUND);

    r = harness_ok(rule_list(root, &err), &err);
    cr_assert_null(find_rule(r->rules, on_lower));
    folio_response_free(r);

    /* Ids are not reused: an audit record keeps naming the rule it named. */
    Folio__Rule again = make_rule("season", "plan the winter campaign", 0);
    r = harness_ok(rule_add(root, &again, &err), &err);
    cr_assert_gt(r->rule->id, id, "id %llu came again", (unsigned long long)r->rule->id);
    cr_assert_eq(r->rule->window_days, 0, "season rules keep window 0");
    folio_response_free(r);
    finish();
}

Test(rules, only_a_firm_admin_changes_rules)
{
    struct folio_error err = {0};
    Folio__Rule rule = make_rule("life:retired", "offer an annuity", 0);
    struct folio_connection *others[] = {olga, alice};
    for (size_t i = 0; i < 2; i++) {
        harness_refused(rule_add(others[i], &rule, &err), &err, FOLIO__CODE__PERMISSION_DENIED);
        harness_refused(rule_remove(others[i], 1, &err), &err, FOLIO__CODE__PERMISSION_DENIED);
    }
    Folio__Response *r = harness_ok(rule_list(root, &err), &err);
    cr_assert_eq(r->rules->n_rules, DEFAULT_RULES);
    cr_assert_null(find_rule(r->rules, "life:retired"));
    folio_response_free(r);
    finish();
}

Test(rules, invalid_rules_are_refused_naming_the_field)
{
    struct folio_error err = {0};
    char long_text[RULE_TEXT_MAX + 2];
    memset(long_text, 'x', sizeof(long_text) - 1);
    long_text[sizeof(long_text) - 1] = '\0';
    struct {
        Folio__Rule rule;
        const char *field;
    } cases[] = {
        {make_rule("", "call", 0), "on:"},
        {make_rule("purchase:", "call", 0), "on:"},
        {make_rule("income:sideways", "call", 0), "on:"},
        {make_rule("holiday:new year", "call", 0), "on:"},
        {make_rule("whenever", "call", 0), "on:"},
        {make_rule("birthday", "", 0), "suggest:"},
        {make_rule("birthday", long_text, 0), "suggest:"},
        {make_rule("purchase:vehicle", "call", RULE_WINDOW_MAX + 1), "window_days:"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        harness_refused(rule_add(root, &cases[i].rule, &err), &err, FOLIO__CODE__INVALID_ARGUMENT);
        cr_assert_eq(strncmp(err.message, cases[i].field, strlen(cases[i].field)), 0,
                     "case %zu: \"%s\" does not name %s", i, err.message, cases[i].field);
    }
    Folio__Rule bad_avoid = make_rule("birthday", "call", 0);
    bad_avoid.avoid = long_text;
    harness_refused(rule_add(root, &bad_avoid, &err), &err, FOLIO__CODE__INVALID_ARGUMENT);
    cr_assert_eq(strncmp(err.message, "avoid:", 6), 0, "%s", err.message);
    Folio__Rule bad_product = make_rule("birthday", "call", 0);
    bad_product.product = long_text;
    harness_refused(rule_add(root, &bad_product, &err), &err, FOLIO__CODE__INVALID_ARGUMENT);
    cr_assert_eq(strncmp(err.message, "product:", 8), 0, "%s", err.message);
    /* No rule at all is a rule with nothing to go on. */
    harness_refused(rule_add(root, NULL, &err), &err, FOLIO__CODE__INVALID_ARGUMENT);
    cr_assert_eq(strncmp(err.message, "on:", 3), 0, "%s", err.message);

    Folio__Response *r = harness_ok(rule_list(root, &err), &err);
    cr_assert_eq(r->rules->n_rules, DEFAULT_RULES);
    folio_response_free(r);
    finish();
}

/* Fills the firm's rules: no other test could add one meanwhile. */
Test(rules_own, a_firm_holds_a_bounded_number_of_rules)
{
    struct folio_error err = {0};
    Folio__Rule rule = make_rule("birthday", "send a card", 0);
    for (size_t i = DEFAULT_RULES; i < RULE_COUNT_MAX; i++)
        folio_response_free(harness_ok(rule_add(root, &rule, &err), &err));
    harness_refused(rule_add(root, &rule, &err), &err, FOLIO__CODE__RESOURCE_EXHAUSTED);
    /* Removing one makes room again. */
    folio_response_free(harness_ok(rule_remove(root, 1, &err), &err));
    folio_response_free(harness_ok(rule_add(root, &rule, &err), &err));
    Folio__Response *r = harness_ok(rule_list(alice, &err), &err);
    cr_assert_eq(r->rules->n_rules, RULE_COUNT_MAX);
    folio_response_free(r);
    finish();
}

/* ---------------------------------------------------------------- calendar */

/* The only test of the shared rule_changes server to set the season months
 * and the stay-in-touch days. */
Test(rule_changes, a_firm_admin_sets_the_calendar)
{
    struct folio_error err = {0};
    uint32_t months[] = {12, 7, 3};
    const char *const season[] = {"season_months"};
    Folio__Response *r = harness_ok(calendar_set(root, months, 3, 0, season, 1, &err), &err);
    cr_assert_eq(r->result_case, FOLIO__RESPONSE__RESULT_CALENDAR);
    cr_assert_eq(r->calendar->n_season_months, 3);
    cr_assert_eq(r->calendar->season_months[0], 3);
    cr_assert_eq(r->calendar->season_months[1], 7);
    cr_assert_eq(r->calendar->season_months[2], 12);
    cr_assert_eq(r->calendar->stay_in_touch_days, 90, "an unnamed field stays");
    folio_response_free(r);
    cr_assert(audit_has("calendar.set", "calendar", "season_months"));

    const char *const stay[] = {"stay_in_touch_days"};
    r = harness_ok(calendar_set(root, NULL, 0, 30, stay, 1, &err), &err);
    cr_assert_eq(r->calendar->stay_in_touch_days, 30);
    cr_assert_eq(r->calendar->n_season_months, 3);
    folio_response_free(r);

    /* Both at once; no season months at all is a firm without a season. */
    const char *const both[] = {"season_months", "stay_in_touch_days"};
    r = harness_ok(calendar_set(root, NULL, 0, 3650, both, 2, &err), &err);
    cr_assert_eq(r->calendar->n_season_months, 0);
    cr_assert_eq(r->calendar->stay_in_touch_days, 3650);
    folio_response_free(r);

    r = harness_ok(calendar_get(alice, &err), &err);
    cr_assert_eq(r->calendar->n_season_months, 0);
    cr_assert_eq(r->calendar->stay_in_touch_days, 3650);
    cr_assert(has_occasion(r->calendar, "christmas", 12, 25), "occasions stay");
    folio_response_free(r);
    finish();
}

Test(rules, calendar_changes_are_checked)
{
    struct folio_error err = {0};
    const char *const season[] = {"season_months"};
    const char *const stay[] = {"stay_in_touch_days"};
    const char *const unknown[] = {"occasions"};
    uint32_t thirteen[] = {13}, zero[] = {0}, twice[] = {5, 6, 5};
    harness_refused(calendar_set(root, NULL, 0, 30, NULL, 0, &err), &err,
                    FOLIO__CODE__INVALID_ARGUMENT);
    cr_assert_eq(strncmp(err.message, "fields:", 7), 0, "%s", err.message);
    harness_refused(calendar_set(root, NULL, 0, 30, unknown, 1, &err), &err,
                    FOLIO__CODE__INVALID_ARGUMENT);
    cr_assert_eq(strncmp(err.message, "fields:", 7), 0, "%s", err.message);
    harness_refused(calendar_set(root, thirteen, 1, 0, season, 1, &err), &err,
                    FOLIO__CODE__INVALID_ARGUMENT);
    cr_assert_eq(strncmp(err.message, "season_months:", 14), 0, "%s", err.message);
    harness_refused(calendar_set(root, zero, 1, 0, season, 1, &err), &err,
                    FOLIO__CODE__INVALID_ARGUMENT);
    harness_refused(calendar_set(root, twice, 3, 0, season, 1, &err), &err,
                    FOLIO__CODE__INVALID_ARGUMENT);
    cr_assert_eq(strncmp(err.message, "season_months:", 14), 0, "%s", err.message);
    harness_refused(calendar_set(root, NULL, 0, 0, stay, 1, &err), &err,
                    FOLIO__CODE__INVALID_ARGUMENT);
    cr_assert_eq(strncmp(err.message, "stay_in_touch_days:", 19), 0, "%s", err.message);
    harness_refused(calendar_set(root, NULL, 0, 3651, stay, 1, &err), &err,
                    FOLIO__CODE__INVALID_ARGUMENT);

    uint32_t july[] = {7};
    struct folio_connection *others[] = {olga, alice};
    for (size_t i = 0; i < 2; i++) {
        harness_refused(calendar_set(others[i], july, 1, 0, season, 1, &err), &err,
                        FOLIO__CODE__PERMISSION_DENIED);
        harness_refused(occasion_add(others[i], "summer", 6, 21, &err), &err,
                        FOLIO__CODE__PERMISSION_DENIED);
        harness_refused(occasion_remove(others[i], "christmas", &err), &err,
                        FOLIO__CODE__PERMISSION_DENIED);
    }

    Folio__Response *r = harness_ok(calendar_get(root, &err), &err);
    cr_assert_eq(r->calendar->n_season_months, 1);
    cr_assert_eq(r->calendar->season_months[0], 12);
    cr_assert_eq(r->calendar->stay_in_touch_days, 90);
    cr_assert_eq(r->calendar->n_occasions, 1);
    folio_response_free(r);
    finish();
}

/* On the shared rule_changes server: other tests add occasions of their own
 * meanwhile, so this one looks for its own, named after its process. */
Test(rule_changes, occasions_are_added_and_removed)
{
    struct folio_error err = {0};
    char new_year[48], new_year_lower[48], new_year_upper[48], leap_day[48], no_occasion[64];
    snprintf(new_year, sizeof(new_year), "New-Year-%d", pid);
    snprintf(new_year_lower, sizeof(new_year_lower), "new-year-%d", pid);
    snprintf(new_year_upper, sizeof(new_year_upper), "NEW-YEAR-%d", pid);
    snprintf(leap_day, sizeof(leap_day), "leap-day-%d", pid);
    Folio__Response *r = harness_ok(occasion_add(root, new_year, 1, 1, &err), &err);
    cr_assert_eq(r->result_case, FOLIO__RESPONSE__RESULT_CALENDAR);
    cr_assert_eq(occasions_named(r->calendar, new_year_lower), 1, "lower-cased, once");
    cr_assert(has_occasion(r->calendar, new_year_lower, 1, 1));
    cr_assert_eq(occasions_named(r->calendar, new_year), 0);
    cr_assert(has_occasion(r->calendar, "christmas", 12, 25));
    assert_date_order(r->calendar);
    folio_response_free(r);
    cr_assert(audit_has("occasion.add", new_year_lower, "01-01"));

    /* 29 February is a day of the year (it falls on the 28th without one). */
    r = harness_ok(occasion_add(root, leap_day, 2, 29, &err), &err);
    cr_assert(has_occasion(r->calendar, leap_day, 2, 29));
    cr_assert(has_occasion(r->calendar, new_year_lower, 1, 1));
    assert_date_order(r->calendar);
    folio_response_free(r);

    harness_refused(occasion_add(root, new_year_upper, 1, 2, &err), &err,
                    FOLIO__CODE__ALREADY_EXISTS);
    harness_refused(occasion_add(root, "bad", 2, 30, &err), &err, FOLIO__CODE__INVALID_ARGUMENT);
    cr_assert_eq(strncmp(err.message, "day:", 4), 0, "%s", err.message);
    harness_refused(occasion_add(root, "bad", 4, 31, &err), &err, FOLIO__CODE__INVALID_ARGUMENT);
    harness_refused(occasion_add(root, "bad", 1, 0, &err), &err, FOLIO__CODE__INVALID_ARGUMENT);
    harness_refused(occasion_add(root, "bad", 13, 1, &err), &err, FOLIO__CODE__INVALID_ARGUMENT);
    cr_assert_eq(strncmp(err.message, "month:", 6), 0, "%s", err.message);
    harness_refused(occasion_add(root, "bad name", 1, 1, &err), &err,
                    FOLIO__CODE__INVALID_ARGUMENT);
    cr_assert_eq(strncmp(err.message, "name:", 5), 0, "%s", err.message);
    harness_refused(occasion_add(root, "", 1, 1, &err), &err, FOLIO__CODE__INVALID_ARGUMENT);
    harness_refused(occasion_add(root, "a-name-far-longer-than-forty-characters-x", 1, 1, &err),
                    &err, FOLIO__CODE__INVALID_ARGUMENT);

    r = harness_ok(occasion_remove(root, new_year, &err), &err);
    cr_assert_eq(occasions_named(r->calendar, new_year_lower), 0);
    cr_assert(has_occasion(r->calendar, leap_day, 2, 29));
    cr_assert(has_occasion(r->calendar, "christmas", 12, 25));
    assert_date_order(r->calendar);
    folio_response_free(r);
    cr_assert(audit_has("occasion.remove", new_year_lower, NULL));
    harness_refused(occasion_remove(root, new_year_lower, &err), &err, FOLIO__CODE__NOT_FOUND);
    snprintf(no_occasion, sizeof(no_occasion), "no occasion %s", new_year_lower);
    cr_assert_str_eq(err.message, no_occasion);
    harness_refused(occasion_remove(root, "no such day", &err), &err,
                    FOLIO__CODE__INVALID_ARGUMENT);

    r = harness_ok(calendar_get(alice, &err), &err);
    cr_assert_eq(occasions_named(r->calendar, new_year_lower), 0);
    cr_assert_eq(occasions_named(r->calendar, leap_day), 1);
    cr_assert(has_occasion(r->calendar, leap_day, 2, 29));
    folio_response_free(r);
    finish();
}

/* Fills the firm's calendar: no other test could add an occasion meanwhile. */
Test(rules_own, a_calendar_holds_a_bounded_number_of_occasions)
{
    struct folio_error err = {0};
    char name[16];
    for (int i = 1; i < 100; i++) {
        snprintf(name, sizeof(name), "day-%d", i);
        folio_response_free(
            harness_ok(occasion_add(root, name, 3, 1 + (uint32_t)i % 28, &err), &err));
    }
    harness_refused(occasion_add(root, "one-too-many", 5, 5, &err), &err,
                    FOLIO__CODE__RESOURCE_EXHAUSTED);
    Folio__Response *r = harness_ok(calendar_get(root, &err), &err);
    cr_assert_eq(r->calendar->n_occasions, 100);
    for (size_t i = 1; i < r->calendar->n_occasions; i++) {
        const Folio__Occasion *a = r->calendar->occasions[i - 1], *b = r->calendar->occasions[i];
        cr_assert(a->month < b->month || (a->month == b->month && a->day <= b->day),
                  "%s before %s is not date order", a->name, b->name);
    }
    folio_response_free(r);
    finish();
}

/* ---------------------------------------------------------------- seeding */

/* Removes default rules and restarts: a server of its own. */
Test(rules_own, seeding_does_not_bring_removed_rules_back)
{
    struct folio_error err = {0};
    folio_response_free(harness_ok(rule_remove(root, 1, &err), &err));
    folio_response_free(harness_ok(occasion_remove(root, "christmas", &err), &err));
    close_all();
    harness_server_restart(&srv);
    reconnect();
    Folio__Response *r = harness_ok(rule_list(root, &err), &err);
    cr_assert_eq(r->rules->n_rules, DEFAULT_RULES - 1);
    cr_assert_null(find_rule(r->rules, "purchase:vehicle"));
    folio_response_free(r);
    r = harness_ok(calendar_get(root, &err), &err);
    cr_assert_eq(r->calendar->n_occasions, 0);
    folio_response_free(r);
    finish();
}

/* Removes what seeding wrote, as in a data directory made before rules
 * existed. */
static void forget_seeding(const char *data)
{
    struct store st;
    cr_assert_eq(store_open(&st, data, 0), 0);
    MDB_txn *txn;
    cr_assert_eq(mdb_txn_begin(st.env, NULL, 0, &txn), 0);
    cr_assert_eq(mdb_drop(txn, st.rules, 0), 0);
    static const char *const keys[] = {"seeded", "calendar", "rule_next_id"};
    for (size_t i = 0; i < 3; i++) {
        MDB_val k = {strlen(keys[i]), (void *)keys[i]};
        cr_assert_eq(mdb_del(txn, st.meta, &k, NULL), 0, "no meta key %s", keys[i]);
    }
    cr_assert_eq(mdb_txn_commit(txn), 0);
    store_close(&st);
}

/* Stops its server, rewrites its data and restarts it: a server of its own. */
Test(rules_own, serving_an_older_directory_seeds_it_once)
{
    struct folio_error err = {0};
    close_all();
    cr_assert_eq(harness_server_stop(&srv), 0);
    forget_seeding(srv.data);
    harness_server_restart(&srv);
    reconnect();
    Folio__Response *r = harness_ok(rule_list(alice, &err), &err);
    cr_assert_eq(r->rules->n_rules, DEFAULT_RULES);
    cr_assert_not_null(find_rule(r->rules, "season"));
    folio_response_free(r);
    r = harness_ok(calendar_get(alice, &err), &err);
    cr_assert(has_occasion(r->calendar, "christmas", 12, 25));
    cr_assert_eq(r->calendar->stay_in_touch_days, 90);
    folio_response_free(r);

    /* Once only: a second start leaves the firm's choices alone. */
    folio_response_free(harness_ok(rule_remove(root, 2, &err), &err));
    close_all();
    harness_server_restart(&srv);
    reconnect();
    r = harness_ok(rule_list(alice, &err), &err);
    cr_assert_eq(r->rules->n_rules, DEFAULT_RULES - 1);
    folio_response_free(r);
    finish();
}
