/* connection.c - see connection.h.
 *
 * The order rule. Replies leave in request order, and a request must see
 * every write acknowledged before it on its connection. So a request starts
 * only when everything before it is answered, with one exception that keeps
 * pipelined writes fast: a write-only request may join earlier write-only
 * requests already queued at the writer, which runs jobs in order anyway.
 */
#include "connection.h"

#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dispatch.h"
#include "log.h"
#include "op.h"
#include "server.h"
#include "transfer.h"

/* Bytes handed to one read: bounds the frames one callback can queue, so a
 * busy peer cannot hold the loop for long. */
#define CONNECTION_READ_CHUNK  (64u * 1024u)
#define CONNECTION_WRITE_BATCH 64
/* One turn of a connection: requests started, and time, before others get
 * theirs. Small enough that a pipelining peer delays the others by about a
 * millisecond or two, large enough that a pipeline still goes in batches. */
#define CONNECTION_TURN_REQUESTS 64
#define CONNECTION_TURN_NS       (2u * 1000u * 1000u)
/* A shut-down connection reads and drops at most this much of what the peer
 * sent after its last answered request before closing anyway. */
#define CONNECTION_LINGER_BYTES (1024u * 1024u)
/* The most plaintext one TLS record carries. */
#define CONNECTION_TLS_RECORD 16384u

struct connection_write {
    uv_write_t req;
    struct connection *conn;
    unsigned count;
    uv_buf_t bufs[];
};

static void connection_update_reading(struct connection *conn);
static void connection_read_stop(struct connection *conn);
static bool connection_output_full(struct connection *conn);
static int connection_tls_send(struct connection *conn);

void connection_unref(struct connection *conn)
{
    if (--conn->refs == 0) {
        transfer_free(conn->transfer);
        tls_stream_free(conn->tls);
        frame_reader_free(&conn->reader);
        free(conn);
    }
}

static void connection_turns_run(uv_idle_t *idle);

/* Puts conn at the end of the turn list, to be pumped again once every
 * other connection had its chance. */
static void connection_wait_turn(struct connection *conn)
{
    struct server *s = conn->server;
    if (conn->turn_waiting || conn->closing)
        return;
    conn->turn_waiting = true;
    conn->refs++;
    conn->turn_next = NULL;
    conn->turn_prev = s->turns_tail;
    if (s->turns_tail != NULL)
        s->turns_tail->turn_next = conn;
    else
        s->turns_head = conn;
    s->turns_tail = conn;
    s->turns_waiting++;
    if (!uv_is_active((uv_handle_t *)&s->turns))
        uv_idle_start(&s->turns, connection_turns_run);
}

static void connection_leave_turns(struct connection *conn)
{
    struct server *s = conn->server;
    if (!conn->turn_waiting)
        return;
    conn->turn_waiting = false;
    if (conn->turn_prev != NULL)
        conn->turn_prev->turn_next = conn->turn_next;
    else
        s->turns_head = conn->turn_next;
    if (conn->turn_next != NULL)
        conn->turn_next->turn_prev = conn->turn_prev;
    else
        s->turns_tail = conn->turn_prev;
    conn->turn_prev = conn->turn_next = NULL;
    s->turns_waiting--;
    if (s->turns_head == NULL)
        uv_idle_stop(&s->turns);
    connection_unref(conn);
}

/* The loop polled since these connections' last turn: give each its next.
 * Those that use it up again join the end of the list. */
static void connection_turns_run(uv_idle_t *idle)
{
    struct server *s = idle->data;
    for (size_t n = s->turns_waiting; n > 0 && s->turns_head != NULL; n--) {
        struct connection *conn = s->turns_head;
        conn->refs++; /* outlives connection_leave_turns */
        connection_leave_turns(conn);
        connection_pump(conn);
        connection_unref(conn);
    }
}

static void connection_closed(uv_handle_t *handle)
{
    connection_unref(handle->data);
}

