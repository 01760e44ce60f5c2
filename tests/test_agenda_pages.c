/* test_agenda_pages.c - the agenda's pages, kinds and priorities: a year of
 * a 20,000-client agent paged to the end without a refusal, --kind, one
 * item per alert, and "avoid" winning over an opportunity and an offer.
 *
 * One server for the suite; each test has agents of its own, named after
 * its process, and alerts in a city of its own. foliod's clock stands at
 * CLOCK; every query names its own day. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <criterion/criterion.h>
#include <criterion/hooks.h>

#include "envelope.h"
#include "folioclient_interchange.h"
#include "harness.h"

#define PW_ALICE "alice-password"
#define CLOCK    "2030-06-03 12:00:00"
#define TODAY    "2030-06-03"

static struct harness_server srv;
static struct folio_connection *root, *alice;
static char north[32], alice_name[32], city[32];

ReportHook(PRE_SUITE)(struct criterion_suite_set *set)
{
    if (strcmp(set->suite.name, "agenda_pages") == 0)
        harness_shared_start("agenda_pages", CLOCK, NULL);
}

ReportHook(POST_ALL)(struct criterion_global_stats *stats)
{
    (void)stats;
    harness_shared_stop("agenda_pages");
}

static void setup(void)
{
    harness_shared_attach(&srv, "agenda_pages");
    int pid = (int)getpid();
    snprintf(north, sizeof(north), "North-%d", pid);
    snprintf(alice_name, sizeof(alice_name), "alice-%d", pid);
    snprintf(city, sizeof(city), "Lima-%d", pid);
    root = harness_admin(&srv);
    harness_add_office(root, north);
    harness_add_user(root, alice_name, FOLIO__ROLE__ROLE_AGENT, north, PW_ALICE);
    alice = harness_user(&srv, alice_name, PW_ALICE);
}

static void teardown(void)
{
    folio_connection_close(alice);
    folio_connection_close(root);
    alice = root = NULL;
    harness_server_cleanup(&srv);
}

TestSuite(agenda_pages, .init = setup, .fini = teardown, .timeout = 240);

static Folio__Response *query(const char *date, uint32_t days, uint32_t limit, const char *after,
                              char **kinds, size_t n_kinds, struct folio_error *err)
{
    Folio__AgendaQuery q = FOLIO__AGENDA_QUERY__INIT;
    q.date = (char *)date;
    q.days = days;
    q.limit = limit;
    q.after = (char *)(after ? after : "");
    q.kinds = kinds;
    q.n_kinds = n_kinds;
    return folio_agenda_query(alice, &q, err);
}

static size_t count(const Folio__Agenda *a, const char *kind)
{
    size_t n = 0;
    for (size_t i = 0; i < a->n_items; i++)
        n += strcmp(a->items[i]->kind, kind) == 0;
    return n;
}

/* ---------------------------------------------------------------- a year in pages */

#define SEED_CLIENTS 20000
#define SEED_BATCH   1000

/* The portfolio's size: under valgrind, which makes every walk of it some
 * fifty times slower, a tenth, enough for the same pages and paths. */
static int seed_clients(void)
{
    return harness_valgrind() ? SEED_CLIENTS / 10 : SEED_CLIENTS;
}

/* Clients born on every day of a year in turn, in batches of an import. */
static void seed(void)
{
    static Folio__Client clients[SEED_BATCH];
    static Folio__Client *ptrs[SEED_BATCH];
    static char names[SEED_BATCH][32], births[SEED_BATCH][32];
    for (int done = 0; done < seed_clients(); done += SEED_BATCH) {
        for (int i = 0; i < SEED_BATCH; i++) {
            int n = done + i;
            int day = n % 365;
            folio__client__init(&clients[i]);
            snprintf(names[i], sizeof(names[i]), "Client %05d", n);
            /* 1981 has no 29 February: day of year to month and day. */
            static const int month_days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
            int m = 0;
            while (day >= month_days[m])
                day -= month_days[m++];
            snprintf(births[i], sizeof(births[i]), "1981-%02d-%02d", m + 1, day + 1);
            clients[i].name = names[i];
            clients[i].birth_date = births[i];
            ptrs[i] = &clients[i];
        }
        struct folio_error err = {0};
        Folio__Response *r =
            harness_ok(folio_client_import(alice, ptrs, NULL, SEED_BATCH, false, &err), &err);
        cr_assert_eq(r->client_import->created, SEED_BATCH);
        folio_response_free(r);
    }
}

