/* fuzz_tls.c - foliod's read path under TLS: ciphertext from a peer into a
 * tls_stream (tls.h, memory BIOs), plaintext out of it into a frame_reader
 * (frame.h), as connection.c moves it, with the server's handshake
 * messages going back to the peer.
 *
 * The peer is a real TLS client (OpenSSL on memory BIOs, verifying
 * nothing) unless the input asks for none; what it sends reaches the
 * server the way the input says. The first bytes of an input:
 *   byte 0    bit 0: raw: no client; the rest of the input goes to the
 *                    server as it is (a peer speaking no TLS, a ClientHello
 *                    of its own making), split as byte 1 says;
 *             bit 1: forge: the byte at the offset of bytes 2-3 (big-endian)
 *                    of everything the client sends, handshake included,
 *                    is XORed with byte 4 (0 taken as 0x01);
 *             bit 2: truncate: the client's bytes stop reaching the server
 *                    after the offset of bytes 5-6;
 *             bit 3: the client ends with a close_notify;
 *             bits 4-7: the handshake (see below): all four set, a full
 *                    one; else bit 4 set, TLS 1.2 resumed; else TLS 1.3
 *                    resumed;
 *   byte 1    the size of each piece the server is fed (0: each flight or
 *             record as the client wrote it; 1: split at every byte);
 *   byte 7    the size of each write of the client once the handshake is
 *             done (0: one write), so that frames straddle records;
 *   the rest  the plaintext the client writes: frames, or anything.
 * Everything the server reads is taken out of the frame reader as frames
 * (of at most FUZZ_MAX_FRAME bytes) as it arrives. The input fails when
 * those frames are not the frames the client wrote, in order, or when,
 * with nothing forged or cut, the handshake does not finish, a whole frame
 * written does not arrive or the close_notify is not seen. A forged byte
 * may end the stream (TLS_FAILED) but never change what comes out of it.
 *
 * A full handshake (the server's certificate and signature, a key
 * exchange) costs many times what the rest of an input does, so most
 * inputs resume a session instead: the client offers a ticket it was given
 * once, at start, and the server takes it back. foliod issues no tickets,
 * so those inputs go to a second server, opened as foliod opens its own
 * and then let to issue and take tickets (fuzz_server_resuming); its
 * streams are the same tls_stream code. TLS 1.3 resumes with a key
 * exchange still (OpenSSL 3.0 takes no other offer from its own client),
 * TLS 1.2 with none: the two record layers foliod serves. An input whose
 * byte 0 has bits 4-7 set does the full handshake (TLS 1.3) with the
 * server as foliod configures it, as a raw input always does. With nothing
 * forged or cut, a resuming input fails when its session is not resumed. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

#include "frame.h"
#include "fuzz_support.h"
#include "fuzz_target.h"
#include "tls.h"
#include "tls_cert.h"

#define FUZZ_FLAG_RAW      0x01
#define FUZZ_FLAG_FORGE    0x02
#define FUZZ_FLAG_TRUNCATE 0x04
#define FUZZ_FLAG_CLOSE    0x08
#define FUZZ_FLAG_TLS12    0x10
#define FUZZ_FLAGS_FULL    0xf0 /* all of them: a full handshake */
#define FUZZ_HEADER_LEN    8
#define FUZZ_MAX_FRAME     4096
#define FUZZ_ROUNDS_MAX    16 /* handshake flights: TLS 1.3 needs two */
/* How long the ticket stays good: longer than any run. */
#define FUZZ_SESSION_SECONDS 86400

static struct tls_server *fuzz_server;          /* as foliod configures it */
static struct tls_server *fuzz_resuming_server; /* the same, taking tickets back */
static SSL_CTX *fuzz_client_ctx;
static SSL_SESSION *fuzz_session_tls13, *fuzz_session_tls12;

/* The SSL_CTX OpenSSL made last. tls.h keeps a server's context to itself,
 * and rightly: foliod never resumes a session. The harness reaches the
 * context of the one server it lets resume through this note, taken by an
 * ex_data "new" callback, which OpenSSL calls for every SSL_CTX it makes. */
static SSL_CTX *fuzz_ctx_made;

static void fuzz_note_ctx(void *ctx, void *ptr, CRYPTO_EX_DATA *ad, int idx, long argl, void *argp)
{
    (void)ptr;
    (void)ad;
    (void)idx;
    (void)argl;
    (void)argp;
    fuzz_ctx_made = ctx;
}

/* What the server side has read, and what it was sent. */
struct fuzz_side {
    struct tls_stream *tls;
    struct frame_reader reader;
    enum tls_result last; /* TLS_FAILED or TLS_CLOSED once it came */
    bool failed_frame;    /* the reader refused a frame: the stream ends */
    const uint8_t *want;  /* the plaintext written, framed */
    size_t want_len;
    size_t frames_seen; /* bytes of want matched by frames read */
    uint64_t fed, forge_at, cut_at;
    uint8_t forge_xor;
    unsigned flags;
    size_t piece;
    bool resuming; /* the client offers a session */
};

