/* connection.h - one client connection: reading frames, keeping replies in
 * request order, writing them, and pushing back on peers that flood.
 *
 * Input: bytes go into a frame_reader; whole frames become requests in the
 * connection's queue. Reading stops while more than --max-in-flight requests
 * are unanswered or more than --max-output-bytes of replies wait for the peer
 * to read them, and resumes when that drains (to a quarter of it). A request
 * starts only while the replies the peer has not read (written but still
 * queued, and made but not yet written) stay under --max-output-bytes, so a
 * peer that never reads costs bounded memory, whatever it asked for before.
 *
 * Fairness: one turn of a connection starts at most CONNECTION_TURN_REQUESTS
 * requests or runs CONNECTION_TURN_NS; a connection with more to start then
 * waits in the server's turn list, pumped again from an idle handle once
 * the loop has polled every other connection.
 * Output: replies are written strictly in request order, several per write.
 *
 * TLS: unless the server runs --plaintext, bytes from the socket go through
 * the connection's tls_stream before the frame_reader, and replies through
 * it before the socket; frames are the same either way. Until the handshake
 * is done nothing is written but the handshake itself.
 *
 * Lifetime: a connection is freed when its handle is closed and no request
 * of it is still running on another thread (refs counts both). */
#ifndef FOLIO_CONNECTION_H
#define FOLIO_CONNECTION_H

#include <stdbool.h>
#include <stdint.h>

#include <uv.h>

#include "conn_budget.h"
#include "frame.h"
#include "peer_limit.h"
#include "folio.pb-c.h"
#include "store_session.h"
#include "tls.h"
#include "validate.h"

struct server;
struct request;

struct connection {
    uv_tcp_t tcp;
    struct server *server;
    struct connection *prev, *next; /* server's list */
    struct frame_reader reader;
    struct tls_stream *tls;      /* NULL when the server runs --plaintext */
    struct request *head, *tail; /* unanswered requests, in order */
    unsigned queued;             /* requests in the queue */
    unsigned refs;
    uint64_t last_active_ms;
    uint64_t accepted_ms;              /* --handshake-timeout runs from here */
    uint64_t unauthenticated_since_ms; /* 0 while logged in (--login-timeout) */
    uint64_t partial_frame_since_ms;   /* 0 unless a frame is half received (--frame-timeout) */
    char peer[64];
    uint8_t peer_addr[PEER_LIMIT_ADDR_SIZE]; /* counted in the server's peer_limit */
    bool peer_counted;
    struct conn_budget_member budget; /* in the server's conn_budget */
    int64_t session_expires_at;       /* unix seconds, while logged in: watchers end with it */
    bool reading;
    bool closing;       /* uv_close called or about to be */
    bool closing_after; /* no more input; close once the queue is written */
    bool shutting_down; /* uv_shutdown in flight: close follows */
    bool peer_ended;    /* read EOF: nothing unread can reset the close */
    bool lingering;     /* shut down; reading and dropping input until the peer ends */
    uint64_t dropped;   /* bytes dropped while lingering */
    bool received;      /* any byte from the peer yet */
    bool input_closed;  /* the peer ended TLS: take what it sent, then end input */
    bool peer_gone;     /* a TLS peer ended its input (close_notify, EOF): pool work
                         * of it that has not started never starts */
    bool said_hello;
    bool authenticated;
    bool watching;     /* sent Watch: notices are pushed to it (notice.h) */
    bool turn_waiting; /* in the server's turn list (holds a ref) */
    struct connection *turn_prev, *turn_next;
    struct transfer *transfer; /* an export or import in progress (transfer.h) */
    uint8_t session_key[STORE_SESSION_KEY_BYTES];
    /* Who the session was at its last check, trusted again while the
     * store's auth generation stays the same (session.c). */
    struct connection_actor {
        bool valid;
        uint64_t generation;
        uint64_t user_id;
        uint64_t office_id;
        int64_t expires_at;
        Folio__Role role;
        char name[VALIDATE_USER_NAME_MAX + 1];
    } actor;
};

/* The listener's connection callback. */
void connection_accept(struct server *s);

/* Starts what may start, writes what is done, updates reading. Call after
 * anything changed a request of this connection. */
void connection_pump(struct connection *conn);

void connection_close(struct connection *conn);

/* Stops reading; the queue is still answered. Used when the server drains. */
void connection_stop_input(struct connection *conn);

/* Answers with a status of the server's own (id 0) after the replies queued
 * before it, then closes: for peers that broke a rule or a limit. Outside
 * connection.c, call connection_pump after it. */
void connection_end(struct connection *conn, Folio__Code code, const char *message);

/* The connection logged in (true) or its session ended (false): starts or
 * stops the --login-timeout clock and forgets the actor session_check
 * remembered. */
void connection_set_authenticated(struct connection *conn, bool authenticated);

/* The connection logged in as user_id with the session under key: counts it
 * as the user's and starts its session (connection_set_authenticated).
 * Returns false, changing nothing, when the user already holds
 * --max-connections-per-user connections. */
bool connection_login(struct connection *conn, uint64_t user_id,
                      const uint8_t key[STORE_SESSION_KEY_BYTES], int64_t expires_at);

/* Ends every connection logged in as user_id, watchers included, telling
 * each why (UNAUTHENTICATED, message), except those of the session keep
 * (NULL: none): for a user disabled, or whose password changed. */
void connection_end_user(struct server *s, uint64_t user_id,
                         const uint8_t keep[STORE_SESSION_KEY_BYTES], const char *message);

/* Writes a packed frame (taken over: freed here in every case) at once,
 * outside the reply queue: for server-pushed frames with id 0 (notice.h).
 * Replies keep their order, and libuv writes each buffer whole, so the frame
 * lands between two replies, never inside one. Dropped (false) when the
 * connection is closing or its output is over the high-water mark: pushed
 * frames are best-effort and never grow a slow reader's backlog. */
bool connection_push(struct connection *conn, uint8_t *frame, size_t len);

/* Drops a reference taken by a request that ran off the loop. */
void connection_unref(struct connection *conn);

#endif
