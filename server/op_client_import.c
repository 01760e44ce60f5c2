/* op_client_import.c - clients from a CSV file or vCards, parsed by the
 * client, become new clients of the agent that sends them; a row whose id
 * names one of the agent's own clients updates the fields the file holds
 * (folio's own CSV, edited in a spreadsheet and brought back).
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
#include <stddef.h>
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

#define CI_BATCH_MAX  1000
#define CI_FIELDS_MAX 32   /* Client fields a file may name: every settable one fits */
#define CI_OOM        (-2) /* ci_store ran out of memory: no LMDB code is -2 */

enum ci_state { CI_NEW, CI_INVALID, CI_UPDATE, CI_UNCHANGED };

struct ci_item {
    Folio__Client *client; /* the new client, or for CI_UPDATE the stored one updated */
    enum ci_state state;
    uint8_t id[STORE_CLIENT_ID_BYTES]; /* CI_UPDATE: the client's */
    const char *what;                  /* CI_UPDATE: the fields set, for the timeline */
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
static Folio__Client *ci_prepare(struct request *req, const Folio__Client *in, uint64_t owner)
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
    c->owner_id = owner;
    c->owner = (char *)"";
    c->income_trend = (char *)"";
    c->last_contact = (char *)"";
    c->marital_status_typed = c->marital_status; /* typed, as in client add */
    /* Address books write the country's name, in the language of whoever
     * typed it ("Norway", "Deutschland"): the server holds the names with
     * the codes it checks against, so the name becomes its code here. */
    const char *code = c->country[0] != '\0' && !iso_codes_country(&req->server->iso, c->country)
                           ? iso_codes_country_find(&req->server->iso, c->country)
                           : NULL;
    if (code != NULL)
        c->country = (char *)code;
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

/* The most fields ci_drop_field takes off one record before it is refused. */
#define CI_DROPS_MAX 8

/* Clears the field a validation message names (the words before its
 * first ':') when the person can be kept without it: an address book's
 * birth date in the future, a country folio does not know, a text too
 * long. The Client fields cleared (for an update, which then leaves them
 * as they were), or NULL; never the name. */
static const char *ci_drop_field(Folio__Client *c, const char *why)
{
    size_t n = strcspn(why, ":");
    static const struct {
        const char *field;
        size_t offset;
    } texts[] = {
        {"birth_date", offsetof(Folio__Client, birth_date)},
        {"street", offsetof(Folio__Client, street)},
        {"city", offsetof(Folio__Client, city)},
        {"region", offsetof(Folio__Client, region)},
        {"country", offsetof(Folio__Client, country)},
        {"postal_code", offsetof(Folio__Client, postal_code)},
        {"organisation", offsetof(Folio__Client, organisation)},
        {"title", offsetof(Folio__Client, title)},
        {"employment", offsetof(Folio__Client, employment)},
        {"notes", offsetof(Folio__Client, notes)},
        {"preferred_channel", offsetof(Folio__Client, preferred_channel)},
        {"language", offsetof(Folio__Client, language)},
    };
    for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
        if (strlen(texts[i].field) == n && strncmp(why, texts[i].field, n) == 0) {
            *(char **)((char *)c + texts[i].offset) = (char *)"";
            return texts[i].field;
        }
    }
    if (strncmp(why, "phones:", 7) == 0 || strncmp(why, "phone_details:", 14) == 0) {
        c->n_phones = c->n_phone_details = 0;
        return "phones,phone_details";
    }
    if (strncmp(why, "emails:", 7) == 0) {
        c->n_emails = 0;
        return "emails";
    }
    if (strncmp(why, "tags:", 5) == 0) {
        c->n_tags = 0;
        return "tags";
    }
    if (strncmp(why, "currency:", 9) == 0 || strncmp(why, "income_cents:", 13) == 0) {
        c->currency = (char *)"";
        c->income_cents = 0;
        return "income_cents,currency";
    }
    return NULL;
}

/* Validates c as a typed record, leaving out (with a note each) the fields
 * that keep it from being kept; *dropped lists them ("city,phones,...").
 * NULL when it may be stored, or why not. */
