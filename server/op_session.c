/* op_session.c - greeting, logging in and out, and the caller's own account.
 *
 * Login runs in four places: the read stage reserves the attempt with the
 * throttle (or refuses a locked-out name or address before any hashing) and
 * finds the user and its hash, the hash stage verifies the password on the
 * thread pool, the write stage records the session or the failure in the
 * audit log, the finish stage settles the reservation. Unknown names are
 * checked against a dummy hash of the current cost, and a stored hash of an
 * older cost costs a check at the current one too (and is rehashed when the
 * password is right), so timing does not tell which names exist. A disabled
 * account answers the right password as a wrong one. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "access.h"
#include "audit.h"
#include "connection.h"
#include "log.h"
#include "op.h"
#include "server.h"
#include "session.h"
#include "store_session.h"
#include "store_user.h"
#include "validate.h"

#define OP_WRONG_LOGIN "wrong user name or password"

int op_hello_read(struct request *req, MDB_txn *txn)
{
    (void)txn;
    const Folio__Hello *hello = req->msg->hello;
    if (req->conn->said_hello)
        return request_fail(req, FOLIO__CODE__FAILED_PRECONDITION,
                            "Hello was already sent on this connection");
    if (hello->protocol_version != SERVER_PROTOCOL_VERSION) {
        req->close_after = true;
        return request_fail(req, FOLIO__CODE__FAILED_PRECONDITION,
                            "this server speaks protocol version %u and the client speaks %u: "
                            "use a matching folio client",
                            SERVER_PROTOCOL_VERSION, hello->protocol_version);
    }
    Folio__Welcome *welcome = request_alloc(req, sizeof(*welcome));
    if (welcome == NULL)
        return request_oom(req);
    folio__welcome__init(welcome);
    welcome->server_version = (char *)FOLIO_VERSION;
    welcome->firm = req->server->firm_name;
    welcome->protocol_version = SERVER_PROTOCOL_VERSION;
    req->conn->said_hello = true;
    req->response.result_case = FOLIO__RESPONSE__RESULT_WELCOME;
    req->response.welcome = welcome;
    return 0;
}

/* A SessionInfo reply for user; token may be NULL. */
static int op_session_reply(struct request *req, MDB_txn *txn, Folio__User *user, const char *token,
                            int64_t expires_at)
{
    Folio__SessionInfo *info = request_alloc(req, sizeof(*info));
    if (info == NULL)
        return request_oom(req);
    folio__session_info__init(info);
    int rc = op_user_reply(req, txn, user);
    if (rc != 0)
        return rc;
    info->user = user;
    info->expires_at = expires_at;
    if (token != NULL)
        info->token = (char *)token;
    req->response.result_case = FOLIO__RESPONSE__RESULT_SESSION;
    req->response.session = info;
    return 0;
}

struct login_state {
    uint64_t user_id;  /* 0: no such user */
    char *stored_hash; /* NULL: no such user */
    bool verified;
    bool rehashed; /* new_hash holds the password at the current cost */
    char new_hash[crypto_pwhash_STRBYTES];
    uint8_t session_key[STORE_SESSION_KEY_BYTES];
    uint64_t office_id;
    int64_t expires_at;
};

/* The user already holds --max-connections-per-user connections: the login
 * or authentication is refused, and its reply carries no session. A login
 * is refused before its password is checked, so that the answer cannot
 * tell a right password from a wrong one; finish checks again for
 * connections that logged in meanwhile. */
static int op_session_over_budget(struct request *req, const char *name)
{
    req->response.result_case = FOLIO__RESPONSE__RESULT__NOT_SET;
    req->response.session = NULL;
    req->result_packed = NULL;
    req->result_packed_len = 0;
    return request_fail(req, FOLIO__CODE__RESOURCE_EXHAUSTED,
                        "%s already has %u connections open, the most the server allows one user "
                        "(--max-connections-per-user; folio watch counts too): close one first",
                        name, req->server->config.max_connections_per_user);
}

