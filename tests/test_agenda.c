/* test_agenda.c - AgendaQuery against a real foliod, every kind of item on
 * fixed dates.
 *
 * The firm: office North with agents alice and bob, and the default rules
 * and calendar a new firm starts with. The tests share one server
 * (harness_shared_start), each with an office and agents of its own, named
 * after its process (North-PID, alice-PID, bob-PID); those that change the
 * firm's rules or alerts, or restart the server, start their own. Clients are added with a contact
 * event dated in the tests whenever the stay-in-touch check could
 * otherwise depend on the day the test runs; tests that do not look at
 * stay_in_touch items ignore them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <criterion/criterion.h>
#include <criterion/hooks.h>

#include "envelope.h"
#include "harness.h"

#define PW_ALICE "alice-password"
#define PW_BOB   "bob-password"

static struct harness_server srv;
static struct folio_connection *root, *alice, *bob;

/* foliod's clock: on or after every date a change is labelled with, and on
 * or before the validity of the offers and coupons the tests make. Agenda
 * queries name their own dates. */
#define CLOCK "2030-06-03 12:00:00"

/* This test's office and agents. */
static char north[32], alice_name[32], bob_name[32];

ReportHook(PRE_SUITE)(struct criterion_suite_set *set)
{
    if (strcmp(set->suite.name, "agenda") == 0)
        harness_shared_start("agenda", CLOCK, NULL);
}

/* After every test has ended: Criterion reports POST_SUITE once it has
 * started the suite's last test, which may still run (--jobs above 1). */
ReportHook(POST_ALL)(struct criterion_global_stats *stats)
{
    (void)stats;
    harness_shared_stop("agenda");
}

static void people(void)
{
    int pid = (int)getpid();
    snprintf(north, sizeof(north), "North-%d", pid);
    snprintf(alice_name, sizeof(alice_name), "alice-%d", pid);
    snprintf(bob_name, sizeof(bob_name), "bob-%d", pid);
    root = harness_admin(&srv);
    harness_add_office(root, north);
    harness_add_user(root, alice_name, FOLIO__ROLE__ROLE_AGENT, north, PW_ALICE);
    harness_add_user(root, bob_name, FOLIO__ROLE__ROLE_AGENT, north, PW_BOB);
    alice = harness_user(&srv, alice_name, PW_ALICE);
    bob = harness_user(&srv, bob_name, PW_BOB);
}

static void setup(void)
{
    harness_shared_attach(&srv, "agenda");
    people();
}

/* For the tests that change what every agent's agenda follows (rules,
 * alerts) or restart the server. */
static void setup_own(void)
{
    harness_server_clock(&srv, CLOCK);
    harness_server_start(&srv, NULL);
    people();
}

static void teardown(void)
{
    harness_server_cleanup(&srv);
}

static void finish(void)
{
    folio_connection_close(alice);
    folio_connection_close(bob);
    folio_connection_close(root);
    alice = bob = root = NULL;
    harness_server_finish(&srv);
}

TestSuite(agenda, .init = setup, .fini = teardown);
TestSuite(agenda_own, .init = setup_own, .fini = teardown);

/* Restarts foliod with its clock at when; everyone logs in again. */
static void at(const char *when)
{
    folio_connection_close(alice);
    folio_connection_close(bob);
    folio_connection_close(root);
    harness_server_clock(&srv, when);
    harness_server_restart(&srv);
    root = harness_admin(&srv);
    alice = harness_user(&srv, alice_name, PW_ALICE);
    bob = harness_user(&srv, bob_name, PW_BOB);
}

/* ---------------------------------------------------------------- requests */

static Folio__Response *call(struct folio_connection *c, Folio__Request *req,
                             struct folio_error *err)
{
    return folio_connection_call(c, req, err);
}

/* A client with consent to email; birth and city may be NULL. Returns its
 * id (free()). */
static char *add_client(struct folio_connection *c, const char *name, const char *birth,
                        const char *city, uint32_t interval)
{
    struct folio_error err = {0};
    Folio__Client client = FOLIO__CLIENT__INIT;
    Folio__Consent yes = FOLIO__CONSENT__INIT;
    yes.email = true;
    client.consent = &yes;
    client.name = (char *)name;
    client.birth_date = (char *)(birth ? birth : "");
    client.city = (char *)(city ? city : "");
    client.contact_interval_days = interval;
    Folio__ClientAdd op = FOLIO__CLIENT_ADD__INIT;
    op.client = &client;
    Folio__Request req;
    envelope_init(&req, &op.base);
    Folio__Response *r = harness_ok(call(c, &req, &err), &err);
    char *id = strdup(r->client->id);
    folio_response_free(r);
    return id;
}