Test(agenda_pages, a_year_of_twenty_thousand_clients_pages_to_the_end)
{
    seed();
    char *after = NULL;
    size_t birthdays = 0, items = 0, pages = 0;
    char last_id[32] = "";
    int64_t last_day_seen = 0;
    for (;;) {
        struct folio_error err = {0};
        Folio__Response *r = harness_ok(query(TODAY, 366, 1000, after, NULL, 0, &err), &err);
        const Folio__Agenda *a = r->agenda;
        pages++;
        cr_assert(a->n_items > 0 || a->next[0] == '\0');
        for (size_t i = 0; i < a->n_items; i++) {
            const Folio__AgendaItem *it = a->items[i];
            /* Pages follow on: dates never go back, and no item comes twice
             * in a row across a page's end. */
            int y, m, d;
            cr_assert_eq(sscanf(it->date, "%d-%d-%d", &y, &m, &d), 3);
            int64_t day = (int64_t)y * 10000 + m * 100 + d;
            cr_assert(day >= last_day_seen, "%s after %lld", it->date, (long long)last_day_seen);
            last_day_seen = day;
            cr_assert_str_neq(it->id, last_id);
            snprintf(last_id, sizeof(last_id), "%s", it->id);
            birthdays += strcmp(it->kind, "birthday") == 0;
        }
        items += a->n_items;
        free(after);
        after = a->next[0] != '\0' ? strdup(a->next) : NULL;
        cr_assert_eq(a->truncated, after != NULL);
        folio_response_free(r);
        if (after == NULL)
            break;
        cr_assert(pages < 100, "the pages never end");
    }
    /* Every client's birthday comes in 366 days, those born on 3 June (day
     * 153 of the year) twice, and every client is due a first contact. */
    size_t twice = 0;
    for (int n = 0; n < seed_clients(); n++)
        twice += n % 365 == 153;
    cr_assert_eq(birthdays, (size_t)seed_clients() + twice, "%zu birthdays in %zu items, %zu pages",
                 birthdays, items, pages);
    cr_assert(items >= 2 * (size_t)seed_clients(), "%zu items", items);
    cr_assert(pages >= 2 * (size_t)seed_clients() / 1000);
}

/* ---------------------------------------------------------------- kinds */

static char *add_client(const char *name, const char *birth, const char *where)
{
    struct folio_error err = {0};
    Folio__Client client = FOLIO__CLIENT__INIT;
    Folio__Consent yes = FOLIO__CONSENT__INIT;
    yes.email = true;
    client.consent = &yes;
    client.name = (char *)name;
    client.birth_date = (char *)(birth ? birth : "");
    client.city = (char *)(where ? where : "");
    Folio__ClientAdd op = FOLIO__CLIENT_ADD__INIT;
    op.client = &client;
    Folio__Request req;
    envelope_init(&req, &op.base);
    Folio__Response *r = harness_ok(folio_connection_call(alice, &req, &err), &err);
    char *id = strdup(r->client->id);
    folio_response_free(r);
    return id;
}

static void event(const char *id, const char *kind, const char *what, const char *date,
                  const char *follow_up)
{
    struct folio_error err = {0};
    Folio__EventAdd ev = FOLIO__EVENT_ADD__INIT;
    ev.client_id = (char *)id;
    ev.kind = (char *)kind;
    ev.what = (char *)what;
    ev.date = (char *)date;
    ev.follow_up = (char *)(follow_up ? follow_up : "");
    folio_response_free(harness_ok(folio_event_add(alice, &ev, &err), &err));
}

