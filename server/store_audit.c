/* store_audit.c - see store_audit.h.
 *
 * A query walks from the newest record (or from `before`) towards the
 * oldest, so its cost is the number of records it looks at, not the size of
 * the log. Records are appended in time order, so the walk ends at the first
 * record older than `since`. A query about one client walks that client's
 * index entries instead, in the same order. Filters on actor, action, office
 * or `until` may match rarely; a query therefore looks at no more than
 * AUDIT_SCAN_MAX records and, when it stops there, hands back where it
 * stopped so the caller can go on.
 */
#include "store_audit.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "array_size.h"
#include "client_record.h"
#include "store_tombstone.h"

#define AUDIT_LIST_MAX 1000
#define AUDIT_SCAN_MAX 100000

/* An index key: the client id's text, then the record's seq. Client ids
 * are UUIDs; anything longer than this is not one and is not indexed. */
#define AUDIT_CLIENT_ID_MAX 64

static size_t audit_client_key(uint8_t key[AUDIT_CLIENT_ID_MAX + 8], const char *client_id,
                               uint64_t seq)
{
    size_t len = strlen(client_id);
    memcpy(key, client_id, len);
    store_key_u64(key + len, seq);
    return len + 8;
}

static int audit_index(struct store *s, MDB_txn *txn, const char *client_id, uint64_t seq,
                       const char *kept)
{
    if (client_id == NULL || client_id[0] == '\0' || strlen(client_id) > AUDIT_CLIENT_ID_MAX)
        return 0;
    uint8_t key[AUDIT_CLIENT_ID_MAX + 8];
    MDB_val k = {.mv_size = audit_client_key(key, client_id, seq), .mv_data = key};
    MDB_val v = {.mv_size = kept != NULL ? strlen(kept) : 0, .mv_data = (void *)(kept ? kept : "")};
    return mdb_put(txn, s->audit_by_client, &k, &v, 0);
}

int store_audit_append(struct store *s, MDB_txn *txn, Folio__AuditRecord *record,
                       const char *client_id, const char *kept)
{
    uint64_t seq;
    int rc = store_next_id(txn, s->audit, &seq);
    if (rc != 0)
        return rc;
    uint8_t key[8];
    store_key_u64(key, seq);
    Folio__AuditRecord rec = *record;
    rec.seq = seq;
    rc =
        store_put_message(txn, s->audit, key, sizeof(key), &rec.base, MDB_NOOVERWRITE | MDB_APPEND);
    if (rc == 0)
        rc = audit_index(s, txn, client_id, seq, kept);
    if (rc != 0)
        return rc;
    record->seq = seq;
    return 0;
}

/* Rewrites the record under seq with its detail cut down to kept. */
static int audit_scrub_one(struct store *s, MDB_txn *txn, uint64_t seq, const MDB_val *kept)
{
    uint8_t key[8];
    store_key_u64(key, seq);
    MDB_val k = {.mv_size = sizeof(key), .mv_data = key}, v;
    int rc = mdb_get(txn, s->audit, &k, &v);
    if (rc == MDB_NOTFOUND)
        return 0;
    if (rc != 0)
        return rc;
    Folio__AuditRecord *r = folio__audit_record__unpack(NULL, v.mv_size, v.mv_data);
    if (r == NULL)
        return EINVAL;
    char *detail = strndup(kept->mv_data, kept->mv_size);
    if (detail == NULL) {
        folio__audit_record__free_unpacked(r, NULL);
        return ENOMEM;
    }
    if (strcmp(r->detail, detail) != 0) {
        Folio__AuditRecord scrubbed = *r;
        scrubbed.detail = detail;
        rc = store_put_message(txn, s->audit, key, sizeof(key), &scrubbed.base, 0);
    }
    free(detail);
    folio__audit_record__free_unpacked(r, NULL);
    return rc;
}

int store_audit_scrub_client(struct store *s, MDB_txn *txn, const char *client_id)
{
    size_t len = strlen(client_id);
    if (len == 0 || len > AUDIT_CLIENT_ID_MAX)
        return 0;
    MDB_cursor *cur;
    int rc = mdb_cursor_open(txn, s->audit_by_client, &cur);
    if (rc != 0)
        return rc;
    uint8_t key[AUDIT_CLIENT_ID_MAX + 8];
    size_t key_len = audit_client_key(key, client_id, 0);
    /* Each pass deletes the first entry left, so the next seek finds the
     * next one. */
    for (;;) {
        MDB_val k = {.mv_size = key_len, .mv_data = key}, v;
        if ((rc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE)) != 0)
            break;
        /* Another id that starts with this one has a longer key. */
        if (k.mv_size != len + 8 || memcmp(k.mv_data, client_id, len) != 0)
            break;
        rc = audit_scrub_one(s, txn, store_u64_from_key((const uint8_t *)k.mv_data + len), &v);
        if (rc == 0)
            rc = mdb_cursor_del(cur, 0);
        if (rc != 0)
            break;
    }
    mdb_cursor_close(cur);
    return rc == MDB_NOTFOUND ? 0 : rc;
}

