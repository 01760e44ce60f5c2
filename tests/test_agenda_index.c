/* test_agenda_index.c - stay-in-touch and alert items as the agenda index
 * gives them (store_agenda_client.h), through every change that moves them:
 * a contact, the client's own interval, the firm's, a rename, a move to
 * another city, a reassignment, a merge and an erasure; and pages of many
 * overdue stay-in-touch items, which all fall on the first day.
 *
 * Each test changes the firm's calendar or alerts, so each starts its own
 * server, with agents alice and bob named after its process. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "envelope.h"
#include "folioclient_loyalty.h"
#include "folioclient_portfolio.h"
#include "folioclient_reassign.h"
#include "harness.h"

#define PW_ALICE "alice-password"
#define PW_BOB   "bob-password"
/* foliod's clock: clients are added on 2030-06-03. */
#define CLOCK "2030-06-03 12:00:00"

static struct harness_server srv;
static struct folio_connection *root, *alice, *bob;
static char alice_name[32], bob_name[32];

static void setup(void)
{
    int pid = (int)getpid();
    char office[32];
    snprintf(office, sizeof(office), "North-%d", pid);
    snprintf(alice_name, sizeof(alice_name), "alice-%d", pid);
    snprintf(bob_name, sizeof(bob_name), "bob-%d", pid);
    harness_server_clock(&srv, CLOCK);
    harness_server_start(&srv, NULL);
    root = harness_admin(&srv);
    harness_add_office(root, office);
    harness_add_user(root, alice_name, FOLIO__ROLE__ROLE_AGENT, office, PW_ALICE);
    harness_add_user(root, bob_name, FOLIO__ROLE__ROLE_AGENT, office, PW_BOB);
    alice = harness_user(&srv, alice_name, PW_ALICE);
    bob = harness_user(&srv, bob_name, PW_BOB);
}

static void teardown(void)
{
    folio_connection_close(alice);
    folio_connection_close(bob);
    folio_connection_close(root);
    alice = bob = root = NULL;
    harness_server_finish(&srv);
    harness_server_cleanup(&srv);
}

TestSuite(agenda_index, .init = setup, .fini = teardown);

/* Its id (free()). */
static char *add(struct folio_connection *c, const char *name, const char *city, const char *region)
{
    struct folio_error err = {0};
    Folio__Client client = FOLIO__CLIENT__INIT;
    client.name = (char *)name;
    client.city = (char *)city;
    client.region = (char *)region;
    Folio__Response *r = harness_ok(folio_client_add(c, &client, true, &err), &err);
    char *id = strdup(r->client->id);
    folio_response_free(r);
    return id;
}

static void contact(struct folio_connection *c, const char *id, const char *date)
{
    struct folio_error err = {0};
    Folio__EventAdd ev = FOLIO__EVENT_ADD__INIT;
    ev.client_id = (char *)id;
    ev.kind = (char *)"contact";
    ev.what = (char *)"call";
    ev.date = (char *)date;
    folio_response_free(harness_ok(folio_event_add(c, &ev, &err), &err));
}

static void update(struct folio_connection *c, const char *id, const Folio__Client *changes,
                   const char *field)
{
    struct folio_error err = {0};
    const char *fields[] = {field};
    folio_response_free(harness_ok(folio_client_update(c, id, changes, fields, 1, 0, &err), &err));
}

static void firm_interval(uint32_t days)
{
    struct folio_error err = {0};
    Folio__Calendar cal = FOLIO__CALENDAR__INIT;
    cal.stay_in_touch_days = days;
    const char *fields[] = {"stay_in_touch_days"};
    folio_response_free(harness_ok(folio_calendar_set(root, &cal, fields, 1, &err), &err));
}

/* The page of kind items (kind NULL: all) from date over days after
 * cursor (NULL: the first). */
static Folio__Agenda *page(struct folio_connection *c, const char *date, uint32_t days,
                           const char *kind, uint32_t limit, const char *after, uint64_t alert,
                           Folio__Response **keep)
{
    struct folio_error err = {0};
    Folio__AgendaQuery q = FOLIO__AGENDA_QUERY__INIT;
    q.date = (char *)date;
    q.days = days;
    char *kinds[] = {(char *)kind};
    q.kinds = kinds;
    q.n_kinds = kind != NULL ? 1 : 0;
    q.limit = limit;
    q.after = (char *)(after != NULL ? after : "");
    q.alert = alert;
    *keep = harness_ok(folio_agenda_query(c, &q, &err), &err);
    return (*keep)->agenda;
}

