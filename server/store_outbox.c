/* store_outbox.c - see store_outbox.h. Index values are empty; the key says
 * it all. */
#include "store_outbox.h"

#include <errno.h>
#include <string.h>

#include "client_record.h"

#define OUTBOX_OWNER_KEY_BYTES  (8 + 8)
#define OUTBOX_CLIENT_KEY_BYTES (16 + 8)
#define TEMPLATE_KEY_MAX        64

static bool outbox_queued(const Folio__OutboxMessage *m)
{
    return strcmp(m->state, STORE_OUTBOX_QUEUED) == 0;
}

/* Writes (put) or removes every index entry of m. */
static int outbox_index(struct store *s, MDB_txn *txn, const Folio__OutboxMessage *m, bool put)
{
    uint8_t client_id[16];
    if (client_id_parse(m->client_id, client_id) != 0)
        return EINVAL;
    uint8_t okey[OUTBOX_OWNER_KEY_BYTES], ckey[OUTBOX_CLIENT_KEY_BYTES], qkey[8];
    store_key_u64(okey, m->owner_id);
    store_key_u64(okey + 8, m->id);
    memcpy(ckey, client_id, 16);
    store_key_u64(ckey + 16, m->id);
    store_key_u64(qkey, m->id);
    MDB_val ko = {sizeof(okey), okey}, kc = {sizeof(ckey), ckey}, kq = {sizeof(qkey), qkey};
    MDB_val empty = {0, NULL};
    int rc;
    if (put) {
        if ((rc = mdb_put(txn, s->outbox_by_owner, &ko, &empty, 0)) != 0 ||
            (rc = mdb_put(txn, s->outbox_by_client, &kc, &empty, 0)) != 0)
            return rc;
        if (outbox_queued(m))
            return mdb_put(txn, s->outbox_queued, &kq, &empty, 0);
        return 0;
    }
    MDB_val *keys[] = {&ko, &kc, &kq};
    MDB_dbi dbis[] = {s->outbox_by_owner, s->outbox_by_client, s->outbox_queued};
    for (size_t i = 0; i < 3; i++)
        if ((rc = mdb_del(txn, dbis[i], keys[i], NULL)) != 0 && rc != MDB_NOTFOUND)
            return rc;
    return 0;
}

int store_outbox_put(struct store *s, MDB_txn *txn, Folio__OutboxMessage *message)
{
    int rc;
    if (message->id == 0) {
        if ((rc = store_next_id(txn, s->outbox, &message->id)) != 0)
            return rc;
    } else {
        Folio__OutboxMessage *old;
        rc = store_get_by_id(txn, s->outbox, message->id, &folio__outbox_message__descriptor, NULL,
                             (void **)&old);
        if (rc == 0) {
            rc = outbox_index(s, txn, old, false);
            folio__outbox_message__free_unpacked(old, NULL);
        }
        if (rc != 0 && rc != MDB_NOTFOUND)
            return rc;
    }
    if ((rc = outbox_index(s, txn, message, true)) != 0)
        return rc;
    Folio__OutboxMessage rec = *message;
    rec.client_name = (char *)protobuf_c_empty_string;
    return store_put_by_id(txn, s->outbox, message->id, &rec.base, 0);
}

int store_outbox_get(struct store *s, MDB_txn *txn, uint64_t id, struct arena *arena,
                     Folio__OutboxMessage **out)
{
    return store_get_by_id(txn, s->outbox, id, &folio__outbox_message__descriptor, arena,
                           (void **)out);
}

int store_outbox_due(struct store *s, MDB_txn *txn, int64_t now_ms, size_t max, struct arena *arena,
                     Folio__OutboxMessage **out, int64_t *next_ms)
{
    *out = NULL;
    *next_ms = INT64_MAX;
    MDB_cursor *cur;
    int rc = mdb_cursor_open(txn, s->outbox_queued, &cur);
    if (rc != 0)
        return rc;
    uint64_t best = 0;
    MDB_val k, v;
    size_t seen = 0;
    for (rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST); rc == 0 && seen < max;
         rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT), seen++) {
        if (k.mv_size != 8) {
            rc = EINVAL;
            break;
        }
        Folio__OutboxMessage *m;
        uint64_t id = store_u64_from_key(k.mv_data);
        rc = store_get_by_id(txn, s->outbox, id, &folio__outbox_message__descriptor, NULL,
                             (void **)&m);
        if (rc != 0) {
            rc = rc == MDB_NOTFOUND ? EINVAL : rc;
            break;
        }
        if (m->next_attempt_at < *next_ms) {
            *next_ms = m->next_attempt_at;
            best = id;
        }
        folio__outbox_message__free_unpacked(m, NULL);
    }
    mdb_cursor_close(cur);
    if (rc != 0 && rc != MDB_NOTFOUND)
        return rc;
    if (best == 0 || *next_ms > now_ms)
        return 0;
    return store_outbox_get(s, txn, best, arena, out);
}

int store_outbox_queued_count(struct store *s, MDB_txn *txn, uint64_t *count)
{
    MDB_stat st;
    int rc = mdb_stat(txn, s->outbox_queued, &st);
    if (rc == 0)
        *count = st.ms_entries;
    return rc;
}

struct outbox_each_walk {
    struct store *s;
    MDB_txn *txn;
    store_outbox_fn fn;
    void *ctx;
};

static int outbox_each_visit(void *ctx, const uint8_t *rest, size_t rest_len, const MDB_val *value)
{
    (void)value;
    const struct outbox_each_walk *walk = ctx;
    if (rest_len != 8)
        return 1;
    Folio__OutboxMessage *m;
    int rc = store_get_by_id(walk->txn, walk->s->outbox, store_u64_from_key(rest),
                             &folio__outbox_message__descriptor, NULL, (void **)&m);
    if (rc != 0)
        return rc == MDB_NOTFOUND ? EINVAL : rc;
    rc = walk->fn(walk->ctx, m);
    folio__outbox_message__free_unpacked(m, NULL);
    return rc;
}

