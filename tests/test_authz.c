/* test_authz.c - who may send which request: every request type of the wire
 * against every role, from one table.
 *
 * The table holds a row for every field of Request's `op` oneof (checked
 * against the descriptor at run time: a request type without a row fails
 * here, and so does a row naming one that does not exist), and per row the
 * code each role must get:
 *
 *   owner     agent "owner" of Office A: owns the client, offer and coupon
 *             the requests name
 *   other     agent "other" of Office B
 *   admin-a   office-admin of Office A, the owner's office
 *   admin-b   office-admin of Office B
 *   firm      the firm-admin root
 *   disabled  a firm-admin that logged in and was then disabled by root,
 *             which ends its connection: whatever it sends, the answer is
 *             that end (UNAUTHENTICATED), so its column is not consulted
 *   anon      a connection that said Hello and never logged in
 *   expired   root on a second server whose sessions last seconds, asked
 *             once its session has expired
 * Office A also has agent "peer", where reassignments go, and a second
 * office-admin, "deputy".
 *
 * Each row builds a request that succeeds for a role that may send it, with
 * real ids. Requests whose success changes what later cells rely on (erase,
 * disable, reassign, release, redeem, ...) get fresh records for every cell.
 * Every cell runs on a connection of its own, bound to the role's session
 * with Authenticate, so that what a cell does to its connection (a transfer,
 * a watch, a logout) never reaches another. Besides the code:
 *   - a NOT_FOUND for someone else's record says exactly what it says for an
 *     id nobody uses ("no client ID", "no offer ID", ...);
 *   - an UNAUTHENTICATED says why: the session ended (disabled), there is
 *     none (anon), it expired (expired);
 *   - a successful answer to anyone but the owner carries neither the owner's
 *     client (id or name), unless the row lets that role see it, nor ever
 *     the code of the owner's coupon; where the row says the owner's answer
 *     shows them, it does. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>
#include <sodium.h>

#include "folioclient_campaign.h"
#include "folioclient_firm.h"
#include "folioclient_interchange.h"
#include "folioclient_reassign.h"
#include "folioclient_stats.h"
#include "folioclient_transfer.h"
#include "envelope.h"
#include "harness.h"
#include "status.h"

#define PW_OWNER   "owner-password"
#define PW_OTHER   "other-password"
#define PW_ADMIN_A "admin-a-password"
#define PW_ADMIN_B "admin-b-password"
#define PW_PEER    "peer-password"
#define PW_DEPUTY  "deputy-password"
#define PW_FRESH   "fresh-password" /* users made for one cell */

#define OFFICE_A    "Office A"
#define OFFICE_B    "Office B"
#define CLIENT_NAME "Zafiro Quispe-Authz"

/* "Today" for every dated request: no answer depends on the real date. */
/* foliod runs at TODAY (harness_server_clock): its date decides expiry. */
#define TODAY "2030-01-15"
/* The late server's sessions last an hour; at AUTHZ_LATE_EXPIRED on its
 * clock, which starts at noon, they are over. */
#define AUTHZ_LATE_TTL     "3600"
#define AUTHZ_LATE_EXPIRED TODAY " 14:00:00"

enum authz_role {
    AS_OWNER,
    AS_OTHER,
    AS_ADMIN_A,
    AS_ADMIN_B,
    AS_FIRM,
    AS_DISABLED,
    AS_ANON,
    AS_EXPIRED,
    AS_COUNT
};
/* The roles before this one hold a live session on the first server. */
#define AS_LIVE AS_DISABLED

static const char *const authz_role_names[AS_COUNT] = {
    "the owner agent",
    "an agent of the other office",
    "the owner's office-admin",
    "another office-admin",
    "the firm-admin",
    "a disabled user",
    "a connection without a session",
    "an expired session",
};

static const struct {
    const char *name, *password;
} authz_users[AS_LIVE] = {
    {"owner", PW_OWNER},
    {"other", PW_OTHER},
    {"admin-a", PW_ADMIN_A},
    {"admin-b", PW_ADMIN_B},
    {HARNESS_ADMIN, HARNESS_ADMIN_PASSWORD},
};

/* Why each role is refused a session, word for word. */
static const char *const authz_unauthenticated[AS_COUNT] = {
    [AS_DISABLED] = "this account is disabled; its sessions have ended",
    [AS_ANON] = "log in first",
    [AS_EXPIRED] = "your session has expired; log in again",
};

#define AUTHZ_ROWS_MAX 192

/* Everything the rows name, made once. */
static struct {
    struct harness_server srv;              /* the matrix */
    struct harness_server late;             /* its clock moves: the expired role's */
    struct folio_connection *conn[AS_LIVE]; /* each live role's own, for setting up */
    char token[AS_LIVE][65];
    struct folio_connection *expired[AUTHZ_ROWS_MAX]; /* one per row, bound before expiry */
    char expired_token[65];
    char client_id[40]; /* the owner's client, with an offer and a coupon */
    char coupon_code[32];
    uint64_t partner_id;
    uint8_t *bundle; /* the owner's export of its client */
    size_t bundle_len;
    unsigned serial; /* makes fresh names */
} fx;

/* One request of one row, as one role. */
#define CELL_OWNED_MAX 16
#define CELL_CLOSE_MAX 4

struct authz_cell {
    enum authz_role role;
    struct folio_connection *conn; /* where the request goes */
    struct folio_connection *close[CELL_CLOSE_MAX];
    size_t n_close;
    const char *user, *password, *token; /* the role's own */
    char fresh_user[32];                 /* the disabled user made for this cell */
    char fresh_token[65];
    char not_found[160]; /* what a NOT_FOUND must say, when the row knows */
    Folio__Request req;
    void *owned[CELL_OWNED_MAX];
    size_t n_owned;
};

struct authz_row {
    const char *op;      /* the field of Request's oneof op */
    const char *variant; /* what the row asks, when an op has more than one */
    void (*build)(struct authz_cell *c);
    Folio__Code expect[AS_COUNT];
    unsigned may_see;    /* roles besides the owner an OK answer may show the client to */
    unsigned owner_sees; /* what the owner's OK answer carries: SHOWS_* */
};

#define SEEN_BY(role) (1u << (role))
/* What the owner's OK answer must carry: its client (id or name), its
 * coupon's code. The others' answers, which must not, are then answers to a
 * request that would show them. */
#define SHOWS_CLIENT 1u
#define SHOWS_COUPON 2u

/* ---------------------------------------------------------------- cells */

static void *cell_alloc(struct authz_cell *c, size_t size)
{
    cr_assert_lt(c->n_owned, CELL_OWNED_MAX, "a row allocates too much for one cell");
    void *p = calloc(1, size);
    cr_assert_not_null(p);
    c->owned[c->n_owned++] = p;
    return p;
}

__attribute__((format(printf, 2, 3))) static char *cell_printf(struct authz_cell *c,
                                                               const char *fmt, ...)
{
    char buf[256];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    cr_assert(n >= 0 && (size_t)n < sizeof(buf));
    char *s = cell_alloc(c, (size_t)n + 1);
    memcpy(s, buf, (size_t)n + 1);
    return s;
}

/* A name nobody has used yet. */
static char *cell_fresh(struct authz_cell *c, const char *prefix)
{
    return cell_printf(c, "%s-%u", prefix, ++fx.serial);
}

static void cell_close_after(struct authz_cell *c, struct folio_connection *conn)
{
    cr_assert_lt(c->n_close, CELL_CLOSE_MAX);
    c->close[c->n_close++] = conn;
}

static bool cell_live(const struct authz_cell *c)
{
    return c->role < AS_LIVE;
}

/* The cell's request asks for msg, an op message (envelope.h). */
#define CELL_SET(c, msg)                                                                           \
    cr_assert_eq(envelope_set(&(c)->req, &(msg)->base), 0, "no Request op takes this message")

static void cell_no_client(struct authz_cell *c, const char *id)
{
    snprintf(c->not_found, sizeof(c->not_found), "no client %s", id);
}

static void cell_no_transfer(struct authz_cell *c, const char *id)
{
    snprintf(c->not_found, sizeof(c->not_found), "no transfer %s on this connection", id);
}

/* ---------------------------------------------------------------- setting up */

/* A new connection bound to a live role's session. */
static struct folio_connection *authz_connect_as(enum authz_role role)
{
    struct folio_connection *conn = harness_connect(&fx.srv);
    struct folio_error err = {0};
    folio_response_free(harness_ok(folio_authenticate(conn, fx.token[role], &err), &err));
    return conn;
}

/* A client of the owner's, with consent to e-mail and a birthday in the
 * agenda's window; its id into id. They share an e-mail, so each after the
 * first is added as an allowed duplicate. */
static void authz_add_client(const char *name, char id[40])
{
    char *emails[] = {"client@example.com"};
    Folio__Consent consent = FOLIO__CONSENT__INIT;
    consent.email = true;
    Folio__Client client = FOLIO__CLIENT__INIT;
    client.name = (char *)name;
    client.birth_date = "1980-01-20";
    client.city = "Arequipa";
    client.n_emails = 1;
    client.emails = emails;
    client.consent = &consent;
    struct folio_error err = {0};
    Folio__Response *r = harness_ok(folio_client_add(fx.conn[AS_OWNER], &client, true, &err), &err);
    snprintf(id, 40, "%s", r->client->id);
    folio_response_free(r);
}

static char *cell_fresh_client(struct authz_cell *c)
{
    char *id = cell_alloc(c, 40);
    authz_add_client(cell_fresh(c, "Spare client"), id);
    return id;
}

static uint64_t authz_add_offer(void)
{
    Folio__Offer offer = FOLIO__OFFER__INIT;
    offer.client_id = fx.client_id;
    offer.title = "Savings plan";
    offer.product = "savings";
    offer.rate_bp = 450;
    offer.valid_from = "2030-01-01";
    offer.valid_until = "2030-12-31";
    offer.channel = "email";
    struct folio_error err = {0};
    Folio__Response *r = harness_ok(folio_offer_add(fx.conn[AS_OWNER], &offer, TODAY, &err), &err);
    uint64_t id = r->offer->id;
    folio_response_free(r);
    return id;
}

static void authz_issue_coupon(char code[32])
{
    Folio__Coupon coupon = FOLIO__COUPON__INIT;
    coupon.client_id = fx.client_id;
    coupon.partner_id = fx.partner_id;
    coupon.discount = "2x1";
    coupon.valid_until = "2030-12-31";
    struct folio_error err = {0};
    Folio__Response *r =
        harness_ok(folio_coupon_issue(fx.conn[AS_OWNER], &coupon, TODAY, &err), &err);
    snprintf(code, 32, "%s", r->coupon->code);
    folio_response_free(r);
}

/* Opens an export of the owner's client on conn (the owner's); its id. */
static char *cell_export(struct authz_cell *c, struct folio_connection *conn)
{
    const char *ids[] = {fx.client_id};
    struct folio_error err = {0};
    Folio__Response *r =
        harness_ok(folio_export_begin(conn, NULL, ids, 1, false, NULL, &err), &err);
    char *id = cell_printf(c, "%s", r->transfer->transfer_id);
    folio_response_free(r);
    return id;
}

/* Opens an import on conn; its id. */
static char *cell_import_begin(struct authz_cell *c, struct folio_connection *conn)
{
    struct folio_error err = {0};
    Folio__Response *r = harness_ok(folio_import_begin(conn, fx.bundle_len, &err), &err);
    char *id = cell_printf(c, "%s", r->transfer->transfer_id);
    folio_response_free(r);
    return id;
}

/* Uploads the owner's bundle on conn, whole; the transfer's id. */
static char *cell_upload(struct authz_cell *c, struct folio_connection *conn)
{
    char *id = cell_import_begin(c, conn);
    struct folio_error err = {0};
    folio_response_free(
        harness_ok(folio_import_chunk(conn, id, 0, fx.bundle, fx.bundle_len, &err), &err));
    return id;
}

/* A public key as `admin firm-key` prints it, of a key pair made now. */
static char *cell_fresh_key(struct authz_cell *c)
{
    uint8_t pk[crypto_sign_PUBLICKEYBYTES], sk[crypto_sign_SECRETKEYBYTES];
    crypto_sign_keypair(pk, sk);
    sodium_memzero(sk, sizeof(sk));
    char *hex = cell_alloc(c, 2 * sizeof(pk) + 1);
    sodium_bin2hex(hex, 2 * sizeof(pk) + 1, pk, sizeof(pk));
    return hex;
}

/* ---------------------------------------------------------------- rows: session */

static void build_hello(struct authz_cell *c)
{
    Folio__Hello *m = cell_alloc(c, sizeof(*m));
    folio__hello__init(m);
    m->protocol_version = FOLIO_PROTOCOL_VERSION;
    m->client_name = "folio-tests-authz";
    CELL_SET(c, m);
}

static void build_login(struct authz_cell *c)
{
    Folio__Login *m = cell_alloc(c, sizeof(*m));
    folio__login__init(m);
    m->username = (char *)c->user;
    m->password = (char *)c->password;
    CELL_SET(c, m);
}

static void build_authenticate(struct authz_cell *c)
{
    Folio__Authenticate *m = cell_alloc(c, sizeof(*m));
    folio__authenticate__init(m);
    m->token = (char *)c->token;
    CELL_SET(c, m);
}

/* A live role logs out of a session of its own, not the one the other cells
 * share. */
static void build_logout(struct authz_cell *c)
{
    if (cell_live(c)) {
        c->conn = harness_user(&fx.srv, c->user, c->password);
        cell_close_after(c, c->conn);
    }
    Folio__Logout *m = cell_alloc(c, sizeof(*m));
    folio__logout__init(m);
    CELL_SET(c, m);
}

