/* test_alert.c - regional alerts, against a real foliod.
 *
 * Every test has the same people, next to the firm-admin root: offices North
 * and South, and
 *   olga   office-admin of North     sam    office-admin of South
 *   alice  agent in North
 * Every request that takes a date gets one.
 *
 * The tests share one server (harness_shared_start), each with offices and
 * people of its own, named after its process (North-PID, olga-PID, ...).
 * Alerts are firm-wide: every test sees the others' too, so its assertions
 * look at the alerts it posted (by id, or by its own olga), in the order the
 * server lists them. The test that restarts the server starts its own. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <criterion/criterion.h>
#include <criterion/hooks.h>

#include "envelope.h"
#include "harness.h"

#define PW_OLGA  "olga-password"
#define PW_SAM   "sam-password"
#define PW_ALICE "alice-password"

static struct harness_server srv;
static struct folio_connection *root, *olga, *alice;

/* This test's offices and people. */
static char north_name[32], south_name[32], olga_name[32], sam_name[32], alice_name[32];

ReportHook(PRE_SUITE)(struct criterion_suite_set *set)
{
    if (strcmp(set->suite.name, "alert") == 0)
        harness_shared_start("alert", NULL, NULL);
}

/* Stopped once every test has ended: Criterion reports POST_SUITE when it
 * looks for the test after the suite's last one, which with --jobs above 1
 * is while the suite's last tests still run. */
ReportHook(POST_ALL)(struct criterion_global_stats *stats)
{
    (void)stats;
    harness_shared_stop("alert");
}

static void people(void)
{
    int pid = (int)getpid();
    snprintf(north_name, sizeof(north_name), "North-%d", pid);
    snprintf(south_name, sizeof(south_name), "South-%d", pid);
    snprintf(olga_name, sizeof(olga_name), "olga-%d", pid);
    snprintf(sam_name, sizeof(sam_name), "sam-%d", pid);
    snprintf(alice_name, sizeof(alice_name), "alice-%d", pid);
    root = harness_admin(&srv);
    harness_add_office(root, north_name);
    harness_add_office(root, south_name);
    harness_add_user(root, olga_name, FOLIO__ROLE__ROLE_OFFICE_ADMIN, north_name, PW_OLGA);
    harness_add_user(root, sam_name, FOLIO__ROLE__ROLE_OFFICE_ADMIN, south_name, PW_SAM);
    harness_add_user(root, alice_name, FOLIO__ROLE__ROLE_AGENT, north_name, PW_ALICE);
    olga = harness_user(&srv, olga_name, PW_OLGA);
    alice = harness_user(&srv, alice_name, PW_ALICE);
}

static void setup(void)
{
    harness_shared_attach(&srv, "alert");
    people();
}

/* For the test that restarts the server. Criterion runs the suite's .init
 * (setup) before the test's: the test leaves the shared server first. */
static void setup_own(void)
{
    folio_connection_close(alice);
    folio_connection_close(olga);
    folio_connection_close(root);
    harness_server_cleanup(&srv);
    harness_server_start(&srv, NULL);
    people();
}

static void teardown(void)
{
    harness_server_cleanup(&srv);
}

TestSuite(alert, .init = setup, .fini = teardown);

static void finish(void)
{
    folio_connection_close(alice);
    folio_connection_close(olga);
    folio_connection_close(root);
    alice = olga = root = NULL;
    harness_server_finish(&srv);
}

/* ---------------------------------------------------------------- requests */

static Folio__Response *alert_add(struct folio_connection *c, const char *kind, const char *city,
                                  const char *region, const char *date, const char *until,
                                  const char *note, struct folio_error *err)
{
    Folio__Alert alert = FOLIO__ALERT__INIT;
    alert.kind = (char *)kind;
    alert.city = (char *)(city ? city : "");
    alert.region = (char *)(region ? region : "");
    alert.date = (char *)date;
    alert.until = (char *)(until ? until : "");
    alert.note = (char *)(note ? note : "");
    Folio__AlertAdd op = FOLIO__ALERT_ADD__INIT;
    op.alert = &alert;
    Folio__Request req;
    envelope_init(&req, &op.base);
    return folio_connection_call(c, &req, err);
}

