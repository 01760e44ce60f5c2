/* op_admin.c - offices, users and the audit log: the firm's administration.
 *
 * Who may do what is decided in access.c. Requests that hash a password
 * check permission in their read stage already, so that nobody can make the
 * server spend a hash on a request it will refuse. */
#include <string.h>

#include <sodium.h>

#include "access.h"
#include "audit.h"
#include "client_id.h"
#include "connection.h"
#include "log.h"
#include "op.h"
#include "server.h"
#include "store_audit.h"
#include "store_client.h"
#include "store_office.h"
#include "store_session.h"
#include "store_user.h"
#include "validate.h"

int op_user_reply(struct request *req, MDB_txn *txn, Folio__User *user)
{
    if (user->office_id == 0)
        return 0;
    Folio__Office *office;
    int rc = store_office_get(&req->server->store, txn, user->office_id, &req->arena, &office);
    if (rc == 0)
        user->office = office->name;
    else if (rc != MDB_NOTFOUND)
        return request_store_error(req, rc, "read the office");
    return 0;
}

/* ---------------------------------------------------------------- offices */

int op_office_add_write(struct request *req, MDB_txn *txn)
{
    const char *name = req->msg->office_add->name;
    const char *why = validate_office_name(name);
    if (why != NULL)
        return request_fail(req, FOLIO__CODE__INVALID_ARGUMENT, "%s", why);
    Folio__Office *office = request_alloc(req, sizeof(*office));
    if (office == NULL)
        return request_oom(req);
    folio__office__init(office);
    office->name = req->msg->office_add->name;
    office->created_at = req->now;
    int rc = store_office_add(&req->server->store, txn, office);
    if (rc == MDB_KEYEXIST)
        return request_fail(req, FOLIO__CODE__ALREADY_EXISTS,
                            "an office named \"%s\" already exists", name);
    if (rc == 0)
        rc = audit_append(req, txn, "office.add", name, "");
    if (rc != 0)
        return request_store_error(req, rc, "add the office");
    req->response.result_case = FOLIO__RESPONSE__RESULT_OFFICE;
    req->response.office = office;
    return 0;
}

/* The office named by a request, or NOT_FOUND. */
static int op_office_named(struct request *req, MDB_txn *txn, const char *name, Folio__Office **out)
{
    int rc = store_office_find(&req->server->store, txn, name, &req->arena, out);
    if (rc == MDB_NOTFOUND)
        return request_fail(req, FOLIO__CODE__NOT_FOUND, "no office named %s", name);
    return rc == 0 ? 0 : request_store_error(req, rc, "read the office");
}

int op_office_rename_write(struct request *req, MDB_txn *txn)
{
    const Folio__OfficeRename *ask = req->msg->office_rename;
    const char *why = validate_office_name(ask->new_name);
    if (why != NULL)
        return request_fail(req, FOLIO__CODE__INVALID_ARGUMENT, "new_name: %s", why);
    Folio__Office *office;
    int rc = op_office_named(req, txn, ask->name, &office);
    if (rc != 0)
        return rc;
    char *detail = arena_printf(&req->arena, "%s -> %s", office->name, ask->new_name);
    if (detail == NULL)
        return request_oom(req);
    rc = store_office_rename(&req->server->store, txn, office, ask->new_name);
    if (rc == MDB_KEYEXIST)
        return request_fail(req, FOLIO__CODE__ALREADY_EXISTS,
                            "an office named \"%s\" already exists", ask->new_name);
    if (rc == 0)
        rc = audit_append(req, txn, "office.rename", ask->new_name, detail);
    if (rc != 0)
        return request_store_error(req, rc, "rename the office");
    req->response.result_case = FOLIO__RESPONSE__RESULT_OFFICE;
    req->response.office = office;
    return 0;
}

int op_office_remove_write(struct request *req, MDB_txn *txn)
{
    Folio__Office *office;
    int rc = op_office_named(req, txn, req->msg->office_remove->name, &office);
    if (rc != 0)
        return rc;
    Folio__User **users;
    size_t n;
    char *next;
    rc = store_user_list(&req->server->store, txn, NULL, office->id, 1, &req->arena, &users, &n,
                         &next);
    if (rc != 0)
        return request_store_error(req, rc, "read the office's users");
    if (n > 0)
        return request_fail(req, FOLIO__CODE__FAILED_PRECONDITION,
                            "office %s still has users (%s%s): move them with admin user set "
                            "--office first",
                            office->name, users[0]->name, next != NULL ? ", ..." : "");
    if ((rc = store_office_remove(&req->server->store, txn, office)) != 0 ||
        (rc = audit_append(req, txn, "office.remove", office->name, "")) != 0)
        return request_store_error(req, rc, "remove the office");
    return request_reply_empty(req);
}

