/* store_offer.c - see store_offer.h.
 *
 * store_offer_put and store_offer_delete_client are the only writers of
 * offers and its indexes, so they alone keep them in step: a replaced
 * offer's old entries go before the new ones are written, whatever changed.
 * Index values are empty; the key says it all.
 */
#include "store_offer.h"

#include <errno.h>
#include <string.h>

#include "calendar.h"
#include "client_record.h"
#include "store_agenda.h"

#define OFFER_OWNER_KEY_BYTES  (8 + 8)
#define OFFER_CLIENT_KEY_BYTES (16 + 8)

static void owner_key(uint8_t out[OFFER_OWNER_KEY_BYTES], uint64_t owner_id, uint64_t id)
{
    store_key_u64(out, owner_id);
    store_key_u64(out + 8, id);
}

static void client_key(uint8_t out[OFFER_CLIENT_KEY_BYTES], const uint8_t client_id[16],
                       uint64_t id)
{
    memcpy(out, client_id, 16);
    store_key_u64(out + 16, id);
}

static bool offer_open(const Folio__Offer *offer)
{
    return strcmp(offer->status, "proposed") == 0 || strcmp(offer->status, "sent") == 0;
}

/* The OFFER agenda key of an offer; false when valid_until is not a date
 * (then there is no entry). */
static bool agenda_key(const Folio__Offer *offer, struct store_agenda_key *key)
{
    int y, m, d;
    if (calendar_parse_date(offer->valid_until, &y, &m, &d) != 0)
        return false;
    memset(key, 0, sizeof(*key));
    key->owner_id = offer->owner_id;
    key->kind = STORE_AGENDA_OFFER;
    key->date = (uint32_t)y * 10000 + (uint32_t)m * 100 + (uint32_t)d;
    key->seq = offer->id;
    return true;
}

/* Writes (put) or removes every index entry of offer. */
static int offer_index(struct store *s, MDB_txn *txn, const Folio__Offer *offer, bool put)
{
    uint8_t client_id[16];
    if (client_id_parse(offer->client_id, client_id) != 0)
        return EINVAL;
    uint8_t okey[OFFER_OWNER_KEY_BYTES], ckey[OFFER_CLIENT_KEY_BYTES];
    owner_key(okey, offer->owner_id, offer->id);
    client_key(ckey, client_id, offer->id);
    MDB_val ko = {sizeof(okey), okey}, kc = {sizeof(ckey), ckey};
    MDB_val empty = {0, NULL};
    int rc;
    if (put) {
        if ((rc = mdb_put(txn, s->offers_by_owner, &ko, &empty, 0)) != 0 ||
            (rc = mdb_put(txn, s->offers_by_client, &kc, &empty, 0)) != 0)
            return rc;
    } else {
        if ((rc = mdb_del(txn, s->offers_by_owner, &ko, NULL)) != 0 && rc != MDB_NOTFOUND)
            return rc;
        if ((rc = mdb_del(txn, s->offers_by_client, &kc, NULL)) != 0 && rc != MDB_NOTFOUND)
            return rc;
    }
    struct store_agenda_key key;
    if (!agenda_key(offer, &key))
        return 0;
    if (put && offer_open(offer))
        return store_agenda_put(s, txn, &key, NULL, 0);
    return store_agenda_delete(s, txn, &key);
}

/* The stored offer under id, unpacked with the default allocator (free it
 * with folio__offer__free_unpacked). */
static int offer_load(struct store *s, MDB_txn *txn, uint64_t id, Folio__Offer **out)
{
    return store_get_by_id(txn, s->offers, id, &folio__offer__descriptor, NULL, (void **)out);
}

int store_offer_put(struct store *s, MDB_txn *txn, Folio__Offer *offer)
{
    int rc;
    if (offer->id == 0) {
        if ((rc = store_next_id(txn, s->offers, &offer->id)) != 0)
            return rc;
    } else {
        Folio__Offer *old;
        rc = offer_load(s, txn, offer->id, &old);
        if (rc == 0) {
            rc = offer_index(s, txn, old, false);
            folio__offer__free_unpacked(old, NULL);
        }
        if (rc != 0 && rc != MDB_NOTFOUND)
            return rc;
    }
    if ((rc = offer_index(s, txn, offer, true)) != 0)
        return rc;
    /* The agent's card and the client's name are filled in for replies;
     * storing them would only let them go stale. */
    Folio__Offer rec = *offer;
    rec.agent = NULL;
    rec.client_name = (char *)protobuf_c_empty_string;
    return store_put_by_id(txn, s->offers, offer->id, &rec.base, 0);
}

