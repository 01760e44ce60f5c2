/* test_admin.c - offices, users, roles and the audit log, against a real foliod.
 *
 * Every test starts from the same firm: offices North and South, and
 *   olga   office-admin of North     sam    office-admin of South
 *   alice  agent in North            bob    agent in South
 * next to the firm-admin root. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <criterion/criterion.h>

#include "harness.h"

#define PW_OLGA  "olga-password"
#define PW_SAM   "sam-password"
#define PW_ALICE "alice-password"
#define PW_BOB   "bob-password"

static struct harness_server srv;
static struct folio_connection *root;
static uint64_t north_id, south_id;

static void setup(void)
{
    harness_server_start(&srv, NULL);
    root = harness_admin(&srv);
    north_id = harness_add_office(root, "North");
    south_id = harness_add_office(root, "South");
    harness_add_user(root, "olga", FOLIO__ROLE__ROLE_OFFICE_ADMIN, "North", PW_OLGA);
    harness_add_user(root, "sam", FOLIO__ROLE__ROLE_OFFICE_ADMIN, "South", PW_SAM);
    harness_add_user(root, "alice", FOLIO__ROLE__ROLE_AGENT, "North", PW_ALICE);
    harness_add_user(root, "bob", FOLIO__ROLE__ROLE_AGENT, "South", PW_BOB);
}

static void teardown(void)
{
    harness_server_cleanup(&srv);
}

TestSuite(admin, .init = setup, .fini = teardown);

static void finish(void)
{
    folio_connection_close(root);
    root = NULL;
    harness_server_finish(&srv);
}

static bool offices_contain(const Folio__Offices *o, const char *name)
{
    for (size_t i = 0; i < o->n_offices; i++)
        if (strcmp(o->offices[i]->name, name) == 0)
            return true;
    return false;
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

Test(admin, offices_are_added_and_listed)
{
    struct folio_error err = {0};
    int64_t before = (int64_t)time(NULL);
    Folio__Response *r = harness_ok(folio_office_add(root, "Zürich Centre", &err), &err);
    cr_assert_eq(r->result_case, FOLIO__RESPONSE__RESULT_OFFICE);
    cr_assert_gt(r->office->id, 0);
    cr_assert_neq(r->office->id, north_id);
    cr_assert_neq(r->office->id, south_id);
    cr_assert_str_eq(r->office->name, "Zürich Centre");
    cr_assert(r->office->created_at >= before - 5 && r->office->created_at <= time(NULL) + 5);
    folio_response_free(r);

    r = harness_ok(folio_office_list(root, &err), &err);
    cr_assert_eq(r->result_case, FOLIO__RESPONSE__RESULT_OFFICES);
    cr_assert_eq(r->offices->n_offices, 3);
    cr_assert(offices_contain(r->offices, "North"));
    cr_assert(offices_contain(r->offices, "South"));
    cr_assert(offices_contain(r->offices, "Zürich Centre"));
    folio_response_free(r);

    /* An office-admin may list them too. */
    struct folio_connection *olga = harness_user(&srv, "olga", PW_OLGA);
    r = harness_ok(folio_office_list(olga, &err), &err);
    cr_assert_eq(r->offices->n_offices, 3);
    folio_response_free(r);
    folio_connection_close(olga);
    finish();
}

Test(admin, office_names_are_checked)
{
    struct folio_error err = {0};
    harness_refused(folio_office_add(root, "North", &err), &err, FOLIO__CODE__ALREADY_EXISTS);
    harness_refused(folio_office_add(root, "", &err), &err, FOLIO__CODE__INVALID_ARGUMENT);
    harness_refused(folio_office_add(root, "bad\x01name", &err), &err,
                    FOLIO__CODE__INVALID_ARGUMENT);
    harness_refused(folio_office_add(root, "line\nbreak", &err), &err,
                    FOLIO__CODE__INVALID_ARGUMENT);
    harness_refused(folio_office_add(root, "bad \xff utf-8", &err), &err,
                    FOLIO__CODE__INVALID_ARGUMENT);
    char *longest = repeat('o', 100);
    folio_response_free(harness_ok(folio_office_add(root, longest, &err), &err));
    free(longest);
    char *too_long = repeat('o', 101);
    harness_refused(folio_office_add(root, too_long, &err), &err, FOLIO__CODE__INVALID_ARGUMENT);
    free(too_long);
    Folio__Response *r = harness_ok(folio_office_list(root, &err), &err);
    cr_assert_eq(r->offices->n_offices, 3, "refused offices were stored");
    folio_response_free(r);
    finish();
}

