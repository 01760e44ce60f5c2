/* test_reassign.c - moving clients between agents, against a real foliod.
 *
 * Every test starts from the same firm: offices North and South, and
 *   olga   office-admin of North
 *   alice  agent in North     anna  agent in North     bob  agent in South
 * next to the firm-admin root, one partner and two clients of alice: Mia
 * (born on 12 June, with an offer and a coupon) and Noel; bob has Zoe.
 *
 * The tests share one server at TODAY (harness_shared_start), each with
 * offices, people and a partner of its own, named after its process
 * (North-PID, alice-PID, ..., "Cine Sol PID"). Reassignments and the audit
 * log are firm-wide: a test counts the records naming its own agents. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <criterion/criterion.h>
#include <criterion/hooks.h>

#include "envelope.h"
#include "folioclient_reassign.h"
#include "harness.h"

#define PW_OLGA  "olga-password"
#define PW_ALICE "alice-password"
#define PW_ANNA  "anna-password"
#define PW_BOB   "bob-password"
/* foliod runs at TODAY (harness_server_clock): its date decides expiry. */
#define TODAY "2030-06-10"

static struct harness_server srv;
static struct folio_connection *root, *olga, *alice, *anna, *bob;
/* This test's offices, people and partner. */
static char north[32], south[32], olga_name[32], alice_name[32], anna_name[32], bob_name[32],
    partner_name[32];
static char mia[37], noel[37], zoe[37];
static char *coupon_code;

static void add_client(struct folio_connection *c, const char *name, const char *birth,
                       char out[37])
{
    struct folio_error err = {0};
    Folio__Consent consent = FOLIO__CONSENT__INIT;
    consent.email = true;
    Folio__Client client = FOLIO__CLIENT__INIT;
    client.name = (char *)name;
    client.birth_date = (char *)birth;
    client.consent = &consent;
    Folio__ClientAdd op = FOLIO__CLIENT_ADD__INIT;
    op.client = &client;
    Folio__Request req;
    envelope_init(&req, &op.base);
    Folio__Response *r = harness_ok(folio_connection_call(c, &req, &err), &err);
    snprintf(out, 37, "%s", r->client->id);
    folio_response_free(r);
}

static void add_offer(struct folio_connection *c, const char *client_id)
{
    struct folio_error err = {0};
    Folio__Offer offer = FOLIO__OFFER__INIT;
    offer.client_id = (char *)client_id;
    offer.title = (char *)"Car loan";
    offer.product = (char *)"car loan";
    offer.rate_bp = 450;
    offer.valid_from = (char *)"2030-01-01";
    offer.valid_until = (char *)"2030-06-14";
    Folio__Response *r = harness_ok(folio_offer_add(c, &offer, TODAY, &err), &err);
    folio_response_free(r);
}

static char *add_coupon(struct folio_connection *c, const char *client_id, uint64_t partner)
{
    struct folio_error err = {0};
    Folio__Coupon coupon = FOLIO__COUPON__INIT;
    coupon.client_id = (char *)client_id;
    coupon.partner_id = partner;
    coupon.discount = (char *)"2x1 tickets";
    coupon.valid_until = (char *)"2030-06-15";
    Folio__Response *r = harness_ok(folio_coupon_issue(c, &coupon, TODAY, &err), &err);
    char *code = strdup(r->coupon->code);
    folio_response_free(r);
    return code;
}

/* How many clients c sees in its own portfolio. */
static size_t portfolio_size(struct folio_connection *c)
{
    struct folio_error err = {0};
    Folio__Response *r = harness_ok(folio_client_list(c, 1000, NULL, &err), &err);
    size_t n = r->clients->n_clients;
    folio_response_free(r);
    return n;
}

static bool sees_client(struct folio_connection *c, const char *id)
{
    struct folio_error err = {0};
    Folio__Response *r = folio_client_get(c, id, false, &err);
    bool yes = r != NULL;
    if (r == NULL)
        cr_assert_eq(err.code, FOLIO__CODE__NOT_FOUND, "%s", err.message);
    folio_response_free(r);
    return yes;
}

