/* test_budget.c - who may hold a connection (conn_budget.h), against a real
 * foliod: peers that never log in cannot fill the table, one user cannot
 * either, watchers included, and disabling a user or the end of its session
 * closes its watchers.
 *
 * Peers at other addresses are played from 127.0.0.2 to 127.0.0.5, which
 * Linux routes to loopback like 127.0.0.1. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "conn_budget.h"
#include "envelope.h"
#include "harness.h"
#include "peer_limit.h"

#define PW_BOB   "bob-password-1"
#define PW_CARLA "carla-password-1"

#define FLOOD_ADDRESSES   4
#define FLOOD_PER_ADDRESS 40 /* 160 in all: over --max-connections 64 */

static struct harness_server srv;

static void teardown(void)
{
    harness_server_cleanup(&srv);
}

TestSuite(budget, .fini = teardown);

/* A plain TCP connection from source that sends nothing: not even a TLS
 * handshake. Returns its socket. */
static int connect_silent_from(const char *source)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    cr_assert_geq(fd, 0, "socket: %s", strerror(errno));
    struct sockaddr_in from = {.sin_family = AF_INET};
    cr_assert_eq(inet_pton(AF_INET, source, &from.sin_addr), 1);
    cr_assert_eq(bind(fd, (struct sockaddr *)&from, sizeof(from)), 0, "bind %s: %s", source,
                 strerror(errno));
    struct sockaddr_in to = {.sin_family = AF_INET, .sin_port = htons((uint16_t)srv.port)};
    inet_pton(AF_INET, "127.0.0.1", &to.sin_addr);
    cr_assert_eq(connect(fd, (struct sockaddr *)&to, sizeof(to)), 0, "connect from %s: %s", source,
                 strerror(errno));
    return fd;
}

/* True when the server closes fd (EOF or reset) within timeout_ms. */
static bool silent_closed(int fd, int timeout_ms)
{
    struct timeval tv = {.tv_sec = timeout_ms / 1000, .tv_usec = (timeout_ms % 1000) * 1000};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    char byte;
    ssize_t n = recv(fd, &byte, 1, 0);
    return n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK);
}

static void expect_whoami(struct folio_connection *c, const char *name)
{
    struct folio_error err = {0};
    Folio__Response *r = harness_ok(folio_whoami(c, &err), &err);
    cr_assert_str_eq(r->session->user->name, name);
    folio_response_free(r);
}

Test(budget, a_flood_of_silent_connections_leaves_room_for_a_login)
{
    /* A table small enough to flood from here; the handshake deadline well
     * above what one login takes. */
    static const char *const flags[] = {"--max-connections",
                                        "64",
                                        "--max-unauthenticated",
                                        "16",
                                        "--max-unauthenticated-per-address",
                                        "4",
                                        "--handshake-timeout",
                                        "5",
                                        NULL};
    harness_server_start(&srv, flags);
    int flood[FLOOD_ADDRESSES * FLOOD_PER_ADDRESS];
    size_t n = 0;
    for (int a = 0; a < FLOOD_ADDRESSES; a++) {
        char source[16];
        snprintf(source, sizeof(source), "127.0.0.%d", a + 2);
        for (int i = 0; i < FLOOD_PER_ADDRESS; i++)
            flood[n++] = connect_silent_from(source);
    }
    /* The newest flood connections hold the whole budget of connections not
     * logged in; a newcomer from another address takes the place of the
     * oldest of the busiest, logs in and is served. */
    struct folio_connection *root = harness_admin(&srv);
    expect_whoami(root, HARNESS_ADMIN);

    /* Each address kept only its newest: the first flood connection of each
     * was closed to make room, long before the handshake deadline. */
    for (int a = 0; a < FLOOD_ADDRESSES; a++)
        cr_assert(silent_closed(flood[a * FLOOD_PER_ADDRESS], harness_timeout_ms()),
                  "the oldest connection from 127.0.0.%d outlived the flood", a + 2);
    /* The survivors never start TLS: closed at the handshake deadline
     * (--login-timeout is 30 s, so this is not it). */
    cr_assert(silent_closed(flood[n - 1], harness_timeout_ms()),
              "a silent connection outlived --handshake-timeout 5");
    for (size_t i = 0; i < n; i++)
        close(flood[i]);
    expect_whoami(root, HARNESS_ADMIN);
    char *log = harness_server_log(&srv);
    cr_assert(strstr(log, "closed to make room") != NULL, "the evictions are not logged");
    free(log);
    folio_connection_close(root);
    harness_server_finish(&srv);
}

