/* test_stats.c - StatsGet against a real foliod: what it counts, and who may
 * ask. Only counts are checked, never rates or times: the machine's speed is
 * not the test's business.
 *
 * The firm: office North with olga, its office-admin, and alice, an agent,
 * next to the firm-admin root. The tests that only ask and are refused share
 * one server (harness_shared_start), each with an office and people of its
 * own, named after its process (North-PID, olga-PID, alice-PID). The
 * counters are the server's, firm-wide: the tests that check them exactly
 * start servers of their own, which no other test connects to, and make a
 * suite of their own (stats_own): Criterion runs a suite's .init before a
 * test's, so a test of the stats suite always attaches to its server. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <criterion/criterion.h>
#include <criterion/hooks.h>

#include "folioclient_stats.h"
#include "harness.h"

#define PW_OLGA  "olga-password"
#define PW_ALICE "alice-password"

static struct harness_server srv;
static struct folio_connection *root;

/* This test's office and people. */
static char north[32], olga_name[32], alice_name[32];

ReportHook(PRE_SUITE)(struct criterion_suite_set *set)
{
    if (strcmp(set->suite.name, "stats") == 0)
        harness_shared_start("stats", NULL, NULL);
}

/* Not at POST_SUITE: Criterion reports a suite's end as soon as it has
 * started the suite's last test, while that test and others may still run.
 * POST_ALL comes once every test has ended. */
ReportHook(POST_ALL)(struct criterion_global_stats *stats)
{
    (void)stats;
    harness_shared_stop("stats");
}

static void people(void)
{
    int pid = (int)getpid();
    snprintf(north, sizeof(north), "North-%d", pid);
    snprintf(olga_name, sizeof(olga_name), "olga-%d", pid);
    snprintf(alice_name, sizeof(alice_name), "alice-%d", pid);
    root = harness_admin(&srv);
    harness_add_office(root, north);
    harness_add_user(root, olga_name, FOLIO__ROLE__ROLE_OFFICE_ADMIN, north, PW_OLGA);
    harness_add_user(root, alice_name, FOLIO__ROLE__ROLE_AGENT, north, PW_ALICE);
}

static void setup(void)
{
    harness_shared_attach(&srv, "stats");
    people();
}

/* For the tests that count exactly what the server did: requests of every
 * op, connections accepted and open. Another test's requests or connections
 * would be counted with theirs. */
static void setup_own(void)
{
    harness_server_start(&srv, NULL);
    people();
}

static void teardown(void)
{
    harness_server_cleanup(&srv);
}

TestSuite(stats, .init = setup, .fini = teardown);
TestSuite(stats_own, .init = setup_own, .fini = teardown);

static void finish(void)
{
    folio_connection_close(root);
    root = NULL;
    harness_server_finish(&srv);
}

static const Folio__OpCount *find_op(const Folio__Stats *s, const char *op)
{
    for (size_t i = 0; i < s->n_requests; i++)
        if (strcmp(s->requests[i]->op, op) == 0)
            return s->requests[i];
    return NULL;
}

static uint64_t op_count(const Folio__Stats *s, const char *op)
{
    const Folio__OpCount *c = find_op(s, op);
    return c != NULL ? c->count : 0;
}

static void add_client(struct folio_connection *c, const char *name)
{
    Folio__Client client = FOLIO__CLIENT__INIT;
    client.name = (char *)name;
    struct folio_error err;
    folio_response_free(harness_ok(folio_client_add(c, &client, false, &err), &err));
}