static void build_whoami(struct authz_cell *c)
{
    Folio__WhoAmI *m = cell_alloc(c, sizeof(*m));
    folio__who_am_i__init(m);
    CELL_SET(c, m);
}

/* To the same password: the sessions of later cells stay valid. */
static void build_password_change(struct authz_cell *c)
{
    Folio__PasswordChange *m = cell_alloc(c, sizeof(*m));
    folio__password_change__init(m);
    m->old_password = (char *)c->password;
    m->new_password = (char *)c->password;
    CELL_SET(c, m);
}

/* ---------------------------------------------------------------- rows: administration */

static void build_office_add(struct authz_cell *c)
{
    Folio__OfficeAdd *m = cell_alloc(c, sizeof(*m));
    folio__office_add__init(m);
    m->name = cell_fresh(c, "Office");
    CELL_SET(c, m);
}

static void build_office_list(struct authz_cell *c)
{
    Folio__OfficeList *m = cell_alloc(c, sizeof(*m));
    folio__office_list__init(m);
    CELL_SET(c, m);
}

/* A new agent of Office A. */
static void build_user_add(struct authz_cell *c)
{
    Folio__UserAdd *m = cell_alloc(c, sizeof(*m));
    folio__user_add__init(m);
    m->name = cell_fresh(c, "hire");
    m->role = FOLIO__ROLE__ROLE_AGENT;
    m->office = OFFICE_A;
    m->password = PW_FRESH;
    CELL_SET(c, m);
}

/* A new office-admin of Office A: an office-admin adds agents only. */
static void build_user_add_office_admin(struct authz_cell *c)
{
    build_user_add(c);
    c->req.user_add->role = FOLIO__ROLE__ROLE_OFFICE_ADMIN;
}

/* A new agent of an office nobody has. */
static void build_user_add_no_office(struct authz_cell *c)
{
    build_user_add(c);
    c->req.user_add->office = cell_fresh(c, "Office nobody has");
}

static void build_user_list(struct authz_cell *c)
{
    Folio__UserList *m = cell_alloc(c, sizeof(*m));
    folio__user_list__init(m);
    CELL_SET(c, m);
}

/* A fresh user of Office A with this role, enabled. */
static void build_user_disable_of(struct authz_cell *c, Folio__Role role)
{
    char *name = cell_fresh(c, "leaver");
    harness_add_user(fx.conn[AS_FIRM], name, role, OFFICE_A, PW_FRESH);
    Folio__UserDisable *m = cell_alloc(c, sizeof(*m));
    folio__user_disable__init(m);
    m->name = name;
    CELL_SET(c, m);
}

static void build_user_disable(struct authz_cell *c)
{
    build_user_disable_of(c, FOLIO__ROLE__ROLE_AGENT);
}

static void build_user_disable_office_admin(struct authz_cell *c)
{
    build_user_disable_of(c, FOLIO__ROLE__ROLE_OFFICE_ADMIN);
}

static void build_user_disable_nobody(struct authz_cell *c)
{
    Folio__UserDisable *m = cell_alloc(c, sizeof(*m));
    folio__user_disable__init(m);
    m->name = cell_fresh(c, "nobody");
    CELL_SET(c, m);
}

static void build_office_rename(struct authz_cell *c)
{
    char *name = cell_fresh(c, "Renamed");
    harness_add_office(fx.conn[AS_FIRM], name);
    Folio__OfficeRename *m = cell_alloc(c, sizeof(*m));
    folio__office_rename__init(m);
    m->name = name;
    m->new_name = cell_fresh(c, "Renamed-new");
    CELL_SET(c, m);
}

static void build_office_remove(struct authz_cell *c)
{
    char *name = cell_fresh(c, "Removed");
    harness_add_office(fx.conn[AS_FIRM], name);
    Folio__OfficeRemove *m = cell_alloc(c, sizeof(*m));
    folio__office_remove__init(m);
    m->name = name;
    CELL_SET(c, m);
}

/* A fresh agent of Office A: disabled first for enable. */
static char *authz_fresh_agent(struct authz_cell *c, bool disabled)
{
    char *name = cell_fresh(c, "mover");
    harness_add_user(fx.conn[AS_FIRM], name, FOLIO__ROLE__ROLE_AGENT, OFFICE_A, PW_FRESH);
    struct folio_error err = {0};
    if (disabled)
        folio_response_free(harness_ok(folio_user_disable(fx.conn[AS_FIRM], name, &err), &err));
    return name;
}

static void build_user_enable(struct authz_cell *c)
{
    Folio__UserEnable *m = cell_alloc(c, sizeof(*m));
    folio__user_enable__init(m);
    m->name = authz_fresh_agent(c, true);
    CELL_SET(c, m);
}

/* Moves a fresh agent within Office A: what an office-admin of A may do. */
static void build_user_set(struct authz_cell *c)
{
    Folio__UserSet *m = cell_alloc(c, sizeof(*m));
    folio__user_set__init(m);
    m->name = authz_fresh_agent(c, false);
    m->office = OFFICE_A;
    m->role = FOLIO__ROLE__ROLE_AGENT;
    CELL_SET(c, m);
}

static void build_user_show(struct authz_cell *c)
{
    Folio__UserShow *m = cell_alloc(c, sizeof(*m));
    folio__user_show__init(m);
    m->name = "owner";
    CELL_SET(c, m);
}

/* Peer, an agent of Office A, to the password it has. */
static void build_user_passwd(struct authz_cell *c)
{
    Folio__UserPasswd *m = cell_alloc(c, sizeof(*m));
    folio__user_passwd__init(m);
    m->name = "peer";
    m->password = PW_PEER;
    CELL_SET(c, m);
}

static void build_user_passwd_nobody(struct authz_cell *c)
{
    build_user_passwd(c);
    c->req.user_passwd->name = cell_fresh(c, "nobody");
}

/* Deputy, a second office-admin of Office A, to the password it has. */
static void build_user_passwd_office_admin(struct authz_cell *c)
{
    build_user_passwd(c);
    c->req.user_passwd->name = "deputy";
    c->req.user_passwd->password = PW_DEPUTY;
}

/* Peer, an agent of Office A, unlocked (locked or not). */
static void build_user_unlock(struct authz_cell *c)
{
    Folio__UserUnlock *m = cell_alloc(c, sizeof(*m));
    folio__user_unlock__init(m);
    m->name = "peer";
    CELL_SET(c, m);
}

static void build_user_unlock_office_admin(struct authz_cell *c)
{
    build_user_unlock(c);
    c->req.user_unlock->name = "deputy";
}

static void build_user_unlock_nobody(struct authz_cell *c)
{
    build_user_unlock(c);
    c->req.user_unlock->name = cell_fresh(c, "nobody");
}

static void build_audit_query(struct authz_cell *c)
{
    Folio__AuditQuery *m = cell_alloc(c, sizeof(*m));
    folio__audit_query__init(m);
    m->limit = 1000;
    CELL_SET(c, m);
}

/* ---------------------------------------------------------------- rows: clients */

static void build_client_add(struct authz_cell *c)
{
    Folio__Client *client = cell_alloc(c, sizeof(*client));
    folio__client__init(client);
    client->name = cell_fresh(c, "New client");
    Folio__ClientAdd *m = cell_alloc(c, sizeof(*m));
    folio__client_add__init(m);
    m->client = client;
    CELL_SET(c, m);
}

static void build_client_get(struct authz_cell *c)
{
    Folio__ClientGet *m = cell_alloc(c, sizeof(*m));
    folio__client_get__init(m);
    m->id = fx.client_id;
    CELL_SET(c, m);
    cell_no_client(c, fx.client_id);
}

static void build_client_get_firm_admin_read(struct authz_cell *c)
{
    build_client_get(c);
    c->req.client_get->firm_admin_read = true;
}

static void build_client_list(struct authz_cell *c)
{
    Folio__ClientList *m = cell_alloc(c, sizeof(*m));
    folio__client_list__init(m);
    CELL_SET(c, m);
}

static void build_client_list_owner(struct authz_cell *c)
{
    build_client_list(c);
    c->req.client_list->agent = "owner";
    c->req.client_list->reason = "authorisation matrix";
}

/* Found by its name, in the caller's own portfolio. */
static void build_client_find(struct authz_cell *c)
{
    Folio__ClientFind *m = cell_alloc(c, sizeof(*m));
    folio__client_find__init(m);
    m->text = "zafiro quispe";
    CELL_SET(c, m);
}

/* Every agent's portfolio: ids and owners only. */
static void build_client_find_firm(struct authz_cell *c)
{
    build_client_find(c);
    c->req.client_find->firm = true;
}

static void build_client_find_firm_admin_read(struct authz_cell *c)
{
    build_client_find_firm(c);
    c->req.client_find->firm_admin_read = true;
}

static void build_client_update(struct authz_cell *c)
{
    Folio__Client *changes = cell_alloc(c, sizeof(*changes));
    folio__client__init(changes);
    changes->notes = cell_fresh(c, "note");
    char **fields = cell_alloc(c, sizeof(*fields));
    fields[0] = "notes";
    Folio__ClientUpdate *m = cell_alloc(c, sizeof(*m));
    folio__client_update__init(m);
    m->id = fx.client_id;
    m->client = changes;
    m->n_fields = 1;
    m->fields = fields;
    CELL_SET(c, m);
    cell_no_client(c, fx.client_id);
}

/* A fresh client of the owner's. */
static void build_client_erase(struct authz_cell *c)
{
    Folio__ClientErase *m = cell_alloc(c, sizeof(*m));
    folio__client_erase__init(m);
    m->id = cell_fresh_client(c);
    CELL_SET(c, m);
    cell_no_client(c, m->id);
}

static void build_client_history(struct authz_cell *c)
{
    Folio__ClientHistory *m = cell_alloc(c, sizeof(*m));
    folio__client_history__init(m);
    m->id = fx.client_id;
    CELL_SET(c, m);
    cell_no_client(c, fx.client_id);
}

static void build_event_add(struct authz_cell *c)
{
    Folio__EventAdd *m = cell_alloc(c, sizeof(*m));
    folio__event_add__init(m);
    m->client_id = fx.client_id;
    m->kind = "note";
    m->note = "called about the plan";
    CELL_SET(c, m);
    cell_no_client(c, fx.client_id);
}

/* A note of the owner's on the fixture's client, for one cell to correct
 * or withdraw: its seq. */
static uint64_t authz_add_note(void)
{
    Folio__EventAdd event = FOLIO__EVENT_ADD__INIT;
    event.client_id = fx.client_id;
    event.kind = "note";
    event.note = "a note to correct";
    struct folio_error err = {0};
    Folio__Response *r = harness_ok(folio_event_add(fx.conn[AS_OWNER], &event, &err), &err);
    uint64_t seq = r->event->seq;
    folio_response_free(r);
    return seq;
}

static void build_event_edit(struct authz_cell *c)
{
    static char *fields[] = {"note"};
    Folio__EventEdit *m = cell_alloc(c, sizeof(*m));
    folio__event_edit__init(m);
    m->client_id = fx.client_id;
    m->seq = authz_add_note();
    m->fields = fields;
    m->n_fields = 1;
    m->note = "corrected";
    CELL_SET(c, m);
    cell_no_client(c, fx.client_id);
}

static void build_event_remove(struct authz_cell *c)
{
    Folio__EventRemove *m = cell_alloc(c, sizeof(*m));
    folio__event_remove__init(m);
    m->client_id = fx.client_id;
    m->seq = authz_add_note();
    CELL_SET(c, m);
    cell_no_client(c, fx.client_id);
}

static void build_client_merge(struct authz_cell *c)
{
    Folio__ClientMerge *m = cell_alloc(c, sizeof(*m));
    folio__client_merge__init(m);
    m->keep_id = cell_fresh_client(c);
    m->other_id = cell_fresh_client(c);
    CELL_SET(c, m);
    cell_no_client(c, m->keep_id);
}

static void build_client_link(struct authz_cell *c)
{
    Folio__ClientLink *m = cell_alloc(c, sizeof(*m));
    folio__client_link__init(m);
    m->client_id = cell_fresh_client(c);
    m->other_id = cell_fresh_client(c);
    m->relation = "sibling";
    CELL_SET(c, m);
    cell_no_client(c, m->client_id);
}

/* Two fresh clients, linked by the owner first. */
static void build_client_unlink(struct authz_cell *c)
{
    Folio__ClientUnlink *m = cell_alloc(c, sizeof(*m));
    folio__client_unlink__init(m);
    m->client_id = cell_fresh_client(c);
    m->other_id = cell_fresh_client(c);
    struct folio_error err = {0};
    folio_response_free(harness_ok(
        folio_client_link(fx.conn[AS_OWNER], m->client_id, m->other_id, "sibling", &err), &err));
    CELL_SET(c, m);
    cell_no_client(c, m->client_id);
}

static void build_segment(struct authz_cell *c)
{
    Folio__Segment *m = cell_alloc(c, sizeof(*m));
    folio__segment__init(m);
    CELL_SET(c, m);
}

static void build_client_import(struct authz_cell *c)
{
    Folio__Client *client = cell_alloc(c, sizeof(*client));
    folio__client__init(client);
    client->name = cell_fresh(c, "Imported client");
    Folio__Client **clients = cell_alloc(c, sizeof(*clients));
    clients[0] = client;
    Folio__ClientImport *m = cell_alloc(c, sizeof(*m));
    folio__client_import__init(m);
    m->n_clients = 1;
    m->clients = clients;
    CELL_SET(c, m);
}

static void build_client_import_for_owner(struct authz_cell *c)
{
    build_client_import(c);
    c->req.client_import->agent = "owner";
}