void connection_close(struct connection *conn)
{
    if (conn->closing)
        return;
    struct server *s = conn->server;
    conn->closing = true;
    if (conn->prev != NULL)
        conn->prev->next = conn->next;
    else
        s->connections = conn->next;
    if (conn->next != NULL)
        conn->next->prev = conn->prev;
    s->connection_count--;
    connection_leave_turns(conn);
    if (conn->peer_counted)
        peer_limit_remove(&s->peers, conn->peer_addr);
    conn_budget_leave(&s->budget, &conn->budget);
    struct request *req = conn->head;
    while (req != NULL) {
        struct request *next = req->next;
        if (req->state == REQUEST_RUNNING)
            dispatch_abandon(req);
        else
            request_free(req);
        req = next;
    }
    conn->head = conn->tail = NULL;
    conn->queued = 0;
    log_debug("connection %s closed", conn->peer);
    uv_close((uv_handle_t *)&conn->tcp, connection_closed);
    server_check_drained(s);
}

static void connection_linger_alloc(uv_handle_t *handle, size_t suggested, uv_buf_t *buf)
{
    (void)suggested;
    struct connection *conn = handle->data;
    /* Dropped at once: every lingering connection can share one buffer. */
    *buf = uv_buf_init((char *)conn->server->tls_input, sizeof(conn->server->tls_input));
}

static void connection_linger_read(uv_stream_t *stream, ssize_t nread, const uv_buf_t *buf)
{
    (void)buf;
    struct connection *conn = stream->data;
    if (nread > 0)
        conn->dropped += (uint64_t)nread;
    if (nread < 0 || conn->dropped > CONNECTION_LINGER_BYTES)
        connection_close(conn);
}

/* Closing a socket whose peer's bytes sit unread makes the kernel reset
 * it, and a reset throws away the replies not yet delivered: the answer to
 * a malformed frame followed by more input would be lost. So, as HTTP
 * servers do, the input of a shut-down connection is read and dropped
 * until the peer ends it, CONNECTION_LINGER_BYTES, or the sweep's grace
 * for closing connections (server.c; dropped bytes are no activity). */
static void connection_linger(struct connection *conn)
{
    if (conn->peer_ended || conn->server->draining) {
        connection_close(conn);
        return;
    }
    conn->lingering = true;
    connection_read_stop(conn);
    if (uv_read_start((uv_stream_t *)&conn->tcp, connection_linger_alloc, connection_linger_read) !=
        0)
        connection_close(conn);
}

static void connection_shutdown_done(uv_shutdown_t *req, int status)
{
    struct connection *conn = req->data;
    free(req);
    if (status == 0 && !conn->closing)
        connection_linger(conn);
    else
        connection_close(conn);
    connection_unref(conn);
}

/* Closes once every reply queued so far has reached the kernel. */
static void connection_shutdown(struct connection *conn)
{
    if (conn->shutting_down || conn->closing)
        return;
    conn->shutting_down = true;
    if (conn->tls != NULL && tls_stream_established(conn->tls)) {
        tls_stream_close_notify(conn->tls);
        if (connection_tls_send(conn) != 0) {
            connection_close(conn);
            return;
        }
    }
    uv_shutdown_t *req = malloc(sizeof(*req));
    if (req == NULL || uv_shutdown(req, (uv_stream_t *)&conn->tcp, connection_shutdown_done) != 0) {
        free(req);
        connection_close(conn);
        return;
    }
    req->data = conn;
    conn->refs++;
}

void connection_stop_input(struct connection *conn)
{
    conn->closing_after = true;
    connection_update_reading(conn);
}

static void connection_enqueue(struct connection *conn, struct request *req)
{
    req->next = NULL;
    if (conn->tail != NULL)
        conn->tail->next = req;
    else
        conn->head = req;
    conn->tail = req;
    conn->queued++;
}

void connection_end(struct connection *conn, Folio__Code code, const char *message)
{
    log_info("connection %s: %s", conn->peer, message);
    struct request *req = dispatch_reply(conn, code, message);
    if (req == NULL) {
        connection_close(conn);
        return;
    }
    req->close_after = true;
    connection_enqueue(conn, req);
    connection_stop_input(conn);
}

