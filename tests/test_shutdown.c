/* test_shutdown.c - SIGTERM/SIGINT finish the queued writes and lose no acknowledged one. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "envelope.h"
#include "harness.h"

#define WRITES 300

static struct harness_server srv;

static void teardown(void)
{
    harness_server_cleanup(&srv);
}

TestSuite(shutdown, .fini = teardown);

static char names[WRITES][24];
static Folio__OfficeAdd adds[WRITES];

/* All WRITES OfficeAdd requests, ids 100.., as one buffer. */
static uint8_t *office_adds(size_t *len)
{
    uint8_t *buf = NULL;
    *len = 0;
    for (int i = 0; i < WRITES; i++) {
        snprintf(names[i], sizeof(names[i]), "office-%03d", i);
        folio__office_add__init(&adds[i]);
        adds[i].name = names[i];
        Folio__Request req = FOLIO__REQUEST__INIT;
        req.id = 100 + (uint64_t)i;
        envelope_set(&req, &adds[i].base);
        harness_raw_append(&buf, len, &req);
    }
    return buf;
}

/* Asserts that the offices acknowledged (acked[i]) are all stored. */
static void check_after_restart(const bool acked[WRITES], int expected_min)
{
    struct folio_connection *c = harness_admin(&srv);
    struct folio_error err = {0};
    Folio__Response *r = harness_ok(folio_office_list(c, &err), &err);
    int acknowledged = 0;
    for (int i = 0; i < WRITES; i++) {
        if (!acked[i])
            continue;
        acknowledged++;
        bool found = false;
        for (size_t k = 0; k < r->offices->n_offices && !found; k++)
            found = strcmp(r->offices->offices[k]->name, names[i]) == 0;
        cr_assert(found, "acknowledged office %s is gone after the restart", names[i]);
    }
    cr_assert_geq(acknowledged, expected_min);
    cr_assert_leq(r->offices->n_offices, WRITES);
    folio_response_free(r);
    folio_connection_close(c);
}

Test(shutdown, sigterm_after_acknowledgement_keeps_every_write)
{
    harness_server_start(&srv, NULL);
    struct harness_raw *raw = harness_raw_connect(&srv);
    harness_raw_hello(raw, 1);
    harness_raw_login(raw, 2, HARNESS_ADMIN, HARNESS_ADMIN_PASSWORD);
    size_t len;
    uint8_t *buf = office_adds(&len);
    harness_raw_write(raw, buf, len);
    free(buf);
    bool acked[WRITES] = {false};
    for (int i = 0; i < WRITES; i++) {
        Folio__Response *r = harness_raw_receive(raw);
        cr_assert_not_null(r, "connection closed after %d answers", i);
        cr_assert_eq(r->id, 100 + (uint64_t)i);
        cr_assert_eq(harness_code(r), FOLIO__CODE__OK, "%s", harness_message(r));
        acked[i] = true;
        folio__response__free_unpacked(r, NULL);
    }
    harness_server_signal(&srv, SIGTERM);
    cr_assert_eq(harness_server_wait(&srv), 0, "foliod did not exit 0 on SIGTERM");
    harness_raw_close(raw);
    harness_server_restart(&srv);
    check_after_restart(acked, WRITES);
    harness_server_finish(&srv);
}

/* SIGTERM (or SIGINT) lands while writes are still queued: each one the
 * server answered OK must be stored, answers keep request order, and foliod
 * exits 0. */