Test(agenda_pages, kind_filters_the_agenda)
{
    char *ana = add_client("Ana", "1990-06-05", NULL);
    event(ana, "contact", "call", "2030-06-01", "2030-06-04");
    char *kinds[] = {"birthday"};
    struct folio_error err = {0};
    Folio__Response *r = harness_ok(query(TODAY, 7, 0, NULL, kinds, 1, &err), &err);
    cr_assert_eq(r->agenda->n_items, 1);
    cr_assert_str_eq(r->agenda->items[0]->kind, "birthday");
    folio_response_free(r);
    char *two[] = {"follow-up", "holiday"};
    r = harness_ok(query(TODAY, 7, 0, NULL, two, 2, &err), &err);
    cr_assert_eq(count(r->agenda, "follow_up"), 1);
    cr_assert_eq(count(r->agenda, "birthday"), 0);
    folio_response_free(r);
    char *bad[] = {"birthdays"};
    harness_refused(query(TODAY, 7, 0, NULL, bad, 1, &err), &err, FOLIO__CODE__INVALID_ARGUMENT);
    cr_assert(strncmp(err.message, "kinds:", 6) == 0, "%s", err.message);
    harness_refused(query(TODAY, 7, 1001, NULL, NULL, 0, &err), &err,
                    FOLIO__CODE__INVALID_ARGUMENT);
    cr_assert(strncmp(err.message, "limit:", 6) == 0, "%s", err.message);
    harness_refused(query(TODAY, 7, 0, "zz", NULL, 0, &err), &err, FOLIO__CODE__INVALID_ARGUMENT);
    cr_assert(strncmp(err.message, "after:", 6) == 0, "%s", err.message);
    harness_refused(query(TODAY, 7, 0, "00", NULL, 0, &err), &err, FOLIO__CODE__INVALID_ARGUMENT);
    free(ana);
}

Test(agenda_pages, a_page_ends_where_the_next_begins)
{
    char *ana = add_client("Ana", "1990-06-05", NULL);
    char *ben = add_client("Ben", "1990-06-05", NULL);
    char *cleo = add_client("Cleo", "1990-06-06", NULL);
    char *kinds[] = {"birthday"};
    struct folio_error err = {0};
    Folio__Response *r = harness_ok(query(TODAY, 7, 2, NULL, kinds, 1, &err), &err);
    cr_assert_eq(r->agenda->n_items, 2);
    cr_assert_str_eq(r->agenda->items[0]->client_id, ana);
    cr_assert_str_eq(r->agenda->items[1]->client_id, ben);
    cr_assert(r->agenda->truncated);
    char *next = strdup(r->agenda->next);
    folio_response_free(r);
    r = harness_ok(query(TODAY, 7, 2, next, kinds, 1, &err), &err);
    cr_assert_eq(r->agenda->n_items, 1);
    cr_assert_str_eq(r->agenda->items[0]->client_id, cleo);
    cr_assert_str_eq(r->agenda->next, "");
    cr_assert_not(r->agenda->truncated);
    folio_response_free(r);
    free(next);
    free(ana);
    free(ben);
    free(cleo);
}

/* ---------------------------------------------------------------- alerts */

static uint64_t add_alert(const char *kind, const char *where)
{
    struct folio_error err = {0};
    Folio__Alert alert = FOLIO__ALERT__INIT;
    alert.kind = (char *)kind;
    alert.city = (char *)where;
    alert.date = (char *)"2030-06-01";
    alert.until = (char *)"2030-06-30";
    Folio__AlertAdd op = FOLIO__ALERT_ADD__INIT;
    op.alert = &alert;
    Folio__Request req;
    envelope_init(&req, &op.base);
    Folio__Response *r = harness_ok(folio_connection_call(root, &req, &err), &err);
    uint64_t id = r->alert->id;
    folio_response_free(r);
    return id;
}

Test(agenda_pages, an_alert_is_one_item_its_clients_come_in_pages)
{
    char name[32];
    for (int i = 0; i < 5; i++) {
        snprintf(name, sizeof(name), "Client %d", i);
        free(add_client(name, NULL, city));
    }
    uint64_t id = add_alert("flood", city);
    char *kinds[] = {"alert"};
    struct folio_error err = {0};
    Folio__Response *r = harness_ok(query(TODAY, 7, 0, NULL, kinds, 1, &err), &err);
    cr_assert_eq(r->agenda->n_items, 1);
    const Folio__AgendaItem *it = r->agenda->items[0];
    cr_assert_eq(it->clients, 5);
    char title[96];
    snprintf(title, sizeof(title), "flood in %s: 5 of your clients live there", city);
    cr_assert_str_eq(it->title, title);
    cr_assert_str_eq(it->client_id, "");
    folio_response_free(r);
    /* Its clients, two by two. */
    Folio__AgendaQuery q = FOLIO__AGENDA_QUERY__INIT;
    q.date = (char *)TODAY;
    q.alert = id;
    q.limit = 2;
    size_t seen = 0;
    char *after = NULL;
    do {
        q.after = after != NULL ? after : (char *)"";
        r = harness_ok(folio_agenda_query(alice, &q, &err), &err);
        for (size_t i = 0; i < r->agenda->n_items; i++)
            cr_assert_str_neq(r->agenda->items[i]->client_id, "");
        seen += r->agenda->n_items;
        free(after);
        after = r->agenda->next[0] != '\0' ? strdup(r->agenda->next) : NULL;
        folio_response_free(r);
    } while (after != NULL);
    cr_assert_eq(seen, 5);
}

