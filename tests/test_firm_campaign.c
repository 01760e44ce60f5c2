/* test_firm_campaign.c - campaigns for an office or the firm against a real
 * foliod: each agent's own clients get the offer under that agent's name,
 * in a part the agent sees; office scope and firm scope; who may make,
 * see and cancel one; consent skips; an agent's opt-out of one client; the
 * cancel that withdraws across agents.
 *
 * The tests share one server whose clock is CLOCK; each test has two
 * offices, their admins and agents, and a city of its own, named after its
 * process, so that a firm-wide campaign reaches no other test's clients. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <criterion/criterion.h>
#include <criterion/hooks.h>

#include "campaign.h"
#include "folioclient_account.h"
#include "folioclient_campaign.h"
#include "folioclient_interchange.h"
#include "harness.h"

#define CLOCK "2026-06-10 12:00:00"
#define TODAY "2026-06-10"
#define PW    "firm-campaign-password"

static struct harness_server srv;
/* Office A: admin_a, alice, bob; office B: admin_b, carol. */
static struct folio_connection *root, *admin_a, *admin_b, *alice, *bob, *carol;
static char office_a[32], office_b[32], city[32];

ReportHook(PRE_SUITE)(struct criterion_suite_set *set)
{
    if (strcmp(set->suite.name, "firm_campaign") == 0)
        harness_shared_start("firm_campaign", CLOCK, NULL);
}

/* After every test has ended (see test_client.c). */
ReportHook(POST_ALL)(struct criterion_global_stats *stats)
{
    (void)stats;
    harness_shared_stop("firm_campaign");
}

static struct folio_connection *user(const char *role, Folio__Role r, const char *office)
{
    char name[32];
    snprintf(name, sizeof(name), "%s-%d", role, (int)getpid());
    harness_add_user(root, name, r, office, PW);
    return harness_user(&srv, name, PW);
}

static void setup(void)
{
    harness_shared_attach(&srv, "firm_campaign");
    int pid = (int)getpid();
    snprintf(office_a, sizeof(office_a), "North-%d", pid);
    snprintf(office_b, sizeof(office_b), "South-%d", pid);
    snprintf(city, sizeof(city), "Lima-%d", pid);
    root = harness_admin(&srv);
    harness_add_office(root, office_a);
    harness_add_office(root, office_b);
    admin_a = user("admin-a", FOLIO__ROLE__ROLE_OFFICE_ADMIN, office_a);
    admin_b = user("admin-b", FOLIO__ROLE__ROLE_OFFICE_ADMIN, office_b);
    alice = user("alice", FOLIO__ROLE__ROLE_AGENT, office_a);
    bob = user("bob", FOLIO__ROLE__ROLE_AGENT, office_a);
    carol = user("carol", FOLIO__ROLE__ROLE_AGENT, office_b);
}

static void teardown(void)
{
    struct folio_connection **all[] = {&root, &admin_a, &admin_b, &alice, &bob, &carol};
    for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
        folio_connection_close(*all[i]);
        *all[i] = NULL;
    }
    harness_server_finish(&srv);
    harness_server_cleanup(&srv);
}

TestSuite(firm_campaign, .init = setup, .fini = teardown);

/* ---------------------------------------------------------------- helpers */

/* A client of c's in the test's city, consenting to email when email is
 * set. */
static void add(struct folio_connection *c, const char *name, bool email, char id[37])
{
    struct folio_error err = {0};
    Folio__Client client = FOLIO__CLIENT__INIT;
    Folio__Consent consent = FOLIO__CONSENT__INIT;
    consent.email = email;
    client.name = (char *)name;
    client.city = city;
    client.consent = &consent;
    Folio__Response *r = harness_ok(folio_client_add(c, &client, false, &err), &err);
    snprintf(id, 37, "%s", r->client->id);
    folio_response_free(r);
}

/* Alice: Ana and Beto (email), Carla (no email consent); Bob: Dora
 * (email); Carol, of the other office: Eva (email). */
struct people {
    char ana[37], beto[37], carla[37], dora[37], eva[37];
};

static void portfolios(struct people *p)
{
    add(alice, "Ana Firm", true, p->ana);
    add(alice, "Beto Firm", true, p->beto);
    add(alice, "Carla Firm", false, p->carla);
    add(bob, "Dora Firm", true, p->dora);
    add(carol, "Eva Firm", true, p->eva);
}

/* A campaign by email to the clients of the test's city, for office (or
 * the firm when office is NULL). */