static Folio__Response *event(struct folio_connection *c, const char *id, const char *kind,
                              const char *what, const char *date, const char *follow_up,
                              const char *note, struct folio_error *err)
{
    Folio__EventAdd op = FOLIO__EVENT_ADD__INIT;
    op.client_id = (char *)id;
    op.kind = (char *)kind;
    op.what = (char *)what;
    op.date = (char *)date;
    op.follow_up = (char *)(follow_up ? follow_up : "");
    op.note = (char *)(note ? note : "");
    Folio__Request req;
    envelope_init(&req, &op.base);
    return call(c, &req, err);
}

static void event_ok(struct folio_connection *c, const char *id, const char *kind, const char *what,
                     const char *date, const char *follow_up, const char *note)
{
    struct folio_error err = {0};
    folio_response_free(harness_ok(event(c, id, kind, what, date, follow_up, note, &err), &err));
}

static Folio__Response *agenda_call(struct folio_connection *c, const char *date, uint32_t days,
                                    struct folio_error *err)
{
    Folio__AgendaQuery op = FOLIO__AGENDA_QUERY__INIT;
    op.date = (char *)date;
    op.days = days;
    Folio__Request req;
    envelope_init(&req, &op.base);
    return call(c, &req, err);
}

static Folio__Agenda *agenda(struct folio_connection *c, const char *date, uint32_t days,
                             Folio__Response **keep)
{
    struct folio_error err = {0};
    *keep = harness_ok(agenda_call(c, date, days, &err), &err);
    cr_assert_eq((*keep)->result_case, FOLIO__RESPONSE__RESULT_AGENDA);
    return (*keep)->agenda;
}

/* The n-th item of kind (for client, when not NULL), or NULL. */
static const Folio__AgendaItem *find(const Folio__Agenda *a, const char *kind, const char *client,
                                     size_t n)
{
    for (size_t i = 0; i < a->n_items; i++) {
        const Folio__AgendaItem *it = a->items[i];
        if (strcmp(it->kind, kind) == 0 && (client == NULL || strcmp(it->client_id, client) == 0) &&
            n-- == 0)
            return it;
    }
    return NULL;
}

static size_t count(const Folio__Agenda *a, const char *kind, const char *client)
{
    size_t n = 0;
    while (find(a, kind, client, n) != NULL)
        n++;
    return n;
}

static void assert_sorted(const Folio__Agenda *a)
{
    for (size_t i = 1; i < a->n_items; i++) {
        const Folio__AgendaItem *x = a->items[i - 1], *y = a->items[i];
        int c = strcmp(x->date, y->date);
        cr_assert_leq(c, 0, "%s before %s", x->date, y->date);
        if (c == 0) {
            cr_assert_leq(x->priority, y->priority, "%s (%u) before %s (%u) on %s", x->kind,
                          x->priority, y->kind, y->priority, x->date);
            if (x->priority == y->priority)
                cr_assert_leq(strcmp(x->client_name, y->client_name), 0);
        }
    }
}

/* ---------------------------------------------------------------- birthdays */

Test(agenda, birthday_with_the_age_turned)
{
    char *ana = add_client(alice, "Ana", "1980-05-17", NULL, 0);
    Folio__Response *r;
    Folio__Agenda *a = agenda(alice, "2026-05-15", 7, &r);
    cr_assert_str_eq(a->date, "2026-05-15");
    cr_assert_eq(a->days, 7);
    cr_assert_not(a->truncated);
    const Folio__AgendaItem *it = find(a, "birthday", ana, 0);
    cr_assert_not_null(it);
    cr_assert_str_eq(it->date, "2026-05-17");
    cr_assert_eq(it->age, 46);
    cr_assert_eq(it->priority, 2);
    cr_assert_str_eq(it->client_name, "Ana");
    cr_assert_str_eq(it->title, "birthday: Ana turns 46");
    cr_assert_str_eq(it->suggestion,
                     "preferential credit rate valid on the birthday; call to congratulate");
    folio_response_free(r);

    a = agenda(alice, "2026-05-18", 7, &r);
    cr_assert_eq(count(a, "birthday", NULL), 0, "the day after is outside the horizon");
    folio_response_free(r);
    a = agenda(alice, "2026-05-11", 7, &r);
    cr_assert_eq(count(a, "birthday", NULL), 1, "the horizon's last day counts");
    folio_response_free(r);
    a = agenda(alice, "2026-05-10", 7, &r);
    cr_assert_eq(count(a, "birthday", NULL), 0);
    folio_response_free(r);
    free(ana);
    finish();
}