/* The stay-in-touch item of client on c's agenda of date over days, or
 * NULL; its copy in *out. */
static bool stay(struct folio_connection *c, const char *date, uint32_t days, const char *client,
                 char *title, size_t title_size, char *when)
{
    Folio__Response *r;
    Folio__Agenda *a = page(c, date, days, "stay-in-touch", 0, NULL, 0, &r);
    bool found = false;
    for (size_t i = 0; i < a->n_items && !found; i++) {
        const Folio__AgendaItem *it = a->items[i];
        if (strcmp(it->client_id, client) != 0)
            continue;
        cr_assert_str_eq(it->kind, "stay_in_touch");
        if (title != NULL)
            snprintf(title, title_size, "%s", it->title);
        if (when != NULL)
            snprintf(when, 11, "%s", it->date);
        found = true;
    }
    folio_response_free(r);
    return found;
}

Test(agenda_index, stay_in_touch_follows_every_change)
{
    char title[256], when[11];
    char *ana = add(alice, "Ana", "Lima", "");
    contact(alice, ana, "2026-01-10");
    cr_assert(stay(alice, "2026-04-10", 1, ana, title, sizeof(title), when), "the firm's 90 days");
    cr_assert_str_eq(title, "no contact with Ana since 2026-01-10");
    cr_assert_not(stay(alice, "2026-04-09", 1, ana, NULL, 0, NULL));

    firm_interval(30);
    cr_assert(stay(alice, "2026-02-09", 1, ana, NULL, 0, NULL), "the firm's interval, changed");
    cr_assert_not(stay(alice, "2026-02-08", 1, ana, NULL, 0, NULL));
    cr_assert(stay(alice, "2026-03-01", 1, ana, NULL, 0, when), "overdue: on the first day");
    cr_assert_str_eq(when, "2026-03-01");

    contact(alice, ana, "2026-02-20");
    cr_assert_not(stay(alice, "2026-03-01", 1, ana, NULL, 0, NULL), "contacted again");
    cr_assert(stay(alice, "2026-03-22", 1, ana, NULL, 0, NULL));

    Folio__Client changes = FOLIO__CLIENT__INIT;
    changes.contact_interval_days = 5;
    update(alice, ana, &changes, "contact_interval_days");
    cr_assert(stay(alice, "2026-02-25", 1, ana, NULL, 0, NULL), "its own interval");
    cr_assert_not(stay(alice, "2026-02-24", 1, ana, NULL, 0, NULL));

    changes.name = (char *)"Ana Zúñiga";
    update(alice, ana, &changes, "name");
    cr_assert(stay(alice, "2026-02-25", 1, ana, title, sizeof(title), NULL));
    cr_assert_str_eq(title, "no contact with Ana Zúñiga since 2026-02-20", "renamed");

    /* Never contacted: first due within the firm's interval of the day
     * added, and said so. */
    char *cid = add(alice, "Cid", "", "");
    cr_assert_not(stay(alice, "2030-06-03", 1, cid, NULL, 0, NULL));
    cr_assert(stay(alice, "2030-06-03", 31, cid, title, sizeof(title), when));
    cr_assert_str_eq(title, "no contact with Cid: never contacted");
    cr_assert(strcmp(when, "2030-06-03") > 0 && strcmp(when, "2030-07-03") <= 0, "%s", when);
    cr_assert(stay(alice, "2030-07-04", 1, cid, NULL, 0, NULL), "then overdue");

    struct folio_error err = {0};
    const char *ids[] = {ana};
    folio_response_free(
        harness_ok(folio_reassign(root, alice_name, bob_name, ids, 1, false, &err), &err));
    cr_assert_not(stay(alice, "2026-02-25", 1, ana, NULL, 0, NULL), "reassigned");
    cr_assert(stay(bob, "2026-02-25", 1, ana, NULL, 0, NULL));

    char *dup = add(bob, "Ana Z", "", "");
    folio_response_free(harness_ok(folio_client_merge(bob, ana, dup, &err), &err));
    cr_assert_not(stay(bob, "2030-07-04", 1, dup, NULL, 0, NULL), "merged away");
    cr_assert(stay(bob, "2030-07-04", 1, ana, NULL, 0, NULL));

    folio_response_free(harness_ok(folio_client_erase(bob, ana, &err), &err));
    cr_assert_not(stay(bob, "2030-07-04", 1, ana, NULL, 0, NULL), "erased");
    free(ana);
    free(cid);
    free(dup);
}

