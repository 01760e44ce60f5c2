/* test_coupon.c - partners and coupons, against a real foliod.
 *
 * Every test has the same people, next to the firm-admin root: offices North
 * and South, and
 *   olga   office-admin of North
 *   alice  agent in North            bob    agent in South
 * one partner ("Cine Sol") and two clients of alice: Mia, who agreed to
 * marketing by email, and Noel, who agreed to nothing. foliod runs from
 * TODAY (harness_server_clock), whose date decides validity and expiry; a
 * request's date only labels when it happened.
 *
 * The tests share one server (harness_shared_start), each with offices,
 * people and partner of its own, named after its process (North-PID,
 * alice-PID, Cine Sol-PID, ...). Partners are firm-wide: a test looks for its
 * own in the list. The tests that need a later day (they move the server's
 * clock) or a restart start their own. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <criterion/criterion.h>
#include <criterion/hooks.h>

#include "envelope.h"
#include "harness.h"

#define PW_OLGA  "olga-password"
#define PW_ALICE "alice-password"
#define PW_BOB   "bob-password"
#define TODAY    "2030-06-10"
#define CLOCK    TODAY " 12:00:00"

static struct harness_server srv;
static struct folio_connection *root, *alice;
static uint64_t partner_id;
static char mia[37], noel[37];

/* This test's offices, people and partner. */
static char north[32], south[32], olga_name[32], alice_name[32], bob_name[32], partner_name[32];

/* ---------------------------------------------------------------- requests */

static Folio__Response *call(struct folio_connection *c, Folio__Request *req,
                             struct folio_error *err)
{
    return folio_connection_call(c, req, err);
}

static Folio__Response *partner_add(struct folio_connection *c, const char *name,
                                    const char *category, const char *city, struct folio_error *err)
{
    Folio__Partner partner = FOLIO__PARTNER__INIT;
    partner.name = (char *)name;
    partner.category = (char *)category;
    partner.city = (char *)(city ? city : "");
    Folio__PartnerAdd op = FOLIO__PARTNER_ADD__INIT;
    op.partner = &partner;
    Folio__Request req;
    envelope_init(&req, &op.base);
    return call(c, &req, err);
}

static Folio__Response *partner_list(struct folio_connection *c, struct folio_error *err)
{
    Folio__PartnerList op = FOLIO__PARTNER_LIST__INIT;
    Folio__Request req;
    envelope_init(&req, &op.base);
    return call(c, &req, err);
}

static Folio__Response *issue(struct folio_connection *c, const char *client_id, uint64_t partner,
                              const char *discount, const char *valid_until, const char *date,
                              struct folio_error *err)
{
    Folio__Coupon coupon = FOLIO__COUPON__INIT;
    coupon.client_id = (char *)client_id;
    coupon.partner_id = partner;
    coupon.discount = (char *)discount;
    coupon.valid_until = (char *)valid_until;
    Folio__CouponIssue op = FOLIO__COUPON_ISSUE__INIT;
    op.coupon = &coupon;
    op.date = (char *)date;
    Folio__Request req;
    envelope_init(&req, &op.base);
    return call(c, &req, err);
}

static Folio__Response *coupon_list(struct folio_connection *c, const char *client_id,
                                    uint32_t limit, const char *after, struct folio_error *err)
{
    Folio__CouponList op = FOLIO__COUPON_LIST__INIT;
    op.client_id = (char *)(client_id ? client_id : "");
    op.limit = limit;
    op.after = (char *)(after ? after : "");
    Folio__Request req;
    envelope_init(&req, &op.base);
    return call(c, &req, err);
}

static Folio__Response *redeem(struct folio_connection *c, const char *code, const char *date,
                               struct folio_error *err)
{
    Folio__CouponRedeem op = FOLIO__COUPON_REDEEM__INIT;
    op.code = (char *)code;
    op.date = (char *)date;
    Folio__Request req;
    envelope_init(&req, &op.base);
    return call(c, &req, err);
}

static void add_client(struct folio_connection *c, const char *name, bool email_consent,
                       char out[37])
{
    struct folio_error err = {0};
    Folio__Consent consent = FOLIO__CONSENT__INIT;
    consent.email = email_consent;
    Folio__Client client = FOLIO__CLIENT__INIT;
    client.name = (char *)name;
    client.consent = &consent;
    Folio__ClientAdd op = FOLIO__CLIENT_ADD__INIT;
    op.client = &client;
    Folio__Request req;
    envelope_init(&req, &op.base);
    Folio__Response *r = harness_ok(call(c, &req, &err), &err);
    snprintf(out, 37, "%s", r->client->id);
    folio_response_free(r);
}

