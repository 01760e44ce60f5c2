/* folioclient.c - see folioclient.h.
 *
 * The connection is a non-blocking socket driven as a blocking one: every
 * send, receive and handshake step that would block waits in poll() until
 * the deadline that c->timeout_ms sets. TLS runs over the same socket and
 * the same waits: OpenSSL says what it wants (to read or to write) and the
 * step is tried again once poll says the socket is ready for that. */
#include "folioclient.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "envelope.h"
#include "frame.h"
#include "status.h"
#include "tls_fingerprint.h"

/* Answers can be long lists, so the client accepts more than the server's
 * default request limit; it is still a bound on what a server can make us
 * allocate. */
#define CLIENT_DEFAULT_MAX_FRAME (16u * 1024u * 1024u)
#define HOST_MAX                 255
#define PORT_MAX                 5
#define SERVER_MAX               (HOST_MAX + PORT_MAX + 3)
#define REASON_MAX               256

_Static_assert(sizeof(((struct folio_error *)0)->presented) == TLS_FINGERPRINT_SIZE,
               "folio_error.presented holds one fingerprint");

struct folio_connection {
    int fd;
    int timeout_ms;
    size_t max_frame;
    uint64_t next_id;
    bool broken; /* after a transport failure the stream is out of step */
    struct frame_reader reader;
    Folio__Response *hello; /* owns the Welcome */
    /* TLS; all NULL over plaintext. */
    SSL_CTX *ssl_ctx;
    SSL *ssl;
    BIO_METHOD *bio_method;
    bool peer_eof; /* the server closed its side of the socket */
    int io_errno;  /* why the socket last failed under TLS, 0 if it did not */
    char fingerprint[TLS_FINGERPRINT_SIZE]; /* of the server's certificate */
    char server[SERVER_MAX + 1];
};

static void set_error(struct folio_error *err, Folio__Code code, bool transport, const char *fmt,
                      ...) __attribute__((format(printf, 4, 5)));

static void set_error_v(struct folio_error *err, Folio__Code code, bool transport, const char *fmt,
                        va_list ap) __attribute__((format(printf, 4, 0)));

static void set_error_v(struct folio_error *err, Folio__Code code, bool transport, const char *fmt,
                        va_list ap)
{
    if (err == NULL)
        return;
    err->code = code;
    err->transport = transport;
    err->presented[0] = '\0';
    vsnprintf(err->message, sizeof(err->message), fmt, ap);
}

static void set_error(struct folio_error *err, Folio__Code code, bool transport, const char *fmt,
                      ...)
{
    va_list ap;
    va_start(ap, fmt);
    set_error_v(err, code, transport, fmt, ap);
    va_end(ap);
}

/* A transport failure leaves the byte stream in an unknown state, so the
 * connection is not used again. */
static void transport_error(struct folio_connection *c, struct folio_error *err, const char *fmt,
                            ...) __attribute__((format(printf, 3, 4)));

static void transport_error(struct folio_connection *c, struct folio_error *err, const char *fmt,
                            ...)
{
    c->broken = true;
    va_list ap;
    va_start(ap, fmt);
    set_error_v(err, FOLIO__CODE__UNAVAILABLE, true, fmt, ap);
    va_end(ap);
}

/* Splits "HOST:PORT" / "[V6]:PORT"; host and port are NUL-terminated copies. */
static int split_server(const char *server, char host[HOST_MAX + 1], char port[PORT_MAX + 1])
{
    if (server == NULL)
        return -1;
    size_t len = strnlen(server, SERVER_MAX + 1);
    if (len == 0 || len > SERVER_MAX)
        return -1;
    const char *colon;
    const char *host_start = server;
    size_t host_len;
    if (server[0] == '[') {
        const char *close = memchr(server, ']', len);
        if (close == NULL || close[1] != ':')
            return -1;
        host_start = server + 1;
        host_len = (size_t)(close - host_start);
        colon = close + 1;
    } else {
        colon = strrchr(server, ':');
        if (colon == NULL)
            return -1;
        host_len = (size_t)(colon - server);
        /* An IPv6 address must be bracketed: "::1:7070" is ambiguous. */
        if (memchr(server, ':', host_len) != NULL)
            return -1;
    }
    if (host_len == 0 || host_len > HOST_MAX)
        return -1;
    const char *p = colon + 1;
    size_t port_len = strlen(p);
    if (port_len == 0 || port_len > PORT_MAX)
        return -1;
    unsigned long value = 0;
    for (size_t i = 0; i < port_len; i++) {
        if (p[i] < '0' || p[i] > '9')
            return -1;
        value = value * 10 + (unsigned long)(p[i] - '0');
    }
    if (value == 0 || value > 65535)
        return -1;
    for (size_t i = 0; i < host_len; i++) {
        unsigned char ch = (unsigned char)host_start[i];
        if (ch <= ' ' || ch == 0x7f || ch == '[' || ch == ']')
            return -1;
    }
    memcpy(host, host_start, host_len);
    host[host_len] = '\0';
    memcpy(port, p, port_len + 1);
    return 0;
}