int op_office_list_read(struct request *req, MDB_txn *txn)
{
    Folio__Offices *list = request_alloc(req, sizeof(*list));
    if (list == NULL)
        return request_oom(req);
    folio__offices__init(list);
    int rc = store_office_list(&req->server->store, txn, REQUEST_PAGE_MAX, &req->arena,
                               &list->offices, &list->n_offices);
    if (rc != 0)
        return request_store_error(req, rc, "list the offices");
    req->response.result_case = FOLIO__RESPONSE__RESULT_OFFICES;
    req->response.offices = list;
    return 0;
}

/* ---------------------------------------------------------------- users */

struct user_password_state {
    uint64_t office_id;
    uint64_t user_id; /* user passwd: whose connections end once it is set */
    int hash_rc;
    char hash[crypto_pwhash_STRBYTES];
};

static struct user_password_state *op_user_state(struct request *req)
{
    struct user_password_state *state = request_alloc(req, sizeof(*state));
    if (state == NULL)
        request_oom(req);
    req->scratch = state;
    return state;
}

/* Hashes the new password of user add and user passwd, on the thread pool. */
static void op_user_hash_password(struct request *req, char *password)
{
    struct user_password_state *state = req->scratch;
    state->hash_rc = hasher_hash(req->server->config.hash_cost, password, state->hash);
    sodium_memzero(password, strlen(password));
}

static int op_user_save_credential(struct request *req, MDB_txn *txn, uint64_t user_id)
{
    struct user_password_state *state = req->scratch;
    if (state->hash_rc != 0)
        return request_fail(req, FOLIO__CODE__RESOURCE_EXHAUSTED,
                            "not enough memory to hash the password");
    Folio__Credential cred = FOLIO__CREDENTIAL__INIT;
    cred.password_hash = state->hash;
    cred.updated_at = req->now;
    return store_credential_put(&req->server->store, txn, user_id, &cred);
}

/* Finds the user an admin's request names; fails with NOT_FOUND when there
 * is none. Only admins get here (the request table), so that the refusal
 * does not tell anyone else which names exist. */
static int op_user_target(struct request *req, MDB_txn *txn, char *name, Folio__User **out)
{
    const char *why = validate_user_name(name);
    if (why != NULL)
        return request_fail(req, FOLIO__CODE__INVALID_ARGUMENT, "%s", why);
    int rc = store_user_find(&req->server->store, txn, name, &req->arena, out);
    if (rc == MDB_NOTFOUND)
        return request_fail(req, FOLIO__CODE__NOT_FOUND, "no user named %s", name);
    if (rc != 0)
        return request_store_error(req, rc, "read the user");
    return 0;
}

int op_user_add_read(struct request *req, MDB_txn *txn)
{
    Folio__UserAdd *add = req->msg->user_add;
    struct store *store = &req->server->store;
    const char *why = validate_user_name(add->name);
    if (why != NULL)
        return request_fail(req, FOLIO__CODE__INVALID_ARGUMENT, "%s", why);
    if (add->role != FOLIO__ROLE__ROLE_AGENT && add->role != FOLIO__ROLE__ROLE_OFFICE_ADMIN &&
        add->role != FOLIO__ROLE__ROLE_FIRM_ADMIN)
        return request_fail(req, FOLIO__CODE__INVALID_ARGUMENT,
                            "the role must be agent, office-admin or firm-admin");
    struct user_password_state *state = op_user_state(req);
    if (state == NULL)
        return WRITER_ROLLBACK;
    if (add->office[0] != '\0') {
        Folio__Office *office;
        int rc = store_office_find(store, txn, add->office, &req->arena, &office);
        if (rc == MDB_NOTFOUND)
            return request_fail(req, FOLIO__CODE__NOT_FOUND, "no office named \"%s\"", add->office);
        if (rc != 0)
            return request_store_error(req, rc, "read the office");
        state->office_id = office->id;
    } else if (add->role != FOLIO__ROLE__ROLE_FIRM_ADMIN) {
        return request_fail(req, FOLIO__CODE__INVALID_ARGUMENT,
                            "agents and office-admins belong to an office: name one");
    }
    int rc = access_user_create(req, add->role, state->office_id);
    if (rc != 0)
        return rc;
    why = validate_password(add->password);
    if (why != NULL)
        return request_fail(req, FOLIO__CODE__INVALID_ARGUMENT, "%s", why);
    Folio__User *existing;
    rc = store_user_find(store, txn, add->name, &req->arena, &existing);
    if (rc == 0)
        return request_fail(req, FOLIO__CODE__ALREADY_EXISTS, "a user named %s already exists",
                            add->name);
    if (rc != MDB_NOTFOUND)
        return request_store_error(req, rc, "read the user");
    return 0;
}

