/* test_campaign.c - campaigns against a real foliod: who a campaign reaches
 * and who it skips for lack of consent, the dry run that writes nothing,
 * offers and coupons made in one transaction and counted by status, the
 * cancel that withdraws what is open, the bound on a segment, ownership;
 * and offers and coupons withdrawn one at a time.
 *
 * The tests share one server whose clock is CLOCK; each test has an office
 * and agents of its own, named after its process. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <criterion/criterion.h>
#include <criterion/hooks.h>

#include "campaign.h"
#include "coupon.h"
#include "folioclient_account.h"
#include "folioclient_interchange.h"
#include "harness.h"
#include "offer.h"

#define CLOCK "2026-06-10 12:00:00"
#define TODAY "2026-06-10"
#define PW    "campaign-password"

static struct harness_server srv;
static struct folio_connection *root, *alice, *bob;
static char alice_name[32], bob_name[32];
static uint64_t partner_id;

ReportHook(PRE_SUITE)(struct criterion_suite_set *set)
{
    if (strcmp(set->suite.name, "campaign") == 0)
        harness_shared_start("campaign", CLOCK, NULL);
}

/* After every test has ended (see test_client.c). */
ReportHook(POST_ALL)(struct criterion_global_stats *stats)
{
    (void)stats;
    harness_shared_stop("campaign");
}

