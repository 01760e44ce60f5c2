/* test_watch.c - server-pushed notices, against a real foliod.
 *
 * alice and anna are agents; alice has two clients in Lima and one in
 * Cusco. Watching connections get notices with id 0; the others get
 * nothing, and replies keep their order around notices. The tests share one
 * server (harness_shared_start), each with an office and agents of its own,
 * named after its process (North-PID, alice-PID, anna-PID); the test that
 * restarts the server with other flags starts its own. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <criterion/criterion.h>
#include <criterion/hooks.h>

#include "envelope.h"
#include "folioclient_reassign.h"
#include "harness.h"

#define PW_ALICE "alice-password"
#define PW_ANNA  "anna-password"

static struct harness_server srv;
static struct folio_connection *root;

static void add_client(struct folio_connection *c, const char *name, const char *city)
{
    struct folio_error err = {0};
    Folio__Client client = FOLIO__CLIENT__INIT;
    client.name = (char *)name;
    client.city = (char *)city;
    Folio__ClientAdd op = FOLIO__CLIENT_ADD__INIT;
    op.client = &client;
    Folio__Request req;
    envelope_init(&req, &op.base);
    folio_response_free(harness_ok(folio_connection_call(c, &req, &err), &err));
}

/* A new connection of user that sent Watch. */
static struct folio_connection *watcher(const char *user, const char *password)
{
    struct folio_connection *c = harness_user(&srv, user, password);
    struct folio_error err = {0};
    folio_response_free(harness_ok(folio_watch(c, &err), &err));
    return c;
}

static Folio__Response *next_notice(struct folio_connection *c)
{
    struct folio_error err = {0};
    Folio__Response *r = folio_notice_next(c, &err);
    cr_assert_not_null(r, "no notice: %s", err.message);
    return r;
}

static uint64_t post_alert(const char *city)
{
    struct folio_error err = {0};
    Folio__Alert alert = FOLIO__ALERT__INIT;
    alert.kind = (char *)"earthquake";
    alert.city = (char *)city;
    alert.date = (char *)"2030-06-10";
    Folio__Response *r = harness_ok(folio_alert_add(root, &alert, &err), &err);
    uint64_t id = r->alert->id;
    folio_response_free(r);
    return id;
}

/* This test's office and agents. */
static char north[32], alice_name[32], anna_name[32];

ReportHook(PRE_SUITE)(struct criterion_suite_set *set)
{
    if (strcmp(set->suite.name, "watch") == 0)
        harness_shared_start("watch", NULL, NULL);
}

/* After every test has ended: Criterion reports POST_SUITE once it has
 * started the suite's last test, which may still run (--jobs above 1). */
ReportHook(POST_ALL)(struct criterion_global_stats *stats)
{
    (void)stats;
    harness_shared_stop("watch");
}

static void people(void)
{
    int pid = (int)getpid();
    snprintf(north, sizeof(north), "North-%d", pid);
    snprintf(alice_name, sizeof(alice_name), "alice-%d", pid);
    snprintf(anna_name, sizeof(anna_name), "anna-%d", pid);
    root = harness_admin(&srv);
    harness_add_office(root, north);
    harness_add_user(root, alice_name, FOLIO__ROLE__ROLE_AGENT, north, PW_ALICE);
    harness_add_user(root, anna_name, FOLIO__ROLE__ROLE_AGENT, north, PW_ANNA);
    struct folio_connection *alice = harness_user(&srv, alice_name, PW_ALICE);
    add_client(alice, "Mia Torres", "Lima");
    add_client(alice, "Noel Ruiz", "lima");
    add_client(alice, "Zoe Diaz", "Cusco");
    folio_connection_close(alice);
}

static void setup(void)
{
    harness_shared_attach(&srv, "watch");
    people();
}

/* For the test that restarts its server. */
static void setup_own(void)
{
    harness_server_start(&srv, NULL);
    people();
}

static void teardown(void)
{
    harness_server_cleanup(&srv);
}

TestSuite(watch, .init = setup, .fini = teardown);
TestSuite(watch_own, .init = setup_own, .fini = teardown);

static void finish(void)
{
    folio_connection_close(root);
    root = NULL;
    harness_server_finish(&srv);
}

Test(watch, reassignment_notices)
{
    struct folio_connection *alice = watcher(alice_name, PW_ALICE);
    struct folio_connection *anna = watcher(anna_name, PW_ANNA);
    struct folio_error err = {0};
    Folio__Response *r =
        harness_ok(folio_reassign(root, alice_name, anna_name, NULL, 0, false, &err), &err);
    char ref[24];
    snprintf(ref, sizeof(ref), "%llu", (unsigned long long)r->reassign->id);
    folio_response_free(r);

    r = next_notice(anna);
    cr_assert_str_eq(r->notice->kind, "reassigned_to");
    cr_assert_eq(r->notice->count, 3);
    cr_assert_str_eq(r->notice->message, "3 clients reassigned to you");
    cr_assert_str_eq(r->notice->ref, ref);
    folio_response_free(r);
    r = next_notice(alice);
    cr_assert_str_eq(r->notice->kind, "reassigned_from");
    cr_assert_str_eq(r->notice->message, "3 clients reassigned from you");
    folio_response_free(r);

    /* A watching connection still makes calls; notices are skipped there. */
    r = harness_ok(folio_whoami(anna, &err), &err);
    cr_assert_str_eq(r->session->user->name, anna_name);
    folio_response_free(r);
    folio_connection_close(alice);
    folio_connection_close(anna);
    finish();
}

