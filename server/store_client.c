/* store_client.c - see store_client.h.
 *
 * store_client_put and store_client_delete are the only writers of clients
 * and clients_by_owner, so they alone keep the index in step: they read the
 * stored owner before changing anything. An index value is the client's
 * summary (client_summary.h), rewritten with every put, so walks that need
 * only a few fields never unpack a record. Entries written before summaries
 * existed are empty: the walks summarise the record itself for those, and the
 * next put of the client fills the entry in.
 *
 * They also keep the client's search entries (store_search.h), its
 * BIRTHDAY agenda entry and its stay-in-touch and place entries
 * (store_agenda_client.h) in step, and erasure
 * removes the FOLLOW_UP and EVENT entries its timeline stands behind
 * (store_agenda.h), its agenda marks (store_agenda_state.h) and the tasks
 * about it (store_task.h).
 *
 * Walks over a portfolio unpack each record with the default allocator and
 * free it at once, so a walk costs one record's memory however big the
 * portfolio is.
 */
#include "store_client.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "calendar.h"
#include "client_id.h"
#include "client_record.h"
#include "client_summary.h"
#include "store_agenda.h"
#include "store_agenda_client.h"
#include "store_agenda_state.h"
#include "store_search.h"
#include "store_task.h"

#define CLIENT_LIST_MAX    1000
#define TIMELINE_LIST_MAX  1000
#define OWNER_KEY_BYTES    (8 + STORE_CLIENT_ID_BYTES)
#define TIMELINE_KEY_BYTES (STORE_CLIENT_ID_BYTES + 8)

static void owner_key(uint8_t out[OWNER_KEY_BYTES], uint64_t owner_id,
                      const uint8_t id[STORE_CLIENT_ID_BYTES])
{
    store_key_u64(out, owner_id);
    memcpy(out + 8, id, STORE_CLIENT_ID_BYTES);
}

static void timeline_key(uint8_t out[TIMELINE_KEY_BYTES], const uint8_t id[STORE_CLIENT_ID_BYTES],
                         uint64_t seq)
{
    memcpy(out, id, STORE_CLIENT_ID_BYTES);
    store_key_u64(out + STORE_CLIENT_ID_BYTES, seq);
}

static bool owner_key_of(const MDB_val *k, uint64_t owner_id)
{
    uint8_t prefix[8];
    store_key_u64(prefix, owner_id);
    return k->mv_size == OWNER_KEY_BYTES && memcmp(k->mv_data, prefix, 8) == 0;
}

static bool timeline_key_of(const MDB_val *k, const uint8_t id[STORE_CLIENT_ID_BYTES])
{
    return k->mv_size == TIMELINE_KEY_BYTES && memcmp(k->mv_data, id, STORE_CLIENT_ID_BYTES) == 0;
}

/* YYYYMMDD for a real date, 0 otherwise; with yearly, month * 100 + day
 * (the BIRTHDAY key), also of a birthday without its year. */
static uint32_t agenda_date(const char *text, bool yearly)
{
    int y, m, d;
    if (yearly && client_birthday_yearless(text, &m, &d))
        return (uint32_t)m * 100 + (uint32_t)d;
    if (text == NULL || calendar_parse_date(text, &y, &m, &d) != 0)
        return 0;
    return (yearly ? 0 : (uint32_t)y * 10000) + (uint32_t)m * 100 + (uint32_t)d;
}

static int birthday_entry(struct store *s, MDB_txn *txn, const uint8_t id[STORE_CLIENT_ID_BYTES],
                          uint64_t owner_id, uint32_t month_day, bool put)
{
    if (month_day == 0)
        return 0;
    struct store_agenda_key key = {
        .owner_id = owner_id, .kind = STORE_AGENDA_BIRTHDAY, .date = month_day};
    memcpy(key.client_id, id, STORE_CLIENT_ID_BYTES);
    return put ? store_agenda_put(s, txn, &key, NULL, 0) : store_agenda_delete(s, txn, &key);
}

