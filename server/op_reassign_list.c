/* op_reassign_list.c - what reassignments moved, read from the stored
 * records (store_reassign.h).
 *
 * For admins: a firm-admin sees every reassignment, an office-admin those
 * whose two agents are both of its office now. A record it may not see is
 * answered exactly like one that does not exist. Agents' names are looked
 * up by id; one removed since shows as "#ID". Both run in the pool: a list
 * looks up two agents per record, a record may name 100000 clients. */
#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "access.h"
#include "client_id.h"
#include "op.h"
#include "server.h"
#include "store_client.h"
#include "store_reassign.h"
#include "store_user.h"

#define OP_REASSIGN_SHOW_NAMES 1000u /* clients named by show; count says all */

struct op_reassign_scope {
    struct request *req;
    MDB_txn *txn;
    uint64_t office_id; /* 0: every reassignment */
    int error;          /* a store error met while deciding */
};

/* Is agent id of the office? */
static bool op_reassign_in_office(struct op_reassign_scope *scope, uint64_t id)
{
    struct arena scratch;
    arena_init(&scratch, 0);
    Folio__User *user;
    int rc = store_user_get(&scope->req->server->store, scope->txn, id, &scratch, &user);
    bool in = rc == 0 && user->office_id == scope->office_id;
    if (rc != 0 && rc != MDB_NOTFOUND)
        scope->error = rc;
    arena_free(&scratch);
    return in;
}

static bool op_reassign_visible(void *ctx, const Folio__Reassignment *r)
{
    struct op_reassign_scope *scope = ctx;
    if (scope->office_id == 0)
        return true;
    return op_reassign_in_office(scope, r->from_id) && op_reassign_in_office(scope, r->to_id);
}

/* The agent's name, or "#ID" for one no longer stored. */
static char *op_reassign_agent_name(struct request *req, MDB_txn *txn, uint64_t id, int *rc)
{
    Folio__User *user;
    *rc = store_user_get(&req->server->store, txn, id, &req->arena, &user);
    if (*rc == 0)
        return user->name;
    if (*rc != MDB_NOTFOUND)
        return NULL;
    *rc = 0;
    char *name = arena_printf(&req->arena, "#%" PRIu64, id);
    if (name == NULL)
        *rc = ENOMEM;
    return name;
}

/* The record as an admin reads it, without its clients. */
static int op_reassign_info(struct request *req, MDB_txn *txn, const Folio__Reassignment *r,
                            Folio__ReassignmentInfo **out)
{
    Folio__ReassignmentInfo *info = request_alloc(req, sizeof(*info));
    if (info == NULL)
        return request_oom(req);
    folio__reassignment_info__init(info);
    int rc;
    info->id = r->id;
    info->created_at = r->created_at;
    info->undone_at = r->undone_at;
    info->count = r->n_clients;
    if ((info->by = arena_strdup(&req->arena, r->by)) == NULL)
        return request_oom(req);
    if ((info->from = op_reassign_agent_name(req, txn, r->from_id, &rc)) == NULL ||
        (info->to = op_reassign_agent_name(req, txn, r->to_id, &rc)) == NULL)
        return rc == ENOMEM ? request_oom(req) : request_store_error(req, rc, "read an agent");
    *out = info;
    return 0;
}