static Folio__Response *history(struct folio_connection *c, const char *id, struct folio_error *err)
{
    Folio__ClientHistory op = FOLIO__CLIENT_HISTORY__INIT;
    op.id = (char *)id;
    Folio__Request req;
    envelope_init(&req, &op.base);
    return call(c, &req, err);
}

static Folio__Response *erase(struct folio_connection *c, const char *id, struct folio_error *err)
{
    Folio__ClientErase op = FOLIO__CLIENT_ERASE__INIT;
    op.id = (char *)id;
    Folio__Request req;
    envelope_init(&req, &op.base);
    return call(c, &req, err);
}

/* Issues a coupon to Mia at the partner; returns its code (free()). */
static char *issue_ok(const char *valid_until)
{
    struct folio_error err = {0};
    Folio__Response *r =
        harness_ok(issue(alice, mia, partner_id, "2x1 tickets", valid_until, TODAY, &err), &err);
    char *code = strdup(r->coupon->code);
    folio_response_free(r);
    return code;
}

static void assert_refused_naming(Folio__Response *r, struct folio_error *err, Folio__Code code,
                                  const char *words)
{
    harness_refused(r, err, code);
    cr_assert_not_null(strstr(err->message, words), "\"%s\" does not say \"%s\"", err->message,
                       words);
}

/* How many coupon_expiring items for code the agenda from TODAY shows. */
static size_t agenda_coupon_items(const char *code)
{
    struct folio_error err = {0};
    Folio__AgendaQuery op = FOLIO__AGENDA_QUERY__INIT;
    op.date = (char *)TODAY;
    op.days = 30;
    Folio__Request req;
    envelope_init(&req, &op.base);
    Folio__Response *r = harness_ok(call(alice, &req, &err), &err);
    size_t n = 0;
    for (size_t i = 0; i < r->agenda->n_items; i++) {
        const Folio__AgendaItem *item = r->agenda->items[i];
        if (strcmp(item->kind, "coupon_expiring") == 0 && strcmp(item->ref, code) == 0)
            n++;
    }
    folio_response_free(r);
    return n;
}

/* ---------------------------------------------------------------- fixture */

ReportHook(PRE_SUITE)(struct criterion_suite_set *set)
{
    if (strcmp(set->suite.name, "coupon") == 0)
        harness_shared_start("coupon", CLOCK, NULL);
}

/* Stopped once every test has ended: Criterion reports POST_SUITE when it
 * looks for the test after the suite's last one, which with --jobs above 1
 * is while the suite's last tests still run. */
ReportHook(POST_ALL)(struct criterion_global_stats *stats)
{
    (void)stats;
    harness_shared_stop("coupon");
}

static void people(void)
{
    int pid = (int)getpid();
    snprintf(north, sizeof(north), "North-%d", pid);
    snprintf(south, sizeof(south), "South-%d", pid);
    snprintf(olga_name, sizeof(olga_name), "olga-%d", pid);
    snprintf(alice_name, sizeof(alice_name), "alice-%d", pid);
    snprintf(bob_name, sizeof(bob_name), "bob-%d", pid);
    snprintf(partner_name, sizeof(partner_name), "Cine Sol-%d", pid);
    root = harness_admin(&srv);
    harness_add_office(root, north);
    harness_add_office(root, south);
    harness_add_user(root, olga_name, FOLIO__ROLE__ROLE_OFFICE_ADMIN, north, PW_OLGA);
    harness_add_user(root, alice_name, FOLIO__ROLE__ROLE_AGENT, north, PW_ALICE);
    harness_add_user(root, bob_name, FOLIO__ROLE__ROLE_AGENT, south, PW_BOB);
    alice = harness_user(&srv, alice_name, PW_ALICE);
    struct folio_error err = {0};
    Folio__Response *r = harness_ok(partner_add(root, partner_name, "cinema", "Lima", &err), &err);
    partner_id = r->partner->id;
    folio_response_free(r);
    add_client(alice, "Mia Torres", true, mia);
    add_client(alice, "Noel Ruiz", false, noel);
}

static void setup(void)
{
    harness_shared_attach(&srv, "coupon");
    people();
}