/* Overdue stay-in-touch items all fall on the first day, ordered by name:
 * paged a few at a time they come out whole and in order. */
Test(agenda_index, overdue_pages)
{
    static const char *const names[] = {"Mia", "Abel", "Zoe", "Luz", "Eva", "Noa", "Ian"};
    enum { N = sizeof(names) / sizeof(names[0]) };
    char *ids[N];
    for (size_t i = 0; i < N; i++) {
        ids[i] = add(alice, names[i], "", "");
        char date[11];
        snprintf(date, sizeof(date), "2025-0%zu-15", 1 + i);
        contact(alice, ids[i], date);
    }
    char after[1024] = "", last[64] = "";
    size_t seen = 0;
    for (int pages = 0; pages < 10; pages++) {
        Folio__Response *r;
        Folio__Agenda *a = page(alice, "2026-03-01", 30, "stay-in-touch", 2, after, 0, &r);
        for (size_t i = 0; i < a->n_items; i++) {
            cr_assert_str_eq(a->items[i]->date, "2026-03-01");
            cr_assert_lt(strcmp(last, a->items[i]->client_name), 0, "%s after %s",
                         a->items[i]->client_name, last);
            snprintf(last, sizeof(last), "%s", a->items[i]->client_name);
            seen++;
        }
        bool more = a->next[0] != '\0';
        snprintf(after, sizeof(after), "%s", a->next);
        folio_response_free(r);
        if (!more)
            break;
    }
    cr_assert_eq(seen, N);
    cr_assert_str_eq(last, "Zoe");
    for (size_t i = 0; i < N; i++)
        free(ids[i]);
}

static uint64_t alert_add(const char *city, const char *region)
{
    struct folio_error err = {0};
    Folio__Alert alert = FOLIO__ALERT__INIT;
    alert.kind = (char *)"flood";
    alert.city = (char *)city;
    alert.region = (char *)region;
    alert.date = (char *)"2026-06-01";
    Folio__Response *r = harness_ok(folio_alert_add(root, &alert, &err), &err);
    uint64_t id = r->alert->id;
    folio_response_free(r);
    return id;
}

/* The alert item's count of c's clients (0: no item). */
static uint64_t covered(struct folio_connection *c, uint64_t alert)
{
    Folio__Response *r;
    Folio__Agenda *a = page(c, "2026-06-01", 1, "alert", 0, NULL, 0, &r);
    uint64_t n = 0;
    char ref[24];
    snprintf(ref, sizeof(ref), "%llu", (unsigned long long)alert);
    for (size_t i = 0; i < a->n_items; i++)
        if (strcmp(a->items[i]->ref, ref) == 0)
            n = a->items[i]->clients;
    folio_response_free(r);
    return n;
}

Test(agenda_index, alerts_count_the_clients_of_a_place)
{
    char *ana = add(alice, "Ana", "Lima", "Lima");
    char *ben = add(alice, "Ben", "LIMA", "Lima");
    char *cy = add(alice, "Cy", "Cusco", "Cusco");
    char *dee = add(bob, "Dee", "Lima", "Lima");
    uint64_t lima = alert_add("lima", ""), cusco = alert_add("", "cusco");
    cr_assert_eq(covered(alice, lima), 2, "cities compare ignoring case");
    cr_assert_eq(covered(bob, lima), 1);
    cr_assert_eq(covered(alice, cusco), 1, "an alert without a city: its region");

    Folio__Client changes = FOLIO__CLIENT__INIT;
    changes.city = (char *)"Cusco";
    update(alice, ben, &changes, "city");
    cr_assert_eq(covered(alice, lima), 1, "moved out");
    changes.region = (char *)"Cusco";
    update(alice, ben, &changes, "region");
    cr_assert_eq(covered(alice, cusco), 2, "moved in");

    Folio__Response *r;
    Folio__Agenda *a = page(alice, "2026-06-01", 1, NULL, 0, NULL, cusco, &r);
    cr_assert_eq(a->n_items, 2, "the alert's clients, one item each");
    cr_assert_str_eq(a->items[0]->client_name, "Ben");
    cr_assert_str_eq(a->items[1]->client_name, "Cy");
    folio_response_free(r);

    struct folio_error err = {0};
    folio_response_free(harness_ok(folio_client_merge(alice, cy, ben, &err), &err));
    cr_assert_eq(covered(alice, cusco), 1, "merged away");
    folio_response_free(harness_ok(folio_client_erase(alice, ana, &err), &err));
    cr_assert_eq(covered(alice, lima), 0, "erased: no item");
    free(ana);
    free(ben);
    free(cy);
    free(dee);
}

