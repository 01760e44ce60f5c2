/* test_report.c - the numbers `folio report` draws, against a real foliod:
 * the report's book is the book, byte for byte; each picture of clients
 * counts every client once; renewals by week, contacts by month and the
 * opportunities open this month fall where their dates say; cities past
 * the bound fold into "other"; and the report is scoped, refused and
 * audited as the book. The page itself is checked end to end in
 * report_cli_test.sh and report_render_test.sh.
 *
 * The tests share one server whose clock is CLOCK; each test has an office
 * and agents of its own, named after its process. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <criterion/criterion.h>
#include <criterion/hooks.h>

#include "harness.h"

#define CLOCK "2026-06-10 12:00:00"
#define TODAY "2026-06-10"
#define PW    "report-password"

static struct harness_server srv;
static struct folio_connection *root, *alice, *bob;
static char alice_name[32], bob_name[32], office[32];

ReportHook(PRE_SUITE)(struct criterion_suite_set *set)
{
    if (strcmp(set->suite.name, "report") == 0)
        harness_shared_start("report", CLOCK, NULL);
}

/* After every test has ended (see test_client.c). */
ReportHook(POST_ALL)(struct criterion_global_stats *stats)
{
    (void)stats;
    harness_shared_stop("report");
}

static void setup(void)
{
    harness_shared_attach(&srv, "report");
    int pid = (int)getpid();
    snprintf(office, sizeof(office), "Report-%d", pid);
    snprintf(alice_name, sizeof(alice_name), "alice-%d", pid);
    snprintf(bob_name, sizeof(bob_name), "bob-%d", pid);
    root = harness_admin(&srv);
    harness_add_office(root, office);
    harness_add_user(root, alice_name, FOLIO__ROLE__ROLE_AGENT, office, PW);
    harness_add_user(root, bob_name, FOLIO__ROLE__ROLE_AGENT, office, PW);
    alice = harness_user(&srv, alice_name, PW);
    bob = harness_user(&srv, bob_name, PW);
}

static void teardown(void)
{
    folio_connection_close(bob);
    folio_connection_close(alice);
    folio_connection_close(root);
    bob = alice = root = NULL;
    harness_server_finish(&srv);
    harness_server_cleanup(&srv);
}

TestSuite(report, .init = setup, .fini = teardown);

/* ---------------------------------------------------------------- helpers */

static void add_client(struct folio_connection *c, Folio__Client *client, char id[37])
{
    struct folio_error err = {0};
    Folio__Response *r = harness_ok(folio_client_add(c, client, true, &err), &err);
    snprintf(id, 37, "%s", r->client->id);
    folio_response_free(r);
}

static void add_named(struct folio_connection *c, const char *name, const char *city, char id[37])
{
    Folio__Client client = FOLIO__CLIENT__INIT;
    client.name = (char *)name;
    client.city = (char *)city;
    add_client(c, &client, id);
}

static void add_holding(struct folio_connection *c, const char *client, const char *kind,
                        int64_t premium, const char *per, const char *currency, const char *renews)
{
    struct folio_error err = {0};
    Folio__Holding h = FOLIO__HOLDING__INIT;
    h.client_id = (char *)client;
    h.kind = (char *)kind;
    h.provider = (char *)"Rimac";
    h.premium_cents = premium;
    h.premium_period = (char *)per;
    h.currency = (char *)currency;
    h.start_date = (char *)"2025-01-01";
    h.renews_on = (char *)renews;
    folio_response_free(harness_ok(folio_holding_add(c, &h, &err), &err));
}

static void add_event(struct folio_connection *c, const char *client, const char *kind,
                      const char *what, const char *date)
{
    struct folio_error err = {0};
    Folio__EventAdd ev = FOLIO__EVENT_ADD__INIT;
    ev.client_id = (char *)client;
    ev.kind = (char *)kind;
    ev.what = (char *)what;
    ev.date = (char *)date;
    folio_response_free(harness_ok(folio_event_add(c, &ev, &err), &err));
}

static uint64_t count_of(Folio__ReportCount **counts, size_t n, const char *key)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(counts[i]->key, key) == 0)
            return counts[i]->count;
    return UINT64_MAX;
}

static uint64_t total_of(Folio__ReportCount **counts, size_t n)
{
    uint64_t total = 0;
    for (size_t i = 0; i < n; i++)
        total += counts[i]->count;
    return total;
}

/* The packed bytes of a book, to compare two whole. */
static uint8_t *packed(const Folio__Book *b, size_t *len)
{
    *len = folio__book__get_packed_size(b);
    uint8_t *out = malloc(*len + 1);
    cr_assert_not_null(out);
    folio__book__pack(b, out);
    return out;
}

/* ---------------------------------------------------------------- tests */

