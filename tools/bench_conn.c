/* bench_conn.c - see bench_conn.h. */
#include "bench_conn.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "envelope.h"
#include "frame.h"
#include "status.h"

enum bench_conn_state {
    BENCH_CONN_CONNECTING,
    BENCH_CONN_HANDSHAKE,
    BENCH_CONN_READY,
    BENCH_CONN_FAILED,
};

/* What an outstanding request was, so its answer goes to the right place. */
enum bench_conn_kind {
    BENCH_CONN_USER,  /* bench_conn_send: to the response callback */
    BENCH_CONN_HELLO, /* handshake */
    BENCH_CONN_AUTH,  /* handshake: Login or Authenticate */
    BENCH_CONN_SYNC,  /* bench_conn_call: kept for the caller */
};

struct bench_conn_pending {
    uint64_t id;
    uint64_t tag;
    enum bench_conn_kind kind;
};

/* Ciphertext read at once: a few records' worth. */
#define BENCH_TARGET_INPUT 65536
#define BENCH_TARGET_HOST  256

struct bench_target {
    struct sockaddr_storage addr;
    char host[BENCH_TARGET_HOST]; /* as given: what the certificate must name */
    bool host_is_ip;              /* ...as an IP address, and no SNI is sent */
    SSL_CTX *tls;                 /* NULL: plaintext */
    /* Where libuv reads ciphertext into. It is fed to OpenSSL by the read
     * callback that follows the allocation at once, so every connection of
     * the loop can share it instead of holding its own. */
    uint8_t input[BENCH_TARGET_INPUT];
};

struct bench_conn {
    uv_loop_t *loop;
    struct bench_target *target;
    SSL *ssl; /* NULL over plaintext */
    uv_tcp_t tcp;
    uv_prepare_t flush; /* writes what the iteration queued, before the loop polls */
    uv_timer_t timer;   /* handshake deadline, then bench_conn_call's */
    uv_connect_t connect;
    int open_handles;
    bool closed_by_owner;
    bool flush_started;
    bool timer_fired;
    bool received; /* under TLS: any byte from the server yet */
    enum bench_conn_state state;
    struct bench_conn_auth auth;
    struct bench_conn_callbacks cb;
    void *data;
    struct frame_reader reader;
    uint8_t *out; /* frames queued since the last write (under TLS: not yet encrypted) */
    size_t out_len;
    size_t out_cap;
    uint64_t next_id;
    /* Outstanding requests, oldest first: a ring of BENCH_CONN_MAX_IN_FLIGHT. */
    struct bench_conn_pending pending[BENCH_CONN_MAX_IN_FLIGHT];
    unsigned head;
    unsigned in_flight;
    unsigned handshake_left;
    Folio__Response *sync_resp;
    char token[128];
    char error[256];
};

struct bench_conn_write {
    uv_write_t req;
    struct bench_conn *conn;
    uint8_t *buf;
};

/* ---------------------------------------------------------------- closing */

static void bench_conn_handle_closed(uv_handle_t *h)
{
    struct bench_conn *c = h->data;
    if (--c->open_handles > 0)
        return;
    frame_reader_free(&c->reader);
    SSL_free(c->ssl); /* and its BIOs */
    free(c->out);
    free(c);
}

static void bench_conn_close_handle(uv_handle_t *h)
{
    if (!uv_is_closing(h))
        uv_close(h, bench_conn_handle_closed);
}

/* Only the socket goes here: the struct must outlive the failure until the
 * owner calls bench_conn_close, which closes the other two handles. */
static void bench_conn_fail(struct bench_conn *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void bench_conn_fail(struct bench_conn *c, const char *fmt, ...)
{
    if (c->state == BENCH_CONN_FAILED)
        return;
    char why[sizeof(c->error)];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, sizeof(why), fmt, ap);
    va_end(ap);
    memcpy(c->error, why, sizeof(c->error));
    c->state = BENCH_CONN_FAILED;
    uv_prepare_stop(&c->flush);
    uv_timer_stop(&c->timer);
    bench_conn_close_handle((uv_handle_t *)&c->tcp);
    if (c->cb.failed != NULL && !c->closed_by_owner)
        c->cb.failed(c, c->error);
}

