/* dispatch.h - turns frames into requests and runs them through their stages
 * (request.h) as the request table (op.h) says.
 *
 * connection.c decides when a request may start (reply order, read-your-
 * writes); dispatch_start runs it. A request that leaves the loop thread
 * holds a reference on its connection and counts in server->requests_running
 * until it is back; when it completes off the loop, the connection is
 * pumped. */
#ifndef FOLIO_DISPATCH_H
#define FOLIO_DISPATCH_H

#include <stddef.h>
#include <stdint.h>

#include "request.h"

/* A new queued request for the frame, or NULL when the frame does not decode
 * (the caller answers and closes): *too_big then says whether it failed for
 * want of memory - more than one request may take, or none left - rather
 * than for its bytes. */
struct request *dispatch_decode(struct connection *conn, const uint8_t *payload, size_t len,
                                bool *too_big);

/* A finished reply with id 0 and the given status, made by the server itself
 * (bad frames, limits). */
struct request *dispatch_reply(struct connection *conn, Folio__Code code, const char *message);

void dispatch_start(struct request *req);

/* A TLS peer ended its input (close_notify, EOF) while req waits for the
 * pool: takes the job back, so a connect-login-close flood leaves no work
 * behind, and answers it UNAVAILABLE in its place in the queue. Returns
 * false when req is not waiting for the pool. Call connection_pump after. */
bool dispatch_cancel(struct request *req);

/* The connection is closing while req runs off the loop: make sure req is
 * freed when it comes back (or now, if it only waits on a timer). */
void dispatch_abandon(struct request *req);

void request_free(struct request *req);

#endif
