/* test_timeline.c - correcting the timeline (EventEdit, EventRemove)
 * against a real foliod: a wrong contact date, a wrong income and a wrong
 * life event are corrected or withdrawn, and the record, the agenda and
 * the audit follow; only the owner may; every bound answers clearly.
 *
 * The tests share one server (harness_shared_start) with its clock fixed,
 * so that "days ahead of the server's today" means the same on every run;
 * each has an office and agents of its own, named after its process
 * (North-PID, alice-PID; bob-PID in South). */
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
/* The server's today is 2026-03-01: events may be dated up to 2026-03-08. */
#define CLOCK "2026-03-01 12:00:00"

static struct harness_server srv;
static struct folio_connection *root, *alice, *bob;
static char north[32], south[32], alice_name[32], bob_name[32];

ReportHook(PRE_SUITE)(struct criterion_suite_set *set)
{
    if (strcmp(set->suite.name, "timeline") == 0)
        harness_shared_start("timeline", CLOCK, NULL);
}

/* After every test has ended: Criterion reports POST_SUITE once it has
 * started the suite's last test, which may still run (--jobs above 1). */
ReportHook(POST_ALL)(struct criterion_global_stats *stats)
{
    (void)stats;
    harness_shared_stop("timeline");
}

static void setup(void)
{
    harness_shared_attach(&srv, "timeline");
    int pid = (int)getpid();
    snprintf(north, sizeof(north), "North-%d", pid);
    snprintf(south, sizeof(south), "South-%d", pid);
    snprintf(alice_name, sizeof(alice_name), "alice-%d", pid);
    snprintf(bob_name, sizeof(bob_name), "bob-%d", pid);
    root = harness_admin(&srv);
    harness_add_office(root, north);
    harness_add_office(root, south);
    harness_add_user(root, alice_name, FOLIO__ROLE__ROLE_AGENT, north, PW_ALICE);
    harness_add_user(root, bob_name, FOLIO__ROLE__ROLE_AGENT, south, PW_BOB);
    alice = harness_user(&srv, alice_name, PW_ALICE);
    bob = harness_user(&srv, bob_name, PW_BOB);
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

TestSuite(timeline, .init = setup, .fini = teardown);

/* ---------------------------------------------------------------- requests */

static Folio__Response *call_op(struct folio_connection *c, const ProtobufCMessage *op,
                                struct folio_error *err)
{
    Folio__Request req;
    envelope_init(&req, op);
    return folio_connection_call(c, &req, err);
}

/* A client with a contact interval and, when cents > 0, a typed income in
 * EUR. Returns its id (free()). */
static char *add_client(const char *name, uint32_t interval, int64_t cents)
{
    struct folio_error err = {0};
    Folio__Client client = FOLIO__CLIENT__INIT;
    client.name = (char *)name;
    client.contact_interval_days = interval;
    client.marital_status = FOLIO__MARITAL_STATUS__MARITAL_SINGLE;
    if (cents > 0) {
        client.income_cents = cents;
        client.currency = (char *)"EUR";
    }
    Folio__ClientAdd op = FOLIO__CLIENT_ADD__INIT;
    op.client = &client;
    Folio__Response *r = harness_ok(call_op(alice, &op.base, &err), &err);
    char *id = strdup(r->client->id);
    folio_response_free(r);
    return id;
}

static Folio__Response *add_event(struct folio_connection *c, const char *id, const char *kind,
                                  const char *what, const char *date, int64_t cents,
                                  const char *follow_up, struct folio_error *err)
{
    Folio__EventAdd op = FOLIO__EVENT_ADD__INIT;
    op.client_id = (char *)id;
    op.kind = (char *)kind;
    op.what = (char *)(what ? what : "");
    op.date = (char *)date;
    op.amount_cents = cents;
    op.currency = (char *)(strcmp(kind, "income") == 0 ? "EUR" : "");
    op.follow_up = (char *)(follow_up ? follow_up : "");
    op.note = (char *)(strcmp(kind, "note") == 0 ? "a note" : "");
    return call_op(c, &op.base, err);
}

/* Adds an event; returns its seq. */
static uint64_t event_ok(const char *id, const char *kind, const char *what, const char *date,
                         int64_t cents, const char *follow_up)
{
    struct folio_error err = {0};
    Folio__Response *r =
        harness_ok(add_event(alice, id, kind, what, date, cents, follow_up, &err), &err);
    uint64_t seq = r->event->seq;
    folio_response_free(r);
    return seq;
}

/* One field of an event changed (value, or cents for amount_cents). */
static Folio__Response *edit(struct folio_connection *c, const char *id, uint64_t seq,
                             const char *field, const char *value, int64_t cents,
                             struct folio_error *err)
{
    char *fields[] = {(char *)field};
    Folio__EventEdit op = FOLIO__EVENT_EDIT__INIT;
    op.client_id = (char *)id;
    op.seq = seq;
    op.fields = fields;
    op.n_fields = 1;
    op.date = op.note = op.currency = op.what = op.follow_up = (char *)value;
    op.amount_cents = cents;
    return call_op(c, &op.base, err);
}

static void edit_ok(const char *id, uint64_t seq, const char *field, const char *value,
                    int64_t cents)
{
    struct folio_error err = {0};
    Folio__Response *r = harness_ok(edit(alice, id, seq, field, value, cents, &err), &err);
    cr_assert_eq(r->result_case, FOLIO__RESPONSE__RESULT_EVENT);
    cr_assert_eq(r->event->seq, seq);
    cr_assert_str_eq(r->event->corrected_by, alice_name);
    cr_assert_gt(r->event->corrected_at, 0);
    folio_response_free(r);
}

static Folio__Response *remove_event(struct folio_connection *c, const char *id, uint64_t seq,
                                     struct folio_error *err)
{
    Folio__EventRemove op = FOLIO__EVENT_REMOVE__INIT;
    op.client_id = (char *)id;
    op.seq = seq;
    return call_op(c, &op.base, err);
}

static void remove_ok(const char *id, uint64_t seq)
{
    struct folio_error err = {0};
    folio_response_free(harness_ok(remove_event(alice, id, seq, &err), &err));
}

/* The record as its owner reads it (free with folio_response_free). */
static Folio__Response *record(const char *id)
{
    struct folio_error err = {0};
    Folio__ClientGet op = FOLIO__CLIENT_GET__INIT;
    op.id = (char *)id;
    Folio__Response *r = harness_ok(call_op(alice, &op.base, &err), &err);
    cr_assert_eq(r->result_case, FOLIO__RESPONSE__RESULT_CLIENT);
    return r;
}

static Folio__Response *history(const char *id)
{
    struct folio_error err = {0};
    Folio__ClientHistory op = FOLIO__CLIENT_HISTORY__INIT;
    op.id = (char *)id;
    return harness_ok(call_op(alice, &op.base, &err), &err);
}

static const Folio__TimelineEvent *history_find(const Folio__Timeline *t, uint64_t seq)
{
    for (size_t i = 0; i < t->n_events; i++) {
        if (t->events[i]->seq == seq)
            return t->events[i];
    }
    return NULL;
}

/* How many agenda items of kind for client from date over days, and the
 * first one's date (when out is given). */
static size_t agenda_count(const char *date, uint32_t days, const char *kind, const char *client,
                           char out[11])
{
    struct folio_error err = {0};
    Folio__AgendaQuery op = FOLIO__AGENDA_QUERY__INIT;
    op.date = (char *)date;
    op.days = days;
    Folio__Response *r = harness_ok(call_op(alice, &op.base, &err), &err);
    size_t n = 0;
    for (size_t i = 0; i < r->agenda->n_items; i++) {
        const Folio__AgendaItem *it = r->agenda->items[i];
        if (strcmp(it->kind, kind) != 0 || strcmp(it->client_id, client) != 0)
            continue;
        if (n++ == 0 && out != NULL)
            snprintf(out, 11, "%s", it->date);
    }
    folio_response_free(r);
    return n;
}

/* Whether an opportunity for client has on ("income up") in its title. */
static bool opportunity(const char *client, const char *on)
{
    struct folio_error err = {0};
    Folio__AgendaQuery op = FOLIO__AGENDA_QUERY__INIT;
    op.date = (char *)"2026-01-01";
    op.days = 120;
    Folio__Response *r = harness_ok(call_op(alice, &op.base, &err), &err);
    bool found = false;
    for (size_t i = 0; i < r->agenda->n_items && !found; i++) {
        const Folio__AgendaItem *it = r->agenda->items[i];
        found = strcmp(it->kind, "opportunity") == 0 && strcmp(it->client_id, client) == 0 &&
                strstr(it->title, on) != NULL;
    }
    folio_response_free(r);
    return found;
}

/* The newest audit record of action on target, or NULL (free *keep). */
static const Folio__AuditRecord *audit_find(const char *action, const char *target,
                                            Folio__Response **keep)
{
    struct folio_error err = {0};
    *keep = harness_ok(folio_audit_query(root, NULL, 0, 1000, 0, &err), &err);
    for (size_t i = 0; i < (*keep)->audit->n_records; i++) {
        const Folio__AuditRecord *a = (*keep)->audit->records[i];
        if (strcmp(a->action, action) == 0 && strcmp(a->target, target) == 0)
            return a;
    }
    return NULL;
}

static void assert_refused(Folio__Response *r, const struct folio_error *err, Folio__Code code,
                           const char *message, const char *what)
{
    cr_assert_null(r, "%s: succeeded", what);
    cr_assert_eq(err->code, code, "%s: code %d (%s)", what, err->code, err->message);
    if (message != NULL)
        cr_assert(strstr(err->message, message) != NULL, "%s: %s", what, err->message);
}

/* ---------------------------------------------------------------- corrections */

Test(timeline, a_wrong_contact_date_is_corrected_and_the_agenda_follows)
{
    char *ana = add_client("Ana", 30, 0);
    uint64_t call = event_ok(ana, "contact", "call", "2026-02-25", 0, "2026-03-05");
    Folio__Response *r = record(ana);
    cr_assert_str_eq(r->client->last_contact, "2026-02-25");
    folio_response_free(r);
    cr_assert_eq(agenda_count("2026-02-26", 7, "stay_in_touch", ana, NULL), 0);

    /* The call was on 5 January: Ana is overdue, and the follow-up moves. */
    edit_ok(ana, call, "date", "2026-01-05", 0);
    edit_ok(ana, call, "follow_up", "2026-03-07", 0);
    r = record(ana);
    cr_assert_str_eq(r->client->last_contact, "2026-01-05");
    folio_response_free(r);
    char date[11];
    cr_assert_eq(agenda_count("2026-02-26", 7, "stay_in_touch", ana, date), 1);
    cr_assert_str_eq(date, "2026-02-26", "overdue since 2026-02-04");
    cr_assert_eq(agenda_count("2026-03-01", 10, "follow_up", ana, date), 1);
    cr_assert_str_eq(date, "2026-03-07");

    r = history(ana);
    const Folio__TimelineEvent *ev = history_find(r->timeline, call);
    cr_assert_not_null(ev);
    cr_assert_str_eq(ev->date, "2026-01-05");
    cr_assert_str_eq(ev->corrected_by, alice_name);
    folio_response_free(r);

    /* Another, later contact; then the wrong one is withdrawn altogether. */
    event_ok(ana, "contact", "visit", "2026-01-20", 0, NULL);
    remove_ok(ana, call);
    r = record(ana);
    cr_assert_str_eq(r->client->last_contact, "2026-01-20");
    folio_response_free(r);
    cr_assert_eq(agenda_count("2026-03-01", 10, "follow_up", ana, NULL), 0,
                 "the withdrawn event's follow-up is gone");
    r = history(ana);
    cr_assert_null(history_find(r->timeline, call), "gone from the timeline");
    folio_response_free(r);
    free(ana);
    finish();
}

Test(timeline, a_wrong_income_is_corrected_then_withdrawn)
{
    char *ben = add_client("Ben", 0, 100000);
    /* A digit too many: 10,000.00 rather than 900.00. */
    uint64_t inc = event_ok(ben, "income", NULL, "2026-02-01", 1000000, NULL);
    Folio__Response *r = record(ben);
    cr_assert_eq(r->client->income_cents, 1000000);
    cr_assert_str_eq(r->client->income_trend, "up");
    folio_response_free(r);
    cr_assert(opportunity(ben, "income up"));

    edit_ok(ben, inc, "amount_cents", NULL, 90000);
    r = record(ben);
    cr_assert_eq(r->client->income_cents, 90000);
    cr_assert_str_eq(r->client->currency, "EUR");
    cr_assert_str_eq(r->client->income_trend, "down");
    cr_assert_eq(r->client->n_income_history, 2);
    cr_assert_eq(r->client->income_history[1]->amount_cents, 90000);
    folio_response_free(r);
    cr_assert_not(opportunity(ben, "income up"), "the income did not go up after all");
    cr_assert(opportunity(ben, "income down"), "it went down");

    /* A later income compares with the corrected one. */
    uint64_t next = event_ok(ben, "income", NULL, "2026-02-10", 95000, NULL);
    cr_assert(opportunity(ben, "income up"), "95,000 after 90,000");
    edit_ok(ben, inc, "amount_cents", NULL, 99000);
    cr_assert_not(opportunity(ben, "income up"), "the next income's trigger follows");
    r = history(ben);
    cr_assert_str_eq(history_find(r->timeline, next)->trigger, "income:down");
    folio_response_free(r);
    remove_ok(ben, next);
    edit_ok(ben, inc, "amount_cents", NULL, 90000);

    edit_ok(ben, inc, "currency", "usd", 0);
    r = record(ben);
    cr_assert_str_eq(r->client->currency, "USD");
    folio_response_free(r);

    remove_ok(ben, inc);
    r = record(ben);
    cr_assert_eq(r->client->income_cents, 100000, "back to the income typed at creation");
    cr_assert_str_eq(r->client->currency, "EUR");
    cr_assert_str_eq(r->client->income_trend, "flat");
    cr_assert_eq(r->client->n_income_history, 1);
    folio_response_free(r);
    cr_assert_not(opportunity(ben, "income down"));
    free(ben);
    finish();
}

Test(timeline, a_wrong_life_event_is_corrected_or_withdrawn)
{
    char *cleo = add_client("Cleo", 0, 0);
    struct folio_error err = {0};
    assert_refused(add_event(alice, cleo, "life", "maried", "2026-02-01", 0, NULL, &err), &err,
                   FOLIO__CODE__INVALID_ARGUMENT,
                   "what: one of married, divorced, widowed, partnered, child-born, retired, moved",
                   "a typo");

    uint64_t life = event_ok(cleo, "life", "divorced", "2026-02-01", 0, NULL);
    uint64_t born = event_ok(cleo, "life", "child-born", "2025-11-03", 0, NULL);
    Folio__Response *r = record(cleo);
    cr_assert_eq(r->client->marital_status, FOLIO__MARITAL_STATUS__MARITAL_DIVORCED);
    cr_assert_eq(r->client->children, 1);
    folio_response_free(r);

    edit_ok(cleo, life, "what", "married", 0);
    assert_refused(edit(alice, cleo, life, "what", "maried", 0, &err), &err,
                   FOLIO__CODE__INVALID_ARGUMENT, "child-born, retired, moved", "an edit's typo");
    remove_ok(cleo, born);
    r = record(cleo);
    cr_assert_eq(r->client->marital_status, FOLIO__MARITAL_STATUS__MARITAL_MARRIED);
    cr_assert_eq(r->client->children, 0);
    cr_assert_eq(r->client->n_children_birth_years, 0);
    folio_response_free(r);
    cr_assert(opportunity(cleo, "life married"), "life:married fires");

    /* Withdrawn, the status goes back to what was typed. */
    remove_ok(cleo, life);
    r = record(cleo);
    cr_assert_eq(r->client->marital_status, FOLIO__MARITAL_STATUS__MARITAL_SINGLE);
    folio_response_free(r);
    cr_assert_not(opportunity(cleo, "life married"));
    free(cleo);
    finish();
}

Test(timeline, only_the_owner_corrects)
{
    char *dan = add_client("Dan", 0, 0);
    uint64_t seq = event_ok(dan, "contact", "call", "2026-02-10", 0, NULL);
    char expected[128];
    snprintf(expected, sizeof(expected), "no client %s", dan);
    struct folio_error err = {0};
    assert_refused(edit(bob, dan, seq, "date", "2026-02-11", 0, &err), &err, FOLIO__CODE__NOT_FOUND,
                   expected, "another agent's edit");
    assert_refused(remove_event(bob, dan, seq, &err), &err, FOLIO__CODE__NOT_FOUND, expected,
                   "another agent's removal");
    assert_refused(remove_event(root, dan, seq, &err), &err, FOLIO__CODE__NOT_FOUND, expected,
                   "the firm-admin's removal");
    Folio__Response *r = record(dan);
    cr_assert_str_eq(r->client->last_contact, "2026-02-10", "nothing changed");
    cr_assert_eq(r->client->version, 2);
    folio_response_free(r);
    free(dan);
    finish();
}

Test(timeline, the_audit_keeps_what_it_was_and_what_it_became)
{
    char *eve = add_client("Eve", 0, 0);
    uint64_t inc = event_ok(eve, "income", NULL, "2026-02-01", 500000, NULL);
    edit_ok(eve, inc, "amount_cents", NULL, 50000);
    Folio__Response *keep;
    const Folio__AuditRecord *a = audit_find("event.edit", eve, &keep);
    cr_assert_not_null(a);
    char expected[96];
    snprintf(expected, sizeof(expected), "seq %llu income: amount_cents: 500000 -> 50000",
             (unsigned long long)inc);
    cr_assert_str_eq(a->detail, expected);
    cr_assert_str_eq(a->actor, alice_name);
    folio_response_free(keep);

    /* A long note is quoted in part: audit details stay short. */
    char note[4001];
    memset(note, 'n', 4000);
    note[4000] = '\0';
    edit_ok(eve, inc, "note", note, 0);
    a = audit_find("event.edit", eve, &keep);
    cr_assert_lt(strlen(a->detail), 200, "%zu bytes", strlen(a->detail));
    folio_response_free(keep);

    remove_ok(eve, inc);
    a = audit_find("event.remove", eve, &keep);
    cr_assert_not_null(a);
    cr_assert(strstr(a->detail,
                     "income withdrawn: date: 2026-02-01 -> ; amount_cents: 50000 -> 0") != NULL,
              "%s", a->detail);
    folio_response_free(keep);
    free(eve);
    finish();
}

Test(timeline, bounds)
{
    char *fay = add_client("Fay", 0, 0);
    struct folio_error err = {0};
    /* Seven days past the server's today (2026-03-01), and no further. */
    uint64_t call = event_ok(fay, "contact", "call", "2026-03-08", 0, "2026-12-01");
    assert_refused(add_event(alice, fay, "purchase", "vehicle", "2026-03-09", 0, NULL, &err), &err,
                   FOLIO__CODE__INVALID_ARGUMENT, "7 days ahead", "a purchase dated ahead");
    assert_refused(add_event(alice, fay, "income", NULL, "2027-01-01", 100, NULL, &err), &err,
                   FOLIO__CODE__INVALID_ARGUMENT, "7 days ahead", "an income dated ahead");
    assert_refused(edit(alice, fay, call, "date", "2026-03-09", 0, &err), &err,
                   FOLIO__CODE__INVALID_ARGUMENT, "7 days ahead", "an edit dated ahead");
    event_ok(fay, "note", NULL, "2026-06-01", 0, NULL);

    assert_refused(edit(alice, fay, 999, "date", "2026-02-01", 0, &err), &err,
                   FOLIO__CODE__NOT_FOUND, "has no event 999", "no such event");
    assert_refused(remove_event(alice, fay, 0, &err), &err, FOLIO__CODE__NOT_FOUND, NULL, "seq 0");
    assert_refused(edit(alice, fay, 1, "note", "x", 0, &err), &err, FOLIO__CODE__INVALID_ARGUMENT,
                   "server's own created entry", "the created entry");
    assert_refused(remove_event(alice, fay, 1, &err), &err, FOLIO__CODE__INVALID_ARGUMENT,
                   "server's own", "removing the created entry");
    assert_refused(edit(alice, fay, call, "kind", "visit", 0, &err), &err,
                   FOLIO__CODE__INVALID_ARGUMENT, "fields: one or more of", "an unknown field");
    assert_refused(edit(alice, fay, call, "amount_cents", NULL, 5, &err), &err,
                   FOLIO__CODE__INVALID_ARGUMENT, "belong to income events", "an amount");
    assert_refused(edit(alice, fay, call, "follow_up", "2026-03-01", 0, &err), &err,
                   FOLIO__CODE__INVALID_ARGUMENT, "before the event date", "an early follow-up");
    assert_refused(edit(alice, fay, call, "date", "2026-02-30", 0, &err), &err,
                   FOLIO__CODE__INVALID_ARGUMENT, "not a real date", "no such day");
    char note[4002];
    memset(note, 'n', 4001);
    note[4001] = '\0';
    assert_refused(edit(alice, fay, call, "note", note, 0, &err), &err,
                   FOLIO__CODE__INVALID_ARGUMENT, "note", "a note too long");
    Folio__EventEdit none = FOLIO__EVENT_EDIT__INIT;
    none.client_id = fay;
    none.seq = call;
    assert_refused(call_op(alice, &none.base, &err), &err, FOLIO__CODE__INVALID_ARGUMENT,
                   "fields: name at least one", "nothing to change");
    assert_refused(edit(alice, "not-an-id", call, "note", "x", 0, &err), &err,
                   FOLIO__CODE__INVALID_ARGUMENT, NULL, "a bad client id");
    free(fay);
    finish();
}
