/* store_holding.c - see store_holding.h.
 *
 * Index values are empty; the key says it all: owner id + holding id, and
 * client id + holding id. A replaced holding's old entries go before the
 * new ones are written. */
#include "store_holding.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "client_id.h"

#define HOLDING_OWNER_KEY  (8 + 8)
#define HOLDING_CLIENT_KEY (16 + 8)

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
    int rc;
    if (put) {
        if ((rc = mdb_put(txn, s->holdings_by_owner, &ko, &empty, 0)) == 0)
            rc = mdb_put(txn, s->holdings_by_client, &kc, &empty, 0);
        return rc;
    }
    if ((rc = mdb_del(txn, s->holdings_by_owner, &ko, NULL)) != 0 && rc != MDB_NOTFOUND)
        return rc;
    rc = mdb_del(txn, s->holdings_by_client, &kc, NULL);
    return rc == MDB_NOTFOUND ? 0 : rc;
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
