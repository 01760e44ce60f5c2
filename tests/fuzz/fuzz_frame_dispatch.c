/* fuzz_frame_dispatch.c - bytes from a peer through a real foliod
 * connection: framing (frame_reader), request decoding, the order rule and
 * back-pressure of connection.c, every stage of dispatch.c and the op
 * handlers, against a real store, writer thread and password hasher.
 *
 * One server serves every input, opened once by server_open as foliod's is
 * (server.h), with its writer thread, its pool and its loop kept from one
 * input to the next, so that an input costs what its requests cost and not
 * a server's start. What an input changes is undone before the next: when
 * the writer committed anything, every table of the store is emptied and
 * given back the records it held once the firm was made
 * (fuzz_store_image.h), in one write transaction, and files the input left
 * in the data directory (a backup) are removed; the login throttle (after
 * a Login), the counters and the random source start over for every input,
 * so an input replays the same way. In place of server_serve, the server
 * listens on a Unix socket rather than TCP (no network is involved, and
 * connection_accept runs unchanged) and serves without TLS, and the
 * harness runs the loop.
 *
 * The firm is made by firm_init, then given, through a connection of the
 * harness's own, an office "Main" with an office-admin "manager" and two
 * agents, "agent" and "agent2" (every password FUZZ_ADMIN_PASSWORD), a
 * partner, and two clients of "agent"; then each of the firm-admin,
 * "manager" and "agent" logs in once, and their sessions are kept in the
 * store. The first byte of an input says how the rest is sent:
 *   bits 0-1  who is logged in first, with a Hello and an Authenticate with
 *             that session the harness prepends, so that the ops that need
 *             a session are reached without a password hashed and a
 *             session written for every input (a Login in the input is
 *             served as any other): 0 nobody, 1 the firm-admin,
 *             2 the office-admin, 3 "agent";
 *   bit 2     a name is locked out after its second failed login, not its
 *             first, so that the delayed answer to a repeated failure is
 *             reached too (each failure delayed by 1 ms here, not by
 *             100 ms doubling up to 2 s as in foliod);
 *   bit 3     tight limits: frames of 1 KiB at most, 2 requests in flight,
 *             64 KiB of replies waiting before the server stops reading;
 *   bit 4     hang up: once everything is sent the harness closes its end
 *             without reading a reply, so the server loses the peer while
 *             requests are still queued or running off the loop.
 * The rest goes to the server as it is, then (unless it hangs up) the
 * harness half-closes the connection and reads until the server closes it.
 * The input fails when a reply is not a whole Response frame, when the
 * harness's own Hello or Authenticate is refused, when the server has not finished
 * within FUZZ_DEADLINE_MS, or when anything of the connection is left
 * behind (a handle on the loop, a request off it, a connection counted).
 *
 * FOLIO_FUZZ_REPLIES=FILE appends every reply frame the server sends to FILE,
 * for make_corpus.py, which learns ids and bundles from them. */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <uv.h>

#include "connection.h"
#include "firm_key.h"
#include "envelope.h"
#include "frame.h"
#include "fuzz_store_image.h"
#include "fuzz_support.h"
#include "fuzz_target.h"
#include "server.h"
#include "server_options.h"
#include "stats.h"
#include "throttle.h"

#define FUZZ_DEADLINE_MS      20000
#define FUZZ_READ_CHUNK       (64u * 1024u)
#define FUZZ_FLAG_ROLE        0x03
#define FUZZ_FLAG_SLOW_LOCK   0x04
#define FUZZ_FLAG_TIGHT       0x08
#define FUZZ_FLAG_HANG_UP     0x10
#define FUZZ_MAX_HASHES       2
#define FUZZ_MAX_IMPORT_BYTES (1u << 20)
#define FUZZ_TOKEN_SIZE       128

/* Request frames, back to back. */
struct fuzz_frames {
    uint8_t *data;
    size_t len;
    unsigned count;
};

/* Who the first byte may log in, by its bits 0-1 (0: nobody). */
static const char *const fuzz_logins[] = {NULL, FUZZ_ADMIN_NAME, "manager", "agent"};

