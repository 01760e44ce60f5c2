/* test_login_throttle.c - failed logins against a real foliod: attempts
 * reserved before hashing, locks per address and per account, owners at
 * known addresses, unlocking, and what login answers and costs. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "envelope.h"
#include "folioclient_stats.h"
#include "harness.h"
#include "throttle.h"

static struct harness_server srv;

static void teardown(void)
{
    harness_server_cleanup(&srv);
}

TestSuite(login_throttle, .fini = teardown);

#define PARALLEL_WRONG 40

static Folio__Request login_request(uint64_t id, Folio__Login *login, const char *user,
                                    const char *password)
{
    folio__login__init(login);
    login->username = (char *)user;
    login->password = (char *)password;
    Folio__Request req = FOLIO__REQUEST__INIT;
    req.id = id;
    envelope_set(&req, &login->base);
    return req;
}

/* A login on a new connection from source: its answer (free it). */
static Folio__Response *login_answer_from(const char *source, const char *user,
                                          const char *password)
{
    struct harness_raw *raw = harness_raw_connect_from(&srv, source);
    harness_raw_hello(raw, 1);
    Folio__Login login;
    Folio__Request req = login_request(2, &login, user, password);
    harness_raw_send(raw, &req);
    Folio__Response *r = harness_raw_receive(raw);
    cr_assert_not_null(r, "foliod closed the connection instead of answering a login");
    harness_raw_close(raw);
    return r;
}

static Folio__Code login_from(const char *source, const char *user, const char *password)
{
    Folio__Response *r = login_answer_from(source, user, password);
    Folio__Code code = harness_code(r);
    folio__response__free_unpacked(r, NULL);
    return code;
}

/* Logs in from source and asserts the code, and words in the message. */
static void expect_login(const char *source, const char *user, const char *password,
                         Folio__Code code, const char *words)
{
    Folio__Response *r = login_answer_from(source, user, password);
    cr_assert_eq(harness_code(r), code, "login as %s from %s: code %d (%s), expected %d", user,
                 source, harness_code(r), harness_message(r), code);
    if (words != NULL)
        cr_assert(strstr(harness_message(r), words) != NULL,
                  "login as %s from %s says \"%s\", expected \"%s\"", user, source,
                  harness_message(r), words);
    folio__response__free_unpacked(r, NULL);
}

static void add_agent(const char *name, const char *password)
{
    struct folio_connection *admin = harness_admin(&srv);
    harness_add_office(admin, "North");
    harness_add_user(admin, name, FOLIO__ROLE__ROLE_AGENT, "North", password);
    folio_connection_close(admin);
}

/* How many times text occurs in foliod's log. */
static int log_count(const char *text)
{
    char *log = harness_server_log(&srv);
    int n = 0;
    for (const char *p = log; (p = strstr(p, text)) != NULL; p += strlen(text))
        n++;
    free(log);
    return n;
}

/* True when the audit holds action on target. */
static bool audit_has(struct folio_connection *admin, const char *action, const char *target)
{
    struct folio_error err = {0};
    Folio__Response *r = harness_ok(folio_audit_query(admin, NULL, 0, 1000, 0, &err), &err);
    bool found = false;
    for (size_t i = 0; i < r->audit->n_records; i++)
        found |= strcmp(r->audit->records[i]->action, action) == 0 &&
                 strcmp(r->audit->records[i]->target, target) == 0;
    folio_response_free(r);
    return found;
}