Test(agenda_own, birthday_without_a_rule_says_to_call)
{
    char *ana = add_client(alice, "Ana", "1980-05-17", NULL, 0);
    struct folio_error err = {0};
    Folio__RuleList list = FOLIO__RULE_LIST__INIT;
    Folio__Request req;
    envelope_init(&req, &list.base);
    Folio__Response *rules = harness_ok(call(root, &req, &err), &err);
    for (size_t i = 0; i < rules->rules->n_rules; i++) {
        if (strcmp(rules->rules->rules[i]->on, "birthday") != 0)
            continue;
        Folio__RuleRemove rm = FOLIO__RULE_REMOVE__INIT;
        rm.id = rules->rules->rules[i]->id;
        Folio__Request rreq;
        envelope_init(&rreq, &rm.base);
        folio_response_free(harness_ok(call(root, &rreq, &err), &err));
    }
    folio_response_free(rules);

    Folio__Response *r;
    Folio__Agenda *a = agenda(alice, "2026-05-17", 1, &r);
    const Folio__AgendaItem *it = find(a, "birthday", ana, 0);
    cr_assert_not_null(it);
    cr_assert_str_eq(it->suggestion, "call Ana to congratulate");
    folio_response_free(r);
    free(ana);
    finish();
}

Test(agenda, birthday_without_a_year_has_no_age)
{
    /* As address books keep it (--MM-DD, imported from a vCard). */
    char *eva = add_client(alice, "Eva", "--05-17", NULL, 0);
    char *leo = add_client(alice, "Leo", "--02-29", NULL, 0);
    Folio__Response *r;
    Folio__Agenda *a = agenda(alice, "2026-05-15", 7, &r);
    const Folio__AgendaItem *it = find(a, "birthday", eva, 0);
    cr_assert_not_null(it);
    cr_assert_str_eq(it->date, "2026-05-17");
    cr_assert_eq(it->age, 0);
    cr_assert_str_eq(it->title, "birthday: Eva");
    folio_response_free(r);
    a = agenda(alice, "2027-02-28", 1, &r);
    cr_assert_not_null(find(a, "birthday", leo, 0), "29 February falls on 28 February in 2027");
    folio_response_free(r);
    free(eva);
    free(leo);
    finish();
}

Test(agenda, leap_day_birthday_in_a_common_year)
{
    char *leo = add_client(alice, "Leo", "2000-02-29", NULL, 0);
    Folio__Response *r;
    Folio__Agenda *a = agenda(alice, "2027-02-28", 1, &r);
    const Folio__AgendaItem *it = find(a, "birthday", leo, 0);
    cr_assert_not_null(it, "29 February falls on 28 February in 2027");
    cr_assert_str_eq(it->date, "2027-02-28");
    cr_assert_eq(it->age, 27);
    folio_response_free(r);

    a = agenda(alice, "2027-03-01", 7, &r);
    cr_assert_eq(count(a, "birthday", NULL), 0);
    folio_response_free(r);
    a = agenda(alice, "2027-02-20", 14, &r);
    cr_assert_eq(count(a, "birthday", NULL), 1, "once, not on two days");
    folio_response_free(r);
    a = agenda(alice, "2028-02-28", 1, &r);
    cr_assert_eq(count(a, "birthday", NULL), 0, "2028 has its own 29 February");
    folio_response_free(r);
    a = agenda(alice, "2028-02-29", 1, &r);
    it = find(a, "birthday", leo, 0);
    cr_assert_not_null(it);
    cr_assert_eq(it->age, 28);
    folio_response_free(r);
    free(leo);
    finish();
}

Test(agenda, horizon_wraps_the_year_end)
{
    char *jan = add_client(alice, "January Jo", "1990-01-02", NULL, 0);
    char *dec = add_client(alice, "December Dee", "1985-12-30", NULL, 0);
    Folio__Response *r;
    Folio__Agenda *a = agenda(alice, "2026-12-28", 7, &r);
    const Folio__AgendaItem *d = find(a, "birthday", NULL, 0);
    const Folio__AgendaItem *j = find(a, "birthday", NULL, 1);
    cr_assert_not_null(d);
    cr_assert_not_null(j);
    cr_assert_str_eq(d->client_id, dec);
    cr_assert_str_eq(d->date, "2026-12-30");
    cr_assert_eq(d->age, 41);
    cr_assert_str_eq(j->client_id, jan);
    cr_assert_str_eq(j->date, "2027-01-02");
    cr_assert_eq(j->age, 37);
    assert_sorted(a);
    folio_response_free(r);

    /* 366 days from 2 January 2026 meet 2 January twice. */
    a = agenda(alice, "2026-01-02", 366, &r);
    cr_assert_eq(count(a, "birthday", jan), 2);
    cr_assert_str_eq(find(a, "birthday", jan, 0)->date, "2026-01-02");
    cr_assert_eq(find(a, "birthday", jan, 0)->age, 36);
    cr_assert_str_eq(find(a, "birthday", jan, 1)->date, "2027-01-02");
    cr_assert_eq(find(a, "birthday", jan, 1)->age, 37);
    cr_assert_eq(count(a, "birthday", dec), 1);
    folio_response_free(r);
    free(jan);
    free(dec);
    finish();
}