bool folio_server_valid(const char *server)
{
    char host[HOST_MAX + 1];
    char port[PORT_MAX + 1];
    return split_server(server, host, port) == 0;
}

void folio_connection_set_timeout(struct folio_connection *c, int timeout_ms)
{
    c->timeout_ms = timeout_ms > 0 ? timeout_ms : 0;
}

static void deadline_start(const struct folio_connection *c, struct timespec *deadline)
{
    clock_gettime(CLOCK_MONOTONIC, deadline);
    if (c->timeout_ms > 0) {
        deadline->tv_sec += c->timeout_ms / 1000;
        deadline->tv_nsec += (long)(c->timeout_ms % 1000) * 1000000L;
        if (deadline->tv_nsec >= 1000000000L) {
            deadline->tv_sec++;
            deadline->tv_nsec -= 1000000000L;
        }
    }
}

/* Milliseconds left before the deadline, -1 for no limit, 0 when past. */
static int deadline_left(const struct folio_connection *c, const struct timespec *deadline)
{
    if (c->timeout_ms <= 0)
        return -1;
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    long long ms = (long long)(deadline->tv_sec - now.tv_sec) * 1000 +
                   (deadline->tv_nsec - now.tv_nsec) / 1000000L;
    if (ms <= 0)
        return 0;
    return ms > c->timeout_ms ? c->timeout_ms : (int)ms;
}

/* Waits until fd is ready for events. Returns 0, -1 with errno set, or 1 on
 * timeout. */
static int wait_ready(const struct folio_connection *c, int fd, short events,
                      const struct timespec *deadline)
{
    for (;;) {
        int left = deadline_left(c, deadline);
        if (left == 0)
            return 1;
        struct pollfd pfd = {.fd = fd, .events = events};
        int n = poll(&pfd, 1, left);
        if (n > 0)
            return 0;
        if (n == 0)
            return 1;
        if (errno != EINTR)
            return -1;
    }
}

/* Non-blocking connect to one address, bounded by the deadline. Returns the
 * socket, or -1 with errno set (ETIMEDOUT when the deadline passed). */
static int connect_one(const struct folio_connection *c, const struct addrinfo *ai,
                       const struct timespec *deadline)
{
    int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, ai->ai_protocol);
    if (fd < 0)
        return -1;
    if (connect(fd, ai->ai_addr, ai->ai_addrlen) < 0) {
        if (errno != EINPROGRESS && errno != EINTR)
            goto fail;
        int rc = wait_ready(c, fd, POLLOUT, deadline);
        if (rc == 1)
            errno = ETIMEDOUT;
        if (rc != 0)
            goto fail;
        int soerr = 0;
        socklen_t optlen = sizeof(soerr);
        if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &optlen) < 0)
            goto fail;
        if (soerr != 0) {
            errno = soerr;
            goto fail;
        }
    }
    /* Requests are small and answered one by one: do not let Nagle hold them. */
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    return fd;
fail:;
    int saved = errno;
    close(fd);
    errno = saved;
    return -1;
}

/* Loopback addresses never leave the machine, so only they may carry
 * plaintext. */
static bool address_loopback(const struct sockaddr *sa)
{
    if (sa->sa_family == AF_INET) {
        const struct sockaddr_in *in = (const struct sockaddr_in *)sa;
        return (ntohl(in->sin_addr.s_addr) >> 24) == 127;
    }
    if (sa->sa_family == AF_INET6) {
        const struct in6_addr *a = &((const struct sockaddr_in6 *)sa)->sin6_addr;
        return IN6_IS_ADDR_LOOPBACK(a) || (IN6_IS_ADDR_V4MAPPED(a) && a->s6_addr[12] == 127);
    }
    return false;
}

/* Every address the name resolved to, not just the one connected to: which
 * one answers first is not ours to choose. */
static bool all_loopback(const struct addrinfo *list)
{
    for (const struct addrinfo *ai = list; ai != NULL; ai = ai->ai_next)
        if (!address_loopback(ai->ai_addr))
            return false;
    return true;
}

static int open_socket(struct folio_connection *c, const char *host, const char *port,
                       bool plaintext, struct folio_error *err)
{
    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM};
    hints.ai_flags = AI_NUMERICSERV;
    struct addrinfo *list = NULL;
    int gai = getaddrinfo(host, port, &hints, &list);
    if (gai != 0) {
        set_error(err, FOLIO__CODE__UNAVAILABLE, true, "cannot connect to %s: %s", c->server,
                  gai == EAI_SYSTEM ? strerror(errno) : gai_strerror(gai));
        return -1;
    }
    if (plaintext && !all_loopback(list)) {
        freeaddrinfo(list);
        set_error(err, FOLIO__CODE__FAILED_PRECONDITION, true,
                  "refusing to send in plaintext to %s: --plaintext is for loopback addresses only",
                  c->server);
        return -1;
    }
    struct timespec deadline;
    deadline_start(c, &deadline);
    int last_errno = ECONNREFUSED;
    int fd = -1;
    for (const struct addrinfo *ai = list; ai != NULL && fd < 0; ai = ai->ai_next) {
        fd = connect_one(c, ai, &deadline);
        if (fd < 0)
            last_errno = errno;
        if (fd < 0 && last_errno == ETIMEDOUT)
            break;
    }
    freeaddrinfo(list);
    if (fd < 0) {
        if (last_errno == ETIMEDOUT)
            set_error(err, FOLIO__CODE__UNAVAILABLE, true,
                      "cannot connect to %s: no answer within %d ms", c->server, c->timeout_ms);
        else
            set_error(err, FOLIO__CODE__UNAVAILABLE, true, "cannot connect to %s: %s", c->server,
                      strerror(last_errno));
        return -1;
    }
    c->fd = fd;
    return 0;
}

