/* test_admin.c - offices, users, roles and the audit log, against a real foliod.
 *
 * Every test starts from the same firm: offices North and South, and
 *   olga   office-admin of North     sam    office-admin of South
 *   alice  agent in North            bob    agent in South
 * next to the firm-admin root.
 *
 * The tests share one server (harness_shared_start), each with offices and
 * people of its own, named after its process (North-PID, olga-PID, ...), and
 * whatever else it adds named after it too. The office and user lists and
 * the audit log are the firm's: a test looks for its own offices, users and
 * records in them, never at counts or positions of the whole list. The test
 * that disables root and leaves the last firm-admin, and the one that
 * restarts its server, start servers of their own, in a suite of their own
 * (admin_own): Criterion runs a suite's .init before a test's, so a test of
 * the admin suite always attaches to its server. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <criterion/criterion.h>
#include <criterion/hooks.h>

#include "harness.h"

#define PW_OLGA  "olga-password"
#define PW_SAM   "sam-password"
#define PW_ALICE "alice-password"
#define PW_BOB   "bob-password"

static struct harness_server srv;
static struct folio_connection *root;
static uint64_t north_id, south_id;

/* This test's process id, offices and people. */
static int pid;
static char north[32], south[32], olga_name[32], sam_name[32], alice_name[32], bob_name[32];

ReportHook(PRE_SUITE)(struct criterion_suite_set *set)
{
    if (strcmp(set->suite.name, "admin") == 0)
        harness_shared_start("admin", NULL, NULL);
}

/* Not at POST_SUITE: Criterion reports a suite's end as soon as it has
 * started the suite's last test, while that test and others may still run.
 * POST_ALL comes once every test has ended. */
ReportHook(POST_ALL)(struct criterion_global_stats *stats)
{
    (void)stats;
    harness_shared_stop("admin");
}

static void people(void)
{
    pid = (int)getpid();
    snprintf(north, sizeof(north), "North-%d", pid);
    snprintf(south, sizeof(south), "South-%d", pid);
    snprintf(olga_name, sizeof(olga_name), "olga-%d", pid);
    snprintf(sam_name, sizeof(sam_name), "sam-%d", pid);
    snprintf(alice_name, sizeof(alice_name), "alice-%d", pid);
    snprintf(bob_name, sizeof(bob_name), "bob-%d", pid);
    root = harness_admin(&srv);
    north_id = harness_add_office(root, north);
    south_id = harness_add_office(root, south);
    harness_add_user(root, olga_name, FOLIO__ROLE__ROLE_OFFICE_ADMIN, north, PW_OLGA);
    harness_add_user(root, sam_name, FOLIO__ROLE__ROLE_OFFICE_ADMIN, south, PW_SAM);
    harness_add_user(root, alice_name, FOLIO__ROLE__ROLE_AGENT, north, PW_ALICE);
    harness_add_user(root, bob_name, FOLIO__ROLE__ROLE_AGENT, south, PW_BOB);
}

static void setup(void)
{
    harness_shared_attach(&srv, "admin");
    people();
}

/* For the tests that disable root and restart the server. */
static void setup_own(void)
{
    harness_server_start(&srv, NULL);
    people();
}

/* name-PID, this test's own, in buf. */
static const char *own(char *buf, size_t size, const char *name)
{
    snprintf(buf, size, "%s-%d", name, pid);
    return buf;
}

static void teardown(void)
{
    harness_server_cleanup(&srv);
}

TestSuite(admin, .init = setup, .fini = teardown);
TestSuite(admin_own, .init = setup_own, .fini = teardown);

static void finish(void)
{
    folio_connection_close(root);
    root = NULL;
    harness_server_finish(&srv);
}

/* How many offices of the list are called name. */
static size_t offices_named(const Folio__Offices *o, const char *name)
{
    size_t n = 0;
    for (size_t i = 0; i < o->n_offices; i++)
        n += strcmp(o->offices[i]->name, name) == 0;
    return n;
}

static bool offices_contain(const Folio__Offices *o, const char *name)
{
    return offices_named(o, name) > 0;
}

/* A name of n copies of c. */
static char *repeat(char c, size_t n)
{
    char *s = malloc(n + 1);
    cr_assert_not_null(s);
    memset(s, c, n);
    s[n] = '\0';
    return s;
}

/* A name of n bytes of this test's own: the process id, then copies of c. */
static char *own_repeat(char c, size_t n)
{
    char *s = repeat(c, n);
    char id[16];
    int len = snprintf(id, sizeof(id), "%d", pid);
    cr_assert_lt((size_t)len, n);
    memcpy(s + 1, id, (size_t)len);
    return s;
}

