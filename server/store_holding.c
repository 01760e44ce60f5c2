/* store_holding.c - see store_holding.h.
 *
 * Index values are empty; the key says it all: owner id + holding id, and
 * client id + holding id; the holding's agenda entry (renewal or lapse)
 * holds the client id, so the agenda knows whose it is unread. A replaced holding's old entries go
 * before the new ones are written. */
#include "store_holding.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "calendar.h"
#include "client_id.h"
#include "store_agenda.h"

#define HOLDING_OWNER_KEY  (8 + 8)
#define HOLDING_CLIENT_KEY (16 + 8)
/* The meta key that says the holdings of this directory have their agenda
 * entries (store_holding_agenda_seed). */
#define HOLDING_AGENDA_KEY "holding-agenda"

/* The agenda entry a holding stands behind: its renewal while it is
 * active, its end while it is lapsed or cancelled (an agent wins it back);
 * false when it has none. */
static bool holding_agenda_key(const Folio__Holding *h, struct store_agenda_key *key)
{
    const char *date = NULL;
    enum store_agenda_kind kind = STORE_AGENDA_RENEWAL;
    if (strcmp(h->status, "active") == 0)
        date = h->renews_on;
    else if (strcmp(h->status, "lapsed") == 0 || strcmp(h->status, "cancelled") == 0) {
        date = h->ends_on;
        kind = STORE_AGENDA_LAPSE;
    }
    int y, m, d;
    if (date == NULL || calendar_parse_date(date, &y, &m, &d) != 0)
        return false;
    memset(key, 0, sizeof(*key));
    key->owner_id = h->owner_id;
    key->kind = kind;
    key->date = (uint32_t)y * 10000 + (uint32_t)m * 100 + (uint32_t)d;
    key->seq = h->id;
    return true;
}

static int holding_index(struct store *s, MDB_txn *txn, const Folio__Holding *h, bool put)
{
    uint8_t client[16];
    if (client_id_parse(h->client_id, client) != 0)
        return EINVAL;
    uint8_t okey[HOLDING_OWNER_KEY], ckey[HOLDING_CLIENT_KEY];
    store_key_u64(okey, h->owner_id);
    store_key_u64(okey + 8, h->id);
    memcpy(ckey, client, 16);
    store_key_u64(ckey + 16, h->id);
    MDB_val ko = {sizeof(okey), okey}, kc = {sizeof(ckey), ckey}, empty = {0, NULL};
    struct store_agenda_key agenda;
    bool dated = holding_agenda_key(h, &agenda);
    int rc;
    if (put) {
        if ((rc = mdb_put(txn, s->holdings_by_owner, &ko, &empty, 0)) == 0 &&
            (rc = mdb_put(txn, s->holdings_by_client, &kc, &empty, 0)) == 0 && dated)
            rc = store_agenda_put(s, txn, &agenda, client, sizeof(client));
        return rc;
    }
    if ((rc = mdb_del(txn, s->holdings_by_owner, &ko, NULL)) != 0 && rc != MDB_NOTFOUND)
        return rc;
    if ((rc = mdb_del(txn, s->holdings_by_client, &kc, NULL)) != 0 && rc != MDB_NOTFOUND)
        return rc;
    return dated ? store_agenda_delete(s, txn, &agenda) : 0;
}

int store_holding_get(struct store *s, MDB_txn *txn, uint64_t id, struct arena *arena,
                      Folio__Holding **out)
{
    return store_get_by_id(txn, s->holdings, id, &folio__holding__descriptor, arena, (void **)out);
}

int store_holding_put(struct store *s, MDB_txn *txn, Folio__Holding *holding)
{
    int rc;
    if (holding->id == 0) {
        if ((rc = store_next_id(txn, s->holdings, &holding->id)) != 0)
            return rc;
    } else {
        Folio__Holding *old;
        rc = store_holding_get(s, txn, holding->id, NULL, &old);
        if (rc == 0) {
            rc = holding_index(s, txn, old, false);
            folio__holding__free_unpacked(old, NULL);
        }
        if (rc != 0 && rc != MDB_NOTFOUND)
            return rc;
    }
    if ((rc = holding_index(s, txn, holding, true)) != 0)
        return rc;
    Folio__Holding rec = *holding;
    rec.client_name = (char *)protobuf_c_empty_string;
    return store_put_by_id(txn, s->holdings, holding->id, &rec.base, 0);
}

struct holding_walk {
    struct store *s;
    MDB_txn *txn;
    store_holding_fn fn;
    void *ctx;
};

static int holding_each_visit(void *ctx, const uint8_t *rest, size_t rest_len, const MDB_val *value)
{
    (void)value;
    const struct holding_walk *walk = ctx;
    if (rest_len != 8)
        return 1;
    Folio__Holding *h;
    int rc = store_holding_get(walk->s, walk->txn, store_u64_from_key(rest), NULL, &h);
    if (rc != 0)
        return rc == MDB_NOTFOUND ? EINVAL : rc; /* the index names a missing holding: damage */
    rc = walk->fn(walk->ctx, h);
    folio__holding__free_unpacked(h, NULL);
    return rc;
}

int store_holding_each(struct store *s, MDB_txn *txn, uint64_t owner_id, const uint8_t *client,
                       uint64_t after, store_holding_fn fn, void *ctx)
{
    if (after == UINT64_MAX)
        return 0;
    uint8_t start[HOLDING_CLIENT_KEY];
    size_t prefix = 8;
    MDB_dbi dbi = s->holdings_by_owner;
    if (client != NULL) {
        memcpy(start, client, 16);
        prefix = 16;
        dbi = s->holdings_by_client;
    } else {
        store_key_u64(start, owner_id);
    }
    store_key_u64(start + prefix, after + 1);
    struct holding_walk walk = {s, txn, fn, ctx};
    int rc = store_each_with_prefix_from(txn, dbi, start, prefix, start, prefix + 8,
                                         holding_each_visit, &walk);
    return rc == 1 ? 0 : rc;
}