/* ---- moving bytes: the socket itself, or TLS over it */

enum io_result {
    IO_DONE,   /* *n > 0 bytes moved */
    IO_WAIT,   /* nothing moved: wait for *events on the socket, then again */
    IO_CLOSED, /* the server ended the connection */
    IO_FAILED, /* why says what happened */
};

/* What a person can do about some of OpenSSL's reasons. Record-layer
 * failures mean that what came back was not TLS: the answer of a server
 * run with --plaintext, which takes a ClientHello for a request. */
static const char *tls_hint(unsigned long e)
{
    if (ERR_GET_LIB(e) == ERR_LIB_PEM && ERR_GET_REASON(e) == PEM_R_BAD_PASSWORD_READ)
        return " (the key is encrypted: folio needs one without a passphrase)";
    if (ERR_GET_LIB(e) != ERR_LIB_SSL)
        return "";
    switch (ERR_GET_REASON(e)) {
    case SSL_R_WRONG_VERSION_NUMBER:
    case SSL_R_PACKET_LENGTH_TOO_LONG:
    case SSL_R_UNKNOWN_PROTOCOL:
#ifdef SSL_R_RECORD_LAYER_FAILURE
    case SSL_R_RECORD_LAYER_FAILURE:
#endif
        return " (does the server run with --plaintext?)";
    case SSL_R_TLSV13_ALERT_CERTIFICATE_REQUIRED:
        return " (the server requires a client certificate)";
    case SSL_R_TLSV1_ALERT_UNKNOWN_CA:
    case SSL_R_SSLV3_ALERT_BAD_CERTIFICATE:
    case SSL_R_SSLV3_ALERT_CERTIFICATE_UNKNOWN:
    case SSL_R_SSLV3_ALERT_CERTIFICATE_EXPIRED:
    case SSL_R_SSLV3_ALERT_CERTIFICATE_REVOKED:
    case SSL_R_SSLV3_ALERT_UNSUPPORTED_CERTIFICATE:
        return " (the server does not accept the client certificate)";
    default:
        return "";
    }
}

/* The reason OpenSSL gives for the failure of the last call. Its queue
 * goes from the cause to wrappers with reasons common to every library
 * ("PEM lib", "system lib"), so the reason is the system's error when there
 * is one (a file that cannot be opened), else the last that is not common,
 * else the first. The queue is emptied so that it cannot colour a later
 * message. */
static void tls_reason(char *why, size_t cap)
{
    unsigned long e;
    unsigned long first = 0;
    unsigned long specific = 0;
    unsigned long sys = 0;
    while ((e = ERR_get_error()) != 0) {
        if (first == 0)
            first = e;
        if (ERR_SYSTEM_ERROR(e))
            sys = e;
        else if (!ERR_COMMON_ERROR(e))
            specific = e;
    }
    e = specific != 0 ? specific : first;
    const char *reason = e != 0 ? ERR_reason_error_string(e) : NULL;
    if (sys != 0)
        snprintf(why, cap, "%s", strerror(ERR_GET_REASON(sys)));
    else
        snprintf(why, cap, "%s%s", reason != NULL ? reason : "TLS protocol error", tls_hint(e));
}

/* Before each SSL_read, SSL_write or SSL_connect: what tls_result and
 * tls_reason read must be what that call left. */
static void tls_call_begin(struct folio_connection *c)
{
    ERR_clear_error();
    c->io_errno = 0;
}

/* What an SSL_read or SSL_write that returned rc means; *n is what it moved. */
static enum io_result tls_result(struct folio_connection *c, int rc, size_t *n, short *events,
                                 char *why, size_t cap)
{
    if (rc > 0) {
        *n = (size_t)rc;
        return IO_DONE;
    }
    switch (SSL_get_error(c->ssl, rc)) {
    case SSL_ERROR_WANT_READ:
        *events = POLLIN;
        return IO_WAIT;
    case SSL_ERROR_WANT_WRITE:
        *events = POLLOUT;
        return IO_WAIT;
    case SSL_ERROR_ZERO_RETURN:
        return IO_CLOSED;
    default:
        /* An alert the server sent before closing fails the call before
         * the end of file is read, so an end of file is the whole story. */
        if (c->peer_eof || c->io_errno != 0) {
            ERR_clear_error();
            if (c->peer_eof)
                return IO_CLOSED;
            snprintf(why, cap, "%s", strerror(c->io_errno));
            return IO_FAILED;
        }
        tls_reason(why, cap);
        return IO_FAILED;
    }
}

