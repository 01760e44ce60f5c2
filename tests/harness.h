/* harness.h - start a real foliod for a test, and talk to it.
 *
 * harness_server_start makes a fresh temporary directory, initialises a firm
 * in DIR/data with a known firm-admin (HARNESS_ADMIN / HARNESS_ADMIN_PASSWORD)
 * and serves it on an ephemeral loopback port. With FOLIO_VALGRIND=1 in the
 * environment foliod runs under valgrind, and harness_server_stop fails the
 * test when valgrind reported errors or leaks: the server a suite shares,
 * and a test's own only in a suite that shares none (FOLIO_VALGRIND_ALL set,
 * as for tools/test: every server). A start costs two or three seconds of
 * valgrind, more than most tests; the own servers of a sharing suite are
 * there for restarts, clocks and flags, whose paths the ASan run checks, and
 * the data and rules go through the shared one.
 *
 * foliod serves TLS, so every connection the helpers make is TLS, verified
 * against the certificate the server serves (the firm's own, made by init,
 * or the one given with --tls-cert), unless the server was started with
 * --plaintext: tests exercise what users run.
 *
 * Criterion runs each test in its own process. Tests that do not disturb
 * one another share their suite's server (harness_shared_start, below).
 * Otherwise start the server in the test (or a per-test .init fixture), end
 * the test with harness_server_finish so the exit status is asserted, and
 * call harness_server_cleanup from .fini: assertions made in .fini are
 * printed but do not fail the test. The server is killed with the test
 * process if that process dies.
 *
 * With FOLIO_TEST_START_LOG naming a file, every foliod start appends a line
 * (the test program, the server's directory) to it: how a run's starts are
 * counted.
 *
 * Every helper asserts: a failing call ends the test with a message saying
 * which call, what code and what the server said.
 */
#ifndef FOLIO_TEST_HARNESS_H
#define FOLIO_TEST_HARNESS_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "folio.pb-c.h"
#include "folioclient.h"
#include "folioclient_account.h"
#include "folioclient_loyalty.h"
#include "folioclient_portfolio.h"
#include "tls_fingerprint.h"

#define HARNESS_FIRM           "Test Firm"
#define HARNESS_ADMIN          "root"
#define HARNESS_ADMIN_PASSWORD "root-password-0"

struct harness_server {
    pid_t pid; /* 0 when not running */
    int port;
    bool valgrind;
    char addr[64];       /* "127.0.0.1:PORT" */
    char root[256];      /* the temporary directory, removed by cleanup */
    char data[PATH_MAX]; /* root/data: the --data directory */
    char port_file[PATH_MAX];
    char log_file[PATH_MAX];  /* foliod's stderr (and valgrind's), appended across restarts */
    const char *const *flags; /* extra serve flags, reused by restart */
    /* Both follow flags at every (re)start. */
    bool plaintext;                /* --plaintext among them: no TLS */
    char cert_file[PATH_MAX + 16]; /* served: --tls-cert, else DATA/tls-cert.pem */
    /* "YYYY-MM-DD HH:MM:SS" (UTC): foliod's clock starts there and runs
     * on (libfaketime); "" for the real clock. harness_server_clock. */
    char clock[32];
    /* What foliod init printed as the firm certificate's fingerprint. */
    char init_fingerprint[TLS_FINGERPRINT_SIZE];
    /* Attached with harness_shared_attach: the suite's server, which the
     * test neither stops nor restarts. */
    bool shared;
};

/* True when foliod runs under valgrind (FOLIO_VALGRIND=1): everything it
 * does, argon2id above all, takes tens of times longer, so tests that race
 * the clock give it more seconds. */
bool harness_valgrind(void);
/* Milliseconds a test should wait for the server to answer anything. */
int harness_timeout_ms(void);
/* A monotonic clock, and a sleep that outlasts signals. */
int64_t harness_now_ms(void);
void harness_sleep_ms(int ms);

/* Runs foliod (init and serve) with its clock starting at when, "YYYY-MM-DD
 * HH:MM:SS" UTC, through libfaketime: the server's today is then the test's
 * choice, never the wall clock's. Call before harness_server_start, or
 * before harness_server_restart to move the clock (it only goes where the
 * test says; time runs on from there). NULL: the real clock again. */
void harness_server_clock(struct harness_server *s, const char *when);
/* Moves the clock of a running foliod started with harness_server_clock to
 * when (forward, to make something expire, or back), and lets it run on from
 * there. foliod sees the new time within about two seconds (libfaketime
 * rereads it at most once a second): the test waits, bounded, for what the
 * move should change, never for a number of seconds. */
