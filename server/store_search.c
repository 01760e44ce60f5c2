/* store_search.c - see store_search.h.
 *
 * An update deletes every entry of the old record and puts every entry of
 * the new one rather than working out the difference: it runs only when a
 * searched field or the owner changed, and a put of an unchanged entry
 * leaves its page alone (store_put_changed).
 *
 * The build walks clients in key order and remembers, in meta, the id it
 * got to, so a build cut short (a full map, a stop) goes on from there. */
#include "store_search.h"

#include <errno.h>
#include <string.h>

#include "store_client.h"

#define SEARCH_KEY_MAX      (8 + 1 + CLIENT_SEARCH_TOKEN_MAX + 16)
#define SEARCH_SORT_KEY_MAX (8 + 1 + CLIENT_SEARCH_SORT_MAX + 1 + 16)
#define SEARCH_BUILD_BATCH  2000
/* Marks of the last build in meta; "search_index_built" marked a build
 * without the sort entries, so such a directory is built again. */
#define SEARCH_BUILT_KEY STORE_SEARCH_BUILT_KEY
#define SEARCH_NEXT_KEY  "search_index_sorted_next"

static size_t search_key(uint8_t out[SEARCH_KEY_MAX], uint64_t owner_id,
                         enum client_search_kind kind, const char *token, size_t len,
                         const uint8_t id[16])
{
    if (len > CLIENT_SEARCH_TOKEN_MAX)
        len = CLIENT_SEARCH_TOKEN_MAX;
    store_key_u64(out, owner_id);
    out[8] = (uint8_t)kind;
    memcpy(out + 9, token, len);
    memcpy(out + 9 + len, id, 16);
    return 9 + len + 16;
}

struct search_change {
    struct store *s;
    MDB_txn *txn;
    const uint8_t *id;
    uint64_t owner_id;
    const char *name;
    bool put;
};

static int search_change_token(void *ctx, enum client_search_kind kind, const char *token,
                               size_t len)
{
    const struct search_change *c = ctx;
    uint8_t buf[SEARCH_KEY_MAX];
    MDB_val k = {search_key(buf, c->owner_id, kind, token, len, c->id), buf};
    if (!c->put) {
        int rc = mdb_del(c->txn, c->s->client_search, &k, NULL);
        return rc == MDB_NOTFOUND ? 0 : rc;
    }
    MDB_val v = {strlen(c->name), (void *)c->name};
    return store_put_changed(c->txn, c->s->client_search, &k, &v);
}

/* The sort entry's key: owner, kind, sort key, 0, id. */
static size_t search_sort_key(uint8_t out[SEARCH_SORT_KEY_MAX], uint64_t owner_id, const char *key,
                              size_t len, const uint8_t id[16])
{
    store_key_u64(out, owner_id);
    out[8] = CLIENT_SEARCH_SORT;
    memcpy(out + 9, key, len);
    out[9 + len] = 0;
    memcpy(out + 10 + len, id, 16);
    return 10 + len + 16;
}

static int search_change_sort(const struct search_change *c)
{
    char key[CLIENT_SEARCH_SORT_MAX];
    size_t len;
    int rc = client_search_sort_key(c->name, key, &len);
    if (rc != 0)
        return rc;
    uint8_t buf[SEARCH_SORT_KEY_MAX];
    MDB_val k = {search_sort_key(buf, c->owner_id, key, len, c->id), buf};
    if (!c->put) {
        rc = mdb_del(c->txn, c->s->client_search, &k, NULL);
        return rc == MDB_NOTFOUND ? 0 : rc;
    }
    MDB_val v = {0, ""};
    return store_put_changed(c->txn, c->s->client_search, &k, &v);
}

static int search_change(struct store *s, MDB_txn *txn, const uint8_t id[16],
                         const Folio__Client *client, bool put)
{
    if (client == NULL || client->owner_id == 0)
        return 0;
    struct search_change c = {s, txn, id, client->owner_id, client->name, put};
    int rc = client_search_tokens(client->name, client->phones, client->n_phones, client->emails,
                                  client->n_emails, search_change_token, &c);
    return rc != 0 ? rc : search_change_sort(&c);
}

static bool search_same_strings(char *const *a, size_t na, char *const *b, size_t nb)
{
    if (na != nb)
        return false;
    for (size_t i = 0; i < na; i++)
        if (strcmp(a[i], b[i]) != 0)
            return false;
    return true;
}

int store_search_update(struct store *s, MDB_txn *txn, const uint8_t id[16],
                        const Folio__Client *old, const Folio__Client *new)
{
    if (old != NULL && new != NULL &&
        old->owner_id == new->owner_id &&strcmp(old->name, new->name) == 0 &&
        search_same_strings(old->phones, old->n_phones, new->phones, new->n_phones) &&
        search_same_strings(old->emails, old->n_emails, new->emails, new->n_emails))
        return 0;
    int rc = search_change(s, txn, id, old, false);
    return rc != 0 ? rc : search_change(s, txn, id, new, true);
}

