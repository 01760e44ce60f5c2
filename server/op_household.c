/* op_household.c - households: `client link` and `client unlink`, and
 * keeping links true wherever clients move or go.
 *
 * A link is stored on both records (client_record.h), so each end shows
 * and counts its household without reading the other. It holds while both
 * clients exist, have the same owner and link each other; any change that
 * may break that (erasure, merge, reassignment and its undo, release and
 * restore, a bundle's import) ends by settling the clients it touched
 * (op_household_settle), which drops a link that no longer holds from both
 * ends, noting it on each timeline. So a couple reassigned together stays
 * linked, and one reassigned alone leaves the other's household. */
#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include "audit.h"
#include "calendar.h"
#include "client_record.h"
#include "op.h"
#include "server.h"
#include "store_client.h"

/* A note on the client's timeline: what happened to its household. */
static int household_note(struct request *req, MDB_txn *txn, const uint8_t id[16], const char *note)
{
    char today[CALENDAR_DATE_TEXT + 1];
    int rc = request_today(req, txn, today);
    if (rc != 0)
        return rc;
    Folio__TimelineEvent ev;
    client_household_event(&ev, req->now, req->actor.name, note, today);
    return store_timeline_append(&req->server->store, txn, id, &ev);
}

/* Stores a record whose household changed, with a note. */
static int household_store(struct request *req, MDB_txn *txn, const uint8_t id[16],
                           Folio__Client *client, const char *note)
{
    client->version++;
    client->updated_at = req->now;
    int rc = store_client_put(&req->server->store, txn, id, client);
    return rc != 0 ? rc : household_note(req, txn, id, note);
}

/* ---------------------------------------------------------------- link, unlink */

/* Both clients of a link request, the caller's own. */
static int household_pair(struct request *req, MDB_txn *txn, const char *client_text,
                          const char *other_text, uint8_t a_id[16], Folio__Client **a,
                          uint8_t b_id[16], Folio__Client **b)
{
    int rc = request_client(req, txn, "client_id", client_text, false, a_id, a);
    if (rc == 0)
        rc = request_client(req, txn, "other_id", other_text, false, b_id, b);
    if (rc != 0)
        return rc;
    if (memcmp(a_id, b_id, 16) == 0)
        return request_fail(req, FOLIO__CODE__INVALID_ARGUMENT,
                            "other_id: the same client; a client is not linked to itself");
    return 0;
}

static int household_reply(struct request *req, MDB_txn *txn, Folio__Client *client)
{
    int rc = op_client_reply(req, txn, client, NULL);
    if (rc == 0)
        rc = op_household_names(req, txn, client);
    if (rc != 0)
        return rc;
    req->response.result_case = FOLIO__RESPONSE__RESULT_CLIENT;
    req->response.client = client;
    return 0;
}

int op_client_link_write(struct request *req, MDB_txn *txn)
{
    const Folio__ClientLink *ask = req->msg->client_link;
    uint8_t a_id[16], b_id[16];
    Folio__Client *a, *b;
    int rc = household_pair(req, txn, ask->client_id, ask->other_id, a_id, &a, b_id, &b);
    if (rc != 0)
        return rc;
    const char *inverse = client_relation_inverse(ask->relation);
    if (inverse == NULL)
        return request_fail(req, FOLIO__CODE__INVALID_ARGUMENT,
                            "relation: one of spouse, partner, child, parent, sibling, other");
    const char *why = client_household_set(a, b->id, ask->relation, &req->arena);
    if (why == NULL)
        why = client_household_set(b, a->id, inverse, &req->arena);
    if (why != NULL)
        return request_fail(req, FOLIO__CODE__INVALID_ARGUMENT, "%s", why);
    char *note_a =
        arena_printf(&req->arena, "linked to %s (%s) as %s", b->name, b->id, ask->relation);
    char *note_b = arena_printf(&req->arena, "linked to %s (%s) as %s", a->name, a->id, inverse);
    char *detail = arena_printf(&req->arena, "%s is %s of %s", b->id, ask->relation, a->id);
    if (note_a == NULL || note_b == NULL || detail == NULL)
        return request_oom(req);
    if ((rc = household_store(req, txn, a_id, a, note_a)) != 0 ||
        (rc = household_store(req, txn, b_id, b, note_b)) != 0 ||
        (rc = audit_append_client(req, txn, a->id, "client.link", a->id, detail, detail)) != 0)
        return request_store_error(req, rc, "link the clients");
    return household_reply(req, txn, a);
}