static Folio__Response *create_with(struct folio_connection *c, const char *office, bool dry_run,
                                    uint64_t partner, struct folio_error *err)
{
    Folio__Campaign campaign = FOLIO__CAMPAIGN__INIT;
    Folio__Segment segment = FOLIO__SEGMENT__INIT;
    Folio__CampaignCreate create = FOLIO__CAMPAIGN_CREATE__INIT;
    Folio__FirmCampaignCreate op = FOLIO__FIRM_CAMPAIGN_CREATE__INIT;
    campaign.name = (char *)"June loans";
    campaign.title = (char *)"Home loan at 2 %";
    campaign.product = (char *)"home-loan";
    campaign.rate_bp = 200;
    campaign.valid_from = (char *)"2026-06-01";
    campaign.valid_until = (char *)"2026-06-30";
    campaign.channel = (char *)"email";
    campaign.partner_id = partner;
    campaign.discount = partner != 0 ? (char *)"2x1 tickets" : (char *)"";
    segment.city = city;
    create.campaign = &campaign;
    create.segment = &segment;
    create.dry_run = dry_run;
    create.date = (char *)TODAY;
    op.create = &create;
    op.office = (char *)(office != NULL ? office : "");
    op.firm = office == NULL;
    return folio_firm_campaign_create(c, &op, err);
}

static Folio__Response *create(struct folio_connection *c, const char *office, bool dry_run,
                               struct folio_error *err)
{
    return create_with(c, office, dry_run, 0, err);
}

static const Folio__CampaignResult *part_of(const Folio__CampaignResult *res, const char *agent)
{
    for (size_t i = 0; i < res->n_parts; i++)
        if (strncmp(res->parts[i]->agent, agent, strlen(agent)) == 0)
            return res->parts[i];
    return NULL;
}

static uint64_t tally(const Folio__Campaign *c, const char *status)
{
    for (size_t i = 0; i < c->n_tally; i++)
        if (strcmp(c->tally[i]->status, status) == 0)
            return c->tally[i]->count;
    return 0;
}

static size_t offers_of(struct folio_connection *c, const char *status)
{
    struct folio_error err = {0};
    Folio__Response *r = harness_ok(folio_offer_list(c, NULL, status, TODAY, 0, 0, &err), &err);
    size_t n = r->offers->n_offers;
    folio_response_free(r);
    return n;
}

static bool audited(struct folio_connection *c, const char *actor, const char *action)
{
    struct folio_error err = {0};
    char name[32];
    snprintf(name, sizeof(name), "%s-%d", actor, (int)getpid());
    Folio__Response *r = harness_ok(folio_audit_query(c, name, 0, 100, 0, &err), &err);
    bool found = false;
    for (size_t i = 0; i < r->audit->n_records; i++)
        found |= strcmp(r->audit->records[i]->action, action) == 0;
    folio_response_free(r);
    return found;
}

static bool history_has(struct folio_connection *c, const char *client, const char *what)
{
    struct folio_error err = {0};
    Folio__Response *r = harness_ok(folio_client_history(c, client, 100, 0, &err), &err);
    bool found = false;
    for (size_t i = 0; i < r->timeline->n_events; i++)
        found |= strcmp(r->timeline->events[i]->kind, "offer") == 0 &&
                 strcmp(r->timeline->events[i]->what, what) == 0;
    folio_response_free(r);
    return found;
}

/* ---------------------------------------------------------------- tests */