void harness_server_clock_move(struct harness_server *s, const char *when);
void harness_server_start(struct harness_server *s, const char *const *extra_flags);
/* Sends sig without waiting. */
void harness_server_signal(const struct harness_server *s, int sig);
/* Waits (bounded) for foliod to exit: its exit code, or 128 + signal. Fails
 * the test if it does not exit in time or valgrind reported errors (99). */
int harness_server_wait(struct harness_server *s);
/* SIGTERM and wait. */
int harness_server_stop(struct harness_server *s);
/* Stops (asserting exit 0) if running, and starts again on the same data
 * directory and flags, on a new port. */
void harness_server_restart(struct harness_server *s);
/* Asserts a clean exit (0) and removes the directory. */
void harness_server_finish(struct harness_server *s);
/* Kills a server still running and removes the directory; never asserts. */
void harness_server_cleanup(struct harness_server *s);
/* foliod's log so far, NUL-terminated; free() it. */
char *harness_server_log(const struct harness_server *s);
/* Resident memory of foliod in KiB, from /proc. */
long harness_server_rss_kib(const struct harness_server *s);

/* Servers shared by the tests of a suite, as Redis's test suite shares one
 * per block: starting foliod, and under valgrind above all, costs more than
 * most tests. Criterion runs every test in a new process of the test binary
 * (not a fork: it inherits the runner's environment, not its memory), and
 * runs report hooks in the runner. So a suite starts its server in
 *
 *     ReportHook(PRE_SUITE)(struct criterion_suite_set *set)
 *
 * with harness_shared_start, when set->suite.name is its own, each test
 * attaches to it with harness_shared_attach, and the file stops it in
 * ReportHook(POST_ALL) with harness_shared_stop: not in POST_SUITE, which
 * Criterion reports once it has started the suite's last test, while that
 * test and others may still run (--jobs above 1). Tests of a shared server
 * make their own users, offices and clients, named after the test, so that
 * none depends on another or on their order. A test that stops, restarts,
 * signals or floods its server, moves its clock or needs other flags starts
 * one of its own, in a suite of its own: Criterion runs the suite's .init
 * before the test's, so a test's .init cannot undo its suite's attach.
 *
 * harness_shared_start and harness_shared_stop run in the runner, outside any
 * test: a server that fails to start, or that exits other than 0 (or with
 * valgrind's errors) when stopped, ends the runner with exit status 1 after
 * printing foliod's log, which fails the ctest. when is the clock
 * (harness_server_clock), NULL for the real one; flags live until the stop. */
void harness_shared_start(const char *name, const char *when, const char *const *flags);
/* s becomes the suite's server name. harness_server_finish on it asserts that
 * it still runs; harness_server_cleanup forgets it; stop, restart, signal and
 * clock moves refuse. */
void harness_shared_attach(struct harness_server *s, const char *name);
void harness_shared_stop(const char *name);

/* Runs argv (argv[0] a path) with stdin_text (may be NULL) on standard input;
 * returns the exit code and, when out is not NULL, stdout+stderr (free()). */
int harness_run(char *const argv[], const char *stdin_text, char **out);

/* Client library helpers. */
/* How a client trusts s: its certificate as the CA file, or plaintext. */
struct folio_tls harness_tls(const struct harness_server *s);
/* Connects with harness_tls. */
struct folio_connection *harness_connect(const struct harness_server *s);
/* Connects with tls; NULL with err set when that fails (never asserts). */
struct folio_connection *harness_connect_with(const struct harness_server *s,
                                              const struct folio_tls *tls, struct folio_error *err);
void harness_login(struct folio_connection *c, const char *user, const char *password);
/* As harness_login; copies the session token into token (65 bytes). */
void harness_login_token(struct folio_connection *c, const char *user, const char *password,
                         char token[65]);
/* A new connection logged in as the firm-admin. */
struct folio_connection *harness_admin(const struct harness_server *s);
/* A new connection logged in as user. */
struct folio_connection *harness_user(const struct harness_server *s, const char *user,
                                      const char *password);
/* A new connection logs in as the firm-admin and is answered: the server
 * still serves, whatever a test did to it. */
void harness_assert_serves(const struct harness_server *s);
/* UserAdd through admin; office may be NULL. Returns the new user's id. */
uint64_t harness_add_user(struct folio_connection *admin, const char *name, Folio__Role role,
                          const char *office, const char *password);
