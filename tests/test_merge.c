/* test_merge.c - `client merge KEEP OTHER` against a real foliod: the
 * record joined, the timelines joined in date order and replayed, offers,
 * coupons and follow-ups moved, the other client gone (and found no more),
 * the audit keeping both ids; and the refusals that change nothing.
 *
 * The tests share one server (harness_shared_start) whose clock is CLOCK;
 * each test has an office and agents of its own, named after its process. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <criterion/criterion.h>
#include <criterion/hooks.h>

#include "harness.h"

#define CLOCK    "2026-06-10 12:00:00"
#define TODAY    "2026-06-10"
#define PW_ALICE "alice-password"
#define PW_BOB   "bob-password"

static struct harness_server srv;
static struct folio_connection *root, *alice, *bob;
static char alice_name[32];

ReportHook(PRE_SUITE)(struct criterion_suite_set *set)
{
    if (strcmp(set->suite.name, "merge") == 0)
        harness_shared_start("merge", CLOCK, NULL);
}

/* After every test has ended (see test_client.c). */
ReportHook(POST_ALL)(struct criterion_global_stats *stats)
{
    (void)stats;
    harness_shared_stop("merge");
}

static void setup(void)
{
    harness_shared_attach(&srv, "merge");
    int pid = (int)getpid();
    char office[32], bob_name[32];
    snprintf(office, sizeof(office), "Merge-%d", pid);
    snprintf(alice_name, sizeof(alice_name), "alice-%d", pid);
    snprintf(bob_name, sizeof(bob_name), "bob-%d", pid);
    root = harness_admin(&srv);
    harness_add_office(root, office);
    harness_add_user(root, alice_name, FOLIO__ROLE__ROLE_AGENT, office, PW_ALICE);
    harness_add_user(root, bob_name, FOLIO__ROLE__ROLE_AGENT, office, PW_BOB);
    alice = harness_user(&srv, alice_name, PW_ALICE);
    bob = harness_user(&srv, bob_name, PW_BOB);
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

TestSuite(merge, .init = setup, .fini = teardown);

/* ---------------------------------------------------------------- helpers */

static void add(struct folio_connection *c, Folio__Client *client, char id[37])
{
    struct folio_error err = {0};
    Folio__Response *r = harness_ok(folio_client_add(c, client, true, &err), &err);
    snprintf(id, 37, "%s", r->client->id);
    folio_response_free(r);
}

static void event(const char *id, const char *kind, const char *what, const char *date,
                  int64_t cents, const char *follow_up)
{
    struct folio_error err = {0};
    Folio__EventAdd op = FOLIO__EVENT_ADD__INIT;
    op.client_id = (char *)id;
    op.kind = (char *)kind;
    op.what = (char *)what;
    op.date = (char *)date;
    op.amount_cents = cents;
    op.currency = (char *)(cents != 0 ? "PEN" : "");
    op.follow_up = (char *)follow_up;
    folio_response_free(harness_ok(folio_event_add(alice, &op, &err), &err));
}

static Folio__Client *get(const char *id)
{
    struct folio_error err = {0};
    Folio__Response *r = harness_ok(folio_client_get(alice, id, false, &err), &err);
    Folio__Client *c = r->client;
    r->client = NULL;
    folio_response_free(r);
    return c;
}

static bool has(char **list, size_t n, const char *value)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(list[i], value) == 0)
            return true;
    return false;
}

/* ---------------------------------------------------------------- the merge */