/* ---------------------------------------------------------------- rows: rules, calendar, alerts */

static void build_rule_add(struct authz_cell *c)
{
    Folio__Rule *rule = cell_alloc(c, sizeof(*rule));
    folio__rule__init(rule);
    rule->on = "birthday";
    rule->suggest = "call with a gift";
    Folio__RuleAdd *m = cell_alloc(c, sizeof(*m));
    folio__rule_add__init(m);
    m->rule = rule;
    CELL_SET(c, m);
}

static void build_rule_list(struct authz_cell *c)
{
    Folio__RuleList *m = cell_alloc(c, sizeof(*m));
    folio__rule_list__init(m);
    CELL_SET(c, m);
}

/* A fresh rule. */
static void build_rule_remove(struct authz_cell *c)
{
    Folio__Rule rule = FOLIO__RULE__INIT;
    rule.on = "season";
    rule.suggest = "review the portfolio";
    struct folio_error err = {0};
    Folio__Response *r = harness_ok(folio_rule_add(fx.conn[AS_FIRM], &rule, &err), &err);
    Folio__RuleRemove *m = cell_alloc(c, sizeof(*m));
    folio__rule_remove__init(m);
    m->id = r->rule->id;
    folio_response_free(r);
    CELL_SET(c, m);
}

/* A fresh rule, its suggestion changed. */
static void build_rule_edit(struct authz_cell *c)
{
    Folio__Rule rule = FOLIO__RULE__INIT;
    rule.on = "season";
    rule.suggest = "review the portfolio";
    struct folio_error err = {0};
    Folio__Response *r = harness_ok(folio_rule_add(fx.conn[AS_FIRM], &rule, &err), &err);
    Folio__Rule *changes = cell_alloc(c, sizeof(*changes));
    folio__rule__init(changes);
    changes->suggest = "call about the season";
    static char *fields[] = {"suggest"};
    Folio__RuleEdit *m = cell_alloc(c, sizeof(*m));
    folio__rule_edit__init(m);
    m->id = r->rule->id;
    m->changes = changes;
    m->fields = fields;
    m->n_fields = 1;
    folio_response_free(r);
    CELL_SET(c, m);
}

static void build_calendar_get(struct authz_cell *c)
{
    Folio__CalendarGet *m = cell_alloc(c, sizeof(*m));
    folio__calendar_get__init(m);
    CELL_SET(c, m);
}

static void build_calendar_set(struct authz_cell *c)
{
    Folio__Calendar *cal = cell_alloc(c, sizeof(*cal));
    folio__calendar__init(cal);
    cal->stay_in_touch_days = 90;
    char **fields = cell_alloc(c, sizeof(*fields));
    fields[0] = "stay_in_touch_days";
    Folio__CalendarSet *m = cell_alloc(c, sizeof(*m));
    folio__calendar_set__init(m);
    m->calendar = cal;
    m->n_fields = 1;
    m->fields = fields;
    CELL_SET(c, m);
}

static void build_occasion_add(struct authz_cell *c)
{
    Folio__Occasion *occ = cell_alloc(c, sizeof(*occ));
    folio__occasion__init(occ);
    occ->name = cell_fresh(c, "fair");
    occ->month = 5;
    occ->day = 5;
    Folio__OccasionAdd *m = cell_alloc(c, sizeof(*m));
    folio__occasion_add__init(m);
    m->occasion = occ;
    CELL_SET(c, m);
}

/* A fresh occasion. */
static void build_occasion_remove(struct authz_cell *c)
{
    char *name = cell_fresh(c, "feast");
    struct folio_error err = {0};
    folio_response_free(harness_ok(folio_occasion_add(fx.conn[AS_FIRM], name, 6, 6, &err), &err));
    Folio__OccasionRemove *m = cell_alloc(c, sizeof(*m));
    folio__occasion_remove__init(m);
    m->name = name;
    CELL_SET(c, m);
}

static void build_alert_add(struct authz_cell *c)
{
    Folio__Alert *alert = cell_alloc(c, sizeof(*alert));
    folio__alert__init(alert);
    alert->kind = "flood";
    alert->city = "Arequipa";
    alert->date = "2030-01-10";
    Folio__AlertAdd *m = cell_alloc(c, sizeof(*m));
    folio__alert_add__init(m);
    m->alert = alert;
    CELL_SET(c, m);
}

static void build_alert_list(struct authz_cell *c)
{
    Folio__AlertList *m = cell_alloc(c, sizeof(*m));
    folio__alert_list__init(m);
    m->date = TODAY;
    CELL_SET(c, m);
}

/* A fresh alert, posted by the office-admin of Office A. */
static void build_alert_end(struct authz_cell *c)
{
    Folio__Alert alert = FOLIO__ALERT__INIT;
    alert.kind = "earthquake";
    alert.region = "Arequipa";
    alert.date = "2030-01-12";
    struct folio_error err = {0};
    Folio__Response *r = harness_ok(folio_alert_add(fx.conn[AS_ADMIN_A], &alert, &err), &err);
    Folio__AlertEnd *m = cell_alloc(c, sizeof(*m));
    folio__alert_end__init(m);
    m->id = r->alert->id;
    m->date = TODAY;
    folio_response_free(r);
    CELL_SET(c, m);
}

/* ---------------------------------------------------------------- rows: offers, coupons, cards */

static void build_offer_add(struct authz_cell *c)
{
    Folio__Offer *offer = cell_alloc(c, sizeof(*offer));
    folio__offer__init(offer);
    offer->client_id = fx.client_id;
    offer->title = "Car insurance";
    offer->valid_from = "2030-01-01";
    offer->valid_until = "2030-06-30";
    offer->channel = "email";
    Folio__OfferAdd *m = cell_alloc(c, sizeof(*m));
    folio__offer_add__init(m);
    m->offer = offer;
    m->date = TODAY;
    /* Who may offer, not what an alert says of it (test_agenda_pages.c). */
    m->despite_alert = true;
    CELL_SET(c, m);
    cell_no_client(c, fx.client_id);
}

static void build_offer_list_client(struct authz_cell *c)
{
    Folio__OfferList *m = cell_alloc(c, sizeof(*m));
    folio__offer_list__init(m);
    m->client_id = fx.client_id;
    m->date = TODAY;
    CELL_SET(c, m);
    cell_no_client(c, fx.client_id);
}

static void build_offer_list_all(struct authz_cell *c)
{
    build_offer_list_client(c);
    c->req.offer_list->client_id = "";
}

/* A fresh offer of the owner's, proposed. */
static void build_offer_set(struct authz_cell *c)
{
    Folio__OfferSet *m = cell_alloc(c, sizeof(*m));
    folio__offer_set__init(m);
    m->id = authz_add_offer();
    m->status = "sent";
    m->date = TODAY;
    CELL_SET(c, m);
    snprintf(c->not_found, sizeof(c->not_found), "no offer %llu", (unsigned long long)m->id);
}

static uint64_t authz_add_holding(void)
{
    Folio__Holding h = FOLIO__HOLDING__INIT;
    h.client_id = fx.client_id;
    h.kind = "auto";
    h.provider = "Rimac";
    struct folio_error err = {0};
    Folio__Response *r = harness_ok(folio_holding_add(fx.conn[AS_OWNER], &h, &err), &err);
    uint64_t id = r->holding->id;
    folio_response_free(r);
    return id;
}

static void build_holding_add(struct authz_cell *c)
{
    Folio__Holding *h = cell_alloc(c, sizeof(*h));
    folio__holding__init(h);
    h->client_id = fx.client_id;
    h->kind = "home";
    h->provider = "Pacifico";
    Folio__HoldingAdd *m = cell_alloc(c, sizeof(*m));
    folio__holding_add__init(m);
    m->holding = h;
    CELL_SET(c, m);
    cell_no_client(c, fx.client_id);
}

static void build_holding_get(struct authz_cell *c)
{
    Folio__HoldingGet *m = cell_alloc(c, sizeof(*m));
    folio__holding_get__init(m);
    m->id = authz_add_holding();
    CELL_SET(c, m);
    snprintf(c->not_found, sizeof(c->not_found), "no holding %llu", (unsigned long long)m->id);
}

static void build_holding_list(struct authz_cell *c)
{
    Folio__HoldingList *m = cell_alloc(c, sizeof(*m));
    folio__holding_list__init(m);
    m->client_id = fx.client_id;
    CELL_SET(c, m);
    cell_no_client(c, fx.client_id);
}

static void build_holding_edit(struct authz_cell *c)
{
    static char *fields[] = {"note"};
    Folio__Holding *changes = cell_alloc(c, sizeof(*changes));
    folio__holding__init(changes);
    changes->note = "edited";
    Folio__HoldingEdit *m = cell_alloc(c, sizeof(*m));
    folio__holding_edit__init(m);
    m->id = authz_add_holding();
    m->changes = changes;
    m->fields = fields;
    m->n_fields = 1;
    CELL_SET(c, m);
    snprintf(c->not_found, sizeof(c->not_found), "no holding %llu", (unsigned long long)m->id);
}

static void build_holding_end(struct authz_cell *c)
{
    Folio__HoldingEnd *m = cell_alloc(c, sizeof(*m));
    folio__holding_end__init(m);
    m->id = authz_add_holding();
    m->date = TODAY;
    m->reason = "lapsed";
    CELL_SET(c, m);
    snprintf(c->not_found, sizeof(c->not_found), "no holding %llu", (unsigned long long)m->id);
}

static void build_book(struct authz_cell *c)
{
    Folio__BookQuery *m = cell_alloc(c, sizeof(*m));
    folio__book_query__init(m);
    m->agent = "owner";
    m->date = TODAY;
    CELL_SET(c, m);
}

static void build_book_firm(struct authz_cell *c)
{
    Folio__BookQuery *m = cell_alloc(c, sizeof(*m));
    folio__book_query__init(m);
    m->firm = true;
    m->date = TODAY;
    CELL_SET(c, m);
}

static void build_report(struct authz_cell *c)
{
    Folio__ReportQuery *m = cell_alloc(c, sizeof(*m));
    folio__report_query__init(m);
    m->agent = "owner";
    m->date = TODAY;
    CELL_SET(c, m);
}

static void build_report_firm(struct authz_cell *c)
{
    Folio__ReportQuery *m = cell_alloc(c, sizeof(*m));
    folio__report_query__init(m);
    m->firm = true;
    m->date = TODAY;
    CELL_SET(c, m);
}

static void build_partner_add(struct authz_cell *c)
{
    Folio__Partner *partner = cell_alloc(c, sizeof(*partner));
    folio__partner__init(partner);
    partner->name = cell_fresh(c, "Cinema");
    partner->category = "cinema";
    Folio__PartnerAdd *m = cell_alloc(c, sizeof(*m));
    folio__partner_add__init(m);
    m->partner = partner;
    CELL_SET(c, m);
}

/* A fresh partner of the firm's. */
static uint64_t authz_fresh_partner(struct authz_cell *c)
{
    Folio__Partner partner = FOLIO__PARTNER__INIT;
    partner.name = cell_fresh(c, "Gym");
    partner.category = "gym";
    struct folio_error err = {0};
    Folio__Response *r = harness_ok(folio_partner_add(fx.conn[AS_FIRM], &partner, &err), &err);
    uint64_t id = r->partner->id;
    folio_response_free(r);
    return id;
}

static void build_partner_edit(struct authz_cell *c)
{
    Folio__Partner *changes = cell_alloc(c, sizeof(*changes));
    folio__partner__init(changes);
    changes->city = "Lima";
    static char *fields[] = {"city"};
    Folio__PartnerEdit *m = cell_alloc(c, sizeof(*m));
    folio__partner_edit__init(m);
    m->id = authz_fresh_partner(c);
    m->changes = changes;
    m->fields = fields;
    m->n_fields = 1;
    CELL_SET(c, m);
}

static void build_partner_remove(struct authz_cell *c)
{
    Folio__PartnerRemove *m = cell_alloc(c, sizeof(*m));
    folio__partner_remove__init(m);
    m->id = authz_fresh_partner(c);
    CELL_SET(c, m);
}

static void build_partner_list(struct authz_cell *c)
{
    Folio__PartnerList *m = cell_alloc(c, sizeof(*m));
    folio__partner_list__init(m);
    CELL_SET(c, m);
}

static void build_coupon_issue(struct authz_cell *c)
{
    Folio__Coupon *coupon = cell_alloc(c, sizeof(*coupon));
    folio__coupon__init(coupon);
    coupon->client_id = fx.client_id;
    coupon->partner_id = fx.partner_id;
    coupon->discount = "15%";
    coupon->valid_until = "2030-03-31";
    Folio__CouponIssue *m = cell_alloc(c, sizeof(*m));
    folio__coupon_issue__init(m);
    m->coupon = coupon;
    m->date = TODAY;
    CELL_SET(c, m);
    cell_no_client(c, fx.client_id);
}

static void build_coupon_list_client(struct authz_cell *c)
{
    Folio__CouponList *m = cell_alloc(c, sizeof(*m));
    folio__coupon_list__init(m);
    m->client_id = fx.client_id;
    CELL_SET(c, m);
    cell_no_client(c, fx.client_id);
}

static void build_coupon_list_all(struct authz_cell *c)
{
    build_coupon_list_client(c);
    c->req.coupon_list->client_id = "";
}

/* A fresh coupon of the owner's, not redeemed. */
static void build_coupon_redeem(struct authz_cell *c)
{
    char *code = cell_alloc(c, 32);
    authz_issue_coupon(code);
    Folio__CouponRedeem *m = cell_alloc(c, sizeof(*m));
    folio__coupon_redeem__init(m);
    m->code = code;
    m->date = TODAY;
    CELL_SET(c, m);
    snprintf(c->not_found, sizeof(c->not_found), "no coupon %s", code);
}

