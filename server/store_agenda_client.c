/* store_agenda_client.c - see store_agenda_client.h.
 *
 * A client has at most one stay-in-touch entry, of the kind that says what
 * its due day is counted from: STAY_DUE (its own interval: the due day
 * itself), STAY_SINCE (the firm's interval: the last contact) or STAY_NEW
 * (the firm's interval, never contacted: the day it was added). Its value
 * is the client's name, so a rename rewrites it. */
#include "store_agenda_client.h"

#include <errno.h>
#include <string.h>
#include <strings.h>

#include "calendar.h"
#include "store_agenda.h"
#include "store_client.h"
#include "store_holding.h"

/* Clients a build call writes the entries of before it returns. */
#define AGENDA_BUILD_BATCH 2000
/* Meta keys: the build is done; where the next build call starts. */
#define AGENDA_BUILT_KEY "agenda_clients_built"
#define AGENDA_NEXT_KEY  "agenda_clients_next"

int64_t store_agenda_day_of_time(int64_t t)
{
    return (t >= 0 ? t : t - 86399) / 86400;
}

int64_t store_agenda_stay_first_due(int64_t added, uint32_t interval, const uint8_t id[16])
{
    return added + 1 + (int64_t)(store_u64_from_key(id + 8) % interval);
}

/* The stay-in-touch entry of c (client id); false when it has none. */
static bool stay_key(const uint8_t id[16], const Folio__Client *c, struct store_agenda_key *key)
{
    if (c == NULL || c->owner_id == 0)
        return false;
    memset(key, 0, sizeof(*key));
    key->owner_id = c->owner_id;
    memcpy(key->client_id, id, 16);
    int64_t since;
    bool never = calendar_parse(c->last_contact, &since) != 0;
    int64_t added = store_agenda_day_of_time(c->created_at);
    uint32_t own = c->contact_interval_days;
    if (own > 0) {
        key->kind = STORE_AGENDA_STAY_DUE;
        key->date = calendar_key(never ? store_agenda_stay_first_due(added, own, id) : since + own);
    } else if (never) {
        key->kind = STORE_AGENDA_STAY_NEW;
        key->date = calendar_key(added);
    } else {
        key->kind = STORE_AGENDA_STAY_SINCE;
        key->date = calendar_key(since);
    }
    return true;
}

static bool same_key(const struct store_agenda_key *a, const struct store_agenda_key *b)
{
    return a->owner_id == b->owner_id && a->kind == b->kind && a->date == b->date;
}

static int stay_update(struct store *s, MDB_txn *txn, const uint8_t id[16],
                       const Folio__Client *old, const Folio__Client *new)
{
    struct store_agenda_key was, now;
    bool had = stay_key(id, old, &was), has = stay_key(id, new, &now);
    int rc;
    if (had && (!has || !same_key(&was, &now)) && (rc = store_agenda_delete(s, txn, &was)) != 0)
        return rc;
    if (!has)
        return 0;
    /* store_agenda_put leaves an entry that is the same as it was alone. */
    return store_agenda_put(s, txn, &now, new->name, strlen(new->name));
}

static int area_update(struct store *s, MDB_txn *txn, const uint8_t id[16],
                       enum store_agenda_area area, const Folio__Client *old, const char *old_name,
                       const Folio__Client *new, const char *new_name)
{
    uint64_t was = old != NULL ? old->owner_id : 0, now = new != NULL ? new->owner_id : 0;
    bool same =
        was == now && old_name != NULL && new_name != NULL && strcasecmp(old_name, new_name) == 0;
    if (same)
        return 0;
    int rc = 0;
    if (was != 0 && (rc = store_agenda_area_delete(s, txn, was, area, old_name, id)) != 0)
        return rc;
    if (now != 0)
        rc = store_agenda_area_put(s, txn, now, area, new_name, id);
    return rc;
}

int store_agenda_client_update(struct store *s, MDB_txn *txn, const uint8_t id[16],
                               const Folio__Client *old, const Folio__Client *new)
{
    int rc = stay_update(s, txn, id, old, new);
    if (rc == 0)
        rc = area_update(s, txn, id, STORE_AGENDA_CITY, old, old != NULL ? old->city : NULL, new,
                         new != NULL ? new->city : NULL);
    if (rc == 0)
        rc = area_update(s, txn, id, STORE_AGENDA_REGION, old, old != NULL ? old->region : NULL,
                         new, new != NULL ? new->region : NULL);
    return rc;
}

static int agenda_build_visit(struct store *s, MDB_txn *txn, const uint8_t id[16],
                              const Folio__Client *client)
{
    int rc = store_agenda_client_update(s, txn, id, NULL, client);
    return rc != 0 ? rc : store_holding_agenda_client(s, txn, id);
}

int store_agenda_client_build(struct store *s, MDB_txn *txn, bool *done)
{
    const struct store_client_build build = {AGENDA_BUILT_KEY, AGENDA_NEXT_KEY, AGENDA_BUILD_BATCH,
                                             agenda_build_visit};
    return store_client_build(s, txn, &build, done);
}