static uint64_t client_version(struct folio_connection *c, const char *id)
{
    struct folio_error err = {0};
    Folio__Response *r = harness_ok(folio_client_get(c, id, false, &err), &err);
    uint64_t v = r->client->version;
    folio_response_free(r);
    return v;
}

/* How many agenda items of kind about client_id (or ref) c sees from TODAY. */
static size_t agenda_items(struct folio_connection *c, const char *kind, const char *client_id)
{
    struct folio_error err = {0};
    Folio__Response *r = harness_ok(folio_agenda(c, TODAY, 7, &err), &err);
    size_t n = 0;
    for (size_t i = 0; i < r->agenda->n_items; i++) {
        const Folio__AgendaItem *it = r->agenda->items[i];
        if (strcmp(it->kind, kind) == 0 && strcmp(it->client_id, client_id) == 0)
            n++;
    }
    folio_response_free(r);
    return n;
}

static size_t offers_of(struct folio_connection *c)
{
    struct folio_error err = {0};
    Folio__Response *r = harness_ok(folio_offer_list(c, NULL, NULL, TODAY, 100, 0, &err), &err);
    size_t n = r->offers->n_offers;
    folio_response_free(r);
    return n;
}

static size_t coupons_of(struct folio_connection *c)
{
    struct folio_error err = {0};
    Folio__Response *r = harness_ok(folio_coupon_list(c, NULL, 100, NULL, &err), &err);
    size_t n = r->coupons->n_coupons;
    folio_response_free(r);
    return n;
}

/* Does the timeline of id (seen by c) hold a "reassigned" event saying what? */
static size_t reassigned_events(struct folio_connection *c, const char *id, const char *what)
{
    struct folio_error err = {0};
    Folio__Response *r = harness_ok(folio_client_history(c, id, 100, 0, &err), &err);
    size_t n = 0;
    for (size_t i = 0; i < r->timeline->n_events; i++)
        if (strcmp(r->timeline->events[i]->kind, "reassigned") == 0 &&
            strcmp(r->timeline->events[i]->what, what) == 0)
            n++;
    folio_response_free(r);
    return n;
}

/* Does detail ("2 clients from alice-PID to anna-PID") name one of this
 * test's agents, word for word? */
static bool names_our_agent(const char *detail)
{
    const char *agents[] = {alice_name, anna_name, bob_name};
    char copy[256];
    snprintf(copy, sizeof(copy), "%s", detail);
    char *save = NULL;
    for (char *w = strtok_r(copy, " ", &save); w != NULL; w = strtok_r(NULL, " ", &save))
        for (size_t i = 0; i < sizeof(agents) / sizeof(agents[0]); i++)
            if (strcmp(w, agents[i]) == 0)
                return true;
    return false;
}

/* How many audit records of action name this test's agents: the log is the
 * firm's, other tests reassign their own. */
static size_t audit_count(const char *action)
{
    struct folio_error err = {0};
    Folio__Response *r = harness_ok(folio_audit_query(root, NULL, 0, 1000, 0, &err), &err);
    cr_assert_eq(r->audit->next, 0, "the audit log outgrew one page");
    size_t n = 0;
    for (size_t i = 0; i < r->audit->n_records; i++)
        if (strcmp(r->audit->records[i]->action, action) == 0 &&
            names_our_agent(r->audit->records[i]->detail))
            n++;
    folio_response_free(r);
    return n;
}

/* ---------------------------------------------------------------- fixture */

ReportHook(PRE_SUITE)(struct criterion_suite_set *set)
{
    if (strcmp(set->suite.name, "reassign") == 0)
        harness_shared_start("reassign", TODAY " 12:00:00", NULL);
}

/* Not at POST_SUITE: Criterion reports a suite's end as soon as it has
 * started the suite's last test, while that test and others may still run.
 * POST_ALL comes once every test has ended. */
ReportHook(POST_ALL)(struct criterion_global_stats *stats)
{
    (void)stats;
    harness_shared_stop("reassign");
}

