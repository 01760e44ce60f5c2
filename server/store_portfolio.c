/* store_portfolio.c - see store_portfolio.h.
 *
 * Every move goes through the writers that own each index (store_client_put,
 * store_offer_put, store_coupon_put), which drop the entries of the stored
 * record before writing the new ones; only the FOLLOW_UP and EVENT agenda
 * entries of the timeline have no such writer, so they are moved here the
 * way op_client.c writes them. The client's agenda marks are keyed by the
 * client and stay put; only their SNOOZED entries move
 * (store_agenda_state.h). Tasks about the client go to its new owner
 * (store_task.h).
 *
 * Offers and coupons are collected first and rewritten after the walk: the
 * puts delete and re-add the very index entries the walk would stand on.
 */
#include "store_portfolio.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "calendar.h"
#include "client_record.h"
#include "store_agenda.h"
#include "store_agenda_state.h"
#include "store_client.h"
#include "store_coupon.h"
#include "store_holding.h"
#include "store_offer.h"
#include "store_task.h"

#define TIMELINE_KEY_BYTES (STORE_CLIENT_ID_BYTES + 8)
#define COUPON_CODE_MAX    STORE_AGENDA_CODE_MAX

/* Moves the FOLLOW_UP and EVENT entries one stored event stands behind. */
static int portfolio_event_move(struct store *s, MDB_txn *txn, const uint8_t id[16], uint64_t from,
                                uint64_t to, const MDB_val *v)
{
    Folio__TimelineEvent *ev = folio__timeline_event__unpack(NULL, v->mv_size, v->mv_data);
    if (ev == NULL)
        return EINVAL;
    struct store_agenda_key key = {.seq = ev->seq};
    memcpy(key.client_id, id, 16);
    int rc = 0;
    if (ev->follow_up[0] != '\0') {
        key.kind = STORE_AGENDA_FOLLOW_UP;
        key.date = calendar_text_key(ev->follow_up);
        key.owner_id = from;
        if ((rc = store_agenda_delete(s, txn, &key)) == 0) {
            key.owner_id = to;
            rc = store_agenda_put(s, txn, &key, NULL, 0);
        }
    }
    if (rc == 0 && ev->trigger[0] != '\0') {
        key.kind = STORE_AGENDA_EVENT;
        key.date = calendar_text_key(ev->date);
        key.owner_id = from;
        if ((rc = store_agenda_delete(s, txn, &key)) == 0) {
            key.owner_id = to;
            rc = store_agenda_put(s, txn, &key, ev->trigger, strlen(ev->trigger));
        }
    }
    folio__timeline_event__free_unpacked(ev, NULL);
    return rc;
}

/* A growing list of fixed-size keys (offer ids, coupon codes). */
struct portfolio_keys {
    uint8_t *data;
    size_t count, cap, size;
};

static int portfolio_keys_add(struct portfolio_keys *keys, const void *key, size_t len)
{
    if (keys->count == keys->cap) {
        size_t cap = keys->cap == 0 ? 16 : keys->cap * 2;
        if (cap < keys->cap || cap > SIZE_MAX / keys->size)
            return ENOMEM;
        uint8_t *data = realloc(keys->data, cap * keys->size);
        if (data == NULL)
            return ENOMEM;
        keys->data = data;
        keys->cap = cap;
    }
    uint8_t *slot = keys->data + keys->count * keys->size;
    memset(slot, 0, keys->size);
    memcpy(slot, key, len < keys->size ? len : keys->size);
    keys->count++;
    return 0;
}

struct portfolio_move {
    struct store *s;
    MDB_txn *txn;
    const uint8_t *id;
    uint64_t from, to;
    struct portfolio_keys *keys;
    size_t max_suffix;
};

/* store_prefix_fn over the client's timeline; a key of another length ends
 * the walk. */
static int portfolio_timeline_visit(void *ctx, const uint8_t *rest, size_t rest_len,
                                    const MDB_val *value)
{
    (void)rest;
    const struct portfolio_move *m = ctx;
    if (rest_len != TIMELINE_KEY_BYTES - 16)
        return 1;
    return portfolio_event_move(m->s, m->txn, m->id, m->from, m->to, value);
}