Test(watch, alert_notices_the_agents_it_concerns)
{
    struct folio_connection *alice = watcher(alice_name, PW_ALICE);
    struct folio_connection *anna = watcher(anna_name, PW_ANNA);
    uint64_t id = post_alert("LIMA");
    Folio__Response *r = next_notice(alice);
    cr_assert_str_eq(r->notice->kind, "alert");
    cr_assert_eq(r->notice->count, 2);
    cr_assert_str_eq(r->notice->message, "earthquake in LIMA: 2 of your clients");
    char ref[24];
    snprintf(ref, sizeof(ref), "%llu", (unsigned long long)id);
    cr_assert_str_eq(r->notice->ref, ref);
    folio_response_free(r);

    /* anna has no client in Lima: the next thing she gets is the
     * reassignment that follows, not the alert. */
    struct folio_error err = {0};
    folio_response_free(
        harness_ok(folio_reassign(root, alice_name, anna_name, NULL, 0, false, &err), &err));
    r = next_notice(anna);
    cr_assert_str_eq(r->notice->kind, "reassigned_to");
    folio_response_free(r);
    folio_connection_close(alice);
    folio_connection_close(anna);
    finish();
}

Test(watch, nothing_without_watch_and_replies_keep_their_order)
{
    struct harness_raw *quiet = harness_raw_connect(&srv);
    harness_raw_hello(quiet, 1);
    harness_raw_login(quiet, 2, alice_name, PW_ALICE);
    struct harness_raw *loud = harness_raw_connect(&srv);
    harness_raw_hello(loud, 1);
    harness_raw_login(loud, 2, alice_name, PW_ALICE);
    Folio__Watch watch = FOLIO__WATCH__INIT;
    Folio__Request req = FOLIO__REQUEST__INIT;
    req.id = 3;
    envelope_set(&req, &watch.base);
    harness_raw_send(loud, &req);
    Folio__Response *r = harness_raw_receive(loud);
    cr_assert_eq(r->id, 3);
    cr_assert_eq(harness_code(r), FOLIO__CODE__OK);
    folio__response__free_unpacked(r, NULL);

    /* Pipelined requests on the watching connection, with notices pushed
     * while they are answered. */
    uint8_t *buf = NULL;
    size_t len = 0;
    for (uint64_t id = 10; id < 20; id++) {
        Folio__Request w = harness_whoami_request(id);
        harness_raw_append(&buf, &len, &w);
    }
    harness_raw_write(loud, buf, len);
    free(buf);
    post_alert("Lima");
    post_alert("Cusco");

    uint64_t want = 10;
    size_t notices = 0;
    while (want < 20 || notices < 2) {
        r = harness_raw_receive(loud);
        cr_assert_not_null(r, "the connection closed");
        if (r->id == 0) {
            cr_assert_eq(r->result_case, FOLIO__RESPONSE__RESULT_NOTICE);
            notices++;
        } else {
            cr_assert_eq(r->id, want, "reply %llu came when %llu was due",
                         (unsigned long long)r->id, (unsigned long long)want);
            cr_assert_eq(harness_code(r), FOLIO__CODE__OK);
            want++;
        }
        folio__response__free_unpacked(r, NULL);
    }

    /* The connection that did not watch: the next frame is its own reply. */
    Folio__Request w = harness_whoami_request(5);
    harness_raw_send(quiet, &w);
    r = harness_raw_receive(quiet);
    cr_assert_eq(r->id, 5);
    folio__response__free_unpacked(r, NULL);
    harness_raw_close(quiet);
    harness_raw_close(loud);
    finish();
}

Test(watch_own, watchers_outlive_the_idle_timeout)
{
    folio_connection_close(root);
    static const char *const flags[] = {"--idle-timeout", "1", NULL};
    srv.flags = flags;
    harness_server_restart(&srv);
    struct folio_connection *alice = watcher(alice_name, PW_ALICE);
    struct harness_raw *idle = harness_raw_connect(&srv);
    harness_raw_hello(idle, 1);
    cr_assert(harness_raw_closed(idle, 5000), "an idle connection outlived --idle-timeout 1");
    /* The watcher has been quiet at least as long, and still hears. */
    root = harness_admin(&srv);
    post_alert("Lima");
    Folio__Response *r = next_notice(alice);
    cr_assert_str_eq(r->notice->kind, "alert");
    folio_response_free(r);
    harness_raw_close(idle);
    folio_connection_close(alice);
    finish();
}