void op_user_add_hash(struct request *req)
{
    op_user_hash_password(req, req->msg->user_add->password);
}

int op_user_add_write(struct request *req, MDB_txn *txn)
{
    Folio__UserAdd *add = req->msg->user_add;
    struct user_password_state *state = req->scratch;
    Folio__User *user = request_alloc(req, sizeof(*user));
    if (user == NULL)
        return request_oom(req);
    folio__user__init(user);
    user->name = add->name;
    user->role = add->role;
    user->office_id = state->office_id;
    user->created_at = user->updated_at = req->now;
    int rc = store_user_put(&req->server->store, txn, user);
    if (rc == MDB_KEYEXIST)
        return request_fail(req, FOLIO__CODE__ALREADY_EXISTS, "a user named %s already exists",
                            add->name);
    if (rc == 0 && (rc = op_user_save_credential(req, txn, user->id)) == WRITER_ROLLBACK)
        return rc;
    char *detail = arena_printf(&req->arena, "role %s%s%s",
                                user->role == FOLIO__ROLE__ROLE_AGENT          ? "agent"
                                : user->role == FOLIO__ROLE__ROLE_OFFICE_ADMIN ? "office-admin"
                                                                               : "firm-admin",
                                add->office[0] ? ", office " : "", add->office);
    if (rc == 0)
        rc = audit_append(req, txn, "user.add", user->name, detail);
    if (rc != 0)
        return request_store_error(req, rc, "add the user");
    if ((rc = op_user_reply(req, txn, user)) != 0)
        return rc;
    req->response.result_case = FOLIO__RESPONSE__RESULT_USER;
    req->response.user = user;
    return 0;
}

int op_user_list_read(struct request *req, MDB_txn *txn)
{
    Folio__UserList *ask = req->msg->user_list;
    Folio__Users *list = request_alloc(req, sizeof(*list));
    if (list == NULL)
        return request_oom(req);
    folio__users__init(list);
    char *next = NULL;
    int rc = store_user_list(&req->server->store, txn, ask->after, access_office_scope(req),
                             request_page_size(ask->limit), &req->arena, &list->users,
                             &list->n_users, &next);
    if (rc != 0)
        return request_store_error(req, rc, "list the users");
    for (size_t i = 0; i < list->n_users; i++)
        if ((rc = op_user_reply(req, txn, list->users[i])) != 0)
            return rc;
    if (next != NULL)
        list->next = next;
    req->response.result_case = FOLIO__RESPONSE__RESULT_USERS;
    req->response.users = list;
    return 0;
}