/* Fails with why an OpenSSL call on c->ssl failed: the certificate check's
 * verdict when that is what failed, else OpenSSL's most telling reason. */
static void bench_conn_fail_tls(struct bench_conn *c, const char *what)
{
    long verify = SSL_get_verify_result(c->ssl);
    unsigned long e = ERR_peek_last_error();
    const char *reason = e != 0 ? ERR_reason_error_string(e) : NULL;
    /* Emptied now, so that it cannot colour another connection's failure. */
    ERR_clear_error();
    if (verify == X509_V_ERR_IP_ADDRESS_MISMATCH || verify == X509_V_ERR_HOSTNAME_MISMATCH)
        bench_conn_fail(c, "%s: the server's certificate does not name %s", what, c->target->host);
    else if (verify != X509_V_OK)
        bench_conn_fail(c,
                        "%s: the server's certificate is not trusted: %s (is the CA file the "
                        "server's certificate?)",
                        what, X509_verify_cert_error_string(verify));
    else
        bench_conn_fail(c, "%s: %s", what, reason != NULL ? reason : "protocol error");
}

void bench_conn_close(struct bench_conn *c)
{
    if (c == NULL || c->closed_by_owner)
        return;
    c->closed_by_owner = true;
    if (c->state != BENCH_CONN_FAILED) {
        c->state = BENCH_CONN_FAILED;
        snprintf(c->error, sizeof(c->error), "closed");
    }
    if (c->sync_resp != NULL) {
        folio__response__free_unpacked(c->sync_resp, NULL);
        c->sync_resp = NULL;
    }
    bench_conn_close_handle((uv_handle_t *)&c->tcp);
    bench_conn_close_handle((uv_handle_t *)&c->flush);
    bench_conn_close_handle((uv_handle_t *)&c->timer);
}

/* ---------------------------------------------------------------- writing */

static void bench_conn_written(uv_write_t *req, int status)
{
    struct bench_conn_write *w = (struct bench_conn_write *)req;
    struct bench_conn *c = w->conn;
    free(w->buf);
    free(w);
    /* A write cancelled by closing the socket is no news. */
    if (status < 0 && status != UV_ECANCELED)
        bench_conn_fail(c, "write: %s", uv_strerror(status));
}

/* Hands buf (malloc'd, len > 0) to libuv, which frees it once written. */
static void bench_conn_write(struct bench_conn *c, uint8_t *buf, size_t len)
{
    struct bench_conn_write *w = malloc(sizeof(*w));
    if (w == NULL) {
        free(buf);
        bench_conn_fail(c, "out of memory");
        return;
    }
    w->conn = c;
    w->buf = buf;
    uv_buf_t b = uv_buf_init((char *)buf, (unsigned)len);
    int rc = uv_write(&w->req, (uv_stream_t *)&c->tcp, &b, 1, bench_conn_written);
    if (rc < 0) {
        free(buf);
        free(w);
        bench_conn_fail(c, "write: %s", uv_strerror(rc));
    }
}

/* Under TLS: encrypts the queued frames in one SSL_write once the handshake
 * allows, then sends all OpenSSL wrote meanwhile - handshake messages,
 * records - in one write. */
static void bench_conn_flush_tls(struct bench_conn *c)
{
    ERR_clear_error();
    if (c->out_len > 0 && SSL_is_init_finished(c->ssl)) {
        size_t written = 0;
        if (SSL_write_ex(c->ssl, c->out, c->out_len, &written) != 1 || written != c->out_len) {
            bench_conn_fail_tls(c, "TLS write");
            return;
        }
        c->out_len = 0; /* the buffer stays, for the next iteration's frames */
    }
    BIO *wbio = SSL_get_wbio(c->ssl);
    size_t pending = BIO_ctrl_pending(wbio);
    if (pending == 0)
        return;
    uint8_t *buf = malloc(pending);
    size_t got = 0;
    if (buf == NULL || BIO_read_ex(wbio, buf, pending, &got) != 1 || got != pending) {
        free(buf);
        ERR_clear_error();
        bench_conn_fail(c, "out of memory");
        return;
    }
    bench_conn_write(c, buf, got);
}