Test(firm_campaign, office_scope_reaches_each_agent_of_the_office_under_its_name)
{
    struct people p;
    portfolios(&p);
    struct folio_error err = {0};
    /* The dry run names, agent by agent, who gets it and who is skipped. */
    Folio__Response *r = harness_ok(create(admin_a, office_a, true, &err), &err);
    const Folio__CampaignResult *res = r->campaign_result;
    cr_assert(res->dry_run);
    cr_assert_eq(res->reached, 3);
    cr_assert_eq(res->skipped, 1);
    cr_assert_eq(res->n_parts, 2, "carol is of the other office");
    const Folio__CampaignResult *a = part_of(res, "alice-");
    cr_assert_not_null(a);
    cr_assert_eq(a->reached, 2);
    cr_assert_eq(a->skipped, 1);
    cr_assert_str_eq(a->clients[2]->client_id, p.carla);
    cr_assert_str_eq(a->clients[2]->skipped, "no consent to marketing by email");
    folio_response_free(r);
    cr_assert_eq(offers_of(alice, NULL), 0, "a dry run made offers");

    r = harness_ok(create(admin_a, office_a, false, &err), &err);
    res = r->campaign_result;
    uint64_t id = res->campaign->id;
    cr_assert_neq(id, 0);
    cr_assert_str_eq(res->campaign->scope, "office");
    cr_assert_eq(res->campaign->offers, 3);
    a = part_of(res, "alice-");
    uint64_t alice_part = a->campaign->id;
    cr_assert_neq(alice_part, id);
    cr_assert_neq(a->clients[0]->offer_id, 0);
    folio_response_free(r);

    /* Alice's offers are hers, from her part; carol got none. */
    r = harness_ok(folio_offer_list(alice, NULL, NULL, TODAY, 0, 0, &err), &err);
    cr_assert_eq(r->offers->n_offers, 2);
    cr_assert_eq(r->offers->offers[0]->campaign_id, alice_part);
    folio_response_free(r);
    cr_assert_eq(offers_of(bob, NULL), 1);
    cr_assert_eq(offers_of(carol, NULL), 0);
    cr_assert(history_has(alice, p.ana, "proposed"));

    /* Alice sees her part as a campaign of hers, naming the firm's. */
    r = harness_ok(folio_campaign_list(alice, 0, 0, &err), &err);
    cr_assert_eq(r->campaigns->n_campaigns, 1);
    cr_assert_eq(r->campaigns->campaigns[0]->id, alice_part);
    cr_assert_eq(r->campaigns->campaigns[0]->firm_campaign_id, id);
    folio_response_free(r);
    harness_refused(folio_campaign_show(alice, id, TODAY, &err), &err, FOLIO__CODE__NOT_FOUND);
    /* And on her agenda, on the day it reached her: one item, not one per
     * client; carol, whom it did not reach, has none. */
    char *campaign_kind[] = {(char *)"campaign"};
    Folio__AgendaQuery q = FOLIO__AGENDA_QUERY__INIT;
    q.date = (char *)TODAY;
    q.days = 1;
    q.kinds = campaign_kind;
    q.n_kinds = 1;
    r = harness_ok(folio_agenda_query(alice, &q, &err), &err);
    cr_assert_eq(r->agenda->n_items, 1);
    cr_assert_str_eq(r->agenda->items[0]->kind, "campaign");
    cr_assert_str_eq(r->agenda->items[0]->date, TODAY);
    cr_assert(strstr(r->agenda->items[0]->title, "2 of your clients") != NULL, "%s",
              r->agenda->items[0]->title);
    folio_response_free(r);
    r = harness_ok(folio_agenda_query(carol, &q, &err), &err);
    cr_assert_eq(r->agenda->n_items, 0);
    folio_response_free(r);
    /* Her part is the firm's to cancel: she opts clients out instead. */
    harness_refused(folio_campaign_cancel(alice, alice_part, TODAY, &err), &err,
                    FOLIO__CODE__FAILED_PRECONDITION);
    cr_assert(strstr(err.message, "opt-out") != NULL, "%s", err.message);

    /* The admin's show counts it by agent. */
    r = harness_ok(folio_campaign_show(admin_a, id, TODAY, &err), &err);
    cr_assert_eq(r->campaign->n_parts, 2);
    cr_assert_eq(tally(r->campaign, "proposed"), 3);
    cr_assert_eq(r->campaign->skipped, 1);
    cr_assert_str_eq(r->campaign->office, office_a);
    folio_response_free(r);
    r = harness_ok(folio_firm_campaign_list(admin_a, 0, 0, &err), &err);
    bool listed = false;
    for (size_t i = 0; i < r->campaigns->n_campaigns; i++)
        listed |= r->campaigns->campaigns[i]->id == id;
    cr_assert(listed);
    folio_response_free(r);
    cr_assert(audited(root, "admin-a", "campaign.create"));
}

