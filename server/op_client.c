/* op_client.c - client records, their timelines, events and segments.
 *
 * Only agents keep clients, and a client is visible to its owner alone
 * (access.c): every op looks the record up first and asks access_client,
 * so a client of someone else and an id nobody uses get the same answer.
 * What a record may hold, how updates and events change it and what a
 * segment filter means live in client_record.c; this file moves records
 * between the wire and the store and keeps timeline and audit in step, in
 * the same transaction as the change. Write stages start from the request
 * and the transaction only (the writer may replay them), so they never
 * change what the request carries in a way a second run would notice. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "access.h"
#include "audit.h"
#include "calendar.h"
#include "client_record.h"
#include "client_summary.h"
#include "op.h"
#include "segment.h"
#include "segment_buckets.h"
#include "server.h"
#include "store_agenda.h"
#include "store_audit.h"
#include "store_client.h"
#include "store_duplicate.h"
#include "store_holding.h"
#include "store_tombstone.h"
#include "store_coupon.h"
#include "store_offer.h"
#include "store_outbox.h"
#include "store_user.h"
#include "validate.h"
#include "wire_field.h"

#define OP_CLIENT_BUCKET_KEY 256

/* Fills what a reply carries beyond the stored record: the owner's name and
 * the income trend. Every Client sent back goes through here. */
int op_client_reply(struct request *req, MDB_txn *txn, Folio__Client *client,
                    struct op_client_owner *owner)
{
    struct op_client_owner single = {0};
    if (owner == NULL)
        owner = &single;
    if (owner->name == NULL || owner->id != client->owner_id) {
        Folio__User *user;
        int rc = store_user_get(&req->server->store, txn, client->owner_id, &req->arena, &user);
        if (rc == 0)
            owner->name = user->name;
        else if (rc == MDB_NOTFOUND)
            owner->name = (char *)"";
        else
            return request_store_error(req, rc, "read the client's owner");
        owner->id = client->owner_id;
    }
    client->owner = owner->name;
    client->income_trend = (char *)client_income_trend(client);
    return 0;
}

static void op_client_strip_unknown(ProtobufCMessage *msg)
{
    if (msg != NULL) {
        msg->n_unknown_fields = 0;
        msg->unknown_fields = NULL;
    }
}

/* Unknown fields would be stored and sent back unchecked: drop them from a
 * record that came over the wire (harmless to repeat on a replay). */
static void op_client_strip(Folio__Client *client)
{
    op_client_strip_unknown(&client->base);
    op_client_strip_unknown((ProtobufCMessage *)client->consent);
    for (size_t i = 0; i < client->n_income_history; i++)
        op_client_strip_unknown(&client->income_history[i]->base);
    for (size_t i = 0; i < client->n_purchases; i++)
        op_client_strip_unknown(&client->purchases[i]->base);
}

/* A timeline entry recorded now by the actor. */
static Folio__TimelineEvent *op_client_event(struct request *req, const char *kind,
                                             const char *what, const char *date)
{
    Folio__TimelineEvent *ev = request_alloc(req, sizeof(*ev));
    if (ev == NULL)
        return NULL;
    folio__timeline_event__init(ev);
    ev->time = req->now;
    ev->actor = (char *)req->actor.name;
    ev->kind = (char *)kind;
    ev->what = (char *)what;
    ev->date = (char *)date;
    return ev;
}

static int op_client_set_reply(struct request *req, Folio__Client *client)
{
    req->response.result_case = FOLIO__RESPONSE__RESULT_CLIENT;
    req->response.client = client;
    return 0;
}

/* ---------------------------------------------------------------- typed rules */

/* client_validate and then the rules of typed records (client_record.h),
 * with the server's code lists and today. */
const char *op_client_validate_typed(struct request *req, Folio__Client *client, const char *today)
{
    const char *why = client_validate(client);
    if (why == NULL) {
        struct client_rules rules = {.iso = &req->server->iso, .today = today};
        why = client_validate_typed(client, &rules);
    }
    return why;
}

/* The currency an income typed without one is in: the actor's default, from
 * its card, into *currency. 0, or WRITER_ROLLBACK with the reply set (also
 * when the agent has none: the income is refused naming --currency). */
int op_client_default_currency(struct request *req, MDB_txn *txn, char **currency)
{
    Folio__AgentCard *card = NULL;
    int rc = request_actor_card(req, txn, &card);
    if (rc != 0)
        return rc;
    if (card->currency[0] == '\0')
        return request_fail(req, FOLIO__CODE__INVALID_ARGUMENT,
                            "currency: an income needs one; give it, or set your default with "
                            "folio profile set --currency");
    *currency = card->currency;
    return 0;
}

/* ---------------------------------------------------------------- add */

/* A new client that looks like one of the agent's is refused, naming it:
 * the agent most likely meant that one. 0 when it does not. */
static int op_client_refuse_duplicate(struct request *req, MDB_txn *txn,
                                      const Folio__Client *client)
{
    struct store_duplicate dup;
    int rc = store_duplicate_find(&req->server->store, txn, req->actor.user_id, client, NULL, &dup);
    if (rc == ENOMEM)
        return request_oom(req);
    if (rc != 0)
        return request_store_error(req, rc, "look for duplicates");
    if (dup.kind == STORE_DUPLICATE_NONE)
        return 0;
    return request_fail(req, FOLIO__CODE__ALREADY_EXISTS, "likely a duplicate of %s (%s): %s",
                        dup.id, dup.name, dup.why);
}