/* A frame out of the reader must be the next frame of the plaintext. */
static void fuzz_check_frame(struct fuzz_side *s, const uint8_t *payload, size_t len)
{
    size_t at = s->frames_seen;
    if (s->want_len - at < FRAME_HEADER_SIZE + len || frame_length_get(s->want + at) != len ||
        memcmp(s->want + at + FRAME_HEADER_SIZE, payload, len) != 0)
        fuzz_fail("a frame of %zu bytes came out at byte %zu of the plaintext, which was not "
                  "written there",
                  len, at);
    s->frames_seen += FRAME_HEADER_SIZE + len;
}

static void fuzz_take_frames(struct fuzz_side *s)
{
    while (!s->failed_frame) {
        const uint8_t *payload;
        size_t len;
        enum frame_result r = frame_reader_next(&s->reader, &payload, &len);
        if (r == FRAME_INCOMPLETE)
            return;
        if (r != FRAME_OK) {
            s->failed_frame = true; /* connection.c refuses it and ends input */
            return;
        }
        fuzz_check_frame(s, payload, len);
    }
}

/* Moves plaintext out of TLS into the reader, as connection_tls_pull. */
static void fuzz_pull(struct fuzz_side *s)
{
    while (s->last != TLS_FAILED && !s->failed_frame) {
        size_t room;
        uint8_t *space = frame_reader_space(&s->reader, &room);
        if (space == NULL) {
            s->failed_frame = true; /* a frame longer than FUZZ_MAX_FRAME */
            return;
        }
        size_t n = 0;
        enum tls_result r = tls_stream_read(s->tls, space, room, &n);
        if (r == TLS_DATA) {
            if (n == 0 || n > room)
                fuzz_fail("tls_stream_read gave %zu bytes into room for %zu", n, room);
            if (s->last == TLS_CLOSED)
                fuzz_fail("plaintext after the close_notify");
            frame_reader_commit(&s->reader, n);
            fuzz_take_frames(s);
            continue;
        }
        if (r == TLS_FAILED || r == TLS_CLOSED)
            s->last = r;
        return;
    }
}

/* Feeds bytes the client sent, forged, cut and split as the input says. */
static void fuzz_feed(struct fuzz_side *s, const uint8_t *data, size_t len)
{
    uint8_t *copy = malloc(len > 0 ? len : 1);
    if (copy == NULL)
        fuzz_fail("out of memory");
    memcpy(copy, data, len);
    if ((s->flags & FUZZ_FLAG_FORGE) && s->forge_at >= s->fed && s->forge_at - s->fed < len)
        copy[s->forge_at - s->fed] ^= s->forge_xor;
    if ((s->flags & FUZZ_FLAG_TRUNCATE) && s->fed + len > s->cut_at)
        len = s->cut_at > s->fed ? (size_t)(s->cut_at - s->fed) : 0;
    for (size_t at = 0; at < len;) {
        size_t n = s->piece > 0 && s->piece < len - at ? s->piece : len - at;
        if (tls_stream_feed(s->tls, copy + at, n) != 0)
            fuzz_fail("out of memory");
        at += n;
        fuzz_pull(s);
    }
    s->fed += len;
    free(copy);
}

/* Everything BIO holds. */
static uint8_t *fuzz_bio_take(BIO *bio, size_t *len)
{
    char *p;
    long n = BIO_get_mem_data(bio, &p);
    *len = n > 0 ? (size_t)n : 0;
    uint8_t *out = malloc(*len > 0 ? *len : 1);
    if (out == NULL)
        fuzz_fail("out of memory");
    if (*len > 0 && BIO_read(bio, out, (int)*len) != (int)*len)
        fuzz_fail("cannot read a memory BIO");
    return out;
}

/* What the client has written goes to the server; what the server has
 * written goes back to the client. */
static void fuzz_exchange(struct fuzz_side *s, BIO *to_client, BIO *from_client)
{
    size_t len;
    uint8_t *sent = fuzz_bio_take(from_client, &len);
    fuzz_feed(s, sent, len);
    free(sent);
    uint8_t *reply;
    size_t reply_len;
    if (tls_stream_take_output(s->tls, &reply, &reply_len) != 0)
        fuzz_fail("out of memory");
    if (reply_len > 0 && BIO_write(to_client, reply, (int)reply_len) != (int)reply_len)
        fuzz_fail("cannot write a memory BIO");
    free(reply);
}