/* ---------------------------------------------------------------- avoid wins */

static Folio__Response *offer_add(const char *client, const char *product, bool despite,
                                  struct folio_error *err)
{
    Folio__Offer offer = FOLIO__OFFER__INIT;
    offer.client_id = (char *)client;
    offer.title = (char *)"Cover for the new car";
    offer.product = (char *)product;
    offer.valid_from = (char *)TODAY;
    offer.valid_until = (char *)"2030-06-20";
    offer.channel = (char *)"email";
    Folio__OfferAdd op = FOLIO__OFFER_ADD__INIT;
    op.offer = &offer;
    op.date = (char *)TODAY;
    op.despite_alert = despite;
    return folio_offer_add_op(alice, &op, err);
}

Test(agenda_pages, avoid_wins_over_an_opportunity_and_an_offer)
{
    char *ana = add_client("Ana", NULL, city);
    char *ben = add_client("Ben", NULL, "Cusco");
    event(ana, "purchase", "vehicle", "2030-06-02", NULL);
    event(ben, "purchase", "vehicle", "2030-06-02", NULL);
    uint64_t id = add_alert("flood", city);
    char *kinds[] = {"opportunity"};
    struct folio_error err = {0};
    Folio__Response *r = harness_ok(query(TODAY, 7, 0, NULL, kinds, 1, &err), &err);
    cr_assert_eq(r->agenda->n_items, 2);
    char held[128];
    snprintf(held, sizeof(held), "flood in %s, alert %llu: avoid insurance", city,
             (unsigned long long)id);
    for (size_t i = 0; i < 2; i++) {
        const Folio__AgendaItem *it = r->agenda->items[i];
        if (strcmp(it->client_id, ana) == 0) {
            cr_assert_str_eq(it->held_back, held);
            cr_assert(strstr(it->title, "held back") != NULL, "%s", it->title);
        } else {
            cr_assert_str_eq(it->held_back, "", "Ben lives elsewhere");
        }
    }
    folio_response_free(r);
    /* The offer the alert says to avoid needs --despite-alert. */
    harness_refused(offer_add(ana, "vehicle insurance", false, &err), &err,
                    FOLIO__CODE__FAILED_PRECONDITION);
    cr_assert(strncmp(err.message, "product:", 8) == 0, "%s", err.message);
    cr_assert(strstr(err.message, "--despite-alert") != NULL, "%s", err.message);
    folio_response_free(harness_ok(offer_add(ana, "vehicle insurance", true, &err), &err));
    folio_response_free(harness_ok(offer_add(ana, "flexible loan", false, &err), &err));
    folio_response_free(harness_ok(offer_add(ben, "vehicle insurance", false, &err), &err));
    free(ana);
    free(ben);
}

/* ---------------------------------------------------------------- stay in touch */

Test(agenda_pages, clients_never_contacted_fall_due_spread_over_the_interval)
{
    char name[32];
    for (int i = 0; i < 30; i++) {
        snprintf(name, sizeof(name), "New %02d", i);
        free(add_client(name, NULL, NULL));
    }
    char *kinds[] = {"stay-in-touch"};
    struct folio_error err = {0};
    Folio__Response *r = harness_ok(query(TODAY, 366, 0, NULL, kinds, 1, &err), &err);
    cr_assert_eq(r->agenda->n_items, 30);
    size_t days = 0;
    for (size_t i = 0; i < r->agenda->n_items; i++) {
        const Folio__AgendaItem *it = r->agenda->items[i];
        cr_assert(strstr(it->title, "never contacted") != NULL, "%s", it->title);
        cr_assert(strcmp(it->date, TODAY) > 0 && strcmp(it->date, "2030-09-01") <= 0, "%s",
                  it->date);
        days += i == 0 || strcmp(it->date, r->agenda->items[i - 1]->date) != 0;
    }
    cr_assert(days >= 10, "30 clients added on one day fall due on %zu days", days);
    folio_response_free(r);
}
