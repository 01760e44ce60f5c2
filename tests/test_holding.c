/* test_holding.c - what clients hold, against a real foliod: holding add,
 * show, list, edit and end, each on the client's timeline and in the
 * audit; the refusals that change nothing; and holdings going wherever
 * their client goes (reassignment and its undo, merge, erasure). Bundles
 * between firms are in test_transfer.c.
 *
 * The tests share one server whose clock is CLOCK; each test has an office
 * and agents of its own, named after its process. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <criterion/criterion.h>
#include <criterion/hooks.h>

#include "folioclient_reassign.h"
#include "harness.h"

#define CLOCK "2026-06-10 12:00:00"
#define PW    "holding-password"

static struct harness_server srv;
static struct folio_connection *root, *alice, *bob;
static char alice_name[32], bob_name[32];

ReportHook(PRE_SUITE)(struct criterion_suite_set *set)
{
    if (strcmp(set->suite.name, "holding") == 0)
        harness_shared_start("holding", CLOCK, NULL);
}

/* After every test has ended (see test_client.c). */
ReportHook(POST_ALL)(struct criterion_global_stats *stats)
{
    (void)stats;
    harness_shared_stop("holding");
}

static void setup(void)
{
    harness_shared_attach(&srv, "holding");
    int pid = (int)getpid();
    char office[32];
    snprintf(office, sizeof(office), "Hold-%d", pid);
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

TestSuite(holding, .init = setup, .fini = teardown);

/* ---------------------------------------------------------------- helpers */

static void add_client(struct folio_connection *c, const char *name, char id[37])
{
    struct folio_error err = {0};
    Folio__Client client = FOLIO__CLIENT__INIT;
    client.name = (char *)name;
    Folio__Response *r = harness_ok(folio_client_add(c, &client, true, &err), &err);
    snprintf(id, 37, "%s", r->client->id);
    folio_response_free(r);
}

/* An active car policy of client's: 120.50 PEN a month, renewing on renews. */
static Folio__Holding car(const char *client, const char *renews)
{
    Folio__Holding h = FOLIO__HOLDING__INIT;
    h.client_id = (char *)client;
    h.kind = (char *)"auto";
    h.provider = (char *)"Rimac";
    h.number = (char *)"AU-778";
    h.premium_cents = 12050;
    h.premium_period = (char *)"month";
    h.value_cents = 3000000;
    h.currency = (char *)"pen";
    h.start_date = (char *)"2025-07-01";
    h.renews_on = (char *)renews;
    return h;
}

static uint64_t add_holding(struct folio_connection *c, const Folio__Holding *h)
{
    struct folio_error err = {0};
    Folio__Response *r = harness_ok(folio_holding_add(c, h, &err), &err);
    uint64_t id = r->holding->id;
    folio_response_free(r);
    return id;
}

static size_t holdings_of(struct folio_connection *c, const char *client)
{
    struct folio_error err = {0};
    Folio__HoldingList q = FOLIO__HOLDING_LIST__INIT;
    q.client_id = (char *)client;
    Folio__Response *r = harness_ok(folio_holding_list(c, &q, &err), &err);
    size_t n = r->holdings->n_holdings;
    folio_response_free(r);
    return n;
}

/* The client's history's entries of kind holding, their what joined by
 * "|", newest first. */
static char *holding_history(const char *client)
{
    static char out[512];
    struct folio_error err = {0};
    Folio__Response *r = harness_ok(folio_client_history(alice, client, 100, 0, &err), &err);
    out[0] = '\0';
    for (size_t i = 0; i < r->timeline->n_events; i++) {
        const Folio__TimelineEvent *ev = r->timeline->events[i];
        if (strcmp(ev->kind, "holding") == 0)
            snprintf(out + strlen(out), sizeof(out) - strlen(out), "%s%s", out[0] ? "|" : "",
                     ev->what);
    }
    folio_response_free(r);
    return out;
}

/* ---------------------------------------------------------------- the life of a holding */

Test(holding, add_show_edit_end_each_on_the_timeline_and_in_the_audit)
{
    struct folio_error err = {0};
    char ana[37];
    add_client(alice, "Ana Holder", ana);
    Folio__Holding h = car(ana, "2026-07-01");
    Folio__Response *r = harness_ok(folio_holding_add(alice, &h, &err), &err);
    Folio__Holding *got = r->holding;
    uint64_t id = got->id;
    cr_assert_str_eq(got->status, "active", "active unless said otherwise");
    cr_assert_str_eq(got->currency, "PEN");
    cr_assert_str_eq(got->client_name, "Ana Holder");
    cr_assert_eq(got->version, 1);
    folio_response_free(r);

    r = harness_ok(folio_holding_get(alice, id, &err), &err);
    cr_assert_eq(r->holding->premium_cents, 12050);
    cr_assert_str_eq(r->holding->renews_on, "2026-07-01");
    folio_response_free(r);

    /* The premium goes up at renewal. */
    Folio__Holding changes = FOLIO__HOLDING__INIT;
    changes.premium_cents = 13000;
    changes.renews_on = (char *)"2027-07-01";
    char *fields[] = {(char *)"premium_cents", (char *)"renews_on"};
    Folio__HoldingEdit edit = FOLIO__HOLDING_EDIT__INIT;
    edit.id = id;
    edit.changes = &changes;
    edit.fields = fields;
    edit.n_fields = 2;
    edit.if_version = 1;
    r = harness_ok(folio_holding_edit(alice, &edit, &err), &err);
    cr_assert_eq(r->holding->premium_cents, 13000);
    cr_assert_eq(r->holding->version, 2);
    folio_response_free(r);
    /* A stale version is refused. */
    harness_refused(folio_holding_edit(alice, &edit, &err), &err, FOLIO__CODE__ABORTED);

    /* Lists filter by kind, status and renewal. */
    Folio__Holding home = FOLIO__HOLDING__INIT;
    home.client_id = ana;
    home.kind = (char *)"home";
    home.provider = (char *)"Pacifico";
    home.status = (char *)"quoted";
    add_holding(alice, &home);
    Folio__HoldingList q = FOLIO__HOLDING_LIST__INIT;
    q.kind = (char *)"auto";
    r = harness_ok(folio_holding_list(alice, &q, &err), &err);
    cr_assert_eq(r->holdings->n_holdings, 1);
    folio_response_free(r);
    q.kind = (char *)"";
    q.renews_before = (char *)"2027-08-01";
    r = harness_ok(folio_holding_list(alice, &q, &err), &err);
    cr_assert_eq(r->holdings->n_holdings, 1);
    cr_assert_eq(r->holdings->holdings[0]->id, id);
    folio_response_free(r);
    q.renews_before = (char *)"";
    q.status = (char *)"quoted";
    r = harness_ok(folio_holding_list(alice, &q, &err), &err);
    cr_assert_eq(r->holdings->n_holdings, 1);
    cr_assert_str_eq(r->holdings->holdings[0]->kind, "home");
    folio_response_free(r);

    r = harness_ok(folio_holding_end(alice, id, "2026-06-09", "lapsed", &err), &err);
    cr_assert_str_eq(r->holding->status, "lapsed");
    cr_assert_str_eq(r->holding->ends_on, "2026-06-09");
    cr_assert_str_eq(r->holding->end_reason, "lapsed");
    folio_response_free(r);
    /* Ended is history. */
    harness_refused(folio_holding_end(alice, id, "2026-06-10", "cancelled", &err), &err,
                    FOLIO__CODE__FAILED_PRECONDITION);
    edit.if_version = 0;
    harness_refused(folio_holding_edit(alice, &edit, &err), &err, FOLIO__CODE__FAILED_PRECONDITION);

    cr_assert_str_eq(holding_history(ana), "ended auto|added home|edited auto|added auto");
    r = harness_ok(folio_audit_query(root, alice_name, 0, 100, 0, &err), &err);
    size_t adds = 0, edits = 0, ends = 0;
    for (size_t i = 0; i < r->audit->n_records; i++) {
        const char *a = r->audit->records[i]->action;
        adds += strcmp(a, "holding.add") == 0;
        edits += strcmp(a, "holding.edit") == 0;
        ends += strcmp(a, "holding.end") == 0;
    }
    cr_assert(adds == 2 && edits == 1 && ends == 1, "%zu adds, %zu edits, %zu ends", adds, edits,
              ends);
    folio_response_free(r);
}

Test(holding, refusals_change_nothing)
{
    struct folio_error err = {0};
    char ana[37], theirs[37];
    add_client(alice, "Ana Refused", ana);
    add_client(bob, "Bob's Client", theirs);

    Folio__Holding h = car(ana, "2026-07-01");
    h.kind = (char *)"spaceship";
    harness_refused(folio_holding_add(alice, &h, &err), &err, FOLIO__CODE__INVALID_ARGUMENT);
    cr_assert_eq(strncmp(err.message, "kind: ", 6), 0, "%s", err.message);
    h = car(ana, "2026-07-01");
    h.currency = (char *)"XYZ";
    harness_refused(folio_holding_add(alice, &h, &err), &err, FOLIO__CODE__INVALID_ARGUMENT);
    cr_assert_eq(strncmp(err.message, "currency: ", 10), 0, "%s", err.message);
    h = car(ana, "2025-01-01");
    harness_refused(folio_holding_add(alice, &h, &err), &err, FOLIO__CODE__INVALID_ARGUMENT);
    cr_assert_str_eq(err.message, "renews_on: before start_date");
    h = car(ana, "2026-07-01");
    h.ends_on = (char *)"2027-01-01";
    harness_refused(folio_holding_add(alice, &h, &err), &err, FOLIO__CODE__INVALID_ARGUMENT);
    h = car(ana, "2026-07-01");
    h.premium_period = (char *)"";
    harness_refused(folio_holding_add(alice, &h, &err), &err, FOLIO__CODE__INVALID_ARGUMENT);
    cr_assert_eq(strncmp(err.message, "premium_period: ", 16), 0, "%s", err.message);
    h = car(ana, "2026-07-01");
    h.status = (char *)"lapsed";
    harness_refused(folio_holding_add(alice, &h, &err), &err, FOLIO__CODE__INVALID_ARGUMENT);
    cr_assert_eq(strncmp(err.message, "status: ", 8), 0, "%s", err.message);

    /* Someone else's client, or holding, does not exist. */
    h = car(theirs, "2026-07-01");
    harness_refused(folio_holding_add(alice, &h, &err), &err, FOLIO__CODE__NOT_FOUND);
    h = car(theirs, "2026-07-01");
    uint64_t bobs = add_holding(bob, &h);
    harness_refused(folio_holding_get(alice, bobs, &err), &err, FOLIO__CODE__NOT_FOUND);
    harness_refused(folio_holding_end(alice, bobs, "2026-06-10", "lapsed", &err), &err,
                    FOLIO__CODE__NOT_FOUND);
    cr_assert_eq(holdings_of(alice, ana), 0);
    cr_assert_eq(holdings_of(bob, theirs), 1);
}

/* ---------------------------------------------------------------- where clients go */

Test(holding, holdings_follow_their_client)
{
    struct folio_error err = {0};
    char ana[37], twin[37], gone[37];
    add_client(alice, "Ana Moves", ana);
    add_client(alice, "Ana M.", twin);
    add_client(alice, "Gone Client", gone);
    Folio__Holding h = car(ana, "2026-07-01");
    add_holding(alice, &h);
    h = car(twin, "2026-08-01");
    h.kind = (char *)"life";
    uint64_t twin_life = add_holding(alice, &h);
    h = car(gone, "2026-08-01");
    uint64_t gone_car = add_holding(alice, &h);

    /* Merge: the twin's holding goes to the client kept. */
    folio_response_free(harness_ok(folio_client_merge(alice, ana, twin, &err), &err));
    cr_assert_eq(holdings_of(alice, ana), 2);
    Folio__Response *r = harness_ok(folio_holding_get(alice, twin_life, &err), &err);
    cr_assert_str_eq(r->holding->client_id, ana);
    folio_response_free(r);

    /* Erasure: the holding goes with the client. */
    folio_response_free(harness_ok(folio_client_erase(alice, gone, &err), &err));
    harness_refused(folio_holding_get(alice, gone_car, &err), &err, FOLIO__CODE__NOT_FOUND);

    /* Reassignment and its undo: the new owner has them, then the old one. */
    const char *ids[] = {ana};
    r = harness_ok(folio_reassign(root, alice_name, bob_name, ids, 1, false, &err), &err);
    uint64_t reassignment = r->reassign->id;
    folio_response_free(r);
    cr_assert_eq(holdings_of(bob, ana), 2);
    harness_refused(folio_holding_get(alice, twin_life, &err), &err, FOLIO__CODE__NOT_FOUND);
    Folio__HoldingList all = FOLIO__HOLDING_LIST__INIT;
    r = harness_ok(folio_holding_list(alice, &all, &err), &err);
    cr_assert_eq(r->holdings->n_holdings, 0);
    folio_response_free(r);
    folio_response_free(harness_ok(folio_reassign_undo(root, reassignment, &err), &err));
    cr_assert_eq(holdings_of(alice, ana), 2);
}

/* ---------------------------------------------------------------- segments */

static size_t segment_count(Folio__Segment *seg)
{
    struct folio_error err = {0};
    seg->count_only = true;
    Folio__Response *r = harness_ok(folio_segment(alice, seg, &err), &err);
    size_t n = r->segment->total;
    folio_response_free(r);
    return n;
}

/* "Married, with children, no life insurance": who to call. */
Test(holding, segments_see_what_clients_hold)
{
    struct folio_error err = {0};
    char names[3][37];
    const char *who[] = {"Family Insured", "Family Uninsured", "Family Lapsed"};
    for (int i = 0; i < 3; i++) {
        Folio__Client c = FOLIO__CLIENT__INIT;
        c.name = (char *)who[i];
        c.marital_status = FOLIO__MARITAL_STATUS__MARITAL_MARRIED;
        c.children = 1;
        Folio__Response *r = harness_ok(folio_client_add(alice, &c, false, &err), &err);
        snprintf(names[i], sizeof(names[i]), "%s", r->client->id);
        folio_response_free(r);
    }
    Folio__Holding h = car(names[0], "2026-07-01");
    h.kind = (char *)"life";
    add_holding(alice, &h);
    h = car(names[0], "2026-07-15");
    add_holding(alice, &h);
    h = car(names[2], "2026-09-01");
    h.kind = (char *)"life";
    uint64_t lapsing = add_holding(alice, &h);
    folio_response_free(
        harness_ok(folio_holding_end(alice, lapsing, "2026-06-01", "lapsed", &err), &err));

    Folio__Segment seg = FOLIO__SEGMENT__INIT;
    seg.marital_status = FOLIO__MARITAL_STATUS__MARITAL_MARRIED;
    seg.children_min = 1;
    seg.lacks = (char *)"life";
    cr_assert_eq(segment_count(&seg), 2, "a lapsed policy is not held");
    seg.lacks = (char *)"";
    seg.holds = (char *)"life";
    cr_assert_eq(segment_count(&seg), 1);
    seg.holds = (char *)"auto";
    seg.provider = (char *)"rimac";
    seg.renews_before = (char *)"2026-08-01";
    cr_assert_eq(segment_count(&seg), 1);
    seg.renews_before = (char *)"2026-07-10";
    cr_assert_eq(segment_count(&seg), 0, "the car renews on 07-15");
    seg.renews_before = (char *)"";
    seg.premium_min_cents = 20000;
    cr_assert_eq(segment_count(&seg), 0, "its premium is 120.50");

    Folio__Segment bad = FOLIO__SEGMENT__INIT;
    bad.lacks = (char *)"yacht";
    harness_refused(folio_segment(alice, &bad, &err), &err, FOLIO__CODE__INVALID_ARGUMENT);
    cr_assert_eq(strncmp(err.message, "lacks: ", 7), 0, "%s", err.message);
}

/* ---------------------------------------------------------------- the book */

static const Folio__BookLine *book_line(Folio__BookLine **lines, size_t n, const char *key,
                                        const char *currency)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(lines[i]->key, key) == 0 && strcmp(lines[i]->currency, currency) == 0)
            return lines[i];
    return NULL;
}