int store_offer_get(struct store *s, MDB_txn *txn, uint64_t id, struct arena *arena,
                    Folio__Offer **out)
{
    return store_get_by_id(txn, s->offers, id, &folio__offer__descriptor, arena, (void **)out);
}

struct offer_each_walk {
    struct store *s;
    MDB_txn *txn;
    store_offer_fn fn;
    void *ctx;
};

/* An offers_by_owner entry; a key of another length ends the walk. */
static int offer_each_visit(void *ctx, const uint8_t *rest, size_t rest_len, const MDB_val *value)
{
    (void)value;
    const struct offer_each_walk *walk = ctx;
    if (rest_len != 8)
        return 1;
    Folio__Offer *offer;
    int rc = offer_load(walk->s, walk->txn, store_u64_from_key(rest), &offer);
    if (rc != 0) {
        /* The index names a missing offer: damage, not the end. */
        return rc == MDB_NOTFOUND ? EINVAL : rc;
    }
    rc = walk->fn(walk->ctx, offer);
    folio__offer__free_unpacked(offer, NULL);
    return rc;
}

int store_offer_each(struct store *s, MDB_txn *txn, uint64_t owner_id, uint64_t after,
                     store_offer_fn fn, void *ctx)
{
    if (after == UINT64_MAX)
        return 0;
    uint8_t start[OFFER_OWNER_KEY_BYTES];
    owner_key(start, owner_id, after + 1);
    struct offer_each_walk walk = {s, txn, fn, ctx};
    int rc = store_each_with_prefix_from(txn, s->offers_by_owner, start, 8, start, sizeof(start),
                                         offer_each_visit, &walk);
    return rc == 1 ? 0 : rc;
}

/* Every offer of client from goes to client to, or (to NULL) is deleted.
 * Each pass takes the client's first remaining entry, so the next search
 * finds the one after it; the entry goes whatever its offer says (a stale
 * one, or one that thinks it belongs elsewhere), or the loop would not end. */
static int offer_client_rehome(struct store *s, MDB_txn *txn, const uint8_t from[16],
                               const char *to)
{
    MDB_cursor *cur;
    int rc = mdb_cursor_open(txn, s->offers_by_client, &cur);
    if (rc != 0)
        return rc;
    uint8_t start[OFFER_CLIENT_KEY_BYTES];
    client_key(start, from, 0);
    for (;;) {
        MDB_val k = {sizeof(start), start}, v;
        rc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE);
        if (rc != 0 || k.mv_size != OFFER_CLIENT_KEY_BYTES || memcmp(k.mv_data, from, 16) != 0)
            break;
        uint64_t id = store_u64_from_key((const uint8_t *)k.mv_data + 16);
        Folio__Offer *offer;
        rc = offer_load(s, txn, id, &offer);
        if (rc == 0) {
            char *was = offer->client_id;
            if (to != NULL) {
                offer->client_id = (char *)to;
                rc = store_offer_put(s, txn, offer);
            } else if ((rc = offer_index(s, txn, offer, false)) == 0) {
                uint8_t key[8];
                store_key_u64(key, id);
                MDB_val ok = {sizeof(key), key};
                rc = mdb_del(txn, s->offers, &ok, NULL);
            }
            offer->client_id = was;
            folio__offer__free_unpacked(offer, NULL);
        }
        if (rc == 0 || rc == MDB_NOTFOUND) {
            uint8_t key[OFFER_CLIENT_KEY_BYTES];
            client_key(key, from, id);
            MDB_val entry = {sizeof(key), key};
            if ((rc = mdb_del(txn, s->offers_by_client, &entry, NULL)) == MDB_NOTFOUND)
                rc = 0;
        }
        if (rc != 0)
            break;
    }
    mdb_cursor_close(cur);
    return rc == MDB_NOTFOUND ? 0 : rc;
}

int store_offer_move_client(struct store *s, MDB_txn *txn, const uint8_t from[16], const char *to)
{
    return offer_client_rehome(s, txn, from, to);
}

int store_offer_delete_client(struct store *s, MDB_txn *txn, const uint8_t client_id[16])
{
    return offer_client_rehome(s, txn, client_id, NULL);
}