int op_client_add_write(struct request *req, MDB_txn *txn)
{
    int rc;
    struct store *store = &req->server->store;
    Folio__Client *client =
        request_record(req, &folio__client__descriptor, req->msg->client_add->client);
    if (client == NULL)
        return request_oom(req);
    op_client_strip(client);

    uint8_t id[STORE_CLIENT_ID_BYTES];
    char id_text[CLIENT_ID_TEXT + 1];
    client_id_generate(id);
    client_id_format(id, id_text);
    char today[CALENDAR_DATE_TEXT + 1];
    if ((rc = request_today(req, txn, today)) != 0)
        return request_store_error(req, rc, "read the time zone");
    client->id = arena_strdup(&req->arena, id_text);
    char *date = arena_strdup(&req->arena, today);
    if (client->id == NULL || date == NULL)
        return request_oom(req);
    client->owner_id = req->actor.user_id;
    client->owner = (char *)"";
    client->income_trend = (char *)"";
    client->created_at = client->updated_at = req->now;
    client->version = 1;
    client->last_contact = (char *)"";
    client->marital_status_typed = client->marital_status;
    client->n_income_history = 0;
    client->income_history = NULL;
    client->n_household = 0; /* links are made by client link */
    client->household = NULL;
    if (client->income_cents != 0 && client->currency[0] == '\0' &&
        (rc = op_client_default_currency(req, txn, &client->currency)) != 0)
        return rc;
    if (client->income_cents != 0 || client->currency[0] != '\0') {
        Folio__IncomeChange **history = arena_calloc(&req->arena, 1, sizeof(*history));
        Folio__IncomeChange *first = request_alloc(req, sizeof(*first));
        if (history == NULL || first == NULL)
            return request_oom(req);
        folio__income_change__init(first);
        first->amount_cents = client->income_cents;
        first->currency = client->currency;
        first->date = date;
        history[0] = first;
        client->income_history = history;
        client->n_income_history = 1;
    }
    const char *why = op_client_validate_typed(req, client, date);
    if (why != NULL)
        return request_fail(req, FOLIO__CODE__INVALID_ARGUMENT, "%s", why);
    if (!req->msg->client_add->allow_duplicate &&
        (rc = op_client_refuse_duplicate(req, txn, client)) != 0)
        return rc;

    Folio__TimelineEvent *ev = op_client_event(req, "created", "", date);
    if (ev == NULL)
        return request_oom(req);
    if ((rc = store_client_put(store, txn, id, client)) != 0 ||
        (rc = store_timeline_append(store, txn, id, ev)) != 0 ||
        (rc = audit_append_client(req, txn, client->id, "client.add", client->id, "", "")) != 0)
        return request_store_error(req, rc, "add the client");
    if ((rc = op_client_reply(req, txn, client, NULL)) != 0)
        return rc;
    return op_client_set_reply(req, client);
}

/* ---------------------------------------------------------------- get */

/* A message's field number, by name: the generated code has no constants for
 * them. */
static uint32_t op_client_field(const ProtobufCMessageDescriptor *desc, const char *name)
{
    const ProtobufCFieldDescriptor *field =
        protobuf_c_message_descriptor_get_field_by_name(desc, name);
    return field != NULL ? field->id : 0;
}

/* An owner's read, the common one, goes out as the record lies in the store,
 * with the two reply-only fields appended: no unpack and no repack, which
 * were two thirds of the cost of a read. */
static int op_client_get_packed(struct request *req, MDB_txn *txn,
                                const uint8_t id[STORE_CLIENT_ID_BYTES],
                                const struct client_summary *summary)
{
    MDB_val record;
    int rc = store_client_get_packed(&req->server->store, txn, id, &record);
    if (rc != 0)
        return request_store_error(req, rc == MDB_NOTFOUND ? EINVAL : rc, "read the client");
    uint32_t result = op_client_field(&folio__response__descriptor, "client");
    uint32_t owner = op_client_field(&folio__client__descriptor, "owner");
    uint32_t trend = op_client_field(&folio__client__descriptor, "income_trend");
    size_t body = record.mv_size + wire_field_string_size(owner, req->actor.name) +
                  wire_field_string_size(trend, summary->income_trend);
    size_t size = wire_field_header_size(result, body) + body;
    uint8_t *packed = request_alloc(req, size);
    if (packed == NULL)
        return request_oom(req);
    uint8_t *p = wire_field_put_header(packed, result, body);
    memcpy(p, record.mv_data, record.mv_size);
    p = wire_field_put_string(p + record.mv_size, owner, req->actor.name);
    wire_field_put_string(p, trend, summary->income_trend);
    req->result_packed = packed;
    req->result_packed_len = size;
    req->skip_write = true;
    return 0;
}

/* An admin covering for an agent: the agent's client only (anyone else's
 * reads as no client at all), audited in the write stage. */