static void bench_conn_flush(uv_prepare_t *p)
{
    struct bench_conn *c = p->data;
    uv_prepare_stop(p);
    c->flush_started = false;
    if (c->state == BENCH_CONN_FAILED)
        return;
    if (c->ssl != NULL) {
        bench_conn_flush_tls(c);
        return;
    }
    if (c->out_len == 0)
        return;
    uint8_t *out = c->out;
    size_t len = c->out_len;
    c->out = NULL;
    c->out_len = c->out_cap = 0;
    bench_conn_write(c, out, len);
}

/* Has bench_conn_flush run before the loop next polls, when it has
 * something to send. */
static void bench_conn_want_flush(struct bench_conn *c)
{
    if (c->flush_started || c->state == BENCH_CONN_FAILED)
        return;
    bool due = c->ssl == NULL ? c->out_len > 0
                              : BIO_ctrl_pending(SSL_get_wbio(c->ssl)) > 0 ||
                                    (c->out_len > 0 && SSL_is_init_finished(c->ssl));
    if (due) {
        uv_prepare_start(&c->flush, bench_conn_flush);
        c->flush_started = true;
    }
}

static int bench_conn_queue(struct bench_conn *c, Folio__Request *req, uint64_t tag,
                            enum bench_conn_kind kind)
{
    if (c->in_flight == BENCH_CONN_MAX_IN_FLIGHT)
        return -1;
    req->id = c->next_id;
    size_t size = folio__request__get_packed_size(req);
    if (size > FRAME_DEFAULT_MAX)
        return -1;
    size_t need = c->out_len + FRAME_HEADER_SIZE + size;
    if (need > c->out_cap) {
        size_t cap = c->out_cap == 0 ? 4096 : c->out_cap;
        while (cap < need)
            cap *= 2;
        uint8_t *out = realloc(c->out, cap);
        if (out == NULL)
            return -1;
        c->out = out;
        c->out_cap = cap;
    }
    frame_length_put(c->out + c->out_len, (uint32_t)size);
    folio__request__pack(req, c->out + c->out_len + FRAME_HEADER_SIZE);
    c->out_len = need;
    struct bench_conn_pending *p = &c->pending[(c->head + c->in_flight) % BENCH_CONN_MAX_IN_FLIGHT];
    p->id = c->next_id++;
    p->tag = tag;
    p->kind = kind;
    c->in_flight++;
    bench_conn_want_flush(c);
    return 0;
}

int bench_conn_send(struct bench_conn *c, Folio__Request *req, uint64_t tag)
{
    if (c->state != BENCH_CONN_READY)
        return -1;
    return bench_conn_queue(c, req, tag, BENCH_CONN_USER);
}

/* ---------------------------------------------------------------- reading */

static Folio__Code bench_conn_code(const Folio__Response *resp)
{
    return resp->status != NULL ? resp->status->code : FOLIO__CODE__OK;
}

static const char *bench_conn_message(const Folio__Response *resp)
{
    if (resp->status != NULL && resp->status->message[0] != '\0')
        return resp->status->message;
    return status_message(bench_conn_code(resp));
}