/* The peer will send nothing more, or nothing usable: stop reading, answer
 * what it asked (connection_update_reading shuts down once the queue is
 * empty). */
static void connection_read_stop(struct connection *conn)
{
    if (conn->reading) {
        uv_read_stop((uv_stream_t *)&conn->tcp);
        conn->reading = false;
    }
}

/* Pool jobs still waiting are dropped once a TLS peer stops sending: the
 * requests are answered (cancelled) so the replies keep their order. A TLS
 * peer that ends its side (close_notify, or a bare FIN) is gone, as TLS
 * clients close; a plaintext peer (loopback only) may half-close and read
 * on, as scripts piping frames in do, so it keeps its answers. */
static void connection_cancel_waiting(struct connection *conn)
{
    conn->peer_gone = true;
    for (struct request *req = conn->head; req != NULL; req = req->next)
        dispatch_cancel(req);
}

static void connection_input_ended(struct connection *conn)
{
    conn->closing_after = true;
    connection_read_stop(conn);
    if (conn->tls != NULL)
        connection_cancel_waiting(conn);
}

/* Moves plaintext out of TLS into the frame reader, as much as it has room
 * for, and sends what TLS wrote meanwhile (the handshake's messages, an
 * alert). Returns true when it made progress: bytes moved, or the handshake
 * finished. Ends the connection when TLS fails or memory is short. */
static bool connection_tls_pull(struct connection *conn)
{
    bool was_established = tls_stream_established(conn->tls);
    size_t moved = 0;
    enum tls_result r;
    for (;;) {
        size_t room;
        uint8_t *space = frame_reader_space(&conn->reader, &room);
        if (space == NULL) {
            /* Full of frames the queue cannot take yet (or memory is short,
             * which connection_take_frames tells apart): the rest waits. */
            r = TLS_WANT_INPUT;
            break;
        }
        size_t n;
        r = tls_stream_read(conn->tls, space, room, &n);
        if (r != TLS_DATA)
            break;
        frame_reader_commit(&conn->reader, n);
        moved += n;
    }
    if (connection_tls_send(conn) != 0) {
        connection_close(conn);
        return false;
    }
    if (r == TLS_FAILED) {
        if (!tls_stream_established(conn->tls))
            conn->server->stats.tls_handshake_failures++;
        log_info("connection %s: %s", conn->peer, tls_stream_error(conn->tls));
        connection_input_ended(conn);
        return false;
    }
    if (r == TLS_CLOSED) {
        /* Frames sent before the close_notify are still answered:
         * connection_take_frames ends input once it has taken them. */
        conn->input_closed = true;
        connection_read_stop(conn);
        connection_cancel_waiting(conn);
    }
    bool established = !was_established && tls_stream_established(conn->tls);
    if (established) {
        conn->server->stats.tls_handshakes++;
        log_debug("connection %s: TLS established", conn->peer);
    }
    return moved > 0 || established;
}

/* Turns buffered frames into queued requests, as many as the queue allows.
 * Returns how many replies were queued, the refusal of a bad frame included:
 * connection_pump goes round again while this is above 0, and a refusal
 * queued behind a full queue must be written like any other reply. */