int store_client_get(struct store *s, MDB_txn *txn, const uint8_t id[STORE_CLIENT_ID_BYTES],
                     struct arena *arena, Folio__Client **out)
{
    return store_get_message(txn, s->clients, id, STORE_CLIENT_ID_BYTES, &folio__client__descriptor,
                             arena, (void **)out);
}

int store_client_get_packed(struct store *s, MDB_txn *txn, const uint8_t id[STORE_CLIENT_ID_BYTES],
                            MDB_val *out)
{
    MDB_val k = {STORE_CLIENT_ID_BYTES, (void *)id};
    return mdb_get(txn, s->clients, &k, out);
}

/* Most changes (notes, phones, a later contact...) leave the summary as it
 * was: then its page stays out of the commit. */
static int summary_put(struct store *s, MDB_txn *txn, const uint8_t id[STORE_CLIENT_ID_BYTES],
                       const Folio__Client *client)
{
    uint8_t key[OWNER_KEY_BYTES];
    owner_key(key, client->owner_id, id);
    MDB_val k = {sizeof(key), key};
    uint8_t small[1024];
    size_t size = client_summary_size(client);
    uint8_t *buf = size <= sizeof(small) ? small : malloc(size);
    if (buf == NULL)
        return ENOMEM;
    MDB_val v = {client_summary_encode(client, buf), buf};
    int rc = store_put_changed(txn, s->clients_by_owner, &k, &v);
    if (buf != small)
        free(buf);
    return rc;
}

/* store_client_put with the stored record (NULL: none) read. */
static int client_put_indexed(struct store *s, MDB_txn *txn,
                              const uint8_t id[STORE_CLIENT_ID_BYTES], const Folio__Client *old,
                              const Folio__Client *client)
{
    bool existed = old != NULL;
    uint64_t old_owner = existed ? old->owner_id : 0;
    uint32_t old_birthday = existed ? agenda_date(old->birth_date, true) : 0;
    int rc;
    uint32_t birthday = agenda_date(client->birth_date, true);
    if (existed && (old_owner != client->owner_id || old_birthday != birthday) &&
        (rc = birthday_entry(s, txn, id, old_owner, old_birthday, false)) != 0)
        return rc;
    if ((rc = birthday_entry(s, txn, id, client->owner_id, birthday, true)) != 0)
        return rc;
    if (existed && old_owner != client->owner_id) {
        uint8_t key[OWNER_KEY_BYTES];
        owner_key(key, old_owner, id);
        MDB_val k = {sizeof(key), key};
        rc = mdb_del(txn, s->clients_by_owner, &k, NULL);
        if (rc != 0 && rc != MDB_NOTFOUND)
            return rc;
    }
    if ((rc = summary_put(s, txn, id, client)) != 0 ||
        (rc = store_search_update(s, txn, id, old, client)) != 0 ||
        (rc = store_agenda_client_update(s, txn, id, old, client)) != 0)
        return rc;
    /* The owner's name and the trend are filled in for replies; storing
     * them would only let them go stale. */
    Folio__Client rec = *client;
    rec.owner = (char *)protobuf_c_empty_string;
    rec.income_trend = (char *)protobuf_c_empty_string;
    return store_put_message(txn, s->clients, id, STORE_CLIENT_ID_BYTES, &rec.base, 0);
}

int store_client_put(struct store *s, MDB_txn *txn, const uint8_t id[STORE_CLIENT_ID_BYTES],
                     const Folio__Client *client)
{
    Folio__Client *old = NULL;
    int rc = store_client_get(s, txn, id, NULL, &old);
    if (rc != 0 && rc != MDB_NOTFOUND)
        return rc;
    rc = client_put_indexed(s, txn, id, old, client);
    if (old != NULL)
        folio__client__free_unpacked(old, NULL);
    return rc;
}

/* Removes the FOLLOW_UP and EVENT agenda entries a stored timeline event
 * stands behind. */