static void setup(void)
{
    harness_shared_attach(&srv, "reassign");
    int pid = (int)getpid();
    snprintf(north, sizeof(north), "North-%d", pid);
    snprintf(south, sizeof(south), "South-%d", pid);
    snprintf(olga_name, sizeof(olga_name), "olga-%d", pid);
    snprintf(alice_name, sizeof(alice_name), "alice-%d", pid);
    snprintf(anna_name, sizeof(anna_name), "anna-%d", pid);
    snprintf(bob_name, sizeof(bob_name), "bob-%d", pid);
    snprintf(partner_name, sizeof(partner_name), "Cine Sol %d", pid);
    root = harness_admin(&srv);
    harness_add_office(root, north);
    harness_add_office(root, south);
    harness_add_user(root, olga_name, FOLIO__ROLE__ROLE_OFFICE_ADMIN, north, PW_OLGA);
    harness_add_user(root, alice_name, FOLIO__ROLE__ROLE_AGENT, north, PW_ALICE);
    harness_add_user(root, anna_name, FOLIO__ROLE__ROLE_AGENT, north, PW_ANNA);
    harness_add_user(root, bob_name, FOLIO__ROLE__ROLE_AGENT, south, PW_BOB);
    olga = harness_user(&srv, olga_name, PW_OLGA);
    alice = harness_user(&srv, alice_name, PW_ALICE);
    anna = harness_user(&srv, anna_name, PW_ANNA);
    bob = harness_user(&srv, bob_name, PW_BOB);
    struct folio_error err = {0};
    Folio__Partner partner = FOLIO__PARTNER__INIT;
    partner.name = partner_name;
    partner.category = (char *)"cinema";
    partner.city = (char *)"Lima";
    Folio__Response *r = harness_ok(folio_partner_add(root, &partner, &err), &err);
    uint64_t partner_id = r->partner->id;
    folio_response_free(r);
    add_client(alice, "Mia Torres", "1980-06-12", mia);
    add_client(alice, "Noel Ruiz", "", noel);
    add_client(bob, "Zoe Diaz", "", zoe);
    add_offer(alice, mia);
    coupon_code = add_coupon(alice, mia, partner_id);
}

static void teardown(void)
{
    free(coupon_code);
    coupon_code = NULL;
    harness_server_cleanup(&srv);
}

TestSuite(reassign, .init = setup, .fini = teardown);

static void finish(void)
{
    struct folio_connection **all[] = {&root, &olga, &alice, &anna, &bob};
    for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
        folio_connection_close(*all[i]);
        *all[i] = NULL;
    }
    harness_server_finish(&srv);
}

/* ---------------------------------------------------------------- tests */

Test(reassign, roles)
{
    struct folio_error err = {0};
    harness_refused(folio_reassign(alice, alice_name, anna_name, NULL, 0, false, &err), &err,
                    FOLIO__CODE__PERMISSION_DENIED);
    harness_refused(folio_reassign(olga, alice_name, bob_name, NULL, 0, false, &err), &err,
                    FOLIO__CODE__PERMISSION_DENIED);
    harness_refused(folio_reassign(olga, bob_name, alice_name, NULL, 0, false, &err), &err,
                    FOLIO__CODE__PERMISSION_DENIED);
    harness_refused(folio_reassign(root, alice_name, "nobody", NULL, 0, false, &err), &err,
                    FOLIO__CODE__NOT_FOUND);
    cr_assert_str_eq(err.message, "no agent nobody");
    harness_refused(folio_reassign(root, olga_name, alice_name, NULL, 0, false, &err), &err,
                    FOLIO__CODE__NOT_FOUND);
    cr_assert_eq(portfolio_size(alice), 2, "nothing moved");
    cr_assert_eq(audit_count("client.reassign"), 0);

    /* An office-admin within its office. */
    Folio__Response *r =
        harness_ok(folio_reassign(olga, alice_name, anna_name, NULL, 0, false, &err), &err);
    cr_assert_eq(r->reassign->count, 2);
    cr_assert_neq(r->reassign->id, 0);
    folio_response_free(r);
    cr_assert_eq(portfolio_size(anna), 2);
    cr_assert_eq(portfolio_size(alice), 0);

    /* A firm-admin across offices. */
    r = harness_ok(folio_reassign(root, bob_name, alice_name, NULL, 0, false, &err), &err);
    cr_assert_eq(r->reassign->count, 1);
    folio_response_free(r);
    cr_assert(sees_client(alice, zoe));
    cr_assert_not(sees_client(bob, zoe));
    finish();
}

