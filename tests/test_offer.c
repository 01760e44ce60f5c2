/* test_offer.c - offers: the lifecycle rules of offer.c on their own, then
 * OfferAdd, OfferList and OfferSet against a real foliod.
 *
 * The integration firm: office North with agents alice and bob. alice keeps
 * Ana (consent email and sms, prefers email) and Nemo (no consent at all).
 * Every request that takes a date gets one. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <criterion/criterion.h>
#include <criterion/hooks.h>

#include "envelope.h"
#include "harness.h"
#include "offer.h"

/* ---------------------------------------------------------------- offer.c */

static Folio__Offer make_offer(const char *status, const char *until)
{
    Folio__Offer o = FOLIO__OFFER__INIT;
    o.title = (char *)"Low-rate car loan";
    o.status = (char *)status;
    o.valid_from = (char *)"2026-03-01";
    o.valid_until = (char *)until;
    return o;
}

Test(offer, status_expires_the_day_after_valid_until)
{
    Folio__Offer o = make_offer("proposed", "2026-03-31");
    cr_assert_str_eq(offer_status_on(&o, "2026-03-30"), "proposed");
    cr_assert_str_eq(offer_status_on(&o, "2026-03-31"), "proposed");
    cr_assert_str_eq(offer_status_on(&o, "2026-04-01"), "expired");
    o.status = (char *)"sent";
    cr_assert_str_eq(offer_status_on(&o, "2026-03-31"), "sent");
    cr_assert_str_eq(offer_status_on(&o, "2027-01-01"), "expired");
    o.status = (char *)"accepted";
    cr_assert_str_eq(offer_status_on(&o, "2027-01-01"), "accepted");
    o.status = (char *)"declined";
    cr_assert_str_eq(offer_status_on(&o, "2027-01-01"), "declined");
}

Test(offer, validate_names_the_field)
{
    Folio__Offer o = make_offer("proposed", "2026-03-31");
    cr_assert_null(offer_validate(&o));
    o.title = (char *)"";
    cr_assert_str_eq(offer_validate(&o), "title: 1 to 200 bytes of printable text");
    o = make_offer("proposed", "2026-02-28");
    cr_assert_str_eq(offer_validate(&o), "valid_until: before valid_from");
    o = make_offer("proposed", "2026-02-29");
    cr_assert_str_eq(offer_validate(&o), "valid_until: not a date (YYYY-MM-DD)");
    o = make_offer("proposed", "2026-03-01");
    cr_assert_null(offer_validate(&o), "one day is a valid window");
    o.rate_bp = 10001;
    cr_assert_str_eq(offer_validate(&o), "rate: from 0 to 100 percent");
    o.rate_bp = -1;
    cr_assert_str_eq(offer_validate(&o), "rate: from 0 to 100 percent");
    o.rate_bp = 450;
    o.valid_from = (char *)"03/01/2026";
    cr_assert_str_eq(offer_validate(&o), "valid_from: not a date (YYYY-MM-DD)");
}

Test(offer, transitions)
{
    bool pre;
    Folio__Offer o = make_offer("proposed", "2026-03-31");
    cr_assert_null(offer_transition(&o, "sent", "2026-03-31", &pre));
    cr_assert_null(offer_transition(&o, "accepted", "2026-03-10", &pre));
    cr_assert_null(offer_transition(&o, "declined", "2026-03-10", &pre));
    cr_assert_not_null(offer_transition(&o, "proposed", "2026-03-10", &pre));
    cr_assert_not(pre, "an unknown target is a bad argument");
    cr_assert_not_null(offer_transition(&o, "bogus", "2026-03-10", &pre));
    cr_assert_not(pre);
    cr_assert_str_eq(offer_transition(&o, "sent", "2026-04-01", &pre),
                     "the offer expired: it was valid until its valid_until date");
    cr_assert(pre);

    o.status = (char *)"sent";
    cr_assert_str_eq(offer_transition(&o, "sent", "2026-03-10", &pre),
                     "the offer was already sent");
    cr_assert(pre);
    cr_assert_null(offer_transition(&o, "accepted", "2026-03-31", &pre));
    cr_assert_not_null(offer_transition(&o, "accepted", "2026-04-01", &pre));
    cr_assert(pre);

    o.status = (char *)"accepted";
    cr_assert_str_eq(offer_transition(&o, "declined", "2026-03-10", &pre),
                     "the offer was already accepted or declined");
    cr_assert(pre);
    o.status = (char *)"declined";
    cr_assert_not_null(offer_transition(&o, "sent", "2026-03-10", &pre));
    cr_assert(pre);
}