/* ---------------------------------------------------------------- events */

Test(agenda, vehicle_purchase_opens_an_insurance_opportunity)
{
    char *ana = add_client(alice, "Ana", NULL, NULL, 0);
    event_ok(alice, ana, "purchase", "vehicle", "2026-03-10", NULL, NULL);
    Folio__Response *r;
    Folio__Agenda *a = agenda(alice, "2026-03-01", 7, &r);
    cr_assert_eq(count(a, "opportunity", NULL), 0, "not before the purchase");
    folio_response_free(r);

    a = agenda(alice, "2026-03-08", 7, &r);
    const Folio__AgendaItem *it = find(a, "opportunity", ana, 0);
    cr_assert_not_null(it);
    cr_assert_str_eq(it->date, "2026-03-10");
    cr_assert_eq(it->priority, 5);
    cr_assert_str_eq(it->title, "Ana: purchase vehicle");
    cr_assert_str_eq(it->suggestion, "offer vehicle insurance");
    folio_response_free(r);

    a = agenda(alice, "2026-04-08", 1, &r);
    it = find(a, "opportunity", ana, 0);
    cr_assert_not_null(it, "the 30th day of the window");
    cr_assert_str_eq(it->date, "2026-04-08");
    folio_response_free(r);
    a = agenda(alice, "2026-04-09", 7, &r);
    cr_assert_eq(count(a, "opportunity", NULL), 0, "the window has closed");
    folio_response_free(r);

    /* A purchase no rule speaks of opens nothing. */
    event_ok(alice, ana, "purchase", "boat", "2026-05-01", NULL, NULL);
    a = agenda(alice, "2026-05-01", 7, &r);
    cr_assert_eq(count(a, "opportunity", NULL), 0);
    folio_response_free(r);
    free(ana);
    finish();
}

Test(agenda, income_and_life_events_trigger_their_rules)
{
    char *ana = add_client(alice, "Ana", NULL, NULL, 0);
    event_ok(alice, ana, "life", "married", "2026-06-01", NULL, NULL);
    struct folio_error err = {0};
    Folio__EventAdd op = FOLIO__EVENT_ADD__INIT;
    op.client_id = ana;
    op.kind = (char *)"income";
    op.currency = (char *)"EUR";
    op.date = (char *)"2026-06-02";
    op.amount_cents = 100000;
    Folio__Request req;
    envelope_init(&req, &op.base);
    Folio__Response *e = harness_ok(call(alice, &req, &err), &err);
    cr_assert_str_eq(e->event->trigger, "", "the first income compares with nothing");
    folio_response_free(e);
    op.amount_cents = 200000;
    op.date = (char *)"2026-06-03";
    e = harness_ok(call(alice, &req, &err), &err);
    cr_assert_str_eq(e->event->trigger, "income:up");
    folio_response_free(e);

    Folio__Response *r;
    Folio__Agenda *a = agenda(alice, "2026-06-01", 7, &r);
    cr_assert_eq(count(a, "opportunity", ana), 2);
    cr_assert_str_eq(find(a, "opportunity", ana, 0)->title, "Ana: life married");
    cr_assert_str_eq(find(a, "opportunity", ana, 0)->suggestion, "offer life insurance");
    cr_assert_str_eq(find(a, "opportunity", ana, 1)->title, "Ana: income up");
    cr_assert_str_eq(find(a, "opportunity", ana, 1)->date, "2026-06-03");
    folio_response_free(r);
    free(ana);
    finish();
}

static uint64_t add_alert(const char *kind, const char *city, const char *date, const char *until)
{
    struct folio_error err = {0};
    Folio__Alert alert = FOLIO__ALERT__INIT;
    alert.kind = (char *)kind;
    alert.city = (char *)city;
    alert.date = (char *)date;
    alert.until = (char *)until;
    Folio__AlertAdd op = FOLIO__ALERT_ADD__INIT;
    op.alert = &alert;
    Folio__Request req;
    envelope_init(&req, &op.base);
    Folio__Response *r = harness_ok(call(root, &req, &err), &err);
    uint64_t id = r->alert->id;
    folio_response_free(r);
    return id;
}

