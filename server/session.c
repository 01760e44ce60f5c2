/* session.c - see session.h. */
#include "session.h"

#include <string.h>

#include <sodium.h>

#include "connection.h"
#include "server.h"
#include "store_user.h"

int session_load(struct request *req, MDB_txn *txn, const uint8_t key[STORE_SESSION_KEY_BYTES],
                 Folio__User **user_out)
{
    struct store *store = &req->server->store;
    Folio__Session *session;
    int rc = store_session_get(store, txn, key, &req->arena, &session);
    if (rc == MDB_NOTFOUND)
        return request_fail(req, FOLIO__CODE__UNAUTHENTICATED,
                            "your session has ended; log in again");
    if (rc != 0)
        return request_store_error(req, rc, "check the session");
    if (session->expires_at <= req->now)
        return request_fail(req, FOLIO__CODE__UNAUTHENTICATED,
                            "your session has expired; log in again");
    Folio__User *user;
    rc = store_user_get(store, txn, session->user_id, &req->arena, &user);
    if (rc == MDB_NOTFOUND)
        return request_fail(req, FOLIO__CODE__UNAUTHENTICATED,
                            "your session has ended; log in again");
    if (rc != 0)
        return request_store_error(req, rc, "check the session");
    if (user->disabled)
        return request_fail(req, FOLIO__CODE__UNAUTHENTICATED,
                            "account %s is disabled; its sessions have ended", user->name);
    req->actor.user_id = user->id;
    req->actor.role = user->role;
    req->actor.office_id = user->office_id;
    req->actor.name = user->name;
    req->actor.session_expires_at = session->expires_at;
    memcpy(req->actor.session_key, key, STORE_SESSION_KEY_BYTES);
    if (user_out != NULL)
        *user_out = user;
    return 0;
}

/* Reading the session and the user back costs more than the rest of a
 * small read put together; most requests of a connection find both as they
 * were at the one before. */
static bool session_cached(struct request *req, uint64_t auth_generation)
{
    struct connection_actor *cached = &req->conn->actor;
    if (!cached->valid || cached->generation != auth_generation || req->now >= cached->expires_at)
        return false;
    char *name = arena_strdup(&req->arena, cached->name);
    if (name == NULL)
        return false;
    req->actor.user_id = cached->user_id;
    req->actor.role = cached->role;
    req->actor.office_id = cached->office_id;
    req->actor.name = name;
    req->actor.session_expires_at = cached->expires_at;
    memcpy(req->actor.session_key, req->conn->session_key, STORE_SESSION_KEY_BYTES);
    return true;
}

static void session_remember(struct request *req, uint64_t auth_generation)
{
    struct connection_actor *cached = &req->conn->actor;
    size_t len = strlen(req->actor.name);
    cached->valid = len < sizeof(cached->name);
    if (!cached->valid)
        return;
    memcpy(cached->name, req->actor.name, len + 1);
    cached->generation = auth_generation;
    cached->user_id = req->actor.user_id;
    cached->role = req->actor.role;
    cached->office_id = req->actor.office_id;
    cached->expires_at = req->actor.session_expires_at;
}

int session_check(struct request *req, MDB_txn *txn, uint64_t auth_generation)
{
    struct connection *conn = req->conn;
    if (!conn->authenticated)
        return request_fail(req, FOLIO__CODE__UNAUTHENTICATED, "log in first");
    if (session_cached(req, auth_generation))
        return 0;
    conn->actor.valid = false;
    int rc = session_load(req, txn, conn->session_key, NULL);
    if (rc == 0)
        session_remember(req, auth_generation);
    else if (req->status.code == FOLIO__CODE__UNAUTHENTICATED)
        connection_set_authenticated(conn, false);
    return rc;
}

int session_token_parse(const char *hex, uint8_t token[STORE_SESSION_TOKEN_BYTES])
{
    size_t written = 0;
    const char *end = NULL;
    if (hex == NULL || strlen(hex) != SESSION_TOKEN_HEX)
        return -1;
    if (sodium_hex2bin(token, STORE_SESSION_TOKEN_BYTES, hex, SESSION_TOKEN_HEX, NULL, &written,
                       &end) != 0 ||
        written != STORE_SESSION_TOKEN_BYTES || end != hex + SESSION_TOKEN_HEX)
        return -1;
    return 0;
}

void session_token_format(const uint8_t token[STORE_SESSION_TOKEN_BYTES],
                          char hex[SESSION_TOKEN_HEX + 1])
{
    sodium_bin2hex(hex, SESSION_TOKEN_HEX + 1, token, STORE_SESSION_TOKEN_BYTES);
}