Test(report, the_book_in_it_is_the_book_and_the_pictures_fall_by_date)
{
    struct folio_error err = {0};
    char ana[37], luis[37], eva[37];
    Folio__Client c = FOLIO__CLIENT__INIT;
    c.name = (char *)"Ana Report";
    c.city = (char *)"Lima";
    c.birth_date = (char *)"1981-06-11"; /* 44 on the day: 45 tomorrow */
    c.marital_status = FOLIO__MARITAL_STATUS__MARITAL_MARRIED;
    c.children = 2;
    c.income_cents = 4500000;
    c.currency = (char *)"PEN";
    add_client(alice, &c, ana);
    c = (Folio__Client)FOLIO__CLIENT__INIT;
    c.name = (char *)"Luis Report";
    c.city = (char *)"LIMA"; /* the same city, however typed */
    c.birth_date = (char *)"--03-04";
    add_client(alice, &c, luis);
    add_named(alice, "Eva Report", "", eva);

    /* Renewing in the first week (06-11..06-17), the fourth (07-02..07-08)
     * twice in two currencies, and past the 13 weeks. */
    add_holding(alice, ana, "auto", 10000, "month", "PEN", "2026-06-11");
    add_holding(alice, luis, "home", 30000, "year", "USD", "2026-07-08");
    add_holding(alice, luis, "life", 5000, "quarter", "PEN", "2026-07-02");
    add_holding(alice, eva, "pet", 1000, "month", "PEN", "2026-09-10");

    /* Contacts: this month, in January, and before the 12 months. */
    add_event(alice, ana, "contact", "call", "2026-06-01");
    add_event(alice, luis, "contact", "visit", "2026-01-15");
    add_event(alice, eva, "contact", "call", "2025-05-01");

    /* A rule of a word of this test's own: an event whose window reaches
     * into June counts, one whose window closed in April does not. */
    char on[64];
    snprintf(on, sizeof(on), "purchase:boat-%d", (int)getpid());
    Folio__Rule rule = FOLIO__RULE__INIT;
    rule.on = on;
    rule.suggest = (char *)"insure the boat";
    rule.window_days = 30;
    folio_response_free(harness_ok(folio_rule_add(root, &rule, &err), &err));
    add_event(alice, ana, "purchase", on + strlen("purchase:"), "2026-05-20");
    add_event(alice, luis, "purchase", on + strlen("purchase:"), "2026-04-01");
    /* A rule that stands aside for what a client holds, as on the agenda:
     * Eva holds a pet policy, so her event opens nothing; Ana's does. */
    char pet_on[64];
    snprintf(pet_on, sizeof(pet_on), "purchase:kennel-%d", (int)getpid());
    Folio__Rule pet_rule = FOLIO__RULE__INIT;
    pet_rule.on = pet_on;
    pet_rule.suggest = (char *)"insure the pet";
    pet_rule.window_days = 30;
    pet_rule.unless_holds = (char *)"pet";
    folio_response_free(harness_ok(folio_rule_add(root, &pet_rule, &err), &err));
    add_event(alice, ana, "purchase", pet_on + strlen("purchase:"), "2026-06-02");
    add_event(alice, eva, "purchase", pet_on + strlen("purchase:"), "2026-06-03");

    Folio__ReportQuery q = FOLIO__REPORT_QUERY__INIT;
    q.date = (char *)TODAY;
    Folio__Response *r = harness_ok(folio_report(alice, &q, &err), &err);
    Folio__BookQuery bq = FOLIO__BOOK_QUERY__INIT;
    bq.date = (char *)TODAY;
    Folio__Response *book = harness_ok(folio_book(alice, &bq, &err), &err);
    size_t a_len, b_len;
    uint8_t *a = packed(r->report->book, &a_len), *b = packed(book->book, &b_len);
    cr_assert(a_len == b_len && memcmp(a, b, a_len) == 0, "the report's book is the book");
    free(a);
    free(b);
    folio_response_free(book);

    const Folio__Report *rep = r->report;
    cr_assert_eq(rep->book->clients, 3);
    cr_assert_eq(total_of(rep->age_bands, rep->n_age_bands), 3);
    cr_assert_eq(count_of(rep->age_bands, rep->n_age_bands, "35-44"), 1);
    cr_assert_eq(count_of(rep->age_bands, rep->n_age_bands, "unknown"), 2);
    cr_assert_eq(total_of(rep->life_stages, rep->n_life_stages), 3);
    cr_assert_eq(count_of(rep->life_stages, rep->n_life_stages, "married, children"), 1);
    cr_assert_eq(count_of(rep->life_stages, rep->n_life_stages, "unknown, no children"), 2);
    cr_assert_eq(count_of(rep->income_bands, rep->n_income_bands, "20k-50k"), 1);
    cr_assert_eq(count_of(rep->income_bands, rep->n_income_bands, "unknown"), 2);
    cr_assert_eq(rep->n_cities, 2);
    cr_assert_str_eq(rep->cities[0]->key, "Lima",
                     "the spelling that reads as a name, both counted");
    cr_assert_eq(rep->cities[0]->count, 2);
    cr_assert_str_eq(rep->cities[1]->key, "no city");

    cr_assert_eq(rep->n_renewal_weeks, 3);
    cr_assert_str_eq(rep->renewal_weeks[0]->key, "2026-06-11");
    cr_assert_eq(rep->renewal_weeks[0]->premium_cents, 120000);
    cr_assert_str_eq(rep->renewal_weeks[1]->key, "2026-07-02");
    cr_assert_str_eq(rep->renewal_weeks[1]->currency, "PEN");
    cr_assert_eq(rep->renewal_weeks[1]->premium_cents, 20000);
    cr_assert_str_eq(rep->renewal_weeks[2]->key, "2026-07-02");
    cr_assert_str_eq(rep->renewal_weeks[2]->currency, "USD");

    cr_assert_eq(rep->n_contact_months, 12);
    cr_assert_str_eq(rep->contact_months[0]->key, "2025-07");
    cr_assert_str_eq(rep->contact_months[11]->key, "2026-06");
    cr_assert_eq(rep->contact_months[11]->count, 1);
    cr_assert_eq(count_of(rep->contact_months, rep->n_contact_months, "2026-01"), 1);
    cr_assert_eq(total_of(rep->contact_months, rep->n_contact_months), 2);

    cr_assert_eq(count_of(rep->opportunities, rep->n_opportunities, on), 1);
    cr_assert_eq(count_of(rep->opportunities, rep->n_opportunities, pet_on), 1,
                 "a client who holds what the rule stands aside for is no opportunity");
    for (size_t i = 0; i < rep->n_opportunities; i++)
        if (strcmp(rep->opportunities[i]->key, on) == 0)
            cr_assert_str_eq(rep->opportunities[i]->label, "insure the boat");
    folio_response_free(r);
}