/* For the tests that move the server's clock or restart it. Criterion runs
 * the suite's .init (setup) before the test's: the test leaves the shared
 * server first. */
static void setup_own(void)
{
    folio_connection_close(alice);
    folio_connection_close(root);
    harness_server_cleanup(&srv);
    harness_server_clock(&srv, CLOCK);
    harness_server_start(&srv, NULL);
    people();
}

static void teardown(void)
{
    harness_server_cleanup(&srv);
}

TestSuite(coupon, .init = setup, .fini = teardown);

static void finish(void)
{
    folio_connection_close(alice);
    folio_connection_close(root);
    alice = root = NULL;
    harness_server_finish(&srv);
}

/* Restarts foliod with its clock at when, and logs root and alice in again. */
static void at(const char *when)
{
    folio_connection_close(alice);
    folio_connection_close(root);
    harness_server_clock(&srv, when);
    harness_server_restart(&srv);
    root = harness_admin(&srv);
    alice = harness_user(&srv, alice_name, PW_ALICE);
}

/* Moves the running foliod's clock to when, "YYYY-MM-DD HH:MM:SS", and waits
 * (bounded) until its today is that day: until a redeem dated that day is no
 * longer refused as after the server's today. The code redeemed is no
 * coupon's, so the probe changes nothing. The sessions of before the move
 * expire with it: each probe logs in anew, and root and alice log in again
 * at the end. */
static void move_to(const char *when)
{
    folio_connection_close(alice);
    folio_connection_close(root);
    harness_server_clock_move(&srv, when);
    char day[11];
    snprintf(day, sizeof(day), "%.10s", when);
    int64_t deadline = harness_now_ms() + 10000 + harness_timeout_ms();
    for (;;) {
        struct folio_connection *c = harness_user(&srv, alice_name, PW_ALICE);
        struct folio_error err = {0};
        Folio__Response *r = redeem(c, "2222-2222-2222-2222", day, &err);
        folio_connection_close(c);
        cr_assert_null(r, "a coupon with the probe's code");
        if (err.code == FOLIO__CODE__NOT_FOUND)
            break;
        cr_assert(err.code == FOLIO__CODE__INVALID_ARGUMENT ||
                      err.code == FOLIO__CODE__UNAUTHENTICATED,
                  "probe: %s", err.message);
        cr_assert(harness_now_ms() < deadline, "foliod's today did not become %s: %s", day,
                  err.message);
        harness_sleep_ms(100);
    }
    root = harness_admin(&srv);
    alice = harness_user(&srv, alice_name, PW_ALICE);
}

static bool audit_has(const char *action, const char *target, const char *detail)
{
    struct folio_error err = {0};
    Folio__Response *r = harness_ok(folio_audit_query(root, NULL, 0, 1000, 0, &err), &err);
    bool found = false;
    for (size_t i = 0; i < r->audit->n_records && !found; i++) {
        const Folio__AuditRecord *a = r->audit->records[i];
        found = strcmp(a->action, action) == 0 && strcmp(a->target, target) == 0 &&
                (detail == NULL || strcmp(a->detail, detail) == 0);
    }
    folio_response_free(r);
    return found;
}

/* ---------------------------------------------------------------- partners */

/* Where this test's entries are in a partner list: the ones whose name ends
 * in -PID (its partner, other, and the names it tried in vain), in the list's
 * order, into where (up to 2); returns how many there are. A partner with no
 * name is nobody's: it fails the test. */
static size_t mine_in(const Folio__Response *r, const char *other, size_t where[2])
{
    char suffix[16];
    size_t n = (size_t)snprintf(suffix, sizeof(suffix), "-%d", (int)getpid());
    size_t count = 0;
    for (size_t i = 0; i < r->partners->n_partners; i++) {
        const char *name = r->partners->partners[i]->name;
        size_t len = strlen(name);
        cr_assert_gt(len, 0, "a partner without a name");
        if (len < n || strcmp(name + len - n, suffix) != 0)
            continue;
        cr_assert(strcmp(name, partner_name) == 0 || strcmp(name, other) == 0, "%s listed", name);
        if (count < 2)
            where[count] = i;
        count++;
    }
    return count;
}

/* The names of a partner list, for messages (static buffer). */
static const char *listed(const Folio__Response *r)
{
    static char names[4096];
    names[0] = '\0';
    for (size_t i = 0; i < r->partners->n_partners; i++) {
        size_t len = strlen(names);
        snprintf(names + len, sizeof(names) - len, "%s%s", i ? ", " : "",
                 r->partners->partners[i]->name);
    }
    return names;
}