static int portfolio_timeline_move(struct store *s, MDB_txn *txn, const uint8_t id[16],
                                   uint64_t from, uint64_t to)
{
    struct portfolio_move m = {.s = s, .txn = txn, .id = id, .from = from, .to = to};
    int rc = store_each_with_prefix(txn, s->timeline, id, 16, portfolio_timeline_visit, &m);
    return rc == 1 ? 0 : rc;
}

/* store_prefix_fn collecting the suffixes of a by-client index that can
 * name a record. */
static int portfolio_collect_visit(void *ctx, const uint8_t *rest, size_t rest_len,
                                   const MDB_val *value)
{
    (void)value;
    const struct portfolio_move *m = ctx;
    return rest_len > m->max_suffix ? 0 : portfolio_keys_add(m->keys, rest, rest_len);
}

/* Gives one offer or coupon, named by its collected key, to its new owner. */
typedef int (*portfolio_record_move_fn)(struct store *s, MDB_txn *txn, const uint8_t *key,
                                        uint64_t to, struct arena *arena);

static int portfolio_offer_move(struct store *s, MDB_txn *txn, const uint8_t *key, uint64_t to,
                                struct arena *arena)
{
    Folio__Offer *offer;
    int rc = store_offer_get(s, txn, store_u64_from_key(key), arena, &offer);
    if (rc == 0 && offer->owner_id != to) {
        offer->owner_id = to;
        rc = store_offer_put(s, txn, offer);
    }
    return rc;
}

static int portfolio_coupon_move(struct store *s, MDB_txn *txn, const uint8_t *key, uint64_t to,
                                 struct arena *arena)
{
    Folio__Coupon *coupon;
    int rc = store_coupon_get(s, txn, (const char *)key, arena, &coupon);
    if (rc == 0 && coupon->owner_id != to) {
        coupon->owner_id = to;
        rc = store_coupon_put(s, txn, coupon);
    }
    return rc;
}

/* Collects the client's entries in a by-client index (keys of key_size,
 * suffixes up to max_suffix), then moves each record they name. */
static int portfolio_index_move(struct store *s, MDB_txn *txn, MDB_dbi dbi, const uint8_t id[16],
                                size_t key_size, size_t max_suffix, portfolio_record_move_fn move,
                                uint64_t to)
{
    struct portfolio_keys keys = {.size = key_size};
    struct portfolio_move m = {.keys = &keys, .max_suffix = max_suffix};
    int rc = store_each_with_prefix(txn, dbi, id, 16, portfolio_collect_visit, &m);
    for (size_t i = 0; rc == 0 && i < keys.count; i++) {
        struct arena arena;
        arena_init(&arena, 0);
        rc = move(s, txn, keys.data + i * keys.size, to, &arena);
        arena_free(&arena);
        if (rc == MDB_NOTFOUND)
            rc = 0; /* a stale index entry: nothing to move */
    }
    free(keys.data);
    return rc;
}

int store_portfolio_move(struct store *s, MDB_txn *txn, Folio__Client *client, uint64_t to_owner_id)
{
    uint8_t id[STORE_CLIENT_ID_BYTES];
    if (client_id_parse(client->id, id) != 0)
        return EINVAL;
    uint64_t from = client->owner_id;
    int rc;
    if (from != to_owner_id &&
        ((rc = portfolio_timeline_move(s, txn, id, from, to_owner_id)) != 0 ||
         (rc = portfolio_index_move(s, txn, s->offers_by_client, id, 8, 8, portfolio_offer_move,
                                    to_owner_id)) != 0 ||
         (rc = portfolio_index_move(s, txn, s->coupons_by_client, id, COUPON_CODE_MAX + 1,
                                    COUPON_CODE_MAX, portfolio_coupon_move, to_owner_id)) != 0 ||
         (rc = store_holding_move_client(s, txn, id, NULL, to_owner_id)) != 0 ||
         (rc = store_agenda_state_move(s, txn, id, from, to_owner_id)) != 0 ||
         (rc = store_task_move_client(s, txn, id, to_owner_id)) != 0))
        return rc;
    /* store_client_put moves clients_by_owner and the BIRTHDAY entry. */
    client->owner_id = to_owner_id;
    return store_client_put(s, txn, id, client);
}