static void build_coupon_withdraw(struct authz_cell *c)
{
    char *code = cell_alloc(c, 32);
    authz_issue_coupon(code);
    Folio__CouponWithdraw *m = cell_alloc(c, sizeof(*m));
    folio__coupon_withdraw__init(m);
    m->code = code;
    m->date = TODAY;
    CELL_SET(c, m);
    snprintf(c->not_found, sizeof(c->not_found), "no coupon %s", code);
}

/* A campaign (a dry run: it writes nothing) over the caller's own
 * portfolio, all of it. */
static void build_campaign_create(struct authz_cell *c)
{
    Folio__Campaign *campaign = cell_alloc(c, sizeof(*campaign));
    folio__campaign__init(campaign);
    campaign->name = "Authz";
    campaign->title = "Savings plan";
    campaign->valid_from = "2030-01-01";
    campaign->valid_until = "2030-12-31";
    campaign->channel = "email";
    Folio__Segment *segment = cell_alloc(c, sizeof(*segment));
    folio__segment__init(segment);
    Folio__CampaignCreate *m = cell_alloc(c, sizeof(*m));
    folio__campaign_create__init(m);
    m->campaign = campaign;
    m->segment = segment;
    m->dry_run = true;
    m->date = TODAY;
    CELL_SET(c, m);
}

/* A campaign of the owner's, reaching the owner's client alone. */
static uint64_t authz_add_campaign(void)
{
    Folio__Campaign campaign = FOLIO__CAMPAIGN__INIT;
    campaign.name = "Authz";
    campaign.title = "Savings plan";
    campaign.valid_from = "2030-01-01";
    campaign.valid_until = "2030-12-31";
    campaign.channel = "email";
    Folio__Segment segment = FOLIO__SEGMENT__INIT;
    segment.tag = "authz-campaign";
    char *tags[] = {"authz-campaign"};
    Folio__ClientUpdate update = FOLIO__CLIENT_UPDATE__INIT;
    update.id = fx.client_id;
    update.add_tags = tags;
    update.n_add_tags = 1;
    struct folio_error err = {0};
    folio_response_free(harness_ok(folio_client_update_op(fx.conn[AS_OWNER], &update, &err), &err));
    Folio__CampaignCreate op = FOLIO__CAMPAIGN_CREATE__INIT;
    op.campaign = &campaign;
    op.segment = &segment;
    op.date = TODAY;
    Folio__Response *r = harness_ok(folio_campaign_create(fx.conn[AS_OWNER], &op, &err), &err);
    uint64_t id = r->campaign_result->campaign->id;
    folio_response_free(r);
    return id;
}

static void build_campaign_list(struct authz_cell *c)
{
    Folio__CampaignList *m = cell_alloc(c, sizeof(*m));
    folio__campaign_list__init(m);
    CELL_SET(c, m);
}

static void build_campaign_show(struct authz_cell *c)
{
    Folio__CampaignShow *m = cell_alloc(c, sizeof(*m));
    folio__campaign_show__init(m);
    m->id = authz_add_campaign();
    m->date = TODAY;
    CELL_SET(c, m);
    snprintf(c->not_found, sizeof(c->not_found), "no campaign %llu", (unsigned long long)m->id);
}

static void build_campaign_cancel(struct authz_cell *c)
{
    Folio__CampaignCancel *m = cell_alloc(c, sizeof(*m));
    folio__campaign_cancel__init(m);
    m->id = authz_add_campaign();
    m->date = TODAY;
    CELL_SET(c, m);
    snprintf(c->not_found, sizeof(c->not_found), "no campaign %llu", (unsigned long long)m->id);
}

/* An office campaign of Office A's, a dry run: it lists the clients of
 * the office's agents, the owner's among them. */
static void build_firm_campaign_create(struct authz_cell *c)
{
    Folio__CampaignCreate *create = cell_alloc(c, sizeof(*create));
    build_campaign_create(c);
    *create = *c->req.campaign_create;
    Folio__FirmCampaignCreate *m = cell_alloc(c, sizeof(*m));
    folio__firm_campaign_create__init(m);
    m->create = create;
    m->office = OFFICE_A;
    CELL_SET(c, m);
}

/* A firm campaign of root's for Office A, reaching the owner's client. */
static uint64_t authz_add_firm_campaign(void)
{
    authz_add_campaign(); /* tags the owner's client */
    Folio__Campaign campaign = FOLIO__CAMPAIGN__INIT;
    campaign.name = "Authz office";
    campaign.title = "Savings plan";
    campaign.valid_from = "2030-01-01";
    campaign.valid_until = "2030-12-31";
    campaign.channel = "email";
    Folio__Segment segment = FOLIO__SEGMENT__INIT;
    segment.tag = "authz-campaign";
    Folio__CampaignCreate create = FOLIO__CAMPAIGN_CREATE__INIT;
    create.campaign = &campaign;
    create.segment = &segment;
    create.date = TODAY;
    Folio__FirmCampaignCreate op = FOLIO__FIRM_CAMPAIGN_CREATE__INIT;
    op.create = &create;
    op.office = OFFICE_A;
    struct folio_error err = {0};
    Folio__Response *r = harness_ok(folio_firm_campaign_create(fx.conn[AS_FIRM], &op, &err), &err);
    uint64_t id = r->campaign_result->campaign->id;
    folio_response_free(r);
    return id;
}

static void build_firm_campaign_show(struct authz_cell *c)
{
    Folio__CampaignShow *m = cell_alloc(c, sizeof(*m));
    folio__campaign_show__init(m);
    m->id = authz_add_firm_campaign();
    m->date = TODAY;
    CELL_SET(c, m);
    snprintf(c->not_found, sizeof(c->not_found), "no campaign %llu", (unsigned long long)m->id);
}

static void build_firm_campaign_cancel(struct authz_cell *c)
{
    Folio__CampaignCancel *m = cell_alloc(c, sizeof(*m));
    folio__campaign_cancel__init(m);
    m->id = authz_add_firm_campaign();
    m->date = TODAY;
    CELL_SET(c, m);
    snprintf(c->not_found, sizeof(c->not_found), "no campaign %llu", (unsigned long long)m->id);
}

static void build_firm_campaign_list(struct authz_cell *c)
{
    Folio__FirmCampaignList *m = cell_alloc(c, sizeof(*m));
    folio__firm_campaign_list__init(m);
    CELL_SET(c, m);
}

/* The owner's client out of a fresh campaign of the owner's. */
static void build_campaign_opt_out(struct authz_cell *c)
{
    Folio__CampaignOptOut *m = cell_alloc(c, sizeof(*m));
    folio__campaign_opt_out__init(m);
    m->campaign_id = authz_add_campaign();
    m->client_id = fx.client_id;
    m->date = TODAY;
    CELL_SET(c, m);
    snprintf(c->not_found, sizeof(c->not_found), "no campaign %llu",
             (unsigned long long)m->campaign_id);
}

/* E-mail: this server has no relay, so the owner's sends are refused for
 * that, after the checks of whose they are. */
static void build_offer_send(struct authz_cell *c)
{
    Folio__OfferSend *m = cell_alloc(c, sizeof(*m));
    folio__offer_send__init(m);
    m->id = authz_add_offer();
    m->date = TODAY;
    CELL_SET(c, m);
    snprintf(c->not_found, sizeof(c->not_found), "no offer %llu", (unsigned long long)m->id);
}

static void build_coupon_send(struct authz_cell *c)
{
    char *code = cell_alloc(c, 32);
    authz_issue_coupon(code);
    Folio__CouponSend *m = cell_alloc(c, sizeof(*m));
    folio__coupon_send__init(m);
    m->code = code;
    m->date = TODAY;
    CELL_SET(c, m);
    snprintf(c->not_found, sizeof(c->not_found), "no coupon %s", code);
}

static void build_campaign_send(struct authz_cell *c)
{
    Folio__CampaignSend *m = cell_alloc(c, sizeof(*m));
    folio__campaign_send__init(m);
    m->id = authz_add_campaign();
    m->date = TODAY;
    CELL_SET(c, m);
    snprintf(c->not_found, sizeof(c->not_found), "no campaign %llu", (unsigned long long)m->id);
}

static void build_outbox_list(struct authz_cell *c)
{
    Folio__OutboxList *m = cell_alloc(c, sizeof(*m));
    folio__outbox_list__init(m);
    CELL_SET(c, m);
}

static void build_mail_template_list(struct authz_cell *c)
{
    Folio__MailTemplateRequest *m = cell_alloc(c, sizeof(*m));
    folio__mail_template_request__init(m);
    m->action = "list";
    CELL_SET(c, m);
}

static void build_profile_set(struct authz_cell *c)
{
    Folio__AgentCard *card = cell_alloc(c, sizeof(*card));
    folio__agent_card__init(card);
    card->hours = "Mon-Fri 9-17";
    char **fields = cell_alloc(c, sizeof(*fields));
    fields[0] = "hours";
    Folio__ProfileSet *m = cell_alloc(c, sizeof(*m));
    folio__profile_set__init(m);
    m->card = card;
    m->n_fields = 1;
    m->fields = fields;
    CELL_SET(c, m);
}

static void build_profile_get(struct authz_cell *c)
{
    Folio__ProfileGet *m = cell_alloc(c, sizeof(*m));
    folio__profile_get__init(m);
    CELL_SET(c, m);
}

/* The owner's agenda holds its client's birthday on 2030-01-20. */
static void build_agenda(struct authz_cell *c)
{
    Folio__AgendaQuery *m = cell_alloc(c, sizeof(*m));
    folio__agenda_query__init(m);
    m->date = TODAY;
    m->days = 30;
    CELL_SET(c, m);
}

/* A follow-up of the owner's client on TODAY, and its agenda item's id,
 * made once: every cell marks the same item. */
static char *authz_follow_up_item(void)
{
    static char *made;
    if (made != NULL)
        return strdup(made);
    Folio__EventAdd event = FOLIO__EVENT_ADD__INIT;
    event.client_id = fx.client_id;
    event.kind = "contact";
    event.what = "call";
    event.date = TODAY;
    event.follow_up = TODAY;
    struct folio_error err = {0};
    folio_response_free(harness_ok(folio_event_add(fx.conn[AS_OWNER], &event, &err), &err));
    Folio__Response *r = harness_ok(folio_agenda(fx.conn[AS_OWNER], TODAY, 1, &err), &err);
    char *id = NULL;
    for (size_t i = 0; i < r->agenda->n_items && id == NULL; i++)
        if (strcmp(r->agenda->items[i]->kind, "follow_up") == 0)
            id = strdup(r->agenda->items[i]->id);
    folio_response_free(r);
    cr_assert_not_null(id);
    made = strdup(id);
    return id;
}

/* Only the owner marks the items of its clients: to anyone else the item
 * is not there. */
static void build_agenda_mark(struct authz_cell *c)
{
    Folio__AgendaMark *m = cell_alloc(c, sizeof(*m));
    folio__agenda_mark__init(m);
    char *id = authz_follow_up_item();
    m->item_id = cell_alloc(c, strlen(id) + 1);
    memcpy(m->item_id, id, strlen(id) + 1);
    free(id);
    m->state = "dismissed";
    m->date = TODAY;
    CELL_SET(c, m);
}

static void build_task_add(struct authz_cell *c)
{
    Folio__Task *task = cell_alloc(c, sizeof(*task));
    folio__task__init(task);
    task->client_id = fx.client_id;
    task->due = TODAY;
    task->title = "call about the renewal";
    Folio__TaskAdd *m = cell_alloc(c, sizeof(*m));
    folio__task_add__init(m);
    m->task = task;
    CELL_SET(c, m);
    cell_no_client(c, fx.client_id);
}

static void build_task_list_client(struct authz_cell *c)
{
    Folio__TaskList *m = cell_alloc(c, sizeof(*m));
    folio__task_list__init(m);
    m->client_id = fx.client_id;
    CELL_SET(c, m);
    cell_no_client(c, fx.client_id);
}

static void build_task_list_all(struct authz_cell *c)
{
    build_task_list_client(c);
    c->req.task_list->client_id = "";
}

/* A fresh task of the owner's, about its client. */
static uint64_t authz_add_task(void)
{
    Folio__Task task = FOLIO__TASK__INIT;
    task.client_id = fx.client_id;
    task.due = TODAY;
    task.title = "a task to change";
    Folio__TaskAdd op = FOLIO__TASK_ADD__INIT;
    op.task = &task;
    struct folio_error err = {0};
    Folio__Response *r = harness_ok(folio_task_add(fx.conn[AS_OWNER], &op, &err), &err);
    uint64_t id = r->task->id;
    folio_response_free(r);
    return id;
}

static void build_task_edit(struct authz_cell *c)
{
    static char *fields[] = {"title"};
    Folio__TaskEdit *m = cell_alloc(c, sizeof(*m));
    folio__task_edit__init(m);
    m->id = authz_add_task();
    m->fields = fields;
    m->n_fields = 1;
    m->title = "changed";
    CELL_SET(c, m);
    snprintf(c->not_found, sizeof(c->not_found), "no task %llu", (unsigned long long)m->id);
}

static void build_task_remove(struct authz_cell *c)
{
    Folio__TaskRemove *m = cell_alloc(c, sizeof(*m));
    folio__task_remove__init(m);
    m->id = authz_add_task();
    CELL_SET(c, m);
    snprintf(c->not_found, sizeof(c->not_found), "no task %llu", (unsigned long long)m->id);
}