static char fuzz_dir[PATH_MAX];             /* the firm's data directory */
static struct server fuzz_server;           /* serves every input */
static struct server_config fuzz_defaults;  /* its configuration, before an input's flags */
static struct fuzz_store_image *fuzz_image; /* its store once the firm was made */
static struct fuzz_frames fuzz_prefixes[4]; /* by bits 0-1 of the first byte */
static char fuzz_token[FUZZ_TOKEN_SIZE];    /* the last session token a reply held */
static FILE *fuzz_replies;

/* The harness's end of the connection. */
struct fuzz_peer {
    uv_poll_t poll;
    int fd;
    const uint8_t *out;
    size_t out_len, out_done;
    bool out_closed;
    bool hang_up; /* close the socket once out is sent, reading nothing */
    uint8_t *in;  /* reply bytes not yet parsed */
    size_t in_len, in_cap;
    bool in_closed;
    unsigned replies;
    unsigned own_replies; /* how many of the first replies answer the prefix */
};

/* ---------------------------------------------------------------- setup */

/* The hasher lowers the pool threads to SCHED_IDLE (hasher.c), and on a
 * machine busy with other work that starves a login for seconds, which would
 * drown the fuzzer. What is fuzzed is what the jobs do, not when they get a
 * core: here the pool threads keep the scheduling they have. */
int pthread_setschedparam(pthread_t thread, int policy, const struct sched_param *param)
{
    (void)thread;
    (void)policy;
    (void)param;
    return 0;
}

static void fuzz_frames_add(struct fuzz_frames *f, Folio__Request *req)
{
    uint8_t *frame;
    size_t len;
    req->id = f->count + 1;
    if (frame_encode(&req->base, FRAME_DEFAULT_MAX, &frame, &len) != 0)
        fuzz_fail("cannot encode the harness's own request");
    uint8_t *grown = realloc(f->data, f->len + len);
    if (grown == NULL)
        fuzz_fail("out of memory");
    memcpy(grown + f->len, frame, len);
    f->data = grown;
    f->len += len;
    f->count++;
    free(frame);
}

static void fuzz_frames_hello(struct fuzz_frames *f)
{
    Folio__Hello hello = FOLIO__HELLO__INIT;
    hello.protocol_version = SERVER_PROTOCOL_VERSION;
    hello.client_name = (char *)"fuzz";
    Folio__Request req;
    envelope_init(&req, &hello.base);
    fuzz_frames_add(f, &req);
}

static void fuzz_frames_login(struct fuzz_frames *f, const char *name)
{
    Folio__Login login = FOLIO__LOGIN__INIT;
    login.username = (char *)name;
    login.password = (char *)FUZZ_ADMIN_PASSWORD;
    Folio__Request req;
    envelope_init(&req, &login.base);
    fuzz_frames_add(f, &req);
}

static void fuzz_frames_authenticate(struct fuzz_frames *f, const char *token)
{
    Folio__Authenticate auth = FOLIO__AUTHENTICATE__INIT;
    auth.token = (char *)token;
    Folio__Request req;
    envelope_init(&req, &auth.base);
    fuzz_frames_add(f, &req);
}

static void fuzz_frames_user(struct fuzz_frames *f, const char *name, Folio__Role role)
{
    Folio__UserAdd add = FOLIO__USER_ADD__INIT;
    add.name = (char *)name;
    add.role = role;
    add.office = (char *)"Main";
    add.password = (char *)FUZZ_ADMIN_PASSWORD;
    Folio__Request req;
    envelope_init(&req, &add.base);
    fuzz_frames_add(f, &req);
}

static void fuzz_frames_client(struct fuzz_frames *f, const char *name, const char *city,
                               const char *birth_date)
{
    Folio__Client client = FOLIO__CLIENT__INIT;
    client.name = (char *)name;
    client.city = (char *)city;
    client.birth_date = (char *)birth_date;
    Folio__ClientAdd add = FOLIO__CLIENT_ADD__INIT;
    add.client = &client;
    Folio__Request req;
    envelope_init(&req, &add.base);
    fuzz_frames_add(f, &req);
}

static void fuzz_server_open(void);
static void fuzz_serve(struct server *s, const uint8_t *out, size_t out_len, unsigned own_replies,
                       bool hang_up);

/* The office, its people, a partner and two clients, added as any client
 * would. */
