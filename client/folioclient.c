/* folioclient.c - see folioclient.h. */
#include "folioclient.h"

#include <errno.h>
#include <fcntl.h>
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

#include "frame.h"
#include "status.h"

/* Answers can be long lists, so the client accepts more than the server's
 * default request limit; it is still a bound on what a server can make us
 * allocate. */
#define CLIENT_DEFAULT_MAX_FRAME (16u * 1024u * 1024u)
#define HOST_MAX                 255
#define PORT_MAX                 5
#define SERVER_MAX               (HOST_MAX + PORT_MAX + 3)

struct folio_client {
    int fd;
    int timeout_ms;
    size_t max_frame;
    uint64_t next_id;
    bool broken; /* after a transport failure the stream is out of step */
    struct frame_reader reader;
    Folio__Response *hello; /* owns the Welcome */
    char server[SERVER_MAX + 1];
};

static void set_error(struct folio_error *err, Folio__Code code, bool transport, const char *fmt,
                      ...) __attribute__((format(printf, 4, 5)));

static void set_error(struct folio_error *err, Folio__Code code, bool transport, const char *fmt,
                      ...)
{
    if (err == NULL)
        return;
    err->code = code;
    err->transport = transport;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->message, sizeof(err->message), fmt, ap);
    va_end(ap);
}

/* A transport failure leaves the byte stream in an unknown state, so the
 * connection is not used again. */
