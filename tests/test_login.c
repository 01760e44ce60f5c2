/* test_login.c - Hello, login, sessions, throttling, passwords, against a real foliod. */
#include <ctype.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <criterion/criterion.h>
#include <criterion/hooks.h>

#include "harness.h"

static struct harness_server srv;

/* Tests that log in, fail to, or change one user of their own share one
 * server; those that count the firm's offices, need other flags, lock names
 * out, restart the server or read its whole log start their own. */
ReportHook(PRE_SUITE)(struct criterion_suite_set *set)
{
    if (strcmp(set->suite.name, "login") == 0)
        harness_shared_start("login", NULL, NULL);
}

/* After every test has ended: Criterion reports POST_SUITE once it has
 * started the suite's last test, which may still run (--jobs above 1). */
ReportHook(POST_ALL)(struct criterion_global_stats *stats)
{
    (void)stats;
    harness_shared_stop("login");
}

static void teardown(void)
{
    harness_server_cleanup(&srv);
}

TestSuite(login, .fini = teardown);

static Folio__Request request(uint64_t id, Folio__Request__OpCase op, void *msg)
{
    Folio__Request req = FOLIO__REQUEST__INIT;
    req.id = id;
    req.op_case = op;
    req.hello = msg; /* every member of the union is a message pointer */
    return req;
}

/* Sends one request on a raw connection and returns the answer. */
static Folio__Response *raw_call(struct harness_raw *raw, uint64_t id, Folio__Request__OpCase op,
                                 void *msg)
{
    Folio__Request req = request(id, op, msg);
    harness_raw_send(raw, &req);
    Folio__Response *r = harness_raw_receive(raw);
    cr_assert_not_null(r, "foliod closed the connection instead of answering request %llu",
                       (unsigned long long)id);
    cr_assert_eq(r->id, id, "answer to request %llu carries id %llu", (unsigned long long)id,
                 (unsigned long long)r->id);
    return r;
}

static void expect_raw(Folio__Response *r, Folio__Code code, const char *message)
{
    cr_assert_eq(harness_code(r), code, "expected code %d, got %d (%s)", code, harness_code(r),
                 harness_message(r));
    if (message != NULL)
        cr_assert_str_eq(harness_message(r), message);
    folio__response__free_unpacked(r, NULL);
}

static int64_t now(void)
{
    return (int64_t)time(NULL);
}

/* A login on a new connection from source (a loopback address): its code. */
static Folio__Code login_from(const char *source, const char *user, const char *password)
{
    struct harness_raw *raw = harness_raw_connect_from(&srv, source);
    harness_raw_hello(raw, 1);
    Folio__Login login = FOLIO__LOGIN__INIT;
    login.username = (char *)user;
    login.password = (char *)password;
    Folio__Response *r = raw_call(raw, 2, FOLIO__REQUEST__OP_LOGIN, &login);
    Folio__Code code = harness_code(r);
    folio__response__free_unpacked(r, NULL);
    harness_raw_close(raw);
    return code;
}

/* Adds office "North", unless a test running beside this one has, and an
 * agent in it. */
static void add_agent(const char *name, const char *password)
{
    struct folio_connection *admin = harness_admin(&srv);
    struct folio_error err = {0};
    Folio__Response *r = folio_office_add(admin, "North", &err);
    cr_assert(r != NULL || err.code == FOLIO__CODE__ALREADY_EXISTS, "adding office North: %s",
              err.message);
    folio_response_free(r);
    harness_add_user(admin, name, FOLIO__ROLE__ROLE_AGENT, "North", password);
    folio_connection_close(admin);
}