static void fuzz_firm_populate(void)
{
    struct fuzz_frames f = {0};
    fuzz_frames_hello(&f);
    fuzz_frames_login(&f, FUZZ_ADMIN_NAME);
    Folio__OfficeAdd office = FOLIO__OFFICE_ADD__INIT;
    office.name = (char *)"Main";
    Folio__Request req;
    envelope_init(&req, &office.base);
    fuzz_frames_add(&f, &req);
    fuzz_frames_user(&f, "manager", FOLIO__ROLE__ROLE_OFFICE_ADMIN);
    fuzz_frames_user(&f, "agent", FOLIO__ROLE__ROLE_AGENT);
    fuzz_frames_user(&f, "agent2", FOLIO__ROLE__ROLE_AGENT);
    Folio__Partner partner = FOLIO__PARTNER__INIT;
    partner.name = (char *)"Cafe Sol";
    partner.category = (char *)"restaurant";
    partner.city = (char *)"Turin";
    Folio__PartnerAdd partner_add = FOLIO__PARTNER_ADD__INIT;
    partner_add.partner = &partner;
    envelope_init(&req, &partner_add.base);
    fuzz_frames_add(&f, &req);
    fuzz_frames_login(&f, "agent");
    fuzz_frames_client(&f, "Maria Rossi", "Turin", "1985-12-10");
    fuzz_frames_client(&f, "Kenji Sato", "Osaka", "1972-06-23");
    fuzz_serve(&fuzz_server, f.data, f.len, f.count, false);
    free(f.data);
}

/* A session of each user an input may start as, made by a Login of its
 * own and kept in the store, so that an input's prefix is a Hello and an
 * Authenticate: a Login would hash a password and write a session for
 * every input. */
static void fuzz_sessions_make(void)
{
    for (size_t i = 1; i < sizeof(fuzz_logins) / sizeof(fuzz_logins[0]); i++) {
        struct fuzz_frames login = {0};
        fuzz_frames_hello(&login);
        fuzz_frames_login(&login, fuzz_logins[i]);
        fuzz_token[0] = '\0';
        fuzz_serve(&fuzz_server, login.data, login.len, login.count, false);
        free(login.data);
        if (fuzz_token[0] == '\0')
            fuzz_fail("the login of %s gave no session token", fuzz_logins[i]);
        fuzz_frames_hello(&fuzz_prefixes[i]);
        fuzz_frames_authenticate(&fuzz_prefixes[i], fuzz_token);
    }
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    fuzz_init();
    if ((size_t)snprintf(fuzz_dir, sizeof(fuzz_dir), "%s/firm", fuzz_scratch_dir()) >=
        sizeof(fuzz_dir))
        fuzz_fail("the scratch directory's path is too long");
    fuzz_firm_create(fuzz_dir);
    fuzz_server_open();
    fuzz_random_reset();
    fuzz_firm_populate();
    fuzz_sessions_make();
    fuzz_image = fuzz_store_image_take(&fuzz_server.store);
    const char *replies = getenv("FOLIO_FUZZ_REPLIES");
    if (replies != NULL && replies[0] != '\0' && (fuzz_replies = fopen(replies, "ab")) == NULL)
        fuzz_fail("cannot open %s: %s", replies, strerror(errno));
    return 0;
}

/* An abstract Unix socket address, unique to this process. */
static socklen_t fuzz_address(struct sockaddr_un *addr, const char *role)
{
    memset(addr, 0, sizeof(*addr));
    addr->sun_family = AF_UNIX;
    int n = snprintf(addr->sun_path + 1, sizeof(addr->sun_path) - 1, "folio-fuzz-%ld-%s",
                     (long)getpid(), role);
    return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + (size_t)n);
}

static void fuzz_on_connection(uv_stream_t *listener, int status)
{
    if (status == 0)
        connection_accept(listener->data);
}

static void fuzz_listen(struct server *s)
{
    struct sockaddr_un addr;
    socklen_t len = fuzz_address(&addr, "server");
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0 || bind(fd, (struct sockaddr *)&addr, len) != 0)
        fuzz_fail("cannot bind the server's socket: %s", strerror(errno));
    uv_tcp_init(&s->loop, &s->listener);
    s->listener.data = s;
    int rc = uv_tcp_open(&s->listener, fd);
    if (rc == 0)
        rc = uv_listen((uv_stream_t *)&s->listener, 1, fuzz_on_connection);
    if (rc != 0)
        fuzz_fail("cannot listen on the server's socket: %s", uv_strerror(rc));
}