Test(merge, two_records_become_one_with_everything_of_both)
{
    struct folio_error err = {0};
    char keep[37], other[37];
    Folio__Client k = FOLIO__CLIENT__INIT, o = FOLIO__CLIENT__INIT;
    char *k_phones[] = {(char *)"+51 999 111 222"}, *o_phones[] = {(char *)"+51 988 000 333"};
    char *o_emails[] = {(char *)"ana@example.pe"}, *o_tags[] = {(char *)"vip"};
    Folio__Consent consent = FOLIO__CONSENT__INIT;
    consent.email = true;
    k.name = (char *)"Ana Pérez";
    k.city = (char *)"Lima";
    k.phones = k_phones;
    k.n_phones = 1;
    o.name = (char *)"Ana P.";
    o.birth_date = (char *)"1985-03-02";
    o.city = (char *)"Cusco";
    o.street = (char *)"Calle 1";
    o.phones = o_phones;
    o.n_phones = 1;
    o.emails = o_emails;
    o.n_emails = 1;
    o.tags = o_tags;
    o.n_tags = 1;
    o.notes = (char *)"met at the fair";
    o.language = (char *)"qu";
    o.consent = &consent;
    add(alice, &k, keep);
    add(alice, &o, other);

    /* keep: a contact in March and an income in May; other: an earlier
     * income, a marriage, a later contact with a follow-up. */
    event(keep, "contact", "call", "2026-03-01", 0, "");
    event(keep, "income", "", "2026-05-01", 300000, "");
    event(other, "income", "", "2026-01-05", 250000, "");
    event(other, "life", "married", "2026-02-01", 0, "");
    event(other, "contact", "visit", "2026-04-01", 0, "2026-06-20");

    Folio__Offer offer = FOLIO__OFFER__INIT;
    offer.client_id = other;
    offer.title = (char *)"Preferential rate";
    offer.product = (char *)"loan";
    offer.rate_bp = 450;
    offer.valid_from = (char *)TODAY;
    offer.valid_until = (char *)"2026-07-31";
    offer.channel = (char *)"email";
    Folio__Response *r = harness_ok(folio_offer_add(alice, &offer, NULL, &err), &err);
    uint64_t offer_id = r->offer->id;
    folio_response_free(r);

    /* By prefix, as everywhere a client id is taken. */
    char keep_prefix[9], other_prefix[9];
    snprintf(keep_prefix, sizeof(keep_prefix), "%.8s", keep);
    snprintf(other_prefix, sizeof(other_prefix), "%.8s", other);
    r = harness_ok(folio_client_merge(alice, keep_prefix, other_prefix, &err), &err);
    Folio__Client *m = r->client;
    cr_assert_str_eq(m->id, keep);
    cr_assert_str_eq(m->name, "Ana Pérez", "keep's own fields win");
    cr_assert_str_eq(m->city, "Lima", "keep's address is kept whole");
    cr_assert_str_eq(m->street, "");
    cr_assert_str_eq(m->birth_date, "1985-03-02", "an empty field is filled from other");
    cr_assert_str_eq(m->notes, "met at the fair");
    cr_assert_str_eq(m->language, "qu", "the language mail is written in comes along");
    cr_assert_eq(m->n_phones, 2);
    cr_assert(has(m->phones, m->n_phones, "+51 988 000 333"));
    cr_assert(has(m->emails, m->n_emails, "ana@example.pe"));
    cr_assert(has(m->tags, m->n_tags, "vip"));
    cr_assert(m->consent != NULL && m->consent->email);
    /* Derived from the joined history: the latest income by date is keep's
     * May one, after other's January one (so the trend is up). */
    cr_assert_eq(m->income_cents, 300000);
    cr_assert_str_eq(m->currency, "PEN");
    cr_assert_eq(m->n_income_history, 2);
    cr_assert_eq(m->income_history[0]->amount_cents, 250000);
    cr_assert_str_eq(m->income_trend, "up");
    cr_assert_eq(m->marital_status, FOLIO__MARITAL_STATUS__MARITAL_MARRIED);
    cr_assert_str_eq(m->last_contact, "2026-04-01");
    folio_response_free(r);

    /* other is gone. */
    harness_refused(folio_client_get(alice, other, false, &err), &err, FOLIO__CODE__NOT_FOUND);

    /* The history: both timelines, in date order, numbered afresh, with the
     * merge itself. */
    r = harness_ok(folio_client_history(alice, keep, 100, 0, &err), &err);
    const char *want[] = {"2026-01-05", "2026-02-01", "2026-03-01", "2026-04-01", "2026-05-01"};
    size_t found = 0, merged = 0, created = 0;
    for (size_t i = 0; i < r->timeline->n_events; i++) {
        Folio__TimelineEvent *ev = r->timeline->events[i];
        if (strcmp(ev->kind, "created") == 0)
            created++;
        if (strcmp(ev->kind, "updated") == 0 && strcmp(ev->what, "merged") == 0) {
            merged++;
            cr_assert_not_null(strstr(ev->note, other), "%s", ev->note);
        }
        for (size_t w = 0; w < 5; w++)
            found += strcmp(ev->date, want[w]) == 0 && strcmp(ev->kind, "created") != 0;
    }
    cr_assert_eq(found, 5);
    cr_assert_eq(merged, 1);
    cr_assert_eq(created, 2, "both creations stay in the history");
    folio_response_free(r);

    /* The offer and the follow-up moved to keep. */
    r = harness_ok(folio_offer_list(alice, keep, NULL, TODAY, 10, 0, &err), &err);
    cr_assert_eq(r->offers->n_offers, 1);
    cr_assert_eq(r->offers->offers[0]->id, offer_id);
    folio_response_free(r);
    r = harness_ok(folio_agenda(alice, TODAY, 30, &err), &err);
    size_t follow_ups = 0;
    for (size_t i = 0; i < r->agenda->n_items; i++) {
        Folio__AgendaItem *item = r->agenda->items[i];
        cr_assert_str_neq(item->client_id, other, "no agenda item names the erased client");
        if (strcmp(item->kind, "follow_up") == 0 && strcmp(item->client_id, keep) == 0) {
            follow_ups++;
            cr_assert_str_eq(item->date, "2026-06-20");
        }
    }
    cr_assert_eq(follow_ups, 1);
    folio_response_free(r);

    /* Search finds keep by other's phone, and other by nothing. */
    r = harness_ok(folio_client_find(alice, "988000333", 10, NULL, false, false, &err), &err);
    cr_assert_eq(r->clients->n_clients, 1);
    cr_assert_str_eq(r->clients->clients[0]->id, keep);
    folio_response_free(r);
    r = harness_ok(folio_client_find(alice, "Ana", 10, NULL, false, false, &err), &err);
    cr_assert_eq(r->clients->n_clients, 1);
    folio_response_free(r);

    /* The audit keeps both ids. */
    r = harness_ok(folio_audit_query(root, alice_name, 0, 100, 0, &err), &err);
    bool audited = false;
    for (size_t i = 0; i < r->audit->n_records; i++) {
        Folio__AuditRecord *a = r->audit->records[i];
        audited |= strcmp(a->action, "client.merge") == 0 && strstr(a->detail, keep) != NULL &&
                   strstr(a->detail, other) != NULL;
    }
    cr_assert(audited);
    folio_response_free(r);
}