static unsigned connection_take_frames(struct connection *conn)
{
    unsigned taken = 0;
    while (!conn->closing_after && conn->queued < conn->server->config.max_in_flight) {
        const uint8_t *payload;
        size_t len;
        enum frame_result r = frame_reader_next(&conn->reader, &payload, &len);
        if (r == FRAME_INCOMPLETE && conn->tls != NULL) {
            if (connection_tls_pull(conn)) {
                taken++; /* a handshake just done counts too: replies may go now */
                continue;
            }
            size_t room;
            if (!conn->closing && !conn->closing_after &&
                frame_reader_space(&conn->reader, &room) == NULL) {
                connection_end(conn, FOLIO__CODE__RESOURCE_EXHAUSTED,
                               "the server is out of memory for this connection");
                taken++;
                break;
            }
            if (conn->input_closed)
                connection_input_ended(conn);
        }
        if (conn->closing || conn->closing_after)
            break;
        if (r == FRAME_INCOMPLETE) {
            /* Bytes of a frame not yet whole: the --frame-timeout clock runs
             * from the first of them. */
            if (frame_reader_pending(&conn->reader) == 0 &&
                (conn->tls == NULL || tls_stream_input_pending(conn->tls) == 0))
                conn->partial_frame_since_ms = 0;
            else if (conn->partial_frame_since_ms == 0)
                conn->partial_frame_since_ms = uv_now(&conn->server->loop);
            break;
        }
        conn->partial_frame_since_ms = 0;
        if (r == FRAME_EMPTY) {
            connection_end(conn, FOLIO__CODE__INVALID_ARGUMENT,
                           "empty frame: every frame must hold a Request");
            taken++;
            break;
        }
        if (r == FRAME_TOO_LARGE) {
            char message[128];
            snprintf(message, sizeof(message), "frame larger than the limit of %zu bytes",
                     conn->reader.max_frame);
            connection_end(conn, FOLIO__CODE__RESOURCE_EXHAUSTED, message);
            taken++;
            break;
        }
        bool too_big;
        struct request *req = dispatch_decode(conn, payload, len, &too_big);
        if (req == NULL && too_big) {
            connection_end(conn, FOLIO__CODE__RESOURCE_EXHAUSTED,
                           "the request needs more memory than the server gives one request");
            taken++;
            break;
        }
        if (req == NULL) {
            connection_end(conn, FOLIO__CODE__INVALID_ARGUMENT,
                           "the frame does not hold a valid Request");
            taken++;
            break;
        }
        connection_enqueue(conn, req);
        taken++;
    }
    frame_reader_shrink(&conn->reader);
    return taken;
}

/* A turn's budget (CONNECTION_TURN_REQUESTS, CONNECTION_TURN_NS). */
struct connection_turn {
    unsigned started;
    uint64_t deadline_ns;
};

static bool connection_turn_over(const struct connection_turn *turn)
{
    return turn->started >= CONNECTION_TURN_REQUESTS ||
           (turn->started > 0 && uv_hrtime() >= turn->deadline_ns);
}

/* Reply bytes the peer has not read yet: what the socket still holds to
 * write (TLS records included). */
static size_t connection_unread_bytes(struct connection *conn)
{
    return uv_stream_get_write_queue_size((uv_stream_t *)&conn->tcp);
}

/* Starts every queued request the order rule allows, while the turn lasts
 * and the peer's unread replies, with those made in this pass, stay under
 * --max-output-bytes: a peer over it gets nothing more run until it reads
 * (connection_written pumps again). Returns true when the turn ended with
 * requests still to start. */
static bool connection_start_ready(struct connection *conn, struct connection_turn *turn)
{
    size_t unread = connection_unread_bytes(conn);
    size_t limit = conn->server->config.max_output_bytes;
    bool waiting = false;      /* an earlier request is still running */
    bool waiting_read = false; /* ...and it is not a write-only one */
    for (struct request *req = conn->head; req != NULL && !waiting_read; req = req->next) {
        if (req->state == REQUEST_QUEUED) {
            if (waiting && !op_is_write_only(req->op))
                break;
            if (unread >= limit)
                break;
            if (connection_turn_over(turn))
                return true;
            dispatch_start(req);
            turn->started++;
        }
        if (req->state == REQUEST_DONE)
            unread += req->out_len;
        if (req->state == REQUEST_RUNNING) {
            waiting = true;
            waiting_read = !op_is_write_only(req->op);
        }
    }
    return false;
}

static void connection_written(uv_write_t *wreq, int status)
{
    struct connection_write *w = (struct connection_write *)wreq;
    struct connection *conn = w->conn;
    for (unsigned i = 0; i < w->count; i++)
        free(w->bufs[i].base);
    free(w);
    if (conn->closing)
        return;
    if (status < 0) {
        log_debug("connection %s: write failed: %s", conn->peer, uv_strerror(status));
        connection_close(conn);
        return;
    }
    /* The peer read: requests held back for its unread replies may start. */
    connection_pump(conn);
}