static const char *ci_validate(struct request *req, Folio__ClientImportResult *res, uint32_t line,
                               Folio__Client *c, const char *today, const char **dropped, int *oom)
{
    const char *why = NULL;
    *dropped = "";
    for (int drops = 0; drops <= CI_DROPS_MAX; drops++) {
        why = op_client_validate_typed(req, c, today);
        if (why == NULL && c->income_cents != 0 && c->currency[0] == '\0')
            why = "currency: an income needs one; give it, or set your default with "
                  "folio profile set --currency";
        const char *field = why != NULL && drops < CI_DROPS_MAX ? ci_drop_field(c, why) : NULL;
        if (field == NULL)
            return why;
        *dropped = arena_printf(&req->arena, "%s,%s", *dropped, field);
        if (*dropped == NULL) {
            *oom = 1;
            return NULL;
        }
        if (ci_note(req, res, line, "note", NULL,
                    arena_printf(&req->arena, "line %u: %s: left out", line, why)) != 0) {
            *oom = 1;
            return NULL;
        }
    }
    return why;
}

/* The stored client a row's id names, when it is the agent's own: 1 and
 * *out, 0 for any other row (no id, not an id, no such client, another
 * agent's: each becomes a new client, and says nothing of the others), or
 * an LMDB error. */
static int ci_own(struct request *req, MDB_txn *txn, const Folio__Client *row, uint64_t owner,
                  uint8_t id[STORE_CLIENT_ID_BYTES], Folio__Client **out)
{
    *out = NULL;
    if (row->id[0] == '\0' || client_id_parse(row->id, id) != 0)
        return 0;
    int rc = store_client_get(&req->server->store, txn, id, &req->arena, out);
    if (rc == MDB_NOTFOUND || (rc == 0 && (*out)->owner_id != owner)) {
        *out = NULL;
        return 0;
    }
    return rc != 0 ? rc : 1;
}

/* Whether field is in the comma-separated list. */
static bool ci_listed(const char *list, const char *field)
{
    size_t n = strlen(field);
    for (const char *p = list; (p = strstr(p, field)) != NULL; p += n)
        if ((p == list || p[-1] == ',') && (p[n] == ',' || p[n] == '\0'))
            return true;
    return false;
}

/* Whether field is the same in a and b: 1, 0, or -1 out of memory. Each
 * side is that one field copied onto an empty record, packed. */
static int ci_same_field(struct request *req, const Folio__Client *a, const Folio__Client *b,
                         char *field, const char *today)
{
    Folio__Client one[2] = {FOLIO__CLIENT__INIT, FOLIO__CLIENT__INIT};
    const Folio__Client *from[2] = {a, b};
    uint8_t *packed[2];
    size_t len[2];
    for (size_t k = 0; k < 2; k++) {
        if (client_apply_update(&one[k], from[k], &field, 1, today, &req->arena) != NULL)
            return -1;
        len[k] = folio__client__get_packed_size(&one[k]);
        if ((packed[k] = arena_alloc(&req->arena, len[k] + 1)) == NULL)
            return -1;
        folio__client__pack(&one[k], packed[k]);
    }
    return len[0] == len[1] && memcmp(packed[0], packed[1], len[0]) == 0;
}

/* Sets the fields the file holds (ci->fields, but those validation left
 * out) of stored from row, as ClientUpdate would. NULL, or why not (NULL
 * with item->state unset: out of memory). */