int op_user_disable_write(struct request *req, MDB_txn *txn)
{
    struct store *store = &req->server->store;
    Folio__User *user;
    int rc = op_user_target(req, txn, req->msg->user_disable->name, &user);
    if (rc != 0)
        return rc;
    if ((rc = access_user_manage(req, user)) != 0)
        return rc;
    if (user->id == req->actor.user_id)
        return request_fail(req, FOLIO__CODE__FAILED_PRECONDITION,
                            "you cannot disable your own account");
    if (!user->disabled) {
        if (user->role == FOLIO__ROLE__ROLE_FIRM_ADMIN) {
            size_t admins = 0;
            if ((rc = store_user_count_active_firm_admins(store, txn, &admins)) != 0)
                return request_store_error(req, rc, "disable the user");
            if (admins <= 1)
                return request_fail(req, FOLIO__CODE__FAILED_PRECONDITION,
                                    "%s is the last firm-admin; add another one first", user->name);
        }
        user->disabled = true;
        user->updated_at = req->now;
        size_t ended = 0;
        if ((rc = store_user_put(store, txn, user)) != 0 ||
            (rc = store_session_delete_user(store, txn, user->id, &ended)) != 0)
            return request_store_error(req, rc, "disable the user");
        char *detail = arena_printf(&req->arena, "%zu sessions ended", ended);
        if ((rc = audit_append(req, txn, "user.disable", user->name, detail)) != 0)
            return request_store_error(req, rc, "disable the user");
    }
    if ((rc = op_user_reply(req, txn, user)) != 0)
        return rc;
    req->response.result_case = FOLIO__RESPONSE__RESULT_USER;
    req->response.user = user;
    return 0;
}

static const char *op_role_name(Folio__Role role)
{
    switch (role) {
    case FOLIO__ROLE__ROLE_AGENT:
        return "agent";
    case FOLIO__ROLE__ROLE_OFFICE_ADMIN:
        return "office-admin";
    case FOLIO__ROLE__ROLE_FIRM_ADMIN:
        return "firm-admin";
    default:
        return "none";
    }
}

int op_user_enable_write(struct request *req, MDB_txn *txn)
{
    Folio__User *user;
    int rc = op_user_target(req, txn, req->msg->user_enable->name, &user);
    if (rc != 0 || (rc = access_user_manage(req, user)) != 0)
        return rc;
    if (user->disabled) {
        user->disabled = false;
        user->updated_at = req->now;
        if ((rc = store_user_put(&req->server->store, txn, user)) != 0 ||
            (rc = audit_append(req, txn, "user.enable", user->name, "")) != 0)
            return request_store_error(req, rc, "enable the user");
    }
    if ((rc = op_user_reply(req, txn, user)) != 0)
        return rc;
    req->response.result_case = FOLIO__RESPONSE__RESULT_USER;
    req->response.user = user;
    return 0;
}

/* The refusals of a role change that the store decides: the last firm-admin
 * stays one, and an agent keeping clients stays an agent (admins keep
 * none). */
static int op_user_set_role_check(struct request *req, MDB_txn *txn, const Folio__User *user,
                                  Folio__Role role)
{
    struct store *store = &req->server->store;
    int rc;
    if (user->role == FOLIO__ROLE__ROLE_FIRM_ADMIN && role != FOLIO__ROLE__ROLE_FIRM_ADMIN &&
        !user->disabled) {
        size_t admins = 0;
        if ((rc = store_user_count_active_firm_admins(store, txn, &admins)) != 0)
            return request_store_error(req, rc, "change the user");
        if (admins <= 1)
            return request_fail(req, FOLIO__CODE__FAILED_PRECONDITION,
                                "%s is the last firm-admin; make another one first", user->name);
    }
    if (user->role == FOLIO__ROLE__ROLE_AGENT && role != FOLIO__ROLE__ROLE_AGENT) {
        uint64_t clients = 0;
        if ((rc = store_client_count(store, txn, user->id, &clients)) != 0)
            return request_store_error(req, rc, "change the user");
        if (clients > 0)
            return request_fail(req, FOLIO__CODE__FAILED_PRECONDITION,
                                "%s keeps %llu clients, and admins keep none: reassign them first",
                                user->name, (unsigned long long)clients);
    }
    return 0;
}