/* Puts n malloc'd buffers on the wire as they are; they are taken over
 * (freed here on failure). Returns 0 or -1. */
static int connection_write_raw(struct connection *conn, const uv_buf_t *bufs, unsigned n)
{
    struct connection_write *w = malloc(sizeof(*w) + n * sizeof(uv_buf_t));
    if (w == NULL) {
        for (unsigned i = 0; i < n; i++)
            free(bufs[i].base);
        return -1;
    }
    w->conn = conn;
    w->count = n;
    memcpy(w->bufs, bufs, n * sizeof(uv_buf_t));
    if (uv_write(&w->req, (uv_stream_t *)&conn->tcp, w->bufs, n, connection_written) != 0) {
        for (unsigned i = 0; i < n; i++)
            free(w->bufs[i].base);
        free(w);
        return -1;
    }
    return 0;
}

/* Sends whatever TLS has for the wire: handshake messages, records, alerts. */
static int connection_tls_send(struct connection *conn)
{
    uint8_t *data;
    size_t len;
    if (tls_stream_take_output(conn->tls, &data, &len) != 0)
        return -1;
    if (len == 0)
        return 0;
    uv_buf_t buf = uv_buf_init((char *)data, (unsigned)len);
    return connection_write_raw(conn, &buf, 1);
}

/* Encrypts frames, joining small ones so that a burst of short replies
 * costs one TLS record rather than one each. */
static int connection_tls_write(struct connection *conn, const uv_buf_t *bufs, unsigned n)
{
    uint8_t joined[CONNECTION_TLS_RECORD];
    size_t used = 0;
    int rc = 0;
    for (unsigned i = 0; i < n && rc == 0; i++) {
        const uint8_t *data = (const uint8_t *)bufs[i].base;
        size_t len = bufs[i].len;
        if (used + len > sizeof(joined) && used > 0) {
            rc = tls_stream_write(conn->tls, joined, used);
            used = 0;
        }
        if (rc == 0 && len > sizeof(joined)) {
            rc = tls_stream_write(conn->tls, data, len);
        } else if (rc == 0) {
            memcpy(joined + used, data, len);
            used += len;
        }
    }
    if (rc == 0 && used > 0)
        rc = tls_stream_write(conn->tls, joined, used);
    for (unsigned i = 0; i < n; i++)
        free(bufs[i].base);
    if (rc != 0) {
        log_info("connection %s: %s", conn->peer, tls_stream_error(conn->tls));
        return -1;
    }
    return connection_tls_send(conn);
}

/* Writes n whole frames (malloc'd, taken over), in order, through TLS when
 * the connection has it. Returns 0 or -1. */
static int connection_write_frames(struct connection *conn, const uv_buf_t *bufs, unsigned n)
{
    if (conn->tls != NULL)
        return connection_tls_write(conn, bufs, n);
    return connection_write_raw(conn, bufs, n);
}

/* Writes the replies at the head of the queue that are done, in order. */
static void connection_flush(struct connection *conn)
{
    /* Before the handshake is done there is no way to write a reply. */
    if (conn->tls != NULL && !tls_stream_established(conn->tls))
        return;
    while (!conn->closing && conn->head != NULL && conn->head->state == REQUEST_DONE) {
        uv_buf_t bufs[CONNECTION_WRITE_BATCH];
        unsigned n = 0;
        bool close_after = false;
        while (n < CONNECTION_WRITE_BATCH && conn->head != NULL &&
               conn->head->state == REQUEST_DONE && !close_after) {
            struct request *req = conn->head;
            conn->head = req->next;
            if (conn->head == NULL)
                conn->tail = NULL;
            conn->queued--;
            if (req->out != NULL)
                bufs[n++] = uv_buf_init((char *)req->out, (unsigned)req->out_len);
            req->out = NULL;
            close_after = req->close_after;
            request_free(req);
        }
        if (n > 0 && connection_write_frames(conn, bufs, n) != 0) {
            connection_close(conn);
            return;
        }
        if (close_after) {
            connection_stop_input(conn);
            connection_shutdown(conn);
            return;
        }
    }
}