Test(admin, firm_admin_adds_users_of_every_role)
{
    struct folio_error err = {0};
    Folio__Response *r = harness_ok(folio_user_add(root, "Carol.Smith", FOLIO__ROLE__ROLE_AGENT,
                                                   "North", "carol-password", &err),
                                    &err);
    cr_assert_eq(r->result_case, FOLIO__RESPONSE__RESULT_USER);
    cr_assert_str_eq(r->user->name, "carol.smith", "names are stored lower case");
    cr_assert_eq(r->user->role, FOLIO__ROLE__ROLE_AGENT);
    cr_assert_eq(r->user->office_id, north_id);
    cr_assert_str_eq(r->user->office, "North");
    cr_assert(!r->user->disabled);
    cr_assert_gt(r->user->id, 0);
    folio_response_free(r);

    r = harness_ok(
        folio_user_add(root, "fiona", FOLIO__ROLE__ROLE_FIRM_ADMIN, NULL, "fiona-password", &err),
        &err);
    cr_assert_eq(r->user->role, FOLIO__ROLE__ROLE_FIRM_ADMIN);
    folio_response_free(r);
    r = harness_ok(folio_user_add(root, "oscar", FOLIO__ROLE__ROLE_OFFICE_ADMIN, "South",
                                  "oscar-password", &err),
                   &err);
    cr_assert_eq(r->user->role, FOLIO__ROLE__ROLE_OFFICE_ADMIN);
    cr_assert_eq(r->user->office_id, south_id);
    folio_response_free(r);

    /* Each of them can log in with the role given. */
    struct folio_connection *c = harness_connect(&srv);
    r = harness_ok(folio_login(c, "carol.smith", "carol-password", &err), &err);
    cr_assert_str_eq(r->session->user->office, "North");
    folio_response_free(r);
    folio_connection_close(c);
    c = harness_user(&srv, "fiona", "fiona-password");
    harness_add_office(c, "East");
    folio_connection_close(c);
    finish();
}