/* OfficeAdd through admin. Returns the office id. */
uint64_t harness_add_office(struct folio_connection *admin, const char *name);

/* Asserts that a typed call succeeded: resp non-NULL. */
#define harness_ok(resp, err) harness_ok_at((resp), (err), #resp, __FILE__, __LINE__)
/* Asserts that a typed call was refused by the server with code; frees resp. */
#define harness_refused(resp, err, code)                                                           \
    harness_refused_at((resp), (err), (code), #resp, __FILE__, __LINE__)
Folio__Response *harness_ok_at(Folio__Response *resp, const struct folio_error *err,
                               const char *what, const char *file, int line);
void harness_refused_at(Folio__Response *resp, const struct folio_error *err, Folio__Code code,
                        const char *what, const char *file, int line);

/* Raw wire helpers: one connection on a blocking socket with send and
 * receive timeouts (harness_timeout_ms), through TLS verified against the
 * server's certificate unless the server runs --plaintext. Every helper
 * asserts, except where it says otherwise. */
struct harness_raw;
struct harness_raw *harness_raw_connect(const struct harness_server *s);
/* A plain TCP connection whatever the server speaks: for sending it
 * cleartext, half a handshake, or nothing at all. */
struct harness_raw *harness_raw_connect_plain(const struct harness_server *s);
/* As harness_raw_connect, from source, a loopback address such as
 * "127.0.0.2": how a test plays several peers at different addresses. */
struct harness_raw *harness_raw_connect_from(const struct harness_server *s, const char *source);
/* Ends TLS (a close_notify when it can go without waiting) and closes the
 * socket; frees raw. NULL is ignored. */
void harness_raw_close(struct harness_raw *raw);
/* The socket, for writing bytes that bypass TLS. */
int harness_raw_fd(const struct harness_raw *raw);
void harness_raw_write(struct harness_raw *raw, const void *buf, size_t len);
/* Appends req as one frame to *buf (realloc'd), for building pipelines. */
void harness_raw_append(uint8_t **buf, size_t *len, const Folio__Request *req);
void harness_raw_send(struct harness_raw *raw, const Folio__Request *req);
/* Writes chunk over and over without reading, as a peer that never reads
 * would, until the server stops taking bytes (none go for stall_ms), max
 * bytes went, max_ms passed, or the connection ended (*ended, when the
 * server closed or reset it). Returns the bytes written. The socket is
 * blocking again afterwards. */
size_t harness_raw_flood(struct harness_raw *raw, const uint8_t *chunk, size_t chunk_len,
                         size_t max, int max_ms, int stall_ms, bool *ended);
/* The next response, or NULL on end of stream. Fails the test on a timeout
 * or an undecodable frame. Free with folio__response__free_unpacked(r, NULL). */
Folio__Response *harness_raw_receive(struct harness_raw *raw);
/* The next response must answer id with code and, when words is not NULL,
 * its message must hold them. harness_raw_answer returns it (free it);
 * harness_raw_expect frees it. */
Folio__Response *harness_raw_answer(struct harness_raw *raw, uint64_t id, Folio__Code code,
                                    const char *words);
void harness_raw_expect(struct harness_raw *raw, uint64_t id, Folio__Code code, const char *words);
/* The refusal of the connection itself (id 0, code, words), then the close. */
void harness_raw_refused_and_closed(struct harness_raw *raw, Folio__Code code, const char *words);
/* True when the server closes the connection (TLS close_notify or a fatal
 * alert, EOF, reset) within timeout_ms, discarding whatever arrives before. */
bool harness_raw_closed(struct harness_raw *raw, int timeout_ms);
/* Hello with this id; asserts the Welcome. */
void harness_raw_hello(struct harness_raw *raw, uint64_t id);
/* Login with this id; asserts success. */
void harness_raw_login(struct harness_raw *raw, uint64_t id, const char *user,
                       const char *password);
/* New connections until one is served (its Hello answered), bounded: a
 * place a closed connection held is free only once the server has seen the
 * close. Returns false if none was served. */
bool harness_raw_served_again(const struct harness_server *s);
/* A WhoAmI request with this id. */
Folio__Request harness_whoami_request(uint64_t id);

/* Status code of a response (an absent status means OK). */
Folio__Code harness_code(const Folio__Response *r);
const char *harness_message(const Folio__Response *r);

#endif