static const char *ci_update(struct request *req, const Folio__ClientImport *ci,
                             struct ci_item *item, Folio__Client *stored, const Folio__Client *row,
                             const char *dropped, const char *today)
{
    char **fields = arena_calloc(&req->arena, ci->n_fields + 1, sizeof(*fields));
    char **changed = arena_calloc(&req->arena, ci->n_fields + 1, sizeof(*changed));
    if (fields == NULL || changed == NULL)
        return NULL;
    const Folio__Client before = *stored;
    size_t n = 0, n_changed = 0;
    for (size_t i = 0; i < ci->n_fields; i++)
        if (!ci_listed(dropped, ci->fields[i]))
            fields[n++] = ci->fields[i];
    const char *why =
        n > 0 ? client_apply_update(stored, row, fields, n, today, &req->arena) : NULL;
    if (why == NULL)
        why = op_client_validate_typed(req, stored, today);
    if (why != NULL)
        return why;
    for (size_t i = 0; i < n; i++) {
        int same = ci_same_field(req, &before, stored, fields[i], today);
        if (same < 0)
            return NULL;
        if (!same)
            changed[n_changed++] = fields[i];
    }
    item->client = stored;
    /* A row as the client already is (most of a spreadsheet brought back)
     * changes nothing: no new version, no event. */
    if (n_changed == 0) {
        item->state = CI_UNCHANGED;
        return NULL;
    }
    stored->version++;
    stored->updated_at = req->now;
    item->state = CI_UPDATE;
    item->what = request_joined(req, changed, n_changed);
    return NULL;
}