static int op_client_get_cover(struct request *req, MDB_txn *txn, const Folio__ClientGet *get,
                               uint8_t id[STORE_CLIENT_ID_BYTES])
{
    if (get->firm_admin_read)
        return request_fail(req, FOLIO__CODE__INVALID_ARGUMENT,
                            "as_agent: an agent's client, or any with firm_admin_read, not both");
    uint64_t owner;
    int rc = op_cover_agent(req, txn, get->as_agent, get->reason, &owner);
    if (rc == 0)
        rc = request_client_resolve_owned(req, txn, "id", get->id, owner, id);
    if (rc != 0)
        return rc;
    Folio__Client *client = NULL;
    rc = store_client_get(&req->server->store, txn, id, &req->arena, &client);
    if (rc != 0 && rc != MDB_NOTFOUND)
        return request_store_error(req, rc, "read the client");
    if (rc == MDB_NOTFOUND || client->owner_id != owner)
        return request_fail(req, FOLIO__CODE__NOT_FOUND, "no client %s", get->id);
    if ((rc = op_client_reply(req, txn, client, NULL)) != 0 ||
        (rc = op_household_names(req, txn, client)) != 0)
        return rc;
    req->scratch = client;
    return op_client_set_reply(req, client);
}

int op_client_get_read(struct request *req, MDB_txn *txn)
{
    Folio__ClientGet *get = req->msg->client_get;
    uint8_t id[STORE_CLIENT_ID_BYTES];
    if (get->as_agent[0] != '\0')
        return op_client_get_cover(req, txn, get, id);
    int rc = request_client_resolve(req, txn, "id", get->id, get->firm_admin_read, id);
    if (rc != 0)
        return rc;
    /* Found in the actor's own portfolio index: the actor owns it (access.h). */
    struct client_summary summary;
    rc = store_client_summary_get(&req->server->store, txn, req->actor.user_id, id, &req->arena,
                                  &summary);
    /* A household's names are read from the other records. */
    if (rc == 0 && summary.household == 0)
        return op_client_get_packed(req, txn, id, &summary);
    if (rc != 0 && rc != MDB_NOTFOUND)
        return request_store_error(req, rc, "read the client");
    bool own = rc == 0;
    Folio__Client *client = NULL;
    if ((rc = request_client(req, txn, "id", get->id, get->firm_admin_read, id, &client)) != 0 ||
        (rc = op_client_reply(req, txn, client, NULL)) != 0 ||
        (rc = op_household_names(req, txn, client)) != 0)
        return rc;
    if (own) {
        req->skip_write = true;
        return op_client_set_reply(req, client);
    }
    /* Someone else's client, read by a firm-admin: audited in the write
     * stage before it is sent. */
    req->scratch = client;
    return op_client_set_reply(req, client);
}

/* The audit record of a firm-admin's read is committed before the client is
 * sent. */
int op_client_get_write(struct request *req, MDB_txn *txn)
{
    Folio__Client *client = req->scratch;
    const Folio__ClientGet *get = req->msg->client_get;
    if (get->as_agent[0] != '\0') {
        int rc = op_cover_audit(req, txn, "client show", get->as_agent, get->reason, client->id);
        return rc != 0 ? rc : op_client_set_reply(req, client);
    }
    char *detail = arena_printf(&req->arena, "firm-admin read of %s's client", client->owner);
    if (detail == NULL)
        return request_oom(req);
    int rc = audit_append_client(req, txn, client->id, "client.read", client->id, detail, detail);
    if (rc != 0)
        return request_store_error(req, rc, "record the read");
    return op_client_set_reply(req, client);
}

/* ---------------------------------------------------------------- update */

/* An update that sets an income and leaves the record without a currency
 * takes the actor's default: it is set in changes, and "currency" added to
 * the fields (*fields and *n, fresh in the arena then) so that the history
 * records the income once, in it. */
static int op_client_update_currency(struct request *req, MDB_txn *txn, const Folio__Client *stored,
                                     Folio__Client *changes, char ***fields, size_t *n)
{
    bool income = false, currency = false;
    for (size_t i = 0; i < *n; i++) {
        income |= strcmp((*fields)[i], "income_cents") == 0;
        currency |= strcmp((*fields)[i], "currency") == 0;
    }
    const char *after = currency ? changes->currency : stored->currency;
    if (!income || changes->income_cents == 0 || after[0] != '\0')
        return 0;
    int rc = op_client_default_currency(req, txn, &changes->currency);
    if (rc != 0 || currency)
        return rc;
    /* Bounded: client_apply_update refuses a list longer than the fields
     * that can be set, and this one grows by one only. */
    char **more = arena_calloc(&req->arena, *n + 1, sizeof(*more));
    if (more == NULL)
        return request_oom(req);
    memcpy(more, *fields, *n * sizeof(*more));
    more[(*n)++] = (char *)"currency";
    *fields = more;
    return 0;
}

