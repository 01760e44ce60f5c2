/* connection.h - one client connection: reading frames, keeping replies in
 * request order, writing them, and pushing back on peers that flood.
 *
 * Input: bytes go into a frame_reader; whole frames become requests in the
 * connection's queue. Reading stops while too many requests are unanswered
 * or while too many reply bytes wait for the peer to read them, and resumes
 * when that drains, so a peer that never reads costs bounded memory.
 * Output: replies are written strictly in request order, several per write.
 *
 * Lifetime: a connection is freed when its handle is closed and no request
 * of it is still running on another thread (refs counts both). */
#ifndef FOLIO_CONNECTION_H
#define FOLIO_CONNECTION_H

#include <stdbool.h>
#include <stdint.h>

#include <uv.h>

#include "frame.h"
#include "store_session.h"

#define CONNECTION_MAX_IN_FLIGHT     128
#define CONNECTION_OUTPUT_HIGH_WATER (4u * 1024u * 1024u)
#define CONNECTION_OUTPUT_LOW_WATER  (1u * 1024u * 1024u)

struct server;
struct request;

struct connection {
    uv_tcp_t tcp;
    struct server *server;
    struct connection *prev, *next; /* server's list */
    struct frame_reader reader;
    struct request *head, *tail; /* unanswered requests, in order */
    unsigned queued;             /* requests in the queue */
    unsigned refs;
    uint64_t last_active_ms;
    char peer[64];
    bool reading;
    bool closing;       /* uv_close called or about to be */
    bool closing_after; /* no more input; close once the queue is written */
    bool shutting_down; /* uv_shutdown in flight: close follows */
    bool said_hello;
    bool authenticated;
    uint8_t session_key[STORE_SESSION_KEY_BYTES];
};

/* The listener's connection callback. */
void connection_accept(struct server *s);

/* Starts what may start, writes what is done, updates reading. Call after
 * anything changed a request of this connection. */
void connection_pump(struct connection *conn);

void connection_close(struct connection *conn);

/* Stops reading; the queue is still answered. Used when the server drains. */
void connection_stop_input(struct connection *conn);

/* Drops a reference taken by a request that ran off the loop. */
void connection_unref(struct connection *conn);

#endif