Test(firm_campaign, who_may_make_and_see_one)
{
    struct people p;
    portfolios(&p);
    struct folio_error err = {0};
    /* An office-admin for another office, or the firm; an agent at all. */
    harness_refused(create(admin_a, office_b, false, &err), &err, FOLIO__CODE__PERMISSION_DENIED);
    cr_assert(strstr(err.message, "--office") != NULL, "%s", err.message);
    harness_refused(create(admin_a, NULL, true, &err), &err, FOLIO__CODE__PERMISSION_DENIED);
    cr_assert(strstr(err.message, "--firm") != NULL, "%s", err.message);
    harness_refused(create(alice, office_a, true, &err), &err, FOLIO__CODE__PERMISSION_DENIED);
    harness_refused(create(root, "No such office", true, &err), &err, FOLIO__CODE__NOT_FOUND);
    cr_assert_eq(offers_of(alice, NULL), 0);

    Folio__Response *r = harness_ok(create(admin_b, office_b, false, &err), &err);
    uint64_t id = r->campaign_result->campaign->id;
    folio_response_free(r);
    /* The other office's admin neither sees nor cancels it. */
    harness_refused(folio_campaign_show(admin_a, id, TODAY, &err), &err, FOLIO__CODE__NOT_FOUND);
    harness_refused(folio_campaign_cancel(admin_a, id, TODAY, &err), &err, FOLIO__CODE__NOT_FOUND);
    r = harness_ok(folio_firm_campaign_list(admin_a, 0, 0, &err), &err);
    for (size_t i = 0; i < r->campaigns->n_campaigns; i++)
        cr_assert_neq(r->campaigns->campaigns[i]->id, id);
    folio_response_free(r);
    r = harness_ok(folio_campaign_show(root, id, TODAY, &err), &err);
    cr_assert_eq(tally(r->campaign, "proposed"), 1);
    folio_response_free(r);
}

Test(firm_campaign, firm_scope_reaches_every_office)
{
    struct people p;
    portfolios(&p);
    struct folio_error err = {0};
    Folio__Response *r = harness_ok(create(root, NULL, false, &err), &err);
    const Folio__CampaignResult *res = r->campaign_result;
    cr_assert_str_eq(res->campaign->scope, "firm");
    cr_assert_eq(res->reached, 4);
    cr_assert_eq(res->skipped, 1);
    cr_assert_eq(res->n_parts, 3);
    cr_assert_not_null(part_of(res, "carol-"));
    folio_response_free(r);
    cr_assert_eq(offers_of(carol, NULL), 1);
    cr_assert_eq(offers_of(alice, NULL), 2);
}

Test(firm_campaign, an_agent_opts_a_client_out)
{
    struct people p;
    portfolios(&p);
    struct folio_error err = {0};
    Folio__Response *r = harness_ok(create(admin_a, office_a, false, &err), &err);
    uint64_t id = r->campaign_result->campaign->id;
    folio_response_free(r);

    /* By the firm campaign's id; bob's client is not alice's to opt out. */
    harness_refused(folio_campaign_opt_out(alice, id, p.dora, TODAY, &err), &err,
                    FOLIO__CODE__NOT_FOUND);
    harness_refused(folio_campaign_opt_out(alice, id, p.carla, TODAY, &err), &err,
                    FOLIO__CODE__NOT_FOUND);
    harness_refused(folio_campaign_opt_out(carol, id, p.eva, TODAY, &err), &err,
                    FOLIO__CODE__NOT_FOUND);
    r = harness_ok(folio_campaign_opt_out(alice, id, p.ana, TODAY, &err), &err);
    cr_assert_eq(r->campaign_result->withdrawn, 1);
    cr_assert_eq(r->campaign_result->campaign->opted_out, 1);
    cr_assert_str_eq(r->campaign_result->clients[0]->client_id, p.ana);
    folio_response_free(r);
    harness_refused(folio_campaign_opt_out(alice, id, p.ana, TODAY, &err), &err,
                    FOLIO__CODE__FAILED_PRECONDITION);
    cr_assert_eq(offers_of(alice, "withdrawn"), 1);
    cr_assert(history_has(alice, p.ana, "opted out"));
    cr_assert(history_has(alice, p.ana, "withdrawn"));
    cr_assert(audited(root, "alice", "campaign.opt_out"));

    r = harness_ok(folio_campaign_show(admin_a, id, TODAY, &err), &err);
    cr_assert_eq(r->campaign->opted_out, 1);
    cr_assert_eq(tally(r->campaign, "withdrawn"), 1);
    cr_assert_eq(tally(r->campaign, "proposed"), 2);
    folio_response_free(r);
}