Test(login_throttle, parallel_guesses_are_counted_before_hashing)
{
    /* The guesses come from one address: room for all of them. */
    const char *const flags[] = {"--login-lockout-after",
                                 "5",
                                 "--login-lockout-seconds",
                                 "600",
                                 "--max-unauthenticated-per-address",
                                 "64",
                                 NULL};
    harness_server_start(&srv, flags);
    add_agent("alice", "alice-password");
    /* Alice works from 127.0.0.1. */
    expect_login("127.0.0.1", "alice", "alice-password", FOLIO__CODE__OK, NULL);

    /* 40 wrong guesses from 127.0.0.2, all sent before any is answered. */
    struct harness_raw *raw[PARALLEL_WRONG];
    for (int i = 0; i < PARALLEL_WRONG; i++) {
        raw[i] = harness_raw_connect_from(&srv, "127.0.0.2");
        harness_raw_hello(raw[i], 1);
    }
    for (int i = 0; i < PARALLEL_WRONG; i++) {
        char password[32];
        snprintf(password, sizeof(password), "guess-%d", i);
        Folio__Login login;
        Folio__Request req = login_request(2, &login, "alice", password);
        harness_raw_send(raw[i], &req);
    }
    int hashed = 0, refused = 0;
    for (int i = 0; i < PARALLEL_WRONG; i++) {
        Folio__Response *r = harness_raw_receive(raw[i]);
        cr_assert_not_null(r, "guess %d was not answered", i);
        if (harness_code(r) == FOLIO__CODE__UNAUTHENTICATED)
            hashed++;
        else if (harness_code(r) == FOLIO__CODE__RESOURCE_EXHAUSTED)
            refused++;
        else
            cr_assert_fail("guess %d answered %d (%s)", i, harness_code(r), harness_message(r));
        folio__response__free_unpacked(r, NULL);
        harness_raw_close(raw[i]);
    }
    cr_assert_leq(hashed, 5, "%d of %d parallel guesses were checked; at most 5 may be", hashed,
                  PARALLEL_WRONG);
    cr_assert_eq(hashed + refused, PARALLEL_WRONG);

    /* The right password from the attacker's address is refused while locked... */
    expect_login("127.0.0.2", "alice", "alice-password", FOLIO__CODE__RESOURCE_EXHAUSTED,
                 "too many failed logins for alice");
    /* ...and from any other address she never used... */
    expect_login("127.0.0.3", "alice", "alice-password", FOLIO__CODE__RESOURCE_EXHAUSTED, NULL);
    /* ...but Alice still logs in from where she works. */
    expect_login("127.0.0.1", "alice", "alice-password", FOLIO__CODE__OK, NULL);
    cr_assert_eq(log_count("WARN login lock: alice refused from unknown addresses"), 1);
    harness_server_finish(&srv);
}

/* Waits (bounded) until no password check runs or waits. */
static void wait_for_idle_hasher(void)
{
    struct folio_connection *admin = harness_admin(&srv);
    bool idle = false;
    for (int i = 0; i < 600 && !idle; i++) {
        struct folio_error err = {0};
        Folio__Response *r = harness_ok(folio_stats_get(admin, &err), &err);
        idle = r->stats->hashes_running == 0 && r->stats->hashes_queued == 0;
        folio_response_free(r);
        if (!idle)
            harness_sleep_ms(100);
    }
    cr_assert(idle, "password checks still run");
    folio_connection_close(admin);
}

/* The pool's count of jobs taken back from connections that went away. */
static uint64_t pool_cancelled(void)
{
    struct folio_connection *admin = harness_admin(&srv);
    struct folio_error err = {0};
    Folio__Response *r = harness_ok(folio_stats_get(admin, &err), &err);
    uint64_t n = r->stats->pool_cancelled;
    folio_response_free(r);
    folio_connection_close(admin);
    return n;
}

/* A guess whose connection hangs up is either taken back before its check
 * (it told the guesser nothing, so it counts for nothing) or checked and
 * counted; which one depends on how fast the pool was, so the test accepts
 * both and asserts what each must leave: never a free check, never a
 * reservation that outlives the lock. */