static void transport_error(struct folio_client *c, struct folio_error *err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void transport_error(struct folio_client *c, struct folio_error *err, const char *fmt, ...)
{
    c->broken = true;
    if (err == NULL)
        return;
    err->code = FOLIO__CODE__UNAVAILABLE;
    err->transport = true;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->message, sizeof(err->message), fmt, ap);
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

void folio_client_set_timeout(struct folio_client *c, int timeout_ms)
{
    c->timeout_ms = timeout_ms > 0 ? timeout_ms : 0;
}

static void deadline_start(const struct folio_client *c, struct timespec *deadline)
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
static int deadline_left(const struct folio_client *c, const struct timespec *deadline)
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
static int wait_ready(const struct folio_client *c, int fd, short events,
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
static int connect_one(const struct folio_client *c, const struct addrinfo *ai,
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

static int open_socket(struct folio_client *c, struct folio_error *err)
{
    char host[HOST_MAX + 1];
    char port[PORT_MAX + 1];
    if (split_server(c->server, host, port) < 0) {
        set_error(err, FOLIO__CODE__UNAVAILABLE, true,
                  "cannot connect to %s: not a HOST:PORT address ([::1]:PORT for IPv6)", c->server);
        return -1;
    }
    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM};
    hints.ai_flags = AI_NUMERICSERV;
    struct addrinfo *list = NULL;
    int gai = getaddrinfo(host, port, &hints, &list);
    if (gai != 0) {
        set_error(err, FOLIO__CODE__UNAVAILABLE, true, "cannot connect to %s: %s", c->server,
                  gai == EAI_SYSTEM ? strerror(errno) : gai_strerror(gai));
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

static int write_all(struct folio_client *c, const uint8_t *buf, size_t len,
                     struct folio_error *err)
{
    struct timespec deadline;
    deadline_start(c, &deadline);
    size_t off = 0;
    while (off < len) {
        ssize_t n = send(c->fd, buf + off, len - off, MSG_NOSIGNAL);
        if (n > 0) {
            off += (size_t)n;
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            int rc = wait_ready(c, c->fd, POLLOUT, &deadline);
            if (rc == 0)
                continue;
            if (rc == 1) {
                transport_error(c, err, "cannot send to %s: no progress within %d ms", c->server,
                                c->timeout_ms);
                return -1;
            }
        }
        transport_error(c, err, "connection to %s lost: %s", c->server, strerror(errno));
        return -1;
    }
    return 0;
}

int folio_client_send(struct folio_client *c, Folio__Request *req, struct folio_error *err)
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

Folio__Response *folio_client_receive(struct folio_client *c, struct folio_error *err)
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
        ssize_t n = recv(c->fd, space, room, 0);
        if (n > 0) {
            frame_reader_commit(&c->reader, (size_t)n);
            continue;
        }
        if (n == 0) {
            transport_error(c, err, "server %s closed the connection", c->server);
            return NULL;
        }
        if (errno == EINTR)
            continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK) {
            int rc = wait_ready(c, c->fd, POLLIN, &deadline);
            if (rc == 0)
                continue;
            if (rc == 1) {
                transport_error(c, err, "no answer from %s within %d ms", c->server, c->timeout_ms);
                return NULL;
            }
        }
        transport_error(c, err, "connection to %s lost: %s", c->server, strerror(errno));
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

Folio__Response *folio_client_call(struct folio_client *c, Folio__Request *req,
                                   struct folio_error *err)
{
    if (folio_client_send(c, req, err) < 0)
        return NULL;
    for (;;) {
        Folio__Response *r = folio_client_receive(c, err);
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

Folio__Response *folio_client_call_expect(struct folio_client *c, Folio__Request *req,
                                          Folio__Response__ResultCase want, struct folio_error *err)
{
    Folio__Response *r = folio_client_call(c, req, err);
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

void folio_response_free(Folio__Response *r)
{
    if (r != NULL)
        folio__response__free_unpacked(r, NULL);
}

struct folio_client *folio_client_connect(const char *server, const char *client_name,
                                          int timeout_ms, struct folio_error *err)
{
    struct folio_client *c = calloc(1, sizeof(*c));
    if (c == NULL) {
        set_error(err, FOLIO__CODE__UNAVAILABLE, true, "out of memory");
        return NULL;
    }
    c->fd = -1;
    c->timeout_ms = timeout_ms > 0 ? timeout_ms : 0;
    c->max_frame = CLIENT_DEFAULT_MAX_FRAME;
    frame_reader_init(&c->reader, c->max_frame);
    snprintf(c->server, sizeof(c->server), "%.*s", SERVER_MAX, server != NULL ? server : "");
    if (open_socket(c, err) < 0)
        goto fail;

    Folio__Hello hello = FOLIO__HELLO__INIT;
    hello.protocol_version = FOLIO_PROTOCOL_VERSION;
    hello.client_name = (char *)(client_name != NULL ? client_name : "");
    Folio__Request req = FOLIO__REQUEST__INIT;
    req.op_case = FOLIO__REQUEST__OP_HELLO;
    req.hello = &hello;
    c->hello = folio_client_call_expect(c, &req, FOLIO__RESPONSE__RESULT_WELCOME, err);
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
    folio_client_close(c);
    return NULL;
}

void folio_client_close(struct folio_client *c)
{
    if (c == NULL)
        return;
    if (c->fd >= 0)
        close(c->fd);
    frame_reader_free(&c->reader);
    folio_response_free(c->hello);
    free(c);
}

const Folio__Welcome *folio_client_welcome(const struct folio_client *c)
{
    return c->hello->welcome;
}

void folio_client_set_max_frame(struct folio_client *c, size_t max_frame)
{
    if (max_frame == 0)
        max_frame = CLIENT_DEFAULT_MAX_FRAME;
    if (max_frame > FRAME_ABSOLUTE_MAX)
        max_frame = FRAME_ABSOLUTE_MAX;
    c->max_frame = max_frame;
    c->reader.max_frame = max_frame;
}

/* protobuf-c never writes through string fields when packing; the casts
 * only satisfy its non-const field type. */
static char *field(const char *s)
{
    return (char *)(s != NULL ? s : "");
}

Folio__Response *folio_login(struct folio_client *c, const char *username, const char *password,
                             struct folio_error *err)
{
    Folio__Login op = FOLIO__LOGIN__INIT;
    op.username = field(username);
    op.password = field(password);
    Folio__Request req = FOLIO__REQUEST__INIT;
    req.op_case = FOLIO__REQUEST__OP_LOGIN;
    req.login = &op;
    return folio_client_call_expect(c, &req, FOLIO__RESPONSE__RESULT_SESSION, err);
}

Folio__Response *folio_authenticate(struct folio_client *c, const char *token,
                                    struct folio_error *err)
{
    Folio__Authenticate op = FOLIO__AUTHENTICATE__INIT;
    op.token = field(token);
    Folio__Request req = FOLIO__REQUEST__INIT;
    req.op_case = FOLIO__REQUEST__OP_AUTHENTICATE;
    req.authenticate = &op;
    return folio_client_call_expect(c, &req, FOLIO__RESPONSE__RESULT_SESSION, err);
}

Folio__Response *folio_logout(struct folio_client *c, struct folio_error *err)
{
    Folio__Logout op = FOLIO__LOGOUT__INIT;
    Folio__Request req = FOLIO__REQUEST__INIT;
    req.op_case = FOLIO__REQUEST__OP_LOGOUT;
    req.logout = &op;
    return folio_client_call_expect(c, &req, FOLIO__RESPONSE__RESULT_EMPTY, err);
}

Folio__Response *folio_whoami(struct folio_client *c, struct folio_error *err)
{
    Folio__WhoAmI op = FOLIO__WHO_AM_I__INIT;
    Folio__Request req = FOLIO__REQUEST__INIT;
    req.op_case = FOLIO__REQUEST__OP_WHOAMI;
    req.whoami = &op;
    return folio_client_call_expect(c, &req, FOLIO__RESPONSE__RESULT_SESSION, err);
}

Folio__Response *folio_password_change(struct folio_client *c, const char *old_password,
                                       const char *new_password, struct folio_error *err)
{
    Folio__PasswordChange op = FOLIO__PASSWORD_CHANGE__INIT;
    op.old_password = field(old_password);
    op.new_password = field(new_password);
    Folio__Request req = FOLIO__REQUEST__INIT;
    req.op_case = FOLIO__REQUEST__OP_PASSWORD_CHANGE;
    req.password_change = &op;
    return folio_client_call_expect(c, &req, FOLIO__RESPONSE__RESULT_EMPTY, err);
}

Folio__Response *folio_office_add(struct folio_client *c, const char *name, struct folio_error *err)
{
    Folio__OfficeAdd op = FOLIO__OFFICE_ADD__INIT;
    op.name = field(name);
    Folio__Request req = FOLIO__REQUEST__INIT;
    req.op_case = FOLIO__REQUEST__OP_OFFICE_ADD;
    req.office_add = &op;
    return folio_client_call_expect(c, &req, FOLIO__RESPONSE__RESULT_OFFICE, err);
}

Folio__Response *folio_office_list(struct folio_client *c, struct folio_error *err)
{
    Folio__OfficeList op = FOLIO__OFFICE_LIST__INIT;
    Folio__Request req = FOLIO__REQUEST__INIT;
    req.op_case = FOLIO__REQUEST__OP_OFFICE_LIST;
    req.office_list = &op;
    return folio_client_call_expect(c, &req, FOLIO__RESPONSE__RESULT_OFFICES, err);
}

Folio__Response *folio_user_add(struct folio_client *c, const char *name, Folio__Role role,
                                const char *office, const char *password, struct folio_error *err)
{
    Folio__UserAdd op = FOLIO__USER_ADD__INIT;
    op.name = field(name);
    op.role = role;
    op.office = field(office);
    op.password = field(password);
    Folio__Request req = FOLIO__REQUEST__INIT;
    req.op_case = FOLIO__REQUEST__OP_USER_ADD;
    req.user_add = &op;
    return folio_client_call_expect(c, &req, FOLIO__RESPONSE__RESULT_USER, err);
}

Folio__Response *folio_user_list(struct folio_client *c, uint32_t limit, const char *after,
                                 struct folio_error *err)
{
    Folio__UserList op = FOLIO__USER_LIST__INIT;
    op.limit = limit;
    op.after = field(after);
    Folio__Request req = FOLIO__REQUEST__INIT;
    req.op_case = FOLIO__REQUEST__OP_USER_LIST;
    req.user_list = &op;
    return folio_client_call_expect(c, &req, FOLIO__RESPONSE__RESULT_USERS, err);
}

Folio__Response *folio_user_disable(struct folio_client *c, const char *name,
                                    struct folio_error *err)
{
    Folio__UserDisable op = FOLIO__USER_DISABLE__INIT;
    op.name = field(name);
    Folio__Request req = FOLIO__REQUEST__INIT;
    req.op_case = FOLIO__REQUEST__OP_USER_DISABLE;
    req.user_disable = &op;
    return folio_client_call_expect(c, &req, FOLIO__RESPONSE__RESULT_USER, err);
}

Folio__Response *folio_user_passwd(struct folio_client *c, const char *name, const char *password,
                                   struct folio_error *err)
{
    Folio__UserPasswd op = FOLIO__USER_PASSWD__INIT;
    op.name = field(name);
    op.password = field(password);
    Folio__Request req = FOLIO__REQUEST__INIT;
    req.op_case = FOLIO__REQUEST__OP_USER_PASSWD;
    req.user_passwd = &op;
    return folio_client_call_expect(c, &req, FOLIO__RESPONSE__RESULT_EMPTY, err);
}

Folio__Response *folio_audit_query(struct folio_client *c, const char *actor, int64_t since,
                                   uint32_t limit, uint64_t before, struct folio_error *err)
{
    Folio__AuditQuery op = FOLIO__AUDIT_QUERY__INIT;
    op.actor = field(actor);
    op.since = since;
    op.limit = limit;
    op.before = before;
    Folio__Request req = FOLIO__REQUEST__INIT;
    req.op_case = FOLIO__REQUEST__OP_AUDIT_QUERY;
    req.audit_query = &op;
    return folio_client_call_expect(c, &req, FOLIO__RESPONSE__RESULT_AUDIT, err);
}

/* The record travels as given; protobuf-c only reads it when packing. */
Folio__Response *folio_client_add(struct folio_client *c, const Folio__Client *client,
                                  struct folio_error *err)
{
    Folio__ClientAdd op = FOLIO__CLIENT_ADD__INIT;
    op.client = (Folio__Client *)client;
    Folio__Request req = FOLIO__REQUEST__INIT;
    req.op_case = FOLIO__REQUEST__OP_CLIENT_ADD;
    req.client_add = &op;
    return folio_client_call_expect(c, &req, FOLIO__RESPONSE__RESULT_CLIENT, err);
}

Folio__Response *folio_client_get(struct folio_client *c, const char *id, bool firm_admin_read,
                                  struct folio_error *err)
{
    Folio__ClientGet op = FOLIO__CLIENT_GET__INIT;
    op.id = field(id);
    op.firm_admin_read = firm_admin_read;
    Folio__Request req = FOLIO__REQUEST__INIT;
    req.op_case = FOLIO__REQUEST__OP_CLIENT_GET;
    req.client_get = &op;
    return folio_client_call_expect(c, &req, FOLIO__RESPONSE__RESULT_CLIENT, err);
}

Folio__Response *folio_client_list(struct folio_client *c, uint32_t limit, const char *after,
                                   struct folio_error *err)
{
    Folio__ClientList op = FOLIO__CLIENT_LIST__INIT;
    op.limit = limit;
    op.after = field(after);
    Folio__Request req = FOLIO__REQUEST__INIT;
    req.op_case = FOLIO__REQUEST__OP_CLIENT_LIST;
    req.client_list = &op;
    return folio_client_call_expect(c, &req, FOLIO__RESPONSE__RESULT_CLIENTS, err);
}

Folio__Response *folio_client_update(struct folio_client *c, const char *id,
                                     const Folio__Client *changes, const char *const *fields,
                                     size_t n_fields, uint64_t if_version, struct folio_error *err)
{
    Folio__ClientUpdate op = FOLIO__CLIENT_UPDATE__INIT;
    op.id = field(id);
    op.client = (Folio__Client *)changes;
    op.fields = (char **)fields;
    op.n_fields = n_fields;
    op.if_version = if_version;
    Folio__Request req = FOLIO__REQUEST__INIT;
    req.op_case = FOLIO__REQUEST__OP_CLIENT_UPDATE;
    req.client_update = &op;
    return folio_client_call_expect(c, &req, FOLIO__RESPONSE__RESULT_CLIENT, err);
}

Folio__Response *folio_client_erase(struct folio_client *c, const char *id, struct folio_error *err)
{
    Folio__ClientErase op = FOLIO__CLIENT_ERASE__INIT;
    op.id = field(id);
    Folio__Request req = FOLIO__REQUEST__INIT;
    req.op_case = FOLIO__REQUEST__OP_CLIENT_ERASE;
    req.client_erase = &op;
    return folio_client_call_expect(c, &req, FOLIO__RESPONSE__RESULT_EMPTY, err);
}

Folio__Response *folio_client_history(struct folio_client *c, const char *id, uint32_t limit,
                                      uint64_t before, struct folio_error *err)
{
    Folio__ClientHistory op = FOLIO__CLIENT_HISTORY__INIT;
    op.id = field(id);
    op.limit = limit;
    op.before = before;
    Folio__Request req = FOLIO__REQUEST__INIT;
    req.op_case = FOLIO__REQUEST__OP_CLIENT_HISTORY;
    req.client_history = &op;
    return folio_client_call_expect(c, &req, FOLIO__RESPONSE__RESULT_TIMELINE, err);
}

Folio__Response *folio_event_add(struct folio_client *c, const Folio__EventAdd *event,
                                 struct folio_error *err)
{
    Folio__Request req = FOLIO__REQUEST__INIT;
    req.op_case = FOLIO__REQUEST__OP_EVENT_ADD;
    req.event_add = (Folio__EventAdd *)event;
    return folio_client_call_expect(c, &req, FOLIO__RESPONSE__RESULT_EVENT, err);
}

Folio__Response *folio_segment(struct folio_client *c, const Folio__Segment *segment,
                               struct folio_error *err)
{
    Folio__Request req = FOLIO__REQUEST__INIT;
    req.op_case = FOLIO__REQUEST__OP_SEGMENT;
    req.segment = (Folio__Segment *)segment;
    return folio_client_call_expect(c, &req, FOLIO__RESPONSE__RESULT_SEGMENT, err);
}

Folio__Response *folio_rule_add(struct folio_client *c, const Folio__Rule *rule,
                                struct folio_error *err)
{
    Folio__RuleAdd op = FOLIO__RULE_ADD__INIT;
    op.rule = (Folio__Rule *)rule;
    Folio__Request req = FOLIO__REQUEST__INIT;
    req.op_case = FOLIO__REQUEST__OP_RULE_ADD;
    req.rule_add = &op;
    return folio_client_call_expect(c, &req, FOLIO__RESPONSE__RESULT_RULE, err);
}

Folio__Response *folio_rule_list(struct folio_client *c, struct folio_error *err)
{
    Folio__RuleList op = FOLIO__RULE_LIST__INIT;
    Folio__Request req = FOLIO__REQUEST__INIT;
    req.op_case = FOLIO__REQUEST__OP_RULE_LIST;
    req.rule_list = &op;
    return folio_client_call_expect(c, &req, FOLIO__RESPONSE__RESULT_RULES, err);
}

Folio__Response *folio_rule_remove(struct folio_client *c, uint64_t id, struct folio_error *err)
{
    Folio__RuleRemove op = FOLIO__RULE_REMOVE__INIT;
    op.id = id;
    Folio__Request req = FOLIO__REQUEST__INIT;
    req.op_case = FOLIO__REQUEST__OP_RULE_REMOVE;
    req.rule_remove = &op;
    return folio_client_call_expect(c, &req, FOLIO__RESPONSE__RESULT_EMPTY, err);
}

Folio__Response *folio_calendar_get(struct folio_client *c, struct folio_error *err)
{
    Folio__CalendarGet op = FOLIO__CALENDAR_GET__INIT;
    Folio__Request req = FOLIO__REQUEST__INIT;
    req.op_case = FOLIO__REQUEST__OP_CALENDAR_GET;
    req.calendar_get = &op;
    return folio_client_call_expect(c, &req, FOLIO__RESPONSE__RESULT_CALENDAR, err);
}

Folio__Response *folio_calendar_set(struct folio_client *c, const Folio__Calendar *calendar,
                                    const char *const *fields, size_t n_fields,
                                    struct folio_error *err)
{
    Folio__CalendarSet op = FOLIO__CALENDAR_SET__INIT;
    op.calendar = (Folio__Calendar *)calendar;
    op.fields = (char **)fields;
    op.n_fields = n_fields;
    Folio__Request req = FOLIO__REQUEST__INIT;
    req.op_case = FOLIO__REQUEST__OP_CALENDAR_SET;
    req.calendar_set = &op;
    return folio_client_call_expect(c, &req, FOLIO__RESPONSE__RESULT_CALENDAR, err);
}

Folio__Response *folio_occasion_add(struct folio_client *c, const char *name, uint32_t month,
                                    uint32_t day, struct folio_error *err)
{
    Folio__Occasion occasion = FOLIO__OCCASION__INIT;
    occasion.name = field(name);
    occasion.month = month;
    occasion.day = day;
    Folio__OccasionAdd op = FOLIO__OCCASION_ADD__INIT;
    op.occasion = &occasion;
    Folio__Request req = FOLIO__REQUEST__INIT;
    req.op_case = FOLIO__REQUEST__OP_OCCASION_ADD;
    req.occasion_add = &op;
    return folio_client_call_expect(c, &req, FOLIO__RESPONSE__RESULT_CALENDAR, err);
}

Folio__Response *folio_occasion_remove(struct folio_client *c, const char *name,
                                       struct folio_error *err)
{
    Folio__OccasionRemove op = FOLIO__OCCASION_REMOVE__INIT;
    op.name = field(name);
    Folio__Request req = FOLIO__REQUEST__INIT;
    req.op_case = FOLIO__REQUEST__OP_OCCASION_REMOVE;
    req.occasion_remove = &op;
    return folio_client_call_expect(c, &req, FOLIO__RESPONSE__RESULT_CALENDAR, err);
}

Folio__Response *folio_alert_add(struct folio_client *c, const Folio__Alert *alert,
                                 struct folio_error *err)
{
    Folio__AlertAdd op = FOLIO__ALERT_ADD__INIT;
    op.alert = (Folio__Alert *)alert;
    Folio__Request req = FOLIO__REQUEST__INIT;
    req.op_case = FOLIO__REQUEST__OP_ALERT_ADD;
    req.alert_add = &op;
    return folio_client_call_expect(c, &req, FOLIO__RESPONSE__RESULT_ALERT, err);
}

Folio__Response *folio_alert_list(struct folio_client *c, const char *date, bool include_ended,
                                  struct folio_error *err)
{
    Folio__AlertList op = FOLIO__ALERT_LIST__INIT;
    op.date = field(date);
    op.include_ended = include_ended;
    Folio__Request req = FOLIO__REQUEST__INIT;
    req.op_case = FOLIO__REQUEST__OP_ALERT_LIST;
    req.alert_list = &op;
    return folio_client_call_expect(c, &req, FOLIO__RESPONSE__RESULT_ALERTS, err);
}

Folio__Response *folio_alert_end(struct folio_client *c, uint64_t id, const char *date,
                                 struct folio_error *err)
{
    Folio__AlertEnd op = FOLIO__ALERT_END__INIT;
    op.id = id;
    op.date = field(date);
    Folio__Request req = FOLIO__REQUEST__INIT;
    req.op_case = FOLIO__REQUEST__OP_ALERT_END;
    req.alert_end = &op;
    return folio_client_call_expect(c, &req, FOLIO__RESPONSE__RESULT_ALERT, err);
}

Folio__Response *folio_offer_add(struct folio_client *c, const Folio__Offer *offer,
                                 const char *date, struct folio_error *err)
{
    Folio__OfferAdd op = FOLIO__OFFER_ADD__INIT;
    op.offer = (Folio__Offer *)offer;
    op.date = (char *)(date != NULL ? date : "");
    Folio__Request req = FOLIO__REQUEST__INIT;
    req.op_case = FOLIO__REQUEST__OP_OFFER_ADD;
    req.offer_add = &op;
    return folio_client_call_expect(c, &req, FOLIO__RESPONSE__RESULT_OFFER, err);
}

Folio__Response *folio_offer_list(struct folio_client *c, const char *client_id, const char *status,
                                  const char *date, uint32_t limit, uint64_t after,
                                  struct folio_error *err)
{
    Folio__OfferList op = FOLIO__OFFER_LIST__INIT;
    op.client_id = field(client_id);
    op.status = field(status);
    op.date = field(date);
    op.limit = limit;
    op.after = after;
    Folio__Request req = FOLIO__REQUEST__INIT;
    req.op_case = FOLIO__REQUEST__OP_OFFER_LIST;
    req.offer_list = &op;
    return folio_client_call_expect(c, &req, FOLIO__RESPONSE__RESULT_OFFERS, err);
}

Folio__Response *folio_offer_set(struct folio_client *c, uint64_t id, const char *status,
                                 const char *date, struct folio_error *err)
{
    Folio__OfferSet op = FOLIO__OFFER_SET__INIT;
    op.id = id;
    op.status = field(status);
    op.date = field(date);
    Folio__Request req = FOLIO__REQUEST__INIT;
    req.op_case = FOLIO__REQUEST__OP_OFFER_SET;
    req.offer_set = &op;
    return folio_client_call_expect(c, &req, FOLIO__RESPONSE__RESULT_OFFER, err);
}

Folio__Response *folio_partner_add(struct folio_client *c, const Folio__Partner *partner,
                                   struct folio_error *err)
{
    Folio__PartnerAdd op = FOLIO__PARTNER_ADD__INIT;
    op.partner = (Folio__Partner *)partner;
    Folio__Request req = FOLIO__REQUEST__INIT;
    req.op_case = FOLIO__REQUEST__OP_PARTNER_ADD;
    req.partner_add = &op;
    return folio_client_call_expect(c, &req, FOLIO__RESPONSE__RESULT_PARTNER, err);
}

Folio__Response *folio_partner_list(struct folio_client *c, struct folio_error *err)
{
    Folio__PartnerList op = FOLIO__PARTNER_LIST__INIT;
    Folio__Request req = FOLIO__REQUEST__INIT;
    req.op_case = FOLIO__REQUEST__OP_PARTNER_LIST;
    req.partner_list = &op;
    return folio_client_call_expect(c, &req, FOLIO__RESPONSE__RESULT_PARTNERS, err);
}

Folio__Response *folio_coupon_issue(struct folio_client *c, const Folio__Coupon *coupon,
                                    const char *date, struct folio_error *err)
{
    Folio__CouponIssue op = FOLIO__COUPON_ISSUE__INIT;
    op.coupon = (Folio__Coupon *)coupon;
    op.date = field(date);
    Folio__Request req = FOLIO__REQUEST__INIT;
    req.op_case = FOLIO__REQUEST__OP_COUPON_ISSUE;
    req.coupon_issue = &op;
    return folio_client_call_expect(c, &req, FOLIO__RESPONSE__RESULT_COUPON, err);
}

Folio__Response *folio_coupon_list(struct folio_client *c, const char *client_id, uint32_t limit,
                                   const char *after, struct folio_error *err)
{
    Folio__CouponList op = FOLIO__COUPON_LIST__INIT;
    op.client_id = field(client_id);
    op.limit = limit;
    op.after = field(after);
    Folio__Request req = FOLIO__REQUEST__INIT;
    req.op_case = FOLIO__REQUEST__OP_COUPON_LIST;
    req.coupon_list = &op;
    return folio_client_call_expect(c, &req, FOLIO__RESPONSE__RESULT_COUPONS, err);
}

Folio__Response *folio_coupon_redeem(struct folio_client *c, const char *code, const char *date,
                                     struct folio_error *err)
{
    Folio__CouponRedeem op = FOLIO__COUPON_REDEEM__INIT;
    op.code = field(code);
    op.date = field(date);
    Folio__Request req = FOLIO__REQUEST__INIT;
    req.op_case = FOLIO__REQUEST__OP_COUPON_REDEEM;
    req.coupon_redeem = &op;
    return folio_client_call_expect(c, &req, FOLIO__RESPONSE__RESULT_COUPON, err);
}

Folio__Response *folio_profile_set(struct folio_client *c, const Folio__AgentCard *card,
                                   const char *const *fields, size_t n_fields,
                                   struct folio_error *err)
{
    Folio__ProfileSet op = FOLIO__PROFILE_SET__INIT;
    op.card = (Folio__AgentCard *)card;
    op.fields = (char **)fields;
    op.n_fields = n_fields;
    Folio__Request req = FOLIO__REQUEST__INIT;
    req.op_case = FOLIO__REQUEST__OP_PROFILE_SET;
    req.profile_set = &op;
    return folio_client_call_expect(c, &req, FOLIO__RESPONSE__RESULT_CARD, err);
}

Folio__Response *folio_profile_get(struct folio_client *c, struct folio_error *err)
{
    Folio__ProfileGet op = FOLIO__PROFILE_GET__INIT;
    Folio__Request req = FOLIO__REQUEST__INIT;
    req.op_case = FOLIO__REQUEST__OP_PROFILE_GET;
    req.profile_get = &op;
    return folio_client_call_expect(c, &req, FOLIO__RESPONSE__RESULT_CARD, err);
}

Folio__Response *folio_agenda(struct folio_client *c, const char *date, uint32_t days,
                              struct folio_error *err)
{
    Folio__AgendaQuery op = FOLIO__AGENDA_QUERY__INIT;
    op.date = field(date);
    op.days = days;
    Folio__Request req = FOLIO__REQUEST__INIT;
    req.op_case = FOLIO__REQUEST__OP_AGENDA;
    req.agenda = &op;
    return folio_client_call_expect(c, &req, FOLIO__RESPONSE__RESULT_AGENDA, err);
}

static const struct {
    Folio__Role role;
    const char *name;
} role_names[] = {
    {FOLIO__ROLE__ROLE_AGENT, "agent"},
    {FOLIO__ROLE__ROLE_OFFICE_ADMIN, "office-admin"},
    {FOLIO__ROLE__ROLE_FIRM_ADMIN, "firm-admin"},
};

int folio_role_from_name(const char *name, Folio__Role *role)
{
    for (size_t i = 0; i < sizeof(role_names) / sizeof(role_names[0]); i++) {
        if (name != NULL && strcmp(name, role_names[i].name) == 0) {
            *role = role_names[i].role;
            return 0;
        }
    }
    return -1;
}

const char *folio_role_name(Folio__Role role)
{
    for (size_t i = 0; i < sizeof(role_names) / sizeof(role_names[0]); i++)
        if (role_names[i].role == role)
            return role_names[i].name;
    return role == FOLIO__ROLE__ROLE_UNSPECIFIED ? "unspecified" : "unknown";
}

static const struct {
    Folio__MaritalStatus status;
    const char *name;
} marital_names[] = {
    {FOLIO__MARITAL_STATUS__MARITAL_SINGLE, "single"},
    {FOLIO__MARITAL_STATUS__MARITAL_MARRIED, "married"},
    {FOLIO__MARITAL_STATUS__MARITAL_PARTNERED, "partnered"},
    {FOLIO__MARITAL_STATUS__MARITAL_DIVORCED, "divorced"},
    {FOLIO__MARITAL_STATUS__MARITAL_WIDOWED, "widowed"},
};

int folio_marital_from_name(const char *name, Folio__MaritalStatus *status)
{
    for (size_t i = 0; i < sizeof(marital_names) / sizeof(marital_names[0]); i++) {
        if (name != NULL && strcmp(name, marital_names[i].name) == 0) {
            *status = marital_names[i].status;
            return 0;
        }
    }
    return -1;
}

const char *folio_marital_name(Folio__MaritalStatus status)
{
    for (size_t i = 0; i < sizeof(marital_names) / sizeof(marital_names[0]); i++)
        if (marital_names[i].status == status)
            return marital_names[i].name;
    return NULL;
}