static void signal_while_queued(int sig)
{
    harness_server_start(&srv, NULL);
    struct harness_raw *raw = harness_raw_connect(&srv);
    harness_raw_hello(raw, 1);
    harness_raw_login(raw, 2, HARNESS_ADMIN, HARNESS_ADMIN_PASSWORD);
    size_t len;
    uint8_t *buf = office_adds(&len);
    harness_raw_write(raw, buf, len);
    free(buf);
    /* The first answer shows the server is working through the queue. */
    bool acked[WRITES] = {false};
    Folio__Response *r = harness_raw_receive(raw);
    cr_assert_not_null(r);
    cr_assert_eq(r->id, 100);
    cr_assert_eq(harness_code(r), FOLIO__CODE__OK, "%s", harness_message(r));
    acked[0] = true;
    folio__response__free_unpacked(r, NULL);
    harness_server_signal(&srv, sig);

    int answers = 1, ok = 1;
    for (int i = 1; i < WRITES; i++) {
        r = harness_raw_receive(raw);
        if (r == NULL)
            break;
        cr_assert_eq(r->id, 100 + (uint64_t)i, "answer out of order");
        if (harness_code(r) == FOLIO__CODE__OK) {
            acked[i] = true;
            ok++;
        }
        answers++;
        folio__response__free_unpacked(r, NULL);
    }
    cr_log_info("signal %d: %d answers, %d OK, of %d queued", sig, answers, ok, WRITES);
    cr_assert_eq(harness_server_wait(&srv), 0, "foliod did not exit 0 on signal %d", sig);
    harness_raw_close(raw);
    harness_server_restart(&srv);
    check_after_restart(acked, 1);
    harness_server_finish(&srv);
}

Test(shutdown, sigterm_while_writes_are_queued)
{
    signal_while_queued(SIGTERM);
}

Test(shutdown, sigint_while_writes_are_queued)
{
    signal_while_queued(SIGINT);
}

Test(shutdown, sigterm_with_idle_clients_connected)
{
    harness_server_start(&srv, NULL);
    struct folio_connection *a = harness_admin(&srv);
    struct harness_raw *raw = harness_raw_connect(&srv);
    harness_raw_hello(raw, 1);
    struct harness_raw *silent = harness_raw_connect(&srv);
    /* And one that has not even begun its TLS handshake. */
    struct harness_raw *mute = harness_raw_connect_plain(&srv);
    /* Nothing is queued, so nothing should hold the exit up. */
    int64_t t0 = harness_now_ms();
    cr_assert_eq(harness_server_stop(&srv), 0);
    int64_t took = harness_now_ms() - t0;
    cr_assert(srv.valgrind || took < 3000,
              "foliod took %lld ms to stop with only idle clients connected", (long long)took);
    cr_assert(harness_raw_closed(raw, harness_timeout_ms()));
    harness_raw_close(raw);
    harness_raw_close(silent);
    harness_raw_close(mute);
    folio_connection_close(a);
    harness_server_cleanup(&srv);
}

Test(shutdown, stopped_server_starts_again_and_keeps_sessions)
{
    harness_server_start(&srv, NULL);
    struct folio_connection *a = harness_connect(&srv);
    char token[65];
    harness_login_token(a, HARNESS_ADMIN, HARNESS_ADMIN_PASSWORD, token);
    harness_add_office(a, "Kept");
    for (int round = 0; round < 3; round++) {
        folio_connection_close(a);
        harness_server_restart(&srv);
        a = harness_connect(&srv);
        struct folio_error err = {0};
        folio_response_free(harness_ok(folio_authenticate(a, token, &err), &err));
        Folio__Response *r = harness_ok(folio_office_list(a, &err), &err);
        cr_assert_eq(r->offices->n_offices, 1);
        cr_assert_str_eq(r->offices->offices[0]->name, "Kept");
        folio_response_free(r);
    }
    folio_connection_close(a);
    harness_server_finish(&srv);
}

/* The port file says the server is up; a SIGTERM sent the moment it appears
 * must be a clean stop, not a kill (the handlers come before the listener). */
Test(shutdown, sigterm_right_after_start_is_a_clean_stop)
{
    for (int round = 0; round < 10; round++) {
        harness_server_start(&srv, NULL);
        cr_assert_eq(harness_server_stop(&srv), 0, "round %d", round);
        harness_server_cleanup(&srv);
    }
}