int op_client_update_write(struct request *req, MDB_txn *txn)
{
    Folio__ClientUpdate *update = req->msg->client_update;
    struct store *store = &req->server->store;
    bool elements = client_update_has_elements(update);
    if (update->n_fields == 0 && !elements)
        return request_fail(req, FOLIO__CODE__INVALID_ARGUMENT,
                            "fields: name at least one field to change");
    uint8_t id[STORE_CLIENT_ID_BYTES];
    Folio__Client *client = NULL;
    int rc = request_client(req, txn, "id", update->id, false, id, &client);
    if (rc != 0)
        return rc;
    if (update->if_version != 0 && update->if_version != client->version)
        return request_fail(req, FOLIO__CODE__ABORTED,
                            "client %s is at version %llu, not %llu: read it again", client->id,
                            (unsigned long long)client->version,
                            (unsigned long long)update->if_version);
    Folio__Client empty = FOLIO__CLIENT__INIT;
    Folio__Client *changes = update->client != NULL ? update->client : &empty;
    op_client_strip(changes);
    char today[CALENDAR_DATE_TEXT + 1];
    if ((rc = request_today(req, txn, today)) != 0)
        return request_store_error(req, rc, "read the time zone");
    char *date = arena_strdup(&req->arena, today);
    if (date == NULL)
        return request_oom(req);
    char **fields = update->fields;
    size_t n_fields = update->n_fields;
    bool emailed = client->consent != NULL && client->consent->email;
    if ((rc = op_client_update_currency(req, txn, client, changes, &fields, &n_fields)) != 0)
        return rc;
    const char *why = NULL;
    if (n_fields != 0)
        why = client_apply_update(client, changes, fields, n_fields, date, &req->arena);
    const char *edited = "";
    if (why == NULL)
        why = client_apply_elements(client, update, &edited, &req->arena);
    if (why == NULL)
        why = op_client_validate_typed(req, client, date);
    if (why != NULL)
        return request_fail(req, FOLIO__CODE__INVALID_ARGUMENT, "%s", why);
    /* Only checked names, each once: the timeline's account stays short. */
    char *what = request_joined(req, fields, n_fields);
    if (what != NULL && edited[0] != '\0')
        what = arena_printf(&req->arena, "%s%s%s", what, what[0] != '\0' ? "," : "", edited);
    if (what == NULL)
        return request_oom(req);
    client->version++;
    client->updated_at = req->now;
    Folio__TimelineEvent *ev = op_client_event(req, "updated", what, date);
    if (ev == NULL)
        return request_oom(req);
    if ((rc = store_client_put(store, txn, id, client)) != 0 ||
        (rc = store_timeline_append(store, txn, id, ev)) != 0 ||
        (rc = audit_append_client(req, txn, client->id, "client.update", client->id, what, what)) !=
            0)
        return request_store_error(req, rc, "update the client");
    /* E-mail consent taken back: nothing queued for the client goes out. */
    if (emailed && (client->consent == NULL || !client->consent->email) &&
        (rc = op_mail_cancel_client(req, txn, id, "the client withdrew consent to e-mail")) != 0)
        return request_store_error(req, rc, "cancel the client's queued e-mail");
    if ((rc = op_client_reply(req, txn, client, NULL)) != 0)
        return rc;
    return op_client_set_reply(req, client);
}

/* ---------------------------------------------------------------- erase */

/* Bytes of the reason of an erasure on a privacy-law request. */
#define OP_CLIENT_ERASE_REASON_MAX 200

int op_client_erase_write(struct request *req, MDB_txn *txn)
{
    const Folio__ClientErase *ask = req->msg->client_erase;
    /* A privacy-law request: a firm-admin erases whoever's client it is. */
    bool subject = ask->reason[0] != '\0';
    if (subject && req->actor.role != FOLIO__ROLE__ROLE_FIRM_ADMIN)
        return request_fail(req, FOLIO__CODE__PERMISSION_DENIED,
                            "reason: erasing on a privacy-law request is a firm-admin's; an "
                            "agent erases its own clients without one");
    const char *why = subject ? validate_text(ask->reason, OP_CLIENT_ERASE_REASON_MAX) : NULL;
    if (why != NULL)
        return request_fail(req, FOLIO__CODE__INVALID_ARGUMENT, "reason: %s (at most %d bytes)",
                            why, OP_CLIENT_ERASE_REASON_MAX);
    char *detail =
        subject ? arena_printf(&req->arena, "privacy-law request: %s", ask->reason) : (char *)"";
    if (detail == NULL)
        return request_oom(req);
    uint8_t id[STORE_CLIENT_ID_BYTES];
    Folio__Client *client = NULL;
    int rc = request_client(req, txn, "id", ask->id, subject, id, &client);
    if (rc != 0)
        return rc;
    /* The audit keeps the kinds and ids of what was done to the client and
     * loses what its records said (an event's words, the fields changed):
     * an erased client leaves no data behind. The id is remembered
     * (store_tombstone.h) so that an older bundle cannot bring the client
     * back without a firm-admin deciding so. */
    struct store *store = &req->server->store;
    if ((rc = op_household_detach(req, txn, client, "the client was erased")) != 0 ||
        (rc = store_client_delete(store, txn, id)) != 0 ||
        (rc = store_audit_scrub_client(store, txn, client->id)) != 0 ||
        (rc = store_offer_delete_client(store, txn, id)) != 0 ||
        (rc = store_coupon_delete_client(store, txn, id)) != 0 ||
        (rc = store_holding_delete_client(store, txn, id)) != 0 ||
        (rc = store_outbox_delete_client(store, txn, id)) != 0 ||
        (rc = store_tombstone_put(store, txn, id, req->now)) != 0 ||
        (rc = audit_append(req, txn, "client.erase", client->id, detail)) != 0)
        return request_store_error(req, rc, "erase the client");
    return request_reply_empty(req);
}

/* ---------------------------------------------------------------- history */