int store_search_walk(struct store *s, MDB_txn *txn, uint64_t owner_id,
                      enum client_search_kind kind, const char *prefix, size_t len,
                      store_search_fn fn, void *ctx)
{
    if (len > CLIENT_SEARCH_TOKEN_MAX)
        len = CLIENT_SEARCH_TOKEN_MAX;
    MDB_cursor *cur;
    int rc = mdb_cursor_open(txn, s->client_search, &cur);
    if (rc != 0)
        return rc;
    bool all = owner_id == STORE_SEARCH_ALL_OWNERS;
    uint64_t owner = all ? 1 : owner_id; /* owner 0 is never indexed */
    uint8_t start[9 + CLIENT_SEARCH_TOKEN_MAX];
    for (;;) {
        store_key_u64(start, owner);
        start[8] = (uint8_t)kind;
        memcpy(start + 9, prefix, len);
        MDB_val k = {9 + len, start}, v;
        for (rc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE); rc == 0;
             rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
            if (k.mv_size < 9 + len + 16 || memcmp(k.mv_data, start, 9 + len) != 0)
                break;
            const uint8_t *key = k.mv_data;
            rc = fn(ctx, owner, key + k.mv_size - 16, v.mv_data, v.mv_size);
            if (rc != 0)
                break;
        }
        if (rc != 0 && rc != MDB_NOTFOUND)
            break; /* fn stopped the walk, or an error */
        if (rc == MDB_NOTFOUND || !all) {
            rc = 0;
            break;
        }
        /* Skip to the next owner that has any entry at all: one seek per
         * owner, whatever their portfolios hold. */
        uint64_t next = store_u64_from_key(k.mv_data);
        if (k.mv_size < 8 || next < owner) {
            rc = EINVAL;
            break;
        }
        if (next == owner) {
            if (owner == UINT64_MAX)
                break;
            next = owner + 1;
        }
        owner = next;
    }
    mdb_cursor_close(cur);
    return rc;
}

/* The entry at the cursor when it is one of owner's sort entries: its
 * client id and sort key. */
static bool search_sorted_entry(const MDB_val *k, const uint8_t prefix[9], const uint8_t **id,
                                const char **key, size_t *key_len)
{
    const uint8_t *b = k->mv_data;
    if (k->mv_size < 9 + 1 + 16 || memcmp(b, prefix, 9) != 0 || b[k->mv_size - 17] != 0)
        return false;
    *id = b + k->mv_size - 16;
    *key = (const char *)b + 9;
    *key_len = k->mv_size - 9 - 1 - 16;
    return true;
}

int store_search_sorted(struct store *s, MDB_txn *txn, uint64_t owner_id, const char *after_key,
                        size_t after_len, const uint8_t *after_id, bool reverse,
                        store_search_sorted_fn fn, void *ctx)
{
    if (after_len > CLIENT_SEARCH_SORT_MAX)
        return EINVAL;
    uint8_t prefix[9];
    store_key_u64(prefix, owner_id);
    prefix[8] = CLIENT_SEARCH_SORT;
    /* Where the walk starts: the cursor's own entry (or the first after
     * it), or the first of owner's (backwards: the first after them). */
    uint8_t start[SEARCH_SORT_KEY_MAX];
    size_t start_len = 9;
    memcpy(start, prefix, 9);
    if (after_id != NULL)
        start_len = search_sort_key(start, owner_id, after_key, after_len, after_id);
    else if (reverse)
        start[8] = CLIENT_SEARCH_SORT + 1;
    MDB_cursor *cur;
    int rc = mdb_cursor_open(txn, s->client_search, &cur);
    if (rc != 0)
        return rc;
    MDB_val k = {start_len, start}, v;
    rc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE);
    if (reverse)
        rc = rc == MDB_NOTFOUND ? mdb_cursor_get(cur, &k, &v, MDB_LAST)
                                : (rc == 0 ? mdb_cursor_get(cur, &k, &v, MDB_PREV) : rc);
    for (; rc == 0; rc = mdb_cursor_get(cur, &k, &v, reverse ? MDB_PREV : MDB_NEXT)) {
        const uint8_t *id;
        const char *key;
        size_t key_len;
        if (!search_sorted_entry(&k, prefix, &id, &key, &key_len))
            break;
        if (!reverse && after_id != NULL && k.mv_size == start_len &&
            memcmp(k.mv_data, start, start_len) == 0)
            continue; /* the cursor's own entry: it was on the page before */
        if ((rc = fn(ctx, id, key, key_len)) != 0)
            break;
    }
    mdb_cursor_close(cur);
    return rc == MDB_NOTFOUND ? 0 : rc;
}

static int search_build_visit(struct store *s, MDB_txn *txn, const uint8_t id[16],
                              const Folio__Client *client)
{
    return store_search_update(s, txn, id, NULL, client);
}

int store_search_build(struct store *s, MDB_txn *txn, bool *done)
{
    const struct store_client_build build = {SEARCH_BUILT_KEY, SEARCH_NEXT_KEY, SEARCH_BUILD_BATCH,
                                             search_build_visit};
    return store_client_build(s, txn, &build, done);
}