static enum io_result sock_send(struct folio_connection *c, const uint8_t *buf, size_t len,
                                size_t *n, short *events, char *why, size_t cap)
{
    ssize_t sent;
    do
        sent = send(c->fd, buf, len, MSG_NOSIGNAL);
    while (sent < 0 && errno == EINTR);
    if (sent > 0) {
        *n = (size_t)sent;
        return IO_DONE;
    }
    if (sent < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
        *events = POLLOUT;
        return IO_WAIT;
    }
    snprintf(why, cap, "%s", sent < 0 ? strerror(errno) : "nothing sent");
    return IO_FAILED;
}

static enum io_result sock_recv(struct folio_connection *c, uint8_t *buf, size_t cap, size_t *n,
                                short *events, char *why, size_t why_cap)
{
    ssize_t got;
    do
        got = recv(c->fd, buf, cap, 0);
    while (got < 0 && errno == EINTR);
    if (got > 0) {
        *n = (size_t)got;
        return IO_DONE;
    }
    if (got == 0)
        return IO_CLOSED;
    if (errno == EAGAIN || errno == EWOULDBLOCK) {
        *events = POLLIN;
        return IO_WAIT;
    }
    snprintf(why, why_cap, "%s", strerror(errno));
    return IO_FAILED;
}

static int io_len(size_t len)
{
    return len > INT_MAX ? INT_MAX : (int)len;
}

static enum io_result conn_send(struct folio_connection *c, const uint8_t *buf, size_t len,
                                size_t *n, short *events, char *why, size_t cap)
{
    if (c->ssl == NULL)
        return sock_send(c, buf, len, n, events, why, cap);
    tls_call_begin(c);
    return tls_result(c, SSL_write(c->ssl, buf, io_len(len)), n, events, why, cap);
}

/* Under TLS a whole record may already sit decrypted in OpenSSL while the
 * socket has nothing more: callers call this until it says IO_WAIT, and
 * only then poll. */
static enum io_result conn_recv(struct folio_connection *c, uint8_t *buf, size_t cap, size_t *n,
                                short *events, char *why, size_t why_cap)
{
    if (c->ssl == NULL)
        return sock_recv(c, buf, cap, n, events, why, why_cap);
    tls_call_begin(c);
    return tls_result(c, SSL_read(c->ssl, buf, io_len(cap)), n, events, why, why_cap);
}

static int write_all(struct folio_connection *c, const uint8_t *buf, size_t len,
                     struct folio_error *err)
{
    struct timespec deadline;
    deadline_start(c, &deadline);
    size_t off = 0;
    while (off < len) {
        size_t n = 0;
        short events = 0;
        char why[REASON_MAX];
        enum io_result r = conn_send(c, buf + off, len - off, &n, &events, why, sizeof(why));
        if (r == IO_DONE) {
            off += n;
            continue;
        }
        if (r == IO_WAIT) {
            int rc = wait_ready(c, c->fd, events, &deadline);
            if (rc == 0)
                continue;
            if (rc == 1) {
                transport_error(c, err, "cannot send to %s: no progress within %d ms", c->server,
                                c->timeout_ms);
                return -1;
            }
            snprintf(why, sizeof(why), "%s", strerror(errno));
        }
        if (r == IO_CLOSED)
            transport_error(c, err, "server %s closed the connection", c->server);
        else
            transport_error(c, err, "connection to %s lost: %s", c->server, why);
        return -1;
    }
    return 0;
}

int folio_connection_send(struct folio_connection *c, Folio__Request *req, struct folio_error *err)
{
    if (c->broken) {
        set_error(err, FOLIO__CODE__UNAVAILABLE, true, "connection to %s is closed", c->server);
        return -1;
    }
    req->id = ++c->next_id;
    uint8_t *buf;
    size_t len;
    if (frame_encode(&req->base, c->max_frame, &buf, &len) < 0) {
        /* Nothing was sent: the connection is still in step. */
        set_error(err, FOLIO__CODE__RESOURCE_EXHAUSTED, false,
                  "request too large to send (limit %zu bytes) or out of memory", c->max_frame);
        return -1;
    }
    int rc = write_all(c, buf, len, err);
    free(buf);
    return rc;
}