Test(agenda_own, earthquake_in_the_clients_city_suggests_a_loan)
{
    char *ana = add_client(alice, "Ana", NULL, "Lima", 0);
    char *carl = add_client(alice, "Carl", NULL, "Cusco", 0);
    char *bea = add_client(bob, "Bea", NULL, "LIMA", 0);
    uint64_t id = add_alert("earthquake", "lima", "2026-06-01", "2026-06-30");

    Folio__Response *r;
    Folio__Agenda *a = agenda(alice, "2026-05-30", 7, &r);
    cr_assert_eq(count(a, "alert", NULL), 1, "one item for the agent, not one per client");
    const Folio__AgendaItem *it = find(a, "alert", "", 0);
    cr_assert_not_null(it);
    cr_assert_str_eq(it->date, "2026-06-01");
    cr_assert_eq(it->priority, 4);
    cr_assert_str_eq(it->title, "earthquake in lima: 1 of your clients lives there");
    cr_assert_eq(it->clients, 1);
    cr_assert_str_eq(it->suggestion, "offer low-rate flexible loans");
    cr_assert_str_eq(it->avoid, "insurance");
    char ref[32];
    snprintf(ref, sizeof(ref), "%llu", (unsigned long long)id);
    cr_assert_str_eq(it->ref, ref);
    folio_response_free(r);

    /* Expanded, it is its clients: alice's in Lima only. */
    struct folio_error err = {0};
    Folio__AgendaQuery q = FOLIO__AGENDA_QUERY__INIT;
    q.date = (char *)"2026-05-30";
    q.days = 7;
    q.alert = id;
    r = harness_ok(folio_agenda_query(alice, &q, &err), &err);
    a = r->agenda;
    cr_assert_eq(a->n_items, 1);
    it = find(a, "alert", ana, 0);
    cr_assert_not_null(it);
    cr_assert_str_eq(it->title, "earthquake in lima");
    cr_assert_str_eq(it->suggestion, "offer low-rate flexible loans");
    cr_assert_null(find(a, "alert", carl, 0));
    cr_assert_null(find(a, "alert", bea, 0), "bob's client is not on alice's agenda");
    folio_response_free(r);
    q.alert = id + 1000;
    harness_refused(folio_agenda_query(alice, &q, &err), &err, FOLIO__CODE__NOT_FOUND);
    cr_assert(strncmp(err.message, "alert:", 6) == 0, "%s", err.message);

    a = agenda(alice, "2026-06-10", 3, &r);
    cr_assert_str_eq(find(a, "alert", "", 0)->date, "2026-06-10");
    folio_response_free(r);
    a = agenda(alice, "2026-07-01", 7, &r);
    cr_assert_eq(count(a, "alert", NULL), 0, "the alert ran out");
    folio_response_free(r);
    a = agenda(bob, "2026-06-01", 1, &r);
    cr_assert_eq(find(a, "alert", "", 0)->clients, 1, "cities compare ignoring case");
    folio_response_free(r);
    free(ana);
    free(carl);
    free(bea);
    finish();
}

Test(agenda, follow_ups)
{
    char *ana = add_client(alice, "Ana", NULL, NULL, 0);
    char *ben = add_client(alice, "Ben", NULL, NULL, 0);
    event_ok(alice, ana, "contact", "call", "2026-07-01", "2026-07-10", "discuss the mortgage");
    event_ok(alice, ben, "contact", "visit", "2026-07-02", "2026-07-10", NULL);
    struct folio_error err = {0};
    harness_refused(
        event(alice, ana, "purchase", "vehicle", "2026-07-01", "2026-07-10", NULL, &err), &err,
        FOLIO__CODE__INVALID_ARGUMENT);
    cr_assert_str_eq(err.message, "follow_up: only for contact events");
    harness_refused(event(alice, ana, "contact", "call", "2026-07-01", "2026-06-30", NULL, &err),
                    &err, FOLIO__CODE__INVALID_ARGUMENT);
    cr_assert(strncmp(err.message, "follow_up:", 10) == 0, "%s", err.message);

    Folio__Response *r;
    Folio__Agenda *a = agenda(alice, "2026-07-08", 7, &r);
    cr_assert_eq(count(a, "follow_up", NULL), 2);
    const Folio__AgendaItem *it = find(a, "follow_up", NULL, 0);
    cr_assert_str_eq(it->client_id, ana, "same day and priority: by name");
    cr_assert_str_eq(it->date, "2026-07-10");
    cr_assert_eq(it->priority, 1);
    cr_assert_str_eq(it->title, "follow up with Ana: discuss the mortgage");
    cr_assert_str_eq(find(a, "follow_up", NULL, 1)->title, "follow up with Ben");
    folio_response_free(r);
    /* Missed, they stay, first, as overdue (test_agenda_marks.c works them). */
    a = agenda(alice, "2026-07-11", 7, &r);
    cr_assert_eq(count(a, "follow_up", NULL), 2);
    it = find(a, "follow_up", NULL, 0);
    cr_assert(it->overdue);
    cr_assert_eq(it->days_late, 1);
    cr_assert_str_eq(it->date, "2026-07-11");
    cr_assert_str_eq(it->due, "2026-07-10");
    cr_assert_eq(it->priority, 0);
    folio_response_free(r);
    free(ana);
    free(ben);
    finish();
}