struct audit_reader {
    struct store *s;
    MDB_txn *txn;
    store_audit_fn fn;
    void *ctx;
};

static int audit_read_one(void *ctx, const uint8_t *rest, size_t rest_len, const MDB_val *value)
{
    (void)value;
    const struct audit_reader *r = ctx;
    /* Another id that starts with this one has a longer key. */
    if (rest_len != 8)
        return 0;
    MDB_val k = {.mv_size = 8, .mv_data = (void *)rest}, v;
    int rc = mdb_get(r->txn, r->s->audit, &k, &v);
    if (rc != 0)
        return rc == MDB_NOTFOUND ? EINVAL : rc;
    Folio__AuditRecord *record = folio__audit_record__unpack(NULL, v.mv_size, v.mv_data);
    if (record == NULL)
        return EINVAL;
    rc = r->fn(r->ctx, record);
    folio__audit_record__free_unpacked(record, NULL);
    return rc;
}

int store_audit_each_client(struct store *s, MDB_txn *txn, const char *client_id, store_audit_fn fn,
                            void *ctx)
{
    size_t len = strlen(client_id);
    if (len == 0 || len > AUDIT_CLIENT_ID_MAX)
        return 0; /* not an id the index holds: no record is about it */
    struct audit_reader r = {s, txn, fn, ctx};
    return store_each_with_prefix(txn, s->audit_by_client, client_id, len, audit_read_one, &r);
}

static bool audit_match(const Folio__AuditRecord *r, const struct store_audit_filter *f)
{
    if (f->actor != NULL && f->actor[0] != '\0' && strcmp(r->actor, f->actor) != 0)
        return false;
    if (f->action != NULL && f->action[0] != '\0' && strcmp(r->action, f->action) != 0)
        return false;
    if (f->until != 0 && r->time >= f->until)
        return false;
    return f->office_id == 0 || r->actor_office_id == f->office_id;
}

/* Puts the cursor on the newest key < key (the last when key is NULL). */
static int audit_seek_below(MDB_cursor *cur, uint8_t *key, size_t key_len, MDB_val *k, MDB_val *v)
{
    if (key == NULL)
        return mdb_cursor_get(cur, k, v, MDB_LAST);
    k->mv_size = key_len;
    k->mv_data = key;
    int rc = mdb_cursor_get(cur, k, v, MDB_SET_RANGE);
    if (rc == 0)
        return mdb_cursor_get(cur, k, v, MDB_PREV);
    if (rc == MDB_NOTFOUND)
        return mdb_cursor_get(cur, k, v, MDB_LAST);
    return rc;
}

/* A walk from newest to oldest over the whole log, or over one client's
 * records through the index. */
struct audit_walk {
    struct store *s;
    MDB_txn *txn;
    MDB_cursor *cur;
    const char *client_id; /* NULL: the whole log */
    size_t client_len;
    bool started;
};

/* The next record's seq and packed value; MDB_NOTFOUND at the end. */
static int audit_walk_next(struct audit_walk *w, uint64_t before, uint64_t *seq, MDB_val *v)
{
    MDB_val k;
    int rc;
    if (w->client_id == NULL) {
        uint8_t key[8];
        store_key_u64(key, before);
        rc = w->started ? mdb_cursor_get(w->cur, &k, v, MDB_PREV)
                        : audit_seek_below(w->cur, before != 0 ? key : NULL, sizeof(key), &k, v);
        w->started = true;
        if (rc != 0)
            return rc;
        if (k.mv_size != 8)
            return EINVAL;
        *seq = store_u64_from_key(k.mv_data);
        return 0;
    }
    uint8_t key[AUDIT_CLIENT_ID_MAX + 8];
    size_t key_len = audit_client_key(key, w->client_id, before != 0 ? before : UINT64_MAX);
    MDB_val iv;
    rc = w->started ? mdb_cursor_get(w->cur, &k, &iv, MDB_PREV)
                    : audit_seek_below(w->cur, key, key_len, &k, &iv);
    /* UINT64_MAX is never a seq, so seeking below it misses no record. */
    w->started = true;
    if (rc != 0)
        return rc;
    if (k.mv_size != w->client_len + 8 || memcmp(k.mv_data, w->client_id, w->client_len) != 0)
        return MDB_NOTFOUND;
    *seq = store_u64_from_key((const uint8_t *)k.mv_data + w->client_len);
    store_key_u64(key, *seq);
    MDB_val rk = {.mv_size = 8, .mv_data = key};
    rc = mdb_get(w->txn, w->s->audit, &rk, v);
    return rc == MDB_NOTFOUND ? EINVAL : rc; /* an index entry without its record */
}

