/* op_reassign.c - moving clients between agents of the firm, undoing such a
 * move, and subscribing a connection to notices.
 *
 * Reassign and ReassignUndo are for admins with both agents in their scope
 * (a firm-admin every agent, an office-admin the agents of its office). A
 * chosen client that is not the source agent's is answered exactly like one
 * that does not exist, so nobody learns another agent's ids. The read stage
 * answers a dry run; the write stage checks everything again inside its own
 * transaction, since anything may have changed in between. The finish stage
 * tells both agents, best-effort (notice.h).
 *
 * An undo moves back clients that did not change since the move: the
 * record keeps, per client, the version and the last timeline entry the
 * move left, and the client's owner, version and timeline now are compared
 * with them. Undoing every client refuses if any changed; undoing chosen
 * clients moves back those that did not and names the others. The record
 * marks each client moved back, and itself undone once none is left. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "access.h"
#include "audit.h"
#include "calendar.h"
#include "client_record.h"
#include "client_summary.h"
#include "connection.h"
#include "notice.h"
#include "op.h"
#include "server.h"
#include "store_client.h"
#include "store_portfolio.h"
#include "store_reassign.h"
#include "store_user.h"
#include "log.h"

#define OP_WATCH_KEEPALIVE_S    60 /* seconds of silence before TCP probes a watcher */
#define OP_REASSIGN_MAX         100000u
#define OP_REASSIGN_REPLY_NAMES 1000u /* clients named in a reply; count says all */
#define OP_REASSIGN_NAME_SHOWN  64    /* of a name or id echoed in a message */

/* What the finish stage tells whom, set once the write succeeded. */
struct op_reassign_done {
    uint64_t id;
    uint64_t to_id, from_id; /* who gained the clients, who lost them */
    uint64_t count;
};

/* The agent called name, or NOT_FOUND "no agent NAME". */
static int op_reassign_agent(struct request *req, MDB_txn *txn, const char *name, Folio__User **out)
{
    int rc = store_user_find(&req->server->store, txn, name, &req->arena, out);
    if (rc == 0 && (*out)->role != FOLIO__ROLE__ROLE_AGENT)
        rc = MDB_NOTFOUND;
    if (rc == MDB_NOTFOUND)
        return request_fail(req, FOLIO__CODE__NOT_FOUND, "no agent %.*s", OP_REASSIGN_NAME_SHOWN,
                            name);
    return rc != 0 ? request_store_error(req, rc, "read the agent") : 0;
}

/* Checks the actor, both agents and the scope. */
static int op_reassign_agents(struct request *req, MDB_txn *txn, Folio__User **from,
                              Folio__User **to)
{
    const Folio__Reassign *ask = req->msg->reassign;
    int rc;
    if ((rc = op_reassign_agent(req, txn, ask->from, from)) != 0 ||
        (rc = op_reassign_agent(req, txn, ask->to, to)) != 0 ||
        (rc = access_portfolio(req, *from)) != 0 || (rc = access_portfolio(req, *to)) != 0)
        return rc;
    if ((*from)->id == (*to)->id)
        return request_fail(req, FOLIO__CODE__INVALID_ARGUMENT,
                            "to: the same agent as from; nothing to move");
    return 0;
}

/* The ids of the clients a Reassign moves, sorted, each once (malloc'd). */
struct op_reassign_ids {
    uint8_t (*ids)[STORE_CLIENT_ID_BYTES];
    size_t count;
};

static int op_reassign_id_cmp(const void *a, const void *b)
{
    return memcmp(a, b, STORE_CLIENT_ID_BYTES);
}

/* Only the ids are needed, so the walk reads the index's summaries rather
 * than unpacking every record: a dry run of a big portfolio runs on the loop
 * thread. */
static int op_reassign_collect(void *ctx, const uint8_t id[STORE_CLIENT_ID_BYTES],
                               const struct client_summary *client)
{
    (void)client;
    struct op_reassign_ids *list = ctx;
    if (list->count == OP_REASSIGN_MAX)
        return -1;
    memcpy(list->ids[list->count++], id, STORE_CLIENT_ID_BYTES);
    return 0;
}

/* Fills list with the clients to move: every client of from, or the chosen
 * ones, each of which must be from's. */
