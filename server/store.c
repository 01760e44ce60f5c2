/* store.c - see store.h.
 *
 * Opening is one sequence of steps, each of which either succeeds or sends
 * everything opened so far to the single `fail` label: create the handle,
 * size the map, open the files, clear reader slots left by dead processes,
 * then one write transaction that checks the schema version before touching
 * anything else (a newer foliod may have laid tables out differently) and
 * creates whatever tables are missing.
 */
#include "store.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "array_size.h"
#include "store_audit.h"

#define STORE_MAX_DBS 64 /* the tables of store.h, with room to add */

#define STORE_SCHEMA_KEY "schema_version"

/* Distinct from every code LMDB returns, so the caller can tell the user
 * that this binary is too old rather than that the files are damaged. */
#define STORE_ESCHEMA EPROTO

static int store_path(char *out, size_t size, const char *dir, const char *file)
{
    int n = snprintf(out, size, "%s/%s", dir, file);
    return n < 0 || (size_t)n >= size ? ENAMETOOLONG : 0;
}

/* The map starts at STORE_INITIAL_MAP and doubles from there, as store_grow
 * makes it; reopening a store that grew keeps a map at least as large as its
 * file, since LMDB would otherwise shrink it to the data in use and the next
 * write would hit MDB_MAP_FULL at once. */
static size_t store_map_for(off_t file_size)
{
    size_t map = STORE_INITIAL_MAP;
    while ((off_t)map < file_size) {
        if (map > SIZE_MAX / 2)
            return SIZE_MAX;
        map *= 2;
    }
    return map;
}