static void fuzz_raw(struct fuzz_side *s, const uint8_t *data, size_t len)
{
    fuzz_feed(s, data, len);
    uint8_t *reply;
    size_t reply_len;
    if (tls_stream_take_output(s->tls, &reply, &reply_len) != 0)
        fuzz_fail("out of memory");
    free(reply);
    if (s->frames_seen > 0)
        fuzz_fail("frames came out of a stream with no handshake");
}

/* A client on memory BIOs: it reads what fuzz_exchange gives it back. */
static SSL *fuzz_client_new(void)
{
    SSL *client = SSL_new(fuzz_client_ctx);
    BIO *to_client = BIO_new(BIO_s_mem());
    BIO *from_client = BIO_new(BIO_s_mem());
    if (client == NULL || to_client == NULL || from_client == NULL)
        fuzz_fail("out of memory");
    BIO_set_mem_eof_return(to_client, -1);
    SSL_set_bio(client, to_client, from_client);
    SSL_set_connect_state(client);
    return client;
}

/* The client's handshake, then its plaintext, then its close_notify, and
 * what the server made of them. */
static void fuzz_client(struct fuzz_side *s, SSL *client, const uint8_t *plain, size_t plain_len,
                        size_t write)
{
    BIO *to_client = SSL_get_rbio(client);
    BIO *from_client = SSL_get_wbio(client);
    bool spoiled = (s->flags & (FUZZ_FLAG_FORGE | FUZZ_FLAG_TRUNCATE)) != 0;
    int done = 0;
    for (int round = 0; round < FUZZ_ROUNDS_MAX && s->last != TLS_FAILED; round++) {
        done = SSL_do_handshake(client);
        /* Asked before the exchange: writing to its BIO changes the answer. */
        bool waits = done != 1 && SSL_get_error(client, done) == SSL_ERROR_WANT_READ;
        fuzz_exchange(s, to_client, from_client);
        if ((done == 1 && tls_stream_established(s->tls)) || (done != 1 && !waits))
            break;
    }
    bool established = done == 1 && tls_stream_established(s->tls) && s->last != TLS_FAILED;
    if (!established && !spoiled)
        fuzz_fail("the handshake did not finish (%s)", tls_stream_error(s->tls));
    if (established && !spoiled && s->resuming && !SSL_session_reused(client))
        fuzz_fail("the session offered was not resumed");
    if (established) {
        for (size_t at = 0; at < plain_len;) {
            size_t n = write > 0 && write < plain_len - at ? write : plain_len - at;
            if (SSL_write(client, plain + at, (int)n) != (int)n)
                fuzz_fail("the client cannot write");
            at += n;
            fuzz_exchange(s, to_client, from_client);
        }
        if (s->flags & FUZZ_FLAG_CLOSE) {
            SSL_shutdown(client);
            fuzz_exchange(s, to_client, from_client);
        }
    }
    if (!spoiled && established) {
        /* Every whole frame the plaintext holds must have come out, up to
         * the first the reader refuses. */
        size_t whole = 0;
        while (plain_len - whole >= FRAME_HEADER_SIZE) {
            uint32_t len = frame_length_get(plain + whole);
            if (len == 0 || len > FUZZ_MAX_FRAME || plain_len - whole - FRAME_HEADER_SIZE < len)
                break;
            whole += FRAME_HEADER_SIZE + len;
        }
        if (s->frames_seen != whole)
            fuzz_fail("%zu bytes of whole frames written, %zu came out", whole, s->frames_seen);
        if ((s->flags & FUZZ_FLAG_CLOSE) && s->last != TLS_CLOSED && !s->failed_frame)
            fuzz_fail("the close_notify was not seen");
    }
}

static void fuzz_side_open(struct fuzz_side *s, struct tls_server *server)
{
    s->last = TLS_WANT_INPUT;
    s->tls = tls_stream_new(server);
    if (s->tls == NULL)
        fuzz_fail("out of memory");
    frame_reader_init(&s->reader, FUZZ_MAX_FRAME);
}

static void fuzz_side_close(struct fuzz_side *s)
{
    frame_reader_free(&s->reader);
    tls_stream_free(s->tls);
    ERR_clear_error();
}

/* The session server issues a ticket for after a full handshake of
 * version at most. */
static SSL_SESSION *fuzz_session_take(struct tls_server *server, int version)
{
    struct fuzz_side s = {0};
    fuzz_side_open(&s, server);
    SSL *client = fuzz_client_new();
    if (SSL_set_max_proto_version(client, version) != 1)
        fuzz_fail("cannot set the client's version");
    fuzz_client(&s, client, NULL, 0, 0);
    /* TLS 1.3's ticket comes after the handshake: the client reads it now. */
    uint8_t byte;
    if (SSL_read(client, &byte, 1) > 0)
        fuzz_fail("the server sent data with its ticket");
    /* A copy: freeing a client that sent no close_notify marks its own
     * session spent. */
    SSL_SESSION *session = SSL_SESSION_dup(SSL_get_session(client));
    if (session == NULL || !SSL_SESSION_is_resumable(session) ||
        SSL_SESSION_get_protocol_version(session) != version)
        fuzz_fail("the server issued no ticket (TLS version %x)", (unsigned)version);
    SSL_free(client);
    fuzz_side_close(&s);
    return session;
}