static int op_reassign_plan(struct request *req, MDB_txn *txn, const Folio__User *from,
                            struct op_reassign_ids *list)
{
    const Folio__Reassign *ask = req->msg->reassign;
    struct store *store = &req->server->store;
    list->count = 0;
    if (ask->n_client_ids > OP_REASSIGN_MAX)
        return request_fail(req, FOLIO__CODE__INVALID_ARGUMENT,
                            "client_ids: at most %u clients in one reassignment", OP_REASSIGN_MAX);
    size_t cap = ask->n_client_ids > 0 ? ask->n_client_ids : OP_REASSIGN_MAX;
    list->ids = malloc(cap * sizeof(*list->ids));
    if (list->ids == NULL)
        return request_oom(req);
    if (ask->n_client_ids == 0) {
        int rc = store_client_summaries(store, txn, from->id, op_reassign_collect, list);
        if (rc == -1)
            return request_fail(req, FOLIO__CODE__INVALID_ARGUMENT,
                                "%s has more than %u clients: reassign them in parts (--client)",
                                from->name, OP_REASSIGN_MAX);
        return rc != 0 ? request_store_error(req, rc, "read the portfolio") : 0;
    }
    for (size_t i = 0; i < ask->n_client_ids; i++) {
        const char *text = ask->client_ids[i];
        if (client_id_parse(text, list->ids[list->count]) != 0)
            return request_fail(req, FOLIO__CODE__NOT_FOUND, "no client %.*s",
                                OP_REASSIGN_NAME_SHOWN, text);
        list->count++;
    }
    qsort(list->ids, list->count, sizeof(*list->ids), op_reassign_id_cmp);
    size_t n = 0;
    for (size_t i = 0; i < list->count; i++)
        if (n == 0 || memcmp(list->ids[n - 1], list->ids[i], STORE_CLIENT_ID_BYTES) != 0)
            memmove(list->ids[n++], list->ids[i], STORE_CLIENT_ID_BYTES);
    list->count = n;
    for (size_t i = 0; i < list->count; i++) {
        struct arena a;
        arena_init(&a, 0);
        Folio__Client *c;
        int rc = store_client_get(store, txn, list->ids[i], &a, &c);
        uint64_t owner = rc == 0 ? c->owner_id : 0;
        arena_free(&a);
        if (rc != 0 && rc != MDB_NOTFOUND)
            return request_store_error(req, rc, "read a client");
        if (owner != from->id || owner == 0) {
            char id[CLIENT_ID_TEXT + 1];
            client_id_format(list->ids[i], id);
            return request_fail(req, FOLIO__CODE__NOT_FOUND, "no client %s", id);
        }
    }
    return 0;
}

static Folio__ReassignResult *op_reassign_result(struct request *req, uint64_t id, const char *from,
                                                 const char *to, size_t count)
{
    Folio__ReassignResult *res = request_alloc(req, sizeof(*res));
    size_t named = count < OP_REASSIGN_REPLY_NAMES ? count : OP_REASSIGN_REPLY_NAMES;
    Folio__ReassignedClient **clients =
        named > 0 ? arena_calloc(&req->arena, named, sizeof(*clients)) : NULL;
    if (res == NULL || (named > 0 && clients == NULL))
        return NULL;
    folio__reassign_result__init(res);
    res->id = id;
    res->from = (char *)from;
    res->to = (char *)to;
    res->count = count;
    res->clients = clients;
    req->response.result_case = FOLIO__RESPONSE__RESULT_REASSIGN;
    req->response.reassign = res;
    return res;
}

/* Adds one named client to the reply while there is room for names. */
static int op_reassign_name(struct request *req, Folio__ReassignResult *res, const char *id,
                            uint64_t version, const char *name)
{
    if (res->n_clients == OP_REASSIGN_REPLY_NAMES)
        return 0;
    Folio__ReassignedClient *c = request_alloc(req, sizeof(*c));
    if (c == NULL || (id = arena_strdup(&req->arena, id)) == NULL ||
        (name = arena_strdup(&req->arena, name)) == NULL)
        return request_oom(req);
    folio__reassigned_client__init(c);
    c->id = (char *)id;
    c->version = version;
    c->name = (char *)name;
    res->clients[res->n_clients++] = c;
    return 0;
}