Folio__Response *folio_connection_receive(struct folio_connection *c, struct folio_error *err)
{
    if (c->broken) {
        set_error(err, FOLIO__CODE__UNAVAILABLE, true, "connection to %s is closed", c->server);
        return NULL;
    }
    struct timespec deadline;
    deadline_start(c, &deadline);
    for (;;) {
        const uint8_t *payload;
        size_t len;
        switch (frame_reader_next(&c->reader, &payload, &len)) {
        case FRAME_OK: {
            Folio__Response *r = folio__response__unpack(NULL, len, payload);
            frame_reader_shrink(&c->reader);
            if (r == NULL)
                transport_error(c, err, "server %s sent an undecodable response", c->server);
            return r;
        }
        case FRAME_EMPTY:
            transport_error(c, err, "server %s sent an empty frame", c->server);
            return NULL;
        case FRAME_TOO_LARGE:
            transport_error(c, err, "server %s sent a frame of %u bytes, over the limit of %zu",
                            c->server, frame_length_get(c->reader.buf + c->reader.start),
                            c->reader.max_frame);
            return NULL;
        case FRAME_INCOMPLETE:
            break;
        }
        size_t room;
        uint8_t *space = frame_reader_space(&c->reader, &room);
        if (space == NULL) {
            transport_error(c, err, "out of memory reading from %s", c->server);
            return NULL;
        }
        size_t n = 0;
        short events = 0;
        char why[REASON_MAX];
        enum io_result r = conn_recv(c, space, room, &n, &events, why, sizeof(why));
        if (r == IO_DONE) {
            frame_reader_commit(&c->reader, n);
            continue;
        }
        if (r == IO_WAIT) {
            int rc = wait_ready(c, c->fd, events, &deadline);
            if (rc == 0)
                continue;
            if (rc == 1) {
                transport_error(c, err, "no answer from %s within %d ms", c->server, c->timeout_ms);
                return NULL;
            }
            snprintf(why, sizeof(why), "%s", strerror(errno));
        }
        if (r == IO_CLOSED)
            transport_error(c, err, "server %s closed the connection", c->server);
        else
            transport_error(c, err, "connection to %s lost: %s", c->server, why);
        return NULL;
    }
}

static Folio__Code response_code(const Folio__Response *r)
{
    return r->status != NULL ? r->status->code : FOLIO__CODE__OK;
}

static void server_error(struct folio_error *err, const Folio__Response *r)
{
    Folio__Code code = response_code(r);
    const char *msg = r->status->message;
    if (msg == NULL || msg[0] == '\0')
        msg = status_message(code);
    set_error(err, code, false, "%s", msg);
}

Folio__Response *folio_connection_call(struct folio_connection *c, Folio__Request *req,
                                       struct folio_error *err)
{
    if (folio_connection_send(c, req, err) < 0)
        return NULL;
    for (;;) {
        Folio__Response *r = folio_connection_receive(c, err);
        if (r == NULL)
            return NULL;
        /* Id 0 is the server speaking on its own: a notice for subscribers,
         * which a plain call skips, or a refusal of the connection. */
        if (r->id == 0 && response_code(r) == FOLIO__CODE__OK) {
            folio_response_free(r);
            continue;
        }
        if (r->id != 0 && r->id != req->id) {
            transport_error(c, err, "server %s answered request %llu with id %llu", c->server,
                            (unsigned long long)req->id, (unsigned long long)r->id);
            folio_response_free(r);
            return NULL;
        }
        if (response_code(r) != FOLIO__CODE__OK) {
            server_error(err, r);
            folio_response_free(r);
            return NULL;
        }
        return r;
    }
}

Folio__Response *folio_connection_call_expect(struct folio_connection *c, Folio__Request *req,
                                              Folio__Response__ResultCase want,
                                              struct folio_error *err)
{
    Folio__Response *r = folio_connection_call(c, req, err);
    if (r == NULL)
        return NULL;
    if (r->result_case == want)
        return r;
    if (want == FOLIO__RESPONSE__RESULT_EMPTY && r->result_case == FOLIO__RESPONSE__RESULT__NOT_SET)
        return r;
    transport_error(c, err, "server %s sent an answer of the wrong kind", c->server);
    folio_response_free(r);
    return NULL;
}

Folio__Response *folio_connection_call_op(struct folio_connection *c, const ProtobufCMessage *op,
                                          Folio__Response__ResultCase want, struct folio_error *err)
{
    Folio__Request req;
    if (envelope_init(&req, op) != 0) {
        transport_error(c, err, "%s is no request of this protocol", op->descriptor->name);
        return NULL;
    }
    return folio_connection_call_expect(c, &req, want, err);
}

void folio_response_free(Folio__Response *r)
{
    if (r != NULL)
        folio__response__free_unpacked(r, NULL);
}

/* ---- TLS */

/* The socket under TLS. OpenSSL's own socket BIO writes with write(), which
 * raises SIGPIPE when the server has gone and so kills a program that does
 * not ignore it; this one sends with MSG_NOSIGNAL, as the plaintext path
 * does, and notes end of file and errno for the messages. */
static int tls_bio_write(BIO *bio, const char *buf, int len)
{
    struct folio_connection *c = BIO_get_data(bio);
    BIO_clear_retry_flags(bio);
    ssize_t n;
    do
        n = send(c->fd, buf, (size_t)len, MSG_NOSIGNAL);
    while (n < 0 && errno == EINTR);
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
        BIO_set_retry_write(bio);
    else if (n < 0)
        c->io_errno = errno;
    return (int)n;
}

static int tls_bio_read(BIO *bio, char *buf, int len)
{
    struct folio_connection *c = BIO_get_data(bio);
    BIO_clear_retry_flags(bio);
    ssize_t n;
    do
        n = recv(c->fd, buf, (size_t)len, 0);
    while (n < 0 && errno == EINTR);
    if (n == 0)
        c->peer_eof = true;
    else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
        BIO_set_retry_read(bio);
    else if (n < 0)
        c->io_errno = errno;
    return (int)n;
}