int op_client_unlink_write(struct request *req, MDB_txn *txn)
{
    const Folio__ClientUnlink *ask = req->msg->client_unlink;
    uint8_t a_id[16], b_id[16];
    Folio__Client *a, *b;
    int rc = household_pair(req, txn, ask->client_id, ask->other_id, a_id, &a, b_id, &b);
    if (rc != 0)
        return rc;
    bool was_a = client_household_remove(a, b->id);
    bool was_b = client_household_remove(b, a->id);
    if (!was_a && !was_b)
        return request_fail(req, FOLIO__CODE__NOT_FOUND, "client %s is not linked to %s", a->id,
                            b->id);
    char *note_a = arena_printf(&req->arena, "unlinked from %s (%s)", b->name, b->id);
    char *note_b = arena_printf(&req->arena, "unlinked from %s (%s)", a->name, a->id);
    char *detail = arena_printf(&req->arena, "%s and %s", a->id, b->id);
    if (note_a == NULL || note_b == NULL || detail == NULL)
        return request_oom(req);
    if ((rc = household_store(req, txn, a_id, a, note_a)) != 0 ||
        (rc = household_store(req, txn, b_id, b, note_b)) != 0 ||
        (rc = audit_append_client(req, txn, a->id, "client.unlink", a->id, detail, detail)) != 0)
        return request_store_error(req, rc, "unlink the clients");
    return household_reply(req, txn, a);
}

/* ---------------------------------------------------------------- keeping links true */

/* Drops c's link to the client other_id; removes the link back from that
 * client when it still has one. why: for both notes. */
static int household_drop(struct request *req, MDB_txn *txn, Folio__Client *c, const char *other_id,
                          const char *why, struct arena *scratch)
{
    struct store *store = &req->server->store;
    uint8_t other[16];
    if (client_id_parse(other_id, other) != 0)
        return EINVAL;
    Folio__Client *o;
    int rc = store_client_get(store, txn, other, scratch, &o);
    if (rc == MDB_NOTFOUND)
        return 0;
    if (rc != 0)
        return rc;
    if (!client_household_remove(o, c->id))
        return 0;
    char *note = arena_printf(scratch, "link to %s (%s) dropped: %s", c->name, c->id, why);
    if (note == NULL)
        return ENOMEM;
    return household_store(req, txn, other, o, note);
}