Test(login_throttle, a_guess_whose_connection_hangs_up_is_counted_or_never_checked)
{
    const int lockout = harness_valgrind() ? 30 : 2;
    char seconds[16];
    snprintf(seconds, sizeof(seconds), "%d", lockout);
    const char *const flags[] = {"--login-lockout-after", "1", "--login-lockout-seconds", seconds,
                                 NULL};
    harness_server_start(&srv, flags);
    /* Root works from 127.0.0.1, where the test asks for the server's figures. */
    folio_connection_close(harness_admin(&srv));
    uint64_t cancelled_before = pool_cancelled();
    struct harness_raw *raw = harness_raw_connect_from(&srv, "127.0.0.2");
    harness_raw_hello(raw, 1);
    Folio__Login login;
    Folio__Request req = login_request(2, &login, HARNESS_ADMIN, "a-guess");
    harness_raw_send(raw, &req);
    harness_raw_close(raw);
    wait_for_idle_hasher();
    if (pool_cancelled() == cancelled_before) {
        /* Checked: it counted although nobody waited for its answer... */
        expect_login("127.0.0.2", HARNESS_ADMIN, HARNESS_ADMIN_PASSWORD,
                     FOLIO__CODE__RESOURCE_EXHAUSTED, NULL);
        /* ...and nothing stays reserved once the lock is over. */
        harness_sleep_ms((lockout + 1) * 1000);
    }
    expect_login("127.0.0.2", HARNESS_ADMIN, HARNESS_ADMIN_PASSWORD, FOLIO__CODE__OK, NULL);
    harness_server_finish(&srv);
}

Test(login_throttle, an_address_is_locked_whatever_the_names)
{
    const char *const flags[] = {"--login-address-lockout-after",
                                 "3",
                                 "--login-lockout-after",
                                 "100",
                                 "--login-lockout-seconds",
                                 "600",
                                 NULL};
    harness_server_start(&srv, flags);
    /* Three names, one wrong password each: no account reaches its limit. */
    cr_assert_eq(login_from("127.0.0.3", "ghost-one", "wrong"), FOLIO__CODE__UNAUTHENTICATED);
    cr_assert_eq(login_from("127.0.0.3", "ghost-two", "wrong"), FOLIO__CODE__UNAUTHENTICATED);
    cr_assert_eq(login_from("127.0.0.3", HARNESS_ADMIN, "wrong"), FOLIO__CODE__UNAUTHENTICATED);
    expect_login("127.0.0.3", HARNESS_ADMIN, HARNESS_ADMIN_PASSWORD,
                 FOLIO__CODE__RESOURCE_EXHAUSTED, "too many failed logins from your address");
    /* Other addresses are not concerned. */
    expect_login("127.0.0.4", HARNESS_ADMIN, HARNESS_ADMIN_PASSWORD, FOLIO__CODE__OK, NULL);
    cr_assert_eq(log_count("WARN login lock: address 127.0.0.3 refused"), 1);
    harness_server_finish(&srv);
}

Test(login_throttle, an_admin_unlocks_and_a_new_password_unlocks)
{
    const char *const flags[] = {"--login-lockout-after", "2", "--login-lockout-seconds", "600",
                                 NULL};
    harness_server_start(&srv, flags);
    add_agent("alice", "alice-password");
    struct folio_connection *admin = harness_admin(&srv);
    harness_add_user(admin, "bob", FOLIO__ROLE__ROLE_AGENT, "North", "bob-password");
    for (int i = 0; i < 2; i++) {
        cr_assert_eq(login_from("127.0.0.2", "alice", "wrong"), FOLIO__CODE__UNAUTHENTICATED);
        cr_assert_eq(login_from("127.0.0.2", "bob", "wrong"), FOLIO__CODE__UNAUTHENTICATED);
    }
    expect_login("127.0.0.2", "alice", "alice-password", FOLIO__CODE__RESOURCE_EXHAUSTED, NULL);
    expect_login("127.0.0.2", "bob", "bob-password", FOLIO__CODE__RESOURCE_EXHAUSTED, NULL);

    /* An agent may not unlock anyone. */
    struct folio_error err = {0};
    struct folio_connection *carol = NULL;
    harness_add_user(admin, "carol", FOLIO__ROLE__ROLE_AGENT, "North", "carol-password");
    carol = harness_user(&srv, "carol", "carol-password");
    harness_refused(folio_user_unlock(carol, "alice", &err), &err, FOLIO__CODE__PERMISSION_DENIED);
    expect_login("127.0.0.2", "alice", "alice-password", FOLIO__CODE__RESOURCE_EXHAUSTED, NULL);

    folio_response_free(harness_ok(folio_user_unlock(admin, "alice", &err), &err));
    expect_login("127.0.0.2", "alice", "alice-password", FOLIO__CODE__OK, NULL);
    cr_assert(audit_has(admin, "user.unlock", "alice"), "the unlock is not in the audit");
    cr_assert_eq(log_count("WARN login lock lifted: alice unlocked by root"), 1);

    /* Setting Bob's password lifts his lock too. */
    folio_response_free(
        harness_ok(folio_user_passwd(admin, "bob", "bob-new-password", &err), &err));
    expect_login("127.0.0.2", "bob", "bob-new-password", FOLIO__CODE__OK, NULL);
    folio_connection_close(carol);
    folio_connection_close(admin);
    harness_server_finish(&srv);
}