static void bench_conn_handshake_answer(struct bench_conn *c, const Folio__Response *resp,
                                        enum bench_conn_kind kind)
{
    if (bench_conn_code(resp) != FOLIO__CODE__OK) {
        const char *what = kind == BENCH_CONN_HELLO ? "Hello" : "logging in";
        bench_conn_fail(c, "%s: %s: %s", what, status_name(bench_conn_code(resp)),
                        bench_conn_message(resp));
        return;
    }
    if (kind == BENCH_CONN_AUTH && resp->result_case == FOLIO__RESPONSE__RESULT_SESSION &&
        resp->session->token[0] != '\0')
        snprintf(c->token, sizeof(c->token), "%s", resp->session->token);
    if (--c->handshake_left > 0)
        return;
    c->state = BENCH_CONN_READY;
    uv_timer_stop(&c->timer);
    if (c->cb.ready != NULL)
        c->cb.ready(c);
}

/* Hands one answer to whoever waits for it. Returns -1 when the connection
 * failed or was closed meanwhile. */
static int bench_conn_dispatch(struct bench_conn *c, Folio__Response *resp)
{
    if (resp->id == 0) {
        /* Notices are OK; an error with id 0 is the server giving up on us,
         * e.g. at its connection limit, just before it closes. */
        Folio__Code code = bench_conn_code(resp);
        if (code != FOLIO__CODE__OK)
            bench_conn_fail(c, "the server refused: %s: %s", status_name(code),
                            bench_conn_message(resp));
        folio__response__free_unpacked(resp, NULL);
        return code != FOLIO__CODE__OK ? -1 : 0;
    }
    if (c->in_flight == 0) {
        bench_conn_fail(c, "answer %llu to no request", (unsigned long long)resp->id);
        folio__response__free_unpacked(resp, NULL);
        return -1;
    }
    struct bench_conn_pending p = c->pending[c->head];
    if (resp->id != p.id) {
        bench_conn_fail(c, "answer carries id %llu, expected %llu", (unsigned long long)resp->id,
                        (unsigned long long)p.id);
        folio__response__free_unpacked(resp, NULL);
        return -1;
    }
    c->head = (c->head + 1) % BENCH_CONN_MAX_IN_FLIGHT;
    c->in_flight--;
    switch (p.kind) {
    case BENCH_CONN_USER:
        if (c->cb.response != NULL)
            c->cb.response(c, resp, p.tag);
        folio__response__free_unpacked(resp, NULL);
        break;
    case BENCH_CONN_SYNC:
        c->sync_resp = resp;
        break;
    case BENCH_CONN_HELLO:
    case BENCH_CONN_AUTH:
        bench_conn_handshake_answer(c, resp, p.kind);
        folio__response__free_unpacked(resp, NULL);
        break;
    }
    return c->state == BENCH_CONN_FAILED ? -1 : 0;
}

/* Hands every whole frame the reader holds to whoever waits for it.
 * Returns -1 once the connection has failed or been closed. */
static int bench_conn_take_frames(struct bench_conn *c)
{
    for (;;) {
        const uint8_t *payload;
        size_t len;
        enum frame_result fr = frame_reader_next(&c->reader, &payload, &len);
        if (fr == FRAME_INCOMPLETE)
            return 0;
        if (fr != FRAME_OK) {
            bench_conn_fail(c, fr == FRAME_EMPTY ? "the server sent an empty frame"
                                                 : "the server sent an oversized frame");
            return -1;
        }
        Folio__Response *resp = folio__response__unpack(NULL, len, payload);
        if (resp == NULL) {
            bench_conn_fail(c, "the server sent an answer that does not parse");
            return -1;
        }
        if (bench_conn_dispatch(c, resp) != 0)
            return -1;
    }
}

/* The server answered a ClientHello with something that is not TLS: foliod
 * --plaintext refuses it in a frame of its own. The connection goes on as
 * plaintext so that the refusal is read and its message shown. */
static void bench_conn_drop_tls(struct bench_conn *c, const uint8_t *data, size_t len)
{
    SSL_free(c->ssl);
    c->ssl = NULL;
    while (len > 0) {
        size_t room = 0;
        uint8_t *space = frame_reader_space(&c->reader, &room);
        if (space == NULL) {
            bench_conn_fail(c, "the server does not speak TLS, and its answer does not fit");
            return;
        }
        size_t n = len < room ? len : room;
        memcpy(space, data, n);
        frame_reader_commit(&c->reader, n);
        data += n;
        len -= n;
        if (bench_conn_take_frames(c) != 0)
            return;
    }
}

