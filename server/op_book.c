/* op_book.c - `folio book`: the book of business of an agent, an office or
 * the firm (book.h adds it up).
 *
 * An agent reads its own book; an office-admin its office's, or one of its
 * agents'; a firm-admin any, the firm's included. It walks whole
 * portfolios, so it runs in the heavy-read lane; an admin's read is audited
 * in the write stage before the answer goes out, as a firm-wide search is. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "access.h"
#include "audit.h"
#include "book.h"
#include "calendar.h"
#include "op.h"
#include "server.h"
#include "store_client.h"
#include "store_holding.h"
#include "store_office.h"
#include "store_user.h"
#include "validate.h"

#define BOOK_USERS_PAGE 200

static int book_client(void *ctx, const uint8_t id[16], const struct client_summary *summary)
{
    (void)id;
    book_add_client(ctx, summary);
    return 0;
}

static int book_holding(void *ctx, const Folio__Holding *holding)
{
    return book_add_holding(ctx, holding);
}

static int book_agent(void *ctx, struct request *req, MDB_txn *txn, uint64_t agent_id)
{
    struct book *b = ctx;
    struct store *s = &req->server->store;
    b->agents++;
    int rc = store_client_summaries(s, txn, agent_id, book_client, b);
    return rc != 0 ? rc : store_holding_each(s, txn, agent_id, NULL, 0, book_holding, b);
}

/* Every agent of office_id (0: of the firm). */
static int book_agents(struct request *req, MDB_txn *txn, uint64_t office_id, op_book_agent_fn fn,
                       void *ctx)
{
    struct store *s = &req->server->store;
    char *after = NULL;
    do {
        Folio__User **users;
        size_t n;
        char *next = NULL;
        int rc = store_user_list(s, txn, after, office_id, BOOK_USERS_PAGE, &req->arena, &users, &n,
                                 &next);
        for (size_t i = 0; rc == 0 && i < n; i++)
            if (users[i]->role == FOLIO__ROLE__ROLE_AGENT)
                rc = fn(ctx, req, txn, users[i]->id);
        if (rc != 0)
            return rc;
        after = next;
    } while (after != NULL);
    return 0;
}

int op_book_scope(struct request *req, MDB_txn *txn, const char *agent, const char *office,
                  bool firm, op_book_agent_fn fn, void *ctx, char *scope, size_t cap)
{
    struct store *s = &req->server->store;
    int asked = (agent[0] != '\0') + (office[0] != '\0') + firm;
    if (asked > 1)
        return request_fail(req, FOLIO__CODE__INVALID_ARGUMENT,
                            "agent: one of agent, office and firm");
    int rc;
    if (firm) {
        if (req->actor.role != FOLIO__ROLE__ROLE_FIRM_ADMIN)
            return request_fail(req, FOLIO__CODE__PERMISSION_DENIED,
                                "the firm's book is a firm-admin's");
        snprintf(scope, cap, "firm");
        rc = book_agents(req, txn, 0, fn, ctx);
    } else if (office[0] != '\0') {
        if (req->actor.role == FOLIO__ROLE__ROLE_AGENT)
            return request_fail(req, FOLIO__CODE__PERMISSION_DENIED,
                                "an office's book is its admins'");
        Folio__Office *found;
        rc = store_office_find(s, txn, office, &req->arena, &found);
        if (rc == MDB_NOTFOUND)
            return request_fail(req, FOLIO__CODE__NOT_FOUND, "no office %s", office);
        if (rc != 0)
            return request_store_error(req, rc, "read the office");
        if (req->actor.role == FOLIO__ROLE__ROLE_OFFICE_ADMIN && found->id != req->actor.office_id)
            return request_fail(req, FOLIO__CODE__PERMISSION_DENIED,
                                "an office-admin reads its own office's book");
        snprintf(scope, cap, "office %s", found->name);
        rc = book_agents(req, txn, found->id, fn, ctx);
    } else {
        const char *name = agent[0] != '\0' ? agent : req->actor.name;
        if (agent[0] == '\0' && req->actor.role != FOLIO__ROLE__ROLE_AGENT)
            return request_fail(req, FOLIO__CODE__INVALID_ARGUMENT,
                                "agent: name an agent, an office or the firm");
        if ((rc = access_portfolio_name(req, name)) != 0)
            return rc;
        Folio__User *user;
        rc = store_user_find(s, txn, name, &req->arena, &user);
        if (rc == MDB_NOTFOUND || (rc == 0 && user->role != FOLIO__ROLE__ROLE_AGENT))
            return request_fail(req, FOLIO__CODE__NOT_FOUND, "no agent %s", name);
        if (rc != 0)
            return request_store_error(req, rc, "read the agent");
        if ((rc = access_portfolio(req, user)) != 0)
            return rc;
        snprintf(scope, cap, "agent %s", user->name);
        rc = fn(ctx, req, txn, user->id);
    }
    if (rc == ENOMEM)
        return request_oom(req);
    return rc == 0 ? 0 : request_store_error(req, rc, "read the book");
}