static void holding(struct folio_connection *c, const char *client, const char *number,
                    const char *renews)
{
    struct folio_error err = {0};
    Folio__Holding h = FOLIO__HOLDING__INIT;
    h.client_id = (char *)client;
    h.kind = (char *)"auto";
    h.provider = (char *)"Rimac";
    h.number = (char *)number;
    h.currency = (char *)"pen";
    h.start_date = (char *)"2025-07-01";
    h.renews_on = (char *)renews;
    folio_response_free(harness_ok(folio_holding_add(c, &h, &err), &err));
}

/* Renewals within the notice all fall on the first day, in name order:
 * their holdings are read only for the page, and paged two at a time
 * (more renewals than two pages, so those held back are read in batches)
 * they come out as one page of all of them does, a dismissed one left out
 * of both. */
Test(agenda_index, renewals_page_in_name_order)
{
    static const char *const names[] = {"Mia", "Abel", "Zoe", "Luz", "Eva",
                                        "Noa", "Ian",  "Gus", "Oto"};
    enum { N = sizeof(names) / sizeof(names[0]) };
    char *ids[N];
    for (size_t i = 0; i < N; i++) {
        ids[i] = add(alice, names[i], "", "");
        char number[16], renews[11];
        snprintf(number, sizeof(number), "P-%zu", i);
        snprintf(renews, sizeof(renews), "2026-06-%02zu", 28 - i);
        holding(alice, ids[i], number, renews);
    }
    holding(alice, ids[1], "P-second", "2026-06-21"); /* Abel has two */
    holding(alice, ids[4], "P-gone", "2026-06-22");   /* Eva's second, dismissed */
    Folio__Response *whole;
    Folio__Agenda *all = page(alice, "2026-06-15", 30, "renewal", 100, NULL, 0, &whole);
    cr_assert_eq(all->n_items, N + 2);
    struct folio_error err = {0};
    Folio__AgendaMark mark = FOLIO__AGENDA_MARK__INIT;
    for (size_t i = 0; i < all->n_items; i++)
        if (strstr(all->items[i]->title, "P-gone") != NULL)
            mark.item_id = all->items[i]->id;
    cr_assert_not_null(mark.item_id);
    mark.state = (char *)"dismissed";
    mark.date = (char *)"2026-06-15";
    folio_response_free(harness_ok(folio_agenda_mark(alice, &mark, &err), &err));
    folio_response_free(whole);
    all = page(alice, "2026-06-15", 30, "renewal", 100, NULL, 0, &whole);
    cr_assert_eq(all->n_items, N + 1, "a dismissed renewal is not on the page");
    cr_assert_str_eq(all->items[0]->client_name, "Abel");
    cr_assert_str_eq(all->items[1]->client_name, "Abel");
    cr_assert_str_eq(all->items[N]->client_name, "Zoe");
    char after[1024] = "";
    size_t seen = 0;
    for (int pages = 0; pages < 20; pages++) {
        Folio__Response *r;
        Folio__Agenda *a = page(alice, "2026-06-15", 30, "renewal", 2, after, 0, &r);
        for (size_t i = 0; i < a->n_items; i++, seen++) {
            cr_assert_lt(seen, all->n_items);
            cr_assert_str_eq(a->items[i]->id, all->items[seen]->id, "item %zu", seen);
            cr_assert_str_eq(a->items[i]->date, "2026-06-15");
        }
        bool more = a->next[0] != '\0';
        snprintf(after, sizeof(after), "%s", a->next);
        folio_response_free(r);
        if (!more)
            break;
    }
    cr_assert_eq(seen, N + 1);
    folio_response_free(whole);
    for (size_t i = 0; i < N; i++)
        free(ids[i]);
}