static void fuzz_server_close(void);

/* The server, as server_open makes foliod's, on fuzz_dir, without TLS and
 * listening on a Unix socket; closed at exit. */
static void fuzz_server_open(void)
{
    server_config_defaults(&fuzz_defaults);
    fuzz_defaults.data_dir = fuzz_dir;
    fuzz_defaults.plaintext = true;
    fuzz_defaults.hash_cost = HASHER_COST_MIN;
    fuzz_defaults.max_hashes = FUZZ_MAX_HASHES;
    fuzz_defaults.max_import_bytes = FUZZ_MAX_IMPORT_BYTES;
    fuzz_defaults.lockout_seconds = 60;
    if (server_open(&fuzz_server, &fuzz_defaults) != 0)
        fuzz_fail("cannot open the server on %s (FOLIO_FUZZ_LOG=info tells why)", fuzz_dir);
    fuzz_listen(&fuzz_server);
    atexit(fuzz_server_close);
}

/* Removes what an input left in the data directory beside the store and
 * the firm key (a backup). */
static void fuzz_dir_tidy(void)
{
    DIR *d = opendir(fuzz_dir);
    if (d == NULL)
        fuzz_fail("cannot read %s: %s", fuzz_dir, strerror(errno));
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        const char *name = e->d_name;
        if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0 || strcmp(name, "data.mdb") == 0 ||
            strcmp(name, "lock.mdb") == 0 || strcmp(name, FIRM_KEY_FILE) == 0)
            continue;
        char path[PATH_MAX + 256];
        if ((size_t)snprintf(path, sizeof(path), "%s/%s", fuzz_dir, name) >= sizeof(path) ||
            fuzz_remove_tree(path) != 0)
            fuzz_fail("cannot remove %s/%s: %s", fuzz_dir, name, strerror(errno));
    }
    closedir(d);
}

/* ---------------------------------------------------------------- the peer */

static void fuzz_peer_reply(struct fuzz_peer *p, const uint8_t *frame, size_t len)
{
    if (fuzz_replies != NULL && fwrite(frame, 1, len, fuzz_replies) != len)
        fuzz_fail("cannot write to FOLIO_FUZZ_REPLIES: %s", strerror(errno));
    Folio__Response *resp =
        folio__response__unpack(NULL, len - FRAME_HEADER_SIZE, frame + FRAME_HEADER_SIZE);
    if (resp == NULL)
        fuzz_fail("reply %u (%zu bytes) is not a Response", p->replies + 1, len);
    if (p->replies < p->own_replies &&
        (resp->status == NULL || resp->status->code != FOLIO__CODE__OK))
        fuzz_fail("the harness's own request %u was refused: %s", p->replies + 1,
                  resp->status != NULL ? resp->status->message : "(no status)");
    if (resp->result_case == FOLIO__RESPONSE__RESULT_SESSION && resp->session->token[0] != '\0' &&
        (size_t)snprintf(fuzz_token, sizeof(fuzz_token), "%s", resp->session->token) >=
            sizeof(fuzz_token))
        fuzz_fail("a session token of %zu bytes", strlen(resp->session->token));
    p->replies++;
    folio__response__free_unpacked(resp, NULL);
}

/* Hands every whole frame received to fuzz_peer_reply. */
static void fuzz_peer_parse(struct fuzz_peer *p)
{
    size_t pos = 0;
    while (p->in_len - pos >= FRAME_HEADER_SIZE) {
        uint32_t len = frame_length_get(p->in + pos);
        if (len == 0 || len > FRAME_ABSOLUTE_MAX)
            fuzz_fail("reply %u announces %u bytes", p->replies + 1, (unsigned)len);
        if (p->in_len - pos - FRAME_HEADER_SIZE < len)
            break;
        fuzz_peer_reply(p, p->in + pos, FRAME_HEADER_SIZE + (size_t)len);
        pos += FRAME_HEADER_SIZE + (size_t)len;
    }
    memmove(p->in, p->in + pos, p->in_len - pos);
    p->in_len -= pos;
}