static int timeline_entries_delete(struct store *s, MDB_txn *txn,
                                   const uint8_t id[STORE_CLIENT_ID_BYTES], uint64_t owner_id,
                                   const MDB_val *v)
{
    Folio__TimelineEvent *ev = folio__timeline_event__unpack(NULL, v->mv_size, v->mv_data);
    if (ev == NULL)
        return EINVAL;
    struct store_agenda_key key = {.owner_id = owner_id, .seq = ev->seq};
    memcpy(key.client_id, id, STORE_CLIENT_ID_BYTES);
    int rc = 0;
    if (ev->follow_up[0] != '\0') {
        key.kind = STORE_AGENDA_FOLLOW_UP;
        key.date = agenda_date(ev->follow_up, false);
        rc = store_agenda_delete(s, txn, &key);
    }
    if (rc == 0 && ev->trigger[0] != '\0') {
        key.kind = STORE_AGENDA_EVENT;
        key.date = agenda_date(ev->date, false);
        rc = store_agenda_delete(s, txn, &key);
    }
    folio__timeline_event__free_unpacked(ev, NULL);
    return rc;
}

int store_client_delete(struct store *s, MDB_txn *txn, const uint8_t id[STORE_CLIENT_ID_BYTES])
{
    Folio__Client *old;
    int rc = store_client_get(s, txn, id, NULL, &old);
    if (rc != 0)
        return rc;
    uint64_t owner_id = old->owner_id;
    uint32_t birthday = agenda_date(old->birth_date, true);
    rc = store_search_update(s, txn, id, old, NULL);
    if (rc == 0)
        rc = store_agenda_client_update(s, txn, id, old, NULL);
    folio__client__free_unpacked(old, NULL);
    if (rc != 0 || (rc = birthday_entry(s, txn, id, owner_id, birthday, false)) != 0 ||
        (rc = store_agenda_state_delete_client(s, txn, id, owner_id)) != 0 ||
        (rc = store_task_delete_client(s, txn, id)) != 0)
        return rc;
    MDB_val k = {STORE_CLIENT_ID_BYTES, (void *)id};
    rc = mdb_del(txn, s->clients, &k, NULL);
    if (rc != 0)
        return rc;
    uint8_t okey[OWNER_KEY_BYTES];
    owner_key(okey, owner_id, id);
    k.mv_size = sizeof(okey);
    k.mv_data = okey;
    rc = mdb_del(txn, s->clients_by_owner, &k, NULL);
    if (rc != 0 && rc != MDB_NOTFOUND)
        return rc;
    return store_timeline_clear(s, txn, id, owner_id);
}

int store_timeline_clear(struct store *s, MDB_txn *txn, const uint8_t id[STORE_CLIENT_ID_BYTES],
                         uint64_t owner_id)
{
    MDB_cursor *cur;
    int rc = mdb_cursor_open(txn, s->timeline, &cur);
    if (rc != 0)
        return rc;
    uint8_t tkey[TIMELINE_KEY_BYTES];
    timeline_key(tkey, id, 0);
    MDB_val k, v;
    for (;;) {
        k.mv_size = sizeof(tkey);
        k.mv_data = tkey;
        rc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE);
        if (rc != 0 || !timeline_key_of(&k, id))
            break;
        if ((rc = timeline_entries_delete(s, txn, id, owner_id, &v)) != 0)
            break;
        rc = mdb_cursor_del(cur, 0);
        if (rc != 0)
            break;
    }
    mdb_cursor_close(cur);
    return rc == 0 || rc == MDB_NOTFOUND ? 0 : rc;
}

/* Puts the cursor on owner's first index entry after `after` (NULL: the
 * first of all). MDB_NOTFOUND when there is none. */
struct client_page {
    struct store *s;
    uint64_t owner_id;
    const uint8_t *after;
};

static int client_page_belongs(void *ctx, MDB_txn *txn, const MDB_val *key, const MDB_val *value)
{
    (void)txn;
    (void)value;
    const struct client_page *page = ctx;
    if (!owner_key_of(key, page->owner_id))
        return MDB_NOTFOUND;
    if (page->after != NULL &&
        memcmp((const uint8_t *)key->mv_data + 8, page->after, STORE_CLIENT_ID_BYTES) == 0)
        return STORE_PAGE_SKIP;
    return 0;
}