/* ---------------------------------------------------------------- rows: reassignment, firm */

/* A fresh client of the owner's, to the agent `to`. */
static void build_reassign_to(struct authz_cell *c, const char *to)
{
    char **ids = cell_alloc(c, sizeof(*ids));
    ids[0] = cell_fresh_client(c);
    Folio__Reassign *m = cell_alloc(c, sizeof(*m));
    folio__reassign__init(m);
    m->from = "owner";
    m->to = (char *)to;
    m->n_client_ids = 1;
    m->client_ids = ids;
    CELL_SET(c, m);
}

static void build_reassign_in_office(struct authz_cell *c)
{
    build_reassign_to(c, "peer");
}

static void build_reassign_across_offices(struct authz_cell *c)
{
    build_reassign_to(c, "other");
}

/* A fresh reassignment by root, of a fresh client from owner to peer. */
static void build_reassign_undo(struct authz_cell *c)
{
    const char *ids[] = {cell_fresh_client(c)};
    struct folio_error err = {0};
    Folio__Response *r =
        harness_ok(folio_reassign(fx.conn[AS_FIRM], "owner", "peer", ids, 1, false, &err), &err);
    Folio__ReassignUndo *m = cell_alloc(c, sizeof(*m));
    folio__reassign_undo__init(m);
    m->id = r->reassign->id;
    folio_response_free(r);
    CELL_SET(c, m);
}

static void build_reassign_list(struct authz_cell *c)
{
    Folio__ReassignList *m = cell_alloc(c, sizeof(*m));
    folio__reassign_list__init(m);
    CELL_SET(c, m);
}

/* A fresh reassignment by root within Office A. */
static void build_reassign_show(struct authz_cell *c)
{
    const char *ids[] = {cell_fresh_client(c)};
    struct folio_error err = {0};
    Folio__Response *r =
        harness_ok(folio_reassign(fx.conn[AS_FIRM], "owner", "peer", ids, 1, false, &err), &err);
    Folio__ReassignShow *m = cell_alloc(c, sizeof(*m));
    folio__reassign_show__init(m);
    m->id = r->reassign->id;
    folio_response_free(r);
    CELL_SET(c, m);
}

static void build_watch(struct authz_cell *c)
{
    Folio__Watch *m = cell_alloc(c, sizeof(*m));
    folio__watch__init(m);
    CELL_SET(c, m);
}

static void build_firm_key(struct authz_cell *c)
{
    Folio__FirmKey *m = cell_alloc(c, sizeof(*m));
    folio__firm_key__init(m);
    CELL_SET(c, m);
}

static void build_trust_add(struct authz_cell *c)
{
    Folio__TrustAdd *m = cell_alloc(c, sizeof(*m));
    folio__trust_add__init(m);
    m->firm = cell_fresh(c, "Firm");
    m->public_key = cell_fresh_key(c);
    CELL_SET(c, m);
}

static void build_trust_list(struct authz_cell *c)
{
    Folio__TrustList *m = cell_alloc(c, sizeof(*m));
    folio__trust_list__init(m);
    CELL_SET(c, m);
}

/* A firm trusted for this cell. */
static void build_trust_remove(struct authz_cell *c)
{
    char *firm = cell_fresh(c, "Trusted firm");
    struct folio_error err = {0};
    folio_response_free(
        harness_ok(folio_trust_add(fx.conn[AS_FIRM], firm, cell_fresh_key(c), &err), &err));
    Folio__TrustRemove *m = cell_alloc(c, sizeof(*m));
    folio__trust_remove__init(m);
    m->firm = firm;
    CELL_SET(c, m);
}

static void build_backup_begin(struct authz_cell *c)
{
    Folio__BackupBegin *m = cell_alloc(c, sizeof(*m));
    folio__backup_begin__init(m);
    m->passphrase = "authorisation matrix";
    CELL_SET(c, m);
}

static void build_stats_get(struct authz_cell *c)
{
    Folio__StatsGet *m = cell_alloc(c, sizeof(*m));
    folio__stats_get__init(m);
    CELL_SET(c, m);
}

/* The owner's client, on a privacy-law request. */
static void build_subject_export(struct authz_cell *c)
{
    Folio__SubjectExport *m = cell_alloc(c, sizeof(*m));
    folio__subject_export__init(m);
    m->client_id = fx.client_id;
    m->reason = "authorisation matrix";
    CELL_SET(c, m);
}

/* ---------------------------------------------------------------- rows: transfers */

/* The owner's whole portfolio, named: an agent may name itself. */
static void build_export_begin(struct authz_cell *c)
{
    Folio__ExportBegin *m = cell_alloc(c, sizeof(*m));
    folio__export_begin__init(m);
    m->agent = "owner";
    m->reason = "authorisation matrix";
    CELL_SET(c, m);
}

static void build_export_begin_nobody(struct authz_cell *c)
{
    build_export_begin(c);
    c->req.export_begin->agent = cell_fresh(c, "nobody");
}

/* A fresh client of the owner's, released (restore_transferred brings such
 * clients back). */
static void build_export_begin_release(struct authz_cell *c)
{
    build_export_begin(c);
    char **ids = cell_alloc(c, sizeof(*ids));
    ids[0] = cell_fresh_client(c);
    c->req.export_begin->n_client_ids = 1;
    c->req.export_begin->client_ids = ids;
    c->req.export_begin->release = true;
}

/* The owner's export, open on the owner's connection: the owner fetches it
 * there; anyone else asks for it by id on its own. */
static void build_export_chunk(struct authz_cell *c)
{
    struct folio_connection *holder = c->conn;
    if (c->role != AS_OWNER) {
        holder = authz_connect_as(AS_OWNER);
        cell_close_after(c, holder);
    }
    Folio__ExportChunk *m = cell_alloc(c, sizeof(*m));
    folio__export_chunk__init(m);
    m->transfer_id = cell_export(c, holder);
    CELL_SET(c, m);
    cell_no_transfer(c, m->transfer_id);
}

static void build_import_begin(struct authz_cell *c)
{
    Folio__ImportBegin *m = cell_alloc(c, sizeof(*m));
    folio__import_begin__init(m);
    m->size = fx.bundle_len;
    CELL_SET(c, m);
}

/* The owner's import, open on the owner's connection, as build_export_chunk. */
static void build_import_chunk(struct authz_cell *c)
{
    struct folio_connection *holder = c->conn;
    if (c->role != AS_OWNER) {
        holder = authz_connect_as(AS_OWNER);
        cell_close_after(c, holder);
    }
    Folio__ImportChunk *m = cell_alloc(c, sizeof(*m));
    folio__import_chunk__init(m);
    m->transfer_id = cell_import_begin(c, holder);
    m->data.data = fx.bundle;
    m->data.len = fx.bundle_len;
    CELL_SET(c, m);
    cell_no_transfer(c, m->transfer_id);
}

/* Each live role uploads the owner's bundle on its own connection and
 * commits it into the owner's portfolio: the question is whose portfolio
 * the role may import into. A dry run, so nothing changes. */
static void build_import_commit_into_owner(struct authz_cell *c)
{
    Folio__ImportCommit *m = cell_alloc(c, sizeof(*m));
    folio__import_commit__init(m);
    m->transfer_id = cell_live(c) ? cell_upload(c, c->conn) : "0123456789abcdef0123456789abcdef";
    m->agent = "owner";
    m->dry_run = true;
    CELL_SET(c, m);
}

/* Letting in an untrusted signer or erased clients is a firm-admin's
 * decision, even into a portfolio the role may import into. */
static void build_import_commit_allow_untrusted(struct authz_cell *c)
{
    build_import_commit_into_owner(c);
    c->req.import_commit->allow_untrusted = true;
}

static void build_import_commit_allow_erased(struct authz_cell *c)
{
    build_import_commit_into_owner(c);
    c->req.import_commit->allow_erased = true;
}

/* The owner's upload, complete on the owner's connection: only there may it
 * be committed. */
static void build_import_commit_owners_upload(struct authz_cell *c)
{
    struct folio_connection *holder = c->conn;
    if (c->role != AS_OWNER) {
        holder = authz_connect_as(AS_OWNER);
        cell_close_after(c, holder);
    }
    Folio__ImportCommit *m = cell_alloc(c, sizeof(*m));
    folio__import_commit__init(m);
    m->transfer_id = cell_upload(c, holder);
    m->dry_run = true;
    CELL_SET(c, m);
    cell_no_transfer(c, m->transfer_id);
}

static void build_restore_transferred(struct authz_cell *c)
{
    Folio__RestoreTransferred *m = cell_alloc(c, sizeof(*m));
    folio__restore_transferred__init(m);
    m->agent = "owner";
    CELL_SET(c, m);
}

/* ---------------------------------------------------------------- the table */

#define OK       FOLIO__CODE__OK
#define DENIED   FOLIO__CODE__PERMISSION_DENIED
#define NOTFOUND FOLIO__CODE__NOT_FOUND
#define UNAUTH   FOLIO__CODE__UNAUTHENTICATED
#define INVALID  FOLIO__CODE__INVALID_ARGUMENT
#define PRECOND  FOLIO__CODE__FAILED_PRECONDITION

/* Columns: owner, other, admin-a, admin-b, firm | disabled, anon, expired.
 * NOTFOUND for someone else's client, offer, coupon or transfer is the answer
 * for one that does not exist: nobody learns which ids are in use. */
