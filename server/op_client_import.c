/* op_client_import.c - clients from a CSV file or vCards, parsed by the
 * client, become new clients of the agent that sends them.
 *
 * Rows of a spreadsheet are not identities, so every client imported gets a
 * new id. What the agent most needs to know is whether a row is already in
 * its portfolio: an exact copy is skipped, a likely one is imported and
 * reported, both as store_duplicate.h finds them (in the agent's own
 * portfolio only, through the search index, so an import never says
 * anything about other agents' clients and costs what resembles its rows).
 * Rows are stored one by one in the request's transaction, so a row
 * earlier in the batch counts as portfolio for the rows after it. */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "access.h"
#include "audit.h"
#include "calendar.h"
#include "client_record.h"
#include "op.h"
#include "server.h"
#include "store_client.h"
#include "store_duplicate.h"

#define CI_BATCH_MAX 1000
#define CI_OOM       (-2) /* ci_store ran out of memory: no LMDB code is -2 */

enum ci_state { CI_NEW, CI_INVALID };

struct ci_item {
    Folio__Client *client;
    enum ci_state state;
};

static int ci_oom(struct request *req)
{
    return request_oom(req);
}

static int ci_note(struct request *req, Folio__ClientImportResult *res, uint32_t line,
                   const char *kind, const char *client_id, const char *message)
{
    Folio__ImportNote *note = request_alloc(req, sizeof(*note));
    if (note == NULL)
        return -1;
    folio__import_note__init(note);
    note->line = line;
    note->kind = (char *)kind;
    note->client_id = (char *)(client_id != NULL ? client_id : "");
    note->message = (char *)message;
    if (note->message == NULL)
        return -1;
    res->notes[res->n_notes++] = note;
    return 0;
}

/* A copy of a record from the wire with everything the server decides
 * cleared; the request itself is left as it came (the writer may replay). */
static Folio__Client *ci_prepare(struct request *req, const Folio__Client *in)
{
    Folio__Client *c = request_alloc(req, sizeof(*c));
    if (c == NULL)
        return NULL;
    *c = *in;
    c->base.n_unknown_fields = 0;
    c->base.unknown_fields = NULL;
    if (c->consent != NULL) {
        Folio__Consent *consent = request_alloc(req, sizeof(*consent));
        if (consent == NULL)
            return NULL;
        *consent = *c->consent;
        consent->base.n_unknown_fields = 0;
        consent->base.unknown_fields = NULL;
        c->consent = consent;
    }
    /* Rows are not identities: every client gets a new id, here, so that it
     * is validated as it will be stored. */
    uint8_t id[STORE_CLIENT_ID_BYTES];
    char id_text[CLIENT_ID_TEXT + 1];
    client_id_generate(id);
    client_id_format(id, id_text);
    if ((c->id = arena_strdup(&req->arena, id_text)) == NULL)
        return NULL;
    c->owner_id = req->actor.user_id;
    c->owner = (char *)"";
    c->income_trend = (char *)"";
    c->last_contact = (char *)"";
    c->marital_status_typed = c->marital_status; /* typed, as in client add */
    c->created_at = c->updated_at = req->now;
    c->version = 1;
    c->n_income_history = 0;
    c->income_history = NULL;
    c->n_purchases = 0;
    c->purchases = NULL;
    c->n_household = 0;
    c->household = NULL;
    c->transferred_from = 0;
    c->transferred_at = 0;
    return c;
}

/* Stores one new client as ClientAdd would, with a "created" event noted
 * "imported". */
static int ci_store(struct request *req, MDB_txn *txn, Folio__Client *c, const char *today)
{
    uint8_t id[STORE_CLIENT_ID_BYTES];
    if (client_id_parse(c->id, id) != 0)
        return EINVAL; /* ci_prepare made it: never */
    if (c->income_cents != 0 || c->currency[0] != '\0') {
        Folio__IncomeChange **history = arena_calloc(&req->arena, 1, sizeof(*history));
        Folio__IncomeChange *first = request_alloc(req, sizeof(*first));
        if (history == NULL || first == NULL)
            return CI_OOM;
        folio__income_change__init(first);
        first->amount_cents = c->income_cents;
        first->currency = c->currency;
        first->date = (char *)today;
        history[0] = first;
        c->income_history = history;
        c->n_income_history = 1;
    }
    Folio__TimelineEvent *ev = request_alloc(req, sizeof(*ev));
    if (ev == NULL)
        return CI_OOM;
    folio__timeline_event__init(ev);
    ev->time = req->now;
    ev->actor = (char *)req->actor.name;
    ev->kind = (char *)"created";
    ev->date = (char *)today;
    ev->note = (char *)"imported";
    int rc = store_client_put(&req->server->store, txn, id, c);
    if (rc == 0)
        rc = store_timeline_append(&req->server->store, txn, id, ev);
    return rc;
}