static int client_page_read(void *ctx, MDB_txn *txn, const MDB_val *key, const MDB_val *value,
                            struct arena *arena, void **record)
{
    (void)value;
    const struct client_page *page = ctx;
    return store_client_get(page->s, txn, (const uint8_t *)key->mv_data + 8, arena,
                            (Folio__Client **)record);
}

int store_client_list(struct store *s, MDB_txn *txn, uint64_t owner_id, const uint8_t *after,
                      size_t limit, struct arena *arena, Folio__Client ***out, size_t *count,
                      bool *more)
{
    if (limit == 0 || limit > CLIENT_LIST_MAX)
        limit = CLIENT_LIST_MAX;
    uint8_t key[OWNER_KEY_BYTES];
    store_key_u64(key, owner_id);
    if (after != NULL)
        memcpy(key + 8, after, STORE_CLIENT_ID_BYTES);
    MDB_val start = {after != NULL ? sizeof(key) : 8, key};
    struct client_page page = {s, owner_id, after};
    struct store_page_walk walk = {
        .dbi = s->clients_by_owner,
        .start = &start,
        .belongs = client_page_belongs,
        .read = client_page_read,
        .ctx = &page,
    };
    return store_page_read(txn, &walk, limit, arena, (void ***)out, count, more);
}

/* One walk over an owner's clients_by_owner entries, for either kind of fn.
 * A key of another length ends the walk. */
struct client_each_walk {
    struct store *s;
    MDB_txn *txn;
    const uint8_t *after;
    store_client_fn fn;
    store_client_summary_fn summary_fn;
    void *ctx;
};

static int client_each_visit(void *ctx, const uint8_t *rest, size_t rest_len, const MDB_val *value)
{
    (void)value;
    const struct client_each_walk *walk = ctx;
    if (rest_len != STORE_CLIENT_ID_BYTES)
        return 1;
    if (walk->after != NULL && memcmp(rest, walk->after, STORE_CLIENT_ID_BYTES) == 0)
        return 0;
    Folio__Client *c;
    int rc = store_client_get(walk->s, walk->txn, rest, NULL, &c);
    if (rc != 0)
        return rc == MDB_NOTFOUND ? EINVAL : rc;
    rc = walk->fn(walk->ctx, rest, c);
    folio__client__free_unpacked(c, NULL);
    return rc;
}

int store_client_each(struct store *s, MDB_txn *txn, uint64_t owner_id, const uint8_t *after,
                      store_client_fn fn, void *ctx)
{
    uint8_t key[OWNER_KEY_BYTES];
    store_key_u64(key, owner_id);
    if (after != NULL)
        memcpy(key + 8, after, STORE_CLIENT_ID_BYTES);
    struct client_each_walk walk = {.s = s, .txn = txn, .after = after, .fn = fn, .ctx = ctx};
    int rc = store_each_with_prefix_from(txn, s->clients_by_owner, key, 8, key,
                                         after != NULL ? sizeof(key) : 8, client_each_visit, &walk);
    return rc == 1 ? 0 : rc;
}

/* The summary behind index value v of client id. An entry from before
 * summaries is filled from the record, into *buf, which the caller frees. */
static int summary_read(struct store *s, MDB_txn *txn, const uint8_t id[STORE_CLIENT_ID_BYTES],
                        const MDB_val *v, uint8_t **buf, size_t *len, struct client_summary *out)
{
    *buf = NULL;
    if (v->mv_size > 0)
        return client_summary_decode(v->mv_data, v->mv_size, out) == 0 ? 0 : EINVAL;
    Folio__Client *c;
    int rc = store_client_get(s, txn, id, NULL, &c);
    if (rc != 0)
        return rc == MDB_NOTFOUND ? EINVAL : rc;
    *len = client_summary_size(c);
    *buf = malloc(*len);
    rc = *buf == NULL ? ENOMEM : 0;
    if (rc == 0 && client_summary_decode(*buf, client_summary_encode(c, *buf), out) != 0)
        rc = EINVAL;
    folio__client__free_unpacked(c, NULL);
    return rc;
}