static void setup(void)
{
    harness_shared_attach(&srv, "campaign");
    int pid = (int)getpid();
    char office[32], partner_name[32];
    snprintf(office, sizeof(office), "Campaign-%d", pid);
    snprintf(alice_name, sizeof(alice_name), "alice-%d", pid);
    snprintf(bob_name, sizeof(bob_name), "bob-%d", pid);
    snprintf(partner_name, sizeof(partner_name), "Cine-%d", pid);
    root = harness_admin(&srv);
    harness_add_office(root, office);
    harness_add_user(root, alice_name, FOLIO__ROLE__ROLE_AGENT, office, PW);
    harness_add_user(root, bob_name, FOLIO__ROLE__ROLE_AGENT, office, PW);
    alice = harness_user(&srv, alice_name, PW);
    bob = harness_user(&srv, bob_name, PW);
    struct folio_error err = {0};
    Folio__Partner partner = FOLIO__PARTNER__INIT;
    partner.name = partner_name;
    partner.category = (char *)"cinema";
    partner.city = (char *)"Lima";
    Folio__Response *r = harness_ok(folio_partner_add(root, &partner, &err), &err);
    partner_id = r->partner->id;
    folio_response_free(r);
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

TestSuite(campaign, .init = setup, .fini = teardown);

/* ---------------------------------------------------------------- helpers */

/* A married client in city, consenting to email when email is set. */
static void add(struct folio_connection *c, const char *name, const char *city, bool email,
                char id[37])
{
    struct folio_error err = {0};
    Folio__Client client = FOLIO__CLIENT__INIT;
    Folio__Consent consent = FOLIO__CONSENT__INIT;
    consent.email = email;
    consent.post = true;
    client.name = (char *)name;
    client.city = (char *)city;
    client.marital_status = FOLIO__MARITAL_STATUS__MARITAL_MARRIED;
    client.consent = &consent;
    Folio__Response *r = harness_ok(folio_client_add(c, &client, false, &err), &err);
    snprintf(id, 37, "%s", r->client->id);
    folio_response_free(r);
}

/* "married clients in Lima with email consent, a 2 % home-loan rate valid
 * this month", with a coupon when partner is not 0. */
static Folio__Response *create(struct folio_connection *c, const char *name, uint64_t partner,
                               bool dry_run, struct folio_error *err)
{
    Folio__Campaign campaign = FOLIO__CAMPAIGN__INIT;
    Folio__Segment segment = FOLIO__SEGMENT__INIT;
    campaign.name = (char *)name;
    campaign.title = (char *)"Home loan at 2 %";
    campaign.product = (char *)"home-loan";
    campaign.rate_bp = 200;
    campaign.valid_from = (char *)"2026-06-01";
    campaign.valid_until = (char *)"2026-06-30";
    campaign.channel = (char *)"email";
    campaign.partner_id = partner;
    campaign.discount = partner != 0 ? (char *)"2x1 tickets" : (char *)"";
    segment.city = (char *)"Lima";
    segment.marital_status = FOLIO__MARITAL_STATUS__MARITAL_MARRIED;
    Folio__CampaignCreate op = FOLIO__CAMPAIGN_CREATE__INIT;
    op.campaign = &campaign;
    op.segment = &segment;
    op.dry_run = dry_run;
    op.date = (char *)TODAY;
    return folio_campaign_create(c, &op, err);
}

static uint64_t tally(const Folio__Campaign *c, const char *status)
{
    for (size_t i = 0; i < c->n_tally; i++)
        if (strcmp(c->tally[i]->status, status) == 0)
            return c->tally[i]->count;
    return 0;
}

static bool history_has(struct folio_connection *c, const char *client, const char *kind,
                        const char *what)
{
    struct folio_error err = {0};
    Folio__Response *r = harness_ok(folio_client_history(c, client, 100, 0, &err), &err);
    bool found = false;
    for (size_t i = 0; i < r->timeline->n_events; i++)
        if (strcmp(r->timeline->events[i]->kind, kind) == 0 &&
            strcmp(r->timeline->events[i]->what, what) == 0)
            found = true;
    folio_response_free(r);
    return found;
}

/* Ana and Beto (married, Lima, email), Carla (married, Lima, no email
 * consent), Dora (married, Cusco, email). */
static void portfolio(char ana[37], char beto[37], char carla[37])
{
    char dora[37];
    add(alice, "Ana Campaign", "Lima", true, ana);
    add(alice, "Beto Campaign", "Lima", true, beto);
    add(alice, "Carla Campaign", "Lima", false, carla);
    add(alice, "Dora Campaign", "Cusco", true, dora);
}

/* ---------------------------------------------------------------- create */

Test(campaign, dry_run_names_the_skipped_and_writes_nothing)
{
    char ana[37], beto[37], carla[37];
    portfolio(ana, beto, carla);
    struct folio_error err = {0};
    Folio__Response *r = harness_ok(create(alice, "June loans", 0, true, &err), &err);
    const Folio__CampaignResult *res = r->campaign_result;
    cr_assert(res->dry_run);
    cr_assert_eq(res->reached, 2);
    cr_assert_eq(res->skipped, 1);
    cr_assert_eq(res->n_clients, 3);
    /* Reached first, then the skipped, with why. */
    cr_assert_eq(res->clients[0]->offer_id, 0);
    cr_assert_str_empty(res->clients[0]->skipped);
    cr_assert_str_eq(res->clients[2]->client_id, carla);
    cr_assert_str_eq(res->clients[2]->skipped, "no consent to marketing by email");
    folio_response_free(r);

    r = harness_ok(folio_campaign_list(alice, 0, 0, &err), &err);
    cr_assert_eq(r->campaigns->n_campaigns, 0, "a dry run made a campaign");
    folio_response_free(r);
    r = harness_ok(folio_offer_list(alice, NULL, NULL, TODAY, 0, 0, &err), &err);
    cr_assert_eq(r->offers->n_offers, 0, "a dry run made offers");
    folio_response_free(r);
}

Test(campaign, create_offers_coupons_to_the_consenting_in_one_go)
{
    char ana[37], beto[37], carla[37];
    portfolio(ana, beto, carla);
    struct folio_error err = {0};
    Folio__Response *r = harness_ok(create(alice, "June loans", partner_id, false, &err), &err);
    const Folio__CampaignResult *res = r->campaign_result;
    uint64_t id = res->campaign->id;
    cr_assert_neq(id, 0);
    cr_assert_not(res->dry_run);
    cr_assert_eq(res->reached, 2);
    cr_assert_eq(res->skipped, 1);
    cr_assert_eq(res->campaign->offers, 2);
    cr_assert_neq(res->clients[0]->offer_id, 0);
    cr_assert_eq(strlen(res->clients[0]->coupon_code), COUPON_CODE_LEN);
    folio_response_free(r);

    /* Each offer knows its campaign and coupon; Carla got none. */
    r = harness_ok(folio_offer_list(alice, NULL, NULL, TODAY, 0, 0, &err), &err);
    cr_assert_eq(r->offers->n_offers, 2);
    for (size_t i = 0; i < r->offers->n_offers; i++) {
        const Folio__Offer *o = r->offers->offers[i];
        cr_assert_eq(o->campaign_id, id);
        cr_assert_str_eq(o->channel, "email");
        cr_assert_eq(o->rate_bp, 200);
        cr_assert_str_neq(o->client_id, carla);
        cr_assert_eq(strlen(o->coupon_code), COUPON_CODE_LEN);
    }
    folio_response_free(r);
    r = harness_ok(folio_coupon_list(alice, NULL, 0, NULL, &err), &err);
    cr_assert_eq(r->coupons->n_coupons, 2);
    cr_assert_eq(r->coupons->coupons[0]->campaign_id, id);
    folio_response_free(r);
    cr_assert(history_has(alice, ana, "offer", "proposed"));
    cr_assert(history_has(alice, ana, "coupon", "issued"));
    cr_assert_not(history_has(alice, carla, "offer", "proposed"));

    r = harness_ok(folio_campaign_show(alice, id, TODAY, &err), &err);
    cr_assert_str_eq(r->campaign->name, "June loans");
    cr_assert_str_eq(r->campaign->status, "active");
    cr_assert_eq(tally(r->campaign, "proposed"), 2);
    cr_assert_eq(r->campaign->accepted_bp, 0);
    cr_assert_eq(r->campaign->skipped, 1);
    cr_assert_not_null(r->campaign->segment);
    cr_assert_str_eq(r->campaign->segment->city, "Lima");
    folio_response_free(r);

    /* Listed in pages, in id order. */
    r = harness_ok(create(alice, "June loans, again", 0, false, &err), &err);
    uint64_t second = r->campaign_result->campaign->id;
    folio_response_free(r);
    r = harness_ok(folio_campaign_list(alice, 1, 0, &err), &err);
    cr_assert_eq(r->campaigns->n_campaigns, 1);
    cr_assert_eq(r->campaigns->campaigns[0]->id, id);
    cr_assert_eq(r->campaigns->campaigns[0]->offers, 2);
    cr_assert_eq(r->campaigns->next, id);
    folio_response_free(r);
    r = harness_ok(folio_campaign_list(alice, 1, id, &err), &err);
    cr_assert_eq(r->campaigns->n_campaigns, 1);
    cr_assert_eq(r->campaigns->campaigns[0]->id, second);
    cr_assert_eq(r->campaigns->next, 0);
    folio_response_free(r);

    /* The audit names the campaign. */
    r = harness_ok(folio_audit_query(root, alice_name, 0, 100, 0, &err), &err);
    bool audited = false;
    for (size_t i = 0; i < r->audit->n_records; i++)
        audited |= strcmp(r->audit->records[i]->action, "campaign.create") == 0;
    cr_assert(audited);
    folio_response_free(r);
}

Test(campaign, cancel_withdraws_what_is_open_and_keeps_the_rest)
{
    char ana[37], beto[37], carla[37];
    portfolio(ana, beto, carla);
    struct folio_error err = {0};
    Folio__Response *r = harness_ok(create(alice, "June loans", partner_id, false, &err), &err);
    uint64_t id = r->campaign_result->campaign->id;
    char code[COUPON_CODE_LEN + 1];
    snprintf(code, sizeof(code), "%s", r->campaign_result->clients[0]->coupon_code);
    folio_response_free(r);

    /* Ana accepts; Beto's stays open. */
    r = harness_ok(folio_offer_list(alice, ana, NULL, TODAY, 0, 0, &err), &err);
    uint64_t anas = r->offers->offers[0]->id;
    folio_response_free(r);
    folio_response_free(harness_ok(folio_offer_set(alice, anas, "accepted", TODAY, &err), &err));
    r = harness_ok(folio_campaign_show(alice, id, TODAY, &err), &err);
    cr_assert_eq(tally(r->campaign, "accepted"), 1);
    cr_assert_eq(r->campaign->accepted_bp, 5000);
    folio_response_free(r);

    r = harness_ok(folio_campaign_cancel(alice, id, TODAY, &err), &err);
    /* Beto's offer and both coupons. */
    cr_assert_eq(r->campaign_result->withdrawn, 3);
    cr_assert_str_eq(r->campaign_result->campaign->status, "cancelled");
    cr_assert_eq(tally(r->campaign_result->campaign, "accepted"), 1);
    cr_assert_eq(tally(r->campaign_result->campaign, "withdrawn"), 1);
    folio_response_free(r);
    cr_assert(history_has(alice, beto, "offer", "withdrawn"));
    cr_assert(history_has(alice, ana, "coupon", "withdrawn"));

    harness_refused(folio_campaign_cancel(alice, id, TODAY, &err), &err,
                    FOLIO__CODE__FAILED_PRECONDITION);
    harness_refused(folio_coupon_redeem(alice, code, TODAY, &err), &err,
                    FOLIO__CODE__FAILED_PRECONDITION);
    r = harness_ok(folio_campaign_list(alice, 0, 0, &err), &err);
    cr_assert_eq(r->campaigns->n_campaigns, 1);
    cr_assert_str_eq(r->campaigns->campaigns[0]->status, "cancelled");
    cr_assert_eq(r->campaigns->campaigns[0]->offers, 2);
    folio_response_free(r);
}

Test(campaign, covers_the_agents_own_clients_only)
{
    char ana[37], beto[37], carla[37];
    portfolio(ana, beto, carla);
    struct folio_error err = {0};
    /* Bob's segment is his own portfolio: empty. */
    harness_refused(create(bob, "Not mine", 0, false, &err), &err,
                    FOLIO__CODE__FAILED_PRECONDITION);
    Folio__Response *r = harness_ok(create(alice, "Mine", 0, false, &err), &err);
    uint64_t id = r->campaign_result->campaign->id;
    folio_response_free(r);
    harness_refused(folio_campaign_show(bob, id, TODAY, &err), &err, FOLIO__CODE__NOT_FOUND);
    char expected[64];
    snprintf(expected, sizeof(expected), "no campaign %llu", (unsigned long long)id);
    cr_assert_str_eq(err.message, expected);
    harness_refused(folio_campaign_cancel(bob, id, TODAY, &err), &err, FOLIO__CODE__NOT_FOUND);
    /* Admins keep no clients. */
    harness_refused(create(root, "Admin's", 0, false, &err), &err, FOLIO__CODE__PERMISSION_DENIED);
    r = harness_ok(folio_campaign_list(bob, 0, 0, &err), &err);
    cr_assert_eq(r->campaigns->n_campaigns, 0);
    folio_response_free(r);
}

Test(campaign, refuses_what_it_cannot_make)
{
    char ana[37], beto[37], carla[37];
    portfolio(ana, beto, carla);
    struct folio_error err = {0};
    Folio__Campaign campaign = FOLIO__CAMPAIGN__INIT;
    Folio__Segment segment = FOLIO__SEGMENT__INIT;
    Folio__CampaignCreate op = FOLIO__CAMPAIGN_CREATE__INIT;
    campaign.name = (char *)"Bad";
    campaign.title = (char *)"Something";
    campaign.valid_from = (char *)"2026-06-01";
    campaign.valid_until = (char *)"2026-06-30";
    campaign.channel = (char *)"fax";
    op.campaign = &campaign;
    op.segment = &segment;
    op.date = (char *)TODAY;
    harness_refused(folio_campaign_create(alice, &op, &err), &err, FOLIO__CODE__INVALID_ARGUMENT);
    cr_assert(strstr(err.message, "--channel") != NULL, "%s", err.message);
    campaign.channel = (char *)"email";
    campaign.discount = (char *)"free popcorn";
    harness_refused(folio_campaign_create(alice, &op, &err), &err, FOLIO__CODE__INVALID_ARGUMENT);
    cr_assert(strstr(err.message, "--discount") != NULL, "%s", err.message);
    campaign.discount = (char *)"";
    campaign.partner_id = 999999;
    campaign.discount = (char *)"free popcorn";
    harness_refused(folio_campaign_create(alice, &op, &err), &err, FOLIO__CODE__NOT_FOUND);
    campaign.partner_id = 0;
    campaign.discount = (char *)"";
    campaign.valid_from = (char *)"2026-05-01";
    campaign.valid_until = (char *)"2026-05-31";
    harness_refused(folio_campaign_create(alice, &op, &err), &err, FOLIO__CODE__INVALID_ARGUMENT);
    campaign.valid_until = (char *)"2026-06-30";
    segment.count_only = true;
    harness_refused(folio_campaign_create(alice, &op, &err), &err, FOLIO__CODE__INVALID_ARGUMENT);
    segment.count_only = false;
    /* Nobody in the segment consented to sms. */
    campaign.channel = (char *)"sms";
    harness_refused(folio_campaign_create(alice, &op, &err), &err,
                    FOLIO__CODE__FAILED_PRECONDITION);
    cr_assert(strstr(err.message, "sms") != NULL, "%s", err.message);
    Folio__Response *r = harness_ok(folio_campaign_list(alice, 0, 0, &err), &err);
    cr_assert_eq(r->campaigns->n_campaigns, 0);
    folio_response_free(r);
}

/* "Avoid" wins: a client living where an alert in force says to avoid the
 * product is skipped, as offer add would refuse it. */
Test(campaign, skips_clients_an_alert_says_to_avoid)
{
    char city[32], flooded[37], dry[37];
    snprintf(city, sizeof(city), "Piura-%d", (int)getpid());
    add(alice, "Flooded Campaign", city, true, flooded);
    add(alice, "Dry Campaign", "Lima", true, dry);
    struct folio_error err = {0};
    Folio__Alert alert = FOLIO__ALERT__INIT;
    alert.kind = (char *)"flood";
    alert.city = city;
    alert.date = (char *)TODAY;
    folio_response_free(harness_ok(folio_alert_add(root, &alert, &err), &err));

    Folio__Campaign campaign = FOLIO__CAMPAIGN__INIT;
    Folio__Segment segment = FOLIO__SEGMENT__INIT;
    Folio__CampaignCreate op = FOLIO__CAMPAIGN_CREATE__INIT;
    campaign.name = (char *)"Cover";
    campaign.title = (char *)"Home insurance, 10 % off";
    campaign.product = (char *)"insurance";
    campaign.valid_from = (char *)TODAY;
    campaign.valid_until = (char *)"2026-06-30";
    campaign.channel = (char *)"email";
    op.campaign = &campaign;
    op.segment = &segment;
    op.date = (char *)TODAY;
    Folio__Response *r = harness_ok(folio_campaign_create(alice, &op, &err), &err);
    const Folio__CampaignResult *res = r->campaign_result;
    cr_assert_eq(res->reached, 1);
    cr_assert_eq(res->skipped, 1);
    cr_assert_str_eq(res->clients[0]->client_id, dry);
    cr_assert_str_eq(res->clients[1]->client_id, flooded);
    cr_assert(strstr(res->clients[1]->skipped, "flood") != NULL, "%s", res->clients[1]->skipped);
    cr_assert(strstr(res->clients[1]->skipped, "avoid insurance") != NULL, "%s",
              res->clients[1]->skipped);
    folio_response_free(r);
    /* A loan is what to offer there. */
    campaign.title = (char *)"Flexible loan";
    campaign.product = (char *)"loan";
    segment.city = city;
    r = harness_ok(folio_campaign_create(alice, &op, &err), &err);
    cr_assert_eq(r->campaign_result->reached, 1);
    folio_response_free(r);
}

/* A segment past CAMPAIGN_CLIENTS_MAX is refused whole, dry run or not;
 * one at the maximum is made whole. */
Test(campaign, refuses_a_segment_past_the_maximum)
{
    enum { N = CAMPAIGN_CLIENTS_MAX + 1 };
    static Folio__Client clients[N];
    static Folio__Client *list[N];
    static char names[N][32];
    static char *tags[] = {"bulk"};
    Folio__Consent consent = FOLIO__CONSENT__INIT;
    consent.email = true;
    for (size_t i = 0; i < N; i++) {
        folio__client__init(&clients[i]);
        snprintf(names[i], sizeof(names[i]), "Bulk %zu Client", i);
        clients[i].name = names[i];
        clients[i].consent = &consent;
        clients[i].tags = tags;
        clients[i].n_tags = 1;
        list[i] = &clients[i];
    }
    struct folio_error err = {0};
    folio_response_free(harness_ok(folio_client_import(alice, list, NULL, N, false, &err), &err));
    Folio__Campaign campaign = FOLIO__CAMPAIGN__INIT;
    Folio__Segment segment = FOLIO__SEGMENT__INIT;
    Folio__CampaignCreate op = FOLIO__CAMPAIGN_CREATE__INIT;
    campaign.name = (char *)"Everyone";
    campaign.title = (char *)"Something";
    campaign.valid_from = (char *)"2026-06-01";
    campaign.valid_until = (char *)"2026-06-30";
    campaign.channel = (char *)"email";
    segment.tag = (char *)"bulk";
    op.campaign = &campaign;
    op.segment = &segment;
    op.date = (char *)TODAY;
    op.dry_run = true;
    harness_refused(folio_campaign_create(alice, &op, &err), &err,
                    FOLIO__CODE__FAILED_PRECONDITION);
    cr_assert(strstr(err.message, "500") != NULL, "%s", err.message);
    op.dry_run = false;
    harness_refused(folio_campaign_create(alice, &op, &err), &err,
                    FOLIO__CODE__FAILED_PRECONDITION);
    Folio__Response *r = harness_ok(folio_offer_list(alice, NULL, NULL, TODAY, 0, 0, &err), &err);
    cr_assert_eq(r->offers->n_offers, 0);
    folio_response_free(r);
    /* At the maximum it goes through, coupons and all, within one
     * request's memory; and so does its cancel. */
    r = harness_ok(folio_client_list(alice, 1, NULL, &err), &err);
    folio_response_free(
        harness_ok(folio_client_erase(alice, r->clients->clients[0]->id, &err), &err));
    folio_response_free(r);
    campaign.partner_id = partner_id;
    campaign.discount = (char *)"2x1";
    r = harness_ok(folio_campaign_create(alice, &op, &err), &err);
    cr_assert_eq(r->campaign_result->reached, CAMPAIGN_CLIENTS_MAX);
    uint64_t id = r->campaign_result->campaign->id;
    folio_response_free(r);
    r = harness_ok(folio_campaign_cancel(alice, id, TODAY, &err), &err);
    cr_assert_eq(r->campaign_result->withdrawn, 2 * CAMPAIGN_CLIENTS_MAX);
    folio_response_free(r);
}

/* ---------------------------------------------------------------- withdraw */

Test(campaign, offer_withdrawn_is_kept_and_final)
{
    char ana[37], beto[37], carla[37];
    portfolio(ana, beto, carla);
    struct folio_error err = {0};
    Folio__Offer offer = FOLIO__OFFER__INIT;
    offer.client_id = ana;
    offer.title = (char *)"Car insurance";
    offer.valid_from = (char *)"2026-06-01";
    offer.valid_until = (char *)"2026-06-30";
    Folio__Response *r = harness_ok(folio_offer_add(alice, &offer, TODAY, &err), &err);
    uint64_t id = r->offer->id;
    folio_response_free(r);
    harness_refused(folio_offer_set(bob, id, "withdrawn", TODAY, &err), &err,
                    FOLIO__CODE__NOT_FOUND);
    r = harness_ok(folio_offer_set(alice, id, "withdrawn", TODAY, &err), &err);
    cr_assert_str_eq(r->offer->status, "withdrawn");
    folio_response_free(r);
    harness_refused(folio_offer_set(alice, id, "accepted", TODAY, &err), &err,
                    FOLIO__CODE__FAILED_PRECONDITION);
    harness_refused(folio_offer_set(alice, id, "withdrawn", TODAY, &err), &err,
                    FOLIO__CODE__FAILED_PRECONDITION);
    r = harness_ok(folio_offer_list(alice, NULL, "withdrawn", TODAY, 0, 0, &err), &err);
    cr_assert_eq(r->offers->n_offers, 1);
    folio_response_free(r);
    cr_assert(history_has(alice, ana, "offer", "withdrawn"));
    /* After its validity it stays withdrawn, never expired. */
    r = harness_ok(folio_offer_list(alice, NULL, NULL, "2026-08-01", 0, 0, &err), &err);
    cr_assert_str_eq(r->offers->offers[0]->status, "withdrawn");
    folio_response_free(r);
}

Test(campaign, coupon_withdrawn_cannot_be_redeemed)
{
    char ana[37], beto[37], carla[37];
    portfolio(ana, beto, carla);
    struct folio_error err = {0};
    Folio__Coupon coupon = FOLIO__COUPON__INIT;
    coupon.client_id = ana;
    coupon.partner_id = partner_id;
    coupon.discount = (char *)"2x1";
    coupon.valid_until = (char *)"2026-06-30";
    Folio__Response *r = harness_ok(folio_coupon_issue(alice, &coupon, TODAY, &err), &err);
    char code[COUPON_CODE_LEN + 1];
    snprintf(code, sizeof(code), "%s", r->coupon->code);
    folio_response_free(r);
    harness_refused(folio_coupon_withdraw(bob, code, TODAY, &err), &err, FOLIO__CODE__NOT_FOUND);
    r = harness_ok(folio_coupon_withdraw(alice, code, TODAY, &err), &err);
    cr_assert_str_eq(r->coupon->withdrawn_at, TODAY);
    folio_response_free(r);
    harness_refused(folio_coupon_withdraw(alice, code, TODAY, &err), &err,
                    FOLIO__CODE__FAILED_PRECONDITION);
    harness_refused(folio_coupon_redeem(alice, code, TODAY, &err), &err,
                    FOLIO__CODE__FAILED_PRECONDITION);
    r = harness_ok(folio_coupon_list(alice, ana, 0, NULL, &err), &err);
    cr_assert_eq(r->coupons->n_coupons, 1, "a withdrawn coupon stays in the list");
    folio_response_free(r);
    cr_assert(history_has(alice, ana, "coupon", "withdrawn"));
}

/* Bundles carry withdrawn offers and coupons: import checks them with
 * these. */
Test(campaign, withdrawn_records_import)
{
    Folio__Offer offer = FOLIO__OFFER__INIT;
    offer.title = (char *)"Car insurance";
    offer.valid_from = (char *)"2026-06-01";
    offer.valid_until = (char *)"2026-06-30";
    offer.status = (char *)"withdrawn";
    offer.channel = (char *)"email";
    cr_assert_null(offer_validate_stored(&offer));
    offer.status = (char *)"deleted";
    cr_assert_not_null(offer_validate_stored(&offer));
    Folio__Coupon coupon = FOLIO__COUPON__INIT;
    coupon.discount = (char *)"2x1";
    coupon.valid_until = (char *)"2026-06-30";
    coupon.withdrawn_at = (char *)"2026-06-10";
    cr_assert_null(coupon_validate(&coupon));
    coupon.withdrawn_at = (char *)"yesterday";
    cr_assert_not_null(coupon_validate(&coupon));
}

/* campaign.c's rules, called directly. */
Test(campaign, record_rules)
{
    Folio__Campaign c = FOLIO__CAMPAIGN__INIT;
    c.name = (char *)"June";
    c.title = (char *)"Loan";
    c.valid_from = (char *)"2026-06-01";
    c.valid_until = (char *)"2026-06-30";
    c.channel = (char *)"post";
    cr_assert_null(campaign_validate(&c));
    c.name = (char *)"";
    cr_assert_str_eq(campaign_validate(&c), "NAME: 1 to 100 bytes of printable text");
    c.name = (char *)"June";
    c.partner_id = 3;
    cr_assert_not_null(campaign_validate(&c), "a coupon needs its discount");
    c.discount = (char *)"2x1";
    cr_assert_null(campaign_validate(&c));
    c.valid_until = (char *)"2026-05-31";
    cr_assert_not_null(campaign_validate(&c));

    struct campaign_count count = {0};
    cr_assert_eq(campaign_accepted_bp(&count), 0);
    campaign_count_add(&count, "accepted");
    campaign_count_add(&count, "declined");
    campaign_count_add(&count, "withdrawn");
    campaign_count_add(&count, "no such status");
    cr_assert_eq(count.total, 3);
    cr_assert_eq(campaign_accepted_bp(&count), 3333);
}