// clang-format off
static const struct authz_row authz_rows[] = {
    /* Every connection in the matrix has said Hello already, whoever holds
     * it: Hello is refused alike, before any role is looked at. */
    {"hello", NULL, build_hello,
     {PRECOND, PRECOND, PRECOND, PRECOND, PRECOND, PRECOND, PRECOND, PRECOND}, 0, 0},
    /* With one's own password; anon presents the owner's, expired root's on
     * its own server. A disabled account may not log in, and is answered
     * as a wrong password would be. */
    {"login", NULL, build_login,
     {OK, OK, OK, OK, OK, UNAUTH, OK, OK}, 0, 0},
    /* With one's own token; anon presents the owner's. The disabled user's
     * token ended with the account, the expired one with its time. */
    {"authenticate", NULL, build_authenticate,
     {OK, OK, OK, OK, OK, UNAUTH, OK, UNAUTH}, 0, 0},
    {"logout", NULL, build_logout,
     {OK, OK, OK, OK, OK, UNAUTH, UNAUTH, UNAUTH}, 0, 0},
    {"whoami", NULL, build_whoami,
     {OK, OK, OK, OK, OK, UNAUTH, UNAUTH, UNAUTH}, 0, 0},
    {"password_change", NULL, build_password_change,
     {OK, OK, OK, OK, OK, UNAUTH, UNAUTH, UNAUTH}, 0, 0},
    {"office_add", NULL, build_office_add,
     {DENIED, DENIED, DENIED, DENIED, OK, UNAUTH, UNAUTH, UNAUTH}, 0, 0},
    {"office_list", NULL, build_office_list,
     {DENIED, DENIED, OK, OK, OK, UNAUTH, UNAUTH, UNAUTH}, 0, 0},
    /* An agent for Office A: its office-admin and the firm-admin only. */
    {"user_add", NULL, build_user_add,
     {DENIED, DENIED, OK, DENIED, OK, UNAUTH, UNAUTH, UNAUTH}, 0, 0},
    /* An office-admin manages agents only: another office-admin is the
     * firm-admin's. */
    {"user_add", "an office-admin for Office A", build_user_add_office_admin,
     {DENIED, DENIED, DENIED, DENIED, OK, UNAUTH, UNAUTH, UNAUTH}, 0, 0},
    /* Whom an agent names changes nothing: it may add, disable or set the
     * password of no one. Answering a name nobody has otherwise than one the
     * agent may not touch tells any agent which offices, users and agents
     * exist: only admins may list them, and login takes care not to tell. */
    {"user_add", "to an office nobody has", build_user_add_no_office,
     {DENIED, DENIED, NOTFOUND, NOTFOUND, NOTFOUND, UNAUTH, UNAUTH, UNAUTH}, 0, 0},
    {"user_list", NULL, build_user_list,
     {DENIED, DENIED, OK, OK, OK, UNAUTH, UNAUTH, UNAUTH}, 0, 0},
    {"user_disable", NULL, build_user_disable,
     {DENIED, DENIED, OK, DENIED, OK, UNAUTH, UNAUTH, UNAUTH}, 0, 0},
    {"user_disable", "an office-admin of Office A", build_user_disable_office_admin,
     {DENIED, DENIED, DENIED, DENIED, OK, UNAUTH, UNAUTH, UNAUTH}, 0, 0},
    /* As user_add to an office nobody has. */
    {"user_disable", "a name nobody has", build_user_disable_nobody,
     {DENIED, DENIED, NOTFOUND, NOTFOUND, NOTFOUND, UNAUTH, UNAUTH, UNAUTH}, 0, 0},
    {"user_passwd", NULL, build_user_passwd,
     {DENIED, DENIED, OK, DENIED, OK, UNAUTH, UNAUTH, UNAUTH}, 0, 0},
    {"user_passwd", "an office-admin of Office A", build_user_passwd_office_admin,
     {DENIED, DENIED, DENIED, DENIED, OK, UNAUTH, UNAUTH, UNAUTH}, 0, 0},
    /* As user_add to an office nobody has. */
    {"user_passwd", "a name nobody has", build_user_passwd_nobody,
     {DENIED, DENIED, NOTFOUND, NOTFOUND, NOTFOUND, UNAUTH, UNAUTH, UNAUTH}, 0, 0},
    /* Authorised as user_disable. */
    {"user_unlock", NULL, build_user_unlock,
     {DENIED, DENIED, OK, DENIED, OK, UNAUTH, UNAUTH, UNAUTH}, 0, 0},
    {"user_unlock", "an office-admin of Office A", build_user_unlock_office_admin,
     {DENIED, DENIED, DENIED, DENIED, OK, UNAUTH, UNAUTH, UNAUTH}, 0, 0},
    /* As user_add to an office nobody has. */
    {"user_unlock", "a name nobody has", build_user_unlock_nobody,
     {DENIED, DENIED, NOTFOUND, NOTFOUND, NOTFOUND, UNAUTH, UNAUTH, UNAUTH}, 0, 0},
    {"office_rename", NULL, build_office_rename,
     {DENIED, DENIED, DENIED, DENIED, OK, UNAUTH, UNAUTH, UNAUTH}, 0, 0},
    {"office_remove", NULL, build_office_remove,
     {DENIED, DENIED, DENIED, DENIED, OK, UNAUTH, UNAUTH, UNAUTH}, 0, 0},
    {"user_enable", NULL, build_user_enable,
     {DENIED, DENIED, OK, DENIED, OK, UNAUTH, UNAUTH, UNAUTH}, 0, 0},
    {"user_set", NULL, build_user_set,
     {DENIED, DENIED, OK, DENIED, OK, UNAUTH, UNAUTH, UNAUTH}, 0, 0},
    {"user_show", NULL, build_user_show,
     {DENIED, DENIED, OK, DENIED, OK, UNAUTH, UNAUTH, UNAUTH}, 0, 0},
    /* Only agents keep clients; the other agent adds one of its own. */
    {"client_add", NULL, build_client_add,
     {OK, OK, DENIED, DENIED, DENIED, UNAUTH, UNAUTH, UNAUTH}, 0, 0},
    {"client_get", NULL, build_client_get,
     {OK, NOTFOUND, NOTFOUND, NOTFOUND, NOTFOUND, UNAUTH, UNAUTH, UNAUTH}, 0, SHOWS_CLIENT},
    /* Asking explicitly, the firm-admin may read it (and is audited). */
    {"client_get", "firm_admin_read", build_client_get_firm_admin_read,
     {OK, NOTFOUND, NOTFOUND, NOTFOUND, OK, UNAUTH, UNAUTH, UNAUTH}, SEEN_BY(AS_FIRM),
     SHOWS_CLIENT},
    /* Everyone lists its own clients: none of them the owner's. */
    {"client_list", NULL, build_client_list,
     {OK, OK, OK, OK, OK, UNAUTH, UNAUTH, UNAUTH}, 0, SHOWS_CLIENT},
    /* The owner's portfolio for an export: the owner, or an admin of its
     * scope, as export_begin; they see its clients. */
    {"client_list", "the owner's, for an export", build_client_list_owner,
     {OK, DENIED, OK, DENIED, OK, UNAUTH, UNAUTH, UNAUTH}, SEEN_BY(AS_ADMIN_A) | SEEN_BY(AS_FIRM),
     SHOWS_CLIENT},
    /* Agents search their own portfolios: only the owner finds the client. */
    {"client_find", NULL, build_client_find,
     {OK, OK, DENIED, DENIED, DENIED, UNAUTH, UNAUTH, UNAUTH}, 0, SHOWS_CLIENT},
    /* The firm-admin searches every portfolio (audited): its answer names
     * the owner's client, by id alone or, asked for, whole. */
    {"client_find", "firm", build_client_find_firm,
     {DENIED, DENIED, DENIED, DENIED, OK, UNAUTH, UNAUTH, UNAUTH}, SEEN_BY(AS_FIRM), 0},
    {"client_find", "firm_admin_read", build_client_find_firm_admin_read,
     {DENIED, DENIED, DENIED, DENIED, OK, UNAUTH, UNAUTH, UNAUTH}, SEEN_BY(AS_FIRM), 0},
    {"client_update", NULL, build_client_update,
     {OK, NOTFOUND, NOTFOUND, NOTFOUND, NOTFOUND, UNAUTH, UNAUTH, UNAUTH}, 0, SHOWS_CLIENT},
    {"client_erase", NULL, build_client_erase,
     {OK, NOTFOUND, NOTFOUND, NOTFOUND, NOTFOUND, UNAUTH, UNAUTH, UNAUTH}, 0, 0},
    {"client_history", NULL, build_client_history,
     {OK, NOTFOUND, NOTFOUND, NOTFOUND, NOTFOUND, UNAUTH, UNAUTH, UNAUTH}, 0, 0},
    {"event_add", NULL, build_event_add,
     {OK, NOTFOUND, NOTFOUND, NOTFOUND, NOTFOUND, UNAUTH, UNAUTH, UNAUTH}, 0, 0},
    /* Only the owner corrects or withdraws an event. */
    {"event_edit", NULL, build_event_edit,
     {OK, NOTFOUND, NOTFOUND, NOTFOUND, NOTFOUND, UNAUTH, UNAUTH, UNAUTH}, 0, 0},
    {"event_remove", NULL, build_event_remove,
     {OK, NOTFOUND, NOTFOUND, NOTFOUND, NOTFOUND, UNAUTH, UNAUTH, UNAUTH}, 0, 0},
    /* Only the owner merges, links and unlinks its clients. */
    {"client_merge", NULL, build_client_merge,
     {OK, NOTFOUND, NOTFOUND, NOTFOUND, NOTFOUND, UNAUTH, UNAUTH, UNAUTH}, 0, 0},
    {"client_link", NULL, build_client_link,
     {OK, NOTFOUND, NOTFOUND, NOTFOUND, NOTFOUND, UNAUTH, UNAUTH, UNAUTH}, 0, 0},
    {"client_unlink", NULL, build_client_unlink,
     {OK, NOTFOUND, NOTFOUND, NOTFOUND, NOTFOUND, UNAUTH, UNAUTH, UNAUTH}, 0, 0},
    /* Everyone segments its own portfolio. */
    {"segment", NULL, build_segment,
     {OK, OK, OK, OK, OK, UNAUTH, UNAUTH, UNAUTH}, 0, SHOWS_CLIENT},
    /* An agent imports into its own portfolio; an admin must name whose. */
    {"client_import", NULL, build_client_import,
     {OK, OK, INVALID, INVALID, INVALID, UNAUTH, UNAUTH, UNAUTH}, 0, 0},
    /* For an agent: the agent itself, or an admin of its scope, as
     * export_begin. */
    {"client_import", "for the owner", build_client_import_for_owner,
     {OK, DENIED, OK, DENIED, OK, UNAUTH, UNAUTH, UNAUTH}, 0, 0},
    {"rule_add", NULL, build_rule_add,
     {DENIED, DENIED, DENIED, DENIED, OK, UNAUTH, UNAUTH, UNAUTH}, 0, 0},
    {"rule_list", NULL, build_rule_list,
     {OK, OK, OK, OK, OK, UNAUTH, UNAUTH, UNAUTH}, 0, 0},
    {"rule_remove", NULL, build_rule_remove,
     {DENIED, DENIED, DENIED, DENIED, OK, UNAUTH, UNAUTH, UNAUTH}, 0, 0},
    {"rule_edit", NULL, build_rule_edit,
     {DENIED, DENIED, DENIED, DENIED, OK, UNAUTH, UNAUTH, UNAUTH}, 0, 0},
    {"calendar_get", NULL, build_calendar_get,
     {OK, OK, OK, OK, OK, UNAUTH, UNAUTH, UNAUTH}, 0, 0},
    {"calendar_set", NULL, build_calendar_set,
     {DENIED, DENIED, DENIED, DENIED, OK, UNAUTH, UNAUTH, UNAUTH}, 0, 0},
    {"occasion_add", NULL, build_occasion_add,
     {DENIED, DENIED, DENIED, DENIED, OK, UNAUTH, UNAUTH, UNAUTH}, 0, 0},
    {"occasion_remove", NULL, build_occasion_remove,
     {DENIED, DENIED, DENIED, DENIED, OK, UNAUTH, UNAUTH, UNAUTH}, 0, 0},
    {"alert_add", NULL, build_alert_add,
     {DENIED, DENIED, OK, OK, OK, UNAUTH, UNAUTH, UNAUTH}, 0, 0},
    {"alert_list", NULL, build_alert_list,
     {OK, OK, OK, OK, OK, UNAUTH, UNAUTH, UNAUTH}, 0, 0},
    /* An alert posted from Office A: its office-admin or the firm-admin ends it. */
    {"alert_end", NULL, build_alert_end,
     {DENIED, DENIED, OK, DENIED, OK, UNAUTH, UNAUTH, UNAUTH}, 0, 0},
    {"offer_add", NULL, build_offer_add,
     {OK, NOTFOUND, NOTFOUND, NOTFOUND, NOTFOUND, UNAUTH, UNAUTH, UNAUTH}, 0, SHOWS_CLIENT},
    {"offer_list", "the client's", build_offer_list_client,
     {OK, NOTFOUND, NOTFOUND, NOTFOUND, NOTFOUND, UNAUTH, UNAUTH, UNAUTH}, 0, SHOWS_CLIENT},
    /* Everyone lists its own offers: none of them the owner's. */
    {"offer_list", "all", build_offer_list_all,
     {OK, OK, OK, OK, OK, UNAUTH, UNAUTH, UNAUTH}, 0, SHOWS_CLIENT},
    {"offer_set", NULL, build_offer_set,
     {OK, NOTFOUND, NOTFOUND, NOTFOUND, NOTFOUND, UNAUTH, UNAUTH, UNAUTH}, 0, SHOWS_CLIENT},
    /* Holdings follow their client: only its owner sees or changes them. */
    {"holding_add", NULL, build_holding_add,
     {OK, NOTFOUND, NOTFOUND, NOTFOUND, NOTFOUND, UNAUTH, UNAUTH, UNAUTH}, 0, SHOWS_CLIENT},
    {"holding_get", NULL, build_holding_get,
     {OK, NOTFOUND, NOTFOUND, NOTFOUND, NOTFOUND, UNAUTH, UNAUTH, UNAUTH}, 0, SHOWS_CLIENT},
    {"holding_list", NULL, build_holding_list,
     {OK, NOTFOUND, NOTFOUND, NOTFOUND, NOTFOUND, UNAUTH, UNAUTH, UNAUTH}, 0, 0},
    {"holding_edit", NULL, build_holding_edit,
     {OK, NOTFOUND, NOTFOUND, NOTFOUND, NOTFOUND, UNAUTH, UNAUTH, UNAUTH}, 0, SHOWS_CLIENT},
    {"holding_end", NULL, build_holding_end,
     {OK, NOTFOUND, NOTFOUND, NOTFOUND, NOTFOUND, UNAUTH, UNAUTH, UNAUTH}, 0, SHOWS_CLIENT},
    /* The owner's book: the owner, its office's admin and the firm-admin. */
    {"book_query", NULL, build_book,
     {OK, DENIED, OK, DENIED, OK, UNAUTH, UNAUTH, UNAUTH}, 0, 0},
    {"book_query", "firm", build_book_firm,
     {DENIED, DENIED, DENIED, DENIED, OK, UNAUTH, UNAUTH, UNAUTH}, 0, 0},
    /* The report is scoped as the book. */
    {"report_query", NULL, build_report,
     {OK, DENIED, OK, DENIED, OK, UNAUTH, UNAUTH, UNAUTH}, 0, 0},
    {"report_query", "firm", build_report_firm,
     {DENIED, DENIED, DENIED, DENIED, OK, UNAUTH, UNAUTH, UNAUTH}, 0, 0},
    {"partner_add", NULL, build_partner_add,
     {DENIED, DENIED, DENIED, DENIED, OK, UNAUTH, UNAUTH, UNAUTH}, 0, 0},
    {"partner_list", NULL, build_partner_list,
     {OK, OK, OK, OK, OK, UNAUTH, UNAUTH, UNAUTH}, 0, 0},
    {"partner_edit", NULL, build_partner_edit,
     {DENIED, DENIED, DENIED, DENIED, OK, UNAUTH, UNAUTH, UNAUTH}, 0, 0},
    {"partner_remove", NULL, build_partner_remove,
     {DENIED, DENIED, DENIED, DENIED, OK, UNAUTH, UNAUTH, UNAUTH}, 0, 0},
    /* Only agents issue coupons (admins are refused as such); the other
     * agent is told the client does not exist. */
    {"coupon_issue", NULL, build_coupon_issue,
     {OK, NOTFOUND, DENIED, DENIED, DENIED, UNAUTH, UNAUTH, UNAUTH}, 0, SHOWS_CLIENT},
    {"coupon_list", "the client's", build_coupon_list_client,
     {OK, NOTFOUND, NOTFOUND, NOTFOUND, NOTFOUND, UNAUTH, UNAUTH, UNAUTH}, 0,
     SHOWS_CLIENT | SHOWS_COUPON},
    /* Everyone lists its own coupons: none of them the owner's. */
    {"coupon_list", "all", build_coupon_list_all,
     {OK, OK, OK, OK, OK, UNAUTH, UNAUTH, UNAUTH}, 0,
     SHOWS_CLIENT | SHOWS_COUPON},
    {"coupon_redeem", NULL, build_coupon_redeem,
     {OK, NOTFOUND, NOTFOUND, NOTFOUND, NOTFOUND, UNAUTH, UNAUTH, UNAUTH}, 0, SHOWS_CLIENT},
    {"coupon_withdraw", NULL, build_coupon_withdraw,
     {OK, NOTFOUND, NOTFOUND, NOTFOUND, NOTFOUND, UNAUTH, UNAUTH, UNAUTH}, 0, SHOWS_CLIENT},
    /* Agents make campaigns of their own clients (a dry run here); admins
     * keep no clients. */
    {"campaign_create", NULL, build_campaign_create,
     {OK, OK, DENIED, DENIED, DENIED, UNAUTH, UNAUTH, UNAUTH}, 0, SHOWS_CLIENT},
    /* Everyone lists its own campaigns: none of them the owner's. */
    {"campaign_list", NULL, build_campaign_list,
     {OK, OK, OK, OK, OK, UNAUTH, UNAUTH, UNAUTH}, 0, 0},
    {"campaign_show", NULL, build_campaign_show,
     {OK, NOTFOUND, NOTFOUND, NOTFOUND, NOTFOUND, UNAUTH, UNAUTH, UNAUTH}, 0, 0},
    {"campaign_cancel", NULL, build_campaign_cancel,
     {OK, NOTFOUND, NOTFOUND, NOTFOUND, NOTFOUND, UNAUTH, UNAUTH, UNAUTH}, 0, 0},
    /* Everyone keeps a card of its own. */
    {"profile_set", NULL, build_profile_set,
     {OK, OK, OK, OK, OK, UNAUTH, UNAUTH, UNAUTH}, 0, 0},
    {"profile_get", NULL, build_profile_get,
     {OK, OK, OK, OK, OK, UNAUTH, UNAUTH, UNAUTH}, 0, 0},
    /* Everyone reads its own agenda: the owner's alone has the birthday. */
    {"agenda", NULL, build_agenda,
     {OK, OK, OK, OK, OK, UNAUTH, UNAUTH, UNAUTH}, 0, SHOWS_CLIENT},
    {"agenda_mark", NULL, build_agenda_mark,
     {OK, NOTFOUND, NOTFOUND, NOTFOUND, NOTFOUND, UNAUTH, UNAUTH, UNAUTH}, 0, 0},
    /* Agents add tasks, about their own clients only. */
    {"task_add", NULL, build_task_add,
     {OK, NOTFOUND, DENIED, DENIED, DENIED, UNAUTH, UNAUTH, UNAUTH}, 0, SHOWS_CLIENT},
    {"task_list", "the client's", build_task_list_client,
     {OK, NOTFOUND, NOTFOUND, NOTFOUND, NOTFOUND, UNAUTH, UNAUTH, UNAUTH}, 0, SHOWS_CLIENT},
    /* Everyone lists its own tasks: none of them the owner's. */
    {"task_list", "all", build_task_list_all,
     {OK, OK, OK, OK, OK, UNAUTH, UNAUTH, UNAUTH}, 0, SHOWS_CLIENT},
    {"task_edit", NULL, build_task_edit,
     {OK, NOTFOUND, NOTFOUND, NOTFOUND, NOTFOUND, UNAUTH, UNAUTH, UNAUTH}, 0, SHOWS_CLIENT},
    {"task_remove", NULL, build_task_remove,
     {OK, NOTFOUND, NOTFOUND, NOTFOUND, NOTFOUND, UNAUTH, UNAUTH, UNAUTH}, 0, 0},
    /* Both agents in Office A: its office-admin may. */
    {"reassign", "within Office A", build_reassign_in_office,
     {DENIED, DENIED, OK, DENIED, OK, UNAUTH, UNAUTH, UNAUTH}, 0, 0},
    /* From Office A to Office B: only the firm-admin has both in scope. */
    {"reassign", "across offices", build_reassign_across_offices,
     {DENIED, DENIED, DENIED, DENIED, OK, UNAUTH, UNAUTH, UNAUTH}, 0, 0},
    {"reassign_undo", NULL, build_reassign_undo,
     {DENIED, DENIED, OK, DENIED, OK, UNAUTH, UNAUTH, UNAUTH}, 0, 0},
    /* Admins list what they may see; another office's is not there. */
    {"reassign_list", NULL, build_reassign_list,
     {DENIED, DENIED, OK, OK, OK, UNAUTH, UNAUTH, UNAUTH}, 0, 0},
    {"reassign_show", NULL, build_reassign_show,
     {DENIED, DENIED, OK, NOTFOUND, OK, UNAUTH, UNAUTH, UNAUTH}, 0, 0},
    {"watch", NULL, build_watch,
     {OK, OK, OK, OK, OK, UNAUTH, UNAUTH, UNAUTH}, 0, 0},
    {"firm_key", NULL, build_firm_key,
     {OK, OK, OK, OK, OK, UNAUTH, UNAUTH, UNAUTH}, 0, 0},
    {"trust_add", NULL, build_trust_add,
     {DENIED, DENIED, DENIED, DENIED, OK, UNAUTH, UNAUTH, UNAUTH}, 0, 0},
    {"trust_list", NULL, build_trust_list,
     {DENIED, DENIED, OK, OK, OK, UNAUTH, UNAUTH, UNAUTH}, 0, 0},
    {"trust_remove", NULL, build_trust_remove,
     {DENIED, DENIED, DENIED, DENIED, OK, UNAUTH, UNAUTH, UNAUTH}, 0, 0},
    {"backup_begin", NULL, build_backup_begin,
     {DENIED, DENIED, DENIED, DENIED, OK, UNAUTH, UNAUTH, UNAUTH}, 0, 0},
    /* The owner's portfolio: the owner, its office-admin, the firm-admin. */
    {"export_begin", NULL, build_export_begin,
     {OK, DENIED, OK, DENIED, OK, UNAUTH, UNAUTH, UNAUTH}, 0, 0},
    {"export_begin", "release", build_export_begin_release,
     {OK, DENIED, OK, DENIED, OK, UNAUTH, UNAUTH, UNAUTH}, 0, 0},
    /* An agent exports its own portfolio only, whatever name it gives (as
     * user_add to an office nobody has). */
    {"export_begin", "an agent nobody has", build_export_begin_nobody,
     {DENIED, DENIED, NOTFOUND, NOTFOUND, NOTFOUND, UNAUTH, UNAUTH, UNAUTH}, 0, 0},
    /* A transfer belongs to the connection that opened it. */
    {"export_chunk", NULL, build_export_chunk,
     {OK, NOTFOUND, NOTFOUND, NOTFOUND, NOTFOUND, UNAUTH, UNAUTH, UNAUTH}, 0,
     SHOWS_CLIENT | SHOWS_COUPON},
    /* Anyone with a session may upload; the commit decides where it goes. */
    {"import_begin", NULL, build_import_begin,
     {OK, OK, OK, OK, OK, UNAUTH, UNAUTH, UNAUTH}, 0, 0},
    {"import_chunk", NULL, build_import_chunk,
     {OK, NOTFOUND, NOTFOUND, NOTFOUND, NOTFOUND, UNAUTH, UNAUTH, UNAUTH}, 0, 0},
    {"import_commit", "into the owner's portfolio", build_import_commit_into_owner,
     {OK, DENIED, OK, DENIED, OK, UNAUTH, UNAUTH, UNAUTH}, 0, 0},
    {"import_commit", "--allow-untrusted", build_import_commit_allow_untrusted,
     {DENIED, DENIED, DENIED, DENIED, OK, UNAUTH, UNAUTH, UNAUTH}, 0, 0},
    {"import_commit", "--allow-erased", build_import_commit_allow_erased,
     {DENIED, DENIED, DENIED, DENIED, OK, UNAUTH, UNAUTH, UNAUTH}, 0, 0},
    {"import_commit", "the owner's upload", build_import_commit_owners_upload,
     {OK, NOTFOUND, NOTFOUND, NOTFOUND, NOTFOUND, UNAUTH, UNAUTH, UNAUTH}, 0, 0},
    {"restore_transferred", NULL, build_restore_transferred,
     {DENIED, DENIED, DENIED, DENIED, OK, UNAUTH, UNAUTH, UNAUTH}, 0, 0},
    {"stats_get", NULL, build_stats_get,
     {DENIED, DENIED, DENIED, DENIED, OK, UNAUTH, UNAUTH, UNAUTH}, 0, 0},
    /* Office and firm campaigns are their admins'; the office's agents'
     * clients show in a dry run. The owner opts its client out. */
    {"firm_campaign_create", NULL, build_firm_campaign_create,
     {DENIED, DENIED, OK, DENIED, OK, UNAUTH, UNAUTH, UNAUTH},
     SEEN_BY(AS_ADMIN_A) | SEEN_BY(AS_FIRM), 0},
    {"firm_campaign_list", NULL, build_firm_campaign_list,
     {DENIED, DENIED, OK, OK, OK, UNAUTH, UNAUTH, UNAUTH}, 0, 0},
    {"campaign_show", "an office campaign", build_firm_campaign_show,
     {NOTFOUND, NOTFOUND, OK, NOTFOUND, OK, UNAUTH, UNAUTH, UNAUTH}, 0, 0},
    {"campaign_cancel", "an office campaign", build_firm_campaign_cancel,
     {NOTFOUND, NOTFOUND, OK, NOTFOUND, OK, UNAUTH, UNAUTH, UNAUTH}, 0, 0},
    {"campaign_opt_out", NULL, build_campaign_opt_out,
     {OK, NOTFOUND, DENIED, DENIED, DENIED, UNAUTH, UNAUTH, UNAUTH}, 0, SHOWS_CLIENT},
    /* Only agents keep clients, and so send them e-mail. */
    {"offer_send", NULL, build_offer_send,
     {PRECOND, NOTFOUND, DENIED, DENIED, DENIED, UNAUTH, UNAUTH, UNAUTH}, 0, 0},
    {"coupon_send", NULL, build_coupon_send,
     {PRECOND, NOTFOUND, DENIED, DENIED, DENIED, UNAUTH, UNAUTH, UNAUTH}, 0, 0},
    {"campaign_send", NULL, build_campaign_send,
     {PRECOND, NOTFOUND, DENIED, DENIED, DENIED, UNAUTH, UNAUTH, UNAUTH}, 0, 0},
    /* Each agent lists its own outbox: none of it the owner's. */
    {"outbox_list", NULL, build_outbox_list,
     {OK, OK, DENIED, DENIED, DENIED, UNAUTH, UNAUTH, UNAUTH}, 0, 0},
    {"mail_template", "list", build_mail_template_list,
     {DENIED, DENIED, DENIED, DENIED, OK, UNAUTH, UNAUTH, UNAUTH}, 0, 0},
    /* A privacy-law request: the firm-admin's alone, whoever keeps the
     * client; the answer names a transfer, not the client. */
    {"subject_export", NULL, build_subject_export,
     {DENIED, DENIED, DENIED, DENIED, OK, UNAUTH, UNAUTH, UNAUTH}, 0, 0},
    /* Last, so that the log holds what every row before did: each
     * office-admin reads its own office's part, the firm-admin all of it.
     * Coupon codes are never in it. */
    {"audit_query", NULL, build_audit_query,
     {DENIED, DENIED, OK, OK, OK, UNAUTH, UNAUTH, UNAUTH},
     SEEN_BY(AS_ADMIN_A) | SEEN_BY(AS_FIRM), 0},
};
// clang-format on