/* A raw connection logged in as user that sent Watch. */
static struct harness_raw *raw_watcher(const char *user, const char *password)
{
    struct harness_raw *raw = harness_raw_connect(&srv);
    harness_raw_hello(raw, 1);
    harness_raw_login(raw, 2, user, password);
    Folio__Watch watch = FOLIO__WATCH__INIT;
    Folio__Request req = FOLIO__REQUEST__INIT;
    req.id = 3;
    envelope_set(&req, &watch.base);
    harness_raw_send(raw, &req);
    harness_raw_expect(raw, 3, FOLIO__CODE__OK, NULL);
    return raw;
}

/* A login as user on a new raw connection, answered with code. */
static void expect_login(const char *user, const char *password, Folio__Code code,
                         const char *words)
{
    struct harness_raw *raw = harness_raw_connect(&srv);
    harness_raw_hello(raw, 1);
    Folio__Login login = FOLIO__LOGIN__INIT;
    login.username = (char *)user;
    login.password = (char *)password;
    Folio__Request req = FOLIO__REQUEST__INIT;
    req.id = 2;
    envelope_set(&req, &login.base);
    harness_raw_send(raw, &req);
    Folio__Response *r = harness_raw_answer(raw, 2, code, words);
    if (code != FOLIO__CODE__OK)
        cr_assert(r->session == NULL, "a refused login carries a session");
    folio__response__free_unpacked(r, NULL);
    harness_raw_close(raw);
}

Test(budget, one_user_holds_only_so_many_connections_and_disabling_ends_them)
{
    static const char *const flags[] = {"--max-connections-per-user", "3", NULL};
    harness_server_start(&srv, flags);
    struct folio_connection *root = harness_admin(&srv);
    harness_add_office(root, "North");
    harness_add_user(root, "bob", FOLIO__ROLE__ROLE_AGENT, "North", PW_BOB);
    harness_add_user(root, "carla", FOLIO__ROLE__ROLE_AGENT, "North", PW_CARLA);

    /* Two watchers and a connection that works count alike. */
    struct harness_raw *watchers[2] = {raw_watcher("bob", PW_BOB), raw_watcher("bob", PW_BOB)};
    struct folio_connection *bob = harness_connect(&srv);
    char token[65];
    harness_login_token(bob, "bob", PW_BOB, token);
    expect_login("bob", PW_BOB, FOLIO__CODE__RESOURCE_EXHAUSTED, "--max-connections-per-user");
    /* Refused before the password is checked: the answer does not tell a
     * right password from a wrong one. */
    expect_login("bob", "not-bobs-password", FOLIO__CODE__RESOURCE_EXHAUSTED,
                 "--max-connections-per-user");
    struct folio_connection *again = harness_connect(&srv);
    struct folio_error err = {0};
    harness_refused(folio_authenticate(again, token, &err), &err, FOLIO__CODE__RESOURCE_EXHAUSTED);
    folio_connection_close(again);
    /* Another user is not held back by bob's. */
    struct folio_connection *carla = harness_user(&srv, "carla", PW_CARLA);
    expect_whoami(carla, "carla");
    expect_whoami(bob, "bob");

    /* A place bob gives up is bob's again (once the server saw the close). */
    folio_connection_close(bob);
    bool served = false;
    for (int i = 0; i < 100 && !served; i++) {
        bob = harness_connect(&srv);
        served = folio_authenticate(bob, token, &err) != NULL;
        if (!served) {
            cr_assert_eq(err.code, FOLIO__CODE__RESOURCE_EXHAUSTED, "%s", err.message);
            folio_connection_close(bob);
            harness_sleep_ms(50);
        }
    }
    cr_assert(served, "bob's place was not freed by closing a connection");

    /* Disabling bob ends every connection of bob, watchers included, and
     * nobody else's. */
    folio_response_free(harness_ok(folio_user_disable(root, "bob", &err), &err));
    for (int i = 0; i < 2; i++) {
        harness_raw_refused_and_closed(watchers[i], FOLIO__CODE__UNAUTHENTICATED,
                                       "this account is disabled");
        harness_raw_close(watchers[i]);
    }
    harness_refused(folio_whoami(bob, &err), &err, FOLIO__CODE__UNAUTHENTICATED);
    folio_connection_close(bob);
    expect_whoami(carla, "carla");
    folio_connection_close(carla);
    folio_connection_close(root);

    /* A watcher sends nothing that would find its session over, and the idle
     * timeout spares it: the sweep closes it when the session expires. */
    static const char *const short_sessions[] = {"--max-connections-per-user", "3", "--session-ttl",
                                                 "2", NULL};
    srv.flags = short_sessions;
    harness_server_restart(&srv);
    struct harness_raw *watcher = raw_watcher("carla", PW_CARLA);
    harness_raw_refused_and_closed(watcher, FOLIO__CODE__UNAUTHENTICATED, "session has expired");
    harness_raw_close(watcher);
    harness_server_finish(&srv);
}