Test(login, hello_answers_welcome)
{
    harness_shared_attach(&srv, "login");
    struct harness_raw *raw = harness_raw_connect(&srv);
    Folio__Hello hello = FOLIO__HELLO__INIT;
    hello.protocol_version = 1;
    hello.client_name = "test_login";
    Folio__Response *r = raw_call(raw, 41, FOLIO__REQUEST__OP_HELLO, &hello);
    cr_assert_eq(harness_code(r), FOLIO__CODE__OK, "%s", harness_message(r));
    cr_assert_eq(r->result_case, FOLIO__RESPONSE__RESULT_WELCOME);
    cr_assert_str_eq(r->welcome->server_version, "0.1.0");
    cr_assert_str_eq(r->welcome->firm, HARNESS_FIRM);
    cr_assert_eq(r->welcome->protocol_version, 1);
    folio__response__free_unpacked(r, NULL);
    harness_raw_close(raw);

    struct folio_connection *c = harness_connect(&srv);
    const Folio__Welcome *w = folio_connection_welcome(c);
    cr_assert_not_null(w);
    cr_assert_str_eq(w->firm, HARNESS_FIRM);
    cr_assert_str_eq(w->server_version, "0.1.0");
    folio_connection_close(c);
    harness_server_finish(&srv);
}

Test(login, requests_before_hello_are_refused_and_the_connection_stays)
{
    harness_shared_attach(&srv, "login");
    struct harness_raw *raw = harness_raw_connect(&srv);
    Folio__WhoAmI who = FOLIO__WHO_AM_I__INIT;
    expect_raw(raw_call(raw, 1, FOLIO__REQUEST__OP_WHOAMI, &who), FOLIO__CODE__FAILED_PRECONDITION,
               "send Hello first");
    Folio__Login login = FOLIO__LOGIN__INIT;
    login.username = HARNESS_ADMIN;
    login.password = HARNESS_ADMIN_PASSWORD;
    expect_raw(raw_call(raw, 2, FOLIO__REQUEST__OP_LOGIN, &login), FOLIO__CODE__FAILED_PRECONDITION,
               "send Hello first");
    harness_raw_hello(raw, 3);
    expect_raw(raw_call(raw, 4, FOLIO__REQUEST__OP_WHOAMI, &who), FOLIO__CODE__UNAUTHENTICATED,
               "log in first");
    expect_raw(raw_call(raw, 5, FOLIO__REQUEST__OP_LOGIN, &login), FOLIO__CODE__OK, NULL);
    harness_raw_close(raw);
    harness_server_finish(&srv);
}

Test(login, wrong_protocol_version_is_refused_and_closed)
{
    harness_shared_attach(&srv, "login");
    struct harness_raw *raw = harness_raw_connect(&srv);
    Folio__Hello hello = FOLIO__HELLO__INIT;
    hello.protocol_version = 2;
    hello.client_name = "from-the-future";
    expect_raw(raw_call(raw, 1, FOLIO__REQUEST__OP_HELLO, &hello), FOLIO__CODE__FAILED_PRECONDITION,
               NULL);
    cr_assert(harness_raw_closed(raw, harness_timeout_ms()),
              "connection stayed open after an incompatible Hello");
    harness_raw_close(raw);

    /* Protocol version 0 (field left out) is just as incompatible. */
    raw = harness_raw_connect(&srv);
    hello.protocol_version = 0;
    expect_raw(raw_call(raw, 1, FOLIO__REQUEST__OP_HELLO, &hello), FOLIO__CODE__FAILED_PRECONDITION,
               NULL);
    cr_assert(harness_raw_closed(raw, harness_timeout_ms()));
    harness_raw_close(raw);
    harness_server_finish(&srv);
}