Test(coupon, the_firm_admin_adds_partners_and_everyone_lists_them)
{
    struct folio_error err = {0};
    /* Every name this test tries ends in -PID, the refused ones too. */
    char gym_name[32], spa[32], bad_name[32];
    snprintf(gym_name, sizeof(gym_name), "Gym Uno-%d", (int)getpid());
    snprintf(spa, sizeof(spa), "Spa-%d", (int)getpid());
    snprintf(bad_name, sizeof(bad_name), "Bad\x01Name-%d", (int)getpid());
    Folio__Response *r = harness_ok(partner_add(root, gym_name, "GYM", NULL, &err), &err);
    cr_assert_eq(r->result_case, FOLIO__RESPONSE__RESULT_PARTNER);
    cr_assert_str_eq(r->partner->category, "gym");
    cr_assert_gt(r->partner->id, partner_id);
    uint64_t gym = r->partner->id;
    folio_response_free(r);
    char target[32];
    snprintf(target, sizeof(target), "%llu", (unsigned long long)gym);
    cr_assert(audit_has("partner.add", target, gym_name));

    struct folio_connection *olga = harness_user(&srv, olga_name, PW_OLGA);
    harness_refused(partner_add(olga, spa, "spa", NULL, &err), &err,
                    FOLIO__CODE__PERMISSION_DENIED);
    harness_refused(partner_add(alice, spa, "spa", NULL, &err), &err,
                    FOLIO__CODE__PERMISSION_DENIED);
    /* Names differ from the ones there in case only. */
    char same[32], same_exists[64];
    snprintf(same, sizeof(same), "cine SOL-%d", (int)getpid());
    snprintf(same_exists, sizeof(same_exists), "partner %s already exists", same);
    assert_refused_naming(partner_add(root, same, "cinema", NULL, &err), &err,
                          FOLIO__CODE__ALREADY_EXISTS, same_exists);
    assert_refused_naming(partner_add(root, "", "cinema", NULL, &err), &err,
                          FOLIO__CODE__INVALID_ARGUMENT, "name");
    assert_refused_naming(partner_add(root, bad_name, "cinema", NULL, &err), &err,
                          FOLIO__CODE__INVALID_ARGUMENT, "name");
    assert_refused_naming(partner_add(root, spa, "", NULL, &err), &err,
                          FOLIO__CODE__INVALID_ARGUMENT, "category");
    assert_refused_naming(partner_add(root, spa, "spa & sauna", NULL, &err), &err,
                          FOLIO__CODE__INVALID_ARGUMENT, "category");
    char city[202];
    memset(city, 'x', sizeof(city) - 1);
    city[sizeof(city) - 1] = '\0';
    assert_refused_naming(partner_add(root, spa, "spa", city, &err), &err,
                          FOLIO__CODE__INVALID_ARGUMENT, "city");

    /* Partners are firm-wide: the list holds the other tests' too, and this
     * test's two, in the order they were added, and none of the refused. */
    r = harness_ok(partner_list(olga, &err), &err);
    size_t where[2];
    cr_assert_eq(mine_in(r, gym_name, where), 2, "%s", listed(r));
    cr_assert_str_eq(r->partners->partners[where[0]]->name, partner_name);
    cr_assert_str_eq(r->partners->partners[where[0]]->city, "Lima");
    cr_assert_str_eq(r->partners->partners[where[1]]->name, gym_name);
    folio_response_free(r);
    r = harness_ok(partner_list(alice, &err), &err);
    cr_assert_eq(mine_in(r, gym_name, where), 2, "%s", listed(r));
    folio_response_free(r);

    struct folio_connection *anon = harness_connect(&srv);
    harness_refused(partner_list(anon, &err), &err, FOLIO__CODE__UNAUTHENTICATED);
    harness_refused(partner_add(anon, spa, "spa", NULL, &err), &err, FOLIO__CODE__UNAUTHENTICATED);
    folio_connection_close(anon);
    folio_connection_close(olga);
    finish();
}

/* ---------------------------------------------------------------- issue */