static int client_summary_visit(void *ctx, const uint8_t *rest, size_t rest_len,
                                const MDB_val *value)
{
    const struct client_each_walk *walk = ctx;
    if (rest_len != STORE_CLIENT_ID_BYTES)
        return 1;
    struct client_summary summary;
    uint8_t *buf;
    size_t len;
    int rc = summary_read(walk->s, walk->txn, rest, value, &buf, &len, &summary);
    if (rc == 0)
        rc = walk->summary_fn(walk->ctx, rest, &summary);
    free(buf);
    return rc;
}

int store_client_summaries(struct store *s, MDB_txn *txn, uint64_t owner_id,
                           store_client_summary_fn fn, void *ctx)
{
    uint8_t prefix[8];
    store_key_u64(prefix, owner_id);
    struct client_each_walk walk = {.s = s, .txn = txn, .summary_fn = fn, .ctx = ctx};
    int rc = store_each_with_prefix(txn, s->clients_by_owner, prefix, sizeof(prefix),
                                    client_summary_visit, &walk);
    return rc == 1 ? 0 : rc;
}

int store_client_summary_get(struct store *s, MDB_txn *txn, uint64_t owner_id,
                             const uint8_t id[STORE_CLIENT_ID_BYTES], struct arena *arena,
                             struct client_summary *out)
{
    uint8_t key[OWNER_KEY_BYTES];
    owner_key(key, owner_id, id);
    MDB_val k = {sizeof(key), key};
    MDB_val v;
    int rc = mdb_get(txn, s->clients_by_owner, &k, &v);
    if (rc != 0)
        return rc;
    uint8_t *buf;
    size_t len;
    rc = summary_read(s, txn, id, &v, &buf, &len, out);
    if (rc != 0 || buf == NULL) {
        free(buf);
        return rc;
    }
    /* The view points into buf: keep a copy as long as the arena. */
    uint8_t *kept = arena_alloc(arena, len);
    if (kept == NULL || client_summary_decode(memcpy(kept, buf, len), len, out) != 0)
        rc = ENOMEM;
    free(buf);
    return rc;
}

struct client_prefix_walk {
    const uint8_t *prefix;
    size_t nibbles;
    uint8_t (*ids)[STORE_CLIENT_ID_BYTES];
    size_t max, count;
};

static int client_prefix_visit(void *ctx, const uint8_t *rest, size_t rest_len,
                               const MDB_val *value)
{
    (void)value;
    struct client_prefix_walk *walk = ctx;
    /* rest is the client id less the whole bytes of the prefix, which the
     * walk's own prefix matched. */
    size_t whole = walk->nibbles / 2;
    if (rest_len != STORE_CLIENT_ID_BYTES - whole)
        return 1;
    uint8_t id[STORE_CLIENT_ID_BYTES];
    memcpy(id, walk->prefix, whole);
    memcpy(id + whole, rest, rest_len);
    if (!client_id_has_prefix(id, walk->prefix, walk->nibbles))
        return 1; /* past the odd digit's range: keys are in order */
    if (walk->count < walk->max)
        memcpy(walk->ids[walk->count], id, STORE_CLIENT_ID_BYTES);
    return ++walk->count > walk->max ? 1 : 0;
}

int store_client_prefix(struct store *s, MDB_txn *txn, uint64_t owner_id, const uint8_t prefix[16],
                        size_t nibbles, uint8_t (*ids)[STORE_CLIENT_ID_BYTES], size_t max,
                        size_t *count)
{
    *count = 0;
    if (nibbles == 0 || nibbles >= 2 * STORE_CLIENT_ID_BYTES)
        return EINVAL;
    bool any = owner_id == STORE_CLIENT_ANY_OWNER;
    size_t head = any ? 0 : 8;
    size_t whole = nibbles / 2;
    uint8_t key[OWNER_KEY_BYTES] = {0};
    if (!any)
        store_key_u64(key, owner_id);
    memcpy(key + head, prefix, (nibbles + 1) / 2);
    struct client_prefix_walk walk = {prefix, nibbles, ids, max, 0};
    int rc =
        store_each_with_prefix_from(txn, any ? s->clients : s->clients_by_owner, key, head + whole,
                                    key, head + (nibbles + 1) / 2, client_prefix_visit, &walk);
    *count = walk.count;
    return rc == 1 ? 0 : rc;
}