int op_user_set_write(struct request *req, MDB_txn *txn)
{
    const Folio__UserSet *ask = req->msg->user_set;
    struct store *store = &req->server->store;
    Folio__User *user;
    int rc = op_user_target(req, txn, ask->name, &user);
    if (rc != 0 || (rc = access_user_manage(req, user)) != 0)
        return rc;
    if (ask->role == FOLIO__ROLE__ROLE_UNSPECIFIED && ask->office[0] == '\0')
        return request_fail(req, FOLIO__CODE__INVALID_ARGUMENT,
                            "role: give a new role, a new office, or both");
    Folio__Role role = ask->role != FOLIO__ROLE__ROLE_UNSPECIFIED ? ask->role : user->role;
    if (role != FOLIO__ROLE__ROLE_AGENT && role != FOLIO__ROLE__ROLE_OFFICE_ADMIN &&
        role != FOLIO__ROLE__ROLE_FIRM_ADMIN)
        return request_fail(req, FOLIO__CODE__INVALID_ARGUMENT,
                            "role: one of agent, office-admin, firm-admin");
    uint64_t office_id = user->office_id;
    char *office_name = user->office;
    if (ask->office[0] != '\0') {
        Folio__Office *office;
        rc = store_office_find(store, txn, ask->office, &req->arena, &office);
        if (rc == MDB_NOTFOUND)
            return request_fail(req, FOLIO__CODE__NOT_FOUND, "no office named %s", ask->office);
        if (rc != 0)
            return request_store_error(req, rc, "read the office");
        office_id = office->id;
        office_name = office->name;
    }
    if ((rc = op_user_reply(req, txn, user)) != 0)
        return rc;
    /* The user as it becomes must be one the actor may make. */
    if ((rc = access_user_create(req, role, office_id)) != 0 ||
        (rc = op_user_set_role_check(req, txn, user, role)) != 0)
        return rc;
    /* Already so: nothing to write, as for enable and disable. */
    if (role == user->role && office_id == user->office_id) {
        req->response.result_case = FOLIO__RESPONSE__RESULT_USER;
        req->response.user = user;
        return 0;
    }
    char *detail =
        arena_printf(&req->arena, "role %s -> %s, office %s -> %s", op_role_name(user->role),
                     op_role_name(role), user->office[0] != '\0' ? user->office : "none",
                     office_name[0] != '\0' ? office_name : "none");
    if (detail == NULL)
        return request_oom(req);
    user->role = role;
    user->office_id = office_id;
    user->office = office_name;
    user->updated_at = req->now;
    if ((rc = store_user_put(store, txn, user)) != 0 ||
        (rc = audit_append(req, txn, "user.set", user->name, detail)) != 0)
        return request_store_error(req, rc, "change the user");
    req->response.result_case = FOLIO__RESPONSE__RESULT_USER;
    req->response.user = user;
    return 0;
}

int op_user_show_read(struct request *req, MDB_txn *txn)
{
    Folio__User *user;
    int rc = op_user_target(req, txn, req->msg->user_show->name, &user);
    if (rc != 0 || (rc = access_user_manage(req, user)) != 0 ||
        (rc = op_user_reply(req, txn, user)) != 0)
        return rc;
    if ((rc = store_client_count(&req->server->store, txn, user->id, &user->clients)) != 0)
        return request_store_error(req, rc, "count the user's clients");
    req->response.result_case = FOLIO__RESPONSE__RESULT_USER;
    req->response.user = user;
    return 0;
}

/* A disabled user's sessions are gone from the store; its connections,
 * watchers above all (they send nothing that would find out), go too. */
void op_user_disable_finish(struct request *req)
{
    if (!request_ok(req) || req->response.user == NULL)
        return;
    connection_end_user(req->server, req->response.user->id, NULL,
                        "this account is disabled; its sessions have ended");
}

int op_user_passwd_read(struct request *req, MDB_txn *txn)
{
    Folio__UserPasswd *passwd = req->msg->user_passwd;
    Folio__User *user;
    int rc = op_user_target(req, txn, passwd->name, &user);
    if (rc != 0)
        return rc;
    if ((rc = access_user_manage(req, user)) != 0)
        return rc;
    const char *why = validate_password(passwd->password);
    if (why != NULL)
        return request_fail(req, FOLIO__CODE__INVALID_ARGUMENT, "%s", why);
    return op_user_state(req) != NULL ? 0 : WRITER_ROLLBACK;
}

void op_user_passwd_hash(struct request *req)
{
    op_user_hash_password(req, req->msg->user_passwd->password);
}

int op_user_passwd_write(struct request *req, MDB_txn *txn)
{
    struct store *store = &req->server->store;
    Folio__User *user;
    int rc = op_user_target(req, txn, req->msg->user_passwd->name, &user);
    if (rc != 0)
        return rc;
    if ((rc = access_user_manage(req, user)) != 0)
        return rc;
    if ((rc = op_user_save_credential(req, txn, user->id)) == WRITER_ROLLBACK)
        return rc;
    size_t ended = 0;
    ((struct user_password_state *)req->scratch)->user_id = user->id;
    if (rc == 0)
        rc = store_session_delete_user(store, txn, user->id, &ended);
    if (rc == 0) {
        char *detail = arena_printf(&req->arena, "%zu sessions ended", ended);
        rc = audit_append(req, txn, "user.passwd", user->name, detail);
    }
    if (rc != 0)
        return request_store_error(req, rc, "set the password");
    return request_reply_empty(req);
}