static long tls_bio_ctrl(BIO *bio, int cmd, long num, void *ptr)
{
    (void)num;
    (void)ptr;
    const struct folio_connection *c = BIO_get_data(bio);
    if (cmd == BIO_CTRL_FLUSH)
        return 1; /* send() keeps nothing back */
    if (cmd == BIO_CTRL_EOF)
        return c->peer_eof;
    return 0;
}

/* A library must not make OpenSSL ask for a key's passphrase on the
 * terminal: an encrypted client key is refused instead. */
static int tls_no_passphrase(char *buf, int size, int rwflag, void *data)
{
    (void)buf;
    (void)size;
    (void)rwflag;
    (void)data;
    return -1;
}

static void set_presented(struct folio_error *err, const char *fingerprint)
{
    if (err != NULL)
        snprintf(err->presented, sizeof(err->presented), "%s", fingerprint);
}

/* Checks that tls names exactly one way to trust the server and writes the
 * canonical form of a pinned fingerprint to expected. */
static int tls_settings_check(const struct folio_connection *c, const struct folio_tls *tls,
                              char expected[TLS_FINGERPRINT_SIZE], struct folio_error *err)
{
    int ways = 0;
    if (tls != NULL)
        ways = (int)tls->plaintext + (tls->ca_file != NULL) + (tls->fingerprint != NULL) +
               (int)tls->accept_unknown;
    const char *problem = NULL;
    if (ways == 0)
        problem = "no way to verify the server was given";
    else if (ways > 1)
        problem = "more than one way to verify the server was given";
    else if ((tls->cert_file == NULL) != (tls->key_file == NULL))
        problem = "a client certificate needs both a certificate file and a key file";
    else if (tls->plaintext && tls->cert_file != NULL)
        problem = "a client certificate needs TLS, not plaintext";
    else if (tls->fingerprint != NULL && tls_fingerprint_parse(tls->fingerprint, expected) < 0)
        problem = "the trusted fingerprint is not a SHA-256 fingerprint";
    if (problem == NULL)
        return 0;
    set_error(err, FOLIO__CODE__INVALID_ARGUMENT, true, "cannot connect to %s: %s", c->server,
              problem);
    return -1;
}

/* The context holds what is read from files - trusted certificates, the
 * client's certificate and key - so that their errors come before any
 * connection is made. */
static int tls_context(struct folio_connection *c, const struct folio_tls *tls,
                       struct folio_error *err)
{
    char why[REASON_MAX];
    const char *what = "cannot set up TLS for";
    const char *file = c->server;
    ERR_clear_error();
    SSL_CTX *ctx = c->ssl_ctx = SSL_CTX_new(TLS_client_method());
    if (ctx == NULL || SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION) != 1)
        goto fail;
    SSL_CTX_set_mode(ctx, SSL_MODE_ENABLE_PARTIAL_WRITE);
    SSL_CTX_set_default_passwd_cb(ctx, tls_no_passphrase);
    /* Without a CA file the certificate is judged after the handshake: by
     * its fingerprint, or by a person. */
    SSL_CTX_set_verify(ctx, tls->ca_file != NULL ? SSL_VERIFY_PEER : SSL_VERIFY_NONE, NULL);
    what = "cannot read the trusted certificates in";
    file = tls->ca_file;
    if (tls->ca_file != NULL && SSL_CTX_load_verify_locations(ctx, tls->ca_file, NULL) != 1)
        goto fail;
    what = "cannot use the client certificate in";
    file = tls->cert_file;
    if (tls->cert_file != NULL && SSL_CTX_use_certificate_chain_file(ctx, tls->cert_file) != 1)
        goto fail;
    what = "cannot use the client key in";
    file = tls->key_file;
    if (tls->key_file != NULL &&
        (SSL_CTX_use_PrivateKey_file(ctx, tls->key_file, SSL_FILETYPE_PEM) != 1 ||
         SSL_CTX_check_private_key(ctx) != 1))
        goto fail;
    return 0;
fail:
    tls_reason(why, sizeof(why));
    set_error(err, FOLIO__CODE__UNAVAILABLE, true, "%s %s: %s", what, file, why);
    return -1;
}

static bool host_is_ip(const char *host)
{
    unsigned char addr[sizeof(struct in6_addr)];
    return inet_pton(AF_INET, host, addr) == 1 || inet_pton(AF_INET6, host, addr) == 1;
}

/* The SSL object over c->fd. With a CA file the certificate must also name
 * the host or IP address connected to; SNI names a host for servers that
 * have several (an address is never sent as a name). */