Test(coupon, an_agent_issues_a_coupon_with_a_well_formed_code)
{
    struct folio_error err = {0};
    Folio__Response *r =
        harness_ok(issue(alice, mia, partner_id, "2x1 tickets", "2030-07-01", TODAY, &err), &err);
    cr_assert_eq(r->result_case, FOLIO__RESPONSE__RESULT_COUPON);
    Folio__Coupon *c = r->coupon;
    cr_assert_str_eq(c->client_id, mia);
    cr_assert_eq(c->partner_id, partner_id);
    cr_assert_str_eq(c->partner, partner_name);
    cr_assert_str_eq(c->client_name, "Mia Torres");
    cr_assert_str_eq(c->discount, "2x1 tickets");
    cr_assert_str_eq(c->valid_until, "2030-07-01");
    cr_assert_str_eq(c->redeemed_at, "");
    /* XXXX-XXXX-XXXX-XXXX from the 32 unambiguous symbols. */
    cr_assert_eq(strlen(c->code), 19, "%s", c->code);
    for (size_t i = 0; i < 19; i++) {
        if (i % 5 == 4)
            cr_assert_eq(c->code[i], '-', "%s", c->code);
        else
            cr_assert_not_null(strchr("23456789ABCDEFGHJKLMNPQRSTUVWXYZ", c->code[i]), "%s",
                               c->code);
    }
    char *code = strdup(c->code);
    folio_response_free(r);

    /* Codes are unique. */
    char *codes[20];
    for (size_t i = 0; i < 20; i++) {
        codes[i] = issue_ok("2030-07-01");
        cr_assert_str_neq(codes[i], code);
        for (size_t j = 0; j < i; j++)
            cr_assert_str_neq(codes[i], codes[j]);
    }
    for (size_t i = 0; i < 20; i++)
        free(codes[i]);

    /* The timeline says so, and the audit names the client and partner but
     * never the code. */
    r = harness_ok(history(alice, mia, &err), &err);
    Folio__TimelineEvent *ev = r->timeline->events[0];
    cr_assert_str_eq(ev->kind, "coupon");
    cr_assert_str_eq(ev->what, "issued");
    char note[64];
    snprintf(note, sizeof(note), "%s: 2x1 tickets", partner_name);
    cr_assert_str_eq(ev->note, note);
    cr_assert_str_eq(ev->date, TODAY);
    folio_response_free(r);
    char detail[32];
    snprintf(detail, sizeof(detail), "partner %llu", (unsigned long long)partner_id);
    cr_assert(audit_has("coupon.issue", mia, detail));
    r = harness_ok(folio_audit_query(root, NULL, 0, 1000, 0, &err), &err);
    for (size_t i = 0; i < r->audit->n_records; i++) {
        cr_assert_null(strstr(r->audit->records[i]->target, code));
        cr_assert_null(strstr(r->audit->records[i]->detail, code));
    }
    folio_response_free(r);
    char *log = harness_server_log(&srv);
    cr_assert_null(strstr(log, code), "the log shows the code");
    free(log);
    free(code);
    finish();
}