Test(login_throttle, a_password_change_ends_the_other_sessions)
{
    harness_server_start(&srv, NULL);
    add_agent("alice", "alice-password");
    struct folio_connection *here = harness_connect(&srv);
    struct folio_connection *there = harness_connect(&srv);
    char there_token[65];
    harness_login(here, "alice", "alice-password");
    harness_login_token(there, "alice", "alice-password", there_token);
    struct folio_error err = {0};
    folio_response_free(harness_ok(folio_whoami(there, &err), &err));

    folio_response_free(harness_ok(
        folio_password_change(here, "alice-password", "alice-new-password", &err), &err));
    /* The open connection on the other session is cut off... */
    harness_refused(folio_whoami(there, &err), &err, FOLIO__CODE__UNAUTHENTICATED);
    /* ...its token is gone... */
    struct folio_connection *later = harness_connect(&srv);
    harness_refused(folio_authenticate(later, there_token, &err), &err,
                    FOLIO__CODE__UNAUTHENTICATED);
    /* ...and the session that changed the password goes on. */
    folio_response_free(harness_ok(folio_whoami(here, &err), &err));
    harness_login(later, "alice", "alice-new-password");
    folio_connection_close(later);
    folio_connection_close(there);
    folio_connection_close(here);
    harness_server_finish(&srv);
}

Test(login_throttle, a_disabled_account_answers_as_a_wrong_password)
{
    harness_server_start(&srv, NULL);
    add_agent("alice", "alice-password");
    struct folio_connection *admin = harness_admin(&srv);
    struct folio_error err = {0};
    folio_response_free(harness_ok(folio_user_disable(admin, "alice", &err), &err));
    Folio__Response *right = login_answer_from("127.0.0.1", "alice", "alice-password");
    Folio__Response *wrong = login_answer_from("127.0.0.1", "alice", "not-her-password");
    cr_assert_eq(harness_code(right), FOLIO__CODE__UNAUTHENTICATED);
    cr_assert_eq(harness_code(right), harness_code(wrong));
    cr_assert_str_eq(harness_message(right), harness_message(wrong));
    folio__response__free_unpacked(right, NULL);
    folio__response__free_unpacked(wrong, NULL);
    folio_connection_close(admin);
    harness_server_finish(&srv);
}