Test(admin, offices_are_added_and_listed)
{
    struct folio_error err = {0};
    char zurich[48];
    snprintf(zurich, sizeof(zurich), "Zürich Centre %d", pid);
    int64_t before = (int64_t)time(NULL);
    Folio__Response *r = harness_ok(folio_office_add(root, zurich, &err), &err);
    cr_assert_eq(r->result_case, FOLIO__RESPONSE__RESULT_OFFICE);
    cr_assert_gt(r->office->id, 0);
    cr_assert_neq(r->office->id, north_id);
    cr_assert_neq(r->office->id, south_id);
    cr_assert_str_eq(r->office->name, zurich);
    cr_assert(r->office->created_at >= before - 5 && r->office->created_at <= time(NULL) + 5);
    folio_response_free(r);

    /* The list is the firm's: other tests' offices are in it too. */
    r = harness_ok(folio_office_list(root, &err), &err);
    cr_assert_eq(r->result_case, FOLIO__RESPONSE__RESULT_OFFICES);
    cr_assert_eq(offices_named(r->offices, north), 1);
    cr_assert_eq(offices_named(r->offices, south), 1);
    cr_assert_eq(offices_named(r->offices, zurich), 1);
    folio_response_free(r);

    /* An office-admin may list them too, all of them. */
    struct folio_connection *olga = harness_user(&srv, olga_name, PW_OLGA);
    r = harness_ok(folio_office_list(olga, &err), &err);
    cr_assert(offices_contain(r->offices, north));
    cr_assert(offices_contain(r->offices, south));
    cr_assert(offices_contain(r->offices, zurich));
    folio_response_free(r);
    folio_connection_close(olga);
    finish();
}

Test(admin, office_names_are_checked)
{
    struct folio_error err = {0};
    const char *refused[] = {"", "bad\x01name", "line\nbreak", "bad \xff utf-8"};
    harness_refused(folio_office_add(root, north, &err), &err, FOLIO__CODE__ALREADY_EXISTS);
    for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++)
        harness_refused(folio_office_add(root, refused[i], &err), &err,
                        FOLIO__CODE__INVALID_ARGUMENT);
    char *longest = own_repeat('o', 100);
    folio_response_free(harness_ok(folio_office_add(root, longest, &err), &err));
    char *too_long = own_repeat('o', 101);
    harness_refused(folio_office_add(root, too_long, &err), &err, FOLIO__CODE__INVALID_ARGUMENT);
    Folio__Response *r = harness_ok(folio_office_list(root, &err), &err);
    cr_assert_eq(offices_named(r->offices, north), 1, "a second %s was stored", north);
    cr_assert_eq(offices_named(r->offices, longest), 1);
    cr_assert_eq(offices_named(r->offices, too_long), 0, "refused offices were stored");
    for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++)
        cr_assert_eq(offices_named(r->offices, refused[i]), 0, "refused offices were stored");
    folio_response_free(r);
    free(longest);
    free(too_long);
    finish();
}

Test(admin, firm_admin_adds_users_of_every_role)
{
    struct folio_error err = {0};
    char carol[48], carol_lower[48], fiona[32], oscar[32], east[32];
    own(carol, sizeof(carol), "Carol.Smith");
    own(carol_lower, sizeof(carol_lower), "carol.smith");
    own(fiona, sizeof(fiona), "fiona");
    own(oscar, sizeof(oscar), "oscar");
    own(east, sizeof(east), "East");
    Folio__Response *r = harness_ok(
        folio_user_add(root, carol, FOLIO__ROLE__ROLE_AGENT, north, "carol-password", &err), &err);
    cr_assert_eq(r->result_case, FOLIO__RESPONSE__RESULT_USER);
    cr_assert_str_eq(r->user->name, carol_lower, "names are stored lower case");
    cr_assert_eq(r->user->role, FOLIO__ROLE__ROLE_AGENT);
    cr_assert_eq(r->user->office_id, north_id);
    cr_assert_str_eq(r->user->office, north);
    cr_assert(!r->user->disabled);
    cr_assert_gt(r->user->id, 0);
    folio_response_free(r);

    r = harness_ok(
        folio_user_add(root, fiona, FOLIO__ROLE__ROLE_FIRM_ADMIN, NULL, "fiona-password", &err),
        &err);
    cr_assert_eq(r->user->role, FOLIO__ROLE__ROLE_FIRM_ADMIN);
    folio_response_free(r);
    r = harness_ok(
        folio_user_add(root, oscar, FOLIO__ROLE__ROLE_OFFICE_ADMIN, south, "oscar-password", &err),
        &err);
    cr_assert_eq(r->user->role, FOLIO__ROLE__ROLE_OFFICE_ADMIN);
    cr_assert_eq(r->user->office_id, south_id);
    folio_response_free(r);

    /* Each of them can log in with the role given. */
    struct folio_connection *c = harness_connect(&srv);
    r = harness_ok(folio_login(c, carol_lower, "carol-password", &err), &err);
    cr_assert_str_eq(r->session->user->office, north);
    folio_response_free(r);
    folio_connection_close(c);
    c = harness_user(&srv, fiona, "fiona-password");
    harness_add_office(c, east);
    folio_connection_close(c);
    finish();
}