/* ---------------------------------------------------------------- refusals */

Test(merge, refusals_change_nothing)
{
    struct folio_error err = {0};
    char a[37], b[37], theirs[37];
    Folio__Client c = FOLIO__CLIENT__INIT;
    char *phones[8], names[8][16];
    for (int i = 0; i < 8; i++) {
        snprintf(names[i], sizeof(names[i]), "55500%d", i);
        phones[i] = names[i];
    }
    c.name = (char *)"Many Phones";
    c.phones = phones;
    c.n_phones = 8;
    add(alice, &c, a);
    char *other_phone[] = {(char *)"777000111"};
    c.name = (char *)"One More Phone";
    c.phones = other_phone;
    c.n_phones = 1;
    add(alice, &c, b);
    c.name = (char *)"Bob's";
    c.n_phones = 0;
    add(bob, &c, theirs);

    harness_refused(folio_client_merge(alice, a, a, &err), &err, FOLIO__CODE__INVALID_ARGUMENT);
    cr_assert_eq(strncmp(err.message, "other_id: ", 10), 0, "%s", err.message);
    harness_refused(folio_client_merge(alice, a, theirs, &err), &err, FOLIO__CODE__NOT_FOUND);
    cr_assert_null(strstr(err.message, "Bob's"), "another agent's client says nothing");
    /* Nine phones are more than a client holds. */
    harness_refused(folio_client_merge(alice, a, b, &err), &err, FOLIO__CODE__INVALID_ARGUMENT);
    cr_assert_eq(strncmp(err.message, "phones: ", 8), 0, "%s", err.message);

    Folio__Client *still = get(b);
    cr_assert_str_eq(still->name, "One More Phone");
    folio__client__free_unpacked(still, NULL);
    still = get(a);
    cr_assert_eq(still->n_phones, 8);
    cr_assert_eq(still->version, 1);
    folio__client__free_unpacked(still, NULL);
}