Test(login_throttle, unknown_names_and_old_hashes_cost_a_check_at_the_current_cost)
{
    harness_server_start(&srv, NULL); /* --hash-cost min */
    add_agent("alice", "alice-password");
    static const char *const flags[] = {"--hash-cost", "interactive", "--log-level", "debug", NULL};
    srv.flags = flags;
    harness_server_restart(&srv);

    const char *dummy = "login: no such user; checked against the dummy hash";
    const char *old = "login: a stored hash of another cost; checked against the dummy hash too";
    const char *rehashed = "login: rehashed a password at the current cost";
    cr_assert_eq(login_from("127.0.0.1", "nobody-here", "whatever"), FOLIO__CODE__UNAUTHENTICATED);
    cr_assert_eq(log_count(dummy), 1);
    /* Alice's hash is of the old cost: a wrong password costs the dummy too. */
    cr_assert_eq(login_from("127.0.0.1", "alice", "wrong"), FOLIO__CODE__UNAUTHENTICATED);
    cr_assert_eq(log_count(old), 1);
    /* The right one rehashes her password at the current cost, once. */
    cr_assert_eq(login_from("127.0.0.1", "alice", "alice-password"), FOLIO__CODE__OK);
    cr_assert_eq(log_count(rehashed), 1);
    cr_assert_eq(login_from("127.0.0.1", "alice", "wrong"), FOLIO__CODE__UNAUTHENTICATED);
    cr_assert_eq(login_from("127.0.0.1", "alice", "alice-password"), FOLIO__CODE__OK);
    cr_assert_eq(log_count(rehashed), 1);
    cr_assert_eq(log_count(old), 1);
    /* The new hash was saved: it survives a restart. */
    harness_server_restart(&srv);
    cr_assert_eq(login_from("127.0.0.1", "alice", "alice-password"), FOLIO__CODE__OK);
    cr_assert_eq(log_count(rehashed), 1);
    harness_server_finish(&srv);
}

/* ---------------------------------------------------------------- the tables, without a server */

static void throttle_peer(uint8_t peer[THROTTLE_ADDRESS_SIZE], uint8_t last)
{
    /* ::ffff:10.0.0.last */
    memset(peer, 0, THROTTLE_ADDRESS_SIZE);
    peer[10] = peer[11] = 0xff;
    peer[12] = 10;
    peer[15] = last;
}

/* One attempt of name from peer, settled as settle says (-1 wrong, 0 not
 * checked, 1 right); returns the verdict. */
static enum throttle_verdict throttle_try(struct throttle *t, const char *name,
                                          const uint8_t peer[THROTTLE_ADDRESS_SIZE], int settle,
                                          uint64_t now_ms)
{
    struct throttle_ticket ticket = {0};
    uint64_t wait_ms = 0;
    enum throttle_verdict v = throttle_reserve(t, &ticket, name, peer, now_ms, &wait_ms);
    if (v != THROTTLE_GO)
        return v;
    if (settle < 0)
        throttle_failure(t, &ticket, now_ms);
    else if (settle > 0)
        throttle_success(t, &ticket, now_ms);
    else
        throttle_cancel(t, &ticket);
    return v;
}

/* A table full of made-up names, each tried once and never checked (what
 * an address refused for its share of the hash queue leaves), gives those
 * up first: a lock and an owner's known addresses outlive the flood. */
Test(login_throttle, a_flood_of_made_up_names_keeps_locks_and_known_addresses)
{
    struct throttle *t = calloc(1, sizeof(*t));
    cr_assert_not_null(t);
    throttle_init(t, 2, 1000000, 600000);
    uint8_t office[THROTTLE_ADDRESS_SIZE], guesser[THROTTLE_ADDRESS_SIZE],
        flooder[THROTTLE_ADDRESS_SIZE];
    throttle_peer(office, 1);
    throttle_peer(guesser, 2);
    throttle_peer(flooder, 3);
    uint64_t now = 1000;
    cr_assert_eq(throttle_try(t, "alice", office, 1, now), THROTTLE_GO);
    cr_assert_eq(throttle_try(t, "alice", guesser, -1, now), THROTTLE_GO);
    cr_assert_eq(throttle_try(t, "alice", guesser, -1, now), THROTTLE_GO);
    cr_assert_eq(throttle_try(t, "alice", guesser, -1, now), THROTTLE_ACCOUNT_LOCKED);

    for (int i = 0; i < 2 * THROTTLE_ACCOUNT_SLOTS; i++) {
        char name[32];
        snprintf(name, sizeof(name), "made-up-%d", i);
        throttle_try(t, name, flooder, 0, ++now);
    }
    cr_assert_eq(throttle_try(t, "alice", guesser, -1, now), THROTTLE_ACCOUNT_LOCKED,
                 "the flood wiped alice's lock");
    cr_assert_eq(throttle_try(t, "alice", office, 1, now), THROTTLE_GO,
                 "the flood made alice a stranger at her own office");
    free(t);
}