int store_audit_query(struct store *s, MDB_txn *txn, const struct store_audit_filter *filter,
                      struct arena *arena, Folio__AuditRecord ***out, size_t *count, uint64_t *next)
{
    *out = NULL;
    *count = 0;
    *next = 0;
    size_t limit = filter->limit;
    if (limit == 0 || limit > AUDIT_LIST_MAX)
        limit = AUDIT_LIST_MAX;
    struct audit_walk walk = {.s = s, .txn = txn, .client_id = filter->client_id};
    if (walk.client_id != NULL) {
        walk.client_len = strlen(walk.client_id);
        /* Not an id the index can hold: no record is about it. */
        if (walk.client_len == 0 || walk.client_len > AUDIT_CLIENT_ID_MAX) {
            *out = arena_calloc(arena, 1, sizeof(**out));
            return *out == NULL ? ENOMEM : 0;
        }
    }
    Folio__AuditRecord **records = arena_calloc(arena, limit, sizeof(*records));
    if (records == NULL)
        return ENOMEM;
    int rc =
        mdb_cursor_open(txn, walk.client_id != NULL ? s->audit_by_client : s->audit, &walk.cur);
    if (rc != 0)
        return rc;

    MDB_val v;
    uint64_t seq;
    size_t n = 0, scanned = 0;
    uint64_t last_seq = 0, last_returned = 0;
    while ((rc = audit_walk_next(&walk, filter->before, &seq, &v)) == 0) {
        if (scanned == AUDIT_SCAN_MAX) {
            *next = last_seq;
            break;
        }
        scanned++;
        /* Looked at with the default allocator: only records returned
         * are copied into the caller's arena. */
        Folio__AuditRecord *r = folio__audit_record__unpack(NULL, v.mv_size, v.mv_data);
        if (r == NULL) {
            rc = EINVAL;
            break;
        }
        bool older = filter->since != 0 && r->time < filter->since;
        bool match = !older && audit_match(r, filter);
        folio__audit_record__free_unpacked(r, NULL);
        if (older)
            break;
        if (match) {
            if (n == limit) {
                /* One more match exists: the page is full and not the last. */
                *next = last_returned;
                break;
            }
            records[n] = folio__audit_record__unpack(&arena->allocator, v.mv_size, v.mv_data);
            if (records[n] == NULL) {
                rc = ENOMEM;
                break;
            }
            n++;
            last_returned = seq;
        }
        last_seq = seq;
    }
    mdb_cursor_close(walk.cur);
    if (rc != 0 && rc != MDB_NOTFOUND)
        return rc;
    *out = records;
    *count = n;
    return 0;
}

/* Marks in meta that every record older than the index has been seen. */
static const char audit_backfill_mark[] = "audit_by_client";
static const char audit_backfill_next[] = "audit_by_client.next"; /* seq the walk goes on from */

/* The client a record written before the index is about (NULL: none) and,
 * in kept, what its detail keeps once that client is erased: as
 * audit_append_client's callers write them. offer.set names only the offer
 * and a status, nothing the client told; it is left alone. */
static const char *audit_old_client(const Folio__AuditRecord *r, char *kept, size_t kept_size)
{
    static const char *const by_target[] = {"client.add", "client.read",  "client.update",
                                            "event.add",  "coupon.issue", "coupon.redeem"};
    const char *client = NULL;
    for (size_t i = 0; i < ARRAY_SIZE(by_target); i++)
        if (strcmp(r->action, by_target[i]) == 0)
            client = r->target;
    if (strcmp(r->action, "offer.add") == 0)
        client = r->detail;
    if (client == NULL)
        return NULL;
    size_t len = strlen(r->detail);
    /* An event's detail is its kind, a space, then what happened. */
    if (strcmp(r->action, "event.add") == 0 && strchr(r->detail, ' ') != NULL)
        len = (size_t)(strchr(r->detail, ' ') - r->detail);
    if (len >= kept_size)
        len = kept_size - 1;
    memcpy(kept, r->detail, len);
    kept[len] = '\0';
    return client;
}