Test(reassign, everything_moves_with_the_client)
{
    struct folio_error err = {0};
    cr_assert_eq(agenda_items(alice, "birthday", mia), 1);
    uint64_t version = client_version(alice, mia);
    Folio__Response *r =
        harness_ok(folio_reassign(root, alice_name, anna_name, NULL, 0, false, &err), &err);
    uint64_t id = r->reassign->id;
    cr_assert_str_eq(r->reassign->from, alice_name);
    cr_assert_str_eq(r->reassign->to, anna_name);
    cr_assert_eq(r->reassign->n_clients, 2);
    folio_response_free(r);

    cr_assert(sees_client(anna, mia));
    cr_assert(sees_client(anna, noel));
    cr_assert_not(sees_client(alice, mia));
    cr_assert_eq(portfolio_size(alice), 0);
    cr_assert_eq(client_version(anna, mia), version + 1);
    char moved[96];
    snprintf(moved, sizeof(moved), "from %s to %s", alice_name, anna_name);
    cr_assert_eq(reassigned_events(anna, mia, moved), 1);
    cr_assert_eq(offers_of(anna), 1);
    cr_assert_eq(offers_of(alice), 0);
    cr_assert_eq(coupons_of(anna), 1);
    cr_assert_eq(coupons_of(alice), 0);
    cr_assert_eq(agenda_items(anna, "birthday", mia), 1);
    cr_assert_eq(agenda_items(alice, "birthday", mia), 0);
    cr_assert_eq(audit_count("client.reassign"), 1);
    cr_assert_neq(id, 0);

    /* Undo moves exactly those back, and only once. */
    r = harness_ok(folio_reassign_undo(olga, id, &err), &err);
    cr_assert_eq(r->reassign->count, 2);
    folio_response_free(r);
    cr_assert_eq(portfolio_size(alice), 2);
    cr_assert_eq(portfolio_size(anna), 0);
    cr_assert_eq(offers_of(alice), 1);
    cr_assert_eq(coupons_of(alice), 1);
    cr_assert_eq(agenda_items(alice, "birthday", mia), 1);
    snprintf(moved, sizeof(moved), "from %s to %s", anna_name, alice_name);
    cr_assert_eq(reassigned_events(alice, mia, moved), 1);
    cr_assert_eq(audit_count("client.reassign.undo"), 1);
    harness_refused(folio_reassign_undo(root, id, &err), &err, FOLIO__CODE__FAILED_PRECONDITION);
    /* Reassignment ids are the firm's: far past any the suite makes. */
    harness_refused(folio_reassign_undo(root, id + 1000000, &err), &err, FOLIO__CODE__NOT_FOUND);
    finish();
}

Test(reassign, chosen_clients)
{
    struct folio_error err = {0};
    const char *ids[] = {noel};
    Folio__Response *r =
        harness_ok(folio_reassign(root, alice_name, anna_name, ids, 1, false, &err), &err);
    cr_assert_eq(r->reassign->count, 1);
    cr_assert_str_eq(r->reassign->clients[0]->name, "Noel Ruiz");
    folio_response_free(r);
    cr_assert(sees_client(anna, noel));
    cr_assert(sees_client(alice, mia));

    /* Zoe is bob's: the same answer as an id that does not exist, and
     * nothing moves, not even the valid one listed with it. */
    const char *mixed[] = {mia, zoe};
    harness_refused(folio_reassign(root, alice_name, anna_name, mixed, 2, false, &err), &err,
                    FOLIO__CODE__NOT_FOUND);
    char want[64];
    snprintf(want, sizeof(want), "no client %s", zoe);
    cr_assert_str_eq(err.message, want);
    cr_assert(sees_client(alice, mia));
    cr_assert(sees_client(bob, zoe));
    finish();
}

