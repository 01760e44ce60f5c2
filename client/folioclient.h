/* folioclient.h - libfolioclient: talk to foliod over TCP and TLS.
 *
 * A folio_connection is one blocking connection: connect, TLS, Hello, then requests
 * and responses as length-prefixed protobuf frames (frame.h). Calls either
 * return the server's answer or fill a folio_error with a status code and a
 * message for a person. Failures of the connection itself (cannot connect,
 * connection lost, garbage from the server) have transport set, so callers
 * can tell "the server said no" from "there is no server".
 *
 * Responses belong to the caller: free them with folio_response_free().
 * Not thread-safe: one connection per thread. ("Client" in folio means a
 * person in a portfolio; the library's side of the wire is a connection.)
 */
#ifndef FOLIO_CLIENT_H
#define FOLIO_CLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "folio.pb-c.h"

#define FOLIO_PROTOCOL_VERSION 1
#define FOLIO_DEFAULT_SERVER   "127.0.0.1:7070"

struct folio_connection;

struct folio_error {
    Folio__Code code; /* server status, or UNAVAILABLE for transport failures */
    bool transport;   /* the connection failed, not the request */
    char message[512];
    /* When folio_connection_connect refused the server's certificate (changed,
     * outside its dates, failed verification): that certificate's SHA-256
     * fingerprint (tls_fingerprint.h), for a caller that may let a person
     * check it and trust it instead; "" otherwise. */
    char presented[96];
};

/* True when server is "HOST:PORT" or "[V6]:PORT" with a port 1-65535, the
 * form folio_connection_connect accepts. */
bool folio_server_valid(const char *server);

/* How a connection is secured and how the server is recognised. TLS (1.3,
 * 1.2 at least) unless plaintext; exactly one way of trusting the server:
 *  - ca_file: its certificate chains to one in this PEM file (a self-signed
 *    certificate may stand for itself there) and names the host or IP
 *    address connected to; OpenSSL checks the dates;
 *  - fingerprint: its certificate is exactly this one (tls_fingerprint.h;
 *    first-use pinning), and within its dates;
 *  - accept_unknown: any certificate within its dates; the caller must show
 *    folio_connection_fingerprint to a person and have it trusted before sending
 *    anything secret (the Hello sent by connect holds none).
 * plaintext is refused for any address but loopback. cert_file and key_file
 * (both or neither) present a client certificate to servers that ask. */
struct folio_tls {
    bool plaintext;
    const char *ca_file;
    const char *fingerprint;
    bool accept_unknown;
    const char *cert_file;
    const char *key_file;
};

/* Connects to "HOST:PORT" ("[::1]:PORT" for IPv6), secures the connection as
 * tls says, sends Hello with the given client name, and checks the Welcome.
 * timeout_ms bounds connect, the TLS handshake and every later read and
 * write (0: no limit). NULL on failure, with err set: a transport error,
 * or the server's refusal of the Hello. A server that is not the one
 * trusted (changed or expired certificate, failed verification) is named in
 * err->message, with both fingerprints for a changed one, and
 * err->presented says which certificate it presented. A tls that names no
 * way, or more than one, of trusting the server is refused
 * (INVALID_ARGUMENT) before anything is sent. */
struct folio_connection *folio_connection_connect(const char *server, const char *client_name,
                                                  const struct folio_tls *tls, int timeout_ms,
                                                  struct folio_error *err);

/* The SHA-256 fingerprint of the server's certificate (tls_fingerprint.h),
 * "" over plaintext. */
const char *folio_connection_fingerprint(const struct folio_connection *c);

/* Changes the bound on every later wait of c (0: none). */
void folio_connection_set_timeout(struct folio_connection *c, int timeout_ms);
void folio_connection_close(struct folio_connection *c);

/* The server's answer to Hello. */
const Folio__Welcome *folio_connection_welcome(const struct folio_connection *c);

/* Largest response frame accepted from the server. */
void folio_connection_set_max_frame(struct folio_connection *c, size_t max_frame);

/* Pipelining: send assigns req->id and writes the frame; receive reads the
 * next response in order. Both return 0, or -1 with err set (transport). */
int folio_connection_send(struct folio_connection *c, Folio__Request *req, struct folio_error *err);
Folio__Response *folio_connection_receive(struct folio_connection *c, struct folio_error *err);

/* One request, one response. Returns the response only when its status is OK;
 * otherwise NULL with err holding the server's code and message, or the
 * transport failure. */
Folio__Response *folio_connection_call(struct folio_connection *c, Folio__Request *req,
                                       struct folio_error *err);
/* The same, and the answer must carry the result `want` (an Empty answer
 * may carry none): anything else is a transport error. */
Folio__Response *folio_connection_call_expect(struct folio_connection *c, Folio__Request *req,
                                              Folio__Response__ResultCase want,
                                              struct folio_error *err);

/* The same for an op message, which goes in its Request field
 * (envelope.h): every typed call goes through here. */
Folio__Response *folio_connection_call_op(struct folio_connection *c, const ProtobufCMessage *op,
                                          Folio__Response__ResultCase want,
                                          struct folio_error *err);

void folio_response_free(Folio__Response *r);

/* An optional string for a request field: NULL becomes "". protobuf-c
 * never writes through string fields when packing; the cast only satisfies
 * its non-const field type. */
char *folio_text(const char *s);

#endif