Test(admin, user_add_checks_its_arguments)
{
    struct folio_error err = {0};
    const char *pw = "good-password";
    char carol[32], dave[32], alice_upper[32], odd[32];
    own(carol, sizeof(carol), "carol");
    own(dave, sizeof(dave), "dave");
    for (size_t i = 0; i <= strlen(alice_name); i++)
        alice_upper[i] = (char)toupper((unsigned char)alice_name[i]);
    snprintf(odd, sizeof(odd), "9.a_b-c@x%d", pid);
    harness_refused(folio_user_add(root, carol, FOLIO__ROLE__ROLE_AGENT, NULL, pw, &err), &err,
                    FOLIO__CODE__INVALID_ARGUMENT);
    harness_refused(folio_user_add(root, carol, FOLIO__ROLE__ROLE_AGENT, "", pw, &err), &err,
                    FOLIO__CODE__INVALID_ARGUMENT);
    harness_refused(folio_user_add(root, carol, FOLIO__ROLE__ROLE_OFFICE_ADMIN, NULL, pw, &err),
                    &err, FOLIO__CODE__INVALID_ARGUMENT);
    harness_refused(folio_user_add(root, carol, FOLIO__ROLE__ROLE_AGENT, "Atlantis", pw, &err),
                    &err, FOLIO__CODE__NOT_FOUND);
    harness_refused(folio_user_add(root, carol, FOLIO__ROLE__ROLE_UNSPECIFIED, north, pw, &err),
                    &err, FOLIO__CODE__INVALID_ARGUMENT);
    harness_refused(folio_user_add(root, alice_name, FOLIO__ROLE__ROLE_AGENT, north, pw, &err),
                    &err, FOLIO__CODE__ALREADY_EXISTS);
    harness_refused(folio_user_add(root, alice_upper, FOLIO__ROLE__ROLE_AGENT, south, pw, &err),
                    &err, FOLIO__CODE__ALREADY_EXISTS);

    const char *bad_names[] = {"",       "-carol", ".carol", "_carol",
                               "car ol", "car/ol", "carol!", "caröl"};
    for (size_t i = 0; i < sizeof(bad_names) / sizeof(bad_names[0]); i++) {
        Folio__Response *r =
            folio_user_add(root, bad_names[i], FOLIO__ROLE__ROLE_AGENT, north, pw, &err);
        cr_assert_null(r, "user name \"%s\" was accepted", bad_names[i]);
        cr_assert_eq(err.code, FOLIO__CODE__INVALID_ARGUMENT, "user name \"%s\": code %d",
                     bad_names[i], err.code);
    }
    char *name64 = own_repeat('c', 64);
    folio_response_free(
        harness_ok(folio_user_add(root, name64, FOLIO__ROLE__ROLE_AGENT, north, pw, &err), &err));
    free(name64);
    char *name65 = own_repeat('d', 65);
    harness_refused(folio_user_add(root, name65, FOLIO__ROLE__ROLE_AGENT, north, pw, &err), &err,
                    FOLIO__CODE__INVALID_ARGUMENT);
    free(name65);
    folio_response_free(
        harness_ok(folio_user_add(root, odd, FOLIO__ROLE__ROLE_AGENT, north, pw, &err), &err));

    harness_refused(folio_user_add(root, carol, FOLIO__ROLE__ROLE_AGENT, north, "7chars!", &err),
                    &err, FOLIO__CODE__INVALID_ARGUMENT);
    char *pw1025 = repeat('p', 1025);
    harness_refused(folio_user_add(root, carol, FOLIO__ROLE__ROLE_AGENT, north, pw1025, &err), &err,
                    FOLIO__CODE__INVALID_ARGUMENT);
    free(pw1025);
    char *pw1024 = repeat('p', 1024);
    folio_response_free(harness_ok(
        folio_user_add(root, carol, FOLIO__ROLE__ROLE_AGENT, north, pw1024, &err), &err));
    struct folio_connection *c = harness_user(&srv, carol, pw1024);
    folio_connection_close(c);
    free(pw1024);
    folio_response_free(harness_ok(
        folio_user_add(root, dave, FOLIO__ROLE__ROLE_AGENT, north, "8chars!!", &err), &err));
    finish();
}

Test(admin, agent_is_refused_every_admin_op)
{
    struct folio_connection *alice = harness_user(&srv, alice_name, PW_ALICE);
    struct folio_error err = {0};
    char west[32], carol[32];
    own(west, sizeof(west), "West");
    own(carol, sizeof(carol), "carol");
    harness_refused(folio_office_add(alice, west, &err), &err, FOLIO__CODE__PERMISSION_DENIED);
    harness_refused(folio_office_list(alice, &err), &err, FOLIO__CODE__PERMISSION_DENIED);
    harness_refused(
        folio_user_add(alice, carol, FOLIO__ROLE__ROLE_AGENT, north, "carol-password", &err), &err,
        FOLIO__CODE__PERMISSION_DENIED);
    harness_refused(folio_user_list(alice, 0, NULL, &err), &err, FOLIO__CODE__PERMISSION_DENIED);
    harness_refused(folio_user_disable(alice, bob_name, &err), &err,
                    FOLIO__CODE__PERMISSION_DENIED);
    harness_refused(folio_user_disable(alice, olga_name, &err), &err,
                    FOLIO__CODE__PERMISSION_DENIED);
    harness_refused(folio_user_passwd(alice, bob_name, "bob-new-password", &err), &err,
                    FOLIO__CODE__PERMISSION_DENIED);
    harness_refused(folio_user_passwd(alice, HARNESS_ADMIN, "root-new-password", &err), &err,
                    FOLIO__CODE__PERMISSION_DENIED);
    harness_refused(folio_audit_query(alice, NULL, 0, 0, 0, &err), &err,
                    FOLIO__CODE__PERMISSION_DENIED);
    harness_refused(folio_audit_query(alice, alice_name, 0, 0, 0, &err), &err,
                    FOLIO__CODE__PERMISSION_DENIED);
    folio_connection_close(alice);

    /* Nothing changed: bob and root still log in with their passwords, and
     * West was not added. */
    folio_connection_close(harness_user(&srv, bob_name, PW_BOB));
    folio_connection_close(harness_user(&srv, HARNESS_ADMIN, HARNESS_ADMIN_PASSWORD));
    Folio__Response *r = harness_ok(folio_office_list(root, &err), &err);
    cr_assert_not(offices_contain(r->offices, west));
    cr_assert(offices_contain(r->offices, north));
    folio_response_free(r);
    finish();
}