Test(firm_campaign, cancel_withdraws_across_agents)
{
    struct people p;
    portfolios(&p);
    struct folio_error err = {0};
    Folio__Response *r = harness_ok(create(admin_a, office_a, false, &err), &err);
    uint64_t id = r->campaign_result->campaign->id;
    folio_response_free(r);
    folio_response_free(harness_ok(folio_campaign_opt_out(bob, id, p.dora, TODAY, &err), &err));

    r = harness_ok(folio_campaign_cancel(admin_a, id, TODAY, &err), &err);
    cr_assert_eq(r->campaign_result->withdrawn, 2, "alice's two; bob's was opted out");
    cr_assert_str_eq(r->campaign_result->campaign->status, "cancelled");
    cr_assert_eq(tally(r->campaign_result->campaign, "withdrawn"), 3);
    folio_response_free(r);
    cr_assert_eq(offers_of(alice, "withdrawn"), 2);
    cr_assert(history_has(alice, p.beto, "withdrawn"));
    harness_refused(folio_campaign_cancel(admin_a, id, TODAY, &err), &err,
                    FOLIO__CODE__FAILED_PRECONDITION);
    r = harness_ok(folio_campaign_list(alice, 0, 0, &err), &err);
    cr_assert_str_eq(r->campaigns->campaigns[0]->status, "cancelled");
    folio_response_free(r);
    cr_assert(audited(root, "admin-a", "campaign.cancel"));
}

/* Nobody in the office consented to the channel: refused, nothing made. */
Test(firm_campaign, refuses_when_nobody_can_be_reached)
{
    char id[37];
    add(alice, "Quiet Firm", false, id);
    struct folio_error err = {0};
    harness_refused(create(admin_a, office_a, false, &err), &err, FOLIO__CODE__FAILED_PRECONDITION);
    cr_assert(strstr(err.message, "email") != NULL, "%s", err.message);
    harness_refused(create(admin_b, office_b, false, &err), &err, FOLIO__CODE__FAILED_PRECONDITION);
    cr_assert_eq(offers_of(alice, NULL), 0);
}

/* A disabled agent keeps its clients, but no campaign reaches them. */
Test(firm_campaign, skips_the_clients_of_a_disabled_agent)
{
    struct people p;
    portfolios(&p);
    struct folio_error err = {0};
    char bob_name[32];
    snprintf(bob_name, sizeof(bob_name), "bob-%d", (int)getpid());
    folio_response_free(harness_ok(folio_user_disable(root, bob_name, &err), &err));
    Folio__Response *r = harness_ok(create(admin_a, office_a, false, &err), &err);
    const Folio__CampaignResult *res = r->campaign_result;
    cr_assert_eq(res->reached, 2);
    cr_assert_eq(res->skipped, 2);
    const Folio__CampaignResult *b = part_of(res, "bob-");
    cr_assert_not_null(b);
    cr_assert_eq(b->reached, 0);
    cr_assert_null(b->campaign, "a part that reaches nobody is not made");
    cr_assert(strstr(b->clients[0]->skipped, "disabled") != NULL, "%s", b->clients[0]->skipped);
    folio_response_free(r);
}

/* Past CAMPAIGN_CLIENTS_MAX clients of one agent, an office campaign is
 * refused whole, naming the bound and the agent. */
Test(firm_campaign, refuses_past_the_bound_of_one_agent)
{
    enum { N = CAMPAIGN_CLIENTS_MAX + 1 };
    static Folio__Client clients[N];
    static Folio__Client *list[N];
    static char names[N][32];
    Folio__Consent consent = FOLIO__CONSENT__INIT;
    consent.email = true;
    for (size_t i = 0; i < N; i++) {
        folio__client__init(&clients[i]);
        snprintf(names[i], sizeof(names[i]), "Bulk %zu Firm", i);
        clients[i].name = names[i];
        clients[i].city = city;
        clients[i].consent = &consent;
        list[i] = &clients[i];
    }
    struct folio_error err = {0};
    folio_response_free(harness_ok(folio_client_import(bob, list, NULL, N, false, &err), &err));
    harness_refused(create(admin_a, office_a, true, &err), &err, FOLIO__CODE__FAILED_PRECONDITION);
    cr_assert(strstr(err.message, "500") != NULL && strstr(err.message, "bob-") != NULL, "%s",
              err.message);
    harness_refused(create(admin_a, office_a, false, &err), &err, FOLIO__CODE__FAILED_PRECONDITION);
    cr_assert_eq(offers_of(bob, NULL), 0);
}

/* With a partner, each agent's clients get a coupon of the agent's too;
 * the cancel withdraws both. */