static Folio__Response *alert_list(struct folio_connection *c, const char *date, bool include_ended,
                                   struct folio_error *err)
{
    Folio__AlertList op = FOLIO__ALERT_LIST__INIT;
    op.date = (char *)date;
    op.include_ended = include_ended;
    Folio__Request req;
    envelope_init(&req, &op.base);
    return folio_connection_call(c, &req, err);
}

static Folio__Response *alert_end(struct folio_connection *c, uint64_t id, const char *date,
                                  struct folio_error *err)
{
    Folio__AlertEnd op = FOLIO__ALERT_END__INIT;
    op.id = id;
    op.date = (char *)date;
    Folio__Request req;
    envelope_init(&req, &op.base);
    return folio_connection_call(c, &req, err);
}

static uint64_t add_ok(struct folio_connection *c, const char *kind, const char *city,
                       const char *region, const char *date, const char *until)
{
    struct folio_error err = {0};
    Folio__Response *r =
        harness_ok(alert_add(c, kind, city, region, date, until, NULL, &err), &err);
    uint64_t id = r->alert->id;
    folio_response_free(r);
    return id;
}

static void assert_refused_naming(Folio__Response *r, struct folio_error *err, Folio__Code code,
                                  const char *words)
{
    harness_refused(r, err, code);
    cr_assert_not_null(strstr(err->message, words), "\"%s\" does not say \"%s\"", err->message,
                       words);
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

/* The ids a list returned that are among mine (this test's alerts; the
 * others' are not its business), in the list's order, as "3,1" for short
 * asserts. */
static char *ids_of(Folio__Response *r, const uint64_t *mine, size_t n_mine, char *out, size_t size)
{
    out[0] = '\0';
    for (size_t i = 0; i < r->alerts->n_alerts; i++) {
        uint64_t id = r->alerts->alerts[i]->id;
        bool is_mine = false;
        for (size_t j = 0; j < n_mine && !is_mine; j++)
            is_mine = mine[j] == id;
        if (!is_mine)
            continue;
        size_t len = strlen(out);
        snprintf(out + len, size - len, "%s%llu", len ? "," : "", (unsigned long long)id);
    }
    return out;
}

/* The ids, in the list's order, of the alerts this test's olga posted. */
static char *olgas_of(Folio__Response *r, char *out, size_t size)
{
    out[0] = '\0';
    for (size_t i = 0; i < r->alerts->n_alerts; i++) {
        const Folio__Alert *a = r->alerts->alerts[i];
        if (strcmp(a->posted_by, olga_name) != 0)
            continue;
        size_t len = strlen(out);
        snprintf(out + len, size - len, "%s%llu", len ? "," : "", (unsigned long long)a->id);
    }
    return out;
}

/* ---------------------------------------------------------------- add */

Test(alert, admins_post_alerts_and_agents_may_not)
{
    struct folio_error err = {0};
    Folio__Response *r = harness_ok(
        alert_add(olga, "Flood", "Piura", NULL, "2030-03-01", "2030-03-10", "river overflow", &err),
        &err);
    cr_assert_eq(r->result_case, FOLIO__RESPONSE__RESULT_ALERT);
    Folio__Alert *a = r->alert;
    cr_assert_gt(a->id, 0);
    cr_assert_str_eq(a->kind, "flood");
    cr_assert_str_eq(a->city, "Piura");
    cr_assert_str_eq(a->region, "");
    cr_assert_str_eq(a->date, "2030-03-01");
    cr_assert_str_eq(a->until, "2030-03-10");
    cr_assert_str_eq(a->note, "river overflow");
    cr_assert_str_eq(a->posted_by, olga_name);
    cr_assert_neq(a->posted_by_office_id, 0);
    cr_assert_gt(a->created_at, 0);
    cr_assert_str_eq(a->ended_on, "");
    char target[32];
    snprintf(target, sizeof(target), "%llu", (unsigned long long)a->id);
    folio_response_free(r);
    cr_assert(audit_has("alert.add", target, "flood Piura"));

    r = harness_ok(alert_add(root, "earthquake", NULL, "Ica", "2030-03-02", NULL, NULL, &err),
                   &err);
    cr_assert_str_eq(r->alert->region, "Ica");
    cr_assert_eq(r->alert->posted_by_office_id, 0);
    folio_response_free(r);

    harness_refused(alert_add(alice, "flood", "Piura", NULL, "2030-03-01", NULL, NULL, &err), &err,
                    FOLIO__CODE__PERMISSION_DENIED);
    struct folio_connection *anon = harness_connect(&srv);
    harness_refused(alert_add(anon, "flood", "Piura", NULL, "2030-03-01", NULL, NULL, &err), &err,
                    FOLIO__CODE__UNAUTHENTICATED);
    harness_refused(alert_list(anon, "2030-03-01", false, &err), &err,
                    FOLIO__CODE__UNAUTHENTICATED);
    harness_refused(alert_end(anon, 1, "2030-03-01", &err), &err, FOLIO__CODE__UNAUTHENTICATED);
    folio_connection_close(anon);
    finish();
}

Test(alert, alerts_are_validated_field_by_field)
{
    struct folio_error err = {0};
    const char *d = "2030-03-01";
    assert_refused_naming(alert_add(olga, "", "Piura", NULL, d, NULL, NULL, &err), &err,
                          FOLIO__CODE__INVALID_ARGUMENT, "kind");
    assert_refused_naming(alert_add(olga, "flood!", "Piura", NULL, d, NULL, NULL, &err), &err,
                          FOLIO__CODE__INVALID_ARGUMENT, "kind");
    char kind[42];
    memset(kind, 'k', sizeof(kind) - 1);
    kind[sizeof(kind) - 1] = '\0';
    assert_refused_naming(alert_add(olga, kind, "Piura", NULL, d, NULL, NULL, &err), &err,
                          FOLIO__CODE__INVALID_ARGUMENT, "kind");
    assert_refused_naming(alert_add(olga, "flood", "Piura", "Piura", d, NULL, NULL, &err), &err,
                          FOLIO__CODE__INVALID_ARGUMENT, "city: give a city or a region, not both");
    assert_refused_naming(alert_add(olga, "flood", NULL, NULL, d, NULL, NULL, &err), &err,
                          FOLIO__CODE__INVALID_ARGUMENT, "one of city or region");
    char place[202];
    memset(place, 'p', sizeof(place) - 1);
    place[sizeof(place) - 1] = '\0';
    assert_refused_naming(alert_add(olga, "flood", place, NULL, d, NULL, NULL, &err), &err,
                          FOLIO__CODE__INVALID_ARGUMENT, "city");
    assert_refused_naming(alert_add(olga, "flood", NULL, place, d, NULL, NULL, &err), &err,
                          FOLIO__CODE__INVALID_ARGUMENT, "region");
    assert_refused_naming(alert_add(olga, "flood", "Pi\nura", NULL, d, NULL, NULL, &err), &err,
                          FOLIO__CODE__INVALID_ARGUMENT, "city");
    assert_refused_naming(alert_add(olga, "flood", "Piura", NULL, "", NULL, NULL, &err), &err,
                          FOLIO__CODE__INVALID_ARGUMENT, "date");
    assert_refused_naming(alert_add(olga, "flood", "Piura", NULL, "2030-02-30", NULL, NULL, &err),
                          &err, FOLIO__CODE__INVALID_ARGUMENT, "date");
    assert_refused_naming(alert_add(olga, "flood", "Piura", NULL, d, "someday", NULL, &err), &err,
                          FOLIO__CODE__INVALID_ARGUMENT, "until");
    assert_refused_naming(alert_add(olga, "flood", "Piura", NULL, d, "2030-02-28", NULL, &err),
                          &err, FOLIO__CODE__INVALID_ARGUMENT, "until");
    char *note = malloc(2002);
    memset(note, 'n', 2001);
    note[2001] = '\0';
    assert_refused_naming(alert_add(olga, "flood", "Piura", NULL, d, NULL, note, &err), &err,
                          FOLIO__CODE__INVALID_ARGUMENT, "note");
    free(note);
    /* A one-day alert is fine. */
    uint64_t one_day = add_ok(olga, "flood", "Piura", NULL, d, d);
    /* Nothing refused was stored: olga's only alert is that one. */
    Folio__Response *r = harness_ok(alert_list(alice, d, true, &err), &err);
    char want[32], got[64];
    snprintf(want, sizeof(want), "%llu", (unsigned long long)one_day);
    cr_assert_str_eq(olgas_of(r, got, sizeof(got)), want);
    folio_response_free(r);
    finish();
}

/* ---------------------------------------------------------------- list */

Test(alert, everyone_lists_the_alerts_in_force_newest_first)
{
    struct folio_error err = {0};
    uint64_t march = add_ok(olga, "flood", "Piura", NULL, "2030-03-01", "2030-03-10");
    uint64_t april = add_ok(root, "earthquake", NULL, "Ica", "2030-04-01", NULL);
    uint64_t ended = add_ok(olga, "fire", "Cusco", NULL, "2030-02-01", NULL);
    folio_response_free(harness_ok(alert_end(olga, ended, "2030-02-15", &err), &err));
    const uint64_t mine[] = {march, april, ended};
    const size_t n_mine = sizeof(mine) / sizeof(mine[0]);
    char want[64], got[64];

    Folio__Response *r = harness_ok(alert_list(alice, "2030-03-05", false, &err), &err);
    snprintf(want, sizeof(want), "%llu,%llu", (unsigned long long)april, (unsigned long long)march);
    cr_assert_str_eq(ids_of(r, mine, n_mine, got, sizeof(got)), want);
    folio_response_free(r);

    /* The flood's last day still counts; the day after, it is gone. */
    r = harness_ok(alert_list(olga, "2030-03-10", false, &err), &err);
    cr_assert_str_eq(ids_of(r, mine, n_mine, got, sizeof(got)), want);
    folio_response_free(r);
    r = harness_ok(alert_list(root, "2030-03-11", false, &err), &err);
    snprintf(want, sizeof(want), "%llu", (unsigned long long)april);
    cr_assert_str_eq(ids_of(r, mine, n_mine, got, sizeof(got)), want);
    folio_response_free(r);

    /* Before the fire was ended it was in force. */
    r = harness_ok(alert_list(alice, "2030-02-14", false, &err), &err);
    snprintf(want, sizeof(want), "%llu,%llu,%llu", (unsigned long long)ended,
             (unsigned long long)april, (unsigned long long)march);
    cr_assert_str_eq(ids_of(r, mine, n_mine, got, sizeof(got)), want);
    folio_response_free(r);

    r = harness_ok(alert_list(alice, "2030-12-01", true, &err), &err);
    cr_assert_str_eq(ids_of(r, mine, n_mine, got, sizeof(got)), want);
    folio_response_free(r);

    assert_refused_naming(alert_list(alice, "2030-3-5", false, &err), &err,
                          FOLIO__CODE__INVALID_ARGUMENT, "date: not a date (YYYY-MM-DD)");
    finish();
}

/* ---------------------------------------------------------------- end */

Test(alert, admins_end_alerts_of_their_own_office_once)
{
    struct folio_error err = {0};
    uint64_t north = add_ok(olga, "flood", "Piura", NULL, "2030-03-01", NULL);
    uint64_t firm = add_ok(root, "flood", NULL, "Ica", "2030-03-01", NULL);
    struct folio_connection *sam = harness_user(&srv, sam_name, PW_SAM);

    harness_refused(alert_end(alice, north, "2030-03-05", &err), &err,
                    FOLIO__CODE__PERMISSION_DENIED);
    harness_refused(alert_end(sam, north, "2030-03-05", &err), &err,
                    FOLIO__CODE__PERMISSION_DENIED);
    harness_refused(alert_end(olga, firm, "2030-03-05", &err), &err,
                    FOLIO__CODE__PERMISSION_DENIED);
    assert_refused_naming(alert_end(olga, 999, "2030-03-05", &err), &err, FOLIO__CODE__NOT_FOUND,
                          "no alert 999");
    assert_refused_naming(alert_end(olga, north, "March", &err), &err,
                          FOLIO__CODE__INVALID_ARGUMENT, "date");

    Folio__Response *r = harness_ok(alert_end(olga, north, "2030-03-05", &err), &err);
    cr_assert_eq(r->result_case, FOLIO__RESPONSE__RESULT_ALERT);
    cr_assert_str_eq(r->alert->ended_on, "2030-03-05");
    folio_response_free(r);
    char target[32], again[64];
    snprintf(target, sizeof(target), "%llu", (unsigned long long)north);
    cr_assert(audit_has("alert.end", target, NULL));
    snprintf(again, sizeof(again), "alert %llu ended on 2030-03-05", (unsigned long long)north);
    assert_refused_naming(alert_end(root, north, "2030-03-06", &err), &err,
                          FOLIO__CODE__FAILED_PRECONDITION, again);

    /* The firm-admin ends anyone's. */
    r = harness_ok(alert_end(root, firm, "2030-03-07", &err), &err);
    cr_assert_str_eq(r->alert->ended_on, "2030-03-07");
    folio_response_free(r);

    /* Neither is in force any more. */
    const uint64_t mine[] = {north, firm};
    char got[64];
    r = harness_ok(alert_list(alice, "2030-03-07", false, &err), &err);
    cr_assert_str_eq(ids_of(r, mine, 2, got, sizeof(got)), "");
    folio_response_free(r);
    folio_connection_close(sam);
    finish();
}

/* ---------------------------------------------------------------- restart */

/* Its own server: it restarts it, and counts on the numbering of a firm
 * nobody else posts in. */
Test(alert, alerts_survive_a_restart, .init = setup_own)
{
    struct folio_error err = {0};
    uint64_t first = add_ok(olga, "flood", "Piura", NULL, "2030-03-01", NULL);
    folio_response_free(harness_ok(alert_end(olga, first, "2030-03-04", &err), &err));
    uint64_t second = add_ok(olga, "storm", "Tumbes", NULL, "2030-03-02", NULL);
    folio_connection_close(alice);
    folio_connection_close(olga);
    folio_connection_close(root);
    harness_server_restart(&srv);
    root = harness_admin(&srv);
    olga = harness_user(&srv, olga_name, PW_OLGA);
    alice = harness_user(&srv, alice_name, PW_ALICE);

    Folio__Response *r = harness_ok(alert_list(alice, "2030-03-05", true, &err), &err);
    cr_assert_eq(r->alerts->n_alerts, 2);
    cr_assert_eq(r->alerts->alerts[0]->id, second);
    cr_assert_str_eq(r->alerts->alerts[0]->kind, "storm");
    cr_assert_eq(r->alerts->alerts[1]->id, first);
    cr_assert_str_eq(r->alerts->alerts[1]->ended_on, "2030-03-04");
    folio_response_free(r);
    uint64_t third = add_ok(olga, "flood", "Lima", NULL, "2030-03-06", NULL);
    cr_assert_eq(third, second + 1);
    finish();
}