Test(admin, office_admin_manages_its_own_office_only)
{
    struct folio_connection *olga = harness_user(&srv, olga_name, PW_OLGA);
    struct folio_error err = {0};
    const char *pw = "carol-password";
    char carol[32], dan[32], otto[32];
    own(carol, sizeof(carol), "carol");
    own(dan, sizeof(dan), "dan");
    own(otto, sizeof(otto), "otto");

    Folio__Response *r =
        harness_ok(folio_user_add(olga, carol, FOLIO__ROLE__ROLE_AGENT, north, pw, &err), &err);
    cr_assert_eq(r->user->office_id, north_id);
    folio_response_free(r);
    harness_refused(folio_user_add(olga, dan, FOLIO__ROLE__ROLE_AGENT, south, pw, &err), &err,
                    FOLIO__CODE__PERMISSION_DENIED);
    harness_refused(folio_user_add(olga, dan, FOLIO__ROLE__ROLE_OFFICE_ADMIN, north, pw, &err),
                    &err, FOLIO__CODE__PERMISSION_DENIED);
    harness_refused(folio_user_add(olga, dan, FOLIO__ROLE__ROLE_FIRM_ADMIN, NULL, pw, &err), &err,
                    FOLIO__CODE__PERMISSION_DENIED);
    harness_refused(folio_user_add(olga, dan, FOLIO__ROLE__ROLE_FIRM_ADMIN, north, pw, &err), &err,
                    FOLIO__CODE__PERMISSION_DENIED);
    char west[32];
    harness_refused(folio_office_add(olga, own(west, sizeof(west), "West"), &err), &err,
                    FOLIO__CODE__PERMISSION_DENIED);

    /* Disable and passwd: agents of North only. */
    harness_refused(folio_user_disable(olga, bob_name, &err), &err, FOLIO__CODE__PERMISSION_DENIED);
    harness_refused(folio_user_disable(olga, sam_name, &err), &err, FOLIO__CODE__PERMISSION_DENIED);
    harness_refused(folio_user_disable(olga, HARNESS_ADMIN, &err), &err,
                    FOLIO__CODE__PERMISSION_DENIED);
    harness_refused(folio_user_passwd(olga, bob_name, "bob-new-password", &err), &err,
                    FOLIO__CODE__PERMISSION_DENIED);
    harness_refused(folio_user_passwd(olga, sam_name, "sam-new-password", &err), &err,
                    FOLIO__CODE__PERMISSION_DENIED);
    harness_refused(folio_user_passwd(olga, HARNESS_ADMIN, "root-new-password", &err), &err,
                    FOLIO__CODE__PERMISSION_DENIED);
    folio_response_free(
        harness_ok(folio_user_passwd(olga, alice_name, "alice-new-password", &err), &err));
    r = harness_ok(folio_user_disable(olga, alice_name, &err), &err);
    cr_assert(r->user->disabled);
    folio_response_free(r);

    /* A second office-admin of North is not olga's to manage either. */
    harness_add_user(root, otto, FOLIO__ROLE__ROLE_OFFICE_ADMIN, north, "otto-password");
    harness_refused(folio_user_disable(olga, otto, &err), &err, FOLIO__CODE__PERMISSION_DENIED);
    harness_refused(folio_user_passwd(olga, otto, "otto-new-password", &err), &err,
                    FOLIO__CODE__PERMISSION_DENIED);

    /* The user list shows North (this test's own office) only. */
    r = harness_ok(folio_user_list(olga, 0, NULL, &err), &err);
    cr_assert_eq(r->result_case, FOLIO__RESPONSE__RESULT_USERS);
    for (size_t i = 0; i < r->users->n_users; i++)
        cr_assert_eq(r->users->users[i]->office_id, north_id, "olga sees %s of another office",
                     r->users->users[i]->name);
    cr_assert_eq(r->users->n_users, 4, "North has alice, carol, olga and otto");
    folio_response_free(r);

    /* Refused changes changed nothing. */
    folio_connection_close(harness_user(&srv, bob_name, PW_BOB));
    folio_connection_close(harness_user(&srv, sam_name, PW_SAM));
    folio_connection_close(olga);
    finish();
}