/* Feeds ciphertext to OpenSSL and takes the plaintext apart into answers;
 * the handshake moves on meanwhile. */
static void bench_conn_read_tls(struct bench_conn *c, const uint8_t *data, size_t len)
{
    if (!c->received) {
        c->received = true;
        /* A TLS server answers a ClientHello with a handshake record (22)
         * or an alert (21). */
        if (data[0] != 22 && data[0] != 21) {
            bench_conn_drop_tls(c, data, len);
            return;
        }
    }
    size_t fed = 0;
    if (BIO_write_ex(SSL_get_rbio(c->ssl), data, len, &fed) != 1 || fed != len) {
        ERR_clear_error();
        bench_conn_fail(c, "out of memory");
        return;
    }
    /* Only a failed call queues errors, and one ends the loop. */
    ERR_clear_error();
    for (;;) {
        size_t room = 0, got = 0;
        uint8_t *space = frame_reader_space(&c->reader, &room);
        if (space == NULL) {
            bench_conn_fail(c, "out of memory for an answer");
            return;
        }
        if (SSL_read_ex(c->ssl, space, room, &got) != 1)
            break;
        frame_reader_commit(&c->reader, got);
        if (bench_conn_take_frames(c) != 0)
            return;
    }
    switch (SSL_get_error(c->ssl, 0)) {
    case SSL_ERROR_WANT_READ:
    case SSL_ERROR_WANT_WRITE:
        break;
    case SSL_ERROR_ZERO_RETURN:
        bench_conn_fail(c, "the server closed the connection");
        return;
    default:
        bench_conn_fail_tls(c, SSL_is_init_finished(c->ssl) ? "TLS" : "TLS handshake");
        return;
    }
    /* Whatever the handshake wrote, and the frames it held back. */
    bench_conn_want_flush(c);
}

static void bench_conn_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf)
{
    struct bench_conn *c = h->data;
    (void)suggested;
    if (c->ssl != NULL) {
        *buf = uv_buf_init((char *)c->target->input, sizeof(c->target->input));
        return;
    }
    size_t len = 0;
    uint8_t *space = frame_reader_space(&c->reader, &len);
    *buf = uv_buf_init((char *)space, space != NULL ? (unsigned)len : 0);
}

static void bench_conn_read(uv_stream_t *stream, ssize_t nread, const uv_buf_t *buf)
{
    struct bench_conn *c = stream->data;
    if (c->state == BENCH_CONN_FAILED)
        return;
    if (nread < 0) {
        if (nread == UV_EOF)
            bench_conn_fail(c, "the server closed the connection");
        else if (nread == UV_ENOBUFS)
            bench_conn_fail(c, "out of memory for an answer");
        else
            bench_conn_fail(c, "read: %s", uv_strerror((int)nread));
        return;
    }
    if (nread == 0)
        return;
    if (c->ssl != NULL) {
        bench_conn_read_tls(c, (const uint8_t *)buf->base, (size_t)nread);
        return;
    }
    frame_reader_commit(&c->reader, (size_t)nread);
    bench_conn_take_frames(c);
}

/* ---------------------------------------------------------------- opening */

static void bench_conn_timer(uv_timer_t *t)
{
    struct bench_conn *c = t->data;
    if (c->state == BENCH_CONN_READY) {
        c->timer_fired = true;
        return;
    }
    /* A deferred failure of bench_conn_open has its message in place already. */
    if (c->error[0] != '\0')
        bench_conn_fail(c, "%s", c->error);
    else
        bench_conn_fail(c, "no answer to the handshake within %d s",
                        BENCH_CONN_HANDSHAKE_MS / 1000);
}

