/* harness.h - start a real foliod for a test, and talk to it.
 *
 * harness_server_start makes a fresh temporary directory, initialises a firm
 * in DIR/data with a known firm-admin (HARNESS_ADMIN / HARNESS_ADMIN_PASSWORD)
 * and serves it on an ephemeral loopback port. With FOLIO_VALGRIND=1 in the
 * environment foliod runs under valgrind, and harness_server_stop fails the
 * test when valgrind reported errors or leaks.
 *
 * Criterion runs each test in its own process. Start the server in the test
 * (or a per-test .init fixture), end the test with harness_server_finish so
 * the exit status is asserted, and call harness_server_cleanup from .fini:
 * assertions made in .fini are printed but do not fail the test. The server
 * is killed with the test process if that process dies.
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
};

/* True when foliod runs under valgrind (FOLIO_VALGRIND=1): everything it
 * does, argon2id above all, takes tens of times longer, so tests that race
 * the clock give it more seconds. */
bool harness_valgrind(void);
/* Milliseconds a test should wait for the server to answer anything. */
int harness_timeout_ms(void);

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

/* Runs argv (argv[0] a path) with stdin_text (may be NULL) on standard input;
 * returns the exit code and, when out is not NULL, stdout+stderr (free()). */
int harness_run(char *const argv[], const char *stdin_text, char **out);

/* Client library helpers. */
struct folio_client *harness_connect(const struct harness_server *s);
void harness_login(struct folio_client *c, const char *user, const char *password);
/* As harness_login; copies the session token into token (65 bytes). */
void harness_login_token(struct folio_client *c, const char *user, const char *password,
                         char token[65]);
/* A new connection logged in as the firm-admin. */
struct folio_client *harness_admin(const struct harness_server *s);
/* A new connection logged in as user. */
struct folio_client *harness_user(const struct harness_server *s, const char *user,
                                  const char *password);
/* UserAdd through admin; office may be NULL. Returns the new user's id. */
uint64_t harness_add_user(struct folio_client *admin, const char *name, Folio__Role role,
                          const char *office, const char *password);
/* OfficeAdd through admin. Returns the office id. */
uint64_t harness_add_office(struct folio_client *admin, const char *name);

/* Asserts that a typed call succeeded: resp non-NULL. */
#define harness_ok(resp, err) harness_ok_at((resp), (err), #resp, __FILE__, __LINE__)
/* Asserts that a typed call was refused by the server with code; frees resp. */
#define harness_refused(resp, err, code)                                                           \
    harness_refused_at((resp), (err), (code), #resp, __FILE__, __LINE__)
Folio__Response *harness_ok_at(Folio__Response *resp, const struct folio_error *err,
                               const char *what, const char *file, int line);
void harness_refused_at(Folio__Response *resp, const struct folio_error *err, Folio__Code code,
                        const char *what, const char *file, int line);

/* Raw wire helpers: a plain blocking socket with send/receive timeouts. */
int harness_raw_connect(const struct harness_server *s);
void harness_raw_write(int fd, const void *buf, size_t len);
/* Appends req as one frame to *buf (realloc'd), for building pipelines. */
void harness_raw_append(uint8_t **buf, size_t *len, const Folio__Request *req);
void harness_raw_send(int fd, const Folio__Request *req);
/* The next response, or NULL on end of stream. Fails the test on a timeout
 * or an undecodable frame. Free with folio__response__free_unpacked(r, NULL). */
Folio__Response *harness_raw_receive(int fd);
/* True when the server closes the connection (EOF or reset) within the
 * timeout, discarding whatever arrives before. */
bool harness_raw_closed(int fd, int timeout_ms);
/* Hello with this id; asserts the Welcome. */
void harness_raw_hello(int fd, uint64_t id);
/* Login with this id; asserts success. */
void harness_raw_login(int fd, uint64_t id, const char *user, const char *password);

/* Status code of a response (an absent status means OK). */
Folio__Code harness_code(const Folio__Response *r);
const char *harness_message(const Folio__Response *r);

#endif