/* ---------------------------------------------------------------- offers, coupons */

static uint64_t add_offer(const char *client, const char *title, const char *until)
{
    struct folio_error err = {0};
    Folio__Offer offer = FOLIO__OFFER__INIT;
    offer.client_id = (char *)client;
    offer.title = (char *)title;
    offer.valid_from = (char *)"2020-01-01";
    offer.valid_until = (char *)until;
    Folio__OfferAdd op = FOLIO__OFFER_ADD__INIT;
    op.offer = &offer;
    Folio__Request req;
    envelope_init(&req, &op.base);
    Folio__Response *r = harness_ok(call(alice, &req, &err), &err);
    uint64_t id = r->offer->id;
    folio_response_free(r);
    return id;
}

static void set_offer(uint64_t id, const char *status, const char *date)
{
    struct folio_error err = {0};
    Folio__OfferSet op = FOLIO__OFFER_SET__INIT;
    op.id = id;
    op.status = (char *)status;
    op.date = (char *)date;
    Folio__Request req;
    envelope_init(&req, &op.base);
    folio_response_free(harness_ok(call(alice, &req, &err), &err));
}

static uint64_t add_partner(const char *name)
{
    struct folio_error err = {0};
    Folio__Partner partner = FOLIO__PARTNER__INIT;
    partner.name = (char *)name;
    partner.category = (char *)"restaurant";
    Folio__PartnerAdd op = FOLIO__PARTNER_ADD__INIT;
    op.partner = &partner;
    Folio__Request req;
    envelope_init(&req, &op.base);
    Folio__Response *r = harness_ok(call(root, &req, &err), &err);
    uint64_t id = r->partner->id;
    folio_response_free(r);
    return id;
}

/* Returns the code (free()). */
static char *issue_coupon(const char *client, uint64_t partner, const char *discount,
                          const char *until, const char *date)
{
    struct folio_error err = {0};
    Folio__Coupon coupon = FOLIO__COUPON__INIT;
    coupon.client_id = (char *)client;
    coupon.partner_id = partner;
    coupon.discount = (char *)discount;
    coupon.valid_until = (char *)until;
    Folio__CouponIssue op = FOLIO__COUPON_ISSUE__INIT;
    op.coupon = &coupon;
    op.date = (char *)date;
    Folio__Request req;
    envelope_init(&req, &op.base);
    Folio__Response *r = harness_ok(call(alice, &req, &err), &err);
    char *code = strdup(r->coupon->code);
    folio_response_free(r);
    return code;
}

static void redeem_coupon(const char *code, const char *date)
{
    struct folio_error err = {0};
    Folio__CouponRedeem op = FOLIO__COUPON_REDEEM__INIT;
    op.code = (char *)code;
    op.date = (char *)date;
    Folio__Request req;
    envelope_init(&req, &op.base);
    folio_response_free(harness_ok(call(alice, &req, &err), &err));
}

Test(agenda, offers_and_coupons_expiring)
{
    char *ana = add_client(alice, "Ana", NULL, NULL, 0);
    uint64_t open = add_offer(ana, "Car loan at 4.5 %", "2030-06-30");
    uint64_t done = add_offer(ana, "Home loan", "2030-06-30");
    set_offer(done, "accepted", "2030-06-01");
    uint64_t partner = add_partner("Cafe Sol");
    char *code = issue_coupon(ana, partner, "10% off", "2030-06-29", "2030-06-01");
    char *used = issue_coupon(ana, partner, "2 for 1", "2030-06-29", "2030-06-01");
    redeem_coupon(used, "2030-06-02");

    Folio__Response *r;
    Folio__Agenda *a = agenda(alice, "2030-06-28", 7, &r);
    cr_assert_eq(count(a, "offer_expiring", NULL), 1, "accepted offers do not expire");
    const Folio__AgendaItem *it = find(a, "offer_expiring", ana, 0);
    cr_assert_str_eq(it->date, "2030-06-30");
    cr_assert_eq(it->priority, 3);
    cr_assert_str_eq(it->title, "offer expires: Car loan at 4.5 %");
    char ref[32];
    snprintf(ref, sizeof(ref), "%llu", (unsigned long long)open);
    cr_assert_str_eq(it->ref, ref);

    cr_assert_eq(count(a, "coupon_expiring", NULL), 1, "redeemed coupons do not expire");
    it = find(a, "coupon_expiring", ana, 0);
    cr_assert_str_eq(it->date, "2030-06-29");
    cr_assert_eq(it->priority, 3);
    cr_assert_str_eq(it->title, "coupon expires: 10% off at Cafe Sol");
    cr_assert_str_eq(it->ref, code);
    cr_assert_str_eq(it->client_name, "Ana");
    folio_response_free(r);

    a = agenda(alice, "2030-07-01", 7, &r);
    cr_assert_eq(count(a, "offer_expiring", NULL), 0);
    cr_assert_eq(count(a, "coupon_expiring", NULL), 0);
    folio_response_free(r);

    set_offer(open, "declined", "2030-06-02");
    redeem_coupon(code, "2030-06-03");
    a = agenda(alice, "2030-06-28", 7, &r);
    cr_assert_eq(count(a, "offer_expiring", NULL), 0);
    cr_assert_eq(count(a, "coupon_expiring", NULL), 0);
    folio_response_free(r);
    free(code);
    free(used);
    free(ana);
    finish();
}