int op_reassign_list_read(struct request *req, MDB_txn *txn)
{
    const Folio__ReassignList *ask = req->msg->reassign_list;
    struct op_reassign_scope scope = {
        .req = req, .txn = txn, .office_id = access_office_scope(req)};
    /* The records are read into their own arena: one may name many clients. */
    struct arena big;
    arena_init(&big, 0);
    Folio__Reassignment **records;
    size_t n;
    Folio__Reassignments *list = request_alloc(req, sizeof(*list));
    if (list == NULL) {
        arena_free(&big);
        return request_oom(req);
    }
    folio__reassignments__init(list);
    int rc =
        store_reassign_list(&req->server->store, txn, ask->before, request_page_size(ask->limit),
                            op_reassign_visible, &scope, &big, &records, &n, &list->next);
    if (rc == 0)
        rc = scope.error;
    if (rc != 0) {
        arena_free(&big);
        return request_store_error(req, rc, "read the reassignments");
    }
    list->reassignments = request_alloc(req, (n > 0 ? n : 1) * sizeof(*list->reassignments));
    if (list->reassignments == NULL)
        rc = request_oom(req);
    for (size_t i = 0; rc == 0 && i < n; i++)
        if ((rc = op_reassign_info(req, txn, records[i], &list->reassignments[i])) == 0)
            list->n_reassignments++;
    arena_free(&big);
    if (rc != 0)
        return rc;
    req->response.result_case = FOLIO__RESPONSE__RESULT_REASSIGNMENTS;
    req->response.reassignments = list;
    return 0;
}

/* Names the first OP_REASSIGN_SHOW_NAMES clients of r in info. */
static int op_reassign_show_clients(struct request *req, MDB_txn *txn, const Folio__Reassignment *r,
                                    Folio__ReassignmentInfo *info)
{
    size_t n = r->n_clients < OP_REASSIGN_SHOW_NAMES ? r->n_clients : OP_REASSIGN_SHOW_NAMES;
    info->clients = request_alloc(req, (n > 0 ? n : 1) * sizeof(*info->clients));
    if (info->clients == NULL)
        return request_oom(req);
    for (size_t i = 0; i < n; i++) {
        const Folio__ReassignedClient *moved = r->clients[i];
        Folio__ReassignedClient *c = request_alloc(req, sizeof(*c));
        if (c == NULL)
            return request_oom(req);
        folio__reassigned_client__init(c);
        c->version = moved->version;
        c->undone_at = moved->undone_at;
        if ((c->id = arena_strdup(&req->arena, moved->id)) == NULL)
            return request_oom(req);
        /* An erased client keeps its place with its name empty. */
        uint8_t id[STORE_CLIENT_ID_BYTES];
        struct arena scratch;
        arena_init(&scratch, 0);
        Folio__Client *client;
        int rc = client_id_parse(moved->id, id) == 0
                     ? store_client_get(&req->server->store, txn, id, &scratch, &client)
                     : MDB_NOTFOUND;
        if (rc == 0 && (c->name = arena_strdup(&req->arena, client->name)) == NULL)
            rc = ENOMEM;
        arena_free(&scratch);
        if (rc == ENOMEM)
            return request_oom(req);
        if (rc != 0 && rc != MDB_NOTFOUND)
            return request_store_error(req, rc, "read a client");
        info->clients[info->n_clients++] = c;
    }
    return 0;
}

int op_reassign_show_read(struct request *req, MDB_txn *txn)
{
    uint64_t id = req->msg->reassign_show->id;
    struct op_reassign_scope scope = {
        .req = req, .txn = txn, .office_id = access_office_scope(req)};
    struct arena big;
    arena_init(&big, 0);
    Folio__Reassignment *r;
    Folio__ReassignmentInfo *info = NULL;
    int rc = store_reassign_get(&req->server->store, txn, id, &big, &r);
    if (rc == 0 && !op_reassign_visible(&scope, r))
        rc = scope.error != 0 ? scope.error : MDB_NOTFOUND;
    if (rc == MDB_NOTFOUND)
        rc = request_fail(req, FOLIO__CODE__NOT_FOUND, "no reassignment %" PRIu64, id);
    else if (rc != 0)
        rc = request_store_error(req, rc, "read the reassignment");
    else if ((rc = op_reassign_info(req, txn, r, &info)) == 0)
        rc = op_reassign_show_clients(req, txn, r, info);
    arena_free(&big);
    if (rc != 0)
        return rc;
    req->response.result_case = FOLIO__RESPONSE__RESULT_REASSIGNMENT;
    req->response.reassignment = info;
    return 0;
}