Test(coupon, only_the_owning_agent_issues_with_consent_and_valid_fields)
{
    struct folio_error err = {0};
    /* Roles: admins keep no clients. */
    harness_refused(issue(root, mia, partner_id, "10%", "2030-07-01", TODAY, &err), &err,
                    FOLIO__CODE__PERMISSION_DENIED);
    struct folio_connection *olga = harness_user(&srv, olga_name, PW_OLGA);
    harness_refused(issue(olga, mia, partner_id, "10%", "2030-07-01", TODAY, &err), &err,
                    FOLIO__CODE__PERMISSION_DENIED);
    folio_connection_close(olga);
    struct folio_connection *anon = harness_connect(&srv);
    harness_refused(issue(anon, mia, partner_id, "10%", "2030-07-01", TODAY, &err), &err,
                    FOLIO__CODE__UNAUTHENTICATED);
    folio_connection_close(anon);
    /* Another agent: the client does not exist for it. */
    struct folio_connection *bob = harness_user(&srv, bob_name, PW_BOB);
    char no_client[64];
    snprintf(no_client, sizeof(no_client), "no client %s", mia);
    assert_refused_naming(issue(bob, mia, partner_id, "10%", "2030-07-01", TODAY, &err), &err,
                          FOLIO__CODE__NOT_FOUND, no_client);
    folio_connection_close(bob);
    /* Consent. */
    assert_refused_naming(issue(alice, noel, partner_id, "10%", "2030-07-01", TODAY, &err), &err,
                          FOLIO__CODE__FAILED_PRECONDITION, "consent");
    /* Fields. */
    assert_refused_naming(issue(alice, "nope", partner_id, "10%", "2030-07-01", TODAY, &err), &err,
                          FOLIO__CODE__INVALID_ARGUMENT, "client_id");
    assert_refused_naming(issue(alice, mia, 999, "10%", "2030-07-01", TODAY, &err), &err,
                          FOLIO__CODE__NOT_FOUND, "no partner 999");
    assert_refused_naming(issue(alice, mia, partner_id, "", "2030-07-01", TODAY, &err), &err,
                          FOLIO__CODE__INVALID_ARGUMENT, "discount");
    char discount[202];
    memset(discount, 'd', sizeof(discount) - 1);
    discount[sizeof(discount) - 1] = '\0';
    assert_refused_naming(issue(alice, mia, partner_id, discount, "2030-07-01", TODAY, &err), &err,
                          FOLIO__CODE__INVALID_ARGUMENT, "discount");
    assert_refused_naming(issue(alice, mia, partner_id, "10%", "2030-13-01", TODAY, &err), &err,
                          FOLIO__CODE__INVALID_ARGUMENT, "valid_until");
    assert_refused_naming(issue(alice, mia, partner_id, "10%", "2030-06-09", TODAY, &err), &err,
                          FOLIO__CODE__INVALID_ARGUMENT, "valid_until: already past");
    assert_refused_naming(issue(alice, mia, partner_id, "10%", "2030-07-01", "10/06/2030", &err),
                          &err, FOLIO__CODE__INVALID_ARGUMENT, "date: not a date (YYYY-MM-DD)");
    /* Valid on its last day. */
    char *code = issue_ok(TODAY);
    free(code);
    /* Nothing refused was stored. */
    Folio__Response *r = harness_ok(coupon_list(alice, NULL, 0, NULL, &err), &err);
    cr_assert_eq(r->coupons->n_coupons, 1);
    folio_response_free(r);
    finish();
}

/* ---------------------------------------------------------------- list */

Test(coupon, agents_list_their_own_coupons_in_code_order)
{
    struct folio_error err = {0};
    char *codes[5];
    for (size_t i = 0; i < 5; i++)
        codes[i] = issue_ok("2030-07-01");
    /* A second client with consent, and one coupon for it. */
    char zoe[37];
    add_client(alice, "Zoe Paz", true, zoe);
    Folio__Response *r =
        harness_ok(issue(alice, zoe, partner_id, "free popcorn", "2030-08-01", TODAY, &err), &err);
    char *zoe_code = strdup(r->coupon->code);
    folio_response_free(r);

    r = harness_ok(coupon_list(alice, NULL, 0, NULL, &err), &err);
    cr_assert_eq(r->coupons->n_coupons, 6);
    cr_assert_str_eq(r->coupons->next, "");
    for (size_t i = 1; i < 6; i++)
        cr_assert_lt(strcmp(r->coupons->coupons[i - 1]->code, r->coupons->coupons[i]->code), 0);
    cr_assert_str_eq(r->coupons->coupons[0]->partner, partner_name);
    folio_response_free(r);

    /* Pages. */
    r = harness_ok(coupon_list(alice, NULL, 4, NULL, &err), &err);
    cr_assert_eq(r->coupons->n_coupons, 4);
    cr_assert_str_eq(r->coupons->next, r->coupons->coupons[3]->code);
    char *next = strdup(r->coupons->next);
    folio_response_free(r);
    r = harness_ok(coupon_list(alice, NULL, 4, next, &err), &err);
    cr_assert_eq(r->coupons->n_coupons, 2);
    cr_assert_str_eq(r->coupons->next, "");
    cr_assert_gt(strcmp(r->coupons->coupons[0]->code, next), 0);
    folio_response_free(r);
    free(next);

    /* One client's. */
    r = harness_ok(coupon_list(alice, zoe, 0, NULL, &err), &err);
    cr_assert_eq(r->coupons->n_coupons, 1);
    cr_assert_str_eq(r->coupons->coupons[0]->code, zoe_code);
    cr_assert_str_eq(r->coupons->coupons[0]->client_name, "Zoe Paz");
    folio_response_free(r);
    r = harness_ok(coupon_list(alice, mia, 0, NULL, &err), &err);
    cr_assert_eq(r->coupons->n_coupons, 5);
    folio_response_free(r);

    /* Nobody else sees them, not even by naming the client. */
    struct folio_connection *bob = harness_user(&srv, bob_name, PW_BOB);
    r = harness_ok(coupon_list(bob, NULL, 0, NULL, &err), &err);
    cr_assert_eq(r->coupons->n_coupons, 0);
    folio_response_free(r);
    harness_refused(coupon_list(bob, mia, 0, NULL, &err), &err, FOLIO__CODE__NOT_FOUND);
    folio_connection_close(bob);
    r = harness_ok(coupon_list(root, NULL, 0, NULL, &err), &err);
    cr_assert_eq(r->coupons->n_coupons, 0);
    folio_response_free(r);
    struct folio_connection *anon = harness_connect(&srv);
    harness_refused(coupon_list(anon, NULL, 0, NULL, &err), &err, FOLIO__CODE__UNAUTHENTICATED);
    folio_connection_close(anon);

    for (size_t i = 0; i < 5; i++)
        free(codes[i]);
    free(zoe_code);
    finish();
}

