/* bench_conn.c - see bench_conn.h. */
#include "bench_conn.h"

#include <netdb.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

struct bench_conn {
    uv_loop_t *loop;
    uv_tcp_t tcp;
    uv_prepare_t flush; /* writes what the iteration queued, before the loop polls */
    uv_timer_t timer;   /* handshake deadline, then bench_conn_call's */
    uv_connect_t connect;
    int open_handles;
    bool closed_by_owner;
    bool flush_started;
    bool timer_fired;
    enum bench_conn_state state;
    struct bench_conn_auth auth;
    struct bench_conn_callbacks cb;
    void *data;
    struct frame_reader reader;
    uint8_t *out; /* frames queued since the last write */
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

static void bench_conn_flush(uv_prepare_t *p)
{
    struct bench_conn *c = p->data;
    uv_prepare_stop(p);
    c->flush_started = false;
    if (c->out_len == 0 || c->state == BENCH_CONN_FAILED)
        return;
    struct bench_conn_write *w = malloc(sizeof(*w));
    if (w == NULL) {
        bench_conn_fail(c, "out of memory");
        return;
    }
    w->conn = c;
    w->buf = c->out;
    uv_buf_t buf = uv_buf_init((char *)c->out, (unsigned)c->out_len);
    c->out = NULL;
    c->out_len = c->out_cap = 0;
    int rc = uv_write(&w->req, (uv_stream_t *)&c->tcp, &buf, 1, bench_conn_written);
    if (rc < 0) {
        free(w->buf);
        free(w);
        bench_conn_fail(c, "write: %s", uv_strerror(rc));
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
    if (!c->flush_started) {
        uv_prepare_start(&c->flush, bench_conn_flush);
        c->flush_started = true;
    }
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

static void bench_conn_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf)
{
    struct bench_conn *c = h->data;
    size_t len = 0;
    uint8_t *space = frame_reader_space(&c->reader, &len);
    (void)suggested;
    *buf = uv_buf_init((char *)space, space != NULL ? (unsigned)len : 0);
}

static void bench_conn_read(uv_stream_t *stream, ssize_t nread, const uv_buf_t *buf)
{
    struct bench_conn *c = stream->data;
    (void)buf;
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
    frame_reader_commit(&c->reader, (size_t)nread);
    for (;;) {
        const uint8_t *payload;
        size_t len;
        enum frame_result fr = frame_reader_next(&c->reader, &payload, &len);
        if (fr == FRAME_INCOMPLETE)
            return;
        if (fr != FRAME_OK) {
            bench_conn_fail(c, fr == FRAME_EMPTY ? "the server sent an empty frame"
                                                 : "the server sent an oversized frame");
            return;
        }
        Folio__Response *resp = folio__response__unpack(NULL, len, payload);
        if (resp == NULL) {
            bench_conn_fail(c, "the server sent an answer that does not parse");
            return;
        }
        if (bench_conn_dispatch(c, resp) != 0)
            return;
    }
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
    Folio__Hello hello = FOLIO__HELLO__INIT;
    hello.protocol_version = 1;
    hello.client_name = (char *)(c->auth.client_name != NULL ? c->auth.client_name : "bench");
    Folio__Request msg = FOLIO__REQUEST__INIT;
    msg.op_case = FOLIO__REQUEST__OP_HELLO;
    msg.hello = &hello;
    rc = bench_conn_queue(c, &msg, 0, BENCH_CONN_HELLO);
    c->handshake_left = 1;

    Folio__Authenticate authenticate = FOLIO__AUTHENTICATE__INIT;
    Folio__Login login = FOLIO__LOGIN__INIT;
    Folio__Request auth = FOLIO__REQUEST__INIT;
    if (c->auth.token != NULL && c->auth.token[0] != '\0') {
        authenticate.token = (char *)c->auth.token;
        auth.op_case = FOLIO__REQUEST__OP_AUTHENTICATE;
        auth.authenticate = &authenticate;
    } else if (c->auth.user != NULL) {
        login.username = (char *)c->auth.user;
        login.password = (char *)(c->auth.password != NULL ? c->auth.password : "");
        auth.op_case = FOLIO__REQUEST__OP_LOGIN;
        auth.login = &login;
    }
    if (rc == 0 && auth.op_case != FOLIO__REQUEST__OP__NOT_SET) {
        rc = bench_conn_queue(c, &auth, 0, BENCH_CONN_AUTH);
        c->handshake_left++;
    }
    if (rc != 0)
        bench_conn_fail(c, "out of memory");
}

struct bench_conn *bench_conn_open(uv_loop_t *loop, const struct sockaddr *addr,
                                   const struct bench_conn_auth *auth,
                                   const struct bench_conn_callbacks *cb, void *data)
{
    struct bench_conn *c = calloc(1, sizeof(*c));
    if (c == NULL)
        return NULL;
    c->loop = loop;
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
        rc = uv_tcp_connect(&c->connect, &c->tcp, addr, bench_conn_connected);
    if (rc < 0) {
        /* Reported from the loop, so that `failed` never runs inside open. */
        snprintf(c->error, sizeof(c->error), "connect: %s", uv_strerror(rc));
        uv_timer_start(&c->timer, bench_conn_timer, 0, 0);
    } else {
        uv_timer_start(&c->timer, bench_conn_timer, BENCH_CONN_HANDSHAKE_MS, 0);
    }
    return c;
}

int bench_conn_resolve(const char *host_port, struct sockaddr_storage *addr, char *why,
                       size_t why_len)
{
    char host[256];
    const char *port;
    const char *colon = strrchr(host_port, ':');
    size_t host_len;
    if (host_port[0] == '[') {
        const char *close = strchr(host_port, ']');
        if (close == NULL || close[1] != ':') {
            snprintf(why, why_len, "%s: write [IPv6]:PORT", host_port);
            return -1;
        }
        host_len = (size_t)(close - host_port - 1);
        memcpy(host, host_port + 1, host_len < sizeof(host) ? host_len : 0);
        port = close + 2;
    } else {
        if (colon == NULL || strchr(host_port, ':') != colon) {
            snprintf(why, why_len, "%s: write HOST:PORT ([IPv6]:PORT for IPv6)", host_port);
            return -1;
        }
        host_len = (size_t)(colon - host_port);
        memcpy(host, host_port, host_len < sizeof(host) ? host_len : 0);
        port = colon + 1;
    }
    if (host_len == 0 || host_len >= sizeof(host)) {
        snprintf(why, why_len, "%s: no host, or too long a one", host_port);
        return -1;
    }
    host[host_len] = '\0';
    char *end;
    unsigned long n = strtoul(port, &end, 10);
    if (port[0] < '0' || port[0] > '9' || *end != '\0' || n == 0 || n > 65535) {
        snprintf(why, why_len, "%s: the port is 1 to 65535", host_port);
        return -1;
    }
    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM};
    struct addrinfo *res = NULL;
    int rc = getaddrinfo(host, port, &hints, &res);
    if (rc != 0 || res == NULL) {
        snprintf(why, why_len, "%s: %s", host, rc != 0 ? gai_strerror(rc) : "no address");
        return -1;
    }
    memset(addr, 0, sizeof(*addr));
    memcpy(addr, res->ai_addr, res->ai_addrlen);
    freeaddrinfo(res);
    return 0;
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