Test(admin, user_add_checks_its_arguments)
{
    struct folio_error err = {0};
    const char *pw = "good-password";
    harness_refused(folio_user_add(root, "carol", FOLIO__ROLE__ROLE_AGENT, NULL, pw, &err), &err,
                    FOLIO__CODE__INVALID_ARGUMENT);
    harness_refused(folio_user_add(root, "carol", FOLIO__ROLE__ROLE_AGENT, "", pw, &err), &err,
                    FOLIO__CODE__INVALID_ARGUMENT);
    harness_refused(folio_user_add(root, "carol", FOLIO__ROLE__ROLE_OFFICE_ADMIN, NULL, pw, &err),
                    &err, FOLIO__CODE__INVALID_ARGUMENT);
    harness_refused(folio_user_add(root, "carol", FOLIO__ROLE__ROLE_AGENT, "Atlantis", pw, &err),
                    &err, FOLIO__CODE__NOT_FOUND);
    harness_refused(folio_user_add(root, "carol", FOLIO__ROLE__ROLE_UNSPECIFIED, "North", pw, &err),
                    &err, FOLIO__CODE__INVALID_ARGUMENT);
    harness_refused(folio_user_add(root, "alice", FOLIO__ROLE__ROLE_AGENT, "North", pw, &err), &err,
                    FOLIO__CODE__ALREADY_EXISTS);
    harness_refused(folio_user_add(root, "ALICE", FOLIO__ROLE__ROLE_AGENT, "South", pw, &err), &err,
                    FOLIO__CODE__ALREADY_EXISTS);

    const char *bad_names[] = {"",       "-carol", ".carol", "_carol",
                               "car ol", "car/ol", "carol!", "caröl"};
    for (size_t i = 0; i < sizeof(bad_names) / sizeof(bad_names[0]); i++) {
        Folio__Response *r =
            folio_user_add(root, bad_names[i], FOLIO__ROLE__ROLE_AGENT, "North", pw, &err);
        cr_assert_null(r, "user name \"%s\" was accepted", bad_names[i]);
        cr_assert_eq(err.code, FOLIO__CODE__INVALID_ARGUMENT, "user name \"%s\": code %d",
                     bad_names[i], err.code);
    }
    char *name64 = repeat('c', 64);
    folio_response_free(
        harness_ok(folio_user_add(root, name64, FOLIO__ROLE__ROLE_AGENT, "North", pw, &err), &err));
    free(name64);
    char *name65 = repeat('d', 65);
    harness_refused(folio_user_add(root, name65, FOLIO__ROLE__ROLE_AGENT, "North", pw, &err), &err,
                    FOLIO__CODE__INVALID_ARGUMENT);
    free(name65);
    folio_response_free(harness_ok(
        folio_user_add(root, "9.a_b-c@x", FOLIO__ROLE__ROLE_AGENT, "North", pw, &err), &err));

    harness_refused(
        folio_user_add(root, "carol", FOLIO__ROLE__ROLE_AGENT, "North", "7chars!", &err), &err,
        FOLIO__CODE__INVALID_ARGUMENT);
    char *pw1025 = repeat('p', 1025);
    harness_refused(folio_user_add(root, "carol", FOLIO__ROLE__ROLE_AGENT, "North", pw1025, &err),
                    &err, FOLIO__CODE__INVALID_ARGUMENT);
    free(pw1025);
    char *pw1024 = repeat('p', 1024);
    folio_response_free(harness_ok(
        folio_user_add(root, "carol", FOLIO__ROLE__ROLE_AGENT, "North", pw1024, &err), &err));
    struct folio_connection *c = harness_user(&srv, "carol", pw1024);
    folio_connection_close(c);
    free(pw1024);
    folio_response_free(harness_ok(
        folio_user_add(root, "dave", FOLIO__ROLE__ROLE_AGENT, "North", "8chars!!", &err), &err));
    finish();
}

Test(admin, agent_is_refused_every_admin_op)
{
    struct folio_connection *alice = harness_user(&srv, "alice", PW_ALICE);
    struct folio_error err = {0};
    harness_refused(folio_office_add(alice, "West", &err), &err, FOLIO__CODE__PERMISSION_DENIED);
    harness_refused(folio_office_list(alice, &err), &err, FOLIO__CODE__PERMISSION_DENIED);
    harness_refused(
        folio_user_add(alice, "carol", FOLIO__ROLE__ROLE_AGENT, "North", "carol-password", &err),
        &err, FOLIO__CODE__PERMISSION_DENIED);
    harness_refused(folio_user_list(alice, 0, NULL, &err), &err, FOLIO__CODE__PERMISSION_DENIED);
    harness_refused(folio_user_disable(alice, "bob", &err), &err, FOLIO__CODE__PERMISSION_DENIED);
    harness_refused(folio_user_disable(alice, "olga", &err), &err, FOLIO__CODE__PERMISSION_DENIED);
    harness_refused(folio_user_passwd(alice, "bob", "bob-new-password", &err), &err,
                    FOLIO__CODE__PERMISSION_DENIED);
    harness_refused(folio_user_passwd(alice, HARNESS_ADMIN, "root-new-password", &err), &err,
                    FOLIO__CODE__PERMISSION_DENIED);
    harness_refused(folio_audit_query(alice, NULL, 0, 0, 0, &err), &err,
                    FOLIO__CODE__PERMISSION_DENIED);
    harness_refused(folio_audit_query(alice, "alice", 0, 0, 0, &err), &err,
                    FOLIO__CODE__PERMISSION_DENIED);
    folio_connection_close(alice);

    /* Nothing changed: bob and root still log in with their passwords. */
    folio_connection_close(harness_user(&srv, "bob", PW_BOB));
    folio_connection_close(harness_user(&srv, HARNESS_ADMIN, HARNESS_ADMIN_PASSWORD));
    Folio__Response *r = harness_ok(folio_office_list(root, &err), &err);
    cr_assert_eq(r->offices->n_offices, 2);
    folio_response_free(r);
    finish();
}