/* ---------------------------------------------------------------- redeem */

Test(coupon, a_coupon_is_redeemed_once_by_its_owner)
{
    /* Issued and redeemed on days before the server's today: the request's
     * date labels the redemption. */
    const char *issued = "2030-06-08", *on = "2030-06-09";
    struct folio_error err = {0};
    Folio__Response *r =
        harness_ok(issue(alice, mia, partner_id, "2x1 tickets", "2030-07-01", issued, &err), &err);
    char *code = strdup(r->coupon->code);
    folio_response_free(r);
    /* Another agent, an admin and an unknown code: all "no coupon". */
    struct folio_connection *bob = harness_user(&srv, bob_name, PW_BOB);
    char no_coupon[64];
    snprintf(no_coupon, sizeof(no_coupon), "no coupon %s", code);
    assert_refused_naming(redeem(bob, code, on, &err), &err, FOLIO__CODE__NOT_FOUND, no_coupon);
    folio_connection_close(bob);
    assert_refused_naming(redeem(root, code, on, &err), &err, FOLIO__CODE__NOT_FOUND, no_coupon);
    assert_refused_naming(redeem(alice, "2222-2222-2222-2222", on, &err), &err,
                          FOLIO__CODE__NOT_FOUND, "no coupon 2222-2222-2222-2222");
    struct folio_connection *anon = harness_connect(&srv);
    harness_refused(redeem(anon, code, on, &err), &err, FOLIO__CODE__UNAUTHENTICATED);
    folio_connection_close(anon);
    assert_refused_naming(redeem(alice, code, "2030-6-9", &err), &err,
                          FOLIO__CODE__INVALID_ARGUMENT, "date");
    assert_refused_naming(redeem(alice, "", on, &err), &err, FOLIO__CODE__INVALID_ARGUMENT, "code");

    /* Typed in lower case, it is still the code. */
    char typed[20];
    for (size_t i = 0; i < 20; i++)
        typed[i] = (char)tolower((unsigned char)code[i]);
    r = harness_ok(redeem(alice, typed, on, &err), &err);
    cr_assert_str_eq(r->coupon->code, code);
    cr_assert_str_eq(r->coupon->redeemed_at, on);
    cr_assert_str_eq(r->coupon->partner, partner_name);
    cr_assert_str_eq(r->coupon->client_name, "Mia Torres");
    folio_response_free(r);

    char again[96];
    snprintf(again, sizeof(again), "coupon %s was already redeemed on %s", code, on);
    assert_refused_naming(redeem(alice, code, "", &err), &err, FOLIO__CODE__FAILED_PRECONDITION,
                          again);

    r = harness_ok(history(alice, mia, &err), &err);
    cr_assert_str_eq(r->timeline->events[0]->kind, "coupon");
    cr_assert_str_eq(r->timeline->events[0]->what, "redeemed");
    cr_assert_str_eq(r->timeline->events[0]->date, on);
    folio_response_free(r);
    char detail[32];
    snprintf(detail, sizeof(detail), "partner %llu", (unsigned long long)partner_id);
    cr_assert(audit_has("coupon.redeem", mia, detail));
    r = harness_ok(folio_audit_query(root, NULL, 0, 1000, 0, &err), &err);
    for (size_t i = 0; i < r->audit->n_records; i++) {
        cr_assert_null(strstr(r->audit->records[i]->target, code));
        cr_assert_null(strstr(r->audit->records[i]->detail, code));
    }
    folio_response_free(r);
    free(code);
    finish();
}