int op_client_history_read(struct request *req, MDB_txn *txn)
{
    Folio__ClientHistory *ask = req->msg->client_history;
    uint8_t id[STORE_CLIENT_ID_BYTES];
    Folio__Client *client = NULL;
    int rc = request_client(req, txn, "id", ask->id, false, id, &client);
    if (rc != 0)
        return rc;
    Folio__Timeline *timeline = request_alloc(req, sizeof(*timeline));
    if (timeline == NULL)
        return request_oom(req);
    folio__timeline__init(timeline);
    rc = store_timeline_list(&req->server->store, txn, id, ask->before,
                             request_page_size(ask->limit), &req->arena, &timeline->events,
                             &timeline->n_events, &timeline->next);
    if (rc != 0)
        return request_store_error(req, rc, "read the client's history");
    req->response.result_case = FOLIO__RESPONSE__RESULT_TIMELINE;
    req->response.timeline = timeline;
    return 0;
}

/* ---------------------------------------------------------------- events */

/* Events of these kinds change the record itself; contact events do when
 * they move last_contact; the others only add to the timeline. */
static bool op_client_event_changes_record(const char *kind)
{
    return strcmp(kind, "income") == 0 || strcmp(kind, "life") == 0 ||
           strcmp(kind, "purchase") == 0;
}

/* The agenda entries an event stands behind: its follow-up and its
 * trigger. store_client_delete removes them with the timeline. */
int op_client_event_index(struct store *store, MDB_txn *txn,
                          const uint8_t id[STORE_CLIENT_ID_BYTES], uint64_t owner_id,
                          const Folio__TimelineEvent *ev)
{
    struct store_agenda_key key = {.owner_id = owner_id, .seq = ev->seq};
    memcpy(key.client_id, id, STORE_CLIENT_ID_BYTES);
    int rc = 0;
    if (ev->follow_up[0] != '\0') {
        key.kind = STORE_AGENDA_FOLLOW_UP;
        key.date = calendar_text_key(ev->follow_up);
        rc = store_agenda_put(store, txn, &key, NULL, 0);
    }
    if (rc == 0 && ev->trigger[0] != '\0') {
        key.kind = STORE_AGENDA_EVENT;
        key.date = calendar_text_key(ev->date);
        rc = store_agenda_put(store, txn, &key, ev->trigger, strlen(ev->trigger));
    }
    return rc;
}

int op_client_event_add(struct request *req, MDB_txn *txn, const Folio__EventAdd *event,
                        Folio__TimelineEvent **out)
{
    struct store *store = &req->server->store;
    uint8_t id[STORE_CLIENT_ID_BYTES];
    Folio__Client *client = NULL;
    int rc = request_client(req, txn, "id", event->client_id, false, id, &client);
    if (rc != 0)
        return rc;
    char today[CALENDAR_DATE_TEXT + 1];
    if ((rc = request_today(req, txn, today)) != 0)
        return request_store_error(req, rc, "read the time zone");
    const char *date = event->date[0] != '\0' ? event->date : arena_strdup(&req->arena, today);
    Folio__TimelineEvent *ev = request_alloc(req, sizeof(*ev));
    if (date == NULL || ev == NULL)
        return request_oom(req);
    folio__timeline_event__init(ev);
    /* The record's entries name the event by its seq (client_record.h). */
    if ((rc = store_timeline_next_seq(store, txn, id, &ev->seq)) != 0)
        return request_store_error(req, rc, "record the event");
    /* An income without a currency is in the client's, else in the agent's
     * default, else refused naming --currency. The request stays as it came
     * (the writer may replay it). */
    Folio__EventAdd with_currency;
    if (strcmp(event->kind, "income") == 0 && event->currency[0] == '\0' &&
        client->currency[0] == '\0') {
        with_currency = *event;
        if ((rc = op_client_default_currency(req, txn, &with_currency.currency)) != 0)
            return rc;
        event = &with_currency;
    }
    const char *last_contact = client->last_contact;
    const char *why = client_apply_event(client, event, date, ev, &req->arena);
    struct client_rules rules = {.iso = &req->server->iso, .today = today};
    if (why == NULL)
        why = client_event_validate_typed(ev, NULL, &rules);
    if (why != NULL)
        return request_fail(req, FOLIO__CODE__INVALID_ARGUMENT, "%s", why);
    ev->time = req->now;
    ev->actor = (char *)req->actor.name;
    if (op_client_event_changes_record(ev->kind) || client->last_contact != last_contact) {
        client->version++;
        client->updated_at = req->now;
        if ((rc = store_client_put(store, txn, id, client)) != 0)
            return request_store_error(req, rc, "record the event");
    }
    char *detail = arena_printf(&req->arena, "%s%s%s", ev->kind, ev->what[0] ? " " : "", ev->what);
    if (detail == NULL)
        return request_oom(req);
    if ((rc = store_timeline_put(store, txn, id, ev->seq, ev)) != 0 ||
        (rc = op_client_event_index(store, txn, id, client->owner_id, ev)) != 0 ||
        (rc = audit_append_client(req, txn, client->id, "event.add", client->id, detail,
                                  ev->kind)) != 0)
        return request_store_error(req, rc, "record the event");
    if (strcmp(ev->kind, "contact") == 0 && !event->keep_follow_ups &&
        (rc = op_agenda_close_follow_ups(req, txn, id, client, ev)) != 0)
        return request_store_error(req, rc, "close the follow-ups");
    *out = ev;
    return 0;
}

int op_event_add_write(struct request *req, MDB_txn *txn)
{
    Folio__TimelineEvent *ev;
    int rc = op_client_event_add(req, txn, req->msg->event_add, &ev);
    if (rc != 0)
        return rc;
    req->response.result_case = FOLIO__RESPONSE__RESULT_EVENT;
    req->response.event = ev;
    return 0;
}