/* The dry run: the count and the names, nothing written. */
static int op_reassign_preview(struct request *req, MDB_txn *txn, const Folio__User *from,
                               const Folio__User *to, const struct op_reassign_ids *list)
{
    Folio__ReassignResult *res = op_reassign_result(req, 0, from->name, to->name, list->count);
    if (res == NULL)
        return request_oom(req);
    res->dry_run = true;
    for (size_t i = 0; i < list->count && res->n_clients < OP_REASSIGN_REPLY_NAMES; i++) {
        struct arena scratch;
        arena_init(&scratch, 0);
        Folio__Client *c;
        int rc = store_client_get(&req->server->store, txn, list->ids[i], &scratch, &c);
        if (rc == 0)
            rc = op_reassign_name(req, res, c->id, c->version, c->name);
        else
            rc = request_store_error(req, rc, "read a client");
        arena_free(&scratch);
        if (rc != 0)
            return rc;
    }
    return 0;
}

int op_reassign_read(struct request *req, MDB_txn *txn)
{
    Folio__User *from, *to;
    int rc = op_reassign_agents(req, txn, &from, &to);
    if (rc != 0 || !req->msg->reassign->dry_run)
        return rc;
    struct op_reassign_ids list = {0};
    rc = op_reassign_plan(req, txn, from, &list);
    if (rc == 0)
        rc = op_reassign_preview(req, txn, from, to, &list);
    free(list.ids);
    req->skip_write = true;
    return rc;
}

/* Moves one stored client to to_id with a version bump and a "reassigned"
 * event; *version gets its new version. */
static int op_reassign_move(struct request *req, MDB_txn *txn, Folio__Client *client,
                            uint64_t to_id, const char *what, uint64_t *version)
{
    struct store *store = &req->server->store;
    uint8_t id[STORE_CLIENT_ID_BYTES];
    if (client_id_parse(client->id, id) != 0)
        return EINVAL;
    char today[CALENDAR_DATE_TEXT + 1];
    int rc = request_today(req, txn, today);
    if (rc != 0)
        return rc;
    client->version++;
    client->updated_at = req->now;
    Folio__TimelineEvent ev = FOLIO__TIMELINE_EVENT__INIT;
    ev.time = req->now;
    ev.actor = (char *)req->actor.name;
    ev.kind = (char *)"reassigned";
    ev.what = (char *)what;
    ev.date = today;
    rc = store_portfolio_move(store, txn, client, to_id);
    if (rc == 0)
        rc = store_timeline_append(store, txn, id, &ev);
    *version = client->version;
    return rc;
}

/* The moved clients of a Reassignment record, in memory of its own: a
 * reassignment may hold far more than a request's arena allows. */
struct op_reassign_record {
    Folio__ReassignedClient *clients;
    Folio__ReassignedClient **ptrs;
    char (*ids)[CLIENT_ID_TEXT + 1];
};

static void op_reassign_record_free(struct op_reassign_record *r)
{
    free(r->clients);
    free(r->ptrs);
    free(r->ids);
}

static int op_reassign_done(struct request *req, uint64_t id, uint64_t to_id, uint64_t from_id,
                            uint64_t count)
{
    struct op_reassign_done *done = request_alloc(req, sizeof(*done));
    if (done == NULL)
        return request_oom(req);
    *done = (struct op_reassign_done){.id = id, .to_id = to_id, .from_id = from_id, .count = count};
    req->scratch = done;
    return 0;
}