Test(holding, the_book_adds_up_per_currency_and_is_read_by_who_may)
{
    struct folio_error err = {0};
    char ana[37], luis[37];
    add_client(alice, "Ana Book", ana);
    add_client(alice, "Luis Book", luis);
    /* 120.50 a month: 1446 a year; renews in 21 days. */
    Folio__Holding h = car(ana, "2026-07-01");
    add_holding(alice, &h);
    /* 300 a quarter in EUR: 1200 a year; renews in 80 days; started in
     * 2024, so running a year ago. */
    h = car(luis, "2026-08-29");
    h.kind = (char *)"home";
    h.provider = (char *)"Mapfre";
    h.premium_cents = 30000;
    h.premium_period = (char *)"quarter";
    h.currency = (char *)"EUR";
    h.start_date = (char *)"2024-01-01";
    add_holding(alice, &h);
    /* Lapsed last month. */
    h = car(luis, "2026-09-01");
    h.kind = (char *)"life";
    uint64_t lapsed = add_holding(alice, &h);
    folio_response_free(
        harness_ok(folio_holding_end(alice, lapsed, "2026-05-20", "lapsed", &err), &err));

    Folio__BookQuery q = FOLIO__BOOK_QUERY__INIT;
    q.date = (char *)"2026-06-10";
    Folio__Response *r = harness_ok(folio_book(alice, &q, &err), &err);
    Folio__Book *b = r->book;
    cr_assert_eq(b->clients, 2);
    cr_assert_eq(b->active_holdings, 2);
    const Folio__BookLine *l = book_line(b->by_kind, b->n_by_kind, "auto", "PEN");
    cr_assert(l != NULL && l->count == 1 && l->premium_cents == 144600);
    l = book_line(b->by_kind, b->n_by_kind, "home", "EUR");
    cr_assert(l != NULL && l->premium_cents == 120000);
    cr_assert_null(book_line(b->by_kind, b->n_by_kind, "life", "PEN"), "lapsed: not active");
    cr_assert_not_null(book_line(b->by_provider, b->n_by_provider, "Mapfre", "EUR"));
    cr_assert_not_null(book_line(b->renewals, b->n_renewals, "30", "PEN"));
    cr_assert_null(book_line(b->renewals, b->n_renewals, "30", "EUR"));
    cr_assert_not_null(book_line(b->renewals, b->n_renewals, "90", "EUR"));
    cr_assert_eq(b->retained, 1);
    cr_assert_eq(b->lost, 1);
    cr_assert_eq(b->n_months, 12);
    cr_assert_str_eq(b->months[11]->month, "2026-06");
    cr_assert_eq(b->months[11]->new_clients, 2);
    cr_assert_eq(b->months[10]->ended_holdings, 1);
    folio_response_free(r);

    /* An agent reads no one else's book, nor an office's. */
    q.agent = bob_name;
    harness_refused(folio_book(alice, &q, &err), &err, FOLIO__CODE__PERMISSION_DENIED);
    q.agent = (char *)"";
    q.firm = true;
    harness_refused(folio_book(alice, &q, &err), &err, FOLIO__CODE__PERMISSION_DENIED);

    /* The office's admin reads the office's book, audited; not another's. */
    char olga[32], office[32];
    snprintf(olga, sizeof(olga), "olga-%d", (int)getpid());
    snprintf(office, sizeof(office), "Hold-%d", (int)getpid());
    harness_add_user(root, olga, FOLIO__ROLE__ROLE_OFFICE_ADMIN, office, PW);
    struct folio_connection *admin = harness_user(&srv, olga, PW);
    q.firm = false;
    q.office = office;
    r = harness_ok(folio_book(admin, &q, &err), &err);
    cr_assert_eq(r->book->agents, 2);
    cr_assert_eq(r->book->clients, 2);
    folio_response_free(r);
    q.office = (char *)"";
    q.firm = true;
    harness_refused(folio_book(admin, &q, &err), &err, FOLIO__CODE__PERMISSION_DENIED);
    folio_connection_close(admin);
    r = harness_ok(folio_audit_query(root, olga, 0, 10, 0, &err), &err);
    bool audited = false;
    for (size_t i = 0; i < r->audit->n_records; i++)
        audited |= strcmp(r->audit->records[i]->action, "book.read") == 0;
    cr_assert(audited);
    folio_response_free(r);
}