static void bench_conn_connected(uv_connect_t *req, int status)
{
    struct bench_conn *c = req->data;
    if (c->state == BENCH_CONN_FAILED)
        return;
    if (status < 0) {
        bench_conn_fail(c, "connect: %s", uv_strerror(status));
        return;
    }
    int rc = uv_read_start((uv_stream_t *)&c->tcp, bench_conn_alloc, bench_conn_read);
    if (rc < 0) {
        bench_conn_fail(c, "read: %s", uv_strerror(rc));
        return;
    }
    c->state = BENCH_CONN_HANDSHAKE;
    if (c->ssl != NULL) {
        /* Writes the ClientHello; the frames queued below wait for the
         * handshake to end. */
        ERR_clear_error();
        int hs = SSL_do_handshake(c->ssl);
        if (hs != 1 && SSL_get_error(c->ssl, hs) != SSL_ERROR_WANT_READ) {
            bench_conn_fail_tls(c, "TLS handshake");
            return;
        }
    }
    Folio__Hello hello = FOLIO__HELLO__INIT;
    hello.protocol_version = 1;
    hello.client_name = (char *)(c->auth.client_name != NULL ? c->auth.client_name : "bench");
    Folio__Request msg;
    envelope_init(&msg, &hello.base);
    rc = bench_conn_queue(c, &msg, 0, BENCH_CONN_HELLO);
    c->handshake_left = 1;

    Folio__Authenticate authenticate = FOLIO__AUTHENTICATE__INIT;
    Folio__Login login = FOLIO__LOGIN__INIT;
    Folio__Request auth = FOLIO__REQUEST__INIT;
    if (c->auth.token != NULL && c->auth.token[0] != '\0') {
        authenticate.token = (char *)c->auth.token;
        envelope_init(&auth, &authenticate.base);
    } else if (c->auth.user != NULL) {
        login.username = (char *)c->auth.user;
        login.password = (char *)(c->auth.password != NULL ? c->auth.password : "");
        envelope_init(&auth, &login.base);
    }
    if (rc == 0 && auth.op_case != FOLIO__REQUEST__OP__NOT_SET) {
        rc = bench_conn_queue(c, &auth, 0, BENCH_CONN_AUTH);
        c->handshake_left++;
    }
    if (rc != 0)
        bench_conn_fail(c, "out of memory");
}

/* A client SSL for the target, on empty memory BIOs; NULL when memory is
 * short. */
static SSL *bench_conn_new_ssl(const struct bench_target *t)
{
    SSL *ssl = SSL_new(t->tls);
    BIO *rbio = BIO_new(BIO_s_mem());
    BIO *wbio = BIO_new(BIO_s_mem());
    if (ssl == NULL || rbio == NULL || wbio == NULL ||
        (!t->host_is_ip && SSL_set_tlsext_host_name(ssl, t->host) != 1)) {
        BIO_free(rbio);
        BIO_free(wbio);
        SSL_free(ssl);
        ERR_clear_error();
        return NULL;
    }
    /* Read dry, a memory BIO asks for more instead of ending the stream. */
    BIO_set_mem_eof_return(rbio, -1);
    BIO_set_mem_eof_return(wbio, -1);
    SSL_set_bio(ssl, rbio, wbio);
    SSL_set_connect_state(ssl);
    return ssl;
}