/* A server opened as fuzz_server, then let to issue and take tickets: it
 * gives the two sessions, and issues no TLS 1.3 ticket once it has (a
 * resumed TLS 1.2 session gets none). */
static struct tls_server *fuzz_server_resuming(const char *cert, const char *key)
{
    char why[512];
    fuzz_ctx_made = NULL;
    struct tls_server *server = tls_server_open(cert, key, NULL, why, sizeof(why));
    if (server == NULL)
        fuzz_fail("cannot set up the server's TLS: %s", why);
    SSL_CTX *ctx = fuzz_ctx_made;
    if (ctx == NULL)
        fuzz_fail("OpenSSL made no SSL_CTX for the server");
    SSL_CTX_clear_options(ctx, SSL_OP_NO_TICKET);
    SSL_CTX_set_timeout(ctx, FUZZ_SESSION_SECONDS);
    SSL_CTX_set_num_tickets(ctx, 1);
    fuzz_session_tls13 = fuzz_session_take(server, TLS1_3_VERSION);
    fuzz_session_tls12 = fuzz_session_take(server, TLS1_2_VERSION);
    SSL_CTX_set_num_tickets(ctx, 0);
    return server;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    fuzz_init();
    if (SSL_CTX_get_ex_new_index(0, NULL, fuzz_note_ctx, NULL, NULL) < 0)
        fuzz_fail("cannot follow OpenSSL's contexts");
    const char *dir = fuzz_scratch_dir();
    char why[512], cert[4200], key[4200];
    snprintf(cert, sizeof(cert), "%s/%s", dir, TLS_CERT_FILE);
    snprintf(key, sizeof(key), "%s/%s", dir, TLS_KEY_FILE);
    if (tls_cert_make_firm(dir, "Fuzz Firm", 1700000000, NULL, why, sizeof(why)) != 0 ||
        (fuzz_server = tls_server_open(cert, key, NULL, why, sizeof(why))) == NULL)
        fuzz_fail("cannot set up the server's TLS: %s", why);
    fuzz_client_ctx = SSL_CTX_new(TLS_client_method());
    if (fuzz_client_ctx == NULL)
        fuzz_fail("cannot set up the client's TLS");
    SSL_CTX_set_verify(fuzz_client_ctx, SSL_VERIFY_NONE, NULL);
    SSL_CTX_set_timeout(fuzz_client_ctx, FUZZ_SESSION_SECONDS);
    fuzz_resuming_server = fuzz_server_resuming(cert, key);
    return 0;
}

/* The client offers a copy of session: a fatal alert it sends, or its
 * end without a close_notify, marks the session it holds spent, and the
 * next input must not find it so. */
static void fuzz_offer(SSL *client, const SSL_SESSION *session)
{
    SSL_SESSION *copy = SSL_SESSION_dup(session);
    if (copy == NULL || SSL_set_session(client, copy) != 1)
        fuzz_fail("cannot offer the session");
    SSL_SESSION_free(copy);
}

static uint16_t fuzz_u16(const uint8_t *p)
{
    return (uint16_t)(p[0] << 8 | p[1]);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < FUZZ_HEADER_LEN)
        return 0;
    struct fuzz_side s = {
        .flags = data[0],
        .piece = data[1],
        .forge_at = fuzz_u16(data + 2),
        .forge_xor = data[4] != 0 ? data[4] : 0x01,
        .cut_at = fuzz_u16(data + 5),
        .want = data + FUZZ_HEADER_LEN,
        .want_len = size - FUZZ_HEADER_LEN,
    };
    bool full = (s.flags & FUZZ_FLAGS_FULL) == FUZZ_FLAGS_FULL;
    if (s.flags & FUZZ_FLAG_RAW) {
        fuzz_side_open(&s, fuzz_server);
        fuzz_raw(&s, s.want, s.want_len);
    } else {
        fuzz_side_open(&s, full ? fuzz_server : fuzz_resuming_server);
        SSL *client = fuzz_client_new();
        s.resuming = !full;
        bool tls12 = s.resuming && (s.flags & FUZZ_FLAG_TLS12);
        if (tls12 && SSL_set_max_proto_version(client, TLS1_2_VERSION) != 1)
            fuzz_fail("cannot set the client's version");
        if (s.resuming)
            fuzz_offer(client, tls12 ? fuzz_session_tls12 : fuzz_session_tls13);
        fuzz_client(&s, client, s.want, s.want_len, data[7]);
        SSL_free(client);
    }
    fuzz_side_close(&s);
    return 0;
}