/* ---------------------------------------------------------------- the agenda */

static void add_event(const char *client, const char *kind, const char *what, const char *date,
                      int64_t cents, const char *currency)
{
    struct folio_error err = {0};
    Folio__EventAdd ev = FOLIO__EVENT_ADD__INIT;
    ev.client_id = (char *)client;
    ev.kind = (char *)kind;
    ev.what = (char *)what;
    ev.date = (char *)date;
    ev.amount_cents = cents;
    ev.currency = (char *)currency;
    folio_response_free(harness_ok(folio_event_add(alice, &ev, &err), &err));
}

/* Alice's agenda of days from date, of one kind: the response (free it)
 * and its item about client, or NULL. */
static const Folio__AgendaItem *agenda_item(const char *date, uint32_t days, const char *kind,
                                            const char *client, Folio__Response **r)
{
    struct folio_error err = {0};
    Folio__AgendaQuery q = FOLIO__AGENDA_QUERY__INIT;
    q.date = (char *)date;
    q.days = days;
    char *kinds[] = {(char *)kind};
    q.kinds = kinds;
    q.n_kinds = 1;
    *r = harness_ok(folio_agenda_query(alice, &q, &err), &err);
    for (size_t i = 0; i < (*r)->agenda->n_items; i++)
        if (strcmp((*r)->agenda->items[i]->client_id, client) == 0)
            return (*r)->agenda->items[i];
    return NULL;
}