static int tls_session(struct folio_connection *c, const struct folio_tls *tls, const char *host,
                       struct folio_error *err)
{
    ERR_clear_error();
    /* No type index: nothing looks this BIO up by its type. */
    c->bio_method = BIO_meth_new(BIO_TYPE_SOURCE_SINK, "folio socket");
    c->ssl = SSL_new(c->ssl_ctx);
    bool ok = c->bio_method != NULL && c->ssl != NULL &&
              BIO_meth_set_write(c->bio_method, tls_bio_write) == 1 &&
              BIO_meth_set_read(c->bio_method, tls_bio_read) == 1 &&
              BIO_meth_set_ctrl(c->bio_method, tls_bio_ctrl) == 1;
    BIO *bio = ok ? BIO_new(c->bio_method) : NULL;
    ok = bio != NULL;
    if (ok) {
        BIO_set_data(bio, c);
        BIO_set_init(bio, 1);
        SSL_set_bio(c->ssl, bio, bio);
    }
    bool ip = host_is_ip(host);
    if (ok && !ip)
        ok = SSL_set_tlsext_host_name(c->ssl, host) == 1;
    if (ok && tls->ca_file != NULL)
        ok = ip ? X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(c->ssl), host) == 1
                : SSL_set1_host(c->ssl, host) == 1;
    if (ok)
        return 0;
    char why[REASON_MAX];
    tls_reason(why, sizeof(why));
    set_error(err, FOLIO__CODE__UNAVAILABLE, true, "cannot set up TLS for %s: %s", c->server, why);
    return -1;
}

static void tls_handshake_failed(struct folio_connection *c, const struct folio_tls *tls,
                                 struct folio_error *err)
{
    long verify = SSL_get_verify_result(c->ssl);
    if (tls->ca_file != NULL && verify != X509_V_OK) {
        ERR_clear_error();
        set_error(err, FOLIO__CODE__UNAVAILABLE, true,
                  "cannot verify the certificate of %s: %s (trusted certificates: %s)", c->server,
                  X509_verify_cert_error_string(verify), tls->ca_file);
        /* The chain is kept even though verification failed; the server's
         * own certificate comes first. */
        STACK_OF(X509) *chain = SSL_get_peer_cert_chain(c->ssl);
        X509 *cert = chain != NULL && sk_X509_num(chain) > 0 ? sk_X509_value(chain, 0) : NULL;
        char presented[TLS_FINGERPRINT_SIZE];
        if (cert != NULL && tls_fingerprint_of(cert, presented) == 0)
            set_presented(err, presented);
        return;
    }
    if (c->peer_eof || c->io_errno == ECONNRESET || c->io_errno == EPIPE) {
        ERR_clear_error();
        set_error(err, FOLIO__CODE__UNAVAILABLE, true,
                  "server %s closed the connection during the TLS handshake (it may require a "
                  "client certificate, or be at its connection limit)",
                  c->server);
        return;
    }
    char why[REASON_MAX];
    if (c->io_errno != 0) {
        ERR_clear_error();
        snprintf(why, sizeof(why), "%s", strerror(c->io_errno));
    } else {
        tls_reason(why, sizeof(why));
    }
    set_error(err, FOLIO__CODE__UNAVAILABLE, true, "TLS handshake with %s failed: %s", c->server,
              why);
}

static int tls_handshake(struct folio_connection *c, const struct folio_tls *tls,
                         struct folio_error *err)
{
    struct timespec deadline;
    deadline_start(c, &deadline);
    for (;;) {
        tls_call_begin(c);
        int rc = SSL_connect(c->ssl);
        if (rc == 1)
            return 0;
        int e = SSL_get_error(c->ssl, rc);
        if (e != SSL_ERROR_WANT_READ && e != SSL_ERROR_WANT_WRITE) {
            tls_handshake_failed(c, tls, err);
            return -1;
        }
        rc = wait_ready(c, c->fd, e == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT, &deadline);
        if (rc == 1) {
            set_error(err, FOLIO__CODE__UNAVAILABLE, true, "no TLS handshake with %s within %d ms",
                      c->server, c->timeout_ms);
            return -1;
        }
        if (rc < 0) {
            set_error(err, FOLIO__CODE__UNAVAILABLE, true, "connection to %s lost: %s", c->server,
                      strerror(errno));
            return -1;
        }
    }
}

static void asn1_time_text(const ASN1_TIME *t, char *out, size_t cap)
{
    struct tm tm;
    if (ASN1_TIME_to_tm(t, &tm) != 1 || strftime(out, cap, "%Y-%m-%d %H:%M UTC", &tm) == 0)
        snprintf(out, cap, "an unreadable date");
}

/* OpenSSL checks the dates of a certificate it verifies against a CA; one
 * recognised by its fingerprint, or shown to a person, is checked here. */
static int tls_check_dates(struct folio_connection *c, X509 *cert, struct folio_error *err)
{
    const ASN1_TIME *not_before = X509_get0_notBefore(cert);
    const ASN1_TIME *not_after = X509_get0_notAfter(cert);
    int before = X509_cmp_current_time(not_before);
    int after = X509_cmp_current_time(not_after);
    char when[64];
    if (before == 0 || after == 0) {
        set_error(err, FOLIO__CODE__UNAVAILABLE, true,
                  "the certificate of %s has unreadable validity dates", c->server);
    } else if (before > 0) {
        asn1_time_text(not_before, when, sizeof(when));
        set_error(err, FOLIO__CODE__UNAVAILABLE, true,
                  "the certificate of %s is not valid before %s", c->server, when);
    } else if (after < 0) {
        asn1_time_text(not_after, when, sizeof(when));
        set_error(err, FOLIO__CODE__UNAVAILABLE, true, "the certificate of %s expired on %s",
                  c->server, when);
    } else {
        return 0;
    }
    set_presented(err, c->fingerprint);
    return -1;
}