/* ---------------------------------------------------------------- the rules, without a server */

static void address_of(uint8_t addr[CONN_BUDGET_ADDR_SIZE], uint8_t last)
{
    memset(addr, 0, CONN_BUDGET_ADDR_SIZE);
    addr[15] = last;
}

/* Admits m from the address ending in last; returns the member evicted. */
static struct conn_budget_member *admit(struct conn_budget *b, struct conn_budget_member *m,
                                        uint8_t last)
{
    uint8_t addr[CONN_BUDGET_ADDR_SIZE];
    address_of(addr, last);
    struct conn_budget_member *victim = NULL;
    cr_assert(conn_budget_admit(b, m, addr, &victim), "a newcomer from .%u was refused", last);
    return victim;
}

Test(budget, who_makes_room_for_whom)
{
    struct conn_budget b;
    conn_budget_init(&b, 64, 4, 3, 2);
    struct conn_budget_member m[8];
    memset(m, 0, sizeof(m));
    for (int i = 0; i < 3; i++)
        cr_assert_null(admit(&b, &m[i], 1));
    /* Over its address's share: that address's oldest goes. */
    cr_assert_eq(admit(&b, &m[3], 1), &m[0]);
    cr_assert_null(admit(&b, &m[4], 2)); /* the whole budget is full now: .1 3, .2 1 */
    /* A newcomer holding none takes the place of the busiest's oldest... */
    cr_assert_eq(admit(&b, &m[5], 3), &m[1]);
    /* ...and so does one holding one; the peers holding one keep theirs. */
    cr_assert_eq(admit(&b, &m[6], 2), &m[2]);
    cr_assert_eq(b.unauthenticated, 4);

    /* Logged in, a member leaves the budget and counts as its user's. */
    cr_assert(conn_budget_login(&b, &m[3], 7));
    cr_assert(conn_budget_login(&b, &m[4], 7));
    cr_assert_not(conn_budget_login(&b, &m[5], 7), "a third connection for a user of two");
    cr_assert_eq(conn_budget_user_count(&b, 7), 2);
    cr_assert_eq(b.unauthenticated, 2);
    uint8_t addr[CONN_BUDGET_ADDR_SIZE];
    address_of(addr, 1);
    conn_budget_logout(&b, &m[3], addr);
    cr_assert_eq(conn_budget_user_count(&b, 7), 1);
    cr_assert_eq(b.unauthenticated, 3);
    for (int i = 0; i < 8; i++)
        conn_budget_leave(&b, &m[i]);
    cr_assert_eq(b.unauthenticated, 0);
    cr_assert_eq(b.addresses, 0);
    cr_assert_eq(conn_budget_user_count(&b, 7), 0);
    conn_budget_free(&b);
}

Test(budget, a_budget_held_one_each_refuses_newcomers)
{
    struct conn_budget b;
    conn_budget_init(&b, 64, 2, 5, 32);
    struct conn_budget_member m[3];
    memset(m, 0, sizeof(m));
    cr_assert_null(admit(&b, &m[0], 1));
    cr_assert_null(admit(&b, &m[1], 2));
    uint8_t addr[CONN_BUDGET_ADDR_SIZE];
    address_of(addr, 3);
    struct conn_budget_member *victim = NULL;
    cr_assert_not(conn_budget_admit(&b, &m[2], addr, &victim),
                  "nobody holds many, yet a place was made");
    cr_assert_null(victim);
    cr_assert_null(m[2].address);
    cr_assert_eq(b.refused, 1);
    for (int i = 0; i < 3; i++)
        conn_budget_leave(&b, &m[i]);
    conn_budget_free(&b);
}