static bool on_agenda(const char *date, uint32_t days, const char *kind, const char *client)
{
    Folio__Response *r;
    bool found = agenda_item(date, days, kind, client, &r) != NULL;
    folio_response_free(r);
    return found;
}

static void set_notice_days(uint32_t days)
{
    struct folio_error err = {0};
    Folio__Calendar cal = FOLIO__CALENDAR__INIT;
    cal.renewal_notice_days = days;
    const char *fields[] = {"renewal_notice_days"};
    folio_response_free(harness_ok(folio_calendar_set(root, &cal, fields, 1, &err), &err));
}

/* A renewal is on the agenda from 30 days (the firm's number) before it
 * renews, with the premium and what changed in the client's life since
 * the last one; a lapsed holding is a win-back, overdue for a month. */
Test(holding, renewals_and_win_backs_are_on_the_agenda)
{
    char rosa[37];
    add_client(alice, "Rosa Renewal", rosa);
    add_event(rosa, "life", "child-born", "2026-03-01", 0, "");
    add_event(rosa, "income", "salary", "2026-04-01", 500000, "PEN");
    add_event(rosa, "life", "moved", "2025-01-15", 0, ""); /* before the last renewal */
    Folio__Holding h = car(rosa, "2026-08-01");
    uint64_t car_id = add_holding(alice, &h);

    cr_assert(!on_agenda("2026-06-25", 7, "renewal", rosa), "not before the notice");
    Folio__Response *r;
    const Folio__AgendaItem *item = agenda_item("2026-07-02", 1, "renewal", rosa, &r);
    cr_assert_not_null(item, "30 days before it renews");
    cr_assert_str_eq(item->date, "2026-07-02");
    cr_assert_not_null(strstr(item->title, "renews on 2026-08-01"), "%s", item->title);
    cr_assert_not_null(strstr(item->title, "120.50 PEN a month"), "%s", item->title);
    cr_assert_str_eq(item->product, "auto");
    cr_assert_eq(item->n_talking_points, 2);
    cr_assert_str_eq(item->talking_points[0], "2026-03-01: child-born");
    cr_assert_str_eq(item->talking_points[1], "2026-04-01: income 5000.00 PEN");
    folio_response_free(r);
    cr_assert(on_agenda("2026-07-20", 1, "renewal", rosa), "until it renews");
    cr_assert(!on_agenda("2026-08-02", 7, "renewal", rosa), "not after");

    /* The firm's number of days decides; an agent may not set it. */
    set_notice_days(60);
    cr_assert(on_agenda("2026-06-02", 1, "renewal", rosa));
    struct folio_error err = {0};
    Folio__Calendar cal = FOLIO__CALENDAR__INIT;
    const char *fields[] = {"renewal_notice_days"};
    cal.renewal_notice_days = 366;
    harness_refused(folio_calendar_set(root, &cal, fields, 1, &err), &err,
                    FOLIO__CODE__INVALID_ARGUMENT);
    cr_assert_not_null(strstr(err.message, "renewal_notice_days"), "%s", err.message);
    cal.renewal_notice_days = 10;
    harness_refused(folio_calendar_set(alice, &cal, fields, 1, &err), &err,
                    FOLIO__CODE__PERMISSION_DENIED);
    set_notice_days(30);

    /* Lapsed: no renewal, a win-back from the day it lapsed. */
    folio_response_free(
        harness_ok(folio_holding_end(alice, car_id, "2026-06-05", "lapsed", &err), &err));
    cr_assert(!on_agenda("2026-07-02", 30, "renewal", rosa));
    item = agenda_item("2026-06-10", 7, "win-back", rosa, &r);
    cr_assert_not_null(item);
    cr_assert(item->overdue);
    cr_assert_str_eq(item->due, "2026-06-05");
    cr_assert_not_null(strstr(item->title, "win back: auto at Rimac (AU-778) lapsed on 2026-06-05"),
                       "%s", item->title);
    folio_response_free(r);
    cr_assert(!on_agenda("2026-07-10", 7, "win-back", rosa), "a month later it is history");

    /* Moved to Bob with its client: on his agenda, off hers. */
    const char *ids[] = {rosa};
    folio_response_free(
        harness_ok(folio_reassign(root, alice_name, bob_name, ids, 1, false, &err), &err));
    cr_assert(!on_agenda("2026-06-10", 7, "win-back", rosa));
}