static int op_reassign_apply(struct request *req, MDB_txn *txn, const Folio__User *from,
                             const Folio__User *to, const struct op_reassign_ids *list,
                             struct op_reassign_record *r)
{
    struct store *store = &req->server->store;
    size_t n = list->count;
    r->clients = calloc(n > 0 ? n : 1, sizeof(*r->clients));
    r->ptrs = calloc(n > 0 ? n : 1, sizeof(*r->ptrs));
    r->ids = calloc(n > 0 ? n : 1, sizeof(*r->ids));
    const char *what = arena_printf(&req->arena, "from %s to %s", from->name, to->name);
    Folio__ReassignResult *res = op_reassign_result(req, 0, from->name, to->name, n);
    if (r->clients == NULL || r->ptrs == NULL || r->ids == NULL || what == NULL || res == NULL)
        return request_oom(req);
    for (size_t i = 0; i < n; i++) {
        struct arena scratch;
        arena_init(&scratch, 0);
        Folio__Client *c;
        uint64_t version = 0;
        int rc = store_client_get(store, txn, list->ids[i], &scratch, &c);
        if (rc == 0)
            rc = op_reassign_move(req, txn, c, to->id, what, &version);
        if (rc == 0) {
            folio__reassigned_client__init(&r->clients[i]);
            client_id_format(list->ids[i], r->ids[i]);
            r->clients[i].id = r->ids[i];
            r->clients[i].version = version;
            r->ptrs[i] = &r->clients[i];
            rc = op_reassign_name(req, res, c->id, version, c->name);
        } else {
            rc = request_store_error(req, rc, "reassign a client");
        }
        arena_free(&scratch);
        if (rc != 0)
            return rc;
    }
    /* Once all have moved: a link to a client left behind is dropped, which
     * changes the version an undo checks. */
    for (size_t i = 0; i < n; i++) {
        int rc = op_household_settle(req, txn, list->ids[i], &r->clients[i].version);
        if (rc != 0)
            return rc == ENOMEM ? request_oom(req)
                                : request_store_error(req, rc, "reassign a client");
        if (i < res->n_clients)
            res->clients[i]->version = r->clients[i].version;
    }
    /* Where each timeline ends once every note of the move is on it: an
     * entry past it is work done since. */
    for (size_t i = 0; i < n; i++) {
        uint64_t next;
        int rc = store_timeline_next_seq(store, txn, list->ids[i], &next);
        if (rc != 0)
            return request_store_error(req, rc, "reassign a client");
        r->clients[i].timeline_seq = next - 1;
    }
    Folio__Reassignment rec = FOLIO__REASSIGNMENT__INIT;
    rec.from_id = from->id;
    rec.to_id = to->id;
    rec.n_clients = n;
    rec.clients = r->ptrs;
    rec.created_at = req->now;
    rec.by = (char *)req->actor.name;
    int rc = store_reassign_put(store, txn, &rec);
    if (rc != 0)
        return request_store_error(req, rc, "record the reassignment");
    res->id = rec.id;
    char *target = arena_printf(&req->arena, "%llu", (unsigned long long)rec.id);
    char *detail = arena_printf(&req->arena, "%zu clients from %s to %s", n, from->name, to->name);
    if (target == NULL || detail == NULL)
        return request_oom(req);
    if ((rc = audit_append(req, txn, "client.reassign", target, detail)) != 0)
        return request_store_error(req, rc, "record the reassignment");
    return op_reassign_done(req, rec.id, to->id, from->id, n);
}

int op_reassign_write(struct request *req, MDB_txn *txn)
{
    req->scratch = NULL;
    Folio__User *from, *to;
    int rc = op_reassign_agents(req, txn, &from, &to);
    if (rc != 0)
        return rc;
    struct op_reassign_ids list = {0};
    struct op_reassign_record record = {0};
    rc = op_reassign_plan(req, txn, from, &list);
    if (rc == 0)
        rc = op_reassign_apply(req, txn, from, to, &list, &record);
    op_reassign_record_free(&record);
    free(list.ids);
    return rc;
}

/* Reads the agent with id for an undo; a user that is gone or no longer
 * an agent makes the undo impossible. */
static int op_reassign_undo_agent(struct request *req, MDB_txn *txn, uint64_t id, Folio__User **out)
{
    int rc = store_user_get(&req->server->store, txn, id, &req->arena, out);
    if (rc == MDB_NOTFOUND || (rc == 0 && (*out)->role != FOLIO__ROLE__ROLE_AGENT))
        return request_fail(req, FOLIO__CODE__FAILED_PRECONDITION,
                            "an agent of the reassignment is no longer an agent");
    return rc != 0 ? request_store_error(req, rc, "read the agent") : 0;
}

/* Why a client of the reassignment may not move back (NULL: it may), and
 * the stored client in *out when it is there. Changed means changed by
 * anyone since the move, as the store records it: another owner, a new
 * version (an edit, a contact, a household link, an income), or entries on
 * its timeline past the move's (events, offers, coupons, holdings, notes).
 * Tasks and agenda marks about the client go with it, as on any move. */