Test(stats_own, the_firm_admin_sees_connections_requests_commits_and_the_database)
{
    struct folio_connection *alice = harness_user(&srv, alice_name, PW_ALICE);
    add_client(alice, "Ana Quispe");
    add_client(alice, "Luis Mamani");
    struct folio_error err;
    for (int i = 0; i < 3; i++)
        folio_response_free(harness_ok(folio_whoami(alice, &err), &err));

    Folio__Response *r = harness_ok(folio_stats_get(root, &err), &err);
    const Folio__Stats *s = r->stats;
    /* root and alice are connected; setup's helpers connected too. */
    cr_assert_geq(s->connections, 2);
    cr_assert_geq(s->connections_accepted, s->connections);
    cr_assert_eq(op_count(s, "client_add"), 2);
    cr_assert_eq(op_count(s, "whoami"), 3);
    cr_assert_eq(op_count(s, "office_add"), 1);
    cr_assert_eq(op_count(s, "user_add"), 2);
    cr_assert_eq(op_count(s, "stats_get"), 1, "the asking request counts itself");
    cr_assert_eq(op_count(s, "segment"), 0, "ops never asked for are left out");
    uint64_t sum = 0;
    for (size_t i = 0; i < s->n_requests; i++) {
        sum += s->requests[i]->count;
        cr_assert_geq(s->requests[i]->per_sec, 0.0);
    }
    cr_assert_eq(sum, s->requests_total);
    cr_assert(find_op(s, "whoami")->per_sec > 0.0, "whoami was asked for just now");

    /* office add, two user adds, two client adds, and the logins' sessions. */
    cr_assert_gt(s->commit_batches, 0);
    cr_assert_geq(s->committed_writes, 5);
    cr_assert_geq(s->committed_writes, s->commit_batches);
    cr_assert_geq(s->batch_max, 1);
    cr_assert_eq(s->batches_1 + s->batches_2_7 + s->batches_8_31 + s->batches_32_up,
                 s->commit_batches);
    cr_assert_geq(s->batch_mean, 1.0);

    cr_assert_gt(s->db_file_bytes, 0);
    cr_assert_gt(s->page_size, 0);
    cr_assert_gt(s->used_bytes, 0);
    cr_assert_leq(s->used_bytes, s->map_bytes);
    cr_assert_gt(s->reader_slots_max, 0);
    cr_assert_leq(s->reader_slots_used, s->reader_slots_max);
    cr_assert_eq(s->hashes_running, 0);
    cr_assert_eq(s->hashes_queued, 0);
    folio_response_free(r);

    /* Counts only grow: the second look sees the first. */
    r = harness_ok(folio_stats_get(root, &err), &err);
    cr_assert_eq(op_count(r->stats, "stats_get"), 2);
    folio_response_free(r);

    folio_connection_close(alice);
    finish();
}

Test(stats_own, a_closed_connection_is_no_longer_open_but_was_accepted)
{
    struct folio_error err;
    Folio__Response *r = harness_ok(folio_stats_get(root, &err), &err);
    uint64_t accepted = r->stats->connections_accepted;
    folio_response_free(r);

    struct folio_connection *extra = harness_user(&srv, alice_name, PW_ALICE);
    r = harness_ok(folio_stats_get(root, &err), &err);
    cr_assert_eq(r->stats->connections_accepted, accepted + 1);
    uint64_t open = r->stats->connections;
    folio_response_free(r);
    folio_connection_close(extra);

    /* The server sees the close when it next reads that socket: ask until
     * it has (bounded), without asserting how long it takes. */
    uint64_t now_open = open;
    for (int i = 0; i < 500 && now_open >= open; i++) {
        if (i > 0)
            harness_sleep_ms(10);
        r = harness_ok(folio_stats_get(root, &err), &err);
        now_open = r->stats->connections;
        folio_response_free(r);
    }
    cr_assert_eq(now_open, open - 1);
    finish();
}

Test(stats, agents_and_office_admins_are_refused)
{
    struct folio_error err;
    struct folio_connection *alice = harness_user(&srv, alice_name, PW_ALICE);
    harness_refused(folio_stats_get(alice, &err), &err, FOLIO__CODE__PERMISSION_DENIED);
    struct folio_connection *olga = harness_user(&srv, olga_name, PW_OLGA);
    harness_refused(folio_stats_get(olga, &err), &err, FOLIO__CODE__PERMISSION_DENIED);
    folio_connection_close(alice);
    folio_connection_close(olga);
    finish();
}

Test(stats, without_a_session_it_asks_for_a_login)
{
    struct folio_error err;
    struct folio_connection *anon = harness_connect(&srv);
    harness_refused(folio_stats_get(anon, &err), &err, FOLIO__CODE__UNAUTHENTICATED);
    folio_connection_close(anon);
    finish();
}