static void fuzz_peer_read(struct fuzz_peer *p)
{
    for (;;) {
        if (p->in_cap - p->in_len < FUZZ_READ_CHUNK) {
            size_t cap = p->in_cap * 2 + FUZZ_READ_CHUNK;
            uint8_t *grown = realloc(p->in, cap);
            if (grown == NULL)
                fuzz_fail("out of memory");
            p->in = grown;
            p->in_cap = cap;
        }
        ssize_t n = recv(p->fd, p->in + p->in_len, p->in_cap - p->in_len, MSG_DONTWAIT);
        if (n > 0) {
            p->in_len += (size_t)n;
            fuzz_peer_parse(p);
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            return;
        /* The end, or ECONNRESET when the server closed without reading
         * all that was sent: either way nothing more will come. */
        p->in_closed = true;
        p->out_closed = true;
        return;
    }
}

static void fuzz_peer_write(struct fuzz_peer *p)
{
    while (!p->out_closed && p->out_done < p->out_len) {
        ssize_t n = send(p->fd, p->out + p->out_done, p->out_len - p->out_done,
                         MSG_DONTWAIT | MSG_NOSIGNAL);
        if (n > 0) {
            p->out_done += (size_t)n;
        } else if (n < 0 && errno == EINTR) {
            continue;
        } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            return;
        } else {
            p->out_closed = true; /* the server stopped reading and closed */
            return;
        }
    }
    if (p->out_closed)
        return;
    p->out_closed = true;
    if (!p->hang_up) {
        shutdown(p->fd, SHUT_WR);
        return;
    }
    uv_poll_stop(&p->poll);
    close(p->fd);
    p->fd = -1;
    p->in_closed = true;
}

static void fuzz_peer_io(uv_poll_t *poll, int status, int events)
{
    struct fuzz_peer *p = poll->data;
    if (status < 0) {
        p->in_closed = p->out_closed = true;
    } else {
        if (events & UV_WRITABLE)
            fuzz_peer_write(p);
        if ((events & UV_READABLE) && !p->in_closed)
            fuzz_peer_read(p);
    }
    int want = (p->in_closed ? 0 : UV_READABLE) | (p->out_closed ? 0 : UV_WRITABLE);
    if (want == 0)
        uv_poll_stop(poll);
    else
        uv_poll_start(poll, want, fuzz_peer_io);
}

static void fuzz_peer_connect(struct fuzz_peer *p, struct server *s)
{
    /* Bound to a name of its own, so the server's getpeername reads an
     * address that is all set. */
    struct sockaddr_un self, server;
    socklen_t self_len = fuzz_address(&self, "peer");
    socklen_t server_len = fuzz_address(&server, "server");
    p->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (p->fd < 0 || bind(p->fd, (struct sockaddr *)&self, self_len) != 0 ||
        connect(p->fd, (struct sockaddr *)&server, server_len) != 0)
        fuzz_fail("cannot connect to the server's socket: %s", strerror(errno));
    uv_poll_init(&s->loop, &p->poll, p->fd);
    p->poll.data = p;
    uv_poll_start(&p->poll, UV_READABLE | UV_WRITABLE, fuzz_peer_io);
}

/* ---------------------------------------------------------------- the run */

static void fuzz_deadline(uv_timer_t *timer)
{
    struct server *s = timer->data;
    fuzz_fail("the server did not finish within %d ms: %u connections open, %zu requests "
              "off the loop, %zu password hashes pending",
              FUZZ_DEADLINE_MS, s->connection_count, s->requests_running,
              hasher_pending(&s->hasher));
}

static bool fuzz_finished(const struct fuzz_peer *p, const struct server *s)
{
    return p->in_closed && p->out_closed && s->connection_count == 0 && s->requests_running == 0 &&
           hasher_pending(&s->hasher) == 0;
}

static void fuzz_report_open(uv_handle_t *handle, void *arg)
{
    struct server *s = arg;
    if (!uv_is_closing(handle) && handle != (uv_handle_t *)&s->writer.done_async &&
        handle != (uv_handle_t *)&s->turns && handle != (uv_handle_t *)&s->listener)
        fuzz_fail("a %s handle was left open after the connection closed",
                  uv_handle_type_name(handle->type));
}

/* Checks that nothing of the connection is left on the loop: the listener,
 * the writer's handle and the turns handle are the server's own. */
static void fuzz_check_handles(struct server *s)
{
    uv_walk(&s->loop, fuzz_report_open, s);
}