/* Removes the agenda entries op_client_event_index made for ev. */
int op_client_event_unindex(struct store *store, MDB_txn *txn,
                            const uint8_t id[STORE_CLIENT_ID_BYTES], uint64_t owner_id,
                            const Folio__TimelineEvent *ev)
{
    struct store_agenda_key key = {.owner_id = owner_id, .seq = ev->seq};
    memcpy(key.client_id, id, STORE_CLIENT_ID_BYTES);
    int rc = 0;
    if (ev->follow_up[0] != '\0') {
        key.kind = STORE_AGENDA_FOLLOW_UP;
        key.date = calendar_text_key(ev->follow_up);
        rc = store_agenda_delete(store, txn, &key);
    }
    if (rc == 0 && ev->trigger[0] != '\0') {
        key.kind = STORE_AGENDA_EVENT;
        key.date = calendar_text_key(ev->date);
        rc = store_agenda_delete(store, txn, &key);
    }
    return rc;
}

/* A correction in the making: the client, its timeline before (was) and
 * after (now), and the event at stake. */
struct op_correction {
    uint8_t id[STORE_CLIENT_ID_BYTES];
    Folio__Client *client;
    Folio__TimelineEvent **was;
    size_t n_was;
    size_t at; /* was[at] is the event corrected or withdrawn */
    Folio__TimelineEvent **now;
    size_t n_now;
};

/* Finds the owner's client and its event seq, one agents add; reads the
 * whole timeline for the replay. */
static int op_correction_start(struct request *req, MDB_txn *txn, const char *client_id,
                               uint64_t seq, struct op_correction *c)
{
    int rc = request_client(req, txn, "client_id", client_id, false, c->id, &c->client);
    if (rc != 0)
        return rc;
    rc = store_timeline_all(&req->server->store, txn, c->id, &req->arena, &c->was, &c->n_was);
    if (rc == ENOMEM)
        return request_oom(req);
    if (rc != 0)
        return request_store_error(req, rc, "read the client's history");
    for (c->at = 0; c->at < c->n_was && c->was[c->at]->seq != seq; c->at++)
        ;
    if (seq == 0 || c->at == c->n_was)
        return request_fail(req, FOLIO__CODE__NOT_FOUND, "client %s has no event %llu",
                            c->client->id, (unsigned long long)seq);
    if (!client_event_correctable(c->was[c->at]->kind))
        return request_fail(req, FOLIO__CODE__INVALID_ARGUMENT,
                            "seq: event %llu is the server's own %s entry, kept as it is",
                            (unsigned long long)seq, c->was[c->at]->kind);
    c->now = arena_calloc(&req->arena, c->n_was, sizeof(*c->now));
    if (c->now == NULL)
        return request_oom(req);
    memcpy(c->now, c->was, c->n_was * sizeof(*c->now));
    c->n_now = c->n_was;
    return 0;
}

/* Replays the new timeline into the record and stores the record, in the
 * transaction of the timeline's change. */
static int op_correction_finish(struct request *req, MDB_txn *txn, struct op_correction *c)
{
    const char *why =
        client_timeline_replay(c->client, c->was, c->n_was, c->now, c->n_now, &req->arena);
    if (why != NULL)
        return request_fail(req, FOLIO__CODE__INVALID_ARGUMENT, "%s", why);
    why = client_validate(c->client);
    if (why != NULL)
        return request_fail(req, FOLIO__CODE__INVALID_ARGUMENT, "%s", why);
    c->client->version++;
    c->client->updated_at = req->now;
    int rc = store_client_put(&req->server->store, txn, c->id, c->client);
    return rc == 0 ? 0 : request_store_error(req, rc, "correct the record");
}

/* An income event's trigger (income:up, income:down) compares it with the
 * entry before it: correcting or withdrawing one income changes what the
 * next says. Rewrites each other income event whose trigger the corrected
 * record no longer bears out, with its agenda entry. */
static int op_correction_triggers(struct request *req, MDB_txn *txn, struct op_correction *c,
                                  const Folio__TimelineEvent *skip)
{
    struct store *store = &req->server->store;
    for (size_t i = 0; i < c->n_now; i++) {
        Folio__TimelineEvent *ev = c->now[i];
        if (ev == skip || strcmp(ev->kind, "income") != 0)
            continue;
        char *trigger = client_event_trigger_of(c->client, ev, &req->arena);
        if (trigger == NULL)
            return request_oom(req);
        if (strcmp(trigger, ev->trigger) == 0)
            continue;
        int rc = op_client_event_unindex(store, txn, c->id, c->client->owner_id, ev);
        ev->trigger = trigger;
        if (rc != 0 || (rc = store_timeline_replace(store, txn, c->id, ev)) != 0 ||
            (rc = op_client_event_index(store, txn, c->id, c->client->owner_id, ev)) != 0)
            return request_store_error(req, rc, "correct the timeline");
    }
    return 0;
}