struct bench_conn *bench_conn_open(uv_loop_t *loop, struct bench_target *target,
                                   const struct bench_conn_auth *auth,
                                   const struct bench_conn_callbacks *cb, void *data)
{
    struct bench_conn *c = calloc(1, sizeof(*c));
    if (c == NULL)
        return NULL;
    if (target->tls != NULL && (c->ssl = bench_conn_new_ssl(target)) == NULL) {
        free(c);
        return NULL;
    }
    c->loop = loop;
    c->target = target;
    c->auth = *auth;
    if (cb != NULL)
        c->cb = *cb;
    c->data = data;
    c->next_id = 1;
    c->state = BENCH_CONN_CONNECTING;
    frame_reader_init(&c->reader, FRAME_ABSOLUTE_MAX);
    uv_tcp_init(loop, &c->tcp);
    uv_prepare_init(loop, &c->flush);
    uv_timer_init(loop, &c->timer);
    c->tcp.data = c->flush.data = c->timer.data = c->connect.data = c;
    c->open_handles = 3;
    int rc = uv_tcp_nodelay(&c->tcp, 1);
    if (rc == 0)
        rc = uv_tcp_connect(&c->connect, &c->tcp, (const struct sockaddr *)&target->addr,
                            bench_conn_connected);
    if (rc < 0) {
        /* Reported from the loop, so that `failed` never runs inside open. */
        snprintf(c->error, sizeof(c->error), "connect: %s", uv_strerror(rc));
        uv_timer_start(&c->timer, bench_conn_timer, 0, 0);
    } else {
        uv_timer_start(&c->timer, bench_conn_timer, BENCH_CONN_HANDSHAKE_MS, 0);
    }
    return c;
}

/* ---------------------------------------------------------------- targets */

struct bench_target *bench_target_new(const char *host_port, char *why, size_t why_len)
{
    char host[BENCH_TARGET_HOST];
    const char *port;
    const char *colon = strrchr(host_port, ':');
    size_t host_len;
    if (host_port[0] == '[') {
        const char *close = strchr(host_port, ']');
        if (close == NULL || close[1] != ':') {
            snprintf(why, why_len, "%s: write [IPv6]:PORT", host_port);
            return NULL;
        }
        host_len = (size_t)(close - host_port - 1);
        memcpy(host, host_port + 1, host_len < sizeof(host) ? host_len : 0);
        port = close + 2;
    } else {
        if (colon == NULL || strchr(host_port, ':') != colon) {
            snprintf(why, why_len, "%s: write HOST:PORT ([IPv6]:PORT for IPv6)", host_port);
            return NULL;
        }
        host_len = (size_t)(colon - host_port);
        memcpy(host, host_port, host_len < sizeof(host) ? host_len : 0);
        port = colon + 1;
    }
    if (host_len == 0 || host_len >= sizeof(host)) {
        snprintf(why, why_len, "%s: no host, or too long a one", host_port);
        return NULL;
    }
    host[host_len] = '\0';
    char *end;
    unsigned long n = strtoul(port, &end, 10);
    if (port[0] < '0' || port[0] > '9' || *end != '\0' || n == 0 || n > 65535) {
        snprintf(why, why_len, "%s: the port is 1 to 65535", host_port);
        return NULL;
    }
    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM};
    struct addrinfo *res = NULL;
    int rc = getaddrinfo(host, port, &hints, &res);
    if (rc != 0 || res == NULL) {
        snprintf(why, why_len, "%s: %s", host, rc != 0 ? gai_strerror(rc) : "no address");
        return NULL;
    }
    struct bench_target *t = calloc(1, sizeof(*t));
    if (t == NULL) {
        freeaddrinfo(res);
        snprintf(why, why_len, "out of memory");
        return NULL;
    }
    memcpy(&t->addr, res->ai_addr, res->ai_addrlen);
    freeaddrinfo(res);
    memcpy(t->host, host, host_len + 1);
    unsigned char ip[16];
    t->host_is_ip = inet_pton(AF_INET, host, ip) == 1 || inet_pton(AF_INET6, host, ip) == 1;
    return t;
}

/* why gets what, and OpenSSL's most telling reason for it. */
static void bench_target_reason(char *why, size_t why_len, const char *what)
{
    /* A file that cannot be opened queues errno first, and then reasons
     * that only say "system lib". */
    unsigned long first = ERR_peek_error(), last = ERR_peek_last_error();
    const char *reason = first != 0 && ERR_SYSTEM_ERROR(first) ? strerror(ERR_GET_REASON(first))
                         : last != 0                           ? ERR_reason_error_string(last)
                                                               : NULL;
    snprintf(why, why_len, "%s%s%s", what, reason != NULL ? ": " : "",
             reason != NULL ? reason : "");
    ERR_clear_error();
}