/* Disables root and leaves one firm-admin in the firm: a server of its own. */
Test(admin_own, disabling_self_or_unknown_is_refused)
{
    struct folio_error err = {0};
    harness_refused(folio_user_disable(root, HARNESS_ADMIN, &err), &err,
                    FOLIO__CODE__FAILED_PRECONDITION);
    harness_refused(folio_user_disable(root, "nobody", &err), &err, FOLIO__CODE__NOT_FOUND);

    /* With a second firm-admin, either may disable the other, but then the
     * one left is the last firm-admin and cannot be disabled. */
    char fiona_name[32];
    own(fiona_name, sizeof(fiona_name), "fiona");
    harness_add_user(root, fiona_name, FOLIO__ROLE__ROLE_FIRM_ADMIN, NULL, "fiona-password");
    struct folio_connection *fiona = harness_user(&srv, fiona_name, "fiona-password");
    Folio__Response *r = harness_ok(folio_user_disable(fiona, HARNESS_ADMIN, &err), &err);
    cr_assert(r->user->disabled);
    folio_response_free(r);
    harness_refused(folio_user_disable(fiona, fiona_name, &err), &err,
                    FOLIO__CODE__FAILED_PRECONDITION);
    harness_refused(folio_whoami(root, &err), &err, FOLIO__CODE__UNAUTHENTICATED);
    folio_response_free(harness_ok(folio_whoami(fiona, &err), &err));
    folio_connection_close(fiona);
    finish();
}

Test(admin, user_list_pages_in_name_order)
{
    struct folio_error err = {0};
    /* root, olga, sam, alice, bob and u01..u12 of this test; other tests'
     * users are listed with them. */
    enum { OURS = 17 };
    char ours[OURS][32];
    snprintf(ours[0], sizeof(ours[0]), "%s", HARNESS_ADMIN);
    snprintf(ours[1], sizeof(ours[1]), "%s", olga_name);
    snprintf(ours[2], sizeof(ours[2]), "%s", sam_name);
    snprintf(ours[3], sizeof(ours[3]), "%s", alice_name);
    snprintf(ours[4], sizeof(ours[4]), "%s", bob_name);
    for (int i = 12; i >= 1; i--) {
        char *name = ours[4 + i];
        snprintf(name, sizeof(ours[0]), "u%02d-%d", i, pid);
        harness_add_user(root, name, FOLIO__ROLE__ROLE_AGENT, i % 2 ? north : south, "u-password");
    }
    size_t ours_seen[OURS] = {0};
    char last[128] = "";
    size_t seen = 0;
    int pages = 0;
    char after[128] = "";
    for (; pages < 100; pages++) {
        Folio__Response *r = harness_ok(folio_user_list(root, 5, after, &err), &err);
        cr_assert_eq(r->result_case, FOLIO__RESPONSE__RESULT_USERS);
        cr_assert_leq(r->users->n_users, 5, "page of %zu users with limit 5", r->users->n_users);
        for (size_t i = 0; i < r->users->n_users; i++) {
            const char *name = r->users->users[i]->name;
            cr_assert_gt(strcmp(name, last), 0, "\"%s\" listed after \"%s\"", name, last);
            snprintf(last, sizeof(last), "%s", name);
            seen++;
            for (size_t k = 0; k < OURS; k++)
                ours_seen[k] += strcmp(name, ours[k]) == 0;
        }
        bool more = r->users->next[0] != '\0';
        if (more) {
            cr_assert_eq(r->users->n_users, 5, "a short page claims more follow");
            snprintf(after, sizeof(after), "%s", r->users->next);
        }
        folio_response_free(r);
        if (!more)
            break;
    }
    for (size_t k = 0; k < OURS; k++)
        cr_assert_eq(ours_seen[k], 1, "%s listed %zu times", ours[k], ours_seen[k]);
    cr_assert_geq(seen, OURS);
    cr_assert_eq((size_t)pages + 1, (seen + 4) / 5, "%zu users in pages of 5 took %d pages", seen,
                 pages + 1);

    /* No limit: the server's default page holds all of them. */
    Folio__Response *r = harness_ok(folio_user_list(root, 0, NULL, &err), &err);
    cr_assert_geq(r->users->n_users, seen, "users are never removed");
    cr_assert_str_eq(r->users->next, "");
    for (size_t k = 0; k < OURS; k++) {
        bool listed = false;
        for (size_t i = 0; i < r->users->n_users; i++)
            listed |= strcmp(r->users->users[i]->name, ours[k]) == 0;
        cr_assert(listed, "%s is not on the default page", ours[k]);
    }
    folio_response_free(r);
    finish();
}

/* The audit records, newest first, all of them. */
static Folio__Response *audit_all(struct folio_connection *c)
{
    struct folio_error err = {0};
    Folio__Response *r = harness_ok(folio_audit_query(c, NULL, 0, 1000, 0, &err), &err);
    cr_assert_eq(r->result_case, FOLIO__RESPONSE__RESULT_AUDIT);
    const Folio__AuditRecords *a = r->audit;
    cr_assert_eq(a->next, 0, "the audit log outgrew one page");
    for (size_t i = 1; i < a->n_records; i++) {
        cr_assert_lt(a->records[i]->seq, a->records[i - 1]->seq, "audit is not newest first");
        cr_assert_leq(a->records[i]->time, a->records[i - 1]->time);
    }
    return r;
}

static const Folio__AuditRecord *find_record(const Folio__AuditRecords *a, const char *action,
                                             const char *actor, const char *target)
{
    for (size_t i = 0; i < a->n_records; i++) {
        const Folio__AuditRecord *rec = a->records[i];
        if (strcmp(rec->action, action) == 0 && strcmp(rec->actor, actor) == 0 &&
            (target == NULL || strcmp(rec->target, target) == 0))
            return rec;
    }
    return NULL;
}