static int op_reassign_changed(struct request *req, MDB_txn *txn, const Folio__Reassignment *rec,
                               const Folio__ReassignedClient *moved, const char *to,
                               struct arena *scratch, Folio__Client **out, const char **why)
{
    struct store *store = &req->server->store;
    uint8_t id[STORE_CLIENT_ID_BYTES];
    *out = NULL;
    *why = NULL;
    if (moved->undone_at != 0) {
        *why = "already moved back";
        return 0;
    }
    int rc = client_id_parse(moved->id, id) == 0 ? store_client_get(store, txn, id, scratch, out)
                                                 : MDB_NOTFOUND;
    if (rc == MDB_NOTFOUND) {
        *why = "erased since";
        return 0;
    }
    if (rc != 0)
        return request_store_error(req, rc, "read a client");
    uint64_t next = 0;
    if (moved->timeline_seq != 0 && (rc = store_timeline_next_seq(store, txn, id, &next)) != 0)
        return request_store_error(req, rc, "read a client's timeline");
    bool elsewhere = (*out)->owner_id != rec->to_id;
    bool entries = moved->timeline_seq != 0 && next - 1 > moved->timeline_seq;
    if (elsewhere)
        *why = arena_printf(&req->arena, "no longer %s's client", to);
    else if ((*out)->version != moved->version)
        *why = "its record changed since";
    else if (entries)
        *why = arena_printf(&req->arena, "%llu timeline %s since",
                            (unsigned long long)(next - 1 - moved->timeline_seq),
                            next - 1 - moved->timeline_seq == 1 ? "entry" : "entries");
    return *why == NULL && (elsewhere || entries) ? request_oom(req) : 0;
}

/* Moves the stored client c of the reassignment back to its agent, naming
 * it in the reply, and marks it moved back in the record. */
static int op_reassign_back(struct request *req, MDB_txn *txn, Folio__Reassignment *rec,
                            Folio__ReassignedClient *moved, Folio__Client *c, const char *what,
                            Folio__ReassignResult *res)
{
    uint64_t version;
    int rc = op_reassign_move(req, txn, c, rec->from_id, what, &version);
    if (rc != 0)
        return request_store_error(req, rc, "move a client back");
    moved->undone_at = req->now;
    res->count++;
    return op_reassign_name(req, res, c->id, version, c->name);
}

/* Once all have moved back: a link to a client left behind is dropped.
 * The clients this request moved are those marked now (settling one moved
 * back earlier in the same second again changes nothing). */
static int op_reassign_undo_settle(struct request *req, MDB_txn *txn, Folio__Reassignment *rec)
{
    for (size_t i = 0; i < rec->n_clients; i++) {
        uint8_t id[STORE_CLIENT_ID_BYTES];
        if (rec->clients[i]->undone_at != req->now || client_id_parse(rec->clients[i]->id, id) != 0)
            continue;
        int rc = op_household_settle(req, txn, id, NULL);
        if (rc != 0)
            return rc == ENOMEM ? request_oom(req)
                                : request_store_error(req, rc, "move a client back");
    }
    return 0;
}

/* Stores the record (undone once no client is left to move back), audits
 * the undo and says whom to tell. */
static int op_reassign_undo_record(struct request *req, MDB_txn *txn, Folio__Reassignment *rec,
                                   const Folio__User *from, const Folio__User *to,
                                   const Folio__ReassignResult *res, const char *left)
{
    bool all = true;
    for (size_t i = 0; i < rec->n_clients; i++)
        all = all && rec->clients[i]->undone_at != 0;
    if (all)
        rec->undone_at = req->now;
    int rc = store_reassign_put(&req->server->store, txn, rec);
    if (rc != 0)
        return request_store_error(req, rc, "record the undo");
    char *target = arena_printf(&req->arena, "%llu", (unsigned long long)rec->id);
    char *detail = arena_printf(&req->arena, "%llu clients from %s back to %s%s",
                                (unsigned long long)res->count, to->name, from->name, left);
    if (target == NULL || detail == NULL)
        return request_oom(req);
    if ((rc = audit_append(req, txn, "client.reassign.undo", target, detail)) != 0)
        return request_store_error(req, rc, "record the undo");
    return op_reassign_done(req, rec->id, rec->from_id, rec->to_id, res->count);
}

/* Marks in chosen the clients of rec that ask's client_ids name (whole ids
 * or unique starts of one, among the reassignment's clients). */
