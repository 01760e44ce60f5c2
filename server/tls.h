/* tls.h - TLS for foliod's connections, on memory BIOs.
 *
 * libuv owns the socket and OpenSSL never touches it: ciphertext read from a
 * peer goes in with tls_stream_feed; plaintext comes out of tls_stream_read,
 * which runs the handshake as it goes; plaintext to send goes in with
 * tls_stream_write; and what must go on the wire - handshake messages,
 * records, alerts - comes out of tls_stream_take_output. Nothing here waits
 * for anything, so every call is safe on the loop thread.
 *
 * TLS 1.3, or 1.2 with forward-secret AEAD suites; no renegotiation, no
 * session tickets (a folio connection lives long and is not resumed). With a
 * client CA file, a peer must present a certificate it signed. */
#ifndef FOLIO_TLS_H
#define FOLIO_TLS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tls_fingerprint.h"

struct tls_server;
struct tls_stream;

/* Loads the certificate chain and key (and client_ca_file, may be NULL).
 * Returns NULL with a reason in why. */
struct tls_server *tls_server_open(const char *cert_file, const char *key_file,
                                   const char *client_ca_file, char *why, size_t why_size);
void tls_server_close(struct tls_server *tls);

/* The serving certificate's fingerprint, for the log. */
const char *tls_server_fingerprint(const struct tls_server *tls);
/* Seconds since the epoch when the certificate stops being valid. */
int64_t tls_server_not_after(const struct tls_server *tls);

/* NULL when memory is short. */
struct tls_stream *tls_stream_new(struct tls_server *tls);
void tls_stream_free(struct tls_stream *stream);

/* Takes len bytes the peer sent. Returns 0, or -1 when memory is short. */
int tls_stream_feed(struct tls_stream *stream, const uint8_t *data, size_t len);
/* Nonzero while bytes fed have not all come out as plaintext (a record
 * half received, say). */
size_t tls_stream_input_pending(const struct tls_stream *stream);

enum tls_result {
    TLS_DATA,       /* *n > 0 bytes of plaintext were read */
    TLS_WANT_INPUT, /* nothing more until the peer sends more */
    TLS_CLOSED,     /* the peer ended TLS cleanly (close_notify) */
    TLS_FAILED,     /* handshake or record error: tls_stream_error says which */
};

/* Reads up to cap bytes of plaintext into out. Call until it stops
 * returning TLS_DATA, then send what tls_stream_take_output holds. */
enum tls_result tls_stream_read(struct tls_stream *stream, uint8_t *out, size_t cap, size_t *n);

/* True once the handshake is done: from then on write may be used. */
bool tls_stream_established(const struct tls_stream *stream);

/* Encrypts len bytes (which must be > 0). Returns 0, or -1 (memory, or
 * not established). */
int tls_stream_write(struct tls_stream *stream, const uint8_t *data, size_t len);

/* Queues a close_notify alert. */
void tls_stream_close_notify(struct tls_stream *stream);

/* Everything waiting to go on the wire, in a new malloc'd buffer (NULL and
 * 0 when there is nothing). Returns 0, or -1 when memory is short. */
int tls_stream_take_output(struct tls_stream *stream, uint8_t **out, size_t *len);

/* Why the stream failed, for the log. */
const char *tls_stream_error(const struct tls_stream *stream);

#endif