int op_client_import_write(struct request *req, MDB_txn *txn)
{
    const Folio__ClientImport *ci = req->msg->client_import;
    size_t n = ci->n_clients;
    if (n > CI_BATCH_MAX)
        return request_fail(req, FOLIO__CODE__INVALID_ARGUMENT, "clients: at most %d per request",
                            CI_BATCH_MAX);
    if (ci->n_lines != 0 && ci->n_lines != n)
        return request_fail(req, FOLIO__CODE__INVALID_ARGUMENT,
                            "lines: one for each client, or none");
    Folio__ClientImportResult *res = request_alloc(req, sizeof(*res));
    struct ci_item *items = arena_calloc(&req->arena, n + 1, sizeof(*items));
    if (res == NULL || items == NULL)
        return ci_oom(req);
    folio__client_import_result__init(res);
    res->notes = arena_calloc(&req->arena, 2 * n + 1, sizeof(*res->notes));
    if (res->notes == NULL)
        return ci_oom(req);
    res->dry_run = ci->dry_run;
    char today[CALENDAR_DATE_TEXT + 1];
    calendar_today(req->now, today);

    Folio__AgentCard *card = NULL; /* read at the first income without a currency */
    for (size_t i = 0; i < n; i++) {
        uint32_t line = ci->n_lines != 0 ? ci->lines[i] : (uint32_t)i + 1;
        const char *why = "client: missing";
        if (ci->clients[i] != NULL) {
            Folio__Client *c = ci_prepare(req, ci->clients[i]);
            if ((items[i].client = c) == NULL)
                return ci_oom(req);
            /* As in client add: an income without a currency is in the
             * agent's default, and refused (this row) when there is none. */
            if (c->income_cents != 0 && c->currency[0] == '\0') {
                int got = card == NULL ? request_actor_card(req, txn, &card) : 0;
                if (got != 0)
                    return got;
                c->currency = card->currency;
            }
            why = op_client_validate_typed(req, c, today);
            if (why == NULL && c->income_cents != 0 && c->currency[0] == '\0')
                why = "currency: an income needs one; give it, or set your default with "
                      "folio profile set --currency";
        }
        if (why != NULL) {
            items[i].state = CI_INVALID;
            if (ci_note(req, res, line, "error", NULL,
                        arena_printf(&req->arena, "line %u: %s", line, why)) != 0)
                return ci_oom(req);
            continue;
        }
    }

    int rc;
    for (size_t i = 0; i < n; i++) {
        struct ci_item *item = &items[i];
        if (item->state == CI_INVALID)
            continue;
        uint32_t line = ci->n_lines != 0 ? ci->lines[i] : (uint32_t)i + 1;
        struct store_duplicate dup;
        rc = store_duplicate_find(&req->server->store, txn, req->actor.user_id, item->client, NULL,
                                  &dup);
        if (rc == ENOMEM)
            return ci_oom(req);
        if (rc != 0)
            return request_store_error(req, rc, "read the portfolio");
        if (dup.kind == STORE_DUPLICATE_EXACT) {
            res->skipped++;
            if (ci_note(req, res, line, "duplicate", arena_strdup(&req->arena, dup.id),
                        arena_printf(&req->arena,
                                     "line %u: already in the portfolio as %s: skipped", line,
                                     dup.id)) != 0)
                return ci_oom(req);
            continue;
        }
        if ((rc = ci_store(req, txn, item->client, today)) == CI_OOM)
            return ci_oom(req);
        if (rc != 0)
            return request_store_error(req, rc, "import the clients");
        res->created++;
        if (dup.kind == STORE_DUPLICATE_LIKELY &&
            ci_note(req, res, line, "likely_duplicate", arena_strdup(&req->arena, dup.id),
                    arena_printf(&req->arena, "line %u: looks like %s (%s): imported", line, dup.id,
                                 dup.why)) != 0)
            return ci_oom(req);
    }
    char detail[96];
    snprintf(detail, sizeof(detail), "%" PRIu64 " imported, %" PRIu64 " skipped, %zu refused",
             res->created, res->skipped, n - (size_t)res->created - (size_t)res->skipped);
    if ((rc = audit_append(req, txn, "client.import", "", detail)) != 0)
        return request_store_error(req, rc, "import the clients");
    req->response.result_case = FOLIO__RESPONSE__RESULT_CLIENT_IMPORT;
    req->response.client_import = res;
    /* A dry run answers with everything it would have done and keeps none
     * of it. */
    return ci->dry_run ? WRITER_ROLLBACK : 0;
}