Test(admin, office_admin_manages_its_own_office_only)
{
    struct folio_connection *olga = harness_user(&srv, "olga", PW_OLGA);
    struct folio_error err = {0};
    const char *pw = "carol-password";

    Folio__Response *r =
        harness_ok(folio_user_add(olga, "carol", FOLIO__ROLE__ROLE_AGENT, "North", pw, &err), &err);
    cr_assert_eq(r->user->office_id, north_id);
    folio_response_free(r);
    harness_refused(folio_user_add(olga, "dan", FOLIO__ROLE__ROLE_AGENT, "South", pw, &err), &err,
                    FOLIO__CODE__PERMISSION_DENIED);
    harness_refused(folio_user_add(olga, "dan", FOLIO__ROLE__ROLE_OFFICE_ADMIN, "North", pw, &err),
                    &err, FOLIO__CODE__PERMISSION_DENIED);
    harness_refused(folio_user_add(olga, "dan", FOLIO__ROLE__ROLE_FIRM_ADMIN, NULL, pw, &err), &err,
                    FOLIO__CODE__PERMISSION_DENIED);
    harness_refused(folio_user_add(olga, "dan", FOLIO__ROLE__ROLE_FIRM_ADMIN, "North", pw, &err),
                    &err, FOLIO__CODE__PERMISSION_DENIED);
    harness_refused(folio_office_add(olga, "West", &err), &err, FOLIO__CODE__PERMISSION_DENIED);

    /* Disable and passwd: agents of North only. */
    harness_refused(folio_user_disable(olga, "bob", &err), &err, FOLIO__CODE__PERMISSION_DENIED);
    harness_refused(folio_user_disable(olga, "sam", &err), &err, FOLIO__CODE__PERMISSION_DENIED);
    harness_refused(folio_user_disable(olga, HARNESS_ADMIN, &err), &err,
                    FOLIO__CODE__PERMISSION_DENIED);
    harness_refused(folio_user_passwd(olga, "bob", "bob-new-password", &err), &err,
                    FOLIO__CODE__PERMISSION_DENIED);
    harness_refused(folio_user_passwd(olga, "sam", "sam-new-password", &err), &err,
                    FOLIO__CODE__PERMISSION_DENIED);
    harness_refused(folio_user_passwd(olga, HARNESS_ADMIN, "root-new-password", &err), &err,
                    FOLIO__CODE__PERMISSION_DENIED);
    folio_response_free(
        harness_ok(folio_user_passwd(olga, "alice", "alice-new-password", &err), &err));
    r = harness_ok(folio_user_disable(olga, "alice", &err), &err);
    cr_assert(r->user->disabled);
    folio_response_free(r);

    /* A second office-admin of North is not olga's to manage either. */
    harness_add_user(root, "otto", FOLIO__ROLE__ROLE_OFFICE_ADMIN, "North", "otto-password");
    harness_refused(folio_user_disable(olga, "otto", &err), &err, FOLIO__CODE__PERMISSION_DENIED);
    harness_refused(folio_user_passwd(olga, "otto", "otto-new-password", &err), &err,
                    FOLIO__CODE__PERMISSION_DENIED);

    /* The user list shows North only. */
    r = harness_ok(folio_user_list(olga, 0, NULL, &err), &err);
    cr_assert_eq(r->result_case, FOLIO__RESPONSE__RESULT_USERS);
    for (size_t i = 0; i < r->users->n_users; i++)
        cr_assert_eq(r->users->users[i]->office_id, north_id, "olga sees %s of another office",
                     r->users->users[i]->name);
    cr_assert_eq(r->users->n_users, 4, "North has alice, carol, olga and otto");
    folio_response_free(r);

    /* Refused changes changed nothing. */
    folio_connection_close(harness_user(&srv, "bob", PW_BOB));
    folio_connection_close(harness_user(&srv, "sam", PW_SAM));
    folio_connection_close(olga);
    finish();
}