#define AUTHZ_ROW_COUNT (sizeof(authz_rows) / sizeof(authz_rows[0]))

/* ---------------------------------------------------------------- the descriptor */

/* The field of Request's oneof op called name, or NULL. */
static const ProtobufCFieldDescriptor *authz_op_field(const char *name)
{
    const ProtobufCFieldDescriptor *f =
        protobuf_c_message_descriptor_get_field_by_name(&folio__request__descriptor, name);
    if (f == NULL || !(f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF) ||
        f->quantifier_offset != offsetof(Folio__Request, op_case))
        return NULL;
    return f;
}

static const char *authz_row_name(const struct authz_row *row, char *buf, size_t size)
{
    if (row->variant == NULL)
        snprintf(buf, size, "%s", row->op);
    else
        snprintf(buf, size, "%s (%s)", row->op, row->variant);
    return buf;
}

static bool authz_same_row(const struct authz_row *a, const struct authz_row *b)
{
    if (strcmp(a->op, b->op) != 0)
        return false;
    if (a->variant == NULL || b->variant == NULL)
        return a->variant == b->variant;
    return strcmp(a->variant, b->variant) == 0;
}

Test(authz, every_request_type_has_a_row)
{
    const ProtobufCMessageDescriptor *d = &folio__request__descriptor;
    size_t ops = 0;
    for (unsigned i = 0; i < d->n_fields; i++) {
        const ProtobufCFieldDescriptor *f = &d->fields[i];
        if (authz_op_field(f->name) != f)
            continue;
        ops++;
        bool found = false;
        for (size_t r = 0; r < AUTHZ_ROW_COUNT && !found; r++)
            found = strcmp(authz_rows[r].op, f->name) == 0;
        cr_expect(found, "request type %s (field %u of Request.op) has no row in the table",
                  f->name, f->id);
    }
    cr_assert_gt(ops, 50, "Request's oneof op has only %zu fields: is the descriptor read right?",
                 ops);
}

Test(authz, every_row_names_a_request_type)
{
    char name[96];
    for (size_t r = 0; r < AUTHZ_ROW_COUNT; r++) {
        cr_expect_not_null(authz_op_field(authz_rows[r].op),
                           "row %s names no field of Request's oneof op",
                           authz_row_name(&authz_rows[r], name, sizeof(name)));
        for (size_t s = 0; s < r; s++)
            cr_expect(!authz_same_row(&authz_rows[r], &authz_rows[s]),
                      "row %s is in the table twice",
                      authz_row_name(&authz_rows[r], name, sizeof(name)));
    }
}

/* ---------------------------------------------------------------- the fixture */

