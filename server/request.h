/* request.h - one request on its way from a decoded frame to a packed reply.
 *
 * A request passes through up to four stages, each optional, as its op
 * (op.h) says:
 *   read   - loop thread, inside a read transaction (also where the session
 *            is checked);
 *   pool   - libuv thread pool, a bounded number at once in the op's lane
 *            (hasher.h): password hashing, and slow work that opens its own
 *            read transaction (exports, backups; the read stage of heavy
 *            reads runs here too, op.h);
 *   write  - writer thread, inside its own nested transaction (writer.h);
 *   finish - loop thread, after the commit: bind sessions, throttle logins.
 * A stage runs only while the reply status is still OK, except finish, which
 * always runs. Everything the request allocates lives in its arena and is
 * released when the reply has been packed.
 */
#ifndef FOLIO_REQUEST_H
#define FOLIO_REQUEST_H

#include <stdbool.h>
#include <stdint.h>

#include <lmdb.h>
#include <uv.h>

#include "arena.h"
#include "calendar.h"
#include "folio.pb-c.h"
#include "hasher.h"
#include "throttle.h"
#include "wire_limits.h"
#include "writer.h"

struct connection;
struct server;
struct op;

enum request_state {
    REQUEST_QUEUED,  /* waiting for earlier requests on its connection */
    REQUEST_RUNNING, /* in a stage, possibly on another thread */
    REQUEST_DONE,    /* reply packed, waiting to be written in order */
};

/* Who is asking: filled from the session before the first stage. */
struct actor {
    uint64_t user_id; /* 0: no session */
    Folio__Role role;
    uint64_t office_id;
    const char *name; /* in the request's arena */
    int64_t session_expires_at;
    uint8_t session_key[32]; /* the store key of the session in use */
};

struct request {
    struct writer_job write_job;
    struct hasher_job pool_job;
    struct request *next; /* connection's queue, in arrival order */
    struct connection *conn;
    struct server *server;
    const struct op *op; /* NULL for a reply the server makes up itself */
    Folio__Request *msg;
    Folio__Response response;
    Folio__Status status;
    struct arena arena;
    struct actor actor;
    int64_t now; /* unix seconds when the request started */
    enum request_state state;
    bool close_after;  /* close the connection once this reply is written */
    bool skip_write;   /* set by a read stage that found nothing to write */
    bool hash_counted; /* counted in the server's hash_peers (dispatch.c) */
    /* A write stage that did part of its work sets write_again: once that
     * part is committed, the write stage runs again, after the writes
     * queued meanwhile (a large import, in batches). write_rounds counts
     * the committed parts, so that a write stage replayed on a grown map
     * can tell a replay (same count) from its next part. write_cut_short
     * tells the finish stage that the server stopped asking for more. */
    bool write_again;
    bool write_cut_short;
    unsigned write_rounds;
    uint64_t delay_ms; /* hold the reply back this long (failed logins) */
    uv_timer_t *delay_timer;
    void *scratch; /* the op's own state between stages, in the arena */
    /* A login's reserved attempt (throttle.h): outside the arena, which is
     * gone by the time an abandoned request is freed. */
    struct throttle_ticket login_ticket;
    /* A result field of Response already packed (wire_field.h), in the
     * arena: sent in place of response's result when set. */
    const uint8_t *result_packed;
    size_t result_packed_len;
    uint8_t *out; /* the packed reply frame */
    size_t out_len;
    uint64_t arrived_ns; /* uv_hrtime when it was read: its latency's start */
    size_t bytes_in;     /* the request's payload */
};

/* Sets the reply status. Returns WRITER_ROLLBACK, so a write stage can
 * `return request_fail(...)` and its changes are discarded. */