Test(login, every_session_op_needs_a_login)
{
    harness_server_start(&srv, NULL);
    struct folio_connection *c = harness_connect(&srv);
    struct folio_error err = {0};
    harness_refused(folio_whoami(c, &err), &err, FOLIO__CODE__UNAUTHENTICATED);
    cr_assert_str_eq(err.message, "log in first");
    harness_refused(folio_logout(c, &err), &err, FOLIO__CODE__UNAUTHENTICATED);
    harness_refused(folio_password_change(c, HARNESS_ADMIN_PASSWORD, "another-password", &err),
                    &err, FOLIO__CODE__UNAUTHENTICATED);
    harness_refused(folio_office_add(c, "North", &err), &err, FOLIO__CODE__UNAUTHENTICATED);
    harness_refused(folio_office_list(c, &err), &err, FOLIO__CODE__UNAUTHENTICATED);
    harness_refused(folio_user_add(c, "x1", FOLIO__ROLE__ROLE_FIRM_ADMIN, NULL, "password-1", &err),
                    &err, FOLIO__CODE__UNAUTHENTICATED);
    harness_refused(folio_user_list(c, 0, NULL, &err), &err, FOLIO__CODE__UNAUTHENTICATED);
    harness_refused(folio_user_disable(c, HARNESS_ADMIN, &err), &err, FOLIO__CODE__UNAUTHENTICATED);
    harness_refused(folio_user_passwd(c, HARNESS_ADMIN, "password-2", &err), &err,
                    FOLIO__CODE__UNAUTHENTICATED);
    harness_refused(folio_audit_query(c, NULL, 0, 0, 0, &err), &err, FOLIO__CODE__UNAUTHENTICATED);
    folio_connection_close(c);

    /* Nothing was changed by the refused requests. */
    c = harness_admin(&srv);
    Folio__Response *r = harness_ok(folio_office_list(c, &err), &err);
    cr_assert_eq(r->offices->n_offices, 0);
    folio_response_free(r);
    folio_connection_close(c);
    harness_server_finish(&srv);
}

Test(login, right_password_opens_a_session)
{
    harness_shared_attach(&srv, "login");
    struct folio_connection *c = harness_connect(&srv);
    struct folio_error err = {0};
    int64_t before = now();
    Folio__Response *r =
        harness_ok(folio_login(c, HARNESS_ADMIN, HARNESS_ADMIN_PASSWORD, &err), &err);
    cr_assert_eq(r->result_case, FOLIO__RESPONSE__RESULT_SESSION);
    const Folio__SessionInfo *s = r->session;
    cr_assert_eq(strlen(s->token), 64, "token \"%s\" is not 64 characters", s->token);
    for (size_t i = 0; i < 64; i++)
        cr_assert(isxdigit((unsigned char)s->token[i]), "token \"%s\" is not hex", s->token);
    cr_assert_not_null(s->user);
    cr_assert_str_eq(s->user->name, HARNESS_ADMIN);
    cr_assert_eq(s->user->role, FOLIO__ROLE__ROLE_FIRM_ADMIN);
    cr_assert(!s->user->disabled);
    /* Default --session-ttl is seven days. */
    cr_assert(s->expires_at >= before + 604800 - 5 && s->expires_at <= now() + 604800 + 5,
              "expires_at %lld is not seven days from now", (long long)s->expires_at);
    int64_t expires = s->expires_at;
    char token[65];
    memcpy(token, s->token, sizeof(token));
    folio_response_free(r);

    r = harness_ok(folio_whoami(c, &err), &err);
    cr_assert_eq(r->result_case, FOLIO__RESPONSE__RESULT_SESSION);
    cr_assert_str_eq(r->session->user->name, HARNESS_ADMIN);
    cr_assert_str_eq(r->session->token, "", "WhoAmI must not repeat the token");
    cr_assert_eq(r->session->expires_at, expires);
    folio_response_free(r);
    folio_connection_close(c);

    /* Two logins give two different sessions. */
    c = harness_connect(&srv);
    char token2[65];
    harness_login_token(c, HARNESS_ADMIN, HARNESS_ADMIN_PASSWORD, token2);
    cr_assert_str_neq(token, token2);
    folio_connection_close(c);
    harness_server_finish(&srv);
}

Test(login, user_names_are_case_insensitive)
{
    harness_shared_attach(&srv, "login");
    struct folio_connection *c = harness_connect(&srv);
    struct folio_error err = {0};
    Folio__Response *r = harness_ok(folio_login(c, "ROOT", HARNESS_ADMIN_PASSWORD, &err), &err);
    cr_assert_str_eq(r->session->user->name, "root");
    folio_response_free(r);
    folio_connection_close(c);
    harness_server_finish(&srv);
}