static void authz_fetch_bundle(void)
{
    struct folio_connection *owner = fx.conn[AS_OWNER];
    const char *ids[] = {fx.client_id};
    struct folio_error err = {0};
    Folio__Response *r =
        harness_ok(folio_export_begin(owner, NULL, ids, 1, false, NULL, &err), &err);
    uint64_t size = r->transfer->size;
    char id[64];
    snprintf(id, sizeof(id), "%s", r->transfer->transfer_id);
    folio_response_free(r);
    cr_assert(size > 0 && size < 16u * 1024u * 1024u, "the owner's bundle has %llu bytes",
              (unsigned long long)size);
    fx.bundle = malloc(size);
    cr_assert_not_null(fx.bundle);
    bool eof = false;
    for (int chunks = 0; !eof && chunks < 1000; chunks++) {
        r = harness_ok(folio_export_chunk(owner, id, fx.bundle_len, &err), &err);
        cr_assert_leq(r->chunk->data.len, size - fx.bundle_len);
        memcpy(fx.bundle + fx.bundle_len, r->chunk->data.data, r->chunk->data.len);
        fx.bundle_len += r->chunk->data.len;
        eof = r->chunk->eof;
        folio_response_free(r);
    }
    cr_assert(eof && fx.bundle_len == size, "the bundle did not arrive whole");
}

/* The firm, its people, and the owner's client with an offer and a coupon. */
static void authz_setup_firm(void)
{
    harness_server_clock(&fx.srv, TODAY " 12:00:00");
    harness_server_start(&fx.srv, NULL);
    struct folio_connection *root = harness_connect(&fx.srv);
    harness_login_token(root, HARNESS_ADMIN, HARNESS_ADMIN_PASSWORD, fx.token[AS_FIRM]);
    fx.conn[AS_FIRM] = root;
    harness_add_office(root, OFFICE_A);
    harness_add_office(root, OFFICE_B);
    harness_add_user(root, "owner", FOLIO__ROLE__ROLE_AGENT, OFFICE_A, PW_OWNER);
    harness_add_user(root, "peer", FOLIO__ROLE__ROLE_AGENT, OFFICE_A, PW_PEER);
    harness_add_user(root, "admin-a", FOLIO__ROLE__ROLE_OFFICE_ADMIN, OFFICE_A, PW_ADMIN_A);
    harness_add_user(root, "deputy", FOLIO__ROLE__ROLE_OFFICE_ADMIN, OFFICE_A, PW_DEPUTY);
    harness_add_user(root, "other", FOLIO__ROLE__ROLE_AGENT, OFFICE_B, PW_OTHER);
    harness_add_user(root, "admin-b", FOLIO__ROLE__ROLE_OFFICE_ADMIN, OFFICE_B, PW_ADMIN_B);
    for (int role = 0; role < AS_FIRM; role++) {
        fx.conn[role] = harness_connect(&fx.srv);
        harness_login_token(fx.conn[role], authz_users[role].name, authz_users[role].password,
                            fx.token[role]);
    }

    struct folio_error err = {0};
    Folio__Partner partner = FOLIO__PARTNER__INIT;
    partner.name = "Cafe Authz";
    partner.category = "restaurant";
    Folio__Response *r = harness_ok(folio_partner_add(root, &partner, &err), &err);
    fx.partner_id = r->partner->id;
    folio_response_free(r);

    authz_add_client(CLIENT_NAME, fx.client_id);
    authz_add_offer();
    authz_issue_coupon(fx.coupon_code);
    authz_fetch_bundle();
}

/* The second server, whose sessions last an hour of its clock: one
 * connection per row, each bound to root's session while it is live. Binding
 * them takes what it takes (TLS, one after the other, under valgrind or ASan
 * on a busy machine): the session expires when the test moves the clock
 * (authz_expire), not while the rows are being bound. */
static void authz_setup_late(void)
{
    /* Every row's connection is root's: more than --max-connections-per-user
     * allows by default. */
    static const char *flags[] = {"--session-ttl",
                                  AUTHZ_LATE_TTL,
                                  "--idle-timeout",
                                  "0",
                                  "--max-connections-per-user",
                                  "1000",
                                  NULL};
    harness_server_clock(&fx.late, TODAY " 12:00:00");
    harness_server_start(&fx.late, flags);
    struct folio_connection *root = harness_connect(&fx.late);
    struct folio_error err = {0};
    Folio__Response *r =
        harness_ok(folio_login(root, HARNESS_ADMIN, HARNESS_ADMIN_PASSWORD, &err), &err);
    snprintf(fx.expired_token, sizeof(fx.expired_token), "%s", r->session->token);
    folio_response_free(r);
    folio_connection_close(root);
    cr_assert_leq(AUTHZ_ROW_COUNT, AUTHZ_ROWS_MAX);
    for (size_t i = 0; i < AUTHZ_ROW_COUNT; i++) {
        fx.expired[i] = harness_connect(&fx.late);
        folio_response_free(
            harness_ok(folio_authenticate(fx.expired[i], fx.expired_token, &err), &err));
    }
}

static void authz_setup(void)
{
    cr_assert_geq(sodium_init(), 0);
    authz_setup_firm();
    authz_setup_late();
}

static void authz_teardown(void)
{
    for (size_t i = 0; i < AUTHZ_ROWS_MAX; i++)
        if (fx.expired[i] != NULL)
            folio_connection_close(fx.expired[i]);
    for (int role = 0; role < AS_LIVE; role++)
        if (fx.conn[role] != NULL)
            folio_connection_close(fx.conn[role]);
    free(fx.bundle);
    harness_server_cleanup(&fx.srv);
    harness_server_cleanup(&fx.late);
    memset(&fx, 0, sizeof(fx));
}

/* ---------------------------------------------------------------- running a cell */

/* Opens the cell's connection as its role says. */
static void cell_open(struct authz_cell *c, size_t row)
{
    struct folio_error err = {0};
    if (cell_live(c)) {
        c->conn = authz_connect_as(c->role);
        c->user = authz_users[c->role].name;
        c->password = authz_users[c->role].password;
        c->token = fx.token[c->role];
    } else if (c->role == AS_DISABLED) {
        /* A firm-admin of its own, logged in, then disabled by root. */
        snprintf(c->fresh_user, sizeof(c->fresh_user), "gone-%u", ++fx.serial);
        harness_add_user(fx.conn[AS_FIRM], c->fresh_user, FOLIO__ROLE__ROLE_FIRM_ADMIN, NULL,
                         PW_FRESH);
        c->conn = harness_connect(&fx.srv);
        harness_login_token(c->conn, c->fresh_user, PW_FRESH, c->fresh_token);
        folio_response_free(
            harness_ok(folio_user_disable(fx.conn[AS_FIRM], c->fresh_user, &err), &err));
        c->user = c->fresh_user;
        c->password = PW_FRESH;
        c->token = c->fresh_token;
    } else if (c->role == AS_ANON) {
        c->conn = harness_connect(&fx.srv);
        c->user = authz_users[AS_OWNER].name;
        c->password = authz_users[AS_OWNER].password;
        c->token = fx.token[AS_OWNER];
    } else {
        c->conn = fx.expired[row];
        fx.expired[row] = NULL;
        c->user = HARNESS_ADMIN;
        c->password = HARNESS_ADMIN_PASSWORD;
        c->token = fx.expired_token;
    }
    cell_close_after(c, c->conn);
}

static void cell_free(struct authz_cell *c)
{
    for (size_t i = 0; i < c->n_close; i++)
        folio_connection_close(c->close[i]);
    for (size_t i = 0; i < c->n_owned; i++)
        free(c->owned[i]);
}

static bool authz_contains(const uint8_t *buf, size_t len, const char *what)
{
    size_t n = strlen(what);
    for (size_t i = 0; n > 0 && i + n <= len; i++)
        if (memcmp(buf + i, what, n) == 0)
            return true;
    return false;
}

/* Fails the cell when an answer to the owner lacks what the row says it
 * shows, or an answer to anyone else carries what the role must not see. */
static void cell_check_secrets(const struct authz_row *row, const struct authz_cell *c,
                               const Folio__Response *r, const char *name)
{
    size_t len = folio__response__get_packed_size(r);
    uint8_t *buf = malloc(len > 0 ? len : 1);
    cr_assert_not_null(buf);
    folio__response__pack(r, buf);
    bool client = authz_contains(buf, len, fx.client_id) || authz_contains(buf, len, CLIENT_NAME);
    bool coupon = authz_contains(buf, len, fx.coupon_code);
    free(buf);
    const char *who = authz_role_names[c->role];
    if (c->role == AS_OWNER) {
        cr_expect(client || !(row->owner_sees & SHOWS_CLIENT),
                  "%s as %s: the answer does not show the owner's client", name, who);
        cr_expect(coupon || !(row->owner_sees & SHOWS_COUPON),
                  "%s as %s: the answer does not show the owner's coupon", name, who);
        return;
    }
    cr_expect(!client || (row->may_see & SEEN_BY(c->role)),
              "%s as %s: the answer carries the owner's client (id %s or name " CLIENT_NAME ")",
              name, who, fx.client_id);
    cr_expect(!coupon, "%s as %s: the answer carries the code of the owner's coupon", name, who);
}

static void authz_run_cell(size_t row_index, enum authz_role role)
{
    const struct authz_row *row = &authz_rows[row_index];
    char name[96];
    authz_row_name(row, name, sizeof(name));
    struct authz_cell c = {.role = role};
    folio__request__init(&c.req);
    cell_open(&c, row_index);
    row->build(&c);
    const ProtobufCFieldDescriptor *f = authz_op_field(row->op);
    cr_assert_not_null(f, "row %s names no request type", name);
    cr_assert_eq((unsigned)c.req.op_case, f->id, "row %s builds request type %u, not %s", name,
                 (unsigned)c.req.op_case, row->op);

    struct folio_error err = {0};
    Folio__Response *r = folio_connection_call(c.conn, &c.req, &err);
    cr_assert(r != NULL || !err.transport, "%s as %s: the connection failed: %s", name,
              authz_role_names[role], err.message);
    Folio__Code got = r != NULL ? FOLIO__CODE__OK : err.code;
    /* Disabling ends the user's connections at once (see the header). */
    Folio__Code want = role == AS_DISABLED ? UNAUTH : row->expect[role];
    cr_expect_eq(got, want, "%s as %s: answered %s (%s), expected %s", name, authz_role_names[role],
                 status_name(got), r != NULL ? "" : err.message, status_name(want));
    if (got == want && want == FOLIO__CODE__NOT_FOUND && c.not_found[0] != '\0')
        cr_expect_str_eq(err.message, c.not_found,
                         "%s as %s: NOT_FOUND says \"%s\", where a missing one says \"%s\"", name,
                         authz_role_names[role], err.message, c.not_found);
    /* A login is refused as a wrong password is, whatever the account; on
     * the disabled user's connection, ended by the disabling, nothing is
     * even tried (test_login_throttle logs in as a disabled user afresh). */
    bool login = c.req.op_case == FOLIO__REQUEST__OP_LOGIN && role != AS_DISABLED;
    if (got == want && want == FOLIO__CODE__UNAUTHENTICATED && login)
        cr_expect_str_eq(err.message, "wrong user name or password",
                         "%s as %s: UNAUTHENTICATED says \"%s\"", name, authz_role_names[role],
                         err.message);
    if (got == want && want == FOLIO__CODE__UNAUTHENTICATED && !cell_live(&c) && !login)
        cr_expect_str_eq(err.message, authz_unauthenticated[role],
                         "%s as %s: UNAUTHENTICATED says \"%s\", expected \"%s\"", name,
                         authz_role_names[role], err.message, authz_unauthenticated[role]);
    if (r != NULL)
        cell_check_secrets(row, &c, r, name);
    folio_response_free(r);
    cell_free(&c);
}

/* Moves the late server's clock past the end of its sessions, and waits
 * (bounded) until it refuses the session to a new connection. Binding a
 * session changes nothing in it, so the rows meet it as it was. */
static void authz_expire(void)
{
    harness_server_clock_move(&fx.late, AUTHZ_LATE_EXPIRED);
    int64_t deadline = harness_now_ms() + harness_timeout_ms();
    for (;;) {
        struct folio_connection *c = harness_connect(&fx.late);
        struct folio_error err = {0};
        Folio__Response *r = folio_authenticate(c, fx.expired_token, &err);
        folio_connection_close(c);
        if (r == NULL && !err.transport && err.code == FOLIO__CODE__UNAUTHENTICATED)
            return;
        if (r != NULL)
            folio_response_free(r);
        cr_assert(harness_now_ms() < deadline,
                  "the late server still takes the session after its clock moved to %s",
                  AUTHZ_LATE_EXPIRED);
        harness_sleep_ms(100);
    }
}

Test(authz, every_request_type_as_every_role, .init = authz_setup, .fini = authz_teardown)
{
    for (size_t row = 0; row < AUTHZ_ROW_COUNT; row++)
        for (int role = 0; role < AS_EXPIRED; role++)
            authz_run_cell(row, (enum authz_role)role);

    /* Login purges the user's expired sessions: it goes last, so that every
     * other cell meets the session expired, not gone. */
    authz_expire();
    size_t login = AUTHZ_ROW_COUNT;
    for (size_t row = 0; row < AUTHZ_ROW_COUNT; row++) {
        if (strcmp(authz_rows[row].op, "login") == 0)
            login = row;
        else
            authz_run_cell(row, AS_EXPIRED);
    }
    cr_assert_lt(login, AUTHZ_ROW_COUNT);
    authz_run_cell(login, AS_EXPIRED);

    for (int role = 0; role < AS_LIVE; role++) {
        folio_connection_close(fx.conn[role]);
        fx.conn[role] = NULL;
    }
    harness_server_finish(&fx.late);
    harness_server_finish(&fx.srv);
}