int op_household_settle(struct request *req, MDB_txn *txn, const uint8_t id[16], uint64_t *version)
{
    struct store *store = &req->server->store;
    struct arena scratch;
    arena_init(&scratch, 0);
    Folio__Client *c;
    int rc = store_client_get(store, txn, id, &scratch, &c);
    if (rc == MDB_NOTFOUND)
        rc = 0;
    else if (rc == 0 && c->n_household > 0) {
        char *notes = NULL;
        size_t left_out = 0;
        for (size_t i = 0; rc == 0 && i < c->n_household;) {
            const char *other_id = c->household[i]->client_id;
            uint8_t other[16];
            Folio__Client *o = NULL;
            if (client_id_parse(other_id, other) != 0)
                rc = EINVAL;
            else if ((rc = store_client_get(store, txn, other, &scratch, &o)) == MDB_NOTFOUND)
                rc = 0;
            if (rc != 0)
                break;
            const char *why = o == NULL                    ? "the client is gone"
                              : o->owner_id != c->owner_id ? "it no longer has the same agent"
                              : client_household_find(o, c->id) < 0 ? "it no longer links back"
                                                                    : NULL;
            if (why == NULL) {
                i++;
                continue;
            }
            char *part = arena_printf(&scratch, "link to %s (%s) dropped: %s",
                                      o != NULL ? o->name : "a client", other_id, why);
            if (part == NULL || (notes = client_note_add(&scratch, notes, part, &left_out)) == NULL)
                rc = ENOMEM;
            else if (o != NULL)
                rc = household_drop(req, txn, c, other_id, why, &scratch);
            client_household_remove(c, other_id);
        }
        if (rc == 0 && notes != NULL &&
            (notes = client_note_close(&scratch, notes, left_out)) == NULL)
            rc = ENOMEM;
        if (rc == 0 && notes != NULL)
            rc = household_store(req, txn, id, c, notes);
        if (rc == 0 && version != NULL)
            *version = c->version;
    }
    arena_free(&scratch);
    return rc;
}

int op_household_detach(struct request *req, MDB_txn *txn, Folio__Client *client, const char *why)
{
    struct arena scratch;
    arena_init(&scratch, 0);
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < client->n_household; i++)
        rc = household_drop(req, txn, client, client->household[i]->client_id, why, &scratch);
    arena_free(&scratch);
    return rc;
}

int op_household_rehome(struct request *req, MDB_txn *txn, Folio__Client *keep,
                        const Folio__Client *other)
{
    struct store *store = &req->server->store;
    client_household_remove(keep, other->id);
    struct arena scratch;
    arena_init(&scratch, 0);
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < other->n_household; i++) {
        const Folio__HouseholdLink *link = other->household[i];
        if (strcmp(link->client_id, keep->id) == 0)
            continue;
        uint8_t x_id[16];
        Folio__Client *x;
        if (client_id_parse(link->client_id, x_id) != 0)
            rc = EINVAL;
        else if ((rc = store_client_get(store, txn, x_id, &scratch, &x)) == MDB_NOTFOUND) {
            rc = 0;
            continue;
        }
        if (rc != 0)
            break;
        int back = client_household_find(x, other->id);
        const char *relation = back >= 0 ? x->household[back]->relation : NULL;
        client_household_remove(x, other->id);
        const char *why = NULL;
        if (relation != NULL && client_household_find(keep, x->id) < 0) {
            why = client_household_set(keep, x->id, link->relation, &req->arena);
            if (why == NULL)
                why = client_household_set(x, keep->id, relation, &scratch);
        }
        char *note =
            arena_printf(&scratch, "%s (%s) merged into %s (%s)%s%s", other->name, other->id,
                         keep->name, keep->id, why != NULL ? "; " : "", why != NULL ? why : "");
        rc = note == NULL ? ENOMEM : household_store(req, txn, x_id, x, note);
    }
    arena_free(&scratch);
    return rc;
}

int op_household_names(struct request *req, MDB_txn *txn, Folio__Client *client)
{
    struct arena scratch;
    arena_init(&scratch, 0);
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < client->n_household; i++) {
        Folio__HouseholdLink *link = client->household[i];
        uint8_t id[16];
        Folio__Client *o;
        if (client_id_parse(link->client_id, id) != 0)
            continue;
        /* Each record read into scratch: only its name stays. */
        rc = store_client_get(&req->server->store, txn, id, &scratch, &o);
        if (rc == 0)
            rc = (link->name = arena_strdup(&req->arena, o->name)) == NULL ? ENOMEM : 0;
        else if (rc == MDB_NOTFOUND)
            rc = 0;
        arena_free(&scratch);
        arena_init(&scratch, 0);
    }
    arena_free(&scratch);
    if (rc == ENOMEM)
        return request_oom(req);
    return rc == 0 ? 0 : request_store_error(req, rc, "read the household");
}