Test(login, wrong_password_and_unknown_user_look_the_same)
{
    harness_shared_attach(&srv, "login");
    struct folio_connection *c = harness_connect(&srv);
    struct folio_error err = {0};
    harness_refused(folio_login(c, HARNESS_ADMIN, "not-the-password", &err), &err,
                    FOLIO__CODE__UNAUTHENTICATED);
    cr_assert_str_eq(err.message, "wrong user name or password");
    harness_refused(folio_login(c, "nobody", "not-the-password", &err), &err,
                    FOLIO__CODE__UNAUTHENTICATED);
    cr_assert_str_eq(err.message, "wrong user name or password");
    harness_refused(folio_login(c, HARNESS_ADMIN, "", &err), &err, FOLIO__CODE__UNAUTHENTICATED);
    cr_assert_str_eq(err.message, "wrong user name or password");
    /* A failed login leaves the connection unauthenticated but usable. */
    harness_refused(folio_whoami(c, &err), &err, FOLIO__CODE__UNAUTHENTICATED);
    harness_login(c, HARNESS_ADMIN, HARNESS_ADMIN_PASSWORD);
    folio_connection_close(c);
    harness_server_finish(&srv);
}

Test(login, repeated_failures_lock_the_name_out)
{
    const char *const flags[] = {"--login-lockout-after", "3", "--login-lockout-seconds", "60",
                                 NULL};
    harness_server_start(&srv, flags);
    /* Alice never logged in: this address is unknown to her account. */
    add_agent("alice", "alice-password");
    struct folio_connection *c = harness_connect(&srv);
    struct folio_error err = {0};
    for (int i = 0; i < 3; i++) {
        harness_refused(folio_login(c, "alice", "wrong-password", &err), &err,
                        FOLIO__CODE__UNAUTHENTICATED);
    }
    harness_refused(folio_login(c, "alice", "alice-password", &err), &err,
                    FOLIO__CODE__RESOURCE_EXHAUSTED);
    cr_assert(strstr(err.message, "too many failed logins for alice; try again in ") != NULL,
              "lockout message \"%s\"", err.message);
    cr_assert_str_eq(err.message + strlen(err.message) - 2, " s", "lockout message \"%s\"",
                     err.message);
    /* Still locked on a new connection, and with any spelling of the name. */
    folio_connection_close(c);
    c = harness_connect(&srv);
    harness_refused(folio_login(c, "Alice", "alice-password", &err), &err,
                    FOLIO__CODE__RESOURCE_EXHAUSTED);
    /* The lockout is for that name only. */
    harness_login(c, HARNESS_ADMIN, HARNESS_ADMIN_PASSWORD);
    folio_connection_close(c);
    harness_server_finish(&srv);
}

Test(login, lockout_ends_and_only_consecutive_failures_count)
{
    const int lockout = harness_valgrind() ? 30 : 2;
    char seconds[16];
    snprintf(seconds, sizeof(seconds), "%d", lockout);
    const char *const flags[] = {"--login-lockout-after", "3", "--login-lockout-seconds", seconds,
                                 NULL};
    harness_server_start(&srv, flags);
    /* Each round from an address root never logged in from (a success makes
     * an address known, and known addresses are never locked out). */
    char source[32];
    /* Two failures, a success, two failures: never three in a row. */
    for (int round = 0; round < 2; round++) {
        snprintf(source, sizeof(source), "127.0.0.%d", 2 + round);
        for (int i = 0; i < 2; i++)
            cr_assert_eq(login_from(source, HARNESS_ADMIN, "wrong-password"),
                         FOLIO__CODE__UNAUTHENTICATED);
        cr_assert_eq(login_from(source, HARNESS_ADMIN, HARNESS_ADMIN_PASSWORD), FOLIO__CODE__OK);
    }
    for (int i = 0; i < 3; i++)
        cr_assert_eq(login_from("127.0.0.5", HARNESS_ADMIN, "wrong-password"),
                     FOLIO__CODE__UNAUTHENTICATED);
    cr_assert_eq(login_from("127.0.0.5", HARNESS_ADMIN, HARNESS_ADMIN_PASSWORD),
                 FOLIO__CODE__RESOURCE_EXHAUSTED);
    sleep((unsigned)lockout + 1);
    cr_assert_eq(login_from("127.0.0.5", HARNESS_ADMIN, HARNESS_ADMIN_PASSWORD), FOLIO__CODE__OK);
    harness_server_finish(&srv);
}