Test(admin, disabling_self_or_unknown_is_refused)
{
    struct folio_error err = {0};
    harness_refused(folio_user_disable(root, HARNESS_ADMIN, &err), &err,
                    FOLIO__CODE__FAILED_PRECONDITION);
    harness_refused(folio_user_disable(root, "nobody", &err), &err, FOLIO__CODE__NOT_FOUND);

    /* With a second firm-admin, either may disable the other, but then the
     * one left is the last firm-admin and cannot be disabled. */
    harness_add_user(root, "fiona", FOLIO__ROLE__ROLE_FIRM_ADMIN, NULL, "fiona-password");
    struct folio_connection *fiona = harness_user(&srv, "fiona", "fiona-password");
    Folio__Response *r = harness_ok(folio_user_disable(fiona, HARNESS_ADMIN, &err), &err);
    cr_assert(r->user->disabled);
    folio_response_free(r);
    harness_refused(folio_user_disable(fiona, "fiona", &err), &err,
                    FOLIO__CODE__FAILED_PRECONDITION);
    harness_refused(folio_whoami(root, &err), &err, FOLIO__CODE__UNAUTHENTICATED);
    folio_response_free(harness_ok(folio_whoami(fiona, &err), &err));
    folio_connection_close(fiona);
    finish();
}