static void print_audit(const Folio__AuditRecords *a)
{
    for (size_t i = 0; i < a->n_records; i++)
        fprintf(stderr, "  audit %llu %s actor=%s target=%s detail=%s\n",
                (unsigned long long)a->records[i]->seq, a->records[i]->action, a->records[i]->actor,
                a->records[i]->target, a->records[i]->detail);
}

Test(admin, audit_records_every_account_change_without_secrets)
{
    struct folio_error err = {0};
    char nobody[32];
    own(nobody, sizeof(nobody), "nobody");
    struct folio_connection *c = harness_connect(&srv);
    harness_refused(folio_login(c, HARNESS_ADMIN, "wrong-secret-1", &err), &err,
                    FOLIO__CODE__UNAUTHENTICATED);
    harness_refused(folio_login(c, nobody, "wrong-secret-2", &err), &err,
                    FOLIO__CODE__UNAUTHENTICATED);
    char alice_token[65];
    harness_login_token(c, alice_name, PW_ALICE, alice_token);
    folio_response_free(
        harness_ok(folio_password_change(c, PW_ALICE, "alice-secret-3", &err), &err));
    folio_response_free(harness_ok(folio_logout(c, &err), &err));
    folio_connection_close(c);
    folio_response_free(harness_ok(folio_user_passwd(root, bob_name, "bob-secret-4", &err), &err));
    folio_response_free(harness_ok(folio_user_disable(root, bob_name, &err), &err));

    /* The log is the firm's: records of other tests are in it too. No other
     * test of the suite fails a login as root. */
    Folio__Response *r = audit_all(root);
    const Folio__AuditRecords *a = r->audit;
    struct {
        const char *action, *actor, *target;
    } expected[] = {
        {"firm.init", HARNESS_ADMIN, NULL},
        {"login", HARNESS_ADMIN, NULL},
        {"office.add", HARNESS_ADMIN, north},
        {"office.add", HARNESS_ADMIN, south},
        {"user.add", HARNESS_ADMIN, olga_name},
        {"user.add", HARNESS_ADMIN, sam_name},
        {"user.add", HARNESS_ADMIN, alice_name},
        {"user.add", HARNESS_ADMIN, bob_name},
        {"login.failed", HARNESS_ADMIN, NULL},
        {"login.failed", nobody, NULL},
        {"login", alice_name, NULL},
        {"password.change", alice_name, NULL},
        {"logout", alice_name, NULL},
        {"user.passwd", HARNESS_ADMIN, bob_name},
        {"user.disable", HARNESS_ADMIN, bob_name},
    };
    for (size_t i = 0; i < sizeof(expected) / sizeof(expected[0]); i++) {
        if (find_record(a, expected[i].action, expected[i].actor, expected[i].target) == NULL) {
            print_audit(a);
            cr_assert_fail("no audit record %s by %s on %s", expected[i].action, expected[i].actor,
                           expected[i].target ? expected[i].target : "-");
        }
    }
    /* The newest record of this test's is the last change made. */
    const char *people_names[] = {olga_name, sam_name, alice_name, bob_name, nobody};
    const Folio__AuditRecord *newest = NULL;
    for (size_t i = 0; i < a->n_records && newest == NULL; i++)
        for (size_t k = 0; k < sizeof(people_names) / sizeof(people_names[0]); k++)
            if (strcmp(a->records[i]->actor, people_names[k]) == 0 ||
                strcmp(a->records[i]->target, people_names[k]) == 0)
                newest = a->records[i];
    cr_assert_not_null(newest);
    cr_assert_str_eq(newest->action, "user.disable");
    cr_assert_str_eq(newest->target, bob_name);

    const char *secrets[] = {
        HARNESS_ADMIN_PASSWORD, PW_OLGA,          PW_SAM,           PW_ALICE,       PW_BOB,
        "wrong-secret-1",       "wrong-secret-2", "alice-secret-3", "bob-secret-4", alice_token};
    for (size_t i = 0; i < a->n_records; i++) {
        const Folio__AuditRecord *rec = a->records[i];
        const char *fields[] = {rec->actor, rec->action, rec->target, rec->detail};
        for (size_t f = 0; f < 4; f++)
            for (size_t s = 0; s < sizeof(secrets) / sizeof(secrets[0]); s++)
                cr_assert_null(strstr(fields[f], secrets[s]),
                               "audit record %llu (%s) contains \"%s\"",
                               (unsigned long long)rec->seq, rec->action, secrets[s]);
    }
    folio_response_free(r);
    finish();
}