Test(firm_campaign, coupons_are_each_agents)
{
    struct people p;
    portfolios(&p);
    struct folio_error err = {0};
    char partner_name[32];
    snprintf(partner_name, sizeof(partner_name), "Cine-%d", (int)getpid());
    Folio__Partner partner = FOLIO__PARTNER__INIT;
    partner.name = partner_name;
    partner.category = (char *)"cinema";
    Folio__Response *r = harness_ok(folio_partner_add(root, &partner, &err), &err);
    uint64_t partner_id = r->partner->id;
    folio_response_free(r);
    r = harness_ok(create_with(admin_a, office_a, false, partner_id, &err), &err);
    uint64_t id = r->campaign_result->campaign->id;
    uint64_t bobs_part = part_of(r->campaign_result, "bob-")->campaign->id;
    folio_response_free(r);
    r = harness_ok(folio_coupon_list(bob, NULL, 0, NULL, &err), &err);
    cr_assert_eq(r->coupons->n_coupons, 1);
    cr_assert_eq(r->coupons->coupons[0]->campaign_id, bobs_part);
    folio_response_free(r);
    r = harness_ok(folio_coupon_list(alice, NULL, 0, NULL, &err), &err);
    cr_assert_eq(r->coupons->n_coupons, 2);
    folio_response_free(r);
    r = harness_ok(folio_campaign_cancel(root, id, TODAY, &err), &err);
    cr_assert_eq(r->campaign_result->withdrawn, 6, "three offers and three coupons");
    folio_response_free(r);
}

/* n clients of c's in the test's city, consenting to email. */
static void add_many(struct folio_connection *c, const char *who, size_t n)
{
    static Folio__Client clients[CAMPAIGN_CLIENTS_MAX];
    static Folio__Client *list[CAMPAIGN_CLIENTS_MAX];
    static char names[CAMPAIGN_CLIENTS_MAX][40];
    cr_assert_leq(n, CAMPAIGN_CLIENTS_MAX);
    Folio__Consent consent = FOLIO__CONSENT__INIT;
    consent.email = true;
    for (size_t i = 0; i < n; i++) {
        folio__client__init(&clients[i]);
        snprintf(names[i], sizeof(names[i]), "Many %zu %s", i, who);
        clients[i].name = names[i];
        clients[i].city = city;
        clients[i].consent = &consent;
        list[i] = &clients[i];
    }
    struct folio_error err = {0};
    folio_response_free(harness_ok(folio_client_import(c, list, NULL, n, false, &err), &err));
}

/* CAMPAIGN_FIRM_CLIENTS_MAX clients in all, with a coupon each, fit one
 * request; one more is refused whole, naming the bound and the flags. */
Test(firm_campaign, holds_the_bound_in_all)
{
    enum { AGENTS = 5, EACH = CAMPAIGN_FIRM_CLIENTS_MAX / AGENTS };
    _Static_assert(EACH <= CAMPAIGN_CLIENTS_MAX, "each agent within its own bound");
    struct folio_connection *agents[AGENTS] = {alice, bob};
    const char *names[AGENTS] = {"alice", "bob", "dan", "eve", "fay"};
    for (size_t i = 2; i < AGENTS; i++)
        agents[i] = user(names[i], FOLIO__ROLE__ROLE_AGENT, office_a);
    for (size_t i = 0; i < AGENTS; i++)
        add_many(agents[i], names[i], EACH);
    struct folio_error err = {0};
    Folio__Partner partner = FOLIO__PARTNER__INIT;
    char partner_name[32];
    snprintf(partner_name, sizeof(partner_name), "Gym-%d", (int)getpid());
    partner.name = partner_name;
    partner.category = (char *)"gym";
    Folio__Response *r = harness_ok(folio_partner_add(root, &partner, &err), &err);
    uint64_t partner_id = r->partner->id;
    folio_response_free(r);
    r = harness_ok(create_with(admin_a, office_a, false, partner_id, &err), &err);
    cr_assert_eq(r->campaign_result->reached, CAMPAIGN_FIRM_CLIENTS_MAX);
    cr_assert_eq(r->campaign_result->n_parts, AGENTS);
    uint64_t id = r->campaign_result->campaign->id;
    folio_response_free(r);
    r = harness_ok(folio_campaign_cancel(root, id, TODAY, &err), &err);
    cr_assert_eq(r->campaign_result->withdrawn, 2 * CAMPAIGN_FIRM_CLIENTS_MAX);
    folio_response_free(r);

    char one[37];
    add(agents[AGENTS - 1], "One More Firm", true, one);
    harness_refused(create(admin_a, office_a, true, &err), &err, FOLIO__CODE__FAILED_PRECONDITION);
    cr_assert(strstr(err.message, "2000") != NULL && strstr(err.message, "--office") != NULL, "%s",
              err.message);
    for (size_t i = 2; i < AGENTS; i++)
        folio_connection_close(agents[i]);
}