/* Stores an updated client, with an "updated" event noted "imported". */
static int ci_store_update(struct request *req, MDB_txn *txn, const struct ci_item *item,
                           const char *today)
{
    Folio__TimelineEvent *ev = request_alloc(req, sizeof(*ev));
    if (ev == NULL || item->what == NULL)
        return CI_OOM;
    folio__timeline_event__init(ev);
    ev->time = req->now;
    ev->actor = (char *)req->actor.name;
    ev->kind = (char *)"updated";
    ev->what = (char *)item->what;
    ev->date = (char *)today;
    ev->note = (char *)"imported";
    int rc = store_client_put(&req->server->store, txn, item->id, item->client);
    if (rc == 0)
        rc = store_timeline_append(&req->server->store, txn, item->id, ev);
    return rc;
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
    if (ci->n_fields > CI_FIELDS_MAX)
        return request_fail(req, FOLIO__CODE__INVALID_ARGUMENT, "fields: at most %d",
                            CI_FIELDS_MAX);
    /* Whose portfolio: the caller's own, or (admins) an agent of theirs. */
    Folio__User *agent = NULL;
    int rc = op_transfer_agent(req, txn, ci->agent, &agent);
    if (rc != 0)
        return rc;
    uint64_t owner = agent->id;
    bool own_book = owner == req->actor.user_id;
    Folio__ClientImportResult *res = request_alloc(req, sizeof(*res));
    struct ci_item *items = arena_calloc(&req->arena, n + 1, sizeof(*items));
    if (res == NULL || items == NULL)
        return ci_oom(req);
    folio__client_import_result__init(res);
    res->notes = arena_calloc(&req->arena, (2 + CI_DROPS_MAX) * n + 1, sizeof(*res->notes));
    if (res->notes == NULL)
        return ci_oom(req);
    res->dry_run = ci->dry_run;
    res->n_ids = n;
    if ((res->ids = arena_calloc(&req->arena, n + 1, sizeof(*res->ids))) == NULL)
        return ci_oom(req);
    for (size_t i = 0; i < n; i++)
        res->ids[i] = (char *)"";
    char today[CALENDAR_DATE_TEXT + 1];
    if ((rc = request_today(req, txn, today)) != 0)
        return request_store_error(req, rc, "read the time zone");

    Folio__AgentCard *card = NULL; /* read at the first income without a currency */
    for (size_t i = 0; i < n; i++) {
        uint32_t line = ci->n_lines != 0 ? ci->lines[i] : (uint32_t)i + 1;
        const char *why = "client: missing";
        if (ci->clients[i] != NULL) {
            Folio__Client *c = ci_prepare(req, ci->clients[i], owner);
            if ((items[i].client = c) == NULL)
                return ci_oom(req);
            /* As in client add: an income without a currency is in the
             * agent's default (the agent whose portfolio it is, whoever
             * imports), and left out when there is none. */
            if (c->income_cents != 0 && c->currency[0] == '\0') {
                int got =
                    card == NULL ? request_agent_card(req, txn, owner, agent->name, &card) : 0;
                if (got != 0)
                    return got;
                c->currency = card->currency;
            }
            int oom = 0;
            const char *dropped = "";
            why = ci_validate(req, res, line, c, today, &dropped, &oom);
            if (oom)
                return ci_oom(req);
            Folio__Client *stored = NULL;
            int own =
                why == NULL ? ci_own(req, txn, ci->clients[i], owner, items[i].id, &stored) : 0;
            if (own < 0 || own > 1)
                return request_store_error(req, own, "read the clients the file names");
            /* One row per client: a second would undo the first. */
            for (size_t j = 0; own == 1 && j < i; j++)
                if ((items[j].state == CI_UPDATE || items[j].state == CI_UNCHANGED) &&
                    memcmp(items[j].id, items[i].id, STORE_CLIENT_ID_BYTES) == 0)
                    why = "id: the same client as an earlier row";
            if (own == 1 && why == NULL) {
                why = ci_update(req, ci, &items[i], stored, c, dropped, today);
                if (why == NULL && items[i].state != CI_UPDATE && items[i].state != CI_UNCHANGED)
                    return ci_oom(req);
                if (why == NULL)
                    continue;
            }
        }
        if (why != NULL) {
            items[i].state = CI_INVALID;
            if (ci_note(req, res, line, "error", NULL,
                        arena_printf(&req->arena, "line %u: %s", line, why)) != 0)
                return ci_oom(req);
            continue;
        }
    }

    for (size_t i = 0; i < n; i++) {
        struct ci_item *item = &items[i];
        if (item->state == CI_INVALID)
            continue;
        if (item->state == CI_UNCHANGED) {
            uint32_t line = ci->n_lines != 0 ? ci->lines[i] : (uint32_t)i + 1;
            res->ids[i] = item->client->id;
            res->skipped++;
            if (ci_note(req, res, line, "duplicate", item->client->id,
                        arena_printf(&req->arena, "line %u: %s as it is: unchanged", line,
                                     item->client->id)) != 0)
                return ci_oom(req);
            continue;
        }
        if (item->state == CI_UPDATE) {
            if ((rc = ci_store_update(req, txn, item, today)) == CI_OOM)
                return ci_oom(req);
            if (rc != 0)
                return request_store_error(req, rc, "update the clients");
            res->updated++;
            res->ids[i] = item->client->id;
            uint32_t line = ci->n_lines != 0 ? ci->lines[i] : (uint32_t)i + 1;
            if (ci_note(req, res, line, "updated", item->client->id,
                        arena_printf(&req->arena, "line %u: %s updated: %s", line, item->client->id,
                                     item->what)) != 0)
                return ci_oom(req);
            continue;
        }
        uint32_t line = ci->n_lines != 0 ? ci->lines[i] : (uint32_t)i + 1;
        struct store_duplicate dup;
        rc = store_duplicate_find(&req->server->store, txn, owner, item->client, NULL, &dup);
        if (rc == ENOMEM)
            return ci_oom(req);
        if (rc != 0)
            return request_store_error(req, rc, "read the portfolio");
        if (dup.kind == STORE_DUPLICATE_EXACT) {
            res->skipped++;
            if ((res->ids[i] = arena_strdup(&req->arena, dup.id)) == NULL)
                return ci_oom(req);
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
        res->ids[i] = item->client->id;
        if (dup.kind == STORE_DUPLICATE_LIKELY &&
            ci_note(req, res, line, "likely_duplicate", arena_strdup(&req->arena, dup.id),
                    arena_printf(&req->arena, "line %u: looks like %s (%s): imported", line, dup.id,
                                 dup.why)) != 0)
            return ci_oom(req);
    }
    char detail[128];
    snprintf(detail, sizeof(detail),
             "%" PRIu64 " imported, %" PRIu64 " updated, %" PRIu64 " skipped, %zu refused",
             res->created, res->updated, res->skipped,
             n - (size_t)res->created - (size_t)res->updated - (size_t)res->skipped);
    /* The target names the agent when the importer is someone else. */
    if ((rc = audit_append(req, txn, "client.import", own_book ? "" : agent->name, detail)) != 0)
        return request_store_error(req, rc, "import the clients");
    req->response.result_case = FOLIO__RESPONSE__RESULT_CLIENT_IMPORT;
    req->response.client_import = res;
    /* A dry run answers with everything it would have done and keeps none
     * of it. */
    return ci->dry_run ? WRITER_ROLLBACK : 0;
}
