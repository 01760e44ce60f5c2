/* op_report.c - the numbers `folio report` draws (report.h adds them up),
 * in one request.
 *
 * Scoped, laned and audited as the book (op_book.c): an agent reads its
 * own; an office-admin its office's, or one of its agents'; a firm-admin
 * any. Beyond the book's walk of summaries and holdings it reads each
 * client's timeline (its contacts) and the agent's dated events (the
 * opportunities), so the work stays that of the scope's own records. */
#include <errno.h>
#include <string.h>

#include "audit.h"
#include "calendar.h"
#include "op.h"
#include "report.h"
#include "rule.h"
#include "server.h"
#include "store_agenda.h"
#include "store_client.h"
#include "store_holding.h"
#include "store_rule.h"

struct report_walk {
    struct report *report;
    struct store *store;
    MDB_txn *txn;
};

static int report_contact(void *ctx, const Folio__TimelineEvent *event)
{
    report_add_contact(ctx, event);
    return 0;
}

static int report_client(void *ctx, const uint8_t id[16], const struct client_summary *summary)
{
    struct report_walk *walk = ctx;
    int rc = report_add_client(walk->report, summary);
    return rc != 0 ? rc
                   : store_timeline_each(walk->store, walk->txn, id, report_contact, walk->report);
}

static int report_holding(void *ctx, const Folio__Holding *holding)
{
    return report_add_holding(ctx, holding);
}

struct report_event_walk {
    struct report *report;
    struct store *store;
    MDB_txn *txn;
    const uint8_t *client; /* the event's */
};

static int report_client_holds(void *ctx, const char *kind, bool *holds)
{
    const struct report_event_walk *walk = ctx;
    return store_holding_client_has(walk->store, walk->txn, walk->client, kind, holds);
}

static int report_event(void *ctx, const struct store_agenda_key *key, const void *value,
                        size_t value_len)
{
    struct report_event_walk *walk = ctx;
    char trigger[RULE_ON_MAX + 1];
    if (value_len == 0 || value_len >= sizeof(trigger))
        return 0; /* no rule's `on` is that long */
    memcpy(trigger, value, value_len);
    trigger[value_len] = '\0';
    int64_t day = calendar_day((int)(key->date / 10000), (int)(key->date / 100 % 100),
                               (int)(key->date % 100));
    walk->client = key->client_id;
    return report_add_event(walk->report, day, trigger, report_client_holds, walk);
}

static int report_agent(void *ctx, struct request *req, MDB_txn *txn, uint64_t agent_id)
{
    struct report *r = ctx;
    struct store *s = &req->server->store;
    struct report_walk walk = {r, s, txn};
    struct report_event_walk events = {r, s, txn, NULL};
    r->book.agents++;
    int rc = store_client_summaries(s, txn, agent_id, report_client, &walk);
    if (rc == 0)
        rc = store_holding_each(s, txn, agent_id, NULL, 0, report_holding, r);
    if (rc == 0)
        rc = store_agenda_each(s, txn, agent_id, STORE_AGENDA_EVENT,
                               calendar_key(report_events_from(r)),
                               calendar_key(report_events_to(r)), report_event, &events);
    return rc;
}

int op_report_read(struct request *req, MDB_txn *txn)
{
    const Folio__ReportQuery *ask = req->msg->report_query;
    char today[CALENDAR_DATE_TEXT + 1];
    int rc = request_listing_day(req, txn, ask->date, today);
    if (rc != 0)
        return rc;
    Folio__Rule **rules;
    size_t n_rules;
    rc = store_rule_list(&req->server->store, txn, &req->arena, &rules, &n_rules);
    if (rc == ENOMEM)
        return request_oom(req);
    if (rc != 0)
        return request_store_error(req, rc, "read the rules");
    struct report r;
    rc = report_init(&r, today, rules, n_rules);
    if (rc == ENOMEM)
        return request_oom(req);
    if (rc != 0)
        return request_fail(req, FOLIO__CODE__INVALID_ARGUMENT, "date: not a date");
    char scope[OP_BOOK_SCOPE_MAX];
    rc = op_book_scope(req, txn, ask->agent, ask->office, ask->firm, report_agent, &r, scope,
                       sizeof(scope));
    Folio__Report *report = rc == 0 ? report_finish(&r, scope, today, &req->arena) : NULL;
    report_free(&r);
    if (rc != 0)
        return rc;
    if (report == NULL)
        return request_oom(req);
    req->response.result_case = FOLIO__RESPONSE__RESULT_REPORT;
    req->response.report = report;
    /* An agent's own report needs no audit record. */
    if (req->actor.role == FOLIO__ROLE__ROLE_AGENT)
        req->skip_write = true;
    else
        req->scratch = report;
    return 0;
}

int op_report_write(struct request *req, MDB_txn *txn)
{
    Folio__Report *report = req->scratch;
    const Folio__Book *book = report->book;
    char *detail = arena_printf(&req->arena, "report of %s on %s: %llu agents, %llu clients",
                                book->scope, book->date, (unsigned long long)book->agents,
                                (unsigned long long)book->clients);
    if (detail == NULL)
        return request_oom(req);
    int rc = audit_append(req, txn, "report.read", book->scope, detail);
    if (rc != 0)
        return request_store_error(req, rc, "record the read");
    req->response.result_case = FOLIO__RESPONSE__RESULT_REPORT;
    req->response.report = report;
    return 0;
}