bool connection_push(struct connection *conn, uint8_t *frame, size_t len)
{
    if (conn->closing || conn->closing_after || conn->shutting_down ||
        connection_output_full(conn) || len > UINT_MAX ||
        (conn->tls != NULL && !tls_stream_established(conn->tls))) {
        free(frame);
        return false;
    }
    uv_buf_t buf = uv_buf_init((char *)frame, (unsigned)len);
    return connection_write_frames(conn, &buf, 1) == 0;
}

void connection_set_authenticated(struct connection *conn, bool authenticated)
{
    /* A new session or none: what session_check remembered is not it. */
    conn->actor.valid = false;
    conn->authenticated = authenticated;
    conn->unauthenticated_since_ms = authenticated ? 0 : uv_now(&conn->server->loop);
    if (!authenticated && !conn->closing) {
        conn->session_expires_at = 0;
        conn_budget_logout(&conn->server->budget, &conn->budget, conn->peer_addr);
    }
}

bool connection_login(struct connection *conn, uint64_t user_id,
                      const uint8_t key[STORE_SESSION_KEY_BYTES], int64_t expires_at)
{
    if (conn->closing || !conn_budget_login(&conn->server->budget, &conn->budget, user_id))
        return false;
    connection_set_authenticated(conn, true);
    memcpy(conn->session_key, key, sizeof(conn->session_key));
    conn->session_expires_at = expires_at;
    return true;
}

void connection_end_user(struct server *s, uint64_t user_id,
                         const uint8_t keep[STORE_SESSION_KEY_BYTES], const char *message)
{
    struct connection *conn = s->connections;
    while (conn != NULL) {
        /* connection_pump may close conn, never another connection. */
        struct connection *next = conn->next;
        bool kept = keep != NULL && memcmp(conn->session_key, keep, sizeof(conn->session_key)) == 0;
        if (conn->budget.user_id == user_id && !kept && !conn->closing && !conn->closing_after) {
            connection_end(conn, FOLIO__CODE__UNAUTHENTICATED, message);
            connection_pump(conn);
        }
        conn = next;
    }
}

void connection_pump(struct connection *conn)
{
    struct connection_turn turn = {.deadline_ns = uv_hrtime() + CONNECTION_TURN_NS};
    do {
        bool turn_over = connection_start_ready(conn, &turn);
        connection_flush(conn);
        if (turn_over && !conn->closing) {
            connection_wait_turn(conn);
            break;
        }
    } while (!conn->closing && connection_take_frames(conn) > 0);
    if (!conn->closing)
        connection_update_reading(conn);
}

static bool connection_output_full(struct connection *conn)
{
    return uv_stream_get_write_queue_size((uv_stream_t *)&conn->tcp) >
           conn->server->config.max_output_bytes;
}

static void connection_alloc(uv_handle_t *handle, size_t suggested, uv_buf_t *buf)
{
    (void)suggested;
    struct connection *conn = handle->data;
    if (conn->tls != NULL) {
        /* Ciphertext is fed to TLS inside the read callback that follows at
         * once, so every connection can share one buffer. */
        *buf = uv_buf_init((char *)conn->server->tls_input, sizeof(conn->server->tls_input));
        return;
    }
    size_t len;
    uint8_t *space = frame_reader_space(&conn->reader, &len);
    if (len > CONNECTION_READ_CHUNK)
        len = CONNECTION_READ_CHUNK;
    *buf = uv_buf_init((char *)space, (unsigned)len);
}

/* The first byte of a connection tells a peer speaking the other protocol:
 * a TLS handshake record starts with 0x16, and no frame can (its length
 * would be over 369 MB). Such a peer is told what this server speaks. */