/* Its own server: it moves the server's clock. */
Test(coupon, an_expired_coupon_is_refused, .init = setup_own)
{
    struct folio_error err = {0};
    char *code = issue_ok("2030-06-30");
    char *late = issue_ok("2030-06-30");
    /* The last day still counts. */
    move_to("2030-06-30 23:00:00");
    Folio__Response *r = harness_ok(redeem(alice, code, "", &err), &err);
    cr_assert_str_eq(r->coupon->redeemed_at, "2030-06-30");
    folio_response_free(r);
    /* The day after, the server says it expired, whatever date the
     * request claims. */
    move_to("2030-07-01 09:00:00");
    char expired[96];
    snprintf(expired, sizeof(expired), "coupon %s expired on 2030-06-30", late);
    assert_refused_naming(redeem(alice, late, "2030-06-30", &err), &err,
                          FOLIO__CODE__FAILED_PRECONDITION, expired);
    assert_refused_naming(redeem(alice, late, "", &err), &err, FOLIO__CODE__FAILED_PRECONDITION,
                          expired);
    /* A date after today is no date a thing happened on. */
    assert_refused_naming(redeem(alice, late, "2030-07-02", &err), &err,
                          FOLIO__CODE__INVALID_ARGUMENT, "after today (2030-07-01");
    free(code);
    free(late);
    finish();
}

/* ---------------------------------------------------------------- agenda */

Test(coupon, the_agenda_shows_a_coupon_about_to_expire_until_it_is_redeemed)
{
    struct folio_error err = {0};
    char *code = issue_ok("2030-06-20");
    char *later = issue_ok("2030-12-31");
    cr_assert_eq(agenda_coupon_items(code), 1);
    cr_assert_eq(agenda_coupon_items(later), 0, "outside the horizon");
    folio_response_free(harness_ok(redeem(alice, code, TODAY, &err), &err));
    cr_assert_eq(agenda_coupon_items(code), 0);
    free(code);
    free(later);
    finish();
}

/* ---------------------------------------------------------------- erase */

Test(coupon, erasing_a_client_removes_its_coupons)
{
    struct folio_error err = {0};
    char *code = issue_ok("2030-07-01");
    folio_response_free(harness_ok(erase(alice, mia, &err), &err));
    Folio__Response *r = harness_ok(coupon_list(alice, NULL, 0, NULL, &err), &err);
    cr_assert_eq(r->coupons->n_coupons, 0);
    folio_response_free(r);
    char no_coupon[64];
    snprintf(no_coupon, sizeof(no_coupon), "no coupon %s", code);
    assert_refused_naming(redeem(alice, code, TODAY, &err), &err, FOLIO__CODE__NOT_FOUND,
                          no_coupon);
    free(code);
    finish();
}

/* ---------------------------------------------------------------- restart */

/* Its own server: it restarts it, and counts the firm's partners. */
Test(coupon, partners_and_coupons_survive_a_restart, .init = setup_own)
{
    struct folio_error err = {0};
    char *open = issue_ok("2030-07-01");
    char *used = issue_ok("2030-07-01");
    folio_response_free(harness_ok(redeem(alice, used, TODAY, &err), &err));
    at("2030-06-16 12:00:00");

    Folio__Response *r = harness_ok(partner_list(alice, &err), &err);
    cr_assert_eq(r->partners->n_partners, 1);
    cr_assert_str_eq(r->partners->partners[0]->name, partner_name);
    folio_response_free(r);
    r = harness_ok(coupon_list(alice, NULL, 0, NULL, &err), &err);
    cr_assert_eq(r->coupons->n_coupons, 2);
    folio_response_free(r);
    assert_refused_naming(redeem(alice, used, "2030-06-16", &err), &err,
                          FOLIO__CODE__FAILED_PRECONDITION, "already redeemed on " TODAY);
    r = harness_ok(redeem(alice, open, "2030-06-16", &err), &err);
    cr_assert_str_eq(r->coupon->redeemed_at, "2030-06-16");
    folio_response_free(r);
    /* New partners continue the numbering. */
    r = harness_ok(partner_add(root, "Gym Uno", "gym", NULL, &err), &err);
    cr_assert_eq(r->partner->id, partner_id + 1);
    folio_response_free(r);
    free(open);
    free(used);
    finish();
}