static int op_reassign_undo_pick(struct request *req, const Folio__Reassignment *rec, bool *chosen)
{
    const Folio__ReassignUndo *ask = req->msg->reassign_undo;
    /* Each is named in the answer, moved back or kept. */
    if (ask->n_client_ids > OP_REASSIGN_REPLY_NAMES)
        return request_fail(req, FOLIO__CODE__INVALID_ARGUMENT,
                            "client: at most %u clients in one undo", OP_REASSIGN_REPLY_NAMES);
    for (size_t i = 0; i < ask->n_client_ids; i++) {
        const char *text = ask->client_ids[i];
        uint8_t prefix[STORE_CLIENT_ID_BYTES];
        size_t nibbles, found = 0, at = 0;
        if (client_id_prefix_parse(text, prefix, &nibbles) != 0)
            return request_fail(req, FOLIO__CODE__INVALID_ARGUMENT,
                                "client: %.*s is not a client id nor the start of one (at least "
                                "%d hex digits)",
                                OP_REASSIGN_NAME_SHOWN, text, CLIENT_ID_PREFIX_MIN);
        for (size_t j = 0; j < rec->n_clients; j++) {
            uint8_t id[STORE_CLIENT_ID_BYTES];
            if (client_id_parse(rec->clients[j]->id, id) == 0 &&
                client_id_has_prefix(id, prefix, nibbles)) {
                found++;
                at = j;
            }
        }
        if (found == 0)
            return request_fail(req, FOLIO__CODE__NOT_FOUND, "no client %.*s in reassignment %llu",
                                OP_REASSIGN_NAME_SHOWN, text, (unsigned long long)rec->id);
        if (found > 1)
            return request_fail(req, FOLIO__CODE__INVALID_ARGUMENT,
                                "client: %.*s starts the ids of %zu clients of reassignment "
                                "%llu: give more of the id",
                                OP_REASSIGN_NAME_SHOWN, text, found, (unsigned long long)rec->id);
        chosen[at] = true;
    }
    return 0;
}

/* Names a client left where it is in the reply's kept, and in left, the
 * audit's words ("; left, changed since: ID, ID"), the first
 * OP_REASSIGN_AUDIT_LEFT of them. */
#define OP_REASSIGN_AUDIT_LEFT 20
static int op_reassign_keep(struct request *req, Folio__ReassignResult *res,
                            const Folio__ReassignedClient *moved, const Folio__Client *c,
                            const char *why, char **left)
{
    if (res->n_kept < OP_REASSIGN_AUDIT_LEFT) {
        *left = arena_printf(&req->arena, "%s%s%s", *left,
                             res->n_kept == 0 ? "; left where they are, changed since: " : ", ",
                             moved->id);
        if (*left == NULL)
            return request_oom(req);
    }
    Folio__ReassignedClient *k = request_alloc(req, sizeof(*k));
    if (k == NULL)
        return request_oom(req);
    folio__reassigned_client__init(k);
    k->id = arena_strdup(&req->arena, moved->id);
    k->name = arena_strdup(&req->arena, c != NULL ? c->name : "");
    k->changed = arena_strdup(&req->arena, why);
    k->version = c != NULL ? c->version : 0;
    if (k->id == NULL || k->name == NULL || k->changed == NULL)
        return request_oom(req);
    res->kept[res->n_kept++] = k;
    return 0;
}

/* chosen NULL: every client not moved back yet, or none if any of them
 * changed. Else the chosen clients that did not change move back and the
 * others are named in the reply's kept and stay; nothing moving back is an
 * answer, not a refusal, and writes nothing. */
static int op_reassign_undo_run(struct request *req, MDB_txn *txn, Folio__Reassignment *rec,
                                const Folio__User *from, const Folio__User *to, const bool *chosen)
{
    size_t n = chosen != NULL ? req->msg->reassign_undo->n_client_ids : rec->n_clients;
    const char *what = arena_printf(&req->arena, "from %s to %s", to->name, from->name);
    Folio__ReassignResult *res = op_reassign_result(req, rec->id, to->name, from->name, n);
    char *left = arena_strdup(&req->arena, "");
    if (what == NULL || res == NULL || left == NULL ||
        (chosen != NULL && (res->kept = arena_calloc(&req->arena, n, sizeof(*res->kept))) == NULL))
        return request_oom(req);
    res->count = 0; /* counted as they move */
    for (size_t i = 0; i < rec->n_clients; i++) {
        Folio__ReassignedClient *moved = rec->clients[i];
        if (chosen != NULL ? !chosen[i] : moved->undone_at != 0)
            continue;
        struct arena scratch;
        arena_init(&scratch, 0);
        Folio__Client *c;
        const char *why;
        int rc = op_reassign_changed(req, txn, rec, moved, to->name, &scratch, &c, &why);
        if (rc == 0 && why != NULL && chosen == NULL)
            rc = request_fail(req, FOLIO__CODE__FAILED_PRECONDITION,
                              "client %.*s changed since the reassignment (%s); nothing was moved "
                              "back: --client moves back those that did not change",
                              CLIENT_ID_TEXT, moved->id, why);
        else if (rc == 0 && why != NULL)
            rc = op_reassign_keep(req, res, moved, c, why, &left);
        else if (rc == 0)
            rc = op_reassign_back(req, txn, rec, moved, c, what, res);
        arena_free(&scratch);
        if (rc != 0)
            return rc;
    }
    if (chosen != NULL && res->count == 0)
        return WRITER_ROLLBACK;
    int rc = op_reassign_undo_settle(req, txn, rec);
    return rc != 0 ? rc : op_reassign_undo_record(req, txn, rec, from, to, res, left);
}