int op_login_read(struct request *req, MDB_txn *txn)
{
    Folio__Login *login = req->msg->login;
    struct server *s = req->server;
    const char *why = validate_user_name(login->username);
    if (why != NULL)
        return request_fail(req, FOLIO__CODE__INVALID_ARGUMENT, "%s", why);
    if (strnlen(login->password, VALIDATE_PASSWORD_MAX + 1) > VALIDATE_PASSWORD_MAX)
        return request_fail(req, FOLIO__CODE__INVALID_ARGUMENT, "the password is too long");
    uint64_t wait_ms = 0;
    enum throttle_verdict verdict =
        throttle_reserve(&s->throttle, &req->login_ticket, login->username, req->conn->peer_addr,
                         uv_now(&s->loop), &wait_ms);
    unsigned long long wait_s = (unsigned long long)((wait_ms + 999) / 1000);
    if (verdict == THROTTLE_ADDRESS_LOCKED)
        return request_fail(req, FOLIO__CODE__RESOURCE_EXHAUSTED,
                            "too many failed logins from your address; try again in %llu s",
                            wait_s);
    if (verdict == THROTTLE_ACCOUNT_LOCKED)
        return request_fail(req, FOLIO__CODE__RESOURCE_EXHAUSTED,
                            "too many failed logins for %s; try again in %llu s", login->username,
                            wait_s);
    struct login_state *state = request_alloc(req, sizeof(*state));
    if (state == NULL)
        return request_oom(req);
    req->scratch = state;
    Folio__User *user;
    int rc = store_user_find(&s->store, txn, login->username, &req->arena, &user);
    if (rc == MDB_NOTFOUND)
        return 0;
    if (rc != 0)
        return request_store_error(req, rc, "log in");
    Folio__Credential *cred;
    rc = store_credential_get(&s->store, txn, user->id, &req->arena, &cred);
    if (rc == MDB_NOTFOUND)
        return 0;
    if (rc != 0)
        return request_store_error(req, rc, "log in");
    if (conn_budget_user_count(&s->budget, user->id) >= s->config.max_connections_per_user)
        return op_session_over_budget(req, user->name);
    state->user_id = user->id;
    state->stored_hash = cred->password_hash;
    return 0;
}

void op_login_hash(struct request *req)
{
    struct login_state *state = req->scratch;
    struct server *s = req->server;
    char *password = req->msg->login->password;
    if (state->stored_hash == NULL) {
        (void)hasher_verify(s->dummy_hash, password);
        log_debug("login: no such user; checked against the dummy hash");
    } else {
        state->verified = hasher_verify(state->stored_hash, password);
        if (hasher_needs_rehash(s->config.hash_cost, state->stored_hash)) {
            /* The cheaper check must not stand out: add one at today's cost,
             * the new hash when the password is right, the dummy otherwise. */
            if (state->verified) {
                state->rehashed = hasher_hash(s->config.hash_cost, password, state->new_hash) == 0;
            } else {
                (void)hasher_verify(s->dummy_hash, password);
                log_debug("login: a stored hash of another cost; checked against the dummy hash "
                          "too");
            }
        }
    }
    sodium_memzero(password, strlen(password));
}

/* Replaces a hash of an older cost by the one made at login, unless the
 * password changed meanwhile. */
static int op_login_rehash(struct request *req, MDB_txn *txn, uint64_t user_id)
{
    struct login_state *state = req->scratch;
    struct store *store = &req->server->store;
    Folio__Credential *cred;
    int rc = store_credential_get(store, txn, user_id, &req->arena, &cred);
    if (rc == MDB_NOTFOUND || (rc == 0 && strcmp(cred->password_hash, state->stored_hash) != 0))
        return 0;
    if (rc != 0)
        return rc;
    cred->password_hash = state->new_hash;
    rc = store_credential_put(store, txn, user_id, cred);
    if (rc == 0)
        log_debug("login: rehashed a password at the current cost");
    return rc;
}

int op_login_write(struct request *req, MDB_txn *txn)
{
    struct login_state *state = req->scratch;
    struct store *store = &req->server->store;
    const char *name = req->msg->login->username;
    if (!state->verified) {
        int rc =
            audit_append_as(store, txn, req->now, name, 0, "login.failed", name, OP_WRONG_LOGIN);
        request_fail(req, FOLIO__CODE__UNAUTHENTICATED, OP_WRONG_LOGIN);
        return rc;
    }
    Folio__User *user;
    int rc = store_user_get(store, txn, state->user_id, &req->arena, &user);
    if (rc != 0)
        return request_store_error(req, rc, "log in");
    if (user->disabled) {
        /* Answered as a wrong password: the answer must not confirm that
         * the guess was right. */
        rc = audit_append_as(store, txn, req->now, name, user->office_id, "login.failed", name,
                             "account disabled");
        request_fail(req, FOLIO__CODE__UNAUTHENTICATED, OP_WRONG_LOGIN);
        return rc;
    }
    if (state->rehashed && (rc = op_login_rehash(req, txn, user->id)) != 0)
        return request_store_error(req, rc, "log in");
    user->last_login_at = req->now;
    if ((rc = store_user_put(store, txn, user)) != 0)
        return request_store_error(req, rc, "log in");
    uint8_t token[STORE_SESSION_TOKEN_BYTES];
    randombytes_buf(token, sizeof(token));
    store_session_key(state->session_key, token);
    char *hex = request_alloc(req, SESSION_TOKEN_HEX + 1);
    if (hex == NULL)
        return request_oom(req);
    session_token_format(token, hex);
    sodium_memzero(token, sizeof(token));

    Folio__Session session = FOLIO__SESSION__INIT;
    session.user_id = user->id;
    session.created_at = req->now;
    session.expires_at = req->now + req->server->config.session_ttl_s;
    state->office_id = user->office_id;
    state->expires_at = session.expires_at;
    if ((rc = store_session_purge_expired(store, txn, user->id, req->now)) != 0 ||
        (rc = store_session_put(store, txn, state->session_key, &session)) != 0 ||
        (rc = audit_append_as(store, txn, req->now, name, user->office_id, "login", name, "")) != 0)
        return request_store_error(req, rc, "log in");
    return op_session_reply(req, txn, user, hex, session.expires_at);
}