/* ---------------------------------------------------------------- the firm's calendar */

Test(agenda, stay_in_touch)
{
    char *ana = add_client(alice, "Ana", NULL, NULL, 30);
    char *ben = add_client(alice, "Ben", NULL, NULL, 0);
    event_ok(alice, ana, "contact", "call", "2026-01-10", NULL, NULL);
    event_ok(alice, ben, "contact", "call", "2026-01-10", NULL, NULL);
    /* An older contact does not move last_contact back. */
    event_ok(alice, ana, "contact", "call", "2025-12-01", NULL, NULL);

    Folio__Response *r;
    Folio__Agenda *a = agenda(alice, "2026-02-01", 7, &r);
    cr_assert_eq(count(a, "stay_in_touch", NULL), 0);
    folio_response_free(r);
    a = agenda(alice, "2026-02-01", 9, &r);
    const Folio__AgendaItem *it = find(a, "stay_in_touch", ana, 0);
    cr_assert_not_null(it, "30 days after the last contact");
    cr_assert_str_eq(it->date, "2026-02-09");
    cr_assert_eq(it->priority, 6);
    cr_assert_str_eq(it->title, "no contact with Ana since 2026-01-10");
    cr_assert_null(find(a, "stay_in_touch", ben, 0));
    folio_response_free(r);

    a = agenda(alice, "2026-03-01", 7, &r);
    cr_assert_str_eq(find(a, "stay_in_touch", ana, 0)->date, "2026-03-01", "overdue: today");
    cr_assert_null(find(a, "stay_in_touch", ben, 0));
    folio_response_free(r);
    a = agenda(alice, "2026-04-10", 1, &r);
    it = find(a, "stay_in_touch", ben, 0);
    cr_assert_not_null(it, "the firm's 90 days");
    cr_assert_str_eq(it->date, "2026-04-10");
    folio_response_free(r);

    event_ok(alice, ana, "contact", "email", "2026-02-20", NULL, NULL);
    a = agenda(alice, "2026-03-01", 7, &r);
    cr_assert_null(find(a, "stay_in_touch", ana, 0), "contacted again");
    folio_response_free(r);
    free(ana);
    free(ben);
    finish();
}

Test(agenda, christmas_and_the_season)
{
    Folio__Response *r;
    Folio__Agenda *a = agenda(alice, "2026-11-28", 30, &r);
    const Folio__AgendaItem *s = find(a, "season", NULL, 0);
    cr_assert_not_null(s);
    cr_assert_str_eq(s->date, "2026-12-01");
    cr_assert_str_eq(s->title, "high-spending month: December");
    cr_assert_str_eq(s->suggestion, "offer consumer credit and partner coupons");
    cr_assert_str_eq(s->client_id, "");
    cr_assert_eq(s->priority, 8);
    const Folio__AgendaItem *h = find(a, "holiday", NULL, 0);
    cr_assert_not_null(h);
    cr_assert_str_eq(h->date, "2026-12-25");
    cr_assert_str_eq(h->title, "christmas");
    cr_assert_str_eq(h->suggestion, "offer consumer credit and partner coupons");
    cr_assert_eq(h->priority, 7);
    cr_assert_eq(count(a, "season", NULL), 1);
    cr_assert_eq(count(a, "holiday", NULL), 1);
    folio_response_free(r);

    a = agenda(alice, "2026-12-10", 3, &r);
    s = find(a, "season", NULL, 0);
    cr_assert_not_null(s, "a horizon inside the season starts with it");
    cr_assert_str_eq(s->date, "2026-12-10");
    cr_assert_eq(count(a, "holiday", NULL), 0);
    folio_response_free(r);

    a = agenda(root, "2026-12-25", 1, &r);
    cr_assert_eq(a->n_items, 2, "an admin's agenda has the firm's days alone");
    cr_assert_str_eq(a->items[0]->kind, "holiday");
    cr_assert_str_eq(a->items[1]->kind, "season");
    folio_response_free(r);
    finish();
}