Test(admin, audit_query_filters_and_pages)
{
    struct folio_error err = {0};
    folio_connection_close(harness_user(&srv, alice_name, PW_ALICE));
    folio_connection_close(harness_user(&srv, alice_name, PW_ALICE));

    Folio__Response *r = harness_ok(folio_audit_query(root, alice_name, 0, 0, 0, &err), &err);
    cr_assert_eq(r->audit->n_records, 2);
    for (size_t i = 0; i < r->audit->n_records; i++)
        cr_assert_str_eq(r->audit->records[i]->actor, alice_name);
    folio_response_free(r);

    Folio__Response *all = audit_all(root);
    size_t total = all->audit->n_records;
    cr_assert_geq(total, 9);

    /* Pages of two, newest first, together the same as one big page. Other
     * tests add records meanwhile: the pages start below the newest record
     * of the big one. */
    uint64_t before = all->audit->records[0]->seq + 1;
    size_t seen = 0;
    for (int pages = 0; pages < 1000; pages++) {
        r = harness_ok(folio_audit_query(root, NULL, 0, 2, before, &err), &err);
        cr_assert_leq(r->audit->n_records, 2);
        for (size_t i = 0; i < r->audit->n_records; i++) {
            cr_assert_lt(seen, total);
            cr_assert_eq(r->audit->records[i]->seq, all->audit->records[seen]->seq,
                         "page %d record %zu", pages, i);
            seen++;
        }
        before = r->audit->next;
        folio_response_free(r);
        if (before == 0)
            break;
    }
    cr_assert_eq(seen, total);

    /* since: nothing in the future, everything since the start (and what
     * other tests added since the big page). */
    int64_t t0 = all->audit->records[total - 1]->time;
    r = harness_ok(folio_audit_query(root, NULL, (int64_t)time(NULL) + 3600, 0, 0, &err), &err);
    cr_assert_eq(r->audit->n_records, 0);
    folio_response_free(r);
    r = harness_ok(folio_audit_query(root, NULL, t0, 1000, 0, &err), &err);
    cr_assert_geq(r->audit->n_records, total);
    cr_assert_eq(r->audit->next, 0);
    cr_assert_eq(r->audit->records[r->audit->n_records - 1]->seq,
                 all->audit->records[total - 1]->seq, "the oldest record is left out");
    folio_response_free(r);
    folio_response_free(all);
    finish();
}

Test(admin, office_admin_reads_the_audit_of_its_office)
{
    struct folio_error err = {0};
    folio_connection_close(harness_user(&srv, alice_name, PW_ALICE));
    folio_connection_close(harness_user(&srv, bob_name, PW_BOB));
    struct folio_connection *olga = harness_user(&srv, olga_name, PW_OLGA);
    Folio__Response *r = harness_ok(folio_audit_query(olga, NULL, 0, 1000, 0, &err), &err);
    bool saw_alice = false;
    for (size_t i = 0; i < r->audit->n_records; i++) {
        const Folio__AuditRecord *rec = r->audit->records[i];
        cr_assert_eq(rec->actor_office_id, north_id, "olga reads %s by %s", rec->action,
                     rec->actor);
        cr_assert_str_neq(rec->actor, bob_name);
        cr_assert_str_neq(rec->actor, HARNESS_ADMIN);
        saw_alice |= strcmp(rec->actor, alice_name) == 0;
    }
    cr_assert(saw_alice, "olga does not see alice's login");
    folio_response_free(r);
    r = harness_ok(folio_audit_query(olga, bob_name, 0, 0, 0, &err), &err);
    cr_assert_eq(r->audit->n_records, 0, "olga reads bob's records");
    folio_response_free(r);
    folio_connection_close(olga);
    finish();
}

/* Restarts its server: a server of its own. */
Test(admin_own, changes_survive_a_restart)
{
    struct folio_error err = {0};
    folio_response_free(harness_ok(folio_user_disable(root, bob_name, &err), &err));
    folio_connection_close(root);
    root = NULL;
    harness_server_restart(&srv);
    root = harness_admin(&srv);
    Folio__Response *r = harness_ok(folio_office_list(root, &err), &err);
    cr_assert_eq(r->offices->n_offices, 2);
    folio_response_free(r);
    r = harness_ok(folio_user_list(root, 0, NULL, &err), &err);
    cr_assert_eq(r->users->n_users, 5);
    for (size_t i = 0; i < r->users->n_users; i++)
        cr_assert_eq(r->users->users[i]->disabled, strcmp(r->users->users[i]->name, bob_name) == 0);
    folio_response_free(r);
    struct folio_connection *c = harness_connect(&srv);
    /* Still disabled: answered as a wrong password. */
    harness_refused(folio_login(c, bob_name, PW_BOB, &err), &err, FOLIO__CODE__UNAUTHENTICATED);
    folio_connection_close(c);
    finish();
}

/* A disabled user comes back; roles and offices change as who may manage
 * whom says; show counts a user's clients. */