Test(admin, user_list_pages_in_name_order)
{
    struct folio_error err = {0};
    for (int i = 12; i >= 1; i--) {
        char name[16];
        snprintf(name, sizeof(name), "u%02d", i);
        harness_add_user(root, name, FOLIO__ROLE__ROLE_AGENT, i % 2 ? "North" : "South",
                         "u-password");
    }
    /* root, olga, sam, alice, bob and u01..u12 */
    const size_t total = 17;
    char last[128] = "";
    size_t seen = 0;
    int pages = 0;
    char after[128] = "";
    for (; pages < 10; pages++) {
        Folio__Response *r = harness_ok(folio_user_list(root, 5, after, &err), &err);
        cr_assert_eq(r->result_case, FOLIO__RESPONSE__RESULT_USERS);
        cr_assert_leq(r->users->n_users, 5, "page of %zu users with limit 5", r->users->n_users);
        for (size_t i = 0; i < r->users->n_users; i++) {
            const char *name = r->users->users[i]->name;
            cr_assert_gt(strcmp(name, last), 0, "\"%s\" listed after \"%s\"", name, last);
            snprintf(last, sizeof(last), "%s", name);
            seen++;
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
    cr_assert_eq(seen, total, "listed %zu users of %zu", seen, total);
    cr_assert_eq(pages + 1, 4, "17 users in pages of 5 took %d pages", pages + 1);

    /* No limit: the server's default page holds all of them. */
    Folio__Response *r = harness_ok(folio_user_list(root, 0, NULL, &err), &err);
    cr_assert_eq(r->users->n_users, total);
    cr_assert_str_eq(r->users->next, "");
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
    struct folio_connection *c = harness_connect(&srv);
    harness_refused(folio_login(c, HARNESS_ADMIN, "wrong-secret-1", &err), &err,
                    FOLIO__CODE__UNAUTHENTICATED);
    harness_refused(folio_login(c, "nobody", "wrong-secret-2", &err), &err,
                    FOLIO__CODE__UNAUTHENTICATED);
    char alice_token[65];
    harness_login_token(c, "alice", PW_ALICE, alice_token);
    folio_response_free(
        harness_ok(folio_password_change(c, PW_ALICE, "alice-secret-3", &err), &err));
    folio_response_free(harness_ok(folio_logout(c, &err), &err));
    folio_connection_close(c);
    folio_response_free(harness_ok(folio_user_passwd(root, "bob", "bob-secret-4", &err), &err));
    folio_response_free(harness_ok(folio_user_disable(root, "bob", &err), &err));

    Folio__Response *r = audit_all(root);
    const Folio__AuditRecords *a = r->audit;
    struct {
        const char *action, *actor, *target;
    } expected[] = {
        {"firm.init", HARNESS_ADMIN, NULL},
        {"login", HARNESS_ADMIN, NULL},
        {"office.add", HARNESS_ADMIN, "North"},
        {"office.add", HARNESS_ADMIN, "South"},
        {"user.add", HARNESS_ADMIN, "olga"},
        {"user.add", HARNESS_ADMIN, "sam"},
        {"user.add", HARNESS_ADMIN, "alice"},
        {"user.add", HARNESS_ADMIN, "bob"},
        {"login.failed", HARNESS_ADMIN, NULL},
        {"login.failed", "nobody", NULL},
        {"login", "alice", NULL},
        {"password.change", "alice", NULL},
        {"logout", "alice", NULL},
        {"user.passwd", HARNESS_ADMIN, "bob"},
        {"user.disable", HARNESS_ADMIN, "bob"},
    };
    for (size_t i = 0; i < sizeof(expected) / sizeof(expected[0]); i++) {
        if (find_record(a, expected[i].action, expected[i].actor, expected[i].target) == NULL) {
            print_audit(a);
            cr_assert_fail("no audit record %s by %s on %s", expected[i].action, expected[i].actor,
                           expected[i].target ? expected[i].target : "-");
        }
    }
    /* The newest record is the last change made. */
    cr_assert_gt(a->n_records, 0);
    cr_assert_str_eq(a->records[0]->action, "user.disable");

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
    folio_connection_close(harness_user(&srv, "alice", PW_ALICE));
    folio_connection_close(harness_user(&srv, "alice", PW_ALICE));

    Folio__Response *r = harness_ok(folio_audit_query(root, "alice", 0, 0, 0, &err), &err);
    cr_assert_eq(r->audit->n_records, 2);
    for (size_t i = 0; i < r->audit->n_records; i++)
        cr_assert_str_eq(r->audit->records[i]->actor, "alice");
    folio_response_free(r);

    Folio__Response *all = audit_all(root);
    size_t total = all->audit->n_records;
    cr_assert_geq(total, 9);

    /* Pages of two, newest first, together the same as one big page. */
    uint64_t before = 0;
    size_t seen = 0;
    for (int pages = 0; pages < 100; pages++) {
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

    /* since: nothing in the future, everything since the start. */
    int64_t t0 = all->audit->records[total - 1]->time;
    r = harness_ok(folio_audit_query(root, NULL, (int64_t)time(NULL) + 3600, 0, 0, &err), &err);
    cr_assert_eq(r->audit->n_records, 0);
    folio_response_free(r);
    r = harness_ok(folio_audit_query(root, NULL, t0, 1000, 0, &err), &err);
    cr_assert_eq(r->audit->n_records, total);
    folio_response_free(r);
    folio_response_free(all);
    finish();
}

Test(admin, office_admin_reads_the_audit_of_its_office)
{
    struct folio_error err = {0};
    folio_connection_close(harness_user(&srv, "alice", PW_ALICE));
    folio_connection_close(harness_user(&srv, "bob", PW_BOB));
    struct folio_connection *olga = harness_user(&srv, "olga", PW_OLGA);
    Folio__Response *r = harness_ok(folio_audit_query(olga, NULL, 0, 1000, 0, &err), &err);
    bool saw_alice = false;
    for (size_t i = 0; i < r->audit->n_records; i++) {
        const Folio__AuditRecord *rec = r->audit->records[i];
        cr_assert_eq(rec->actor_office_id, north_id, "olga reads %s by %s", rec->action,
                     rec->actor);
        cr_assert_str_neq(rec->actor, "bob");
        cr_assert_str_neq(rec->actor, HARNESS_ADMIN);
        saw_alice |= strcmp(rec->actor, "alice") == 0;
    }
    cr_assert(saw_alice, "olga does not see alice's login");
    folio_response_free(r);
    r = harness_ok(folio_audit_query(olga, "bob", 0, 0, 0, &err), &err);
    cr_assert_eq(r->audit->n_records, 0, "olga reads bob's records");
    folio_response_free(r);
    folio_connection_close(olga);
    finish();
}

Test(admin, changes_survive_a_restart)
{
    struct folio_error err = {0};
    folio_response_free(harness_ok(folio_user_disable(root, "bob", &err), &err));
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
        cr_assert_eq(r->users->users[i]->disabled, strcmp(r->users->users[i]->name, "bob") == 0);
    folio_response_free(r);
    struct folio_connection *c = harness_connect(&srv);
    /* Still disabled: answered as a wrong password. */
    harness_refused(folio_login(c, "bob", PW_BOB, &err), &err, FOLIO__CODE__UNAUTHENTICATED);
    folio_connection_close(c);
    finish();
}