/* ---------------------------------------------------------------- the whole */

Test(agenda, sorted_by_date_priority_and_name)
{
    char *zed = add_client(alice, "Zed", "1970-12-25", NULL, 0);
    char *amy = add_client(alice, "Amy", "1971-12-25", NULL, 0);
    event_ok(alice, zed, "contact", "call", "2026-12-20", "2026-12-25", NULL);
    event_ok(alice, amy, "contact", "call", "2026-12-20", NULL, NULL);
    event_ok(alice, amy, "purchase", "vehicle", "2026-12-24", NULL, NULL);
    char *other = add_client(bob, "Bob's client", "1970-12-25", NULL, 0);

    Folio__Response *r;
    Folio__Agenda *a = agenda(alice, "2026-12-24", 2, &r);
    assert_sorted(a);
    static const char *const kinds[] = {"opportunity", "season",   "follow_up",
                                        "birthday",    "birthday", "holiday"};
    cr_assert_eq(a->n_items, sizeof(kinds) / sizeof(kinds[0]));
    for (size_t i = 0; i < a->n_items; i++) {
        cr_assert_str_eq(a->items[i]->kind, kinds[i], "item %zu", i);
        cr_assert_str_neq(a->items[i]->client_id, other);
    }
    cr_assert_str_eq(a->items[3]->client_name, "Amy");
    cr_assert_str_eq(a->items[4]->client_name, "Zed");
    folio_response_free(r);
    free(zed);
    free(amy);
    free(other);
    finish();
}

Test(agenda_own, erasing_a_client_removes_its_items)
{
    at("2026-06-01 12:00:00");
    char *ana = add_client(alice, "Ana", "1980-06-02", "Lima", 0);
    event_ok(alice, ana, "contact", "call", "2026-06-01", "2026-06-03", "call back");
    event_ok(alice, ana, "purchase", "vehicle", "2026-06-01", NULL, NULL);
    add_offer(ana, "Car insurance", "2026-06-05");
    char *code = issue_coupon(ana, add_partner("Cafe Sol"), "10% off", "2026-06-06", "2026-06-01");
    add_alert("flood", "Lima", "2026-06-01", "");

    Folio__Response *r;
    Folio__Agenda *a = agenda(alice, "2026-06-01", 7, &r);
    static const char *const kinds[] = {"birthday", "follow_up", "opportunity", "offer_expiring",
                                        "coupon_expiring"};
    for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
        cr_assert_eq(count(a, kinds[i], ana), 1, "%s", kinds[i]);
    cr_assert_eq(find(a, "alert", "", 0)->clients, 1);
    folio_response_free(r);

    struct folio_error err = {0};
    Folio__ClientErase op = FOLIO__CLIENT_ERASE__INIT;
    op.id = ana;
    Folio__Request req;
    envelope_init(&req, &op.base);
    folio_response_free(harness_ok(call(alice, &req, &err), &err));

    a = agenda(alice, "2026-06-01", 7, &r);
    for (size_t i = 0; i < a->n_items; i++)
        cr_assert_str_eq(a->items[i]->client_id, "", "%s left behind", a->items[i]->kind);
    folio_response_free(r);
    free(code);
    free(ana);
    finish();
}

Test(agenda, refusals)
{
    struct folio_error err = {0};
    harness_refused(agenda_call(alice, "2026-02-30", 7, &err), &err, FOLIO__CODE__INVALID_ARGUMENT);
    cr_assert_str_eq(err.message, "date: not a date (YYYY-MM-DD)");
    harness_refused(agenda_call(alice, "2026-01-01", 367, &err), &err,
                    FOLIO__CODE__INVALID_ARGUMENT);
    Folio__Response *r;
    Folio__Agenda *a = agenda(alice, "2026-01-01", 0, &r);
    cr_assert_eq(a->days, 7);
    folio_response_free(r);
    a = agenda(alice, "2026-01-01", 366, &r);
    cr_assert_eq(a->days, 366);
    folio_response_free(r);

    struct harness_raw *raw = harness_raw_connect(&srv);
    harness_raw_hello(raw, 1);
    Folio__AgendaQuery op = FOLIO__AGENDA_QUERY__INIT;
    op.date = (char *)"2026-01-01";
    Folio__Request req = FOLIO__REQUEST__INIT;
    req.id = 2;
    envelope_set(&req, &op.base);
    harness_raw_send(raw, &req);
    Folio__Response *resp = harness_raw_receive(raw);
    cr_assert_eq(harness_code(resp), FOLIO__CODE__UNAUTHENTICATED);
    folio__response__free_unpacked(resp, NULL);
    harness_raw_close(raw);
    finish();
}