static void fuzz_server_close(void)
{
    struct server *s = &fuzz_server;
    uv_close((uv_handle_t *)&s->listener, NULL);
    uv_run(&s->loop, UV_RUN_NOWAIT);
    fuzz_check_handles(s);
    if (server_close(s) != 0)
        fuzz_fail("the server's loop could not be closed");
    fuzz_store_image_free(fuzz_image);
    fuzz_image = NULL;
}

/* Serves one connection that sends out and half-closes (or hangs up) until
 * every reply is read and the server holds nothing more of it. The first
 * own_replies replies must say OK. */
static void fuzz_serve(struct server *s, const uint8_t *out, size_t out_len, unsigned own_replies,
                       bool hang_up)
{
    struct fuzz_peer peer = {
        .out = out,
        .out_len = out_len,
        .own_replies = hang_up ? 0 : own_replies,
        .hang_up = hang_up,
    };
    fuzz_peer_connect(&peer, s);
    uv_timer_t deadline;
    uv_timer_init(&s->loop, &deadline);
    deadline.data = s;
    uv_timer_start(&deadline, fuzz_deadline, FUZZ_DEADLINE_MS, 0);
    while (!fuzz_finished(&peer, s))
        uv_run(&s->loop, UV_RUN_ONCE);
    if (peer.in_len > 0)
        fuzz_fail("the server closed the connection %zu bytes into reply %u", peer.in_len,
                  peer.replies + 1);
    if (peer.replies < peer.own_replies)
        fuzz_fail("the server closed the connection after %u of the harness's own %u requests",
                  peer.replies, peer.own_replies);
    uv_close((uv_handle_t *)&peer.poll, NULL);
    uv_close((uv_handle_t *)&deadline, NULL);
    uv_run(&s->loop, UV_RUN_NOWAIT); /* both live in this frame: closed before it ends */
    if (peer.fd >= 0)
        close(peer.fd);
    free(peer.in);
    if (fuzz_replies != NULL)
        fflush(fuzz_replies);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    unsigned flags = data[0];
    struct server *s = &fuzz_server;
    /* What the flags change is read when a connection is accepted or a
     * request runs, but for the throttle's lockout: it is set below. */
    s->config = fuzz_defaults;
    s->config.lockout_after = flags & FUZZ_FLAG_SLOW_LOCK ? 2 : 1;
    if (flags & FUZZ_FLAG_TIGHT) {
        s->config.max_frame = 1024;
        s->config.max_in_flight = 2;
        s->config.max_output_bytes = 65536;
    }
    s->throttle.account_max = s->config.lockout_after;
    /* A delayed answer is reached all the same; at 100 ms doubling to 2 s
     * an input of a few failed logins took seconds, and a corpus that
     * kept such inputs ran 118 inputs a second where it now runs 2,494. */
    s->throttle.delay_ms = 1;
    s->throttle.delay_max_ms = 1;
    stats_init(&s->stats, uv_now(&s->loop));
    const struct fuzz_frames *prefix = &fuzz_prefixes[flags & FUZZ_FLAG_ROLE];
    uint8_t *out = malloc(prefix->len + size);
    if (out == NULL)
        fuzz_fail("out of memory");
    if (prefix->len > 0)
        memcpy(out, prefix->data, prefix->len);
    memcpy(out + prefix->len, data + 1, size - 1);
    unsigned long long commits = atomic_load(&s->writer.batches);
    fuzz_random_reset();
    fuzz_serve(s, out, prefix->len + size - 1, prefix->count, (flags & FUZZ_FLAG_HANG_UP) != 0);
    fuzz_check_handles(s);
    free(out);
    /* Only a Login reserves a place in the throttle (an unlock only
     * clears one): the tables start over after one. */
    if (s->stats.requests[FOLIO__REQUEST__OP_LOGIN] > 0)
        throttle_init(&s->throttle, s->config.lockout_after, s->config.address_lockout_after,
                      (uint64_t)s->config.lockout_seconds * 1000);
    /* Reads leave the store as it was: only a commit calls for a restore. */
    if (atomic_load(&s->writer.batches) != commits) {
        fuzz_dir_tidy();
        fuzz_store_image_restore(fuzz_image, &s->store);
    }
    return 0;
}