int store_timeline_next_seq(struct store *s, MDB_txn *txn, const uint8_t id[STORE_CLIENT_ID_BYTES],
                            uint64_t *next)
{
    MDB_cursor *cur;
    int rc = mdb_cursor_open(txn, s->timeline, &cur);
    if (rc != 0)
        return rc;
    /* The client's last entry sits just before the first key past its range. */
    uint8_t key[TIMELINE_KEY_BYTES];
    timeline_key(key, id, UINT64_MAX);
    MDB_val k = {sizeof(key), key};
    MDB_val v;
    rc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE);
    if (rc == 0)
        rc = mdb_cursor_get(cur, &k, &v, MDB_PREV);
    else if (rc == MDB_NOTFOUND)
        rc = mdb_cursor_get(cur, &k, &v, MDB_LAST);
    uint64_t seq = 1;
    if (rc == 0 && timeline_key_of(&k, id)) {
        uint64_t last = store_u64_from_key((const uint8_t *)k.mv_data + STORE_CLIENT_ID_BYTES);
        if (last >= UINT64_MAX - 1)
            rc = EOVERFLOW;
        seq = last + 1;
    } else if (rc == MDB_NOTFOUND) {
        rc = 0;
    }
    mdb_cursor_close(cur);
    *next = seq;
    return rc;
}

int store_timeline_append(struct store *s, MDB_txn *txn, const uint8_t id[STORE_CLIENT_ID_BYTES],
                          Folio__TimelineEvent *ev)
{
    uint64_t seq;
    int rc = store_timeline_next_seq(s, txn, id, &seq);
    if (rc != 0)
        return rc;
    return store_timeline_put(s, txn, id, seq, ev);
}

int store_timeline_put(struct store *s, MDB_txn *txn, const uint8_t id[STORE_CLIENT_ID_BYTES],
                       uint64_t seq, Folio__TimelineEvent *ev)
{
    uint8_t key[TIMELINE_KEY_BYTES];
    timeline_key(key, id, seq);
    Folio__TimelineEvent rec = *ev;
    rec.seq = seq;
    int rc = store_put_message(txn, s->timeline, key, sizeof(key), &rec.base, MDB_NOOVERWRITE);
    if (rc != 0)
        return rc;
    ev->seq = seq;
    return 0;
}

int store_timeline_get(struct store *s, MDB_txn *txn, const uint8_t id[STORE_CLIENT_ID_BYTES],
                       uint64_t seq, struct arena *arena, Folio__TimelineEvent **out)
{
    uint8_t key[TIMELINE_KEY_BYTES];
    timeline_key(key, id, seq);
    return store_get_message(txn, s->timeline, key, sizeof(key), &folio__timeline_event__descriptor,
                             arena, (void **)out);
}

int store_timeline_replace(struct store *s, MDB_txn *txn, const uint8_t id[STORE_CLIENT_ID_BYTES],
                           const Folio__TimelineEvent *ev)
{
    uint8_t key[TIMELINE_KEY_BYTES];
    timeline_key(key, id, ev->seq);
    MDB_val k = {sizeof(key), key};
    MDB_val v;
    int rc = mdb_get(txn, s->timeline, &k, &v);
    if (rc != 0)
        return rc;
    return store_put_message(txn, s->timeline, key, sizeof(key), &ev->base, 0);
}

int store_timeline_delete(struct store *s, MDB_txn *txn, const uint8_t id[STORE_CLIENT_ID_BYTES],
                          uint64_t seq)
{
    uint8_t key[TIMELINE_KEY_BYTES];
    timeline_key(key, id, seq);
    MDB_val k = {sizeof(key), key};
    return mdb_del(txn, s->timeline, &k, NULL);
}