int op_book_read(struct request *req, MDB_txn *txn)
{
    char today[CALENDAR_DATE_TEXT + 1];
    int rc = request_listing_day(req, txn, req->msg->book_query->date, today);
    if (rc != 0)
        return rc;
    struct book b;
    if (book_init(&b, today) != 0)
        return request_fail(req, FOLIO__CODE__INVALID_ARGUMENT, "date: not a date");
    const Folio__BookQuery *ask = req->msg->book_query;
    char scope[OP_BOOK_SCOPE_MAX];
    const char *agent = ask->agent;
    if (ask->as_agent[0] != '\0') {
        uint64_t owner;
        if (agent[0] != '\0' || ask->office[0] != '\0' || ask->firm)
            rc = request_fail(req, FOLIO__CODE__INVALID_ARGUMENT,
                              "as_agent: instead of agent, office and firm");
        else
            rc = op_cover_agent(req, txn, ask->as_agent, ask->reason, &owner);
        agent = ask->as_agent;
    }
    if (rc == 0)
        rc = op_book_scope(req, txn, agent, ask->office, ask->firm, book_agent, &b, scope,
                           sizeof(scope));
    Folio__Book *book = rc == 0 ? book_finish(&b, scope, today, &req->arena) : NULL;
    book_free(&b);
    if (rc != 0)
        return rc;
    if (book == NULL)
        return request_oom(req);
    req->response.result_case = FOLIO__RESPONSE__RESULT_BOOK;
    req->response.book = book;
    /* An agent's own book needs no audit record. */
    if (req->actor.role == FOLIO__ROLE__ROLE_AGENT)
        req->skip_write = true;
    else
        req->scratch = book;
    return 0;
}

int op_book_write(struct request *req, MDB_txn *txn)
{
    Folio__Book *book = req->scratch;
    const Folio__BookQuery *ask = req->msg->book_query;
    if (ask->as_agent[0] != '\0') {
        int rc = op_cover_audit(req, txn, "book", ask->as_agent, ask->reason, NULL);
        if (rc != 0)
            return rc;
        req->response.result_case = FOLIO__RESPONSE__RESULT_BOOK;
        req->response.book = book;
        return 0;
    }
    char *detail = arena_printf(&req->arena, "book of %s on %s: %llu agents, %llu clients",
                                book->scope, book->date, (unsigned long long)book->agents,
                                (unsigned long long)book->clients);
    if (detail == NULL)
        return request_oom(req);
    int rc = audit_append(req, txn, "book.read", book->scope, detail);
    if (rc != 0)
        return request_store_error(req, rc, "record the read");
    req->response.result_case = FOLIO__RESPONSE__RESULT_BOOK;
    req->response.book = book;
    return 0;
}