/* An undo of some of the clients, or of all of them. */
static int op_reassign_undo_apply(struct request *req, MDB_txn *txn, Folio__Reassignment *rec,
                                  const Folio__User *from, const Folio__User *to)
{
    if (req->msg->reassign_undo->n_client_ids == 0)
        return op_reassign_undo_run(req, txn, rec, from, to, NULL);
    bool *chosen = calloc(rec->n_clients > 0 ? rec->n_clients : 1, sizeof(*chosen));
    if (chosen == NULL)
        return request_oom(req);
    int rc = op_reassign_undo_pick(req, rec, chosen);
    if (rc == 0)
        rc = op_reassign_undo_run(req, txn, rec, from, to, chosen);
    free(chosen);
    return rc;
}

int op_reassign_undo_write(struct request *req, MDB_txn *txn)
{
    req->scratch = NULL;
    uint64_t id = req->msg->reassign_undo->id;
    /* A record may list up to OP_REASSIGN_MAX clients: more than the
     * request's arena holds. */
    struct arena big;
    arena_init(&big, 0);
    Folio__Reassignment *rec;
    Folio__User *from, *to;
    int rc = store_reassign_get(&req->server->store, txn, id, &big, &rec);
    if (rc == MDB_NOTFOUND)
        rc = request_fail(req, FOLIO__CODE__NOT_FOUND, "no reassignment %llu",
                          (unsigned long long)id);
    else if (rc != 0)
        rc = request_store_error(req, rc, "read the reassignment");
    else if ((rc = op_reassign_undo_agent(req, txn, rec->from_id, &from)) == 0 &&
             (rc = op_reassign_undo_agent(req, txn, rec->to_id, &to)) == 0 &&
             (rc = access_portfolio(req, from)) == 0 && (rc = access_portfolio(req, to)) == 0) {
        if (rec->undone_at != 0)
            rc = request_fail(req, FOLIO__CODE__FAILED_PRECONDITION,
                              "reassignment %llu was already undone", (unsigned long long)id);
        else
            rc = op_reassign_undo_apply(req, txn, rec, from, to);
    }
    arena_free(&big);
    return rc;
}

static void op_reassign_notice(struct server *s, uint64_t user_id, const char *kind,
                               const char *direction, const struct op_reassign_done *done)
{
    char message[96], ref[24];
    snprintf(message, sizeof(message), "%llu clients reassigned %s you",
             (unsigned long long)done->count, direction);
    snprintf(ref, sizeof(ref), "%llu", (unsigned long long)done->id);
    Folio__Notice n = FOLIO__NOTICE__INIT;
    n.kind = (char *)kind;
    n.message = message;
    n.count = done->count;
    n.ref = ref;
    notice_send(s, user_id, &n);
}

void op_reassign_finish(struct request *req)
{
    const struct op_reassign_done *done = req->scratch;
    if (!request_ok(req) || done == NULL || done->count == 0)
        return;
    op_reassign_notice(req->server, done->to_id, "reassigned_to", "to", done);
    op_reassign_notice(req->server, done->from_id, "reassigned_from", "from", done);
}

/* A watcher is quiet by nature, so the idle timeout spares it; TCP
 * keepalive finds the peers that went away without closing. */
int op_watch_read(struct request *req, MDB_txn *txn)
{
    (void)txn;
    req->conn->watching = true;
    if (uv_tcp_keepalive(&req->conn->tcp, 1, OP_WATCH_KEEPALIVE_S) != 0)
        log_warn("connection %s: cannot turn on TCP keepalive for watch", req->conn->peer);
    return request_reply_empty(req);
}