/* A session the per-user budget kept from being used: its token was never
 * sent, and it is deleted so that nothing is left that nobody holds. */
struct op_session_drop {
    struct writer_job job;
    struct store *store;
    int64_t now;
    uint64_t office_id;
    uint8_t key[STORE_SESSION_KEY_BYTES];
    char name[VALIDATE_USER_NAME_MAX + 1];
};

static int op_session_drop_run(struct writer_job *job, MDB_txn *txn)
{
    struct op_session_drop *drop = (struct op_session_drop *)job;
    int rc = store_session_delete(drop->store, txn, drop->key);
    if (rc != 0 && rc != MDB_NOTFOUND)
        return rc;
    return audit_append_as(drop->store, txn, drop->now, drop->name, drop->office_id,
                           "login.refused", drop->name, "--max-connections-per-user reached");
}

static void op_session_drop_done(struct writer_job *job)
{
    free(job);
}

static void op_session_drop(struct request *req, const struct login_state *state, const char *name)
{
    struct op_session_drop *drop = calloc(1, sizeof(*drop));
    if (drop == NULL)
        return; /* the session expires with its time-to-live */
    drop->job.run = op_session_drop_run;
    drop->job.done = op_session_drop_done;
    drop->store = &req->server->store;
    drop->now = req->now;
    drop->office_id = state->office_id;
    memcpy(drop->key, state->session_key, sizeof(drop->key));
    snprintf(drop->name, sizeof(drop->name), "%s", name);
    writer_submit(&req->server->writer, &drop->job);
}

void op_login_finish(struct request *req)
{
    struct server *s = req->server;
    struct connection *conn = req->conn;
    const char *name = req->msg->login->username;
    struct login_state *state = req->scratch;
    uint64_t now_ms = uv_now(&s->loop);
    if (request_ok(req)) {
        throttle_success(&s->throttle, &req->login_ticket, now_ms);
        if (!connection_login(conn, state->user_id, state->session_key, state->expires_at)) {
            op_session_drop(req, state, name);
            (void)op_session_over_budget(req, name);
            return;
        }
        log_info("login: %s from %s", name, conn->peer);
    } else if (req->status.code == FOLIO__CODE__UNAUTHENTICATED) {
        req->delay_ms = throttle_failure(&s->throttle, &req->login_ticket, now_ms);
        /* Ops watch these: the name typed and where from, at warn. */
        const struct log_field fields[] = {{.key = "user", .text = name},
                                           {.key = "peer", .text = conn->peer}};
        log_fields(LOG_WARN, "failed login", fields, sizeof(fields) / sizeof(fields[0]));
    } else {
        /* Refused before any password was checked: nothing to count. */
        throttle_cancel(&s->throttle, &req->login_ticket);
    }
}

int op_authenticate_read(struct request *req, MDB_txn *txn)
{
    uint8_t token[STORE_SESSION_TOKEN_BYTES];
    if (session_token_parse(req->msg->authenticate->token, token) != 0)
        return request_fail(req, FOLIO__CODE__UNAUTHENTICATED,
                            "the session token is not valid; log in again");
    uint8_t key[STORE_SESSION_KEY_BYTES];
    store_session_key(key, token);
    sodium_memzero(token, sizeof(token));
    Folio__User *user;
    int rc = session_load(req, txn, key, &user);
    if (rc != 0)
        return rc;
    return op_session_reply(req, txn, user, NULL, req->actor.session_expires_at);
}

void op_authenticate_finish(struct request *req)
{
    if (request_ok(req) && !connection_login(req->conn, req->actor.user_id, req->actor.session_key,
                                             req->actor.session_expires_at))
        (void)op_session_over_budget(req, req->actor.name);
}