Test(reassign, dry_run_changes_nothing)
{
    struct folio_error err = {0};
    Folio__Response *r =
        harness_ok(folio_reassign(olga, alice_name, anna_name, NULL, 0, true, &err), &err);
    cr_assert(r->reassign->dry_run);
    cr_assert_eq(r->reassign->id, 0);
    cr_assert_eq(r->reassign->count, 2);
    cr_assert_eq(r->reassign->n_clients, 2);
    bool named = false;
    for (size_t i = 0; i < r->reassign->n_clients; i++)
        named |= strcmp(r->reassign->clients[i]->name, "Mia Torres") == 0;
    cr_assert(named);
    folio_response_free(r);
    cr_assert_eq(portfolio_size(alice), 2);
    cr_assert_eq(portfolio_size(anna), 0);
    cr_assert_eq(audit_count("client.reassign"), 0);
    finish();
}

Test(reassign, undo_refused_after_a_change)
{
    struct folio_error err = {0};
    Folio__Response *r =
        harness_ok(folio_reassign(root, alice_name, anna_name, NULL, 0, false, &err), &err);
    uint64_t id = r->reassign->id;
    folio_response_free(r);
    Folio__Client changes = FOLIO__CLIENT__INIT;
    changes.city = (char *)"Cusco";
    const char *fields[] = {"city"};
    r = harness_ok(folio_client_update(anna, noel, &changes, fields, 1, 0, &err), &err);
    folio_response_free(r);
    harness_refused(folio_reassign_undo(root, id, &err), &err, FOLIO__CODE__FAILED_PRECONDITION);
    char want[256];
    snprintf(want, sizeof(want),
             "client %s changed since the reassignment (its record changed since); nothing was "
             "moved back: --client moves back those that did not change",
             noel);
    cr_assert_str_eq(err.message, want);
    cr_assert_eq(portfolio_size(anna), 2, "nothing moved back");
    cr_assert_eq(portfolio_size(alice), 0);
    /* bob's office-admin scope: olga may not undo a move to bob. */
    r = harness_ok(folio_reassign(root, anna_name, bob_name, NULL, 0, false, &err), &err);
    uint64_t to_bob = r->reassign->id;
    folio_response_free(r);
    harness_refused(folio_reassign_undo(olga, to_bob, &err), &err, FOLIO__CODE__PERMISSION_DENIED);
    harness_refused(folio_reassign_undo(alice, to_bob, &err), &err, FOLIO__CODE__PERMISSION_DENIED);
    finish();
}

/* A holding anna added to Mia since: a timeline entry of the new owner's. */
static void add_holding(struct folio_connection *c, const char *client_id)
{
    struct folio_error err = {0};
    Folio__Holding holding = FOLIO__HOLDING__INIT;
    holding.client_id = (char *)client_id;
    holding.kind = (char *)"auto";
    holding.provider = (char *)"Acme";
    folio_response_free(harness_ok(folio_holding_add(c, &holding, &err), &err));
}

static const Folio__ReassignedClient *kept_client(const Folio__ReassignResult *res, const char *id)
{
    for (size_t i = 0; i < res->n_kept; i++)
        if (strcmp(res->kept[i]->id, id) == 0)
            return res->kept[i];
    return NULL;
}