static bool connection_wrong_protocol(struct connection *conn, const uint8_t *first)
{
    bool tls_hello = *first == 0x16;
    if (conn->tls != NULL && !tls_hello) {
        tls_stream_free(conn->tls);
        conn->tls = NULL; /* so that the refusal can be read */
        connection_end(conn, FOLIO__CODE__FAILED_PRECONDITION,
                       "this server speaks TLS: connect with TLS (folio does unless given "
                       "--plaintext)");
        return true;
    }
    if (conn->tls == NULL && tls_hello) {
        connection_end(conn, FOLIO__CODE__FAILED_PRECONDITION,
                       "this server runs without TLS (--plaintext, loopback only): connect with "
                       "--plaintext");
        return true;
    }
    return false;
}

static void connection_read(uv_stream_t *stream, ssize_t nread, const uv_buf_t *buf)
{
    struct connection *conn = stream->data;
    if (nread > 0) {
        conn->last_active_ms = uv_now(&conn->server->loop);
        bool first = !conn->received;
        conn->received = true;
        if (first && connection_wrong_protocol(conn, (const uint8_t *)buf->base)) {
            connection_pump(conn);
            return;
        }
        if (conn->tls == NULL) {
            /* buf points into the frame reader. */
            frame_reader_commit(&conn->reader, (size_t)nread);
        } else {
            if (tls_stream_feed(conn->tls, (const uint8_t *)buf->base, (size_t)nread) != 0) {
                connection_close(conn);
                return;
            }
            /* Drives the handshake even when no frame may be taken now. */
            connection_tls_pull(conn);
            if (conn->closing)
                return;
        }
        connection_take_frames(conn);
        connection_pump(conn);
        return;
    }
    if (nread == 0)
        return;
    if (nread == UV_ENOBUFS) {
        /* The reader could not grow: take what is there and wait. */
        connection_take_frames(conn);
        connection_pump(conn);
        if (conn->reading && frame_reader_pending(&conn->reader) > 0 && conn->queued == 0) {
            connection_end(conn, FOLIO__CODE__RESOURCE_EXHAUSTED,
                           "the server is out of memory for this connection");
            connection_pump(conn);
        }
        return;
    }
    if (nread != UV_EOF)
        log_debug("connection %s: read failed: %s", conn->peer, uv_strerror((int)nread));
    conn->peer_ended = true;
    connection_input_ended(conn);
    if (nread != UV_EOF || conn->head == NULL)
        connection_close(conn);
    else
        connection_pump(conn);
}

static void connection_update_reading(struct connection *conn)
{
    if (conn->closing || conn->lingering)
        return;
    const struct server_config *config = &conn->server->config;
    bool want = !conn->closing_after && !conn->input_closed && !conn->server->draining &&
                conn->queued < config->max_in_flight && !connection_output_full(conn);
    /* Ciphertext TLS could not turn into frames yet (the reader is full)
     * waits in memory: do not let it grow past one read. */
    if (want && conn->tls != NULL && tls_stream_input_pending(conn->tls) > CONNECTION_READ_CHUNK)
        want = false;
    /* A refusal for a TLS peer can be written only once the handshake is
     * through: read on for it (server.c's sweep bounds how long). */
    if (conn->closing_after && conn->head != NULL && conn->tls != NULL &&
        !tls_stream_established(conn->tls) && !conn->shutting_down)
        want = true;
    /* Once over the limit, wait until a quarter of it is left before reading
     * again, so a slow reader is not woken for every reply it drains. */
    if (want && !conn->reading &&
        uv_stream_get_write_queue_size((uv_stream_t *)&conn->tcp) > config->max_output_bytes / 4)
        want = false;
    if (want && !conn->reading) {
        if (uv_read_start((uv_stream_t *)&conn->tcp, connection_alloc, connection_read) == 0)
            conn->reading = true;
    } else if (!want) {
        connection_read_stop(conn);
    }
    if (conn->closing_after && conn->head == NULL)
        connection_shutdown(conn);
}

/* The peer's name for logs, and the key every per-address limit counts it
 * by (peer_limit_key: an IPv6 peer by its /64). */