/* After the handshake: the server is the one trusted, as tls says. */
static int tls_check_peer(struct folio_connection *c, const struct folio_tls *tls,
                          const char *expected, struct folio_error *err)
{
    X509 *cert = SSL_get0_peer_certificate(c->ssl);
    if (cert == NULL || tls_fingerprint_of(cert, c->fingerprint) < 0) {
        c->fingerprint[0] = '\0';
        set_error(err, FOLIO__CODE__UNAVAILABLE, true, "server %s presented no usable certificate",
                  c->server);
        return -1;
    }
    if (tls->ca_file != NULL)
        return 0;
    if (tls->fingerprint != NULL && strcmp(c->fingerprint, expected) != 0) {
        set_error(err, FOLIO__CODE__UNAVAILABLE, true,
                  "WARNING: the certificate of %s has changed.\n"
                  "trusted:       %s\n"
                  "presented now: %s\n"
                  "This may be someone between you and the server.",
                  c->server, expected, c->fingerprint);
        set_presented(err, c->fingerprint);
        return -1;
    }
    return tls_check_dates(c, cert, err);
}

static int tls_start(struct folio_connection *c, const struct folio_tls *tls, const char *host,
                     const char *expected, struct folio_error *err)
{
    if (tls_session(c, tls, host, err) < 0 || tls_handshake(c, tls, err) < 0)
        return -1;
    return tls_check_peer(c, tls, expected, err);
}

struct folio_connection *folio_connection_connect(const char *server, const char *client_name,
                                                  const struct folio_tls *tls, int timeout_ms,
                                                  struct folio_error *err)
{
    struct folio_connection *c = calloc(1, sizeof(*c));
    if (c == NULL) {
        set_error(err, FOLIO__CODE__UNAVAILABLE, true, "out of memory");
        return NULL;
    }
    c->fd = -1;
    c->timeout_ms = timeout_ms > 0 ? timeout_ms : 0;
    c->max_frame = CLIENT_DEFAULT_MAX_FRAME;
    frame_reader_init(&c->reader, c->max_frame);
    snprintf(c->server, sizeof(c->server), "%.*s", SERVER_MAX, server != NULL ? server : "");
    char host[HOST_MAX + 1];
    char port[PORT_MAX + 1];
    char expected[TLS_FINGERPRINT_SIZE];
    if (split_server(c->server, host, port) < 0) {
        set_error(err, FOLIO__CODE__UNAVAILABLE, true,
                  "cannot connect to %s: not a HOST:PORT address ([::1]:PORT for IPv6)", c->server);
        goto fail;
    }
    if (tls_settings_check(c, tls, expected, err) < 0)
        goto fail;
    if (!tls->plaintext && tls_context(c, tls, err) < 0)
        goto fail;
    if (open_socket(c, host, port, tls->plaintext, err) < 0)
        goto fail;
    if (!tls->plaintext && tls_start(c, tls, host, expected, err) < 0)
        goto fail;

    Folio__Hello hello = FOLIO__HELLO__INIT;
    hello.protocol_version = FOLIO_PROTOCOL_VERSION;
    hello.client_name = (char *)(client_name != NULL ? client_name : "");
    c->hello = folio_connection_call_op(c, &hello.base, FOLIO__RESPONSE__RESULT_WELCOME, err);
    if (c->hello == NULL)
        goto fail;
    if (c->hello->welcome->protocol_version != FOLIO_PROTOCOL_VERSION) {
        set_error(err, FOLIO__CODE__FAILED_PRECONDITION, false,
                  "server %s speaks protocol %u; this client speaks %u", c->server,
                  c->hello->welcome->protocol_version, FOLIO_PROTOCOL_VERSION);
        goto fail;
    }
    return c;
fail:
    folio_connection_close(c);
    return NULL;
}

const char *folio_connection_fingerprint(const struct folio_connection *c)
{
    return c->fingerprint;
}

void folio_connection_close(struct folio_connection *c)
{
    if (c == NULL)
        return;
    if (c->ssl != NULL) {
        /* Tells the server the end is on purpose: one try, no waiting. */
        ERR_clear_error();
        if (!c->broken && SSL_is_init_finished(c->ssl))
            SSL_shutdown(c->ssl);
        SSL_free(c->ssl); /* and the BIO */
        ERR_clear_error();
    }
    SSL_CTX_free(c->ssl_ctx);
    BIO_meth_free(c->bio_method);
    if (c->fd >= 0)
        close(c->fd);
    frame_reader_free(&c->reader);
    folio_response_free(c->hello);
    free(c);
}

const Folio__Welcome *folio_connection_welcome(const struct folio_connection *c)
{
    return c->hello->welcome;
}

void folio_connection_set_max_frame(struct folio_connection *c, size_t max_frame)
{
    if (max_frame == 0)
        max_frame = CLIENT_DEFAULT_MAX_FRAME;
    if (max_frame > FRAME_ABSOLUTE_MAX)
        max_frame = FRAME_ABSOLUTE_MAX;
    c->max_frame = max_frame;
    c->reader.max_frame = max_frame;
}

char *folio_text(const char *s)
{
    return (char *)(s != NULL ? s : "");
}