int store_timeline_all(struct store *s, MDB_txn *txn, const uint8_t id[STORE_CLIENT_ID_BYTES],
                       struct arena *arena, Folio__TimelineEvent ***out, size_t *count)
{
    *out = NULL;
    *count = 0;
    MDB_cursor *cur;
    int rc = mdb_cursor_open(txn, s->timeline, &cur);
    if (rc != 0)
        return rc;
    uint8_t key[TIMELINE_KEY_BYTES];
    timeline_key(key, id, 0);
    MDB_val k = {sizeof(key), key};
    MDB_val v;
    size_t cap = 0;
    Folio__TimelineEvent **list = NULL;
    for (rc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE); rc == 0 && timeline_key_of(&k, id);
         rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
        if (*count == cap) {
            /* Doubling in the arena leaves the old arrays behind: at most
             * as much again as the final one. */
            size_t grown = cap == 0 ? 64 : cap * 2;
            Folio__TimelineEvent **bigger = arena_calloc(arena, grown, sizeof(*bigger));
            if (bigger == NULL) {
                rc = ENOMEM;
                break;
            }
            if (*count > 0)
                memcpy(bigger, list, *count * sizeof(*list));
            list = bigger;
            cap = grown;
        }
        list[*count] = folio__timeline_event__unpack(&arena->allocator, v.mv_size, v.mv_data);
        if (list[*count] == NULL) {
            rc = arena->exhausted ? ENOMEM : EINVAL;
            break;
        }
        (*count)++;
    }
    mdb_cursor_close(cur);
    *out = list;
    return rc == 0 || rc == MDB_NOTFOUND ? 0 : rc;
}

struct timeline_page {
    const uint8_t *id;
    uint64_t last; /* the seq of the last event read */
};

static int timeline_page_belongs(void *ctx, MDB_txn *txn, const MDB_val *key, const MDB_val *value)
{
    (void)txn;
    (void)value;
    const struct timeline_page *page = ctx;
    return timeline_key_of(key, page->id) ? 0 : MDB_NOTFOUND;
}

static int timeline_page_read(void *ctx, MDB_txn *txn, const MDB_val *key, const MDB_val *value,
                              struct arena *arena, void **record)
{
    (void)txn;
    struct timeline_page *page = ctx;
    *record = folio__timeline_event__unpack(&arena->allocator, value->mv_size, value->mv_data);
    if (*record == NULL)
        return EINVAL;
    page->last = store_u64_from_key((const uint8_t *)key->mv_data + STORE_CLIENT_ID_BYTES);
    return 0;
}

int store_timeline_list(struct store *s, MDB_txn *txn, const uint8_t id[STORE_CLIENT_ID_BYTES],
                        uint64_t before, size_t limit, struct arena *arena,
                        Folio__TimelineEvent ***out, size_t *count, uint64_t *next)
{
    *next = 0;
    if (limit == 0 || limit > TIMELINE_LIST_MAX)
        limit = TIMELINE_LIST_MAX;
    /* Sequence numbers stop below UINT64_MAX, so "from the newest" is
     * "before UINT64_MAX". */
    uint8_t key[TIMELINE_KEY_BYTES];
    timeline_key(key, id, before == 0 ? UINT64_MAX : before);
    MDB_val start = {sizeof(key), key};
    struct timeline_page page = {id, 0};
    struct store_page_walk walk = {
        .dbi = s->timeline,
        .start = &start,
        .backwards = true,
        .belongs = timeline_page_belongs,
        .read = timeline_page_read,
        .ctx = &page,
    };
    bool more;
    int rc = store_page_read(txn, &walk, limit, arena, (void ***)out, count, &more);
    if (rc == 0 && more)
        *next = page.last;
    return rc;
}

struct timeline_walk {
    store_timeline_fn fn;
    void *ctx;
};