int bench_target_trust(struct bench_target *t, const char *ca_file, char *why, size_t why_len)
{
    ERR_clear_error();
    SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
    if (ctx == NULL) {
        bench_target_reason(why, why_len, "cannot set up TLS");
        return -1;
    }
    SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
    SSL_CTX_set_options(ctx, SSL_OP_NO_RENEGOTIATION | SSL_OP_NO_COMPRESSION | SSL_OP_NO_TICKET);
    /* Thousands of idle connections each keep an SSL: without this each
     * would also keep its read and write buffers (about 34 KiB). */
    SSL_CTX_set_mode(ctx, SSL_MODE_RELEASE_BUFFERS);
    /* Only the CA file, not the system's store: the firm's certificate is
     * self-signed, and nothing else may stand in for it. */
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
    if (SSL_CTX_load_verify_locations(ctx, ca_file, NULL) != 1) {
        char what[512];
        snprintf(what, sizeof(what), "cannot load the CA file %s", ca_file);
        bench_target_reason(why, why_len, what);
        SSL_CTX_free(ctx);
        return -1;
    }
    /* Set once on the context, copied into every SSL it makes. */
    X509_VERIFY_PARAM *param = SSL_CTX_get0_param(ctx);
    int ok;
    if (t->host_is_ip) {
        ok = X509_VERIFY_PARAM_set1_ip_asc(param, t->host);
    } else {
        X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
        ok = X509_VERIFY_PARAM_set1_host(param, t->host, 0);
    }
    if (ok != 1) {
        char what[512];
        snprintf(what, sizeof(what), "cannot check certificates for %s", t->host);
        bench_target_reason(why, why_len, what);
        SSL_CTX_free(ctx);
        return -1;
    }
    SSL_CTX_free(t->tls);
    t->tls = ctx;
    return 0;
}

bool bench_target_tls(const struct bench_target *t)
{
    return t->tls != NULL;
}

void bench_target_free(struct bench_target *t)
{
    if (t == NULL)
        return;
    SSL_CTX_free(t->tls);
    free(t);
}

/* ---------------------------------------------------------------- blocking helpers */

int bench_conn_wait_ready(struct bench_conn *c)
{
    while (c->state == BENCH_CONN_CONNECTING || c->state == BENCH_CONN_HANDSHAKE)
        uv_run(c->loop, UV_RUN_ONCE);
    return c->state == BENCH_CONN_READY ? 0 : -1;
}

int bench_conn_call(struct bench_conn *c, Folio__Request *req, Folio__Response **resp,
                    uint64_t timeout_ms)
{
    *resp = NULL;
    if (c->state != BENCH_CONN_READY)
        return -1;
    if (bench_conn_queue(c, req, 0, BENCH_CONN_SYNC) != 0)
        return -1;
    c->timer_fired = false;
    uv_timer_start(&c->timer, bench_conn_timer, timeout_ms, 0);
    while (c->sync_resp == NULL && c->state == BENCH_CONN_READY && !c->timer_fired)
        uv_run(c->loop, UV_RUN_ONCE);
    uv_timer_stop(&c->timer);
    if (c->sync_resp != NULL) {
        *resp = c->sync_resp;
        c->sync_resp = NULL;
        return 0;
    }
    if (c->timer_fired)
        bench_conn_fail(c, "no answer within %llu ms", (unsigned long long)timeout_ms);
    return -1;
}

/* ---------------------------------------------------------------- accessors */

unsigned bench_conn_in_flight(const struct bench_conn *c)
{
    return c->in_flight;
}

void *bench_conn_data(const struct bench_conn *c)
{
    return c->data;
}

const char *bench_conn_token(const struct bench_conn *c)
{
    return c->token;
}

const char *bench_conn_error(const struct bench_conn *c)
{
    return c->state == BENCH_CONN_FAILED ? c->error : "";
}