Test(offer, channel_follows_consent)
{
    Folio__Consent consent = FOLIO__CONSENT__INIT;
    Folio__Client c = FOLIO__CLIENT__INIT;
    c.consent = &consent;
    const char *why;

    cr_assert_null(offer_channel(&c, "", &why));
    cr_assert_str_eq(why, "consent: the client has not agreed to marketing on any channel");
    c.consent = NULL;
    cr_assert_null(offer_channel(&c, NULL, &why));
    cr_assert_not_null(why);
    c.consent = &consent;

    consent.sms = true;
    consent.post = true;
    cr_assert_str_eq(offer_channel(&c, "", &why), "sms", "the first consented one");
    cr_assert_null(why);
    c.preferred_channel = (char *)"post";
    cr_assert_str_eq(offer_channel(&c, "", &why), "post", "the preferred one when consented");
    c.preferred_channel = (char *)"email";
    cr_assert_str_eq(offer_channel(&c, "", &why), "sms", "not a preferred one without consent");
    cr_assert_str_eq(offer_channel(&c, "post", &why), "post");
    cr_assert_null(offer_channel(&c, "email", &why));
    cr_assert_str_eq(why, "consent: the client has not agreed to marketing by email");
    cr_assert_null(offer_channel(&c, "fax", &why));
    cr_assert_str_eq(why, "channel: one of email, phone, sms, post");
}

/* ---------------------------------------------------------------- the server */

#define PW_ALICE "alice-password"
#define PW_BOB   "bob-password"

static struct harness_server srv;
static struct folio_connection *root, *alice, *bob;
static char *ana, *nemo;

static char *add_client(struct folio_connection *c, const char *name, bool consent)
{
    struct folio_error err = {0};
    Folio__Client client = FOLIO__CLIENT__INIT;
    Folio__Consent yes = FOLIO__CONSENT__INIT;
    client.name = (char *)name;
    if (consent) {
        yes.email = true;
        yes.sms = true;
        client.consent = &yes;
        client.preferred_channel = (char *)"email";
    }
    Folio__ClientAdd op = FOLIO__CLIENT_ADD__INIT;
    op.client = &client;
    Folio__Request req;
    envelope_init(&req, &op.base);
    Folio__Response *r = harness_ok(folio_connection_call(c, &req, &err), &err);
    char *id = strdup(r->client->id);
    folio_response_free(r);
    return id;
}

/* foliod's clock for the suite: after every date the tests label changes
 * with, and its today decides expiry. */
#define CLOCK "2026-06-01 12:00:00"

/* This test's office and agents. */
static char north[32], alice_name[32], bob_name[32];

/* The offers tests share one server at CLOCK, each with an office and agents
 * of its own, named after its process (North-PID, alice-PID, bob-PID); the
 * test that moves the clock starts its own. */
ReportHook(PRE_SUITE)(struct criterion_suite_set *set)
{
    if (strcmp(set->suite.name, "offers") == 0)
        harness_shared_start("offers", CLOCK, NULL);
}

/* After every test has ended: Criterion reports POST_SUITE once it has
 * started the suite's last test, which may still run (--jobs above 1). */
ReportHook(POST_ALL)(struct criterion_global_stats *stats)
{
    (void)stats;
    harness_shared_stop("offers");
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
    ana = add_client(alice, "Ana", true);
    nemo = add_client(alice, "Nemo", false);
}