/* A rule with --unless-holds suggests nothing to a client who holds it:
 * the default "bought a vehicle" rule stops once the car is insured. */
Test(holding, a_rule_unless_holds_stops_for_a_client_who_holds_it)
{
    char vic[37];
    add_client(alice, "Victor Vehicle", vic);
    add_event(vic, "purchase", "vehicle", "2026-06-08", 0, "");
    Folio__Response *r;
    const Folio__AgendaItem *item = agenda_item("2026-06-10", 7, "opportunity", vic, &r);
    cr_assert_not_null(item);
    cr_assert_str_eq(item->product, "vehicle insurance");
    folio_response_free(r);

    Folio__Holding h = car(vic, "2027-06-08");
    uint64_t id = add_holding(alice, &h);
    cr_assert(!on_agenda("2026-06-10", 7, "opportunity", vic), "insured: no suggestion");
    struct folio_error err = {0};
    folio_response_free(
        harness_ok(folio_holding_end(alice, id, "2026-06-09", "cancelled", &err), &err));
    cr_assert(on_agenda("2026-06-10", 7, "opportunity", vic), "cancelled: the suggestion again");

    Folio__Rule rule = FOLIO__RULE__INIT;
    rule.on = (char *)"purchase:boat";
    rule.suggest = (char *)"offer boat insurance";
    rule.unless_holds = (char *)"spaceship";
    harness_refused(folio_rule_add(root, &rule, &err), &err, FOLIO__CODE__INVALID_ARGUMENT);
    cr_assert_not_null(strstr(err.message, "unless_holds"), "%s", err.message);
    rule.on = (char *)"birthday";
    rule.unless_holds = (char *)"auto";
    harness_refused(folio_rule_add(root, &rule, &err), &err, FOLIO__CODE__INVALID_ARGUMENT);
    cr_assert_not_null(strstr(err.message, "only for rules on purchase"), "%s", err.message);
}