/* A new password lifts the lock its old one collected (throttle.h). */
static void op_user_lift_lock(struct request *req, const char *name)
{
    if (throttle_unlock(&req->server->throttle, name))
        log_warn("login lock lifted: %s unlocked by %s", name, req->actor.name);
}

/* The sessions are gone from the store; the connections, watchers above
 * all (they send nothing that would find out), go too. */
void op_user_passwd_finish(struct request *req)
{
    if (!request_ok(req))
        return;
    op_user_lift_lock(req, req->msg->user_passwd->name);
    const struct user_password_state *state = req->scratch;
    connection_end_user(req->server, state->user_id, NULL,
                        "your password was set by an admin; log in again");
}

/* Authorised as user disable: an admin of the user's office or a firm-admin. */
int op_user_unlock_write(struct request *req, MDB_txn *txn)
{
    Folio__User *user;
    int rc = op_user_target(req, txn, req->msg->user_unlock->name, &user);
    if (rc != 0)
        return rc;
    if ((rc = access_user_manage(req, user)) != 0)
        return rc;
    if ((rc = audit_append(req, txn, "user.unlock", user->name, "")) != 0)
        return request_store_error(req, rc, "unlock the user");
    return request_reply_empty(req);
}

void op_user_unlock_finish(struct request *req)
{
    if (request_ok(req))
        op_user_lift_lock(req, req->msg->user_unlock->name);
}

/* ---------------------------------------------------------------- audit */

#define OP_AUDIT_ACTION_MAX 64

/* An action names what was done, e.g. "partner.edit"; empty: any. */
static bool op_audit_action_ok(const char *action)
{
    size_t len = strnlen(action, OP_AUDIT_ACTION_MAX + 1);
    if (len > OP_AUDIT_ACTION_MAX)
        return false;
    for (size_t i = 0; i < len; i++) {
        char c = action[i];
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '_'))
            return false;
    }
    return true;
}

int op_audit_query_read(struct request *req, MDB_txn *txn)
{
    Folio__AuditQuery *query = req->msg->audit_query;
    if (query->actor[0] != '\0') {
        const char *why = validate_user_name(query->actor);
        if (why != NULL)
            return request_fail(req, FOLIO__CODE__INVALID_ARGUMENT, "%s", why);
    }
    uint8_t client_id[16];
    if (query->client[0] != '\0' && client_id_parse(query->client, client_id) != 0)
        return request_fail(req, FOLIO__CODE__INVALID_ARGUMENT, "client: not a client id");
    if (!op_audit_action_ok(query->action))
        return request_fail(req, FOLIO__CODE__INVALID_ARGUMENT,
                            "action: up to %d characters of a-z, 0-9, ., _ and -",
                            OP_AUDIT_ACTION_MAX);
    if (query->since < 0 || query->until < 0 ||
        (query->until != 0 && query->since != 0 && query->until <= query->since))
        return request_fail(req, FOLIO__CODE__INVALID_ARGUMENT, "until: must be after since");
    struct store_audit_filter filter = {
        .actor = query->actor[0] != '\0' ? query->actor : NULL,
        .action = query->action[0] != '\0' ? query->action : NULL,
        .client_id = query->client[0] != '\0' ? query->client : NULL,
        .office_id = access_office_scope(req),
        .since = query->since,
        .until = query->until,
        .before = query->before,
        .limit = request_page_size(query->limit),
    };
    Folio__AuditRecords *records = request_alloc(req, sizeof(*records));
    if (records == NULL)
        return request_oom(req);
    folio__audit_records__init(records);
    int rc = store_audit_query(&req->server->store, txn, &filter, &req->arena, &records->records,
                               &records->n_records, &records->next);
    if (rc != 0)
        return request_store_error(req, rc, "read the audit log");
    req->response.result_case = FOLIO__RESPONSE__RESULT_AUDIT;
    req->response.audit = records;
    return 0;
}