/* A client erased before erasures were remembered (store_tombstone.h):
 * its client.erase record names it, so a bundle made before the erasure
 * cannot bring it back unnoticed either. */
static int audit_backfill_erasure(struct store *s, MDB_txn *txn, const Folio__AuditRecord *r)
{
    uint8_t id[16];
    if (client_id_parse(r->target, id) != 0)
        return 0;
    MDB_val k = {.mv_size = sizeof(id), .mv_data = id}, v;
    int rc = mdb_get(txn, s->clients, &k, &v);
    if (rc != MDB_NOTFOUND)
        return rc; /* 0: imported again since, on purpose */
    return store_tombstone_put(s, txn, id, r->time);
}

/* Indexes or cuts down the record r (under seq) as audit_old_client says. */
static int audit_backfill_one(struct store *s, MDB_txn *txn, uint64_t seq,
                              const Folio__AuditRecord *r)
{
    if (strcmp(r->action, "client.erase") == 0)
        return audit_backfill_erasure(s, txn, r);
    char kept[256];
    const char *client = audit_old_client(r, kept, sizeof(kept));
    uint8_t id[16];
    if (client == NULL || client_id_parse(client, id) != 0)
        return 0;
    MDB_val k = {.mv_size = sizeof(id), .mv_data = id}, v;
    int rc = mdb_get(txn, s->clients, &k, &v);
    if (rc == 0)
        return audit_index(s, txn, client, seq, kept);
    if (rc != MDB_NOTFOUND || strcmp(r->detail, kept) == 0)
        return rc == MDB_NOTFOUND ? 0 : rc;
    Folio__AuditRecord scrubbed = *r;
    scrubbed.detail = kept;
    return store_put_by_id(txn, s->audit, seq, &scrubbed.base, 0);
}

int store_audit_backfill(struct store *s, MDB_txn *txn, bool *done)
{
    MDB_val mk = {.mv_size = sizeof(audit_backfill_mark) - 1,
                  .mv_data = (void *)audit_backfill_mark},
            mv;
    MDB_val pk = {.mv_size = sizeof(audit_backfill_next) - 1,
                  .mv_data = (void *)audit_backfill_next},
            pv;
    *done = true;
    int rc = mdb_get(txn, s->meta, &mk, &mv);
    if (rc != MDB_NOTFOUND)
        return rc;
    uint64_t next = 0;
    rc = mdb_get(txn, s->meta, &pk, &pv);
    if (rc == 0 && pv.mv_size == 8)
        next = store_u64_from_key(pv.mv_data);
    else if (rc != 0 && rc != MDB_NOTFOUND)
        return rc;
    MDB_cursor *cur;
    if ((rc = mdb_cursor_open(txn, s->audit, &cur)) != 0)
        return rc;
    /* Each step seeks past the record before, so rewriting a record never
     * leaves the walk relying on where a cursor was. */
    for (unsigned walked = 0;; walked++) {
        if (walked == STORE_AUDIT_BACKFILL_BATCH) {
            mdb_cursor_close(cur);
            uint8_t at[8];
            store_key_u64(at, next);
            pv.mv_size = sizeof(at);
            pv.mv_data = at;
            *done = false;
            return mdb_put(txn, s->meta, &pk, &pv, 0);
        }
        uint8_t key[8];
        store_key_u64(key, next);
        MDB_val k = {.mv_size = sizeof(key), .mv_data = key}, v;
        if ((rc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE)) != 0)
            break;
        if (k.mv_size != 8) {
            rc = EINVAL;
            break;
        }
        uint64_t seq = store_u64_from_key(k.mv_data);
        Folio__AuditRecord *r = folio__audit_record__unpack(NULL, v.mv_size, v.mv_data);
        if (r == NULL) {
            rc = EINVAL;
            break;
        }
        rc = audit_backfill_one(s, txn, seq, r);
        folio__audit_record__free_unpacked(r, NULL);
        if (rc != 0)
            break;
        next = seq + 1;
    }
    mdb_cursor_close(cur);
    if (rc != MDB_NOTFOUND)
        return rc;
    if ((rc = mdb_del(txn, s->meta, &pk, NULL)) != 0 && rc != MDB_NOTFOUND)
        return rc;
    mv.mv_size = 1;
    mv.mv_data = (void *)"1";
    return mdb_put(txn, s->meta, &mk, &mv, 0);
}