Test(report, cities_past_the_largest_fold_into_other)
{
    struct folio_error err = {0};
    char id[37], name[64], city[32];
    /* 18 cities, the first with three clients. */
    for (int i = 0; i < 20; i++) {
        snprintf(name, sizeof(name), "Client %d", i);
        snprintf(city, sizeof(city), "City %02d", i < 3 ? 0 : i - 2);
        add_named(bob, name, city, id);
    }
    Folio__ReportQuery q = FOLIO__REPORT_QUERY__INIT;
    q.date = (char *)TODAY;
    Folio__Response *r = harness_ok(folio_report(bob, &q, &err), &err);
    const Folio__Report *rep = r->report;
    cr_assert_eq(rep->n_cities, 16, "15 cities and other");
    cr_assert_str_eq(rep->cities[0]->key, "City 00");
    cr_assert_eq(rep->cities[0]->count, 3);
    cr_assert_str_eq(rep->cities[15]->key, "other");
    cr_assert_eq(rep->cities[15]->count, 3);
    cr_assert_eq(total_of(rep->cities, rep->n_cities), 20);
    folio_response_free(r);
}

Test(report, is_scoped_refused_and_audited_as_the_book)
{
    struct folio_error err = {0};
    Folio__ReportQuery q = FOLIO__REPORT_QUERY__INIT;
    q.date = (char *)"2026-02-30";
    harness_refused(folio_report(alice, &q, &err), &err, FOLIO__CODE__INVALID_ARGUMENT);
    q.date = (char *)TODAY;
    q.agent = bob_name;
    q.firm = true;
    harness_refused(folio_report(root, &q, &err), &err, FOLIO__CODE__INVALID_ARGUMENT);
    q.firm = false;
    harness_refused(folio_report(alice, &q, &err), &err, FOLIO__CODE__PERMISSION_DENIED);
    q.agent = (char *)"";
    q.firm = true;
    harness_refused(folio_report(alice, &q, &err), &err, FOLIO__CODE__PERMISSION_DENIED);
    q.firm = false;
    harness_refused(folio_report(root, &q, &err), &err, FOLIO__CODE__INVALID_ARGUMENT);

    /* The office's admin reads the office's, audited. */
    char olga[32];
    snprintf(olga, sizeof(olga), "olga-%d", (int)getpid());
    harness_add_user(root, olga, FOLIO__ROLE__ROLE_OFFICE_ADMIN, office, PW);
    struct folio_connection *admin = harness_user(&srv, olga, PW);
    q.office = office;
    Folio__Response *r = harness_ok(folio_report(admin, &q, &err), &err);
    cr_assert_eq(r->report->book->agents, 2);
    char scope[64];
    snprintf(scope, sizeof(scope), "office %s", office);
    cr_assert_str_eq(r->report->book->scope, scope);
    folio_response_free(r);
    q.office = (char *)"";
    q.firm = true;
    harness_refused(folio_report(admin, &q, &err), &err, FOLIO__CODE__PERMISSION_DENIED);
    folio_connection_close(admin);
    r = harness_ok(folio_audit_query(root, olga, 0, 10, 0, &err), &err);
    bool audited = false;
    for (size_t i = 0; i < r->audit->n_records; i++)
        audited |= strcmp(r->audit->records[i]->action, "report.read") == 0 &&
                   strcmp(r->audit->records[i]->target, scope) == 0;
    cr_assert(audited);
    folio_response_free(r);
}