Test(login, token_survives_a_restart)
{
    harness_server_start(&srv, NULL);
    struct folio_connection *c = harness_connect(&srv);
    char token[65];
    harness_login_token(c, HARNESS_ADMIN, HARNESS_ADMIN_PASSWORD, token);
    folio_connection_close(c);

    harness_server_restart(&srv);
    c = harness_connect(&srv);
    struct folio_error err = {0};
    Folio__Response *r = harness_ok(folio_authenticate(c, token, &err), &err);
    cr_assert_eq(r->result_case, FOLIO__RESPONSE__RESULT_SESSION);
    cr_assert_str_eq(r->session->token, "", "Authenticate must not repeat the token");
    cr_assert_str_eq(r->session->user->name, HARNESS_ADMIN);
    cr_assert_gt(r->session->expires_at, now());
    folio_response_free(r);
    r = harness_ok(folio_whoami(c, &err), &err);
    cr_assert_str_eq(r->session->user->name, HARNESS_ADMIN);
    folio_response_free(r);
    folio_connection_close(c);
    harness_server_finish(&srv);
}

Test(login, unknown_token_is_refused)
{
    harness_shared_attach(&srv, "login");
    struct folio_connection *c = harness_connect(&srv);
    struct folio_error err = {0};
    char token[65];
    memset(token, '0', 64);
    token[64] = '\0';
    harness_refused(folio_authenticate(c, token, &err), &err, FOLIO__CODE__UNAUTHENTICATED);
    harness_refused(folio_whoami(c, &err), &err, FOLIO__CODE__UNAUTHENTICATED);
    folio_connection_close(c);
    harness_server_finish(&srv);
}

Test(login, logout_ends_the_session_everywhere)
{
    harness_server_start(&srv, NULL);
    struct folio_connection *a = harness_connect(&srv);
    char token[65];
    harness_login_token(a, HARNESS_ADMIN, HARNESS_ADMIN_PASSWORD, token);
    struct folio_connection *b = harness_connect(&srv);
    struct folio_error err = {0};
    folio_response_free(harness_ok(folio_authenticate(b, token, &err), &err));
    /* Both have used the session since it was checked last. */
    folio_response_free(harness_ok(folio_whoami(a, &err), &err));
    folio_response_free(harness_ok(folio_whoami(b, &err), &err));

    Folio__Response *r = harness_ok(folio_logout(a, &err), &err);
    cr_assert_eq(r->result_case, FOLIO__RESPONSE__RESULT_EMPTY);
    folio_response_free(r);
    harness_refused(folio_whoami(a, &err), &err, FOLIO__CODE__UNAUTHENTICATED);
    harness_refused(folio_whoami(b, &err), &err, FOLIO__CODE__UNAUTHENTICATED);
    struct folio_connection *c = harness_connect(&srv);
    harness_refused(folio_authenticate(c, token, &err), &err, FOLIO__CODE__UNAUTHENTICATED);
    folio_connection_close(a);
    folio_connection_close(b);
    folio_connection_close(c);

    /* And it stays ended across a restart. */
    harness_server_restart(&srv);
    c = harness_connect(&srv);
    harness_refused(folio_authenticate(c, token, &err), &err, FOLIO__CODE__UNAUTHENTICATED);
    folio_connection_close(c);
    harness_server_finish(&srv);
}

/* The session's server runs on a clock the test moves (libfaketime): its
 * sessions end when the test says, not while a busy machine is still
 * logging in. */
#define TTL_CLOCK_START   "2030-06-10 12:00:00"
#define TTL_CLOCK_EXPIRED "2030-06-10 14:00:00"
#define TTL_CLOCK_EPOCH   INT64_C(1907323200) /* TTL_CLOCK_START, in seconds since 1970 (UTC) */