Test(reassign, undo_of_some_clients)
{
    struct folio_error err = {0};
    Folio__Response *r =
        harness_ok(folio_reassign(root, alice_name, anna_name, NULL, 0, false, &err), &err);
    uint64_t id = r->reassign->id;
    folio_response_free(r);
    uint64_t version = client_version(anna, mia);
    add_holding(anna, mia);
    cr_assert_eq(client_version(anna, mia), version, "a holding leaves the version alone");

    /* Noel did not change and moves back; Mia has the new owner's holding
     * on her timeline and stays, named with why. A start of an id is
     * enough. */
    char noel_start[9];
    snprintf(noel_start, sizeof(noel_start), "%.8s", noel);
    const char *both[] = {mia, noel_start};
    r = harness_ok(folio_reassign_undo_clients(olga, id, both, 2, &err), &err);
    cr_assert_eq(r->reassign->count, 1);
    cr_assert_eq(r->reassign->n_clients, 1);
    cr_assert_str_eq(r->reassign->clients[0]->id, noel);
    cr_assert_eq(r->reassign->n_kept, 1);
    const Folio__ReassignedClient *kept = kept_client(r->reassign, mia);
    cr_assert_not_null(kept);
    cr_assert_str_eq(kept->name, "Mia Torres");
    cr_assert_str_eq(kept->changed, "1 timeline entry since");
    folio_response_free(r);
    cr_assert(sees_client(alice, noel));
    cr_assert(sees_client(anna, mia));
    cr_assert_not(sees_client(alice, mia));
    char back[96];
    snprintf(back, sizeof(back), "from %s to %s", anna_name, alice_name);
    cr_assert_eq(reassigned_events(alice, noel, back), 1);
    cr_assert_eq(audit_count("client.reassign.undo"), 1);

    /* Again: Noel is already back, Mia still changed; nothing moves and
     * nothing is written. */
    const char *again[] = {noel};
    r = harness_ok(folio_reassign_undo_clients(root, id, again, 1, &err), &err);
    cr_assert_eq(r->reassign->count, 0);
    cr_assert_str_eq(kept_client(r->reassign, noel)->changed, "already moved back");
    folio_response_free(r);
    cr_assert_eq(audit_count("client.reassign.undo"), 1);
    /* The whole undo is refused while Mia is changed, naming her. */
    harness_refused(folio_reassign_undo(root, id, &err), &err, FOLIO__CODE__FAILED_PRECONDITION);
    cr_assert_not_null(strstr(err.message, mia), "%s", err.message);
    cr_assert(sees_client(anna, mia));

    /* A client the reassignment did not move, and a text that names none. */
    const char *other[] = {zoe};
    harness_refused(folio_reassign_undo_clients(root, id, other, 1, &err), &err,
                    FOLIO__CODE__NOT_FOUND);
    char want[128];
    snprintf(want, sizeof(want), "no client %s in reassignment %llu", zoe, (unsigned long long)id);
    cr_assert_str_eq(err.message, want);
    const char *bad[] = {"x1"};
    harness_refused(folio_reassign_undo_clients(root, id, bad, 1, &err), &err,
                    FOLIO__CODE__INVALID_ARGUMENT);
    /* The office-admin's scope still holds. */
    harness_refused(folio_reassign_undo_clients(alice, id, again, 1, &err), &err,
                    FOLIO__CODE__PERMISSION_DENIED);
    finish();
}

Test(reassign, undo_of_the_last_clients_ends_the_reassignment)
{
    struct folio_error err = {0};
    Folio__Response *r =
        harness_ok(folio_reassign(root, alice_name, anna_name, NULL, 0, false, &err), &err);
    uint64_t id = r->reassign->id;
    folio_response_free(r);
    const char *first[] = {mia};
    r = harness_ok(folio_reassign_undo_clients(root, id, first, 1, &err), &err);
    cr_assert_eq(r->reassign->count, 1);
    cr_assert_eq(r->reassign->n_kept, 0);
    folio_response_free(r);
    /* The whole undo moves back what is left: Noel. */
    r = harness_ok(folio_reassign_undo(root, id, &err), &err);
    cr_assert_eq(r->reassign->count, 1);
    cr_assert_str_eq(r->reassign->clients[0]->id, noel);
    folio_response_free(r);
    cr_assert_eq(portfolio_size(alice), 2);
    cr_assert_eq(offers_of(alice), 1, "Mia's offer came back with her");
    r = harness_ok(folio_reassign_show(root, id, &err), &err);
    cr_assert_neq(r->reassignment->undone_at, 0,
                  "every client is back: the reassignment is undone");
    for (size_t i = 0; i < r->reassignment->n_clients; i++)
        cr_assert_neq(r->reassignment->clients[i]->undone_at, 0);
    folio_response_free(r);
    harness_refused(folio_reassign_undo_clients(root, id, first, 1, &err), &err,
                    FOLIO__CODE__FAILED_PRECONDITION);
    cr_assert_eq(audit_count("client.reassign.undo"), 2);
    finish();
}