Test(admin, users_are_enabled_moved_and_shown)
{
    struct folio_connection *olga = harness_user(&srv, olga_name, PW_OLGA);
    struct folio_error err = {0};
    folio_response_free(harness_ok(folio_user_disable(olga, alice_name, &err), &err));
    Folio__Response *r = harness_ok(folio_user_enable(olga, alice_name, &err), &err);
    cr_assert(!r->user->disabled);
    folio_response_free(r);
    struct folio_connection *alice = harness_user(&srv, alice_name, PW_ALICE);
    Folio__Client c = FOLIO__CLIENT__INIT;
    c.name = (char *)"Kept Client";
    folio_response_free(harness_ok(folio_client_add(alice, &c, false, &err), &err));
    folio_connection_close(alice);

    r = harness_ok(folio_user_show(olga, alice_name, &err), &err);
    cr_assert_eq(r->user->clients, 1);
    cr_assert_neq(r->user->last_login_at, 0, "alice logged in");
    cr_assert_str_eq(r->user->office, north);
    folio_response_free(r);

    /* Olga manages North's agents only, and makes no admins. */
    harness_refused(folio_user_set(olga, alice_name, FOLIO__ROLE__ROLE_OFFICE_ADMIN, NULL, &err),
                    &err, FOLIO__CODE__PERMISSION_DENIED);
    harness_refused(folio_user_set(olga, alice_name, FOLIO__ROLE__ROLE_UNSPECIFIED, south, &err),
                    &err, FOLIO__CODE__PERMISSION_DENIED);
    harness_refused(folio_user_set(olga, bob_name, FOLIO__ROLE__ROLE_UNSPECIFIED, north, &err),
                    &err, FOLIO__CODE__PERMISSION_DENIED);
    harness_refused(folio_user_show(olga, bob_name, &err), &err, FOLIO__CODE__PERMISSION_DENIED);
    folio_connection_close(olga);

    /* The firm-admin moves alice to South: she keeps her client. */
    r = harness_ok(folio_user_set(root, alice_name, FOLIO__ROLE__ROLE_UNSPECIFIED, south, &err),
                   &err);
    cr_assert_eq(r->user->office_id, south_id);
    cr_assert_eq(r->user->role, FOLIO__ROLE__ROLE_AGENT);
    folio_response_free(r);
    r = harness_ok(folio_user_show(root, alice_name, &err), &err);
    cr_assert_eq(r->user->clients, 1);
    folio_response_free(r);
    /* An agent keeping clients does not become an admin. */
    harness_refused(folio_user_set(root, alice_name, FOLIO__ROLE__ROLE_OFFICE_ADMIN, NULL, &err),
                    &err, FOLIO__CODE__FAILED_PRECONDITION);
    cr_assert(strstr(err.message, "reassign") != NULL, "%s", err.message);
    /* Bob, with none, does. */
    r = harness_ok(folio_user_set(root, bob_name, FOLIO__ROLE__ROLE_OFFICE_ADMIN, NULL, &err),
                   &err);
    cr_assert_eq(r->user->role, FOLIO__ROLE__ROLE_OFFICE_ADMIN);
    folio_response_free(r);
    harness_refused(folio_user_set(root, bob_name, FOLIO__ROLE__ROLE_UNSPECIFIED, "Nowhere", &err),
                    &err, FOLIO__CODE__NOT_FOUND);

    r = audit_all(root);
    const Folio__AuditRecord *a = find_record(r->audit, "user.set", HARNESS_ADMIN, alice_name);
    cr_assert_not_null(a);
    cr_assert_not_null(strstr(a->detail, south), "%s", a->detail);
    cr_assert_not_null(find_record(r->audit, "user.enable", olga_name, alice_name));
    folio_response_free(r);
    finish();
}

/* The last firm-admin stays one. */
Test(admin_own, the_last_firm_admin_is_not_demoted)
{
    struct folio_error err = {0};
    harness_refused(
        folio_user_set(root, HARNESS_ADMIN, FOLIO__ROLE__ROLE_OFFICE_ADMIN, north, &err), &err,
        FOLIO__CODE__FAILED_PRECONDITION);
    cr_assert(strstr(err.message, "last firm-admin") != NULL, "%s", err.message);
    finish();
}

/* Users keep their office through a rename; an office with users stays. */
Test(admin, offices_are_renamed_and_removed_when_empty)
{
    struct folio_error err = {0};
    char east[32], west[32];
    own(east, sizeof(east), "East");
    own(west, sizeof(west), "West");
    Folio__Response *r = harness_ok(folio_office_rename(root, north, east, &err), &err);
    cr_assert_str_eq(r->office->name, east);
    cr_assert_eq(r->office->id, north_id);
    folio_response_free(r);
    struct folio_connection *olga = harness_user(&srv, olga_name, PW_OLGA);
    r = harness_ok(folio_user_show(olga, alice_name, &err), &err);
    cr_assert_str_eq(r->user->office, east, "alice's office has its new name");
    folio_response_free(r);
    /* Renaming is a firm-admin's; names stay unique. */
    harness_refused(folio_office_rename(olga, east, west, &err), &err,
                    FOLIO__CODE__PERMISSION_DENIED);
    folio_connection_close(olga);
    harness_refused(folio_office_rename(root, east, south, &err), &err,
                    FOLIO__CODE__ALREADY_EXISTS);
    harness_refused(folio_office_rename(root, north, west, &err), &err, FOLIO__CODE__NOT_FOUND);

    harness_refused(folio_office_remove(root, east, &err), &err, FOLIO__CODE__FAILED_PRECONDITION);
    cr_assert(strstr(err.message, "still has users") != NULL, "%s", err.message);
    harness_add_office(root, west);
    folio_response_free(harness_ok(folio_office_remove(root, west, &err), &err));
    harness_refused(folio_office_remove(root, west, &err), &err, FOLIO__CODE__NOT_FOUND);
    /* The name is free again. */
    harness_add_office(root, west);
    r = audit_all(root);
    cr_assert_not_null(find_record(r->audit, "office.rename", HARNESS_ADMIN, east));
    cr_assert_not_null(find_record(r->audit, "office.remove", HARNESS_ADMIN, west));
    folio_response_free(r);
}