int store_outbox_each_owner(struct store *s, MDB_txn *txn, uint64_t owner_id, uint64_t after,
                            store_outbox_fn fn, void *ctx)
{
    if (after == UINT64_MAX)
        return 0;
    uint8_t prefix[8], start[OUTBOX_OWNER_KEY_BYTES];
    store_key_u64(prefix, owner_id);
    store_key_u64(start, owner_id);
    store_key_u64(start + 8, after + 1);
    struct outbox_each_walk walk = {s, txn, fn, ctx};
    int rc = store_each_with_prefix_from(txn, s->outbox_by_owner, prefix, sizeof(prefix), start,
                                         sizeof(start), outbox_each_visit, &walk);
    return rc == 1 ? 0 : rc;
}

struct outbox_client_walk {
    struct store *s;
    MDB_txn *txn;
    uint64_t *ids;
    size_t max, count;
};

static int outbox_client_visit(void *ctx, const uint8_t *rest, size_t rest_len,
                               const MDB_val *value)
{
    (void)value;
    struct outbox_client_walk *walk = ctx;
    if (rest_len != 8)
        return EINVAL;
    MDB_val k = {8, (void *)rest}, v;
    int rc = mdb_get(walk->txn, walk->s->outbox_queued, &k, &v);
    if (rc == MDB_NOTFOUND)
        return 0;
    if (rc != 0)
        return rc;
    if (walk->count == walk->max)
        return 1;
    walk->ids[walk->count++] = store_u64_from_key(rest);
    return 0;
}

int store_outbox_client_queued(struct store *s, MDB_txn *txn, const uint8_t client_id[16],
                               uint64_t *ids, size_t max, size_t *count)
{
    struct outbox_client_walk walk = {s, txn, ids, max, 0};
    int rc =
        store_each_with_prefix(txn, s->outbox_by_client, client_id, 16, outbox_client_visit, &walk);
    *count = walk.count;
    return rc == 1 ? 0 : rc;
}

static int outbox_client_all(void *ctx, const uint8_t *rest, size_t rest_len, const MDB_val *value)
{
    (void)value;
    struct outbox_client_walk *walk = ctx;
    if (rest_len != 8)
        return EINVAL;
    if (walk->count == walk->max)
        return 1;
    walk->ids[walk->count++] = store_u64_from_key(rest);
    return 0;
}

int store_outbox_delete_client(struct store *s, MDB_txn *txn, const uint8_t client_id[16])
{
    uint64_t ids[64];
    struct outbox_client_walk walk;
    int rc;
    do {
        walk = (struct outbox_client_walk){s, txn, ids, 64, 0};
        rc = store_each_with_prefix(txn, s->outbox_by_client, client_id, 16, outbox_client_all,
                                    &walk);
        if (rc != 0 && rc != 1)
            return rc;
        for (size_t i = 0; i < walk.count; i++) {
            Folio__OutboxMessage *m;
            if ((rc = store_get_by_id(txn, s->outbox, ids[i], &folio__outbox_message__descriptor,
                                      NULL, (void **)&m)) != 0)
                return rc == MDB_NOTFOUND ? EINVAL : rc;
            rc = outbox_index(s, txn, m, false);
            folio__outbox_message__free_unpacked(m, NULL);
            uint8_t key[8];
            store_key_u64(key, ids[i]);
            MDB_val k = {sizeof(key), key};
            if (rc != 0 || (rc = mdb_del(txn, s->outbox, &k, NULL)) != 0)
                return rc;
        }
    } while (walk.count == 64);
    return 0;
}

/* "kind\0language". */
static int template_key(const char *kind, const char *language, uint8_t out[TEMPLATE_KEY_MAX],
                        size_t *len)
{
    size_t k = strlen(kind), l = strlen(language);
    if (k + 1 + l > TEMPLATE_KEY_MAX)
        return EINVAL;
    memcpy(out, kind, k);
    out[k] = '\0';
    memcpy(out + k + 1, language, l);
    *len = k + 1 + l;
    return 0;
}

int store_mail_template_put(struct store *s, MDB_txn *txn, const Folio__MailTemplate *tpl)
{
    uint8_t key[TEMPLATE_KEY_MAX];
    size_t len;
    int rc = template_key(tpl->kind, tpl->language, key, &len);
    return rc != 0 ? rc : store_put_message(txn, s->mail_templates, key, len, &tpl->base, 0);
}

int store_mail_template_get(struct store *s, MDB_txn *txn, const char *kind, const char *language,
                            struct arena *arena, Folio__MailTemplate **out)
{
    uint8_t key[TEMPLATE_KEY_MAX];
    size_t len;
    int rc = template_key(kind, language, key, &len);
    return rc != 0 ? rc
                   : store_get_message(txn, s->mail_templates, key, len,
                                       &folio__mail_template__descriptor, arena, (void **)out);
}

int store_mail_template_delete(struct store *s, MDB_txn *txn, const char *kind,
                               const char *language)
{
    uint8_t key[TEMPLATE_KEY_MAX];
    size_t len;
    int rc = template_key(kind, language, key, &len);
    if (rc != 0)
        return rc;
    MDB_val k = {len, key};
    return mdb_del(txn, s->mail_templates, &k, NULL);
}

int store_mail_template_list(struct store *s, MDB_txn *txn, size_t max, struct arena *arena,
                             Folio__MailTemplate ***out, size_t *count)
{
    return store_list_messages(txn, s->mail_templates, &folio__mail_template__descriptor, max,
                               arena, (void ***)out, count);
}