static int timeline_each_visit(void *ctx, const uint8_t *rest, size_t rest_len,
                               const MDB_val *value)
{
    (void)rest;
    struct timeline_walk *walk = ctx;
    if (rest_len != TIMELINE_KEY_BYTES - STORE_CLIENT_ID_BYTES)
        return 0;
    Folio__TimelineEvent *ev = folio__timeline_event__unpack(NULL, value->mv_size, value->mv_data);
    if (ev == NULL)
        return EINVAL; /* a stored event that does not unpack: damage */
    int rc = walk->fn(walk->ctx, ev);
    folio__timeline_event__free_unpacked(ev, NULL);
    return rc;
}

int store_timeline_each(struct store *s, MDB_txn *txn, const uint8_t id[STORE_CLIENT_ID_BYTES],
                        store_timeline_fn fn, void *ctx)
{
    struct timeline_walk walk = {fn, ctx};
    return store_each_with_prefix(txn, s->timeline, id, STORE_CLIENT_ID_BYTES, timeline_each_visit,
                                  &walk);
}

static int client_count_visit(void *ctx, const uint8_t *rest, size_t rest_len, const MDB_val *value)
{
    (void)rest;
    (void)value;
    uint64_t *count = ctx;
    if (rest_len == STORE_CLIENT_ID_BYTES)
        (*count)++;
    return 0;
}

int store_client_count(struct store *s, MDB_txn *txn, uint64_t owner_id, uint64_t *count)
{
    uint8_t prefix[8];
    store_key_u64(prefix, owner_id);
    *count = 0;
    return store_each_with_prefix(txn, s->clients_by_owner, prefix, sizeof(prefix),
                                  client_count_visit, count);
}

int store_client_build(struct store *s, MDB_txn *txn, const struct store_client_build *build,
                       bool *done)
{
    *done = false;
    MDB_val k = {strlen(build->built_key), (void *)build->built_key}, v;
    int rc = mdb_get(txn, s->meta, &k, &v);
    if (rc == 0) {
        *done = true;
        return 0;
    }
    if (rc != MDB_NOTFOUND)
        return rc;
    uint8_t from[STORE_CLIENT_ID_BYTES] = {0};
    MDB_val nk = {strlen(build->next_key), (void *)build->next_key};
    rc = mdb_get(txn, s->meta, &nk, &v);
    if (rc == 0 && v.mv_size == sizeof(from))
        memcpy(from, v.mv_data, sizeof(from));
    else if (rc != 0 && rc != MDB_NOTFOUND)
        return rc;

    MDB_cursor *cur;
    if ((rc = mdb_cursor_open(txn, s->clients, &cur)) != 0)
        return rc;
    MDB_val ck = {sizeof(from), from}, cv;
    size_t n = 0;
    for (rc = mdb_cursor_get(cur, &ck, &cv, MDB_SET_RANGE); rc == 0 && n < build->batch;
         rc = mdb_cursor_get(cur, &ck, &cv, MDB_NEXT), n++) {
        if (ck.mv_size != sizeof(from))
            continue;
        Folio__Client *c = folio__client__unpack(NULL, cv.mv_size, cv.mv_data);
        if (c == NULL) {
            rc = EINVAL;
            break;
        }
        memcpy(from, ck.mv_data, sizeof(from));
        rc = build->visit(s, txn, from, c);
        folio__client__free_unpacked(c, NULL);
        if (rc != 0)
            break;
    }
    bool finished = rc == MDB_NOTFOUND;
    if (rc == 0) {
        /* Stopped at the batch's end, on the first client of the next. */
        memcpy(from, ck.mv_data, ck.mv_size == sizeof(from) ? sizeof(from) : 0);
        MDB_val fv = {sizeof(from), from};
        rc = mdb_put(txn, s->meta, &nk, &fv, 0);
    }
    mdb_cursor_close(cur);
    if (!finished)
        return rc;
    rc = mdb_del(txn, s->meta, &nk, NULL);
    if (rc != 0 && rc != MDB_NOTFOUND)
        return rc;
    MDB_val one = {1, "1"};
    if ((rc = mdb_put(txn, s->meta, &k, &one, 0)) != 0)
        return rc;
    *done = true;
    return 0;
}