static int store_check_schema(MDB_txn *txn, MDB_dbi meta)
{
    MDB_val key = {sizeof(STORE_SCHEMA_KEY) - 1, STORE_SCHEMA_KEY};
    MDB_val val;
    int rc = mdb_get(txn, meta, &key, &val);
    if (rc == MDB_NOTFOUND) {
        uint8_t buf[4];
        uint32_t v = STORE_SCHEMA_VERSION;
        buf[0] = (uint8_t)(v >> 24);
        buf[1] = (uint8_t)(v >> 16);
        buf[2] = (uint8_t)(v >> 8);
        buf[3] = (uint8_t)v;
        val.mv_size = sizeof(buf);
        val.mv_data = buf;
        return mdb_put(txn, meta, &key, &val, 0);
    }
    if (rc != 0)
        return rc;
    if (val.mv_size != 4)
        return EINVAL;
    const uint8_t *p = val.mv_data;
    uint32_t version = (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
    return version > STORE_SCHEMA_VERSION ? STORE_ESCHEMA : 0;
}

static int store_open_tables(struct store *s, MDB_txn *txn)
{
    const struct {
        const char *name;
        MDB_dbi *dbi;
        unsigned flags;
    } tables[] = {
        {"users", &s->users, 0},
        {"users_by_name", &s->users_by_name, 0},
        {"credentials", &s->credentials, 0},
        {"offices", &s->offices, 0},
        {"offices_by_name", &s->offices_by_name, 0},
        {"sessions", &s->sessions, 0},
        {"sessions_by_user", &s->sessions_by_user, MDB_DUPSORT},
        {"audit", &s->audit, 0},
        {"audit_by_client", &s->audit_by_client, 0},
        {"clients", &s->clients, 0},
        {"clients_by_owner", &s->clients_by_owner, 0},
        {"timeline", &s->timeline, 0},
        {"rules", &s->rules, 0},
        {"alerts", &s->alerts, 0},
        {"offers", &s->offers, 0},
        {"offers_by_owner", &s->offers_by_owner, 0},
        {"offers_by_client", &s->offers_by_client, 0},
        {"partners", &s->partners, 0},
        {"coupons", &s->coupons, 0},
        {"coupons_by_owner", &s->coupons_by_owner, 0},
        {"coupons_by_client", &s->coupons_by_client, 0},
        {"profiles", &s->profiles, 0},
        {"agenda", &s->agenda, 0},
        {"trusted_firms", &s->trusted_firms, 0},
        {"reassignments", &s->reassignments, 0},
        {"tombstones", &s->tombstones, 0},
        {"client_search", &s->client_search, 0},
        {"holdings", &s->holdings, 0},
        {"holdings_by_owner", &s->holdings_by_owner, 0},
        {"holdings_by_client", &s->holdings_by_client, 0},
        {"agenda_states", &s->agenda_states, 0},
        {"tasks", &s->tasks, 0},
        {"tasks_by_client", &s->tasks_by_client, 0},
        {"campaigns", &s->campaigns, 0},
        {"campaigns_by_owner", &s->campaigns_by_owner, 0},
        {"outbox", &s->outbox, 0},
        {"outbox_queued", &s->outbox_queued, 0},
        {"outbox_by_owner", &s->outbox_by_owner, 0},
        {"outbox_by_client", &s->outbox_by_client, 0},
        {"mail_templates", &s->mail_templates, 0},
    };
    int rc = mdb_dbi_open(txn, "meta", MDB_CREATE, &s->meta);
    if (rc == 0)
        rc = store_check_schema(txn, s->meta);
    for (size_t i = 0; rc == 0 && i < ARRAY_SIZE(tables); i++)
        rc = mdb_dbi_open(txn, tables[i].name, tables[i].flags | MDB_CREATE, tables[i].dbi);
    return rc;
}

/* Indexes the audit records of a store older than the audit-by-client
 * index, once, a batch per transaction. A failure (a full map, say) costs
 * nothing but a retry at the next open, from the last batch committed:
 * the store serves as it is. */
static void store_open_backfill(struct store *s)
{
    for (bool done = false; !done;) {
        MDB_txn *txn;
        if (mdb_txn_begin(s->env, NULL, 0, &txn) != 0)
            return;
        if (store_audit_backfill(s, txn, &done) != 0) {
            mdb_txn_abort(txn);
            return;
        }
        if (mdb_txn_commit(txn) != 0)
            return;
    }
}

int store_open(struct store *s, const char *dir, int create)
{
    memset(s, 0, sizeof(*s));
    atomic_init(&s->idle_read, NULL);
    atomic_init(&s->auth_generation, 0);
    s->auth_changed = false;
    char path[PATH_MAX];
    int rc = store_path(path, sizeof(path), dir, "data.mdb");
    if (rc != 0)
        return rc;
    struct stat st;
    off_t file_size = 0;
    if (stat(path, &st) == 0)
        file_size = st.st_size;
    else if (errno != ENOENT)
        return errno;
    else if (!create)
        return ENOENT;

    rc = pthread_rwlock_init(&s->resize_lock, NULL);
    if (rc != 0)
        return rc;
    MDB_txn *txn = NULL;
    rc = mdb_env_create(&s->env);
    if (rc != 0)
        goto fail;
    if ((rc = mdb_env_set_maxdbs(s->env, STORE_MAX_DBS)) != 0 ||
        (rc = mdb_env_set_mapsize(s->env, store_map_for(file_size))) != 0)
        goto fail;
    /* MDB_NOTLS: read transactions belong to the loop thread, not to
     * whichever thread happened to create them. No MDB_NOSYNC: a commit is
     * an acknowledgement. No MDB_WRITEMAP: it rules out nested transactions. */
    rc = mdb_env_open(s->env, dir, MDB_NOTLS, 0600);
    if (rc != 0)
        goto fail;
    int dead;
    if ((rc = mdb_reader_check(s->env, &dead)) != 0)
        goto fail;
    if ((rc = mdb_txn_begin(s->env, NULL, 0, &txn)) != 0)
        goto fail;
    if ((rc = store_open_tables(s, txn)) != 0)
        goto fail;
    rc = mdb_txn_commit(txn);
    txn = NULL;
    if (rc != 0)
        goto fail;
    store_open_backfill(s);
    MDB_envinfo info;
    if ((rc = mdb_env_info(s->env, &info)) != 0)
        goto fail;
    s->map_size = info.me_mapsize;
    return 0;

fail:
    if (txn != NULL)
        mdb_txn_abort(txn);
    if (s->env != NULL)
        mdb_env_close(s->env);
    s->env = NULL;
    pthread_rwlock_destroy(&s->resize_lock);
    return rc;
}

void store_close(struct store *s)
{
    if (s->env == NULL)
        return;
    MDB_txn *idle = atomic_exchange(&s->idle_read, NULL);
    if (idle != NULL)
        mdb_txn_abort(idle);
    mdb_env_close(s->env);
    s->env = NULL;
    pthread_rwlock_destroy(&s->resize_lock);
}

int store_read_begin(struct store *s, MDB_txn **txn)
{
    int rc = pthread_rwlock_rdlock(&s->resize_lock);
    if (rc != 0)
        return rc;
    /* One parked handle serves the loop thread, which reads one request at
     * a time; a read that finds it taken (off the loop, or nested) begins
     * its own, and the first of them to end parks its handle. */
    MDB_txn *idle = atomic_exchange(&s->idle_read, NULL);
    if (idle != NULL) {
        if (mdb_txn_renew(idle) == 0) {
            *txn = idle;
            return 0;
        }
        mdb_txn_abort(idle);
    }
    rc = mdb_txn_begin(s->env, NULL, MDB_RDONLY, txn);
    if (rc == MDB_READERS_FULL) {
        /* Slots of crashed processes are only reclaimed on request. */
        int dead = 0;
        if (mdb_reader_check(s->env, &dead) == 0 && dead > 0)
            rc = mdb_txn_begin(s->env, NULL, MDB_RDONLY, txn);
    }
    if (rc != 0) {
        *txn = NULL;
        pthread_rwlock_unlock(&s->resize_lock);
    }
    return rc;
}

void store_read_end(struct store *s, MDB_txn *txn)
{
    /* Reset before the lock is released: once no reader holds it, store_grow
     * may remap, which LMDB allows only while no transaction is active. A
     * reset transaction is not; it keeps nothing that points into the map. */
    mdb_txn_reset(txn);
    MDB_txn *none = NULL;
    if (!atomic_compare_exchange_strong(&s->idle_read, &none, txn))
        mdb_txn_abort(txn);
    pthread_rwlock_unlock(&s->resize_lock);
}

void store_auth_changed(struct store *s)
{
    s->auth_changed = true;
}

void store_auth_publish(struct store *s)
{
    if (s->auth_changed) {
        s->auth_changed = false;
        atomic_fetch_add_explicit(&s->auth_generation, 1, memory_order_release);
    }
}

uint64_t store_auth_generation(struct store *s)
{
    return atomic_load_explicit(&s->auth_generation, memory_order_acquire);
}

int store_put_changed(MDB_txn *txn, MDB_dbi dbi, MDB_val *key, MDB_val *value)
{
    /* MDB_NOOVERWRITE finds the key before touching any page and hands back
     * what is there: a new key costs one lookup, an unchanged one too. */
    MDB_val found = *value;
    int rc = mdb_put(txn, dbi, key, &found, MDB_NOOVERWRITE);
    if (rc != MDB_KEYEXIST)
        return rc;
    if (found.mv_size == value->mv_size &&
        (value->mv_size == 0 || memcmp(found.mv_data, value->mv_data, value->mv_size) == 0))
        return 0;
    return mdb_put(txn, dbi, key, value, 0);
}

int store_grow(struct store *s)
{
    int rc = pthread_rwlock_wrlock(&s->resize_lock);
    if (rc != 0)
        return rc;
    /* Double what the map is now, not s->map_size: anyone with the env
     * handle may have set it. */
    MDB_envinfo info;
    rc = mdb_env_info(s->env, &info);
    if (rc == 0 && info.me_mapsize > SIZE_MAX / 2)
        rc = ENOMEM;
    if (rc == 0)
        rc = mdb_env_set_mapsize(s->env, info.me_mapsize * 2);
    if (rc == 0)
        rc = mdb_env_info(s->env, &info);
    if (rc == 0)
        s->map_size = info.me_mapsize;
    pthread_rwlock_unlock(&s->resize_lock);
    return rc;
}

int store_make_room(struct store *s, size_t bytes)
{
    for (int doublings = 0;; doublings++) {
        MDB_envinfo info;
        MDB_stat stat;
        int rc = mdb_env_info(s->env, &info);
        if (rc == 0)
            rc = mdb_env_stat(s->env, &stat);
        if (rc != 0)
            return rc;
        size_t used = ((size_t)info.me_last_pgno + 1) * stat.ms_psize;
        if (info.me_mapsize >= used && info.me_mapsize - used >= bytes)
            return 0;
        if (doublings >= STORE_MAX_DOUBLINGS)
            return MDB_MAP_FULL;
        if ((rc = store_grow(s)) != 0)
            return rc;
    }
}

const char *store_strerror(int rc)
{
    if (rc == ENOSPC || rc == EDQUOT || rc == EFBIG)
        return "no space left for the database (the disk is full or a file size limit was "
               "reached)";
    if (rc == STORE_ESCHEMA)
        return "data directory was written by a newer foliod";
    return mdb_strerror(rc);
}

void store_key_u64(uint8_t out[8], uint64_t v)
{
    for (int i = 7; i >= 0; i--) {
        out[i] = (uint8_t)v;
        v >>= 8;
    }
}

uint64_t store_u64_from_key(const void *key)
{
    const uint8_t *p = key;
    uint64_t v = 0;
    for (int i = 0; i < 8; i++)
        v = v << 8 | p[i];
    return v;
}

int store_get_message(MDB_txn *txn, MDB_dbi dbi, const void *key, size_t key_len,
                      const ProtobufCMessageDescriptor *desc, struct arena *arena, void **out)
{
    MDB_val k = {key_len, (void *)key};
    MDB_val v;
    int rc = mdb_get(txn, dbi, &k, &v);
    if (rc != 0)
        return rc;
    ProtobufCMessage *msg = protobuf_c_message_unpack(
        desc, arena != NULL ? &arena->allocator : NULL, v.mv_size, v.mv_data);
    if (msg == NULL)
        return EINVAL;
    *out = msg;
    return 0;
}

int store_put_message(MDB_txn *txn, MDB_dbi dbi, const void *key, size_t key_len,
                      const ProtobufCMessage *msg, unsigned flags)
{
    size_t size = protobuf_c_message_get_packed_size(msg);
    if (size > UINT32_MAX)
        return MDB_BAD_VALSIZE;
    MDB_val k = {key_len, (void *)key};
    MDB_val v = {size, NULL};
    int rc = mdb_put(txn, dbi, &k, &v, flags | MDB_RESERVE);
    if (rc != 0)
        return rc;
    /* A mismatch leaves garbage in the reserved bytes; the error makes the
     * caller abort the transaction. */
    if (protobuf_c_message_pack(msg, v.mv_data) != size)
        return EINVAL;
    return 0;
}

int store_get_by_id(MDB_txn *txn, MDB_dbi dbi, uint64_t id, const ProtobufCMessageDescriptor *desc,
                    struct arena *arena, void **out)
{
    uint8_t key[8];
    store_key_u64(key, id);
    return store_get_message(txn, dbi, key, sizeof(key), desc, arena, out);
}

int store_put_by_id(MDB_txn *txn, MDB_dbi dbi, uint64_t id, const ProtobufCMessage *msg,
                    unsigned flags)
{
    uint8_t key[8];
    store_key_u64(key, id);
    return store_put_message(txn, dbi, key, sizeof(key), msg, flags);
}

int store_get_u64(MDB_txn *txn, MDB_dbi dbi, const void *key, size_t key_len, uint64_t *out)
{
    MDB_val k = {key_len, (void *)key};
    MDB_val v;
    int rc = mdb_get(txn, dbi, &k, &v);
    if (rc != 0)
        return rc;
    if (v.mv_size != 8)
        return EINVAL;
    *out = store_u64_from_key(v.mv_data);
    return 0;
}

int store_put_u64(MDB_txn *txn, MDB_dbi dbi, const void *key, size_t key_len, uint64_t value,
                  unsigned flags)
{
    uint8_t bytes[8];
    store_key_u64(bytes, value);
    MDB_val k = {key_len, (void *)key};
    MDB_val v = {sizeof(bytes), bytes};
    return mdb_put(txn, dbi, &k, &v, flags);
}

int store_next_id(MDB_txn *txn, MDB_dbi dbi, uint64_t *id)
{
    MDB_cursor *cur;
    int rc = mdb_cursor_open(txn, dbi, &cur);
    if (rc != 0)
        return rc;
    MDB_val k, v;
    rc = mdb_cursor_get(cur, &k, &v, MDB_LAST);
    mdb_cursor_close(cur);
    if (rc == MDB_NOTFOUND) {
        *id = 1;
        return 0;
    }
    if (rc != 0)
        return rc;
    if (k.mv_size != 8)
        return EINVAL;
    uint64_t last = store_u64_from_key(k.mv_data);
    if (last == UINT64_MAX)
        return EOVERFLOW;
    *id = last + 1;
    return 0;
}

int store_each_with_prefix(MDB_txn *txn, MDB_dbi dbi, const void *prefix, size_t prefix_len,
                           store_prefix_fn fn, void *ctx)
{
    return store_each_with_prefix_from(txn, dbi, prefix, prefix_len, prefix, prefix_len, fn, ctx);
}

int store_each_with_prefix_from(MDB_txn *txn, MDB_dbi dbi, const void *prefix, size_t prefix_len,
                                const void *start, size_t start_len, store_prefix_fn fn, void *ctx)
{
    MDB_cursor *cur;
    int rc = mdb_cursor_open(txn, dbi, &cur);
    if (rc != 0)
        return rc;
    MDB_val k = {start_len, (void *)start}, v;
    for (rc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE); rc == 0;
         rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
        if (k.mv_size <= prefix_len || memcmp(k.mv_data, prefix, prefix_len) != 0)
            break;
        rc = fn(ctx, (const uint8_t *)k.mv_data + prefix_len, k.mv_size - prefix_len, &v);
        if (rc != 0)
            break;
    }
    mdb_cursor_close(cur);
    return rc == MDB_NOTFOUND ? 0 : rc;
}