static void setup(void)
{
    harness_shared_attach(&srv, "offers");
    people();
}

/* For the test that restarts the server at other dates. */
static void setup_own(void)
{
    harness_server_clock(&srv, CLOCK);
    harness_server_start(&srv, NULL);
    people();
}

static void teardown(void)
{
    free(ana);
    free(nemo);
    ana = nemo = NULL;
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

TestSuite(offers, .init = setup, .fini = teardown);
TestSuite(offers_own, .init = setup_own, .fini = teardown);

/* Restarts foliod with its clock at when; alice logs in again. */
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

static Folio__Response *offer_add(struct folio_connection *c, const char *client_id,
                                  const char *title, const char *until, const char *channel,
                                  struct folio_error *err)
{
    Folio__Offer offer = FOLIO__OFFER__INIT;
    offer.client_id = (char *)client_id;
    offer.title = (char *)title;
    offer.product = (char *)"car loan";
    offer.rate_bp = 450;
    offer.valid_from = (char *)"2020-01-01";
    offer.valid_until = (char *)until;
    offer.channel = (char *)(channel ? channel : "");
    Folio__OfferAdd op = FOLIO__OFFER_ADD__INIT;
    op.offer = &offer;
    Folio__Request req;
    envelope_init(&req, &op.base);
    return folio_connection_call(c, &req, err);
}

static uint64_t offer_add_ok(struct folio_connection *c, const char *client_id, const char *title,
                             const char *until)
{
    struct folio_error err = {0};
    Folio__Response *r = harness_ok(offer_add(c, client_id, title, until, NULL, &err), &err);
    uint64_t id = r->offer->id;
    folio_response_free(r);
    return id;
}

static Folio__Response *offer_list(struct folio_connection *c, const char *client_id,
                                   const char *status, const char *date, uint32_t limit,
                                   uint64_t after, struct folio_error *err)
{
    Folio__OfferList op = FOLIO__OFFER_LIST__INIT;
    op.client_id = (char *)(client_id ? client_id : "");
    op.status = (char *)(status ? status : "");
    op.date = (char *)date;
    op.limit = limit;
    op.after = after;
    Folio__Request req;
    envelope_init(&req, &op.base);
    return folio_connection_call(c, &req, err);
}

static Folio__Response *offer_set(struct folio_connection *c, uint64_t id, const char *status,
                                  const char *date, struct folio_error *err)
{
    Folio__OfferSet op = FOLIO__OFFER_SET__INIT;
    op.id = id;
    op.status = (char *)status;
    op.date = (char *)date;
    Folio__Request req;
    envelope_init(&req, &op.base);
    return folio_connection_call(c, &req, err);
}

static Folio__Response *history(struct folio_connection *c, const char *id, struct folio_error *err)
{
    Folio__ClientHistory op = FOLIO__CLIENT_HISTORY__INIT;
    op.id = (char *)id;
    Folio__Request req;
    envelope_init(&req, &op.base);
    return folio_connection_call(c, &req, err);
}

static void assert_refused(Folio__Response *r, const struct folio_error *err, Folio__Code code,
                           const char *message)
{
    harness_refused(r, err, code);
    cr_assert(strstr(err->message, message) != NULL, "\"%s\" does not say \"%s\"", err->message,
              message);
}

Test(offers, add_fills_the_offer_and_lands_on_the_timeline)
{
    struct folio_error err = {0};
    Folio__Response *r =
        harness_ok(offer_add(alice, ana, "Low-rate car loan", "2999-12-31", NULL, &err), &err);
    const Folio__Offer *o = r->offer;
    cr_assert_gt(o->id, 0);
    cr_assert_str_eq(o->client_id, ana);
    cr_assert_str_eq(o->client_name, "Ana");
    cr_assert_str_eq(o->status, "proposed");
    cr_assert_str_eq(o->channel, "email", "the preferred consented channel");
    cr_assert_eq(o->rate_bp, 450);
    cr_assert_str_eq(o->product, "car loan");
    cr_assert_not_null(o->agent);
    cr_assert_str_eq(o->agent->user, alice_name);
    folio_response_free(r);

    r = harness_ok(offer_add(alice, ana, "SMS offer", "2999-12-31", "sms", &err), &err);
    cr_assert_str_eq(r->offer->channel, "sms");
    folio_response_free(r);

    r = harness_ok(history(alice, ana, &err), &err);
    cr_assert_geq(r->timeline->n_events, 3);
    cr_assert_str_eq(r->timeline->events[0]->kind, "offer");
    cr_assert_str_eq(r->timeline->events[0]->what, "proposed");
    cr_assert_str_eq(r->timeline->events[0]->note, "SMS offer");
    cr_assert_str_eq(r->timeline->events[1]->note, "Low-rate car loan");
    folio_response_free(r);
    finish();
}

Test(offers, add_refusals)
{
    struct folio_error err = {0};
    assert_refused(offer_add(bob, ana, "Mine now", "2999-12-31", NULL, &err), &err,
                   FOLIO__CODE__NOT_FOUND, "no client");
    assert_refused(offer_add(root, ana, "Admin offer", "2999-12-31", NULL, &err), &err,
                   FOLIO__CODE__NOT_FOUND, "no client");
    assert_refused(offer_add(alice, "not-an-id", "x", "2999-12-31", NULL, &err), &err,
                   FOLIO__CODE__INVALID_ARGUMENT, "client_id");
    assert_refused(offer_add(alice, nemo, "No consent", "2999-12-31", NULL, &err), &err,
                   FOLIO__CODE__FAILED_PRECONDITION, "consent");
    assert_refused(offer_add(alice, ana, "By post", "2999-12-31", "post", &err), &err,
                   FOLIO__CODE__FAILED_PRECONDITION, "marketing by post");
    assert_refused(offer_add(alice, ana, "By fax", "2999-12-31", "fax", &err), &err,
                   FOLIO__CODE__INVALID_ARGUMENT, "channel");
    assert_refused(offer_add(alice, ana, "", "2999-12-31", NULL, &err), &err,
                   FOLIO__CODE__INVALID_ARGUMENT, "title");
    assert_refused(offer_add(alice, ana, "Backwards", "2019-12-31", NULL, &err), &err,
                   FOLIO__CODE__INVALID_ARGUMENT, "valid_until");

    Folio__Response *r = harness_ok(offer_list(alice, NULL, NULL, "2026-01-01", 0, 0, &err), &err);
    cr_assert_eq(r->offers->n_offers, 0, "nothing refused was stored");
    folio_response_free(r);
    finish();
}

Test(offers_own, expiry_goes_by_the_server_date)
{
    struct folio_error err = {0};
    uint64_t id = offer_add_ok(alice, ana, "Spring offer", "2030-03-31");

    Folio__Response *r = harness_ok(offer_list(alice, ana, NULL, "2030-03-31", 0, 0, &err), &err);
    cr_assert_eq(r->offers->n_offers, 1);
    cr_assert_eq(r->offers->offers[0]->id, id);
    cr_assert_str_eq(r->offers->offers[0]->status, "proposed", "still valid on its last day");
    cr_assert_str_eq(r->offers->offers[0]->client_name, "Ana");
    folio_response_free(r);

    r = harness_ok(offer_list(alice, ana, NULL, "2030-04-01", 0, 0, &err), &err);
    cr_assert_str_eq(r->offers->offers[0]->status, "expired");
    folio_response_free(r);

    r = harness_ok(offer_list(alice, NULL, "expired", "2030-04-01", 0, 0, &err), &err);
    cr_assert_eq(r->offers->n_offers, 1);
    folio_response_free(r);
    r = harness_ok(offer_list(alice, NULL, "proposed", "2030-04-01", 0, 0, &err), &err);
    cr_assert_eq(r->offers->n_offers, 0);
    folio_response_free(r);
    r = harness_ok(offer_list(alice, NULL, "expired", "2030-03-31", 0, 0, &err), &err);
    cr_assert_eq(r->offers->n_offers, 0);
    folio_response_free(r);

    /* On its last day it can be sent; a date after the server's today
     * is refused. */
    at("2030-03-31 18:00:00");
    assert_refused(offer_set(alice, id, "sent", "2030-04-01", &err), &err,
                   FOLIO__CODE__INVALID_ARGUMENT, "after today (2030-03-31");
    r = harness_ok(offer_set(alice, id, "sent", "", &err), &err);
    cr_assert_str_eq(r->offer->status, "sent");
    folio_response_free(r);
    /* The day after, the server says it expired, whatever date the
     * request claims. */
    at("2030-04-01 09:00:00");
    assert_refused(offer_set(alice, id, "accepted", "2030-03-31", &err), &err,
                   FOLIO__CODE__FAILED_PRECONDITION, "expired");
    assert_refused(offer_set(alice, id, "accepted", "", &err), &err,
                   FOLIO__CODE__FAILED_PRECONDITION, "expired");
    finish();
}

Test(offers, list_refusals_and_paging)
{
    struct folio_error err = {0};
    uint64_t a = offer_add_ok(alice, ana, "One", "2999-12-31");
    uint64_t b = offer_add_ok(alice, ana, "Two", "2999-12-31");
    uint64_t c = offer_add_ok(alice, ana, "Three", "2999-12-31");
    cr_assert(a < b && b < c);

    Folio__Response *r = harness_ok(offer_list(alice, NULL, NULL, "2026-01-01", 2, 0, &err), &err);
    cr_assert_eq(r->offers->n_offers, 2);
    cr_assert_eq(r->offers->offers[0]->id, a);
    cr_assert_eq(r->offers->offers[1]->id, b);
    cr_assert_eq(r->offers->next, b);
    folio_response_free(r);
    r = harness_ok(offer_list(alice, NULL, NULL, "2026-01-01", 2, b, &err), &err);
    cr_assert_eq(r->offers->n_offers, 1);
    cr_assert_eq(r->offers->offers[0]->id, c);
    cr_assert_eq(r->offers->next, 0);
    folio_response_free(r);

    r = harness_ok(offer_list(bob, NULL, NULL, "2026-01-01", 0, 0, &err), &err);
    cr_assert_eq(r->offers->n_offers, 0, "another agent's offers never show");
    folio_response_free(r);
    r = harness_ok(offer_list(alice, nemo, NULL, "2026-01-01", 0, 0, &err), &err);
    cr_assert_eq(r->offers->n_offers, 0);
    folio_response_free(r);

    assert_refused(offer_list(bob, ana, NULL, "2026-01-01", 0, 0, &err), &err,
                   FOLIO__CODE__NOT_FOUND, "no client");
    assert_refused(offer_list(alice, NULL, "lost", "2026-01-01", 0, 0, &err), &err,
                   FOLIO__CODE__INVALID_ARGUMENT, "status");
    assert_refused(offer_list(alice, NULL, NULL, "2026-02-30", 0, 0, &err), &err,
                   FOLIO__CODE__INVALID_ARGUMENT, "date: not a date (YYYY-MM-DD)");
    finish();
}

Test(offers, set_moves_through_the_lifecycle)
{
    struct folio_error err = {0};
    uint64_t id = offer_add_ok(alice, ana, "Home insurance", "2999-12-31");

    assert_refused(offer_set(bob, id, "sent", "2026-05-01", &err), &err, FOLIO__CODE__NOT_FOUND,
                   "no offer");
    char missing[64];
    snprintf(missing, sizeof(missing), "no offer %llu", (unsigned long long)(id + 100));
    assert_refused(offer_set(alice, id + 100, "sent", "2026-05-01", &err), &err,
                   FOLIO__CODE__NOT_FOUND, missing);
    assert_refused(offer_set(alice, id, "proposed", "2026-05-01", &err), &err,
                   FOLIO__CODE__INVALID_ARGUMENT, "status");
    assert_refused(offer_set(alice, id, "sent", "May 1st", &err), &err,
                   FOLIO__CODE__INVALID_ARGUMENT, "date");

    Folio__Response *r = harness_ok(offer_set(alice, id, "sent", "2026-05-01", &err), &err);
    cr_assert_str_eq(r->offer->status, "sent");
    cr_assert_str_eq(r->offer->agent->user, alice_name);
    cr_assert_str_eq(r->offer->client_name, "Ana");
    folio_response_free(r);
    assert_refused(offer_set(alice, id, "sent", "2026-05-02", &err), &err,
                   FOLIO__CODE__FAILED_PRECONDITION, "already sent");
    r = harness_ok(offer_set(alice, id, "accepted", "2026-05-03", &err), &err);
    cr_assert_str_eq(r->offer->status, "accepted");
    folio_response_free(r);
    assert_refused(offer_set(alice, id, "declined", "2026-05-04", &err), &err,
                   FOLIO__CODE__FAILED_PRECONDITION, "already accepted or declined");

    r = harness_ok(offer_list(alice, ana, "accepted", "3000-01-01", 0, 0, &err), &err);
    cr_assert_eq(r->offers->n_offers, 1, "accepted offers never expire");
    folio_response_free(r);

    r = harness_ok(history(alice, ana, &err), &err);
    cr_assert_str_eq(r->timeline->events[0]->kind, "offer");
    cr_assert_str_eq(r->timeline->events[0]->what, "accepted");
    cr_assert_str_eq(r->timeline->events[0]->date, "2026-05-03");
    cr_assert_str_eq(r->timeline->events[1]->what, "sent");
    cr_assert_str_eq(r->timeline->events[1]->date, "2026-05-01");
    folio_response_free(r);
    finish();
}

Test(offers, sending_needs_the_consent_still_held)
{
    struct folio_error err = {0};
    uint64_t id = offer_add_ok(alice, ana, "Travel insurance", "2999-12-31");

    /* Ana withdraws every consent. */
    Folio__Client changes = FOLIO__CLIENT__INIT;
    Folio__Consent none = FOLIO__CONSENT__INIT;
    changes.consent = &none;
    char *fields[] = {(char *)"consent"};
    Folio__ClientUpdate op = FOLIO__CLIENT_UPDATE__INIT;
    op.id = ana;
    op.client = &changes;
    op.fields = fields;
    op.n_fields = 1;
    Folio__Request req;
    envelope_init(&req, &op.base);
    folio_response_free(harness_ok(folio_connection_call(alice, &req, &err), &err));

    assert_refused(offer_set(alice, id, "sent", "2026-05-01", &err), &err,
                   FOLIO__CODE__FAILED_PRECONDITION, "consent");
    Folio__Response *r = harness_ok(offer_set(alice, id, "declined", "2026-05-01", &err), &err);
    cr_assert_str_eq(r->offer->status, "declined", "a refusal needs no consent");
    folio_response_free(r);
    finish();
}

Test(offers, erasing_the_client_removes_its_offers)
{
    struct folio_error err = {0};
    uint64_t id = offer_add_ok(alice, ana, "Gone soon", "2999-12-31");
    Folio__ClientErase op = FOLIO__CLIENT_ERASE__INIT;
    op.id = ana;
    Folio__Request req;
    envelope_init(&req, &op.base);
    folio_response_free(harness_ok(folio_connection_call(alice, &req, &err), &err));

    Folio__Response *r = harness_ok(offer_list(alice, NULL, NULL, "2026-01-01", 0, 0, &err), &err);
    cr_assert_eq(r->offers->n_offers, 0);
    folio_response_free(r);
    assert_refused(offer_set(alice, id, "sent", "2026-05-01", &err), &err, FOLIO__CODE__NOT_FOUND,
                   "no offer");
    finish();
}