Test(login, sessions_expire_after_the_ttl)
{
    const int ttl = 3600;
    const char *const flags[] = {"--session-ttl", "3600", NULL};
    harness_server_clock(&srv, TTL_CLOCK_START);
    int64_t started_ms = harness_now_ms();
    harness_server_start(&srv, flags);
    struct folio_connection *c = harness_connect(&srv);
    struct folio_error err = {0};
    Folio__Response *r =
        harness_ok(folio_login(c, HARNESS_ADMIN, HARNESS_ADMIN_PASSWORD, &err), &err);
    /* The server's now is its clock's start plus what has run since. */
    int64_t ran = (harness_now_ms() - started_ms) / 1000 + 1;
    cr_assert(r->session->expires_at >= TTL_CLOCK_EPOCH + ttl &&
                  r->session->expires_at <= TTL_CLOCK_EPOCH + ran + ttl + 1,
              "expires_at %lld is not %d seconds from the server's now",
              (long long)r->session->expires_at, ttl);
    char token[65];
    memcpy(token, r->session->token, sizeof(token));
    folio_response_free(r);
    folio_response_free(harness_ok(folio_whoami(c, &err), &err));

    /* Past the end of the session: libfaketime rereads the clock within
     * about two seconds, and from then on the session is over. */
    harness_server_clock_move(&srv, TTL_CLOCK_EXPIRED);
    int64_t deadline = harness_now_ms() + harness_timeout_ms();
    for (;;) {
        r = folio_whoami(c, &err);
        if (r == NULL)
            break;
        folio_response_free(r);
        cr_assert(harness_now_ms() < deadline, "the session outlived a clock moved to %s",
                  TTL_CLOCK_EXPIRED);
        harness_sleep_ms(100);
    }
    harness_refused(r, &err, FOLIO__CODE__UNAUTHENTICATED);
    struct folio_connection *d = harness_connect(&srv);
    harness_refused(folio_authenticate(d, token, &err), &err, FOLIO__CODE__UNAUTHENTICATED);
    folio_connection_close(c);
    folio_connection_close(d);
    harness_server_finish(&srv);
}

Test(login, disabled_user_is_locked_out_at_once)
{
    harness_shared_attach(&srv, "login");
    add_agent("alice-disabled", "alice-password");
    struct folio_connection *alice = harness_user(&srv, "alice-disabled", "alice-password");
    struct folio_error err = {0};
    folio_response_free(harness_ok(folio_whoami(alice, &err), &err));

    struct folio_connection *admin = harness_admin(&srv);
    Folio__Response *r = harness_ok(folio_user_disable(admin, "alice-disabled", &err), &err);
    cr_assert_eq(r->result_case, FOLIO__RESPONSE__RESULT_USER);
    cr_assert(r->user->disabled);
    folio_response_free(r);

    harness_refused(folio_whoami(alice, &err), &err, FOLIO__CODE__UNAUTHENTICATED);
    struct folio_connection *again = harness_connect(&srv);
    /* Answered as a wrong password: the answer does not confirm a guess. */
    harness_refused(folio_login(again, "alice-disabled", "alice-password", &err), &err,
                    FOLIO__CODE__UNAUTHENTICATED);
    cr_assert_str_eq(err.message, "wrong user name or password");
    folio_connection_close(again);
    folio_connection_close(alice);
    folio_connection_close(admin);
    harness_server_finish(&srv);
}

Test(login, own_password_change)
{
    harness_server_start(&srv, NULL);
    add_agent("alice", "alice-password");
    struct folio_connection *alice = harness_user(&srv, "alice", "alice-password");
    struct folio_error err = {0};
    harness_refused(folio_password_change(alice, "not-my-password", "alice-new-password", &err),
                    &err, FOLIO__CODE__PERMISSION_DENIED);
    harness_refused(folio_password_change(alice, "alice-password", "short", &err), &err,
                    FOLIO__CODE__INVALID_ARGUMENT);
    Folio__Response *r = harness_ok(
        folio_password_change(alice, "alice-password", "alice-new-password", &err), &err);
    cr_assert_eq(r->result_case, FOLIO__RESPONSE__RESULT_EMPTY);
    folio_response_free(r);
    folio_connection_close(alice);

    struct folio_connection *c = harness_connect(&srv);
    harness_refused(folio_login(c, "alice", "alice-password", &err), &err,
                    FOLIO__CODE__UNAUTHENTICATED);
    harness_login(c, "alice", "alice-new-password");
    folio_connection_close(c);

    /* The new password survives a restart. */
    harness_server_restart(&srv);
    c = harness_user(&srv, "alice", "alice-new-password");
    folio_connection_close(c);
    harness_server_finish(&srv);
}