int request_fail(struct request *req, Folio__Code code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* RESOURCE_EXHAUSTED "out of memory": the request's arena is spent.
 * Returns WRITER_ROLLBACK, like request_fail. */
int request_oom(struct request *req);

/* Turns a store error into a reply status: MDB_NOTFOUND is the caller's to
 * handle; MDB_MAP_FULL is passed back unchanged so the writer can grow the
 * map and replay; anything else becomes INTERNAL or UNAVAILABLE. */
int request_store_error(struct request *req, int rc, const char *what);

/* Today for the actor: the date in its card's time zone, else the firm's
 * (the calendar's), else UTC (time_zone.h). 0, or a store error. */
int request_today(struct request *req, MDB_txn *txn, char out[CALENDAR_DATE_TEXT + 1]);

/* today: the actor's today (request_today), the server's decision; label:
 * the request's date (may be NULL or ""), else today. Rules (expiry,
 * validity) go by today alone: a client's date only says when something
 * happened, so one that is not a date, or is after today, is refused.
 * Returns 0, or WRITER_ROLLBACK with the reply set. */
int request_dates(struct request *req, MDB_txn *txn, const char *date,
                  char today[CALENDAR_DATE_TEXT + 1], char label[CALENDAR_DATE_TEXT + 1]);

/* The day a listing is about: the request's date when it gives one, else
 * the actor's today (request_today). It decides nothing (a listing only
 * shows things as they stand on that day). 0, or WRITER_ROLLBACK with the
 * reply set. */
int request_listing_day(struct request *req, MDB_txn *txn, const char *date,
                        char out[CALENDAR_DATE_TEXT + 1]);

/* Parses the client id a request gives in `field`: 0, or WRITER_ROLLBACK
 * with INVALID_ARGUMENT "FIELD: not a client id". */
int request_client_id(struct request *req, const char *field, const char *text, uint8_t id[16]);

/* The client a request names in `field`, as a person may type it: a whole
 * id, or a unique start of one, 8 to 32 hex digits with or without the
 * dashes (client_id_prefix_parse). A prefix is looked for among the clients
 * the actor may see alone: its own, or every client for a firm-admin with
 * firm_admin_read (access_client's rule), so another agent's clients are
 * neither found nor counted. No match: NOT_FOUND "no client TEXT", as for a
 * whole id nobody uses. Several: INVALID_ARGUMENT (the text given does not
 * name one client; more digits will), naming up to
 * REQUEST_CLIENT_CANDIDATES of them by id and name. A whole id is returned
 * as it is, unchecked: access_client decides. 0, or WRITER_ROLLBACK with the
 * reply set. */
#define REQUEST_CLIENT_CANDIDATES 4
int request_client_resolve(struct request *req, MDB_txn *txn, const char *field, const char *text,
                           bool firm_admin_read, uint8_t id[16]);
/* The same among owner's clients only (STORE_CLIENT_ANY_OWNER: anyone's),
 * for a read on behalf of owner (op_cover_agent). */
int request_client_resolve_owned(struct request *req, MDB_txn *txn, const char *field,
                                 const char *text, uint64_t owner, uint8_t id[16]);

/* Reads the client a request names in `field` (text: its id or a prefix,
 * request_client_resolve) and checks
 * that the actor may use it (access_client; firm_admin_read as there). id
 * receives the parsed key, *out the record in the request's arena. 0, or
 * WRITER_ROLLBACK with the reply set (an id that is no client id, or no
 * client this actor may see: NOT_FOUND, whoever holds it). */
int request_client(struct request *req, MDB_txn *txn, const char *field, const char *text,
                   bool firm_admin_read, uint8_t id[16], Folio__Client **out);

/* How many entries a page of a list reply holds: what the request asks
 * for, REQUEST_PAGE_DEFAULT when it asks for 0, at most REQUEST_PAGE_MAX. */
#define REQUEST_PAGE_DEFAULT 100
#define REQUEST_PAGE_MAX     FOLIO_PAGE_MAX
size_t request_page_size(uint32_t asked);

/* The record an add request sends, copied into the arena (a shallow copy:
 * its strings and sub-messages are still the request's), or a new empty
 * desc when it sends none. Its own unknown fields are dropped, since they
 * would be stored and sent back unchecked. NULL when out of memory. */
void *request_record(struct request *req, const ProtobufCMessageDescriptor *desc, const void *sent);

/* The actor's agent card, or an empty one when none is set; its user name
 * filled either way, for a reply. 0, or WRITER_ROLLBACK with the reply set. */
int request_actor_card(struct request *req, MDB_txn *txn, Folio__AgentCard **out);
/* The same for the user user_id named name (an admin acting on an agent's
 * portfolio: the agent's card). */
int request_agent_card(struct request *req, MDB_txn *txn, uint64_t user_id, const char *name,
                       Folio__AgentCard **out);

/* The n strings joined by ",", in the request's arena (a field list for the
 * timeline and the audit); NULL when out of memory. */
char *request_joined(struct request *req, char **strings, size_t n);

/* Sets an Empty result. Returns 0 (or fails the request when out of memory). */
int request_reply_empty(struct request *req);

bool request_ok(const struct request *req);
void *request_alloc(struct request *req, size_t size);

#endif