struct holding_kind_test {
    const char *kind;
    bool *holds;
};

static int holding_kind_visit(void *ctx, const Folio__Holding *h)
{
    struct holding_kind_test *t = ctx;
    *t->holds = strcmp(h->status, "active") == 0 && strcmp(h->kind, t->kind) == 0;
    return *t->holds ? 1 : 0;
}

int store_holding_client_has(struct store *s, MDB_txn *txn, const uint8_t client[16],
                             const char *kind, bool *holds)
{
    *holds = false;
    struct holding_kind_test t = {kind, holds};
    return store_holding_each(s, txn, 0, client, 0, holding_kind_visit, &t);
}

/* The ids of the client's holdings, collected first: moving one rewrites
 * the index being read. */
struct holding_ids {
    uint64_t *ids;
    size_t n, cap;
};

static int holding_collect(void *ctx, const uint8_t *rest, size_t rest_len, const MDB_val *value)
{
    (void)value;
    struct holding_ids *ids = ctx;
    if (rest_len != 8)
        return 0;
    if (ids->n == ids->cap) {
        size_t cap = ids->cap ? 2 * ids->cap : 16;
        uint64_t *grown = realloc(ids->ids, cap * sizeof(*grown));
        if (grown == NULL)
            return ENOMEM;
        ids->ids = grown;
        ids->cap = cap;
    }
    ids->ids[ids->n++] = store_u64_from_key(rest);
    return 0;
}

/* Applies to every holding of client: to_client/to_owner as in the header,
 * or deletes them (remove). */
static int holding_client_each(struct store *s, MDB_txn *txn, const uint8_t client[16],
                               const char *to_client, uint64_t to_owner, bool remove)
{
    struct holding_ids ids = {0};
    int rc = store_each_with_prefix(txn, s->holdings_by_client, client, 16, holding_collect, &ids);
    for (size_t i = 0; rc == 0 && i < ids.n; i++) {
        Folio__Holding *h;
        rc = store_holding_get(s, txn, ids.ids[i], NULL, &h);
        if (rc == MDB_NOTFOUND) {
            rc = 0;
            continue;
        }
        if (rc != 0)
            break;
        if (remove) {
            if ((rc = holding_index(s, txn, h, false)) == 0) {
                uint8_t key[8];
                store_key_u64(key, h->id);
                MDB_val k = {sizeof(key), key};
                rc = mdb_del(txn, s->holdings, &k, NULL);
            }
        } else {
            char *was = h->client_id;
            if (to_client != NULL)
                h->client_id = (char *)to_client;
            h->owner_id = to_owner;
            rc = store_holding_put(s, txn, h);
            h->client_id = was;
        }
        folio__holding__free_unpacked(h, NULL);
    }
    free(ids.ids);
    return rc;
}

int store_holding_move_client(struct store *s, MDB_txn *txn, const uint8_t from[16],
                              const char *to_client, uint64_t to_owner)
{
    return holding_client_each(s, txn, from, to_client, to_owner, false);
}

int store_holding_delete_client(struct store *s, MDB_txn *txn, const uint8_t client[16])
{
    return holding_client_each(s, txn, client, NULL, 0, true);
}

/* One stored holding: its agenda entry. */
static int holding_agenda_visit(void *ctx, const uint8_t *rest, size_t rest_len,
                                const MDB_val *value)
{
    (void)rest;
    (void)rest_len;
    struct holding_walk *walk = ctx;
    Folio__Holding *h =
        folio__holding__unpack(NULL, value->mv_size, (const uint8_t *)value->mv_data);
    if (h == NULL)
        return EINVAL;
    struct store_agenda_key key;
    uint8_t client[16];
    int rc = holding_agenda_key(h, &key) && client_id_parse(h->client_id, client) == 0
                 ? store_agenda_put(walk->s, walk->txn, &key, client, sizeof(client))
                 : 0;
    folio__holding__free_unpacked(h, NULL);
    return rc;
}

int store_holding_agenda_seed(struct store *s, MDB_txn *txn)
{
    uint64_t done;
    int rc = store_get_u64(txn, s->meta, HOLDING_AGENDA_KEY, strlen(HOLDING_AGENDA_KEY), &done);
    if (rc != MDB_NOTFOUND)
        return rc; /* 0: done before */
    static const uint8_t first[8] = {0};
    struct holding_walk walk = {.s = s, .txn = txn};
    rc = store_each_with_prefix_from(txn, s->holdings, first, 0, first, sizeof(first),
                                     holding_agenda_visit, &walk);
    if (rc != 0)
        return rc;
    return store_put_u64(txn, s->meta, HOLDING_AGENDA_KEY, strlen(HOLDING_AGENDA_KEY), 1, 0);
}

/* One of the client's holdings: its agenda entry, with the client id. */
static int holding_agenda_client_visit(void *ctx, const Folio__Holding *h)
{
    struct holding_walk *walk = ctx;
    struct store_agenda_key key;
    uint8_t client[16];
    if (!holding_agenda_key(h, &key) || client_id_parse(h->client_id, client) != 0)
        return 0;
    return store_agenda_put(walk->s, walk->txn, &key, client, sizeof(client));
}

int store_holding_agenda_client(struct store *s, MDB_txn *txn, const uint8_t client[16])
{
    struct holding_walk walk = {.s = s, .txn = txn};
    return store_holding_each(s, txn, 0, client, 0, holding_agenda_client_visit, &walk);
}