static void connection_peer_name(struct connection *conn)
{
    struct sockaddr_storage addr;
    int len = sizeof(addr);
    char host[INET6_ADDRSTRLEN] = "?";
    int port = 0;
    memset(conn->peer_addr, 0, sizeof(conn->peer_addr));
    if (uv_tcp_getpeername(&conn->tcp, (struct sockaddr *)&addr, &len) == 0) {
        if (addr.ss_family == AF_INET6) {
            struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)&addr;
            uv_ip6_name(a6, host, sizeof(host));
            port = ntohs(a6->sin6_port);
        } else {
            struct sockaddr_in *a4 = (struct sockaddr_in *)&addr;
            uv_ip4_name(a4, host, sizeof(host));
            port = ntohs(a4->sin_port);
        }
        peer_limit_key(conn->peer_addr, (const struct sockaddr *)&addr);
    }
    snprintf(conn->peer, sizeof(conn->peer), "%s:%d", host, port);
}

#define CONTAINER_OF(ptr, type, member) ((type *)(void *)((char *)(ptr)-offsetof(type, member)))

/* The budget of connections not logged in (conn_budget.h) comes before the
 * other limits: a peer it refuses or evicts is closed at once, unanswered,
 * so that a flood costs no slot while it lingers and no TLS handshake.
 * conn_budget_report logs them in sum. Returns false when conn was closed. */
static bool connection_admit(struct connection *conn)
{
    struct server *s = conn->server;
    struct conn_budget_member *victim;
    if (!conn_budget_admit(&s->budget, &conn->budget, conn->peer_addr, &victim)) {
        connection_close(conn);
        return false;
    }
    if (victim != NULL)
        connection_close(CONTAINER_OF(victim, struct connection, budget));
    return true;
}

static void connection_free_unaccepted(uv_handle_t *handle)
{
    free(handle->data);
}

void connection_accept(struct server *s)
{
    struct connection *conn = calloc(1, sizeof(*conn));
    if (conn == NULL)
        return;
    conn->server = s;
    conn->tcp.data = conn;
    uv_tcp_init(&s->loop, &conn->tcp);
    if (uv_accept((uv_stream_t *)&s->listener, (uv_stream_t *)&conn->tcp) != 0) {
        uv_close((uv_handle_t *)&conn->tcp, connection_free_unaccepted);
        return;
    }
    conn->refs = 1;
    frame_reader_init(&conn->reader, s->config.max_frame);
    if (s->tls != NULL) {
        conn->tls = tls_stream_new(s->tls);
        if (conn->tls == NULL) {
            log_warn("out of memory for a TLS connection; turning a peer away");
            uv_close((uv_handle_t *)&conn->tcp, connection_closed);
            return;
        }
    }
    conn->last_active_ms = uv_now(&s->loop);
    conn->accepted_ms = conn->unauthenticated_since_ms = conn->last_active_ms;
    connection_peer_name(conn);
    uv_tcp_nodelay(&conn->tcp, 1);
    conn->next = s->connections;
    if (s->connections != NULL)
        s->connections->prev = conn;
    s->connections = conn;
    s->connection_count++;
    s->stats.connections_accepted++;
    log_debug("connection %s accepted", conn->peer);
    if (!connection_admit(conn))
        return;
    char message[128];
    if (s->connection_count > s->config.max_connections) {
        snprintf(message, sizeof(message),
                 "the server is at its limit of %u connections; try again later",
                 s->config.max_connections);
        connection_end(conn, FOLIO__CODE__RESOURCE_EXHAUSTED, message);
        connection_pump(conn);
        return;
    }
    unsigned from_peer = peer_limit_add(&s->peers, conn->peer_addr);
    conn->peer_counted = from_peer > 0;
    if (from_peer == 0 || from_peer > s->config.max_connections_per_address) {
        snprintf(message, sizeof(message),
                 "your address is at the server's limit of %u connections; close some first",
                 s->config.max_connections_per_address);
        connection_end(conn, FOLIO__CODE__RESOURCE_EXHAUSTED, message);
        connection_pump(conn);
        return;
    }
    connection_update_reading(conn);
}