/* Puts the cursor on the walk's first entry. */
static int store_page_seek(MDB_cursor *cur, const struct store_page_walk *walk, MDB_val *k,
                           MDB_val *v)
{
    if (walk->start == NULL)
        return mdb_cursor_get(cur, k, v, walk->backwards ? MDB_LAST : MDB_FIRST);
    *k = *walk->start;
    int rc = mdb_cursor_get(cur, k, v, MDB_SET_RANGE);
    if (!walk->backwards)
        return rc;
    if (rc == 0)
        return mdb_cursor_get(cur, k, v, MDB_PREV);
    if (rc == MDB_NOTFOUND)
        return mdb_cursor_get(cur, k, v, MDB_LAST);
    return rc;
}

int store_page_read(MDB_txn *txn, const struct store_page_walk *walk, size_t limit,
                    struct arena *arena, void ***records, size_t *count, bool *more)
{
    *records = NULL;
    *count = 0;
    if (more != NULL)
        *more = false;
    void **page = arena_calloc(arena, limit > 0 ? limit : 1, sizeof(*page));
    if (page == NULL)
        return ENOMEM;
    MDB_cursor *cur;
    int rc = mdb_cursor_open(txn, walk->dbi, &cur);
    if (rc != 0)
        return rc;
    MDB_cursor_op step = walk->backwards ? MDB_PREV : MDB_NEXT;
    MDB_val k, v;
    size_t n = 0;
    for (rc = store_page_seek(cur, walk, &k, &v); rc == 0 && (n < limit || more != NULL);
         rc = mdb_cursor_get(cur, &k, &v, step)) {
        if (walk->belongs != NULL) {
            rc = walk->belongs(walk->ctx, txn, &k, &v);
            if (rc == STORE_PAGE_SKIP)
                continue;
            if (rc != 0)
                break;
        }
        if (n == limit) {
            *more = true;
            break;
        }
        if (walk->read != NULL) {
            rc = walk->read(walk->ctx, txn, &k, &v, arena, &page[n]);
        } else {
            page[n] =
                protobuf_c_message_unpack(walk->desc, &arena->allocator, v.mv_size, v.mv_data);
            rc = page[n] == NULL ? EINVAL : 0;
        }
        if (rc != 0) {
            rc = rc == MDB_NOTFOUND ? EINVAL : rc;
            break;
        }
        n++;
    }
    mdb_cursor_close(cur);
    if (rc != 0 && rc != MDB_NOTFOUND)
        return rc;
    *records = page;
    *count = n;
    return 0;
}

int store_list_messages(MDB_txn *txn, MDB_dbi dbi, const ProtobufCMessageDescriptor *desc,
                        size_t max, struct arena *arena, void ***out, size_t *count)
{
    *out = NULL;
    *count = 0;
    MDB_stat st;
    int rc = mdb_stat(txn, dbi, &st);
    if (rc != 0)
        return rc;
    if (st.ms_entries > max)
        return EINVAL;
    struct store_page_walk walk = {.dbi = dbi, .desc = desc};
    return store_page_read(txn, &walk, st.ms_entries, arena, out, count, NULL);
}