int op_event_edit_write(struct request *req, MDB_txn *txn)
{
    Folio__EventEdit *edit = req->msg->event_edit;
    struct store *store = &req->server->store;
    struct op_correction c = {0};
    int rc = op_correction_start(req, txn, edit->client_id, edit->seq, &c);
    if (rc != 0)
        return rc;
    const Folio__TimelineEvent *old = c.was[c.at];
    Folio__TimelineEvent *ev = request_alloc(req, sizeof(*ev));
    if (ev == NULL)
        return request_oom(req);
    const char *why = client_event_edit(old, edit, ev, &req->arena);
    char today[CALENDAR_DATE_TEXT + 1];
    if ((rc = request_today(req, txn, today)) != 0)
        return request_store_error(req, rc, "read the time zone");
    struct client_rules rules = {.iso = &req->server->iso, .today = today};
    if (why == NULL)
        why = client_event_validate_typed(ev, old, &rules);
    if (why != NULL)
        return request_fail(req, FOLIO__CODE__INVALID_ARGUMENT, "%s", why);
    ev->corrected_by = (char *)req->actor.name;
    ev->corrected_at = req->now;
    c.now[c.at] = ev;
    if ((rc = op_correction_finish(req, txn, &c)) != 0 ||
        (rc = op_correction_triggers(req, txn, &c, ev)) != 0)
        return rc;
    ev->trigger = client_event_trigger_of(c.client, ev, &req->arena);
    char *diff = client_event_diff(old, ev, &req->arena);
    if (ev->trigger == NULL || diff == NULL)
        return request_oom(req);
    char *detail = arena_printf(&req->arena, "seq %llu %s: %s", (unsigned long long)ev->seq,
                                ev->kind, diff[0] != '\0' ? diff : "no change");
    char *kept = arena_printf(&req->arena, "seq %llu %s", (unsigned long long)ev->seq, ev->kind);
    if (detail == NULL || kept == NULL)
        return request_oom(req);
    uint64_t owner = c.client->owner_id;
    if ((rc = op_client_event_unindex(store, txn, c.id, owner, old)) != 0 ||
        (rc = store_timeline_replace(store, txn, c.id, ev)) != 0 ||
        (rc = op_client_event_index(store, txn, c.id, owner, ev)) != 0 ||
        (rc = audit_append_client(req, txn, c.client->id, "event.edit", c.client->id, detail,
                                  kept)) != 0)
        return request_store_error(req, rc, "correct the event");
    req->response.result_case = FOLIO__RESPONSE__RESULT_EVENT;
    req->response.event = ev;
    return 0;
}

int op_event_remove_write(struct request *req, MDB_txn *txn)
{
    Folio__EventRemove *remove = req->msg->event_remove;
    struct store *store = &req->server->store;
    struct op_correction c = {0};
    int rc = op_correction_start(req, txn, remove->client_id, remove->seq, &c);
    if (rc != 0)
        return rc;
    const Folio__TimelineEvent *old = c.was[c.at];
    memmove(c.now + c.at, c.now + c.at + 1, (c.n_now - c.at - 1) * sizeof(*c.now));
    c.n_now--;
    if ((rc = op_correction_finish(req, txn, &c)) != 0 ||
        (rc = op_correction_triggers(req, txn, &c, NULL)) != 0)
        return rc;
    /* The audit keeps what the timeline no longer shows. */
    Folio__TimelineEvent blank = FOLIO__TIMELINE_EVENT__INIT;
    char *diff = client_event_diff(old, &blank, &req->arena);
    char *detail = diff == NULL ? NULL
                                : arena_printf(&req->arena, "seq %llu %s withdrawn: %s",
                                               (unsigned long long)old->seq, old->kind, diff);
    char *kept =
        arena_printf(&req->arena, "seq %llu %s withdrawn", (unsigned long long)old->seq, old->kind);
    if (detail == NULL || kept == NULL)
        return request_oom(req);
    if ((rc = op_client_event_unindex(store, txn, c.id, c.client->owner_id, old)) != 0 ||
        (rc = store_timeline_delete(store, txn, c.id, old->seq)) != 0 ||
        (rc = audit_append_client(req, txn, c.client->id, "event.remove", c.client->id, detail,
                                  kept)) != 0)
        return request_store_error(req, rc, "withdraw the event");
    return request_reply_empty(req);
}

/* ---------------------------------------------------------------- segment */

/* The walk under op_segment_each: the filters, then the caller's visit. */
struct op_segment_pick {
    struct request *req;
    MDB_txn *txn;
    const Folio__Segment *segment;
    const char *today;
    op_segment_fn fn;
    void *ctx;
    struct segment_holdings holdings; /* of the client being visited */
};

static int op_segment_holding(void *ctx, const Folio__Holding *holding)
{
    struct op_segment_pick *pick = ctx;
    segment_holdings_add(pick->segment, holding, &pick->holdings);
    return 0;
}

/* Filters run on summaries, then on holdings when the segment asks about
 * them. */
static int op_segment_pick_visit(void *ctx, const uint8_t id[STORE_CLIENT_ID_BYTES],
                                 const struct client_summary *client)
{
    struct op_segment_pick *pick = ctx;
    const Folio__Segment *segment = pick->segment;
    if (!segment_matches_summary(segment, client, pick->today))
        return 0;
    if (segment_wants_holdings(segment)) {
        segment_holdings_start(segment, &pick->holdings);
        int rc = store_holding_each(&pick->req->server->store, pick->txn, 0, id, 0,
                                    op_segment_holding, pick);
        if (rc != 0)
            return rc;
        if (!segment_holdings_match(segment, &pick->holdings))
            return 0;
    }
    return pick->fn(pick->ctx, id, client);
}

