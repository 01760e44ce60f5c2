/* bench_conn.h - one client connection to foliod, for the measuring tools.
 *
 * Speaks the framed protocol (proto/frame.h) on a libuv loop: connects,
 * secures the connection with TLS unless its target is plaintext, sends
 * Hello, then Login (user and password) or Authenticate (a token from an
 * earlier Login), and reports ready. Then requests are pipelined:
 * bench_conn_send gives each the connection's next id and keeps the caller's
 * tag, and every answer comes back to the response callback with that tag,
 * in the order sent. Sends made in one loop iteration leave in one write
 * (under TLS: one SSL_write, so one record up to 16 KiB). At most
 * BENCH_CONN_MAX_IN_FLIGHT (the server's limit) may be outstanding. Notices
 * (answers with id 0) are dropped; an error with id 0 fails the connection
 * with the server's message.
 *
 * TLS runs on memory BIOs: libuv owns the socket, ciphertext read is fed to
 * OpenSSL, and what OpenSSL writes is handed to uv_write. Hello and Login
 * wait, queued, for the handshake: with TLS 1.3 they leave with the
 * client's Finished, in the same write.
 *
 * Two styles mix freely: callbacks (the load generator), and the blocking
 * helpers bench_conn_wait_ready and bench_conn_call, which run the loop
 * themselves and so must never be called from inside a callback of it.
 *
 * Any failure - refused or timed-out connect, a failed TLS handshake (an
 * untrusted certificate, a plaintext server), lost connection, a malformed
 * or out-of-order answer, a refused handshake - closes the socket, keeps a
 * message for bench_conn_error and calls `failed` once; no other callback
 * follows. The owner releases every connection with bench_conn_close, at any
 * time, from its own callbacks too; memory goes once libuv has let go. */
#ifndef FOLIO_BENCH_CONN_H
#define FOLIO_BENCH_CONN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <uv.h>

#include "folio.pb-c.h"

#define BENCH_CONN_MAX_IN_FLIGHT 128
#define BENCH_CONN_HANDSHAKE_MS  60000 /* connect, TLS, Hello and Login must be done by then */

struct bench_conn;
struct bench_target;

/* Who the connection logs in as. With token set, Authenticate{token} is sent
 * and user/password are unused; with neither, only Hello is (an anonymous
 * connection, e.g. to time Login itself). client_name goes into Hello. */
struct bench_conn_auth {
    const char *user;
    const char *password;
    const char *token;
    const char *client_name;
};

/* Every member may be NULL. The answer passed to `response` is freed when it
 * returns. */
struct bench_conn_callbacks {
    void (*ready)(struct bench_conn *c);
    void (*response)(struct bench_conn *c, const Folio__Response *resp, uint64_t tag);
    void (*failed)(struct bench_conn *c, const char *why);
};

/* Where connections go and how they are secured. Parses HOST:PORT
 * ([v6]:PORT for IPv6 literals; HOST may be a name, looked up now,
 * blocking). The target is plaintext until bench_target_trust. Returns NULL
 * with a message in why. */
struct bench_target *bench_target_new(const char *host_port, char *why, size_t why_len);

/* TLS from now on (1.3, 1.2 at least): the server's certificate must chain
 * to one in ca_file (PEM; a self-signed certificate, like the one foliod init
 * makes, stands for itself there) and name HOST - the IP address when HOST
 * is a literal, the name otherwise. Returns 0, or -1 with a message in why. */
int bench_target_trust(struct bench_target *t, const char *ca_file, char *why, size_t why_len);

bool bench_target_tls(const struct bench_target *t);

/* Frees the target: after every connection to it has been closed and the
 * loop has run their closes. */
void bench_target_free(struct bench_target *t);

/* Starts connecting to target. Every connection to one target shares its
 * TLS context and its read buffer, so they must all run on one loop (one
 * thread). auth and cb are copied (the strings are not: they must outlive
 * the handshake). Returns NULL only when memory is short; every other
 * failure arrives through `failed`. */
struct bench_conn *bench_conn_open(uv_loop_t *loop, struct bench_target *target,
                                   const struct bench_conn_auth *auth,
                                   const struct bench_conn_callbacks *cb, void *data);

/* Queues req (its id is overwritten) for the next write. Returns 0, or -1
 * when the connection is not ready, has failed, already has
 * BENCH_CONN_MAX_IN_FLIGHT requests outstanding, or memory is short. */
int bench_conn_send(struct bench_conn *c, Folio__Request *req, uint64_t tag);

unsigned bench_conn_in_flight(const struct bench_conn *c);
void *bench_conn_data(const struct bench_conn *c);
/* The session token of the handshake's Login ("" otherwise): pass it as
 * bench_conn_auth.token to log more connections in without hashing again. */
const char *bench_conn_token(const struct bench_conn *c);
/* Why the connection failed; "" while it has not. */
const char *bench_conn_error(const struct bench_conn *c);

/* Runs the loop until the handshake is done. Returns 0, or -1 on failure
 * (see bench_conn_error). */
int bench_conn_wait_ready(struct bench_conn *c);

/* Sends req and runs the loop until its answer comes, at most timeout_ms.
 * Other requests in flight are answered through the callbacks meanwhile.
 * Returns 0 with *resp set (free it with folio__response__free_unpacked(resp,
 * NULL)), whatever its status, or -1 on failure or timeout (the connection
 * has then failed). */
int bench_conn_call(struct bench_conn *c, Folio__Request *req, Folio__Response **resp,
                    uint64_t timeout_ms);

/* Closes the socket and releases the connection; no callback follows. */
void bench_conn_close(struct bench_conn *c);

#endif