int op_logout_write(struct request *req, MDB_txn *txn)
{
    struct store *store = &req->server->store;
    int rc = store_session_delete(store, txn, req->actor.session_key);
    if (rc != 0 && rc != MDB_NOTFOUND)
        return request_store_error(req, rc, "log out");
    if ((rc = audit_append(req, txn, "logout", req->actor.name, "")) != 0)
        return request_store_error(req, rc, "log out");
    return request_reply_empty(req);
}

void op_logout_finish(struct request *req)
{
    if (request_ok(req))
        connection_set_authenticated(req->conn, false);
}

int op_whoami_read(struct request *req, MDB_txn *txn)
{
    Folio__User *user;
    int rc = store_user_get(&req->server->store, txn, req->actor.user_id, &req->arena, &user);
    if (rc != 0)
        return request_store_error(req, rc, "read your account");
    return op_session_reply(req, txn, user, NULL, req->actor.session_expires_at);
}

struct password_state {
    char *stored_hash;
    bool verified;
    int hash_rc;
    char new_hash[crypto_pwhash_STRBYTES];
};

int op_password_change_read(struct request *req, MDB_txn *txn)
{
    Folio__PasswordChange *change = req->msg->password_change;
    const char *why = validate_password(change->new_password);
    if (why != NULL)
        return request_fail(req, FOLIO__CODE__INVALID_ARGUMENT, "new password: %s", why);
    if (strnlen(change->old_password, VALIDATE_PASSWORD_MAX + 1) > VALIDATE_PASSWORD_MAX)
        return request_fail(req, FOLIO__CODE__PERMISSION_DENIED, "the current password is wrong");
    struct password_state *state = request_alloc(req, sizeof(*state));
    if (state == NULL)
        return request_oom(req);
    req->scratch = state;
    Folio__Credential *cred;
    int rc = store_credential_get(&req->server->store, txn, req->actor.user_id, &req->arena, &cred);
    if (rc != 0 && rc != MDB_NOTFOUND)
        return request_store_error(req, rc, "change the password");
    state->stored_hash = rc == 0 ? cred->password_hash : NULL;
    return 0;
}

void op_password_change_hash(struct request *req)
{
    struct password_state *state = req->scratch;
    Folio__PasswordChange *change = req->msg->password_change;
    state->verified =
        state->stored_hash != NULL && hasher_verify(state->stored_hash, change->old_password);
    if (state->verified)
        state->hash_rc =
            hasher_hash(req->server->config.hash_cost, change->new_password, state->new_hash);
    sodium_memzero(change->old_password, strlen(change->old_password));
    sodium_memzero(change->new_password, strlen(change->new_password));
}

/* Whoever knew the old password may hold a session: every session of the
 * user ends but the one in use. Connections on them are cut off at their
 * next request (the store's auth generation changes, session.c). */
static int op_password_end_other_sessions(struct request *req, MDB_txn *txn, size_t *ended)
{
    struct store *store = &req->server->store;
    Folio__Session *current = NULL;
    int rc = store_session_get(store, txn, req->actor.session_key, &req->arena, &current);
    if (rc != 0 && rc != MDB_NOTFOUND)
        return rc;
    if ((rc = store_session_delete_user(store, txn, req->actor.user_id, ended)) != 0)
        return rc;
    if (current == NULL)
        return 0;
    if (*ended > 0)
        (*ended)--;
    return store_session_put(store, txn, req->actor.session_key, current);
}

/* The other sessions are gone from the store; their connections, watchers
 * above all (they send nothing that would find out), go too. */
void op_password_change_finish(struct request *req)
{
    if (request_ok(req))
        connection_end_user(req->server, req->actor.user_id, req->actor.session_key,
                            "the password was changed; log in again");
}

int op_password_change_write(struct request *req, MDB_txn *txn)
{
    struct password_state *state = req->scratch;
    if (!state->verified)
        return request_fail(req, FOLIO__CODE__PERMISSION_DENIED, "the current password is wrong");
    if (state->hash_rc != 0)
        return request_fail(req, FOLIO__CODE__RESOURCE_EXHAUSTED,
                            "not enough memory to hash the password");
    struct store *store = &req->server->store;
    Folio__Credential cred = FOLIO__CREDENTIAL__INIT;
    cred.password_hash = state->new_hash;
    cred.updated_at = req->now;
    int rc = store_credential_put(store, txn, req->actor.user_id, &cred);
    size_t ended = 0;
    if (rc == 0)
        rc = op_password_end_other_sessions(req, txn, &ended);
    if (rc == 0) {
        char *detail = arena_printf(&req->arena, "%zu other sessions ended", ended);
        rc = audit_append(req, txn, "password.change", req->actor.name, detail);
    }
    if (rc != 0)
        return request_store_error(req, rc, "change the password");
    return request_reply_empty(req);
}