int op_segment_today(struct request *req, MDB_txn *txn, const Folio__Segment *segment,
                     char today[CALENDAR_DATE_TEXT + 1])
{
    if (segment->date[0] == '\0') {
        int rc = request_today(req, txn, today);
        return rc != 0 ? request_store_error(req, rc, "read the time zone") : 0;
    }
    int y, m, d;
    if (strlen(segment->date) != CALENDAR_DATE_TEXT ||
        calendar_parse_date(segment->date, &y, &m, &d) != 0)
        return request_fail(req, FOLIO__CODE__INVALID_ARGUMENT, "date: not a real date");
    memcpy(today, segment->date, CALENDAR_DATE_TEXT);
    today[CALENDAR_DATE_TEXT] = '\0';
    return 0;
}

int op_segment_each(struct request *req, MDB_txn *txn, const Folio__Segment *segment,
                    const char *today, op_segment_fn fn, void *ctx)
{
    struct op_segment_pick pick = {
        .req = req, .txn = txn, .segment = segment, .today = today, .fn = fn, .ctx = ctx};
    return store_client_summaries(&req->server->store, txn, req->actor.user_id,
                                  op_segment_pick_visit, &pick);
}

struct op_segment_walk {
    struct request *req;
    MDB_txn *txn;
    const Folio__Segment *segment;
    const char *today;
    const uint8_t *after; /* page after this id; NULL from the start */
    size_t limit;
    uint64_t total;
    Folio__Client **page;
    size_t n_page;
    bool more;
    struct segment_buckets buckets;
};

static int op_segment_count(struct op_segment_walk *walk, const struct client_summary *client)
{
    char buf[OP_CLIENT_BUCKET_KEY];
    const char *key =
        segment_bucket_summary(walk->segment->by, client, walk->today, buf, sizeof(buf));
    return segment_buckets_add(&walk->buckets, key);
}

/* Only the clients of the page are read whole. */
static int op_segment_visit(void *ctx, const uint8_t id[STORE_CLIENT_ID_BYTES],
                            const struct client_summary *client)
{
    struct op_segment_walk *walk = ctx;
    const Folio__Segment *segment = walk->segment;
    walk->total++;
    if (segment->by[0] != '\0')
        return op_segment_count(walk, client);
    if (segment->count_only)
        return 0;
    if (walk->after != NULL && memcmp(id, walk->after, STORE_CLIENT_ID_BYTES) <= 0)
        return 0;
    if (walk->n_page == walk->limit) {
        walk->more = true;
        return 0;
    }
    int rc = store_client_get(&walk->req->server->store, walk->txn, id, &walk->req->arena,
                              &walk->page[walk->n_page]);
    if (rc != 0)
        return rc == MDB_NOTFOUND ? EINVAL : rc;
    walk->n_page++;
    return 0;
}

static int op_segment_bucket_order(const void *a, const void *b)
{
    const Folio__SegmentBucket *x = *(Folio__SegmentBucket *const *)a;
    const Folio__SegmentBucket *y = *(Folio__SegmentBucket *const *)b;
    if (x->count != y->count)
        return x->count > y->count ? -1 : 1;
    return strcmp(x->key, y->key);
}

int op_segment_read(struct request *req, MDB_txn *txn)
{
    Folio__Segment *segment = req->msg->segment;
    const char *why = segment_validate(segment);
    if (why != NULL)
        return request_fail(req, FOLIO__CODE__INVALID_ARGUMENT, "%s", why);
    uint8_t after[STORE_CLIENT_ID_BYTES];
    int rc;
    bool has_after = segment->after[0] != '\0';
    if (has_after && (rc = request_client_id(req, "after", segment->after, after)) != 0)
        return rc;
    char today[CALENDAR_DATE_TEXT + 1];
    if ((rc = op_segment_today(req, txn, segment, today)) != 0)
        return rc;
    struct op_segment_walk walk = {
        .req = req,
        .txn = txn,
        .segment = segment,
        .today = today,
        .after = has_after ? after : NULL,
        .limit = request_page_size(segment->limit),
    };
    segment_buckets_init(&walk.buckets, &req->arena);
    bool listing = segment->by[0] == '\0' && !segment->count_only;
    if (listing && (walk.page = arena_calloc(&req->arena, walk.limit, sizeof(*walk.page))) == NULL)
        return request_oom(req);
    rc = op_segment_each(req, txn, segment, today, op_segment_visit, &walk);
    if (rc == ENOMEM)
        return request_oom(req);
    if (rc != 0)
        return request_store_error(req, rc, "walk the clients");

    Folio__SegmentResult *result = request_alloc(req, sizeof(*result));
    if (result == NULL)
        return request_oom(req);
    folio__segment_result__init(result);
    result->total = walk.total;
    if (walk.buckets.count > 0) {
        qsort(walk.buckets.list, walk.buckets.count, sizeof(*walk.buckets.list),
              op_segment_bucket_order);
        result->buckets = walk.buckets.list;
        result->n_buckets = walk.buckets.count;
    }
    struct op_client_owner owner = {0};
    for (size_t i = 0; i < walk.n_page; i++)
        if ((rc = op_client_reply(req, txn, walk.page[i], &owner)) != 0)
            return rc;
    result->clients = walk.page;
    result->n_clients = walk.n_page;
    if (walk.more && walk.n_page > 0)
        result->next = walk.page[walk.n_page - 1]->id;
    req->response.result_case = FOLIO__RESPONSE__RESULT_SEGMENT;
    req->response.segment = result;
    return 0;
}