/* A new password ends the sessions it replaces, and their connections
 * with them: a watcher on a stolen token would otherwise keep its place in
 * the user's budget for the session's whole life. */
Test(budget, a_new_password_ends_the_connections_of_the_sessions_it_ends)
{
    static const char *const flags[] = {"--max-connections-per-user", "3", NULL};
    harness_server_start(&srv, flags);
    struct folio_connection *root = harness_admin(&srv);
    harness_add_office(root, "North");
    harness_add_user(root, "bob", FOLIO__ROLE__ROLE_AGENT, "North", PW_BOB);
    struct harness_raw *stolen[2] = {raw_watcher("bob", PW_BOB), raw_watcher("bob", PW_BOB)};
    struct folio_connection *bob = harness_user(&srv, "bob", PW_BOB);

    /* Bob's own change keeps his session; the others' watchers go... */
    struct folio_error err = {0};
    folio_response_free(
        harness_ok(folio_password_change(bob, PW_BOB, "bob-password-2", &err), &err));
    for (int i = 0; i < 2; i++) {
        harness_raw_refused_and_closed(stolen[i], FOLIO__CODE__UNAUTHENTICATED,
                                       "password was changed");
        harness_raw_close(stolen[i]);
    }
    folio_response_free(harness_ok(folio_whoami(bob, &err), &err));
    /* ...and their places in his budget come back. */
    struct harness_raw *mine = raw_watcher("bob", "bob-password-2");

    /* An admin's reset ends every session of the user, this one too. */
    folio_response_free(harness_ok(folio_user_passwd(root, "bob", "bob-password-3", &err), &err));
    harness_raw_refused_and_closed(mine, FOLIO__CODE__UNAUTHENTICATED, "set by an admin");
    harness_raw_close(mine);
    harness_refused(folio_whoami(bob, &err), &err, FOLIO__CODE__UNAUTHENTICATED);
    folio_connection_close(bob);
    folio_connection_close(root);
    harness_server_finish(&srv);
}

/* Every per-address limit counts an IPv6 peer by its /64: a host choosing
 * a new address in its block gets no fresh share. IPv4, written either way,
 * counts by the whole address. */
Test(budget, addresses_are_counted_by_ipv4_address_or_ipv6_64)
{
    struct sockaddr_in6 a = {.sin6_family = AF_INET6}, b = a, other = a, mapped = a;
    cr_assert_eq(inet_pton(AF_INET6, "2001:db8:1:2::1", &a.sin6_addr), 1);
    cr_assert_eq(inet_pton(AF_INET6, "2001:db8:1:2:aaaa:bbbb:cccc:dddd", &b.sin6_addr), 1);
    cr_assert_eq(inet_pton(AF_INET6, "2001:db8:1:3::1", &other.sin6_addr), 1);
    cr_assert_eq(inet_pton(AF_INET6, "::ffff:10.0.0.1", &mapped.sin6_addr), 1);
    struct sockaddr_in v4 = {.sin_family = AF_INET}, v4_other = v4;
    cr_assert_eq(inet_pton(AF_INET, "10.0.0.1", &v4.sin_addr), 1);
    cr_assert_eq(inet_pton(AF_INET, "10.0.0.2", &v4_other.sin_addr), 1);

    uint8_t ka[PEER_LIMIT_ADDR_SIZE], kb[PEER_LIMIT_ADDR_SIZE], ko[PEER_LIMIT_ADDR_SIZE],
        km[PEER_LIMIT_ADDR_SIZE], k4[PEER_LIMIT_ADDR_SIZE], k4o[PEER_LIMIT_ADDR_SIZE];
    peer_limit_key(ka, (struct sockaddr *)&a);
    peer_limit_key(kb, (struct sockaddr *)&b);
    peer_limit_key(ko, (struct sockaddr *)&other);
    peer_limit_key(km, (struct sockaddr *)&mapped);
    peer_limit_key(k4, (struct sockaddr *)&v4);
    peer_limit_key(k4o, (struct sockaddr *)&v4_other);
    cr_assert_eq(memcmp(ka, kb, sizeof(ka)), 0, "one /64 counts as one peer");
    cr_assert_neq(memcmp(ka, ko, sizeof(ka)), 0, "another /64 is another peer");
    cr_assert_eq(memcmp(km, k4, sizeof(km)), 0, "IPv4 counts once whichever way it is written");
    cr_assert_neq(memcmp(k4, k4o, sizeof(k4)), 0, "each IPv4 address is a peer");
}