Test(login, admin_sets_a_password_and_ends_the_sessions)
{
    harness_shared_attach(&srv, "login");
    add_agent("alice-reset", "alice-password");
    struct folio_connection *alice = harness_user(&srv, "alice-reset", "alice-password");
    struct folio_connection *admin = harness_admin(&srv);
    struct folio_error err = {0};
    folio_response_free(harness_ok(folio_whoami(alice, &err), &err));
    harness_refused(folio_user_passwd(admin, "alice-reset", "short", &err), &err,
                    FOLIO__CODE__INVALID_ARGUMENT);
    harness_refused(folio_user_passwd(admin, "nobody", "long-enough-1", &err), &err,
                    FOLIO__CODE__NOT_FOUND);
    Folio__Response *r =
        harness_ok(folio_user_passwd(admin, "alice-reset", "reset-password-1", &err), &err);
    cr_assert_eq(r->result_case, FOLIO__RESPONSE__RESULT_EMPTY);
    folio_response_free(r);

    harness_refused(folio_whoami(alice, &err), &err, FOLIO__CODE__UNAUTHENTICATED);
    struct folio_connection *c = harness_connect(&srv);
    harness_refused(folio_login(c, "alice-reset", "alice-password", &err), &err,
                    FOLIO__CODE__UNAUTHENTICATED);
    harness_login(c, "alice-reset", "reset-password-1");
    folio_connection_close(c);
    /* The admin's own session is untouched. */
    folio_response_free(harness_ok(folio_whoami(admin, &err), &err));
    folio_connection_close(alice);
    folio_connection_close(admin);
    harness_server_finish(&srv);
}

Test(login, no_password_or_token_in_the_log)
{
    const char *const flags[] = {"--log-level", "debug", NULL};
    harness_server_start(&srv, flags);
    struct folio_connection *c = harness_connect(&srv);
    struct folio_error err = {0};
    harness_refused(folio_login(c, HARNESS_ADMIN, "wrong-secret-77", &err), &err,
                    FOLIO__CODE__UNAUTHENTICATED);
    char token[65];
    harness_login_token(c, HARNESS_ADMIN, HARNESS_ADMIN_PASSWORD, token);
    harness_add_office(c, "North");
    harness_add_user(c, "alice", FOLIO__ROLE__ROLE_AGENT, "North", "alice-secret-55");
    folio_response_free(harness_ok(folio_user_passwd(c, "alice", "alice-secret-66", &err), &err));
    folio_response_free(
        harness_ok(folio_password_change(c, HARNESS_ADMIN_PASSWORD, "root-secret-88", &err), &err));
    folio_connection_close(c);
    int code = harness_server_stop(&srv);
    cr_assert_eq(code, 0);

    char *log = harness_server_log(&srv);
    const char *secrets[] = {HARNESS_ADMIN_PASSWORD, "wrong-secret-77", "alice-secret-55",
                             "alice-secret-66",      "root-secret-88",  token};
    for (size_t i = 0; i < sizeof(secrets) / sizeof(secrets[0]); i++)
        cr_assert_null(strstr(log, secrets[i]), "the log contains \"%s\"", secrets[i]);
    cr_assert_not_null(strstr(log, "listening on 127.0.0.1:"), "log:\n%s", log);
    /* Valgrind shares the log file; its lines have their own shape. */
    if (!srv.valgrind) {
        regex_t line;
        cr_assert_eq(regcomp(&line,
                             "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z "
                             "(ERROR|WARN|INFO|DEBUG) [^ ]",
                             REG_EXTENDED | REG_NOSUB),
                     0);
        char *save = NULL;
        for (char *l = strtok_r(log, "\n", &save); l != NULL; l = strtok_r(NULL, "\n", &save))
            cr_assert_eq(regexec(&line, l, 0, NULL, 0), 0,
                         "log line \"%s\" is not "
                         "\"TIME LEVEL message\"",
                         l);
        regfree(&line);
    }
    free(log);
    harness_server_cleanup(&srv);
}
